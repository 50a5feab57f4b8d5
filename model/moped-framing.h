/* moped-framing.h: how the messages of a protocol travel on the wire, frame by frame.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A protocol declares its framing (format 2): an optional header frame, how a command
 * is identified (its name as text, a number in one or two bytes, or nothing), the PUB
 * topic rule, whether an empty frame always starts a message, and the encoding: one
 * frame per field (multipart, the default) or all fields packed into one frame, laid
 * out as zproto's generated codec lays them out. The defaults are the wire format of
 * format 1, so older files mean what they meant.
 *
 * moped_framing_get_frames() is THE answer to "which frames make one message": the C
 * codec, the document's frame tables, the ABNF and the zproto export all ask it.
 * Envelope facts (delimiters, routing ids, topic frames) come from the socket-type table.
 */
#pragma once

#include "moped-element.h"
#include "moped-socket-type.h"

G_BEGIN_DECLS

typedef enum
{
  MOPED_ENCODING_MULTIPART, /* a frame for the command, then one frame per field */
  MOPED_ENCODING_PACKED,    /* zproto's codec: one frame holding signature, id and fields */
  MOPED_N_ENCODINGS
} MopedEncoding;

typedef enum
{
  MOPED_COMMAND_ID_NAME,    /* the command's name as text */
  MOPED_COMMAND_ID_BYTE,    /* its number in one byte (7/MDP's command byte) */
  MOPED_COMMAND_ID_WORD,    /* its number in two bytes, network order */
  MOPED_COMMAND_ID_NONE,    /* nothing: each role receives one command only (7/MDP's client) */
  MOPED_N_COMMAND_IDS
} MopedCommandId;

typedef enum
{
  MOPED_HEADER_TEXT,        /* the header attribute is the frame's text */
  MOPED_HEADER_BYTES,       /* the header attribute is hexadecimal ("aaa1") */
  MOPED_N_HEADER_TYPES
} MopedHeaderType;

typedef enum
{
  MOPED_TOPIC_FIELD,        /* PUB/XPUB: a topic frame first, the command's first field when
                             * it is text, else its name (packed: zproto's pubsub layout) */
  MOPED_TOPIC_NONE,         /* no topic frame: subscriptions match the message's first frame */
  MOPED_N_TOPIC_RULES
} MopedTopicRule;

typedef enum
{
  MOPED_DELIMITER_SOCKET,   /* an empty frame where the socket types need one (REQ/REP) */
  MOPED_DELIMITER_ALWAYS,   /* an empty frame starts every message (7/MDP, REQ compatible) */
  MOPED_N_DELIMITER_RULES
} MopedDelimiterRule;

/* The names the file format uses, NULL-terminated, indexed by value. */
extern const char * const moped_encoding_names[];
extern const char * const moped_command_id_names[];
extern const char * const moped_header_type_names[];
extern const char * const moped_topic_rule_names[];
extern const char * const moped_delimiter_rule_names[];

/* zproto's signature: the first two bytes of a packed frame are 0xAAA0 | signature. */
#define MOPED_PACKED_SIGNATURE_BASE 0xAAA0u
#define MOPED_PACKED_SIGNATURE_MAX  15u

/* A protocol's framing, read from its properties. */
typedef struct
{
  MopedEncoding      encoding;
  MopedCommandId     command_id;
  GBytes            *header;      /* the header frame, NULL when none (or not valid) */
  guint              signature;   /* packed: 0..15 */
  MopedTopicRule     topic;
  MopedDelimiterRule delimiter;
} MopedFraming;

MopedFraming *moped_framing_new  (MopedElement *protocol);
void          moped_framing_free (MopedFraming *framing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedFraming, moped_framing_free)

/* The header frame of @protocol: TRUE with @bytes (NULL when there is none), or FALSE
 * with @error_text (a new string saying what is wrong) when it does not fit its type. */
gboolean      moped_framing_parse_header (MopedElement  *protocol,
                                          GBytes       **bytes,
                                          char         **error_text);

