/* moped-canvas-input.c: pointer, keyboard, scroll and pinch input of the canvas, its tooltips and context menu.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A primary-button drag means, by what it starts on: a port draws a link, a box
 * moves the selection (or resizes it from the handle), empty canvas draws a rubber
 * band; with space held, or with the middle button, it pans. Every controller has a
 * name so that tests can find it and drive it through its signals.
 */
#define G_LOG_DOMAIN "moped-ui"

#include <math.h>

#include "moped-canvas-private.h"

#define DRAG_THRESHOLD 4.0   /* pixels before a press on a box becomes a move */
#define HIT_TOLERANCE 5.0    /* pixels around curves and ports */
#define LINK_REACH 16.0      /* pixels within which a dragged link finds a port */

/* The modifiers held for the event being handled, taken from that event itself. The key
 * controller's idea of them lags: on X11 the release of Ctrl still carries Ctrl, so after
 * Ctrl+wheel plain scrolling would go on zooming. Without an event (a test emitting a
 * controller's signal), what the key controller said last. */
static GdkModifierType
modifiers_of (MopedCanvas        *self,
              GtkEventController *controller)
{
  GdkEvent *event = gtk_event_controller_get_current_event (controller);

  return event != NULL ? gdk_event_get_modifier_state (event) : self->modifiers;
}

static gboolean
extends (GdkModifierType modifiers)
{
  return (modifiers & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
}

static MopedElement *
hit_at (MopedCanvas *self,
        double       widget_x,
        double       widget_y)
{
  MopedElement *hit;
  double x, y;

  if (self->geometry == NULL)
    return NULL;
  moped_canvas_widget_to_design (self, widget_x, widget_y, &x, &y);
  hit = moped_canvas_geometry_hit (self->geometry, x, y, HIT_TOLERANCE / self->zoom);
  /* Below the nodes and links, a process's or host's name selects it. */
  if (hit == NULL && self->show_deployment)
    hit = moped_canvas_geometry_frame_at (self->geometry, x, y);
  return hit;
}

/* ---- ending and cancelling drags ------------------------------------------------- */

static void
end_drag (MopedCanvas *self)
{
  self->drag = MOPED_CANVAS_DRAG_NONE;
  self->drag_element = NULL;
  self->link_target = NULL;
  g_array_set_size (self->drag_origins, 0);
  g_clear_pointer (&self->drag_key, g_free);
  g_clear_pointer (&self->rubber_base, g_ptr_array_unref);
  g_clear_pointer (&self->link_pairs, g_hash_table_unref);
  g_clear_pointer (&self->dynamic, g_hash_table_unref);
  _moped_canvas_drop_static (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_moped_canvas_cancel_drag (MopedCanvas *self,
                           gboolean     revert)
{
  MopedCanvasDrag drag = self->drag;
  gboolean moved = self->drag_moved;

  if (drag == MOPED_CANVAS_DRAG_NONE)
    return;
  end_drag (self);
  /* The drag was one undo step of its own: taking it back restores where it began. */
  if (revert && (drag == MOPED_CANVAS_DRAG_MOVE || drag == MOPED_CANVAS_DRAG_RESIZE) && moved &&
      self->design != NULL)
    moped_design_undo (self->design);
  if (self->drag_gesture != NULL)
    gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->drag_gesture));
}

/* ---- moving and resizing -------------------------------------------------------------- */

/* What a drag of @moving changes on screen: those boxes, the nodes linked to them
 * (their ports may turn to follow) and the links between. */
static GHashTable *
dynamic_set (MopedCanvas *self,
             GPtrArray   *moving)
{
  GHashTable *set = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  for (guint i = 0; i < moving->len; i++)
    {
      MopedElement *element = g_ptr_array_index (moving, i);

      g_hash_table_add (set, element);
      if (moped_element_get_kind (element) == MOPED_KIND_NODE)
        g_ptr_array_add (nodes, element);
    }
  for (guint i = 0; i < nodes->len; i++)
    {
      g_autoptr(GPtrArray) sockets = moped_element_get_children_of_kind (g_ptr_array_index (nodes, i),
                                                                         MOPED_KIND_SOCKET);

      for (guint s = 0; s < sockets->len; s++)
        {
          GPtrArray *links = moped_canvas_geometry_get_links_of (self->geometry, g_ptr_array_index (sockets, s));

          for (guint l = 0; links != NULL && l < links->len; l++)
            {
              MopedElement *link = g_ptr_array_index (links, l);
              MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);
              MopedElement *to = moped_element_get_ref (link, MOPED_PROP_TO);

              g_hash_table_add (set, link);
              if (from != NULL)
                g_hash_table_add (set, moped_element_get_parent (from));
              if (to != NULL)
                g_hash_table_add (set, moped_element_get_parent (to));
            }
        }
    }
  /* A neighbour's other links follow its ports too. */
  {
    g_autoptr(GPtrArray) links = moped_design_collect (self->design, MOPED_KIND_LINK);

    for (guint l = 0; l < links->len; l++)
      {
        MopedElement *link = g_ptr_array_index (links, l);
        MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);
        MopedElement *to = moped_element_get_ref (link, MOPED_PROP_TO);

        if ((from && g_hash_table_contains (set, moped_element_get_parent (from))) ||
            (to && g_hash_table_contains (set, moped_element_get_parent (to))))
          g_hash_table_add (set, link);
      }
  }
  return set;
}

