/* moped-zproto.c: writing each protocol of a design as a zproto codec model (XML).
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-export-plan-private.h"
#include "moped-framing.h"
#include "moped-names.h"
#include "moped-roles.h"
#include "moped-schema.h"
#include "moped-socket-type.h"
#include "moped-zproto.h"

/* The line of a model's comment that holds its checksum, computed without that line. */
#define CHECKSUM_PREFIX "    Checksum (SHA-256 of this file without this line): "

/* zproto signatures are 4 bits; message ids one octet. */
#define N_SIGNATURES 16
#define MAX_MESSAGE_ID 255

/* The type names come from the framing module (moped_field_zproto_type), which the
 * packed codec follows too; a number is zproto's 8-byte number. */
#define NUMBER_SIZE 8

/* Names zproto's generated codec (zproto_codec_c.gsl) already uses where a field's name
 * goes: members of its struct (self->id, self->needle), functions named <class>_<field>
 * and <class>_set_<field> (<class>_send, <class>_set_id; with pubsub <class>_topic and
 * <class>_subscribe), a setter's parameter "self", and a strings field's loop variable.
 * Each was found by generating a codec with a field of that name, of every type, with
 * zproto (commit 4ab5c82) and gsl, and compiling it: these fail; "value", "frame",
 * "frame_size", "item", "config" and the like compile. C keywords and names the C
 * library or czmq reserve (int, default, errno, bool...) fail too: see
 * moped_name_is_reserved(). */
static const char * const zproto_code_names[] = {
  "id", "routing_id", "needle", "ceiling", "command", "strings",
  "new", "new_zpl", "destroy", "dup", "recv", "send", "encode", "print", "zpl", "test",
  "set_id", "set_routing_id", "topic", "set_topic", "is_subscribe", "subscribe", "unsubscribe",
  "self",
};

typedef struct
{
  MopedZprotoModel *model;
  GHashTable       *messages;     /* C names of the messages taken */
  GHashTable       *field_types;  /* C name of a field -> its MopedFieldType + 1 */
  char             *msg_name;     /* the class's msg field: zproto's codec has one */
  GString          *body;
  gsize             checksum_at;  /* where the checksum line goes in the comment */
} Writer;

void
moped_zproto_model_free (MopedZprotoModel *self)
{
  if (self == NULL)
    return;
  g_free (self->file_name);
  g_free (self->xml);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_free (self);
}

/* Text XML 1.0 can hold: valid UTF-8 without the control characters it forbids. */
static char *
xml_clean (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *s = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0xFFFE || c == 0xFFFF)
        g_string_append_c (s, ' ');
      else
        g_string_append_unichar (s, c);
    }
  return g_string_free (s, FALSE);
}

static char *
xml_escape (const char *text)
{
  g_autofree char *clean = xml_clean (text);

  return g_markup_escape_text (clean, -1);
}

/* Attribute values on one line, so that no line of the file comes from them. */
static char *
xml_attribute (const char *text)
{
  char *escaped = xml_escape (text);

  g_strdelimit (escaped, "\n\t", ' ');
  return escaped;
}

/* A comment may not contain "--" nor end with "-"; names in it stay on their line. */
static char *
comment_escape (const char *text)
{
  g_autofree char *clean = xml_clean (text);
  GString *s = g_string_new (NULL);

  for (const char *p = clean; *p != '\0'; p++)
    {
      g_string_append_c (s, *p == '\n' || *p == '\t' ? ' ' : *p);
      if (*p == '-' && (p[1] == '-' || p[1] == '\0'))
        g_string_append_c (s, ' ');
    }
  return g_string_free (s, FALSE);
}

