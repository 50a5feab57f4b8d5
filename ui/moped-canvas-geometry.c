/* moped-canvas-geometry.c: layout of boxes, ports and links, kept up to date incrementally, and hit-testing.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A socket's port sits on the side of its node that faces the nodes it is linked to,
 * so moving one node can move ports of its neighbours: an update lays out again the
 * nodes a change touches and their linked neighbours, and nothing else.
 */
#define G_LOG_DOMAIN "moped-ui"

#include <math.h>
#include <stdlib.h>

#include "moped-canvas-geometry.h"
#include "moped-endpoint.h"
#include "moped-schema.h"

/* A curve and what its label placement needs. The curve comes first: a LinkCurveItem is
 * handed out as its MopedCanvasLinkCurve. */
typedef struct
{
  MopedCanvasLinkCurve curve;
  MopedCanvasRect hull;   /* the curve's control polygon */
  MopedCanvasRect home;   /* the label at the middle of the curve */
  guint           order;  /* in document order */
} LinkCurveItem;

struct _MopedCanvasGeometry
{
  MopedDesign            *design;
  MopedCanvasMeasureFunc  measure;
  gpointer                measure_data;

  GHashTable             *boxes;      /* node or note -> MopedCanvasBox (owned) */
  GHashTable             *ports;      /* socket -> MopedCanvasPort (owned by its box) */
  GHashTable             *curves;      /* link -> MopedCanvasLinkCurve (owned) */
  GHashTable             *adjacency;  /* socket -> GPtrArray of links */
  GPtrArray              *box_order;  /* drawing order: notes, then nodes */
  GPtrArray              *link_order;
  gboolean                order_dirty;
};

/* ---- rectangles ------------------------------------------------------------ */

gboolean
moped_canvas_rect_contains (const MopedCanvasRect *rect,
                            double                 x,
                            double                 y)
{
  return x >= rect->x && y >= rect->y &&
         x <= rect->x + rect->width && y <= rect->y + rect->height;
}

gboolean
moped_canvas_rect_intersects (const MopedCanvasRect *a,
                              const MopedCanvasRect *b)
{
  return a->x <= b->x + b->width && b->x <= a->x + a->width &&
         a->y <= b->y + b->height && b->y <= a->y + a->height;
}

gboolean
moped_canvas_rect_encloses (const MopedCanvasRect *outer,
                            const MopedCanvasRect *inner)
{
  return inner->x >= outer->x && inner->y >= outer->y &&
         inner->x + inner->width <= outer->x + outer->width &&
         inner->y + inner->height <= outer->y + outer->height;
}

void
moped_canvas_rect_union (MopedCanvasRect       *rect,
                         const MopedCanvasRect *other)
{
  double x1 = MAX (rect->x + rect->width, other->x + other->width);
  double y1 = MAX (rect->y + rect->height, other->y + other->height);

  rect->x = MIN (rect->x, other->x);
  rect->y = MIN (rect->y, other->y);
  rect->width = x1 - rect->x;
  rect->height = y1 - rect->y;
}

static MopedCanvasRect
rect_grow (MopedCanvasRect rect,
           double          by)
{
  return (MopedCanvasRect) { rect.x - by, rect.y - by, rect.width + 2 * by, rect.height + 2 * by };
}

MopedCanvasPoint
moped_canvas_link_curve_point (const MopedCanvasLinkCurve *curve,
                         double                 t)
{
  double u = 1 - t;
  double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;

  return (MopedCanvasPoint) {
    a * curve->p[0].x + b * curve->p[1].x + c * curve->p[2].x + d * curve->p[3].x,
    a * curve->p[0].y + b * curve->p[1].y + c * curve->p[2].y + d * curve->p[3].y,
  };
}

/* ---- measuring ---------------------------------------------------------------- */

static double
measure (MopedCanvasGeometry  *self,
         const char           *text,
         MopedCanvasTextStyle  style)
{
  static const double estimate[] = { 7.0, 6.8, 6.4 };

  if (text == NULL || *text == '\0')
    return 0;
  if (self->measure != NULL)
    return self->measure (text, style, self->measure_data);
  return estimate[style] * g_utf8_strlen (text, -1);
}

/* ---- boxes and ports ------------------------------------------------------ */

static MopedCanvasRect
element_rect (const MopedElement *element)
{
  return (MopedCanvasRect) {
    moped_element_get_double (element, MOPED_PROP_X),
    moped_element_get_double (element, MOPED_PROP_Y),
    MAX (1.0, moped_element_get_double (element, MOPED_PROP_WIDTH)),
    MAX (1.0, moped_element_get_double (element, MOPED_PROP_HEIGHT)),
  };
}

static void
box_free (gpointer data)
{
  MopedCanvasBox *box = data;

  g_clear_pointer (&box->ports, g_ptr_array_unref);
  g_free (box);
}

static MopedElement *
peer_of (MopedElement *link,
         MopedElement *socket)
{
  MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);

  return from == socket ? moped_element_get_ref (link, MOPED_PROP_TO) : from;
}

typedef struct
{
  MopedElement   *socket;
  MopedCanvasSide side;
  double          key;    /* where its peers are along the side: ports follow them */
  guint           index;  /* document order breaks ties */
} PortPlan;

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const PortPlan *pa = a, *pb = b;

  if (pa->key != pb->key)
    return pa->key < pb->key ? -1 : 1;
  return pa->index < pb->index ? -1 : (pa->index > pb->index);
}

static int
compare_plans (gconstpointer a,
               gconstpointer b)
{
  const PortPlan *pa = a, *pb = b;

  if (pa->side != pb->side)
    return pa->side < pb->side ? -1 : 1;
  if (pa->key != pb->key)
    return pa->key < pb->key ? -1 : 1;
  return pa->index < pb->index ? -1 : (pa->index > pb->index);
}

/* A socket faces the average of the nodes it is linked to; an unlinked one the right. */
static void
plan_port (MopedCanvasGeometry   *self,
           const MopedCanvasRect *rect,
           PortPlan              *plan)
{
  GPtrArray *links = g_hash_table_lookup (self->adjacency, plan->socket);
  double sum_x = 0, sum_y = 0;
  guint n = 0;

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      MopedElement *peer = peer_of (g_ptr_array_index (links, i), plan->socket);
      MopedElement *node = peer ? moped_element_get_parent (peer) : NULL;
      MopedCanvasBox *box = node ? g_hash_table_lookup (self->boxes, node) : NULL;

      if (box == NULL || node == moped_element_get_parent (plan->socket))
        continue;
      sum_x += box->rect.x + box->rect.width / 2;
      sum_y += box->rect.y + box->rect.height / 2;
      n++;
    }

  if (n == 0)
    {
      plan->side = MOPED_CANVAS_SIDE_RIGHT;
      plan->key = G_MAXDOUBLE;
      return;
    }
  plan->side = sum_x / n < rect->x + rect->width / 2 ? MOPED_CANVAS_SIDE_LEFT : MOPED_CANVAS_SIDE_RIGHT;
  plan->key = sum_y / n;
}

