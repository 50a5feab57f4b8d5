/* moped-export-c-build.c: generating the meson project, the README and a benchmark per link.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-export-c-private.h"
#include "moped-schema.h"
#include "moped-template.h"

#define LINE(...) moped_code_writer_line (w, __VA_ARGS__)

/* ---- bench/bench_LINK.c ------------------------------------------------------------------ */

/* Whether @r is a throughput requirement on a node at an end of @link. A node's
 * throughput is the messages it handles per second: it cannot handle more than any
 * one of its links carries, so each link it sends or receives on must carry that
 * many on its own (README of the export, "Requirements"). */
static gboolean
node_throughput_of (MopedElement *r,
                    MopedCLink   *link)
{
  MopedElement *target = moped_element_get_ref (r, MOPED_PROP_TARGET);

  return target != NULL && moped_element_get_enum (r, MOPED_PROP_METRIC) == MOPED_METRIC_THROUGHPUT &&
         (target == link->from->node->element || target == link->to->node->element);
}

/* Whether @link's benchmark measures round trips (its sockets take turns). */
static gboolean
bench_round_trip (MopedCLink *link)
{
  MopedCSocket *sender = NULL, *receiver = NULL;

  return _moped_c_link_bench_command (link, &sender, &receiver) != NULL &&
         moped_socket_types_take_turns (sender->type, receiver->type);
}

/* The throughput the requirements on the link and on the nodes at its ends ask for
 * (the highest), 0 when none does; and the latency in msecs the link's requirements
 * allow (@latency, 0 when none). */
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
      gboolean on_node = node_throughput_of (r, link);

      if (moped_element_get_ref (r, MOPED_PROP_TARGET) != link->element && !on_node)
        continue;
      g_ptr_array_add (requirements, r);
      if (moped_element_get_enum (r, MOPED_PROP_METRIC) == MOPED_METRIC_THROUGHPUT)
        target = MAX (target, moped_element_get_double (r, MOPED_PROP_VALUE));
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
  if (socket->info->takes_routing_id)
    LINE ("zsock_set_identity (socket, \"%s\");", identity);
  if (socket->info->router_mandatory)
    LINE ("zsock_set_router_mandatory (socket, 1);");
  if (_moped_c_is_publisher (socket) || _moped_c_is_subscriber (socket))
    {
      moped_code_writer_comment (w, "Measure delivery, not dropping: no high-water mark");
      LINE ("zsock_set_sndhwm (socket, 0);");
      LINE ("zsock_set_rcvhwm (socket, 0);");
    }
  if (socket->info->subscription == MOPED_SUBSCRIPTION_OPTION)
    LINE ("zsock_set_subscribe (socket, \"\");");
  LINE ("return socket;");
  moped_code_writer_dedent (w);
  LINE ("}");
}

