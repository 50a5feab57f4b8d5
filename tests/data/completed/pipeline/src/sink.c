//  sink.c: what the Sink node does: its state, a handler per command it
//  receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Parallel
//  Pipeline”, and never overwrites it: when the design gains a command, the
//  export appends the new handler's stub at the end.
//
//  Sink (result collector): Counts results and measures how long the batch
//  took, then stops the workers.
//
//  The engine (src/sink_engine.c) runs the node in its own thread, decodes each
//  message and calls its handler here. To send, call the send functions of
//  src/sink_engine.h with self->engine. Changing the design changes the engine;
//  this file only ever gains the stubs of new handlers.

#include "sink_engine.h"

//  Your state, kept while the node runs: add what you need
struct _sink_state_t {
    sink_engine_t *engine;      //  To send messages
    uint64_t announced;         //  Tasks the ventilator announced
    uint64_t done;              //  Results received
    bool waiting;               //  Collect batch waits for every announced task
};


//  Answer a waiting Collect batch once every announced task has its result
static void
s_check (sink_state_t *self)
{
    if (self->waiting && self->announced > 0 && self->done >= self->announced) {
        self->waiting = false;
        sink_engine_answer_collect_batch (self->engine, self->done);
    }
}


sink_state_t *
sink_state_new (sink_engine_t *engine)
{
    sink_state_t *self = (sink_state_t *) zmalloc (sizeof (sink_state_t));
    assert (self);
    self->engine = engine;
    return self;
}


void
sink_state_destroy (sink_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        sink_state_t *self = *self_p;
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (sink_engine_timer_set), send a first message. Return 0, or -1 to
//  have it logged.
int
sink_state_start (sink_state_t *self)
{
    (void) self;
    return 0;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
sink_state_stop (sink_state_t *self)
{
    (void) self;
}


//  BATCH-START (Task Pipeline) from Ventilator, on socket results: Announces a
//  batch, so that the sink starts its clock.
int
sink_handle_batch_start (sink_state_t *self, const wire_peer_t *from, uint64_t tasks)
{
    (void) from;
    self->announced += tasks;
    s_check (self);
    return 0;
}


//  RESULT (Task Pipeline) from Worker, on socket results: Says that one task is
//  done.
int
sink_handle_result (sink_state_t *self, const wire_peer_t *from, uint64_t workload)
{
    (void) from;
    (void) workload;
    self->done++;
    s_check (self);
    return 0;
}


//  API method Collect batch: Waits for BATCH-START, collects 100 results and
//  returns the elapsed time.
//  Return a number. The arguments are borrowed for the call: copy what you
//  keep.
uint64_t
sink_api_collect_batch (sink_state_t *self)
{
    if (self->announced > 0 && self->done >= self->announced)
        return self->done;
    self->waiting = true;
    sink_engine_defer (self->engine);
    return 0;
}
