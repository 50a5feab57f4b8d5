/* moped-render.c: diagrams of a design as DOT, SVG, PNG and PDF bytes.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The architecture's SVG is graphviz's own (text stays text); its PNG and PDF are
 * painted here with cairo from the drawing operations graphviz hands back, so the
 * PDF carries no creation date and printing paints the very same picture. Flows are
 * sequence diagrams (moped-sequence.c). Cairo's SVG numbers its surfaces with a
 * process-wide counter; the ids are renumbered so equal designs give equal bytes.
 */
#define G_LOG_DOMAIN "moped-export"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "moped-dot.h"
#include "moped-layout-runner.h"
#include "moped-names.h"
#include "moped-render.h"
#include "moped-sequence.h"
#include "moped-staging.h"

#define ARCHITECTURE_MARGIN 12.0
/* A flow's PDF page is at most as tall as A4. */
#define FLOW_PAGE_HEIGHT    842.0
/* Cairo's limit for an image surface. */
#define PNG_MAX_PIXELS      32767.0

G_DEFINE_QUARK (moped-render-error-quark, moped_render_error)

static const char * const format_extensions[] = { "dot", "svg", "png", "pdf" };

gboolean
moped_render_format_from_path (const char        *path,
                               MopedRenderFormat *format)
{
  const char *dot;

  g_return_val_if_fail (path != NULL, FALSE);

  dot = strrchr (path, '.');
  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (format_extensions); i++)
    if (g_ascii_strcasecmp (dot + 1, format_extensions[i]) == 0)
      {
        if (format != NULL)
          *format = (MopedRenderFormat) i;
        return TRUE;
      }
  return FALSE;
}

const char *
moped_render_format_get_extension (MopedRenderFormat format)
{
  g_return_val_if_fail ((guint) format < G_N_ELEMENTS (format_extensions), NULL);
  return format_extensions[format];
}

/* The canvas's colours for findings. */
const char *
moped_render_severity_color (MopedSeverity severity)
{
  switch (severity)
    {
    case MOPED_SEVERITY_ERROR: return "#e01b24";
    case MOPED_SEVERITY_WARNING: return "#e5a50a";
    case MOPED_SEVERITY_INFO:
    default: return "#3584e4";
    }
}

const char *
moped_render_severity_tint (MopedSeverity severity)
{
  switch (severity)
    {
    case MOPED_SEVERITY_ERROR: return "#fbdcdd";
    case MOPED_SEVERITY_WARNING: return "#fcf0d4";
    case MOPED_SEVERITY_INFO:
    default: return "#dfebfb";
    }
}

void
moped_render_options_init (MopedRenderOptions *options)
{
  g_return_if_fail (options != NULL);

  options->engine = MOPED_LAYOUT_ENGINE_DOT;
  options->direction = MOPED_LAYOUT_LEFT_RIGHT;
  options->scale = 1.0;
  options->timeout_ms = 0;
}

MopedElement *
moped_render_find_flow (MopedDesign  *design,
                        const char   *name,
                        GError      **error)
{
  g_autoptr(GPtrArray) flows = NULL;
  g_autoptr(GString) known = g_string_new (NULL);
  MopedElement *found = NULL;
  guint n_found = 0;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  flows = moped_design_collect (design, MOPED_KIND_FLOW);
  for (guint i = 0; i < flows->len; i++)
    {
      MopedElement *flow = g_ptr_array_index (flows, i);

      if (g_strcmp0 (moped_element_get_id (flow), name) == 0)
        return flow;
      if (g_strcmp0 (moped_element_get_name (flow), name) == 0)
        {
          found = flow;
          n_found++;
        }
      g_string_append_printf (known, "%s“%s” (id %s, protocol %s)", i > 0 ? ", " : "",
                              moped_element_get_name (flow), moped_element_get_id (flow),
                              moped_element_get_name (moped_element_get_ancestor (flow, MOPED_KIND_PROTOCOL)));
    }
  if (n_found == 1)
    return found;
  if (n_found > 1)
    g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_NOT_FOUND,
                 "%u flows are called “%s”; name one by its id. The flows are: %s",
                 n_found, name, known->str);
  else if (flows->len == 0)
    g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_NOT_FOUND,
                 "No flow “%s”: the design has no flows", name);
  else
    g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_NOT_FOUND,
                 "No flow “%s”. The flows are: %s", name, known->str);
  return NULL;
}

