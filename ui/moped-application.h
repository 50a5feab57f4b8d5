/* moped-application.h: the editor as a GtkApplication: one instance, a window per design, app-wide actions.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <adwaita.h>

#include "moped-window.h"

G_BEGIN_DECLS

#define MOPED_TYPE_APPLICATION (moped_application_get_type ())
G_DECLARE_FINAL_TYPE (MopedApplication, moped_application, MOPED, APPLICATION, AdwApplication)

MopedApplication *moped_application_new          (void);
/* Run the editor on the command line's files (the program's main when it has a GUI). */
int               moped_application_run          (int                argc,
                                                  char             **argv);
/* NULL when the GSettings schema is installed nowhere (preferences are then not kept). */
GSettings        *moped_application_get_settings (MopedApplication  *self);
/* A new window with an empty design. */
MopedWindow      *moped_application_new_window   (MopedApplication  *self);
/* Show @file: the window that has it already, else an untouched window, else a new
 * one. When it cannot be read the window says so and keeps what it had. */
MopedWindow      *moped_application_open_file    (MopedApplication  *self,
                                                  GFile             *file);
/* The folder of the bundled example designs. */
char             *moped_application_dup_examples_dir (void);

G_END_DECLS
