/* moped-export-c-codec.c: generating each protocol's codec: a send and a get function per command.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A multipart codec is table-driven (wire.c encodes and decodes any command from its
 * field types and the protocol's framing, as moped-framing.c declares it); a send
 * function puts its arguments in an array of values on the stack, with no allocation.
 * A packed codec (zproto's layout) is written out field by field as zproto's generated
 * codec is: its send function adds up the size, fills one zmq_msg_t and sends it; its
 * decode function reads each field straight from the received frame (wire.h's packer
 * and unpacker). Get functions read the decoded values wire.c keeps per message.
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-export-c-private.h"
#include "moped-framing.h"
#include "moped-schema.h"

/* Packed protocols get a send and a decode function per command written out field by
 * field, as zproto's generated codec is; the others use wire.c's table-driven code. */
static gboolean
is_packed (MopedCProtocol *p)
{
  return moped_element_get_enum (p->element, MOPED_PROP_ENCODING) == MOPED_ENCODING_PACKED;
}

static const char *
field_type_name (MopedFieldType type)
{
  return moped_field_type_get_name (type);
}

/* "//  HELLO, sent by Client: description" and one line per field. */
static void
comment_command (MopedCodeWriter *w,
                 MopedCCommand   *c)
{
  MopedElement *sender = moped_element_get_ref (c->element, MOPED_PROP_SENDER);
  g_autofree char *title = NULL;

  if (sender != NULL)
    title = g_strdup_printf ("%s, sent by %s", _moped_c_name (c->element), _moped_c_name (sender));
  else
    title = g_strdup_printf ("%s, sent by either side", _moped_c_name (c->element));
  moped_code_writer_comment_labelled (w, title, moped_element_get_string (c->element, MOPED_PROP_DESCRIPTION));
  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);
      g_autofree char *label = g_strdup_printf ("- %s (%s)", f->ident, field_type_name (f->type));

      moped_code_writer_comment_labelled (w, label, moped_element_get_string (f->element, MOPED_PROP_DESCRIPTION));
    }
}

/* ", const char **text, uint64_t *count": where a get function stores the fields. */
static char *
out_params (MopedCCommand *c)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);

      g_string_append_printf (s, ", %s*%s", _moped_c_field_c_type (f->type), f->ident);
      if (f->type == MOPED_FIELD_BYTES)
        g_string_append_printf (s, ", size_t *%s", f->size_ident);
    }
  return g_string_free (s, FALSE);
}

static void
write_header (MopedCModel     *model,
              MopedCProtocol  *p,
              GPtrArray       *outputs)
{
  g_autofree char *file = g_strdup_printf ("%s.h", p->ident);
  g_autofree char *job = g_strdup_printf ("the codec of protocol %s: a function to send and one to "
                                          "get each command.", _moped_c_name (p->element));
  MopedCodeWriter *w = _moped_c_writer_begin (model, file, job, FALSE);
  g_autofree char *path = g_strdup_printf ("include/%s", file);

  moped_code_writer_line (w, "#pragma once");
  moped_code_writer_blank (w);
  moped_code_writer_line (w, "#include \"wire.h\"");
  moped_code_writer_blank (w);
  moped_code_writer_line (w, "#ifdef __cplusplus");
  moped_code_writer_line (w, "extern \"C\" {");
  moped_code_writer_line (w, "#endif");
  moped_code_writer_blank (w);
  {
    g_autofree char *title = g_strdup_printf ("%s, version %" G_GINT64_FORMAT, _moped_c_name (p->element),
                                              moped_element_get_int (p->element, MOPED_PROP_VERSION));

    moped_code_writer_comment_labelled (w, title, moped_element_get_string (p->element, MOPED_PROP_SUMMARY));
  }
  moped_code_writer_comment (w, "A send function sends one command with its fields. Its peer is where the "
                                "message goes: required on a ROUTER socket (pass the peer a message came "
                                "from to answer it), used by a DEALER talking to a REP socket (delimiter), "
                                "NULL otherwise. It returns 0, or -1 with errno set, having sent nothing "
                                "when a value is invalid (EINVAL: a string field longer than 255 bytes). "
                                "A get function stores the fields of a received message that holds its "
                                "command and returns 0, or returns -1; the values are borrowed, valid until "
                                "the next receive into the message, and any pointer may be NULL.");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The commands, numbered as the decode function returns them");
  for (guint i = 0; i < p->commands->len; i++)
    {
      MopedCCommand *c = g_ptr_array_index (p->commands, i);
      g_autofree char *name = moped_c_comment_text (_moped_c_name (c->element));

      moped_code_writer_line (w, "#define %s %u%*s//  %s", c->constant, c->id,
                              (int) MAX (1, 36 - (int) strlen (c->constant) - 9), "", name);
    }
  for (guint i = 0; i < p->commands->len; i++)
    {
      MopedCCommand *c = g_ptr_array_index (p->commands, i);
      g_autofree char *params = _moped_c_field_params (c);
      g_autofree char *outs = out_params (c);

      moped_code_writer_blank (w);
      comment_command (w, c);
      moped_code_writer_line (w, "int");
      moped_code_writer_line (w, "    %s (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to%s);",
                              c->send_fn, params);
      moped_code_writer_line (w, "int");
      moped_code_writer_line (w, "    %s (wire_msg_t *msg%s);", c->get_fn, outs);
    }
  moped_code_writer_lines (w,
    "\n"
    "//  Decode a received message: returns its command's number, 0 when it is\n"
    "//  not a command of this protocol, or -1 when it is one but its fields are\n"
    "//  malformed (wire_msg_error says how)\n"
    "int");
  moped_code_writer_line (w, "    %s (wire_msg_t *msg);", p->decode_fn);
  moped_code_writer_lines (w,
    "\n"
    "//  The same, among the commands whose bit (1 << (number - 1)) is set in\n"
    "//  expected: what a socket may receive (a framing without command frames\n"
    "//  tells commands apart by that alone)\n"
    "int");
  moped_code_writer_line (w, "    %s (wire_msg_t *msg, uint64_t expected);", p->decode_expecting_fn);
  moped_code_writer_lines (w,
    "\n"
    "//  Receive one message from input (whose type puts envelope around it) and\n"
    "//  decode it: as the decode function, and -1 also when receiving fails\n"
    "int");
  moped_code_writer_line (w, "    %s (wire_msg_t *msg, zsock_t *input, wire_envelope_t envelope);", p->recv_fn);
  moped_code_writer_lines (w,
    "\n"
    "//  The name of a command, as it travels; NULL for an unknown number\n"
    "const char *");
  moped_code_writer_line (w, "    %s (int command);", p->name_fn);
  moped_code_writer_lines (w,
    "\n"
    "//  Self-tests: send a command with the sample values (wire.h); on a PUB\n"
    "//  socket, topic (or NULL) becomes the first string field\n"
    "int");
  moped_code_writer_line (w, "    %s (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to, int command,\n"
                          "        const char *topic);",
                          p->send_sample_fn);
  moped_code_writer_lines (w,
    "\n"
    "//  Self-test of this codec: every command there and back; returns the\n"
    "//  number of failed checks\n"
    "int");
  moped_code_writer_line (w, "    %s (bool verbose);", p->test_fn);
  moped_code_writer_blank (w);
  moped_code_writer_line (w, "#ifdef __cplusplus");
  moped_code_writer_line (w, "}");
  moped_code_writer_line (w, "#endif");
  _moped_c_output_add (outputs, path, moped_code_writer_finish (w));
}

