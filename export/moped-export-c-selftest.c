/* moped-export-c-selftest.c: generating the self-test: all nodes in one process, every flow played and checked.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The nodes run in trace mode over inproc endpoints. For each step the self-test
 * asks the sending node to send a sample of the command over the step's socket,
 * then waits until it arrives at the node the flow names (and at the subscribers
 * a published message also reaches), with its fields intact. Repeated steps play
 * a few times; optional steps are taken; a flow with choices is played once per
 * branch. The flow tests (--flows) follow the flow's automaton instead: any branch
 * the user's code takes is a way on.
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-export-c-private.h"
#include "moped-schema.h"
#include "moped-template.h"

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

/* Every wait of the self-test is bounded by S_TIMEOUT (10 s): one per played step and
 * per subscription probe. The watchdog's bound adds 30 s for starting and stopping the
 * nodes, the only parts without a deadline of their own (README: "Nothing in it hangs"). */
static GArray *play_order (MopedCFlow *f);

guint
_moped_c_selftest_limit_secs (MopedCModel *model)
{
  guint waits = model->probes->len;

  for (guint i = 0; i < model->flows->len; i++)
    {
      g_autoptr(GArray) order = play_order (g_ptr_array_index (model->flows, i));

      for (guint k = 0; k < order->len; k++)
        waits += g_array_index (order, int, k) >= 0;
    }
  return 30 + 10 * waits;
}

/* How many instances of @n the flow tests start: the design's count, bounded so that a
 * large count does not start hundreds of threads (README: "at most 16"). */
#define MAX_INSTANCES 16

static guint
test_instances (MopedCNode *n)
{
  gint64 count = moped_element_get_int (n->element, MOPED_PROP_INSTANCES);

  return (guint) CLAMP (count, 1, MAX_INSTANCES);
}

static guint
total_instances (MopedCModel *model)
{
  guint total = 0;

  for (guint i = 0; i < model->nodes->len; i++)
    total += test_instances (g_ptr_array_index (model->nodes, i));
  return total;
}

/* The most states of a flow's automaton, and the most steps of a flow. */
static guint
max_states (MopedCModel *model,
            gboolean     steps)
{
  guint most = 2;

  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);

      most = MAX (most, steps ? f->steps->len + 1 : f->n_states);
    }
  return most;
}

static void
write_limits (MopedCodeWriter *w,
              MopedCModel     *model)
{
  g_autofree char *states = g_strdup_printf ("#define S_STATES %u", max_states (model, FALSE));
  g_autofree char *steps = g_strdup_printf ("#define S_STEPS %u", max_states (model, TRUE));

  g_autofree char *nodes = g_strdup_printf ("#define S_NODES %u", model->nodes->len);
  g_autofree char *receivers = g_strdup_printf ("#define S_RECEIVERS %u", max_receivers (model) + 1);
  g_autofree char *limit = g_strdup_printf ("#define S_LIMIT_SECS %u", _moped_c_selftest_limit_secs (model));

  g_autofree char *actors = g_strdup_printf ("#define S_ACTORS %u", total_instances (model));

  LINE ("%-31s //  Nodes started", nodes);
  LINE ("%-31s //  Flow tests: instances started, of all nodes", actors);
  LINE ("%-31s //  Most sockets one step reaches, + 1", receivers);
  LINE ("%-31s //  Msecs to wait for a message", "#define S_TIMEOUT 10000");
  LINE ("%-31s //  The whole run ends within this", limit);
  LINE ("%-31s //  Flow tests: msecs for each step", "#define S_STEP_TIMEOUT 500");
  LINE ("%-31s //  Flow tests: messages kept for later steps", "#define S_BACKLOG 64");
  LINE ("%-31s //  Flow tests: most states of a flow", states);
  LINE ("%-31s //  Flow tests: most steps of a flow, + 1", steps);
}

