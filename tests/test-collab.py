#!/usr/bin/python3
"""test-collab.py: live collaboration between processes on the loopback: convergence, conflicts,
per-author undo, security refusals, nothing in clear on the wire.

TAP output; argv[1] is the moped binary, argv[2] the collab-peer test helper.
Every wait is bounded; nothing here is timed pass/fail.
"""
import os
import queue
import random
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

MOPED = sys.argv[1]
PEER = sys.argv[2]
EXAMPLES = os.environ["MOPED_EXAMPLES"]
# MOPED_COLLAB_SEED=N (or MOPED_COLLAB_SEEDS=N,M,...) replays a run: the first seed drives the
# host-kill and fault runs, every seed a convergence run.
SEEDS = [int(s) for s in (os.environ.get("MOPED_COLLAB_SEEDS") or os.environ.get("MOPED_COLLAB_SEED", "")).split(",")
         if s.strip()] or [random.randrange(1, 1 << 30) for _ in range(10)]
# MOPED_COLLAB_DUMP=DIR: every peer's output and log go to DIR at the end (to read a failure).
DUMP = os.environ.get("MOPED_COLLAB_DUMP")
COUNT = int(os.environ.get("MOPED_COLLAB_COUNT", "300"))
results = []
procs = []


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))
    return bool(condition)


class Proc:
    """A peer process: commands on stdin, event lines on stdout, read by a thread."""

    def __init__(self, args, home, stdin=True):
        env = dict(os.environ)
        env["XDG_CONFIG_HOME"] = home
        env.pop("DISPLAY", None)
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
        self.lines = queue.Queue()
        self.seen = []
        self.err = []
        self.readers = [threading.Thread(target=self._read, args=(self.p.stdout, self.lines), daemon=True),
                        threading.Thread(target=self._read_err, daemon=True)]
        for t in self.readers:
            t.start()
        procs.append(self)

    @staticmethod
    def _read(stream, q):
        for line in stream:
            q.put(line.rstrip("\n"))
        q.put(None)

    def _read_err(self):
        for line in self.p.stderr:
            self.err.append(line)

    def send(self, line):
        try:
            self.p.stdin.write(line + "\n")
            self.p.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def expect(self, prefix, timeout=20.0):
        """The next line starting with @prefix (others are kept in self.seen), or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                self.lines.put(None)
                return None
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def status(self):
        self.send("status")
        line = self.expect("status ")
        if line is None:
            return None
        return dict(kv.split("=", 1) for kv in line.split()[1:])

    def quit(self):
        self.send("quit")
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        # Everything it wrote is read before anyone looks.
        for t in self.readers:
            t.join(timeout=5)

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def dump_procs(folder):
    """Each peer's command line, output lines and standard error, in a file of its own."""
    os.makedirs(folder, exist_ok=True)
    for i, p in enumerate(procs):
        for t in p.readers:
            t.join(timeout=5)
        rest = []
        while True:
            try:
                line = p.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                rest.append(line)
        with open(os.path.join(folder, "peer%02d.txt" % i), "w") as f:
            f.write(" ".join(p.p.args) + "\n--- output\n" + "\n".join(p.seen + rest) +
                    "\n--- stderr\n" + "".join(p.err))


def fresh_dir():
    return tempfile.mkdtemp(prefix="moped-collab-")


def start_host(tmp, invites=3, viewers=0, extra=()):
    design = os.path.join(tmp, "host.moped")
    shutil.copy(os.path.join(EXAMPLES, "hello.moped"), design)
    host = Proc([PEER, "host", design, "--invites", str(invites), "--viewers", str(viewers), *extra],
                os.path.join(tmp, "keys-host"))
    links = []
    for _ in range(invites):
        line = host.expect("invite ")
        links.append(line.split(" ", 1)[1] if line else None)
    viewer_links = []
    for _ in range(viewers):
        line = host.expect("viewer ")
        viewer_links.append(line.split(" ", 1)[1] if line else None)
    return host, design, links, viewer_links


def start_guest(tmp, index, link, extra=()):
    out = os.path.join(tmp, "guest%d.moped" % index)
    guest = Proc([PEER, "join", link, "-o", out, *extra], os.path.join(tmp, "keys-guest%d" % index))
    joined = guest.expect("joined", 20)
    return guest, out, joined


def quiesce(host, guests, rounds=200):
    """Wait (bounded) until every guest has everything the host sequenced and nothing pending."""
    last = None
    for _ in range(rounds):
        hs = host.status()
        gs = [g.status() for g in guests]
        if hs is None or any(s is None for s in gs):
            return False
        if all(s["seq"] == hs["seq"] and s["pending"] == "0" for s in gs) and hs["seq"] == last:
            return True
        last = hs["seq"]
        time.sleep(0.1)
    return False


def saved_bytes(peers_and_files):
    out = []
    for peer, path in peers_and_files:
        peer.send("save")
        peer.expect("saved", 10)
        with open(path, "rb") as f:
            out.append(f.read())
    return out


