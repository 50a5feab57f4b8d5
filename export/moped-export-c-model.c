/* moped-export-c-model.c: reading a design into what the C generators need, names and routes decided.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every global C name goes through one scope (Globals), so no two generated symbols
 * can collide however the user named things, and fields avoid them all; names are
 * decided in document order, so the same design always gives the same names.
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-diagnostic.h"
#include "moped-endpoint.h"
#include "moped-export-c-private.h"
#include "moped-export-plan-private.h"
#include "moped-framing.h"
#include "moped-machine.h"
#include "moped-names.h"
#include "moped-roles.h"
#include "moped-schema.h"

/* First words of names owned by the libraries the generated code includes (their
 * functions and macros start with "word_"): a node or protocol named that way gets
 * "my_" in front, so that e.g. a node "zsys handler" with a method "set" cannot
 * become czmq's zsys_handler_set. "s" is the prefix of generated static helpers. */
static const char * const foreign_words[] = {
  "s", "wire", "va", "zmq", "czmq", "zsys", "pthread", "sig", "posix", "sched",
  "zactor", "zarmour", "zauth", "zbeacon", "zcert", "zcertstore", "zchunk", "zclock",
  "zconfig", "zdigest", "zdir", "zfile", "zframe", "zgossip", "zhash", "zhashx",
  "ziflist", "zlist", "zlistx", "zloop", "zmonitor", "zmsg", "zpoller", "zproc",
  "zproxy", "zrex", "zsock", "zstr", "ztimerset", "ztrie", "zuuid", "zargs",
};

/* Protocols also give uppercase constants (PROTOCOL_COMMAND): these first words start
 * macros of the C library and POSIX headers czmq includes (SIG_IGN, INT_MAX, S_IRUSR,
 * MSG_PEEK...). */
static const char * const macro_words[] = {
  "int", "uint", "intmax", "uintmax", "intptr", "uintptr", "size", "ssize", "ptrdiff",
  "wchar", "wint", "char", "schar", "uchar", "shrt", "ushrt", "long", "ulong", "llong",
  "ullong", "flt", "dbl", "ldbl", "rand", "path", "exit", "seek", "clocks", "clock",
  "fd", "o", "af", "pf", "sock", "ipproto", "inaddr", "in", "in6", "so", "sol", "msg",
  "poll", "f", "r", "w", "x", "sa", "timer", "sem", "map", "prot", "tmp", "filename",
  "fopen", "eof", "bufsiz", "ai", "ni", "eai", "ip", "ipv6", "tcp", "lc", "nan",
  "huge", "fp", "m", "l", "e", "rlimit", "prio", "ms", "mcl", "mremap", "madv",
  "iov", "uio", "scm", "shut", "somaxconn", "ifnamsiz", "host", "serv", "nss",
  "mb", "errno", "assert", "static", "bus", "ill", "segv", "trap", "fpe", "cld",
  "poll", "epoll", "st", "utime", "dt", "p", "t", "wcontinued", "wexited", "wnohang",
  "true", "false", "null",
};

/* Nodes give types NODE_t: these are the system's own _t types (POSIX, C library, the
 * headers czmq includes), so a node named "register" or "time" gets "my_" in front. */
static const char * const type_words[] = {
  "register", "time", "size", "ssize", "pid", "uid", "gid", "id", "mode", "off", "off64",
  "key", "clock", "clockid", "timer", "dev", "ino", "ino64", "nlink", "blksize", "blkcnt",
  "fsblkcnt", "fsfilcnt", "useconds", "suseconds", "caddr", "daddr", "loff", "quad", "u_quad",
  "fsid", "socklen", "sa_family", "in_addr", "in_port", "nfds", "sigset", "siginfo", "stack",
  "sighandler", "sig_atomic", "sigval", "locale", "wchar", "wint", "wctype", "wctrans",
  "mbstate", "div", "ldiv", "lldiv", "imaxdiv", "fpos", "fpos64", "ptrdiff", "max_align",
  "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "u_int8",
  "u_int16", "u_int32", "u_int64", "int_least8", "int_least16", "int_least32", "int_least64",
  "uint_least8", "uint_least16", "uint_least32", "uint_least64", "int_fast8", "int_fast16",
  "int_fast32", "int_fast64", "uint_fast8", "uint_fast16", "uint_fast32", "uint_fast64",
  "intmax", "uintmax", "intptr", "uintptr", "float", "double", "regex", "regoff", "regmatch",
  "cc", "speed", "tcflag", "fd_mask", "inaddr", "in6addr", "error", "sem", "mqd", "rlim",
  "rlim64", "idtype", "shmatt", "msgqnum", "msglen", "cpu_set", "cpu_mask", "eventfd",
  "uuid", "cookie_io_functions", "comparison_fn", "nl_item", "iconv", "glob", "wordexp",
  "char16", "char32", "fexcept", "fenv", "ucontext", "mcontext", "greg", "fpregset",
  "gregset", "sigevent", "stack", "posix_spawnattr", "clock", "byte", "dbyte", "qbyte",
  "zmq_fd", "zmq_msg", "zmq_pollitem", "zmq_free_fn", "zmq_timer_fn", "zmq_thread_fn",
};

/* Names generated code gives the parameters and locals of the functions where fields
 * are parameters or locals too (send, get, handler, dispatch); a field named like one
 * of them is renamed. Also lowercase typedefs and macros of the headers czmq
 * includes, which cannot be variable names. */
static const char * const local_words[] = {
  "self", "from", "to", "output", "handle", "msg", "command",
  "byte", "dbyte", "qbyte", "uint", "ulong", "ushort", "u_char", "u_short", "u_int",
  "u_long", "fd_set", "fd_mask", "jmp_buf", "sigjmp_buf", "va_list", "linux", "unix",
  "i386", "sun", "streq", "strneq", "randof", "freen", "zmalloc", "inline", "assert",
  "s_refuse", "wire_machine_step", "wire_machine_allows",
};

/* Members of the engine and options structs, beside one per socket; and the macros
 * gcc predefines in gnu11 mode, which no name can be. */
static const char * const member_words[] = {
  "pipe", "poller", "msg", "state", "name", "verbose", "trace", "failed", "terminated",
  "call", "call_method", "deferred", "tap", "timers", "timers_size", "timers_used", "timers_next_id",
  "machines",
  "linux", "unix", "i386", "sun", "inline",
};

/* Every global name of an export: a scope makes them unique, and the set lets fields
 * avoid them (a parameter named like a function called in its body would hide it). */
typedef struct
{
  MopedNameScope *scope;
  GHashTable     *taken;
} Globals;

static Globals *
globals_new (void)
{
  Globals *g = g_new0 (Globals, 1);

  g->scope = moped_name_scope_new ();
  g->taken = g_hash_table_new (g_str_hash, g_str_equal);
  return g;
}

static void
globals_free (Globals *g)
{
  g_hash_table_destroy (g->taken);
  moped_name_scope_free (g->scope);
  g_free (g);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Globals, globals_free)

static const char *
globals_add (Globals    *g,
             const char *wanted)
{
  const char *name = moped_name_scope_add (g->scope, wanted);

  g_hash_table_add (g->taken, (gpointer) name);
  return name;
}

static gboolean
word_in (const char         *ident,
         const char * const *words,
         gsize               n_words)
{
  const char *underscore = strchr (ident, '_');
  gsize len = underscore != NULL ? (gsize) (underscore - ident) : strlen (ident);

  for (gsize i = 0; i < n_words; i++)
    if (strlen (words[i]) == len && strncmp (words[i], ident, len) == 0)
      return TRUE;
  return FALSE;
}

/* A prefix for a node's or protocol's names, unique in @scope. */
static gboolean
whole_word_in (const char         *ident,
               const char * const *words,
               gsize               n_words)
{
  g_autofree char *bare = g_strdup (ident);
  gsize len = strlen (bare);

  while (len > 1 && bare[len - 1] == '_')
    bare[--len] = '\0';
  for (gsize i = 0; i < n_words; i++)
    if (g_str_equal (words[i], bare))
      return TRUE;
  return FALSE;
}

/* A prefix for a node's (@gives_types) or protocol's (@gives_constants) names, unique
 * in @scope. */
static char *
add_prefix (Globals        *scope,
            const char     *name,
            gboolean        gives_constants,
            gboolean        gives_types)
{
  g_autofree char *ident = moped_name_to_identifier (name);
  g_autofree char *prefixed = NULL;

  if (word_in (ident, foreign_words, G_N_ELEMENTS (foreign_words)) ||
      (gives_constants && word_in (ident, macro_words, G_N_ELEMENTS (macro_words))) ||
      (gives_types && whole_word_in (ident, type_words, G_N_ELEMENTS (type_words))))
    prefixed = g_strconcat ("my_", ident, NULL);
  else
    prefixed = g_strdup (ident);
  /* A reserved word comes back as "int_"; as a prefix "int" reads better and
   * "int_new" cannot be a keyword. */
  return g_strdup (globals_add (scope, prefixed));
}

static char *
strip_underscore (const char *ident)
{
  gsize len = strlen (ident);

  while (len > 1 && ident[len - 1] == '_')
    len--;
  return g_strndup (ident, len);
}

/* A global name "prefix_suffix" (or a type base), unique among all generated names. */
static char *
global_name (Globals    *scope,
             const char *prefix,
             const char *suffix)
{
  g_autofree char *base = strip_underscore (prefix);
  g_autofree char *wanted = g_strconcat (base, "_", suffix, NULL);

  return g_strdup (globals_add (scope, wanted));
}

static MopedNameScope *
scope_new (const char * const *words,
           gsize               n_words)
{
  MopedNameScope *scope = moped_name_scope_new ();

  for (gsize i = 0; i < n_words; i++)
    moped_name_scope_add (scope, words[i]);
  return scope;
}

static MopedNameScope *
local_scope_new (void)
{
  return scope_new (local_words, G_N_ELEMENTS (local_words));
}

const char *
_moped_c_name (MopedElement *element)
{
  const char *name = moped_element_get_name (element);

  return name != NULL && *name != '\0' ? name : moped_element_get_id (element);
}

gboolean
_moped_c_is_publisher (MopedCSocket *socket)
{
  return socket->info->publishes;
}

gboolean
_moped_c_is_subscriber (MopedCSocket *socket)
{
  return socket->info->subscription != MOPED_SUBSCRIPTION_NONE;
}

/* The wire's name for what @socket's type puts around a message (wire.h's
 * wire_envelope_t), from the socket-type table: the generated code passes it, so the
 * wire never has to guess a socket's type at run time. */
const char *
_moped_c_envelope (MopedCSocket *socket)
{
  if (socket->info->routing_id)
    return "WIRE_ENVELOPE_ROUTER";
  /* REQ and REP add and take off their own delimiter */
  if (socket->info->delimiter)
    return "WIRE_ENVELOPE_DELIMITED";
  if (socket->info->publishes)
    return "WIRE_ENVELOPE_PUBLISHER";
  if (_moped_c_is_subscriber (socket))
    return "WIRE_ENVELOPE_SUBSCRIBER";
  /* A type that passes its peers' delimiters through (DEALER to REP) */
  for (MopedSocketType peer = 0; peer < MOPED_N_SOCKET_TYPES; peer++)
    if (moped_socket_types_compatible (socket->type, peer) &&
        moped_socket_type_needs_delimiter (socket->type, peer))
      return "WIRE_ENVELOPE_DEALER";
  return "WIRE_ENVELOPE_PLAIN";
}

