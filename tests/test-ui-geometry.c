/* test-ui-geometry.c: the canvas layout and hit-testing, checked without a display.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <math.h>

#include "moped-canvas-geometry.h"
#include "moped-file.h"
#include "moped-test-util.h"

typedef struct
{
  MopedDesign  *design;
  MopedElement *client, *server, *req, *rep;
  MopedElement *link, *note;
} Fixture;

static void
fixture_init (Fixture *f)
{
  f->design = moped_design_new ();
  f->client = moped_test_add_node_at (f->design, "Client", 40, 100);
  f->server = moped_test_add_node_at (f->design, "Server", 400, 100);
  f->req = moped_test_add_socket (f->design, f->client, "server", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  f->rep = moped_test_add_socket (f->design, f->server, "clients", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  f->link = moped_test_add_link (f->design, f->req, f->rep, "tcp://*:5555");
  f->note = moped_design_add (f->design, moped_design_get_root (f->design), MOPED_KIND_NOTE, -1, NULL);
  moped_design_set_double (f->design, f->note, MOPED_PROP_X, 40);
  moped_design_set_double (f->design, f->note, MOPED_PROP_Y, 400);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->design);
}

static void
test_boxes_and_ports (void)
{
  Fixture f;
  g_autoptr(MopedCanvasGeometry) geometry = NULL;
  const MopedCanvasBox *box;
  const MopedCanvasPort *req, *rep;

  fixture_init (&f);
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);

  box = moped_canvas_geometry_get_box (geometry, f.client);
  g_assert_nonnull (box);
  g_assert_cmpfloat (box->rect.x, ==, 40);
  g_assert_cmpfloat (box->rect.y, ==, 100);
  g_assert_cmpfloat (box->rect.width, ==, 180);   /* the schema's default */
  g_assert_cmpfloat (box->rect.height, ==, 90);
  g_assert_cmpuint (box->ports->len, ==, 1);
  g_assert_true (moped_canvas_rect_encloses (&box->bounds, &box->rect));

  /* Ports face each other: the client is on the left. */
  req = moped_canvas_geometry_get_port (geometry, f.req);
  rep = moped_canvas_geometry_get_port (geometry, f.rep);
  g_assert_cmpint (req->side, ==, MOPED_CANVAS_SIDE_RIGHT);
  g_assert_cmpint (rep->side, ==, MOPED_CANVAS_SIDE_LEFT);
  g_assert_cmpfloat (req->center.x, ==, 220);
  g_assert_cmpfloat (rep->center.x, ==, 400);
  g_assert_cmpfloat (req->center.y, >, 100 + MOPED_CANVAS_HEADER_HEIGHT);
  g_assert_cmpfloat (req->center.y, <, 190);
  /* Chips are inside their box. */
  g_assert_true (moped_canvas_rect_encloses (&box->rect, &req->chip));
  g_assert_cmpfloat (req->chip.x + req->chip.width, <, req->center.x);
  g_assert_cmpfloat (rep->chip.x, >, rep->center.x);

  /* The note has no ports. */
  box = moped_canvas_geometry_get_box (geometry, f.note);
  g_assert_nonnull (box);
  g_assert_null (box->ports);
  g_assert_cmpfloat (box->rect.width, ==, 200);

  fixture_clear (&f);
}

