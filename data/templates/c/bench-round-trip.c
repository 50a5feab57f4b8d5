//  Request and reply in turns, in one thread: the rate is round trips
static double
s_run (zsock_t *input, const char *endpoint, int64_t count)
{
    zsock_t *output = s_sender_new ();
    if (zsock_connect (output, "%s", endpoint) == -1) {
        zsock_destroy (&output);
        return -1;
    }
    wire_msg_t *msg = wire_msg_new ();
    wire_peer_t to = wire_peer ("receiver", S_DELIMITER);
    int64_t start = zclock_usecs ();
    int64_t index;
    for (index = 0; index < count; index++) {
        if (s_send (output, S_SENDER_ENVELOPE, &to) == -1
        ||  s_recv (msg, input, S_RECEIVER_ENVELOPE) != S_COMMAND
        ||  s_send (input, S_RECEIVER_ENVELOPE, wire_msg_peer (msg)) == -1
        ||  s_recv (msg, output, S_SENDER_ENVELOPE) != S_COMMAND)
            break;
    }
    int64_t elapsed = zclock_usecs () - start;
    wire_msg_destroy (&msg);
    zsock_destroy (&output);
    if (index < count) {
        fprintf (stderr, "the round trips stopped after %" PRId64 "\n", index);
        return -1;
    }
    return elapsed > 0? count * 1e6 / elapsed: 0;
}
