/* bench-export-c.c: how long `moped export c` takes for a 200-node design (target: under 100 ms).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Prints the fastest and the median of several runs of: planning into an empty
 * directory (reading the design, deciding names, generating every file), writing the
 * plan, and planning again over the result (reading and checksumming every file: a
 * re-export that changes nothing). Compiling the output is not counted. Writing a
 * thousand files is the file system's work: on a busy machine it varies tenfold
 * from run to run, hence the fastest run beside the median.
 *
 * `bench-export-c --memory [N...]` measures peak memory instead (target: the export
 * of 10,000 nodes under 200 MB): for each size, a fresh process builds the design
 * (its peak is the baseline) and exports it once; the export streams file by file,
 * so what it adds should not grow with the design.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "moped-design.h"
#include "moped-export-c.h"
#include "moped-socket-type.h"
#include "moped-test-util.h"

#define RUNS 7
#define TARGET_MS 100.0

static MopedElement *
add (MopedDesign  *design,
     MopedElement *parent,
     MopedKind     kind,
     const char   *name)
{
  MopedElement *e = moped_design_add (design, parent, kind, -1, NULL);

  if (name != NULL)
    moped_design_set_string (design, e, MOPED_PROP_NAME, name);
  return e;
}

/* Nodes in a ring: each binds a ROUTER and connects a DEALER to the next one's; ten
 * protocols of four commands with two fields each, a flow per protocol along the
 * ring, two API methods per node. */
static MopedDesign *
generate (guint n_nodes)
{
  MopedDesign *design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GPtrArray) routers = g_ptr_array_new ();
  g_autoptr(GPtrArray) dealers = g_ptr_array_new ();
  g_autoptr(GPtrArray) protocols = g_ptr_array_new ();

  moped_design_set_string (design, root, MOPED_PROP_NAME, "Ring");
  for (guint i = 0; i < n_nodes; i++)
    {
      char name[32];
      MopedElement *node, *router, *dealer;

      g_snprintf (name, sizeof name, "node %u", i);
      node = add (design, root, MOPED_KIND_NODE, name);
      router = add (design, node, MOPED_KIND_SOCKET, "in");
      dealer = add (design, node, MOPED_KIND_SOCKET, "out");
      moped_design_set_enum (design, router, MOPED_PROP_TYPE, MOPED_SOCKET_ROUTER);
      moped_design_set_enum (design, router, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
      moped_design_set_enum (design, dealer, MOPED_PROP_TYPE, MOPED_SOCKET_DEALER);
      add (design, node, MOPED_KIND_METHOD, "start");
      add (design, node, MOPED_KIND_METHOD, "stop");
      g_ptr_array_add (nodes, node);
      g_ptr_array_add (routers, router);
      g_ptr_array_add (dealers, dealer);
    }
  for (guint p = 0; p < 10; p++)
    {
      char name[32];
      MopedElement *protocol, *flow;

      g_snprintf (name, sizeof name, "protocol %u", p);
      protocol = add (design, root, MOPED_KIND_PROTOCOL, name);
      for (guint c = 0; c < 4; c++)
        {
          MopedElement *command, *key, *value;

          g_snprintf (name, sizeof name, "COMMAND%u", c);
          command = add (design, protocol, MOPED_KIND_COMMAND, name);
          key = add (design, command, MOPED_KIND_FIELD, "key");
          value = add (design, command, MOPED_KIND_FIELD, "value");
          moped_design_set_enum (design, value, MOPED_PROP_TYPE, c % 2 ? MOPED_FIELD_BYTES : MOPED_FIELD_NUMBER);
          (void) key;
        }
      flow = add (design, protocol, MOPED_KIND_FLOW, "round");
      (void) flow;
      g_ptr_array_add (protocols, protocol);
    }
  for (guint i = 0; i < n_nodes; i++)
    {
      MopedElement *link = add (design, root, MOPED_KIND_LINK, NULL);
      MopedElement *protocol = g_ptr_array_index (protocols, i % protocols->len);
      MopedElement *flow = moped_element_get_child (protocol, moped_element_get_n_children (protocol) - 1);
      MopedElement *step = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);
      char endpoint[32];

      g_snprintf (endpoint, sizeof endpoint, "tcp://*:%u", 20000 + i);
      moped_design_set_ref (design, link, MOPED_PROP_FROM, g_ptr_array_index (dealers, i));
      moped_design_set_ref (design, link, MOPED_PROP_TO, g_ptr_array_index (routers, (i + 1) % n_nodes));
      moped_design_set_string (design, link, MOPED_PROP_ENDPOINT, endpoint);
      moped_design_set_ref (design, link, MOPED_PROP_PROTOCOL, protocol);
      moped_design_set_ref (design, step, MOPED_PROP_FROM, g_ptr_array_index (nodes, i));
      moped_design_set_ref (design, step, MOPED_PROP_TO, g_ptr_array_index (nodes, (i + 1) % n_nodes));
      moped_design_set_ref (design, step, MOPED_PROP_COMMAND, moped_element_get_child (protocol, i % 4));
    }
  /* As a design read from a file: no edit history. */
  moped_design_clear_history (design);
  return design;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_figure (const char *what,
              double     *values)
{
  qsort (values, RUNS, sizeof (double), compare_doubles);
  printf ("  %-30s %7.1f ms fastest, %7.1f ms median\n", what, values[0], values[RUNS / 2]);
}

