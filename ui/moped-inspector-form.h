/* moped-inspector-form.h: forms and child lists built from the schema table, shared by the inspector and the protocol editor.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"
#include "moped-inspector-field.h"

G_BEGIN_DECLS

#define MOPED_PROP_BIT(p) (G_GUINT64_CONSTANT (1) << (p))

/* A field for every property of the elements' kind in table order, except geometry and
 * the properties in @skip (MOPED_PROP_BIT mask). With @columns > 1 short fields sit
 * side by side and long text spans the row. */
GtkWidget *moped_inspector_form_new (MopedDesign        *design,
                                     const char * const *ids,
                                     guint               columns,
                                     guint64             skip);

#define MOPED_TYPE_INSPECTOR_CHILD_LIST (moped_inspector_child_list_get_type ())
G_DECLARE_FINAL_TYPE (MopedInspectorChildList, moped_inspector_child_list, MOPED, INSPECTOR_CHILD_LIST, GtkWidget)

/* The children of @kind under @parent_id as a boxed list: each row edits one child
 * (its name, then its other properties) with buttons (and Alt+Up/Down) to move it and
 * a button to remove it; a heading with @title and an "Add" button. The list follows
 * the design: rows come and go with undo and redo. */
GtkWidget *moped_inspector_child_list_new             (MopedDesign             *design,
                                                       const char              *parent_id,
                                                       MopedKind                kind,
                                                       const char              *title);
void       moped_inspector_child_list_set_diagnostics (MopedInspectorChildList *self,
                                                       GPtrArray               *diagnostics);
/* Add a child (named so no sibling has its name) as one undo step; focuses its name. */
MopedElement *moped_inspector_child_list_add          (MopedInspectorChildList *self);
/* Move the child @id by @delta places (one undo step). */
gboolean   moped_inspector_child_list_move            (MopedInspectorChildList *self,
                                                       const char              *id,
                                                       int                      delta);

/* Give @diagnostics to every field and child list under @root. */
void       moped_inspector_apply_diagnostics (GtkWidget  *root,
                                              GPtrArray  *diagnostics);
/* Whether some field under @root shows @diagnostic inline. */
gboolean   moped_inspector_shown_inline      (GtkWidget             *root,
                                              const MopedDiagnostic *diagnostic);
/* A key for the widget under @root that has the keyboard focus (a field: its element
 * and property; another widget: its "moped-focus-key" data), or NULL; after @root is
 * rebuilt, restore_focus gives the focus to the widget with the same key. */
char      *moped_inspector_remember_focus    (GtkWidget  *root);
gboolean   moped_inspector_restore_focus     (GtkWidget  *root,
                                              const char *key);
/* The focus key of a field for element @id and @prop. */
char      *moped_inspector_field_focus_key   (const char *id,
                                              MopedProp   prop);
/* Run @func once from an idle, coalescing repeated requests (the source id lives in *@source). */
void       moped_inspector_schedule          (guint      *source,
                                              GSourceFunc func,
                                              gpointer    data);

G_END_DECLS
