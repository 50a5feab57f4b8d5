/* bench-codec.c: messages per second of an exported codec, next to raw libzmq and czmq's zmsg.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Built by run.sh against the code `moped export c` makes from bench-codec.moped: a
 * command SET with two string fields. Every variant moves the same three frames
 * ("SET", the key, the value) from a PUSH in one thread to a PULL in another, and
 * the receiver reads both strings:
 *   raw    zmq_msg_t multipart with zmq_msg_send / zmq_msg_recv (the floor),
 *   zmsg   czmq's zmsg: zmsg_addstr to send, zmsg_popstr to receive,
 *   codec  the generated codec_send_set, and codec_recv + codec_get_set.
 * Each variant is measured two ways: pipelined (the sender in its own thread, as in
 * an application), and in one thread that sends a batch of messages, then receives
 * it (the cost of both sides together, steady even when other programs compete for
 * the cores). Variants alternate over several rounds; each is printed as the median
 * of its per-round ratio to raw libzmq (measured in the same round, so that a busy
 * machine slows both alike), with the lowest and highest ratio beside it. Targets
 * (on the medians): codec >= 80 % of raw, codec >= zmsg.
 */
#include <czmq.h>
#include <inttypes.h>

#include "codec.h"

#define ROUNDS 7
#define BATCH 500
#define KEY "key:0001"
#define VALUE "value:0123456789"

typedef enum { VARIANT_RAW, VARIANT_ZMSG, VARIANT_CODEC, N_VARIANTS } variant_t;

static const char *variant_names[N_VARIANTS] = { "raw libzmq", "czmq zmsg", "generated codec" };

typedef struct {
    variant_t variant;
    const char *endpoint;
    int64_t count;
} job_t;

static int
s_compare_doubles (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y? -1: x > y;
}


static int
s_send_raw (void *handle, const char *text, int more)
{
    size_t size = strlen (text);
    zmq_msg_t frame;
    zmq_msg_init_size (&frame, size);
    memcpy (zmq_msg_data (&frame), text, size);
    if (zmq_msg_send (&frame, handle, more) == -1) {
        zmq_msg_close (&frame);
        return -1;
    }
    return 0;
}

static int
s_send_one (variant_t variant, zsock_t *output)
{
    if (variant == VARIANT_RAW) {
        void *handle = zsock_resolve (output);
        return s_send_raw (handle, "SET", ZMQ_SNDMORE) == -1
            || s_send_raw (handle, KEY, ZMQ_SNDMORE) == -1
            || s_send_raw (handle, VALUE, 0) == -1? -1: 0;
    }
    if (variant == VARIANT_ZMSG) {
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "SET");
        zmsg_addstr (msg, KEY);
        zmsg_addstr (msg, VALUE);
        return zmsg_send (&msg, output);
    }
    return codec_send_set (output, WIRE_ENVELOPE_PLAIN, NULL, KEY, VALUE);
}


static void
s_sender (zsock_t *pipe, void *args)
{
    job_t *job = (job_t *) args;
    zsock_t *output = zsock_new_push (job->endpoint);
    if (!output)
        exit (2);
    zsock_signal (pipe, 0);
    int64_t index;
    for (index = 0; index < job->count; index++)
        if (s_send_one (job->variant, output) == -1)
            break;
    //  Wait for $TERM
    char *command = zstr_recv (pipe);
    zstr_free (&command);
    zsock_destroy (&output);
}

//  Receives one message and reads its strings; returns their total length
static size_t
s_receive_one (variant_t variant, zsock_t *input, zmq_msg_t *frame, wire_msg_t *msg)
{
    size_t total = 0;
    if (variant == VARIANT_RAW) {
        void *handle = zsock_resolve (input);
        do {
            if (zmq_msg_recv (frame, handle, 0) == -1)
                break;
            total += zmq_msg_size (frame);
        } while (zmq_msg_more (frame));
    }
    else
    if (variant == VARIANT_ZMSG) {
        zmsg_t *message = zmsg_recv (input);
        char *command = zmsg_popstr (message);
        char *key = zmsg_popstr (message);
        char *value = zmsg_popstr (message);
        total = strlen (command) + strlen (key) + strlen (value);
        zstr_free (&command);
        zstr_free (&key);
        zstr_free (&value);
        zmsg_destroy (&message);
    }
    else {
        const char *key, *value;
        if (codec_recv (msg, input, WIRE_ENVELOPE_PLAIN) == CODEC_SET && codec_get_set (msg, &key, &value) == 0)
            total = 3 + strlen (key) + strlen (value);
    }
    return total;
}


//  Receives count messages; returns the total length of the strings read
static size_t
s_receive (variant_t variant, zsock_t *input, int64_t count)
{
    size_t total = 0;
    zmq_msg_t frame;
    zmq_msg_init (&frame);
    wire_msg_t *msg = wire_msg_new ();
    int64_t index;
    for (index = 0; index < count; index++)
        total += s_receive_one (variant, input, &frame, msg);
    wire_msg_destroy (&msg);
    zmq_msg_close (&frame);
    return total;
}


