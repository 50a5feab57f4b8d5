//  clone_server.c: what the Clone server node does: its state, a handler per
//  command it receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Clone”, and
//  never overwrites it: when the design gains a command, the export appends the
//  new handler's stub at the end.
//
//  Clone server (key-value store): Holds the one true copy of the store. Gives
//  every change the next sequence number and republishes it.
//
//  The engine (src/clone_server_engine.c) runs the node in its own thread,
//  decodes each message and calls its handler here. To send, call the send
//  functions of src/clone_server_engine.h with self->engine. Changing the
//  design changes the engine; this file only ever gains the stubs of new
//  handlers.

#include "clone_server_engine.h"
#include <string.h>

//  Your state, kept while the node runs: add what you need
struct _clone_server_state_t {
    clone_server_engine_t *engine; //  To send messages
    zhash_t *values;            //  Key -> value
    uint64_t sequence;          //  Of the last change
};


static int
s_hugz (clone_server_state_t *self, void *arg)
{
    (void) arg;
    return clone_server_send_hugz (self->engine, NULL);
}


clone_server_state_t *
clone_server_state_new (clone_server_engine_t *engine)
{
    clone_server_state_t *self = (clone_server_state_t *) zmalloc (sizeof (clone_server_state_t));
    assert (self);
    self->engine = engine;
    self->values = zhash_new ();
    assert (self->values);
    zhash_autofree (self->values);
    return self;
}


void
clone_server_state_destroy (clone_server_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        clone_server_state_t *self = *self_p;
        zhash_destroy (&self->values);
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (clone_server_engine_timer_set), send a first message. Return 0, or
//  -1 to have it logged.
//  Requirement Update rate (throughput): 10000 msg/s: The server sequences and
//  publishes at least 10,000 changes per second.
//  Requirement Snapshot time (latency): 500 ms: A client joining a store of
//  100,000 entries is in sync within half a second.
int
clone_server_state_start (clone_server_state_t *self)
{
    return clone_server_engine_timer_set (self->engine, 1000, true, s_hugz, NULL) > 0? 0: -1;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
clone_server_state_stop (clone_server_state_t *self)
{
    (void) self;
}


//  ICANHAZ (CHP Snapshot) from Clone client, on socket snapshot: Asks for a
//  snapshot of the store.
//  To answer: clone_server_send_kvsync (self->engine, from, ...)
int
clone_server_handle_icanhaz (clone_server_state_t *self, const wire_peer_t *from, const char *subtree)
{
    //  The snapshot: every value under the subtree, then KTHXBAI
    zlist_t *keys = zhash_keys (self->values);
    const char *key;
    int rc = 0;
    for (key = (const char *) zlist_first (keys); key && rc == 0; key = (const char *) zlist_next (keys))
        if (strncmp (key, subtree, strlen (subtree)) == 0) {
            const char *value = (const char *) zhash_lookup (self->values, key);
            rc = clone_server_send_kvsync (self->engine, from, key, self->sequence, NULL,
                                           (const byte *) value, strlen (value));
        }
    zlist_destroy (&keys);
    if (rc == 0)
        rc = clone_server_send_kthxbai (self->engine, from, self->sequence, subtree);
    return rc;
}


//  KVSET (CHP Changes) from Clone client, on socket collector: A change a
//  client wants made.
int
clone_server_handle_kvset (clone_server_state_t *self, const wire_peer_t *from, const char *key, uint64_t sequence, const byte *uuid, size_t uuid_size, zlist_t *properties, const byte *body, size_t body_size)
{
    (void) from;
    (void) sequence;
    char *value = strndup ((const char *) body, body_size);
    assert (value);
    zhash_update (self->values, key, value);
    free (value);
    self->sequence++;
    //  Every replica gets the change, with the server's sequence number
    return clone_server_send_kvpub (self->engine, NULL, key, self->sequence, uuid, uuid_size, properties,
                                    body, body_size);
}


//  API method Start: Binds the three sockets and serves until interrupted.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
clone_server_api_start (clone_server_state_t *self)
{
    (void) self;
    return 0;
}


//  API method Flush expired: Deletes the entries whose ttl has passed and
//  publishes the deletions.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
clone_server_api_flush_expired (clone_server_state_t *self)
{
    (void) self;
    return 0;               //  No value here has a time to live
}
