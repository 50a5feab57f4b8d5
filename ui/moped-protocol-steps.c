/* moped-protocol-steps.c: the ordered steps of one flow, edited in place, reordered by keyboard or drag and drop.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each row edits one step with the schema-driven fields (from node, to node, command,
 * repeat and optional markers). A row is dragged by its handle and dropped before or
 * after another row. The list compares the steps it shows with the flow's after each
 * change and rebuilds when they differ, keeping the selection and the focus.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-diagnostic.h"
#include "moped-inspector-field.h"
#include "moped-inspector-form.h"
#include "moped-protocol-steps.h"
#include "moped-roles.h"

struct _MopedProtocolSteps
{
  GtkWidget    parent_instance;

  MopedDesign *design;
  char        *flow_id;
  GtkWidget   *list;
  GStrv        shown;
  GPtrArray   *diagnostics;
  char        *focus_id;      /* focus this step's row after the next rebuild */
  char        *selected_id;
  guint        rebuild_source;
};

G_DEFINE_FINAL_TYPE (MopedProtocolSteps, moped_protocol_steps, GTK_TYPE_WIDGET)

static void rebuild (MopedProtocolSteps *self);

/* The steps in document order, blocks before the steps they hold. */
static void
add_ids (GStrvBuilder *builder,
         MopedElement *parent)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);

  for (guint i = 0; i < steps->len; i++)
    {
      g_strv_builder_add (builder, moped_element_get_id (g_ptr_array_index (steps, i)));
      add_ids (builder, g_ptr_array_index (steps, i));
    }
}

static GStrv
current_ids (MopedProtocolSteps *self)
{
  MopedElement *flow = moped_design_lookup (self->design, self->flow_id);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (flow != NULL)
    add_ids (builder, flow);
  return g_strv_builder_end (builder);
}

/* How many blocks hold @step. */
static guint
depth_of (MopedElement *step)
{
  guint depth = 0;

  for (MopedElement *p = moped_element_get_parent (step);
       p != NULL && moped_element_get_kind (p) == MOPED_KIND_STEP;
       p = moped_element_get_parent (p))
    depth++;
  return depth;
}

static guint
n_siblings (MopedElement *step)
{
  MopedElement *parent = moped_element_get_parent (step);
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);

  return steps->len;
}

static MopedElement *
step_of_this_flow (MopedProtocolSteps *self,
                   const char         *id)
{
  MopedElement *step = id ? moped_design_lookup (self->design, id) : NULL;

  MopedElement *flow;

  if (step == NULL || moped_element_get_kind (step) != MOPED_KIND_STEP)
    return NULL;
  flow = moped_element_get_ancestor (step, MOPED_KIND_FLOW);
  if (flow == NULL || g_strcmp0 (moped_element_get_id (flow), self->flow_id) != 0)
    return NULL;
  return step;
}

/* ---- drag and drop -------------------------------------------------------------------------- */

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 GtkWidget     *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "moped-element-id");

  return gdk_content_provider_new_typed (G_TYPE_STRING, id);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               GtkWidget     *row)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, paintable, 12, 12);
}

static void
clear_drop_marks (GtkWidget *row)
{
  gtk_widget_remove_css_class (row, "moped-drop-before");
  gtk_widget_remove_css_class (row, "moped-drop-after");
}

static GdkDragAction
drop_motion_cb (GtkDropTarget *target,
                double         x,
                double         y,
                GtkWidget     *row)
{
  gboolean after = y > gtk_widget_get_height (row) / 2.0;

  clear_drop_marks (row);
  gtk_widget_add_css_class (row, after ? "moped-drop-after" : "moped-drop-before");
  return GDK_ACTION_MOVE;
}

static void
drop_leave_cb (GtkDropTarget *target,
               GtkWidget     *row)
{
  clear_drop_marks (row);
}