static void
place_port (MopedCanvasGeometry   *self,
            const MopedCanvasRect *rect,
            MopedCanvasPort       *port,
            double                 y)
{
  MopedSocketType type = moped_element_get_enum (port->socket, MOPED_PROP_TYPE);
  double chip_width = measure (self, moped_socket_type_get_name (type), MOPED_CANVAS_TEXT_CHIP)
                      + 2 * MOPED_CANVAS_CHIP_PADDING;
  double inset = MOPED_CANVAS_PORT_RADIUS + MOPED_CANVAS_CHIP_GAP;

  port->chip.y = port->name.y = y - MOPED_CANVAS_CHIP_HEIGHT / 2;
  port->chip.height = port->name.height = MOPED_CANVAS_CHIP_HEIGHT;
  port->chip.width = chip_width;
  if (port->side == MOPED_CANVAS_SIDE_LEFT)
    {
      port->center = (MopedCanvasPoint) { rect->x, y };
      port->chip.x = rect->x + inset;
      port->name.x = port->chip.x + chip_width + MOPED_CANVAS_CHIP_GAP;
    }
  else
    {
      port->center = (MopedCanvasPoint) { rect->x + rect->width, y };
      port->chip.x = rect->x + rect->width - inset - chip_width;
      port->name.x = port->chip.x - MOPED_CANVAS_CHIP_GAP;  /* right edge until limited */
    }
}

/* A socket name may use the width up to the far side, or up to the middle when a
 * port on the other side shares its row. */
static void
limit_names (const MopedCanvasRect *rect,
             GPtrArray             *ports)
{
  for (guint i = 0; i < ports->len; i++)
    {
      MopedCanvasPort *port = g_ptr_array_index (ports, i);
      gboolean shared = FALSE;
      double limit;

      for (guint j = 0; j < ports->len && !shared; j++)
        {
          MopedCanvasPort *other = g_ptr_array_index (ports, j);

          shared = other->side != port->side &&
                   fabs (other->center.y - port->center.y) < MOPED_CANVAS_CHIP_HEIGHT;
        }
      if (port->side == MOPED_CANVAS_SIDE_LEFT)
        {
          limit = shared ? rect->x + rect->width / 2 - MOPED_CANVAS_CHIP_GAP : rect->x + rect->width - 8;
          port->name.width = MAX (0, limit - port->name.x);
        }
      else
        {
          double right = port->name.x;

          limit = shared ? rect->x + rect->width / 2 + MOPED_CANVAS_CHIP_GAP : rect->x + 8;
          port->name.x = MIN (limit, right);
          port->name.width = MAX (0, right - limit);
        }
    }
}

static GPtrArray *
layout_ports (MopedCanvasGeometry   *self,
              MopedElement          *node,
              const MopedCanvasRect *rect)
{
  g_autoptr(GPtrArray) sockets = moped_element_get_children_of_kind (node, MOPED_KIND_SOCKET);
  g_autofree PortPlan *plans = g_new0 (PortPlan, sockets->len + 1);
  GPtrArray *ports = g_ptr_array_new_with_free_func (g_free);
  guint n_side[2] = { 0, 0 };
  guint seen[2] = { 0, 0 };

  double top = rect->y + MIN (MOPED_CANVAS_HEADER_HEIGHT, rect->height / 2);
  double span = rect->y + rect->height - 4 - top;
  gboolean shared_rows;

  for (guint i = 0; i < sockets->len; i++)
    {
      plans[i].socket = g_ptr_array_index (sockets, i);
      plans[i].index = i;
      plan_port (self, rect, &plans[i]);
      n_side[plans[i].side]++;
    }
  /* With ports on both sides and room enough, each port gets a row of its own, so
   * that every socket name may use the whole width; else each side has its rows. */
  shared_rows = n_side[0] > 0 && n_side[1] > 0 &&
                span / sockets->len >= MOPED_CANVAS_CHIP_HEIGHT + 4;
  qsort (plans, sockets->len, sizeof (PortPlan), shared_rows ? compare_rows : compare_plans);

  for (guint i = 0; i < sockets->len; i++)
    {
      MopedCanvasPort *port = g_new0 (MopedCanvasPort, 1);
      guint n = shared_rows ? sockets->len : n_side[plans[i].side];
      guint k = shared_rows ? i : seen[plans[i].side]++;

      port->socket = plans[i].socket;
      port->node = node;
      port->side = plans[i].side;
      place_port (self, rect, port, top + span * (k + 0.5) / n);
      g_ptr_array_add (ports, port);
    }
  limit_names (rect, ports);
  return ports;
}

static gboolean
ports_look_same (GPtrArray             *a,
                 const MopedCanvasRect *ra,
                 GPtrArray             *b,
                 const MopedCanvasRect *rb)
{
  if ((a == NULL) != (b == NULL))
    return FALSE;
  if (a == NULL)
    return TRUE;
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const MopedCanvasPort *pa = g_ptr_array_index (a, i);
      const MopedCanvasPort *pb = g_ptr_array_index (b, i);

      if (pa->socket != pb->socket || pa->side != pb->side ||
          pa->center.y - ra->y != pb->center.y - rb->y ||
          pa->chip.width != pb->chip.width || pa->name.width != pb->name.width)
        return FALSE;
    }
  return TRUE;
}

/* Lay out @box again; TRUE when it now looks different from @before (not merely
 * moved). A box never laid out has a zero @before. */
static gboolean
layout_box (MopedCanvasGeometry   *self,
            MopedCanvasBox        *box,
            const MopedCanvasRect *before)
{
  MopedCanvasRect old_rect = before ? *before : box->rect;
  g_autoptr(GPtrArray) old_ports = g_steal_pointer (&box->ports);

  box->rect = element_rect (box->element);
  box->bounds = rect_grow (box->rect, MOPED_CANVAS_BOX_MARGIN);
  if (old_ports != NULL)
    for (guint i = 0; i < old_ports->len; i++)
      {
        MopedCanvasPort *port = g_ptr_array_index (old_ports, i);

        if (g_hash_table_lookup (self->ports, port->socket) == port)
          g_hash_table_remove (self->ports, port->socket);
      }

  if (moped_element_get_kind (box->element) == MOPED_KIND_NODE)
    {
      box->ports = layout_ports (self, box->element, &box->rect);
      for (guint i = 0; i < box->ports->len; i++)
        {
          MopedCanvasPort *port = g_ptr_array_index (box->ports, i);

          g_hash_table_insert (self->ports, port->socket, port);
        }
    }

  return old_rect.width == 0 || old_rect.width != box->rect.width ||
         old_rect.height != box->rect.height ||
         !ports_look_same (old_ports, &old_rect, box->ports, &box->rect);
}

static MopedCanvasBox *
ensure_box (MopedCanvasGeometry *self,
            MopedElement        *element)
{
  MopedCanvasBox *box = g_hash_table_lookup (self->boxes, element);

  if (box == NULL)
    {
      box = g_new0 (MopedCanvasBox, 1);
      box->element = element;
      g_hash_table_insert (self->boxes, element, box);
      self->order_dirty = TRUE;
    }
  return box;
}

static void
remove_box (MopedCanvasGeometry *self,
            MopedElement        *element)
{
  MopedCanvasBox *box = g_hash_table_lookup (self->boxes, element);

  if (box == NULL)
    return;
  for (guint i = 0; box->ports != NULL && i < box->ports->len; i++)
    {
      MopedCanvasPort *port = g_ptr_array_index (box->ports, i);

      if (g_hash_table_lookup (self->ports, port->socket) == port)
        g_hash_table_remove (self->ports, port->socket);
    }
  g_hash_table_remove (self->boxes, element);
  self->order_dirty = TRUE;
}

/* ---- link curves ------------------------------------------------------------- */