char *
_moped_c_test_routing_id (MopedCSocket *socket)
{
  return g_strdup_printf ("%s/%s", socket->node->ident, socket->ident);
}

/* ---- freeing ----------------------------------------------------------------------- */

static void
field_free (gpointer data)
{
  MopedCField *f = data;

  g_free (f->ident);
  g_free (f->size_ident);
  g_free (f);
}

static void
command_free (gpointer data)
{
  MopedCCommand *c = data;

  g_free (c->ident);
  g_free (c->constant);
  g_free (c->send_fn);
  g_free (c->get_fn);
  g_ptr_array_unref (c->fields);
  g_free (c);
}

static void
protocol_free (gpointer data)
{
  MopedCProtocol *p = data;

  g_free (p->ident);
  g_free (p->commands_var);
  g_free (p->decode_fn);
  g_free (p->decode_expecting_fn);
  g_free (p->recv_fn);
  g_free (p->name_fn);
  g_free (p->send_sample_fn);
  g_free (p->test_fn);
  g_ptr_array_unref (p->commands);
  g_free (p);
}

static void
handler_free (gpointer data)
{
  MopedCHandler *h = data;

  g_free (h->fn);
  g_ptr_array_unref (h->from_nodes);
  g_free (h);
}

static void
sender_free (gpointer data)
{
  MopedCSender *s = data;

  g_free (s->fn);
  g_ptr_array_unref (s->to_nodes);
  g_free (s);
}

static void
socket_free (gpointer data)
{
  MopedCSocket *s = data;

  g_free (s->ident);
  g_free (s->peer_member);
  g_free (s->default_peer);
  g_free (s->receive_fn);
  g_ptr_array_unref (s->links);
  g_ptr_array_unref (s->endpoints);
  g_ptr_array_unref (s->test_endpoints);
  g_ptr_array_unref (s->subscriptions);
  g_ptr_array_unref (s->subscribed);
  g_ptr_array_unref (s->handlers);
  g_ptr_array_unref (s->senders);
  g_ptr_array_unref (s->protocols);
  g_clear_pointer (&s->machines, g_ptr_array_unref);
  g_free (s->subscription_fn);
  g_free (s);
}

static void
param_free (gpointer data)
{
  MopedCParam *p = data;

  g_free (p->ident);
  g_free (p->size_ident);
  g_free (p);
}

static void
method_free (gpointer data)
{
  MopedCMethod *m = data;

  g_free (m->ident);
  g_free (m->fn);
  g_free (m->api_fn);
  g_free (m->call_type);
  g_free (m->answer_fn);
  g_ptr_array_unref (m->params);
  g_free (m);
}

static void
node_free (gpointer data)
{
  MopedCNode *n = data;

  g_free (n->ident);
  g_free (n->type);
  g_free (n->options_type);
  g_free (n->engine_type);
  g_free (n->state_type);
  g_free (n->engine_base);
  g_free (n->main_base);
  g_free (n->new_fn);
  g_free (n->destroy_fn);
  g_free (n->actor_fn);
  g_free (n->state_new_fn);
  g_free (n->state_destroy_fn);
  g_free (n->engine_name_fn);
  g_free (n->engine_defer_fn);
  g_free (n->state_start_fn);
  g_free (n->test_new_fn);
  g_free (n->state_stop_fn);
  g_free (n->timer_fn_type);
  g_free (n->timer_set_fn);
  g_free (n->timer_cancel_fn);
  g_ptr_array_unref (n->sockets);
  g_ptr_array_unref (n->methods);
  g_ptr_array_unref (n->handlers);
  g_ptr_array_unref (n->senders);
  g_ptr_array_unref (n->requirements);
  g_clear_pointer (&n->machines, g_ptr_array_unref);
  g_clear_pointer (&n->unkept, g_ptr_array_unref);
  g_free (n->protocol_state_fn);
  g_free (n->engine_state_fn);
  g_free (n);
}

static void
link_free (gpointer data)
{
  MopedCLink *l = data;

  g_free (l->endpoint);
  g_free (l->connect_endpoint);
  g_free (l->test_endpoint);
  g_free (l->bench);
  g_free (l->title);
  g_free (l);
}

static void
step_free (gpointer data)
{
  MopedCStep *s = data;

  g_free (s->peer_id);
  g_free (s->topic);
  g_free (s->skip_reason);
  g_ptr_array_unref (s->copies);
  g_ptr_array_unref (s->alternatives);
  g_free (s);
}

static void
flow_free (gpointer data)
{
  MopedCFlow *f = data;

  g_ptr_array_unref (f->steps);
  g_clear_pointer (&f->paths, g_ptr_array_unref);
  g_clear_pointer (&f->moves, g_array_unref);
  g_free (f);
}

static void
probe_free (gpointer data)
{
  MopedCProbe *p = data;

  g_free (p->topic);
  g_free (p);
}

static void
process_free (gpointer data)
{
  MopedCProcess *p = data;

  g_free (p->ident);
  g_free (p->main_base);
  g_ptr_array_unref (p->nodes);
  g_free (p);
}

/* Processes with nodes, each a program; named after the nodes, so that a process
 * named like one of its nodes gets the name with a suffix. */
static void
read_processes (MopedCModel *model,
                Globals     *globals)
{
  g_autoptr(GPtrArray) elements = moped_design_collect (model->design, MOPED_KIND_PROCESS);

  for (guint i = 0; i < elements->len; i++)
    {
      MopedElement *element = g_ptr_array_index (elements, i);
      MopedCProcess *p = g_new0 (MopedCProcess, 1);

      p->element = element;
      p->nodes = g_ptr_array_new ();
      for (guint j = 0; j < model->nodes->len; j++)
        {
          MopedCNode *n = g_ptr_array_index (model->nodes, j);

          if (moped_element_get_ref (n->element, MOPED_PROP_PROCESS) == element)
            {
              n->process = p;
              g_ptr_array_add (p->nodes, n);
            }
        }
      if (p->nodes->len == 0)
        {
          process_free (p);
          continue;
        }
      p->ident = add_prefix (globals, _moped_c_name (element), FALSE, FALSE);
      p->main_base = global_name (globals, p->ident, "main");
      g_ptr_array_add (model->processes, p);
    }
}

void
_moped_c_model_free (MopedCModel *model)
{
  if (model == NULL)
    return;
  /* Links, handlers and steps point into nodes and protocols: free them first. */
  g_ptr_array_unref (model->probes);
  g_ptr_array_unref (model->flows);
  g_ptr_array_unref (model->links);
  g_ptr_array_unref (model->processes);
  g_ptr_array_unref (model->nodes);
  g_ptr_array_unref (model->protocols);
  g_ptr_array_unref (model->requirements);
  g_ptr_array_unref (model->errors);
  g_ptr_array_unref (model->warnings);
  g_hash_table_unref (model->by_element);
  g_clear_object (&model->design);
  g_free (model->design_name);
  g_free (model->project);
  g_free (model->banner);
  g_free (model->user_banner);
  g_free (model);
}

/* ---- refusals ------------------------------------------------------------------------- */

static void
check_design (MopedCModel *model)
{
  g_autoptr(GPtrArray) sockets = moped_design_collect (model->design, MOPED_KIND_SOCKET);
  g_autoptr(GPtrArray) links = moped_design_collect (model->design, MOPED_KIND_LINK);

  _moped_export_design_errors (model->design, model->errors);

  for (guint i = 0; i < sockets->len; i++)
    {
      MopedElement *socket = g_ptr_array_index (sockets, i);
      MopedSocketType type = moped_element_get_enum (socket, MOPED_PROP_TYPE);
      const MopedSocketTypeInfo *info = moped_socket_type_get_info (type);
      const char *node = _moped_c_name (moped_element_get_parent (socket));

      if (info->draft)
        g_ptr_array_add (model->errors,
          g_strdup_printf ("Socket %s.%s is a %s socket, a draft type: the installed czmq 4.2 and "
                           "libzmq 4.3 are built without the draft API, so code using it cannot "
                           "compile here (use a stable type, such as DEALER/ROUTER for CLIENT/SERVER)",
                           node, _moped_c_name (socket), info->name));
      else if (info->raw)
        g_ptr_array_add (model->errors,
          g_strdup_printf ("Socket %s.%s is a STREAM socket: it talks raw TCP, not ZeroMQ messages, "
                           "so there are no commands for a codec to carry (write its code by hand)",
                           node, _moped_c_name (socket)));
    }

  /* A node's endpoints are a comma-separated list, as zsock_attach () takes them. */
  for (guint i = 0; i < links->len; i++)
    {
      const char *endpoint = moped_element_get_string (g_ptr_array_index (links, i), MOPED_PROP_ENDPOINT);

      if (endpoint != NULL && strchr (endpoint, ',') != NULL)
        g_ptr_array_add (model->errors,
          g_strdup_printf ("Link endpoint “%s” has a comma, which cannot be told apart from the "
                           "separator of a socket's list of endpoints in the exported code",
                           endpoint));
    }
}

/* ---- protocols -------------------------------------------------------------------------- */

static MopedCCommand *
command_new (MopedCProtocol *protocol,
             MopedElement   *element,
             guint           id,
             MopedNameScope *commands_scope,
             Globals        *globals)
{
  MopedCCommand *c = g_new0 (MopedCCommand, 1);
  g_autoptr(GPtrArray) fields = moped_element_get_children_of_kind (element, MOPED_KIND_FIELD);
  g_autofree char *constant = NULL;

  c->element = element;
  c->protocol = protocol;
  c->id = id;
  c->ident = g_strdup (moped_name_scope_add (commands_scope, _moped_c_name (element)));
  constant = global_name (globals, protocol->ident, c->ident);
  c->constant = g_ascii_strup (constant, -1);
  c->fields = g_ptr_array_new_with_free_func (field_free);
  c->topic = -1;
  for (guint i = 0; i < fields->len; i++)
    {
      MopedCField *f = g_new0 (MopedCField, 1);

      f->element = g_ptr_array_index (fields, i);
      f->type = moped_element_get_enum (f->element, MOPED_PROP_TYPE);
      if (f->element == moped_command_get_topic_field (element))
        c->topic = (int) i;
      g_ptr_array_add (c->fields, f);
    }
  return c;
}

/* A parameter name in @params that is no global name of the export: a field is a
 * parameter of functions that call generated and library functions. */
static char *
add_param (MopedNameScope *params,
           Globals        *globals,
           const char     *wanted)
{
  for (;;)
    {
      const char *name = moped_name_scope_add (params, wanted);

      if (!g_hash_table_contains (globals->taken, name))
        return g_strdup (name);
    }
}

/* An API method's parameters; "result" is the call's member for what it returns. */
static void
name_params (MopedCMethod *m,
             Globals      *globals)
{
  g_autoptr(GPtrArray) params = moped_element_get_children_of_kind (m->element, MOPED_KIND_PARAM);
  g_autoptr(MopedNameScope) scope = local_scope_new ();

  moped_name_scope_add (scope, "result");
  for (guint i = 0; i < params->len; i++)
    {
      MopedCParam *p = g_new0 (MopedCParam, 1);
      g_autofree char *ident = NULL;

      p->element = g_ptr_array_index (params, i);
      p->type = moped_element_get_enum (p->element, MOPED_PROP_TYPE);
      ident = moped_name_to_identifier (_moped_c_name (p->element));
      p->ident = add_param (scope, globals, ident);
      if (p->type == MOPED_API_BYTES)
        {
          g_autofree char *size = g_strconcat (p->ident, " size", NULL);

          p->size_ident = add_param (scope, globals, size);
        }
      g_ptr_array_add (m->params, p);
    }
}

