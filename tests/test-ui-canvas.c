/* test-ui-canvas.c: the canvas widget driven through its actions and controllers, checked against the model.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Runs under Xvfb (see tests/xvfb-run-test.sh). GTK cannot make input events, so
 * the tests emit the signals of the canvas's own gestures and controllers (found by
 * name), activate its actions, and look at the design each gesture edited.
 */
#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "moped-canvas-private.h"
#include "moped-clipboard.h"
#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-test-gtk.h"
#include "moped-test-util.h"

typedef struct
{
  GtkWidget   *window;
  MopedCanvas *canvas;
  MopedDesign *design;
} Fixture;

/* ---- helpers ------------------------------------------------------------------- */

static GtkWidget *
open_window (MopedDesign  *design,
             MopedCanvas **canvas)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  *canvas = MOPED_CANVAS (moped_canvas_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (*canvas));
  moped_canvas_set_design (*canvas, design);
  gtk_window_present (GTK_WINDOW (window));
  moped_test_wait_for_paint (GTK_WIDGET (*canvas));
  return window;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->design = moped_design_new ();
  moped_design_set_string (f->design, moped_design_get_root (f->design), MOPED_PROP_NAME, "Test");
  moped_design_clear_history (f->design);
  f->window = open_window (f->design, &f->canvas);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->canvas)), ==, 1000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->design);
}

static GtkEventController *
find_controller (MopedCanvas *canvas,
                 const char  *name)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (canvas));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), name) == 0)
        return controller;  /* the widget keeps it alive */
    }
  g_assert_not_reached ();
}

static void
set_modifiers (Fixture         *f,
               GdkModifierType  state)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (find_controller (f->canvas, "canvas-keys"), "modifiers", state, &handled);
}

/* A press at (x0, y0), @steps motions, a release at (x1, y1): widget coordinates. */
static void
drag_with (Fixture    *f,
           const char *gesture_name,
           double      x0,
           double      y0,
           double      x1,
           double      y1,
           guint       steps)
{
  GtkEventController *gesture = find_controller (f->canvas, gesture_name);

  g_signal_emit_by_name (gesture, "drag-begin", x0, y0);
  for (guint i = 1; i <= steps; i++)
    g_signal_emit_by_name (gesture, "drag-update", (x1 - x0) * i / steps, (y1 - y0) * i / steps);
  g_signal_emit_by_name (gesture, "drag-end", x1 - x0, y1 - y0);
}

static void
drag (Fixture *f,
      double   x0,
      double   y0,
      double   x1,
      double   y1)
{
  drag_with (f, "canvas-drag", x0, y0, x1, y1, 6);
}

static void
click (Fixture *f,
       double   x,
       double   y)
{
  drag_with (f, "canvas-drag", x, y, x, y, 0);
}

static void
activate (Fixture    *f,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), action, NULL));
}

static void
to_widget (Fixture *f,
           double   x,
           double   y,
           double  *wx,
           double  *wy)
{
  moped_canvas_design_to_widget (f->canvas, x, y, wx, wy);
}

/* The centre of @element's box, or of its port, in widget coordinates. */
static void
center_of (Fixture      *f,
           MopedElement *element,
           double       *wx,
           double       *wy)
{
  MopedCanvasGeometry *geometry = moped_canvas_get_geometry (f->canvas);
  const MopedCanvasBox *box = moped_canvas_geometry_get_box (geometry, element);
  const MopedCanvasPort *port = moped_canvas_geometry_get_port (geometry, element);
  const MopedCanvasLinkCurve *curve = moped_canvas_geometry_get_link_curve (geometry, element);

  if (box != NULL)
    to_widget (f, box->rect.x + box->rect.width / 2, box->rect.y + box->rect.height - 10, wx, wy);
  else if (curve != NULL)
    to_widget (f, curve->middle.x, curve->middle.y, wx, wy);
  else
    {
      g_assert_nonnull (port);
      to_widget (f, port->center.x, port->center.y, wx, wy);
    }
}

static MopedElement *
add_socket (Fixture         *f,
            MopedElement    *node,
            MopedSocketType  type,
            MopedSocketMode  mode)
{
  return moped_test_add_socket (f->design, node, moped_socket_type_get_name (type), type, mode);
}

static GStrv
selection_of (Fixture *f)
{
  return moped_canvas_dup_selection (f->canvas);
}

static MopedElement *
first_selected (Fixture *f)
{
  g_auto(GStrv) ids = selection_of (f);

  g_assert_nonnull (ids[0]);
  return moped_design_lookup (f->design, ids[0]);
}

static void
assert_selection (Fixture    *f,
                  const char *first,
                  ...)
{
  g_auto(GStrv) ids = selection_of (f);
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    g_ptr_array_add (expected, (gpointer) id);
  va_end (args);

  g_assert_cmpuint (g_strv_length (ids), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_true (g_strv_contains ((const char * const *) ids, g_ptr_array_index (expected, i)));
}

static void
fit (Fixture *f)
{
  activate (f, "canvas.zoom-fit");
  moped_test_wait_for_paint (GTK_WIDGET (f->canvas));
}

static void
changed_count_cb (MopedDesign  *design,
                  const GArray *changes,
                  guint        *n)
{
  (*n)++;
}

/* Spin until the design changed (a paste arrives asynchronously). */
static void
wait_for_change (MopedDesign *design)
{
  guint n = 0;
  gulong handler = g_signal_connect (design, "changed", G_CALLBACK (changed_count_cb), &n);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (n == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_signal_handler_disconnect (design, handler);
  g_assert_cmpuint (n, >, 0);
}

/* ---- creating ---------------------------------------------------------------------- */

static void
test_accessible (Fixture       *f,
                 gconstpointer  data)
{
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (f->canvas), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Design canvas");
  moped_test_add_node_at (f->design, "A", 0, 0);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (f->canvas), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "1 node, 0 links, 0 notes; 0 selected");
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (f->canvas)));
}

static void
test_create_nodes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) nodes = NULL;
  g_auto(GStrv) selection = NULL;
  double x, y;

  /* The toolbar's way: the action. */
  activate (f, "canvas.add-node");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 1);
  nodes = moped_design_collect (f->design, MOPED_KIND_NODE);
  selection = selection_of (f);
  g_assert_cmpstr (selection[0], ==, moped_element_get_id (g_ptr_array_index (nodes, 0)));
  g_assert_cmpstr (moped_element_get_name (g_ptr_array_index (nodes, 0)), ==, "Node 1");

  /* A double click on empty canvas: the new node is centred on it. */
  moped_canvas_widget_to_design (f->canvas, 800, 500, &x, &y);
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-click"), "pressed", 2, 800.0, 500.0);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 2);
  g_ptr_array_unref (nodes);
  nodes = moped_design_collect (f->design, MOPED_KIND_NODE);
  {
    MopedElement *node = g_ptr_array_index (nodes, 1);

    g_assert_cmpfloat_with_epsilon (moped_element_get_double (node, MOPED_PROP_X) + 90, x, 1e-6);
    g_assert_cmpfloat_with_epsilon (moped_element_get_double (node, MOPED_PROP_Y) + 45, y, 1e-6);
    g_assert_cmpstr (moped_element_get_name (node), ==, "Node 2");
  }

  /* A double click on a node adds nothing. */
  center_of (f, g_ptr_array_index (nodes, 1), &x, &y);
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-click"), "pressed", 2, x, y);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 2);

  /* Notes too. */
  activate (f, "canvas.add-note");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NOTE), ==, 1);
}

/* The keyboard's way: the canvas's shortcuts map keys to its actions. */
static GtkShortcut *
shortcut_for (Fixture        *f,
              guint           keyval,
              GdkModifierType modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->canvas));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return shortcut;
        }
    }
  return NULL;
}

static void
press_key (Fixture        *f,
           guint           keyval,
           GdkModifierType modifiers,
           const char     *expected_action)
{
  GtkShortcut *shortcut = shortcut_for (f, keyval, modifiers);
  GtkShortcutAction *action;

  g_assert_nonnull (shortcut);
  action = gtk_shortcut_get_action (shortcut);
  g_assert_true (GTK_IS_NAMED_ACTION (action));
  g_assert_cmpstr (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), ==, expected_action);
  g_assert_true (gtk_shortcut_action_activate (action, 0, GTK_WIDGET (f->canvas), gtk_shortcut_get_arguments (shortcut)));
}

static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  MopedElement *node;
  double x;

  press_key (f, GDK_KEY_n, GDK_ALT_MASK, "canvas.add-node");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 1);
  node = first_selected (f);
  press_key (f, GDK_KEY_s, GDK_ALT_MASK, "canvas.socket-menu");
  g_assert_true (gtk_widget_get_visible (f->canvas->socket_menu));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.new-socket", "s", "REQ"));
  g_assert_cmpuint (moped_element_get_n_children (node), ==, 1);
  press_key (f, GDK_KEY_Escape, 0, "canvas.cancel");
  assert_selection (f, NULL);
  moped_canvas_select (f->canvas, moped_element_get_id (node), FALSE);
  x = moped_element_get_double (node, MOPED_PROP_X);
  press_key (f, GDK_KEY_Right, GDK_ALT_MASK | GDK_SHIFT_MASK, "canvas.nudge");
  g_assert_cmpfloat (moped_element_get_double (node, MOPED_PROP_X), ==, x + 10);
  press_key (f, GDK_KEY_Delete, 0, "canvas.delete");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 0);
  press_key (f, GDK_KEY_z, GDK_CONTROL_MASK, "canvas.undo");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 1);
  press_key (f, GDK_KEY_plus, GDK_CONTROL_MASK, "canvas.zoom-in");
  g_assert_cmpfloat_with_epsilon (moped_canvas_get_zoom (f->canvas), 1.25, 1e-9);
  g_assert_nonnull (shortcut_for (f, GDK_KEY_a, GDK_CONTROL_MASK));
  g_assert_nonnull (shortcut_for (f, GDK_KEY_c, GDK_CONTROL_MASK));
  g_assert_nonnull (shortcut_for (f, GDK_KEY_v, GDK_CONTROL_MASK));
}

