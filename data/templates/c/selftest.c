//
//  Run it with -v to see every step. It prints one line per flow and stops at
//  the first deviation, exiting 1. Nothing hangs: every wait ends after
//  S_TIMEOUT, and a watchdog ends the whole run after S_LIMIT_SECS, saying what
//  it was waiting for. The nodes run in trace mode, so your
//  handlers are not called: what is checked is the wiring the design describes
//  (sockets, endpoints, envelopes, codecs, subscriptions).
//
//  A flow with choices is played once per branch of each choice.
//
//  With --flows (the flow tests) your handlers run: it sends the first step of
//  each flow, expects your code to send each next one within S_STEP_TIMEOUT
//  msecs (any branch of a choice, as your code decides), and when no step that
//  may come next happens prints one line naming them and the function to write.
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
    bool optional;              //  The flow may go on without it
    const char *skip;           //  Why the self-test cannot check it, or NULL
    s_place_t receivers [S_RECEIVERS];
    int receiver;               //  The node the flow names as receiver
    const char *handler;        //  Flow tests: its handler there ("fn in src/node.c"), or NULL
    const char *send_fn;        //  Flow tests: the sender's send function, or NULL
    const char *file;           //  The sender's file
} s_step_t;

//  A move of a flow's automaton: from state to state on a step (-1: on nothing)
typedef struct {
    int from;                   //  -1 ends a list
    int to;
    int step;
} s_move_t;

