/* moped-canvas-presence.c: the other people of a shared design, painted over the canvas.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each person in their colour: a ring around what they have selected and their
 * pointer with their name beside it. Drawn last, over everything, from what the
 * window hands over; nothing here knows how it travelled.
 */
#define G_LOG_DOMAIN "moped-ui"

#include <math.h>

#include "moped-canvas-private.h"

void
moped_canvas_presence_free (MopedCanvasPresence *presence)
{
  if (presence == NULL)
    return;
  g_free (presence->name);
  g_strfreev (presence->selection);
  g_free (presence);
}

void
moped_canvas_set_presence (MopedCanvas *self,
                           GPtrArray   *people)
{
  g_return_if_fail (MOPED_IS_CANVAS (self));

  g_clear_pointer (&self->presence, g_ptr_array_unref);
  if (people != NULL)
    self->presence = g_ptr_array_ref (people);
  _moped_canvas_update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ring (MopedCanvas           *self,
      cairo_t               *cr,
      const MopedCanvasRect *rect,
      double                 grow)
{
  double x0, y0, x1, y1;

  moped_canvas_design_to_widget (self, rect->x, rect->y, &x0, &y0);
  moped_canvas_design_to_widget (self, rect->x + rect->width, rect->y + rect->height, &x1, &y1);
  cairo_rectangle (cr, x0 - grow, y0 - grow, x1 - x0 + 2 * grow, y1 - y0 + 2 * grow);
  cairo_stroke (cr);
}

static void
draw_selection_of (MopedCanvas               *self,
                   cairo_t                   *cr,
                   const MopedCanvasPresence *p,
                   double                     grow)
{
  for (guint i = 0; p->selection != NULL && p->selection[i] != NULL; i++)
    {
      MopedElement *e = moped_design_lookup (self->design, p->selection[i]);
      const MopedCanvasBox *box = e ? moped_canvas_geometry_get_box (self->geometry, e) : NULL;
      const MopedCanvasPort *port = e && box == NULL ? moped_canvas_geometry_get_port (self->geometry, e) : NULL;
      const MopedCanvasLinkCurve *curve = e && box == NULL && port == NULL
        ? moped_canvas_geometry_get_link_curve (self->geometry, e) : NULL;

      if (box != NULL)
        ring (self, cr, &box->rect, grow);
      else if (port != NULL)
        ring (self, cr, &port->chip, grow / 2);
      else if (curve != NULL)
        {
          double x[4], y[4];

          for (int k = 0; k < 4; k++)
            moped_canvas_design_to_widget (self, curve->p[k].x, curve->p[k].y, &x[k], &y[k]);
          cairo_move_to (cr, x[0], y[0]);
          cairo_curve_to (cr, x[1], y[1], x[2], y[2], x[3], y[3]);
          cairo_stroke (cr);
        }
    }
}

static void
draw_pointer_of (MopedCanvas               *self,
                 cairo_t                   *cr,
                 const MopedCanvasPresence *p)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle ink;
  double x, y;

  moped_canvas_design_to_widget (self, p->x, p->y, &x, &y);
  /* An arrow head pointing up-left, as a system pointer does. */
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + 3, y + 15);
  cairo_line_to (cr, x + 7, y + 10);
  cairo_line_to (cr, x + 13, y + 10);
  cairo_close_path (cr);
  gdk_cairo_set_source_rgba (cr, &p->colour);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  layout = pango_cairo_create_layout (cr);
  pango_layout_set_text (layout, p->name ? p->name : "", -1);
  pango_layout_get_pixel_extents (layout, NULL, &ink);
  cairo_rectangle (cr, x + 12, y + 14, ink.width + 8, ink.height + 4);
  gdk_cairo_set_source_rgba (cr, &p->colour);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x + 16, y + 16 - ink.y);
  pango_cairo_show_layout (cr, layout);
}

void
_moped_canvas_draw_presence (MopedCanvas *self,
                             cairo_t     *cr)
{
  if (self->presence == NULL || self->geometry == NULL || self->design == NULL)
    return;
  cairo_save (cr);
  for (guint i = 0; i < self->presence->len; i++)
    {
      const MopedCanvasPresence *p = g_ptr_array_index (self->presence, i);

      gdk_cairo_set_source_rgba (cr, &p->colour);
      cairo_set_line_width (cr, 2);
      /* Two people on one node: rings side by side, not on top of each other. */
      draw_selection_of (self, cr, p, 6 + 3 * i);
      if (p->has_pointer)
        draw_pointer_of (self, cr, p);
    }
  cairo_restore (cr);
}
