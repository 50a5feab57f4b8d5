/* moped-protocol-editor.h: editing protocols: commands with fields, flows with ordered steps, a live sequence preview.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"

G_BEGIN_DECLS

#define MOPED_TYPE_PROTOCOL_EDITOR (moped_protocol_editor_get_type ())
G_DECLARE_FINAL_TYPE (MopedProtocolEditor, moped_protocol_editor, MOPED, PROTOCOL_EDITOR, GtkWidget)

GtkWidget *moped_protocol_editor_new             (void);
void       moped_protocol_editor_set_design      (MopedProtocolEditor *self,
                                                  MopedDesign         *design);
void       moped_protocol_editor_set_diagnostics (MopedProtocolEditor *self,
                                                  GPtrArray           *diagnostics);
/* Show @id (a protocol, command, field, flow or step) in the editor. */
void       moped_protocol_editor_reveal          (MopedProtocolEditor *self,
                                                  const char          *id);

/* Signal "element-activated" (const char *id): the user asked to see an element
 * (a node of a step, say) on the canvas. */

G_END_DECLS
