/* moped-export-c-node.c: generating each node: public API, engine (actor), the user's file and a main.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The engine owns the sockets and the loop, decodes every message and calls the
 * user's handler for it; the user's file holds the state and the handlers. In trace
 * mode (self-tests) the engine reports each message on its pipe instead, so the
 * self-test keeps checking the wiring however the handlers change.
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-export-c-private.h"
#include "moped-framing.h"
#include "moped-schema.h"

#define LINE(...) moped_code_writer_line (w, __VA_ARGS__)
/* A line of code with a comment after it, the comments of consecutive lines aligned. */
#define LINE_COMMENTED(code, comment) moped_code_writer_line (w, "%-27s //  %s", code, comment)

/* "request (REQ)" for comments. */
static char *
socket_title (MopedCSocket *s)
{
  g_autofree char *name = moped_c_comment_text (_moped_c_name (s->element));
  gboolean binds = s->bind, connects = !s->bind;

  /* A socket may bind some endpoints and connect to others: its links decide. */
  if (s->endpoints->len > 0)
    {
      binds = connects = FALSE;
      for (guint i = 0; i < s->endpoints->len; i++)
        {
          const char *item = g_ptr_array_index (s->endpoints, i);

          binds |= item[0] == '@';
          connects |= item[0] == '>';
        }
    }
  return g_strdup_printf ("%s (%s, %s)", name, s->info->name,
                          binds && connects ? "binds and connects" : binds ? "binds" : "connects");
}

static char *
node_names (GPtrArray *nodes)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < nodes->len; i++)
    g_string_append_printf (s, "%s%s", i == 0 ? "" : i + 1 == nodes->len ? " and " : ", ",
                            _moped_c_name (((MopedCNode *) g_ptr_array_index (nodes, i))->element));
  return g_string_free (s, FALSE);
}

/* The designed endpoints of a socket as one zsock_attach () list. */
static char *
designed_endpoints (MopedCSocket *s)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < s->endpoints->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? "," : "", (char *) g_ptr_array_index (s->endpoints, i));
  return g_strdup (joined->str);
}

static gboolean
node_has_type (MopedCNode *n,
               gboolean  (*predicate) (MopedCSocket *socket))
{
  for (guint i = 0; i < n->sockets->len; i++)
    if (predicate (g_ptr_array_index (n->sockets, i)))
      return TRUE;
  return FALSE;
}

/* Sockets the engine polls: those that receive, and XPUB for its subscriptions. */
static gboolean
polled (MopedCSocket *s)
{
  return s->info->can_receive || s->info->receives_subscriptions;
}

static void
write_requirements (MopedCodeWriter *w,
                    GPtrArray       *requirements)
{
  for (guint i = 0; i < requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (requirements, i);
      g_autofree char *value = moped_element_dup_requirement_target (r);
      g_autofree char *metric = moped_element_dup_value_text (r, MOPED_PROP_METRIC);
      g_autofree char *title = g_strdup_printf ("Requirement %s (%s): %s", _moped_c_name (r), metric, value);

      moped_code_writer_comment_labelled (w, title, moped_element_get_string (r, MOPED_PROP_DESCRIPTION));
    }
}

/* Whether the design runs several instances of @n: then each running copy needs a
 * name, and so routing ids, of its own. */
static gboolean
several_instances (MopedCNode *n)
{
  return moped_element_get_int (n->element, MOPED_PROP_INSTANCES) > 1;
}

static void
describe_node (MopedCodeWriter *w,
               MopedCNode      *n)
{
  const char *role = moped_element_get_string (n->element, MOPED_PROP_ROLE);
  g_autofree char *title = NULL;

  if (role != NULL && *role != '\0')
    title = g_strdup_printf ("%s (%s)", _moped_c_name (n->element), role);
  else
    title = g_strdup (_moped_c_name (n->element));
  moped_code_writer_line (w, "//");
  moped_code_writer_comment_labelled (w, title, moped_element_get_string (n->element, MOPED_PROP_DESCRIPTION));
  if (moped_element_get_int (n->element, MOPED_PROP_INSTANCES) > 1)
    {
      g_autofree char *instances = g_strdup_printf ("The design runs %" G_GINT64_FORMAT " instances: "
                                                    "one started without a name is named NODE-HOST-PID, "
                                                    "so each has routing ids of its own; name one "
                                                    "(options.name, -n) where a peer must address it.",
                                                    moped_element_get_int (n->element, MOPED_PROP_INSTANCES));

      moped_code_writer_comment (w, instances);
    }
  write_requirements (w, n->requirements);
}

/* ---- include/NODE.h ------------------------------------------------------------------ */

/* What an API method's caller gets back, for the comments. */
static const char *
result_meaning (MopedApiType type)
{
  switch (type)
    {
    case MOPED_API_STRING:
    case MOPED_API_LONGSTR:
      return "a new string the caller frees, or NULL";
    case MOPED_API_NUMBER:
      return "a number";
    case MOPED_API_STRINGS:
      return "a new list of strings the caller destroys, or NULL";
    case MOPED_API_BYTES:
      return "a new chunk the caller destroys, or NULL";
    case MOPED_API_FRAME:
      return "a new frame the caller destroys, or NULL";
    case MOPED_API_BOOL:
      return "true or false";
    case MOPED_API_NONE:
    case MOPED_N_API_TYPES:
    default:
      return "0, or -1 when it failed";
    }
}

/* "- service (string): The name of the service" per parameter. */
static void
comment_params (MopedCodeWriter *w,
                MopedCMethod    *m)
{
  for (guint i = 0; i < m->params->len; i++)
    {
      MopedCParam *p = g_ptr_array_index (m->params, i);
      g_autofree char *label = g_strdup_printf ("- %s (%s)", p->ident, moped_api_type_get_name (p->type));

      moped_code_writer_comment_labelled (w, label, moped_element_get_string (p->element, MOPED_PROP_DESCRIPTION));
    }
}

static char *machine_title (MopedCMachine *m);
static const char *subscription_title (MopedCSocket *s);

/* What the state functions answer, and which roles they know. */
static void
write_state_comment (MopedCodeWriter *w,
                     MopedCNode      *n,
                     const char      *peer)
{
  g_autofree char *text = g_strdup_printf (
    "The state a role the node plays is in, as the protocol document numbers the states of its state "
    "machine (\"1\" is where it starts), or NULL when the node keeps none for protocol (named as its "
    "codec is). The engine refuses a command the state does not allow: one received is logged (\"NODE: "
    "refused COMMAND in state STATE from PEER\") and never reaches its handler, a send returns -1 with "
    "errno EPROTO. %s. %s", peer,
    n->machines->len > 0 ? "It keeps:" : "It keeps none.");

  moped_code_writer_comment (w, text);
  for (guint i = 0; i < n->machines->len; i++)
    {
      MopedCMachine *m = g_ptr_array_index (n->machines, i);
      g_autofree char *title = machine_title (m);
      g_autofree char *line = g_strdup_printf ("- \"%s\": %s", m->protocol->ident, title);

      moped_code_writer_comment (w, line);
    }
  if (n->unkept->len > 0)
    moped_code_writer_comment (w, "It cannot keep these, whose messages it passes unchecked:");
  for (guint i = 0; i < n->unkept->len; i++)
    {
      g_autofree char *line = g_strdup_printf ("- %s", (const char *) g_ptr_array_index (n->unkept, i));

      moped_code_writer_comment (w, line);
    }
}

static void
write_public_header (MopedCModel *model,
                     MopedCNode  *n,
                     GPtrArray   *outputs)
{
  g_autofree char *file = g_strdup_printf ("%s.h", n->ident);
  g_autofree char *job = g_strdup_printf ("the %s node's public API: start it, stop it, call its methods.",
                                          _moped_c_name (n->element));
  MopedCodeWriter *w = _moped_c_writer_begin (model, file, job, FALSE);
  g_autofree char *path = g_strdup_printf ("include/%s", file);

  describe_node (w, n);
  LINE ("#pragma once");
  moped_code_writer_blank (w);
  LINE ("#include <czmq.h>");
  moped_code_writer_blank (w);
  LINE ("#ifdef __cplusplus");
  LINE ("extern \"C\" {");
  LINE ("#endif");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "How to start the node: zero this, then set what you need");
  LINE ("typedef struct {");
  moped_code_writer_indent (w);
  if (several_instances (n))
    moped_code_writer_comment (w, "Names this instance in logs (default: NODE-HOST-PID, the node's name, host and "
                                  "process id, since the design runs several); also gives its REQ, REP, DEALER "
                                  "and ROUTER sockets the routing id NAME/SOCKET, so keep it unique");
  else
    moped_code_writer_comment (w, "Names this instance in logs (default: the node's name); also gives its REQ, "
                                  "REP, DEALER and ROUTER sockets the routing id NAME/SOCKET, so keep it unique");
  LINE ("const char *name;");
  moped_code_writer_comment (w, "Log every message sent and received");
  LINE ("bool verbose;");
  if (n->sockets->len > 0)
    moped_code_writer_comment (w, "Where each socket binds (@endpoint) and connects (>endpoint), as a "
                                  "comma-separated list; NULL for the design's endpoints");
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);
      g_autofree char *title = socket_title (s);
      g_autofree char *endpoints = designed_endpoints (s);
      g_autofree char *comment = g_strdup_printf ("%s: %s", title, *endpoints ? endpoints : "no link");

      moped_code_writer_comment_labelled (w, comment, moped_element_get_string (s->element, MOPED_PROP_DESCRIPTION));
      LINE ("const char *%s;", s->ident);
    }
  moped_code_writer_dedent (w);
  LINE ("} %s;", n->options_type);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "A running node");
  LINE ("typedef struct _%s %s;", n->type, n->type);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Start the node: create its sockets, bind and connect them, and run it in its own "
                                "thread (a zactor). Returns NULL, having logged why, when a socket cannot be "
                                "bound or connected. The options are read before it returns.");
  LINE ("%s *", n->type);
  LINE ("    %s (const %s *options);", n->new_fn, n->options_type);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Stop the node and close its sockets; sets *self_p to NULL, safe to call twice");
  LINE ("void");
  LINE ("    %s (%s **self_p);", n->destroy_fn, n->type);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The node's actor: its pipe, to poll or to wait on");
  LINE ("zactor_t *");
  LINE ("    %s (%s *self);", n->actor_fn, n->type);
  moped_code_writer_blank (w);
  write_state_comment (w, n, "peer: the routing id of the peer, as text, where the node keeps a state per peer (NULL otherwise)");
  LINE ("const char *");
  LINE ("    %s (%s *self, const char *protocol, const char *peer);", n->protocol_state_fn, n->type);
  for (guint i = 0; i < n->methods->len; i++)
    {
      MopedCMethod *m = g_ptr_array_index (n->methods, i);
      g_autofree char *runs = g_strdup_printf ("Runs %s () (yours) in the node's thread, waiting for it, "
                                               "and returns what it returns: %s. The arguments are "
                                               "the caller's; the method reads them during the call.",
                                               m->api_fn, result_meaning (m->result));
      g_autofree char *params = _moped_c_api_params (m);
      g_autofree char *type = g_strchomp (g_strdup (_moped_c_api_result_type (m->result)));

      moped_code_writer_blank (w);
      moped_code_writer_comment_labelled (w, _moped_c_name (m->element),
                                          moped_element_get_string (m->element, MOPED_PROP_DESCRIPTION));
      comment_params (w, m);
      moped_code_writer_comment (w, runs);
      LINE ("%s", type);
      LINE ("    %s (%s *self%s);", m->fn, n->type, params);
    }
  moped_code_writer_blank (w);
  LINE ("#ifdef __cplusplus");
  LINE ("}");
  LINE ("#endif");
  _moped_c_output_add (outputs, path, moped_code_writer_finish (w));
}

/* ---- src/NODE_engine.h ---------------------------------------------------------------- */

static char *
handler_signature (MopedCNode    *n,
                   MopedCHandler *h)
{
  g_autofree char *params = _moped_c_field_params (h->command);

  return g_strdup_printf ("%s (%s *self, const wire_peer_t *from%s)", h->fn, n->state_type, params);
}

static char *
sender_signature (MopedCNode   *n,
                  MopedCSender *s)
{
  g_autofree char *params = _moped_c_field_params (s->command);

  return g_strdup_printf ("%s (%s *self, const wire_peer_t *to%s)", s->fn, n->engine_type, params);
}

static char *
handler_title (MopedCHandler *h)
{
  g_autofree char *from = node_names (h->from_nodes);

  return g_strdup_printf ("%s (%s) from %s, on socket %s", _moped_c_name (h->command->element),
                          _moped_c_name (h->command->protocol->element), from, _moped_c_name (h->socket->element));
}

