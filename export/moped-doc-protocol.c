/* moped-doc-protocol.c: the sections of one protocol: its roles, its commands with frame tables, its flows.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-abnf.h"
#include "moped-doc-private.h"
#include "moped-framing.h"
#include "moped-machine.h"
#include "moped-roles.h"
#include "moped-schema.h"
#include "moped-socket-type.h"

/* How each field type is laid out in its frame; moped-abnf.c says the same in ABNF. */
static const char * const field_encodings[MOPED_N_FIELD_TYPES] = {
  [MOPED_FIELD_STRING] = "UTF-8 text of at most 255 octets",
  [MOPED_FIELD_LONGSTR] = "UTF-8 text of any length",
  [MOPED_FIELD_NUMBER] = "an unsigned 64-bit integer: 8 octets in network byte order",
  [MOPED_FIELD_STRINGS] = "a list of strings: a 4-octet count, then each string as a 4-octet "
                          "length and its UTF-8 text",
  [MOPED_FIELD_BYTES] = "opaque binary data, as many octets as the frame holds",
  [MOPED_FIELD_FRAME] = "a ZeroMQ frame passed on untouched",
};

/* One command going from one node to another. */
typedef struct
{
  MopedElement *from;
  MopedElement *to;
} Exchange;

typedef struct
{
  MopedDoc     *doc;
  MopedElement *protocol;
  GPtrArray    *links;     /* the links that carry it */
  GPtrArray    *commands;
  GPtrArray    *flows;
  GPtrArray    *nodes;     /* the nodes that take part */
  guint         level;
} Section;

