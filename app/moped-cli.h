/* moped-cli.h: the headless command line: verbs that never start GTK.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <glib.h>

#include "moped-design.h"

G_BEGIN_DECLS

/* Exit statuses shared by every verb. */
enum {
  MOPED_EXIT_OK = 0,
  MOPED_EXIT_DESIGN_ERRORS = 1, /* the design has errors, or the verb's work failed */
  MOPED_EXIT_USAGE = 2,         /* bad arguments, or a file that cannot be read */
};

typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv); /* argv[0] is the verb */
} MopedCliVerb;

/* Whether @arg names a verb (or --help / --version) the command line handles. */
gboolean moped_cli_handles (const char *arg);
int      moped_cli_run     (int argc, char **argv);

/* Verbs, one file each. */
int      moped_cli_check   (int argc, char **argv);
int      moped_cli_render  (int argc, char **argv);
int      moped_cli_arrange (int argc, char **argv);
int      moped_cli_export  (int argc, char **argv);
int      moped_cli_doc     (int argc, char **argv);
int      moped_cli_host    (int argc, char **argv);
int      moped_cli_join    (int argc, char **argv);
/* The editor's layout child process (not listed in --help). */
int      moped_cli_layout_child (int argc, char **argv);

/* Helpers for verbs */
void     moped_cli_print_load_error (const char *path, const GError *error);
/* @text made safe for a terminal and a line-based reader: valid UTF-8, every control,
 * bidirectional or other invisible character escaped (so it is always one line). */
char    *moped_cli_printable        (const char *text);

G_END_DECLS
