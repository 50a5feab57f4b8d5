/* test-model-socket-type.c: the socket-type table's invariants and look-ups.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include "moped-socket-type.h"

static void
test_names_round_trip (void)
{
  for (guint t = 0; t < MOPED_N_SOCKET_TYPES; t++)
    {
      const MopedSocketTypeInfo *info = moped_socket_type_get_info ((MopedSocketType) t);
      g_autofree char *lower = g_ascii_strdown (info->name, -1);
      MopedSocketType found = MOPED_N_SOCKET_TYPES;

      g_assert_cmpint (info->type, ==, t);
      g_assert_true (moped_socket_type_from_name (info->name, &found));
      g_assert_cmpint (found, ==, t);
      found = MOPED_N_SOCKET_TYPES;
      g_assert_true (moped_socket_type_from_name (lower, &found));
      g_assert_cmpint (found, ==, t);
      found = MOPED_N_SOCKET_TYPES;
      g_assert_true (moped_socket_type_from_name (info->zmq_name, &found));
      g_assert_cmpint (found, ==, t);
      g_assert_cmpstr (info->zmq_name + 4, ==, info->name);
      g_assert_nonnull (info->description);
      g_assert_nonnull (info->pattern);
    }
}

static void
test_unknown_names (void)
{
  MopedSocketType t = MOPED_SOCKET_PAIR;

  g_assert_false (moped_socket_type_from_name ("REQUEST", &t));
  g_assert_false (moped_socket_type_from_name ("", &t));
  g_assert_false (moped_socket_type_from_name (NULL, &t));
  g_assert_false (moped_socket_type_from_name ("ZMQ_", &t));
  g_assert_cmpint (t, ==, MOPED_SOCKET_PAIR);
}

static void
test_symmetric_and_sane (void)
{
  for (guint a = 0; a < MOPED_N_SOCKET_TYPES; a++)
    {
      const MopedSocketTypeInfo *ia = moped_socket_type_get_info ((MopedSocketType) a);
      gboolean any_peer = FALSE;

      /* A socket type that neither sends nor receives would be useless. */
      g_assert_true (ia->can_send || ia->can_receive);
      for (guint b = 0; b < MOPED_N_SOCKET_TYPES; b++)
        {
          const MopedSocketTypeInfo *ib = moped_socket_type_get_info ((MopedSocketType) b);
          gboolean ab = moped_socket_types_compatible ((MopedSocketType) a, (MopedSocketType) b);

          g_assert_cmpint (ab, ==, moped_socket_types_compatible ((MopedSocketType) b, (MopedSocketType) a));
          if (ab)
            {
              any_peer = TRUE;
              /* Draft and stable types never meet; and something must flow. */
              g_assert_cmpint (ia->draft, ==, ib->draft);
              g_assert_true ((ia->can_send && ib->can_receive) || (ib->can_send && ia->can_receive));
            }
        }
      g_assert_true (any_peer);
    }
}

static void
test_well_known_facts (void)
{
  const MopedSocketTypeInfo *req = moped_socket_type_get_info (MOPED_SOCKET_REQ);
  const MopedSocketTypeInfo *rep = moped_socket_type_get_info (MOPED_SOCKET_REP);
  g_autofree char *sub_peers = moped_socket_type_describe_peers (MOPED_SOCKET_SUB);
  g_autofree char *scatter_peers = moped_socket_type_describe_peers (MOPED_SOCKET_SCATTER);

  g_assert_cmpint (req->sequence, ==, MOPED_SEQUENCE_SEND_FIRST);
  g_assert_cmpint (rep->sequence, ==, MOPED_SEQUENCE_RECEIVE_FIRST);
  g_assert_true (req->delimiter && rep->delimiter);
  g_assert_true (moped_socket_type_get_info (MOPED_SOCKET_ROUTER)->routing_id);
  g_assert_false (moped_socket_type_get_info (MOPED_SOCKET_SUB)->can_send);
  g_assert_false (moped_socket_type_get_info (MOPED_SOCKET_PUB)->can_receive);
  g_assert_false (moped_socket_type_get_info (MOPED_SOCKET_PULL)->can_send);
  g_assert_false (moped_socket_type_get_info (MOPED_SOCKET_PUSH)->can_receive);
  g_assert_cmpstr (sub_peers, ==, "PUB, XPUB");
  /* zmq_socket(3) pairs SCATTER with SCATTER; the handshake code pairs it with GATHER. */
  g_assert_cmpstr (scatter_peers, ==, "GATHER");
  for (guint t = MOPED_SOCKET_CLIENT; t < MOPED_N_SOCKET_TYPES; t++)
    g_assert_true (moped_socket_type_get_info ((MopedSocketType) t)->draft);
  for (guint t = 0; t < MOPED_N_STABLE_SOCKET_TYPES; t++)
    g_assert_false (moped_socket_type_get_info ((MopedSocketType) t)->draft);
}

