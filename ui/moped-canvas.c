/* moped-canvas.c: the canvas widget: its design, view, selection, diagnostics badges and actions.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Drawing lives in moped-canvas-draw.c, pointer and keyboard handling in
 * moped-canvas-input.c and the edits in moped-canvas-edit.c; this file holds the
 * state they share and the public API.
 */
#define G_LOG_DOMAIN "moped-ui"

#include <math.h>
#include <string.h>

#include "moped-canvas-private.h"
#include "moped-diagnostic.h"
#include "moped-schema.h"

G_DEFINE_FINAL_TYPE (MopedCanvas, moped_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DESIGN,
  PROP_ZOOM,
  PROP_SNAP_TO_GRID,
  PROP_SHOW_GRID,
  PROP_SHOW_DEPLOYMENT,
  N_PROPS
};

enum {
  SELECTION_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- view ----------------------------------------------------------------------- */

void
moped_canvas_design_to_widget (MopedCanvas *self,
                               double       x,
                               double       y,
                               double      *widget_x,
                               double      *widget_y)
{
  g_return_if_fail (MOPED_IS_CANVAS (self));

  if (widget_x)
    *widget_x = (x - self->origin_x) * self->zoom;
  if (widget_y)
    *widget_y = (y - self->origin_y) * self->zoom;
}

void
moped_canvas_widget_to_design (MopedCanvas *self,
                               double       widget_x,
                               double       widget_y,
                               double      *x,
                               double      *y)
{
  g_return_if_fail (MOPED_IS_CANVAS (self));

  if (x)
    *x = widget_x / self->zoom + self->origin_x;
  if (y)
    *y = widget_y / self->zoom + self->origin_y;
}

MopedCanvasRect
_moped_canvas_get_visible (MopedCanvas *self)
{
  return (MopedCanvasRect) {
    self->origin_x, self->origin_y,
    gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom,
    gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom,
  };
}

MopedCanvasLod
_moped_canvas_get_lod (MopedCanvas *self)
{
  /* 11 px text is legible down to about 6 px; titles are larger. */
  if (self->zoom >= 0.55)
    return MOPED_CANVAS_LOD_FULL;
  if (self->zoom >= 0.32)
    return MOPED_CANVAS_LOD_TITLES;
  /* Ports smaller than a pixel are not worth drawing. */
  if (self->zoom >= 0.2)
    return MOPED_CANVAS_LOD_SHAPES;
  return MOPED_CANVAS_LOD_OUTLINE;
}

void
_moped_canvas_view_changed (MopedCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->rename_editor != NULL)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
_moped_canvas_zoom_at (MopedCanvas *self,
                       double       zoom,
                       double       widget_x,
                       double       widget_y)
{
  double x, y;

  zoom = CLAMP (zoom, MOPED_CANVAS_MIN_ZOOM, MOPED_CANVAS_MAX_ZOOM);
  if (zoom == self->zoom)
    return;
  /* Keep the design point under (widget_x, widget_y) where it is. */
  moped_canvas_widget_to_design (self, widget_x, widget_y, &x, &y);
  self->zoom = zoom;
  self->origin_x = x - widget_x / zoom;
  self->origin_y = y - widget_y / zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  _moped_canvas_view_changed (self);
}

void
_moped_canvas_pan (MopedCanvas *self,
                   double       dx,
                   double       dy)
{
  self->origin_x += dx / self->zoom;
  self->origin_y += dy / self->zoom;
  _moped_canvas_view_changed (self);
}

double
moped_canvas_get_zoom (MopedCanvas *self)
{
  g_return_val_if_fail (MOPED_IS_CANVAS (self), 1.0);
  return self->zoom;
}

void
moped_canvas_set_zoom (MopedCanvas *self,
                       double       zoom)
{
  g_return_if_fail (MOPED_IS_CANVAS (self));
  _moped_canvas_zoom_at (self, zoom,
                         gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                         gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

static void
center_on (MopedCanvas           *self,
           const MopedCanvasRect *rect)
{
  self->origin_x = rect->x + rect->width / 2 - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0 / self->zoom;
  self->origin_y = rect->y + rect->height / 2 - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 / self->zoom;
  _moped_canvas_view_changed (self);
}

void
moped_canvas_zoom_to_fit (MopedCanvas *self)
{
  int width, height;
  MopedCanvasRect extents = { -40, -40, 400, 300 };
  double zoom;

  g_return_if_fail (MOPED_IS_CANVAS (self));

  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (width <= 1 || height <= 1)
    {
      self->fit_pending = TRUE;
      return;
    }
  self->fit_pending = FALSE;

  if (self->geometry == NULL || !moped_canvas_geometry_get_extents (self->geometry, &extents))
    zoom = 1.0;
  else
    {
      /* Process and host frames, when shown, are part of the picture: their label
       * bands reach above the nodes, and a host's frame around a process's. */
      if (self->show_deployment)
        {
          g_autoptr(GArray) frames = moped_canvas_geometry_dup_frames (self->geometry);

          for (guint i = 0; i < frames->len; i++)
            moped_canvas_rect_union (&extents, &g_array_index (frames, MopedCanvasFrame, i).rect);
        }
      /* 24 pixels of margin on every side. */
      zoom = MIN ((width - 48.0) / extents.width, (height - 48.0) / extents.height);
    }
  zoom = CLAMP (zoom, MOPED_CANVAS_MIN_ZOOM, MOPED_CANVAS_FIT_MAX_ZOOM);
  if (zoom != self->zoom)
    {
      self->zoom = zoom;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  center_on (self, &extents);
}

/* ---- selection -------------------------------------------------------------- */

static gboolean
is_selectable (MopedElement *element)
{
  switch (moped_element_get_kind (element))
    {
    case MOPED_KIND_NODE:
    case MOPED_KIND_SOCKET:
    case MOPED_KIND_LINK:
    case MOPED_KIND_NOTE:
    case MOPED_KIND_PROCESS:  /* by the name on its frame */
    case MOPED_KIND_HOST:
      return TRUE;
    case MOPED_KIND_DESIGN:
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
      return FALSE;
    }
}

static void
update_action_state (MopedCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_design = self->design != NULL;
  gboolean any = self->selection->len > 0;
  g_autoptr(GPtrArray) movable = _moped_canvas_movable_selection (self);

  gtk_widget_action_set_enabled (widget, "canvas.delete", any);
  gtk_widget_action_set_enabled (widget, "canvas.cut", movable->len > 0);
  gtk_widget_action_set_enabled (widget, "canvas.copy", movable->len > 0);
  gtk_widget_action_set_enabled (widget, "canvas.duplicate", movable->len > 0);
  gtk_widget_action_set_enabled (widget, "canvas.add-node", has_design);
  gtk_widget_action_set_enabled (widget, "canvas.add-note", has_design);
  gtk_widget_action_set_enabled (widget, "canvas.paste", has_design);
  gtk_widget_action_set_enabled (widget, "canvas.select-all", has_design);
  gtk_widget_action_set_enabled (widget, "canvas.undo", has_design && moped_design_can_undo (self->design));
  gtk_widget_action_set_enabled (widget, "canvas.redo", has_design && moped_design_can_redo (self->design));
}

void
_moped_canvas_update_accessible_description (MopedCanvas *self)
{
  g_autofree char *text = NULL;

  if (self->design == NULL)
    text = g_strdup ("No design");
  else
    {
      g_autoptr(GPtrArray) nodes = moped_design_collect (self->design, MOPED_KIND_NODE);
      g_autoptr(GPtrArray) links = moped_design_collect (self->design, MOPED_KIND_LINK);
      g_autoptr(GPtrArray) notes = moped_design_collect (self->design, MOPED_KIND_NOTE);

      g_autofree char *n = g_strdup_printf (g_dngettext (NULL, "%u node", "%u nodes", nodes->len), nodes->len);
      g_autofree char *l = g_strdup_printf (g_dngettext (NULL, "%u link", "%u links", links->len), links->len);
      g_autofree char *t = g_strdup_printf (g_dngettext (NULL, "%u note", "%u notes", notes->len), notes->len);

      GString *others = g_string_new (NULL);

      /* The others of a shared design, for those who do not see their colours. */
      for (guint i = 0; self->presence != NULL && i < self->presence->len; i++)
        {
          const MopedCanvasPresence *p = g_ptr_array_index (self->presence, i);

          g_string_append_printf (others, "; %s has %u selected", p->name,
                                  p->selection ? g_strv_length (p->selection) : 0);
        }
      text = g_strdup_printf ("%s, %s, %s; %u selected%s", n, l, t, self->selection->len, others->str);
      g_string_free (others, TRUE);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

static void
selection_changed (MopedCanvas *self)
{
  self->selection_serial++;
  update_action_state (self);
  _moped_canvas_update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
_moped_canvas_set_selection (MopedCanvas *self,
                             GPtrArray   *elements)
{
  gboolean same = elements->len == self->selection->len;

  for (guint i = 0; same && i < elements->len; i++)
    same = g_ptr_array_index (elements, i) == g_ptr_array_index (self->selection, i);
  if (same)
    return;

  g_ptr_array_set_size (self->selection, 0);
  g_hash_table_remove_all (self->selected);
  for (guint i = 0; i < elements->len; i++)
    {
      MopedElement *element = g_ptr_array_index (elements, i);

      if (is_selectable (element) && g_hash_table_add (self->selected, element))
        g_ptr_array_add (self->selection, element);
    }
  selection_changed (self);
}

gboolean
_moped_canvas_is_selected (MopedCanvas  *self,
                           MopedElement *element)
{
  return element != NULL && g_hash_table_contains (self->selected, element);
}

void
_moped_canvas_toggle_selected (MopedCanvas  *self,
                               MopedElement *element)
{
  if (g_hash_table_remove (self->selected, element))
    g_ptr_array_remove (self->selection, element);
  else if (is_selectable (element))
    {
      g_hash_table_add (self->selected, element);
      g_ptr_array_add (self->selection, element);
    }
  else
    return;
  selection_changed (self);
}

GStrv
moped_canvas_dup_selection (MopedCanvas *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv ids;

  for (guint i = 0; MOPED_IS_CANVAS (self) && i < self->selection->len; i++)
    g_strv_builder_add (builder, moped_element_get_id (g_ptr_array_index (self->selection, i)));
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

void
moped_canvas_select (MopedCanvas *self,
                     const char  *id,
                     gboolean     extend)
{
  MopedElement *element;
  g_autoptr(GPtrArray) elements = NULL;

  g_return_if_fail (MOPED_IS_CANVAS (self));
  g_return_if_fail (id != NULL);

  element = self->design ? moped_design_lookup (self->design, id) : NULL;
  if (element == NULL || !is_selectable (element))
    return;
  elements = extend ? g_ptr_array_copy (self->selection, NULL, NULL) : g_ptr_array_new ();
  if (!g_ptr_array_find (elements, element, NULL))
    g_ptr_array_add (elements, element);
  _moped_canvas_set_selection (self, elements);
}

void
moped_canvas_clear_selection (MopedCanvas *self)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  g_return_if_fail (MOPED_IS_CANVAS (self));
  _moped_canvas_set_selection (self, none);
}

MopedElement *
_moped_canvas_drawable_for (MopedCanvas  *self,
                            MopedElement *element)
{
  if (element == NULL)
    return NULL;
  if (is_selectable (element))
    return element;
  if (moped_element_get_kind (element) == MOPED_KIND_REQUIREMENT)
    return moped_element_get_ref (element, MOPED_PROP_TARGET);
  if (moped_element_get_kind (element) == MOPED_KIND_METHOD || moped_element_get_kind (element) == MOPED_KIND_PARAM)
    return moped_element_get_ancestor (element, MOPED_KIND_NODE);
  return NULL;
}

static gboolean
element_area (MopedCanvas     *self,
              MopedElement    *element,
              MopedCanvasRect *area)
{
  const MopedCanvasBox *box = moped_canvas_geometry_get_box (self->geometry, element);
  const MopedCanvasPort *port = moped_canvas_geometry_get_port (self->geometry, element);
  const MopedCanvasLinkCurve *curve = moped_canvas_geometry_get_link_curve (self->geometry, element);

  if (box != NULL)
    *area = box->rect;
  else if (port != NULL)
    *area = port->chip;
  else if (curve != NULL)
    *area = curve->bounds;
  return box != NULL || port != NULL || curve != NULL;
}

void
moped_canvas_reveal (MopedCanvas *self,
                     const char  *id)
{
  MopedElement *element;
  MopedCanvasRect area, visible;

  g_return_if_fail (MOPED_IS_CANVAS (self));
  g_return_if_fail (id != NULL);

  if (self->design == NULL)
    return;
  element = _moped_canvas_drawable_for (self, moped_design_lookup (self->design, id));
  if (element == NULL)
    return;
  moped_canvas_select (self, moped_element_get_id (element), FALSE);
  if (!element_area (self, element, &area))
    return;

  /* Not sized yet: the fit to come shows everything, this element too. */
  if (self->fit_pending)
    return;
  visible = _moped_canvas_get_visible (self);
  if (!moped_canvas_rect_encloses (&visible, &area))
    center_on (self, &area);
}

/* ---- diagnostics -------------------------------------------------------------- */

static void
badge_free (gpointer data)
{
  MopedCanvasBadge *badge = data;

  g_ptr_array_unref (badge->messages);
  g_free (badge);
}

static void
rebuild_badges (MopedCanvas *self)
{
  g_hash_table_remove_all (self->badges);
  if (self->diagnostics == NULL || self->design == NULL)
    return;

  for (guint i = 0; i < self->diagnostics->len; i++)
    {
      MopedDiagnostic *diagnostic = g_ptr_array_index (self->diagnostics, i);

      for (guint k = 0; diagnostic->element_ids && diagnostic->element_ids[k]; k++)
        {
          MopedElement *element = moped_design_lookup (self->design, diagnostic->element_ids[k]);
          MopedCanvasBadge *badge;

          element = _moped_canvas_drawable_for (self, element);
          if (element == NULL)
            continue;
          badge = g_hash_table_lookup (self->badges, element);
          if (badge == NULL)
            {
              badge = g_new0 (MopedCanvasBadge, 1);
              badge->messages = g_ptr_array_new ();
              g_hash_table_insert (self->badges, element, badge);
            }
          if (g_ptr_array_find (badge->messages, diagnostic->message, NULL))
            continue;
          g_ptr_array_add (badge->messages, diagnostic->message);
          if (diagnostic->severity == MOPED_SEVERITY_ERROR)
            badge->errors++;
          else if (diagnostic->severity == MOPED_SEVERITY_WARNING)
            badge->warnings++;
          else
            badge->infos++;
        }
    }
}

void
moped_canvas_set_diagnostics (MopedCanvas *self,
                              GPtrArray   *diagnostics)
{
  g_return_if_fail (MOPED_IS_CANVAS (self));

  if (diagnostics != NULL)
    g_ptr_array_ref (diagnostics);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = diagnostics;
  rebuild_badges (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const MopedCanvasBadge *
_moped_canvas_get_badge (MopedCanvas  *self,
                         MopedElement *element)
{
  return g_hash_table_lookup (self->badges, element);
}

/* ---- the design ------------------------------------------------------------------- */

static void
forget_removed (MopedCanvas  *self,
                const GArray *changes)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  gboolean lost = FALSE;

  for (guint i = 0; i < self->selection->len; i++)
    {
      MopedElement *element = g_ptr_array_index (self->selection, i);

      if (moped_element_get_design (element) == self->design)
        g_ptr_array_add (kept, element);
      else
        lost = TRUE;
    }
  if (lost)
    _moped_canvas_set_selection (self, kept);

  if (self->hover != NULL && moped_element_get_design (self->hover) != self->design)
    self->hover = NULL;

  /* Badges point at elements: the diagnostics will be replaced, but until then a
   * removed element must not be looked at. */
  for (guint i = 0; i < changes->len; i++)
    {
      const MopedChange *change = &g_array_index (changes, MopedChange, i);

      if (change->type == MOPED_CHANGE_REMOVED)
        {
          g_hash_table_remove (self->badges, change->element);
          /* Whatever the drag holds may be gone: stop it, without editing from
           * inside this notification. */
          if (self->drag != MOPED_CANVAS_DRAG_NONE)
            _moped_canvas_cancel_drag (self, FALSE);
        }
    }
}

/* A change to something drawn in the static layer makes that layer stale. */
static gboolean
touches_static (MopedCanvas  *self,
                const GArray *changes)
{
  for (guint i = 0; i < changes->len; i++)
    {
      MopedElement *element = g_array_index (changes, MopedChange, i).element;

      if (moped_element_get_kind (element) == MOPED_KIND_SOCKET)
        element = moped_element_get_parent (element);
      if (element == NULL || !g_hash_table_contains (self->dynamic, element))
        return TRUE;
    }
  return FALSE;
}

static void
design_changed_cb (MopedDesign  *design,
                   const GArray *changes,
                   MopedCanvas  *self)
{
  g_autoptr(GHashTable) dirty = g_hash_table_new (NULL, NULL);

  moped_canvas_geometry_update (self->geometry, changes, dirty);
  _moped_canvas_drop_caches (self, dirty);
  if (self->dynamic != NULL && touches_static (self, changes))
    _moped_canvas_drop_static (self);
  forget_removed (self, changes);
  update_action_state (self);
  _moped_canvas_update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->rename_editor != NULL)
    {
      /* The element went away (undo, another window): nothing is left to name. */
      if (moped_design_lookup (design, self->rename_id) == NULL)
        _moped_canvas_end_rename (self, FALSE);
      else
        gtk_widget_queue_allocate (GTK_WIDGET (self));
    }
}

static void
history_changed_cb (MopedCanvas *self)
{
  update_action_state (self);
}

void
moped_canvas_set_design (MopedCanvas *self,
                         MopedDesign *design)
{
  g_return_if_fail (MOPED_IS_CANVAS (self));
  g_return_if_fail (design == NULL || MOPED_IS_DESIGN (design));

  if (self->design == design)
    return;

  _moped_canvas_end_rename (self, FALSE);
  _moped_canvas_cancel_drag (self, FALSE);
  if (self->design != NULL)
    g_signal_handlers_disconnect_by_data (self->design, self);
  g_ptr_array_set_size (self->selection, 0);
  g_hash_table_remove_all (self->selected);
  g_hash_table_remove_all (self->badges);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->geometry, moped_canvas_geometry_free);
  self->hover = NULL;
  _moped_canvas_drop_caches (self, NULL);
  g_set_object (&self->design, design);

  if (design != NULL)
    {
      self->geometry = moped_canvas_geometry_new (design, _moped_canvas_measure, self);
      g_signal_connect_object (design, "changed", G_CALLBACK (design_changed_cb), self, 0);
      g_signal_connect_object (design, "notify::can-undo", G_CALLBACK (history_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (design, "notify::can-redo", G_CALLBACK (history_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  moped_canvas_zoom_to_fit (self);
  selection_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESIGN]);
}

MopedDesign *
moped_canvas_get_design (MopedCanvas *self)
{
  g_return_val_if_fail (MOPED_IS_CANVAS (self), NULL);
  return self->design;
}

MopedCanvasGeometry *
moped_canvas_get_geometry (MopedCanvas *self)
{
  g_return_val_if_fail (MOPED_IS_CANVAS (self), NULL);
  return self->geometry;
}

gboolean
moped_canvas_get_snap_to_grid (MopedCanvas *self)
{
  g_return_val_if_fail (MOPED_IS_CANVAS (self), FALSE);
  return self->snap;
}

void
moped_canvas_set_snap_to_grid (MopedCanvas *self,
                               gboolean     snap)
{
  g_return_if_fail (MOPED_IS_CANVAS (self));

  snap = !!snap;
  if (self->snap == (guint) snap)
    return;
  self->snap = snap;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAP_TO_GRID]);
}

gboolean
moped_canvas_get_show_grid (MopedCanvas *self)
{
  g_return_val_if_fail (MOPED_IS_CANVAS (self), FALSE);
  return self->show_grid;
}

void
moped_canvas_set_show_grid (MopedCanvas *self,
                            gboolean     show)
{
  g_return_if_fail (MOPED_IS_CANVAS (self));

  show = !!show;
  if (self->show_grid == (guint) show)
    return;
  self->show_grid = show;
  _moped_canvas_drop_static (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_GRID]);
}

gboolean
moped_canvas_get_show_deployment (MopedCanvas *self)
{
  g_return_val_if_fail (MOPED_IS_CANVAS (self), FALSE);

  return self->show_deployment;
}

void
moped_canvas_set_show_deployment (MopedCanvas *self,
                                  gboolean     show)
{
  g_return_if_fail (MOPED_IS_CANVAS (self));

  show = !!show;
  if (self->show_deployment == (guint) show)
    return;
  self->show_deployment = show;
  _moped_canvas_drop_static (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_DEPLOYMENT]);
}

void
_moped_canvas_get_insert_point (MopedCanvas *self,
                                double      *x,
                                double      *y)
{
  if (self->pointer_inside)
    moped_canvas_widget_to_design (self, self->pointer_x, self->pointer_y, x, y);
  else
    moped_canvas_widget_to_design (self,
                                   gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                                   gtk_widget_get_height (GTK_WIDGET (self)) / 2.0,
                                   x, y);
}

/* ---- actions -------------------------------------------------------------------- */

static void
zoom_step (MopedCanvas *self,
           double       factor)
{
  double x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  double y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;

  if (self->pointer_inside)
    {
      x = self->pointer_x;
      y = self->pointer_y;
    }
  _moped_canvas_zoom_at (self, self->zoom * factor, x, y);
}

/* Each action of the canvas has its own callback (installed in install_actions). */
#define SELF MopedCanvas *self = MOPED_CANVAS (widget)

/* Whether there is a design to edit; if not, the bell says the action did nothing. */
static gboolean
has_design (MopedCanvas *self)
{
  if (self->design != NULL)
    return TRUE;
  gtk_widget_error_bell (GTK_WIDGET (self));
  return FALSE;
}

static void
zoom_in_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  zoom_step (self, 1.25);
}

static void
zoom_out_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  zoom_step (self, 1 / 1.25);
}

static void
zoom_fit_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  moped_canvas_zoom_to_fit (MOPED_CANVAS (widget));
}

static void
zoom_reset_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  zoom_step (self, 1.0 / self->zoom);
}

static void
popup_menu_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;
  double x, y;

