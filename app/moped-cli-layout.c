/* moped-cli-layout.c: `moped arrange DESIGN`, and the hidden `moped __layout` that runs graphviz for the editor.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped"

#include <stdio.h>

#include "moped-cli.h"
#include "moped-file.h"
#include "moped-layout-runner.h"
#include "moped-layout.h"

/* `moped __layout ENGINE OUTPUT`: graphviz on stdin's DOT, in a process of its own
 * so that its crash is not the caller's (see moped-layout-runner.h). */
int
moped_cli_layout_child (int    argc,
                        char **argv)
{
  return moped_layout_runner_child_main (argc, argv);
}

typedef struct
{
  char   *output;
  char   *engine;
  char   *direction;
  double  timeout;
} ArrangeArgs;

static int
arrange (const char        *path,
         const ArrangeArgs *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;
  MopedLayoutEngine engine = MOPED_LAYOUT_ENGINE_DOT;
  MopedLayoutDirection direction = MOPED_LAYOUT_LEFT_RIGHT;
  const char *output = args->output != NULL ? args->output : path;
  gboolean moved = FALSE;

  if (args->engine != NULL &&
      (!moped_layout_engine_from_name (args->engine, &engine) || engine == MOPED_LAYOUT_ENGINE_CANVAS))
    {
      fprintf (stderr, "moped arrange: unknown layout engine “%s” (dot, neato, fdp or circo)\n", args->engine);
      return MOPED_EXIT_USAGE;
    }
  if (args->direction != NULL && !moped_layout_direction_from_name (args->direction, &direction))
    {
      fprintf (stderr, "moped arrange: unknown direction “%s” (LR or TB)\n", args->direction);
      return MOPED_EXIT_USAGE;
    }
  if (args->timeout < 0 || args->timeout > 3600)
    {
      fprintf (stderr, "moped arrange: --timeout must be between 0 and 3600 seconds\n");
      return MOPED_EXIT_USAGE;
    }
  design = moped_file_load (path, &error);
  if (design == NULL)
    {
      moped_cli_print_load_error (path, error);
      return MOPED_EXIT_USAGE;
    }
  if (!moped_layout_arrange (design, engine, direction, (guint) (args->timeout * 1000), &moved, &error) ||
      !moped_file_save (design, output, &error))
    {
      fprintf (stderr, "moped arrange: %s: %s\n", path, error->message);
      return MOPED_EXIT_DESIGN_ERRORS;
    }
  fprintf (stderr, "%s: %s\n", output, moved ? "arranged" : "already arranged; nothing moved");
  return MOPED_EXIT_OK;
}

int
moped_cli_arrange (int    argc,
                   char **argv)
{
  ArrangeArgs args = { NULL, NULL, NULL, 0 };
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &args.output,
      "Save the arranged design to FILE (default: over DESIGN)", "FILE" },
    { "engine", 'e', 0, G_OPTION_ARG_STRING, &args.engine,
      "Layout: dot (default), neato, fdp or circo", "ENGINE" },
    { "direction", 'd', 0, G_OPTION_ARG_STRING, &args.direction,
      "With dot: LR (default) or TB", "DIRECTION" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &args.timeout,
      "Stop graphviz after SECONDS (default 60)", "SECONDS" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "DESIGN" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— lay a design's nodes out with graphviz");
  g_autoptr(GError) error = NULL;
  int status = MOPED_EXIT_USAGE;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Gives every node a new position, as the editor's Arrange does: pinned nodes\n"
    "and notes stay where they are, and the others arrange around them. The design\n"
    "is saved atomically; when graphviz fails nothing is written.\n"
    "Exit status: 0 done, 1 layout or saving failed, 2 bad arguments or unreadable design.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    fprintf (stderr, "moped arrange: %s\n", error->message);
  else if (files == NULL || files[0] == NULL || files[1] != NULL)
    fprintf (stderr, "moped arrange: give one design (moped arrange --help)\n");
  else
    status = arrange (files[0], &args);
  g_free (args.output);
  g_free (args.engine);
  g_free (args.direction);
  return status;
}
