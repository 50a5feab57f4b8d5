/* moped-export-c-private.h: the design as the C exporter sees it, and the generators' entry points.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * moped-export-c-model.c reads the design once into these structs: every C name
 * decided (unique, valid), every link, handler, send helper and flow step resolved.
 * The generators (codec, node, self-test, build files) only format what is here.
 */
#pragma once

#include "moped-code-writer.h"
#include "moped-design.h"
#include "moped-machine.h"
#include "moped-socket-type.h"

G_BEGIN_DECLS

typedef struct _MopedCModel    MopedCModel;
typedef struct _MopedCNode     MopedCNode;
typedef struct _MopedCSocket   MopedCSocket;
typedef struct _MopedCProtocol MopedCProtocol;
typedef struct _MopedCCommand  MopedCCommand;

/* Spaces per indentation level in generated C (czmq style). */
#define MOPED_C_INDENT 4
/* Frames of the self-test's sample values (must match the generated wire.c). */
#define MOPED_C_SAMPLE_STRING "sample \"string\" \\ \303\274"

typedef struct
{
  MopedElement   *element;
  MopedFieldType  type;
  char           *ident;       /* parameter name, unique among the command's */
  char           *size_ident;  /* bytes: the length parameter */
} MopedCField;

struct _MopedCCommand
{
  MopedElement   *element;
  MopedCProtocol *protocol;
  guint           id;          /* 1-based position in the protocol */
  char           *ident;       /* unique within the protocol */
  char           *constant;    /* "HELLO_WORLD" */
  char           *send_fn;     /* "hello_send_world" */
  char           *get_fn;      /* "hello_get_world" */
  GPtrArray      *fields;      /* MopedCField */
  int             topic;       /* field sent as PUB topic (first text field), or -1 */
};

struct _MopedCProtocol
{
  MopedElement *element;
  char         *ident;         /* file and prefix: "hello" */
  char         *commands_var;  /* static table of commands */
  char         *decode_fn;
  char         *decode_expecting_fn; /* decode among the commands a socket may receive */
  char         *recv_fn;
  char         *name_fn;
  char         *send_sample_fn;
  char         *test_fn;
  GPtrArray    *commands;      /* MopedCCommand */
};

/* A command a node receives on one socket: one handler in the user's file. */
typedef struct
{
  MopedCSocket  *socket;
  MopedCCommand *command;
  char          *fn;           /* "server_handle_hello" */
  GPtrArray     *from_nodes;   /* MopedCNode that send it here */
} MopedCHandler;

/* A command a node sends on one socket: one send helper in the engine. */
typedef struct
{
  MopedCSocket  *socket;
  MopedCCommand *command;
  char          *fn;           /* "client_send_hello" */
  GPtrArray     *to_nodes;     /* MopedCNode it goes to */
} MopedCSender;

typedef struct
{
  MopedElement  *element;      /* the link */
  MopedCSocket  *from;
  MopedCSocket  *to;
  MopedCSocket  *binder;       /* the side that binds */
  MopedCSocket  *connecter;
  MopedCProtocol *protocol;    /* NULL when the link carries none */
  char          *endpoint;     /* as designed, bind form */
  char          *connect_endpoint;
  char          *test_endpoint;  /* inproc:// for the self-test */
  char          *bench;        /* bench program name, NULL when nothing to measure */
  char          *title;        /* "Client.request -> Server.reply", for people */
} MopedCLink;

/* The state machine of a role a node plays on one socket (moped-machine.h), which its
 * engine keeps and enforces: one state, or one per peer where the socket addresses its
 * peers by routing id. */
typedef struct
{
  MopedCSocket   *socket;
  MopedCProtocol *protocol;
  MopedElement   *role;
  MopedElement   *peer_role;
  MopedMachine   *machine;
  gboolean        per_peer;
  guint           index;       /* in the node's engine: self->machines [index] */
} MopedCMachine;