static void
section_clear (Section *section)
{
  g_clear_pointer (&section->links, g_ptr_array_unref);
  g_clear_pointer (&section->commands, g_ptr_array_unref);
  g_clear_pointer (&section->flows, g_ptr_array_unref);
  g_clear_pointer (&section->nodes, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Section, section_clear)

static const char *
name_of (MopedElement *element)
{
  return element != NULL ? _moped_doc_name (element) : "(unknown)";
}

static GPtrArray *
steps_of (MopedElement *flow)
{
  return moped_element_get_children_of_kind (flow, MOPED_KIND_STEP);
}

/* Sockets and links */

/* The sockets of a link from @from to @to (either direction of the link), preferring
 * links that carry the protocol; FALSE when no link joins them. */
static gboolean
find_sockets (Section       *section,
              MopedElement  *from,
              MopedElement  *to,
              MopedElement **from_socket,
              MopedElement **to_socket)
{
  g_autoptr(GPtrArray) all = _moped_doc_protocol_links (section->doc, NULL);
  GPtrArray *sets[] = { section->links, all };

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    for (guint i = 0; i < sets[s]->len; i++)
      {
        MopedElement *link = g_ptr_array_index (sets[s], i);
        MopedElement *a = moped_element_get_ref (link, MOPED_PROP_FROM);
        MopedElement *b = moped_element_get_ref (link, MOPED_PROP_TO);

        if (a == NULL || b == NULL)
          continue;
        if (moped_element_get_parent (a) == to && moped_element_get_parent (b) == from)
          {
            MopedElement *swap = a;

            a = b;
            b = swap;
          }
        if (moped_element_get_parent (a) == from && moped_element_get_parent (b) == to)
          {
            *from_socket = a;
            *to_socket = b;
            return TRUE;
          }
      }
  return FALSE;
}

static const MopedSocketTypeInfo *
socket_info (MopedElement *socket)
{
  return moped_socket_type_get_info (moped_element_get_enum (socket, MOPED_PROP_TYPE));
}

/* "REQ socket request" */
static char *
describe_socket (MopedElement *socket)
{
  return g_strdup_printf ("%s socket %s", socket_info (socket)->name, name_of (socket));
}

/* Exchanges */

static void
add_exchange (GArray       *exchanges,
              MopedElement *from,
              MopedElement *to)
{
  Exchange exchange = { from, to };

  if (from == NULL || to == NULL)
    return;
  for (guint i = 0; i < exchanges->len; i++)
    {
      Exchange *e = &g_array_index (exchanges, Exchange, i);

      if (e->from == from && e->to == to)
        return;
    }
  g_array_append_val (exchanges, exchange);
}

/* Where @command goes: the steps that send it, else its sender's links, else both
 * directions of every link of the protocol. */
static GArray *
command_exchanges (Section      *section,
                   MopedElement *command)
{
  GArray *exchanges = g_array_new (FALSE, FALSE, sizeof (Exchange));
  MopedElement *sender = moped_element_get_ref (command, MOPED_PROP_SENDER);

  for (guint f = 0; f < section->flows->len; f++)
    {
      g_autoptr(GPtrArray) steps = steps_of (g_ptr_array_index (section->flows, f));

      for (guint s = 0; s < steps->len; s++)
        {
          MopedElement *step = g_ptr_array_index (steps, s);
          MopedElement *from = moped_element_get_ref (step, MOPED_PROP_FROM);
          MopedElement *to = moped_element_get_ref (step, MOPED_PROP_TO);
          g_autoptr(GArray) hops = NULL;

          if (moped_element_get_ref (step, MOPED_PROP_COMMAND) != command)
            continue;
          /* A side naming a role stands for every node that plays it. */
          if (from != NULL && to != NULL && moped_element_get_ref (step, MOPED_PROP_VIA) == NULL)
            hops = moped_hop_collect (section->links, section->protocol, from, to, FALSE);
          for (guint h = 0; hops != NULL && h < hops->len; h++)
            add_exchange (exchanges, moped_element_get_parent (g_array_index (hops, MopedHop, h).sender),
                          moped_element_get_parent (g_array_index (hops, MopedHop, h).receiver));
          if (hops == NULL || hops->len == 0)
            add_exchange (exchanges, moped_step_get_node (step, MOPED_PROP_FROM),
                          moped_step_get_node (step, MOPED_PROP_TO));
        }
    }
  if (exchanges->len > 0)
    return exchanges;
  for (guint i = 0; i < section->links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (section->links, i);
      MopedElement *a = moped_element_get_ref (link, MOPED_PROP_FROM);
      MopedElement *b = moped_element_get_ref (link, MOPED_PROP_TO);
      MopedElement *node_a = a ? moped_element_get_parent (a) : NULL;
      MopedElement *node_b = b ? moped_element_get_parent (b) : NULL;

      if (sender == NULL || sender == moped_link_get_role (link, MOPED_PROP_FROM))
        add_exchange (exchanges, node_a, node_b);
      if (sender == NULL || sender == moped_link_get_role (link, MOPED_PROP_TO))
        add_exchange (exchanges, node_b, node_a);
    }
  return exchanges;
}

static void
append_node_list (GPtrArray  *spans,
                  GPtrArray  *nodes,
                  const char *none)
{
  for (guint i = 0; i < nodes->len; i++)
    _moped_doc_appendf (spans, MOPED_DOC_SPAN_TEXT, "%s%s",
                        i == 0 ? "" : i + 1 == nodes->len ? " and " : ", ",
                        name_of (g_ptr_array_index (nodes, i)));
  if (nodes->len == 0)
    _moped_doc_append (spans, MOPED_DOC_SPAN_TEXT, none);
}

static void
add_node (GPtrArray    *nodes,
          MopedElement *node)
{
  if (node != NULL && !g_ptr_array_find (nodes, node, NULL))
    g_ptr_array_add (nodes, node);
}

/* Encoding */

void
_moped_doc_build_encoding (MopedDoc *self)
{
  static const char * const header[] = { "Type", "Encoding in its frame", NULL };
  g_autoptr(GPtrArray) fields = moped_design_collect (self->design, MOPED_KIND_FIELD);
  gboolean used[MOPED_N_FIELD_TYPES] = { FALSE, };
  gboolean any = FALSE;
  MopedDocBlock *table;

  for (guint i = 0; i < fields->len; i++)
    if (_moped_doc_covers (self, g_ptr_array_index (fields, i)))
      {
        int type = moped_element_get_enum (g_ptr_array_index (fields, i), MOPED_PROP_TYPE);

        if ((guint) type < MOPED_N_FIELD_TYPES)
          used[type] = any = TRUE;
      }

  _moped_doc_add_heading (self, 2, "Message format");
  _moped_doc_add_paragraph (self,
                            "Every command is one multipart ZeroMQ message. First come the frames "
                            "the socket types need: the routing id of the peer where a ROUTER "
                            "socket is involved, and an empty delimiter frame where a REQ or REP "
                            "socket is; a PUB or XPUB socket sends a topic frame, which "
                            "subscriptions match: the value of the first field when it is text "
                            "(string or longstr), else the name of the command. Then the command "
                            "frame holds the name of the command as text, and each field of the "
                            "command follows in a frame of its own, in the order the command lists "
                            "them.");
  if (!any)
    {
      _moped_doc_add_paragraph (self, "No command has fields yet.");
      return;
    }
  _moped_doc_add_paragraph (self, "The fields have these types:");
  table = _moped_doc_add_table (self, header);
  for (guint t = 0; t < MOPED_N_FIELD_TYPES; t++)
    if (used[t])
      {
        GPtrArray *row = _moped_doc_table_add_row (table);

        _moped_doc_row_add_cell (row, moped_field_type_get_name ((MopedFieldType) t));
        _moped_doc_row_add_cell (row, field_encodings[t]);
      }
}

/* Roles */

static void
describe_step (GPtrArray    *spans,
               MopedElement *node,
               MopedElement *step)
{
  MopedElement *command = moped_element_get_ref (step, MOPED_PROP_COMMAND);
  MopedElement *via = moped_element_get_ref (step, MOPED_PROP_VIA);
  g_autofree char *from = moped_party_describe (moped_element_get_ref (step, MOPED_PROP_FROM));
  g_autofree char *to = moped_party_describe (moped_element_get_ref (step, MOPED_PROP_TO));
  g_autofree char *subscription = NULL;

  if (moped_step_is_subscription (step))
    {
      gboolean on = moped_step_get_block (step) == MOPED_BLOCK_SUBSCRIBE;
      const char *topic = moped_element_get_string (step, MOPED_PROP_TOPIC);

      subscription = g_strdup_printf ("the %s “%s”", on ? "subscription to" : "unsubscription from", topic);
      if (via == node)
        _moped_doc_appendf (spans, MOPED_DOC_SPAN_TEXT, "passes %s on from %s to %s", subscription, from, to);
      else if (moped_step_side_is_node (step, MOPED_PROP_FROM, node))
        _moped_doc_appendf (spans, MOPED_DOC_SPAN_TEXT, "%s “%s” at %s", on ? "subscribes to" : "unsubscribes from",
                            topic, to);
      else
        _moped_doc_appendf (spans, MOPED_DOC_SPAN_TEXT, "receives %s from %s", subscription, from);
      if (via != NULL && via != node)
        _moped_doc_appendf (spans, MOPED_DOC_SPAN_TEXT, " through %s", name_of (via));
      return;
    }
  if (via == node)
    _moped_doc_appendf (spans, MOPED_DOC_SPAN_TEXT, "passes %s on from %s to %s", name_of (command), from, to);
  else if (moped_step_side_is_node (step, MOPED_PROP_FROM, node))
    _moped_doc_appendf (spans, MOPED_DOC_SPAN_TEXT, "sends %s to %s", name_of (command), to);
  else
    _moped_doc_appendf (spans, MOPED_DOC_SPAN_TEXT, "receives %s from %s", name_of (command), from);
  if (via != NULL && via != node)
    _moped_doc_appendf (spans, MOPED_DOC_SPAN_TEXT, " through %s", name_of (via));
  if (moped_element_get_bool (step, MOPED_PROP_REPEAT))
    _moped_doc_append (spans, MOPED_DOC_SPAN_TEXT, " (repeated)");
  if (moped_element_get_bool (step, MOPED_PROP_OPTIONAL))
    _moped_doc_append (spans, MOPED_DOC_SPAN_TEXT, " (optional)");
}

/* The steps of @flow in which @node sends or receives. */
static GPtrArray *
node_steps (MopedElement *flow,
            MopedElement *node)
{
  g_autoptr(GPtrArray) steps = steps_of (flow);
  GPtrArray *mine = g_ptr_array_new ();

  for (guint s = 0; s < steps->len; s++)
    if (moped_step_side_is_node (g_ptr_array_index (steps, s), MOPED_PROP_FROM, node) ||
        moped_step_side_is_node (g_ptr_array_index (steps, s), MOPED_PROP_TO, node) ||
        moped_element_get_ref (g_ptr_array_index (steps, s), MOPED_PROP_VIA) == node)
      g_ptr_array_add (mine, g_ptr_array_index (steps, s));
  return mine;
}

static void
add_traffic_items (Section       *section,
                   MopedDocBlock *list,
                   MopedElement  *node)
{
  const char *labels[] = { "Sends: ", "Receives: " };

  for (guint direction = 0; direction < 2; direction++)
    {
      GPtrArray *item = _moped_doc_list_add_item (list, labels[direction]);
      guint n = 0;

      for (guint c = 0; c < section->commands->len; c++)
        {
          MopedElement *command = g_ptr_array_index (section->commands, c);
          g_autoptr(GArray) exchanges = command_exchanges (section, command);
          g_autoptr(GPtrArray) peers = g_ptr_array_new ();

          for (guint e = 0; e < exchanges->len; e++)
            {
              Exchange *x = &g_array_index (exchanges, Exchange, e);

              if (direction == 0 && x->from == node)
                add_node (peers, x->to);
              else if (direction == 1 && x->to == node)
                add_node (peers, x->from);
            }
          if (peers->len == 0)
            continue;
          _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "%s%s %s ", n++ > 0 ? "; " : "",
                              name_of (command), direction == 0 ? "to" : "from");
          append_node_list (item, peers, "");
        }
      _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, n > 0 ? "." : "nothing.");
    }
}