//  A flow: its steps (every branch), the order the self-test plays them in (one
//  path per branch of each choice, -2 between paths, -1 at the end), and the
//  automaton the flow tests follow (state 0 starts, state 1 ends)
typedef struct {
    const char *name;
    const s_step_t *steps;
    const int *order;
    const s_move_t *moves;
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


//  "step 2 (Server sends ANSWER to Client) or step 3 (...)": the steps awaited
static void
s_describe (const s_step_t *const *steps, size_t count, char *text, size_t size)
{
    size_t used = 0;
    size_t index;
    *text = 0;
    for (index = 0; index < count && used < size; index++) {
        int length = snprintf (text + used, size - used, "%sstep %d (%s)", index? " or ": "",
                               steps [index]->position, steps [index]->text);
        used += length > 0? (size_t) length: 0;
    }
}


//  Flow tests: what makes a step happen after the step before it; the same
//  advice for several steps is given once
static void
s_advise (s_test_t *test, const s_step_t *prev, const s_step_t *const *steps, size_t count,
          char *text, size_t size)
{
    size_t used = 0;
    size_t index;
    *text = 0;
    for (index = 0; index < count && used < size; index++) {
        const s_step_t *step = steps [index];
        char advice [400];
        if (prev && prev->receiver == step->sender.node && prev->handler)
            snprintf (advice, sizeof (advice), "write %s", prev->handler);
        else
        if (prev && step->send_fn)
            snprintf (advice, sizeof (advice), "have %s call %s after step %d (its start hook, a timer or "
                      "a handler in %s)", test->names [step->sender.node], step->send_fn, prev->position,
                      step->file);
        else
            snprintf (advice, sizeof (advice), "check the wiring (run the self-test)");
        if (!strstr (text, advice)) {
            int length = snprintf (text + used, size - used, "%s%s", used? "; or ": "", advice);
            used += length > 0? (size_t) length: 0;
        }
    }
}


//  Play one of some steps: have the sender send (unless send is false: flow
//  tests leave that to your code) or subscribe (always: wiring, not your
//  handlers), then wait until every receiver of one of them has it. The flow
//  tests await every step that may come next (the branches of a choice, an
//  optional step and the one after it); the self-test one.
//  Returns the index of the step that happened, or -1 having printed what
//  went wrong.
static int
s_play_steps (s_test_t *test, const char *flow, const s_step_t *prev,
              const s_step_t *const *steps, size_t count, bool send)
{
    const s_step_t *step = steps [0];
    bool subscription = step->command [0] == '$';
    if (send || subscription)
        count = 1;              //  The test chooses which step happens
    char awaited [480];
    s_describe (steps, count, awaited, sizeof (awaited));
    snprintf (s_doing, sizeof (s_doing), "waiting for flow %s, %s", flow, awaited);
    if (subscription)
        zstr_sendx (test->actors [step->sender.node], step->command, step->sender.socket,
                    step->topic, NULL);
    else
    if (send)
        zstr_sendx (test->first [step->sender.node], "$SEND", step->sender.socket, step->command,
                    step->peer, step->delimiter, step->topic, NULL);
    bool sent = !send && !subscription;
    bool arrived [S_STEPS][S_RECEIVERS];
    size_t expected [S_STEPS];
    size_t received [S_STEPS];
    size_t candidate;
    int done = -1;
    memset (arrived, 0, sizeof (arrived));
#   define S_NEED(c) (steps [c]->any? 1: expected [c])
    for (candidate = 0; candidate < count; candidate++) {
        expected [candidate] = 0;
        while (steps [candidate]->receivers [expected [candidate]].node >= 0)
            expected [candidate]++;
        received [candidate] = 0;
        //  A message no receiver takes (subscriptions drop it) is done once sent
        if (S_NEED (candidate) == 0 && done < 0)
            done = (int) candidate;
    }
    //  Flow tests: a message that came before its step was waited for
    size_t kept;
    for (kept = 0; kept < test->backlog_used && done < 0; kept++)
        for (candidate = 0; candidate < count && done < 0; candidate++) {
            size_t index;
            for (index = 0; index < expected [candidate]; index++)
                if (!arrived [candidate][index]
                &&  streq (test->backlog_commands [kept], steps [candidate]->command)
                &&  s_same_place (&steps [candidate]->receivers [index], test->backlog [kept].node,
                                  test->backlog [kept].socket))
                    break;
            if (index < expected [candidate]) {
                arrived [candidate][index] = true;
                test->backlog_commands [kept] = "";
                if (++received [candidate] >= S_NEED (candidate))
                    done = (int) candidate;
                break;
            }
        }
    char problem [512] = "";
    //  Flow tests: a send of your code that the protocol refused, said if the
    //  step then does not happen (other refusals may be harmless: a reply to
    //  a peer the test made up)
    char refusal [512] = "";
    int64_t deadline = zclock_mono () + (test->flows? S_STEP_TIMEOUT: S_TIMEOUT);
    while (!*problem && (!sent || done < 0)) {
        int node = -1;
        zmsg_t *event = s_next_event (test, deadline - zclock_mono (), &node);
        if (!event && test->flows && sent) {
            char advice [1200];
            s_advise (test, prev, steps, count, advice, sizeof (advice));
            printf ("flow \"%s\": %s did not happen within %d ms: %s%s%s%s\n", flow, awaited, S_STEP_TIMEOUT,
                    advice, *refusal? " (instead, ": "", refusal, *refusal? ")": "");
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
            for (index = 0; index < expected [0]; index++)
                if (!arrived [0][index] && s_same_place (&step->receivers [index], node, socket))
                    break;
            if (subscription && index < expected [0] && streq (command, step->command)
            &&  streq (detail, step->topic)) {
                arrived [0][index] = true;
                if (++received [0] >= S_NEED (0))
                    done = 0;
            }
        }
        else
        if (kind && streq (kind, "RECEIVED") && socket && command && detail) {
            //  The first step awaited that this message is one of, at a receiver
            //  it has not reached yet
            size_t index = 0;
            size_t place = 0;
            for (candidate = 0; candidate < count; candidate++) {
                for (index = 0; index < expected [candidate]; index++)
                    if (!arrived [candidate][index]
                    &&  s_same_place (&steps [candidate]->receivers [index], node, socket))
                        break;
                if (index < expected [candidate] && streq (command, steps [candidate]->command))
                    break;
                if (candidate == 0)
                    place = index;
            }
            if (test->flows && candidate == count) {
                //  Your handlers may be ahead of the test: keep it for a later step
                if (test->backlog_used < S_BACKLOG) {
                    test->backlog [test->backlog_used].node = node;
                    test->backlog [test->backlog_used].socket = s_place_socket (node, socket);
                    test->backlog_commands [test->backlog_used++] = s_command_name (command);
                }
            }
            else
            if (candidate == count && place == expected [0])
                snprintf (problem, sizeof (problem), "%s arrived unexpectedly at %s.%s",
                          command, test->names [node], socket);
            else
            if (candidate == count)
                snprintf (problem, sizeof (problem), "%s.%s received %s instead",
                          test->names [node], socket, command);
            else
            if (*detail)
                snprintf (problem, sizeof (problem), "the fields changed on the way: %s", detail);
            else {
                arrived [candidate][index] = true;
                if (++received [candidate] >= S_NEED (candidate))
                    done = (int) candidate;
            }
        }
        else
        if (kind && streq (kind, "PROBLEM") && test->flows && command
        &&  strncmp (command, "refused to send ", 16) == 0)
            snprintf (refusal, sizeof (refusal), "%s.%s: %s", test->names [node], socket? socket: "?", command);
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
#   undef S_NEED
    if (*problem && test->flows) {
        printf ("flow \"%s\": %s did not happen: %s%s%s%s\n", flow, awaited, problem,
                prev && prev->handler? " (see ": "", prev && prev->handler? prev->handler: "",
                prev && prev->handler? ")": "");
        return -1;
    }
    if (*problem) {
        printf ("flow %s: FAILED at step %d (%s): %s\n", flow, step->position, step->text, problem);
        return -1;
    }
    if (test->verbose)
        zsys_info ("flow %s: step %d: %s", flow, steps [done]->position, steps [done]->text);
    return done;
}


//  Whether two steps are the same message between the same places (a flow
//  may say the same thing at two points, such as an optional reply and the
//  reply after it)
static bool
s_same_step (const s_step_t *one, const s_step_t *other)
{
    return streq (one->command, other->command) && streq (one->topic, other->topic)
        && s_same_place (&one->sender, other->sender.node, other->sender.socket)
        && s_same_place (&one->receivers [0], other->receivers [0].node, other->receivers [0].socket);
}


//  The states reached from those in *in on nothing
static void
s_closure (const s_flow_t *flow, bool *in)
{
    bool grew = true;
    while (grew) {
        grew = false;
        const s_move_t *move;
        for (move = flow->moves; move->from >= 0; move++)
            if (move->step < 0 && in [move->from] && !in [move->to]) {
                in [move->to] = true;
                grew = true;
            }
    }
}


//  Flow tests: the test sends the first step, and your code the rest. They follow
//  the flow's automaton: every step that may come next is awaited, and the one
//  that happens moves the flow on (any branch of a choice your code takes, an
//  optional step or the one after it), until the flow may end.
static int
s_follow_flow (s_test_t *test, const s_flow_t *flow)
{
    bool in [S_STATES] = { false };
    in [0] = true;
    s_closure (flow, in);
    const s_step_t *prev = NULL;
    size_t messages = 0;
    size_t moves = 0;
    while (flow->moves [moves].from >= 0)
        moves++;
    while (!in [1]) {
        //  Each round moves the flow on by one step: more rounds than moves
        //  means your code goes round a loop of the flow without ending it
        if (messages > 2 * moves + 2) {
            printf ("flow \"%s\": did not end after %zu messages: its last step never came\n",
                    flow->name, messages);
            return -1;
        }
        const s_step_t *next [S_STEPS];
        size_t count = 0;
        const s_move_t *move;
        for (move = flow->moves; move->from >= 0; move++)
            if (move->step >= 0 && in [move->from] && count < S_STEPS) {
                size_t index;
                for (index = 0; index < count; index++)
                    if (s_same_step (next [index], &flow->steps [move->step]))
                        break;
                if (index == count)
                    next [count++] = &flow->steps [move->step];
            }
        if (count == 0) {
            printf ("flow \"%s\": no step can come next and the flow cannot end\n", flow->name);
            return -1;
        }
        //  Subscriptions are wiring, not your handlers: the test plays them
        bool send = messages == 0 || next [0]->command [0] == '$';
        int chosen = s_play_steps (test, flow->name, prev, next, count, send);
        if (chosen < 0)
            return -1;
        const s_step_t *done = next [chosen];
        bool after [S_STATES] = { false };
        for (move = flow->moves; move->from >= 0; move++)
            if (move->step >= 0 && in [move->from] && s_same_step (&flow->steps [move->step], done))
                after [move->to] = true;
        memcpy (in, after, sizeof (in));
        s_closure (flow, in);
        prev = done;
        messages++;
    }
    printf ("flow %s: ok (%zu message%s)\n", flow->name, messages, messages == 1? "": "s");
    return 0;
}


//  The self-test plays each path of the flow (one per branch of each choice)
static int
s_play_flow (s_test_t *test, const s_flow_t *flow)
{
    size_t messages = 0;
    size_t skipped = 0;
    size_t index;
    if (test->flows) {
        test->backlog_used = 0;
        return s_follow_flow (test, flow);
    }
    for (index = 0; flow->order [index] != -1; index++) {
        if (flow->order [index] < 0)
            continue;           //  The next path
        const s_step_t *step = &flow->steps [flow->order [index]];
        if (step->skip) {
            skipped++;
            continue;
        }
        if (s_play_steps (test, flow->name, NULL, &step, 1, true) == -1)
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