/* The protocol's framing (moped-framing.h) as wire.c's wire_framing_t. */
static void
write_framing (MopedCodeWriter *w,
               MopedCProtocol  *p)
{
  g_autoptr(MopedFraming) framing = moped_framing_new (p->element);
  static const int id_sizes[MOPED_N_COMMAND_IDS] = {
    [MOPED_COMMAND_ID_NAME] = 0, [MOPED_COMMAND_ID_BYTE] = 1, [MOPED_COMMAND_ID_WORD] = 2,
    [MOPED_COMMAND_ID_NONE] = -1,
  };
  gsize header_size = 0;

  moped_code_writer_blank (w);
  if (framing->header != NULL)
    {
      const guint8 *data = g_bytes_get_data (framing->header, &header_size);
      g_autoptr(GString) bytes = g_string_new (NULL);
      g_autofree char *text = g_strndup ((const char *) data, header_size);
      g_autofree char *comment = NULL;

      for (gsize i = 0; i < header_size; i++)
        g_string_append_printf (bytes, "%s0x%02x", i > 0 ? ", " : "", data[i]);
      comment = g_utf8_validate (text, (gssize) header_size, NULL) && strlen (text) == header_size
                ? g_strdup_printf ("The header frame every message carries: “%s”", text)
                : g_strdup ("The header frame every message carries");
      moped_code_writer_comment (w, comment);
      moped_code_writer_line (w, "static const byte s_header [] = { %s };", bytes->str);
    }
  moped_code_writer_comment (w, "How the messages of this protocol are framed: header, command "
                                "identifier (0 name, 1 or 2 bytes, -1 none), empty frame first, no "
                                "topic frame, packed, signature");
  moped_code_writer_line (w, "static const wire_framing_t s_framing = { %s, %" G_GSIZE_FORMAT ", %d, %s, %s, %s, %u };",
                          framing->header != NULL ? "s_header" : "NULL", header_size,
                          framing->encoding == MOPED_ENCODING_PACKED ? 1 : id_sizes[framing->command_id],
                          framing->delimiter == MOPED_DELIMITER_ALWAYS ? "true" : "false",
                          framing->topic == MOPED_TOPIC_NONE ? "true" : "false",
                          framing->encoding == MOPED_ENCODING_PACKED ? "true" : "false",
                          framing->signature);
}

