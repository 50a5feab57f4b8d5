/* test-ui-print.c: printing through GtkPrintOperation (export to PDF) and the print preview window.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Needs a display (tests/xvfb-run-test.sh gives it one). Graphviz runs in a child:
 * this program again, through the hidden verb main() hands over first.
 */
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "moped-file.h"
#include "moped-layout-runner.h"
#include "moped-print.h"
#include "moped-render.h"

static char *tmp_dir;

static MopedDesign *
load_example (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), name, NULL);
  g_autoptr(GError) error = NULL;
  MopedDesign *design = moped_file_load (path, &error);

  g_assert_no_error (error);
  return design;
}

static char *
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return out;
}

static guint
count_pages (const char *pdf)
{
  const char *argv[] = { "pdfinfo", pdf, NULL };
  g_autofree char *out = run_tool (argv);
  const char *pages = strstr (out, "\nPages:");

  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + strlen ("\nPages:"), NULL, 10);
}

/* Whether page @page (1-based) is wider than tall. */
static gboolean
page_is_landscape (const char *pdf,
                   guint       page)
{
  g_autofree char *number = g_strdup_printf ("%u", page);
  const char *argv[] = { "pdfinfo", "-f", number, "-l", number, pdf, NULL };
  g_autofree char *out = run_tool (argv);
  g_autofree char *key = g_strdup_printf ("Page %4u size:", page);
  const char *size = strstr (out, key);
  char *end;
  double width, height;

  g_assert_nonnull (size);
  width = g_ascii_strtod (size + strlen (key), &end);
  height = g_ascii_strtod (strstr (end, "x") + 1, NULL);
  return width > height;
}

static char *
page_text (const char *pdf,
           guint       page)
{
  g_autofree char *number = g_strdup_printf ("%u", page);
  const char *argv[] = { "pdftotext", "-f", number, "-l", number, pdf, "-", NULL };

  return run_tool (argv);
}

static guint
count_ink_png (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data = cairo_image_surface_get_data (surface);
  guint ink = 0;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + 4 * x);

        if (((pixel >> 16) & 0xff) < 200 || ((pixel >> 8) & 0xff) < 200 || (pixel & 0xff) < 200)
          ink++;
      }
  cairo_surface_destroy (surface);
  return ink;
}

/* Every page carries a drawing, not just the header: well over a header's ink. */
static void
assert_pages_drawn (const char *pdf,
                    guint       n_pages)
{
  for (guint page = 1; page <= n_pages; page++)
    {
      g_autofree char *number = g_strdup_printf ("%u", page);
      g_autofree char *prefix = g_build_filename (tmp_dir, "page", NULL);
      g_autofree char *png = g_strdup_printf ("%s.png", prefix);
      const char *argv[] = { "pdftoppm", "-r", "40", "-png", "-singlefile", "-f", number, "-l", number,
                             pdf, prefix, NULL };
      g_autofree char *out = run_tool (argv);

      g_assert_cmpuint (count_ink_png (png), >, 800);
      g_unlink (png);
    }
}

