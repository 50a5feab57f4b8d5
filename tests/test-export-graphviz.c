/* test-export-graphviz.c: DOT output, graphviz in a child process, and Arrange (positions, pins, undo).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The layout runner starts this very program again as `PROGRAM __layout ...`, as the
 * editor starts moped: main() hands that verb over before anything else.
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "moped-dot.h"
#include "moped-file.h"
#include "moped-graphviz.h"
#include "moped-layout-runner.h"
#include "moped-layout.h"
#include "moped-render.h"
#include "moped-socket-type.h"

static const char * const example_names[] = {
  "hello.moped", "weather.moped", "pipeline.moped", "lazy-pirate.moped",
  "majordomo.moped", "clone.moped", "broken.moped",
};

static MopedDesign *
load_example (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), name, NULL);
  g_autoptr(GError) error = NULL;
  MopedDesign *design = moped_file_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (design);
  return design;
}

static MopedElement *
add_named (MopedDesign  *design,
           MopedElement *parent,
           MopedKind     kind,
           const char   *name)
{
  MopedElement *element = moped_design_add (design, parent, kind, -1, NULL);

  moped_design_set_string (design, element, MOPED_PROP_NAME, name);
  return element;
}

/* A deterministic random design: @n nodes, each with a bound ROUTER "in" and a
 * connecting DEALER "out" linked to an earlier node's "in", plus a few more links;
 * every node at (0, 0) as freshly made ones are. */
static MopedDesign *
generate_design (guint   n_nodes,
                 guint32 seed)
{
  MopedDesign *design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) ins = g_ptr_array_new ();
  g_autoptr(GPtrArray) outs = g_ptr_array_new ();
  MopedElement *protocol;

  moped_design_begin (design, "Generate");
  moped_design_set_string (design, root, MOPED_PROP_NAME, "Generated");
  protocol = add_named (design, root, MOPED_KIND_PROTOCOL, "Work");
  for (guint i = 0; i < n_nodes; i++)
    {
      g_autofree char *name = g_strdup_printf ("Node %u", i);
      MopedElement *node = add_named (design, root, MOPED_KIND_NODE, name);
      MopedElement *in = add_named (design, node, MOPED_KIND_SOCKET, "in");
      MopedElement *out = add_named (design, node, MOPED_KIND_SOCKET, "out");

      moped_design_set_enum (design, in, MOPED_PROP_TYPE, MOPED_SOCKET_ROUTER);
      moped_design_set_enum (design, in, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
      moped_design_set_enum (design, out, MOPED_PROP_TYPE, MOPED_SOCKET_DEALER);
      g_ptr_array_add (ins, in);
      g_ptr_array_add (outs, out);
    }
  for (guint i = 1; i < n_nodes + n_nodes / 3; i++)
    {
      guint from = i < n_nodes ? i : (guint) g_rand_int_range (rand, 1, (gint32) n_nodes);
      guint to = (guint) g_rand_int_range (rand, 0, (gint32) from);
      MopedElement *link = moped_design_add (design, root, MOPED_KIND_LINK, -1, NULL);
      g_autofree char *endpoint = g_strdup_printf ("tcp://*:%u", 6000 + to);

      moped_design_set_ref (design, link, MOPED_PROP_FROM, g_ptr_array_index (outs, from));
      moped_design_set_ref (design, link, MOPED_PROP_TO, g_ptr_array_index (ins, to));
      moped_design_set_string (design, link, MOPED_PROP_ENDPOINT, endpoint);
      moped_design_set_ref (design, link, MOPED_PROP_PROTOCOL, protocol);
    }
  moped_design_end (design);
  moped_design_clear_history (design);
  return design;
}

/* Run the real `dot` program on @text; returns its stdout, asserts it succeeded. */
static char *
run_dot_program (const char *text,
                 const char *engine,
                 const char *format)
{
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int fd = g_file_open_tmp ("moped-test-XXXXXX.dot", &path, &error);
  g_autofree char *engine_arg = g_strdup_printf ("-K%s", engine);
  g_autofree char *format_arg = g_strdup_printf ("-T%s", format);
  const char *argv[] = { "dot", engine_arg, format_arg, NULL, NULL };
  int status;

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  argv[3] = path;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("dot %s failed: %s", engine, err);
  g_unlink (path);
  return g_steal_pointer (&out);
}

