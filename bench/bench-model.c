/* bench-model.c: load, validate and save generated designs of growing size; prints ms and peak memory.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each size runs in a child process (this program re-executed with --size N) so the
 * peak resident memory reported is that size's own. Times are CPU time of the thread
 * (these machines are shared), next to baselines measured in the same process on the
 * same bytes: a bare GMarkup parse with empty callbacks for loading, and writing the
 * same bytes atomically for saving. The doubling ratios show whether any step grows
 * faster than linearly.
 */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "moped-design.h"
#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-socket-type.h"

/* A design shaped like real ones: each node has two sockets and each binds one
 * endpoint that two later nodes connect to, so there are about two links per node. */
static MopedDesign *
generate (guint n_nodes)
{
  MopedDesign *design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  g_autoptr(GPtrArray) outs = g_ptr_array_new ();
  g_autoptr(GPtrArray) ins = g_ptr_array_new ();
  MopedElement *proto = moped_design_add (design, root, MOPED_KIND_PROTOCOL, -1, NULL);
  MopedElement *cmd = moped_design_add (design, proto, MOPED_KIND_COMMAND, -1, NULL);
  MopedElement *flow = moped_design_add (design, proto, MOPED_KIND_FLOW, -1, NULL);

  moped_design_set_string (design, root, MOPED_PROP_NAME, "generated");
  moped_design_set_string (design, proto, MOPED_PROP_NAME, "work");
  moped_design_set_string (design, cmd, MOPED_PROP_NAME, "TASK");
  moped_design_set_string (design, flow, MOPED_PROP_NAME, "pass it on");
  for (guint i = 0; i < n_nodes; i++)
    {
      MopedElement *node = moped_design_add (design, root, MOPED_KIND_NODE, -1, NULL);
      MopedElement *out = moped_design_add (design, node, MOPED_KIND_SOCKET, -1, NULL);
      MopedElement *in = moped_design_add (design, node, MOPED_KIND_SOCKET, -1, NULL);
      char name[32];

      g_snprintf (name, sizeof name, "worker %u", i);
      moped_design_set_string (design, node, MOPED_PROP_NAME, name);
      moped_design_set_string (design, node, MOPED_PROP_ROLE, "worker");
      moped_design_set_double (design, node, MOPED_PROP_X, (i % 100) * 220.0);
      moped_design_set_double (design, node, MOPED_PROP_Y, (i / 100) * 140.0);
      moped_design_set_string (design, out, MOPED_PROP_NAME, "out");
      moped_design_set_enum (design, out, MOPED_PROP_TYPE, MOPED_SOCKET_PUSH);
      moped_design_set_enum (design, out, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
      moped_design_set_string (design, in, MOPED_PROP_NAME, "in");
      moped_design_set_enum (design, in, MOPED_PROP_TYPE, MOPED_SOCKET_PULL);
      g_ptr_array_add (outs, out);
      g_ptr_array_add (ins, in);
    }
  for (guint i = 0; i < n_nodes; i++)
    for (guint hop = 1; hop <= 2; hop++)
      {
        MopedElement *link = moped_design_add (design, root, MOPED_KIND_LINK, -1, NULL);
        char endpoint[64];

        g_snprintf (endpoint, sizeof endpoint, "inproc://worker-%u", i);
        moped_design_set_ref (design, link, MOPED_PROP_FROM, g_ptr_array_index (outs, i));
        moped_design_set_ref (design, link, MOPED_PROP_TO, g_ptr_array_index (ins, (i + hop) % n_nodes));
        moped_design_set_string (design, link, MOPED_PROP_ENDPOINT, endpoint);
        moped_design_set_ref (design, link, MOPED_PROP_PROTOCOL, proto);
      }
  for (guint i = 0; i + 1 < MIN (n_nodes, 50); i++)
    {
      MopedElement *step = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);

      moped_design_set_ref (design, step, MOPED_PROP_FROM, moped_element_get_parent (g_ptr_array_index (outs, i)));
      moped_design_set_ref (design, step, MOPED_PROP_TO, moped_element_get_parent (g_ptr_array_index (ins, i + 1)));
      moped_design_set_ref (design, step, MOPED_PROP_COMMAND, cmd);
    }
  return design;
}

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
ignore_start (GMarkupParseContext *context,
              const char          *element_name,
              const char         **attribute_names,
              const char         **attribute_values,
              gpointer             user_data,
              GError             **error)
{
}

/* The floor for loading: GMarkup reading the same bytes and doing nothing with them. */
static double
baseline_parse (const char *data)
{
  static const GMarkupParser parser = { ignore_start, NULL, NULL, NULL, NULL };
  double t0 = now_ms ();
  GMarkupParseContext *context = g_markup_parse_context_new (&parser, 0, NULL, NULL);

  if (!g_markup_parse_context_parse (context, data, -1, NULL) ||
      !g_markup_parse_context_end_parse (context, NULL))
    g_error ("the generated design is not well-formed");
  g_markup_parse_context_free (context);
  return now_ms () - t0;
}