/* ---- naming in place --------------------------------------------------------------- */

static GtkWidget *
rename_editor (Fixture *f)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->canvas)); child;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_has_css_class (child, "moped-rename"))
      return child;
  return NULL;
}

/* Emits the canvas's key controller's key-pressed for @keyval, as a key press would. */
static gboolean
type_key (Fixture *f,
          guint    keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->canvas));
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  return handled;
}

static void
escape_editor (GtkWidget *editor)
{
  g_autoptr(GtkWidget) keep = g_object_ref (editor);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (editor);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      /* The key goes first to the editor's capture-phase controller, as in GTK. */
      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller)) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Escape, 0, 0, &handled);
    }
  g_assert_true (handled);
}

static void
finish_editor (GtkWidget *editor)
{
  if (GTK_IS_ENTRY (editor))
    g_signal_emit_by_name (editor, "activate");
  else
    gtk_widget_activate_action (editor, "canvas.rename", NULL);
}

/* Single letters and digits are never commands: there is no shortcut on them. */
static void
test_letters_are_text (Fixture       *f,
                       gconstpointer  data)
{
  for (guint c = 'a'; c <= 'z'; c++)
    {
      g_assert_null (shortcut_for (f, c, 0));
      g_assert_null (shortcut_for (f, c, GDK_SHIFT_MASK));
    }
  for (guint c = '0'; c <= '9'; c++)
    g_assert_null (shortcut_for (f, c, 0));
  press_key (f, GDK_KEY_F2, 0, "canvas.rename");
  press_key (f, GDK_KEY_Return, 0, "canvas.rename");
}

/* Adding a node opens its name for typing; Enter keeps it as one undo step. */
static void
test_rename_new_node (Fixture       *f,
                      gconstpointer  data)
{
  MopedElement *node;
  GtkWidget *editor;
  gboolean snap, snap_after;

  g_object_get (f->canvas, "snap-to-grid", &snap, NULL);

  activate (f, "canvas.add-node");
  node = first_selected (f);
  editor = rename_editor (f);
  g_assert_nonnull (editor);
  g_assert_true (GTK_IS_ENTRY (editor));
  g_assert_true (gtk_widget_has_focus (gtk_widget_get_first_child (editor)) || gtk_widget_has_focus (editor));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor)), ==, moped_element_get_name (node));
  /* Typing replaces the selected name: "gateway" neither snaps nor adds a note. */
  gtk_editable_delete_selection (GTK_EDITABLE (editor));
  moped_test_type_text (editor, "gateway");
  g_object_get (f->canvas, "snap-to-grid", &snap_after, NULL);
  g_assert_true (snap_after == snap);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NOTE), ==, 0);
  finish_editor (editor);
  moped_test_spin ();
  g_assert_null (rename_editor (f));
  g_assert_cmpstr (moped_element_get_name (node), ==, "gateway");
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Rename");
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpstr (moped_element_get_name (node), !=, "gateway");
}

/* With one element selected, typing a letter starts naming it with that letter;
 * Escape puts the old name back. F2 and a double click open the name too. */
static void
test_rename_by_typing (Fixture       *f,
                       gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "Alpha", 100, 100);
  MopedElement *b = moped_test_add_node_at (f->design, "Beta", 500, 100);
  MopedElement *req = moped_test_add_socket (f->design, a, "out", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *rep = moped_test_add_socket (f->design, b, "in", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  MopedElement *link = moped_test_add_link (f->design, req, rep, "tcp://*:5555");
  MopedElement *note = moped_design_add (f->design, moped_design_get_root (f->design), MOPED_KIND_NOTE, -1, NULL);
  GtkWidget *editor;
  double x, y;

  moped_design_set_double (f->design, note, MOPED_PROP_X, 100);
  moped_design_set_double (f->design, note, MOPED_PROP_Y, 400);
  moped_test_spin ();
  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  g_assert_true (type_key (f, GDK_KEY_G));
  editor = rename_editor (f);
  g_assert_nonnull (editor);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor)), ==, "G");
  moped_test_type_text (editor, "ateway");
  finish_editor (editor);
  g_assert_cmpstr (moped_element_get_name (a), ==, "Gateway");

  /* Escape: nothing changes. */
  moped_design_clear_history (f->design);
  moped_canvas_select (f->canvas, moped_element_get_id (b), FALSE);
  g_assert_true (type_key (f, GDK_KEY_x));
  editor = rename_editor (f);
  g_assert_nonnull (editor);
  escape_editor (editor);
  g_assert_null (rename_editor (f));
  g_assert_cmpstr (moped_element_get_name (b), ==, "Beta");
  g_assert_false (moped_design_can_undo (f->design));

  /* F2 on a socket, a link's label, a note's text. */
  moped_canvas_select (f->canvas, moped_element_get_id (req), FALSE);
  activate (f, "canvas.rename");
  editor = rename_editor (f);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor)), ==, "out");
  gtk_editable_set_text (GTK_EDITABLE (editor), "requests");
  finish_editor (editor);
  g_assert_cmpstr (moped_element_get_name (req), ==, "requests");

  moped_canvas_select (f->canvas, moped_element_get_id (link), FALSE);
  activate (f, "canvas.rename");
  editor = rename_editor (f);
  gtk_editable_set_text (GTK_EDITABLE (editor), "greetings");
  finish_editor (editor);
  g_assert_cmpstr (moped_element_get_string (link, MOPED_PROP_LABEL), ==, "greetings");

  /* A double click on the note opens its text, several lines long. */
  center_of (f, note, &x, &y);
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-click"), "pressed", 2, x, y);
  editor = rename_editor (f);
  g_assert_nonnull (editor);
  g_assert_true (GTK_IS_TEXT_VIEW (editor));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor)), "first\nsecond", -1);
  /* Leaving the editor keeps what it holds. */
  gtk_widget_grab_focus (GTK_WIDGET (f->canvas));
  moped_test_spin ();
  g_assert_null (rename_editor (f));
  g_assert_cmpstr (moped_element_get_string (note, MOPED_PROP_TEXT), ==, "first\nsecond");

  /* A node's name is never emptied. */
  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  activate (f, "canvas.rename");
  editor = rename_editor (f);
  gtk_editable_set_text (GTK_EDITABLE (editor), "  ");
  finish_editor (editor);
  g_assert_cmpstr (moped_element_get_name (a), ==, "Gateway");
}

/* Align and distribute the selected boxes: one undo step each, from the selection's own
 * edges; too few selected is refused without a change. */
static void
test_align_distribute (Fixture       *f,
                       gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 100, 100);
  MopedElement *b = moped_test_add_node_at (f->design, "B", 420, 160);
  MopedElement *c = moped_test_add_node_at (f->design, "C", 900, 40);
  double w = moped_element_get_double (a, MOPED_PROP_WIDTH);
  double gap1, gap2;

  moped_design_clear_history (f->design);
  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.align", "s", "top"));
  g_assert_false (moped_design_can_undo (f->design));

  moped_canvas_select (f->canvas, moped_element_get_id (b), TRUE);
  moped_canvas_select (f->canvas, moped_element_get_id (c), TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.align", "s", "top"));
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y), ==, 40);
  g_assert_cmpfloat (moped_element_get_double (b, MOPED_PROP_Y), ==, 40);
  g_assert_cmpfloat (moped_element_get_double (c, MOPED_PROP_Y), ==, 40);
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Align");
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpfloat (moped_element_get_double (b, MOPED_PROP_Y), ==, 160);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.align", "s", "left"));
  g_assert_cmpfloat (moped_element_get_double (c, MOPED_PROP_X), ==, 100);
  g_assert_true (moped_design_undo (f->design));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.align", "s", "right"));
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X) + w, ==, 900 + w);

  g_assert_true (moped_design_undo (f->design));
  activate (f, "canvas.distribute-horizontally");
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Distribute");
  /* The outer two stay; the gaps between the boxes are equal. */
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 100);
  g_assert_cmpfloat (moped_element_get_double (c, MOPED_PROP_X), ==, 900);
  gap1 = moped_element_get_double (b, MOPED_PROP_X) - (100 + w);
  gap2 = 900 - (moped_element_get_double (b, MOPED_PROP_X) + w);
  g_assert_cmpfloat (fabs (gap1 - gap2), <=, 1);

  /* The same from the keyboard: Ctrl+Shift with an arrow for an edge, X and Y for the
   * centre lines, H and V to distribute. */
  g_assert_true (moped_design_undo (f->design));
  g_assert_true (moped_test_fire_shortcut (GTK_WIDGET (f->canvas), "<Control><Shift>Down"));
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Align");
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y) + moped_element_get_double (a, MOPED_PROP_HEIGHT), ==,
                     moped_element_get_double (b, MOPED_PROP_Y) + moped_element_get_double (b, MOPED_PROP_HEIGHT));
  g_assert_true (moped_design_undo (f->design));
  g_assert_true (moped_test_fire_shortcut (GTK_WIDGET (f->canvas), "<Control><Shift>x"));
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, moped_element_get_double (c, MOPED_PROP_X));
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y), ==, 100);
  g_assert_true (moped_design_undo (f->design));
  moped_design_set_double (f->design, b, MOPED_PROP_Y, 400);
  g_assert_true (moped_test_fire_shortcut (GTK_WIDGET (f->canvas), "<Control><Shift>v"));
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Distribute");
  g_assert_cmpfloat (fabs (moped_element_get_double (a, MOPED_PROP_Y) - 220), <=, 1);
  /* One step: a single undo puts them back. */
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y), ==, 100);
  g_assert_cmpfloat (moped_element_get_double (b, MOPED_PROP_Y), ==, 400);
  g_assert_cmpfloat (moped_element_get_double (c, MOPED_PROP_Y), ==, 40);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const edges[] = { "<Control><Shift>Left", "<Control><Shift>Right",
                                             "<Control><Shift>Up", "<Control><Shift>y" };

      g_assert_true (moped_test_fire_shortcut (GTK_WIDGET (f->canvas), edges[i]));
      g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Align");
      g_assert_true (moped_design_undo (f->design));
    }
  g_assert_true (moped_test_fire_shortcut (GTK_WIDGET (f->canvas), "<Control><Shift>h"));
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Distribute");
}