static gboolean
drop_cb (GtkDropTarget      *target,
         const GValue       *value,
         double              x,
         double              y,
         MopedProtocolSteps *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  MopedElement *dragged = step_of_this_flow (self, g_value_get_string (value));
  MopedElement *onto = step_of_this_flow (self, g_object_get_data (G_OBJECT (row), "moped-element-id"));
  int from, to;

  clear_drop_marks (row);
  if (dragged == NULL || onto == NULL ||
      moped_element_get_parent (dragged) != moped_element_get_parent (onto))
    return FALSE;
  from = moped_element_get_index (dragged);
  to = moped_element_get_index (onto) + (y > gtk_widget_get_height (row) / 2.0 ? 1 : 0);
  /* The dragged row leaves its place first, so places after it shift up by one. */
  if (from < to)
    to--;
  g_free (self->focus_id);
  self->focus_id = g_strdup (moped_element_get_id (dragged));
  return moped_protocol_steps_move_to (self, moped_element_get_id (dragged), (guint) to);
}

/* ---- rows ------------------------------------------------------------------------------ */

static void
move_clicked_cb (GtkButton          *button,
                 MopedProtocolSteps *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "moped-element-id");
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "moped-delta"));
  MopedElement *step = step_of_this_flow (self, id);

  if (step != NULL && moped_element_get_index (step) + delta >= 0)
    moped_protocol_steps_move_to (self, id, (guint) (moped_element_get_index (step) + delta));
}

static void
remove_clicked_cb (GtkButton          *button,
                   MopedProtocolSteps *self)
{
  MopedElement *step = step_of_this_flow (self, g_object_get_data (G_OBJECT (button), "moped-element-id"));

  if (step != NULL)
    moped_design_remove (self->design, step);
}

