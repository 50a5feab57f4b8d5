/* test-export-render.c: SVG, PNG and PDF of architectures and flows, and `moped render` / `moped arrange`.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Outputs are checked with the real tools: xmllint for SVG, pdfinfo and pdftoppm for
 * PDF, cairo's PNG reader for PNG. The command-line part runs the moped program
 * (MOPED_PROGRAM, else MOPED_BUILD_DIR/app/moped). Graphviz runs in a child: this
 * program itself, through the hidden verb main() hands over first.
 */
#include <string.h>
#include <sys/wait.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "moped-file.h"
#include "moped-layout-runner.h"
#include "moped-render.h"
#include "moped-sequence.h"
#include "moped-socket-type.h"
#include "moped-test-util.h"

static const char * const example_names[] = {
  "hello.moped", "weather.moped", "pipeline.moped", "lazy-pirate.moped",
  "majordomo.moped", "clone.moped", "broken.moped",
};

static char *tmp_dir;

static char *
example_path (const char *name)
{
  return g_build_filename (g_getenv ("MOPED_EXAMPLES"), name, NULL);
}

static MopedDesign *
load_example (const char *name)
{
  g_autofree char *path = example_path (name);
  g_autoptr(GError) error = NULL;
  MopedDesign *design = moped_file_load (path, &error);

  g_assert_no_error (error);
  return design;
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static char *
write_tmp (const char *name,
           GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;
  char *path = tmp_path (name);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
  return path;
}

/* Runs @argv; returns the exit status, stdout and stderr in @out and @err. */
static int
run (const char * const *argv,
     char              **out,
     char              **err)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

static void
assert_well_formed_xml (const char *path)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "xmllint", "--noout", path, NULL };

  if (run (argv, &out, &err) != 0)
    g_error ("%s is not well-formed XML: %s", path, err);
}

static guint
pdf_page_count (const char *path)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "pdfinfo", path, NULL };
  const char *pages;

  g_assert_cmpint (run (argv, &out, &err), ==, 0);
  pages = strstr (out, "\nPages:");
  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + strlen ("\nPages:"), NULL, 10);
}

/* Pixels that are not (nearly) white. */
static guint
count_ink (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data;
  guint ink = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + 4 * x);
        guint r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff, a = pixel >> 24;

        if (a > 128 && (r < 200 || g < 200 || b < 200))
          ink++;
      }
  return ink;
}

/* Whether some pixel is within a small distance of @rgb (0xRRGGBB). */
static gboolean
has_color (cairo_surface_t *surface,
           guint32          rgb)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data = cairo_image_surface_get_data (surface);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + 4 * x);
        int dr = (int) ((pixel >> 16) & 0xff) - (int) ((rgb >> 16) & 0xff);
        int dg = (int) ((pixel >> 8) & 0xff) - (int) ((rgb >> 8) & 0xff);
        int db = (int) (pixel & 0xff) - (int) (rgb & 0xff);

        if (ABS (dr) < 12 && ABS (dg) < 12 && ABS (db) < 12)
          return TRUE;
      }
  return FALSE;
}

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

/* Every page of the PDF at @path, rasterised by pdftoppm, carries ink. */
static void
assert_pdf_pages_not_blank (const char *path,
                            guint       n_pages)
{
  g_autofree char *prefix = tmp_path ("page");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "pdftoppm", "-r", "40", "-png", path, prefix, NULL };
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint seen = 0;

  g_assert_cmpint (run (argv, &out, &err), ==, 0);
  dir = g_dir_open (tmp_dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *page = NULL;
      cairo_surface_t *surface;

      if (!g_str_has_prefix (name, "page-"))
        continue;
      page = tmp_path (name);
      surface = load_png (page);
      g_assert_cmpuint (count_ink (surface), >, 200);
      cairo_surface_destroy (surface);
      g_unlink (page);
      seen++;
    }
  g_assert_cmpuint (seen, ==, n_pages);
}

/* ---- formats ----------------------------------------------------------------- */

