/* moped-cli-export.c: `moped export TARGET DESIGN -o DIR`, generating code or models from a design.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every target is one row of the table below: its name, what it makes, and a function
 * that exports a loaded, error-free design and reports what it did.
 */
#define G_LOG_DOMAIN "moped"

#include <stdio.h>

#include "moped-cli.h"
#include "moped-diagnostic.h"
#include "moped-export-c.h"
#include "moped-file.h"

typedef struct
{
  const char *name;
  const char *summary;
  /* Returns a MOPED_EXIT_* status; @dry_run only says what it would do. */
  int       (*run) (MopedDesign      *design,
                    const char       *design_path,
                    const char       *output,
                    MopedExportFlags  flags,
                    gboolean          dry_run);
} ExportTarget;

static int export_c (MopedDesign      *design,
                     const char       *design_path,
                     const char       *output,
                     MopedExportFlags  flags,
                     gboolean          dry_run);

static int
export_zproto (MopedDesign      *design,
               const char       *design_path,
               const char       *output,
               MopedExportFlags  flags,
               gboolean          dry_run)
{
  return moped_cli_export_zproto (design, design_path, output, (flags & MOPED_EXPORT_FORCE) != 0, dry_run);
}

static const ExportTarget targets[] = {
  { "c", "a C skeleton on czmq: codecs, a CLASS actor per node, a self-test (-o DIR)", export_c },
  { "zproto", "a zproto codec model per protocol, <class>.xml (-o DIR)", export_zproto },
};

static void
print_lines (FILE               *out,
             const char         *design_path,
             const char         *kind,
             const char * const *lines)
{
  for (guint i = 0; lines[i] != NULL; i++)
    fprintf (out, "%s: %s: %s\n", design_path, kind, lines[i]);
}

static int
export_c (MopedDesign      *design,
          const char       *design_path,
          const char       *output,
          MopedExportFlags  flags,
          gboolean          dry_run)
{
  g_autoptr(MopedExportPlan) plan = moped_export_c_plan (design, output, flags);
  g_autoptr(GError) error = NULL;
  guint n_written = 0;

  print_lines (stderr, design_path, "warning", moped_export_plan_get_warnings (plan));
  if (!moped_export_plan_can_run (plan))
    {
      print_lines (stderr, design_path, "error", moped_export_plan_get_errors (plan));
      fprintf (stderr, "moped export: nothing was written\n");
      return MOPED_EXIT_DESIGN_ERRORS;
    }
  if (!dry_run && !moped_export_plan_run (plan, &error))
    {
      fprintf (stderr, "moped export: %s\n", error->message);
      return MOPED_EXIT_DESIGN_ERRORS;
    }
  for (guint i = 0; i < moped_export_plan_get_n_files (plan); i++)
    {
      const MopedExportFile *file = moped_export_plan_get_file (plan, i);

      if (file->action != MOPED_EXPORT_UNCHANGED && file->action != MOPED_EXPORT_KEEP)
        n_written++;
      printf ("%-9s %s%s%s%s\n", moped_export_action_get_name (file->action), file->path,
              file->user_file ? " (yours)" : "", file->note != NULL ? ": " : "",
              file->note != NULL ? file->note : "");
    }
  /* What --apply-renames changes in the user's files, for a dry run to show. */
  for (guint i = 0; dry_run && i < moped_export_plan_get_n_files (plan); i++)
    {
      const MopedExportFile *file = moped_export_plan_get_file (plan, i);

      if (file->diff != NULL)
        fputs (file->diff, stdout);
    }
  fprintf (stderr, "%s %u file%s in %s\n", dry_run ? "would write" : "wrote", n_written,
           n_written == 1 ? "" : "s", output);
  return MOPED_EXIT_OK;
}

static const ExportTarget *
find_target (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    if (g_str_equal (targets[i].name, name))
      return &targets[i];
  return NULL;
}

static char *
describe_targets (void)
{
  GString *s = g_string_new ("Targets:\n");

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    g_string_append_printf (s, "  %-8s %s\n", targets[i].name, targets[i].summary);
  g_string_append (s,
    "\nA design with errors is not exported; `moped check` lists them.\n"
    "Exit status: 0 exported, 1 the design has errors or files would be lost, 2 bad arguments\n"
    "or a design that cannot be read.");
  return g_string_free (s, FALSE);
}

int
moped_cli_export (int    argc,
                  char **argv)
{
  g_autofree char *output = NULL;
  gboolean force = FALSE;
  gboolean apply_renames = FALSE;
  gboolean dry_run = FALSE;
  g_auto(GStrv) args = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Where to write (a directory for c)", "DIR" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      "Overwrite generated files edited by hand, and files Moped did not write", NULL },
    { "apply-renames", 0, 0, G_OPTION_ARG_NONE, &apply_renames,
      "Rename in your files the functions and types the design renamed (with --dry-run: show the diff)", NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Only say what would be written", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("TARGET DESIGN — generate code from a design");
  g_autoptr(GError) error = NULL;
  g_autofree char *description = describe_targets ();
  g_autoptr(MopedDesign) design = NULL;
  const ExportTarget *target;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, description);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "moped export: %s\n", error->message);
      return MOPED_EXIT_USAGE;
    }
  if (args == NULL || g_strv_length (args) != 2)
    {
      fprintf (stderr, "moped export: give a target and a design (moped export --help)\n");
      return MOPED_EXIT_USAGE;
    }
  target = find_target (args[0]);
  if (target == NULL)
    {
      fprintf (stderr, "moped export: unknown target “%s”\n%s\n", args[0], description);
      return MOPED_EXIT_USAGE;
    }
  if (output == NULL)
    {
      fprintf (stderr, "moped export: say where to write with -o (moped export --help)\n");
      return MOPED_EXIT_USAGE;
    }
  design = moped_file_load (args[1], &error);
  if (design == NULL)
    {
      moped_cli_print_load_error (args[1], error);
      return MOPED_EXIT_USAGE;
    }
  return target->run (design, args[1], output,
                     (force ? MOPED_EXPORT_FORCE : 0) | (apply_renames ? MOPED_EXPORT_APPLY_RENAMES : 0), dry_run);
}
