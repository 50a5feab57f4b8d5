//  broker.c: what the Broker node does: its state, a handler per command it
//  receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Majordomo”, and
//  never overwrites it: when the design gains a command, the export appends the
//  new handler's stub at the end.
//
//  Broker (MDP broker): Keeps a queue of requests and a list of waiting workers
//  per service, and matches them. Has no state that survives a restart.
//  Requirement Requests per second (throughput): 20000 msg/s: The broker routes
//  at least 20,000 requests per second with small bodies.
//
//  The engine (src/broker_engine.c) runs the node in its own thread, decodes
//  each message and calls its handler here. To send, call the send functions of
//  src/broker_engine.h with self->engine. Changing the design changes the
//  engine; this file only ever gains the stubs of new handlers.

#include "broker_engine.h"
#include <string.h>

//  Your state, kept while the node runs: add what you need
struct _broker_state_t {
    broker_engine_t *engine;    //  To send messages
    zlistx_t *workers;          //  s_worker_t, the longest waiting first
    zlistx_t *requests;         //  s_request_t, oldest first, waiting for a worker
};


#define S_HEARTBEAT 2500       //  Msecs, from the design's requirement
#define S_LIVENESS 3            //  Heartbeats a worker may miss

//  A worker the broker knows, by its routing id
typedef struct {
    wire_peer_t peer;
    char service [256];
    bool waiting;               //  Ready for a request
    int64_t expiry;             //  Forgotten if silent until then
} s_worker_t;

//  A request no worker could take yet
typedef struct {
    wire_peer_t client;
    char service [256];
    zmsg_t *body;
} s_request_t;

static void
s_request_destroy (void **item)
{
    s_request_t *request = (s_request_t *) *item;
    if (request) {
        zmsg_destroy (&request->body);
        free (request);
        *item = NULL;
    }
}

static void
s_worker_destroy (void **item)
{
    free (*item);
    *item = NULL;
}

static s_worker_t *
s_worker_find (broker_state_t *self, const wire_peer_t *peer)
{
    s_worker_t *worker;
    for (worker = (s_worker_t *) zlistx_first (self->workers); worker;
         worker = (s_worker_t *) zlistx_next (self->workers))
        if (worker->peer.id_size == peer->id_size && memcmp (worker->peer.id, peer->id, peer->id_size) == 0)
            return worker;
    return NULL;
}

//  How many workers offer a service (waiting ones only when waiting)
static size_t
s_workers_for (broker_state_t *self, const char *service, bool waiting)
{
    size_t count = 0;
    s_worker_t *worker;
    for (worker = (s_worker_t *) zlistx_first (self->workers); worker;
         worker = (s_worker_t *) zlistx_next (self->workers))
        if (streq (worker->service, service) && (worker->waiting || !waiting))
            count++;
    return count;
}

//  Give each waiting request of a service to the worker that has waited longest
static void
s_dispatch (broker_state_t *self, const char *service)
{
    while (true) {
        s_worker_t *worker;
        for (worker = (s_worker_t *) zlistx_first (self->workers); worker;
             worker = (s_worker_t *) zlistx_next (self->workers))
            if (worker->waiting && streq (worker->service, service))
                break;
        if (!worker)
            return;
        void *worker_handle = zlistx_cursor (self->workers);
        s_request_t *request;
        for (request = (s_request_t *) zlistx_first (self->requests); request;
             request = (s_request_t *) zlistx_next (self->requests))
            if (streq (request->service, service))
                break;
        if (!request)
            return;
        void *request_handle = zlistx_cursor (self->requests);
        zframe_t *client = zframe_new (request->client.id, request->client.id_size);
        zframe_t *empty = zframe_new_empty ();     //  7/MDP: an empty frame after the client's address
        int rc = broker_send_request (self->engine, &worker->peer, client, empty, request->body);
        zframe_destroy (&empty);
        zframe_destroy (&client);
        if (rc == 0) {
            worker->waiting = false;
            //  Busy workers go to the back: the next request takes the longest waiting
            zlistx_move_end (self->workers, worker_handle);
            zlistx_delete (self->requests, request_handle);
        }
        else
            zlistx_delete (self->workers, worker_handle);   //  Gone: the request waits for another
    }
}