  _moped_canvas_get_insert_point (self, &x, &y);
  moped_canvas_design_to_widget (self, x, y, &x, &y);
  _moped_canvas_popup_menu (self, x, y);
}

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (self->drag != MOPED_CANVAS_DRAG_NONE)
    _moped_canvas_cancel_drag (self, TRUE);
  else
    moped_canvas_clear_selection (self);
}

static void
rename_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;
  MopedElement *target;

  if (!has_design (self))
    return;
  target = _moped_canvas_rename_target (self);
  if (target != NULL)
    _moped_canvas_begin_rename (self, target, NULL);
  else
    gtk_widget_error_bell (widget);
}

/* What is added is named at once, where it appears: typing goes on with its name. */
static void
add_node_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;
  MopedElement *node;
  double x, y;

  if (!has_design (self))
    return;
  _moped_canvas_end_rename (self, TRUE);
  _moped_canvas_get_insert_point (self, &x, &y);
  /* At the pointer, or beside what is already there: never on top of another box
   * (two Alt+N without moving the mouse stacked the nodes). */
  _moped_canvas_find_free_spot (self,
                                  g_ascii_strtod (moped_schema_get_prop (MOPED_KIND_NODE, MOPED_PROP_WIDTH)->default_text, NULL),
                                  g_ascii_strtod (moped_schema_get_prop (MOPED_KIND_NODE, MOPED_PROP_HEIGHT)->default_text, NULL),
                                  &x, &y);
  if ((node = _moped_canvas_create_node (self, x, y)) != NULL)
    _moped_canvas_begin_rename (self, node, NULL);
}

