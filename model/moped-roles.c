/* moped-roles.c: roles played at link ends, the sides of flow steps, and the link a step travels on.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A link end's role is inferred only when exactly one role fits. The roles the socket
 * type allows come first (a socket that cannot send cannot play a role that sends
 * commands, one that cannot receive cannot play a role that sends none); of those: the
 * only one; else the one named like the end's node or its role text; else the one the
 * flows say: the sender of what the end's node sends over the link and not of what it
 * receives; else, when two fit, the one the other end does not play. Anything else
 * stays unknown, and
 * validation asks the user to set it.
 */
#define G_LOG_DOMAIN "moped-model"

#include "moped-roles.h"
#include "moped-design.h"
#include "moped-machine.h"
#include "moped-socket-type.h"

static MopedProp
role_prop_of (MopedProp end)
{
  return end == MOPED_PROP_FROM ? MOPED_PROP_FROM_ROLE : MOPED_PROP_TO_ROLE;
}

static MopedProp
other_end (MopedProp end)
{
  return end == MOPED_PROP_FROM ? MOPED_PROP_TO : MOPED_PROP_FROM;
}

/* The schema keeps a socket's type within the table (the loader refuses other names). */
static const MopedSocketTypeInfo *
socket_info (MopedElement *socket)
{
  return moped_socket_type_get_info ((MopedSocketType) moped_element_get_enum (socket, MOPED_PROP_TYPE));
}

static gboolean
role_sends (MopedElement *protocol,
            MopedElement *role)
{
  guint n = moped_element_get_n_children (protocol);

  for (guint i = 0; i < n; i++)
    {
      MopedElement *c = moped_element_get_child (protocol, i);

      if (moped_element_get_kind (c) == MOPED_KIND_COMMAND &&
          moped_element_get_ref (c, MOPED_PROP_SENDER) == role)
        return TRUE;
    }
  return FALSE;
}

static gboolean
same_words (const char *a,
            const char *b)
{
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
    return FALSE;
  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return g_strcmp0 (g_strstrip (fa), g_strstrip (fb)) == 0;
}

/* The only element of @candidates for which @fits holds, or NULL. */
static MopedElement *
only_one (GPtrArray    *candidates,
          gboolean    (*fits) (MopedElement *role, gpointer data),
          gpointer      data)
{
  MopedElement *found = NULL;

  for (guint i = 0; i < candidates->len; i++)
    {
      MopedElement *role = g_ptr_array_index (candidates, i);

      if (!fits (role, data))
        continue;
      if (found != NULL)
        return NULL;
      found = role;
    }
  return found;
}

static gboolean
fits_name (MopedElement *role,
           gpointer      data)
{
  MopedElement *node = data;
  const char *name = moped_element_get_name (role);

  return same_words (name, moped_element_get_name (node)) ||
         same_words (name, moped_element_get_string (node, MOPED_PROP_ROLE));
}

static gboolean
fits_other (MopedElement *role,
            gpointer      data)
{
  return role != data;
}

static gboolean
fits_socket (MopedElement *role,
             gpointer      data)
{
  const MopedSocketTypeInfo *info = socket_info (data);
  gboolean sends = role_sends (moped_element_get_parent (role), role);

  return (info->can_send || !sends) && (info->can_receive || sends);
}

/* Whether a step's @party (a node or a socket; a role says nothing here) is @socket. */
static gboolean
party_is_socket (MopedElement *party,
                 MopedElement *socket)
{
  if (party == NULL || socket == NULL)
    return FALSE;
  if (moped_element_get_kind (party) == MOPED_KIND_SOCKET)
    return party == socket;
  return moped_element_get_kind (party) == MOPED_KIND_NODE && party == moped_element_get_parent (socket);
}

typedef struct
{
  GPtrArray *sent;      /* sender roles of the commands the end sends over the link */
  GPtrArray *received;  /* ... and of those it receives */
} Traffic;

