/* bench-layout.c: Moped's Arrange and render against the `dot` program on the same graphs.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * For generated designs of 25, 100, 400 and 1,600 nodes, prints the time of
 *   arrange:    moped_layout_arrange() (DOT, graphviz in a child process, positions,
 *               one undoable edit) next to `dot -Tplain` on the very DOT Arrange
 *               hands graphviz;
 *   render svg: moped_render_architecture() (validation, DOT, child, SVG) next to
 *               `dot -Tsvg` on Moped's architecture DOT;
 *   render pdf: the same for PDF (graphviz's drawing painted by Moped) next to
 *               `dot -Tpdf`.
 * Both sides start a process and load graphviz's plugins, so the ratio is Moped's
 * overhead beyond graphviz's own work. Each figure is the best of a few runs.
 *
 * Usage: bench-layout [SIZE...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "moped-dot.h"
#include "moped-layout-runner.h"
#include "moped-layout.h"
#include "moped-render.h"
#include "moped-socket-type.h"

static MopedElement *
add_named (MopedDesign  *design,
           MopedElement *parent,
           MopedKind     kind,
           const char   *name)
{
  MopedElement *element = moped_design_add (design, parent, kind, -1, NULL);

  moped_design_set_string (design, element, MOPED_PROP_NAME, name);
  return element;
}

/* Brokers and workers: every tenth node is a broker with a bound ROUTER; each other
 * node connects a DEALER to a broker and binds a PULL that the next node PUSHes to,
 * so the graph has fan-in, chains and a few long links. */
