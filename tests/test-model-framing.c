/* test-model-framing.c: the frames of one message (moped-framing.c) and the framing checks.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "moped-design.h"
#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-framing.h"
#include "moped-schema.h"

/* A broker with one ROUTER for two protocols (the Guide's Majordomo broker), their
 * framing given by @client_framing and @worker_framing (attributes), and a publisher. */
static MopedDesign *
load_design (const char *client_framing,
             const char *worker_framing,
             const char *extra_commands)
{
  g_autofree char *text = g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<design format=\"2\" name=\"T\">\n"
    "  <node id=\"client\" name=\"client\">\n"
    "    <socket id=\"client-req\" name=\"broker\" type=\"REQ\"/>\n"
    "  </node>\n"
    "  <node id=\"broker\" name=\"broker\">\n"
    "    <socket id=\"broker-router\" name=\"router\" type=\"ROUTER\" mode=\"bind\"/>\n"
    "  </node>\n"
    "  <node id=\"worker\" name=\"worker\">\n"
    "    <socket id=\"worker-dealer\" name=\"broker\" type=\"DEALER\"/>\n"
    "  </node>\n"
    "  <link id=\"l1\" from=\"client-req\" to=\"broker-router\" endpoint=\"tcp://*:5555\" protocol=\"pc\" from-role=\"pc.client\" to-role=\"pc.broker\"/>\n"
    "  <link id=\"l2\" from=\"worker-dealer\" to=\"broker-router\" endpoint=\"tcp://*:5556\" protocol=\"pw\" from-role=\"pw.worker\" to-role=\"pw.broker\"/>\n"
    "  <protocol id=\"pc\" name=\"Client\" %s>\n"
    "    <role id=\"pc.client\" name=\"client\"/>\n"
    "    <role id=\"pc.broker\" name=\"broker\"/>\n"
    "    <command id=\"c-request\" name=\"REQUEST\" sender=\"pc.client\">\n"
    "      <field id=\"c-request-service\" name=\"service\"/>\n"
    "      <field id=\"c-request-body\" name=\"body\" type=\"frame\"/>\n"
    "    </command>\n"
    "    <command id=\"c-reply\" name=\"REPLY\" sender=\"pc.broker\">\n"
    "      <field id=\"c-reply-service\" name=\"service\"/>\n"
    "      <field id=\"c-reply-body\" name=\"body\" type=\"frame\"/>\n"
    "    </command>\n"
    "  </protocol>\n"
    "  <protocol id=\"pw\" name=\"Worker\" %s>\n"
    "    <role id=\"pw.worker\" name=\"worker\"/>\n"
    "    <role id=\"pw.broker\" name=\"broker\"/>\n"
    "    <command id=\"w-ready\" name=\"READY\" sender=\"pw.worker\">\n"
    "      <field id=\"w-ready-service\" name=\"service\"/>\n"
    "    </command>\n"
    "    <command id=\"w-request\" name=\"REQUEST\" sender=\"pw.broker\">\n"
    "      <field id=\"w-request-client\" name=\"client\" type=\"frame\"/>\n"
    "      <field id=\"w-request-number\" name=\"count\" type=\"number\"/>\n"
    "      <field id=\"w-request-body\" name=\"body\" type=\"bytes\"/>\n"
    "    </command>\n"
    "%s"
    "  </protocol>\n"
    "</design>\n", client_framing, worker_framing, extra_commands ? extra_commands : "");
  g_autoptr(GError) error = NULL;
  MopedDesign *design = moped_file_load_data (text, -1, "t.moped", &error);

  g_assert_no_error (error);
  return design;
}

static GPtrArray *
codes (MopedDesign *design,
       const char  *code)
{
  g_autoptr(GPtrArray) diags = moped_validate (design);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);

      if (g_strcmp0 (d->code, code) == 0)
        {
          g_assert_cmpint (d->severity, ==, MOPED_SEVERITY_ERROR);
          g_assert_nonnull (d->hint);
          g_ptr_array_add (found, g_strdup_printf ("%s|%s", d->element_ids[0], d->message));
        }
    }
  return found;
}

static GBytes *
bytes_of (const char *data,
          gsize       size)
{
  return g_bytes_new (data, size);
}