static void
test_link_curve (void)
{
  Fixture f;
  g_autoptr(MopedCanvasGeometry) geometry = NULL;
  const MopedCanvasLinkCurve *curve;
  const MopedCanvasPort *req, *rep;
  MopedCanvasPoint mid;

  fixture_init (&f);
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);
  curve = moped_canvas_geometry_get_link_curve (geometry, f.link);
  req = moped_canvas_geometry_get_port (geometry, f.req);
  rep = moped_canvas_geometry_get_port (geometry, f.rep);
  g_assert_nonnull (curve);
  g_assert_true (curve->from == f.req && curve->to == f.rep);
  g_assert_cmpfloat (curve->p[0].x, ==, req->center.x);
  g_assert_cmpfloat (curve->p[3].x, ==, rep->center.x);
  /* Leaves each port outwards. */
  g_assert_cmpfloat (curve->p[1].x, >, curve->p[0].x);
  g_assert_cmpfloat (curve->p[2].x, <, curve->p[3].x);
  mid = moped_canvas_link_curve_point (curve, 0.5);
  g_assert_cmpfloat_with_epsilon (mid.x, curve->middle.x, 1e-9);
  /* One label line: the endpoint (no label, no protocol). */
  g_assert_cmpfloat (curve->label.width, >, 0);
  g_assert_cmpfloat_with_epsilon (curve->label.x + curve->label.width / 2, mid.x, 1e-9);
  g_assert_cmpfloat_with_epsilon (curve->label.height, MOPED_CANVAS_LABEL_LINE + 6, 1e-9);

  g_assert_false (curve->label_inline);

  /* A label goes on the same line where the ports are far apart... */
  moped_canvas_geometry_free (g_steal_pointer (&geometry));
  moped_design_set_string (f.design, f.link, MOPED_PROP_LABEL, "hello");
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);
  curve = moped_canvas_geometry_get_link_curve (geometry, f.link);
  g_assert_true (curve->label_inline);
  g_assert_cmpfloat_with_epsilon (curve->label.height, MOPED_CANVAS_LABEL_LINE + 6, 1e-9);

  /* ...and on a line of its own where they are close. */
  moped_canvas_geometry_free (g_steal_pointer (&geometry));
  moped_design_set_double (f.design, f.server, MOPED_PROP_X, 300);
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);
  curve = moped_canvas_geometry_get_link_curve (geometry, f.link);
  g_assert_false (curve->label_inline);
  g_assert_cmpfloat_with_epsilon (curve->label.height, 2 * MOPED_CANVAS_LABEL_LINE + 6, 1e-9);

  fixture_clear (&f);
}

static double
measure_fixed (const char           *text,
               MopedCanvasTextStyle  style,
               gpointer              user_data)
{
  return 10.0 * g_utf8_strlen (text, -1);
}

static gboolean
covers_an_end (const MopedCanvasRect *label,
               const MopedCanvasBox  *a,
               const MopedCanvasBox  *b)
{
  return moped_canvas_rect_intersects (label, &a->rect) || moped_canvas_rect_intersects (label, &b->rect);
}

/* A link's label keeps clear of the two nodes it joins whenever some place along the
 * curve is clear; where none is (the nodes nearly touch), it is drawn and hit above
 * them, so the nodes never cut it. */
static void
test_label_clear_of_nodes (void)
{
  static const double candidates[] = { 0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8 };
  Fixture f;
  guint moved = 0, squeezed = 0;

  fixture_init (&f);
  for (double dx = 200; dx <= 420; dx += 20)
    for (double dy = -160; dy <= 160; dy += 40)
      {
        g_autoptr(MopedCanvasGeometry) geometry = NULL;
        const MopedCanvasLinkCurve *curve;
        const MopedCanvasBox *a, *b;
        gboolean any_clear = FALSE;

        moped_design_set_double (f.design, f.server, MOPED_PROP_X, 40 + dx);
        moped_design_set_double (f.design, f.server, MOPED_PROP_Y, 100 + dy);
        geometry = moped_canvas_geometry_new (f.design, NULL, NULL);
        curve = moped_canvas_geometry_get_link_curve (geometry, f.link);
        a = moped_canvas_geometry_get_box (geometry, f.client);
        b = moped_canvas_geometry_get_box (geometry, f.server);
        for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
          {
            MopedCanvasPoint at = moped_canvas_link_curve_point (curve, candidates[i]);
            MopedCanvasRect label = { at.x - curve->label.width / 2, at.y - curve->label.height / 2,
                                      curve->label.width, curve->label.height };

            any_clear = any_clear || !covers_an_end (&label, a, b);
          }
        if (any_clear)
          g_assert_false (covers_an_end (&curve->label, a, b));
        else
          {
            /* Squeezed: the label's middle picks the link, not the node under it. */
            double x = curve->label.x + curve->label.width / 2, y = curve->label.y + curve->label.height / 2;

            squeezed++;
            if (moped_canvas_rect_contains (&b->rect, x, y) || moped_canvas_rect_contains (&a->rect, x, y))
              g_assert_true (moped_canvas_geometry_hit (geometry, x, y, 0) == f.link);
          }
        {
          MopedCanvasPoint mid = moped_canvas_link_curve_point (curve, 0.5);

          moved += fabs (curve->middle.x - mid.x) > 1e-9 || fabs (curve->middle.y - mid.y) > 1e-9;
        }
      }
  /* Both cases happened: labels moved off the middle, and labels with nowhere to go. */
  g_assert_cmpuint (moved, >, 0);
  g_assert_cmpuint (squeezed, >, 0);
  fixture_clear (&f);
}

