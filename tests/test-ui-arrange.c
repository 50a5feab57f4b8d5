/* test-ui-arrange.c: Arrange under Xvfb: graphviz in a child, pins kept, one undo step, cancel, crash, time-out.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The layout runner starts this very program again as `PROGRAM __layout ...`, so
 * main() hands that verb over first. Crashes and hangs are played by small shell
 * scripts put in the runner's place.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "moped-arrange.h"
#include "moped-canvas.h"
#include "moped-file.h"
#include "moped-layout-runner.h"
#include "moped-render.h"
#include "moped-test-gtk.h"

#define WAIT_MSEC 60000

typedef struct
{
  GtkWindow   *window;
  GtkWidget   *overlay;
  MopedCanvas *canvas;
  MopedDesign *design;
  GHashTable  *before;   /* id -> "x,y" */
  char        *pinned_id;
  guint        n_finished;
} Fixture;

/* ---- helpers -------------------------------------------------------------------------- */

static gboolean
not_running (gpointer data)
{
  return !moped_arrange_is_running (data);
}

static gboolean
has_banner (gpointer data)
{
  return moped_arrange_get_banner (data) != NULL || !moped_arrange_is_running (data);
}

static GHashTable *
positions (MopedDesign *design)
{
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (nodes, i);

      g_hash_table_insert (table, g_strdup (moped_element_get_id (node)),
                           g_strdup_printf ("%g,%g", moped_element_get_double (node, MOPED_PROP_X),
                                            moped_element_get_double (node, MOPED_PROP_Y)));
    }
  return table;
}

static guint
count_moved (GHashTable  *before,
             MopedDesign *design)
{
  g_autoptr(GHashTable) now = positions (design);
  GHashTableIter iter;
  gpointer id, place;
  guint moved = 0;

  g_assert_cmpuint (g_hash_table_size (now), ==, g_hash_table_size (before));
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &id, &place))
    moved += g_strcmp0 (place, g_hash_table_lookup (now, id)) != 0;
  return moved;
}

static const char *
place_of (MopedDesign *design,
          const char  *id,
          GHashTable  *table)
{
  return g_hash_table_lookup (table, id);
}

static void
show_window (Fixture *f)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 900, 640);
  f->overlay = gtk_overlay_new ();
  f->canvas = MOPED_CANVAS (moped_canvas_new ());
  gtk_overlay_set_child (GTK_OVERLAY (f->overlay), GTK_WIDGET (f->canvas));
  gtk_window_set_child (f->window, f->overlay);
  moped_canvas_set_design (f->canvas, f->design);
  gtk_window_present (f->window);
  g_assert_true (moped_test_spin_until (moped_test_mapped, f->window, WAIT_MSEC));
}

/* Every node piled up near the origin, one pinned far away: Arrange has work to do. */
static void
scramble (Fixture *f)
{
  g_autoptr(GPtrArray) nodes = moped_design_collect (f->design, MOPED_KIND_NODE);

  moped_design_begin (f->design, "Scramble");
  for (guint i = 0; i < nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (nodes, i);

      moped_design_set_double (f->design, node, MOPED_PROP_X, 40 + 7 * i);
      moped_design_set_double (f->design, node, MOPED_PROP_Y, 40 + 5 * i);
      moped_design_set_bool (f->design, node, MOPED_PROP_PINNED, FALSE);
    }
  if (nodes->len > 2)
    {
      MopedElement *pinned = g_ptr_array_index (nodes, 1);

      moped_design_set_double (f->design, pinned, MOPED_PROP_X, 1200);
      moped_design_set_double (f->design, pinned, MOPED_PROP_Y, 900);
      moped_design_set_bool (f->design, pinned, MOPED_PROP_PINNED, TRUE);
      f->pinned_id = g_strdup (moped_element_get_id (pinned));
    }
  moped_design_end (f->design);
  moped_design_clear_history (f->design);
  moped_design_set_unmodified (f->design);
  f->before = positions (f->design);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), data, NULL);
  g_autoptr(GError) error = NULL;

  f->design = moped_file_load (path, &error);
  g_assert_no_error (error);
  scramble (f);
  show_window (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  moped_test_spin_for (20);
  g_clear_pointer (&f->before, g_hash_table_unref);
  g_clear_object (&f->design);
  g_free (f->pinned_id);
  moped_layout_runner_set_program (NULL);
}

static void
on_finished (MopedArrange *arrange,
             Fixture      *f)
{
  f->n_finished++;
}

