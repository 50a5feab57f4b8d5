/* moped-dot.c: writing a design's architecture as DOT, for people and for graphviz.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include "config.h"

#include <math.h>
#include <string.h>

#include "moped-diagnostic.h"
#include "moped-dot.h"
#include "moped-render.h"
#include "moped-socket-type.h"
#include "moped-text.h"

#define FONT          "DejaVu Sans"
#define INK           "#241f31"
#define SECONDARY_INK "#5e5c64"
#define BORDER        "#3d3846"
#define HEADER_FILL   "#ebebed"
#define NOTE_FILL     "#fff6c2"
#define NOTE_BORDER   "#c8b20a"
#define NOTE_COLUMNS  40
/* Up to this many links, labels are real edge labels, which dot places well but
 * which cost it a rank each (six times slower at 400 nodes); beyond, xlabels. */
#define EDGE_LABEL_LIMIT 150

/* The most severe diagnostic of each element, and what it says. */
typedef struct
{
  GHashTable *severity; /* id -> GINT_TO_POINTER (severity + 1) */
  GHashTable *messages; /* id -> GString */
} Findings;

static void
string_free (gpointer data)
{
  g_string_free (data, TRUE);
}

static void
findings_init (Findings  *findings,
               GPtrArray *diagnostics)
{
  findings->severity = g_hash_table_new (g_str_hash, g_str_equal);
  findings->messages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              string_free);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diagnostics, i);
      const char *id = d->element_ids != NULL ? d->element_ids[0] : NULL;
      int old;
      GString *text;

      if (id == NULL || d->severity > MOPED_SEVERITY_WARNING)
        continue;
      old = GPOINTER_TO_INT (g_hash_table_lookup (findings->severity, id));
      if (old == 0 || (int) d->severity + 1 < old)
        g_hash_table_insert (findings->severity, (gpointer) id, GINT_TO_POINTER (d->severity + 1));
      text = g_hash_table_lookup (findings->messages, id);
      if (text == NULL)
        g_hash_table_insert (findings->messages, (gpointer) id, text = g_string_new (NULL));
      else
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%s: %s", moped_severity_get_name (d->severity), d->message);
    }
}

static void
findings_clear (Findings *findings)
{
  g_hash_table_unref (findings->severity);
  g_hash_table_unref (findings->messages);
}

/* Whether @element has an error or warning; its severity in @severity. */
static gboolean
findings_lookup (const Findings *findings,
                 MopedElement   *element,
                 MopedSeverity  *severity)
{
  int value = GPOINTER_TO_INT (g_hash_table_lookup (findings->severity,
                                                    moped_element_get_id (element)));

  if (value == 0)
    return FALSE;
  *severity = (MopedSeverity) (value - 1);
  return TRUE;
}

/* ---- escaping ----------------------------------------------------------------- */

/* What dot accepts of user text: valid UTF-8 without controls (dot refuses even their
 * character references) and without invisible characters (a bidirectional override
 * would reorder the label). Newlines stay: they are line breaks in labels. Other
 * invisible characters are shown escaped ("\u{202E}"), which keeps ids distinct. */
static char *
dot_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append_c (out, '\n');
      else if (c == '\t')
        g_string_append_c (out, ' ');
      else if (c == '\r')
        continue;
      else if (moped_text_is_invisible (c))
        g_string_append_printf (out, "\\u{%04X}", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

static void
append_html (GString    *out,
             const char *text)
{
  g_autofree char *visible = dot_text (text);
  g_autofree char *escaped = g_markup_escape_text (visible, -1);

  for (const char *p = escaped; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append (out, "<BR/>");
      else if (*p != '\r')
        g_string_append_c (out, *p);
    }
}

/* A DOT double-quoted string; @line_end ends each line ("\\n" centred, "\\l" left). */
static void
append_quoted_lines (GString    *out,
                     const char *text,
                     const char *line_end)
{
  g_autofree char *visible = dot_text (text);

  g_string_append_c (out, '"');
  for (const char *p = visible; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, line_end);
      else if (*p != '\r')
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_quoted (GString    *out,
               const char *text)
{
  append_quoted_lines (out, text, "\\n");
}

static void
append_inches (GString *out,
               double   points)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.4f", points / 72.0));
}

static int
whole_points (double value)
{
  return (int) CLAMP (lround (value), 1, 65535);
}

/* Graphviz never wraps text: break each of the note's lines at @columns. */
static char *
wrap_text (const char *text,
           guint       columns)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto(GStrv) words = g_strsplit (lines[l], " ", -1);
      guint used = 0;

      if (l > 0)
        g_string_append_c (out, '\n');
      for (guint i = 0; words[i] != NULL; i++)
        {
          guint length = (guint) g_utf8_strlen (words[i], -1);

          if (length == 0)
            continue;
          if (used > 0 && used + 1 + length > columns)
            {
              g_string_append_c (out, '\n');
              used = 0;
            }
          else if (used > 0)
            {
              g_string_append_c (out, ' ');
              used++;
            }
          g_string_append (out, words[i]);
          used += length;
        }
    }
  return g_string_free (out, FALSE);
}

