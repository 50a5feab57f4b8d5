/* test-ui-screenshot.c: every bundled example drawn by the canvas, saved as PNG and checked pixel by pixel.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Runs under Xvfb (see tests/xvfb-run-test.sh). The PNGs are kept in
 * $MOPED_BUILD_DIR/screenshots as artefacts to look at.
 */
#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "moped-canvas.h"
#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-test-gtk.h"

#define WIDTH 1200
#define HEIGHT 800

typedef struct
{
  GtkWidget *window;
  MopedCanvas *canvas;
  guchar *pixels;
  gsize stride;
} Shot;

static void
shot_open (Shot        *shot,
           MopedDesign *design)
{
  shot->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (shot->window), WIDTH, HEIGHT);
  gtk_window_set_decorated (GTK_WINDOW (shot->window), FALSE);
  shot->canvas = MOPED_CANVAS (moped_canvas_new ());
  gtk_window_set_child (GTK_WINDOW (shot->window), GTK_WIDGET (shot->canvas));
  moped_canvas_set_design (shot->canvas, design);
  gtk_window_present (GTK_WINDOW (shot->window));
  moped_test_wait_for_paint (GTK_WIDGET (shot->canvas));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (shot->canvas)), ==, WIDTH);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (shot->canvas)), ==, HEIGHT);
}

static void
shot_close (Shot *shot)
{
  g_clear_pointer (&shot->pixels, g_free);
  gtk_window_destroy (GTK_WINDOW (shot->window));
}

/* Render the canvas offscreen, save it and keep its pixels. */
static void
shot_take (Shot       *shot,
           const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = moped_test_screenshot_path (name);

  moped_test_wait_for_paint (GTK_WIDGET (shot->canvas));
  texture = moped_test_render (GTK_WIDGET (shot->canvas));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  g_assert_cmpint (gdk_texture_get_width (texture), ==, WIDTH);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, HEIGHT);
  shot->stride = WIDTH * 4;
  g_clear_pointer (&shot->pixels, g_free);
  shot->pixels = g_malloc (shot->stride * HEIGHT);
  gdk_texture_download (texture, shot->pixels, shot->stride);
}

