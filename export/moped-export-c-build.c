/* moped-export-c-build.c: generating the meson project, the README and a benchmark per link.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-export-c-private.h"
#include "moped-schema.h"

#define LINE(...) moped_code_writer_line (w, __VA_ARGS__)

/* ---- bench/bench_LINK.c ------------------------------------------------------------------ */

static gboolean
is_request_reply (MopedCSocket *a,
                  MopedCSocket *b)
{
  return a->type == MOPED_SOCKET_REQ || a->type == MOPED_SOCKET_REP ||
         b->type == MOPED_SOCKET_REQ || b->type == MOPED_SOCKET_REP;
}

/* The throughput the link's requirements ask for, 0 when none does; and the latency
 * in msecs (@latency, 0 when none). */
static double
link_target (MopedCModel *model,
             MopedCLink  *link,
             GPtrArray   *requirements,
             double      *latency)
{
  double target = 0;

  *latency = 0;

  for (guint i = 0; i < model->requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (model->requirements, i);

      if (moped_element_get_ref (r, MOPED_PROP_TARGET) != link->element)
        continue;
      g_ptr_array_add (requirements, r);
      if (target == 0 && moped_element_get_enum (r, MOPED_PROP_METRIC) == MOPED_METRIC_THROUGHPUT)
        target = moped_element_get_double (r, MOPED_PROP_VALUE);
      if (*latency == 0 && moped_element_get_enum (r, MOPED_PROP_METRIC) == MOPED_METRIC_LATENCY)
        {
          const char *unit = moped_element_get_string (r, MOPED_PROP_UNIT);
          double value = moped_element_get_double (r, MOPED_PROP_VALUE);

          *latency = g_str_equal (unit, "s") ? value * 1000 : g_str_equal (unit, "us") ? value / 1000 : value;
        }
    }
  return target;
}

