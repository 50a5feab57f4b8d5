/* moped-code-writer.c: writing indented source text, with names and prose made safe for C.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-code-writer.h"
#include "moped-text.h"

#define LINE_WIDTH 80
#define MIN_COMMENT_WIDTH 30

struct _MopedCodeWriter
{
  GString *text;
  guint    indent_width;
  guint    level;
  char    *comment_prefix;
  char    *bare_prefix;     /* the prefix without trailing spaces, for empty lines */
  GString *line;            /* scratch for comment lines */
};

MopedCodeWriter *
moped_code_writer_new (guint       indent_width,
                       const char *comment_prefix)
{
  MopedCodeWriter *self = g_new0 (MopedCodeWriter, 1);

  g_return_val_if_fail (comment_prefix != NULL, NULL);

  self->text = g_string_sized_new (4096);
  self->indent_width = indent_width;
  self->comment_prefix = g_strdup (comment_prefix);
  self->bare_prefix = g_strchomp (g_strdup (comment_prefix));
  self->line = g_string_new (NULL);
  return self;
}

void
moped_code_writer_free (MopedCodeWriter *self)
{
  if (self == NULL)
    return;
  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  g_string_free (self->line, TRUE);
  g_free (self->comment_prefix);
  g_free (self->bare_prefix);
  g_free (self);
}

char *
moped_code_writer_finish (MopedCodeWriter *self)
{
  char *text;
  gsize length;
  gboolean slack;

  g_return_val_if_fail (self != NULL, NULL);

  /* Large texts (a design's selftest.c, README) are held until written: without the
   * room the string grew into, which can be as much again. */
  length = self->text->len;
  slack = self->text->allocated_len > length + 1 + 4096;
  text = g_string_free (self->text, FALSE);
  if (slack)
    text = g_realloc (text, length + 1);
  self->text = NULL;
  moped_code_writer_free (self);
  return text;
}

void
moped_code_writer_indent (MopedCodeWriter *self)
{
  self->level++;
}

void
moped_code_writer_dedent (MopedCodeWriter *self)
{
  g_return_if_fail (self->level > 0);
  self->level--;
}

static void
append_indent (MopedCodeWriter *self)
{
  for (guint i = 0; i < self->level * self->indent_width; i++)
    g_string_append_c (self->text, ' ');
}

void
moped_code_writer_line (MopedCodeWriter *self,
                        const char      *format,
                        ...)
{
  va_list args;

  g_return_if_fail (self != NULL);

  if (strchr (format, '%') == NULL)
    {
      if (format[0] != '\0')
        append_indent (self);
      g_string_append (self->text, format);
    }
  else
    {
      char buffer[512];
      int length;

      append_indent (self);
      /* Most lines fit: format them without an allocation. */
      va_start (args, format);
      length = g_vsnprintf (buffer, sizeof buffer, format, args);
      va_end (args);
      if (length >= 0 && (gsize) length < sizeof buffer)
        g_string_append_len (self->text, buffer, length);
      else
        {
          va_start (args, format);
          g_string_append_vprintf (self->text, format, args);
          va_end (args);
        }
    }
  g_string_append_c (self->text, '\n');
}

void
moped_code_writer_blank (MopedCodeWriter *self)
{
  g_return_if_fail (self != NULL);
  g_string_append_c (self->text, '\n');
}

void
moped_code_writer_lines (MopedCodeWriter *self,
                         const char      *text)
{
  const char *p = text;
  gsize before;

  g_return_if_fail (self != NULL);

  /* A long text (a whole rendered template) is copied into room made once, rather than
   * doubled into (a design's selftest.c is megabytes). */
  before = self->text->len;
  g_string_set_size (self->text, before + strlen (text) + 1);
  g_string_truncate (self->text, before);
  while (*p != '\0')
    {
      const char *end = strchr (p, '\n');
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);

      if (len > 0)
        {
          append_indent (self);
          g_string_append_len (self->text, p, len);
        }
      g_string_append_c (self->text, '\n');
      p += len;
      if (*p == '\n')
        p++;
    }
}

/* Line breaks of any convention end a paragraph; other controls and invisible
 * characters are dropped (tabs become spaces), so nothing but our own newlines can end a comment line. */
static GPtrArray *
split_paragraphs (const char *text)
{
  g_autofree char *made_valid = NULL;
  g_autofree char *visible = NULL;
  GPtrArray *paragraphs = g_ptr_array_new_with_free_func (g_free);
  GString *current = g_string_new (NULL);
  const char *p = text != NULL ? text : "";

  if (!g_utf8_validate (p, -1, NULL))
    p = made_valid = g_utf8_make_valid (p, -1);
  /* Bidirectional controls and other invisible characters would let a comment show
   * something else than the code does (Trojan Source; gcc's -Werror=bidi-chars). */
  p = visible = moped_text_strip_invisible (p, TRUE);
  while (*p != '\0')
    {
      const char *run = p;
      guchar c;

      while ((guchar) *p >= 0x20 && *p != 0x7f)
        p++;
      g_string_append_len (current, run, p - run);
      c = (guchar) *p;
      if (c == '\0')
        break;
      if (c == '\n' || c == '\r' || c == '\f' || c == '\v')
        {
          if (c == '\r' && p[1] == '\n')
            p++;
          g_ptr_array_add (paragraphs, g_string_free (current, FALSE));
          current = g_string_new (NULL);
        }
      else
        g_string_append_c (current, ' ');
      p++;
    }
  g_ptr_array_add (paragraphs, g_string_free (current, FALSE));
  return paragraphs;
}