static void
test_print_export (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  g_autoptr(GPtrArray) flows = moped_design_collect (design, MOPED_KIND_FLOW);
  g_autofree char *pdf = g_build_filename (tmp_dir, "majordomo.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *last_page = NULL;
  guint n_pages;

  g_assert_true (moped_print_design_to_file (design, pdf, &error));
  g_assert_no_error (error);
  n_pages = count_pages (pdf);
  g_test_message ("%u flows printed on %u pages after the architecture", flows->len, n_pages - 1);
  /* The architecture, then the (short) flows several to a page: the six flows of
   * Majordomo took six pages, mostly empty, before they were packed. */
  g_assert_cmpuint (flows->len, ==, 6);
  g_assert_cmpuint (n_pages, <=, 1 + flows->len / 2);
  assert_pages_drawn (pdf, n_pages);
  /* The architecture is wide: the page is turned; the flows stay upright. */
  g_assert_true (page_is_landscape (pdf, 1));
  g_assert_false (page_is_landscape (pdf, 2));
  /* Each page has a title and the design's name. */
  first = page_text (pdf, 1);
  g_assert_nonnull (strstr (first, "Majordomo"));
  g_assert_nonnull (strstr (first, "Architecture"));
  last_page = g_strdup_printf ("Page 1 of %u", n_pages);
  g_assert_nonnull (strstr (first, last_page));
  second = page_text (pdf, 2);
  g_assert_nonnull (strstr (second, "Majordomo"));
  g_assert_nonnull (strstr (second, "Flows 1 to"));
  /* Every flow is drawn whole on exactly one page, in the design's order. */
  {
    guint at = 2;

    for (guint i = 0; i < flows->len; i++)
      {
        const char *name = moped_element_get_name (g_ptr_array_index (flows, i));
        guint found = 0, where = 0;

        for (guint page = 2; page <= n_pages; page++)
          {
            g_autofree char *text = page_text (pdf, page);

            if (strstr (text, name) != NULL)
              {
                found++;
                where = page;
              }
          }
        g_assert_cmpuint (found, ==, 1);
        g_assert_cmpuint (where, >=, at);
        at = where;
      }
  }
  g_unlink (pdf);
}

/* A long flow runs over several upright pages. */
static void
test_print_long_flow (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  MopedElement *a, *b, *protocol, *command, *flow;
  g_autofree char *pdf = g_build_filename (tmp_dir, "long.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *third = NULL;
  guint n_pages;

  moped_design_set_string (design, root, MOPED_PROP_NAME, "Chatty");
  a = moped_design_add (design, root, MOPED_KIND_NODE, -1, NULL);
  b = moped_design_add (design, root, MOPED_KIND_NODE, -1, NULL);
  protocol = moped_design_add (design, root, MOPED_KIND_PROTOCOL, -1, NULL);
  command = moped_design_add (design, protocol, MOPED_KIND_COMMAND, -1, NULL);
  moped_design_set_string (design, command, MOPED_PROP_NAME, "CHATTER");
  flow = moped_design_add (design, protocol, MOPED_KIND_FLOW, -1, NULL);
  moped_design_set_string (design, flow, MOPED_PROP_NAME, "Small talk");
  for (guint i = 0; i < 80; i++)
    {
      MopedElement *step = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);

      moped_design_set_ref (design, step, MOPED_PROP_FROM, i % 2 ? a : b);
      moped_design_set_ref (design, step, MOPED_PROP_TO, i % 2 ? b : a);
      moped_design_set_ref (design, step, MOPED_PROP_COMMAND, command);
      moped_design_set_bool (design, step, MOPED_PROP_REPEAT, i >= 30 && i < 50);
    }
  g_assert_true (moped_print_design_to_file (design, pdf, &error));
  g_assert_no_error (error);
  n_pages = count_pages (pdf);
  g_assert_cmpuint (n_pages, >=, 4);
  assert_pages_drawn (pdf, n_pages);
  for (guint page = 2; page <= n_pages; page++)
    g_assert_false (page_is_landscape (pdf, page));
  third = page_text (pdf, 3);
  g_assert_nonnull (strstr (third, "Chatty"));
  g_assert_nonnull (strstr (third, "Flow “Small talk”"));
  g_assert_nonnull (strstr (third, "(page 2 of"));
  g_unlink (pdf);
}

static void
test_print_layout_failure (void)
{
  g_autoptr(MopedDesign) design = load_example ("hello.moped");
  g_autofree char *pdf = g_build_filename (tmp_dir, "failed.pdf", NULL);
  g_autofree char *helper = g_build_filename (tmp_dir, "crash", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (helper, "#!/bin/sh\nkill -SEGV $$\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (helper, 0755), ==, 0);
  moped_layout_runner_set_program (helper);
  g_assert_false (moped_print_design_to_file (design, pdf, &error));
  moped_layout_runner_set_program (NULL);
  g_assert_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT);
  g_assert_nonnull (strstr (error->message, "crashed"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_unlink (helper);
}

/* ---- the preview window ----------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = moped_print_design_finish (result, &outcome->error);
  outcome->done = TRUE;
}

static GtkWindow *
find_preview_window (void)
{
  g_autoptr(GListModel) toplevels = NULL;

  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      const char *title = gtk_window_get_title (window);

      if (title != NULL && g_str_has_prefix (title, "Print Preview"))
        return window;
    }
  return NULL;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
page_label (GtkWindow *window)
{
  GtkWidget *header = gtk_window_get_titlebar (window);

  return gtk_label_get_text (GTK_LABEL (gtk_header_bar_get_title_widget (GTK_HEADER_BAR (header))));
}

/* Spin the main loop until @condition holds, at most 20 s. */
static void
wait_for (gboolean (*condition) (gpointer),
          gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      g_assert_cmpint (g_get_monotonic_time (), <, end);
    }
}

static gboolean
preview_ready (gpointer data)
{
  GtkWindow *window = find_preview_window ();

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         g_str_has_prefix (page_label (window), "Page 1 of ");
}

static gboolean
outcome_done (gpointer data)
{
  return ((Outcome *) data)->done;
}

/* Pixels of the page area that are neither the grey around the page nor white. */
static guint
count_page_ink (GtkWidget *area)
{
  int width = gtk_widget_get_width (area), height = gtk_widget_get_height (area);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (area);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *data = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (area));
  guint ink = 0;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  /* Nothing yet until the widget has been drawn once. */
  if (node == NULL)
    return 0;
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  data = g_malloc (4 * width * height);
  gdk_texture_download (texture, data, 4 * width);
  for (int i = 0; i < width * height; i++)
    {
      guint b = data[4 * i], g = data[4 * i + 1], r = data[4 * i + 2];

      if (r < 180 && g < 180 && b < 180)
        ink++;
    }
  return ink;
}

static gboolean
page_drawn (gpointer data)
{
  return count_page_ink (data) > 500;
}

static void
test_print_preview (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  Outcome outcome = { FALSE, FALSE, NULL };
  GtkWindow *window;
  GtkWidget *area;
  guint first_ink, second_ink;

  moped_print_design_async (design, NULL, GTK_PRINT_OPERATION_ACTION_PREVIEW, NULL, NULL, on_printed, &outcome);
  wait_for (preview_ready, NULL);
  window = find_preview_window ();
  g_assert_cmpstr (gtk_window_get_title (window), ==, "Print Preview — Majordomo");
  g_assert_cmpstr (page_label (window), ==, "Page 1 of 3");
  area = find_named (GTK_WIDGET (window), "print-preview-page");
  g_assert_nonnull (area);
  wait_for (page_drawn, area);
  first_ink = count_page_ink (area);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "preview.next-page", NULL));
  g_assert_cmpstr (page_label (window), ==, "Page 2 of 3");
  wait_for (page_drawn, area);
  second_ink = count_page_ink (area);
  g_assert_cmpuint (second_ink, >, 500);
  g_assert_cmpuint (second_ink, !=, first_ink);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "preview.previous-page", NULL));
  g_assert_cmpstr (page_label (window), ==, "Page 1 of 3");
  g_assert_false (outcome.done);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "preview.close", NULL));
  wait_for (outcome_done, &outcome);
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);
  g_assert_null (find_preview_window ());
}

