//  echo_worker.c: what the Echo worker node does: its state, a handler per
//  command it receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Majordomo”, and
//  never overwrites it: when the design gains a command, the export appends the
//  new handler's stub at the end.
//
//  Echo worker (MDP worker): Offers the "echo" service: answers each request
//  with its own body. Reconnects when the broker falls silent.
//  The design runs 3 instances: give each its own name (options.name).
//  Requirement Dead worker detection (latency): 7500 ms: A worker that crashed
//  is out of the broker's lists within three heartbeat intervals.
//
//  The engine (src/echo_worker_engine.c) runs the node in its own thread,
//  decodes each message and calls its handler here. To send, call the send
//  functions of src/echo_worker_engine.h with self->engine. Changing the design
//  changes the engine; this file only ever gains the stubs of new handlers.

#include "echo_worker_engine.h"

//  Your state, kept while the node runs: add what you need
struct _echo_worker_state_t {
    echo_worker_engine_t *engine; //  To send messages
    int64_t heartbeat;          //  Msecs between heartbeats
    int timer;                  //  The heartbeat timer
};


static int
s_heartbeat (echo_worker_state_t *self, void *arg)
{
    (void) arg;
    return echo_worker_send_heartbeat (self->engine, NULL);
}


echo_worker_state_t *
echo_worker_state_new (echo_worker_engine_t *engine)
{
    echo_worker_state_t *self = (echo_worker_state_t *) zmalloc (sizeof (echo_worker_state_t));
    assert (self);
    self->engine = engine;
    self->heartbeat = 2500;
    return self;
}


void
echo_worker_state_destroy (echo_worker_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        echo_worker_state_t *self = *self_p;
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (echo_worker_engine_timer_set), send a first message. Return 0, or -1
//  to have it logged.
//  Requirement Heartbeat interval (other): 2500 ms: Broker and workers send
//  HEARTBEAT after 2500 ms of silence; three missed heartbeats mean the peer is
//  gone.
//  Requirement Dead worker detection (latency): 7500 ms: A worker that crashed
//  is out of the broker's lists within three heartbeat intervals.
//  HEARTBEAT is sent periodically: a repeating timer whose handler calls
//  echo_worker_send_heartbeat fits, e.g. echo_worker_engine_timer_set
//  (self->engine, 2500, true, s_send_heartbeat, NULL).
int
echo_worker_state_start (echo_worker_state_t *self)
{
    if (echo_worker_send_ready (self->engine, NULL, "echo") == -1)
        return -1;
    self->timer = echo_worker_engine_timer_set (self->engine, self->heartbeat, true, s_heartbeat, NULL);
    return self->timer > 0? 0: -1;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
echo_worker_state_stop (echo_worker_state_t *self)
{
    echo_worker_send_disconnect (self->engine, NULL);
}


//  REQUEST (MDP/Worker) from Broker, on socket broker: Gives a waiting worker
//  one request. Command byte 0x02.
//  To answer: echo_worker_send_reply (self->engine, from, ...)
int
echo_worker_handle_request (echo_worker_state_t *self, const wire_peer_t *from, zframe_t *client_2,
                            zframe_t *empty, zmsg_t *body)
{
    (void) from;
    //  The echo service: the reply is the request (the client's address and 7/MDP's empty frame go back)
    return echo_worker_send_reply (self->engine, NULL, client_2, empty, body);
}


//  HEARTBEAT (MDP/Worker) from Broker, on socket broker: Sent by either side
//  after one heartbeat interval without other traffic; a peer silent for three
//  intervals is taken for dead. Command byte 0x04.
//  To answer: echo_worker_send_heartbeat (self->engine, from, ...)
int
echo_worker_handle_heartbeat (echo_worker_state_t *self, const wire_peer_t *from)
{
    (void) from;
    //  Show at once that this worker is alive
    return echo_worker_send_heartbeat (self->engine, NULL);
}


//  DISCONNECT (MDP/Worker) from Broker, on socket broker: Ends the
//  conversation: a worker sends it before it stops, the broker sends it to a
//  worker it does not know. Command byte 0x05.
int
echo_worker_handle_disconnect (echo_worker_state_t *self, const wire_peer_t *from)
{
    (void) from;
    //  The broker does not know this worker (it restarted): register again
    return echo_worker_send_ready (self->engine, NULL, "echo");
}


//  API method Receive request: Sends the reply to the previous request, if any,
//  then waits for the next request.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
echo_worker_api_receive_request (echo_worker_state_t *self)
{
    (void) self;
    return 0;               //  Requests are answered as they come, in the handler
}


//  API method Set heartbeat: Sets the heartbeat interval (default 2500 ms).
//  - msecs (number): The heartbeat interval in milliseconds.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
echo_worker_api_set_heartbeat (echo_worker_state_t *self, uint64_t msecs)
{
    if (msecs == 0)
        return -1;
    self->heartbeat = (int64_t) msecs;
    echo_worker_engine_timer_cancel (self->engine, self->timer);
    self->timer = echo_worker_engine_timer_set (self->engine, self->heartbeat, true, s_heartbeat, NULL);
    return self->timer > 0? 0: -1;
}


//  API method Set reconnect: Sets the delay before reconnecting after the
//  broker is lost (default 2500 ms).
//  - msecs (number): The reconnect delay in milliseconds.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
echo_worker_api_set_reconnect (echo_worker_state_t *self, uint64_t msecs)
{
    (void) self;
    return msecs > 0? 0: -1;
}