static void
test_formats (void)
{
  MopedRenderFormat format;

  g_assert_true (moped_render_format_from_path ("a/b.svg", &format));
  g_assert_cmpint (format, ==, MOPED_RENDER_SVG);
  g_assert_true (moped_render_format_from_path ("B.PNG", &format));
  g_assert_cmpint (format, ==, MOPED_RENDER_PNG);
  g_assert_true (moped_render_format_from_path ("x.pdf", &format));
  g_assert_cmpint (format, ==, MOPED_RENDER_PDF);
  g_assert_true (moped_render_format_from_path ("x.dot", &format));
  g_assert_cmpint (format, ==, MOPED_RENDER_DOT);
  g_assert_false (moped_render_format_from_path ("x.jpg", &format));
  g_assert_false (moped_render_format_from_path ("x", &format));
  g_assert_false (moped_render_format_from_path ("dir.svg/x", &format));
  for (guint f = MOPED_RENDER_DOT; f <= MOPED_RENDER_PDF; f++)
    {
      g_autofree char *name = g_strdup_printf ("x.%s", moped_render_format_get_extension (f));

      g_assert_true (moped_render_format_from_path (name, &format));
      g_assert_cmpint (format, ==, f);
    }
}

/* ---- the architecture ---------------------------------------------------------- */

static void
test_architecture_svg (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (example_names); i++)
    {
      g_autoptr(MopedDesign) design = load_example (example_names[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) svg = moped_render_architecture (design, MOPED_RENDER_SVG, 1, &error);
      g_autoptr(GBytes) again = NULL;
      g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;

      g_test_message ("%s", example_names[i]);
      g_assert_no_error (error);
      path = write_tmp ("architecture.svg", svg);
      assert_well_formed_xml (path);
      text = g_strndup (g_bytes_get_data (svg, NULL), g_bytes_get_size (svg));
      for (guint n = 0; n < nodes->len; n++)
        {
          g_autofree char *name = g_markup_escape_text (moped_element_get_name (g_ptr_array_index (nodes, n)), -1);
          g_autofree char *element = g_strdup_printf (">%s</text>", name);

          g_assert_nonnull (strstr (text, element));
        }
      again = moped_render_architecture (design, MOPED_RENDER_SVG, 1, &error);
      g_assert_true (g_bytes_equal (svg, again));
      g_unlink (path);
    }
}

static void
test_architecture_png (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) small = moped_render_architecture (design, MOPED_RENDER_PNG, 1, &error);
  g_autoptr(GBytes) large = NULL;
  g_autofree char *small_path = NULL;
  g_autofree char *large_path = NULL;
  cairo_surface_t *a, *b;

  g_assert_no_error (error);
  large = moped_render_architecture (design, MOPED_RENDER_PNG, 2, &error);
  g_assert_no_error (error);
  small_path = write_tmp ("small.png", small);
  large_path = write_tmp ("large.png", large);
  a = load_png (small_path);
  b = load_png (large_path);
  /* Scale 2 is twice the pixels each way, give or take the rounding. */
  g_assert_cmpint (ABS (cairo_image_surface_get_width (b) - 2 * cairo_image_surface_get_width (a)), <=, 2);
  g_assert_cmpint (ABS (cairo_image_surface_get_height (b) - 2 * cairo_image_surface_get_height (a)), <=, 2);
  g_assert_cmpuint (count_ink (a), >, 2000);
  g_assert_cmpuint (count_ink (b), >, 3 * count_ink (a));
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  g_unlink (small_path);
  g_unlink (large_path);
}

static void
test_architecture_pdf (void)
{
  g_autoptr(MopedDesign) design = load_example ("clone.moped");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = moped_render_architecture (design, MOPED_RENDER_PDF, 1, &error);
  g_autoptr(GBytes) again = NULL;
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  path = write_tmp ("architecture.pdf", pdf);
  g_assert_cmpuint (pdf_page_count (path), ==, 1);
  assert_pdf_pages_not_blank (path, 1);
  /* No date inside: the same design gives the same bytes. */
  g_assert_null (g_strstr_len (g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), "CreationDate"));
  again = moped_render_architecture (design, MOPED_RENDER_PDF, 1, &error);
  g_assert_true (g_bytes_equal (pdf, again));
  g_unlink (path);
}