static void
add_note_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;
  MopedElement *note;
  double x, y;

  if (!has_design (self))
    return;
  _moped_canvas_end_rename (self, TRUE);
  _moped_canvas_get_insert_point (self, &x, &y);
  if ((note = _moped_canvas_create_note (self, x, y)) != NULL)
    _moped_canvas_begin_rename (self, note, NULL);
}

static void
add_socket_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;
  MopedElement *socket;

  if (!has_design (self))
    return;
  _moped_canvas_end_rename (self, TRUE);
  if ((socket = _moped_canvas_add_socket (self, MOPED_CANVAS_DEFAULT_SOCKET_TYPE)) != NULL)
    _moped_canvas_begin_rename (self, socket, NULL);
}

static void
socket_menu_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self))
    {
      _moped_canvas_end_rename (self, TRUE);
      _moped_canvas_popup_socket_menu (self);
    }
}

/* A socket of the chosen type from the Alt+S menu, named at once where it is drawn. */
static void
new_socket_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;
  MopedSocketType type;
  MopedElement *socket;

  if (!has_design (self))
    return;
  if (!moped_socket_type_from_name (g_variant_get_string (parameter, NULL), &type))
    {
      gtk_widget_error_bell (widget);
      return;
    }
  _moped_canvas_end_rename (self, TRUE);
  if ((socket = _moped_canvas_add_socket (self, type)) != NULL)
    {
      gtk_widget_grab_focus (widget);
      _moped_canvas_begin_rename (self, socket, NULL);
    }
}

