//  server.c: the Server of tests/data/machine/machine.moped, grown by hand for
//  tests/machine-peer.c: it answers each command and counts what its handlers
//  were given, so that the test can tell a refused command never reached one.
//
//  SPDX-License-Identifier: MPL-2.0

#include "server_engine.h"

//  Read by tests/machine-peer.c after a reply has come back (the handlers run
//  in the node's thread, in the order the messages arrived)
extern int machine_handled [4];          //  HELLO, PING, WORK, BYE
extern int machine_refused_rc;           //  A send its state did not allow
extern int machine_refused_errno;
extern const char *machine_state_in_ping;  //  The engine's state function, in a handler
int machine_handled [4];
int machine_refused_rc;
int machine_refused_errno;
const char *machine_state_in_ping;

struct _server_state_t {
    server_engine_t *engine;    //  To send messages
};


server_state_t *
server_state_new (server_engine_t *engine)
{
    server_state_t *self = (server_state_t *) zmalloc (sizeof (server_state_t));
    assert (self);
    self->engine = engine;
    return self;
}


void
server_state_destroy (server_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        server_state_t *self = *self_p;
        free (self);
        *self_p = NULL;
    }
}


int
server_state_start (server_state_t *self)
{
    (void) self;
    return 0;
}


void
server_state_stop (server_state_t *self)
{
    (void) self;
}


int
server_handle_hello (server_state_t *self, const wire_peer_t *from)
{
    machine_handled [0]++;
    return server_send_welcome (self->engine, from);
}


int
server_handle_ping (server_state_t *self, const wire_peer_t *from)
{
    machine_handled [1]++;
    machine_state_in_ping = server_engine_protocol_state (self->engine, "session", from);
    return server_send_pong (self->engine, from);
}


int
server_handle_work (server_state_t *self, const wire_peer_t *from, const char *job)
{
    machine_handled [2]++;
    return server_send_done (self->engine, from, job);
}


//  The session is over: a PONG now breaks the protocol, and the engine refuses it
int
server_handle_bye (server_state_t *self, const wire_peer_t *from)
{
    machine_handled [3]++;
    errno = 0;
    machine_refused_rc = server_send_pong (self->engine, from);
    machine_refused_errno = errno;
    return 0;
}
