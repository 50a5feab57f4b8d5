//  san_francisco_dashboard.c: what the San Francisco dashboard node does: its
//  state, a handler per command it receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Weather
//  Updates”, and never overwrites it: when the design gains a command, the
//  export appends the new handler's stub at the end.
//
//  San Francisco dashboard (subscriber): Shows live conditions for two
//  neighbourhoods of San Francisco.
//
//  The engine (src/san_francisco_dashboard_engine.c) runs the node in its own
//  thread, decodes each message and calls its handler here. To send, call the
//  send functions of src/san_francisco_dashboard_engine.h with self->engine.
//  Changing the design changes the engine; this file only ever gains the stubs
//  of new handlers.

#include "san_francisco_dashboard_engine.h"

//  Your state, kept while the node runs: add what you need
struct _san_francisco_dashboard_state_t {
    san_francisco_dashboard_engine_t *engine; //  To send messages
    zhash_t *latest;            //  Zip code -> its latest conditions
};


san_francisco_dashboard_state_t *
san_francisco_dashboard_state_new (san_francisco_dashboard_engine_t *engine)
{
    san_francisco_dashboard_state_t *self = (san_francisco_dashboard_state_t *) zmalloc (sizeof (san_francisco_dashboard_state_t));
    assert (self);
    self->engine = engine;
    self->latest = zhash_new ();
    assert (self->latest);
    zhash_autofree (self->latest);
    return self;
}


void
san_francisco_dashboard_state_destroy (san_francisco_dashboard_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        san_francisco_dashboard_state_t *self = *self_p;
        zhash_destroy (&self->latest);
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (san_francisco_dashboard_engine_timer_set), send a first message.
//  Return 0, or -1 to have it logged.
int
san_francisco_dashboard_state_start (san_francisco_dashboard_state_t *self)
{
    (void) self;
    return 0;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
san_francisco_dashboard_state_stop (san_francisco_dashboard_state_t *self)
{
    (void) self;
}


//  UPDATE (Weather) from Weather server, on socket updates: One reading for one
//  zip code, sent as the text "zipcode temperature humidity".
int
san_francisco_dashboard_handle_update (san_francisco_dashboard_state_t *self, const wire_peer_t *from, const char *zipcode, const char *temperature, uint64_t humidity)
{
    (void) from;
    char conditions [256];
    snprintf (conditions, sizeof (conditions), "%s: %s F, %u%% humidity", zipcode, temperature,
              (unsigned) humidity);
    zhash_update (self->latest, zipcode, conditions);
    return 0;
}


//  API method Latest conditions: Returns the last temperature and humidity seen
//  for a zip code.
//  - zip (string): The zip code asked about.
//  Return a new string the caller frees, or NULL. The arguments are borrowed
//  for the call: copy what you keep.
char *
san_francisco_dashboard_api_latest_conditions (san_francisco_dashboard_state_t *self, const char *zip)
{
    const char *conditions = (const char *) zhash_lookup (self->latest, zip);
    return conditions? strdup (conditions): NULL;
}