/* The colour at widget point (@x, @y) as 0xRRGGBB (downloads are B, G, R, A). */
static guint32
pixel (Shot   *shot,
       double  x,
       double  y)
{
  int ix = CLAMP ((int) round (x), 0, WIDTH - 1);
  int iy = CLAMP ((int) round (y), 0, HEIGHT - 1);
  const guchar *p = shot->pixels + iy * shot->stride + ix * 4;

  return ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static gboolean
near (guint32 color,
      guint32 expected,
      int     tolerance)
{
  for (int shift = 0; shift <= 16; shift += 8)
    if (abs ((int) ((color >> shift) & 0xff) - (int) ((expected >> shift) & 0xff)) > tolerance)
      return FALSE;
  return TRUE;
}

static void
assert_not_blank (Shot *shot)
{
  g_autoptr(GHashTable) colors = g_hash_table_new (NULL, NULL);
  guint32 background = pixel (shot, 3, 3);
  guint differing = 0, total = 0;

  for (int y = 0; y < HEIGHT; y += 3)
    for (int x = 0; x < WIDTH; x += 3)
      {
        guint32 c = pixel (shot, x, y);

        g_hash_table_add (colors, GUINT_TO_POINTER (c + 1));
        differing += !near (c, background, 12);
        total++;
      }
  g_test_message ("%u colours, %.1f %% not background", g_hash_table_size (colors), 100.0 * differing / total);
  g_assert_cmpuint (g_hash_table_size (colors), >, 40);
  g_assert_cmpfloat ((double) differing / total, >, 0.03);
}

/* Each node's card is white at the bottom, its header tinted, and above it there is
 * no card: the box is drawn where the model puts it. */
static void
assert_boxes_where_the_model_says (Shot        *shot,
                                   MopedDesign *design)
{
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  g_autoptr(GPtrArray) notes = moped_design_collect (design, MOPED_KIND_NOTE);

  for (guint i = 0; i < nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (nodes, i);
      double x, y, x1, y1;

      moped_canvas_design_to_widget (shot->canvas, moped_element_get_double (node, MOPED_PROP_X),
                                     moped_element_get_double (node, MOPED_PROP_Y), &x, &y);
      moped_canvas_design_to_widget (shot->canvas,
                                     moped_element_get_double (node, MOPED_PROP_X) +
                                     moped_element_get_double (node, MOPED_PROP_WIDTH),
                                     moped_element_get_double (node, MOPED_PROP_Y) +
                                     moped_element_get_double (node, MOPED_PROP_HEIGHT), &x1, &y1);
      g_test_message ("node %s at %.0f,%.0f-%.0f,%.0f", moped_element_get_id (node), x, y, x1, y1);
      g_assert_cmphex (pixel (shot, (x + x1) / 2, y1 - 3), ==, 0xffffff);
      g_assert_true (near (pixel (shot, x + (x1 - x) * 0.8, y + 3), 0xf6f5f4, 3));
      g_assert_cmphex (pixel (shot, (x + x1) / 2, y - 9), !=, 0xffffff);
      g_assert_false (near (pixel (shot, (x + x1) / 2, y - 9), 0xf6f5f4, 1));
    }
  for (guint i = 0; i < notes->len; i++)
    {
      MopedElement *note = g_ptr_array_index (notes, i);
      double x, y, x1, y1;

      moped_canvas_design_to_widget (shot->canvas, moped_element_get_double (note, MOPED_PROP_X),
                                     moped_element_get_double (note, MOPED_PROP_Y), &x, &y);
      moped_canvas_design_to_widget (shot->canvas,
                                     moped_element_get_double (note, MOPED_PROP_X) +
                                     moped_element_get_double (note, MOPED_PROP_WIDTH),
                                     moped_element_get_double (note, MOPED_PROP_Y) +
                                     moped_element_get_double (note, MOPED_PROP_HEIGHT), &x1, &y1);
      g_assert_true (near (pixel (shot, x + 8, y1 - 6), 0xfcf4a6, 4));
      g_assert_false (near (pixel (shot, x + 8, y1 + 8), 0xfcf4a6, 20));
    }
}

/* A socket that binds is a filled port, one that connects a hollow one. */
static void
assert_ports (Shot        *shot,
              MopedDesign *design)
{
  g_autoptr(GPtrArray) sockets = moped_design_collect (design, MOPED_KIND_SOCKET);
  MopedCanvasGeometry *geometry = moped_canvas_get_geometry (shot->canvas);
  guint checked = 0;

  for (guint i = 0; i < sockets->len; i++)
    {
      MopedElement *socket = g_ptr_array_index (sockets, i);
      const MopedCanvasPort *port = moped_canvas_geometry_get_port (geometry, socket);
      double x, y;

      if (moped_canvas_get_zoom (shot->canvas) < 0.8)
        break;
      moped_canvas_design_to_widget (shot->canvas, port->center.x, port->center.y, &x, &y);
      if (moped_element_get_enum (socket, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND)
        g_assert_cmphex (pixel (shot, x, y), !=, 0xffffff);
      else
        g_assert_cmphex (pixel (shot, x, y), ==, 0xffffff);
      checked++;
    }
  g_test_message ("%u ports checked", checked);
}

static void
test_example (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  g_autofree char *base = g_path_get_basename (path);
  Shot shot = { 0 };

  g_assert_no_error (error);
  *strrchr (base, '.') = '\0';
  shot_open (&shot, design);
  shot_take (&shot, base);
  assert_not_blank (&shot);
  assert_boxes_where_the_model_says (&shot, design);
  assert_ports (&shot, design);
  shot_close (&shot);
}

/* The broken example with its diagnostics: a red badge on a node with errors. */
static void
test_badges (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), "broken.moped", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  g_autoptr(GPtrArray) diagnostics = NULL;
  MopedCanvasGeometry *geometry;
  guint red = 0;
  Shot shot = { 0 };

  g_assert_no_error (error);
  diagnostics = moped_validate (design);
  g_assert_cmpuint (moped_diagnostics_count (diagnostics, MOPED_SEVERITY_ERROR), >, 0);
  shot_open (&shot, design);
  moped_canvas_set_diagnostics (shot.canvas, diagnostics);
  shot_take (&shot, "broken-diagnostics");
  geometry = moped_canvas_get_geometry (shot.canvas);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      MopedDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);
      MopedElement *element = moped_design_lookup (design, diagnostic->element_ids[0]);
      const MopedCanvasBox *box = element ? moped_canvas_geometry_get_box (geometry, element) : NULL;
      double x, y;
      guint32 c;

      if (diagnostic->severity != MOPED_SEVERITY_ERROR || box == NULL)
        continue;
      /* The badge is centred on the top-right corner; its rim is white, its body red. */
      moped_canvas_design_to_widget (shot.canvas, box->rect.x + box->rect.width, box->rect.y, &x, &y);
      c = pixel (&shot, x - 5, y + 5);
      g_assert_true (near (c, 0xe01b24, 40) || near (c, 0xffffff, 10));
      red += near (pixel (&shot, x, y - 6), 0xe01b24, 40) || near (pixel (&shot, x + 5, y), 0xe01b24, 40);
    }
  g_assert_cmpuint (red, >, 0);
  shot_close (&shot);
}

