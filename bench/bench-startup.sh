#!/bin/sh
# bench-startup.sh: time from process start to the first frame: moped with the Majordomo example against a bare libadwaita window (and a bare GTK 4 one), and moped opening a 1,600-node design.
#
# SPDX-License-Identifier: MPL-2.0
#
#   bench/bench-startup.sh [BUILD_DIR [RUNS]]      (defaults: build, 9)
#
# Everything runs in one private Xvfb and one D-Bus session, so both programs register
# with a bus as they would on a desktop. Each program is run once to warm the caches,
# then the runs alternate between programs; medians are printed. The target compares
# moped with a bare libadwaita window: moped is a libadwaita application and must
# initialise libadwaita as any such program does (the issue's "bare window, libadwaita
# included"); the bare GTK 4 window is shown too, for what libadwaita itself costs.
# A program reports
# "first-frame REALTIME_USEC CPU_USEC" on stderr when its first frame has been painted (moped
# with MOPED_EXIT_AFTER_FIRST_FRAME=1) and quits; the time counted starts just before
# the process is started. The processor time each used until then is reported too: on a
# busy machine it varies less than the time on the clock. GSK_RENDERER may be set to
# compare renderers (default cairo).
set -eu
cd "$(dirname "$0")/.."

build=${1:-build}
runs=${2:-9}
moped="$build/app/moped"
[ -x "$moped" ] || { echo "bench-startup: $moped not found (build first)" >&2; exit 2; }

if [ -z "${MOPED_BENCH_INNER:-}" ]; then
  # Start the display and the bus, then run this script again inside them.
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  Xvfb -displayfd 3 -screen 0 1280x900x24 -noreset -nolisten tcp 3>"$fifo" 2>/dev/null &
  xvfb_pid=$!
  trap 'kill $xvfb_pid 2>/dev/null; rm -f "$fifo"' EXIT INT TERM
  read -r display <"$fifo"
  export DISPLAY=":$display" MOPED_BENCH_INNER=1
  if command -v dbus-run-session >/dev/null 2>&1; then
    dbus-run-session -- "$0" "$build" "$runs"
  else
    "$0" "$build" "$runs"
  fi
  exit $?
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

export GDK_BACKEND=x11
export GSK_RENDERER="${GSK_RENDERER:-cairo}"
export GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$build/data"
export XDG_STATE_HOME="$tmp/state" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="${XDG_CACHE_HOME:-$tmp/cache}"

# The yardsticks, built with the project when bench/meson.build has them, else here.
minimal="$build/bench/bench-startup-minimal"
if [ ! -x "$minimal" ]; then
  minimal="$tmp/minimal"
  cc -O2 bench/bench-startup-minimal.c $(pkg-config --cflags --libs gtk4) -o "$minimal"
fi
minimal_adw="$build/bench/bench-startup-minimal-adw"
if [ ! -x "$minimal_adw" ]; then
  minimal_adw="$tmp/minimal-adw"
  cc -O2 -DMINIMAL_ADW bench/bench-startup-minimal.c $(pkg-config --cflags --libs libadwaita-1) -o "$minimal_adw"
fi

# A design shaped like real ones: 1,600 nodes in a grid, each with a PUSH socket that
# binds and a PULL socket that connects to its predecessor's PUSH.
awk -v n=1600 'BEGIN {
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  print "<design format=\"1\" name=\"Generated\" summary=\"1,600 workers in a pipeline.\">"
  for (i = 1; i <= n; i++) {
    printf "  <node id=\"n%d\" name=\"Worker %d\" role=\"worker\" x=\"%d\" y=\"%d\">\n", i, i, ((i - 1) % 40) * 260, int((i - 1) / 40) * 160
    printf "    <socket id=\"n%d-out\" name=\"out\" type=\"PUSH\" mode=\"bind\"/>\n", i
    printf "    <socket id=\"n%d-in\" name=\"in\" type=\"PULL\"/>\n", i
    print "  </node>"
  }
  for (i = 2; i <= n; i++)
    printf "  <link id=\"l%d\" from=\"n%d-out\" to=\"n%d-in\" endpoint=\"tcp://*:%d\"/>\n", i, i - 1, i, 10000 + i
  print "</design>"
}' >"$tmp/big.moped"
"$moped" check "$tmp/big.moped" >/dev/null 2>&1 || true

