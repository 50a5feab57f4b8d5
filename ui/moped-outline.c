/* moped-outline.c: the design as a list beside the canvas: what a screen reader or the keyboard finds, selects, renames and links.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * GTK 4.8 cannot give a custom-drawn widget accessible children (that needs 4.10), so
 * the canvas's nodes, sockets, links and notes are mirrored here as list rows, each
 * named for what it is ("Socket reply, REP, binds, on server"). The list's selection
 * and the canvas's are one: choosing a row selects and reveals the element, selecting
 * on the canvas selects the rows. Enter on a row names the element in place; Link To
 * lists the sockets the selected socket can be linked to.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-inspector-util.h"
#include "moped-outline.h"
#include "moped-schema.h"
#include "moped-socket-type.h"

struct _MopedOutline
{
  GtkWidget     parent_instance;

  MopedCanvas  *canvas;        /* weak: it outlives the outline in the window */
  MopedDesign  *design;
  GtkWidget    *header;
  GtkWidget    *add_socket_button;
  GtkWidget    *link_button;
  GMenu        *link_menu;     /* what the selected socket can link to, kept current */
  GtkWidget    *scroller;
  GtkListBox   *list;
  GHashTable   *rows;          /* element id -> GtkListBoxRow (borrowed) */
  guint         rebuild_id;
  guint         stale : 1;     /* the design changed while the outline was not shown */
  guint         syncing : 1;   /* the selection is being copied one way: ignore the echo */
};

G_DEFINE_FINAL_TYPE (MopedOutline, moped_outline, GTK_TYPE_WIDGET)

/* ---- rows ---------------------------------------------------------------------------- */

static const char *
mode_word (MopedElement *socket)
{
  return moped_element_get_enum (socket, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND ? "binds" : "connects";
}

/* What the row shows, and what a screen reader says for it. */
static void
describe (MopedElement  *element,
          char         **shown,
          char         **spoken)
{
  g_autofree char *what = moped_inspector_describe_element (element);

  switch (moped_element_get_kind (element))
    {
    case MOPED_KIND_NODE:
      *shown = g_strdup (what);
      {
        guint sockets = 0;

        for (guint i = 0; i < moped_element_get_n_children (element); i++)
          sockets += moped_element_get_kind (moped_element_get_child (element, i)) == MOPED_KIND_SOCKET;
        *spoken = g_strdup_printf ("Node %s, %u %s", what, sockets, sockets == 1 ? "socket" : "sockets");
      }
      break;
    case MOPED_KIND_SOCKET:
      {
        MopedElement *node = moped_element_get_ancestor (element, MOPED_KIND_NODE);
        const char *type = moped_socket_type_get_name (moped_element_get_enum (element, MOPED_PROP_TYPE));
        const char *name = moped_element_get_name (element);

        *shown = g_strdup_printf ("%s · %s", name, type);
        *spoken = g_strdup_printf ("Socket %s, %s, %s, on %s", name, type, mode_word (element),
                                   node ? moped_element_get_name (node) : "?");
      }
      break;
    case MOPED_KIND_LINK:
      {
        MopedElement *protocol = moped_element_get_ref (element, MOPED_PROP_PROTOCOL);

        *shown = g_strdup (what);
        *spoken = protocol != NULL ? g_strdup_printf ("Link %s, carries %s", what, moped_element_get_name (protocol))
                                   : g_strdup_printf ("Link %s", what);
      }
      break;
    case MOPED_KIND_NOTE:
    default:
      *shown = g_strdup (what);
      *spoken = g_strdup_printf ("Note %s", what);
      break;
    }
}

static void
add_row (MopedOutline *self,
         MopedElement *element,
         int           depth)
{
  g_autofree char *shown = NULL;
  g_autofree char *spoken = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label;

  describe (element, &shown, &spoken);
  label = gtk_label_new (shown);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 6 + 18 * depth);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_margin_top (label, 3);
  gtk_widget_set_margin_bottom (label, 3);
  if (moped_element_get_kind (element) == MOPED_KIND_NODE)
    gtk_widget_add_css_class (label, "heading");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_set_tooltip_text (row, spoken);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
  g_object_set_data_full (G_OBJECT (row), "moped-element-id", g_strdup (moped_element_get_id (element)), g_free);
  g_hash_table_insert (self->rows, g_strdup (moped_element_get_id (element)), row);
  gtk_list_box_append (self->list, row);
}

