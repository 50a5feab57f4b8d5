/* moped-dot.h: a design's architecture as graphviz DOT text.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Deterministic: the same design gives the same bytes (document order, no dates).
 * Nodes are HTML-like tables whose cells are the sockets, as graphviz ports, so a
 * line leaves from its socket. There are no clusters, so labels on links never hit
 * the crash Debian 12's dot (2.43) has with edge labels in clustered graphs. Up to
 * 150 links carry real labels, which dot places best; larger designs get xlabels,
 * which graphviz places after the layout at next to no cost (real labels make dot
 * six times slower at 400 nodes).
 */
#pragma once

#include "moped-design.h"
#include "moped-graphviz.h"

G_BEGIN_DECLS

typedef struct
{
  MopedLayoutEngine     engine;
  MopedLayoutDirection  direction;
  /* MopedDiagnostic array for the colours; NULL validates the design. */
  GPtrArray            *diagnostics;
} MopedDotOptions;

/* The readable DOT of the architecture: nodes with name, role, instances and
 * sockets (name, type, bind or connect), links labelled with protocol and endpoint,
 * notes, and the diagnostics' colours on the elements they concern. */
char *moped_dot_architecture (MopedDesign           *design,
                              const MopedDotOptions *options);

/* The graph "Arrange" hands to graphviz: each node a box of its canvas size with
 * its sockets as ports, no text. With neato and fdp, pinned nodes and notes are
 * pinned at their positions; the other engines ignore positions (see moped-layout.h). */
char *moped_dot_layout       (MopedDesign           *design,
                              MopedLayoutEngine      engine,
                              MopedLayoutDirection   direction);

G_END_DECLS
