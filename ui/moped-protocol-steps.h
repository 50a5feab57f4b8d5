/* moped-protocol-steps.h: the ordered steps of one flow, edited in place, reordered by keyboard or drag and drop.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"

G_BEGIN_DECLS

#define MOPED_TYPE_PROTOCOL_STEPS (moped_protocol_steps_get_type ())
G_DECLARE_FINAL_TYPE (MopedProtocolSteps, moped_protocol_steps, MOPED, PROTOCOL_STEPS, GtkWidget)

GtkWidget    *moped_protocol_steps_new             (MopedDesign        *design,
                                                    const char         *flow_id);
void          moped_protocol_steps_set_diagnostics (MopedProtocolSteps *self,
                                                    GPtrArray          *diagnostics);
/* Append a step that answers the one before it (from its receiver back to its sender,
 * with a command that receiver sends), as one undo step; focuses it. */
MopedElement *moped_protocol_steps_add             (MopedProtocolSteps *self);
/* Add a block (a MopedBlock: choice with two branches, loop, optional) at the end of
 * the flow, or inside the block the keyboard is on (a branch, inside a choice); one
 * undo step; focuses it. Add then puts steps into the focused block. */
MopedElement *moped_protocol_steps_add_block       (MopedProtocolSteps *self,
                                                    int                 block);
/* Move step @id to @new_index among the flow's steps (one undo step). */
gboolean      moped_protocol_steps_move_to         (MopedProtocolSteps *self,
                                                    const char         *id,
                                                    guint               new_index);
/* The step the keyboard is in (or the selected one), or NULL. */
const char   *moped_protocol_steps_get_current     (MopedProtocolSteps *self);
/* Select and focus the row of step @id. */
gboolean      moped_protocol_steps_reveal          (MopedProtocolSteps *self,
                                                    const char         *id);
/* The row widget of step @id (to drive its drag source and drop target in tests). */
GtkWidget    *moped_protocol_steps_get_row         (MopedProtocolSteps *self,
                                                    const char         *id);

G_END_DECLS
