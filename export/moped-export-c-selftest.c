/* moped-export-c-selftest.c: generating the self-test: all nodes in one process, every flow played and checked.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The nodes run in trace mode over inproc endpoints. For each step the self-test
 * asks the sending node to send a sample of the command over the step's socket,
 * then waits until it arrives at the node the flow names (and at the subscribers
 * a published message also reaches), with its fields intact. Repeated steps play
 * a few times; optional steps are taken.
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-export-c-private.h"
#include "moped-schema.h"

#define LINE(...) moped_code_writer_line (w, __VA_ARGS__)

/* How often a run of repeated steps is played (validation plays them twice). */
#define REPEATS 3

static guint
node_index (MopedCModel *model,
            MopedCNode  *node)
{
  guint index = 0;

  g_ptr_array_find (model->nodes, node, &index);
  return index;
}

static char *
place (MopedCModel  *model,
       MopedCSocket *socket)
{
  g_autofree char *label = _moped_c_quote (socket->ident);

  return g_strdup_printf ("{ %u, %s }", node_index (model, socket->node), label);
}

static guint
max_receivers (MopedCModel *model)
{
  guint most = 1;

  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);

      for (guint j = 0; j < f->steps->len; j++)
        {
          MopedCStep *s = g_ptr_array_index (f->steps, j);

          most = MAX (most, 1 + s->copies->len);
          most = MAX (most, s->alternatives->len);
        }
    }
  return most;
}

static void
write_types (MopedCodeWriter *w,
             MopedCModel     *model)
{
  {
    g_autofree char *nodes = g_strdup_printf ("#define S_NODES %u", model->nodes->len);
    g_autofree char *receivers = g_strdup_printf ("#define S_RECEIVERS %u", max_receivers (model) + 1);

    LINE ("%-31s //  Nodes started", nodes);
    LINE ("%-31s //  Most sockets one step reaches, + 1", receivers);
    LINE ("%-31s //  Msecs to wait for a message", "#define S_TIMEOUT 10000");
    LINE ("%-31s //  Flow tests: msecs for each step", "#define S_STEP_TIMEOUT 500");
    LINE ("%-31s //  Flow tests: messages kept for later steps", "#define S_BACKLOG 64");
  }
  moped_code_writer_blank (w);
  moped_code_writer_lines (w,
    "//  A socket of a node: the node's index and the socket's name\n"
    "typedef struct {\n"
    "    int node;                   //  -1 ends a list\n"
    "    const char *socket;\n"
    "} s_place_t;\n"
    "\n"
    "//  One step of a flow\n"
    "typedef struct {\n"
    "    int position;               //  In the flow, from 1\n"
    "    const char *text;           //  What happens, for people\n"
    "    s_place_t sender;\n"
    "    const char *command;        //  As the codec names it\n"
    "    const char *peer;           //  ROUTER senders: the receiver's routing id\n"
    "    const char *delimiter;      //  \"1\" when the receiver expects a REQ-style envelope\n"
    "    const char *topic;          //  PUB senders: the topic (\"\" for the sample)\n"
    "    bool any;                   //  Round-robin: it arrives at any one receiver\n"
    "    const char *skip;           //  Why the self-test cannot check it, or NULL\n"
    "    s_place_t receivers [S_RECEIVERS];\n"
    "    const char *advice;         //  Flow tests: what makes it happen, or NULL\n"
    "} s_step_t;\n"
    "\n"
    "//  A flow: its steps, and the order they are played in (-1 ends it)\n"
    "typedef struct {\n"
    "    const char *name;\n"
    "    const s_step_t *steps;\n"
    "    const int *order;\n"
    "} s_flow_t;\n"
    "\n"
    "//  A subscriber the self-test waits for before playing the flows\n"
    "typedef struct {\n"
    "    s_place_t publisher;\n"
    "    s_place_t subscriber;\n"
    "    const char *topic;\n"
    "} s_probe_t;\n"
    "\n"
    "typedef struct {\n"
    "    zactor_t *actors [S_NODES + 1];\n"
    "    const char *names [S_NODES + 1];\n"
    "    zpoller_t *poller;\n"
    "    bool verbose;\n"
    "    bool flows;                 //  --flows: your handlers run, only first steps are sent\n"
    "    s_place_t backlog [S_BACKLOG];  //  Flow tests: messages seen before their step\n"
    "    const char *backlog_commands [S_BACKLOG];\n"
    "    size_t backlog_used;\n"
    "} s_test_t;\n");
}

