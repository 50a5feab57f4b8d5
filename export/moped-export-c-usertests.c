/* moped-export-c-usertests.c: the user's tests folder, written once: a meson.build and a first test.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * MOPED step 4: "write the simplest sane test case". The first test starts every node
 * on inproc endpoints and calls the API method that begins the design's first flow,
 * expecting the answer a finished node gives; on a fresh skeleton it fails, which is
 * the point (step 6, watch it fail). The folder is the user's: the export writes it
 * only when the project has none and never looks at it again.
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-export-c-private.h"
#include "moped-schema.h"
#include "moped-template.h"

#define LINE(...) moped_code_writer_line (w, __VA_ARGS__)

/* The first test's bound: a method that never answers fails it after this long. */
#define FIRST_TEST_LIMIT_SECS 20
/* Without a method: how long the next step of the first flow may take. */
#define FIRST_STEP_MSECS 2000

/* The node that sends the first step of the first flow with steps, else the first node. */
static MopedCNode *
first_sender (MopedCModel *model)
{
  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);

      for (guint j = 0; j < f->steps->len; j++)
        {
          MopedCStep *s = g_ptr_array_index (f->steps, j);

          if (s->sender != NULL)
            return s->sender->node;
        }
    }
  return model->nodes->len > 0 ? g_ptr_array_index (model->nodes, 0) : NULL;
}

static MopedCFlow *
first_flow (MopedCModel *model)
{
  for (guint i = 0; i < model->flows->len; i++)
    {
      MopedCFlow *f = g_ptr_array_index (model->flows, i);

      if (f->steps->len > 0)
        return f;
    }
  return NULL;
}

/* Without an API method the first test plays the beginning of the first flow: it
 * sends the flow's first message step itself and waits for a step that may come
 * next (the user's handlers must send it). */
typedef struct
{
  MopedCFlow *flow;
  MopedCStep *first;
  GPtrArray  *next;            /* MopedCStep: what may come next, each message once */
} FirstSteps;

/* FALSE when the flow begins with no message step, or nothing can follow its first. */
static gboolean
first_steps (MopedCFlow *f,
             FirstSteps *out)
{
  g_autofree gboolean *in = g_new0 (gboolean, f->n_states);
  g_autofree gboolean *after = g_new0 (gboolean, f->n_states);

  out->flow = f;
  out->first = NULL;
  out->next = g_ptr_array_new ();
  in[0] = TRUE;
  _moped_c_flow_closure (f, in);
  for (guint i = 0; i < f->moves->len && out->first == NULL; i++)
    {
      const MopedCMove *m = &g_array_index (f->moves, MopedCMove, i);
      MopedCStep *s = m->step >= 0 && in[m->from] ? g_ptr_array_index (f->steps, m->step) : NULL;

      if (s != NULL && s->subscription == 0 && s->skip_reason == NULL)
        {
          out->first = s;
          after[m->to] = TRUE;
        }
    }
  if (out->first == NULL)
    return FALSE;
  _moped_c_flow_closure (f, after);
  for (guint i = 0; i < f->moves->len; i++)
    {
      const MopedCMove *m = &g_array_index (f->moves, MopedCMove, i);
      MopedCStep *s = m->step >= 0 && after[m->from] ? g_ptr_array_index (f->steps, m->step) : NULL;
      gboolean known = FALSE;

      if (s == NULL || s->subscription != 0)
        continue;
      for (guint k = 0; k < out->next->len; k++)
        {
          MopedCStep *other = g_ptr_array_index (out->next, k);

          known |= other->command == s->command && other->receiver == s->receiver;
        }
      if (!known)
        g_ptr_array_add (out->next, s);
    }
  return out->next->len > 0;
}

static char *
step_words (MopedCStep *s)
{
  return g_strdup_printf ("step %u (%s sends %s to %s)", s->position, _moped_c_name (s->sender->node->element),
                          _moped_c_name (s->command->element), _moped_c_name (s->receiver->node->element));
}

