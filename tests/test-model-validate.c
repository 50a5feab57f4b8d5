/* test-model-validate.c: every validation check, on small designs built with the edit API.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "moped-design.h"
#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-roles.h"
#include "moped-socket-type.h"
#include "moped-test-util.h"
#include "moped-text.h"

/* ---- building designs -------------------------------------------------------------- */

static MopedDesign *
new_design (void)
{
  MopedDesign *design = moped_design_new ();

  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "Test");
  return design;
}

/* The reference design: a REQ client, a REP server, one protocol, one round trip. */
typedef struct
{
  MopedDesign  *design;
  MopedElement *client, *server;
  MopedElement *req, *rep;
  MopedElement *link;
  MopedElement *protocol, *request, *reply, *flow;
} Fixture;

static void
fixture_init (Fixture *f)
{
  MopedDesign *d = new_design ();

  f->design = d;
  f->client = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "client", "client");
  f->server = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "server", "server");
  f->req = moped_test_add_socket_full (d, f->client, "client-req", "frontend", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  f->rep = moped_test_add_socket_full (d, f->server, "server-rep", "backend", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  f->link = moped_test_add_link_full (d, "link-1", f->req, f->rep, "tcp://*:5555");
  f->protocol = moped_test_add_named (d, NULL, MOPED_KIND_PROTOCOL, "echo", "Echo");
  moped_design_set_ref (d, f->link, MOPED_PROP_PROTOCOL, f->protocol);
  f->request = moped_test_add_command (d, f->protocol, "request", "REQUEST", f->client);
  f->reply = moped_test_add_command (d, f->protocol, "reply", "REPLY", f->server);
  f->flow = moped_test_add_named (d, f->protocol, MOPED_KIND_FLOW, "round-trip", "Round trip");
  moped_test_add_step (d, f->flow, "step-1", f->client, f->server, f->request);
  moped_test_add_step (d, f->flow, "step-2", f->server, f->client, f->reply);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->design);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

/* ---- asserting diagnostics ----------------------------------------------------------- */

static void
dump (GPtrArray *diags)
{
  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);
      g_autofree char *ids = g_strjoinv (",", d->element_ids);

      g_test_message ("%s %s [%s]: %s — %s", moped_severity_get_name (d->severity),
                      d->code, ids, d->message, d->hint ? d->hint : "");
    }
}

static GPtrArray *
validate (MopedDesign *design)
{
  GPtrArray *diags = moped_validate (design);

  dump (diags);
  return diags;
}

/* The diagnostic with @code whose element ids start with @ids (NULL-terminated). */
static const MopedDiagnostic *
find (GPtrArray          *diags,
      const char         *code,
      const char * const *ids)
{
  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);
      gboolean match = g_str_equal (d->code, code);

      for (guint j = 0; match && ids != NULL && ids[j] != NULL; j++)
        match = j < g_strv_length (d->element_ids) && g_str_equal (d->element_ids[j], ids[j]);
      if (match)
        return d;
    }
  return NULL;
}

#define IDS(...) ((const char * const []) { __VA_ARGS__, NULL })

static const MopedDiagnostic *
expect (GPtrArray          *diags,
        MopedSeverity       severity,
        const char         *code,
        const char * const *ids)
{
  const MopedDiagnostic *d = find (diags, code, ids);

  if (d == NULL)
    g_error ("no %s diagnostic for %s", code, ids ? ids[0] : "-");
  g_assert_cmpint (d->severity, ==, severity);
  g_assert_nonnull (d->message);
  g_assert_nonnull (d->hint);
  g_assert_cmpstr (d->hint, !=, "");
  return d;
}

static guint
count_code (GPtrArray  *diags,
            const char *code)
{
  guint n = 0;

  for (guint i = 0; i < diags->len; i++)
    if (g_str_equal (((const MopedDiagnostic *) g_ptr_array_index (diags, i))->code, code))
      n++;
  return n;
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

/* ---- tests ----------------------------------------------------------------------------- */

static void
test_clean_req_rep (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  diags = validate (f.design);
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_WARNING), ==, 0);
  g_assert_cmpuint (diags->len, ==, 0);
}

static void
test_incompatible_sockets (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  const MopedDiagnostic *d;

  fixture_init (&f);
  moped_design_set_enum (f.design, f.rep, MOPED_PROP_TYPE, MOPED_SOCKET_PULL);
  diags = validate (f.design);
  d = expect (diags, MOPED_SEVERITY_ERROR, "incompatible-sockets",
              IDS ("link-1", "client-req", "server-rep"));
  g_assert_cmpstr (d->message, ==,
                   "Link client.frontend → server.backend: REQ cannot talk to PULL");
  g_assert_cmpstr (d->hint, ==, "Use REP or ROUTER on server.backend, or PUSH on client.frontend.");
  g_assert_cmpuint (count_code (diags, "incompatible-sockets"), ==, 1);
}

static void
test_draft_socket_type (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  moped_design_set_enum (f.design, f.req, MOPED_PROP_TYPE, MOPED_SOCKET_CLIENT);
  moped_design_set_enum (f.design, f.rep, MOPED_PROP_TYPE, MOPED_SOCKET_SERVER);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_WARNING, "draft-socket-type", IDS ("client-req"));
  expect (diags, MOPED_SEVERITY_WARNING, "draft-socket-type", IDS ("server-rep"));
  g_assert_cmpuint (count_code (diags, "incompatible-sockets"), ==, 0);
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);
}

static void
test_both_bind_and_both_connect (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) diags2 = NULL;

  fixture_init (&f);
  moped_design_set_enum (f.design, f.req, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_ERROR, "both-bind", IDS ("link-1", "client-req", "server-rep"));
  g_assert_cmpuint (count_code (diags, "both-connect"), ==, 0);

  moped_design_set_enum (f.design, f.req, MOPED_PROP_MODE, MOPED_SOCKET_MODE_CONNECT);
  moped_design_set_enum (f.design, f.rep, MOPED_PROP_MODE, MOPED_SOCKET_MODE_CONNECT);
  diags2 = validate (f.design);
  expect (diags2, MOPED_SEVERITY_ERROR, "both-connect", IDS ("link-1", "client-req", "server-rep"));
  g_assert_cmpuint (count_code (diags2, "both-bind"), ==, 0);
}

/* Bind or connect belongs to each link end: a DEALER broker that binds for its
 * clients and connects to an upstream ROUTER is fine; forcing one end to bind on
 * the upstream link makes that link, and only that link, both-bind. */
static void
test_mode_per_link_end (void)
{
  g_autoptr(MopedDesign) d = new_design ();
  MopedElement *broker = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "broker", "broker");
  MopedElement *client = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "client", "client");
  MopedElement *upstream = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "upstream", "upstream");
  MopedElement *dealer = moped_test_add_socket_full (d, broker, "broker-dealer", "relay", MOPED_SOCKET_DEALER, MOPED_SOCKET_MODE_BIND);
  MopedElement *cd = moped_test_add_socket_full (d, client, "client-dealer", "out", MOPED_SOCKET_DEALER, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *router = moped_test_add_socket_full (d, upstream, "upstream-router", "in", MOPED_SOCKET_ROUTER, MOPED_SOCKET_MODE_BIND);
  MopedElement *down, *up;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) mixed = NULL;
  g_autoptr(GPtrArray) forced = NULL;

  down = moped_test_add_link_full (d, "down", cd, dealer, "tcp://*:6001");
  up = moped_test_add_link_full (d, "up", dealer, router, "tcp://*:6002");
  before = validate (d);
  expect (before, MOPED_SEVERITY_ERROR, "both-bind", IDS ("up", "broker-dealer", "upstream-router"));

  /* The broker's end of the upstream link connects; its socket still binds the other. */
  moped_design_set_enum (d, up, MOPED_PROP_FROM_MODE, MOPED_LINK_END_CONNECT);
  g_assert_false (moped_link_end_binds (up, dealer));
  g_assert_true (moped_link_end_binds (down, dealer));
  mixed = validate (d);
  g_assert_cmpuint (count_code (mixed, "both-bind"), ==, 0);
  g_assert_cmpuint (count_code (mixed, "both-connect"), ==, 0);

  /* The to end of the down link now says connect: both ends of that link connect. */
  moped_design_set_enum (d, down, MOPED_PROP_TO_MODE, MOPED_LINK_END_CONNECT);
  forced = validate (d);
  expect (forced, MOPED_SEVERITY_ERROR, "both-connect", IDS ("down", "client-dealer", "broker-dealer"));
  g_assert_cmpuint (count_code (forced, "both-connect"), ==, 1);
  g_assert_cmpuint (count_code (forced, "both-bind"), ==, 0);
}

