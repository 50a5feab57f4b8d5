/* moped-window.h: a window editing one design: canvas, protocols, inspector and problems.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"

G_BEGIN_DECLS

#define MOPED_TYPE_WINDOW (moped_window_get_type ())
G_DECLARE_FINAL_TYPE (MopedWindow, moped_window, MOPED, WINDOW, GtkApplicationWindow)

/* A window with an empty design. */
MopedWindow *moped_window_new          (GtkApplication *application);
MopedDesign *moped_window_get_design   (MopedWindow    *self);
/* The file the design is saved to, or NULL for a design never saved. */
GFile       *moped_window_get_file     (MopedWindow    *self);
/* Show @design (the window takes a reference); @file is where it lives, or NULL. */
void         moped_window_set_design   (MopedWindow    *self,
                                        MopedDesign    *design,
                                        GFile          *file);
/* Read @file into the window. On failure the window keeps its design, shows what
 * went wrong in its banner, and returns FALSE with @error set. */
gboolean     moped_window_load         (MopedWindow    *self,
                                        GFile          *file,
                                        GError        **error);
/* Write the design to @file (atomically) and make it the window's file. On failure
 * the design stays as it was, still unsaved, and the banner says why. */
gboolean     moped_window_save_to      (MopedWindow    *self,
                                        GFile          *file,
                                        GError        **error);
/* Whether the window holds work not in its file ("modified" property). */
gboolean     moped_window_get_modified (MopedWindow    *self);
/* Whether nothing was done in the window yet: no file, no edits; opening a file may
 * replace its design. */
gboolean     moped_window_is_untouched (MopedWindow    *self);

/* Join the shared design a moped:// invite link points at and show it in this window
 * (a banner says why when it cannot). */
void         moped_window_join_link    (MopedWindow    *self,
                                        const char     *link);

G_END_DECLS
