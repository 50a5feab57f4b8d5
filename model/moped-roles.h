/* moped-roles.h: who plays which role of a protocol, and which link carries a flow step.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A protocol declares roles (client, broker, worker...); a command is sent by a role;
 * each end of a link plays a role of the link's protocol, set in the file or inferred
 * here. A flow step names each side as a role, a node or a socket ("party"). These are
 * the only rules for that: validation, the documents and the exporters all ask here.
 */
#pragma once

#include "moped-element.h"

G_BEGIN_DECLS

/* The role the @end (MOPED_PROP_FROM or MOPED_PROP_TO) of @link plays in the link's
 * protocol: the one set on the link, else the only role that fits (see moped-roles.c),
 * else NULL. */
MopedElement *moped_link_get_role        (MopedElement *link,
                                          MopedProp     end);
/* Whether the role of @end was inferred rather than set. */
gboolean      moped_link_role_is_inferred (MopedElement *link,
                                           MopedProp     end);

/* Whether @socket plays @role at an end of some link carrying the role's protocol. */
gboolean      moped_socket_plays_role    (MopedElement *socket,
                                          MopedElement *role);
/* Whether any socket of @node plays @role. */
gboolean      moped_node_plays_role      (MopedElement *node,
                                          MopedElement *role);
/* The nodes that play @role, in document order, each once (a new array). */
GPtrArray    *moped_role_get_nodes       (MopedElement *role);

/* A step's side (@end is MOPED_PROP_FROM or MOPED_PROP_TO): the node it names, the
 * node of the socket it names, or the first node that plays the role it names. */
MopedElement *moped_step_get_node        (MopedElement *step,
                                          MopedProp     end);
/* The role a step's side names, or the one role its node or socket plays in the
 * flow's protocol; NULL when none or several. */
MopedElement *moped_step_get_role        (MopedElement *step,
                                          MopedProp     end);
/* "client" (a role), "Broker" (a node), "Broker.frontend" (a socket): a new string. */
char         *moped_party_describe       (MopedElement *party);

/* Whether @socket can stand for @party: the socket itself, a socket of the node, or
 * (on @link) a socket whose end of @link plays the role. */
gboolean      moped_party_matches        (MopedElement *party,
                                          MopedElement *link,
                                          MopedElement *socket);

/* One leg of a message: the link and the sending and receiving sockets. */
typedef struct
{
  MopedElement *link;
  MopedElement *sender;    /* socket */
  MopedElement *receiver;  /* socket */
} MopedHop;

typedef enum
{
  MOPED_HOP_FOUND,
  MOPED_HOP_NONE,            /* no link joins the two sides */
  MOPED_HOP_OTHER_PROTOCOLS, /* only links carrying other protocols join them */
} MopedHopResult;

/* The link among @links that carries a message of @protocol from @from to @to (parties:
 * role, node or socket): a link carrying @protocol, or none, or with @layered any
 * protocol (the message rides inside it, as through a relay); best first: the
 * protocol's own link, then a socket that can send, then one that can receive; the
 * first of equals in the order of @links. @ambiguous (may be NULL) says whether
 * another pair of sockets of the same nodes was just as good. */
MopedHopResult moped_hop_pick            (const GPtrArray *links,
                                          MopedElement    *protocol,
                                          MopedElement    *from,
                                          MopedElement    *to,
                                          gboolean         layered,
                                          MopedHop        *hop,
                                          gboolean        *ambiguous);

/* Every hop a message of @protocol may take from @from to @to: one per pair of nodes
 * the two sides stand for (a side naming a role stands for every node that plays it),
 * the best between them as moped_hop_pick ranks it; moped_hop_pick's hop first. A new
 * array of MopedHop, empty when no link joins them. Validation, the documents and the
 * exporters expand a step with this, so every node kind that plays a role gets its part. */
GArray        *moped_hop_collect         (const GPtrArray *links,
                                          MopedElement    *protocol,
                                          MopedElement    *from,
                                          MopedElement    *to,
                                          gboolean         layered);

/* Whether the side @end of @step stands for @node: names it, a socket of it, or a role
 * it plays. */
gboolean       moped_step_side_is_node   (MopedElement *step,
                                          MopedProp     end,
                                          MopedElement *node);

G_END_DECLS
