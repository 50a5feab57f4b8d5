/* test-model-endpoint.c: endpoint parsing, bind/connect checks, normal and connect forms.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "moped-endpoint.h"

typedef struct
{
  const char *text;
  gboolean    ok;
  const char *problem_part;  /* a piece of the problem text, for bad endpoints */
} ParseCase;

static const ParseCase parse_cases[] = {
  { "tcp://*:5555", TRUE, NULL },
  { "tcp://*:*", TRUE, NULL },
  { "tcp://*:!", TRUE, NULL },
  { "tcp://127.0.0.1:1", TRUE, NULL },
  { "tcp://[::1]:65535", TRUE, NULL },
  { "tcp://[::]:80", TRUE, NULL },
  { "tcp://broker.example.com:5555", TRUE, NULL },
  { "tcp://eth0:5555", TRUE, NULL },
  { "tcp://my_iface:5555", TRUE, NULL },
  { "tcp://10.0.0.2:4000;server:5555", TRUE, NULL },
  { "ipc:///tmp/moped.sock", TRUE, NULL },
  { "ipc://*", TRUE, NULL },
  { "ipc://@abstract", TRUE, NULL },
  { "inproc://workers", TRUE, NULL },
  { "pgm://eth0;239.192.1.1:5555", TRUE, NULL },
  { "epgm://192.168.1.1;239.192.1.1:5555", TRUE, NULL },
  { "udp://*:5556", TRUE, NULL },
  { "udp://127.0.0.1:5556", TRUE, NULL },
  { "udp://eth0;239.0.0.1:5556", TRUE, NULL },
  { "tcp://*:70000", FALSE, "port 70000 is out of range 1-65535" },
  { "tcp://*:0", FALSE, "port 0 is out of range 1-65535" },
  { "tcp://*:99999999999", FALSE, "out of range 1-65535" },
  { "tcp://*:abc", FALSE, "port “abc” is not a number" },
  { "tcp://*:", FALSE, "the port is missing" },
  { "tcp://localhost", FALSE, "has no port" },
  { "tcp://[::1]", FALSE, "has no port" },
  { "tcp://", FALSE, "host and port are missing" },
  { "tcp://:5555", FALSE, "the host is missing" },
  { "tcp://300.1.2.3:5555", FALSE, "“300.1.2.3” is not a valid IPv4 address" },
  { "tcp://1.2.3:5555", FALSE, "not a valid IPv4 address" },
  { "tcp://[::zz]:5555", FALSE, "not a valid IPv6 address" },
  { "tcp://[::1:5555", FALSE, "no closing ‘]’" },
  { "tcp://::1:5555", FALSE, "in brackets" },
  { "tcp://my host:5555", FALSE, "contains a space" },
  { "tcp://a..b:5555", FALSE, "empty part between dots" },
  { "tcp://-x:5555", FALSE, "cannot start with" },
  { "tcp://a;b;c:5", FALSE, "at most one ‘;’" },
  { " tcp://*:5555", FALSE, "spaces around" },
  { "", FALSE, "the endpoint is empty" },
  { "ipc://", FALSE, "the ipc path is empty" },
  { "inproc://", FALSE, "the inproc name is empty" },
  { "inproc://my name", FALSE, "inproc name “my name” contains a space" },
  { "pgm://239.192.1.1:5555", FALSE, "interface;multicast-address:port" },
  { "epgm://eth0;10.0.0.1:5555", FALSE, "“10.0.0.1” is not a multicast address" },
  { "epgm://eth0;239.1.1.1:*", FALSE, "give a port number" },
  { "pgm://;239.1.1.1:5555", FALSE, "needs a network interface" },
  { "udp://eth0;10.0.0.1:5556", FALSE, "not a multicast address" },
  { "ws://localhost:80", FALSE, "unknown transport “ws”; use tcp, ipc, inproc, pgm, epgm or udp" },
  { "tipc://{5560,0,0}", FALSE, "unknown transport “tipc”" },
  { "http://example.com", FALSE, "unknown transport “http”" },
  { "TCP://*:5555", FALSE, "in lowercase: tcp://" },
  { "localhost:5555", FALSE, "has no transport" },
  { "://x", FALSE, "no transport before" },
};