static guint
note_index (MopedElement *note)
{
  return (guint) moped_element_get_index (note);
}

/* Page Up brings the selected notes in front of the others, Page Down sends them
 * behind: one undo step, the selected keeping their order; no note selected, no change. */
static void
test_restack_notes (Fixture       *f,
                    gconstpointer  data)
{
  MopedElement *root = moped_design_get_root (f->design);
  MopedElement *n1 = moped_design_add (f->design, root, MOPED_KIND_NOTE, -1, "n1");
  MopedElement *n2 = moped_design_add (f->design, root, MOPED_KIND_NOTE, -1, "n2");
  MopedElement *n3 = moped_design_add (f->design, root, MOPED_KIND_NOTE, -1, "n3");
  MopedElement *node = moped_test_add_node_at (f->design, "A", 100, 100);

  moped_design_clear_history (f->design);
  moped_canvas_select (f->canvas, moped_element_get_id (node), FALSE);
  g_assert_true (moped_test_fire_shortcut (GTK_WIDGET (f->canvas), "Page_Up"));
  g_assert_false (moped_design_can_undo (f->design));

  moped_canvas_select (f->canvas, "n1", FALSE);
  moped_canvas_select (f->canvas, "n2", TRUE);
  g_assert_true (moped_test_fire_shortcut (GTK_WIDGET (f->canvas), "Page_Up"));
  g_assert_cmpuint (note_index (n3), ==, 0);
  g_assert_cmpuint (note_index (n1), ==, 1);
  g_assert_cmpuint (note_index (n2), ==, 2);
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Bring to Front");
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpuint (note_index (n1), ==, 0);
  g_assert_cmpuint (note_index (n2), ==, 1);
  g_assert_cmpuint (note_index (n3), ==, 2);
  g_assert_false (moped_design_can_undo (f->design));

  moped_canvas_select (f->canvas, "n3", FALSE);
  moped_canvas_select (f->canvas, "n2", TRUE);
  g_assert_true (moped_test_fire_shortcut (GTK_WIDGET (f->canvas), "Page_Down"));
  g_assert_cmpuint (note_index (n2), ==, 0);
  g_assert_cmpuint (note_index (n3), ==, 1);
  g_assert_cmpuint (note_index (n1), ==, 2);
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Send to Back");

  /* The canvas draws and hits notes in that order: the front one wins where they overlap. */
  moped_design_set_double (f->design, n1, MOPED_PROP_X, 600);
  moped_design_set_double (f->design, n1, MOPED_PROP_Y, 600);
  moped_design_set_double (f->design, n3, MOPED_PROP_X, 600);
  moped_design_set_double (f->design, n3, MOPED_PROP_Y, 600);
  g_assert_true (moped_canvas_geometry_hit (moped_canvas_get_geometry (f->canvas), 610, 610, 0) == n1);
  moped_canvas_select (f->canvas, "n3", FALSE);
  activate (f, "canvas.raise");
  g_assert_true (moped_canvas_geometry_hit (moped_canvas_get_geometry (f->canvas), 610, 610, 0) == n3);
}

/* Alt+N twice without moving the mouse: the second node goes beside the first, with
 * room for a link between them, not on top of it. */
static void
test_add_node_free_spot (Fixture       *f,
                         gconstpointer  data)
{
  MopedElement *a, *b;
  double ax, bx;

  f->canvas->pointer_inside = TRUE;
  f->canvas->pointer_x = 200;
  f->canvas->pointer_y = 150;
  activate (f, "canvas.add-node");
  a = first_selected (f);
  activate (f, "canvas.add-node");
  b = first_selected (f);
  g_assert_true (a != b);
  ax = moped_element_get_double (a, MOPED_PROP_X);
  bx = moped_element_get_double (b, MOPED_PROP_X);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y), ==, moped_element_get_double (b, MOPED_PROP_Y));
  g_assert_cmpfloat (bx - (ax + moped_element_get_double (a, MOPED_PROP_WIDTH)), >=, 6 * MOPED_CANVAS_GRID);
}

