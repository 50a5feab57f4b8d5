/* test-ui-inspector.c: the inspector driven through its real widgets under Xvfb.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * GTK cannot synthesize input, so the tests type by inserting text into the real
 * entries, choose from the real drop-downs, click the real buttons and fire the
 * real shortcut controllers, then check the design, the undo history and what the
 * widgets show.
 */
#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-inspector.h"
#include "moped-inspector-field.h"
#include "moped-inspector-form.h"
#include "moped-socket-type.h"
#include "moped-test-gtk.h"
#include "moped-test-util.h"

typedef struct
{
  MopedDesign *design;
  GtkWidget   *window;
  GtkWidget   *inspector;
} Fixture;

/* ---- helpers ------------------------------------------------------------------------- */

static MopedDesign *
load_example (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), name, NULL);
  g_autoptr(GError) error = NULL;
  MopedDesign *design = moped_file_load (path, &error);

  g_assert_no_error (error);
  return design;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->design = load_example ("hello.moped");
  f->inspector = moped_inspector_new ();
  moped_inspector_set_design (MOPED_INSPECTOR (f->inspector), f->design);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 380, 860);
  gtk_window_set_child (GTK_WINDOW (f->window), f->inspector);
  gtk_window_present (GTK_WINDOW (f->window));
  moped_test_wait_drawn (f->inspector);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  moped_test_spin ();
  g_clear_object (&f->design);
}

static void
select_ids (Fixture    *f,
            const char *first,
            ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  va_list args;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    g_strv_builder_add (builder, id);
  va_end (args);
  ids = g_strv_builder_end (builder);
  moped_inspector_set_selection (MOPED_INSPECTOR (f->inspector), (const char * const *) ids);
  moped_test_spin ();
}

static MopedInspectorField *
field (Fixture    *f,
       const char *id,
       MopedProp   prop)
{
  MopedInspectorField *found = moped_inspector_find_field (f->inspector, id, prop);

  g_assert_nonnull (found);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (found)));
  return found;
}

static GtkWidget *
control (Fixture    *f,
         const char *id,
         MopedProp   prop)
{
  return moped_inspector_field_get_control (field (f, id, prop));
}

static void
replace_text (GtkWidget  *entry,
              const char *text)
{
  gtk_editable_delete_text (GTK_EDITABLE (entry), 0, -1);
  moped_test_type_text (entry, text);
}

static const char *
element_string (Fixture    *f,
                const char *id,
                MopedProp   prop)
{
  MopedElement *element = moped_design_lookup (f->design, id);

  g_assert_nonnull (element);
  return moped_element_get_string (element, prop);
}

static char *
text_view_text (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
fire_focus_leave (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_FOCUS (controller))
        g_signal_emit_by_name (controller, "leave");
    }
}

static GtkWidget *
row_of (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW);

  g_assert_nonnull (row);
  return row;
}

static GtkWidget *
find_by_class (GtkWidget  *widget,
               const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
page_title (Fixture *f)
{
  GtkWidget *title = find_by_class (f->inspector, "moped-page-title");

  g_assert_nonnull (title);
  return gtk_label_get_text (GTK_LABEL (title));
}

static void
revalidate (Fixture *f)
{
  g_autoptr(GPtrArray) diagnostics = moped_validate (f->design);

  moped_inspector_set_diagnostics (MOPED_INSPECTOR (f->inspector), diagnostics);
  moped_test_spin ();
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
test_node_fields (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *description = NULL;

  select_ids (f, "client", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "client", MOPED_PROP_NAME))), ==, "Client");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "client", MOPED_PROP_ROLE))), ==, "requester");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "client", MOPED_PROP_INSTANCES))), ==, "1");
  description = text_view_text (control (f, "client", MOPED_PROP_DESCRIPTION));
  g_assert_cmpstr (description, ==, element_string (f, "client", MOPED_PROP_DESCRIPTION));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (control (f, "client", MOPED_PROP_PINNED))));
  /* Geometry is the canvas's business. */
  g_assert_null (moped_inspector_find_field (f->inspector, "client", MOPED_PROP_X));
  /* The public API is listed with its method. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "say-hello", MOPED_PROP_NAME))), ==,
                   "Say hello");

  /* Another node replaces the page. */
  select_ids (f, "server", NULL);
  g_assert_null (moped_inspector_find_field (f->inspector, "client", MOPED_PROP_NAME));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "server", MOPED_PROP_NAME))), ==, "Server");

  /* A change made elsewhere (the canvas, undo) shows up. */
  moped_design_set_string (f->design, moped_design_lookup (f->design, "server"), MOPED_PROP_ROLE, "answers");
  moped_test_spin ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "server", MOPED_PROP_ROLE))), ==, "answers");
}

static void
test_typing_is_one_undo_step (Fixture       *f,
                              gconstpointer  data)
{
  GtkWidget *entry;

  select_ids (f, "client", NULL);
  entry = control (f, "client", MOPED_PROP_NAME);
  g_assert_false (moped_design_can_undo (f->design));

  moped_test_type_text (entry, " app");
  g_assert_cmpstr (element_string (f, "client", MOPED_PROP_NAME), ==, "Client app");
  moped_test_spin ();
  /* Typing did not rebuild the page under the user's hands. */
  g_assert_true (entry == control (f, "client", MOPED_PROP_NAME));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Client app");

  g_assert_true (moped_design_undo (f->design));
  g_assert_false (moped_design_can_undo (f->design));
  moped_test_spin ();
  g_assert_cmpstr (element_string (f, "client", MOPED_PROP_NAME), ==, "Client");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Client");

  /* Two focus sessions are two steps. */
  moped_test_type_text (entry, "X");
  fire_focus_leave (entry);
  moped_test_type_text (entry, "Y");
  g_assert_cmpstr (element_string (f, "client", MOPED_PROP_NAME), ==, "ClientXY");
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpstr (element_string (f, "client", MOPED_PROP_NAME), ==, "ClientX");
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpstr (element_string (f, "client", MOPED_PROP_NAME), ==, "Client");
  g_assert_false (moped_design_can_undo (f->design));

  /* The page title follows the name. */
  moped_test_type_text (entry, "!");
  moped_test_spin ();
  g_assert_cmpstr (page_title (f), ==, "Client!");
}

