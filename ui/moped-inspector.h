/* moped-inspector.h: the side panel that edits whatever is selected (design, node, socket, link, note...).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every edit goes through the design's edit API; the panel refreshes from the
 * design's "changed" signal and shows problems inline as the user types.
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"

G_BEGIN_DECLS

#define MOPED_TYPE_INSPECTOR (moped_inspector_get_type ())
G_DECLARE_FINAL_TYPE (MopedInspector, moped_inspector, MOPED, INSPECTOR, GtkWidget)

GtkWidget *moped_inspector_new           (void);
void       moped_inspector_set_design    (MopedInspector     *self,
                                          MopedDesign        *design);
/* The selected element ids (none: the design itself is inspected). */
void       moped_inspector_set_selection (MopedInspector     *self,
                                          const char * const *ids);
/* Diagnostics (GPtrArray of MopedDiagnostic) shown inline next to the fields. */
void       moped_inspector_set_diagnostics (MopedInspector   *self,
                                            GPtrArray        *diagnostics);
/* Give the keyboard focus to the control editing @prop of @id ("Rename" puts the
 * cursor in the name); FALSE when the inspector shows no such field. */
gboolean   moped_inspector_focus_field     (MopedInspector   *self,
                                            const char       *id,
                                            MopedProp         prop);

G_END_DECLS
