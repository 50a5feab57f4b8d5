/* moped-validate.c: checks a design and reports what cannot work or looks wrong (see DIAGNOSTICS.md).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One walk of the tree indexes the design (document order, elements by kind, links by
 * socket and by pair of nodes); every check then looks things up in hash tables, so
 * the whole validation stays linear in the size of the design.
 */
#define G_LOG_DOMAIN "moped-model"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "moped-diagnostic.h"
#include "moped-endpoint.h"
#include "moped-machine.h"
#include "moped-file.h"
#include "moped-framing.h"
#include "moped-framing.h"
#include "moped-names.h"
#include "moped-roles.h"
#include "moped-schema.h"
#include "moped-socket-type.h"
#include "moped-text.h"

typedef struct
{
  MopedDiagnostic *diagnostic;
  guint            order;  /* document position of the main element */
  guint            seq;    /* discovery order, so that sorting is stable */
} Finding;

typedef struct
{
  MopedDesign *design;
  GPtrArray   *by_kind[MOPED_N_KINDS];
  GHashTable  *order;            /* element -> document position */
  GHashTable  *links_of_socket;  /* socket -> GPtrArray of links */
  GHashTable  *links_of_node;    /* node -> GPtrArray of links at either end */
  GHashTable  *links_of_protocol;/* protocol -> GPtrArray of links carrying it */
  GHashTable  *plays;            /* "node-id\nrole-id", "socket-id\nrole-id" and the same with
                                  * the role's protocol id: played at some link end */
  GHashTable  *played;           /* role -> played by some link end */
  GHashTable  *used_commands;    /* command -> itself */
  GHashTable  *used_roles;       /* role named by a flow step -> itself */
  GHashTable  *peer_nodes;       /* socket -> GPtrArray of the distinct nodes it is linked to */
  GHashTable  *introduced;       /* "socket\nnode": a node that sends to a routing socket in
                                  * some flow before that socket addresses it there */
  GHashTable  *once;             /* "code\nid\n..." of findings reported once for many links */
  GArray      *findings;
} Validation;

/* A step resolved to the sockets that carry it. */
typedef struct
{
  MopedElement *step;
  guint         position;  /* 1-based, in its flow */
  MopedElement *sender;    /* socket, NULL when no link carries the step */
  MopedElement *receiver;
} Hop;

#define ELEMENTS(...) ((MopedElement * const []) { __VA_ARGS__, NULL })

/* The words messages use for each kind (singular; plurals add "s"). */
static const char * const kind_words[MOPED_N_KINDS] = {
  [MOPED_KIND_DESIGN] = "design",
  [MOPED_KIND_NODE] = "node",
  [MOPED_KIND_SOCKET] = "socket",
  [MOPED_KIND_METHOD] = "API method",
  [MOPED_KIND_LINK] = "link",
  [MOPED_KIND_PROTOCOL] = "protocol",
  [MOPED_KIND_ROLE] = "role",
  [MOPED_KIND_COMMAND] = "command",
  [MOPED_KIND_FIELD] = "field",
  [MOPED_KIND_FLOW] = "flow",
  [MOPED_KIND_STEP] = "step",
  [MOPED_KIND_REQUIREMENT] = "requirement",
  [MOPED_KIND_NOTE] = "note",
  [MOPED_KIND_PARAM] = "parameter",
  [MOPED_KIND_PROCESS] = "process",
  [MOPED_KIND_HOST] = "host",
};

/* ---- reporting ------------------------------------------------------------ */

static void
report (Validation          *v,
        MopedSeverity        severity,
        const char          *code,
        MopedElement * const *elements,
        const char          *hint,
        const char          *format,
        ...) G_GNUC_PRINTF (6, 7);

static void
report (Validation          *v,
        MopedSeverity        severity,
        const char          *code,
        MopedElement * const *elements,
        const char          *hint,
        const char          *format,
        ...)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autofree char *message = NULL;
  Finding finding;
  va_list args;

  for (guint i = 0; elements[i] != NULL; i++)
    g_ptr_array_add (ids, (gpointer) moped_element_get_id (elements[i]));
  g_ptr_array_add (ids, NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  finding.diagnostic = moped_diagnostic_new (severity, code, (const char * const *) ids->pdata,
                                             hint, "%s", message);
  finding.order = GPOINTER_TO_UINT (g_hash_table_lookup (v->order, elements[0]));
  finding.seq = v->findings->len;
  g_array_append_val (v->findings, finding);
}

static int
compare_findings (gconstpointer a,
                  gconstpointer b)
{
  const Finding *fa = a;
  const Finding *fb = b;

  if (fa->diagnostic->severity != fb->diagnostic->severity)
    return fa->diagnostic->severity < fb->diagnostic->severity ? -1 : 1;
  if (fa->order != fb->order)
    return fa->order < fb->order ? -1 : 1;
  return fa->seq < fb->seq ? -1 : (fa->seq > fb->seq);
}

/* ---- naming elements in messages ---------------------------------------------- */

/* The element's name, or its id when it has none, so a message always says which. */
static gboolean is_blank (const char *text);

static const char *
name_or_id (MopedElement *e)
{
  const char *name = moped_element_get_name (e);

  return !is_blank (name) ? name : moped_element_get_id (e);
}

/* "broker" for a node, "broker.backend" for a socket, "a.x → b.y" for a link. */
static char *
describe (MopedElement *e)
{
  switch (moped_element_get_kind (e))
    {
    case MOPED_KIND_SOCKET:
    case MOPED_KIND_METHOD:
      {
        MopedElement *node = moped_element_get_parent (e);

        return g_strdup_printf ("%s.%s", name_or_id (node), name_or_id (e));
      }
    case MOPED_KIND_LINK:
      {
        MopedElement *from = moped_element_get_ref (e, MOPED_PROP_FROM);
        MopedElement *to = moped_element_get_ref (e, MOPED_PROP_TO);
        g_autofree char *a = from ? describe (from) : g_strdup ("?");
        g_autofree char *b = to ? describe (to) : g_strdup ("?");

        return g_strdup_printf ("%s → %s", a, b);
      }
    case MOPED_KIND_STEP:
      return g_strdup_printf ("step %d (%s)", moped_element_get_index (e) + 1,
                              moped_element_get_id (e));
    case MOPED_KIND_PARAM:
      {
        MopedElement *method = moped_element_get_parent (e);
        g_autofree char *owner = describe (method);

        return g_strdup_printf ("%s (%s)", owner, name_or_id (e));
      }
    case MOPED_KIND_DESIGN:
    case MOPED_KIND_NODE:
    case MOPED_KIND_PROTOCOL:
    case MOPED_KIND_COMMAND:
    case MOPED_KIND_FIELD:
    case MOPED_KIND_FLOW:
    case MOPED_KIND_REQUIREMENT:
    case MOPED_KIND_NOTE:
    default:
      return g_strdup (name_or_id (e));
    }
}

/* "Node broker", "Socket broker.backend", "The design". */
static char *
describe_with_kind (MopedElement *e)
{
  MopedKind kind = moped_element_get_kind (e);
  g_autofree char *what = NULL;
  g_autofree char *word = NULL;

  if (kind == MOPED_KIND_DESIGN)
    return g_strdup ("The design");
  if (kind == MOPED_KIND_STEP)
    return g_strdup_printf ("Step %d (%s) of flow %s", moped_element_get_index (e) + 1,
                            moped_element_get_id (e), name_or_id (moped_element_get_parent (e)));
  what = describe (e);
  word = g_strdup (kind_words[kind]);
  word[0] = g_ascii_toupper (word[0]);
  return g_strdup_printf ("%s %s", word, what);
}

static const char *
socket_type_name (MopedElement *socket)
{
  return moped_socket_type_get_name (moped_element_get_enum (socket, MOPED_PROP_TYPE));
}

static const MopedSocketTypeInfo *
socket_info (MopedElement *socket)
{
  int type = moped_element_get_enum (socket, MOPED_PROP_TYPE);

  if ((guint) type >= MOPED_N_SOCKET_TYPES)
    type = MOPED_SOCKET_TYPE_FALLBACK;
  return moped_socket_type_get_info ((MopedSocketType) type);
}

/* "REP or ROUTER": the types that can talk to @type, stable ones unless @type is a
 * draft itself; with @free_only only those that enforce no send/receive order. */
static char *
describe_peers_of (MopedSocketType type,
                   gboolean        free_only)
{
  gboolean draft_ok = moped_socket_type_get_info (type)->draft;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GString *s = g_string_new (NULL);

  for (guint t = 0; t < MOPED_N_SOCKET_TYPES; t++)
    {
      const MopedSocketTypeInfo *info = moped_socket_type_get_info ((MopedSocketType) t);

      if (!moped_socket_types_compatible (type, (MopedSocketType) t) ||
          (info->draft && !draft_ok) ||
          (free_only && info->sequence != MOPED_SEQUENCE_FREE))
        continue;
      g_ptr_array_add (names, (gpointer) info->name);
    }
  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append (s, i + 1 == names->len ? " or " : ", ");
      g_string_append (s, g_ptr_array_index (names, i));
    }
  return g_string_free (s, FALSE);
}

/* ---- indexing ------------------------------------------------------------------ */

static void
index_element (Validation   *v,
               MopedElement *e)
{
  guint n = moped_element_get_n_children (e);

  g_hash_table_insert (v->order, e, GUINT_TO_POINTER (g_hash_table_size (v->order)));
  g_ptr_array_add (v->by_kind[moped_element_get_kind (e)], e);
  for (guint i = 0; i < n; i++)
    index_element (v, moped_element_get_child (e, i));
}

/* Appends @item to the list at @key; @key_free disposes of @key when the table
 * already holds an equal one. */
static void
add_to_list (GHashTable     *table,
             gpointer        key,
             GDestroyNotify  key_free,
             gpointer        item)
{
  GPtrArray *list = g_hash_table_lookup (table, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (table, key, list);
    }
  else if (key_free != NULL)
    key_free (key);
  g_ptr_array_add (list, item);
}

static char *
plays_key (MopedElement *player,
           MopedElement *role)
{
  return g_strconcat (moped_element_get_id (player), "\n", moped_element_get_id (role), NULL);
}

static void
index_link_roles (Validation   *v,
                  MopedElement *link)
{
  for (guint e = 0; e < 2; e++)
    {
      MopedProp end = e ? MOPED_PROP_TO : MOPED_PROP_FROM;
      MopedElement *socket = moped_element_get_ref (link, end);
      MopedElement *role = moped_link_get_role (link, end);

      if (role == NULL || socket == NULL)
        continue;
      g_hash_table_add (v->played, role);
      g_hash_table_add (v->plays, plays_key (socket, role));
      g_hash_table_add (v->plays, plays_key (moped_element_get_parent (socket), role));
      g_hash_table_add (v->plays, plays_key (socket, moped_element_get_parent (role)));
      g_hash_table_add (v->plays, plays_key (moped_element_get_parent (socket), moped_element_get_parent (role)));
    }
}

static void
index_links (Validation *v)
{
  GPtrArray *links = v->by_kind[MOPED_KIND_LINK];

  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);
      MopedElement *to = moped_element_get_ref (link, MOPED_PROP_TO);
      MopedElement *protocol = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);

      if (from == NULL || to == NULL)
        continue;
      add_to_list (v->links_of_socket, from, NULL, link);
      if (to != from)
        add_to_list (v->links_of_socket, to, NULL, link);
      add_to_list (v->links_of_node, moped_element_get_parent (from), NULL, link);
      if (moped_element_get_parent (to) != moped_element_get_parent (from))
        add_to_list (v->links_of_node, moped_element_get_parent (to), NULL, link);
      if (protocol != NULL)
        add_to_list (v->links_of_protocol, protocol, NULL, link);
      index_link_roles (v, link);
    }
}

/* Whether a step's side (a role, a node or a socket) may play @role: it is the role, or
 * plays it at a link end, or plays no role of that protocol at all (its links carry
 * no protocol, so any). */
static gboolean
party_plays (Validation   *v,
             MopedElement *party,
             MopedElement *role)
{
  g_autofree char *key = NULL;
  g_autofree char *any = NULL;

  if (moped_element_get_kind (party) == MOPED_KIND_ROLE)
    return party == role;
  key = plays_key (party, role);
  any = plays_key (party, moped_element_get_parent (role));
  return g_hash_table_contains (v->plays, key) || !g_hash_table_contains (v->plays, any);
}

/* The socket at the other end of @link from @socket. */
static MopedElement *
link_peer (MopedElement *link,
           MopedElement *socket)
{
  MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);

  return from == socket ? moped_element_get_ref (link, MOPED_PROP_TO) : from;
}

static gint64
instances_of (MopedElement *node)
{
  return MAX (moped_element_get_int (node, MOPED_PROP_INSTANCES), 1);
}

/* The distinct nodes at the other ends of @socket's links, in link order (borrowed;
 * computed once per socket, so a hub with many links and many steps stays linear). */
static GPtrArray *
peer_nodes (Validation   *v,
            MopedElement *socket)
{
  GPtrArray *links = g_hash_table_lookup (v->links_of_socket, socket);
  GPtrArray *nodes = g_hash_table_lookup (v->peer_nodes, socket);

  if (nodes != NULL)
    return nodes;
  nodes = g_ptr_array_new ();
  g_hash_table_insert (v->peer_nodes, socket, nodes);

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      MopedElement *peer = link_peer (g_ptr_array_index (links, i), socket);
      MopedElement *node = peer ? moped_element_get_parent (peer) : NULL;

      if (node != NULL && !g_ptr_array_find (nodes, node, NULL))
        g_ptr_array_add (nodes, node);
    }
  return nodes;
}

