//  new_york_client.c: what the New York client node does: its state, a handler
//  per command it receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Weather
//  Updates”, and never overwrites it: when the design gains a command, the
//  export appends the new handler's stub at the end.
//
//  New York client (subscriber): Reports the average temperature in Manhattan.
//
//  The engine (src/new_york_client_engine.c) runs the node in its own thread,
//  decodes each message and calls its handler here. To send, call the send
//  functions of src/new_york_client_engine.h with self->engine. Changing the
//  design changes the engine; this file only ever gains the stubs of new
//  handlers.

#include "new_york_client_engine.h"

//  Your state, kept while the node runs: add what you need
struct _new_york_client_state_t {
    new_york_client_engine_t *engine; //  To send messages
    uint64_t count;             //  Updates received
    uint64_t sum;               //  Of their temperatures
    bool waiting;               //  Average temperature waits for three
};


new_york_client_state_t *
new_york_client_state_new (new_york_client_engine_t *engine)
{
    new_york_client_state_t *self = (new_york_client_state_t *) zmalloc (sizeof (new_york_client_state_t));
    assert (self);
    self->engine = engine;
    return self;
}


void
new_york_client_state_destroy (new_york_client_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        new_york_client_state_t *self = *self_p;
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (new_york_client_engine_timer_set), send a first message. Return 0,
//  or -1 to have it logged.
//  Requirement Delivery latency (latency): 5 ms: An update for 10001 reaches
//  the New York client within 5 ms on a local network.
int
new_york_client_state_start (new_york_client_state_t *self)
{
    (void) self;
    return 0;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
new_york_client_state_stop (new_york_client_state_t *self)
{
    (void) self;
}


//  UPDATE (Weather) from Weather server, on socket updates: One reading for one
//  zip code, sent as the text "zipcode temperature humidity".
int
new_york_client_handle_update (new_york_client_state_t *self, const wire_peer_t *from, const char *zipcode, const char *temperature, uint64_t humidity)
{
    (void) from;
    (void) zipcode;
    (void) humidity;
    self->count++;
    self->sum += strtoull (temperature, NULL, 10);
    if (self->waiting && self->count >= 3) {
        self->waiting = false;
        new_york_client_engine_answer_average (self->engine, self->sum / self->count);
    }
    return 0;
}


//  API method Average temperature: Collects 100 updates for 10001 and returns
//  their mean temperature.
//  Return a number. The arguments are borrowed for the call: copy what you
//  keep.
uint64_t
new_york_client_api_average_temperature (new_york_client_state_t *self)
{
    if (self->count >= 3)
        return self->sum / self->count;
    self->waiting = true;
    new_york_client_engine_defer (self->engine);
    return 0;
}
