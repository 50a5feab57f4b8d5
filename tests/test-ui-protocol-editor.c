/* test-ui-protocol-editor.c: the protocol editor driven through its real widgets under Xvfb.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Buttons are clicked, actions and shortcuts fired, drop targets given a drop, and
 * the design, the undo history, the rows shown and the drawn preview are checked.
 */
#include <string.h>

#include <adwaita.h>
#include <gtk/gtk.h>

#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-inspector-field.h"
#include "moped-inspector-form.h"
#include "moped-protocol-editor.h"
#include "moped-protocol-steps.h"
#include "moped-test-gtk.h"
#include "moped-test-util.h"

typedef struct
{
  MopedDesign *design;
  GtkWidget   *window;
  GtkWidget   *editor;
} Fixture;

/* ---- helpers ------------------------------------------------------------------------------ */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), "hello.moped", NULL);
  g_autoptr(GError) error = NULL;

  f->design = moped_file_load (path, &error);
  g_assert_no_error (error);
  f->editor = moped_protocol_editor_new ();
  moped_protocol_editor_set_design (MOPED_PROTOCOL_EDITOR (f->editor), f->design);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 760);
  gtk_window_set_child (GTK_WINDOW (f->window), f->editor);
  gtk_window_present (GTK_WINDOW (f->window));
  moped_test_wait_drawn (f->editor);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  moped_test_spin ();
  g_clear_object (&f->design);
}

/* A click, then the main loop runs so the editor can rebuild. */
static void
click (GtkWidget *button)
{
  moped_test_click (button);
  moped_test_spin ();
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
control (Fixture    *f,
         const char *id,
         MopedProp   prop)
{
  MopedInspectorField *field = moped_inspector_find_field (f->editor, id, prop);

  g_assert_nonnull (field);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (field)));
  return moped_inspector_field_get_control (field);
}

static GtkStack *
stack (Fixture *f)
{
  GtkWidget *switcher = moped_test_find_control (f->editor, "Protocol pages");

  return gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (switcher));
}

static void
show_page (Fixture    *f,
           const char *name)
{
  gtk_stack_set_visible_child_name (stack (f), name);
  moped_test_spin ();
}

static GtkWidget *
steps (Fixture *f)
{
  GtkWidget *found = find_type (f->editor, MOPED_TYPE_PROTOCOL_STEPS);

  g_assert_nonnull (found);
  return found;
}

static GPtrArray *
flow_steps (Fixture    *f,
            const char *flow_id)
{
  return moped_element_get_children_of_kind (moped_design_lookup (f->design, flow_id), MOPED_KIND_STEP);
}

static const char *
step_id (Fixture    *f,
         const char *flow_id,
         guint       index)
{
  g_autoptr(GPtrArray) all = flow_steps (f, flow_id);

  g_assert_cmpuint (index, <, all->len);
  return moped_element_get_id (g_ptr_array_index (all, index));
}

static guint
n_rows (GtkWidget *list)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    n += GTK_IS_LIST_BOX_ROW (row) && g_object_get_data (G_OBJECT (row), "moped-element-id") != NULL;
  return n;
}

static gpointer
controller_of_type (GtkWidget *widget,
                    GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  return NULL;
}

static void
revalidate (Fixture *f)
{
  g_autoptr(GPtrArray) diagnostics = moped_validate (f->design);

  moped_protocol_editor_set_diagnostics (MOPED_PROTOCOL_EDITOR (f->editor), diagnostics);
  moped_test_spin ();
}

/* How many pixels differ from the first one: 0 for a blank image. */
static guint
count_ink (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  guint differing = 0;

  gdk_texture_download (texture, pixels, stride);
  for (gsize p = 4; p < stride * height; p += 4)
    differing += memcmp (pixels + p, pixels, 4) != 0;
  return differing;
}

