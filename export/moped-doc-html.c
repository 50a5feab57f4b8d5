/* moped-doc-html.c: writing a document outline as one self-contained HTML page.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Self-contained: the style sheet is inline and each diagram is a data: image, so
 * the page opens the same anywhere, offline. The diagrams are images rather than
 * inline <svg> because two inline SVG documents would share one id space (cairo
 * names its glyphs "glyph0-1" in every file), and because HTML 4 parsers such as
 * libxml2's reject <svg> elements. Only HTML 4 elements are used, for the same reason.
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-doc-private.h"
#include "moped-render.h"

static const char style_sheet[] =
  "body { font-family: sans-serif; line-height: 1.45; max-width: 60em; margin: 2em auto; "
  "padding: 0 1em; color: #1d1d1d; background: #ffffff; }\n"
  "h1, h2, h3, h4, h5 { line-height: 1.2; }\n"
  "h2 { border-bottom: 1px solid #cccccc; padding-bottom: 0.2em; margin-top: 2em; }\n"
  "table { border-collapse: collapse; margin: 1em 0; }\n"
  "th, td { border: 1px solid #bbbbbb; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }\n"
  "th { background: #eeeeee; }\n"
  "pre { background: #f4f4f4; border: 1px solid #dddddd; padding: 0.75em; overflow-x: auto; }\n"
  "code { font-family: monospace; }\n"
  "div.figure { margin: 1em 0; }\n"
  "div.figure img { max-width: 100%; height: auto; }\n"
  "p.caption { font-style: italic; margin-top: 0.25em; }\n";

static void
append_escaped (GString    *out,
                const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&#39;"); break;
        default: g_string_append_c (out, *p); break;
        }
    }
}

static void
append_inline (GString   *out,
               GPtrArray *spans,
               gboolean   breaks)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const MopedDocSpan *span = g_ptr_array_index (spans, i);

      switch (span->style)
        {
        case MOPED_DOC_SPAN_BREAK:
          g_string_append (out, breaks ? "<br>\n" : " ");
          break;
        case MOPED_DOC_SPAN_CODE:
          g_string_append (out, "<code>");
          append_escaped (out, span->text);
          g_string_append (out, "</code>");
          break;
        case MOPED_DOC_SPAN_STRONG:
          g_string_append (out, "<strong>");
          append_escaped (out, span->text);
          g_string_append (out, "</strong>");
          break;
        case MOPED_DOC_SPAN_TEXT:
        default:
          append_escaped (out, span->text);
          break;
        }
    }
}

static void
write_table (GString       *out,
             MopedDocBlock *block)
{
  g_string_append (out, "<table>\n");
  for (guint r = 0; r < block->items->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (block->items, r);
      const char *cell = r == 0 ? "th" : "td";

      if (r == 0)
        g_string_append (out, "<thead>\n");
      else if (r == 1)
        g_string_append (out, "<tbody>\n");
      g_string_append (out, "<tr>");
      for (guint c = 0; c < row->len; c++)
        {
          g_string_append_printf (out, "<%s>", cell);
          append_inline (out, g_ptr_array_index (row, c), TRUE);
          g_string_append_printf (out, "</%s>", cell);
        }
      g_string_append (out, "</tr>\n");
      if (r == 0)
        g_string_append (out, "</thead>\n");
    }
  if (block->items->len > 1)
    g_string_append (out, "</tbody>\n");
  g_string_append (out, "</table>\n");
}

static gboolean
write_figure (GString        *out,
              MopedDoc       *self,
              MopedDocBlock  *block,
              GError        **error)
{
  g_autoptr(GBytes) svg = NULL;
  g_autofree char *base64 = NULL;
  const char *alt = strchr (block->caption, ':');
  gsize size = 0;
  const guchar *data;

  svg = _moped_doc_render_figure (self, block, error);
  if (svg == NULL)
    return FALSE;
  data = g_bytes_get_data (svg, &size);
  base64 = g_base64_encode (data, size);

  g_string_append_printf (out, "<div class=\"figure\" id=\"fig-%s\">\n<img alt=\"", block->figure_name);
  append_escaped (out, alt != NULL ? alt + 2 : block->caption);
  g_string_append_printf (out, "\" src=\"data:image/svg+xml;base64,%s\">\n<p class=\"caption\">", base64);
  append_escaped (out, block->caption);
  g_string_append (out, ".</p>\n</div>\n");
  return TRUE;
}

static gboolean
write_block (GString        *out,
             MopedDoc       *self,
             MopedDocBlock  *block,
             GError        **error)
{
  switch (block->type)
    {
    case MOPED_DOC_HEADING:
      g_string_append_printf (out, "<h%u id=\"%s\">", MIN (block->level, 6), block->anchor);
      append_inline (out, block->text, FALSE);
      g_string_append_printf (out, "</h%u>\n", MIN (block->level, 6));
      break;
    case MOPED_DOC_PARAGRAPH:
      if (block->text->len == 0)
        break;
      g_string_append (out, "<p>");
      append_inline (out, block->text, TRUE);
      g_string_append (out, "</p>\n");
      break;
    case MOPED_DOC_LIST:
      g_string_append (out, "<ul>\n");
      for (guint n = 0; n < block->items->len; n++)
        {
          g_string_append (out, "<li>");
          append_inline (out, g_ptr_array_index (block->items, n), TRUE);
          g_string_append (out, "</li>\n");
        }
      g_string_append (out, "</ul>\n");
      break;
    case MOPED_DOC_TABLE:
      write_table (out, block);
      break;
    case MOPED_DOC_CODE:
      g_string_append_printf (out, "<pre><code class=\"language-%s\">", block->language);
      append_escaped (out, block->code);
      g_string_append (out, "</code></pre>\n");
      break;
    case MOPED_DOC_FIGURE:
      return write_figure (out, self, block, error);
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

char *
moped_doc_to_html (MopedDoc  *self,
                   GError   **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_string_append (out,
                   "<!DOCTYPE html>\n"
                   "<html lang=\"en\">\n"
                   "<head>\n"
                   "<meta charset=\"utf-8\">\n"
                   "<meta name=\"generator\" content=\"Moped\">\n"
                   "<title>");
  append_escaped (out, self->title);
  g_string_append_printf (out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style_sheet);
  for (guint i = 0; i < self->blocks->len; i++)
    if (!write_block (out, self, g_ptr_array_index (self->blocks, i), error))
      return NULL;
  g_string_append (out, "</body>\n</html>\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
