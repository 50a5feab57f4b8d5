/* moped-layout-runner.c: graphviz in a helper process: start it, feed it, time it, read it.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "moped-layout-runner.h"
#include "moped-render.h"

/* A helper retires after this many graphs: graphviz leaks a little on each. */
#define MAX_REQUESTS   200
/* Or after a graph this large (bytes of DOT): a process start is nothing next to
 * laying it out, and a fresh helper does not carry its heap around. */
#define MAX_KEPT_GRAPH (256u << 10)
/* Largest request or answer, a guard against a garbled length. */
#define MAX_PAYLOAD    (512u << 20)
#define SERVE_ARGUMENT "--serve"

/* ---- helpers --------------------------------------------------------------- */

typedef struct
{
  GSubprocess      *process;
  GOutputStream    *requests;  /* its stdin */
  GDataInputStream *answers;   /* its stdout */
  int               complaints; /* its stderr: an unlinked file we read after a failure */
  char             *program;
  guint             n_requests;
} Helper;

static void
helper_free (Helper *helper)
{
  if (helper == NULL)
    return;
  /* Closing its stdin ends a healthy helper; GLib reaps it. */
  if (helper->requests != NULL)
    g_output_stream_close (helper->requests, NULL, NULL);
  g_clear_object (&helper->requests);
  g_clear_object (&helper->answers);
  g_clear_object (&helper->process);
  if (helper->complaints >= 0)
    close (helper->complaints);
  g_free (helper->program);
  g_free (helper);
}

static void
helper_kill (Helper *helper)
{
  g_subprocess_force_exit (helper->process);
  helper_free (helper);
}

G_LOCK_DEFINE_STATIC (runner);
static char *program;
static Helper *idle_helper;

/* This very executable. Resolved, because tools that run us (valgrind) would start
 * themselves for "/proc/self/exe"; but a binary replaced since we started can only
 * be reached through the link. */
static char *
own_executable (void)
{
  g_autofree char *target = g_file_read_link ("/proc/self/exe", NULL);

  if (target == NULL || g_str_has_suffix (target, " (deleted)") ||
      !g_file_test (target, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup ("/proc/self/exe");
  return g_steal_pointer (&target);
}

void
moped_layout_runner_set_program (const char *path)
{
  Helper *old;

  G_LOCK (runner);
  g_free (program);
  program = g_strdup (path);
  old = g_steal_pointer (&idle_helper);
  G_UNLOCK (runner);
  helper_free (old);
}

static char *
dup_program (void)
{
  char *path;

  G_LOCK (runner);
  path = program != NULL ? g_strdup (program) : own_executable ();
  G_UNLOCK (runner);
  return path;
}

/* An idle helper for @path that is still there (GLib forgets the identifier of a
 * process it reaped), or NULL. */
static Helper *
take_idle_helper (const char *path)
{
  Helper *helper;

  G_LOCK (runner);
  helper = g_steal_pointer (&idle_helper);
  G_UNLOCK (runner);
  if (helper != NULL && (g_strcmp0 (helper->program, path) != 0 ||
                         g_subprocess_get_identifier (helper->process) == NULL))
    g_clear_pointer (&helper, helper_free);
  return helper;
}

/* Keep one helper for the next request; a second one (two requests ran at once)
 * or a worn one goes. */
static void
give_back_helper (Helper *helper)
{
  G_LOCK (runner);
  if (idle_helper == NULL && helper->n_requests < MAX_REQUESTS)
    {
      idle_helper = helper;
      helper = NULL;
    }
  G_UNLOCK (runner);
  helper_free (helper);
}

static void
ignore_sigpipe (void)
{
  static gsize done = 0;

  /* Writing to a helper that crashed must be an error, not the end of us. */
  if (g_once_init_enter (&done))
    {
      struct sigaction action;

      sigaction (SIGPIPE, NULL, &action);
      if (action.sa_handler == SIG_DFL)
        signal (SIGPIPE, SIG_IGN);
      g_once_init_leave (&done, 1);
    }
}

/* An unlinked file for the helper's stderr: nothing to drain while it runs, and
 * its last words are there to read when it dies. */
static int
open_complaints_file (GError **error)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("moped-layout-XXXXXX.log", &path, error);

  if (fd >= 0)
    {
      g_unlink (path);
      /* The helper appends wherever we last read. */
      fcntl (fd, F_SETFL, O_APPEND);
    }
  return fd;
}

static Helper *
helper_start (const char  *path,
              GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) local_error = NULL;
  Helper *helper = g_new0 (Helper, 1);
  int fd;

  helper->complaints = -1;
  helper->program = g_strdup (path);
  fd = open_complaints_file (&local_error);
  if (fd < 0)
    goto failed;
  helper->complaints = dup (fd);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_take_stderr_fd (launcher, fd);
  helper->process = g_subprocess_launcher_spawn (launcher, &local_error, path, MOPED_LAYOUT_RUNNER_VERB,
                                                 SERVE_ARGUMENT, NULL);
  if (helper->process == NULL)
    goto failed;
  helper->requests = g_object_ref (g_subprocess_get_stdin_pipe (helper->process));
  helper->answers = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper->process));
  g_data_input_stream_set_newline_type (helper->answers, G_DATA_STREAM_NEWLINE_TYPE_LF);
  return helper;

