/* moped-socket-type.c: the ZeroMQ socket-type table (libzmq doc/zmq_socket, RFC 23/ZMTP).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * tests/test-zmq-ground-truth.c checks every stable pair of this table against the
 * installed libzmq, so the peers column cannot drift from reality.
 */
#define G_LOG_DOMAIN "moped-model"

#include "moped-socket-type.h"

#define BIT(t) (1u << MOPED_SOCKET_##t)

#define ZMQ_STD (MOPED_TRANSPORT_TCP | MOPED_TRANSPORT_IPC | MOPED_TRANSPORT_INPROC)
#define ZMQ_MCAST (ZMQ_STD | MOPED_TRANSPORT_PGM | MOPED_TRANSPORT_EPGM)
#define ZMQ_GROUP (MOPED_TRANSPORT_TCP | MOPED_TRANSPORT_IPC | MOPED_TRANSPORT_INPROC | MOPED_TRANSPORT_UDP)

/* Columns: type, name, constant, peers, transports, sequence; send, receive, draft,
 * routing id, delimiter, single frame; publishes, receives subscriptions,
 * takes a routing id, router-mandatory, raw; subscription; pattern, description;
 * then, named, the upstream columns where set. The header says what each means. */
static const MopedSocketTypeInfo socket_types[MOPED_N_SOCKET_TYPES] = {
  { MOPED_SOCKET_PAIR, "PAIR", "ZMQ_PAIR", BIT (PAIR), ZMQ_STD, MOPED_SEQUENCE_FREE,
    1, 1, 0, 0, 0, 0,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "exclusive pair",
    "Talks to exactly one PAIR peer, in both directions." },
  { MOPED_SOCKET_PUB, "PUB", "ZMQ_PUB", BIT (SUB) | BIT (XSUB), ZMQ_MCAST, MOPED_SEQUENCE_FREE,
    1, 0, 0, 0, 0, 0,
    1, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "publish-subscribe",
    "Publishes to all subscribers; never receives; drops messages when a subscriber is slow." },
  { MOPED_SOCKET_SUB, "SUB", "ZMQ_SUB", BIT (PUB) | BIT (XPUB), ZMQ_MCAST, MOPED_SEQUENCE_FREE,
    0, 1, 0, 0, 0, 0,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_OPTION, "publish-subscribe",
    "Receives what publishers send on its subscriptions; never sends." },
  { MOPED_SOCKET_XPUB, "XPUB", "ZMQ_XPUB", BIT (SUB) | BIT (XSUB), ZMQ_MCAST, MOPED_SEQUENCE_FREE,
    1, 0, 0, 0, 0, 0,
    1, 1, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "publish-subscribe",
    "A PUB that also receives its subscribers' subscriptions and what XSUBs send upstream (for proxies).",
    .receives_upstream = 1 },
  { MOPED_SOCKET_XSUB, "XSUB", "ZMQ_XSUB", BIT (PUB) | BIT (XPUB), ZMQ_MCAST, MOPED_SEQUENCE_FREE,
    0, 1, 0, 0, 0, 0,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_MESSAGE, "publish-subscribe",
    "A SUB that subscribes by sending subscription messages, and may send upstream to XPUBs (for proxies).",
    .sends_upstream = 1 },
  { MOPED_SOCKET_REQ, "REQ", "ZMQ_REQ", BIT (REP) | BIT (ROUTER), ZMQ_STD, MOPED_SEQUENCE_SEND_FIRST,
    1, 1, 0, 0, 1, 0,
    0, 0, 1, 0, 0, MOPED_SUBSCRIPTION_NONE, "request-reply",
    "Sends a request, then must receive the reply before the next request." },
  { MOPED_SOCKET_REP, "REP", "ZMQ_REP", BIT (REQ) | BIT (DEALER), ZMQ_STD, MOPED_SEQUENCE_RECEIVE_FIRST,
    1, 1, 0, 0, 1, 0,
    0, 0, 1, 0, 0, MOPED_SUBSCRIPTION_NONE, "request-reply",
    "Receives a request, then must send the reply before the next request." },
  { MOPED_SOCKET_DEALER, "DEALER", "ZMQ_DEALER", BIT (ROUTER) | BIT (REP) | BIT (DEALER), ZMQ_STD,
    MOPED_SEQUENCE_FREE, 1, 1, 0, 0, 0, 0,
    0, 0, 1, 0, 0, MOPED_SUBSCRIPTION_NONE, "request-reply",
    "Asynchronous requests: round-robin out, fair-queued in, any order." },
  { MOPED_SOCKET_ROUTER, "ROUTER", "ZMQ_ROUTER", BIT (DEALER) | BIT (REQ) | BIT (ROUTER), ZMQ_STD,
    MOPED_SEQUENCE_FREE, 1, 1, 0, 1, 0, 0,
    0, 0, 1, 1, 0, MOPED_SUBSCRIPTION_NONE, "request-reply",
    "Asynchronous replies: every message starts with the peer's routing id." },
  { MOPED_SOCKET_PUSH, "PUSH", "ZMQ_PUSH", BIT (PULL), ZMQ_STD, MOPED_SEQUENCE_FREE,
    1, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "pipeline",
    "Distributes messages round-robin to pullers; never receives." },
  { MOPED_SOCKET_PULL, "PULL", "ZMQ_PULL", BIT (PUSH), ZMQ_STD, MOPED_SEQUENCE_FREE,
    0, 1, 0, 0, 0, 0,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "pipeline",
    "Collects messages fair-queued from pushers; never sends." },
  { MOPED_SOCKET_STREAM, "STREAM", "ZMQ_STREAM", BIT (STREAM), MOPED_TRANSPORT_TCP, MOPED_SEQUENCE_FREE,
    1, 1, 0, 1, 0, 0,
    0, 0, 0, 0, 1, MOPED_SUBSCRIPTION_NONE, "raw TCP",
    "Talks raw TCP (no ZeroMQ framing) to plain TCP peers; each message starts with the peer's id." },
  { MOPED_SOCKET_CLIENT, "CLIENT", "ZMQ_CLIENT", BIT (SERVER), ZMQ_STD, MOPED_SEQUENCE_FREE,
    1, 1, 1, 0, 0, 1,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "client-server (draft)",
    "Thread-safe DEALER-like socket with single-frame messages (draft API)." },
  { MOPED_SOCKET_SERVER, "SERVER", "ZMQ_SERVER", BIT (CLIENT), ZMQ_STD, MOPED_SEQUENCE_FREE,
    1, 1, 1, 1, 0, 1,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "client-server (draft)",
    "Thread-safe ROUTER-like socket; a routing id per message (draft API)." },
  { MOPED_SOCKET_RADIO, "RADIO", "ZMQ_RADIO", BIT (DISH), ZMQ_GROUP, MOPED_SEQUENCE_FREE,
    1, 0, 1, 0, 0, 1,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "radio-dish (draft)",
    "Publishes to groups, over udp or tcp; never receives (draft API)." },
  { MOPED_SOCKET_DISH, "DISH", "ZMQ_DISH", BIT (RADIO), ZMQ_GROUP, MOPED_SEQUENCE_FREE,
    0, 1, 1, 0, 0, 1,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "radio-dish (draft)",
    "Joins groups and receives what radios send to them; never sends (draft API)." },
  { MOPED_SOCKET_SCATTER, "SCATTER", "ZMQ_SCATTER", BIT (GATHER), ZMQ_STD, MOPED_SEQUENCE_FREE,
    1, 0, 1, 0, 0, 1,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "scatter-gather (draft)",
    "Thread-safe PUSH: round-robin to gatherers; never receives (draft API)." },
  { MOPED_SOCKET_GATHER, "GATHER", "ZMQ_GATHER", BIT (SCATTER), ZMQ_STD, MOPED_SEQUENCE_FREE,
    0, 1, 1, 0, 0, 1,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "scatter-gather (draft)",
    "Thread-safe PULL: fair-queued from scatterers; never sends (draft API)." },
  { MOPED_SOCKET_PEER, "PEER", "ZMQ_PEER", BIT (PEER), ZMQ_STD, MOPED_SEQUENCE_FREE,
    1, 1, 1, 1, 0, 1,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "peer-to-peer (draft)",
    "Thread-safe socket that talks to many PEER sockets by routing id (draft API)." },
  { MOPED_SOCKET_CHANNEL, "CHANNEL", "ZMQ_CHANNEL", BIT (CHANNEL), ZMQ_STD, MOPED_SEQUENCE_FREE,
    1, 1, 1, 0, 0, 1,
    0, 0, 0, 0, 0, MOPED_SUBSCRIPTION_NONE, "channel (draft)",
    "Thread-safe PAIR: exactly one CHANNEL peer (draft API)." },
};