example=data/examples/majordomo.moped

# Prints "WALL_MS CPU_MS" from start to first frame of one run of "$@".
measure () {
  start=$(date +%s%N)
  MOPED_EXIT_AFTER_FIRST_FRAME=1 G_MESSAGES_DEBUG=moped-ui "$@" >"$tmp/out" 2>"$tmp/err" || true
  frame=$(sed -n 's/^first-frame //p' "$tmp/err" | head -n 1)
  if [ -z "$frame" ]; then
    echo "bench-startup: no first frame from $*:" >&2
    cat "$tmp/err" >&2
    exit 1
  fi
  echo "$frame" | awk -v s="$start" '{ printf "%.1f %.1f\n", ($1 - s / 1000) / 1000, $2 / 1000 }'
}

# The median of column $1 of the input.
median () {
  cut -d ' ' -f "$1" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

measure "$minimal" >/dev/null
measure "$minimal_adw" >/dev/null
measure "$moped" "$example" >/dev/null
measure "$moped" "$tmp/big.moped" >/dev/null

: >"$tmp/minimal.ms"
: >"$tmp/adw.ms"
: >"$tmp/moped.ms"
: >"$tmp/big.ms"
: >"$tmp/read.ms"
i=0
while [ "$i" -lt "$runs" ]; do
  measure "$minimal" >>"$tmp/minimal.ms"
  measure "$minimal_adw" >>"$tmp/adw.ms"
  measure "$moped" "$example" >>"$tmp/moped.ms"
  measure "$moped" "$tmp/big.moped" >>"$tmp/big.ms"
  sed -n 's/.*Read .* in \([0-9.]*\) ms.*/\1/p' "$tmp/out" | head -n 1 >>"$tmp/read.ms"
  i=$((i + 1))
done

minimal_ms=$(median 1 <"$tmp/minimal.ms")
adw_ms=$(median 1 <"$tmp/adw.ms")
adw_cpu=$(median 2 <"$tmp/adw.ms")
example_ms=$(median 1 <"$tmp/moped.ms")
big_ms=$(median 1 <"$tmp/big.ms")
minimal_cpu=$(median 2 <"$tmp/minimal.ms")
example_cpu=$(median 2 <"$tmp/moped.ms")
big_cpu=$(median 2 <"$tmp/big.ms")
read_big_ms=$(median 1 <"$tmp/read.ms")

runs_of () {
  cut -d ' ' -f 1 "$1" | tr '\n' ' '
}

echo "Start to first frame, median of $runs runs (renderer $GSK_RENDERER):"
echo "                                 clock      processor"
printf '  bare GTK 4 window:         %7.1f ms  %7.1f ms   (%s)\n' "$minimal_ms" "$minimal_cpu" "$(runs_of "$tmp/minimal.ms")"
printf '  bare libadwaita window:    %7.1f ms  %7.1f ms   (%s)\n' "$adw_ms" "$adw_cpu" "$(runs_of "$tmp/adw.ms")"
printf '  moped, Majordomo example:  %7.1f ms  %7.1f ms   (%s)\n' "$example_ms" "$example_cpu" "$(runs_of "$tmp/moped.ms")"
printf '  moped, 1,600-node design:  %7.1f ms  %7.1f ms   (%s)\n' "$big_ms" "$big_cpu" "$(runs_of "$tmp/big.ms")"
awk -v a="$example_ms" -v b="$adw_ms" -v c="$example_cpu" -v d="$adw_cpu" 'BEGIN {
  printf "  ratio moped / libadwaita:  %7.2f     %7.2f      (target at most 1.50)\n", a / b, c / d }'
awk -v a="$example_ms" -v b="$minimal_ms" -v c="$example_cpu" -v d="$minimal_cpu" 'BEGIN {
  printf "  ratio moped / GTK 4:       %7.2f     %7.2f      (for information)\n", a / b, c / d }'
awk -v a="$big_ms" -v b="$adw_ms" -v r="$read_big_ms" 'BEGIN {
  printf "  opening the 1,600-node design: %.1f ms to its first frame, %.1f ms more than the bare window;\n  reading the file %.1f ms (target under 300 ms)\n", a, a - b, r }'