/* Deployment: inproc only inside one process, ipc and loopback tcp only on one host,
 * and binds clash only within one process (inproc) or host (tcp, ipc). */
static void
test_deployment (void)
{
  g_auto(Fixture) f = { 0 };
  MopedElement *together, *apart, *h1, *h2, *link2;
  MopedElement *third, *third_rep;

  fixture_init (&f);
  moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, "inproc://echo");
  {
    g_autoptr(GPtrArray) diags = validate (f.design);

    /* No processes: every node is a process of its own. */
    expect (diags, MOPED_SEVERITY_ERROR, "inproc-across-processes", IDS ("link-1", "client", "server"));
  }
  together = moped_test_add_named (f.design, NULL, MOPED_KIND_PROCESS, "together", "together");
  moped_design_set_ref (f.design, f.client, MOPED_PROP_PROCESS, together);
  {
    g_autoptr(GPtrArray) diags = validate (f.design);

    expect (diags, MOPED_SEVERITY_ERROR, "inproc-across-processes", IDS ("link-1"));
  }
  moped_design_set_ref (f.design, f.server, MOPED_PROP_PROCESS, together);
  {
    g_autoptr(GPtrArray) diags = validate (f.design);

    g_assert_cmpuint (count_code (diags, "inproc-across-processes"), ==, 0);
    g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);
  }

  /* Two processes: ipc is fine on one host, refused across two. */
  apart = moped_test_add_named (f.design, NULL, MOPED_KIND_PROCESS, "apart", "apart");
  moped_design_set_ref (f.design, f.server, MOPED_PROP_PROCESS, apart);
  moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, "ipc:///tmp/echo");
  {
    g_autoptr(GPtrArray) diags = validate (f.design);

    g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);
  }
  h1 = moped_test_add_named (f.design, NULL, MOPED_KIND_HOST, "h1", "alpha");
  h2 = moped_test_add_named (f.design, NULL, MOPED_KIND_HOST, "h2", "beta");
  moped_design_set_ref (f.design, together, MOPED_PROP_HOST, h1);
  moped_design_set_ref (f.design, apart, MOPED_PROP_HOST, h2);
  {
    g_autoptr(GPtrArray) diags = validate (f.design);

    expect (diags, MOPED_SEVERITY_ERROR, "ipc-across-hosts", IDS ("link-1", "client", "server"));
  }
  moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, "tcp://127.0.0.1:5555");
  {
    g_autoptr(GPtrArray) diags = validate (f.design);

    expect (diags, MOPED_SEVERITY_ERROR, "localhost-across-hosts", IDS ("link-1"));
  }
  moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, "tcp://*:5555");
  {
    g_autoptr(GPtrArray) diags = validate (f.design);

    g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);
  }

  /* A second server binding the same port: a clash on the same host, none on another. */
  third = moped_test_add_named (f.design, NULL, MOPED_KIND_NODE, "third", "third");
  third_rep = moped_test_add_socket_full (f.design, third, "third-rep", "backend", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  link2 = moped_test_add_link_full (f.design, "link-2", moped_test_add_socket_full (f.design, f.client, "client-req-2", "second", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT),
                                    third_rep, "tcp://*:5555");
  moped_design_set_ref (f.design, third, MOPED_PROP_PROCESS, together);
  {
    g_autoptr(GPtrArray) diags = validate (f.design);

    g_assert_cmpuint (count_code (diags, "duplicate-bind"), ==, 0);
  }
  moped_design_set_ref (f.design, third, MOPED_PROP_PROCESS, apart);
  {
    g_autoptr(GPtrArray) diags = validate (f.design);

    expect (diags, MOPED_SEVERITY_ERROR, "duplicate-bind", IDS ("link-2", "third-rep", "server-rep"));
  }
  g_assert_nonnull (link2);
}

static void
test_missing_endpoint (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, "");
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_ERROR, "missing-endpoint", IDS ("link-1"));
  g_assert_cmpuint (count_code (diags, "bad-endpoint"), ==, 0);
}

static void
test_bad_endpoint (void)
{
  static const struct { const char *endpoint, *part; } cases[] = {
    { "tcp://*:70000", "port 70000 is out of range 1-65535" },
    { "ws://*:80", "unknown transport “ws”" },
    { "tcp//*:5555", "has no transport" },
    { "tcp://10.0.0.1:4000;server:5555", "only for connecting" },
    { "inproc://a b", "contains a space" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Fixture) f = { 0 };
      g_autoptr(GPtrArray) diags = NULL;
      const MopedDiagnostic *d;

      fixture_init (&f);
      moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, cases[i].endpoint);
      diags = validate (f.design);
      d = expect (diags, MOPED_SEVERITY_ERROR, "bad-endpoint", IDS ("link-1"));
      assert_contains (d->message, cases[i].part);
      assert_contains (d->message, cases[i].endpoint);
      g_assert_cmpuint (count_code (diags, "bad-endpoint"), ==, 1);
    }
}

static void
test_transport_not_allowed (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) diags2 = NULL;
  const MopedDiagnostic *d;

  fixture_init (&f);
  moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, "epgm://eth0;239.192.1.1:5555");
  diags = validate (f.design);
  d = expect (diags, MOPED_SEVERITY_ERROR, "transport-not-allowed", IDS ("link-1", "client-req"));
  assert_contains (d->message, "REQ sockets cannot use epgm");
  expect (diags, MOPED_SEVERITY_ERROR, "transport-not-allowed", IDS ("link-1", "server-rep"));

  /* STREAM is tcp only. */
  moped_design_set_enum (f.design, f.req, MOPED_PROP_TYPE, MOPED_SOCKET_STREAM);
  moped_design_set_enum (f.design, f.rep, MOPED_PROP_TYPE, MOPED_SOCKET_STREAM);
  moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, "ipc:///tmp/stream");
  diags2 = validate (f.design);
  d = expect (diags2, MOPED_SEVERITY_ERROR, "transport-not-allowed", IDS ("link-1", "client-req"));
  assert_contains (d->message, "STREAM sockets cannot use ipc; use tcp");
}

static void
test_pgm_publishers (void)
{
  g_autoptr(MopedDesign) d = new_design ();
  MopedElement *a = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "pub", "pub");
  MopedElement *b = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "sub", "sub");
  MopedElement *c = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "sub2", "sub2");
  MopedElement *pa = moped_test_add_socket_full (d, a, "pa", "out", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *sb = moped_test_add_socket_full (d, b, "sb", "in", MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *sc = moped_test_add_socket_full (d, c, "sc", "in", MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_BIND);
  g_autoptr(GPtrArray) diags = NULL;

  /* Multicast members may all connect; udp is not for PUB/SUB. */
  moped_test_add_link_full (d, "l1", pa, sb, "epgm://eth0;239.192.1.1:5555");
  moped_test_add_link_full (d, "l2", pa, sc, "pgm://eth0;239.192.1.1:5555");
  diags = validate (d);
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_WARNING), ==, 0);
}

static void
test_ephemeral_endpoint (void)
{
  static const char * const endpoints[] = { "tcp://*:*", "tcp://*:!", "ipc://*" };

  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      g_auto(Fixture) f = { 0 };
      g_autoptr(GPtrArray) diags = NULL;

      fixture_init (&f);
      moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, endpoints[i]);
      diags = validate (f.design);
      expect (diags, MOPED_SEVERITY_ERROR, "ephemeral-endpoint",
              IDS ("link-1", "server-rep", "client-req"));
      g_assert_cmpuint (count_code (diags, "bad-endpoint"), ==, 0);
    }
}

static void
test_duplicate_bind (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *client2, *req2, *server2, *rep2;

  fixture_init (&f);
  /* A second client of the same bound socket is fine... */
  client2 = moped_test_add_named (f.design, NULL, MOPED_KIND_NODE, "client2", "client2");
  req2 = moped_test_add_socket_full (f.design, client2, "client2-req", "frontend", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  moped_test_add_link_full (f.design, "link-2", req2, f.rep, "tcp://*:5555");
  /* ...a second server binding the same address is not. */
  server2 = moped_test_add_named (f.design, NULL, MOPED_KIND_NODE, "server2", "server2");
  rep2 = moped_test_add_socket_full (f.design, server2, "server2-rep", "backend", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  moped_test_add_link_full (f.design, "link-3", f.req, rep2, "tcp://0.0.0.0:5555");
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_ERROR, "duplicate-bind",
          IDS ("link-3", "server2-rep", "server-rep", "link-1"));
  g_assert_cmpuint (count_code (diags, "duplicate-bind"), ==, 1);
}

static void
test_same_node_link (void)
{
  g_autoptr(MopedDesign) d = new_design ();
  MopedElement *n = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "n", "actor");
  MopedElement *a = moped_test_add_socket_full (d, n, "a", "a", MOPED_SOCKET_PAIR, MOPED_SOCKET_MODE_BIND);
  MopedElement *b = moped_test_add_socket_full (d, n, "b", "b", MOPED_SOCKET_PAIR, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *link = moped_test_add_link_full (d, "l", a, b, "tcp://*:6000");
  g_autoptr(GPtrArray) diags = validate (d);
  g_autoptr(GPtrArray) diags2 = NULL;

  expect (diags, MOPED_SEVERITY_INFO, "same-node-link", IDS ("l", "a", "b"));
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);

  moped_design_set_string (d, link, MOPED_PROP_ENDPOINT, "inproc://pipe");
  diags2 = validate (d);
  g_assert_cmpuint (diags2->len, ==, 0);
}

