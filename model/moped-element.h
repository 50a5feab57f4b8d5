/* moped-element.h: the elements of a design (node, socket, link, protocol...) and their properties.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every element is a MopedElement of some MopedKind with a stable id, a parent, ordered
 * children and a set of typed properties described by one table (moped-schema.c).
 * Reading is done here; every change goes through the edit API in moped-design.h.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MopedElement MopedElement;
typedef struct _MopedDesign  MopedDesign;

/* The kinds, in the order their elements are written to a file within a parent. */
typedef enum
{
  MOPED_KIND_DESIGN,      /* the root; children: nodes, links, protocols, requirements, notes */
  MOPED_KIND_NODE,        /* a component; children: sockets, methods */
  MOPED_KIND_SOCKET,      /* a ZeroMQ socket of a node */
  MOPED_KIND_METHOD,      /* a method of a node's public API */
  MOPED_KIND_LINK,        /* a connection between two sockets */
  MOPED_KIND_PROTOCOL,    /* children: roles, commands, flows */
  MOPED_KIND_ROLE,        /* a part a node plays in a protocol (client, broker, worker...) */
  MOPED_KIND_COMMAND,     /* children: fields */
  MOPED_KIND_FIELD,
  MOPED_KIND_FLOW,        /* children: steps */
  MOPED_KIND_STEP,        /* a message, or a block (choice, branch, loop, optional) of steps */
  MOPED_KIND_REQUIREMENT,
  MOPED_KIND_NOTE,
  MOPED_KIND_PARAM,       /* a parameter of an API method (its only parent kind) */
  MOPED_KIND_PROCESS,     /* deployment: one program running its nodes as threads */
  MOPED_KIND_HOST,        /* deployment: a machine its processes run on */
  MOPED_N_KINDS
} MopedKind;

/* Property names are shared by all kinds; each kind has a subset (see moped-schema.h). */
typedef enum
{
  MOPED_PROP_NAME,
  MOPED_PROP_SUMMARY,      /* design, protocol: one paragraph */
  MOPED_PROP_GOALS,        /* design */
  MOPED_PROP_ROLE,         /* node: short role text ("broker") */
  MOPED_PROP_DESCRIPTION,
  MOPED_PROP_INSTANCES,    /* node: how many run (int >= 1) */
  MOPED_PROP_X,            /* node, note: canvas geometry in pixels at 100% */
  MOPED_PROP_Y,
  MOPED_PROP_WIDTH,
  MOPED_PROP_HEIGHT,
  MOPED_PROP_PINNED,       /* node: automatic layout keeps it where it is */
  MOPED_PROP_TYPE,         /* socket: MopedSocketType; field: MopedFieldType */
  MOPED_PROP_MODE,         /* socket: MopedSocketMode */
  MOPED_PROP_SUBSCRIBE,    /* socket (SUB/XSUB): comma-separated prefixes; "" = all */
  MOPED_PROP_FROM,         /* link: socket ref; step: role, node or socket ref */
  MOPED_PROP_TO,           /* link: socket ref; step: role, node or socket ref */
  MOPED_PROP_ENDPOINT,     /* link: "tcp://host:port", "inproc://name"... */
  MOPED_PROP_PROTOCOL,     /* link: protocol ref */
  MOPED_PROP_LABEL,        /* link */
  MOPED_PROP_VERSION,      /* protocol: int >= 1 */
  MOPED_PROP_SENDER,       /* command: role ref of the side that sends it ("" = any role) */
  MOPED_PROP_COMMAND,      /* step: command ref */
  MOPED_PROP_REPEAT,       /* step: may repeat */
  MOPED_PROP_OPTIONAL,     /* step: may be skipped */
  MOPED_PROP_METRIC,       /* requirement: MopedMetric */
  MOPED_PROP_TARGET,       /* requirement: ref to the design, a node or a link ("" = design) */
  MOPED_PROP_VALUE,        /* requirement: the number */
  MOPED_PROP_UNIT,         /* requirement: "msg/s", "ms", "%" */
  MOPED_PROP_TEXT,         /* note */
  MOPED_PROP_FROM_ROLE,    /* link: the role its from end plays ("" = inferred) */
  MOPED_PROP_TO_ROLE,      /* link: the role its to end plays ("" = inferred) */
  MOPED_PROP_VIA,          /* step: node that passes the message on (relay), "" = direct */
  MOPED_PROP_BLOCK,        /* step: MopedBlock, a message or a block of steps */
  MOPED_PROP_FROM_MODE,    /* link: MopedLinkEndMode of the from end (format 2) */
  MOPED_PROP_TO_MODE,      /* link: MopedLinkEndMode of the to end (format 2) */
  MOPED_PROP_PROCESS,      /* node: the process it runs in ("" = a process of its own) */
  MOPED_PROP_HOST,         /* process: the host it runs on ("" = the one default host) */
  MOPED_PROP_RESULT,       /* method: MopedApiType of what it returns */
  MOPED_PROP_ENCODING,     /* protocol: MopedEncoding (moped-framing.h), multipart or packed */
  MOPED_PROP_HEADER,       /* protocol: the header frame ("" = none), text or hexadecimal */
  MOPED_PROP_HEADER_TYPE,  /* protocol: MopedHeaderType, how to read header */
  MOPED_PROP_COMMAND_ID,   /* protocol: MopedCommandId, how a command is identified */
  MOPED_PROP_SIGNATURE,    /* protocol: packed, zproto's signature 0..15 */
  MOPED_PROP_TOPIC,        /* protocol: MopedTopicRule for PUB/XPUB senders; step (subscribe,
                            * unsubscribe): the prefix, "" = everything */
  MOPED_PROP_DELIMITER,    /* protocol: MopedDelimiterRule */
  MOPED_PROP_ID,           /* command: "number", its id on the wire (0 = the previous one's + 1) */
  MOPED_N_PROPS
} MopedProp;