//  Both sides in one thread, a batch at a time (below the high-water mark)
static size_t
s_batches (variant_t variant, zsock_t *input, zsock_t *output, int64_t count)
{
    size_t total = 0;
    zmq_msg_t frame;
    zmq_msg_init (&frame);
    wire_msg_t *msg = wire_msg_new ();
    int64_t index, batch;
    for (index = 0; index < count; index += BATCH) {
        int64_t size = count - index < BATCH? count - index: BATCH;
        for (batch = 0; batch < size; batch++)
            s_send_one (variant, output);
        for (batch = 0; batch < size; batch++)
            total += s_receive_one (variant, input, &frame, msg);
    }
    wire_msg_destroy (&msg);
    zmq_msg_close (&frame);
    return total;
}

//  Messages per second of one variant over one transport
static double
s_run (variant_t variant, bool tcp, bool pipelined, int64_t count, int round)
{
    zsock_t *input = zsock_new (ZMQ_PULL);
    //  A closed socket lets go of its inproc name a little later: a new one each run
    int rc = tcp? zsock_bind (input, "tcp://127.0.0.1:*")
                : zsock_bind (input, "inproc://bench-codec-%d-%d-%d", (int) variant, round, pipelined);
    if (rc == -1) {
        fprintf (stderr, "cannot bind: %s\n", zmq_strerror (zmq_errno ()));
        exit (2);
    }
    char *bound = zsock_last_endpoint (input);
    char endpoint [256];
    snprintf (endpoint, sizeof (endpoint), ">%s", bound);
    zstr_free (&bound);
    job_t job = { variant, endpoint, count };

    size_t total;
    int64_t start = zclock_usecs ();
    if (pipelined) {
        zactor_t *sender = zactor_new (s_sender, &job);
        total = s_receive (variant, input, count);
        start = zclock_usecs () - start;
        zactor_destroy (&sender);
    }
    else {
        zsock_t *output = zsock_new_push (endpoint);
        //  The connection is made at once with inproc, and takes a moment with tcp
        while (tcp && !(zsock_events (output) & ZMQ_POLLOUT))
            zclock_sleep (1);
        start = zclock_usecs ();
        total = s_batches (variant, input, output, count);
        start = zclock_usecs () - start;
        zsock_destroy (&output);
    }
    int64_t elapsed = start;
    zsock_destroy (&input);
    size_t expected = (size_t) count * (3 + strlen (KEY) + strlen (VALUE));
    if (total != expected) {
        fprintf (stderr, "%s: received %zu bytes of strings, expected %zu\n",
                 variant_names [variant], total, expected);
        exit (2);
    }
    return count * 1e6 / elapsed;
}

int
main (int argc, char *argv [])
{
    int64_t count = argc > 1? atoll (argv [1]): 1000000;
    bool passed = true;
    int transport;
    printf ("%" PRId64 " messages of 3 frames (SET, key, value), PUSH to PULL, %d rounds:\n"
            "median rate, and median %% of raw in the same round (lowest-highest)\n", count, ROUNDS);
    for (transport = 0; transport < 4; transport++) {
        bool tcp = transport % 2 == 1;
        bool pipelined = transport < 2;
        const char *how = pipelined? "two threads": "one thread";
        double rates [N_VARIANTS][ROUNDS], ratios [N_VARIANTS][ROUNDS], codec_to_zmsg [ROUNDS];
        int round, variant;
        for (round = 0; round < ROUNDS; round++) {
            for (variant = 0; variant < N_VARIANTS; variant++)
                rates [variant][round] = s_run ((variant_t) variant, tcp, pipelined, count, round);
            for (variant = 0; variant < N_VARIANTS; variant++)
                ratios [variant][round] = rates [variant][round] / rates [VARIANT_RAW][round];
            codec_to_zmsg [round] = rates [VARIANT_CODEC][round] / rates [VARIANT_ZMSG][round];
        }
        double median [N_VARIANTS];
        for (variant = 0; variant < N_VARIANTS; variant++) {
            qsort (rates [variant], ROUNDS, sizeof (double), s_compare_doubles);
            qsort (ratios [variant], ROUNDS, sizeof (double), s_compare_doubles);
            median [variant] = ratios [variant][ROUNDS / 2];
            printf ("  %-6s %-11s  %-16s %10.0f msg/s  %5.1f %% of raw (%.1f-%.1f)\n", tcp? "tcp": "inproc",
                    how, variant_names [variant], rates [variant][ROUNDS / 2], 100 * median [variant],
                    100 * ratios [variant][0], 100 * ratios [variant][ROUNDS - 1]);
        }
        qsort (codec_to_zmsg, ROUNDS, sizeof (double), s_compare_doubles);
        bool met = median [VARIANT_CODEC] >= 0.8 && codec_to_zmsg [ROUNDS / 2] >= 1.0;
        printf ("  %-6s %-11s  target (codec >= 80 %% of raw, >= zmsg): %s\n", tcp? "tcp": "inproc",
                how, met? "met": "NOT met");
        passed = passed && met;
    }
    return passed? 0: 1;
}