static void
test_architecture_diagnostics_shown (void)
{
  g_autoptr(MopedDesign) design = load_example ("broken.moped");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = moped_render_architecture (design, MOPED_RENDER_PNG, 1, &error);
  g_autoptr(GBytes) clean_png = NULL;
  g_autoptr(MopedDesign) clean = load_example ("hello.moped");
  g_autofree char *path = NULL;
  g_autofree char *clean_path = NULL;
  cairo_surface_t *surface;

  g_assert_no_error (error);
  path = write_tmp ("broken.png", png);
  surface = load_png (path);
  g_assert_true (has_color (surface, 0xe01b24));
  cairo_surface_destroy (surface);

  clean_png = moped_render_architecture (clean, MOPED_RENDER_PNG, 1, &error);
  g_assert_no_error (error);
  clean_path = write_tmp ("clean.png", clean_png);
  surface = load_png (clean_path);
  g_assert_false (has_color (surface, 0xe01b24));
  cairo_surface_destroy (surface);
  g_unlink (path);
  g_unlink (clean_path);
}

static void
test_architecture_engines (void)
{
  g_autoptr(MopedDesign) design = load_example ("pipeline.moped");

  for (guint e = 0; e < MOPED_N_LAYOUT_ENGINES; e++)
    {
      MopedRenderOptions options;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) svg = NULL;
      g_autofree char *path = NULL;

      moped_render_options_init (&options);
      options.engine = e;
      options.direction = MOPED_LAYOUT_TOP_BOTTOM;
      svg = moped_render_architecture_with_options (design, MOPED_RENDER_SVG, &options, &error);
      g_assert_no_error (error);
      path = write_tmp ("engine.svg", svg);
      assert_well_formed_xml (path);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (svg, NULL), (gssize) g_bytes_get_size (svg), ">Ventilator</text>"));
      g_unlink (path);
    }
}

static void
test_architecture_dot_format (void)
{
  g_autoptr(MopedDesign) design = load_example ("hello.moped");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) dot = moped_render_architecture (design, MOPED_RENDER_DOT, 1, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (dot, NULL), "// The architecture"));
}

static void
test_geometry_drawing (void)
{
  g_autoptr(MopedDesign) design = load_example ("hello.moped");
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedGraphvizGeometry) geometry = moped_render_architecture_geometry (design, NULL, NULL, &error);
  cairo_surface_t *surface;
  cairo_t *cr;

  g_assert_no_error (error);
  g_assert_nonnull (moped_graphviz_geometry_lookup (geometry, "client"));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) geometry->width + 1, (int) geometry->height + 1);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  moped_render_draw_geometry (cr, geometry);
  cairo_destroy (cr);
  g_assert_cmpuint (count_ink (surface), >, 1000);
  cairo_surface_destroy (surface);
}

/* ---- flows ------------------------------------------------------------------ */

static void
test_flows_all_examples (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (example_names); i++)
    {
      g_autoptr(MopedDesign) design = load_example (example_names[i]);
      g_autoptr(GPtrArray) flows = moped_design_collect (design, MOPED_KIND_FLOW);

      for (guint f = 0; f < flows->len; f++)
        {
          MopedElement *flow = g_ptr_array_index (flows, f);
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) svg = moped_render_flow (design, flow, MOPED_RENDER_SVG, 1, &error);
          g_autoptr(GBytes) svg_again = NULL;
          g_autoptr(GBytes) png = NULL;
          g_autoptr(GBytes) pdf = NULL;
          g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (flow, MOPED_KIND_STEP);
          g_autofree char *svg_path = NULL;
          g_autofree char *png_path = NULL;
          g_autofree char *pdf_path = NULL;
          g_autofree char *text = NULL;
          g_autofree char *name = g_markup_escape_text (moped_element_get_name (flow), -1);
          cairo_surface_t *surface;

          g_test_message ("%s: %s", example_names[i], moped_element_get_name (flow));
          g_assert_no_error (error);
          svg_path = write_tmp ("flow.svg", svg);
          assert_well_formed_xml (svg_path);
          text = g_strndup (g_bytes_get_data (svg, NULL), g_bytes_get_size (svg));
          g_assert_nonnull (strstr (text, name));
          for (guint s = 0; s < steps->len; s++)
            {
              MopedElement *node = moped_element_get_ref (g_ptr_array_index (steps, s), MOPED_PROP_FROM);
              g_autofree char *node_name = g_markup_escape_text (moped_element_get_name (node), -1);

              g_assert_nonnull (strstr (text, node_name));
            }
          /* Cairo's ids are made stable: a second drawing is the same bytes. */
          svg_again = moped_render_flow (design, flow, MOPED_RENDER_SVG, 1, &error);
          g_assert_true (g_bytes_equal (svg, svg_again));

          png = moped_render_flow (design, flow, MOPED_RENDER_PNG, 1.5, &error);
          g_assert_no_error (error);
          png_path = write_tmp ("flow.png", png);
          surface = load_png (png_path);
          g_assert_cmpuint (count_ink (surface), >, 500);
          cairo_surface_destroy (surface);

          pdf = moped_render_flow (design, flow, MOPED_RENDER_PDF, 1, &error);
          g_assert_no_error (error);
          pdf_path = write_tmp ("flow.pdf", pdf);
          g_assert_cmpuint (pdf_page_count (pdf_path), ==, 1);
          g_unlink (svg_path);
          g_unlink (png_path);
          g_unlink (pdf_path);
        }
    }
}