/* ---- DOT ------------------------------------------------------------------ */

static void
test_dot_parsed_by_dot_program (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (example_names); i++)
    {
      g_autoptr(MopedDesign) design = load_example (example_names[i]);
      g_autofree char *dot = moped_dot_architecture (design, NULL);
      g_autofree char *plain = run_dot_program (dot, "dot", "plain");
      g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);

      g_test_message ("%s", example_names[i]);
      g_assert_true (g_str_has_prefix (plain, "graph "));
      /* Every node was laid out: `plain` has one "node ID ..." line each. */
      for (guint n = 0; n < nodes->len; n++)
        {
          g_autofree char *line = g_strdup_printf ("\nnode %s ", moped_element_get_id (g_ptr_array_index (nodes, n)));
          g_autofree char *quoted = g_strdup_printf ("\nnode \"%s\" ", moped_element_get_id (g_ptr_array_index (nodes, n)));

          g_assert_true (strstr (plain, line) != NULL || strstr (plain, quoted) != NULL);
        }
    }
}

/* Every control character, bidirectional controls, DOT and HTML metacharacters in
 * names, roles, descriptions and notes (set through the edit API, which the loader's
 * checks do not guard): dot accepts the text, which carries no control or invisible
 * character, and the two nodes stay apart. */
static void
test_dot_hostile_text (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  g_autoptr(GString) hostile = g_string_new ("x");
  MopedElement *a, *b, *out, *in, *link, *note;
  g_autofree char *dot = NULL;
  g_autofree char *svg = NULL;

  for (guint c = 1; c < 0x20; c++)
    g_string_append_c (hostile, (char) c);
  g_string_append (hostile, "\x7f\xc2\x85\xc2\x9b \xe2\x80\xae\xe2\x81\xa6 \xe2\x80\x8b \"q\" \\ <b>&amp; ]] }");
  moped_design_set_string (design, root, MOPED_PROP_NAME, hostile->str);
  a = moped_design_add (design, root, MOPED_KIND_NODE, -1, "a\xe2\x80\xae");
  b = moped_design_add (design, root, MOPED_KIND_NODE, -1, "a");
  moped_design_set_string (design, a, MOPED_PROP_NAME, hostile->str);
  moped_design_set_string (design, a, MOPED_PROP_ROLE, hostile->str);
  moped_design_set_string (design, a, MOPED_PROP_DESCRIPTION, hostile->str);
  moped_design_set_string (design, b, MOPED_PROP_NAME, hostile->str);
  out = moped_design_add (design, a, MOPED_KIND_SOCKET, -1, NULL);
  in = moped_design_add (design, b, MOPED_KIND_SOCKET, -1, NULL);
  moped_design_set_string (design, out, MOPED_PROP_NAME, hostile->str);
  moped_design_set_enum (design, out, MOPED_PROP_TYPE, MOPED_SOCKET_PUSH);
  moped_design_set_enum (design, in, MOPED_PROP_TYPE, MOPED_SOCKET_PULL);
  moped_design_set_enum (design, in, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
  link = moped_design_add (design, root, MOPED_KIND_LINK, -1, NULL);
  moped_design_set_ref (design, link, MOPED_PROP_FROM, out);
  moped_design_set_ref (design, link, MOPED_PROP_TO, in);
  moped_design_set_string (design, link, MOPED_PROP_ENDPOINT, hostile->str);
  moped_design_set_string (design, link, MOPED_PROP_LABEL, hostile->str);
  note = moped_design_add (design, root, MOPED_KIND_NOTE, -1, NULL);
  moped_design_set_string (design, note, MOPED_PROP_TEXT, hostile->str);

  dot = moped_dot_architecture (design, NULL);
  for (const char *p = dot; *p != '\0'; p++)
    g_assert_true (*p == '\n' || (guchar) *p >= 0x20);
  g_assert_null (strstr (dot, "&#x"));
  g_assert_null (strstr (dot, "\xe2\x80\xae"));
  g_assert_null (strstr (dot, "\xc2\x9b"));
  g_assert_nonnull (strstr (dot, "\\\\u{202E}"));
  svg = run_dot_program (dot, "dot", "svg");
  g_assert_nonnull (strstr (svg, "<svg"));
  /* Both nodes were drawn: their ids differ only by the invisible character. */
  g_assert_nonnull (strstr (svg, "<title>a</title>"));
  g_assert_nonnull (strstr (svg, "<title>a\\\\u{202E}</title>"));
}

static void
test_dot_layout_graph_parsed_by_dot_program (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");

  for (guint e = MOPED_LAYOUT_ENGINE_DOT; e < MOPED_LAYOUT_ENGINE_CANVAS; e++)
    for (guint d = 0; d < MOPED_N_LAYOUT_DIRECTIONS; d++)
      {
        g_autofree char *dot = moped_dot_layout (design, e, d);
        g_autofree char *plain = run_dot_program (dot, moped_layout_engine_get_name (e), "plain");

        g_assert_nonnull (strstr (plain, "\nnode broker "));
      }
}

static void
test_dot_content (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  g_autofree char *dot = moped_dot_architecture (design, NULL);
  g_autofree char *again = moped_dot_architecture (design, NULL);
  g_autoptr(GPtrArray) sockets = moped_design_collect (design, MOPED_KIND_SOCKET);

  g_assert_cmpstr (dot, ==, again);
  g_assert_true (g_str_has_prefix (dot, "// "));
  g_assert_nonnull (strstr (dot, "digraph \"Majordomo\""));
  g_assert_null (strstr (dot, "subgraph cluster"));
  /* Nodes, sockets as ports with type and bind/connect, links with protocol and endpoint. */
  g_assert_nonnull (strstr (dot, "<B>Echo worker</B>"));
  for (guint i = 0; i < sockets->len; i++)
    {
      MopedElement *socket = g_ptr_array_index (sockets, i);
      g_autofree char *port = g_strdup_printf ("PORT=\"%s\"", moped_element_get_id (socket));

      g_assert_nonnull (strstr (dot, port));
    }
  g_assert_nonnull (strstr (dot, "frontend  <B>ROUTER</B>  <FONT COLOR=\"#5e5c64\">bind</FONT>"));
  g_assert_nonnull (strstr (dot, "broker  <B>REQ</B>  <FONT COLOR=\"#5e5c64\">connect</FONT>"));
  g_assert_nonnull (strstr (dot, "\"client\":\"client-req\":e -> \"broker\":\"broker-frontend\":w"));
  g_assert_nonnull (strstr (dot, "label=<<B>MDP/Client</B><BR/><FONT COLOR=\"#5e5c64\">tcp://*:5555</FONT>>"));
  /* The arrow points at the side that binds: the worker link is drawn from the broker. */
  g_assert_nonnull (strstr (dot, "tcp://*:5556</FONT>>, dir=back"));
  /* No diagnostics in a clean design: no error or warning colours. */
  g_assert_null (strstr (dot, moped_render_severity_color (MOPED_SEVERITY_ERROR)));
  g_assert_null (strstr (dot, moped_render_severity_color (MOPED_SEVERITY_WARNING)));
}

static void
test_dot_large_design_uses_xlabels (void)
{
  g_autoptr(MopedDesign) small = generate_design (20, 1);
  g_autoptr(MopedDesign) large = generate_design (200, 1);
  g_autofree char *small_dot = moped_dot_architecture (small, NULL);
  g_autofree char *large_dot = moped_dot_architecture (large, NULL);

  g_assert_nonnull (strstr (small_dot, " [label=<"));
  g_assert_null (strstr (small_dot, "xlabel"));
  g_assert_nonnull (strstr (large_dot, " [xlabel=<"));
  g_assert_null (strstr (large_dot, " [label=<<B>"));
}

static void
test_dot_diagnostic_colours (void)
{
  g_autoptr(MopedDesign) design = load_example ("broken.moped");
  g_autoptr(GPtrArray) diagnostics = moped_validate (design);
  g_autofree char *dot = moped_dot_architecture (design, NULL);
  const char *error_color = moped_render_severity_color (MOPED_SEVERITY_ERROR);
  guint checked = 0;

  g_assert_cmpuint (moped_diagnostics_count (diagnostics, MOPED_SEVERITY_ERROR), >, 0);
  /* Each link with an error is drawn in the error colour, its tooltip says why. */
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diagnostics, i);
      MopedElement *element = moped_design_lookup (design, d->element_ids[0]);
      MopedElement *from;
      g_autofree char *needle = NULL;
      g_autofree char *line = NULL;
      const char *at;

      if (d->severity != MOPED_SEVERITY_ERROR || moped_element_get_kind (element) != MOPED_KIND_LINK)
        continue;
      from = moped_element_get_ref (element, MOPED_PROP_FROM);
      needle = g_strdup_printf ("\n  \"%s\":\"%s\"",
                                moped_element_get_id (moped_element_get_ancestor (from, MOPED_KIND_NODE)),
                                moped_element_get_id (from));
      at = strstr (dot, needle);
      g_assert_nonnull (at);
      line = g_strndup (at + 1, strchr (at + 1, '\n') - (at + 1));
      g_assert_nonnull (strstr (line, error_color));
      g_assert_nonnull (strstr (line, "tooltip=\"error: "));
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
  g_assert_nonnull (strstr (dot, "tooltip=\"error: "));
  g_assert_nonnull (strstr (dot, "penwidth=2"));
}