static void
write_table (MopedCodeWriter *w,
             MopedCProtocol  *p)
{
  for (guint i = 0; i < p->commands->len; i++)
    {
      MopedCCommand *c = g_ptr_array_index (p->commands, i);
      g_autoptr(GString) types = g_string_new (NULL);

      if (c->fields->len == 0)
        continue;
      for (guint j = 0; j < c->fields->len; j++)
        g_string_append_printf (types, "%s%s", j > 0 ? ", " : "",
                                _moped_c_field_wire_type (((MopedCField *) g_ptr_array_index (c->fields, j))->type));
      moped_code_writer_line (w, "static const wire_type_t s_%s_types [] = { %s };", c->ident, types->str);
    }
  write_framing (w, p);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The commands in the order of their numbers: name and its length, "
                                "field types, number of fields, the field PUB sockets send as topic "
                                "(-1: the name), the number that identifies it on the wire, the framing");
  moped_code_writer_line (w, "static const wire_command_t %s [] = {", p->commands_var);
  moped_code_writer_indent (w);
  for (guint i = 0; i < p->commands->len; i++)
    {
      MopedCCommand *c = g_ptr_array_index (p->commands, i);
      g_autofree char *name = _moped_c_quote (_moped_c_name (c->element));
      g_autofree char *types = c->fields->len > 0 ? g_strdup_printf ("s_%s_types", c->ident) : g_strdup ("NULL");

      moped_code_writer_line (w, "{ %s, %" G_GSIZE_FORMAT ", %s, %u, %d, %u, &s_framing },", name,
                              strlen (_moped_c_name (c->element)), types, c->fields->len, c->topic,
                              moped_command_get_wire_id (c->element));
    }
  moped_code_writer_comment (w, "Ends the table (and keeps it valid C when there are no commands)");
  moped_code_writer_line (w, "{ NULL, 0, NULL, 0, -1, 0, &s_framing }");
  moped_code_writer_dedent (w);
  moped_code_writer_line (w, "};");
  moped_code_writer_line (w, "#define S_COUNT %u", p->commands->len);
}

static void
write_send (MopedCodeWriter *w,
            MopedCCommand   *c)
{
  g_autofree char *params = _moped_c_field_params (c);

  moped_code_writer_line (w, "int");
  moped_code_writer_line (w, "%s (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to%s)", c->send_fn,
                          params);
  moped_code_writer_line (w, "{");
  moped_code_writer_indent (w);
  moped_code_writer_line (w, "assert (output);");
  if (c->fields->len == 0)
    {
      moped_code_writer_line (w, "return wire_send_values (output, envelope, to, &%s [%u], NULL);",
                              c->protocol->commands_var, c->id - 1);
      moped_code_writer_dedent (w);
      moped_code_writer_line (w, "}");
      return;
    }
  moped_code_writer_line (w, "wire_value_t s_values [%u];", c->fields->len);
  moped_code_writer_line (w, "memset (s_values, 0, sizeof (s_values));");
  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);

      switch (f->type)
        {
        case MOPED_FIELD_STRING:
        case MOPED_FIELD_LONGSTR:
          moped_code_writer_line (w, "s_values [%u].text = %s;", i, f->ident);
          break;
        case MOPED_FIELD_NUMBER:
          moped_code_writer_line (w, "s_values [%u].number = %s;", i, f->ident);
          break;
        case MOPED_FIELD_STRINGS:
          moped_code_writer_line (w, "s_values [%u].strings = %s;", i, f->ident);
          break;
        case MOPED_FIELD_BYTES:
          moped_code_writer_line (w, "s_values [%u].data = %s;", i, f->ident);
          moped_code_writer_line (w, "s_values [%u].size = %s;", i, f->size_ident);
          break;
        case MOPED_FIELD_FRAME:
          moped_code_writer_line (w, "s_values [%u].frame = %s;", i, f->ident);
          break;
        case MOPED_N_FIELD_TYPES:
        default:
          g_assert_not_reached ();
        }
    }
  moped_code_writer_line (w, "return wire_send_values (output, envelope, to, &%s [%u], s_values);",
                          c->protocol->commands_var, c->id - 1);
  moped_code_writer_dedent (w);
  moped_code_writer_line (w, "}");
}

/* A packed send function: the size of the fields added up, then each put into one
 * frame (wire.h's packer), then the frame fields as frames of their own. */
