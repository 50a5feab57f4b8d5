/* moped-design-copy.h: replacing a design's contents with another's, as one undoable edit.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include "moped-design.h"

G_BEGIN_DECLS

/* Makes @self hold what @source holds (same elements, ids, order and properties) in
 * one transaction named @label, so that one undo brings back what @self held before.
 * The editor's "Reload" uses it: a version of the file changed on disk replaces the
 * open design, and the user's own version stays one Ctrl+Z away. */
void moped_design_replace_contents (MopedDesign *self,
                                    MopedDesign *source,
                                    const char  *label);

G_END_DECLS