/* ---- geometry helpers ----------------------------------------------------------- */

static double
get_geometry (MopedElement *element,
              MopedProp     prop)
{
  return moped_element_get_double (element, prop);
}

/* "x,y!" for graphviz: the centre of the box, y up, in points. */
static void
append_pinned_pos (GString      *out,
                   MopedElement *element)
{
  char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
  double cx = get_geometry (element, MOPED_PROP_X) + get_geometry (element, MOPED_PROP_WIDTH) / 2;
  double cy = get_geometry (element, MOPED_PROP_Y) + get_geometry (element, MOPED_PROP_HEIGHT) / 2;

  g_string_append_printf (out, "pos=\"%s,%s!\"",
                          g_ascii_formatd (x, sizeof x, "%.2f", cx),
                          g_ascii_formatd (y, sizeof y, "%.2f", -cy));
}

/* @rank_gap: inches between ranks, room for what is drawn between them. */
static void
append_graph_attributes (GString              *out,
                         MopedLayoutEngine     engine,
                         MopedLayoutDirection  direction,
                         double                rank_gap)
{
  char gap[G_ASCII_DTOSTR_BUF_SIZE];

  switch (engine)
    {
    case MOPED_LAYOUT_ENGINE_DOT:
      g_string_append_printf (out, "rankdir=%s, nodesep=0.5, ranksep=%s",
                              moped_layout_direction_get_name (direction),
                              g_ascii_formatd (gap, sizeof gap, "%.2f", rank_gap));
      break;
    case MOPED_LAYOUT_ENGINE_NEATO:
    case MOPED_LAYOUT_ENGINE_FDP:
      /* inputscale: pinned positions are in points, like everything Moped has.
       * start: a fixed seed, so that a layout does not depend on the ones before
       * it in the same helper process, and arranging twice moves nothing. */
      g_string_append (out, "overlap=false, sep=\"+24\", inputscale=72, K=2, len=2.5, start=1");
      break;
    case MOPED_LAYOUT_ENGINE_CIRCO:
      g_string_append (out, "mindist=1.5, overlap=false");
      break;
    case MOPED_LAYOUT_ENGINE_CANVAS:
    case MOPED_N_LAYOUT_ENGINES:
    default:
      g_string_append (out, "overlap=true");
      break;
    }
}

static gboolean
engine_uses_positions (MopedLayoutEngine engine)
{
  return engine == MOPED_LAYOUT_ENGINE_NEATO || engine == MOPED_LAYOUT_ENGINE_FDP;
}

/* Endpoints of a link as graphviz node:port names; FALSE for a dangling link. */
static gboolean
link_ends (MopedElement  *link,
           MopedElement **from,
           MopedElement **to)
{
  *from = moped_element_get_ref (link, MOPED_PROP_FROM);
  *to = moped_element_get_ref (link, MOPED_PROP_TO);
  return *from != NULL && *to != NULL &&
         moped_element_get_ancestor (*from, MOPED_KIND_NODE) != NULL &&
         moped_element_get_ancestor (*to, MOPED_KIND_NODE) != NULL;
}

static void
append_socket_ref (GString      *out,
                   MopedElement *socket,
                   const char   *compass)
{
  append_quoted (out, moped_element_get_id (moped_element_get_ancestor (socket, MOPED_KIND_NODE)));
  g_string_append_c (out, ':');
  append_quoted (out, moped_element_get_id (socket));
  if (compass != NULL)
    g_string_append_printf (out, ":%s", compass);
}

