#!/bin/sh
# run.sh: exports bench-codec.moped with moped, builds bench-codec.c against the codec, runs it.
#
# SPDX-License-Identifier: MPL-2.0
#
# Usage: bench/bench-codec/run.sh [MOPED [COUNT]]
#   MOPED  the moped program (default: build/app/moped)
#   COUNT  messages per round (default: 300000)
# Built with -O2 -DNDEBUG, as an application would be for speed; exits 1 when a
# codec misses its target (>= 0.8x raw libzmq moving the same frames: the multipart
# codec against raw multipart, the packed codec against one raw frame), comparing
# medians of messages per second of CPU time with all threads on one core (so that
# other programs on a shared machine do not decide the outcome; bench-codec.c says more).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
moped=${1:-build/app/moped}
count=${2:-300000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$moped" export c "$here/bench-codec.moped" -o "$work/export" > /dev/null 2>&1
${CC:-cc} -O2 -DNDEBUG -std=gnu11 -Wall -Wextra -Werror \
    -iquote "$work/export/include" \
    "$here/bench-codec.c" "$work/export/src/wire.c" "$work/export/src/multi.c" "$work/export/src/packed.c" \
    $(pkg-config --cflags --libs libczmq libzmq) -o "$work/bench-codec"
"$work/bench-codec" "$count"