/* The outgoing column, kept beside the table so each row stays one line of facts. */
static const MopedOutgoing outgoing[MOPED_N_SOCKET_TYPES] = {
  [MOPED_SOCKET_PAIR] = MOPED_OUTGOING_EXCLUSIVE,
  [MOPED_SOCKET_PUB] = MOPED_OUTGOING_FAN_OUT,
  [MOPED_SOCKET_SUB] = MOPED_OUTGOING_NONE,
  [MOPED_SOCKET_XPUB] = MOPED_OUTGOING_FAN_OUT,
  [MOPED_SOCKET_XSUB] = MOPED_OUTGOING_FAN_OUT,      /* subscriptions go to every publisher */
  [MOPED_SOCKET_REQ] = MOPED_OUTGOING_ROUND_ROBIN,
  [MOPED_SOCKET_REP] = MOPED_OUTGOING_REPLY,
  [MOPED_SOCKET_DEALER] = MOPED_OUTGOING_ROUND_ROBIN,
  [MOPED_SOCKET_ROUTER] = MOPED_OUTGOING_ROUTED,
  [MOPED_SOCKET_PUSH] = MOPED_OUTGOING_ROUND_ROBIN,
  [MOPED_SOCKET_PULL] = MOPED_OUTGOING_NONE,
  [MOPED_SOCKET_STREAM] = MOPED_OUTGOING_ROUTED,
  [MOPED_SOCKET_CLIENT] = MOPED_OUTGOING_ROUND_ROBIN,
  [MOPED_SOCKET_SERVER] = MOPED_OUTGOING_ROUTED,
  [MOPED_SOCKET_RADIO] = MOPED_OUTGOING_FAN_OUT,
  [MOPED_SOCKET_DISH] = MOPED_OUTGOING_NONE,
  [MOPED_SOCKET_SCATTER] = MOPED_OUTGOING_ROUND_ROBIN,
  [MOPED_SOCKET_GATHER] = MOPED_OUTGOING_NONE,
  [MOPED_SOCKET_PEER] = MOPED_OUTGOING_ROUTED,
  [MOPED_SOCKET_CHANNEL] = MOPED_OUTGOING_EXCLUSIVE,
};

