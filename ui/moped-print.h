/* moped-print.h: printing a design: the architecture on one page, then its flows, several to a page.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Page 1 is the architecture fitted to the page, in the orientation it fits best;
 * then every flow's sequence diagram, as wide as the page allows: flows that fit share
 * upright pages, one under another in the design's order, and a longer flow runs over
 * as many pages as it needs. Each page has a title and the design's name. The architecture is laid
 * out by graphviz in a child process before the dialog opens, without blocking.
 * Print preview is Moped's own window (no external viewer is needed).
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"

G_BEGIN_DECLS

/* Lay the architecture out, then run a print operation with @action (PRINT_DIALOG,
 * PREVIEW or PRINT) over @parent. Finishes when the operation is done. @basename
 * (without extension; NULL for GTK's "output") is what printing to a file proposes. */
void      moped_print_design_async  (MopedDesign              *design,
                                     GtkWindow                *parent,
                                     GtkPrintOperationAction   action,
                                     const char               *basename,
                                     GCancellable             *cancellable,
                                     GAsyncReadyCallback       callback,
                                     gpointer                  user_data);
/* FALSE with @error when graphviz or printing failed; TRUE also when the user
 * cancelled the dialog. */
gboolean  moped_print_design_finish (GAsyncResult             *result,
                                     GError                  **error);

/* The same pages written to the PDF @filename through GtkPrintOperation's export
 * path (GTK_PRINT_OPERATION_ACTION_EXPORT), without a dialog. Blocks. */
gboolean  moped_print_design_to_file (MopedDesign             *design,
                                      const char              *filename,
                                      GError                 **error);

G_END_DECLS