static void
test_measure (void)
{
  Fixture f;
  g_autoptr(MopedCanvasGeometry) geometry = NULL;
  const MopedCanvasPort *req;

  fixture_init (&f);
  geometry = moped_canvas_geometry_new (f.design, measure_fixed, NULL);
  req = moped_canvas_geometry_get_port (geometry, f.req);
  g_assert_cmpfloat (req->chip.width, ==, 30 + 2 * MOPED_CANVAS_CHIP_PADDING);
  fixture_clear (&f);
}

static void
test_hit (void)
{
  Fixture f;
  g_autoptr(MopedCanvasGeometry) geometry = NULL;
  const MopedCanvasPort *rep;
  const MopedCanvasLinkCurve *curve;
  MopedCanvasPoint on_curve;

  fixture_init (&f);
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);
  rep = moped_canvas_geometry_get_port (geometry, f.rep);
  curve = moped_canvas_geometry_get_link_curve (geometry, f.link);

  g_assert_true (moped_canvas_geometry_hit (geometry, 130, 120, 4) == f.client);
  g_assert_true (moped_canvas_geometry_hit (geometry, rep->center.x - 2, rep->center.y + 1, 4) == f.rep);
  g_assert_true (moped_canvas_geometry_hit (geometry, rep->chip.x + 2, rep->chip.y + 2, 4) == f.rep);
  g_assert_true (moped_canvas_geometry_hit (geometry, curve->middle.x, curve->middle.y, 4) == f.link);
  on_curve = moped_canvas_link_curve_point (curve, 0.15);
  g_assert_true (moped_canvas_geometry_hit (geometry, on_curve.x, on_curve.y + 3, 4) == f.link);
  g_assert_null (moped_canvas_geometry_hit (geometry, on_curve.x, on_curve.y + 30, 4));
  g_assert_true (moped_canvas_geometry_hit (geometry, 60, 420, 4) == f.note);
  g_assert_null (moped_canvas_geometry_hit (geometry, 1000, 1000, 4));

  g_assert_true (moped_canvas_geometry_port_at (geometry, rep->center.x + 8, rep->center.y, 10) == f.rep);
  g_assert_null (moped_canvas_geometry_port_at (geometry, rep->center.x + 30, rep->center.y, 10));

  fixture_clear (&f);
}

static gboolean
contains (GPtrArray    *array,
          MopedElement *element)
{
  return g_ptr_array_find (array, element, NULL);
}

static void
test_in_rect_and_query (void)
{
  Fixture f;
  g_autoptr(MopedCanvasGeometry) geometry = NULL;
  g_autoptr(GPtrArray) inside = NULL;
  g_autoptr(GPtrArray) boxes = g_ptr_array_new ();
  g_autoptr(GPtrArray) curves = g_ptr_array_new ();
  MopedCanvasRect all = { 0, 0, 700, 600 };
  MopedCanvasRect left = { 0, 50, 300, 200 };
  MopedCanvasRect far = { 2000, 2000, 100, 100 };
  MopedCanvasRect extents;

  fixture_init (&f);
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);

  inside = moped_canvas_geometry_in_rect (geometry, &all);
  g_assert_cmpuint (inside->len, ==, 4);
  g_assert_true (g_ptr_array_index (inside, 0) == f.note);  /* drawing order: notes first */
  g_assert_true (contains (inside, f.client) && contains (inside, f.server) && contains (inside, f.link));
  g_ptr_array_unref (g_steal_pointer (&inside));
  inside = moped_canvas_geometry_in_rect (geometry, &left);
  g_assert_cmpuint (inside->len, ==, 1);
  g_assert_true (g_ptr_array_index (inside, 0) == f.client);

  moped_canvas_geometry_query (geometry, &left, boxes, curves);
  g_assert_cmpuint (boxes->len, ==, 1);
  g_assert_cmpuint (curves->len, ==, 1);
  g_ptr_array_set_size (boxes, 0);
  g_ptr_array_set_size (curves, 0);
  moped_canvas_geometry_query (geometry, &far, boxes, curves);
  g_assert_cmpuint (boxes->len + curves->len, ==, 0);

  g_assert_true (moped_canvas_geometry_get_extents (geometry, &extents));
  g_assert_cmpfloat (extents.x, <=, 40 - MOPED_CANVAS_BOX_MARGIN);
  g_assert_cmpfloat (extents.x + extents.width, >=, 580 + MOPED_CANVAS_BOX_MARGIN);
  g_assert_cmpfloat (extents.y + extents.height, >=, 520 + MOPED_CANVAS_BOX_MARGIN);

  fixture_clear (&f);
}

