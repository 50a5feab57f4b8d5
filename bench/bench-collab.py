#!/usr/bin/python3
"""bench-collab.py: edit on one peer to the "changed" signal on the others, 4 peers on loopback.

Usage: bench/bench-collab.py [build/tests/collab-peer] [EDITS]
One host and three guests (collab-peer processes, CURVE on every connection). A peer
renames a node and stamps the time; every other peer prints the time its design
announced the change. Both stamps are CLOCK_MONOTONIC, shared by processes on one
machine. Edits come from the host (host -> guest: one hop) and from a guest (guest ->
host -> other guests: two hops, the common case). Prints p50/p95/p99 in milliseconds
over all (edit, receiving peer) pairs. Targets (issue 14): p50 < 5 ms, p99 < 50 ms.
"""
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
os.environ.setdefault("MOPED_EXAMPLES", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                     "data", "examples"))
PEER = sys.argv[1] if len(sys.argv) > 1 else "build/tests/collab-peer"
EDITS = int(sys.argv[2]) if len(sys.argv) > 2 else 300
# The peers are driven with the helpers of tests/test-collab.py (it reads argv on import).
sys.argv = [sys.argv[0], "moped-unused", PEER]
import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location("tc", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                  "..", "tests", "test-collab.py"))
tc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tc)


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


def measure(origin, others, label):
    lat = []
    for i in range(EDITS):
        name = "%s-%d" % (label, i)
        origin.send("edit client " + name)
        stamp = origin.expect("stamp", 10)
        if stamp is None:
            break
        t0 = int(stamp.split()[1])
        for o in others:
            while True:
                line = o.expect("seen", 10)
                if line is None or line.split(" ", 2)[2] == name:
                    break
            if line is not None:
                lat.append((int(line.split()[1]) - t0) / 1000.0)
    return lat


def main():
    tmp = tempfile.mkdtemp(prefix="moped-bench-collab-")
    try:
        host, design, links, _ = tc.start_host(tmp, 3)
        guests = [tc.start_guest(tmp, i, link)[0] for i, link in enumerate(links)]
        peers = [host] + guests
        for p in peers:
            p.send("watch client")
        tc.quiesce(host, guests)
        results = {}
        results["host edit -> 3 guests"] = measure(host, guests, "h")
        results["guest edit -> host + 2 guests"] = measure(guests[0], [host] + guests[1:], "g")
        print("edit -> remote \"changed\", 4 peers on 127.0.0.1, %d edits per origin" % EDITS)
        for label, lat in results.items():
            print("  %-32s n=%4d  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  max %6.2f ms" %
                  (label, len(lat), percentile(lat, 50), percentile(lat, 95), percentile(lat, 99), max(lat)))
        everything = [x for lat in results.values() for x in lat]
        print("  %-32s n=%4d  p50 %6.2f ms  p99 %6.2f ms  (targets: p50 < 5, p99 < 50)" %
              ("all", len(everything), statistics.median(everything), percentile(everything, 99)))
        for p in peers:
            p.quit()
    finally:
        for p in tc.procs:
            p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