static void
test_long_text_coalesces (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *view;
  GtkTextBuffer *buffer;
  GtkTextIter end;

  select_ids (f, NULL);
  view = control (f, "design", MOPED_PROP_GOALS);
  g_assert_true (GTK_IS_TEXT_VIEW (view));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  for (const char *p = " More."; *p; p++)
    {
      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert (buffer, &end, p, 1);
    }
  g_assert_true (g_str_has_suffix (element_string (f, "design", MOPED_PROP_GOALS), "starting point. More."));
  g_assert_true (moped_design_undo (f->design));
  g_assert_false (moped_design_can_undo (f->design));
  g_assert_true (g_str_has_suffix (element_string (f, "design", MOPED_PROP_GOALS), "starting point."));
}

static void
test_socket_type_drop_down (Fixture       *f,
                            gconstpointer  data)
{
  MopedElement *socket = moped_design_lookup (f->design, "client-req");
  MopedInspectorField *type_field;
  GtkWidget *drop_down;
  GtkWidget *mode;
  GtkWidget *caption;

  select_ids (f, "client-req", NULL);
  type_field = field (f, "client-req", MOPED_PROP_TYPE);
  drop_down = moped_inspector_field_get_control (type_field);
  g_assert_true (GTK_IS_DROP_DOWN (drop_down));
  g_assert_cmpstr (moped_test_chosen (drop_down), ==, "REQ");
  /* Every type of the socket table is offered, described in the list. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (drop_down))), ==,
                    MOPED_N_SOCKET_TYPES);
  g_assert_nonnull (gtk_drop_down_get_list_factory (GTK_DROP_DOWN (drop_down)));
  caption = gtk_widget_get_next_sibling (drop_down);
  g_assert_true (GTK_IS_LABEL (caption));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (caption)),
                            moped_socket_type_get_info (MOPED_SOCKET_REQ)->description));

  moped_test_choose (drop_down, "DEALER");
  g_assert_cmpint (moped_element_get_enum (socket, MOPED_PROP_TYPE), ==, MOPED_SOCKET_DEALER);
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Type");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (caption)),
                            moped_socket_type_get_info (MOPED_SOCKET_DEALER)->description));

  g_assert_true (moped_design_undo (f->design));
  moped_test_spin ();
  g_assert_cmpint (moped_element_get_enum (socket, MOPED_PROP_TYPE), ==, MOPED_SOCKET_REQ);
  g_assert_cmpstr (moped_test_chosen (drop_down), ==, "REQ");

  /* Bind or connect is a drop-down of the schema's names. */
  mode = control (f, "client-req", MOPED_PROP_MODE);
  g_assert_cmpstr (moped_test_chosen (mode), ==, "connect");
}

/* Where @widget is in its window. */
static double
window_y_of (GtkWidget *widget)
{
  graphene_point_t point = GRAPHENE_POINT_INIT (0, 0);

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (gtk_widget_get_root (widget)), &point, &point));
  return point.y;
}

static void
collect_type (GtkWidget  *widget,
              const char *type_name,
              GPtrArray  *out)
{
  if (g_strcmp0 (G_OBJECT_TYPE_NAME (widget), type_name) == 0)
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_type (child, type_name, out);
}

/* Choosing a socket type from the drop-down's list, where the pointer moves the focus
 * over the list's rows, leaves the page where it was: the next click lands where the
 * user aims. */
