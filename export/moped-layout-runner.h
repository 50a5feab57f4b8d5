/* moped-layout-runner.h: running graphviz in a child process, with a time limit.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Debian 12's graphviz can fail, loop or crash on some graphs. The editor never
 * calls it in its own process: the runner starts the program itself again as
 * `PROGRAM __layout --serve`, a helper that lays out one graph after another: each
 * request is a line "ENGINE OUTPUT LENGTH" and LENGTH bytes of DOT on its stdin,
 * each answer a line "ok LENGTH" or "error LENGTH" and LENGTH bytes on its stdout
 * (the result as moped_graphviz_run() gives it, or graphviz's complaint). The
 * helper stays for the next request, so a layout costs no process start (for the
 * editor, linked with GTK, that is several milliseconds). A crash, a failure or a
 * run longer than the time limit becomes a MOPED_RENDER_ERROR_LAYOUT GError;
 * cancelling or a time-out kills the helper; the next request starts a fresh one.
 * Nothing of the caller's is touched.
 *
 * Any program that uses the runner (moped, the tests, the benchmarks) must hand
 * that hidden verb to moped_layout_runner_child_main() first thing in main().
 */
#pragma once

#include <gio/gio.h>

#include "moped-graphviz.h"

G_BEGIN_DECLS

#define MOPED_LAYOUT_RUNNER_VERB "__layout"
/* Long enough for dot on thousands of nodes (about 2.5 s for 1,600 here). */
#define MOPED_LAYOUT_RUNNER_DEFAULT_TIMEOUT_MS 60000

/* The program to start (default: this process's own executable). Helpers started
 * for the previous program are stopped. */
void     moped_layout_runner_set_program   (const char           *path);

/* @timeout_ms 0 means the default. The result is what moped_graphviz_run() gives. */
void     moped_layout_runner_run_async     (GBytes               *dot,
                                            MopedLayoutEngine     engine,
                                            MopedGraphvizOutput   output,
                                            guint                 timeout_ms,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GBytes  *moped_layout_runner_run_finish    (GAsyncResult         *result,
                                            GError              **error);
/* Blocks (iterating a private main context) until the child is done. */
GBytes  *moped_layout_runner_run           (GBytes               *dot,
                                            MopedLayoutEngine     engine,
                                            MopedGraphvizOutput   output,
                                            guint                 timeout_ms,
                                            GCancellable         *cancellable,
                                            GError              **error);

/* The child's side: @argv is { "__layout", "--serve" } for the helper above, or
 * { "__layout", ENGINE, OUTPUT } to lay out the DOT on stdin once, writing the
 * result on stdout and graphviz's complaint on stderr (by hand, for debugging).
 * Returns the exit status. */
int      moped_layout_runner_child_main    (int                   argc,
                                            char                **argv);

G_END_DECLS