/* Names zproto takes as they are: it turns spaces and hyphens into underscores. */
static gboolean
is_zproto_name (const char *name)
{
  if (!g_ascii_isalpha (name[0]))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != ' ' && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static void
warn (Writer     *self,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
warn (Writer     *self,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->model->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/* @base, or @base_2, @base_3... whichever @taken lacks. */
static char *
unique_identifier (GHashTable *taken,
                   const char *base)
{
  char *candidate = g_strdup (base);

  for (guint n = 2; g_hash_table_contains (taken, candidate); n++)
    {
      g_free (candidate);
      candidate = g_strdup_printf ("%s_%u", base, n);
    }
  return candidate;
}

/* Why a field named @name would break zproto's codec, or NULL. zproto writes field
 * names as C identifiers (GSL's :c), as moped_name_to_identifier does without its
 * guard against reserved words, so the check is on that form. */
static const char *
reserved_reason (const char *name)
{
  g_autofree char *identifier = moped_name_to_identifier (name);
  g_autofree char *plain = g_strdup (identifier);
  gsize length = strlen (plain);

  if (length > 1 && plain[length - 1] == '_')
    plain[length - 1] = '\0';
  if (!g_str_equal (plain, identifier) || moped_name_is_reserved (plain))
    return "it is a C keyword or a name the C library or czmq reserves";
  for (guint i = 0; i < G_N_ELEMENTS (zproto_code_names); i++)
    if (g_str_equal (plain, zproto_code_names[i]))
      return "zproto's generated code already uses that name";
  return NULL;
}

static char *
message_name (Writer       *self,
              MopedElement *command)
{
  const char *name = moped_element_get_name (command);
  g_autofree char *identifier = moped_name_to_identifier (name);
  char *unique;
  char *zname;

  if (is_zproto_name (name) && !g_hash_table_contains (self->messages, identifier))
    {
      g_hash_table_add (self->messages, g_steal_pointer (&identifier));
      return g_strdup (name);
    }
  unique = unique_identifier (self->messages, identifier);
  g_hash_table_add (self->messages, unique);
  zname = g_ascii_strup (unique, -1);
  warn (self, "command \"%s\" is message \"%s\": zproto needs a name of letters, digits, spaces, "
        "hyphens and underscores that no other message of the class shares", name, zname);
  return zname;
}

static gboolean
field_taken (Writer         *self,
             GHashTable     *in_message,
             const char     *name,
             MopedFieldType  type)
{
  gpointer known = g_hash_table_lookup (self->field_types, name);

  return g_hash_table_contains (in_message, name) ||
         (known != NULL && GPOINTER_TO_UINT (known) != type + 1);
}

static char *
field_name (Writer       *self,
            GHashTable   *in_message,
            MopedElement *command,
            MopedElement *field)
{
  const char *name = moped_element_get_name (field);
  MopedFieldType type = moped_element_get_enum (field, MOPED_PROP_TYPE);
  g_autofree char *identifier = moped_name_to_identifier (name);
  gpointer known = g_hash_table_lookup (self->field_types, identifier);
  g_autofree char *base = NULL;
  gboolean clash;
  char *unique;

  const char *reserved = reserved_reason (name);

  /* zproto's codec sends and receives one msg field per class (class.msg): every
   * command's rest of the message goes by the first one's name. */
  if (type == MOPED_FIELD_MSG && self->msg_name != NULL)
    {
      g_autofree char *first = moped_name_to_identifier (self->msg_name);

      if (g_strcmp0 (first, identifier) != 0 && !g_hash_table_contains (in_message, first))
        {
          g_hash_table_add (in_message, g_steal_pointer (&first));
          warn (self, "field \"%s\" of command \"%s\" is field \"%s\": zproto's codec has one msg "
                "field in a class, the rest of every message that has one", name,
                moped_element_get_name (command), self->msg_name);
          return g_strdup (self->msg_name);
        }
    }
  if (reserved == NULL && is_zproto_name (name) && !g_hash_table_contains (in_message, identifier) &&
      (known == NULL || GPOINTER_TO_UINT (known) == type + 1))
    {
      g_hash_table_insert (self->field_types, g_strdup (identifier), GUINT_TO_POINTER (type + 1));
      g_hash_table_add (in_message, g_steal_pointer (&identifier));
      if (type == MOPED_FIELD_MSG)
        self->msg_name = g_strdup (name);
      return g_strdup (name);
    }
  /* zproto wants one type per field name in a class: a clash gets the type's name. */
  clash = known != NULL && GPOINTER_TO_UINT (known) != type + 1;
  if (reserved != NULL)
    {
      /* "int" -> "int_value", "id" -> "id_value": still the name people gave. */
      g_autofree char *plain = g_strdup (identifier);

      while (g_str_has_suffix (plain, "_"))
        plain[strlen (plain) - 1] = '\0';
      base = g_strdup_printf ("%s_value", plain);
    }
  else if (clash)
    base = g_strdup_printf ("%s_%s", identifier, moped_field_type_get_name (type));
  else
    base = g_strdup (identifier);
  unique = g_strdup (base);
  for (guint n = 2; field_taken (self, in_message, unique, type); n++)
    {
      g_free (unique);
      unique = g_strdup_printf ("%s_%u", base, n);
    }
  g_hash_table_insert (self->field_types, g_strdup (unique), GUINT_TO_POINTER (type + 1));
  g_hash_table_add (in_message, g_strdup (unique));
  if (type == MOPED_FIELD_MSG)
    self->msg_name = g_strdup (unique);
  if (reserved != NULL)
    warn (self, "field \"%s\" of command \"%s\" is field \"%s\": %s, so zproto's codec would not "
          "compile with it", name, moped_element_get_name (command), unique, reserved);
  else if (clash)
    warn (self, "field \"%s\" of command \"%s\" is field \"%s\": zproto wants one type per field "
          "name in a class, and \"%s\" is already a %s there", name, moped_element_get_name (command),
          unique, name, moped_field_zproto_type (GPOINTER_TO_UINT (known) - 1));
  else
    warn (self, "field \"%s\" of command \"%s\" is field \"%s\": zproto needs a name of letters, "
          "digits, spaces, hyphens and underscores that no other field of the message shares",
          name, moped_element_get_name (command), unique);
  return unique;
}

static void
write_field (Writer       *self,
             GHashTable   *in_message,
             MopedElement *command,
             MopedElement *field)
{
  MopedFieldType type = moped_element_get_enum (field, MOPED_PROP_TYPE);
  g_autofree char *name = field_name (self, in_message, command, field);
  g_autofree char *name_xml = xml_attribute (name);
  g_autofree char *text = xml_escape (moped_element_get_string (field, MOPED_PROP_DESCRIPTION));

  g_string_append_printf (self->body, "    <field name = \"%s\" type = \"%s\"", name_xml, moped_field_zproto_type (type));
  if (type == MOPED_FIELD_NUMBER)
    g_string_append_printf (self->body, " size = \"%u\"", NUMBER_SIZE);
  g_string_append_printf (self->body, ">%s</field>\n", text);
}

static void
write_message (Writer       *self,
               MopedElement *command,
               guint         id)
{
  g_autoptr(GPtrArray) fields = moped_element_get_children_of_kind (command, MOPED_KIND_FIELD);
  g_autoptr(GHashTable) in_message = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *name = message_name (self, command);
  g_autofree char *name_xml = xml_attribute (name);
  g_autofree char *text = xml_escape (moped_element_get_string (command, MOPED_PROP_DESCRIPTION));
  MopedElement *sender = moped_element_get_ref (command, MOPED_PROP_SENDER);

  g_string_append_printf (self->body, "\n<message name = \"%s\" id = \"%u\">\n", name_xml, id);
  for (guint i = 0; i < fields->len; i++)
    write_field (self, in_message, command, g_ptr_array_index (fields, i));
  /* The codec cannot say who sends a message; its text can, for the reader. */
  if (sender != NULL && moped_element_get_kind (sender) == MOPED_KIND_ROLE)
    {
      g_autofree char *role = xml_escape (moped_element_get_name (sender));

      g_string_append_printf (self->body, "Sent by the %s.%s", role, *text != '\0' ? " " : "\n");
    }
  if (*text != '\0')
    g_string_append_printf (self->body, "%s\n", text);
  g_string_append (self->body, "</message>\n");
}

/* Whether @protocol travels over publish-subscribe: a link of it has a socket that
 * publishes (PUB, XPUB) or subscribes (SUB, XSUB) at an end. */
static gboolean
travels_over_pubsub (MopedElement *protocol)
{
  MopedDesign *design = moped_element_get_design (protocol);
  g_autoptr(GPtrArray) links = design ? moped_design_collect (design, MOPED_KIND_LINK) : NULL;

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);

      if (moped_element_get_ref (link, MOPED_PROP_PROTOCOL) != protocol)
        continue;
      for (guint e = 0; e < 2; e++)
        {
          MopedElement *socket = moped_element_get_ref (link, e ? MOPED_PROP_TO : MOPED_PROP_FROM);
          const MopedSocketTypeInfo *info;

          if (socket == NULL)
            continue;
          info = moped_socket_type_get_info (moped_element_get_enum (socket, MOPED_PROP_TYPE));
          if (info->publishes || info->subscription != MOPED_SUBSCRIPTION_NONE)
            return TRUE;
        }
    }
  return FALSE;
}

/* "client (sends HELLO), server (sends WORLD)". */
static char *
describe_roles (MopedElement *protocol)
{
  g_autoptr(GPtrArray) roles = moped_element_get_children_of_kind (protocol, MOPED_KIND_ROLE);
  g_autoptr(GPtrArray) commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);
  GString *s = g_string_new (NULL);

  for (guint r = 0; r < roles->len; r++)
    {
      MopedElement *role = g_ptr_array_index (roles, r);
      guint n = 0;

      g_string_append_printf (s, "%s%s", r > 0 ? ", " : "", moped_element_get_name (role));
      for (guint c = 0; c < commands->len; c++)
        if (moped_element_get_ref (g_ptr_array_index (commands, c), MOPED_PROP_SENDER) == role)
          g_string_append_printf (s, "%s%s", n++ == 0 ? " (sends " : ", ",
                                  moped_element_get_name (g_ptr_array_index (commands, c)));
      if (n > 0)
        g_string_append_c (s, ')');
    }
  return g_string_free (s, FALSE);
}

