/* moped-test-gtk.c: GTK start-up, bounded main-loop waits and offscreen renders for GUI tests.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include "moped-test-gtk.h"
#include "moped-inspector-util.h"

/* GTest first, then GTK; without a display say so in TAP (exit code 77 would count
 * as an error with meson's TAP protocol). FALSE: main() should return 0 at once. */
gboolean
moped_test_gtk_init (int    *argc,
                     char ***argv)
{
  g_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return FALSE;
    }
  return TRUE;
}

/* Let pending work and 50 ms of timers run. */
void
moped_test_spin (void)
{
  gint64 end = g_get_monotonic_time () + 50 * G_TIME_SPAN_MILLISECOND;

  while (g_main_context_iteration (NULL, FALSE) || g_get_monotonic_time () < end)
    ;
}

/* Run the main loop until @cond holds (or @msec are up); the result says which. */
gboolean
moped_test_spin_until (MopedTestCondition cond,
                       gpointer           data,
                       guint              msec)
{
  gint64 end = g_get_monotonic_time () + (gint64) msec * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

/* Let timers and idles run for @msec. */
void
moped_test_spin_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + (gint64) msec * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* A MopedTestCondition. */
gboolean
moped_test_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* Wait (bounded) until @widget has been through two frames, so it has been drawn. */
void
moped_test_wait_drawn (GtkWidget *widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, tick_cb, &frames, NULL);
  gint64 end = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  while (frames < 2 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, id);
  moped_test_spin ();
  g_assert_cmpuint (frames, >=, 2);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Ask for a frame and wait (bounded) until it has been painted, so the widget is laid
 * out and shows its present state. */
void
moped_test_wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gulong handler;

  while (gtk_widget_get_frame_clock (widget) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_signal_handler_disconnect (clock, handler);
  g_assert_true (painted);
}

/* @widget at its present size, rendered offscreen by its window's renderer. */
GdkTexture *
moped_test_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* $MOPED_BUILD_DIR/screenshots/NAME.png (the folder made if need be), kept as an artefact. */
char *
moped_test_screenshot_path (const char *name)
{
  const char *build = g_getenv ("MOPED_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build ? build : g_get_tmp_dir (), "screenshots", NULL);

  g_mkdir_with_parents (dir, 0755);
  return g_strconcat (dir, G_DIR_SEPARATOR_S, name, ".png", NULL);
}

/* Keep what @widget shows once painted as $MOPED_BUILD_DIR/screenshots/NAME.png. */
void
moped_test_save_png (GtkWidget  *widget,
                     const char *name)
{
  g_autofree char *path = moped_test_screenshot_path (name);
  g_autoptr(GdkTexture) texture = NULL;

  moped_test_wait_for_paint (widget);
  texture = moped_test_render (widget);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* ---- driving widgets ------------------------------------------------------------ */

void
moped_test_find_labelled (GtkWidget  *widget,
                          const char *label,
                          GPtrArray  *out)
{
  if (g_strcmp0 (moped_inspector_get_accessible_label (widget), label) == 0)
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    moped_test_find_labelled (child, label, out);
}

GtkWidget *
moped_test_find_control (GtkWidget  *root,
                         const char *label)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  GtkWidget *found = NULL;

  moped_test_find_labelled (root, label, all);
  for (guint i = 0; i < all->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (all, i)))
      {
        g_assert_null (found);
        found = g_ptr_array_index (all, i);
      }
  if (found == NULL)
    g_error ("no mapped widget named “%s”", label);
  return found;
}

void
moped_test_click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

void
moped_test_choose (GtkWidget  *drop_down,
                   const char *label)
{
  GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (drop_down));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), label) == 0)
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down), i);
        return;
      }
  g_error ("no item “%s” in the drop-down", label);
}

const char *
moped_test_chosen (GtkWidget *drop_down)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (drop_down));

  return item ? gtk_string_object_get_string (item) : NULL;
}

void
moped_test_type_text (GtkWidget  *entry,
                      const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      char buf[8] = { 0 };
      int position = (int) g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);

      g_unichar_to_utf8 (g_utf8_get_char (p), buf);
      gtk_editable_insert_text (GTK_EDITABLE (entry), buf, -1, &position);
    }
}

gboolean
moped_test_fire_shortcut (GtkWidget  *widget,
                          const char *trigger_text)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (trigger_text);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}