static char *
sender_title (MopedCSender *s)
{
  g_autofree char *to = node_names (s->to_nodes);

  return g_strdup_printf ("%s (%s) to %s, on socket %s", _moped_c_name (s->command->element),
                          _moped_c_name (s->command->protocol->element), to, _moped_c_name (s->socket->element));
}

static void
collect_protocols (MopedCNode *n,
                   GPtrArray  *protocols)
{
  for (guint i = 0; i < n->handlers->len; i++)
    {
      MopedCProtocol *p = ((MopedCHandler *) g_ptr_array_index (n->handlers, i))->command->protocol;

      if (!g_ptr_array_find (protocols, p, NULL))
        g_ptr_array_add (protocols, p);
    }
  for (guint i = 0; i < n->senders->len; i++)
    {
      MopedCProtocol *p = ((MopedCSender *) g_ptr_array_index (n->senders, i))->command->protocol;

      if (!g_ptr_array_find (protocols, p, NULL))
        g_ptr_array_add (protocols, p);
    }
  /* A state machine names its protocol's commands, also where the node only relays
   * another protocol inside this one. */
  for (guint i = 0; i < n->machines->len; i++)
    {
      MopedCProtocol *p = ((MopedCMachine *) g_ptr_array_index (n->machines, i))->protocol;

      if (!g_ptr_array_find (protocols, p, NULL))
        g_ptr_array_add (protocols, p);
    }
}

static void
write_engine_header (MopedCModel *model,
                     MopedCNode  *n,
                     GPtrArray   *outputs)
{
  g_autofree char *file = g_strdup_printf ("%s.h", n->engine_base);
  g_autofree char *job = g_strdup_printf ("what the %s node's code can use in its thread: send "
                                          "functions, and the functions its file defines.",
                                          _moped_c_name (n->element));
  MopedCodeWriter *w = _moped_c_writer_begin (model, file, job, FALSE);
  g_autofree char *path = g_strdup_printf ("src/%s", file);
  g_autoptr(GPtrArray) protocols = g_ptr_array_new ();

  collect_protocols (n, protocols);
  LINE ("#pragma once");
  moped_code_writer_blank (w);
  LINE ("#include \"%s.h\"", n->ident);
  LINE ("#include \"wire.h\"");
  for (guint i = 0; i < protocols->len; i++)
    LINE ("#include \"%s.h\"", ((MopedCProtocol *) g_ptr_array_index (protocols, i))->ident);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The node inside its thread: its sockets and loop (generated)");
  LINE ("typedef struct _%s %s;", n->engine_type, n->engine_type);
  {
    g_autofree char *state = g_strdup_printf ("The node's state: yours, defined in src/%s.c", n->ident);

    moped_code_writer_comment (w, state);
  }
  LINE ("typedef struct _%s %s;", n->state_type, n->state_type);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The name of this instance (options.name, or the node's name)");
  LINE ("const char *");
  LINE ("    %s (%s *self);", n->engine_name_fn, n->engine_type);
  moped_code_writer_blank (w);
  write_state_comment (w, n, "peer: a handler's from, where the node keeps a state per peer (NULL otherwise). "
                             "In the node's thread, from a handler, say");
  LINE ("const char *");
  LINE ("    %s (%s *self, const char *protocol, const wire_peer_t *peer);", n->engine_state_fn, n->engine_type);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Tests only: start the node as its new function does, in a mode: 0 as in "
                                "production, 1 to report each message received on the actor's pipe "
                                "instead of calling its handler (the wiring self-test), 2 to report it "
                                "and call the handler (the flow tests)");
  LINE ("%s *", n->type);
  LINE ("    %s (const %s *options, int mode);", n->test_new_fn, n->options_type);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "A timer's handler, run in the node's thread: return 0, or -1 to have it logged");
  LINE ("typedef int (%s) (%s *state, void *arg);", n->timer_fn_type, n->state_type);
  moped_code_writer_comment (w, "Run handler once after msecs, or every msecs when repeat (msecs > 0); returns "
                                "the timer's id, or -1 with errno set");
  LINE ("int");
  LINE ("    %s (%s *self, int64_t msecs, bool repeat, %s *handler, void *arg);",
        n->timer_set_fn, n->engine_type, n->timer_fn_type);
  moped_code_writer_comment (w, "Cancel a timer (its own handler may): returns 0, or -1 when it is not pending");
  LINE ("int");
  LINE ("    %s (%s *self, int timer_id);", n->timer_cancel_fn, n->engine_type);
  if (n->methods->len > 0)
    {
      moped_code_writer_blank (w);
      moped_code_writer_comment (w, "Called from an API method: the method answers later, when it has what "
                                    "it returns (a reply from a peer, say), with the method's answer "
                                    "function below; what it returns now is ignored. Its arguments stay "
                                    "valid until then: the caller waits.");
      LINE ("void");
      LINE ("    %s (%s *self);", n->engine_defer_fn, n->engine_type);
      moped_code_writer_comment (w, "The deferred answer of an API method: returns 0, or -1 when that method "
                                    "is not waiting for one");
      for (guint i = 0; i < n->methods->len; i++)
        {
          MopedCMethod *m = g_ptr_array_index (n->methods, i);

          LINE ("int");
          LINE ("    %s (%s *self, %sresult);", m->answer_fn, n->engine_type, _moped_c_api_result_type (m->result));
        }
    }
  if (n->senders->len > 0)
    {
      moped_code_writer_blank (w);
      moped_code_writer_comment (w, "Sending, one function per command the node sends. to: where it goes, "
                                    "required on ROUTER sockets (the from of a handler, to reply) unless the "
                                    "design gives the socket exactly one peer, of one instance: then NULL means "
                                    "that peer; NULL otherwise. Returns 0, or -1 with errno set (see the codec). "
                                    "A send never blocks the node: it waits at most a second (S_SEND_TIMEOUT) "
                                    "for a peer that cannot take the message, then fails with EAGAIN, or for a "
                                    "ROUTER's peer to connect, then fails with EHOSTUNREACH.");
      moped_code_writer_blank (w);
    }
  for (guint i = 0; i < n->senders->len; i++)
    {
      MopedCSender *s = g_ptr_array_index (n->senders, i);
      g_autofree char *title = sender_title (s);
      g_autofree char *signature = sender_signature (n, s);

      moped_code_writer_comment (w, title);
      LINE ("int");
      LINE ("    %s;", signature);
    }
  moped_code_writer_blank (w);
  {
    g_autofree char *yours = g_strdup_printf ("Defined in src/%s.c (yours). The engine calls the state's "
                                              "constructor once the sockets are set up, a handler for "
                                              "each message (return 0, or -1 to have it logged), and "
                                              "the API methods when the node's owner calls them. A "
                                              "handler's from and field values are valid until it "
                                              "returns: copy what you keep (a wire_peer_t is a plain "
                                              "struct). A msg field's zmsg_t is yours to change: pop "
                                              "the frames you keep (they are then yours) or zmsg_dup "
                                              "it; the engine destroys what is left.", n->ident);

    moped_code_writer_comment (w, yours);
  }
  LINE ("%s *", n->state_type);
  LINE ("    %s (%s *engine);", n->state_new_fn, n->engine_type);
  LINE ("void");
  LINE ("    %s (%s **self_p);", n->state_destroy_fn, n->state_type);
  moped_code_writer_comment (w, "Once the node runs, before any message; and when it is asked to stop, before "
                                "its sockets close (not in the self-test)");
  LINE ("int");
  LINE ("    %s (%s *self);", n->state_start_fn, n->state_type);
  LINE ("void");
  LINE ("    %s (%s *self);", n->state_stop_fn, n->state_type);
  for (guint i = 0; i < n->handlers->len; i++)
    {
      MopedCHandler *h = g_ptr_array_index (n->handlers, i);
      g_autofree char *title = handler_title (h);
      g_autofree char *signature = handler_signature (n, h);

      moped_code_writer_comment (w, title);
      LINE ("int");
      LINE ("    %s;", signature);
    }
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *sk = g_ptr_array_index (n->sockets, i);

      if (sk->subscription_fn == NULL)
        continue;
      moped_code_writer_comment (w, subscription_title (sk));
      LINE ("int");
      LINE ("    %s (%s *self, const char *topic, bool subscribes);", sk->subscription_fn, n->state_type);
    }
  for (guint i = 0; i < n->methods->len; i++)
    {
      MopedCMethod *m = g_ptr_array_index (n->methods, i);
      g_autofree char *title = g_strdup_printf ("API method %s", _moped_c_name (m->element));
      g_autofree char *params = _moped_c_api_params (m);
      g_autofree char *type = g_strchomp (g_strdup (_moped_c_api_result_type (m->result)));

      moped_code_writer_comment (w, title);
      LINE ("%s", type);
      LINE ("    %s (%s *self%s);", m->api_fn, n->state_type, params);
    }
  _moped_c_output_add (outputs, path, moped_code_writer_finish (w));
}

/* ---- src/NODE_engine.c ---------------------------------------------------------------- */

static void
write_engine_struct (MopedCodeWriter *w,
                     MopedCNode      *n)
{
  g_autofree char *state = g_strdup_printf ("%s *state;", n->state_type);
  g_autofree char *yours = g_strdup_printf ("Yours (src/%s.c)", n->ident);

  LINE ("struct _%s {", n->type);
  moped_code_writer_indent (w);
  LINE_COMMENTED ("zactor_t *actor;", "The engine, in its thread");
  moped_code_writer_dedent (w);
  LINE ("};");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "What the actor starts with: the options, and for tests a mode (see the engine's header)");
  LINE ("typedef struct {");
  LINE ("    const %s *options;", n->options_type);
  LINE ("    int mode;");
  LINE ("} s_args_t;");
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "A timer your code set");
  LINE ("typedef struct {");
  moped_code_writer_indent (w);
  LINE_COMMENTED ("int id;", "0 once cancelled or done");
  LINE_COMMENTED ("int64_t due;", "When it runs next (zclock_mono)");
  LINE_COMMENTED ("int64_t interval;", "Msecs");
  LINE_COMMENTED ("bool repeat;", "Runs every interval");
  {
    g_autofree char *handler = g_strdup_printf ("%s *handler;", n->timer_fn_type);

    LINE_COMMENTED (handler, "Yours");
  }
  LINE ("void *arg;");
  moped_code_writer_dedent (w);
  LINE ("} s_timer_t;");
  moped_code_writer_blank (w);
  LINE ("struct _%s {", n->engine_type);
  moped_code_writer_indent (w);
  LINE_COMMENTED ("zsock_t *pipe;", "To the node's owner");
  LINE_COMMENTED ("zpoller_t *poller;", "Waits on the pipe and the sockets");
  LINE_COMMENTED ("wire_msg_t *msg;", "The message being handled");
  LINE_COMMENTED (state, yours);
  LINE_COMMENTED ("char *name;", "This instance, in logs");
  LINE_COMMENTED ("bool verbose;", "Log every message");
  LINE_COMMENTED ("bool trace;", "Self-test: report messages instead of handling");
  LINE_COMMENTED ("bool tap;", "Flow tests: report messages, then handle");
  LINE_COMMENTED ("bool failed;", "A socket could not be set up");
  LINE_COMMENTED ("bool terminated;", "Asked to stop");
  LINE_COMMENTED ("s_timer_t *timers;", "Set by your code, in the order set");
  LINE_COMMENTED ("size_t timers_size;", "Allocated");
  LINE_COMMENTED ("size_t timers_used;", "In use, cancelled ones included");
  LINE_COMMENTED ("int timers_next_id;", "The last id handed out");
  if (n->methods->len > 0)
    {
      LINE_COMMENTED ("void *call;", "The API call being run or deferred");
      LINE_COMMENTED ("const char *call_method;", "Its method");
      LINE_COMMENTED ("bool deferred;", "It answers later");
    }
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);
      g_autofree char *title = socket_title (s);
      g_autofree char *socket = g_strdup_printf ("zsock_t *%s;", s->ident);
      g_autofree char *peer = g_strdup_printf ("wire_peer_t %s;", s->peer_member);

      LINE_COMMENTED (socket, title);
      LINE_COMMENTED (peer, "Where it sends when no peer is given");
    }
  if (n->machines->len > 0)
    {
      g_autofree char *machines = g_strdup_printf ("wire_machine_t *machines [%u];", n->machines->len);

      LINE_COMMENTED (machines, "The state of each role it plays (s_roles)");
    }
  moped_code_writer_dedent (w);
  LINE ("};");
}

