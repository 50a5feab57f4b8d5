/* moped-schema.c: the table of element kinds and their properties (it defines the file format).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * data/moped.rng says the same in RELAX NG; tests/test-model-schema.c checks that
 * the two agree, and that every file Moped writes validates against it.
 */
#define G_LOG_DOMAIN "moped-model"

#include "moped-schema.h"
#include "moped-framing.h"
#include "moped-socket-type.h"

#define KIND_BIT(k) (1u << MOPED_KIND_##k)

/* Filled from the socket-type table on first use: the names live there only. */
static const char *socket_type_names[MOPED_N_SOCKET_TYPES + 1];

static const char * const socket_mode_names[] = { "bind", "connect", NULL };
static const char * const link_end_mode_names[] = { "socket", "bind", "connect", NULL };
static const char * const field_type_names[] = {
  "string", "longstr", "number", "strings", "bytes", "frame", "msg", NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (field_type_names) == MOPED_N_FIELD_TYPES + 1);
static const char * const block_names[] = {
  "message", "choice", "branch", "loop", "optional", "subscribe", "unsubscribe", NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (block_names) == MOPED_N_BLOCKS + 1);
/* A parameter may have any type but none; a result any; none is last so both share values. */
static const char * const api_type_names[] = {
  "string", "longstr", "number", "strings", "bytes", "frame", "bool", "none", NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (api_type_names) == MOPED_N_API_TYPES + 1);
static const char * const param_type_names[] = {
  "string", "longstr", "number", "strings", "bytes", "frame", "bool", NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (param_type_names) == MOPED_API_NONE + 1);
static const char * const metric_names[] = {
  "throughput", "latency", "reliability", "other", NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (metric_names) == MOPED_N_METRICS + 1);

static const char * const prop_names[MOPED_N_PROPS] = {
  [MOPED_PROP_NAME] = "name",
  [MOPED_PROP_SUMMARY] = "summary",
  [MOPED_PROP_GOALS] = "goals",
  [MOPED_PROP_ROLE] = "role",
  [MOPED_PROP_DESCRIPTION] = "description",
  [MOPED_PROP_INSTANCES] = "instances",
  [MOPED_PROP_X] = "x",
  [MOPED_PROP_Y] = "y",
  [MOPED_PROP_WIDTH] = "width",
  [MOPED_PROP_HEIGHT] = "height",
  [MOPED_PROP_PINNED] = "pinned",
  [MOPED_PROP_TYPE] = "type",
  [MOPED_PROP_MODE] = "mode",
  [MOPED_PROP_SUBSCRIBE] = "subscribe",
  [MOPED_PROP_FROM] = "from",
  [MOPED_PROP_TO] = "to",
  [MOPED_PROP_ENDPOINT] = "endpoint",
  [MOPED_PROP_PROTOCOL] = "protocol",
  [MOPED_PROP_LABEL] = "label",
  [MOPED_PROP_VERSION] = "version",
  [MOPED_PROP_SENDER] = "sender",
  [MOPED_PROP_COMMAND] = "command",
  [MOPED_PROP_REPEAT] = "repeat",
  [MOPED_PROP_OPTIONAL] = "optional",
  [MOPED_PROP_METRIC] = "metric",
  [MOPED_PROP_TARGET] = "target",
  [MOPED_PROP_VALUE] = "value",
  [MOPED_PROP_UNIT] = "unit",
  [MOPED_PROP_TEXT] = "text",
  [MOPED_PROP_FROM_ROLE] = "from-role",
  [MOPED_PROP_TO_ROLE] = "to-role",
  [MOPED_PROP_VIA] = "via",
  [MOPED_PROP_BLOCK] = "block",
  [MOPED_PROP_FROM_MODE] = "from-mode",
  [MOPED_PROP_TO_MODE] = "to-mode",
  [MOPED_PROP_PROCESS] = "process",
  [MOPED_PROP_HOST] = "host",
  [MOPED_PROP_RESULT] = "result",
  [MOPED_PROP_ENCODING] = "encoding",
  [MOPED_PROP_HEADER] = "header",
  [MOPED_PROP_HEADER_TYPE] = "header-type",
  [MOPED_PROP_COMMAND_ID] = "command-id",
  [MOPED_PROP_SIGNATURE] = "signature",
  [MOPED_PROP_TOPIC] = "topic",
  [MOPED_PROP_DELIMITER] = "delimiter",
  [MOPED_PROP_ID] = "number",
};

