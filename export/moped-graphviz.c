/* moped-graphviz.c: laying graphs out with libgvc and turning the result into plain geometry.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>
#include <graphviz/gvplugin_device.h>
#include <graphviz/gvplugin_render.h>

#include "moped-graphviz.h"
#include "moped-render.h"

static const char * const engine_names[] = { "dot", "neato", "fdp", "circo", "canvas" };
G_STATIC_ASSERT (G_N_ELEMENTS (engine_names) == MOPED_N_LAYOUT_ENGINES);
/* What graphviz calls them: "canvas" keeps given positions, which is nop2. */
static const char * const engine_plugins[] = { "dot", "neato", "fdp", "circo", "nop2" };
G_STATIC_ASSERT (G_N_ELEMENTS (engine_plugins) == MOPED_N_LAYOUT_ENGINES);
static const char * const direction_names[] = { "LR", "TB" };
G_STATIC_ASSERT (G_N_ELEMENTS (direction_names) == MOPED_N_LAYOUT_DIRECTIONS);
static const char * const output_names[] = { "positions", "drawing", "svg" };
G_STATIC_ASSERT (G_N_ELEMENTS (output_names) == MOPED_N_GRAPHVIZ_OUTPUTS);
/* Text flags pass through as graphviz has them. */
G_STATIC_ASSERT (MOPED_GRAPHVIZ_FONT_BOLD == HTML_BF);
G_STATIC_ASSERT (MOPED_GRAPHVIZ_FONT_ITALIC == HTML_IF);
G_STATIC_ASSERT (MOPED_GRAPHVIZ_FONT_UNDERLINE == HTML_UL);

static gboolean
name_lookup (const char * const *names,
             guint               n_names,
             const char         *name,
             int                *value)
{
  for (guint i = 0; i < n_names; i++)
    if (g_strcmp0 (names[i], name) == 0)
      {
        *value = (int) i;
        return TRUE;
      }
  return FALSE;
}

const char *
moped_layout_engine_get_name (MopedLayoutEngine engine)
{
  g_return_val_if_fail ((guint) engine < MOPED_N_LAYOUT_ENGINES, NULL);
  return engine_names[engine];
}

gboolean
moped_layout_engine_from_name (const char        *name,
                               MopedLayoutEngine *engine)
{
  int value;

  if (!name_lookup (engine_names, MOPED_N_LAYOUT_ENGINES, name, &value))
    return FALSE;
  *engine = (MopedLayoutEngine) value;
  return TRUE;
}

const char *
moped_layout_direction_get_name (MopedLayoutDirection direction)
{
  g_return_val_if_fail ((guint) direction < MOPED_N_LAYOUT_DIRECTIONS, NULL);
  return direction_names[direction];
}

gboolean
moped_layout_direction_from_name (const char           *name,
                                  MopedLayoutDirection *direction)
{
  int value;

  if (!name_lookup (direction_names, MOPED_N_LAYOUT_DIRECTIONS, name, &value))
    return FALSE;
  *direction = (MopedLayoutDirection) value;
  return TRUE;
}

const char *
moped_graphviz_output_get_name (MopedGraphvizOutput output)
{
  g_return_val_if_fail ((guint) output < MOPED_N_GRAPHVIZ_OUTPUTS, NULL);
  return output_names[output];
}

gboolean
moped_graphviz_output_from_name (const char          *name,
                                 MopedGraphvizOutput *output)
{
  int value;

  if (!name_lookup (output_names, MOPED_N_GRAPHVIZ_OUTPUTS, name, &value))
    return FALSE;
  *output = (MopedGraphvizOutput) value;
  return TRUE;
}

/* ---- the one context ------------------------------------------------------ */

static gvplugin_library_t geometry_library;
static GVC_t *context;
static GThread *context_thread;
static GString *messages;

/* Graphviz reports through a global hook; keep its words for the GError. */
static int
collect_message (char *message)
{
  g_string_append (messages, message);
  return 0;
}

static GVC_t *
get_context (void)
{
  if (context == NULL)
    {
      context_thread = g_thread_self ();
      messages = g_string_new (NULL);
      agseterrf (collect_message);
      context = gvContext ();
      gvAddLibrary (context, &geometry_library);
    }
  g_assert (context_thread == g_thread_self ());
  return context;
}

static void
set_layout_error (GError    **error,
                  const char *what)
{
  g_autofree char *details = g_strstrip (g_strdup (messages->str));

  g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
               "%s%s%s", what, *details ? ": " : "", details);
}

