/* moped-file-write.c: writing a design as canonical .moped text, and saving it atomically.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The text is made for version control: one element per line, children grouped by
 * kind, attributes in schema order, defaults left out. The same design always gives
 * the same bytes, so loading a file and saving it again changes nothing.
 */
#define G_LOG_DOMAIN "moped-model"

#include <errno.h>
#include <string.h>

#include "moped-design-private.h"
#include "moped-file.h"
#include "moped-text.h"

static gboolean
needs_escape (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      /* 0xc2 starts U+0080..U+00BF, where g_markup_escape_text's C1 controls are. */
      /* 0xef starts U+FFFE and U+FFFF, which XML does not allow either. */
      if (c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' ||
          c == 0x7f || c == 0xc2 || c == 0xef)
        return TRUE;
    }
  return FALSE;
}

/* Newlines, tabs and carriage returns become character references: in an
 * attribute a reader would turn them into spaces, and the element would no
 * longer fit on one line. */
static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = NULL;

  if (!needs_escape (text))
    {
      g_string_append (out, text);
      return;
    }
  /* Controls XML forbids (even as character references) are dropped: a file that
   * Moped and xmllint then refuse to read would lose the whole design. */
  if (moped_text_find_non_xml (text) != NULL)
    {
      g_autoptr(GString) legal = g_string_new (NULL);

      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        if (moped_text_is_xml_char (g_utf8_get_char (p)))
          g_string_append_len (legal, p, g_utf8_next_char (p) - p);
      escaped = g_markup_escape_text (legal->str, -1);
    }
  else
    escaped = g_markup_escape_text (text, -1);
  for (const char *p = escaped; *p != '\0'; p++)
    switch (*p)
      {
      case '\n':
        g_string_append (out, "&#10;");
        break;
      case '\t':
        g_string_append (out, "&#9;");
        break;
      case '\r':
        g_string_append (out, "&#13;");
        break;
      default:
        g_string_append_c (out, *p);
        break;
      }
}

static void
append_attribute (GString    *out,
                  const char *name,
                  const char *value)
{
  g_string_append_c (out, ' ');
  g_string_append (out, name);
  g_string_append (out, "=\"");
  append_escaped (out, value);
  g_string_append_c (out, '"');
}

static void
append_props (GString            *out,
              const MopedElement *element)
{
  const MopedKindSpec *ks = moped_schema_get_kind (moped_element_get_kind (element));

  for (guint i = 0; i < ks->n_props; i++)
    {
      const MopedPropSpec *spec = &ks->props[i];
      const char *name = moped_schema_get_prop_name (spec->prop);

      /* Required properties are written even when they equal their default (a
       * socket's first type), since a reader insists on seeing them. */
      if (!(spec->flags & MOPED_PROP_FLAG_REQUIRED) && _moped_element_is_default (element, spec->prop))
        continue;
      if (spec->type == MOPED_VALUE_STRING || spec->type == MOPED_VALUE_REF)
        append_attribute (out, name, moped_element_get_string (element, spec->prop));
      else
        {
          g_autofree char *text = moped_element_dup_value_text (element, spec->prop);

          append_attribute (out, name, text);
        }
    }
}

static void
append_indent (GString *out,
               guint    depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static void
append_element (GString            *out,
                const MopedElement *element,
                guint               depth)
{
  MopedKind kind = moped_element_get_kind (element);
  const char *element_name = moped_schema_get_kind (kind)->element_name;
  guint n_children = moped_element_get_n_children (element);

  append_indent (out, depth);
  g_string_append_c (out, '<');
  g_string_append (out, element_name);
  if (kind == MOPED_KIND_DESIGN)
    g_string_append_printf (out, " format=\"%d\"", MOPED_FILE_FORMAT_VERSION);
  else
    append_attribute (out, "id", moped_element_get_id (element));
  append_props (out, element);

  if (n_children == 0)
    {
      g_string_append (out, "/>\n");
      return;
    }
  g_string_append (out, ">\n");
  /* Grouped by kind in MopedKind order, whatever order the children are kept in. */
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    {
      if (!moped_schema_parent_allows (kind, (MopedKind) k))
        continue;
      for (guint i = 0; i < n_children; i++)
        {
          const MopedElement *child = moped_element_get_child (element, i);

          if (moped_element_get_kind (child) == (MopedKind) k)
            append_element (out, child, depth + 1);
        }
    }
  append_indent (out, depth);
  g_string_append (out, "</");
  g_string_append (out, element_name);
  g_string_append (out, ">\n");
}

char *
moped_file_to_data (MopedDesign *design,
                    gsize       *length)
{
  GString *out;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);

  /* About what a typical element takes, so the buffer rarely grows. */
  out = g_string_sized_new (256 + 160 * (gsize) moped_design_get_n_elements (design));
  g_string_append (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  append_element (out, moped_design_get_root (design), 0);
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

gboolean
moped_file_save (MopedDesign  *design,
                 const char   *path,
                 GError      **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = moped_file_to_data (design, &length);
  if (!moped_file_replace_contents (path, data, length, error))
    return FALSE;
  moped_design_set_unmodified (design);
  return TRUE;
}