static void
write_socket_setup (MopedCodeWriter *w,
                    MopedCSocket    *s)
{
  g_autofree char *title = socket_title (s);
  g_autofree char *endpoints = designed_endpoints (s);
  g_autofree char *designed = _moped_c_quote (endpoints);
  g_autofree char *label = _moped_c_quote (s->ident);

  moped_code_writer_blank (w);
  moped_code_writer_comment (w, title);
  LINE ("self->%s = zsock_new (%s);", s->ident, s->info->zmq_name);
  LINE ("assert (self->%s);", s->ident);
  LINE ("zsock_set_sndtimeo (self->%s, S_SEND_TIMEOUT);", s->ident);
  LINE ("zsock_set_rcvtimeo (self->%s, 0);", s->ident);
  if (s->info->takes_routing_id)
    LINE ("wire_set_routing_id (self->%s, self->name, %s);", s->ident, label);
  if (s->info->router_mandatory)
    {
      moped_code_writer_comment (w, "Fail with EHOSTUNREACH, rather than drop, a message to an unknown peer");
      LINE ("zsock_set_router_mandatory (self->%s, 1);", s->ident);
    }
  if (s->info->receives_subscriptions)
    {
      moped_code_writer_comment (w, "Every subscription and unsubscription reaches the application, "
                                    "repeated ones too (libzmq passes only a topic's first and last)");
      LINE ("zsock_set_xpub_verboser (self->%s, 1);", s->ident);
    }
  if (s->info->subscription == MOPED_SUBSCRIPTION_OPTION)
    {
      if (s->subscriptions->len == 0)
        LINE ("zsock_set_subscribe (self->%s, \"\");", s->ident);
      for (guint i = 0; i < s->subscriptions->len; i++)
        {
          g_autofree char *prefix = _moped_c_quote (g_ptr_array_index (s->subscriptions, i));

          LINE ("zsock_set_subscribe (self->%s, %s);", s->ident, prefix);
        }
    }
  if (s->delimiter)
    {
      moped_code_writer_comment (w, "Its REP peers expect a REQ-style envelope");
      LINE ("self->%s.delimiter = true;", s->peer_member);
    }
  if (s->default_peer != NULL)
    {
      g_autofree char *id = _moped_c_quote (s->default_peer);

      moped_code_writer_comment (w, "Its one designed peer, by the routing id that peer sets (started with "
                                    "-n NAME, it is NAME/SOCKET: then say to whom)");
      LINE ("self->%s = wire_peer (%s, %s);", s->peer_member, id, s->default_peer_delimiter ? "true" : "false");
    }
  LINE ("if (wire_attach (self->%s, self->name, %s, options && options->%s? options->%s: %s,",
        s->ident, label, s->ident, s->ident, designed);
  LINE ("                 self->verbose) == -1)");
  LINE ("    self->failed = true;");
  if (s->info->subscription == MOPED_SUBSCRIPTION_MESSAGE)
    {
      moped_code_writer_comment (w, "An XSUB subscribes by sending \\001 and the prefix");
      if (s->subscriptions->len == 0)
        LINE ("zmq_send (zsock_resolve (self->%s), \"\\001\", 1, 0);", s->ident);
      for (guint i = 0; i < s->subscriptions->len; i++)
        {
          const char *text = g_ptr_array_index (s->subscriptions, i);
          g_autofree char *prefix = _moped_c_quote (text);

          LINE ("zmq_send (zsock_resolve (self->%s), \"\\001\" %s, %" G_GSIZE_FORMAT ", 0);",
                s->ident, prefix, strlen (text) + 1);
        }
    }
}

static void
write_engine_lifecycle (MopedCodeWriter *w,
                        MopedCNode      *n)
{
  g_autofree char *default_name = _moped_c_quote (n->ident);

  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("static %s *", n->engine_type);
  LINE ("s_engine_new (zsock_t *pipe, const %s *options, int mode)", n->options_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("%s *self = (%s *) zmalloc (sizeof (%s));", n->engine_type, n->engine_type, n->engine_type);
  LINE ("assert (self);");
  LINE ("self->pipe = pipe;");
  if (several_instances (n))
    moped_code_writer_comment (w, "The design runs several instances: an unnamed one gets a name of its own");
  LINE ("self->name = options && options->name? strdup (options->name): wire_default_name (%s, %s);",
        default_name, several_instances (n) ? "true" : "false");
  LINE ("assert (self->name);");
  LINE ("self->verbose = options && options->verbose;");
  LINE ("self->trace = mode == 1;");
  LINE ("self->tap = mode == 2;");
  LINE ("self->msg = wire_msg_new ();");
  LINE ("self->poller = zpoller_new (pipe, NULL);");
  LINE ("assert (self->poller);");
  moped_code_writer_comment (w, "Stop on $TERM, not on Ctrl-C: the owner decides");
  LINE ("zpoller_set_nonstop (self->poller, true);");
  for (guint i = 0; i < n->sockets->len; i++)
    write_socket_setup (w, g_ptr_array_index (n->sockets, i));
  if (n->machines->len > 0)
    {
      moped_code_writer_blank (w);
      LINE ("size_t machine;");
      LINE ("for (machine = 0; machine < S_MACHINES; machine++)");
      LINE ("    self->machines [machine] = wire_machine_new (&s_roles [machine], 0);");
    }
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Messages are handled only once every socket is ready");
  LINE ("if (!self->failed) {");
  moped_code_writer_indent (w);
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);

      if (polled (s))
        LINE ("zpoller_add (self->poller, self->%s);", s->ident);
    }
  LINE ("self->state = %s (self);", n->state_new_fn);
  moped_code_writer_dedent (w);
  LINE ("}");
  LINE ("return self;");
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("static void");
  LINE ("s_engine_destroy (%s **self_p)", n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("assert (self_p);");
  LINE ("if (*self_p) {");
  moped_code_writer_indent (w);
  LINE ("%s *self = *self_p;", n->engine_type);
  LINE ("if (self->state)");
  LINE ("    %s (&self->state);", n->state_destroy_fn);
  LINE ("zpoller_destroy (&self->poller);");
  for (guint i = 0; i < n->sockets->len; i++)
    LINE ("zsock_destroy (&self->%s);", ((MopedCSocket *) g_ptr_array_index (n->sockets, i))->ident);
  LINE ("wire_msg_destroy (&self->msg);");
  if (n->machines->len > 0)
    {
      LINE ("size_t machine;");
      LINE ("for (machine = 0; machine < S_MACHINES; machine++)");
      LINE ("    wire_machine_destroy (&self->machines [machine]);");
    }
  LINE ("free (self->timers);");
  LINE ("free (self->name);");
  LINE ("free (self);");
  LINE ("*self_p = NULL;");
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_dedent (w);
  LINE ("}");
}

static void
write_senders (MopedCodeWriter *w,
               MopedCNode      *n)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("const char *");
  LINE ("%s (%s *self)", n->engine_name_fn, n->engine_type);
  LINE ("{");
  LINE ("    assert (self);");
  LINE ("    return self->name;");
  LINE ("}");
  if (n->methods->len > 0)
    {
      moped_code_writer_blank (w);
      moped_code_writer_blank (w);
      LINE ("void");
      LINE ("%s (%s *self)", n->engine_defer_fn, n->engine_type);
      LINE ("{");
      LINE ("    assert (self);");
      LINE ("    if (self->call)");
      LINE ("        self->deferred = true;");
      LINE ("}");
    }
  for (guint i = 0; i < n->methods->len; i++)
    {
      MopedCMethod *m = g_ptr_array_index (n->methods, i);

      moped_code_writer_blank (w);
      moped_code_writer_blank (w);
      LINE ("int");
      LINE ("%s (%s *self, %sresult)", m->answer_fn, n->engine_type, _moped_c_api_result_type (m->result));
      LINE ("{");
      moped_code_writer_indent (w);
      LINE ("assert (self);");
      LINE ("if (!self->call || !self->deferred || !streq (self->call_method, \"%s\"))", m->ident);
      LINE ("    return -1;");
      LINE ("((%s *) self->call)->result = result;", m->call_type);
      LINE ("self->call = NULL;");
      LINE ("self->deferred = false;");
      LINE ("return zsock_signal (self->pipe, 0);");
      moped_code_writer_dedent (w);
      LINE ("}");
    }
  for (guint i = 0; i < n->senders->len; i++)
    {
      MopedCSender *s = g_ptr_array_index (n->senders, i);
      g_autofree char *signature = sender_signature (n, s);
      g_autofree char *title = sender_title (s);
      g_autofree char *args = _moped_c_field_args (s->command);
      g_autofree char *command = _moped_c_quote (_moped_c_name (s->command->element));
      g_autofree char *socket = _moped_c_quote (s->socket->ident);
      MopedCMachine *machine = _moped_c_machine_of (s->socket, s->command);

      moped_code_writer_blank (w);
      moped_code_writer_blank (w);
      moped_code_writer_comment (w, title);
      LINE ("int");
      LINE ("%s", signature);
      LINE ("{");
      moped_code_writer_indent (w);
      LINE ("assert (self);");
      LINE ("if (self->verbose)");
      LINE ("    zsys_info (\"%%s: send %%s on %%s\", self->name, %s, %s);", command, socket);
      if (machine != NULL)
        {
          LINE ("if (wire_machine_allows (self->machines [%u], to? to: &self->%s, true, %s) == -1) {",
                machine->index, s->socket->peer_member, s->command->constant);
          LINE ("    s_refuse (self, %u, %s, true, %s, to? to: &self->%s);", machine->index, socket, command,
                s->socket->peer_member);
          LINE ("    return -1;");
          LINE ("}");
          LINE ("if (%s (self->%s, %s, to? to: &self->%s%s) == -1)", s->command->send_fn, s->socket->ident,
                _moped_c_envelope (s->socket), s->socket->peer_member, args);
          LINE ("    return -1;");
          LINE ("return wire_machine_step (self->machines [%u], to? to: &self->%s, true, %s);", machine->index,
                s->socket->peer_member, s->command->constant);
        }
      else
        LINE ("return %s (self->%s, %s, to? to: &self->%s%s);", s->command->send_fn, s->socket->ident,
              _moped_c_envelope (s->socket), s->socket->peer_member, args);
      moped_code_writer_dedent (w);
      LINE ("}");
    }
}

/* One case of a socket's dispatch: trace, or decode and call the handler. */
static void
write_dispatch_case (MopedCodeWriter *w,
                     MopedCNode      *n,
                     MopedCHandler   *h)
{
  MopedCCommand *c = h->command;
  g_autofree char *socket = _moped_c_quote (h->socket->ident);
  g_autofree char *key = _moped_c_quote (c->constant);
  g_autofree char *name = _moped_c_quote (_moped_c_name (c->element));
  GString *outs = g_string_new (NULL);
  g_autofree char *args = _moped_c_field_args (c);
  MopedCMachine *machine = _moped_c_machine_of (h->socket, c);

  LINE ("case %s: {", c->constant);
  moped_code_writer_indent (w);
  if (machine != NULL)
    {
      LINE ("if (wire_machine_step (self->machines [%u], wire_msg_peer (self->msg), false, %s) == -1) {",
            machine->index, c->constant);
      LINE ("    s_refuse (self, %u, %s, false, %s, wire_msg_peer (self->msg));", machine->index, socket, name);
      LINE ("    break;");
      LINE ("}");
    }
  LINE ("if (self->trace) {");
  LINE ("    wire_report (self->pipe, self->msg, %s, %s);", socket, key);
  LINE ("    break;");
  LINE ("}");
  LINE ("if (self->tap)");
  LINE ("    zsock_send (self->pipe, \"ssss\", \"RECEIVED\", %s, %s, \"\");", socket, key);
  for (guint i = 0; i < c->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (c->fields, i);

      if (f->type == MOPED_FIELD_NUMBER)
        LINE ("uint64_t %s = 0;", f->ident);
      else
        LINE ("%s%s = NULL;", _moped_c_field_c_type (f->type), f->ident);
      g_string_append_printf (outs, ", &%s", f->ident);
      if (f->type == MOPED_FIELD_BYTES)
        {
          LINE ("size_t %s = 0;", f->size_ident);
          g_string_append_printf (outs, ", &%s", f->size_ident);
        }
    }
  if (c->fields->len > 0)
    LINE ("%s (self->msg%s);", c->get_fn, outs->str);
  LINE ("if (%s (self->state, wire_msg_peer (self->msg)%s) == -1)", h->fn, args);
  LINE ("    zsys_warning (\"%%s: the handler of %%s failed\", self->name, %s);", name);
  LINE ("break;");
  moped_code_writer_dedent (w);
  LINE ("}");
  g_string_free (outs, TRUE);
}