/* ---- drawing: a render plugin of our own ---------------------------------- */

/* Graphviz hands its drawing to renderer plugins; ours, "moped", writes each shape
 * and text as one line of plain geometry (moped_graphviz_geometry_parse() reads
 * it). It asks for graph coordinates (GVRENDER_DOES_TRANSFORM), which are points
 * with y up inside the bounding box; we flip them once, here. */
typedef struct
{
  double   left, top;   /* graphviz coordinates of our origin */
  GString *out;
} Frame;

/* Hundredths of a point are far below what anyone sees, and keep output stable.
 * Written by hand: printf's locale-proof float formatting was a good part of the
 * layout helper's time on large graphs. */
static void
append_number (GString *out,
               double   value)
{
  char digits[32];
  char *p = digits + sizeof digits;
  gint64 hundredths;
  gboolean negative;

  if (!isfinite (value))
    value = 0;
  hundredths = (gint64) llround (CLAMP (value, -1e15, 1e15) * 100);
  negative = hundredths < 0;
  if (negative)
    hundredths = -hundredths;
  *--p = (char) ('0' + hundredths % 10);
  *--p = (char) ('0' + hundredths / 10 % 10);
  *--p = '.';
  hundredths /= 100;
  do
    *--p = (char) ('0' + hundredths % 10);
  while ((hundredths /= 10) > 0);
  if (negative)
    *--p = '-';
  g_string_append_len (out, p, digits + sizeof digits - p);
}

static void
append_color (GString      *out,
              const double  rgba[4])
{
  g_string_append_printf (out, "#%02x%02x%02x%02x",
                          (guint) lround (rgba[0] * 255), (guint) lround (rgba[1] * 255),
                          (guint) lround (rgba[2] * 255), (guint) lround (rgba[3] * 255));
}

static gboolean
parse_color (const char *text,
             double      rgba[4])
{
  guint channels[4] = { 0, 0, 0, 255 };
  gsize n = text != NULL ? strlen (text) : 0;

  if (g_strcmp0 (text, "transparent") == 0 || g_strcmp0 (text, "none") == 0)
    {
      rgba[0] = rgba[1] = rgba[2] = rgba[3] = 0;
      return TRUE;
    }
  if (g_strcmp0 (text, "white") == 0)
    {
      rgba[0] = rgba[1] = rgba[2] = rgba[3] = 1;
      return TRUE;
    }
  if (text == NULL || text[0] != '#' || (n != 7 && n != 9))
    return FALSE;
  for (guint i = 0; i < (n - 1) / 2; i++)
    {
      int hi = g_ascii_xdigit_value (text[1 + 2 * i]);
      int lo = g_ascii_xdigit_value (text[2 + 2 * i]);

      if (hi < 0 || lo < 0)
        return FALSE;
      channels[i] = (guint) (hi * 16 + lo);
    }
  for (guint i = 0; i < 4; i++)
    rgba[i] = channels[i] / 255.0;
  return TRUE;
}

static void
append_point (const Frame *frame,
              pointf       point)
{
  g_string_append_c (frame->out, ' ');
  append_number (frame->out, point.x - frame->left);
  g_string_append_c (frame->out, ' ');
  append_number (frame->out, frame->top - point.y);
}

static const double transparent[4] = { 0, 0, 0, 0 };

static void
append_shape (GVJ_t      *job,
              const char *kind,
              gboolean    filled,
              pointf     *points,
              int         n_points)
{
  Frame *frame = job->context;
  obj_state_t *obj = job->obj;
  int style = obj->pen == PEN_DASHED ? MOPED_GRAPHVIZ_LINE_DASHED
            : obj->pen == PEN_DOTTED ? MOPED_GRAPHVIZ_LINE_DOTTED
            : MOPED_GRAPHVIZ_LINE_SOLID;

  g_string_append_printf (frame->out, "%s\t%d\t", kind, filled ? 1 : 0);
  append_color (frame->out, obj->pen == PEN_NONE ? transparent : obj->pencolor.u.RGBA);
  g_string_append_c (frame->out, '\t');
  append_color (frame->out, filled ? obj->fillcolor.u.RGBA : transparent);
  g_string_append_c (frame->out, '\t');
  append_number (frame->out, obj->penwidth);
  g_string_append_printf (frame->out, "\t%d\t", style);
  for (int i = 0; i < n_points; i++)
    append_point (frame, points[i]);
  g_string_append_c (frame->out, '\n');
}

