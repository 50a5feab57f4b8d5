#!/usr/bin/python3
"""bench-collab-soak.py: memory and file descriptors of a live session over a long run.

Usage: bench/bench-collab-soak.py [build/tests/collab-peer] [MINUTES] [LOG]
One host and three guests (collab-peer processes, CURVE on loopback) edit one design
without pause for MINUTES (default 30): renames, summaries, a node added and removed
again, undo and redo. Undo puts removed nodes back now and then, so the design itself
grows slowly: its size on disk is logged beside the figures to tell that growth from
the session's own keeping. Every few minutes the third guest quits and comes back
from its journal (a reconnect: the host's sockets and ZAP must not leak). Once a
minute it writes, per peer, the resident memory (VmRSS, kB) and the number of open
file descriptors to LOG (default /tmp/moped-collab-soak.log), and at the end the
first, last and largest figure of each, the transactions made and whether all four
saved files are byte-identical.
"""
import os
import random
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
os.environ.setdefault("MOPED_EXAMPLES", os.path.join(HERE, "..", "data", "examples"))
PEER = sys.argv[1] if len(sys.argv) > 1 else "build/tests/collab-peer"
MINUTES = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
LOG = sys.argv[3] if len(sys.argv) > 3 else "/tmp/moped-collab-soak.log"
RESTART_EVERY_S = int(os.environ.get("MOPED_SOAK_RESTART_S", "180"))
sys.argv = [sys.argv[0], "moped-unused", PEER]
import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location("tc", os.path.join(HERE, "..", "tests", "test-collab.py"))
tc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tc)


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def n_fds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return -1


class Driver(threading.Thread):
    """Edits on one peer until told to stop; bounded by the stop time."""

    def __init__(self, name, proc, seed, until):
        super().__init__(daemon=True)
        self.name_, self.proc, self.rand, self.until = name, proc, random.Random(seed), until
        self.count = 0
        self.stop = False
        self.lock = threading.Lock()

    def run(self):
        n = 0
        while not self.stop and time.monotonic() < self.until:
            with self.lock:
                p = self.proc
                what = self.rand.randrange(100)
                if what < 40:
                    p.send("edit client %s-%d" % (self.name_, n))
                    p.expect("stamp", 10)
                elif what < 55:
                    p.send("summary %s said %d" % (self.name_, n))
                elif what < 75:
                    p.send("addnode")
                    line = p.expect("added ", 10)
                    if line:
                        p.send("remove " + line.split()[1])
                        p.expect("removed", 10)
                elif what < 90:
                    p.send("undo")
                else:
                    p.send("redo")
                # What it printed is not kept: the soak measures the peers, not this script.
                p.seen.clear()
            n += 1
            self.count += 1
            time.sleep(self.rand.uniform(0.05, 0.25))


def main():
    tmp = tempfile.mkdtemp(prefix="moped-collab-soak-")
    log = open(LOG, "w", buffering=1)
    end = time.monotonic() + MINUTES * 60
    try:
        host, design, links, _ = tc.start_host(tmp, 3)
        guests = []
        for i, link in enumerate(links):
            g, out, joined = tc.start_guest(tmp, i, link)
            if not joined:
                print("guest %d did not join: %s" % (i, "".join(g.err)), file=sys.stderr)
                return 1
            guests.append([g, out])
        tc.quiesce(host, [g for g, _ in guests])
        names = ["host", "guest0", "guest1", "guest2"]
        drivers = [Driver(names[i], p, 1000 + i, end) for i, p in enumerate([host] + [g for g, _ in guests])]
        for d in drivers:
            d.start()
        samples = {n: [] for n in names}
        start = time.monotonic()
        next_sample = start
        next_restart = start + RESTART_EVERY_S
        restarts = 0
        log.write("# minute peer pid rss_kb fds design_bytes  (collab-peer %s, %g minutes)\n" % (PEER, MINUTES))
        while time.monotonic() < end:
            now = time.monotonic()
            if now >= next_sample:
                minute = int(round((now - start) / 60))
                try:
                    design_bytes = os.path.getsize(design)
                except OSError:
                    design_bytes = -1
                for name, p in zip(names, [host] + [g for g, _ in guests]):
                    r, f = rss_kb(p.p.pid), n_fds(p.p.pid)
                    samples[name].append((minute, r, f))
                    log.write("%d %s %d %d %d %d\n" % (minute, name, p.p.pid, r, f, design_bytes))
                next_sample += 60
            if now >= next_restart and now < end - 30:
                # The third guest leaves and comes back from its journal.
                d = drivers[3]
                with d.lock:
                    g, out = guests[2]
                    g.quit()
                    g2 = tc.Proc([PEER, "join", "-", "-o", out], os.path.join(tmp, "keys-guest2"))
                    if not g2.expect("joined", 30):
                        log.write("# guest2 did not come back: %s\n" % "".join(g2.err))
                    guests[2] = [g2, out]
                    d.proc = g2
                restarts += 1
                next_restart += RESTART_EVERY_S
            time.sleep(1.0)
        for d in drivers:
            d.stop = True
        for d in drivers:
            d.join(30)
        quiet = tc.quiesce(host, [g for g, _ in guests], rounds=600)
        files = tc.saved_bytes([(host, design)] + [(g, out) for g, out in guests])
        same = all(f == files[0] for f in files)
        seq = host.status()
        summary = ["collab soak: %g minutes, 4 peers, %d edits sent, %d transactions ordered, "
                   "guest2 restarted %d times; quiet=%s, saved files identical=%s (%d bytes)" %
                   (MINUTES, sum(d.count for d in drivers), int(seq["seq"]) if seq else -1, restarts,
                    quiet, same, len(files[0]))]
        for name in names:
            s = samples[name]
            if not s:
                continue
            summary.append("  %-6s rss kB first %6d last %6d max %6d | fds first %3d last %3d max %3d" %
                           (name, s[0][1], s[-1][1], max(x[1] for x in s), s[0][2], s[-1][2], max(x[2] for x in s)))
        summary.append("  (guest2's figures restart with each new process; the host's and guests 0-1's span the run)")
        for line in summary:
            print(line, flush=True)
            log.write("# " + line + "\n")
        for g, _ in guests:
            g.quit()
        host.quit()
        return 0 if quiet and same else 1
    finally:
        for p in tc.procs:
            p.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