static void
save_screenshot (GdkTexture *texture,
                 const char *name)
{
  const char *dir = g_getenv ("MOPED_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
remember_id_cb (GtkWidget  *editor,
                const char *id,
                char      **out)
{
  g_free (*out);
  *out = g_strdup (id);
}

/* ---- tests --------------------------------------------------------------------------------- */

static void
test_shows_protocol (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *protocols = moped_test_find_control (f->editor, "Protocol");

  g_assert_cmpstr (moped_test_chosen (protocols), ==, "Hello");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack (f)), ==, "commands");
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Commands")), ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "hello", MOPED_PROP_NAME))), ==, "HELLO");
  g_assert_cmpstr (moped_test_chosen (control (f, "hello", MOPED_PROP_SENDER)), ==, "client");

  show_page (f, "overview");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "hello-protocol", MOPED_PROP_VERSION))), ==,
                   "1");
  /* The links carrying it; activating one asks the window to show it. */
  {
    GtkWidget *links = moped_test_find_control (f->editor, "Links carrying this protocol");
    g_autofree char *activated = NULL;

    g_assert_cmpuint (n_rows (links), ==, 1);
    g_signal_connect (f->editor, "element-activated", G_CALLBACK (remember_id_cb), &activated);
    g_signal_emit_by_name (links, "row-activated", gtk_widget_get_first_child (links));
    g_assert_cmpstr (activated, ==, "link-1");
    g_signal_handlers_disconnect_by_func (f->editor, remember_id_cb, &activated);
  }
  /* The roles, with their names editable and a button to add one. */
  {
    GtkWidget *roles = moped_test_find_control (f->editor, "Roles");
    g_autoptr(GPtrArray) after = NULL;

    g_assert_cmpuint (n_rows (roles), ==, 2);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "hello-protocol.client", MOPED_PROP_NAME))), ==,
                     "client");
    click (moped_test_find_control (f->editor, "Add role"));
    after = moped_element_get_children_of_kind (moped_design_lookup (f->design, "hello-protocol"), MOPED_KIND_ROLE);
    g_assert_cmpuint (after->len, ==, 3);
    g_assert_true (moped_design_undo (f->design));
  }

  show_page (f, "flows");
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Flows")), ==, 1);
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Steps")), ==, 2);
  /* A step's side is a role, a node or a socket: the menu says which. */
  g_assert_cmpstr (moped_test_chosen (control (f, "round-trip-1", MOPED_PROP_FROM)), ==, "Node Client");
  g_assert_cmpstr (moped_test_chosen (control (f, "round-trip-1", MOPED_PROP_TO)), ==, "Node Server");
  g_assert_cmpstr (moped_test_chosen (control (f, "round-trip-1", MOPED_PROP_COMMAND)), ==, "HELLO");
  /* A step names commands of its own protocol only (or none: a block has none). */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (control (f, "round-trip-1",
                                                                                            MOPED_PROP_COMMAND)))),
                    ==, 3);
}

static void
test_add_command_and_field (Fixture       *f,
                            gconstpointer  data)
{
  MopedElement *protocol = moped_design_lookup (f->design, "hello-protocol");
  g_autoptr(GPtrArray) commands = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  MopedElement *command, *field;
  GtkWidget *name;

  click (moped_test_find_control (f->editor, "Add command"));
  commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);
  g_assert_cmpuint (commands->len, ==, 3);
  command = g_ptr_array_index (commands, 2);
  g_assert_cmpstr (moped_element_get_name (command), ==, "Command 3");
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Add command");
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Commands")), ==, 3);

  /* Its form is shown with the name ready to type over. */
  name = control (f, moped_element_get_id (command), MOPED_PROP_NAME);
  g_assert_true (gtk_widget_get_focus_child (name) != NULL || gtk_widget_has_focus (name));
  gtk_editable_set_text (GTK_EDITABLE (name), "");
  moped_test_type_text (name, "PING");
  g_assert_cmpstr (moped_element_get_name (command), ==, "PING");
  moped_test_choose (control (f, moped_element_get_id (command), MOPED_PROP_SENDER), "server");
  g_assert_true (moped_element_get_ref (command, MOPED_PROP_SENDER) == moped_design_lookup (f->design, "hello-protocol.server"));

  click (moped_test_find_control (f->editor, "Add field"));
  fields = moped_element_get_children_of_kind (command, MOPED_KIND_FIELD);
  g_assert_cmpuint (fields->len, ==, 1);
  field = g_ptr_array_index (fields, 0);
  moped_test_spin ();
  moped_test_choose (control (f, moped_element_get_id (field), MOPED_PROP_TYPE), "number");
  g_assert_cmpint (moped_element_get_enum (field, MOPED_PROP_TYPE), ==, MOPED_FIELD_NUMBER);
  moped_test_type_text (control (f, moped_element_get_id (field), MOPED_PROP_DESCRIPTION), "when it was sent");
  g_assert_cmpstr (moped_element_get_string (field, MOPED_PROP_DESCRIPTION), ==, "when it was sent");

  /* Undo walks back: description, type, field, sender, name, command. */
  for (guint i = 0; i < 6; i++)
    g_assert_true (moped_design_undo (f->design));
  g_assert_null (moped_element_get_design (command));
  g_assert_false (moped_design_can_undo (f->design));
  moped_test_spin ();
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Commands")), ==, 2);
}

