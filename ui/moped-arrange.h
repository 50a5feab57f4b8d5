/* moped-arrange.h: "Arrange": lay a design out with graphviz, with progress, cancel and one undo step.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Graphviz runs in a child process (moped-layout-runner.h), so the editor stays
 * responsive and a crash or a hang of graphviz cannot take it down. The new positions
 * are applied as one undoable edit ("Arrange"); pinned nodes stay where they are
 * (moped-layout.h). When the layout takes longer than a moment, a banner with a
 * spinner and a Cancel button appears over the canvas; a failure is reported in a
 * dialog and leaves the design untouched.
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"
#include "moped-graphviz.h"

G_BEGIN_DECLS

/* How long a layout runs before its progress banner appears. */
#define MOPED_ARRANGE_PROGRESS_DELAY_MS 300

#define MOPED_TYPE_ARRANGE (moped_arrange_get_type ())
G_DECLARE_FINAL_TYPE (MopedArrange, moped_arrange, MOPED, ARRANGE, GObject)

/* Arrange @design with @engine ("dot", "neato", "fdp" or "circo") and @direction
 * ("LR" or "TB"); NULL for either means the choice last used in this session (at
 * first "dot", "LR"). The progress banner goes over the nearest GtkOverlay that is
 * @host or contains it (the canvas's), else into a small window of its own; errors
 * go to a dialog over @host's window. While a design is being arranged, asking again
 * returns the arrangement under way. Returns it (borrowed: it lives until done). */
MopedArrange *moped_arrange_run            (GtkWidget            *host,
                                            MopedDesign          *design,
                                            const char           *engine,
                                            const char           *direction);
/* The same with the choices as enums and a time limit for graphviz (0: the
 * runner's default). */
MopedArrange *moped_arrange_start          (GtkWidget            *host,
                                            MopedDesign          *design,
                                            MopedLayoutEngine     engine,
                                            MopedLayoutDirection  direction,
                                            guint                 timeout_ms);
/* Stop: the child is killed and the design stays as it was. */
void          moped_arrange_cancel         (MopedArrange         *self);

gboolean      moped_arrange_is_running     (MopedArrange         *self);
/* Once done: NULL when it worked, else why not (cancelled: G_IO_ERROR_CANCELLED). */
const GError *moped_arrange_get_error      (MopedArrange         *self);
/* Once done: whether any node moved (an arrangement that moves nothing adds no undo step). */
gboolean      moped_arrange_get_moved      (MopedArrange         *self);
/* The progress banner, while it is shown (NULL before the delay and once done). */
GtkWidget    *moped_arrange_get_banner     (MopedArrange         *self);
/* The error dialog, while it is shown. */
GtkWidget    *moped_arrange_get_error_dialog (MopedArrange       *self);

/* The choices moped_arrange_run() uses when given NULL. */
void          moped_arrange_get_last_options (MopedLayoutEngine    *engine,
                                              MopedLayoutDirection *direction);

/* Signal "finished" (MopedArrange *self, gpointer user_data): the layout was applied,
 * failed or was cancelled (see moped_arrange_get_error). */

/* ---- the options ------------------------------------------------------------ */

#define MOPED_TYPE_ARRANGE_POPOVER (moped_arrange_popover_get_type ())
G_DECLARE_FINAL_TYPE (MopedArrangePopover, moped_arrange_popover, MOPED, ARRANGE_POPOVER, GtkPopover)

/* Layout (layered, spring, force-directed, circular), direction for the layered one,
 * and an Arrange button that activates "win.arrange-with" with ("ENGINE",
 * "DIRECTION"), so the window that holds the popover does the work. Opens with the
 * choices last used. Usable in .ui files as MopedArrangePopover. */
GtkWidget    *moped_arrange_popover_new    (void);
/* Set the controls as a person would (tests, scripts). */
void          moped_arrange_popover_set_options (MopedArrangePopover  *self,
                                                 MopedLayoutEngine     engine,
                                                 MopedLayoutDirection  direction);

G_END_DECLS