static void
test_self_link (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  moped_design_set_ref (f.design, f.link, MOPED_PROP_TO, f.req);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_ERROR, "self-link", IDS ("link-1", "client-req"));
}

static void
test_no_link_between_nodes (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) diags2 = NULL;
  MopedElement *other_proto, *cmd, *flow2;
  const MopedDiagnostic *d;

  fixture_init (&f);
  moped_design_set_ref (f.design, f.link, MOPED_PROP_PROTOCOL, NULL);
  /* A link without protocol carries any protocol. */
  diags = validate (f.design);
  g_assert_cmpuint (diags->len, ==, 0);

  /* A link that carries another protocol does not. */
  other_proto = moped_test_add_named (f.design, NULL, MOPED_KIND_PROTOCOL, "other", "Other");
  cmd = moped_test_add_command (f.design, other_proto, "ping", "PING", NULL);
  flow2 = moped_test_add_named (f.design, other_proto, MOPED_KIND_FLOW, "pinging", "Pinging");
  moped_test_add_step (f.design, flow2, "ping-1", f.client, f.server, cmd);
  moped_design_set_ref (f.design, f.link, MOPED_PROP_PROTOCOL, f.protocol);
  diags2 = validate (f.design);
  d = expect (diags2, MOPED_SEVERITY_ERROR, "no-link-between-nodes", IDS ("ping-1", "client", "server"));
  assert_contains (d->message, "no link connects client and server");
  assert_contains (d->message, "step 1 (ping-1)");
  g_assert_cmpuint (count_code (diags2, "no-link-between-nodes"), ==, 1);
}

static void
test_no_link_at_all (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *third;

  fixture_init (&f);
  third = moped_test_add_named (f.design, NULL, MOPED_KIND_NODE, "third", "third");
  moped_test_add_socket_full (f.design, third, "third-rep", "in", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  moped_test_add_step (f.design, f.flow, "step-3", f.client, third, f.request);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_ERROR, "no-link-between-nodes", IDS ("step-3", "client", "third"));
  g_assert_cmpuint (count_code (diags, "no-link-between-nodes"), ==, 1);
}

static void
test_socket_cannot_send_or_receive (void)
{
  g_autoptr(MopedDesign) d = new_design ();
  MopedElement *pub = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "pub", "publisher");
  MopedElement *sub = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "sub", "subscriber");
  MopedElement *ps = moped_test_add_socket_full (d, pub, "pub-out", "out", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
  MopedElement *ss = moped_test_add_socket_full (d, sub, "sub-in", "in", MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *proto = moped_test_add_named (d, NULL, MOPED_KIND_PROTOCOL, "news", "News");
  MopedElement *update = moped_test_add_command (d, proto, "update", "UPDATE", NULL);
  MopedElement *flow = moped_test_add_named (d, proto, MOPED_KIND_FLOW, "f", "Feed");
  g_autoptr(GPtrArray) diags = NULL;
  const MopedDiagnostic *e;

  moped_test_add_link_full (d, "l", ps, ss, "tcp://*:5556");
  moped_test_add_step (d, flow, "s1", pub, sub, update);
  moped_test_add_step (d, flow, "s2", sub, pub, update);
  diags = validate (d);
  e = expect (diags, MOPED_SEVERITY_ERROR, "socket-cannot-send", IDS ("s2", "sub-in"));
  assert_contains (e->message, "subscriber.in is a SUB socket, which cannot send");
  expect (diags, MOPED_SEVERITY_ERROR, "socket-cannot-receive", IDS ("s2", "pub-out"));
  g_assert_cmpuint (count_code (diags, "socket-cannot-send"), ==, 1);
  g_assert_cmpuint (count_code (diags, "socket-cannot-receive"), ==, 1);
}

/* Hello with roles named unlike its nodes, and no role set on the link: REQ and REP
 * both fit either role and no name says which, but the flow does (Client sends HELLO,
 * which role asker sends). Without the flow, nothing tells them apart. */
#define INFER_XML(FLOW) \
  "<?xml version=\"1.0\"?><design format=\"2\" name=\"h\">" \
  "<node id=\"client\" name=\"Client\"><socket id=\"client-req\" name=\"request\" type=\"REQ\"/></node>" \
  "<node id=\"server\" name=\"Server\"><socket id=\"server-rep\" name=\"reply\" type=\"REP\" mode=\"bind\"/></node>" \
  "<link id=\"link-1\" from=\"client-req\" to=\"server-rep\" endpoint=\"tcp://*:5555\" protocol=\"p\"/>" \
  "<protocol id=\"p\" name=\"Hello\"><role id=\"p.a\" name=\"asker\"/><role id=\"p.b\" name=\"answerer\"/>" \
  "<command id=\"hello\" name=\"HELLO\" sender=\"p.a\"/><command id=\"world\" name=\"WORLD\" sender=\"p.b\"/>" \
  FLOW "</protocol></design>"

static void
test_roles_from_flows (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load_data (INFER_XML (
    "<flow id=\"f\" name=\"Round trip\"><step id=\"s1\" from=\"server\" to=\"client\" command=\"world\" optional=\"true\"/>"
    "<step id=\"s2\" from=\"client\" to=\"server\" command=\"hello\"/>"
    "<step id=\"s3\" from=\"server\" to=\"client\" command=\"world\"/></flow>"), -1, "h.moped", &error);
  g_autoptr(MopedDesign) bare = NULL;
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) bare_diags = NULL;
  MopedElement *link;

  g_assert_no_error (error);
  link = moped_design_lookup (design, "link-1");
  g_assert_true (moped_link_get_role (link, MOPED_PROP_FROM) == moped_design_lookup (design, "p.a"));
  g_assert_true (moped_link_get_role (link, MOPED_PROP_TO) == moped_design_lookup (design, "p.b"));
  g_assert_true (moped_link_role_is_inferred (link, MOPED_PROP_FROM));
  diags = validate (design);
  g_assert_cmpuint (count_code (diags, "link-role-unknown"), ==, 0);
  g_assert_cmpuint (count_code (diags, "unused-role"), ==, 0);

  bare = moped_file_load_data (INFER_XML (""), -1, "h.moped", &error);
  g_assert_no_error (error);
  g_assert_null (moped_link_get_role (moped_design_lookup (bare, "link-1"), MOPED_PROP_FROM));
  bare_diags = validate (bare);
  g_assert_cmpuint (count_code (bare_diags, "link-role-unknown"), ==, 2);
}

static void
test_req_send_twice (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  const MopedDiagnostic *d;

  fixture_init (&f);
  /* request, request, reply */
  moped_design_set_ref (f.design, moped_design_lookup (f.design, "step-2"), MOPED_PROP_COMMAND, f.request);
  moped_design_set_ref (f.design, moped_design_lookup (f.design, "step-2"), MOPED_PROP_FROM, f.client);
  moped_design_set_ref (f.design, moped_design_lookup (f.design, "step-2"), MOPED_PROP_TO, f.server);
  moped_test_add_step (f.design, f.flow, "step-3", f.server, f.client, f.reply);
  diags = validate (f.design);
  d = expect (diags, MOPED_SEVERITY_ERROR, "req-send-twice",
              IDS ("step-2", "client-req", "round-trip", "step-1"));
  assert_contains (d->message, "step 2 (step-2)");
  assert_contains (d->message, "client.frontend is a REQ socket");
  assert_contains (d->hint, "DEALER");
  g_assert_cmpuint (count_code (diags, "req-send-twice"), ==, 1);
  /* The REP side queues the second request: no error of its own, and the one reply
   * answers the first request. */
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 1);
}