static void
test_socket_type_keeps_place (Fixture       *f,
                              gconstpointer  data)
{
  MopedElement *node = moped_test_add_node (f->design, "Gateway");
  MopedElement *socket = moped_test_add_socket (f->design, node, "dealer", MOPED_SOCKET_DEALER, MOPED_SOCKET_MODE_BIND);
  const char *id = moped_element_get_id (socket);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *drop_down, *popover = NULL, *description;
  double before, after;

  gtk_window_set_default_size (GTK_WINDOW (f->window), 380, 420);
  revalidate (f);
  select_ids (f, id, NULL);
  moped_test_wait_drawn (f->inspector);
  drop_down = control (f, id, MOPED_PROP_TYPE);
  before = window_y_of (drop_down);

  {
    g_autoptr(GPtrArray) toggles = g_ptr_array_new ();

    collect_type (drop_down, "GtkToggleButton", toggles);
    g_assert_cmpuint (toggles->len, ==, 1);
    gtk_toggle_button_set_active (g_ptr_array_index (toggles, 0), TRUE);
  }
  moped_test_spin_for (100);
  for (GtkWidget *child = gtk_widget_get_first_child (drop_down); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      popover = child;
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  collect_type (popover, "GtkListItemWidget", rows);
  g_assert_cmpuint (rows->len, ==, MOPED_N_SOCKET_TYPES);
  /* The pointer passes over the rows down to REP, below the page's bottom edge. */
  for (guint i = 0; i <= MOPED_SOCKET_REP; i++)
    {
      gtk_widget_grab_focus (g_ptr_array_index (rows, i));
      moped_test_spin ();
    }
  moped_test_spin_for (50);
  after = window_y_of (drop_down);
  g_test_message ("type drop-down at %.0f, was %.0f", after, before);
  g_assert_cmpfloat (fabs (after - before), <, 1.0);
  gtk_popover_popdown (GTK_POPOVER (popover));
  moped_test_choose (drop_down, "REP");
  revalidate (f);
  moped_test_spin_for (50);
  g_assert_cmpfloat (fabs (window_y_of (control (f, id, MOPED_PROP_TYPE)) - before), <, 1.0);

  /* The keyboard focus is still followed: a field below the edge scrolls into view. */
  description = control (f, id, MOPED_PROP_DESCRIPTION);
  gtk_widget_grab_focus (description);
  moped_test_spin_for (50);
  g_assert_cmpfloat (window_y_of (description), <, 420);
  g_assert_cmpfloat (window_y_of (description), >=, 0);
}

/* A node's page lists its sockets: add one (named after its type), change its type
 * (the automatic name follows, a name someone chose stays), remove it. */
static void
test_node_sockets (Fixture       *f,
                   gconstpointer  data)
{
  MopedElement *client = moped_design_lookup (f->design, "client");
  g_autoptr(GPtrArray) sockets = NULL;
  MopedElement *socket;
  const char *id;
  g_autofree char *expected = NULL;

  select_ids (f, "client", NULL);
  /* The existing socket is listed with its type and mode. */
  g_assert_cmpstr (moped_test_chosen (control (f, "client-req", MOPED_PROP_TYPE)), ==, "REQ");
  g_assert_cmpstr (moped_test_chosen (control (f, "client-req", MOPED_PROP_MODE)), ==, "connect");

  moped_test_click (moped_test_find_control (f->inspector, "Add socket"));
  moped_test_spin ();
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Add socket");
  sockets = moped_element_get_children_of_kind (client, MOPED_KIND_SOCKET);
  g_assert_cmpuint (sockets->len, ==, 2);
  socket = g_ptr_array_index (sockets, 1);
  id = moped_element_get_id (socket);
  expected = g_ascii_strdown (moped_socket_type_get_name (moped_element_get_enum (socket, MOPED_PROP_TYPE)), -1);
  g_assert_cmpstr (moped_element_get_name (socket), ==, expected);

  moped_test_choose (control (f, id, MOPED_PROP_TYPE), "REQ");
  moped_test_spin ();
  g_assert_cmpint (moped_element_get_enum (socket, MOPED_PROP_TYPE), ==, MOPED_SOCKET_REQ);
  g_assert_cmpstr (moped_element_get_name (socket), ==, "req");
  /* Type and name changed in one undo step. */
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpstr (moped_element_get_name (socket), ==, expected);
  g_assert_true (moped_design_redo (f->design));
  moped_test_spin ();

  /* Once named by hand, the name stays. */
  replace_text (control (f, id, MOPED_PROP_NAME), "frontend");
  fire_focus_leave (control (f, id, MOPED_PROP_NAME));
  moped_test_choose (control (f, id, MOPED_PROP_TYPE), "DEALER");
  moped_test_spin ();
  g_assert_cmpstr (moped_element_get_name (socket), ==, "frontend");

  moped_test_click (moped_test_find_control (row_of (control (f, id, MOPED_PROP_NAME)), "Remove socket"));
  moped_test_spin ();
  g_assert_null (moped_element_get_design (socket));
}

static void
test_bad_instances_shown_inline (Fixture       *f,
                                 gconstpointer  data)
{
  MopedElement *server = moped_design_lookup (f->design, "server");
  MopedInspectorField *instances;
  GtkWidget *entry;

  select_ids (f, "server", NULL);
  instances = field (f, "server", MOPED_PROP_INSTANCES);
  entry = moped_inspector_field_get_control (instances);
  g_assert_null (moped_inspector_field_get_problem (instances));

  replace_text (entry, "many");
  g_assert_cmpint (moped_element_get_int (server, MOPED_PROP_INSTANCES), ==, 1);
  g_assert_nonnull (moped_inspector_field_get_problem (instances));
  g_assert_nonnull (strstr (moped_inspector_field_get_problem (instances), "“many” is not a whole number"));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  /* What the user typed stays, even when something else changes meanwhile. */
  moped_design_set_string (f->design, server, MOPED_PROP_ROLE, "busy");
  moped_test_spin ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "many");
  g_assert_nonnull (moped_inspector_field_get_problem (instances));

  replace_text (entry, "4");
  g_assert_cmpint (moped_element_get_int (server, MOPED_PROP_INSTANCES), ==, 4);
  g_assert_null (moped_inspector_field_get_problem (instances));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
}

static void
test_endpoint_diagnostics_inline (Fixture       *f,
                                  gconstpointer  data)
{
  MopedInspectorField *endpoint;
  GtkWidget *entry;

  select_ids (f, "server-rep", NULL);
  endpoint = field (f, "link-1", MOPED_PROP_ENDPOINT);
  entry = moped_inspector_field_get_control (endpoint);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "tcp://*:5555");

  /* A bad endpoint is stored as typed; validation explains it under the field. */
  replace_text (entry, "tcp://*:70000");
  g_assert_cmpstr (element_string (f, "link-1", MOPED_PROP_ENDPOINT), ==, "tcp://*:70000");
  revalidate (f);
  g_assert_nonnull (moped_inspector_field_get_problem (endpoint));
  g_assert_nonnull (strstr (moped_inspector_field_get_problem (endpoint), "70000"));

  replace_text (entry, "tcp://*:5556");
  revalidate (f);
  g_assert_null (moped_inspector_field_get_problem (endpoint));

  /* The link's own page edits the same endpoint. */
  select_ids (f, "link-1", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "link-1", MOPED_PROP_ENDPOINT))), ==,
                   "tcp://*:5556");
}