static GtkWidget *
row_button (MopedProtocolSteps *self,
            const char         *icon,
            const char         *label,
            const char         *id,
            const char         *key_prefix,
            GCallback           callback)
{
  GtkWidget *button = moped_inspector_icon_button_new (icon, label);

  g_object_set_data_full (G_OBJECT (button), "moped-element-id", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (button), "moped-focus-key",
                          g_strdup_printf ("%s:%s", key_prefix, id), g_free);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static GtkWidget *
compact_field (MopedProtocolSteps *self,
               const char         *id,
               MopedProp           prop)
{
  const char *ids[] = { id, NULL };
  GtkWidget *field = moped_inspector_field_new (self->design, ids, prop, MOPED_FIELD_COMPACT);

  gtk_widget_set_valign (field, GTK_ALIGN_CENTER);
  return field;
}

static GtkWidget *
make_row (MopedProtocolSteps *self,
          MopedElement       *step,
          guint               index,
          guint               n)
{
  const char *id = moped_element_get_id (step);
  g_autofree char *number = g_strdup_printf ("%u", index + 1);
  g_autofree char *row_label = g_strdup_printf ("Step %u", index + 1);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* Markers and buttons go on a second line, so a row fits a half-screen window. */
  GtkWidget *tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *lines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *spacer = gtk_label_new (NULL);
  GtkWidget *handle = gtk_image_new_from_icon_name ("list-drag-handle-symbolic");
  GtkWidget *index_label = gtk_label_new (number);
  GtkWidget *arrow = gtk_label_new ("→");
  GtkWidget *from = compact_field (self, id, MOPED_PROP_FROM);
  GtkWidget *to = compact_field (self, id, MOPED_PROP_TO);
  GtkWidget *command = compact_field (self, id, MOPED_PROP_COMMAND);
  GtkWidget *problem = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  GtkWidget *block = compact_field (self, id, MOPED_PROP_BLOCK);
  MopedBlock kind = moped_element_get_enum (step, MOPED_PROP_BLOCK);
  guint sibling = (guint) moped_element_get_index (step);
  guint siblings = n_siblings (step);
  GtkWidget *up, *down, *remove;
  GtkDragSource *source;
  GtkDropTarget *target;

  gtk_widget_set_tooltip_text (handle, "Drag to reorder (or Alt+Up, Alt+Down)");
  gtk_widget_set_cursor_from_name (handle, "grab");
  gtk_widget_add_css_class (handle, "dim-label");
  gtk_widget_add_css_class (index_label, "moped-step-index");
  gtk_label_set_xalign (GTK_LABEL (index_label), 1);
  gtk_widget_add_css_class (arrow, "dim-label");
  gtk_widget_set_hexpand (from, TRUE);
  gtk_widget_set_hexpand (to, TRUE);
  gtk_widget_set_hexpand (command, TRUE);
  gtk_widget_set_visible (problem, FALSE);
  g_object_set_data (G_OBJECT (row), "moped-problem", problem);

  /* Steps inside a block (choice, branch, loop, optional) sit indented under it. */
  gtk_widget_set_margin_start (lines, 24 * (int) depth_of (step));
  gtk_box_append (GTK_BOX (line), handle);
  gtk_box_append (GTK_BOX (line), index_label);
  gtk_box_append (GTK_BOX (line), block);
  if (kind == MOPED_BLOCK_MESSAGE || kind == MOPED_BLOCK_CHOICE)
    gtk_box_append (GTK_BOX (line), from);  /* a choice's from is the role that chooses */
  else
    g_object_ref_sink (from), g_object_unref (from);
  if (kind == MOPED_BLOCK_MESSAGE)
    {
      gtk_box_append (GTK_BOX (line), arrow);
      gtk_box_append (GTK_BOX (line), to);
      gtk_box_append (GTK_BOX (line), command);
    }
  else
    {
      g_object_ref_sink (arrow), g_object_unref (arrow);
      g_object_ref_sink (to), g_object_unref (to);
      g_object_ref_sink (command), g_object_unref (command);
    }
  gtk_box_append (GTK_BOX (line), problem);
  gtk_widget_set_margin_start (tools, 32);
  if (kind == MOPED_BLOCK_MESSAGE)
    gtk_box_append (GTK_BOX (tools), compact_field (self, id, MOPED_PROP_REPEAT));
  if (kind == MOPED_BLOCK_MESSAGE || kind == MOPED_BLOCK_LOOP)
    gtk_box_append (GTK_BOX (tools), compact_field (self, id, MOPED_PROP_OPTIONAL));
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (tools), spacer);

  up = row_button (self, "go-up-symbolic", "Move step up", id, "up", G_CALLBACK (move_clicked_cb));
  g_object_set_data (G_OBJECT (up), "moped-delta", GINT_TO_POINTER (-1));
  gtk_widget_set_sensitive (up, sibling > 0);
  down = row_button (self, "go-down-symbolic", "Move step down", id, "down", G_CALLBACK (move_clicked_cb));
  g_object_set_data (G_OBJECT (down), "moped-delta", GINT_TO_POINTER (1));
  gtk_widget_set_sensitive (down, sibling + 1 < siblings);
  remove = row_button (self, "user-trash-symbolic", "Remove step", id, "remove", G_CALLBACK (remove_clicked_cb));
  gtk_box_append (GTK_BOX (tools), up);
  gtk_box_append (GTK_BOX (tools), down);
  gtk_box_append (GTK_BOX (tools), remove);
  gtk_box_append (GTK_BOX (lines), line);
  gtk_box_append (GTK_BOX (lines), tools);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), lines);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "moped-element-id", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (row), "moped-focus-key", g_strdup_printf ("step:%s", id), g_free);
  moped_inspector_set_accessible_label (row, row_label);

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect_object (source, "prepare", G_CALLBACK (drag_prepare_cb), row, 0);
  g_signal_connect_object (source, "drag-begin", G_CALLBACK (drag_begin_cb), row, 0);
  gtk_widget_add_controller (handle, GTK_EVENT_CONTROLLER (source));

  target = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_MOVE);
  g_signal_connect_object (target, "motion", G_CALLBACK (drop_motion_cb), row, 0);
  g_signal_connect_object (target, "leave", G_CALLBACK (drop_leave_cb), row, 0);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
  return row;
}