static void ensure_order (MopedCanvasGeometry *self);

/* Two lines (label over endpoint) where the ports are close; one line where there is
 * room between them, so that links running side by side keep their labels apart. */
static void
link_label (MopedCanvasGeometry *self,
            MopedCanvasLinkCurve     *curve)
{
  const char *label = moped_element_get_string (curve->link, MOPED_PROP_LABEL);
  const char *endpoint = moped_element_get_string (curve->link, MOPED_PROP_ENDPOINT);
  MopedElement *protocol = moped_element_get_ref (curve->link, MOPED_PROP_PROTOCOL);
  double label_width, endpoint_width, room;
  guint lines;

  if (*label == '\0' && protocol != NULL)
    label = moped_element_get_name (protocol);
  label_width = measure (self, label, MOPED_CANVAS_TEXT_LABEL);
  endpoint_width = measure (self, endpoint, MOPED_CANVAS_TEXT_ENDPOINT);
  lines = (label != NULL && *label != '\0') + (*endpoint != '\0');
  room = fabs (curve->p[3].x - curve->p[0].x) - 2 * MOPED_CANVAS_PORT_RADIUS;

  curve->label_inline = FALSE;
  if (lines == 0)
    {
      curve->label = (MopedCanvasRect) { curve->middle.x, curve->middle.y, 0, 0 };
      return;
    }
  if (lines == 2 && label_width + MOPED_CANVAS_LABEL_GAP + endpoint_width + 2 * MOPED_CANVAS_LABEL_PADDING + 16 <= room)
    {
      curve->label_inline = TRUE;
      lines = 1;
      curve->label.width = label_width + MOPED_CANVAS_LABEL_GAP + endpoint_width;
    }
  else
    curve->label.width = MAX (label_width, endpoint_width);
  curve->label.width += 2 * MOPED_CANVAS_LABEL_PADDING;
  curve->label.height = lines * MOPED_CANVAS_LABEL_LINE + 6;
  curve->label.x = curve->middle.x - curve->label.width / 2;
  curve->label.y = curve->middle.y - curve->label.height / 2;
}

static gboolean
layout_link (MopedCanvasGeometry *self,
             LinkCurveItem            *item)
{
  MopedCanvasLinkCurve *curve = &item->curve;
  const MopedCanvasPort *a, *b;
  double dx, dy, reach;

  curve->from = moped_element_get_ref (curve->link, MOPED_PROP_FROM);
  curve->to = moped_element_get_ref (curve->link, MOPED_PROP_TO);
  a = curve->from ? g_hash_table_lookup (self->ports, curve->from) : NULL;
  b = curve->to ? g_hash_table_lookup (self->ports, curve->to) : NULL;
  if (a == NULL || b == NULL)
    return FALSE;

  dx = b->center.x - a->center.x;
  dy = b->center.y - a->center.y;
  reach = CLAMP (sqrt (dx * dx + dy * dy) * 0.4, 36.0, 180.0);
  curve->p[0] = a->center;
  curve->p[3] = b->center;
  curve->p[1] = (MopedCanvasPoint) { a->center.x + (a->side == MOPED_CANVAS_SIDE_LEFT ? -reach : reach), a->center.y };
  curve->p[2] = (MopedCanvasPoint) { b->center.x + (b->side == MOPED_CANVAS_SIDE_LEFT ? -reach : reach), b->center.y };
  curve->middle = moped_canvas_link_curve_point (curve, 0.5);
  link_label (self, curve);
  item->home = curve->label;

  item->hull = (MopedCanvasRect) { curve->p[0].x, curve->p[0].y, 0, 0 };
  for (guint i = 1; i < 4; i++)
    {
      MopedCanvasRect r = { curve->p[i].x, curve->p[i].y, 0, 0 };

      moped_canvas_rect_union (&item->hull, &r);
    }
  curve->bounds = item->hull;
  if (curve->label.width > 0)
    moped_canvas_rect_union (&curve->bounds, &curve->label);
  curve->bounds = rect_grow (curve->bounds, MOPED_CANVAS_BOX_MARGIN);
  return TRUE;
}

/* Lay out the link again; TRUE when its label looks different (not merely moved). */
static gboolean
update_link (MopedCanvasGeometry *self,
             MopedElement        *link)
{
  LinkCurveItem *item = g_hash_table_lookup (self->curves, link);
  MopedCanvasRect old_label = { 0 };
  gboolean old_inline = FALSE;

  if (moped_element_get_design (link) != self->design)
    {
      if (item != NULL)
        {
          g_hash_table_remove (self->curves, link);
          self->order_dirty = TRUE;
        }
      return FALSE;
    }
  if (item == NULL)
    {
      item = g_new0 (LinkCurveItem, 1);
      item->curve.link = link;
      g_hash_table_insert (self->curves, link, item);
      self->order_dirty = TRUE;
    }
  else
    {
      old_label = item->curve.label;
      old_inline = item->curve.label_inline;
    }
  if (!layout_link (self, item))
    {
      g_hash_table_remove (self->curves, link);
      self->order_dirty = TRUE;
      return FALSE;
    }
  return old_inline != item->curve.label_inline || old_label.width != item->curve.label.width ||
         old_label.height != item->curve.label.height;
}

/* The links at either node of @curve's ends (with @curve itself) into @out. */
static void
collect_sharing (MopedCanvasGeometry   *self,
                 const MopedCanvasLinkCurve *curve,
                 GHashTable            *out)
{
  MopedElement *ends[2] = { curve->from, curve->to };

  for (guint e = 0; e < 2; e++)
    {
      MopedElement *node = ends[e] ? moped_element_get_parent (ends[e]) : NULL;
      MopedCanvasBox *box = node ? g_hash_table_lookup (self->boxes, node) : NULL;

      for (guint p = 0; box != NULL && box->ports != NULL && p < box->ports->len; p++)
        {
          MopedCanvasPort *port = g_ptr_array_index (box->ports, p);
          GPtrArray *links = g_hash_table_lookup (self->adjacency, port->socket);

          for (guint l = 0; links != NULL && l < links->len; l++)
            if (g_hash_table_contains (self->curves, g_ptr_array_index (links, l)))
              g_hash_table_add (out, g_ptr_array_index (links, l));
        }
    }
}

static gboolean
label_fits (MopedCanvasGeometry   *self,
            LinkCurveItem              *item,
            const MopedCanvasRect *label,
            GHashTable            *sharing)
{
  GHashTableIter iter;
  MopedElement *link;
  MopedElement *ends[2] = { item->curve.from, item->curve.to };

  g_hash_table_iter_init (&iter, sharing);
  while (g_hash_table_iter_next (&iter, (gpointer *) &link, NULL))
    {
      LinkCurveItem *other = g_hash_table_lookup (self->curves, link);

      if (other != item && other->order < item->order && other->home.width > 0 &&
          moped_canvas_rect_intersects (&other->home, label))
        return FALSE;
    }
  /* A label must not cover, or hide under, the nodes it joins. */
  for (guint e = 0; e < 2; e++)
    {
      MopedCanvasBox *box = g_hash_table_lookup (self->boxes, moped_element_get_parent (ends[e]));

      if (box != NULL && moped_canvas_rect_intersects (&box->rect, label))
        return FALSE;
    }
  return TRUE;
}