/* What to write so that @s follows the first step @first. */
static char *
next_advice (MopedCStep *first,
             MopedCStep *s)
{
  if (first->receiver->node == s->sender->node)
    for (guint i = 0; i < first->receiver->handlers->len; i++)
      {
        MopedCHandler *h = g_ptr_array_index (first->receiver->handlers, i);

        if (h->command == first->command)
          return g_strdup_printf ("write %s in src/%s.c", h->fn, s->sender->node->ident);
      }
  for (guint i = 0; i < s->sender->senders->len; i++)
    {
      MopedCSender *sender = g_ptr_array_index (s->sender->senders, i);

      if (sender->command == s->command)
        return g_strdup_printf ("have %s call %s after step %u", _moped_c_name (s->sender->node->element),
                                sender->fn, first->position);
    }
  return g_strdup ("check the wiring (run the self-test)");
}

/* Sample arguments: declares what needs a variable and returns the argument list. */
static char *
sample_args (MopedCodeWriter *w,
             MopedCMethod    *m)
{
  GString *args = g_string_new (NULL);

  for (guint i = 0; i < m->params->len; i++)
    {
      MopedCParam *p = g_ptr_array_index (m->params, i);
      g_autofree char *text = _moped_c_quote (_moped_c_name (p->element));

      switch (p->type)
        {
        case MOPED_API_STRING:
        case MOPED_API_LONGSTR:
          g_string_append_printf (args, ", %s", text);
          break;
        case MOPED_API_NUMBER:
          g_string_append (args, ", 1");
          break;
        case MOPED_API_BOOL:
          g_string_append (args, ", true");
          break;
        case MOPED_API_BYTES:
          g_string_append_printf (args, ", (const byte *) %s, strlen (%s)", text, text);
          break;
        case MOPED_API_FRAME:
          LINE ("zframe_t *%s = zframe_new (%s, strlen (%s));", p->ident, text, text);
          g_string_append_printf (args, ", %s", p->ident);
          break;
        case MOPED_API_STRINGS:
          LINE ("zlist_t *%s = zlist_new ();", p->ident);
          LINE ("zlist_append (%s, (void *) %s);", p->ident, text);
          g_string_append_printf (args, ", %s", p->ident);
          break;
        case MOPED_API_NONE:
        case MOPED_N_API_TYPES:
        default:
          g_assert_not_reached ();
        }
    }
  return g_string_free (args, FALSE);
}

static void
free_samples (MopedCodeWriter *w,
              MopedCMethod    *m)
{
  for (guint i = 0; i < m->params->len; i++)
    {
      MopedCParam *p = g_ptr_array_index (m->params, i);

      if (p->type == MOPED_API_FRAME)
        LINE ("zframe_destroy (&%s);", p->ident);
      else if (p->type == MOPED_API_STRINGS)
        LINE ("zlist_destroy (&%s);", p->ident);
    }
}

static guint
node_index (MopedCModel *model,
            MopedCNode  *n)
{
  guint index = 0;

  g_ptr_array_find (model->nodes, n, &index);
  return index;
}

/* Whether the first test starts @n tapped (mode 2: it reports what it receives up its
 * actor's pipe, and takes $SEND): the first step's sender and the next steps' receivers. */
static gboolean
tapped (FirstSteps *steps,
        MopedCNode *n)
{
  if (steps == NULL || steps->first == NULL)
    return FALSE;
  if (steps->first->sender->node == n)
    return TRUE;
  for (guint i = 0; i < steps->next->len; i++)
    if (((MopedCStep *) g_ptr_array_index (steps->next, i))->receiver->node == n)
      return TRUE;
  return FALSE;
}