/* Run Arrange to its end; returns it (a new reference). */
static MopedArrange *
arrange (Fixture    *f,
         const char *engine,
         const char *direction)
{
  MopedArrange *arrangement = moped_arrange_run (GTK_WIDGET (f->canvas), f->design, engine, direction);

  g_assert_nonnull (arrangement);
  g_object_ref (arrangement);
  g_signal_connect (arrangement, "finished", G_CALLBACK (on_finished), f);
  g_assert_true (moped_test_spin_until (not_running, arrangement, WAIT_MSEC));
  return arrangement;
}

/* A program in the layout runner's place: @body is the shell script's. */
static char *
fake_runner (const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("moped-arrange-XXXXXX", &error);
  char *path;
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\n%s\n", body);

  g_assert_no_error (error);
  path = g_build_filename (dir, "fake-layout", NULL);
  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  return path;
}

static void
remove_fake_runner (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* ---- tests --------------------------------------------------------------------------------- */

static void
test_arrange_one_undo (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MopedArrange) arrangement = NULL;
  g_autoptr(GHashTable) arranged = NULL;
  MopedLayoutEngine engine;
  MopedLayoutDirection direction;

  g_assert_false (moped_design_can_undo (f->design));
  arrangement = arrange (f, "dot", "LR");
  g_assert_cmpuint (f->n_finished, ==, 1);
  g_assert_no_error ((GError *) moped_arrange_get_error (arrangement));
  g_assert_true (moped_arrange_get_moved (arrangement));
  g_assert_null (moped_arrange_get_banner (arrangement));
  g_assert_null (moped_arrange_get_error_dialog (arrangement));
  g_assert_cmpuint (count_moved (f->before, f->design), >=, 2);

  /* The pinned node stays exactly where it was. */
  arranged = positions (f->design);
  g_assert_cmpstr (place_of (f->design, f->pinned_id, arranged), ==, place_of (f->design, f->pinned_id, f->before));

  /* One undo step, named, puts everything back; redo arranges again. */
  g_assert_true (moped_design_can_undo (f->design));
  g_assert_cmpstr (moped_design_get_undo_label (f->design), ==, "Arrange");
  g_assert_true (moped_design_get_modified (f->design));
  g_assert_true (moped_design_undo (f->design));
  g_assert_cmpuint (count_moved (f->before, f->design), ==, 0);
  g_assert_false (moped_design_can_undo (f->design));
  g_assert_true (moped_design_redo (f->design));
  g_assert_cmpuint (count_moved (arranged, f->design), ==, 0);

  /* The choice is remembered for Arrange without options. */
  moped_arrange_get_last_options (&engine, &direction);
  g_assert_cmpint (engine, ==, MOPED_LAYOUT_ENGINE_DOT);
  g_assert_cmpint (direction, ==, MOPED_LAYOUT_LEFT_RIGHT);
}

