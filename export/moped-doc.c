/* moped-doc.c: building a design's protocol document: what it covers, and its sections outside the protocols.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-abnf.h"
#include "moped-diagnostic.h"
#include "moped-doc-private.h"
#include "moped-file.h"
#include "moped-layout-runner.h"
#include "moped-render.h"
#include "moped-staging.h"
#include "moped-endpoint.h"
#include "moped-roles.h"
#include "moped-schema.h"
#include "moped-socket-type.h"

G_DEFINE_QUARK (moped-doc-error-quark, moped_doc_error)

static const char rfc2119_note[] =
  "The key words \"MUST\", \"MUST NOT\", \"REQUIRED\", \"SHALL\", \"SHALL NOT\", "
  "\"SHOULD\", \"SHOULD NOT\", \"RECOMMENDED\", \"MAY\", and \"OPTIONAL\" in this "
  "document are to be interpreted as described in RFC 2119.";

/* Queries */

const char *
_moped_doc_name (MopedElement *element)
{
  const char *name = moped_element_get_name (element);

  return *name != '\0' ? name : moped_element_get_id (element);
}

gboolean
_moped_doc_covers (MopedDoc     *self,
                   MopedElement *element)
{
  return element != NULL && g_hash_table_contains (self->in_scope, element);
}

const char *
_moped_doc_tag (MopedDoc     *self,
                MopedElement *node)
{
  const char *tag = g_hash_table_lookup (self->tags, node);

  return tag != NULL ? tag : "?";
}

GPtrArray *
_moped_doc_protocol_links (MopedDoc     *self,
                           MopedElement *protocol)
{
  g_autoptr(GPtrArray) links = moped_design_collect (self->design, MOPED_KIND_LINK);
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);

      if (protocol == NULL || moped_element_get_ref (link, MOPED_PROP_PROTOCOL) == protocol)
        g_ptr_array_add (result, link);
    }
  return result;
}

MopedElement *
_moped_doc_link_peer (MopedElement *link,
                      MopedElement *socket)
{
  MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);
  MopedElement *to = moped_element_get_ref (link, MOPED_PROP_TO);

  if (from == socket)
    return to;
  if (to == socket)
    return from;
  return NULL;
}

char *
_moped_doc_socket_endpoint (MopedElement *socket,
                            MopedElement *link)
{
  const char *endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);

  if (*endpoint == '\0')
    return NULL;
  if (moped_link_end_binds (link, socket))
    return g_strdup (endpoint);
  return moped_endpoint_connect_form (endpoint);
}

/* Scope */

static void
cover (MopedDoc     *self,
       MopedElement *element)
{
  g_hash_table_add (self->in_scope, element);
}

static void
cover_tree (MopedDoc     *self,
            MopedElement *element)
{
  cover (self, element);
  for (guint i = 0; i < moped_element_get_n_children (element); i++)
    cover_tree (self, moped_element_get_child (element, i));
}

/* A node takes part in a protocol when it has a socket on a link carrying it, sends
 * one of its commands, or is a step's end in one of its flows. */
static gboolean
node_in_protocol (MopedElement *node,
                  MopedElement *protocol,
                  GPtrArray    *links)
{
  g_autoptr(GPtrArray) commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);
  g_autoptr(GPtrArray) flows = moped_element_get_children_of_kind (protocol, MOPED_KIND_FLOW);

  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);
      MopedElement *to = moped_element_get_ref (link, MOPED_PROP_TO);

      if ((from != NULL && moped_element_get_parent (from) == node) ||
          (to != NULL && moped_element_get_parent (to) == node))
        return TRUE;
    }
  for (guint i = 0; i < commands->len; i++)
    {
      MopedElement *sender = moped_element_get_ref (g_ptr_array_index (commands, i), MOPED_PROP_SENDER);

      if (sender != NULL && moped_node_plays_role (node, sender))
        return TRUE;
    }
  for (guint f = 0; f < flows->len; f++)
    {
      g_autoptr(GPtrArray) steps =
        moped_element_get_children_of_kind (g_ptr_array_index (flows, f), MOPED_KIND_STEP);

      for (guint s = 0; s < steps->len; s++)
        if (moped_step_side_is_node (g_ptr_array_index (steps, s), MOPED_PROP_FROM, node) ||
            moped_step_side_is_node (g_ptr_array_index (steps, s), MOPED_PROP_TO, node) ||
            moped_element_get_ref (g_ptr_array_index (steps, s), MOPED_PROP_VIA) == node)
          return TRUE;
    }
  return FALSE;
}