static void
write_send_packed (MopedCodeWriter *w,
                   MopedCCommand   *c)
{
  g_autofree char *params = _moped_c_field_params (c);
  g_autoptr(GString) checks = g_string_new (NULL);
  g_autoptr(GString) size = g_string_new (NULL);
  guint fixed = 0, frames = 0;
  const char *topic = "NULL";

  moped_code_writer_line (w, "int");
  moped_code_writer_line (w, "%s (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to%s)", c->send_fn,
                          params);
  moped_code_writer_line (w, "{");
  moped_code_writer_indent (w);
  moped_code_writer_line (w, "assert (output);");
  /* The locals start with s_, which no field's name can (they would be my_s_...). */
  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);
      const char *limit = NULL;

      switch (f->type)
        {
        case MOPED_FIELD_STRING:
          moped_code_writer_line (w, "size_t s_size_%u = wire_text_size (%s);", i + 1, f->ident);
          limit = "> WIRE_STRING_MAX";
          fixed += 1;
          break;
        case MOPED_FIELD_LONGSTR:
          moped_code_writer_line (w, "size_t s_size_%u = wire_text_size (%s);", i + 1, f->ident);
          limit = "> UINT32_MAX";
          fixed += 4;
          break;
        case MOPED_FIELD_NUMBER:
          fixed += 8;
          break;
        case MOPED_FIELD_STRINGS:
          moped_code_writer_line (w, "size_t s_size_%u = wire_strings_size (%s);", i + 1, f->ident);
          limit = "== SIZE_MAX";
          break;
        case MOPED_FIELD_BYTES:
          moped_code_writer_line (w, "size_t s_size_%u = %s? %s: 0;", i + 1, f->ident, f->size_ident);
          g_string_append_printf (checks, "%s%s > UINT32_MAX", checks->len > 0 ? " || " : "", f->size_ident);
          fixed += 4;
          break;
        case MOPED_FIELD_FRAME:
          frames++;
          break;
        case MOPED_N_FIELD_TYPES:
        default:
          g_assert_not_reached ();
        }
      if (limit != NULL)
        g_string_append_printf (checks, "%ss_size_%u %s", checks->len > 0 ? " || " : "", i + 1, limit);
      if (f->type != MOPED_FIELD_NUMBER && f->type != MOPED_FIELD_FRAME)
        g_string_append_printf (size, " + s_size_%u", i + 1);
      if ((int) i == c->topic)
        topic = f->type == MOPED_FIELD_STRING || f->type == MOPED_FIELD_LONGSTR ? f->ident : "\"\"";
    }
  if (checks->len > 0)
    {
      moped_code_writer_line (w, "if (%s) {", checks->str);
      moped_code_writer_line (w, "    errno = EINVAL;");
      moped_code_writer_line (w, "    return -1;");
      moped_code_writer_line (w, "}");
    }
  moped_code_writer_line (w, "wire_packer_t s_packer;");
  moped_code_writer_line (w, "if (wire_packer_begin (&s_packer, output, envelope, to, &%s [%u], %s, %u%s) == -1)",
                          c->protocol->commands_var, c->id - 1, topic, fixed, size->str);
  moped_code_writer_line (w, "    return -1;");
  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);

      switch (f->type)
        {
        case MOPED_FIELD_STRING:
          moped_code_writer_line (w, "wire_put_string (&s_packer, %s, s_size_%u);", f->ident, i + 1);
          break;
        case MOPED_FIELD_LONGSTR:
        case MOPED_FIELD_BYTES:
          moped_code_writer_line (w, "wire_put_longstr (&s_packer, %s, s_size_%u);", f->ident, i + 1);
          break;
        case MOPED_FIELD_NUMBER:
          moped_code_writer_line (w, "wire_put_number (&s_packer, %s);", f->ident);
          break;
        case MOPED_FIELD_STRINGS:
          moped_code_writer_line (w, "wire_put_strings (&s_packer, %s);", f->ident);
          break;
        case MOPED_FIELD_FRAME:
          break;
        case MOPED_N_FIELD_TYPES:
        default:
          g_assert_not_reached ();
        }
    }
  if (frames == 0)
    moped_code_writer_line (w, "return wire_packer_send (&s_packer, 0);");
  else
    {
      guint left = frames;

      moped_code_writer_line (w, "if (wire_packer_send (&s_packer, ZMQ_SNDMORE) == -1)");
      moped_code_writer_line (w, "    return -1;");
      moped_code_writer_comment (w, "Frame fields travel as frames of their own");
      for (guint i = 0; i < c->fields->len; i++)
        {
          MopedCField *f = g_ptr_array_index (c->fields, i);

          if (f->type != MOPED_FIELD_FRAME)
            continue;
          left--;
          moped_code_writer_line (w, "if (wire_send_frame (s_packer.handle, %s, %s) == -1)", f->ident,
                                  left > 0 ? "ZMQ_SNDMORE" : "0");
          moped_code_writer_line (w, "    return -1;");
        }
      moped_code_writer_line (w, "return 0;");
    }
  moped_code_writer_dedent (w);
  moped_code_writer_line (w, "}");
}

/* A packed decode function: each field read straight from the packed frame, text
 * copied once (to end with a zero) into the message's buffer. */