static gboolean
fits_traffic (MopedElement *role,
              gpointer      data)
{
  Traffic *t = data;

  return (t->sent->len == 0 || g_ptr_array_find (t->sent, role, NULL)) &&
         !g_ptr_array_find (t->received, role, NULL);
}

/* The role among @fitting that the commands @socket sends and receives over @link in
 * the flows say it plays: the sender role of every command it sends, and none of the
 * commands it receives; NULL when the flows say nothing or leave several. Steps
 * naming the two ends by node or socket count (a step naming a role is what is being
 * inferred), relayed ones do not (they may ride inside another protocol). */
static MopedElement *
infer_from_flows (MopedElement *protocol,
                  MopedElement *link,
                  MopedProp     end,
                  GPtrArray    *fitting)
{
  MopedElement *socket = moped_element_get_ref (link, end);
  MopedElement *peer = moped_element_get_ref (link, other_end (end));
  g_autoptr(GPtrArray) flows = NULL;
  g_autoptr(GPtrArray) steps = g_ptr_array_new ();
  g_autoptr(GPtrArray) sent = g_ptr_array_new ();
  g_autoptr(GPtrArray) received = g_ptr_array_new ();
  Traffic traffic = { sent, received };

  if (peer == NULL)
    return NULL;
  flows = moped_element_get_children_of_kind (protocol, MOPED_KIND_FLOW);
  for (guint f = 0; f < flows->len; f++)
    moped_step_collect_leaves (g_ptr_array_index (flows, f), TRUE, steps);
  for (guint i = 0; i < steps->len; i++)
    {
      MopedElement *step = g_ptr_array_index (steps, i);
      MopedElement *from = moped_element_get_ref (step, MOPED_PROP_FROM);
      MopedElement *to = moped_element_get_ref (step, MOPED_PROP_TO);
      MopedElement *command = moped_element_get_ref (step, MOPED_PROP_COMMAND);
      MopedElement *sender = command ? moped_element_get_ref (command, MOPED_PROP_SENDER) : NULL;

      if (sender == NULL || moped_element_get_ref (step, MOPED_PROP_VIA) != NULL)
        continue;
      if (party_is_socket (from, socket) && party_is_socket (to, peer) && !g_ptr_array_find (sent, sender, NULL))
        g_ptr_array_add (sent, sender);
      else if (party_is_socket (from, peer) && party_is_socket (to, socket) &&
               !g_ptr_array_find (received, sender, NULL))
        g_ptr_array_add (received, sender);
    }
  if (sent->len == 0 && received->len == 0)
    return NULL;
  return only_one (fitting, fits_traffic, &traffic);
}

static MopedElement *
infer_role (MopedElement *link,
            MopedProp     end,
            gboolean      use_other_end)
{
  MopedElement *protocol = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);
  MopedElement *set = moped_element_get_ref (link, role_prop_of (end));
  MopedElement *socket = moped_element_get_ref (link, end);
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GPtrArray) fitting = g_ptr_array_new ();
  MopedElement *found;

  if (set != NULL)
    return set;
  if (protocol == NULL || socket == NULL)
    return NULL;
  roles = moped_element_get_children_of_kind (protocol, MOPED_KIND_ROLE);
  for (guint i = 0; i < roles->len; i++)
    if (fits_socket (g_ptr_array_index (roles, i), socket))
      g_ptr_array_add (fitting, g_ptr_array_index (roles, i));
  if (fitting->len == 1)
    return g_ptr_array_index (fitting, 0);
  if (fitting->len == 0)
    return NULL;
  if ((found = only_one (fitting, fits_name, moped_element_get_parent (socket))) != NULL)
    return found;
  if ((found = infer_from_flows (protocol, link, end, fitting)) != NULL)
    return found;
  if (use_other_end && fitting->len == 2)
    {
      MopedElement *other = infer_role (link, other_end (end), FALSE);

      if (other != NULL)
        return only_one (fitting, fits_other, other);
    }
  return NULL;
}

