/* bench-export-c.c: how long `moped export c` takes for a 200-node design (target: under 100 ms).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Times, over several rounds: planning into an empty directory (reading the design,
 * deciding names, generating every file), writing the plan, and planning again over
 * the result (reading and checksumming every file: a re-export that changes nothing).
 * Compiling the output is not counted. Each round also measures two baselines on the
 * same machine at the same moment: a SHA-256 over every byte the export makes (CPU
 * work in proportion to the output) and writing the very files of the export with
 * g_file_set_contents (the file system's share). Each figure is printed as a ratio to
 * its baseline in the same round, the median over the rounds with the lowest and
 * highest beside it: a busy machine slows both sides of a ratio alike, so ratios
 * compare across runs and machines where milliseconds do not.
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

/* Sorts @values; returns their median. */
static double
median (double *values)
{
  qsort (values, RUNS, sizeof (double), compare_doubles);
  return values[RUNS / 2];
}

/* "what   12.3 ms (11.9-14.0)   2.31 x baseline (2.20-2.52)": medians over the rounds,
 * lowest and highest in brackets; the ratio is taken round by round. */
static void
print_figure (const char   *what,
              const double *ms,
              const double *baseline,
              const char   *baseline_name)
{
  double sorted[RUNS], ratios[RUNS];
  double middle, middle_ratio;

  for (guint i = 0; i < RUNS; i++)
    {
      sorted[i] = ms[i];
      ratios[i] = baseline != NULL && baseline[i] > 0 ? ms[i] / baseline[i] : 0;
    }
  middle = median (sorted);
  middle_ratio = median (ratios);
  printf ("  %-32s %8.1f ms (%.1f-%.1f)", what, middle, sorted[0], sorted[RUNS - 1]);
  if (baseline != NULL)
    printf ("  %7.2f x %s (%.2f-%.2f)", middle_ratio, baseline_name, ratios[0], ratios[RUNS - 1]);
  printf ("\n");
}

typedef struct
{
  char   *path;   /* relative to the export's directory */
  GBytes *bytes;
} PlainFile;

static void
plain_file_free (gpointer data)
{
  PlainFile *file = data;

  g_free (file->path);
  g_bytes_unref (file->bytes);
  g_free (file);
}

/* Every file under @dir (made by the first export), to write again as the baseline. */
static void
collect_files (const char *dir,
               const char *relative,
               GPtrArray  *files)
{
  g_autofree char *path = relative != NULL ? g_build_filename (dir, relative, NULL) : g_strdup (dir);
  g_autoptr(GDir) folder = g_dir_open (path, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *child = relative != NULL ? g_build_filename (relative, name, NULL) : g_strdup (name);
      g_autofree char *full = g_build_filename (dir, child, NULL);
      char *contents = NULL;
      gsize length = 0;

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        collect_files (dir, child, files);
      else if (g_file_get_contents (full, &contents, &length, NULL))
        {
          PlainFile *file = g_new0 (PlainFile, 1);

          file->path = g_steal_pointer (&child);
          file->bytes = g_bytes_new_take (contents, length);
          g_ptr_array_add (files, file);
        }
    }
}

/* The baseline of computing: one pass of SHA-256 over every byte of the export. */
static double
checksum_all (GPtrArray *files)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < files->len; i++)
    {
      gsize length = 0;
      const guchar *data = g_bytes_get_data (((PlainFile *) g_ptr_array_index (files, i))->bytes, &length);

      g_checksum_update (checksum, data, length);
    }
  if (g_checksum_get_string (checksum) == NULL)
    g_error ("bench-export-c: no checksum");
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The baseline of writing: the same files, written plainly into a new directory. */
static double
write_plainly (GPtrArray *files,
               GPtrArray *dirs)
{
  char *dir = g_dir_make_tmp ("bench-export-c-plain-XXXXXX", NULL);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < files->len; i++)
    {
      PlainFile *file = g_ptr_array_index (files, i);
      g_autofree char *full = g_build_filename (dir, file->path, NULL);
      g_autofree char *folder = g_path_get_dirname (full);
      gsize length = 0;
      const char *data = g_bytes_get_data (file->bytes, &length);

      g_mkdir_with_parents (folder, 0755);
      if (!g_file_set_contents (full, data, length, NULL))
        g_error ("bench-export-c: cannot write %s", full);
    }
  g_ptr_array_add (dirs, dir);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static double
peak_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;   /* kilobytes on Linux */
}

/* Builds a design of @n_nodes, notes the peak, exports it once into a new folder and
 * notes the peak again: @out gets the two peaks (MB) and the export's seconds. */
static gboolean
export_once (guint   n_nodes,
             double  out[3])
{
  g_autoptr(MopedDesign) design = NULL;
  g_autoptr(MopedExportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-export-c-XXXXXX", NULL);
  gint64 start;

  design = generate (n_nodes);
  out[0] = peak_mb ();
  start = g_get_monotonic_time ();
  plan = moped_export_c_plan (design, dir, MOPED_EXPORT_FLAGS_NONE);
  if (!moped_export_plan_run (plan, &error))
    {
      fprintf (stderr, "bench-export-c: %s\n", error->message);
      return FALSE;
    }
  out[2] = (g_get_monotonic_time () - start) / 1e6;
  out[1] = peak_mb ();
  moped_test_remove_tree (dir);
  return TRUE;
}

/* In a child process (so that each size starts from nothing): export_once. */
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
      double out[3];

      close (fds[0]);
      if (!export_once (n_nodes, out) || write (fds[1], out, sizeof out) != sizeof out)
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
  double sum_ms[RUNS], plain_ms[RUNS], baseline_ms[RUNS];
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (plain_file_free);
  guint n_files = 0;
  double total_median;

  if (argc > 2 && strcmp (argv[1], "--memory-here") == 0)
    {
      double out[3];

      /* One size in this process, for a heap profiler (heaptrack does not follow fork). */
      if (!export_once ((guint) atoi (argv[2]), out))
        return 1;
      printf ("  %s nodes: design %.1f MB, design + export %.1f MB peak\n", argv[2], out[0], out[1]);
      return 0;
    }
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
      /* The baselines: the bytes just written, checksummed, and written again plainly. */
      if (files->len == 0)
        collect_files (dir, NULL, files);
      sum_ms[run] = checksum_all (files);
      plain_ms[run] = write_plainly (files, dirs);
      baseline_ms[run] = sum_ms[run] + plain_ms[run];
      /* Removed at the end: ext4 creates files slowly among many just deleted. */
      g_ptr_array_add (dirs, dir);
    }
  for (guint i = 0; i < dirs->len; i++)
    moped_test_remove_tree (g_ptr_array_index (dirs, i));
  printf ("export c of a %u-node design (%u files), %d rounds; medians (lowest-highest), ratios to\n"
          "baselines measured in the same round:\n", n_nodes, n_files, RUNS);
  print_figure ("baseline: SHA-256 of the output", sum_ms, NULL, NULL);
  print_figure ("baseline: files written plainly", plain_ms, NULL, NULL);
  print_figure ("plan (generate every file)", plan_ms, sum_ms, "sha256");
  print_figure ("write (staged, all or nothing)", write_ms, plain_ms, "plain write");
  print_figure ("export (plan + write)", total_ms, baseline_ms, "sha256 + plain write");
  print_figure ("re-export, nothing changed", again_ms, sum_ms, "sha256");
  total_median = median (total_ms);
  printf ("target: export under %.0f ms: %s (median %.1f ms)\n", TARGET_MS,
          total_median < TARGET_MS ? "met" : "NOT met", total_median);
  return 0;
}