static void
add_socket_type_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;
  MopedSocketType type;

  if (!has_design (self))
    return;
  if (moped_socket_type_from_name (g_variant_get_string (parameter, NULL), &type))
    _moped_canvas_add_socket (self, type);
  else
    gtk_widget_error_bell (widget);
}

/* One callback for the six alignments: the action's parameter names the edge or line. */
static void
align_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  static const struct { const char *to; MopedCanvasAlign how; } aligns[] = {
    { "left", MOPED_CANVAS_ALIGN_LEFT }, { "right", MOPED_CANVAS_ALIGN_RIGHT },
    { "top", MOPED_CANVAS_ALIGN_TOP }, { "bottom", MOPED_CANVAS_ALIGN_BOTTOM },
    { "center-x", MOPED_CANVAS_ALIGN_CENTER_X }, { "center-y", MOPED_CANVAS_ALIGN_CENTER_Y },
  };
  const char *to = g_variant_get_string (parameter, NULL);
  SELF;

  for (guint i = 0; i < G_N_ELEMENTS (aligns); i++)
    if (g_str_equal (to, aligns[i].to) && _moped_canvas_align (self, aligns[i].how))
      return;
  gtk_widget_error_bell (widget);
}

static void
distribute_horizontally_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  if (!_moped_canvas_distribute (MOPED_CANVAS (widget), TRUE))
    gtk_widget_error_bell (widget);
}