MopedElement *
moped_link_get_role (MopedElement *link,
                     MopedProp     end)
{
  g_return_val_if_fail (link != NULL && moped_element_get_kind (link) == MOPED_KIND_LINK, NULL);
  g_return_val_if_fail (end == MOPED_PROP_FROM || end == MOPED_PROP_TO, NULL);

  return infer_role (link, end, TRUE);
}

gboolean
moped_link_role_is_inferred (MopedElement *link,
                             MopedProp     end)
{
  g_return_val_if_fail (link != NULL && moped_element_get_kind (link) == MOPED_KIND_LINK, FALSE);

  return moped_element_get_ref (link, role_prop_of (end)) == NULL &&
         moped_link_get_role (link, end) != NULL;
}

static GPtrArray *
links_of (MopedElement *element)
{
  MopedDesign *design = moped_element_get_design (element);

  return design ? moped_design_collect (design, MOPED_KIND_LINK) : g_ptr_array_new ();
}

gboolean
moped_socket_plays_role (MopedElement *socket,
                         MopedElement *role)
{
  g_autoptr(GPtrArray) links = NULL;

  g_return_val_if_fail (socket != NULL && role != NULL, FALSE);

  links = links_of (socket);
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);

      for (guint e = 0; e < 2; e++)
        {
          MopedProp end = e ? MOPED_PROP_TO : MOPED_PROP_FROM;

          if (moped_element_get_ref (link, end) == socket && moped_link_get_role (link, end) == role)
            return TRUE;
        }
    }
  return FALSE;
}

static void
collect_players (MopedElement *role,
                 GPtrArray    *nodes,
                 MopedElement *only)
{
  g_autoptr(GPtrArray) links = links_of (role);

  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);

      for (guint e = 0; e < 2; e++)
        {
          MopedProp end = e ? MOPED_PROP_TO : MOPED_PROP_FROM;
          MopedElement *socket = moped_element_get_ref (link, end);
          MopedElement *node = socket ? moped_element_get_parent (socket) : NULL;

          if (node == NULL || (only != NULL && node != only) ||
              g_ptr_array_find (nodes, node, NULL) || moped_link_get_role (link, end) != role)
            continue;
          g_ptr_array_add (nodes, node);
        }
    }
}

gboolean
moped_node_plays_role (MopedElement *node,
                       MopedElement *role)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  g_return_val_if_fail (node != NULL && role != NULL, FALSE);
  collect_players (role, nodes, node);
  return nodes->len > 0;
}

static int
compare_document_order (gconstpointer a,
                        gconstpointer b)
{
  MopedElement *x = *(MopedElement **) a;
  MopedElement *y = *(MopedElement **) b;

  return moped_element_get_index (x) - moped_element_get_index (y);
}

GPtrArray *
moped_role_get_nodes (MopedElement *role)
{
  GPtrArray *nodes = g_ptr_array_new ();

  g_return_val_if_fail (role != NULL && moped_element_get_kind (role) == MOPED_KIND_ROLE, nodes);
  collect_players (role, nodes, NULL);
  g_ptr_array_sort (nodes, compare_document_order);
  return nodes;
}

MopedElement *
moped_step_get_node (MopedElement *step,
                     MopedProp     end)
{
  MopedElement *party = moped_element_get_ref (step, end);
  g_autoptr(GPtrArray) nodes = NULL;

  if (party == NULL)
    return NULL;
  switch (moped_element_get_kind (party))
    {
    case MOPED_KIND_NODE:
      return party;
    case MOPED_KIND_SOCKET:
      return moped_element_get_parent (party);
    case MOPED_KIND_ROLE:
      nodes = moped_role_get_nodes (party);
      return nodes->len > 0 ? g_ptr_array_index (nodes, 0) : NULL;
    default:
      return NULL;
    }
}

