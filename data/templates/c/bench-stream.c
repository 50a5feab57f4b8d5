//  The sending side, in its own thread: probes until told to go (a
//  publisher's subscription takes a moment), then sends count messages
static void
s_sender (zsock_t *pipe, void *args)
{
    const char *endpoint = (const char *) args;
    zsock_t *output = s_sender_new ();
    int rc = zsock_connect (output, "%s", endpoint);
    zsock_signal (pipe, rc == 0? 0: 1);
    while (S_PUBLISHES && !(zsock_events (pipe) & ZMQ_POLLIN)) {
        wire_send_probe (output, S_SENDER_ENVELOPE, "");
        zclock_sleep (1);
    }
    int64_t count = 0;
    if (zsock_recv (pipe, "8", &count) == 0) {
        wire_peer_t to = wire_peer ("receiver", false);
        int64_t index;
        for (index = 0; index < count; index++)
            if (s_send (output, S_SENDER_ENVELOPE, &to) == -1)
                break;
    }
    char *command = zstr_recv (pipe);
    zstr_free (&command);
    zsock_destroy (&output);
}


static double
s_run (zsock_t *input, const char *endpoint, int64_t count)
{
    zactor_t *sender = zactor_new (s_sender, (void *) endpoint);
    assert (sender);
    wire_msg_t *msg = wire_msg_new ();
    //  Wait for the first probe: from then on nothing is dropped
    if (S_PUBLISHES && wire_msg_recv (msg, input, S_RECEIVER_ENVELOPE) == -1)
        count = 0;
    int64_t start = zclock_usecs ();
    zsock_send (sender, "8", count);
    int64_t index;
    for (index = 0; index < count; index++)
        if (s_recv (msg, input, S_RECEIVER_ENVELOPE) != S_COMMAND)
            break;
    int64_t elapsed = zclock_usecs () - start;
    wire_msg_destroy (&msg);
    zactor_destroy (&sender);
    if (index < count) {
        fprintf (stderr, "only %" PRId64 " of %" PRId64 " messages arrived\n", index, count);
        return -1;
    }
    return elapsed > 0? count * 1e6 / elapsed: 0;
}