GPtrArray *
_moped_doc_protocol_nodes (MopedDoc     *self,
                           MopedElement *protocol)
{
  g_autoptr(GPtrArray) nodes = moped_design_collect (self->design, MOPED_KIND_NODE);
  g_autoptr(GPtrArray) links = _moped_doc_protocol_links (self, protocol);
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; i < nodes->len; i++)
    if (node_in_protocol (g_ptr_array_index (nodes, i), protocol, links))
      g_ptr_array_add (result, g_ptr_array_index (nodes, i));
  return result;
}

static void
compute_scope (MopedDoc *self)
{
  g_autoptr(GPtrArray) nodes = moped_design_collect (self->design, MOPED_KIND_NODE);
  g_autoptr(GPtrArray) requirements = moped_design_collect (self->design, MOPED_KIND_REQUIREMENT);

  if (self->protocol == NULL)
    self->protocols = moped_design_collect (self->design, MOPED_KIND_PROTOCOL);
  else
    {
      self->protocols = g_ptr_array_new ();
      g_ptr_array_add (self->protocols, self->protocol);
    }
  self->links = _moped_doc_protocol_links (self, self->protocol);
  if (self->protocol == NULL)
    self->nodes = g_ptr_array_ref (nodes);
  else
    self->nodes = _moped_doc_protocol_nodes (self, self->protocol);

  cover (self, moped_design_get_root (self->design));
  for (guint i = 0; i < self->protocols->len; i++)
    cover_tree (self, g_ptr_array_index (self->protocols, i));
  for (guint i = 0; i < self->nodes->len; i++)
    cover_tree (self, g_ptr_array_index (self->nodes, i));
  for (guint i = 0; i < self->links->len; i++)
    cover (self, g_ptr_array_index (self->links, i));
  for (guint i = 0; i < requirements->len; i++)
    {
      MopedElement *target = moped_element_get_ref (g_ptr_array_index (requirements, i), MOPED_PROP_TARGET);

      if (target == NULL || _moped_doc_covers (self, target))
        cover (self, g_ptr_array_index (requirements, i));
    }
}

/* Dialog letters: the initial of the name when no other node shares it, else the
 * initials of its words, else a number after the initial. */
static char *
initials (const char *name,
          gboolean    all_words)
{
  g_autofree char *ascii = g_str_to_ascii (name, "C");
  GString *s = g_string_new (NULL);
  gboolean word_start = TRUE;

  for (const char *p = ascii; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        word_start = TRUE;
      else if (word_start)
        {
          if (all_words || s->len == 0)
            g_string_append_c (s, g_ascii_toupper (*p));
          word_start = FALSE;
        }
    }
  if (s->len == 0)
    g_string_append_c (s, 'N');
  return g_string_free (s, FALSE);
}

static void
compute_tags (MopedDoc *self)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      char *letter = initials (_moped_doc_name (g_ptr_array_index (self->nodes, i)), FALSE);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, letter));

      g_hash_table_replace (counts, letter, GUINT_TO_POINTER (n + 1));
    }
  for (guint i = 0; i < self->nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (self->nodes, i);
      g_autofree char *letter = initials (_moped_doc_name (node), FALSE);
      char *tag = NULL;

      if (GPOINTER_TO_UINT (g_hash_table_lookup (counts, letter)) == 1)
        tag = g_strdup (letter);
      else
        tag = initials (_moped_doc_name (node), TRUE);
      for (guint n = 2; g_hash_table_contains (taken, tag); n++)
        {
          g_free (tag);
          tag = g_strdup_printf ("%s%u", letter, n);
        }
      g_hash_table_add (taken, tag);
      g_hash_table_insert (self->tags, node, tag);
    }
}

/* Sections */

static guint
count_errors (MopedDoc *self)
{
  guint n = 0;

  for (guint i = 0; i < self->diagnostics->len; i++)
    if (((MopedDiagnostic *) g_ptr_array_index (self->diagnostics, i))->severity == MOPED_SEVERITY_ERROR)
      n++;
  return n;
}