/* An XPUB receives its subscribers' (un)subscriptions among the messages: logged, passed
 * on upstream when the design relays them, and reported to a self-test. */
static void
write_subscription_receive (MopedCodeWriter *w,
                            MopedCSocket    *s,
                            const char      *label)
{
  LINE ("const byte *subscription;");
  LINE ("size_t subscription_size;");
  LINE ("int subscribes = wire_msg_subscription (self->msg, &subscription, &subscription_size);");
  LINE ("if (subscribes >= 0) {");
  moped_code_writer_indent (w);
  LINE ("char *topic = zsys_sprintf (\"%%.*s\", (int) subscription_size - 1, (const char *) subscription + 1);");
  LINE ("if (self->verbose)");
  LINE ("    zsys_info (\"%%s: socket %%s: %%s “%%s”\", self->name, %s, subscribes? \"subscribe\": \"unsubscribe\", topic);", label);
  if (s->forward_subscriptions != NULL)
    {
      g_autofree char *comment = g_strdup_printf ("A proxy: pass it on upstream through %s",
                                                  _moped_c_name (s->forward_subscriptions->element));

      moped_code_writer_comment (w, comment);
      LINE ("if (zmq_send (zsock_resolve (self->%s), subscription, subscription_size, 0) == -1)",
            s->forward_subscriptions->ident);
      LINE ("    wire_problem (self->trace || self->tap? self->pipe: NULL, self->name, %s, \"could not pass on a subscription: %%s\",", label);
      LINE ("                  zmq_strerror (zmq_errno ()));");
    }
  if (s->subscription_fn != NULL)
    {
      moped_code_writer_comment (w, "Yours, but not in the self-test (wiring only)");
      LINE ("if (!self->trace && %s (self->state, topic, subscribes == 1) == -1)", s->subscription_fn);
      LINE ("    zsys_warning (\"%%s: the handler of %%s's subscriptions failed\", self->name, %s);", label);
    }
  moped_code_writer_comment (w, "Self-tests and flow tests alike hear of it");
  LINE ("if (self->trace || self->tap)");
  LINE ("    zsock_send (self->pipe, \"ssss\", \"RECEIVED\", %s, subscribes? \"$SUBSCRIBE\": \"$UNSUBSCRIBE\", topic);", label);
  LINE ("zstr_free (&topic);");
  LINE ("return 0;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

static void
write_receive (MopedCodeWriter *w,
               MopedCNode      *n,
               MopedCSocket    *s)
{
  g_autofree char *title = socket_title (s);
  g_autofree char *label = _moped_c_quote (s->ident);

  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  {
    g_autofree char *comment = g_strdup_printf ("A message on socket %s: 0, or -1 when none was waiting",
                                                title);

    moped_code_writer_comment (w, comment);
  }
  LINE ("static int");
  LINE ("%s (%s *self)", s->receive_fn, n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  moped_code_writer_comment (w, "A message arrives whole or not at all: EAGAIN means none was waiting, "
                                "EFSM a REQ or REP that must send before it receives again");
  LINE ("if (wire_msg_recv (self->msg, self->%s, %s) == -1) {", s->ident, _moped_c_envelope (s));
  LINE ("    if (zmq_errno () == EAGAIN || zmq_errno () == EFSM)");
  LINE ("        return -1;");
  LINE ("    wire_problem (self->trace || self->tap? self->pipe: NULL, self->name, %s, \"%%s\", wire_msg_error (self->msg));", label);
  LINE ("    return 0;");
  LINE ("}");
  if (s->info->receives_subscriptions)
    write_subscription_receive (w, s, label);
  if (_moped_c_is_subscriber (s))
    {
      LINE ("if ((self->trace || self->tap) && wire_msg_is_probe (self->msg)) {");
      LINE ("    zsock_send (self->pipe, \"ss\", \"PROBE\", %s);", label);
      LINE ("    return 0;");
      LINE ("}");
    }
  if (s->protocols->len > 0)
    LINE ("int command;");
  for (guint i = 0; i < s->protocols->len; i++)
    {
      MopedCProtocol *p = g_ptr_array_index (s->protocols, i);

      moped_code_writer_blank (w);
      if (moped_element_get_enum (p->element, MOPED_PROP_COMMAND_ID) == MOPED_COMMAND_ID_NONE &&
          moped_element_get_enum (p->element, MOPED_PROP_ENCODING) == MOPED_ENCODING_MULTIPART)
        {
          guint64 expected = 0;

          /* No command frame: the command is the one this socket may receive. */
          for (guint j = 0; j < s->handlers->len; j++)
            {
              MopedCHandler *h = g_ptr_array_index (s->handlers, j);

              if (h->command->protocol == p && h->command->id <= 64)
                expected |= G_GUINT64_CONSTANT (1) << (h->command->id - 1);
            }
          LINE ("command = %s (self->msg, 0x%" G_GINT64_MODIFIER "xULL);", p->decode_expecting_fn, expected);
        }
      else
        LINE ("command = %s (self->msg);", p->decode_fn);
      LINE ("if (command == -1) {");
      LINE ("    wire_problem (self->trace || self->tap? self->pipe: NULL, self->name, %s, \"%%s\", wire_msg_error (self->msg));", label);
      LINE ("    return 0;");
      LINE ("}");
      LINE ("if (command > 0) {");
      moped_code_writer_indent (w);
      LINE ("if (self->verbose)");
      LINE ("    zsys_info (\"%%s: received %%s on %%s\", self->name, %s (command), %s);", p->name_fn, label);
      LINE ("switch (command) {");
      moped_code_writer_indent (w);
      for (guint j = 0; j < s->handlers->len; j++)
        {
          MopedCHandler *h = g_ptr_array_index (s->handlers, j);

          if (h->command->protocol == p)
            write_dispatch_case (w, n, h);
        }
      LINE ("default:");
      LINE ("    wire_problem (self->trace || self->tap? self->pipe: NULL, self->name, %s, \"unexpected command %%s\", %s (command));", label, p->name_fn);
      LINE ("    break;");
      moped_code_writer_dedent (w);
      LINE ("}");
      LINE ("return 0;");
      moped_code_writer_dedent (w);
      LINE ("}");
    }
  LINE ("wire_problem (self->trace || self->tap? self->pipe: NULL, self->name, %s, \"unknown command %%s\", wire_msg_command (self->msg));", label);
  LINE ("return 0;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

/* A SUB subscribes with a socket option, an XSUB by sending byte 1 (0 to unsubscribe)
 * and the topic; both travel to the publishers as that message. */
static void
write_test_subscribe (MopedCodeWriter *w,
                      MopedCNode      *n)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "$SUBSCRIBE or $UNSUBSCRIBE socket topic: answer SENT and what went wrong");
  LINE ("static void");
  LINE ("s_test_subscribe (%s *self, zmsg_t *request, bool subscribe)", n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("char *socket_name = zmsg_popstr (request);");
  LINE ("char *topic = zmsg_popstr (request);");
  LINE ("int rc = -1;");
  LINE ("errno = EINVAL;");
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);
      g_autofree char *label = _moped_c_quote (s->ident);

      if (!_moped_c_is_subscriber (s))
        continue;
      LINE ("if (socket_name && topic && streq (socket_name, %s)) {", label);
      moped_code_writer_indent (w);
      if (s->info->subscription == MOPED_SUBSCRIPTION_OPTION)
        {
          LINE ("if (subscribe)");
          LINE ("    zsock_set_subscribe (self->%s, topic);", s->ident);
          LINE ("else");
          LINE ("    zsock_set_unsubscribe (self->%s, topic);", s->ident);
          LINE ("rc = 0;");
        }
      else
        {
          LINE ("zframe_t *frame = zframe_new (NULL, strlen (topic) + 1);");
          LINE ("zframe_data (frame) [0] = subscribe? 1: 0;");
          LINE ("memcpy (zframe_data (frame) + 1, topic, strlen (topic));");
          LINE ("rc = zframe_send (&frame, self->%s, 0);", s->ident);
          LINE ("zframe_destroy (&frame);");
        }
      moped_code_writer_dedent (w);
      LINE ("}");
    }
  LINE ("zsock_send (self->pipe, \"ss\", \"SENT\", rc == 0? \"\": zmq_strerror (zmq_errno ()));");
  LINE ("zstr_free (&socket_name);");
  LINE ("zstr_free (&topic);");
  moped_code_writer_dedent (w);
  LINE ("}");
}

static void
write_test_commands (MopedCodeWriter *w,
                     MopedCNode      *n)
{
  gboolean publishes = node_has_type (n, _moped_c_is_publisher);

  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Self-tests: send the sample of a command (socket and command named as the "
                                "self-test names them)");
  LINE ("static int");
  LINE ("s_send_sample (%s *self, const char *socket_name, const char *command, const wire_peer_t *to, "
        "const char *topic)", n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  if (n->senders->len == 0)
    {
      LINE ("(void) self;");
      LINE ("(void) socket_name;");
      LINE ("(void) command;");
      LINE ("(void) to;");
      LINE ("(void) topic;");
    }
  for (guint i = 0; i < n->senders->len; i++)
    {
      MopedCSender *s = g_ptr_array_index (n->senders, i);
      g_autofree char *socket = _moped_c_quote (s->socket->ident);
      g_autofree char *key = _moped_c_quote (s->command->constant);

      MopedCMachine *machine = _moped_c_machine_of (s->socket, s->command);

      if (machine == NULL)
        {
          LINE ("if (streq (socket_name, %s) && streq (command, %s))", socket, key);
          LINE ("    return %s (self->%s, %s, to, %s, topic);", s->command->protocol->send_sample_fn,
                s->socket->ident, _moped_c_envelope (s->socket), s->command->constant);
          continue;
        }
      {
        g_autofree char *name = _moped_c_quote (_moped_c_name (s->command->element));

        LINE ("if (streq (socket_name, %s) && streq (command, %s)) {", socket, key);
        moped_code_writer_indent (w);
        LINE ("if (wire_machine_allows (self->machines [%u], to, true, %s) == -1) {", machine->index,
              s->command->constant);
        LINE ("    s_refuse (self, %u, %s, true, %s, to);", machine->index, socket, name);
        LINE ("    return -1;");
        LINE ("}");
        LINE ("if (%s (self->%s, %s, to, %s, topic) == -1)", s->command->protocol->send_sample_fn,
              s->socket->ident, _moped_c_envelope (s->socket), s->command->constant);
        LINE ("    return -1;");
        LINE ("return wire_machine_step (self->machines [%u], to, true, %s);", machine->index, s->command->constant);
        moped_code_writer_dedent (w);
        LINE ("}");
      }
    }
  LINE ("errno = EINVAL;");
  LINE ("return -1;");
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "$SEND socket command peer delimiter topic: send a sample, answer SENT and "
                                "what went wrong (\"\" when nothing did)");
  LINE ("static void");
  LINE ("s_test_send (%s *self, zmsg_t *request)", n->engine_type);
  moped_code_writer_lines (w,
    "{\n"
    "    char *socket_name = zmsg_popstr (request);\n"
    "    char *command = zmsg_popstr (request);\n"
    "    char *peer = zmsg_popstr (request);\n"
    "    char *delimiter = zmsg_popstr (request);\n"
    "    char *topic = zmsg_popstr (request);\n"
    "    int rc = -1;\n"
    "    errno = EINVAL;\n"
    "    if (socket_name && command && peer && delimiter && topic) {\n"
    "        wire_peer_t to = wire_peer (peer, streq (delimiter, \"1\"));\n"
    "        //  A ROUTER knows a peer only once it has connected: try for a while\n"
    "        int64_t deadline = zclock_mono () + 5000;\n"
    "        while ((rc = s_send_sample (self, socket_name, command, &to, *topic? topic: NULL)) == -1\n"
    "           &&  zmq_errno () == EHOSTUNREACH && zclock_mono () < deadline)\n"
    "            zclock_sleep (1);\n"
    "    }\n"
    "    zsock_send (self->pipe, \"ss\", \"SENT\", rc == 0? \"\": zmq_strerror (zmq_errno ()));\n"
    "    zstr_free (&socket_name);\n"
    "    zstr_free (&command);\n"
    "    zstr_free (&peer);\n"
    "    zstr_free (&delimiter);\n"
    "    zstr_free (&topic);\n"
    "}\n");
  if (node_has_type (n, _moped_c_is_subscriber))
    write_test_subscribe (w, n);
  if (!publishes)
    return;
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "$PROBE socket topic: publish a probe, to learn when a subscription is in");
  LINE ("static void");
  LINE ("s_test_probe (%s *self, zmsg_t *request)", n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("char *socket_name = zmsg_popstr (request);");
  LINE ("char *topic = zmsg_popstr (request);");
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);
      g_autofree char *label = _moped_c_quote (s->ident);

      if (!_moped_c_is_publisher (s))
        continue;
      LINE ("if (socket_name && topic && streq (socket_name, %s))", label);
      LINE ("    wire_send_probe (self->%s, %s, topic);", s->ident, _moped_c_envelope (s));
    }
  LINE ("zstr_free (&socket_name);");
  LINE ("zstr_free (&topic);");
  moped_code_writer_dedent (w);
  LINE ("}");
}

