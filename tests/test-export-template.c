/* test-export-template.c: the templates of generated files and their placeholder rules.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <gio/gio.h>
#include <string.h>

#include "moped-template.h"

/* @text expanded with NULL-terminated name, value pairs; NULL and @error on failure. */
static char *
expand (const char  *text,
        GError     **error,
        ...)
{
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  va_list args;

  va_start (args, error);
  for (const char *key = va_arg (args, const char *); key != NULL; key = va_arg (args, const char *))
    g_hash_table_insert (values, (gpointer) key, va_arg (args, char *));
  va_end (args);
  return moped_template_expand (text, values, error);
}

static void
test_inline (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = expand ("#include \"{{codec}}.h\"\nx = {{a}}+{{b}}+{{a}};\nlast {{a}}", &error,
                                 "codec", "hello", "a", "1", "b", "two words", NULL);

  g_assert_no_error (error);
  /* Every occurrence, and no newline added to a last line that had none. */
  g_assert_cmpstr (out, ==, "#include \"hello.h\"\nx = 1+two words+1;\nlast 1");
}

static void
test_block (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = expand ("{\n    {{body}}\n    {{none}}\n}\n", &error,
                                 "body", "a;\n\nif (b)\n    c;\n", "none", "", NULL);

  g_assert_no_error (error);
  /* Each line indented like the placeholder, empty lines kept empty, an empty value
   * takes its line away. */
  g_assert_cmpstr (out, ==, "{\n    a;\n\n    if (b)\n        c;\n}\n");

  g_clear_pointer (&out, g_free);
  out = expand ("x\n{{lines}}\ny\n", &error, "lines", "\n\none", NULL);
  g_assert_no_error (error);
  /* Leading blank lines of a value are kept; a value without a final newline ends its line. */
  g_assert_cmpstr (out, ==, "x\n\n\none\ny\n");
}

static void
test_values_are_not_rescanned (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = expand ("name: {{name}}\n{{body}}\n", &error,
                                 "name", "{{body}}", "body", "  {{name}} {{", NULL);

  g_assert_no_error (error);
  /* Whatever a person typed reaches the output as it is. */
  g_assert_cmpstr (out, ==, "name: {{body}}\n  {{name}} {{\n");
}

static void
test_errors (void)
{
  struct {
    const char *text;
    int         code;
    const char *says;
  } cases[] = {
    { "a\nb {{missing}}\n", MOPED_TEMPLATE_ERROR_UNKNOWN, "line 2: no value for {{missing}}" },
    { "a\n\n  {{missing}}\n", MOPED_TEMPLATE_ERROR_UNKNOWN, "line 3" },
    { "{{name}} {{ name}}\n", MOPED_TEMPLATE_ERROR_SYNTAX, "line 1" },
    { "{{name}} {{Name}}\n", MOPED_TEMPLATE_ERROR_SYNTAX, "line 1" },
    { "x\n{{name\n}}\n", MOPED_TEMPLATE_ERROR_SYNTAX, "line 2" },
    { "x {{name}", MOPED_TEMPLATE_ERROR_SYNTAX, "line 1" },
    { "{{}}\n", MOPED_TEMPLATE_ERROR_SYNTAX, "line 1" },
    { "no placeholder\n", MOPED_TEMPLATE_ERROR_UNUSED, "“name” has no placeholder" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = expand (cases[i].text, &error, "name", "v", NULL);

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_null (out);
      g_assert_error (error, MOPED_TEMPLATE_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }
}

static void
test_lookup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wire = moped_template_lookup ("c/wire.c", &error);
  g_autoptr(GBytes) missing = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (wire);
  g_assert_cmpuint (g_bytes_get_size (wire), >, 1000);
  missing = moped_template_lookup ("c/no-such-template.c", &error);
  g_assert_null (missing);
  g_assert_error (error, MOPED_TEMPLATE_ERROR, MOPED_TEMPLATE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "c/no-such-template.c"));
}

/* Every file in data/templates/ is compiled in, is UTF-8, ends with a newline and
 * uses placeholders only in their one form. */
static void
test_every_template (void)
{
  const char *source = g_getenv ("MOPED_SOURCE_DIR");
  g_autofree char *xml_path = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;
  const char *p;

  g_assert_nonnull (source);
  xml_path = g_build_filename (source, "data", "templates", "moped-templates.gresource.xml", NULL);
  g_assert_true (g_file_get_contents (xml_path, &xml, NULL, &error));
  g_assert_no_error (error);
  for (p = strstr (xml, "<file>"); p != NULL; p = strstr (p, "<file>"))
    {
      const char *end = strstr (p, "</file>");
      g_autofree char *name = g_strndup (p + 6, end - p - 6);
      g_autofree char *path = g_build_filename (source, "data", "templates", name, NULL);
      g_autofree char *on_disk = NULL;
      g_autoptr(GBytes) bytes = moped_template_lookup (name, &error);
      g_autoptr(GHashTable) none = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *expanded = NULL;
      gsize size;
      const char *data;

      g_test_message ("template %s", name);
      g_assert_no_error (error);
      data = g_bytes_get_data (bytes, &size);
      g_assert_true (g_file_get_contents (path, &on_disk, NULL, NULL));
      g_assert_cmpmem (data, size, on_disk, strlen (on_disk));
      g_assert_true (g_utf8_validate (data, size, NULL));
      g_assert_cmpint (data[size - 1], ==, '\n');
      expanded = moped_template_expand (on_disk, none, &error);
      /* Without values a template either needs none or names one: never a syntax error. */
      if (expanded == NULL)
        g_assert_error (error, MOPED_TEMPLATE_ERROR, MOPED_TEMPLATE_ERROR_UNKNOWN);
      g_clear_error (&error);
      count++;
      p = end;
    }
  g_assert_cmpuint (count, >=, 7);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export-template/inline", test_inline);
  g_test_add_func ("/export-template/block", test_block);
  g_test_add_func ("/export-template/values-not-rescanned", test_values_are_not_rescanned);
  g_test_add_func ("/export-template/errors", test_errors);
  g_test_add_func ("/export-template/lookup", test_lookup);
  g_test_add_func ("/export-template/every-template", test_every_template);
  return g_test_run ();
}
