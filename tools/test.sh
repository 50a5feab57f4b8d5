#!/bin/sh
# test.sh: install what is missing, build, and run the whole test suite.
# Ends with one line "N passed, N failed"; exits non-zero when anything failed.
set -eu
cd "$(dirname "$0")/.."

# Run a noisy step quietly, but show all it said (stdout and stderr) when it fails.
quietly() {
  log=$(mktemp)
  status=0
  "$@" >"$log" 2>&1 || status=$?
  [ $status -eq 0 ] || { echo "test.sh: '$*' failed (exit $status):" >&2; cat "$log" >&2; }
  rm -f "$log"
  return $status
}

tools/deps.sh --test
build=${MOPED_BUILD:-build}
if [ -f "$build/build.ninja" ]; then
  quietly meson setup --reconfigure "$build"
else
  quietly meson setup "$build"
fi
ninja -C "$build"
if [ -f tests/package.json ]; then
  (cd tests && quietly npm ci --no-audit --no-fund --loglevel=error)
fi

status=0
meson test -C "$build" --no-rebuild --print-errorlogs --num-processes 2 "$@" || status=$?
/usr/bin/python3 tools/count-tests.py "$build/meson-logs/testlog.json" || status=1
exit $status