/* @text indented and, when @wrap, wrapped at spaces (the title is not: names in it stay
 * on their line, whole). */
static void
append_paragraph (GString    *out,
                  const char *text,
                  gboolean    wrap)
{
  g_autofree char *escaped = comment_escape (text);
  g_auto(GStrv) words = g_strsplit (escaped, " ", -1);
  gsize line_start = out->len;

  g_string_append (out, "   ");
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (wrap && out->len - line_start + 1 + strlen (words[i]) > 88 && out->len - line_start > 4)
        {
          g_string_append_c (out, '\n');
          line_start = out->len;
          g_string_append (out, "   ");
        }
      g_string_append_printf (out, " %s", words[i]);
    }
  g_string_append (out, "\n\n");
}

/* What zproto's codec does with the protocol's framing, and where it cannot follow. */
static char *
framing_paragraph (MopedElement *protocol,
                   gboolean      pubsub)
{
  g_autoptr(MopedFraming) framing = moped_framing_new (protocol);
  GString *s = g_string_new ("Framing: ");

  if (framing->encoding == MOPED_ENCODING_PACKED)
    g_string_append_printf (s, "the protocol is packed as zproto's codec packs it, so this model "
                            "keeps its signature (%u) and its commands' numbers as message ids, and a "
                            "codec generated from it reads and writes the same packed frame as "
                            "Moped's nodes%s.", framing->signature,
                            pubsub ? " (over publish-subscribe both use zproto's pubsub layout: the "
                                     "message id, the topic ending in a zero octet, then the fields, "
                                     "with no signature; a SUB subscribes with the codec's subscribe "
                                     "(sub, id, topic))" : "");
  else if (pubsub)
    g_string_append (s, "the protocol travels over publish-subscribe, so the class has pubsub = \"1\": "
                     "the codec's first frame is the message id (one octet), the topic (text ending "
                     "in a zero octet) and the fields, with no signature, and a SUB must subscribe "
                     "with the codec's subscribe (sub, id, topic). Moped's nodes send the protocol "
                     "multipart (a topic frame, the command, one frame per field), so a SUB "
                     "subscribed to their topics receives nothing from a zproto codec and the two do "
                     "not talk to each other; set the protocol's encoding to packed for that.");
  else
    g_string_append (s, "a zproto codec puts its signature (0xAAA0 plus the class's signature), the "
                     "message id and the fields in the first frame (frame fields in frames of their "
                     "own), while this protocol is multipart (the command, then one frame per field), "
                     "so the two do not talk to each other; set the protocol's encoding to packed for "
                     "that.");
  if (framing->header != NULL)
    g_string_append (s, " The protocol's header frame has no place in a zproto codec: the "
                        "application sends it before the codec's frames and takes it off first.");
  if (framing->delimiter == MOPED_DELIMITER_ALWAYS)
    g_string_append (s, " Nor has the empty frame that starts every message: it belongs in the "
                        "application's envelope.");
  if (framing->encoding != MOPED_ENCODING_PACKED && framing->command_id != MOPED_COMMAND_ID_NAME)
    g_string_append (s, " The commands' numbers are the message ids here, as the protocol sends them.");
  return g_string_free (s, FALSE);
}