/* ---- painting graphviz's drawing -------------------------------------------- */

static void
set_source (cairo_t      *cr,
            const double  rgba[4])
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
}

static void
trace_op (cairo_t               *cr,
          const MopedGraphvizOp *op)
{
  const double *p = op->points;

  switch (op->kind)
    {
    case MOPED_GRAPHVIZ_OP_ELLIPSE:
      cairo_save (cr);
      cairo_translate (cr, p[0], p[1]);
      cairo_scale (cr, MAX (p[2], 0.01), MAX (p[3], 0.01));
      cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
      cairo_restore (cr);
      break;
    case MOPED_GRAPHVIZ_OP_BEZIER:
      cairo_move_to (cr, p[0], p[1]);
      for (guint i = 1; i + 2 < op->n_points; i += 3)
        cairo_curve_to (cr, p[2 * i], p[2 * i + 1], p[2 * i + 2], p[2 * i + 3],
                        p[2 * i + 4], p[2 * i + 5]);
      if (op->filled)
        cairo_close_path (cr);
      break;
    case MOPED_GRAPHVIZ_OP_POLYGON:
    case MOPED_GRAPHVIZ_OP_POLYLINE:
    case MOPED_GRAPHVIZ_OP_TEXT:
    default:
      cairo_move_to (cr, p[0], p[1]);
      for (guint i = 1; i < op->n_points; i++)
        cairo_line_to (cr, p[2 * i], p[2 * i + 1]);
      if (op->kind == MOPED_GRAPHVIZ_OP_POLYGON)
        cairo_close_path (cr);
      break;
    }
}

static void
paint_shape (cairo_t               *cr,
             const MopedGraphvizOp *op)
{
  static const double dashed[] = { 6, 4 };
  static const double dotted[] = { 1.5, 3 };

  trace_op (cr, op);
  if (op->filled && op->fill[3] > 0)
    {
      set_source (cr, op->fill);
      cairo_fill_preserve (cr);
    }
  if (op->stroke[3] > 0 && op->line_width > 0)
    {
      set_source (cr, op->stroke);
      cairo_set_line_width (cr, op->line_width);
      if (op->line_style == MOPED_GRAPHVIZ_LINE_DASHED)
        cairo_set_dash (cr, dashed, G_N_ELEMENTS (dashed), 0);
      else if (op->line_style == MOPED_GRAPHVIZ_LINE_DOTTED)
        cairo_set_dash (cr, dotted, G_N_ELEMENTS (dotted), 0);
      cairo_stroke_preserve (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  cairo_new_path (cr);
}

static PangoContext *
create_pango_context (void)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Graphviz measured in points, unhinted: draw the same way at any scale. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72);
  cairo_font_options_destroy (options);
  return context;
}

/* A text graphviz placed, shaped once: labels such as "bind" or "DEALER" repeat. */
typedef struct
{
  PangoLayout *layout;
  double       width;
  double       baseline;
} ShapedText;

static void
shaped_text_free (gpointer data)
{
  ShapedText *shaped = data;

  g_object_unref (shaped->layout);
  g_free (shaped);
}

