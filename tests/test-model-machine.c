/* test-model-machine.c: flows with choices and loops, their per-role state machines and checks.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "moped-design.h"
#include "moped-diagnostic.h"
#include "moped-machine.h"
#include "moped-roles.h"
#include "moped-socket-type.h"
#include "moped-test-util.h"

/* A broker (ROUTER) and a worker (DEALER); protocol Work with roles broker and worker. */
typedef struct
{
  MopedDesign  *design;
  MopedElement *protocol, *broker_role, *worker_role;
  MopedElement *ready, *request, *reply, *heartbeat, *disconnect;
  MopedElement *flow;
} Fixture;

static MopedElement *
add_block (Fixture      *f,
           MopedElement *parent,
           const char   *id,
           MopedBlock    block)
{
  MopedElement *step = moped_test_add_named (f->design, parent, MOPED_KIND_STEP, id, NULL);

  moped_design_set_enum (f->design, step, MOPED_PROP_BLOCK, block);
  return step;
}

static MopedElement *
add_message (Fixture      *f,
             MopedElement *parent,
             const char   *id,
             MopedElement *from,
             MopedElement *to,
             MopedElement *command)
{
  return moped_test_add_step (f->design, parent, id, from, to, command);
}

static void
fixture_init (Fixture *f)
{
  MopedDesign *d = moped_design_new ();
  MopedElement *broker = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "broker", "Broker");
  MopedElement *worker = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "worker", "Worker");
  MopedElement *router = moped_test_add_socket_full (d, broker, "broker-router", "backend", MOPED_SOCKET_ROUTER, MOPED_SOCKET_MODE_BIND);
  MopedElement *dealer = moped_test_add_socket_full (d, worker, "worker-dealer", "broker", MOPED_SOCKET_DEALER, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *link = moped_test_add_link_full (d, "link-1", dealer, router, "tcp://*:5556");

  f->design = d;
  moped_design_set_string (d, moped_design_get_root (d), MOPED_PROP_NAME, "Machines");
  f->protocol = moped_test_add_named (d, NULL, MOPED_KIND_PROTOCOL, "work", "Work");
  moped_design_set_ref (d, link, MOPED_PROP_PROTOCOL, f->protocol);
  f->broker_role = moped_test_add_named (d, f->protocol, MOPED_KIND_ROLE, "broker-role", "broker");
  f->worker_role = moped_test_add_named (d, f->protocol, MOPED_KIND_ROLE, "worker-role", "worker");
  f->ready = moped_test_add_command (d, f->protocol, "ready", "READY", f->worker_role);
  f->request = moped_test_add_command (d, f->protocol, "request", "REQUEST", f->broker_role);
  f->reply = moped_test_add_command (d, f->protocol, "reply", "REPLY", f->worker_role);
  f->heartbeat = moped_test_add_command (d, f->protocol, "heartbeat", "HEARTBEAT", NULL);
  f->disconnect = moped_test_add_command (d, f->protocol, "disconnect", "DISCONNECT", NULL);
  f->flow = moped_test_add_named (d, f->protocol, MOPED_KIND_FLOW, "life", "Life");
}

/* READY; loop { choice by broker { REQUEST REPLY | HEARTBEAT } }; optional DISCONNECT. */
static void
fixture_worker_life (Fixture *f)
{
  MopedElement *loop, *choice, *serve, *beat, *bye;

  add_message (f, f->flow, "ready-1", f->worker_role, f->broker_role, f->ready);
  loop = add_block (f, f->flow, "loop", MOPED_BLOCK_LOOP);
  choice = add_block (f, loop, "choice", MOPED_BLOCK_CHOICE);
  moped_design_set_ref (f->design, choice, MOPED_PROP_FROM, f->broker_role);
  serve = add_block (f, choice, "serve", MOPED_BLOCK_BRANCH);
  add_message (f, serve, "request-1", f->broker_role, f->worker_role, f->request);
  add_message (f, serve, "reply-1", f->worker_role, f->broker_role, f->reply);
  beat = add_block (f, choice, "beat", MOPED_BLOCK_BRANCH);
  add_message (f, beat, "heartbeat-1", f->broker_role, f->worker_role, f->heartbeat);
  bye = add_block (f, f->flow, "bye", MOPED_BLOCK_OPTIONAL);
  add_message (f, bye, "disconnect-1", f->worker_role, f->broker_role, f->disconnect);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->design);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