static void
test_empty (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  g_autoptr(MopedCanvasGeometry) geometry = moped_canvas_geometry_new (design, NULL, NULL);
  MopedCanvasRect extents;

  g_assert_false (moped_canvas_geometry_get_extents (geometry, &extents));
  g_assert_null (moped_canvas_geometry_hit (geometry, 0, 0, 10));
}

static void
test_pairs (void)
{
  Fixture f;
  g_autoptr(MopedCanvasGeometry) geometry = NULL;
  MopedElement *pub, *sub, *router, *lone_rep, *req2, *own_rep;

  fixture_init (&f);
  pub = moped_test_add_socket (f.design, f.server, "updates", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
  sub = moped_test_add_socket (f.design, f.client, "updates", MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_BIND);
  router = moped_test_add_socket (f.design, f.server, "async", MOPED_SOCKET_ROUTER, MOPED_SOCKET_MODE_CONNECT);
  req2 = moped_test_add_socket (f.design, f.client, "second", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  own_rep = moped_test_add_socket (f.design, f.client, "loopback", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  lone_rep = moped_test_add_socket (f.design, moped_test_add_node_at (f.design, "Other", 400, 400), "x", MOPED_SOCKET_REP,
                         MOPED_SOCKET_MODE_BIND);
  moped_test_add_link (f.design, pub,
            moped_test_add_socket (f.design, moped_test_add_node_at (f.design, "Listener", 800, 400), "l", MOPED_SOCKET_SUB,
                        MOPED_SOCKET_MODE_CONNECT),
            "tcp://*:6000");
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);

  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, req2, lone_rep), ==, MOPED_CANVAS_PAIR_VALID);
  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, f.req, f.rep), ==, MOPED_CANVAS_PAIR_LINKED);
  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, f.rep, f.req), ==, MOPED_CANVAS_PAIR_LINKED);
  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, f.req, pub), ==, MOPED_CANVAS_PAIR_INCOMPATIBLE);
  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, f.req, f.req), ==, MOPED_CANVAS_PAIR_SAME_SOCKET);
  /* Two sockets of one node: allowed, as validation allows it (same-node-link, info). */
  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, req2, own_rep), ==, MOPED_CANVAS_PAIR_VALID);
  /* Both connect: the unlinked target is the one to flip... */
  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, f.req, router), ==, MOPED_CANVAS_PAIR_FLIP_TO);
  /* ...or the source, when the target has links. */
  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, sub, pub), ==, MOPED_CANVAS_PAIR_FLIP_FROM);
  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, req2, f.rep), ==, MOPED_CANVAS_PAIR_VALID);
  g_assert_true (moped_canvas_pair_is_valid (MOPED_CANVAS_PAIR_FLIP_TO));
  g_assert_false (moped_canvas_pair_is_valid (MOPED_CANVAS_PAIR_INCOMPATIBLE));
  g_assert_nonnull (moped_canvas_pair_describe (MOPED_CANVAS_PAIR_INCOMPATIBLE));
  g_assert_null (moped_canvas_pair_describe (MOPED_CANVAS_PAIR_VALID));

  fixture_clear (&f);
}

static void
test_mode_conflict (void)
{
  Fixture f;
  g_autoptr(MopedCanvasGeometry) geometry = NULL;
  MopedElement *other_client, *other_req, *other_server, *other_rep;

  fixture_init (&f);
  other_client = moped_test_add_node_at (f.design, "Client 2", 40, 300);
  other_req = moped_test_add_socket (f.design, other_client, "s", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  other_server = moped_test_add_node_at (f.design, "Server 2", 400, 300);
  other_rep = moped_test_add_socket (f.design, other_server, "c", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_CONNECT);
  moped_test_add_link (f.design, other_req, other_rep, "");
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);
  /* f.req connects and is linked; other_rep connects and is linked. */
  g_assert_cmpint (moped_canvas_geometry_check_pair (geometry, f.req, other_rep), ==,
                   MOPED_CANVAS_PAIR_MODE_CONFLICT);
  fixture_clear (&f);
}

