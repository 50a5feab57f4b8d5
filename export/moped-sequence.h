/* moped-sequence.h: a protocol flow drawn as a sequence diagram with cairo and pango.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One lifeline per node taking part (in the order they first appear), one arrow per
 * step labelled with its command, and frames around runs of repeating ("loop") and
 * optional ("opt") steps. Sizes are in points, y down. Text is measured without
 * hinting, so the same flow has the same geometry on screen, in a PNG, an SVG or a
 * PDF. A long flow splits into pages between steps; each page repeats the lifeline
 * heads.
 */
#pragma once

#include <cairo.h>

#include "moped-design.h"

G_BEGIN_DECLS

typedef struct _MopedSequenceDiagram MopedSequenceDiagram;

/* Measures @flow; copies what it needs, so the design may change afterwards. */
MopedSequenceDiagram *moped_sequence_diagram_new            (MopedDesign         *design,
                                              MopedElement        *flow);
void           moped_sequence_diagram_free           (MopedSequenceDiagram       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedSequenceDiagram, moped_sequence_diagram_free)

/* The whole diagram on one page. */
void           moped_sequence_diagram_get_size       (const MopedSequenceDiagram *self,
                                              double              *width,
                                              double              *height);
void           moped_sequence_diagram_draw           (const MopedSequenceDiagram *self,
                                              cairo_t             *cr);

/* Split into pages at most @max_height points tall (at natural size); a page holds at
 * least one step, so a page may be taller when @max_height is tiny. Returns the
 * number of pages (at least 1) and keeps the split for the calls below. */
guint          moped_sequence_diagram_paginate       (MopedSequenceDiagram       *self,
                                              double               max_height);
void           moped_sequence_diagram_get_page_size  (const MopedSequenceDiagram *self,
                                              guint                page,
                                              double              *width,
                                              double              *height);
void           moped_sequence_diagram_draw_page      (const MopedSequenceDiagram *self,
                                              cairo_t             *cr,
                                              guint                page);

/* For previews (the protocol editor): the natural size of @flow's diagram, and the
 * diagram drawn onto @cr scaled to fit @width x @height, centred. */
void           moped_sequence_diagram_get_natural_size (MopedDesign       *design,
                                                MopedElement      *flow,
                                                double            *width,
                                                double            *height);
void           moped_sequence_diagram_draw_flow      (MopedDesign         *design,
                                              MopedElement        *flow,
                                              cairo_t             *cr,
                                              double               width,
                                              double               height);

G_END_DECLS
