//  test_first.c: the completed Lazy Pirate example: each request comes back as
//  its reply, in order; with no server, a request gives up after the timeout.
//
//  A watchdog ends it, failing, after 20 s.
#include "client.h"
#include "server.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void
s_watchdog (int signum)
{
    static const char text [] = "first test: FAILED: no answer within 20 s\n";
    (void) signum;
    if (write (STDOUT_FILENO, text, sizeof (text) - 1) < 0)
        _exit (2);
    _exit (1);
}

int
main (void)
{
    signal (SIGALRM, s_watchdog);
    alarm (20);
    int failures = 0;
    server_options_t server_options;
    memset (&server_options, 0, sizeof (server_options));
    server_options.reply = "@inproc://server.reply";
    server_t *server = server_new (&server_options);
    client_options_t client_options;
    memset (&client_options, 0, sizeof (client_options));
    client_options.request = ">inproc://server.reply";
    client_t *client = client_new (&client_options);
    assert (server && client);
    const char *bodies [] = { "one", "two", "three" };
    size_t index;
    for (index = 0; index < 3; index++) {
        char *reply = client_send_request (client, bodies [index]);
        if (!reply || !streq (reply, bodies [index])) {
            printf ("first test: Send request (%s) returned %s\n", bodies [index], reply? reply: "NULL");
            failures++;
        }
        zstr_free (&reply);
    }
    client_destroy (&client);
    server_destroy (&server);

    //  Nobody answers: the request fails after the timeout, not later
    client_options.request = ">inproc://nobody-binds-this";
    client = client_new (&client_options);
    assert (client);
    if (client_set_timeout (client, 200) != 0)
        failures++;
    int64_t start = zclock_mono ();
    char *reply = client_send_request (client, "lost");
    int64_t waited = zclock_mono () - start;
    if (reply || waited < 150 || waited > 5000) {
        printf ("first test: without a server, Send request returned %s after %d ms\n",
                reply? reply: "NULL", (int) waited);
        failures++;
    }
    zstr_free (&reply);
    client_destroy (&client);
    printf ("first test: %s\n", failures? "FAILED": "passed");
    return failures? 1: 0;
}