static void
assert_frame (GPtrArray     *frames,
              guint          index,
              MopedFrameKind kind,
              const char    *value,
              gsize          size)
{
  MopedFrame *frame;

  g_assert_cmpuint (index, <, frames->len);
  frame = g_ptr_array_index (frames, index);
  g_assert_cmpint (frame->kind, ==, kind);
  if (value != NULL)
    {
      g_autoptr(GBytes) expected = bytes_of (value, size);

      g_assert_nonnull (frame->value);
      g_assert_true (g_bytes_equal (frame->value, expected));
    }
}

/* Format 1's wire format is the default: command name, one frame per field; REQ/REP's
 * delimiter belongs to the sockets, a DEALER talking to REP adds it itself. */
static void
test_default_frames (void)
{
  g_autoptr(MopedDesign) d = load_design ("", "", NULL);
  MopedElement *ready = moped_design_lookup (d, "w-ready");
  g_autoptr(GPtrArray) dr = moped_framing_get_frames (ready, MOPED_SOCKET_DEALER, MOPED_SOCKET_ROUTER);
  g_autoptr(GPtrArray) rr = moped_framing_get_frames (ready, MOPED_SOCKET_REQ, MOPED_SOCKET_REP);
  g_autoptr(GPtrArray) dp = moped_framing_get_frames (ready, MOPED_SOCKET_DEALER, MOPED_SOCKET_REP);
  g_autoptr(GPtrArray) ps = moped_framing_get_frames (ready, MOPED_SOCKET_PUB, MOPED_SOCKET_SUB);
  MopedFrame *delim;

  g_assert_cmpuint (dr->len, ==, 2);
  assert_frame (dr, 0, MOPED_FRAME_COMMAND, "READY", 5);
  assert_frame (dr, 1, MOPED_FRAME_FIELD, NULL, 0);

  g_assert_cmpuint (rr->len, ==, 3);
  assert_frame (rr, 0, MOPED_FRAME_DELIMITER, "", 0);
  delim = g_ptr_array_index (rr, 0);
  g_assert_cmpint (delim->sender, ==, MOPED_FRAME_BY_SOCKET);
  g_assert_cmpint (delim->receiver, ==, MOPED_FRAME_BY_SOCKET);
  delim = g_ptr_array_index (dp, 0);
  g_assert_cmpint (delim->kind, ==, MOPED_FRAME_DELIMITER);
  g_assert_cmpint (delim->sender, ==, MOPED_FRAME_BY_APPLICATION);
  g_assert_cmpint (delim->receiver, ==, MOPED_FRAME_BY_SOCKET);

  /* A publisher's topic frame: the first string field (its value varies). */
  g_assert_cmpuint (ps->len, ==, 3);
  assert_frame (ps, 0, MOPED_FRAME_TOPIC, NULL, 0);
  g_assert_true (((MopedFrame *) g_ptr_array_index (ps, 0))->field == moped_design_lookup (d, "w-ready-service"));
}

