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

/* ---- xdot drawing operations to geometry -------------------------------- */

/* Graphviz draws in y-up points inside its bounding box; we flip once, here. */
typedef struct
{
  double   left, top;   /* graphviz coordinates of our origin */
  GString *out;
} Frame;

typedef struct
{
  double  stroke[4];
  double  fill[4];
  double  line_width;
  int     line_style;
  char   *font;
  double  font_size;
  guint   font_flags;
} PenState;

static void
pen_state_reset (PenState *pen)
{
  static const double black[4] = { 0, 0, 0, 1 };

  memcpy (pen->stroke, black, sizeof black);
  memcpy (pen->fill, black, sizeof black);
  pen->line_width = 1;
  pen->line_style = MOPED_GRAPHVIZ_LINE_SOLID;
  g_free (pen->font);
  pen->font = g_strdup ("Times-Roman");
  pen->font_size = 14;
  pen->font_flags = 0;
}

static void
append_number (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* Hundredths of a point are far below what anyone sees, and keep output stable. */
  if (fabs (value) < 0.005)
    value = 0;
  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.2f", value));
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

/* A cursor over one xdot attribute: numbers and "N -bytes" strings. */
typedef struct
{
  const char *p;
  const char *end;
} XdotReader;

static void
skip_space (XdotReader *r)
{
  while (r->p < r->end && g_ascii_isspace (*r->p))
    r->p++;
}

static gboolean
read_number (XdotReader *r,
             double     *value)
{
  char *stop;

  skip_space (r);
  *value = g_ascii_strtod (r->p, &stop);
  if (stop == r->p)
    return FALSE;
  r->p = stop;
  return TRUE;
}

static char *
read_string (XdotReader *r)
{
  double n;

  if (!read_number (r, &n) || n < 0)
    return NULL;
  skip_space (r);
  if (r->p >= r->end || *r->p != '-' || r->p + 1 + (gsize) n > r->end)
    return NULL;
  r->p += 1 + (gsize) n;
  return g_strndup (r->p - (gsize) n, (gsize) n);
}

static void
append_point (const Frame *frame,
              double       x,
              double       y)
{
  g_string_append_c (frame->out, ' ');
  append_number (frame->out, x - frame->left);
  g_string_append_c (frame->out, ' ');
  append_number (frame->out, frame->top - y);
}

static void
append_shape_head (const Frame    *frame,
                   const PenState *pen,
                   const char     *kind,
                   gboolean        filled)
{
  g_string_append_printf (frame->out, "%s\t%d\t", kind, filled ? 1 : 0);
  append_color (frame->out, pen->stroke);
  g_string_append_c (frame->out, '\t');
  append_color (frame->out, pen->fill);
  g_string_append_c (frame->out, '\t');
  append_number (frame->out, pen->line_width);
  g_string_append_printf (frame->out, "\t%d\t", pen->line_style);
}

static gboolean
emit_points (XdotReader     *r,
             const Frame    *frame,
             const PenState *pen,
             const char     *kind,
             gboolean        filled)
{
  double n;

  if (!read_number (r, &n) || n < 1 || n > 1e6)
    return FALSE;
  append_shape_head (frame, pen, kind, filled);
  for (guint i = 0; i < (guint) n; i++)
    {
      double x, y;

      if (!read_number (r, &x) || !read_number (r, &y))
        return FALSE;
      append_point (frame, x, y);
    }
  g_string_append_c (frame->out, '\n');
  return TRUE;
}

static gboolean
emit_ellipse (XdotReader     *r,
              const Frame    *frame,
              const PenState *pen,
              gboolean        filled)
{
  double x, y, rx, ry;

  if (!read_number (r, &x) || !read_number (r, &y) ||
      !read_number (r, &rx) || !read_number (r, &ry))
    return FALSE;
  append_shape_head (frame, pen, "ellipse", filled);
  append_point (frame, x, y);
  g_string_append_c (frame->out, ' ');
  append_number (frame->out, rx);
  g_string_append_c (frame->out, ' ');
  append_number (frame->out, ry);
  g_string_append_c (frame->out, '\n');
  return TRUE;
}

static gboolean
emit_text (XdotReader     *r,
           const Frame    *frame,
           const PenState *pen)
{
  double x, y, align, width;
  g_autofree char *text = NULL;
  g_autofree char *escaped_text = NULL;
  g_autofree char *escaped_font = NULL;

  if (!read_number (r, &x) || !read_number (r, &y) ||
      !read_number (r, &align) || !read_number (r, &width) ||
      (text = read_string (r)) == NULL)
    return FALSE;
  escaped_text = g_strescape (text, "");
  escaped_font = g_strescape (pen->font, "");
  g_string_append (frame->out, "text\t");
  append_color (frame->out, pen->stroke);
  g_string_append_printf (frame->out, "\t%s\t", escaped_font);
  append_number (frame->out, pen->font_size);
  g_string_append_printf (frame->out, "\t%u\t%d\t", pen->font_flags, (int) align);
  append_point (frame, x, y);
  g_string_append_c (frame->out, '\t');
  append_number (frame->out, width);
  g_string_append_printf (frame->out, "\t%s\n", escaped_text);
  return TRUE;
}

static void
apply_style (PenState   *pen,
             const char *style)
{
  if (g_str_equal (style, "dashed"))
    pen->line_style = MOPED_GRAPHVIZ_LINE_DASHED;
  else if (g_str_equal (style, "dotted"))
    pen->line_style = MOPED_GRAPHVIZ_LINE_DOTTED;
  else if (g_str_equal (style, "solid"))
    pen->line_style = MOPED_GRAPHVIZ_LINE_SOLID;
  else if (g_str_equal (style, "bold"))
    pen->line_width = 2;
  else if (g_str_has_prefix (style, "setlinewidth("))
    pen->line_width = g_ascii_strtod (style + strlen ("setlinewidth("), NULL);
}

/* One xdot operation; FALSE when the text does not follow the xdot grammar. */
static gboolean
emit_op (XdotReader  *r,
         const Frame *frame,
         PenState    *pen)
{
  char op = *r->p++;
  g_autofree char *text = NULL;
  double number;

  switch (op)
    {
    case 'E': return emit_ellipse (r, frame, pen, TRUE);
    case 'e': return emit_ellipse (r, frame, pen, FALSE);
    case 'P': return emit_points (r, frame, pen, "polygon", TRUE);
    case 'p': return emit_points (r, frame, pen, "polygon", FALSE);
    case 'L': return emit_points (r, frame, pen, "polyline", FALSE);
    case 'B': return emit_points (r, frame, pen, "bezier", FALSE);
    case 'b': return emit_points (r, frame, pen, "bezier", TRUE);
    case 'T': return emit_text (r, frame, pen);
    case 't':
      if (!read_number (r, &number))
        return FALSE;
      pen->font_flags = (guint) number;
      return TRUE;
    case 'F':
      if (!read_number (r, &pen->font_size) || (text = read_string (r)) == NULL)
        return FALSE;
      g_free (pen->font);
      pen->font = g_steal_pointer (&text);
      return TRUE;
    case 'C':
    case 'c':
      if ((text = read_string (r)) == NULL)
        return FALSE;
      /* Gradients and names we never write fall back to the previous colour. */
      parse_color (text, op == 'C' ? pen->fill : pen->stroke);
      return TRUE;
    case 'S':
      if ((text = read_string (r)) == NULL)
        return FALSE;
      apply_style (pen, text);
      return TRUE;
    case 'I':
      {
        double ignored;

        /* Moped's graphs have no images; skip the operation. */
        for (guint i = 0; i < 4; i++)
          if (!read_number (r, &ignored))
            return FALSE;
        text = read_string (r);
        return text != NULL;
      }
    default:
      return FALSE;
    }
}

static void
emit_xdot (const Frame *frame,
           void        *object,
           const char  *attribute)
{
  const char *value = agget (object, (char *) attribute);
  XdotReader r;
  PenState pen = { 0 };

  if (value == NULL || *value == '\0')
    return;
  r.p = value;
  r.end = value + strlen (value);
  pen_state_reset (&pen);
  for (;;)
    {
      skip_space (&r);
      if (r.p >= r.end)
        break;
      if (!emit_op (&r, frame, &pen))
        {
          g_warning ("Unexpected drawing operation in “%s”", attribute);
          break;
        }
    }
  g_free (pen.font);
}

static void
emit_edges (const Frame        *frame,
            Agraph_t           *g,
            const char * const *attributes)
{
  for (Agnode_t *n = agfstnode (g); n != NULL; n = agnxtnode (g, n))
    for (Agedge_t *e = agfstout (g, n); e != NULL; e = agnxtout (g, e))
      for (guint i = 0; attributes[i] != NULL; i++)
        emit_xdot (frame, e, attributes[i]);
}

static void
emit_drawing (const Frame *frame,
              Agraph_t    *g)
{
  static const char * const edge_lines[] = { "_draw_", "_tdraw_", "_hdraw_", NULL };
  static const char * const edge_labels[] = { "_ldraw_", "_xldraw_", "_tldraw_", "_hldraw_", NULL };

  emit_xdot (frame, g, "_draw_");
  emit_xdot (frame, g, "_ldraw_");
  emit_edges (frame, g, edge_lines);
  for (Agnode_t *n = agfstnode (g); n != NULL; n = agnxtnode (g, n))
    {
      emit_xdot (frame, n, "_draw_");
      emit_xdot (frame, n, "_ldraw_");
      emit_xdot (frame, n, "_xldraw_");
    }
  /* Link labels last, so a line never hides them. */
  emit_edges (frame, g, edge_labels);
}

static void
emit_geometry (Agraph_t *g,
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
  if (drawing)
    emit_drawing (&frame, g);
}

static GBytes *
render (GVC_t               *gvc,
        Agraph_t            *g,
        MopedGraphvizOutput  output,
        GError             **error)
{
  char *data = NULL;
  unsigned int length = 0;
  GString *out;

  if (output == MOPED_GRAPHVIZ_OUTPUT_SVG)
    {
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

  if (output == MOPED_GRAPHVIZ_OUTPUT_DRAWING)
    {
      /* Rendering as xdot fills the _draw_ attributes we read back. */
      if (gvRenderData (gvc, g, "xdot", &data, &length) != 0)
        {
          set_layout_error (error, "Graphviz could not draw the graph");
          return NULL;
        }
      gvFreeRenderData (data);
    }
  out = g_string_new (NULL);
  emit_geometry (g, out, output == MOPED_GRAPHVIZ_OUTPUT_DRAWING);
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
