//  weather_server.c: what the Weather server node does: its state, a handler
//  per command it receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Weather
//  Updates”, and never overwrites it: when the design gains a command, the
//  export appends the new handler's stub at the end.
//
//  Weather server (publisher): Publishes readings for random zip codes between
//  00000 and 99999, as fast as it can.
//  Requirement Publishing rate (throughput): 100000 msg/s: The server publishes
//  at least 100,000 updates per second over tcp.
//  Requirement Subscribers (other): 100 subscribers: The server keeps its rate
//  with 100 subscribers connected.
//
//  The engine (src/weather_server_engine.c) runs the node in its own thread,
//  decodes each message and calls its handler here. To send, call the send
//  functions of src/weather_server_engine.h with self->engine. Changing the
//  design changes the engine; this file only ever gains the stubs of new
//  handlers.

#include "weather_server_engine.h"

//  Your state, kept while the node runs: add what you need
struct _weather_server_state_t {
    weather_server_engine_t *engine; //  To send messages
    uint64_t published;         //  Updates sent, to vary them
};


//  Publish the next reading, for each zip code in turn: a repeating timer set
//  at start runs it
static int
s_publish (weather_server_state_t *self, void *arg)
{
    static const char *zips [] = { "10001", "94103", "94107", "60601" };
    (void) arg;
    char temperature [16];
    snprintf (temperature, sizeof (temperature), "%d", (int) (50 + self->published % 40));
    const char *zip = zips [self->published % 4];
    self->published++;
    return weather_server_send_update (self->engine, NULL, zip, temperature, 30 + self->published % 60);
}


weather_server_state_t *
weather_server_state_new (weather_server_engine_t *engine)
{
    weather_server_state_t *self = (weather_server_state_t *) zmalloc (sizeof (weather_server_state_t));
    assert (self);
    self->engine = engine;
    return self;
}


void
weather_server_state_destroy (weather_server_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        weather_server_state_t *self = *self_p;
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (weather_server_engine_timer_set), send a first message. Return 0, or
//  -1 to have it logged.
//  Requirement Publishing rate (throughput): 100000 msg/s: The server publishes
//  at least 100,000 updates per second over tcp.
//  Requirement Delivery latency (latency): 5 ms: An update for 10001 reaches
//  the New York client within 5 ms on a local network.
//  Requirement Subscribers (other): 100 subscribers: The server keeps its rate
//  with 100 subscribers connected.
int
weather_server_state_start (weather_server_state_t *self)
{
    return weather_server_engine_timer_set (self->engine, 20, true, s_publish, NULL) > 0? 0: -1;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
weather_server_state_stop (weather_server_state_t *self)
{
    (void) self;
}


//  API method Publish update: Publishes one reading for one zip code.
//  - zip (string): The zip code of the reading.
//  - temperature (string): Degrees Fahrenheit as decimal text.
//  - humidity (number): Percent.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
weather_server_api_publish_update (weather_server_state_t *self, const char *zip, const char *temperature, uint64_t humidity)
{
    return weather_server_send_update (self->engine, NULL, zip, temperature, humidity);
}