static void
remember_origins (MopedCanvas *self,
                  GPtrArray   *elements)
{
  g_array_set_size (self->drag_origins, 0);
  for (guint i = 0; i < elements->len; i++)
    {
      MopedElement *element = g_ptr_array_index (elements, i);
      MopedCanvasOrigin origin = {
        element,
        moped_element_get_double (element, MOPED_PROP_X),
        moped_element_get_double (element, MOPED_PROP_Y),
        moped_element_get_double (element, MOPED_PROP_WIDTH),
        moped_element_get_double (element, MOPED_PROP_HEIGHT),
      };

      g_array_append_val (self->drag_origins, origin);
    }
  g_free (self->drag_key);
  self->drag_key = g_strdup_printf ("canvas-drag-%u", ++self->drag_serial);
  g_clear_pointer (&self->dynamic, g_hash_table_unref);
  _moped_canvas_drop_static (self);
  self->dynamic = dynamic_set (self, elements);
}

static void
begin_move (MopedCanvas *self)
{
  g_autoptr(GPtrArray) moving = _moped_canvas_movable_selection (self);

  if (moving->len == 0)
    {
      self->drag = MOPED_CANVAS_DRAG_NONE;
      return;
    }
  remember_origins (self, moving);
  self->drag = MOPED_CANVAS_DRAG_MOVE;
}

static const MopedCanvasOrigin *
leading_origin (MopedCanvas *self)
{
  for (guint i = 0; i < self->drag_origins->len; i++)
    {
      const MopedCanvasOrigin *origin = &g_array_index (self->drag_origins, MopedCanvasOrigin, i);

      if (origin->element == self->drag_element)
        return origin;
    }
  return &g_array_index (self->drag_origins, MopedCanvasOrigin, 0);
}

static void
apply_move (MopedCanvas *self,
            double       offset_x,
            double       offset_y)
{
  const MopedCanvasOrigin *lead = leading_origin (self);
  double dx = offset_x / self->zoom, dy = offset_y / self->zoom;

  /* The box under the pointer snaps; the others keep their distance to it. */
  dx = _moped_canvas_snap_value (self, lead->x + dx) - lead->x;
  dy = _moped_canvas_snap_value (self, lead->y + dy) - lead->y;

  moped_design_begin_coalescing (self->design, "Move", self->drag_key);
  for (guint i = 0; i < self->drag_origins->len; i++)
    {
      const MopedCanvasOrigin *origin = &g_array_index (self->drag_origins, MopedCanvasOrigin, i);

      moped_design_set_double (self->design, origin->element, MOPED_PROP_X, origin->x + dx);
      moped_design_set_double (self->design, origin->element, MOPED_PROP_Y, origin->y + dy);
    }
  moped_design_end (self->design);
  self->drag_moved = TRUE;
}