/* A line ending in a backslash would swallow the next line (even with spaces after
 * it, gcc splices), and one ending in "??/" is that backslash as a trigraph. */
static void
make_line_safe (GString *line)
{
  while (line->len > 0 && line->str[line->len - 1] == ' ')
    g_string_truncate (line, line->len - 1);
  if (line->len > 0 && (line->str[line->len - 1] == '\\' || g_str_has_suffix (line->str, "?\?/")))
    g_string_append_c (line, '.');
}

static void
emit_comment_line (MopedCodeWriter *self,
                   GString         *line)
{
  make_line_safe (line);
  append_indent (self);
  if (line->len == 0)
    g_string_append (self->text, self->bare_prefix);  /* no trailing spaces */
  else
    {
      g_string_append (self->text, self->comment_prefix);
      g_string_append_len (self->text, line->str, line->len);
    }
  g_string_append_c (self->text, '\n');
  g_string_truncate (line, 0);
}

/* Words are separated by runs of spaces; lines break between words, a word longer
 * than a line stays whole. */
static void
wrap_paragraph (MopedCodeWriter *self,
                const char      *paragraph,
                glong            width)
{
  GString *line = self->line;
  glong line_chars = 0;
  const char *p = paragraph;

  g_string_truncate (line, 0);
  for (;;)
    {
      const char *word;
      glong chars;

      while (*p == ' ')
        p++;
      if (*p == '\0')
        break;
      word = p;
      while (*p != ' ' && *p != '\0')
        p++;
      chars = g_utf8_strlen (word, p - word);
      if (line->len > 0 && line_chars + 1 + chars > width)
        {
          emit_comment_line (self, line);
          line_chars = 0;
        }
      if (line->len > 0)
        {
          g_string_append_c (line, ' ');
          line_chars++;
        }
      g_string_append_len (line, word, p - word);
      line_chars += chars;
    }
  emit_comment_line (self, line);
}

static gboolean
is_plain (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return g_utf8_validate (text, -1, NULL);
}

void
moped_code_writer_comment (MopedCodeWriter *self,
                           const char      *text)
{
  g_autoptr(GPtrArray) paragraphs = NULL;
  glong width;

  g_return_if_fail (self != NULL);

  width = LINE_WIDTH - (glong) (self->level * self->indent_width) - (glong) strlen (self->comment_prefix);
  width = MAX (width, MIN_COMMENT_WIDTH);
  /* Most prose is one paragraph of printable text. */
  if (text != NULL && is_plain (text))
    {
      wrap_paragraph (self, text, width);
      return;
    }
  paragraphs = split_paragraphs (text);
  /* Trailing empty paragraphs would only add empty comment lines. */
  while (paragraphs->len > 1 && *(char *) g_ptr_array_index (paragraphs, paragraphs->len - 1) == '\0')
    g_ptr_array_remove_index (paragraphs, paragraphs->len - 1);
  for (guint i = 0; i < paragraphs->len; i++)
    wrap_paragraph (self, g_ptr_array_index (paragraphs, i), width);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

void
moped_code_writer_comment_labelled (MopedCodeWriter *self,
                                    const char      *label,
                                    const char      *text)
{
  g_autofree char *joined = NULL;

  if (is_blank (text))
    {
      moped_code_writer_comment (self, label);
      return;
    }
  joined = g_strconcat (label, ": ", text, NULL);
  moped_code_writer_comment (self, joined);
}

char *
moped_c_string_literal (const char *text)
{
  GString *s = g_string_new ("\"");
  gboolean after_question = FALSE;

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (s, "\\\"");
          break;
        case '\\':
          g_string_append (s, "\\\\");
          break;
        case '\n':
          g_string_append (s, "\\n");
          break;
        case '\t':
          g_string_append (s, "\\t");
          break;
        case '?':
          /* "??" followed by certain characters is a trigraph. */
          g_string_append (s, after_question ? "\\?" : "?");
          break;
        default:
          if (c < 0x20 || c >= 0x7f)
            g_string_append_printf (s, "\\%03o", c);
          else
            g_string_append_c (s, (char) c);
          break;
        }
      after_question = c == '?';
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* The paragraphs of @text on one line. */
static GString *
join_paragraphs (const char *text)
{
  g_autoptr(GPtrArray) paragraphs = split_paragraphs (text);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < paragraphs->len; i++)
    {
      const char *paragraph = g_ptr_array_index (paragraphs, i);

      if (*paragraph == '\0')
        continue;
      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, paragraph);
    }
  return s;
}

char *
moped_c_comment_text (const char *text)
{
  GString *s = join_paragraphs (text);

  make_line_safe (s);
  return g_string_free (s, FALSE);
}

char *
moped_markdown_text (const char *text)
{
  g_autoptr(GString) line_text = join_paragraphs (text);
  const char *line = line_text->str;
  GString *s = g_string_new (NULL);

  for (const char *p = line; *p != '\0'; p++)
    {
      if (strchr ("\\`*_[]<>#|~", *p) != NULL)
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}
