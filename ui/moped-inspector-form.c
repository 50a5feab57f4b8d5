/* moped-inspector-form.c: forms and child lists built from the schema table, shared by the inspector and the protocol editor.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A child list compares the children it shows with the design's after every change
 * and rebuilds its rows when they differ, so adding, removing, reordering, undo and
 * redo all come out the same way, and the keyboard focus is given back afterwards.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-inspector-form.h"
#include "moped-schema.h"

/* ---- forms ---------------------------------------------------------------------------- */

GtkWidget *
moped_inspector_form_new (MopedDesign        *design,
                          const char * const *ids,
                          guint               columns,
                          guint64             skip)
{
  MopedElement *element;
  const MopedKindSpec *ks;
  GtkWidget *grid;
  int column = 0;
  int row = 0;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (ids != NULL && ids[0] != NULL, NULL);
  g_return_val_if_fail (columns > 0, NULL);

  element = moped_design_lookup (design, ids[0]);
  g_return_val_if_fail (element != NULL, NULL);
  ks = moped_schema_get_kind (moped_element_get_kind (element));

  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), columns > 1);
  gtk_widget_add_css_class (grid, "moped-form");

  for (guint i = 0; i < ks->n_props; i++)
    {
      const MopedPropSpec *spec = &ks->props[i];
      GtkWidget *field;

      if ((spec->flags & MOPED_PROP_FLAG_GEOMETRY) || (skip & MOPED_PROP_BIT (spec->prop)))
        continue;
      field = moped_inspector_field_new (design, ids, spec->prop, MOPED_FIELD_LABELLED);
      gtk_widget_set_hexpand (field, TRUE);
      if (columns > 1 && moped_inspector_field_is_wide (MOPED_INSPECTOR_FIELD (field)))
        {
          if (column != 0)
            row++;
          gtk_grid_attach (GTK_GRID (grid), field, 0, row++, (int) columns, 1);
          column = 0;
          continue;
        }
      gtk_grid_attach (GTK_GRID (grid), field, column, row, 1, 1);
      if (++column == (int) columns)
        {
          column = 0;
          row++;
        }
    }
  return grid;
}

/* ---- diagnostics and focus over a widget tree ----------------------------------------------- */

void
moped_inspector_apply_diagnostics (GtkWidget *root,
                                   GPtrArray *diagnostics)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (MOPED_IS_INSPECTOR_FIELD (root))
    {
      moped_inspector_field_set_diagnostics (MOPED_INSPECTOR_FIELD (root), diagnostics);
      return;
    }
  if (MOPED_IS_INSPECTOR_CHILD_LIST (root))
    {
      moped_inspector_child_list_set_diagnostics (MOPED_INSPECTOR_CHILD_LIST (root), diagnostics);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    moped_inspector_apply_diagnostics (child, diagnostics);
}

gboolean
moped_inspector_shown_inline (GtkWidget             *root,
                              const MopedDiagnostic *diagnostic)
{
  g_autoptr(GPtrArray) fields = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (root), FALSE);

  fields = moped_inspector_collect_fields (root);
  for (guint i = 0; i < fields->len; i++)
    if (moped_inspector_field_shows (g_ptr_array_index (fields, i), diagnostic))
      return TRUE;
  return FALSE;
}

char *
moped_inspector_field_focus_key (const char *id,
                                 MopedProp   prop)
{
  return g_strdup_printf ("field:%s:%s", id, moped_schema_get_prop_name (prop));
}

static char *
focus_key_of (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *key = g_object_get_data (G_OBJECT (w), "moped-focus-key");

      if (MOPED_IS_INSPECTOR_FIELD (w))
        {
          MopedInspectorField *field = MOPED_INSPECTOR_FIELD (w);

          return moped_inspector_field_focus_key (moped_inspector_field_get_ids (field)[0],
                                                  moped_inspector_field_get_prop (field));
        }
      if (key != NULL)
        return g_strdup (key);
    }
  return NULL;
}

char *
moped_inspector_remember_focus (GtkWidget *root)
{
  GtkRoot *toplevel;
  GtkWidget *focus;

  g_return_val_if_fail (GTK_IS_WIDGET (root), NULL);

  toplevel = gtk_widget_get_root (root);
  focus = toplevel ? gtk_root_get_focus (toplevel) : NULL;
  if (focus == NULL || (focus != root && !gtk_widget_is_ancestor (focus, root)))
    return NULL;
  return focus_key_of (focus);
}