/* Whether @socket is linked to a peer socket whose link carries another protocol than
 * @protocol: a round-robin sender may pick it, and it does not speak the protocol. */
static gboolean
has_peer_of_other_protocol (Validation   *v,
                            MopedElement *socket,
                            MopedElement *protocol)
{
  GPtrArray *links = g_hash_table_lookup (v->links_of_socket, socket);

  for (guint i = 0; links != NULL && i < links->len; i++)
    if (moped_element_get_ref (g_ptr_array_index (links, i), MOPED_PROP_PROTOCOL) != protocol)
      return TRUE;
  return FALSE;
}

/* "A and B", "A, B and C" */
static char *
join_names (GPtrArray *elements)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < elements->len; i++)
    {
      if (i > 0)
        g_string_append (s, i + 1 == elements->len ? " and " : ", ");
      g_string_append (s, name_or_id (g_ptr_array_index (elements, i)));
    }
  return g_string_free (s, FALSE);
}

/* ---- required values ------------------------------------------------------------- */

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static void
check_required_ref (Validation          *v,
                    MopedElement        *e,
                    const MopedPropSpec *spec)
{
  const char *target = moped_element_get_string (e, spec->prop);
  g_autofree char *what = NULL;

  if (moped_element_get_ref (e, spec->prop) != NULL)
    return;
  what = describe_with_kind (e);
  if (target[0] == '\0')
    report (v, MOPED_SEVERITY_ERROR, "missing-reference", ELEMENTS (e),
            "Choose one in the inspector, or delete the element.",
            "%s has no “%s”", what, spec->label);
  else
    report (v, MOPED_SEVERITY_ERROR, "missing-reference", ELEMENTS (e),
            "Choose an existing element, or delete this one.",
            "%s: “%s” refers to “%s”, which does not exist or is of the wrong kind",
            what, spec->label, target);
}

/* Table-driven: every property the schema marks required must have a value. */
static void
check_required (Validation   *v,
                MopedElement *e)
{
  const MopedKindSpec *kind = moped_schema_get_kind (moped_element_get_kind (e));

  for (guint i = 0; i < kind->n_props; i++)
    {
      const MopedPropSpec *spec = &kind->props[i];

      if (!(spec->flags & MOPED_PROP_FLAG_REQUIRED))
        continue;
      if (spec->type == MOPED_VALUE_REF)
        check_required_ref (v, e, spec);
      else if (spec->type == MOPED_VALUE_STRING &&
               is_blank (moped_element_get_string (e, spec->prop)))
        {
          g_autofree char *what = describe_with_kind (e);

          if (spec->prop == MOPED_PROP_NAME)
            report (v, MOPED_SEVERITY_ERROR, "missing-name", ELEMENTS (e),
                    "Give it a name: documents and generated code refer to it by name.",
                    "%s has no name", what);
          else
            report (v, MOPED_SEVERITY_ERROR, "missing-reference", ELEMENTS (e),
                    "Fill it in the inspector.", "%s has no “%s”", what, spec->label);
        }
    }
}

/* A message step needs both sides and its command, a subscription both sides; a block
 * needs none of them. */
static void
check_message_step (Validation   *v,
                    MopedElement *step)
{
  static const MopedProp needed[] = { MOPED_PROP_FROM, MOPED_PROP_TO, MOPED_PROP_COMMAND };
  guint n = moped_step_is_subscription (step) ? 2 : G_N_ELEMENTS (needed);

  if (!moped_step_is_leaf (step))
    return;
  for (guint i = 0; i < n; i++)
    check_required_ref (v, step, moped_schema_get_prop (MOPED_KIND_STEP, needed[i]));
}

static void
check_all_required (Validation *v)
{
  for (guint i = 0; i < v->by_kind[MOPED_KIND_STEP]->len; i++)
    check_message_step (v, g_ptr_array_index (v->by_kind[MOPED_KIND_STEP], i));
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    for (guint i = 0; i < v->by_kind[k]->len; i++)
      check_required (v, g_ptr_array_index (v->by_kind[k], i));
}

/* ---- names ------------------------------------------------------------------------- */

/* Which children share one namespace: generated code and documents use their names. */
static const struct { MopedKind parent, child; } name_scopes[] = {
  { MOPED_KIND_DESIGN, MOPED_KIND_NODE },
  { MOPED_KIND_DESIGN, MOPED_KIND_PROTOCOL },
  { MOPED_KIND_NODE, MOPED_KIND_SOCKET },
  { MOPED_KIND_NODE, MOPED_KIND_METHOD },
  { MOPED_KIND_PROTOCOL, MOPED_KIND_ROLE },
  { MOPED_KIND_PROTOCOL, MOPED_KIND_COMMAND },
  { MOPED_KIND_PROTOCOL, MOPED_KIND_FLOW },
  { MOPED_KIND_COMMAND, MOPED_KIND_FIELD },
  { MOPED_KIND_METHOD, MOPED_KIND_PARAM },
  { MOPED_KIND_DESIGN, MOPED_KIND_PROCESS },
  { MOPED_KIND_DESIGN, MOPED_KIND_HOST },
};

static void
report_duplicate_name (Validation   *v,
                       MopedElement *parent,
                       MopedElement *first,
                       MopedElement *again,
                       MopedKind     kind)
{
  g_autofree char *owner = describe_with_kind (parent);
  g_autofree char *hint = g_strdup_printf ("Rename one of them: %ss need different names "
                                           "within one %s.", kind_words[kind],
                                           kind_words[moped_element_get_kind (parent)]);

  report (v, MOPED_SEVERITY_ERROR, "duplicate-name", ELEMENTS (again, first), hint,
          "%s has two %ss named “%s” (%s and %s)", owner, kind_words[kind],
          moped_element_get_name (again), moped_element_get_id (first),
          moped_element_get_id (again));
}

static void
report_identifier_collision (Validation   *v,
                             MopedElement *parent,
                             MopedElement *first,
                             MopedElement *again,
                             MopedKind     kind,
                             const char   *identifier)
{
  g_autofree char *owner = describe_with_kind (parent);

  report (v, MOPED_SEVERITY_WARNING, "identifier-collision", ELEMENTS (again, first),
          "Rename one of them so that generated code does not have to number them.",
          "%s has %ss named “%s” and “%s”, which both become %s in generated code",
          owner, kind_words[kind], moped_element_get_name (first),
          moped_element_get_name (again), identifier);
}

static void
check_scope (Validation   *v,
             MopedElement *parent,
             MopedKind     kind)
{
  g_autoptr(GPtrArray) children = moped_element_get_children_of_kind (parent, kind);
  g_autoptr(GHashTable) by_name = NULL;
  g_autoptr(GHashTable) by_identifier = NULL;

  if (children->len < 2)
    return;
  by_name = g_hash_table_new (g_str_hash, g_str_equal);
  by_identifier = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < children->len; i++)
    {
      MopedElement *child = g_ptr_array_index (children, i);
      const char *name = moped_element_get_name (child);
      MopedElement *first;
      char *identifier;

      if (is_blank (name))
        continue;  /* reported as missing-name */
      first = g_hash_table_lookup (by_name, name);
      if (first != NULL)
        {
          report_duplicate_name (v, parent, first, child, kind);
          continue;
        }
      g_hash_table_insert (by_name, (gpointer) name, child);

      identifier = moped_name_to_identifier (name);
      first = g_hash_table_lookup (by_identifier, identifier);
      if (first != NULL)
        {
          report_identifier_collision (v, parent, first, child, kind, identifier);
          g_free (identifier);
        }
      else
        g_hash_table_insert (by_identifier, identifier, child);
    }
}

/* A name is what people read and what generated code is made of: an invisible
 * character (a bidirectional override, a zero-width space, a control) makes it look
 * like something it is not, in the editor, the documents and the exported C. */
static void
check_visible_names (Validation *v)
{
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    for (guint i = 0; i < v->by_kind[k]->len; i++)
      {
        MopedElement *e = g_ptr_array_index (v->by_kind[k], i);
        const char *name = moped_element_get_name (e);
        const char *bad = name != NULL ? moped_text_find_invisible (name) : NULL;
        g_autofree char *what = NULL;
        g_autofree char *shown = NULL;
        g_autofree char *character = NULL;

        if (name != NULL && strlen (name) > MOPED_NAME_MAX_CHARS &&
            g_utf8_strlen (name, -1) > MOPED_NAME_MAX_CHARS)
          {
            report (v, MOPED_SEVERITY_ERROR, "name-too-long", ELEMENTS (e),
                    "Shorten it: put the details in the description.",
                    "A %s has a name of %ld characters; names may have at most %d",
                    kind_words[k], g_utf8_strlen (name, -1), MOPED_NAME_MAX_CHARS);
            continue;
          }
        if (bad == NULL)
          continue;
        what = describe_with_kind (e);
        shown = moped_text_escape_invisible (what);
        character = moped_text_describe_char (g_utf8_get_char (bad));
        report (v, MOPED_SEVERITY_ERROR, "invisible-character", ELEMENTS (e),
                "Remove it: retype the name in the inspector. Invisible characters make a "
                "name read differently from what it is (Trojan Source) and break generated code.",
                "%s has an invisible character in its name (%s)", shown, character);
      }
}

static void
check_names (Validation *v)
{
  for (guint s = 0; s < G_N_ELEMENTS (name_scopes); s++)
    {
      GPtrArray *parents = v->by_kind[name_scopes[s].parent];

      for (guint i = 0; i < parents->len; i++)
        check_scope (v, g_ptr_array_index (parents, i), name_scopes[s].child);
    }
}

/* ---- nodes and sockets --------------------------------------------------------------- */

static void
check_nodes (Validation *v)
{
  GPtrArray *nodes = v->by_kind[MOPED_KIND_NODE];

  for (guint i = 0; i < nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (nodes, i);
      g_autoptr(GPtrArray) sockets = moped_element_get_children_of_kind (node, MOPED_KIND_SOCKET);

      if (sockets->len == 0)
        report (v, MOPED_SEVERITY_WARNING, "node-without-sockets", ELEMENTS (node),
                "Add a socket and link it, or remove the node if it takes no part.",
                "Node %s has no socket, so it cannot talk to the rest of the design",
                name_or_id (node));
    }
}

/* PAIR (and CHANNEL) serve one peer: libzmq leaves a second connection unserved.
 * Every instance of a peer node is a peer of its own. */
static void
check_exclusive (Validation   *v,
                 MopedElement *socket)
{
  GPtrArray *links = g_hash_table_lookup (v->links_of_socket, socket);
  GPtrArray *nodes = peer_nodes (v, socket);
  g_autofree char *what = NULL;
  g_autofree char *names = NULL;
  gint64 peers = 0;

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      MopedElement *peer = link_peer (g_ptr_array_index (links, i), socket);

      if (peer != NULL && peer != socket)
        peers += instances_of (moped_element_get_parent (peer));
    }
  if (peers <= 1)
    return;
  what = describe (socket);
  names = join_names (nodes);
  report (v, MOPED_SEVERITY_ERROR, "exclusive-pair",
          links ? ELEMENTS (socket, g_ptr_array_index (links, links->len - 1)) : ELEMENTS (socket),
          "Give each peer its own PAIR socket, or use DEALER and ROUTER for one socket "
          "with many peers.",
          "Socket %s is a %s socket with %" G_GINT64_FORMAT " peers (%s), but it talks to exactly one: "
          "libzmq never serves the others", what, socket_type_name (socket), peers, names);
}

static void
check_socket (Validation   *v,
              MopedElement *socket)
{
  const MopedSocketTypeInfo *info = socket_info (socket);
  g_autofree char *what = describe (socket);
  const char *subscribe = moped_element_get_string (socket, MOPED_PROP_SUBSCRIBE);

  if (info->draft)
    report (v, MOPED_SEVERITY_WARNING, "draft-socket-type", ELEMENTS (socket),
            "Keep it to document the design, or choose a stable type to export code "
            "that builds on this platform.",
            "Socket %s is a %s socket, which needs libzmq's draft API: Debian 12's "
            "libzmq 4.3.4 and czmq 4.2 cannot build it", what, info->name);

  if (!g_hash_table_contains (v->links_of_socket, socket))
    report (v, MOPED_SEVERITY_WARNING, "unlinked-socket", ELEMENTS (socket),
            "Draw a link from it to a socket of another node, or remove it.",
            "Socket %s is not linked to any other socket", what);

  if (moped_socket_type_get_outgoing (info->type) == MOPED_OUTGOING_EXCLUSIVE)
    check_exclusive (v, socket);

  if (!is_blank (subscribe) && info->subscription == MOPED_SUBSCRIPTION_NONE)
    report (v, MOPED_SEVERITY_WARNING, "subscribe-ignored", ELEMENTS (socket),
            "Clear the subscriptions, or make it a SUB socket.",
            "Socket %s has subscriptions (“%s”), but a %s socket does not subscribe; "
            "they are ignored", what, subscribe, info->name);
}

static void
check_sockets (Validation *v)
{
  GPtrArray *sockets = v->by_kind[MOPED_KIND_SOCKET];

  for (guint i = 0; i < sockets->len; i++)
    check_socket (v, g_ptr_array_index (sockets, i));
}