/* 7/MDP's worker messages: an empty frame, "MDPW01", the command byte, the fields. */
static void
test_mdp_frames (void)
{
  g_autoptr(MopedDesign) d = load_design ("header=\"MDPC01\" command-id=\"none\" delimiter=\"always\"",
                                          "header=\"MDPW01\" command-id=\"byte\" delimiter=\"always\"",
                                          "    <command id=\"w-reply\" name=\"REPLY\" sender=\"pw.worker\" number=\"3\"/>\n"
                                          "    <command id=\"w-beat\" name=\"HEARTBEAT\"/>\n");
  g_autoptr(GPtrArray) ready = moped_framing_get_frames (moped_design_lookup (d, "w-ready"),
                                                         MOPED_SOCKET_DEALER, MOPED_SOCKET_ROUTER);
  g_autoptr(GPtrArray) beat = moped_framing_get_frames (moped_design_lookup (d, "w-beat"),
                                                        MOPED_SOCKET_ROUTER, MOPED_SOCKET_DEALER);
  g_autoptr(GPtrArray) request = moped_framing_get_frames (moped_design_lookup (d, "c-request"),
                                                           MOPED_SOCKET_REQ, MOPED_SOCKET_ROUTER);
  g_autoptr(GPtrArray) clash = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  MopedFrame *delim;

  g_assert_cmpuint (ready->len, ==, 4);
  assert_frame (ready, 0, MOPED_FRAME_DELIMITER, "", 0);
  delim = g_ptr_array_index (ready, 0);
  g_assert_cmpint (delim->sender, ==, MOPED_FRAME_BY_APPLICATION);
  g_assert_cmpint (delim->receiver, ==, MOPED_FRAME_BY_APPLICATION);
  assert_frame (ready, 1, MOPED_FRAME_HEADER, "MDPW01", 6);
  assert_frame (ready, 2, MOPED_FRAME_COMMAND, "\001", 1);
  assert_frame (ready, 3, MOPED_FRAME_FIELD, NULL, 0);
  /* Numbers: explicit, else the previous one's + 1. */
  g_assert_cmpuint (beat->len, ==, 3);
  assert_frame (beat, 2, MOPED_FRAME_COMMAND, "\004", 1);
  /* The client protocol: REQ adds the empty frame; no command frame. */
  g_assert_cmpuint (request->len, ==, 4);
  delim = g_ptr_array_index (request, 0);
  g_assert_cmpint (delim->sender, ==, MOPED_FRAME_BY_SOCKET);
  g_assert_cmpint (delim->receiver, ==, MOPED_FRAME_BY_APPLICATION);
  assert_frame (request, 1, MOPED_FRAME_HEADER, "MDPC01", 6);
  assert_frame (request, 2, MOPED_FRAME_FIELD, NULL, 0);
  assert_frame (request, 3, MOPED_FRAME_FIELD, NULL, 0);

  g_assert_true (moped_framing_tell_apart (moped_design_lookup (d, "pc"), moped_design_lookup (d, "pw"),
                                           MOPED_SOCKET_ROUTER));
  clash = codes (d, "framing-indistinguishable");
  g_assert_cmpuint (clash->len, ==, 0);
  missing = codes (d, "command-id-missing");
  g_assert_cmpuint (missing->len, ==, 0);
}

/* zproto's layout: one frame of signature, id and fields; a frame field after it. */
static void
test_packed_frames (void)
{
  g_autoptr(MopedDesign) d = load_design ("", "encoding=\"packed\" command-id=\"byte\" signature=\"5\"", NULL);
  MopedElement *request = moped_design_lookup (d, "w-request");
  g_autoptr(GPtrArray) frames = moped_framing_get_frames (request, MOPED_SOCKET_ROUTER, MOPED_SOCKET_DEALER);
  g_autoptr(GPtrArray) pub = moped_framing_get_frames (request, MOPED_SOCKET_PUB, MOPED_SOCKET_SUB);
  MopedFrame *packed;
  guint size = 1;

  g_assert_cmpuint (frames->len, ==, 2);
  packed = g_ptr_array_index (frames, 0);
  g_assert_cmpint (packed->kind, ==, MOPED_FRAME_PACKED);
  g_assert_cmpuint (packed->parts->len, ==, 4);
  g_assert_cmpint (g_array_index (packed->parts, MopedFramePart, 0).kind, ==, MOPED_PART_SIGNATURE);
  g_assert_cmpint (g_array_index (packed->parts, MopedFramePart, 1).kind, ==, MOPED_PART_COMMAND);
  g_assert_true (g_array_index (packed->parts, MopedFramePart, 2).field == moped_design_lookup (d, "w-request-number"));
  g_assert_true (g_array_index (packed->parts, MopedFramePart, 3).field == moped_design_lookup (d, "w-request-body"));
  assert_frame (frames, 1, MOPED_FRAME_FIELD, NULL, 0);
  g_assert_true (((MopedFrame *) g_ptr_array_index (frames, 1))->field == moped_design_lookup (d, "w-request-client"));
  g_assert_cmpuint (moped_command_get_wire_id (request), ==, 2);
  g_assert_cmpstr (moped_field_packing (MOPED_FIELD_NUMBER, &size), ==, "8 bytes, network order");
  g_assert_cmpuint (size, ==, 8);
  g_assert_cmpstr (moped_field_zproto_type (MOPED_FIELD_BYTES), ==, "chunk");

  /* On PUB: zproto's pubsub layout, id then topic, no topic frame of its own. */
  packed = g_ptr_array_index (pub, 0);
  g_assert_cmpint (packed->kind, ==, MOPED_FRAME_PACKED);
  g_assert_cmpint (g_array_index (packed->parts, MopedFramePart, 0).kind, ==, MOPED_PART_COMMAND);
  g_assert_cmpint (g_array_index (packed->parts, MopedFramePart, 1).kind, ==, MOPED_PART_TOPIC);
  g_assert_null (g_array_index (packed->parts, MopedFramePart, 1).field);  /* no string field: the name */
}