static void
build_front_matter (MopedDoc *self)
{
  MopedElement *root = moped_design_get_root (self->design);
  MopedDocBlock *list;
  GPtrArray *item;
  guint n_errors = count_errors (self);

  _moped_doc_add_heading (self, 1, self->title);
  list = _moped_doc_add_list (self);
  if (self->protocol != NULL)
    {
      item = _moped_doc_list_add_item (list, "Name: ");
      _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "%s, version %" G_GINT64_FORMAT,
                          _moped_doc_name (self->protocol),
                          moped_element_get_int (self->protocol, MOPED_PROP_VERSION));
      item = _moped_doc_list_add_item (list, "Design: ");
      _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, _moped_doc_name (root));
    }
  else
    {
      item = _moped_doc_list_add_item (list, "Name: ");
      _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, _moped_doc_name (root));
      item = _moped_doc_list_add_item (list, "Protocols: ");
      for (guint i = 0; i < self->protocols->len; i++)
        _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "%s%s (version %" G_GINT64_FORMAT ")",
                            i > 0 ? ", " : "", _moped_doc_name (g_ptr_array_index (self->protocols, i)),
                            moped_element_get_int (g_ptr_array_index (self->protocols, i), MOPED_PROP_VERSION));
      if (self->protocols->len == 0)
        _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, "none yet");
    }
  item = _moped_doc_list_add_item (list, "Status: ");
  if (n_errors > 0)
    _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT,
                        "raw (%u error%s in the design, listed in Appendix A)",
                        n_errors, n_errors == 1 ? "" : "s");
  else
    _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, "draft");
  _moped_doc_add_paragraph (self,
                            "Moped wrote this document from the design. A document is raw while its "
                            "design has errors and draft once it has none; change the design and "
                            "write the document again rather than editing this text.");
}

static void
build_abstract (MopedDoc *self)
{
  MopedElement *root = moped_design_get_root (self->design);
  const char *summary = moped_element_get_string (root, MOPED_PROP_SUMMARY);
  MopedDocBlock *paragraph;

  if (self->protocol != NULL && *moped_element_get_string (self->protocol, MOPED_PROP_SUMMARY) != '\0')
    summary = moped_element_get_string (self->protocol, MOPED_PROP_SUMMARY);

  _moped_doc_add_heading (self, 2, "Abstract");
  if (*summary != '\0')
    {
      _moped_doc_add_paragraph (self, summary);
      return;
    }
  paragraph = _moped_doc_add_paragraph (self, NULL);
  if (self->protocol != NULL)
    _moped_doc_appendf (paragraph->text, MOPED_DOC_SPAN_TEXT,
                        "This document specifies the %s protocol of the design %s.",
                        _moped_doc_name (self->protocol), _moped_doc_name (root));
  else
    _moped_doc_appendf (paragraph->text, MOPED_DOC_SPAN_TEXT,
                        "This document specifies the protocols of the design %s.",
                        _moped_doc_name (root));
}

static void
build_language_and_goals (MopedDoc *self)
{
  const char *goals = moped_element_get_string (moped_design_get_root (self->design), MOPED_PROP_GOALS);

  _moped_doc_add_heading (self, 2, "Language");
  _moped_doc_add_paragraph (self, rfc2119_note);
  if (*goals != '\0')
    {
      _moped_doc_add_heading (self, 2, "Goals");
      _moped_doc_add_paragraph (self, goals);
    }
}

static void
add_unique (GPtrArray  *strings,
            const char *text)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_str_equal (g_ptr_array_index (strings, i), text))
      return;
  g_ptr_array_add (strings, g_strdup (text));
}

static void
append_joined (GPtrArray         *cell,
               MopedDocSpanStyle  style,
               GPtrArray         *strings)
{
  for (guint i = 0; i < strings->len; i++)
    {
      if (i > 0)
        _moped_doc_append (cell, MOPED_DOC_SPAN_TEXT, ", ");
      _moped_doc_append (cell, style, g_ptr_array_index (strings, i));
    }
  if (strings->len == 0)
    _moped_doc_append (cell, MOPED_DOC_SPAN_TEXT, "none");
}