static void
add_order_items (Section       *section,
                 MopedDocBlock *list,
                 MopedElement  *node,
                 GPtrArray     *sockets)
{
  for (guint i = 0; i < sockets->len; i++)
    {
      MopedElement *socket = g_ptr_array_index (sockets, i);
      const MopedSocketTypeInfo *info = socket_info (socket);
      g_autofree char *described = describe_socket (socket);
      GPtrArray *item;

      if (info->sequence == MOPED_SEQUENCE_FREE && info->can_send && info->can_receive)
        continue;
      if (info->sends_upstream || info->receives_upstream)
        {
          item = _moped_doc_list_add_item (list, "Order: its ");
          _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, described);
          _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, info->sends_upstream
                             ? " receives from publishers, and sends commands upstream to XPUB sockets only."
                             : " sends to subscribers, and receives their subscriptions and the commands "
                               "XSUB sockets send upstream.");
          continue;
        }
      item = _moped_doc_list_add_item (list, "Order: its ");
      _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, described);
      if (info->sequence == MOPED_SEQUENCE_SEND_FIRST)
        _moped_doc_append (item, MOPED_DOC_SPAN_TEXT,
                           " sends one message, then MUST receive the reply before it sends the next.");
      else if (info->sequence == MOPED_SEQUENCE_RECEIVE_FIRST)
        _moped_doc_append (item, MOPED_DOC_SPAN_TEXT,
                           " receives one message, then MUST send the reply before it receives the next.");
      else if (!info->can_send)
        _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, " only receives; it cannot send commands.");
      else
        _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, " only sends; it cannot receive commands.");
    }
  for (guint f = 0; f < section->flows->len; f++)
    {
      MopedElement *flow = g_ptr_array_index (section->flows, f);
      g_autoptr(GPtrArray) mine = node_steps (flow, node);
      GPtrArray *item;

      if (mine->len == 0)
        continue;
      item = _moped_doc_list_add_item (list, NULL);
      _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "In flow %s: it ", name_of (flow));
      for (guint s = 0; s < mine->len; s++)
        {
          if (s > 0)
            _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, ", then ");
          describe_step (item, node, g_ptr_array_index (mine, s));
        }
      _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, ".");
    }
}