MopedElement *
moped_step_get_role (MopedElement *step,
                     MopedProp     end)
{
  MopedElement *party = moped_element_get_ref (step, end);
  MopedElement *protocol = moped_element_get_ancestor (step, MOPED_KIND_PROTOCOL);
  g_autoptr(GPtrArray) roles = NULL;
  MopedElement *found = NULL;

  if (party == NULL || protocol == NULL)
    return NULL;
  if (moped_element_get_kind (party) == MOPED_KIND_ROLE)
    return party;
  roles = moped_element_get_children_of_kind (protocol, MOPED_KIND_ROLE);
  for (guint i = 0; i < roles->len; i++)
    {
      MopedElement *role = g_ptr_array_index (roles, i);
      gboolean plays = moped_element_get_kind (party) == MOPED_KIND_SOCKET
                       ? moped_socket_plays_role (party, role)
                       : moped_node_plays_role (party, role);

      if (!plays)
        continue;
      if (found != NULL)
        return NULL;
      found = role;
    }
  return found;
}

char *
moped_party_describe (MopedElement *party)
{
  if (party == NULL)
    return g_strdup ("?");
  if (moped_element_get_kind (party) == MOPED_KIND_SOCKET)
    return g_strdup_printf ("%s.%s", moped_element_get_name (moped_element_get_parent (party)),
                            moped_element_get_name (party));
  return g_strdup (moped_element_get_name (party));
}

gboolean
moped_party_matches (MopedElement *party,
                     MopedElement *link,
                     MopedElement *socket)
{
  if (party == NULL || socket == NULL)
    return FALSE;
  switch (moped_element_get_kind (party))
    {
    case MOPED_KIND_SOCKET:
      return party == socket;
    case MOPED_KIND_NODE:
      return moped_element_get_parent (socket) == party;
    case MOPED_KIND_ROLE:
      for (guint e = 0; e < 2; e++)
        {
          MopedProp end = e ? MOPED_PROP_TO : MOPED_PROP_FROM;

          if (moped_element_get_ref (link, end) == socket && moped_link_get_role (link, end) == party)
            return TRUE;
        }
      return FALSE;
    default:
      return FALSE;
    }
}

typedef struct
{
  MopedHop hop;
  int      score;
} Candidate;

/* Every pair of sockets among @links that can carry a message of @protocol from @from to
 * @to, scored (best first: the protocol's own link, a sender that can send, a receiver
 * that can receive); NULL when none, and @other_protocols says whether only links of
 * other protocols joined them. */
static GArray *
candidates (const GPtrArray *links,
            MopedElement    *protocol,
            MopedElement    *from,
            MopedElement    *to,
            gboolean         layered,
            gboolean        *other_protocols)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (Candidate));

  *other_protocols = FALSE;
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      MopedElement *carried = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);
      MopedElement *a = moped_element_get_ref (link, MOPED_PROP_FROM);
      MopedElement *b = moped_element_get_ref (link, MOPED_PROP_TO);

      if (a == NULL || b == NULL)
        continue;
      /* Try both directions; for a link within one node both may fit. */
      for (guint dir = 0; dir < 2; dir++)
        {
          Candidate c = { { link, dir ? b : a, dir ? a : b }, 0 };

          if (!moped_party_matches (from, link, c.hop.sender) ||
              !moped_party_matches (to, link, c.hop.receiver))
            continue;
          if (carried != NULL && carried != protocol && !layered)
            {
              *other_protocols = TRUE;
              continue;
            }
          if (carried == protocol)
            c.score += 4;
          if (socket_info (c.hop.sender)->can_send)
            c.score += 2;
          if (socket_info (c.hop.receiver)->can_receive)
            c.score += 1;
          g_array_append_val (found, c);
        }
    }
  return found;
}

static gboolean
same_nodes (const MopedHop *a,
            const MopedHop *b)
{
  return moped_element_get_parent (a->sender) == moped_element_get_parent (b->sender) &&
         moped_element_get_parent (a->receiver) == moped_element_get_parent (b->receiver);
}