/* In a left-to-right dot layout a link leaves the right side of its socket and
 * enters the left side of the other; elsewhere graphviz picks the nearest side. */
static void
append_link_ends (GString              *out,
                  MopedElement         *from,
                  MopedElement         *to,
                  MopedLayoutEngine     engine,
                  MopedLayoutDirection  direction)
{
  gboolean sides = engine == MOPED_LAYOUT_ENGINE_DOT && direction == MOPED_LAYOUT_LEFT_RIGHT;

  g_string_append (out, "  ");
  append_socket_ref (out, from, sides ? "e" : NULL);
  g_string_append (out, " -> ");
  append_socket_ref (out, to, sides ? "w" : NULL);
}

/* ---- the architecture --------------------------------------------------------------- */

static const char *
socket_mode_name (MopedElement *socket)
{
  return moped_element_get_enum (socket, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND ? "bind" : "connect";
}

static void
append_socket_row (GString        *out,
                   MopedElement   *socket,
                   const Findings *findings)
{
  MopedSeverity severity;
  const char *subscribe = moped_element_get_string (socket, MOPED_PROP_SUBSCRIBE);
  int type = moped_element_get_enum (socket, MOPED_PROP_TYPE);

  g_string_append (out, "<TR><TD PORT=\"");
  append_html (out, moped_element_get_id (socket));
  g_string_append (out, "\" ALIGN=\"LEFT\"");
  if (findings_lookup (findings, socket, &severity))
    g_string_append_printf (out, " BGCOLOR=\"%s\"", moped_render_severity_tint (severity));
  g_string_append (out, ">");
  append_html (out, moped_element_get_name (socket));
  g_string_append (out, "  <B>");
  append_html (out, moped_socket_type_get_name ((MopedSocketType) type));
  g_string_append (out, "</B>  <FONT COLOR=\"" SECONDARY_INK "\">");
  g_string_append (out, socket_mode_name (socket));
  if (subscribe != NULL && *subscribe != '\0' &&
      moped_socket_type_subscribes ((MopedSocketType) type))
    {
      g_string_append (out, " “");
      append_html (out, subscribe);
      g_string_append (out, "”");
    }
  g_string_append (out, "</FONT></TD></TR>");
}

static void
append_node_label (GString        *out,
                   MopedElement   *node,
                   const Findings *findings)
{
  g_autoptr(GPtrArray) sockets = moped_element_get_children_of_kind (node, MOPED_KIND_SOCKET);
  const char *role = moped_element_get_string (node, MOPED_PROP_ROLE);
  gint64 instances = moped_element_get_int (node, MOPED_PROP_INSTANCES);
  MopedSeverity severity;
  gboolean flagged = findings_lookup (findings, node, &severity);

  g_string_append_printf (out, "<<TABLE BORDER=\"%d\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
                          "CELLPADDING=\"4\" COLOR=\"%s\" BGCOLOR=\"#ffffff\"",
                          flagged ? 2 : 1, flagged ? moped_render_severity_color (severity) : BORDER);
  g_string_append_printf (out, "><TR><TD BGCOLOR=\"%s\"><B>",
                          flagged ? moped_render_severity_tint (severity) : HEADER_FILL);
  append_html (out, moped_element_get_name (node));
  g_string_append (out, "</B></TD></TR>");
  if ((role != NULL && *role != '\0') || instances > 1)
    {
      g_string_append (out, "<TR><TD><FONT POINT-SIZE=\"9\" COLOR=\"" SECONDARY_INK "\">");
      if (role != NULL && *role != '\0')
        {
          g_string_append (out, "<I>");
          append_html (out, role);
          g_string_append (out, "</I>");
        }
      if (instances > 1)
        g_string_append_printf (out, "%s×%" G_GINT64_FORMAT,
                                role != NULL && *role != '\0' ? "  " : "", instances);
      g_string_append (out, "</FONT></TD></TR>");
    }
  if (sockets->len > 0)
    g_string_append (out, "<HR/>");
  for (guint i = 0; i < sockets->len; i++)
    append_socket_row (out, g_ptr_array_index (sockets, i), findings);
  g_string_append (out, "</TABLE>>");
}

static void
append_tooltip (GString        *out,
                MopedElement   *element,
                const Findings *findings)
{
  GString *text = g_hash_table_lookup (findings->messages, moped_element_get_id (element));

  if (text == NULL)
    return;
  g_string_append (out, ", tooltip=");
  append_quoted (out, text->str);
}

static void
append_nodes (GString               *out,
              MopedDesign           *design,
              const MopedDotOptions *options,
              const Findings        *findings)
{
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  gboolean canvas = options->engine == MOPED_LAYOUT_ENGINE_CANVAS;

  if (nodes->len > 0)
    g_string_append (out, "\n  // Nodes: name, role and instances, then one row per socket.\n");
  for (guint i = 0; i < nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (nodes, i);

      g_string_append (out, "  ");
      append_quoted (out, moped_element_get_id (node));
      g_string_append (out, " [label=");
      append_node_label (out, node, findings);
      if (canvas)
        {
          /* The canvas box, with the table in its middle. */
          g_string_append (out, ", shape=none, margin=0, width=");
          append_inches (out, get_geometry (node, MOPED_PROP_WIDTH));
          g_string_append (out, ", height=");
          append_inches (out, get_geometry (node, MOPED_PROP_HEIGHT));
        }
      if (canvas || (engine_uses_positions (options->engine) &&
                     moped_element_get_bool (node, MOPED_PROP_PINNED)))
        {
          g_string_append (out, ", ");
          append_pinned_pos (out, node);
        }
      append_tooltip (out, node, findings);
      g_string_append (out, "]\n");
    }
}

/* Notes come before the nodes and, with dot, in a chain of invisible edges: dot then
 * puts them in a row below (left to right) or beside (top to bottom) the nodes,
 * instead of a column in the first rank. */
static void
append_notes (GString               *out,
              MopedDesign           *design,
              const MopedDotOptions *options)
{
  g_autoptr(GPtrArray) notes = moped_design_collect (design, MOPED_KIND_NOTE);

  if (notes->len > 0)
    g_string_append (out, "\n  // Notes\n");
  for (guint i = 1; i < notes->len && options->engine == MOPED_LAYOUT_ENGINE_DOT; i++)
    {
      g_string_append (out, "  ");
      append_quoted (out, moped_element_get_id (g_ptr_array_index (notes, i - 1)));
      g_string_append (out, " -> ");
      append_quoted (out, moped_element_get_id (g_ptr_array_index (notes, i)));
      g_string_append (out, " [style=invis]\n");
    }
  for (guint i = 0; i < notes->len; i++)
    {
      MopedElement *note = g_ptr_array_index (notes, i);
      const char *text = moped_element_get_string (note, MOPED_PROP_TEXT);
      g_autofree char *wrapped = wrap_text (text != NULL ? text : "", NOTE_COLUMNS);

      g_string_append (out, "  ");
      append_quoted (out, moped_element_get_id (note));
      g_string_append (out, " [shape=note, style=filled, fillcolor=\"" NOTE_FILL "\", color=\""
                       NOTE_BORDER "\", fontsize=9, margin=\"0.12,0.08\", label=");
      /* "\l" ends each line left-justified, the last one too. */
      append_quoted_lines (out, *wrapped != '\0' ? wrapped : " ", "\\l");
      g_string_truncate (out, out->len - 1);
      g_string_append (out, "\\l\"");
      if (options->engine == MOPED_LAYOUT_ENGINE_CANVAS)
        {
          g_string_append (out, ", width=");
          append_inches (out, get_geometry (note, MOPED_PROP_WIDTH));
          g_string_append (out, ", height=");
          append_inches (out, get_geometry (note, MOPED_PROP_HEIGHT));
          g_string_append (out, ", ");
          append_pinned_pos (out, note);
        }
      g_string_append (out, "]\n");
    }
}

static void
append_link_label (GString      *out,
                   MopedElement *link)
{
  MopedElement *protocol = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);
  const char *label = moped_element_get_string (link, MOPED_PROP_LABEL);
  const char *endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);
  const char *protocol_name = protocol != NULL ? moped_element_get_name (protocol) : NULL;
  gboolean has_label = label != NULL && *label != '\0';
  gboolean has_protocol = protocol_name != NULL && *protocol_name != '\0';

  g_string_append (out, "<");
  if (has_label && !(has_protocol && g_str_equal (label, protocol_name)))
    {
      append_html (out, label);
      if (has_protocol)
        g_string_append (out, " · ");
    }
  if (has_protocol)
    {
      g_string_append (out, "<B>");
      append_html (out, protocol_name);
      g_string_append (out, "</B>");
    }
  if (endpoint != NULL && *endpoint != '\0')
    {
      if (has_label || has_protocol)
        g_string_append (out, "<BR/>");
      g_string_append (out, "<FONT COLOR=\"" SECONDARY_INK "\">");
      append_html (out, endpoint);
      g_string_append (out, "</FONT>");
    }
  g_string_append (out, ">");
}

