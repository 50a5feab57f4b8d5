//  worker.c: what the Worker node does: its state, a handler per command it
//  receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Parallel
//  Pipeline”, and never overwrites it: when the design gains a command, the
//  export appends the new handler's stub at the end.
//
//  Worker (worker): Four identical workers; add more to finish a batch sooner.
//  The design runs 4 instances: give each its own name (options.name).
//  Requirement Worker utilisation (other): 90 %: Workers are busy at least 90 %
//  of the batch: round-robin keeps them evenly loaded.
//
//  The engine (src/worker_engine.c) runs the node in its own thread, decodes
//  each message and calls its handler here. To send, call the send functions of
//  src/worker_engine.h with self->engine. Changing the design changes the
//  engine; this file only ever gains the stubs of new handlers.

#include "worker_engine.h"

//  Your state, kept while the node runs: add what you need
struct _worker_state_t {
    worker_engine_t *engine;    //  To send messages
    bool killed;                //  The sink said stop
};


worker_state_t *
worker_state_new (worker_engine_t *engine)
{
    worker_state_t *self = (worker_state_t *) zmalloc (sizeof (worker_state_t));
    assert (self);
    self->engine = engine;
    return self;
}


void
worker_state_destroy (worker_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        worker_state_t *self = *self_p;
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (worker_engine_timer_set), send a first message. Return 0, or -1 to
//  have it logged.
//  Requirement Task rate (throughput): 5000 msg/s: The ventilator can hand out
//  at least 5,000 tasks per second.
//  Requirement Worker utilisation (other): 90 %: Workers are busy at least 90 %
//  of the batch: round-robin keeps them evenly loaded.
int
worker_state_start (worker_state_t *self)
{
    (void) self;
    return 0;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
worker_state_stop (worker_state_t *self)
{
    (void) self;
}


//  TASK (Task Pipeline) from Ventilator, on socket tasks: One unit of work.
//  Then (flow Batch): worker_send_result (self->engine, NULL, ...)
int
worker_handle_task (worker_state_t *self, const wire_peer_t *from, uint64_t workload)
{
    (void) from;
    if (self->killed)
        return 0;
    return worker_send_result (self->engine, NULL, workload);
}


//  KILL (Pipeline Control) from Sink, on socket control: Tells every worker to
//  exit once the batch is complete.
int
worker_handle_kill (worker_state_t *self, const wire_peer_t *from)
{
    (void) from;
    self->killed = true;
    return 0;
}


//  API method Process task: Works for the task's workload in milliseconds, then
//  reports the result.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
worker_api_process_task (worker_state_t *self)
{
    (void) self;
    return 0;
}