static void
test_peer_type (void)
{
  g_assert_cmpint (moped_canvas_peer_type (MOPED_SOCKET_REQ), ==, MOPED_SOCKET_REP);
  g_assert_cmpint (moped_canvas_peer_type (MOPED_SOCKET_PUB), ==, MOPED_SOCKET_SUB);
  g_assert_cmpint (moped_canvas_peer_type (MOPED_SOCKET_SUB), ==, MOPED_SOCKET_PUB);
  g_assert_cmpint (moped_canvas_peer_type (MOPED_SOCKET_PUSH), ==, MOPED_SOCKET_PULL);
  g_assert_cmpint (moped_canvas_peer_type (MOPED_SOCKET_RADIO), ==, MOPED_SOCKET_DISH);
  for (guint t = 0; t < MOPED_N_SOCKET_TYPES; t++)
    {
      MopedSocketType peer = moped_canvas_peer_type (t);

      g_assert_true (moped_socket_types_compatible (t, peer));
      if (!moped_socket_type_get_info (t)->draft)
        g_assert_false (moped_socket_type_get_info (peer)->draft);
    }
}

static void
test_endpoint (void)
{
  Fixture f;
  g_autofree char *reused = NULL;
  g_autofree char *fresh = NULL;
  MopedElement *pull;

  fixture_init (&f);
  reused = moped_canvas_suggest_endpoint (f.design, f.rep);
  g_assert_cmpstr (reused, ==, "tcp://*:5555");
  moped_test_add_link (f.design, f.req, f.rep, "tcp://*:5556");
  pull = moped_test_add_socket (f.design, f.server, "in", MOPED_SOCKET_PULL, MOPED_SOCKET_MODE_BIND);
  fresh = moped_canvas_suggest_endpoint (f.design, pull);
  g_assert_cmpstr (fresh, ==, "tcp://*:5557");
  fixture_clear (&f);
}

/* ---- incremental updates agree with a fresh layout ----------------------------- */

static void
changed_cb (MopedDesign  *design,
            const GArray *changes,
            gpointer      user_data)
{
  MopedCanvasGeometry *geometry = user_data;
  g_autoptr(GHashTable) dirty = g_hash_table_new (NULL, NULL);

  moped_canvas_geometry_update (geometry, changes, dirty);
}

static void
assert_same_layout (MopedCanvasGeometry *incremental,
                    MopedDesign         *design)
{
  g_autoptr(MopedCanvasGeometry) fresh = moped_canvas_geometry_new (design, NULL, NULL);
  MopedCanvasRect everything = { -1e6, -1e6, 2e6, 2e6 };
  g_autoptr(GPtrArray) boxes_a = g_ptr_array_new ();
  g_autoptr(GPtrArray) boxes_b = g_ptr_array_new ();
  g_autoptr(GPtrArray) curves_a = g_ptr_array_new ();
  g_autoptr(GPtrArray) curves_b = g_ptr_array_new ();

  moped_canvas_geometry_query (incremental, &everything, boxes_a, curves_a);
  moped_canvas_geometry_query (fresh, &everything, boxes_b, curves_b);
  g_assert_cmpuint (boxes_a->len, ==, boxes_b->len);
  g_assert_cmpuint (curves_a->len, ==, curves_b->len);
  for (guint i = 0; i < boxes_a->len; i++)
    {
      const MopedCanvasBox *a = g_ptr_array_index (boxes_a, i);
      const MopedCanvasBox *b = g_ptr_array_index (boxes_b, i);

      g_assert_true (a->element == b->element);
      g_assert_cmpmem (&a->rect, sizeof a->rect, &b->rect, sizeof b->rect);
      g_assert_cmpuint (a->ports ? a->ports->len : 0, ==, b->ports ? b->ports->len : 0);
      for (guint p = 0; a->ports != NULL && p < a->ports->len; p++)
        {
          const MopedCanvasPort *pa = g_ptr_array_index (a->ports, p);
          const MopedCanvasPort *pb = g_ptr_array_index (b->ports, p);

          g_assert_true (pa->socket == pb->socket);
          g_assert_true (moped_canvas_geometry_get_port (incremental, pa->socket) == pa);
          g_assert_cmpint (pa->side, ==, pb->side);
          g_assert_cmpmem (&pa->center, sizeof pa->center, &pb->center, sizeof pb->center);
        }
    }
  for (guint i = 0; i < curves_a->len; i++)
    {
      const MopedCanvasLinkCurve *a = g_ptr_array_index (curves_a, i);
      const MopedCanvasLinkCurve *b = g_ptr_array_index (curves_b, i);

      g_assert_true (a->link == b->link);
      g_assert_cmpmem (a->p, sizeof a->p, b->p, sizeof b->p);
      g_assert_cmpmem (&a->label, sizeof a->label, &b->label, sizeof b->label);
    }
}