static char *
step_text (MopedCStep *s)
{
  g_autofree char *text = NULL;

  if (s->subscription != 0)
    {
      text = g_strdup_printf ("%s %s “%s” at %s", _moped_c_name (s->sender->node->element),
                              s->subscription > 0 ? "subscribes to" : "unsubscribes from",
                              s->topic, _moped_c_name (s->receiver->node->element));
      return _moped_c_quote (text);
    }
  text = g_strdup_printf ("%s sends %s to %s", _moped_c_name (s->sender->node->element),
                                           _moped_c_name (s->command->element),
                                           _moped_c_name (s->receiver->node->element));

  return _moped_c_quote (text);
}

/* Flow tests: the handler of @s's command where it arrives ("server_handle_ask in
 * src/server.c"), which the test names when the receiver should send the next step. */
static char *
step_handler (MopedCStep *s)
{
  /* The receiver's subscriptions drop it: no handler of its runs. */
  if (s->filtered)
    return NULL;
  for (guint i = 0; s->subscription == 0 && i < s->receiver->handlers->len; i++)
    {
      MopedCHandler *h = g_ptr_array_index (s->receiver->handlers, i);

      if (h->command == s->command)
        return g_strdup_printf ("%s in src/%s.c", h->fn, s->receiver->node->ident);
    }
  if (s->subscription != 0 && s->receiver->subscription_fn != NULL)
    return g_strdup_printf ("%s in src/%s.c", s->receiver->subscription_fn, s->receiver->node->ident);
  return NULL;
}

/* Flow tests: the send function of @s, which its sender's code calls. */
static const char *
step_send_fn (MopedCStep *s)
{
  for (guint i = 0; s->subscription == 0 && i < s->sender->senders->len; i++)
    {
      MopedCSender *sender = g_ptr_array_index (s->sender->senders, i);

      if (sender->command == s->command)
        return sender->fn;
    }
  return NULL;
}

static void
write_step (MopedCodeWriter *w,
            MopedCModel     *model,
            MopedCStep      *s)
{
  g_autofree char *handler_text = step_handler (s);
  g_autofree char *handler = handler_text != NULL ? _moped_c_quote (handler_text) : g_strdup ("NULL");
  g_autofree char *send_fn = step_send_fn (s) != NULL ? _moped_c_quote (step_send_fn (s)) : g_strdup ("NULL");
  g_autofree char *file = g_strdup_printf ("\"src/%s.c\"", s->sender->node->ident);
  g_autofree char *text = step_text (s);
  g_autofree char *sender = place (model, s->sender);
  /* A subscription is played by the pipe command of its name; its topic travels as the topic. */
  g_autofree char *command = _moped_c_quote (s->subscription == 0 ? s->command->constant
                                             : s->subscription > 0 ? "$SUBSCRIBE" : "$UNSUBSCRIBE");
  g_autofree char *peer = _moped_c_quote (s->peer_id != NULL ? s->peer_id : "");
  g_autofree char *topic = _moped_c_quote (s->topic != NULL ? s->topic : "");
  g_autofree char *skip = s->skip_reason != NULL ? _moped_c_quote (s->skip_reason) : g_strdup ("NULL");
  GPtrArray *receivers = s->alternatives->len > 0 ? s->alternatives : NULL;
  g_autoptr(GString) places = g_string_new (NULL);

  if (receivers == NULL)
    {
      /* A receiver whose subscriptions drop the message is not waited for: it arriving
       * there is a failure. */
      if (!s->filtered)
        {
          g_autofree char *first = place (model, s->receiver);

          g_string_append (places, first);
        }
      for (guint i = 0; i < s->copies->len; i++)
        {
          g_autofree char *copy = place (model, g_ptr_array_index (s->copies, i));

          g_string_append_printf (places, "%s%s", places->len > 0 ? ", " : "", copy);
        }
      if (places->len == 0)
        g_string_append (places, "{ -1, NULL }");
    }
  else
    for (guint i = 0; i < receivers->len; i++)
      {
        g_autofree char *other = place (model, g_ptr_array_index (receivers, i));

        g_string_append_printf (places, "%s%s", i > 0 ? ", " : "", other);
      }
  LINE ("{ %u, %s,", s->position, text);
  LINE ("  %s, %s, %s, \"%d\", %s, %s, %s, %s,", sender, command, peer, s->delimiter, topic,
        receivers != NULL ? "true" : "false", s->optional ? "true" : "false", skip);
  LINE ("  { %s, { -1, NULL } }, %u, %s, %s, %s },", places->str, node_index (model, s->receiver->node),
        handler, send_fn, file);
}