static void
apply_resize (MopedCanvas *self,
              double       offset_x,
              double       offset_y)
{
  const MopedCanvasOrigin *origin = &g_array_index (self->drag_origins, MopedCanvasOrigin, 0);
  gboolean note = moped_element_get_kind (origin->element) == MOPED_KIND_NOTE;
  double min_width = note ? MOPED_CANVAS_NOTE_MIN_WIDTH : MOPED_CANVAS_NODE_MIN_WIDTH;
  double min_height = note ? MOPED_CANVAS_NOTE_MIN_HEIGHT : MOPED_CANVAS_NODE_MIN_HEIGHT;
  double right = _moped_canvas_snap_value (self, origin->x + origin->width + offset_x / self->zoom);
  double bottom = _moped_canvas_snap_value (self, origin->y + origin->height + offset_y / self->zoom);

  moped_design_begin_coalescing (self->design, "Resize", self->drag_key);
  moped_design_set_double (self->design, origin->element, MOPED_PROP_WIDTH, MAX (min_width, right - origin->x));
  moped_design_set_double (self->design, origin->element, MOPED_PROP_HEIGHT, MAX (min_height, bottom - origin->y));
  moped_design_end (self->design);
  self->drag_moved = TRUE;
}

/* The selected box whose resize handle (its bottom-right corner) is at the point. */
static MopedElement *
handle_at (MopedCanvas *self,
           double       widget_x,
           double       widget_y)
{
  for (guint i = self->selection->len; i > 0; i--)
    {
      MopedElement *element = g_ptr_array_index (self->selection, i - 1);
      const MopedCanvasBox *box = moped_canvas_geometry_get_box (self->geometry, element);
      double x, y;

      if (box == NULL)
        continue;
      moped_canvas_design_to_widget (self, box->rect.x + box->rect.width, box->rect.y + box->rect.height, &x, &y);
      if (fabs (widget_x - x) <= 7 && fabs (widget_y - y) <= 7)
        return element;
    }
  return NULL;
}

/* ---- the primary drag ------------------------------------------------------------ */

static void
press_on_box (MopedCanvas     *self,
              MopedElement    *element,
              GdkModifierType  modifiers)
{
  if (!_moped_canvas_is_selected (self, element))
    {
      if (extends (modifiers))
        _moped_canvas_toggle_selected (self, element);
      else
        moped_canvas_select (self, moped_element_get_id (element), FALSE);
    }
  else
    self->drag_toggle = extends (modifiers);
  self->drag_element = element;
  self->drag = MOPED_CANVAS_DRAG_PENDING;
}

