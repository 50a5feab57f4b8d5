#!/bin/sh
# run-fuzzer.sh: builds the .moped loader fuzzer with clang's libFuzzer and runs it for a while.
#
# SPDX-License-Identifier: MPL-2.0
#
# Usage: tests/fuzz/run-fuzzer.sh [SECONDS] [more libFuzzer options...]
# SECONDS defaults to 60. The work happens in $MOPED_FUZZ_DIR (default: a new
# temporary directory) on a copy of tests/fuzz/corpus, which stays untouched; a
# crashing input is left there as crash-*, leak-* or timeout-*.
set -eu

seconds=60
if [ $# -gt 0 ]; then
  seconds=$1
  shift
fi
case $seconds in
  ''|*[!0-9]*) echo "usage: $0 [SECONDS] [libFuzzer options...]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=${CC_FUZZ:-clang-14}
work=${MOPED_FUZZ_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/moped-fuzz.XXXXXX")}
mkdir -p "$work"

echo "Building the fuzzer in $work"
# The model is plain GLib/GObject C: build it straight from its sources, with the
# fuzzer's instrumentation, rather than through meson.
# shellcheck disable=SC2046
"$cc" -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
  -I"$root/model" $(pkg-config --cflags glib-2.0 gobject-2.0 gio-2.0) \
  "$here/fuzz-load.c" "$root"/model/*.c \
  $(pkg-config --libs glib-2.0 gobject-2.0 gio-2.0) -lm \
  -o "$work/fuzz-load"

rm -rf "$work/corpus"
cp -R "$here/corpus" "$work/corpus"

# A dictionary of the format's words (element and attribute names as the seeds
# spell them) lets the fuzzer get past the first tag quickly.
{
  cat "$here"/corpus/ok-* | grep -o '<[a-z]*' | sort -u | sed 's/.*/"&"/'
  cat "$here"/corpus/ok-* | grep -o ' [a-z]*="' | sed 's/^ //' | sort -u | sed 's/"$//; s/.*/"&\\""/'
  printf '%s\n' '"/>"' '"</"' '"&#10;"' '"&amp;"' '"<!--"' '"-->"' '"<![CDATA["' '"format=\"1\""'
} > "$work/moped.dict"

echo "Fuzzing for $seconds seconds"
cd "$work"
# GLib warnings and criticals are bugs too: make them abort so libFuzzer reports them.
G_DEBUG=fatal-warnings ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ./fuzz-load -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -dict=moped.dict -artifact_prefix="$work/" "$@" corpus
