#!/usr/bin/python3
"""test-discovery.py: shared designs found on the local network, tested ONLY inside a private
network namespace this test makes (unshare -n) with a veth pair of its own: beacons never
touch the machine's real interfaces.

TAP output; argv[1] is the moped binary. Skipped (TAP SKIP) where unshare -n or ip are not
permitted. Every wait is bounded.
"""
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

MOPED = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
PORT = "31417"
results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))
    return bool(condition)


def sh(*args):
    return subprocess.run(args, capture_output=True, text=True, timeout=30)


class Proc:
    def __init__(self, args, home):
        env = dict(os.environ, XDG_CONFIG_HOME=home, MOPED_DISCOVERY_PORT=PORT)
        env.pop("DISPLAY", None)
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, prefix, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if line is None:
                self.lines.put(None)
                return None
            if line.startswith(prefix):
                return line
        return None

    def send(self, line):
        try:
            self.p.stdin.write(line + "\n")
            self.p.stdin.flush()
        except OSError:
            pass

    def stop(self):
        self.send("quit")
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def discover(tmp, seconds):
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(tmp, "keys-finder"), MOPED_DISCOVERY_PORT=PORT)
    r = subprocess.run([MOPED, "join", "--discover", "--timeout", str(seconds)], capture_output=True, text=True,
                       timeout=seconds + 30, env=env)
    return r.returncode, [line.split(" ", 2) for line in r.stdout.splitlines() if line.startswith("found ")], r.stderr


def listen_raw(seconds):
    """The beacon datagrams as they cross the (private) wire."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(("0.0.0.0", int(PORT)))
    s.settimeout(seconds)
    try:
        data, sender = s.recvfrom(2048)
        return data, sender
    except socket.timeout:
        return None, None
    finally:
        s.close()


def inner():
    """Inside the namespace: a veth pair va (10.77.0.1) <-> vb (10.77.0.2)."""
    for cmd in (["ip", "link", "set", "lo", "up"],
                ["ip", "link", "add", "va", "type", "veth", "peer", "name", "vb"],
                ["ip", "addr", "add", "10.77.0.1/24", "brd", "+", "dev", "va"],
                ["ip", "addr", "add", "10.77.0.2/24", "brd", "+", "dev", "vb"],
                ["ip", "link", "set", "va", "up"],
                ["ip", "link", "set", "vb", "up"]):
        r = sh(*cmd)
        if r.returncode != 0:
            print("1..0 # SKIP cannot make a veth pair in the namespace (%s): %s" % (" ".join(cmd), r.stderr.strip()))
            return 0
    tmp = tempfile.mkdtemp(prefix="moped-discovery-")
    design = os.path.join(tmp, "host.moped")
    shutil.copy(os.path.join(os.environ["MOPED_EXAMPLES"], "hello.moped"), design)

    # Nothing announced: nothing found.
    rc, found, err = discover(tmp, 2)
    check("with no host announcing, --discover finds nothing and says so", rc == 1 and not found and "no shared" in err,
          "%d %s %s" % (rc, found, err))

    # A host that does not ask to be found is not announced.
    quiet = Proc([MOPED, "host", design, "--name", "Quiet"], os.path.join(tmp, "keys-quiet"))
    quiet.expect("hosting ")
    rc, found, err = discover(tmp, 2)
    check("a host without --beacon is not announced", rc == 1 and not found, str(found))
    quiet.stop()

    host = Proc([MOPED, "host", design, "--beacon", "--codes", "1", "--name", "Ana"], os.path.join(tmp, "keys-host"))
    hosting = host.expect("hosting ")
    code = host.expect("code ")
    check("the host starts and prints a code", hosting and code, "")
    key = hosting.split("key=", 1)[1] if hosting else ""

    data, sender = listen_raw(5)
    check("the beacon arrives over the veth pair", data is not None and sender[0].startswith("10.77.0."), str(sender))
    text = (data or b"").decode("utf-8", "replace")
    with open(design, encoding="utf-8") as f:
        content = f.read()
    check("the beacon carries the host's public key and name but nothing of the design",
          key in text and "Ana" in text and "Hello World" not in text and "client" not in text.lower()
          and "token" not in text, text)

    rc, found, err = discover(tmp, 4)
    links = [f[1] for f in found]
    check("--discover lists the session at the host's veth address, pinned to its key",
          rc == 0 and any(l.startswith("moped://10.77.0.") and ("key=" + key) in l for l in links)
          and all(f[2] == "Ana" for f in found), "%s %s" % (found, err))

    # The discovered address and the code read aloud are enough to join.
    out = os.path.join(tmp, "guest.moped")
    guest = None
    if links and code:
        guest = Proc([MOPED, "join", links[0], "--code", code.split()[1], "-o", out], os.path.join(tmp, "keys-guest"))
        joined = guest.expect("joined", 20)
        check("joining the discovered session with the host's code works", joined)
        guest.send("save")
        guest.expect("saved", 10)
        host.send("save")
        host.expect("saved", 10)
        same = os.path.exists(out) and open(out, "rb").read() == open(design, "rb").read()
        check("the guest keeps the host's design byte for byte", same)
        guest.stop()
    else:
        check("joining the discovered session with the host's code works", False, "nothing discovered")
        check("the guest keeps the host's design byte for byte", False)
    host.stop()

    # Gone hosts stop being announced.
    rc, found, err = discover(tmp, 2)
    check("after the host quits, nothing is announced", rc == 1 and not found, str(found))
    shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(results))
    for i, (name, ok, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok and detail:
            for line in str(detail).splitlines()[:10]:
                print("#   " + line)
    return 0 if all(ok for _, ok, _ in results) else 1


def main():
    if os.environ.get("MOPED_DISCOVERY_INNER") == "1":
        return inner()
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        print("1..0 # SKIP unshare or ip is not installed")
        return 0
    probe = sh("unshare", "-n", "true")
    if probe.returncode != 0:
        print("1..0 # SKIP unshare -n is not permitted here: %s" % probe.stderr.strip())
        return 0
    env = dict(os.environ, MOPED_DISCOVERY_INNER="1")
    r = subprocess.run(["unshare", "-n", sys.executable, os.path.abspath(__file__), MOPED], env=env, timeout=240)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