static ShapedText *
shape_text (PangoContext          *pango,
            GHashTable            *cache,
            const MopedGraphvizOp *op)
{
  char size[G_ASCII_DTOSTR_BUF_SIZE];
  char *key = g_strdup_printf ("%s\x1f%s\x1f%u\x1f%s", op->font,
                               g_ascii_formatd (size, sizeof size, "%.2f", op->font_size),
                               op->font_flags, op->text);
  ShapedText *shaped = g_hash_table_lookup (cache, key);
  PangoFontDescription *font;
  PangoRectangle logical;

  if (shaped != NULL)
    {
      g_free (key);
      return shaped;
    }
  shaped = g_new0 (ShapedText, 1);
  shaped->layout = pango_layout_new (pango);
  font = pango_font_description_from_string (op->font);
  pango_font_description_set_absolute_size (font, MAX (op->font_size, 1) * PANGO_SCALE);
  if (op->font_flags & MOPED_GRAPHVIZ_FONT_BOLD)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  if (op->font_flags & MOPED_GRAPHVIZ_FONT_ITALIC)
    pango_font_description_set_style (font, PANGO_STYLE_ITALIC);
  pango_layout_set_font_description (shaped->layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (shaped->layout, op->text, -1);
  if (op->font_flags & MOPED_GRAPHVIZ_FONT_UNDERLINE)
    {
      PangoAttrList *attributes = pango_attr_list_new ();

      pango_attr_list_insert (attributes, pango_attr_underline_new (PANGO_UNDERLINE_SINGLE));
      pango_layout_set_attributes (shaped->layout, attributes);
      pango_attr_list_unref (attributes);
    }
  pango_layout_get_extents (shaped->layout, NULL, &logical);
  shaped->width = logical.width / (double) PANGO_SCALE;
  shaped->baseline = pango_layout_get_baseline (shaped->layout) / (double) PANGO_SCALE;
  g_hash_table_insert (cache, key, shaped);
  return shaped;
}

static void
paint_text (cairo_t               *cr,
            PangoContext          *pango,
            GHashTable            *cache,
            const MopedGraphvizOp *op)
{
  ShapedText *shaped = shape_text (pango, cache, op);

  set_source (cr, op->stroke);
  cairo_move_to (cr, op->points[0] - (op->align + 1) * shaped->width / 2, op->points[1] - shaped->baseline);
  pango_cairo_show_layout (cr, shaped->layout);
  cairo_new_path (cr);
}

void
moped_render_draw_geometry (cairo_t                     *cr,
                            const MopedGraphvizGeometry *geometry)
{
  PangoContext *pango;
  GHashTable *cache;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (geometry != NULL);

  pango = create_pango_context ();
  cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, shaped_text_free);
  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < geometry->ops->len; i++)
    {
      const MopedGraphvizOp *op = g_ptr_array_index (geometry->ops, i);

      if (op->kind == MOPED_GRAPHVIZ_OP_TEXT)
        paint_text (cr, pango, cache, op);
      else
        paint_shape (cr, op);
    }
  cairo_restore (cr);
  g_hash_table_unref (cache);
  g_object_unref (pango);
}

/* ---- surfaces ---------------------------------------------------------------- */

/* Paints one page of a diagram; @page counts from 0. */
typedef void (*PaintFunc) (cairo_t *cr,
                           guint    page,
                           gpointer data);

typedef struct
{
  double width, height;  /* points */
} PageSize;

typedef struct
{
  guint     n_pages;
  PageSize *sizes;
  PaintFunc paint;
  gpointer  data;
} Pages;

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
check_surface (cairo_surface_t  *surface,
               GByteArray       *buffer,
               GError          **error)
{
  cairo_status_t status = cairo_surface_status (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_IO,
                   "Could not draw the diagram: %s", cairo_status_to_string (status));
      g_byte_array_unref (buffer);
      return NULL;
    }
  return g_byte_array_free_to_bytes (buffer);
}

static GBytes *
paint_png (const Pages  *pages,
           double        scale,
           GError      **error)
{
  double k = scale * 96.0 / 72.0;
  double width = ceil (pages->sizes[0].width * k), height = ceil (pages->sizes[0].height * k);
  GByteArray *buffer;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  if (!(scale > 0) || width > PNG_MAX_PIXELS || height > PNG_MAX_PIXELS)
    {
      g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_FORMAT,
                   "At scale %g the PNG would be %.0f × %.0f pixels, more than PNG drawing allows "
                   "(%.0f); use a smaller scale, SVG or PDF",
                   scale, width, height, PNG_MAX_PIXELS);
      return NULL;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (1, (int) width), MAX (1, (int) height));
  cr = cairo_create (surface);
  cairo_scale (cr, k, k);
  pages->paint (cr, 0, pages->data);
  cairo_destroy (cr);
  buffer = g_byte_array_new ();
  status = cairo_surface_write_to_png_stream (surface, append_bytes, buffer);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_byte_array_unref (buffer);
      g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_IO,
                   "Could not write the PNG: %s", cairo_status_to_string (status));
      return NULL;
    }
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (buffer);
}

static GBytes *
paint_pdf (const Pages  *pages,
           const char   *title,
           GError      **error)
{
  GByteArray *buffer = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;

  surface = cairo_pdf_surface_create_for_stream (append_bytes, buffer,
                                                 pages->sizes[0].width, pages->sizes[0].height);
  /* No creation date: the same design gives the same bytes. */
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, "");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Moped");
  cr = cairo_create (surface);
  for (guint i = 0; i < pages->n_pages; i++)
    {
      if (i > 0)
        cairo_pdf_surface_set_size (surface, pages->sizes[i].width, pages->sizes[i].height);
      pages->paint (cr, i, pages->data);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  {
    GBytes *bytes = check_surface (surface, buffer, error);

    cairo_surface_destroy (surface);
    return bytes;
  }
}