static void
draw_polygon (GVJ_t  *job,
              pointf *points,
              int     n_points,
              int     filled)
{
  append_shape (job, "polygon", filled != 0, points, n_points);
}

static void
draw_polyline (GVJ_t  *job,
               pointf *points,
               int     n_points)
{
  append_shape (job, "polyline", FALSE, points, n_points);
}

static void
draw_bezier (GVJ_t  *job,
             pointf *points,
             int     n_points,
             int     arrow_at_start,
             int     arrow_at_end,
             int     filled)
{
  append_shape (job, "bezier", filled != 0, points, n_points);
}

/* Graphviz gives the centre and a corner; we keep the centre and the radii. */
static void
draw_ellipse (GVJ_t  *job,
              pointf *points,
              int     filled)
{
  Frame *frame = job->context;
  pointf shape[2] = {
    points[0],
    { frame->left + points[1].x - points[0].x, frame->top - (points[1].y - points[0].y) },
  };

  append_shape (job, "ellipse", filled != 0, shape, 2);
}

/* @point is on the baseline; span->just says which end of the text it is at. */
static void
draw_text (GVJ_t      *job,
           pointf      point,
           textspan_t *span)
{
  Frame *frame = job->context;
  obj_state_t *obj = job->obj;
  g_autofree char *text = NULL;
  g_autofree char *font = NULL;

  if (span->str == NULL || *span->str == '\0' || obj->pen == PEN_NONE)
    return;
  text = g_strescape (span->str, "");
  font = g_strescape (span->font != NULL && span->font->name != NULL ? span->font->name : "Sans", "");
  g_string_append (frame->out, "text\t");
  append_color (frame->out, obj->pencolor.u.RGBA);
  g_string_append_printf (frame->out, "\t%s\t", font);
  append_number (frame->out, span->font != NULL ? span->font->size : 14);
  g_string_append_printf (frame->out, "\t%u\t%d\t", span->font != NULL ? (guint) span->font->flags : 0,
                          span->just == 'l' ? -1 : span->just == 'r' ? 1 : 0);
  append_point (frame, point);
  g_string_append_c (frame->out, '\t');
  append_number (frame->out, span->size.x);
  g_string_append_printf (frame->out, "\t%s\n", text);
}

static gvrender_engine_t geometry_engine = {
  .textspan = draw_text,
  .ellipse = draw_ellipse,
  .polygon = draw_polygon,
  .beziercurve = draw_bezier,
  .polyline = draw_polyline,
};

static gvrender_features_t geometry_render_features = {
  GVRENDER_DOES_TRANSFORM, 0., NULL, 0, RGBA_DOUBLE,
};

static gvdevice_features_t geometry_device_features = {
  GVDEVICE_DOES_TRUECOLOR | OUTPUT_NOT_REQUIRED, { 0., 0. }, { 0., 0. }, { 72., 72. },
};

static gvplugin_installed_t geometry_renderers[] = {
  { 0, "moped", 1, &geometry_engine, &geometry_render_features },
  { 0, NULL, 0, NULL, NULL },
};

static gvplugin_installed_t geometry_devices[] = {
  { 0, "moped:moped", 1, NULL, &geometry_device_features },
  { 0, NULL, 0, NULL, NULL },
};

static gvplugin_api_t geometry_apis[] = {
  { API_render, geometry_renderers },
  { API_device, geometry_devices },
  { (api_t) 0, NULL },
};

static gvplugin_library_t geometry_library = { (char *) "moped", geometry_apis };

static gboolean
emit_geometry (GVC_t    *gvc,
               Agraph_t *g,
               GString  *out,
               gboolean  drawing)
{
  boxf bb = GD_bb (g);
  Frame frame = { bb.LL.x, bb.UR.y, out };

  g_string_append (out, "moped-geometry\t1\nbounds\t");
  append_number (out, bb.UR.x - bb.LL.x);
  g_string_append_c (out, '\t');
  append_number (out, bb.UR.y - bb.LL.y);
  g_string_append_c (out, '\n');
  for (Agnode_t *n = agfstnode (g); n != NULL; n = agnxtnode (g, n))
    {
      double w = ND_width (n) * 72, h = ND_height (n) * 72;
      g_autofree char *name = g_strescape (agnameof (n), "");

      g_string_append_printf (out, "node\t%s\t", name);
      append_number (out, ND_coord (n).x - w / 2 - frame.left);
      g_string_append_c (out, '\t');
      append_number (out, frame.top - ND_coord (n).y - h / 2);
      g_string_append_c (out, '\t');
      append_number (out, w);
      g_string_append_c (out, '\t');
      append_number (out, h);
      g_string_append_c (out, '\n');
    }
  return !drawing || gvRenderContext (gvc, g, "moped", &frame) == 0;
}

