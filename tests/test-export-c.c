/* test-export-c.c: the C skeleton exporter: names, escaping, determinism, refusals, manifest, re-export.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Compiling and running exported code is tests/test-export-c-build.py's job; here the
 * exporter's decisions are checked on designs built with the edit API.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "moped-code-writer.h"
#include "moped-design.h"
#include "moped-export-c-private.h"
#include "moped-export-c.h"
#include "moped-file.h"
#include "moped-staging.h"
#include "moped-test-util.h"

/* ---- building designs -------------------------------------------------------------- */

static MopedElement *
add_named (MopedDesign  *design,
           MopedElement *parent,
           MopedKind     kind,
           const char   *name)
{
  MopedElement *e = moped_design_add (design, parent ? parent : moped_design_get_root (design),
                                      kind, -1, NULL);

  g_assert_nonnull (e);
  if (name != NULL)
    moped_design_set_string (design, e, MOPED_PROP_NAME, name);
  return e;
}

static MopedElement *
add_socket (MopedDesign     *design,
            MopedElement    *node,
            const char      *name,
            MopedSocketType  type,
            MopedSocketMode  mode)
{
  MopedElement *socket = add_named (design, node, MOPED_KIND_SOCKET, name);

  moped_design_set_enum (design, socket, MOPED_PROP_TYPE, type);
  moped_design_set_enum (design, socket, MOPED_PROP_MODE, mode);
  return socket;
}

static MopedElement *
add_link (MopedDesign  *design,
          MopedElement *from,
          MopedElement *to,
          const char   *endpoint,
          MopedElement *protocol)
{
  MopedElement *link = moped_design_add (design, moped_design_get_root (design), MOPED_KIND_LINK, -1, NULL);

  moped_design_set_ref (design, link, MOPED_PROP_FROM, from);
  moped_design_set_ref (design, link, MOPED_PROP_TO, to);
  moped_design_set_string (design, link, MOPED_PROP_ENDPOINT, endpoint);
  moped_design_set_ref (design, link, MOPED_PROP_PROTOCOL, protocol);
  return link;
}

/* The role named after @node, as a format 1 file's sender becomes. */
static MopedElement *
role_for (MopedDesign  *design,
          MopedElement *protocol,
          MopedElement *node)
{
  g_autoptr(GPtrArray) roles = NULL;
  MopedElement *role;

  if (node == NULL)
    return NULL;
  roles = moped_element_get_children_of_kind (protocol, MOPED_KIND_ROLE);
  for (guint i = 0; i < roles->len; i++)
    if (g_str_equal (moped_element_get_name (g_ptr_array_index (roles, i)), moped_element_get_name (node)))
      return g_ptr_array_index (roles, i);
  role = add_named (design, protocol, MOPED_KIND_ROLE, moped_element_get_name (node));
  return role;
}

static MopedElement *
add_command (MopedDesign  *design,
             MopedElement *protocol,
             const char   *name,
             MopedElement *sender)
{
  MopedElement *command = add_named (design, protocol, MOPED_KIND_COMMAND, name);

  moped_design_set_ref (design, command, MOPED_PROP_SENDER, role_for (design, protocol, sender));
  return command;
}

static MopedElement *
add_field (MopedDesign    *design,
           MopedElement   *command,
           const char     *name,
           MopedFieldType  type)
{
  MopedElement *field = add_named (design, command, MOPED_KIND_FIELD, name);

  moped_design_set_enum (design, field, MOPED_PROP_TYPE, type);
  return field;
}

static void
add_step (MopedDesign  *design,
          MopedElement *flow,
          MopedElement *from,
          MopedElement *to,
          MopedElement *command)
{
  MopedElement *step = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);

  moped_design_set_ref (design, step, MOPED_PROP_FROM, from);
  moped_design_set_ref (design, step, MOPED_PROP_TO, to);
  moped_design_set_ref (design, step, MOPED_PROP_COMMAND, command);
}

/* A DEALER client pinging a ROUTER server; the elements tests change are returned. */
typedef struct
{
  MopedDesign  *design;
  MopedElement *client;
  MopedElement *server;
  MopedElement *protocol;
  MopedElement *flow;
} PingPong;

static PingPong
ping_pong (const char *client_name,
           const char *server_name)
{
  PingPong p;
  MopedElement *dealer, *router, *ping, *pong;

  p.design = moped_design_new ();
  moped_design_set_string (p.design, moped_design_get_root (p.design), MOPED_PROP_NAME, "Ping pong");
  p.client = add_named (p.design, NULL, MOPED_KIND_NODE, client_name);
  p.server = add_named (p.design, NULL, MOPED_KIND_NODE, server_name);
  dealer = add_socket (p.design, p.client, "dealer", MOPED_SOCKET_DEALER, MOPED_SOCKET_MODE_CONNECT);
  router = add_socket (p.design, p.server, "router", MOPED_SOCKET_ROUTER, MOPED_SOCKET_MODE_BIND);
  p.protocol = add_named (p.design, NULL, MOPED_KIND_PROTOCOL, "Echo");
  add_link (p.design, dealer, router, "tcp://*:5670", p.protocol);
  ping = add_command (p.design, p.protocol, "PING", p.client);
  add_field (p.design, ping, "text", MOPED_FIELD_STRING);
  pong = add_command (p.design, p.protocol, "PONG", p.server);
  p.flow = add_named (p.design, p.protocol, MOPED_KIND_FLOW, "Round trip");
  add_step (p.design, p.flow, p.client, p.server, ping);
  add_step (p.design, p.flow, p.server, p.client, pong);
  return p;
}

/* ---- reading what an export makes ----------------------------------------------------- */

static GPtrArray *
generate (MopedDesign *design)
{
  g_autoptr(MopedCModel) model = _moped_c_model_new (design);

  g_assert_cmpuint (model->errors->len, ==, 0);
  return _moped_c_generate (model);
}

static const char *
output_content (GPtrArray  *outputs,
                const char *path)
{
  for (guint i = 0; i < outputs->len; i++)
    {
      MopedCOutput *o = g_ptr_array_index (outputs, i);

      if (g_str_equal (o->path, path))
        return o->content;
    }
  g_error ("no file %s was generated", path);
  return NULL;
}

static const MopedExportFile *
plan_file (MopedExportPlan *plan,
           const char      *path)
{
  for (guint i = 0; i < moped_export_plan_get_n_files (plan); i++)
    {
      const MopedExportFile *f = moped_export_plan_get_file (plan, i);

      if (g_str_equal (f->path, path))
        return f;
    }
  return NULL;
}

static char *
read_file (const char *directory,
           const char *path)
{
  g_autofree char *full = g_build_filename (directory, path, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (full, &text, NULL, NULL));
  return text;
}

static void
write_file (const char *directory,
            const char *path,
            const char *text)
{
  g_autofree char *full = g_build_filename (directory, path, NULL);

  g_assert_true (g_file_set_contents (full, text, -1, NULL));
}

static gboolean
strv_contains_part (const char * const *lines,
                    const char         *part)
{
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], part) != NULL)
      return TRUE;
  return FALSE;
}

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-export-c-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* ---- escaping ---------------------------------------------------------------------------- */

static void
test_string_literal (void)
{
  struct { const char *text; const char *literal; } cases[] = {
    { "plain", "\"plain\"" },
    { "a \"quote\"", "\"a \\\"quote\\\"\"" },
    { "back\\slash", "\"back\\\\slash\"" },
    { "two\nlines", "\"two\\nlines\"" },
    { "tab\there", "\"tab\\there\"" },
    { "trigraph ?\?=", "\"trigraph ?\\?=\"" },
    { "?\?\?/", "\"?\\?\\?/\"" },
    { "\303\251t\303\251", "\"\\303\\251t\\303\\251\"" },
    { "bell\a", "\"bell\\007\"" },
    { "", "\"\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *literal = moped_c_string_literal (cases[i].text);

      g_assert_cmpstr (literal, ==, cases[i].literal);
    }
}

static void
test_comment_text (void)
{
  struct { const char *text; const char *line; } cases[] = {
    { "ends */ a comment", "ends */ a comment" },
    { "two\nlines\r\nthree\rfour", "two lines three four" },
    { "splice \\", "splice \\." },
    { "splice with spaces \\   ", "splice with spaces \\." },
    { "trigraph ?\?/", "trigraph ?\?/." },
    { "tab\tand\fform", "tab and form" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line = moped_c_comment_text (cases[i].text);

      g_assert_cmpstr (line, ==, cases[i].line);
      g_assert_null (strchr (line, '\n'));
      g_assert_null (strchr (line, '\r'));
    }
}

/* Every line a comment produces starts with the prefix and cannot continue into the
 * next line, whatever the text. */
static void
test_comment_lines (void)
{
  MopedCodeWriter *w = moped_code_writer_new (4, "//  ");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *long_word = g_strnfill (200, 'x');
  g_autofree char *hostile = g_strdup_printf ("*/ \"quote\" back\\ \n next line \\\n ?\?/\n\r %s end \\",
                                              long_word);

  moped_code_writer_indent (w);
  moped_code_writer_comment (w, hostile);
  text = moped_code_writer_finish (w);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 3);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      gsize len = strlen (lines[i]);

      g_assert_true (g_str_has_prefix (lines[i], "    //"));
      g_assert_true (lines[i][len - 1] != '\\');
      g_assert_false (g_str_has_suffix (lines[i], "?\?/"));
      g_assert_true (len <= 80 || strstr (lines[i], long_word) != NULL);
    }
}

