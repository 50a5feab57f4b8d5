/* moped-framing.c: the frames of one message of a protocol, from its declared framing.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The packed layout is zproto's (zeromq/zproto src/zproto_codec_c.gsl): two bytes
 * 0xAAA0 | signature, a one-byte message id, then the fields: number1/2/4/8 in network
 * order (Moped's numbers are number8), string as a one-byte length and the text,
 * longstr as a four-byte length and the text, strings as a four-byte count and a
 * longstr each, chunk (Moped's bytes) as a four-byte length and the data; a frame field
 * is a frame of its own after the packed one. A pubsub class (zproto's pubsub="1", what
 * a packed protocol on PUB/XPUB with the field topic rule is) starts with the id byte and
 * the topic ended by a zero byte instead of the signature.
 */
#define G_LOG_DOMAIN "moped-model"

#include <string.h>

#include "moped-framing.h"

const char * const moped_encoding_names[] = { "multipart", "packed", NULL };
G_STATIC_ASSERT (G_N_ELEMENTS (moped_encoding_names) == MOPED_N_ENCODINGS + 1);
const char * const moped_command_id_names[] = { "name", "byte", "word", "none", NULL };
G_STATIC_ASSERT (G_N_ELEMENTS (moped_command_id_names) == MOPED_N_COMMAND_IDS + 1);
const char * const moped_header_type_names[] = { "text", "bytes", NULL };
G_STATIC_ASSERT (G_N_ELEMENTS (moped_header_type_names) == MOPED_N_HEADER_TYPES + 1);
const char * const moped_topic_rule_names[] = { "field", "none", NULL };
G_STATIC_ASSERT (G_N_ELEMENTS (moped_topic_rule_names) == MOPED_N_TOPIC_RULES + 1);
const char * const moped_delimiter_rule_names[] = { "socket", "always", NULL };
G_STATIC_ASSERT (G_N_ELEMENTS (moped_delimiter_rule_names) == MOPED_N_DELIMITER_RULES + 1);

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

gboolean
moped_framing_parse_header (MopedElement  *protocol,
                            GBytes       **bytes,
                            char         **error_text)
{
  const char *text = moped_element_get_string (protocol, MOPED_PROP_HEADER);
  MopedHeaderType type = moped_element_get_enum (protocol, MOPED_PROP_HEADER_TYPE);
  g_autoptr(GByteArray) out = NULL;
  gsize n = 0;

  g_return_val_if_fail (moped_element_get_kind (protocol) == MOPED_KIND_PROTOCOL, FALSE);
  *bytes = NULL;
  if (error_text)
    *error_text = NULL;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (type == MOPED_HEADER_TEXT)
    {
      *bytes = g_bytes_new (text, strlen (text));
      return TRUE;
    }
  out = g_byte_array_new ();
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ' ')
        continue;
      if (hex_value (*p) < 0)
        {
          if (error_text)
            *error_text = g_strdup_printf ("“%c” is not a hexadecimal digit", *p);
          return FALSE;
        }
      if (n++ % 2 == 1)
        out->data[out->len - 1] = (guint8) (out->data[out->len - 1] * 16 + hex_value (*p));
      else
        {
          guint8 b = (guint8) hex_value (*p);

          g_byte_array_append (out, &b, 1);
        }
    }
  if (n % 2 == 1)
    {
      if (error_text)
        *error_text = g_strdup_printf ("%" G_GSIZE_FORMAT " hexadecimal digits do not make whole bytes", n);
      return FALSE;
    }
  if (out->len == 0)
    return TRUE;
  *bytes = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  return TRUE;
}

MopedFraming *
moped_framing_new (MopedElement *protocol)
{
  MopedFraming *self;

  g_return_val_if_fail (protocol != NULL && moped_element_get_kind (protocol) == MOPED_KIND_PROTOCOL, NULL);
  self = g_new0 (MopedFraming, 1);
  self->encoding = moped_element_get_enum (protocol, MOPED_PROP_ENCODING);
  self->command_id = moped_element_get_enum (protocol, MOPED_PROP_COMMAND_ID);
  self->signature = (guint) CLAMP (moped_element_get_int (protocol, MOPED_PROP_SIGNATURE), 0,
                                   (gint64) MOPED_PACKED_SIGNATURE_MAX);
  self->topic = moped_element_get_enum (protocol, MOPED_PROP_TOPIC);
  self->delimiter = moped_element_get_enum (protocol, MOPED_PROP_DELIMITER);
  moped_framing_parse_header (protocol, &self->header, NULL);
  return self;
}