static void
distribute_vertically_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  if (!_moped_canvas_distribute (MOPED_CANVAS (widget), FALSE))
    gtk_widget_error_bell (widget);
}

static void
raise_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  if (!_moped_canvas_restack (MOPED_CANVAS (widget), TRUE))
    gtk_widget_error_bell (widget);
}

static void
lower_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  if (!_moped_canvas_restack (MOPED_CANVAS (widget), FALSE))
    gtk_widget_error_bell (widget);
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self))
    _moped_canvas_delete_selection (self);
}

static void
duplicate_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self))
    _moped_canvas_duplicate (self);
}

static void
select_all_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;
  MopedCanvasRect everything = { -G_MAXDOUBLE / 4, -G_MAXDOUBLE / 4, G_MAXDOUBLE / 2, G_MAXDOUBLE / 2 };
  g_autoptr(GPtrArray) all = NULL;

  if (!has_design (self))
    return;
  all = moped_canvas_geometry_in_rect (self->geometry, &everything);
  _moped_canvas_set_selection (self, all);
}

static void
copy_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self))
    _moped_canvas_copy (self);
}

static void
cut_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (!has_design (self))
    return;
  _moped_canvas_copy (self);
  _moped_canvas_delete_selection (self);
}

static void
paste_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self))
    _moped_canvas_paste (self);
}