static void
test_markdown_text (void)
{
  g_autofree char *md = moped_markdown_text ("# not a *heading*\nsecond [line]");

  g_assert_cmpstr (md, ==, "\\# not a \\*heading\\* second \\[line\\]");
}

/* Each socket's envelope is the generator's to say, from its type: the engine passes it
 * on every receive and send, and the wire never reads a socket's type at run time. */
static void
test_envelope_per_socket (void)
{
  static const struct
  {
    const char *type;
    const char *envelope;
  } expected[] = {
    { "ROUTER", "WIRE_ENVELOPE_ROUTER" }, { "DEALER", "WIRE_ENVELOPE_DEALER" },
    { "PUB", "WIRE_ENVELOPE_PUBLISHER" }, { "XPUB", "WIRE_ENVELOPE_PUBLISHER" },
    { "SUB", "WIRE_ENVELOPE_SUBSCRIBER" }, { "XSUB", "WIRE_ENVELOPE_SUBSCRIBER" },
    { "REQ", "WIRE_ENVELOPE_DELIMITED" }, { "REP", "WIRE_ENVELOPE_DELIMITED" }, { "PUSH", "WIRE_ENVELOPE_PLAIN" },
    { "PULL", "WIRE_ENVELOPE_PLAIN" }, { "PAIR", "WIRE_ENVELOPE_PLAIN" },
  };
  static const char * const envelopes[] = {
    "WIRE_ENVELOPE_PLAIN", "WIRE_ENVELOPE_ROUTER", "WIRE_ENVELOPE_DEALER", "WIRE_ENVELOPE_PUBLISHER",
    "WIRE_ENVELOPE_SUBSCRIBER", "WIRE_ENVELOPE_DELIMITED",
  };
  static const char * const examples[] = { "clone.moped", "majordomo.moped", "weather.moped" };
  guint checked = 0;

  for (guint e = 0; e < G_N_ELEMENTS (examples); e++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), examples[e], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(MopedDesign) design = moped_file_load (path, &error);
      g_autoptr(MopedCModel) model = NULL;
      g_autoptr(GPtrArray) outputs = NULL;

      g_assert_no_error (error);
      model = _moped_c_model_new (design);
      outputs = _moped_c_generate (model);
      g_assert_null (strstr (output_content (outputs, "src/wire.c"), "zsock_type_str"));
      for (guint n = 0; n < model->nodes->len; n++)
        {
          MopedCNode *node = g_ptr_array_index (model->nodes, n);
          g_autofree char *engine_path = g_strdup_printf ("src/%s.c", node->engine_base);
          const char *engine = output_content (outputs, engine_path);

          for (guint i = 0; i < node->sockets->len; i++)
            {
              MopedCSocket *socket = g_ptr_array_index (node->sockets, i);
              const char *want = NULL;

              for (guint t = 0; t < G_N_ELEMENTS (expected); t++)
                if (g_str_equal (expected[t].type, socket->info->name))
                  want = expected[t].envelope;
              g_assert_nonnull (want);
              for (guint k = 0; k < G_N_ELEMENTS (envelopes); k++)
                {
                  g_autofree char *use = g_strdup_printf ("self->%s, %s", socket->ident, envelopes[k]);

                  if (g_str_equal (envelopes[k], want))
                    g_assert_nonnull (strstr (engine, use));
                  else
                    g_assert_null (strstr (engine, use));
                }
              checked++;
            }
        }
    }
  g_assert_cmpuint (checked, >=, 10);
}

/* ---- state machines ------------------------------------------------------------------------ */

static MopedCNode *
c_node (MopedCModel *model,
        const char  *ident)
{
  for (guint i = 0; i < model->nodes->len; i++)
    if (g_str_equal (((MopedCNode *) g_ptr_array_index (model->nodes, i))->ident, ident))
      return g_ptr_array_index (model->nodes, i);
  g_assert_not_reached ();
  return NULL;
}

/* An engine keeps a role's state only where it follows the whole conversation: the
 * Hello server's REP keeps one while one client talks to it, and none once three
 * clients it cannot tell apart interleave (it says why in its header); each client
 * still keeps its own. The generated engine checks every message it receives and
 * sends against the machine's table, and the tables are the model's projection. */
static void
test_machines_kept_where_sound (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), "hello.moped", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  MopedElement *client;

  g_assert_no_error (error);
  {
    g_autoptr(MopedCModel) model = _moped_c_model_new (design);
    g_autoptr(GPtrArray) outputs = _moped_c_generate (model);
    const char *server = output_content (outputs, "src/server_engine.c");
    const char *header = output_content (outputs, "include/server.h");
    MopedCMachine *m;

    g_assert_cmpuint (c_node (model, "server")->machines->len, ==, 1);
    g_assert_cmpuint (c_node (model, "client")->machines->len, ==, 1);
    m = g_ptr_array_index (c_node (model, "server")->machines, 0);
    g_assert_false (m->per_peer);
    g_assert_cmpuint (m->machine->n_states, ==, 2);
    g_assert_nonnull (strstr (server, "{ 0, 1, false, HELLO_HELLO }"));
    g_assert_nonnull (strstr (server, "{ 1, 0, true, HELLO_WORLD }"));
    g_assert_nonnull (strstr (server, "if (wire_machine_step (self->machines [0], wire_msg_peer (self->msg), "
                                      "false, HELLO_HELLO) == -1) {"));
    g_assert_nonnull (strstr (server, "s_refuse (self, 0, \"reply\", false, \"HELLO\", wire_msg_peer (self->msg));"));
    g_assert_nonnull (strstr (server, "true, HELLO_WORLD) == -1) {\n"
                                      "        s_refuse (self, 0, \"reply\", true, \"WORLD\", "));
    g_assert_nonnull (strstr (header, "server_protocol_state (server_t *self, const char *protocol, const char *peer);"));
    g_assert_nonnull (strstr (header, "- \"hello\": Hello as server, with client on socket reply"));
  }
  client = moped_design_lookup (design, "client");
  moped_design_set_int (design, client, MOPED_PROP_INSTANCES, 3);
  {
    g_autoptr(MopedCModel) model = _moped_c_model_new (design);
    g_autoptr(GPtrArray) outputs = _moped_c_generate (model);
    MopedCNode *server = c_node (model, "server");

    g_assert_cmpuint (server->machines->len, ==, 0);
    g_assert_cmpuint (server->unkept->len, ==, 1);
    g_assert_nonnull (strstr (g_ptr_array_index (server->unkept, 0), "reply cannot tell its 3 peers apart"));
    g_assert_null (strstr (output_content (outputs, "src/server_engine.c"), "s_refuse"));
    g_assert_cmpuint (c_node (model, "client")->machines->len, ==, 1);
  }
}

/* ---- names -------------------------------------------------------------------------------- */

static void
test_names_basic (void)
{
  PingPong p = ping_pong ("Hello World!", "Server");
  g_autoptr(GPtrArray) outputs = generate (p.design);
  const char *api = output_content (outputs, "include/hello_world.h");
  const char *codec = output_content (outputs, "include/echo.h");
  const char *user = output_content (outputs, "src/server.c");

  g_assert_nonnull (strstr (api, "hello_world_t *\n    hello_world_new (const hello_world_options_t *options);"));
  g_assert_nonnull (strstr (codec, "#define ECHO_PING 1"));
  g_assert_nonnull (strstr (codec, "echo_send_ping (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to, "
                                   "const char *text);"));
  g_assert_nonnull (strstr (user, "server_handle_ping (server_state_t *self, const wire_peer_t *from, "
                                  "const char *text)"));
  g_assert_nonnull (output_content (outputs, "src/hello_world_main.c"));
  g_object_unref (p.design);
}

/* Names that are keywords, library names, system types or that differ only in case
 * all become distinct identifiers that cannot clash with the libraries. */