void
moped_framing_free (MopedFraming *framing)
{
  if (framing == NULL)
    return;
  g_clear_pointer (&framing->header, g_bytes_unref);
  g_free (framing);
}

guint
moped_command_id_max (MopedCommandId command_id)
{
  switch (command_id)
    {
    case MOPED_COMMAND_ID_BYTE:
      return G_MAXUINT8;
    case MOPED_COMMAND_ID_WORD:
      return G_MAXUINT16;
    case MOPED_COMMAND_ID_NAME:
    case MOPED_COMMAND_ID_NONE:
    case MOPED_N_COMMAND_IDS:
    default:
      return 0;
    }
}

guint
moped_command_get_wire_id (MopedElement *command)
{
  MopedElement *protocol = moped_element_get_parent (command);
  guint n = protocol ? moped_element_get_n_children (protocol) : 0;
  guint id = 0;

  g_return_val_if_fail (moped_element_get_kind (command) == MOPED_KIND_COMMAND, 0);
  for (guint i = 0; i < n; i++)
    {
      MopedElement *c = moped_element_get_child (protocol, i);
      gint64 own;

      if (moped_element_get_kind (c) != MOPED_KIND_COMMAND)
        continue;
      own = moped_element_get_int (c, MOPED_PROP_ID);
      id = own > 0 ? (guint) MIN (own, (gint64) G_MAXUINT32) : id + 1;
      if (c == command)
        return id;
    }
  return 0;
}

/* ---- frames -------------------------------------------------------------------------- */

static void
frame_free (gpointer data)
{
  MopedFrame *frame = data;

  g_clear_pointer (&frame->value, g_bytes_unref);
  g_clear_pointer (&frame->parts, g_array_unref);
  g_free (frame);
}

static MopedFrame *
add_frame (GPtrArray     *frames,
           MopedFrameKind kind,
           MopedElement  *field,
           GBytes        *value)
{
  MopedFrame *frame = g_new0 (MopedFrame, 1);

  frame->kind = kind;
  frame->field = field;
  frame->value = value;
  g_ptr_array_add (frames, frame);
  return frame;
}

MopedElement *
moped_command_get_topic_field (MopedElement *command)
{
  guint n = moped_element_get_n_children (command);

  /* Subscriptions match a prefix of the first frame: text that leads the fields. */
  for (guint i = 0; i < n; i++)
    {
      MopedElement *f = moped_element_get_child (command, i);
      MopedFieldType type;

      if (moped_element_get_kind (f) != MOPED_KIND_FIELD)
        continue;
      type = moped_element_get_enum (f, MOPED_PROP_TYPE);
      return type == MOPED_FIELD_STRING || type == MOPED_FIELD_LONGSTR ? f : NULL;
    }
  return NULL;
}

static GBytes *
command_id_bytes (MopedElement  *command,
                  MopedCommandId command_id)
{
  guint id = moped_command_get_wire_id (command);
  guint8 data[2];

  switch (command_id)
    {
    case MOPED_COMMAND_ID_NAME:
      {
        const char *name = moped_element_get_name (command);

        return g_bytes_new (name, strlen (name));
      }
    case MOPED_COMMAND_ID_BYTE:
      data[0] = (guint8) id;
      return g_bytes_new (data, 1);
    case MOPED_COMMAND_ID_WORD:
      data[0] = (guint8) (id >> 8);
      data[1] = (guint8) id;
      return g_bytes_new (data, 2);
    case MOPED_COMMAND_ID_NONE:
    case MOPED_N_COMMAND_IDS:
    default:
      return NULL;
    }
}

static gboolean
publishes (MopedSocketType type)
{
  return type < MOPED_N_SOCKET_TYPES && moped_socket_type_get_info (type)->publishes;
}