//  Answer the broker's own services (7/MDP's MMI): mmi.service says whether a
//  service has workers ("200") or not ("404"); mmi.workers how many it has
static int
s_internal (broker_state_t *self, const wire_peer_t *from, const char *service, zmsg_t *body)
{
    char text [256];
    char asked [256];
    zframe_t *first = zmsg_first (body);     //  The service asked about
    snprintf (asked, sizeof (asked), "%.*s", first? (int) zframe_size (first): 0,
              first? (const char *) zframe_data (first): "");
    if (streq (service, "mmi.service"))
        snprintf (text, sizeof (text), "%s", s_workers_for (self, asked, false)? "200": "404");
    else
    if (streq (service, "mmi.workers"))
        snprintf (text, sizeof (text), "%zu", s_workers_for (self, asked, false));
    else
        snprintf (text, sizeof (text), "501");
    zmsg_t *reply = zmsg_new ();
    zmsg_addstr (reply, text);
    int rc = broker_send_reply (self->engine, from, service, reply);
    zmsg_destroy (&reply);
    return rc;
}

//  Heartbeat every worker, and forget those that stayed silent too long
static int
s_heartbeat (broker_state_t *self, void *arg)
{
    (void) arg;
    broker_api_purge_workers (self);
    s_worker_t *worker;
    for (worker = (s_worker_t *) zlistx_first (self->workers); worker;
         worker = (s_worker_t *) zlistx_next (self->workers))
        broker_send_heartbeat (self->engine, &worker->peer);
    return 0;
}


broker_state_t *
broker_state_new (broker_engine_t *engine)
{
    broker_state_t *self = (broker_state_t *) zmalloc (sizeof (broker_state_t));
    assert (self);
    self->engine = engine;
    self->workers = zlistx_new ();
    self->requests = zlistx_new ();
    assert (self->workers && self->requests);
    zlistx_set_destructor (self->workers, s_worker_destroy);
    zlistx_set_destructor (self->requests, s_request_destroy);
    return self;
}