#define STR(p, lbl)        { MOPED_PROP_##p, MOPED_VALUE_STRING, 0, NULL, NULL, 0, lbl }
#define NAME               { MOPED_PROP_NAME, MOPED_VALUE_STRING, MOPED_PROP_FLAG_REQUIRED, NULL, NULL, 0, "Name" }
#define GEO(p, def, lbl)   { MOPED_PROP_##p, MOPED_VALUE_DOUBLE, MOPED_PROP_FLAG_GEOMETRY, def, NULL, 0, lbl }
#define REF(p, fl, k, lbl) { MOPED_PROP_##p, MOPED_VALUE_REF, fl, NULL, NULL, k, lbl }
#define BOOL(p, lbl)       { MOPED_PROP_##p, MOPED_VALUE_BOOL, 0, "false", NULL, 0, lbl }
#define OWNED_REF          (MOPED_PROP_FLAG_REQUIRED | MOPED_PROP_FLAG_OWNING)

static const MopedPropSpec design_props[] = {
  NAME,
  STR (SUMMARY, "Summary"),
  STR (GOALS, "Goals"),
};

static const MopedPropSpec node_props[] = {
  NAME,
  STR (ROLE, "Role"),
  STR (DESCRIPTION, "Description"),
  { MOPED_PROP_INSTANCES, MOPED_VALUE_INT, MOPED_PROP_FLAG_POSITIVE, "1", NULL, 0, "Instances" },
  { MOPED_PROP_PROCESS, MOPED_VALUE_REF, MOPED_PROP_FLAG_FORMAT_2, NULL, NULL, KIND_BIT (PROCESS), "Process" },
  GEO (X, "0", "X"),
  GEO (Y, "0", "Y"),
  GEO (WIDTH, "180", "Width"),
  GEO (HEIGHT, "90", "Height"),
  BOOL (PINNED, "Pinned"),
};

static const MopedPropSpec socket_props[] = {
  NAME,
  { MOPED_PROP_TYPE, MOPED_VALUE_ENUM, MOPED_PROP_FLAG_REQUIRED, NULL, socket_type_names, 0, "Type" },
  { MOPED_PROP_MODE, MOPED_VALUE_ENUM, 0, "connect", socket_mode_names, 0, "Bind or connect" },
  STR (SUBSCRIBE, "Subscriptions"),
  STR (DESCRIPTION, "Description"),
};

static const MopedPropSpec method_props[] = {
  NAME,
  { MOPED_PROP_RESULT, MOPED_VALUE_ENUM, 0, "none", api_type_names, 0, "Returns" },
  STR (DESCRIPTION, "Description"),
};

static const MopedPropSpec param_props[] = {
  NAME,
  { MOPED_PROP_TYPE, MOPED_VALUE_ENUM, 0, "string", param_type_names, 0, "Type" },
  STR (DESCRIPTION, "Description"),
};

static const MopedPropSpec link_props[] = {
  REF (FROM, OWNED_REF, KIND_BIT (SOCKET), "From socket"),
  REF (TO, OWNED_REF, KIND_BIT (SOCKET), "To socket"),
  { MOPED_PROP_FROM_MODE, MOPED_VALUE_ENUM, MOPED_PROP_FLAG_FORMAT_2, "socket", link_end_mode_names, 0, "From end binds or connects" },
  { MOPED_PROP_TO_MODE, MOPED_VALUE_ENUM, MOPED_PROP_FLAG_FORMAT_2, "socket", link_end_mode_names, 0, "To end binds or connects" },
  STR (ENDPOINT, "Endpoint"),
  REF (PROTOCOL, 0, KIND_BIT (PROTOCOL), "Protocol"),
  REF (FROM_ROLE, MOPED_PROP_FLAG_FORMAT_2, KIND_BIT (ROLE), "From end plays"),
  REF (TO_ROLE, MOPED_PROP_FLAG_FORMAT_2, KIND_BIT (ROLE), "To end plays"),
  STR (LABEL, "Label"),
};

static const MopedPropSpec protocol_props[] = {
  NAME,
  { MOPED_PROP_VERSION, MOPED_VALUE_INT, MOPED_PROP_FLAG_POSITIVE, "1", NULL, 0, "Version" },
  STR (SUMMARY, "Summary"),
  /* Framing (format 2, moped-framing.h); the defaults are format 1's wire format. */
  { MOPED_PROP_ENCODING, MOPED_VALUE_ENUM, MOPED_PROP_FLAG_FORMAT_2, "multipart", moped_encoding_names, 0, "Encoding" },
  { MOPED_PROP_HEADER, MOPED_VALUE_STRING, MOPED_PROP_FLAG_FORMAT_2, NULL, NULL, 0, "Header frame" },
  { MOPED_PROP_HEADER_TYPE, MOPED_VALUE_ENUM, MOPED_PROP_FLAG_FORMAT_2, "text", moped_header_type_names, 0, "Header is" },
  { MOPED_PROP_COMMAND_ID, MOPED_VALUE_ENUM, MOPED_PROP_FLAG_FORMAT_2, "name", moped_command_id_names, 0, "Commands travel as" },
  { MOPED_PROP_SIGNATURE, MOPED_VALUE_INT, MOPED_PROP_FLAG_FORMAT_2, "0", NULL, 0, "Packed signature" },
  { MOPED_PROP_TOPIC, MOPED_VALUE_ENUM, MOPED_PROP_FLAG_FORMAT_2, "field", moped_topic_rule_names, 0, "PUB topic" },
  { MOPED_PROP_DELIMITER, MOPED_VALUE_ENUM, MOPED_PROP_FLAG_FORMAT_2, "socket", moped_delimiter_rule_names, 0, "Empty frame first" },
};