/* A flow among four nodes, long enough for several pages, with a loop and an opt. */
static MopedDesign *
make_long_flow (guint          n_steps,
                MopedElement **flow_out)
{
  MopedDesign *design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  MopedElement *nodes[4], *commands[3], *protocol, *flow;

  moped_design_set_string (design, root, MOPED_PROP_NAME, "Long");
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autofree char *name = g_strdup_printf ("Station %u", i);

      nodes[i] = moped_design_add (design, root, MOPED_KIND_NODE, -1, NULL);
      moped_design_set_string (design, nodes[i], MOPED_PROP_NAME, name);
    }
  moped_design_set_string (design, nodes[0], MOPED_PROP_ROLE, "starts everything");
  protocol = moped_design_add (design, root, MOPED_KIND_PROTOCOL, -1, NULL);
  moped_design_set_string (design, protocol, MOPED_PROP_NAME, "Relay");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      static const char * const names[] = { "PING", "A-RATHER-LONG-COMMAND-NAME", "DONE" };

      commands[i] = moped_design_add (design, protocol, MOPED_KIND_COMMAND, -1, NULL);
      moped_design_set_string (design, commands[i], MOPED_PROP_NAME, names[i]);
    }
  flow = moped_design_add (design, protocol, MOPED_KIND_FLOW, -1, NULL);
  moped_design_set_string (design, flow, MOPED_PROP_NAME, "Relay race");
  for (guint i = 0; i < n_steps; i++)
    {
      MopedElement *step = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);

      moped_design_set_ref (design, step, MOPED_PROP_FROM, nodes[i % 4]);
      /* Every seventh step goes to itself. */
      moped_design_set_ref (design, step, MOPED_PROP_TO, nodes[i % 7 == 6 ? i % 4 : (i + 1 + i % 2) % 4]);
      moped_design_set_ref (design, step, MOPED_PROP_COMMAND, commands[i % 3]);
      moped_design_set_bool (design, step, MOPED_PROP_REPEAT, i % 20 >= 3 && i % 20 < 9);
      moped_design_set_bool (design, step, MOPED_PROP_OPTIONAL, i % 20 >= 6 && i % 20 < 12);
    }
  *flow_out = flow;
  return design;
}

static void
test_flow_long_spans_pages (void)
{
  MopedElement *flow;
  g_autoptr(MopedDesign) design = make_long_flow (120, &flow);
  g_autoptr(MopedSequenceDiagram) sequence = moped_sequence_diagram_new (design, flow);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = moped_render_flow (design, flow, MOPED_RENDER_PDF, 1, &error);
  g_autofree char *path = NULL;
  double width, height, page_width, page_height;
  guint n_pages;

  g_assert_no_error (error);
  moped_sequence_diagram_get_size (sequence, &width, &height);
  g_assert_cmpfloat (height, >, 3 * 842);
  n_pages = moped_sequence_diagram_paginate (sequence, 842);
  g_assert_cmpuint (n_pages, >=, 4);
  for (guint i = 0; i < n_pages; i++)
    {
      moped_sequence_diagram_get_page_size (sequence, i, &page_width, &page_height);
      g_assert_cmpfloat (page_width, ==, width);
      g_assert_cmpfloat (page_height, <=, 842);
    }
  path = write_tmp ("long.pdf", pdf);
  g_assert_cmpuint (pdf_page_count (path), ==, n_pages);
  assert_pdf_pages_not_blank (path, n_pages);
  g_unlink (path);
}