static void
test_repeat_and_optional (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) diags2 = NULL;
  g_autoptr(GPtrArray) diags3 = NULL;
  MopedElement *s1, *s2;
  const MopedDiagnostic *d;

  fixture_init (&f);
  s1 = moped_design_lookup (f.design, "step-1");
  s2 = moped_design_lookup (f.design, "step-2");

  /* The whole round trip repeats: request, reply, request, reply. */
  moped_design_set_bool (f.design, s1, MOPED_PROP_REPEAT, TRUE);
  moped_design_set_bool (f.design, s2, MOPED_PROP_REPEAT, TRUE);
  diags = validate (f.design);
  g_assert_cmpuint (diags->len, ==, 0);

  /* Only the request repeats: the second pass sends it again. */
  moped_design_set_bool (f.design, s2, MOPED_PROP_REPEAT, FALSE);
  diags2 = validate (f.design);
  d = expect (diags2, MOPED_SEVERITY_ERROR, "req-send-twice", IDS ("step-1", "client-req"));
  assert_contains (d->message, "step 1 (step-1), when the repeated steps run again");
  g_assert_cmpuint (count_code (diags2, "req-send-twice"), ==, 1);

  /* Request, then a reply that may not come: fine (a try that times out). */
  moped_design_set_bool (f.design, s1, MOPED_PROP_REPEAT, FALSE);
  moped_design_set_bool (f.design, s2, MOPED_PROP_OPTIONAL, TRUE);
  diags3 = validate (f.design);
  g_assert_cmpuint (diags3->len, ==, 0);
}

/* Optional steps are walked skipped as well as taken: request, (reply), (request), reply
 * breaks lockstep when either optional step is left out (the grammar would otherwise
 * accept request, reply, reply). */
static void
test_optional_skipped (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) diags2 = NULL;
  MopedElement *s2, *s3, *block;

  fixture_init (&f);
  s2 = moped_design_lookup (f.design, "step-2");
  moped_design_set_bool (f.design, s2, MOPED_PROP_OPTIONAL, TRUE);
  s3 = moped_test_add_step (f.design, f.flow, "step-3", f.client, f.server, f.request);
  moped_design_set_bool (f.design, s3, MOPED_PROP_OPTIONAL, TRUE);
  moped_test_add_step (f.design, f.flow, "step-4", f.server, f.client, f.reply);
  diags = validate (f.design);
  /* reply skipped: request, request */
  expect (diags, MOPED_SEVERITY_ERROR, "req-send-twice", IDS ("step-3", "client-req"));
  /* second request skipped: reply, reply */
  expect (diags, MOPED_SEVERITY_ERROR, "req-receive-before-send", IDS ("step-4", "client-req"));
  expect (diags, MOPED_SEVERITY_ERROR, "rep-send-before-receive", IDS ("step-4", "server-rep"));

  /* An optional block holding a whole round trip, taken or not, keeps lockstep. */
  moped_design_set_bool (f.design, s2, MOPED_PROP_OPTIONAL, FALSE);
  moped_design_set_bool (f.design, s3, MOPED_PROP_OPTIONAL, FALSE);
  block = moped_test_add_named (f.design, f.flow, MOPED_KIND_STEP, "opt", NULL);
  moped_design_set_enum (f.design, block, MOPED_PROP_BLOCK, MOPED_BLOCK_OPTIONAL);
  moped_test_add_step (f.design, block, "step-5", f.client, f.server, f.request);
  moped_test_add_step (f.design, block, "step-6", f.server, f.client, f.reply);
  diags2 = validate (f.design);
  g_assert_cmpuint (diags2->len, ==, 0);
}

static void
test_rep_send_before_receive (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  const MopedDiagnostic *d;

  fixture_init (&f);
  /* The reply moves before the request. */
  moped_design_move (f.design, moped_design_lookup (f.design, "step-2"), 0);
  diags = validate (f.design);
  d = expect (diags, MOPED_SEVERITY_ERROR, "rep-send-before-receive",
              IDS ("step-2", "server-rep", "round-trip"));
  assert_contains (d->message, "step 1 (step-2)");
  assert_contains (d->hint, "ROUTER");
  expect (diags, MOPED_SEVERITY_ERROR, "req-receive-before-send", IDS ("step-2", "client-req"));
}

static void
test_rep_queues_requests (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *client2, *req2;

  fixture_init (&f);
  client2 = moped_test_add_named (f.design, NULL, MOPED_KIND_NODE, "client2", "client2");
  req2 = moped_test_add_socket_full (f.design, client2, "client2-req", "frontend", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  moped_test_add_link_full (f.design, "link-2", req2, f.rep, "tcp://*:5555");
  moped_design_set_ref (f.design, f.request, MOPED_PROP_SENDER, NULL);
  moped_design_set_ref (f.design, f.reply, MOPED_PROP_SENDER, NULL);
  /* client request, client2 request (queued until the first reply), reply, reply */
  moped_test_add_step (f.design, f.flow, "step-3", client2, f.server, f.request);
  moped_test_add_step (f.design, f.flow, "step-4", f.server, client2, f.reply);
  moped_design_move (f.design, moped_design_lookup (f.design, "step-3"), 1);
  diags = validate (f.design);
  g_assert_cmpuint (diags->len, ==, 0);

  /* A third reply has no request left to answer. */
  moped_test_add_step (f.design, f.flow, "step-5", f.server, f.client, f.reply);
  g_clear_pointer (&diags, g_ptr_array_unref);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_ERROR, "rep-send-before-receive", IDS ("step-5", "server-rep"));
  expect (diags, MOPED_SEVERITY_ERROR, "req-receive-before-send", IDS ("step-5", "client-req"));
}

static void
test_router_dealer_free_order (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  moped_design_set_enum (f.design, f.req, MOPED_PROP_TYPE, MOPED_SOCKET_DEALER);
  moped_design_set_enum (f.design, f.rep, MOPED_PROP_TYPE, MOPED_SOCKET_ROUTER);
  moped_design_move (f.design, moped_design_lookup (f.design, "step-2"), 0);
  moped_test_add_step (f.design, f.flow, "step-3", f.client, f.server, f.request);
  diags = validate (f.design);
  g_assert_cmpuint (diags->len, ==, 0);
}

static void
test_command_from_other_protocol (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *other, *ping;
  const MopedDiagnostic *d;

  fixture_init (&f);
  other = moped_test_add_named (f.design, NULL, MOPED_KIND_PROTOCOL, "other", "Other");
  ping = moped_test_add_command (f.design, other, "ping", "PING", f.client);
  moped_test_add_step (f.design, f.flow, "step-3", f.client, f.server, ping);
  moped_test_add_step (f.design, f.flow, "step-4", f.server, f.client, f.reply);
  diags = validate (f.design);
  d = expect (diags, MOPED_SEVERITY_ERROR, "command-from-other-protocol",
              IDS ("step-3", "ping", "round-trip"));
  assert_contains (d->message, "Flow Round trip uses command PING which protocol Echo does not define");
  g_assert_cmpuint (count_code (diags, "unused-command"), ==, 0);
}

static void
test_command_sender_mismatch (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  moped_design_set_ref (f.design, f.reply, MOPED_PROP_SENDER, moped_element_get_ref (f.request, MOPED_PROP_SENDER));
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_WARNING, "command-sender-mismatch", IDS ("step-2", "reply", "server"));
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);
}

static void
test_unused_and_empty (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  moped_test_add_command (f.design, f.protocol, "bye", "BYE", f.client);
  moped_test_add_named (f.design, NULL, MOPED_KIND_PROTOCOL, "empty", "Empty");
  moped_test_add_named (f.design, f.protocol, MOPED_KIND_FLOW, "nothing", "Nothing");
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_WARNING, "unused-command", IDS ("bye"));
  expect (diags, MOPED_SEVERITY_WARNING, "empty-protocol", IDS ("empty"));
  expect (diags, MOPED_SEVERITY_WARNING, "empty-flow", IDS ("nothing"));
  g_assert_cmpuint (count_code (diags, "unused-command"), ==, 1);
  g_assert_cmpuint (count_code (diags, "empty-protocol"), ==, 1);
}