static char *
menu_label (GMenuModel *model,
            int         index)
{
  char *label = NULL;

  g_assert_true (g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  return label;
}

/* Alt+S offers the socket types, first those that answer a socket still waiting for a
 * link on another node; the chosen one is added and named in place. */
static void
test_socket_menu (Fixture       *f,
                  gconstpointer  data)
{
  MopedElement *client = moped_test_add_node_at (f->design, "client", 0, 0);
  MopedElement *server = moped_test_add_node_at (f->design, "server", 400, 0);
  MopedElement *socket;
  g_autoptr(GMenuModel) empty = NULL;
  g_autoptr(GMenuModel) first = NULL;
  g_autoptr(GMenuModel) answers = NULL;
  g_autofree char *label0 = NULL;
  g_autofree char *label1 = NULL;
  g_autofree char *label2 = NULL;

  /* Nothing selected: nowhere to add it. */
  empty = _moped_canvas_dup_socket_type_menu (f->canvas, "canvas.new-socket");
  g_assert_cmpint (g_menu_model_get_n_items (empty), ==, 0);

  /* Nothing to answer yet: every stable type, in the table's order. */
  moped_canvas_select (f->canvas, moped_element_get_id (client), FALSE);
  first = _moped_canvas_dup_socket_type_menu (f->canvas, "canvas.new-socket");
  g_assert_cmpint (g_menu_model_get_n_items (first), ==, MOPED_N_STABLE_SOCKET_TYPES);
  label0 = menu_label (first, 0);
  g_assert_cmpstr (label0, ==, moped_socket_type_get_name (0));
  g_assert_true (moped_test_fire_shortcut (GTK_WIDGET (f->canvas), "<Alt>s"));
  g_assert_true (gtk_widget_get_visible (f->canvas->socket_menu));
  gtk_popover_popdown (GTK_POPOVER (f->canvas->socket_menu));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.new-socket", "s", "REQ"));
  socket = first_selected (f);
  g_assert_true (moped_element_get_parent (socket) == client);
  g_assert_cmpint (moped_element_get_enum (socket, MOPED_PROP_TYPE), ==, MOPED_SOCKET_REQ);
  g_assert_cmpstr (moped_element_get_name (socket), ==, "req");
  g_assert_nonnull (rename_editor (f));
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Add socket");

  /* On the server, the REQ waiting for a link makes REP and ROUTER come first. */
  moped_canvas_select (f->canvas, moped_element_get_id (server), FALSE);
  answers = _moped_canvas_dup_socket_type_menu (f->canvas, "canvas.new-socket");
  g_assert_cmpint (g_menu_model_get_n_items (answers), ==, MOPED_N_STABLE_SOCKET_TYPES);
  label1 = menu_label (answers, 0);
  label2 = menu_label (answers, 1);
  g_assert_cmpstr (label1, ==, "REP");
  g_assert_cmpstr (label2, ==, "ROUTER");
  /* A name that is no socket type adds nothing. */
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.new-socket", "s", "NOSUCH");
  g_assert_cmpuint (moped_element_get_n_children (server), ==, 0);
}

static void
test_add_socket (Fixture       *f,
                 gconstpointer  data)
{
  MopedElement *node = moped_test_add_node_at (f->design, "A", 0, 0);
  MopedElement *socket;

  /* Without a node selected there is nowhere to add it. */
  activate (f, "canvas.add-socket");
  g_assert_cmpuint (moped_element_get_n_children (node), ==, 0);

  moped_canvas_select (f->canvas, moped_element_get_id (node), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.add-socket-type", "s", "REQ"));
  g_assert_cmpuint (moped_element_get_n_children (node), ==, 1);
  socket = moped_element_get_child (node, 0);
  g_assert_cmpint (moped_element_get_kind (socket), ==, MOPED_KIND_SOCKET);
  g_assert_cmpint (moped_element_get_enum (socket, MOPED_PROP_TYPE), ==, MOPED_SOCKET_REQ);
  g_assert_cmpstr (moped_element_get_name (socket), ==, "req");
  /* The new socket is selected; adding again goes to the same node. */
  assert_selection (f, moped_element_get_id (socket), NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.add-socket-type", "s", "REQ"));
  g_assert_cmpstr (moped_element_get_name (moped_element_get_child (node, 1)), ==, "req 2");
  /* One undo step per socket. */
  moped_design_undo (f->design);
  g_assert_cmpuint (moped_element_get_n_children (node), ==, 1);
}

/* ---- linking ------------------------------------------------------------------------ */

static void
test_link (Fixture       *f,
           gconstpointer  data)
{
  MopedElement *client = moped_test_add_node_at (f->design, "Client", 0, 0);
  MopedElement *server = moped_test_add_node_at (f->design, "Server", 400, 0);
  MopedElement *req = add_socket (f, client, MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *rep = add_socket (f, server, MOPED_SOCKET_REP, MOPED_SOCKET_MODE_CONNECT);
  GtkEventController *gesture;
  g_autoptr(GPtrArray) links = NULL;
  MopedElement *link;
  double x0, y0, x1, y1;

  fit (f);
  center_of (f, req, &x0, &y0);
  center_of (f, rep, &x1, &y1);

  /* Midway, the canvas knows the target and that it pairs. */
  gesture = find_controller (f->canvas, "canvas-drag");
  g_signal_emit_by_name (gesture, "drag-begin", x0, y0);
  g_signal_emit_by_name (gesture, "drag-update", (x1 - x0) / 2, 0.0);
  g_assert_cmpint (f->canvas->drag, ==, MOPED_CANVAS_DRAG_LINK);
  g_assert_null (f->canvas->link_target);
  g_signal_emit_by_name (gesture, "drag-update", x1 - x0 + 3, y1 - y0 - 2);
  g_assert_true (f->canvas->link_target == rep);
  g_assert_cmpint (f->canvas->link_pair, ==, MOPED_CANVAS_PAIR_FLIP_TO);
  moped_test_save_png (GTK_WIDGET (f->canvas), "canvas-link-drag");
  g_signal_emit_by_name (gesture, "drag-end", x1 - x0 + 3, y1 - y0 - 2);

  links = moped_design_collect (f->design, MOPED_KIND_LINK);
  g_assert_cmpuint (links->len, ==, 1);
  link = g_ptr_array_index (links, 0);
  g_assert_true (moped_element_get_ref (link, MOPED_PROP_FROM) == req);
  g_assert_true (moped_element_get_ref (link, MOPED_PROP_TO) == rep);
  /* Both connected: the target now binds, and the link has the endpoint it binds. */
  g_assert_cmpint (moped_element_get_enum (rep, MOPED_PROP_MODE), ==, MOPED_SOCKET_MODE_BIND);
  g_assert_cmpstr (moped_element_get_string (link, MOPED_PROP_ENDPOINT), ==, "tcp://*:5555");
  assert_selection (f, moped_element_get_id (link), NULL);
  g_assert_nonnull (moped_canvas_geometry_get_link_curve (moped_canvas_get_geometry (f->canvas), link));

  /* One undo step takes back the link and the mode. */
  moped_design_undo (f->design);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 0);
  g_assert_cmpint (moped_element_get_enum (rep, MOPED_PROP_MODE), ==, MOPED_SOCKET_MODE_CONNECT);
  moped_design_redo (f->design);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 1);
}

static void
test_link_refused (Fixture       *f,
                   gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  MopedElement *b = moped_test_add_node_at (f->design, "B", 400, 0);
  MopedElement *pub = add_socket (f, a, MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
  MopedElement *req = add_socket (f, b, MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  GtkEventController *gesture;
  const char *undo_label;
  double x0, y0, x1, y1;

  /* A subscriber nearby: it is the one marked as a good target. */
  add_socket (f, moped_test_add_node_at (f->design, "C", 400, 200), MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_CONNECT);
  add_socket (f, b, MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_CONNECT);

  fit (f);
  undo_label = moped_design_get_undo_label (f->design);
  center_of (f, pub, &x0, &y0);
  center_of (f, req, &x1, &y1);
  gesture = find_controller (f->canvas, "canvas-drag");
  g_signal_emit_by_name (gesture, "drag-begin", x0, y0);
  g_signal_emit_by_name (gesture, "drag-update", x1 - x0, y1 - y0);
  /* Marked invalid while dragging, from the socket table. */
  g_assert_true (f->canvas->link_target == req);
  g_assert_cmpint (f->canvas->link_pair, ==, MOPED_CANVAS_PAIR_INCOMPATIBLE);
  moped_test_save_png (GTK_WIDGET (f->canvas), "canvas-link-refused");
  g_signal_emit_by_name (gesture, "drag-end", x1 - x0, y1 - y0);

  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 0);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 3);
  g_assert_true (moped_design_get_undo_label (f->design) == undo_label);
}

static void
test_link_to_empty_canvas (Fixture       *f,
                           gconstpointer  data)
{
  MopedElement *client = moped_test_add_node_at (f->design, "Client", 0, 0);
  MopedElement *req = add_socket (f, client, MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  g_autoptr(GPtrArray) nodes = NULL;
  MopedElement *node, *socket, *link;
  double x0, y0;

  fit (f);
  moped_canvas_set_zoom (f->canvas, 1.0);
  center_of (f, req, &x0, &y0);
  drag (f, x0, y0, x0 + 250, y0 + 10);

  nodes = moped_design_collect (f->design, MOPED_KIND_NODE);
  g_assert_cmpuint (nodes->len, ==, 2);
  node = g_ptr_array_index (nodes, 1);
  g_assert_cmpuint (moped_element_get_n_children (node), ==, 1);
  socket = moped_element_get_child (node, 0);
  g_assert_cmpint (moped_element_get_enum (socket, MOPED_PROP_TYPE), ==, MOPED_SOCKET_REP);
  g_assert_cmpint (moped_element_get_enum (socket, MOPED_PROP_MODE), ==, MOPED_SOCKET_MODE_BIND);
  g_assert_cmpstr (moped_element_get_name (socket), ==, "client");
  link = g_ptr_array_index (moped_design_collect (f->design, MOPED_KIND_LINK), 0);
  g_assert_true (moped_element_get_ref (link, MOPED_PROP_TO) == socket);
  assert_selection (f, moped_element_get_id (node), NULL);
  /* The node's left edge is at the drop. */
  {
    double x;

    moped_canvas_widget_to_design (f->canvas, x0 + 250, 0, &x, NULL);
    g_assert_cmpfloat_with_epsilon (moped_element_get_double (node, MOPED_PROP_X), x, 1e-6);
  }

  /* All of it is one step. */
  moped_design_undo (f->design);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 1);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 0);
}

static void
test_link_to_node_body (Fixture       *f,
                        gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  MopedElement *b = moped_test_add_node_at (f->design, "B", 400, 0);
  MopedElement *push = add_socket (f, a, MOPED_SOCKET_PUSH, MOPED_SOCKET_MODE_BIND);
  MopedElement *link, *pull;
  double x0, y0, x1, y1;

  fit (f);
  center_of (f, push, &x0, &y0);
  center_of (f, b, &x1, &y1);
  drag (f, x0, y0, x1, y1);
  /* B had no socket for it: it gets a PULL that connects. */
  g_assert_cmpuint (moped_element_get_n_children (b), ==, 1);
  pull = moped_element_get_child (b, 0);
  g_assert_cmpint (moped_element_get_enum (pull, MOPED_PROP_TYPE), ==, MOPED_SOCKET_PULL);
  g_assert_cmpint (moped_element_get_enum (pull, MOPED_PROP_MODE), ==, MOPED_SOCKET_MODE_CONNECT);
  link = g_ptr_array_index (moped_design_collect (f->design, MOPED_KIND_LINK), 0);
  g_assert_true (moped_element_get_ref (link, MOPED_PROP_TO) == pull);
}

/* ---- selecting ----------------------------------------------------------------------- */

static void
selection_changed_cb (MopedCanvas *canvas,
                      guint       *n)
{
  (*n)++;
}

static void
test_select (Fixture       *f,
             gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  MopedElement *b = moped_test_add_node_at (f->design, "B", 300, 0);
  MopedElement *c = moped_test_add_node_at (f->design, "C", 0, 300);
  MopedElement *note = moped_design_add (f->design, moped_design_get_root (f->design), MOPED_KIND_NOTE, -1, "n");
  const char *ia = moped_element_get_id (a), *ib = moped_element_get_id (b), *ic = moped_element_get_id (c);
  guint emitted = 0;
  double x, y, x1, y1;

  moped_design_set_double (f->design, note, MOPED_PROP_X, 400);
  moped_design_set_double (f->design, note, MOPED_PROP_Y, 300);
  fit (f);
  g_signal_connect (f->canvas, "selection-changed", G_CALLBACK (selection_changed_cb), &emitted);

  center_of (f, a, &x, &y);
  click (f, x, y);
  assert_selection (f, ia, NULL);
  g_assert_cmpuint (emitted, ==, 1);

  /* Shift adds, Ctrl on a selected one takes it out. */
  set_modifiers (f, GDK_SHIFT_MASK);
  center_of (f, b, &x, &y);
  click (f, x, y);
  assert_selection (f, ia, ib, NULL);
  set_modifiers (f, GDK_CONTROL_MASK);
  click (f, x, y);
  assert_selection (f, ia, NULL);
  set_modifiers (f, 0);

  /* A click on empty canvas clears. */
  to_widget (f, 250, 200, &x, &y);
  click (f, x, y);
  assert_selection (f, NULL);

  /* Rubber band around A and C (and nothing else). */
  to_widget (f, -20, -20, &x, &y);
  to_widget (f, 200, 400, &x1, &y1);
  drag (f, x, y, x1, y1);
  assert_selection (f, ia, ic, NULL);

  /* Select all: boxes and notes. */
  activate (f, "canvas.select-all");
  assert_selection (f, ia, ib, ic, "n", NULL);
  activate (f, "canvas.cancel");
  assert_selection (f, NULL);

  /* Through the API. */
  moped_canvas_select (f->canvas, ib, FALSE);
  moped_canvas_select (f->canvas, ic, TRUE);
  assert_selection (f, ib, ic, NULL);
  moped_canvas_clear_selection (f->canvas);
  assert_selection (f, NULL);
  g_signal_handlers_disconnect_by_data (f->canvas, &emitted);
}

/* ---- moving --------------------------------------------------------------------------- */

static void
test_move (Fixture       *f,
           gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  MopedElement *b = moped_test_add_node_at (f->design, "B", 400, 0);
  MopedElement *other = moped_test_add_node_at (f->design, "Other", 0, 300);
  GtkEventController *gesture;
  double x, y, zoom;

  add_socket (f, a, MOPED_SOCKET_PUSH, MOPED_SOCKET_MODE_BIND);
  moped_design_set_string (f->design, a, MOPED_PROP_ROLE, "Made before the move");
  fit (f);
  zoom = moped_canvas_get_zoom (f->canvas);
  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  moped_canvas_select (f->canvas, moped_element_get_id (b), TRUE);

  /* Dragging A moves the selection, A and B, in one undo step. */
  center_of (f, a, &x, &y);
  gesture = find_controller (f->canvas, "canvas-drag");
  g_signal_emit_by_name (gesture, "drag-begin", x, y);
  for (guint i = 1; i <= 10; i++)
    g_signal_emit_by_name (gesture, "drag-update", 10.0 * i, 5.0 * i);
  /* While dragging, what does not move is drawn from a cached layer. */
  moped_test_save_png (GTK_WIDGET (f->canvas), "canvas-move");
  g_assert_true (_moped_canvas_has_static_layer (f->canvas));
  g_assert_true (g_hash_table_contains (f->canvas->dynamic, a));
  g_assert_false (g_hash_table_contains (f->canvas->dynamic, other));
  g_signal_emit_by_name (gesture, "drag-end", 100.0, 50.0);
  g_assert_false (_moped_canvas_has_static_layer (f->canvas));

  g_assert_cmpfloat_with_epsilon (moped_element_get_double (a, MOPED_PROP_X), 100 / zoom, 1e-6);
  g_assert_cmpfloat_with_epsilon (moped_element_get_double (a, MOPED_PROP_Y), 50 / zoom, 1e-6);
  g_assert_cmpfloat_with_epsilon (moped_element_get_double (b, MOPED_PROP_X), 400 + 100 / zoom, 1e-6);
  g_assert_cmpfloat (moped_element_get_double (other, MOPED_PROP_X), ==, 0);
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Move");

  /* Undo: both back, and the step before is untouched. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.undo", NULL));
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 0);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y), ==, 0);
  g_assert_cmpfloat (moped_element_get_double (b, MOPED_PROP_X), ==, 400);
  g_assert_cmpstr (moped_element_get_string (a, MOPED_PROP_ROLE), ==, "Made before the move");
  g_assert_cmpfloat_with_epsilon (moped_canvas_geometry_get_box (moped_canvas_get_geometry (f->canvas), a)->rect.x,
                                  0, 1e-9);
  /* Redo: moved again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.redo", NULL));
  g_assert_cmpfloat_with_epsilon (moped_element_get_double (a, MOPED_PROP_X), 100 / zoom, 1e-6);

  /* A second drag is a second step. */
  center_of (f, a, &x, &y);
  drag (f, x, y, x + 30, y);
  moped_design_undo (f->design);
  g_assert_cmpfloat_with_epsilon (moped_element_get_double (a, MOPED_PROP_X), 100 / zoom, 1e-6);
}

static void
test_move_snapped_and_cancelled (Fixture       *f,
                                 gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  double x, y;

  fit (f);
  moped_canvas_set_zoom (f->canvas, 1.0);
  activate (f, "canvas.snap");
  g_assert_true (moped_canvas_get_snap_to_grid (f->canvas));
  center_of (f, a, &x, &y);
  drag (f, x, y, x + 37, y + 13);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 40);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y), ==, 20);

  /* Escape during a drag puts the box back. */
  center_of (f, a, &x, &y);
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-drag"), "drag-begin", x, y);
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-drag"), "drag-update", 100.0, 100.0);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 140);
  activate (f, "canvas.cancel");
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 40);
  g_assert_cmpint (f->canvas->drag, ==, MOPED_CANVAS_DRAG_NONE);
  activate (f, "canvas.snap");
  g_assert_false (moped_canvas_get_snap_to_grid (f->canvas));
}

