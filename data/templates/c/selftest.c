//
//  Run it with -v to see every step. It prints one line per flow and stops at
//  the first deviation, exiting 1. Nothing hangs: every wait ends after
//  S_TIMEOUT, and a watchdog ends the whole run after S_LIMIT_SECS, saying what
//  it was waiting for. The nodes run in trace mode, so your
//  handlers are not called: what is checked is the wiring the design describes
//  (sockets, endpoints, envelopes, codecs, subscriptions).
//
//  With --flows (the flow tests) your handlers run: it sends the first step of
//  each flow, expects your code to send each next one within S_STEP_TIMEOUT
//  msecs, and when a step does not happen prints one line naming it and the
//  function to write.
{{requirements}}

#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include "wire.h"
{{includes}}

{{limits}}

//  A socket of a node: the node's index and the socket's name
typedef struct {
    int node;                   //  -1 ends a list
    const char *socket;
} s_place_t;

//  One step of a flow
typedef struct {
    int position;               //  In the flow, from 1
    const char *text;           //  What happens, for people
    s_place_t sender;
    const char *command;        //  As the codec names it; $SUBSCRIBE or
                                //  $UNSUBSCRIBE for a subscription to topic
    const char *peer;           //  ROUTER senders: the receiver's routing id
    const char *delimiter;      //  "1" when the receiver expects a REQ-style envelope
    const char *topic;          //  PUB senders: the topic ("" for the sample)
    bool any;                   //  Round-robin: it arrives at any one receiver
    bool optional;              //  Flow tests do not wait for it
    const char *skip;           //  Why the self-test cannot check it, or NULL
    s_place_t receivers [S_RECEIVERS];
    const char *advice;         //  Flow tests: what makes it happen, or NULL
} s_step_t;

//  A flow: its steps, and the order they are played in (-1 ends it)
typedef struct {
    const char *name;
    const s_step_t *steps;
    const int *order;
} s_flow_t;

//  A subscriber the self-test waits for before playing the flows
typedef struct {
    s_place_t publisher;
    s_place_t subscriber;
    const char *topic;
} s_probe_t;

typedef struct {
    zactor_t *actors [S_ACTORS + 1];    //  Every instance of every node
    int actor_nodes [S_ACTORS + 1];     //  The node each one is an instance of
    size_t actors_used;
    zactor_t *first [S_NODES + 1];      //  Each node's first instance: it sends what the test sends
    const char *names [S_NODES + 1];
    zpoller_t *poller;
    bool verbose;
    bool flows;                 //  --flows: your handlers run, only first steps are sent
    s_place_t backlog [S_BACKLOG];  //  Flow tests: messages seen before their step
    const char *backlog_commands [S_BACKLOG];
    size_t backlog_used;
} s_test_t;
{{flows}}


//  What the self-test is waiting for, which the watchdog reports if the run does
//  not end in time; a signal handler reaches it only as a file-scope variable
static char s_doing [600] = "starting the nodes";

//  SIGALRM after S_LIMIT_SECS: say what did not happen, and end without waiting
//  for anything (stopping a stuck node could hang too)
static void
s_watchdog (int signum)
{
    static const char head [] = "selftest: FAILED: did not end within the time limit, while ";
    (void) signum;
    if (write (STDOUT_FILENO, head, sizeof (head) - 1) < 0
    ||  write (STDOUT_FILENO, s_doing, strnlen (s_doing, sizeof (s_doing))) < 0
    ||  write (STDOUT_FILENO, "\n", 1) < 0)
        _exit (2);
    _exit (1);
}


//  How many threads the process runs now (Linux's /proc/self/task), or -1
//  where that cannot be known
static int
s_threads (void)
{
    DIR *tasks = opendir ("/proc/self/task");
    if (!tasks)
        return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir (tasks)))
        if (entry->d_name [0] != '.')
            count++;
    closedir (tasks);
    return count;
}


static void
s_add_actor (s_test_t *test, int node, zactor_t *actor)
{
    assert (test->actors_used < S_ACTORS);
    test->actors [test->actors_used] = actor;
    test->actor_nodes [test->actors_used++] = node;
    if (!test->first [node])
        test->first [node] = actor;
}