/* A msg field is the rest of the message: its frames come last, after a packed frame's
 * frame fields too (as zproto's codec sends them), and it is never packed. */
static void
test_msg_frames (void)
{
  const char *extra = "    <command id=\"w-x\" name=\"X\" number=\"7\">\n"
                      "      <field id=\"w-x-rest\" name=\"rest\" type=\"msg\"/>\n    </command>\n";
  g_autoptr(MopedDesign) d = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  MopedElement *x;
  MopedFrame *packed;

  d = load_design ("", "encoding=\"packed\" command-id=\"byte\"", extra);
  /* w-request with a frame field, a number, bytes: make its body the rest */
  moped_design_set_enum (d, moped_design_lookup (d, "w-request-body"), MOPED_PROP_TYPE, MOPED_FIELD_MSG);
  frames = moped_framing_get_frames (moped_design_lookup (d, "w-request"), MOPED_SOCKET_ROUTER, MOPED_SOCKET_DEALER);
  g_assert_cmpuint (frames->len, ==, 3);
  packed = g_ptr_array_index (frames, 0);
  g_assert_cmpuint (packed->parts->len, ==, 3);  /* signature, id, the number */
  g_assert_true (((MopedFrame *) g_ptr_array_index (frames, 1))->field == moped_design_lookup (d, "w-request-client"));
  g_assert_true (((MopedFrame *) g_ptr_array_index (frames, 2))->field == moped_design_lookup (d, "w-request-body"));
  g_clear_pointer (&frames, g_ptr_array_unref);

  x = moped_design_lookup (d, "w-x");
  frames = moped_framing_get_frames (x, MOPED_SOCKET_ROUTER, MOPED_SOCKET_DEALER);
  g_assert_cmpuint (frames->len, ==, 2);
  g_assert_cmpuint (((MopedFrame *) g_ptr_array_index (frames, 0))->parts->len, ==, 2);
  g_assert_cmpint (((MopedFrame *) g_ptr_array_index (frames, 1))->kind, ==, MOPED_FRAME_FIELD);
  g_assert_true (moped_field_type_is_frames (MOPED_FIELD_MSG) && moped_field_type_is_frames (MOPED_FIELD_FRAME));
  g_assert_false (moped_field_type_is_frames (MOPED_FIELD_BYTES));
  g_assert_cmpstr (moped_field_zproto_type (MOPED_FIELD_MSG), ==, "msg");
  g_assert_cmpstr (moped_field_type_get_name (MOPED_FIELD_MSG), ==, "msg");
}

static void
test_tell_apart (void)
{
  static const struct { const char *client, *worker, *extra; gboolean apart; } cases[] = {
    { "", "", NULL, FALSE },                                       /* both send REQUEST by name */
    { "", "", "", FALSE },
    { "header=\"A\"", "header=\"B\"", NULL, TRUE },
    { "header=\"A\"", "header=\"A\"", NULL, FALSE },
    { "header=\"41\" header-type=\"bytes\"", "header=\"A\"", NULL, FALSE },   /* same bytes */
    { "header=\"A\"", "", NULL, TRUE },                            /* "A" is no command name */
    { "header=\"READY\"", "", NULL, FALSE },                       /* ... "READY" is */
    { "command-id=\"byte\"", "command-id=\"byte\"", NULL, FALSE },
    { "command-id=\"byte\"", "command-id=\"word\"", NULL, TRUE },  /* one byte or two */
    { "command-id=\"byte\"", "command-id=\"none\"", NULL, FALSE }, /* none: anything */
    { "encoding=\"packed\" command-id=\"byte\" signature=\"1\"", "encoding=\"packed\" command-id=\"byte\" signature=\"2\"", NULL, TRUE },
    { "encoding=\"packed\" command-id=\"byte\"", "encoding=\"packed\" command-id=\"byte\"", NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MopedDesign) d = load_design (cases[i].client, cases[i].worker, cases[i].extra);
      g_autoptr(GPtrArray) found = codes (d, "framing-indistinguishable");

      g_test_message ("case %u", i);
      g_assert_cmpint (moped_framing_tell_apart (moped_design_lookup (d, "pc"), moped_design_lookup (d, "pw"),
                                                 MOPED_SOCKET_ROUTER), ==, cases[i].apart);
      g_assert_cmpuint (found->len, ==, cases[i].apart ? 0 : 1);
      if (!cases[i].apart)
        {
          const char *text = g_ptr_array_index (found, 0);

          g_assert_true (g_str_has_prefix (text, "broker-router|"));
          g_assert_nonnull (strstr (text, "Client"));
          g_assert_nonnull (strstr (text, "Worker"));
        }
    }
}

