//  test_first.c: the completed Weather example: the server publishes on a timer
//  (no one calls it), the New York client averages three updates for 10001, and
//  the San Francisco dashboard knows the latest conditions of 94103.
//
//  A watchdog ends it, failing, after 20 s.
#include "weather_server.h"
#include "new_york_client.h"
#include "san_francisco_dashboard.h"
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
    weather_server_options_t server_options;
    memset (&server_options, 0, sizeof (server_options));
    server_options.updates = "@inproc://weather_server.updates";
    weather_server_t *server = weather_server_new (&server_options);
    new_york_client_options_t nyc_options;
    memset (&nyc_options, 0, sizeof (nyc_options));
    nyc_options.updates = ">inproc://weather_server.updates";
    new_york_client_t *nyc = new_york_client_new (&nyc_options);
    san_francisco_dashboard_options_t sf_options;
    memset (&sf_options, 0, sizeof (sf_options));
    sf_options.updates = ">inproc://weather_server.updates";
    san_francisco_dashboard_t *sf = san_francisco_dashboard_new (&sf_options);
    assert (server && nyc && sf);

    //  Waits for three updates: only the server's timer sends them
    uint64_t average = new_york_client_average_temperature (nyc);
    if (average < 50 || average >= 90) {
        printf ("first test: Average temperature returned %u\n", (unsigned) average);
        failures++;
    }
    char *conditions = NULL;
    int64_t deadline = zclock_mono () + 5000;
    while (!conditions && zclock_mono () < deadline) {
        conditions = san_francisco_dashboard_latest_conditions (sf, "94103");
        if (!conditions)
            zclock_sleep (20);
    }
    if (!conditions || strncmp (conditions, "94103: ", 7) != 0) {
        printf ("first test: Latest conditions returned %s\n", conditions? conditions: "NULL");
        failures++;
    }
    zstr_free (&conditions);
    //  The New York client subscribes to 10001 only: the dashboard to 94103 and 94107
    conditions = san_francisco_dashboard_latest_conditions (sf, "10001");
    if (conditions) {
        printf ("first test: the dashboard has 10001, which it does not subscribe to\n");
        failures++;
    }
    zstr_free (&conditions);
    san_francisco_dashboard_destroy (&sf);
    new_york_client_destroy (&nyc);
    weather_server_destroy (&server);
    printf ("first test: %s\n", failures? "FAILED": "passed");
    return failures? 1: 0;
}