static void
test_names_hostile (void)
{
  MopedDesign *design = moped_design_new ();
  const char *names[] = { "int", "register", "zsys handler", "wire", "selftest", "Foo", "foo",
                          "日本語", "123 go", "s", "time" };
  const char *expected[] = { "include/int_.h", "include/my_register.h", "include/my_zsys_handler.h",
                             "include/my_wire.h", "include/selftest_2.h", "include/foo.h",
                             "include/foo_2.h", "include/unnamed.h", "include/n123_go.h",
                             "include/my_s.h", "include/my_time.h" };
  g_autoptr(GPtrArray) outputs = NULL;

  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "Hostile");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    add_named (design, NULL, MOPED_KIND_NODE, names[i]);
  outputs = generate (design);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_nonnull (output_content (outputs, expected[i]));
  /* The types of "int" and "register": int_t is not a system type, register_t is. */
  g_assert_nonnull (strstr (output_content (outputs, "include/int_.h"), "typedef struct _int_t int_t;"));
  g_assert_nonnull (strstr (output_content (outputs, "include/my_register.h"),
                            "typedef struct _my_register_t my_register_t;"));
  g_object_unref (design);
}

/* A method called "new" cannot take the constructor's name, a field called "self"
 * cannot take the handler's first parameter's, a socket called "linux" cannot be
 * the predefined macro. */
