//
//  It sends the samples of one command the link carries, over inproc or (-t)
//  tcp on the loopback, between two sockets of the link's types; replace the
//  samples by realistic messages to measure your own.
{{requirements}}

#include "wire.h"
#include "{{codec}}.h"
#include <inttypes.h>

#define S_COMMAND {{command}}
#define S_SEND_SAMPLE {{send_sample}}
#define S_DECODE {{decode}}
#define S_TARGET {{target}}    //  msg/s the requirements ask for (0: none)
#define S_LATENCY {{latency}}    //  msecs the requirements allow a round trip (0: none)
#define S_ROUND_TRIP {{round_trip}}
#define S_PUBLISHES {{publishes}}
#define S_DELIMITER {{delimiter}}
#define S_SENDER_ENVELOPE {{sender_envelope}}
#define S_RECEIVER_ENVELOPE {{receiver_envelope}}
{{setup}}


//  Send a sample, retrying while a ROUTER does not know its peer yet
static int
s_send (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to)
{
    int64_t deadline = zclock_mono () + 5000;
    int rc;
    while ((rc = S_SEND_SAMPLE (output, envelope, to, S_COMMAND, NULL)) == -1
       &&  zmq_errno () == EHOSTUNREACH && zclock_mono () < deadline)
        zclock_sleep (1);
    return rc;
}


//  Receive one message of the protocol (probes of the subscription handshake
//  are skipped)
static int
s_recv (wire_msg_t *msg, zsock_t *input, wire_envelope_t envelope)
{
    int rc;
    do
        rc = wire_msg_recv (msg, input, envelope);
    while (rc == 0 && wire_msg_is_probe (msg));
    return rc == 0? S_DECODE (msg): -1;
}


{{run}}


int
main (int argc, char *argv [])
{
    int64_t count = 100000;
    bool tcp = false;
    int argn;
    for (argn = 1; argn < argc; argn++) {
        if (streq (argv [argn], "-t"))
            tcp = true;
        else
        if (streq (argv [argn], "-n") && argn + 1 < argc)
            count = atoll (argv [++argn]);
        else {
            printf ("Usage: %s [-t] [-n COUNT]\n", argv [0]);
            printf ("  -t        over tcp on the loopback, not inproc\n");
            printf ("  -n COUNT  messages to send (default 100000)\n");
            return streq (argv [argn], "-h")? 0: 2;
        }
    }
    zsock_t *input = s_receiver_new ();
    if (zsock_bind (input, "%s", tcp? "tcp://127.0.0.1:*": "inproc://bench") == -1) {
        zsock_destroy (&input);
        return 2;
    }
    char *endpoint = zsock_last_endpoint (input);
    double rate = s_run (input, endpoint, count);
    zstr_free (&endpoint);
    zsock_destroy (&input);
    if (rate < 0)
        return 2;
    printf ("%s over %s: %.0f msg/s\n", {{title}}, tcp? "tcp": "inproc", rate);
    int status = 0;
    if (S_TARGET > 0) {
        printf ("throughput: required %.10g msg/s, measured %.0f msg/s: %s\n", S_TARGET, rate,
                rate >= S_TARGET? "met": "NOT met");
        if (rate < S_TARGET)
            status = 1;
    }
    if (S_LATENCY > 0 && S_ROUND_TRIP) {
        //  In turns, one message at a time: the mean round trip is the time per message
        double latency = rate > 0? 1000 / rate: 0;
        //  %.10g: a requirement of 0.0005 ms must not read as 0.000
        printf ("latency: required %.10g ms, measured %.4g ms per round trip: %s\n", S_LATENCY,
                latency, latency <= S_LATENCY? "met": "NOT met");
        if (latency > S_LATENCY)
            status = 1;
    }
    else
    if (S_LATENCY > 0)
        printf ("latency: required %.10g ms, not measured (a one-way stream)\n", S_LATENCY);
    return status;
}