static MopedElement *
pick (MopedDesign *design,
      MopedKind    kind,
      GRand       *rand)
{
  g_autoptr(GPtrArray) all = moped_design_collect (design, kind);

  if (all->len == 0)
    return NULL;
  return g_ptr_array_index (all, g_rand_int_range (rand, 0, all->len));
}

static void
random_edit (MopedDesign *design,
             GRand       *rand)
{
  MopedElement *node = pick (design, MOPED_KIND_NODE, rand);
  MopedElement *a, *b;

  switch (g_rand_int_range (rand, 0, 9))
    {
    case 0:
      moped_test_add_node_at (design, "n", g_rand_double_range (rand, -500, 500), g_rand_double_range (rand, -500, 500));
      break;
    case 1:
      if (node != NULL)
        moped_test_add_socket (design, node, "s", g_rand_int_range (rand, 0, MOPED_N_STABLE_SOCKET_TYPES),
                    g_rand_int_range (rand, 0, 2));
      break;
    case 2:
      a = pick (design, MOPED_KIND_SOCKET, rand);
      b = pick (design, MOPED_KIND_SOCKET, rand);
      if (a != NULL && b != NULL && a != b)
        moped_test_add_link (design, a, b, g_rand_boolean (rand) ? "tcp://*:1" : "");
      break;
    case 3:
    case 4:
      if (node != NULL)
        {
          moped_design_begin_coalescing (design, "Move", "drag");
          moped_design_set_double (design, node, MOPED_PROP_X, g_rand_double_range (rand, -500, 500));
          moped_design_set_double (design, node, MOPED_PROP_Y, g_rand_double_range (rand, -500, 500));
          moped_design_end (design);
        }
      break;
    case 5:
      a = pick (design, g_rand_boolean (rand) ? MOPED_KIND_NODE : MOPED_KIND_SOCKET, rand);
      if (a != NULL)
        moped_design_remove (design, a);
      break;
    case 6:
      moped_design_undo (design);
      break;
    case 7:
      moped_design_redo (design);
      break;
    case 8:
    default:
      if (node != NULL)
        moped_design_set_double (design, node, MOPED_PROP_HEIGHT, g_rand_double_range (rand, 60, 200));
      break;
    }
}

static void
test_incremental (void)
{
  Fixture f;
  MopedCanvasGeometry *geometry;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240607);

  fixture_init (&f);
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);
  g_signal_connect (f.design, "changed", G_CALLBACK (changed_cb), geometry);

  for (guint i = 0; i < 600; i++)
    {
      random_edit (f.design, rand);
      if (i % 10 == 0)
        assert_same_layout (geometry, f.design);
    }
  assert_same_layout (geometry, f.design);

  g_signal_handlers_disconnect_by_data (f.design, geometry);
  moped_canvas_geometry_free (geometry);
  fixture_clear (&f);
}

static void
test_dirty (void)
{
  Fixture f;
  MopedCanvasGeometry *geometry;
  g_autoptr(GHashTable) dirty = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (MopedChange));
  MopedChange change = { MOPED_CHANGE_SET, NULL, MOPED_PROP_X };

  fixture_init (&f);
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);

  /* A small move changes no port side: nothing needs drawing anew. */
  moped_design_set_double (f.design, f.server, MOPED_PROP_X, 420);
  change.element = f.server;
  g_array_append_val (changes, change);
  moped_canvas_geometry_update (geometry, changes, dirty);
  g_assert_cmpuint (g_hash_table_size (dirty), ==, 0);
  g_assert_cmpfloat (moped_canvas_geometry_get_box (geometry, f.server)->rect.x, ==, 420);
  g_assert_cmpfloat (moped_canvas_geometry_get_link_curve (geometry, f.link)->p[3].x, ==, 420);

  /* Moving the server to the other side flips both ports: both boxes look different. */
  moped_design_set_double (f.design, f.server, MOPED_PROP_X, -400);
  moped_canvas_geometry_update (geometry, changes, dirty);
  g_assert_true (g_hash_table_contains (dirty, f.server));
  g_assert_true (g_hash_table_contains (dirty, f.client));
  g_assert_cmpint (moped_canvas_geometry_get_port (geometry, f.req)->side, ==, MOPED_CANVAS_SIDE_LEFT);
  g_assert_cmpint (moped_canvas_geometry_get_port (geometry, f.rep)->side, ==, MOPED_CANVAS_SIDE_RIGHT);

  /* A new name changes the look. */
  g_hash_table_remove_all (dirty);
  g_array_set_size (changes, 0);
  moped_design_set_string (f.design, f.client, MOPED_PROP_NAME, "Renamed");
  change.element = f.client;
  change.prop = MOPED_PROP_NAME;
  g_array_append_val (changes, change);
  moped_canvas_geometry_update (geometry, changes, dirty);
  g_assert_true (g_hash_table_contains (dirty, f.client));
  g_assert_false (g_hash_table_contains (dirty, f.server));

  /* A socket's new type changes its node and the links it colours. */
  g_hash_table_remove_all (dirty);
  g_array_set_size (changes, 0);
  moped_design_set_enum (f.design, f.req, MOPED_PROP_TYPE, MOPED_SOCKET_DEALER);
  change.element = f.req;
  change.prop = MOPED_PROP_TYPE;
  g_array_append_val (changes, change);
  moped_canvas_geometry_update (geometry, changes, dirty);
  g_assert_true (g_hash_table_contains (dirty, f.client));
  g_assert_true (g_hash_table_contains (dirty, f.link));
  g_assert_false (g_hash_table_contains (dirty, f.server));

  moped_canvas_geometry_free (geometry);
  fixture_clear (&f);
}