/* Last, once every global name is known. */
static void
name_fields (MopedCModel *model,
             Globals     *globals)
{
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);

      for (guint j = 0; j < n->methods->len; j++)
        name_params (g_ptr_array_index (n->methods, j), globals);
    }

  for (guint i = 0; i < model->protocols->len; i++)
    {
      MopedCProtocol *p = g_ptr_array_index (model->protocols, i);

      for (guint j = 0; j < p->commands->len; j++)
        {
          MopedCCommand *c = g_ptr_array_index (p->commands, j);
          g_autoptr(MopedNameScope) params = local_scope_new ();

          for (guint k = 0; k < c->fields->len; k++)
            {
              MopedCField *f = g_ptr_array_index (c->fields, k);
              g_autofree char *ident = moped_name_to_identifier (_moped_c_name (f->element));
              g_autofree char *wanted = NULL;

              /* wire_, zmq_, zsock_...: the functions a codec calls */
              if (word_in (ident, foreign_words, G_N_ELEMENTS (foreign_words)))
                wanted = g_strconcat ("my_", ident, NULL);
              else
                wanted = g_strdup (ident);
              f->ident = add_param (params, globals, wanted);
              if (f->type == MOPED_FIELD_BYTES)
                {
                  g_autofree char *size = g_strconcat (f->ident, " size", NULL);

                  f->size_ident = add_param (params, globals, size);
                }
            }
        }
    }
}

static void
read_protocols (MopedCModel    *model,
                Globals        *globals,
                GPtrArray      *elements)
{
  for (guint i = 0; i < elements->len; i++)
    {
      MopedElement *element = g_ptr_array_index (elements, i);
      MopedCProtocol *p = g_new0 (MopedCProtocol, 1);

      p->element = element;
      p->ident = add_prefix (globals, _moped_c_name (element), TRUE, FALSE);
      p->commands = g_ptr_array_new_with_free_func (command_free);
      g_ptr_array_add (model->protocols, p);
      g_hash_table_insert (model->by_element, element, p);
    }
}

static void
name_protocols (MopedCModel    *model,
                Globals        *globals)
{
  for (guint i = 0; i < model->protocols->len; i++)
    {
      MopedCProtocol *p = g_ptr_array_index (model->protocols, i);
      g_autoptr(GPtrArray) commands = moped_element_get_children_of_kind (p->element, MOPED_KIND_COMMAND);
      g_autoptr(MopedNameScope) commands_scope = moped_name_scope_new ();

      p->commands_var = g_strdup ("s_commands");
      for (guint j = 0; j < commands->len; j++)
        {
          MopedCCommand *c = command_new (p, g_ptr_array_index (commands, j), j + 1,
                                          commands_scope, globals);

          g_ptr_array_add (p->commands, c);
          g_hash_table_insert (model->by_element, c->element, c);
        }
      for (guint j = 0; j < p->commands->len; j++)
        {
          MopedCCommand *c = g_ptr_array_index (p->commands, j);
          g_autofree char *send = g_strconcat ("send_", c->ident, NULL);
          g_autofree char *get = g_strconcat ("get_", c->ident, NULL);

          c->send_fn = global_name (globals, p->ident, send);
          c->get_fn = global_name (globals, p->ident, get);
        }
      p->decode_fn = global_name (globals, p->ident, "decode");
      p->decode_expecting_fn = global_name (globals, p->ident, "decode_expecting");
      p->recv_fn = global_name (globals, p->ident, "recv");
      p->name_fn = global_name (globals, p->ident, "command_name");
      p->send_sample_fn = global_name (globals, p->ident, "send_sample");
      p->test_fn = global_name (globals, p->ident, "test");
    }
}

/* ---- nodes and sockets ------------------------------------------------------------------ */

static GPtrArray *
split_subscriptions (const char *text)
{
  GPtrArray *prefixes = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = NULL;

  /* An empty list subscribes to everything; empty items of a list mean nothing. */
  if (text == NULL || *text == '\0')
    return prefixes;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (prefixes, g_strdup (parts[i]));
  return prefixes;
}

static void
read_nodes (MopedCModel    *model,
            Globals        *globals,
            GPtrArray      *elements)
{
  for (guint i = 0; i < elements->len; i++)
    {
      MopedElement *element = g_ptr_array_index (elements, i);
      MopedCNode *n = g_new0 (MopedCNode, 1);
      g_autoptr(GPtrArray) sockets = moped_element_get_children_of_kind (element, MOPED_KIND_SOCKET);
      g_autoptr(MopedNameScope) members = scope_new (member_words, G_N_ELEMENTS (member_words));

      n->element = element;
      n->ident = add_prefix (globals, _moped_c_name (element), FALSE, TRUE);
      n->sockets = g_ptr_array_new_with_free_func (socket_free);
      n->methods = g_ptr_array_new_with_free_func (method_free);
      n->handlers = g_ptr_array_new_with_free_func (handler_free);
      n->senders = g_ptr_array_new_with_free_func (sender_free);
      n->requirements = g_ptr_array_new ();
      for (guint j = 0; j < sockets->len; j++)
        {
          MopedCSocket *s = g_new0 (MopedCSocket, 1);
          g_autofree char *receive = NULL;

          s->element = g_ptr_array_index (sockets, j);
          s->node = n;
          s->index = j;
          s->ident = g_strdup (moped_name_scope_add (members, _moped_c_name (s->element)));
          receive = g_strconcat (s->ident, " peer", NULL);
          s->peer_member = g_strdup (moped_name_scope_add (members, receive));
          s->receive_fn = g_strconcat ("s_receive_", s->ident, NULL);
          s->type = moped_element_get_enum (s->element, MOPED_PROP_TYPE);
          s->info = moped_socket_type_get_info (s->type);
          s->bind = moped_element_get_enum (s->element, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND;
          s->links = g_ptr_array_new ();
          s->endpoints = g_ptr_array_new_with_free_func (g_free);
          s->test_endpoints = g_ptr_array_new_with_free_func (g_free);
          s->subscriptions = split_subscriptions (moped_element_get_string (s->element, MOPED_PROP_SUBSCRIBE));
          s->subscribed = g_ptr_array_new ();
          for (guint k = 0; k < s->subscriptions->len; k++)
            g_ptr_array_add (s->subscribed, g_ptr_array_index (s->subscriptions, k));
          if (s->subscribed->len == 0)
            g_ptr_array_add (s->subscribed, (gpointer) "");
          s->handlers = g_ptr_array_new ();
          s->senders = g_ptr_array_new ();
          s->protocols = g_ptr_array_new ();
          g_ptr_array_add (n->sockets, s);
          g_hash_table_insert (model->by_element, s->element, s);
        }
      g_ptr_array_add (model->nodes, n);
      g_hash_table_insert (model->by_element, element, n);
    }
}

static void
name_node (MopedCNode     *n,
           Globals        *globals)
{
  g_autoptr(GPtrArray) methods = moped_element_get_children_of_kind (n->element, MOPED_KIND_METHOD);
  g_autoptr(MopedNameScope) method_scope = moped_name_scope_new ();
  g_autofree char *options = global_name (globals, n->ident, "options");
  g_autofree char *engine = global_name (globals, n->ident, "engine");
  g_autofree char *state = global_name (globals, n->ident, "state");
  g_autofree char *prefix = strip_underscore (n->ident);

  n->type = g_strconcat (prefix, "_t", NULL);
  n->options_type = g_strconcat (options, "_t", NULL);
  n->engine_type = g_strconcat (engine, "_t", NULL);
  n->state_type = g_strconcat (state, "_t", NULL);
  n->engine_base = g_strdup (engine);
  n->main_base = global_name (globals, n->ident, "main");
  n->new_fn = global_name (globals, n->ident, "new");
  n->destroy_fn = global_name (globals, n->ident, "destroy");
  n->actor_fn = global_name (globals, n->ident, "actor");
  n->state_new_fn = global_name (globals, state, "new");
  n->state_destroy_fn = global_name (globals, state, "destroy");
  n->engine_name_fn = global_name (globals, engine, "name");
  n->engine_defer_fn = global_name (globals, engine, "defer");
  n->state_start_fn = global_name (globals, state, "start");
  n->test_new_fn = global_name (globals, n->ident, "test_new");
  n->state_stop_fn = global_name (globals, state, "stop");
  n->timer_fn_type = global_name (globals, n->ident, "timer_fn");
  n->timer_set_fn = global_name (globals, engine, "timer_set");
  n->timer_cancel_fn = global_name (globals, engine, "timer_cancel");
  n->protocol_state_fn = global_name (globals, n->ident, "protocol_state");
  n->engine_state_fn = global_name (globals, engine, "protocol_state");

  /* Pipe commands: "$TERM" and the self-test's "$..." cannot be identifiers. */
  for (guint i = 0; i < methods->len; i++)
    {
      MopedCMethod *m = g_new0 (MopedCMethod, 1);
      g_autofree char *api = NULL;

      m->element = g_ptr_array_index (methods, i);
      m->ident = g_strdup (moped_name_scope_add (method_scope, _moped_c_name (m->element)));
      m->fn = global_name (globals, n->ident, m->ident);
      api = g_strconcat ("api_", m->ident, NULL);
      m->api_fn = global_name (globals, n->ident, api);
      m->call_type = g_strdup_printf ("s_%s_call_t", m->ident);
      {
        g_autofree char *answer = g_strconcat ("answer_", m->ident, NULL);

        m->answer_fn = global_name (globals, engine, answer);
      }
      m->result = moped_element_get_enum (m->element, MOPED_PROP_RESULT);
      m->params = g_ptr_array_new_with_free_func (param_free);
      g_ptr_array_add (n->methods, m);
    }
}

/* ---- links ------------------------------------------------------------------------------- */

static void
add_unique (GPtrArray  *array,
            const char *text)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), text))
      return;
  g_ptr_array_add (array, g_strdup (text));
}

static char *
link_title (MopedCLink *l)
{
  return g_strdup_printf ("%s.%s -> %s.%s",
                          _moped_c_name (l->from->node->element), _moped_c_name (l->from->element),
                          _moped_c_name (l->to->node->element), _moped_c_name (l->to->element));
}

