/* moped-socket-type.h: the one table of ZeroMQ socket types and what they can do.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Everything in Moped that knows about socket types (validation, the UI menus,
 * the exporters, the documents) reads this table; there is no second copy.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MOPED_SOCKET_PAIR,
  MOPED_SOCKET_PUB,
  MOPED_SOCKET_SUB,
  MOPED_SOCKET_XPUB,
  MOPED_SOCKET_XSUB,
  MOPED_SOCKET_REQ,
  MOPED_SOCKET_REP,
  MOPED_SOCKET_DEALER,
  MOPED_SOCKET_ROUTER,
  MOPED_SOCKET_PUSH,
  MOPED_SOCKET_PULL,
  MOPED_SOCKET_STREAM,
  /* Draft types: drawable and documented, not buildable on Debian 12. */
  MOPED_SOCKET_CLIENT,
  MOPED_SOCKET_SERVER,
  MOPED_SOCKET_RADIO,
  MOPED_SOCKET_DISH,
  MOPED_SOCKET_SCATTER,
  MOPED_SOCKET_GATHER,
  MOPED_SOCKET_PEER,
  MOPED_SOCKET_CHANNEL,
  MOPED_N_SOCKET_TYPES
} MopedSocketType;

#define MOPED_N_STABLE_SOCKET_TYPES (MOPED_SOCKET_STREAM + 1)
/* What a stored value outside the enum reads as (a damaged file, a future type). */
#define MOPED_SOCKET_TYPE_FALLBACK MOPED_SOCKET_PAIR

/* What order of sends and receives a socket type enforces. */
typedef enum
{
  MOPED_SEQUENCE_FREE,          /* any order */
  MOPED_SEQUENCE_SEND_FIRST,    /* REQ: send, receive, send, receive ... */
  MOPED_SEQUENCE_RECEIVE_FIRST, /* REP: receive, send, receive, send ... */
} MopedSequence;

/* How a socket type subscribes to what publishers send. */
typedef enum
{
  MOPED_SUBSCRIPTION_NONE,      /* receives everything, or never receives */
  MOPED_SUBSCRIPTION_OPTION,    /* SUB: a socket option per prefix (ZMQ_SUBSCRIBE) */
  MOPED_SUBSCRIPTION_MESSAGE,   /* XSUB: sends \001 + prefix as a message upstream */
} MopedSubscription;

/* Transports, as bits of MopedSocketTypeInfo.transports. */
typedef enum
{
  MOPED_TRANSPORT_TCP    = 1 << 0,
  MOPED_TRANSPORT_IPC    = 1 << 1,
  MOPED_TRANSPORT_INPROC = 1 << 2,
  MOPED_TRANSPORT_PGM    = 1 << 3,
  MOPED_TRANSPORT_EPGM   = 1 << 4,
  MOPED_TRANSPORT_UDP    = 1 << 5,
} MopedTransport;

typedef struct
{
  MopedSocketType type;
  const char     *name;        /* "REQ": the file format, the UI and the docs */
  const char     *zmq_name;    /* "ZMQ_REQ": the libzmq constant */
  guint           peers;       /* bit (1 << MopedSocketType) per compatible peer */
  guint           transports;  /* MopedTransport bits the type may use */
  MopedSequence   sequence;
  guint           can_send : 1;     /* sends application messages */
  guint           can_receive : 1;  /* receives application messages */
  guint           draft : 1;        /* libzmq draft API only */
  guint           routing_id : 1;   /* messages carry the peer's routing id frame */
  guint           delimiter : 1;    /* REQ/REP envelope: an empty delimiter frame */
  guint           single_frame : 1; /* draft thread-safe types: one frame per message */
  guint           publishes : 1;    /* sends data to every subscribed peer, a topic frame
                                     * first (PUB, XPUB; not RADIO's groups) */
  guint           receives_subscriptions : 1; /* gets its subscribers' (un)subscriptions
                                               * as messages (XPUB) */
  guint           takes_routing_id : 1; /* a routing id set before connecting is the one a
                                         * ROUTER peer addresses it by (ZMQ_ROUTING_ID) */
  guint           router_mandatory : 1; /* can fail, rather than drop, a message to an unknown
                                         * peer (ZMQ_ROUTER_MANDATORY) */
  guint           raw : 1;          /* raw bytes on TCP, no ZeroMQ messages (STREAM) */
  MopedSubscription subscription;   /* how it subscribes to publishers */
  const char     *pattern;     /* "request-reply", "publish-subscribe", ... */
  const char     *description; /* one line, in the user's words */
  /* Against the flow of publish-subscribe (libzmq 4.3): an XSUB sends messages upstream
   * to its publishers, and only an XPUB receives them (with the subscriptions); a message
   * whose first frame starts with byte 0 or 1 is taken for an (un)subscription. */
  guint           sends_upstream : 1;
  guint           receives_upstream : 1;
} MopedSocketTypeInfo;