/* The field a publisher sends as topic: the command's first field when it is text
 * (string or longstr), else NULL (the command's name is the topic). */
MopedElement *moped_command_get_topic_field (MopedElement *command);

/* The number that identifies @command on the wire (byte and word ids, packed): its
 * "id" attribute, or when that is 0, one more than the previous command's (1 first). */
guint         moped_command_get_wire_id  (MopedElement *command);
/* The largest id @command_id can carry (255, 65535), 0 for name and none. */
guint         moped_command_id_max       (MopedCommandId command_id);

typedef enum
{
  MOPED_FRAME_DELIMITER,    /* an empty frame */
  MOPED_FRAME_TOPIC,        /* PUB/XPUB topic: a field's text or the command's name */
  MOPED_FRAME_HEADER,       /* the protocol's header frame */
  MOPED_FRAME_COMMAND,      /* the command identifier: name, one or two bytes */
  MOPED_FRAME_FIELD,        /* one field, in its multipart encoding */
  MOPED_FRAME_PACKED,       /* the packed body: see parts */
} MopedFrameKind;

/* What a packed frame holds, in order (zproto_codec_c.gsl's layout). */
typedef enum
{
  MOPED_PART_SIGNATURE,     /* two bytes: 0xAAA0 | signature, network order */
  MOPED_PART_COMMAND,       /* one byte: the command's wire id */
  MOPED_PART_TOPIC,         /* pubsub: the topic text and a zero byte */
  MOPED_PART_FIELD,         /* a field, in its packed encoding (moped_field_packing) */
} MopedPartKind;

typedef struct
{
  MopedPartKind kind;
  MopedElement *field;      /* FIELD; TOPIC when the topic is a field (else the name) */
} MopedFramePart;

/* Who puts a frame there and takes it off. */
typedef enum
{
  MOPED_FRAME_BY_APPLICATION, /* the codec sends and reads it */
  MOPED_FRAME_BY_SOCKET,      /* the socket type adds and removes it (REQ and REP's delimiter) */
} MopedFrameOwner;

typedef struct
{
  MopedFrameKind  kind;
  MopedElement   *field;      /* FIELD; TOPIC when the topic is a field */
  GBytes         *value;      /* what it always holds (delimiter, header, command id), or NULL */
  MopedFrameOwner sender;     /* who adds it at the sending end */
  MopedFrameOwner receiver;   /* who takes it off at the receiving end */
  GArray         *parts;      /* PACKED: MopedFramePart, in order; NULL otherwise */
} MopedFrame;

/* The frames of one message of @command as they travel from a socket of type @sender
 * to one of type @receiver, in order (a new array of MopedFrame). Pass
 * MOPED_N_SOCKET_TYPES for a type not known (no envelope frames are then assumed).
 * A ROUTER's routing id is not on the wire: the socket table's routing_id says a ROUTER
 * application sees it first. */
GPtrArray    *moped_framing_get_frames   (MopedElement   *command,
                                          MopedSocketType sender,
                                          MopedSocketType receiver);

/* How a field travels in a packed frame: "1-byte length, then the text"... and its
 * fixed size in bytes, or 0 when it varies. A frame field travels as a frame of its own
 * after the packed frame (zproto's frame type). */
const char   *moped_field_packing        (MopedFieldType  type,
                                          guint          *fixed_size);
/* Whether a field of @type travels in frames of its own, never inside a packed frame:
 * a frame field (one frame) or a msg field (the rest of the message, zero or more
 * frames, always last). */
gboolean      moped_field_type_is_frames (MopedFieldType  type);
/* The zproto field type of a field type ("string", "number", "chunk"...). */
const char   *moped_field_zproto_type    (MopedFieldType  type);

/* Whether a socket of type @receiver (MOPED_N_SOCKET_TYPES: not known) can tell every
 * message of protocol @a from every message of protocol @b by their first frame after
 * the envelope (header, signature, command identifier). */
gboolean      moped_framing_tell_apart   (MopedElement   *a,
                                          MopedElement   *b,
                                          MopedSocketType receiver);

G_END_DECLS
