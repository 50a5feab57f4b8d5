/* moped-doc-markdown.c: writing a document outline as CommonMark with GitHub tables, diagrams as SVG files beside it.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-doc-private.h"
#include "moped-render.h"

typedef enum
{
  IN_PARAGRAPH,
  IN_LIST_ITEM,
  IN_HEADING,
  IN_CELL,
} Context;

/* Every ASCII punctuation character that can start or end markup somewhere: a
 * backslash before any of them is always a plain character in CommonMark. */
static gboolean
needs_escape (char c)
{
  return strchr ("\\`*_[]<>|&#~!", c) != NULL;
}

static gsize
url_length (const char *text)
{
  gsize n = 0;

  if (!g_str_has_prefix (text, "http://") && !g_str_has_prefix (text, "https://"))
    return 0;
  while (text[n] != '\0' && !g_ascii_isspace (text[n]) && strchr ("<>|`\"", text[n]) == NULL)
    n++;
  /* Punctuation that ends a sentence is not part of the address. */
  while (n > 0 && strchr (".,;:!?)'", text[n - 1]) != NULL)
    n--;
  return text[n - 1] == '/' || g_ascii_isalnum (text[n - 1]) ? n : 0;
}

/* At the start of a line, text that looks like a list marker, a setext underline
 * or an ordered list number must not become one. */
static const char *
escape_line_start (GString    *out,
                   const char *text)
{
  const char *p = text;

  while (*p == ' ')
    p++;
  if (*p == '-' || *p == '+' || *p == '=')
    g_string_append_c (out, '\\');
  else if (g_ascii_isdigit (*p))
    {
      const char *q = p;

      while (g_ascii_isdigit (*q))
        q++;
      if (*q == '.' || *q == ')')
        {
          g_string_append_len (out, p, q - p);
          g_string_append_c (out, '\\');
          return q;
        }
    }
  return p;
}

static void
append_text (GString    *out,
             const char *text,
             gboolean    line_start)
{
  const char *p = line_start ? escape_line_start (out, text) : text;

  while (*p != '\0')
    {
      gsize url = (p == text || !g_ascii_isalnum (p[-1])) ? url_length (p) : 0;

      if (url > 0)
        {
          g_string_append_c (out, '<');
          g_string_append_len (out, p, url);
          g_string_append_c (out, '>');
          p += url;
          continue;
        }
      if (needs_escape (*p))
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
      p++;
    }
}