static char *
step_text (MopedCStep *s)
{
  g_autofree char *text = g_strdup_printf ("%s sends %s to %s", _moped_c_name (s->sender->node->element),
                                           _moped_c_name (s->command->element),
                                           _moped_c_name (s->receiver->node->element));

  return _moped_c_quote (text);
}

/* Flow tests: what to write so that step @s follows @prev. */
static char *
step_advice (MopedCStep *prev,
             MopedCStep *s)
{
  MopedCNode *node = s->sender->node;

  if (prev == NULL)
    return NULL;
  if (prev->receiver->node == node)
    for (guint i = 0; i < prev->receiver->handlers->len; i++)
      {
        MopedCHandler *h = g_ptr_array_index (prev->receiver->handlers, i);

        if (h->command == prev->command)
          return g_strdup_printf ("write %s in src/%s.c", h->fn, node->ident);
      }
  for (guint i = 0; i < s->sender->senders->len; i++)
    {
      MopedCSender *sender = g_ptr_array_index (s->sender->senders, i);

      if (sender->command == s->command)
        return g_strdup_printf ("have %s call %s after step %u (its start hook, a timer or a handler in "
                                "src/%s.c)", _moped_c_name (node->element), sender->fn, prev->position,
                                node->ident);
    }
  return NULL;
}

static void
write_step (MopedCodeWriter *w,
            MopedCModel     *model,
            MopedCStep      *prev,
            MopedCStep      *s)
{
  g_autofree char *advice_text = step_advice (prev, s);
  g_autofree char *advice = advice_text != NULL ? _moped_c_quote (advice_text) : g_strdup ("NULL");
  g_autofree char *text = step_text (s);
  g_autofree char *sender = place (model, s->sender);
  g_autofree char *command = _moped_c_quote (s->command->constant);
  g_autofree char *peer = _moped_c_quote (s->peer_id != NULL ? s->peer_id : "");
  g_autofree char *topic = _moped_c_quote (s->topic != NULL ? s->topic : "");
  g_autofree char *skip = s->skip_reason != NULL ? _moped_c_quote (s->skip_reason) : g_strdup ("NULL");
  GPtrArray *receivers = s->alternatives->len > 0 ? s->alternatives : NULL;
  g_autoptr(GString) places = g_string_new (NULL);

  if (receivers == NULL)
    {
      g_autofree char *first = place (model, s->receiver);

      g_string_append (places, first);
      for (guint i = 0; i < s->copies->len; i++)
        {
          g_autofree char *copy = place (model, g_ptr_array_index (s->copies, i));

          g_string_append_printf (places, ", %s", copy);
        }
    }
  else
    for (guint i = 0; i < receivers->len; i++)
      {
        g_autofree char *other = place (model, g_ptr_array_index (receivers, i));

        g_string_append_printf (places, "%s%s", i > 0 ? ", " : "", other);
      }
  LINE ("{ %u, %s,", s->position, text);
  LINE ("  %s, %s, %s, \"%d\", %s, %s, %s,", sender, command, peer, s->delimiter, topic,
        receivers != NULL ? "true" : "false", skip);
  LINE ("  { %s, { -1, NULL } }, %s },", places->str, advice);
}

