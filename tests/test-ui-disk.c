/* test-ui-disk.c: the editor and its file on disk, under Xvfb: changes by others, links, modes.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Another program changes, deletes or moves the open file (as `git pull` or
 * `moped arrange -o` would): the window shows a banner and refuses to save over the
 * change until the user chose Reload (undoable) or Keep Mine. Saving through a
 * symbolic link and keeping a private file's mode, through the editor's own save.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "moped-application.h"
#include "moped-file.h"
#include "moped-window-private.h"
#include "moped-test-gtk.h"
#include "moped-test-util.h"

#define WAIT_MSEC 8000

static MopedApplication *app;
static char *tmp_root;

static gboolean
window_drawn (gpointer data)
{
  return MOPED_WINDOW (data)->first_frame_done && MOPED_WINDOW (data)->panels_ready;
}

static gboolean
banner_shown (gpointer data)
{
  return gtk_info_bar_get_revealed (MOPED_WINDOW (data)->disk_bar);
}

static void
close_all_windows (void)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  moped_test_spin_for (20);
}

/* A copy of hello.moped, a design named @name, at @path. */
static void
write_design (const char *path,
              const char *name)
{
  g_autofree char *examples = moped_application_dup_examples_dir ();
  g_autofree char *source = g_build_filename (examples, "hello.moped", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (source, &error);

  g_assert_no_error (error);
  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, name);
  /* Written as another program would: in place, not through Moped's save. */
  {
    g_autofree char *text = moped_file_to_data (design, NULL);
    FILE *f = fopen (path, "w");

    g_assert_nonnull (f);
    g_assert_cmpint (fputs (text, f), >=, 0);
    g_assert_cmpint (fclose (f), ==, 0);
  }
}

static char *
name_on_disk (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);

  if (design == NULL)
    return NULL;
  return g_strdup (moped_element_get_name (moped_design_get_root (design)));
}

static const char *
name_in (MopedWindow *window)
{
  return moped_element_get_name (moped_design_get_root (moped_window_get_design (window)));
}

static MopedWindow *
open_window (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  MopedWindow *window = moped_application_open_file (app, file);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (moped_test_spin_until (window_drawn, window, WAIT_MSEC));
  g_assert_false (banner_shown (window));
  return window;
}

static char *
new_path (const char *name)
{
  return g_build_filename (tmp_root, name, NULL);
}

/* Changed by another program: the banner comes, and nothing is saved over the change
 * until the user answers. Reload brings the file's version; undo brings ours back;
 * saving after Keep Mine writes ours. */