static void
write_header_comment (Writer       *self,
                      GString      *out,
                      MopedElement *protocol,
                      const char   *class_name,
                      gboolean      pubsub)
{
  MopedElement *root = moped_element_get_parent (protocol);
  g_autofree char *title =
    g_strdup_printf ("%s: the %s protocol (version %" G_GINT64_FORMAT ") of the design \"%s\", as a "
                     "zproto codec model. Written by Moped.", self->model->file_name,
                     moped_element_get_name (protocol), moped_element_get_int (protocol, MOPED_PROP_VERSION),
                     moped_element_get_name (root));
  g_autofree char *how =
    g_strdup_printf ("To make the codec, put this file in a folder of its own and run gsl -q %s there, "
                     "with gsl (github.com/imatix/gsl) and zproto (github.com/zeromq/zproto) installed: "
                     "zproto's make install puts zproto_codec_c.gsl and the scripts it includes on the "
                     "PATH, where gsl looks for them. It writes %s.h, %s.c and %s.bnf beside this file "
                     "(package_dir and source_dir are \".\"). Compile %s.c against czmq and libzmq (the cflags and "
                     "libs pkg-config gives for libczmq and libzmq: the codec calls both).",
                     self->model->file_name, class_name, class_name, class_name, class_name);
  g_autofree char *roles = describe_roles (protocol);
  g_autofree char *who =
    g_strdup_printf ("Roles: %s. A codec model has no place for who sends each command (each "
                     "message's text says it), for the order of the commands (each role's state "
                     "machine), for the flows or for the topology: the protocol document Moped writes "
                     "(moped doc) describes them, and zproto's server and client generators "
                     "(zproto_server_c, zproto_client_c) would take the state machines as models of "
                     "their own, which Moped does not write.", *roles ? roles : "none declared");
  g_autofree char *framing = framing_paragraph (protocol, pubsub);

  g_string_append (out, "    <!--\n");
  append_paragraph (out, title, FALSE);
  append_paragraph (out, how, TRUE);
  append_paragraph (out, who, TRUE);
  append_paragraph (out, framing, TRUE);
  g_string_append (out,
                   "    Field types: string, longstr, number (size 8), strings, frame and msg\n"
                   "    are the same; bytes is a chunk.\n");
  if (self->model->warnings->len > 0)
    {
      g_string_append (out, "\n    Not mapped as they are:\n");
      for (guint i = 0; i < self->model->warnings->len; i++)
        {
          g_autofree char *warning = comment_escape (g_ptr_array_index (self->model->warnings, i));

          g_string_append_printf (out, "    * %s\n", warning);
        }
    }
  self->checksum_at = out->len;
  g_string_append (out, "    -->\n");
}