static void
test_parse_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      const ParseCase *c = &parse_cases[i];
      MopedEndpoint ep;
      g_autofree char *problem = NULL;
      gboolean ok = moped_endpoint_parse (c->text, &ep, &problem);

      g_test_message ("endpoint “%s”: %s", c->text, problem ? problem : "ok");
      g_assert_cmpint (ok, ==, c->ok);
      if (ok)
        {
          g_assert_null (problem);
          g_assert_nonnull (ep.address);
          moped_endpoint_clear (&ep);
          g_assert_null (ep.address);
        }
      else
        {
          g_assert_nonnull (problem);
          g_assert_nonnull (strstr (problem, c->problem_part));
          g_assert_null (ep.address);
          g_assert_null (ep.host);
        }
    }
}

static void
test_parse_fields (void)
{
  MopedEndpoint ep;

  g_assert_true (moped_endpoint_parse ("tcp://*:5555", &ep, NULL));
  g_assert_cmpint (ep.transport, ==, MOPED_TRANSPORT_TCP);
  g_assert_cmpstr (ep.address, ==, "*:5555");
  g_assert_cmpstr (ep.host, ==, "*");
  g_assert_cmpint (ep.port, ==, 5555);
  moped_endpoint_clear (&ep);

  g_assert_true (moped_endpoint_parse ("tcp://localhost:!", &ep, NULL));
  g_assert_cmpint (ep.port, ==, 0);
  moped_endpoint_clear (&ep);

  g_assert_true (moped_endpoint_parse ("tcp://[::1]:007", &ep, NULL));
  g_assert_cmpstr (ep.host, ==, "[::1]");
  g_assert_cmpint (ep.port, ==, 7);
  moped_endpoint_clear (&ep);

  g_assert_true (moped_endpoint_parse ("tcp://10.0.0.2:4000;server:5555", &ep, NULL));
  g_assert_cmpstr (ep.host, ==, "server");
  g_assert_cmpint (ep.port, ==, 5555);
  moped_endpoint_clear (&ep);

  g_assert_true (moped_endpoint_parse ("epgm://eth0;239.192.1.1:5555", &ep, NULL));
  g_assert_cmpint (ep.transport, ==, MOPED_TRANSPORT_EPGM);
  g_assert_cmpstr (ep.host, ==, "eth0;239.192.1.1");
  g_assert_cmpint (ep.port, ==, 5555);
  moped_endpoint_clear (&ep);

  g_assert_true (moped_endpoint_parse ("ipc:///tmp/x", &ep, NULL));
  g_assert_cmpint (ep.transport, ==, MOPED_TRANSPORT_IPC);
  g_assert_cmpstr (ep.address, ==, "/tmp/x");
  g_assert_null (ep.host);
  moped_endpoint_clear (&ep);

  g_assert_true (moped_endpoint_parse ("inproc://a", &ep, NULL));
  g_assert_cmpint (ep.transport, ==, MOPED_TRANSPORT_INPROC);
  moped_endpoint_clear (&ep);

  g_assert_true (moped_endpoint_parse ("udp://*:1", &ep, NULL));
  g_assert_cmpint (ep.transport, ==, MOPED_TRANSPORT_UDP);
  moped_endpoint_clear (&ep);

  /* The problem pointer is optional. */
  g_assert_false (moped_endpoint_parse ("nope", &ep, NULL));
}

static void
test_ipc_length (void)
{
  g_autofree char *path = g_strnfill (MOPED_IPC_PATH_MAX, 'p');
  g_autofree char *longest = g_strconcat ("ipc://", path, NULL);
  g_autofree char *too_long = g_strconcat ("ipc://", path, "p", NULL);
  g_autofree char *problem = NULL;
  MopedEndpoint ep;

  g_assert_true (moped_endpoint_parse (longest, &ep, NULL));
  moped_endpoint_clear (&ep);
  g_assert_false (moped_endpoint_parse (too_long, &ep, &problem));
  g_assert_cmpstr (problem, ==, "the ipc path is 108 bytes long; Linux allows at most 107");
}

typedef struct
{
  const char     *text;
  MopedSocketType type;
  gboolean        for_bind;
  gboolean        ok;
  const char     *problem_part;
} CheckCase;