static void
add_socket_row (MopedDoc      *self,
                MopedDocBlock *table,
                MopedElement  *node,
                MopedElement  *socket)
{
  GPtrArray *row = _moped_doc_table_add_row (table);
  g_autoptr(GPtrArray) endpoints = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) protocols = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *instances =
    g_strdup_printf ("%" G_GINT64_FORMAT, moped_element_get_int (node, MOPED_PROP_INSTANCES));
  const MopedSocketTypeInfo *info;
  gboolean binds = FALSE, connects = FALSE;

  _moped_doc_row_add_cell (row, _moped_doc_name (node));
  _moped_doc_row_add_cell (row, instances);
  if (socket == NULL)
    {
      for (guint i = 0; i < 6; i++)
        _moped_doc_row_add_cell (row, "none");
      return;
    }
  info = moped_socket_type_get_info (moped_element_get_enum (socket, MOPED_PROP_TYPE));
  for (guint i = 0; i < self->links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (self->links, i);
      MopedElement *peer = _moped_doc_link_peer (link, socket);
      MopedElement *protocol = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);
      g_autofree char *endpoint = NULL;
      g_autofree char *peer_text = NULL;

      if (peer == NULL)
        continue;
      if (moped_link_end_binds (link, socket))
        binds = TRUE;
      else
        connects = TRUE;
      endpoint = _moped_doc_socket_endpoint (socket, link);
      if (endpoint != NULL)
        add_unique (endpoints, endpoint);
      peer_text = g_strdup_printf ("%s (%s, %s)", _moped_doc_name (moped_element_get_parent (peer)),
                                   _moped_doc_name (peer),
                                   moped_socket_type_get_name (moped_element_get_enum (peer, MOPED_PROP_TYPE)));
      add_unique (peers, peer_text);
      if (protocol != NULL)
        add_unique (protocols, _moped_doc_name (protocol));
    }
  _moped_doc_row_add_cell (row, _moped_doc_name (socket));
  _moped_doc_appendf (_moped_doc_row_add_cell (row, NULL), MOPED_DOC_SPAN_TEXT, "%s%s",
                      info->name, info->draft ? " (draft)" : "");
  if (!binds && !connects)
    binds = moped_element_get_enum (socket, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND;
  _moped_doc_row_add_cell (row, binds && connects ? "bind and connect" : binds ? "bind" : "connect");
  append_joined (_moped_doc_row_add_cell (row, NULL), MOPED_DOC_SPAN_CODE, endpoints);
  append_joined (_moped_doc_row_add_cell (row, NULL), MOPED_DOC_SPAN_TEXT, peers);
  append_joined (_moped_doc_row_add_cell (row, NULL), MOPED_DOC_SPAN_TEXT, protocols);
}

/* "Request service (service: string, body: frame), returning frame: description". */
static void
add_method_item (MopedDocBlock *list,
                 MopedElement  *method)
{
  g_autoptr(GPtrArray) params = moped_element_get_children_of_kind (method, MOPED_KIND_PARAM);
  MopedApiType result = moped_element_get_enum (method, MOPED_PROP_RESULT);
  const char *description = moped_element_get_string (method, MOPED_PROP_DESCRIPTION);
  GPtrArray *item = _moped_doc_list_add_item (list, NULL);

  _moped_doc_append (item, MOPED_DOC_SPAN_STRONG, _moped_doc_name (method));
  _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, " (");
  for (guint i = 0; i < params->len; i++)
    {
      MopedElement *param = g_ptr_array_index (params, i);

      _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "%s%s: %s", i ? ", " : "", _moped_doc_name (param),
                          moped_api_type_get_name (moped_element_get_enum (param, MOPED_PROP_TYPE)));
    }
  if (result == MOPED_API_NONE)
    _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, "), returning nothing");
  else
    _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, "), returning %s", moped_api_type_get_name (result));
  if (*description != '\0')
    _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, ": %s", description);
  else
    _moped_doc_append (item, MOPED_DOC_SPAN_TEXT, ".");
  for (guint i = 0; i < params->len; i++)
    {
      MopedElement *param = g_ptr_array_index (params, i);
      const char *about = moped_element_get_string (param, MOPED_PROP_DESCRIPTION);

      if (*about != '\0')
        _moped_doc_appendf (item, MOPED_DOC_SPAN_TEXT, " %s: %s", _moped_doc_name (param), about);
    }
}