/* ---- the state machines the engine keeps ------------------------------------------------ */

static char *
machine_title (MopedCMachine *m)
{
  return g_strdup_printf ("%s as %s, with %s on socket %s%s", _moped_c_name (m->protocol->element),
                          _moped_c_name (m->role),
                          _moped_c_name (m->peer_role), m->socket->ident,
                          m->per_peer ? " (a state per peer)" : "");
}

/* Each machine's states and transitions as tables, the roles that point at them, and
 * the check every message goes through. */
/* Whether any command the node sends or receives is checked against a state machine
 * (each such send function and handler calls s_refuse when its machine refuses). */
static gboolean
checks_machines (MopedCNode *n)
{
  for (guint i = 0; i < n->senders->len; i++)
    {
      MopedCSender *s = g_ptr_array_index (n->senders, i);

      if (_moped_c_machine_of (s->socket, s->command) != NULL)
        return TRUE;
    }
  for (guint i = 0; i < n->handlers->len; i++)
    {
      MopedCHandler *h = g_ptr_array_index (n->handlers, i);

      if (_moped_c_machine_of (h->socket, h->command) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
write_machines (MopedCodeWriter *w,
                MopedCNode      *n)
{
  if (n->machines->len == 0)
    return;
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The state machine of each role the node plays, projected from the design's "
                                "flows (the protocol document's \"State machines\" section numbers the "
                                "states the same way): every message sent and received is checked against "
                                "it, and one its state does not allow is refused");
  for (guint i = 0; i < n->machines->len; i++)
    {
      MopedCMachine *m = g_ptr_array_index (n->machines, i);
      const MopedMachine *machine = m->machine;
      g_autofree char *title = machine_title (m);
      GString *states = g_string_new (NULL);

      moped_code_writer_comment (w, title);
      for (guint st = 0; st < machine->n_states; st++)
        g_string_append_printf (states, "%s\"%u\"", st ? ", " : "", st + 1);
      LINE ("static const char *const s_machine_%u_states [] = { %s };", i, states->str);
      g_string_free (states, TRUE);
      LINE ("static const wire_transition_t s_machine_%u_transitions [] = {", i);
      moped_code_writer_indent (w);
      for (guint t = 0; t < machine->transitions->len; t++)
        {
          const MopedTransition *tr = &g_array_index (machine->transitions, MopedTransition, t);
          MopedCCommand *c = NULL;
          g_autofree char *line = NULL;
          g_autofree char *comment = NULL;

          for (guint k = 0; k < m->protocol->commands->len && c == NULL; k++)
            if (((MopedCCommand *) g_ptr_array_index (m->protocol->commands, k))->element == tr->command)
              c = g_ptr_array_index (m->protocol->commands, k);
          line = g_strdup_printf ("{ %u, %u, %s, %s },", tr->from, tr->to, tr->send ? "true" : "false",
                                  c != NULL ? c->constant : "0");
          comment = g_strdup_printf ("%u: %s %s, then %u%s", tr->from + 1, tr->send ? "sends" : "receives",
                                     c != NULL ? _moped_c_name (c->element) : "?", tr->to + 1,
                                     machine->final[tr->to] ? " (may end)" : "");
          LINE_COMMENTED (line, comment);
        }
      moped_code_writer_dedent (w);
      LINE ("};");
    }
  LINE ("static const wire_role_t s_roles [] = {");
  moped_code_writer_indent (w);
  for (guint i = 0; i < n->machines->len; i++)
    {
      MopedCMachine *m = g_ptr_array_index (n->machines, i);
      g_autofree char *protocol = _moped_c_quote (_moped_c_name (m->protocol->element));
      g_autofree char *role = _moped_c_quote (_moped_c_name (m->role));

      LINE ("{ %s, %s, s_machine_%u_states, %u, s_machine_%u_transitions, %u, %s },", protocol, role, i,
            m->machine->n_states, i, m->machine->transitions->len, m->per_peer ? "true" : "false");
    }
  moped_code_writer_dedent (w);
  LINE ("};");
  moped_code_writer_comment (w, "The codec of each, as the state functions name them");
  LINE ("static const char *const s_role_codecs [] = {");
  for (guint i = 0; i < n->machines->len; i++)
    LINE ("    \"%s\",", ((MopedCMachine *) g_ptr_array_index (n->machines, i))->protocol->ident);
  LINE ("};");
  LINE ("#define S_MACHINES %u", n->machines->len);
  /* A node that only relays another protocol inside this one keeps the state, but
   * sends and receives none of its commands itself: nothing to refuse then. */
  if (!checks_machines (n))
    return;
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "A machine refused a command: one received (the machine did not move, the "
                                "handler is not called) or one about to be sent (not sent). Logged, with errno "
                                "set to EPROTO; a refused message received is reported to a test. Each message "
                                "is checked where it is handled, with no call when it is allowed");
  LINE ("static void");
  LINE ("s_refuse (%s *self, size_t machine, const char *socket, bool send, const char *name,",
        n->engine_type);
  LINE ("          const wire_peer_t *peer)");
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("wire_machine_t *state = self->machines [machine];");
  LINE ("char text [WIRE_PEER_TEXT_MAX];");
  LINE ("const char *who = wire_peer_text (peer, text);");
  LINE ("char problem [WIRE_PEER_TEXT_MAX + 200];");
  LINE ("snprintf (problem, sizeof (problem), \"refused %%s%%s in state %%s %%s %%s\", send? \"to send \": \"\", name,");
  LINE ("          wire_machine_state (state, peer), send? \"to\": \"from\", who? who: socket);");
  LINE ("zsys_warning (\"%%s: %%s\", self->name, problem);");
  moped_code_writer_comment (w, "A refused send fails, and the code that sent decides what that means; "
                                "the flow tests hear of it, to say what your handler did");
  LINE ("if (self->tap || (!send && self->trace))");
  LINE ("    zsock_send (self->pipe, \"sss\", \"PROBLEM\", socket, problem);");
  LINE ("errno = EPROTO;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

/* The engine's state function (in the node's thread); the public one asks it through
 * the pipe. */
static void
write_state_functions (MopedCodeWriter *w,
                       MopedCNode      *n)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("const char *");
  LINE ("%s (%s *self, const char *protocol, const wire_peer_t *peer)", n->engine_state_fn, n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("assert (self);");
  if (n->machines->len == 0)
    {
      moped_code_writer_comment (w, "It keeps none (self is used only by the assert, which NDEBUG removes)");
      LINE ("(void) self;");
      LINE ("(void) protocol;");
      LINE ("(void) peer;");
    }
  else
    {
      LINE ("size_t index;");
      LINE ("for (index = 0; protocol && index < S_MACHINES; index++)");
      LINE ("    if (streq (protocol, s_role_codecs [index]))");
      LINE ("        return wire_machine_state (self->machines [index], peer);");
    }
  LINE ("return NULL;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

/* Each API method's arguments and result, carried to the node's thread by pointer. */
static void
write_calls (MopedCodeWriter *w,
             MopedCNode      *n)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The owner asks the state of a role the node plays");
  LINE ("typedef struct {");
  LINE ("    const char *protocol;");
  LINE ("    const char *peer;");
  LINE ("    const char *result;");
  LINE ("} s_call_state_t;");
  for (guint i = 0; i < n->methods->len; i++)
    {
      MopedCMethod *m = g_ptr_array_index (n->methods, i);

      moped_code_writer_blank (w);
      moped_code_writer_blank (w);
      moped_code_writer_comment (w, _moped_c_name (m->element));
      LINE ("typedef struct {");
      moped_code_writer_indent (w);
      LINE ("%sresult;", _moped_c_api_result_type (m->result));
      for (guint j = 0; j < m->params->len; j++)
        {
          MopedCParam *p = g_ptr_array_index (m->params, j);

          if (p->type == MOPED_API_BOOL)
            LINE ("bool %s;", p->ident);
          else
            LINE ("%s%s;", _moped_c_field_c_type ((MopedFieldType) p->type), p->ident);
          if (p->type == MOPED_API_BYTES)
            LINE ("size_t %s;", p->size_ident);
        }
      moped_code_writer_dedent (w);
      LINE ("} %s;", m->call_type);
    }
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The call an API method sent: a pointer to its arguments and result, valid "
                                "until the node answers (the caller waits for that)");
  LINE ("static void *");
  LINE ("s_call_of (zmsg_t *request)");
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("zframe_t *frame = zmsg_pop (request);");
  LINE ("void *call = NULL;");
  LINE ("if (frame && zframe_size (frame) == sizeof (void *))");
  LINE ("    memcpy (&call, zframe_data (frame), sizeof (void *));");
  LINE ("zframe_destroy (&frame);");
  LINE ("return call;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

static void
write_timers (MopedCodeWriter *w,
              MopedCNode      *n)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("int");
  LINE ("%s (%s *self, int64_t msecs, bool repeat, %s *handler, void *arg)",
        n->timer_set_fn, n->engine_type, n->timer_fn_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("assert (self);");
  LINE ("if (msecs < 0 || (repeat && msecs == 0) || !handler || self->timers_next_id == INT_MAX) {");
  LINE ("    errno = EINVAL;");
  LINE ("    return -1;");
  LINE ("}");
  LINE ("if (self->timers_used == self->timers_size) {");
  LINE ("    size_t size = self->timers_size? 2 * self->timers_size: 8;");
  LINE ("    s_timer_t *timers = (s_timer_t *) realloc (self->timers, size * sizeof (s_timer_t));");
  LINE ("    if (!timers)");
  LINE ("        return -1;");
  LINE ("    self->timers = timers;");
  LINE ("    self->timers_size = size;");
  LINE ("}");
  LINE ("s_timer_t *timer = &self->timers [self->timers_used++];");
  LINE ("timer->id = ++self->timers_next_id;");
  LINE ("timer->due = zclock_mono () + msecs;");
  LINE ("timer->interval = msecs;");
  LINE ("timer->repeat = repeat;");
  LINE ("timer->handler = handler;");
  LINE ("timer->arg = arg;");
  LINE ("return timer->id;");
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("int");
  LINE ("%s (%s *self, int timer_id)", n->timer_cancel_fn, n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("assert (self);");
  LINE ("for (size_t index = 0; index < self->timers_used; index++)");
  LINE ("    if (timer_id > 0 && self->timers [index].id == timer_id) {");
  LINE ("        self->timers [index].id = 0;");
  LINE ("        return 0;");
  LINE ("    }");
  LINE ("return -1;");
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "How long the loop may wait: until the next timer is due, or for ever");
  LINE ("static int");
  LINE ("s_timers_wait (%s *self)", n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("int64_t wait = -1;");
  LINE ("int64_t now = zclock_mono ();");
  LINE ("for (size_t index = 0; index < self->timers_used; index++)");
  LINE ("    if (self->timers [index].id) {");
  LINE ("        int64_t left = self->timers [index].due > now? self->timers [index].due - now: 0;");
  LINE ("        if (wait == -1 || left < wait)");
  LINE ("            wait = left;");
  LINE ("    }");
  LINE ("return wait > INT_MAX? INT_MAX: (int) wait;");
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Run the timers that are due. A handler may set and cancel timers: the ones "
                                "it sets wait for the next round; then the finished ones are dropped");
  LINE ("static void");
  LINE ("s_timers_run (%s *self)", n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("int64_t now = zclock_mono ();");
  LINE ("size_t count = self->timers_used;");
  LINE ("for (size_t index = 0; index < count && !self->terminated; index++) {");
  moped_code_writer_indent (w);
  LINE ("s_timer_t timer = self->timers [index];");
  LINE ("if (timer.id == 0 || timer.due > now)");
  LINE ("    continue;");
  LINE ("if (timer.repeat)");
  LINE ("    self->timers [index].due = timer.due + timer.interval > now? timer.due + timer.interval: now + timer.interval;");
  LINE ("else");
  LINE ("    self->timers [index].id = 0;");
  LINE ("if (self->state && timer.handler (self->state, timer.arg) == -1)");
  LINE ("    zsys_warning (\"%%s: timer %%d failed\", self->name, timer.id);");
  moped_code_writer_dedent (w);
  LINE ("}");
  LINE ("size_t kept = 0;");
  LINE ("for (size_t index = 0; index < self->timers_used; index++)");
  LINE ("    if (self->timers [index].id)");
  LINE ("        self->timers [kept++] = self->timers [index];");
  LINE ("self->timers_used = kept;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

static void
write_pipe (MopedCodeWriter *w,
            MopedCNode      *n)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "A command from the node's owner: $TERM, an API method, or a self-test's");
  LINE ("static void");
  LINE ("s_handle_pipe (%s *self)", n->engine_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("zmsg_t *request = zmsg_recv (self->pipe);");
  LINE ("if (!request) {");
  LINE ("    self->terminated = true;");
  LINE ("    return;");
  LINE ("}");
  LINE ("char *command = zmsg_popstr (request);");
  LINE ("if (!command)");
  LINE ("    zsys_warning (\"%%s: empty command on the pipe\", self->name);");
  LINE ("else");
  LINE ("if (streq (command, \"$TERM\"))");
  LINE ("    self->terminated = true;");
  LINE ("else");
  LINE ("if (streq (command, \"$SEND\"))");
  LINE ("    s_test_send (self, request);");
  LINE ("else");
  LINE ("if (streq (command, \"$STATE\")) {");
  moped_code_writer_indent (w);
  moped_code_writer_comment (w, "The owner's question, on its stack: it waits for the answer");
  LINE ("s_call_state_t *call = (s_call_state_t *) s_call_of (request);");
  LINE ("if (call) {");
  LINE ("    wire_peer_t peer = wire_peer (call->peer, false);");
  LINE ("    call->result = %s (self, call->protocol, &peer);", n->engine_state_fn);
  LINE ("}");
  LINE ("zsock_signal (self->pipe, 0);");
  moped_code_writer_dedent (w);
  LINE ("}");
  if (node_has_type (n, _moped_c_is_publisher))
    {
      LINE ("else");
      LINE ("if (streq (command, \"$PROBE\"))");
      LINE ("    s_test_probe (self, request);");
    }
  if (node_has_type (n, _moped_c_is_subscriber))
    {
      LINE ("else");
      LINE ("if (streq (command, \"$SUBSCRIBE\") || streq (command, \"$UNSUBSCRIBE\"))");
      LINE ("    s_test_subscribe (self, request, streq (command, \"$SUBSCRIBE\"));");
    }
  for (guint i = 0; i < n->methods->len; i++)
    {
      MopedCMethod *m = g_ptr_array_index (n->methods, i);

      g_autofree char *args = _moped_c_api_args (m, "call->");

      LINE ("else");
      LINE ("if (streq (command, \"%s\")) {", m->ident);
      moped_code_writer_indent (w);
      LINE ("%s *call = (%s *) s_call_of (request);", m->call_type, m->call_type);
      LINE ("self->call = call;");
      LINE ("self->call_method = \"%s\";", m->ident);
      LINE ("self->deferred = false;");
      LINE ("if (call && self->state) {");
      LINE ("    %sresult = %s (self->state%s);", _moped_c_api_result_type (m->result), m->api_fn, args);
      LINE ("    if (!self->deferred)");
      LINE ("        call->result = result;");
      LINE ("}");
      LINE ("if (!self->deferred) {");
      LINE ("    self->call = NULL;");
      LINE ("    zsock_signal (self->pipe, 0);");
      LINE ("}");
      moped_code_writer_dedent (w);
      LINE ("}");
    }
  LINE ("else");
  LINE ("    zsys_warning (\"%%s: unknown command %%s on the pipe\", self->name, command);");
  LINE ("zstr_free (&command);");
  LINE ("zmsg_destroy (&request);");
  moped_code_writer_dedent (w);
  LINE ("}");
}

static void
write_actor (MopedCodeWriter *w,
             MopedCNode      *n)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The node's thread: set up, tell the owner whether that worked, then handle "
                                "messages until $TERM");
  LINE ("static void");
  LINE ("s_actor (zsock_t *pipe, void *args)");
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("const s_args_t *start = (const s_args_t *) args;");
  LINE ("%s *self = s_engine_new (pipe, start->options, start->mode);", n->engine_type);
  LINE ("zsock_signal (pipe, 0);");
  LINE ("zsock_send (pipe, \"i\", self->failed? -1: 0);");
  moped_code_writer_comment (w, "The self-test checks the wiring alone: your start and stop stay out of it");
  LINE ("if (self->state && !self->trace && %s (self->state) == -1)", n->state_start_fn);
  LINE ("    zsys_warning (\"%%s: start failed\", self->name);");
  LINE ("while (!self->terminated) {");
  moped_code_writer_indent (w);
  LINE ("void *which = zpoller_wait (self->poller, s_timers_wait (self));");
  LINE ("if (!which && zpoller_terminated (self->poller) && zmq_errno () == ETERM)");
  LINE ("    break;");
  LINE ("if (which == self->pipe)");
  LINE ("    s_handle_pipe (self);");
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);

      if (!polled (s))
        continue;
      LINE ("else");
      LINE ("if (which == self->%s) {", s->ident);
      LINE ("    int count = 0;");
      LINE ("    while (count++ < S_BATCH && %s (self) == 0)", s->receive_fn);
      LINE ("        ;");
      LINE ("}");
    }
  LINE ("s_timers_run (self);");
  moped_code_writer_dedent (w);
  LINE ("}");
  LINE ("if (self->state && !self->trace)");
  LINE ("    %s (self->state);", n->state_stop_fn);
  LINE ("s_engine_destroy (&self);");
  moped_code_writer_dedent (w);
  LINE ("}");
}

static void
write_public_functions (MopedCodeWriter *w,
                        MopedCNode      *n)
{
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("%s *", n->type);
  LINE ("%s (const %s *options, int mode)", n->test_new_fn, n->options_type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("%s *self = (%s *) zmalloc (sizeof (%s));", n->type, n->type, n->type);
  LINE ("assert (self);");
  moped_code_writer_comment (w, "The actor reads its arguments before it answers");
  LINE ("s_args_t start = { options, mode };");
  LINE ("self->actor = zactor_new (s_actor, &start);");
  LINE ("assert (self->actor);");
  LINE ("int status = -1;");
  LINE ("if (zsock_recv (self->actor, \"i\", &status) == -1 || status != 0)");
  LINE ("    %s (&self);", n->destroy_fn);
  LINE ("return self;");
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("%s *", n->type);
  LINE ("%s (const %s *options)", n->new_fn, n->options_type);
  LINE ("{");
  LINE ("    return %s (options, 0);", n->test_new_fn);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("void");
  LINE ("%s (%s **self_p)", n->destroy_fn, n->type);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("assert (self_p);");
  LINE ("if (*self_p) {");
  LINE ("    %s *self = *self_p;", n->type);
  LINE ("    zactor_destroy (&self->actor);");
  LINE ("    free (self);");
  LINE ("    *self_p = NULL;");
  LINE ("}");
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("zactor_t *");
  LINE ("%s (%s *self)", n->actor_fn, n->type);
  LINE ("{");
  LINE ("    assert (self);");
  LINE ("    return self->actor;");
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Run an API method in the node's thread and wait for its answer, however "
                                "long it takes: the call, on the caller's stack, must outlive the "
                                "node's use of it");
  LINE ("static void");
  LINE ("s_call (%s *self, const char *method, void *call)", n->type);
  LINE ("{");
  LINE ("    if (zsock_send (self->actor, \"sp\", method, call) == 0)");
  LINE ("        while (zsock_wait (self->actor) == -1 && zmq_errno () == EINTR)");
  LINE ("            ;");
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("const char *");
  LINE ("%s (%s *self, const char *protocol, const char *peer)", n->protocol_state_fn, n->type);
  LINE ("{");
  LINE ("    assert (self);");
  LINE ("    s_call_state_t call = { protocol, peer, NULL };");
  LINE ("    s_call (self, \"$STATE\", &call);");
  LINE ("    return call.result;");
  LINE ("}");
  for (guint i = 0; i < n->methods->len; i++)
    {
      MopedCMethod *m = g_ptr_array_index (n->methods, i);
      g_autofree char *params = _moped_c_api_params (m);
      g_autofree char *args = _moped_c_api_args (m, "");
      g_autofree char *type = g_strchomp (g_strdup (_moped_c_api_result_type (m->result)));

      moped_code_writer_blank (w);
      moped_code_writer_blank (w);
      LINE ("%s", type);
      LINE ("%s (%s *self%s)", m->fn, n->type, params);
      LINE ("{");
      moped_code_writer_indent (w);
      LINE ("assert (self);");
      LINE ("%s call = { %s%s };", m->call_type, _moped_c_api_result_none (m->result), args);
      LINE ("s_call (self, \"%s\", &call);", m->ident);
      LINE ("return call.result;");
      moped_code_writer_dedent (w);
      LINE ("}");
    }
}

static void
write_engine (MopedCModel *model,
              MopedCNode  *n,
              GPtrArray   *outputs)
{
  g_autofree char *file = g_strdup_printf ("%s.c", n->engine_base);
  g_autofree char *job = g_strdup_printf ("the %s node's engine: its sockets, its loop, decoding each "
                                          "message and calling its handler.", _moped_c_name (n->element));
  MopedCodeWriter *w = _moped_c_writer_begin (model, file, job, FALSE);
  g_autofree char *path = g_strdup_printf ("src/%s", file);

  describe_node (w, n);
  LINE ("#include \"%s.h\"", n->engine_base);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "The node never blocks on a socket: a send waits this long at most for a peer "
                                "that cannot take the message (then fails with EAGAIN), a receive not at "
                                "all (the loop polls first)");
  LINE ("#define S_SEND_TIMEOUT 1000");
  moped_code_writer_comment (w, "A socket that has messages waiting is read up to this many times before the "
                                "loop polls again: a poll per message costs more than the message (system "
                                "calls), and the pipe and the timers still get their turn");
  LINE ("#define S_BATCH 256");
  moped_code_writer_blank (w);
  write_engine_struct (w, n);
  write_machines (w, n);
  write_calls (w, n);
  write_engine_lifecycle (w, n);
  write_senders (w, n);
  write_state_functions (w, n);
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);

      if (polled (s))
        write_receive (w, n, s);
    }
  write_test_commands (w, n);
  write_timers (w, n);
  write_pipe (w, n);
  write_actor (w, n);
  write_public_functions (w, n);
  _moped_c_output_add (outputs, path, moped_code_writer_finish (w));
}