struct _MopedCSocket
{
  MopedElement              *element;
  MopedCNode                *node;
  guint                      index;
  char                      *ident;        /* option member, CLI key, enum suffix */
  char                      *peer_member;  /* engine member: its default envelope */
  char                      *default_peer; /* routing sockets: the routing id of the one peer
                                            * the design gives it (NULL = none or several) */
  gboolean                   default_peer_delimiter; /* that peer expects a REQ envelope */
  char                      *receive_fn;   /* static reader in the engine */
  MopedSocketType            type;
  const MopedSocketTypeInfo *info;
  gboolean                   bind;
  GPtrArray                 *links;        /* MopedCLink where it is an end */
  GPtrArray                 *endpoints;    /* designed attach items, "@endpoint" or ">endpoint" */
  GPtrArray                 *test_endpoints;
  GPtrArray                 *subscriptions; /* SUB, XSUB: prefixes; empty = everything */
  GPtrArray                 *subscribed;   /* const char *: its prefixes ("" for everything) as the
                                            * self-test has played the flows so far: the
                                            * designed ones, then each subscription step's */
  gboolean                   delimiter;    /* DEALER talking to REP: sends a delimiter */
  GPtrArray                 *handlers;     /* MopedCHandler received here */
  GPtrArray                 *senders;      /* MopedCSender sent from here */
  GPtrArray                 *protocols;    /* MopedCProtocol decoded here, in order */
  MopedCSocket              *forward_subscriptions; /* XPUB of a proxy: the XSUB its
                                                     * subscribers' subscriptions go on
                                                     * through (a relayed subscription step) */
  GPtrArray                 *machines;     /* MopedCMachine the engine keeps here */
  gboolean                   hears_subscriptions; /* an XPUB a flow's subscription step reaches */
  char                      *subscription_fn; /* then the user's handler: "publisher_handle_out_subscription" */
};

/* A parameter of an API method: a parameter of its public function and of the user's. */
typedef struct
{
  MopedElement *element;
  MopedApiType  type;
  char         *ident;         /* unique among the method's parameters, never "result" */
  char         *size_ident;    /* bytes: the length parameter */
} MopedCParam;

typedef struct
{
  MopedElement *element;
  char         *ident;         /* pipe command */
  char         *fn;            /* public: "client_say_hello" */
  char         *api_fn;        /* user's: "client_api_say_hello" */
  char         *call_type;     /* engine-private struct carrying one call: "s_say_hello_call_t" */
  char         *answer_fn;     /* engine: "client_engine_answer_say_hello", a deferred answer */
  MopedApiType  result;
  GPtrArray    *params;        /* MopedCParam */
} MopedCMethod;

/* A process of the deployment: one program running its nodes as threads (one ZeroMQ
 * context, so inproc links between them work). Nodes outside any process get a
 * program of their own. */
typedef struct
{
  MopedElement *element;
  char         *ident;         /* the program's name */
  char         *main_base;     /* its main file name */
  GPtrArray    *nodes;         /* MopedCNode, in document order */
} MopedCProcess;

struct _MopedCNode
{
  MopedCProcess *process;      /* the process it runs in, NULL: a program of its own */
  MopedElement *element;
  char         *ident;         /* "client": executable, user file, prefix */
  char         *type;          /* "client_t" */
  char         *options_type;
  char         *engine_type;
  char         *state_type;
  char         *engine_base;   /* engine file names */
  char         *main_base;     /* main program file name */
  char         *new_fn;
  char         *destroy_fn;
  char         *actor_fn;
  char         *state_new_fn;
  char         *state_destroy_fn;
  char         *engine_name_fn;
  char         *engine_defer_fn;  /* "client_engine_defer": the API method answers later */
  char         *state_start_fn;   /* yours: "client_state_start", once the node runs */
  char         *test_new_fn;      /* engine, tests only: "client_test_new" with a mode */
  char         *state_stop_fn;    /* yours: "client_state_stop", before its sockets close */
  char         *timer_fn_type;    /* "client_timer_fn": a timer's handler */
  char         *timer_set_fn;     /* "client_engine_timer_set" */
  char         *timer_cancel_fn;  /* "client_engine_timer_cancel" */
  GPtrArray    *sockets;       /* MopedCSocket */
  GPtrArray    *methods;       /* MopedCMethod */
  GPtrArray    *handlers;      /* MopedCHandler, over all sockets */
  GPtrArray    *senders;       /* MopedCSender, over all sockets */
  GPtrArray    *requirements;  /* MopedElement targeting it */
  GPtrArray    *machines;      /* MopedCMachine, over all sockets, by index */
  GPtrArray    *unkept;        /* char *: each role it plays whose state it cannot keep, and why */
  char         *protocol_state_fn; /* public: "client_protocol_state" */
  char         *engine_state_fn;   /* engine: "client_engine_protocol_state" */
};