static GBytes *
render (GVC_t               *gvc,
        Agraph_t            *g,
        MopedGraphvizOutput  output,
        GError             **error)
{
  GString *out;

  if (output == MOPED_GRAPHVIZ_OUTPUT_SVG)
    {
      char *data = NULL;
      unsigned int length = 0;
      GBytes *bytes;

      if (gvRenderData (gvc, g, "svg", &data, &length) != 0)
        {
          set_layout_error (error, "Graphviz could not draw the graph");
          return NULL;
        }
      bytes = g_bytes_new (data, length);
      gvFreeRenderData (data);
      return bytes;
    }
  out = g_string_new (NULL);
  if (!emit_geometry (gvc, g, out, output == MOPED_GRAPHVIZ_OUTPUT_DRAWING))
    {
      g_string_free (out, TRUE);
      set_layout_error (error, "Graphviz could not draw the graph");
      return NULL;
    }
  return g_string_free_to_bytes (out);
}

GBytes *
moped_graphviz_run (const char           *dot,
                    gsize                 length,
                    MopedLayoutEngine     engine,
                    MopedGraphvizOutput   output,
                    GError              **error)
{
  GVC_t *gvc;
  Agraph_t *g;
  g_autofree char *text = NULL;
  GBytes *result = NULL;

  g_return_val_if_fail (dot != NULL, NULL);
  g_return_val_if_fail ((guint) engine < MOPED_N_LAYOUT_ENGINES, NULL);
  g_return_val_if_fail ((guint) output < MOPED_N_GRAPHVIZ_OUTPUTS, NULL);

  gvc = get_context ();
  g_string_truncate (messages, 0);
  agreseterrors ();

  text = g_strndup (dot, length);
  g = agmemread (text);
  if (g == NULL)
    {
      set_layout_error (error, "Graphviz could not read the graph");
      return NULL;
    }
  if (gvLayout (gvc, g, engine_plugins[engine]) != 0)
    set_layout_error (error, "Graphviz could not lay the design out");
  else
    {
      result = render (gvc, g, output, error);
      gvFreeLayout (gvc, g);
    }
  agclose (g);
  return result;
}

/* ---- reading geometry back ------------------------------------------------ */

static void
op_free (gpointer data)
{
  MopedGraphvizOp *op = data;

  g_free (op->points);
  g_free (op->text);
  g_free (op->font);
  g_free (op);
}

static void
node_clear (gpointer data)
{
  MopedGraphvizNode *node = data;

  g_free (node->name);
}

void
moped_graphviz_geometry_free (MopedGraphvizGeometry *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->nodes);
  g_ptr_array_unref (self->ops);
  g_free (self);
}

const MopedGraphvizNode *
moped_graphviz_geometry_lookup (const MopedGraphvizGeometry *self,
                                const char                  *name)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      const MopedGraphvizNode *node = &g_array_index (self->nodes, MopedGraphvizNode, i);

      if (g_strcmp0 (node->name, name) == 0)
        return node;
    }
  return NULL;
}

static gboolean
parse_double (const char *text,
              double     *value)
{
  char *end;

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*value);
}

static gboolean
parse_doubles (char * const *fields,
               guint         n,
               double       *values)
{
  for (guint i = 0; i < n; i++)
    if (fields[i] == NULL || !parse_double (fields[i], &values[i]))
      return FALSE;
  return TRUE;
}

static gboolean
parse_point_list (const char       *text,
                  MopedGraphvizOp  *op)
{
  g_auto(GStrv) numbers = g_strsplit (g_strstrip ((char *) text), " ", -1);
  guint n = g_strv_length (numbers);

  if (n == 0 || n % 2 != 0)
    return FALSE;
  op->points = g_new (double, n);
  op->n_points = n / 2;
  return parse_doubles (numbers, n, op->points);
}

