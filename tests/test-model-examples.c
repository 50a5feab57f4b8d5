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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/examples/valid", test_examples_valid);
  g_test_add_func ("/examples/broken", test_broken_example);
  return g_test_run ();
}