/* Moves the selection by (@dx, @dy) grid steps (points when the grid is off). */
static void
nudge_by (MopedCanvas *self,
          double       dx,
          double       dy)
{
  double step = self->snap ? MOPED_CANVAS_GRID : 1.0;

  if (has_design (self))
    _moped_canvas_nudge (self, dx * step, dy * step);
}

static void
move_left_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  nudge_by (MOPED_CANVAS (widget), -1, 0);
}

static void
move_right_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  nudge_by (MOPED_CANVAS (widget), 1, 0);
}

static void
move_up_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  nudge_by (MOPED_CANVAS (widget), 0, -1);
}

static void
move_down_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  nudge_by (MOPED_CANVAS (widget), 0, 1);
}

static void
nudge_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  double dx, dy;

  g_variant_get (parameter, "(dd)", &dx, &dy);
  nudge_by (MOPED_CANVAS (widget), dx, dy);
}

static void
select_left_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  _moped_canvas_select_toward (MOPED_CANVAS (widget), -1, 0);
}

static void
select_right_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  _moped_canvas_select_toward (MOPED_CANVAS (widget), 1, 0);
}

static void
select_up_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  _moped_canvas_select_toward (MOPED_CANVAS (widget), 0, -1);
}

static void
select_down_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  _moped_canvas_select_toward (MOPED_CANVAS (widget), 0, 1);
}

static void
link_menu_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self))
    _moped_canvas_popup_link_menu (self);
}

static void
link_to_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self) && !moped_canvas_link_selection_to (self, g_variant_get_string (parameter, NULL)))
    gtk_widget_error_bell (widget);
}

static void
new_process_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self) && _moped_canvas_new_process (self) == NULL)
    gtk_widget_error_bell (widget);
}

static void
undo_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self))
    moped_design_undo (self->design);
}

static void
redo_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  SELF;

  if (has_design (self))
    moped_design_redo (self->design);
}

#undef SELF

static void
install_actions (GtkWidgetClass *widget_class)
{
  static const struct {
    const char                  *name;
    const char                  *parameter_type;
    GtkWidgetActionActivateFunc  activate;
  } actions[] = {
    { "canvas.add-node", NULL, add_node_action },
    { "canvas.add-note", NULL, add_note_action },
    { "canvas.add-socket", NULL, add_socket_action },
    { "canvas.add-socket-type", "s", add_socket_type_action },
    { "canvas.socket-menu", NULL, socket_menu_action },
    { "canvas.new-socket", "s", new_socket_action },
    { "canvas.rename", NULL, rename_action },
    { "canvas.align", "s", align_action },
    { "canvas.distribute-horizontally", NULL, distribute_horizontally_action },
    { "canvas.distribute-vertically", NULL, distribute_vertically_action },
    { "canvas.raise", NULL, raise_action },
    { "canvas.lower", NULL, lower_action },
    { "canvas.delete", NULL, delete_action },
    { "canvas.duplicate", NULL, duplicate_action },
    { "canvas.select-all", NULL, select_all_action },
    { "canvas.copy", NULL, copy_action },
    { "canvas.cut", NULL, cut_action },
    { "canvas.paste", NULL, paste_action },
    { "canvas.zoom-in", NULL, zoom_in_action },
    { "canvas.zoom-out", NULL, zoom_out_action },
    { "canvas.zoom-fit", NULL, zoom_fit_action },
    { "canvas.zoom-reset", NULL, zoom_reset_action },
    { "canvas.move-left", NULL, move_left_action },
    { "canvas.move-right", NULL, move_right_action },
    { "canvas.move-up", NULL, move_up_action },
    { "canvas.move-down", NULL, move_down_action },
    { "canvas.nudge", "(dd)", nudge_action },
    { "canvas.select-left", NULL, select_left_action },
    { "canvas.select-right", NULL, select_right_action },
    { "canvas.select-up", NULL, select_up_action },
    { "canvas.select-down", NULL, select_down_action },
    { "canvas.link-menu", NULL, link_menu_action },
    { "canvas.link-to", "s", link_to_action },
    { "canvas.new-process", NULL, new_process_action },
    { "canvas.undo", NULL, undo_action },
    { "canvas.redo", NULL, redo_action },
    { "canvas.cancel", NULL, cancel_action },
    { "canvas.popup-menu", NULL, popup_menu_action },
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i].name, actions[i].parameter_type,
                                     actions[i].activate);
  gtk_widget_class_install_property_action (widget_class, "canvas.snap", "snap-to-grid");
  gtk_widget_class_install_property_action (widget_class, "canvas.grid", "show-grid");
  gtk_widget_class_install_property_action (widget_class, "canvas.deployment", "show-deployment");
}