static GtkWidget *
find_print_dialog (void)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());
  GType type = g_type_from_name ("GtkPrintUnixDialog");

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (type != 0 && G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The dialog's printer list names "Print to File" (the only printer on a machine
 * without a print server); choose it, as a user printing to PDF does. */
static gboolean
file_printer_chosen (gpointer data)
{
  GtkWidget *dialog = find_print_dialog ();
  GtkWidget *view = dialog != NULL ? find_descendant (dialog, GTK_TYPE_COLUMN_VIEW) : NULL;
  GtkSelectionModel *printers;
  g_autoptr(GtkPrintSettings) settings = NULL;

  if (view == NULL || (printers = gtk_column_view_get_model (GTK_COLUMN_VIEW (view))) == NULL ||
      g_list_model_get_n_items (G_LIST_MODEL (printers)) == 0)
    return FALSE;
  if (!gtk_selection_model_is_selected (printers, 0))
    gtk_selection_model_select_item (printers, 0, TRUE);
  g_object_get (dialog, "print-settings", &settings, NULL);
  return settings != NULL && gtk_print_settings_get (settings, GTK_PRINT_SETTINGS_OUTPUT_URI) != NULL;
}

/* Printing to a file proposes the design's own name, not GTK's "output.pdf". */
static void
test_print_file_name (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  Outcome outcome = { FALSE, FALSE, NULL };
  g_autoptr(GtkPrintSettings) settings = NULL;
  const char *uri;

  moped_print_design_async (design, NULL, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, "majordomo", NULL,
                            on_printed, &outcome);
  wait_for (file_printer_chosen, NULL);
  g_object_get (find_print_dialog (), "print-settings", &settings, NULL);
  uri = gtk_print_settings_get (settings, GTK_PRINT_SETTINGS_OUTPUT_URI);
  g_test_message ("printing to a file proposes %s", uri);
  g_assert_true (g_str_has_suffix (uri, "/majordomo.pdf"));
  gtk_dialog_response (GTK_DIALOG (find_print_dialog ()), GTK_RESPONSE_CANCEL);
  wait_for (outcome_done, &outcome);
  g_assert_no_error (outcome.error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  if (argc > 1 && g_str_equal (argv[1], MOPED_LAYOUT_RUNNER_VERB))
    return moped_layout_runner_child_main (argc - 1, argv + 1);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      /* Meson's TAP counts exit 77 as an error: report the skip in TAP itself.
       * CI runs this through tests/xvfb-run-test.sh, where it never skips. */
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  tmp_dir = g_dir_make_tmp ("moped-print-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/print/export", test_print_export);
  g_test_add_func ("/print/long-flow", test_print_long_flow);
  g_test_add_func ("/print/layout-failure", test_print_layout_failure);
  g_test_add_func ("/print/preview", test_print_preview);
  g_test_add_func ("/print/file-name", test_print_file_name);
  status = g_test_run ();
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
