/* test-ui-window.c: the editor's windows driven through their actions and controllers, under Xvfb.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Opening, editing, undo and redo, saving and reopening, the unsaved-changes mark,
 * failed saves and reads, closing and quitting with unsaved work, recovery after a
 * crash (the crash is a subprocess that stops without cleaning up), dropping files,
 * the new-design dialog and accessible names.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "moped-application.h"
#include "moped-diagnostic.h"
#include "moped-export-dialog.h"
#include "moped-file.h"
#include "moped-layout-runner.h"
#include "moped-new-dialog.h"
#include "moped-recovery.h"
#include "moped-window-private.h"
#include "moped-test-gtk.h"
#include "moped-test-util.h"

#define WAIT_MSEC 8000

static MopedApplication *app;

/* ---- helpers ------------------------------------------------------------------------ */

static gboolean
window_drawn (gpointer data)
{
  return MOPED_WINDOW (data)->first_frame_done && MOPED_WINDOW (data)->panels_ready;
}

static gboolean
validated (gpointer data)
{
  return MOPED_WINDOW (data)->diagnostics != NULL;
}

static void
show (MopedWindow *window)
{
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (moped_test_spin_until (window_drawn, window, WAIT_MSEC));
}

static char *
test_dir (void)
{
  g_autofree char *name = g_strdelimit (g_strdup (g_test_get_path ()), "/", '-');
  char *dir = g_build_filename (g_getenv ("MOPED_TEST_TMP"), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

/* A copy of a bundled example in this test's own folder. */
static GFile *
copy_example (const char *name)
{
  g_autofree char *dir = test_dir ();
  g_autofree char *examples = moped_application_dup_examples_dir ();
  g_autofree char *source = g_build_filename (examples, name, NULL);
  g_autofree char *target = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (source, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (target, contents, length, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (target);
}

static char *
design_text (MopedDesign *design)
{
  return moped_file_to_data (design, NULL);
}

static char *
file_text (GFile *file)
{
  char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_load_contents (file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static gboolean
title_marked (MopedWindow *window)
{
  return strstr (gtk_window_get_title (GTK_WINDOW (window)), "•") != NULL &&
         strstr (gtk_label_get_label (window->subtitle_label), "•") != NULL;
}

static void
close_all_windows (void)
{
  GList *windows;

  /* Destroying skips the unsaved-changes question; the recovery copies of this
   * process are never offered to it (their owner is alive). */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  for (GList *l = gtk_window_list_toplevels (), *next; l != NULL; l = next)
    {
      next = l->next;
      gtk_window_destroy (GTK_WINDOW (l->data));
      g_list_free_1 (l);
    }
  moped_test_spin_for (20);
}

static guint
count_windows (void)
{
  return g_list_length (gtk_application_get_windows (GTK_APPLICATION (app)));
}

static GtkWidget *
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return MOPED_WINDOW (data)->close_dialog != NULL;
}

static gboolean
window_gone (gpointer data)
{
  return count_windows () == GPOINTER_TO_UINT (data);
}

/* ---- opening, editing, saving ------------------------------------------------------- */

static void
test_open_edit_save (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  g_autofree char *before = file_text (file);
  g_autofree char *saved = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(MopedDesign) reread = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  MopedWindow *window;
  MopedDesign *design;
  guint nodes;

  window = moped_application_open_file (app, file);
  show (window);
  design = moped_window_get_design (window);
  g_assert_true (g_file_equal (moped_window_get_file (window), file));
  g_assert_cmpstr (gtk_label_get_label (window->title_label), ==, "Hello World");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Hello World — hello.moped");
  g_assert_false (moped_window_get_modified (window));
  g_assert_false (title_marked (window));
  nodes = moped_test_count (design, MOPED_KIND_NODE);
  g_assert_cmpuint (nodes, ==, 2);

  /* Edit through the toolbar's action, as the button does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL));
  g_assert_cmpuint (moped_test_count (design, MOPED_KIND_NODE), ==, nodes + 1);
  g_assert_true (moped_window_get_modified (window));
  g_assert_true (title_marked (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (moped_test_count (design, MOPED_KIND_NODE), ==, nodes);
  g_assert_false (moped_window_get_modified (window));
  g_assert_false (title_marked (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_cmpuint (moped_test_count (design, MOPED_KIND_NODE), ==, nodes + 1);
  g_assert_true (title_marked (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-note", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_false (moped_window_get_modified (window));
  g_assert_false (title_marked (window));
  g_assert_false (gtk_info_bar_get_revealed (window->error_bar));

  saved = file_text (file);
  expected = design_text (design);
  g_assert_cmpstr (saved, ==, expected);
  g_assert_cmpstr (saved, !=, before);

  /* Reading what was saved gives back the same design, byte for byte. */
  reread = moped_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (moped_test_count (reread, MOPED_KIND_NODE), ==, nodes + 1);
  g_assert_cmpuint (moped_test_count (reread, MOPED_KIND_NOTE), ==, moped_test_count (design, MOPED_KIND_NOTE));
  g_clear_pointer (&expected, g_free);
  expected = design_text (reread);
  g_assert_cmpstr (saved, ==, expected);

  /* Opening the same file again shows the window that has it. */
  g_assert_true (moped_application_open_file (app, file) == window);
  g_assert_cmpuint (count_windows (), ==, 1);
  close_all_windows ();
}

/* A toast shows a label with @text somewhere inside the window's toast overlay. */
static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  MopedWindow *window;
  const char  *text;
} ToastWait;

static gboolean
toast_shown (gpointer data)
{
  ToastWait *wait = data;

  return shows_label (GTK_WIDGET (wait->window->toast_overlay), wait->text);
}

/* Saving and copying say so in a toast that goes by itself; a name with markup
 * characters is shown as typed. */
static void
test_toasts (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  MopedWindow *window = moped_application_open_file (app, file);
  MopedDesign *design;
  MopedElement *client;
  ToastWait wait = { window, "Saved as hello.moped" };

  show (window);
  design = moped_window_get_design (window);
  g_assert_false (toast_shown (&wait));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-note", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_true (moped_test_spin_until (toast_shown, &wait, WAIT_MSEC));

  client = moped_design_lookup (design, "client");
  g_assert_nonnull (client);
  moped_design_set_string (design, client, MOPED_PROP_NAME, "Client <A&B>");
  moped_canvas_select (window->canvas, moped_element_get_id (client), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->canvas), "canvas.copy", NULL));
  wait.text = "Copied “Client <A&B>”";
  g_assert_true (moped_test_spin_until (toast_shown, &wait, WAIT_MSEC));
  close_all_windows ();
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_undo_redo_enabled (void)
{
  MopedWindow *window = moped_application_new_window (app);
  GtkWidget *undo;
  GtkWidget *redo;

  show (window);
  undo = find_button (GTK_WIDGET (window->header_bar), "win.undo");
  redo = find_button (GTK_WIDGET (window->header_bar), "win.redo");
  g_assert_nonnull (undo);
  g_assert_nonnull (redo);
  g_assert_true (moped_window_is_untouched (window));
  g_assert_false (gtk_widget_get_sensitive (undo));
  g_assert_false (gtk_widget_get_sensitive (redo));
  /* An empty whiteboard says how to start, until there is something on it. */
  g_assert_true (gtk_widget_get_visible (window->empty_state));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL);
  g_assert_false (gtk_widget_get_visible (window->empty_state));
  g_assert_true (gtk_widget_get_sensitive (undo));
  g_assert_false (gtk_widget_get_sensitive (redo));
  g_assert_false (moped_window_is_untouched (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  g_assert_false (gtk_widget_get_sensitive (undo));
  g_assert_true (gtk_widget_get_sensitive (redo));
  g_assert_true (gtk_widget_get_visible (window->empty_state));
  close_all_windows ();
}

static void
test_title_follows_name (void)
{
  MopedWindow *window = moped_application_new_window (app);
  MopedDesign *design = moped_window_get_design (window);

  show (window);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Untitled Design");
  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "Paranoid Pirate");
  g_assert_cmpstr (gtk_label_get_label (window->title_label), ==, "Paranoid Pirate");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "• Paranoid Pirate");
  g_assert_true (strstr (gtk_label_get_label (window->subtitle_label), "Not saved") != NULL);
  close_all_windows ();
}

/* ---- errors in the window ----------------------------------------------------------- */

static void
check_failed_save (MopedWindow *window,
                   GFile       *target)
{
  MopedDesign *design = moped_window_get_design (window);
  g_autofree char *text_before = design_text (design);
  g_autofree char *text_after = NULL;
  g_autofree char *where = g_file_get_parse_name (target);
  g_autoptr(GError) error = NULL;

  g_assert_false (moped_window_save_to (window, target, &error));
  g_assert_nonnull (error);
  g_assert_true (gtk_info_bar_get_revealed (window->error_bar));
  g_assert_nonnull (strstr (gtk_label_get_label (window->error_title), "Could not save"));
  g_assert_nonnull (strstr (gtk_label_get_label (window->error_title), where));
  g_assert_cmpstr (gtk_label_get_label (window->error_detail), ==, error->message);
  g_assert_true (gtk_widget_get_visible (window->error_save_as_button));
  /* The design is intact and still counts as unsaved. */
  g_assert_true (moped_window_get_modified (window));
  g_assert_true (title_marked (window));
  text_after = design_text (design);
  g_assert_cmpstr (text_after, ==, text_before);
  g_assert_false (g_file_query_exists (target, NULL));
}

static void
test_failed_save (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  g_autofree char *original = file_text (file);
  g_autofree char *dir = test_dir ();
  g_autofree char *blocker = g_build_filename (dir, "not-a-folder", NULL);
  g_autofree char *under_file = g_build_filename (blocker, "design.moped", NULL);
  g_autoptr(GFile) target = g_file_new_for_path (under_file);
  g_autofree char *still = NULL;
  MopedWindow *window = moped_application_open_file (app, file);

  show (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL);

  /* A path through a plain file fails for everyone, root included. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  check_failed_save (window, target);

  /* The file the design came from was not touched. */
  still = file_text (file);
  g_assert_cmpstr (still, ==, original);
  g_assert_true (g_file_equal (moped_window_get_file (window), file));

  /* Saving where it can succeeds and clears the banner. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_false (gtk_info_bar_get_revealed (window->error_bar));
  g_assert_false (moped_window_get_modified (window));
  close_all_windows ();
}

/* A read-only folder stops everyone but root, and CI runs as root: there the save is
 * tried by a subprocess that has become nobody. Its files live in a folder anyone may
 * read, and its recovery copies are put off (nobody cannot write root's state). */
static char *
shared_dir (void)
{
  g_autofree char *dir = g_strconcat (g_getenv ("MOPED_TEST_TMP"), "-shared", NULL);

  g_mkdir_with_parents (dir, 0755);
  g_chmod (dir, 0755);
  return g_steal_pointer (&dir);
}

static void
save_into_read_only (void)
{
  g_autofree char *dir = shared_dir ();
  g_autofree char *path = g_build_filename (dir, "hello.moped", NULL);
  g_autofree char *readonly = g_build_filename (dir, "read-only", NULL);
  g_autofree char *target_path = g_build_filename (readonly, "design.moped", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) target = g_file_new_for_path (target_path);
  MopedWindow *window;

  if (geteuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_nonnull (nobody);
      g_assert_cmpint (setgid (nobody->pw_gid), ==, 0);
      g_assert_cmpint (setuid (nobody->pw_uid), ==, 0);
    }
  window = moped_application_open_file (app, file);
  moped_recovery_set_delay (window->recovery, 600000);
  show (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL);
  check_failed_save (window, target);
  g_assert_true (g_file_equal (moped_window_get_file (window), file));
}

static void
test_failed_save_read_only (void)
{
  g_autofree char *dir = shared_dir ();
  g_autofree char *examples = moped_application_dup_examples_dir ();
  g_autofree char *source = g_build_filename (examples, "hello.moped", NULL);
  g_autofree char *path = g_build_filename (dir, "hello.moped", NULL);
  g_autofree char *readonly = g_build_filename (dir, "read-only", NULL);
  g_autofree char *target = g_build_filename (readonly, "design.moped", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  g_chmod (path, 0644);
  g_mkdir (readonly, 0555);
  g_chmod (readonly, 0555);

  if (geteuid () == 0)
    {
      g_test_trap_subprocess ("/ui/window/subprocess/save-into-read-only", 60 * G_USEC_PER_SEC,
                              G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
  else
    {
      save_into_read_only ();
      close_all_windows ();
    }
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_chmod (readonly, 0755);
  g_rmdir (readonly);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_failed_open (void)
{
  g_autoptr(GFile) good = copy_example ("weather.moped");
  g_autofree char *dir = test_dir ();
  g_autofree char *bad_path = g_build_filename (dir, "garbage.moped", NULL);
  g_autofree char *missing_path = g_build_filename (dir, "missing.moped", NULL);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  MopedWindow *window = moped_application_open_file (app, good);

  show (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-note", NULL);
  before = design_text (moped_window_get_design (window));

  g_assert_true (g_file_set_contents (bad_path, "<design format=\"1\" name=\"x\"><node", -1, NULL));
  g_assert_false (moped_window_load (window, bad, &error));
  g_assert_true (gtk_info_bar_get_revealed (window->error_bar));
  g_assert_cmpstr (gtk_label_get_label (window->error_title), ==, "Could not open “garbage.moped”");
  /* The message says where: the file and the line. */
  g_assert_nonnull (strstr (gtk_label_get_label (window->error_detail), bad_path));
  g_clear_error (&error);

  g_assert_false (moped_window_load (window, missing, &error));
  g_assert_nonnull (strstr (gtk_label_get_label (window->error_detail), missing_path));

  /* What the window had is still there, unsaved work included. */
  g_assert_true (g_file_equal (moped_window_get_file (window), good));
  g_assert_true (moped_window_get_modified (window));
  after = design_text (moped_window_get_design (window));
  g_assert_cmpstr (after, ==, before);

  /* Through the application, a bad file in a new window leaves that window empty. */
  g_assert_cmpuint (count_windows (), ==, 1);
  window = moped_application_open_file (app, bad);
  g_assert_cmpuint (count_windows (), ==, 2);
  g_assert_true (gtk_info_bar_get_revealed (window->error_bar));
  g_assert_null (moped_window_get_file (window));
  close_all_windows ();
}

/* ---- closing and quitting ------------------------------------------------------------ */

static void
test_close_asks (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  g_autofree char *original = file_text (file);
  g_autofree char *now = NULL;
  MopedWindow *window = moped_application_open_file (app, file);
  GtkWidget *dialog;

  show (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL);

  /* Cancel keeps the window and the work. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close", NULL);
  g_assert_true (moped_test_spin_until (dialog_shown, window, WAIT_MSEC));
  dialog = window->close_dialog;
  g_assert_true (GTK_IS_MESSAGE_DIALOG (dialog));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  moped_test_spin_for (20);
  g_assert_cmpuint (count_windows (), ==, 1);
  g_assert_true (moped_window_get_modified (window));

  /* Save writes the file, then the window goes. */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (moped_test_spin_until (dialog_shown, window, WAIT_MSEC));
  gtk_dialog_response (GTK_DIALOG (window->close_dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (moped_test_spin_until (window_gone, GUINT_TO_POINTER (0), WAIT_MSEC));
  now = file_text (file);
  g_assert_cmpstr (now, !=, original);

  /* Discard throws the work away and closes. */
  window = moped_application_open_file (app, file);
  show (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-note", NULL);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (moped_test_spin_until (dialog_shown, window, WAIT_MSEC));
  gtk_dialog_response (GTK_DIALOG (window->close_dialog), GTK_RESPONSE_REJECT);
  g_assert_true (moped_test_spin_until (window_gone, GUINT_TO_POINTER (0), WAIT_MSEC));
  g_clear_pointer (&original, g_free);
  original = file_text (file);
  g_assert_cmpstr (original, ==, now);

  /* Nothing unsaved: no question. */
  window = moped_application_open_file (app, file);
  show (window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (moped_test_spin_until (window_gone, GUINT_TO_POINTER (0), WAIT_MSEC));
}

static void
test_quit_asks (void)
{
  g_autoptr(GFile) first = copy_example ("hello.moped");
  g_autoptr(GFile) second = copy_example ("weather.moped");
  MopedWindow *clean = moped_application_open_file (app, first);
  MopedWindow *dirty = moped_application_open_file (app, second);

  g_assert_true (clean != dirty);
  show (clean);
  show (dirty);
  gtk_widget_activate_action (GTK_WIDGET (dirty), "win.add-node", NULL);

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (moped_test_spin_until (dialog_shown, dirty, WAIT_MSEC));
  gtk_dialog_response (GTK_DIALOG (dirty->close_dialog), GTK_RESPONSE_CANCEL);
  moped_test_spin_for (20);
  g_assert_cmpuint (count_windows (), ==, 2);

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (moped_test_spin_until (dialog_shown, dirty, WAIT_MSEC));
  gtk_dialog_response (GTK_DIALOG (dirty->close_dialog), GTK_RESPONSE_REJECT);
  g_assert_true (moped_test_spin_until (window_gone, GUINT_TO_POINTER (0), WAIT_MSEC));
}

/* ---- recovery ------------------------------------------------------------------------- */

static gboolean
recovery_written (gpointer data)
{
  MopedWindow *window = data;

  return moped_recovery_get_path (window->recovery) != NULL;
}

static void
test_recovery_written (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  g_autofree char *copy = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *path = NULL;
  MopedWindow *window = moped_application_open_file (app, file);

  show (window);
  g_assert_null (moped_recovery_get_path (window->recovery));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL);
  g_assert_true (moped_test_spin_until (recovery_written, window, WAIT_MSEC));

  path = g_strdup (moped_recovery_get_path (window->recovery));
  g_assert_true (g_str_has_prefix (path, g_get_user_state_dir ()));
  g_assert_true (g_file_get_contents (path, &copy, NULL, NULL));
  expected = design_text (moped_window_get_design (window));
  g_assert_cmpstr (copy, ==, expected);

  /* Saving makes the copy pointless. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (moped_recovery_get_path (window->recovery));

  /* Undoing back to what the file has removes the copy too. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL);
  g_assert_true (moped_test_spin_until (recovery_written, window, WAIT_MSEC));
  g_clear_pointer (&path, g_free);
  path = g_strdup (moped_recovery_get_path (window->recovery));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  close_all_windows ();
}

/* The crash and the restart run as subprocesses: the file they work on is named in a
 * file of the test's folder (the environment is not changed once threads run). */
static char *
target_note (void)
{
  return g_build_filename (g_getenv ("MOPED_TEST_TMP"), "recovery-target", NULL);
}

static GFile *
read_target (void)
{
  g_autofree char *note = target_note ();
  g_autofree char *path = NULL;

  g_assert_true (g_file_get_contents (note, &path, NULL, NULL));
  return g_file_new_for_path (path);
}

static GFile *
prepare_target (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *note = target_note ();

  g_assert_true (g_file_set_contents (note, path, -1, NULL));
  return g_steal_pointer (&file);
}

/* The session that crashes: edits, waits for its copy, and stops dead. */
static void
crash_after_edit (void)
{
  g_autoptr(GFile) file = read_target ();
  MopedWindow *window = moped_application_open_file (app, file);

  show (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL);
  g_assert_true (moped_test_spin_until (recovery_written, window, WAIT_MSEC));
  _exit (0);
}

static gboolean
recovery_offered (gpointer data)
{
  return gtk_info_bar_get_revealed (MOPED_WINDOW (data)->recovery_bar);
}

/* The next start: the first window offers the work back; recovering opens it unsaved,
 * with the file it came from remembered. */
static void
restart_and_recover (void)
{
  g_autoptr(GFile) file = read_target ();
  g_autoptr(GPtrArray) items = moped_recovery_list ();
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *on_disk = file_text (file);
  g_autofree char *recovered = NULL;
  MopedRecoveryItem *item;
  MopedWindow *window;
  MopedDesign *design;

  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->original, ==, uri);
  g_assert_cmpstr (item->name, ==, "Hello World");

  window = moped_application_new_window (app);
  show (window);
  g_assert_true (moped_test_spin_until (recovery_offered, window, WAIT_MSEC));
  g_assert_nonnull (strstr (gtk_label_get_label (window->recovery_detail), "Hello World"));
  gtk_info_bar_response (window->recovery_bar, MOPED_RESPONSE_RECOVER);

  design = moped_window_get_design (window);
  g_assert_cmpuint (moped_test_count (design, MOPED_KIND_NODE), ==, 4);
  g_assert_true (g_file_equal (moped_window_get_file (window), file));
  g_assert_true (moped_window_get_modified (window));
  g_assert_true (title_marked (window));
  g_assert_false (gtk_info_bar_get_revealed (window->recovery_bar));
  /* The file itself still has what was last saved. */
  recovered = design_text (design);
  g_assert_cmpstr (on_disk, !=, recovered);

  /* Saving puts the recovered work in its file and ends the copy. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  g_assert_false (moped_window_get_modified (window));
  g_clear_pointer (&items, g_ptr_array_unref);
  items = moped_recovery_list ();
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&on_disk, g_free);
  on_disk = file_text (file);
  g_assert_cmpstr (on_disk, ==, recovered);
  close_all_windows ();
}

static void
test_recovery_offered (void)
{
  g_autoptr(GFile) file = prepare_target ();
  g_autoptr(GPtrArray) items = NULL;

  g_test_trap_subprocess ("/ui/recovery/subprocess/crash", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  /* The crashed session's copy is there, and its owner is gone. */
  items = moped_recovery_list ();
  g_assert_cmpuint (items->len, ==, 1);

  g_test_trap_subprocess ("/ui/recovery/subprocess/restart", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  g_clear_pointer (&items, g_ptr_array_unref);
  items = moped_recovery_list ();
  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_recovery_discarded (void)
{
  g_autoptr(GFile) file = prepare_target ();
  g_autoptr(GPtrArray) items = NULL;
  MopedWindow *window;

  g_test_trap_subprocess ("/ui/recovery/subprocess/crash", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  items = moped_recovery_list ();
  g_assert_cmpuint (items->len, ==, 1);

  /* Offered in a window of this process, and thrown away only when asked to. */
  window = moped_application_new_window (app);
  show (window);
  _moped_window_offer_recovery (window, items);
  g_assert_true (gtk_info_bar_get_revealed (window->recovery_bar));
  gtk_info_bar_response (window->recovery_bar, GTK_RESPONSE_CLOSE);
  g_assert_true (gtk_info_bar_get_revealed (window->recovery_bar));
  g_clear_pointer (&items, g_ptr_array_unref);
  items = moped_recovery_list ();
  g_assert_cmpuint (items->len, ==, 1);

  gtk_info_bar_response (window->recovery_bar, MOPED_RESPONSE_DISCARD);
  g_assert_false (gtk_info_bar_get_revealed (window->recovery_bar));
  g_clear_pointer (&items, g_ptr_array_unref);
  items = moped_recovery_list ();
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_true (moped_window_is_untouched (window));
  close_all_windows ();
}

/* ---- drag and drop ------------------------------------------------------------------- */

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  return NULL;
}

static gboolean
drop_files (GtkDropTarget *target,
            GFile         *first,
            GFile         *second)
{
  GSList *list = g_slist_append (NULL, first);
  GdkFileList *files;
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  if (second != NULL)
    list = g_slist_append (list, second);
  files = gdk_file_list_new_from_list (list);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 20.0, 20.0, &handled);
  g_value_unset (&value);
  g_slist_free (list);
  return handled;
}

static void
test_drop_opens (void)
{
  g_autoptr(GFile) hello = copy_example ("hello.moped");
  g_autoptr(GFile) weather = copy_example ("weather.moped");
  g_autoptr(GFile) pipeline = copy_example ("pipeline.moped");
  MopedWindow *window = moped_application_new_window (app);
  GtkDropTarget *target;
  const GType *types;
  gsize n_types = 0;

  show (window);
  target = find_drop_target (GTK_WIDGET (window));
  g_assert_nonnull (target);
  types = gtk_drop_target_get_gtypes (target, &n_types);
  g_assert_cmpuint (n_types, ==, 1);
  g_assert_true (types[0] == GDK_TYPE_FILE_LIST);

  /* Dropped on an untouched window, the design opens there. */
  g_assert_true (drop_files (target, hello, NULL));
  g_assert_true (g_file_equal (moped_window_get_file (window), hello));
  g_assert_cmpuint (count_windows (), ==, 1);

  /* Dropped on a window with a design, each opens in a window of its own. */
  g_assert_true (drop_files (target, weather, pipeline));
  g_assert_cmpuint (count_windows (), ==, 3);
  g_assert_true (g_file_equal (moped_window_get_file (window), hello));
  close_all_windows ();
}

/* ---- the new-design dialog ------------------------------------------------------------ */

static void
test_new_from_example (void)
{
  g_auto(GStrv) recent = NULL;
  MopedWindow *window = moped_application_new_window (app);
  MopedNewDialog *dialog;
  MopedDesign *design;

  show (window);
  g_action_group_activate_action (G_ACTION_GROUP (app), "new", NULL);
  dialog = MOPED_NEW_DIALOG (find_toplevel (MOPED_TYPE_NEW_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpuint (moped_new_dialog_get_n_examples (dialog), >=, 7);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", "s", "majordomo.moped"));
  g_assert_null (find_toplevel (MOPED_TYPE_NEW_DIALOG));

  /* The example starts a new design: its content, no file, nothing to save yet. */
  design = moped_window_get_design (window);
  g_assert_cmpstr (moped_element_get_name (moped_design_get_root (design)), ==, "Majordomo");
  g_assert_cmpuint (moped_test_count (design, MOPED_KIND_NODE), ==, 3);
  g_assert_null (moped_window_get_file (window));
  g_assert_false (moped_window_get_modified (window));
  g_assert_cmpuint (count_windows (), ==, 1);
  recent = g_settings_get_strv (moped_application_get_settings (app), "recent-examples");
  g_assert_cmpstr (recent[0], ==, "majordomo.moped");

  /* The next one goes to a new window: this one is in use now. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-node", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (app), "new", NULL);
  dialog = MOPED_NEW_DIALOG (find_toplevel (MOPED_TYPE_NEW_DIALOG));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", "s", ""));
  g_assert_cmpuint (count_windows (), ==, 2);
  close_all_windows ();
}

/* ---- export and arrange: the window hosts them ----------------------------------- */

static gboolean
design_can_undo (gpointer data)
{
  return moped_design_can_undo (moped_window_get_design (MOPED_WINDOW (data)));
}

static void
test_export_and_arrange (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  g_autofree char *moped = g_build_filename (g_getenv ("MOPED_BUILD_DIR"), "app", "moped", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  MopedWindow *window = moped_application_open_file (app, file);
  GtkWidget *dialog;

  show (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  dialog = find_toplevel (MOPED_TYPE_EXPORT_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  gtk_window_close (GTK_WINDOW (dialog));

  /* Graphviz runs in a child: this very program is not moped, so name the one built. */
  /* meson builds moped before this test (depends:), so its absence is a failure. */
  g_assert_true (g_file_test (moped, G_FILE_TEST_IS_EXECUTABLE));
  moped_layout_runner_set_program (moped);
  before = design_text (moped_window_get_design (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.arrange-with", "(ss)", "dot", "TB"));
  g_assert_true (moped_test_spin_until (design_can_undo, window, WAIT_MSEC));
  after = design_text (moped_window_get_design (window));
  g_assert_cmpstr (after, !=, before);
  g_assert_true (moped_window_get_modified (window));
  /* One step undoes the whole arrangement. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  g_clear_pointer (&after, g_free);
  after = design_text (moped_window_get_design (window));
  g_assert_cmpstr (after, ==, before);
  close_all_windows ();
}

/* ---- problems ------------------------------------------------------------------------- */

static void
test_problems_list (void)
{
  g_autoptr(GFile) file = copy_example ("broken.moped");
  MopedWindow *window = moped_application_open_file (app, file);
  GtkListBoxRow *row;
  g_auto(GStrv) selection = NULL;
  guint rows = 0;
  const char *id = NULL;

  show (window);
  g_assert_true (moped_test_spin_until (validated, window, WAIT_MSEC));
  g_assert_cmpuint (window->diagnostics->len, >, 5);
  while (gtk_list_box_get_row_at_index (window->diagnostics_list, rows) != NULL)
    rows++;
  g_assert_cmpuint (rows, ==, window->diagnostics->len);
  g_assert_nonnull (strstr (gtk_label_get_label (window->problems_summary), "error"));

  /* Activating a problem about a node selects that node on the canvas. */
  for (guint i = 0; i < window->diagnostics->len && id == NULL; i++)
    {
      MopedDiagnostic *diagnostic = g_ptr_array_index (window->diagnostics, i);
      MopedElement *element = moped_design_lookup (moped_window_get_design (window), diagnostic->element_ids[0]);

      if (element != NULL && moped_element_get_kind (element) == MOPED_KIND_NODE)
        {
          id = diagnostic->element_ids[0];
          row = gtk_list_box_get_row_at_index (window->diagnostics_list, i);
          g_signal_emit_by_name (window->diagnostics_list, "row-activated", row);
        }
    }
  g_assert_nonnull (id);
  selection = moped_canvas_dup_selection (window->canvas);
  g_assert_true (g_strv_contains ((const char * const *) selection, id));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->view_stack), ==, "diagram");
  close_all_windows ();
}

static void
test_revalidation (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  MopedWindow *window = moped_application_open_file (app, file);
  MopedDesign *design = moped_window_get_design (window);
  g_autoptr(GPtrArray) links = NULL;
  GPtrArray *before;

  show (window);
  g_assert_true (moped_test_spin_until (validated, window, WAIT_MSEC));
  before = window->diagnostics;
  g_assert_cmpuint (moped_diagnostics_count (before, MOPED_SEVERITY_ERROR), ==, 0);

  /* Revalidation follows edits after a short pause, not on every change. */
  links = moped_design_collect (design, MOPED_KIND_LINK);
  moped_design_set_string (design, g_ptr_array_index (links, 0), MOPED_PROP_ENDPOINT, "tcp://*:notaport");
  g_assert_true (window->diagnostics == before);
  moped_test_spin_for (500);
  g_assert_true (window->diagnostics != before);
  g_assert_cmpuint (moped_diagnostics_count (window->diagnostics, MOPED_SEVERITY_ERROR), >, 0);
  g_assert_nonnull (gtk_list_box_get_row_at_index (window->diagnostics_list, 0));
  close_all_windows ();
}

/* ---- accessible names -------------------------------------------------------------- */

static gboolean
has_name (GtkWidget *widget)
{
  GtkWidget *child;

  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL)
    return TRUE;
  /* Named by its content: a label inside. */
  for (child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child) && gtk_label_get_label (GTK_LABEL (child))[0] != '\0')
      return TRUE;
  return FALSE;
}

static void
check_names (GtkWidget *widget,
             guint     *checked)
{
  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_LIST_BOX (widget) ||
      GTK_IS_INFO_BAR (widget) || MOPED_IS_CANVAS (widget))
    {
      /* A menu button's inner toggle is named by the menu button. */
      GtkWidget *parent = gtk_widget_get_parent (widget);

      if (!(parent != NULL && GTK_IS_MENU_BUTTON (parent)))
        {
          if (!has_name (widget))
            g_error ("A %s (%s) has no accessible name", G_OBJECT_TYPE_NAME (widget),
                     gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "no tooltip");
          /* GTK 4.8 reads both, one after the other: "Open Open" (an icon's relation adds nothing). */
          if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
              gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL &&
              gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
              gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
            g_error ("A %s (%s) is named twice, by its label and by its accessible label",
                     G_OBJECT_TYPE_NAME (widget),
                     GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) ? gtk_button_get_label (GTK_BUTTON (widget))
                     : gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "no tooltip");
          (*checked)++;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    check_names (child, checked);
}

static void
test_accessible_names (void)
{
  MopedWindow *window = moped_application_new_window (app);
  guint checked = 0;

  show (window);
  check_names (GTK_WIDGET (window), &checked);
  g_assert_cmpuint (checked, >=, 15);
  close_all_windows ();
}

/* The canvas tells a screen reader what it holds, in words a person would say. */
static void
test_canvas_summary (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  MopedWindow *window = moped_application_open_file (app, file);
  char *failure;

  show (window);
  failure = gtk_test_accessible_check_property (GTK_ACCESSIBLE (window->canvas), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                "2 nodes, 1 link, 1 note; 0 selected");
  if (failure != NULL)
    g_error ("%s", failure);
  close_all_windows ();
}

/* ---- keyboard focus ---------------------------------------------------------------------- */

static const char *
describe_focus (GtkWidget *focus)
{
  const char *tip = focus ? gtk_widget_get_tooltip_text (focus) : NULL;

  return focus == NULL ? "nothing" : tip ? tip : G_OBJECT_TYPE_NAME (focus);
}

/* Tab from the canvas reaches the side pane and comes back round to the canvas, never
 * staying put; Shift+Tab walks the same ring the other way. */
static void
test_tab_ring (void)
{
  g_autoptr(GFile) file = copy_example ("hello.moped");
  MopedWindow *window = moped_application_open_file (app, file);
  GtkDirectionType directions[] = { GTK_DIR_TAB_FORWARD, GTK_DIR_TAB_BACKWARD };

  show (window);
  for (guint d = 0; d < G_N_ELEMENTS (directions); d++)
    {
      gboolean reached_inspector = FALSE;
      gboolean back_to_canvas = FALSE;
      GtkWidget *previous = GTK_WIDGET (window->canvas);

      gtk_widget_grab_focus (GTK_WIDGET (window->canvas));
      for (guint i = 0; i < 200 && !back_to_canvas; i++)
        {
          GtkWidget *focus;

          g_signal_emit_by_name (window, "move-focus", directions[d]);
          moped_test_spin ();
          focus = gtk_root_get_focus (GTK_ROOT (window));
          g_test_message ("Tab %u: %s", i, describe_focus (focus));
          g_assert_true (focus != previous);
          previous = focus;
          if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (window->inspector)))
            reached_inspector = TRUE;
          back_to_canvas = i > 0 && focus == GTK_WIDGET (window->canvas);
        }
      g_assert_true (reached_inspector);
      g_assert_true (back_to_canvas);
    }
  close_all_windows ();
}

/* The menu's Style choice: dark darkens the canvas too; System follows the system
 * (light here); the choice is kept in the settings. */
static void
test_style_choice (void)
{
  MopedWindow *window = moped_application_new_window (app);
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autofree char *kept = NULL;

  show (window);
  g_action_group_activate_action (G_ACTION_GROUP (app), "color-scheme", g_variant_new_string ("dark"));
  moped_test_spin_for (100);
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (manager));
  g_assert_true (moped_canvas_get_dark (window->canvas));
  kept = g_settings_get_string (moped_application_get_settings (app), "color-scheme");
  g_assert_cmpstr (kept, ==, "dark");

  g_action_group_activate_action (G_ACTION_GROUP (app), "color-scheme", g_variant_new_string ("light"));
  moped_test_spin_for (100);
  g_assert_false (moped_canvas_get_dark (window->canvas));
  g_action_group_activate_action (G_ACTION_GROUP (app), "color-scheme", g_variant_new_string ("system"));
  moped_test_spin_for (100);
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_DEFAULT);
  close_all_windows ();
}

/* ---- half a 1920 px screen ------------------------------------------------------------------ */

/* Every control under @widget lies inside the window from left to right and inside the
 * part of each scrolled window around it that can be seen without scrolling sideways;
 * no drop-down shortens what it shows. Returns how many controls were checked. */
static guint
check_controls_visible (GtkWidget *widget,
                        GtkWidget *window)
{
  guint checked = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_CHECK_BUTTON (widget) ||
      GTK_IS_EDITABLE (widget) || GTK_IS_TEXT_VIEW (widget))
    {
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
      if (bounds.origin.x < -0.5 || bounds.origin.x + bounds.size.width > gtk_widget_get_width (window) + 0.5)
        g_error ("A %s (%s) lies at %.0f..%.0f, outside the window's 0..%d", G_OBJECT_TYPE_NAME (widget),
                 gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "",
                 bounds.origin.x, bounds.origin.x + bounds.size.width, gtk_widget_get_width (window));
      for (GtkWidget *frame = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW); frame != NULL;
           frame = gtk_widget_get_ancestor (gtk_widget_get_parent (frame), GTK_TYPE_SCROLLED_WINDOW))
        {
          g_assert_true (gtk_widget_compute_bounds (widget, frame, &bounds));
          if (bounds.origin.x < -0.5 || bounds.origin.x + bounds.size.width > gtk_widget_get_width (frame) + 0.5)
            g_error ("A %s (%s) lies at %.0f..%.0f, outside the 0..%d its scrolled window shows",
                     G_OBJECT_TYPE_NAME (widget),
                     gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "",
                     bounds.origin.x, bounds.origin.x + bounds.size.width, gtk_widget_get_width (frame));
          if (gtk_widget_get_parent (frame) == NULL)
            break;
        }
      checked++;
    }
  if (GTK_IS_LABEL (widget) && gtk_widget_get_ancestor (widget, GTK_TYPE_DROP_DOWN) != NULL &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    g_error ("A drop-down shows \"%s\" shortened", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    checked += check_controls_visible (child, window);
  return checked;
}

static gboolean
flap_settled (gpointer data)
{
  MopedWindow *window = data;

  return adw_flap_get_reveal_progress (window->flap) == (window->show_sidebar ? 1.0 : 0.0);
}

static gboolean
flap_unfolded (gpointer data)
{
  MopedWindow *window = data;

  return !adw_flap_get_folded (window->flap) && adw_flap_get_reveal_progress (window->flap) == 1.0 &&
         gtk_widget_get_visible (window->add_node_label);
}

/* At 960 px (half a 1920 px screen) the window stays 960 px wide, the side pane folds
 * away, and every control of the Flows editor can be seen and reached. The pane still
 * comes over the views on F9 and sits beside them again in a wide window. */
static void
test_narrow_window (void)
{
  g_autoptr(GFile) file = copy_example ("majordomo.moped");
  MopedWindow *window = moped_application_new_window (app);
  GSettings *settings = moped_application_get_settings (app);
  GtkWidget *editor, *switcher, *steps = NULL;
  GtkStack *pages;
  g_autoptr(GError) error = NULL;
  guint checked;

  g_settings_set_boolean (settings, "sidebar-visible", TRUE);
  g_assert_true (moped_window_load (window, file, &error));
  g_assert_no_error (error);
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 720);
  show (window);
  g_object_set (window, "page", "protocols", NULL);
  editor = GTK_WIDGET (window->protocol_editor);
  switcher = moped_test_find_control (editor, "Protocol pages");
  pages = gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (switcher));
  gtk_stack_set_visible_child_name (pages, "flows");
  g_assert_true (moped_test_spin_until (flap_settled, window, WAIT_MSEC));
  moped_test_spin_for (300);

  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 960);
  steps = moped_test_find_control (editor, "Steps");
  g_assert_nonnull (steps);
  g_assert_true (gtk_widget_get_mapped (steps));
  checked = check_controls_visible (editor, GTK_WIDGET (window));
  g_test_message ("%u controls of the Flows editor checked at 960 px", checked);
  g_assert_cmpuint (checked, >=, 20);
  g_assert_true (adw_flap_get_folded (window->flap));
  g_assert_false (window->show_sidebar);
  /* The header bar keeps room for the design's name: its buttons show only icons. */
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (window->title_label)));

  /* F9 brings the pane over the views; a folded window does not change the choice kept. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL);
  g_assert_true (moped_test_spin_until (flap_settled, window, WAIT_MSEC));
  g_assert_true (window->show_sidebar);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window->inspector)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 960);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL);
  g_assert_true (moped_test_spin_until (flap_settled, window, WAIT_MSEC));
  g_assert_false (window->show_sidebar);
  g_assert_true (g_settings_get_boolean (settings, "sidebar-visible"));

  /* Wide again: the pane is back beside the views. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 720);
  g_assert_true (moped_test_spin_until (flap_unfolded, window, WAIT_MSEC));
  g_assert_true (window->show_sidebar);
  g_assert_cmpint (gtk_widget_get_width (window->sidebar), >=, 260);
  /* Wide, with the buttons' words shown, the window still fits in 960 px: a window
   * manager snapping it to half the screen gets the size it asks for. */
  {
    int minimum = 0;

    g_assert_true (gtk_widget_get_visible (window->add_node_label));
    gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
    g_test_message ("smallest width of a wide window on the Protocols page: %d px", minimum);
    g_assert_cmpint (minimum, <=, 960);
  }

  /* Dragging the line between views and pane to the left widens the pane, and the
   * width is kept for the next window. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (window->flap_handle);
    GtkGesture *drag = NULL;
    int before = gtk_widget_get_width (window->sidebar);

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_DRAG (controller))
          drag = GTK_GESTURE (controller);
      }
    g_assert_nonnull (drag);
    g_signal_emit_by_name (drag, "drag-begin", 2.0, 300.0);
    g_signal_emit_by_name (drag, "drag-update", -60.0, 0.0);
    g_signal_emit_by_name (drag, "drag-end", -60.0, 0.0);
    moped_test_spin_for (100);
    g_assert_cmpint (gtk_widget_get_width (window->sidebar), ==, before + 60);
    g_assert_cmpint (g_settings_get_int (settings, "sidebar-width"), ==, before + 60);
    g_settings_reset (settings, "sidebar-width");
  }
  close_all_windows ();
}

/* ---- about and shortcuts ---------------------------------------------------------------- */

static void
test_about_and_shortcuts (void)
{
  MopedWindow *window = moped_application_new_window (app);
  GtkWidget *shortcuts;
  GtkWidget *about;

  show (window);
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (shortcuts)) == GTK_WINDOW (window));
  gtk_window_close (GTK_WINDOW (shortcuts));
  g_assert_false (gtk_widget_get_visible (shortcuts));

  /* F1: the user guide, shipped inside the program. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "help", NULL);
  {
    GtkWidget *help = NULL;
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
    GtkTextBuffer *buffer;
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (g_strcmp0 (gtk_window_get_title (l->data), "Moped User Guide") == 0 && gtk_widget_get_visible (l->data))
        help = l->data;
    g_assert_nonnull (help);
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (help)) == GTK_WINDOW (window));
    buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (gtk_scrolled_window_get_child (
                                         GTK_SCROLLED_WINDOW (gtk_window_get_child (GTK_WINDOW (help))))));
    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    /* What MOPED is, the loop, the editor, the exports; Markdown marks are gone. */
    g_assert_nonnull (strstr (text, "What MOPED is"));
    g_assert_nonnull (strstr (text, "The loop"));
    g_assert_nonnull (strstr (text, "The editor"));
    g_assert_nonnull (strstr (text, "The exports"));
    g_assert_null (strstr (text, "## "));
    g_assert_null (strstr (text, "`"));
    gtk_window_close (GTK_WINDOW (help));
  }

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (window));
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, "org.moped.Moped");
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_MPL_2_0);
  /* A bug report can say which GTK and libadwaita this copy ran with. */
  {
    g_autofree char *gtk = g_strdup_printf ("GTK %u.%u.%u", gtk_get_major_version (), gtk_get_minor_version (),
                                            gtk_get_micro_version ());

    g_assert_nonnull (strstr (adw_about_window_get_debug_info (ADW_ABOUT_WINDOW (about)), gtk));
    g_assert_nonnull (strstr (adw_about_window_get_debug_info (ADW_ABOUT_WINDOW (about)), "libadwaita 1."));
  }
  close_all_windows ();
}

static void
test_accels (void)
{
  static const struct {
    const char *accel;
    const char *action;
  } expected[] = {
    { "<Control>n", "app.new" },
    { "<Control>o", "app.open" },
    { "<Control>s", "win.save" },
    { "<Shift><Control>s", "win.save-as" },
    { "<Control>z", "win.undo" },
    { "<Shift><Control>z", "win.redo" },
    { "<Control>y", "win.redo" },
    { "<Control>w", "win.close" },
    { "<Control>q", "app.quit" },
    { "<Control>question", "app.shortcuts" },
    { "<Control>e", "win.export" },
    { "<Control>p", "win.print" },
    { "<Control>l", "win.arrange" },
    { "F9", "win.show-sidebar" },
    { "F1", "app.help" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), expected[i].accel);

      g_assert_true (g_strv_contains ((const char * const *) actions, expected[i].action));
    }
}

/* Moped's icons come from GTK's own icon resource path (see data/moped.gresource.xml): the
 * application icon, and the toolbar's 16 px icons from pre-rendered symbolic PNGs, which
 * must show the same picture as the SVGs they were made from. */
static void
test_icons (void)
{
  static const char * const names[] = {
    "moped-add-node-symbolic", "moped-add-note-symbolic", "moped-arrange-symbolic",
  };
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  g_assert_true (gtk_icon_theme_has_icon (theme, "org.moped.Moped"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GtkIconPaintable) icon = gtk_icon_theme_lookup_icon (theme, names[i], NULL, 16, 1,
                                                                     GTK_TEXT_DIR_LTR, 0);
      g_autoptr(GFile) file = gtk_icon_paintable_get_file (icon);
      g_autofree char *uri = file != NULL ? g_file_get_uri (file) : NULL;
      g_autofree char *png_path = g_strdup_printf ("/org/gtk/libgtk/icons/16x16/actions/%s.symbolic.png", names[i]);
      g_autofree char *svg_path = g_strdup_printf ("/org/gtk/libgtk/icons/scalable/actions/%s.svg", names[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkPixbuf) png = gdk_pixbuf_new_from_resource (png_path, &error);
      g_autoptr(GdkPixbuf) svg = NULL;
      guint covered = 0;

      g_assert_no_error (error);
      svg = gdk_pixbuf_new_from_resource_at_scale (svg_path, 16, 16, FALSE, &error);
      g_assert_no_error (error);
      /* At 16 px the theme picks the PNG (no SVG decoding, no librsvg at startup). */
      g_assert_nonnull (uri);
      g_assert_true (g_str_has_prefix (uri, "resource://"));
      g_assert_cmpstr (uri + strlen ("resource://"), ==, png_path);
      g_assert_true (gdk_pixbuf_get_has_alpha (png) && gdk_pixbuf_get_has_alpha (svg));
      g_assert_cmpint (gdk_pixbuf_get_width (png), ==, 16);
      g_assert_cmpint (gdk_pixbuf_get_height (png), ==, 16);
      /* The same coverage, pixel by pixel: the picture, whatever its colour. */
      for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++)
          {
            const guint8 *a = gdk_pixbuf_read_pixels (png) + y * gdk_pixbuf_get_rowstride (png) + x * 4 + 3;
            const guint8 *b = gdk_pixbuf_read_pixels (svg) + y * gdk_pixbuf_get_rowstride (svg) + x * 4 + 3;

            if (ABS ((int) *a - (int) *b) > 24)
              g_error ("%s: the symbolic PNG differs from the SVG at %d,%d (%d, %d): re-encode it",
                       names[i], x, y, *a, *b);
            covered += *b > 128;
          }
      g_assert_cmpuint (covered, >, 16);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Every process of this test (the subprocesses too) keeps its state, recovery
   * files and recent files in one private folder. */
  if (g_getenv ("MOPED_TEST_TMP") == NULL)
    {
      g_autofree char *tmp = g_dir_make_tmp ("moped-test-ui-XXXXXX", NULL);
      g_autofree char *state = g_build_filename (tmp, "state", NULL);
      g_autofree char *data = g_build_filename (tmp, "data", NULL);

      g_setenv ("MOPED_TEST_TMP", tmp, TRUE);
      g_setenv ("XDG_STATE_HOME", state, TRUE);
      g_setenv ("XDG_DATA_HOME", data, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* Accessible properties are kept, and can be checked, without an AT-SPI bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  if (!moped_test_gtk_init (&argc, &argv))
    return 0;

  app = moped_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_settings_set_uint (moped_application_get_settings (app), "autosave-delay", 100);

  g_test_add_func ("/ui/window/open-edit-save", test_open_edit_save);
  g_test_add_func ("/ui/window/toasts", test_toasts);
  g_test_add_func ("/ui/window/undo-redo", test_undo_redo_enabled);
  g_test_add_func ("/ui/window/title", test_title_follows_name);
  g_test_add_func ("/ui/window/failed-save", test_failed_save);
  g_test_add_func ("/ui/window/failed-save-read-only", test_failed_save_read_only);
  g_test_add_func ("/ui/window/subprocess/save-into-read-only", save_into_read_only);
  g_test_add_func ("/ui/window/failed-open", test_failed_open);
  g_test_add_func ("/ui/window/close-asks", test_close_asks);
  g_test_add_func ("/ui/window/quit-asks", test_quit_asks);
  g_test_add_func ("/ui/window/drop", test_drop_opens);
  g_test_add_func ("/ui/window/new-from-example", test_new_from_example);
  g_test_add_func ("/ui/window/export-and-arrange", test_export_and_arrange);
  g_test_add_func ("/ui/window/problems", test_problems_list);
  g_test_add_func ("/ui/window/revalidation", test_revalidation);
  g_test_add_func ("/ui/window/accessible-names", test_accessible_names);
  g_test_add_func ("/ui/window/canvas-summary", test_canvas_summary);
  g_test_add_func ("/ui/window/tab-ring", test_tab_ring);
  g_test_add_func ("/ui/window/style-choice", test_style_choice);
  g_test_add_func ("/ui/window/narrow", test_narrow_window);
  g_test_add_func ("/ui/window/about-and-shortcuts", test_about_and_shortcuts);
  g_test_add_func ("/ui/window/accels", test_accels);
  g_test_add_func ("/ui/window/icons", test_icons);
  g_test_add_func ("/ui/recovery/written", test_recovery_written);
  g_test_add_func ("/ui/recovery/offered", test_recovery_offered);
  g_test_add_func ("/ui/recovery/discarded", test_recovery_discarded);
  g_test_add_func ("/ui/recovery/subprocess/crash", crash_after_edit);
  g_test_add_func ("/ui/recovery/subprocess/restart", restart_and_recover);

  status = g_test_run ();
  close_all_windows ();
  g_clear_object (&app);
  if (!g_test_subprocess ())
    moped_test_remove_tree (g_getenv ("MOPED_TEST_TMP"));
  return status;
}