/* The checksum line of @text: where it starts and how long it is. */
static gboolean
find_checksum_line (const char *text,
                    gsize      *start,
                    gsize      *length)
{
  const char *line = strstr (text, "\n" CHECKSUM_PREFIX);
  const char *end;

  if (line == NULL)
    return FALSE;
  line++;
  end = strchr (line, '\n');
  *start = line - text;
  *length = end != NULL ? (gsize) (end + 1 - line) : strlen (line);
  return TRUE;
}

/* Inserts the checksum line at @at, computed over the text without it. */
static char *
with_checksum (GString *out,
               gsize    at)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, out->str, out->len);

  g_string_insert (out, at, "\n");
  g_string_insert (out, at, sum);
  g_string_insert (out, at, CHECKSUM_PREFIX);
  return g_string_free (out, FALSE);
}

MopedZprotoFileState
moped_zproto_file_state (const char *contents)
{
  g_autoptr(GString) text = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *sum = NULL;
  gsize start = 0, length = 0;

  g_return_val_if_fail (contents != NULL, MOPED_ZPROTO_FILE_FOREIGN);

  if (!find_checksum_line (contents, &start, &length) ||
      length <= strlen (CHECKSUM_PREFIX) + 1 || contents[start + length - 1] != '\n')
    return MOPED_ZPROTO_FILE_FOREIGN;
  stored = g_strndup (contents + start + strlen (CHECKSUM_PREFIX), length - strlen (CHECKSUM_PREFIX) - 1);
  text = g_string_new (contents);
  g_string_erase (text, start, length);
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text->str, text->len);
  return g_str_equal (sum, stored) ? MOPED_ZPROTO_FILE_PRISTINE : MOPED_ZPROTO_FILE_EDITED;
}

