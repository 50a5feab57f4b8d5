/* main.c: the moped program: headless verbs, or the editor.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "moped-cli.h"

#ifdef HAVE_GUI
# include "moped-application.h"
#endif

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc == 1 ? FALSE : moped_cli_handles (argv[1]))
    return moped_cli_run (argc, argv);

#ifdef HAVE_GUI
  return moped_application_run (argc, argv);
#else
  fprintf (stderr, "moped: built without the editor; use a verb (moped --help)\n");
  return MOPED_EXIT_USAGE;
#endif
}