//  The next report from any instance of any node (the node's index in *node, the
//  instance's in *actor); NULL after timeout msecs
static zmsg_t *
s_next_event_from (s_test_t *test, int64_t timeout, int *node, size_t *actor)
{
    void *which = zpoller_wait (test->poller, (int) (timeout > 0? timeout: 0));
    if (!which)
        return NULL;
    for (*actor = 0; *actor < test->actors_used; (*actor)++)
        if (which == test->actors [*actor])
            break;
    *node = *actor < test->actors_used? test->actor_nodes [*actor]: -1;
    return zmsg_recv (which);
}


static zmsg_t *
s_next_event (s_test_t *test, int64_t timeout, int *node)
{
    size_t actor;
    return s_next_event_from (test, timeout, node, &actor);
}


static bool
s_same_place (const s_place_t *place, int node, const char *socket)
{
    return place->node == node && streq (place->socket, socket);
}


//  The table's own strings for a socket and a command a report named (the
//  report's copies are freed), or "" when the tables do not have them
static const char *
s_place_socket (int node, const char *socket)
{
    const s_flow_t *flow;
    for (flow = s_flows; flow->name; flow++) {
        const s_step_t *step;
        for (step = flow->steps; step->text; step++) {
            const s_place_t *place;
            for (place = step->receivers; place->node >= 0; place++)
                if (s_same_place (place, node, socket))
                    return place->socket;
        }
    }
    return "";
}


static const char *
s_command_name (const char *command)
{
    const s_flow_t *flow;
    for (flow = s_flows; flow->name; flow++) {
        const s_step_t *step;
        for (step = flow->steps; step->text; step++)
            if (streq (step->command, command))
                return step->command;
    }
    return "";
}


