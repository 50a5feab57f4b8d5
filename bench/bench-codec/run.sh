#!/bin/sh
# run.sh: exports bench-codec.moped with moped, builds bench-codec.c against the codec, runs it.
#
# SPDX-License-Identifier: MPL-2.0
#
# Usage: bench/bench-codec/run.sh [MOPED [COUNT]]
#   MOPED  the moped program (default: build/app/moped)
#   COUNT  messages per round (default: 1000000)
# Built with -O2 -DNDEBUG, as an application would be for speed; exits 1 when the
# codec misses its targets (>= 80 % of raw libzmq, >= czmq zmsg).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
moped=${1:-build/app/moped}
count=${2:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$moped" export c "$here/bench-codec.moped" -o "$work/export" > /dev/null 2>&1
${CC:-cc} -O2 -DNDEBUG -std=gnu11 -Wall -Wextra -Werror \
    -iquote "$work/export/include" \
    "$here/bench-codec.c" "$work/export/src/wire.c" "$work/export/src/codec.c" \
    $(pkg-config --cflags --libs libczmq libzmq) -o "$work/bench-codec"
"$work/bench-codec" "$count"