/* Repeating steps sit in a blue "loop" frame, optional ones in a purple "opt" frame. */
static void
test_flow_frames_drawn (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  struct { const char *flow; gboolean loop, opt; } cases[] = {
    { "worker-request-reply", TRUE, FALSE },
    { "closing", FALSE, TRUE },
    { "client-request-reply", FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) png = moped_render_flow (design, moped_design_lookup (design, cases[i].flow),
                                                 MOPED_RENDER_PNG, 1, &error);
      g_autofree char *path = NULL;
      cairo_surface_t *surface;

      g_assert_no_error (error);
      path = write_tmp ("frames.png", png);
      surface = load_png (path);
      g_assert_cmpint (has_color (surface, 0x1a5fb4), ==, cases[i].loop);
      g_assert_cmpint (has_color (surface, 0x813d9c), ==, cases[i].opt);
      cairo_surface_destroy (surface);
      g_unlink (path);
    }
}

/* Blocks become frames: a loop (blue) around an alt (purple) whose branches a dashed
 * line parts; an empty block draws no frame. */
static void
test_flow_block_frames (void)
{
  MopedElement *flow;
  g_autoptr(MopedDesign) design = make_long_flow (0, &flow);
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  g_autoptr(GPtrArray) commands = moped_design_collect (design, MOPED_KIND_COMMAND);
  MopedElement *loop, *choice, *empty;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) svg = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  const char *text;

  loop = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);
  moped_design_set_enum (design, loop, MOPED_PROP_BLOCK, MOPED_BLOCK_LOOP);
  choice = moped_design_add (design, loop, MOPED_KIND_STEP, -1, NULL);
  moped_design_set_enum (design, choice, MOPED_PROP_BLOCK, MOPED_BLOCK_CHOICE);
  for (guint b = 0; b < 2; b++)
    {
      MopedElement *branch = moped_design_add (design, choice, MOPED_KIND_STEP, -1, NULL);
      MopedElement *step = moped_design_add (design, branch, MOPED_KIND_STEP, -1, NULL);

      moped_design_set_enum (design, branch, MOPED_PROP_BLOCK, MOPED_BLOCK_BRANCH);
      moped_design_set_ref (design, step, MOPED_PROP_FROM, g_ptr_array_index (nodes, 0));
      moped_design_set_ref (design, step, MOPED_PROP_TO, g_ptr_array_index (nodes, 1 + b));
      moped_design_set_ref (design, step, MOPED_PROP_COMMAND, g_ptr_array_index (commands, b));
    }
  empty = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);
  moped_design_set_enum (design, empty, MOPED_PROP_BLOCK, MOPED_BLOCK_OPTIONAL);

  svg = moped_render_flow (design, flow, MOPED_RENDER_SVG, 1, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (svg, NULL);
  g_assert_nonnull (strstr (text, "stroke-dasharray"));
  png = moped_render_flow (design, flow, MOPED_RENDER_PNG, 1, &error);
  g_assert_no_error (error);
  path = write_tmp ("blocks.png", png);
  surface = load_png (path);
  g_assert_true (has_color (surface, 0x1a5fb4));
  g_assert_true (has_color (surface, 0x813d9c));
  cairo_surface_destroy (surface);
  g_unlink (path);

  /* Without the choice, no alt: no purple, no dashes. */
  moped_design_remove (design, choice);
  g_bytes_unref (svg);
  svg = moped_render_flow (design, flow, MOPED_RENDER_SVG, 1, &error);
  g_assert_null (strstr (g_bytes_get_data (svg, NULL), "stroke-dasharray"));
}

