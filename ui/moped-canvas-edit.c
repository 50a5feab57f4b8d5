/* moped-canvas-edit.c: what the canvas changes in the design, each change one undo step.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Everything here goes through the design's edit API inside one transaction, so undo
 * takes back a whole gesture: a node with its socket and link, a paste, a delete.
 */
#define G_LOG_DOMAIN "moped-ui"

#include <math.h>

#include "moped-canvas-private.h"
#include "moped-inspector-util.h"
#include "moped-clipboard.h"
#include "moped-ui-private.h"

#define PASTE_STEP 24.0

double
_moped_canvas_snap_value (MopedCanvas *self,
                          double       value)
{
  return self->snap ? round (value / MOPED_CANVAS_GRID) * MOPED_CANVAS_GRID : value;
}

static void
select_only (MopedCanvas  *self,
             MopedElement *element)
{
  if (element != NULL)
    moped_canvas_select (self, moped_element_get_id (element), FALSE);
}

static gboolean
name_taken (GPtrArray  *elements,
            const char *name)
{
  for (guint i = 0; i < elements->len; i++)
    if (g_strcmp0 (moped_element_get_name (g_ptr_array_index (elements, i)), name) == 0)
      return TRUE;
  return FALSE;
}

/* "Node 3": the first such name no node has. */
static char *
new_node_name (MopedDesign *design)
{
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);

  for (guint n = nodes->len + 1;; n++)
    {
      char *name = g_strdup_printf ("Node %u", n);

      if (!name_taken (nodes, name))
        return name;
      g_free (name);
    }
}

/* @base, or "@base 2", "@base 3"... unique among the node's sockets. */
static char *
new_socket_name (MopedElement *node,
                 const char   *base)
{
  g_autoptr(GPtrArray) sockets = moped_element_get_children_of_kind (node, MOPED_KIND_SOCKET);
  g_autofree char *lower = g_utf8_strdown (*base ? base : "socket", -1);

  if (!name_taken (sockets, lower))
    return g_steal_pointer (&lower);
  for (guint n = 2;; n++)
    {
      char *name = g_strdup_printf ("%s %u", lower, n);

      if (!name_taken (sockets, name))
        return name;
      g_free (name);
    }
}

/* A box of the kind's default size centred on (@x, @y). */
static MopedElement *
add_box (MopedCanvas *self,
         MopedKind    kind,
         double       x,
         double       y)
{
  MopedElement *box = moped_design_add (self->design, moped_design_get_root (self->design), kind, -1, NULL);
  double width = moped_element_get_double (box, MOPED_PROP_WIDTH);
  double height = moped_element_get_double (box, MOPED_PROP_HEIGHT);

  moped_design_set_double (self->design, box, MOPED_PROP_X, _moped_canvas_snap_value (self, x - width / 2));
  moped_design_set_double (self->design, box, MOPED_PROP_Y, _moped_canvas_snap_value (self, y - height / 2));
  return box;
}

void
_moped_canvas_find_free_spot (MopedCanvas *self,
                              double       width,
                              double       height,
                              double      *x,
                              double      *y)
{
  g_autoptr(GPtrArray) boxes = g_ptr_array_new ();

  for (guint step = 0; step < 64; step++)
    {
      MopedCanvasRect area = { *x - width / 2 - MOPED_CANVAS_GRID, *y - height / 2 - MOPED_CANVAS_GRID,
                               width + 2 * MOPED_CANVAS_GRID, height + 2 * MOPED_CANVAS_GRID };
      gboolean taken = FALSE;

      g_ptr_array_set_size (boxes, 0);
      moped_canvas_geometry_query (self->geometry, &area, boxes, NULL);
      for (guint i = 0; i < boxes->len && !taken; i++)
        taken = moped_canvas_rect_intersects (&((MopedCanvasBox *) g_ptr_array_index (boxes, i))->rect, &area);
      if (!taken)
        return;
      /* Room between the boxes for a link and its label. */
      *x += width + 6 * MOPED_CANVAS_GRID;
    }
}

static MopedElement *
add_named_node (MopedCanvas *self,
                double       x,
                double       y)
{
  g_autofree char *name = new_node_name (self->design);
  MopedElement *node = add_box (self, MOPED_KIND_NODE, x, y);

  moped_design_set_string (self->design, node, MOPED_PROP_NAME, name);
  return node;
}