static void
test_arrow_keys (Fixture       *f,
                 gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);

  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  activate (f, "canvas.move-right");
  activate (f, "canvas.move-right");
  activate (f, "canvas.move-down");
  activate (f, "canvas.move-left");
  activate (f, "canvas.move-up");
  activate (f, "canvas.move-down");
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 1);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.nudge", "(dd)", 10.0, 0.0));
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 11);
  /* The presses are one step. */
  moped_design_undo (f->design);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 0);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y), ==, 0);
}

/* Plain arrows walk the selection (node, socket, link, socket, node); with Alt they
 * move what is selected; Alt+L lists what the selected socket can link to. */
static void
test_keyboard_walk_and_link (Fixture       *f,
                             gconstpointer  data)
{
  MopedElement *client = moped_test_add_node_at (f->design, "client", 0, 0);
  MopedElement *server = moped_test_add_node_at (f->design, "server", 400, 0);
  MopedElement *other = moped_test_add_node_at (f->design, "other", 400, 300);
  MopedElement *req = moped_test_add_socket (f->design, client, "request", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *rep = moped_test_add_socket (f->design, server, "reply", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  MopedElement *pub = moped_test_add_socket (f->design, other, "news", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GMenuModel) menu = NULL;
  g_autofree char *label = NULL;
  MopedElement *link;
  double x;

  fit (f);
  /* Nothing selected: an arrow starts at the first box in view. */
  press_key (f, GDK_KEY_Right, 0, "canvas.select-right");
  g_assert_true (first_selected (f) == client);
  press_key (f, GDK_KEY_Right, 0, "canvas.select-right");
  g_assert_true (first_selected (f) == req);

  /* Only REP (not PUB, not the REQ itself) can take a link from the REQ. */
  targets = moped_canvas_dup_link_targets (f->canvas);
  g_assert_cmpuint (targets->len, ==, 1);
  g_assert_true (g_ptr_array_index (targets, 0) == rep);
  menu = moped_canvas_dup_link_menu (f->canvas, "canvas.link-to");
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 1);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_cmpstr (label, ==, "server.reply (REP)");
  press_key (f, GDK_KEY_l, GDK_ALT_MASK, "canvas.link-menu");
  g_assert_true (gtk_widget_get_visible (f->canvas->link_menu));
  gtk_popover_popdown (GTK_POPOVER (f->canvas->link_menu));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.link-to", "s",
                                              moped_element_get_id (pub)) && moped_test_count (f->design, MOPED_KIND_LINK) > 0);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.link-to", "s", moped_element_get_id (rep)));
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 1);
  link = first_selected (f);
  g_assert_cmpint (moped_element_get_kind (link), ==, MOPED_KIND_LINK);
  g_assert_true (moped_element_get_ref (link, MOPED_PROP_FROM) == req);
  g_assert_true (moped_element_get_ref (link, MOPED_PROP_TO) == rep);
  /* The link is selected; onwards to the server, and down to the other node. */
  press_key (f, GDK_KEY_Right, 0, "canvas.select-right");
  g_assert_true (first_selected (f) == rep);
  press_key (f, GDK_KEY_Right, 0, "canvas.select-right");
  g_assert_true (first_selected (f) == server);
  press_key (f, GDK_KEY_Down, 0, "canvas.select-down");
  g_assert_true (first_selected (f) == other);
  press_key (f, GDK_KEY_Up, 0, "canvas.select-up");
  g_assert_true (first_selected (f) == server);

  /* Alt+arrow moves the selected node; plain arrows never do. */
  moped_canvas_select (f->canvas, moped_element_get_id (server), FALSE);
  x = moped_element_get_double (server, MOPED_PROP_X);
  press_key (f, GDK_KEY_Up, 0, "canvas.select-up");
  g_assert_cmpfloat (moped_element_get_double (server, MOPED_PROP_X), ==, x);
  moped_canvas_select (f->canvas, moped_element_get_id (server), FALSE);
  press_key (f, GDK_KEY_Right, GDK_ALT_MASK, "canvas.move-right");
  g_assert_cmpfloat (moped_element_get_double (server, MOPED_PROP_X), >, x);
}

/* New Process from Selection: one process for the selected nodes (a socket stands for
 * its node), one undo step; with nothing selected, nothing happens. The frames show
 * and hide with canvas.deployment. */
static void
test_new_process (Fixture       *f,
                  gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "a", 0, 0);
  MopedElement *b = moped_test_add_node_at (f->design, "b", 300, 0);
  MopedElement *c = moped_test_add_node_at (f->design, "c", 600, 0);
  MopedElement *socket = moped_test_add_socket (f->design, b, "out", MOPED_SOCKET_PUSH, MOPED_SOCKET_MODE_BIND);
  MopedElement *process;

  moped_canvas_clear_selection (f->canvas);
  activate (f, "canvas.new-process");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROCESS), ==, 0);
  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  moped_canvas_select (f->canvas, moped_element_get_id (socket), TRUE);
  activate (f, "canvas.new-process");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROCESS), ==, 1);
  process = moped_element_get_ref (a, MOPED_PROP_PROCESS);
  g_assert_nonnull (process);
  g_assert_true (moped_element_get_ref (b, MOPED_PROP_PROCESS) == process);
  g_assert_null (moped_element_get_ref (c, MOPED_PROP_PROCESS));
  g_assert_cmpstr (moped_element_get_name (process), !=, "");
  moped_design_undo (f->design);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROCESS), ==, 0);
  g_assert_null (moped_element_get_ref (a, MOPED_PROP_PROCESS));

  g_assert_true (moped_canvas_get_show_deployment (f->canvas));
  activate (f, "canvas.deployment");
  g_assert_false (moped_canvas_get_show_deployment (f->canvas));
}