static void
write_bench_setup (MopedCodeWriter *w,
                   const char      *function,
                   MopedCSocket    *socket,
                   const char      *identity)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("static zsock_t *");
  LINE ("%s (void)", function);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("zsock_t *socket = zsock_new (%s);", socket->info->zmq_name);
  LINE ("assert (socket);");
  if (_moped_c_has_routing_id (socket->type))
    LINE ("zsock_set_identity (socket, \"%s\");", identity);
  if (socket->type == MOPED_SOCKET_ROUTER)
    LINE ("zsock_set_router_mandatory (socket, 1);");
  if (_moped_c_is_publisher (socket) || _moped_c_is_subscriber (socket))
    {
      moped_code_writer_comment (w, "Measure delivery, not dropping: no high-water mark");
      LINE ("zsock_set_sndhwm (socket, 0);");
      LINE ("zsock_set_rcvhwm (socket, 0);");
    }
  if (socket->type == MOPED_SOCKET_SUB)
    LINE ("zsock_set_subscribe (socket, \"\");");
  LINE ("return socket;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

static const char bench_common_text[] =
  "\n"
  "\n"
  "//  Send a sample, retrying while a ROUTER does not know its peer yet\n"
  "static int\n"
  "s_send (zsock_t *output, const wire_peer_t *to)\n"
  "{\n"
  "    int64_t deadline = zclock_mono () + 5000;\n"
  "    int rc;\n"
  "    while ((rc = S_SEND_SAMPLE (output, to, S_COMMAND, NULL)) == -1\n"
  "       &&  zmq_errno () == EHOSTUNREACH && zclock_mono () < deadline)\n"
  "        zclock_sleep (1);\n"
  "    return rc;\n"
  "}\n"
  "\n"
  "\n"
  "//  Receive one message of the protocol (probes of the subscription handshake\n"
  "//  are skipped)\n"
  "static int\n"
  "s_recv (wire_msg_t *msg, zsock_t *input)\n"
  "{\n"
  "    int rc;\n"
  "    do\n"
  "        rc = wire_msg_recv (msg, input);\n"
  "    while (rc == 0 && wire_msg_is_probe (msg));\n"
  "    return rc == 0? S_DECODE (msg): -1;\n"
  "}\n";

static const char bench_stream_text[] =
  "\n"
  "\n"
  "//  The sending side, in its own thread: probes until told to go (a\n"
  "//  publisher's subscription takes a moment), then sends count messages\n"
  "static void\n"
  "s_sender (zsock_t *pipe, void *args)\n"
  "{\n"
  "    const char *endpoint = (const char *) args;\n"
  "    zsock_t *output = s_sender_new ();\n"
  "    int rc = zsock_connect (output, \"%s\", endpoint);\n"
  "    zsock_signal (pipe, rc == 0? 0: 1);\n"
  "    while (S_PUBLISHES && !(zsock_events (pipe) & ZMQ_POLLIN)) {\n"
  "        wire_send_probe (output, \"\");\n"
  "        zclock_sleep (1);\n"
  "    }\n"
  "    int64_t count = 0;\n"
  "    if (zsock_recv (pipe, \"8\", &count) == 0) {\n"
  "        wire_peer_t to = wire_peer (\"receiver\", false);\n"
  "        int64_t index;\n"
  "        for (index = 0; index < count; index++)\n"
  "            if (s_send (output, &to) == -1)\n"
  "                break;\n"
  "    }\n"
  "    char *command = zstr_recv (pipe);\n"
  "    zstr_free (&command);\n"
  "    zsock_destroy (&output);\n"
  "}\n"
  "\n"
  "\n"
  "static double\n"
  "s_run (zsock_t *input, const char *endpoint, int64_t count)\n"
  "{\n"
  "    zactor_t *sender = zactor_new (s_sender, (void *) endpoint);\n"
  "    assert (sender);\n"
  "    wire_msg_t *msg = wire_msg_new ();\n"
  "    //  Wait for the first probe: from then on nothing is dropped\n"
  "    if (S_PUBLISHES && wire_msg_recv (msg, input) == -1)\n"
  "        count = 0;\n"
  "    int64_t start = zclock_usecs ();\n"
  "    zsock_send (sender, \"8\", count);\n"
  "    int64_t index;\n"
  "    for (index = 0; index < count; index++)\n"
  "        if (s_recv (msg, input) != S_COMMAND)\n"
  "            break;\n"
  "    int64_t elapsed = zclock_usecs () - start;\n"
  "    wire_msg_destroy (&msg);\n"
  "    zactor_destroy (&sender);\n"
  "    if (index < count) {\n"
  "        fprintf (stderr, \"only %\" PRId64 \" of %\" PRId64 \" messages arrived\\n\", index, count);\n"
  "        return -1;\n"
  "    }\n"
  "    return elapsed > 0? count * 1e6 / elapsed: 0;\n"
  "}\n";

static const char bench_round_trip_text[] =
  "\n"
  "\n"
  "//  Request and reply in turns, in one thread: the rate is round trips\n"
  "static double\n"
  "s_run (zsock_t *input, const char *endpoint, int64_t count)\n"
  "{\n"
  "    zsock_t *output = s_sender_new ();\n"
  "    if (zsock_connect (output, \"%s\", endpoint) == -1) {\n"
  "        zsock_destroy (&output);\n"
  "        return -1;\n"
  "    }\n"
  "    wire_msg_t *msg = wire_msg_new ();\n"
  "    wire_peer_t to = wire_peer (\"receiver\", S_DELIMITER);\n"
  "    int64_t start = zclock_usecs ();\n"
  "    int64_t index;\n"
  "    for (index = 0; index < count; index++) {\n"
  "        if (s_send (output, &to) == -1\n"
  "        ||  s_recv (msg, input) != S_COMMAND\n"
  "        ||  s_send (input, wire_msg_peer (msg)) == -1\n"
  "        ||  s_recv (msg, output) != S_COMMAND)\n"
  "            break;\n"
  "    }\n"
  "    int64_t elapsed = zclock_usecs () - start;\n"
  "    wire_msg_destroy (&msg);\n"
  "    zsock_destroy (&output);\n"
  "    if (index < count) {\n"
  "        fprintf (stderr, \"the round trips stopped after %\" PRId64 \"\\n\", index);\n"
  "        return -1;\n"
  "    }\n"
  "    return elapsed > 0? count * 1e6 / elapsed: 0;\n"
  "}\n";

static void
write_bench_main (MopedCodeWriter *w,
                  MopedCCommand   *command,
                  MopedCSocket    *sender,
                  MopedCSocket    *receiver,
                  gboolean         round_trip)
{
  g_autofree char *what = g_strdup_printf ("%s, %s to %s%s", _moped_c_name (command->element),
                                           sender->info->name, receiver->info->name,
                                           round_trip ? ", round trips" : "");
  g_autofree char *quoted = _moped_c_quote (what);

  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("int");
  LINE ("main (int argc, char *argv [])");
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("int64_t count = 100000;");
  LINE ("bool tcp = false;");
  LINE ("int argn;");
  LINE ("for (argn = 1; argn < argc; argn++) {");
  LINE ("    if (streq (argv [argn], \"-t\"))");
  LINE ("        tcp = true;");
  LINE ("    else");
  LINE ("    if (streq (argv [argn], \"-n\") && argn + 1 < argc)");
  LINE ("        count = atoll (argv [++argn]);");
  LINE ("    else {");
  LINE ("        printf (\"Usage: %%s [-t] [-n COUNT]\\n\", argv [0]);");
  LINE ("        printf (\"  -t        over tcp on the loopback, not inproc\\n\");");
  LINE ("        printf (\"  -n COUNT  messages to send (default 100000)\\n\");");
  LINE ("        return streq (argv [argn], \"-h\")? 0: 2;");
  LINE ("    }");
  LINE ("}");
  LINE ("zsock_t *input = s_receiver_new ();");
  LINE ("if (zsock_bind (input, \"%%s\", tcp? \"tcp://127.0.0.1:*\": \"inproc://bench\") == -1) {");
  LINE ("    zsock_destroy (&input);");
  LINE ("    return 2;");
  LINE ("}");
  LINE ("char *endpoint = zsock_last_endpoint (input);");
  LINE ("double rate = s_run (input, endpoint, count);");
  LINE ("zstr_free (&endpoint);");
  LINE ("zsock_destroy (&input);");
  LINE ("if (rate < 0)");
  LINE ("    return 2;");
  LINE ("printf (\"%%s over %%s: %%.0f msg/s\\n\", %s, tcp? \"tcp\": \"inproc\", rate);", quoted);
  LINE ("int status = 0;");
  LINE ("if (S_TARGET > 0) {");
  LINE ("    printf (\"throughput: required %%.0f msg/s, measured %%.0f msg/s: %%s\\n\", S_TARGET, rate,");
  LINE ("            rate >= S_TARGET? \"met\": \"NOT met\");");
  LINE ("    status = rate >= S_TARGET? status: 1;");
  LINE ("}");
  if (round_trip)
    {
      moped_code_writer_comment (w, "In turns, one message at a time: the mean round trip is the time per message");
      LINE ("double latency = rate > 0? 1000 / rate: 0;");
      LINE ("if (S_LATENCY > 0) {");
      LINE ("    printf (\"latency: required %%.3f ms, measured %%.3f ms per round trip: %%s\\n\", S_LATENCY,");
      LINE ("            latency, latency <= S_LATENCY? \"met\": \"NOT met\");");
      LINE ("    status = latency <= S_LATENCY? status: 1;");
      LINE ("}");
    }
  else
    {
      LINE ("if (S_LATENCY > 0)");
      LINE ("    printf (\"latency: required %%.3f ms, not measured (a one-way stream)\\n\", S_LATENCY);");
    }
  LINE ("return status;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

static void
write_bench (MopedCModel *model,
             MopedCLink  *link,
             GPtrArray   *outputs)
{
  MopedCSocket *sender = NULL, *receiver = NULL;
  MopedCCommand *command = _moped_c_link_bench_command (link, &sender, &receiver);
  g_autofree char *file = g_strdup_printf ("%s.c", link->bench);
  g_autofree char *job = g_strdup_printf ("messages per second over the link %s, to check its "
                                          "throughput requirement.", link->title);
  MopedCodeWriter *w;
  g_autoptr(GPtrArray) requirements = g_ptr_array_new ();
  double latency = 0;
  double target = link_target (model, link, requirements, &latency);
  g_autofree char *latency_text = NULL;
  gboolean round_trip = is_request_reply (sender, receiver);
  g_autofree char *path = g_strdup_printf ("bench/%s", file);
  g_autofree char *target_text = g_strdup_printf ("%.15g", target);

  /* In turns, the side that must speak first (REQ, or the DEALER of a REP) sends. */
  if (round_trip && (receiver->type == MOPED_SOCKET_REQ ||
                     (receiver->type == MOPED_SOCKET_DEALER && sender->type == MOPED_SOCKET_REP)))
    {
      MopedCSocket *swap = sender;

      sender = receiver;
      receiver = swap;
    }
  w = _moped_c_writer_begin (model, file, job, FALSE);
  LINE ("//");
  moped_code_writer_comment (w, "It sends the samples of one command the link carries, over inproc or "
                                "(-t) tcp on the loopback, between two sockets of the link's types; "
                                "replace the samples by realistic messages to measure your own.");
  for (guint i = 0; i < requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (requirements, i);
      g_autofree char *value = moped_element_dup_value_text (r, MOPED_PROP_VALUE);
      g_autofree char *title = g_strdup_printf ("Requirement %s: %s %s", _moped_c_name (r), value,
                                                moped_element_get_string (r, MOPED_PROP_UNIT));

      moped_code_writer_comment_labelled (w, title, moped_element_get_string (r, MOPED_PROP_DESCRIPTION));
    }
  moped_code_writer_blank (w);
  LINE ("#include \"wire.h\"");
  LINE ("#include \"%s.h\"", command->protocol->ident);
  LINE ("#include <inttypes.h>");
  moped_code_writer_blank (w);
  LINE ("#define S_COMMAND %s", command->constant);
  LINE ("#define S_SEND_SAMPLE %s", command->protocol->send_sample_fn);
  LINE ("#define S_DECODE %s", command->protocol->decode_fn);
  LINE ("#define S_TARGET %s%s//  msg/s the requirements ask for (0: none)", target_text,
        strchr (target_text, '.') || strchr (target_text, 'e') ? "    " : ".0    ");
  latency_text = g_strdup_printf ("%.15g", latency);
  LINE ("#define S_LATENCY %s%s//  msecs the requirements allow a round trip (0: none)", latency_text,
        strchr (latency_text, '.') || strchr (latency_text, 'e') ? "    " : ".0    ");
  LINE ("#define S_PUBLISHES %s", _moped_c_is_publisher (sender) ? "true" : "false");
  LINE ("#define S_DELIMITER %s", (sender->type == MOPED_SOCKET_DEALER && receiver->type == MOPED_SOCKET_REP)
                                  || sender->type == MOPED_SOCKET_REQ ? "true" : "false");
  write_bench_setup (w, "s_sender_new", sender, "sender");
  write_bench_setup (w, "s_receiver_new", receiver, "receiver");
  moped_code_writer_lines (w, bench_common_text);
  moped_code_writer_lines (w, round_trip ? bench_round_trip_text : bench_stream_text);
  write_bench_main (w, command, sender, receiver, round_trip);
  _moped_c_output_add (outputs, path, moped_code_writer_finish (w));
}

/* ---- meson.build ---------------------------------------------------------------------------- */

static void
write_meson (MopedCModel *model,
             GPtrArray   *outputs)
{
  MopedCodeWriter *w = moped_code_writer_new (2, "# ");
  g_autofree char *banner = g_strdup_printf ("meson.build: builds the C skeleton of the design “%s”: a "
                                             "program per node, the self-test and the benchmarks, "
                                             "all with -Wall -Wextra -Werror.", model->design_name);

  moped_code_writer_comment (w, banner);
  LINE ("#");
  moped_code_writer_comment (w, "Generated by Moped. Do not edit: every export rewrites this file.");
  LINE ("project('%s', 'c',", model->project);
  LINE ("  version: '0.1.0',");
  LINE ("  meson_version: '>= 0.56.0',");
  LINE ("  default_options: ['c_std=gnu11', 'warning_level=2', 'werror=true', 'b_ndebug=false'],");
  LINE (")");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "-iquote, not -I: a header named like a system one (a node called time) "
                                "must not hide the system's");
  LINE ("common = {");
  LINE ("  'c_args': ['-iquote', meson.current_source_dir() / 'include',");
  LINE ("             '-iquote', meson.current_source_dir() / 'src'],");
  LINE ("  'implicit_include_directories': false,");
  LINE ("  'dependencies': [dependency('libczmq'), dependency('libzmq')],");
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The codecs, the nodes' engines and your code, shared by every program");
  LINE ("skeleton = static_library('skeleton',");
  moped_code_writer_indent (w);
  LINE ("'src/wire.c',");
  for (guint i = 0; i < model->protocols->len; i++)
    LINE ("'src/%s.c',", ((MopedCProtocol *) g_ptr_array_index (model->protocols, i))->ident);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);

      LINE ("'src/%s.c',", n->engine_base);
      LINE ("'src/%s.c',", n->ident);
    }
  LINE ("kwargs: common,");
  moped_code_writer_dedent (w);
  LINE (")");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "A program per node");
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);

      LINE ("executable('%s', 'src/%s.c', link_with: skeleton, kwargs: common)", n->ident, n->main_base);
    }
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Every flow of the design, end to end");
  LINE ("selftest = executable('selftest', 'src/selftest.c', link_with: skeleton, kwargs: common)");
  LINE ("test('selftest', selftest, timeout: 300)");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Every flow again with your handlers running: it fails, naming the next "
                                "function to write, until the nodes do what the flows say");
  LINE ("test('flows', selftest, args: ['--flows'], timeout: 120)");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Your tests (tests/, written by the first export, then yours)");
  LINE ("if import('fs').is_file('tests/meson.build')");
  LINE ("  subdir('tests')");
  LINE ("endif");
  for (guint i = 0; i < model->links->len; i++)
    {
      MopedCLink *l = g_ptr_array_index (model->links, i);
      g_autofree char *title = NULL;

      if (l->bench == NULL)
        continue;
      title = g_strdup_printf ("Messages per second over %s (meson test --benchmark)", l->title);
      moped_code_writer_blank (w);
      moped_code_writer_comment (w, title);
      LINE ("%s = executable('%s', 'bench/%s.c', link_with: skeleton, kwargs: common)", l->bench, l->bench,
            l->bench);
      LINE ("benchmark('%s', %s)", l->bench, l->bench);
    }
  _moped_c_output_add (outputs, "meson.build", moped_code_writer_finish (w));
}