/* Sends the first step, then waits for one of the next: prints what to write. */
static void
write_first_steps (MopedCodeWriter *w,
                   MopedCModel     *model,
                   FirstSteps      *steps)
{
  MopedCStep *first = steps->first;
  g_autofree char *socket = _moped_c_quote (first->sender->ident);
  g_autofree char *command = _moped_c_quote (first->command->constant);
  g_autofree char *peer = _moped_c_quote (first->peer_id != NULL ? first->peer_id : "");
  g_autofree char *topic = _moped_c_quote (first->topic != NULL ? first->topic : "");
  g_autoptr(GString) awaited = g_string_new (NULL);
  g_autoptr(GString) advice = g_string_new (NULL);
  g_autofree char *message = NULL;
  g_autofree char *quoted = NULL;

  moped_code_writer_comment (w, "No API method begins the first flow: the test sends its first step, as "
                                "the flow tests do, and your handlers must send a next one.");
  LINE ("zstr_sendx (%s (node_%u), \"$SEND\", %s, %s, %s, \"%d\", %s, NULL);", first->sender->node->actor_fn,
        node_index (model, first->sender->node), socket, command, peer, first->delimiter, topic);
  LINE ("s_next_t next [] = {");
  for (guint i = 0; i < steps->next->len; i++)
    {
      MopedCStep *s = g_ptr_array_index (steps->next, i);
      g_autofree char *words = step_words (s);
      g_autofree char *advice_text = next_advice (first, s);
      g_autofree char *receiver = _moped_c_quote (s->receiver->ident);
      g_autofree char *next_command = _moped_c_quote (s->command->constant);

      LINE ("    { %s (node_%u), %s, %s },", s->receiver->node->actor_fn, node_index (model, s->receiver->node),
            receiver, next_command);
      g_string_append_printf (awaited, "%s%s", i > 0 ? " or " : "", words);
      if (strstr (advice->str, advice_text) == NULL)
        g_string_append_printf (advice, "%s%s", advice->len > 0 ? "; or " : "", advice_text);
    }
  LINE ("};");
  message = g_strdup_printf ("flow \"%s\": %s did not happen within %d ms: %s", _moped_c_name (steps->flow->element),
                             awaited->str, FIRST_STEP_MSECS, advice->str);
  quoted = _moped_c_quote (message);
  LINE ("if (!s_received (next, sizeof (next) / sizeof (next [0]), %d))", FIRST_STEP_MSECS);
  LINE ("    failure = %s;", quoted);
}

/* The call and what a finished node answers; prints why it failed. */
static void
write_call (MopedCodeWriter *w,
            MopedCNode      *n,
            guint            index,
            MopedCMethod    *m)
{
  g_autofree char *args = NULL;
  g_autofree char *title = _moped_c_quote (_moped_c_name (m->element));
  g_autofree char *advice = g_strdup_printf ("write %s in src/%s.c", m->api_fn, n->ident);
  g_autofree char *quoted_advice = _moped_c_quote (advice);

  moped_code_writer_comment (w, "Call the method that begins the first flow and check what it returns. "
                                "Change the arguments and the expectation to what your design promises.");
  args = sample_args (w, m);
  switch (m->result)
    {
    case MOPED_API_BOOL:
      LINE ("bool result = %s (node_%u%s);", m->fn, index, args);
      LINE ("if (!result)");
      LINE ("    failure = \"returned false\";");
      break;
    case MOPED_API_NONE:
      LINE ("int result = %s (node_%u%s);", m->fn, index, args);
      LINE ("if (result != 0)");
      LINE ("    failure = \"returned -1\";");
      break;
    case MOPED_API_NUMBER:
      LINE ("uint64_t result = %s (node_%u%s);", m->fn, index, args);
      LINE ("if (result == 0)");
      LINE ("    failure = \"returned 0\";");
      break;
    case MOPED_API_STRING:
    case MOPED_API_LONGSTR:
      LINE ("char *result = %s (node_%u%s);", m->fn, index, args);
      LINE ("if (!result)");
      LINE ("    failure = \"returned NULL\";");
      LINE ("free (result);");
      break;
    case MOPED_API_STRINGS:
      LINE ("zlist_t *result = %s (node_%u%s);", m->fn, index, args);
      LINE ("if (!result)");
      LINE ("    failure = \"returned NULL\";");
      LINE ("zlist_destroy (&result);");
      break;
    case MOPED_API_BYTES:
      LINE ("zchunk_t *result = %s (node_%u%s);", m->fn, index, args);
      LINE ("if (!result)");
      LINE ("    failure = \"returned NULL\";");
      LINE ("zchunk_destroy (&result);");
      break;
    case MOPED_API_FRAME:
      LINE ("zframe_t *result = %s (node_%u%s);", m->fn, index, args);
      LINE ("if (!result)");
      LINE ("    failure = \"returned NULL\";");
      LINE ("zframe_destroy (&result);");
      break;
    case MOPED_N_API_TYPES:
    default:
      g_assert_not_reached ();
    }
  free_samples (w, m);
  LINE ("if (failure)");
  LINE ("    printf (\"first test: %%s %%s: %%s\\n\", %s, failure, %s);", title, quoted_advice);
}