/* A step's problems are listed in full under the flow; its row shows an icon. */
static void
update_row_problem (MopedProtocolSteps *self,
                    GtkWidget          *row)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "moped-problem");
  const char *id = g_object_get_data (G_OBJECT (row), "moped-element-id");
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean error = FALSE;

  if (icon == NULL)
    return;
  for (guint i = 0; self->diagnostics != NULL && i < self->diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (self->diagnostics, i);

      if (!moped_inspector_diagnostic_concerns (d, id))
        continue;
      g_string_append_printf (text, "%s%s", text->len ? "\n" : "", d->message);
      error = error || d->severity == MOPED_SEVERITY_ERROR;
    }
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (icon, error ? "warning" : "error");
  gtk_widget_add_css_class (icon, error ? "error" : "warning");
  gtk_widget_set_tooltip_text (icon, text->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, text->str, -1);
  gtk_widget_set_visible (icon, text->len > 0);
}

static void
apply_diagnostics (MopedProtocolSteps *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row; row = gtk_widget_get_next_sibling (row))
    {
      moped_inspector_apply_diagnostics (row, self->diagnostics);
      update_row_problem (self, row);
    }
}

static void
row_selected_cb (GtkListBox         *list,
                 GtkListBoxRow      *row,
                 MopedProtocolSteps *self)
{
  const char *id = row ? g_object_get_data (G_OBJECT (row), "moped-element-id") : NULL;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || (row == NULL && self->rebuild_source != 0))
    return;
  g_free (self->selected_id);
  self->selected_id = g_strdup (id);
}

static void
rebuild (MopedProtocolSteps *self)
{
  g_autofree char *focus = moped_inspector_remember_focus (self->list);
  g_autofree char *selected = g_strdup (self->selected_id);
  GtkWidget *child;
  guint n;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_signal_handlers_block_by_func (self->list, row_selected_cb, self);
  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  g_strfreev (self->shown);
  self->shown = current_ids (self);
  n = g_strv_length (self->shown);

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = make_row (self, moped_design_lookup (self->design, self->shown[i]), i, n);

      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
      if (g_strcmp0 (self->shown[i], selected) == 0)
        gtk_list_box_select_row (GTK_LIST_BOX (self->list), GTK_LIST_BOX_ROW (row));
    }
  if (n == 0)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new ("No steps yet. Add one: which node sends which command to which node.");

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
      gtk_widget_add_css_class (row, "moped-empty-row");
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
    }
  g_signal_handlers_unblock_by_func (self->list, row_selected_cb, self);
  apply_diagnostics (self);

  if (self->focus_id != NULL)
    {
      g_autofree char *id = g_steal_pointer (&self->focus_id);

      moped_protocol_steps_reveal (self, id);
    }
  else
    moped_inspector_restore_focus (self->list, focus);
}

