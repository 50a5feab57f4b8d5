//  It ends, failing, after S_LIMIT_SECS whatever happens: an answer that never
//  comes (a deferred method nobody answers, a peer that ignores a request)
//  cannot hang it
#define S_LIMIT_SECS {{limit}}

static void
s_watchdog (int signum)
{
    static const char text [] = "first test: FAILED: no answer within {{limit}} s: " {{advice}} "\n";
    (void) signum;
    if (write (STDOUT_FILENO, text, sizeof (text) - 1) < 0)
        _exit (2);
    _exit (1);
}
