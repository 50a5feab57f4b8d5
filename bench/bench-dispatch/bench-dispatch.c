/* bench-dispatch.c: messages per second through one node's generated engine and its handler,
 * against a raw libzmq echo and a czmq zloop echo, driven by the same client in one run.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each echo binds a ROUTER on inproc in its own thread; the client, a DEALER, keeps up
 * to WINDOW messages in flight and counts the answers. Raw libzmq moves the frames back
 * with zmq_msg_recv/zmq_msg_send; zloop with zmsg; the engine decodes each PING, calls
 * the user's handler (it answers with the PONG send function) and encodes the PONG.
 * Rounds alternate between the three; medians are printed with the engine's ratio to
 * raw libzmq, and the exit status is 1 when that ratio is below TARGET.
 */
#include "echo_engine.h"

#include <inttypes.h>

#define WINDOW 500
#define ROUNDS 5
#define TARGET 0.7

static double
s_drive (const char *endpoint,
         int64_t     count)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    assert (dealer);
    if (zsock_connect (dealer, "%s", endpoint) == -1) {
        zsock_destroy (&dealer);
        return 0;
    }
    void *handle = zsock_resolve (dealer);
    zmq_msg_t part;
    zmq_msg_init (&part);
    int64_t sent = 0;
    int64_t received = 0;
    int64_t start = zclock_usecs ();
    while (received < count) {
        if (sent < count && sent - received < WINDOW) {
            if (dispatch_send_ping (dealer, NULL) == -1)
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
    zsock_destroy (&dealer);
    return received == count && elapsed > 0? count * 1e6 / elapsed: 0;
}

static void
s_raw_echo (zsock_t *pipe, void *args)
{
    zsock_t *router = zsock_new_router ("inproc://raw");
    assert (router);
    void *handle = zsock_resolve (router);
    zmq_pollitem_t items [] = {
        { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
        { handle, 0, ZMQ_POLLIN, 0 }
    };
    zmq_msg_t part;
    zmq_msg_init (&part);
    zsock_signal (pipe, 0);
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
    zsock_t *router = zsock_new_router ("inproc://zloop");
    zloop_t *loop = zloop_new ();
    assert (router && loop);
    zloop_reader (loop, router, s_loop_echo, NULL);
    zloop_reader (loop, pipe, s_loop_stop, NULL);
    zsock_signal (pipe, 0);
    zloop_start (loop);
    zloop_destroy (&loop);
    zsock_destroy (&router);
}

static double
s_engine_round (int64_t count)
{
    echo_options_t options;
    memset (&options, 0, sizeof (options));
    options.in = "@inproc://engine";
    echo_t *echo = echo_new (&options);
    assert (echo);
    double rate = s_drive ("inproc://engine", count);
    echo_destroy (&echo);
    return rate;
}

static double
s_actor_round (zactor_fn *actor, const char *endpoint, int64_t count)
{
    zactor_t *echo = zactor_new (actor, NULL);
    assert (echo);
    double rate = s_drive (endpoint, count);
    zactor_destroy (&echo);
    return rate;
}

static int
s_compare (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y? -1: x > y;
}

static double
s_median (double *rates)
{
    qsort (rates, ROUNDS, sizeof (double), s_compare);
    return rates [ROUNDS / 2];
}

int
main (int argc, char *argv [])
{
    int64_t count = argc > 1? atoll (argv [1]): 200000;
    double raw [ROUNDS], loop [ROUNDS], engine [ROUNDS];
    zsys_handler_set (NULL);
    for (int round = 0; round < ROUNDS; round++) {
        raw [round] = s_actor_round (s_raw_echo, "inproc://raw", count);
        loop [round] = s_actor_round (s_zloop_echo, "inproc://zloop", count);
        engine [round] = s_engine_round (count);
    }
    double raw_rate = s_median (raw);
    double loop_rate = s_median (loop);
    double engine_rate = s_median (engine);
    double ratio = raw_rate > 0? engine_rate / raw_rate: 0;
    printf ("raw libzmq echo:          %9.0f msg/s\n", raw_rate);
    printf ("czmq zloop echo:          %9.0f msg/s (%.2fx raw)\n", loop_rate, raw_rate > 0? loop_rate / raw_rate: 0);
    printf ("generated engine+handler: %9.0f msg/s (%.2fx raw, target %.1fx: %s)\n", engine_rate, ratio,
            TARGET, ratio >= TARGET? "met": "NOT met");
    return ratio >= TARGET? 0: 1;
}
