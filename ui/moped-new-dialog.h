/* moped-new-dialog.h: choosing how a new design starts: empty, or from one of the bundled examples.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MOPED_TYPE_NEW_DIALOG (moped_new_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MopedNewDialog, moped_new_dialog, MOPED, NEW_DIALOG, GtkWindow)

/* Lists the *.moped files of @examples_dir, those named in @recent (newest first)
 * first, then the smaller designs before the richer ones. */
MopedNewDialog *moped_new_dialog_new      (GtkWindow          *parent,
                                           const char         *examples_dir,
                                           const char * const *recent);
guint           moped_new_dialog_get_n_examples (MopedNewDialog *self);

/* Signal "create" (GFile *example, NULL for an empty design): the user chose; the
 * dialog closes itself afterwards. The action "dialog.create" (parameter "s": an
 * example's file name, "" for an empty design) chooses as a row does. */

G_END_DECLS