/* Far out, text goes and boxes stay; a selection is outlined in the accent colour. */
static void
test_zoomed_and_selected (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), "majordomo.moped", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  MopedElement *broker;
  double x, y;
  Shot shot = { 0 };

  g_assert_no_error (error);
  shot_open (&shot, design);
  broker = moped_design_lookup (design, "broker");
  moped_canvas_select (shot.canvas, "broker", FALSE);
  moped_canvas_select (shot.canvas, "link-workers", TRUE);
  moped_canvas_set_zoom (shot.canvas, 2.0);
  moped_canvas_reveal (shot.canvas, "broker");
  shot_take (&shot, "majordomo-selected-200");
  moped_canvas_design_to_widget (shot.canvas, moped_element_get_double (broker, MOPED_PROP_X),
                                 moped_element_get_double (broker, MOPED_PROP_Y) + 60, &x, &y);
  g_assert_true (near (pixel (&shot, x - 3, y), 0x3584e4, 30));

  moped_canvas_set_zoom (shot.canvas, 0.25);
  moped_canvas_zoom_to_fit (shot.canvas);
  moped_canvas_set_zoom (shot.canvas, 0.25);
  shot_take (&shot, "majordomo-25");
  assert_boxes_where_the_model_says (&shot, design);
  shot_close (&shot);
}

/* WCAG 2 relative luminance of 0xRRGGBB. */
static double
luminance (guint32 color)
{
  double sum = 0;
  const double weights[] = { 0.0722, 0.7152, 0.2126 };  /* blue, green, red */

  for (int i = 0; i < 3; i++)
    {
      double c = ((color >> (8 * i)) & 0xff) / 255.0;

      sum += weights[i] * (c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4));
    }
  return sum;
}