static GtkWidget *
find_by_key (GtkWidget  *widget,
             const char *key)
{
  g_autofree char *own = NULL;
  const char *data = g_object_get_data (G_OBJECT (widget), "moped-focus-key");

  if (data != NULL && g_str_equal (data, key))
    return widget;
  if (MOPED_IS_INSPECTOR_FIELD (widget))
    {
      MopedInspectorField *field = MOPED_INSPECTOR_FIELD (widget);

      own = moped_inspector_field_focus_key (moped_inspector_field_get_ids (field)[0],
                                             moped_inspector_field_get_prop (field));
      return g_str_equal (own, key) ? moped_inspector_field_get_control (field) : NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_key (child, key);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
moped_inspector_restore_focus (GtkWidget  *root,
                               const char *key)
{
  GtkWidget *target;

  g_return_val_if_fail (GTK_IS_WIDGET (root), FALSE);

  if (key == NULL)
    return FALSE;
  target = find_by_key (root, key);
  if (target == NULL || !gtk_widget_is_sensitive (target))
    return FALSE;
  return gtk_widget_grab_focus (target);
}

void
moped_inspector_schedule (guint      *source,
                          GSourceFunc func,
                          gpointer    data)
{
  g_return_if_fail (source != NULL);

  /* Rebuild after the change's signal emission is over: the widget that made the
   * change (a "Remove" button, a drop-down) may be one of those rebuilt. */
  if (*source == 0)
    *source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, func, data, NULL);
}

/* ---- child lists ------------------------------------------------------------------------ */

struct _MopedInspectorChildList
{
  GtkWidget    parent_instance;

  MopedDesign *design;
  char        *parent_id;
  MopedKind    kind;

  GtkWidget   *heading;
  GtkWidget   *list;
  GStrv        shown;
  GPtrArray   *diagnostics;
  char        *focus_id;
  guint        rebuild_source;
};

G_DEFINE_FINAL_TYPE (MopedInspectorChildList, moped_inspector_child_list, GTK_TYPE_WIDGET)

/* "API method" stays, "Requirement" becomes "requirement". */
static char *
lower_first (const char *label)
{
  if (label[0] == '\0' || g_ascii_isupper (label[1]))
    return g_strdup (label);
  return g_strdup_printf ("%c%s", g_ascii_tolower (label[0]), label + 1);
}

static GStrv
current_ids (MopedInspectorChildList *self)
{
  MopedElement *parent = moped_design_lookup (self->design, self->parent_id);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (parent != NULL)
    {
      g_autoptr(GPtrArray) children = moped_element_get_children_of_kind (parent, self->kind);

      for (guint i = 0; i < children->len; i++)
        g_strv_builder_add (builder, moped_element_get_id (g_ptr_array_index (children, i)));
    }
  return g_strv_builder_end (builder);
}

static void
move_clicked_cb (GtkButton               *button,
                 MopedInspectorChildList *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "moped-element-id");
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "moped-delta"));

  moped_inspector_child_list_move (self, id, delta);
}

static void
remove_clicked_cb (GtkButton               *button,
                   MopedInspectorChildList *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "moped-element-id");
  MopedElement *element = moped_design_lookup (self->design, id);

  if (element != NULL)
    moped_design_remove (self->design, element);
}

static gboolean
move_shortcut_cb (GtkWidget *row,
                  GVariant  *args,
                  gpointer   user_data)
{
  MopedInspectorChildList *self = MOPED_INSPECTOR_CHILD_LIST (user_data);
  const char *id = g_object_get_data (G_OBJECT (row), "moped-element-id");
  int delta;

  g_variant_get (args, "i", &delta);
  return moped_inspector_child_list_move (self, id, delta);
}

static void
add_move_shortcut (GtkShortcutController   *controller,
                   MopedInspectorChildList *self,
                   const char              *trigger,
                   int                      delta)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                            gtk_callback_action_new (move_shortcut_cb, self, NULL));

  gtk_shortcut_set_arguments (shortcut, g_variant_new ("i", delta));
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

