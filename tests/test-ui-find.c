/* test-ui-find.c: Find (Ctrl+F) in a real window under Xvfb: what it lists, and where choosing a match goes.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "moped-application.h"
#include "moped-inspector-util.h"
#include "moped-window-private.h"
#include "moped-test-gtk.h"
#include "moped-test-util.h"

#define WAIT_MSEC 8000

static MopedApplication *app;

static gboolean
window_drawn (gpointer data)
{
  return MOPED_WINDOW (data)->first_frame_done && MOPED_WINDOW (data)->panels_ready;
}

static gboolean
find_open (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (MOPED_WINDOW (data)->find_entry));
}

static gboolean
find_closed (gpointer data)
{
  return !find_open (data);
}

static MopedWindow *
open_example (const char *name)
{
  g_autofree char *examples = moped_application_dup_examples_dir ();
  g_autofree char *source = g_build_filename (examples, name, NULL);
  g_autofree char *dir = g_dir_make_tmp ("moped-find-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (target);
  g_autoptr(GError) error = NULL;
  MopedWindow *window;

  g_file_get_contents (source, &contents, NULL, &error);
  g_assert_no_error (error);
  g_file_set_contents (target, contents, -1, &error);
  g_assert_no_error (error);
  window = moped_application_open_file (app, file);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (moped_test_spin_until (window_drawn, window, WAIT_MSEC));
  return window;
}

static void
close_window (MopedWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  moped_test_spin_for (20);
}

/* What the search entry last announced with "search-changed" (the list is refilled by
 * then: the window's handler was connected first). */
static char *announced;

static void
search_changed_cb (GtkSearchEntry *entry)
{
  g_free (announced);
  announced = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
}

typedef struct { MopedWindow *window; const char *query; } Announced;

static gboolean
query_announced (gpointer data)
{
  Announced *a = data;

  return announced != NULL && g_strcmp0 (announced, a->query) == 0 &&
         g_strcmp0 (gtk_editable_get_text (a->window->find_entry), a->query) == 0;
}

/* Open Find as Ctrl+F does, and type @query into it. A search entry tells of changes
 * after a short pause, which a loaded machine can stretch: wait until it has told of
 * exactly this text, not for a fixed time. */
static void
find (MopedWindow *window,
      const char  *query)
{
  Announced a = { window, query };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL));
  g_assert_true (moped_test_spin_until (find_open, window, WAIT_MSEC));
  moped_test_spin_for (50);
  if (g_object_get_data (G_OBJECT (window->find_entry), "test-announced") == NULL)
    {
      g_signal_connect_after (window->find_entry, "search-changed", G_CALLBACK (search_changed_cb), NULL);
      g_object_set_data (G_OBJECT (window->find_entry), "test-announced", GINT_TO_POINTER (1));
    }
  gtk_editable_set_text (window->find_entry, "");
  moped_test_spin_for (20);
  g_clear_pointer (&announced, g_free);
  moped_test_type_text (GTK_WIDGET (window->find_entry), query);
  g_assert_true (moped_test_spin_until (query_announced, &a, WAIT_MSEC));
}

static const char *
row_id (MopedWindow *window,
        int          index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (window->find_list, index);

  return row ? g_object_get_data (G_OBJECT (row), "moped-element-id") : NULL;
}

static guint
n_rows (MopedWindow *window)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (window->find_list, n) != NULL)
    n++;
  return n;
}

static gboolean
focus_within (MopedWindow *window,
              GtkWidget   *ancestor)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == ancestor || gtk_widget_is_ancestor (focus, ancestor));
}

static void
assert_selection (MopedWindow *window,
                  const char  *id)
{
  g_auto(GStrv) selection = moped_canvas_dup_selection (window->canvas);

  g_assert_cmpuint (g_strv_length (selection), ==, 1);
  g_assert_cmpstr (selection[0], ==, id);
}

