/* moped-inspector-util.h: small pieces the inspector and the protocol editor share: names, problem rows, style.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"
#include "moped-socket-type.h"
#include "moped-diagnostic.h"

G_BEGIN_DECLS

/* The property a diagnostic is about, when its code names one. */
gboolean    moped_inspector_diagnostic_prop      (const MopedDiagnostic *diagnostic,
                                                  MopedProp             *prop);
gboolean    moped_inspector_diagnostic_concerns  (const MopedDiagnostic *diagnostic,
                                                  const char            *id);
/* A row for a diagnostic: icon, message and hint. */
GtkWidget  *moped_inspector_problem_row_new      (const MopedDiagnostic *diagnostic);
/* "Client", "client.request", "client.request → server.reply"; the id when unnamed. */
char       *moped_inspector_describe_element     (const MopedElement    *element);
/* Sets the accessible name, and remembers it so tests can check every control has one. */
void        moped_inspector_set_accessible_label (GtkWidget             *widget,
                                                  const char            *label);
const char *moped_inspector_get_accessible_label (GtkWidget             *widget);
/* The same for a drop-down, and for the button inside it. */
void        moped_inspector_set_drop_down_label  (GtkWidget             *drop_down,
                                                  const char            *label);
/* Put @page in @scrolled, giving it its natural height. */
void        moped_inspector_set_page             (GtkScrolledWindow     *scrolled,
                                                  GtkWidget             *page);
/* A flat icon button with a tooltip and an accessible name. */
GtkWidget  *moped_inspector_icon_button_new      (const char            *icon_name,
                                                  const char            *label);
/* A heading with an optional widget at its end (an "Add" button). */
GtkWidget  *moped_inspector_heading_new          (const char            *title,
                                                  GtkWidget             *end);
/* The style sheet of the inspector and the protocol editor, once per display. */
void        moped_inspector_ensure_style         (GtkWidget             *widget);
/* The label of a new element of @kind under @parent that no sibling has: "Command 3". */
char       *moped_inspector_unique_name          (const MopedElement    *parent,
                                                  MopedKind              kind);

/* Sockets are named from their type ("dealer", "dealer 2"...) until someone names them:
 * the automatic name of a new socket of @type on @node (@except is left out of the
 * comparison, for a socket being renamed), and whether @socket still has one. */
char       *moped_inspector_socket_auto_name    (const MopedElement *node,
                                                 MopedSocketType     type,
                                                 const MopedElement *except);
gboolean    moped_inspector_socket_name_is_auto (const MopedElement *socket);

G_END_DECLS