static MopedGraphvizOp *
parse_shape (char          **fields,
             MopedGraphvizOpKind kind)
{
  g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func (op_free);
  MopedGraphvizOp *op = g_new0 (MopedGraphvizOp, 1);
  double width;

  g_ptr_array_add (holder, op);
  op->kind = kind;
  if (g_strv_length (fields) != 7 ||
      !parse_color (fields[2], op->stroke) || !parse_color (fields[3], op->fill) ||
      !parse_double (fields[4], &width) || !parse_point_list (fields[6], op))
    return NULL;
  op->filled = g_str_equal (fields[1], "1");
  op->line_width = width;
  op->line_style = CLAMP (atoi (fields[5]), MOPED_GRAPHVIZ_LINE_SOLID, MOPED_GRAPHVIZ_LINE_DOTTED);
  if (kind == MOPED_GRAPHVIZ_OP_ELLIPSE && op->n_points != 2)
    return NULL;
  return g_ptr_array_steal_index (holder, 0);
}

static MopedGraphvizOp *
parse_text (char **fields)
{
  g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func (op_free);
  MopedGraphvizOp *op = g_new0 (MopedGraphvizOp, 1);

  g_ptr_array_add (holder, op);
  op->kind = MOPED_GRAPHVIZ_OP_TEXT;
  if (g_strv_length (fields) != 9 || !parse_color (fields[1], op->stroke) ||
      !parse_double (fields[3], &op->font_size) || !parse_point_list (fields[6], op) ||
      op->n_points != 1 || !parse_double (fields[7], &op->text_width))
    return NULL;
  op->font = g_strcompress (fields[2]);
  op->font_flags = (guint) atoi (fields[4]);
  op->align = CLAMP (atoi (fields[5]), -1, 1);
  op->text = g_strcompress (fields[8]);
  return g_ptr_array_steal_index (holder, 0);
}

static gboolean
parse_line (MopedGraphvizGeometry *self,
            char                  *line)
{
  g_auto(GStrv) fields = g_strsplit (line, "\t", -1);
  static const struct { const char *name; MopedGraphvizOpKind kind; } shapes[] = {
    { "polygon", MOPED_GRAPHVIZ_OP_POLYGON },
    { "polyline", MOPED_GRAPHVIZ_OP_POLYLINE },
    { "bezier", MOPED_GRAPHVIZ_OP_BEZIER },
    { "ellipse", MOPED_GRAPHVIZ_OP_ELLIPSE },
  };
  MopedGraphvizOp *op = NULL;

  if (fields[0] == NULL)
    return FALSE;
  if (g_str_equal (fields[0], "bounds"))
    return g_strv_length (fields) == 3 && parse_double (fields[1], &self->width) &&
           parse_double (fields[2], &self->height);
  if (g_str_equal (fields[0], "node"))
    {
      MopedGraphvizNode node = { NULL };

      if (g_strv_length (fields) != 6 || !parse_double (fields[2], &node.x) ||
          !parse_double (fields[3], &node.y) || !parse_double (fields[4], &node.width) ||
          !parse_double (fields[5], &node.height))
        return FALSE;
      node.name = g_strcompress (fields[1]);
      g_array_append_val (self->nodes, node);
      return TRUE;
    }
  if (g_str_equal (fields[0], "text"))
    op = parse_text (fields);
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    if (g_str_equal (fields[0], shapes[i].name))
      op = parse_shape (fields, shapes[i].kind);
  if (op == NULL)
    return FALSE;
  g_ptr_array_add (self->ops, op);
  return TRUE;
}

MopedGraphvizGeometry *
moped_graphviz_geometry_parse (const char  *text,
                               gsize        length,
                               GError     **error)
{
  g_autoptr(MopedGraphvizGeometry) self = g_new0 (MopedGraphvizGeometry, 1);
  g_autofree char *copy = g_strndup (text, length);
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  self->nodes = g_array_new (FALSE, TRUE, sizeof (MopedGraphvizNode));
  g_array_set_clear_func (self->nodes, node_clear);
  self->ops = g_ptr_array_new_with_free_func (op_free);

  lines = g_strsplit (copy, "\n", -1);
  if (lines[0] == NULL || !g_str_equal (lines[0], "moped-geometry\t1"))
    {
      g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                   "The layout helper answered something that is not a layout");
      return NULL;
    }
  for (guint i = 1; lines[i] != NULL; i++)
    if (*lines[i] != '\0' && !parse_line (self, lines[i]))
      {
        g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT,
                     "The layout helper’s answer is damaged at line %u", i + 1);
        return NULL;
      }
  return g_steal_pointer (&self);
}