static void
add_opening_closing (Section       *section,
                     MopedDocBlock *list,
                     MopedElement  *node,
                     GPtrArray     *sockets)
{
  GPtrArray *opening = _moped_doc_list_add_item (list, "Opening: ");
  GPtrArray *closing;
  MopedElement *first_flow = NULL, *last_flow = NULL;
  MopedElement *first_step = NULL, *last_step = NULL;

  for (guint i = 0; i < sockets->len; i++)
    {
      MopedElement *socket = g_ptr_array_index (sockets, i);
      gboolean binds = FALSE, connects = FALSE;
      g_autoptr(GPtrArray) endpoints = g_ptr_array_new_with_free_func (g_free);

      for (guint l = 0; l < section->links->len; l++)
        {
          MopedElement *link = g_ptr_array_index (section->links, l);
          char *endpoint;

          if (_moped_doc_link_peer (link, socket) == NULL)
            continue;
          if (moped_link_end_binds (link, socket))
            binds = TRUE;
          else
            connects = TRUE;
          endpoint = _moped_doc_socket_endpoint (socket, link);
          if (endpoint == NULL || g_ptr_array_find_with_equal_func (endpoints, endpoint, g_str_equal, NULL))
            g_free (endpoint);
          else
            g_ptr_array_add (endpoints, endpoint);
        }
      if (!binds && !connects)
        binds = moped_element_get_enum (socket, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND;
      _moped_doc_appendf (opening, MOPED_DOC_SPAN_TEXT, "%s %s its %s socket %s", i > 0 ? "; it" : "it",
                          binds && connects ? "binds and connects" : binds ? "binds" : "connects",
                          socket_info (socket)->name, name_of (socket));
      for (guint e = 0; e < endpoints->len; e++)
        {
          _moped_doc_append (opening, MOPED_DOC_SPAN_TEXT, e == 0 ? " to " : " and ");
          _moped_doc_append (opening, MOPED_DOC_SPAN_CODE, g_ptr_array_index (endpoints, e));
        }
    }
  if (sockets->len > 0)
    _moped_doc_append (opening, MOPED_DOC_SPAN_TEXT, ". ");

  for (guint f = 0; f < section->flows->len; f++)
    {
      MopedElement *flow = g_ptr_array_index (section->flows, f);
      g_autoptr(GPtrArray) mine = node_steps (flow, node);

      if (mine->len == 0)
        continue;
      if (first_flow == NULL)
        {
          first_flow = flow;
          first_step = g_ptr_array_index (mine, 0);
        }
      last_flow = flow;
      last_step = g_ptr_array_index (mine, mine->len - 1);
    }
  if (first_flow == NULL)
    {
      _moped_doc_append (opening, MOPED_DOC_SPAN_TEXT, "It takes part in no flow of this protocol yet.");
      return;
    }
  _moped_doc_appendf (opening, MOPED_DOC_SPAN_TEXT, "Its conversation starts in flow %s, where it first ",
                      name_of (first_flow));
  describe_step (opening, node, first_step);
  _moped_doc_append (opening, MOPED_DOC_SPAN_TEXT, ".");

  closing = _moped_doc_list_add_item (list, NULL);
  _moped_doc_appendf (closing, MOPED_DOC_SPAN_TEXT, "Closing: its conversation ends in flow %s, where it last ",
                      name_of (last_flow));
  describe_step (closing, node, last_step);
  _moped_doc_append (closing, MOPED_DOC_SPAN_TEXT, ".");
}

static void
build_role (Section      *section,
            MopedElement *node)
{
  MopedDoc *doc = section->doc;
  const char *role = moped_element_get_string (node, MOPED_PROP_ROLE);
  const char *description = moped_element_get_string (node, MOPED_PROP_DESCRIPTION);
  g_autofree char *heading = *role ? g_strdup_printf ("%s (%s)", name_of (node), role)
                                   : g_strdup (name_of (node));
  g_autoptr(GPtrArray) all_sockets = moped_element_get_children_of_kind (node, MOPED_KIND_SOCKET);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new ();
  gint64 instances = moped_element_get_int (node, MOPED_PROP_INSTANCES);
  MopedDocBlock *list;

  for (guint i = 0; i < all_sockets->len; i++)
    for (guint l = 0; l < section->links->len; l++)
      if (_moped_doc_link_peer (g_ptr_array_index (section->links, l), g_ptr_array_index (all_sockets, i)))
        {
          g_ptr_array_add (sockets, g_ptr_array_index (all_sockets, i));
          break;
        }

  _moped_doc_add_heading (doc, section->level + 1, heading);
  if (*description != '\0')
    _moped_doc_add_paragraph (doc, description);
  list = _moped_doc_add_list (doc);
  _moped_doc_appendf (_moped_doc_list_add_item (list, NULL), MOPED_DOC_SPAN_TEXT,
                      "Letter in dialogs: %s. Instances: %" G_GINT64_FORMAT ".",
                      _moped_doc_tag (doc, node), instances);
  add_traffic_items (section, list, node);
  add_order_items (section, list, node, sockets);
  add_opening_closing (section, list, node, sockets);
}

/* Commands */

static void
add_frame_row (MopedDocBlock *table,
               guint          frame,
               const char    *content,
               gboolean       literal,
               const char    *type,
               const char    *written_by,
               const char    *read_by,
               const char    *notes)
{
  GPtrArray *row = _moped_doc_table_add_row (table);

  _moped_doc_appendf (_moped_doc_row_add_cell (row, NULL), MOPED_DOC_SPAN_TEXT, "%u", frame);
  if (literal)
    _moped_doc_append (_moped_doc_row_add_cell (row, NULL), MOPED_DOC_SPAN_CODE, content);
  else
    _moped_doc_row_add_cell (row, content);
  _moped_doc_row_add_cell (row, type);
  _moped_doc_row_add_cell (row, written_by);
  _moped_doc_row_add_cell (row, read_by);
  _moped_doc_row_add_cell (row, notes);
}

/* Fixed frame content as the document shows it: "MDPW01" when it is printable text,
 * else its bytes in hexadecimal (0x01). */
static char *
describe_bytes (GBytes *bytes)
{
  gsize size = 0;
  const guint8 *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;
  GString *out;
  gboolean printable = size > 0;

  for (gsize i = 0; i < size; i++)
    printable = printable && data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"';
  if (printable)
    return g_strdup_printf ("\"%.*s\"", (int) size, (const char *) data);
  out = g_string_new (NULL);
  for (gsize i = 0; i < size; i++)
    g_string_append_printf (out, "%s0x%02X", i > 0 ? " " : "", data[i]);
  return g_string_free (out, FALSE);
}

/* What a packed frame holds, in order: "0xAAA5 (signature), 0x02 (command), count: 8
 * bytes, network order; ..." */
static char *
describe_packed (MopedElement *command,
                 const GArray *parts)
{
  g_autoptr(MopedFraming) framing = moped_framing_new (moped_element_get_parent (command));
  GString *out = g_string_new ("All fields in one frame, as zproto's codec packs them: ");

  for (guint i = 0; i < parts->len; i++)
    {
      const MopedFramePart *part = &g_array_index (parts, MopedFramePart, i);

      if (i > 0)
        g_string_append (out, "; ");
      switch (part->kind)
        {
        case MOPED_PART_SIGNATURE:
          g_string_append_printf (out, "2 bytes 0x%04X (the signature)",
                                  MOPED_PACKED_SIGNATURE_BASE | framing->signature);
          break;
        case MOPED_PART_COMMAND:
          g_string_append_printf (out, "1 byte 0x%02X (the command)", moped_command_get_wire_id (command));
          break;
        case MOPED_PART_TOPIC:
          g_string_append_printf (out, "the topic (%s) and a zero byte",
                                  part->field ? moped_element_get_name (part->field) : "the command's name");
          break;
        case MOPED_PART_FIELD:
        default:
          g_string_append_printf (out, "%s: %s", moped_element_get_name (part->field),
                                  moped_field_packing (moped_element_get_enum (part->field, MOPED_PROP_TYPE),
                                                       NULL));
          break;
        }
    }
  g_string_append (out, ".");
  return g_string_free (out, FALSE);
}

/* One frame table, the frames as moped_framing_get_frames() gives them. @from_socket
 * and @to_socket are NULL when no link is known. */
static void
add_frame_table (Section      *section,
                 MopedElement *command,
                 const char   *sender,
                 const char   *receiver,
                 MopedElement *from_socket,
                 MopedElement *to_socket)
{
  static const char * const header[] = {
    "Frame", "Content", "Type", "Written by", "Read by", "Description", NULL
  };
  MopedDocBlock *table = _moped_doc_add_table (section->doc, header);
  MopedSocketType from_type = from_socket && to_socket ? socket_info (from_socket)->type : MOPED_N_SOCKET_TYPES;
  MopedSocketType to_type = from_socket && to_socket ? socket_info (to_socket)->type : MOPED_N_SOCKET_TYPES;
  g_autoptr(GPtrArray) frames = moped_framing_get_frames (command, from_type, to_type);
  g_autofree char *sending = NULL;
  g_autofree char *receiving = NULL;
  guint frame = 0;

  if (from_type < MOPED_N_SOCKET_TYPES)
    {
      const MopedSocketTypeInfo *s = socket_info (from_socket);
      const MopedSocketTypeInfo *r = socket_info (to_socket);
      gboolean routed = FALSE;

      sending = g_strdup_printf ("the sending %s socket", s->name);
      receiving = g_strdup_printf ("the receiving %s socket", r->name);
      /* The routing id a sending ROUTER takes off and the one a receiving ROUTER puts
       * on are both the first frame, each on its own side of the wire. */
      if (s->routing_id && !s->single_frame)
        {
          add_frame_row (table, frame, "routing id of the receiver", FALSE, "frame", sender,
                         sending, "The sending socket takes it off and sends the rest to that peer.");
          routed = TRUE;
        }
      if (r->routing_id && !r->single_frame)
        {
          add_frame_row (table, frame, "routing id of the sender", FALSE, "frame", receiving,
                         receiver, "Says which peer sent the message; send it back first to reply.");
          routed = TRUE;
        }
      if (routed)
        frame++;
    }
  for (guint i = 0; i < frames->len; i++)
    {
      const MopedFrame *f = g_ptr_array_index (frames, i);
      const char *writer = f->sender == MOPED_FRAME_BY_SOCKET && sending ? sending : sender;
      const char *reader = f->receiver == MOPED_FRAME_BY_SOCKET && receiving ? receiving : receiver;
      g_autofree char *literal = f->value ? describe_bytes (f->value) : NULL;

      switch (f->kind)
        {
        case MOPED_FRAME_TOPIC:
          {
            g_autofree char *topic = f->field ? g_strdup_printf ("topic: the value of %s", name_of (f->field)) : NULL;

            add_frame_row (table, frame++, topic ? topic : literal, topic == NULL, "topic", sender,
                           receiving ? receiving : receiver,
                           "Subscriptions match the start of this frame: the first field when it is "
                           "text, else the name of the command.");
          }
          break;
        case MOPED_FRAME_DELIMITER:
          add_frame_row (table, frame++, "empty delimiter", FALSE, "empty frame", writer, reader,
                         f->sender == MOPED_FRAME_BY_SOCKET || f->receiver == MOPED_FRAME_BY_SOCKET
                         ? "Separates the envelope from the command."
                         : "The protocol starts every message with an empty frame.");
          break;
        case MOPED_FRAME_HEADER:
          add_frame_row (table, frame++, literal, TRUE, "header", sender, receiver,
                         "The protocol's header frame: every message of the protocol starts with it.");
          break;
        case MOPED_FRAME_COMMAND:
          add_frame_row (table, frame++, literal, TRUE, "command", sender, receiver,
                         f->value && g_bytes_get_size (f->value) <= 2 &&
                         moped_element_get_enum (moped_element_get_parent (command), MOPED_PROP_COMMAND_ID) != MOPED_COMMAND_ID_NAME
                         ? "The command frame: the number of the command, in network order."
                         : "The command frame: the name of the command as text.");
          break;
        case MOPED_FRAME_PACKED:
          {
            g_autofree char *what = describe_packed (command, f->parts);

            add_frame_row (table, frame++, "packed fields", FALSE, "packed", sender, receiver, what);
          }
          break;
        case MOPED_FRAME_FIELD:
        default:
          add_frame_row (table, frame++, name_of (f->field), FALSE,
                         moped_field_type_get_name (moped_element_get_enum (f->field, MOPED_PROP_TYPE)),
                         sender, receiver, moped_element_get_string (f->field, MOPED_PROP_DESCRIPTION));
          break;
        }
    }
  if ((from_socket != NULL && socket_info (from_socket)->single_frame && frame > 1) ||
      (to_socket != NULL && socket_info (to_socket)->single_frame && frame > 1))
    _moped_doc_add_paragraph (section->doc,
                              "Draft thread-safe sockets send single-frame messages only: this "
                              "command does not fit them as designed.");
}

/* One frame table per sender and pair of socket types; receivers that see the same
 * frames share it. */
static void
build_frame_tables (Section      *section,
                    MopedElement *command)
{
  g_autoptr(GArray) exchanges = command_exchanges (section, command);
  g_autoptr(GHashTable) done = g_hash_table_new (NULL, NULL);

  if (exchanges->len == 0)
    {
      MopedElement *sender = moped_element_get_ref (command, MOPED_PROP_SENDER);

      _moped_doc_add_paragraph (section->doc,
                                "No link or flow says where this command goes yet, so the frames "
                                "the sockets add are not shown:");
      add_frame_table (section, command, sender ? name_of (sender) : "the sender", "the receiver",
                       NULL, NULL);
      return;
    }
  for (guint i = 0; i < exchanges->len; i++)
    {
      Exchange *x = &g_array_index (exchanges, Exchange, i);
      MopedElement *from_socket = NULL, *to_socket = NULL;
      g_autoptr(GPtrArray) receivers = g_ptr_array_new ();
      g_autoptr(GPtrArray) receiver_sockets = g_ptr_array_new ();
      MopedDocBlock *caption;
      gboolean linked;

      if (g_hash_table_contains (done, GUINT_TO_POINTER (i + 1)))
        continue;
      linked = find_sockets (section, x->from, x->to, &from_socket, &to_socket);
      for (guint j = i; j < exchanges->len; j++)
        {
          Exchange *y = &g_array_index (exchanges, Exchange, j);
          MopedElement *a = NULL, *b = NULL;
          gboolean y_linked = find_sockets (section, y->from, y->to, &a, &b);

          if (y->from != x->from || y_linked != linked ||
              (linked && (socket_info (a) != socket_info (from_socket) ||
                          socket_info (b) != socket_info (to_socket))))
            continue;
          g_hash_table_add (done, GUINT_TO_POINTER (j + 1));
          g_ptr_array_add (receivers, y->to);
          g_ptr_array_add (receiver_sockets, b);
        }

      caption = _moped_doc_add_paragraph (section->doc, NULL);
      _moped_doc_appendf (caption->text, MOPED_DOC_SPAN_TEXT, "From %s", name_of (x->from));
      if (linked)
        {
          g_autofree char *described = describe_socket (from_socket);

          _moped_doc_appendf (caption->text, MOPED_DOC_SPAN_TEXT, " (%s)", described);
        }
      for (guint r = 0; r < receivers->len; r++)
        {
          _moped_doc_appendf (caption->text, MOPED_DOC_SPAN_TEXT, "%s%s",
                              r == 0 ? " to " : r + 1 == receivers->len ? " and " : ", ",
                              name_of (g_ptr_array_index (receivers, r)));
          if (linked)
            {
              g_autofree char *described = describe_socket (g_ptr_array_index (receiver_sockets, r));

              _moped_doc_appendf (caption->text, MOPED_DOC_SPAN_TEXT, " (%s)", described);
            }
        }
      _moped_doc_append (caption->text, MOPED_DOC_SPAN_TEXT,
                         linked ? ":" : "; no link joins them, so the frames the sockets add are not shown:");
      add_frame_table (section, command, name_of (x->from),
                       receivers->len == 1 ? name_of (g_ptr_array_index (receivers, 0)) : "each receiver",
                       linked ? from_socket : NULL, linked ? to_socket : NULL);
    }
}

static void
build_command (Section      *section,
               MopedElement *command)
{
  MopedDoc *doc = section->doc;
  const char *description = moped_element_get_string (command, MOPED_PROP_DESCRIPTION);
  MopedElement *sender = moped_element_get_ref (command, MOPED_PROP_SENDER);
  g_autoptr(GArray) exchanges = command_exchanges (section, command);
  g_autoptr(GPtrArray) senders = g_ptr_array_new ();
  g_autoptr(GPtrArray) receivers = g_ptr_array_new ();
  g_autoptr(GPtrArray) flows = g_ptr_array_new ();
  MopedDocBlock *list;
  GPtrArray *item;

  for (guint i = 0; i < exchanges->len; i++)
    {
      add_node (senders, g_array_index (exchanges, Exchange, i).from);
      add_node (receivers, g_array_index (exchanges, Exchange, i).to);
    }
  for (guint f = 0; f < section->flows->len; f++)
    {
      g_autoptr(GPtrArray) steps = steps_of (g_ptr_array_index (section->flows, f));

      for (guint s = 0; s < steps->len; s++)
        if (moped_element_get_ref (g_ptr_array_index (steps, s), MOPED_PROP_COMMAND) == command)
          add_node (flows, g_ptr_array_index (section->flows, f));
    }

  _moped_doc_add_heading (doc, section->level + 1, name_of (command));
  if (*description != '\0')
    _moped_doc_add_paragraph (doc, description);
  list = _moped_doc_add_list (doc);
  item = _moped_doc_list_add_item (list, "Sent by: ");
  if (sender != NULL && senders->len == 1 &&
      g_str_equal (name_of (sender), name_of (g_ptr_array_index (senders, 0))))
    _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "%s.", name_of (sender));
  else if (sender != NULL)
    {
      _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "role %s (", name_of (sender));
      append_node_list (item, senders, "no node plays it yet");
      _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, ").");
    }
  else
    {
      _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, "either side (");
      append_node_list (item, senders, "no sender yet");
      _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, ").");
    }
  item = _moped_doc_list_add_item (list, "Received by: ");
  append_node_list (item, receivers, "no receiver yet");
  _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, ".");
  item = _moped_doc_list_add_item (list, "Flows: ");
  append_node_list (item, flows, "none");
  _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, ".");
  build_frame_tables (section, command);
}