/* Where a socket sends each outgoing message, when it has several peers (libzmq
 * doc/zmq_socket; tests/test-zmq-ground-truth.c checks the stable types). */
typedef enum
{
  MOPED_OUTGOING_NONE,        /* sends nothing: SUB, XSUB's data side, PULL, DISH, GATHER */
  MOPED_OUTGOING_EXCLUSIVE,   /* one peer only; a second is never served: PAIR, CHANNEL */
  MOPED_OUTGOING_ROUND_ROBIN, /* to one peer the socket chooses: REQ, DEALER, PUSH... */
  MOPED_OUTGOING_FAN_OUT,     /* to every (subscribed) peer: PUB, XPUB, RADIO */
  MOPED_OUTGOING_ROUTED,      /* to the peer whose routing id starts the message */
  MOPED_OUTGOING_REPLY,       /* back to the peer of the request it answers: REP */
} MopedOutgoing;

const MopedSocketTypeInfo *moped_socket_type_get_info     (MopedSocketType  type);
MopedOutgoing              moped_socket_type_get_outgoing (MopedSocketType  type);
const char                *moped_socket_type_get_name     (MopedSocketType  type);
gboolean                   moped_socket_type_from_name    (const char      *name,
                                                           MopedSocketType *type);
gboolean                   moped_socket_types_compatible  (MopedSocketType  a,
                                                           MopedSocketType  b);
gboolean                   moped_socket_type_allows       (MopedSocketType  type,
                                                           MopedTransport   transport);
/* Whether a @sender socket must put the empty delimiter frame in itself when it talks
 * to @receiver, whose type adds and removes delimiters (DEALER to REP, ROUTER to REQ). */
gboolean                   moped_socket_type_needs_delimiter (MopedSocketType sender,
                                                              MopedSocketType receiver);
/* Whether messages between @a and @b carry an empty delimiter frame (REQ or REP at an end). */
gboolean                   moped_socket_types_delimited   (MopedSocketType  a,
                                                           MopedSocketType  b);
/* Whether a link between @a and @b enforces turns (REQ or REP at an end). */
gboolean                   moped_socket_types_take_turns  (MopedSocketType  a,
                                                           MopedSocketType  b);
/* Whether on a link to @b, @a must speak first (REQ, or anything talking to a REP). */
gboolean                   moped_socket_type_speaks_first (MopedSocketType  a,
                                                           MopedSocketType  b);
/* Whether a message @sender sends reaches @receiver, a compatible peer: both handle
 * messages, or it goes upstream from an XSUB to an XPUB. */
gboolean                   moped_socket_types_deliver     (MopedSocketType  sender,
                                                           MopedSocketType  receiver);
/* Whether a subscription of @subscriber (SUB, XSUB) arrives at @publisher as a message
 * (XPUB), which a flow can then show as a step. */
gboolean                   moped_socket_types_carry_subscription (MopedSocketType subscriber,
                                                                  MopedSocketType publisher);
/* Whether @type subscribes (SUB, XSUB): it receives only what matches its prefixes. */
gboolean                   moped_socket_type_subscribes   (MopedSocketType  type);
/* "SUB, XPUB": the compatible peers as text, for messages and documents. */
char                      *moped_socket_type_describe_peers (MopedSocketType type);

G_END_DECLS