/* A socket that binds edits the endpoint of all its links in one step. */
static void
test_bound_socket_sets_all_links (Fixture       *f,
                                  gconstpointer  data)
{
  MopedElement *root = moped_design_get_root (f->design);
  MopedElement *server_rep = moped_design_lookup (f->design, "server-rep");
  MopedElement *other, *other_req, *link2;
  MopedInspectorField *endpoint;
  GtkWidget *entry;

  other = moped_design_add (f->design, root, MOPED_KIND_NODE, -1, "other");
  moped_design_set_string (f->design, other, MOPED_PROP_NAME, "Other");
  other_req = moped_design_add (f->design, other, MOPED_KIND_SOCKET, -1, "other-req");
  moped_design_set_string (f->design, other_req, MOPED_PROP_NAME, "request");
  link2 = moped_design_add (f->design, root, MOPED_KIND_LINK, -1, "link-2");
  moped_design_set_ref (f->design, link2, MOPED_PROP_FROM, other_req);
  moped_design_set_ref (f->design, link2, MOPED_PROP_TO, server_rep);
  moped_design_set_string (f->design, link2, MOPED_PROP_ENDPOINT, "tcp://*:5555");
  moped_design_clear_history (f->design);

  select_ids (f, "server-rep", NULL);
  endpoint = field (f, "link-2", MOPED_PROP_ENDPOINT);
  g_assert_true (endpoint == field (f, "link-1", MOPED_PROP_ENDPOINT));
  entry = moped_inspector_field_get_control (endpoint);
  g_assert_cmpstr (moped_inspector_get_accessible_label (entry), ==, "Binds (all 2 links)");

  replace_text (entry, "ipc:///tmp/hello");
  g_assert_cmpstr (element_string (f, "link-1", MOPED_PROP_ENDPOINT), ==, "ipc:///tmp/hello");
  g_assert_cmpstr (element_string (f, "link-2", MOPED_PROP_ENDPOINT), ==, "ipc:///tmp/hello");
  g_assert_true (moped_design_undo (f->design));
  g_assert_false (moped_design_can_undo (f->design));
  g_assert_cmpstr (element_string (f, "link-1", MOPED_PROP_ENDPOINT), ==, "tcp://*:5555");
  g_assert_cmpstr (element_string (f, "link-2", MOPED_PROP_ENDPOINT), ==, "tcp://*:5555");

  /* A connecting socket edits its own link; switching the mode rebuilds the section. */
  select_ids (f, "other-req", NULL);
  entry = control (f, "link-2", MOPED_PROP_ENDPOINT);
  g_assert_cmpstr (moped_inspector_get_accessible_label (entry), ==, "Connects to Server.reply");
  g_assert_null (moped_inspector_find_field (f->inspector, "link-1", MOPED_PROP_ENDPOINT));

  /* Links differing: the bound socket shows the field empty, marked as mixed. */
  moped_design_set_string (f->design, link2, MOPED_PROP_ENDPOINT, "tcp://*:6000");
  select_ids (f, "server-rep", NULL);
  entry = control (f, "link-1", MOPED_PROP_ENDPOINT);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_cmpstr (gtk_entry_get_placeholder_text (GTK_ENTRY (entry)), ==, "Several values");
}

static void
test_requirements (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  MopedElement *requirement;
  const char *id;
  GtkWidget *name;

  select_ids (f, NULL);
  before = moped_design_collect (f->design, MOPED_KIND_REQUIREMENT);
  g_assert_cmpuint (before->len, ==, 2);
  g_assert_cmpstr (moped_test_chosen (control (f, "req-round-trip", MOPED_PROP_METRIC)), ==, "latency");
  g_assert_cmpstr (moped_test_chosen (control (f, "req-round-trip", MOPED_PROP_TARGET)), ==, "Link Client.request → Server.reply");

  moped_test_click (moped_test_find_control (f->inspector, "Add requirement"));
  after = moped_design_collect (f->design, MOPED_KIND_REQUIREMENT);
  g_assert_cmpuint (after->len, ==, 3);
  requirement = g_ptr_array_index (after, 2);
  id = moped_element_get_id (requirement);
  g_assert_cmpstr (moped_element_get_name (requirement), ==, "Requirement 3");
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Add requirement");
  moped_test_spin ();
  /* The new row is there and its name has the focus, ready to be typed over. */
  name = control (f, id, MOPED_PROP_NAME);
  g_assert_true (gtk_widget_has_focus (name) || gtk_widget_is_focus (name) ||
                 gtk_widget_get_focus_child (name) != NULL);

  /* No target yet: the value field is empty and says so, as the documents do. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, id, MOPED_PROP_VALUE))), ==, "");
  g_assert_cmpstr (gtk_entry_get_placeholder_text (GTK_ENTRY (control (f, id, MOPED_PROP_VALUE))), ==, "not set");

  replace_text (name, "Uptime");
  moped_test_choose (control (f, id, MOPED_PROP_METRIC), "reliability");
  replace_text (control (f, id, MOPED_PROP_VALUE), "99.9");
  replace_text (control (f, id, MOPED_PROP_UNIT), "%");
  moped_test_choose (control (f, id, MOPED_PROP_TARGET), "Node Server");
  g_assert_cmpstr (moped_element_get_name (requirement), ==, "Uptime");
  g_assert_cmpint (moped_element_get_enum (requirement, MOPED_PROP_METRIC), ==, MOPED_METRIC_RELIABILITY);
  g_assert_cmpfloat (moped_element_get_double (requirement, MOPED_PROP_VALUE), ==, 99.9);
  g_assert_cmpstr (moped_element_get_string (requirement, MOPED_PROP_UNIT), ==, "%");
  g_assert_true (moped_element_get_ref (requirement, MOPED_PROP_TARGET) == moped_design_lookup (f->design, "server"));

  /* A value out of range for the metric is reported under the value. */
  replace_text (control (f, id, MOPED_PROP_VALUE), "150");
  revalidate (f);
  g_assert_nonnull (moped_inspector_field_get_problem (field (f, id, MOPED_PROP_VALUE)));
  /* Emptying the field takes the target away again, without a parse error. */
  replace_text (control (f, id, MOPED_PROP_VALUE), "");
  g_assert_cmpfloat (moped_element_get_double (requirement, MOPED_PROP_VALUE), ==, 0);
  revalidate (f);
  g_assert_null (moped_inspector_field_get_problem (field (f, id, MOPED_PROP_VALUE)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, id, MOPED_PROP_VALUE))), ==, "");
  replace_text (control (f, id, MOPED_PROP_VALUE), "99.9");

  /* Remove it from its row; undo brings it back with its row. */
  moped_test_click (moped_test_find_control (row_of (control (f, id, MOPED_PROP_NAME)), "Remove requirement"));
  g_assert_null (moped_design_lookup (f->design, id));
  moped_test_spin ();
  g_assert_null (moped_inspector_find_field (f->inspector, id, MOPED_PROP_NAME));
  g_assert_true (moped_design_undo (f->design));
  moped_test_spin ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, id, MOPED_PROP_NAME))), ==, "Uptime");
}

