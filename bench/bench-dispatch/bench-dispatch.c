/* bench-dispatch.c: messages per second through one node's generated engine and its handler,
 * against a raw libzmq echo and a czmq zloop echo, driven by the same client in one run.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each echo binds a ROUTER on inproc in its own thread; the client, a DEALER, keeps up
 * to WINDOW messages in flight and counts the answers. Raw libzmq moves the frames back
 * with zmq_msg_recv/zmq_msg_send; zloop with zmsg; the engine decodes each PING, calls
 * the user's handler (it answers with the PONG send function) and encodes the PONG.
 *
 * The machine this runs on is shared, so load comes and goes during a run: in each round
 * the raw echo and the engine run side by side and the client alternates between them
 * every CHUNK messages (ABAB), so both see the same load; a round's ratio is the median
 * of its chunk pairs' ratios, and the verdict is the median of the rounds' ratios. The spread of those ratios is printed with it. The zloop echo, a
 * reference only, handles a tenth of the messages (one poll per message makes it slow).
 * The exit status is 1 when the median ratio is below TARGET, or when a round failed.
 */
#include "echo_engine.h"

#include <inttypes.h>

#define WINDOW 500
#define ROUNDS 9                //  At least MIN_ROUNDS: the median of 7 or more
#define MIN_ROUNDS 7
#define TARGET 0.7
//  A round whose echo stops answering for this long failed (msecs)
#define STALL 5000
//  Messages sent to one echo before the client turns to the other
#define CHUNK 2000

//  Send count PINGs, keeping WINDOW in flight, and wait for as many answers:
//  the microseconds that took, or -1 when the echo stopped answering
static int64_t
s_exchange (zsock_t *dealer, int64_t count)
{
    void *handle = zsock_resolve (dealer);
    zmq_msg_t part;
    zmq_msg_init (&part);
    int64_t sent = 0;
    int64_t received = 0;
    int64_t start = zclock_usecs ();
    while (received < count) {
        if (sent < count && sent - received < WINDOW) {
            if (dispatch_send_ping (dealer, WIRE_ENVELOPE_DEALER, NULL) == -1)
                break;
            sent++;
            continue;
        }
        int more = 1;
        while (more) {
            if (zmq_msg_recv (&part, handle, 0) == -1)
                goto done;
            more = zmq_msg_more (&part);
        }
        received++;
    }
done:;
    int64_t elapsed = zclock_usecs () - start;
    zmq_msg_close (&part);
    return received == count? elapsed: -1;
}


static zsock_t *
s_client (const char *endpoint)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    assert (dealer);
    zsock_set_rcvtimeo (dealer, STALL);
    zsock_set_sndtimeo (dealer, STALL);
    if (zsock_connect (dealer, "%s", endpoint) == -1)
        zsock_destroy (&dealer);
    return dealer;
}


//  count messages through one echo: the rate, or 0 when it failed
static double
s_drive (const char *endpoint, int64_t count)
{
    zsock_t *dealer = s_client (endpoint);
    int64_t elapsed = dealer? s_exchange (dealer, count): -1;
    zsock_destroy (&dealer);
    return elapsed > 0? count * 1e6 / elapsed: 0;
}