static void
test_names_collide_with_generated (void)
{
  PingPong p = ping_pong ("client", "server");
  MopedElement *method = add_named (p.design, p.client, MOPED_KIND_METHOD, "new");
  MopedElement *command = add_command (p.design, p.protocol, "HOOK", p.client);
  g_autoptr(GPtrArray) outputs = NULL;
  const char *api, *engine;

  add_field (p.design, command, "self", MOPED_FIELD_NUMBER);
  add_field (p.design, command, "Self", MOPED_FIELD_BYTES);
  add_socket (p.design, p.server, "linux", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
  (void) method;
  outputs = generate (p.design);
  api = output_content (outputs, "include/client.h");
  engine = output_content (outputs, "src/server_engine.h");
  g_assert_nonnull (strstr (api, "    client_new (const client_options_t *options);"));
  g_assert_nonnull (strstr (api, "    client_new_2 (client_t *self);"));
  g_assert_nonnull (strstr (engine, "server_handle_hook (server_state_t *self, const wire_peer_t *from, "
                                    "uint64_t self_2, const byte *self_3, size_t self_3_size);"));
  g_assert_nonnull (strstr (output_content (outputs, "include/server.h"), "const char *linux_2;"));
  g_object_unref (p.design);
}

/* An API method's typed parameters and result reach the public function, the user's
 * implementation, its deferred answer and its stub; a parameter named "result" or
 * "self" is renamed, as the call carries both. */
static void
test_method_signature (void)
{
  PingPong p = ping_pong ("client", "server");
  MopedElement *method = add_named (p.design, p.client, MOPED_KIND_METHOD, "Fetch");
  MopedElement *param;
  g_autoptr(GPtrArray) outputs = NULL;
  const char *api, *engine, *user;

  moped_design_set_enum (p.design, method, MOPED_PROP_RESULT, MOPED_API_STRINGS);
  moped_design_set_string (p.design, add_named (p.design, method, MOPED_KIND_PARAM, "result"),
                           MOPED_PROP_DESCRIPTION, "What to fetch.");
  param = add_named (p.design, method, MOPED_KIND_PARAM, "self");
  moped_design_set_enum (p.design, param, MOPED_PROP_TYPE, MOPED_API_BYTES);
  param = add_named (p.design, method, MOPED_KIND_PARAM, "fresh");
  moped_design_set_enum (p.design, param, MOPED_PROP_TYPE, MOPED_API_BOOL);
  outputs = generate (p.design);
  api = output_content (outputs, "include/client.h");
  engine = output_content (outputs, "src/client_engine.h");
  user = output_content (outputs, "src/client.c");
  g_assert_nonnull (strstr (api, "zlist_t *\n    client_fetch (client_t *self, const char *result_2, "
                                 "const byte *self_2, size_t self_2_size, bool fresh);"));
  g_assert_nonnull (strstr (api, "//  - result_2 (string): What to fetch."));
  g_assert_nonnull (strstr (engine, "zlist_t *\n    client_api_fetch (client_state_t *self, const char *result_2, "
                                    "const byte *self_2, size_t self_2_size, bool fresh);"));
  g_assert_nonnull (strstr (engine, "int\n    client_engine_answer_fetch (client_engine_t *self, zlist_t *result);"));
  g_assert_nonnull (strstr (engine, "void\n    client_engine_defer (client_engine_t *self);"));
  g_assert_nonnull (strstr (user, "zlist_t *\nclient_api_fetch (client_state_t *self, const char *result_2, "
                                  "const byte *self_2, size_t self_2_size, bool fresh)\n{\n"
                                  "    (void) self;\n    (void) result_2;\n    (void) self_2;\n"
                                  "    (void) self_2_size;\n    (void) fresh;\n    return NULL;\n}\n"));
  /* Test modes are reached through the engine's private header only. */
  g_assert_null (strstr (api, "trace"));
  g_assert_nonnull (strstr (engine, "client_t *\n    client_test_new (const client_options_t *options, int mode);"));
  /* Every node has start and stop hooks in the user's file and timers in its engine. */
  g_assert_nonnull (strstr (user, "\nint\nclient_state_start (client_state_t *self)\n{"));
  g_assert_nonnull (strstr (user, "\nvoid\nclient_state_stop (client_state_t *self)\n{"));
  g_assert_nonnull (strstr (engine, "typedef int (client_timer_fn) (client_state_t *state, void *arg);"));
  g_assert_nonnull (strstr (engine, "int\n    client_engine_timer_set (client_engine_t *self, int64_t msecs, "
                                    "bool repeat, client_timer_fn *handler, void *arg);"));
  g_assert_nonnull (strstr (engine, "int\n    client_engine_timer_cancel (client_engine_t *self, int timer_id);"));
  g_object_unref (p.design);
}

/* The text of the stub of @fn in @user: from its comment block to its closing brace. */
static char *
stub_of (const char *user,
         const char *fn)
{
  g_autofree char *signature = g_strdup_printf ("\n%s (", fn);
  const char *at = strstr (user, signature);
  const char *start, *end;

  g_assert_nonnull (at);
  /* Back over the return type line and the comments above it. */
  start = at;
  while (start > user && !(start[-1] == '\n' && start[0] == '\n'))
    start--;
  end = strstr (at, "\n}\n");
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static const char hints_design[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<design format=\"2\" name=\"Hints\">\n"
  "  <node id=\"client\" name=\"Client\"><socket id=\"c-d\" name=\"server\" type=\"DEALER\"/></node>\n"
  "  <node id=\"server\" name=\"Server\"><socket id=\"s-r\" name=\"clients\" type=\"ROUTER\" mode=\"bind\"/></node>\n"
  "  <link id=\"link-1\" from=\"c-d\" to=\"s-r\" endpoint=\"tcp://*:5680\" protocol=\"p\" from-role=\"p.c\" to-role=\"p.s\"/>\n"
  "  <protocol id=\"p\" name=\"Hints\">\n"
  "    <role id=\"p.c\" name=\"client\"/><role id=\"p.s\" name=\"server\"/>\n"
  "    <command id=\"ping\" name=\"PING\" sender=\"p.c\"/>\n"
  "    <command id=\"pong\" name=\"PONG\" sender=\"p.s\"/>\n"
  "    <command id=\"ask\" name=\"ASK\" sender=\"p.c\"/>\n"
  "    <command id=\"answer\" name=\"ANSWER\" sender=\"p.s\"/>\n"
  "    <command id=\"refuse\" name=\"REFUSE\" sender=\"p.s\"/>\n"
  "    <command id=\"shipping\" name=\"SHIPPING\" sender=\"p.s\"/>\n"
  "    <command id=\"stopping\" name=\"STOPPING\" sender=\"p.c\"/>\n"
  "    <flow id=\"once\" name=\"Once\">\n"
  "      <step id=\"o1\" from=\"client\" to=\"server\" command=\"ping\"/>\n"
  "      <step id=\"o2\" from=\"server\" to=\"client\" command=\"pong\"/>\n"
  "      <step id=\"o3\" from=\"client\" to=\"server\" command=\"stopping\"/>\n"
  "    </flow>\n"
  "    <flow id=\"talk\" name=\"Talk\">\n"
  "      <step id=\"t1\" from=\"client\" to=\"server\" command=\"ask\"/>\n"
  "      <step id=\"t2\" block=\"choice\" from=\"p.s\">\n"
  "        <step id=\"t3\" from=\"server\" to=\"client\" command=\"answer\"/>\n"
  "        <step id=\"t4\" from=\"server\" to=\"client\" command=\"refuse\"/>\n"
  "      </step>\n"
  "      <step id=\"t5\" block=\"loop\">\n"
  "        <step id=\"t6\" from=\"server\" to=\"client\" command=\"shipping\"/>\n"
  "      </step>\n"
  "    </flow>\n"
  "  </protocol>\n"
  "  <requirement id=\"r1\" name=\"Every so often\" metric=\"other\" value=\"300\" unit=\"ms\" target=\"server\"/>\n"
  "</design>\n";

/* Stub hints come from the flows, not from names: every branch of a choice that answers
 * a command; no answer where a flow ends; a repeating timer for what a flow repeats with
 * nothing received before it (at the interval a requirement gives), and for nothing
 * else, whatever its name. */
static void
test_stub_hints (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load_data (hints_design, -1, "hints", &error);
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), "hello.moped", NULL);
  g_autoptr(MopedDesign) hello = NULL;
  g_autoptr(GPtrArray) outputs = NULL;
  g_autoptr(GPtrArray) hello_outputs = NULL;
  g_autofree char *ask = NULL, *answer = NULL, *world = NULL, *hello_stub = NULL, *start = NULL;
  g_autofree char *client_start = NULL;
  const char *server, *client;

  g_assert_no_error (error);
  outputs = generate (design);
  server = output_content (outputs, "src/server.c");
  client = output_content (outputs, "src/client.c");
  ask = stub_of (server, "server_handle_ask");
  g_assert_nonnull (strstr (ask, "To answer: server_send_answer (self->engine, from, ...)"));
  g_assert_nonnull (strstr (ask, "To answer: server_send_refuse (self->engine, from, ...)"));
  g_assert_null (strstr (ask, "server_send_shipping"));
  /* After ANSWER the client may get SHIPPING, which it does not answer: no hint. */
  answer = stub_of (client, "client_handle_answer");
  g_assert_null (strstr (answer, "To answer"));
  start = stub_of (server, "server_state_start");
  g_assert_nonnull (strstr (start, "SHIPPING repeats in flow Talk with nothing Server receives before it"));
  g_assert_nonnull (strstr (start, "server_engine_timer_set (self->engine, 300, true, s_send_shipping, NULL)"));
  g_assert_null (strstr (start, "PONG repeats"));
  client_start = stub_of (client, "client_state_start");
  g_assert_null (strstr (client_start, "repeats"));

  hello = moped_file_load (path, &error);
  g_assert_no_error (error);
  hello_outputs = generate (hello);
  world = stub_of (output_content (hello_outputs, "src/client.c"), "client_handle_world");
  g_assert_null (strstr (world, "To answer"));
  hello_stub = stub_of (output_content (hello_outputs, "src/server.c"), "server_handle_hello");
  g_assert_nonnull (strstr (hello_stub, "To answer: server_send_world (self->engine, from, ...)"));
}

/* Descriptions reach generated files only inside comments. */
static void
test_descriptions_stay_in_comments (void)
{
  PingPong p = ping_pong ("client", "server");
  const char *hostile = "MARK */ int evil; /* \"quote\" \\\nMARK int evil2; \\\nMARK ?\?/\nMARK";
  g_autoptr(GPtrArray) outputs = NULL;

  moped_design_set_string (p.design, p.client, MOPED_PROP_DESCRIPTION, hostile);
  moped_design_set_string (p.design, p.flow, MOPED_PROP_DESCRIPTION, hostile);
  moped_design_set_string (p.design, p.protocol, MOPED_PROP_SUMMARY, hostile);
  outputs = generate (p.design);
  for (guint i = 0; i < outputs->len; i++)
    {
      MopedCOutput *o = g_ptr_array_index (outputs, i);
      g_auto(GStrv) lines = NULL;

      if (!g_str_has_suffix (o->path, ".c") && !g_str_has_suffix (o->path, ".h"))
        continue;
      lines = g_strsplit (o->content, "\n", -1);
      for (guint j = 0; lines[j] != NULL; j++)
        {
          const char *mark = strstr (lines[j], "MARK");
          const char *comment = strstr (lines[j], "//");

          if (mark == NULL)
            continue;
          g_assert_nonnull (comment);
          g_assert_true (comment < mark);
          g_assert_true (lines[j][strlen (lines[j]) - 1] != '\\');
        }
    }
  g_object_unref (p.design);
}

/* Bidirectional controls and other invisible characters in descriptions never reach
 * the exported project (Trojan Source; gcc -Werror=bidi-chars): not in comments, not
 * in the README, not in build files. Neither does any control character. */
static void
test_descriptions_without_invisible (void)
{
  PingPong p = ping_pong ("client", "server");
  const char *hostile = "Checks \xe2\x80\xae}; evil(); /*\xe2\x80\xac access \xe2\x81\xa6if\xe2\x81\xa9 "
                        "zero\xe2\x80\x8bwidth \x1b[2J escape \xc2\x9b csi bom\xef\xbb\xbf.";
  g_autoptr(GPtrArray) outputs = NULL;
  static const char *const invisible[] = {
    "\xe2\x80\xae", "\xe2\x80\xac", "\xe2\x81\xa6", "\xe2\x81\xa9", "\xe2\x80\x8b", "\xc2\x9b", "\xef\xbb\xbf",
  };
  gboolean found_text = FALSE;

  moped_design_set_string (p.design, moped_design_get_root (p.design), MOPED_PROP_SUMMARY, hostile);
  moped_design_set_string (p.design, p.client, MOPED_PROP_DESCRIPTION, hostile);
  moped_design_set_string (p.design, p.server, MOPED_PROP_ROLE, hostile);
  moped_design_set_string (p.design, p.flow, MOPED_PROP_DESCRIPTION, hostile);
  moped_design_set_string (p.design, p.protocol, MOPED_PROP_SUMMARY, hostile);
  outputs = generate (p.design);
  for (guint i = 0; i < outputs->len; i++)
    {
      MopedCOutput *o = g_ptr_array_index (outputs, i);

      for (guint k = 0; k < G_N_ELEMENTS (invisible); k++)
        if (strstr (o->content, invisible[k]) != NULL)
          g_error ("%s carries an invisible character (%s)", o->path, o->content);
      for (const char *c = o->content; *c != '\0'; c++)
        if ((guchar) *c < 0x20 && *c != '\n')
          g_error ("%s carries the control character 0x%02x", o->path, (guchar) *c);
      found_text = found_text || strstr (o->content, "access if zerowidth") != NULL;
    }
  /* The visible text is kept. */
  g_assert_true (found_text);
  g_object_unref (p.design);
}

/* The self-test generator predicts which subscribers a published sample reaches from
 * the sample string: it must be the one the generated wire.h defines. */
static void
test_sample_string_agrees (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autoptr(GPtrArray) outputs = generate (p.design);
  g_autofree char *literal = moped_c_string_literal (MOPED_C_SAMPLE_STRING);
  g_autofree char *define = g_strdup_printf ("#define WIRE_SAMPLE_STRING %s\n", literal);

  g_assert_nonnull (strstr (output_content (outputs, "include/wire.h"), define));
  g_object_unref (p.design);
}

/* ---- determinism ------------------------------------------------------------------------- */

static void
test_deterministic (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), "majordomo.moped", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  g_autoptr(MopedDesign) again = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) reloaded = NULL;

  g_assert_no_error (error);
  first = generate (design);
  second = generate (design);
  data = moped_file_to_data (design, NULL);
  again = moped_file_load_data (data, -1, "again", &error);
  g_assert_no_error (error);
  reloaded = generate (again);
  g_assert_cmpuint (first->len, ==, second->len);
  g_assert_cmpuint (first->len, ==, reloaded->len);
  for (guint i = 0; i < first->len; i++)
    {
      MopedCOutput *a = g_ptr_array_index (first, i);
      MopedCOutput *b = g_ptr_array_index (second, i);
      MopedCOutput *c = g_ptr_array_index (reloaded, i);

      g_assert_cmpstr (a->path, ==, b->path);
      g_assert_cmpstr (a->content, ==, b->content);
      g_assert_cmpstr (a->path, ==, c->path);
      g_assert_cmpstr (a->content, ==, c->content);
    }
}

/* ---- refusals ------------------------------------------------------------------------------ */