static void sync_from_canvas (MopedOutline *self);

/* Nodes, each followed by its sockets; then links, then notes: document order. */
static void
rebuild (MopedOutline *self)
{
  MopedElement *root;

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  self->stale = FALSE;
  self->syncing = TRUE;
  g_hash_table_remove_all (self->rows);
  for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL;)
    gtk_list_box_remove (self->list, row);
  self->syncing = FALSE;
  if (self->design == NULL)
    return;
  root = moped_design_get_root (self->design);
  for (MopedKind kind = 0; kind < MOPED_N_KINDS; kind++)
    {
      g_autoptr(GPtrArray) elements = NULL;

      if (kind != MOPED_KIND_NODE && kind != MOPED_KIND_LINK && kind != MOPED_KIND_NOTE)
        continue;
      elements = moped_design_collect (self->design, kind);
      for (guint i = 0; i < elements->len; i++)
        {
          MopedElement *element = g_ptr_array_index (elements, i);

          if (moped_element_get_parent (element) != root)
            continue;
          add_row (self, element, 0);
          if (kind != MOPED_KIND_NODE)
            continue;
          for (guint k = 0; k < moped_element_get_n_children (element); k++)
            {
              MopedElement *child = moped_element_get_child (element, k);

              if (moped_element_get_kind (child) == MOPED_KIND_SOCKET)
                add_row (self, child, 1);
            }
        }
    }
  sync_from_canvas (self);
}

static gboolean
rebuild_idle_cb (gpointer data)
{
  MopedOutline *self = data;

  self->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* Only what the outline shows counts: moving and resizing boxes do not. */
static void
design_changed_cb (MopedDesign  *design,
                   const GArray *changes,
                   MopedOutline *self)
{
  gboolean relevant = FALSE;

  for (guint i = 0; i < changes->len && !relevant; i++)
    {
      const MopedChange *change = &g_array_index (changes, MopedChange, i);
      const MopedPropSpec *spec;

      if (change->type != MOPED_CHANGE_SET)
        relevant = TRUE;
      else
        {
          spec = moped_schema_get_prop (moped_element_get_kind (change->element), change->prop);
          relevant = spec == NULL || !(spec->flags & MOPED_PROP_FLAG_GEOMETRY);
        }
    }
  if (!relevant)
    return;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->stale = TRUE;
  else if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, rebuild_idle_cb, self, NULL);
}

/* ---- one selection ---------------------------------------------------------------------- */

/* Add Socket needs a node (or one of its sockets), Link To exactly one socket. */
static void
update_buttons (MopedOutline *self,
                GStrv         ids)
{
  gboolean node = FALSE, one_socket = FALSE;

  for (guint i = 0; self->design != NULL && ids != NULL && ids[i] != NULL; i++)
    {
      MopedElement *element = moped_design_lookup (self->design, ids[i]);
      MopedKind kind = element != NULL ? moped_element_get_kind (element) : MOPED_N_KINDS;

      node = node || kind == MOPED_KIND_NODE || kind == MOPED_KIND_SOCKET;
      one_socket = kind == MOPED_KIND_SOCKET && i == 0 && ids[1] == NULL;
    }
  gtk_widget_set_sensitive (self->add_socket_button, node);
  gtk_widget_set_sensitive (self->link_button, one_socket);
  g_menu_remove_all (self->link_menu);
  if (one_socket && self->canvas != NULL)
    {
      g_autoptr(GMenuModel) targets = moped_canvas_dup_link_menu (self->canvas, "outline.link-to");

      for (int i = 0; i < g_menu_model_get_n_items (targets); i++)
        {
          g_autoptr(GMenuItem) item = g_menu_item_new_from_model (targets, i);

          g_menu_append_item (self->link_menu, item);
        }
      if (g_menu_model_get_n_items (targets) == 0)
        g_menu_append (self->link_menu, "No Socket Can Take This Link", "outline.nothing");
    }
}

