/* bench-canvas.c: how long the canvas takes to draw a frame of a large design, next to naive cairo drawing.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Needs a display (run it through tests/xvfb-run-test.sh). Frames are drawn
 * offscreen at 1920x1080 with GTK's cairo renderer, for generated designs of 100,
 * 1000 and 5000 nodes with two links each, zoomed to fit and at 100%. For each it
 * prints the median of: a cold frame (every cache dropped, as after loading), a warm
 * frame (the view panned by a pixel), a drag frame (one node moved by the pointer,
 * the rest from the static layer), and the baseline: plain cairo drawing every box,
 * label and curve, with no culling, caching or level of detail, in the same run.
 */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include <gtk/gtk.h>

#include "moped-canvas-private.h"
#include "moped-test-gtk.h"
#include "moped-test-util.h"

#define WIDTH 1920
#define HEIGHT 1080
#define SPACING_X 260.0
#define SPACING_Y 170.0

static void
add_link (MopedDesign  *design,
          MopedElement *from,
          MopedElement *to,
          guint         n)
{
  g_autofree char *endpoint = g_strdup_printf ("tcp://*:%u", 1024 + n % 60000);
  g_autofree char *label = g_strdup_printf ("flow %u", n);
  MopedElement *link = moped_test_add_link (design, from, to, endpoint);

  moped_design_set_string (design, link, MOPED_PROP_LABEL, label);
}

/* @n nodes on a grid; node i pushes to node i+1 and publishes to the node below it. */
static MopedDesign *
generate (guint  n,
          guint *columns)
{
  MopedDesign *design = moped_design_new ();
  g_autofree MopedElement **out = g_new0 (MopedElement *, n);
  g_autofree MopedElement **in = g_new0 (MopedElement *, n);
  g_autofree MopedElement **pub = g_new0 (MopedElement *, n);
  g_autofree MopedElement **sub = g_new0 (MopedElement *, n);
  guint cols = (guint) ceil (sqrt (n * 1.6));

  moped_design_begin (design, "Generate");
  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "Bench");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Service %u", i);
      MopedElement *node = moped_test_add_node_at (design, name, (i % cols) * SPACING_X, (i / cols) * SPACING_Y);

      moped_design_set_string (design, node, MOPED_PROP_ROLE, "worker");
      moped_design_set_double (design, node, MOPED_PROP_HEIGHT, 130);
      in[i] = moped_test_add_socket (design, node, "in", MOPED_SOCKET_PULL, MOPED_SOCKET_MODE_CONNECT);
      sub[i] = moped_test_add_socket (design, node, "control", MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_CONNECT);
      out[i] = moped_test_add_socket (design, node, "out", MOPED_SOCKET_PUSH, MOPED_SOCKET_MODE_BIND);
      pub[i] = moped_test_add_socket (design, node, "events", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
    }
  for (guint i = 0; i < n; i++)
    {
      add_link (design, out[i], in[(i + 1) % n], 2 * i);
      add_link (design, pub[i], sub[(i + cols) % n], 2 * i + 1);
    }
  moped_design_end (design);
  moped_design_clear_history (design);
  *columns = cols;
  return design;
}

/* ---- timing ---------------------------------------------------------------------- */

/* The CPU time of this thread, in microseconds: drawing is single-threaded, and other
 * processes on a busy machine do not count against it as they do against the clock. */