GPtrArray *
moped_framing_get_frames (MopedElement   *command,
                          MopedSocketType sender,
                          MopedSocketType receiver)
{
  MopedElement *protocol;
  g_autoptr(MopedFraming) framing = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  GPtrArray *frames;
  gboolean known = sender < MOPED_N_SOCKET_TYPES && receiver < MOPED_N_SOCKET_TYPES;
  gboolean topic_frame, pubsub, delimited;
  MopedElement *topic;

  g_return_val_if_fail (command != NULL && moped_element_get_kind (command) == MOPED_KIND_COMMAND, NULL);
  protocol = moped_element_get_parent (command);
  framing = moped_framing_new (protocol);
  fields = moped_element_get_children_of_kind (command, MOPED_KIND_FIELD);
  frames = g_ptr_array_new_with_free_func (frame_free);
  topic = moped_command_get_topic_field (command);

  /* A publisher's topic comes first, where subscriptions match; packed, it is inside
   * the frame (zproto's pubsub layout). */
  pubsub = publishes (sender) && framing->topic == MOPED_TOPIC_FIELD && framing->encoding == MOPED_ENCODING_PACKED;
  topic_frame = publishes (sender) && framing->topic == MOPED_TOPIC_FIELD && !pubsub;
  if (topic_frame)
    {
      MopedFrame *frame = add_frame (frames, MOPED_FRAME_TOPIC, topic, NULL);

      if (topic == NULL)
        frame->value = g_bytes_new (moped_element_get_name (command), strlen (moped_element_get_name (command)));
    }

  /* The empty delimiter: where the socket types need one, who adds it is theirs to say. */
  delimited = known && moped_socket_types_delimited (sender, receiver);
  if (delimited || framing->delimiter == MOPED_DELIMITER_ALWAYS)
    {
      MopedFrame *frame = add_frame (frames, MOPED_FRAME_DELIMITER, NULL, g_bytes_new (NULL, 0));

      /* REQ adds its delimiter; a ROUTER or DEALER talking to REQ/REP must add it. */
      frame->sender = delimited && !moped_socket_type_needs_delimiter (sender, receiver)
                      ? MOPED_FRAME_BY_SOCKET : MOPED_FRAME_BY_APPLICATION;
      frame->receiver = delimited && moped_socket_type_get_info (receiver)->delimiter
                        ? MOPED_FRAME_BY_SOCKET : MOPED_FRAME_BY_APPLICATION;
    }

  if (framing->header != NULL)
    add_frame (frames, MOPED_FRAME_HEADER, NULL, g_bytes_ref (framing->header));

  if (framing->encoding == MOPED_ENCODING_PACKED)
    {
      MopedFrame *frame = add_frame (frames, MOPED_FRAME_PACKED, NULL, NULL);
      MopedFramePart part = { 0 };

      frame->parts = g_array_new (FALSE, TRUE, sizeof (MopedFramePart));
      if (pubsub)
        {
          part.kind = MOPED_PART_COMMAND;
          g_array_append_val (frame->parts, part);
          part.kind = MOPED_PART_TOPIC;
          part.field = topic;
          g_array_append_val (frame->parts, part);
          part.field = NULL;
        }
      else
        {
          part.kind = MOPED_PART_SIGNATURE;
          g_array_append_val (frame->parts, part);
          part.kind = MOPED_PART_COMMAND;
          g_array_append_val (frame->parts, part);
        }
      for (guint i = 0; i < fields->len; i++)
        {
          MopedElement *f = g_ptr_array_index (fields, i);

          if (moped_field_type_is_frames (moped_element_get_enum (f, MOPED_PROP_TYPE)))
            continue;
          part.kind = MOPED_PART_FIELD;
          part.field = f;
          g_array_append_val (frame->parts, part);
        }
      for (guint i = 0; i < fields->len; i++)
        {
          MopedElement *f = g_ptr_array_index (fields, i);

          /* Frame fields, then a msg field's frames (it is the last field), as zproto sends them */
          if (moped_field_type_is_frames (moped_element_get_enum (f, MOPED_PROP_TYPE)))
            add_frame (frames, MOPED_FRAME_FIELD, f, NULL);
        }
      return frames;
    }

  if (framing->command_id != MOPED_COMMAND_ID_NONE)
    add_frame (frames, MOPED_FRAME_COMMAND, NULL, command_id_bytes (command, framing->command_id));
  for (guint i = 0; i < fields->len; i++)
    add_frame (frames, MOPED_FRAME_FIELD, g_ptr_array_index (fields, i), NULL);
  return frames;
}

const char *
moped_field_packing (MopedFieldType type,
                     guint         *fixed_size)
{
  guint size = 0;
  const char *text;

  switch (type)
    {
    case MOPED_FIELD_STRING:
      text = "1-byte length, then the text";
      break;
    case MOPED_FIELD_LONGSTR:
      text = "4-byte length, then the text";
      break;
    case MOPED_FIELD_NUMBER:
      text = "8 bytes, network order";
      size = 8;
      break;
    case MOPED_FIELD_STRINGS:
      text = "4-byte count, then per string a 4-byte length and the text";
      break;
    case MOPED_FIELD_BYTES:
      text = "4-byte length, then the bytes";
      break;
    case MOPED_FIELD_FRAME:
      text = "a frame of its own, after the packed frame";
      break;
    case MOPED_FIELD_MSG:
      text = "zero or more frames of their own, the last after the packed frame";
      break;
    case MOPED_N_FIELD_TYPES:
    default:
      g_return_val_if_reached ("?");
    }
  if (fixed_size)
    *fixed_size = size;
  return text;
}