/* Zoom to Fit shows the process and host frames whole, 24 pixels in from the edges,
 * not only the nodes (the frames' label bands reach above them); with the frames
 * hidden, it fits the nodes alone. */
static void
test_zoom_fit_frames (Fixture       *f,
                      gconstpointer  data)
{
  MopedElement *root = moped_design_get_root (f->design);
  MopedElement *a = moped_test_add_node_at (f->design, "a", 0, 0);
  MopedElement *b = moped_test_add_node_at (f->design, "b", 0, 2000);
  MopedElement *process = moped_design_add (f->design, root, MOPED_KIND_PROCESS, -1, "p");
  MopedElement *host = moped_design_add (f->design, root, MOPED_KIND_HOST, -1, "h");
  int width = gtk_widget_get_width (GTK_WIDGET (f->canvas));
  int height = gtk_widget_get_height (GTK_WIDGET (f->canvas));
  MopedCanvasRect outer = { 0, 0, 0, 0 }, nodes;
  double x0, y0, x1, y1;

  moped_design_set_ref (f->design, a, MOPED_PROP_PROCESS, process);
  moped_design_set_ref (f->design, b, MOPED_PROP_PROCESS, process);
  moped_design_set_ref (f->design, process, MOPED_PROP_HOST, host);
  fit (f);
  {
    g_autoptr(GArray) frames = moped_canvas_geometry_dup_frames (moped_canvas_get_geometry (f->canvas));

    g_assert_cmpuint (frames->len, ==, 2);
    g_assert_true (g_array_index (frames, MopedCanvasFrame, 0).element == host);
    outer = g_array_index (frames, MopedCanvasFrame, 0).rect;
  }
  g_assert_true (moped_canvas_geometry_get_extents (moped_canvas_get_geometry (f->canvas), &nodes));
  /* The host's frame is larger than the nodes, above all on top. */
  g_assert_cmpfloat (outer.y, <, nodes.y - 40);
  to_widget (f, outer.x, outer.y, &x0, &y0);
  to_widget (f, outer.x + outer.width, outer.y + outer.height, &x1, &y1);
  g_assert_cmpfloat (x0, >=, 24 - 1e-6);
  g_assert_cmpfloat (y0, >=, 24 - 1e-6);
  g_assert_cmpfloat (x1, <=, width - 24 + 1e-6);
  g_assert_cmpfloat (y1, <=, height - 24 + 1e-6);
  /* Tall: the frame touches the margin at the top and at the bottom. */
  g_assert_cmpfloat_with_epsilon (y0, 24, 1e-6);
  g_assert_cmpfloat_with_epsilon (y1, height - 24, 1e-6);

  /* Frames hidden: the nodes alone fill the height. */
  activate (f, "canvas.deployment");
  g_assert_false (moped_canvas_get_show_deployment (f->canvas));
  fit (f);
  to_widget (f, nodes.x, nodes.y, &x0, &y0);
  to_widget (f, nodes.x + nodes.width, nodes.y + nodes.height, &x1, &y1);
  g_assert_cmpfloat_with_epsilon (y0, 24, 1e-6);
  g_assert_cmpfloat_with_epsilon (y1, height - 24, 1e-6);
}

/* A process or host is selected by clicking its name on its frame (the band on top),
 * drawn selected, and deleted like any element: its nodes keep running, in processes
 * of their own. Inside the frame, below the band, a click still selects nothing. */
static void
test_select_frame (Fixture       *f,
                   gconstpointer  data)
{
  MopedElement *root = moped_design_get_root (f->design);
  MopedElement *a = moped_test_add_node_at (f->design, "a", 0, 0);
  MopedElement *b = moped_test_add_node_at (f->design, "b", 400, 0);
  MopedElement *process = moped_design_add (f->design, root, MOPED_KIND_PROCESS, -1, "p");
  MopedElement *host = moped_design_add (f->design, root, MOPED_KIND_HOST, -1, "h");
  MopedCanvasRect host_rect, process_rect;
  g_auto(GStrv) ids = NULL;
  double x, y;

  moped_design_set_ref (f->design, a, MOPED_PROP_PROCESS, process);
  moped_design_set_ref (f->design, b, MOPED_PROP_PROCESS, process);
  moped_design_set_ref (f->design, process, MOPED_PROP_HOST, host);
  fit (f);
  {
    g_autoptr(GArray) frames = moped_canvas_geometry_dup_frames (moped_canvas_get_geometry (f->canvas));

    g_assert_cmpuint (frames->len, ==, 2);
    host_rect = g_array_index (frames, MopedCanvasFrame, 0).rect;
    process_rect = g_array_index (frames, MopedCanvasFrame, 1).rect;
  }

  to_widget (f, process_rect.x + 30, process_rect.y + 8, &x, &y);
  click (f, x, y);
  ids = selection_of (f);
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, "p");
  g_clear_pointer (&ids, g_strfreev);

  to_widget (f, host_rect.x + 30, host_rect.y + 8, &x, &y);
  click (f, x, y);
  ids = selection_of (f);
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, "h");
  g_clear_pointer (&ids, g_strfreev);

  /* Below the band, inside both frames, between the nodes: nothing. */
  to_widget (f, process_rect.x + process_rect.width / 2, process_rect.y + process_rect.height - 4, &x, &y);
  click (f, x, y);
  ids = selection_of (f);
  g_assert_cmpuint (g_strv_length (ids), ==, 0);
  g_clear_pointer (&ids, g_strfreev);

  /* Deleting the process leaves its nodes, on their own. */
  to_widget (f, process_rect.x + 30, process_rect.y + 8, &x, &y);
  click (f, x, y);
  activate (f, "canvas.delete");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROCESS), ==, 0);
  g_assert_null (moped_element_get_ref (a, MOPED_PROP_PROCESS));
  g_assert_true (moped_element_get_design (a) == f->design);
  g_assert_true (moped_design_undo (f->design));
  g_assert_true (moped_element_get_ref (b, MOPED_PROP_PROCESS) == moped_design_lookup (f->design, "p"));

  /* Frames hidden: their bands select nothing. */
  activate (f, "canvas.deployment");
  fit (f);
  moped_canvas_clear_selection (f->canvas);
  to_widget (f, host_rect.x + 30, host_rect.y + 8, &x, &y);
  click (f, x, y);
  ids = selection_of (f);
  g_assert_cmpuint (g_strv_length (ids), ==, 0);
}

static void
test_resize (Fixture       *f,
             gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  double x, y;

  fit (f);
  moped_canvas_set_zoom (f->canvas, 1.0);
  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  to_widget (f, 180, 90, &x, &y);
  drag (f, x, y, x + 60, y + 30);
  g_assert_cmpfloat_with_epsilon (moped_element_get_double (a, MOPED_PROP_WIDTH), 240, 1e-6);
  g_assert_cmpfloat_with_epsilon (moped_element_get_double (a, MOPED_PROP_HEIGHT), 120, 1e-6);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 0);
  /* Not below the smallest size. */
  to_widget (f, 240, 120, &x, &y);
  drag (f, x, y, x - 500, y - 500);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_WIDTH), ==, MOPED_CANVAS_NODE_MIN_WIDTH);
  moped_design_undo (f->design);
  moped_design_undo (f->design);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_WIDTH), ==, 180);
}

/* ---- deleting, duplicating, the clipboard ---------------------------------------------- */

static MopedElement *
linked_pair (Fixture       *f,
             MopedElement **b_out)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  MopedElement *b = moped_test_add_node_at (f->design, "B", 400, 0);
  MopedElement *link = moped_design_add (f->design, moped_design_get_root (f->design), MOPED_KIND_LINK, -1, NULL);

  moped_design_set_ref (f->design, link, MOPED_PROP_FROM, add_socket (f, a, MOPED_SOCKET_PUSH, MOPED_SOCKET_MODE_BIND));
  moped_design_set_ref (f->design, link, MOPED_PROP_TO, add_socket (f, b, MOPED_SOCKET_PULL, MOPED_SOCKET_MODE_CONNECT));
  moped_design_set_string (f->design, link, MOPED_PROP_ENDPOINT, "tcp://*:7000");
  *b_out = b;
  return a;
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  MopedElement *b;
  MopedElement *a = linked_pair (f, &b);

  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  activate (f, "canvas.delete");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 1);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 0);
  assert_selection (f, NULL);
  moped_design_undo (f->design);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 2);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 1);
  /* Drawn again after undo. */
  g_assert_nonnull (moped_canvas_geometry_get_box (moped_canvas_get_geometry (f->canvas), a));
  g_assert_cmpuint (moped_canvas_geometry_get_box (moped_canvas_get_geometry (f->canvas), a)->ports->len, ==, 1);

  /* Deleting both nodes and their link at once is one step. */
  activate (f, "canvas.select-all");
  activate (f, "canvas.delete");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 0);
  moped_design_undo (f->design);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 2);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 1);
}