//  Play one step: have the sender send (unless send is false: flow tests leave
//  that to your code) or subscribe (always: wiring, not your handlers), then
//  wait until every receiver has it.
//  Returns 0, or -1 having printed what went wrong.
static int
s_play_step (s_test_t *test, const char *flow, const s_step_t *step, bool send)
{
    snprintf (s_doing, sizeof (s_doing), "waiting for flow %s, step %d (%s)",
              flow, step->position, step->text);
    bool subscription = step->command [0] == '$';
    if (subscription)
        zstr_sendx (test->actors [step->sender.node], step->command, step->sender.socket,
                    step->topic, NULL);
    else
    if (send)
        zstr_sendx (test->first [step->sender.node], "$SEND", step->sender.socket, step->command,
                    step->peer, step->delimiter, step->topic, NULL);
    bool sent = !send && !subscription;
    bool arrived [S_RECEIVERS] = { false };
    size_t expected = 0;
    while (step->receivers [expected].node >= 0)
        expected++;
    size_t received = 0;
    //  Flow tests: a message that came before its step was waited for
    size_t kept;
    for (kept = 0; kept < test->backlog_used && received < (step->any? 1: expected); kept++) {
        size_t index;
        for (index = 0; index < expected; index++)
            if (!arrived [index] && streq (test->backlog_commands [kept], step->command)
            &&  s_same_place (&step->receivers [index], test->backlog [kept].node, test->backlog [kept].socket))
                break;
        if (index < expected) {
            arrived [index] = true;
            received++;
            test->backlog_commands [kept] = "";
        }
    }
    char problem [512] = "";
    int64_t deadline = zclock_mono () + (test->flows? S_STEP_TIMEOUT: S_TIMEOUT);
    while (!*problem && (!sent || received < (step->any? 1: expected))) {
        int node = -1;
        zmsg_t *event = s_next_event (test, deadline - zclock_mono (), &node);
        if (!event && test->flows && sent) {
            printf ("flow \"%s\": step %d (%s) did not happen within %d ms: %s\n", flow, step->position,
                    step->text, S_STEP_TIMEOUT, step->advice? step->advice: "check the wiring (run the self-test)");
            return -1;
        }
        if (!event) {
            snprintf (problem, sizeof (problem), "%s",
                      sent? "the message did not arrive in time": "the sender did not answer");
            break;
        }
        char *kind = zmsg_popstr (event);
        char *socket = zmsg_popstr (event);
        char *command = zmsg_popstr (event);
        char *detail = zmsg_popstr (event);
        if (kind && streq (kind, "SENT") && node == step->sender.node) {
            sent = true;
            if (socket && *socket)
                snprintf (problem, sizeof (problem), "%s could not send: %s",
                          test->names [node], socket);
        }
        else
        if (kind && streq (kind, "RECEIVED") && socket && command && detail && *command == '$') {
            //  An XPUB reports every (un)subscription: those of the node
            //  starting, and those of other subscribers, are not this step's
            size_t index;
            for (index = 0; index < expected; index++)
                if (!arrived [index] && s_same_place (&step->receivers [index], node, socket))
                    break;
            if (subscription && index < expected && streq (command, step->command)
            &&  streq (detail, step->topic)) {
                arrived [index] = true;
                received++;
            }
        }
        else
        if (kind && streq (kind, "RECEIVED") && socket && command && detail) {
            size_t index;
            for (index = 0; index < expected; index++)
                if (!arrived [index] && s_same_place (&step->receivers [index], node, socket))
                    break;
            if (test->flows && (index == expected || !streq (command, step->command))) {
                //  Your handlers may be ahead of the test: keep it for a later step
                if (test->backlog_used < S_BACKLOG) {
                    test->backlog [test->backlog_used].node = node;
                    test->backlog [test->backlog_used].socket = s_place_socket (node, socket);
                    test->backlog_commands [test->backlog_used++] = s_command_name (command);
                }
            }
            else
            if (index == expected)
                snprintf (problem, sizeof (problem), "%s arrived unexpectedly at %s.%s",
                          command, test->names [node], socket);
            else
            if (!streq (command, step->command))
                snprintf (problem, sizeof (problem), "%s.%s received %s instead",
                          test->names [node], socket, command);
            else
            if (*detail)
                snprintf (problem, sizeof (problem), "the fields changed on the way: %s", detail);
            else {
                arrived [index] = true;
                received++;
            }
        }
        else
        if (kind && streq (kind, "PROBLEM"))
            snprintf (problem, sizeof (problem), "%s.%s: %s", test->names [node],
                      socket? socket: "?", command? command: "?");
        //  Late PROBEs of the subscription handshake do not matter
        zstr_free (&kind);
        zstr_free (&socket);
        zstr_free (&command);
        zstr_free (&detail);
        zmsg_destroy (&event);
    }
    if (*problem) {
        printf ("flow %s: FAILED at step %d (%s): %s\n", flow, step->position, step->text, problem);
        return -1;
    }
    if (test->verbose)
        zsys_info ("flow %s: step %d: %s", flow, step->position, step->text);
    return 0;
}


static int
s_play_flow (s_test_t *test, const s_flow_t *flow)
{
    size_t messages = 0;
    size_t skipped = 0;
    size_t index;
    //  Flow tests: each step once, in order; the test sends the first, your code the rest
    test->backlog_used = 0;
    for (index = 0; test->flows? flow->steps [index].text != NULL: flow->order [index] >= 0; index++) {
        const s_step_t *step = &flow->steps [test->flows? (int) index: flow->order [index]];
        if (step->skip) {
            skipped++;
            continue;
        }
        if (test->flows && step->optional)
            continue;           //  It may happen or not: nothing to wait for
        if (s_play_step (test, flow->name, step, !test->flows || messages == 0) == -1)
            return -1;
        messages++;
    }
    printf ("flow %s: ok (%zu message%s)\n", flow->name, messages, messages == 1? "": "s");
    for (index = 0; skipped && flow->steps [index].text; index++)
        if (flow->steps [index].skip)
            printf ("flow %s: step %d not checked: %s\n", flow->name,
                    flow->steps [index].position, flow->steps [index].skip);
    return 0;
}