/* The best candidate between the nodes of @found[@first] (the first of equals). */
static guint
best_between (GArray *found,
              guint   first)
{
  guint best = first;

  for (guint i = first + 1; i < found->len; i++)
    {
      const Candidate *c = &g_array_index (found, Candidate, i);

      if (same_nodes (&c->hop, &g_array_index (found, Candidate, first).hop) &&
          c->score > g_array_index (found, Candidate, best).score)
        best = i;
    }
  return best;
}

MopedHopResult
moped_hop_pick (const GPtrArray *links,
                MopedElement    *protocol,
                MopedElement    *from,
                MopedElement    *to,
                gboolean         layered,
                MopedHop        *hop,
                gboolean        *ambiguous)
{
  g_autoptr(GArray) found = NULL;
  gboolean other_protocols = FALSE;
  guint best = 0;

  g_return_val_if_fail (links != NULL && hop != NULL, MOPED_HOP_NONE);

  *hop = (MopedHop) { NULL, NULL, NULL };
  if (ambiguous != NULL)
    *ambiguous = FALSE;
  found = candidates (links, protocol, from, to, layered, &other_protocols);
  if (found->len == 0)
    return other_protocols ? MOPED_HOP_OTHER_PROTOCOLS : MOPED_HOP_NONE;

  for (guint i = 1; i < found->len; i++)
    if (g_array_index (found, Candidate, i).score > g_array_index (found, Candidate, best).score)
      best = i;
  *hop = g_array_index (found, Candidate, best).hop;
  for (guint i = 0; ambiguous != NULL && i < found->len; i++)
    {
      const Candidate *c = &g_array_index (found, Candidate, i);

      if (i != best && c->score == g_array_index (found, Candidate, best).score &&
          same_nodes (&c->hop, hop) &&
          (c->hop.sender != hop->sender || c->hop.receiver != hop->receiver))
        *ambiguous = TRUE;
    }
  return MOPED_HOP_FOUND;
}

GArray *
moped_hop_collect (const GPtrArray *links,
                   MopedElement    *protocol,
                   MopedElement    *from,
                   MopedElement    *to,
                   gboolean         layered)
{
  g_autoptr(GArray) found = NULL;
  GArray *hops = g_array_new (FALSE, FALSE, sizeof (MopedHop));
  gboolean other_protocols = FALSE;
  MopedHop best;

  g_return_val_if_fail (links != NULL, hops);

  /* The best hop overall first, as moped_hop_pick gives it. */
  if (moped_hop_pick (links, protocol, from, to, layered, &best, NULL) != MOPED_HOP_FOUND)
    return hops;
  g_array_append_val (hops, best);
  found = candidates (links, protocol, from, to, layered, &other_protocols);
  for (guint i = 0; i < found->len; i++)
    {
      const MopedHop *c = &g_array_index (found, Candidate, i).hop;
      gboolean known = FALSE;

      for (guint j = 0; j < hops->len && !known; j++)
        known = same_nodes (c, &g_array_index (hops, MopedHop, j));
      if (!known)
        g_array_append_val (hops, g_array_index (found, Candidate, best_between (found, i)).hop);
    }
  return hops;
}

gboolean
moped_step_side_is_node (MopedElement *step,
                         MopedProp     end,
                         MopedElement *node)
{
  MopedElement *party;

  g_return_val_if_fail (step != NULL && node != NULL, FALSE);

  party = moped_element_get_ref (step, end);
  if (party == NULL)
    return FALSE;
  switch (moped_element_get_kind (party))
    {
    case MOPED_KIND_NODE:
      return party == node;
    case MOPED_KIND_SOCKET:
      return moped_element_get_parent (party) == node;
    case MOPED_KIND_ROLE:
      return moped_node_plays_role (node, party);
    default:
      return FALSE;
    }
}