/* Subscriptions */

static void
add_subscription_steps (MopedElement *parent,
                        MopedElement *socket,
                        GString      *out)
{
  g_autoptr(GPtrArray) steps = steps_of (parent);

  for (guint i = 0; i < steps->len; i++)
    {
      MopedElement *step = g_ptr_array_index (steps, i);
      MopedElement *from = moped_element_get_ref (step, MOPED_PROP_FROM);

      if (!moped_step_is_subscription (step))
        {
          add_subscription_steps (step, socket, out);
          continue;
        }
      if (from != socket && from != moped_element_get_parent (socket))
        continue;
      g_string_append_printf (out, "%s%s “%s” (flow %s, %s)", out->len ? "; " : "",
                              moped_step_get_block (step) == MOPED_BLOCK_SUBSCRIBE ? "subscribes to" : "unsubscribes from",
                              moped_element_get_string (step, MOPED_PROP_TOPIC),
                              name_of (moped_element_get_ancestor (step, MOPED_KIND_FLOW)),
                              moped_element_get_id (step));
    }
}

/* Each subscribing socket on the protocol's links: what it subscribes to when it starts
 * (a prefix list; empty means everything) and what the flows have it subscribe to. */
static void
build_subscriptions (Section *section)
{
  MopedDocBlock *list = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < section->links->len; i++)
    for (guint e = 0; e < 2; e++)
      {
        MopedElement *link = g_ptr_array_index (section->links, i);
        MopedElement *socket = moped_element_get_ref (link, e ? MOPED_PROP_TO : MOPED_PROP_FROM);
        const char *prefixes;
        g_autofree char *where = NULL;
        g_autoptr(GString) steps = g_string_new (NULL);
        GPtrArray *item;

        if (socket == NULL || !g_hash_table_add (seen, socket) ||
            !moped_socket_type_subscribes (socket_info (socket)->type))
          continue;
        if (list == NULL)
          {
            _moped_doc_add_heading (section->doc, section->level, "Subscriptions");
            _moped_doc_add_paragraph (section->doc,
                                      "A subscriber receives only messages whose first frame "
                                      "begins with one of its prefixes. Its subscriptions travel "
                                      "to its publishers as messages (byte 1, or 0 to end one, "
                                      "then the prefix), which an XPUB hands to its application.");
            list = _moped_doc_add_list (section->doc);
          }
        {
          g_autofree char *kind = describe_socket (socket);

          where = g_strdup_printf ("%s's %s", name_of (moped_element_get_parent (socket)), kind);
        }
        prefixes = moped_element_get_string (socket, MOPED_PROP_SUBSCRIBE);
        item = _moped_doc_list_add_item (list, NULL);
        _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "%s subscribes when it starts to ", where);
        if (*prefixes == '\0')
          _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, "everything");
        else
          _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "“%s”", prefixes);
        for (guint f = 0; f < section->flows->len; f++)
          add_subscription_steps (g_ptr_array_index (section->flows, f), socket, steps);
        if (steps->len > 0)
          _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "; then %s", steps->str);
        _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, ".");
      }
}