/* Every control under @widget lies inside @frame from left to right, and no drop-down
 * shortens what it shows. */
static guint
check_controls_inside (GtkWidget *widget,
                       GtkWidget *frame)
{
  guint checked = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_EDITABLE (widget))
    {
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (widget, frame, &bounds));
      if (bounds.origin.x < -0.5 || bounds.origin.x + bounds.size.width > gtk_widget_get_width (frame) + 0.5)
        g_error ("A %s (%s) lies at %.0f..%.0f, outside 0..%d", G_OBJECT_TYPE_NAME (widget),
                 gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "",
                 bounds.origin.x, bounds.origin.x + bounds.size.width, gtk_widget_get_width (frame));
      checked++;
    }
  if (GTK_IS_LABEL (widget) && gtk_widget_get_ancestor (widget, GTK_TYPE_DROP_DOWN) != NULL &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    g_error ("A drop-down shows \"%s\" shortened", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    checked += check_controls_inside (child, frame);
  return checked;
}

/* In the room the window leaves it beside the side pane (835 px of a 1180 px window),
 * the flow page shows every control whole: nothing scrolls sideways or is cut off. */
static void
test_flow_page_fits (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *list, *frame;
  guint checked;

  gtk_window_set_default_size (GTK_WINDOW (f->window), 835, 760);
  show_page (f, "flows");
  moped_test_spin_for (200);
  list = moped_test_find_control (f->editor, "Steps");
  g_assert_cmpuint (n_rows (list), ==, 2);
  frame = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (frame);
  g_assert_cmpint (gtk_widget_get_width (f->window), <=, 835);
  checked = check_controls_inside (frame, frame);
  g_test_message ("%u controls checked", checked);
  g_assert_cmpuint (checked, >=, 2 * 8);
}

static void
test_add_flow_and_steps (Fixture       *f,
                         gconstpointer  data)
{
  MopedElement *protocol = moped_design_lookup (f->design, "hello-protocol");
  g_autoptr(GPtrArray) flows = NULL;
  g_autoptr(GPtrArray) added = NULL;
  MopedElement *flow, *first, *second;

  show_page (f, "flows");
  click (moped_test_find_control (f->editor, "Add flow"));
  flows = moped_element_get_children_of_kind (protocol, MOPED_KIND_FLOW);
  g_assert_cmpuint (flows->len, ==, 2);
  flow = g_ptr_array_index (flows, 1);
  g_assert_cmpstr (moped_element_get_name (flow), ==, "Flow 2");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack (f)), ==, "flows");
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Steps")), ==, 0);

  click (moped_test_find_control (f->editor, "Add step"));
  click (moped_test_find_control (f->editor, "Add step"));
  added = flow_steps (f, moped_element_get_id (flow));
  g_assert_cmpuint (added->len, ==, 2);
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Steps")), ==, 2);
  /* The first step sends the first command from its sender role to the other role;
   * the next one answers. */
  first = g_ptr_array_index (added, 0);
  second = g_ptr_array_index (added, 1);
  g_assert_true (moped_element_get_ref (first, MOPED_PROP_FROM) == moped_design_lookup (f->design, "hello-protocol.client"));
  g_assert_true (moped_element_get_ref (first, MOPED_PROP_TO) == moped_design_lookup (f->design, "hello-protocol.server"));
  g_assert_true (moped_element_get_ref (first, MOPED_PROP_COMMAND) == moped_design_lookup (f->design, "hello"));
  g_assert_true (moped_element_get_ref (second, MOPED_PROP_FROM) == moped_design_lookup (f->design, "hello-protocol.server"));
  g_assert_true (moped_element_get_ref (second, MOPED_PROP_TO) == moped_design_lookup (f->design, "hello-protocol.client"));
  g_assert_true (moped_element_get_ref (second, MOPED_PROP_COMMAND) == moped_design_lookup (f->design, "world"));
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Add step");

  /* Markers are check boxes on the row. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (control (f, moped_element_get_id (second), MOPED_PROP_REPEAT)),
                               TRUE);
  g_assert_true (moped_element_get_bool (second, MOPED_PROP_REPEAT));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (control (f, moped_element_get_id (second), MOPED_PROP_OPTIONAL)),
                               TRUE);
  g_assert_true (moped_element_get_bool (second, MOPED_PROP_OPTIONAL));

  /* Removing a step from its row. */
  click (moped_test_find_control (moped_protocol_steps_get_row (MOPED_PROTOCOL_STEPS (steps (f)), moped_element_get_id (first)),
                       "Remove step"));
  g_assert_null (moped_element_get_design (first));
  moped_test_spin ();
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Steps")), ==, 1);
  g_assert_true (moped_design_undo (f->design));
  moped_test_spin ();
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Steps")), ==, 2);
}

