/* moped-layout.c: turning graphviz's layout into node positions that respect pins and notes.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include "config.h"

#include <math.h>
#include <string.h>

#include "moped-dot.h"
#include "moped-layout-runner.h"
#include "moped-layout.h"

/* Room kept between a moved node and a pinned node or note: ports and badges stick
 * out of a box by up to 14 units on the canvas. */
#define CLEARANCE 20.0

typedef struct
{
  MopedElement *element;
  double        x, y, width, height;
  gboolean      fixed;   /* pinned node or note: never moves */
} Box;

static Box
box_of (MopedElement *element)
{
  Box box = {
    element,
    moped_element_get_double (element, MOPED_PROP_X),
    moped_element_get_double (element, MOPED_PROP_Y),
    moped_element_get_double (element, MOPED_PROP_WIDTH),
    moped_element_get_double (element, MOPED_PROP_HEIGHT),
    FALSE,
  };

  return box;
}

static gboolean
boxes_meet (const Box *a,
            const Box *b,
            double     clearance)
{
  return a->x < b->x + b->width + clearance && b->x < a->x + a->width + clearance &&
         a->y < b->y + b->height + clearance && b->y < a->y + a->height + clearance;
}

/* Move the free boxes aside (down in a left-to-right layout, right in a top-to-bottom
 * one) until none meets a fixed box or a free box settled before it. Boxes only
 * ever move forward, past one obstacle at a time, so this ends. */
static void
move_aside (GArray               *boxes,
            MopedLayoutDirection  direction)
{
  g_autoptr(GPtrArray) settled = g_ptr_array_new ();

  for (guint i = 0; i < boxes->len; i++)
    {
      Box *box = &g_array_index (boxes, Box, i);

      if (box->fixed)
        g_ptr_array_add (settled, box);
    }
  if (settled->len == 0)
    return;
  for (guint i = 0; i < boxes->len; i++)
    {
      Box *box = &g_array_index (boxes, Box, i);
      gboolean moved = TRUE;

      if (box->fixed)
        continue;
      while (moved)
        {
          moved = FALSE;
          for (guint j = 0; j < settled->len; j++)
            {
              const Box *other = g_ptr_array_index (settled, j);
              double clearance = other->fixed ? CLEARANCE : 0;

              if (!boxes_meet (box, other, clearance))
                continue;
              if (direction == MOPED_LAYOUT_LEFT_RIGHT)
                box->y = ceil (other->y + other->height + clearance);
              else
                box->x = ceil (other->x + other->width + clearance);
              moved = TRUE;
            }
        }
      g_ptr_array_add (settled, box);
    }
}

static void
position_clear (gpointer data)
{
  MopedLayoutPosition *position = data;

  g_free (position->id);
}

/* Where graphviz put each node: its centre kept, its own canvas size around it. */
static GArray *
laid_out_boxes (MopedDesign                 *design,
                const MopedGraphvizGeometry *geometry)
{
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  g_autoptr(GHashTable) placed = g_hash_table_new (g_str_hash, g_str_equal);
  GArray *boxes = g_array_sized_new (FALSE, TRUE, sizeof (Box), nodes->len);

  for (guint i = 0; i < geometry->nodes->len; i++)
    {
      const MopedGraphvizNode *node = &g_array_index (geometry->nodes, MopedGraphvizNode, i);

      g_hash_table_insert (placed, node->name, (gpointer) node);
    }
  for (guint i = 0; i < nodes->len; i++)
    {
      MopedElement *element = g_ptr_array_index (nodes, i);
      const MopedGraphvizNode *node = g_hash_table_lookup (placed, moped_element_get_id (element));
      Box box = box_of (element);

      if (node == NULL)
        continue;
      /* Pinned nodes too, for now: their shift from here finds the offset. */
      box.fixed = moped_element_get_bool (element, MOPED_PROP_PINNED);
      box.x = node->x + node->width / 2 - box.width / 2;
      box.y = node->y + node->height / 2 - box.height / 2;
      g_array_append_val (boxes, box);
    }
  return boxes;
}

/* The shift that puts graphviz's arrangement where the design's nodes are. */
static void
find_offset (GArray *boxes,
             double *dx,
             double *dy)
{
  double sum_x = 0, sum_y = 0, min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE;
  double old_x = G_MAXDOUBLE, old_y = G_MAXDOUBLE;
  guint n_fixed = 0;

  for (guint i = 0; i < boxes->len; i++)
    {
      const Box *box = &g_array_index (boxes, Box, i);
      Box old = box_of (box->element);

      if (box->fixed)
        {
          sum_x += old.x - box->x;
          sum_y += old.y - box->y;
          n_fixed++;
        }
      min_x = MIN (min_x, box->x);
      min_y = MIN (min_y, box->y);
      old_x = MIN (old_x, old.x);
      old_y = MIN (old_y, old.y);
    }
  if (n_fixed > 0)
    {
      *dx = round (sum_x / n_fixed);
      *dy = round (sum_y / n_fixed);
    }
  else if (boxes->len > 0)
    {
      *dx = MAX (old_x, MOPED_LAYOUT_MARGIN) - min_x;
      *dy = MAX (old_y, MOPED_LAYOUT_MARGIN) - min_y;
    }
  else
    *dx = *dy = 0;
}