/* ---- graphviz in process ---------------------------------------------------- */

static void
test_graphviz_geometry (void)
{
  g_autoptr(MopedDesign) design = load_example ("hello.moped");
  g_autofree char *dot = moped_dot_architecture (design, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = moped_graphviz_run (dot, strlen (dot), MOPED_LAYOUT_ENGINE_DOT,
                                                MOPED_GRAPHVIZ_OUTPUT_DRAWING, &error);
  g_autoptr(MopedGraphvizGeometry) geometry = NULL;
  const MopedGraphvizNode *client, *server;
  gboolean saw_name = FALSE;
  gsize length;
  const char *text;

  g_assert_no_error (error);
  text = g_bytes_get_data (bytes, &length);
  geometry = moped_graphviz_geometry_parse (text, length, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (geometry->width, >, 100);
  g_assert_cmpfloat (geometry->height, >, 30);
  client = moped_graphviz_geometry_lookup (geometry, "client");
  server = moped_graphviz_geometry_lookup (geometry, "server");
  g_assert_nonnull (client);
  g_assert_nonnull (server);
  /* Left to right, y down, inside the bounds. */
  g_assert_cmpfloat (client->x + client->width, <, server->x);
  g_assert_cmpfloat (client->y, >=, 0);
  g_assert_cmpfloat (server->y + server->height, <=, geometry->height + 0.01);
  g_assert_cmpuint (geometry->ops->len, >, 10);
  for (guint i = 0; i < geometry->ops->len; i++)
    {
      const MopedGraphvizOp *op = g_ptr_array_index (geometry->ops, i);

      if (op->kind == MOPED_GRAPHVIZ_OP_TEXT && g_str_equal (op->text, "Client"))
        {
          saw_name = TRUE;
          g_assert_cmpfloat (op->points[0], >=, client->x);
          g_assert_cmpfloat (op->points[0], <=, client->x + client->width);
          g_assert_cmpfloat (op->points[1], >=, client->y);
          g_assert_cmpfloat (op->points[1], <=, client->y + client->height);
          g_assert_true (op->font_flags & MOPED_GRAPHVIZ_FONT_BOLD);
        }
    }
  g_assert_true (saw_name);
}

static void
test_graphviz_errors (void)
{
  static const char broken[] = "digraph { a -> }";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = moped_graphviz_run (broken, strlen (broken), MOPED_LAYOUT_ENGINE_DOT,
                                                MOPED_GRAPHVIZ_OUTPUT_POSITIONS, &error);
  g_autoptr(MopedGraphvizGeometry) geometry = NULL;

  g_assert_null (bytes);
  g_assert_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT);
  g_assert_nonnull (strstr (error->message, "syntax error"));
  g_clear_error (&error);

  geometry = moped_graphviz_geometry_parse ("not a layout", 12, &error);
  g_assert_null (geometry);
  g_assert_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT);
  g_clear_error (&error);
  geometry = moped_graphviz_geometry_parse ("moped-geometry\t1\nnode\tx\t1\n", 24, &error);
  g_assert_null (geometry);
  g_assert_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT);
}