/* Commands nobody was said to send yet (a protocol just made for a link): the next
 * step answers with the next command not yet in the flow, not the first one again. */
static void
test_steps_without_senders (Fixture       *f,
                            gconstpointer  data)
{
  MopedElement *root = moped_design_get_root (f->design);
  MopedElement *protocol, *ping, *pong, *flow, *first, *second;
  g_autoptr(GPtrArray) added = NULL;

  protocol = moped_design_add (f->design, root, MOPED_KIND_PROTOCOL, -1, "bare");
  ping = moped_design_add (f->design, protocol, MOPED_KIND_COMMAND, -1, "ping");
  moped_design_set_string (f->design, ping, MOPED_PROP_NAME, "PING");
  pong = moped_design_add (f->design, protocol, MOPED_KIND_COMMAND, -1, "pong");
  moped_design_set_string (f->design, pong, MOPED_PROP_NAME, "PONG");
  flow = moped_design_add (f->design, protocol, MOPED_KIND_FLOW, -1, "bare-flow");
  moped_test_spin ();
  moped_protocol_editor_reveal (MOPED_PROTOCOL_EDITOR (f->editor), "bare-flow");
  moped_test_spin ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack (f)), ==, "flows");

  click (moped_test_find_control (f->editor, "Add step"));
  click (moped_test_find_control (f->editor, "Add step"));
  added = flow_steps (f, moped_element_get_id (flow));
  g_assert_cmpuint (added->len, ==, 2);
  first = g_ptr_array_index (added, 0);
  second = g_ptr_array_index (added, 1);
  g_assert_true (moped_element_get_ref (first, MOPED_PROP_COMMAND) == ping);
  g_assert_true (moped_element_get_ref (second, MOPED_PROP_COMMAND) == pong);
  g_assert_true (moped_element_get_ref (second, MOPED_PROP_FROM) == moped_element_get_ref (first, MOPED_PROP_TO));
  g_assert_true (moped_element_get_ref (second, MOPED_PROP_TO) == moped_element_get_ref (first, MOPED_PROP_FROM));
}