static const MopedPropSpec role_props[] = {
  NAME,
  STR (DESCRIPTION, "Description"),
};

static const MopedPropSpec command_props[] = {
  NAME,
  REF (SENDER, 0, KIND_BIT (ROLE), "Sent by"),
  { MOPED_PROP_ID, MOPED_VALUE_INT, MOPED_PROP_FLAG_FORMAT_2, "0", NULL, 0, "Number on the wire" },
  STR (DESCRIPTION, "Description"),
};

static const MopedPropSpec field_props[] = {
  NAME,
  { MOPED_PROP_TYPE, MOPED_VALUE_ENUM, 0, "string", field_type_names, 0, "Type" },
  STR (DESCRIPTION, "Description"),
};

static const MopedPropSpec flow_props[] = {
  NAME,
  STR (DESCRIPTION, "Description"),
};

#define PARTY_KINDS (KIND_BIT (ROLE) | KIND_BIT (NODE) | KIND_BIT (SOCKET))

/* A message step needs from, to and command (validation says so: missing-reference); a
 * subscription needs from and to, and has a topic instead of a command; a block needs
 * none, except that a choice may name the role that chooses in from. */
static const MopedPropSpec step_props[] = {
  { MOPED_PROP_BLOCK, MOPED_VALUE_ENUM, MOPED_PROP_FLAG_FORMAT_2, "message", block_names, 0, "Kind of step" },
  REF (FROM, MOPED_PROP_FLAG_OWNING, PARTY_KINDS, "From"),
  REF (TO, MOPED_PROP_FLAG_OWNING, PARTY_KINDS, "To"),
  REF (COMMAND, MOPED_PROP_FLAG_OWNING, KIND_BIT (COMMAND), "Command"),
  REF (VIA, MOPED_PROP_FLAG_FORMAT_2, KIND_BIT (NODE), "Relayed by"),
  { MOPED_PROP_TOPIC, MOPED_VALUE_STRING, MOPED_PROP_FLAG_FORMAT_2, NULL, NULL, 0, "Topic" },
  BOOL (REPEAT, "Repeats"),
  BOOL (OPTIONAL, "Optional"),
};

static const MopedPropSpec requirement_props[] = {
  NAME,
  { MOPED_PROP_METRIC, MOPED_VALUE_ENUM, 0, "throughput", metric_names, 0, "Metric" },
  { MOPED_PROP_VALUE, MOPED_VALUE_DOUBLE, 0, "0", NULL, 0, "Target value" },
  STR (UNIT, "Unit"),
  REF (TARGET, MOPED_PROP_FLAG_OWNING, KIND_BIT (NODE) | KIND_BIT (LINK), "Applies to"),
  STR (DESCRIPTION, "Description"),
};

static const MopedPropSpec process_props[] = {
  NAME,
  { MOPED_PROP_HOST, MOPED_VALUE_REF, MOPED_PROP_FLAG_FORMAT_2, NULL, NULL, KIND_BIT (HOST), "Host" },
  STR (DESCRIPTION, "Description"),
};

static const MopedPropSpec host_props[] = {
  NAME,
  STR (DESCRIPTION, "Description"),
};

static const MopedPropSpec note_props[] = {
  STR (TEXT, "Text"),
  GEO (X, "0", "X"),
  GEO (Y, "0", "Y"),
  GEO (WIDTH, "200", "Width"),
  GEO (HEIGHT, "120", "Height"),
};