MopedElement *
_moped_canvas_create_node (MopedCanvas *self,
                           double       x,
                           double       y)
{
  MopedElement *node;

  moped_design_begin (self->design, "Add node");
  node = add_named_node (self, x, y);
  moped_design_end (self->design);
  select_only (self, node);
  return node;
}

MopedElement *
_moped_canvas_create_note (MopedCanvas *self,
                           double       x,
                           double       y)
{
  MopedElement *note;

  moped_design_begin (self->design, "Add note");
  note = add_box (self, MOPED_KIND_NOTE, x, y);
  moped_design_set_string (self->design, note, MOPED_PROP_TEXT, "Note");
  moped_design_end (self->design);
  select_only (self, note);
  return note;
}

static MopedElement *
add_socket_to (MopedCanvas     *self,
               MopedElement    *node,
               const char      *name,
               MopedSocketType  type,
               MopedSocketMode  mode)
{
  g_autofree char *unique = new_socket_name (node, name);
  MopedElement *socket = moped_design_add (self->design, node, MOPED_KIND_SOCKET, -1, NULL);

  moped_design_set_string (self->design, socket, MOPED_PROP_NAME, unique);
  moped_design_set_enum (self->design, socket, MOPED_PROP_TYPE, type);
  moped_design_set_enum (self->design, socket, MOPED_PROP_MODE, mode);
  return socket;
}

/* The node the selection is about: the first selected node, or a selected socket's. */
static MopedElement *
selected_node (MopedCanvas *self)
{
  for (guint i = 0; i < self->selection->len; i++)
    {
      MopedElement *element = g_ptr_array_index (self->selection, i);

      if (moped_element_get_kind (element) == MOPED_KIND_NODE)
        return element;
      if (moped_element_get_kind (element) == MOPED_KIND_SOCKET)
        return moped_element_get_parent (element);
    }
  return NULL;
}

MopedElement *
_moped_canvas_add_socket (MopedCanvas     *self,
                          MopedSocketType  type)
{
  MopedElement *node = selected_node (self);
  MopedElement *socket;

  if (node == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return NULL;
    }
  moped_design_begin (self->design, "Add socket");
  socket = add_socket_to (self, node, moped_socket_type_get_name (type), type,
                          moped_element_get_int (node, MOPED_PROP_INSTANCES) > 1 ? MOPED_SOCKET_MODE_CONNECT
                                                                                   : MOPED_SOCKET_MODE_BIND);
  moped_design_end (self->design);
  select_only (self, socket);
  return socket;
}

/* ---- links ------------------------------------------------------------------------- */

static MopedSocketMode
opposite (MopedSocketMode mode)
{
  return mode == MOPED_SOCKET_MODE_BIND ? MOPED_SOCKET_MODE_CONNECT : MOPED_SOCKET_MODE_BIND;
}

/* A protocol a link of @socket already carries: a new link to it likely carries it too. */
static MopedElement *
protocol_of (MopedCanvas  *self,
             MopedElement *socket)
{
  GPtrArray *links = moped_canvas_geometry_get_links_of (self->geometry, socket);

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      MopedElement *protocol = moped_element_get_ref (g_ptr_array_index (links, i), MOPED_PROP_PROTOCOL);

      if (protocol != NULL)
        return protocol;
    }
  return NULL;
}

/* Inside a transaction: the link for a valid @pair, with the mode fixed when the pair
 * asks for it, and an endpoint the bound side can use. */