static void
test_reorder_step_by_keyboard (Fixture       *f,
                               gconstpointer  data)
{
  MopedElement *second = moped_design_lookup (f->design, "round-trip-2");
  GtkWidget *row;

  moped_protocol_editor_reveal (MOPED_PROTOCOL_EDITOR (f->editor), "round-trip-2");
  moped_test_spin ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack (f)), ==, "flows");
  row = moped_protocol_steps_get_row (MOPED_PROTOCOL_STEPS (steps (f)), "round-trip-2");
  g_assert_true (gtk_widget_has_focus (row));
  g_assert_cmpstr (moped_protocol_steps_get_current (MOPED_PROTOCOL_STEPS (steps (f))), ==, "round-trip-2");

  /* Alt+Up is bound to the move action. */
  g_assert_true (moped_test_fire_shortcut (f->editor, "<Alt>Up"));
  g_assert_cmpint (moped_element_get_index (second), ==, 0);
  g_assert_cmpstr (step_id (f, "round-trip", 1), ==, "round-trip-1");
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Reorder");
  moped_test_spin ();
  /* The rows follow, and the moved step keeps the focus for the next key press. */
  row = moped_protocol_steps_get_row (MOPED_PROTOCOL_STEPS (steps (f)), "round-trip-2");
  g_assert_true (gtk_widget_get_prev_sibling (row) == NULL);
  g_assert_true (gtk_widget_has_focus (row));
  g_assert_cmpstr (moped_protocol_steps_get_current (MOPED_PROTOCOL_STEPS (steps (f))), ==, "round-trip-2");

  /* Already first: nothing happens. */
  gtk_widget_activate_action (f->editor, "protocol.move-step-up", NULL);
  g_assert_cmpint (moped_element_get_index (second), ==, 0);
  g_assert_true (gtk_widget_activate_action (f->editor, "protocol.move-step-down", NULL));
  g_assert_cmpint (moped_element_get_index (second), ==, 1);

  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpint (moped_element_get_index (second), ==, 0);
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpint (moped_element_get_index (second), ==, 1);
  g_assert_false (moped_design_can_undo (f->design));
  moped_test_spin ();

  /* Alt+Up while typing the flow's name is not for the steps. */
  g_assert_true (gtk_widget_grab_focus (control (f, "round-trip", MOPED_PROP_NAME)));
  moped_test_fire_shortcut (f->editor, "<Alt>Up");
  g_assert_cmpint (moped_element_get_index (second), ==, 1);
  g_assert_false (moped_design_can_undo (f->design));
}

static void
test_reorder_step_by_drag (Fixture       *f,
                           gconstpointer  data)
{
  MopedProtocolSteps *list;
  GtkWidget *first_row, *second_row, *handle;
  GtkDragSource *source;
  GtkDropTarget *target;
  g_autoptr(GdkContentProvider) content = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  show_page (f, "flows");
  list = MOPED_PROTOCOL_STEPS (steps (f));
  first_row = moped_protocol_steps_get_row (list, "round-trip-1");
  second_row = moped_protocol_steps_get_row (list, "round-trip-2");

  /* The handle's drag source offers the step's id. */
  handle = find_type (first_row, GTK_TYPE_IMAGE);
  source = controller_of_type (handle, GTK_TYPE_DRAG_SOURCE);
  g_assert_nonnull (source);
  g_signal_emit_by_name (source, "prepare", 4.0, 4.0, &content);
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, "round-trip-1");

  /* Dropped on the lower half of the second row: it goes after it. */
  target = controller_of_type (second_row, GTK_TYPE_DROP_TARGET);
  g_assert_nonnull (target);
  g_signal_emit_by_name (target, "drop", &value, 10.0, gtk_widget_get_height (second_row) - 2.0, &accepted);
  g_assert_true (accepted);
  g_assert_cmpstr (step_id (f, "round-trip", 0), ==, "round-trip-2");
  g_assert_cmpstr (step_id (f, "round-trip", 1), ==, "round-trip-1");
  moped_test_spin ();

  /* Dropped on the upper half of the first row: it goes first again. */
  first_row = moped_protocol_steps_get_row (list, "round-trip-2");
  target = controller_of_type (first_row, GTK_TYPE_DROP_TARGET);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 2.0, &accepted);
  g_assert_true (accepted);
  g_assert_cmpstr (step_id (f, "round-trip", 0), ==, "round-trip-1");

  /* A step of another flow is refused. */
  g_value_set_string (&value, "hello");
  g_signal_emit_by_name (target, "drop", &value, 10.0, 2.0, &accepted);
  g_assert_false (accepted);

  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpstr (step_id (f, "round-trip", 0), ==, "round-trip-2");
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpstr (step_id (f, "round-trip", 0), ==, "round-trip-1");
}