/* Labels of links that meet at a node stay clear of each other: a label moves along
 * its curve away from the middle when an earlier link's label sits there. Only the
 * home places of the others count, so the outcome does not depend on the order in
 * which links are laid out. */
static void
place_label (MopedCanvasGeometry *self,
             LinkCurveItem            *item)
{
  static const double candidates[] = { 0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8 };
  g_autoptr(GHashTable) sharing = NULL;
  MopedCanvasLinkCurve *curve = &item->curve;
  double chosen = 0.5;

  if (item->home.width > 0)
    {
      sharing = g_hash_table_new (NULL, NULL);
      collect_sharing (self, curve, sharing);
      for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
        {
          MopedCanvasPoint at = moped_canvas_link_curve_point (curve, candidates[i]);
          MopedCanvasRect label = { at.x - item->home.width / 2, at.y - item->home.height / 2,
                                    item->home.width, item->home.height };

          if (label_fits (self, item, &label, sharing))
            {
              chosen = candidates[i];
              break;
            }
        }
    }
  curve->middle = moped_canvas_link_curve_point (curve, chosen);
  curve->label = item->home;
  curve->label.x = curve->middle.x - curve->label.width / 2;
  curve->label.y = curve->middle.y - curve->label.height / 2;
  curve->bounds = item->hull;
  if (curve->label.width > 0)
    moped_canvas_rect_union (&curve->bounds, &curve->label);
  curve->bounds = rect_grow (curve->bounds, MOPED_CANVAS_BOX_MARGIN);
}

/* Lay out @links (a set) again, and place the labels of every link meeting them. */
static void
update_links (MopedCanvasGeometry *self,
              GHashTable          *links,
              GHashTable          *dirty)
{
  g_autoptr(GHashTable) place = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  MopedElement *link;

  g_hash_table_iter_init (&iter, links);
  while (g_hash_table_iter_next (&iter, (gpointer *) &link, NULL))
    if (update_link (self, link) && dirty != NULL)
      g_hash_table_add (dirty, link);

  ensure_order (self);
  g_hash_table_iter_init (&iter, links);
  while (g_hash_table_iter_next (&iter, (gpointer *) &link, NULL))
    {
      LinkCurveItem *item = g_hash_table_lookup (self->curves, link);

      if (item != NULL)
        collect_sharing (self, &item->curve, place);
    }
  g_hash_table_iter_init (&iter, place);
  while (g_hash_table_iter_next (&iter, (gpointer *) &link, NULL))
    place_label (self, g_hash_table_lookup (self->curves, link));
}

/* ---- adjacency and order ------------------------------------------------------ */

static void
add_adjacent (MopedCanvasGeometry *self,
              MopedElement        *socket,
              MopedElement        *link)
{
  GPtrArray *links;

  if (socket == NULL)
    return;
  links = g_hash_table_lookup (self->adjacency, socket);
  if (links == NULL)
    {
      links = g_ptr_array_new ();
      g_hash_table_insert (self->adjacency, socket, links);
    }
  g_ptr_array_add (links, link);
}

static void
rebuild_adjacency (MopedCanvasGeometry *self)
{
  g_autoptr(GPtrArray) links = moped_design_collect (self->design, MOPED_KIND_LINK);

  g_hash_table_remove_all (self->adjacency);
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);
      MopedElement *to = moped_element_get_ref (link, MOPED_PROP_TO);

      add_adjacent (self, from, link);
      if (to != from)
        add_adjacent (self, to, link);
    }
}

static void
ensure_order (MopedCanvasGeometry *self)
{
  static const MopedKind box_kinds[] = { MOPED_KIND_NOTE, MOPED_KIND_NODE };
  g_autoptr(GPtrArray) links = NULL;

  if (!self->order_dirty)
    return;
  self->order_dirty = FALSE;

  g_ptr_array_set_size (self->box_order, 0);
  for (guint k = 0; k < G_N_ELEMENTS (box_kinds); k++)
    {
      g_autoptr(GPtrArray) elements = moped_design_collect (self->design, box_kinds[k]);

      for (guint i = 0; i < elements->len; i++)
        {
          MopedCanvasBox *box = g_hash_table_lookup (self->boxes, g_ptr_array_index (elements, i));

          if (box != NULL)
            g_ptr_array_add (self->box_order, box);
        }
    }

  g_ptr_array_set_size (self->link_order, 0);
  links = moped_design_collect (self->design, MOPED_KIND_LINK);
  for (guint i = 0; i < links->len; i++)
    {
      LinkCurveItem *item = g_hash_table_lookup (self->curves, g_ptr_array_index (links, i));

      if (item != NULL)
        {
          item->order = self->link_order->len;
          g_ptr_array_add (self->link_order, item);
        }
    }
}

/* ---- life cycle ------------------------------------------------------------- */

MopedCanvasGeometry *
moped_canvas_geometry_new (MopedDesign            *design,
                           MopedCanvasMeasureFunc  measure_func,
                           gpointer                user_data)
{
  MopedCanvasGeometry *self;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);

  self = g_new0 (MopedCanvasGeometry, 1);
  self->design = g_object_ref (design);
  self->measure = measure_func;
  self->measure_data = user_data;
  self->boxes = g_hash_table_new_full (NULL, NULL, NULL, box_free);
  self->ports = g_hash_table_new (NULL, NULL);
  self->curves = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->adjacency = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->box_order = g_ptr_array_new ();
  self->link_order = g_ptr_array_new ();
  moped_canvas_geometry_rebuild (self);
  return self;
}

void
moped_canvas_geometry_free (MopedCanvasGeometry *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->box_order);
  g_ptr_array_unref (self->link_order);
  g_hash_table_unref (self->ports);
  g_hash_table_unref (self->boxes);
  g_hash_table_unref (self->curves);
  g_hash_table_unref (self->adjacency);
  g_object_unref (self->design);
  g_free (self);
}

void
moped_canvas_geometry_rebuild (MopedCanvasGeometry *self)
{
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GPtrArray) links = NULL;

  g_return_if_fail (self != NULL);

  g_hash_table_remove_all (self->ports);
  g_hash_table_remove_all (self->boxes);
  g_hash_table_remove_all (self->curves);
  rebuild_adjacency (self);

  notes = moped_design_collect (self->design, MOPED_KIND_NOTE);
  for (guint i = 0; i < notes->len; i++)
    layout_box (self, ensure_box (self, g_ptr_array_index (notes, i)), NULL);
  /* Every node needs its place before any node can tell which way its peers are. */
  nodes = moped_design_collect (self->design, MOPED_KIND_NODE);
  for (guint i = 0; i < nodes->len; i++)
    ensure_box (self, g_ptr_array_index (nodes, i))->rect =
      element_rect (g_ptr_array_index (nodes, i));
  for (guint i = 0; i < nodes->len; i++)
    layout_box (self, g_hash_table_lookup (self->boxes, g_ptr_array_index (nodes, i)), NULL);
  links = moped_design_collect (self->design, MOPED_KIND_LINK);
  {
    g_autoptr(GHashTable) all = g_hash_table_new (NULL, NULL);

    for (guint i = 0; i < links->len; i++)
      g_hash_table_add (all, g_ptr_array_index (links, i));
    self->order_dirty = TRUE;
    update_links (self, all, NULL);
  }
}

/* ---- incremental update ------------------------------------------------------ */

static GPtrArray *
keys_of (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  return keys;
}

