//  client.c: what the Client node does: its state, a handler per command it
//  receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Majordomo”, and
//  never overwrites it: when the design gains a command, the export appends the
//  new handler's stub at the end.
//
//  Client (MDP client): An application that needs a service done; it knows
//  service names, never workers.
//  The design runs 10 instances: give each its own name (options.name).
//
//  The engine (src/client_engine.c) runs the node in its own thread, decodes
//  each message and calls its handler here. To send, call the send functions of
//  src/client_engine.h with self->engine. Changing the design changes the
//  engine; this file only ever gains the stubs of new handlers.

#include "client_engine.h"

//  Your state, kept while the node runs: add what you need
struct _client_state_t {
    client_engine_t *engine;    //  To send messages
    uint64_t timeout;           //  Msecs to wait for each reply
    int timer;                  //  The timeout of the waiting request, 0 when none
};


//  No reply in time: the request fails (a REQ socket cannot resend without
//  being reopened)
static int
s_timed_out (client_state_t *self, void *arg)
{
    (void) arg;
    self->timer = 0;
    client_engine_answer_request_service (self->engine, NULL);
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
//  Requirement Round-trip overhead (latency): 2 ms: From REQUEST to REPLY, the
//  broker adds at most 2 ms to the time the worker takes.
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


//  REPLY (MDP/Client) from Broker, on socket broker: The answer of a worker,
//  passed on by the broker. Frames: "MDPC01", service name, reply body.
//  To answer: client_send_request (self->engine, from, ...)
int
client_handle_reply (client_state_t *self, const wire_peer_t *from, const char *service, zmsg_t *body)
{
    (void) from;
    (void) service;
    if (self->timer == 0)
        return 0;               //  Late, or caused by the flow test
    client_engine_timer_cancel (self->engine, self->timer);
    self->timer = 0;
    //  The API answers one frame: the reply body's first (7/MDP allows several)
    zframe_t *first = zmsg_pop (body);
    return client_engine_answer_request_service (self->engine, first? first: zframe_new_empty ());
}


//  API method Request service: Sends a request to a named service and returns
//  the reply, or nothing when every try timed out.
//  - service (string): The name of the service, such as "echo".
//  - body (frame): The request, opaque to the broker.
//  Return a new frame the caller destroys, or NULL. The arguments are borrowed
//  for the call: copy what you keep.
zframe_t *
client_api_request_service (client_state_t *self, const char *service, zframe_t *body)
{
    if (self->timer)
        return NULL;
    zmsg_t *request = zmsg_new ();
    zmsg_addmem (request, zframe_data (body), zframe_size (body));
    int rc = client_send_request (self->engine, NULL, service, request);
    zmsg_destroy (&request);
    if (rc == -1)
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


//  API method Set retries: Sets how many times a request is tried before giving
//  up (default 3).
//  - count (number): How many times to try a request.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
client_api_set_retries (client_state_t *self, uint64_t count)
{
    (void) self;
    return count > 0? 0: -1;
}