static void
test_duplicate_names (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *n, *field;
  const MopedDiagnostic *d;

  fixture_init (&f);
  n = moped_test_add_named (f.design, NULL, MOPED_KIND_NODE, "client-again", "client");
  moped_test_add_socket_full (f.design, n, "s", "frontend", MOPED_SOCKET_DEALER, MOPED_SOCKET_MODE_CONNECT);
  moped_test_add_link_full (f.design, "l2", moped_design_lookup (f.design, "s"), f.rep, "tcp://*:5555");
  moped_test_add_socket_full (f.design, f.server, "rep-again", "backend", MOPED_SOCKET_ROUTER, MOPED_SOCKET_MODE_BIND);
  n = moped_test_add_named (f.design, f.client, MOPED_KIND_METHOD, "m1", "Send");
  moped_test_add_named (f.design, n, MOPED_KIND_PARAM, "p1", "body");
  moped_test_add_named (f.design, n, MOPED_KIND_PARAM, "p2", "body");
  moped_test_add_named (f.design, f.client, MOPED_KIND_METHOD, "m2", "Send");
  moped_test_add_named (f.design, NULL, MOPED_KIND_PROTOCOL, "echo-again", "Echo");
  moped_test_add_command (f.design, f.protocol, "request-again", "REQUEST", f.client);
  moped_test_add_named (f.design, f.protocol, MOPED_KIND_FLOW, "flow-again", "Round trip");
  field = moped_test_add_named (f.design, f.request, MOPED_KIND_FIELD, "f1", "body");
  moped_test_add_named (f.design, f.request, MOPED_KIND_FIELD, "f2", "body");
  (void) field;
  diags = validate (f.design);
  d = expect (diags, MOPED_SEVERITY_ERROR, "duplicate-name", IDS ("client-again", "client"));
  g_assert_cmpstr (d->message, ==, "The design has two nodes named “client” (client and client-again)");
  expect (diags, MOPED_SEVERITY_ERROR, "duplicate-name", IDS ("rep-again", "server-rep"));
  expect (diags, MOPED_SEVERITY_ERROR, "duplicate-name", IDS ("m2", "m1"));
  expect (diags, MOPED_SEVERITY_ERROR, "duplicate-name", IDS ("echo-again", "echo"));
  expect (diags, MOPED_SEVERITY_ERROR, "duplicate-name", IDS ("request-again", "request"));
  expect (diags, MOPED_SEVERITY_ERROR, "duplicate-name", IDS ("flow-again", "round-trip"));
  expect (diags, MOPED_SEVERITY_ERROR, "duplicate-name", IDS ("f2", "f1"));
  d = expect (diags, MOPED_SEVERITY_ERROR, "duplicate-name", IDS ("p2", "p1"));
  g_assert_cmpstr (d->message, ==, "API method client.Send has two parameters named “body” (p1 and p2)");
  g_assert_cmpuint (count_code (diags, "duplicate-name"), ==, 8);
  /* The same name in different scopes is fine: both client nodes have a "frontend". */
  g_assert_null (find (diags, "duplicate-name", IDS ("s")));
}

/* Names that read as something else: a right-to-left override, a zero-width space,
 * a newline, an escape. Each is an error that shows the character escaped; the same
 * characters in a description are not (outputs sanitise descriptions). */
static void
test_invisible_characters_in_names (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  const MopedDiagnostic *d;

  fixture_init (&f);
  moped_design_set_string (f.design, f.client, MOPED_PROP_NAME, "admin\u202Eresu");
  moped_design_set_string (f.design, f.rep, MOPED_PROP_NAME, "back\u200Bend");
  moped_design_set_string (f.design, f.request, MOPED_PROP_NAME, "REQUEST\nserver:1: error fake");
  moped_design_set_string (f.design, f.flow, MOPED_PROP_NAME, "Round\x1b[2J trip");
  moped_design_set_string (f.design, f.server, MOPED_PROP_DESCRIPTION, "Serves \u202Eevil\u202C requests.");
  moped_design_set_string (f.design, f.protocol, MOPED_PROP_NAME, "Echo \u2067v2\u2069");
  diags = validate (f.design);

  d = expect (diags, MOPED_SEVERITY_ERROR, "invisible-character", IDS ("client"));
  g_assert_cmpstr (d->message, ==, "Node admin\\u{202E}resu has an invisible character in its name "
                                   "(U+202E RIGHT-TO-LEFT OVERRIDE)");
  assert_contains (d->hint, "Remove it");
  d = expect (diags, MOPED_SEVERITY_ERROR, "invisible-character", IDS ("server-rep"));
  assert_contains (d->message, "(U+200B ZERO WIDTH SPACE)");
  d = expect (diags, MOPED_SEVERITY_ERROR, "invisible-character", IDS ("request"));
  assert_contains (d->message, "REQUEST\\nserver:1");
  assert_contains (d->message, "(U+000A LINE FEED)");
  d = expect (diags, MOPED_SEVERITY_ERROR, "invisible-character", IDS ("round-trip"));
  assert_contains (d->message, "Round\\x1B[2J trip");
  expect (diags, MOPED_SEVERITY_ERROR, "invisible-character", IDS ("echo"));
  g_assert_cmpuint (count_code (diags, "invisible-character"), ==, 5);
  for (guint i = 0; i < diags->len; i++)
    {
      d = g_ptr_array_index (diags, i);
      if (g_str_equal (d->code, "invisible-character"))
        g_assert_null (moped_text_find_invisible (d->message));
    }

  /* A name longer than 1,024 characters is an error of its own. */
  {
    g_autofree char *long_name = g_strnfill (5000, 'y');
    g_autoptr(GPtrArray) more = NULL;

    moped_design_set_string (f.design, f.server, MOPED_PROP_NAME, long_name);
    more = validate (f.design);
    d = expect (more, MOPED_SEVERITY_ERROR, "name-too-long", IDS ("server"));
    g_assert_cmpstr (d->message, ==, "A node has a name of 5000 characters; names may have at most 1024");
    moped_design_set_string (f.design, f.server, MOPED_PROP_NAME, "server");
  }

  /* Visible non-ASCII is welcome. */
  g_clear_pointer (&diags, g_ptr_array_unref);
  moped_design_set_string (f.design, f.client, MOPED_PROP_NAME, "Client été 天気 – ok");
  moped_design_set_string (f.design, f.rep, MOPED_PROP_NAME, "backend");
  moped_design_set_string (f.design, f.request, MOPED_PROP_NAME, "REQUEST");
  moped_design_set_string (f.design, f.flow, MOPED_PROP_NAME, "Round trip");
  moped_design_set_string (f.design, f.protocol, MOPED_PROP_NAME, "Echo");
  diags = validate (f.design);
  g_assert_cmpuint (count_code (diags, "invisible-character"), ==, 0);
}

static void
test_identifier_collision (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  const MopedDiagnostic *d;

  fixture_init (&f);
  moped_test_add_named (f.design, f.client, MOPED_KIND_METHOD, "m1", "Get Status");
  moped_test_add_named (f.design, f.client, MOPED_KIND_METHOD, "m2", "get-status");
  moped_test_add_named (f.design, f.request, MOPED_KIND_FIELD, "f1", "int");
  moped_test_add_named (f.design, f.request, MOPED_KIND_FIELD, "f2", "INT_");
  diags = validate (f.design);
  d = expect (diags, MOPED_SEVERITY_WARNING, "identifier-collision", IDS ("m2", "m1"));
  assert_contains (d->message, "get_status");
  expect (diags, MOPED_SEVERITY_WARNING, "identifier-collision", IDS ("f2", "f1"));
  g_assert_cmpuint (count_code (diags, "duplicate-name"), ==, 0);
}

static void
test_missing_name_and_reference (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *link;

  fixture_init (&f);
  moped_design_set_string (f.design, f.server, MOPED_PROP_NAME, "  ");
  link = moped_test_add_named (f.design, NULL, MOPED_KIND_LINK, "half", NULL);
  moped_design_set_ref (f.design, link, MOPED_PROP_FROM, f.req);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_ERROR, "missing-name", IDS ("server"));
  expect (diags, MOPED_SEVERITY_ERROR, "missing-reference", IDS ("half"));
  g_assert_cmpuint (count_code (diags, "missing-reference"), ==, 1);
}

static void
test_unlinked_socket_and_empty_node (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  moped_test_add_socket_full (f.design, f.server, "spare", "spare", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
  moped_test_add_named (f.design, NULL, MOPED_KIND_NODE, "lonely", "lonely");
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_WARNING, "unlinked-socket", IDS ("spare"));
  expect (diags, MOPED_SEVERITY_WARNING, "node-without-sockets", IDS ("lonely"));
  g_assert_cmpuint (count_code (diags, "unlinked-socket"), ==, 1);
  g_assert_cmpuint (count_code (diags, "node-without-sockets"), ==, 1);
}

static void
test_subscribe_ignored (void)
{
  g_autoptr(MopedDesign) d = new_design ();
  MopedElement *pub = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "pub", "publisher");
  MopedElement *sub = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "sub", "subscriber");
  MopedElement *ps = moped_test_add_socket_full (d, pub, "pub-out", "out", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
  MopedElement *ss = moped_test_add_socket_full (d, sub, "sub-in", "in", MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_CONNECT);
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) diags2 = NULL;

  moped_test_add_link_full (d, "l", ps, ss, "tcp://*:5556");
  moped_design_set_string (d, ss, MOPED_PROP_SUBSCRIBE, "weather.,news.");
  diags = validate (d);
  g_assert_cmpuint (diags->len, ==, 0);

  moped_design_set_string (d, ps, MOPED_PROP_SUBSCRIBE, "weather.");
  diags2 = validate (d);
  expect (diags2, MOPED_SEVERITY_WARNING, "subscribe-ignored", IDS ("pub-out"));
  g_assert_cmpuint (count_code (diags2, "subscribe-ignored"), ==, 1);
}