/* A part of the first test for its template, written as it appears in main ()
 * (comments wrap at that indentation). */
static MopedCodeWriter *
part_writer (void)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");

  moped_code_writer_indent (w);
  return w;
}

static char *
about_part (MopedCFlow   *flow,
            MopedCMethod *method,
            FirstSteps   *steps)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");
  gboolean fails = method != NULL || steps != NULL;

  if (flow != NULL)
    {
      g_autofree char *about = g_strdup_printf ("It plays the beginning of flow %s (protocol %s): it starts "
                                                "every node on inproc endpoints, then %s.",
                                                _moped_c_name (flow->element),
                                                _moped_c_name (flow->protocol->element),
                                                method != NULL ? "calls the API method that should start it"
                                                : steps != NULL ? "sends the flow's first step and waits for "
                                                                  "your handlers to send the next"
                                                : "checks that every node starts");

      moped_code_writer_comment (w, about);
    }
  if (fails)
    moped_code_writer_comment (w, "It fails on a fresh skeleton: grow the nodes until it passes, then write "
                                  "the next test. `meson test -C build first` runs it.");
  else
    moped_code_writer_comment (w, "The design gives it nothing to ask of your code (no API method, and no "
                                  "flow of two messages), so it only proves that every node starts, and "
                                  "passes on a fresh skeleton: make it test what your design promises. "
                                  "`meson test -C build first` runs it.");
  return moped_code_writer_finish (w);
}

static char *
includes_part (MopedCModel *model,
               FirstSteps  *steps)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");

  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);

      LINE ("#include \"%s.h\"", n->ident);
      /* Its test-only constructor: the node reports what it receives. */
      if (tapped (steps, n))
        LINE ("#include \"%s.h\"", n->engine_base);
    }
  return moped_code_writer_finish (w);
}

/* Waiting for a next step, when the test sends the first. */
static char *
helpers_part (FirstSteps *steps)
{
  if (steps == NULL)
    return g_strdup ("");
  return moped_template_render ("c/test-first-steps.c", NULL);
}

static char *
watchdog_part (MopedCNode   *sender,
               MopedCMethod *method)
{
  g_autofree char *advice = method != NULL
    ? g_strdup_printf ("%s did not answer: check %s in src/%s.c, and the handlers whose message it "
                       "waits for", _moped_c_name (method->element),
                       method->api_fn, sender->ident)
    : g_strdup ("a node did not start, or did not stop");
  g_autofree char *quoted = _moped_c_quote (advice);
  g_autofree char *limit = g_strdup_printf ("%d", FIRST_TEST_LIMIT_SECS);

  return moped_template_render ("c/test-watchdog.c",
                                "limit", limit,
                                "advice", quoted,
                                NULL);
}

/* Each node with its options: inproc endpoints, the node's name. */
static char *
start_nodes_part (MopedCModel *model,
                  FirstSteps  *steps)
{
  MopedCodeWriter *w = part_writer ();

  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);
      g_autofree char *name = _moped_c_quote (n->ident);

      moped_code_writer_blank (w);
      LINE ("%s options_%u;", n->options_type, i);
      LINE ("memset (&options_%u, 0, sizeof (options_%u));", i, i);
      LINE ("options_%u.name = %s;", i, name);
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
      if (tapped (steps, n))
        LINE ("%s *node_%u = %s (&options_%u, 2);", n->type, i, n->test_new_fn, i);
      else
        LINE ("%s *node_%u = %s (&options_%u);", n->type, i, n->new_fn, i);
      LINE ("if (!node_%u)", i);
      LINE ("    failure = \"a node did not start\";");
    }
  return moped_code_writer_finish (w);
}