static gboolean
rebuild_idle_cb (gpointer data)
{
  MopedProtocolSteps *self = data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
design_changed_cb (MopedDesign        *design,
                   const GArray       *changes,
                   MopedProtocolSteps *self)
{
  g_auto(GStrv) now = current_ids (self);

  if (!g_strv_equal ((const char * const *) now, (const char * const *) self->shown))
    moped_inspector_schedule (&self->rebuild_source, rebuild_idle_cb, self);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
moped_protocol_steps_dispose (GObject *object)
{
  MopedProtocolSteps *self = (MopedProtocolSteps *) object;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_pointer (&self->list, gtk_widget_unparent);
  g_clear_object (&self->design);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);

  G_OBJECT_CLASS (moped_protocol_steps_parent_class)->dispose (object);
}

static void
moped_protocol_steps_finalize (GObject *object)
{
  MopedProtocolSteps *self = (MopedProtocolSteps *) object;

  g_free (self->flow_id);
  g_free (self->focus_id);
  g_free (self->selected_id);
  g_strfreev (self->shown);

  G_OBJECT_CLASS (moped_protocol_steps_parent_class)->finalize (object);
}

static void
moped_protocol_steps_class_init (MopedProtocolStepsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = moped_protocol_steps_dispose;
  object_class->finalize = moped_protocol_steps_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mopedsteps");
}

static void
moped_protocol_steps_init (MopedProtocolSteps *self)
{
  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (self->list, "moped-boxed-list");
  gtk_widget_set_overflow (self->list, GTK_OVERFLOW_HIDDEN);
  moped_inspector_set_accessible_label (self->list, "Steps");
  g_signal_connect (self->list, "row-selected", G_CALLBACK (row_selected_cb), self);
  gtk_widget_set_parent (self->list, GTK_WIDGET (self));
  self->shown = g_new0 (char *, 1);
}

/* ---- public API ------------------------------------------------------------------------- */

GtkWidget *
moped_protocol_steps_new (MopedDesign *design,
                          const char  *flow_id)
{
  MopedProtocolSteps *self;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (flow_id != NULL, NULL);

  self = g_object_new (MOPED_TYPE_PROTOCOL_STEPS, NULL);
  self->design = g_object_ref (design);
  self->flow_id = g_strdup (flow_id);
  rebuild (self);
  g_signal_connect_object (design, "changed", G_CALLBACK (design_changed_cb), self, 0);
  return GTK_WIDGET (self);
}

void
moped_protocol_steps_set_diagnostics (MopedProtocolSteps *self,
                                      GPtrArray          *diagnostics)
{
  g_return_if_fail (MOPED_IS_PROTOCOL_STEPS (self));

  if (diagnostics != NULL)
    g_ptr_array_ref (diagnostics);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = diagnostics;
  apply_diagnostics (self);
}

/* A node at the other end of a link from @node carrying @protocol (or none), else
 * any other node: where a first message most likely goes. */
static MopedElement *
likely_peer (MopedDesign  *design,
             MopedElement *node,
             MopedElement *protocol)
{
  g_autoptr(GPtrArray) links = moped_design_collect (design, MOPED_KIND_LINK);
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);

  for (guint i = 0; node != NULL && i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      MopedElement *carried = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);
      MopedElement *a = moped_element_get_ref (link, MOPED_PROP_FROM);
      MopedElement *b = moped_element_get_ref (link, MOPED_PROP_TO);
      MopedElement *na = a ? moped_element_get_ancestor (a, MOPED_KIND_NODE) : NULL;
      MopedElement *nb = b ? moped_element_get_ancestor (b, MOPED_KIND_NODE) : NULL;

      if (carried != NULL && carried != protocol)
        continue;
      if (na == node && nb != NULL && nb != node)
        return nb;
      if (nb == node && na != NULL && na != node)
        return na;
    }
  for (guint i = 0; i < nodes->len; i++)
    if (g_ptr_array_index (nodes, i) != node)
      return g_ptr_array_index (nodes, i);
  return node;
}

/* Whether @party (a role, a node or a socket) sends @command: it is, or plays, its sender. */
static gboolean
party_sends (MopedElement *party,
             MopedElement *command)
{
  MopedElement *sender = moped_element_get_ref (command, MOPED_PROP_SENDER);

  if (sender == NULL || party == NULL)
    return FALSE;
  if (moped_element_get_kind (party) == MOPED_KIND_ROLE)
    return party == sender;
  if (moped_element_get_kind (party) == MOPED_KIND_SOCKET)
    return moped_socket_plays_role (party, sender);
  return moped_node_plays_role (party, sender);
}

static MopedElement *
command_sent_by (GPtrArray    *commands,
                 MopedElement *party)
{
  for (guint i = 0; i < commands->len; i++)
    if (party_sends (party, g_ptr_array_index (commands, i)))
      return g_ptr_array_index (commands, i);
  return NULL;
}

/* Another role of @protocol than @role, where a first message of @role most likely goes. */
/* Without senders to go by: the first command of @commands after @last's that no
 * message step of @steps sends yet (a request is followed by its reply), else NULL. */