static void
test_duplicate (Fixture       *f,
                gconstpointer  data)
{
  MopedElement *b;
  MopedElement *a = linked_pair (f, &b);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) links = NULL;
  MopedElement *copy_a, *copy_b, *copy_link;

  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  moped_canvas_select (f->canvas, moped_element_get_id (b), TRUE);
  activate (f, "canvas.duplicate");

  nodes = moped_design_collect (f->design, MOPED_KIND_NODE);
  links = moped_design_collect (f->design, MOPED_KIND_LINK);
  g_assert_cmpuint (nodes->len, ==, 4);
  g_assert_cmpuint (links->len, ==, 2);
  copy_a = g_ptr_array_index (nodes, 2);
  copy_b = g_ptr_array_index (nodes, 3);
  copy_link = g_ptr_array_index (links, 1);
  /* Copies get names of their own: two nodes named "A" would be an error at once. */
  g_assert_cmpstr (moped_element_get_name (copy_a), ==, "A 2");
  g_assert_cmpstr (moped_element_get_name (copy_b), ==, "B 2");
  {
    g_autoptr(GPtrArray) diagnostics = moped_validate (f->design);

    for (guint i = 0; i < diagnostics->len; i++)
      g_assert_cmpstr (((MopedDiagnostic *) g_ptr_array_index (diagnostics, i))->code, !=, "duplicate-name");
  }
  g_assert_cmpfloat (moped_element_get_double (copy_a, MOPED_PROP_X), ==, 24);
  g_assert_cmpfloat (moped_element_get_double (copy_b, MOPED_PROP_X), ==, 424);
  /* The copied link joins the copies, with the same endpoint. */
  g_assert_true (moped_element_get_parent (moped_element_get_ref (copy_link, MOPED_PROP_FROM)) == copy_a);
  g_assert_true (moped_element_get_parent (moped_element_get_ref (copy_link, MOPED_PROP_TO)) == copy_b);
  g_assert_cmpstr (moped_element_get_string (copy_link, MOPED_PROP_ENDPOINT), ==, "tcp://*:7000");
  assert_selection (f, moped_element_get_id (copy_a), moped_element_get_id (copy_b), NULL);

  /* A copy of a copy counts on: "A 3", not "A 2 2". */
  moped_canvas_select (f->canvas, moped_element_get_id (copy_a), FALSE);
  activate (f, "canvas.duplicate");
  g_assert_cmpstr (moped_element_get_name (first_selected (f)), ==, "A 3");
  moped_design_undo (f->design);

  moped_design_undo (f->design);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 2);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 1);
}

static void
test_copy_paste (Fixture       *f,
                 gconstpointer  data)
{
  MopedElement *b;
  MopedElement *a = linked_pair (f, &b);
  g_autoptr(MopedDesign) other = moped_design_new ();
  g_autoptr(GPtrArray) nodes = NULL;
  g_auto(GStrv) cut = NULL;
  MopedCanvas *other_canvas;
  GtkWidget *other_window;
  double x, y;

  fit (f);
  moped_canvas_select (f->canvas, moped_element_get_id (a), FALSE);
  moped_canvas_select (f->canvas, moped_element_get_id (b), TRUE);
  activate (f, "canvas.copy");

  /* Pasted beside the originals, twice: one step further each time. */
  activate (f, "canvas.paste");
  wait_for_change (f->design);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 4);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_LINK), ==, 2);
  activate (f, "canvas.paste");
  wait_for_change (f->design);
  nodes = moped_design_collect (f->design, MOPED_KIND_NODE);
  g_assert_cmpuint (nodes->len, ==, 6);
  g_assert_cmpfloat (moped_element_get_double (g_ptr_array_index (nodes, 2), MOPED_PROP_X), ==, 24);
  g_assert_cmpfloat (moped_element_get_double (g_ptr_array_index (nodes, 4), MOPED_PROP_X), ==, 48);

  /* At the pointer when it is over the canvas. */
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-motion"), "motion", 500.0, 400.0);
  activate (f, "canvas.paste");
  wait_for_change (f->design);
  g_ptr_array_unref (nodes);
  nodes = moped_design_collect (f->design, MOPED_KIND_NODE);
  moped_canvas_widget_to_design (f->canvas, 500, 400, &x, &y);
  g_assert_cmpfloat_with_epsilon (moped_element_get_double (g_ptr_array_index (nodes, 6), MOPED_PROP_X), x, 1e-6);
  g_assert_cmpfloat_with_epsilon (moped_element_get_double (g_ptr_array_index (nodes, 6), MOPED_PROP_Y), y, 1e-6);

  /* Cut: copied, then gone. */
  cut = selection_of (f);
  g_assert_cmpuint (g_strv_length (cut), ==, 2);
  activate (f, "canvas.cut");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 6);
  g_assert_null (moped_design_lookup (f->design, cut[0]));

  /* Into another window's design: same ids, same places. */
  other_window = open_window (other, &other_canvas);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (other_canvas), "canvas.paste", NULL));
  wait_for_change (other);
  g_assert_cmpuint (moped_test_count (other, MOPED_KIND_NODE), ==, 2);
  g_assert_cmpuint (moped_test_count (other, MOPED_KIND_LINK), ==, 1);
  g_assert_nonnull (moped_design_lookup (other, cut[0]));
  g_assert_nonnull (moped_design_lookup (other, cut[1]));
  gtk_window_destroy (GTK_WINDOW (other_window));
}

static void
test_clipboard_fragment (Fixture       *f,
                         gconstpointer  data)
{
  MopedElement *b;
  MopedElement *a = linked_pair (f, &b);
  MopedElement *protocol = moped_design_add (f->design, moped_design_get_root (f->design), MOPED_KIND_PROTOCOL, -1, "p");
  MopedElement *link = g_ptr_array_index (moped_design_collect (f->design, MOPED_KIND_LINK), 0);
  g_autoptr(GPtrArray) elements = g_ptr_array_new ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(MopedDesign) other = moped_design_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data_text = NULL;
  gsize length;
  double x, y, w, h;

  moped_design_set_string (f->design, protocol, MOPED_PROP_NAME, "Tasks");
  moped_design_set_ref (f->design, link, MOPED_PROP_PROTOCOL, protocol);
  g_assert_null (moped_clipboard_serialize (f->design, elements, &length));
  g_ptr_array_add (elements, a);
  g_ptr_array_add (elements, b);
  data_text = moped_clipboard_serialize (f->design, elements, &length);
  g_assert_nonnull (data_text);
  g_assert_nonnull (strstr (data_text, "<protocol id=\"p\" name=\"Tasks\""));
  g_assert_true (moped_clipboard_get_bounds (data_text, length, &x, &y, &w, &h));
  g_assert_cmpfloat (w, ==, 580);

  /* Back into the same design: the protocol is reused, not doubled. */
  added = moped_clipboard_insert (f->design, data_text, length, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 3);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROTOCOL), ==, 1);
  g_assert_true (moped_element_get_ref (g_ptr_array_index (added, 2), MOPED_PROP_PROTOCOL) == protocol);

  /* Into another: the protocol comes along. */
  g_ptr_array_unref (added);
  added = moped_clipboard_insert (other, data_text, length, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (moped_test_count (other, MOPED_KIND_PROTOCOL), ==, 1);
  g_assert_nonnull (moped_element_get_ref (moped_design_lookup (other, moped_element_get_id (link)), MOPED_PROP_PROTOCOL));

  /* Not a fragment: an error, nothing changed. */
  g_ptr_array_unref (added);
  added = moped_clipboard_insert (other, "hello", 5, 0, 0, &error);
  g_assert_null (added);
  g_assert_nonnull (error);
}

/* ---- the view ----------------------------------------------------------------------- */

static void
test_zoom (Fixture       *f,
           gconstpointer  data)
{
  GtkEventController *scroll = find_controller (f->canvas, "canvas-scroll");
  gboolean handled = FALSE;
  double x, y, x2, y2, ox, oy;
  int width = gtk_widget_get_width (GTK_WIDGET (f->canvas));
  int height = gtk_widget_get_height (GTK_WIDGET (f->canvas));

  moped_test_add_node_at (f->design, "A", 0, 0);
  moped_test_add_node_at (f->design, "Far", 3000, 2000);
  activate (f, "canvas.zoom-reset");
  g_assert_cmpfloat (moped_canvas_get_zoom (f->canvas), ==, 1.0);
  activate (f, "canvas.zoom-in");
  g_assert_cmpfloat_with_epsilon (moped_canvas_get_zoom (f->canvas), 1.25, 1e-9);
  activate (f, "canvas.zoom-out");
  activate (f, "canvas.zoom-out");
  g_assert_cmpfloat_with_epsilon (moped_canvas_get_zoom (f->canvas), 0.8, 1e-9);

  /* Fit shows everything. */
  activate (f, "canvas.zoom-fit");
  to_widget (f, 0, 0, &x, &y);
  to_widget (f, 3180, 2090, &x2, &y2);
  g_assert_cmpfloat (x, >=, 0);
  g_assert_cmpfloat (y, >=, 0);
  g_assert_cmpfloat (x2, <=, width);
  g_assert_cmpfloat (y2, <=, height);
  g_assert_cmpfloat (moped_canvas_get_zoom (f->canvas), <, 0.5);

  /* Ctrl+scroll zooms around the pointer: the point under it stays. */
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-motion"), "motion", 300.0, 200.0);
  moped_canvas_widget_to_design (f->canvas, 300, 200, &x, &y);
  set_modifiers (f, GDK_CONTROL_MASK);
  g_signal_emit_by_name (scroll, "scroll", 0.0, -1.0, &handled);
  g_assert_true (handled);
  g_assert_cmpfloat (moped_canvas_get_zoom (f->canvas), >, 0.2);
  moped_canvas_widget_to_design (f->canvas, 300, 200, &x2, &y2);
  g_assert_cmpfloat_with_epsilon (x, x2, 1e-6);
  g_assert_cmpfloat_with_epsilon (y, y2, 1e-6);
  set_modifiers (f, 0);

  /* Scrolling pans. */
  to_widget (f, 0, 0, &ox, &oy);
  g_signal_emit_by_name (scroll, "scroll", 0.0, 1.0, &handled);
  to_widget (f, 0, 0, &x, &y);
  g_assert_cmpfloat (x, ==, ox);
  g_assert_cmpfloat (y, <, oy);

  /* Pinch. */
  {
    double before = moped_canvas_get_zoom (f->canvas);

    g_signal_emit_by_name (find_controller (f->canvas, "canvas-pinch"), "scale-changed", 2.0);
    g_assert_cmpfloat_with_epsilon (moped_canvas_get_zoom (f->canvas), 2 * before, 1e-9);
  }

  /* Limits. */
  moped_canvas_set_zoom (f->canvas, 100);
  g_assert_cmpfloat (moped_canvas_get_zoom (f->canvas), ==, MOPED_CANVAS_MAX_ZOOM);
  moped_canvas_set_zoom (f->canvas, 0.0001);
  g_assert_cmpfloat (moped_canvas_get_zoom (f->canvas), ==, MOPED_CANVAS_MIN_ZOOM);
}

