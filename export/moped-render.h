/* moped-render.h: diagrams of a design: the architecture through graphviz, flows as sequence diagrams.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Pure functions of the design: the same design gives the same bytes (no timestamps,
 * deterministic order), so exported diagrams are stable under version control.
 */
#pragma once

#include <gio/gio.h>

#include "moped-design.h"

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

G_END_DECLS
