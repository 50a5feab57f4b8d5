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

/* Driving widgets as a person would, through the widgets' own API. */
/* Every widget under @widget whose accessible name is @label, into @out. */
void        moped_test_find_labelled    (GtkWidget           *widget,
                                         const char          *label,
                                         GPtrArray           *out);
/* The one mapped widget under @root with accessible name @label (fails if none or two). */
GtkWidget  *moped_test_find_control     (GtkWidget           *root,
                                         const char          *label);
/* What a click does: the button's "clicked" (gtk_widget_activate would animate first). */
void        moped_test_click            (GtkWidget           *button);
void        moped_test_choose           (GtkWidget           *drop_down,
                                         const char          *label);
const char *moped_test_chosen           (GtkWidget           *drop_down);
/* Type @text at the end of @entry, one character at a time. */
void        moped_test_type_text        (GtkWidget           *entry,
                                         const char          *text);
/* Activate @widget's own shortcut for @trigger_text, as the key press would. */
gboolean    moped_test_fire_shortcut    (GtkWidget           *widget,
                                         const char          *trigger_text);

G_END_DECLS