static GtkWidget *
row_button (MopedInspectorChildList *self,
            const char              *icon,
            const char              *label,
            const char              *id,
            const char              *key_prefix)
{
  GtkWidget *button = moped_inspector_icon_button_new (icon, label);

  g_object_set_data_full (G_OBJECT (button), "moped-element-id", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (button), "moped-focus-key",
                          g_strdup_printf ("%s:%s", key_prefix, id), g_free);
  return button;
}

static GtkWidget *
make_row (MopedInspectorChildList *self,
          MopedElement            *child,
          guint                    index,
          guint                    n)
{
  const char *id = moped_element_get_id (child);
  const char *ids[] = { id, NULL };
  const char *kind_label = moped_schema_get_kind (self->kind)->label;
  g_autofree char *kind_lower = lower_first (kind_label);
  g_autofree char *remove_label = g_strdup_printf ("Remove %s", kind_lower);
  g_autofree char *description = moped_inspector_describe_element (child);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *first;
  GtkWidget *up, *down, *remove;
  GtkWidget *form;
  GtkWidget *problems;
  GtkEventController *shortcuts;

  if (moped_element_has_prop (child, MOPED_PROP_NAME))
    first = moped_inspector_field_new (self->design, ids, MOPED_PROP_NAME, MOPED_FIELD_COMPACT);
  else
    {
      first = gtk_label_new (description);
      gtk_label_set_xalign (GTK_LABEL (first), 0);
    }
  gtk_widget_set_hexpand (first, TRUE);
  gtk_box_append (GTK_BOX (line), first);

  up = row_button (self, "go-up-symbolic", "Move up", id, "up");
  g_object_set_data (G_OBJECT (up), "moped-delta", GINT_TO_POINTER (-1));
  gtk_widget_set_sensitive (up, index > 0);
  g_signal_connect_object (up, "clicked", G_CALLBACK (move_clicked_cb), self, 0);
  down = row_button (self, "go-down-symbolic", "Move down", id, "down");
  g_object_set_data (G_OBJECT (down), "moped-delta", GINT_TO_POINTER (1));
  gtk_widget_set_sensitive (down, index + 1 < n);
  g_signal_connect_object (down, "clicked", G_CALLBACK (move_clicked_cb), self, 0);
  remove = row_button (self, "user-trash-symbolic", remove_label, id, "remove");
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (line), up);
  gtk_box_append (GTK_BOX (line), down);
  gtk_box_append (GTK_BOX (line), remove);
  gtk_box_append (GTK_BOX (box), line);

  form = moped_inspector_form_new (self->design, ids, 2, MOPED_PROP_BIT (MOPED_PROP_NAME));
  if (gtk_widget_get_first_child (form) != NULL)
    gtk_box_append (GTK_BOX (box), form);
  else
    g_object_unref (g_object_ref_sink (form));

  /* A child that has children of its own (an API method's parameters) lists them in its row. */
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    if (moped_schema_parent_allows (self->kind, (MopedKind) k))
      {
        g_autofree char *title = g_strdup_printf ("%ss", moped_schema_get_kind ((MopedKind) k)->label);

        gtk_box_append (GTK_BOX (box), moped_inspector_child_list_new (self->design, id, (MopedKind) k, title));
      }

  problems = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (problems), 0);
  gtk_label_set_wrap (GTK_LABEL (problems), TRUE);
  gtk_widget_add_css_class (problems, "moped-problem");
  gtk_widget_set_visible (problems, FALSE);
  gtk_box_append (GTK_BOX (box), problems);
  g_object_set_data (G_OBJECT (row), "moped-problems", problems);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  g_object_set_data_full (G_OBJECT (row), "moped-element-id", g_strdup (id), g_free);
  moped_inspector_set_accessible_label (row, description);

  shortcuts = gtk_shortcut_controller_new ();
  add_move_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), self, "<Alt>Up", -1);
  add_move_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), self, "<Alt>Down", 1);
  gtk_widget_add_controller (row, shortcuts);
  return row;
}

static void
update_row_problems (MopedInspectorChildList *self,
                     GtkWidget               *row)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (row), "moped-problems");
  const char *id = g_object_get_data (G_OBJECT (row), "moped-element-id");
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean error = FALSE;

  if (label == NULL)
    return;
  for (guint i = 0; self->diagnostics != NULL && i < self->diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (self->diagnostics, i);

      if (!moped_inspector_diagnostic_concerns (d, id) || moped_inspector_shown_inline (row, d))
        continue;
      g_string_append_printf (text, "%s%s", text->len ? "\n" : "", d->message);
      error = error || d->severity == MOPED_SEVERITY_ERROR;
    }
  gtk_label_set_text (GTK_LABEL (label), text->str);
  gtk_widget_set_visible (label, text->len > 0);
  if (error)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
  if (text->len > 0 && !error)
    gtk_widget_add_css_class (label, "warning");
  else
    gtk_widget_remove_css_class (label, "warning");
}

