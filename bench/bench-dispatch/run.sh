#!/bin/sh
# run.sh: one node's handler dispatch against raw libzmq and a czmq zloop echo, in one run.
#
# SPDX-License-Identifier: MPL-2.0
#
# Usage: bench/bench-dispatch/run.sh [MOPED [COUNT [ROUNDS]]]
#   MOPED   the moped program (default: build/app/moped)
#   COUNT   messages per round to each echo (default: 200000)
#   ROUNDS  rounds, 7 or more (default: 9)
# Exports bench-dispatch.moped, gives the echo node the handler a user would write (answer
# each PING with PONG), builds bench-dispatch.c against the export with -O2 -DNDEBUG and
# runs it: the same DEALER client drives a raw libzmq ROUTER echo, a zloop echo and the
# generated engine, over inproc, the raw echo and the engine alternating every 2000
# messages so that load on a shared machine falls on both alike. Prints each round, the
# medians with their spread, and a PASS or FAIL line; exits 1 when the median over the
# rounds of the engine's ratio to raw libzmq is below 0.7 (or an echo stopped answering).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
moped=${1:-build/app/moped}
count=${2:-200000}
rounds=${3:-9}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$moped" export c "$here/bench-dispatch.moped" -o "$work/export" > /dev/null 2>&1
# The user's handler: answer the peer the PING came from.
python3 - "$work/export/src/echo.c" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
stub = "echo_handle_ping (echo_state_t *self, const wire_peer_t *from)\n{\n    (void) self;\n    (void) from;\n    return 0;\n}"
assert stub in text
open(path, "w").write(text.replace(stub, "echo_handle_ping (echo_state_t *self, const wire_peer_t *from)\n{\n"
                                         "    return echo_send_pong (self->engine, from);\n}"))
PY
src="$work/export/src"
${CC:-cc} -O2 -DNDEBUG -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
    -iquote "$work/export/include" -iquote "$src" \
    "$here/bench-dispatch.c" "$src/wire.c" "$src/dispatch.c" "$src/echo_engine.c" "$src/echo.c" \
    $(pkg-config --cflags --libs libczmq libzmq) -o "$work/bench-dispatch"
"$work/bench-dispatch" "$count" "$rounds"