/* The order steps are played in: each run of repeat-marked steps several times. */
static char *
play_order (MopedCFlow *f)
{
  GString *s = g_string_new ("{ ");
  guint i = 0;

  while (i < f->steps->len)
    {
      guint end = i;

      while (end < f->steps->len && ((MopedCStep *) g_ptr_array_index (f->steps, end))->repeat)
        end++;
      if (end == i)
        {
          g_string_append_printf (s, "%u, ", i);
          i++;
          continue;
        }
      for (guint round = 0; round < REPEATS; round++)
        for (guint j = i; j < end; j++)
          g_string_append_printf (s, "%u, ", j);
      i = end;
    }
  g_string_append (s, "-1 }");
  return g_string_free (s, FALSE);
}

static void
write_flows (MopedCodeWriter *w,
             MopedCModel     *model)
{
  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);
      g_autofree char *order = play_order (f);
      g_autofree char *title = g_strdup_printf ("Flow %s (%s)", _moped_c_name (f->element),
                                                _moped_c_name (f->protocol->element));

      moped_code_writer_blank (w);
      moped_code_writer_comment_labelled (w, title, moped_element_get_string (f->element, MOPED_PROP_DESCRIPTION));
      LINE ("static const s_step_t s_flow_%u_steps [] = {", i + 1);
      moped_code_writer_indent (w);
      for (guint j = 0; j < f->steps->len; j++)
        write_step (w, model, j > 0 ? g_ptr_array_index (f->steps, j - 1) : NULL, g_ptr_array_index (f->steps, j));
      LINE ("{ 0, NULL, { -1, NULL }, NULL, NULL, NULL, NULL, false, NULL, { { -1, NULL } }, NULL }");
      moped_code_writer_dedent (w);
      LINE ("};");
      LINE ("static const int s_flow_%u_order [] = %s;", i + 1, order);
    }
  moped_code_writer_blank (w);
  LINE ("static const s_flow_t s_flows [] = {");
  moped_code_writer_indent (w);
  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);
      g_autofree char *name = _moped_c_quote (_moped_c_name (f->element));

      LINE ("{ %s, s_flow_%u_steps, s_flow_%u_order },", name, i + 1, i + 1);
    }
  LINE ("{ NULL, NULL, NULL }");
  moped_code_writer_dedent (w);
  LINE ("};");
  moped_code_writer_blank (w);
  LINE ("static const s_probe_t s_probes [] = {");
  moped_code_writer_indent (w);
  for (guint i = 0; i < model->probes->len; i++)
    {
      MopedCProbe *p = g_ptr_array_index (model->probes, i);
      g_autofree char *publisher = place (model, p->publisher);
      g_autofree char *subscriber = place (model, p->subscriber);
      g_autofree char *topic = _moped_c_quote (p->topic != NULL ? p->topic : "");

      LINE ("{ %s, %s, %s },", publisher, subscriber, topic);
    }
  LINE ("{ { -1, NULL }, { -1, NULL }, NULL }");
  moped_code_writer_dedent (w);
  LINE ("};");
}