/* Flows */

static char *
dialog_line (Section      *section,
             MopedElement *step,
             gboolean      with_receiver)
{
  MopedElement *from = moped_element_get_ref (step, MOPED_PROP_FROM);
  MopedElement *to = moped_element_get_ref (step, MOPED_PROP_TO);
  MopedElement *command = moped_element_get_ref (step, MOPED_PROP_COMMAND);
  g_autofree char *subscription = NULL;
  g_autofree char *line = NULL;

  /* A socket's letter is its node's. */
  if (from != NULL && moped_element_get_kind (from) == MOPED_KIND_SOCKET)
    from = moped_element_get_parent (from);
  if (to != NULL && moped_element_get_kind (to) == MOPED_KIND_SOCKET)
    to = moped_element_get_parent (to);
  subscription = moped_step_is_subscription (step)
    ? g_strdup_printf ("%s “%s”", moped_step_get_block (step) == MOPED_BLOCK_SUBSCRIBE ? "subscribe" : "unsubscribe",
                       moped_element_get_string (step, MOPED_PROP_TOPIC))
    : NULL;
  line = g_strdup_printf ("%s: %s%s%s",
                                           from ? _moped_doc_tag (section->doc, from) : "?",
                                           subscription ? subscription : name_of (command),
                                           with_receiver ? " to " : "",
                                           with_receiver ? (to ? _moped_doc_tag (section->doc, to) : "?") : "");

  if (moped_element_get_bool (step, MOPED_PROP_OPTIONAL))
    return g_strdup_printf ("[%s]", line);
  return g_steal_pointer (&line);
}