/* Walks @machine along @events ("!READY" sends, "?REQUEST" receives); returns the state,
 * or -1 when an event is not allowed where it comes. */
static int
walk (Fixture            *f,
      const MopedMachine *machine,
      const char * const *events)
{
  guint state = 0;

  for (guint i = 0; events[i] != NULL; i++)
    {
      gboolean send = events[i][0] == '!';
      g_autoptr(GPtrArray) commands = moped_element_get_children_of_kind (f->protocol, MOPED_KIND_COMMAND);
      MopedElement *command = NULL;
      const MopedTransition *t;

      for (guint c = 0; c < commands->len; c++)
        if (g_str_equal (moped_element_get_name (g_ptr_array_index (commands, c)), events[i] + 1))
          command = g_ptr_array_index (commands, c);
      g_assert_nonnull (command);
      t = moped_machine_step (machine, state, send, command);
      if (t == NULL)
        return -1;
      state = t->to;
    }
  return (int) state;
}

#define EV(...) ((const char * const []) { __VA_ARGS__, NULL })

static gboolean
accepts (Fixture            *f,
         const MopedMachine *machine,
         const char * const *events)
{
  int state = walk (f, machine, events);

  return state >= 0 && machine->final[state];
}

static void
test_worker_machine (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(MopedMachine) worker = NULL;
  g_autoptr(MopedMachine) broker = NULL;

  fixture_init (&f);
  fixture_worker_life (&f);
  worker = moped_machine_new (f.protocol, f.flow, f.worker_role);
  broker = moped_machine_new (f.protocol, f.flow, f.broker_role);

  g_assert_true (accepts (&f, worker, EV ("!READY", "?REQUEST", "!REPLY")));
  g_assert_true (accepts (&f, worker, EV ("!READY", "?HEARTBEAT", "?REQUEST", "!REPLY", "?HEARTBEAT", "!DISCONNECT")));
  g_assert_true (accepts (&f, broker, EV ("?READY", "!HEARTBEAT", "!REQUEST", "?REPLY")));
  /* What the worker cannot do: skip READY, reply unasked, reply twice, stop before the loop ran. */
  g_assert_cmpint (walk (&f, worker, EV ("?REQUEST")), ==, -1);
  g_assert_cmpint (walk (&f, worker, EV ("!READY", "!REPLY")), ==, -1);
  g_assert_cmpint (walk (&f, worker, EV ("!READY", "?REQUEST", "!REPLY", "!REPLY")), ==, -1);
  g_assert_false (accepts (&f, worker, EV ("!READY")));
  g_assert_false (accepts (&f, worker, EV ("!READY", "?REQUEST")));
  g_assert_cmpint (walk (&f, worker, EV ("!READY", "?HEARTBEAT", "!DISCONNECT", "?HEARTBEAT")), ==, -1);
  /* The broker may not send what the worker sends. */
  g_assert_cmpint (walk (&f, broker, EV ("!READY")), ==, -1);
  /* Deterministic: one transition per state and event. */
  for (guint i = 0; i < worker->transitions->len; i++)
    for (guint j = i + 1; j < worker->transitions->len; j++)
      {
        const MopedTransition *a = &g_array_index (worker->transitions, MopedTransition, i);
        const MopedTransition *b = &g_array_index (worker->transitions, MopedTransition, j);

        g_assert_false (a->from == b->from && a->send == b->send && a->command == b->command);
      }
}

/* The protocol is any of its flows, again and again; the empty conversation ends well. */
static void
test_protocol_machine (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(MopedMachine) worker = NULL;
  MopedElement *pings;

  fixture_init (&f);
  fixture_worker_life (&f);
  pings = moped_test_add_named (f.design, f.protocol, MOPED_KIND_FLOW, "pings", "Pings");
  add_message (&f, pings, "ping-1", f.worker_role, f.broker_role, f.heartbeat);
  worker = moped_machine_new (f.protocol, NULL, f.worker_role);
  g_assert_true (worker->final[0]);
  g_assert_true (accepts (&f, worker, EV ("!HEARTBEAT", "!READY", "?REQUEST", "!REPLY", "!HEARTBEAT")));
  g_assert_false (accepts (&f, worker, EV ("!READY", "?REQUEST")));
}