static void
test_checks (void)
{
  struct { const char *worker, *extra, *code, *main_id; } cases[] = {
    { "command-id=\"byte\"", "    <command id=\"w-x\" name=\"X\" number=\"1\"/>\n", "command-number-duplicate", "w-x" },
    { "command-id=\"byte\"", "    <command id=\"w-x\" name=\"X\" number=\"300\"/>\n", "command-number-invalid", "w-x" },
    { "command-id=\"word\"", "    <command id=\"w-x\" name=\"X\" number=\"300\"/>\n", NULL, NULL },
    { "encoding=\"packed\" command-id=\"byte\"", "    <command id=\"w-x\" name=\"X\" number=\"256\"/>\n", "command-number-invalid", "w-x" },
    { "command-id=\"none\"", NULL, NULL, NULL },  /* worker gets REQUEST only, broker READY only */
    { "command-id=\"none\"", "    <command id=\"w-x\" name=\"X\" sender=\"pw.broker\"/>\n", "command-id-missing", "pw" },
    { "command-id=\"none\"", "    <command id=\"w-x\" name=\"X\"/>\n", "command-id-missing", "pw" },
    { "header=\"4g\" header-type=\"bytes\"", NULL, "header-invalid", "pw" },
    { "header=\"4d4\" header-type=\"bytes\"", NULL, "header-invalid", "pw" },
    { "header=\"4d 44\" header-type=\"bytes\"", NULL, NULL, NULL },
    { "encoding=\"packed\" command-id=\"byte\" signature=\"16\"", NULL, "signature-invalid", "pw" },
    { "signature=\"3\"", NULL, "signature-invalid", "pw" },
    { "encoding=\"packed\"", NULL, "packed-command-id", "pw" },
    /* A msg field (the rest of the message) must come last, packed or not */
    { "command-id=\"byte\"", "    <command id=\"w-x\" name=\"X\" number=\"7\">\n"
                            "      <field id=\"w-x-rest\" name=\"rest\" type=\"msg\"/>\n"
                            "      <field id=\"w-x-after\" name=\"after\"/>\n    </command>\n",
      "msg-field-not-last", "w-x-rest" },
    { "encoding=\"packed\" command-id=\"byte\"", "    <command id=\"w-x\" name=\"X\" number=\"7\">\n"
                            "      <field id=\"w-x-rest\" name=\"rest\" type=\"msg\"/>\n"
                            "      <field id=\"w-x-more\" name=\"more\" type=\"msg\"/>\n    </command>\n",
      "msg-field-not-last", "w-x-rest" },
    { "encoding=\"packed\" command-id=\"byte\"", "    <command id=\"w-x\" name=\"X\" number=\"7\">\n"
                            "      <field id=\"w-x-frame\" name=\"frame\" type=\"frame\"/>\n"
                            "      <field id=\"w-x-rest\" name=\"rest\" type=\"msg\"/>\n    </command>\n",
      NULL, NULL },
  };
  static const char * const all[] = {
    "command-number-duplicate", "command-number-invalid", "command-id-missing", "header-invalid",
    "signature-invalid", "packed-command-id", "msg-field-not-last",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* The client protocol gets its own header so that only the case's check speaks. */
      g_autoptr(MopedDesign) d = load_design ("header=\"MDPC01\"", cases[i].worker, cases[i].extra);

      g_test_message ("case %u: %s", i, cases[i].worker);
      for (guint c = 0; c < G_N_ELEMENTS (all); c++)
        {
          g_autoptr(GPtrArray) found = codes (d, all[c]);

          if (g_strcmp0 (all[c], cases[i].code) == 0)
            {
              g_autofree char *prefix = g_strdup_printf ("%s|", cases[i].main_id);

              g_assert_cmpuint (found->len, ==, 1);
              g_assert_true (g_str_has_prefix (g_ptr_array_index (found, 0), prefix));
              /* The element is where the file says: check reports file:line from it. */
              g_assert_cmpuint (moped_element_get_line (moped_design_lookup (d, cases[i].main_id)), >, 1);
            }
          else
            g_assert_cmpuint (found->len, ==, 0);
        }
    }
}