static void
read_links (MopedCModel *model,
            GPtrArray   *elements)
{
  /* The self-test's inproc names: one per endpoint a socket binds. */
  g_autoptr(GHashTable) test_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < elements->len; i++)
    {
      MopedElement *element = g_ptr_array_index (elements, i);
      MopedCSocket *from = g_hash_table_lookup (model->by_element,
                                                moped_element_get_ref (element, MOPED_PROP_FROM));
      MopedCSocket *to = g_hash_table_lookup (model->by_element,
                                              moped_element_get_ref (element, MOPED_PROP_TO));
      MopedCLink *l;
      gboolean from_binds, to_binds;
      g_autofree char *normal = NULL;
      g_autofree char *key = NULL;
      const char *test_name;

      if (from == NULL || to == NULL || from == to)
        continue;
      l = g_new0 (MopedCLink, 1);
      l->element = element;
      l->from = from;
      l->to = to;
      l->protocol = g_hash_table_lookup (model->by_element,
                                         moped_element_get_ref (element, MOPED_PROP_PROTOCOL));
      l->endpoint = g_strdup (moped_element_get_string (element, MOPED_PROP_ENDPOINT));
      l->title = link_title (l);
      from_binds = moped_link_end_binds (element, from->element);
      to_binds = moped_link_end_binds (element, to->element);
      /* Multicast links may have both sides bind or both connect; then the
       * publisher binds the self-test's inproc endpoint. */
      if (from_binds != to_binds)
        {
          l->binder = from_binds ? from : to;
          l->connecter = from_binds ? to : from;
          l->connect_endpoint = moped_endpoint_connect_form (l->endpoint);
        }
      else
        {
          l->binder = from->info->can_send ? from : to;
          l->connecter = l->binder == from ? to : from;
          l->connect_endpoint = g_strdup (l->endpoint);
        }

      normal = moped_endpoint_normalize (l->endpoint);
      key = g_strdup_printf ("%s\n%s", moped_element_get_id (l->binder->element), normal);
      test_name = g_hash_table_lookup (test_names, key);
      if (test_name == NULL)
        {
          guint n = l->binder->test_endpoints->len;
          char *name = n == 0
            ? g_strdup_printf ("inproc://%s.%s", l->binder->node->ident, l->binder->ident)
            : g_strdup_printf ("inproc://%s.%s-%u", l->binder->node->ident, l->binder->ident, n + 1);

          g_hash_table_insert (test_names, g_steal_pointer (&key), name);
          test_name = name;
        }
      l->test_endpoint = g_strdup (test_name);

      if (from_binds == to_binds)
        {
          g_autofree char *mine_from = g_strconcat (from_binds ? "@" : ">", l->endpoint, NULL);
          g_autofree char *mine_to = g_strconcat (to_binds ? "@" : ">", l->endpoint, NULL);

          add_unique (from->endpoints, mine_from);
          add_unique (to->endpoints, mine_to);
        }
      else
        {
          g_autofree char *bound = g_strconcat ("@", l->endpoint, NULL);
          g_autofree char *connected = g_strconcat (">", l->connect_endpoint, NULL);

          add_unique (l->binder->endpoints, bound);
          add_unique (l->connecter->endpoints, connected);
        }
      {
        g_autofree char *bound = g_strconcat ("@", l->test_endpoint, NULL);
        g_autofree char *connected = g_strconcat (">", l->test_endpoint, NULL);

        add_unique (l->binder->test_endpoints, bound);
        add_unique (l->connecter->test_endpoints, connected);
      }
      g_ptr_array_add (from->links, l);
      g_ptr_array_add (to->links, l);
      /* A socket without routing ids sends with its default envelope: it carries the
       * delimiter its peer's type expects (ROUTERs reply with the envelope received). */
      if (!from->info->routing_id && moped_socket_type_needs_delimiter (from->type, to->type))
        from->delimiter = TRUE;
      if (!to->info->routing_id && moped_socket_type_needs_delimiter (to->type, from->type))
        to->delimiter = TRUE;
      g_ptr_array_add (model->links, l);
      g_hash_table_insert (model->by_element, element, l);
    }
}

/* ---- who sends and receives what ----------------------------------------------------------- */

static void
add_node_unique (GPtrArray  *nodes,
                 MopedCNode *node)
{
  if (!g_ptr_array_find (nodes, node, NULL))
    g_ptr_array_add (nodes, node);
}

static void
add_route (MopedCSocket  *sender,
           MopedCSocket  *receiver,
           MopedCCommand *command)
{
  MopedCSender *s = NULL;
  MopedCHandler *h = NULL;

  for (guint i = 0; i < sender->senders->len && s == NULL; i++)
    if (((MopedCSender *) g_ptr_array_index (sender->senders, i))->command == command)
      s = g_ptr_array_index (sender->senders, i);
  if (s == NULL)
    {
      s = g_new0 (MopedCSender, 1);
      s->socket = sender;
      s->command = command;
      s->to_nodes = g_ptr_array_new ();
      g_ptr_array_add (sender->senders, s);
      g_ptr_array_add (sender->node->senders, s);
    }
  add_node_unique (s->to_nodes, receiver->node);

  for (guint i = 0; i < receiver->handlers->len && h == NULL; i++)
    if (((MopedCHandler *) g_ptr_array_index (receiver->handlers, i))->command == command)
      h = g_ptr_array_index (receiver->handlers, i);
  if (h == NULL)
    {
      h = g_new0 (MopedCHandler, 1);
      h->socket = receiver;
      h->command = command;
      h->from_nodes = g_ptr_array_new ();
      g_ptr_array_add (receiver->handlers, h);
      g_ptr_array_add (receiver->node->handlers, h);
    }
  add_node_unique (h->from_nodes, sender->node);
}

/* Where a command travels: along the steps of the flows that use it; a command no
 * flow uses travels over every link of its protocol where the socket types allow
 * and its sender (none: either side) is the sending node. */
static void
route_link_commands (MopedCLink *l,
                     GHashTable *in_flows)
{
  if (l->protocol == NULL)
    return;
  for (guint i = 0; i < l->protocol->commands->len; i++)
    {
      MopedCCommand *c = g_ptr_array_index (l->protocol->commands, i);
      MopedElement *sender = moped_element_get_ref (c->element, MOPED_PROP_SENDER);

      if (g_hash_table_contains (in_flows, c->element))
        continue;
      for (guint dir = 0; dir < 2; dir++)
        {
          MopedCSocket *s = dir ? l->to : l->from;
          MopedCSocket *r = dir ? l->from : l->to;

          if (!moped_socket_types_deliver (s->type, r->type))
            continue;
          if (sender != NULL && moped_link_get_role (l->element, dir ? MOPED_PROP_TO : MOPED_PROP_FROM) != sender)
            continue;
          add_route (s, r, c);
        }
    }
}

static MopedCLink *
link_of (MopedCModel  *model,
         MopedElement *element)
{
  for (guint i = 0; i < model->links->len; i++)
    {
      MopedCLink *l = g_ptr_array_index (model->links, i);

      if (l->element == element)
        return l;
    }
  return NULL;
}

/* Every hop a step's leg may take (moped-roles.h, moped_hop_collect: a side naming a
 * role stands for every node that plays it), as validation expands it. */
static GArray *
leg_hops (MopedCModel  *model,
          MopedElement *protocol,
          MopedElement *from,
          MopedElement *to,
          gboolean      layered)
{
  g_autoptr(GPtrArray) links = g_ptr_array_new ();

  if (from == NULL || to == NULL)
    return g_array_new (FALSE, FALSE, sizeof (MopedHop));
  for (guint i = 0; i < model->links->len; i++)
    g_ptr_array_add (links, ((MopedCLink *) g_ptr_array_index (model->links, i))->element);
  return moped_hop_collect (links, protocol, from, to, layered);
}

/* Whether @socket's node may stand for @party in this pass over a flow: a role is
 * bound to the node that played it first in the pass (@bound: role -> node). */
static gboolean
fits_binding (GHashTable   *bound,
              MopedElement *party,
              MopedElement *socket)
{
  MopedElement *node;

  if (bound == NULL || moped_element_get_kind (party) != MOPED_KIND_ROLE)
    return TRUE;
  node = g_hash_table_lookup (bound, party);
  return node == NULL || node == moped_element_get_parent (socket);
}

/* The link a step's leg travels on in pass @pass over its flow: among the hops that
 * keep to the roles bound so far (@bound, may be NULL), the @pass-th (so pass 0 takes
 * the best, as validation does, and later passes the other node kinds playing a role);
 * binds the roles of its sides. */
static MopedCLink *
resolve_step_in (MopedCModel   *model,
                 MopedElement  *protocol,
                 MopedElement  *from,
                 MopedElement  *to,
                 gboolean       layered,
                 GHashTable    *bound,
                 guint          pass,
                 MopedCSocket **sender,
                 MopedCSocket **receiver)
{
  g_autoptr(GArray) hops = leg_hops (model, protocol, from, to, layered);
  g_autoptr(GArray) fitting = g_array_new (FALSE, FALSE, sizeof (MopedHop));
  MopedHop hop;

  for (guint i = 0; i < hops->len; i++)
    {
      MopedHop *h = &g_array_index (hops, MopedHop, i);

      if (fits_binding (bound, from, h->sender) && fits_binding (bound, to, h->receiver))
        g_array_append_val (fitting, *h);
    }
  if (fitting->len == 0)
    return NULL;
  hop = g_array_index (fitting, MopedHop, pass % fitting->len);
  if (bound != NULL && moped_element_get_kind (from) == MOPED_KIND_ROLE)
    g_hash_table_insert (bound, from, moped_element_get_parent (hop.sender));
  if (bound != NULL && moped_element_get_kind (to) == MOPED_KIND_ROLE)
    g_hash_table_insert (bound, to, moped_element_get_parent (hop.receiver));
  *sender = g_hash_table_lookup (model->by_element, hop.sender);
  *receiver = g_hash_table_lookup (model->by_element, hop.receiver);
  return link_of (model, hop.link);
}

/* The link a step's leg travels on, chosen by the model's one rule (moped-roles.h,
 * moped_hop_pick), as validation chooses it. */
static MopedCLink *
resolve_step (MopedCModel   *model,
              MopedElement  *protocol,
              MopedElement  *from,
              MopedElement  *to,
              gboolean       layered,
              MopedCSocket **sender,
              MopedCSocket **receiver)
{
  return resolve_step_in (model, protocol, from, to, layered, NULL, 0, sender, receiver);
}

/* ---- naming handlers and send helpers ----------------------------------------------------- */

/* "hello", or "hello_world" when two protocols' commands share the name at this node,
 * or "request_hello_world" when one command goes through several sockets. */
static char *
route_suffix (MopedCCommand *command,
              MopedCSocket  *socket,
              guint          same_ident,
              guint          same_command)
{
  if (same_command > 1)
    return g_strdup_printf ("%s_%s_%s", socket->ident, command->protocol->ident, command->ident);
  if (same_ident > 1)
    return g_strdup_printf ("%s_%s", command->protocol->ident, command->ident);
  return g_strdup (command->ident);
}

static guint
count_routes (GPtrArray     *routes,
              gsize          command_offset,
              MopedCCommand *command,
              gboolean       by_ident)
{
  guint n = 0;

  for (guint i = 0; i < routes->len; i++)
    {
      MopedCCommand *other = G_STRUCT_MEMBER (MopedCCommand *, g_ptr_array_index (routes, i), command_offset);

      if (by_ident ? g_str_equal (other->ident, command->ident) : other == command)
        n++;
    }
  return n;
}

static void
name_routes (MopedCNode     *n,
             Globals        *globals)
{
  for (guint i = 0; i < n->handlers->len; i++)
    {
      MopedCHandler *h = g_ptr_array_index (n->handlers, i);
      guint ident = count_routes (n->handlers, G_STRUCT_OFFSET (MopedCHandler, command), h->command, TRUE);
      guint same = count_routes (n->handlers, G_STRUCT_OFFSET (MopedCHandler, command), h->command, FALSE);
      g_autofree char *suffix = route_suffix (h->command, h->socket, ident, same);
      g_autofree char *wanted = g_strconcat ("handle_", suffix, NULL);

      h->fn = global_name (globals, n->ident, wanted);
    }
  for (guint i = 0; i < n->senders->len; i++)
    {
      MopedCSender *s = g_ptr_array_index (n->senders, i);
      guint ident = count_routes (n->senders, G_STRUCT_OFFSET (MopedCSender, command), s->command, TRUE);
      guint same = count_routes (n->senders, G_STRUCT_OFFSET (MopedCSender, command), s->command, FALSE);
      g_autofree char *suffix = route_suffix (s->command, s->socket, ident, same);
      g_autofree char *wanted = g_strconcat ("send_", suffix, NULL);

      s->fn = global_name (globals, n->ident, wanted);
    }
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);
      g_autofree char *wanted = g_strdup_printf ("handle_%s_subscription", s->ident);

      if (s->hears_subscriptions)
        s->subscription_fn = global_name (globals, n->ident, wanted);
    }
}