/* MOPED's "APIs to external applications": what each node offers the code around it. */
static void
build_api (MopedDoc *self)
{
  guint shown = 0;

  _moped_doc_add_heading (self, 3, "API");
  _moped_doc_add_paragraph (self,
                            "The public API of each node: the methods an application calls, with "
                            "their parameters and what each returns.");
  for (guint i = 0; i < self->nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (self->nodes, i);
      g_autoptr(GPtrArray) methods = moped_element_get_children_of_kind (node, MOPED_KIND_METHOD);
      MopedDocBlock *list;

      if (methods->len == 0)
        continue;
      _moped_doc_add_heading (self, 4, _moped_doc_name (node));
      list = _moped_doc_add_list (self);
      for (guint m = 0; m < methods->len; m++)
        add_method_item (list, g_ptr_array_index (methods, m));
      shown++;
    }
  if (shown == 0)
    _moped_doc_add_paragraph (self, "No node has API methods yet.");
}

static gboolean
socket_on_links (MopedDoc     *self,
                 MopedElement *socket)
{
  for (guint i = 0; i < self->links->len; i++)
    if (_moped_doc_link_peer (g_ptr_array_index (self->links, i), socket) != NULL)
      return TRUE;
  return FALSE;
}

static void
build_architecture (MopedDoc *self)
{
  static const char * const header[] = {
    "Node", "Instances", "Socket", "Type", "Bind or connect", "Endpoint", "Peers", "Protocols", NULL
  };
  MopedDocBlock *table;
  MopedDocBlock *paragraph;
  g_autofree char *caption = NULL;

  _moped_doc_add_heading (self, 2, "Architecture");
  _moped_doc_add_heading (self, 3, "Topology");
  paragraph = _moped_doc_add_paragraph (self, NULL);
  _moped_doc_appendf (paragraph->text, MOPED_DOC_SPAN_TEXT,
                      "Figure %u shows the nodes of the design with their sockets, and the links "
                      "between the sockets with the protocol and the endpoint of each.%s",
                      self->n_figures + 1,
                      self->protocol != NULL ? " It shows the whole design; this document covers "
                                               "the nodes and links of one protocol." : "");
  caption = g_strdup_printf ("the topology of %s", _moped_doc_name (moped_design_get_root (self->design)));
  _moped_doc_add_figure (self, NULL, caption);

  _moped_doc_add_heading (self, 3, "Nodes and sockets");
  _moped_doc_add_paragraph (self,
                            "Every node and socket, with the endpoint each socket binds or connects "
                            "to, the sockets at the other end of its links, and how many instances "
                            "of the node run.");
  table = _moped_doc_add_table (self, header);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (self->nodes, i);
      g_autoptr(GPtrArray) sockets = moped_element_get_children_of_kind (node, MOPED_KIND_SOCKET);
      guint rows = 0;

      for (guint s = 0; s < sockets->len; s++)
        if (self->protocol == NULL || socket_on_links (self, g_ptr_array_index (sockets, s)))
          {
            add_socket_row (self, table, node, g_ptr_array_index (sockets, s));
            rows++;
          }
      if (rows == 0)
        add_socket_row (self, table, node, NULL);
    }
  build_api (self);
}

static char *
end_name (MopedElement *socket)
{
  if (socket == NULL)
    return g_strdup ("(unknown)");
  return g_strdup_printf ("%s.%s", _moped_doc_name (moped_element_get_parent (socket)),
                          _moped_doc_name (socket));
}

/* "node Server", "link greetings (Client.request to Server.reply)", "step 2 of flow
 * Round trip": an element as a reader finds it in the design. */