typedef enum
{
  MOPED_VALUE_STRING,
  MOPED_VALUE_INT,
  MOPED_VALUE_DOUBLE,
  MOPED_VALUE_BOOL,
  MOPED_VALUE_ENUM,        /* an int with names from the property's table */
  MOPED_VALUE_REF,         /* the id of another element ("" for none) */
} MopedValueType;

typedef enum
{
  MOPED_SOCKET_MODE_BIND,
  MOPED_SOCKET_MODE_CONNECT,
} MopedSocketMode;

/* How one end of a link attaches: as its socket's mode says, or bind or connect for
 * this link only (a socket may bind some endpoints and connect to others). */
typedef enum
{
  MOPED_LINK_END_SOCKET,
  MOPED_LINK_END_BIND,
  MOPED_LINK_END_CONNECT,
} MopedLinkEndMode;

typedef enum
{
  MOPED_FIELD_STRING,      /* short text, at most 255 bytes */
  MOPED_FIELD_LONGSTR,     /* text of any length */
  MOPED_FIELD_NUMBER,      /* unsigned 64-bit integer */
  MOPED_FIELD_STRINGS,     /* a list of strings */
  MOPED_FIELD_BYTES,       /* opaque binary data */
  MOPED_FIELD_FRAME,       /* one ZeroMQ frame, passed through untouched */
  MOPED_N_FIELD_TYPES
} MopedFieldType;

/* What a step is: a message, or a block holding other steps (the "block" property). */
typedef enum
{
  MOPED_BLOCK_MESSAGE,   /* "from sends command to to" */
  MOPED_BLOCK_CHOICE,    /* children are branches; one role (from, else the first sender) picks one */
  MOPED_BLOCK_BRANCH,    /* one alternative of a choice: its children in order */
  MOPED_BLOCK_LOOP,      /* its children, one or more times (zero or more when optional) */
  MOPED_BLOCK_OPTIONAL,  /* its children, or nothing */
  MOPED_BLOCK_SUBSCRIBE, /* "from (SUB, XSUB) subscribes to topic at to (XPUB)": not a command */
  MOPED_BLOCK_UNSUBSCRIBE, /* "from ends its subscription to topic at to" */
  MOPED_N_BLOCKS
} MopedBlock;
/* The types of an API method's parameters and result: the field types, then bool,
 * then (for a result only) none. */