def test_convergence(seed):
    tmp = fresh_dir()
    think = os.environ.get("MOPED_COLLAB_THINK", "12")
    host, design, links, _ = start_host(tmp, 3, extra=("--seed", str(seed), "--count", str(COUNT),
                                                        "--think", think))
    guests = []
    for i, link in enumerate(links):
        g, out, joined = start_guest(tmp, i, link, ("--seed", str(seed + i + 1), "--count", str(COUNT),
                                                    "--think", think))
        check("seed %d: guest %d joins" % (seed, i), joined, "".join(g.err))
        guests.append((g, out))
    for p in [host] + [g for g, _ in guests]:
        p.send("go")
    done = [p.expect("done", 180) for p in [host] + [g for g, _ in guests]]
    check("seed %d: every peer made %d transactions" % (seed, COUNT), all(done),
          str([p.seen[-3:] for p in [host] + [g for g, _ in guests]]))
    quiet = quiesce(host, [g for g, _ in guests])
    check("seed %d: all peers reach the host's sequence with nothing pending" % seed, quiet,
          "\n".join("%s | %s" % (p.seen[-4:], "".join(p.err[-3:])) for p in [host] + [g for g, _ in guests]))
    files = saved_bytes([(host, design)] + guests)
    same = all(f == files[0] for f in files)
    refused = sum(1 for g, _ in guests for line in g.seen if line.startswith("notice"))
    detail = "" if same else "files differ; kept in " + tmp
    check("seed %d: 4 saved files byte-identical (%d bytes, %d notices)" % (seed, len(files[0]), refused),
          same, detail)
    r = subprocess.run([MOPED, "check", design], capture_output=True, text=True, timeout=60)
    loads = check("seed %d: the result loads" % seed, r.returncode in (0, 1),
                  "moped check exited %d: %s; kept in %s" % (r.returncode, r.stderr, tmp))
    for p in [host] + [g for g, _ in guests]:
        p.quit()
    if same and loads:
        shutil.rmtree(tmp, ignore_errors=True)


def host_stopped(host):
    """Context: the host process is stopped, so edits made meanwhile are concurrent."""
    class Stop:
        def __enter__(self):
            os.kill(host.p.pid, signal.SIGSTOP)

        def __exit__(self, *exc):
            os.kill(host.p.pid, signal.SIGCONT)
    return Stop()


def name_of(peer, element_id):
    peer.send("name? " + element_id)
    line = peer.expect("name ")
    return line.split(" ", 1)[1] if line else None


def undo_notice(peer):
    """Undo; the notice printed with it (notices come before the "undo" line), or None."""
    start = len(peer.seen)
    peer.send("undo")
    peer.expect("undo ")
    told = [line for line in peer.seen[start:] if line.startswith("notice")]
    return told[0] if told else None


def test_conflicts():
    tmp = fresh_dir()
    host, design, links, _ = start_host(tmp, 2)
    a, fa, _ = start_guest(tmp, 0, links[0])
    b, fb, _ = start_guest(tmp, 1, links[1])
    a_author = a.seen[-1].split()[1].split("=")[1]
    b_author = b.seen[-1].split()[1].split("=")[1]
    everyone = [host, a, b]

    # Presence: pointer, selection and the field being edited reach the others, with who.
    a.send("presence pointer=10,20 selection=client field=client/name")
    seen_b = b.expect("presence ", 10)
    seen_h = host.expect("presence ", 10)
    check("presence reaches the other guest and the host, named by key",
          seen_b == "presence %s pointer=10,20 selection=client field=client/name" % a_author and
          seen_h == seen_b, "%s | %s" % (seen_b, seen_h))
    a.send("roster")
    roster = a.expect("roster ", 10)
    check("the roster lists everyone with access and colour",
          roster and roster.count("editor") == 3 and a_author in roster and b_author in roster and "#" in roster,
          str(roster))

    # 1. Same property set by two at once: the later in host order wins everywhere.
    a.send("addnode")
    node = a.expect("added ").split()[1]
    quiesce(host, [a, b])
    with host_stopped(host):
        a.send("edit %s by-a" % node)
        a.expect("stamp")
        time.sleep(0.2)
        b.send("edit %s by-b" % node)
        b.expect("stamp")
        time.sleep(0.2)
    check("set vs set: all quiet", quiesce(host, [a, b]))
    last = host.status()["last"]
    winner = "by-a" if last == a_author else "by-b" if last == b_author else None
    names = [name_of(p, node) for p in everyone]
    check("set vs set: the later in host order wins on every peer", winner and names == [winner] * 3,
          "%s %s" % (names, last))

    # 2. Remove a node while another links to its socket: the removal wins; the link is
    # gone everywhere (refused, and its author told, or removed with the node).
    a.send("addsocket " + node)
    sock = a.expect("added ").split()[1]
    b.send("addnode")
    other = b.expect("added ").split()[1]
    quiesce(host, [a, b])
    b.send("addsocket " + other)
    other_sock = b.expect("added ").split()[1]
    quiesce(host, [a, b])
    with host_stopped(host):
        a.send("remove " + node)
        a.expect("removed")
        time.sleep(0.2)
        b.send("link %s %s" % (other_sock, sock))
        link = b.expect("added ").split()[1]
        time.sleep(0.2)
    check("remove vs link: all quiet", quiesce(host, [a, b]),
          "%s %s %s | %s | %s" % (host.status(), a.status(), b.status(), b.seen[-6:], "".join(b.err[-5:])))
    files = saved_bytes([(host, design), (a, fa), (b, fb)])
    check("remove vs link: converged", all(f == files[0] for f in files))
    check("remove vs link: node and link gone",
          node.encode() not in files[0] and link.encode() not in files[0] and sock.encode() not in files[0])
    told = [l for l in b.seen if l.startswith("notice") and "not accepted" in l]
    first_removed = host.status()  # either order is consistent; if the link came second it was refused
    check("remove vs link: a refused link is explained to its author",
          len(told) <= 1 and (not told or "removed" in told[0]), str(told))

    # 3. Concurrent adds with default names: both nodes stay, their names told apart.
    with host_stopped(host):
        a.send("addnode")
        na = a.expect("added ").split()
        b.send("addnode")
        nb = b.expect("added ").split()
        time.sleep(0.2)
    check("concurrent adds: all quiet", quiesce(host, [a, b]))
    check("concurrent adds: same default name chosen on both", na[2:] == nb[2:], "%s %s" % (na, nb))
    names_a = [name_of(p, na[1]) for p in everyone]
    names_b = [name_of(p, nb[1]) for p in everyone]
    check("concurrent adds: both kept with distinct names everywhere",
          names_a[0] and names_b[0] and names_a[0] != names_b[0] and len(set(names_a)) == 1 and
          len(set(names_b)) == 1, "%s %s" % (names_a, names_b))
    files = saved_bytes([(host, design), (a, fa), (b, fb)])
    check("conflicts: all saved files identical", all(f == files[0] for f in files))

    # 4. Undo takes back own steps only; a property changed since by someone else stays.
    a.send("edit %s a-name" % other)
    a.expect("stamp")
    quiesce(host, [a, b])
    b.send("edit %s b-name" % other)
    b.expect("stamp")
    quiesce(host, [a, b])
    told = undo_notice(a)
    quiesce(host, [a, b])
    check("undo: a property changed since by someone else is skipped",
          [name_of(p, other) for p in everyone] == ["b-name"] * 3)
    check("undo: and the person is told", told and "changed since" in told, str(told))
    a.send("addnode")
    mine = a.expect("added ").split()[1]
    quiesce(host, [a, b])
    b.send("addsocket " + mine)
    b.expect("added ")
    quiesce(host, [a, b])
    told = undo_notice(a)
    quiesce(host, [a, b])
    check("undo: never removes what holds someone else's work",
          name_of(host, mine) not in (None, "-") and told and "holds work" in told, str(told))
    b.send("undo")
    b.expect("undo")
    b.send("undo")
    b.expect("undo")
    quiesce(host, [a, b])
    check("undo: own steps go back", name_of(host, other) == "a-name")
    for p in everyone:
        p.quit()
    shutil.rmtree(tmp, ignore_errors=True)