static void
test_engines (Fixture       *f,
              gconstpointer  data)
{
  static const char * const choices[][2] = {
    { "dot", "TB" }, { "neato", "LR" }, { "fdp", "LR" }, { "circo", "LR" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      g_autoptr(MopedArrange) arrangement = NULL;
      g_autoptr(GHashTable) now = NULL;
      MopedLayoutEngine engine;
      MopedLayoutDirection direction;

      arrangement = arrange (f, choices[i][0], choices[i][1]);
      g_assert_no_error ((GError *) moped_arrange_get_error (arrangement));
      now = positions (f->design);
      g_assert_cmpstr (place_of (f->design, f->pinned_id, now), ==, place_of (f->design, f->pinned_id, f->before));
      g_assert_cmpuint (count_moved (f->before, f->design), >=, 2);
      moped_arrange_get_last_options (&engine, &direction);
      g_assert_cmpstr (moped_layout_engine_get_name (engine), ==, choices[i][0]);
      g_assert_cmpstr (moped_layout_direction_get_name (direction), ==, choices[i][1]);
      /* Back to the pile for the next engine. */
      g_assert_true (moped_design_undo (f->design));
      g_assert_cmpuint (count_moved (f->before, f->design), ==, 0);
    }
  /* NULL options: the last ones. */
  {
    g_autoptr(MopedArrange) arrangement = arrange (f, NULL, NULL);

    g_assert_no_error ((GError *) moped_arrange_get_error (arrangement));
    g_assert_true (moped_arrange_get_moved (arrangement));
  }
}

static MopedDesign *
large_design (guint n)
{
  MopedDesign *design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  MopedElement *previous = NULL;

  moped_design_begin (design, "Generate");
  for (guint i = 0; i < n; i++)
    {
      MopedElement *node = moped_design_add (design, root, MOPED_KIND_NODE, -1, NULL);
      MopedElement *in = moped_design_add (design, node, MOPED_KIND_SOCKET, -1, NULL);
      MopedElement *out = moped_design_add (design, node, MOPED_KIND_SOCKET, -1, NULL);

      moped_design_set_double (design, node, MOPED_PROP_X, 40 + (i % 40) * 10);
      moped_design_set_double (design, node, MOPED_PROP_Y, 40 + (i / 40) * 10);
      if (previous != NULL)
        {
          MopedElement *link = moped_design_add (design, root, MOPED_KIND_LINK, -1, NULL);

          moped_design_set_ref (design, link, MOPED_PROP_FROM, previous);
          moped_design_set_ref (design, link, MOPED_PROP_TO, in);
        }
      if (i % 7 == 3 && i > 20)
        {
          g_autoptr(GPtrArray) nodes = moped_element_get_children_of_kind (root, MOPED_KIND_NODE);
          MopedElement *far = g_ptr_array_index (nodes, (i * 13) % (nodes->len - 1));
          MopedElement *target = moped_element_get_child (far, 0);
          MopedElement *link = moped_design_add (design, root, MOPED_KIND_LINK, -1, NULL);

          moped_design_set_ref (design, link, MOPED_PROP_FROM, out);
          moped_design_set_ref (design, link, MOPED_PROP_TO, target);
        }
      previous = out;
    }
  moped_design_end (design);
  moped_design_clear_history (design);
  moped_design_set_unmodified (design);
  return design;
}

static void
test_cancel (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  MopedArrange *arrangement;
  GtkWidget *banner;
  GtkWidget *cancel = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  gint64 started;

  f->design = large_design (2000);
  before_text = moped_file_to_data (f->design, NULL);
  show_window (f);
  started = g_get_monotonic_time ();
  arrangement = g_object_ref (moped_arrange_run (GTK_WIDGET (f->canvas), f->design, "dot", "LR"));
  /* Asking again while it runs gives the arrangement under way. */
  g_assert_true (moped_arrange_run (GTK_WIDGET (f->canvas), f->design, "neato", NULL) == arrangement);
  g_assert_true (moped_test_spin_until (has_banner, arrangement, WAIT_MSEC));
  g_assert_true (moped_arrange_is_running (arrangement));
  g_assert_cmpint (g_get_monotonic_time () - started, >=, MOPED_ARRANGE_PROGRESS_DELAY_MS * 1000 - 20000);
  banner = moped_arrange_get_banner (arrangement);
  g_assert_nonnull (banner);
  /* Over the canvas, with a spinner and a Cancel button. */
  g_assert_true (gtk_widget_get_parent (banner) == f->overlay);
  for (GtkWidget *child = gtk_widget_get_first_child (banner); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child))
      cancel = child;
  g_assert_nonnull (cancel);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (cancel), GTK_ACCESSIBLE_PROPERTY_LABEL));
  moped_test_spin_for (50);
  g_signal_emit_by_name (cancel, "clicked");
  g_assert_true (moped_test_spin_until (not_running, arrangement, WAIT_MSEC));
  g_assert_true (g_error_matches (moped_arrange_get_error (arrangement), G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_null (moped_arrange_get_error_dialog (arrangement));
  g_assert_null (moped_arrange_get_banner (arrangement));
  g_assert_true (gtk_widget_get_last_child (f->overlay) == GTK_WIDGET (f->canvas));
  /* Untouched: same bytes, no undo step, not modified. */
  after_text = moped_file_to_data (f->design, NULL);
  g_assert_cmpstr (after_text, ==, before_text);
  g_assert_false (moped_design_can_undo (f->design));
  g_assert_false (moped_design_get_modified (f->design));
  g_object_unref (arrangement);

  /* Once done, a new request starts afresh. */
  arrangement = moped_arrange_run (GTK_WIDGET (f->canvas), f->design, "dot", "LR");
  g_assert_true (moped_arrange_is_running (arrangement));
  moped_arrange_cancel (arrangement);
  g_object_ref (arrangement);
  g_assert_true (moped_test_spin_until (not_running, arrangement, WAIT_MSEC));
  g_object_unref (arrangement);
  fixture_tear_down (f, NULL);
}

static gboolean
error_dialog_shown (gpointer data)
{
  GtkWidget *dialog = moped_arrange_get_error_dialog (data);

  return dialog != NULL && gtk_widget_get_mapped (dialog);
}

static void
assert_failure_reported (Fixture      *f,
                         MopedArrange *arrangement,
                         const char   *words)
{
  GtkWidget *dialog;
  g_autofree char *secondary = NULL;

  g_assert_true (g_error_matches (moped_arrange_get_error (arrangement), MOPED_RENDER_ERROR,
                                  MOPED_RENDER_ERROR_LAYOUT));
  g_assert_nonnull (strstr (moped_arrange_get_error (arrangement)->message, words));
  g_assert_true (moped_test_spin_until (error_dialog_shown, arrangement, WAIT_MSEC));
  dialog = moped_arrange_get_error_dialog (arrangement);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == f->window);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_object_get (dialog, "secondary-text", &secondary, NULL);
  g_assert_nonnull (strstr (secondary, words));
  /* Untouched. */
  g_assert_cmpuint (count_moved (f->before, f->design), ==, 0);
  g_assert_false (moped_design_can_undo (f->design));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CLOSE);
  moped_test_spin_for (20);
  g_assert_null (moped_arrange_get_error_dialog (arrangement));
}