/* Every bundled example: every link drawn, ports on one side never overlap. */
static void
test_examples (void)
{
  const char *dir = g_getenv ("MOPED_EXAMPLES");
  g_autoptr(GDir) d = NULL;
  const char *name;
  guint n = 0;

  if (dir == NULL)
    dir = "data/examples";
  d = g_dir_open (dir, 0, NULL);
  /* The examples are part of the tree: without them this test must fail, not pass quietly. */
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(MopedDesign) design = NULL;
      g_autoptr(MopedCanvasGeometry) geometry = NULL;
      g_autoptr(GPtrArray) links = NULL;
      g_autoptr(GPtrArray) nodes = NULL;

      if (!g_str_has_suffix (name, ".moped"))
        continue;
      design = moped_file_load (path, &error);
      g_assert_no_error (error);
      geometry = moped_canvas_geometry_new (design, NULL, NULL);
      links = moped_design_collect (design, MOPED_KIND_LINK);
      for (guint i = 0; i < links->len; i++)
        g_assert_nonnull (moped_canvas_geometry_get_link_curve (geometry, g_ptr_array_index (links, i)));
      nodes = moped_design_collect (design, MOPED_KIND_NODE);
      for (guint i = 0; i < nodes->len; i++)
        {
          const MopedCanvasBox *box = moped_canvas_geometry_get_box (geometry, g_ptr_array_index (nodes, i));

          for (guint p = 1; p < box->ports->len; p++)
            {
              const MopedCanvasPort *a = g_ptr_array_index (box->ports, p - 1);
              const MopedCanvasPort *b = g_ptr_array_index (box->ports, p);

              if (a->side == b->side)
                g_assert_cmpfloat (b->center.y - a->center.y, >=, 2 * MOPED_CANVAS_PORT_RADIUS);
            }
        }
      n++;
    }
  g_assert_cmpuint (n, >, 0);
}

/* The arrow keys walk the drawing: client -> its socket -> the link -> the server's
 * socket -> the server, and back; nothing lies beyond the ends. */
static void
test_neighbour (void)
{
  Fixture f;
  g_autoptr(MopedCanvasGeometry) geometry = NULL;
  MopedCanvasPoint center;

  fixture_init (&f);
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);

  g_assert_true (moped_canvas_geometry_get_center (geometry, f.client, &center));
  g_assert_cmpfloat (center.x, ==, 40 + 90);
  g_assert_true (moped_canvas_geometry_get_center (geometry, f.req, &center));
  g_assert_cmpfloat (center.x, ==, 220);
  g_assert_true (moped_canvas_geometry_get_center (geometry, f.link, &center));
  g_assert_false (moped_canvas_geometry_get_center (geometry, moped_design_get_root (f.design), &center));

  g_assert_true (moped_canvas_geometry_neighbour (geometry, f.client, 1, 0) == f.req);
  g_assert_true (moped_canvas_geometry_neighbour (geometry, f.req, 1, 0) == f.link);
  g_assert_true (moped_canvas_geometry_neighbour (geometry, f.link, 1, 0) == f.rep);
  g_assert_true (moped_canvas_geometry_neighbour (geometry, f.rep, 1, 0) == f.server);
  g_assert_null (moped_canvas_geometry_neighbour (geometry, f.server, 1, 0));
  g_assert_true (moped_canvas_geometry_neighbour (geometry, f.server, -1, 0) == f.rep);
  g_assert_true (moped_canvas_geometry_neighbour (geometry, f.req, -1, 0) == f.client);
  /* The note lies below the client; above the client there is nothing. */
  g_assert_true (moped_canvas_geometry_neighbour (geometry, f.client, 0, 1) == f.note);
  g_assert_true (moped_canvas_geometry_neighbour (geometry, f.note, 0, -1) == f.client);
  g_assert_null (moped_canvas_geometry_neighbour (geometry, f.client, 0, -1));
  /* Not drawn: no neighbour. */
  g_assert_null (moped_canvas_geometry_neighbour (geometry, moped_design_get_root (f.design), 1, 0));

  fixture_clear (&f);
}