static void
s_raw_echo (zsock_t *pipe, void *args)
{
    zsock_t *router = zsock_new_router ((const char *) args);
    //  The first signal ends zactor_new, the second says whether it bound
    zsock_signal (pipe, 0);
    zsock_signal (pipe, router? 0: 1);
    if (!router)
        return;
    void *handle = zsock_resolve (router);
    zmq_pollitem_t items [] = {
        { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
        { handle, 0, ZMQ_POLLIN, 0 }
    };
    zmq_msg_t part;
    zmq_msg_init (&part);
    while (zmq_poll (items, 2, -1) >= 0 && !(items [0].revents & ZMQ_POLLIN)) {
        while (zmq_msg_recv (&part, handle, ZMQ_DONTWAIT) != -1) {
            int more = zmq_msg_more (&part);
            zmq_msg_send (&part, handle, more? ZMQ_SNDMORE: 0);
            while (more) {
                zmq_msg_recv (&part, handle, 0);
                more = zmq_msg_more (&part);
                zmq_msg_send (&part, handle, more? ZMQ_SNDMORE: 0);
            }
        }
    }
    zmq_msg_close (&part);
    zsock_destroy (&router);
}

static int
s_loop_echo (zloop_t *loop, zsock_t *router, void *arg)
{
    zmsg_t *msg = zmsg_recv (router);
    if (!msg)
        return -1;
    return zmsg_send (&msg, router);
}

static int
s_loop_stop (zloop_t *loop, zsock_t *pipe, void *arg)
{
    return -1;
}

static void
s_zloop_echo (zsock_t *pipe, void *args)
{
    zsock_t *router = zsock_new_router ((const char *) args);
    zloop_t *loop = zloop_new ();
    assert (loop);
    zsock_signal (pipe, 0);
    zsock_signal (pipe, router? 0: 1);
    if (router) {
        zloop_reader (loop, router, s_loop_echo, NULL);
        zloop_reader (loop, pipe, s_loop_stop, NULL);
        zloop_start (loop);
    }
    zloop_destroy (&loop);
    zsock_destroy (&router);
}

static int
s_compare (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y? -1: x > y;
}

//  The median of values (sorted in place), and their smallest and largest
static double
s_median (double *values, int count, double *low, double *high)
{
    qsort (values, (size_t) count, sizeof (double), s_compare);
    *low = values [0];
    *high = values [count - 1];
    return count % 2? values [count / 2]: (values [count / 2 - 1] + values [count / 2]) / 2;
}

static zactor_t *
s_actor_start (zactor_fn *actor, const char *endpoint)
{
    zactor_t *echo = zactor_new (actor, (void *) endpoint);
    assert (echo);
    if (zsock_wait (echo) != 0)
        zactor_destroy (&echo);
    return echo;
}


//  One round: the raw echo and the engine run side by side, and the client
//  sends them count messages each, in chunks of CHUNK that alternate between
//  them (ABAB), so that load on the machine falls on both alike. The round's
//  ratio is the median of the chunk pairs' ratios: a pair in which the
//  scheduler took the CPU away from one side does not decide it. Endpoints are
//  never reused: an inproc endpoint is freed only once its closed socket has
//  been reaped, after its round has ended. Sets the two rates and the ratio
//  (0 on failure)
static void
s_paired_round (int round, int64_t count, double *raw_rate, double *engine_rate, double *ratio)
{
    char raw_endpoint [64], engine_endpoint [64], bind [66];
    snprintf (raw_endpoint, sizeof (raw_endpoint), "inproc://raw-%d", round);
    snprintf (engine_endpoint, sizeof (engine_endpoint), "inproc://engine-%d", round);
    snprintf (bind, sizeof (bind), "@%s", engine_endpoint);
    echo_options_t options;
    memset (&options, 0, sizeof (options));
    options.in = bind;
    zactor_t *raw = s_actor_start (s_raw_echo, raw_endpoint);
    echo_t *engine = echo_new (&options);
    zsock_t *raw_client = raw? s_client (raw_endpoint): NULL;
    zsock_t *engine_client = engine? s_client (engine_endpoint): NULL;
    int pairs = (int) ((count + CHUNK - 1) / CHUNK);
    double *pair_ratio = (double *) calloc ((size_t) pairs, sizeof (double));
    assert (pair_ratio);
    int64_t raw_usecs = 0, engine_usecs = 0;
    bool failed = !raw_client || !engine_client;
    for (int pair = 0; pair < pairs && !failed; pair++) {
        int64_t chunk = count - pair * CHUNK < CHUNK? count - pair * CHUNK: CHUNK;
        //  ABBA within the round too: neither goes first on a warmer machine
        bool raw_first = (pair + round) % 2 == 0;
        int64_t first = s_exchange (raw_first? raw_client: engine_client, chunk);
        int64_t second = s_exchange (raw_first? engine_client: raw_client, chunk);
        failed = first <= 0 || second <= 0;
        int64_t raw_chunk = raw_first? first: second;
        int64_t engine_chunk = raw_first? second: first;
        raw_usecs += raw_chunk;
        engine_usecs += engine_chunk;
        pair_ratio [pair] = failed? 0: (double) raw_chunk / engine_chunk;
    }
    double low, high;
    *raw_rate = !failed? count * 1e6 / raw_usecs: 0;
    *engine_rate = !failed? count * 1e6 / engine_usecs: 0;
    *ratio = !failed? s_median (pair_ratio, pairs, &low, &high): 0;
    free (pair_ratio);
    zsock_destroy (&raw_client);
    zsock_destroy (&engine_client);
    echo_destroy (&engine);
    zactor_destroy (&raw);
}


static double
s_zloop_round (int round, int64_t count)
{
    char endpoint [64];
    snprintf (endpoint, sizeof (endpoint), "inproc://zloop-%d", round);
    zactor_t *echo = s_actor_start (s_zloop_echo, endpoint);
    double rate = echo? s_drive (endpoint, count): 0;
    zactor_destroy (&echo);
    return rate;
}


int
main (int argc, char *argv [])
{
    int64_t count = argc > 1? atoll (argv [1]): 200000;
    int rounds = argc > 2? atoi (argv [2]): ROUNDS;
    if (count < CHUNK || rounds < MIN_ROUNDS || rounds > 1000) {
        fprintf (stderr, "usage: bench-dispatch [COUNT (>= %d) [ROUNDS (%d to 1000)]]\n", CHUNK, MIN_ROUNDS);
        return 2;
    }
    double *raw = (double *) calloc ((size_t) rounds, sizeof (double));
    double *loop = (double *) calloc ((size_t) rounds, sizeof (double));
    double *engine = (double *) calloc ((size_t) rounds, sizeof (double));
    double *ratio = (double *) calloc ((size_t) rounds, sizeof (double));
    assert (raw && loop && engine && ratio);
    zsys_handler_set (NULL);
    int failed = 0;
    for (int round = 0; round < rounds; round++) {
        s_paired_round (round, count, &raw [round], &engine [round], &ratio [round]);
        loop [round] = s_zloop_round (round, count / 10);
        if (raw [round] == 0 || engine [round] == 0 || loop [round] == 0) {
            fprintf (stderr, "round %d: an echo could not be reached or stopped answering for %d ms\n",
                     round + 1, STALL);
            failed++;
        }
        printf ("round %d: raw %9.0f  engine %9.0f  (%.2fx)  zloop %9.0f msg/s\n",
                round + 1, raw [round], engine [round], ratio [round], loop [round]);
    }
    double low, high;
    double raw_rate = s_median (raw, rounds, &low, &high);
    printf ("raw libzmq echo:          %9.0f msg/s (median of %d rounds; %.0f to %.0f)\n", raw_rate, rounds, low, high);
    double loop_rate = s_median (loop, rounds, &low, &high);
    printf ("czmq zloop echo:          %9.0f msg/s (%.2fx raw; %.0f to %.0f)\n", loop_rate,
            raw_rate > 0? loop_rate / raw_rate: 0, low, high);
    double engine_rate = s_median (engine, rounds, &low, &high);
    printf ("generated engine+handler: %9.0f msg/s (%.0f to %.0f)\n", engine_rate, low, high);
    double median = s_median (ratio, rounds, &low, &high);
    bool pass = failed == 0 && median >= TARGET;
    printf ("%s: engine/raw libzmq median %.2fx over %d rounds (spread %.2fx to %.2fx), target >= %.2fx%s\n",
            pass? "PASS": "FAIL", median, rounds, low, high, TARGET, failed? ", and a round failed": "");
    free (raw);
    free (loop);
    free (engine);
    free (ratio);
    return pass? 0: 1;
}