static void
test_methods_reorder (Fixture       *f,
                      gconstpointer  data)
{
  MopedElement *client = moped_design_lookup (f->design, "client");
  g_autoptr(GPtrArray) methods = NULL;
  MopedElement *added;
  GtkWidget *name;

  select_ids (f, "client", NULL);
  moped_test_click (moped_test_find_control (f->inspector, "Add API method"));
  moped_test_spin ();
  methods = moped_element_get_children_of_kind (client, MOPED_KIND_METHOD);
  g_assert_cmpuint (methods->len, ==, 2);
  added = g_ptr_array_index (methods, 1);
  g_assert_cmpstr (moped_element_get_name (added), ==, "API method 2");

  /* Alt+Up on its row moves it first; the focus stays in its name. */
  name = control (f, moped_element_get_id (added), MOPED_PROP_NAME);
  gtk_widget_grab_focus (name);
  g_assert_true (moped_test_fire_shortcut (row_of (name), "<Alt>Up"));
  g_assert_cmpint (moped_element_get_index (added), ==, 0);
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Reorder");
  moped_test_spin ();
  name = control (f, moped_element_get_id (added), MOPED_PROP_NAME);
  g_assert_true (gtk_widget_get_focus_child (name) != NULL || gtk_widget_has_focus (name));
  /* The first row cannot go further up. */
  g_assert_false (gtk_widget_get_sensitive (moped_test_find_control (row_of (name), "Move up")));

  /* The "Move down" button puts it back. */
  moped_test_click (moped_test_find_control (row_of (name), "Move down"));
  g_assert_cmpint (moped_element_get_index (added), ==, 1);

  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpint (moped_element_get_index (added), ==, 0);
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpint (moped_element_get_index (added), ==, 1);
  g_assert_true (moped_design_undo (f->design));
  g_assert_null (moped_element_get_design (added));
  moped_test_spin ();
  g_assert_null (moped_inspector_find_field (f->inspector, "method-1", MOPED_PROP_NAME));
}

static gboolean
has_choice (GtkWidget  *drop_down,
            const char *label)
{
  GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (drop_down));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), label) == 0)
      return TRUE;
  return FALSE;
}

/* An API method's result and typed parameters are edited in its row of "Public API". */
static void
test_method_parameters (Fixture       *f,
                        gconstpointer  data)
{
  MopedElement *method = moped_design_lookup (f->design, "say-hello");
  g_autoptr(GPtrArray) params = NULL;
  MopedElement *param;
  const char *id;
  GtkWidget *result;

  select_ids (f, "client", NULL);
  result = control (f, "say-hello", MOPED_PROP_RESULT);
  g_assert_cmpstr (moped_test_chosen (result), ==, "bool");
  moped_test_choose (result, "frame");
  g_assert_cmpint (moped_element_get_enum (method, MOPED_PROP_RESULT), ==, MOPED_API_FRAME);

  /* The method's row has its own "Parameters" list with an add button. */
  moped_test_click (moped_test_find_control (row_of (control (f, "say-hello", MOPED_PROP_NAME)), "Add parameter"));
  moped_test_spin ();
  params = moped_element_get_children_of_kind (method, MOPED_KIND_PARAM);
  g_assert_cmpuint (params->len, ==, 1);
  param = g_ptr_array_index (params, 0);
  id = moped_element_get_id (param);
  g_assert_cmpstr (moped_element_get_name (param), ==, "Parameter 1");
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Add parameter");
  replace_text (control (f, id, MOPED_PROP_NAME), "service");
  g_assert_cmpstr (moped_test_chosen (control (f, id, MOPED_PROP_TYPE)), ==, "string");
  moped_test_choose (control (f, id, MOPED_PROP_TYPE), "bool");
  g_assert_cmpstr (moped_element_get_name (param), ==, "service");
  g_assert_cmpint (moped_element_get_enum (param, MOPED_PROP_TYPE), ==, MOPED_API_BOOL);

  /* A parameter cannot be "none": only a result can. Neither is a msg (the rest of a
   * message): a method call is not a message. */
  g_assert_false (has_choice (control (f, id, MOPED_PROP_TYPE), "none"));
  g_assert_true (has_choice (result, "none"));
  g_assert_false (has_choice (control (f, id, MOPED_PROP_TYPE), "msg"));
  g_assert_false (has_choice (result, "msg"));

  /* A command's field may be one: its row in the command's "Fields" offers it. */
  {
    MopedElement *field = moped_design_add (f->design, moped_design_lookup (f->design, "hello"),
                                            MOPED_KIND_FIELD, -1, "hello-body");

    moped_design_set_string (f->design, field, MOPED_PROP_NAME, "body");
    select_ids (f, "hello", NULL);
    g_assert_true (has_choice (control (f, "hello-body", MOPED_PROP_TYPE), "frame"));
    moped_test_choose (control (f, "hello-body", MOPED_PROP_TYPE), "msg");
    g_assert_cmpint (moped_element_get_enum (field, MOPED_PROP_TYPE), ==, MOPED_FIELD_MSG);

    /* A field added now goes before it: the rest of the message stays last. */
    {
      g_autoptr(GPtrArray) fields = NULL;
      g_autoptr(GPtrArray) old = moped_element_get_children_of_kind (moped_design_lookup (f->design, "hello"),
                                                                     MOPED_KIND_FIELD);
      guint before = old->len;

      moped_test_click (moped_test_find_control (f->inspector, "Add field"));
      moped_test_spin ();
      fields = moped_element_get_children_of_kind (moped_design_lookup (f->design, "hello"), MOPED_KIND_FIELD);
      g_assert_cmpuint (fields->len, ==, before + 1);
      g_assert_true (g_ptr_array_index (fields, fields->len - 1) == field);
      g_assert_false (g_ptr_array_index (fields, fields->len - 2) == field);
    }
    select_ids (f, "client", NULL);
  }

  /* Removing it is one undo step. */
  moped_test_click (moped_test_find_control (row_of (control (f, id, MOPED_PROP_NAME)), "Remove parameter"));
  g_assert_null (moped_design_lookup (f->design, id));
  g_assert_true (moped_design_undo (f->design));
  g_assert_nonnull (moped_design_lookup (f->design, id));
}