/* ---- deployment ---------------------------------------------------------------------- */

/* The process a node runs in: its process, or the node itself standing for a process
 * of its own (a design without processes runs one process per node). */
static MopedElement *
process_of (MopedElement *node)
{
  MopedElement *process = moped_element_get_ref (node, MOPED_PROP_PROCESS);

  return process ? process : node;
}

/* The host a node runs on, or NULL for the one default host. */
static MopedElement *
host_of (MopedElement *node)
{
  MopedElement *process = moped_element_get_ref (node, MOPED_PROP_PROCESS);

  return process ? moped_element_get_ref (process, MOPED_PROP_HOST) : NULL;
}

static char *
describe_process_of (MopedElement *node)
{
  MopedElement *process = moped_element_get_ref (node, MOPED_PROP_PROCESS);

  return process ? g_strdup_printf ("%s runs in process %s", name_or_id (node), name_or_id (process))
                 : g_strdup_printf ("%s runs in a process of its own", name_or_id (node));
}

static char *
describe_host_of (MopedElement *node)
{
  MopedElement *host = host_of (node);

  return host ? g_strdup_printf ("%s runs on host %s", name_or_id (node), name_or_id (host))
              : g_strdup_printf ("%s runs on the default host", name_or_id (node));
}

static gboolean
is_loopback_host (const char *host)
{
  return g_str_has_prefix (host, "127.") || g_ascii_strcasecmp (host, "localhost") == 0 ||
         g_str_equal (host, "::1") || g_str_equal (host, "[::1]");
}

/* inproc works inside one process (one ZeroMQ context), ipc and loopback tcp inside
 * one host: the link's two nodes must be deployed so that its transport reaches. */
static void
check_link_deployment (Validation          *v,
                       MopedElement        *link,
                       MopedElement        *from,
                       MopedElement        *to,
                       const MopedEndpoint *ep)
{
  MopedElement *a = moped_element_get_parent (from);
  MopedElement *b = moped_element_get_parent (to);
  const char *endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);
  g_autofree char *what = NULL;
  g_autofree char *where_a = NULL;
  g_autofree char *where_b = NULL;

  if (ep->transport == MOPED_TRANSPORT_INPROC && process_of (a) != process_of (b))
    {
      what = describe (link);
      where_a = describe_process_of (a);
      where_b = describe_process_of (b);
      report (v, MOPED_SEVERITY_ERROR, "inproc-across-processes", ELEMENTS (link, a, b),
              "Put both nodes into one process (a node's Process), or use ipc:// between "
              "processes on one host or tcp:// between hosts.",
              "Link %s: “%s” works only inside one process, but %s and %s", what, endpoint,
              where_a, where_b);
    }
  else if (ep->transport == MOPED_TRANSPORT_IPC && host_of (a) != host_of (b))
    {
      what = describe (link);
      where_a = describe_host_of (a);
      where_b = describe_host_of (b);
      report (v, MOPED_SEVERITY_ERROR, "ipc-across-hosts", ELEMENTS (link, a, b),
              "Place both processes on one host, or use tcp://.",
              "Link %s: “%s” works only on one host, but %s and %s", what, endpoint,
              where_a, where_b);
    }
  else if (ep->transport == MOPED_TRANSPORT_TCP && ep->host != NULL && is_loopback_host (ep->host) &&
           host_of (a) != host_of (b))
    {
      what = describe (link);
      where_a = describe_host_of (a);
      where_b = describe_host_of (b);
      report (v, MOPED_SEVERITY_ERROR, "localhost-across-hosts", ELEMENTS (link, a, b),
              "Bind all interfaces (tcp://*:PORT) and connect to the binding host's name, "
              "or place both processes on one host.",
              "Link %s: “%s” is reachable only from its own host, but %s and %s", what,
              endpoint, where_a, where_b);
    }
}

/* ---- links ---------------------------------------------------------------------------- */

typedef struct
{
  MopedElement *socket;  /* the binding socket */
  MopedElement *link;    /* the first link it binds this endpoint for */
  char         *address; /* tcp: the address bound, "*" for every interface; else NULL */
} Binding;

static void
binding_free (gpointer data)
{
  Binding *b = data;

  g_free (b->address);
  g_free (b);
}

/* The address a tcp bind listens on, as libzmq (ZMQ_IPV6 off, the exported code's
 * setting) binds it: "*" for every interface (*, 0.0.0.0, [::]); the loopback
 * interface lo is 127.0.0.1; anything else as written, lower-cased. */
static char *
bound_tcp_address (const MopedEndpoint *ep)
{
  g_autofree char *host = g_ascii_strdown (ep->host, -1);

  if (g_str_equal (host, "*") || g_str_equal (host, "0.0.0.0") || g_str_equal (host, "[::]"))
    return g_strdup ("*");
  if (g_str_equal (host, "lo"))
    return g_strdup ("127.0.0.1");
  return g_steal_pointer (&host);
}

/* Bind or connect is a property of each link end (by default the socket's mode). */
static gboolean
is_bound (MopedElement *link,
          MopedElement *socket)
{
  return moped_link_end_binds (link, socket);
}

static void
check_pair_types (Validation   *v,
                  MopedElement *link,
                  MopedElement *from,
                  MopedElement *to)
{
  const MopedSocketTypeInfo *a = socket_info (from);
  const MopedSocketTypeInfo *b = socket_info (to);
  g_autofree char *what = NULL;
  g_autofree char *from_name = NULL;
  g_autofree char *to_name = NULL;
  g_autofree char *for_to = NULL;
  g_autofree char *for_from = NULL;
  g_autofree char *hint = NULL;

  if (moped_socket_types_compatible (a->type, b->type))
    return;
  what = describe (link);
  from_name = describe (from);
  to_name = describe (to);
  for_to = describe_peers_of (a->type, FALSE);
  for_from = describe_peers_of (b->type, FALSE);
  hint = g_strdup_printf ("Use %s on %s, or %s on %s.", for_to, to_name, for_from, from_name);
  report (v, MOPED_SEVERITY_ERROR, "incompatible-sockets", ELEMENTS (link, from, to), hint,
          "Link %s: %s cannot talk to %s", what, a->name, b->name);
}

static gboolean
check_modes (Validation          *v,
             MopedElement        *link,
             MopedElement        *from,
             MopedElement        *to,
             const MopedEndpoint *ep)
{
  g_autofree char *what = NULL;

  if (is_bound (link, from) != is_bound (link, to))
    return TRUE;
  /* pgm and epgm are multicast: every member connects to the group, or binds it. */
  if (ep != NULL && (ep->transport == MOPED_TRANSPORT_PGM || ep->transport == MOPED_TRANSPORT_EPGM))
    return FALSE;
  what = describe (link);
  if (is_bound (link, from))
    report (v, MOPED_SEVERITY_ERROR, "both-bind", ELEMENTS (link, from, to),
            "Make one side connect (for this link only, with the link's end setting, or "
            "for the whole socket): usually the stable, central side binds and the "
            "others connect to it.",
            "Link %s: both sockets bind, so neither connects to the other", what);
  else
    report (v, MOPED_SEVERITY_ERROR, "both-connect", ELEMENTS (link, from, to),
            "Make one side bind (for this link only, with the link's end setting, or "
            "for the whole socket): usually the stable, central side binds and the "
            "others connect to it.",
            "Link %s: both sockets connect, so nobody listens for them", what);
  return FALSE;
}

static void
report_bad_endpoint (Validation   *v,
                     MopedElement *link,
                     MopedElement *socket,
                     const char   *endpoint,
                     const char   *problem,
                     const char   *hint)
{
  g_autofree char *what = describe (link);

  report (v, MOPED_SEVERITY_ERROR, "bad-endpoint", socket ? ELEMENTS (link, socket) : ELEMENTS (link),
          hint, "Link %s: endpoint “%s”: %s", what, endpoint, problem);
}

static gboolean
check_transport (Validation          *v,
                 MopedElement        *link,
                 MopedElement        *socket,
                 const MopedEndpoint *ep)
{
  const MopedSocketTypeInfo *info = socket_info (socket);
  g_autofree char *what = NULL;
  g_autofree char *sock = NULL;
  g_autofree char *problem = NULL;
  const char *endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);

  if (moped_socket_type_allows (info->type, ep->transport))
    return TRUE;
  moped_endpoint_check (endpoint, info->type, is_bound (link, socket), &problem);
  what = describe (link);
  sock = describe (socket);
  report (v, MOPED_SEVERITY_ERROR, "transport-not-allowed", ELEMENTS (link, socket),
          "Change the endpoint's transport, or the socket's type.",
          "Link %s: %s: %s", what, sock, problem);
  return FALSE;
}

/* Binds clash within one process (inproc) or one host (tcp, ipc). A tcp port is one
 * resource of its host: a bind on every interface (*) takes it on all addresses, so it
 * clashes with any other bind of that port there, and two binds of one address clash;
 * two loopback addresses (127.0.0.1, 127.0.0.2) or two interfaces share it. */
static void
check_duplicate_bind (Validation          *v,
                      GHashTable          *bindings,
                      MopedElement        *link,
                      MopedElement        *bound,
                      const char          *endpoint,
                      const MopedEndpoint *ep)
{
  g_autofree char *normal = moped_endpoint_normalize (endpoint);
  gboolean tcp = ep->transport == MOPED_TRANSPORT_TCP;
  MopedElement *where = g_str_has_prefix (normal, "inproc://")
    ? process_of (moped_element_get_parent (bound)) : host_of (moped_element_get_parent (bound));
  /* The key says where, and what is taken there: a tcp port, or the endpoint. */
  char *key = tcp ? g_strdup_printf ("%s\ntcp port %d", where ? moped_element_get_id (where) : "", ep->port)
                  : g_strconcat (where ? moped_element_get_id (where) : "", "\n", normal, NULL);
  g_autofree char *address = tcp ? bound_tcp_address (ep) : NULL;
  GPtrArray *taken = g_hash_table_lookup (bindings, key);
  Binding *first = NULL;
  g_autofree char *what = NULL;
  g_autofree char *sock = NULL;
  g_autofree char *other = NULL;
  g_autofree char *clash = NULL;
  const char *first_endpoint;

  if (taken == NULL)
    {
      taken = g_ptr_array_new_with_free_func (binding_free);
      g_hash_table_insert (bindings, key, taken);
    }
  else
    g_free (key);
  for (guint i = 0; i < taken->len && first == NULL; i++)
    {
      Binding *b = g_ptr_array_index (taken, i);
      gboolean same = !tcp || g_str_equal (b->address, address);

      if (same && b->socket == bound)
        return;  /* one socket may bind one endpoint for many peers */
      if (same || g_str_equal (b->address, "*") || g_str_equal (address, "*"))
        first = b;
    }
  if (first == NULL)
    {
      first = g_new0 (Binding, 1);
      first->socket = bound;
      first->link = link;
      first->address = g_steal_pointer (&address);
      g_ptr_array_add (taken, first);
      return;
    }
  what = describe (link);
  sock = describe (bound);
  other = describe (first->socket);
  first_endpoint = moped_element_get_string (first->link, MOPED_PROP_ENDPOINT);
  if (!tcp || g_str_equal (first->address, address))
    clash = g_strdup_printf ("which %s already binds", other);
  else
    clash = g_strdup_printf ("but %s already binds “%s” on this host, and a bind on every interface (*) "
                             "takes the port on all of them", other, first_endpoint);
  report (v, MOPED_SEVERITY_ERROR, "duplicate-bind", ELEMENTS (link, bound, first->socket, first->link),
          g_str_has_prefix (normal, "inproc://")
            ? "Give each binding socket its own endpoint (another name), or put the nodes into "
              "different processes; many peers may connect to one bound socket."
            : "Give each binding socket its own endpoint (another port or path), or place their "
              "processes on different hosts (a process's Host); many peers may connect to one "
              "bound socket.",
          "Link %s: %s binds “%s”, %s; the second bind fails (address in use)", what, sock, endpoint,
          clash);
}

/* Every instance of a node runs the same sockets: a fixed endpoint bound by a node
 * with several instances is bound once per instance, and the second bind fails. */
static void
check_instances_bind (Validation   *v,
                      MopedElement *link,
                      MopedElement *bound,
                      const char   *endpoint)
{
  MopedElement *node = moped_element_get_parent (bound);
  g_autofree char *key = NULL;
  g_autofree char *what = NULL;
  g_autofree char *sock = NULL;

  if (instances_of (node) <= 1)
    return;
  key = g_strconcat ("instances-fixed-bind\n", moped_element_get_id (bound), "\n", endpoint, NULL);
  if (!g_hash_table_add (v->once, g_steal_pointer (&key)))
    return;
  what = describe (link);
  sock = describe (bound);
  report (v, MOPED_SEVERITY_ERROR, "instances-fixed-bind", ELEMENTS (link, bound, node),
          "Make this end connect and the other side bind (many instances may connect to one "
          "bound socket), or split the node into one node per instance, each binding a port "
          "or path of its own.",
          "Link %s: %s binds “%s”, but node %s runs %" G_GINT64_FORMAT " instances: the "
          "second instance's bind fails (address in use)", what, sock, endpoint,
          name_or_id (node), instances_of (node));
}

/* A tcp bind libzmq refuses with the exported code's options (ZMQ_IPV6 off, its
 * default): it binds an interface or a numeric address, never a host name, so
 * "localhost" fails (No such device), and with IPv6 off no IPv6 address ([::1], [::])
 * can be bound, nor reached. NULL when it binds. */