MopedOutgoing
moped_socket_type_get_outgoing (MopedSocketType type)
{
  g_return_val_if_fail ((guint) type < MOPED_N_SOCKET_TYPES, MOPED_OUTGOING_NONE);
  return outgoing[type];
}

const MopedSocketTypeInfo *
moped_socket_type_get_info (MopedSocketType type)
{
  g_return_val_if_fail ((guint) type < MOPED_N_SOCKET_TYPES, NULL);
  g_assert (socket_types[type].type == type);
  return &socket_types[type];
}

const char *
moped_socket_type_get_name (MopedSocketType type)
{
  g_return_val_if_fail ((guint) type < MOPED_N_SOCKET_TYPES, "?");
  return socket_types[type].name;
}

gboolean
moped_socket_type_from_name (const char      *name,
                             MopedSocketType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  if (name == NULL)
    return FALSE;
  if (g_ascii_strncasecmp (name, "ZMQ_", 4) == 0)
    name += 4;
  for (guint i = 0; i < MOPED_N_SOCKET_TYPES; i++)
    if (g_ascii_strcasecmp (name, socket_types[i].name) == 0)
      {
        *type = (MopedSocketType) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
moped_socket_types_compatible (MopedSocketType a,
                               MopedSocketType b)
{
  g_return_val_if_fail ((guint) a < MOPED_N_SOCKET_TYPES, FALSE);
  g_return_val_if_fail ((guint) b < MOPED_N_SOCKET_TYPES, FALSE);
  return (socket_types[a].peers & (1u << b)) != 0;
}

gboolean
moped_socket_type_allows (MopedSocketType type,
                          MopedTransport  transport)
{
  g_return_val_if_fail ((guint) type < MOPED_N_SOCKET_TYPES, FALSE);
  return (socket_types[type].transports & transport) != 0;
}

char *
moped_socket_type_describe_peers (MopedSocketType type)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail ((guint) type < MOPED_N_SOCKET_TYPES, g_string_free (s, FALSE));
  for (guint i = 0; i < MOPED_N_SOCKET_TYPES; i++)
    if (socket_types[type].peers & (1u << i))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", socket_types[i].name);
  return g_string_free (s, FALSE);
}

gboolean
moped_socket_type_needs_delimiter (MopedSocketType sender,
                                   MopedSocketType receiver)
{
  g_return_val_if_fail ((guint) sender < MOPED_N_SOCKET_TYPES, FALSE);
  g_return_val_if_fail ((guint) receiver < MOPED_N_SOCKET_TYPES, FALSE);
  return !socket_types[sender].delimiter && socket_types[receiver].delimiter;
}

gboolean
moped_socket_types_delimited (MopedSocketType a,
                              MopedSocketType b)
{
  g_return_val_if_fail ((guint) a < MOPED_N_SOCKET_TYPES, FALSE);
  g_return_val_if_fail ((guint) b < MOPED_N_SOCKET_TYPES, FALSE);
  return socket_types[a].delimiter || socket_types[b].delimiter;
}

gboolean
moped_socket_types_take_turns (MopedSocketType a,
                               MopedSocketType b)
{
  g_return_val_if_fail ((guint) a < MOPED_N_SOCKET_TYPES, FALSE);
  g_return_val_if_fail ((guint) b < MOPED_N_SOCKET_TYPES, FALSE);
  return socket_types[a].sequence != MOPED_SEQUENCE_FREE || socket_types[b].sequence != MOPED_SEQUENCE_FREE;
}

gboolean
moped_socket_type_speaks_first (MopedSocketType a,
                                MopedSocketType b)
{
  g_return_val_if_fail ((guint) a < MOPED_N_SOCKET_TYPES, FALSE);
  g_return_val_if_fail ((guint) b < MOPED_N_SOCKET_TYPES, FALSE);
  return socket_types[a].sequence == MOPED_SEQUENCE_SEND_FIRST ||
         socket_types[b].sequence == MOPED_SEQUENCE_RECEIVE_FIRST;
}

gboolean
moped_socket_types_deliver (MopedSocketType sender,
                            MopedSocketType receiver)
{
  const MopedSocketTypeInfo *s, *r;

  g_return_val_if_fail ((guint) sender < MOPED_N_SOCKET_TYPES, FALSE);
  g_return_val_if_fail ((guint) receiver < MOPED_N_SOCKET_TYPES, FALSE);
  s = &socket_types[sender];
  r = &socket_types[receiver];
  return moped_socket_types_compatible (sender, receiver) &&
         ((s->can_send && r->can_receive) || (s->sends_upstream && r->receives_upstream));
}

gboolean
moped_socket_types_carry_subscription (MopedSocketType subscriber,
                                       MopedSocketType publisher)
{
  g_return_val_if_fail ((guint) subscriber < MOPED_N_SOCKET_TYPES, FALSE);
  g_return_val_if_fail ((guint) publisher < MOPED_N_SOCKET_TYPES, FALSE);
  return moped_socket_types_compatible (subscriber, publisher) &&
         socket_types[subscriber].subscription != MOPED_SUBSCRIPTION_NONE &&
         socket_types[publisher].receives_subscriptions;
}

gboolean
moped_socket_type_subscribes (MopedSocketType type)
{
  g_return_val_if_fail ((guint) type < MOPED_N_SOCKET_TYPES, FALSE);
  return socket_types[type].subscription != MOPED_SUBSCRIPTION_NONE;
}