static void
test_link_and_note (Fixture       *f,
                    gconstpointer  data)
{
  MopedElement *link = moped_design_lookup (f->design, "link-1");
  MopedElement *note = moped_design_lookup (f->design, "note-1");
  GtkWidget *protocol;
  GtkWidget *text;
  GtkTextIter end;

  select_ids (f, "link-1", NULL);
  protocol = control (f, "link-1", MOPED_PROP_PROTOCOL);
  g_assert_cmpstr (moped_test_chosen (protocol), ==, "Hello");
  moped_test_choose (protocol, "None");
  g_assert_null (moped_element_get_ref (link, MOPED_PROP_PROTOCOL));
  replace_text (control (f, "link-1", MOPED_PROP_LABEL), "hi");
  g_assert_cmpstr (moped_element_get_string (link, MOPED_PROP_LABEL), ==, "hi");

  /* Without a protocol, the link makes one on the spot (one undo step), and the offer goes.
   * The offer sits above the link's fields, where it is seen without scrolling. */
  moped_test_spin_for (50);
  {
    graphene_rect_t offer, field;

    g_assert_true (gtk_widget_compute_bounds (moped_test_find_control (f->inspector, "New Protocol for This Link"),
                                              f->inspector, &offer));
    g_assert_true (gtk_widget_compute_bounds (control (f, "link-1", MOPED_PROP_FROM), f->inspector, &field));
    g_assert_cmpfloat (offer.origin.y, <, field.origin.y);
  }
  moped_test_click (moped_test_find_control (f->inspector, "New Protocol for This Link"));
  moped_test_spin_for (50);
  g_assert_nonnull (moped_element_get_ref (link, MOPED_PROP_PROTOCOL));
  g_assert_cmpstr (moped_element_get_name (moped_element_get_ref (link, MOPED_PROP_PROTOCOL)), ==, "Protocol 2");
  g_assert_cmpstr (moped_test_chosen (control (f, "link-1", MOPED_PROP_PROTOCOL)), ==, "Protocol 2");
  {
    g_autoptr(GPtrArray) offers = g_ptr_array_new ();

    moped_test_find_labelled (f->inspector, "New Protocol for This Link", offers);
    g_assert_cmpuint (offers->len, ==, 0);
  }
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "New protocol");
  g_assert_true (moped_design_undo (f->design));
  g_assert_null (moped_element_get_ref (link, MOPED_PROP_PROTOCOL));
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROTOCOL), ==, 1);

  select_ids (f, "note-1", NULL);
  text = control (f, "note-1", MOPED_PROP_TEXT);
  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text)), &end);
  gtk_text_buffer_insert (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text)), &end, "\nSecond line.", -1);
  g_assert_true (g_str_has_suffix (moped_element_get_string (note, MOPED_PROP_TEXT), "there.\nSecond line."));
}

/* Deployment and link ends are edited like any property: a node's process, a
 * process's host, and bind or connect on one end of a link. */
static void
test_deployment_and_link_ends (Fixture       *f,
                               gconstpointer  data)
{
  MopedElement *root = moped_design_get_root (f->design);
  MopedElement *process = moped_design_add (f->design, root, MOPED_KIND_PROCESS, -1, "workers");
  MopedElement *host = moped_design_add (f->design, root, MOPED_KIND_HOST, -1, "rack");
  MopedElement *server = moped_design_lookup (f->design, "server");
  MopedElement *link = moped_design_lookup (f->design, "link-1");
  GtkWidget *mode;

  moped_design_set_string (f->design, process, MOPED_PROP_NAME, "Workers");
  moped_design_set_string (f->design, host, MOPED_PROP_NAME, "Rack");
  select_ids (f, "server", NULL);
  moped_test_choose (control (f, "server", MOPED_PROP_PROCESS), "Workers");
  g_assert_true (moped_element_get_ref (server, MOPED_PROP_PROCESS) == process);

  select_ids (f, "workers", NULL);
  moped_test_choose (control (f, "workers", MOPED_PROP_HOST), "Rack");
  g_assert_true (moped_element_get_ref (process, MOPED_PROP_HOST) == host);

  select_ids (f, "link-1", NULL);
  mode = control (f, "link-1", MOPED_PROP_FROM_MODE);
  g_assert_cmpstr (moped_test_chosen (mode), ==, "socket");
  moped_test_choose (mode, "bind");
  g_assert_cmpint (moped_element_get_enum (link, MOPED_PROP_FROM_MODE), ==, MOPED_LINK_END_BIND);
  g_assert_true (moped_link_end_binds (link, moped_element_get_ref (link, MOPED_PROP_FROM)));
}