static const CheckCase check_cases[] = {
  { "tcp://*:5555", MOPED_SOCKET_REP, TRUE, TRUE, NULL },
  { "tcp://*:*", MOPED_SOCKET_REP, TRUE, TRUE, NULL },
  { "tcp://eth0:5555", MOPED_SOCKET_ROUTER, TRUE, TRUE, NULL },
  { "tcp://[::]:5555", MOPED_SOCKET_ROUTER, TRUE, TRUE, NULL },
  { "tcp://localhost:5555", MOPED_SOCKET_REQ, FALSE, TRUE, NULL },
  { "tcp://10.0.0.2:4000;server:5555", MOPED_SOCKET_REQ, FALSE, TRUE, NULL },
  { "tcp://10.0.0.2:4000;server:5555", MOPED_SOCKET_REP, TRUE, FALSE, "only for connecting" },
  { "tcp://*:5555", MOPED_SOCKET_REQ, FALSE, FALSE, "needs the address or name of a host, not *" },
  { "tcp://0.0.0.0:5555", MOPED_SOCKET_REQ, FALSE, FALSE, "not 0.0.0.0" },
  { "tcp://[::]:5555", MOPED_SOCKET_REQ, FALSE, FALSE, "not [::]" },
  { "tcp://server:*", MOPED_SOCKET_REQ, FALSE, FALSE, "needs the actual port number" },
  { "tcp://server:70000", MOPED_SOCKET_REQ, FALSE, FALSE, "port 70000 is out of range 1-65535" },
  { "ipc://*", MOPED_SOCKET_PULL, TRUE, TRUE, NULL },
  { "ipc://*", MOPED_SOCKET_PUSH, FALSE, FALSE, "can only be bound" },
  { "ipc:///tmp/a", MOPED_SOCKET_PUSH, FALSE, TRUE, NULL },
  { "inproc://pipe", MOPED_SOCKET_PAIR, TRUE, TRUE, NULL },
  { "inproc://pipe", MOPED_SOCKET_PAIR, FALSE, TRUE, NULL },
  { "epgm://eth0;239.192.1.1:5555", MOPED_SOCKET_PUB, TRUE, TRUE, NULL },
  { "epgm://eth0;239.192.1.1:5555", MOPED_SOCKET_SUB, FALSE, TRUE, NULL },
  { "pgm://eth0;239.192.1.1:5555", MOPED_SOCKET_XSUB, FALSE, TRUE, NULL },
  { "pgm://eth0;239.192.1.1:5555", MOPED_SOCKET_REQ, FALSE, FALSE,
    "REQ sockets cannot use pgm (pgm is only for PUB, SUB, XPUB and XSUB sockets); "
    "use tcp, ipc or inproc" },
  { "epgm://eth0;239.192.1.1:5555", MOPED_SOCKET_PUSH, TRUE, FALSE, "cannot use epgm" },
  { "udp://*:5556", MOPED_SOCKET_DISH, TRUE, TRUE, NULL },
  { "udp://127.0.0.1:5556", MOPED_SOCKET_RADIO, FALSE, TRUE, NULL },
  { "udp://*:5556", MOPED_SOCKET_RADIO, FALSE, FALSE, "not *" },
  { "udp://*:5556", MOPED_SOCKET_PUB, TRUE, FALSE,
    "PUB sockets cannot use udp (udp is only for RADIO and DISH sockets)" },
  { "ipc:///tmp/s", MOPED_SOCKET_STREAM, TRUE, FALSE, "STREAM sockets cannot use ipc; use tcp" },
  { "inproc://s", MOPED_SOCKET_STREAM, FALSE, FALSE, "; use tcp" },
  { "tcp://*:5555", MOPED_SOCKET_STREAM, TRUE, TRUE, NULL },
  { "ws://x:1", MOPED_SOCKET_REQ, TRUE, FALSE, "unknown transport “ws”; use tcp, ipc or inproc" },
  { "ws://x:1", MOPED_SOCKET_SUB, TRUE, FALSE,
    "unknown transport “ws”; use tcp, ipc, inproc, pgm or epgm" },
  { "tcp://*:0", MOPED_SOCKET_REP, TRUE, FALSE, "out of range" },
};

