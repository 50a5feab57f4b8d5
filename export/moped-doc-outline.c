/* moped-doc-outline.c: the blocks of a document outline (headings, paragraphs, tables...) and clean text.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-abnf.h"
#include "moped-doc-private.h"
#include "moped-names.h"

static void
span_free (MopedDocSpan *span)
{
  g_free (span->text);
  g_free (span);
}

static GPtrArray *
spans_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) span_free);
}

static void
add_span (GPtrArray         *spans,
          MopedDocSpanStyle  style,
          const char        *text,
          gsize              length)
{
  MopedDocSpan *span;

  if (length == 0 && style != MOPED_DOC_SPAN_BREAK)
    return;
  span = g_new0 (MopedDocSpan, 1);
  span->style = style;
  span->text = g_strndup (text, length);
  g_ptr_array_add (spans, span);
}

/* Valid UTF-8 without control characters: a design built through the API may hold
 * anything, and no output format takes raw control characters. */
static char *
clean_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *s = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r' && p[1] == '\n')
        continue;
      if (c == '\n' || c == '\r')
        g_string_append_c (s, '\n');
      else if (g_unichar_iscntrl (c) || c == 0xFFFE || c == 0xFFFF)
        g_string_append_c (s, ' ');
      else
        g_string_append_unichar (s, c);
    }
  return g_string_free (s, FALSE);
}

void
_moped_doc_append (GPtrArray         *spans,
                   MopedDocSpanStyle  style,
                   const char        *text)
{
  g_autofree char *clean = clean_text (text);
  const char *line = clean;

  if (style == MOPED_DOC_SPAN_BREAK)
    {
      add_span (spans, style, "", 0);
      return;
    }
  for (const char *nl; (nl = strchr (line, '\n')) != NULL; line = nl + 1)
    {
      add_span (spans, style, line, nl - line);
      add_span (spans, MOPED_DOC_SPAN_BREAK, "", 0);
    }
  add_span (spans, style, line, strlen (line));
}

void
_moped_doc_appendf (GPtrArray         *spans,
                    MopedDocSpanStyle  style,
                    const char        *format,
                    ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  _moped_doc_append (spans, style, text);
}

static MopedDocBlock *
add_block (MopedDoc          *self,
           MopedDocBlockType  type)
{
  MopedDocBlock *block = g_new0 (MopedDocBlock, 1);

  block->type = type;
  g_ptr_array_add (self->blocks, block);
  return block;
}

#define SLUG_MAX 64

/* A name made of letters, digits and hyphens, unique in @taken. Bounded in length:
 * figure names become file names, which a 300-character flow name must not break. */
static char *
unique_slug (GHashTable *taken,
             const char *prefix,
             const char *text)
{
  g_autofree char *rule = moped_abnf_rule_name (text);
  g_autofree char *unbounded = g_ascii_strdown (rule, -1);
  g_autofree char *lower = moped_name_bound (unbounded, SLUG_MAX);
  char *slug = g_strconcat (prefix, lower, NULL);

  for (guint n = 2; g_hash_table_contains (taken, slug); n++)
    {
      g_free (slug);
      slug = g_strdup_printf ("%s%s-%u", prefix, lower, n);
    }
  g_hash_table_add (taken, g_strdup (slug));
  return slug;
}

MopedDocBlock *
_moped_doc_add_heading (MopedDoc   *self,
                        guint       level,
                        const char *text)
{
  MopedDocBlock *block = add_block (self, MOPED_DOC_HEADING);

  block->level = level;
  block->text = spans_new ();
  _moped_doc_append (block->text, MOPED_DOC_SPAN_TEXT, text);
  block->anchor = unique_slug (self->anchors, "sec-", text);
  return block;
}