failed:
  g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
               "Could not start the layout helper %s: %s", path, local_error->message);
  helper_free (helper);
  return NULL;
}

static off_t
helper_complaints_end (Helper *helper)
{
  return MAX (lseek (helper->complaints, 0, SEEK_END), 0);
}

/* The last lines the helper wrote on its stderr since @since. */
static char *
helper_last_words (Helper *helper,
                   off_t   since)
{
  char buffer[4096];
  off_t end = lseek (helper->complaints, 0, SEEK_END);
  off_t start = MAX (end - (off_t) sizeof buffer + 1, since);
  ssize_t n;

  if (end < 0 || lseek (helper->complaints, start, SEEK_SET) < 0)
    return g_strdup ("");
  n = read (helper->complaints, buffer, sizeof buffer - 1);
  buffer[MAX (n, 0)] = '\0';
  return g_strstrip (g_utf8_make_valid (buffer, -1));
}

/* ---- one request --------------------------------------------------------------- */

typedef struct
{
  Helper   *helper;
  GBytes   *request;
  GSource  *timer;
  guint     timeout_ms;
  gboolean  single_use;  /* its helper lays out this graph only: fdp, or a large one */
  gboolean  reused;      /* its helper had laid out other graphs before this one */
  gboolean  retried;     /* this is the second try, in a fresh helper */
  char     *program;
  gboolean  timed_out;
  gboolean  garbled;     /* it answered nonsense, so we stopped it */
  gboolean  failed;      /* the answer said "error" */
  GError   *io_error;    /* a broken pipe or garbled answer, unless the helper says more */
  off_t     complaints_start; /* what the helper said before this request is not about it */
  guchar   *payload;
  gsize     payload_length;
} Run;

static void
stop_timer (Run *run)
{
  if (run->timer != NULL)
    {
      g_source_destroy (run->timer);
      g_clear_pointer (&run->timer, g_source_unref);
    }
}

static void
run_free (gpointer data)
{
  Run *run = data;

  stop_timer (run);
  if (run->helper != NULL)
    helper_kill (run->helper);
  g_bytes_unref (run->request);
  g_free (run->program);
  g_clear_error (&run->io_error);
  g_free (run->payload);
  g_free (run);
}

static gboolean
on_timeout (gpointer user_data)
{
  Run *run = user_data;

  run->timed_out = TRUE;
  g_clear_pointer (&run->timer, g_source_unref);
  g_subprocess_force_exit (run->helper->process);
  return G_SOURCE_REMOVE;
}

static void start_run (GTask *task);

/* The helper died or is no longer to be trusted: say why, from how it ended. */
static void
report_death (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  GSubprocess *process = run->helper->process;
  g_autofree char *last_words = NULL;

  /* Graphviz 2.43 sometimes crashes on a graph after others in the same process,
   * where a fresh process lays it out fine: a crash of a reused helper is tried
   * once more in a fresh one before it is called the design's. */
  if (!run->timed_out && !run->garbled && run->reused && !run->retried &&
      g_subprocess_get_if_signaled (process))
    {
      g_debug ("layout helper crashed after %u graphs; trying a fresh one", run->helper->n_requests);
      g_clear_pointer (&run->helper, helper_free);
      g_clear_error (&run->io_error);
      g_clear_pointer (&run->payload, g_free);
      run->retried = TRUE;
      run->single_use = TRUE;
      start_run (g_object_ref (task));
      return;
    }

  if (run->timed_out)
    g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                             "Graphviz took longer than %.3g s and was stopped; the design is unchanged",
                             run->timeout_ms / 1000.0);
  else if (run->garbled)
    g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                             "The layout helper %s answered something that is not a layout",
                             run->helper->program);
  else if (g_subprocess_get_if_signaled (process))
    g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                             "Graphviz crashed (%s) on this design; the design is unchanged",
                             g_strsignal (g_subprocess_get_term_sig (process)));
  else if (*(last_words = helper_last_words (run->helper, run->complaints_start)) != '\0')
    g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT, "%s", last_words);
  else
    g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                             "The layout helper stopped unexpectedly%s%s",
                             run->io_error != NULL ? ": " : "",
                             run->io_error != NULL ? run->io_error->message : "");
}