static void
press_on_link (MopedCanvas     *self,
               MopedElement    *link,
               GdkModifierType  modifiers)
{
  if (extends (modifiers))
    _moped_canvas_toggle_selected (self, link);
  else
    moped_canvas_select (self, moped_element_get_id (link), FALSE);
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               MopedCanvas    *self)
{
  GdkModifierType modifiers = modifiers_of (self, GTK_EVENT_CONTROLLER (gesture));
  MopedElement *hit;
  MopedElement *handle;

  end_drag (self);
  self->drag_start_x = self->pointer_x = x;
  self->drag_start_y = self->pointer_y = y;
  self->drag_moved = FALSE;
  self->drag_toggle = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->design == NULL)
    return;

  if (self->space_down)
    {
      self->drag = MOPED_CANVAS_DRAG_PAN;
      self->pan_origin_x = self->origin_x;
      self->pan_origin_y = self->origin_y;
      return;
    }

  handle = handle_at (self, x, y);
  if (handle != NULL)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();

      g_ptr_array_add (one, handle);
      remember_origins (self, one);
      self->drag_element = handle;
      self->drag = MOPED_CANVAS_DRAG_RESIZE;
      return;
    }

  hit = hit_at (self, x, y);
  switch (hit ? moped_element_get_kind (hit) : MOPED_KIND_DESIGN)
    {
    case MOPED_KIND_SOCKET:
      self->drag = MOPED_CANVAS_DRAG_LINK;
      self->drag_element = hit;
      self->link_pairs = g_hash_table_new (NULL, NULL);
      break;
    case MOPED_KIND_NODE:
    case MOPED_KIND_NOTE:
      press_on_box (self, hit, modifiers);
      break;
    case MOPED_KIND_LINK:
    case MOPED_KIND_PROCESS:
    case MOPED_KIND_HOST:
      press_on_link (self, hit, modifiers);
      break;
    case MOPED_KIND_DESIGN:
      self->rubber_base = extends (modifiers) ? g_ptr_array_copy (self->selection, NULL, NULL)
                                              : g_ptr_array_new ();
      if (!extends (modifiers))
        moped_canvas_clear_selection (self);
      self->drag = MOPED_CANVAS_DRAG_RUBBER;
      break;
    case MOPED_KIND_METHOD:
    case MOPED_KIND_PARAM:
    case MOPED_KIND_PROTOCOL:
    case MOPED_KIND_COMMAND:
    case MOPED_KIND_FIELD:
    case MOPED_KIND_FLOW:
    case MOPED_KIND_STEP:
    case MOPED_KIND_REQUIREMENT:
    case MOPED_N_KINDS:
    default:
      break;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_link_target (MopedCanvas *self)
{
  double x, y;
  MopedElement *target;

  moped_canvas_widget_to_design (self, self->pointer_x, self->pointer_y, &x, &y);
  target = moped_canvas_geometry_port_at (self->geometry, x, y, LINK_REACH / self->zoom);
  if (target == self->drag_element)
    target = NULL;
  self->link_target = target;
  self->link_pair = target ? moped_canvas_geometry_check_pair (self->geometry, self->drag_element, target)
                           : MOPED_CANVAS_PAIR_VALID;
}

static void
update_rubber_band (MopedCanvas *self)
{
  double x0, y0, x1, y1;
  MopedCanvasRect rect;
  g_autoptr(GPtrArray) inside = NULL;
  g_autoptr(GPtrArray) selection = g_ptr_array_copy (self->rubber_base, NULL, NULL);

  moped_canvas_widget_to_design (self, self->drag_start_x, self->drag_start_y, &x0, &y0);
  moped_canvas_widget_to_design (self, self->pointer_x, self->pointer_y, &x1, &y1);
  rect = (MopedCanvasRect) { MIN (x0, x1), MIN (y0, y1), fabs (x1 - x0), fabs (y1 - y0) };
  inside = moped_canvas_geometry_in_rect (self->geometry, &rect);
  for (guint i = 0; i < inside->len; i++)
    if (!g_ptr_array_find (selection, g_ptr_array_index (inside, i), NULL))
      g_ptr_array_add (selection, g_ptr_array_index (inside, i));
  _moped_canvas_set_selection (self, selection);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                MopedCanvas    *self)
{
  gboolean far = hypot (offset_x, offset_y) >= DRAG_THRESHOLD;

  self->pointer_x = self->drag_start_x + offset_x;
  self->pointer_y = self->drag_start_y + offset_y;

  switch (self->drag)
    {
    case MOPED_CANVAS_DRAG_PAN:
      self->origin_x = self->pan_origin_x - offset_x / self->zoom;
      self->origin_y = self->pan_origin_y - offset_y / self->zoom;
      _moped_canvas_view_changed (self);
      break;
    case MOPED_CANVAS_DRAG_PENDING:
      if (!far)
        break;
      begin_move (self);
      if (self->drag == MOPED_CANVAS_DRAG_MOVE)
        apply_move (self, offset_x, offset_y);
      break;
    case MOPED_CANVAS_DRAG_MOVE:
      apply_move (self, offset_x, offset_y);
      break;
    case MOPED_CANVAS_DRAG_RESIZE:
      apply_resize (self, offset_x, offset_y);
      break;
    case MOPED_CANVAS_DRAG_LINK:
      self->drag_moved |= far;
      update_link_target (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case MOPED_CANVAS_DRAG_RUBBER:
      self->drag_moved |= far;
      update_rubber_band (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case MOPED_CANVAS_DRAG_NONE:
    default:
      break;
    }
}

static void
finish_link (MopedCanvas *self)
{
  MopedElement *source = self->drag_element;
  MopedElement *target = self->link_target;
  double x, y;

  moped_canvas_widget_to_design (self, self->pointer_x, self->pointer_y, &x, &y);
  end_drag (self);
  if (target != NULL)
    {
      if (_moped_canvas_link (self, source, target) == NULL)
        gtk_widget_error_bell (GTK_WIDGET (self));
    }
  else if (_moped_canvas_link_to_point (self, source, x, y) == NULL)
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             MopedCanvas    *self)
{
  GdkModifierType modifiers = modifiers_of (self, GTK_EVENT_CONTROLLER (gesture));
  MopedElement *element = self->drag_element;

  switch (self->drag)
    {
    case MOPED_CANVAS_DRAG_PENDING:
      /* A click: on a selected box it narrows the selection to it, or with a
       * modifier takes it out. */
      if (self->drag_toggle)
        _moped_canvas_toggle_selected (self, element);
      else if (!extends (modifiers) && self->selection->len > 1)
        moped_canvas_select (self, moped_element_get_id (element), FALSE);
      break;
    case MOPED_CANVAS_DRAG_LINK:
      if (self->drag_moved || hypot (offset_x, offset_y) >= DRAG_THRESHOLD)
        {
          self->pointer_x = self->drag_start_x + offset_x;
          self->pointer_y = self->drag_start_y + offset_y;
          update_link_target (self);
          finish_link (self);
          return;
        }
      if (extends (modifiers))
        _moped_canvas_toggle_selected (self, element);
      else
        moped_canvas_select (self, moped_element_get_id (element), FALSE);
      break;
    case MOPED_CANVAS_DRAG_MOVE:
    case MOPED_CANVAS_DRAG_RESIZE:
    case MOPED_CANVAS_DRAG_RUBBER:
    case MOPED_CANVAS_DRAG_PAN:
    case MOPED_CANVAS_DRAG_NONE:
    default:
      break;
    }
  end_drag (self);
}

/* ---- panning with the middle button ---------------------------------------------------- */

static void
pan_begin_cb (GtkGestureDrag *gesture,
              double          x,
              double          y,
              MopedCanvas    *self)
{
  self->pan_origin_x = self->origin_x;
  self->pan_origin_y = self->origin_y;
}

static void
pan_update_cb (GtkGestureDrag *gesture,
               double          offset_x,
               double          offset_y,
               MopedCanvas    *self)
{
  self->origin_x = self->pan_origin_x - offset_x / self->zoom;
  self->origin_y = self->pan_origin_y - offset_y / self->zoom;
  _moped_canvas_view_changed (self);
}

/* ---- clicks -------------------------------------------------------------------------- */

static void
click_pressed_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  MopedCanvas     *self)
{
  MopedElement *hit;
  double dx, dy;

  if (n_press != 2 || self->design == NULL)
    return;
  /* A double click names what it hits, or adds a node (named at once) on empty canvas. */
  hit = hit_at (self, x, y);
  if (hit != NULL)
    {
      if (_moped_canvas_name_prop (hit) != MOPED_N_PROPS)
        {
          moped_canvas_select (self, moped_element_get_id (hit), FALSE);
          _moped_canvas_begin_rename (self, hit, NULL);
        }
      return;
    }
  moped_canvas_widget_to_design (self, x, y, &dx, &dy);
  hit = _moped_canvas_create_node (self, dx, dy);
  if (hit != NULL)
    _moped_canvas_begin_rename (self, hit, NULL);
}

static void
menu_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 MopedCanvas     *self)
{
  MopedElement *hit = hit_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (hit != NULL && !_moped_canvas_is_selected (self, hit))
    moped_canvas_select (self, moped_element_get_id (hit), FALSE);
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  _moped_canvas_popup_menu (self, x, y);
}

void
_moped_canvas_popup_menu (MopedCanvas *self,
                          double       x,
                          double       y)
{
  if (self->menu == NULL)
    {
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autoptr(GMenu) add = g_menu_new ();
      g_autoptr(GMenu) edit = g_menu_new ();
      g_autoptr(GMenu) view = g_menu_new ();
      g_autoptr(GMenu) align = g_menu_new ();
      static const struct { const char *label, *action, *accel; } aligns[] = {
        { "Align _Left Edges", "canvas.align::left", "<Control><Shift>Left" },
        { "Align _Right Edges", "canvas.align::right", "<Control><Shift>Right" },
        { "Align _Top Edges", "canvas.align::top", "<Control><Shift>Up" },
        { "Align _Bottom Edges", "canvas.align::bottom", "<Control><Shift>Down" },
        { "Centre on a _Vertical Line", "canvas.align::center-x", "<Control><Shift>x" },
        { "Centre on a _Horizontal Line", "canvas.align::center-y", "<Control><Shift>y" },
        { "Distribute Hori_zontally", "canvas.distribute-horizontally", "<Control><Shift>h" },
        { "Distribute V_ertically", "canvas.distribute-vertically", "<Control><Shift>v" },
        /* Notes stack; nodes are always above them. */
        { "Bring Notes to _Front", "canvas.raise", "Page_Up" },
        { "Send Notes to B_ack", "canvas.lower", "Page_Down" },
      };

      g_menu_append (add, "Add _Node", "canvas.add-node");
      g_menu_append (add, "Add _Socket", "canvas.add-socket");
      g_menu_append (add, "Add N_ote", "canvas.add-note");
      g_menu_append (edit, "Cu_t", "canvas.cut");
      g_menu_append (edit, "_Copy", "canvas.copy");
      g_menu_append (edit, "_Paste", "canvas.paste");
      g_menu_append (edit, "_Duplicate", "canvas.duplicate");
      g_menu_append (edit, "_Delete", "canvas.delete");

      for (guint i = 0; i < G_N_ELEMENTS (aligns); i++)
        {
          g_autoptr(GMenuItem) item = g_menu_item_new (aligns[i].label, aligns[i].action);

          g_menu_item_set_attribute (item, "accel", "s", aligns[i].accel);
          g_menu_append_item (align, item);
        }
      g_menu_append_submenu (edit, "_Align and Order", G_MENU_MODEL (align));
      g_menu_append (edit, "New _Process from Selection", "canvas.new-process");
      g_menu_append (view, "Select _All", "canvas.select-all");
      g_menu_append (view, "Zoom to _Fit", "canvas.zoom-fit");
      g_menu_append (view, "S_nap to Grid", "canvas.snap");
      g_menu_append (view, "Show _Grid", "canvas.grid");
      g_menu_append (view, "Show Processes and _Hosts", "canvas.deployment");
      g_menu_append_section (menu, NULL, G_MENU_MODEL (add));
      g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
      g_menu_append_section (menu, NULL, G_MENU_MODEL (view));

      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
      gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

/* ---- keyboard ------------------------------------------------------------------------- */

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                MopedCanvas           *self)
{
  if (keyval == GDK_KEY_space)
    {
      self->space_down = TRUE;
      return TRUE;
    }
  return _moped_canvas_rename_on_key (self, keyval, state);
}

static void
key_released_cb (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 MopedCanvas           *self)
{
  if (keyval == GDK_KEY_space)
    self->space_down = FALSE;
}

static gboolean
modifiers_cb (GtkEventControllerKey *controller,
              GdkModifierType        state,
              MopedCanvas           *self)
{
  self->modifiers = state & gtk_accelerator_get_default_mod_mask ();
  return FALSE;
}

static void
focus_leave_cb (GtkEventControllerFocus *controller,
                MopedCanvas             *self)
{
  self->space_down = FALSE;
  self->modifiers = 0;
}

/* ---- scrolling, pinching, hovering ------------------------------------------------------ */

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           MopedCanvas              *self)
{
  GdkModifierType modifiers = modifiers_of (self, GTK_EVENT_CONTROLLER (controller));
  /* Mouse wheels scroll by clicks, touchpads by pixels. */
  gboolean wheel = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller)) == NULL ||
                   gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (modifiers & GDK_CONTROL_MASK)
    {
      double x = self->pointer_inside ? self->pointer_x : gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      double y = self->pointer_inside ? self->pointer_y : gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;

      _moped_canvas_zoom_at (self, self->zoom * pow (wheel ? 1.15 : 1.01, -dy), x, y);
      return TRUE;
    }
  if ((modifiers & GDK_SHIFT_MASK) && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  _moped_canvas_pan (self, dx * (wheel ? 48 : 1), dy * (wheel ? 48 : 1));
  return TRUE;
}