/* ---- src/NODE.c, the user's -------------------------------------------------------------- */

static MopedCSender *
sender_of (MopedCSocket  *socket,
           MopedCCommand *command)
{
  for (guint i = 0; i < socket->senders->len; i++)
    {
      MopedCSender *s = g_ptr_array_index (socket->senders, i);

      if (s->command == command)
        return s;
    }
  return NULL;
}

/* What the flows say the node sends next after this handler's command arrives (every
 * step that may follow it: each branch of a choice, an optional step and the one
 * after): "To answer: ..." on the same socket, "Then: ..." on another. With no flow
 * to go by, the socket's only reply when it has one; where a flow ends with the
 * command, nothing. */
static void
comment_next_steps (MopedCodeWriter *w,
                    MopedCModel     *model,
                    MopedCHandler   *h)
{
  g_autoptr(GPtrArray) hints = g_ptr_array_new_with_free_func (g_free);
  gboolean in_flows = FALSE;

  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);

      for (guint j = 0; j < f->moves->len; j++)
        {
          const MopedCMove *arrival = &g_array_index (f->moves, MopedCMove, j);
          MopedCStep *here = arrival->step >= 0 ? g_ptr_array_index (f->steps, arrival->step) : NULL;
          g_autofree gboolean *in = NULL;

          if (here == NULL || here->subscription != 0 || here->receiver != h->socket || here->command != h->command)
            continue;
          in_flows = TRUE;
          in = g_new0 (gboolean, f->n_states);
          in[arrival->to] = TRUE;
          _moped_c_flow_closure (f, in);
          for (guint k = 0; k < f->moves->len; k++)
            {
              const MopedCMove *m = &g_array_index (f->moves, MopedCMove, k);
              MopedCStep *next = m->step >= 0 && in[m->from] ? g_ptr_array_index (f->steps, m->step) : NULL;
              MopedCSender *send;
              char *hint;

              if (next == NULL || next->subscription != 0 || next->sender->node != h->socket->node ||
                  (send = sender_of (next->sender, next->command)) == NULL)
                continue;
              if (next->sender == h->socket)
                hint = g_strdup_printf ("To answer: %s (self->engine, from, ...)", send->fn);
              else
                hint = g_strdup_printf ("Then (flow %s): %s (self->engine, NULL, ...)",
                                        _moped_c_name (f->element), send->fn);
              if (g_ptr_array_find_with_equal_func (hints, hint, g_str_equal, NULL))
                g_free (hint);
              else
                g_ptr_array_add (hints, hint);
            }
        }
    }
  if (!in_flows && h->socket->senders->len == 1)
    g_ptr_array_add (hints, g_strdup_printf ("To answer: %s (self->engine, from, ...)",
                                             ((MopedCSender *) g_ptr_array_index (h->socket->senders, 0))->fn));
  for (guint i = 0; i < hints->len; i++)
    moped_code_writer_comment (w, g_ptr_array_index (hints, i));
}

