
//  A step that may come next: the actor of the node it arrives at, the socket
//  and the command (as the codec names it)
typedef struct {
    zactor_t *actor;
    const char *socket;
    const char *command;
} s_next_t;

//  Waits up to msecs until one of the steps arrives; the nodes it arrives at
//  were started in the test-only mode that reports each message they receive
//  up their actor's pipe (and still calls your handler)
static bool
s_received (const s_next_t *next, size_t count, int msecs)
{
    zpoller_t *poller = zpoller_new (NULL);
    assert (poller);
    size_t index;
    for (index = 0; index < count; index++) {
        size_t before;
        for (before = 0; before < index; before++)
            if (next [before].actor == next [index].actor)
                break;
        if (before == index)
            zpoller_add (poller, next [index].actor);
    }
    int64_t deadline = zclock_mono () + msecs;
    bool seen = false;
    while (!seen && zclock_mono () < deadline) {
        void *which = zpoller_wait (poller, (int) (deadline - zclock_mono ()));
        if (!which)
            break;
        zmsg_t *report = zmsg_recv (which);
        char *kind = zmsg_popstr (report);
        char *socket = zmsg_popstr (report);
        char *command = zmsg_popstr (report);
        for (index = 0; index < count; index++)
            if (which == next [index].actor && kind && socket && command && streq (kind, "RECEIVED")
            &&  streq (socket, next [index].socket) && streq (command, next [index].command))
                seen = true;
        zstr_free (&kind);
        zstr_free (&socket);
        zstr_free (&command);
        zmsg_destroy (&report);
    }
    zpoller_destroy (&poller);
    return seen;
}