MopedDocBlock *
_moped_doc_add_paragraph (MopedDoc   *self,
                          const char *text)
{
  MopedDocBlock *block = add_block (self, MOPED_DOC_PARAGRAPH);

  block->text = spans_new ();
  if (text != NULL)
    _moped_doc_append (block->text, MOPED_DOC_SPAN_TEXT, text);
  return block;
}

MopedDocBlock *
_moped_doc_add_list (MopedDoc *self)
{
  MopedDocBlock *block = add_block (self, MOPED_DOC_LIST);

  block->items = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  return block;
}

GPtrArray *
_moped_doc_list_add_item (MopedDocBlock *list,
                          const char    *text)
{
  GPtrArray *item = spans_new ();

  g_assert (list->type == MOPED_DOC_LIST);
  if (text != NULL)
    _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, text);
  g_ptr_array_add (list->items, item);
  return item;
}

MopedDocBlock *
_moped_doc_add_table (MopedDoc           *self,
                      const char * const *header)
{
  MopedDocBlock *block = add_block (self, MOPED_DOC_TABLE);
  GPtrArray *row;

  block->items = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  row = _moped_doc_table_add_row (block);
  for (guint i = 0; header[i] != NULL; i++)
    _moped_doc_row_add_cell (row, header[i]);
  return block;
}

GPtrArray *
_moped_doc_table_add_row (MopedDocBlock *table)
{
  GPtrArray *row = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  g_assert (table->type == MOPED_DOC_TABLE);
  g_ptr_array_add (table->items, row);
  return row;
}

GPtrArray *
_moped_doc_row_add_cell (GPtrArray  *row,
                         const char *text)
{
  GPtrArray *cell = spans_new ();

  if (text != NULL)
    _moped_doc_append (cell, MOPED_DOC_SPAN_TEXT, text);
  g_ptr_array_add (row, cell);
  return cell;
}

MopedDocBlock *
_moped_doc_add_code (MopedDoc   *self,
                     const char *language,
                     const char *code)
{
  MopedDocBlock *block = add_block (self, MOPED_DOC_CODE);
  GString *s = g_string_new (NULL);
  g_autofree char *clean = clean_text (code);

  block->language = g_strdup (language);
  g_string_append (s, clean);
  if (s->len > 0 && s->str[s->len - 1] != '\n')
    g_string_append_c (s, '\n');
  block->code = g_string_free (s, FALSE);
  return block;
}

MopedDocBlock *
_moped_doc_add_figure (MopedDoc     *self,
                       MopedElement *flow,
                       const char   *what)
{
  MopedDocBlock *block = add_block (self, MOPED_DOC_FIGURE);
  g_autofree char *clean = clean_text (what);

  block->flow = flow;
  if (flow == NULL)
    block->figure_name = unique_slug (self->figure_names, "", "architecture");
  else
    block->figure_name = unique_slug (self->figure_names, "flow-", moped_element_get_name (flow));
  block->caption = g_strdup_printf ("Figure %u: %s", ++self->n_figures, clean);
  g_strdelimit (block->caption, "\n", ' ');
  return block;
}

MopedDocBlock *
_moped_doc_add_dot_figure (MopedDoc   *self,
                           const char *name,
                           const char *dot,
                           const char *what)
{
  MopedDocBlock *block = add_block (self, MOPED_DOC_FIGURE);
  g_autofree char *clean = clean_text (what);

  block->dot = g_strdup (dot);
  block->figure_name = unique_slug (self->figure_names, "machine-", name);
  block->caption = g_strdup_printf ("Figure %u: %s", ++self->n_figures, clean);
  g_strdelimit (block->caption, "\n", ' ');
  return block;
}

void
_moped_doc_block_free (MopedDocBlock *block)
{
  g_free (block->dot);
  g_free (block->anchor);
  g_clear_pointer (&block->text, g_ptr_array_unref);
  g_clear_pointer (&block->items, g_ptr_array_unref);
  g_free (block->language);
  g_free (block->code);
  g_free (block->figure_name);
  g_free (block->caption);
  g_free (block);
}