static void
test_flow_preview_api (void)
{
  MopedElement *flow;
  g_autoptr(MopedDesign) short_design = make_long_flow (3, &flow);
  MopedElement *long_flow;
  g_autoptr(MopedDesign) long_design = make_long_flow (30, &long_flow);
  double w1, h1, w2, h2;
  cairo_surface_t *surface;
  cairo_t *cr;

  moped_sequence_diagram_get_natural_size (short_design, flow, &w1, &h1);
  moped_sequence_diagram_get_natural_size (long_design, long_flow, &w2, &h2);
  g_assert_cmpfloat (w1, >, 200);
  g_assert_cmpfloat (h2, >, h1 + 27 * 30);

  /* Drawn into a small preview it fits, centred, and leaves the margins alone. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 300);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0, 1, 0);
  cairo_paint (cr);
  moped_sequence_diagram_draw_flow (long_design, long_flow, cr, 300, 300);
  cairo_destroy (cr);
  g_assert_cmpuint (count_ink (surface), >, 500);
  {
    const guint32 *data = (const guint32 *) cairo_image_surface_get_data (surface);

    /* The diagram is taller than wide: the left and right edges keep the green. */
    g_assert_cmphex (data[150 * 300 + 0] & 0xffffff, ==, 0x00ff00);
    g_assert_cmphex (data[150 * 300 + 150] & 0xffffff, !=, 0x00ff00);
  }
  cairo_surface_destroy (surface);
}

/* An empty flow's diagram is as wide as its title lines: the subtitle names the
 * protocol and the design, and a long design name is not cut off at the edge. */
static void
test_flow_empty_fits_titles (void)
{
  double widths[2];
  const char *names[] = { "D", "A design whose name is rather longer than any empty diagram" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(MopedDesign) design = moped_design_new ();
      MopedElement *root = moped_design_get_root (design);
      MopedElement *protocol = moped_design_add (design, root, MOPED_KIND_PROTOCOL, -1, NULL);
      MopedElement *flow;
      double height;

      moped_design_set_string (design, root, MOPED_PROP_NAME, names[i]);
      moped_design_set_string (design, protocol, MOPED_PROP_NAME, "P");
      flow = moped_design_add (design, protocol, MOPED_KIND_FLOW, -1, NULL);
      moped_design_set_string (design, flow, MOPED_PROP_NAME, "F");
      moped_sequence_diagram_get_natural_size (design, flow, &widths[i], &height);
    }
  /* About 5 px a character at the subtitle's 9 pt: the long name adds some 250 px. */
  g_assert_cmpfloat (widths[1], >, widths[0] + 200);
}

static void
test_flow_errors (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  g_autoptr(GError) error = NULL;
  MopedElement *flow = moped_render_find_flow (design, "Heartbeating", &error);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (moped_element_get_id (flow), ==, "heartbeating");
  g_assert_true (moped_render_find_flow (design, "client-retry", &error) ==
                 moped_design_lookup (design, "client-retry"));

  g_assert_null (moped_render_find_flow (design, "Nope", &error));
  g_assert_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“Client retry”"));
  g_assert_nonnull (strstr (error->message, "“Closing”"));
  g_clear_error (&error);

  bytes = moped_render_flow (design, flow, MOPED_RENDER_DOT, 1, &error);
  g_assert_null (bytes);
  g_assert_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_FORMAT);
  g_clear_error (&error);

  bytes = moped_render_flow (design, flow, MOPED_RENDER_PNG, 500, &error);
  g_assert_null (bytes);
  g_assert_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_FORMAT);
}

/* ---- the command line --------------------------------------------------------- */

static char *
moped_program (void)
{
  const char *program = g_getenv ("MOPED_PROGRAM");

  if (program != NULL)
    return g_strdup (program);
  g_assert_nonnull (g_getenv ("MOPED_BUILD_DIR"));
  return g_build_filename (g_getenv ("MOPED_BUILD_DIR"), "app", "moped", NULL);
}

static int
run_moped (char       **err,
           const char  *first,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  va_list args;

  g_ptr_array_add (argv, moped_program ());
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return run ((const char * const *) argv->pdata, &out, err);
}