/* Nodes, sockets and links: the match is selected on the canvas. */
static void
test_find_on_canvas (void)
{
  MopedWindow *window = open_example ("hello.moped");
  GtkWidget *row;

  /* Find's entry and list are named for screen readers. */
  find (window, "serv");
  g_assert_true (focus_within (window, GTK_WIDGET (window->find_entry)));
  g_assert_true (moped_test_find_control (GTK_WIDGET (window), "Find in the Design") == GTK_WIDGET (window->find_entry));
  g_assert_true (moped_test_find_control (GTK_WIDGET (window), "Found Elements") == GTK_WIDGET (window->find_list));
  /* What starts with the query comes first: the node, its socket; then the link and the
   * note that contain it; then what is only on them (the requirements on the link and
   * the server). */
  g_assert_cmpuint (n_rows (window), ==, 6);
  g_assert_cmpstr (row_id (window, 0), ==, "server");
  g_assert_cmpstr (row_id (window, 1), ==, "server-rep");
  g_assert_cmpstr (row_id (window, 2), ==, "link-1");
  g_assert_cmpstr (row_id (window, 3), ==, "note-1");
  g_assert_cmpstr (row_id (window, 4), ==, "req-round-trip");
  g_assert_cmpstr (row_id (window, 5), ==, "req-rate");
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (window->find_list, 1));
  g_assert_cmpstr (moped_inspector_get_accessible_label (row), ==, "Socket on Server Server.reply");

  /* Enter goes to the first match. */
  g_signal_emit_by_name (window->find_entry, "activate");
  g_assert_true (moped_test_spin_until (find_closed, window, WAIT_MSEC));
  assert_selection (window, "server");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->view_stack), ==, "diagram");

  /* Down (the entry's next match) moves to the socket, Enter selects it. */
  find (window, "serv");
  g_signal_emit_by_name (window->find_entry, "next-match");
  g_assert_cmpstr (g_object_get_data (G_OBJECT (gtk_list_box_get_selected_row (window->find_list)),
                                      "moped-element-id"), ==, "server-rep");
  g_assert_true (focus_within (window, GTK_WIDGET (window->find_entry)));
  g_signal_emit_by_name (window->find_entry, "activate");
  g_assert_true (moped_test_spin_until (find_closed, window, WAIT_MSEC));
  assert_selection (window, "server-rep");

  /* A click on a row: the link, by the label drawn on it. */
  find (window, "greetings");
  g_assert_cmpstr (row_id (window, 0), ==, "req-rate");  /* "Greetings per second" */
  g_assert_cmpstr (row_id (window, 1), ==, "link-1");    /* labelled "greetings" */
  g_signal_emit_by_name (window->find_list, "row-activated", gtk_list_box_get_row_at_index (window->find_list, 1));
  g_assert_true (moped_test_spin_until (find_closed, window, WAIT_MSEC));
  assert_selection (window, "link-1");

  /* Escape closes Find and changes nothing. */
  find (window, "client");
  g_signal_emit_by_name (window->find_entry, "stop-search");
  g_assert_true (moped_test_spin_until (find_closed, window, WAIT_MSEC));
  assert_selection (window, "link-1");

  /* Nothing matches: an empty list, and Enter does nothing. */
  find (window, "no such thing");
  g_assert_cmpuint (n_rows (window), ==, 0);
  g_signal_emit_by_name (window->find_entry, "activate");
  assert_selection (window, "link-1");
  close_window (window);
}

/* Protocols, commands and flows open on the Protocols page; requirements in the inspector. */
static void
test_find_in_editors (void)
{
  MopedWindow *window = open_example ("hello.moped");
  GtkWidget *focus;

  find (window, "WORLD");
  g_assert_cmpstr (row_id (window, 0), ==, "world");
  g_signal_emit_by_name (window->find_entry, "activate");
  g_assert_true (moped_test_spin_until (find_closed, window, WAIT_MSEC));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->view_stack), ==, "protocols");
  moped_test_spin_for (100);
  g_assert_true (focus_within (window, GTK_WIDGET (window->protocol_editor)));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (GTK_IS_EDITABLE (focus));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (focus)), ==, "WORLD");

  find (window, "round trip");
  g_assert_cmpuint (n_rows (window), ==, 1);
  g_assert_cmpstr (row_id (window, 0), ==, "round-trip");
  g_signal_emit_by_name (window->find_entry, "activate");
  g_assert_true (moped_test_spin_until (find_closed, window, WAIT_MSEC));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->view_stack), ==, "protocols");

  /* A requirement on a link: its own page in the inspector, the name field focused. */
  find (window, "round-trip");
  g_assert_cmpstr (row_id (window, 0), ==, "req-round-trip");
  g_signal_emit_by_name (window->find_entry, "activate");
  g_assert_true (moped_test_spin_until (find_closed, window, WAIT_MSEC));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->view_stack), ==, "diagram");
  moped_test_spin_for (100);
  g_assert_true (focus_within (window, GTK_WIDGET (window->inspector)));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (GTK_IS_EDITABLE (focus));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (focus)), ==, "Round-trip time");
  close_window (window);
}

/* Ctrl+F is Find's shortcut. */
static void
test_find_accel (void)
{
  g_auto(GStrv) actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Control>f");

  g_assert_true (g_strv_contains ((const char * const *) actions, "win.find"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("moped-test-find-XXXXXX", NULL);
  g_autofree char *state = g_build_filename (tmp, "state", NULL);
  g_autofree char *data = g_build_filename (tmp, "data", NULL);
  int status;

  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", "test", TRUE);
  if (!moped_test_gtk_init (&argc, &argv))
    return 0;

  app = moped_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/find/on-canvas", test_find_on_canvas);
  g_test_add_func ("/ui/find/in-editors", test_find_in_editors);
  g_test_add_func ("/ui/find/accel", test_find_accel);

  status = g_test_run ();
  g_clear_object (&app);
  moped_test_remove_tree (tmp);
  return status;
}
