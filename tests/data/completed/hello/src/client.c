//  client.c: what the Client node does: its state, a handler per command it
//  receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Hello World”,
//  and never overwrites it: when the design gains a command, the export appends
//  the new handler's stub at the end.
//
//  Client (requester): Sends HELLO ten times, waiting for WORLD after each one.
//
//  The engine (src/client_engine.c) runs the node in its own thread, decodes
//  each message and calls its handler here. To send, call the send functions of
//  src/client_engine.h with self->engine. Changing the design changes the
//  engine; this file only ever gains the stubs of new handlers.

#include "client_engine.h"

//  Your state, kept while the node runs: add what you need
struct _client_state_t {
    client_engine_t *engine;    //  To send messages
};


client_state_t *
client_state_new (client_engine_t *engine)
{
    client_state_t *self = (client_state_t *) zmalloc (sizeof (client_state_t));
    assert (self);
    self->engine = engine;
    return self;
}


void
client_state_destroy (client_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        client_state_t *self = *self_p;
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (client_engine_timer_set), send a first message. Return 0, or -1 to
//  have it logged.
//  Requirement Round-trip time (latency): 1 ms: On one machine a HELLO is
//  answered within a millisecond, not counting the pretend work.
int
client_state_start (client_state_t *self)
{
    (void) self;
    return 0;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
client_state_stop (client_state_t *self)
{
    (void) self;
}


//  WORLD (Hello) from Server, on socket request: The answer to one HELLO.
//  To answer: client_send_hello (self->engine, from, ...)
int
client_handle_world (client_state_t *self, const wire_peer_t *from)
{
    (void) from;
    //  -1 when no Say hello waits for it (a WORLD the flow test caused)
    client_engine_answer_say_hello (self->engine, true);
    return 0;
}


//  API method Say hello: Sends HELLO and returns true when WORLD arrives.
//  Return true or false. The arguments are borrowed for the call: copy what you
//  keep.
bool
client_api_say_hello (client_state_t *self)
{
    if (client_send_hello (self->engine, NULL) == -1)
        return false;
    client_engine_defer (self->engine);
    return true;
}