typedef struct
{
  GHashTable *nodes;   /* nodes to lay out again */
  GHashTable *boxes;   /* notes to lay out again */
  GHashTable *curves;   /* links to lay out again */
  GHashTable *dirty;   /* the caller's, may be NULL */
  gboolean    relink;
} Update;

static void
mark_dirty (Update       *update,
            MopedElement *element)
{
  if (update->dirty != NULL && element != NULL)
    g_hash_table_add (update->dirty, element);
}

static MopedElement *
node_of_socket (MopedCanvasGeometry *self,
                MopedElement        *socket)
{
  MopedCanvasPort *port;

  if (socket == NULL)
    return NULL;
  if (moped_element_get_design (socket) == self->design)
    return moped_element_get_parent (socket);
  port = g_hash_table_lookup (self->ports, socket);
  return port ? port->node : NULL;
}

static void
touch_link_ends (MopedCanvasGeometry *self,
                 Update              *update,
                 MopedElement        *link)
{
  MopedCanvasLinkCurve *curve = g_hash_table_lookup (self->curves, link);
  MopedElement *ends[4] = { NULL, NULL, NULL, NULL };

  if (curve != NULL)
    {
      ends[0] = curve->from;
      ends[1] = curve->to;
    }
  if (moped_element_get_design (link) == self->design)
    {
      ends[2] = moped_element_get_ref (link, MOPED_PROP_FROM);
      ends[3] = moped_element_get_ref (link, MOPED_PROP_TO);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
    {
      MopedElement *node = node_of_socket (self, ends[i]);

      if (node != NULL)
        g_hash_table_add (update->nodes, node);
    }
}

static void
note_node_change (MopedCanvasGeometry *self,
                  Update              *update,
                  const MopedChange   *change)
{
  MopedElement *node = change->element;

  if (change->type == MOPED_CHANGE_REMOVED || change->type == MOPED_CHANGE_ADDED)
    {
      update->relink = TRUE;
      self->order_dirty = TRUE;
      mark_dirty (update, node);
    }
  else if (change->type == MOPED_CHANGE_MOVED)
    self->order_dirty = TRUE;
  else if (!(moped_schema_get_prop (MOPED_KIND_NODE, change->prop)->flags & MOPED_PROP_FLAG_GEOMETRY))
    mark_dirty (update, node);
  g_hash_table_add (update->nodes, node);
}

static void
note_socket_change (MopedCanvasGeometry *self,
                    Update              *update,
                    const MopedChange   *change)
{
  MopedElement *node = node_of_socket (self, change->element);

  GPtrArray *links = g_hash_table_lookup (self->adjacency, change->element);

  if (change->type == MOPED_CHANGE_ADDED || change->type == MOPED_CHANGE_REMOVED)
    update->relink = TRUE;
  if (node != NULL)
    {
      g_hash_table_add (update->nodes, node);
      mark_dirty (update, node);
    }
  /* A link's label wears the colour of its from-socket's type. */
  for (guint i = 0; links != NULL && i < links->len; i++)
    mark_dirty (update, g_ptr_array_index (links, i));
}

static void
note_link_change (MopedCanvasGeometry *self,
                  Update              *update,
                  const MopedChange   *change)
{
  MopedElement *link = change->element;

  switch (change->type)
    {
    case MOPED_CHANGE_ADDED:
    case MOPED_CHANGE_REMOVED:
      update->relink = TRUE;
      touch_link_ends (self, update, link);
      break;
    case MOPED_CHANGE_SET:
      if (change->prop == MOPED_PROP_FROM || change->prop == MOPED_PROP_TO)
        {
          update->relink = TRUE;
          touch_link_ends (self, update, link);
        }
      break;
    case MOPED_CHANGE_MOVED:
    default:
      self->order_dirty = TRUE;
      break;
    }
  mark_dirty (update, link);
  g_hash_table_add (update->curves, link);
}

/* A protocol's name is shown on the links that carry it. */
static void
note_protocol_change (MopedCanvasGeometry *self,
                      Update              *update,
                      const MopedChange   *change)
{
  GHashTableIter iter;
  MopedCanvasLinkCurve *curve;

  if (change->type != MOPED_CHANGE_SET || change->prop != MOPED_PROP_NAME)
    return;
  g_hash_table_iter_init (&iter, self->curves);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &curve))
    if (moped_element_get_ref (curve->link, MOPED_PROP_PROTOCOL) == change->element)
      {
        g_hash_table_add (update->curves, curve->link);
        mark_dirty (update, curve->link);
      }
}

static void
note_change (MopedCanvasGeometry *self,
             Update              *update,
             const MopedChange   *change)
{
  switch (moped_element_get_kind (change->element))
    {
    case MOPED_KIND_NODE:
      note_node_change (self, update, change);
      break;
    case MOPED_KIND_SOCKET:
      note_socket_change (self, update, change);
      break;
    case MOPED_KIND_LINK:
      note_link_change (self, update, change);
      break;
    case MOPED_KIND_NOTE:
      if (change->type != MOPED_CHANGE_SET ||
          !(moped_schema_get_prop (MOPED_KIND_NOTE, change->prop)->flags & MOPED_PROP_FLAG_GEOMETRY))
        mark_dirty (update, change->element);
      self->order_dirty = TRUE;
      g_hash_table_add (update->boxes, change->element);
      break;
    case MOPED_KIND_PROTOCOL:
      note_protocol_change (self, update, change);
      break;
    case MOPED_KIND_DESIGN:
    case MOPED_KIND_METHOD:
    case MOPED_KIND_PARAM:
    case MOPED_KIND_PROCESS:
    case MOPED_KIND_HOST:
    case MOPED_KIND_COMMAND:
    case MOPED_KIND_FIELD:
    case MOPED_KIND_FLOW:
    case MOPED_KIND_STEP:
    case MOPED_KIND_REQUIREMENT:
    case MOPED_N_KINDS:
    default:
      break;
    }
}

/* The nodes whose ports face a touched node must look again where it went. */
static void
add_neighbours (MopedCanvasGeometry *self,
                Update              *update)
{
  g_autoptr(GPtrArray) touched = keys_of (update->nodes);

  for (guint i = 0; i < touched->len; i++)
    {
      MopedElement *node = g_ptr_array_index (touched, i);
      g_autoptr(GPtrArray) sockets = NULL;

      if (moped_element_get_design (node) != self->design)
        continue;
      sockets = moped_element_get_children_of_kind (node, MOPED_KIND_SOCKET);
      for (guint s = 0; s < sockets->len; s++)
        {
          MopedElement *socket = g_ptr_array_index (sockets, s);
          GPtrArray *links = g_hash_table_lookup (self->adjacency, socket);

          for (guint l = 0; links != NULL && l < links->len; l++)
            {
              MopedElement *peer = peer_of (g_ptr_array_index (links, l), socket);

              if (peer != NULL && moped_element_get_parent (peer) != NULL)
                g_hash_table_add (update->nodes, moped_element_get_parent (peer));
              g_hash_table_add (update->curves, g_ptr_array_index (links, l));
            }
        }
    }
}