static char *
element_label (MopedElement *element)
{
  MopedKind kind;
  g_autofree char *kind_label = NULL;

  if (element == NULL)
    return g_strdup ("the whole design");
  kind = moped_element_get_kind (element);
  kind_label = g_ascii_strdown (moped_schema_get_kind (kind)->label, -1);
  switch ((int) kind)
    {
    case MOPED_KIND_DESIGN:
      return g_strdup ("the whole design");
    case MOPED_KIND_LINK:
      {
        const char *label = moped_element_get_string (element, MOPED_PROP_LABEL);
        g_autofree char *from = end_name (moped_element_get_ref (element, MOPED_PROP_FROM));
        g_autofree char *to = end_name (moped_element_get_ref (element, MOPED_PROP_TO));

        if (*label != '\0')
          return g_strdup_printf ("link %s (%s to %s)", label, from, to);
        return g_strdup_printf ("link from %s to %s", from, to);
      }
    case MOPED_KIND_SOCKET:
      {
        g_autofree char *name = end_name (element);

        return g_strdup_printf ("socket %s", name);
      }
    case MOPED_KIND_STEP:
      return g_strdup_printf ("step %d of flow %s", moped_element_get_index (element) + 1,
                              _moped_doc_name (moped_element_get_parent (element)));
    case MOPED_KIND_FIELD:
    case MOPED_KIND_METHOD:
    case MOPED_KIND_PARAM:
      return g_strdup_printf ("%s %s of %s", kind_label, _moped_doc_name (element),
                              _moped_doc_name (moped_element_get_parent (element)));
    default:
      return g_strdup_printf ("%s %s", kind_label, _moped_doc_name (element));
    }
}

static void
build_requirements (MopedDoc *self)
{
  static const char * const header[] = {
    "Requirement", "Metric", "Target", "Applies to", "Description", NULL
  };
  g_autoptr(GPtrArray) requirements = moped_design_collect (self->design, MOPED_KIND_REQUIREMENT);
  MopedDocBlock *table = NULL;

  for (guint i = 0; i < requirements->len; i++)
    {
      MopedElement *requirement = g_ptr_array_index (requirements, i);
      MopedElement *target = moped_element_get_ref (requirement, MOPED_PROP_TARGET);
      g_autofree char *value = moped_element_dup_requirement_target (requirement);
      g_autofree char *target_label = NULL;
      GPtrArray *row;

      if (!_moped_doc_covers (self, requirement))
        continue;
      if (table == NULL)
        {
          _moped_doc_add_heading (self, 2, "Technical requirements");
          _moped_doc_add_paragraph (self,
                                    "The targets an implementation of this design MUST meet.");
          table = _moped_doc_add_table (self, header);
        }
      row = _moped_doc_table_add_row (table);
      _moped_doc_row_add_cell (row, _moped_doc_name (requirement));
      _moped_doc_row_add_cell (row, moped_metric_get_name (moped_element_get_enum (requirement, MOPED_PROP_METRIC)));
      _moped_doc_row_add_cell (row, value);
      target_label = element_label (target);
      _moped_doc_row_add_cell (row, target_label);
      _moped_doc_row_add_cell (row, moped_element_get_string (requirement, MOPED_PROP_DESCRIPTION));
    }
}

/* The body of a note when its text starts with @prefix (any case), else NULL. */
static const char *
note_body (const char *text,
           const char *prefix)
{
  while (g_ascii_isspace (*text))
    text++;
  if (g_ascii_strncasecmp (text, prefix, strlen (prefix)) != 0)
    return NULL;
  text += strlen (prefix);
  while (g_ascii_isspace (*text))
    text++;
  return text;
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static void
build_notes (MopedDoc *self)
{
  static const struct { const char *prefix; const char *heading; } kinds[] = {
    { "Security:", "Security" },
    { "Weakness:", "Known weaknesses" },
    { NULL, "Notes" },
  };
  g_autoptr(GPtrArray) notes = moped_design_collect (self->design, MOPED_KIND_NOTE);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      gboolean started = FALSE;

      for (guint i = 0; i < notes->len; i++)
        {
          const char *text = moped_element_get_string (g_ptr_array_index (notes, i), MOPED_PROP_TEXT);
          const char *body = NULL;

          if (kinds[k].prefix != NULL)
            body = note_body (text, kinds[k].prefix);
          else if (note_body (text, kinds[0].prefix) == NULL && note_body (text, kinds[1].prefix) == NULL)
            body = text;
          if (body == NULL || is_blank (body))
            continue;
          if (!started)
            _moped_doc_add_heading (self, 2, kinds[k].heading);
          started = TRUE;
          _moped_doc_add_paragraph (self, body);
        }
    }
}

static gboolean
diagnostic_covered (MopedDoc              *self,
                    const MopedDiagnostic *diagnostic)
{
  MopedElement *element = NULL;

  if (diagnostic->element_ids != NULL && diagnostic->element_ids[0] != NULL)
    element = moped_design_lookup (self->design, diagnostic->element_ids[0]);
  return element == NULL || _moped_doc_covers (self, element) ||
         moped_element_get_kind (element) == MOPED_KIND_NOTE;
}