static void
write_unpack (MopedCodeWriter *w,
              MopedCCommand   *c)
{
  guint frames = 0;

  for (guint i = 0; i < c->fields->len; i++)
    if (((MopedCField *) g_ptr_array_index (c->fields, i))->type == MOPED_FIELD_FRAME)
      frames++;
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Decode the fields of the packed frame wire_msg_unpack found");
  moped_code_writer_line (w, "static int");
  moped_code_writer_line (w, "s_unpack_%s (wire_msg_t *msg, wire_unpacker_t *s_unpacker)", c->ident);
  moped_code_writer_line (w, "{");
  moped_code_writer_indent (w);
  moped_code_writer_line (w, "const wire_command_t *s_command = &%s [%u];", c->protocol->commands_var, c->id - 1);
  moped_code_writer_line (w, "wire_value_t *s_values = wire_msg_unpack_start (msg, s_command, %u, s_unpacker);",
                          frames);
  moped_code_writer_line (w, "if (!s_values)");
  moped_code_writer_line (w, "    return -1;");
  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);
      g_autofree char *get = NULL;

      switch (f->type)
        {
        case MOPED_FIELD_STRING:
          get = g_strdup_printf ("wire_get_string (s_unpacker, &s_values [%u].text, 1)", i);
          break;
        case MOPED_FIELD_LONGSTR:
          get = g_strdup_printf ("wire_get_string (s_unpacker, &s_values [%u].text, 4)", i);
          break;
        case MOPED_FIELD_NUMBER:
          get = g_strdup_printf ("wire_get_number (s_unpacker, &s_values [%u].number)", i);
          break;
        case MOPED_FIELD_STRINGS:
          get = g_strdup_printf ("wire_msg_get_strings (msg, s_unpacker, &s_values [%u].strings)", i);
          break;
        case MOPED_FIELD_BYTES:
          get = g_strdup_printf ("wire_get_bytes (s_unpacker, &s_values [%u].data, &s_values [%u].size)", i, i);
          break;
        case MOPED_FIELD_FRAME:
          get = g_strdup_printf ("wire_msg_get_frame (msg, s_unpacker, &s_values [%u].frame)", i);
          break;
        case MOPED_N_FIELD_TYPES:
        default:
          g_assert_not_reached ();
        }
      moped_code_writer_line (w, "%s%s == -1%s", i == 0 ? "if (" : "||  ", get,
                              i + 1 == c->fields->len ? ")" : "");
    }
  if (c->fields->len > 0)
    moped_code_writer_line (w, "    return wire_msg_unpack_failed (msg, s_command, s_unpacker);");
  moped_code_writer_line (w, "return wire_msg_unpack_end (msg, s_command, s_unpacker) == 0? %u: -1;", c->id);
  moped_code_writer_dedent (w);
  moped_code_writer_line (w, "}");
}

static void
write_get (MopedCodeWriter *w,
           MopedCCommand   *c)
{
  g_autofree char *outs = out_params (c);

  moped_code_writer_blank (w);
  moped_code_writer_line (w, "int");
  moped_code_writer_line (w, "%s (wire_msg_t *msg%s)", c->get_fn, outs);
  moped_code_writer_line (w, "{");
  moped_code_writer_indent (w);
  moped_code_writer_line (w, "assert (msg);");
  if (c->fields->len == 0)
    {
      moped_code_writer_line (w, "return wire_msg_holds (msg, &%s [%u])? 0: -1;", c->protocol->commands_var, c->id - 1);
      moped_code_writer_dedent (w);
      moped_code_writer_line (w, "}");
      return;
    }
  moped_code_writer_line (w, "const wire_value_t *s_values = wire_msg_values (msg, &%s [%u]);",
                          c->protocol->commands_var, c->id - 1);
  moped_code_writer_line (w, "if (!s_values)");
  moped_code_writer_line (w, "    return -1;");
  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);

      switch (f->type)
        {
        case MOPED_FIELD_STRING:
        case MOPED_FIELD_LONGSTR:
          moped_code_writer_line (w, "if (%s)", f->ident);
          moped_code_writer_line (w, "    *%s = s_values [%u].text;", f->ident, i);
          break;
        case MOPED_FIELD_NUMBER:
          moped_code_writer_line (w, "if (%s)", f->ident);
          moped_code_writer_line (w, "    *%s = s_values [%u].number;", f->ident, i);
          break;
        case MOPED_FIELD_STRINGS:
          moped_code_writer_line (w, "if (%s)", f->ident);
          moped_code_writer_line (w, "    *%s = s_values [%u].strings;", f->ident, i);
          break;
        case MOPED_FIELD_BYTES:
          moped_code_writer_line (w, "if (%s)", f->ident);
          moped_code_writer_line (w, "    *%s = (const byte *) s_values [%u].data;", f->ident, i);
          moped_code_writer_line (w, "if (%s)", f->size_ident);
          moped_code_writer_line (w, "    *%s = s_values [%u].size;", f->size_ident, i);
          break;
        case MOPED_FIELD_FRAME:
          moped_code_writer_line (w, "if (%s)", f->ident);
          moped_code_writer_line (w, "    *%s = s_values [%u].frame;", f->ident, i);
          break;
        case MOPED_N_FIELD_TYPES:
        default:
          g_assert_not_reached ();
        }
    }
  moped_code_writer_line (w, "return 0;");
  moped_code_writer_dedent (w);
  moped_code_writer_line (w, "}");
}

/* The arguments a codec test passes: the sample values of wire.h. */
static char *
sample_args (MopedCCommand *c,
             const char    *long_text)
{
  GString *s = g_string_new (NULL);
  gboolean long_done = FALSE;

  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);

      switch (f->type)
        {
        case MOPED_FIELD_STRING:
          g_string_append_printf (s, ", %s", long_text != NULL && !long_done ? long_text : "WIRE_SAMPLE_STRING");
          long_done |= long_text != NULL;
          break;
        case MOPED_FIELD_LONGSTR:
          g_string_append (s, ", WIRE_SAMPLE_STRING");
          break;
        case MOPED_FIELD_NUMBER:
          g_string_append (s, ", WIRE_SAMPLE_NUMBER");
          break;
        case MOPED_FIELD_STRINGS:
          g_string_append (s, ", sample_strings");
          break;
        case MOPED_FIELD_BYTES:
          g_string_append (s, ", (const byte *) WIRE_SAMPLE_BYTES, WIRE_SAMPLE_BYTES_SIZE");
          break;
        case MOPED_FIELD_FRAME:
          g_string_append (s, ", sample_frame");
          break;
        case MOPED_N_FIELD_TYPES:
        default:
          g_assert_not_reached ();
        }
    }
  return g_string_free (s, FALSE);
}

