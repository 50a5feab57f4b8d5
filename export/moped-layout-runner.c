/* moped-layout-runner.c: graphviz in a child process: start it, feed it, time it, read it.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "moped-layout-runner.h"
#include "moped-render.h"

G_LOCK_DEFINE_STATIC (program);
static char *program;

void
moped_layout_runner_set_program (const char *path)
{
  G_LOCK (program);
  g_free (program);
  program = g_strdup (path);
  G_UNLOCK (program);
}

static char *
dup_program (void)
{
  char *path;

  G_LOCK (program);
  path = g_strdup (program != NULL ? program : "/proc/self/exe");
  G_UNLOCK (program);
  return path;
}

typedef struct
{
  GSubprocess *process;
  GSource     *timer;
  guint        timeout_ms;
  gboolean     timed_out;
  GError      *pipe_error;  /* a failed write or read, reported if the child looks fine */
  GBytes      *output;
  GBytes      *complaint;   /* the child's stderr */
} Run;

static void
run_free (gpointer data)
{
  Run *run = data;

  if (run->timer != NULL)
    {
      g_source_destroy (run->timer);
      g_source_unref (run->timer);
    }
  g_clear_object (&run->process);
  g_clear_error (&run->pipe_error);
  g_clear_pointer (&run->output, g_bytes_unref);
  g_clear_pointer (&run->complaint, g_bytes_unref);
  g_free (run);
}

static void
stop_timer (Run *run)
{
  if (run->timer != NULL)
    {
      g_source_destroy (run->timer);
      g_clear_pointer (&run->timer, g_source_unref);
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  Run *run = user_data;

  run->timed_out = TRUE;
  g_subprocess_force_exit (run->process);
  g_clear_pointer (&run->timer, g_source_unref);
  return G_SOURCE_REMOVE;
}

static char *
complaint_text (Run *run)
{
  gsize length = 0;
  const char *data = run->complaint != NULL ? g_bytes_get_data (run->complaint, &length) : NULL;
  char *text = g_strstrip (g_strndup (data != NULL ? data : "", length));

  return g_utf8_make_valid (text, -1);
}

/* The verdict once the child is gone. */
static void
conclude (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  g_autofree char *complaint = NULL;

  stop_timer (run);
  if (run->timed_out)
    {
      g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                               "Graphviz took longer than %.3g s and was stopped; the design is unchanged",
                               run->timeout_ms / 1000.0);
      return;
    }
  if (g_subprocess_get_if_signaled (run->process))
    {
      int sig = g_subprocess_get_term_sig (run->process);

      g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                               "Graphviz crashed (%s) on this design; the design is unchanged",
                               g_strsignal (sig));
      return;
    }
  complaint = complaint_text (run);
  if (g_subprocess_get_exit_status (run->process) != 0)
    {
      g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT, "%s",
                               *complaint != '\0' ? complaint
                                                  : "Graphviz failed on this design; the design is unchanged");
      return;
    }
  if (run->pipe_error != NULL)
    {
      g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                               "Could not talk to the layout helper: %s", run->pipe_error->message);
      return;
    }
  if (*complaint != '\0')
    g_debug ("Graphviz said: %s", complaint);
  g_task_return_pointer (task, g_bytes_ref (run->output), (GDestroyNotify) g_bytes_unref);
}

static void
on_waited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  conclude (task);
}

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (g_subprocess_communicate_finish (run->process, result, &run->output, &run->complaint, &error))
    {
      conclude (task);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      stop_timer (run);
      g_subprocess_force_exit (run->process);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A child that died early breaks the pipe; its exit status says more. */
  run->pipe_error = g_steal_pointer (&error);
  g_subprocess_wait_async (run->process, NULL, on_waited, g_steal_pointer (&task));
}

static void
ignore_sigpipe (void)
{
  static gsize done = 0;

  /* Writing to a child that crashed must be an error, not the end of us. */
  if (g_once_init_enter (&done))
    {
      struct sigaction action;

      sigaction (SIGPIPE, NULL, &action);
      if (action.sa_handler == SIG_DFL)
        signal (SIGPIPE, SIG_IGN);
      g_once_init_leave (&done, 1);
    }
}