static void
on_helper_gone (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  stop_timer (run);
  report_death (task);
}

/* Takes over the task's reference. */
static void
fail (GTask  *task,
      GError *error)
{
  Run *run = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The helper may be deep in a layout: it goes with the task (run_free). */
      stop_timer (run);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_clear_error (&run->io_error);
  run->io_error = error;
  /* A closed pipe means the helper has ended: wait for its status to tell how. The
   * time limit stays armed, should it be stuck instead. */
  g_subprocess_wait_async (run->helper->process, NULL, on_helper_gone, task);
}


static void
on_payload (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  gsize n = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, &error) ||
      n != run->payload_length)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "the answer was cut short");
      fail (task, error);
      return;
    }
  stop_timer (run);
  run->helper->n_requests++;
  /* After graphviz reported an error its state is not to be trusted either. */
  if (run->single_use || run->failed)
    g_clear_pointer (&run->helper, helper_free);
  else
    give_back_helper (g_steal_pointer (&run->helper));
  if (run->failed)
    g_task_return_new_error (task, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT, "%.*s",
                             (int) run->payload_length, (const char *) run->payload);
  else
    g_task_return_pointer (task, g_bytes_new_take (g_steal_pointer (&run->payload), run->payload_length),
                           (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

/* "ok LENGTH" or "error LENGTH". */
static gboolean
parse_answer (const char *line,
              gboolean   *failed,
              gsize      *length)
{
  const char *number;
  char *end;
  guint64 value;

  if (g_str_has_prefix (line, "ok "))
    number = line + 3;
  else if (g_str_has_prefix (line, "error "))
    number = line + 6;
  else
    return FALSE;
  value = g_ascii_strtoull (number, &end, 10);
  if (end == number || *end != '\0' || value > MAX_PAYLOAD)
    return FALSE;
  *failed = line[0] == 'e';
  *length = (gsize) value;
  return TRUE;
}

static void
on_answer_line (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result,
                                                                NULL, &error);

  if (line == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "no answer");
      fail (task, error);
      return;
    }
  if (!parse_answer (line, &run->failed, &run->payload_length))
    {
      run->garbled = TRUE;
      g_subprocess_force_exit (run->helper->process);
      fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a layout"));
      return;
    }
  run->payload = g_malloc (run->payload_length + 1);
  g_input_stream_read_all_async (G_INPUT_STREAM (run->helper->answers), run->payload, run->payload_length,
                                 G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_payload, task);
}

static void
on_request_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error) ||
      !g_output_stream_flush (G_OUTPUT_STREAM (source), NULL, &error))
    {
      fail (task, error);
      return;
    }
  g_data_input_stream_read_line_async (run->helper->answers, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                       on_answer_line, task);
}

static GBytes *
make_request (GBytes              *dot,
              MopedLayoutEngine    engine,
              MopedGraphvizOutput  output)
{
  gsize length;
  const char *data = g_bytes_get_data (dot, &length);
  GString *request = g_string_sized_new (length + 64);

  g_string_printf (request, "%s %s %" G_GSIZE_FORMAT "\n", moped_layout_engine_get_name (engine),
                   moped_graphviz_output_get_name (output), length);
  g_string_append_len (request, data, (gssize) length);
  return g_string_free_to_bytes (request);
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
  GTask *task;
  g_autofree char *path = dup_program ();
  Run *run;

  g_return_if_fail (dot != NULL);
  g_return_if_fail ((guint) engine < MOPED_N_LAYOUT_ENGINES);
  g_return_if_fail ((guint) output < MOPED_N_GRAPHVIZ_OUTPUTS);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, moped_layout_runner_run_async);
  run = g_new0 (Run, 1);
  run->timeout_ms = timeout_ms > 0 ? timeout_ms : MOPED_LAYOUT_RUNNER_DEFAULT_TIMEOUT_MS;
  run->request = make_request (dot, engine, output);
  g_task_set_task_data (task, run, run_free);

  ignore_sigpipe ();
  /* fdp keeps state from one graph to the next in graphviz 2.43: the same graph
   * would come out differently after another one. It gets a fresh process, and
   * so does a large graph (see MAX_KEPT_GRAPH). */
  run->single_use = engine == MOPED_LAYOUT_ENGINE_FDP || g_bytes_get_size (dot) > MAX_KEPT_GRAPH;
  run->program = g_steal_pointer (&path);
  start_run (task);
}