/* A C double literal of @value ("1000.0", "2.5"). */
static char *
c_double (double value)
{
  g_autofree char *text = g_strdup_printf ("%.15g", value);

  if (strchr (text, '.') == NULL && strchr (text, 'e') == NULL)
    return g_strconcat (text, ".0", NULL);
  return g_steal_pointer (&text);
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
  gboolean round_trip = moped_socket_types_take_turns (sender->type, receiver->type);
  g_autofree char *path = g_strdup_printf ("bench/%s", file);
  g_autofree char *target_text = NULL;
  MopedCodeWriter *comments = moped_code_writer_new (MOPED_C_INDENT, "//  ");
  MopedCodeWriter *setup = moped_code_writer_new (MOPED_C_INDENT, "//  ");
  g_autofree char *comments_text = NULL;
  g_autofree char *setup_text = NULL;
  g_autofree char *run = NULL;
  g_autofree char *text = NULL;
  g_autofree char *what = NULL;
  g_autofree char *quoted = NULL;

  /* In turns, the side that must speak first (REQ, or the DEALER of a REP) sends. */
  if (round_trip && moped_socket_type_speaks_first (receiver->type, sender->type))
    {
      MopedCSocket *swap = sender;

      sender = receiver;
      receiver = swap;
    }
  what = g_strdup_printf ("%s, %s to %s%s", _moped_c_name (command->element), sender->info->name,
                          receiver->info->name, round_trip ? ", round trips" : "");
  quoted = _moped_c_quote (what);
  for (guint i = 0; i < requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (requirements, i);
      g_autofree char *value = moped_element_dup_requirement_target (r);
      g_autofree char *title = g_strdup_printf ("Requirement %s: %s", _moped_c_name (r), value);

      moped_code_writer_comment_labelled (comments, title, moped_element_get_string (r, MOPED_PROP_DESCRIPTION));
    }
  write_bench_setup (setup, "s_sender_new", sender, "sender");
  write_bench_setup (setup, "s_receiver_new", receiver, "receiver");
  comments_text = moped_code_writer_finish (comments);
  setup_text = moped_code_writer_finish (setup);
  run = moped_template_render (round_trip ? "c/bench-round-trip.c" : "c/bench-stream.c", NULL);
  target_text = c_double (target);
  latency_text = c_double (latency);
  text = moped_template_render ("c/bench.c",
                                "requirements", comments_text,
                                "codec", command->protocol->ident,
                                "command", command->constant,
                                "send_sample", command->protocol->send_sample_fn,
                                "decode", command->protocol->decode_fn,
                                "target", target_text,
                                "latency", latency_text,
                                "round_trip", round_trip ? "true" : "false",
                                "publishes", _moped_c_is_publisher (sender) ? "true" : "false",
                                "delimiter", moped_socket_types_delimited (sender->type, receiver->type)
                                             ? "true" : "false",
                                "sender_envelope", _moped_c_envelope (sender),
                                "receiver_envelope", _moped_c_envelope (receiver),
                                "setup", setup_text,
                                "run", run,
                                "title", quoted,
                                NULL);
  w = _moped_c_writer_begin (model, file, job, FALSE);
  moped_code_writer_lines (w, text);
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
  g_autofree char *banner_text = NULL;
  g_autoptr(GString) sources = g_string_new (NULL);
  g_autoptr(GString) programs = g_string_new (NULL);
  g_autofree char *benchmarks = NULL;
  g_autofree char *selftest_timeout = g_strdup_printf ("%u", _moped_c_selftest_limit_secs (model) + 60);

  moped_code_writer_comment (w, banner);
  banner_text = moped_code_writer_finish (w);
  for (guint i = 0; i < model->protocols->len; i++)
    g_string_append_printf (sources, "'src/%s.c',\n",
                            ((MopedCProtocol *) g_ptr_array_index (model->protocols, i))->ident);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);

      g_string_append_printf (sources, "'src/%s.c',\n'src/%s.c',\n", n->engine_base, n->ident);
      if (n->process == NULL)
        g_string_append_printf (programs, "executable('%s', 'src/%s.c', link_with: skeleton, kwargs: common)\n",
                                n->ident, n->main_base);
    }
  for (guint i = 0; i < model->processes->len; i++)
    {
      MopedCProcess *p = g_ptr_array_index (model->processes, i);

      g_string_append_printf (programs, "executable('%s', 'src/%s.c', link_with: skeleton, kwargs: common)\n",
                              p->ident, p->main_base);
    }
  w = moped_code_writer_new (2, "# ");
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
  benchmarks = moped_code_writer_finish (w);
  _moped_c_output_add (outputs, "meson.build",
                       moped_template_render ("c/meson.build",
                                              "banner", banner_text,
                                              "project", model->project,
                                              "sources", sources->str,
                                              "programs", programs->str,
                                              "benchmarks", benchmarks,
                                              "selftest_timeout", selftest_timeout,
                                              NULL));
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
  g_autoptr(GString) requirements = g_string_new (NULL);
  g_autoptr(GString) about = g_string_new (NULL);
  g_autoptr(GString) yours = g_string_new (NULL);
  g_autoptr(GString) generated = g_string_new (NULL);
  g_autofree char *title = moped_markdown_text (model->design_name);
  MopedElement *root = moped_design_get_root (model->design);
  g_autofree char *summary = moped_markdown_text (moped_element_get_string (root, MOPED_PROP_SUMMARY));
  g_autofree char *goals = moped_markdown_text (moped_element_get_string (root, MOPED_PROP_GOALS));

  if (*summary != '\0')
    g_string_append_printf (about, "%s\n\n", summary);
  if (*goals != '\0')
    g_string_append_printf (about, "Goals: %s\n\n", goals);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);
      g_autofree char *path = g_strdup_printf ("src/%s.c", n->ident);
      g_autofree char *text = g_strdup_printf ("what %s does: its state, a handler per command it receives "
                                               "(%u), its API methods (%u)", _moped_c_name (n->element),
                                               n->handlers->len, n->methods->len);

      markdown_item (yours, path, text);
    }
  for (guint i = 0; i < model->protocols->len; i++)
    {
      MopedCProtocol *p = g_ptr_array_index (model->protocols, i);
      g_autofree char *path = g_strdup_printf ("include/%s.h, src/%s.c", p->ident, p->ident);
      g_autofree char *text = g_strdup_printf ("the codec of protocol %s: a send and a get function per "
                                               "command (%u)", _moped_c_name (p->element), p->commands->len);

      markdown_item (generated, path, text);
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

      markdown_item (generated, api, api_text);
      markdown_item (generated, engine, engine_text);
      if (n->process == NULL)
        markdown_item (generated, main_file, main_text);
    }
  for (guint i = 0; i < model->processes->len; i++)
    {
      MopedCProcess *p = g_ptr_array_index (model->processes, i);
      g_autofree char *main_file = g_strdup_printf ("src/%s.c", p->main_base);
      g_autoptr(GString) text = g_string_new (NULL);

      g_string_append_printf (text, "the program of process %s, running ", _moped_c_name (p->element));
      for (guint j = 0; j < p->nodes->len; j++)
        g_string_append_printf (text, "%s%s", j == 0 ? "" : j + 1 == p->nodes->len ? " and " : ", ",
                                _moped_c_name (((MopedCNode *) g_ptr_array_index (p->nodes, j))->element));
      g_string_append (text, " as threads of one program (inproc links between them work)");
      markdown_item (generated, main_file, text->str);
    }
  markdown_item (generated, "src/selftest.c", "starts every node in one process on inproc endpoints, "
                                              "plays every flow and checks that each message arrives where "
                                              "and in the order the flow says");
  for (guint i = 0; i < model->links->len; i++)
    {
      MopedCLink *l = g_ptr_array_index (model->links, i);
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;

      if (l->bench == NULL)
        continue;
      path = g_strdup_printf ("bench/%s.c", l->bench);
      text = g_strdup_printf ("messages per second over %s", l->title);
      markdown_item (generated, path, text);
    }
  if (model->requirements->len > 0)
    g_string_append (requirements, "\n## Requirements\n\n"
                     "Each benchmark prints the requirements it checks beside what it measured, and "
                     "exits 1 when one is not met. A throughput requirement on a node counts the "
                     "messages the node handles per second: it is checked on every link the node "
                     "sends or receives on, each of which must carry that many on its own (the "
                     "node's handlers are not part of the measure). A latency requirement is "
                     "checked on a link whose sockets take turns (one round trip at a time).\n\n");
  for (guint i = 0; i < model->requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (model->requirements, i);
      MopedElement *target = moped_element_get_ref (r, MOPED_PROP_TARGET);
      g_autofree char *value = moped_element_dup_requirement_target (r);
      g_autofree char *metric = moped_element_dup_value_text (r, MOPED_PROP_METRIC);
      g_autofree char *text = NULL;
      g_autofree char *escaped = NULL;
      const char *on = "the design";
      MopedCLink *link = target != NULL ? g_hash_table_lookup (model->by_element, target) : NULL;

      g_autoptr(GString) benches = g_string_new (NULL);

      if (target != NULL && moped_element_get_kind (target) == MOPED_KIND_NODE)
        on = _moped_c_name (target);
      else if (link != NULL)
        on = link->title;
      /* The benchmarks that check it: the link's, or each of the node's links'. */
      for (guint j = 0; j < model->links->len; j++)
        {
          MopedCLink *l = g_ptr_array_index (model->links, j);
          gboolean measured = moped_element_get_enum (r, MOPED_PROP_METRIC) == MOPED_METRIC_THROUGHPUT ||
                              (moped_element_get_enum (r, MOPED_PROP_METRIC) == MOPED_METRIC_LATENCY &&
                               l->bench != NULL && bench_round_trip (l));

          if (l->bench != NULL && measured && (l == link || node_throughput_of (r, l)))
            g_string_append_printf (benches, "%s%s", benches->len > 0 ? ", " : "", l->bench);
        }
      text = g_strdup_printf ("%s (%s, on %s): %s. %s", _moped_c_name (r), metric, on, value,
                              moped_element_get_string (r, MOPED_PROP_DESCRIPTION));
      escaped = moped_markdown_text (text);
      g_string_append_printf (requirements, "- %s", escaped);
      if (benches->len > 0)
        g_string_append_printf (requirements, " Checked by `%s`.", benches->str);
      else
        g_string_append (requirements, " Not measured by the export.");
      g_string_append (requirements, "\n");
    }
  _moped_c_output_add (outputs, "README.md",
                       moped_template_render ("c/README.md",
                                              "title", title,
                                              "about", about->str,
                                              "yours", yours->str,
                                              "generated", generated->str,
                                              "requirements", requirements->str,
                                              NULL));
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