static void
append_code_span (GString    *out,
                  const char *text,
                  Context     context)
{
  guint longest = 0, run = 0;
  gboolean pad;

  for (const char *p = text; *p != '\0'; p++)
    {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX (longest, run);
    }
  pad = text[0] == '`' || text[strlen (text) - 1] == '`';
  for (guint i = 0; i <= longest; i++)
    g_string_append_c (out, '`');
  if (pad)
    g_string_append_c (out, ' ');
  for (const char *p = text; *p != '\0'; p++)
    {
      /* GitHub's tables split cells on | even inside code; \| keeps it. */
      if (*p == '|' && context == IN_CELL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  if (pad)
    g_string_append_c (out, ' ');
  for (guint i = 0; i <= longest; i++)
    g_string_append_c (out, '`');
}

static void
append_inline (GString   *out,
               GPtrArray *spans,
               Context    context)
{
  gboolean line_start = TRUE;

  for (guint i = 0; i < spans->len; i++)
    {
      const MopedDocSpan *span = g_ptr_array_index (spans, i);

      switch (span->style)
        {
        case MOPED_DOC_SPAN_BREAK:
          if (context == IN_PARAGRAPH || context == IN_LIST_ITEM)
            {
              /* A backslash at the end of a line is a hard line break. */
              g_string_append (out, context == IN_LIST_ITEM ? "\\\n  " : "\\\n");
              line_start = TRUE;
            }
          else
            g_string_append_c (out, ' ');
          continue;
        case MOPED_DOC_SPAN_CODE:
          append_code_span (out, span->text, context);
          break;
        case MOPED_DOC_SPAN_STRONG:
          g_string_append (out, "**");
          append_text (out, span->text, FALSE);
          g_string_append (out, "**");
          break;
        case MOPED_DOC_SPAN_TEXT:
        default:
          append_text (out, span->text, line_start);
          break;
        }
      line_start = FALSE;
    }
}

static void
write_table (GString       *out,
             MopedDocBlock *block)
{
  for (guint r = 0; r < block->items->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (block->items, r);

      g_string_append_c (out, '|');
      for (guint c = 0; c < row->len; c++)
        {
          g_string_append_c (out, ' ');
          append_inline (out, g_ptr_array_index (row, c), IN_CELL);
          g_string_append (out, " |");
        }
      g_string_append_c (out, '\n');
      if (r == 0)
        {
          g_string_append_c (out, '|');
          for (guint c = 0; c < row->len; c++)
            g_string_append (out, " --- |");
          g_string_append_c (out, '\n');
        }
    }
}

static void
write_code (GString       *out,
            MopedDocBlock *block)
{
  guint longest = 0, run = 0;

  for (const char *p = block->code; *p != '\0'; p++)
    {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX (longest, run);
    }
  for (guint i = 0; i < MAX (3, longest + 1); i++)
    g_string_append_c (out, '`');
  g_string_append_printf (out, "%s\n%s", block->language, block->code);
  for (guint i = 0; i < MAX (3, longest + 1); i++)
    g_string_append_c (out, '`');
  g_string_append_c (out, '\n');
}

static GBytes *
render_figure (MopedDoc       *self,
               MopedDocBlock  *block,
               GError        **error)
{
  return _moped_doc_render_figure (self, block, error);
}

static void
write_figure (GString       *out,
              MopedDocBlock *block,
              const char    *figure_base)
{
  g_autofree char *base = g_uri_escape_string (figure_base, NULL, FALSE);
  const char *alt = strchr (block->caption, ':');

  g_string_append (out, "![");
  append_text (out, alt != NULL ? alt + 2 : block->caption, FALSE);
  g_string_append_printf (out, "](%s-%s.svg)\n\n", base, block->figure_name);
  append_text (out, block->caption, TRUE);
  g_string_append (out, ".\n");
}

char *
moped_doc_to_markdown (MopedDoc    *self,
                       const char  *figure_base,
                       GPtrArray  **figures,
                       GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) files = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (figure_base != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (figures != NULL)
    files = g_ptr_array_new_with_free_func ((GDestroyNotify) moped_doc_figure_file_free);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      MopedDocBlock *block = g_ptr_array_index (self->blocks, i);

      if (block->type == MOPED_DOC_PARAGRAPH && block->text->len == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, '\n');
      switch (block->type)
        {
        case MOPED_DOC_HEADING:
          for (guint l = 0; l < block->level; l++)
            g_string_append_c (out, '#');
          g_string_append_c (out, ' ');
          append_inline (out, block->text, IN_HEADING);
          g_string_append_c (out, '\n');
          break;
        case MOPED_DOC_PARAGRAPH:
          append_inline (out, block->text, IN_PARAGRAPH);
          g_string_append_c (out, '\n');
          break;
        case MOPED_DOC_LIST:
          for (guint n = 0; n < block->items->len; n++)
            {
              g_string_append (out, "- ");
              append_inline (out, g_ptr_array_index (block->items, n), IN_LIST_ITEM);
              g_string_append_c (out, '\n');
            }
          break;
        case MOPED_DOC_TABLE:
          write_table (out, block);
          break;
        case MOPED_DOC_CODE:
          write_code (out, block);
          break;
        case MOPED_DOC_FIGURE:
          write_figure (out, block, figure_base);
          if (files != NULL)
            {
              MopedDocFigureFile *file = g_new0 (MopedDocFigureFile, 1);

              file->file_name = g_strdup_printf ("%s-%s.svg", figure_base, block->figure_name);
              g_ptr_array_add (files, file);
              file->svg = render_figure (self, block, error);
              if (file->svg == NULL)
                return NULL;
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  if (figures != NULL)
    *figures = g_steal_pointer (&files);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
