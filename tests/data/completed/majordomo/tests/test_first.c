//  test_first.c: the completed Majordomo example: three echo workers register
//  with the broker (each instance its own name, so its own routing id), and each
//  of three clients gets the answer to its own request, by service name.
//
//  A watchdog ends it, failing, after 30 s.
#include "client.h"
#include "broker.h"
#include "echo_worker.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define WORKERS 3
#define CLIENTS 3

static void
s_watchdog (int signum)
{
    static const char text [] = "first test: FAILED: no answer within 30 s\n";
    (void) signum;
    if (write (STDOUT_FILENO, text, sizeof (text) - 1) < 0)
        _exit (2);
    _exit (1);
}

//  A request and its answer as text ("" for none)
static char *
s_ask (client_t *client, const char *service, const char *text)
{
    zframe_t *body = zframe_new (text, strlen (text));
    zframe_t *reply = client_request_service (client, service, body);
    zframe_destroy (&body);
    char *answer = reply? zframe_strdup (reply): strdup ("");
    zframe_destroy (&reply);
    return answer;
}

int
main (void)
{
    signal (SIGALRM, s_watchdog);
    alarm (30);
    int failures = 0;
    broker_options_t broker_options;
    memset (&broker_options, 0, sizeof (broker_options));
    broker_options.frontend = "@inproc://broker.frontend";
    broker_options.backend = "@inproc://broker.backend";
    broker_t *broker = broker_new (&broker_options);
    assert (broker);
    echo_worker_t *workers [WORKERS];
    client_t *clients [CLIENTS];
    int index;
    for (index = 0; index < WORKERS; index++) {
        char name [32];
        snprintf (name, sizeof (name), "echo_worker-%d", index + 1);
        echo_worker_options_t options;
        memset (&options, 0, sizeof (options));
        options.name = name;
        options.broker = ">inproc://broker.backend";
        workers [index] = echo_worker_new (&options);
        assert (workers [index]);
    }
    for (index = 0; index < CLIENTS; index++) {
        char name [32];
        snprintf (name, sizeof (name), "client-%d", index + 1);
        client_options_t options;
        memset (&options, 0, sizeof (options));
        options.name = name;
        options.broker = ">inproc://broker.frontend";
        clients [index] = client_new (&options);
        assert (clients [index]);
    }
    //  The broker's own service says how many workers offer echo: all three,
    //  once their READY arrived (distinct routing ids, or they would be one)
    char *count = NULL;
    int64_t deadline = zclock_mono () + 5000;
    while (zclock_mono () < deadline) {
        count = s_ask (clients [0], "mmi.workers", "echo");
        if (streq (count, "3"))
            break;
        zstr_free (&count);
        zclock_sleep (20);
    }
    if (!count || !streq (count, "3")) {
        printf ("first test: the broker knows %s echo workers\n", count? count: "no");
        failures++;
    }
    zstr_free (&count);
    //  Each client gets its own answer back, over rounds that use every worker
    int round;
    for (round = 0; round < WORKERS; round++)
        for (index = 0; index < CLIENTS; index++) {
            char text [64];
            snprintf (text, sizeof (text), "request %d of client %d", round + 1, index + 1);
            char *answer = s_ask (clients [index], "echo", text);
            if (!streq (answer, text)) {
                printf ("first test: client %d asked \"%s\", got \"%s\"\n", index + 1, text, answer);
                failures++;
            }
            zstr_free (&answer);
        }
    //  A service nobody offers is answered at once, not queued for ever
    char *answer = s_ask (clients [1], "nobody", "hello");
    if (!streq (answer, "404")) {
        printf ("first test: a service without workers answered \"%s\"\n", answer);
        failures++;
    }
    zstr_free (&answer);
    answer = s_ask (clients [2], "mmi.service", "echo");
    if (!streq (answer, "200")) {
        printf ("first test: mmi.service says \"%s\" for echo\n", answer);
        failures++;
    }
    zstr_free (&answer);
    for (index = 0; index < CLIENTS; index++)
        client_destroy (&clients [index]);
    for (index = 0; index < WORKERS; index++)
        echo_worker_destroy (&workers [index]);
    broker_destroy (&broker);
    printf ("first test: %s\n", failures? "FAILED": "passed");
    return failures? 1: 0;
}
