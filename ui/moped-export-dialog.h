/* moped-export-dialog.h: exporting a design: diagrams, the C skeleton, the protocol document, zproto models.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One dialog, modal to the design's window, with a page per target in a sidebar.
 * The work runs on a worker thread, on a copy of the design, so the window stays
 * responsive (graphviz itself runs in a child process, moped-layout-runner.h). Files
 * are replaced atomically; failures are shown in the dialog. The C skeleton and the
 * zproto models show their plan (what is created, rewritten, kept, appended to) before
 * anything is written, and refuse, listing why, when the design has errors.
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"

G_BEGIN_DECLS

#define MOPED_TYPE_EXPORT_DIALOG (moped_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MopedExportDialog, moped_export_dialog, MOPED, EXPORT_DIALOG, GtkWindow)

/* The pages, by the names moped_export_dialog_set_target() takes. */
#define MOPED_EXPORT_TARGET_DIAGRAMS "diagrams"
#define MOPED_EXPORT_TARGET_CODE     "code"
#define MOPED_EXPORT_TARGET_DOCUMENT "document"
#define MOPED_EXPORT_TARGET_ZPROTO   "zproto"

/* A dialog over @parent for @design. @design_file (may be NULL) names the defaults
 * ("hello.moped" proposes "hello-architecture.svg"); @settings (may be NULL) is the
 * application's, whose "last-export-dir" is where the dialog starts and what it
 * updates after each export. */
MopedExportDialog *moped_export_dialog_new   (GtkWindow          *parent,
                                              MopedDesign        *design,
                                              GFile              *design_file,
                                              GSettings          *settings);
/* The dialog of @parent's window: the one shown before when it is still there (it
 * keeps its choices for as long as the window lives), else a new one; presented on
 * @target (NULL: the page shown last). */
MopedExportDialog *moped_export_dialog_present (GtkWindow        *parent,
                                                MopedDesign      *design,
                                                GFile            *design_file,
                                                GSettings        *settings,
                                                const char       *target);

void         moped_export_dialog_set_target      (MopedExportDialog *self,
                                                  const char        *target);
const char  *moped_export_dialog_get_target      (MopedExportDialog *self);
/* Where the current page writes: a file (diagram, document) or a folder (all
 * diagrams, C skeleton, zproto models), as if chosen in the file chooser. */
void         moped_export_dialog_set_destination (MopedExportDialog *self,
                                                  GFile             *destination);
/* A new reference, or NULL. */
GFile       *moped_export_dialog_get_destination (MopedExportDialog *self);
/* Whether work (planning, exporting) is under way. */
gboolean     moped_export_dialog_is_busy         (MopedExportDialog *self);

/* Actions (prefix "export."): "run" exports from the current page (what the Export
 * button does), "choose" opens the file chooser for its destination, "open" opens
 * what was written last.
 *
 * Signal "finished" (MopedExportDialog *self, const char *job, gboolean ok,
 * gpointer user_data): a piece of work ended; @job is the target's name for an
 * export, or "plan-code" / "plan-zproto" for a plan. */

G_END_DECLS