/* Cairo numbers SVG surfaces across the process ("surface6", "surface16"...). */
static char *
renumber_surfaces (const char *svg)
{
  g_autoptr(GRegex) regex = g_regex_new ("surface([0-9]+)", 0, 0, NULL);
  g_autoptr(GHashTable) numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GString *out = g_string_new (NULL);
  const char *rest = svg;

  g_regex_match (regex, svg, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;
      g_autofree char *number = g_match_info_fetch (match, 1);
      guint value;

      g_match_info_fetch_pos (match, 0, &start, &end);
      if (!g_hash_table_contains (numbers, number))
        g_hash_table_insert (numbers, g_strdup (number), GUINT_TO_POINTER (g_hash_table_size (numbers) + 1));
      value = GPOINTER_TO_UINT (g_hash_table_lookup (numbers, number));
      g_string_append_len (out, rest, svg + start - rest);
      g_string_append_printf (out, "surface%u", value);
      rest = svg + end;
      g_match_info_next (match, NULL);
    }
  g_string_append (out, rest);
  return g_string_free (out, FALSE);
}

/* Cairo draws text as glyph outlines; a <title> and <desc> keep the words findable. */
static GBytes *
finish_svg (GByteArray *buffer,
            const char *title,
            const char *description)
{
  g_autofree char *text = g_strndup ((const char *) buffer->data, buffer->len);
  g_autofree char *stable = renumber_surfaces (text);
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *escaped_description = g_markup_escape_text (description, -1);
  const char *svg = strstr (stable, "<svg");
  const char *tag_end = svg != NULL ? strchr (svg, '>') : NULL;
  GString *out = g_string_new (NULL);

  g_byte_array_unref (buffer);
  if (tag_end == NULL)
    tag_end = stable - 1;
  else
    {
      g_string_append_len (out, stable, tag_end + 1 - stable);
      g_string_append_printf (out, "\n<title>%s</title>\n<desc>%s</desc>", escaped_title, escaped_description);
    }
  g_string_append (out, tag_end + 1);
  return g_string_free_to_bytes (out);
}

static GBytes *
paint_svg (const Pages  *pages,
           const char   *title,
           const char   *description,
           GError      **error)
{
  GByteArray *buffer = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  surface = cairo_svg_surface_create_for_stream (append_bytes, buffer,
                                                 pages->sizes[0].width, pages->sizes[0].height);
  cairo_svg_surface_restrict_to_version (surface, CAIRO_SVG_VERSION_1_1);
  cr = cairo_create (surface);
  pages->paint (cr, 0, pages->data);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_byte_array_unref (buffer);
      g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_IO,
                   "Could not draw the diagram: %s", cairo_status_to_string (status));
      return NULL;
    }
  return finish_svg (buffer, title, description);
}

/* ---- the architecture ---------------------------------------------------------- */

static GBytes *
architecture_dot (MopedDesign              *design,
                  const MopedRenderOptions *options)
{
  MopedDotOptions dot_options = { options->engine, options->direction, NULL };
  char *dot = moped_dot_architecture (design, &dot_options);

  return g_bytes_new_take (dot, strlen (dot));
}

MopedGraphvizGeometry *
moped_render_architecture_geometry (MopedDesign              *design,
                                    const MopedRenderOptions *options,
                                    GCancellable             *cancellable,
                                    GError                  **error)
{
  MopedRenderOptions defaults;
  g_autoptr(GBytes) dot = NULL;
  g_autoptr(GBytes) drawing = NULL;
  gsize length;
  const char *text;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);

  if (options == NULL)
    {
      moped_render_options_init (&defaults);
      options = &defaults;
    }
  dot = architecture_dot (design, options);
  drawing = moped_layout_runner_run (dot, options->engine, MOPED_GRAPHVIZ_OUTPUT_DRAWING,
                                     options->timeout_ms, cancellable, error);
  if (drawing == NULL)
    return NULL;
  text = g_bytes_get_data (drawing, &length);
  return moped_graphviz_geometry_parse (text, length, error);
}