/* Format 1's runs of repeating steps loop as a whole. */
static void
test_repeat_runs (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(MopedMachine) broker = NULL;
  MopedElement *a, *b;

  fixture_init (&f);
  a = add_message (&f, f.flow, "request-1", f.broker_role, f.worker_role, f.request);
  b = add_message (&f, f.flow, "reply-1", f.worker_role, f.broker_role, f.reply);
  moped_design_set_bool (f.design, a, MOPED_PROP_REPEAT, TRUE);
  moped_design_set_bool (f.design, b, MOPED_PROP_REPEAT, TRUE);
  broker = moped_machine_new (f.protocol, f.flow, f.broker_role);
  g_assert_true (accepts (&f, broker, EV ("!REQUEST", "?REPLY", "!REQUEST", "?REPLY")));
  g_assert_false (accepts (&f, broker, EV ("!REQUEST", "!REQUEST", "?REPLY", "?REPLY")));
  g_assert_false (accepts (&f, broker, EV ("!REQUEST")));
  /* Minimal: start, waiting for the reply, done (which may start again). */
  g_assert_cmpuint (broker->n_states, ==, 3);
}

static GPtrArray *
validate (MopedDesign *design)
{
  GPtrArray *diags = moped_validate (design);

  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);

      g_test_message ("%s %s [%s]: %s", moped_severity_get_name (d->severity), d->code,
                      d->element_ids[0], d->message);
    }
  return diags;
}

static const MopedDiagnostic *
find (GPtrArray  *diags,
      const char *code,
      const char *id)
{
  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);

      if (g_str_equal (d->code, code) && (id == NULL || g_str_equal (d->element_ids[0], id)))
        return d;
    }
  return NULL;
}

static void
test_valid_choice_checks_clean (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  fixture_worker_life (&f);
  diags = validate (f.design);
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_ERROR), ==, 0);
  g_assert_cmpuint (moped_diagnostics_count (diags, MOPED_SEVERITY_WARNING), ==, 0);
}

/* Two branches that begin with the same message: the worker cannot tell them apart. */
static void
test_choice_same_first_message (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  const MopedDiagnostic *d;

  fixture_init (&f);
  fixture_worker_life (&f);
  moped_design_set_ref (f.design, moped_design_lookup (f.design, "heartbeat-1"), MOPED_PROP_COMMAND, f.request);
  diags = validate (f.design);
  d = find (diags, "choice-indistinguishable", "choice");
  g_assert_nonnull (d);
  g_assert_cmpint (d->severity, ==, MOPED_SEVERITY_ERROR);
  g_assert_cmpstr (d->element_ids[1], ==, "worker-role");
  g_assert_nonnull (strstr (d->message, "serve and beat both begin with REQUEST"));
}

/* A role that sends first in a branch someone else chose cannot know it was chosen. */
static void
test_choice_receiver_sends_first (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *heartbeat;

  fixture_init (&f);
  fixture_worker_life (&f);
  heartbeat = moped_design_lookup (f.design, "heartbeat-1");
  moped_design_set_ref (f.design, heartbeat, MOPED_PROP_FROM, f.worker_role);
  moped_design_set_ref (f.design, heartbeat, MOPED_PROP_TO, f.broker_role);
  diags = validate (f.design);
  g_assert_nonnull (find (diags, "choice-indistinguishable", "choice"));
  /* The broker chooses, yet the branch begins with a message it receives. */
  g_assert_nonnull (find (diags, "unreachable-step", "heartbeat-1"));
}

/* A role in one branch and not in the other cannot know which happened. */
static void
test_choice_role_missing_from_branch (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;
  MopedElement *client_role, *client, *dealer, *link2, *notify;

  fixture_init (&f);
  fixture_worker_life (&f);
  client = moped_test_add_named (f.design, NULL, MOPED_KIND_NODE, "client", "Client");
  dealer = moped_test_add_socket_full (f.design, client, "client-dealer", "broker", MOPED_SOCKET_DEALER, MOPED_SOCKET_MODE_CONNECT);
  link2 = moped_test_add_link_full (f.design, "link-2", dealer, moped_design_lookup (f.design, "broker-router"), "tcp://*:5556");
  moped_design_set_ref (f.design, link2, MOPED_PROP_PROTOCOL, f.protocol);
  client_role = moped_test_add_named (f.design, f.protocol, MOPED_KIND_ROLE, "client-role", "client");
  moped_design_set_ref (f.design, link2, MOPED_PROP_FROM_ROLE, client_role);
  notify = moped_test_add_command (f.design, f.protocol, "notify", "NOTIFY", f.broker_role);
  add_message (&f, moped_design_lookup (f.design, "serve"), "notify-1", f.broker_role, client_role, notify);
  diags = validate (f.design);
  g_assert_nonnull (strstr (find (diags, "choice-indistinguishable", "choice")->message,
                            "it takes no part in beat but does in others"));
}