static MopedElement *
add_link (MopedCanvas     *self,
          MopedElement    *from,
          MopedElement    *to,
          MopedCanvasPair  pair)
{
  MopedElement *link, *bound, *protocol;
  g_autofree char *endpoint = NULL;

  if (pair == MOPED_CANVAS_PAIR_FLIP_TO)
    moped_design_set_enum (self->design, to, MOPED_PROP_MODE,
                           opposite (moped_element_get_enum (from, MOPED_PROP_MODE)));
  else if (pair == MOPED_CANVAS_PAIR_FLIP_FROM)
    moped_design_set_enum (self->design, from, MOPED_PROP_MODE,
                           opposite (moped_element_get_enum (to, MOPED_PROP_MODE)));

  bound = moped_element_get_enum (from, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND ? from : to;
  endpoint = moped_canvas_suggest_endpoint (self->design, bound);
  protocol = protocol_of (self, bound);
  link = moped_design_add (self->design, moped_design_get_root (self->design), MOPED_KIND_LINK, -1, NULL);
  moped_design_set_ref (self->design, link, MOPED_PROP_FROM, from);
  moped_design_set_ref (self->design, link, MOPED_PROP_TO, to);
  moped_design_set_string (self->design, link, MOPED_PROP_ENDPOINT, endpoint);
  if (protocol != NULL)
    moped_design_set_ref (self->design, link, MOPED_PROP_PROTOCOL, protocol);
  return link;
}

MopedElement *
_moped_canvas_link (MopedCanvas  *self,
                    MopedElement *from,
                    MopedElement *to)
{
  MopedCanvasPair pair = moped_canvas_geometry_check_pair (self->geometry, from, to);
  MopedElement *link;

  if (!moped_canvas_pair_is_valid (pair))
    {
      g_debug ("not linking %s to %s: %s", moped_element_get_id (from), moped_element_get_id (to),
               moped_canvas_pair_describe (pair));
      return NULL;
    }
  moped_design_begin (self->design, "Link sockets");
  link = add_link (self, from, to, pair);
  moped_design_end (self->design);
  select_only (self, link);
  return link;
}

/* The port of @node nearest to (@x, @y) that pairs with @from. */
static MopedElement *
best_port (MopedCanvas     *self,
           MopedElement    *from,
           MopedElement    *node,
           double           x,
           double           y,
           MopedCanvasPair *pair)
{
  const MopedCanvasBox *box = moped_canvas_geometry_get_box (self->geometry, node);
  MopedElement *best = NULL;
  double best_d = G_MAXDOUBLE;

  for (guint i = 0; box != NULL && box->ports != NULL && i < box->ports->len; i++)
    {
      const MopedCanvasPort *port = g_ptr_array_index (box->ports, i);
      MopedCanvasPair p = moped_canvas_geometry_check_pair (self->geometry, from, port->socket);
      double d = hypot (port->center.x - x, port->center.y - y);

      if (moped_canvas_pair_is_valid (p) && d < best_d)
        {
          best = port->socket;
          best_d = d;
          *pair = p;
        }
    }
  return best;
}

static MopedElement *
link_to_node (MopedCanvas  *self,
              MopedElement *from,
              MopedElement *node,
              double        x,
              double        y)
{
  MopedCanvasPair pair = MOPED_CANVAS_PAIR_VALID;
  MopedElement *target = best_port (self, from, node, x, y, &pair);
  MopedElement *link;

  moped_design_begin (self->design, "Link sockets");
  if (target == NULL)
    {
      MopedSocketType type = moped_canvas_peer_type (moped_element_get_enum (from, MOPED_PROP_TYPE));

      target = add_socket_to (self, node, moped_element_get_name (moped_element_get_parent (from)), type,
                              opposite (moped_element_get_enum (from, MOPED_PROP_MODE)));
      pair = MOPED_CANVAS_PAIR_VALID;
    }
  link = add_link (self, from, target, pair);
  moped_design_end (self->design);
  select_only (self, link);
  return link;
}

/* A new node at the drop, with a socket of a compatible type and the opposite mode. */
static MopedElement *
link_to_new_node (MopedCanvas  *self,
                  MopedElement *from,
                  double        x,
                  double        y)
{
  const MopedCanvasPort *port = moped_canvas_geometry_get_port (self->geometry, from);
  MopedSocketType type = moped_canvas_peer_type (moped_element_get_enum (from, MOPED_PROP_TYPE));
  MopedElement *node, *socket;
  double width;

  moped_design_begin (self->design, "Add linked node");
  node = add_named_node (self, x, y);
  width = moped_element_get_double (node, MOPED_PROP_WIDTH);
  /* The new node's edge goes where the link was dropped, on the far side. */
  if (port != NULL)
    moped_design_set_double (self->design, node, MOPED_PROP_X,
                             _moped_canvas_snap_value (self, x >= port->center.x ? x : x - width));
  socket = add_socket_to (self, node, moped_element_get_name (moped_element_get_parent (from)), type,
                          opposite (moped_element_get_enum (from, MOPED_PROP_MODE)));
  add_link (self, from, socket, MOPED_CANVAS_PAIR_VALID);
  moped_design_end (self->design);
  select_only (self, node);
  return node;
}

MopedElement *
_moped_canvas_link_to_point (MopedCanvas  *self,
                             MopedElement *from,
                             double        x,
                             double        y)
{
  MopedElement *hit = moped_canvas_geometry_hit (self->geometry, x, y, 0);

  if (hit == NULL)
    return link_to_new_node (self, from, x, y);
  if (moped_element_get_kind (hit) == MOPED_KIND_NODE && hit != moped_element_get_parent (from))
    return link_to_node (self, from, hit, x, y);
  return NULL;
}

/* ---- selection edits ------------------------------------------------------------------- */

GPtrArray *
_moped_canvas_movable_selection (MopedCanvas *self)
{
  GPtrArray *movable = g_ptr_array_new ();

  for (guint i = 0; i < self->selection->len; i++)
    {
      MopedElement *element = g_ptr_array_index (self->selection, i);
      MopedKind kind = moped_element_get_kind (element);

      if (kind == MOPED_KIND_NODE || kind == MOPED_KIND_NOTE)
        g_ptr_array_add (movable, element);
    }
  return movable;
}

void
_moped_canvas_delete_selection (MopedCanvas *self)
{
  g_autoptr(GPtrArray) doomed = g_ptr_array_copy (self->selection, NULL, NULL);

  if (doomed->len == 0)
    return;
  moped_design_begin (self->design, doomed->len == 1 ? "Delete" : "Delete selection");
  for (guint i = 0; i < doomed->len; i++)
    {
      MopedElement *element = g_ptr_array_index (doomed, i);

      /* Removing a node takes its sockets and links along: they may be gone already. */
      if (moped_element_get_design (element) == self->design)
        moped_design_remove (self->design, element);
    }
  moped_design_end (self->design);
}

void
_moped_canvas_nudge (MopedCanvas *self,
                     double       dx,
                     double       dy)
{
  g_autoptr(GPtrArray) movable = _moped_canvas_movable_selection (self);
  g_autofree char *key = NULL;

  if (movable->len == 0)
    {
      /* Nothing to move: the arrows scroll instead. */
      _moped_canvas_pan (self, dx == 0 ? 0 : copysign (48, dx), dy == 0 ? 0 : copysign (48, dy));
      return;
    }
  /* Presses of the arrow keys on one selection are one step to undo. */
  key = g_strdup_printf ("canvas-nudge-%u", self->selection_serial);
  moped_design_begin_coalescing (self->design, "Move", key);
  for (guint i = 0; i < movable->len; i++)
    {
      MopedElement *element = g_ptr_array_index (movable, i);

      moped_design_set_double (self->design, element, MOPED_PROP_X,
                               _moped_canvas_snap_value (self, moped_element_get_double (element, MOPED_PROP_X) + dx));
      moped_design_set_double (self->design, element, MOPED_PROP_Y,
                               _moped_canvas_snap_value (self, moped_element_get_double (element, MOPED_PROP_Y) + dy));
    }
  moped_design_end (self->design);
}

static void
select_pasted (MopedCanvas *self,
               GPtrArray   *added)
{
  g_autoptr(GPtrArray) boxes = g_ptr_array_new ();

  /* The boxes, not their links: what a move or a second copy should take. */
  for (guint i = 0; i < added->len; i++)
    if (moped_element_get_kind (g_ptr_array_index (added, i)) != MOPED_KIND_LINK)
      g_ptr_array_add (boxes, g_ptr_array_index (added, i));
  _moped_canvas_set_selection (self, boxes->len ? boxes : added);
}

void
_moped_canvas_duplicate (MopedCanvas *self)
{
  g_autoptr(GPtrArray) movable = _moped_canvas_movable_selection (self);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  double step = self->snap ? MOPED_CANVAS_GRID : PASTE_STEP;
  gsize length = 0;

  data = moped_clipboard_serialize (self->design, movable, &length);
  if (data == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  added = moped_clipboard_insert (self->design, data, length, step, step, &error);
  if (added == NULL)
    {
      g_warning ("Could not duplicate: %s", error->message);
      return;
    }
  select_pasted (self, added);
}

void
_moped_canvas_copy (MopedCanvas *self)
{
  g_autoptr(GPtrArray) movable = _moped_canvas_movable_selection (self);

  g_autofree char *text = NULL;
  const char *name;

  if (!moped_clipboard_copy (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->design, movable))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  name = movable->len == 1 ? moped_element_get_name (g_ptr_array_index (movable, 0)) : NULL;
  if (name != NULL && name[0] != '\0')
    text = g_strdup_printf ("Copied “%s”", name);
  else
    text = g_strdup_printf (movable->len == 1 ? "Copied %u element" : "Copied %u elements", movable->len);
  _moped_show_toast (GTK_WIDGET (self), text);
}

/* Where a fragment goes: at the pointer when it is over the canvas; else where it
 * was, one step aside when that place is taken by the original, or mid-view when
 * that place is out of sight. */
static void
paste_offset (MopedCanvas *self,
              const char  *data,
              gsize        length,
              double      *dx,
              double      *dy)
{
  double x, y, width, height;
  MopedCanvasRect visible = _moped_canvas_get_visible (self);
  MopedCanvasRect area;
  double step = self->snap ? MOPED_CANVAS_GRID : PASTE_STEP;
  g_autoptr(GPtrArray) existing = NULL;
  guint taken = 0;

  *dx = *dy = 0;
  if (!moped_clipboard_get_bounds (data, length, &x, &y, &width, &height))
    return;
  area = (MopedCanvasRect) { x, y, width, height };

  if (self->pointer_inside)
    {
      double px, py;

      moped_canvas_widget_to_design (self, self->pointer_x, self->pointer_y, &px, &py);
      *dx = _moped_canvas_snap_value (self, px - x);
      *dy = _moped_canvas_snap_value (self, py - y);
      return;
    }
  if (!moped_canvas_rect_intersects (&visible, &area))
    {
      *dx = _moped_canvas_snap_value (self, visible.x + (visible.width - width) / 2 - x);
      *dy = _moped_canvas_snap_value (self, visible.y + (visible.height - height) / 2 - y);
      return;
    }
  /* Step aside from every earlier copy at this place too. */
  existing = moped_canvas_geometry_in_rect (self->geometry, &(MopedCanvasRect) { -G_MAXDOUBLE / 4, -G_MAXDOUBLE / 4,
                                                                                 G_MAXDOUBLE / 2, G_MAXDOUBLE / 2 });
  for (gboolean found = TRUE; found; taken++)
    {
      found = FALSE;
      for (guint i = 0; i < existing->len && !found; i++)
        {
          const MopedCanvasBox *box = moped_canvas_geometry_get_box (self->geometry, g_ptr_array_index (existing, i));

          found = box != NULL && box->rect.x == x + taken * step && box->rect.y == y + taken * step;
        }
    }
  *dx = *dy = (taken - 1) * step;
}

static void
paste_ready_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MopedCanvas) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = moped_clipboard_read_finish (GDK_CLIPBOARD (source), result, &error);
  g_autoptr(GPtrArray) added = NULL;
  const char *data;
  gsize length = 0;
  double dx, dy;

  if (bytes == NULL || self->design == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  data = g_bytes_get_data (bytes, &length);
  paste_offset (self, data, length, &dx, &dy);
  added = moped_clipboard_insert (self->design, data, length, dx, dy, &error);
  if (added == NULL)
    {
      g_debug ("Nothing to paste: %s", error->message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  select_pasted (self, added);
}

void
_moped_canvas_paste (MopedCanvas *self)
{
  moped_clipboard_read_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL, paste_ready_cb,
                              g_object_ref (self));
}

/* ---- deployment ----------------------------------------------------------------------- */

MopedElement *
_moped_canvas_new_process (MopedCanvas *self)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autofree char *name = NULL;
  MopedElement *root, *process;

  for (guint i = 0; i < self->selection->len; i++)
    {
      MopedElement *element = g_ptr_array_index (self->selection, i);

      if (moped_element_get_kind (element) == MOPED_KIND_SOCKET)
        element = moped_element_get_parent (element);
      if (moped_element_get_kind (element) == MOPED_KIND_NODE && !g_ptr_array_find (nodes, element, NULL))
        g_ptr_array_add (nodes, element);
    }
  if (nodes->len == 0)
    return NULL;
  root = moped_design_get_root (self->design);
  name = moped_inspector_unique_name (root, MOPED_KIND_PROCESS);
  moped_design_begin (self->design, "New process from selection");
  process = moped_design_add (self->design, root, MOPED_KIND_PROCESS, -1, NULL);
  moped_design_set_string (self->design, process, MOPED_PROP_NAME, name);
  for (guint i = 0; i < nodes->len; i++)
    moped_design_set_ref (self->design, g_ptr_array_index (nodes, i), MOPED_PROP_PROCESS, process);
  moped_design_end (self->design);
  return process;
}