static char *
handler_stub (MopedCModel   *model,
              MopedCNode    *n,
              MopedCHandler *h)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");
  g_autofree char *title = handler_title (h);
  g_autofree char *signature = handler_signature (n, h);

  moped_code_writer_comment_labelled (w, title, moped_element_get_string (h->command->element, MOPED_PROP_DESCRIPTION));
  comment_next_steps (w, model, h);
  LINE ("int");
  LINE ("%s", signature);
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("(void) self;");
  LINE ("(void) from;");
  for (guint i = 0; i < h->command->fields->len; i++)
    {
      MopedCField *f = g_ptr_array_index (h->command->fields, i);

      LINE ("(void) %s;", f->ident);
      if (f->size_ident != NULL)
        LINE ("(void) %s;", f->size_ident);
    }
  LINE ("return 0;");
  moped_code_writer_dedent (w);
  LINE ("}");
  return moped_code_writer_finish (w);
}

/* The comment over a socket's subscription handler. */
static const char *
subscription_title (MopedCSocket *s)
{
  return "A subscription (subscribes) or an unsubscription to topic, as an XPUB hears it: "
         "every one (libzmq passes repeated ones too), those of peers that connect and leave "
         "included";
}

static char *
subscription_stub (MopedCNode   *n,
                   MopedCSocket *s)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");
  g_autofree char *title = g_strdup_printf ("Socket %s (XPUB): %s%s", s->ident, subscription_title (s),
                                            s->forward_subscriptions != NULL
                                            ? "; the engine passes it on upstream by itself" : "");

  moped_code_writer_comment (w, title);
  LINE ("int");
  LINE ("%s (%s *self, const char *topic, bool subscribes)", s->subscription_fn, n->state_type);
  LINE ("{");
  LINE ("    (void) self;");
  LINE ("    (void) topic;");
  LINE ("    (void) subscribes;");
  LINE ("    return 0;");
  LINE ("}");
  return moped_code_writer_finish (w);
}

static char *
method_stub (MopedCNode   *n,
             MopedCMethod *m)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");
  g_autofree char *title = g_strdup_printf ("API method %s", _moped_c_name (m->element));

  g_autofree char *params = _moped_c_api_params (m);
  g_autofree char *type = g_strchomp (g_strdup (_moped_c_api_result_type (m->result)));
  g_autofree char *returns = g_strdup_printf ("Return %s. The arguments are borrowed for the call: copy "
                                              "what you keep.", result_meaning (m->result));

  moped_code_writer_comment_labelled (w, title, moped_element_get_string (m->element, MOPED_PROP_DESCRIPTION));
  comment_params (w, m);
  moped_code_writer_comment (w, returns);
  LINE ("%s", type);
  LINE ("%s (%s *self%s)", m->api_fn, n->state_type, params);
  LINE ("{");
  LINE ("    (void) self;");
  for (guint i = 0; i < m->params->len; i++)
    {
      MopedCParam *p = g_ptr_array_index (m->params, i);

      LINE ("    (void) %s;", p->ident);
      if (p->size_ident != NULL)
        LINE ("    (void) %s;", p->size_ident);
    }
  LINE ("    return %s;", m->result == MOPED_API_NONE ? "0" : _moped_c_api_result_none (m->result));
  LINE ("}");
  return moped_code_writer_finish (w);
}

static char *
state_new_stub (MopedCNode *n)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");

  LINE ("%s *", n->state_type);
  LINE ("%s (%s *engine)", n->state_new_fn, n->engine_type);
  LINE ("{");
  LINE ("    %s *self = (%s *) zmalloc (sizeof (%s));", n->state_type, n->state_type, n->state_type);
  LINE ("    assert (self);");
  LINE ("    self->engine = engine;");
  LINE ("    return self;");
  LINE ("}");
  return moped_code_writer_finish (w);
}

static char *
state_destroy_stub (MopedCNode *n)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");

  LINE ("void");
  LINE ("%s (%s **self_p)", n->state_destroy_fn, n->state_type);
  LINE ("{");
  LINE ("    assert (self_p);");
  LINE ("    if (*self_p) {");
  LINE ("        %s *self = *self_p;", n->state_type);
  LINE ("        free (self);");
  LINE ("        *self_p = NULL;");
  LINE ("    }");
  LINE ("}");
  return moped_code_writer_finish (w);
}

/* Whether flow @f's message step @leaf reaches node @n (at the receiver the flow
 * names, or another subscriber or round-robin peer). */
static gboolean
leaf_reaches (MopedCFlow   *f,
              MopedElement *leaf,
              MopedCNode   *n)
{
  for (guint i = 0; i < f->steps->len; i++)
    {
      MopedCStep *s = g_ptr_array_index (f->steps, i);
      GPtrArray *others[] = { s->copies, s->alternatives };

      if (s->step != leaf)
        continue;
      if (s->receiver->node == n)
        return TRUE;
      for (guint k = 0; k < G_N_ELEMENTS (others); k++)
        for (guint j = 0; j < others[k]->len; j++)
          if (((MopedCSocket *) g_ptr_array_index (others[k], j))->node == n)
            return TRUE;
    }
  return FALSE;
}

static gboolean
is_repeat_step (MopedElement *step)
{
  return moped_step_is_leaf (step) && moped_element_get_bool (step, MOPED_PROP_REPEAT);
}

/* The repeating part of a flow that @leaf is in, as its message steps in document
 * order: the nearest loop block around it, else the run of repeat-marked steps it is
 * one of; NULL when it is in none. */
static GPtrArray *
repeating_part (MopedElement *leaf)
{
  GPtrArray *part;
  g_autoptr(GPtrArray) siblings = NULL;
  guint at = 0, first, last;

  for (MopedElement *up = moped_element_get_parent (leaf);
       up != NULL && moped_element_get_kind (up) == MOPED_KIND_STEP; up = moped_element_get_parent (up))
    if (moped_step_get_block (up) == MOPED_BLOCK_LOOP)
      {
        part = g_ptr_array_new ();
        moped_step_collect_leaves (up, FALSE, part);
        return part;
      }
  if (!is_repeat_step (leaf))
    return NULL;
  siblings = moped_element_get_children_of_kind (moped_element_get_parent (leaf), MOPED_KIND_STEP);
  g_ptr_array_find (siblings, leaf, &at);
  for (first = at; first > 0 && is_repeat_step (g_ptr_array_index (siblings, first - 1)); first--)
    ;
  for (last = at; last + 1 < siblings->len && is_repeat_step (g_ptr_array_index (siblings, last + 1)); last++)
    ;
  part = g_ptr_array_new ();
  for (guint i = first; i <= last; i++)
    g_ptr_array_add (part, g_ptr_array_index (siblings, i));
  return part;
}

/* The flow in which @n sends @command over and over with nothing it receives coming
 * before (in the repeating part, or just before that part): what a schedule, not a
 * message, sets off. NULL when no flow says so. */
static MopedCFlow *
repeats_untriggered (MopedCModel   *model,
                     MopedCNode    *n,
                     MopedCCommand *command)
{
  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);
      g_autoptr(GPtrArray) leaves = g_ptr_array_new ();

      moped_step_collect_leaves (f->element, FALSE, leaves);
      for (guint j = 0; j < f->steps->len; j++)
        {
          MopedCStep *s = g_ptr_array_index (f->steps, j);
          g_autoptr(GPtrArray) part = NULL;
          gboolean triggered = FALSE;
          guint start = 0;

          if (s->command != command || s->sender->node != n || (part = repeating_part (s->step)) == NULL)
            continue;
          for (guint k = 0; k < part->len && g_ptr_array_index (part, k) != s->step && !triggered; k++)
            triggered = leaf_reaches (f, g_ptr_array_index (part, k), n);
          if (g_ptr_array_find (leaves, g_ptr_array_index (part, 0), &start) && start > 0)
            triggered |= leaf_reaches (f, g_ptr_array_index (leaves, start - 1), n);
          if (!triggered)
            return f;
        }
    }
  return NULL;
}

/* The requirements on the node and on the links its sockets are on, and the period
 * in msecs of the first that gives an interval (metric other, in ms or s; 0 when
 * none). */
static GPtrArray *
node_and_link_requirements (MopedCModel *model,
                            MopedCNode  *n,
                            gint64      *period)
{
  GPtrArray *found = g_ptr_array_new ();

  *period = 0;
  for (guint i = 0; i < model->requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (model->requirements, i);
      MopedElement *target = moped_element_get_ref (r, MOPED_PROP_TARGET);
      gboolean mine = target == n->element;
      const char *unit;

      for (guint j = 0; !mine && target != NULL && j < n->sockets->len; j++)
        {
          MopedCSocket *s = g_ptr_array_index (n->sockets, j);

          for (guint k = 0; !mine && k < s->links->len; k++)
            mine = ((MopedCLink *) g_ptr_array_index (s->links, k))->element == target;
        }
      if (!mine)
        continue;
      g_ptr_array_add (found, r);
      unit = moped_element_get_string (r, MOPED_PROP_UNIT);
      /* A span of time that is no latency: an interval, such as a heartbeat's. */
      if (*period == 0 && moped_element_get_enum (r, MOPED_PROP_METRIC) == MOPED_METRIC_OTHER)
        {
          double value = moped_element_get_double (r, MOPED_PROP_VALUE);

          if (g_str_equal (unit, "ms") && value >= 1)
            *period = (gint64) value;
          else if (g_str_equal (unit, "s") && value > 0)
            *period = (gint64) (value * 1000);
        }
    }
  return found;
}

static char *
state_start_stub (MopedCModel *model,
                  MopedCNode  *n)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");
  g_autofree char *about = g_strdup_printf ("Runs once the node has started, in its thread, before any "
                                            "message: set timers (%s), send a first message. Return 0, or "
                                            "-1 to have it logged.", n->timer_set_fn);
  gint64 period = 0;
  g_autoptr(GPtrArray) requirements = node_and_link_requirements (model, n, &period);

  moped_code_writer_comment (w, about);
  write_requirements (w, requirements);
  for (guint i = 0; i < n->senders->len; i++)
    {
      MopedCSender *s = g_ptr_array_index (n->senders, i);
      MopedCFlow *f = NULL;
      g_autofree char *hint = NULL;

      /* Once per command, however many sockets send it. */
      for (guint j = 0; j < i && s != NULL; j++)
        if (((MopedCSender *) g_ptr_array_index (n->senders, j))->command == s->command)
          s = NULL;
      if (s == NULL || (f = repeats_untriggered (model, n, s->command)) == NULL)
        continue;
      hint = g_strdup_printf ("%s repeats in flow %s with nothing %s receives before it: if it goes out "
                              "on a schedule (a heartbeat, a periodic publication), a repeating timer whose "
                              "handler calls %s fits, e.g. %s (self->engine, %" G_GINT64_FORMAT ", true, "
                              "s_send_%s, NULL)%s.",
                              _moped_c_name (s->command->element), _moped_c_name (f->element),
                              _moped_c_name (n->element), s->fn, n->timer_set_fn,
                              period > 0 ? period : 1000, s->command->ident,
                              period > 0 ? ", the interval the requirements give" : "");
      moped_code_writer_comment (w, hint);
    }
  LINE ("int");
  LINE ("%s (%s *self)", n->state_start_fn, n->state_type);
  LINE ("{");
  LINE ("    (void) self;");
  LINE ("    return 0;");
  LINE ("}");
  return moped_code_writer_finish (w);
}

static char *
state_stop_stub (MopedCNode *n)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");

  moped_code_writer_comment (w, "Runs when the node is asked to stop, before its sockets close: a goodbye "
                                "message fits here");
  LINE ("void");
  LINE ("%s (%s *self)", n->state_stop_fn, n->state_type);
  LINE ("{");
  LINE ("    (void) self;");
  LINE ("}");
  return moped_code_writer_finish (w);
}