static gint64
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* One frame as GTK makes it: the canvas's snapshot, then the renderer's pixels. */
static double
canvas_frame (GtkWidget   *window,
              MopedCanvas *canvas,
              GskRenderer *renderer)
{
  gint64 start = now ();
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  GdkTexture *texture;

  gtk_widget_queue_draw (GTK_WIDGET (canvas));
  gtk_widget_snapshot_child (window, GTK_WIDGET (canvas), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
  g_object_unref (texture);
  gsk_render_node_unref (node);
  return (now () - start) / 1000.0;
}

/* ---- the baseline: everything, every frame, with plain cairo --------------------------- */

static void
naive_rounded (cairo_t *cr,
               double   x,
               double   y,
               double   w,
               double   h,
               double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
naive_text (cairo_t    *cr,
            const char *text,
            const char *font,
            double      x,
            double      y)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (desc);
  g_object_unref (layout);
}

static double
baseline_frame (MopedDesign *design,
                double       zoom,
                double       origin_x,
                double       origin_y)
{
  gint64 start = now ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  g_autoptr(GPtrArray) links = moped_design_collect (design, MOPED_KIND_LINK);

  cairo_set_source_rgb (cr, 0.95, 0.95, 0.94);
  cairo_paint (cr);
  cairo_scale (cr, zoom, zoom);
  cairo_translate (cr, -origin_x, -origin_y);

  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      MopedElement *from = moped_element_get_parent (moped_element_get_ref (link, MOPED_PROP_FROM));
      MopedElement *to = moped_element_get_parent (moped_element_get_ref (link, MOPED_PROP_TO));
      double x0 = moped_element_get_double (from, MOPED_PROP_X) + 180;
      double y0 = moped_element_get_double (from, MOPED_PROP_Y) + 80;
      double x1 = moped_element_get_double (to, MOPED_PROP_X);
      double y1 = moped_element_get_double (to, MOPED_PROP_Y) + 80;

      cairo_move_to (cr, x0, y0);
      cairo_curve_to (cr, x0 + 80, y0, x1 - 80, y1, x1, y1);
      cairo_set_source_rgb (cr, 0.9, 0.4, 0.1);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
      naive_text (cr, moped_element_get_string (link, MOPED_PROP_LABEL), "Sans Bold 9",
                  (x0 + x1) / 2 - 30, (y0 + y1) / 2 - 14);
      naive_text (cr, moped_element_get_string (link, MOPED_PROP_ENDPOINT), "Monospace 8",
                  (x0 + x1) / 2 - 30, (y0 + y1) / 2);
    }
  for (guint i = 0; i < nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (nodes, i);
      double x = moped_element_get_double (node, MOPED_PROP_X);
      double y = moped_element_get_double (node, MOPED_PROP_Y);
      double h = moped_element_get_double (node, MOPED_PROP_HEIGHT);

      naive_rounded (cr, x, y, 180, h, 10);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.2);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.2);
      naive_text (cr, moped_element_get_name (node), "Sans Bold 10", x + 12, y + 8);
      naive_text (cr, moped_element_get_string (node, MOPED_PROP_ROLE), "Sans 9", x + 12, y + 26);
      for (guint s = 0; s < moped_element_get_n_children (node); s++)
        {
          MopedElement *socket = moped_element_get_child (node, s);
          double py = y + 50 + s * 18;
          double px = s < 2 ? x : x + 180;

          cairo_arc (cr, px, py, 5, 0, 2 * G_PI);
          cairo_fill (cr);
          naive_text (cr, moped_socket_type_get_name (moped_element_get_enum (socket, MOPED_PROP_TYPE)),
                      "Sans Bold 8", s < 2 ? px + 10 : px - 50, py - 7);
        }
    }
  cairo_surface_flush (surface);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return (now () - start) / 1000.0;
}

/* ---- one design, one view ------------------------------------------------------------ */

typedef struct
{
  double cold, warm, drag, baseline;
} Result;

static void
measure_view (GtkWidget   *window,
              MopedCanvas *canvas,
              GskRenderer *renderer,
              MopedDesign *design,
              guint        frames,
              Result      *result)
{
  g_autofree double *times = g_new0 (double, frames);
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  GtkEventController *gesture = NULL;
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (canvas));
  MopedElement *target = NULL;
  MopedCanvasRect visible = _moped_canvas_get_visible (canvas);
  double x, y;

  for (guint i = 0; i < frames; i++)
    {
      _moped_canvas_drop_caches (canvas, NULL);
      times[i] = canvas_frame (window, canvas, renderer);
    }
  result->cold = median (times, frames);

  for (guint i = 0; i < frames; i++)
    {
      _moped_canvas_pan (canvas, (i % 2) ? -1 : 1, 0);
      times[i] = canvas_frame (window, canvas, renderer);
    }
  result->warm = median (times, frames);

  /* Drag the node nearest the middle of the view. */
  for (guint i = 0; i < nodes->len && target == NULL; i++)
    {
      MopedElement *node = g_ptr_array_index (nodes, i);

      if (moped_element_get_double (node, MOPED_PROP_X) >= visible.x + visible.width / 2 - SPACING_X &&
          moped_element_get_double (node, MOPED_PROP_Y) >= visible.y + visible.height / 2 - SPACING_Y)
        target = node;
    }
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), "canvas-drag") == 0)
        gesture = controller;
    }
  g_assert (target != NULL && gesture != NULL);
  moped_canvas_design_to_widget (canvas, moped_element_get_double (target, MOPED_PROP_X) + 90,
                                 moped_element_get_double (target, MOPED_PROP_Y) + 120, &x, &y);
  g_signal_emit_by_name (gesture, "drag-begin", x, y);
  for (guint i = 0; i < frames; i++)
    {
      gint64 start = now ();

      /* The model edit and the geometry update belong to the frame. */
      g_signal_emit_by_name (gesture, "drag-update", 5.0 + i, 3.0 + i);
      canvas_frame (window, canvas, renderer);
      times[i] = (now () - start) / 1000.0;
    }
  g_signal_emit_by_name (gesture, "drag-end", 5.0 + frames, 3.0 + frames);
  moped_design_undo (design);
  result->drag = median (times, frames);

  for (guint i = 0; i < MAX (3u, frames / 3); i++)
    times[i] = baseline_frame (design, canvas->zoom, canvas->origin_x, canvas->origin_y);
  result->baseline = median (times, MAX (3u, frames / 3));
}