/* The order the self-test plays steps in: each path through the flow (one per branch
 * of each choice) after the other, -2 between them, -1 at the end; each run of
 * repeat-marked steps of a path several times. */
static GArray *
play_order (MopedCFlow *f)
{
  GArray *order = g_array_new (FALSE, FALSE, sizeof (int));
  int separator = -2, end = -1;

  for (guint p = 0; p < f->paths->len; p++)
    {
      GArray *path = g_ptr_array_index (f->paths, p);
      guint i = 0;

      if (p > 0)
        g_array_append_val (order, separator);
      while (i < path->len)
        {
          guint stop = i;

          while (stop < path->len &&
                 ((MopedCStep *) g_ptr_array_index (f->steps, g_array_index (path, guint, stop)))->repeat)
            stop++;
          if (stop == i)
            {
              int index = (int) g_array_index (path, guint, i);

              g_array_append_val (order, index);
              i++;
              continue;
            }
          for (guint round = 0; round < REPEATS; round++)
            for (guint j = i; j < stop; j++)
              {
                int index = (int) g_array_index (path, guint, j);

                g_array_append_val (order, index);
              }
          i = stop;
        }
    }
  g_array_append_val (order, end);
  return order;
}

static char *
order_text (MopedCFlow *f)
{
  g_autoptr(GArray) order = play_order (f);
  GString *s = g_string_new ("{ ");

  for (guint i = 0; i < order->len; i++)
    g_string_append_printf (s, "%d%s", g_array_index (order, int, i), i + 1 < order->len ? ", " : " }");
  return g_string_free (s, FALSE);
}

static char *
moves_text (MopedCFlow *f)
{
  GString *s = g_string_new ("{ ");

  for (guint i = 0; i < f->moves->len; i++)
    {
      const MopedCMove *m = &g_array_index (f->moves, MopedCMove, i);

      g_string_append_printf (s, "{ %u, %u, %d }, ", m->from, m->to, m->step);
    }
  g_string_append (s, "{ -1, -1, -1 } }");
  return g_string_free (s, FALSE);
}

static void
write_flows (MopedCodeWriter *w,
             MopedCModel     *model)
{
  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);
      g_autofree char *order = order_text (f);
      g_autofree char *moves = moves_text (f);
      g_autofree char *title = g_strdup_printf ("Flow %s (%s)", _moped_c_name (f->element),
                                                _moped_c_name (f->protocol->element));

      moped_code_writer_blank (w);
      moped_code_writer_comment_labelled (w, title, moped_element_get_string (f->element, MOPED_PROP_DESCRIPTION));
      LINE ("static const s_step_t s_flow_%u_steps [] = {", i + 1);
      moped_code_writer_indent (w);
      for (guint j = 0; j < f->steps->len; j++)
        write_step (w, model, g_ptr_array_index (f->steps, j));
      LINE ("{ 0, NULL, { -1, NULL }, NULL, NULL, NULL, NULL, false, false, NULL, { { -1, NULL } }, -1, NULL, NULL, NULL }");
      moped_code_writer_dedent (w);
      LINE ("};");
      LINE ("static const int s_flow_%u_order [] = %s;", i + 1, order);
      LINE ("static const s_move_t s_flow_%u_moves [] = %s;", i + 1, moves);
    }
  moped_code_writer_blank (w);
  LINE ("static const s_flow_t s_flows [] = {");
  moped_code_writer_indent (w);
  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);
      g_autofree char *name = _moped_c_quote (_moped_c_name (f->element));

      LINE ("{ %s, s_flow_%u_steps, s_flow_%u_order, s_flow_%u_moves },", name, i + 1, i + 1, i + 1);
    }
  LINE ("{ NULL, NULL, NULL, NULL }");
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

