/* moped-canvas-align.c: lining up and spacing out the selected boxes, each one undo step.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Align moves the selected nodes and notes to a common edge or centre line, taken from
 * the selection itself (the leftmost left edge, the topmost top...). Distribute keeps the
 * outermost two where they are and leaves equal gaps between the boxes in between.
 * Restack brings the selected notes to the front of the other notes or sends them to
 * the back (notes are drawn in the design's order, under the nodes).
 */
#define G_LOG_DOMAIN "moped-canvas"

#include <math.h>

#include "moped-canvas-private.h"

typedef struct
{
  MopedElement *element;
  double        x, y, width, height;
} Box;

static GArray *
selected_boxes (MopedCanvas *self)
{
  g_autoptr(GPtrArray) movable = _moped_canvas_movable_selection (self);
  GArray *boxes = g_array_new (FALSE, FALSE, sizeof (Box));

  for (guint i = 0; i < movable->len; i++)
    {
      MopedElement *element = g_ptr_array_index (movable, i);
      Box box = {
        element,
        moped_element_get_double (element, MOPED_PROP_X), moped_element_get_double (element, MOPED_PROP_Y),
        moped_element_get_double (element, MOPED_PROP_WIDTH), moped_element_get_double (element, MOPED_PROP_HEIGHT),
      };

      g_array_append_val (boxes, box);
    }
  return boxes;
}

static void
place (MopedCanvas *self,
       const Box   *box,
       double       x,
       double       y)
{
  if (x != box->x)
    moped_design_set_double (self->design, box->element, MOPED_PROP_X, x);
  if (y != box->y)
    moped_design_set_double (self->design, box->element, MOPED_PROP_Y, y);
}

gboolean
_moped_canvas_align (MopedCanvas     *self,
                     MopedCanvasAlign how)
{
  g_autoptr(GArray) boxes = selected_boxes (self);
  double target = 0;

  if (self->design == NULL || boxes->len < 2)
    return FALSE;
  for (guint i = 0; i < boxes->len; i++)
    {
      const Box *b = &g_array_index (boxes, Box, i);
      double value = how == MOPED_CANVAS_ALIGN_LEFT ? b->x
                     : how == MOPED_CANVAS_ALIGN_RIGHT ? b->x + b->width
                     : how == MOPED_CANVAS_ALIGN_TOP ? b->y
                     : how == MOPED_CANVAS_ALIGN_BOTTOM ? b->y + b->height
                     : how == MOPED_CANVAS_ALIGN_CENTER_X ? b->x + b->width / 2
                     : b->y + b->height / 2;

      if (i == 0)
        target = value;
      else if (how == MOPED_CANVAS_ALIGN_LEFT || how == MOPED_CANVAS_ALIGN_TOP)
        target = MIN (target, value);
      else if (how == MOPED_CANVAS_ALIGN_RIGHT || how == MOPED_CANVAS_ALIGN_BOTTOM)
        target = MAX (target, value);
      else
        target += value;  /* centres: the mean, below */
    }
  if (how == MOPED_CANVAS_ALIGN_CENTER_X || how == MOPED_CANVAS_ALIGN_CENTER_Y)
    target /= boxes->len;

  moped_design_begin (self->design, "Align");
  for (guint i = 0; i < boxes->len; i++)
    {
      const Box *b = &g_array_index (boxes, Box, i);

      switch (how)
        {
        case MOPED_CANVAS_ALIGN_LEFT:     place (self, b, target, b->y); break;
        case MOPED_CANVAS_ALIGN_RIGHT:    place (self, b, target - b->width, b->y); break;
        case MOPED_CANVAS_ALIGN_TOP:      place (self, b, b->x, target); break;
        case MOPED_CANVAS_ALIGN_BOTTOM:   place (self, b, b->x, target - b->height); break;
        case MOPED_CANVAS_ALIGN_CENTER_X: place (self, b, round (target - b->width / 2), b->y); break;
        case MOPED_CANVAS_ALIGN_CENTER_Y: place (self, b, b->x, round (target - b->height / 2)); break;
        default: g_assert_not_reached ();
        }
    }
  moped_design_end (self->design);
  return TRUE;
}

static int
by_x (gconstpointer a,
      gconstpointer b)
{
  const Box *p = a, *q = b;

  return p->x < q->x ? -1 : p->x > q->x;
}

static int
by_y (gconstpointer a,
      gconstpointer b)
{
  const Box *p = a, *q = b;

  return p->y < q->y ? -1 : p->y > q->y;
}

gboolean
_moped_canvas_distribute (MopedCanvas *self,
                          gboolean     horizontally)
{
  g_autoptr(GArray) boxes = selected_boxes (self);
  double start, end, sizes = 0, gap, at;

  if (self->design == NULL || boxes->len < 3)
    return FALSE;
  g_array_sort (boxes, horizontally ? by_x : by_y);
  for (guint i = 0; i < boxes->len; i++)
    sizes += horizontally ? g_array_index (boxes, Box, i).width : g_array_index (boxes, Box, i).height;
  start = horizontally ? g_array_index (boxes, Box, 0).x : g_array_index (boxes, Box, 0).y;
  {
    const Box *last = &g_array_index (boxes, Box, boxes->len - 1);

    end = horizontally ? last->x + last->width : last->y + last->height;
  }
  gap = (end - start - sizes) / (boxes->len - 1);

  moped_design_begin (self->design, "Distribute");
  at = start;
  for (guint i = 0; i < boxes->len; i++)
    {
      const Box *b = &g_array_index (boxes, Box, i);

      if (horizontally)
        place (self, b, round (at), b->y);
      else
        place (self, b, b->x, round (at));
      at += (horizontally ? b->width : b->height) + gap;
    }
  moped_design_end (self->design);
  return TRUE;
}

gboolean
_moped_canvas_restack (MopedCanvas *self,
                       gboolean     to_front)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new ();
  g_autoptr(GPtrArray) all = NULL;
  guint n;

  if (self->design == NULL)
    return FALSE;
  /* In the design's order, so the selected notes keep their order among themselves. */
  all = moped_design_collect (self->design, MOPED_KIND_NOTE);
  for (guint i = 0; i < all->len; i++)
    if (_moped_canvas_is_selected (self, g_ptr_array_index (all, i)))
      g_ptr_array_add (notes, g_ptr_array_index (all, i));
  n = all->len;
  if (notes->len == 0)
    return FALSE;
  moped_design_begin (self->design, to_front ? "Bring to Front" : "Send to Back");
  for (guint i = 0; i < notes->len; i++)
    {
      /* To the front: each to the end in turn; to the back: the i-th to place i. */
      MopedElement *note = g_ptr_array_index (notes, i);

      moped_design_move (self->design, note, to_front ? n - 1 : i);
    }
  moped_design_end (self->design);
  return TRUE;
}
