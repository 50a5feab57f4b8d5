/* moped-canvas.h: the whiteboard: a custom widget that draws and edits a design's nodes, sockets, links and notes.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every change the canvas makes goes through the design's edit API; it redraws from
 * the design's "changed" signal, so undo, the inspector and the command line all
 * agree with what is drawn.
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-canvas-geometry.h"
#include "moped-design.h"

G_BEGIN_DECLS

#define MOPED_TYPE_CANVAS (moped_canvas_get_type ())
G_DECLARE_FINAL_TYPE (MopedCanvas, moped_canvas, MOPED, CANVAS, GtkWidget)

GtkWidget    *moped_canvas_new              (void);
void          moped_canvas_set_design       (MopedCanvas  *self,
                                             MopedDesign  *design);
MopedDesign  *moped_canvas_get_design       (MopedCanvas  *self);

/* Selection: ids of the selected elements, in selection order ("selection-changed"). */
GStrv         moped_canvas_dup_selection    (MopedCanvas  *self);
void          moped_canvas_select           (MopedCanvas  *self,
                                             const char   *id,
                                             gboolean      extend);
void          moped_canvas_clear_selection  (MopedCanvas  *self);
/* Select @id and scroll so it is visible. */
void          moped_canvas_reveal           (MopedCanvas  *self,
                                             const char   *id);

/* Linking from the keyboard or a screen reader: the sockets the one selected socket
 * can be linked to (borrowed elements, sorted by name; empty unless exactly one
 * socket is selected), the same as a menu whose items activate @action_name with the
 * target's id, and the link itself (FALSE when it cannot be made). */
GPtrArray    *moped_canvas_dup_link_targets (MopedCanvas  *self);
GMenuModel   *moped_canvas_dup_link_menu    (MopedCanvas  *self,
                                             const char   *action_name);
gboolean      moped_canvas_link_selection_to (MopedCanvas *self,
                                             const char   *target_id);

/* Badges for diagnostics (a GPtrArray of MopedDiagnostic; the canvas keeps a ref). */
void          moped_canvas_set_diagnostics  (MopedCanvas  *self,
                                             GPtrArray    *diagnostics);

double        moped_canvas_get_zoom         (MopedCanvas  *self);
void          moped_canvas_set_zoom         (MopedCanvas  *self,
                                             double        zoom);
void          moped_canvas_zoom_to_fit      (MopedCanvas  *self);

/* Grid and snapping ("show-grid", "snap-to-grid" properties; actions canvas.grid and
 * canvas.snap toggle them). */
gboolean      moped_canvas_get_snap_to_grid (MopedCanvas  *self);
void          moped_canvas_set_snap_to_grid (MopedCanvas  *self,
                                             gboolean      snap);
gboolean      moped_canvas_get_show_grid    (MopedCanvas  *self);
void          moped_canvas_set_show_grid    (MopedCanvas  *self,
                                             gboolean      show);

/* The view: design units (pixels at 100%) to widget coordinates and back. */
void          moped_canvas_design_to_widget (MopedCanvas  *self,
                                             double        x,
                                             double        y,
                                             double       *widget_x,
                                             double       *widget_y);
void          moped_canvas_widget_to_design (MopedCanvas  *self,
                                             double        widget_x,
                                             double        widget_y,
                                             double       *x,
                                             double       *y);
/* Where everything is drawn (NULL without a design); kept up to date by the canvas. */
MopedCanvasGeometry *moped_canvas_get_geometry (MopedCanvas *self);

/* Actions installed on the widget class (prefix "canvas."): add-node, add-note,
 * add-socket, delete, duplicate, select-all, copy, cut, paste, zoom-in, zoom-out,
 * zoom-fit, zoom-reset, snap (stateful), move-left/right/up/down.
 * Also: add-socket-type (s: a socket type name, "REQ"), grid (stateful), nudge ((dd):
 * steps right and down), undo, redo, cancel (ends a drag, else clears the selection),
 * select-left/right/up/down (the nearest element that way), link-menu (Alt+L), link-to
 * (s: the target socket's id). */

/* Someone else in a shared design: their colour, what they selected and where their
 * pointer is (design units). */
typedef struct
{
  char    *name;
  GdkRGBA  colour;
  GStrv    selection;   /* element ids, may be NULL */
  gboolean has_pointer;
  double   x, y;
} MopedCanvasPresence;

void          moped_canvas_presence_free    (MopedCanvasPresence *presence);
/* Paint @people (of MopedCanvasPresence; the canvas keeps a reference) over the
 * design; NULL: nobody. */
void          moped_canvas_set_presence     (MopedCanvas  *self,
                                             GPtrArray    *people);

/* Whether the canvas draws with its dark palette (it follows the window's style). */
gboolean      moped_canvas_get_dark         (MopedCanvas  *self);

G_END_DECLS