static void
test_cli_render (void)
{
  g_autofree char *majordomo = example_path ("majordomo.moped");
  g_autofree char *out_dir = tmp_path ("cli");
  g_autofree char *svg = g_build_filename (out_dir, "m.svg", NULL);
  g_autofree char *png = g_build_filename (out_dir, "m.png", NULL);
  g_autofree char *flow_pdf = g_build_filename (out_dir, "flow.pdf", NULL);
  g_autofree char *all = g_build_filename (out_dir, "all", NULL);
  g_autofree char *all_flow = g_build_filename (all, "flow-heartbeating.pdf", NULL);
  g_autofree char *all_arch = g_build_filename (all, "architecture.pdf", NULL);
  g_autofree char *err = NULL;
  cairo_surface_t *small, *large;

  g_assert_cmpint (g_mkdir_with_parents (out_dir, 0755), ==, 0);
  g_assert_cmpint (run_moped (&err, "render", majordomo, "-o", svg, NULL), ==, 0);
  assert_well_formed_xml (svg);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_moped (&err, "render", majordomo, "-o", png, NULL), ==, 0);
  small = load_png (png);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_moped (&err, "render", majordomo, "-o", png, "--scale", "2", "--engine", "dot",
                              "--direction", "TB", NULL), ==, 0);
  large = load_png (png);
  /* Top to bottom: the three nodes in a column make it much taller for its width. */
  g_assert_cmpfloat ((double) cairo_image_surface_get_height (large) / cairo_image_surface_get_width (large), >,
                     2.0 * cairo_image_surface_get_height (small) / cairo_image_surface_get_width (small));
  cairo_surface_destroy (small);
  cairo_surface_destroy (large);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_moped (&err, "render", majordomo, "--flow", "Client retry", "-o", flow_pdf, NULL), ==, 0);
  g_assert_cmpuint (pdf_page_count (flow_pdf), ==, 1);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_moped (&err, "render", majordomo, "--all", "--format", "pdf", "-o", all, NULL), ==, 0);
  g_assert_cmpuint (pdf_page_count (all_flow), ==, 1);
  g_assert_cmpuint (pdf_page_count (all_arch), ==, 1);
  g_clear_pointer (&err, g_free);
}

