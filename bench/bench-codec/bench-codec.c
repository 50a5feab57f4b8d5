/* bench-codec.c: messages per second of exported codecs, each next to raw libzmq moving the same frames.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Built by run.sh against the code `moped export c` makes from bench-codec.moped: two
 * protocols with the same commands, SET (2 string fields) and RECORD (string, number,
 * string, 100 bytes, number), one multipart (a frame per field), one packed (all fields
 * in one frame, zproto's layout). A PUSH in one thread sends, a PULL in another receives
 * and reads every field. Each codec is measured against raw libzmq moving the same bytes
 * over the same socket types with the same (default) high-water marks:
 *   raw multipart  zmq_msg_send of the command frame and one frame per field,
 *   raw single     zmq_msg_send of one frame holding the packed bytes (prepared once),
 * and the raw receivers touch what they received. Every receiver touches its data alike,
 * in constant time: a raw receiver the first and last byte of each frame, a codec's the
 * first byte of each text field it read (a strlen there would charge the codec for work
 * the raw receiver is not asked to do), and only the raw senders resolve the socket
 * (a codec's send function does that itself).
 *
 * The machine this runs on may be shared: wall-clock rates then say more about the other
 * programs than about the codec. So the process keeps all its threads (sender, receiver,
 * libzmq's I/O thread) on the one core it starts on, and a round's rate is its messages
 * per second of CPU time the process used: the rate the pipeline has on a core of its
 * own, whatever else runs (the wall-clock rate is printed too). Variants alternate over
 * ROUNDS rounds, after one warm-up round each, so that a busy machine slows them alike;
 * the median counts, and the spread (lowest and highest round) is printed, with the
 * spread of the round-by-round ratios. Targets: each codec >= 0.8x its raw baseline, for
 * both messages over inproc and tcp.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE             //  sched_setaffinity, sched_getcpu
#endif
#include <sched.h>
#include <time.h>
#include <czmq.h>
#include <inttypes.h>

#include "multi.h"
#include "packed.h"

#define ROUNDS 9
#define NAME "name:0001"
#define LABEL "label:0123456789"
#define KEY "key:0001"
#define VALUE "value:0123456789"
#define BLOB_SIZE 100

typedef enum { RAW_MULTIPART, CODEC_MULTIPART, RAW_SINGLE, CODEC_PACKED, N_VARIANTS } variant_t;

static const char *variant_names [N_VARIANTS] = {
    "raw multipart", "multipart codec", "raw single frame", "packed codec"
};
//  The raw baseline each codec is measured against
static const variant_t baseline_of [N_VARIANTS] = { RAW_MULTIPART, RAW_MULTIPART, RAW_SINGLE, RAW_SINGLE };

typedef struct {
    bool record;                //  RECORD (5 fields), else SET (2 fields)
    byte blob [BLOB_SIZE];
    byte packed [512];          //  The packed frame, for the raw single-frame sender
    size_t packed_size;
} message_t;

typedef struct {
    variant_t variant;
    const message_t *message;
    const char *endpoint;
    int64_t count;
} job_t;

static void
s_put (byte **needle, const void *data, size_t size)
{
    memcpy (*needle, data, size);
    *needle += size;
}

static void
s_put_number (byte **needle, uint64_t value, size_t size)
{
    size_t index;
    for (index = 0; index < size; index++)
        *(*needle)++ = (byte) (value >> (8 * (size - 1 - index)));
}

//  The bytes zproto's codec would send for the message (signature 1)
static void
s_message_init (message_t *self, bool record)
{
    memset (self, 0, sizeof (*self));
    self->record = record;
    size_t index;
    for (index = 0; index < BLOB_SIZE; index++)
        self->blob [index] = (byte) index;
    byte *needle = self->packed;
    s_put_number (&needle, 0xAAA1, 2);
    s_put_number (&needle, record? 2: 1, 1);
    if (record) {
        s_put_number (&needle, strlen (NAME), 1);
        s_put (&needle, NAME, strlen (NAME));
        s_put_number (&needle, 42, 8);
        s_put_number (&needle, strlen (LABEL), 1);
        s_put (&needle, LABEL, strlen (LABEL));
        s_put_number (&needle, BLOB_SIZE, 4);
        s_put (&needle, self->blob, BLOB_SIZE);
        s_put_number (&needle, 7, 8);
    }
    else {
        s_put_number (&needle, strlen (KEY), 1);
        s_put (&needle, KEY, strlen (KEY));
        s_put_number (&needle, strlen (VALUE), 1);
        s_put (&needle, VALUE, strlen (VALUE));
    }
    self->packed_size = (size_t) (needle - self->packed);
}

static int
s_send_raw (void *handle, const void *data, size_t size, int more)
{
    zmq_msg_t frame;
    zmq_msg_init_size (&frame, size);
    memcpy (zmq_msg_data (&frame), data, size);
    if (zmq_msg_send (&frame, handle, more) == -1) {
        zmq_msg_close (&frame);
        return -1;
    }
    return 0;
}

static int
s_send_one (variant_t variant, const message_t *m, zsock_t *output)
{
    //  Only the raw senders use the handle (a codec resolves the socket itself)
    void *handle;
    byte number [2][8];
    byte *needle;
    switch (variant) {
        case RAW_MULTIPART:
            handle = zsock_resolve (output);
            if (!m->record)
                return s_send_raw (handle, "SET", 3, ZMQ_SNDMORE) == -1
                    || s_send_raw (handle, KEY, strlen (KEY), ZMQ_SNDMORE) == -1
                    || s_send_raw (handle, VALUE, strlen (VALUE), 0) == -1? -1: 0;
            needle = number [0];
            s_put_number (&needle, 42, 8);
            needle = number [1];
            s_put_number (&needle, 7, 8);
            return s_send_raw (handle, "RECORD", 6, ZMQ_SNDMORE) == -1
                || s_send_raw (handle, NAME, strlen (NAME), ZMQ_SNDMORE) == -1
                || s_send_raw (handle, number [0], 8, ZMQ_SNDMORE) == -1
                || s_send_raw (handle, LABEL, strlen (LABEL), ZMQ_SNDMORE) == -1
                || s_send_raw (handle, m->blob, BLOB_SIZE, ZMQ_SNDMORE) == -1
                || s_send_raw (handle, number [1], 8, 0) == -1? -1: 0;
        case RAW_SINGLE:
            handle = zsock_resolve (output);
            return s_send_raw (handle, m->packed, m->packed_size, 0);
        case CODEC_MULTIPART:
            return m->record? multi_send_record (output, WIRE_ENVELOPE_PLAIN, NULL, NAME, 42, LABEL, m->blob, BLOB_SIZE, 7)
                            : multi_send_set (output, WIRE_ENVELOPE_PLAIN, NULL, KEY, VALUE);
        case CODEC_PACKED:
        default:
            return m->record? packed_send_record (output, WIRE_ENVELOPE_PLAIN, NULL, NAME, 42, LABEL, m->blob, BLOB_SIZE, 7)
                            : packed_send_set (output, WIRE_ENVELOPE_PLAIN, NULL, KEY, VALUE);
    }
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
        if (s_send_one (job->variant, job->message, output) == -1)
            break;
    //  Wait for $TERM
    char *command = zstr_recv (pipe);
    zstr_free (&command);
    zsock_destroy (&output);
}

//  Receives one message and reads its fields; returns the bytes of data read
static size_t
s_receive_one (variant_t variant, const message_t *m, zsock_t *input, zmq_msg_t *frame, wire_msg_t *msg)
{
    size_t total = 0;
    const char *a, *b;
    const byte *blob;
    size_t blob_size;
    uint64_t count, seq;
    if (variant == RAW_MULTIPART || variant == RAW_SINGLE) {
        void *handle = zsock_resolve (input);
        do {
            if (zmq_msg_recv (frame, handle, 0) == -1)
                break;
            //  What any receiver does: read the bytes (first and last here),
            //  which brings them into the cache as a codec's reading does
            const byte *data = (const byte *) zmq_msg_data (frame);
            size_t size = zmq_msg_size (frame);
            total += size + (size? data [0] + data [size - 1]: 0);
        } while (zmq_msg_more (frame));
        return total;
    }
    bool packed = variant == CODEC_PACKED;
    int command = packed? packed_recv (msg, input, WIRE_ENVELOPE_PLAIN): multi_recv (msg, input, WIRE_ENVELOPE_PLAIN);
    if (m->record) {
        if (command == (packed? PACKED_RECORD: MULTI_RECORD)
        && (packed? packed_get_record (msg, &a, &count, &b, &blob, &blob_size, &seq)
                  : multi_get_record (msg, &a, &count, &b, &blob, &blob_size, &seq)) == 0
        &&  count == 42 && seq == 7 && blob [BLOB_SIZE - 1] == BLOB_SIZE - 1)
            total = (byte) a [0] + (byte) b [0] + blob_size + 16;
    }
    else
    if (command == (packed? PACKED_SET: MULTI_SET)
    && (packed? packed_get_set (msg, &a, &b): multi_get_set (msg, &a, &b)) == 0)
        total = (byte) a [0] + (byte) b [0];
    return total;
}

static double
s_seconds (clockid_t clock)
{
    struct timespec now;
    clock_gettime (clock, &now);
    return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}


//  One round of one variant over one transport: its messages per second of
//  the process's CPU time (*cpu_rate) and of wall-clock time (*wall_rate)
static void
s_run (variant_t variant, const message_t *m, bool tcp, int64_t count, int round,
       double *cpu_rate, double *wall_rate)
{
    zsock_t *input = zsock_new (ZMQ_PULL);
    //  A closed socket lets go of its inproc name a little later: a new one each run
    int rc = tcp? zsock_bind (input, "tcp://127.0.0.1:*")
                : zsock_bind (input, "inproc://bench-codec-%d-%d-%d", (int) variant, (int) m->record, round);
    if (rc == -1) {
        fprintf (stderr, "cannot bind: %s\n", zmq_strerror (zmq_errno ()));
        exit (2);
    }
    char *bound = zsock_last_endpoint (input);
    char endpoint [256];
    snprintf (endpoint, sizeof (endpoint), ">%s", bound);
    zstr_free (&bound);
    job_t job = { variant, m, endpoint, count };
    zmq_msg_t frame;
    zmq_msg_init (&frame);
    wire_msg_t *msg = wire_msg_new ();

    double cpu_start = s_seconds (CLOCK_PROCESS_CPUTIME_ID);
    double wall_start = s_seconds (CLOCK_MONOTONIC);
    zactor_t *sender = zactor_new (s_sender, &job);
    size_t total = 0;
    int64_t index;
    for (index = 0; index < count; index++)
        total += s_receive_one (variant, m, input, &frame, msg);
    double wall = s_seconds (CLOCK_MONOTONIC) - wall_start;
    double cpu = s_seconds (CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    zactor_destroy (&sender);
    wire_msg_destroy (&msg);
    zmq_msg_close (&frame);
    zsock_destroy (&input);
    if (total == 0) {
        fprintf (stderr, "%s: received nothing readable\n", variant_names [variant]);
        exit (2);
    }
    *cpu_rate = (double) count / (cpu > 0? cpu: 1e-9);
    *wall_rate = (double) count / (wall > 0? wall: 1e-9);
}


static int
s_compare (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y? -1: x > y;
}


//  Sorts values and returns their median
static double
s_median (double *values, size_t count)
{
    qsort (values, count, sizeof (double), s_compare);
    return values [count / 2];
}


int
main (int argc, char *argv [])
{
    int64_t count = argc > 1? atoll (argv [1]): 300000;
    if (count < 1) {
        fprintf (stderr, "usage: bench-codec [MESSAGES-PER-ROUND]\n");
        return 2;
    }
    //  All threads on one core: the threads libzmq and czmq start later inherit it
    int cpu = sched_getcpu ();
    cpu_set_t set;
    CPU_ZERO (&set);
    CPU_SET (cpu >= 0? cpu: 0, &set);
    bool pinned = sched_setaffinity (0, sizeof (set), &set) == 0;
    bool passed = true;
    message_t messages [2];
    s_message_init (&messages [0], false);
    s_message_init (&messages [1], true);
    printf ("%" PRId64 " messages per round, PUSH to PULL in two threads%s; median of %d rounds "
            "(lowest-highest) of messages per second of CPU time, and of wall-clock time\n",
            count, pinned? " on one core": " (not pinned to one core)", ROUNDS);
    int which, transport;
    for (which = 0; which < 2; which++)
        for (transport = 0; transport < 2; transport++) {
            const message_t *m = &messages [which];
            bool tcp = transport == 1;
            double rates [N_VARIANTS][ROUNDS];
            double walls [N_VARIANTS][ROUNDS];
            double ratios [N_VARIANTS][ROUNDS];
            double median [N_VARIANTS];
            int round, variant;
            for (variant = 0; variant < N_VARIANTS; variant++)
                s_run ((variant_t) variant, m, tcp, count / 10 + 1, ROUNDS, &rates [variant][0], &walls [variant][0]);
            for (round = 0; round < ROUNDS; round++)
                for (variant = 0; variant < N_VARIANTS; variant++)
                    s_run ((variant_t) variant, m, tcp, count, round, &rates [variant][round], &walls [variant][round]);
            for (round = 0; round < ROUNDS; round++)
                for (variant = 0; variant < N_VARIANTS; variant++)
                    ratios [variant][round] = rates [variant][round] / rates [baseline_of [variant]][round];
            printf ("%s (%s), %s:\n", m->record? "RECORD": "SET",
                    m->record? "5 fields: string, number, string, 100 bytes, number": "2 string fields",
                    tcp? "tcp": "inproc");
            for (variant = 0; variant < N_VARIANTS; variant++) {
                median [variant] = s_median (rates [variant], ROUNDS);
                double wall = s_median (walls [variant], ROUNDS);
                printf ("  %-17s %10.0f msg/s  (%.0f-%.0f)  wall %10.0f msg/s  (%.0f-%.0f)\n",
                        variant_names [variant], median [variant], rates [variant][0], rates [variant][ROUNDS - 1],
                        wall, walls [variant][0], walls [variant][ROUNDS - 1]);
            }
            for (variant = 0; variant < N_VARIANTS; variant++) {
                if ((variant_t) variant == baseline_of [variant])
                    continue;
                double ratio = median [variant] / median [baseline_of [variant]];
                bool met = ratio >= 0.8;
                s_median (ratios [variant], ROUNDS);
                printf ("  %s: %s / %s = %.2fx (rounds %.2f-%.2fx), target >= 0.80x: %s\n", met? "pass": "FAIL",
                        variant_names [variant], variant_names [baseline_of [variant]], ratio,
                        ratios [variant][0], ratios [variant][ROUNDS - 1], met? "met": "NOT met");
                passed = passed && met;
            }
        }
    return passed? 0: 1;
}
