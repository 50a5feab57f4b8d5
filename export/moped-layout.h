/* moped-layout.h: "Arrange": new positions for a design's nodes, from graphviz, as one undoable edit.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Graphviz lays out every node as a box of its canvas size with its sockets as ports
 * (moped_dot_layout()), in a child process (moped-layout-runner.h). Then:
 * - pinned nodes keep their positions: neato and fdp are given them as fixed; for dot
 *   and circo the layout is moved so that the pinned nodes stay on average where they
 *   are, they are put back exactly, and any other node they would overlap moves aside;
 * - notes stay where they are and nodes move aside from them in the same way;
 * - without pinned nodes the arrangement starts where the design's nodes started
 *   (their top left corner, at least a margin from the origin);
 * - positions are whole pixels, and graphviz is deterministic, so arranging again
 *   without changes moves nothing (and adds no undo step).
 */
#pragma once

#include <gio/gio.h>

#include "moped-design.h"
#include "moped-graphviz.h"

G_BEGIN_DECLS

/* Where Arrange puts an arrangement that has no pinned node to follow. */
#define MOPED_LAYOUT_MARGIN 40.0

typedef struct
{
  char   *id;     /* a node's id */
  double  x, y;   /* its new top left, design units */
} MopedLayoutPosition;

/* An array of MopedLayoutPosition (ids freed with it), nodes in document order. */
typedef GArray MopedLayoutPositions;


/* Move the nodes to @positions in one transaction (one undo step, "Arrange"); ids
 * no longer in the design are skipped. Returns whether anything moved. */
gboolean  moped_layout_apply          (MopedDesign            *design,
                                       MopedLayoutPositions   *positions);

/* Lay out in a child process; the result is the positions (not applied: the caller
 * applies them, or drops them when the user changed their mind). */
void      moped_layout_arrange_async  (MopedDesign            *design,
                                       MopedLayoutEngine       engine,
                                       MopedLayoutDirection    direction,
                                       guint                   timeout_ms,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data);
MopedLayoutPositions *moped_layout_arrange_finish (MopedDesign     *design,
                                                   GAsyncResult    *result,
                                                   GError         **error);

/* Lay out, wait, and apply. FALSE with @error when graphviz failed (the design is
 * then untouched); @moved (may be NULL) says whether anything moved. */
gboolean  moped_layout_arrange        (MopedDesign            *design,
                                       MopedLayoutEngine       engine,
                                       MopedLayoutDirection    direction,
                                       guint                   timeout_ms,
                                       gboolean               *moved,
                                       GError                **error);

G_END_DECLS
