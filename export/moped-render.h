/* moped-render.h: diagrams of a design: the architecture through graphviz, flows as sequence diagrams.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Pure functions of the design: the same design gives the same bytes (no timestamps,
 * deterministic order), so exported diagrams are stable under version control.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "moped-design.h"
#include "moped-diagnostic.h"
#include "moped-graphviz.h"

G_BEGIN_DECLS

typedef enum
{
  MOPED_RENDER_DOT,
  MOPED_RENDER_SVG,
  MOPED_RENDER_PNG,
  MOPED_RENDER_PDF,
} MopedRenderFormat;

#define MOPED_RENDER_ERROR (moped_render_error_quark ())

typedef enum
{
  MOPED_RENDER_ERROR_FORMAT,    /* unknown or unsupported format for this diagram */
  MOPED_RENDER_ERROR_NOT_FOUND, /* no such flow */
  MOPED_RENDER_ERROR_LAYOUT,    /* graphviz failed, crashed or timed out */
  MOPED_RENDER_ERROR_IO,
} MopedRenderError;

GQuark    moped_render_error_quark          (void);

/* "x.svg" -> MOPED_RENDER_SVG; FALSE for an unknown extension. */
gboolean  moped_render_format_from_path     (const char        *path,
                                             MopedRenderFormat *format);
const char *moped_render_format_get_extension (MopedRenderFormat format);

/* The architecture: nodes with their sockets as ports, links labelled with protocol
 * and endpoint. @scale applies to PNG (1.0 = 96 dpi). */
GBytes   *moped_render_architecture         (MopedDesign       *design,
                                             MopedRenderFormat  format,
                                             double             scale,
                                             GError           **error);
/* One flow as a sequence diagram (SVG, PNG or PDF; long flows span PDF pages). */
GBytes   *moped_render_flow                 (MopedDesign       *design,
                                             MopedElement      *flow,
                                             MopedRenderFormat  format,
                                             double             scale,
                                             GError           **error);

/* ---- beyond the defaults ------------------------------------------------------ */

typedef struct
{
  MopedLayoutEngine    engine;     /* MOPED_LAYOUT_ENGINE_DOT; CANVAS keeps the design's positions */
  MopedLayoutDirection direction;  /* MOPED_LAYOUT_LEFT_RIGHT */
  double               scale;      /* PNG: 1.0 = 96 dpi */
  guint                timeout_ms; /* for graphviz; 0 = MOPED_LAYOUT_RUNNER_DEFAULT_TIMEOUT_MS */
} MopedRenderOptions;

void      moped_render_options_init         (MopedRenderOptions       *options);
/* Graphviz runs in a child process (moped-layout-runner.h): a crash, a failure or a
 * time-out is a MOPED_RENDER_ERROR_LAYOUT error. */
GBytes   *moped_render_architecture_with_options (MopedDesign              *design,
                                             MopedRenderFormat         format,
                                             const MopedRenderOptions *options,
                                             GError                  **error);

/* The laid-out architecture as drawing operations, for painting it anywhere (print,
 * previews); the same picture the PNG and PDF show. */
MopedGraphvizGeometry *moped_render_architecture_geometry (MopedDesign              *design,
                                             const MopedRenderOptions *options,
                                             GCancellable             *cancellable,
                                             GError                  **error);
void      moped_render_architecture_geometry_async (MopedDesign           *design,
                                             const MopedRenderOptions *options,
                                             GCancellable             *cancellable,
                                             GAsyncReadyCallback       callback,
                                             gpointer                  user_data);
MopedGraphvizGeometry *moped_render_architecture_geometry_finish (GAsyncResult *result,
                                             GError                  **error);
/* Paint @geometry at its natural size (points) with its top left at the origin. */
void      moped_render_draw_geometry        (cairo_t                  *cr,
                                             const MopedGraphvizGeometry *geometry);

/* The architecture and every flow into @directory (made if missing) as
 * architecture.EXT and flow-ID.EXT (ids cut to a bounded length, so every name is
 * safe), all or nothing through a staging folder (moped-staging.h): a failure leaves
 * what was in @directory exactly as it was. Returns the names written, in order. */
GPtrArray *moped_render_all                 (MopedDesign              *design,
                                             const char               *directory,
                                             MopedRenderFormat         format,
                                             const MopedRenderOptions *options,
                                             GCancellable             *cancellable,
                                             GError                  **error);
/* The same file name moped_render_all gives @flow (NULL: the architecture). */
char      *moped_render_file_name           (MopedElement             *flow,
                                             MopedRenderFormat         format);

/* The flow whose id or name is @name, or NULL (with an error that lists the flows). */
MopedElement *moped_render_find_flow        (MopedDesign              *design,
                                             const char               *name,
                                             GError                  **error);

/* Colours of diagnostics, the canvas's: "#rrggbb" for lines and text... */
const char *moped_render_severity_color     (MopedSeverity             severity);
/* ...and a light tint of it for fills. */
const char *moped_render_severity_tint      (MopedSeverity             severity);

G_END_DECLS
