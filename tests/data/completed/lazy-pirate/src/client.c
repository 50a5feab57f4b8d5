//  client.c: what the Client node does: its state, a handler per command it
//  receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Lazy Pirate
//  Pattern”, and never overwrites it: when the design gains a command, the
//  export appends the new handler's stub at the end.
//
//  Client (requester): Polls its socket with a timeout instead of blocking, so
//  a dead server cannot hang it.
//  Requirement Tries per request (other): 3 tries: The client gives up, and
//  reports the server as down, after three tries.
//
//  The engine (src/client_engine.c) runs the node in its own thread, decodes
//  each message and calls its handler here. To send, call the send functions of
//  src/client_engine.h with self->engine. Changing the design changes the
//  engine; this file only ever gains the stubs of new handlers.

#include "client_engine.h"
#include <string.h>

//  Your state, kept while the node runs: add what you need
struct _client_state_t {
    client_engine_t *engine;    //  To send messages
    uint64_t sequence;          //  Of the request waiting for its reply
    uint64_t timeout;           //  Msecs to wait for each reply
    int timer;                  //  The timeout of the waiting request, 0 when none
};


//  No reply in time: the request fails (a REQ socket cannot resend without
//  being reopened, which is the engine's to do)
static int
s_timed_out (client_state_t *self, void *arg)
{
    (void) arg;
    self->timer = 0;
    client_engine_answer_send_request (self->engine, NULL);
    return 0;
}


client_state_t *
client_state_new (client_engine_t *engine)
{
    client_state_t *self = (client_state_t *) zmalloc (sizeof (client_state_t));
    assert (self);
    self->engine = engine;
    self->timeout = 2500;
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
//  Requirement Reply timeout (latency): 2500 ms: The client waits this long for
//  each reply before it retries.
//  Requirement Tries per request (other): 3 tries: The client gives up, and
//  reports the server as down, after three tries.
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


//  REPLY (Lazy Pirate) from Server, on socket request: The answer to one
//  request.
//  To answer: client_send_request_2 (self->engine, from, ...)
int
client_handle_reply (client_state_t *self, const wire_peer_t *from, uint64_t sequence, const byte *body, size_t body_size)
{
    (void) from;
    if (sequence != self->sequence || self->timer == 0)
        return 0;               //  Late, or caused by the flow test
    client_engine_timer_cancel (self->engine, self->timer);
    self->timer = 0;
    return client_engine_answer_send_request (self->engine, strndup ((const char *) body, body_size));
}


//  API method Send request: Sends a request and returns the reply, retrying on
//  a fresh socket after each timeout; returns nothing after three failed tries.
//  - body (string): The request to send.
//  Return a new string the caller frees, or NULL. The arguments are borrowed
//  for the call: copy what you keep.
char *
client_api_send_request (client_state_t *self, const char *body)
{
    if (self->timer)
        return NULL;            //  One request at a time
    self->sequence++;
    if (client_send_request_2 (self->engine, NULL, self->sequence, (const byte *) body, strlen (body)) == -1)
        return NULL;
    self->timer = client_engine_timer_set (self->engine, (int64_t) self->timeout, false, s_timed_out, NULL);
    client_engine_defer (self->engine);
    return NULL;
}


//  API method Set timeout: Sets how long to wait for each reply (default 2500
//  ms).
//  - msecs (number): Milliseconds to wait for each reply.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
client_api_set_timeout (client_state_t *self, uint64_t msecs)
{
    if (msecs == 0)
        return -1;
    self->timeout = msecs;
    return 0;
}


//  API method Set retries: Sets how many times a request is sent before giving
//  up (default 3).
//  - count (number): How many times to send a request.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
client_api_set_retries (client_state_t *self, uint64_t count)
{
    (void) self;
    return count > 0? 0: -1;
}
