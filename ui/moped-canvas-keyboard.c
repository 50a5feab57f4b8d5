/* moped-canvas-keyboard.c: the canvas without a pointer: arrow keys move the selection, a menu draws a link.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Alt+S offers the socket types for a new socket on the selected node, those that could
 * answer a socket still waiting for a link on another node first.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <math.h>

#include "moped-canvas-private.h"
#include "moped-inspector-util.h"
#include "moped-socket-type.h"

/* With nothing selected, an arrow key starts from what the view shows first: the box
 * nearest the top-left corner of the visible area (any box when none is in view). */
static MopedElement *
first_in_view (MopedCanvas *self)
{
  MopedCanvasRect visible = _moped_canvas_get_visible (self);
  MopedCanvasRect everything = { -G_MAXDOUBLE / 4, -G_MAXDOUBLE / 4, G_MAXDOUBLE / 2, G_MAXDOUBLE / 2 };
  g_autoptr(GPtrArray) boxes = g_ptr_array_new ();
  MopedElement *best = NULL;
  double best_distance = G_MAXDOUBLE;

  moped_canvas_geometry_query (self->geometry, &visible, boxes, NULL);
  if (boxes->len == 0)
    moped_canvas_geometry_query (self->geometry, &everything, boxes, NULL);
  for (guint i = 0; i < boxes->len; i++)
    {
      const MopedCanvasBox *box = g_ptr_array_index (boxes, i);
      double distance = hypot (box->rect.x - visible.x, box->rect.y - visible.y);

      if (distance < best_distance)
        {
          best = box->element;
          best_distance = distance;
        }
    }
  return best;
}

void
_moped_canvas_select_toward (MopedCanvas *self,
                             double       dx,
                             double       dy)
{
  MopedElement *from = NULL, *to;

  if (self->design == NULL || self->geometry == NULL)
    return;
  if (self->selection->len > 0)
    from = g_ptr_array_index (self->selection, self->selection->len - 1);
  to = from != NULL ? moped_canvas_geometry_neighbour (self->geometry, from, dx, dy) : first_in_view (self);
  if (to == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  moped_canvas_reveal (self, moped_element_get_id (to));
}

/* The one selected socket, or NULL. */
static MopedElement *
selected_socket (MopedCanvas *self)
{
  MopedElement *element;

  if (self->selection->len != 1)
    return NULL;
  element = g_ptr_array_index (self->selection, 0);
  return moped_element_get_kind (element) == MOPED_KIND_SOCKET ? element : NULL;
}

static int
compare_described (gconstpointer a,
                   gconstpointer b)
{
  g_autofree char *da = moped_inspector_describe_element (*(MopedElement **) a);
  g_autofree char *db = moped_inspector_describe_element (*(MopedElement **) b);

  return g_utf8_collate (da, db);
}

GPtrArray *
moped_canvas_dup_link_targets (MopedCanvas *self)
{
  MopedCanvasRect everything = { -G_MAXDOUBLE / 4, -G_MAXDOUBLE / 4, G_MAXDOUBLE / 2, G_MAXDOUBLE / 2 };
  g_autoptr(GPtrArray) boxes = g_ptr_array_new ();
  GPtrArray *targets = g_ptr_array_new ();
  MopedElement *from;

  g_return_val_if_fail (MOPED_IS_CANVAS (self), targets);

  if (self->geometry == NULL || (from = selected_socket (self)) == NULL)
    return targets;
  moped_canvas_geometry_query (self->geometry, &everything, boxes, NULL);
  for (guint i = 0; i < boxes->len; i++)
    {
      const MopedCanvasBox *box = g_ptr_array_index (boxes, i);

      for (guint k = 0; box->ports != NULL && k < box->ports->len; k++)
        {
          const MopedCanvasPort *port = g_ptr_array_index (box->ports, k);

          if (moped_canvas_pair_is_valid (moped_canvas_geometry_check_pair (self->geometry, from, port->socket)))
            g_ptr_array_add (targets, port->socket);
        }
    }
  g_ptr_array_sort (targets, compare_described);
  return targets;
}

GMenuModel *
moped_canvas_dup_link_menu (MopedCanvas *self,
                            const char  *action_name)
{
  g_autoptr(GPtrArray) targets = moped_canvas_dup_link_targets (self);
  GMenu *menu = g_menu_new ();

  g_return_val_if_fail (action_name != NULL, G_MENU_MODEL (menu));

  for (guint i = 0; i < targets->len; i++)
    {
      MopedElement *socket = g_ptr_array_index (targets, i);
      g_autofree char *what = moped_inspector_describe_element (socket);
      g_autoptr(GString) label = g_string_new (what);
      g_autoptr(GMenuItem) item = NULL;

      /* Menu labels take mnemonics: a name's own underscores show as they are. */
      g_string_replace (label, "_", "__", 0);
      g_string_append_printf (label, " (%s)",
                              moped_socket_type_get_name (moped_element_get_enum (socket, MOPED_PROP_TYPE)));
      item = g_menu_item_new (label->str, NULL);
      g_menu_item_set_action_and_target_value (item, action_name,
                                               g_variant_new_string (moped_element_get_id (socket)));
      g_menu_append_item (menu, item);
    }
  return G_MENU_MODEL (menu);
}

gboolean
moped_canvas_link_selection_to (MopedCanvas *self,
                                const char  *target_id)
{
  MopedElement *from, *to;

  g_return_val_if_fail (MOPED_IS_CANVAS (self), FALSE);
  g_return_val_if_fail (target_id != NULL, FALSE);

  if (self->design == NULL || (from = selected_socket (self)) == NULL)
    return FALSE;
  to = moped_design_lookup (self->design, target_id);
  if (to == NULL || moped_element_get_kind (to) != MOPED_KIND_SOCKET)
    return FALSE;
  return _moped_canvas_link (self, from, to) != NULL;
}

/* Alt+L: the sockets the selected one can link to, as a menu beside it. */
void
_moped_canvas_popup_link_menu (MopedCanvas *self)
{
  g_autoptr(GMenuModel) model = NULL;
  MopedElement *socket = selected_socket (self);
  const MopedCanvasPort *port;
  double x, y;

  if (socket == NULL || (port = moped_canvas_geometry_get_port (self->geometry, socket)) == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  model = moped_canvas_dup_link_menu (self, "canvas.link-to");
  if (g_menu_model_get_n_items (model) == 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  if (self->link_menu == NULL)
    {
      self->link_menu = gtk_popover_menu_new_from_model (NULL);
      gtk_widget_set_parent (self->link_menu, GTK_WIDGET (self));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->link_menu), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      "Link To", -1);
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->link_menu), model);
  moped_canvas_design_to_widget (self, port->center.x, port->center.y, &x, &y);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->link_menu), &(GdkRectangle) { (int) x - 4, (int) y - 4, 8, 8 });
  gtk_popover_popup (GTK_POPOVER (self->link_menu));
}