/* One message of a flow as the self-test plays it. */
typedef struct
{
  MopedElement  *step;
  guint          position;     /* 1-based among its flow's message and subscription
                                * steps, in document order (every branch counted) */
  MopedCCommand *command;
  MopedCSocket  *sender;
  MopedCSocket  *receiver;
  MopedCLink    *link;
  gboolean       repeat;
  gboolean       optional;
  char          *peer_id;      /* ROUTER senders: the receiver's test routing id */
  gboolean       delimiter;
  char          *topic;        /* PUB senders: the topic chosen, NULL for the default */
  GPtrArray     *copies;       /* MopedCSocket that also receive it (PUB fan-out) */
  GPtrArray     *alternatives; /* MopedCSocket that may get it instead (round-robin) */
  char          *skip_reason;  /* the step cannot arrive: why */
  gboolean       filtered;     /* PUB senders: the receiver's subscriptions drop it; it is
                                * sent all the same (the sender's state machine counts it)
                                * and only the copies get it */
  int            subscription; /* 1 subscribes, -1 unsubscribes to topic; 0 a message */
} MopedCStep;

/* A move of a flow's automaton (moped-machine.h's flow graph, over the flow's
 * MopedCSteps): from state to state, on steps [step] of the flow, or on nothing (-1).
 * State 0 starts, state 1 ends. */
typedef struct
{
  guint from;
  guint to;
  int   step;
} MopedCMove;

typedef struct
{
  MopedElement   *element;
  MopedCProtocol *protocol;
  GPtrArray      *steps;       /* MopedCStep: every message and subscription step of
                                * the flow in document order, every branch (a relayed
                                * step is two, one per leg) */
  GPtrArray      *paths;       /* GArray of guint (indexes into steps): what the
                                * self-test plays, one path per branch of each choice */
  guint           n_states;    /* the automaton the flow tests follow */
  GArray         *moves;       /* MopedCMove */
} MopedCFlow;

/* A PUB to SUB connection the self-test probes before playing the flows. */
typedef struct
{
  MopedCSocket *publisher;
  MopedCSocket *subscriber;
  char         *topic;
} MopedCProbe;

struct _MopedCModel
{
  MopedDesign *design;
  char        *design_name;
  char        *project;        /* meson project and library name */
  GPtrArray   *nodes;          /* MopedCNode */
  GPtrArray   *processes;      /* MopedCProcess with at least one node */
  GPtrArray   *protocols;      /* MopedCProtocol */
  GPtrArray   *links;          /* MopedCLink */
  GPtrArray   *flows;          /* MopedCFlow */
  GPtrArray   *probes;         /* MopedCProbe */
  GPtrArray   *requirements;   /* MopedElement, all of them */
  GPtrArray   *errors;         /* char *: why the design cannot be exported */
  GPtrArray   *warnings;       /* char *: what the user should know */
  GHashTable  *by_element;     /* MopedElement -> its C struct */
  char        *banner;         /* the comment after a generated file's first line */
  char        *user_banner;    /* the same for the user's files */
};

/* A generated file: its path, content, and whether it is the user's. */
typedef struct
{
  char     *path;
  char     *content;
  gboolean  user_file;
  gboolean  user_folder;       /* in the user's tests/: written at the first export only */
  GStrv     symbols;           /* user file: the functions it must define */
  GPtrArray *stubs;            /* user file: char *, the definition of each symbol */
} MopedCOutput;

MopedCModel  *_moped_c_model_new         (MopedDesign *design);
void          _moped_c_model_free        (MopedCModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedCModel, _moped_c_model_free)

void          _moped_c_output_free       (MopedCOutput *output);
/* Adds a generated file to @outputs (takes @content). */
MopedCOutput *_moped_c_output_add        (GPtrArray   *outputs,
                                          const char  *path,
                                          char        *content);

/* The generators; each appends its files to @outputs. */
void          _moped_c_generate_wire     (MopedCModel *model,
                                          GPtrArray   *outputs);
void          _moped_c_generate_codecs   (MopedCModel *model,
                                          GPtrArray   *outputs);