static MopedElement *
next_unused_command (GPtrArray    *commands,
                     GPtrArray    *steps,
                     MopedElement *last)
{
  MopedElement *previous = moped_element_get_ref (last, MOPED_PROP_COMMAND);
  guint start = 0;

  for (guint i = 0; previous != NULL && i < commands->len; i++)
    if (g_ptr_array_index (commands, i) == previous)
      start = i + 1;
  for (guint n = 0; n < commands->len; n++)
    {
      MopedElement *command = g_ptr_array_index (commands, (start + n) % commands->len);
      gboolean used = FALSE;

      for (guint j = 0; j < steps->len && !used; j++)
        used = moped_element_get_ref (g_ptr_array_index (steps, j), MOPED_PROP_COMMAND) == command;
      if (!used)
        return command;
    }
  return NULL;
}

static MopedElement *
other_role (MopedElement *protocol,
            MopedElement *role)
{
  g_autoptr(GPtrArray) roles = moped_element_get_children_of_kind (protocol, MOPED_KIND_ROLE);

  for (guint i = 0; i < roles->len; i++)
    if (g_ptr_array_index (roles, i) != role)
      return g_ptr_array_index (roles, i);
  return role;
}

MopedElement *
moped_protocol_steps_add_block (MopedProtocolSteps *self,
                                int                 block)
{
  MopedElement *parent, *step, *current;
  const char *label = block == MOPED_BLOCK_CHOICE ? "Add choice" : block == MOPED_BLOCK_LOOP ? "Add loop" : "Add block";

  g_return_val_if_fail (MOPED_IS_PROTOCOL_STEPS (self), NULL);

  parent = moped_design_lookup (self->design, self->flow_id);
  if (parent == NULL)
    return NULL;
  /* Inside the block the keyboard is on; a choice's new part is a branch. */
  current = step_of_this_flow (self, moped_protocol_steps_get_current (self));
  if (current != NULL && moped_element_get_enum (current, MOPED_PROP_BLOCK) != MOPED_BLOCK_MESSAGE)
    parent = current;
  if (moped_element_get_kind (parent) == MOPED_KIND_STEP &&
      moped_element_get_enum (parent, MOPED_PROP_BLOCK) == MOPED_BLOCK_CHOICE)
    block = MOPED_BLOCK_BRANCH;
  moped_design_begin (self->design, label);
  step = moped_design_add (self->design, parent, MOPED_KIND_STEP, -1, NULL);
  moped_design_set_enum (self->design, step, MOPED_PROP_BLOCK, block);
  if (block == MOPED_BLOCK_CHOICE)
    for (guint i = 0; i < 2; i++)
      moped_design_set_enum (self->design, moped_design_add (self->design, step, MOPED_KIND_STEP, -1, NULL),
                             MOPED_PROP_BLOCK, MOPED_BLOCK_BRANCH);
  moped_design_end (self->design);

  g_free (self->focus_id);
  self->focus_id = g_strdup (moped_element_get_id (step));
  return step;
}