static void
test_requirements (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *ok, *zero, *pct, *big, *fresh;

  fixture_init (&f);
  ok = moped_test_add_named (f.design, NULL, MOPED_KIND_REQUIREMENT, "ok", "Fast");
  moped_design_set_enum (f.design, ok, MOPED_PROP_METRIC, MOPED_METRIC_RELIABILITY);
  moped_design_set_double (f.design, ok, MOPED_PROP_VALUE, 99.9);
  zero = moped_test_add_named (f.design, NULL, MOPED_KIND_REQUIREMENT, "zero", "Nothing");
  moped_design_set_double (f.design, zero, MOPED_PROP_VALUE, -5);
  pct = moped_test_add_named (f.design, NULL, MOPED_KIND_REQUIREMENT, "pct", "Too sure");
  moped_design_set_enum (f.design, pct, MOPED_PROP_METRIC, MOPED_METRIC_RELIABILITY);
  moped_design_set_double (f.design, pct, MOPED_PROP_VALUE, 150);
  big = moped_test_add_named (f.design, NULL, MOPED_KIND_REQUIREMENT, "big", "Many");
  moped_design_set_double (f.design, big, MOPED_PROP_VALUE, 150000);
  /* A requirement as the inspector's Add makes it: no target yet, which is not a problem. */
  fresh = moped_test_add_named (f.design, NULL, MOPED_KIND_REQUIREMENT, "fresh", "To be decided");
  g_assert_cmpfloat (moped_element_get_double (fresh, MOPED_PROP_VALUE), ==, 0);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_WARNING, "requirement-not-positive", IDS ("zero"));
  expect (diags, MOPED_SEVERITY_WARNING, "requirement-out-of-range", IDS ("pct"));
  g_assert_cmpuint (diags->len, ==, 2);
}

static void
number_elements (MopedElement *e,
                 GHashTable   *positions)
{
  g_hash_table_insert (positions, (gpointer) moped_element_get_id (e),
                       GUINT_TO_POINTER (g_hash_table_size (positions)));
  for (guint i = 0; i < moped_element_get_n_children (e); i++)
    number_elements (moped_element_get_child (e, i), positions);
}

static void
test_order (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GHashTable) positions = g_hash_table_new (g_str_hash, g_str_equal);
  const MopedDiagnostic *first, *second, *last;
  guint errors;

  fixture_init (&f);
  /* A node without name or socket first in the document, link errors later, an
   * unused command at the end. */
  moped_design_set_string (f.design,
                           moped_design_add (f.design, moped_design_get_root (f.design), MOPED_KIND_NODE, 0, "first-node"),
                           MOPED_PROP_NAME, "");
  moped_design_set_string (f.design, f.link, MOPED_PROP_ENDPOINT, "");
  moped_design_set_enum (f.design, f.rep, MOPED_PROP_MODE, MOPED_SOCKET_MODE_CONNECT);
  moped_test_add_command (f.design, f.protocol, "bye", "BYE", NULL);
  diags = validate (f.design);
  number_elements (moped_design_get_root (f.design), positions);

  g_assert_cmpuint (diags->len, ==, 5);
  for (guint i = 1; i < diags->len; i++)
    {
      const MopedDiagnostic *a = g_ptr_array_index (diags, i - 1);
      const MopedDiagnostic *b = g_ptr_array_index (diags, i);

      g_assert_cmpint (a->severity, <=, b->severity);
      if (a->severity == b->severity)
        g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (positions, a->element_ids[0])), <=,
                          GPOINTER_TO_UINT (g_hash_table_lookup (positions, b->element_ids[0])));
    }
  errors = moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR);
  g_assert_cmpuint (errors, ==, 3);
  first = g_ptr_array_index (diags, 0);
  second = g_ptr_array_index (diags, 1);
  last = g_ptr_array_index (diags, diags->len - 1);
  g_assert_cmpstr (first->code, ==, "missing-name");
  g_assert_cmpstr (first->element_ids[0], ==, "first-node");
  /* Same main element: the order in which the checks found them. */
  g_assert_cmpstr (second->element_ids[0], ==, "link-1");
  g_assert_cmpstr (((MopedDiagnostic *) g_ptr_array_index (diags, errors))->code, ==,
                   "node-without-sockets");
  g_assert_cmpstr (last->code, ==, "unused-command");

  /* The same design gives the same list twice. */
  {
    g_autoptr(GPtrArray) again = moped_validate (f.design);

    g_assert_cmpuint (again->len, ==, diags->len);
    for (guint i = 0; i < diags->len; i++)
      g_assert_cmpstr (((MopedDiagnostic *) g_ptr_array_index (again, i))->message, ==,
                       ((MopedDiagnostic *) g_ptr_array_index (diags, i))->message);
  }
}

static void
test_diagnostic_api (void)
{
  const char *ids[] = { "a", "b", NULL };
  g_autoptr(MopedDiagnostic) d = moped_diagnostic_new (MOPED_SEVERITY_WARNING, "some-code", ids,
                                                       "Do this.", "%s has %d things", "x", 3);
  g_autoptr(MopedDiagnostic) bare = moped_diagnostic_new (MOPED_SEVERITY_INFO, "c", NULL, NULL, "m");
  g_autoptr(GPtrArray) list = g_ptr_array_new ();

  g_assert_cmpstr (d->code, ==, "some-code");
  g_assert_cmpstr (d->message, ==, "x has 3 things");
  g_assert_cmpstr (d->hint, ==, "Do this.");
  g_assert_cmpuint (g_strv_length (d->element_ids), ==, 2);
  g_assert_cmpstr (d->element_ids[1], ==, "b");
  g_assert_cmpuint (g_strv_length (bare->element_ids), ==, 0);
  g_assert_cmpstr (moped_severity_get_name (MOPED_SEVERITY_ERROR), ==, "error");
  g_assert_cmpstr (moped_severity_get_name (MOPED_SEVERITY_WARNING), ==, "warning");
  g_assert_cmpstr (moped_severity_get_name (MOPED_SEVERITY_INFO), ==, "info");
  g_ptr_array_add (list, d);
  g_ptr_array_add (list, bare);
  g_assert_cmpuint (moped_diagnostics_count (list, MOPED_SEVERITY_WARNING), ==, 1);
  g_assert_cmpuint (moped_diagnostics_count (list, MOPED_SEVERITY_INFO), ==, 1);
  g_assert_cmpuint (moped_diagnostics_count (list, MOPED_SEVERITY_ERROR), ==, 0);
}

/* 10,000 nodes in a pipeline and a flow through all of them: validation must stay
 * near-linear (a pairwise check would take seconds here). */
static void
test_large_design (void)
{
  const guint n = 10000;
  g_autoptr(MopedDesign) d = new_design ();
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *prev_out = NULL;
  MopedElement *proto, *cmd, *flow, *process;
  gint64 start, elapsed;

  moped_design_begin (d, "build");
  proto = moped_test_add_named (d, NULL, MOPED_KIND_PROTOCOL, "proto", "Pipeline");
  cmd = moped_test_add_command (d, proto, "task", "TASK", NULL);
  flow = moped_test_add_named (d, proto, MOPED_KIND_FLOW, "flow", "Through all");
  /* All stages are threads of one program, so inproc links them. */
  process = moped_test_add_named (d, NULL, MOPED_KIND_PROCESS, "pipeline", "pipeline");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("stage %u", i);
      g_autofree char *endpoint = g_strdup_printf ("inproc://stage-%u", i);
      MopedElement *node = moped_test_add_named (d, NULL, MOPED_KIND_NODE, NULL, name);
      MopedElement *in = moped_test_add_socket_full (d, node, NULL, "in", MOPED_SOCKET_PULL, MOPED_SOCKET_MODE_BIND);
      MopedElement *out = moped_test_add_socket_full (d, node, NULL, "out", MOPED_SOCKET_PUSH, MOPED_SOCKET_MODE_CONNECT);

      moped_design_set_ref (d, node, MOPED_PROP_PROCESS, process);
      if (prev_out != NULL)
        {
          moped_test_add_link_full (d, NULL, prev_out, in, endpoint);
          moped_test_add_step (d, flow, NULL, g_ptr_array_index (nodes, i - 1), node, cmd);
        }
      g_ptr_array_add (nodes, node);
      prev_out = out;
    }
  moped_design_end (d);

  start = g_get_monotonic_time ();
  diags = moped_validate (d);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("validated %u elements in %.1f ms", moped_design_get_n_elements (d),
                  elapsed / 1000.0);
  /* The first node's input and the last node's output are unlinked: two warnings. */
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);
  g_assert_cmpuint (count_code (diags, "unlinked-socket"), ==, 2);
  g_assert_cmpuint (diags->len, ==, 2);
  /* Generous for sanitizers and valgrind; a quadratic check takes far longer. */
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