static void
test_crash (Fixture       *f,
            gconstpointer  data)
{
  /* It takes the request's first line, then dies as graphviz does on a bad graph. */
  g_autofree char *runner = fake_runner ("read -r request\nkill -SEGV $$");
  g_autoptr(MopedArrange) arrangement = NULL;

  moped_layout_runner_set_program (runner);
  arrangement = arrange (f, "dot", "LR");
  assert_failure_reported (f, arrangement, "crashed");
  remove_fake_runner (runner);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *runner = fake_runner ("exec sleep 30");
  g_autoptr(MopedArrange) arrangement = NULL;
  gint64 started = g_get_monotonic_time ();
  gboolean banner_seen = FALSE;

  moped_layout_runner_set_program (runner);
  arrangement = g_object_ref (moped_arrange_start (GTK_WIDGET (f->canvas), f->design, MOPED_LAYOUT_ENGINE_DOT,
                                                   MOPED_LAYOUT_LEFT_RIGHT, 1200));
  while (moped_arrange_is_running (arrangement))
    {
      banner_seen |= moped_arrange_get_banner (arrangement) != NULL;
      g_assert_cmpint (g_get_monotonic_time () - started, <, 20 * G_USEC_PER_SEC);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_true (banner_seen);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 1100 * 1000);
  assert_failure_reported (f, arrangement, "longer than");
  remove_fake_runner (runner);
}

