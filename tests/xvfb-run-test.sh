#!/bin/sh
# xvfb-run-test.sh: run one GUI test inside its own Xvfb (the server picks a free display).
set -eu
# -noreset: the server must not reset when an early client disconnects while the
# test still connects.
fifo=$(mktemp -u)
mkfifo "$fifo"
Xvfb -displayfd 3 -screen 0 1280x900x24 -noreset -nolisten tcp 3>"$fifo" 2>/dev/null &
xvfb_pid=$!
trap 'kill $xvfb_pid 2>/dev/null; rm -f "$fifo"' EXIT INT TERM
read -r display <"$fifo"
DISPLAY=":$display" "$@"