static MopedZprotoModel *
export_protocol (MopedElement *protocol,
                 const char   *class_name,
                 guint         index)
{
  g_autoptr(GPtrArray) commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);
  MopedZprotoModel *model = g_new0 (MopedZprotoModel, 1);
  Writer self = { model };
  GString *out = g_string_new (NULL);
  g_autofree char *title = NULL;
  g_autofree char *summary = xml_escape (moped_element_get_string (protocol, MOPED_PROP_SUMMARY));
  gboolean pubsub, packed;
  guint signature;

  model->protocol = protocol;
  model->file_name = g_strdup_printf ("%s.xml", class_name);
  model->warnings = g_ptr_array_new_with_free_func (g_free);
  self.messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.field_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.body = g_string_new (NULL);

  {
    g_autoptr(MopedFraming) framing = moped_framing_new (protocol);

    /* A packed protocol's signature is on the wire already: the codec must use it. */
    packed = framing->encoding == MOPED_ENCODING_PACKED;
    signature = packed ? framing->signature : index % N_SIGNATURES;
  }
  if (!packed && index >= N_SIGNATURES)
    warn (&self, "protocol \"%s\" has signature %u: zproto signatures are 4 bits, so it shares "
          "one with protocol number %u of the design", moped_element_get_name (protocol),
          index % N_SIGNATURES, index % N_SIGNATURES + 1);
  if (commands->len == 0)
    warn (&self, "protocol \"%s\" has no commands, and a codec needs at least one message",
          moped_element_get_name (protocol));
  for (guint i = 0; i < commands->len; i++)
    {
      MopedElement *command = g_ptr_array_index (commands, i);
      guint id = moped_command_get_wire_id (command);

      if (id > MAX_MESSAGE_ID)
        {
          warn (&self, "command \"%s\" has number %u; zproto message ids are one octet, so it is "
                "not in the model", moped_element_get_name (command), id);
          continue;
        }
      write_message (&self, command, id);
    }

  title = xml_attribute (moped_element_get_name (protocol));
  pubsub = travels_over_pubsub (protocol);
  /* package_dir "." so that gsl writes the header beside the model: zproto's default,
   * "../include", does not exist in a fresh folder and gsl fails. */
  g_string_append_printf (out,
                          "<class\n"
                          "    name = \"%s\"\n"
                          "    signature = \"%u\"\n"
                          "%s"
                          "    title = \"%s protocol\"\n"
                          "    script = \"zproto_codec_c\"\n"
                          "    package_dir = \".\"\n"
                          "    source_dir = \".\"\n"
                          "    >\n",
                          class_name, signature, pubsub ? "    pubsub = \"1\"\n" : "", title);
  write_header_comment (&self, out, protocol, class_name, pubsub);
  if (*summary != '\0')
    g_string_append_printf (out, "%s\n", summary);
  g_string_append_printf (out, "\n<define name = \"VERSION\" value = \"%" G_GINT64_FORMAT "\" />\n",
                          moped_element_get_int (protocol, MOPED_PROP_VERSION));
  g_string_append (out, self.body->str);
  g_string_append (out, "</class>\n");
  model->xml = with_checksum (out, self.checksum_at);

  g_string_free (self.body, TRUE);
  g_hash_table_unref (self.messages);
  g_hash_table_unref (self.field_types);
  g_free (self.msg_name);
  return model;
}

