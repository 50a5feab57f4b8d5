//  test_first.c: the completed Clone example: a value one replica sets reaches
//  the other replicas through the server, and a replica that starts later gets
//  it in its snapshot.
//
//  A watchdog ends it, failing, after 20 s.
#include "clone_server.h"
#include "clone_client.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define CLIENTS 3

static void
s_watchdog (int signum)
{
    static const char text [] = "first test: FAILED: no answer within 20 s\n";
    (void) signum;
    if (write (STDOUT_FILENO, text, sizeof (text) - 1) < 0)
        _exit (2);
    _exit (1);
}

static clone_client_t *
s_client_new (int index)
{
    char name [32];
    snprintf (name, sizeof (name), "clone_client-%d", index + 1);
    clone_client_options_t options;
    memset (&options, 0, sizeof (options));
    options.name = name;
    options.snapshot = ">inproc://clone_server.snapshot";
    options.subscriber = ">inproc://clone_server.publisher";
    options.publisher = ">inproc://clone_server.collector";
    return clone_client_new (&options);
}

//  What a replica holds for key once it has expected, or after 5 s
static char *
s_wait_value (clone_client_t *client, const char *key, const char *expected)
{
    char *value = NULL;
    int64_t deadline = zclock_mono () + 5000;
    while (zclock_mono () < deadline) {
        value = clone_client_get_value (client, key);
        if (value && streq (value, expected))
            break;
        zstr_free (&value);
        zclock_sleep (20);
    }
    return value;
}

int
main (void)
{
    signal (SIGALRM, s_watchdog);
    alarm (20);
    int failures = 0;
    clone_server_options_t server_options;
    memset (&server_options, 0, sizeof (server_options));
    server_options.snapshot = "@inproc://clone_server.snapshot";
    server_options.publisher = "@inproc://clone_server.publisher";
    server_options.collector = "@inproc://clone_server.collector";
    clone_server_t *server = clone_server_new (&server_options);
    assert (server);
    clone_client_t *clients [CLIENTS + 1];
    int index;
    for (index = 0; index < CLIENTS; index++) {
        clients [index] = s_client_new (index);
        assert (clients [index]);
    }
    //  A SUB drops what is published before its subscription arrives: set the
    //  value until the other replicas have it
    char *value = NULL;
    int tries;
    for (tries = 0; tries < 20 && !value; tries++) {
        if (clone_client_set_value (clients [0], "/client/answer", "42", 0) != 0)
            failures++;
        value = clone_client_get_value (clients [CLIENTS - 1], "/client/answer");
        if (!value)
            zclock_sleep (50);
    }
    zstr_free (&value);
    for (index = 1; index < CLIENTS; index++) {
        value = s_wait_value (clients [index], "/client/answer", "42");
        if (!value || !streq (value, "42")) {
            printf ("first test: replica %d has %s for /client/answer\n", index + 1, value? value: "NULL");
            failures++;
        }
        zstr_free (&value);
    }
    //  Outside the replicas' subtree: not kept
    clone_client_set_value (clients [0], "/other/key", "x", 0);
    //  A late replica gets the store in its snapshot
    clients [CLIENTS] = s_client_new (CLIENTS);
    assert (clients [CLIENTS]);
    value = s_wait_value (clients [CLIENTS], "/client/answer", "42");
    if (!value || !streq (value, "42")) {
        printf ("first test: the late replica has %s for /client/answer\n", value? value: "NULL");
        failures++;
    }
    zstr_free (&value);
    value = clone_client_get_value (clients [0], "/other/key");
    if (value) {
        printf ("first test: a replica kept a key outside its subtree\n");
        failures++;
    }
    zstr_free (&value);
    for (index = 0; index <= CLIENTS; index++)
        clone_client_destroy (&clients [index]);
    clone_server_destroy (&server);
    printf ("first test: %s\n", failures? "FAILED": "passed");
    return failures? 1: 0;
}