static gint
compare_protocols (gconstpointer a,
                   gconstpointer b)
{
  const MopedCProtocol *pa = *(MopedCProtocol * const *) a;
  const MopedCProtocol *pb = *(MopedCProtocol * const *) b;

  return moped_element_get_index (pa->element) - moped_element_get_index (pb->element);
}

/* Which codecs a socket tries, in document order; a command name two of them share
 * goes to the first. */
static void
collect_socket_protocols (MopedCModel  *model,
                          MopedCSocket *s)
{
  for (guint i = 0; i < s->handlers->len; i++)
    {
      MopedCHandler *h = g_ptr_array_index (s->handlers, i);

      if (!g_ptr_array_find (s->protocols, h->command->protocol, NULL))
        g_ptr_array_add (s->protocols, h->command->protocol);
    }
  g_ptr_array_sort (s->protocols, compare_protocols);
  for (guint i = 0; i < s->handlers->len; i++)
    {
      MopedCHandler *h = g_ptr_array_index (s->handlers, i);
      const char *name = _moped_c_name (h->command->element);

      for (guint j = 0; j < s->protocols->len; j++)
        {
          MopedCProtocol *p = g_ptr_array_index (s->protocols, j);
          gboolean shadowed = FALSE;

          if (p == h->command->protocol)
            break;
          /* Framing that tells the two apart (headers, numbers): no message looks the same. */
          if (moped_framing_tell_apart (p->element, h->command->protocol->element, s->type))
            continue;
          for (guint k = 0; k < p->commands->len; k++)
            if (g_str_equal (_moped_c_name (((MopedCCommand *) g_ptr_array_index (p->commands, k))->element), name))
              shadowed = TRUE;
          if (shadowed)
            g_ptr_array_add (model->warnings,
              g_strdup_printf ("Socket %s.%s receives a command %s from protocols %s and %s: the "
                               "messages look the same, so the first protocol's decoder takes them",
                               _moped_c_name (s->node->element), _moped_c_name (s->element), name,
                               _moped_c_name (p->element), _moped_c_name (h->command->protocol->element)));
        }
    }
}

static MopedCSocket *peer_of (MopedCLink   *l,
                              MopedCSocket *s);

/* ---- the state machines the engines keep -------------------------------------------------- */

static void
machine_free (gpointer data)
{
  MopedCMachine *m = data;

  moped_machine_free (m->machine);
  g_free (m);
}

/* Every step under @parent, at any depth, in document order. */
static void
collect_steps (MopedElement *parent,
               GPtrArray    *out)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);

  for (guint i = 0; i < steps->len; i++)
    {
      g_ptr_array_add (out, g_ptr_array_index (steps, i));
      collect_steps (g_ptr_array_index (steps, i), out);
    }
}

static GPtrArray *
all_steps (MopedElement *parent)
{
  GPtrArray *out = g_ptr_array_new ();

  collect_steps (parent, out);
  return out;
}

static guint
node_instances (MopedCNode *n)
{
  return (guint) MAX (moped_element_get_int (n->element, MOPED_PROP_INSTANCES), 1);
}

/* How many peers the design connects to @s. */
static guint
peer_count (MopedCSocket *s)
{
  guint count = 0;

  for (guint i = 0; i < s->links->len; i++)
    count += node_instances (peer_of (g_ptr_array_index (s->links, i), s)->node);
  return count;
}

/* A routing socket (ROUTER) with exactly one designed peer, one instance of a node
 * whose socket sets its routing id, sends to that peer when no peer is given: its id,
 * NODE/SOCKET, is known before it connects (an instance started with -n NAME is
 * NAME/SOCKET, and a node of several instances has ids of its own per copy). */
static void
find_default_peer (MopedCSocket *s)
{
  MopedCSocket *peer;

  if (!s->info->routing_id || s->links->len != 1 || peer_count (s) != 1)
    return;
  peer = peer_of (g_ptr_array_index (s->links, 0), s);
  if (!peer->info->takes_routing_id)
    return;
  s->default_peer = _moped_c_test_routing_id (peer);
  s->default_peer_delimiter = moped_socket_type_needs_delimiter (s->type, peer->type);
}

static const char *
role_name (MopedElement *role)
{
  return role != NULL ? _moped_c_name (role) : "?";
}

/* The nodes on each side of @role's messages in @flow: more than one on a side and a
 * machine per node (or per peer) no longer follows the conversation. */
static char *
flow_sides_obstacle (MopedElement *flow,
                     MopedElement *role)
{
  g_autoptr(GPtrArray) steps = all_steps (flow);
  MopedElement *mine = NULL, *theirs = NULL;

  for (guint i = 0; i < steps->len; i++)
    {
      MopedElement *step = g_ptr_array_index (steps, i);

      if (moped_step_get_block (step) != MOPED_BLOCK_MESSAGE)
        continue;
      for (guint e = 0; e < 2; e++)
        {
          MopedProp end = e ? MOPED_PROP_TO : MOPED_PROP_FROM;
          MopedProp other = e ? MOPED_PROP_FROM : MOPED_PROP_TO;
          MopedElement *node, *peer;

          if (moped_step_get_role (step, end) != role)
            continue;
          node = moped_step_get_node (step, end);
          peer = moped_step_get_node (step, other);
          if ((mine != NULL && node != mine) || (theirs != NULL && peer != theirs))
            return g_strdup_printf ("flow %s has more than one node on a side of %s's messages",
                                    _moped_c_name (flow), role_name (role));
          mine = node;
          theirs = peer;
        }
    }
  return NULL;
}

/* Why the engine of @s's node cannot keep the state of @role in @p on @s, or NULL. */
static char *
machine_obstacle (MopedCSocket   *s,
                  MopedCProtocol *p,
                  MopedElement   *role,
                  MopedElement   *peer_role,
                  MopedMachine   *machine)
{
  g_autoptr(GPtrArray) flows = moped_element_get_children_of_kind (p->element, MOPED_KIND_FLOW);
  g_autoptr(GPtrArray) steps = all_steps (p->element);
  MopedCNode *n = s->node;
  gboolean receives = FALSE;

  if (peer_role == NULL || peer_role == role)
    return g_strdup_printf ("its peers on %s do not play one other role of it", s->ident);
  for (guint i = 0; i < machine->transitions->len; i++)
    {
      const MopedTransition *t = &g_array_index (machine->transitions, MopedTransition, i);

      if (t->peer != peer_role)
        return g_strdup_printf ("%s talks to other roles than %s", role_name (role), role_name (peer_role));
      receives |= !t->send;
    }
  for (guint i = 0; i < steps->len; i++)
    if (moped_element_get_ref (g_ptr_array_index (steps, i), MOPED_PROP_VIA) != NULL)
      return g_strdup ("its flows relay commands through other nodes");
  for (guint i = 0; i < flows->len; i++)
    {
      char *why = flow_sides_obstacle (g_ptr_array_index (flows, i), role);

      if (why != NULL)
        return why;
    }
  /* The whole conversation must pass through this one socket. */
  for (guint i = 0; i < n->handlers->len; i++)
    {
      MopedCHandler *h = g_ptr_array_index (n->handlers, i);

      if (h->command->protocol == p && h->socket != s)
        return g_strdup_printf ("it speaks it on sockets %s and %s", s->ident, h->socket->ident);
    }
  for (guint i = 0; i < n->senders->len; i++)
    {
      MopedCSender *h = g_ptr_array_index (n->senders, i);

      if (h->command->protocol == p && h->socket != s)
        return g_strdup_printf ("it speaks it on sockets %s and %s", s->ident, h->socket->ident);
    }
  for (guint i = 0; i < s->protocols->len; i++)
    {
      MopedCProtocol *o = g_ptr_array_index (s->protocols, i);

      if (o != p && !moped_framing_tell_apart (o->element, p->element, s->type))
        return g_strdup_printf ("on %s its messages may look like those of %s", s->ident,
                                _moped_c_name (o->element));
    }
  /* Sending to all its peers, each subscribing on its own: one state cannot follow
   * them. */
  if (moped_socket_type_get_outgoing (s->type) == MOPED_OUTGOING_FAN_OUT && peer_count (s) > 1)
    return g_strdup_printf ("%s sends each message to all of its %u peers", s->ident, peer_count (s));
  /* A peer that sends each message to all its peers delivers here what a flow sends
   * to another of them, even to a role that receives nothing. */
  for (guint i = 0; i < s->links->len; i++)
    {
      MopedCSocket *o = peer_of (g_ptr_array_index (s->links, i), s);

      if (moped_socket_type_get_outgoing (o->type) == MOPED_OUTGOING_FAN_OUT && peer_count (o) > 1)
        return g_strdup_printf ("%s.%s sends each message to all of its %u peers", o->node->ident,
                                o->ident, peer_count (o));
    }
  if (!receives)
    return NULL;
  /* What it receives must be the whole of each peer's side. */
  if (!s->info->routing_id && peer_count (s) > 1)
    return g_strdup_printf ("%s cannot tell its %u peers apart", s->ident, peer_count (s));
  if (_moped_c_is_subscriber (s) && s->subscriptions->len > 0)
    return g_strdup_printf ("%s subscribes to some topics only", s->ident);
  for (guint i = 0; i < s->links->len; i++)
    {
      MopedCSocket *o = peer_of (g_ptr_array_index (s->links, i), s);

      if (moped_socket_type_get_outgoing (o->type) == MOPED_OUTGOING_ROUND_ROBIN && peer_count (o) > 1)
        return g_strdup_printf ("%s.%s hands each message to one of its %u peers", o->node->ident,
                                o->ident, peer_count (o));
    }
  return NULL;
}

/* The role @s's node plays in @p on @s (NULL unless one), and the one role its peers
 * there play (NULL unless one). */
static MopedElement *
socket_roles (MopedCSocket   *s,
              MopedCProtocol *p,
              MopedElement  **peer_role)
{
  MopedElement *role = NULL;
  gboolean several = FALSE, peers_several = FALSE;

  *peer_role = NULL;
  for (guint i = 0; i < s->links->len; i++)
    {
      MopedCLink *l = g_ptr_array_index (s->links, i);
      MopedProp mine = l->from == s ? MOPED_PROP_FROM : MOPED_PROP_TO;
      MopedProp theirs = l->from == s ? MOPED_PROP_TO : MOPED_PROP_FROM;
      MopedElement *r, *q;

      if (l->protocol != p)
        continue;
      r = moped_link_get_role (l->element, mine);
      q = moped_link_get_role (l->element, theirs);
      several |= r == NULL || (role != NULL && r != role);
      peers_several |= q == NULL || (*peer_role != NULL && q != *peer_role);
      role = r;
      *peer_role = q;
    }
  if (peers_several)
    *peer_role = NULL;
  return several ? NULL : role;
}

/* Each role a node plays, on the one socket that carries its protocol: the engine
 * keeps its state machine there, or the node's header says why it cannot. */