static void
on_drawing (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) drawing = NULL;
  GError *error = NULL;
  MopedGraphvizGeometry *geometry = NULL;
  gsize length;
  const char *text;

  drawing = moped_layout_runner_run_finish (result, &error);
  if (drawing != NULL)
    {
      text = g_bytes_get_data (drawing, &length);
      geometry = moped_graphviz_geometry_parse (text, length, &error);
    }
  if (geometry == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, geometry, (GDestroyNotify) moped_graphviz_geometry_free);
}

void
moped_render_architecture_geometry_async (MopedDesign              *design,
                                          const MopedRenderOptions *options,
                                          GCancellable             *cancellable,
                                          GAsyncReadyCallback       callback,
                                          gpointer                  user_data)
{
  MopedRenderOptions defaults;
  g_autoptr(GBytes) dot = NULL;
  GTask *task;

  g_return_if_fail (MOPED_IS_DESIGN (design));

  if (options == NULL)
    {
      moped_render_options_init (&defaults);
      options = &defaults;
    }
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, moped_render_architecture_geometry_async);
  dot = architecture_dot (design, options);
  moped_layout_runner_run_async (dot, options->engine, MOPED_GRAPHVIZ_OUTPUT_DRAWING, options->timeout_ms,
                                 cancellable, on_drawing, task);
}

MopedGraphvizGeometry *
moped_render_architecture_geometry_finish (GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == moped_render_architecture_geometry_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
paint_architecture (cairo_t  *cr,
                    guint     page,
                    gpointer  data)
{
  const MopedGraphvizGeometry *geometry = data;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, ARCHITECTURE_MARGIN, ARCHITECTURE_MARGIN);
  moped_render_draw_geometry (cr, geometry);
  cairo_restore (cr);
}

static const char *
design_title (MopedDesign *design)
{
  const char *name = moped_element_get_name (moped_design_get_root (design));

  return name != NULL && *name != '\0' ? name : "Untitled design";
}

GBytes *
moped_render_architecture_with_options (MopedDesign              *design,
                                        MopedRenderFormat         format,
                                        const MopedRenderOptions *options,
                                        GError                  **error)
{
  MopedRenderOptions defaults;
  g_autoptr(MopedGraphvizGeometry) geometry = NULL;
  g_autofree char *title = NULL;
  PageSize size;
  Pages pages = { 1, &size, paint_architecture, NULL };

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail ((guint) format <= MOPED_RENDER_PDF, NULL);

  if (options == NULL)
    {
      moped_render_options_init (&defaults);
      options = &defaults;
    }
  if (format == MOPED_RENDER_DOT)
    return architecture_dot (design, options);
  if (format == MOPED_RENDER_SVG)
    {
      g_autoptr(GBytes) dot = architecture_dot (design, options);

      return moped_layout_runner_run (dot, options->engine, MOPED_GRAPHVIZ_OUTPUT_SVG,
                                      options->timeout_ms, NULL, error);
    }

  geometry = moped_render_architecture_geometry (design, options, NULL, error);
  if (geometry == NULL)
    return NULL;
  size.width = geometry->width + 2 * ARCHITECTURE_MARGIN;
  size.height = geometry->height + 2 * ARCHITECTURE_MARGIN;
  pages.data = geometry;
  if (format == MOPED_RENDER_PNG)
    return paint_png (&pages, options->scale, error);
  title = g_strdup_printf ("%s: architecture", design_title (design));
  return paint_pdf (&pages, title, error);
}

GBytes *
moped_render_architecture (MopedDesign        *design,
                           MopedRenderFormat   format,
                           double              scale,
                           GError            **error)
{
  MopedRenderOptions options;

  moped_render_options_init (&options);
  options.scale = scale;
  return moped_render_architecture_with_options (design, format, &options, error);
}

/* ---- flows ------------------------------------------------------------------ */

static void
paint_flow_page (cairo_t  *cr,
                 guint     page,
                 gpointer  data)
{
  moped_sequence_diagram_draw_page (data, cr, page);
}