class Proxy:
    """A TCP proxy of the test's own on 127.0.0.1: records every byte it forwards, and can
    hold traffic (a stall or partition), drop every connection (a reset) or add delay."""

    def __init__(self, target_port):
        self.target = target_port
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.captured = bytearray()
        self.lock = threading.Lock()
        self.stopped = False
        self.paused = False
        self.held = []
        self.conns = []
        self.delay = None    # (mean, spread) seconds
        self.refuse_pid = None  # a partition: connections this process makes are cut at once
        threading.Thread(target=self._accept, daemon=True).start()

    def link(self, link, port):
        return link.replace(":%d/" % port, ":%d/" % self.port)

    def _accept(self):
        while not self.stopped:
            try:
                client, address = self.server.accept()
            except OSError:
                return
            if self.refuse_pid is not None and connects_from(self.refuse_pid, address[1]):
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src, dst):
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                for sock in (src, dst):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            if self.delay:
                time.sleep(max(0.0, random.uniform(self.delay[0] - self.delay[1], self.delay[0] + self.delay[1])))
            with self.lock:
                self.captured += data
                if self.paused:
                    self.held.append((dst, data))
                    continue
            try:
                dst.sendall(data)
            except OSError:
                return

    def pause(self):
        with self.lock:
            self.paused = True

    def resume(self):
        with self.lock:
            self.paused = False
            held, self.held = self.held, []
        for dst, data in held:
            try:
                dst.sendall(data)
            except OSError:
                pass

    def reset(self):
        """Every connection goes, and whatever was held with it."""
        with self.lock:
            conns, self.conns = self.conns, []
            self.held = []
        for sock in conns:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                sock.close()
            except OSError:
                pass

    def close(self):
        self.stopped = True
        self.reset()
        self.server.close()


def connects_from(pid, port):
    """Whether process @pid owns the TCP socket on 127.0.0.1:@port (/proc/net/tcp, its fds)."""
    suffix = ":%04X" % port
    inode = None
    try:
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[1] == "0100007F" + suffix:
                    inode = fields[9]
                    break
        if inode is None:
            return False
        target = "socket:[%s]" % inode
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == target:
                    return True
            except OSError:
                pass
    except OSError:
        pass
    return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Joined:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_join(tmp, link, keys, *extra):
    """`moped join` until it says joined or failed; then quit. Its exit status and output."""
    p = Proc([MOPED, "join", link, "-o", os.path.join(tmp, keys.strip("./") + ".moped"), "--timeout", "3",
              *extra], os.path.join(tmp, keys))
    line = p.expect("", 15)
    while line is not None and not (line.startswith("joined") or line.startswith("failed")):
        line = p.expect("", 15)
    p.quit()
    return Joined(p.p.returncode, "\n".join(p.seen), "".join(p.err))


