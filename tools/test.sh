#!/bin/sh
# test.sh: install what is missing, build, and run the whole test suite.
# Ends with one line "N passed, N failed"; exits non-zero when anything failed.
set -eu
cd "$(dirname "$0")/.."

tools/deps.sh --test
build=${MOPED_BUILD:-build}
if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" >/dev/null
else
  meson setup "$build" >/dev/null
fi
ninja -C "$build"
if [ -f tests/package.json ]; then
  (cd tests && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

status=0
meson test -C "$build" --no-rebuild --print-errorlogs --num-processes 2 "$@" || status=$?
/usr/bin/python3 tools/count-tests.py "$build/meson-logs/testlog.json" || status=1
exit $status