GPtrArray *
moped_zproto_export (MopedDesign *design)
{
  g_autoptr(GPtrArray) protocols = NULL;
  g_autoptr(MopedNameScope) classes = moped_name_scope_new ();
  GPtrArray *models;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);

  protocols = moped_design_collect (design, MOPED_KIND_PROTOCOL);
  models = g_ptr_array_new_with_free_func ((GDestroyNotify) moped_zproto_model_free);
  for (guint i = 0; i < protocols->len; i++)
    {
      MopedElement *protocol = g_ptr_array_index (protocols, i);
      const char *class_name = moped_name_scope_add (classes, moped_element_get_name (protocol));

      g_ptr_array_add (models, export_protocol (protocol, class_name, i));
    }
  return models;
}

/* ---- the plan of a zproto export -------------------------------------------------------- */

/* The models are made again and each must be what was planned. */
static gboolean
zproto_write (MopedExportPlan  *plan,
              MopedStaging     *staging,
              GError          **error)
{
  g_autoptr(GPtrArray) models = moped_zproto_export (plan->design);

  for (guint i = 0; i < models->len; i++)
    {
      MopedZprotoModel *model = g_ptr_array_index (models, i);
      MopedExportEntry *e = i < plan->entries->len ? g_ptr_array_index (plan->entries, i) : NULL;

      if (e == NULL || !g_str_equal (e->file.path, model->file_name))
        {
          g_set_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED,
                       "the design changed after the export was planned; nothing was written");
          return FALSE;
        }
      if (e->write_hash != NULL &&
          !_moped_export_plan_stage (plan, staging, e, model->xml, strlen (model->xml), error))
        return FALSE;
    }
  return TRUE;
}

static const MopedExportKind zproto_kind = { "zproto", zproto_write, NULL, NULL };

static MopedExportOrigin
origin_of (const MopedExportEntry *e)
{
  if (!e->existed)
    return MOPED_EXPORT_ORIGIN_MOPED;
  switch (moped_zproto_file_state (e->seen))
    {
    case MOPED_ZPROTO_FILE_FOREIGN:
      return MOPED_EXPORT_ORIGIN_FOREIGN;
    case MOPED_ZPROTO_FILE_EDITED:
      return MOPED_EXPORT_ORIGIN_EDITED;
    case MOPED_ZPROTO_FILE_PRISTINE:
    default:
      return MOPED_EXPORT_ORIGIN_MOPED;
    }
}

MopedExportPlan *
moped_zproto_export_plan (MopedDesign      *design,
                          const char       *directory,
                          MopedExportFlags  flags)
{
  MopedExportPlan *plan;
  g_autoptr(GPtrArray) models = NULL;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (directory != NULL, NULL);

  plan = _moped_export_plan_new (&zproto_kind, design, directory, flags);
  models = moped_zproto_export (design);
  _moped_export_design_errors (design, plan->errors);
  if (models->len == 0)
    g_ptr_array_add (plan->errors, g_strdup ("the design has no protocol to export"));
  _moped_export_plan_check_directory (plan);
  for (guint i = 0; plan->errors->len == 0 && i < models->len; i++)
    {
      MopedZprotoModel *model = g_ptr_array_index (models, i);
      MopedExportEntry *e = _moped_export_plan_add_entry (plan, model->file_name, FALSE);

      _moped_export_plan_generated (plan, e, model->xml, strlen (model->xml), NULL, origin_of (e));
      for (guint w = 0; w < model->warnings->len; w++)
        g_ptr_array_add (plan->warnings, g_strdup_printf ("%s: %s", model->file_name,
                                                          (const char *) g_ptr_array_index (model->warnings, w)));
    }
  _moped_export_plan_close (plan);
  return plan;
}