static void
read_machines (MopedCNode *n)
{
  n->machines = g_ptr_array_new ();
  n->unkept = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n->sockets->len; i++)
    {
      MopedCSocket *s = g_ptr_array_index (n->sockets, i);

      s->machines = g_ptr_array_new_with_free_func (machine_free);
      for (guint j = 0; j < s->links->len; j++)
        {
          MopedCLink *l = g_ptr_array_index (s->links, j);
          MopedCProtocol *p = l->protocol;
          MopedElement *role, *peer_role = NULL;
          MopedMachine *machine;
          gboolean known = FALSE;
          char *why;

          for (guint k = 0; k < s->machines->len && p != NULL; k++)
            known |= ((MopedCMachine *) g_ptr_array_index (s->machines, k))->protocol == p;
          for (guint k = 0; k < j && p != NULL; k++)
            known |= ((MopedCLink *) g_ptr_array_index (s->links, k))->protocol == p;
          if (p == NULL || known)
            continue;
          role = socket_roles (s, p, &peer_role);
          if (role == NULL)
            {
              g_ptr_array_add (n->unkept, g_strdup_printf ("%s on %s: it plays no one role of it there",
                                                           _moped_c_name (p->element), s->ident));
              continue;
            }
          machine = moped_machine_new (p->element, NULL, role);
          if (machine->transitions->len == 0)
            {
              moped_machine_free (machine);
              continue;
            }
          why = machine_obstacle (s, p, role, peer_role, machine);
          if (why != NULL)
            {
              g_ptr_array_add (n->unkept, g_strdup_printf ("%s (%s) on %s: %s", _moped_c_name (p->element),
                                                           role_name (role), s->ident, why));
              g_free (why);
              moped_machine_free (machine);
              continue;
            }
          {
            MopedCMachine *m = g_new0 (MopedCMachine, 1);

            m->socket = s;
            m->protocol = p;
            m->role = role;
            m->peer_role = peer_role;
            m->machine = machine;
            m->per_peer = s->info->routing_id;
            m->index = n->machines->len;
            g_ptr_array_add (s->machines, m);
            g_ptr_array_add (n->machines, m);
          }
        }
    }
}

/* The machine @n keeps for @command's protocol on @s, or NULL. */
MopedCMachine *
_moped_c_machine_of (MopedCSocket  *s,
                     MopedCCommand *command)
{
  for (guint i = 0; s->machines != NULL && i < s->machines->len; i++)
    {
      MopedCMachine *m = g_ptr_array_index (s->machines, i);

      if (m->protocol == command->protocol)
        return m;
    }
  return NULL;
}

/* ---- the self-test's steps --------------------------------------------------------------- */

/* Whether @subscriber gets a message whose first frame is @topic at this point of the
 * flows: the subscription steps played before count as well as its designed
 * subscriptions. */
static gboolean
matches_subscription (MopedCSocket *subscriber,
                      const char   *topic)
{
  for (guint i = 0; i < subscriber->subscribed->len; i++)
    if (g_str_has_prefix (topic, g_ptr_array_index (subscriber->subscribed, i)))
      return TRUE;
  return FALSE;
}

/* A subscription step the self-test plays: @subscriber subscribes to @topic, or
 * cancels one subscription to it (libzmq counts them: a prefix subscribed twice needs
 * two unsubscriptions). */
static void
play_subscription (MopedCSocket *subscriber,
                   const char   *topic,
                   gboolean      subscribe)
{
  guint index;

  if (subscribe)
    g_ptr_array_add (subscriber->subscribed, (gpointer) topic);
  else if (g_ptr_array_find_with_equal_func (subscriber->subscribed, topic, g_str_equal, &index))
    g_ptr_array_remove_index (subscriber->subscribed, index);
}

/* The topic a PUB step uses so that the receiver's subscriptions let it through. */
static void
choose_topic (MopedCStep *step)
{
  MopedCCommand *c = step->command;
  MopedCSocket *r = step->receiver;
  g_autoptr(MopedFraming) framing = moped_framing_new (c->protocol->element);

  /* Without a topic frame (or packed, the topic inside zproto's pubsub frame) the
   * subscriptions match the message's first bytes, which no sample value chooses. */
  if (framing->topic == MOPED_TOPIC_NONE || framing->encoding == MOPED_ENCODING_PACKED)
    {
      if (!matches_subscription (r, ""))
        step->skip_reason = g_strdup_printf ("protocol %s sends no topic frame, and %s.%s subscribes to "
                                             "prefixes of the first frame, which the self-test does "
                                             "not choose", _moped_c_name (c->protocol->element),
                                             _moped_c_name (r->node->element), _moped_c_name (r->element));
      return;
    }
  /* A message the receiver's subscriptions drop is still sent, as the design's
   * program sends it: its state machine counts it. */
  if (c->topic < 0)
    {
      step->filtered = !matches_subscription (r, _moped_c_name (c->element));
      return;
    }
  for (guint i = 0; i < r->subscribed->len; i++)
    {
      const char *prefix = g_ptr_array_index (r->subscribed, i);
      MopedCField *f = g_ptr_array_index (c->fields, c->topic);

      if (f->type == MOPED_FIELD_STRING && strlen (prefix) > 255)
        continue;
      /* Subscribed to everything: the sample value will do. */
      if (*prefix != '\0')
        step->topic = g_strdup (prefix);
      return;
    }
  /* No prefix a string field can carry (or none left): the sample goes. */
  step->filtered = !matches_subscription (r, MOPED_C_SAMPLE_STRING);
}

static MopedCSocket *
peer_of (MopedCLink   *l,
         MopedCSocket *s)
{
  return l->from == s ? l->to : l->from;
}

static void
find_copies (MopedCStep *step)
{
  const char *topic = step->topic != NULL ? step->topic
                      : step->command->topic >= 0 ? MOPED_C_SAMPLE_STRING
                      : _moped_c_name (step->command->element);

  for (guint i = 0; i < step->sender->links->len; i++)
    {
      MopedCSocket *other = peer_of (g_ptr_array_index (step->sender->links, i), step->sender);

      if (other == step->receiver || !_moped_c_is_subscriber (other) ||
          g_ptr_array_find (step->copies, other, NULL))
        continue;
      if (matches_subscription (other, topic))
        g_ptr_array_add (step->copies, other);
    }
}

/* Adds @warning (taken) unless said already: a flow played in several passes meets a
 * step more than once. */
static void
warn_once (MopedCModel *model,
           char        *warning)
{
  if (g_ptr_array_find_with_equal_func (model->warnings, warning, g_str_equal, NULL))
    g_free (warning);
  else
    g_ptr_array_add (model->warnings, warning);
}

static void
find_alternatives (MopedCModel *model,
                   MopedCStep  *step)
{
  if (moped_socket_type_get_outgoing (step->sender->type) != MOPED_OUTGOING_ROUND_ROBIN)
    return;
  for (guint i = 0; i < step->sender->links->len; i++)
    {
      MopedCSocket *other = peer_of (g_ptr_array_index (step->sender->links, i), step->sender);

      if (other->info->can_receive && !g_ptr_array_find (step->alternatives, other, NULL))
        g_ptr_array_add (step->alternatives, other);
    }
  if (step->alternatives->len > 1)
    warn_once (model,
      g_strdup_printf ("%s.%s is a %s socket with %u peers, so it hands each message to any one of "
                       "them: the self-test accepts step %u of flow %s at any of them",
                       _moped_c_name (step->sender->node->element), _moped_c_name (step->sender->element),
                       step->sender->info->name, step->alternatives->len, step->position,
                       _moped_c_name (moped_element_get_parent (step->step))));
  else
    g_ptr_array_set_size (step->alternatives, 0);
}

static MopedCStep *
step_new (MopedCModel  *model,
          MopedElement *element,
          guint         position,
          MopedCLink   *link,
          MopedCSocket *sender,
          MopedCSocket *receiver)
{
  MopedCStep *s = g_new0 (MopedCStep, 1);

  s->step = element;
  s->position = position;
  s->command = g_hash_table_lookup (model->by_element, moped_element_get_ref (element, MOPED_PROP_COMMAND));
  s->link = link;
  s->sender = sender;
  s->receiver = receiver;
  s->repeat = moped_element_get_bool (element, MOPED_PROP_REPEAT);
  s->optional = moped_element_get_bool (element, MOPED_PROP_OPTIONAL);
  s->copies = g_ptr_array_new ();
  s->alternatives = g_ptr_array_new ();
  if (sender->info->routing_id)
    s->peer_id = _moped_c_test_routing_id (receiver);
  s->delimiter = moped_socket_type_needs_delimiter (sender->type, receiver->type);
  if (_moped_c_is_publisher (sender))
    {
      choose_topic (s);
      find_copies (s);
    }
  find_alternatives (model, s);
  if (s->skip_reason != NULL)
    warn_once (model,
      g_strdup_printf ("Flow %s, step %u: the self-test skips it: %s",
                       _moped_c_name (moped_element_get_parent (element)), position, s->skip_reason));
  return s;
}

/* A subscription step: the subscriber subscribes (the self-test has it do so), and the
 * XPUB at the other end receives it. Relayed (via a proxy), the proxy's engine passes
 * it on from its XPUB through its XSUB by itself, so the self-test waits for it at the
 * far XPUB only. */
static void
read_subscription_step (MopedCModel  *model,
                        MopedCFlow   *f,
                        MopedElement *protocol,
                        MopedElement *step,
                        guint         position)
{
  MopedElement *via = moped_element_get_ref (step, MOPED_PROP_VIA);
  MopedElement *from = moped_element_get_ref (step, MOPED_PROP_FROM);
  MopedElement *to = moped_element_get_ref (step, MOPED_PROP_TO);
  MopedCSocket *sender = NULL, *receiver = NULL, *relay_in = NULL, *relay_out = NULL;
  MopedCLink *link;
  MopedCStep *s;
  const char *topic = moped_element_get_string (step, MOPED_PROP_TOPIC);

  if (via != NULL)
    {
      if (resolve_step (model, protocol, from, via, TRUE, &sender, &relay_in) == NULL ||
          (link = resolve_step (model, protocol, via, to, TRUE, &relay_out, &receiver)) == NULL)
        return;
      /* Validation reports the legs a subscription cannot travel. */
      if (!moped_socket_types_carry_subscription (sender->type, relay_in->type) ||
          !moped_socket_types_carry_subscription (relay_out->type, receiver->type))
        return;
      relay_in->forward_subscriptions = relay_out;
      relay_in->hears_subscriptions = TRUE;
    }
  else
    {
      link = resolve_step (model, protocol, from, to, FALSE, &sender, &receiver);
      if (link == NULL || !moped_socket_types_carry_subscription (sender->type, receiver->type))
        return;
    }
  s = g_new0 (MopedCStep, 1);
  s->step = step;
  s->position = position;
  s->link = link;
  s->sender = sender;
  s->receiver = receiver;
  s->repeat = moped_element_get_bool (step, MOPED_PROP_REPEAT);
  s->optional = moped_element_get_bool (step, MOPED_PROP_OPTIONAL);
  s->copies = g_ptr_array_new ();
  s->alternatives = g_ptr_array_new ();
  s->topic = g_strdup (topic != NULL ? topic : "");
  s->subscription = moped_step_get_block (step) == MOPED_BLOCK_SUBSCRIBE ? 1 : -1;
  /* What the publishers' later steps reach: the subscriber, and a relay's XSUB that
   * passes the subscription on. */
  play_subscription (sender, s->topic, s->subscription > 0);
  if (relay_out != NULL)
    play_subscription (relay_out, s->topic, s->subscription > 0);
  receiver->hears_subscriptions = receiver->info->receives_subscriptions;
  g_ptr_array_add (f->steps, s);
}

