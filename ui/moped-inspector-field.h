/* moped-inspector-field.h: one editable property of one or more elements, with its label and inline problems.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The control is chosen from the property's type in the schema table (entry, text
 * view, drop-down, switch); edits go through the design's edit API, typing coalesces
 * into one undo step per focus session, and problems (a value that does not parse,
 * diagnostics about the property) show under the control. Shared by the inspector
 * and the protocol editor.
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"
#include "moped-diagnostic.h"
#include "moped-inspector-util.h"

G_BEGIN_DECLS

typedef enum
{
  MOPED_FIELD_LABELLED, /* a heading above the control (forms) */
  MOPED_FIELD_COMPACT,  /* no heading: the label is the placeholder, tooltip and accessible name */
} MopedFieldStyle;

#define MOPED_TYPE_INSPECTOR_FIELD (moped_inspector_field_get_type ())
G_DECLARE_FINAL_TYPE (MopedInspectorField, moped_inspector_field, MOPED, INSPECTOR_FIELD, GtkWidget)

/* Edits @prop of the elements @ids (all of one kind) of @design; with several ids an
 * edit sets all of them in one undo step. */
GtkWidget          *moped_inspector_field_new             (MopedDesign         *design,
                                                           const char * const  *ids,
                                                           MopedProp            prop,
                                                           MopedFieldStyle      style);
MopedProp           moped_inspector_field_get_prop        (MopedInspectorField *self);
const char * const *moped_inspector_field_get_ids         (MopedInspectorField *self);
/* The entry, text view, drop-down or switch. */
GtkWidget          *moped_inspector_field_get_control     (MopedInspectorField *self);
/* Replace the schema's label ("Endpoint" -> "Link to server.reply"). */
void                moped_inspector_field_set_label       (MopedInspectorField *self,
                                                           const char          *label);
/* The problem shown under the control, or NULL. */
const char         *moped_inspector_field_get_problem     (MopedInspectorField *self);
/* Show the diagnostics among @diagnostics that concern this property of these
 * elements; returns how many it shows (they need not be repeated elsewhere). */
guint               moped_inspector_field_set_diagnostics (MopedInspectorField *self,
                                                           GPtrArray           *diagnostics);
gboolean            moped_inspector_field_shows           (MopedInspectorField *self,
                                                           const MopedDiagnostic *diagnostic);
/* Re-read the model (the field also does this by itself on the design's "changed"). */
void                moped_inspector_field_refresh         (MopedInspectorField *self);
gboolean            moped_inspector_field_grab_focus      (MopedInspectorField *self);
/* Whether the control is a multi-line text that wants a whole row of a form. */
gboolean            moped_inspector_field_is_wide         (MopedInspectorField *self);

/* Who else is editing this field right now (a shared design): "Ana is editing" under
 * the control, in their colour (#rrggbb); NULL: nobody. */
void                moped_inspector_field_set_remote      (MopedInspectorField *self,
                                                           const char          *who,
                                                           const char          *colour);

/* Every field under @root, in tree order (borrowed). */
GPtrArray  *moped_inspector_collect_fields       (GtkWidget             *root);
/* The field under @root editing @prop of the element @id, or NULL. */
MopedInspectorField *moped_inspector_find_field  (GtkWidget             *root,
                                                  const char            *id,
                                                  MopedProp              prop);

G_END_DECLS