static double
contrast (guint32 a,
          guint32 b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

/* The strongest contrast against @against of any pixel in the rectangle (the glyphs'
 * cores: anti-aliased edges are in between). */
static double
best_contrast (Shot    *shot,
               double   x0,
               double   y0,
               double   x1,
               double   y1,
               guint32  against)
{
  double best = 1;

  for (double y = y0; y < y1; y++)
    for (double x = x0; x < x1; x++)
      best = MAX (best, contrast (pixel (shot, x, y), against));
  return best;
}

/* Under a dark preference (libadwaita's style manager, as the app sets it from its menu or
 * from the system) the canvas is dark, and its text meets WCAG AA (4.5:1) against the
 * canvas, the cards and the notes, measured on the rendered pixels. */
static void
test_dark (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), "hello.moped", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  AdwStyleManager *manager;
  MopedElement *client, *note;
  double x0, y0, x1, y1;
  guint32 canvas, card, note_paper;
  double title, on_canvas, note_contrast;
  Shot shot = { 0 };

  g_assert_no_error (error);
  adw_init ();
  manager = adw_style_manager_get_default ();
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  shot_open (&shot, design);
  moped_test_spin_for (100);
  g_assert_true (moped_canvas_get_dark (shot.canvas));
  shot_take (&shot, "hello-dark");

  canvas = pixel (&shot, 3, 3);
  g_test_message ("canvas background #%06x, luminance %.3f", canvas, luminance (canvas));
  g_assert_cmpfloat (luminance (canvas), <, 0.05);

  client = moped_design_lookup (design, "client");
  moped_canvas_design_to_widget (shot.canvas, moped_element_get_double (client, MOPED_PROP_X),
                                 moped_element_get_double (client, MOPED_PROP_Y), &x0, &y0);
  moped_canvas_design_to_widget (shot.canvas,
                                 moped_element_get_double (client, MOPED_PROP_X) + moped_element_get_double (client, MOPED_PROP_WIDTH),
                                 moped_element_get_double (client, MOPED_PROP_Y) + 30, &x1, &y1);
  card = pixel (&shot, x1 - 6, y0 + 6);  /* the header's corner, no text there */
  title = best_contrast (&shot, x0 + 6, y0 + 4, x1 - 6, y1, card);
  on_canvas = best_contrast (&shot, x0 + 6, y0 + 4, x1 - 6, y1, canvas);
  g_test_message ("node header #%06x; title contrast %.1f on the card, %.1f on the canvas", card, title, on_canvas);
  g_assert_cmpfloat (title, >=, 4.5);
  g_assert_cmpfloat (on_canvas, >=, 4.5);
  g_assert_cmpfloat (luminance (card), <, 0.1);

  /* The link's label chip, text and all. */
  {
    const MopedCanvasLinkCurve *curve = moped_canvas_geometry_get_link_curve (moped_canvas_get_geometry (shot.canvas),
                                                                  moped_design_lookup (design, "link-1"));
    guint32 chip;
    double label;

    g_assert_nonnull (curve);
    moped_canvas_design_to_widget (shot.canvas, curve->label.x, curve->label.y, &x0, &y0);
    moped_canvas_design_to_widget (shot.canvas, curve->label.x + curve->label.width, curve->label.y + curve->label.height,
                                   &x1, &y1);
    chip = pixel (&shot, x1 - 3, y1 - 3);
    label = best_contrast (&shot, x0 + 4, y0 + 2, x1 - 4, y1 - 2, chip);
    g_test_message ("link label chip #%06x, text contrast %.1f", chip, label);
    g_assert_cmpfloat (luminance (chip), <, 0.1);
    g_assert_cmpfloat (label, >=, 4.5);
  }

  note = moped_design_lookup (design, "note-1");
  moped_canvas_design_to_widget (shot.canvas, moped_element_get_double (note, MOPED_PROP_X),
                                 moped_element_get_double (note, MOPED_PROP_Y), &x0, &y0);
  moped_canvas_design_to_widget (shot.canvas,
                                 moped_element_get_double (note, MOPED_PROP_X) + moped_element_get_double (note, MOPED_PROP_WIDTH),
                                 moped_element_get_double (note, MOPED_PROP_Y) + moped_element_get_double (note, MOPED_PROP_HEIGHT),
                                 &x1, &y1);
  note_paper = pixel (&shot, x1 - 6, y1 - 6);
  note_contrast = best_contrast (&shot, x0 + 6, y0 + 8, x1 - 6, y1 - 6, note_paper);
  g_test_message ("note #%06x, text contrast %.1f", note_paper, note_contrast);
  g_assert_cmpfloat (note_contrast, >=, 4.5);
  shot_close (&shot);

  /* Back to light: the canvas follows. */
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  shot_open (&shot, design);
  moped_test_spin_for (100);
  g_assert_false (moped_canvas_get_dark (shot.canvas));
  shot_take (&shot, "hello-light");
  g_assert_cmpfloat (luminance (pixel (&shot, 3, 3)), >, 0.8);
  shot_close (&shot);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  const char *examples;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (!moped_test_gtk_init (&argc, &argv))
    return 0;

  examples = g_getenv ("MOPED_EXAMPLES");
  g_assert_nonnull (examples);
  dir = g_dir_open (examples, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".moped"))
      g_ptr_array_add (paths, g_build_filename (examples, name, NULL));
  g_ptr_array_sort (paths, compare_paths);
  g_assert_cmpuint (paths->len, >, 0);

  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (paths, i));
      g_autofree char *test = g_strconcat ("/ui/screenshot/", base, NULL);

      g_test_add_data_func (test, g_ptr_array_index (paths, i), test_example);
    }
  g_test_add_func ("/ui/screenshot/badges", test_badges);
  g_test_add_func ("/ui/screenshot/zoomed-and-selected", test_zoomed_and_selected);
  g_test_add_func ("/ui/screenshot/dark", test_dark);

  return g_test_run ();
}