static void
bind (GtkWidgetClass *widget_class,
      guint           keyval,
      GdkModifierType mods,
      const char     *action)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, mods, action, NULL);
}

/* Align and distribute: Ctrl+Shift with an arrow for an edge, a letter for the rest. */
static void
bind_align (GtkWidgetClass *widget_class,
            guint           keyval,
            const char     *to)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.align",
                                       "s", to);
}

static void
bind_nudge (GtkWidgetClass *widget_class,
            guint           keyval,
            double          dx,
            double          dy)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, GDK_ALT_MASK | GDK_SHIFT_MASK, "canvas.nudge",
                                       "(dd)", dx, dy);
}

static void
install_bindings (GtkWidgetClass *widget_class)
{
  bind (widget_class, GDK_KEY_Delete, 0, "canvas.delete");
  bind (widget_class, GDK_KEY_KP_Delete, 0, "canvas.delete");
  bind (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete");
  bind (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "canvas.select-all");
  bind (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "canvas.copy");
  bind (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "canvas.cut");
  bind (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "canvas.paste");
  bind (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "canvas.duplicate");
  bind (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "canvas.undo");
  bind (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.redo");
  bind (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "canvas.redo");
  /* Letters and digits alone are text: typed with an element selected they name it.
   * Commands take a modifier (or a key that is not a letter). */
  bind (widget_class, GDK_KEY_F2, 0, "canvas.rename");
  bind (widget_class, GDK_KEY_Return, 0, "canvas.rename");
  bind (widget_class, GDK_KEY_KP_Enter, 0, "canvas.rename");
  bind (widget_class, GDK_KEY_n, GDK_ALT_MASK, "canvas.add-node");
  bind (widget_class, GDK_KEY_Insert, 0, "canvas.add-node");
  bind (widget_class, GDK_KEY_s, GDK_ALT_MASK, "canvas.socket-menu");
  bind (widget_class, GDK_KEY_t, GDK_ALT_MASK, "canvas.add-note");
  bind (widget_class, GDK_KEY_g, GDK_ALT_MASK, "canvas.snap");
  bind (widget_class, GDK_KEY_g, GDK_ALT_MASK | GDK_SHIFT_MASK, "canvas.grid");
  bind (widget_class, GDK_KEY_plus, 0, "canvas.zoom-in");
  bind (widget_class, GDK_KEY_equal, 0, "canvas.zoom-in");
  bind (widget_class, GDK_KEY_KP_Add, 0, "canvas.zoom-in");
  bind (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "canvas.zoom-in");
  bind (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "canvas.zoom-in");
  bind (widget_class, GDK_KEY_minus, 0, "canvas.zoom-out");
  bind (widget_class, GDK_KEY_KP_Subtract, 0, "canvas.zoom-out");
  bind (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "canvas.zoom-out");
  bind (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "canvas.zoom-reset");
  bind (widget_class, GDK_KEY_Home, 0, "canvas.zoom-fit");
  /* Arrows walk the selection between nodes, sockets and links; with Alt they move
   * what is selected (a grid step, ten with Shift). */
  bind (widget_class, GDK_KEY_Left, 0, "canvas.select-left");
  bind (widget_class, GDK_KEY_Right, 0, "canvas.select-right");
  bind (widget_class, GDK_KEY_Up, 0, "canvas.select-up");
  bind (widget_class, GDK_KEY_Down, 0, "canvas.select-down");
  bind (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "canvas.move-left");
  bind (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "canvas.move-right");
  bind (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "canvas.move-up");
  bind (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "canvas.move-down");
  bind (widget_class, GDK_KEY_l, GDK_ALT_MASK, "canvas.link-menu");
  bind_align (widget_class, GDK_KEY_Left, "left");
  bind_align (widget_class, GDK_KEY_Right, "right");
  bind_align (widget_class, GDK_KEY_Up, "top");
  bind_align (widget_class, GDK_KEY_Down, "bottom");
  bind_align (widget_class, GDK_KEY_x, "center-x");
  bind_align (widget_class, GDK_KEY_y, "center-y");
  bind (widget_class, GDK_KEY_h, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.distribute-horizontally");
  bind (widget_class, GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.distribute-vertically");
  bind (widget_class, GDK_KEY_Page_Up, 0, "canvas.raise");
  bind (widget_class, GDK_KEY_Page_Down, 0, "canvas.lower");
  bind_nudge (widget_class, GDK_KEY_Left, -10, 0);
  bind_nudge (widget_class, GDK_KEY_Right, 10, 0);
  bind_nudge (widget_class, GDK_KEY_Up, 0, -10);
  bind_nudge (widget_class, GDK_KEY_Down, 0, 10);
  bind (widget_class, GDK_KEY_Escape, 0, "canvas.cancel");
  bind (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "canvas.popup-menu");
  bind (widget_class, GDK_KEY_Menu, 0, "canvas.popup-menu");
}

/* ---- GObject ------------------------------------------------------------------- */

static void
moped_canvas_measure_size (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 600;
}

static void
moped_canvas_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  MopedCanvas *self = MOPED_CANVAS (widget);

  if (self->fit_pending && width > 1 && height > 1)
    moped_canvas_zoom_to_fit (self);
  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
  if (self->link_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->link_menu));
  if (self->socket_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->socket_menu));
  _moped_canvas_allocate_rename (self);
}

/* The window's style decides the palette: a light text colour means a dark style. */
static void
moped_canvas_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  MopedCanvas *self = MOPED_CANVAS (widget);
  GdkRGBA color;
  gboolean dark;

  GTK_WIDGET_CLASS (moped_canvas_parent_class)->css_changed (widget, change);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  dark = 0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue > 0.5;
  if (dark != self->dark)
    {
      self->dark = dark;
      _moped_canvas_drop_caches (self, NULL);
      _moped_canvas_drop_static (self);
      gtk_widget_queue_draw (widget);
    }
}