static char *
tcp_bind_problem (const MopedEndpoint *ep)
{
  if (g_ascii_strcasecmp (ep->host, "localhost") == 0)
    return g_strdup ("libzmq binds an interface or a numeric address, not a host name, so it "
                     "cannot bind “localhost” (No such device)");
  if (ep->host[0] == '[')
    return g_strdup_printf ("the exported sockets keep libzmq's default ZMQ_IPV6 off, and then libzmq "
                            "cannot bind the IPv6 address %s (No such device), nor connect to it", ep->host);
  return NULL;
}

/* Many members may join one multicast group, so a second bind of it is no conflict. */
static gboolean
is_multicast_endpoint (const MopedEndpoint *ep)
{
  const char *group;

  if (ep->transport == MOPED_TRANSPORT_PGM || ep->transport == MOPED_TRANSPORT_EPGM)
    return TRUE;
  if (ep->transport != MOPED_TRANSPORT_UDP)
    return FALSE;
  group = strchr (ep->host, ';') ? strchr (ep->host, ';') + 1 : ep->host;
  if (group[0] == '[')
    return g_ascii_strncasecmp (group + 1, "ff", 2) == 0;
  return atoi (group) >= 224 && atoi (group) <= 239;
}

/* With exactly one side binding: the endpoint in its bind form and its connect form. */
static void
check_endpoint_roles (Validation          *v,
                      GHashTable          *bindings,
                      MopedElement        *link,
                      MopedElement        *bound,
                      MopedElement        *connecting,
                      const MopedEndpoint *ep)
{
  const char *endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);
  g_autofree char *problem = NULL;
  g_autofree char *connect_form = NULL;
  g_autofree char *what = NULL;
  g_autofree char *sock = NULL;

  if (ep->port == 0 && (ep->transport == MOPED_TRANSPORT_TCP || ep->transport == MOPED_TRANSPORT_UDP ||
                        (ep->transport == MOPED_TRANSPORT_IPC && g_str_equal (ep->address, "*"))))
    {
      what = describe (link);
      sock = describe (connecting);
      report (v, MOPED_SEVERITY_ERROR, "ephemeral-endpoint", ELEMENTS (link, bound, connecting),
              "Give a fixed port (or path), such as tcp://*:5555.",
              "Link %s: endpoint “%s” lets the system choose, so %s cannot know where "
              "to connect", what, endpoint, sock);
      return;
    }
  if (!moped_endpoint_check (endpoint, socket_info (bound)->type, TRUE, &problem))
    {
      report_bad_endpoint (v, link, bound, endpoint, problem,
                           "Write the endpoint the binding side listens on, such as "
                           "tcp://*:5555, ipc:///tmp/name or inproc://name.");
      return;
    }
  if (ep->transport == MOPED_TRANSPORT_TCP && (problem = tcp_bind_problem (ep)) != NULL)
    {
      report_bad_endpoint (v, link, bound, endpoint, problem,
                           "Bind an IPv4 address or every interface: tcp://127.0.0.1:PORT (this host "
                           "only) or tcp://*:PORT; peers connect to the host's name or address.");
      return;
    }
  if (!is_multicast_endpoint (ep))
    {
      check_duplicate_bind (v, bindings, link, bound, endpoint, ep);
      check_instances_bind (v, link, bound, endpoint);
    }
  connect_form = moped_endpoint_connect_form (endpoint);
  if (!moped_endpoint_check (connect_form, socket_info (connecting)->type, FALSE, &problem))
    {
      g_autofree char *full = NULL;

      sock = describe (connecting);
      full = g_strdup_printf ("%s cannot connect to %s: %s", sock, connect_form, problem);
      report_bad_endpoint (v, link, connecting, endpoint, full,
                           "Bind on an address the other side can reach, such as "
                           "tcp://*:5555 or tcp://127.0.0.1:5555 (libzmq binds no host name).");
    }
}

static void
check_link_endpoint (Validation   *v,
                     GHashTable   *bindings,
                     MopedElement *link,
                     MopedElement *from,
                     MopedElement *to)
{
  const char *endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);
  g_autofree char *problem = NULL;
  g_autofree char *what = NULL;
  MopedEndpoint ep;
  gboolean roles_ok, from_ok, to_ok;

  if (is_blank (endpoint))
    {
      what = describe (link);
      check_modes (v, link, from, to, NULL);
      report (v, MOPED_SEVERITY_ERROR, "missing-endpoint", ELEMENTS (link),
              "Set the endpoint the binding side listens on, such as tcp://*:5555 or "
              "inproc://name.",
              "Link %s has no endpoint", what);
      return;
    }
  if (!moped_endpoint_parse (endpoint, &ep, &problem))
    {
      check_modes (v, link, from, to, NULL);
      report_bad_endpoint (v, link, NULL, endpoint, problem,
                           "An endpoint is tcp://host:port, ipc://path, inproc://name, "
                           "pgm:// or epgm://interface;group:port, or udp://host:port.");
      return;
    }
  roles_ok = check_modes (v, link, from, to, &ep);
  /* Both sides are checked, so that each wrong socket is named. */
  from_ok = check_transport (v, link, from, &ep);
  to_ok = check_transport (v, link, to, &ep);
  if (from_ok && to_ok)
    check_link_deployment (v, link, from, to, &ep);
  if (from_ok && to_ok && roles_ok)
    {
      if (is_bound (link, from))
        check_endpoint_roles (v, bindings, link, from, to, &ep);
      else
        check_endpoint_roles (v, bindings, link, to, from, &ep);
    }
  moped_endpoint_clear (&ep);
}

static void
check_link (Validation   *v,
            GHashTable   *bindings,
            MopedElement *link)
{
  MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);
  MopedElement *to = moped_element_get_ref (link, MOPED_PROP_TO);
  const char *endpoint;
  g_autofree char *what = NULL;

  if (from == NULL || to == NULL)
    return;  /* reported as missing-reference */
  if (from == to)
    {
      what = describe (link);
      report (v, MOPED_SEVERITY_ERROR, "self-link", ELEMENTS (link, from),
              "Link it to a socket of another node, or to a second socket.",
              "Link %s joins a socket to itself", what);
      return;
    }
  check_pair_types (v, link, from, to);
  check_link_endpoint (v, bindings, link, from, to);

  endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);
  if (moped_element_get_parent (from) == moped_element_get_parent (to) &&
      !g_str_has_prefix (endpoint, "inproc://"))
    {
      what = describe (link);
      report (v, MOPED_SEVERITY_INFO, "same-node-link", ELEMENTS (link, from, to),
              "Within one process inproc:// is the fastest transport.",
              "Link %s joins two sockets of the same node", what);
    }
}

static void
check_links (Validation *v)
{
  GPtrArray *links = v->by_kind[MOPED_KIND_LINK];
  g_autoptr(GHashTable) bindings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < links->len; i++)
    check_link (v, bindings, g_ptr_array_index (links, i));
}

/* ---- protocols, commands and flows ------------------------------------------------------ */

/* The links a step's leg may travel on: those of a node it names, else those of its
 * protocol (both sides are roles), so a hop never looks at the whole design. */
static GPtrArray *
candidate_links (Validation   *v,
                 MopedElement *protocol,
                 MopedElement *from,
                 MopedElement *to,
                 gboolean      layered)
{
  static GPtrArray *none = NULL;
  MopedElement *parties[2] = { from, to };
  GPtrArray *links = NULL;

  if (none == NULL)
    none = g_ptr_array_new ();
  for (guint i = 0; i < 2 && links == NULL; i++)
    {
      MopedKind kind = moped_element_get_kind (parties[i]);

      if (kind == MOPED_KIND_NODE)
        links = g_hash_table_lookup (v->links_of_node, parties[i]);
      else if (kind == MOPED_KIND_SOCKET)
        links = g_hash_table_lookup (v->links_of_socket, parties[i]);
      else
        continue;
      return links ? links : none;
    }
  /* Two roles: a relayed leg has a node on one side, so this is the protocol's own. */
  links = layered ? v->by_kind[MOPED_KIND_LINK] : g_hash_table_lookup (v->links_of_protocol, protocol);
  return links ? links : none;
}

static void     check_step_roles (Validation   *v,
                                  MopedElement *flow,
                                  const Hop    *hop);

/* Resolves one leg of @hop (from @from to @to); reports when no link carries it. */
static gboolean
resolve_leg (Validation   *v,
             MopedElement *flow,
             Hop          *hop,
             MopedElement *from,
             MopedElement *to,
             gboolean      layered);
/* "step 3 (step-7)": the position is known here, no need to search the siblings. */
static char *
describe_hop (const Hop *hop)
{
  return g_strdup_printf ("step %u (%s)", hop->position, moped_element_get_id (hop->step));
}

/* A subscription travels from a SUB or XSUB to its publishers, and only an XPUB hands
 * it to the application; a PUB (or a SUB's other peers) keeps it inside libzmq. */
static void
check_subscription_directions (Validation   *v,
                               MopedElement *flow,
                               const Hop    *hop)
{
  g_autofree char *step = describe_hop (hop);
  g_autofree char *sender = describe (hop->sender);
  g_autofree char *receiver = describe (hop->receiver);
  const MopedSocketTypeInfo *s = socket_info (hop->sender);
  const MopedSocketTypeInfo *r = socket_info (hop->receiver);

  if (!moped_socket_type_subscribes (s->type))
    report (v, MOPED_SEVERITY_ERROR, "socket-cannot-subscribe", ELEMENTS (hop->step, hop->sender),
            "Subscribe from a SUB or XSUB socket, or make the step a message.",
            "Flow %s, %s: %s is a %s socket, which does not subscribe", name_or_id (flow), step,
            sender, s->name);
  else if (!moped_socket_types_carry_subscription (s->type, r->type))
    report (v, MOPED_SEVERITY_ERROR, "subscription-not-received", ELEMENTS (hop->step, hop->receiver),
            "Make the publisher an XPUB socket, which receives its subscribers' subscriptions "
            "as messages, or remove the step (a PUB filters by subscription inside libzmq).",
            "Flow %s, %s: %s is a %s socket, which never receives the subscriptions of %s",
            name_or_id (flow), step, receiver, r->name, sender);
}

/* Whether a frame of a message of @command sent upstream from @sender may begin with
 * byte 0 or 1, which libzmq 4.3.4's XPUB takes for an (un)subscription wherever the
 * frame is in the message: a fixed value that does (a command byte), or a field that
 * may (a number, bytes, a list, a frame; text is taken to begin with a character). */
static gboolean
upstream_looks_like_subscription (MopedElement    *command,
                                  MopedSocketType  sender,
                                  MopedSocketType  receiver)
{
  g_autoptr(GPtrArray) frames = moped_framing_get_frames (command, sender, receiver);

  for (guint i = 0; i < frames->len; i++)
    {
      const MopedFrame *frame = g_ptr_array_index (frames, i);

      if (frame->value != NULL)
        {
          gsize size = 0;
          const guint8 *data = g_bytes_get_data (frame->value, &size);

          if (size > 0 && data[0] <= 1)
            return TRUE;
        }
      else if (frame->kind == MOPED_FRAME_FIELD && frame->field != NULL)
        {
          int type = moped_element_get_enum (frame->field, MOPED_PROP_TYPE);

          if (type != MOPED_FIELD_STRING && type != MOPED_FIELD_LONGSTR)
            return TRUE;
        }
    }
  return FALSE;
}

static void
check_hop_directions (Validation   *v,
                      MopedElement *flow,
                      const Hop    *hop)
{
  g_autofree char *step = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *receiver = NULL;
  MopedSocketType s_type = socket_info (hop->sender)->type;
  MopedSocketType r_type = socket_info (hop->receiver)->type;

  if (moped_step_is_subscription (hop->step))
    {
      check_subscription_directions (v, flow, hop);
      return;
    }
  /* Upstream: an XSUB's message reaches an XPUB (not a PUB), unless it looks like a
   * subscription. */
  if (moped_socket_types_deliver (s_type, r_type))
    {
      MopedElement *command = moped_element_get_ref (hop->step, MOPED_PROP_COMMAND);

      if (socket_info (hop->sender)->sends_upstream && !socket_info (hop->sender)->can_send &&
          command != NULL && upstream_looks_like_subscription (command, s_type, r_type))
        {
          step = describe_hop (hop);
          receiver = describe (hop->receiver);
          report (v, MOPED_SEVERITY_ERROR, "upstream-taken-for-subscription",
                  ELEMENTS (hop->step, command, hop->receiver),
                  "Send only text fields upstream, identify commands by name or by numbers "
                  "from 2 up, or pack the fields into one frame (zproto's encoding), so that "
                  "no frame begins with byte 0 or 1.",
                  "Flow %s, %s: a frame of %s may begin with byte 0 or 1, so %s, an XPUB "
                  "socket, takes it for an (un)subscription and cuts the message there",
                  name_or_id (flow), step, name_or_id (command), receiver);
        }
      return;
    }
  step = describe_hop (hop);
  sender = describe (hop->sender);
  receiver = describe (hop->receiver);
  if (socket_info (hop->sender)->sends_upstream && !socket_info (hop->receiver)->can_receive)
    report (v, MOPED_SEVERITY_ERROR, "socket-cannot-receive", ELEMENTS (hop->step, hop->receiver),
            "Make the publisher an XPUB socket, which receives what an XSUB sends upstream.",
            "Flow %s, %s: %s is a %s socket, which cannot receive what %s sends upstream",
            name_or_id (flow), step, receiver, socket_type_name (hop->receiver), sender);
  if (socket_info (hop->sender)->sends_upstream)
    return;
  if (!socket_info (hop->sender)->can_send)
    report (v, MOPED_SEVERITY_ERROR, "socket-cannot-send", ELEMENTS (hop->step, hop->sender),
            "Reverse the step, or send over a socket that can send.",
            "Flow %s, %s: %s is a %s socket, which cannot send", name_or_id (flow), step,
            sender, socket_type_name (hop->sender));
  if (!socket_info (hop->receiver)->can_receive)
    report (v, MOPED_SEVERITY_ERROR, "socket-cannot-receive", ELEMENTS (hop->step, hop->receiver),
            "Reverse the step, or receive on a socket that can receive.",
            "Flow %s, %s: %s is a %s socket, which cannot receive", name_or_id (flow), step,
            receiver, socket_type_name (hop->receiver));
}