static double
peak_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;   /* kilobytes on Linux */
}

/* In a child process: build the design, note the peak, export, note the peak again. */
static int
measure_memory (guint n_nodes)
{
  int fds[2];
  pid_t child;
  double figures[3] = { 0 };
  int status = 0;

  if (pipe (fds) != 0 || (child = fork ()) < 0)
    return 1;
  if (child == 0)
    {
      g_autoptr(MopedDesign) design = NULL;
      g_autoptr(MopedExportPlan) plan = NULL;
      g_autoptr(GError) error = NULL;
      char *dir = g_dir_make_tmp ("bench-export-c-XXXXXX", NULL);
      double out[3];
      gint64 start;

      close (fds[0]);
      design = generate (n_nodes);
      out[0] = peak_mb ();
      start = g_get_monotonic_time ();
      plan = moped_export_c_plan (design, dir, MOPED_EXPORT_FLAGS_NONE);
      if (!moped_export_plan_run (plan, &error))
        {
          fprintf (stderr, "bench-export-c: %s\n", error->message);
          _exit (1);
        }
      out[2] = (g_get_monotonic_time () - start) / 1e6;
      out[1] = peak_mb ();
      moped_test_remove_tree (dir);
      if (write (fds[1], out, sizeof out) != sizeof out)
        _exit (1);
      _exit (0);
    }
  close (fds[1]);
  if (read (fds[0], figures, sizeof figures) != sizeof figures)
    figures[1] = -1;
  close (fds[0]);
  waitpid (child, &status, 0);
  if (figures[1] < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return 1;
  printf ("  %6u nodes: design %7.1f MB, design + export %7.1f MB peak (export adds %6.1f MB), %5.1f s\n",
          n_nodes, figures[0], figures[1], figures[1] - figures[0], figures[2]);
  if (n_nodes == 10000)
    printf ("  target: export of 10,000 nodes under 200 MB peak: %s\n", figures[1] < 200 ? "met" : "NOT met");
  return 0;
}

int
main (int    argc,
      char **argv)
{
  guint n_nodes;
  g_autoptr(MopedDesign) design = NULL;
  double plan_ms[RUNS], write_ms[RUNS], again_ms[RUNS], total_ms[RUNS];
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  guint n_files = 0;

  if (argc > 1 && strcmp (argv[1], "--memory") == 0)
    {
      static const guint sizes[] = { 1000, 2500, 5000, 10000 };
      int failed = 0;

      printf ("export c peak memory (each size in a fresh process):\n");
      fflush (stdout);
      if (argc > 2)
        for (int i = 2; i < argc; i++)
          failed |= measure_memory ((guint) atoi (argv[i]));
      else
        for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
          {
            failed |= measure_memory (sizes[i]);
            fflush (stdout);
          }
      return failed;
    }
  n_nodes = argc > 1 ? (guint) atoi (argv[1]) : 200;
  design = generate (n_nodes);
  for (guint run = 0; run < RUNS; run++)
    {
      char *dir = g_dir_make_tmp ("bench-export-c-XXXXXX", NULL);
      g_autoptr(MopedExportPlan) plan = NULL;
      g_autoptr(MopedExportPlan) again = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      gint64 planned, written;

      plan = moped_export_c_plan (design, dir, MOPED_EXPORT_FLAGS_NONE);
      planned = g_get_monotonic_time ();
      if (!moped_export_plan_run (plan, &error))
        {
          fprintf (stderr, "bench-export-c: %s\n", error->message);
          return 1;
        }
      written = g_get_monotonic_time ();
      again = moped_export_c_plan (design, dir, MOPED_EXPORT_FLAGS_NONE);
      plan_ms[run] = (planned - start) / 1000.0;
      write_ms[run] = (written - planned) / 1000.0;
      total_ms[run] = (written - start) / 1000.0;
      again_ms[run] = (g_get_monotonic_time () - written) / 1000.0;
      n_files = moped_export_plan_get_n_files (plan);
      /* Removed at the end: ext4 creates files slowly among many just deleted. */
      g_ptr_array_add (dirs, dir);
    }
  for (guint i = 0; i < dirs->len; i++)
    moped_test_remove_tree (g_ptr_array_index (dirs, i));
  printf ("export c of a %u-node design (%u files), %d runs:\n", n_nodes, n_files, RUNS);
  print_figure ("plan (generate every file)", plan_ms);
  print_figure ("write", write_ms);
  print_figure ("export (plan + write)", total_ms);
  print_figure ("re-export, nothing changed", again_ms);
  printf ("target: export under %.0f ms: %s\n", TARGET_MS,
          total_ms[0] < TARGET_MS ? "met (fastest run)" : "NOT met");
  return 0;
}