//  A PUB drops what it sends before a subscription arrives: publish probes
//  until each subscriber has seen one (with the flow tests' instances: each
//  instance of the publisher in turn, until every instance of the subscriber has)
static int
s_sync_subscriptions (s_test_t *test)
{
    const s_probe_t *probe;
    for (probe = s_probes; probe->publisher.node >= 0; probe++) {
        size_t publisher;
        for (publisher = 0; publisher < test->actors_used; publisher++) {
            if (test->actor_nodes [publisher] != probe->publisher.node)
                continue;
            bool seen [S_ACTORS + 1] = { false };
            size_t expected = 0;
            size_t index;
            for (index = 0; index < test->actors_used; index++)
                expected += test->actor_nodes [index] == probe->subscriber.node;
            size_t count = 0;
            snprintf (s_doing, sizeof (s_doing), "waiting for %s.%s to receive from %s.%s",
                      test->names [probe->subscriber.node], probe->subscriber.socket,
                      test->names [probe->publisher.node], probe->publisher.socket);
            int64_t deadline = zclock_mono () + S_TIMEOUT;
            while (count < expected && zclock_mono () < deadline) {
                zstr_sendx (test->actors [publisher], "$PROBE",
                            probe->publisher.socket, probe->topic, NULL);
                int64_t wait_until = zclock_mono () + 10;
                while (count < expected && zclock_mono () < wait_until) {
                    int node = -1;
                    size_t actor = 0;
                    zmsg_t *event = s_next_event_from (test, wait_until - zclock_mono (), &node, &actor);
                    if (!event)
                        break;
                    char *kind = zmsg_popstr (event);
                    char *socket = zmsg_popstr (event);
                    if (kind && socket && streq (kind, "PROBE")
                    &&  s_same_place (&probe->subscriber, node, socket) && !seen [actor]) {
                        seen [actor] = true;
                        count++;
                    }
                    zstr_free (&kind);
                    zstr_free (&socket);
                    zmsg_destroy (&event);
                }
            }
            if (count < expected) {
                printf ("subscriptions: FAILED: %s.%s never received from %s.%s\n",
                        test->names [probe->subscriber.node], probe->subscriber.socket,
                        test->names [probe->publisher.node], probe->publisher.socket);
                return -1;
            }
        }
    }
    return 0;
}


int
main (int argc, char *argv [])
{
    s_test_t test;
    memset (&test, 0, sizeof (test));
    int arg;
    for (arg = 1; arg < argc; arg++)
        if (streq (argv [arg], "-v") || streq (argv [arg], "--verbose"))
            test.verbose = true;
        else
        if (streq (argv [arg], "--flows"))
            test.flows = true;
    //  Lines go out as they are printed, so that a watchdog report follows them
    setvbuf (stdout, NULL, _IOLBF, 0);
    signal (SIGALRM, s_watchdog);
    alarm (S_LIMIT_SECS);
    int failures = wire_test (test.verbose);
    printf ("wire: %s\n", failures? "FAILED": "ok");
    {{codec_tests}}
    if (failures)
        return 1;

    //  Every node in trace mode, every socket on inproc; with --flows, tapped
    //  (your handlers run too) and each node as many times as the design runs it
    int instance;
    int threads = s_threads ();
    {{start_nodes}}

    test.poller = zpoller_new (NULL);
    assert (test.poller);
    size_t index;
    for (index = 0; index < test.actors_used; index++)
        zpoller_add (test.poller, test.actors [index]);
    if (test.flows)
        printf ("flows: %zu instances of %d nodes, your handlers running\n", test.actors_used, S_NODES);
    if (!failures)
        failures = s_sync_subscriptions (&test) == -1;
    const s_flow_t *flow;
    for (flow = s_flows; !failures && flow->name; flow++)
        failures = s_play_flow (&test, flow) == -1;

    snprintf (s_doing, sizeof (s_doing), "stopping the nodes");
    zpoller_destroy (&test.poller);
    {{stop_nodes}}
    //  zactor_destroy returns once a node's thread has said it ends, but that
    //  thread still closes its pipe and ends itself: wait (at most S_TIMEOUT)
    //  until every node's thread is gone, so that none runs on while the
    //  process exits (valgrind saw such a thread's stack as possibly lost)
    int64_t until = zclock_mono () + S_TIMEOUT;
    while (threads > 0 && s_threads () > threads && zclock_mono () < until)
        zclock_sleep (1);
    alarm (0);
    printf ("selftest: %s\n", failures? "FAILED": "passed");
    return failures? 1: 0;
}