static void
test_names (void)
{
  for (guint e = 0; e < MOPED_N_LAYOUT_ENGINES; e++)
    {
      MopedLayoutEngine back;

      g_assert_true (moped_layout_engine_from_name (moped_layout_engine_get_name (e), &back));
      g_assert_cmpint (back, ==, e);
    }
  for (guint d = 0; d < MOPED_N_LAYOUT_DIRECTIONS; d++)
    {
      MopedLayoutDirection back;

      g_assert_true (moped_layout_direction_from_name (moped_layout_direction_get_name (d), &back));
      g_assert_cmpint (back, ==, d);
    }
  g_assert_false (moped_layout_engine_from_name ("sfdp", &(MopedLayoutEngine) { 0 }));
  g_assert_false (moped_layout_direction_from_name ("RL", &(MopedLayoutDirection) { 0 }));
}

/* ---- Arrange ------------------------------------------------------------------ */

typedef struct
{
  double x, y, width, height;
} Rect;

static Rect
rect_of (MopedElement *element)
{
  return (Rect) {
    moped_element_get_double (element, MOPED_PROP_X), moped_element_get_double (element, MOPED_PROP_Y),
    moped_element_get_double (element, MOPED_PROP_WIDTH), moped_element_get_double (element, MOPED_PROP_HEIGHT),
  };
}