static void
pinch_begin_cb (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                MopedCanvas      *self)
{
  self->pinch_zoom = self->zoom;
}

static void
pinch_scale_changed_cb (GtkGestureZoom *gesture,
                        double          scale,
                        MopedCanvas    *self)
{
  double x, y;

  if (!gtk_gesture_is_active (GTK_GESTURE (gesture)) ||
      !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  if (self->pinch_zoom <= 0)
    self->pinch_zoom = self->zoom;
  _moped_canvas_zoom_at (self, self->pinch_zoom * scale, x, y);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           MopedCanvas              *self)
{
  MopedElement *hover;

  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  if (self->drag != MOPED_CANVAS_DRAG_NONE)
    return;
  hover = hit_at (self, x, y);
  if (hover != self->hover)
    {
      self->hover = hover;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *controller,
          MopedCanvas              *self)
{
  self->pointer_inside = FALSE;
  if (self->hover != NULL)
    {
      self->hover = NULL;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* ---- tooltips ----------------------------------------------------------------------- */

static void
describe_socket (GString      *text,
                 MopedElement *socket)
{
  MopedSocketType type = moped_element_get_enum (socket, MOPED_PROP_TYPE);
  const MopedSocketTypeInfo *info = moped_socket_type_get_info (type);
  g_autofree char *peers = moped_socket_type_describe_peers (type);

  g_string_append_printf (text, "“%s”: %s socket that %s\n%s\nPairs with %s",
                          moped_element_get_name (socket), info->name,
                          moped_element_get_enum (socket, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND
                            ? "binds" : "connects",
                          info->description, peers);
}

static void
describe_link (GString      *text,
               MopedElement *link)
{
  MopedElement *protocol = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);
  const char *label = moped_element_get_string (link, MOPED_PROP_LABEL);
  const char *endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);

  g_string_append_printf (text, "Link%s%s", *label ? " “" : "", label);
  if (*label)
    g_string_append (text, "”");
  g_string_append_printf (text, "\nEndpoint: %s", *endpoint ? endpoint : "none");
  if (protocol != NULL)
    g_string_append_printf (text, "\nProtocol: %s", moped_element_get_name (protocol));
}

char *
_moped_canvas_dup_tooltip (MopedCanvas  *self,
                           MopedElement *element)
{
  const MopedCanvasBadge *badge;
  GString *text = g_string_new (NULL);

  switch (moped_element_get_kind (element))
    {
    case MOPED_KIND_SOCKET:
      describe_socket (text, element);
      break;
    case MOPED_KIND_LINK:
      describe_link (text, element);
      break;
    case MOPED_KIND_NODE:
      g_string_append (text, moped_element_get_name (element));
      if (*moped_element_get_string (element, MOPED_PROP_DESCRIPTION))
        g_string_append_printf (text, "\n%s", moped_element_get_string (element, MOPED_PROP_DESCRIPTION));
      break;
    case MOPED_KIND_NOTE:
      g_string_append (text, moped_element_get_string (element, MOPED_PROP_TEXT));
      break;
    case MOPED_KIND_DESIGN:
    case MOPED_KIND_METHOD:
    case MOPED_KIND_PARAM:
    case MOPED_KIND_PROCESS:
    case MOPED_KIND_HOST:
    case MOPED_KIND_PROTOCOL:
    case MOPED_KIND_COMMAND:
    case MOPED_KIND_FIELD:
    case MOPED_KIND_FLOW:
    case MOPED_KIND_STEP:
    case MOPED_KIND_REQUIREMENT:
    case MOPED_N_KINDS:
    default:
      break;
    }

  badge = _moped_canvas_get_badge (self, element);
  for (guint i = 0; badge != NULL && i < badge->messages->len; i++)
    g_string_append_printf (text, "%s• %s", text->len ? "\n" : "",
                            (const char *) g_ptr_array_index (badge->messages, i));
  return g_string_free (text, text->len == 0);
}

gboolean
_moped_canvas_query_tooltip (GtkWidget  *widget,
                             int         x,
                             int         y,
                             gboolean    keyboard,
                             GtkTooltip *tooltip)
{
  MopedCanvas *self = MOPED_CANVAS (widget);
  g_autofree char *text = NULL;
  MopedElement *hit;

  if (self->drag != MOPED_CANVAS_DRAG_NONE)
    return FALSE;
  hit = keyboard && self->selection->len > 0 ? g_ptr_array_index (self->selection, 0) : hit_at (self, x, y);
  if (hit == NULL || (text = _moped_canvas_dup_tooltip (self, hit)) == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* ---- set up ---------------------------------------------------------------------------- */

static void
add_controller (MopedCanvas        *self,
                GtkEventController *controller,
                const char         *name)
{
  gtk_event_controller_set_name (controller, name);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

void
_moped_canvas_init_input (MopedCanvas *self)
{
  GtkGesture *gesture;
  GtkEventController *controller;

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  self->drag_gesture = gesture;
  add_controller (self, GTK_EVENT_CONTROLLER (gesture), "canvas-drag");

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_MIDDLE);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (pan_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (pan_update_cb), self);
  add_controller (self, GTK_EVENT_CONTROLLER (gesture), "canvas-pan");

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (click_pressed_cb), self);
  add_controller (self, GTK_EVENT_CONTROLLER (gesture), "canvas-click");

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (menu_pressed_cb), self);
  add_controller (self, GTK_EVENT_CONTROLLER (gesture), "canvas-menu");

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (pinch_begin_cb), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (pinch_scale_changed_cb), self);
  add_controller (self, GTK_EVENT_CONTROLLER (gesture), "canvas-pinch");

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (key_released_cb), self);
  g_signal_connect (controller, "modifiers", G_CALLBACK (modifiers_cb), self);
  add_controller (self, controller, "canvas-keys");

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  add_controller (self, controller, "canvas-focus");

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  add_controller (self, controller, "canvas-scroll");

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  add_controller (self, controller, "canvas-motion");
}