void
moped_layout_runner_run_async (GBytes              *dot,
                               MopedLayoutEngine    engine,
                               MopedGraphvizOutput  output,
                               guint                timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = dup_program ();
  const char *argv[] = {
    path, MOPED_LAYOUT_RUNNER_VERB, moped_layout_engine_get_name (engine),
    moped_graphviz_output_get_name (output), NULL
  };
  Run *run;

  g_return_if_fail (dot != NULL);
  g_return_if_fail ((guint) engine < MOPED_N_LAYOUT_ENGINES);
  g_return_if_fail ((guint) output < MOPED_N_GRAPHVIZ_OUTPUTS);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, moped_layout_runner_run_async);
  run = g_new0 (Run, 1);
  run->timeout_ms = timeout_ms > 0 ? timeout_ms : MOPED_LAYOUT_RUNNER_DEFAULT_TIMEOUT_MS;
  g_task_set_task_data (task, run, run_free);

  ignore_sigpipe ();
  run->process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                          G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (run->process == NULL)
    {
      g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                               "Could not start the layout helper %s: %s", path, error->message);
      return;
    }
  run->timer = g_timeout_source_new (run->timeout_ms);
  g_source_set_callback (run->timer, on_timeout, run, NULL);
  g_source_set_static_name (run->timer, "[moped] graphviz time limit");
  g_source_attach (run->timer, g_main_context_get_thread_default ());
  g_subprocess_communicate_async (run->process, dot, cancellable, on_communicated, g_steal_pointer (&task));
}

GBytes *
moped_layout_runner_run_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == moped_layout_runner_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  gboolean  done;
  GBytes   *bytes;
  GError   *error;
} SyncResult;

static void
on_sync_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SyncResult *sync = user_data;

  sync->bytes = moped_layout_runner_run_finish (result, &sync->error);
  sync->done = TRUE;
}

GBytes *
moped_layout_runner_run (GBytes              *dot,
                         MopedLayoutEngine    engine,
                         MopedGraphvizOutput  output,
                         guint                timeout_ms,
                         GCancellable        *cancellable,
                         GError             **error)
{
  GMainContext *context = g_main_context_new ();
  SyncResult sync = { FALSE, NULL, NULL };

  g_main_context_push_thread_default (context);
  moped_layout_runner_run_async (dot, engine, output, timeout_ms, cancellable, on_sync_done, &sync);
  while (!sync.done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  if (sync.error != NULL)
    g_propagate_error (error, sync.error);
  return sync.bytes;
}

/* ---- the child's side ------------------------------------------------------- */

static GString *
read_all (FILE *in)
{
  GString *text = g_string_new (NULL);
  char buffer[65536];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, in)) > 0)
    g_string_append_len (text, buffer, (gssize) n);
  return text;
}

int
moped_layout_runner_child_main (int    argc,
                                char **argv)
{
  MopedLayoutEngine engine;
  MopedGraphvizOutput output;
  g_autoptr(GString) dot = NULL;
  g_autoptr(GBytes) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize length;

  if (argc != 3 || !moped_layout_engine_from_name (argv[1], &engine) ||
      !moped_graphviz_output_from_name (argv[2], &output))
    {
      fprintf (stderr, "Usage: moped %s ENGINE OUTPUT < graph.dot\n"
                       "(an internal helper: the editor runs graphviz through it)\n",
               MOPED_LAYOUT_RUNNER_VERB);
      return 2;
    }
  dot = read_all (stdin);
  result = moped_graphviz_run (dot->str, dot->len, engine, output, &error);
  if (result == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  data = g_bytes_get_data (result, &length);
  if (fwrite (data, 1, length, stdout) != length || fflush (stdout) != 0)
    {
      fprintf (stderr, "Could not write the layout: %s\n", g_strerror (errno));
      return 1;
    }
  return 0;
}