/* The node a new socket goes on: the selected node, or the selected socket's. */
static MopedElement *
node_for_new_socket (MopedCanvas *self)
{
  MopedElement *element;

  if (self->selection->len != 1)
    return NULL;
  element = g_ptr_array_index (self->selection, 0);
  if (moped_element_get_kind (element) == MOPED_KIND_SOCKET)
    return moped_element_get_parent (element);
  return moped_element_get_kind (element) == MOPED_KIND_NODE ? element : NULL;
}

/* Whether a socket of @type could be linked to a socket of another node than @node
 * that has no link yet. */
static gboolean
answers_a_lone_socket (MopedCanvas     *self,
                       MopedElement    *node,
                       MopedSocketType  type)
{
  g_autoptr(GPtrArray) sockets = moped_design_collect (self->design, MOPED_KIND_SOCKET);

  for (guint i = 0; i < sockets->len; i++)
    {
      MopedElement *socket = g_ptr_array_index (sockets, i);
      GPtrArray *links = moped_canvas_geometry_get_links_of (self->geometry, socket);

      if (moped_element_get_parent (socket) != node && (links == NULL || links->len == 0) &&
          moped_socket_types_compatible (type, moped_element_get_enum (socket, MOPED_PROP_TYPE)))
        return TRUE;
    }
  return FALSE;
}

GMenuModel *
_moped_canvas_dup_socket_type_menu (MopedCanvas *self,
                                    const char  *action_name)
{
  GMenu *menu = g_menu_new ();
  MopedElement *node;

  if (self->design == NULL || self->geometry == NULL || (node = node_for_new_socket (self)) == NULL)
    return G_MENU_MODEL (menu);
  for (int pass = 0; pass < 2; pass++)
    for (MopedSocketType type = 0; type < MOPED_N_STABLE_SOCKET_TYPES; type++)
      if (answers_a_lone_socket (self, node, type) == (pass == 0))
        {
          const MopedSocketTypeInfo *info = moped_socket_type_get_info (type);
          g_autoptr(GMenuItem) item = g_menu_item_new (info->name, NULL);

          g_menu_item_set_action_and_target_value (item, action_name, g_variant_new_string (info->name));
          g_menu_append_item (menu, item);
        }
  return G_MENU_MODEL (menu);
}

/* Alt+S: the socket types as a menu under the node; the chosen one is added and named
 * where it is drawn. */
void
_moped_canvas_popup_socket_menu (MopedCanvas *self)
{
  g_autoptr(GMenuModel) model = _moped_canvas_dup_socket_type_menu (self, "canvas.new-socket");
  MopedElement *node = node_for_new_socket (self);
  const MopedCanvasBox *box;
  double x, y;

  if (g_menu_model_get_n_items (model) == 0 || node == NULL ||
      (box = moped_canvas_geometry_get_box (self->geometry, node)) == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  if (self->socket_menu == NULL)
    {
      self->socket_menu = gtk_popover_menu_new_from_model (NULL);
      gtk_widget_set_parent (self->socket_menu, GTK_WIDGET (self));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->socket_menu), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      "Add Socket", -1);
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->socket_menu), model);
  moped_canvas_design_to_widget (self, box->rect.x + box->rect.width / 2, box->rect.y + box->rect.height, &x, &y);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->socket_menu), &(GdkRectangle) { (int) x - 4, (int) y - 4, 8, 8 });
  gtk_popover_popup (GTK_POPOVER (self->socket_menu));
}