/* Without an overlay to float over, the progress gets a small window of its own. */
static void
test_banner_window (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autofree char *runner = fake_runner ("exec sleep 30");
  g_autoptr(MopedArrange) arrangement = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *banner;
  GtkRoot *root;

  f->design = large_design (3);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (f->window, box);
  gtk_window_present (f->window);
  g_assert_true (moped_test_spin_until (moped_test_mapped, f->window, WAIT_MSEC));
  moped_layout_runner_set_program (runner);
  arrangement = g_object_ref (moped_arrange_run (box, f->design, "dot", "LR"));
  g_assert_true (moped_test_spin_until (has_banner, arrangement, WAIT_MSEC));
  banner = moped_arrange_get_banner (arrangement);
  g_assert_nonnull (banner);
  root = gtk_widget_get_root (banner);
  g_assert_true (GTK_IS_WINDOW (root) && GTK_WINDOW (root) != f->window);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (root)) == f->window);
  /* Closing the design's window cancels, and leaves the design as it was. */
  gtk_window_destroy (f->window);
  f->window = NULL;
  g_assert_true (moped_test_spin_until (not_running, arrangement, WAIT_MSEC));
  g_assert_true (g_error_matches (moped_arrange_get_error (arrangement), G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_false (moped_design_can_undo (f->design));
  g_clear_object (&f->design);
  moped_layout_runner_set_program (NULL);
  remove_fake_runner (runner);
}

/* ---- the options popover ------------------------------------------------------------------- */

typedef struct
{
  char *engine;
  char *direction;
} Asked;

static void
on_arrange_with (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  Asked *asked = user_data;

  g_free (asked->engine);
  g_free (asked->direction);
  g_variant_get (parameter, "(ss)", &asked->engine, &asked->direction);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  const char *label = g_object_get_data (G_OBJECT (root), "moped-accessible-label");

  if (g_strcmp0 (label, name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
check_names (GtkWidget *widget,
             guint     *checked)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (parent != NULL && GTK_IS_DROP_DOWN (parent))
    return;
  if (GTK_IS_BUTTON (widget) || GTK_IS_DROP_DOWN (widget))
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("A %s has no accessible name", G_OBJECT_TYPE_NAME (widget));
      (*checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    check_names (child, checked);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  const char *dir = g_getenv ("MOPED_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  int width, height;

  if (dir == NULL)
    return;
  paintable = gtk_widget_paintable_new (widget);
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("%s/arrange-%s.png", dir, name);
  gdk_texture_save_to_png (texture, file);
}

static void
test_popover (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("arrange-with", G_VARIANT_TYPE ("(ss)"));
  Asked asked = { NULL, NULL };
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = moped_arrange_popover_new ();
  GtkWidget *arrange_button;
  GtkWidget *direction;
  guint checked = 0;

  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  g_signal_connect (action, "activate", G_CALLBACK (on_arrange_with), &asked);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (GTK_WIDGET (window), "win", G_ACTION_GROUP (group));
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), "Arrange");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), button);
  gtk_window_set_titlebar (window, header);
  gtk_window_set_default_size (window, 600, 400);
  gtk_window_present (window);
  g_assert_true (moped_test_spin_until (moped_test_mapped, window, WAIT_MSEC));

  /* It opens on the choices last used: circular, which has no direction. */
  g_object_unref (arrange (f, "circo", "TB"));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (moped_test_spin_until (moped_test_mapped, popover, WAIT_MSEC));
  direction = find_named (popover, "Direction");
  g_assert_nonnull (direction);
  g_assert_false (gtk_widget_get_sensitive (direction));
  moped_arrange_popover_set_options (MOPED_ARRANGE_POPOVER (popover), MOPED_LAYOUT_ENGINE_DOT,
                                     MOPED_LAYOUT_TOP_BOTTOM);
  g_assert_true (gtk_widget_get_sensitive (direction));
  moped_test_spin_for (100);
  save_screenshot (popover, "popover");
  check_names (popover, &checked);
  g_assert_cmpuint (checked, >=, 4);

  arrange_button = find_named (popover, "Arrange");
  g_assert_nonnull (arrange_button);
  g_signal_emit_by_name (arrange_button, "clicked");
  moped_test_spin_for (20);
  g_assert_cmpstr (asked.engine, ==, "dot");
  g_assert_cmpstr (asked.direction, ==, "TB");
  g_assert_false (gtk_widget_get_visible (popover));

  moped_arrange_popover_set_options (MOPED_ARRANGE_POPOVER (popover), MOPED_LAYOUT_ENGINE_NEATO,
                                     MOPED_LAYOUT_LEFT_RIGHT);
  g_signal_emit_by_name (arrange_button, "clicked");
  moped_test_spin_for (20);
  g_assert_cmpstr (asked.engine, ==, "neato");
  g_assert_cmpstr (asked.direction, ==, "LR");
  g_free (asked.engine);
  g_free (asked.direction);
  gtk_window_destroy (window);
}

static void
test_banner_screenshot (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *runner = fake_runner ("exec sleep 30");
  g_autoptr(MopedArrange) arrangement = NULL;
  guint checked = 0;

  moped_layout_runner_set_program (runner);
  arrangement = g_object_ref (moped_arrange_run (GTK_WIDGET (f->canvas), f->design, "dot", "LR"));
  g_assert_true (moped_test_spin_until (has_banner, arrangement, WAIT_MSEC));
  moped_test_spin_for (200);
  check_names (moped_arrange_get_banner (arrangement), &checked);
  g_assert_cmpuint (checked, ==, 1);
  save_screenshot (GTK_WIDGET (f->window), "banner");
  moped_arrange_cancel (arrangement);
  g_assert_true (moped_test_spin_until (not_running, arrangement, WAIT_MSEC));
  g_assert_cmpuint (count_moved (f->before, f->design), ==, 0);
  remove_fake_runner (runner);
}

int
main (int    argc,
      char **argv)
{
  if (argc > 1 && g_str_equal (argv[1], MOPED_LAYOUT_RUNNER_VERB))
    return moped_layout_runner_child_main (argc - 1, argv + 1);

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", "test", TRUE);
  if (!moped_test_gtk_init (&argc, &argv))
    return 0;

#define ADD(path, example, func) \
  g_test_add ("/ui/arrange/" path, Fixture, example, fixture_set_up, func, fixture_tear_down)
  ADD ("one-undo", "broken.moped", test_arrange_one_undo);
  ADD ("engines", "broken.moped", test_engines);
  ADD ("crash", "majordomo.moped", test_crash);
  ADD ("timeout", "majordomo.moped", test_timeout);
  ADD ("popover", "majordomo.moped", test_popover);
  ADD ("banner-screenshot", "broken.moped", test_banner_screenshot);
#undef ADD
  g_test_add_func ("/ui/arrange/cancel", test_cancel);
  g_test_add_func ("/ui/arrange/banner-window", test_banner_window);

  return g_test_run ();
}