/* ---- roles --------------------------------------------------------------------------- */

static MopedElement *
role_of (Fixture    *f,
         const char *node_id)
{
  g_autofree char *id = g_strconcat ("echo.", node_id, NULL);

  return moped_design_lookup (f->design, id);
}

/* The fixture's roles are named like its nodes, so both link ends infer them. */
static void
test_roles_inferred_from_names (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  diags = validate (f.design);
  g_assert_cmpuint (diags->len, ==, 0);
  g_assert_true (moped_link_get_role (f.link, MOPED_PROP_FROM) == role_of (&f, "client"));
  g_assert_true (moped_link_get_role (f.link, MOPED_PROP_TO) == role_of (&f, "server"));
  g_assert_true (moped_link_role_is_inferred (f.link, MOPED_PROP_FROM));
  g_assert_true (moped_node_plays_role (f.client, role_of (&f, "client")));
  g_assert_false (moped_node_plays_role (f.client, role_of (&f, "server")));
}

/* Roles named unlike the nodes, and a flow naming roles (so it says nothing of who
 * plays them): REQ and REP may both play either, so neither end is known until one is
 * set; then the other end plays the other role. (/validate/roles/from-flows: a flow
 * naming the nodes tells.) */
static void
test_roles_unknown_then_complement (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) after = NULL;
  MopedElement *s1, *s2;

  fixture_init (&f);
  moped_design_set_string (f.design, role_of (&f, "client"), MOPED_PROP_NAME, "asker");
  moped_design_set_string (f.design, role_of (&f, "server"), MOPED_PROP_NAME, "answerer");
  s1 = moped_design_lookup (f.design, "step-1");
  s2 = moped_design_lookup (f.design, "step-2");
  moped_design_set_ref (f.design, s1, MOPED_PROP_FROM, role_of (&f, "client"));
  moped_design_set_ref (f.design, s1, MOPED_PROP_TO, role_of (&f, "server"));
  moped_design_set_ref (f.design, s2, MOPED_PROP_FROM, role_of (&f, "server"));
  moped_design_set_ref (f.design, s2, MOPED_PROP_TO, role_of (&f, "client"));
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_WARNING, "link-role-unknown", IDS ("link-1", "client-req", "echo"));
  expect (diags, MOPED_SEVERITY_WARNING, "link-role-unknown", IDS ("link-1", "server-rep", "echo"));
  g_assert_null (moped_link_get_role (f.link, MOPED_PROP_TO));

  moped_design_set_ref (f.design, f.link, MOPED_PROP_FROM_ROLE, role_of (&f, "client"));
  after = validate (f.design);
  g_assert_cmpuint (after->len, ==, 0);
  g_assert_true (moped_link_get_role (f.link, MOPED_PROP_TO) == role_of (&f, "server"));
  g_assert_false (moped_link_role_is_inferred (f.link, MOPED_PROP_FROM));
  g_assert_true (moped_link_role_is_inferred (f.link, MOPED_PROP_TO));
}

/* A socket that cannot send plays no role that sends; one that cannot receive plays
 * none that only listens; whatever the names. */
static void
test_roles_inferred_from_socket_types (void)
{
  g_autoptr(MopedDesign) d = new_design ();
  MopedElement *a = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "a", "station");
  MopedElement *b = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "b", "display");
  MopedElement *pub = moped_test_add_socket_full (d, a, "a-pub", "out", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
  MopedElement *sub = moped_test_add_socket_full (d, b, "b-sub", "in", MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *link = moped_test_add_link_full (d, "link-1", sub, pub, "tcp://*:5556");
  MopedElement *p = moped_test_add_named (d, NULL, MOPED_KIND_PROTOCOL, "p", "P");
  MopedElement *listener = moped_test_add_named (d, p, MOPED_KIND_ROLE, "listener", "listener");
  MopedElement *teller = moped_test_add_named (d, p, MOPED_KIND_ROLE, "teller", "teller");
  MopedElement *tick = moped_test_add_command (d, p, "tick", "TICK", teller);
  MopedElement *flow = moped_test_add_named (d, p, MOPED_KIND_FLOW, "f", "F");
  g_autoptr(GPtrArray) diags = NULL;

  moped_design_set_ref (d, link, MOPED_PROP_PROTOCOL, p);
  moped_test_add_step (d, flow, "s1", teller, listener, tick);
  diags = validate (d);
  g_assert_cmpuint (diags->len, ==, 0);
  g_assert_true (moped_link_get_role (link, MOPED_PROP_FROM) == listener);
  g_assert_true (moped_link_get_role (link, MOPED_PROP_TO) == teller);
}

static void
test_roles_of_other_protocol (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) no_protocol = NULL;
  MopedElement *other, *watcher;

  fixture_init (&f);
  other = moped_test_add_named (f.design, NULL, MOPED_KIND_PROTOCOL, "other", "Other");
  watcher = moped_test_add_named (f.design, other, MOPED_KIND_ROLE, "watcher", "watcher");
  moped_design_set_ref (f.design, f.link, MOPED_PROP_FROM_ROLE, watcher);
  moped_design_set_ref (f.design, moped_design_lookup (f.design, "step-2"), MOPED_PROP_TO, watcher);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_ERROR, "role-of-other-protocol", IDS ("link-1", "watcher", "echo"));
  expect (diags, MOPED_SEVERITY_ERROR, "role-of-other-protocol", IDS ("step-2", "watcher", "echo"));

  moped_design_set_ref (f.design, f.link, MOPED_PROP_PROTOCOL, NULL);
  no_protocol = validate (f.design);
  expect (no_protocol, MOPED_SEVERITY_ERROR, "role-of-other-protocol", IDS ("link-1", "watcher"));
}

static void
test_roles_not_played (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *auditor, *idle;

  fixture_init (&f);
  auditor = moped_test_add_named (f.design, f.protocol, MOPED_KIND_ROLE, "auditor", "auditor");
  idle = moped_test_add_named (f.design, f.protocol, MOPED_KIND_ROLE, "idle", "idle");
  moped_test_add_step (f.design, f.flow, "step-3", auditor, f.server, f.request);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_ERROR, "role-not-played", IDS ("step-3", "auditor"));
  expect (diags, MOPED_SEVERITY_WARNING, "unused-role", IDS ("idle"));
  g_assert_null (find (diags, "unused-role", IDS ("auditor")));
  g_assert_nonnull (idle);
}

/* Steps may name roles; the REQ/REP order is still checked on the sockets that play them. */
static void
test_roles_in_steps (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) swapped = NULL;
  MopedElement *step1, *step2;

  fixture_init (&f);
  step1 = moped_design_lookup (f.design, "step-1");
  step2 = moped_design_lookup (f.design, "step-2");
  moped_design_set_ref (f.design, step1, MOPED_PROP_FROM, role_of (&f, "client"));
  moped_design_set_ref (f.design, step1, MOPED_PROP_TO, role_of (&f, "server"));
  moped_design_set_ref (f.design, step2, MOPED_PROP_FROM, f.rep);
  diags = validate (f.design);
  g_assert_cmpuint (diags->len, ==, 0);
  g_assert_true (moped_step_get_node (step1, MOPED_PROP_FROM) == f.client);
  g_assert_true (moped_step_get_node (step2, MOPED_PROP_FROM) == f.server);
  g_assert_true (moped_step_get_role (step2, MOPED_PROP_FROM) == role_of (&f, "server"));

  moped_design_move (f.design, step2, 0);
  swapped = validate (f.design);
  expect (swapped, MOPED_SEVERITY_ERROR, "rep-send-before-receive", IDS ("step-2", "server-rep"));
}