def test_security():
    tmp = fresh_dir()
    design = os.path.join(tmp, "served.moped")
    shutil.copy(os.path.join(EXAMPLES, "hello.moped"), design)
    host = Proc([MOPED, "host", design, "--bind", "tcp://127.0.0.1:*", "--advertise", "127.0.0.1",
                 "--invites", "3", "--viewers", "1", "--lifetime", "600"], os.path.join(tmp, "host-keys"))
    address = host.expect("hosting ").split(" ", 1)[1]
    invites = [host.expect("invite ").split(" ", 1)[1] for _ in range(3)]
    viewer = host.expect("viewer ").split(" ", 1)[1]

    ident = os.path.join(tmp, "host-keys", "moped", "identity")
    check("keys: the secret key file is 0600", stat.S_IMODE(os.stat(ident).st_mode) == 0o600,
          oct(os.stat(ident).st_mode))

    r = run_join(tmp, address, "stranger")
    check("an unknown key without a token is refused",
          r.returncode != 0 and "not invited" in r.stdout, r.stdout + r.stderr)

    r = run_join(tmp, invites[0], "first")
    check("an invite admits an editor", "joined" in r.stdout and "access=editor" in r.stdout, r.stdout + r.stderr)
    r = run_join(tmp, invites[0], "second")
    check("a token is single-use", r.returncode != 0 and "not valid" in r.stdout, r.stdout)
    r = run_join(tmp, address, "first")
    check("an admitted key comes back without a token", "joined" in r.stdout, r.stdout + r.stderr)

    bad = invites[1].rsplit("=", 1)[0] + "=" + "0" * 32
    outs = [run_join(tmp, bad, "guesser").stdout for _ in range(3)]
    check("wrong tokens are refused", all("not valid" in o for o in outs), str(outs))
    r = run_join(tmp, invites[1], "guesser")
    check("after 3 wrong tokens even a right one is rate limited", "too many" in r.stdout, r.stdout)
    r = run_join(tmp, invites[1], "honest")
    check("the rate limit did not use up the token", "joined" in r.stdout, r.stdout + r.stderr)

    host.send("invite editor 1")
    short = host.expect("invite ").split(" ", 1)[1]
    time.sleep(1.5)
    r = run_join(tmp, short, "late")
    check("an expired token is refused", "not valid" in r.stdout, r.stdout)

    other_key = invites[2].split("key=")[0] + "key=" + "ab" * 32 + "&token=" + invites[2].split("token=")[1]
    r = run_join(tmp, other_key, "pinned")
    check("an invite whose host key does not match is refused",
          r.returncode != 0 and "could not prove" in r.stdout, r.stdout + r.stderr)
    r = run_join(tmp, invites[2], "pinned")
    check("and did not use the token", "joined" in r.stdout, r.stdout + r.stderr)

    os.chmod(ident, 0o644)
    r = run_join(tmp, address, "host-keys")
    check("a secret key others can read is refused", r.returncode == 2 and "chmod 600" in r.stderr, r.stderr)
    os.chmod(ident, 0o600)

    # A viewer follows but cannot change the design.
    port = int(address.split(":")[2].split("/")[0])
    v, vf, joined = start_guest(tmp, 9, viewer)
    check("a viewer joins", joined and "access=viewer" in joined, str(v.seen) + "".join(v.err))
    v.send("edit client hijacked")
    told = v.expect("notice", 10)
    check("a viewer's edit is refused and explained", told and "viewer" in told, str(told))
    v.send("name? client")
    line = v.expect("name ")
    check("the viewer's copy is back to the host's", line and "hijacked" not in line, str(line))
    v.quit()
    host.send("save")
    time.sleep(0.5)
    with open(design) as f:
        check("the host's design was not changed by the viewer", "hijacked" not in f.read())

    # Nothing of the design crosses the wire in clear.
    proxy = Proxy(port)
    host.send("invite editor")
    link = proxy.link(host.expect("invite ").split(" ", 1)[1], port)
    g, gf, joined = start_guest(tmp, 8, link)
    check("a guest joins through the recording proxy", joined, "".join(g.err))
    g.send("addnode")
    node = g.expect("added ").split()[1]
    g.send("edit %s SecretNodeName-4711" % node)
    g.expect("stamp")
    quiesce(host, [g])
    text = saved_bytes([(g, gf)])[0].decode()
    with proxy.lock:
        wire = bytes(proxy.captured)
    check("bytes went through the proxy", len(wire) > 1000, str(len(wire)))
    leaked = [w for w in ("SecretNodeName-4711", "<design", "Hello World", "Sends HELLO", "requester") if w.encode() in wire]
    check("no node name or design text in clear on the wire", "SecretNodeName-4711" in text and not leaked,
          str(leaked))
    g.quit()
    proxy.close()
    host.quit()
    shutil.rmtree(tmp, ignore_errors=True)