static void
test_transports (void)
{
  g_assert_true (moped_socket_type_allows (MOPED_SOCKET_PUB, MOPED_TRANSPORT_EPGM));
  g_assert_true (moped_socket_type_allows (MOPED_SOCKET_XSUB, MOPED_TRANSPORT_PGM));
  g_assert_false (moped_socket_type_allows (MOPED_SOCKET_REQ, MOPED_TRANSPORT_PGM));
  g_assert_true (moped_socket_type_allows (MOPED_SOCKET_DISH, MOPED_TRANSPORT_UDP));
  g_assert_false (moped_socket_type_allows (MOPED_SOCKET_PUB, MOPED_TRANSPORT_UDP));
  g_assert_false (moped_socket_type_allows (MOPED_SOCKET_STREAM, MOPED_TRANSPORT_INPROC));
  g_assert_true (moped_socket_type_allows (MOPED_SOCKET_STREAM, MOPED_TRANSPORT_TCP));
}

/* The columns the exporters, validation, DOT and documents ask, against the ZeroMQ
 * facts (libzmq doc/zmq_socket; the envelope rules of the Guide, chapter 3). */
static void
test_behaviour_columns (void)
{
  struct {
    MopedSocketType   type;
    gboolean          publishes, receives_subscriptions, takes_routing_id, router_mandatory, raw;
    MopedSubscription subscription;
  } facts[] = {
    { MOPED_SOCKET_PAIR,   0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE },
    { MOPED_SOCKET_PUB,    1, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE },
    { MOPED_SOCKET_SUB,    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_OPTION },
    { MOPED_SOCKET_XPUB,   1, 1, 0, 0, 0, MOPED_SUBSCRIPTION_NONE },
    { MOPED_SOCKET_XSUB,   0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_MESSAGE },
    { MOPED_SOCKET_REQ,    0, 0, 1, 0, 0, MOPED_SUBSCRIPTION_NONE },
    { MOPED_SOCKET_REP,    0, 0, 1, 0, 0, MOPED_SUBSCRIPTION_NONE },
    { MOPED_SOCKET_DEALER, 0, 0, 1, 0, 0, MOPED_SUBSCRIPTION_NONE },
    { MOPED_SOCKET_ROUTER, 0, 0, 1, 1, 0, MOPED_SUBSCRIPTION_NONE },
    { MOPED_SOCKET_PUSH,   0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE },
    { MOPED_SOCKET_PULL,   0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE },
    { MOPED_SOCKET_STREAM, 0, 0, 0, 0, 1, MOPED_SUBSCRIPTION_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      const MopedSocketTypeInfo *info = moped_socket_type_get_info (facts[i].type);

      g_test_message ("%s", info->name);
      g_assert_cmpint (info->publishes, ==, facts[i].publishes);
      g_assert_cmpint (info->receives_subscriptions, ==, facts[i].receives_subscriptions);
      g_assert_cmpint (info->takes_routing_id, ==, facts[i].takes_routing_id);
      g_assert_cmpint (info->router_mandatory, ==, facts[i].router_mandatory);
      g_assert_cmpint (info->raw, ==, facts[i].raw);
      g_assert_cmpint (info->subscription, ==, facts[i].subscription);
      g_assert_cmpint (moped_socket_type_subscribes (facts[i].type), ==,
                       facts[i].subscription != MOPED_SUBSCRIPTION_NONE);
    }
  /* Consistency over every type, drafts too. */
  for (guint t = 0; t < MOPED_N_SOCKET_TYPES; t++)
    {
      const MopedSocketTypeInfo *info = moped_socket_type_get_info ((MopedSocketType) t);

      if (info->publishes)
        g_assert_true (info->can_send);
      if (info->receives_subscriptions)
        g_assert_true (info->publishes);
      if (info->subscription != MOPED_SUBSCRIPTION_NONE)
        g_assert_true (info->can_receive);
      /* A publisher talks to subscribers only, and the other way round. */
      for (guint u = 0; u < MOPED_N_SOCKET_TYPES; u++)
        if (info->publishes && moped_socket_types_compatible ((MopedSocketType) t, (MopedSocketType) u))
          g_assert_true (moped_socket_type_subscribes ((MopedSocketType) u));
    }
}

static void
test_link_queries (void)
{
  /* Who adds the empty delimiter frame itself. */
  g_assert_true (moped_socket_type_needs_delimiter (MOPED_SOCKET_DEALER, MOPED_SOCKET_REP));
  g_assert_true (moped_socket_type_needs_delimiter (MOPED_SOCKET_ROUTER, MOPED_SOCKET_REQ));
  g_assert_false (moped_socket_type_needs_delimiter (MOPED_SOCKET_REQ, MOPED_SOCKET_ROUTER));
  g_assert_false (moped_socket_type_needs_delimiter (MOPED_SOCKET_REP, MOPED_SOCKET_DEALER));
  g_assert_false (moped_socket_type_needs_delimiter (MOPED_SOCKET_REQ, MOPED_SOCKET_REP));
  g_assert_false (moped_socket_type_needs_delimiter (MOPED_SOCKET_DEALER, MOPED_SOCKET_ROUTER));
  g_assert_false (moped_socket_type_needs_delimiter (MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL));
  /* Which links carry one at all. */
  g_assert_true (moped_socket_types_delimited (MOPED_SOCKET_REQ, MOPED_SOCKET_ROUTER));
  g_assert_true (moped_socket_types_delimited (MOPED_SOCKET_DEALER, MOPED_SOCKET_REP));
  g_assert_false (moped_socket_types_delimited (MOPED_SOCKET_DEALER, MOPED_SOCKET_ROUTER));
  /* Turns and who starts them. */
  g_assert_true (moped_socket_types_take_turns (MOPED_SOCKET_REQ, MOPED_SOCKET_ROUTER));
  g_assert_true (moped_socket_types_take_turns (MOPED_SOCKET_DEALER, MOPED_SOCKET_REP));
  g_assert_false (moped_socket_types_take_turns (MOPED_SOCKET_DEALER, MOPED_SOCKET_ROUTER));
  g_assert_false (moped_socket_types_take_turns (MOPED_SOCKET_PUB, MOPED_SOCKET_SUB));
  g_assert_true (moped_socket_type_speaks_first (MOPED_SOCKET_REQ, MOPED_SOCKET_REP));
  g_assert_true (moped_socket_type_speaks_first (MOPED_SOCKET_REQ, MOPED_SOCKET_ROUTER));
  g_assert_true (moped_socket_type_speaks_first (MOPED_SOCKET_DEALER, MOPED_SOCKET_REP));
  g_assert_false (moped_socket_type_speaks_first (MOPED_SOCKET_REP, MOPED_SOCKET_REQ));
  g_assert_false (moped_socket_type_speaks_first (MOPED_SOCKET_REP, MOPED_SOCKET_DEALER));
  g_assert_false (moped_socket_type_speaks_first (MOPED_SOCKET_ROUTER, MOPED_SOCKET_REQ));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/socket-type/names-round-trip", test_names_round_trip);
  g_test_add_func ("/socket-type/unknown-names", test_unknown_names);
  g_test_add_func ("/socket-type/symmetric-and-sane", test_symmetric_and_sane);
  g_test_add_func ("/socket-type/well-known-facts", test_well_known_facts);
  g_test_add_func ("/socket-type/transports", test_transports);
  g_test_add_func ("/socket-type/behaviour-columns", test_behaviour_columns);
  g_test_add_func ("/socket-type/link-queries", test_link_queries);
  return g_test_run ();
}