/* Any number of nodes may play a role; a node that plays another role is warned about. */
static void
test_roles_many_players (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) players = NULL;
  MopedElement *robot, *robot_req;

  fixture_init (&f);
  robot = moped_test_add_named (f.design, NULL, MOPED_KIND_NODE, "robot", "robot");
  robot_req = moped_test_add_socket_full (f.design, robot, "robot-req", "asks", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  moped_design_set_ref (f.design, moped_test_add_link_full (f.design, "link-2", robot_req, f.rep, "tcp://*:5555"),
                        MOPED_PROP_PROTOCOL, f.protocol);
  moped_design_set_ref (f.design, moped_design_lookup (f.design, "link-2"), MOPED_PROP_FROM_ROLE, role_of (&f, "client"));
  moped_test_add_step (f.design, f.flow, "step-3", robot, f.server, f.request);
  moped_test_add_step (f.design, f.flow, "step-4", f.server, robot, f.reply);
  moped_test_add_step (f.design, f.flow, "step-5", f.server, robot, f.request);
  diags = validate (f.design);
  players = moped_role_get_nodes (role_of (&f, "client"));
  g_assert_cmpuint (players->len, ==, 2);
  g_assert_null (find (diags, "command-sender-mismatch", IDS ("step-3")));
  expect (diags, MOPED_SEVERITY_WARNING, "command-sender-mismatch", IDS ("step-5", "request", "server"));
}

/* A message relayed by a broker rides inside the protocols of the broker's links. */
static void
test_roles_relay (void)
{
  g_autoptr(MopedDesign) d = new_design ();
  MopedElement *client = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "client", "client");
  MopedElement *broker = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "broker", "broker");
  MopedElement *worker = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "worker", "worker");
  MopedElement *cd = moped_test_add_socket_full (d, client, "client-dealer", "broker", MOPED_SOCKET_DEALER, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *front = moped_test_add_socket_full (d, broker, "front", "front", MOPED_SOCKET_ROUTER, MOPED_SOCKET_MODE_BIND);
  MopedElement *back = moped_test_add_socket_full (d, broker, "back", "back", MOPED_SOCKET_ROUTER, MOPED_SOCKET_MODE_BIND);
  MopedElement *wd = moped_test_add_socket_full (d, worker, "worker-dealer", "broker", MOPED_SOCKET_DEALER, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *outer = moped_test_add_named (d, NULL, MOPED_KIND_PROTOCOL, "outer", "Outer");
  MopedElement *inner = moped_test_add_named (d, NULL, MOPED_KIND_PROTOCOL, "inner", "Inner");
  MopedElement *ping = moped_test_add_command (d, inner, "ping", "PING", client);
  MopedElement *flow = moped_test_add_named (d, inner, MOPED_KIND_FLOW, "f", "F");
  MopedElement *step;
  g_autoptr(GPtrArray) direct = NULL;
  g_autoptr(GPtrArray) relayed = NULL;

  moped_design_set_ref (d, moped_test_add_link_full (d, "l1", cd, front, "tcp://*:5000"), MOPED_PROP_PROTOCOL, outer);
  moped_design_set_ref (d, moped_test_add_link_full (d, "l2", wd, back, "tcp://*:5001"), MOPED_PROP_PROTOCOL, outer);
  step = moped_test_add_step (d, flow, "s1", client, worker, ping);
  direct = validate (d);
  expect (direct, MOPED_SEVERITY_ERROR, "no-link-between-nodes", IDS ("s1", "client", "worker"));

  moped_design_set_ref (d, step, MOPED_PROP_VIA, broker);
  relayed = validate (d);
  g_assert_cmpuint (moped_diagnostics_count (relayed, MOPED_SEVERITY_ERROR), ==, 0);
}

/* A node with two sockets that carry a step equally well: the first is taken, with a
 * warning; naming the socket settles it. */
static void
test_roles_ambiguous_socket (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GPtrArray) named = NULL;
  g_autoptr(GPtrArray) links = NULL;
  MopedElement *req2;
  MopedHop hop;
  gboolean ambiguous = FALSE;

  fixture_init (&f);
  req2 = moped_test_add_socket_full (f.design, f.client, "client-req-2", "spare", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  moped_design_set_ref (f.design, moped_test_add_link_full (f.design, "link-2", req2, f.rep, "tcp://*:5555"),
                        MOPED_PROP_PROTOCOL, f.protocol);
  diags = validate (f.design);
  expect (diags, MOPED_SEVERITY_WARNING, "ambiguous-step-socket", IDS ("step-1", "client-req", "server-rep"));

  moped_design_set_ref (f.design, moped_design_lookup (f.design, "step-1"), MOPED_PROP_FROM, req2);
  moped_design_set_ref (f.design, moped_design_lookup (f.design, "step-2"), MOPED_PROP_TO, req2);
  named = validate (f.design);
  g_assert_null (find (named, "ambiguous-step-socket", NULL));
  g_assert_cmpuint (moped_diagnostics_count (named, MOPED_SEVERITY_ERROR), ==, 0);
  links = moped_design_collect (f.design, MOPED_KIND_LINK);
  g_assert_cmpint (moped_hop_pick (links, f.protocol, req2, f.server, FALSE, &hop, &ambiguous), ==, MOPED_HOP_FOUND);
  g_assert_true (hop.sender == req2);
  g_assert_false (ambiguous);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validate/clean-req-rep", test_clean_req_rep);
  g_test_add_func ("/validate/incompatible-sockets", test_incompatible_sockets);
  g_test_add_func ("/validate/draft-socket-type", test_draft_socket_type);
  g_test_add_func ("/validate/both-bind-and-both-connect", test_both_bind_and_both_connect);
  g_test_add_func ("/validate/mode-per-link-end", test_mode_per_link_end);
  g_test_add_func ("/validate/deployment", test_deployment);
  g_test_add_func ("/validate/missing-endpoint", test_missing_endpoint);
  g_test_add_func ("/validate/bad-endpoint", test_bad_endpoint);
  g_test_add_func ("/validate/transport-not-allowed", test_transport_not_allowed);
  g_test_add_func ("/validate/pgm-publishers", test_pgm_publishers);
  g_test_add_func ("/validate/ephemeral-endpoint", test_ephemeral_endpoint);
  g_test_add_func ("/validate/duplicate-bind", test_duplicate_bind);
  g_test_add_func ("/validate/same-node-link", test_same_node_link);
  g_test_add_func ("/validate/self-link", test_self_link);
  g_test_add_func ("/validate/no-link-between-nodes", test_no_link_between_nodes);
  g_test_add_func ("/validate/no-link-at-all", test_no_link_at_all);
  g_test_add_func ("/validate/socket-cannot-send-or-receive", test_socket_cannot_send_or_receive);
  g_test_add_func ("/validate/req-send-twice", test_req_send_twice);
  g_test_add_func ("/validate/repeat-and-optional", test_repeat_and_optional);
  g_test_add_func ("/validate/rep-send-before-receive", test_rep_send_before_receive);
  g_test_add_func ("/validate/optional-skipped", test_optional_skipped);
  g_test_add_func ("/validate/rep-queues-requests", test_rep_queues_requests);
  g_test_add_func ("/validate/router-dealer-free-order", test_router_dealer_free_order);
  g_test_add_func ("/validate/command-from-other-protocol", test_command_from_other_protocol);
  g_test_add_func ("/validate/command-sender-mismatch", test_command_sender_mismatch);
  g_test_add_func ("/validate/unused-and-empty", test_unused_and_empty);
  g_test_add_func ("/validate/duplicate-names", test_duplicate_names);
  g_test_add_func ("/validate/invisible-characters-in-names", test_invisible_characters_in_names);
  g_test_add_func ("/validate/identifier-collision", test_identifier_collision);
  g_test_add_func ("/validate/missing-name-and-reference", test_missing_name_and_reference);
  g_test_add_func ("/validate/unlinked-socket-and-empty-node", test_unlinked_socket_and_empty_node);
  g_test_add_func ("/validate/subscribe-ignored", test_subscribe_ignored);
  g_test_add_func ("/validate/requirements", test_requirements);
  g_test_add_func ("/validate/order", test_order);
  g_test_add_func ("/validate/diagnostic-api", test_diagnostic_api);
  g_test_add_func ("/validate/large-design", test_large_design);
  g_test_add_func ("/validate/roles/inferred-from-names", test_roles_inferred_from_names);
  g_test_add_func ("/validate/roles/unknown-then-complement", test_roles_unknown_then_complement);
  g_test_add_func ("/validate/roles/inferred-from-socket-types", test_roles_inferred_from_socket_types);
  g_test_add_func ("/validate/roles/of-other-protocol", test_roles_of_other_protocol);
  g_test_add_func ("/validate/roles/not-played", test_roles_not_played);
  g_test_add_func ("/validate/roles/in-steps", test_roles_in_steps);
  g_test_add_func ("/validate/roles/many-players", test_roles_many_players);
  g_test_add_func ("/validate/roles/relay", test_roles_relay);
  g_test_add_func ("/validate/roles/from-flows", test_roles_from_flows);
  g_test_add_func ("/validate/roles/ambiguous-socket", test_roles_ambiguous_socket);
  return g_test_run ();
}