/* ---- README.md ------------------------------------------------------------------------------ */

static void
markdown_item (GString    *s,
               const char *path,
               const char *text)
{
  g_autofree char *escaped = moped_markdown_text (text);

  g_string_append_printf (s, "- `%s`: %s\n", path, escaped);
}

static void
write_readme (MopedCModel *model,
              GPtrArray   *outputs)
{
  GString *s = g_string_new (NULL);
  g_autofree char *title = moped_markdown_text (model->design_name);
  MopedElement *root = moped_design_get_root (model->design);
  g_autofree char *summary = moped_markdown_text (moped_element_get_string (root, MOPED_PROP_SUMMARY));
  g_autofree char *goals = moped_markdown_text (moped_element_get_string (root, MOPED_PROP_GOALS));

  g_string_append_printf (s, "# %s: C skeleton\n\n", title);
  g_string_append (s, "Generated by Moped from the design. The files marked as yours below are written "
                      "once and never overwritten; every other file is rewritten on every export, "
                      "so do not edit those.\n\n");
  if (*summary != '\0')
    g_string_append_printf (s, "%s\n\n", summary);
  if (*goals != '\0')
    g_string_append_printf (s, "Goals: %s\n\n", goals);
  g_string_append (s,
    "## Building and testing\n\n"
    "It needs czmq 4.2 and libzmq 4.3 (their stable API only) and meson:\n\n"
    "    meson setup build\n"
    "    ninja -C build\n"
    "    meson test -C build              # the self-test and your tests\n"
    "    meson test -C build selftest     # the self-test: every flow, end to end\n"
    "    build/selftest -v                # the same, step by step\n"
    "    meson test -C build --benchmark  # messages per second over each link\n\n"
    "## The loop\n\n"
    "`meson test -C build flows` plays every flow again with your handlers running:\n"
    "the test sends the first step of each flow, your code must send the rest, and a\n"
    "tap inside the engine checks each step arrives, in order, within 500 ms. On a\n"
    "fresh skeleton it fails with one line naming the step and the function to write.\n"
    "The first export wrote `tests/` (yours, never touched again): its first test\n"
    "starts every node and calls the API method that begins the design's first flow.\n"
    "It fails on the fresh skeleton and says which function to write, in which file.\n"
    "Write it, run `meson test -C build first` again, and grow the nodes one function\n"
    "at a time; add a test to `tests/meson.build` for each next thing the design\n"
    "promises. An API method runs in its node's thread; one that waits for a reply\n"
    "calls the engine's defer function and answers later, from the reply's handler,\n"
    "with the method's answer function. A node acts on its own from its start hook\n"
    "(`NODE_state_start`, once it runs), which may set timers, one-shot or repeating,\n"
    "run in the node's thread (`NODE_engine_timer_set`); its stop hook runs before its\n"
    "sockets close. The self-test checks the wiring only: it calls neither.\n\n"
    "Each node has a program that runs it until Ctrl-C; `-h` lists its options,\n"
    "such as `SOCKET=ENDPOINTS` to bind or connect elsewhere than the design says.\n\n"
    "## Yours\n\n"
    "Moped appends the handler stub of each command the design gains to the end of\n"
    "these files, and never changes what is there; a handler whose command left the\n"
    "design is reported by the export, not deleted.\n\n");
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);
      g_autofree char *path = g_strdup_printf ("src/%s.c", n->ident);
      g_autofree char *text = g_strdup_printf ("what %s does: its state, a handler per command it receives "
                                               "(%u), its API methods (%u)", _moped_c_name (n->element),
                                               n->handlers->len, n->methods->len);

      markdown_item (s, path, text);
    }
  g_string_append (s, "\n## Generated\n\n");
  markdown_item (s, "meson.build", "builds everything with -Wall -Wextra -Werror");
  markdown_item (s, "moped-export.manifest", "what Moped wrote, so that later exports recognise files "
                                             "edited by hand");
  markdown_item (s, "include/wire.h, src/wire.c", "how messages travel: envelopes for each socket type, "
                                                  "one frame per field; shared by every codec");
  for (guint i = 0; i < model->protocols->len; i++)
    {
      MopedCProtocol *p = g_ptr_array_index (model->protocols, i);
      g_autofree char *path = g_strdup_printf ("include/%s.h, src/%s.c", p->ident, p->ident);
      g_autofree char *text = g_strdup_printf ("the codec of protocol %s: a send and a get function per "
                                               "command (%u)", _moped_c_name (p->element), p->commands->len);

      markdown_item (s, path, text);
    }
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);
      g_autofree char *api = g_strdup_printf ("include/%s.h", n->ident);
      g_autofree char *engine = g_strdup_printf ("src/%s.h, src/%s.c", n->engine_base, n->engine_base);
      g_autofree char *main_file = g_strdup_printf ("src/%s.c", n->main_base);
      g_autofree char *api_text = g_strdup_printf ("the public API of %s: start, stop, API methods",
                                                   _moped_c_name (n->element));
      g_autofree char *engine_text = g_strdup_printf ("the engine of %s: its sockets and loop, a send "
                                                      "function per command it sends", _moped_c_name (n->element));
      g_autofree char *main_text = g_strdup_printf ("the program that runs one %s", _moped_c_name (n->element));

      markdown_item (s, api, api_text);
      markdown_item (s, engine, engine_text);
      markdown_item (s, main_file, main_text);
    }
  markdown_item (s, "src/selftest.c", "starts every node in one process on inproc endpoints, plays every "
                                      "flow and checks that each message arrives where and in the order "
                                      "the flow says");
  for (guint i = 0; i < model->links->len; i++)
    {
      MopedCLink *l = g_ptr_array_index (model->links, i);
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;

      if (l->bench == NULL)
        continue;
      path = g_strdup_printf ("bench/%s.c", l->bench);
      text = g_strdup_printf ("messages per second over %s", l->title);
      markdown_item (s, path, text);
    }
  if (model->requirements->len > 0)
    g_string_append (s, "\n## Requirements\n\n");
  for (guint i = 0; i < model->requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (model->requirements, i);
      MopedElement *target = moped_element_get_ref (r, MOPED_PROP_TARGET);
      g_autofree char *value = moped_element_dup_value_text (r, MOPED_PROP_VALUE);
      g_autofree char *metric = moped_element_dup_value_text (r, MOPED_PROP_METRIC);
      g_autofree char *text = NULL;
      g_autofree char *escaped = NULL;
      const char *on = "the design";
      MopedCLink *link = target != NULL ? g_hash_table_lookup (model->by_element, target) : NULL;

      if (target != NULL && moped_element_get_kind (target) == MOPED_KIND_NODE)
        on = _moped_c_name (target);
      else if (link != NULL)
        on = link->title;
      text = g_strdup_printf ("%s (%s, on %s): %s %s. %s", _moped_c_name (r), metric, on, value,
                              moped_element_get_string (r, MOPED_PROP_UNIT),
                              moped_element_get_string (r, MOPED_PROP_DESCRIPTION));
      escaped = moped_markdown_text (text);
      g_string_append_printf (s, "- %s\n", escaped);
    }
  g_string_append (s,
    "\n## On the wire\n\n"
    "A message is an envelope (a routing id on ROUTER sockets, an empty delimiter\n"
    "for REQ and REP peers, a topic frame on PUB sockets: the command's first string\n"
    "field, or its name), a frame with the command's name, then one frame per\n"
    "field. `include/wire.h` describes the encoding of each field type.\n");
  _moped_c_output_add (outputs, "README.md", g_string_free (s, FALSE));
}

void
_moped_c_generate_build (MopedCModel *model,
                         GPtrArray   *outputs)
{
  write_meson (model, outputs);
  write_readme (model, outputs);
}

void
_moped_c_generate_bench (MopedCModel *model,
                         MopedCLink  *link,
                         GPtrArray   *outputs)
{
  if (link->bench != NULL)
    write_bench (model, link, outputs);
}