static gboolean
has_field_type (MopedCCommand  *c,
                MopedFieldType  type)
{
  for (guint i = 0; i < c->fields->len; i++)
    if (((MopedCField *) g_ptr_array_index (c->fields, i))->type == type)
      return TRUE;
  return FALSE;
}

static void
write_test_command (MopedCodeWriter *w,
                    MopedCCommand   *c)
{
  g_autofree char *args = sample_args (c, NULL);
  g_autofree char *title = moped_c_comment_text (_moped_c_name (c->element));
  GString *outs = g_string_new (NULL);

  moped_code_writer_blank (w);
  moped_code_writer_line (w, "//  %s", title);
  moped_code_writer_line (w, "{");
  moped_code_writer_indent (w);
  if (has_field_type (c, MOPED_FIELD_STRINGS))
    moped_code_writer_line (w, "zlist_t *sample_strings = wire_sample_strings_new ();");
  if (has_field_type (c, MOPED_FIELD_FRAME))
    moped_code_writer_line (w, "zframe_t *sample_frame = wire_sample_frame_new ();");
  moped_code_writer_line (w, "int rc = %s (output, WIRE_ENVELOPE_PLAIN, NULL%s);", c->send_fn, args);
  moped_code_writer_line (w, "WIRE_CHECK (failures, rc == 0);");
  /* Received as by a socket that may receive only this command: with no command frame
   * (command-id none) that is how a receiver tells commands apart. */
  moped_code_writer_line (w, "rc = wire_msg_recv (msg, input, WIRE_ENVELOPE_PLAIN) == 0? %s (msg, 0x%" G_GINT64_MODIFIER "xULL): -1;",
                          c->protocol->decode_expecting_fn,
                          c->id <= 64 ? G_GUINT64_CONSTANT (1) << (c->id - 1) : G_GUINT64_CONSTANT (0));
  moped_code_writer_line (w, "WIRE_CHECK (failures, rc == %s);", c->constant);
  /* The values come back in locals named by position: no field name can clash. */
  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);

      if (f->type == MOPED_FIELD_NUMBER)
        moped_code_writer_line (w, "uint64_t field_%u = 0;", i + 1);
      else
        moped_code_writer_line (w, "%sfield_%u = NULL;", _moped_c_field_c_type (f->type), i + 1);
      g_string_append_printf (outs, ", &field_%u", i + 1);
      if (f->type == MOPED_FIELD_BYTES)
        {
          moped_code_writer_line (w, "size_t field_%u_size = 0;", i + 1);
          g_string_append_printf (outs, ", &field_%u_size", i + 1);
        }
    }
  moped_code_writer_line (w, "rc = %s (msg%s);", c->get_fn, outs->str);
  moped_code_writer_line (w, "WIRE_CHECK (failures, rc == 0);");
  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);
      guint n = i + 1;

      switch (f->type)
        {
        case MOPED_FIELD_STRING:
        case MOPED_FIELD_LONGSTR:
          moped_code_writer_line (w, "WIRE_CHECK (failures, field_%u && streq (field_%u, WIRE_SAMPLE_STRING));", n, n);
          break;
        case MOPED_FIELD_NUMBER:
          moped_code_writer_line (w, "WIRE_CHECK (failures, field_%u == WIRE_SAMPLE_NUMBER);", n);
          break;
        case MOPED_FIELD_STRINGS:
          moped_code_writer_line (w, "WIRE_CHECK (failures, wire_strings_equal (field_%u, sample_strings));", n);
          break;
        case MOPED_FIELD_BYTES:
          moped_code_writer_line (w, "WIRE_CHECK (failures, field_%u && field_%u_size == WIRE_SAMPLE_BYTES_SIZE", n, n);
          moped_code_writer_line (w, "                   && memcmp (field_%u, WIRE_SAMPLE_BYTES, field_%u_size) == 0);", n, n);
          break;
        case MOPED_FIELD_FRAME:
          moped_code_writer_line (w, "WIRE_CHECK (failures, field_%u && zframe_eq (field_%u, sample_frame));", n, n);
          break;
        case MOPED_N_FIELD_TYPES:
        default:
          g_assert_not_reached ();
        }
    }
  if (has_field_type (c, MOPED_FIELD_FRAME))
    moped_code_writer_line (w, "zframe_destroy (&sample_frame);");
  if (has_field_type (c, MOPED_FIELD_STRINGS))
    moped_code_writer_line (w, "zlist_destroy (&sample_strings);");
  moped_code_writer_dedent (w);
  moped_code_writer_line (w, "}");
  g_string_free (outs, TRUE);
}