typedef enum
{
  MOPED_API_STRING = MOPED_FIELD_STRING,
  MOPED_API_LONGSTR = MOPED_FIELD_LONGSTR,
  MOPED_API_NUMBER = MOPED_FIELD_NUMBER,
  MOPED_API_STRINGS = MOPED_FIELD_STRINGS,
  MOPED_API_BYTES = MOPED_FIELD_BYTES,
  MOPED_API_FRAME = MOPED_FIELD_FRAME,
  MOPED_API_BOOL = MOPED_N_FIELD_TYPES,
  MOPED_API_NONE,          /* a result only: the method returns 0 or -1 */
  MOPED_N_API_TYPES
} MopedApiType;

typedef enum
{
  MOPED_METRIC_THROUGHPUT, /* messages per second */
  MOPED_METRIC_LATENCY,    /* milliseconds */
  MOPED_METRIC_RELIABILITY,/* percent delivered or available */
  MOPED_METRIC_OTHER,
  MOPED_N_METRICS
} MopedMetric;

MopedKind      moped_element_get_kind       (const MopedElement *self);
const char    *moped_element_get_id         (const MopedElement *self);
MopedDesign   *moped_element_get_design     (const MopedElement *self); /* NULL when removed */
MopedElement  *moped_element_get_parent     (const MopedElement *self);
guint          moped_element_get_n_children (const MopedElement *self);
MopedElement  *moped_element_get_child      (const MopedElement *self,
                                             guint               index);
int            moped_element_get_index      (const MopedElement *self); /* among its parent's children */
/* The children of one kind, in order (borrowed elements, a new array). */
GPtrArray     *moped_element_get_children_of_kind (const MopedElement *self,
                                                   MopedKind           kind);
/* Line in the file it was loaded from (1-based), 0 when not loaded from a file. */
guint          moped_element_get_line       (const MopedElement *self);

gboolean       moped_element_has_prop       (const MopedElement *self,
                                             MopedProp           prop);
const char    *moped_element_get_string     (const MopedElement *self,
                                             MopedProp           prop); /* STRING or REF id */
gint64         moped_element_get_int        (const MopedElement *self,
                                             MopedProp           prop);
double         moped_element_get_double     (const MopedElement *self,
                                             MopedProp           prop);
gboolean       moped_element_get_bool       (const MopedElement *self,
                                             MopedProp           prop);
int            moped_element_get_enum       (const MopedElement *self,
                                             MopedProp           prop);
/* The element a REF property points at, or NULL when empty or dangling. */
MopedElement  *moped_element_get_ref        (const MopedElement *self,
                                             MopedProp           prop);
/* Any property as the text the file format uses ("true", "12.5", "REQ", an id). */
char          *moped_element_dup_value_text (const MopedElement *self,
                                             MopedProp           prop);

/* Convenience */
const char    *moped_element_get_name       (const MopedElement *self);
/* A requirement's target as people read it: "20000 msg/s", "99.9 %", or "not set"
 * while its value is 0 (a new requirement has no target yet). Every document, comment
 * and view that shows a requirement's target asks this one function. */
char          *moped_element_dup_requirement_target (const MopedElement *self);
/* The node a socket or method belongs to, the protocol of a command or flow... */
MopedElement  *moped_element_get_ancestor   (const MopedElement *self,
                                             MopedKind           kind);
/* Whether @socket binds on @link: the link end's own mode, else the socket's mode.
 * @socket is the link's from or to socket (when it is both, the from end answers). */
gboolean       moped_link_end_binds         (const MopedElement *link,
                                             const MopedElement *socket);

G_END_DECLS
