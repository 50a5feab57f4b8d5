/* moped-outline.h: the design as a list beside the canvas: what a screen reader or the keyboard finds, selects, renames and links.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-canvas.h"

G_BEGIN_DECLS

#define MOPED_TYPE_OUTLINE (moped_outline_get_type ())
G_DECLARE_FINAL_TYPE (MopedOutline, moped_outline, MOPED, OUTLINE, GtkWidget)

GtkWidget  *moped_outline_new        (void);
/* The canvas whose design and selection the outline mirrors (NULL to let go). */
void        moped_outline_set_canvas (MopedOutline *self,
                                      MopedCanvas  *canvas);
/* The list itself (for focus), and the number of rows it shows now. */
GtkListBox *moped_outline_get_list   (MopedOutline *self);
guint       moped_outline_get_n_rows (MopedOutline *self);

G_END_DECLS