gboolean
moped_field_type_is_frames (MopedFieldType type)
{
  return type == MOPED_FIELD_FRAME || type == MOPED_FIELD_MSG;
}

const char *
moped_field_zproto_type (MopedFieldType type)
{
  static const char * const names[MOPED_N_FIELD_TYPES] = {
    [MOPED_FIELD_STRING] = "string",
    [MOPED_FIELD_LONGSTR] = "longstr",
    [MOPED_FIELD_NUMBER] = "number",
    [MOPED_FIELD_STRINGS] = "strings",
    [MOPED_FIELD_BYTES] = "chunk",
    [MOPED_FIELD_FRAME] = "frame",
    [MOPED_FIELD_MSG] = "msg",
  };

  g_return_val_if_fail ((guint) type < MOPED_N_FIELD_TYPES, "?");
  return names[type];
}

/* ---- telling protocols apart ------------------------------------------------------------ */

/* What the first frame after the envelope may be: exactly @bytes, or anything that
 * starts with them (@prefix; empty: anything at all). */
typedef struct
{
  GBytes  *bytes;
  gboolean prefix;
} Pattern;

static void
pattern_clear (gpointer data)
{
  Pattern *p = data;

  g_clear_pointer (&p->bytes, g_bytes_unref);
}

static GArray *
first_frames (MopedElement   *protocol,
              MopedSocketType receiver)
{
  g_autoptr(MopedFraming) framing = moped_framing_new (protocol);
  GArray *out = g_array_new (FALSE, TRUE, sizeof (Pattern));
  Pattern p = { 0 };

  g_array_set_clear_func (out, pattern_clear);
  if (framing->header != NULL)
    {
      p.bytes = g_bytes_ref (framing->header);
      g_array_append_val (out, p);
      return out;
    }
  if (framing->encoding == MOPED_ENCODING_PACKED && framing->topic == MOPED_TOPIC_FIELD &&
      receiver < MOPED_N_SOCKET_TYPES && moped_socket_type_subscribes (receiver))
    {
      /* zproto's pubsub layout has no signature: an id byte, then any topic. */
      p.bytes = g_bytes_new (NULL, 0);
      p.prefix = TRUE;
      g_array_append_val (out, p);
      return out;
    }
  if (framing->encoding == MOPED_ENCODING_PACKED)
    {
      guint8 sig[2] = { (guint8) (MOPED_PACKED_SIGNATURE_BASE >> 8),
                        (guint8) (MOPED_PACKED_SIGNATURE_BASE | framing->signature) };

      p.bytes = g_bytes_new (sig, 2);
      p.prefix = TRUE;
      g_array_append_val (out, p);
      return out;
    }
  if (framing->command_id == MOPED_COMMAND_ID_NONE)
    {
      p.bytes = g_bytes_new (NULL, 0);
      p.prefix = TRUE;
      g_array_append_val (out, p);
      return out;
    }
  {
    g_autoptr(GPtrArray) commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);

    for (guint i = 0; i < commands->len; i++)
      {
        p.bytes = command_id_bytes (g_ptr_array_index (commands, i), framing->command_id);
        p.prefix = FALSE;
        g_array_append_val (out, p);
      }
  }
  return out;
}

static gboolean
starts_with (GBytes *bytes,
             GBytes *prefix)
{
  gsize n, m;
  const guint8 *a = g_bytes_get_data (bytes, &n);
  const guint8 *b = g_bytes_get_data (prefix, &m);

  return m <= n && (m == 0 || memcmp (a, b, m) == 0);
}

static gboolean
patterns_overlap (const Pattern *a,
                  const Pattern *b)
{
  if (!a->prefix && !b->prefix)
    return g_bytes_equal (a->bytes, b->bytes);
  if (a->prefix && b->prefix)
    return starts_with (a->bytes, b->bytes) || starts_with (b->bytes, a->bytes);
  return a->prefix ? starts_with (b->bytes, a->bytes) : starts_with (a->bytes, b->bytes);
}

gboolean
moped_framing_tell_apart (MopedElement   *a,
                          MopedElement   *b,
                          MopedSocketType receiver)
{
  g_autoptr(GArray) pa = NULL;
  g_autoptr(GArray) pb = NULL;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  if (a == b)
    return FALSE;
  pa = first_frames (a, receiver);
  pb = first_frames (b, receiver);
  for (guint i = 0; i < pa->len; i++)
    for (guint j = 0; j < pb->len; j++)
      if (patterns_overlap (&g_array_index (pa, Pattern, i), &g_array_index (pb, Pattern, j)))
        return FALSE;
  return TRUE;
}
