#!/bin/sh
# property-chunks.sh: the property test of test-export-c-build.py over many designs, in
# chunks whose accounts add up (a long local run; CI runs 300 designs in one go).
#
#   tests/property-chunks.sh MOPED TOTAL [CHUNK [FIRST [STOP_AT]]]
#
# Runs designs FIRST .. FIRST+TOTAL-1 of MOPED_PROPERTY_SEED (default the test's own),
# CHUNK at a time (default 50), each chunk a run of the property test alone with a
# shared precompiled czmq.h (MOPED_PROPERTY_FAST_BUILD=1) and no valgrind. Each chunk
# prints its "# property:" line (seed, first, count, accepted, passed, failed, refused by
# rule) and any failing check; the last line sums the chunks that ended. STOP_AT (a
# time `date -d` understands, e.g. 23:40) starts no chunk after it and ends the running
# one at it, so the run is bounded. Run it niced: nice -n 19 tests/property-chunks.sh ...
# SPDX-License-Identifier: MPL-2.0
set -u
moped=$(realpath "$1")
total=$2
chunk=${3:-50}
first=${4:-0}
stop_at=${5:-}
here=$(dirname "$(realpath "$0")")
export MOPED_EXAMPLES="${MOPED_EXAMPLES:-$here/../data/examples}"
export MOPED_EXPORT_C_TESTS=test_property MOPED_PROPERTY_FAST_BUILD=1 MOPED_PROPERTY_VALGRIND=0
stop=0
[ -n "$stop_at" ] && stop=$(date -d "$stop_at" +%s)
accounts=$(mktemp)
trap 'rm -f "$accounts"' EXIT
offset=$first
end=$((first + total))
while [ "$offset" -lt "$end" ]; do
    count=$chunk
    [ $((offset + count)) -gt "$end" ] && count=$((end - offset))
    now=$(date +%s)
    limit=86400
    if [ "$stop" -gt 0 ]; then
        [ "$now" -ge "$stop" ] && { echo "# stopped at $stop_at before design $offset"; break; }
        limit=$((stop - now))
    fi
    echo "# $(date -u +%H:%M:%S) chunk: designs $offset to $((offset + count - 1))"
    MOPED_PROPERTY_OFFSET=$offset MOPED_PROPERTY_COUNT=$count \
        timeout -s INT -k 30 "$limit" python3 "$here/test-export-c-build.py" "$moped" > "$accounts.out" 2>&1
    status=$?
    grep -E '^# property|^not ok|^#   ' "$accounts.out" | head -60
    grep '^# property: seed' "$accounts.out" >> "$accounts"
    [ "$status" -eq 124 ] && { echo "# chunk at $offset cut at $stop_at"; break; }
    offset=$((offset + count))
done
rm -f "$accounts.out"
# The sum of the chunks that ended.
awk '{ for (i = 1; i <= NF; i++) {
           if ($(i+1) == "count")    designs += $(i+2) + 0
           if ($(i+1) == "accepted,") accepted += $i
           if ($(i+1) == "passed,")   passed += $i
           if ($(i+1) == "failed")    failed += $i
           if ($(i+1) == "refused" && $(i+2) == "by") refused += $i
           if ($(i+1) == "refused" && $(i+2) == "wrongly,") wrongly += $i } }
     END { printf "# property total: %d designs, %d accepted, %d passed, %d failed, " \
                  "%d refused by run-time rules, %d refused wrongly\n",
                  designs, accepted, passed, failed, refused, wrongly
           exit (failed + wrongly > 0) }' "$accounts"