/* A string field longer than 255 bytes is refused before anything is sent. */
static void
write_test_long_string (MopedCodeWriter *w,
                        MopedCCommand   *c)
{
  g_autofree char *args = sample_args (c, "long_text");

  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "A string longer than 255 bytes is refused, and nothing is sent");
  moped_code_writer_line (w, "{");
  moped_code_writer_indent (w);
  if (has_field_type (c, MOPED_FIELD_STRINGS))
    moped_code_writer_line (w, "zlist_t *sample_strings = wire_sample_strings_new ();");
  if (has_field_type (c, MOPED_FIELD_FRAME))
    moped_code_writer_line (w, "zframe_t *sample_frame = wire_sample_frame_new ();");
  moped_code_writer_line (w, "char long_text [WIRE_STRING_MAX + 2];");
  moped_code_writer_line (w, "memset (long_text, 'x', sizeof (long_text) - 1);");
  moped_code_writer_line (w, "long_text [sizeof (long_text) - 1] = 0;");
  moped_code_writer_line (w, "int rc = %s (output, WIRE_ENVELOPE_PLAIN, NULL%s);", c->send_fn, args);
  moped_code_writer_line (w, "WIRE_CHECK (failures, rc == -1 && errno == EINVAL);");
  moped_code_writer_line (w, "WIRE_CHECK (failures, (zsock_events (input) & ZMQ_POLLIN) == 0);");
  if (has_field_type (c, MOPED_FIELD_FRAME))
    moped_code_writer_line (w, "zframe_destroy (&sample_frame);");
  if (has_field_type (c, MOPED_FIELD_STRINGS))
    moped_code_writer_line (w, "zlist_destroy (&sample_strings);");
  moped_code_writer_dedent (w);
  moped_code_writer_line (w, "}");
}

static void
write_test (MopedCodeWriter *w,
            MopedCProtocol  *p)
{
  MopedCCommand *with_string = NULL;

  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_line (w, "int");
  moped_code_writer_line (w, "%s (bool verbose)", p->test_fn);
  moped_code_writer_line (w, "{");
  moped_code_writer_indent (w);
  moped_code_writer_line (w, "int failures = 0;");
  moped_code_writer_comment (w, "Every command over a pair of sockets, its fields compared after the trip");
  moped_code_writer_line (w, "zsock_t *input = zsock_new_pair (\"@inproc://%s-codec-test\");", p->ident);
  moped_code_writer_line (w, "zsock_t *output = zsock_new_pair (\">inproc://%s-codec-test\");", p->ident);
  moped_code_writer_line (w, "assert (input && output);");
  moped_code_writer_line (w, "zsock_set_rcvtimeo (input, 5000);");
  moped_code_writer_line (w, "wire_msg_t *msg = wire_msg_new ();");
  for (guint i = 0; i < p->commands->len; i++)
    {
      MopedCCommand *c = g_ptr_array_index (p->commands, i);

      write_test_command (w, c);
      if (with_string == NULL && has_field_type (c, MOPED_FIELD_STRING))
        with_string = c;
    }
  if (with_string != NULL)
    write_test_long_string (w, with_string);
  /* Without header and command frame any message could be one of its commands. */
  if (moped_element_get_enum (p->element, MOPED_PROP_COMMAND_ID) != MOPED_COMMAND_ID_NONE ||
      moped_element_get_enum (p->element, MOPED_PROP_ENCODING) == MOPED_ENCODING_PACKED ||
      *moped_element_get_string (p->element, MOPED_PROP_HEADER) != '\0')
    {
      moped_code_writer_lines (w,
        "\n"
        "//  A command of no protocol is not this protocol's, and not an error\n"
        "zstr_send (output, \"\\001 not a command\");\n");
      moped_code_writer_line (w, "WIRE_CHECK (failures, %s (msg, input, WIRE_ENVELOPE_PLAIN) == 0);", p->recv_fn);
    }
  moped_code_writer_lines (w,
    "\n"
    "wire_msg_destroy (&msg);\n"
    "zsock_destroy (&output);\n"
    "zsock_destroy (&input);\n"
    "if (verbose)\n");
  {
    g_autofree char *name = _moped_c_quote (_moped_c_name (p->element));

    moped_code_writer_line (w, "    zsys_info (\"codec %%s: %%s\", %s, failures? \"FAILED\": \"ok\");", name);
  }
  moped_code_writer_line (w, "return failures;");
  moped_code_writer_dedent (w);
  moped_code_writer_line (w, "}");
}

