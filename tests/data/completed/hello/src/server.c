//  server.c: what the Server node does: its state, a handler per command it
//  receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Hello World”,
//  and never overwrites it: when the design gains a command, the export appends
//  the new handler's stub at the end.
//
//  Server (responder): Answers every HELLO with WORLD after one second of
//  pretend work.
//  Requirement Greetings per second (throughput): 10000 msg/s: Without the
//  pretend work the server answers at least 10,000 greetings per second.
//
//  The engine (src/server_engine.c) runs the node in its own thread, decodes
//  each message and calls its handler here. To send, call the send functions of
//  src/server_engine.h with self->engine. Changing the design changes the
//  engine; this file only ever gains the stubs of new handlers.

#include "server_engine.h"

//  Your state, kept while the node runs: add what you need
struct _server_state_t {
    server_engine_t *engine;    //  To send messages
};


server_state_t *
server_state_new (server_engine_t *engine)
{
    server_state_t *self = (server_state_t *) zmalloc (sizeof (server_state_t));
    assert (self);
    self->engine = engine;
    return self;
}


void
server_state_destroy (server_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        server_state_t *self = *self_p;
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (server_engine_timer_set), send a first message. Return 0, or -1 to
//  have it logged.
//  Requirement Round-trip time (latency): 1 ms: On one machine a HELLO is
//  answered within a millisecond, not counting the pretend work.
//  Requirement Greetings per second (throughput): 10000 msg/s: Without the
//  pretend work the server answers at least 10,000 greetings per second.
int
server_state_start (server_state_t *self)
{
    (void) self;
    return 0;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
server_state_stop (server_state_t *self)
{
    (void) self;
}


//  HELLO (Hello) from Client, on socket reply: A greeting from the client; the
//  client waits for WORLD before it says anything else.
//  To answer: server_send_world (self->engine, from, ...)
int
server_handle_hello (server_state_t *self, const wire_peer_t *from)
{
    return server_send_world (self->engine, from);
}


//  API method Serve: Answers requests until interrupted.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
server_api_serve (server_state_t *self)
{
    (void) self;
    return 0;
}