/* The call of the method, when there is one, up to the condition under which
 * the template prints the failure. */
static char *
check_part (MopedCModel  *model,
            MopedCNode   *sender,
            MopedCMethod *method,
            FirstSteps   *steps)
{
  MopedCodeWriter *w = part_writer ();

  if (method == NULL && steps != NULL)
    {
      LINE ("if (!failure) {");
      moped_code_writer_indent (w);
      write_first_steps (w, model, steps);
      moped_code_writer_dedent (w);
      LINE ("}");
      LINE ("if (failure)");
    }
  else if (method != NULL)
    {
      guint index = 0;

      while (g_ptr_array_index (model->nodes, index) != sender)
        index++;
      LINE ("if (!failure) {");
      moped_code_writer_indent (w);
      write_call (w, sender, index, method);
      moped_code_writer_dedent (w);
      LINE ("}");
      LINE ("else");
    }
  else
    LINE ("if (failure)");
  return moped_code_writer_finish (w);
}

static char *
stop_nodes_part (MopedCModel *model)
{
  MopedCodeWriter *w = part_writer ();

  for (guint i = model->nodes->len; i-- > 0;)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);

      LINE ("%s (&node_%u);", n->destroy_fn, i);
    }
  return moped_code_writer_finish (w);
}

/* The first test: data/templates/c/test-first.c, filled from the design. */
static char *
first_test (MopedCModel *model)
{
  MopedCodeWriter *w = _moped_c_writer_begin (model, "test_first.c",
                                              "your first test: the simplest sane test case.", TRUE);
  MopedCNode *sender = first_sender (model);
  MopedCFlow *flow = first_flow (model);
  MopedCMethod *method = sender != NULL && sender->methods->len > 0 ? g_ptr_array_index (sender->methods, 0) : NULL;
  FirstSteps plan = { NULL, NULL, NULL };
  FirstSteps *steps = method == NULL && flow != NULL && first_steps (flow, &plan) ? &plan : NULL;
  g_autofree char *about = about_part (flow, method, steps);
  g_autofree char *includes = includes_part (model, steps);
  g_autofree char *helpers = helpers_part (steps);
  g_autofree char *watchdog = watchdog_part (sender, method);
  g_autofree char *start_nodes = start_nodes_part (model, steps);
  g_autofree char *check = check_part (model, sender, method, steps);
  g_autofree char *stop_nodes = stop_nodes_part (model);
  g_autofree char *text = NULL;

  g_clear_pointer (&plan.next, g_ptr_array_unref);
  text = moped_template_render ("c/test-first.c",
                                                 "about", about,
                                                 "includes", includes,
                                                 "helpers", helpers,
                                                 "watchdog", watchdog,
                                                 "start_nodes", start_nodes,
                                                 "check", check,
                                                 "stop_nodes", stop_nodes,
                                                 NULL);

  moped_code_writer_lines (w, text);
  return moped_code_writer_finish (w);
}

static char *
tests_build (void)
{
  g_autofree char *timeout = g_strdup_printf ("%d", FIRST_TEST_LIMIT_SECS + 40);

  return moped_template_render ("c/tests-meson.build", "timeout", timeout, NULL);
}

void
_moped_c_generate_user_tests (MopedCModel *model,
                              GPtrArray   *outputs)
{
  MopedCOutput *o;

  o = _moped_c_output_add (outputs, "tests/meson.build", tests_build ());
  o->user_file = TRUE;
  o->user_folder = TRUE;
  o = _moped_c_output_add (outputs, "tests/test_first.c", first_test (model));
  o->user_file = TRUE;
  o->user_folder = TRUE;
}
