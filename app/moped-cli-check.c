/* moped-cli-check.c: `moped check DESIGN...`, diagnostics as FILE:LINE: SEVERITY CODE: message (hint).
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped"

#include <stdio.h>

#include "moped-cli.h"
#include "moped-diagnostic.h"
#include "moped-file.h"

static guint
diagnostic_line (MopedDesign           *design,
                 const MopedDiagnostic *diagnostic)
{
  MopedElement *element = NULL;

  if (diagnostic->element_ids != NULL && diagnostic->element_ids[0] != NULL)
    element = moped_design_lookup (design, diagnostic->element_ids[0]);
  if (element == NULL || moped_element_get_line (element) == 0)
    element = moped_design_get_root (design);
  return MAX (moped_element_get_line (element), 1);
}

/* Returns the number of errors in @path, or -1 when it cannot be read. */
static int
check_one (const char *path,
           guint      *n_warnings)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autofree char *shown_path = NULL;

  if (design == NULL)
    {
      moped_cli_print_load_error (path, error);
      return -1;
    }
  diagnostics = moped_validate (design);
  shown_path = moped_cli_printable (path);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diagnostics, i);
      g_autofree char *message = moped_cli_printable (d->message);
      g_autofree char *hint = d->hint != NULL ? moped_cli_printable (d->hint) : NULL;

      /* Names are the user's: escaped, they can neither forge a line nor drive the terminal. */
      printf ("%s:%u: %s %s: %s", shown_path, diagnostic_line (design, d),
              moped_severity_get_name (d->severity), d->code, message);
      if (hint != NULL && *hint != '\0')
        printf (" (%s)", hint);
      putchar ('\n');
    }
  *n_warnings += moped_diagnostics_count (diagnostics, MOPED_SEVERITY_WARNING);
  return (int) moped_diagnostics_count (diagnostics, MOPED_SEVERITY_ERROR);
}

int
moped_cli_check (int    argc,
                 char **argv)
{
  gboolean quiet = FALSE;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Do not print the summary line", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "DESIGN…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— validate designs");
  g_autoptr(GError) error = NULL;
  guint n_errors = 0, n_warnings = 0, n_unreadable = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Prints each finding as FILE:LINE: SEVERITY CODE: message (hint).\n"
    "Exit status: 0 no errors, 1 errors found, 2 a file could not be read.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "moped check: %s\n", error->message);
      return MOPED_EXIT_USAGE;
    }
  if (files == NULL || files[0] == NULL)
    {
      fprintf (stderr, "moped check: no design given (moped check --help)\n");
      return MOPED_EXIT_USAGE;
    }

  for (guint i = 0; files[i] != NULL; i++)
    {
      int n = check_one (files[i], &n_warnings);

      if (n < 0)
        n_unreadable++;
      else
        n_errors += (guint) n;
    }
  fflush (stdout);
  if (!quiet)
    {
      guint n_read = g_strv_length (files) - n_unreadable;

      fprintf (stderr, "%u error%s, %u warning%s in %u file%s",
               n_errors, n_errors == 1 ? "" : "s", n_warnings, n_warnings == 1 ? "" : "s",
               n_read, n_read == 1 ? "" : "s");
      if (n_unreadable > 0)
        fprintf (stderr, "; %u file%s could not be read", n_unreadable, n_unreadable == 1 ? "" : "s");
      fputc ('\n', stderr);
    }
  if (n_unreadable > 0)
    return MOPED_EXIT_USAGE;
  return n_errors > 0 ? MOPED_EXIT_DESIGN_ERRORS : MOPED_EXIT_OK;
}
