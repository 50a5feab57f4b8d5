/* moped-help.c: the user guide shipped with Moped (F1), shown in a window of its own.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The guide is a short Markdown file in the resources (data/help/user-guide.md), readable
 * as it is in the source tree; this file shows the little of Markdown it uses.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <string.h>

#include "moped-help.h"

#define GUIDE_RESOURCE "/org/moped/Moped/help/user-guide.md"

static void
ensure_tags (GtkTextBuffer *buffer)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);

  if (gtk_text_tag_table_lookup (table, "title") != NULL)
    return;
  gtk_text_buffer_create_tag (buffer, "title", "weight", PANGO_WEIGHT_BOLD, "scale", 1.6,
                              "pixels-below-lines", 8, NULL);
  gtk_text_buffer_create_tag (buffer, "heading", "weight", PANGO_WEIGHT_BOLD, "scale", 1.2,
                              "pixels-above-lines", 14, "pixels-below-lines", 4, NULL);
  gtk_text_buffer_create_tag (buffer, "bullet", "left-margin", 28, "indent", -14,
                              "pixels-below-lines", 3, NULL);
  gtk_text_buffer_create_tag (buffer, "paragraph", "pixels-below-lines", 6, NULL);
  gtk_text_buffer_create_tag (buffer, "code", "family", "monospace", NULL);
}

/* @text with `code` spans in the fixed font, under @tag. */
static void
insert_inline (GtkTextBuffer *buffer,
               const char    *text,
               const char    *tag)
{
  GtkTextIter end;
  gboolean code = FALSE;

  for (const char *p = text; *p != '\0';)
    {
      const char *tick = strchr (p, '`');
      gsize len = tick ? (gsize) (tick - p) : strlen (p);

      gtk_text_buffer_get_end_iter (buffer, &end);
      if (len > 0)
        gtk_text_buffer_insert_with_tags_by_name (buffer, &end, p, (int) len, tag,
                                                  code ? "code" : NULL, NULL);
      if (tick == NULL)
        break;
      code = !code;
      p = tick + 1;
    }
}

static void
flush (GtkTextBuffer *buffer,
       GString       *block,
       const char    *tag)
{
  GtkTextIter end;

  if (block->len == 0)
    return;
  insert_inline (buffer, block->str, tag);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert_with_tags_by_name (buffer, &end, "\n", 1, tag, NULL);
  g_string_truncate (block, 0);
}

void
moped_help_set_text (GtkTextBuffer *buffer,
                     const char    *markdown)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) block = g_string_new (NULL);
  const char *tag = "paragraph";

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (markdown != NULL);

  ensure_tags (buffer);
  gtk_text_buffer_set_text (buffer, "", 0);
  lines = g_strsplit (markdown, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (line[0] == '\0')
        flush (buffer, block, tag);
      else if (g_str_has_prefix (line, "## ") || g_str_has_prefix (line, "# "))
        {
          flush (buffer, block, tag);
          g_string_append (block, strchr (line, ' ') + 1);
          flush (buffer, block, line[1] == '#' ? "heading" : "title");
          tag = "paragraph";
        }
      else if (g_str_has_prefix (line, "- "))
        {
          flush (buffer, block, tag);
          tag = "bullet";
          g_string_append (block, "•  ");
          g_string_append (block, line + 2);
        }
      else
        {
          if (block->len == 0)
            tag = "paragraph";
          else
            g_string_append_c (block, ' ');
          g_string_append (block, g_strstrip (lines[i]));
        }
    }
  flush (buffer, block, tag);
}

GtkWidget *
moped_help_window_new (GtkWindow *parent)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (GUIDE_RESOURCE, 0, NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  gtk_window_set_title (GTK_WINDOW (window), "Moped User Guide");
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 24);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 24);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 18);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 18);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, "User guide", -1);
  g_assert (bytes != NULL);  /* compiled in */
  moped_help_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), g_bytes_get_data (bytes, NULL));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  return window;
}