/* The floor for saving: the same bytes written atomically. */
static double
baseline_write (const char *path,
                const char *data)
{
  double t0 = now_ms ();

  if (!g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, NULL))
    g_error ("cannot write %s", path);
  return now_ms () - t0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Child: generate, then time load, validate and save; print one parsable line. */
static int
run_size (guint n_nodes)
{
  g_autoptr(MopedDesign) generated = generate (n_nodes);
  g_autofree char *data = moped_file_to_data (generated, NULL);
  g_autofree char *dir = g_dir_make_tmp ("moped-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.moped", NULL);
  double load[5], validate[5], save[5], parse[5], write[5];
  guint n_runs = n_nodes >= 10000 ? 3 : 5;
  guint n_elements = 0, n_diagnostics = 0;
  struct rusage usage;

  for (guint r = 0; r < n_runs; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MopedDesign) design = NULL;
      g_autoptr(GPtrArray) diagnostics = NULL;
      double t0 = now_ms (), t1, t2;

      design = moped_file_load_data (data, -1, "bench.moped", &error);
      g_assert_no_error (error);
      t1 = now_ms ();
      diagnostics = moped_validate (design);
      t2 = now_ms ();
      if (!moped_file_save (design, path, &error))
        g_error ("%s", error->message);
      save[r] = now_ms () - t2;
      parse[r] = baseline_parse (data);
      write[r] = baseline_write (path, data);
      load[r] = t1 - t0;
      validate[r] = t2 - t1;
      n_elements = moped_design_get_n_elements (design);
      n_diagnostics = diagnostics->len;
    }
  qsort (load, n_runs, sizeof (double), compare_doubles);
  qsort (validate, n_runs, sizeof (double), compare_doubles);
  qsort (save, n_runs, sizeof (double), compare_doubles);
  qsort (parse, n_runs, sizeof (double), compare_doubles);
  qsort (write, n_runs, sizeof (double), compare_doubles);
  getrusage (RUSAGE_SELF, &usage);
  printf ("%u %u %zu %.2f %.2f %.2f %ld %u %.2f %.2f\n", n_nodes, n_elements, strlen (data),
          load[n_runs / 2], validate[n_runs / 2], save[n_runs / 2], usage.ru_maxrss, n_diagnostics,
          parse[n_runs / 2], write[n_runs / 2]);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  static const guint sizes[] = { 100, 1000, 5000, 10000, 20000 };
  double totals[G_N_ELEMENTS (sizes)];

  if (argc == 3 && g_str_equal (argv[1], "--size"))
    return run_size ((guint) atoi (argv[2]));

  printf ("Moped model benchmark: load + validate + save, median CPU ms, each size in its own process\n");
  printf ("(load/parse = Moped's loader over a bare GMarkup parse of the same bytes;\n"
          " save/write = Moped's save over writing the same bytes atomically)\n\n");
  printf ("%8s %9s %9s %8s %11s %8s %9s %11s %11s %9s\n",
          "nodes", "elements", "file KiB", "load", "load/parse", "validate", "save", "save/write",
          "total ms", "peak MiB");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *size = g_strdup_printf ("%u", sizes[i]);
      const char *child_argv[] = { argv[0], "--size", size, NULL };
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      int status = 0;
      guint n = 0, elements = 0, diags = 0;
      gsize bytes = 0;
      double load = 0, validate = 0, save = 0, parse = 0, write = 0;
      long rss = 0;

      if (!g_spawn_sync (NULL, (char **) child_argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error) ||
          sscanf (out, "%u %u %zu %lf %lf %lf %ld %u %lf %lf", &n, &elements, &bytes, &load, &validate,
                  &save, &rss, &diags, &parse, &write) != 10)
        {
          fprintf (stderr, "size %u failed: %s\n", sizes[i], error ? error->message : out);
          return 1;
        }
      totals[i] = load + validate + save;
      printf ("%8u %9u %9zu %8.1f %11.2f %8.1f %9.1f %11.2f %11.1f %9.1f\n",
              n, elements, bytes / 1024, load, load / MAX (parse, 0.01), validate, save,
              save / MAX (write, 0.01), totals[i], rss / 1024.0);
    }
  printf ("\nScaling (time ratio when the size doubles; 2.0 is linear):\n");
  printf ("  5,000 -> 10,000 nodes: %.2f\n", totals[3] / totals[2]);
  printf (" 10,000 -> 20,000 nodes: %.2f\n", totals[4] / totals[3]);
  printf ("\nTarget: 10,000 nodes in under 250 ms in total: %s (%.1f ms)\n",
          totals[3] < 250 ? "met" : "NOT met", totals[3]);
  return 0;
}