static void
write_source (MopedCModel     *model,
              MopedCProtocol  *p,
              GPtrArray       *outputs)
{
  g_autofree char *file = g_strdup_printf ("%s.c", p->ident);
  g_autofree char *job = g_strdup_printf ("the codec of protocol %s: a function to send and one to "
                                          "get each command.", _moped_c_name (p->element));
  MopedCodeWriter *w = _moped_c_writer_begin (model, file, job, FALSE);
  g_autofree char *path = g_strdup_printf ("src/%s", file);
  gboolean unpacks = is_packed (p) && p->commands->len > 0;
  guint fields_max = 0;

  moped_code_writer_line (w, "#include \"%s.h\"", p->ident);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Field types of each command, in the order they travel");
  write_table (w, p);
  for (guint i = 0; i < p->commands->len; i++)
    {
      MopedCCommand *c = g_ptr_array_index (p->commands, i);

      moped_code_writer_blank (w);
      moped_code_writer_blank (w);
      comment_command (w, c);
      if (is_packed (p))
        write_send_packed (w, c);
      else
        write_send (w, c);
      write_get (w, c);
      if (is_packed (p))
        write_unpack (w, c);
    }
  for (guint i = 0; i < p->commands->len; i++)
    fields_max = MAX (fields_max, ((MopedCCommand *) g_ptr_array_index (p->commands, i))->fields->len);
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  if (unpacks)
    {
      moped_code_writer_comment (w, "Receive a message from input (NULL: the message already received) and "
                                 "decode it, when expected lets its command; 0 when it is not this "
                                 "protocol's or not expected");
      moped_code_writer_line (w, "static int");
      moped_code_writer_line (w, "s_receive_decode (wire_msg_t *msg, zsock_t *input, wire_envelope_t envelope, "
                              "uint64_t expected)");
      moped_code_writer_line (w, "{");
      moped_code_writer_line (w, "    wire_unpacker_t s_unpacker;");
      moped_code_writer_line (w, "    int s_number = input? wire_msg_recv_unpack (msg, input, envelope, &s_framing, "
                              "%u, &s_unpacker)", fields_max);
      moped_code_writer_line (w, "                        : wire_msg_unpack (msg, &s_framing, %u, &s_unpacker);",
                              fields_max);
      moped_code_writer_line (w, "    if (s_number == WIRE_RECV_FAILED)");
      moped_code_writer_line (w, "        return -1;");
      for (guint i = 0; i < p->commands->len; i++)
        {
          MopedCCommand *c = g_ptr_array_index (p->commands, i);

          moped_code_writer_line (w, "    if (s_number == %u && wire_expects (expected, %u))",
                                  moped_command_get_wire_id (c->element), i);
          moped_code_writer_line (w, "        return s_unpack_%s (msg, &s_unpacker);", c->ident);
        }
      moped_code_writer_line (w, "    return 0;");
      moped_code_writer_line (w, "}");
      moped_code_writer_blank (w);
      moped_code_writer_blank (w);
    }
  moped_code_writer_line (w, "int");
  moped_code_writer_line (w, "%s (wire_msg_t *msg)", p->decode_fn);
  moped_code_writer_lines (w,
    "{\n"
    "    assert (msg);\n");
  if (is_packed (p))
    moped_code_writer_line (w, "    return %s (msg, 0);", p->decode_expecting_fn);
  else
    moped_code_writer_line (w, "    return wire_msg_match (msg, %s, S_COUNT);", p->commands_var);
  moped_code_writer_lines (w, "}\n\n\nint");
  moped_code_writer_line (w, "%s (wire_msg_t *msg, uint64_t expected)", p->decode_expecting_fn);
  moped_code_writer_lines (w,
    "{\n"
    "    assert (msg);\n");
  if (unpacks)
    moped_code_writer_line (w, "    return s_receive_decode (msg, NULL, WIRE_ENVELOPE_PLAIN, expected);");
  else
    moped_code_writer_line (w, "    return wire_msg_match_expected (msg, %s, S_COUNT, expected);", p->commands_var);
  moped_code_writer_lines (w, "}\n\n\nint");
  moped_code_writer_line (w, "%s (wire_msg_t *msg, zsock_t *input, wire_envelope_t envelope)", p->recv_fn);
  moped_code_writer_line (w, "{");
  if (unpacks)
    {
      /* One call receives and finds the packed frame */
      moped_code_writer_line (w, "    assert (input);");
      moped_code_writer_line (w, "    return s_receive_decode (msg, input, envelope, 0);");
    }
  else
    {
      moped_code_writer_lines (w,
        "    if (wire_msg_recv (msg, input, envelope) == -1)\n"
        "        return -1;\n");
      moped_code_writer_line (w, "    return %s (msg);", p->decode_fn);
    }
  moped_code_writer_lines (w, "}\n\n\nconst char *");
  moped_code_writer_line (w, "%s (int command)", p->name_fn);
  moped_code_writer_line (w, "{");
  moped_code_writer_line (w, "    return command >= 1 && (size_t) command <= S_COUNT? %s [command - 1].name: NULL;",
                          p->commands_var);
  moped_code_writer_lines (w, "}\n\n\nint");
  moped_code_writer_line (w, "%s (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to, int command, "
                          "const char *topic)", p->send_sample_fn);
  moped_code_writer_lines (w,
    "{\n"
    "    if (command < 1 || (size_t) command > S_COUNT) {\n"
    "        errno = EINVAL;\n"
    "        return -1;\n"
    "    }\n");
  moped_code_writer_line (w, "    return wire_send_sample (output, envelope, to, &%s [command - 1], topic);",
                          p->commands_var);
  moped_code_writer_line (w, "}");
  write_test (w, p);
  _moped_c_output_add (outputs, path, moped_code_writer_finish (w));
}

void
_moped_c_generate_codecs (MopedCModel *model,
                          GPtrArray   *outputs)
{
  for (guint i = 0; i < model->protocols->len; i++)
    {
      MopedCProtocol *p = g_ptr_array_index (model->protocols, i);

      write_header (model, p, outputs);
      write_source (model, p, outputs);
    }
}