/* The flow in the RFC notation: "C: HELLO", blocks under "Repeat:", optional steps in [ ]. */
static char *
dialog (Section      *section,
        MopedElement *flow)
{
  g_autoptr(GPtrArray) steps = steps_of (flow);
  g_autoptr(GArray) blocks = moped_abnf_flow_blocks (flow);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < steps->len; i++)
    {
      add_node (nodes, moped_element_get_ref (g_ptr_array_index (steps, i), MOPED_PROP_FROM));
      add_node (nodes, moped_element_get_ref (g_ptr_array_index (steps, i), MOPED_PROP_TO));
    }
  for (guint b = 0; b < blocks->len; b++)
    {
      const MopedFlowBlock *block = &g_array_index (blocks, MopedFlowBlock, b);

      if (block->repeat)
        g_string_append (s, block->all_optional ? "Repeat, zero or more times:\n" : "Repeat:\n");
      for (guint i = block->first; i < block->first + block->n_steps; i++)
        {
          g_autofree char *line = dialog_line (section, g_ptr_array_index (steps, i), nodes->len > 2);

          g_string_append_printf (s, "%s%s\n", block->repeat ? "    " : "", line);
        }
    }
  if (s->len == 0)
    g_string_append (s, "(no steps yet)\n");
  return g_string_free (s, FALSE);
}

static void
build_flows (Section *section)
{
  MopedDoc *doc = section->doc;
  MopedDocBlock *legend;

  _moped_doc_add_heading (doc, section->level, "Flows");
  legend = _moped_doc_add_paragraph (doc,
                                     "Each flow is shown as a dialog and as a sequence diagram. A "
                                     "line of a dialog is one command: the letter of the node that "
                                     "sends it, a colon and the command, then, when more than two "
                                     "nodes take part, \"to\" and the letter of the receiver. ");
  for (guint i = 0; i < section->nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (section->nodes, i);

      _moped_doc_appendf (legend->text, MOPED_DOC_SPAN_TEXT, "%s%s is %s",
                          i == 0 ? "" : i + 1 == section->nodes->len ? " and " : ", ",
                          _moped_doc_tag (doc, node), name_of (node));
    }
  _moped_doc_append (legend->text, MOPED_DOC_SPAN_TEXT,
                     section->nodes->len > 0 ? ". " : "");
  _moped_doc_append (legend->text, MOPED_DOC_SPAN_TEXT,
                     "\"Repeat:\" starts a block of steps that happens one or more times, "
                     "\"Repeat, zero or more times:\" one that may also not happen at all, and "
                     "[ ] marks a step that may be left out.");
  for (guint f = 0; f < section->flows->len; f++)
    {
      MopedElement *flow = g_ptr_array_index (section->flows, f);
      const char *description = moped_element_get_string (flow, MOPED_PROP_DESCRIPTION);
      g_autofree char *text = dialog (section, flow);
      g_autofree char *caption = g_strdup_printf ("the flow %s", name_of (flow));

      _moped_doc_add_heading (doc, section->level + 1, name_of (flow));
      if (*description != '\0')
        _moped_doc_add_paragraph (doc, description);
      _moped_doc_add_code (doc, "text", text);
      _moped_doc_add_figure (doc, flow, caption);
    }
}

/* State machines */

static char *
transition_text (const MopedTransition *t)
{
  return g_strdup_printf ("%s %s %s %s", t->send ? "sends" : "receives",
                          t->command ? name_of (t->command) : "?",
                          t->send ? "to" : "from", t->peer ? name_of (t->peer) : "any role");
}

/* The machine as graphviz source: states are circles, a final one doubled. */
static char *
machine_dot (const MopedMachine *machine)
{
  GString *dot = g_string_new ("digraph machine {\n  rankdir=LR;\n  node [shape=circle];\n");

  for (guint st = 0; st < machine->n_states; st++)
    g_string_append_printf (dot, "  s%u [label=\"%u\"%s];\n", st + 1, st + 1,
                            machine->final[st] ? ", shape=doublecircle" : "");
  for (guint i = 0; i < machine->transitions->len; i++)
    {
      const MopedTransition *t = &g_array_index (machine->transitions, MopedTransition, i);
      g_autofree char *label = g_strdup_printf ("%s%s", t->send ? "!" : "?",
                                                t->command ? name_of (t->command) : "?");
      g_autofree char *escaped = g_strescape (label, NULL);

      g_string_append_printf (dot, "  s%u -> s%u [label=\"%s\"];\n", t->from + 1, t->to + 1, escaped);
    }
  g_string_append (dot, "}\n");
  return g_string_free (dot, FALSE);
}