static void
test_cli_render_errors (void)
{
  g_autofree char *majordomo = example_path ("majordomo.moped");
  g_autofree char *dir = tmp_path ("cli-errors");
  g_autofree char *jpg = g_build_filename (dir, "m.jpg", NULL);
  g_autofree char *svg = g_build_filename (dir, "m.svg", NULL);
  g_autofree char *dot = g_build_filename (dir, "m.dot", NULL);
  g_autofree char *not_dir = g_build_filename (dir, "file", NULL);
  g_autofree char *unwritable = g_build_filename (not_dir, "m.svg", NULL);
  g_autofree char *large = g_build_filename (dir, "large.moped", NULL);
  g_autofree char *kept = g_build_filename (dir, "kept.svg", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) big = moped_design_new ();
  MopedElement *previous = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  /* Unknown format. */
  g_assert_cmpint (run_moped (&err, "render", majordomo, "-o", jpg, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "unknown format"));
  g_clear_pointer (&err, g_free);
  /* Unknown flow: the flows are listed. */
  g_assert_cmpint (run_moped (&err, "render", majordomo, "--flow", "Nope", "-o", svg, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "No flow “Nope”"));
  g_assert_nonnull (strstr (err, "“Heartbeating”"));
  g_clear_pointer (&err, g_free);
  /* A flow has no DOT form. */
  g_assert_cmpint (run_moped (&err, "render", majordomo, "--flow", "Closing", "-o", dot, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "not as DOT"));
  g_clear_pointer (&err, g_free);
  /* Unwritable path (its "directory" is a file). */
  g_file_set_contents (not_dir, "x", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_moped (&err, "render", majordomo, "-o", unwritable, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "moped render: "));
  g_assert_nonnull (strstr (err, unwritable));
  g_clear_pointer (&err, g_free);
  /* Bad arguments. */
  g_assert_cmpint (run_moped (&err, "render", majordomo, "-o", svg, "--engine", "nope", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Unknown layout engine"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_moped (&err, "render", majordomo, NULL), ==, 2);
  g_clear_pointer (&err, g_free);

  /* Graphviz cannot lay it out in the time given: a clear message, the file that
   * was there untouched, no temporary file left behind. */
  moped_design_set_string (big, moped_design_get_root (big), MOPED_PROP_NAME, "Big");
  for (guint i = 0; i < 1500; i++)
    {
      MopedElement *node = moped_design_add (big, moped_design_get_root (big), MOPED_KIND_NODE, -1, NULL);
      MopedElement *socket = moped_design_add (big, node, MOPED_KIND_SOCKET, -1, NULL);

      moped_design_set_enum (big, socket, MOPED_PROP_TYPE, MOPED_SOCKET_PAIR);
      if (previous != NULL)
        {
          MopedElement *link = moped_design_add (big, moped_design_get_root (big), MOPED_KIND_LINK, -1, NULL);

          moped_design_set_ref (big, link, MOPED_PROP_FROM, previous);
          moped_design_set_ref (big, link, MOPED_PROP_TO, socket);
        }
      previous = socket;
    }
  g_assert_true (moped_file_save (big, large, &error));
  g_assert_no_error (error);
  g_file_set_contents (kept, "old", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_moped (&err, "render", large, "-o", kept, "--timeout", "0.05", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Graphviz took longer than"));
  g_file_get_contents (kept, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "old");
  g_clear_pointer (&err, g_free);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    guint n = 0;

    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_assert_false (g_str_has_prefix (name, "kept.svg."));
        n++;
      }
    g_assert_cmpuint (n, ==, 3);
  }
  g_assert_false (g_file_test (jpg, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (svg, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dot, G_FILE_TEST_EXISTS));
}

static void
test_cli_arrange (void)
{
  g_autofree char *source = example_path ("pipeline.moped");
  g_autofree char *copy = tmp_path ("pipeline.moped");
  g_autofree char *arranged = tmp_path ("pipeline-arranged.moped");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *original = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (source, &original, NULL, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, original, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_moped (&err, "arrange", copy, "-o", arranged, "--engine", "neato", NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_moped (&err, "arrange", copy, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "arranged"));
  g_clear_pointer (&err, g_free);
  g_file_get_contents (copy, &first, NULL, &error);
  g_assert_cmpstr (first, !=, original);
  g_assert_cmpint (run_moped (&err, "arrange", copy, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "nothing moved"));
  g_clear_pointer (&err, g_free);
  g_file_get_contents (copy, &second, NULL, &error);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpint (run_moped (&err, "arrange", copy, "--engine", "canvas", NULL), ==, 2);
  g_unlink (copy);
  g_unlink (arranged);
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
  tmp_dir = g_dir_make_tmp ("moped-render-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/render/formats", test_formats);
  g_test_add_func ("/render/architecture/svg", test_architecture_svg);
  g_test_add_func ("/render/architecture/png", test_architecture_png);
  g_test_add_func ("/render/architecture/pdf", test_architecture_pdf);
  g_test_add_func ("/render/architecture/diagnostics", test_architecture_diagnostics_shown);
  g_test_add_func ("/render/architecture/engines", test_architecture_engines);
  g_test_add_func ("/render/architecture/dot", test_architecture_dot_format);
  g_test_add_func ("/render/architecture/geometry", test_geometry_drawing);
  g_test_add_func ("/render/flow/examples", test_flows_all_examples);
  g_test_add_func ("/render/flow/long", test_flow_long_spans_pages);
  g_test_add_func ("/render/flow/frames", test_flow_frames_drawn);
  g_test_add_func ("/render/flow/block-frames", test_flow_block_frames);
  g_test_add_func ("/render/flow/preview", test_flow_preview_api);
  g_test_add_func ("/render/flow/empty-fits-titles", test_flow_empty_fits_titles);
  g_test_add_func ("/render/flow/errors", test_flow_errors);
  g_test_add_func ("/render/cli/render", test_cli_render);
  g_test_add_func ("/render/cli/errors", test_cli_render_errors);
  g_test_add_func ("/render/cli/arrange", test_cli_arrange);
  status = g_test_run ();
  moped_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