static void
apply_diagnostics (MopedInspectorChildList *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row; row = gtk_widget_get_next_sibling (row))
    {
      for (GtkWidget *child = gtk_widget_get_first_child (row); child; child = gtk_widget_get_next_sibling (child))
        moped_inspector_apply_diagnostics (child, self->diagnostics);
      update_row_problems (self, row);
    }
}

static void
rebuild (MopedInspectorChildList *self)
{
  MopedElement *parent = moped_design_lookup (self->design, self->parent_id);
  g_autofree char *focus = moped_inspector_remember_focus (self->list);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  g_strfreev (self->shown);
  self->shown = current_ids (self);

  for (guint i = 0; parent != NULL && self->shown[i] != NULL; i++)
    {
      MopedElement *element = moped_design_lookup (self->design, self->shown[i]);

      gtk_list_box_append (GTK_LIST_BOX (self->list),
                           make_row (self, element, i, g_strv_length (self->shown)));
    }
  if (self->shown[0] == NULL)
    {
      g_autofree char *kind_lower = lower_first (moped_schema_get_kind (self->kind)->label);
      g_autofree char *text = g_strdup_printf ("No %ss yet", kind_lower);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
      gtk_widget_add_css_class (row, "moped-empty-row");
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
    }
  apply_diagnostics (self);

  if (self->focus_id != NULL)
    {
      g_autofree char *key = moped_inspector_field_focus_key (self->focus_id, MOPED_PROP_NAME);

      moped_inspector_restore_focus (self->list, key);
      g_clear_pointer (&self->focus_id, g_free);
    }
  else
    moped_inspector_restore_focus (self->list, focus);
}

static gboolean
rebuild_idle_cb (gpointer data)
{
  MopedInspectorChildList *self = data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
design_changed_cb (MopedDesign             *design,
                   const GArray            *changes,
                   MopedInspectorChildList *self)
{
  g_auto(GStrv) now = current_ids (self);

  if (!g_strv_equal ((const char * const *) now, (const char * const *) self->shown))
    moped_inspector_schedule (&self->rebuild_source, rebuild_idle_cb, self);
}

static void
add_clicked_cb (GtkButton               *button,
                MopedInspectorChildList *self)
{
  moped_inspector_child_list_add (self);
}

static void
moped_inspector_child_list_dispose (GObject *object)
{
  MopedInspectorChildList *self = (MopedInspectorChildList *) object;
  GtkWidget *child;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->design);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);

  G_OBJECT_CLASS (moped_inspector_child_list_parent_class)->dispose (object);
}

static void
moped_inspector_child_list_finalize (GObject *object)
{
  MopedInspectorChildList *self = (MopedInspectorChildList *) object;

  g_free (self->parent_id);
  g_free (self->focus_id);
  g_strfreev (self->shown);

  G_OBJECT_CLASS (moped_inspector_child_list_parent_class)->finalize (object);
}

static void
moped_inspector_child_list_class_init (MopedInspectorChildListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = moped_inspector_child_list_dispose;
  object_class->finalize = moped_inspector_child_list_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mopedchildlist");
}

static void
moped_inspector_child_list_init (MopedInspectorChildList *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
}