static void
build_diagnostics (MopedDoc *self)
{
  static const char * const header[] = { "Severity", "Code", "Element", "Message", "Hint", NULL };
  MopedDocBlock *table;

  if (self->diagnostics->len == 0)
    return;
  _moped_doc_add_heading (self, 2, "Appendix A: Diagnostics");
  _moped_doc_add_paragraph (self,
                            "Moped found these problems in the design when it wrote this document. "
                            "The design is not finished while they remain.");
  table = _moped_doc_add_table (self, header);
  for (guint i = 0; i < self->diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (self->diagnostics, i);
      MopedElement *element = NULL;
      GPtrArray *row = _moped_doc_table_add_row (table);
      g_autofree char *label = NULL;

      if (d->element_ids != NULL && d->element_ids[0] != NULL)
        element = moped_design_lookup (self->design, d->element_ids[0]);
      _moped_doc_row_add_cell (row, moped_severity_get_name (d->severity));
      _moped_doc_append (_moped_doc_row_add_cell (row, NULL), MOPED_DOC_SPAN_CODE, d->code);
      label = element_label (element);
      _moped_doc_row_add_cell (row, label);
      _moped_doc_row_add_cell (row, d->message);
      _moped_doc_row_add_cell (row, d->hint != NULL ? d->hint : "");
    }
}

static void
build_grammar (MopedDoc *self)
{
  _moped_doc_add_heading (self, 2, "Formal grammar");
  _moped_doc_add_paragraph (self,
                            "The following ABNF grammar (RFC 5234) defines the messages and their "
                            "order. It has one rule per protocol, per flow and per command, one per "
                            "field, and the encodings of the field types at the end. In a flow, "
                            "[ ] marks an optional step and 1*( ) a block of steps that repeats, "
                            "*( ) when every step in it is optional.");
  _moped_doc_add_code (self, "abnf", self->grammar);
}

static void
build_protocols (MopedDoc *self)
{
  _moped_doc_build_encoding (self);
  if (self->protocol != NULL)
    {
      _moped_doc_build_protocol (self, self->protocol, 2);
      return;
    }
  for (guint i = 0; i < self->protocols->len; i++)
    {
      MopedElement *protocol = g_ptr_array_index (self->protocols, i);
      const char *summary = moped_element_get_string (protocol, MOPED_PROP_SUMMARY);
      g_autofree char *heading = g_strdup_printf ("The %s protocol", _moped_doc_name (protocol));
      MopedDocBlock *paragraph;

      _moped_doc_add_heading (self, 2, heading);
      paragraph = _moped_doc_add_paragraph (self, NULL);
      _moped_doc_appendf (paragraph->text, MOPED_DOC_SPAN_TEXT, "Version %" G_GINT64_FORMAT ".%s%s",
                          moped_element_get_int (protocol, MOPED_PROP_VERSION),
                          *summary ? " " : "", summary);
      _moped_doc_build_protocol (self, protocol, 3);
    }
}

static char *
make_title (MopedDoc *self)
{
  const char *name;

  if (self->protocol == NULL)
    return g_strdup (_moped_doc_name (moped_design_get_root (self->design)));
  name = _moped_doc_name (self->protocol);
  if (strlen (name) >= 8 && g_ascii_strcasecmp (name + strlen (name) - 8, "protocol") == 0)
    return g_strdup (name);
  return g_strdup_printf ("The %s protocol", name);
}

MopedDoc *
moped_doc_new (MopedDesign  *design,
               MopedElement *protocol)
{
  MopedDoc *self;
  g_autoptr(GPtrArray) all = NULL;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (protocol == NULL || moped_element_get_kind (protocol) == MOPED_KIND_PROTOCOL, NULL);

  self = g_new0 (MopedDoc, 1);
  self->design = g_object_ref (design);
  self->protocol = protocol;
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) _moped_doc_block_free);
  self->anchors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->figure_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->in_scope = g_hash_table_new (NULL, NULL);
  self->tags = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  compute_scope (self);
  compute_tags (self);

  all = moped_validate (design);
  self->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) moped_diagnostic_free);
  for (guint i = 0; i < all->len; i++)
    if (diagnostic_covered (self, g_ptr_array_index (all, i)))
      g_ptr_array_add (self->diagnostics, g_ptr_array_steal_index (all, i--));

  self->title = make_title (self);
  self->grammar = moped_abnf_generate (design, protocol);

  build_front_matter (self);
  build_abstract (self);
  build_language_and_goals (self);
  build_architecture (self);
  build_protocols (self);
  build_grammar (self);
  build_requirements (self);
  build_notes (self);
  build_diagnostics (self);
  return self;
}