/* Send the run's request to a helper: the idle one unless the run is single-use,
 * else a fresh one. Takes over the task's reference. */
static void
start_run (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  gsize length;
  const void *data;

  if (!run->single_use)
    run->helper = take_idle_helper (run->program);
  run->reused = run->helper != NULL && run->helper->n_requests > 0;
  if (run->helper == NULL && (run->helper = helper_start (run->program, &error)) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  run->complaints_start = helper_complaints_end (run->helper);
  run->timer = g_timeout_source_new (run->timeout_ms);
  g_source_set_callback (run->timer, on_timeout, run, NULL);
  g_source_set_static_name (run->timer, "[moped] graphviz time limit");
  g_source_attach (run->timer, g_main_context_get_thread_default ());
  data = g_bytes_get_data (run->request, &length);
  g_output_stream_write_all_async (run->helper->requests, data, length, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_request_written, task);
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

/* ---- the helper's side ------------------------------------------------------- */

static gboolean
write_answer (FILE       *answers,
              const char *status,
              const void *data,
              gsize       length)
{
  return fprintf (answers, "%s %" G_GSIZE_FORMAT "\n", status, length) > 0 &&
         fwrite (data, 1, length, answers) == length && fflush (answers) == 0;
}

/* One request after another until stdin ends. */
static int
serve (void)
{
  char header[256];
  FILE *answers;
  int fd = dup (STDOUT_FILENO);

  /* Answers get a descriptor of their own; anything a library prints goes to
   * stderr instead of into the middle of an answer. */
  if (fd < 0 || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0 || (answers = fdopen (fd, "w")) == NULL)
    return 1;

  while (fgets (header, sizeof header, stdin) != NULL)
    {
      g_auto(GStrv) fields = g_strsplit (g_strchomp (header), " ", -1);
      MopedLayoutEngine engine;
      MopedGraphvizOutput output;
      g_autofree char *dot = NULL;
      g_autoptr(GBytes) result = NULL;
      g_autoptr(GError) error = NULL;
      guint64 length;
      gsize size;
      const void *data;

      if (g_strv_length (fields) != 3 || !moped_layout_engine_from_name (fields[0], &engine) ||
          !moped_graphviz_output_from_name (fields[1], &output) ||
          !g_ascii_string_to_unsigned (fields[2], 10, 0, MAX_PAYLOAD, &length, NULL))
        {
          fprintf (stderr, "The layout helper got a request it does not understand\n");
          return 2;
        }
      dot = g_malloc (length + 1);
      if (fread (dot, 1, length, stdin) != length)
        return 2;
      dot[length] = '\0';
      result = moped_graphviz_run (dot, length, engine, output, &error);
      if (result != NULL)
        data = g_bytes_get_data (result, &size);
      else
        {
          data = error->message;
          size = strlen (error->message);
        }
      if (!write_answer (answers, result != NULL ? "ok" : "error", data, size))
        return 1;
    }
  fclose (answers);
  return 0;
}

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

static int
run_once (MopedLayoutEngine   engine,
          MopedGraphvizOutput output)
{
  g_autoptr(GString) dot = read_all (stdin);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) result = moped_graphviz_run (dot->str, dot->len, engine, output, &error);
  const char *data;
  gsize length;

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

int
moped_layout_runner_child_main (int    argc,
                                char **argv)
{
  MopedLayoutEngine engine;
  MopedGraphvizOutput output;

  if (argc == 2 && g_str_equal (argv[1], SERVE_ARGUMENT))
    return serve ();
  if (argc == 3 && moped_layout_engine_from_name (argv[1], &engine) &&
      moped_graphviz_output_from_name (argv[2], &output))
    return run_once (engine, output);
  fprintf (stderr, "Usage: moped %s %s\n"
                   "       moped %s ENGINE OUTPUT < graph.dot\n"
                   "(an internal helper: the editor runs graphviz through it)\n",
           MOPED_LAYOUT_RUNNER_VERB, SERVE_ARGUMENT, MOPED_LAYOUT_RUNNER_VERB);
  return 2;
}