static void
test_check_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (check_cases); i++)
    {
      const CheckCase *c = &check_cases[i];
      g_autofree char *problem = NULL;
      gboolean ok = moped_endpoint_check (c->text, c->type, c->for_bind, &problem);

      g_test_message ("%s %s “%s”: %s", moped_socket_type_get_name (c->type),
                      c->for_bind ? "binds" : "connects", c->text, problem ? problem : "ok");
      g_assert_cmpint (ok, ==, c->ok);
      if (ok)
        g_assert_null (problem);
      else
        g_assert_nonnull (strstr (problem, c->problem_part));
    }
}

static void
test_connect_form (void)
{
  static const struct { const char *bound, *connect; } cases[] = {
    { "tcp://*:5555", "tcp://localhost:5555" },
    { "tcp://0.0.0.0:5555", "tcp://localhost:5555" },
    { "tcp://[::]:5555", "tcp://localhost:5555" },
    { "tcp://eth0:5555", "tcp://eth0:5555" },
    { "tcp://192.168.1.5:5555", "tcp://192.168.1.5:5555" },
    { "udp://*:5556", "udp://localhost:5556" },
    { "ipc:///tmp/a", "ipc:///tmp/a" },
    { "inproc://x", "inproc://x" },
    { "epgm://eth0;239.192.1.1:5555", "epgm://eth0;239.192.1.1:5555" },
    { "garbage", "garbage" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *form = moped_endpoint_connect_form (cases[i].bound);

      g_assert_cmpstr (form, ==, cases[i].connect);
    }
}

static void
test_normalize (void)
{
  static const struct { const char *a, *b; gboolean same; } cases[] = {
    { "tcp://0.0.0.0:5", "tcp://*:5", TRUE },
    { "tcp://[::]:5", "tcp://*:5", TRUE },
    { "tcp://*:05", "tcp://*:5", TRUE },
    { "tcp://*:!", "tcp://*:*", TRUE },
    { "tcp://LocalHost:5", "tcp://localhost:5", TRUE },
    { "tcp://*:5", "tcp://*:6", FALSE },
    { "tcp://*:5", "udp://*:5", FALSE },
    { "ipc:///tmp/a", "ipc:///tmp/a", TRUE },
    { "ipc:///tmp/a", "ipc:///tmp/A", FALSE },
    { "inproc://a", "inproc://b", FALSE },
    { "epgm://ETH0;239.1.1.1:5", "epgm://eth0;239.1.1.1:5", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *a = moped_endpoint_normalize (cases[i].a);
      g_autofree char *b = moped_endpoint_normalize (cases[i].b);

      g_test_message ("%s -> %s, %s -> %s", cases[i].a, a, cases[i].b, b);
      g_assert_cmpint (g_str_equal (a, b), ==, cases[i].same);
    }

  {
    g_autofree char *n = moped_endpoint_normalize ("tcp://0.0.0.0:0005");
    g_autofree char *bad = moped_endpoint_normalize ("not an endpoint");

    g_assert_cmpstr (n, ==, "tcp://*:5");
    g_assert_cmpstr (bad, ==, "not an endpoint");
  }
}

static void
test_transport_names (void)
{
  g_assert_cmpstr (moped_transport_get_name (MOPED_TRANSPORT_TCP), ==, "tcp");
  g_assert_cmpstr (moped_transport_get_name (MOPED_TRANSPORT_IPC), ==, "ipc");
  g_assert_cmpstr (moped_transport_get_name (MOPED_TRANSPORT_INPROC), ==, "inproc");
  g_assert_cmpstr (moped_transport_get_name (MOPED_TRANSPORT_PGM), ==, "pgm");
  g_assert_cmpstr (moped_transport_get_name (MOPED_TRANSPORT_EPGM), ==, "epgm");
  g_assert_cmpstr (moped_transport_get_name (MOPED_TRANSPORT_UDP), ==, "udp");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/endpoint/parse-table", test_parse_table);
  g_test_add_func ("/endpoint/parse-fields", test_parse_fields);
  g_test_add_func ("/endpoint/ipc-length", test_ipc_length);
  g_test_add_func ("/endpoint/check-table", test_check_table);
  g_test_add_func ("/endpoint/connect-form", test_connect_form);
  g_test_add_func ("/endpoint/normalize", test_normalize);
  g_test_add_func ("/endpoint/transport-names", test_transport_names);
  return g_test_run ();
}