GtkWidget *
moped_inspector_child_list_new (MopedDesign *design,
                                const char  *parent_id,
                                MopedKind    kind,
                                const char  *title)
{
  MopedInspectorChildList *self;
  GtkWidget *add;
  GtkWidget *content;
  g_autofree char *kind_lower = NULL;
  g_autofree char *add_label = NULL;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (parent_id != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  self = g_object_new (MOPED_TYPE_INSPECTOR_CHILD_LIST, NULL);
  self->design = g_object_ref (design);
  self->parent_id = g_strdup (parent_id);
  self->kind = kind;

  kind_lower = lower_first (moped_schema_get_kind (kind)->label);
  add_label = g_strdup_printf ("Add %s", kind_lower);
  add = gtk_button_new ();
  content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (content), gtk_image_new_from_icon_name ("list-add-symbolic"));
  gtk_box_append (GTK_BOX (content), gtk_label_new ("Add"));
  gtk_button_set_child (GTK_BUTTON (add), content);
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_tooltip_text (add, add_label);
  moped_inspector_set_accessible_label (add, add_label);
  g_signal_connect_object (add, "clicked", G_CALLBACK (add_clicked_cb), self, 0);

  self->heading = moped_inspector_heading_new (title, add);
  gtk_widget_set_parent (self->heading, GTK_WIDGET (self));

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "moped-boxed-list");
  gtk_widget_set_overflow (self->list, GTK_OVERFLOW_HIDDEN);
  moped_inspector_set_accessible_label (self->list, title);
  gtk_widget_set_parent (self->list, GTK_WIDGET (self));

  self->shown = g_new0 (char *, 1);
  rebuild (self);
  g_signal_connect_object (design, "changed", G_CALLBACK (design_changed_cb), self, 0);
  return GTK_WIDGET (self);
}

void
moped_inspector_child_list_set_diagnostics (MopedInspectorChildList *self,
                                            GPtrArray               *diagnostics)
{
  g_return_if_fail (MOPED_IS_INSPECTOR_CHILD_LIST (self));

  if (diagnostics != NULL)
    g_ptr_array_ref (diagnostics);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = diagnostics;
  apply_diagnostics (self);
}

/* Where a new child goes: last, except that a new field goes before a msg field that
 * ends the command (the rest of the message must stay last). */
static int
new_child_position (MopedElement *parent,
                    MopedKind     kind)
{
  g_autoptr(GPtrArray) fields = NULL;

  if (kind != MOPED_KIND_FIELD)
    return -1;
  fields = moped_element_get_children_of_kind (parent, MOPED_KIND_FIELD);
  if (fields->len > 0
      && moped_element_get_enum (g_ptr_array_index (fields, fields->len - 1), MOPED_PROP_TYPE) == MOPED_FIELD_MSG)
    return (int) fields->len - 1;
  return -1;
}

MopedElement *
moped_inspector_child_list_add (MopedInspectorChildList *self)
{
  MopedElement *parent;
  MopedElement *child;
  g_autofree char *label = NULL;
  g_autofree char *kind_lower = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (MOPED_IS_INSPECTOR_CHILD_LIST (self), NULL);

  parent = moped_design_lookup (self->design, self->parent_id);
  if (parent == NULL)
    return NULL;
  kind_lower = lower_first (moped_schema_get_kind (self->kind)->label);
  label = g_strdup_printf ("Add %s", kind_lower);
  name = moped_inspector_unique_name (parent, self->kind);
  moped_design_begin (self->design, label);
  child = moped_design_add (self->design, parent, self->kind, new_child_position (parent, self->kind), NULL);
  /* A socket is named after its type until someone names it. */
  if (child != NULL && self->kind == MOPED_KIND_SOCKET)
    {
      g_free (name);
      name = moped_inspector_socket_auto_name (parent, moped_element_get_enum (child, MOPED_PROP_TYPE), child);
    }
  if (child != NULL && moped_element_has_prop (child, MOPED_PROP_NAME))
    moped_design_set_string (self->design, child, MOPED_PROP_NAME, name);
  moped_design_end (self->design);
  if (child != NULL)
    {
      g_free (self->focus_id);
      self->focus_id = g_strdup (moped_element_get_id (child));
    }
  return child;
}

gboolean
moped_inspector_child_list_move (MopedInspectorChildList *self,
                                 const char              *id,
                                 int                      delta)
{
  MopedElement *element;
  MopedElement *parent;
  g_autoptr(GPtrArray) siblings = NULL;
  int index;

  g_return_val_if_fail (MOPED_IS_INSPECTOR_CHILD_LIST (self), FALSE);

  element = moped_design_lookup (self->design, id);
  if (element == NULL || moped_element_get_kind (element) != self->kind)
    return FALSE;
  parent = moped_element_get_parent (element);
  siblings = moped_element_get_children_of_kind (parent, self->kind);
  index = moped_element_get_index (element) + delta;
  if (index < 0 || index >= (int) siblings->len)
    return FALSE;
  moped_design_move (self->design, element, (guint) index);
  return TRUE;
}