static void
check_step_command (Validation   *v,
                    MopedElement *flow,
                    const Hop    *hop,
                    MopedElement *from)
{
  MopedElement *step = hop->step;
  MopedElement *protocol = moped_element_get_parent (flow);
  MopedElement *command = moped_element_get_ref (step, MOPED_PROP_COMMAND);
  MopedElement *owner;
  MopedElement *sender;
  g_autofree char *what = NULL;

  if (command == NULL)
    return;  /* reported as missing-reference */
  g_hash_table_add (v->used_commands, command);
  owner = moped_element_get_parent (command);
  what = describe_hop (hop);
  if (owner != protocol)
    {
      g_autofree char *hint = g_strdup_printf ("Define %s in protocol %s, or move the flow "
                                               "to protocol %s.", name_or_id (command),
                                               name_or_id (protocol), name_or_id (owner));

      report (v, MOPED_SEVERITY_ERROR, "command-from-other-protocol",
              ELEMENTS (step, command, flow), hint,
              "Flow %s uses command %s which protocol %s does not define (at %s; %s "
              "belongs to protocol %s)", name_or_id (flow), name_or_id (command),
              name_or_id (protocol), what, name_or_id (command), name_or_id (owner));
    }
  sender = moped_element_get_ref (command, MOPED_PROP_SENDER);
  if (sender != NULL && from != NULL && !party_plays (v, from, sender))
    {
      g_autofree char *hint = g_strdup_printf ("Send it from role %s or a node that plays it, "
                                               "or change the command's sender.",
                                               name_or_id (sender));
      g_autofree char *who = describe (from);

      report (v, MOPED_SEVERITY_WARNING, "command-sender-mismatch",
              ELEMENTS (step, command, from), hint,
              "Flow %s, %s: %s sends %s, but command %s is sent by role %s, which %s does "
              "not play", name_or_id (flow), what, who, name_or_id (command),
              name_or_id (command), name_or_id (sender), who);
    }
}

static void
report_missing_link (Validation    *v,
                     MopedElement  *flow,
                     const Hop     *hop,
                     MopedElement  *from,
                     MopedElement  *to,
                     MopedHopResult result)
{
  MopedElement *step = hop->step;
  MopedElement *protocol = moped_element_get_parent (flow);
  g_autofree char *what = describe_hop (hop);
  g_autofree char *a = describe (from);
  g_autofree char *b = describe (to);
  gboolean roles = moped_element_get_kind (from) == MOPED_KIND_ROLE ||
                   moped_element_get_kind (to) == MOPED_KIND_ROLE;

  if (result == MOPED_HOP_OTHER_PROTOCOLS)
    report (v, MOPED_SEVERITY_ERROR, "no-link-between-nodes", ELEMENTS (step, from, to),
            "Set the protocol of one of their links to this one (or to none), or draw a "
            "new link for it.",
            "Flow %s, %s: no link connects %s and %s for protocol %s (their links carry "
            "other protocols)", name_or_id (flow), what, a, b, name_or_id (protocol));
  else if (roles)
    report (v, MOPED_SEVERITY_ERROR, "no-link-between-nodes", ELEMENTS (step, from, to),
            "Draw a link carrying the protocol between them, and set the role each end "
            "plays in the inspector if it is not inferred.",
            "Flow %s, %s: no link of protocol %s connects %s and %s with these roles",
            name_or_id (flow), what, name_or_id (protocol), a, b);
  else
    report (v, MOPED_SEVERITY_ERROR, "no-link-between-nodes", ELEMENTS (step, from, to),
            "Draw a link between a socket of each node.",
            "Flow %s, %s: no link connects %s and %s", name_or_id (flow), what, a, b);
}

static gboolean
resolve_leg (Validation   *v,
             MopedElement *flow,
             Hop          *hop,
             MopedElement *from,
             MopedElement *to,
             gboolean      layered)
{
  MopedElement *protocol = moped_element_get_parent (flow);
  GPtrArray *links = candidate_links (v, protocol, from, to, layered);
  gboolean ambiguous = FALSE;
  MopedHop found;
  MopedHopResult result = moped_hop_pick (links, protocol, from, to, layered, &found, &ambiguous);

  if (result != MOPED_HOP_FOUND)
    {
      report_missing_link (v, flow, hop, from, to, result);
      return FALSE;
    }
  hop->sender = found.sender;
  hop->receiver = found.receiver;
  if (ambiguous)
    {
      g_autofree char *what = describe_hop (hop);
      g_autofree char *s = describe (found.sender);
      g_autofree char *r = describe (found.receiver);

      report (v, MOPED_SEVERITY_WARNING, "ambiguous-step-socket",
              ELEMENTS (hop->step, found.sender, found.receiver), 
              "Name the socket instead of the node in the step (From/To).",
              "Flow %s, %s: more than one pair of sockets could carry it; %s → %s is taken",
              name_or_id (flow), what, s, r);
    }
  check_hop_directions (v, flow, hop);
  /* A side naming a role stands for every node kind that plays it: each must be able to
   * take its part (the walk below follows the first). */
  if (moped_element_get_kind (from) == MOPED_KIND_ROLE || moped_element_get_kind (to) == MOPED_KIND_ROLE)
    {
      g_autoptr(GArray) hops = moped_hop_collect (links, protocol, from, to, layered);

      for (guint i = 1; i < hops->len; i++)
        {
          Hop other = *hop;

          other.sender = g_array_index (hops, MopedHop, i).sender;
          other.receiver = g_array_index (hops, MopedHop, i).receiver;
          check_hop_directions (v, flow, &other);
        }
    }
  return TRUE;
}

/* ---- the REQ/REP sequence ---------------------------------------------------------------- */

/* REQ: 1 while it waits for a reply. REP: the requests it has not answered yet; more
 * than one is fine, since REP queues them and answers each in turn. */
typedef struct
{
  guint        pending;
  const Hop   *last;     /* the hop that changed it last */
} SocketState;

typedef struct
{
  Validation   *v;
  MopedElement *flow;
  GHashTable   *states;    /* socket -> SocketState */
  GHashTable   *subscriptions; /* "socket-id\ntopic" -> how many times it is subscribed */
  GHashTable   *reported;  /* "step-id\ncode" already reported */
} Sequence;

static SocketState *
state_of (Sequence     *seq,
          MopedElement *socket)
{
  SocketState *st = g_hash_table_lookup (seq->states, socket);

  if (st == NULL)
    {
      st = g_new0 (SocketState, 1);
      g_hash_table_insert (seq->states, socket, st);
    }
  return st;
}

static void
report_sequence (Sequence     *seq,
                 const char   *code,
                 const Hop    *hop,
                 MopedElement *socket,
                 const Hop    *earlier,
                 gboolean      again,
                 const char   *what_happens,
                 const char   *hint)
{
  g_autofree char *key = g_strconcat (moped_element_get_id (hop->step), "\n", code, NULL);
  g_autofree char *sock = NULL;
  g_autofree char *before = NULL;

  if (!g_hash_table_add (seq->reported, g_steal_pointer (&key)))
    return;
  sock = describe (socket);
  if (earlier != NULL)
    before = g_strdup_printf ("; its previous message was at step %u (%s)", earlier->position,
                              moped_element_get_id (earlier->step));
  report (seq->v, MOPED_SEVERITY_ERROR, code,
          earlier ? ELEMENTS (hop->step, socket, seq->flow, earlier->step)
                  : ELEMENTS (hop->step, socket, seq->flow),
          hint, "Flow %s, step %u (%s)%s: %s is a %s socket and %s%s",
          name_or_id (seq->flow), hop->position, moped_element_get_id (hop->step),
          again ? ", when the repeated steps run again" : "", sock,
          socket_type_name (socket), what_happens, before ? before : "");
}

static char *
sequence_hint (MopedElement *socket,
               MopedElement *peer,
               const char   *rule)
{
  g_autofree char *free_types = describe_peers_of (socket_info (peer)->type, TRUE);

  if (*free_types == '\0')
    return g_strdup_printf ("%s Reorder the steps.", rule);
  return g_strdup_printf ("%s Reorder the steps, or use %s on %s, which has no fixed order.",
                          rule, free_types, name_or_id (moped_element_get_parent (socket)));
}

static void
sequence_send (Sequence  *seq,
               const Hop *hop,
               gboolean   again)
{
  MopedSequence order = socket_info (hop->sender)->sequence;
  SocketState *st;
  g_autofree char *hint = NULL;

  if (order == MOPED_SEQUENCE_FREE)
    return;
  st = state_of (seq, hop->sender);
  if (order == MOPED_SEQUENCE_SEND_FIRST && st->pending)
    {
      hint = sequence_hint (hop->sender, hop->receiver,
                            "A REQ socket must receive the reply before it sends again.");
      report_sequence (seq, "req-send-twice", hop, hop->sender, st->last, again,
                       "sends again before it received a reply", hint);
    }
  else if (order == MOPED_SEQUENCE_RECEIVE_FIRST && st->pending == 0)
    {
      hint = sequence_hint (hop->sender, hop->receiver,
                            "A REP socket can only send the reply to a request it received.");
      report_sequence (seq, "rep-send-before-receive", hop, hop->sender, st->last, again,
                       "sends without a request to answer", hint);
    }
  if (order == MOPED_SEQUENCE_SEND_FIRST)
    st->pending = 1;
  else if (st->pending > 0)
    st->pending--;
  st->last = hop;
}

static void
sequence_receive (Sequence  *seq,
                  const Hop *hop,
                  gboolean   again)
{
  MopedSequence order = socket_info (hop->receiver)->sequence;
  SocketState *st;
  g_autofree char *hint = NULL;

  if (order == MOPED_SEQUENCE_FREE)
    return;
  st = state_of (seq, hop->receiver);
  if (order == MOPED_SEQUENCE_SEND_FIRST && st->pending == 0)
    {
      hint = sequence_hint (hop->receiver, hop->sender,
                            "A REQ socket only accepts the reply to a request it sent; "
                            "anything else is dropped.");
      report_sequence (seq, "req-receive-before-send", hop, hop->receiver, st->last, again,
                       "receives without having sent a request", hint);
    }
  if (order == MOPED_SEQUENCE_SEND_FIRST)
    st->pending = 0;
  else
    st->pending++;
  st->last = hop;
}

/* How many times @socket is subscribed to @topic before the flow starts: what its
 * subscriptions property lists (the exported code subscribes to everything, "", when
 * the list is empty). */
static guint
initial_subscriptions (MopedElement *socket,
                       const char   *topic)
{
  const char *list = moped_element_get_string (socket, MOPED_PROP_SUBSCRIBE);
  g_auto(GStrv) items = NULL;
  guint count = 0;

  if (is_blank (list))
    return *topic == '\0';
  items = g_strsplit (list, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    count += *items[i] != '\0' && strcmp (items[i], topic) == 0;
  return count;
}

/* libzmq counts a socket's subscriptions per topic and sends an unsubscription upstream
 * only when the count drops to zero; any other unsubscription never leaves the socket. */
static void
sequence_subscription (Sequence  *seq,
                       const Hop *hop,
                       gboolean   again)
{
  const char *topic = moped_element_get_string (hop->step, MOPED_PROP_TOPIC);
  g_autofree char *key = NULL;
  gpointer value;
  guint count;

  topic = topic ? topic : "";
  key = g_strconcat (moped_element_get_id (hop->sender), "\n", topic, NULL);
  count = g_hash_table_lookup_extended (seq->subscriptions, key, NULL, &value)
          ? GPOINTER_TO_UINT (value) : initial_subscriptions (hop->sender, topic);
  if (moped_step_get_block (hop->step) == MOPED_BLOCK_SUBSCRIBE)
    count++;
  else
    {
      if (count != 1)
        {
          g_autofree char *what = g_strdup_printf ("unsubscribes from “%s” while %s", topic,
                                                   count == 0 ? "it is not subscribed to it"
                                                              : "another of its subscriptions to it is still open");
          report_sequence (seq, "unsubscribe-not-sent", hop, hop->sender, NULL, again, what,
                           count == 0 ? "Subscribe to the topic in an earlier step, or remove the step."
                                      : "Unsubscribe as many times as it subscribed: libzmq sends the "
                                        "unsubscription upstream only when the last one ends.");
        }
      count = count > 0 ? count - 1 : 0;
    }
  g_hash_table_insert (seq->subscriptions, g_steal_pointer (&key), GUINT_TO_POINTER (count));
}

static void
sequence_hop (Sequence  *seq,
              const Hop *hop,
              gboolean   again)
{
  if (hop->sender == NULL)
    return;
  if (moped_step_is_subscription (hop->step))
    {
      sequence_subscription (seq, hop, again);
      return;
    }
  sequence_send (seq, hop, again);
  sequence_receive (seq, hop, again);
}

/* ---- paths through a flow --------------------------------------------------------------- */

/* A flow's paths for the REQ/REP check: every optional part taken and skipped, every
 * loop and run of repeating steps played twice (and skipped where it may happen zero
 * times), each branch of a choice on a path of its own (at most MAX_PATHS, the path with
 * every optional part taken first; past that the first ones are checked). */
#define MAX_PATHS 64

typedef struct
{
  MopedElement *step;
  gboolean      again;   /* on the second play of a loop */
} PathStep;

static GPtrArray *
paths_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
}