static const char play_text[] =
  "\n"
  "\n"
  "//  The next report from any node; NULL after timeout msecs\n"
  "static zmsg_t *\n"
  "s_next_event (s_test_t *test, int64_t timeout, int *node)\n"
  "{\n"
  "    void *which = zpoller_wait (test->poller, (int) (timeout > 0? timeout: 0));\n"
  "    if (!which)\n"
  "        return NULL;\n"
  "    for (*node = 0; *node < S_NODES; (*node)++)\n"
  "        if (which == test->actors [*node])\n"
  "            break;\n"
  "    return zmsg_recv (which);\n"
  "}\n"
  "\n"
  "\n"
  "static bool\n"
  "s_same_place (const s_place_t *place, int node, const char *socket)\n"
  "{\n"
  "    return place->node == node && streq (place->socket, socket);\n"
  "}\n"
  "\n"
  "\n"
  "//  The table's own strings for a socket and a command a report named (the\n"
  "//  report's copies are freed), or \"\" when the tables do not have them\n"
  "static const char *\n"
  "s_place_socket (int node, const char *socket)\n"
  "{\n"
  "    const s_flow_t *flow;\n"
  "    for (flow = s_flows; flow->name; flow++) {\n"
  "        const s_step_t *step;\n"
  "        for (step = flow->steps; step->text; step++) {\n"
  "            const s_place_t *place;\n"
  "            for (place = step->receivers; place->node >= 0; place++)\n"
  "                if (s_same_place (place, node, socket))\n"
  "                    return place->socket;\n"
  "        }\n"
  "    }\n"
  "    return \"\";\n"
  "}\n"
  "\n"
  "\n"
  "static const char *\n"
  "s_command_name (const char *command)\n"
  "{\n"
  "    const s_flow_t *flow;\n"
  "    for (flow = s_flows; flow->name; flow++) {\n"
  "        const s_step_t *step;\n"
  "        for (step = flow->steps; step->text; step++)\n"
  "            if (streq (step->command, command))\n"
  "                return step->command;\n"
  "    }\n"
  "    return \"\";\n"
  "}\n"
  "\n"
  "\n"
  "//  Play one step: have the sender send, then wait until every receiver has it.\n"
  "//  Returns 0, or -1 having printed what went wrong.\n"
  "static int\n"
  "s_play_step (s_test_t *test, const char *flow, const s_step_t *step, bool send)\n"
  "{\n"
  "    if (send)\n"
  "        zstr_sendx (test->actors [step->sender.node], \"$SEND\", step->sender.socket, step->command,\n"
  "                    step->peer, step->delimiter, step->topic, NULL);\n"
  "    bool sent = !send;\n"
  "    bool arrived [S_RECEIVERS] = { false };\n"
  "    size_t expected = 0;\n"
  "    while (step->receivers [expected].node >= 0)\n"
  "        expected++;\n"
  "    size_t received = 0;\n"
  "    //  Flow tests: a message that came before its step was waited for\n"
  "    size_t kept;\n"
  "    for (kept = 0; kept < test->backlog_used && received < (step->any? 1: expected); kept++) {\n"
  "        size_t index;\n"
  "        for (index = 0; index < expected; index++)\n"
  "            if (!arrived [index] && streq (test->backlog_commands [kept], step->command)\n"
  "            &&  s_same_place (&step->receivers [index], test->backlog [kept].node, test->backlog [kept].socket))\n"
  "                break;\n"
  "        if (index < expected) {\n"
  "            arrived [index] = true;\n"
  "            received++;\n"
  "            test->backlog_commands [kept] = \"\";\n"
  "        }\n"
  "    }\n"
  "    char problem [512] = \"\";\n"
  "    int64_t deadline = zclock_mono () + (test->flows? S_STEP_TIMEOUT: S_TIMEOUT);\n"
  "    while (!*problem && (!sent || received < (step->any? 1: expected))) {\n"
  "        int node = -1;\n"
  "        zmsg_t *event = s_next_event (test, deadline - zclock_mono (), &node);\n"
  "        if (!event && test->flows && sent) {\n"
  "            printf (\"flow \\\"%s\\\": step %d (%s) did not happen within %d ms: %s\\n\", flow, step->position,\n"
  "                    step->text, S_STEP_TIMEOUT, step->advice? step->advice: \"check the wiring (run the self-test)\");\n"
  "            return -1;\n"
  "        }\n"
  "        if (!event) {\n"
  "            snprintf (problem, sizeof (problem), \"%s\",\n"
  "                      sent? \"the message did not arrive in time\": \"the sender did not answer\");\n"
  "            break;\n"
  "        }\n"
  "        char *kind = zmsg_popstr (event);\n"
  "        char *socket = zmsg_popstr (event);\n"
  "        char *command = zmsg_popstr (event);\n"
  "        char *detail = zmsg_popstr (event);\n"
  "        if (kind && streq (kind, \"SENT\") && node == step->sender.node) {\n"
  "            sent = true;\n"
  "            if (socket && *socket)\n"
  "                snprintf (problem, sizeof (problem), \"%s could not send: %s\",\n"
  "                          test->names [node], socket);\n"
  "        }\n"
  "        else\n"
  "        if (kind && streq (kind, \"RECEIVED\") && socket && command && detail) {\n"
  "            size_t index;\n"
  "            for (index = 0; index < expected; index++)\n"
  "                if (!arrived [index] && s_same_place (&step->receivers [index], node, socket))\n"
  "                    break;\n"
  "            if (test->flows && (index == expected || !streq (command, step->command))) {\n"
  "                //  Your handlers may be ahead of the test: keep it for a later step\n"
  "                if (test->backlog_used < S_BACKLOG) {\n"
  "                    test->backlog [test->backlog_used].node = node;\n"
  "                    test->backlog [test->backlog_used].socket = s_place_socket (node, socket);\n"
  "                    test->backlog_commands [test->backlog_used++] = s_command_name (command);\n"
  "                }\n"
  "            }\n"
  "            else\n"
  "            if (index == expected)\n"
  "                snprintf (problem, sizeof (problem), \"%s arrived unexpectedly at %s.%s\",\n"
  "                          command, test->names [node], socket);\n"
  "            else\n"
  "            if (!streq (command, step->command))\n"
  "                snprintf (problem, sizeof (problem), \"%s.%s received %s instead\",\n"
  "                          test->names [node], socket, command);\n"
  "            else\n"
  "            if (*detail)\n"
  "                snprintf (problem, sizeof (problem), \"the fields changed on the way: %s\", detail);\n"
  "            else {\n"
  "                arrived [index] = true;\n"
  "                received++;\n"
  "            }\n"
  "        }\n"
  "        else\n"
  "        if (kind && streq (kind, \"PROBLEM\"))\n"
  "            snprintf (problem, sizeof (problem), \"%s.%s: %s\", test->names [node],\n"
  "                      socket? socket: \"?\", command? command: \"?\");\n"
  "        //  Late PROBEs of the subscription handshake do not matter\n"
  "        zstr_free (&kind);\n"
  "        zstr_free (&socket);\n"
  "        zstr_free (&command);\n"
  "        zstr_free (&detail);\n"
  "        zmsg_destroy (&event);\n"
  "    }\n"
  "    if (*problem) {\n"
  "        printf (\"flow %s: FAILED at step %d (%s): %s\\n\", flow, step->position, step->text, problem);\n"
  "        return -1;\n"
  "    }\n"
  "    if (test->verbose)\n"
  "        zsys_info (\"flow %s: step %d: %s\", flow, step->position, step->text);\n"
  "    return 0;\n"
  "}\n"
  "\n"
  "\n"
  "static int\n"
  "s_play_flow (s_test_t *test, const s_flow_t *flow)\n"
  "{\n"
  "    size_t messages = 0;\n"
  "    size_t skipped = 0;\n"
  "    size_t index;\n"
  "    //  Flow tests: each step once, in order; the test sends the first, your code the rest\n"
  "    test->backlog_used = 0;\n"
  "    for (index = 0; test->flows? flow->steps [index].text != NULL: flow->order [index] >= 0; index++) {\n"
  "        const s_step_t *step = &flow->steps [test->flows? (int) index: flow->order [index]];\n"
  "        if (step->skip) {\n"
  "            skipped++;\n"
  "            continue;\n"
  "        }\n"
  "        if (s_play_step (test, flow->name, step, !test->flows || messages == 0) == -1)\n"
  "            return -1;\n"
  "        messages++;\n"
  "    }\n"
  "    printf (\"flow %s: ok (%zu message%s)\\n\", flow->name, messages, messages == 1? \"\": \"s\");\n"
  "    for (index = 0; skipped && flow->steps [index].text; index++)\n"
  "        if (flow->steps [index].skip)\n"
  "            printf (\"flow %s: step %d not checked: %s\\n\", flow->name,\n"
  "                    flow->steps [index].position, flow->steps [index].skip);\n"
  "    return 0;\n"
  "}\n"
  "\n"
  "\n"
  "//  A PUB drops what it sends before a subscription arrives: publish probes\n"
  "//  until each subscriber has seen one\n"
  "static int\n"
  "s_sync_subscriptions (s_test_t *test)\n"
  "{\n"
  "    const s_probe_t *probe;\n"
  "    for (probe = s_probes; probe->publisher.node >= 0; probe++) {\n"
  "        bool seen = false;\n"
  "        int64_t deadline = zclock_mono () + S_TIMEOUT;\n"
  "        while (!seen && zclock_mono () < deadline) {\n"
  "            zstr_sendx (test->actors [probe->publisher.node], \"$PROBE\",\n"
  "                        probe->publisher.socket, probe->topic, NULL);\n"
  "            int64_t wait_until = zclock_mono () + 10;\n"
  "            while (!seen && zclock_mono () < wait_until) {\n"
  "                int node = -1;\n"
  "                zmsg_t *event = s_next_event (test, wait_until - zclock_mono (), &node);\n"
  "                if (!event)\n"
  "                    break;\n"
  "                char *kind = zmsg_popstr (event);\n"
  "                char *socket = zmsg_popstr (event);\n"
  "                seen = kind && socket && streq (kind, \"PROBE\")\n"
  "                    && s_same_place (&probe->subscriber, node, socket);\n"
  "                zstr_free (&kind);\n"
  "                zstr_free (&socket);\n"
  "                zmsg_destroy (&event);\n"
  "            }\n"
  "        }\n"
  "        if (!seen) {\n"
  "            printf (\"subscriptions: FAILED: %s.%s never received from %s.%s\\n\",\n"
  "                    test->names [probe->subscriber.node], probe->subscriber.socket,\n"
  "                    test->names [probe->publisher.node], probe->publisher.socket);\n"
  "            return -1;\n"
  "        }\n"
  "    }\n"
  "    return 0;\n"
  "}\n";