static void
test_preview_draws (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *preview;
  g_autoptr(GdkTexture) before = NULL;
  g_autoptr(GdkTexture) after = NULL;
  int height_before;

  show_page (f, "flows");
  preview = moped_test_find_control (f->editor, "Sequence diagram");
  g_assert_true (GTK_IS_DRAWING_AREA (preview));
  moped_test_wait_drawn (preview);
  g_assert_cmpint (gtk_widget_get_width (preview), >, 50);
  g_assert_cmpint (gtk_widget_get_height (preview), >, 50);
  before = moped_test_render (preview);
  g_assert_cmpuint (count_ink (before), >, 500);
  save_screenshot (before, "protocol-preview.png");
  height_before = gtk_drawing_area_get_content_height (GTK_DRAWING_AREA (preview));

  /* Live: a new step makes the diagram taller. */
  click (moped_test_find_control (f->editor, "Add step"));
  moped_test_wait_drawn (preview);
  g_assert_cmpint (gtk_drawing_area_get_content_height (GTK_DRAWING_AREA (preview)), >, height_before);
  after = moped_test_render (preview);
  g_assert_cmpuint (count_ink (after), >, 500);
}

static void
test_flow_diagnostics (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *problems;
  GtkWidget *row;
  const char *ids[] = { "client", "round-trip", NULL };
  g_autoptr(GPtrArray) fake = g_ptr_array_new_with_free_func ((GDestroyNotify) moped_diagnostic_free);
  g_autofree char *activated = NULL;

  show_page (f, "flows");
  revalidate (f);
  problems = moped_test_find_control (f->editor, "Problems in this flow");
  g_assert_cmpuint (n_rows (problems), ==, 0);

  /* WORLD before HELLO: REP sends first, REQ receives first. */
  moped_design_move (f->design, moped_design_lookup (f->design, "round-trip-2"), 0);
  revalidate (f);
  problems = moped_test_find_control (f->editor, "Problems in this flow");
  g_assert_cmpuint (n_rows (problems), >=, 2);
  for (row = gtk_widget_get_first_child (problems); row; row = gtk_widget_get_next_sibling (row))
    {
      const char *label = moped_inspector_get_accessible_label (row);

      g_assert_nonnull (label);
      g_assert_nonnull (strstr (label, "Round trip"));
    }
  /* The sidebar marks the flow. */
  {
    GtkWidget *flows = moped_test_find_control (f->editor, "Flows");
    GtkWidget *icon = g_object_get_data (G_OBJECT (gtk_widget_get_first_child (flows)), "moped-problem");

    g_assert_true (gtk_widget_get_visible (icon));
  }
  /* Activating a problem about a step shows the step. */
  row = gtk_widget_get_first_child (problems);
  g_signal_emit_by_name (problems, "row-activated", row);
  moped_test_spin ();
  g_assert_nonnull (moped_protocol_steps_get_current (MOPED_PROTOCOL_STEPS (steps (f))));

  /* A problem whose main element is on the canvas asks the window to show it. */
  g_ptr_array_add (fake, moped_diagnostic_new (MOPED_SEVERITY_WARNING, "test", ids, "hint", "About %s", "client"));
  moped_protocol_editor_set_diagnostics (MOPED_PROTOCOL_EDITOR (f->editor), fake);
  moped_test_spin ();
  problems = moped_test_find_control (f->editor, "Problems in this flow");
  g_assert_cmpuint (n_rows (problems), ==, 1);
  g_signal_connect (f->editor, "element-activated", G_CALLBACK (remember_id_cb), &activated);
  g_signal_emit_by_name (problems, "row-activated", gtk_widget_get_first_child (problems));
  g_assert_cmpstr (activated, ==, "client");
}