/* A node's process and a process's host can be new ones, made from the drop-down: one
 * undo step each (the element and the reference together), and saved. */
static void
test_new_process_and_host (Fixture       *f,
                           gconstpointer  data)
{
  MopedElement *server = moped_design_lookup (f->design, "server");
  MopedElement *client = moped_design_lookup (f->design, "client");
  MopedElement *process, *host;
  g_autoptr(MopedDesign) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length;

  select_ids (f, "server", NULL);
  g_assert_cmpstr (moped_test_chosen (control (f, "server", MOPED_PROP_PROCESS)), ==, "None");
  moped_test_choose (control (f, "server", MOPED_PROP_PROCESS), "New process");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROCESS), ==, 1);
  process = moped_element_get_ref (server, MOPED_PROP_PROCESS);
  g_assert_nonnull (process);
  g_assert_cmpint (moped_element_get_kind (process), ==, MOPED_KIND_PROCESS);
  g_assert_cmpstr (moped_element_get_name (process), ==, "Process 1");
  g_assert_null (moped_element_get_ref (client, MOPED_PROP_PROCESS));
  /* The drop-down shows the new process, and offers it to the client. */
  g_assert_cmpstr (moped_test_chosen (control (f, "server", MOPED_PROP_PROCESS)), ==, "Process 1");
  select_ids (f, "client", NULL);
  moped_test_choose (control (f, "client", MOPED_PROP_PROCESS), "Process 1");
  g_assert_true (moped_element_get_ref (client, MOPED_PROP_PROCESS) == process);

  /* A second new process is named apart, and undoes in one step. */
  moped_test_choose (control (f, "client", MOPED_PROP_PROCESS), "New process");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROCESS), ==, 2);
  g_assert_cmpstr (moped_element_get_name (moped_element_get_ref (client, MOPED_PROP_PROCESS)), ==, "Process 2");
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROCESS), ==, 1);
  g_assert_true (moped_element_get_ref (client, MOPED_PROP_PROCESS) == process);

  select_ids (f, moped_element_get_id (process), NULL);
  moped_test_choose (control (f, moped_element_get_id (process), MOPED_PROP_HOST), "New host");
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_HOST), ==, 1);
  host = moped_element_get_ref (process, MOPED_PROP_HOST);
  g_assert_nonnull (host);
  g_assert_cmpstr (moped_element_get_name (host), ==, "Host 1");

  /* Saved and loaded again, the deployment is there. */
  text = moped_file_to_data (f->design, &length);
  reloaded = moped_file_load_data (text, (gssize) length, "saved.moped", &error);
  g_assert_no_error (error);
  {
    MopedElement *again = moped_element_get_ref (moped_design_lookup (reloaded, "server"), MOPED_PROP_PROCESS);

    g_assert_nonnull (again);
    g_assert_cmpstr (moped_element_get_name (again), ==, "Process 1");
    g_assert_true (moped_element_get_ref (moped_design_lookup (reloaded, "client"), MOPED_PROP_PROCESS) == again);
    g_assert_cmpstr (moped_element_get_name (moped_element_get_ref (again, MOPED_PROP_HOST)), ==, "Host 1");
  }

  /* Undo takes the host away with the reference, then the process with both nodes' own. */
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_HOST), ==, 0);
  g_assert_null (moped_element_get_ref (process, MOPED_PROP_HOST));
  g_assert_true (moped_design_undo (f->design));
  g_assert_null (moped_element_get_ref (client, MOPED_PROP_PROCESS));
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROCESS), ==, 0);
  g_assert_null (moped_element_get_ref (server, MOPED_PROP_PROCESS));
  g_assert_true (moped_design_redo (f->design));
  g_assert_cmpuint (moped_test_count (f->design, MOPED_KIND_PROCESS), ==, 1);
  g_assert_nonnull (moped_element_get_ref (server, MOPED_PROP_PROCESS));
}

static void
test_multiple_selection (Fixture       *f,
                         gconstpointer  data)
{
  MopedElement *client = moped_design_lookup (f->design, "client");
  MopedElement *server = moped_design_lookup (f->design, "server");
  MopedInspectorField *instances;
  GtkWidget *entry;

  select_ids (f, "client", "server", NULL);
  /* Names must differ, so they are not a shared property. */
  g_assert_null (moped_inspector_find_field (f->inspector, "client", MOPED_PROP_NAME));
  instances = field (f, "client", MOPED_PROP_INSTANCES);
  g_assert_true (instances == field (f, "server", MOPED_PROP_INSTANCES));
  entry = moped_inspector_field_get_control (instances);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "1");
  /* Roles differ: shown empty. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (f, "client", MOPED_PROP_ROLE))), ==, "");

  replace_text (entry, "3");
  g_assert_cmpint (moped_element_get_int (client, MOPED_PROP_INSTANCES), ==, 3);
  g_assert_cmpint (moped_element_get_int (server, MOPED_PROP_INSTANCES), ==, 3);
  g_assert_true (moped_design_undo (f->design));
  g_assert_false (moped_design_can_undo (f->design));
  g_assert_cmpint (moped_element_get_int (client, MOPED_PROP_INSTANCES), ==, 1);
  g_assert_cmpint (moped_element_get_int (server, MOPED_PROP_INSTANCES), ==, 1);

  /* Different kinds: a summary and no form. */
  select_ids (f, "client", "link-1", "note-1", NULL);
  g_assert_null (moped_inspector_find_field (f->inspector, "client", MOPED_PROP_INSTANCES));
  {
    g_autoptr(GPtrArray) fields = moped_inspector_collect_fields (f->inspector);

    g_assert_cmpuint (fields->len, ==, 0);
  }
}