void
broker_state_destroy (broker_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        broker_state_t *self = *self_p;
        zlistx_destroy (&self->workers);
        zlistx_destroy (&self->requests);
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (broker_engine_timer_set), send a first message. Return 0, or -1 to
//  have it logged.
//  Requirement Requests per second (throughput): 20000 msg/s: The broker routes
//  at least 20,000 requests per second with small bodies.
//  Requirement Round-trip overhead (latency): 2 ms: From REQUEST to REPLY, the
//  broker adds at most 2 ms to the time the worker takes.
//  Requirement Heartbeat interval (other): 2500 ms: Broker and workers send
//  HEARTBEAT after 2500 ms of silence; three missed heartbeats mean the peer is
//  gone.
//  HEARTBEAT is sent periodically: a repeating timer whose handler calls
//  broker_send_heartbeat fits, e.g. broker_engine_timer_set (self->engine,
//  2500, true, s_send_heartbeat, NULL).
int
broker_state_start (broker_state_t *self)
{
    return broker_engine_timer_set (self->engine, S_HEARTBEAT, true, s_heartbeat, NULL) > 0? 0: -1;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
broker_state_stop (broker_state_t *self)
{
    (void) self;
}


//  REQUEST (MDP/Client) from Client, on socket frontend: Asks for a service.
//  Frames: "MDPC01", service name, request body.
//  To answer: broker_send_reply (self->engine, from, ...)
int
broker_handle_request (broker_state_t *self, const wire_peer_t *from, const char *service, zmsg_t *body)
{
    if (strncmp (service, "mmi.", 4) == 0)
        return s_internal (self, from, service, body);
    if (s_workers_for (self, service, false) == 0) {
        //  No worker ever offered it: say so at once rather than keep the client waiting
        zmsg_t *reply = zmsg_new ();
        zmsg_addstr (reply, "404");
        int rc = broker_send_reply (self->engine, from, service, reply);
        zmsg_destroy (&reply);
        return rc;
    }
    s_request_t *request = (s_request_t *) zmalloc (sizeof (s_request_t));
    assert (request);
    request->client = *from;
    snprintf (request->service, sizeof (request->service), "%s", service);
    request->body = zmsg_dup (body);
    zlistx_add_end (self->requests, request);
    s_dispatch (self, service);
    return 0;
}


//  READY (MDP/Worker) from Echo worker, on socket backend: The first command of
//  a worker: registers it for one service. Command byte 0x01.
int
broker_handle_ready (broker_state_t *self, const wire_peer_t *from, const char *service)
{
    s_worker_t *worker = s_worker_find (self, from);
    if (!worker) {
        worker = (s_worker_t *) zmalloc (sizeof (s_worker_t));
        assert (worker);
        worker->peer = *from;
        zlistx_add_end (self->workers, worker);
    }
    snprintf (worker->service, sizeof (worker->service), "%s", service);
    worker->waiting = true;
    worker->expiry = zclock_mono () + S_HEARTBEAT * S_LIVENESS;
    s_dispatch (self, worker->service);
    return 0;
}


//  REPLY (MDP/Worker) from Echo worker, on socket backend: Answers one request;
//  the worker is then ready for the next. Command byte 0x03.
int
broker_handle_reply (broker_state_t *self, const wire_peer_t *from, zframe_t *client_2, zframe_t *empty,
                     zmsg_t *body)
{
    (void) empty;                               //  7/MDP's empty frame after the client's address
    s_worker_t *worker = s_worker_find (self, from);
    if (!worker)
        return broker_send_disconnect (self->engine, from);
    worker->waiting = true;
    worker->expiry = zclock_mono () + S_HEARTBEAT * S_LIVENESS;
    //  The client's routing id came back in the reply; clients are REQ sockets
    wire_peer_t client;
    memset (&client, 0, sizeof (client));
    client.id_size = zframe_size (client_2) < WIRE_ID_MAX? zframe_size (client_2): WIRE_ID_MAX;
    memcpy (client.id, zframe_data (client_2), client.id_size);
    client.delimiter = true;
    //  A client that left cannot be answered: that is not the broker's failure
    broker_send_reply (self->engine, &client, worker->service, body);
    s_dispatch (self, worker->service);
    return 0;
}


//  HEARTBEAT (MDP/Worker) from Echo worker, on socket backend: Sent by either
//  side after one heartbeat interval without other traffic; a peer silent for
//  three intervals is taken for dead. Command byte 0x04.
int
broker_handle_heartbeat (broker_state_t *self, const wire_peer_t *from)
{
    s_worker_t *worker = s_worker_find (self, from);
    if (worker)
        worker->expiry = zclock_mono () + S_HEARTBEAT * S_LIVENESS;
    return 0;
}


//  DISCONNECT (MDP/Worker) from Echo worker, on socket backend: Ends the
//  conversation: a worker sends it before it stops, the broker sends it to a
//  worker it does not know. Command byte 0x05.
//  To answer: broker_send_disconnect (self->engine, from, ...)
int
broker_handle_disconnect (broker_state_t *self, const wire_peer_t *from)
{
    //  s_worker_find leaves the list's cursor on the worker it found
    if (s_worker_find (self, from))
        zlistx_delete (self->workers, zlistx_cursor (self->workers));
    return 0;
}


//  API method Start: Binds the frontend and the backend and runs the broker
//  until interrupted.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
broker_api_start (broker_state_t *self)
{
    (void) self;
    return 0;               //  The broker runs from the moment it is created
}


//  API method Dispatch: Hands the queued requests of a service to its waiting
//  workers, oldest first.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
broker_api_dispatch (broker_state_t *self)
{
    s_worker_t *worker;
    for (worker = (s_worker_t *) zlistx_first (self->workers); worker;
         worker = (s_worker_t *) zlistx_next (self->workers))
        if (worker->waiting) {
            char service [256];
            snprintf (service, sizeof (service), "%s", worker->service);
            s_dispatch (self, service);
            break;
        }
    return 0;
}


//  API method Purge workers: Forgets workers that sent nothing for three
//  heartbeat intervals.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
broker_api_purge_workers (broker_state_t *self)
{
    int64_t now = zclock_mono ();
    zlistx_first (self->workers);
    void *handle = zlistx_cursor (self->workers);
    while (handle) {
        s_worker_t *worker = (s_worker_t *) zlistx_handle_item (handle);
        void *next = zlistx_next (self->workers)? zlistx_cursor (self->workers): NULL;
        if (worker->expiry < now)
            zlistx_delete (self->workers, handle);
        handle = next;
    }
    return 0;
}