int
main (int   argc,
      char *argv[])
{
  static const guint sizes[] = { 100, 1000, 5000 };
  guint frames = argc > 1 ? (guint) atoi (argv[1]) : 21;
  guint largest = argc > 2 ? (guint) atoi (argv[2]) : G_MAXUINT;
  GtkWidget *window;
  MopedCanvas *canvas;
  GskRenderer *renderer;
  g_autoptr(GError) error = NULL;
  gboolean met = TRUE;

  if (!gtk_init_check ())
    {
      g_printerr ("bench-canvas: no display (run it through tests/xvfb-run-test.sh)\n");
      return 1;
    }
  frames = MAX (frames, 3);

  window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  canvas = MOPED_CANVAS (moped_canvas_new ());
  gtk_widget_set_size_request (GTK_WIDGET (canvas), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (canvas));
  gtk_window_present (GTK_WINDOW (window));
  moped_test_wait_for_paint (GTK_WIDGET (canvas));
  if (gtk_widget_get_width (GTK_WIDGET (canvas)) != WIDTH || gtk_widget_get_height (GTK_WIDGET (canvas)) != HEIGHT)
    g_printerr ("note: the canvas is %dx%d, not %dx%d\n", gtk_widget_get_width (GTK_WIDGET (canvas)),
                gtk_widget_get_height (GTK_WIDGET (canvas)), WIDTH, HEIGHT);

  renderer = gsk_cairo_renderer_new ();
  if (!gsk_renderer_realize (renderer, gtk_native_get_surface (GTK_NATIVE (window)), &error))
    {
      g_printerr ("bench-canvas: %s\n", error->message);
      return 1;
    }

  g_print ("Canvas frame time, %dx%d, GTK cairo renderer, median of %u frames, thread CPU time (ms)\n", WIDTH, HEIGHT, frames);
  g_print ("%6s %5s %6s | %8s %8s %8s | %9s | %s\n", "nodes", "view", "zoom", "cold", "warm", "drag",
           "baseline", "target");
  for (guint s = 0; s < G_N_ELEMENTS (sizes) && sizes[s] <= largest; s++)
    {
      guint columns;
      g_autoptr(MopedDesign) design = generate (sizes[s], &columns);
      gint64 start = now ();

      moped_canvas_set_design (canvas, design);
      g_print ("# %u nodes, %u links: geometry in %.1f ms\n", sizes[s], 2 * sizes[s],
               (now () - start) / 1000.0);

      for (guint v = 0; v < 2; v++)
        {
          Result result;
          const char *target = "";

          if (v == 0)
            moped_canvas_zoom_to_fit (canvas);
          else
            {
              moped_canvas_set_zoom (canvas, 1.0);
              moped_canvas_reveal (canvas, moped_element_get_id (moped_element_get_child (moped_design_get_root (design), sizes[s] / 2)));
              moped_canvas_clear_selection (canvas);
            }
          measure_view (window, canvas, renderer, design, frames, &result);
          if (sizes[s] == 1000 && v == 0)
            {
              target = result.warm < 16 ? "< 16: met" : "< 16: MISSED";
              met &= result.warm < 16;
            }
          if (sizes[s] == 5000 && v == 1)
            {
              target = result.warm < 8 ? "< 8: met" : "< 8: MISSED";
              met &= result.warm < 8;
            }
          g_print ("%6u %5s %6.3f | %8.2f %8.2f %8.2f | %9.2f | %s\n", sizes[s], v == 0 ? "fit" : "100%",
                   moped_canvas_get_zoom (canvas), result.cold, result.warm, result.drag, result.baseline, target);
        }
      moped_canvas_set_design (canvas, NULL);
    }

  gsk_renderer_unrealize (renderer);
  g_object_unref (renderer);
  gtk_window_destroy (GTK_WINDOW (window));
  return met ? 0 : 2;
}