/* Arrows point at the side that binds: the other side connects to it. */
static const char *
link_direction (MopedElement *link,
                MopedElement *from,
                MopedElement *to)
{
  gboolean from_binds = moped_link_end_binds (link, from);
  gboolean to_binds = moped_link_end_binds (link, to);

  if (to_binds && !from_binds)
    return "forward";
  if (from_binds && !to_binds)
    return "back";
  return "none";
}

static void
append_links (GString               *out,
              GPtrArray             *links,
              const MopedDotOptions *options,
              const Findings        *findings)
{
  const char *label = links->len <= EDGE_LABEL_LIMIT ? "label" : "xlabel";

  if (links->len > 0)
    g_string_append (out, "\n  // Links: protocol and endpoint; the arrow points at the side that binds.\n");
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      MopedElement *from, *to;
      MopedSeverity severity;

      if (!link_ends (link, &from, &to))
        continue;
      append_link_ends (out, from, to, options->engine, options->direction);
      g_string_append_printf (out, " [%s=", label);
      append_link_label (out, link);
      g_string_append_printf (out, ", dir=%s", link_direction (link, from, to));
      if (findings_lookup (findings, link, &severity))
        g_string_append_printf (out, ", color=\"%s\", fontcolor=\"%s\", penwidth=2",
                                moped_render_severity_color (severity),
                                moped_render_severity_color (severity));
      append_tooltip (out, link, findings);
      g_string_append (out, "]\n");
    }
}

