//  ventilator.c: what the Ventilator node does: its state, a handler per
//  command it receives, its API methods.
//
//  Yours to edit. Moped wrote this file once, from the design “Parallel
//  Pipeline”, and never overwrites it: when the design gains a command, the
//  export appends the new handler's stub at the end.
//
//  Ventilator (task source): Generates a batch of 100 tasks once all workers
//  are ready.
//
//  The engine (src/ventilator_engine.c) runs the node in its own thread,
//  decodes each message and calls its handler here. To send, call the send
//  functions of src/ventilator_engine.h with self->engine. Changing the design
//  changes the engine; this file only ever gains the stubs of new handlers.

#include "ventilator_engine.h"

//  Your state, kept while the node runs: add what you need
struct _ventilator_state_t {
    ventilator_engine_t *engine; //  To send messages
    uint64_t rounds;            //  Batches sent
};


//  One batch: tell the sink how many tasks, then hand them to the workers
static int
s_batch (ventilator_state_t *self, void *arg)
{
    (void) arg;
    uint64_t tasks = 3;
    if (ventilator_send_batch_start (self->engine, NULL, tasks) == -1)
        return -1;
    uint64_t index;
    for (index = 0; index < tasks; index++)
        if (ventilator_send_task (self->engine, NULL, 1 + (self->rounds + index) % 10) == -1)
            return -1;
    self->rounds++;
    return 0;
}


ventilator_state_t *
ventilator_state_new (ventilator_engine_t *engine)
{
    ventilator_state_t *self = (ventilator_state_t *) zmalloc (sizeof (ventilator_state_t));
    assert (self);
    self->engine = engine;
    return self;
}


void
ventilator_state_destroy (ventilator_state_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        ventilator_state_t *self = *self_p;
        free (self);
        *self_p = NULL;
    }
}


//  Runs once the node has started, in its thread, before any message: set
//  timers (ventilator_engine_timer_set), send a first message. Return 0, or -1
//  to have it logged.
//  Requirement Task rate (throughput): 5000 msg/s: The ventilator can hand out
//  at least 5,000 tasks per second.
int
ventilator_state_start (ventilator_state_t *self)
{
    //  A batch every 100 ms, as long as the node runs
    return ventilator_engine_timer_set (self->engine, 100, true, s_batch, NULL) > 0? 0: -1;
}


//  Runs when the node is asked to stop, before its sockets close: a goodbye
//  message fits here
void
ventilator_state_stop (ventilator_state_t *self)
{
    (void) self;
}


//  API method Start batch: Tells the sink a batch begins, then sends 100 tasks
//  with random workloads.
//  Return 0, or -1 when it failed. The arguments are borrowed for the call:
//  copy what you keep.
int
ventilator_api_start_batch (ventilator_state_t *self)
{
    return s_batch (self, NULL);
}