#define KIND(k, el, lbl, pfx, parents, props) \
  [MOPED_KIND_##k] = { MOPED_KIND_##k, el, lbl, pfx, parents, props, G_N_ELEMENTS (props) }

static const MopedKindSpec kinds[MOPED_N_KINDS] = {
  KIND (DESIGN, "design", "Design", "design", 0, design_props),
  KIND (NODE, "node", "Node", "node", KIND_BIT (DESIGN), node_props),
  KIND (SOCKET, "socket", "Socket", "socket", KIND_BIT (NODE), socket_props),
  KIND (METHOD, "method", "API method", "method", KIND_BIT (NODE), method_props),
  KIND (LINK, "link", "Link", "link", KIND_BIT (DESIGN), link_props),
  KIND (PROTOCOL, "protocol", "Protocol", "protocol", KIND_BIT (DESIGN), protocol_props),
  KIND (ROLE, "role", "Role", "role", KIND_BIT (PROTOCOL), role_props),
  KIND (COMMAND, "command", "Command", "command", KIND_BIT (PROTOCOL), command_props),
  KIND (FIELD, "field", "Field", "field", KIND_BIT (COMMAND), field_props),
  KIND (FLOW, "flow", "Flow", "flow", KIND_BIT (PROTOCOL), flow_props),
  KIND (STEP, "step", "Step", "step", KIND_BIT (FLOW) | KIND_BIT (STEP), step_props),
  KIND (REQUIREMENT, "requirement", "Requirement", "req", KIND_BIT (DESIGN), requirement_props),
  KIND (NOTE, "note", "Note", "note", KIND_BIT (DESIGN), note_props),
  KIND (PARAM, "param", "Parameter", "param", KIND_BIT (METHOD), param_props),
  KIND (PROCESS, "process", "Process", "process", KIND_BIT (DESIGN), process_props),
  KIND (HOST, "host", "Host", "host", KIND_BIT (DESIGN), host_props),
};

/* prop_index[kind][prop] = slot + 1, 0 when the kind has no such property. */
static gint8 prop_index[MOPED_N_KINDS][MOPED_N_PROPS];

static void
ensure_index (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint t = 0; t < MOPED_N_SOCKET_TYPES; t++)
        socket_type_names[t] = moped_socket_type_get_name ((MopedSocketType) t);
      for (guint k = 0; k < MOPED_N_KINDS; k++)
        for (guint i = 0; i < kinds[k].n_props; i++)
          prop_index[k][kinds[k].props[i].prop] = (gint8) (i + 1);
      g_once_init_leave (&initialized, 1);
    }
}

const MopedKindSpec *
moped_schema_get_kind (MopedKind kind)
{
  g_return_val_if_fail ((guint) kind < MOPED_N_KINDS, NULL);
  ensure_index ();
  return &kinds[kind];
}

gboolean
moped_schema_kind_from_element_name (const char *element_name,
                                     MopedKind  *kind)
{
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    if (g_strcmp0 (element_name, kinds[k].element_name) == 0)
      {
        *kind = (MopedKind) k;
        return TRUE;
      }
  return FALSE;
}

int
moped_schema_get_prop_index (MopedKind kind,
                             MopedProp prop)
{
  if ((guint) kind >= MOPED_N_KINDS || (guint) prop >= MOPED_N_PROPS)
    return -1;
  ensure_index ();
  return prop_index[kind][prop] - 1;
}

const MopedPropSpec *
moped_schema_get_prop (MopedKind kind,
                       MopedProp prop)
{
  int i = moped_schema_get_prop_index (kind, prop);

  return i < 0 ? NULL : &kinds[kind].props[i];
}

const char *
moped_schema_get_prop_name (MopedProp prop)
{
  g_return_val_if_fail ((guint) prop < MOPED_N_PROPS, NULL);
  return prop_names[prop];
}

gboolean
moped_schema_prop_from_name (const char *name,
                             MopedProp  *prop)
{
  for (guint p = 0; p < MOPED_N_PROPS; p++)
    if (g_strcmp0 (name, prop_names[p]) == 0)
      {
        *prop = (MopedProp) p;
        return TRUE;
      }
  return FALSE;
}

gboolean
moped_schema_parent_allows (MopedKind parent,
                            MopedKind child)
{
  g_return_val_if_fail ((guint) child < MOPED_N_KINDS, FALSE);
  return (kinds[child].parent_kinds & (1u << parent)) != 0;
}

gboolean
moped_schema_enum_from_name (const MopedPropSpec *spec,
                             const char          *name,
                             int                 *value)
{
  g_return_val_if_fail (spec != NULL && spec->enum_names != NULL, FALSE);
  ensure_index ();

  for (int i = 0; spec->enum_names[i] != NULL; i++)
    if (g_strcmp0 (name, spec->enum_names[i]) == 0)
      {
        *value = i;
        return TRUE;
      }
  return FALSE;
}

const char *
moped_field_type_get_name (MopedFieldType type)
{
  g_return_val_if_fail ((guint) type < MOPED_N_FIELD_TYPES, "?");
  return field_type_names[type];
}

const char *
moped_api_type_get_name (MopedApiType type)
{
  g_return_val_if_fail ((guint) type < MOPED_N_API_TYPES, "?");
  return api_type_names[type];
}

const char *
moped_metric_get_name (MopedMetric metric)
{
  g_return_val_if_fail ((guint) metric < MOPED_N_METRICS, "?");
  return metric_names[metric];
}