/* The parts of main () that depend on the design (data/templates/c/selftest.c). */
static void
write_codec_tests (MopedCodeWriter *w,
                   MopedCModel     *model)
{
  for (guint i = 0; i < model->protocols->len; i++)
    {
      MopedCProtocol *p = g_ptr_array_index (model->protocols, i);
      g_autofree char *name = _moped_c_quote (_moped_c_name (p->element));

      LINE ("if (!failures) {");
      LINE ("    failures = %s (test.verbose);", p->test_fn);
      LINE ("    printf (\"codec %%s: %%s\\n\", %s, failures? \"FAILED\": \"ok\");", name);
      LINE ("}");
    }
}

/* The inproc endpoints of instance @instance (from 0) of @s's node in the flow tests: a
 * socket that binds binds its own (instances after the first add "#N"), and one that
 * connects connects to every instance of the node that binds there. */
static char *
instance_endpoints (MopedCModel  *model,
                    MopedCSocket *s,
                    guint         instance)
{
  GString *out = g_string_new (NULL);

  for (guint k = 0; k < s->test_endpoints->len; k++)
    {
      const char *e = g_ptr_array_index (s->test_endpoints, k);
      MopedCNode *binder = NULL;

      if (e[0] == '@')
        {
          g_string_append_printf (out, "%s%s", out->len > 0 ? "," : "", e);
          if (instance > 0)
            g_string_append_printf (out, "#%u", instance + 1);
          continue;
        }
      for (guint i = 0; i < model->links->len && binder == NULL; i++)
        {
          MopedCLink *l = g_ptr_array_index (model->links, i);

          if (l->test_endpoint != NULL && g_str_equal (l->test_endpoint, e + 1))
            binder = l->binder->node;
        }
      g_string_append_printf (out, "%s%s", out->len > 0 ? "," : "", e);
      for (guint j = 1; binder != NULL && j < test_instances (binder); j++)
        g_string_append_printf (out, ",%s#%u", e, j + 1);
    }
  return g_string_free (out, FALSE);
}

/* Each node once (the wiring self-test), or as many times as the design runs it (the
 * flow tests), each instance with its own name, so its own routing ids. */
static void
write_start_nodes (MopedCodeWriter *w,
                   MopedCModel     *model)
{
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);
      g_autofree char *title = _moped_c_quote (_moped_c_name (n->element));
      guint count = test_instances (n);
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint k = 0; k < count; k++)
        {
          g_autofree char *name = k == 0 ? g_strdup (n->ident) : g_strdup_printf ("%s-%u", n->ident, k + 1);
          g_autofree char *quoted = _moped_c_quote (name);

          g_string_append_printf (names, "%s%s", k > 0 ? ", " : "", quoted);
        }
      moped_code_writer_blank (w);
      LINE ("%s *node_%u [%u] = { NULL };", n->type, i, count);
      LINE ("test.names [%u] = %s;", i, title);
      LINE ("for (instance = 0; instance < (test.flows? %u: 1); instance++) {", count);
      moped_code_writer_indent (w);
      LINE ("static const char *names [%u] = { %s };", count, names->str);
      for (guint j = 0; j < n->sockets->len; j++)
        {
          MopedCSocket *s = g_ptr_array_index (n->sockets, j);
          g_autoptr(GString) list = g_string_new (NULL);

          for (guint k = 0; k < count; k++)
            {
              g_autofree char *endpoints = instance_endpoints (model, s, k);
              g_autofree char *quoted = _moped_c_quote (endpoints);

              g_string_append_printf (list, "%s%s", k > 0 ? ", " : "", quoted);
            }
          LINE ("static const char *flows_%s [%u] = { %s };", s->ident, count, list->str);
        }
      LINE ("%s options;", n->options_type);
      LINE ("memset (&options, 0, sizeof (options));");
      LINE ("options.name = names [instance];");
      LINE ("options.verbose = test.verbose;");
      for (guint j = 0; j < n->sockets->len; j++)
        {
          MopedCSocket *s = g_ptr_array_index (n->sockets, j);
          g_autofree char *quoted = NULL;
          g_autoptr(GString) wiring = g_string_new (NULL);

          for (guint k = 0; k < s->test_endpoints->len; k++)
            g_string_append_printf (wiring, "%s%s", k > 0 ? "," : "",
                                    (char *) g_ptr_array_index (s->test_endpoints, k));
          quoted = _moped_c_quote (wiring->str);
          LINE ("options.%s = test.flows? flows_%s [instance]: %s;", s->ident, s->ident, quoted);
        }
      LINE ("node_%u [instance] = %s (&options, test.flows? 2: 1);", i, n->test_new_fn);
      LINE ("if (node_%u [instance])", i);
      LINE ("    s_add_actor (&test, %u, %s (node_%u [instance]));", i, n->actor_fn, i);
      LINE ("else {");
      LINE ("    printf (\"node %%s: FAILED to start\\n\", names [instance]);");
      LINE ("    failures++;");
      LINE ("}");
      moped_code_writer_dedent (w);
      LINE ("}");
    }
}

