//  clone_client.c: what the Clone client node does: its state, a handler per
//  command it receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Clone”, and
//  never overwrites it: when the design gains a command, the export appends the
//  new handler's stub at the end.
//
//  Clone client (replica): Keeps a local copy of the store (or of one subtree
//  of it) and sends its own changes to the server.
//  The design runs 3 instances: give each its own name (options.name).
//  Requirement Dead server detection (latency): 2000 ms: A client notices a
//  dead server after two seconds without HUGZ or KVPUB.
//
//  The engine (src/clone_client_engine.c) runs the node in its own thread,
//  decodes each message and calls its handler here. To send, call the send
//  functions of src/clone_client_engine.h with self->engine. Changing the
//  design changes the engine; this file only ever gains the stubs of new
//  handlers.

#include "clone_client_engine.h"
#include <string.h>

//  Your state, kept while the node runs: add what you need
struct _clone_client_state_t {
    clone_client_engine_t *engine; //  To send messages
    zhash_t *values;            //  Key -> value, the replica
    char *subtree;              //  The part of the store kept
    uint64_t sequence;          //  Of the last change applied
};


static void
s_store (clone_client_state_t *self, const char *key, const byte *body, size_t body_size)
{
    if (strncmp (key, self->subtree, strlen (self->subtree)) != 0)
        return;
    char *value = strndup ((const char *) body, body_size);
    assert (value);
    zhash_update (self->values, key, value);
    free (value);
}


clone_client_state_t *
clone_client_state_new (clone_client_engine_t *engine)
{
    clone_client_state_t *self = (clone_client_state_t *) zmalloc (sizeof (clone_client_state_t));
    assert (self);
    self->engine = engine;
    self->values = zhash_new ();
    assert (self->values);
    zhash_autofree (self->values);
    self->subtree = strdup ("/client/");
    assert (self->subtree);
    return self;
}


void
clone_client_state_destroy (clone_client_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        clone_client_state_t *self = *self_p;
        zhash_destroy (&self->values);
        free (self->subtree);
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (clone_client_engine_timer_set), send a first message. Return 0, or
//  -1 to have it logged.
//  Requirement Update rate (throughput): 10000 msg/s: The server sequences and
//  publishes at least 10,000 changes per second.
//  Requirement Snapshot time (latency): 500 ms: A client joining a store of
//  100,000 entries is in sync within half a second.
//  Requirement Dead server detection (latency): 2000 ms: A client notices a
//  dead server after two seconds without HUGZ or KVPUB.
int
clone_client_state_start (clone_client_state_t *self)
{
    return clone_client_send_icanhaz (self->engine, NULL, self->subtree);
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
clone_client_state_stop (clone_client_state_t *self)
{
    (void) self;
}


//  KVSYNC (CHP Snapshot) from Clone server, on socket snapshot: One entry of
//  the snapshot.
//  To answer: clone_client_send_icanhaz (self->engine, from, ...)
int
clone_client_handle_kvsync (clone_client_state_t *self, const wire_peer_t *from, const char *key, uint64_t sequence, zlist_t *properties, const byte *body, size_t body_size)
{
    (void) from;
    (void) sequence;
    (void) properties;
    s_store (self, key, body, body_size);
    return 0;
}


//  KTHXBAI (CHP Snapshot) from Clone server, on socket snapshot: Ends the
//  snapshot.
//  To answer: clone_client_send_icanhaz (self->engine, from, ...)
int
clone_client_handle_kthxbai (clone_client_state_t *self, const wire_peer_t *from, uint64_t sequence, const char *subtree)
{
    (void) from;
    (void) subtree;
    self->sequence = sequence;
    return 0;
}


//  KVPUB (CHP Updates) from Clone server, on socket subscriber: A change to the
//  store, published to every client. The key comes first so that subscriptions
//  can filter by subtree.
int
clone_client_handle_kvpub (clone_client_state_t *self, const wire_peer_t *from, const char *key, uint64_t sequence, const byte *uuid, size_t uuid_size, zlist_t *properties, const byte *body, size_t body_size)
{
    (void) from;
    (void) uuid;
    (void) uuid_size;
    (void) properties;
    if (sequence > self->sequence)
        self->sequence = sequence;
    s_store (self, key, body, body_size);
    return 0;
}


//  HUGZ (CHP Updates) from Clone server, on socket subscriber: Published once a
//  second when there is nothing else to send, so that clients can tell the
//  server is alive.
int
clone_client_handle_hugz (clone_client_state_t *self, const wire_peer_t *from)
{
    (void) self;
    (void) from;
    return 0;               //  The server is alive: nothing else to do
}


//  API method Select subtree: Limits the client to keys under a prefix; call it
//  before connecting.
//  - prefix (string): Only keys starting with this prefix are kept.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
clone_client_api_select_subtree (clone_client_state_t *self, const char *prefix)
{
    char *subtree = strdup (prefix);
    if (!subtree)
        return -1;
    free (self->subtree);
    self->subtree = subtree;
    zhash_destroy (&self->values);
    self->values = zhash_new ();
    assert (self->values);
    zhash_autofree (self->values);
    return clone_client_send_icanhaz (self->engine, NULL, self->subtree);
}


//  API method Connect to server: Subscribes to updates, then takes a snapshot
//  and applies the queued updates newer than it.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
clone_client_api_connect_to_server (clone_client_state_t *self)
{
    return clone_client_send_icanhaz (self->engine, NULL, self->subtree);
}


//  API method Set value: Sets a key, with an optional ttl in seconds, by
//  sending KVSET; the local copy changes when the update comes back.
//  - key (string): The key.
//  - value (longstr): The new value.
//  - ttl (number): Seconds until it expires; 0 for never.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
clone_client_api_set_value (clone_client_state_t *self, const char *key, const char *value, uint64_t ttl)
{
    (void) ttl;
    zuuid_t *uuid = zuuid_new ();
    assert (uuid);
    int rc = clone_client_send_kvset (self->engine, NULL, key, 0, zuuid_data (uuid), zuuid_size (uuid), NULL,
                                      (const byte *) value, strlen (value));
    zuuid_destroy (&uuid);
    return rc;
}


//  API method Get value: Reads a key from the local copy of the store.
//  - key (string): The key to read.
//  Return a new string the caller frees, or NULL. The arguments are borrowed
//  for the call: copy what you keep.
char *
clone_client_api_get_value (clone_client_state_t *self, const char *key)
{
    const char *value = (const char *) zhash_lookup (self->values, key);
    return value? strdup (value): NULL;
}
