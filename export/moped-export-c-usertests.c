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

#include "moped-export-c-private.h"
#include "moped-schema.h"
#include "moped-template.h"

#define LINE(...) moped_code_writer_line (w, __VA_ARGS__)

/* The first test's bound: a method that never answers fails it after this long. */
#define FIRST_TEST_LIMIT_SECS 20

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
            MopedCMethod *method)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");

  if (flow != NULL)
    {
      g_autofree char *about = g_strdup_printf ("It plays the beginning of flow %s (protocol %s): it starts "
                                                "every node on inproc endpoints, then %s.",
                                                _moped_c_name (flow->element),
                                                _moped_c_name (flow->protocol->element),
                                                method != NULL ? "calls the API method that should start it"
                                                               : "checks that every node starts");

      moped_code_writer_comment (w, about);
    }
  moped_code_writer_comment (w, "It fails on a fresh skeleton: grow the nodes until it passes, then write "
                                "the next test. `meson test -C build first` runs it.");
  return moped_code_writer_finish (w);
}

static char *
includes_part (MopedCModel *model)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "//  ");

  for (guint i = 0; i < model->nodes->len; i++)
    LINE ("#include \"%s.h\"", ((MopedCNode *) g_ptr_array_index (model->nodes, i))->ident);
  return moped_code_writer_finish (w);
}

static char *
watchdog_part (MopedCNode   *sender,
               MopedCMethod *method)
{
  g_autofree char *advice = method != NULL
    ? g_strdup_printf ("%s did not answer: check %s in src/%s.c, and the handlers whose message it "
                       "waits for", _moped_c_name (method->element),
                       method->api_fn, sender->ident)
    : g_strdup ("a node did not start");
  g_autofree char *quoted = _moped_c_quote (advice);
  g_autofree char *limit = g_strdup_printf ("%d", FIRST_TEST_LIMIT_SECS);

  return moped_template_render ("c/test-watchdog.c",
                                "limit", limit,
                                "advice", quoted,
                                NULL);
}

/* Each node with its options: inproc endpoints, the node's name. */
static char *
start_nodes_part (MopedCModel *model)
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
            MopedCMethod *method)
{
  MopedCodeWriter *w = part_writer ();

  if (method != NULL)
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
  g_autofree char *about = about_part (flow, method);
  g_autofree char *includes = includes_part (model);
  g_autofree char *watchdog = watchdog_part (sender, method);
  g_autofree char *start_nodes = start_nodes_part (model);
  g_autofree char *check = check_part (model, sender, method);
  g_autofree char *stop_nodes = stop_nodes_part (model);
  g_autofree char *text = moped_template_render ("c/test-first.c",
                                                 "about", about,
                                                 "includes", includes,
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