static void
build_machines (Section *section)
{
  static const char * const header[] = { "State", "Next", "Then", NULL };
  MopedDoc *doc = section->doc;
  g_autoptr(GPtrArray) roles = moped_element_get_children_of_kind (section->protocol, MOPED_KIND_ROLE);

  if (roles->len == 0)
    return;
  _moped_doc_add_heading (doc, section->level, "State machines");
  _moped_doc_add_paragraph (doc,
                            "Each role follows its own state machine, projected from the flows "
                            "(any flow, then any flow again): in each state, the commands it may "
                            "send or receive next and the state that follows. State 1 is where it "
                            "starts; a conversation may end in the states marked \"may end\". A "
                            "command that is not listed for the current state breaks the "
                            "protocol. The figure draws the same machine (! sends, ? receives; "
                            "state 1 is where it starts, a double circle may end); the exported "
                            "engines enforce it.");
  for (guint r = 0; r < roles->len; r++)
    {
      MopedElement *role = g_ptr_array_index (roles, r);
      g_autoptr(MopedMachine) machine = moped_machine_new (section->protocol, NULL, role);
      g_autofree char *heading = g_strdup_printf ("Role %s", name_of (role));
      g_autofree char *dot = machine_dot (machine);
      MopedDocBlock *table;

      _moped_doc_add_heading (doc, section->level + 1, heading);
      if (machine->transitions->len == 0)
        {
          _moped_doc_add_paragraph (doc, "No flow gives this role anything to send or receive.");
          continue;
        }
      table = _moped_doc_add_table (doc, header);
      for (guint i = 0; i < machine->transitions->len; i++)
        {
          const MopedTransition *t = &g_array_index (machine->transitions, MopedTransition, i);
          GPtrArray *row = _moped_doc_table_add_row (table);
          g_autofree char *state = g_strdup_printf ("%u%s", t->from + 1,
                                                    machine->final[t->from] ? " (may end)" : "");
          g_autofree char *next = transition_text (t);
          g_autofree char *then = g_strdup_printf ("%u%s", t->to + 1,
                                                   machine->final[t->to] ? " (may end)" : "");

          _moped_doc_row_add_cell (row, state);
          _moped_doc_row_add_cell (row, next);
          _moped_doc_row_add_cell (row, then);
        }
      {
        g_autofree char *name = g_strdup_printf ("%s-%s", name_of (section->protocol), name_of (role));
        g_autofree char *caption = g_strdup_printf ("the state machine of role %s", name_of (role));

        _moped_doc_add_dot_figure (doc, name, dot, caption);
      }
    }
}

/* The protocol's framing in words, when it is not the default the message format
 * section describes. */
static void
add_framing_paragraph (MopedDoc     *self,
                       MopedElement *protocol)
{
  g_autoptr(MopedFraming) framing = moped_framing_new (protocol);
  g_autoptr(GString) text = g_string_new ("This protocol declares its framing:");
  gboolean any = FALSE;

  if (framing->delimiter == MOPED_DELIMITER_ALWAYS)
    {
      g_string_append (text, " every message starts with an empty frame;");
      any = TRUE;
    }
  if (framing->header != NULL)
    {
      g_autofree char *header = describe_bytes (framing->header);

      g_string_append_printf (text, " a header frame %s comes before the command;", header);
      any = TRUE;
    }
  if (framing->encoding == MOPED_ENCODING_PACKED)
    {
      g_string_append_printf (text, " all fields travel packed in one frame, binary compatible with zproto's "
                                    "codec (signature %u: the frame starts with 0x%04X, then the command's number "
                                    "in one byte; frame fields follow in frames of their own);",
                              framing->signature, MOPED_PACKED_SIGNATURE_BASE | framing->signature);
      any = TRUE;
    }
  else if (framing->command_id == MOPED_COMMAND_ID_BYTE || framing->command_id == MOPED_COMMAND_ID_WORD)
    {
      g_string_append_printf (text, " a command travels as its number in %s;",
                              framing->command_id == MOPED_COMMAND_ID_BYTE ? "one byte" : "two bytes, network order");
      any = TRUE;
    }
  else if (framing->command_id == MOPED_COMMAND_ID_NONE)
    {
      g_string_append (text, " no frame names the command: each role receives one command only;");
      any = TRUE;
    }
  if (framing->topic == MOPED_TOPIC_NONE)
    {
      g_string_append (text, " publishers send no topic frame, so subscriptions match the first frame;");
      any = TRUE;
    }
  if (!any)
    return;
  text->str[text->len - 1] = '.';
  _moped_doc_add_paragraph (self, text->str);
}

void
_moped_doc_build_protocol (MopedDoc     *self,
                           MopedElement *protocol,
                           guint         level)
{
  g_auto(Section) section = { self, protocol };

  section.links = _moped_doc_protocol_links (self, protocol);
  section.commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);
  section.flows = moped_element_get_children_of_kind (protocol, MOPED_KIND_FLOW);
  section.nodes = _moped_doc_protocol_nodes (self, protocol);
  section.level = level;

  _moped_doc_add_heading (self, level, "Roles");
  if (section.nodes->len == 0)
    _moped_doc_add_paragraph (self, "No node takes part in this protocol yet.");
  for (guint i = 0; i < section.nodes->len; i++)
    build_role (&section, g_ptr_array_index (section.nodes, i));

  _moped_doc_add_heading (self, level, "Commands");
  _moped_doc_add_paragraph (self,
                            "Each command is one message. Its frame table lists every frame in "
                            "order; \"Written by\" and \"Read by\" name the application or the "
                            "socket that puts the frame on the message and takes it off.");
  add_framing_paragraph (self, protocol);
  if (section.commands->len == 0)
    _moped_doc_add_paragraph (self, "This protocol has no commands yet.");
  for (guint i = 0; i < section.commands->len; i++)
    build_command (&section, g_ptr_array_index (section.commands, i));

  build_subscriptions (&section);
  if (section.flows->len > 0)
    build_flows (&section);
  if (section.flows->len > 0)
    build_machines (&section);
}
