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

static char *
first_test (MopedCModel *model)
{
  MopedCodeWriter *w = _moped_c_writer_begin (model, "test_first.c",
                                              "your first test: the simplest sane test case.", TRUE);
  MopedCNode *sender = first_sender (model);
  MopedCFlow *flow = first_flow (model);
  MopedCMethod *method = sender != NULL && sender->methods->len > 0 ? g_ptr_array_index (sender->methods, 0) : NULL;

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
  for (guint i = 0; i < model->nodes->len; i++)
    LINE ("#include \"%s.h\"", ((MopedCNode *) g_ptr_array_index (model->nodes, i))->ident);
  LINE ("#include <signal.h>");
  LINE ("#include <string.h>");
  LINE ("#include <unistd.h>");
  moped_code_writer_blank (w);
  {
    g_autofree char *advice = method != NULL
      ? g_strdup_printf ("%s did not answer: check %s in src/%s.c, and the handlers whose message it "
                         "waits for", _moped_c_name (method->element),
                         method->api_fn, sender->ident)
      : g_strdup ("a node did not start");
    g_autofree char *quoted = _moped_c_quote (advice);
    g_autofree char *limit = g_strdup_printf ("%d", FIRST_TEST_LIMIT_SECS);
    g_autofree char *watchdog = moped_template_render ("c/test-watchdog.c",
                                                       "limit", limit,
                                                       "advice", quoted,
                                                       NULL);

    moped_code_writer_lines (w, watchdog);
  }
  moped_code_writer_blank (w);
  LINE ("int");
  LINE ("main (void)");
  LINE ("{");
  moped_code_writer_indent (w);
  LINE ("signal (SIGALRM, s_watchdog);");
  LINE ("alarm (S_LIMIT_SECS);");
  LINE ("const char *failure = NULL;");
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
  moped_code_writer_blank (w);
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
  LINE ("    printf (\"first test: %%s\\n\", failure);");
  for (guint i = model->nodes->len; i-- > 0;)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);

      LINE ("%s (&node_%u);", n->destroy_fn, i);
    }
  LINE ("return failure? 1: 0;");
  moped_code_writer_dedent (w);
  LINE ("}");
  return moped_code_writer_finish (w);
}

static char *
tests_build (MopedCModel *model)
{
  MopedCodeWriter *w = moped_code_writer_new (MOPED_C_INDENT, "# ");

  moped_code_writer_comment (w, "tests/meson.build: your tests. Moped wrote this folder at the first "
                                "export and never touches it again; the project's meson.build builds it "
                                "when it is here. Your tests may use the skeleton library (skeleton) and "
                                "the build settings (common) of the project.");
  moped_code_writer_blank (w);
  LINE ("test_first = executable('test_first', 'test_first.c', link_with: skeleton, kwargs: common)");
  LINE ("test('first', test_first, suite: 'yours', timeout: %d)", FIRST_TEST_LIMIT_SECS + 40);
  return moped_code_writer_finish (w);
}

void
_moped_c_generate_user_tests (MopedCModel *model,
                              GPtrArray   *outputs)
{
  MopedCOutput *o;

  o = _moped_c_output_add (outputs, "tests/meson.build", tests_build (model));
  o->user_file = TRUE;
  o->user_folder = TRUE;
  o = _moped_c_output_add (outputs, "tests/test_first.c", first_test (model));
  o->user_file = TRUE;
  o->user_folder = TRUE;
}
