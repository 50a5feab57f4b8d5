/* moped-template.c: loading generated-file templates from the GResource and filling their placeholders.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <gio/gio.h>
#include <string.h>

#include "moped-template.h"
#include "moped-templates.h"

#define TEMPLATE_PREFIX "/org/moped/Moped/templates/"

G_DEFINE_QUARK (moped-template-error-quark, moped_template_error)

static gpointer
register_resource (gpointer data)
{
  moped_templates_register_resource ();
  return moped_templates_get_resource ();
}

GBytes *
moped_template_lookup (const char  *name,
                       GError     **error)
{
  static GOnce once = G_ONCE_INIT;
  g_autofree char *path = NULL;
  GBytes *bytes;

  g_return_val_if_fail (name != NULL, NULL);

  g_once (&once, register_resource, NULL);
  path = g_strconcat (TEMPLATE_PREFIX, name, NULL);
  bytes = g_resource_lookup_data (once.retval, path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    g_set_error (error, MOPED_TEMPLATE_ERROR, MOPED_TEMPLATE_ERROR_NOT_FOUND,
                 "no template “%s”", name);
  return bytes;
}

static gboolean
is_name_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* The length of the name in a placeholder at @p ("{{name}}"), 0 when it is none. */
static gsize
placeholder_name_length (const char *p)
{
  gsize len = 0;

  if (p[0] != '{' || p[1] != '{')
    return 0;
  while (is_name_char (p[2 + len]))
    len++;
  if (len == 0 || p[2 + len] != '}' || p[3 + len] != '}')
    return 0;
  return len;
}

static const char *
lookup_value (GHashTable  *values,
              GHashTable  *used,
              const char  *name,
              gsize        len,
              guint        line,
              GError     **error)
{
  g_autofree char *key = g_strndup (name, len);
  const char *value = g_hash_table_lookup (values, key);

  if (value == NULL)
    {
      g_set_error (error, MOPED_TEMPLATE_ERROR, MOPED_TEMPLATE_ERROR_UNKNOWN,
                   "line %u: no value for {{%s}}", line, key);
      return NULL;
    }
  g_hash_table_add (used, g_steal_pointer (&key));
  return value;
}

static void
append_block (GString    *out,
              const char *indent,
              gsize       indent_len,
              const char *value)
{
  const char *p = value;

  while (*p != '\0')
    {
      const char *end = strchr (p, '\n');
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);

      if (len > 0)
        {
          g_string_append_len (out, indent, indent_len);
          g_string_append_len (out, p, len);
        }
      g_string_append_c (out, '\n');
      p += len;
      if (*p == '\n')
        p++;
    }
}

/* One line (without its newline): a block placeholder, or text with inline ones. */
static gboolean
expand_line (GString     *out,
             const char  *p,
             gsize        len,
             gboolean     last,
             guint        line,
             GHashTable  *values,
             GHashTable  *used,
             GError     **error)
{
  gsize indent = 0, name_len;
  const char *end = p + len;

  while (indent < len && (p[indent] == ' ' || p[indent] == '\t'))
    indent++;
  name_len = placeholder_name_length (p + indent);
  if (name_len > 0 && indent + name_len + 4 == len)
    {
      const char *value = lookup_value (values, used, p + indent + 2, name_len, line, error);

      if (value == NULL)
        return FALSE;
      append_block (out, p, indent, value);
      return TRUE;
    }
  while (p < end)
    {
      const char *open = g_strstr_len (p, end - p, "{{");
      const char *value;

      if (open == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, open - p);
      name_len = placeholder_name_length (open);
      if (name_len == 0 || open + name_len + 4 > end)
        {
          g_set_error (error, MOPED_TEMPLATE_ERROR, MOPED_TEMPLATE_ERROR_SYNTAX,
                       "line %u: “{{” does not start a placeholder {{name}}", line);
          return FALSE;
        }
      value = lookup_value (values, used, open + 2, name_len, line, error);
      if (value == NULL)
        return FALSE;
      g_string_append (out, value);
      p = open + name_len + 4;
    }
  if (!last)
    g_string_append_c (out, '\n');
  return TRUE;
}

char *
moped_template_expand (const char  *text,
                       GHashTable  *values,
                       GError     **error)
{
  g_autoptr(GString) out = NULL;
  g_autoptr(GHashTable) used = NULL;
  const char *p = text;
  guint line = 1;
  GHashTableIter iter;
  gpointer key;
  gsize length;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (values != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 256);
  used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (*p != '\0')
    {
      const char *end = strchr (p, '\n');
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);

      if (!expand_line (out, p, len, end == NULL, line, values, used, error))
        return NULL;
      p += len + (end != NULL);
      line++;
    }
  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (used, key))
      {
        g_set_error (error, MOPED_TEMPLATE_ERROR, MOPED_TEMPLATE_ERROR_UNUSED,
                     "the value of “%s” has no placeholder {{%s}}", (char *) key, (char *) key);
        return NULL;
      }
  /* Without the room the string grew into: a large design's text is held until written. */
  length = out->len;
  return g_realloc (g_string_free (g_steal_pointer (&out), FALSE), length + 1);
}

char *
moped_template_render (const char *name,
                       ...)
{
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char *result;
  va_list args;

  va_start (args, name);
  for (const char *key = va_arg (args, const char *); key != NULL; key = va_arg (args, const char *))
    g_hash_table_insert (values, (gpointer) key, va_arg (args, char *));
  va_end (args);

  bytes = moped_template_lookup (name, &error);
  if (bytes != NULL)
    {
      gsize size;
      const char *data = g_bytes_get_data (bytes, &size);

      text = g_strndup (data, size);
      result = moped_template_expand (text, values, &error);
      if (result != NULL)
        return result;
    }
  g_error ("template %s: %s", name, error->message);
}