static void
sync_from_canvas (MopedOutline *self)
{
  g_auto(GStrv) ids = NULL;
  GtkListBoxRow *first = NULL;

  if (self->canvas == NULL || self->syncing)
    return;
  ids = moped_canvas_dup_selection (self->canvas);
  self->syncing = TRUE;
  gtk_list_box_unselect_all (self->list);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      GtkListBoxRow *row = g_hash_table_lookup (self->rows, ids[i]);

      if (row == NULL)
        continue;
      gtk_list_box_select_row (self->list, row);
      if (first == NULL)
        first = row;
    }
  self->syncing = FALSE;
  update_buttons (self, ids);
}

static void
canvas_selection_changed_cb (MopedCanvas  *canvas,
                             MopedOutline *self)
{
  sync_from_canvas (self);
}

static void
selected_rows_changed_cb (GtkListBox   *list,
                          MopedOutline *self)
{
  g_autoptr(GList) rows = NULL;
  gboolean first = TRUE;

  if (self->syncing || self->canvas == NULL)
    return;
  rows = gtk_list_box_get_selected_rows (list);
  self->syncing = TRUE;
  if (rows == NULL)
    moped_canvas_clear_selection (self->canvas);
  else if (rows->next == NULL)
    moped_canvas_reveal (self->canvas, g_object_get_data (rows->data, "moped-element-id"));
  else
    for (GList *l = rows; l != NULL; l = l->next, first = FALSE)
      moped_canvas_select (self->canvas, g_object_get_data (l->data, "moped-element-id"), !first);
  self->syncing = FALSE;
  sync_from_canvas (self);
}

/* Enter or a double click: name the element where it is drawn. */
static void
row_activated_cb (GtkListBox    *list,
                  GtkListBoxRow *row,
                  MopedOutline  *self)
{
  if (self->canvas == NULL)
    return;
  moped_canvas_reveal (self->canvas, g_object_get_data (G_OBJECT (row), "moped-element-id"));
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  gtk_widget_activate_action (GTK_WIDGET (self->canvas), "canvas.rename", NULL);
}

/* ---- linking ------------------------------------------------------------------------------ */

static void
add_socket_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *parameter)
{
  MopedOutline *self = MOPED_OUTLINE (widget);

  if (self->canvas == NULL ||
      !gtk_widget_activate_action_variant (GTK_WIDGET (self->canvas), "canvas.add-socket-type", parameter))
    gtk_widget_error_bell (widget);
}

/* Every stable type from the socket table, by name. */
static GMenuModel *
socket_type_menu_new (void)
{
  GMenu *menu = g_menu_new ();

  for (MopedSocketType type = 0; type < MOPED_N_STABLE_SOCKET_TYPES; type++)
    {
      const char *name = moped_socket_type_get_name (type);
      g_autofree char *action = g_strdup_printf ("outline.add-socket::%s", name);

      g_menu_append (menu, name, action);
    }
  return G_MENU_MODEL (menu);
}

/* The outline's menus are made when first opened: a popover menu is costly to build, and
 * the outline is not even shown when the window starts. */
static void
create_socket_type_menu (GtkMenuButton *button,
                         gpointer       user_data)
{
  g_autoptr(GMenuModel) types = socket_type_menu_new ();

  gtk_menu_button_set_create_popup_func (button, NULL, NULL, NULL);
  gtk_menu_button_set_menu_model (button, types);
}

static void
create_link_menu (GtkMenuButton *button,
                  gpointer       user_data)
{
  MopedOutline *self = user_data;

  gtk_menu_button_set_create_popup_func (button, NULL, NULL, NULL);
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (self->link_menu));
}

static void
link_to_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  MopedOutline *self = MOPED_OUTLINE (widget);

  if (self->canvas == NULL || !moped_canvas_link_selection_to (self->canvas, g_variant_get_string (parameter, NULL)))
    gtk_widget_error_bell (widget);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
moped_outline_map (GtkWidget *widget)
{
  MopedOutline *self = MOPED_OUTLINE (widget);

  GTK_WIDGET_CLASS (moped_outline_parent_class)->map (widget);
  if (self->stale)
    rebuild (self);
}

static void
moped_outline_dispose (GObject *object)
{
  MopedOutline *self = MOPED_OUTLINE (object);

  moped_outline_set_canvas (self, NULL);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  g_clear_pointer (&self->header, gtk_widget_unparent);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);

  G_OBJECT_CLASS (moped_outline_parent_class)->dispose (object);
}