static void
test_changed_on_disk (void)
{
  g_autofree char *path = new_path ("changed.moped");
  g_autofree char *on_disk = NULL;
  g_autoptr(GError) error = NULL;
  MopedWindow *window;

  write_design (path, "Original");
  window = open_window (path);
  g_assert_cmpstr (name_in (window), ==, "Original");
  moped_design_set_string (moped_window_get_design (window),
                           moped_design_get_root (moped_window_get_design (window)),
                           MOPED_PROP_NAME, "Mine");

  /* Saving at once, before any monitor event: refused all the same. */
  write_design (path, "Theirs");
  g_assert_false (moped_window_save_to (window, moped_window_get_file (window), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG);
  g_clear_error (&error);
  g_assert_true (banner_shown (window));
  on_disk = name_on_disk (path);
  g_assert_cmpstr (on_disk, ==, "Theirs");
  /* Ctrl+S too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  moped_test_spin_for (50);
  g_free (on_disk);
  on_disk = name_on_disk (path);
  g_assert_cmpstr (on_disk, ==, "Theirs");
  g_assert_true (moped_window_get_modified (window));

  /* Reload: the file's version, undoable. */
  g_assert_true (gtk_widget_get_visible (window->disk_reload_button));
  gtk_info_bar_response (window->disk_bar, 100);
  g_assert_false (banner_shown (window));
  g_assert_cmpstr (name_in (window), ==, "Theirs");
  g_assert_false (moped_window_get_modified (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpstr (name_in (window), ==, "Mine");
  g_assert_true (moped_window_get_modified (window));

  /* Changed again: the monitor shows the banner by itself. */
  write_design (path, "Theirs again");
  g_assert_true (moped_test_spin_until (banner_shown, window, WAIT_MSEC));
  g_assert_false (moped_window_save_to (window, moped_window_get_file (window), NULL));
  /* Keep Mine: the next save replaces their version. */
  gtk_info_bar_response (window->disk_bar, 101);
  g_assert_false (banner_shown (window));
  g_assert_true (moped_window_save_to (window, moped_window_get_file (window), &error));
  g_assert_no_error (error);
  g_free (on_disk);
  on_disk = name_on_disk (path);
  g_assert_cmpstr (on_disk, ==, "Mine");

  /* Our own saves raise no banner; and a change after Keep Mine asks again. */
  moped_test_spin_for (400);
  g_assert_false (banner_shown (window));
  write_design (path, "Third");
  g_assert_false (moped_window_save_to (window, moped_window_get_file (window), NULL));
  g_assert_true (banner_shown (window));
  close_all_windows ();
}

/* Deleted, or moved away: the banner says so; saving waits for Keep Mine (which
 * writes the design there again) or goes elsewhere with Save As. */
static void
test_deleted_or_moved (void)
{
  g_autofree char *path = new_path ("deleted.moped");
  g_autofree char *moved = new_path ("moved-away.moped");
  g_autofree char *on_disk = NULL;
  MopedWindow *window;

  write_design (path, "Here");
  window = open_window (path);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_true (moped_test_spin_until (banner_shown, window, WAIT_MSEC));
  g_assert_nonnull (strstr (gtk_label_get_label (window->disk_title), "deleted or moved"));
  g_assert_false (gtk_widget_get_visible (window->disk_reload_button));
  g_assert_true (gtk_widget_get_visible (window->disk_save_as_button));
  g_assert_false (moped_window_save_to (window, moped_window_get_file (window), NULL));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gtk_info_bar_response (window->disk_bar, 101);
  g_assert_true (moped_window_save_to (window, moped_window_get_file (window), NULL));
  on_disk = name_on_disk (path);
  g_assert_cmpstr (on_disk, ==, "Here");

  /* Moved away: the same. */
  moped_test_spin_for (300);
  g_assert_false (banner_shown (window));
  g_assert_cmpint (g_rename (path, moved), ==, 0);
  g_assert_true (moped_test_spin_until (banner_shown, window, WAIT_MSEC));
  g_assert_false (moped_window_save_to (window, moped_window_get_file (window), NULL));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  close_all_windows ();
}

/* The editor's save writes through a symbolic link and keeps the file's mode: a private
 * file stays private (0600), a group's file stays writable by the group (0664). */
static void
test_save_through_link_keeps_mode (void)
{
  g_autofree char *real_dir = new_path ("real");
  g_autofree char *target = g_build_filename (real_dir, "design.moped", NULL);
  g_autofree char *link_path = new_path ("link.moped");
  g_autofree char *on_disk = NULL;
  MopedWindow *window;
  struct stat st;

  g_assert_cmpint (g_mkdir_with_parents (real_dir, 0700), ==, 0);
  write_design (target, "Linked");
  g_assert_cmpint (g_chmod (target, 0600), ==, 0);
  g_assert_cmpint (symlink ("real/design.moped", link_path), ==, 0);
  window = open_window (link_path);
  moped_design_set_string (moped_window_get_design (window),
                           moped_design_get_root (moped_window_get_design (window)),
                           MOPED_PROP_NAME, "Saved through the link");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_false (moped_window_get_modified (window));
  g_assert_cmpint (g_lstat (link_path, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
  on_disk = name_on_disk (target);
  g_assert_cmpstr (on_disk, ==, "Saved through the link");

  /* A file shared with its group stays writable by the group. */
  g_assert_cmpint (g_chmod (target, 0664), ==, 0);
  moped_design_set_string (moped_window_get_design (window),
                           moped_design_get_root (moped_window_get_design (window)),
                           MOPED_PROP_NAME, "Saved for the group");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_false (moped_window_get_modified (window));
  g_assert_cmpint (g_lstat (link_path, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0664);
  g_free (on_disk);
  on_disk = name_on_disk (target);
  g_assert_cmpstr (on_disk, ==, "Saved for the group");
  close_all_windows ();
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *data = NULL;
  int status;

  tmp_root = g_dir_make_tmp ("moped-test-ui-disk-XXXXXX", NULL);
  state = g_build_filename (tmp_root, "state", NULL);
  data = g_build_filename (tmp_root, "data", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", "test", TRUE);

  if (!moped_test_gtk_init (&argc, &argv))
    return 0;

  app = moped_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/disk/changed-on-disk", test_changed_on_disk);
  g_test_add_func ("/ui/disk/deleted-or-moved", test_deleted_or_moved);
  g_test_add_func ("/ui/disk/save-through-link-keeps-mode", test_save_through_link_keeps_mode);

  status = g_test_run ();
  close_all_windows ();
  g_clear_object (&app);
  moped_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
