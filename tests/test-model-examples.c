/* test-model-examples.c: the shipped examples load and validate; broken.moped shows every mistake.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-schema.h"

static const char *
examples_dir (void)
{
  const char *dir = g_getenv ("MOPED_EXAMPLES");

  g_assert_nonnull (dir);
  return dir;
}

static void
dump (const char *name,
      GPtrArray  *diags)
{
  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);

      g_test_message ("%s: %s %s [%s]: %s", name, moped_severity_get_name (d->severity),
                      d->code, d->element_ids[0] ? d->element_ids[0] : "", d->message);
    }
}

static GPtrArray *
validate_file (const char *name)
{
  g_autofree char *path = g_build_filename (examples_dir (), name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  GPtrArray *diags;

  g_assert_no_error (error);
  g_assert_nonnull (design);
  diags = moped_validate (design);
  dump (name, diags);
  /* Every diagnostic names elements that exist in the design. */
  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);

      g_assert_nonnull (d->element_ids[0]);
      for (guint j = 0; d->element_ids[j] != NULL; j++)
        g_assert_nonnull (moped_design_lookup (design, d->element_ids[j]));
    }
  return diags;
}

static void
test_examples_valid (void)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint checked = 0;

  dir = g_dir_open (examples_dir (), 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GPtrArray) diags = NULL;

      if (!g_str_has_suffix (name, ".moped") || g_str_equal (name, "broken.moped"))
        continue;
      diags = validate_file (name);
      if (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR) != 0)
        g_error ("%s has %u errors (see the messages above)", name,
                 moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR));
      checked++;
    }
  g_assert_cmpuint (checked, >=, 1);
}

static gboolean
has_code (GPtrArray  *diags,
          const char *code)
{
  for (guint i = 0; i < diags->len; i++)
    if (g_str_equal (((const MopedDiagnostic *) g_ptr_array_index (diags, i))->code, code))
      return TRUE;
  return FALSE;
}

static void
test_broken_example (void)
{
  /* What broken.moped exists to show (see data/examples/README.md). */
  static const char * const expected[] = {
    "incompatible-sockets",
    "both-bind",
    "missing-endpoint",
    "bad-endpoint",
    "duplicate-bind",
    "socket-cannot-send",
    "req-send-twice",
    "no-link-between-nodes",
    "unused-command",
    "duplicate-name",
    "unlinked-socket",
    "node-without-sockets",
    "draft-socket-type",
  };
  g_autoptr(GPtrArray) diags = validate_file ("broken.moped");

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (!has_code (diags, expected[i]))
      g_error ("broken.moped has no %s diagnostic", expected[i]);
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), >, 0);
}

/* Same kind, id, properties and children, recursively. */
static void
assert_same_tree (MopedElement *a,
                  MopedElement *b)
{
  const MopedKindSpec *ks = moped_schema_get_kind (moped_element_get_kind (a));

  g_assert_cmpint (moped_element_get_kind (a), ==, moped_element_get_kind (b));
  g_assert_cmpstr (moped_element_get_id (a), ==, moped_element_get_id (b));
  for (guint i = 0; i < ks->n_props; i++)
    {
      g_autofree char *va = moped_element_dup_value_text (a, ks->props[i].prop);
      g_autofree char *vb = moped_element_dup_value_text (b, ks->props[i].prop);

      g_assert_cmpstr (va, ==, vb);
    }
  g_assert_cmpuint (moped_element_get_n_children (a), ==, moped_element_get_n_children (b));
  for (guint i = 0; i < moped_element_get_n_children (a); i++)
    assert_same_tree (moped_element_get_child (a, i), moped_element_get_child (b, i));
}

/* Version-1 files (the examples as they were before format 2) still open, and saving
 * one writes format 2 that reads back to the very same design. */
static void
test_version_1_converts (void)
{
  g_autofree char *dir_path = g_build_filename (g_getenv ("MOPED_TEST_DATA"), "v1", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint checked = 0;

  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *original = NULL;
      g_autofree char *saved = NULL;
      g_autoptr(MopedDesign) v1 = NULL;
      g_autoptr(MopedDesign) v2 = NULL;

      if (!g_str_has_suffix (name, ".moped"))
        continue;
      g_assert_true (g_file_get_contents (path, &original, NULL, NULL));
      g_assert_nonnull (strstr (original, "<design format=\"1\""));
      v1 = moped_file_load (path, &error);
      g_assert_no_error (error);
      saved = moped_file_to_data (v1, NULL);
      g_assert_nonnull (strstr (saved, "<design format=\"2\""));
      v2 = moped_file_load_data (saved, -1, name, &error);
      g_assert_no_error (error);
      assert_same_tree (moped_design_get_root (v1), moped_design_get_root (v2));
      checked++;
    }
  g_assert_cmpuint (checked, >=, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/examples/valid", test_examples_valid);
  g_test_add_func ("/examples/broken", test_broken_example);
  g_test_add_func ("/examples/version-1-converts", test_version_1_converts);
  return g_test_run ();
}
