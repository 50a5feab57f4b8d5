{{about}}
{{includes}}
#include <signal.h>
#include <string.h>
#include <unistd.h>

{{watchdog}}
{{helpers}}

int
main (void)
{
    signal (SIGALRM, s_watchdog);
    alarm (S_LIMIT_SECS);
    const char *failure = NULL;
{{start_nodes}}

{{check}}
        printf ("first test: %s\n", failure);
{{stop_nodes}}
    return failure? 1: 0;
}