MopedElement *
moped_protocol_steps_add (MopedProtocolSteps *self)
{
  MopedElement *flow;
  MopedElement *protocol;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  MopedElement *from = NULL, *to = NULL, *command = NULL;
  MopedElement *step;

  g_return_val_if_fail (MOPED_IS_PROTOCOL_STEPS (self), NULL);

  flow = moped_design_lookup (self->design, self->flow_id);
  if (flow == NULL)
    return NULL;
  protocol = moped_element_get_ancestor (flow, MOPED_KIND_PROTOCOL);
  /* Into the block the keyboard is on (a choice gets a new branch elsewhere). */
  {
    MopedElement *current = step_of_this_flow (self, moped_protocol_steps_get_current (self));

    if (current != NULL && moped_element_get_enum (current, MOPED_PROP_BLOCK) != MOPED_BLOCK_MESSAGE &&
        moped_element_get_enum (current, MOPED_PROP_BLOCK) != MOPED_BLOCK_CHOICE)
      flow = current;
  }
  steps = moped_element_get_children_of_kind (flow, MOPED_KIND_STEP);
  commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);
  nodes = moped_design_collect (self->design, MOPED_KIND_NODE);

  if (steps->len > 0 && moped_element_get_enum (g_ptr_array_index (steps, steps->len - 1), MOPED_PROP_BLOCK) == MOPED_BLOCK_MESSAGE)
    {
      /* Most flows alternate: the receiver of the last step answers its sender. */
      MopedElement *last = g_ptr_array_index (steps, steps->len - 1);

      from = moped_element_get_ref (last, MOPED_PROP_TO);
      to = moped_element_get_ref (last, MOPED_PROP_FROM);
      command = command_sent_by (commands, from);
      if (command == NULL)
        command = next_unused_command (commands, steps, last);
    }
  else
    {
      command = commands->len ? g_ptr_array_index (commands, 0) : NULL;
      from = command ? moped_element_get_ref (command, MOPED_PROP_SENDER) : NULL;
      if (from == NULL && nodes->len > 0)
        from = g_ptr_array_index (nodes, 0);
      if (from != NULL && moped_element_get_kind (from) == MOPED_KIND_ROLE)
        to = other_role (protocol, from);
      else
        to = from ? likely_peer (self->design, from, protocol) : NULL;
    }
  if (command == NULL && commands->len > 0)
    command = g_ptr_array_index (commands, 0);

  moped_design_begin (self->design, "Add step");
  step = moped_design_add (self->design, flow, MOPED_KIND_STEP, -1, NULL);
  if (from != NULL)
    moped_design_set_ref (self->design, step, MOPED_PROP_FROM, from);
  if (to != NULL)
    moped_design_set_ref (self->design, step, MOPED_PROP_TO, to);
  if (command != NULL)
    moped_design_set_ref (self->design, step, MOPED_PROP_COMMAND, command);
  moped_design_end (self->design);

  g_free (self->focus_id);
  self->focus_id = g_strdup (moped_element_get_id (step));
  return step;
}

gboolean
moped_protocol_steps_move_to (MopedProtocolSteps *self,
                              const char         *id,
                              guint               new_index)
{
  MopedElement *step;

  g_return_val_if_fail (MOPED_IS_PROTOCOL_STEPS (self), FALSE);

  step = step_of_this_flow (self, id);
  if (step == NULL || new_index >= n_siblings (step) ||
      (guint) moped_element_get_index (step) == new_index)
    return FALSE;
  g_free (self->selected_id);
  self->selected_id = g_strdup (id);
  moped_design_move (self->design, step, new_index);
  return TRUE;
}

const char *
moped_protocol_steps_get_current (MopedProtocolSteps *self)
{
  GtkRoot *root;
  GtkWidget *focus;
  GtkListBoxRow *selected;

  g_return_val_if_fail (MOPED_IS_PROTOCOL_STEPS (self), NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root ? gtk_root_get_focus (root) : NULL;
  if (focus != NULL && (focus == self->list || gtk_widget_is_ancestor (focus, self->list)))
    {
      GtkWidget *row = GTK_IS_LIST_BOX_ROW (focus) ? focus : gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW);
      const char *id = row ? g_object_get_data (G_OBJECT (row), "moped-element-id") : NULL;

      if (id != NULL)
        return id;
    }
  selected = gtk_list_box_get_selected_row (GTK_LIST_BOX (self->list));
  return selected ? g_object_get_data (G_OBJECT (selected), "moped-element-id") : NULL;
}

GtkWidget *
moped_protocol_steps_get_row (MopedProtocolSteps *self,
                              const char         *id)
{
  g_return_val_if_fail (MOPED_IS_PROTOCOL_STEPS (self), NULL);

  if (self->rebuild_source != 0)
    rebuild (self);
  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row; row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "moped-element-id"), id) == 0)
      return row;
  return NULL;
}

gboolean
moped_protocol_steps_reveal (MopedProtocolSteps *self,
                             const char         *id)
{
  GtkWidget *row;

  g_return_val_if_fail (MOPED_IS_PROTOCOL_STEPS (self), FALSE);

  row = moped_protocol_steps_get_row (self, id);
  if (row == NULL)
    return FALSE;
  gtk_list_box_select_row (GTK_LIST_BOX (self->list), GTK_LIST_BOX_ROW (row));
  return gtk_widget_grab_focus (row);
}