static GPtrArray *
paths_single (void)
{
  GPtrArray *paths = paths_new ();

  g_ptr_array_add (paths, g_array_new (FALSE, FALSE, sizeof (PathStep)));
  return paths;
}

/* Every path of @a followed by every path of @b (@again marks @b's steps). */
static GPtrArray *
paths_concat (GPtrArray *a,
              GPtrArray *b,
              gboolean   again)
{
  GPtrArray *out = paths_new ();

  for (guint i = 0; i < a->len; i++)
    for (guint j = 0; j < b->len && out->len < MAX_PATHS; j++)
      {
        GArray *pa = g_ptr_array_index (a, i);
        GArray *pb = g_ptr_array_index (b, j);
        GArray *path = g_array_sized_new (FALSE, FALSE, sizeof (PathStep), pa->len + pb->len);

        g_array_append_vals (path, pa->data, pa->len);
        for (guint k = 0; k < pb->len; k++)
          {
            PathStep ps = g_array_index (pb, PathStep, k);

            ps.again |= again;
            g_array_append_val (path, ps);
          }
        g_ptr_array_add (out, path);
      }
  return out;
}

static gboolean
is_repeating_message (MopedElement *step)
{
  return moped_step_get_block (step) == MOPED_BLOCK_MESSAGE &&
         moped_element_get_bool (step, MOPED_PROP_REPEAT);
}

static GPtrArray *expand_step (MopedElement *step);

/* @paths (taken) with the empty path added after them: a part that may be skipped. */
static GPtrArray *
paths_or_skip (GPtrArray *paths)
{
  if (paths->len < MAX_PATHS)
    g_ptr_array_add (paths, g_array_new (FALSE, FALSE, sizeof (PathStep)));
  return paths;
}

static GPtrArray *
expand_children (MopedElement *parent)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);
  GPtrArray *paths = paths_single ();
  guint i = 0;

  while (i < steps->len)
    {
      MopedElement *step = g_ptr_array_index (steps, i);
      GPtrArray *part;
      GPtrArray *joined;

      if (is_repeating_message (step))
        {
          g_autoptr(GPtrArray) once = paths_single ();

          /* Each step of the run as expand_step has it (an optional one also skipped). */
          for (; i < steps->len && is_repeating_message (g_ptr_array_index (steps, i)); i++)
            {
              g_autoptr(GPtrArray) one = expand_step (g_ptr_array_index (steps, i));
              GPtrArray *longer = paths_concat (once, one, FALSE);

              g_ptr_array_unref (once);
              once = longer;
            }
          part = paths_concat (once, once, TRUE);
        }
      else
        {
          part = expand_step (step);
          i++;
        }
      joined = paths_concat (paths, part, FALSE);
      g_ptr_array_unref (paths);
      g_ptr_array_unref (part);
      paths = joined;
    }
  return paths;
}

static GPtrArray *
expand_step (MopedElement *step)
{
  GPtrArray *paths;

  switch (moped_step_get_block (step))
    {
    case MOPED_BLOCK_MESSAGE:
    case MOPED_BLOCK_SUBSCRIBE:
    case MOPED_BLOCK_UNSUBSCRIBE:
      {
        PathStep ps = { step, FALSE };

        paths = paths_single ();
        g_array_append_val (g_ptr_array_index (paths, 0), ps);
        return moped_element_get_bool (step, MOPED_PROP_OPTIONAL) ? paths_or_skip (paths) : paths;
      }
    case MOPED_BLOCK_CHOICE:
      {
        g_autoptr(GPtrArray) branches = moped_element_get_children_of_kind (step, MOPED_KIND_STEP);

        paths = paths_new ();
        for (guint i = 0; i < branches->len; i++)
          {
            g_autoptr(GPtrArray) part = expand_step (g_ptr_array_index (branches, i));

            for (guint j = 0; j < part->len && paths->len < MAX_PATHS; j++)
              g_ptr_array_add (paths, g_array_ref (g_ptr_array_index (part, j)));
          }
        if (paths->len == 0)
          g_ptr_array_add (paths, g_array_new (FALSE, FALSE, sizeof (PathStep)));
        return paths;
      }
    case MOPED_BLOCK_LOOP:
      {
        g_autoptr(GPtrArray) body = expand_children (step);

        paths = paths_concat (body, body, TRUE);
        return moped_element_get_bool (step, MOPED_PROP_OPTIONAL) ? paths_or_skip (paths) : paths;
      }
    case MOPED_BLOCK_OPTIONAL:
      return paths_or_skip (expand_children (step));
    case MOPED_BLOCK_BRANCH:
    case MOPED_N_BLOCKS:
    default:
      return expand_children (step);
    }
}

/* Plays each path of the flow, checking every REQ and REP socket's strict order. */
static void
check_sequence (Validation   *v,
                MopedElement *flow,
                const GArray *hops,
                GHashTable   *hops_of_step)
{
  g_autoptr(GPtrArray) paths = expand_children (flow);
  Sequence seq = { v, flow, NULL, NULL, NULL };

  seq.reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint p = 0; p < paths->len; p++)
    {
      GArray *path = g_ptr_array_index (paths, p);

      seq.states = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      seq.subscriptions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < path->len; i++)
        {
          const PathStep *ps = &g_array_index (path, PathStep, i);
          guint packed = GPOINTER_TO_UINT (g_hash_table_lookup (hops_of_step, ps->step));

          /* (first hop + 1) << 1 | second leg */
          if (packed == 0)
            continue;
          for (guint h = (packed >> 1) - 1; h <= (packed >> 1) - 1 + (packed & 1); h++)
            sequence_hop (&seq, &g_array_index (hops, Hop, h), ps->again);
        }
      g_hash_table_destroy (seq.states);
      g_hash_table_destroy (seq.subscriptions);
    }
  g_hash_table_destroy (seq.reported);
}

/* Whether a step's message can reach the node the step names: a socket that picks
 * its peer (round-robin) cannot be told which; a REQ takes its reply only from the
 * peer it picked; a ROUTER addresses a peer by a routing id it must know, either
 * because the peer sent to it before or because the peer's id is fixed (the exported
 * code names every socket after its node, which is one id only for one instance).
 * Flows are scenarios of one protocol, so a peer that opens some flow by sending to
 * the ROUTER (a READY in its own flow) is known in the others (find_introductions). */
static void
check_hop_delivery (Validation   *v,
                    MopedElement *flow,
                    const Hop    *hop)
{
  MopedElement *to = moped_element_get_parent (hop->receiver);
  MopedElement *from = moped_element_get_parent (hop->sender);
  const MopedSocketTypeInfo *sender = socket_info (hop->sender);
  const MopedSocketTypeInfo *receiver = socket_info (hop->receiver);
  g_autofree char *step = describe_hop (hop);
  g_autofree char *sock = NULL;
  g_autofree char *names = NULL;
  g_autofree char *key = NULL;

  /* Several peer nodes, or one node's sockets of which some speak another protocol. */
  if (moped_socket_type_get_outgoing (sender->type) == MOPED_OUTGOING_ROUND_ROBIN &&
      (peer_nodes (v, hop->sender)->len > 1 ||
       (g_hash_table_lookup (v->links_of_socket, hop->sender) != NULL &&
        ((GPtrArray *) g_hash_table_lookup (v->links_of_socket, hop->sender))->len > 1 &&
        has_peer_of_other_protocol (v, hop->sender, moped_element_get_parent (flow)))))
    {
      sock = describe (hop->sender);
      names = peer_nodes (v, hop->sender)->len > 1
        ? join_names (peer_nodes (v, hop->sender))
        : g_strdup_printf ("sockets of %s that speak other protocols", name_or_id (to));
      report (v, MOPED_SEVERITY_ERROR, "round-robin-receiver", ELEMENTS (hop->step, hop->sender, to),
              "Give the sender one socket per receiver, or send through a ROUTER, which "
              "addresses each peer by its routing id.",
              "Flow %s, %s: %s is a %s socket linked to %s; it sends each message to "
              "whichever peer it picks in turn, so it cannot send this step to %s only",
              name_or_id (flow), step, sock, sender->name, names, name_or_id (to));
    }
  else if (receiver->sequence == MOPED_SEQUENCE_SEND_FIRST && peer_nodes (v, hop->receiver)->len > 1)
    {
      sock = describe (hop->receiver);
      names = join_names (peer_nodes (v, hop->receiver));
      report (v, MOPED_SEVERITY_ERROR, "req-reply-from-other", ELEMENTS (hop->step, hop->receiver, from),
              "Give the client one REQ socket per server, or use a DEALER, which takes "
              "messages from any of its peers.",
              "Flow %s, %s: %s is a %s socket linked to %s; its request went to whichever "
              "peer it picked, and it takes the reply only from that one, so it cannot "
              "expect the reply from %s", name_or_id (flow), step, sock, receiver->name,
              names, name_or_id (from));
    }

  key = g_strconcat (moped_element_get_id (hop->sender), "\n", moped_element_get_id (to), NULL);
  if (moped_socket_type_get_outgoing (sender->type) == MOPED_OUTGOING_ROUTED &&
      !g_hash_table_contains (v->introduced, key) &&
      (instances_of (to) > 1 || sender->raw))
    {
      sock = describe (hop->sender);
      report (v, MOPED_SEVERITY_ERROR, "router-unknown-peer", ELEMENTS (hop->step, hop->sender, to),
              "Let the peer send first (a READY or HELLO step), so the ROUTER learns its "
              "routing id, or run a single instance of it.",
              "Flow %s, %s: %s is a %s socket and must address %s by routing id, but %s "
              "has not sent to it before and %s",
              name_or_id (flow), step, sock, sender->name, name_or_id (to), name_or_id (to),
              sender->raw
                ? "a raw TCP peer has no id until it connects"
                : "it runs several instances, so its id does not say which one");
    }
}

static void
find_introductions (Validation *v)
{
  GPtrArray *flows = v->by_kind[MOPED_KIND_FLOW];

  for (guint f = 0; f < flows->len; f++)
    {
      MopedElement *flow = g_ptr_array_index (flows, f);
      MopedElement *protocol = moped_element_get_parent (flow);
      g_autoptr(GPtrArray) steps = g_ptr_array_new ();
      g_autoptr(GHashTable) addressed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      moped_step_collect_leaves (flow, TRUE, steps);
      for (guint i = 0; i < steps->len; i++)
        {
          MopedElement *step = g_ptr_array_index (steps, i);
          MopedElement *from = moped_element_get_ref (step, MOPED_PROP_FROM);
          MopedElement *to = moped_element_get_ref (step, MOPED_PROP_TO);
          MopedHop hop;
          char *key;

          if (from == NULL || to == NULL || moped_element_get_ref (step, MOPED_PROP_VIA) != NULL ||
              moped_hop_pick (candidate_links (v, protocol, from, to, FALSE), protocol, from, to,
                              FALSE, &hop, NULL) != MOPED_HOP_FOUND)
            continue;
          /* Keys name nodes: a step may name a role or a socket for them. */
          if (moped_socket_type_get_outgoing (socket_info (hop.sender)->type) == MOPED_OUTGOING_ROUTED)
            g_hash_table_add (addressed, g_strconcat (moped_element_get_id (hop.sender), "\n",
                                                      moped_element_get_id (moped_element_get_parent (hop.receiver)),
                                                      NULL));
          key = g_strconcat (moped_element_get_id (hop.receiver), "\n",
                             moped_element_get_id (moped_element_get_parent (hop.sender)), NULL);
          if (moped_element_get_bool (step, MOPED_PROP_OPTIONAL) || g_hash_table_contains (addressed, key))
            g_free (key);
          else
            g_hash_table_add (v->introduced, key);
        }
    }
}

/* ---- choices ------------------------------------------------------------------------------ */

/* What @role may do first in a part of a flow: the messages it sends or receives first,
 * and whether it may get through the part doing nothing. */
typedef struct
{
  GPtrArray *steps;   /* message steps, first events of the role */
  gboolean   empty;
} First;

static void first_of_step (MopedElement *step,
                           MopedElement *role,
                           First        *first);

static void
first_of_children (MopedElement *parent,
                   MopedElement *role,
                   First        *first)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);

  first->empty = TRUE;
  for (guint i = 0; i < steps->len && first->empty; i++)
    first_of_step (g_ptr_array_index (steps, i), role, first);
}

/* Adds the first events of @step to @first; leaves first->empty TRUE when @role may
 * pass @step without an event. */