static gboolean
rects_overlap (const Rect *a,
               const Rect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

/* No two boxes (nodes and notes) overlap. */
static void
assert_no_overlap (MopedDesign *design)
{
  g_autoptr(GPtrArray) boxes = moped_design_collect (design, MOPED_KIND_NODE);
  g_autoptr(GPtrArray) notes = moped_design_collect (design, MOPED_KIND_NOTE);

  g_ptr_array_extend (boxes, notes, NULL, NULL);
  for (guint i = 0; i < boxes->len; i++)
    for (guint j = i + 1; j < boxes->len; j++)
      {
        Rect a = rect_of (g_ptr_array_index (boxes, i));
        Rect b = rect_of (g_ptr_array_index (boxes, j));

        if (rects_overlap (&a, &b))
          g_error ("%s (%g,%g %gx%g) overlaps %s (%g,%g %gx%g)",
                   moped_element_get_id (g_ptr_array_index (boxes, i)), a.x, a.y, a.width, a.height,
                   moped_element_get_id (g_ptr_array_index (boxes, j)), b.x, b.y, b.width, b.height);
      }
}

static char *
snapshot (MopedDesign *design)
{
  return moped_file_to_data (design, NULL);
}

static void
check_arrange (MopedDesign          *design,
               MopedLayoutEngine     engine,
               MopedLayoutDirection  direction)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = snapshot (design);
  g_autofree char *after = NULL;
  g_autofree char *again = NULL;
  g_autofree char *undone = NULL;
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean moved = FALSE;
  gboolean ok;

  g_test_message ("%s %s", moped_layout_engine_get_name (engine), moped_layout_direction_get_name (direction));
  ok = moped_layout_arrange (design, engine, direction, 0, &moved, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (moved);
  g_assert_cmpstr (moped_design_get_undo_label (design), ==, "Arrange");

  /* Every node has its own place, in whole units, none on another. */
  for (guint i = 0; i < nodes->len; i++)
    {
      Rect r = rect_of (g_ptr_array_index (nodes, i));
      char *key = g_strdup_printf ("%g,%g", r.x, r.y);

      g_assert_cmpfloat (r.x, ==, round (r.x));
      g_assert_cmpfloat (r.y, ==, round (r.y));
      g_assert_false (g_hash_table_contains (seen, key));
      g_hash_table_add (seen, key);
    }
  assert_no_overlap (design);

  /* Arranging again moves nothing and adds no undo step. */
  after = snapshot (design);
  ok = moped_layout_arrange (design, engine, direction, 0, &moved, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (moved);
  again = snapshot (design);
  g_assert_cmpstr (after, ==, again);

  /* One undo step brings the old positions back. */
  g_assert_true (moped_design_undo (design));
  undone = snapshot (design);
  g_assert_cmpstr (undone, ==, before);
  g_assert_true (moped_design_redo (design));
}

static void
test_arrange_engines (void)
{
  for (guint e = MOPED_LAYOUT_ENGINE_DOT; e < MOPED_LAYOUT_ENGINE_CANVAS; e++)
    for (guint d = 0; d < MOPED_N_LAYOUT_DIRECTIONS; d++)
      {
        g_autoptr(MopedDesign) design = generate_design (30, 7);

        if (e != MOPED_LAYOUT_ENGINE_DOT && d != MOPED_LAYOUT_LEFT_RIGHT)
          continue;
        check_arrange (design, e, d);
      }
}

static void
test_arrange_examples (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (example_names); i++)
    {
      g_autoptr(MopedDesign) design = load_example (example_names[i]);
      g_autoptr(GError) error = NULL;
      gboolean moved;

      g_test_message ("%s", example_names[i]);
      g_assert_true (moped_layout_arrange (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT,
                                           0, &moved, &error));
      g_assert_no_error (error);
      assert_no_overlap (design);
      g_assert_true (moped_layout_arrange (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT,
                                           0, &moved, &error));
      g_assert_false (moved);
    }
}

static void
pin (MopedDesign  *design,
     MopedElement *node,
     double        x,
     double        y)
{
  moped_design_set_double (design, node, MOPED_PROP_X, x);
  moped_design_set_double (design, node, MOPED_PROP_Y, y);
  moped_design_set_bool (design, node, MOPED_PROP_PINNED, TRUE);
}

static void
test_arrange_pinned (void)
{
  for (guint e = MOPED_LAYOUT_ENGINE_DOT; e < MOPED_LAYOUT_ENGINE_CANVAS; e++)
    {
      g_autoptr(MopedDesign) design = generate_design (25, 3);
      g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
      MopedElement *a = g_ptr_array_index (nodes, 3);
      MopedElement *b = g_ptr_array_index (nodes, 17);
      MopedElement *note = moped_design_add (design, moped_design_get_root (design), MOPED_KIND_NOTE, -1, NULL);
      Rect note_rect;

      g_test_message ("%s", moped_layout_engine_get_name (e));
      pin (design, a, 500, 300);
      pin (design, b, 900, 700);
      moped_design_set_double (design, note, MOPED_PROP_X, 200);
      moped_design_set_double (design, note, MOPED_PROP_Y, 400);
      note_rect = rect_of (note);
      check_arrange (design, e, MOPED_LAYOUT_LEFT_RIGHT);
      g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_X), ==, 500);
      g_assert_cmpfloat (moped_element_get_double (a, MOPED_PROP_Y), ==, 300);
      g_assert_cmpfloat (moped_element_get_double (b, MOPED_PROP_X), ==, 900);
      g_assert_cmpfloat (moped_element_get_double (b, MOPED_PROP_Y), ==, 700);
      g_assert_cmpfloat (rect_of (note).x, ==, note_rect.x);
      g_assert_cmpfloat (rect_of (note).y, ==, note_rect.y);
    }
}