def host_port(link):
    return int(link.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


def test_guest_killed():
    """SIGKILL a guest whose edits never reached the host; restart it: nothing it showed is lost."""
    tmp = fresh_dir()
    host, design, links, _ = start_host(tmp, 2)
    port = host_port(links[0])
    proxy = Proxy(port)
    a, fa, joined = start_guest(tmp, 0, proxy.link(links[0], port))
    b, fb, _ = start_guest(tmp, 1, links[1])
    check("killed guest: joins through the proxy", joined)
    a.send("addnode")
    first = a.expect("added ").split()[1]
    quiesce(host, [a, b])
    proxy.pause()
    a.send("edit client shown-before-kill")
    a.expect("stamp")
    a.send("addnode")
    second = a.expect("added ").split()[1]
    a.send("remove " + first)
    a.expect("removed")
    st = a.status()
    check("killed guest: three edits pending while the host cannot hear it", st and st["pending"] == "3", str(st))
    a.p.send_signal(signal.SIGKILL)
    a.p.wait()
    proxy.reset()
    proxy.resume()
    check("killed guest: the host never got them", name_of(host, "client") != "shown-before-kill")
    a2 = Proc([PEER, "join", "-", "-o", fa], os.path.join(tmp, "keys-guest0"))
    joined = a2.expect("joined", 20)
    check("killed guest: comes back from its journal", joined, "".join(a2.err))
    check("killed guest: all quiet", quiesce(host, [a2, b]))
    names = [name_of(p, "client") for p in (host, a2, b)]
    check("killed guest: its rename reached everyone", names == ["shown-before-kill"] * 3, str(names))
    check("killed guest: its add and removal too",
          name_of(host, second) not in (None, "-") and name_of(b, first) == "-")
    files = saved_bytes([(host, design), (a2, fa), (b, fb)])
    check("killed guest: all files identical", all(f == files[0] for f in files))
    # Restarted once more with nothing pending: the edits count once.
    a2.p.send_signal(signal.SIGKILL)
    a2.p.wait()
    a3 = Proc([PEER, "join", "-", "-o", fa], os.path.join(tmp, "keys-guest0"))
    check("killed guest: comes back again", a3.expect("joined", 20))
    check("killed guest: quiet again", quiesce(host, [a3, b]))
    files2 = saved_bytes([(host, design), (a3, fa), (b, fb)])
    check("killed guest: a second return changes nothing", files2 == files, "")
    for p in (host, a3, b):
        p.quit()
    proxy.close()
    shutil.rmtree(tmp, ignore_errors=True)


def test_host_killed_after_ack():
    """SIGKILL the host right after it acknowledged edits (its own and a guest's), before
    its file was saved: started again, it has them all, from its journal."""
    tmp = fresh_dir()
    host, design, links, _ = start_host(tmp, 1)
    g, fg, joined = start_guest(tmp, 0, links[0])
    check("host killed after ack: the guest joins", joined)
    with open(design, "rb") as f:
        before = f.read()
    # The guest's edit is acknowledged when the guest has nothing pending; the host's
    # own when it printed its stamp (it was sequenced and broadcast).
    g.send("edit client acked-from-guest")
    g.expect("stamp")
    acked = wait_pending_zero(g)
    host.send("edit server acked-on-host")
    host.expect("stamp")
    host.p.send_signal(signal.SIGKILL)
    host.p.wait()
    with open(design, "rb") as f:
        on_disk = f.read()
    check("host killed after ack: the guest's edit was acknowledged", acked)
    check("host killed after ack: its journal is there", os.path.exists(design + ".journal"))
    host2 = Proc([PEER, "host", design, "--invites", "0"], os.path.join(tmp, "keys-host"))
    host2.send("save")
    saved = host2.expect("saved", 20)
    names = (name_of(host2, "client"), name_of(host2, "server"))
    check("host killed after ack: started again, it has both acknowledged edits (file %s them before)"
          % ("had" if b"acked-on-host" in on_disk else "lacked"),
          saved and names == ("acked-from-guest", "acked-on-host"), "%s %s" % (names, "".join(host2.err)))
    host2.quit()
    check("host killed after ack: a clean quit saves the file and removes the journal",
          not os.path.exists(design + ".journal") and b"acked-on-host" in open(design, "rb").read()
          and open(design, "rb").read() != before)
    # A file changed by someone else after a crash is not silently overwritten.
    host3 = Proc([PEER, "host", design, "--invites", "0"], os.path.join(tmp, "keys-host"))
    host3.send("edit client third")
    host3.expect("stamp")
    host3.p.send_signal(signal.SIGKILL)
    host3.p.wait()
    with open(design, "a", encoding="utf-8") as f:
        f.write("<!-- edited by hand after the crash -->\n")
    with open(design, encoding="utf-8") as f:
        text = f.read()
    with open(design, "w", encoding="utf-8") as f:
        f.write(text.replace('name="acked-on-host"', 'name="by-hand"'))
    host4 = Proc([PEER, "host", design, "--invites", "0"], os.path.join(tmp, "keys-host"))
    host4.p.wait(timeout=20)
    err = "".join(host4.err) if host4.readers[1].join(5) is None else ""
    check("host killed after ack: a file changed since is refused, with both named",
          host4.p.returncode != 0 and "journal" in err and os.path.exists(design + ".journal")
          and "by-hand" in open(design, encoding="utf-8").read(), err)
    g.quit()
    shutil.rmtree(tmp, ignore_errors=True)


def test_faults(seed):
    """Random edits through proxies that delay, stall, reset and partition: all converge."""
    tmp = fresh_dir()
    count, think = "150", "40"
    host, design, links, _ = start_host(tmp, 3, extra=("--seed", str(seed), "--count", count, "--think", think))
    port = host_port(links[0])
    proxies = [Proxy(port) for _ in links]
    for p in proxies:
        p.delay = (0.1, 0.05)
    guests = []
    for i, link in enumerate(links):
        g, out, joined = start_guest(tmp, i, proxies[i].link(link, port),
                                     ("--seed", str(seed + i + 1), "--count", count, "--think", think))
        check("faults: guest %d joins through a slow proxy" % i, joined, "".join(g.err))
        guests.append((g, out))
    everyone = [host] + [g for g, _ in guests]
    for p in everyone:
        p.send("go")
    time.sleep(1.0)
    proxies[0].pause()          # a 2 s stall
    proxies[1].reset()          # a reset
    proxies[2].pause()          # a 10 s partition...
    time.sleep(2.0)
    proxies[0].resume()
    proxies[1].reset()
    time.sleep(8.0)
    proxies[2].reset()          # ...that the connection does not survive
    proxies[2].resume()
    done = [p.expect("done", 120) for p in everyone]
    check("faults: every peer finished its edits", all(done))
    for p in proxies:
        p.delay = None
    quiet = quiesce(host, [g for g, _ in guests], rounds=300)
    check("faults: all reconnect by themselves and catch up", quiet,
          "\n".join(str(p.seen[-3:]) + "".join(p.err[-3:]) for p in everyone))
    files = saved_bytes([(host, design)] + guests)
    same = all(f == files[0] for f in files)
    check("faults (seed %d): all saved files identical" % seed, same, "" if same else "kept in " + tmp)
    for p in everyone:
        p.quit()
    for p in proxies:
        p.close()
    if same:
        shutil.rmtree(tmp, ignore_errors=True)


def add_named(peer, name):
    """A node added and named @name on @peer (two transactions); its id."""
    peer.send("addnode")
    line = peer.expect("added ", 10)
    if line is None:
        return None
    node = line.split()[1]
    peer.send("edit %s %s" % (node, name))
    peer.expect("stamp", 10)
    return node


def wait_line(peers, prefix, limit):
    """The first of @peers to print a line starting with @prefix within @limit seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for p in peers:
            if any(line.startswith(prefix) for line in p.seen):
                return p
            try:
                line = p.lines.get(timeout=0.05)
            except queue.Empty:
                continue
            if line is not None:
                p.seen.append(line)
    return None


def test_partition():
    """The host is cut off from every guest for 10 s while both sides edit; then it heals.

    Every peer may host (--listen); the guests reach each other's listeners directly, but
    the host reaches them, and they it, only through proxies that hold everything during
    the partition. The guests elect a successor (a newer term); the host, hearing nobody,
    stops ordering. On heal the old host rejoins the successor: one order, nothing lost,
    nothing twice."""
    tmp = fresh_dir()
    host, design, links, _ = start_host(tmp, 3)
    port = host_port(links[0])
    to_host = [Proxy(port) for _ in links]
    to_listener = [Proxy(None) for _ in links]
    for p in to_host + to_listener:
        p.delay = (0.1, 0.05)
    guests = []
    for i, link in enumerate(links):
        lport = free_port()
        to_listener[i].target = lport
        g, out, joined = start_guest(tmp, i, to_host[i].link(link, port),
                                     ("--listen", "--listen-on", "tcp://127.0.0.1:%d" % lport,
                                      "--advertise", "127.0.0.1:%d" % to_listener[i].port))
        check("partition: guest %d joins, ready to host" % i, joined, "".join(g.err))
        guests.append((g, out))
    gs = [g for g, _ in guests]
    everyone = [host] + gs
    who = ["host", "g0", "g1", "g2"]
    for p, w in zip(everyone, who):
        add_named(p, "acked-%s" % w)
    check("partition: all quiet before", quiesce(host, gs))
    acknowledged = ["acked-%s" % w for w in who]

    # The partition: nothing passes between the host and the guests either way.
    cut_at = time.monotonic()
    for p in to_host:
        p.pause()
    for p in to_listener:
        p.refuse_pid = host.p.pid
    # The host orders these itself before it can notice: nobody else ever gets them.
    host_side = ["host-early-%d" % k for k in range(2)]
    for name in host_side:
        add_named(host, name)
    successor = wait_line(gs, "hosting", 20)
    check("partition: a guest hosts on the guests' side (%.1f s after the cut)" % (time.monotonic() - cut_at),
          successor is not None, "\n".join(str(g.seen[-4:]) + "".join(g.err[-3:]) for g in gs))
    if successor is None:
        return
    others = [g for g in gs if g is not successor]
    stepped = None
    deadline = time.monotonic() + 10
    while stepped is None and time.monotonic() < deadline:
        st = host.status()
        if st and st.get("host") == "no":
            stepped = st
        time.sleep(0.2)
    check("partition: the host that hears nobody stops ordering", stepped, str(host.seen[-5:]))
    # Both sides edit during the partition.
    guest_side = []
    for k in range(3):
        name = "host-cut-%d" % k
        add_named(host, name)
        host_side.append(name)
        name = "guest-cut-%d" % k
        add_named(others[k % len(others)], name)
        guest_side.append(name)
    add_named(successor, "successor-cut")
    guest_side.append("successor-cut")
    check("partition: the guests' side agrees on its own", quiesce(successor, others))
    st = host.status()
    check("partition: the host's edits wait, not ordered (%s pending)" % (st or {}).get("pending"),
          st and int(st["pending"]) >= 6, str(st))
    acknowledged += guest_side
    time.sleep(max(0.0, 10.0 - (time.monotonic() - cut_at)))

    # Heal: connections that lived through the partition go; the rest reconnect.
    for p in to_listener:
        p.refuse_pid = None
    for p in to_host:
        p.reset()
        p.resume()
    quiet = quiesce(successor, others + [host], rounds=400)
    check("partition: after healing, the old host follows the successor and all catch up", quiet,
          "\n".join("%s | %s" % (p.seen[-4:], "".join(p.err[-3:])) for p in everyone))
    roles = [p.status() for p in everyone]
    check("partition: one host afterwards",
          [r and r.get("host") for r in roles].count("yes") == 1 and successor.status()["host"] == "yes",
          str(roles))
    files = saved_bytes([(host, design)] + guests)
    same = all(f == files[0] for f in files)
    check("partition: all saved files byte-identical", same, "" if same else "kept in " + tmp)
    text = files[0].decode()
    counts = {name: text.count('name="%s"' % name) for name in acknowledged + host_side}
    check("partition: every acknowledged edit is there",
          all(counts[n] == 1 for n in acknowledged), str(counts))
    check("partition: each side's unacknowledged edits are there exactly once",
          all(counts[n] == 1 for n in host_side), str(counts))
    told = [line for line in host.seen if line.startswith("notice") and "reached nobody" in line]
    check("partition: the old host's user is told its edits went out again", told, str(host.seen[-10:]))
    for p in everyone:
        p.quit()
    for p in to_host + to_listener:
        p.close()
    if same:
        shutil.rmtree(tmp, ignore_errors=True)


def wait_pending_zero(peer, limit=10.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        st = peer.status()
        if st and st["pending"] == "0":
            return st
        time.sleep(0.05)
    return None


def test_host_killed(seed):
    """SIGKILL the host during a random run: the next peer hosts, nothing acknowledged is lost."""
    tmp = fresh_dir()
    count, think = "200", "20"
    host, design, links, _ = start_host(tmp, 4, extra=("--seed", str(seed), "--count", count, "--think", think))
    guests = []
    for i, link in enumerate(links[:3]):
        g, out, joined = start_guest(tmp, i, link, ("--listen", "--seed", str(seed + i + 1), "--count", count,
                                                    "--think", think))
        check("host killed: guest %d joins, ready to host" % i, joined, "".join(g.err))
        guests.append((g, out))
    # A fourth guest makes no random edits (whose undo could take the marker back).
    witness, wout, _ = start_guest(tmp, 3, links[3], ("--listen",))
    guests.append((witness, wout))
    peers = [g for g, _ in guests]
    quiesce(host, peers)
    for p in [host] + peers[:3]:
        p.send("go")
    time.sleep(1.0)
    witness.send("summary acknowledged-before-the-host-died")
    acked = wait_pending_zero(witness)
    seqs = [int(p.status()["seq"]) for p in peers]
    host.p.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    host.p.wait()
    check("host killed: the marker edit was acknowledged first", acked)
    successor = None
    deadline = time.monotonic() + 20
    while successor is None and time.monotonic() < deadline:
        for p in peers:
            try:
                line = p.lines.get(timeout=0.05)
            except queue.Empty:
                continue
            if line is not None:
                p.seen.append(line)
                if line.startswith("hosting"):
                    successor = p
    took = time.monotonic() - killed_at
    print("# host killed: a successor hosted %.2f s after the SIGKILL" % took, flush=True)
    check("host killed: a successor hosts (%.1f s after the kill)" % took, successor is not None)
    if successor is None:
        return
    others = [p for p in peers if p is not successor]
    done = [any(line == "done" for line in p.seen) or p.expect("done", 120) for p in peers[:3]]
    check("host killed: every guest finished its edits", all(done))
    quiet = quiesce(successor, others, rounds=300)
    check("host killed: all reach the new host's sequence", quiet,
          "\n".join(str(p.seen[-3:]) + "".join(p.err[-3:]) for p in peers))
    final = int(successor.status()["seq"])
    check("host killed: the new order continues the old (%d >= %s)" % (final, seqs), final >= max(seqs))
    marks = []
    for p in peers:
        p.send("summary?")
        marks.append(p.expect("summary", 10))
    check("host killed: the acknowledged edit is everywhere",
          marks == ["summary acknowledged-before-the-host-died"] * 4, str(marks))
    files = saved_bytes(guests)
    same = all(f == files[0] for f in files)
    check("host killed (seed %d): the four saved files are identical" % seed, same,
          "" if same else "kept in " + tmp)
    for p in peers:
        p.quit()
    if same:
        shutil.rmtree(tmp, ignore_errors=True)


def test_successor_edits_in_grace():
    """The host dies while a guest's edit is unordered; that guest hosts next and, before the
    others are back (its grace), edits on top of it. The new edit waits behind the old: ordered
    at once, its ops were made on a design holding an edit nobody else had, and every guest
    coming back failed with 'this copy no longer matches the host's: join again'."""
    tmp = fresh_dir()
    host, design, links, _ = start_host(tmp, 2)
    a, fa, ja = start_guest(tmp, 0, links[0], ("--listen",))
    b, fb, jb = start_guest(tmp, 1, links[1], ("--listen",))
    check("grace: both guests join", ja and jb)
    quiesce(host, [a, b])
    # b stays away until a has edited in its grace; the host dies before it hears of a's node.
    os.kill(b.p.pid, signal.SIGSTOP)
    host.p.send_signal(signal.SIGKILL)
    host.p.wait()
    a.send("addnode")
    added = a.expect("added ", 10)
    node = added.split()[1] if added else "-"
    hosting = a.expect("hosting", 20)
    check("grace: the guest with an unordered edit hosts", hosting and added,
          str(a.seen[-3:]) + "".join(a.err[-3:]))
    a.send("edit %s renamed-in-grace" % node)
    stamped = a.expect("stamp", 10)
    os.kill(b.p.pid, signal.SIGCONT)
    quiet = quiesce(a, [b], rounds=300)
    failed = [line for line in b.seen if line.startswith("failed")]
    check("grace: the other comes back and follows the new host", stamped and quiet and not failed,
          "%s %s" % (failed, "".join(b.err[-3:])))
    names = (name_of(a, node), name_of(b, node))
    check("grace: both have the node with the name given in the grace",
          names == ("renamed-in-grace", "renamed-in-grace"), str(names))
    files = saved_bytes([(a, fa), (b, fb)])
    same = files[0] == files[1]
    check("grace: both files identical", same, "" if same else "kept in " + tmp)
    for p in (a, b):
        p.quit()
    if same:
        shutil.rmtree(tmp, ignore_errors=True)


def test_host_quits():
    """A host that quits normally hands over to the next peer."""
    tmp = fresh_dir()
    host, design, links, _ = start_host(tmp, 2)
    a, fa, _ = start_guest(tmp, 0, links[0], ("--listen",))
    b, fb, _ = start_guest(tmp, 1, links[1], ("--listen",))
    b.send("summary before-the-host-quit")
    wait_pending_zero(b)
    quiesce(host, [a, b])
    host.quit()
    hosting = a.expect("hosting", 20)
    check("host quits: the next peer hosts", hosting, str(a.seen[-3:]) + "".join(a.err[-3:]))
    b.send("edit client after-handover")
    b.expect("stamp")
    check("host quits: the other follows the new host", quiesce(a, [b]))
    check("host quits: edits go on", name_of(a, "client") == "after-handover")
    a.send("summary?")
    check("host quits: nothing was lost", a.expect("summary") == "summary before-the-host-quit")
    files = saved_bytes([(a, fa), (b, fb)])
    check("host quits: both files identical", files[0] == files[1])
    for p in (a, b):
        p.quit()
    shutil.rmtree(tmp, ignore_errors=True)


def test_cli_handover():
    """`moped host` quits; a `moped join --bind` peer hosts and the other follows it."""
    tmp = fresh_dir()
    design = os.path.join(tmp, "served.moped")
    shutil.copy(os.path.join(EXAMPLES, "hello.moped"), design)
    host = Proc([MOPED, "host", design, "--bind", "tcp://127.0.0.1:*", "--advertise", "127.0.0.1",
                 "--invites", "2"], os.path.join(tmp, "host-keys"))
    host.expect("hosting ")
    invites = [host.expect("invite ").split(" ", 1)[1] for _ in range(2)]
    joiners = []
    for i, link in enumerate(invites):
        out = os.path.join(tmp, "j%d.moped" % i)
        p = Proc([MOPED, "join", link, "-o", out, "--bind", "tcp://127.0.0.1:*", "--advertise", "127.0.0.1"],
                 os.path.join(tmp, "j%d-keys" % i))
        check("cli handover: joiner %d joins" % i, p.expect("joined", 20), "".join(p.err))
        joiners.append((p, out))
    quiesce(host, [p for p, _ in joiners])
    host.quit()
    hosting = joiners[0][0].expect("hosting", 20)
    check("cli handover: the first joiner hosts when moped host quits", hosting,
          str(joiners[0][0].seen[-3:]) + "".join(joiners[0][0].err[-3:]))
    check("cli handover: the other follows", quiesce(joiners[0][0], [joiners[1][0]]))
    for p, _ in joiners:
        p.quit()
    shutil.rmtree(tmp, ignore_errors=True)


def main():
    only = os.environ.get("MOPED_COLLAB_ONLY",
                          "security,conflicts,killed,handover,grace,hostkill,faults,partition,convergence").split(",")
    try:
        if "security" in only:
            test_security()
        if "conflicts" in only:
            test_conflicts()
        if "killed" in only:
            test_guest_killed()
            test_host_killed_after_ack()
        if "handover" in only:
            test_host_quits()
            test_cli_handover()
        if "grace" in only:
            test_successor_edits_in_grace()
        if "hostkill" in only:
            seed = SEEDS[0]
            print("# host killed seed %d (MOPED_COLLAB_SEED=%d to repeat)" % (seed, seed), flush=True)
            test_host_killed(seed)
        if "faults" in only:
            seed = SEEDS[0]
            print("# faults seed %d (MOPED_COLLAB_SEED=%d to repeat)" % (seed, seed), flush=True)
            test_faults(seed)
        if "partition" in only:
            test_partition()
        for seed in (SEEDS if "convergence" in only else []):
            print("# convergence seed %d (MOPED_COLLAB_SEEDS=%d to repeat)" % (seed, seed), flush=True)
            test_convergence(seed)
    finally:
        for p in procs:
            p.kill()
        if DUMP:
            dump_procs(DUMP)
    print("1..%d" % len(results))
    for i, (name, ok, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok and detail:
            for line in str(detail).splitlines()[:20]:
                print("#   " + line)
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