static void
relayout_nodes (MopedCanvasGeometry *self,
                Update              *update)
{
  g_autoptr(GHashTable) before = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  GHashTableIter iter;
  MopedElement *node;
  MopedCanvasRect *rect;

  /* Positions first: the ports of one touched node look at the others' new places. */
  g_hash_table_iter_init (&iter, update->nodes);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
    if (moped_element_get_design (node) == self->design)
      {
        MopedCanvasBox *box = ensure_box (self, node);

        g_hash_table_insert (before, node, g_memdup2 (&box->rect, sizeof box->rect));
        box->rect = element_rect (node);
      }
    else
      {
        remove_box (self, node);
        mark_dirty (update, node);
      }

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, (gpointer *) &rect))
    if (layout_box (self, g_hash_table_lookup (self->boxes, node), rect))
      mark_dirty (update, node);
}

void
moped_canvas_geometry_update (MopedCanvasGeometry *self,
                              const GArray        *changes,
                              GHashTable          *dirty)
{
  Update update = { 0 };
  GHashTableIter iter;
  MopedElement *element;

  g_return_if_fail (self != NULL);
  g_return_if_fail (changes != NULL);

  update.nodes = g_hash_table_new (NULL, NULL);
  update.boxes = g_hash_table_new (NULL, NULL);
  update.curves = g_hash_table_new (NULL, NULL);
  update.dirty = dirty;

  for (guint i = 0; i < changes->len; i++)
    note_change (self, &update, &g_array_index (changes, MopedChange, i));

  if (update.relink)
    {
      g_autoptr(GPtrArray) links = moped_design_collect (self->design, MOPED_KIND_LINK);
      g_autoptr(GPtrArray) stale = keys_of (self->curves);

      rebuild_adjacency (self);
      for (guint i = 0; i < links->len; i++)
        g_hash_table_add (update.curves, g_ptr_array_index (links, i));
      for (guint i = 0; i < stale->len; i++)
        g_hash_table_add (update.curves, g_ptr_array_index (stale, i));
    }
  add_neighbours (self, &update);
  relayout_nodes (self, &update);

  g_hash_table_iter_init (&iter, update.boxes);
  while (g_hash_table_iter_next (&iter, (gpointer *) &element, NULL))
    if (moped_element_get_design (element) == self->design)
      {
        MopedCanvasBox *box = ensure_box (self, element);
        MopedCanvasRect was = box->rect;

        if (layout_box (self, box, &was))
          mark_dirty (&update, element);
      }
    else
      remove_box (self, element);

  update_links (self, update.curves, dirty);

  g_hash_table_unref (update.nodes);
  g_hash_table_unref (update.boxes);
  g_hash_table_unref (update.curves);
}

/* ---- lookups ------------------------------------------------------------------ */

const MopedCanvasBox *
moped_canvas_geometry_get_box (MopedCanvasGeometry *self,
                               const MopedElement  *element)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_hash_table_lookup (self->boxes, element);
}

const MopedCanvasPort *
moped_canvas_geometry_get_port (MopedCanvasGeometry *self,
                                const MopedElement  *socket)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_hash_table_lookup (self->ports, socket);
}

const MopedCanvasLinkCurve *
moped_canvas_geometry_get_link_curve (MopedCanvasGeometry *self,
                                const MopedElement  *link)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_hash_table_lookup (self->curves, link);
}

GPtrArray *
moped_canvas_geometry_get_links_of (MopedCanvasGeometry *self,
                                    const MopedElement  *socket)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_hash_table_lookup (self->adjacency, socket);
}

void
moped_canvas_geometry_query (MopedCanvasGeometry   *self,
                             const MopedCanvasRect *area,
                             GPtrArray             *boxes,
                             GPtrArray             *curves)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (area != NULL);

  ensure_order (self);
  for (guint i = 0; boxes != NULL && i < self->box_order->len; i++)
    {
      MopedCanvasBox *box = g_ptr_array_index (self->box_order, i);

      if (moped_canvas_rect_intersects (&box->bounds, area))
        g_ptr_array_add (boxes, box);
    }
  for (guint i = 0; curves != NULL && i < self->link_order->len; i++)
    {
      MopedCanvasLinkCurve *curve = g_ptr_array_index (self->link_order, i);

      if (moped_canvas_rect_intersects (&curve->bounds, area))
        g_ptr_array_add (curves, curve);
    }
}

gboolean
moped_canvas_geometry_get_extents (MopedCanvasGeometry *self,
                                   MopedCanvasRect     *extents)
{
  gboolean any = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (extents != NULL, FALSE);

  ensure_order (self);
  for (guint i = 0; i < self->box_order->len; i++)
    {
      MopedCanvasBox *box = g_ptr_array_index (self->box_order, i);

      if (!any)
        *extents = box->bounds;
      else
        moped_canvas_rect_union (extents, &box->bounds);
      any = TRUE;
    }
  for (guint i = 0; any && i < self->link_order->len; i++)
    {
      MopedCanvasLinkCurve *curve = g_ptr_array_index (self->link_order, i);

      moped_canvas_rect_union (extents, &curve->bounds);
    }
  return any;
}

/* ---- hit-testing ---------------------------------------------------------------- */