static void
write_stop_nodes (MopedCodeWriter *w,
                  MopedCModel     *model)
{
  for (guint i = model->nodes->len; i > 0; i--)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i - 1);

      LINE ("for (instance = 0; instance < %u; instance++)", test_instances (n));
      LINE ("    %s (&node_%u [instance]);", n->destroy_fn, i - 1);
    }
}

static void
write_requirements (MopedCodeWriter *w,
                    MopedCModel     *model)
{
  for (guint i = 0; i < model->requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (model->requirements, i);

      if (moped_element_get_ref (r, MOPED_PROP_TARGET) == NULL)
        {
          g_autofree char *value = moped_element_dup_requirement_target (r);
          g_autofree char *title = g_strdup_printf ("Requirement %s: %s", _moped_c_name (r), value);

          moped_code_writer_comment_labelled (w, title, moped_element_get_string (r, MOPED_PROP_DESCRIPTION));
        }
    }
}

static void
write_includes (MopedCodeWriter *w,
                MopedCModel     *model)
{
  for (guint i = 0; i < model->protocols->len; i++)
    LINE ("#include \"%s.h\"", ((MopedCProtocol *) g_ptr_array_index (model->protocols, i))->ident);
  for (guint i = 0; i < model->nodes->len; i++)
    LINE ("#include \"%s.h\"", ((MopedCNode *) g_ptr_array_index (model->nodes, i))->engine_base);
}

/* What @part writes, as text for a template block. */
static char *
part (void       (*write) (MopedCodeWriter *w, MopedCModel *model),
      MopedCModel *model)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");

  write (w, model);
  return moped_code_writer_finish (w);
}

void
_moped_c_generate_selftest (MopedCModel *model,
                            GPtrArray   *outputs)
{
  MopedCodeWriter *w = _moped_c_writer_begin (model, "selftest.c",
    "plays every flow of the design with all nodes in one process, and checks that each "
    "message arrives where and in the order the flow says.", FALSE);
  g_autofree char *requirements = part (write_requirements, model);
  g_autofree char *includes = part (write_includes, model);
  g_autofree char *limits = part (write_limits, model);
  g_autofree char *flows = part (write_flows, model);
  g_autofree char *codec_tests = part (write_codec_tests, model);
  g_autofree char *start_nodes = part (write_start_nodes, model);
  g_autofree char *stop_nodes = part (write_stop_nodes, model);
  g_autofree char *text = moped_template_render ("c/selftest.c",
                                                 "requirements", requirements,
                                                 "includes", includes,
                                                 "limits", limits,
                                                 "flows", flows,
                                                 "codec_tests", codec_tests,
                                                 "start_nodes", start_nodes,
                                                 "stop_nodes", stop_nodes,
                                                 NULL);

  /* Each part is as long as the design is large: let go of them before the copy. */
  g_clear_pointer (&requirements, g_free);
  g_clear_pointer (&includes, g_free);
  g_clear_pointer (&limits, g_free);
  g_clear_pointer (&flows, g_free);
  g_clear_pointer (&codec_tests, g_free);
  g_clear_pointer (&start_nodes, g_free);
  g_clear_pointer (&stop_nodes, g_free);
  moped_code_writer_lines (w, text);
  _moped_c_output_add (outputs, "src/selftest.c", moped_code_writer_finish (w));
}