static char *
describe_flow (MopedDesign  *design,
               MopedElement *flow)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (flow, MOPED_KIND_STEP);
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  GString *out = g_string_new ("Sequence diagram of the flow between ");

  for (guint i = 0; i < steps->len; i++)
    for (int side = 0; side < 2; side++)
      {
        MopedElement *node = moped_element_get_ref (g_ptr_array_index (steps, i),
                                                    side == 0 ? MOPED_PROP_FROM : MOPED_PROP_TO);

        if (node == NULL || g_ptr_array_find (seen, node, NULL))
          continue;
        g_string_append_printf (out, "%s%s", seen->len > 0 ? ", " : "", moped_element_get_name (node));
        g_ptr_array_add (seen, node);
      }
  g_string_append_printf (out, "%s in %s.", seen->len == 0 ? "no nodes" : "", design_title (design));
  return g_string_free (out, FALSE);
}

GBytes *
moped_render_flow (MopedDesign        *design,
                   MopedElement       *flow,
                   MopedRenderFormat   format,
                   double              scale,
                   GError            **error)
{
  g_autoptr(MopedSequenceDiagram) sequence = NULL;
  g_autofree PageSize *sizes = NULL;
  g_autofree char *title = NULL;
  Pages pages = { 1, NULL, paint_flow_page, NULL };

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (flow != NULL && moped_element_get_kind (flow) == MOPED_KIND_FLOW, NULL);
  g_return_val_if_fail (moped_element_get_design (flow) == design, NULL);

  if (format == MOPED_RENDER_DOT)
    {
      g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_FORMAT,
                   "A flow is drawn as SVG, PNG or PDF, not as DOT");
      return NULL;
    }
  sequence = moped_sequence_diagram_new (design, flow);
  if (format == MOPED_RENDER_PDF)
    pages.n_pages = moped_sequence_diagram_paginate (sequence, FLOW_PAGE_HEIGHT);
  sizes = g_new0 (PageSize, pages.n_pages);
  for (guint i = 0; i < pages.n_pages; i++)
    moped_sequence_diagram_get_page_size (sequence, i, &sizes[i].width, &sizes[i].height);
  pages.sizes = sizes;
  pages.data = sequence;
  title = g_strdup_printf ("%s: %s", design_title (design), moped_element_get_name (flow));

  switch (format)
    {
    case MOPED_RENDER_PNG:
      return paint_png (&pages, scale, error);
    case MOPED_RENDER_PDF:
      return paint_pdf (&pages, title, error);
    case MOPED_RENDER_SVG:
      {
        g_autofree char *description = describe_flow (design, flow);

        return paint_svg (&pages, title, description, error);
      }
    case MOPED_RENDER_DOT:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Long enough to tell flows apart at a glance, short enough for any file system. */
#define FLOW_FILE_ID_MAX 64

char *
moped_render_file_name (MopedElement      *flow,
                        MopedRenderFormat  format)
{
  const char *extension = moped_render_format_get_extension (format);
  g_autofree char *id = NULL;

  if (flow == NULL)
    return g_strdup_printf ("architecture.%s", extension);
  id = moped_name_bound (moped_element_get_id (flow), FLOW_FILE_ID_MAX);
  return g_strdup_printf ("flow-%s.%s", id, extension);
}

GPtrArray *
moped_render_all (MopedDesign               *design,
                  const char                *directory,
                  MopedRenderFormat          format,
                  const MopedRenderOptions  *options,
                  GCancellable              *cancellable,
                  GError                   **error)
{
  g_autoptr(GPtrArray) flows = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(MopedStaging) staging = NULL;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (directory != NULL && options != NULL, NULL);

  if (format == MOPED_RENDER_DOT)
    {
      g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_FORMAT,
                   "All diagrams are drawn as SVG, PNG or PDF, not as DOT");
      return NULL;
    }
  flows = moped_design_collect (design, MOPED_KIND_FLOW);
  staging = moped_staging_new (directory, error);
  if (staging == NULL)
    return NULL;
  for (guint i = 0; i <= flows->len; i++)
    {
      MopedElement *flow = i > 0 ? g_ptr_array_index (flows, i - 1) : NULL;
      g_autofree char *name = moped_render_file_name (flow, format);
      g_autoptr(GBytes) bytes = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      bytes = flow != NULL ? moped_render_flow (design, flow, format, options->scale, error)
                           : moped_render_architecture_with_options (design, format, options, error);
      if (bytes == NULL ||
          !moped_staging_write (staging, name, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
        return NULL;
      g_ptr_array_add (names, g_steal_pointer (&name));
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !moped_staging_commit (staging, error))
    return NULL;
  return g_steal_pointer (&names);
}