static double
segment_distance (MopedCanvasPoint a,
                  MopedCanvasPoint b,
                  double           x,
                  double           y)
{
  double dx = b.x - a.x, dy = b.y - a.y;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? CLAMP (((x - a.x) * dx + (y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
  double px = a.x + t * dx - x, py = a.y + t * dy - y;

  return sqrt (px * px + py * py);
}

static double
link_distance (const MopedCanvasLinkCurve *curve,
               double                 x,
               double                 y)
{
  enum { STEPS = 24 };
  MopedCanvasPoint prev = curve->p[0];
  double best = G_MAXDOUBLE;

  for (guint i = 1; i <= STEPS; i++)
    {
      MopedCanvasPoint next = moped_canvas_link_curve_point (curve, (double) i / STEPS);

      best = MIN (best, segment_distance (prev, next, x, y));
      prev = next;
    }
  return best;
}

static gboolean
port_hit (const MopedCanvasPort *port,
          double                 x,
          double                 y,
          double                 tolerance)
{
  double dx = port->center.x - x, dy = port->center.y - y;
  double r = MOPED_CANVAS_PORT_RADIUS + tolerance;

  return dx * dx + dy * dy <= r * r || moped_canvas_rect_contains (&port->chip, x, y);
}

MopedElement *
moped_canvas_geometry_hit (MopedCanvasGeometry *self,
                           double               x,
                           double               y,
                           double               tolerance)
{
  g_return_val_if_fail (self != NULL, NULL);

  ensure_order (self);
  /* Topmost first: ports (where links start), link labels (drawn over the nodes), nodes,
   * link curves, notes. */
  for (guint i = self->box_order->len; i > 0; i--)
    {
      MopedCanvasBox *box = g_ptr_array_index (self->box_order, i - 1);

      if (box->ports == NULL || !moped_canvas_rect_contains (&box->bounds, x, y))
        continue;
      for (guint p = 0; p < box->ports->len; p++)
        if (port_hit (g_ptr_array_index (box->ports, p), x, y, tolerance))
          return ((MopedCanvasPort *) g_ptr_array_index (box->ports, p))->socket;
    }
  for (guint i = self->link_order->len; i > 0; i--)
    {
      MopedCanvasLinkCurve *curve = g_ptr_array_index (self->link_order, i - 1);

      if (curve->label.width > 0 && moped_canvas_rect_contains (&curve->label, x, y))
        return curve->link;
    }
  for (guint i = self->box_order->len; i > 0; i--)
    {
      MopedCanvasBox *box = g_ptr_array_index (self->box_order, i - 1);

      if (box->ports != NULL && moped_canvas_rect_contains (&box->rect, x, y))
        return box->element;
    }
  for (guint i = self->link_order->len; i > 0; i--)
    {
      MopedCanvasLinkCurve *curve = g_ptr_array_index (self->link_order, i - 1);

      if (moped_canvas_rect_contains (&curve->bounds, x, y) && link_distance (curve, x, y) <= tolerance)
        return curve->link;
    }
  for (guint i = self->box_order->len; i > 0; i--)
    {
      MopedCanvasBox *box = g_ptr_array_index (self->box_order, i - 1);

      if (box->ports == NULL && moped_canvas_rect_contains (&box->rect, x, y))
        return box->element;
    }
  return NULL;
}

MopedElement *
moped_canvas_geometry_port_at (MopedCanvasGeometry *self,
                               double               x,
                               double               y,
                               double               radius)
{
  MopedElement *best = NULL;
  double best_d2 = radius * radius;

  g_return_val_if_fail (self != NULL, NULL);

  ensure_order (self);
  for (guint i = 0; i < self->box_order->len; i++)
    {
      MopedCanvasBox *box = g_ptr_array_index (self->box_order, i);
      MopedCanvasRect reach = rect_grow (box->rect, radius);

      if (box->ports == NULL || !moped_canvas_rect_contains (&reach, x, y))
        continue;
      for (guint p = 0; p < box->ports->len; p++)
        {
          MopedCanvasPort *port = g_ptr_array_index (box->ports, p);
          double dx = port->center.x - x, dy = port->center.y - y;

          if (dx * dx + dy * dy <= best_d2)
            {
              best_d2 = dx * dx + dy * dy;
              best = port->socket;
            }
        }
    }
  return best;
}

GPtrArray *
moped_canvas_geometry_in_rect (MopedCanvasGeometry   *self,
                               const MopedCanvasRect *rect)
{
  GPtrArray *found = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, found);
  g_return_val_if_fail (rect != NULL, found);

  ensure_order (self);
  for (guint i = 0; i < self->box_order->len; i++)
    {
      MopedCanvasBox *box = g_ptr_array_index (self->box_order, i);

      if (moped_canvas_rect_encloses (rect, &box->rect))
        g_ptr_array_add (found, box->element);
    }
  for (guint i = 0; i < self->link_order->len; i++)
    {
      MopedCanvasLinkCurve *curve = g_ptr_array_index (self->link_order, i);
      MopedCanvasRect inner = rect_grow (curve->bounds, -MOPED_CANVAS_BOX_MARGIN);

      if (moped_canvas_rect_encloses (rect, &inner))
        g_ptr_array_add (found, curve->link);
    }
  return found;
}

/* ---- linking ------------------------------------------------------------------ */

static guint
n_links (MopedCanvasGeometry *self,
         MopedElement        *socket)
{
  GPtrArray *links = g_hash_table_lookup (self->adjacency, socket);

  return links ? links->len : 0;
}

MopedCanvasPair
moped_canvas_geometry_check_pair (MopedCanvasGeometry *self,
                                  MopedElement        *from,
                                  MopedElement        *to)
{
  GPtrArray *links;

  g_return_val_if_fail (self != NULL, MOPED_CANVAS_PAIR_INCOMPATIBLE);
  g_return_val_if_fail (from != NULL && moped_element_get_kind (from) == MOPED_KIND_SOCKET,
                        MOPED_CANVAS_PAIR_INCOMPATIBLE);
  g_return_val_if_fail (to != NULL && moped_element_get_kind (to) == MOPED_KIND_SOCKET,
                        MOPED_CANVAS_PAIR_INCOMPATIBLE);

  if (from == to)
    return MOPED_CANVAS_PAIR_SAME_SOCKET;
  if (!moped_socket_types_compatible (moped_element_get_enum (from, MOPED_PROP_TYPE),
                                      moped_element_get_enum (to, MOPED_PROP_TYPE)))
    return MOPED_CANVAS_PAIR_INCOMPATIBLE;
  links = g_hash_table_lookup (self->adjacency, from);
  for (guint i = 0; links != NULL && i < links->len; i++)
    if (peer_of (g_ptr_array_index (links, i), from) == to)
      return MOPED_CANVAS_PAIR_LINKED;
  if (moped_element_get_enum (from, MOPED_PROP_MODE) != moped_element_get_enum (to, MOPED_PROP_MODE))
    return MOPED_CANVAS_PAIR_VALID;
  if (n_links (self, to) == 0)
    return MOPED_CANVAS_PAIR_FLIP_TO;
  if (n_links (self, from) == 0)
    return MOPED_CANVAS_PAIR_FLIP_FROM;
  return MOPED_CANVAS_PAIR_MODE_CONFLICT;
}

gboolean
moped_canvas_pair_is_valid (MopedCanvasPair pair)
{
  return pair == MOPED_CANVAS_PAIR_VALID || pair == MOPED_CANVAS_PAIR_FLIP_TO ||
         pair == MOPED_CANVAS_PAIR_FLIP_FROM;
}

const char *
moped_canvas_pair_describe (MopedCanvasPair pair)
{
  switch (pair)
    {
    case MOPED_CANVAS_PAIR_SAME_SOCKET:
      return "A socket cannot be linked to itself";
    case MOPED_CANVAS_PAIR_INCOMPATIBLE:
      return "These socket types cannot talk to each other";
    case MOPED_CANVAS_PAIR_LINKED:
      return "These sockets are linked already";
    case MOPED_CANVAS_PAIR_MODE_CONFLICT:
      return "Both sockets bind (or both connect), and both have other links";
    case MOPED_CANVAS_PAIR_VALID:
    case MOPED_CANVAS_PAIR_FLIP_TO:
    case MOPED_CANVAS_PAIR_FLIP_FROM:
    default:
      return NULL;
    }
}

MopedSocketType
moped_canvas_peer_type (MopedSocketType type)
{
  g_return_val_if_fail ((guint) type < MOPED_N_SOCKET_TYPES, MOPED_SOCKET_TYPE_FALLBACK);

  for (int draft = 0; draft <= 1; draft++)
    for (guint t = 0; t < MOPED_N_SOCKET_TYPES; t++)
      if (moped_socket_types_compatible (type, t) &&
          (guint) draft == moped_socket_type_get_info (t)->draft)
        return t;
  return type;
}

char *
moped_canvas_suggest_endpoint (MopedDesign  *design,
                               MopedElement *bound)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);
  MopedSocketType type;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (bound != NULL, NULL);

  links = moped_design_collect (design, MOPED_KIND_LINK);
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      const char *endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);

      if (*endpoint != '\0' && (moped_element_get_ref (link, MOPED_PROP_FROM) == bound ||
                                moped_element_get_ref (link, MOPED_PROP_TO) == bound))
        return g_strdup (endpoint);
    }

  type = moped_element_get_enum (bound, MOPED_PROP_TYPE);
  if (!moped_socket_type_allows (type, MOPED_TRANSPORT_TCP))
    return g_strdup_printf ("inproc://%s", moped_element_get_id (bound));

  for (guint i = 0; i < links->len; i++)
    {
      MopedEndpoint endpoint = { 0 };

      if (moped_endpoint_parse (moped_element_get_string (g_ptr_array_index (links, i), MOPED_PROP_ENDPOINT),
                                &endpoint, NULL) && endpoint.port > 0)
        g_hash_table_add (used, GINT_TO_POINTER (endpoint.port));
      moped_endpoint_clear (&endpoint);
    }
  for (int port = 5555; port < 65536; port++)
    if (!g_hash_table_contains (used, GINT_TO_POINTER (port)))
      return g_strdup_printf ("tcp://*:%d", port);
  return g_strdup ("tcp://*:*");
}