static MopedDesign *
generate_design (guint n_nodes)
{
  MopedDesign *design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  g_autoptr(GRand) rand = g_rand_new_with_seed (n_nodes);
  g_autoptr(GPtrArray) routers = g_ptr_array_new ();
  g_autoptr(GPtrArray) pulls = g_ptr_array_new ();
  MopedElement *protocol, *push_protocol;

  moped_design_begin (design, "Generate");
  moped_design_set_string (design, root, MOPED_PROP_NAME, "Benchmark");
  protocol = add_named (design, root, MOPED_KIND_PROTOCOL, "Work");
  push_protocol = add_named (design, root, MOPED_KIND_PROTOCOL, "Results");
  for (guint i = 0; i < n_nodes; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", i % 10 == 0 ? "Broker" : "Worker", i);
      MopedElement *node = add_named (design, root, MOPED_KIND_NODE, name);

      moped_design_set_string (design, node, MOPED_PROP_ROLE, i % 10 == 0 ? "broker" : "worker");
      if (i % 10 == 0)
        {
          MopedElement *router = add_named (design, node, MOPED_KIND_SOCKET, "frontend");

          moped_design_set_enum (design, router, MOPED_PROP_TYPE, MOPED_SOCKET_ROUTER);
          moped_design_set_enum (design, router, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
          g_ptr_array_add (routers, router);
          g_ptr_array_add (pulls, NULL);
          continue;
        }
      {
        MopedElement *dealer = add_named (design, node, MOPED_KIND_SOCKET, "broker");
        MopedElement *pull = add_named (design, node, MOPED_KIND_SOCKET, "results");
        MopedElement *push = add_named (design, node, MOPED_KIND_SOCKET, "next");
        MopedElement *router = g_ptr_array_index (routers, g_rand_int_range (rand, 0, (gint32) routers->len));
        MopedElement *link = moped_design_add (design, root, MOPED_KIND_LINK, -1, NULL);
        g_autofree char *endpoint = g_strdup_printf ("tcp://*:%u", 5000 + i);
        MopedElement *previous = g_ptr_array_index (pulls, i - 1);

        moped_design_set_enum (design, dealer, MOPED_PROP_TYPE, MOPED_SOCKET_DEALER);
        moped_design_set_enum (design, pull, MOPED_PROP_TYPE, MOPED_SOCKET_PULL);
        moped_design_set_enum (design, pull, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
        moped_design_set_enum (design, push, MOPED_PROP_TYPE, MOPED_SOCKET_PUSH);
        moped_design_set_ref (design, link, MOPED_PROP_FROM, dealer);
        moped_design_set_ref (design, link, MOPED_PROP_TO, router);
        moped_design_set_string (design, link, MOPED_PROP_ENDPOINT, "tcp://broker:5555");
        moped_design_set_ref (design, link, MOPED_PROP_PROTOCOL, protocol);
        if (previous != NULL)
          {
            link = moped_design_add (design, root, MOPED_KIND_LINK, -1, NULL);
            moped_design_set_ref (design, link, MOPED_PROP_FROM, push);
            moped_design_set_ref (design, link, MOPED_PROP_TO, previous);
            moped_design_set_string (design, link, MOPED_PROP_ENDPOINT, endpoint);
            moped_design_set_ref (design, link, MOPED_PROP_PROTOCOL, push_protocol);
          }
        g_ptr_array_add (pulls, pull);
      }
    }
  moped_design_end (design);
  moped_design_clear_history (design);
  return design;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* The `dot` program on @path, writing @format to /dev/null; seconds. */
static double
time_dot_program (const char *path,
                  const char *format)
{
  g_autofree char *format_arg = g_strdup_printf ("-T%s", format);
  const char *argv[] = { "dot", format_arg, "-o", "/dev/null", path, NULL };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("dot %s failed: %s", format, error->message);
  return seconds_since (start);
}

static char *
write_dot (const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("moped-bench-XXXXXX.dot", &path, &error);

  if (fd < 0 || !g_file_set_contents (path, text, -1, &error))
    g_error ("%s", error->message);
  close (fd);
  return path;
}

static double
time_arrange (MopedDesign *design)
{
  g_autoptr(GError) error = NULL;
  gint64 start;
  double elapsed;

  /* From where the design was, so that every run moves every node. */
  start = g_get_monotonic_time ();
  if (!moped_layout_arrange (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT, 600000, NULL, &error))
    g_error ("arrange: %s", error->message);
  elapsed = seconds_since (start);
  moped_design_undo (design);
  return elapsed;
}

static double
time_render (MopedDesign       *design,
             MopedRenderFormat  format)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  MopedRenderOptions options;
  gint64 start = g_get_monotonic_time ();

  moped_render_options_init (&options);
  options.timeout_ms = 600000;
  bytes = moped_render_architecture_with_options (design, format, &options, &error);
  if (bytes == NULL)
    g_error ("render: %s", error->message);
  return seconds_since (start);
}

static void
print_row (const char *what,
           guint       size,
           double      moped,
           double      dot)
{
  printf ("%-11s %6u %10.3f %10.3f %8.2f %+8.1f%%\n", what, size, moped, dot, moped / dot,
          100.0 * (moped - dot) / dot);
  fflush (stdout);
}

static void
bench_size (guint size)
{
  g_autoptr(MopedDesign) design = generate_design (size);
  g_autofree char *layout_dot = moped_dot_layout (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT);
  g_autofree char *architecture_dot = moped_dot_architecture (design, NULL);
  g_autofree char *layout_path = write_dot (layout_dot);
  g_autofree char *architecture_path = write_dot (architecture_dot);
  guint runs = size <= 100 ? 5 : size <= 400 ? 3 : 2;
  double best[6];

  for (guint i = 0; i < G_N_ELEMENTS (best); i++)
    best[i] = G_MAXDOUBLE;
  /* Interleaved, so that both sides see the same machine load. */
  for (guint r = 0; r < runs; r++)
    {
      best[0] = MIN (best[0], time_arrange (design));
      best[1] = MIN (best[1], time_dot_program (layout_path, "plain"));
      best[2] = MIN (best[2], time_render (design, MOPED_RENDER_SVG));
      best[3] = MIN (best[3], time_dot_program (architecture_path, "svg"));
      best[4] = MIN (best[4], time_render (design, MOPED_RENDER_PDF));
      best[5] = MIN (best[5], time_dot_program (architecture_path, "pdf"));
    }
  print_row ("arrange", size, best[0], best[1]);
  print_row ("render svg", size, best[2], best[3]);
  print_row ("render pdf", size, best[4], best[5]);
  g_unlink (layout_path);
  g_unlink (architecture_path);
}

int
main (int    argc,
      char **argv)
{
  static const guint default_sizes[] = { 25, 100, 400, 1600 };

  if (argc > 1 && g_str_equal (argv[1], MOPED_LAYOUT_RUNNER_VERB))
    return moped_layout_runner_child_main (argc - 1, argv + 1);

  printf ("%-11s %6s %10s %10s %8s %9s\n", "", "nodes", "moped (s)", "dot (s)", "ratio", "overhead");
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      bench_size ((guint) atoi (argv[i]));
  else
    for (guint i = 0; i < G_N_ELEMENTS (default_sizes); i++)
      bench_size (default_sizes[i]);
  return 0;
}