static void
test_refuses_errors (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autoptr(MopedExportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  MopedElement *stray = add_named (p.design, NULL, MOPED_KIND_NODE, "client");

  /* Two nodes named "client" are a design error. */
  (void) stray;
  plan = moped_export_c_plan (p.design, out, MOPED_EXPORT_FLAGS_NONE);
  g_assert_false (moped_export_plan_can_run (plan));
  g_assert_true (strv_contains_part (moped_export_plan_get_errors (plan), "duplicate-name"));
  g_assert_false (moped_export_plan_run (plan, &error));
  g_assert_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_REFUSED);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_null (moped_export_c (p.design, out, MOPED_EXPORT_FLAGS_NONE, NULL));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

static void
test_refuses_draft_and_stream (void)
{
  PingPong p = ping_pong ("client", "server");
  MopedElement *radio = add_socket (p.design, p.client, "radio", MOPED_SOCKET_RADIO, MOPED_SOCKET_MODE_BIND);
  MopedElement *dish = add_socket (p.design, p.server, "dish", MOPED_SOCKET_DISH, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *raw = add_socket (p.design, p.server, "raw", MOPED_SOCKET_STREAM, MOPED_SOCKET_MODE_BIND);
  g_autoptr(MopedExportPlan) plan = NULL;
  const char * const *errors;

  add_link (p.design, radio, dish, "udp://127.0.0.1:5671", NULL);
  (void) raw;
  plan = moped_export_c_plan (p.design, "/nonexistent/out", MOPED_EXPORT_FLAGS_NONE);
  errors = moped_export_plan_get_errors (plan);
  g_assert_false (moped_export_plan_can_run (plan));
  g_assert_true (strv_contains_part (errors, "client.radio is a RADIO socket, a draft type"));
  g_assert_true (strv_contains_part (errors, "server.dish is a DISH socket, a draft type"));
  g_assert_true (strv_contains_part (errors, "without the draft API"));
  g_assert_true (strv_contains_part (errors, "server.raw is a STREAM socket"));
  g_object_unref (p.design);
}

/* ---- plan, manifest and re-export ------------------------------------------------------------- */

static MopedExportPlan *
export_ok (MopedDesign      *design,
           const char       *dir,
           MopedExportFlags  flags)
{
  g_autoptr(GError) error = NULL;
  MopedExportPlan *plan = moped_export_c (design, dir, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  g_assert_true (moped_export_plan_is_done (plan));
  return plan;
}

static void
test_plan_does_not_write (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autoptr(MopedExportPlan) plan = moped_export_c_plan (p.design, out, MOPED_EXPORT_FLAGS_NONE);
  const MopedExportFile *user;

  g_assert_true (moped_export_plan_can_run (plan));
  g_assert_cmpuint (moped_export_plan_get_n_files (plan), >, 10);
  for (guint i = 0; i < moped_export_plan_get_n_files (plan); i++)
    g_assert_cmpint (moped_export_plan_get_file (plan, i)->action, ==, MOPED_EXPORT_CREATE);
  user = plan_file (plan, "src/client.c");
  g_assert_nonnull (user);
  g_assert_true (user->user_file);
  g_assert_false (plan_file (plan, "src/client_engine.c")->user_file);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_false (moped_export_plan_is_done (plan));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

static void
test_manifest (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autoptr(MopedExportPlan) plan = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_autofree char *manifest = read_file (dir, "moped-export.manifest");

  g_assert_nonnull (strstr (manifest, "\nmoped-export 1 c\n"));
  g_assert_true (g_regex_match_simple ("^generated [0-9a-f]{16} src/server_engine.c$", manifest,
                                       G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^generated [0-9a-f]{16} include/wire.h$", manifest,
                                       G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (manifest, " src/server.c server_state_new server_state_destroy "
                                      "server_state_start server_state_stop server_handle_ping\n"));
  g_assert_nonnull (strstr (manifest, "\nuser "));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

static GHashTable *
snapshot (const char *dir)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *subdirs[] = { "", "src", "include", "bench" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (dir, subdirs[i], NULL);
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *full = g_build_filename (path, name, NULL);
          GStatBuf st;
          char *text = NULL;

          if (g_file_test (full, G_FILE_TEST_IS_DIR))
            continue;
          g_assert_cmpint (g_stat (full, &st), ==, 0);
          g_assert_true (g_file_get_contents (full, &text, NULL, NULL));
          g_hash_table_insert (files, g_strdup (full),
                               g_strdup_printf ("%" G_GINT64_FORMAT ".%09ld:%s", (gint64) st.st_mtim.tv_sec,
                                                st.st_mtim.tv_nsec, text));
          g_free (text);
        }
    }
  return files;
}

static gboolean
same_files (GHashTable *a,
            GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
      return FALSE;
  return TRUE;
}

static void
test_reexport_unchanged (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autoptr(MopedExportPlan) first = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_autoptr(GHashTable) before = snapshot (dir);
  g_autoptr(MopedExportPlan) second = NULL;
  g_autoptr(GHashTable) after = NULL;

  /* Let a rewrite show in the mtimes even on a coarse clock. */
  g_usleep (20 * 1000);
  second = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  after = snapshot (dir);
  for (guint i = 0; i < moped_export_plan_get_n_files (second); i++)
    {
      const MopedExportFile *f = moped_export_plan_get_file (second, i);

      g_assert_cmpint (f->action, ==, f->user_file ? MOPED_EXPORT_KEEP : MOPED_EXPORT_UNCHANGED);
    }
  g_assert_true (same_files (before, after));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

static void
test_reexport_new_and_removed_command (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autoptr(MopedExportPlan) first = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_autofree char *user = read_file (dir, "src/server.c");
  g_autofree char *edited = g_strconcat (user, "\n/* my own helper */\nstatic int s_mine (void) { return 1; }\n", NULL);
  g_autoptr(MopedExportPlan) second = NULL;
  g_autoptr(MopedExportPlan) third = NULL;
  g_autofree char *appended = NULL;
  g_autofree char *kept = NULL;
  MopedElement *bye;
  const MopedExportFile *f;

  write_file (dir, "src/server.c", edited);
  bye = add_command (p.design, p.protocol, "BYE", p.client);
  add_field (p.design, bye, "reason", MOPED_FIELD_LONGSTR);
  second = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  f = plan_file (second, "src/server.c");
  g_assert_cmpint (f->action, ==, MOPED_EXPORT_APPEND);
  g_assert_nonnull (strstr (f->note, "server_handle_bye"));
  g_assert_cmpint (plan_file (second, "src/client.c")->action, ==, MOPED_EXPORT_KEEP);
  g_assert_cmpint (plan_file (second, "src/echo.c")->action, ==, MOPED_EXPORT_REWRITE);
  appended = read_file (dir, "src/server.c");
  g_assert_true (g_str_has_prefix (appended, edited));
  g_assert_nonnull (strstr (appended + strlen (edited),
                            "server_handle_bye (server_state_t *self, const wire_peer_t *from, "
                            "const char *reason)\n{"));

  moped_design_remove (p.design, bye);
  third = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_assert_true (strv_contains_part (moped_export_plan_get_warnings (third),
                                     "src/server.c: server_handle_bye is no longer called"));
  g_assert_cmpint (plan_file (third, "src/server.c")->action, ==, MOPED_EXPORT_KEEP);
  kept = read_file (dir, "src/server.c");
  g_assert_cmpstr (kept, ==, appended);
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

/* A handler's name in a comment or a string is not its definition. */
static void
test_reexport_finds_only_definitions (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autoptr(MopedExportPlan) first = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_autoptr(MopedExportPlan) second = NULL;
  const char *mine =
    "#include \"server_engine.h\"\n"
    "struct _server_state_t { server_engine_t *engine; };\n"
    "// server_handle_ping (x) { in a comment }\n"
    "/* server_state_new (y) {\n   across lines } */\n"
    "static const char *s = \"server_state_destroy (z) {\";\n"
    "#define server_api_x(a) { a }\n"
    "int server_handle_ping (server_state_t *self, const wire_peer_t *from,\n"
    "                        const char *text);\n";
  g_autofree char *result = NULL;

  write_file (dir, "src/server.c", mine);
  second = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_assert_cmpint (plan_file (second, "src/server.c")->action, ==, MOPED_EXPORT_APPEND);
  result = read_file (dir, "src/server.c");
  g_assert_nonnull (strstr (result, "\nserver_state_new (server_engine_t *engine)\n{"));
  g_assert_nonnull (strstr (result, "\nserver_state_destroy (server_state_t **self_p)\n{"));
  g_assert_nonnull (strstr (result, "\nserver_handle_ping (server_state_t *self, const wire_peer_t *from, "
                                    "const char *text)\n{"));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

static void
test_reexport_hand_edited_generated (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autoptr(MopedExportPlan) first = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_autoptr(MopedExportPlan) blocked = NULL;
  g_autoptr(MopedExportPlan) forced = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *engine = read_file (dir, "src/server_engine.c");
  g_autofree char *edited = g_strconcat (engine, "// mine\n", NULL);
  g_autofree char *after = NULL;
  const MopedExportFile *f;

  write_file (dir, "src/server_engine.c", edited);
  /* Something in the design must change for the file to be rewritten. */
  add_command (p.design, p.protocol, "EXTRA", p.server);
  blocked = moped_export_c_plan (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  f = plan_file (blocked, "src/server_engine.c");
  g_assert_true (f->blocked);
  g_assert_nonnull (strstr (f->note, "edited by hand"));
  g_assert_false (moped_export_plan_can_run (blocked));
  g_assert_false (moped_export_plan_run (blocked, &error));
  g_assert_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_REFUSED);
  after = read_file (dir, "src/server_engine.c");
  g_assert_cmpstr (after, ==, edited);

  forced = export_ok (p.design, dir, MOPED_EXPORT_FORCE);
  g_assert_cmpint (plan_file (forced, "src/server_engine.c")->action, ==, MOPED_EXPORT_REWRITE);
  g_free (after);
  after = read_file (dir, "src/server_engine.c");
  g_assert_null (strstr (after, "// mine"));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

static void
test_reexport_foreign_file (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autofree char *src = g_build_filename (dir, "src", NULL);
  g_autoptr(MopedExportPlan) plan = NULL;

  g_assert_cmpint (g_mkdir_with_parents (src, 0755), ==, 0);
  write_file (dir, "src/wire.c", "not ours\n");
  plan = moped_export_c_plan (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_assert_true (plan_file (plan, "src/wire.c")->blocked);
  g_assert_true (strv_contains_part (moped_export_plan_get_errors (plan), "src/wire.c exists, but Moped did not write it"));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

static void
test_reexport_removed_node (void)
{
  PingPong p = ping_pong ("client", "server");
  MopedElement *extra = add_named (p.design, NULL, MOPED_KIND_NODE, "extra");
  g_autofree char *dir = temp_dir ();
  g_autoptr(MopedExportPlan) first = NULL;
  g_autoptr(MopedExportPlan) second = NULL;
  g_autofree char *engine = NULL;

  add_socket (p.design, extra, "pair", MOPED_SOCKET_PAIR, MOPED_SOCKET_MODE_BIND);
  first = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  moped_design_remove (p.design, extra);
  second = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_assert_cmpint (plan_file (second, "src/extra_engine.c")->action, ==, MOPED_EXPORT_REMOVE);
  g_assert_cmpint (plan_file (second, "src/extra.c")->action, ==, MOPED_EXPORT_KEEP);
  engine = g_build_filename (dir, "src", "extra_engine.c", NULL);
  g_assert_false (g_file_test (engine, G_FILE_TEST_EXISTS));
  g_assert_true (strv_contains_part (moped_export_plan_get_warnings (second), "src/extra.c is no longer part"));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

/* A node named like a protocol takes the protocol's file names, which become the
 * node's file: the old generated file is replaced, never appended to. */
static void
test_reexport_generated_becomes_user (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autoptr(MopedExportPlan) first = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_autoptr(MopedExportPlan) second = NULL;
  g_autofree char *codec = read_file (dir, "src/echo.c");
  g_autofree char *now = NULL;
  const MopedExportFile *f;

  g_assert_nonnull (strstr (codec, "echo_send_ping"));
  add_named (p.design, NULL, MOPED_KIND_NODE, "Echo");
  second = export_ok (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  f = plan_file (second, "src/echo.c");
  g_assert_true (f->user_file);
  g_assert_cmpint (f->action, ==, MOPED_EXPORT_REWRITE);
  now = read_file (dir, "src/echo.c");
  g_assert_null (strstr (now, "echo_send_ping"));
  g_assert_nonnull (strstr (now, "echo_state_new"));
  g_assert_cmpint (plan_file (second, "src/echo_2.c")->action, ==, MOPED_EXPORT_CREATE);
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

static void
test_run_notices_changes (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autoptr(MopedExportPlan) plan = moped_export_c_plan (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *meson = g_build_filename (dir, "meson.build", NULL);

  write_file (dir, "README.md", "written meanwhile\n");
  g_assert_false (moped_export_plan_run (plan, &error));
  g_assert_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED);
  g_assert_false (g_file_test (meson, G_FILE_TEST_EXISTS));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

/* Running does not read again a file that was not written since planning read it (it
 * compares the file's times and inode instead): a change made between planning and
 * running is still noticed when the file is older than the "racy" window, even one
 * that keeps the size; and an unchanged design is exported again writing nothing. */
static void
test_run_notices_changes_of_old_files (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autoptr(MopedExportPlan) first = NULL;
  g_autoptr(MopedExportPlan) again = NULL;
  g_autoptr(MopedExportPlan) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *engine = NULL;
  g_autofree char *engine_path = g_build_filename (dir, "src", "server_engine.c", NULL);
  FILE *in_place;
  long at;

  first = moped_export_c (p.design, dir, MOPED_EXPORT_FLAGS_NONE, &error);
  g_assert_no_error (error);
  /* Older than the window in which a file's times cannot tell two writes apart. */
  g_usleep (2200 * G_TIME_SPAN_MILLISECOND);
  again = moped_export_c_plan (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  g_assert_cmpuint (moped_export_plan_count_written (again), ==, 0);
  g_assert_true (moped_export_plan_run (again, &error));
  g_assert_no_error (error);

  third = moped_export_c_plan (p.design, dir, MOPED_EXPORT_FLAGS_NONE);
  /* One byte changed in place: the same inode, the same size. */
  engine = read_file (dir, "src/server_engine.c");
  at = (long) strlen (engine) - 2;
  in_place = fopen (engine_path, "r+b");
  g_assert_nonnull (in_place);
  g_assert_cmpint (fseek (in_place, at, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc (engine[at] == 'x' ? 'y' : 'x', in_place), !=, EOF);
  g_assert_cmpint (fclose (in_place), ==, 0);
  g_assert_false (moped_export_plan_run (third, &error));
  g_assert_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED);
  g_assert_nonnull (strstr (error->message, "server_engine.c"));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

/* ---- what the self-test plays ------------------------------------------------------------------- */

/* A PUB fans out to two SUBs; the topic lets a step through to its receiver, and the
 * other subscriber is expected to get a copy only when its prefixes match. */
static void
test_selftest_topics (void)
{
  MopedDesign *design = moped_design_new ();
  MopedElement *pub_node = add_named (design, NULL, MOPED_KIND_NODE, "publisher");
  MopedElement *a = add_named (design, NULL, MOPED_KIND_NODE, "a");
  MopedElement *b = add_named (design, NULL, MOPED_KIND_NODE, "b");
  MopedElement *pub = add_socket (design, pub_node, "out", MOPED_SOCKET_PUB, MOPED_SOCKET_MODE_BIND);
  MopedElement *sub_a = add_socket (design, a, "in", MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *sub_b = add_socket (design, b, "in", MOPED_SOCKET_SUB, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *protocol = add_named (design, NULL, MOPED_KIND_PROTOCOL, "News");
  MopedElement *item = add_command (design, protocol, "ITEM", pub_node);
  MopedElement *tick = add_command (design, protocol, "TICK", pub_node);
  MopedElement *flow = add_named (design, protocol, MOPED_KIND_FLOW, "Feed");
  g_autoptr(MopedCModel) model = NULL;
  MopedCFlow *f;
  MopedCStep *step;

  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "News");
  add_field (design, item, "topic", MOPED_FIELD_STRING);
  moped_design_set_string (design, sub_a, MOPED_PROP_SUBSCRIBE, "sports,weather");
  moped_design_set_string (design, sub_b, MOPED_PROP_SUBSCRIBE, "TI");
  add_link (design, pub, sub_a, "tcp://*:5680", protocol);
  add_link (design, pub, sub_b, "tcp://*:5680", protocol);
  add_step (design, flow, pub_node, a, item);
  add_step (design, flow, pub_node, b, tick);
  add_step (design, flow, pub_node, a, tick);
  model = _moped_c_model_new (design);
  g_assert_cmpuint (model->errors->len, ==, 0);
  f = g_ptr_array_index (model->flows, 0);
  g_assert_cmpuint (f->steps->len, ==, 3);
  step = g_ptr_array_index (f->steps, 0);
  g_assert_cmpstr (step->topic, ==, "sports");
  g_assert_cmpuint (step->copies->len, ==, 0);
  step = g_ptr_array_index (f->steps, 1);
  g_assert_null (step->topic);
  g_assert_null (step->skip_reason);
  g_assert_cmpuint (step->copies->len, ==, 0);
  /* a's subscriptions drop TICK: it is sent all the same, and b (TI) gets it */
  step = g_ptr_array_index (f->steps, 2);
  g_assert_null (step->skip_reason);
  g_assert_true (step->filtered);
  g_assert_cmpuint (step->copies->len, ==, 1);
  g_assert_true (((MopedCSocket *) g_ptr_array_index (step->copies, 0))->element == sub_b);
  g_assert_false (((MopedCStep *) g_ptr_array_index (f->steps, 0))->filtered);
  g_assert_false (((MopedCStep *) g_ptr_array_index (f->steps, 1))->filtered);
  g_assert_cmpuint (model->probes->len, ==, 2);
  g_object_unref (design);
}

/* Validation and the exporter agree on the link a step takes. */
static void
test_selftest_routing (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autoptr(MopedCModel) model = _moped_c_model_new (p.design);
  MopedCFlow *f = g_ptr_array_index (model->flows, 0);
  MopedCStep *ping = g_ptr_array_index (f->steps, 0);
  MopedCStep *pong = g_ptr_array_index (f->steps, 1);

  g_assert_null (ping->peer_id);
  g_assert_cmpstr (pong->peer_id, ==, "client/dealer");
  g_assert_false (pong->delimiter);
  g_assert_cmpstr (((MopedCLink *) g_ptr_array_index (model->links, 0))->test_endpoint, ==,
                   "inproc://server.router");
  g_object_unref (p.design);
}

/* ---- all or nothing --------------------------------------------------------------------- */

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
assert_same_tree (const char *before,
                  const char *after)
{
  if (strcmp (before, after) != 0)
    {
      gsize i = 0;

      while (before[i] == after[i])
        i++;
      g_error ("the tree changed at byte %" G_GSIZE_FORMAT ": “%.80s” became “%.80s”",
               i, before + (i > 40 ? i - 40 : 0), after + (i > 40 ? i - 40 : 0));
    }
}

/* Every file below @dir (hidden ones too), as "path mode size\ncontent\n", sorted. */
static void
tree_text_into (GString    *out,
               const char *root,
               const char *relative)
{
  g_autofree char *full = relative[0] ? g_build_filename (root, relative, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (full, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = *(const char **) &g_ptr_array_index (names, i);
      g_autofree char *rel = relative[0] ? g_strdup_printf ("%s/%s", relative, n) : g_strdup (n);
      g_autofree char *path = g_build_filename (root, rel, NULL);
      struct stat st;

      g_assert_cmpint (g_lstat (path, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        {
          g_string_append_printf (out, "%s/ %o\n", rel, st.st_mode & 07777);
          tree_text_into (out, root, rel);
        }
      else
        {
          g_autofree char *content = NULL;
          gsize length = 0;

          g_assert_true (g_file_get_contents (path, &content, &length, NULL));
          g_string_append_printf (out, "%s %o %" G_GSIZE_FORMAT "\n%s\n", rel, st.st_mode & 07777,
                                  length, content);
        }
    }
}

static char *
tree_text (const char *dir)
{
  GString *out = g_string_new (NULL);

  tree_text_into (out, dir, "");
  return g_string_free (out, FALSE);
}

/* Runs an export with writes limited to @limit bytes per file (the file size limit
 * stops even root, as a full disk would); it must fail. */
static void
export_fails_with_file_limit (MopedDesign *design,
                              const char  *dir,
                              rlim_t       limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedExportPlan) plan = moped_export_c_plan (design, dir, MOPED_EXPORT_FLAGS_NONE);
  struct rlimit saved, limited;
  void (*old_handler) (int);
  gboolean ok;

  g_assert_nonnull (plan);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = limit;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
  ok = moped_export_plan_run (plan, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);
  g_assert_false (ok);
  g_assert_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_assert_false (moped_export_plan_is_done (plan));
}

/* A re-export that runs out of space half way leaves the earlier export exactly as it
 * was (contents, modes, no new or stray files); a first export leaves nothing at all,
 * in particular no empty handler file for the next export to refuse. */
static void
test_failed_export_changes_nothing (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autofree char *fresh = g_build_filename (dir, "fresh", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *handler = NULL;
  g_autoptr(MopedExportPlan) first = NULL;
  g_autoptr(MopedExportPlan) again = NULL;
  MopedElement *bye;

  export_fails_with_file_limit (p.design, fresh, 2048);
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));

  first = export_ok (p.design, out, MOPED_EXPORT_FLAGS_NONE);
  handler = g_build_filename (out, "src", "server.c", NULL);
  g_assert_cmpint (g_chmod (handler, 0600), ==, 0);
  before = tree_text (out);
  bye = add_command (p.design, p.protocol, "BYE", p.client);
  add_field (p.design, bye, "reason", MOPED_FIELD_LONGSTR);
  export_fails_with_file_limit (p.design, out, 4096);
  after = tree_text (out);
  assert_same_tree (before, after);

  /* With room again the export goes through, appending to the user's file, whose mode stays. */
  again = export_ok (p.design, out, MOPED_EXPORT_FLAGS_NONE);
  g_assert_cmpint (plan_file (again, "src/server.c")->action, ==, MOPED_EXPORT_APPEND);
  {
    struct stat st;

    g_assert_cmpint (g_stat (handler, &st), ==, 0);
    g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
  }
  g_free (after);
  after = tree_text (out);
  g_assert_null (strstr (after, ".moped-export-"));
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

/* When a move into place fails (here: a folder stands where a file goes), the files
 * already moved are put back and the folders made are removed. */
static void
test_staging_rolls_back (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *blocker = g_build_filename (dir, "c", "inside", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(MopedStaging) staging = NULL;
  g_autoptr(GError) error = NULL;

  write_file (dir, "a.txt", "old a\n");
  write_file (dir, "gone.txt", "keep me\n");
  g_assert_cmpint (g_mkdir_with_parents (blocker, 0755), ==, 0);
  before = tree_text (dir);

  staging = moped_staging_new (dir, &error);
  g_assert_no_error (error);
  g_assert_true (moped_staging_write (staging, "a.txt", "new a\n", 6, &error));
  g_assert_true (moped_staging_write (staging, "sub/deeper/b.txt", "b\n", 2, &error));
  moped_staging_remove (staging, "gone.txt");
  g_assert_true (moped_staging_write (staging, "c", "c\n", 2, &error));
  g_assert_no_error (error);
  g_assert_false (moped_staging_commit (staging, &error));
  g_assert_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "nothing was changed"));
  g_clear_pointer (&staging, moped_staging_free);
  after = tree_text (dir);
  assert_same_tree (before, after);

  /* Unsafe paths are refused before anything is written. */
  g_clear_error (&error);
  staging = moped_staging_new (dir, &error);
  g_assert_false (moped_staging_write (staging, "../escape.txt", "x", 1, &error));
  g_assert_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_IO);
  g_clear_pointer (&staging, moped_staging_free);
  g_free (after);
  after = tree_text (dir);
  assert_same_tree (before, after);
  moped_test_remove_tree (dir);
}

/* A staging folder left by a killed export is removed by the next one; one that belongs
 * to a running process (PID 1 always runs) is not. */
static void
test_staging_cleans_after_kill (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *dead = NULL;
  g_autofree char *alive = NULL;
  g_autoptr(MopedStaging) staging = NULL;
  g_autoptr(GError) error = NULL;
  pid_t child = fork ();
  int status;

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    _exit (0);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  dead = g_strdup_printf ("%s/.moped-export-%d-AbCdEf/new/src", dir, (int) child);
  alive = g_strdup_printf ("%s/.moped-export-1-AbCdEf", dir);
  g_assert_cmpint (g_mkdir_with_parents (dead, 0755), ==, 0);
  write_file (dead, "half.c", "int x");
  g_assert_cmpint (g_mkdir (alive, 0755), ==, 0);

  staging = moped_staging_new (dir, &error);
  g_assert_no_error (error);
  g_assert_true (moped_staging_write (staging, "x.txt", "x\n", 2, &error));
  g_assert_true (moped_staging_commit (staging, &error));
  g_assert_no_error (error);
  g_clear_pointer (&dead, g_free);
  dead = g_strdup_printf ("%s/.moped-export-%d-AbCdEf", dir, (int) child);
  g_assert_false (g_file_test (dead, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (alive, G_FILE_TEST_IS_DIR));
  moped_test_remove_tree (dir);
}

static gboolean
has_item (GPtrArray  *items,
          const char *text)
{
  return g_ptr_array_find_with_equal_func (items, text, g_str_equal, NULL);
}

/* A socket that binds one endpoint and connects to another gets both attach items,
 * each in the form its link end says. */
static void
test_mode_per_link_end (void)
{
  PingPong p = ping_pong ("client", "server");
  MopedElement *upstream = add_named (p.design, NULL, MOPED_KIND_NODE, "upstream");
  MopedElement *router = moped_element_get_child (p.server, 0);
  MopedElement *up_router = add_socket (p.design, upstream, "router", MOPED_SOCKET_ROUTER, MOPED_SOCKET_MODE_BIND);
  MopedElement *up = add_link (p.design, router, up_router, "tcp://*:5671", NULL);
  g_autoptr(MopedCModel) model = NULL;
  MopedCSocket *s;

  moped_design_set_enum (p.design, up, MOPED_PROP_FROM_MODE, MOPED_LINK_END_CONNECT);
  model = _moped_c_model_new (p.design);
  s = g_hash_table_lookup (model->by_element, router);
  g_assert_nonnull (s);
  g_assert_true (has_item (s->endpoints, "@tcp://*:5670"));
  g_assert_true (has_item (s->endpoints, ">tcp://localhost:5671"));
  g_assert_cmpuint (s->endpoints->len, ==, 2);
  s = g_hash_table_lookup (model->by_element, up_router);
  g_assert_true (has_item (s->endpoints, "@tcp://*:5671"));
  g_clear_object (&p.design);
}

/* A ROUTER whose design gives it exactly one peer, of one instance, sends to that peer's
 * designed routing id when no peer is given (with the delimiter a REQ expects); with
 * several instances there is no default. */
static void
test_router_default_peer (void)
{
  PingPong p = ping_pong ("client", "server");
  MopedElement *dealer = moped_element_get_child (p.client, 0);
  MopedElement *router = moped_element_get_child (p.server, 0);
  MopedCModel *model;
  MopedCSocket *s;

  model = _moped_c_model_new (p.design);
  g_assert_cmpuint (model->errors->len, ==, 0);
  s = g_hash_table_lookup (model->by_element, router);
  g_assert_cmpstr (s->default_peer, ==, "client/dealer");
  g_assert_false (s->default_peer_delimiter);
  s = g_hash_table_lookup (model->by_element, dealer);
  g_assert_null (s->default_peer);  /* no routing ids: it has no use for one */
  _moped_c_model_free (model);

  /* A REQ peer expects the empty delimiter frame. */
  moped_design_set_enum (p.design, dealer, MOPED_PROP_TYPE, MOPED_SOCKET_REQ);
  model = _moped_c_model_new (p.design);
  g_assert_cmpuint (model->errors->len, ==, 0);
  s = g_hash_table_lookup (model->by_element, router);
  g_assert_cmpstr (s->default_peer, ==, "client/dealer");
  g_assert_true (s->default_peer_delimiter);
  _moped_c_model_free (model);

  /* Several instances of the one peer: each copy's ids are its own. */
  moped_design_set_int (p.design, p.client, MOPED_PROP_INSTANCES, 2);
  model = _moped_c_model_new (p.design);
  g_assert_cmpuint (model->errors->len, ==, 0);
  s = g_hash_table_lookup (model->by_element, router);
  g_assert_null (s->default_peer);
  _moped_c_model_free (model);
  g_clear_object (&p.design);
}

/* The plan keeps no file contents (running generates each file again, node by node,
 * so memory stays flat): a design changed between planning and running is noticed,
 * and nothing is written. */
static void
test_run_regenerates_what_was_planned (void)
{
  PingPong p = ping_pong ("client", "server");
  g_autofree char *dir = temp_dir ();
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autoptr(MopedExportPlan) plan = moped_export_c_plan (p.design, out, MOPED_EXPORT_FLAGS_NONE);
  g_autoptr(MopedExportPlan) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (moped_export_plan_can_run (plan));
  moped_design_set_string (p.design, p.client, MOPED_PROP_DESCRIPTION, "Changed after planning.");
  g_assert_false (moped_export_plan_run (plan, &error));
  g_assert_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* Planned again, it runs, and writes exactly what generating in memory gives. */
  again = moped_export_c_plan (p.design, out, MOPED_EXPORT_FLAGS_NONE);
  g_assert_true (moped_export_plan_run (again, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) outputs = generate (p.design);

    for (guint i = 0; i < outputs->len; i++)
      {
        MopedCOutput *o = g_ptr_array_index (outputs, i);
        g_autofree char *written = read_file (out, o->path);

        g_assert_cmpstr (written, ==, o->content);
      }
  }
  moped_test_remove_tree (dir);
  g_object_unref (p.design);
}

/* A requirement without a target reads "not set" in the generated comments and README,
 * never "0 msg/s"; one with a target keeps its number and unit. */
static void
test_requirement_not_set (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), "hello.moped", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  g_autoptr(MopedCModel) set_model = NULL;
  g_autoptr(GPtrArray) set_outputs = NULL;
  g_autoptr(MopedCModel) model = NULL;
  g_autoptr(GPtrArray) outputs = NULL;
  MopedElement *requirement;
  const char *readme;

  g_assert_no_error (error);
  requirement = moped_design_lookup (design, "req-rate");
  g_assert_nonnull (requirement);
  g_assert_cmpstr (moped_element_get_string (requirement, MOPED_PROP_UNIT), ==, "msg/s");
  set_model = _moped_c_model_new (design);
  set_outputs = _moped_c_generate (set_model);
  g_assert_nonnull (strstr (output_content (set_outputs, "README.md"), "msg/s. "));

  moped_design_set_double (design, requirement, MOPED_PROP_VALUE, 0);
  model = _moped_c_model_new (design);
  outputs = _moped_c_generate (model);
  readme = output_content (outputs, "README.md");
  g_assert_nonnull (strstr (readme, "): not set. "));
  for (guint i = 0; i < outputs->len; i++)
    {
      MopedCOutput *o = g_ptr_array_index (outputs, i);

      if (o->content != NULL && strstr (o->content, " 0 msg/s") != NULL)
        g_error ("%s states a target of 0 msg/s", o->path);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export-c/escape/string-literal", test_string_literal);
  g_test_add_func ("/export-c/mode-per-link-end", test_mode_per_link_end);
  g_test_add_func ("/export-c/machines-kept-where-sound", test_machines_kept_where_sound);
  g_test_add_func ("/export-c/escape/comment-text", test_comment_text);
  g_test_add_func ("/export-c/escape/comment-lines", test_comment_lines);
  g_test_add_func ("/export-c/escape/markdown", test_markdown_text);
  g_test_add_func ("/export-c/names/basic", test_names_basic);
  g_test_add_func ("/export-c/envelope-per-socket", test_envelope_per_socket);
  g_test_add_func ("/export-c/names/hostile", test_names_hostile);
  g_test_add_func ("/export-c/names/collide-with-generated", test_names_collide_with_generated);
  g_test_add_func ("/export-c/api/method-signature", test_method_signature);
  g_test_add_func ("/export-c/names/descriptions-in-comments", test_descriptions_stay_in_comments);
  g_test_add_func ("/export-c/names/descriptions-without-invisible", test_descriptions_without_invisible);
  g_test_add_func ("/export-c/all-or-nothing/failed-export-changes-nothing", test_failed_export_changes_nothing);
  g_test_add_func ("/export-c/all-or-nothing/rolls-back", test_staging_rolls_back);
  g_test_add_func ("/export-c/all-or-nothing/cleans-after-kill", test_staging_cleans_after_kill);
  g_test_add_func ("/export-c/run-regenerates-what-was-planned", test_run_regenerates_what_was_planned);
  g_test_add_func ("/export-c/deterministic", test_deterministic);
  g_test_add_func ("/export-c/requirement-not-set", test_requirement_not_set);
  g_test_add_func ("/export-c/sample-string", test_sample_string_agrees);
  g_test_add_func ("/export-c/refuse/errors", test_refuses_errors);
  g_test_add_func ("/export-c/refuse/draft-and-stream", test_refuses_draft_and_stream);
  g_test_add_func ("/export-c/plan/does-not-write", test_plan_does_not_write);
  g_test_add_func ("/export-c/plan/manifest", test_manifest);
  g_test_add_func ("/export-c/reexport/unchanged", test_reexport_unchanged);
  g_test_add_func ("/export-c/reexport/new-and-removed-command", test_reexport_new_and_removed_command);
  g_test_add_func ("/export-c/reexport/only-definitions", test_reexport_finds_only_definitions);
  g_test_add_func ("/export-c/reexport/hand-edited-generated", test_reexport_hand_edited_generated);
  g_test_add_func ("/export-c/reexport/foreign-file", test_reexport_foreign_file);
  g_test_add_func ("/export-c/reexport/removed-node", test_reexport_removed_node);
  g_test_add_func ("/export-c/reexport/generated-becomes-user", test_reexport_generated_becomes_user);
  g_test_add_func ("/export-c/reexport/run-notices-changes", test_run_notices_changes);
  g_test_add_func ("/export-c/reexport/run-notices-changes-of-old-files", test_run_notices_changes_of_old_files);
  g_test_add_func ("/export-c/selftest/topics", test_selftest_topics);
  g_test_add_func ("/export-c/stub-hints", test_stub_hints);
  g_test_add_func ("/export-c/selftest/routing", test_selftest_routing);
  g_test_add_func ("/export-c/router-default-peer", test_router_default_peer);

  return g_test_run ();
}