static void
write_user_file (MopedCModel *model,
                 MopedCNode  *n,
                 GPtrArray   *outputs)
{
  g_autofree char *file = g_strdup_printf ("%s.c", n->ident);
  g_autofree char *job = g_strdup_printf ("what the %s node does: its state, a handler per command it "
                                          "receives, its API methods.", _moped_c_name (n->element));
  MopedCodeWriter *w = _moped_c_writer_begin (model, file, job, TRUE);
  g_autofree char *path = _moped_c_user_path (n->ident);
  g_autoptr(GPtrArray) symbols = g_ptr_array_new ();
  GPtrArray *stubs = g_ptr_array_new_with_free_func (g_free);
  MopedCOutput *output;
  g_autofree char *how = g_strdup_printf ("The engine (src/%s.c) runs the node in its own thread, decodes "
                                          "each message and calls its handler here. To send, call the send "
                                          "functions of src/%s.h with self->engine. Changing the design "
                                          "changes the engine; this file only ever gains the stubs of new "
                                          "handlers.", n->engine_base, n->engine_base);

  describe_node (w, n);
  moped_code_writer_line (w, "//");
  moped_code_writer_comment (w, how);
  moped_code_writer_blank (w);
  LINE ("#include \"%s.h\"", n->engine_base);
  moped_code_writer_blank (w);
  moped_code_writer_comment (w, "Your state, kept while the node runs: add what you need");
  LINE ("struct _%s {", n->state_type);
  moped_code_writer_indent (w);
  {
    g_autofree char *engine = g_strdup_printf ("%s *engine;", n->engine_type);

    LINE_COMMENTED (engine, "To send messages");
  }
  moped_code_writer_dedent (w);
  LINE ("};");

  g_ptr_array_add (symbols, n->state_new_fn);
  g_ptr_array_add (stubs, state_new_stub (n));
  g_ptr_array_add (symbols, n->state_destroy_fn);
  g_ptr_array_add (stubs, state_destroy_stub (n));
  g_ptr_array_add (symbols, n->state_start_fn);
  g_ptr_array_add (stubs, state_start_stub (model, n));
  g_ptr_array_add (symbols, n->state_stop_fn);
  g_ptr_array_add (stubs, state_stop_stub (n));
  for (guint i = 0; i < n->handlers->len; i++)
    {
      MopedCHandler *h = g_ptr_array_index (n->handlers, i);

      g_ptr_array_add (symbols, h->fn);
      g_ptr_array_add (stubs, handler_stub (model, n, h));
    }
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *sk = g_ptr_array_index (n->sockets, i);

      if (sk->subscription_fn == NULL)
        continue;
      g_ptr_array_add (symbols, sk->subscription_fn);
      g_ptr_array_add (stubs, subscription_stub (n, sk));
    }
  for (guint i = 0; i < n->methods->len; i++)
    {
      MopedCMethod *m = g_ptr_array_index (n->methods, i);

      g_ptr_array_add (symbols, m->api_fn);
      g_ptr_array_add (stubs, method_stub (n, m));
    }
  for (guint i = 0; i < stubs->len; i++)
    {
      moped_code_writer_blank (w);
      moped_code_writer_blank (w);
      moped_code_writer_lines (w, g_ptr_array_index (stubs, i));
    }
  output = _moped_c_output_add (outputs, path, moped_code_writer_finish (w));
  output->user_file = TRUE;
  g_ptr_array_add (symbols, NULL);
  output->symbols = g_strdupv ((char **) symbols->pdata);
  /* Appended stubs are separated from what is there by a blank line. */
  for (guint i = 0; i < stubs->len; i++)
    {
      char *stub = g_ptr_array_index (stubs, i);

      stubs->pdata[i] = g_strconcat ("\n", stub, NULL);
      g_free (stub);
    }
  output->stubs = stubs;
}

/* ---- src/NODE_main.c -------------------------------------------------------------------- */

static void
write_main (MopedCModel *model,
            MopedCNode  *n,
            GPtrArray   *outputs)
{
  g_autofree char *file = g_strdup_printf ("%s.c", n->main_base);
  g_autofree char *job = g_strdup_printf ("runs one %s node until interrupted (Ctrl-C).", _moped_c_name (n->element));
  MopedCodeWriter *w = _moped_c_writer_begin (model, file, job, FALSE);
  g_autofree char *path = g_strdup_printf ("src/%s", file);
  g_autofree char *name = _moped_c_quote (_moped_c_name (n->element));

  LINE ("#include \"%s.h\"", n->ident);
  moped_code_writer_blank (w);
  LINE ("static void");
  LINE ("s_usage (void)");
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("printf (\"Runs one %%s node until interrupted (Ctrl-C).\\n\", %s);", name);
  LINE ("printf (\"Usage: %s [-v] [-n NAME] [SOCKET=ENDPOINTS...]\\n\");", n->ident);
  LINE ("printf (\"  -v, --verbose  log every message\\n\");");
  if (several_instances (n))
    LINE ("printf (\"  -n NAME        name this instance (logs, routing ids; default %s-HOST-PID)\\n\");", n->ident);
  else
    LINE ("printf (\"  -n NAME        name this instance (logs, routing ids; default %s)\\n\");", n->ident);
  if (n->sockets->len > 0)
    LINE ("printf (\"Sockets, and where they bind (@) and connect (>), comma-separated:\\n\");");
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);
      g_autofree char *endpoints = designed_endpoints (s);
      g_autofree char *designed = _moped_c_quote (endpoints);

      LINE ("printf (\"  %s=%%s\\n\", %s);", s->ident, designed);
    }
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("int");
  LINE ("main (int argc, char *argv [])");
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("%s options;", n->options_type);
  LINE ("memset (&options, 0, sizeof (options));");
  LINE ("int argn;");
  LINE ("for (argn = 1; argn < argc; argn++) {");
  moped_code_writer_indent (w);
  LINE ("const char *arg = argv [argn];");
  LINE ("if (streq (arg, \"-v\") || streq (arg, \"--verbose\"))");
  LINE ("    options.verbose = true;");
  LINE ("else");
  LINE ("if (streq (arg, \"-n\") && argn + 1 < argc)");
  LINE ("    options.name = argv [++argn];");
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);

      LINE ("else");
      LINE ("if (strncmp (arg, \"%s=\", %" G_GSIZE_FORMAT ") == 0)", s->ident, strlen (s->ident) + 1);
      LINE ("    options.%s = arg + %" G_GSIZE_FORMAT ";", s->ident, strlen (s->ident) + 1);
    }
  LINE ("else {");
  LINE ("    s_usage ();");
  LINE ("    return streq (arg, \"-h\") || streq (arg, \"--help\")? 0: 1;");
  LINE ("}");
  moped_code_writer_dedent (w);
  LINE ("}");
  LINE ("%s *node = %s (&options);", n->type, n->new_fn);
  LINE ("if (!node)");
  LINE ("    return 1;");
  moped_code_writer_comment (w, "czmq's signal handler sets zsys_interrupted on Ctrl-C");
  LINE ("while (!zsys_interrupted)");
  LINE ("    zclock_sleep (100);");
  LINE ("%s (&node);", n->destroy_fn);
  LINE ("return 0;");
  moped_code_writer_dedent (w);
  LINE ("}");
  _moped_c_output_add (outputs, path, moped_code_writer_finish (w));
}

void
_moped_c_generate_node (MopedCModel *model,
                        MopedCNode  *n,
                        GPtrArray   *outputs)
{
  write_public_header (model, n, outputs);
  write_engine_header (model, n, outputs);
  write_engine (model, n, outputs);
  write_user_file (model, n, outputs);
  /* A node of a process runs in the process's program. */
  if (n->process == NULL)
    write_main (model, n, outputs);
}

/* ---- src/PROCESS_main.c ----------------------------------------------------------------- */

void
_moped_c_generate_process (MopedCModel   *model,
                           MopedCProcess *p,
                           GPtrArray     *outputs)
{
  g_autofree char *file = g_strdup_printf ("%s.c", p->main_base);
  g_autofree char *job = g_strdup_printf ("runs process %s, its nodes as threads of one program, until "
                                          "interrupted (Ctrl-C).", _moped_c_name (p->element));
  MopedCodeWriter *w = _moped_c_writer_begin (model, file, job, FALSE);
  g_autofree char *path = g_strdup_printf ("src/%s", file);
  g_autofree char *name = _moped_c_quote (_moped_c_name (p->element));
  g_autoptr(GString) members = g_string_new (NULL);

  for (guint i = 0; i < p->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (p->nodes, i);

      LINE ("#include \"%s.h\"", n->ident);
      g_string_append_printf (members, "%s%s", i == 0 ? "" : i + 1 == p->nodes->len ? " and " : ", ",
                              _moped_c_name (n->element));
    }
  moped_code_writer_blank (w);
  LINE ("static void");
  LINE ("s_usage (void)");
  LINE ("{");
  moped_code_writer_indent (w);
  {
    g_autofree char *text = _moped_c_quote (members->str);

    LINE ("printf (\"Runs process %%s (%%s) as threads of one program, until interrupted (Ctrl-C).\\n\", %s, %s);",
          name, text);
  }
  LINE ("printf (\"Usage: %s [-v] [NODE.SOCKET=ENDPOINTS...]\\n\");", p->ident);
  LINE ("printf (\"  -v, --verbose  log every message\\n\");");
  LINE ("printf (\"Sockets, and where they bind (@) and connect (>), comma-separated:\\n\");");
  for (guint i = 0; i < p->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (p->nodes, i);

      for (guint j = 0; j < n->sockets->len; j++)
        {
          MopedCSocket *s = g_ptr_array_index (n->sockets, j);
          g_autofree char *endpoints = designed_endpoints (s);
          g_autofree char *designed = _moped_c_quote (endpoints);

          LINE ("printf (\"  %s.%s=%%s\\n\", %s);", n->ident, s->ident, designed);
        }
    }
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_blank (w);
  moped_code_writer_blank (w);
  LINE ("int");
  LINE ("main (int argc, char *argv [])");
  LINE ("{");
  moped_code_writer_indent (w);
  /* Locals by position (node_0, options_0): a name from the design (a node called rc,
   * arg or argv) cannot clash with them or with main's own. */
  for (guint i = 0; i < p->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (p->nodes, i);

      LINE ("%s options_%u;    //  %s", n->options_type, i, n->ident);
      LINE ("memset (&options_%u, 0, sizeof (options_%u));", i, i);
    }
  LINE ("int argn;");
  LINE ("for (argn = 1; argn < argc; argn++) {");
  moped_code_writer_indent (w);
  LINE ("const char *arg = argv [argn];");
  LINE ("if (streq (arg, \"-v\") || streq (arg, \"--verbose\")) {");
  for (guint i = 0; i < p->nodes->len; i++)
    LINE ("    options_%u.verbose = true;", i);
  LINE ("}");
  for (guint i = 0; i < p->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (p->nodes, i);

      for (guint j = 0; j < n->sockets->len; j++)
        {
          MopedCSocket *s = g_ptr_array_index (n->sockets, j);
          g_autofree char *key = g_strdup_printf ("%s.%s=", n->ident, s->ident);

          LINE ("else");
          LINE ("if (strncmp (arg, \"%s\", %" G_GSIZE_FORMAT ") == 0)", key, strlen (key));
          LINE ("    options_%u.%s = arg + %" G_GSIZE_FORMAT ";", i, s->ident, strlen (key));
        }
    }
  LINE ("else {");
  LINE ("    s_usage ();");
  LINE ("    return streq (arg, \"-h\") || streq (arg, \"--help\")? 0: 1;");
  LINE ("}");
  moped_code_writer_dedent (w);
  LINE ("}");
  moped_code_writer_comment (w, "One ZeroMQ context for all of them: inproc links between them work");
  for (guint i = 0; i < p->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (p->nodes, i);

      LINE ("%s *node_%u = %s (&options_%u);", n->type, i, n->new_fn, i);
    }
  {
    g_autoptr(GString) all = g_string_new (NULL);

    for (guint i = 0; i < p->nodes->len; i++)
      g_string_append_printf (all, "%s!node_%u", i ? " || " : "", i);
    LINE ("int rc = %s? 1: 0;", all->str);
  }
  moped_code_writer_comment (w, "czmq's signal handler sets zsys_interrupted on Ctrl-C");
  LINE ("while (rc == 0 && !zsys_interrupted)");
  LINE ("    zclock_sleep (100);");
  for (guint i = p->nodes->len; i-- > 0;)
    {
      MopedCNode *n = g_ptr_array_index (p->nodes, i);

      LINE ("%s (&node_%u);", n->destroy_fn, i);
    }
  LINE ("return rc;");
  moped_code_writer_dedent (w);
  LINE ("}");
  _moped_c_output_add (outputs, path, moped_code_writer_finish (w));
}