/* REQ lockstep through choices and loops: each branch is played on its own path. */
static void
test_req_lockstep_in_blocks (void)
{
  g_autoptr(MopedDesign) d = moped_design_new ();
  MopedElement *client = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "client", "client");
  MopedElement *server = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "server", "server");
  MopedElement *req = moped_test_add_socket_full (d, client, "req", "req", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *rep = moped_test_add_socket_full (d, server, "rep", "rep", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  MopedElement *p = moped_test_add_named (d, NULL, MOPED_KIND_PROTOCOL, "p", "P");
  MopedElement *ask = moped_test_add_command (d, p, "ask", "ASK", client);
  MopedElement *yes = moped_test_add_command (d, p, "yes", "YES", server);
  MopedElement *no = moped_test_add_command (d, p, "no", "NO", server);
  MopedElement *flow = moped_test_add_named (d, p, MOPED_KIND_FLOW, "f", "F");
  Fixture f = { d };
  MopedElement *loop, *choice, *b1, *b2;
  g_autoptr(GPtrArray) good = NULL;
  g_autoptr(GPtrArray) bad = NULL;

  moped_design_set_string (d, moped_design_get_root (d), MOPED_PROP_NAME, "Lockstep");
  moped_design_set_ref (d, moped_test_add_link_full (d, "l", req, rep, "tcp://*:5555"), MOPED_PROP_PROTOCOL, p);
  loop = add_block (&f, flow, "loop", MOPED_BLOCK_LOOP);
  add_message (&f, loop, "ask-1", client, server, ask);
  choice = add_block (&f, loop, "choice", MOPED_BLOCK_CHOICE);
  b1 = add_block (&f, choice, "b1", MOPED_BLOCK_BRANCH);
  add_message (&f, b1, "yes-1", server, client, yes);
  b2 = add_block (&f, choice, "b2", MOPED_BLOCK_BRANCH);
  add_message (&f, b2, "no-1", server, client, no);
  good = validate (d);
  g_assert_cmpuint (moped_diagnostics_count (good, MOPED_SEVERITY_ERROR), ==, 0);

  /* The second branch asks again before its answer: on that path REQ sends twice. */
  moped_design_move (d, add_message (&f, b2, "ask-2", client, server, ask), 0);
  bad = validate (d);
  g_assert_nonnull (find (bad, "req-send-twice", "ask-2"));
  f.design = NULL;
}

/* A message step needs both sides and a command; a block needs none. */
static void
test_message_needs_references (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GPtrArray) diags = NULL;

  fixture_init (&f);
  fixture_worker_life (&f);
  moped_test_add_named (f.design, f.flow, MOPED_KIND_STEP, "half", NULL);
  diags = validate (f.design);
  g_assert_nonnull (find (diags, "missing-reference", "half"));
  g_assert_null (find (diags, "missing-reference", "loop"));
  g_assert_null (find (diags, "missing-reference", "choice"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/machine/worker", test_worker_machine);
  g_test_add_func ("/machine/protocol", test_protocol_machine);
  g_test_add_func ("/machine/repeat-runs", test_repeat_runs);
  g_test_add_func ("/machine/check/valid-choice", test_valid_choice_checks_clean);
  g_test_add_func ("/machine/check/same-first-message", test_choice_same_first_message);
  g_test_add_func ("/machine/check/receiver-sends-first", test_choice_receiver_sends_first);
  g_test_add_func ("/machine/check/role-missing-from-branch", test_choice_role_missing_from_branch);
  g_test_add_func ("/machine/check/req-lockstep", test_req_lockstep_in_blocks);
  g_test_add_func ("/machine/check/message-needs-references", test_message_needs_references);
  return g_test_run ();
}