static void
test_element_problems_and_removal (Fixture       *f,
                                   gconstpointer  data)
{
  MopedElement *server = moped_design_lookup (f->design, "server");

  /* A problem no field owns is listed on the page. */
  select_ids (f, "hello", NULL);
  moped_design_remove (f->design, moped_design_lookup (f->design, "round-trip"));
  revalidate (f);
  {
    g_autoptr(GPtrArray) all = g_ptr_array_new ();
    GtkWidget *list;

    moped_test_find_labelled (f->inspector, "Problems", all);
    g_assert_cmpuint (all->len, ==, 1);
    list = g_ptr_array_index (all, 0);
    g_assert_true (gtk_widget_get_mapped (list));
    g_assert_nonnull (gtk_widget_get_first_child (list));
  }

  /* The selected element removed: the page goes, nothing crashes. */
  select_ids (f, "server", NULL);
  moped_design_remove (f->design, server);
  moped_test_spin ();
  g_assert_null (moped_inspector_find_field (f->inspector, "server", MOPED_PROP_NAME));
  moped_design_undo (f->design);
  moped_test_spin ();
  g_assert_nonnull (moped_inspector_find_field (f->inspector, "server", MOPED_PROP_NAME));
}

/* Every control a person can operate has an accessible name. */
static void
check_names (GtkWidget *widget,
             guint     *n_controls)
{
  gboolean is_control = GTK_IS_EDITABLE (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_DROP_DOWN (widget) ||
                        GTK_IS_SWITCH (widget) || GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget);

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
test_accessible_names (Fixture       *f,
                       gconstpointer  data)
{
  const char *pages[] = { "design", "client", "client-req", "server-rep", "link-1", "note-1",
                          "hello", "round-trip", "round-trip-1", "req-rate", "say-hello", "hello-protocol" };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      guint n = 0;

      select_ids (f, pages[i], NULL);
      moped_test_wait_drawn (f->inspector);
      check_names (f->inspector, &n);
      g_assert_cmpuint (n, >, 0);
    }
}

/* Renders the inspector for a few selections; checks it draws something, and saves
 * PNGs to look at when MOPED_SCREENSHOT_DIR is set. */
static void
test_renders (Fixture       *f,
              gconstpointer  data)
{
  const char *pages[] = { "design", "client", "server-rep", "link-1", "client-req", "client,server" };
  const char *dir = g_getenv ("MOPED_SCREENSHOT_DIR");

  revalidate (f);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree guchar *pixels = NULL;
      int width, height;
      gsize stride;
      guint differing = 0;

      {
        g_auto(GStrv) ids = g_strsplit (pages[i], ",", -1);

        moped_inspector_set_selection (MOPED_INSPECTOR (f->inspector), (const char * const *) ids);
        moped_test_spin ();
      }
      if (i == 2)
        {
          replace_text (control (f, "link-1", MOPED_PROP_ENDPOINT), "tcp://*:99999");
          revalidate (f);
        }
      moped_test_wait_drawn (f->inspector);
      texture = moped_test_render (f->inspector);
      width = gdk_texture_get_width (texture);
      height = gdk_texture_get_height (texture);
      g_assert_cmpint (width, >, 200);
      g_assert_cmpint (height, >, 200);
      stride = (gsize) width * 4;
      pixels = g_malloc (stride * height);
      gdk_texture_download (texture, pixels, stride);
      for (gsize p = 4; p < stride * height; p += 4)
        differing += memcmp (pixels + p, pixels, 4) != 0;
      g_assert_cmpuint (differing, >, (guint) (width * height / 50));
      if (dir != NULL)
        {
          g_autofree char *name = g_strdup_printf ("inspector-%s.png", pages[i]);
          g_autofree char *path = g_build_filename (dir, name, NULL);

          g_assert_true (gdk_texture_save_to_png (texture, path));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  if (!moped_test_gtk_init (&argc, &argv))
    return 0;

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/inspector/deployment-and-link-ends", test_deployment_and_link_ends);
  ADD ("/inspector/new-process-and-host", test_new_process_and_host);
  ADD ("/inspector/node-fields", test_node_fields);
  ADD ("/inspector/typing-one-undo-step", test_typing_is_one_undo_step);
  ADD ("/inspector/long-text-coalesces", test_long_text_coalesces);
  ADD ("/inspector/socket-type-drop-down", test_socket_type_drop_down);
  ADD ("/inspector/socket-type-keeps-place", test_socket_type_keeps_place);
  ADD ("/inspector/node-sockets", test_node_sockets);
  ADD ("/inspector/bad-instances-inline", test_bad_instances_shown_inline);
  ADD ("/inspector/endpoint-diagnostics-inline", test_endpoint_diagnostics_inline);
  ADD ("/inspector/bound-socket-sets-all-links", test_bound_socket_sets_all_links);
  ADD ("/inspector/requirements", test_requirements);
  ADD ("/inspector/methods-reorder", test_methods_reorder);
  ADD ("/inspector/method-parameters", test_method_parameters);
  ADD ("/inspector/link-and-note", test_link_and_note);
  ADD ("/inspector/multiple-selection", test_multiple_selection);
  ADD ("/inspector/element-problems-and-removal", test_element_problems_and_removal);
  ADD ("/inspector/accessible-names", test_accessible_names);
  ADD ("/inspector/renders", test_renders);
#undef ADD

  return g_test_run ();
}