/* A file of format 1 has no framing attributes and means today's wire format; format 2
 * writes only what differs from the defaults. */
static void
test_defaults_round_trip (void)
{
  g_autoptr(MopedDesign) d = load_design ("", "header=\"MDPW01\" command-id=\"byte\" delimiter=\"always\"",
                                          "    <command id=\"w-x\" name=\"X\" number=\"5\"/>\n");
  g_autofree char *text = moped_file_to_data (d, NULL);

  g_assert_nonnull (strstr (text, "<protocol id=\"pc\" name=\"Client\">"));
  g_assert_nonnull (strstr (text, "header=\"MDPW01\""));
  g_assert_nonnull (strstr (text, "command-id=\"byte\""));
  g_assert_nonnull (strstr (text, "delimiter=\"always\""));
  g_assert_nonnull (strstr (text, "number=\"5\""));
  g_assert_null (strstr (text, "encoding=\"multipart\""));
  g_assert_null (strstr (text, "number=\"0\""));
}

/* A DEALER linked to two sockets of one node sends each message to either: a step of
 * one protocol may reach the socket of the other (found by the property test). */
static void
test_round_robin_sockets (void)
{
  static const char text[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<design format=\"2\" name=\"T\">\n"
    "  <node id=\"a\" name=\"a\"><socket id=\"a-d\" name=\"out\" type=\"DEALER\"/></node>\n"
    "  <node id=\"b\" name=\"b\">\n"
    "    <socket id=\"b-1\" name=\"one\" type=\"DEALER\" mode=\"bind\"/>\n"
    "    <socket id=\"b-2\" name=\"two\" type=\"DEALER\" mode=\"bind\"/>\n"
    "  </node>\n"
    "  <link id=\"l1\" from=\"a-d\" to=\"b-1\" endpoint=\"tcp://*:6001\" protocol=\"p\" from-role=\"p.a\" to-role=\"p.b\"/>\n"
    "  <link id=\"l2\" from=\"a-d\" to=\"b-2\" endpoint=\"tcp://*:6002\" protocol=\"q\" from-role=\"q.a\" to-role=\"q.b\"/>\n"
    "  <protocol id=\"p\" name=\"P\" header=\"P\"><role id=\"p.a\" name=\"a\"/><role id=\"p.b\" name=\"b\"/>\n"
    "    <command id=\"p-x\" name=\"X\" sender=\"p.a\"/>\n"
    "    <flow id=\"pf\" name=\"pf\"><step id=\"ps\" from=\"p.a\" to=\"p.b\" command=\"p-x\"/></flow></protocol>\n"
    "  <protocol id=\"q\" name=\"Q\" header=\"Q\"><role id=\"q.a\" name=\"a\"/><role id=\"q.b\" name=\"b\"/>\n"
    "    <command id=\"q-x\" name=\"X\" sender=\"q.a\"/>\n"
    "    <flow id=\"qf\" name=\"qf\"><step id=\"qs\" from=\"q.a\" to=\"q.b\" command=\"q-x\"/></flow></protocol>\n"
    "</design>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) d = moped_file_load_data (text, -1, "t.moped", &error);
  g_autoptr(GPtrArray) found = NULL;

  g_assert_no_error (error);
  found = codes (d, "round-robin-receiver");
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (found, 0), "sockets of b that speak other protocols"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/framing/default-frames", test_default_frames);
  g_test_add_func ("/framing/mdp-frames", test_mdp_frames);
  g_test_add_func ("/framing/packed-frames", test_packed_frames);
  g_test_add_func ("/framing/tell-apart", test_tell_apart);
  g_test_add_func ("/framing/msg-frames", test_msg_frames);
  g_test_add_func ("/framing/checks", test_checks);
  g_test_add_func ("/framing/defaults-round-trip", test_defaults_round_trip);
  g_test_add_func ("/framing/round-robin-sockets", test_round_robin_sockets);
  return g_test_run ();
}