static void
first_of_step (MopedElement *step,
               MopedElement *role,
               First        *first)
{
  switch (moped_step_get_block (step))
    {
    case MOPED_BLOCK_MESSAGE:
      if (moped_step_get_role (step, MOPED_PROP_FROM) == role || moped_step_get_role (step, MOPED_PROP_TO) == role)
        {
          g_ptr_array_add (first->steps, step);
          first->empty = moped_element_get_bool (step, MOPED_PROP_OPTIONAL);
        }
      break;
    case MOPED_BLOCK_CHOICE:
      {
        g_autoptr(GPtrArray) branches = moped_element_get_children_of_kind (step, MOPED_KIND_STEP);
        gboolean any_empty = branches->len == 0;

        for (guint i = 0; i < branches->len; i++)
          {
            First f = { first->steps, TRUE };

            first_of_step (g_ptr_array_index (branches, i), role, &f);
            any_empty |= f.empty;
          }
        first->empty = any_empty;
      }
      break;
    case MOPED_BLOCK_LOOP:
    case MOPED_BLOCK_OPTIONAL:
    case MOPED_BLOCK_BRANCH:
    case MOPED_N_BLOCKS:
    default:
      {
        First f = { first->steps, TRUE };

        first_of_children (step, role, &f);
        first->empty = f.empty || moped_step_get_block (step) == MOPED_BLOCK_OPTIONAL ||
                       (moped_step_get_block (step) == MOPED_BLOCK_LOOP &&
                        moped_element_get_bool (step, MOPED_PROP_OPTIONAL));
      }
      break;
    }
}

static gboolean
sends (MopedElement *step,
       MopedElement *role)
{
  return moped_step_get_role (step, MOPED_PROP_FROM) == role;
}

/* The role that picks the branch: the one named, else the sender of the first message. */
static MopedElement *
chooser_of (MopedElement *choice)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new ();

  if (moped_element_get_ref (choice, MOPED_PROP_FROM) != NULL)
    return moped_step_get_role (choice, MOPED_PROP_FROM);
  moped_step_collect_leaves (choice, TRUE, messages);
  return messages->len > 0 ? moped_step_get_role (g_ptr_array_index (messages, 0), MOPED_PROP_FROM) : NULL;
}

static void
report_choice (Validation   *v,
               MopedElement *flow,
               MopedElement *choice,
               MopedElement *role,
               MopedElement *a,
               MopedElement *b,
               const char   *why)
{
  g_autofree char *where = describe (choice);

  report (v, MOPED_SEVERITY_ERROR, "choice-indistinguishable",
          b ? ELEMENTS (choice, role, a, b) : ELEMENTS (choice, role, a),
          "Start each branch with a message of its own to that role (a different command), "
          "or leave the role out of every branch.",
          "Flow %s, choice %s: role %s cannot tell which branch was taken: %s",
          name_or_id (flow), where, name_or_id (role), why);
}

/* Every role but the chooser learns the branch from its first message in it. */
static void
check_choice (Validation   *v,
              MopedElement *flow,
              MopedElement *choice)
{
  MopedElement *protocol = moped_element_get_ancestor (flow, MOPED_KIND_PROTOCOL);
  g_autoptr(GPtrArray) roles = moped_element_get_children_of_kind (protocol, MOPED_KIND_ROLE);
  g_autoptr(GPtrArray) branches = moped_element_get_children_of_kind (choice, MOPED_KIND_STEP);
  MopedElement *chooser = chooser_of (choice);

  for (guint r = 0; r < roles->len; r++)
    {
      MopedElement *role = g_ptr_array_index (roles, r);
      g_autoptr(GPtrArray) firsts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
      g_autoptr(GArray) empties = g_array_new (FALSE, FALSE, sizeof (gboolean));
      gboolean involved = FALSE;

      for (guint i = 0; i < branches->len; i++)
        {
          First f = { g_ptr_array_new (), TRUE };

          first_of_step (g_ptr_array_index (branches, i), role, &f);
          involved |= f.steps->len > 0;
          g_ptr_array_add (firsts, f.steps);
          g_array_append_val (empties, f.empty);
        }
      if (!involved)
        continue;
      for (guint i = 0; i < branches->len; i++)
        {
          GPtrArray *fi = g_ptr_array_index (firsts, i);
          MopedElement *bi = g_ptr_array_index (branches, i);

          if (role == chooser)
            {
              /* The chooser starts each branch by sending; a branch it cannot start is never taken. */
              for (guint k = 0; k < fi->len; k++)
                if (!sends (g_ptr_array_index (fi, k), role))
                  {
                    g_autofree char *where = describe (bi);

                    report (v, MOPED_SEVERITY_WARNING, "unreachable-step",
                            ELEMENTS (g_ptr_array_index (fi, k), choice, role),
                            "Start the branch with a message the choosing role sends, or name "
                            "another role as the one who chooses (From of the choice).",
                            "Flow %s: %s begins with a message role %s receives, but %s "
                            "chooses the branch, so no execution takes it",
                            name_or_id (flow), where, name_or_id (role), name_or_id (role));
                    break;
                  }
              continue;
            }
          if (g_array_index (empties, gboolean, i) && fi->len == 0)
            {
              g_autofree char *why = g_strdup_printf ("it takes no part in %s but does in others",
                                                      moped_element_get_id (bi));

              report_choice (v, flow, choice, role, bi, NULL, why);
              break;
            }
          for (guint k = 0; k < fi->len; k++)
            {
              MopedElement *m = g_ptr_array_index (fi, k);

              if (sends (m, role))
                {
                  g_autofree char *why = g_strdup_printf ("in %s it sends %s before it has "
                                                          "received anything of that branch",
                                                          moped_element_get_id (bi),
                                                          name_or_id (moped_element_get_ref (m, MOPED_PROP_COMMAND)));

                  report_choice (v, flow, choice, role, bi, NULL, why);
                  goto next_role;
                }
              for (guint j = 0; j < i; j++)
                {
                  GPtrArray *fj = g_ptr_array_index (firsts, j);

                  for (guint q = 0; q < fj->len; q++)
                    if (moped_element_get_ref (g_ptr_array_index (fj, q), MOPED_PROP_COMMAND) ==
                        moped_element_get_ref (m, MOPED_PROP_COMMAND))
                      {
                        g_autofree char *why = g_strdup_printf ("%s and %s both begin with %s",
                                                                moped_element_get_id (g_ptr_array_index (branches, j)),
                                                                moped_element_get_id (bi),
                                                                name_or_id (moped_element_get_ref (m, MOPED_PROP_COMMAND)));

                        report_choice (v, flow, choice, role, g_ptr_array_index (branches, j), bi, why);
                        goto next_role;
                      }
                }
            }
        }
    next_role:
      ;
    }
}

static void
check_choices (Validation   *v,
               MopedElement *flow,
               MopedElement *parent)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);

  for (guint i = 0; i < steps->len; i++)
    {
      MopedElement *step = g_ptr_array_index (steps, i);

      if (moped_step_get_block (step) == MOPED_BLOCK_CHOICE)
        check_choice (v, flow, step);
      if (moped_step_get_block (step) != MOPED_BLOCK_MESSAGE)
        check_choices (v, flow, step);
    }
}

static void
check_flow (Validation   *v,
            MopedElement *flow)
{
  MopedElement *protocol = moped_element_get_parent (flow);
  g_autoptr(GPtrArray) steps = g_ptr_array_new ();
  g_autoptr(GArray) hops = NULL;
  g_autoptr(GHashTable) hops_of_step = g_hash_table_new (NULL, NULL);

  moped_step_collect_leaves (flow, FALSE, steps);
  hops = g_array_sized_new (FALSE, TRUE, sizeof (Hop), steps->len);
  if (steps->len == 0)
    {
      report (v, MOPED_SEVERITY_WARNING, "empty-flow", ELEMENTS (flow),
              "Add the steps of the conversation, or remove the flow.",
              "Flow %s of protocol %s has no steps", name_or_id (flow), name_or_id (protocol));
      return;
    }
  for (guint i = 0; i < steps->len; i++)
    {
      Hop hop = { g_ptr_array_index (steps, i), i + 1, NULL, NULL };
      MopedElement *from = moped_element_get_ref (hop.step, MOPED_PROP_FROM);
      MopedElement *to = moped_element_get_ref (hop.step, MOPED_PROP_TO);
      MopedElement *via = moped_element_get_ref (hop.step, MOPED_PROP_VIA);

      if (!moped_step_is_subscription (hop.step))
        check_step_command (v, flow, &hop, from);
      check_step_roles (v, flow, &hop);
      if (from == NULL || to == NULL)
        continue;
      g_hash_table_insert (hops_of_step, hop.step, GUINT_TO_POINTER ((hops->len + 1) << 1 | (via != NULL)));
      if (via == NULL)
        {
          if (resolve_leg (v, flow, &hop, from, to, FALSE) && !moped_step_is_subscription (hop.step))
            check_hop_delivery (v, flow, &hop);
          g_array_append_val (hops, hop);
          continue;
        }
      /* A relayed message: to the relay, which passes it on; either leg may ride
       * inside another protocol. */
      resolve_leg (v, flow, &hop, from, via, TRUE);
      g_array_append_val (hops, hop);
      hop.sender = hop.receiver = NULL;
      resolve_leg (v, flow, &hop, via, to, TRUE);
      g_array_append_val (hops, hop);
    }
  check_sequence (v, flow, hops, hops_of_step);
  check_choices (v, flow, flow);
}

static void
report_foreign_role (Validation   *v,
                     MopedElement *where,
                     MopedElement *role,
                     MopedElement *protocol,
                     const char   *what)
{
  MopedElement *owner = moped_element_get_parent (role);

  if (protocol == NULL)
    report (v, MOPED_SEVERITY_ERROR, "role-of-other-protocol", ELEMENTS (where, role),
            "Set the link's protocol first, or clear the role.",
            "%s plays role %s of protocol %s, but the link carries no protocol", what,
            name_or_id (role), name_or_id (owner));
  else
    report (v, MOPED_SEVERITY_ERROR, "role-of-other-protocol", ELEMENTS (where, role, protocol),
            "Choose a role of the protocol it belongs to.",
            "%s names role %s of protocol %s, not of protocol %s", what, name_or_id (role),
            name_or_id (owner), name_or_id (protocol));
}

/* Roles a step names belong to the flow's protocol, and some link end plays them. */
static void
check_step_roles (Validation   *v,
                  MopedElement *flow,
                  const Hop    *hop)
{
  MopedElement *protocol = moped_element_get_parent (flow);

  for (guint e = 0; e < 2; e++)
    {
      MopedElement *role = moped_element_get_ref (hop->step, e ? MOPED_PROP_TO : MOPED_PROP_FROM);
      g_autofree char *what = NULL;

      if (role == NULL || moped_element_get_kind (role) != MOPED_KIND_ROLE)
        continue;
      g_hash_table_add (v->used_roles, role);
      what = g_strdup_printf ("Flow %s, step %u (%s)", name_or_id (flow), hop->position,
                              moped_element_get_id (hop->step));
      if (moped_element_get_parent (role) != protocol)
        report_foreign_role (v, hop->step, role, protocol, what);
      else if (!g_hash_table_contains (v->played, role))
        report (v, MOPED_SEVERITY_ERROR, "role-not-played", ELEMENTS (hop->step, role),
                "Give a link this protocol and set one of its ends to play the role "
                "(inspector: “From end plays” / “To end plays”).",
                "%s: no link end plays role %s of protocol %s, so no node can take this "
                "step", what, name_or_id (role), name_or_id (protocol));
    }
}

static void
check_link_roles (Validation   *v,
                  MopedElement *link)
{
  MopedElement *protocol = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);
  g_autoptr(GPtrArray) roles = protocol ? moped_element_get_children_of_kind (protocol, MOPED_KIND_ROLE)
                                        : g_ptr_array_new ();

  for (guint e = 0; e < 2; e++)
    {
      MopedProp end = e ? MOPED_PROP_TO : MOPED_PROP_FROM;
      MopedElement *set = moped_element_get_ref (link, e ? MOPED_PROP_TO_ROLE : MOPED_PROP_FROM_ROLE);
      MopedElement *socket = moped_element_get_ref (link, end);
      g_autofree char *what = NULL;
      g_autofree char *where = NULL;

      if (socket == NULL)
        continue;
      where = describe (link);
      what = g_strdup_printf ("The %s end (%s) of link %s", e ? "to" : "from",
                              name_or_id (moped_element_get_parent (socket)), where);
      if (set != NULL && moped_element_get_parent (set) != protocol)
        report_foreign_role (v, link, set, protocol, what);
      else if (set == NULL && roles->len >= 2 && moped_link_get_role (link, end) == NULL)
        report (v, MOPED_SEVERITY_WARNING, "link-role-unknown", ELEMENTS (link, socket, protocol),
                "Choose the role in the inspector (“From end plays” / “To end plays”).",
                "%s plays no role of protocol %s that Moped can tell: several fit", what,
                name_or_id (protocol));
    }
}

static void
check_roles (Validation *v)
{
  GPtrArray *links = v->by_kind[MOPED_KIND_LINK];
  GPtrArray *roles = v->by_kind[MOPED_KIND_ROLE];

  for (guint i = 0; i < links->len; i++)
    check_link_roles (v, g_ptr_array_index (links, i));
  for (guint i = 0; i < roles->len; i++)
    {
      MopedElement *role = g_ptr_array_index (roles, i);

      if (!g_hash_table_contains (v->played, role) && !g_hash_table_contains (v->used_roles, role) &&
          g_hash_table_contains (v->links_of_protocol, moped_element_get_parent (role)))
        report (v, MOPED_SEVERITY_WARNING, "unused-role", ELEMENTS (role),
                "Set an end of a link carrying the protocol to play it, or remove the role.",
                "Role %s of protocol %s is played by no end of the links that carry it", name_or_id (role),
                name_or_id (moped_element_get_parent (role)));
    }
}