static void
test_pan (Fixture       *f,
          gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  gboolean handled = FALSE;
  double x, y, x2, y2;

  fit (f);
  to_widget (f, 0, 0, &x, &y);
  /* Middle button. */
  drag_with (f, "canvas-pan", 500, 500, 450, 480, 3);
  to_widget (f, 0, 0, &x2, &y2);
  g_assert_cmpfloat_with_epsilon (x2, x - 50, 1e-6);
  g_assert_cmpfloat_with_epsilon (y2, y - 20, 1e-6);

  /* Space and drag, even starting on a node: no move, no selection. */
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-keys"), "key-pressed", GDK_KEY_space, 0, 0, &handled);
  center_of (f, a, &x, &y);
  drag (f, x, y, x + 30, y + 30);
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-keys"), "key-released", GDK_KEY_space, 0, 0);
  g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 0);
  to_widget (f, 0, 0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, x2 + 30, 1e-6);
  assert_selection (f, NULL);
}

static void
test_reveal_and_diagnostics (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), "broken.moped", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) broken = moped_file_load (path, &error);
  g_autoptr(GPtrArray) diagnostics = NULL;
  MopedDiagnostic *first;
  MopedElement *element;
  const MopedCanvasBadge *badge;
  double x, y;

  g_assert_no_error (error);
  moped_canvas_set_design (f->canvas, broken);
  g_assert_true (moped_canvas_get_design (f->canvas) == broken);
  diagnostics = moped_validate (broken);
  moped_canvas_set_diagnostics (f->canvas, diagnostics);
  first = NULL;
  element = NULL;
  for (guint i = 0; i < diagnostics->len && element == NULL; i++)
    {
      first = g_ptr_array_index (diagnostics, i);
      element = _moped_canvas_drawable_for (f->canvas, moped_design_lookup (broken, first->element_ids[0]));
    }
  g_assert_nonnull (element);
  g_assert_cmpint (first->severity, ==, MOPED_SEVERITY_ERROR);
  badge = _moped_canvas_get_badge (f->canvas, element);
  g_assert_nonnull (badge);
  g_assert_cmpuint (badge->errors, >, 0);

  /* Activating a diagnostic: its element is selected and in view. */
  moped_canvas_set_zoom (f->canvas, 4.0);
  moped_canvas_reveal (f->canvas, first->element_ids[0]);
  assert_selection (f, moped_element_get_id (element), NULL);
  center_of (f, element, &x, &y);
  g_assert_cmpfloat (x, >=, 0);
  g_assert_cmpfloat (y, >=, 0);
  g_assert_cmpfloat (x, <=, gtk_widget_get_width (GTK_WIDGET (f->canvas)));
  g_assert_cmpfloat (y, <=, gtk_widget_get_height (GTK_WIDGET (f->canvas)));
  moped_test_wait_for_paint (GTK_WIDGET (f->canvas));

  /* Fixing the design and clearing the diagnostics takes the badges away. */
  moped_canvas_set_diagnostics (f->canvas, NULL);
  g_assert_null (_moped_canvas_get_badge (f->canvas, element));
  moped_canvas_set_design (f->canvas, f->design);
}

static void
test_context_menu (Fixture       *f,
                   gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  double x, y;

  fit (f);
  center_of (f, a, &x, &y);
  g_signal_emit_by_name (find_controller (f->canvas, "canvas-menu"), "pressed", 1, x, y);
  assert_selection (f, moped_element_get_id (a), NULL);
  g_assert_nonnull (f->canvas->menu);
  g_assert_true (gtk_widget_get_visible (f->canvas->menu));
  gtk_popover_popdown (GTK_POPOVER (f->canvas->menu));
  /* "Add node" there puts it at the click. */
  activate (f, "canvas.add-node");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 2);
}

static void
test_tooltip (Fixture       *f,
              gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  MopedElement *req = add_socket (f, a, MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  g_autofree char *text = _moped_canvas_dup_tooltip (f->canvas, req);

  g_assert_nonnull (strstr (text, "REQ socket that connects"));
  g_assert_nonnull (strstr (text, "Pairs with REP, ROUTER"));
  g_clear_pointer (&text, g_free);
  moped_design_set_string (f->design, a, MOPED_PROP_DESCRIPTION, "Asks questions.");
  text = _moped_canvas_dup_tooltip (f->canvas, a);
  g_assert_cmpstr (text, ==, "A\nAsks questions.");
}

/* A change draws anew only what it changed: the other elements keep their drawing. */
static void
test_incremental_redraw (Fixture       *f,
                         gconstpointer  data)
{
  MopedElement *a = moped_test_add_node_at (f->design, "A", 0, 0);
  MopedElement *b = moped_test_add_node_at (f->design, "B", 300, 0);

  fit (f);
  moped_canvas_set_zoom (f->canvas, 1.0);
  moped_test_wait_for_paint (GTK_WIDGET (f->canvas));
  g_assert_true (g_hash_table_contains (f->canvas->nodes, a));
  g_assert_true (g_hash_table_contains (f->canvas->nodes, b));
  g_assert_true (g_hash_table_contains (f->canvas->layouts, a));

  moped_design_set_string (f->design, a, MOPED_PROP_NAME, "Renamed");
  g_assert_false (g_hash_table_contains (f->canvas->nodes, a));
  g_assert_true (g_hash_table_contains (f->canvas->nodes, b));
  moped_test_wait_for_paint (GTK_WIDGET (f->canvas));
  g_assert_true (g_hash_table_contains (f->canvas->nodes, a));

  /* Moving keeps the drawing: only its place changes. */
  moped_design_set_double (f->design, b, MOPED_PROP_X, 320);
  g_assert_true (g_hash_table_contains (f->canvas->nodes, b));
  g_assert_cmpfloat (moped_canvas_geometry_get_box (moped_canvas_get_geometry (f->canvas), b)->rect.x, ==, 320);
}

/* Everything the canvas does is an edit of the model: undo to the start, and the
 * design is as it was. */
static void
test_undo_everything (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *before = moped_file_to_data (f->design, NULL);
  g_autofree char *after = NULL;
  MopedElement *node;
  double x, y;

  activate (f, "canvas.add-node");
  node = first_selected (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.add-socket-type", "s", "PUB"));
  moped_canvas_select (f->canvas, moped_element_get_id (node), FALSE);
  center_of (f, node, &x, &y);
  drag (f, x, y, x + 40, y);
  activate (f, "canvas.duplicate");
  activate (f, "canvas.move-down");
  activate (f, "canvas.add-note");
  activate (f, "canvas.select-all");
  activate (f, "canvas.delete");
  while (moped_design_can_undo (f->design))
    moped_design_undo (f->design);
  after = moped_file_to_data (f->design, NULL);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_NODE), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* The test accessibility backend keeps properties where tests can read them. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  if (!moped_test_gtk_init (&argc, &argv))
    return 0;

#define ADD(path, func) g_test_add ("/ui/canvas/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("accessible", test_accessible);
  ADD ("create-nodes", test_create_nodes);
  ADD ("keyboard", test_keyboard);
  ADD ("letters-are-text", test_letters_are_text);
  ADD ("rename-new-node", test_rename_new_node);
  ADD ("rename-by-typing", test_rename_by_typing);
  ADD ("align-distribute", test_align_distribute);
  ADD ("restack-notes", test_restack_notes);
  ADD ("socket-menu", test_socket_menu);
  ADD ("add-node-free-spot", test_add_node_free_spot);
  ADD ("add-socket", test_add_socket);
  ADD ("link", test_link);
  ADD ("link-refused", test_link_refused);
  ADD ("link-to-empty-canvas", test_link_to_empty_canvas);
  ADD ("link-to-node-body", test_link_to_node_body);
  ADD ("select", test_select);
  ADD ("move", test_move);
  ADD ("move-snapped-and-cancelled", test_move_snapped_and_cancelled);
  ADD ("arrow-keys", test_arrow_keys);
  ADD ("keyboard-walk-and-link", test_keyboard_walk_and_link);
  ADD ("new-process", test_new_process);
  ADD ("zoom-fit-frames", test_zoom_fit_frames);
  ADD ("select-frame", test_select_frame);
  ADD ("resize", test_resize);
  ADD ("delete", test_delete);
  ADD ("duplicate", test_duplicate);
  ADD ("copy-paste", test_copy_paste);
  ADD ("clipboard-fragment", test_clipboard_fragment);
  ADD ("zoom", test_zoom);
  ADD ("pan", test_pan);
  ADD ("reveal-and-diagnostics", test_reveal_and_diagnostics);
  ADD ("context-menu", test_context_menu);
  ADD ("tooltip", test_tooltip);
  ADD ("incremental-redraw", test_incremental_redraw);
  ADD ("undo-everything", test_undo_everything);
#undef ADD

  return g_test_run ();
}