static MopedLayoutPositions *
compute (MopedDesign                 *design,
         const MopedGraphvizGeometry *geometry,
         MopedLayoutDirection         direction)
{
  g_autoptr(GArray) boxes = laid_out_boxes (design, geometry);
  g_autoptr(GPtrArray) notes = moped_design_collect (design, MOPED_KIND_NOTE);
  MopedLayoutPositions *positions = g_array_sized_new (FALSE, TRUE, sizeof (MopedLayoutPosition), boxes->len);
  guint n_nodes = boxes->len;
  double dx, dy;

  g_array_set_clear_func (positions, position_clear);
  find_offset (boxes, &dx, &dy);
  for (guint i = 0; i < boxes->len; i++)
    {
      Box *box = &g_array_index (boxes, Box, i);

      if (box->fixed)
        {
          *box = box_of (box->element);
          box->fixed = TRUE;
        }
      else
        {
          box->x = round (box->x + dx);
          box->y = round (box->y + dy);
        }
    }
  for (guint i = 0; i < notes->len; i++)
    {
      Box note = box_of (g_ptr_array_index (notes, i));

      note.fixed = TRUE;
      g_array_append_val (boxes, note);
    }
  move_aside (boxes, direction);
  for (guint i = 0; i < n_nodes; i++)
    {
      const Box *box = &g_array_index (boxes, Box, i);
      MopedLayoutPosition position = {
        g_strdup (moped_element_get_id (box->element)), box->x, box->y
      };

      g_array_append_val (positions, position);
    }
  return positions;
}

gboolean
moped_layout_apply (MopedDesign          *design,
                    MopedLayoutPositions *positions)
{
  gboolean moved = FALSE;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), FALSE);
  g_return_val_if_fail (positions != NULL, FALSE);

  moped_design_begin (design, "Arrange");
  for (guint i = 0; i < positions->len; i++)
    {
      const MopedLayoutPosition *position = &g_array_index (positions, MopedLayoutPosition, i);
      MopedElement *node = moped_design_lookup (design, position->id);

      if (node == NULL || moped_element_get_kind (node) != MOPED_KIND_NODE)
        continue;
      if (moped_element_get_double (node, MOPED_PROP_X) != position->x ||
          moped_element_get_double (node, MOPED_PROP_Y) != position->y)
        moved = TRUE;
      moped_design_set_double (design, node, MOPED_PROP_X, position->x);
      moped_design_set_double (design, node, MOPED_PROP_Y, position->y);
    }
  moped_design_end (design);
  return moved;
}

/* ---- running it ------------------------------------------------------------- */

typedef struct
{
  MopedDesign          *design;
  MopedLayoutDirection  direction;
} Arrange;

static void
arrange_free (gpointer data)
{
  Arrange *arrange = data;

  g_object_unref (arrange->design);
  g_free (arrange);
}

static MopedLayoutPositions *
positions_from_output (MopedDesign           *design,
                       GBytes                *output,
                       MopedLayoutDirection   direction,
                       GError               **error)
{
  g_autoptr(MopedGraphvizGeometry) geometry = NULL;
  gsize length;
  const char *text = g_bytes_get_data (output, &length);

  geometry = moped_graphviz_geometry_parse (text, length, error);
  if (geometry == NULL)
    return NULL;
  return compute (design, geometry, direction);
}

static GBytes *
layout_dot (MopedDesign          *design,
            MopedLayoutEngine     engine,
            MopedLayoutDirection  direction)
{
  char *dot = moped_dot_layout (design, engine, direction);

  return g_bytes_new_take (dot, strlen (dot));
}

static void
on_laid_out (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Arrange *arrange = g_task_get_task_data (task);
  g_autoptr(GBytes) output = NULL;
  GError *error = NULL;
  MopedLayoutPositions *positions;

  output = moped_layout_runner_run_finish (result, &error);
  if (output == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Computed now, against the design as it is when graphviz is done. */
  positions = positions_from_output (arrange->design, output, arrange->direction, &error);
  if (positions == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, positions, (GDestroyNotify) g_array_unref);
}

void
moped_layout_arrange_async (MopedDesign          *design,
                            MopedLayoutEngine     engine,
                            MopedLayoutDirection  direction,
                            guint                 timeout_ms,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) dot = NULL;
  Arrange *arrange;

  g_return_if_fail (MOPED_IS_DESIGN (design));
  g_return_if_fail (engine < MOPED_LAYOUT_ENGINE_CANVAS);
  g_return_if_fail ((guint) direction < MOPED_N_LAYOUT_DIRECTIONS);

  task = g_task_new (design, cancellable, callback, user_data);
  g_task_set_source_tag (task, moped_layout_arrange_async);
  arrange = g_new0 (Arrange, 1);
  arrange->design = g_object_ref (design);
  arrange->direction = direction;
  g_task_set_task_data (task, arrange, arrange_free);

  dot = layout_dot (design, engine, direction);
  moped_layout_runner_run_async (dot, engine, MOPED_GRAPHVIZ_OUTPUT_POSITIONS, timeout_ms, cancellable,
                                 on_laid_out, g_steal_pointer (&task));
}

MopedLayoutPositions *
moped_layout_arrange_finish (MopedDesign   *design,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, design), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == moped_layout_arrange_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
moped_layout_arrange (MopedDesign           *design,
                      MopedLayoutEngine      engine,
                      MopedLayoutDirection   direction,
                      guint                  timeout_ms,
                      gboolean              *moved,
                      GError               **error)
{
  g_autoptr(GBytes) dot = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autoptr(GArray) positions = NULL;
  gboolean any;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), FALSE);
  g_return_val_if_fail (engine < MOPED_LAYOUT_ENGINE_CANVAS, FALSE);

  dot = layout_dot (design, engine, direction);
  output = moped_layout_runner_run (dot, engine, MOPED_GRAPHVIZ_OUTPUT_POSITIONS, timeout_ms, NULL, error);
  if (output == NULL)
    return FALSE;
  positions = positions_from_output (design, output, direction, error);
  if (positions == NULL)
    return FALSE;
  any = moped_layout_apply (design, positions);
  if (moved != NULL)
    *moved = any;
  return TRUE;
}