/* A process frames its nodes with room for its label; a host frames its processes;
 * a process without nodes gets no frame. */
static void
test_frames (void)
{
  Fixture f;
  g_autoptr(MopedCanvasGeometry) geometry = NULL;
  g_autoptr(GArray) none = NULL;
  g_autoptr(GArray) frames = NULL;
  MopedElement *root, *host, *process, *empty;
  const MopedCanvasFrame *host_frame, *process_frame;

  fixture_init (&f);
  geometry = moped_canvas_geometry_new (f.design, NULL, NULL);
  none = moped_canvas_geometry_dup_frames (geometry);
  g_assert_cmpuint (none->len, ==, 0);

  root = moped_design_get_root (f.design);
  host = moped_test_add_named (f.design, root, MOPED_KIND_HOST, "box", "box");
  process = moped_test_add_named (f.design, root, MOPED_KIND_PROCESS, "main", "main");
  empty = moped_test_add_named (f.design, root, MOPED_KIND_PROCESS, "idle", "idle");
  moped_design_set_ref (f.design, process, MOPED_PROP_HOST, host);
  moped_design_set_ref (f.design, empty, MOPED_PROP_HOST, host);
  moped_design_set_ref (f.design, f.client, MOPED_PROP_PROCESS, process);
  moped_design_set_ref (f.design, f.server, MOPED_PROP_PROCESS, process);
  moped_canvas_geometry_rebuild (geometry);

  frames = moped_canvas_geometry_dup_frames (geometry);
  g_assert_cmpuint (frames->len, ==, 2);
  host_frame = &g_array_index (frames, MopedCanvasFrame, 0);
  process_frame = &g_array_index (frames, MopedCanvasFrame, 1);
  g_assert_true (host_frame->element == host);
  g_assert_true (process_frame->element == process);
  g_assert_true (moped_canvas_rect_encloses (&process_frame->rect, &moped_canvas_geometry_get_box (geometry, f.client)->rect));
  g_assert_true (moped_canvas_rect_encloses (&process_frame->rect, &moped_canvas_geometry_get_box (geometry, f.server)->rect));
  g_assert_false (moped_canvas_rect_encloses (&process_frame->rect, &moped_canvas_geometry_get_box (geometry, f.note)->rect));
  /* The label band is above the highest node. */
  g_assert_cmpfloat (process_frame->rect.y, <, 100 - 30);
  g_assert_true (moped_canvas_rect_encloses (&host_frame->rect, &process_frame->rect));
  g_assert_cmpfloat (host_frame->rect.y, <, process_frame->rect.y);

  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/geometry/boxes-and-ports", test_boxes_and_ports);
  g_test_add_func ("/ui/geometry/curve", test_link_curve);
  g_test_add_func ("/ui/geometry/measure", test_measure);
  g_test_add_func ("/ui/geometry/label-clear-of-nodes", test_label_clear_of_nodes);
  g_test_add_func ("/ui/geometry/hit", test_hit);
  g_test_add_func ("/ui/geometry/in-rect-and-query", test_in_rect_and_query);
  g_test_add_func ("/ui/geometry/empty", test_empty);
  g_test_add_func ("/ui/geometry/pairs", test_pairs);
  g_test_add_func ("/ui/geometry/mode-conflict", test_mode_conflict);
  g_test_add_func ("/ui/geometry/peer-type", test_peer_type);
  g_test_add_func ("/ui/geometry/endpoint", test_endpoint);
  g_test_add_func ("/ui/geometry/incremental", test_incremental);
  g_test_add_func ("/ui/geometry/dirty", test_dirty);
  g_test_add_func ("/ui/geometry/examples", test_examples);
  g_test_add_func ("/ui/geometry/neighbour", test_neighbour);
  g_test_add_func ("/ui/geometry/frames", test_frames);

  return g_test_run ();
}