/* The self-test plays at most this many paths of a flow. */
#define MAX_PATHS 16

/* One path through the flow's blocks into @out: each loop once, each optional part
 * taken, and at each choice the first branch not in @covered yet (else the first);
 * @news says whether it took a branch no earlier path took. */
static void
walk_path (MopedElement *parent,
           GHashTable   *covered,
           GPtrArray    *out,
           gboolean     *news)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);

  for (guint i = 0; i < steps->len; i++)
    {
      MopedElement *step = g_ptr_array_index (steps, i);

      if (moped_step_is_leaf (step))
        g_ptr_array_add (out, step);
      else if (moped_step_get_block (step) == MOPED_BLOCK_CHOICE)
        {
          g_autoptr(GPtrArray) branches = moped_element_get_children_of_kind (step, MOPED_KIND_STEP);
          MopedElement *branch = NULL;

          for (guint k = 0; k < branches->len && branch == NULL; k++)
            if (!g_hash_table_contains (covered, g_ptr_array_index (branches, k)))
              branch = g_ptr_array_index (branches, k);
          if (branch != NULL)
            {
              g_hash_table_add (covered, branch);
              *news = TRUE;
            }
          else if (branches->len > 0)
            branch = g_ptr_array_index (branches, 0);
          if (branch != NULL && moped_step_is_leaf (branch))
            g_ptr_array_add (out, branch);
          else if (branch != NULL)
            walk_path (branch, covered, out, news);
        }
      else
        walk_path (step, covered, out, news);
    }
}

/* The paths the self-test plays through a flow: one per branch of each choice (a path
 * may take several new ones), at most MAX_PATHS; as element lists. */
static GPtrArray *
flow_paths (MopedElement *flow)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) covered = g_hash_table_new (NULL, NULL);

  while (paths->len < MAX_PATHS)
    {
      GPtrArray *path = g_ptr_array_new ();
      gboolean news = FALSE;

      walk_path (flow, covered, path, &news);
      if (paths->len > 0 && !news)
        {
          g_ptr_array_unref (path);
          break;
        }
      g_ptr_array_add (paths, path);
    }
  return paths;
}

/* Every message step travels, over every hop it may take: the steps the self-test does
 * not play (the other branches of choices) and the node kinds it does not pick for a
 * role still get their send functions and handlers. */
static void
route_all_steps (MopedCModel    *model,
                 MopedCProtocol *p,
                 MopedElement   *flow)
{
  g_autoptr(GPtrArray) steps = all_steps (flow);

  for (guint k = 0; k < steps->len; k++)
    {
      MopedElement *step = g_ptr_array_index (steps, k);
      MopedCCommand *command = g_hash_table_lookup (model->by_element,
                                                    moped_element_get_ref (step, MOPED_PROP_COMMAND));
      MopedElement *via = moped_element_get_ref (step, MOPED_PROP_VIA);
      MopedElement *legs[3] = { moped_element_get_ref (step, MOPED_PROP_FROM), via,
                                moped_element_get_ref (step, MOPED_PROP_TO) };

      if (moped_step_get_block (step) != MOPED_BLOCK_MESSAGE || command == NULL)
        continue;
      for (guint leg = via ? 0 : 1; leg < 2; leg++)
        {
          MopedElement *from = leg == 0 || via == NULL ? legs[0] : via;
          MopedElement *to = leg == 0 ? via : legs[2];
          g_autoptr(GArray) hops = leg_hops (model, p->element, from, to, via != NULL);

          for (guint h = 0; h < hops->len; h++)
            {
              MopedHop *hop = &g_array_index (hops, MopedHop, h);
              MopedCSocket *sender = g_hash_table_lookup (model->by_element, hop->sender);
              MopedCSocket *receiver = g_hash_table_lookup (model->by_element, hop->receiver);

              if (sender != NULL && receiver != NULL &&
                  moped_socket_types_deliver (sender->type, receiver->type))
                add_route (sender, receiver, command);
            }
        }
    }
}

/* How many passes the self-test makes over a flow: one, or one per node kind where its
 * steps name a role several kinds play (each pass binds the role to another). */
static guint
flow_passes (GPtrArray *steps)
{
  guint passes = 1;

  /* A subscription made again is not heard again (XPUB passes on only the first). */
  for (guint k = 0; k < steps->len; k++)
    if (moped_step_is_subscription (g_ptr_array_index (steps, k)))
      return 1;
  for (guint k = 0; k < steps->len; k++)
    for (guint e = 0; e < 3; e++)
      {
        MopedProp end = e == 0 ? MOPED_PROP_FROM : e == 1 ? MOPED_PROP_TO : MOPED_PROP_VIA;
        MopedElement *party = moped_element_get_ref (g_ptr_array_index (steps, k), end);

        if (party != NULL && moped_element_get_kind (party) == MOPED_KIND_ROLE)
          {
            g_autoptr(GPtrArray) nodes = moped_role_get_nodes (party);

            passes = MAX (passes, nodes->len);
          }
      }
  return passes;
}

/* One step of pass @pass over a flow (see resolve_step_in): the messages the self-test
 * plays for it. */
static void
read_flow_step (MopedCModel  *model,
                MopedCFlow   *f,
                MopedElement *step,
                guint         position,
                GHashTable   *bound,
                guint         pass)
{
  MopedCCommand *command = g_hash_table_lookup (model->by_element,
                                                moped_element_get_ref (step, MOPED_PROP_COMMAND));
  MopedElement *via = moped_element_get_ref (step, MOPED_PROP_VIA);
  MopedElement *legs[3] = { moped_element_get_ref (step, MOPED_PROP_FROM), via,
                            moped_element_get_ref (step, MOPED_PROP_TO) };

  if (moped_step_is_subscription (step))
    {
      read_subscription_step (model, f, f->protocol->element, step, position);
      return;
    }

  /* A relayed step is two legs: to the relay, and from it (riding inside whatever
   * protocol those links carry). */
  for (guint leg = via ? 0 : 1; leg < 2; leg++)
    {
      MopedElement *from = leg == 0 || via == NULL ? legs[0] : via;
      MopedElement *to = leg == 0 ? via : legs[2];
      MopedCSocket *sender = NULL, *receiver = NULL;
      MopedCLink *link;
      MopedCStep *played;

      if (from == NULL || to == NULL)
        continue;
      link = resolve_step_in (model, f->protocol->element, from, to, via != NULL, bound, pass,
                              &sender, &receiver);
      /* Validation reports these as errors; nothing to play then. */
      if (link == NULL || command == NULL || sender == NULL || receiver == NULL ||
          !moped_socket_types_deliver (sender->type, receiver->type))
        continue;
      add_route (sender, receiver, command);
      played = step_new (model, step, position, link, sender, receiver);
      /* A publisher's message reaches its other subscribers too: they handle it as well. */
      for (guint c = 0; c < played->copies->len; c++)
        add_route (sender, g_ptr_array_index (played->copies, c), command);
      g_ptr_array_add (f->steps, played);
    }
}

static void
add_flow_move (MopedCFlow *f,
               guint       from,
               guint       to,
               int         step)
{
  MopedCMove move = { from, to, step };

  g_array_append_val (f->moves, move);
}

/* The state of the flow tests' automaton for @state of the flow's graph (@n states)
 * in pass @pass of @passes: the passes one after the other, state 0 starting the
 * first and state 1 ending the last. */
static guint
pass_state (guint state,
            guint n,
            guint pass,
            guint passes)
{
  if (state == 0 && pass == 0)
    return 0;
  if (state == 1 && pass + 1 == passes)
    return 1;
  return 2 + pass * n + state;
}

/* The flow's automaton over its MopedCSteps, pass after pass: a step with two legs is
 * two moves through a state between them; a step with nothing to play, or one the
 * self-test skips, is no move at all. @first[pass]: element -> (index of its first
 * MopedCStep + 1, count in @count[pass]). */
static void
read_flow_moves (MopedCFlow *f,
                 GPtrArray  *first,
                 GPtrArray  *count)
{
  g_autoptr(MopedFlowGraph) graph = moped_flow_graph_new_full (f->element, TRUE);
  guint passes = first->len;
  guint n = graph->n_states;

  f->n_states = 2 + passes * n;
  f->moves = g_array_new (FALSE, FALSE, sizeof (MopedCMove));
  for (guint pass = 0; pass < passes; pass++)
    {
      if (pass > 0)
        add_flow_move (f, pass_state (1, n, pass - 1, passes), pass_state (0, n, pass, passes), -1);
      for (guint i = 0; i < graph->moves->len; i++)
        {
          const MopedMove *m = &g_array_index (graph->moves, MopedMove, i);
          guint at = GPOINTER_TO_UINT (g_hash_table_lookup (g_ptr_array_index (first, pass), m->step));
          guint legs = GPOINTER_TO_UINT (g_hash_table_lookup (g_ptr_array_index (count, pass), m->step));
          guint from = pass_state (m->from, n, pass, passes);
          guint to = pass_state (m->to, n, pass, passes);

          if (m->step == NULL || at == 0 ||
              ((MopedCStep *) g_ptr_array_index (f->steps, at - 1))->skip_reason != NULL)
            {
              add_flow_move (f, from, to, -1);
              continue;
            }
          for (guint leg = 0; leg < legs; leg++)
            {
              guint next = leg + 1 == legs ? to : f->n_states++;

              add_flow_move (f, from, next, (int) (at - 1 + leg));
              from = next;
            }
        }
    }
}

static void
read_flows (MopedCModel *model)
{
  for (guint i = 0; i < model->protocols->len; i++)
    {
      MopedCProtocol *p = g_ptr_array_index (model->protocols, i);
      g_autoptr(GPtrArray) flows = moped_element_get_children_of_kind (p->element, MOPED_KIND_FLOW);

      for (guint j = 0; j < flows->len; j++)
        {
          MopedCFlow *f = g_new0 (MopedCFlow, 1);
          g_autoptr(GPtrArray) steps = NULL;
          g_autoptr(GPtrArray) leaves = g_ptr_array_new ();
          g_autoptr(GPtrArray) paths = NULL;
          g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
          g_autoptr(GPtrArray) count = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
          guint passes;

          f->element = g_ptr_array_index (flows, j);
          f->protocol = p;
          f->steps = g_ptr_array_new_with_free_func (step_free);
          f->paths = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
          steps = all_steps (f->element);
          /* Every message and subscription step, every branch, in document order. */
          for (guint k = 0; k < steps->len; k++)
            if (moped_step_is_leaf (g_ptr_array_index (steps, k)))
              g_ptr_array_add (leaves, g_ptr_array_index (steps, k));
          passes = flow_passes (leaves);
          for (guint pass = 0; pass < passes; pass++)
            {
              g_autoptr(GHashTable) bound = g_hash_table_new (NULL, NULL);
              GHashTable *firsts = g_hash_table_new (NULL, NULL);
              GHashTable *counts = g_hash_table_new (NULL, NULL);

              g_ptr_array_add (first, firsts);
              g_ptr_array_add (count, counts);
              for (guint k = 0; k < leaves->len; k++)
                {
                  guint before = f->steps->len;

                  read_flow_step (model, f, g_ptr_array_index (leaves, k), k + 1, bound, pass);
                  if (f->steps->len > before)
                    {
                      g_hash_table_insert (firsts, g_ptr_array_index (leaves, k), GUINT_TO_POINTER (before + 1));
                      g_hash_table_insert (counts, g_ptr_array_index (leaves, k),
                                           GUINT_TO_POINTER (f->steps->len - before));
                    }
                }
            }
          /* The self-test's paths: each path of the flow in each pass. */
          paths = flow_paths (f->element);
          for (guint pass = 0; pass < passes; pass++)
            for (guint k = 0; k < paths->len; k++)
              {
                GPtrArray *path = g_ptr_array_index (paths, k);
                GArray *indexes = g_array_new (FALSE, FALSE, sizeof (guint));

                for (guint e = 0; e < path->len; e++)
                  {
                    gpointer leaf = g_ptr_array_index (path, e);
                    guint at = GPOINTER_TO_UINT (g_hash_table_lookup (g_ptr_array_index (first, pass), leaf));
                    guint legs = GPOINTER_TO_UINT (g_hash_table_lookup (g_ptr_array_index (count, pass), leaf));

                    for (guint leg = 0; at > 0 && leg < legs; leg++)
                      {
                        guint index = at - 1 + leg;

                        g_array_append_val (indexes, index);
                      }
                  }
                g_ptr_array_add (f->paths, indexes);
              }
          read_flow_moves (f, first, count);
          route_all_steps (model, p, f->element);
          g_ptr_array_add (model->flows, f);
        }
    }
}

