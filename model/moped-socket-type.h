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

/* What order of sends and receives a socket type enforces. */
typedef enum
{
  MOPED_SEQUENCE_FREE,          /* any order */
  MOPED_SEQUENCE_SEND_FIRST,    /* REQ: send, receive, send, receive ... */
  MOPED_SEQUENCE_RECEIVE_FIRST, /* REP: receive, send, receive, send ... */
} MopedSequence;

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
  const char     *pattern;     /* "request-reply", "publish-subscribe", ... */
  const char     *description; /* one line, in the user's words */
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
/* "SUB, XPUB": the compatible peers as text, for messages and documents. */
char                      *moped_socket_type_describe_peers (MopedSocketType type);

G_END_DECLS