static void
check_protocols (Validation *v)
{
  GPtrArray *protocols = v->by_kind[MOPED_KIND_PROTOCOL];
  GPtrArray *flows = v->by_kind[MOPED_KIND_FLOW];
  GPtrArray *commands = v->by_kind[MOPED_KIND_COMMAND];

  for (guint i = 0; i < protocols->len; i++)
    {
      MopedElement *protocol = g_ptr_array_index (protocols, i);
      g_autoptr(GPtrArray) own = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);

      if (own->len == 0)
        report (v, MOPED_SEVERITY_WARNING, "empty-protocol", ELEMENTS (protocol),
                "Add the commands its peers exchange, or remove the protocol.",
                "Protocol %s has no commands", name_or_id (protocol));
    }
  find_introductions (v);
  for (guint i = 0; i < flows->len; i++)
    check_flow (v, g_ptr_array_index (flows, i));
  check_roles (v);
  for (guint i = 0; i < commands->len; i++)
    {
      MopedElement *command = g_ptr_array_index (commands, i);

      if (!g_hash_table_contains (v->used_commands, command))
        report (v, MOPED_SEVERITY_WARNING, "unused-command", ELEMENTS (command),
                "Add a step that sends it to a flow, or remove the command.",
                "Command %s of protocol %s is not used by any flow", name_or_id (command),
                name_or_id (moped_element_get_parent (command)));
    }
}

/* ---- framing (moped-framing.h) -------------------------------------------------------- */

/* What a protocol's own framing attributes say must hold together. */
static void
check_protocol_framing (Validation   *v,
                        MopedElement *protocol)
{
  g_autoptr(MopedFraming) framing = moped_framing_new (protocol);
  g_autoptr(GPtrArray) commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);
  g_autoptr(GPtrArray) roles = moped_element_get_children_of_kind (protocol, MOPED_KIND_ROLE);
  g_autoptr(GHashTable) numbers = g_hash_table_new (NULL, NULL);
  g_autoptr(GBytes) header = NULL;
  g_autofree char *why = NULL;
  gint64 signature = moped_element_get_int (protocol, MOPED_PROP_SIGNATURE);
  gboolean numbered = framing->encoding == MOPED_ENCODING_PACKED ||
                      framing->command_id == MOPED_COMMAND_ID_BYTE ||
                      framing->command_id == MOPED_COMMAND_ID_WORD;
  guint max = framing->encoding == MOPED_ENCODING_PACKED ? G_MAXUINT8 : moped_command_id_max (framing->command_id);

  if (!moped_framing_parse_header (protocol, &header, &why))
    report (v, MOPED_SEVERITY_ERROR, "header-invalid", ELEMENTS (protocol),
            "Write the header as pairs of hexadecimal digits (\"4d 44\"), or make its type text.",
            "The header frame of protocol %s is not valid bytes: %s", name_or_id (protocol), why);
  if (signature < 0 || signature > (gint64) MOPED_PACKED_SIGNATURE_MAX)
    report (v, MOPED_SEVERITY_ERROR, "signature-invalid", ELEMENTS (protocol),
            "Give a signature from 0 to 15: packed frames start with 0xAAA0 plus it, as zproto's do.",
            "Protocol %s has signature %" G_GINT64_FORMAT ", which a packed frame cannot carry",
            name_or_id (protocol), signature);
  else if (signature != 0 && framing->encoding != MOPED_ENCODING_PACKED)
    report (v, MOPED_SEVERITY_ERROR, "signature-invalid", ELEMENTS (protocol),
            "Make the encoding packed, or remove the signature (a header frame marks multipart messages).",
            "Protocol %s has signature %" G_GINT64_FORMAT " but its encoding is %s, which sends no signature",
            name_or_id (protocol), signature, moped_encoding_names[framing->encoding]);
  if (framing->encoding == MOPED_ENCODING_PACKED && framing->command_id != MOPED_COMMAND_ID_BYTE)
    report (v, MOPED_SEVERITY_ERROR, "packed-command-id", ELEMENTS (protocol),
            "Set command-id=\"byte\": a packed frame carries its command as one byte, as zproto's codec does.",
            "Protocol %s is packed but identifies its commands as %s", name_or_id (protocol),
            moped_command_id_names[framing->command_id]);

  for (guint i = 0; numbered && i < commands->len; i++)
    {
      MopedElement *command = g_ptr_array_index (commands, i);
      guint number = moped_command_get_wire_id (command);
      MopedElement *other = g_hash_table_lookup (numbers, GUINT_TO_POINTER (number));

      if (number > max || number == 0)
        report (v, MOPED_SEVERITY_ERROR, "command-number-invalid", ELEMENTS (command, protocol),
                "Give the command a number from 1 to the largest its identifier holds (255 in a byte).",
                "Command %s of protocol %s has number %u, which does not fit %s", name_or_id (command),
                name_or_id (protocol), number,
                framing->encoding == MOPED_ENCODING_PACKED || framing->command_id == MOPED_COMMAND_ID_BYTE
                ? "one byte" : "two bytes");
      else if (other != NULL)
        report (v, MOPED_SEVERITY_ERROR, "command-number-duplicate", ELEMENTS (command, other),
                "Give each command of the protocol its own number.",
                "Commands %s and %s of protocol %s both travel as number %u", name_or_id (other),
                name_or_id (command), name_or_id (protocol), number);
      else
        g_hash_table_insert (numbers, GUINT_TO_POINTER (number), command);
    }

  /* A msg field takes every frame left, so nothing can come after it. */
  for (guint i = 0; i < commands->len; i++)
    {
      MopedElement *command = g_ptr_array_index (commands, i);
      g_autoptr(GPtrArray) fields = moped_element_get_children_of_kind (command, MOPED_KIND_FIELD);

      for (guint f = 0; f + 1 < fields->len; f++)
        {
          MopedElement *field = g_ptr_array_index (fields, f);

          if (moped_element_get_enum (field, MOPED_PROP_TYPE) != MOPED_FIELD_MSG)
            continue;
          report (v, MOPED_SEVERITY_ERROR, "msg-field-not-last",
                  ELEMENTS (field, g_ptr_array_index (fields, f + 1), command),
                  "Move the msg field to the end of the command, or make it a frame field (exactly one frame).",
                  "Field %s of command %s (protocol %s) is of type msg, the rest of the message, but "
                  "field %s comes after it", name_or_id (field), name_or_id (command),
                  name_or_id (protocol), name_or_id (g_ptr_array_index (fields, f + 1)));
          break;
        }
    }

  /* Without an identifier, a receiver knows a command only by being able to receive no other. */
  if (framing->command_id == MOPED_COMMAND_ID_NONE && framing->encoding == MOPED_ENCODING_MULTIPART &&
      commands->len > 1)
    {
      gboolean clash = roles->len == 0;

      for (guint r = 0; r < roles->len && !clash; r++)
        {
          guint received = 0;

          for (guint i = 0; i < commands->len; i++)
            if (moped_element_get_ref (g_ptr_array_index (commands, i), MOPED_PROP_SENDER) !=
                g_ptr_array_index (roles, r))
              received++;
          clash = received > 1;
        }
      if (clash)
        report (v, MOPED_SEVERITY_ERROR, "command-id-missing", ELEMENTS (protocol),
                "Identify commands by name or number, or let each role receive one command only.",
                "Protocol %s sends no command identifier, but a role may receive more than one of its "
                "commands and could not tell which arrived", name_or_id (protocol));
    }
}

/* Two protocols arriving on one socket: its codec must tell their messages apart. */
static void
check_socket_framing (Validation   *v,
                      MopedElement *socket)
{
  GPtrArray *links = g_hash_table_lookup (v->links_of_socket, socket);
  const MopedSocketTypeInfo *info = socket_info (socket);
  g_autoptr(GPtrArray) protocols = g_ptr_array_new ();

  if (links == NULL || (!info->can_receive && !info->receives_subscriptions))
    return;
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *protocol = moped_element_get_ref (g_ptr_array_index (links, i), MOPED_PROP_PROTOCOL);

      if (protocol != NULL && !g_ptr_array_find (protocols, protocol, NULL))
        g_ptr_array_add (protocols, protocol);
    }
  for (guint i = 0; i < protocols->len; i++)
    for (guint j = i + 1; j < protocols->len; j++)
      {
        MopedElement *a = g_ptr_array_index (protocols, i);
        MopedElement *b = g_ptr_array_index (protocols, j);
        g_autofree char *where = NULL;

        if (moped_framing_tell_apart (a, b, info->type))
          continue;
        where = describe (socket);
        report (v, MOPED_SEVERITY_ERROR, "framing-indistinguishable", ELEMENTS (socket, a, b),
                "Give the protocols different header frames (or packed signatures, or command names), "
                "or carry them on separate sockets.",
                "Socket %s receives protocols %s and %s, whose framing does not tell their messages apart",
                where, name_or_id (a), name_or_id (b));
      }
}

static void
check_framing (Validation *v)
{
  GPtrArray *protocols = v->by_kind[MOPED_KIND_PROTOCOL];
  GPtrArray *sockets = v->by_kind[MOPED_KIND_SOCKET];

  for (guint i = 0; i < protocols->len; i++)
    check_protocol_framing (v, g_ptr_array_index (protocols, i));
  for (guint i = 0; i < sockets->len; i++)
    check_socket_framing (v, g_ptr_array_index (sockets, i));
}

/* ---- requirements --------------------------------------------------------------------------- */

static void
check_requirements (Validation *v)
{
  GPtrArray *requirements = v->by_kind[MOPED_KIND_REQUIREMENT];

  for (guint i = 0; i < requirements->len; i++)
    {
      MopedElement *req = g_ptr_array_index (requirements, i);
      double value = moped_element_get_double (req, MOPED_PROP_VALUE);
      MopedMetric metric = moped_element_get_enum (req, MOPED_PROP_METRIC);
      g_autofree char *text = moped_element_dup_value_text (req, MOPED_PROP_VALUE);

      /* 0 is the value a new requirement starts with (and a file leaves out): no target
       * given yet, which is a draft, not a mistake; exporters measure nothing for it. */
      if (value == 0)
        continue;
      if (value < 0 || !isfinite (value))
        report (v, MOPED_SEVERITY_WARNING, "requirement-not-positive", ELEMENTS (req),
                "Give the target as a positive number.",
                "Requirement %s has the value %s; a target must be more than 0",
                name_or_id (req), text);
      else if (metric == MOPED_METRIC_RELIABILITY && value > 100)
        report (v, MOPED_SEVERITY_WARNING, "requirement-out-of-range", ELEMENTS (req),
                "Give reliability as a percentage, such as 99.9.",
                "Requirement %s asks for %s %% reliability; a percentage is at most 100",
                name_or_id (req), text);
    }
}

/* ---- entry point ------------------------------------------------------------------------------ */

static void
free_list (gpointer data)
{
  g_ptr_array_unref (data);
}

GPtrArray *
moped_validate (MopedDesign *design)
{
  Validation v = { design };
  GPtrArray *out;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);

  for (guint k = 0; k < MOPED_N_KINDS; k++)
    v.by_kind[k] = g_ptr_array_new ();
  v.order = g_hash_table_new (NULL, NULL);
  v.links_of_socket = g_hash_table_new_full (NULL, NULL, NULL, free_list);
  v.links_of_node = g_hash_table_new_full (NULL, NULL, NULL, free_list);
  v.links_of_protocol = g_hash_table_new_full (NULL, NULL, NULL, free_list);
  v.plays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  v.played = g_hash_table_new (NULL, NULL);
  v.used_commands = g_hash_table_new (NULL, NULL);
  v.used_roles = g_hash_table_new (NULL, NULL);
  v.peer_nodes = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  v.once = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  v.introduced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  v.findings = g_array_new (FALSE, FALSE, sizeof (Finding));

  index_element (&v, moped_design_get_root (design));
  index_links (&v);

  check_all_required (&v);
  check_names (&v);
  check_visible_names (&v);
  check_nodes (&v);
  check_sockets (&v);
  check_links (&v);
  check_protocols (&v);
  check_framing (&v);
  check_requirements (&v);

  g_array_sort (v.findings, compare_findings);
  out = g_ptr_array_new_full (v.findings->len, (GDestroyNotify) moped_diagnostic_free);
  for (guint i = 0; i < v.findings->len; i++)
    g_ptr_array_add (out, g_array_index (v.findings, Finding, i).diagnostic);

  for (guint k = 0; k < MOPED_N_KINDS; k++)
    g_ptr_array_unref (v.by_kind[k]);
  g_hash_table_destroy (v.order);
  g_hash_table_destroy (v.links_of_socket);
  g_hash_table_destroy (v.links_of_node);
  g_hash_table_destroy (v.links_of_protocol);
  g_hash_table_destroy (v.plays);
  g_hash_table_destroy (v.played);
  g_hash_table_destroy (v.used_commands);
  g_hash_table_destroy (v.used_roles);
  g_hash_table_destroy (v.peer_nodes);
  g_hash_table_destroy (v.once);
  g_hash_table_destroy (v.introduced);
  g_array_unref (v.findings);
  return out;
}