static void
read_probes (MopedCModel *model)
{
  for (guint i = 0; i < model->links->len; i++)
    {
      MopedCLink *l = g_ptr_array_index (model->links, i);
      MopedCSocket *publisher = _moped_c_is_publisher (l->from) ? l->from : l->to;
      MopedCSocket *subscriber = peer_of (l, publisher);
      gboolean known = FALSE;
      MopedCProbe *probe;

      if (!_moped_c_is_publisher (publisher) || !_moped_c_is_subscriber (subscriber))
        continue;
      for (guint j = 0; j < model->probes->len; j++)
        {
          MopedCProbe *other = g_ptr_array_index (model->probes, j);

          known |= other->publisher == publisher && other->subscriber == subscriber;
        }
      if (known)
        continue;
      probe = g_new0 (MopedCProbe, 1);
      probe->publisher = publisher;
      probe->subscriber = subscriber;
      /* Subscriptions travel in order: once the last is in, all are. */
      if (subscriber->subscriptions->len > 0)
        probe->topic = g_strdup (g_ptr_array_index (subscriber->subscriptions,
                                                    subscriber->subscriptions->len - 1));
      g_ptr_array_add (model->probes, probe);
    }
}

static void
read_requirements (MopedCModel *model)
{
  g_autoptr(GPtrArray) requirements = moped_design_collect (model->design, MOPED_KIND_REQUIREMENT);

  for (guint i = 0; i < requirements->len; i++)
    {
      MopedElement *r = g_ptr_array_index (requirements, i);
      MopedElement *target = moped_element_get_ref (r, MOPED_PROP_TARGET);
      MopedCNode *node = target != NULL && moped_element_get_kind (target) == MOPED_KIND_NODE
                         ? g_hash_table_lookup (model->by_element, target) : NULL;

      g_ptr_array_add (model->requirements, r);
      if (node != NULL)
        g_ptr_array_add (node->requirements, r);
    }
}

MopedCCommand *
_moped_c_link_bench_command (MopedCLink    *link,
                             MopedCSocket **sender,
                             MopedCSocket **receiver)
{
  for (guint dir = 0; dir < 2; dir++)
    {
      MopedCSocket *s = dir ? link->to : link->from;
      MopedCSocket *r = dir ? link->from : link->to;

      for (guint i = 0; i < s->senders->len; i++)
        {
          MopedCSender *sender_route = g_ptr_array_index (s->senders, i);

          if (link->protocol != NULL && sender_route->command->protocol != link->protocol)
            continue;
          if (!g_ptr_array_find (sender_route->to_nodes, r->node, NULL))
            continue;
          *sender = s;
          *receiver = r;
          return sender_route->command;
        }
    }
  return NULL;
}

static void
name_benches (MopedCModel    *model,
              Globals        *globals)
{
  for (guint i = 0; i < model->links->len; i++)
    {
      MopedCLink *l = g_ptr_array_index (model->links, i);
      MopedCSocket *sender, *receiver;
      const char *label = moped_element_get_string (l->element, MOPED_PROP_LABEL);
      g_autofree char *wanted = NULL;

      if (_moped_c_link_bench_command (l, &sender, &receiver) == NULL)
        continue;
      if (label != NULL && *label != '\0')
        wanted = g_strconcat ("bench ", label, NULL);
      else
        wanted = g_strdup_printf ("bench %s %s to %s %s", l->from->node->ident, l->from->ident,
                                  l->to->node->ident, l->to->ident);
      l->bench = g_strdup (globals_add (globals, wanted));
    }
}

MopedCModel *
_moped_c_model_new (MopedDesign *design)
{
  MopedCModel *model = g_new0 (MopedCModel, 1);
  g_autoptr(Globals) globals = globals_new ();
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) protocols = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GHashTable) in_flows = NULL;

  model->design = g_object_ref (design);
  model->design_name = g_strdup (_moped_c_name (moped_design_get_root (design)));
  model->project = moped_name_to_identifier (model->design_name);
  model->nodes = g_ptr_array_new_with_free_func (node_free);
  model->processes = g_ptr_array_new_with_free_func (process_free);
  model->protocols = g_ptr_array_new_with_free_func (protocol_free);
  model->links = g_ptr_array_new_with_free_func (link_free);
  model->flows = g_ptr_array_new_with_free_func (flow_free);
  model->probes = g_ptr_array_new_with_free_func (probe_free);
  model->requirements = g_ptr_array_new ();
  model->errors = g_ptr_array_new_with_free_func (g_free);
  model->warnings = g_ptr_array_new_with_free_func (g_free);
  model->by_element = g_hash_table_new (NULL, NULL);

  check_design (model);
  if (model->errors->len > 0)
    return model;

  /* File names of the shared code, and the self-test's program. */
  globals_add (globals, "wire");
  globals_add (globals, "selftest");
  globals_add (globals, "main");

  nodes = moped_design_collect (design, MOPED_KIND_NODE);
  protocols = moped_design_collect (design, MOPED_KIND_PROTOCOL);
  links = moped_design_collect (design, MOPED_KIND_LINK);
  read_nodes (model, globals, nodes);
  read_protocols (model, globals, protocols);
  name_protocols (model, globals);
  read_links (model, links);
  steps = moped_design_collect (design, MOPED_KIND_STEP);
  in_flows = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < steps->len; i++)
    g_hash_table_add (in_flows, moped_element_get_ref (g_ptr_array_index (steps, i), MOPED_PROP_COMMAND));
  read_flows (model);
  for (guint i = 0; i < model->links->len; i++)
    route_link_commands (g_ptr_array_index (model->links, i), in_flows);
  read_probes (model);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);

      name_node (n, globals);
      name_routes (n, globals);
      for (guint j = 0; j < n->sockets->len; j++)
        {
          collect_socket_protocols (model, g_ptr_array_index (n->sockets, j));
          find_default_peer (g_ptr_array_index (n->sockets, j));
        }
      read_machines (n);
    }
  read_processes (model, globals);
  read_requirements (model);
  name_benches (model, globals);
  name_fields (model, globals);
  return model;
}

static void
add_key (GHashTable   *keys,
         MopedElement *element,
         MopedElement *other,
         const char   *what,
         const char   *ident)
{
  char *key = other != NULL ? g_strdup_printf ("%s:%s:%s", what, moped_element_get_id (element),
                                               moped_element_get_id (other))
                            : g_strdup_printf ("%s:%s", what, moped_element_get_id (element));

  g_hash_table_replace (keys, key, g_strdup (ident));
}

gboolean
_moped_c_name_key_is_file (const char *key)
{
  return g_str_has_prefix (key, "file:") || g_str_has_prefix (key, "engine-file:");
}

char *
_moped_c_user_path (const char *ident)
{
  return g_strdup_printf ("src/%s.c", ident);
}

GHashTable *
_moped_c_name_keys (MopedCModel *model)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < model->nodes->len; i++)
    {
      MopedCNode *n = g_ptr_array_index (model->nodes, i);
      const struct { const char *what; const char *ident; } node_names[] = {
        { "type", n->type }, { "options", n->options_type }, { "engine", n->engine_type },
        { "state", n->state_type }, { "new", n->new_fn }, { "destroy", n->destroy_fn },
        { "actor", n->actor_fn }, { "state-new", n->state_new_fn },
        { "state-destroy", n->state_destroy_fn }, { "state-start", n->state_start_fn },
        { "state-stop", n->state_stop_fn }, { "engine-name", n->engine_name_fn },
        { "defer", n->engine_defer_fn }, { "timer-fn", n->timer_fn_type },
        { "timer-set", n->timer_set_fn }, { "timer-cancel", n->timer_cancel_fn },
        { "protocol-state", n->protocol_state_fn }, { "engine-protocol-state", n->engine_state_fn },
        { "test-new", n->test_new_fn },
        /* File names, not identifiers: the user's file src/IDENT.c moves when they change. */
        { "file", n->ident }, { "engine-file", n->engine_base },
      };

      for (guint j = 0; j < G_N_ELEMENTS (node_names); j++)
        add_key (keys, n->element, NULL, node_names[j].what, node_names[j].ident);
      /* The struct tags of its types (the user's file defines struct _STATE). */
      for (guint j = 0; j < 4; j++)
        {
          g_autofree char *tag = g_strconcat ("_", node_names[j].ident, NULL);
          g_autofree char *what = g_strconcat (node_names[j].what, "-tag", NULL);

          add_key (keys, n->element, NULL, what, tag);
        }
      for (guint j = 0; j < n->handlers->len; j++)
        {
          MopedCHandler *h = g_ptr_array_index (n->handlers, j);

          add_key (keys, h->socket->element, h->command->element, "handler", h->fn);
        }
      for (guint j = 0; j < n->senders->len; j++)
        {
          MopedCSender *s = g_ptr_array_index (n->senders, j);

          add_key (keys, s->socket->element, s->command->element, "send", s->fn);
        }
      for (guint j = 0; j < n->sockets->len; j++)
        {
          MopedCSocket *s = g_ptr_array_index (n->sockets, j);

          if (s->subscription_fn != NULL)
            add_key (keys, s->element, NULL, "subscription", s->subscription_fn);
        }
      for (guint j = 0; j < n->methods->len; j++)
        {
          MopedCMethod *m = g_ptr_array_index (n->methods, j);

          add_key (keys, m->element, NULL, "method", m->fn);
          add_key (keys, m->element, NULL, "api", m->api_fn);
          add_key (keys, m->element, NULL, "answer", m->answer_fn);
        }
    }
  return keys;
}

void
_moped_c_flow_closure (MopedCFlow *f,
                       gboolean   *in)
{
  gboolean grew = TRUE;

  while (grew)
    {
      grew = FALSE;
      for (guint i = 0; i < f->moves->len; i++)
        {
          const MopedCMove *m = &g_array_index (f->moves, MopedCMove, i);

          if (m->step < 0 && in[m->from] && !in[m->to])
            in[m->to] = grew = TRUE;
        }
    }
}