static void
test_reveal_and_undo (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *commands;

  moped_protocol_editor_reveal (MOPED_PROTOCOL_EDITOR (f->editor), "world");
  moped_test_spin ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack (f)), ==, "commands");
  commands = moped_test_find_control (f->editor, "Commands");
  g_assert_cmpstr (g_object_get_data (G_OBJECT (gtk_list_box_get_selected_row (GTK_LIST_BOX (commands))),
                                      "moped-element-id"), ==, "world");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "world", MOPED_PROP_NAME))), ==, "WORLD");

  /* Typing a name is one step, and the sidebar follows it. */
  moped_test_type_text (control (f, "world", MOPED_PROP_NAME), "_BACK");
  moped_test_spin ();
  g_assert_cmpstr (moped_element_get_name (moped_design_lookup (f->design, "world")), ==, "WORLD_BACK");
  g_assert_cmpstr (moped_inspector_get_accessible_label (GTK_WIDGET (gtk_list_box_get_selected_row (GTK_LIST_BOX (commands)))),
                   ==, "WORLD_BACK");
  g_assert_true (moped_design_undo (f->design));
  g_assert_false (moped_design_can_undo (f->design));

  /* Without the flow, WORLD is used by none: said on its page. */
  moped_design_remove (f->design, moped_design_lookup (f->design, "round-trip"));
  revalidate (f);
  {
    GtkWidget *problems = moped_test_find_control (f->editor, "Problems of this command");

    g_assert_cmpuint (n_rows (problems), ==, 1);
    g_assert_nonnull (strstr (moped_inspector_get_accessible_label (gtk_widget_get_first_child (problems)),
                              "not used by any flow"));
  }
  g_assert_true (moped_design_undo (f->design));
  revalidate (f);
  {
    g_autoptr(GPtrArray) all = g_ptr_array_new ();

    moped_test_find_labelled (f->editor, "Problems of this command", all);
    g_assert_cmpuint (all->len, ==, 1);
    g_assert_false (gtk_widget_get_mapped (g_ptr_array_index (all, 0)));
  }

  /* Removing the protocol leaves the empty state; undo brings it back. */
  gtk_widget_activate_action (f->editor, "protocol.remove-protocol", NULL);
  moped_test_spin ();
  g_assert_null (moped_design_lookup (f->design, "hello-protocol"));
  g_assert_null (find_type (f->editor, GTK_TYPE_STACK_SWITCHER));
  {
    g_autoptr(GPtrArray) adds = g_ptr_array_new ();

    /* In the toolbar and as the empty page's call to action. */
    moped_test_find_labelled (f->editor, "Add protocol", adds);
    g_assert_cmpuint (adds->len, ==, 2);
  }
  {
    GtkWidget *status = find_type (f->editor, ADW_TYPE_STATUS_PAGE);
    GtkWidget *call;

    /* The empty page is a status page whose button adds the first protocol. */
    g_assert_nonnull (status);
    g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No protocols yet");
    call = adw_status_page_get_child (ADW_STATUS_PAGE (status));
    g_assert_true (GTK_IS_BUTTON (call));
    moped_test_click (call);
    moped_test_spin ();
    g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROTOCOL), ==, 1);
    status = find_type (f->editor, ADW_TYPE_STATUS_PAGE);
    g_assert_true (status == NULL ||
                   g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (status)), "No protocols yet") != 0);
    g_assert_true (moped_design_undo (f->design));
    moped_test_spin ();
  }
  g_assert_true (moped_design_undo (f->design));
  moped_test_spin ();
  g_assert_cmpstr (moped_test_chosen (moped_test_find_control (f->editor, "Protocol")), ==, "Hello");
}

static void
check_names (GtkWidget *widget,
             guint     *n_controls)
{
  gboolean is_control = GTK_IS_EDITABLE (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_DROP_DOWN (widget) ||
                        GTK_IS_SWITCH (widget) || GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget);

  if (GTK_IS_STACK_SWITCHER (widget))
    {
      /* Its buttons are named by the page titles. */
      g_assert_nonnull (moped_inspector_get_accessible_label (widget));
      (*n_controls)++;
      return;
    }
  if (is_control && gtk_widget_get_mapped (widget))
    {
      const char *name = moped_inspector_get_accessible_label (widget);

      if (name == NULL && GTK_IS_CHECK_BUTTON (widget))
        name = gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
      if (name == NULL || *name == '\0')
        g_error ("a %s has no accessible name", G_OBJECT_TYPE_NAME (widget));
      (*n_controls)++;
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_names (child, n_controls);
}

static void
test_accessible_names_and_renders (Fixture       *f,
                                   gconstpointer  data)
{
  const char *pages[] = { "overview", "commands", "flows" };

  revalidate (f);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree char *name = g_strdup_printf ("protocol-%s.png", pages[i]);
      guint n = 0;

      show_page (f, pages[i]);
      moped_test_wait_drawn (f->editor);
      check_names (f->editor, &n);
      g_assert_cmpuint (n, >, 3);
      texture = moped_test_render (f->editor);
      g_assert_cmpuint (count_ink (texture), >, 5000);
      save_screenshot (texture, name);
    }
}