char *
moped_dot_architecture (MopedDesign           *design,
                        const MopedDotOptions *options)
{
  static const MopedDotOptions defaults = { MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT, NULL };
  g_autoptr(GPtrArray) own_diagnostics = NULL;
  g_autoptr(GPtrArray) links = NULL;
  GString *out = g_string_new (NULL);
  Findings findings;
  const char *name;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);

  if (options == NULL)
    options = &defaults;
  if (options->diagnostics == NULL)
    own_diagnostics = moped_validate (design);
  findings_init (&findings, options->diagnostics != NULL ? options->diagnostics : own_diagnostics);
  links = moped_design_collect (design, MOPED_KIND_LINK);

  name = moped_element_get_name (moped_design_get_root (design));
  if (name == NULL || *name == '\0')
    name = "Untitled design";
  g_string_append (out, "// The architecture of a Moped design: nodes with their sockets as ports, and links.\n"
                        "digraph ");
  append_quoted (out, name);
  g_string_append (out, " {\n  graph [");
  append_graph_attributes (out, options->engine, options->direction,
                           links->len <= EDGE_LABEL_LIMIT ? 0.6 :
                           options->direction == MOPED_LAYOUT_LEFT_RIGHT ? 1.3 : 0.9);
  g_string_append (out, ",\n         fontname=\"" FONT "\", fontsize=16, fontcolor=\"" INK "\", "
                        "labelloc=t, forcelabels=true, pad=0.25, outputorder=edgesfirst,\n         label=");
  append_quoted (out, name);
  if (options->engine != MOPED_LAYOUT_ENGINE_DOT)
    g_string_append (out, ", splines=true");
  g_string_append (out, "]\n"
                        "  node [shape=plain, fontname=\"" FONT "\", fontsize=10, fontcolor=\"" INK "\"]\n"
                        "  edge [fontname=\"" FONT "\", fontsize=9, fontcolor=\"" INK "\", "
                        "color=\"" BORDER "\", arrowsize=0.7]\n");
  append_notes (out, design, options);
  append_nodes (out, design, options, &findings);
  append_links (out, links, options, &findings);
  g_string_append (out, "}\n");
  findings_clear (&findings);
  return g_string_free (out, FALSE);
}

