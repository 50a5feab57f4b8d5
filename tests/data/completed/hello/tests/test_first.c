//  test_first.c: the simplest sane test case of the completed Hello example:
//  Say hello sends HELLO, and answers true once the server's WORLD is back.
//
//  A watchdog ends it, failing, after 20 s: a method that never answers cannot
//  hang it.
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
    server_options_t server_options;
    memset (&server_options, 0, sizeof (server_options));
    server_options.reply = "@inproc://server.reply";
    server_t *server = server_new (&server_options);
    client_options_t client_options;
    memset (&client_options, 0, sizeof (client_options));
    client_options.request = ">inproc://server.reply";
    client_t *client = client_new (&client_options);
    assert (server && client);

    int failures = 0;
    int round;
    for (round = 0; round < 3; round++)
        if (!client_say_hello (client)) {
            printf ("first test: Say hello returned false (round %d)\n", round + 1);
            failures++;
        }
    client_destroy (&client);
    server_destroy (&server);
    printf ("first test: %s\n", failures? "FAILED": "passed");
    return failures? 1: 0;
}