static void
moped_outline_finalize (GObject *object)
{
  MopedOutline *self = MOPED_OUTLINE (object);

  g_hash_table_unref (self->rows);
  g_object_unref (self->link_menu);

  G_OBJECT_CLASS (moped_outline_parent_class)->finalize (object);
}

static void
moped_outline_class_init (MopedOutlineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = moped_outline_dispose;
  object_class->finalize = moped_outline_finalize;
  widget_class->map = moped_outline_map;

  gtk_widget_class_install_action (widget_class, "outline.link-to", "s", link_to_action);
  gtk_widget_class_install_action (widget_class, "outline.add-socket", "s", add_socket_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "outline");
}

static void
moped_outline_init (MopedOutline *self)
{
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->link_menu = g_menu_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  self->header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (self->header, 6);
  gtk_widget_set_margin_end (self->header, 6);
  gtk_widget_set_margin_top (self->header, 4);
  gtk_widget_set_margin_bottom (self->header, 4);
  gtk_widget_set_halign (self->header, GTK_ALIGN_END);
  self->add_socket_button = gtk_menu_button_new ();
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->add_socket_button), create_socket_type_menu,
                                         NULL, NULL);
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->add_socket_button), "Add Socket");
  gtk_widget_set_tooltip_text (self->add_socket_button, "Add a socket of a chosen type to the selected node");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_socket_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Add Socket", -1);
  gtk_widget_set_sensitive (self->add_socket_button, FALSE);
  gtk_box_append (GTK_BOX (self->header), self->add_socket_button);
  self->link_button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->link_button), "Link To");
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->link_button), create_link_menu, self, NULL);
  gtk_widget_set_tooltip_text (self->link_button, "Link the selected socket to another (Alt+L on the canvas)");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->link_button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Link To", -1);
  gtk_widget_set_sensitive (self->link_button, FALSE);
  gtk_box_append (GTK_BOX (self->header), self->link_button);
  gtk_widget_set_parent (self->header, GTK_WIDGET (self));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_MULTIPLE);
  gtk_list_box_set_activate_on_single_click (self->list, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL, "Design Outline", -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  g_signal_connect_object (self->list, "selected-rows-changed", G_CALLBACK (selected_rows_changed_cb), self, 0);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self, 0);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->list));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
moped_outline_new (void)
{
  return g_object_new (MOPED_TYPE_OUTLINE, NULL);
}

static void
design_notify_cb (MopedCanvas  *canvas,
                  GParamSpec   *pspec,
                  MopedOutline *self)
{
  MopedDesign *design = moped_canvas_get_design (canvas);

  if (self->design == design)
    return;
  if (self->design != NULL)
    g_signal_handlers_disconnect_by_data (self->design, self);
  g_set_object (&self->design, design);
  if (design != NULL)
    g_signal_connect_object (design, "changed", G_CALLBACK (design_changed_cb), self, 0);
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    rebuild (self);
}

void
moped_outline_set_canvas (MopedOutline *self,
                          MopedCanvas  *canvas)
{
  g_return_if_fail (MOPED_IS_OUTLINE (self));
  g_return_if_fail (canvas == NULL || MOPED_IS_CANVAS (canvas));

  if (self->canvas == canvas)
    return;
  if (self->canvas != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->canvas, self);
      g_object_remove_weak_pointer (G_OBJECT (self->canvas), (gpointer *) &self->canvas);
    }
  if (self->design != NULL)
    g_signal_handlers_disconnect_by_data (self->design, self);
  g_clear_object (&self->design);
  self->canvas = canvas;
  if (canvas != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (canvas), (gpointer *) &self->canvas);
      g_signal_connect (canvas, "selection-changed", G_CALLBACK (canvas_selection_changed_cb), self);
      g_signal_connect (canvas, "notify::design", G_CALLBACK (design_notify_cb), self);
      design_notify_cb (canvas, NULL, self);
    }
  else
    rebuild (self);
}

GtkListBox *
moped_outline_get_list (MopedOutline *self)
{
  g_return_val_if_fail (MOPED_IS_OUTLINE (self), NULL);

  return self->list;
}

guint
moped_outline_get_n_rows (MopedOutline *self)
{
  g_return_val_if_fail (MOPED_IS_OUTLINE (self), 0);

  if (self->stale)
    rebuild (self);
  return g_hash_table_size (self->rows);
}