/* Choices and loops from the keyboard: Ctrl+Shift+C adds a choice with two branches,
 * and Add puts a step into the branch the keyboard is on; rows of blocks' steps are
 * indented under them. */
static void
test_blocks_by_keyboard (Fixture       *f,
                         gconstpointer  data)
{
  MopedElement *flow = moped_design_lookup (f->design, "round-trip");
  g_autoptr(GPtrArray) top = NULL;
  g_autoptr(GPtrArray) branches = NULL;
  g_autoptr(GPtrArray) inside = NULL;
  MopedElement *choice, *loop;
  GtkWidget *row;

  moped_protocol_editor_reveal (MOPED_PROTOCOL_EDITOR (f->editor), "round-trip-2");
  moped_test_spin ();
  g_assert_true (moped_test_fire_shortcut (f->editor, "<Control><Shift>c"));
  moped_test_spin ();
  top = moped_element_get_children_of_kind (flow, MOPED_KIND_STEP);
  g_assert_cmpuint (top->len, ==, 3);
  choice = g_ptr_array_index (top, 2);
  g_assert_cmpint (moped_element_get_enum (choice, MOPED_PROP_BLOCK), ==, MOPED_BLOCK_CHOICE);
  branches = moped_element_get_children_of_kind (choice, MOPED_KIND_STEP);
  g_assert_cmpuint (branches->len, ==, 2);
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Add choice");
  g_assert_cmpuint (n_rows (moped_test_find_control (f->editor, "Steps")), ==, 5);

  /* Into the first branch. */
  g_assert_true (moped_protocol_steps_reveal (MOPED_PROTOCOL_STEPS (steps (f)),
                                              moped_element_get_id (g_ptr_array_index (branches, 0))));
  click (moped_test_find_control (f->editor, "Add step"));
  moped_test_spin ();
  inside = moped_element_get_children_of_kind (g_ptr_array_index (branches, 0), MOPED_KIND_STEP);
  g_assert_cmpuint (inside->len, ==, 1);
  row = moped_protocol_steps_get_row (MOPED_PROTOCOL_STEPS (steps (f)), moped_element_get_id (g_ptr_array_index (inside, 0)));
  g_assert_cmpint (gtk_widget_get_margin_start (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))), ==, 48);

  /* A loop inside the branch the keyboard is on, then undo both. */
  g_assert_true (moped_protocol_steps_reveal (MOPED_PROTOCOL_STEPS (steps (f)),
                                              moped_element_get_id (g_ptr_array_index (branches, 1))));
  g_assert_true (moped_test_fire_shortcut (f->editor, "<Control><Shift>l"));
  loop = moped_element_get_child (g_ptr_array_index (branches, 1), 0);
  g_assert_nonnull (loop);
  g_assert_cmpint (moped_element_get_enum (loop, MOPED_PROP_BLOCK), ==, MOPED_BLOCK_LOOP);
  g_assert_true (moped_design_undo (f->design));
  g_assert_true (moped_design_undo (f->design));
  g_assert_true (moped_design_undo (f->design));
  g_assert_false (moped_design_can_undo (f->design));
}

int
main (int   argc,
      char *argv[])
{
  if (!moped_test_gtk_init (&argc, &argv))
    return 0;

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/protocol-editor/shows-protocol", test_shows_protocol);
  ADD ("/protocol-editor/add-command-and-field", test_add_command_and_field);
  ADD ("/protocol-editor/add-flow-and-steps", test_add_flow_and_steps);
  ADD ("/protocol-editor/steps-without-senders", test_steps_without_senders);
  ADD ("/protocol-editor/flow-page-fits", test_flow_page_fits);
  ADD ("/protocol-editor/reorder-step-by-keyboard", test_reorder_step_by_keyboard);
  ADD ("/protocol-editor/reorder-step-by-drag", test_reorder_step_by_drag);
  ADD ("/protocol-editor/blocks-by-keyboard", test_blocks_by_keyboard);
  ADD ("/protocol-editor/preview-draws", test_preview_draws);
  ADD ("/protocol-editor/flow-diagnostics", test_flow_diagnostics);
  ADD ("/protocol-editor/reveal-and-undo", test_reveal_and_undo);
  ADD ("/protocol-editor/accessible-names-and-renders", test_accessible_names_and_renders);
#undef ADD

  return g_test_run ();
}