/* ---- the graph for Arrange ------------------------------------------------------------ */

/* A table exactly the size of the canvas box: a header row, then one row per socket,
 * so the ports sit where the sockets are listed. */
static void
append_layout_label (GString      *out,
                     MopedElement *node)
{
  g_autoptr(GPtrArray) sockets = moped_element_get_children_of_kind (node, MOPED_KIND_SOCKET);
  int width = whole_points (get_geometry (node, MOPED_PROP_WIDTH));
  int height = whole_points (get_geometry (node, MOPED_PROP_HEIGHT));
  int row = MAX (1, height / (int) (sockets->len + 1));

  g_string_append_printf (out, "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\" "
                          "FIXEDSIZE=\"TRUE\" WIDTH=\"%d\" HEIGHT=\"%d\"><TR><TD HEIGHT=\"%d\"></TD></TR>",
                          width, height, row);
  for (guint i = 0; i < sockets->len; i++)
    {
      g_string_append (out, "<TR><TD PORT=\"");
      append_html (out, moped_element_get_id (g_ptr_array_index (sockets, i)));
      g_string_append_printf (out, "\" HEIGHT=\"%d\"></TD></TR>", row);
    }
  g_string_append (out, "</TABLE>>");
}

static void
append_layout_box (GString           *out,
                   MopedElement      *element,
                   MopedLayoutEngine  engine,
                   gboolean           pinned)
{
  g_string_append (out, "  ");
  append_quoted (out, moped_element_get_id (element));
  g_string_append (out, " [");
  if (moped_element_get_kind (element) == MOPED_KIND_NODE)
    {
      g_string_append (out, "label=");
      append_layout_label (out, element);
    }
  else
    {
      g_string_append (out, "shape=box, fixedsize=true, label=\"\", width=");
      append_inches (out, whole_points (get_geometry (element, MOPED_PROP_WIDTH)));
      g_string_append (out, ", height=");
      append_inches (out, whole_points (get_geometry (element, MOPED_PROP_HEIGHT)));
    }
  if (pinned && engine_uses_positions (engine))
    {
      g_string_append (out, ", ");
      append_pinned_pos (out, element);
    }
  g_string_append (out, "]\n");
}

char *
moped_dot_layout (MopedDesign          *design,
                  MopedLayoutEngine     engine,
                  MopedLayoutDirection  direction)
{
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GPtrArray) links = NULL;
  GString *out;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (engine < MOPED_LAYOUT_ENGINE_CANVAS, NULL);

  nodes = moped_design_collect (design, MOPED_KIND_NODE);
  links = moped_design_collect (design, MOPED_KIND_LINK);
  out = g_string_sized_new (256 + 300 * nodes->len + 80 * links->len);
  /* Links are not drawn from this layout (the canvas draws its own), so graphviz
   * need not route them: splines=false saves a good part of dot's time. */
  g_string_append (out, "digraph \"layout\" {\n  graph [");
  /* The canvas draws a link's label and endpoint between the nodes. */
  append_graph_attributes (out, engine, direction, direction == MOPED_LAYOUT_LEFT_RIGHT ? 2.2 : 0.9);
  g_string_append (out, ", splines=false]\n  node [shape=plain]\n");
  for (guint i = 0; i < nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (nodes, i);

      append_layout_box (out, node, engine, moped_element_get_bool (node, MOPED_PROP_PINNED));
    }
  /* With neato and fdp, notes are pinned obstacles the nodes arrange around. */
  if (engine_uses_positions (engine))
    {
      notes = moped_design_collect (design, MOPED_KIND_NOTE);
      for (guint i = 0; i < notes->len; i++)
        append_layout_box (out, g_ptr_array_index (notes, i), engine, TRUE);
    }
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *from, *to;

      if (!link_ends (g_ptr_array_index (links, i), &from, &to))
        continue;
      append_link_ends (out, from, to, engine, direction);
      g_string_append (out, "\n");
    }
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}
