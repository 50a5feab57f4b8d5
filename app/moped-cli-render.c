/* moped-cli-render.c: `moped render DESIGN -o FILE`: the architecture or a flow as DOT, SVG, PNG or PDF.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped"

#include <errno.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "moped-cli.h"
#include "moped-staging.h"
#include "moped-file.h"
#include "moped-render.h"

typedef struct
{
  char    *output;
  char    *flow;
  char    *engine;
  char    *direction;
  char    *format;
  double   scale;
  double   timeout;
  gboolean all;
} RenderArgs;

static void
render_args_clear (RenderArgs *args)
{
  g_free (args->output);
  g_free (args->flow);
  g_free (args->engine);
  g_free (args->direction);
  g_free (args->format);
}

/* Staged beside @path and renamed over it (moped-staging.h): a failure never leaves a
 * partial or empty file, nor damages one that was there. */
static gboolean
write_output (const char  *path,
              GBytes      *bytes,
              GError     **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  return moped_staging_write_file (path, data, length, error);
}

static gboolean
options_from_args (const RenderArgs    *args,
                   MopedRenderOptions  *options,
                   GError             **error)
{
  moped_render_options_init (options);
  options->scale = args->scale;
  if (!(args->scale > 0 && args->scale <= 64))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--scale must be more than 0 and at most 64, not %g", args->scale);
      return FALSE;
    }
  if (args->timeout < 0 || args->timeout > 3600)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--timeout must be between 0 and 3600 seconds");
      return FALSE;
    }
  options->timeout_ms = (guint) (args->timeout * 1000);
  if (args->engine != NULL && !moped_layout_engine_from_name (args->engine, &options->engine))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown layout engine “%s” (dot, neato, fdp, circo or canvas)", args->engine);
      return FALSE;
    }
  if (args->direction != NULL && !moped_layout_direction_from_name (args->direction, &options->direction))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown direction “%s” (LR or TB)", args->direction);
      return FALSE;
    }
  return TRUE;
}

static gboolean
format_of (const char         *path,
           MopedRenderFormat  *format,
           GError            **error)
{
  if (moped_render_format_from_path (path, format))
    return TRUE;
  g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_FORMAT,
               "%s: unknown format; the name must end in .dot, .svg, .png or .pdf", path);
  return FALSE;
}

static gboolean
render_one (MopedDesign               *design,
            MopedElement              *flow,
            const char                *path,
            const MopedRenderOptions  *options,
            GError                   **error)
{
  MopedRenderFormat format;
  g_autoptr(GBytes) bytes = NULL;

  if (!format_of (path, &format, error))
    return FALSE;
  if (flow != NULL)
    bytes = moped_render_flow (design, flow, format, options->scale, error);
  else
    bytes = moped_render_architecture_with_options (design, format, options, error);
  return bytes != NULL && write_output (path, bytes, error);
}

/* --all: the architecture and every flow, named by their ids (unique, file-safe, cut
 * to a bounded length), written all or nothing: a failure leaves no partial set. */
static gboolean
render_all (MopedDesign               *design,
            const char                *directory,
            const char                *extension,
            const MopedRenderOptions  *options,
            GError                   **error)
{
  g_autofree char *probe = g_strdup_printf ("x.%s", extension);
  g_autoptr(GPtrArray) written = NULL;
  MopedRenderFormat format;

  if (!format_of (probe, &format, error))
    return FALSE;
  written = moped_render_all (design, directory, format, options, NULL, error);
  return written != NULL;
}

static int
run (const char       *design_path,
     const RenderArgs *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;
  MopedRenderOptions options;
  MopedElement *flow = NULL;
  gboolean ok;

  if (!options_from_args (args, &options, &error))
    {
      fprintf (stderr, "moped render: %s\n", error->message);
      return MOPED_EXIT_USAGE;
    }
  design = moped_file_load (design_path, &error);
  if (design == NULL)
    {
      moped_cli_print_load_error (design_path, error);
      return MOPED_EXIT_USAGE;
    }
  if (args->flow != NULL && (flow = moped_render_find_flow (design, args->flow, &error)) == NULL)
    {
      fprintf (stderr, "moped render: %s\n", error->message);
      return MOPED_EXIT_USAGE;
    }
  if (args->all)
    {
      const char *extension = args->format != NULL ? args->format : "svg";
      g_autofree char *probe = g_strdup_printf ("x.%s", extension);
      MopedRenderFormat format;

      if (!format_of (probe, &format, &error) || format == MOPED_RENDER_DOT)
        {
          fprintf (stderr, "moped render: --format must be svg, png or pdf with --all\n");
          return MOPED_EXIT_USAGE;
        }
      ok = render_all (design, args->output, moped_render_format_get_extension (format), &options, &error);
    }
  else
    ok = render_one (design, flow, args->output, &options, &error);
  if (!ok)
    {
      fprintf (stderr, "moped render: %s\n", error->message);
      return g_error_matches (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_FORMAT)
             ? MOPED_EXIT_USAGE : MOPED_EXIT_DESIGN_ERRORS;
    }
  return MOPED_EXIT_OK;
}

int
moped_cli_render (int    argc,
                  char **argv)
{
  RenderArgs args = { NULL, NULL, NULL, NULL, NULL, 1.0, 0, FALSE };
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &args.output,
      "Write to FILE (.dot, .svg, .png or .pdf), or into DIRECTORY with --all", "FILE" },
    { "flow", 'f', 0, G_OPTION_ARG_STRING, &args.flow,
      "Draw the flow NAME (a name or an id) as a sequence diagram", "NAME" },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &args.all,
      "Draw the architecture and every flow into the directory given by -o", NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &args.format,
      "With --all: svg (default), png or pdf", "FORMAT" },
    { "scale", 's', 0, G_OPTION_ARG_DOUBLE, &args.scale,
      "PNG size: 1 is 96 dots per inch (default 1)", "N" },
    { "engine", 'e', 0, G_OPTION_ARG_STRING, &args.engine,
      "Layout: dot (default), neato, fdp, circo, or canvas for the design's own positions", "ENGINE" },
    { "direction", 'd', 0, G_OPTION_ARG_STRING, &args.direction,
      "With dot: LR (default) or TB", "DIRECTION" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &args.timeout,
      "Stop graphviz after SECONDS (default 60)", "SECONDS" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "DESIGN" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— draw a design's diagrams");
  g_autoptr(GError) error = NULL;
  const char *problem = NULL;
  int status = MOPED_EXIT_USAGE;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Draws the architecture (nodes, sockets and links, laid out by graphviz) or a flow\n"
    "(a sequence diagram). The format follows the output's name. Nothing is written\n"
    "when drawing fails. Exit status: 0 done, 1 drawing or writing failed, 2 bad\n"
    "arguments, an unknown format or flow, or a design that cannot be read.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    problem = error->message;
  else if (files == NULL || files[0] == NULL || files[1] != NULL)
    problem = "give one design (moped render --help)";
  else if (args.output == NULL)
    problem = "no output given: -o FILE (moped render --help)";
  else if (args.all && args.flow != NULL)
    problem = "--all and --flow do not go together";
  else
    status = run (files[0], &args);
  if (problem != NULL)
    fprintf (stderr, "moped render: %s\n", problem);
  render_args_clear (&args);
  return status;
}