/* ---- moving the selection by direction ------------------------------------------- */

gboolean
moped_canvas_geometry_get_center (MopedCanvasGeometry *self,
                                  const MopedElement  *element,
                                  MopedCanvasPoint    *center)
{
  const MopedCanvasBox *box;
  const MopedCanvasPort *port;
  const MopedCanvasLinkCurve *curve;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (center != NULL, FALSE);

  if (element == NULL)
    return FALSE;
  if ((box = g_hash_table_lookup (self->boxes, element)) != NULL)
    {
      center->x = box->rect.x + box->rect.width / 2;
      center->y = box->rect.y + box->rect.height / 2;
      return TRUE;
    }
  if ((port = g_hash_table_lookup (self->ports, element)) != NULL)
    {
      *center = port->center;
      return TRUE;
    }
  if ((curve = g_hash_table_lookup (self->curves, element)) != NULL)
    {
      *center = curve->middle;
      return TRUE;
    }
  return FALSE;
}

typedef struct
{
  MopedCanvasPoint  from;
  double            dx, dy;
  MopedElement     *best;
  double            best_score;
  gboolean          best_in_cone;
} Neighbour;

/* Ahead is what counts; off to the side costs twice as much. Candidates within the
 * cone of 60° either side of the direction beat any outside it. */
static void
consider (Neighbour        *n,
          MopedElement     *element,
          MopedCanvasPoint  at)
{
  double vx = at.x - n->from.x, vy = at.y - n->from.y;
  double along = vx * n->dx + vy * n->dy;
  double across = fabs (vx * n->dy - vy * n->dx);
  double score = along + 2 * across;
  gboolean in_cone = across <= along * 1.75;

  if (along < 0.5)
    return;
  if (n->best == NULL || (in_cone && !n->best_in_cone) ||
      (in_cone == n->best_in_cone && score < n->best_score))
    {
      n->best = element;
      n->best_score = score;
      n->best_in_cone = in_cone;
    }
}

MopedElement *
moped_canvas_geometry_neighbour (MopedCanvasGeometry *self,
                                 const MopedElement  *from,
                                 double               dx,
                                 double               dy)
{
  Neighbour n = { { 0, 0 }, dx, dy, NULL, 0, FALSE };
  double length = hypot (dx, dy);

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (length > 0, NULL);

  if (!moped_canvas_geometry_get_center (self, from, &n.from))
    return NULL;
  n.dx = dx / length;
  n.dy = dy / length;
  ensure_order (self);
  for (guint i = 0; i < self->box_order->len; i++)
    {
      MopedCanvasBox *box = g_ptr_array_index (self->box_order, i);
      MopedCanvasPoint center = { box->rect.x + box->rect.width / 2, box->rect.y + box->rect.height / 2 };

      if (box->element != from)
        consider (&n, box->element, center);
      for (guint k = 0; box->ports != NULL && k < box->ports->len; k++)
        {
          MopedCanvasPort *port = g_ptr_array_index (box->ports, k);

          if (port->socket != from)
            consider (&n, port->socket, port->center);
        }
    }
  for (guint i = 0; i < self->link_order->len; i++)
    {
      MopedCanvasLinkCurve *curve = g_ptr_array_index (self->link_order, i);

      if (curve->link != from)
        consider (&n, curve->link, curve->middle);
    }
  return n.best;
}

/* ---- deployment frames ------------------------------------------------------------- */

#define FRAME_PAD 16.0
#define FRAME_LABEL 22.0

/* The frame around @boxes' union: room on every side, and a band on top for the label. */
static gboolean
frame_around (const MopedCanvasRect *inner,
              gboolean               any,
              MopedCanvasRect       *frame)
{
  if (!any)
    return FALSE;
  frame->x = inner->x - FRAME_PAD;
  frame->y = inner->y - FRAME_PAD - FRAME_LABEL;
  frame->width = inner->width + 2 * FRAME_PAD;
  frame->height = inner->height + 2 * FRAME_PAD + FRAME_LABEL;
  return TRUE;
}

GArray *
moped_canvas_geometry_dup_frames (MopedCanvasGeometry *self)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (MopedCanvasFrame));
  g_autoptr(GPtrArray) processes = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GArray) process_frames = NULL;

  g_return_val_if_fail (self != NULL, frames);

  processes = moped_design_collect (self->design, MOPED_KIND_PROCESS);
  if (processes->len == 0)
    return frames;
  nodes = moped_design_collect (self->design, MOPED_KIND_NODE);
  process_frames = g_array_new (FALSE, FALSE, sizeof (MopedCanvasFrame));
  for (guint i = 0; i < processes->len; i++)
    {
      MopedCanvasFrame frame = { g_ptr_array_index (processes, i), { 0, 0, 0, 0 } };
      MopedCanvasRect inner = { 0, 0, 0, 0 };
      gboolean any = FALSE;

      for (guint k = 0; k < nodes->len; k++)
        {
          MopedElement *node = g_ptr_array_index (nodes, k);
          const MopedCanvasBox *box;

          if (moped_element_get_ref (node, MOPED_PROP_PROCESS) != frame.element ||
              (box = g_hash_table_lookup (self->boxes, node)) == NULL)
            continue;
          if (!any)
            inner = box->rect;
          else
            moped_canvas_rect_union (&inner, &box->rect);
          any = TRUE;
        }
      if (frame_around (&inner, any, &frame.rect))
        g_array_append_val (process_frames, frame);
    }

  hosts = moped_design_collect (self->design, MOPED_KIND_HOST);
  for (guint i = 0; i < hosts->len; i++)
    {
      MopedCanvasFrame frame = { g_ptr_array_index (hosts, i), { 0, 0, 0, 0 } };
      MopedCanvasRect inner = { 0, 0, 0, 0 };
      gboolean any = FALSE;

      for (guint k = 0; k < process_frames->len; k++)
        {
          const MopedCanvasFrame *process = &g_array_index (process_frames, MopedCanvasFrame, k);

          if (moped_element_get_ref (process->element, MOPED_PROP_HOST) != frame.element)
            continue;
          if (!any)
            inner = process->rect;
          else
            moped_canvas_rect_union (&inner, &process->rect);
          any = TRUE;
        }
      if (frame_around (&inner, any, &frame.rect))
        g_array_append_val (frames, frame);
    }
  g_array_append_vals (frames, process_frames->data, process_frames->len);
  return frames;
}

MopedElement *
moped_canvas_geometry_frame_at (MopedCanvasGeometry *self,
                                double               x,
                                double               y)
{
  g_autoptr(GArray) frames = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  frames = moped_canvas_geometry_dup_frames (self);
  /* Processes come last, inside their hosts. */
  for (guint i = frames->len; i > 0; i--)
    {
      const MopedCanvasFrame *frame = &g_array_index (frames, MopedCanvasFrame, i - 1);
      MopedCanvasRect band = { frame->rect.x, frame->rect.y, frame->rect.width, FRAME_LABEL + FRAME_PAD / 2 };

      if (moped_canvas_rect_contains (&band, x, y))
        return frame->element;
    }
  return NULL;
}