static void
test_arrange_without_pins_starts_at_margin (void)
{
  g_autoptr(MopedDesign) design = generate_design (10, 5);
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  g_autoptr(GError) error = NULL;
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE;

  g_assert_true (moped_layout_arrange (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_TOP_BOTTOM, 0, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < nodes->len; i++)
    {
      Rect r = rect_of (g_ptr_array_index (nodes, i));

      min_x = MIN (min_x, r.x);
      min_y = MIN (min_y, r.y);
    }
  g_assert_cmpfloat (min_x, ==, MOPED_LAYOUT_MARGIN);
  g_assert_cmpfloat (min_y, ==, MOPED_LAYOUT_MARGIN);
}

/* The sockets are ports: in a left-to-right layout a node whose out socket links to
 * a node with the in socket lies to the left of it. */
static void
test_arrange_follows_links (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  g_autoptr(GError) error = NULL;
  MopedElement *client = moped_design_lookup (design, "client");
  MopedElement *broker = moped_design_lookup (design, "broker");
  MopedElement *worker = moped_design_lookup (design, "worker");

  g_assert_true (moped_layout_arrange (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (rect_of (client).x + rect_of (client).width, <, rect_of (broker).x);
  g_assert_cmpfloat (rect_of (broker).x + rect_of (broker).width, <, rect_of (worker).x);
  g_assert_true (moped_layout_arrange (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_TOP_BOTTOM, 0, NULL, &error));
  g_assert_cmpfloat (rect_of (client).y + rect_of (client).height, <, rect_of (broker).y);
  g_assert_cmpfloat (rect_of (broker).y + rect_of (broker).height, <, rect_of (worker).y);
}

typedef struct
{
  MopedLayoutPositions *positions;
  GError               *error;
  gboolean              done;
} AsyncResult;

static void
on_arranged (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncResult *async = user_data;

  async->positions = moped_layout_arrange_finish (MOPED_DESIGN (source), result, &async->error);
  async->done = TRUE;
}

static void
test_arrange_async (void)
{
  g_autoptr(MopedDesign) design = generate_design (60, 11);
  g_autofree char *before = snapshot (design);
  g_autofree char *untouched = NULL;
  AsyncResult async = { NULL, NULL, FALSE };
  gint64 start = g_get_monotonic_time ();
  guint iterations = 0;

  moped_layout_arrange_async (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT, 0, NULL,
                              on_arranged, &async);
  /* The main loop keeps running while graphviz works in its own process. */
  while (!async.done)
    {
      g_main_context_iteration (NULL, TRUE);
      iterations++;
      g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
    }
  g_assert_no_error (async.error);
  untouched = snapshot (design);
  g_assert_cmpstr (before, ==, untouched);
  g_assert_cmpuint (async.positions->len, ==, 60);
  g_assert_true (moped_layout_apply (design, async.positions));
  assert_no_overlap (design);
  g_assert_false (moped_layout_apply (design, async.positions));
  g_array_unref (async.positions);
}

static void
test_arrange_cancel (void)
{
  g_autoptr(MopedDesign) design = generate_design (400, 13);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *before = snapshot (design);
  g_autofree char *after = NULL;
  AsyncResult async = { NULL, NULL, FALSE };

  moped_layout_arrange_async (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT, 0, cancellable,
                              on_arranged, &async);
  g_cancellable_cancel (cancellable);
  while (!async.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (async.positions);
  g_clear_error (&async.error);
  after = snapshot (design);
  g_assert_cmpstr (before, ==, after);
}

/* ---- a layout helper that crashes, hangs or fails ------------------------------ */

static char *
write_helper (const char *dir,
              const char *name,
              const char *body)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\n%s\n", body);

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  return path;
}

static void
check_helper_failure (const char *program,
                      guint       timeout_ms,
                      const char *expected)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  g_autofree char *before = snapshot (design);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  moped_layout_runner_set_program (program);
  g_assert_false (moped_layout_arrange (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT,
                                        timeout_ms, NULL, &error));
  moped_layout_runner_set_program (NULL);
  g_assert_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  after = snapshot (design);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (moped_design_can_undo (design));
}

static void
test_runner_failures (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("moped-runner-XXXXXX", &error);
  g_autofree char *crash = write_helper (dir, "crash", "kill -SEGV $$");
  g_autofree char *crash_early = write_helper (dir, "crash-early", "exec 0<&-; kill -SEGV $$");
  g_autofree char *hang = write_helper (dir, "hang", "exec sleep 30");
  g_autofree char *fail = write_helper (dir, "fail", "read request; echo 'trouble in init_rank' >&2; exit 1");
  g_autofree char *junk = write_helper (dir, "junk", "read request; echo hello; exec sleep 30");
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);

  g_assert_no_error (error);
  check_helper_failure (crash, 0, "crashed (Segmentation fault)");
  check_helper_failure (crash_early, 0, "crashed");
  check_helper_failure (hang, 300, "longer than 0.3 s");
  check_helper_failure (fail, 0, "trouble in init_rank");
  check_helper_failure (junk, 0, "not a layout");
  check_helper_failure (missing, 0, "Could not start the layout helper");
  /* After all that, graphviz works as ever (a fresh helper). */
  {
    g_autoptr(MopedDesign) design = load_example ("hello.moped");

    g_assert_true (moped_layout_arrange (design, MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT, 0, NULL, &error));
    g_assert_no_error (error);
  }
  g_unlink (crash);
  g_unlink (crash_early);
  g_unlink (hang);
  g_unlink (fail);
  g_unlink (junk);
  g_rmdir (dir);
}

/* Graphviz's own complaint comes back as the error; the helper stays usable. */
static void
test_runner_graphviz_error (void)
{
  static const char broken[] = "digraph { a -> }";
  static const char fine[] = "digraph { a -> b }";
  g_autoptr(GBytes) dot = g_bytes_new_static (broken, strlen (broken));
  g_autoptr(GBytes) good = g_bytes_new_static (fine, strlen (fine));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) result = NULL;
  g_autoptr(MopedGraphvizGeometry) geometry = NULL;

  result = moped_layout_runner_run (dot, MOPED_LAYOUT_ENGINE_DOT, MOPED_GRAPHVIZ_OUTPUT_POSITIONS, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_LAYOUT);
  g_assert_nonnull (strstr (error->message, "Graphviz could not read the graph"));
  g_assert_nonnull (strstr (error->message, "syntax error"));
  g_clear_error (&error);

  result = moped_layout_runner_run (good, MOPED_LAYOUT_ENGINE_DOT, MOPED_GRAPHVIZ_OUTPUT_POSITIONS, 0, NULL, &error);
  g_assert_no_error (error);
  geometry = moped_graphviz_geometry_parse (g_bytes_get_data (result, NULL), g_bytes_get_size (result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (geometry->nodes->len, ==, 2);
}

/* `PROGRAM __layout ENGINE OUTPUT` lays out stdin once, for people debugging. */
static void
test_runner_one_shot (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) input = g_bytes_new_static ("digraph { a -> b }", 18);
  g_autoptr(GBytes) output = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              self, MOPED_LAYOUT_RUNNER_VERB, "dot", "positions", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (process, input, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  g_assert_true (g_str_has_prefix (g_bytes_get_data (output, NULL), "moped-geometry\t1\n"));
  g_clear_object (&process);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, self, MOPED_LAYOUT_RUNNER_VERB, "nope", NULL);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  if (argc > 1 && g_str_equal (argv[1], MOPED_LAYOUT_RUNNER_VERB))
    return moped_layout_runner_child_main (argc - 1, argv + 1);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graphviz/names", test_names);
  g_test_add_func ("/graphviz/dot/parsed-by-dot", test_dot_parsed_by_dot_program);
  g_test_add_func ("/graphviz/dot/layout-graph-parsed-by-dot", test_dot_layout_graph_parsed_by_dot_program);
  g_test_add_func ("/graphviz/dot/content", test_dot_content);
  g_test_add_func ("/graphviz/dot/hostile-text", test_dot_hostile_text);
  g_test_add_func ("/graphviz/dot/large-design-xlabels", test_dot_large_design_uses_xlabels);
  g_test_add_func ("/graphviz/dot/diagnostic-colours", test_dot_diagnostic_colours);
  g_test_add_func ("/graphviz/geometry", test_graphviz_geometry);
  g_test_add_func ("/graphviz/errors", test_graphviz_errors);
  g_test_add_func ("/graphviz/arrange/engines", test_arrange_engines);
  g_test_add_func ("/graphviz/arrange/examples", test_arrange_examples);
  g_test_add_func ("/graphviz/arrange/pinned", test_arrange_pinned);
  g_test_add_func ("/graphviz/arrange/margin", test_arrange_without_pins_starts_at_margin);
  g_test_add_func ("/graphviz/arrange/follows-links", test_arrange_follows_links);
  g_test_add_func ("/graphviz/arrange/async", test_arrange_async);
  g_test_add_func ("/graphviz/arrange/cancel", test_arrange_cancel);
  g_test_add_func ("/graphviz/runner/failures", test_runner_failures);
  g_test_add_func ("/graphviz/runner/graphviz-error", test_runner_graphviz_error);
  g_test_add_func ("/graphviz/runner/one-shot", test_runner_one_shot);
  return g_test_run ();
}
