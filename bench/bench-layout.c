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
 * The `dot` program starts a process and loads graphviz's plugins each time; Moped
 * keeps its layout helper process between requests (moped-layout-runner.h), as the
 * editor does. Times are CPU seconds of this process and all its children, alive
 * (their scheduler time in /proc) or ended, so a busy machine does not blur them;
 * the wall-clock seconds are beside them. Each figure is the best of a few
 * interleaved runs.
 *
 * Usage: bench-layout [--program MOPED] [SIZE...]
 *   --program  run the layout helper from this executable (the moped binary, which
 *              links GTK) instead of this benchmark's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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

typedef struct
{
  double cpu;   /* seconds of CPU: user and system, ours and our children's */
  double wall;
} Cost;

static double
own_cpu (void)
{
  struct rusage self, ended;

  getrusage (RUSAGE_SELF, &self);
  getrusage (RUSAGE_CHILDREN, &ended);
  return self.ru_utime.tv_sec + self.ru_stime.tv_sec + ended.ru_utime.tv_sec + ended.ru_stime.tv_sec +
         (self.ru_utime.tv_usec + self.ru_stime.tv_usec + ended.ru_utime.tv_usec + ended.ru_stime.tv_usec) / 1e6;
}

/* Scheduler time of the threads of @pid, in seconds. */
static double
process_cpu (const char *pid)
{
  g_autofree char *tasks_path = g_build_filename ("/proc", pid, "task", NULL);
  g_autoptr(GDir) tasks = g_dir_open (tasks_path, 0, NULL);
  const char *task;
  double seconds = 0;

  while (tasks != NULL && (task = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *path = g_build_filename (tasks_path, task, "schedstat", NULL);
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL))
        seconds += g_ascii_strtoull (text, NULL, 10) / 1e9;
    }
  return seconds;
}

/* CPU of our children still running (the layout helper). */
static double
live_children_cpu (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *parent = g_strdup_printf ("%d", (int) getpid ());
  const char *pid;
  double seconds = 0;

  while ((pid = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *after_name;
      g_auto(GStrv) fields = NULL;

      if (!g_ascii_isdigit (pid[0]))
        continue;
      path = g_build_filename ("/proc", pid, "stat", NULL);
      if (!g_file_get_contents (path, &stat, NULL, NULL) || (after_name = strrchr (stat, ')')) == NULL)
        continue;
      fields = g_strsplit (after_name + 2, " ", 4);
      if (g_strv_length (fields) >= 2 && g_str_equal (fields[1], parent))
        seconds += process_cpu (pid);
    }
  return seconds;
}

/* Scanning /proc costs CPU too: done before our own clock starts, after it stops. */
static Cost
cost_start (void)
{
  double children = live_children_cpu ();

  return (Cost) { children + own_cpu (), g_get_monotonic_time () / (double) G_USEC_PER_SEC };
}

static Cost
cost_since (Cost start)
{
  double wall = g_get_monotonic_time () / (double) G_USEC_PER_SEC;
  double own = own_cpu ();

  return (Cost) { own + live_children_cpu () - start.cpu, wall - start.wall };
}

static void
keep_best (Cost *best,
           Cost  cost)
{
  best->cpu = MIN (best->cpu, cost.cpu);
  best->wall = MIN (best->wall, cost.wall);
}

/* The `dot` program on @path, writing @format to /dev/null. */
static Cost
time_dot_program (const char *path,
                  const char *format)
{
  g_autofree char *format_arg = g_strdup_printf ("-T%s", format);
  const char *argv[] = { "dot", format_arg, "-o", "/dev/null", path, NULL };
  g_autoptr(GError) error = NULL;
  Cost start = cost_start ();
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("dot %s failed: %s", format, error->message);
  return cost_since (start);
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

static Cost
time_arrange (MopedDesign *design)
{
  g_autoptr(GError) error = NULL;
  Cost start, cost;

  /* From where the design was, so that every run moves every node. */
  start = cost_start ();
  if (!moped_layout_arrange (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT, 600000, NULL, &error))
    g_error ("arrange: %s", error->message);
  cost = cost_since (start);
  moped_design_undo (design);
  return cost;
}

static Cost
time_render (MopedDesign       *design,
             MopedRenderFormat  format)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  MopedRenderOptions options;
  Cost start = cost_start ();

  moped_render_options_init (&options);
  options.timeout_ms = 600000;
  bytes = moped_render_architecture_with_options (design, format, &options, &error);
  if (bytes == NULL)
    g_error ("render: %s", error->message);
  return cost_since (start);
}

static void
print_row (const char *what,
           guint       size,
           Cost        moped,
           Cost        dot)
{
  printf ("%-11s %6u %10.3f %10.3f %+8.1f%% %10.3f %10.3f %+8.1f%%\n", what, size,
          moped.cpu, dot.cpu, 100.0 * (moped.cpu - dot.cpu) / dot.cpu,
          moped.wall, dot.wall, 100.0 * (moped.wall - dot.wall) / dot.wall);
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
  guint runs = size <= 100 ? 7 : size <= 400 ? 4 : 3;
  Cost best[6];

  for (guint i = 0; i < G_N_ELEMENTS (best); i++)
    best[i] = (Cost) { G_MAXDOUBLE, G_MAXDOUBLE };
  /* Interleaved, so that both sides see the same machine load. */
  for (guint r = 0; r < runs; r++)
    {
      keep_best (&best[0], time_arrange (design));
      keep_best (&best[1], time_dot_program (layout_path, "plain"));
      keep_best (&best[2], time_render (design, MOPED_RENDER_SVG));
      keep_best (&best[3], time_dot_program (architecture_path, "svg"));
      keep_best (&best[4], time_render (design, MOPED_RENDER_PDF));
      keep_best (&best[5], time_dot_program (architecture_path, "pdf"));
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
  int first = 1;

  if (argc > 1 && g_str_equal (argv[1], MOPED_LAYOUT_RUNNER_VERB))
    return moped_layout_runner_child_main (argc - 1, argv + 1);

  if (argc > 2 && g_str_equal (argv[1], "--program"))
    {
      moped_layout_runner_set_program (argv[2]);
      first = 3;
    }
  printf ("%-11s %6s %10s %10s %9s %10s %10s %9s\n", "", "nodes", "moped cpu", "dot cpu", "overhead",
          "moped wall", "dot wall", "overhead");
  if (argc > first)
    for (int i = first; i < argc; i++)
      bench_size ((guint) atoi (argv[i]));
  else
    for (guint i = 0; i < G_N_ELEMENTS (default_sizes); i++)
      bench_size (default_sizes[i]);
  return 0;
}
