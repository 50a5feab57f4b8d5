//  test_first.c: the completed Pipeline example: the ventilator hands batches to
//  four workers, the sink collects every announced task's result.
//
//  A watchdog ends it, failing, after 20 s.
#include "ventilator.h"
#include "worker.h"
#include "sink.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define WORKERS 4

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
    sink_options_t sink_options;
    memset (&sink_options, 0, sizeof (sink_options));
    sink_options.results = "@inproc://sink.results";
    sink_options.control = "@inproc://sink.control";
    sink_t *sink = sink_new (&sink_options);
    worker_t *workers [WORKERS];
    int index;
    for (index = 0; index < WORKERS; index++) {
        char name [32];
        snprintf (name, sizeof (name), "worker-%d", index + 1);
        worker_options_t options;
        memset (&options, 0, sizeof (options));
        options.name = name;
        options.tasks = ">inproc://ventilator.tasks";
        options.results = ">inproc://sink.results";
        options.control = ">inproc://sink.control";
        workers [index] = worker_new (&options);
        assert (workers [index]);
    }
    ventilator_options_t ventilator_options;
    memset (&ventilator_options, 0, sizeof (ventilator_options));
    ventilator_options.tasks = "@inproc://ventilator.tasks";
    ventilator_options.sink_signal = ">inproc://sink.results";
    ventilator_t *ventilator = ventilator_new (&ventilator_options);
    assert (sink && ventilator);

    if (ventilator_start_batch (ventilator) != 0) {
        printf ("first test: Start batch failed\n");
        failures++;
    }
    uint64_t collected = sink_collect_batch (sink);
    if (collected < 3) {
        printf ("first test: Collect batch returned %u\n", (unsigned) collected);
        failures++;
    }
    ventilator_destroy (&ventilator);
    for (index = 0; index < WORKERS; index++)
        worker_destroy (&workers [index]);
    sink_destroy (&sink);
    printf ("first test: %s\n", failures? "FAILED": "passed");
    return failures? 1: 0;
}