/* The main program of one process: its nodes as threads until interrupted. */
void          _moped_c_generate_process  (MopedCModel   *model,
                                          MopedCProcess *process,
                                          GPtrArray     *outputs);
/* The files of one node (exporters stream node by node: memory stays flat). */
void          _moped_c_generate_node     (MopedCModel *model,
                                          MopedCNode  *node,
                                          GPtrArray   *outputs);
/* The seconds the self-test may run in all (its watchdog), from the steps it plays. */
guint         _moped_c_selftest_limit_secs (MopedCModel *model);
void          _moped_c_generate_selftest (MopedCModel *model,
                                          GPtrArray   *outputs);
/* meson.build and README.md. */
void          _moped_c_generate_build    (MopedCModel *model,
                                          GPtrArray   *outputs);
/* Every generated name user code may use or define, keyed by what it is made from
 * (element ids, never names): "handler:SOCKET-ID:COMMAND-ID" -> "server_handle_ping".
 * Re-export compares two exports' keys to find renames. */
GHashTable   *_moped_c_name_keys         (MopedCModel *model);
/* The key kinds of _moped_c_name_keys whose names are file names ("file:NODE-ID" ->
 * "client" for src/client.c and include/client.h), not identifiers. */
gboolean      _moped_c_name_key_is_file  (const char  *key);
/* Adds to @in (a flag per state of @f's automaton) the states reached from those in it
 * on moves that take no step. */
void          _moped_c_flow_closure      (MopedCFlow  *f,
                                          gboolean    *in);
/* "src/client.c": the user's file of the node whose files are called @ident. */
char         *_moped_c_user_path         (const char  *ident);
/* The benchmark of one link, when it has one (streamed link by link). */
void          _moped_c_generate_bench    (MopedCModel *model,
                                          MopedCLink  *link,
                                          GPtrArray   *outputs);
void          _moped_c_generate_user_tests (MopedCModel *model,
                                            GPtrArray   *outputs);
/* All files of the export, in a stable order. */
GPtrArray    *_moped_c_generate          (MopedCModel *model);

/* The state machine @s's engine keeps for @command's protocol on @s, or NULL. */
MopedCMachine *_moped_c_machine_of       (MopedCSocket  *s,
                                          MopedCCommand *command);

/* Helpers shared by the generators */
MopedCodeWriter *_moped_c_writer_begin   (MopedCModel *model,
                                          const char  *file,
                                          const char  *job,
                                          gboolean     user_file);
const char   *_moped_c_field_c_type      (MopedFieldType type);      /* parameter type */
const char   *_moped_c_field_wire_type   (MopedFieldType type);      /* "WIRE_STRING" */
/* ", const char *name, uint64_t count" for a command's fields. */
char         *_moped_c_field_params      (MopedCCommand *command);
/* An API method's result type ("char *", "bool ", "int " for none), the value it has
 * when nothing answered ("NULL", "false", "-1"), and the parameter list after self
 * (", const char *service, zframe_t *body"). */
const char   *_moped_c_api_result_type   (MopedApiType  type);
const char   *_moped_c_api_result_none   (MopedApiType  type);
char         *_moped_c_api_params        (MopedCMethod *method);
/* ", service, body" */
char         *_moped_c_api_args          (MopedCMethod *method,
                                          const char   *prefix);
/* ", name, count" */
char         *_moped_c_field_args        (MopedCCommand *command);
/* "Client" (the element's name, or its id when it has none). */
const char   *_moped_c_name              (MopedElement *element);
char         *_moped_c_quote             (const char *text);  /* C string literal */
gboolean      _moped_c_is_publisher      (MopedCSocket *socket);
gboolean      _moped_c_is_subscriber     (MopedCSocket *socket);
const char   *_moped_c_envelope          (MopedCSocket *socket);
/* Whether the socket type has routing ids czmq lets us set (REQ, REP, DEALER, ROUTER). */
gboolean      _moped_c_has_routing_id    (MopedSocketType type);
/* "client/request": the routing id the self-test gives a socket. */
char         *_moped_c_test_routing_id   (MopedCSocket *socket);
/* The command a link's benchmark measures and its direction; NULL when the link
 * carries no command. */
MopedCCommand *_moped_c_link_bench_command (MopedCLink    *link,
                                            MopedCSocket **sender,
                                            MopedCSocket **receiver);

G_END_DECLS