void
moped_doc_free (MopedDoc *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->blocks);
  g_hash_table_unref (self->anchors);
  g_hash_table_unref (self->figure_names);
  g_hash_table_unref (self->in_scope);
  g_hash_table_unref (self->tags);
  g_clear_pointer (&self->protocols, g_ptr_array_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_free (self->title);
  g_free (self->grammar);
  g_object_unref (self->design);
  g_free (self);
}

const char *
moped_doc_get_title (MopedDoc *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->title;
}

guint
moped_doc_get_n_errors (MopedDoc *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return count_errors (self);
}

const char *
moped_doc_get_grammar (MopedDoc *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->grammar;
}

void
moped_doc_figure_file_free (MopedDocFigureFile *file)
{
  if (file == NULL)
    return;
  g_free (file->file_name);
  g_clear_pointer (&file->svg, g_bytes_unref);
  g_free (file);
}

/* The Markdown file and its figures, all or nothing: a failure (a full disk) leaves
 * neither a partial document nor figures of the new one behind. */
static gboolean
write_markdown (MopedDoc    *self,
                const char  *path,
                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *figure_base = g_strdup (base);
  g_autoptr(GPtrArray) figures = NULL;
  g_autoptr(MopedStaging) staging = NULL;
  g_autofree char *text = NULL;
  char *dot = strrchr (figure_base, '.');

  if (dot != NULL && dot != figure_base)
    *dot = '\0';
  text = moped_doc_to_markdown (self, figure_base, &figures, error);
  if (text == NULL)
    return FALSE;
  staging = moped_staging_new (dir, error);
  if (staging == NULL)
    return FALSE;
  for (guint i = 0; i < figures->len; i++)
    {
      MopedDocFigureFile *file = g_ptr_array_index (figures, i);
      gsize size = 0;
      const char *data = g_bytes_get_data (file->svg, &size);

      if (!moped_staging_write (staging, file->file_name, data, size, error))
        return FALSE;
    }
  return moped_staging_write (staging, base, text, strlen (text), error) &&
         moped_staging_commit (staging, error);
}

gboolean
moped_doc_write (MopedDoc    *self,
                 const char  *path,
                 GError     **error)
{
  g_autofree char *html = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_str_has_suffix (path, ".md") || g_str_has_suffix (path, ".markdown"))
    return write_markdown (self, path, error);
  if (g_str_has_suffix (path, ".abnf") || g_str_has_suffix (path, ".bnf"))
    return moped_file_replace_contents (path, self->grammar, strlen (self->grammar), error);
  if (g_str_has_suffix (path, ".html") || g_str_has_suffix (path, ".htm"))
    {
      html = moped_doc_to_html (self, error);
      return html != NULL && moped_file_replace_contents (path, html, strlen (html), error);
    }
  g_set_error (error, MOPED_DOC_ERROR, MOPED_DOC_ERROR_FORMAT,
               "%s: unknown document format (use .md, .html or .abnf)", path);
  return FALSE;
}

GBytes *
_moped_doc_render_figure (MopedDoc       *self,
                          MopedDocBlock  *block,
                          GError        **error)
{
  if (block->dot != NULL)
    {
      g_autoptr(GBytes) dot = g_bytes_new (block->dot, strlen (block->dot));

      /* The layout runs in moped's helper process, as every other figure's does. */
      return moped_layout_runner_run (dot, MOPED_LAYOUT_ENGINE_DOT, MOPED_GRAPHVIZ_OUTPUT_SVG, 0, NULL, error);
    }
  if (block->flow == NULL)
    return moped_render_architecture (self->design, MOPED_RENDER_SVG, 1.0, error);
  return moped_render_flow (self->design, block->flow, MOPED_RENDER_SVG, 1.0, error);
}
