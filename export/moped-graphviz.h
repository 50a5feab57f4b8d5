/* moped-graphviz.h: the one place that calls graphviz; it hands back plain geometry.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Graphviz 2.42 must keep one context per process (a second gvContext() after
 * gvFreeContext() reads freed memory) and is not thread-safe, so this module owns a
 * single context, never freed, used from the first thread that calls it. The editor
 * never calls moped_graphviz_run() itself: it runs in a child process (see
 * moped-layout-runner.h), so a graphviz crash or hang cannot take the editor down.
 *
 * Geometry is in points (1/72 inch, which Moped's canvas takes as one pixel at 100%),
 * with the origin at the top left and y pointing down: the flip from graphviz's y-up
 * happens here, once.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  MOPED_LAYOUT_ENGINE_DOT,    /* layered, the default */
  MOPED_LAYOUT_ENGINE_NEATO,  /* spring model; honours pinned positions */
  MOPED_LAYOUT_ENGINE_FDP,    /* force-directed; honours pinned positions */
  MOPED_LAYOUT_ENGINE_CIRCO,  /* circular */
  MOPED_LAYOUT_ENGINE_CANVAS, /* no layout: the positions the design has (graphviz nop2) */
  MOPED_N_LAYOUT_ENGINES
} MopedLayoutEngine;

typedef enum
{
  MOPED_LAYOUT_LEFT_RIGHT,
  MOPED_LAYOUT_TOP_BOTTOM,
  MOPED_N_LAYOUT_DIRECTIONS
} MopedLayoutDirection;

/* What moped_graphviz_run() writes. */
typedef enum
{
  MOPED_GRAPHVIZ_OUTPUT_POSITIONS, /* node boxes (text, see moped_graphviz_geometry_parse) */
  MOPED_GRAPHVIZ_OUTPUT_DRAWING,   /* node boxes and the drawing operations */
  MOPED_GRAPHVIZ_OUTPUT_SVG,       /* graphviz's own SVG */
  MOPED_N_GRAPHVIZ_OUTPUTS
} MopedGraphvizOutput;

const char *moped_layout_engine_get_name      (MopedLayoutEngine     engine);   /* "dot" */
gboolean    moped_layout_engine_from_name     (const char           *name,
                                               MopedLayoutEngine    *engine);
const char *moped_layout_direction_get_name   (MopedLayoutDirection  direction); /* "LR" */
gboolean    moped_layout_direction_from_name  (const char           *name,
                                               MopedLayoutDirection *direction);
const char *moped_graphviz_output_get_name    (MopedGraphvizOutput   output);    /* "svg" */
gboolean    moped_graphviz_output_from_name   (const char           *name,
                                               MopedGraphvizOutput  *output);

/* Lay out @dot (DOT text) with @engine and return @output. Errors are
 * MOPED_RENDER_ERROR_LAYOUT with graphviz's own messages. In-process: call it only
 * where a crash is acceptable (the `moped __layout` child, tests, benchmarks). */
GBytes     *moped_graphviz_run                (const char           *dot,
                                               gsize                 length,
                                               MopedLayoutEngine     engine,
                                               MopedGraphvizOutput   output,
                                               GError              **error);

/* ---- plain geometry ------------------------------------------------------- */

typedef struct
{
  char   *name;    /* the graphviz node name: a design element's id */
  double  x, y;    /* top left */
  double  width, height;
} MopedGraphvizNode;

typedef enum
{
  MOPED_GRAPHVIZ_OP_POLYGON,   /* closed; points */
  MOPED_GRAPHVIZ_OP_POLYLINE,  /* open; points */
  MOPED_GRAPHVIZ_OP_BEZIER,    /* open cubic B-spline: p0, then 3 points per segment */
  MOPED_GRAPHVIZ_OP_ELLIPSE,   /* points[0..1] centre, points[2..3] radii */
  MOPED_GRAPHVIZ_OP_TEXT,      /* points[0..1] the anchor on the baseline */
} MopedGraphvizOpKind;

typedef enum
{
  MOPED_GRAPHVIZ_LINE_SOLID,
  MOPED_GRAPHVIZ_LINE_DASHED,
  MOPED_GRAPHVIZ_LINE_DOTTED,
} MopedGraphvizLineStyle;

/* Font flags, with graphviz's values (HTML_BF, HTML_IF, HTML_UL). */
typedef enum
{
  MOPED_GRAPHVIZ_FONT_BOLD      = 1 << 0,
  MOPED_GRAPHVIZ_FONT_ITALIC    = 1 << 1,
  MOPED_GRAPHVIZ_FONT_UNDERLINE = 1 << 2,
} MopedGraphvizFontFlags;

typedef struct
{
  MopedGraphvizOpKind     kind;
  gboolean                filled;      /* shapes: fill with @fill, then stroke */
  double                  stroke[4];   /* RGBA 0..1; text uses it as its colour */
  double                  fill[4];
  double                  line_width;
  MopedGraphvizLineStyle  line_style;
  double                 *points;      /* x, y pairs */
  guint                   n_points;
  /* MOPED_GRAPHVIZ_OP_TEXT */
  char                   *text;
  char                   *font;
  double                  font_size;   /* points */
  guint                   font_flags;  /* MopedGraphvizFontFlags */
  int                     align;       /* -1 left of the anchor's x, 0 centred, 1 right */
  double                  text_width;  /* graphviz's measure, for fitting */
} MopedGraphvizOp;

typedef struct
{
  double     width, height;  /* the bounding box, from (0, 0) */
  GArray    *nodes;          /* MopedGraphvizNode, in the graph's order */
  GPtrArray *ops;            /* MopedGraphvizOp *, in painting order (DRAWING only) */
} MopedGraphvizGeometry;

/* Read what moped_graphviz_run() wrote for POSITIONS or DRAWING. */
MopedGraphvizGeometry   *moped_graphviz_geometry_parse  (const char                  *text,
                                                         gsize                        length,
                                                         GError                     **error);
void                     moped_graphviz_geometry_free   (MopedGraphvizGeometry       *self);
const MopedGraphvizNode *moped_graphviz_geometry_lookup (const MopedGraphvizGeometry *self,
                                                         const char                  *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedGraphvizGeometry, moped_graphviz_geometry_free)

G_END_DECLS