static void
write_main (MopedCodeWriter *w,
            MopedCModel     *model)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("int");
  LINE ("main (int argc, char *argv [])");
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("s_test_t test;");
  LINE ("memset (&test, 0, sizeof (test));");
  LINE ("int arg;");
  LINE ("for (arg = 1; arg < argc; arg++)");
  LINE ("    if (streq (argv [arg], \"-v\") || streq (argv [arg], \"--verbose\"))");
  LINE ("        test.verbose = true;");
  LINE ("    else");
  LINE ("    if (streq (argv [arg], \"--flows\"))");
  LINE ("        test.flows = true;");
  LINE ("int failures = wire_test (test.verbose);");
  LINE ("printf (\"wire: %%s\\n\", failures? \"FAILED\": \"ok\");");
  for (guint i = 0; i < model->protocols->len; i++)
    {
      MopedCProtocol *p = g_ptr_array_index (model->protocols, i);
      g_autofree char *name = _moped_c_quote (_moped_c_name (p->element));

      LINE ("if (!failures) {");
      LINE ("    failures = %s (test.verbose);", p->test_fn);
      LINE ("    printf (\"codec %%s: %%s\\n\", %s, failures? \"FAILED\": \"ok\");", name);
      LINE ("}");
    }
  LINE ("if (failures)");
  LINE ("    return 1;");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Every node in trace mode (2 with --flows: your handlers run too), every "
                                "socket on inproc");
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);
      g_autofree char *name = _moped_c_quote (n->ident);
      g_autofree char *title = _moped_c_quote (_moped_c_name (n->element));

      LINE ("%s options_%u;", n->options_type, i);
      LINE ("memset (&options_%u, 0, sizeof (options_%u));", i, i);
      LINE ("options_%u.name = %s;", i, name);
      LINE ("options_%u.verbose = test.verbose;", i);
      for (guint j = 0; j < n->sockets->len; j++)
        {
          MopedCSocket *s = g_ptr_array_index (n->sockets, j);
          g_autoptr(GString) endpoints = g_string_new (NULL);
          g_autofree char *quoted = NULL;

          for (guint k = 0; k < s->test_endpoints->len; k++)
            g_string_append_printf (endpoints, "%s%s", k > 0 ? "," : "",
                                    (char *) g_ptr_array_index (s->test_endpoints, k));
          quoted = _moped_c_quote (endpoints->str);
          LINE ("options_%u.%s = %s;", i, s->ident, quoted);
        }
      LINE ("%s *node_%u = %s (&options_%u, test.flows? 2: 1);", n->type, i, n->test_new_fn, i);
      LINE ("test.names [%u] = %s;", i, title);
      LINE ("if (node_%u)", i);
      LINE ("    test.actors [%u] = %s (node_%u);", i, n->actor_fn, i);
      LINE ("else {");
      LINE ("    printf (\"node %%s: FAILED to start\\n\", %s);", title);
      LINE ("    failures++;");
      LINE ("}");
    }
  moped_code_writer_blank (w);
  LINE ("test.poller = zpoller_new (NULL);");
  LINE ("assert (test.poller);");
  LINE ("int index;");
  LINE ("for (index = 0; index < S_NODES; index++)");
  LINE ("    if (test.actors [index])");
  LINE ("        zpoller_add (test.poller, test.actors [index]);");
  LINE ("if (!failures)");
  LINE ("    failures = s_sync_subscriptions (&test) == -1;");
  LINE ("const s_flow_t *flow;");
  LINE ("for (flow = s_flows; !failures && flow->name; flow++)");
  LINE ("    failures = s_play_flow (&test, flow) == -1;");
  moped_code_writer_blank (w);
  LINE ("zpoller_destroy (&test.poller);");
  for (guint i = model->nodes->len; i > 0; i--)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i - 1);

      LINE ("%s (&node_%u);", n->destroy_fn, i - 1);
    }
  LINE ("printf (\"selftest: %%s\\n\", failures? \"FAILED\": \"passed\");");
  LINE ("return failures? 1: 0;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

void
_moped_c_generate_selftest (MopedCModel *model,
                            GPtrArray   *outputs)
{
  MopedCodeWriter *w = _moped_c_writer_begin (model, "selftest.c",
    "plays every flow of the design with all nodes in one process, and checks that each "
    "message arrives where and in the order the flow says.", FALSE);

  moped_code_writer_line (w, "//");
  moped_code_writer_comment (w, "Run it with -v to see every step. It prints one line per flow and stops at "
                                "the first deviation, exiting 1. The nodes run in trace mode, so your handlers "
                                "are not called: what is checked is the wiring the design describes (sockets, "
                                "endpoints, envelopes, codecs, subscriptions). With --flows (the flow tests) "
                                "your handlers run: it sends the first step of each flow, expects your code "
                                "to send each next one within S_STEP_TIMEOUT msecs, and when a step does not "
                                "happen prints one line naming it and the function to write.");
  for (guint i = 0; i < model->requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (model->requirements, i);

      if (moped_element_get_ref (r, MOPED_PROP_TARGET) == NULL)
        {
          g_autofree char *value = moped_element_dup_value_text (r, MOPED_PROP_VALUE);
          g_autofree char *title = g_strdup_printf ("Requirement %s: %s %s", _moped_c_name (r), value,
                                                    moped_element_get_string (r, MOPED_PROP_UNIT));

          moped_code_writer_comment_labelled (w, title, moped_element_get_string (r, MOPED_PROP_DESCRIPTION));
        }
    }
  moped_code_writer_blank (w);
  LINE ("#include \"wire.h\"");
  for (guint i = 0; i < model->protocols->len; i++)
    LINE ("#include \"%s.h\"", ((MopedCProtocol *) g_ptr_array_index (model->protocols, i))->ident);
  for (guint i = 0; i < model->nodes->len; i++)
    LINE ("#include \"%s.h\"", ((MopedCNode *) g_ptr_array_index (model->nodes, i))->engine_base);
  moped_code_writer_blank (w);
  write_types (w, model);
  write_flows (w, model);
  moped_code_writer_lines (w, play_text);
  write_main (w, model);
  _moped_c_output_add (outputs, "src/selftest.c", moped_code_writer_finish (w));
}