gboolean
moped_canvas_get_dark (MopedCanvas *self)
{
  g_return_val_if_fail (MOPED_IS_CANVAS (self), FALSE);

  return self->dark;
}

static void
moped_canvas_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  MopedCanvas *self = MOPED_CANVAS (widget);

  _moped_canvas_snapshot (widget, snapshot);
  if (self->rename_editor != NULL)
    gtk_widget_snapshot_child (widget, self->rename_editor, snapshot);
}

static void
moped_canvas_dispose (GObject *object)
{
  MopedCanvas *self = (MopedCanvas *) object;

  _moped_canvas_end_rename (self, FALSE);
  if (self->design != NULL)
    moped_canvas_set_design (self, NULL);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_pointer (&self->link_menu, gtk_widget_unparent);
  g_clear_pointer (&self->socket_menu, gtk_widget_unparent);

  G_OBJECT_CLASS (moped_canvas_parent_class)->dispose (object);
}

static void
moped_canvas_finalize (GObject *object)
{
  MopedCanvas *self = (MopedCanvas *) object;

  _moped_canvas_finalize_drawing (self);
  g_clear_pointer (&self->geometry, moped_canvas_geometry_free);
  g_clear_pointer (&self->presence, g_ptr_array_unref);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->badges, g_hash_table_unref);
  g_clear_pointer (&self->selection, g_ptr_array_unref);
  g_clear_pointer (&self->selected, g_hash_table_unref);
  g_clear_pointer (&self->drag_origins, g_array_unref);
  g_clear_pointer (&self->rubber_base, g_ptr_array_unref);
  g_clear_pointer (&self->link_pairs, g_hash_table_unref);
  g_clear_pointer (&self->drag_key, g_free);
  g_clear_object (&self->design);

  G_OBJECT_CLASS (moped_canvas_parent_class)->finalize (object);
}

static void
moped_canvas_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MopedCanvas *self = MOPED_CANVAS (object);

  switch (prop_id)
    {
    case PROP_DESIGN:
      g_value_set_object (value, self->design);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SNAP_TO_GRID:
      g_value_set_boolean (value, self->snap);
      break;
    case PROP_SHOW_GRID:
      g_value_set_boolean (value, self->show_grid);
      break;
    case PROP_SHOW_DEPLOYMENT:
      g_value_set_boolean (value, self->show_deployment);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
moped_canvas_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  MopedCanvas *self = MOPED_CANVAS (object);

  switch (prop_id)
    {
    case PROP_DESIGN:
      moped_canvas_set_design (self, g_value_get_object (value));
      break;
    case PROP_ZOOM:
      moped_canvas_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SNAP_TO_GRID:
      moped_canvas_set_snap_to_grid (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_GRID:
      moped_canvas_set_show_grid (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_DEPLOYMENT:
      moped_canvas_set_show_deployment (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
moped_canvas_class_init (MopedCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = moped_canvas_dispose;
  object_class->finalize = moped_canvas_finalize;
  object_class->get_property = moped_canvas_get_property;
  object_class->set_property = moped_canvas_set_property;

  widget_class->measure = moped_canvas_measure_size;
  widget_class->size_allocate = moped_canvas_size_allocate;
  widget_class->snapshot = moped_canvas_snapshot;
  widget_class->css_changed = moped_canvas_css_changed;
  widget_class->query_tooltip = _moped_canvas_query_tooltip;

  properties[PROP_DESIGN] =
    g_param_spec_object ("design", NULL, NULL, MOPED_TYPE_DESIGN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MOPED_CANVAS_MIN_ZOOM, MOPED_CANVAS_MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SNAP_TO_GRID] =
    g_param_spec_boolean ("snap-to-grid", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_GRID] =
    g_param_spec_boolean ("show-grid", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_DEPLOYMENT] =
    g_param_spec_boolean ("show-deployment", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  install_actions (widget_class);
  install_bindings (widget_class);
  gtk_widget_class_set_css_name (widget_class, "mopedcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
moped_canvas_init (MopedCanvas *self)
{
  self->zoom = 1.0;
  self->show_grid = TRUE;
  self->show_deployment = TRUE;
  self->selection = g_ptr_array_new ();
  self->selected = g_hash_table_new (NULL, NULL);
  self->badges = g_hash_table_new_full (NULL, NULL, NULL, badge_free);
  self->drag_origins = g_array_new (FALSE, FALSE, sizeof (MopedCanvasOrigin));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Design canvas",
                                  -1);
  _moped_canvas_init_drawing (self);
  _moped_canvas_init_input (self);
  update_action_state (self);
  _moped_canvas_update_accessible_description (self);
}

GtkWidget *
moped_canvas_new (void)
{
  return g_object_new (MOPED_TYPE_CANVAS, NULL);
}
