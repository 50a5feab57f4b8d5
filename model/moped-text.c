/* moped-text.c: user text that cannot break anything: XML-legal, visible, one line when printed.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-model"

#include <string.h>

#include "moped-text.h"

gboolean
moped_text_is_xml_char (gunichar c)
{
  return c == '\t' || c == '\n' || c == '\r' ||
         (c >= 0x20 && c <= 0xd7ff) ||
         (c >= 0xe000 && c <= 0xfffd) ||
         (c >= 0x10000 && c <= 0x10ffff);
}

const char *
moped_text_find_non_xml (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      /* ASCII printable text is the common case: no decoding needed. */
      if ((guchar) *p >= 0x20 && (guchar) *p < 0x80)
        continue;
      if (!moped_text_is_xml_char (g_utf8_get_char (p)))
        return p;
    }
  return NULL;
}

gboolean
moped_text_is_invisible (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_SURROGATE:
      return TRUE;
    default:
      /* U+115F, U+1160, U+3164 and U+FFA0 are letters that draw nothing (Hangul fillers). */
      return c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0;
    }
}

const char *
moped_text_find_invisible (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if ((guchar) *p >= 0x20 && (guchar) *p < 0x7f)
        continue;
      if (moped_text_is_invisible (g_utf8_get_char (p)))
        return p;
    }
  return NULL;
}

static const struct
{
  gunichar    c;
  const char *name;
} char_names[] = {
  { 0x0009, "TAB" },
  { 0x000a, "LINE FEED" },
  { 0x000d, "CARRIAGE RETURN" },
  { 0x001b, "ESCAPE" },
  { 0x007f, "DELETE" },
  { 0x00ad, "SOFT HYPHEN" },
  { 0x061c, "ARABIC LETTER MARK" },
  { 0x200b, "ZERO WIDTH SPACE" },
  { 0x200c, "ZERO WIDTH NON-JOINER" },
  { 0x200d, "ZERO WIDTH JOINER" },
  { 0x200e, "LEFT-TO-RIGHT MARK" },
  { 0x200f, "RIGHT-TO-LEFT MARK" },
  { 0x2028, "LINE SEPARATOR" },
  { 0x2029, "PARAGRAPH SEPARATOR" },
  { 0x202a, "LEFT-TO-RIGHT EMBEDDING" },
  { 0x202b, "RIGHT-TO-LEFT EMBEDDING" },
  { 0x202c, "POP DIRECTIONAL FORMATTING" },
  { 0x202d, "LEFT-TO-RIGHT OVERRIDE" },
  { 0x202e, "RIGHT-TO-LEFT OVERRIDE" },
  { 0x2060, "WORD JOINER" },
  { 0x2066, "LEFT-TO-RIGHT ISOLATE" },
  { 0x2067, "RIGHT-TO-LEFT ISOLATE" },
  { 0x2068, "FIRST STRONG ISOLATE" },
  { 0x2069, "POP DIRECTIONAL ISOLATE" },
  { 0xfeff, "ZERO WIDTH NO-BREAK SPACE" },
};

char *
moped_text_describe_char (gunichar c)
{
  for (guint i = 0; i < G_N_ELEMENTS (char_names); i++)
    if (char_names[i].c == c)
      return g_strdup_printf ("U+%04X %s", c, char_names[i].name);
  return g_strdup_printf ("U+%04X", c);
}

char *
moped_text_strip_invisible (const char *text,
                            gboolean    keep_lines)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  if (moped_text_find_invisible (text) == NULL)
    return g_strdup (text);
  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (keep_lines && c >= '\t' && c <= '\r')
        g_string_append_c (out, (char) c);
      else if (!moped_text_is_invisible (c))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

char *
moped_text_escape_invisible (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  if (moped_text_find_invisible (text) == NULL)
    return g_strdup (text);
  out = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!moped_text_is_invisible (c))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x100)
        g_string_append_printf (out, "\\x%02X", c);
      else
        g_string_append_printf (out, "\\u{%04X}", c);
    }
  return g_string_free (out, FALSE);
}
