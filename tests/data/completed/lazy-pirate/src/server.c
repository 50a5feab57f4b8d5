//  server.c: what the Server node does: its state, a handler per command it
//  receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Lazy Pirate
//  Pattern”, and never overwrites it: when the design gains a command, the
//  export appends the new handler's stub at the end.
//
//  Server (unreliable responder): A plain REP server; all the reliability is on
//  the client side.
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
//  Requirement Reply timeout (latency): 2500 ms: The client waits this long for
//  each reply before it retries.
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


//  REQUEST (Lazy Pirate) from Client, on socket reply: A request, or the retry
//  of one.
//  To answer: server_send_reply (self->engine, from, ...)
int
server_handle_request (server_state_t *self, const wire_peer_t *from, uint64_t sequence, const byte *body, size_t body_size)
{
    return server_send_reply (self->engine, from, sequence, body, body_size);
}


//  API method Serve: Echoes each request; for testing it sometimes stalls or
//  crashes on purpose.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
server_api_serve (server_state_t *self)
{
    (void) self;
    return 0;
}
