/* moped-test-gtk.h: helpers the GUI test programs share: start-up, bounded waits, offscreen renders.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*MopedTestCondition) (gpointer data);

gboolean    moped_test_gtk_init         (int                 *argc,
                                         char              ***argv);
void        moped_test_spin             (void);
gboolean    moped_test_spin_until       (MopedTestCondition   cond,
                                         gpointer             data,
                                         guint                msec);
void        moped_test_spin_for         (guint                msec);
gboolean    moped_test_mapped           (gpointer             widget);
void        moped_test_wait_drawn       (GtkWidget           *widget);
void        moped_test_wait_for_paint   (GtkWidget           *widget);
GdkTexture *moped_test_render           (GtkWidget           *widget);
char       *moped_test_screenshot_path  (const char          *name);
void        moped_test_save_png         (GtkWidget           *widget,
                                         const char          *name);

G_END_DECLS
