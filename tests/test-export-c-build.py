#!/usr/bin/python3
"""test-export-c-build.py: `moped export c` end to end: exported code builds with -Werror, runs, and survives re-export.

TAP output; argv[1] is the moped binary. Needs meson, ninja, gcc, czmq and libzmq;
valgrind for the leak checks. Never needs a display.

- Every bundled example (but broken.moped) is exported, built with -Werror, and its
  self-test must pass, also under valgrind with no leak and no error.
- broken.moped is refused, with its errors listed, and nothing is written.
- 7/MDP on the wire: tests/mdp-peer.c, raw libzmq, checks every frame of the Majordomo
  example's exported codecs and broker (headers, command bytes, empty frames); the
  packed encoding is checked byte by byte against zproto's layout (tests/packed-peer.c).
- State machines: a raw peer (tests/machine-peer.c) sends commands out of order to an
  exported ROUTER node, which refuses them (logged, no handler called) and keeps one
  state per peer, through a loop, each branch of a choice and a new session after BYE.
- Choices: the self-test sends every branch of a choice; the flow test accepts the
  branch the user's handler takes, and a handler that sends a command the protocol
  does not allow there fails it with one line naming the branches and the handler.
- Property test: random designs (fields of every type, a msg field last in some
  commands; compatible socket pairs, fan-in and fan-out, sockets
  shared by several links and peers, bind or connect set per link end, instances,
  PAIR, ROUTER to ROUTER, proxies, choice and loop blocks, processes and hosts with inproc,
  ipc, loopback and a tcp port bound on two hosts or at two addresses of one host
  (127.0.0.2 beside 127.0.0.1 or *), hostile names and descriptions). Every design `moped check`
  passes without errors exports, builds with -Werror and passes its self-test; every
  design it refuses is refused for one of the run-time rules (RUNTIME_RULES) and for
  nothing else. They are built in batches, as subprojects of one meson project, to
  share one configure step and keep both cores busy. MOPED_PROPERTY_COUNT (default
  300) and MOPED_PROPERTY_SEED change how many and which; MOPED_PROPERTY_OFFSET
  starts at another index, so a long run goes in chunks that add up (each prints one
  "# property:" line: seed, first, count, passed, failed, refused by rule); a failure
  prints the seed and index. MOPED_PROPERTY_FAST_BUILD=1 (long local runs) shares a
  precompiled czmq.h and links only the self-tests; tests/property-chunks.sh runs chunks.
  MOPED_EXPORT_C_TESTS (comma-separated test function names) runs only those.
- User tests: the first export writes tests/, whose first test fails on the fresh
  skeleton naming the function to write and passes once it is written; re-export
  leaves tests/ alone (without an API method, the first test sends the first flow's
  first step and waits for the user's handlers to send the next); a typed API method runs in the node's thread, and its test
  fails when the implementation answers wrong; a repeating timer
  set in a start hook publishes, and an API method answers later from a handler; a
  send to a peer that cannot take it fails after a bounded wait, never blocking.
- Programs started from a shell (tests/data/served.moped): two instances started
  without -n get routing ids of their own, so one ROUTER serves both; a start hook's
  first send from a ROUTER to its one designed peer (no peer given) waits for that
  peer, started later, to connect.
- Re-export: an edited handler survives, a new command's stub is appended, a removed
  command's handler is reported and kept, an unchanged design rewrites no file, and a
  generated file edited by hand is not overwritten without --force; user code still
  calling a removed command's send function is reported on every export until it
  is gone. Renames (same
  ids) are reported until done, applied by --apply-renames (a diff with --dry-run);
  an orphaned handler is reported on every export; a changed signature shows both
  prototypes. A renamed node's file moves, with the user's code, to its new path
  (swaps too), its generated names renamed there and in tests/ by --apply-renames.
"""
# SPDX-License-Identifier: MPL-2.0
import concurrent.futures
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from xml.sax.saxutils import quoteattr

MOPED = os.path.abspath(sys.argv[1])
EXAMPLES = os.environ["MOPED_EXAMPLES"]
COUNT = int(os.environ.get("MOPED_PROPERTY_COUNT", "300"))
VALGRIND_COUNT = int(os.environ.get("MOPED_PROPERTY_VALGRIND", "8"))
SEED = int(os.environ.get("MOPED_PROPERTY_SEED", "20241124"))
# The first design's index: a long run is split into chunks (same seed, successive
# offsets) whose designs are the ones one run of the whole count would draw.
OFFSET = int(os.environ.get("MOPED_PROPERTY_OFFSET", "0"))
# Long local runs: czmq.h precompiled once and shared by every compile, no -g, and of
# the programs only the self-tests linked (every source is still compiled with -Werror).
FAST_BUILD = os.environ.get("MOPED_PROPERTY_FAST_BUILD", "") not in ("", "0")
JOBS = max(2, os.cpu_count() or 2)
VALGRIND = shutil.which("valgrind")
results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))
    return bool(condition)


def run(args, cwd=None, timeout=600, env_extra=None):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    if env_extra:
        env.update(env_extra)
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def export(design, directory, *extra):
    return run([MOPED, "export", "c", design, "-o", directory, *extra])


def tail(text, lines=40):
    return "\n".join(text.splitlines()[-lines:])


# ---- building batches of exports ---------------------------------------------------------

def build_batch(root, names, build="build", options=(), env_extra=None, keep_going=False, targets=()):
    """Build the exports root/subprojects/NAME as subprojects of one project (with
    keep_going, every design that can be built is, whatever another's errors)."""
    with open(os.path.join(root, "meson.build"), "w") as f:
        f.write("project('batch', 'c')\n")
        for name in names:
            f.write("subproject('%s')\n" % name)
    r = run(["meson", "setup", build, *options], cwd=root, env_extra=env_extra, timeout=1800)
    if r.returncode != 0:
        return r.returncode, r.stdout + r.stderr
    targets = list(targets(os.path.join(root, build))) if callable(targets) else list(targets)
    r = run(["ninja", "-C", build, "-j", str(JOBS), *(["-k", "0"] if keep_going else []), *targets],
            cwd=root, timeout=4 * 3600)
    return r.returncode, r.stdout + r.stderr


def precompiled_czmq(directory):
    """czmq.h precompiled for the flags of the exports' compiles, position-independent
    (the static skeleton) and not (the programs); gcc takes the one that fits from the
    .gch folder. Returns the c_args that force-include it."""
    header = os.path.join(directory, "moped_czmq_pch.h")
    with open(header, "w") as f:
        f.write("#include <czmq.h>\n#include <zmq.h>\n")
    folder = header + ".gch"
    os.makedirs(folder, exist_ok=True)
    flags = run(["pkg-config", "--cflags", "libczmq", "libzmq"]).stdout.split()
    for name, pic in (("pic", ["-fPIC"]), ("pie", ["-fPIE"])):
        r = run(["gcc", *flags, "-D_FILE_OFFSET_BITS=64", "-std=gnu11", "-O0", *pic,
                 "-x", "c-header", header, "-o", os.path.join(folder, name + ".gch")])
        if r.returncode != 0:
            return []
    # Of the folder's headers, the one made with other flags is skipped, not an error.
    # No debugging information (a fifth of a compile's time), no temporary files.
    return ["-Dc_args=-include %s -Wno-invalid-pch -pipe" % header, "-Ddebug=false"]


def objects_and_selftests(build):
    """Every object file and every self-test of a configured batch: all the code is
    compiled with -Werror, only the self-tests are linked."""
    r = run(["ninja", "-C", build, "-t", "targets", "all"])
    outputs = [line.split(":")[0] for line in r.stdout.splitlines()]
    return [o for o in outputs if o.endswith(".o") or re.search(r"^subprojects/[^/]+/selftest$", o)]


def selftest_path(root, name, build="build"):
    return os.path.join(root, build, "subprojects", name, "selftest")


def run_selftest(path, wrapper=()):
    try:
        r = run([*wrapper, path], timeout=300)
    except subprocess.TimeoutExpired:
        return False, "timed out"
    passed = r.returncode == 0 and r.stdout.rstrip().endswith("selftest: passed")
    return passed, r.stdout + r.stderr


def run_all(paths, wrapper=()):
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        return list(pool.map(lambda p: run_selftest(p, wrapper), paths))


# ---- the bundled examples ---------------------------------------------------------------

VALGRIND_ARGS = ["--error-exitcode=3", "--leak-check=full",
                 "--errors-for-leak-kinds=definite,indirect,possible",
                 "--show-leak-kinds=definite,indirect,possible", "-q"]


def test_examples(work):
    root = os.path.join(work, "examples")
    names = []
    for f in sorted(os.listdir(EXAMPLES)):
        if not f.endswith(".moped") or f == "broken.moped":
            continue
        name = f[:-len(".moped")].replace("-", "_")
        r = export(os.path.join(EXAMPLES, f), os.path.join(root, "subprojects", name))
        if check(f"export {f}", r.returncode == 0, r.stdout + r.stderr):
            names.append(name)
    check("there are examples", len(names) >= 6, str(names))
    rc, log = build_batch(root, names)
    if not check("examples build with -Werror", rc == 0, tail(log)):
        return
    check("examples are built with -Werror", "-Werror" in open(
        os.path.join(root, "build", "compile_commands.json")).read())
    outcomes = run_all([selftest_path(root, n) for n in names])
    for name, (passed, log) in zip(names, outcomes):
        check(f"self-test of {name} passes", passed, tail(log))
    # MOPED's "watch it fail": with the user's (empty) handlers running, each example's
    # flow test fails with one line naming the step and what to write.
    for name in names:
        r = run([selftest_path(root, name), "--flows"], timeout=120)
        lines = [line for line in r.stdout.splitlines() if line.startswith("flow ")]
        check(f"flow test of {name} fails on the fresh skeleton, in one line saying what to write",
              r.returncode == 1 and len(lines) == 1 and
              re.match(r'^flow "[^"]+": step \d+ \(.+\) did not happen within 500 ms: '
                       r'(write \w+ in src/\w+\.c|have .+ call \w+ after step \d+ .*src/\w+\.c\))$', lines[0]),
              r.stdout + r.stderr)
        headers = os.path.join(root, "subprojects", name, "include")
        # The nodes' public headers (those with an options struct); wire.h is the codecs' library.
        node_headers = [open(os.path.join(headers, h)).read() for h in os.listdir(headers)]
        node_headers = [text for text in node_headers if "_options_t;" in text]
        check(f"no trace mode in the public API of {name}",
              node_headers and not any("trace" in text for text in node_headers))
        if passed:
            flows = [line for line in log.splitlines() if line.startswith("flow ")]
            check(f"self-test of {name} plays flows", len(flows) > 0 and
                  all(": ok (" in line or "not checked" in line for line in flows), log)
    if VALGRIND is None:
        check("valgrind is installed", False, "install valgrind to check for leaks")
        return
    outcomes = run_all([selftest_path(root, n) for n in names], wrapper=(VALGRIND, *VALGRIND_ARGS))
    for name, (passed, log) in zip(names, outcomes):
        check(f"self-test of {name} under valgrind: no leak, no error", passed, tail(log))

    # Optimised, without assertions, with the other compiler: -O2 finds other warnings.
    compiler = "clang" if shutil.which("clang") else "cc"
    rc, log = build_batch(root, names, "build-release", ["--buildtype=release", "-Db_ndebug=true"],
                          env_extra={"CC": compiler})
    if check(f"examples build with -Werror, optimised, NDEBUG, {compiler}", rc == 0, tail(log)):
        outcomes = run_all([selftest_path(root, n, "build-release") for n in names])
        for name, (passed, log) in zip(names, outcomes):
            check(f"optimised self-test of {name} passes", passed, tail(log))


def add_user_test(directory, name, source, timeout=None):
    """Writes tests/test_NAME.c into an exported project's tests/ (the user's) and lists
    it in tests/meson.build as the test NAME (dashes become underscores in the file)."""
    stem = "test_" + name.replace("-", "_")
    with open(os.path.join(directory, "tests", stem + ".c"), "w") as f:
        f.write(source)
    with open(os.path.join(directory, "tests", "meson.build"), "a") as f:
        f.write("test('%s', executable('%s', '%s.c', link_with: skeleton, kwargs: common)%s)\n"
                % (name, stem, stem, ", timeout: %d" % timeout if timeout else ""))


def build_user_project(directory, label):
    """meson setup (once) and ninja in an exported project, checked as "LABEL: builds"."""
    if not os.path.exists(os.path.join(directory, "build")):
        run(["meson", "setup", "build"], cwd=directory)
    r = run(["ninja", "-C", "build"], cwd=directory, timeout=600)
    return check("%s: builds" % label, r.returncode == 0, tail(r.stdout + r.stderr))


def run_user_tests(directory, *names, timeout=120):
    return run(["meson", "test", "-C", "build", "--print-errorlogs", *names], cwd=directory, timeout=timeout)


def test_standalone(work):
    """One export on its own, as a user builds it: meson setup in the directory."""
    directory = os.path.join(work, "standalone")
    r = export(os.path.join(EXAMPLES, "hello.moped"), directory)
    check("export hello alone", r.returncode == 0, r.stderr)
    r = run(["meson", "setup", "build"], cwd=directory)
    check("meson setup in the export", r.returncode == 0, tail(r.stdout + r.stderr))
    r = run(["ninja", "-C", "build"], cwd=directory, timeout=600)
    check("ninja builds every program", r.returncode == 0, tail(r.stdout + r.stderr))
    r = run(["meson", "test", "-C", "build", "selftest"], cwd=directory, timeout=600)
    check("meson test runs the self-test", r.returncode == 0, tail(r.stdout + r.stderr))
    r = run([os.path.join(directory, "build", "client"), "--help"])
    check("a node's program has --help", r.returncode == 0 and "request=" in r.stdout, r.stdout)
    r = run([os.path.join(directory, "build", "bench_greetings"), "-n", "2000"])
    check("a link's benchmark runs", r.returncode in (0, 1) and "msg/s" in r.stdout, r.stdout + r.stderr)
    m = re.search(r"^latency: required 1 ms, measured ([0-9.e+-]+) ms per round trip: (met|NOT met)$",
                  r.stdout, re.M)
    t = re.search(r"^throughput: required 10000 msg/s, measured ([0-9]+) msg/s: (met|NOT met)$", r.stdout, re.M)
    check("a link's benchmark reports its latency requirement, and the throughput one of the node at its "
          "end (Server: 10000 msg/s), beside the measured figures, and its exit status says whether both are met",
          m is not None and t is not None and
          (r.returncode == 0) == (m.group(2) == "met" and t.group(2) == "met") and
          (m.group(2) == "met") == (float(m.group(1)) <= 1.0) and
          (t.group(2) == "met") == (int(t.group(1)) >= 10000), r.stdout)
    with open(os.path.join(directory, "README.md")) as f:
        readme = f.read()
    check("the export's README says which benchmark checks the node's throughput requirement",
          "Greetings per second (throughput, on Server): 10000 msg/s." in readme and
          "Checked by `bench_greetings`." in readme and "messages the node handles per second" in readme, readme)

    # A requirement no machine meets: the benchmark says so and fails (meson test --benchmark).
    # The throughput stays on the node (Server), the latency on the link.
    strict = os.path.join(work, "strict.moped")
    with open(os.path.join(EXAMPLES, "hello.moped")) as f:
        text = f.read()
    with open(strict, "w") as f:
        f.write(text.replace('metric="latency" value="1" unit="ms"', 'metric="latency" value="0.000001" unit="ms"')
                .replace('value="10000" unit="msg/s" target="server"',
                         'value="1000000000000" unit="msg/s" target="server"'))
    directory = os.path.join(work, "strict")
    r = export(strict, directory)
    r = run(["meson", "setup", "build"], cwd=directory)
    r = run(["ninja", "-C", "build", "bench_greetings"], cwd=directory, timeout=600)
    r = run([os.path.join(directory, "build", "bench_greetings"), "-n", "2000"])
    check("a benchmark whose requirements are not met exits 1, printing both numbers of each",
          r.returncode == 1 and re.search(r"^latency: required 1e-06 ms, measured [0-9.e+-]+ ms per round trip: "
                                          r"NOT met$", r.stdout, re.M) and
          re.search(r"^throughput: required 1e\+12 msg/s, measured [0-9]+ msg/s: NOT met$", r.stdout, re.M),
          r.stdout + r.stderr)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mdp_wire(work):
    """The Majordomo example declares 7/MDP: tests/mdp-peer.c, a raw libzmq peer, checks
    every frame the exported codecs send and has them decode raw 7/MDP frames, then
    talks to the exported broker program over tcp as a raw worker and a raw client."""
    directory = os.path.join(work, "mdp")
    r = export(os.path.join(EXAMPLES, "majordomo.moped"), directory)
    if not check("export majordomo", r.returncode == 0, r.stderr):
        return
    r = run(["meson", "setup", "build"], cwd=directory)
    if not check("majordomo: meson setup", r.returncode == 0, tail(r.stdout + r.stderr)):
        return
    r = run(["ninja", "-C", "build"], cwd=directory, timeout=900)
    if not check("majordomo: builds", r.returncode == 0, tail(r.stdout + r.stderr)):
        return
    flags = run(["pkg-config", "--cflags", "--libs", "libczmq", "libzmq"]).stdout.split()
    peer = os.path.join(work, "mdp-peer")
    r = run(["cc", "-Wall", "-Wextra", "-Werror", "-o", peer,
             os.path.join(os.path.dirname(os.path.abspath(__file__)), "mdp-peer.c"),
             "-I", os.path.join(directory, "include"), os.path.join(directory, "build", "libskeleton.a"), *flags])
    if not check("mdp-peer builds against the export", r.returncode == 0, r.stderr):
        return
    r = run([peer], timeout=120)
    check("the exported codecs speak 7/MDP frame by frame", r.returncode == 0 and "mdp-peer: passed" in r.stdout,
          r.stdout + r.stderr)
    frontend, backend = free_port(), free_port()
    broker = subprocess.Popen([os.path.join(directory, "build", "broker"), "-v",
                               "frontend=@tcp://127.0.0.1:%d" % frontend, "backend=@tcp://127.0.0.1:%d" % backend],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        sent = []
        for who, port in (("worker", backend), ("client", frontend)):
            sent.append(run([peer, who, "tcp://127.0.0.1:%d" % port], timeout=60).returncode == 0)
        # The broker logs each message it decoded; give it a bounded moment.
        time.sleep(1.0)
    finally:
        broker.send_signal(signal.SIGINT)
        try:
            log, _ = broker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            broker.kill()
            log, _ = broker.communicate()
    check("the exported broker takes a raw worker's READY and a raw client's REQUEST",
          all(sent) and "received READY on backend" in log and "received REQUEST on frontend" in log, log)


def test_packed_wire(work):
    """The packed encoding is zproto's: tests/packed-peer.c checks the bytes the exported
    codec of tests/data/packed-zproto.moped sends against zproto_codec_c.gsl's layout,
    written out by hand, and decodes that layout."""
    directory = os.path.join(work, "packed")
    data = os.environ.get("MOPED_TEST_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    r = export(os.path.join(data, "packed-zproto.moped"), directory)
    if not check("export packed-zproto", r.returncode == 0, r.stdout + r.stderr):
        return
    r = run(["meson", "setup", "build"], cwd=directory)
    r = run(["ninja", "-C", "build", "libskeleton.a"], cwd=directory, timeout=900)
    if not check("packed-zproto: builds", r.returncode == 0, tail(r.stdout + r.stderr)):
        return
    flags = run(["pkg-config", "--cflags", "--libs", "libczmq", "libzmq"]).stdout.split()
    peer = os.path.join(work, "packed-peer")
    r = run(["cc", "-Wall", "-Wextra", "-Werror", "-o", peer,
             os.path.join(os.path.dirname(os.path.abspath(__file__)), "packed-peer.c"),
             "-I", os.path.join(directory, "include"), os.path.join(directory, "build", "libskeleton.a"), *flags])
    if not check("packed-peer builds against the export", r.returncode == 0, r.stderr):
        return
    r = run([peer], timeout=120)
    check("the packed codec sends and decodes zproto's bytes", r.returncode == 0 and "packed-peer: passed" in r.stdout,
          r.stdout + r.stderr)


def test_machine_enforced(work):
    """The engines enforce each role's state machine: tests/machine-peer.c, a raw libzmq
    peer, sends commands out of order to an exported ROUTER node (refused: logged,
    handler not called, no answer), then whole sessions through a loop and each branch
    of a choice, from two peers with a state each; tests/data/machine/src/server.c
    counts what its handlers got and tries a send its state does not allow."""
    directory = os.path.join(work, "machine")
    data = os.environ.get("MOPED_TEST_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    r = export(os.path.join(data, "machine", "machine.moped"), directory)
    if not check("export machine", r.returncode == 0, r.stdout + r.stderr):
        return
    shutil.copy(os.path.join(data, "machine", "src", "server.c"), os.path.join(directory, "src", "server.c"))
    r = run(["meson", "setup", "build"], cwd=directory)
    if r.returncode == 0:
        r = run(["ninja", "-C", "build"], cwd=directory, timeout=900)
    if not check("machine: builds", r.returncode == 0, tail(r.stdout + r.stderr)):
        return
    r = run([os.path.join(directory, "build", "selftest")], timeout=120)
    check("machine: its self-test passes with the state machines enforced",
          r.returncode == 0 and r.stdout.rstrip().endswith("selftest: passed") and "refused" not in r.stdout + r.stderr,
          tail(r.stdout + r.stderr))
    flags = run(["pkg-config", "--cflags", "--libs", "libczmq", "libzmq"]).stdout.split()
    peer = os.path.join(work, "machine-peer")
    r = run(["cc", "-Wall", "-Wextra", "-Werror", "-o", peer,
             os.path.join(os.path.dirname(os.path.abspath(__file__)), "machine-peer.c"),
             "-I", os.path.join(directory, "include"), os.path.join(directory, "build", "libskeleton.a"), *flags])
    if not check("machine-peer builds against the export", r.returncode == 0, r.stderr):
        return
    r = run([peer], timeout=120)
    out = r.stdout + r.stderr
    check("a raw peer's valid sessions pass, its commands out of order are refused and reach no handler",
          r.returncode == 0 and "machine-peer: passed" in r.stdout, out)
    refused = re.findall(r"server: refused (?:to send )?\w+ in state \d+ (?:from|to) [\w-]+", out)
    expected = ["server: refused PING in state 1 from raw-peer", "server: refused WORK in state 1 from raw-peer",
                "server: refused HELLO in state 3 from raw-peer", "server: refused BYE in state 1 from other-peer",
                "server: refused to send PONG in state 1 to raw-peer",
                "server: refused to send PONG in state 1 to raw-peer",
                "server: refused to send PONG in state 1 to other-peer",
                "server: refused PING in state 1 from raw-peer"]
    check("each refusal is logged, naming the command, the state and the peer", refused == expected,
          "logged: %s" % refused)


def header_comment(path):
    """The comment text of a generated header, its wrapped lines joined."""
    with open(path) as f:
        return " ".join(line[2:].strip() for line in f if line.startswith("//"))


def test_fan_out(work):
    """tests/data/fan-out.moped: an XPUB with two subscribers sends STORY to one of them,
    and the other (whose role never receives) gets it too; another XPUB plays to two
    listeners of one role. The engines keep no state machine on either side of a fan-out
    socket with several peers (the header says so), so the self-test passes; keeping
    one, the reporter refuses the STORY meant for the archive."""
    directory = os.path.join(work, "fan-out")
    data = os.environ.get("MOPED_TEST_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    design = os.path.join(data, "fan-out.moped")
    r = run([MOPED, "check", design])
    check("fan-out: checks clean", r.returncode == 0 and "0 errors, 0 warnings" in r.stdout + r.stderr,
          r.stdout + r.stderr)
    r = export(design, directory)
    if not check("fan-out: export", r.returncode == 0, r.stdout + r.stderr):
        return
    unchecked = "It cannot keep these, whose messages it passes unchecked:"
    for node, line in (("station", "Radio (station) on air: air sends each message to all of its 2 peers"),
                       ("listener_1", "Radio (listener) on station: station.air sends each message to all of its 2 peers"),
                       ("listener_2", "Radio (listener) on station: station.air sends each message to all of its 2 peers"),
                       ("reporter", "News (reporter) on desk: desk.out sends each message to all of its 2 peers"),
                       ("archive", "News (archive) on desk: desk.out sends each message to all of its 2 peers")):
        text = header_comment(os.path.join(directory, "include", node + ".h"))
        check("fan-out: %s.h lists its socket as passing unchecked" % node,
              unchecked in text and "- " + line in text, text[-600:])
    ok, log = build_and_test(directory)
    check("fan-out: builds and its self-test passes, nothing refused",
          ok and "flow Tip off: ok (2 messages)" in log and "flow Listen: ok (2 messages)" in log and
          "refused" not in log, tail(log))


def replace_body(path, signature, body):
    """Replace the body of the function defined at `signature` in a user file."""
    with open(path) as f:
        text = f.read()
    start = text.index(signature)
    open_brace = text.index("\n{\n", start)
    close_brace = text.index("\n}\n", open_brace)
    with open(path, "w") as f:
        f.write(text[:open_brace] + "\n{\n" + body + text[close_brace:])


CHOICE_DESIGN = """<?xml version="1.0" encoding="UTF-8"?>
<design format="2" name="Choice" summary="The server answers a question or refuses it, as it chooses.">
  <node id="client" name="Client" x="40" y="40">
    <socket id="client-req" name="server" type="REQ"/>
  </node>
  <node id="server" name="Server" x="320" y="40">
    <socket id="server-rep" name="clients" type="REP" mode="bind"/>
  </node>
  <link id="link-1" from="client-req" to="server-rep" endpoint="tcp://*:5591" protocol="qa" from-role="qa.client" to-role="qa.server"/>
  <protocol id="qa" name="Questions">
    <role id="qa.client" name="client"/>
    <role id="qa.server" name="server"/>
    <command id="ask" name="ASK" sender="qa.client"><field id="ask-q" name="question"/></command>
    <command id="answer" name="ANSWER" sender="qa.server"><field id="answer-a" name="text"/></command>
    <command id="refuse" name="REFUSE" sender="qa.server"/>
    <command id="status" name="STATUS" sender="qa.client"/>
    <command id="report" name="REPORT" sender="qa.server"/>
    <flow id="talk" name="Talk">
      <step id="t1" from="client" to="server" command="ask"/>
      <step id="t2" block="choice" from="qa.server">
        <step id="t3" from="server" to="client" command="answer"/>
        <step id="t4" from="server" to="client" command="refuse"/>
      </step>
    </flow>
    <flow id="state" name="Status">
      <step id="s1" from="client" to="server" command="status"/>
      <step id="s2" from="server" to="client" command="report"/>
    </flow>
  </protocol>
</design>
"""


def test_choices(work):
    """A flow with a choice: the wiring self-test plays each branch; the flow test
    accepts whichever branch the user's handler takes, and names the branches it
    waited for, and the handler, when the handler sends what the protocol does not
    allow there."""
    directory = os.path.join(work, "choices")
    design = os.path.join(work, "choices.moped")
    with open(design, "w") as f:
        f.write(CHOICE_DESIGN)
    r = export(design, directory)
    if not check("choices: export", r.returncode == 0, r.stdout + r.stderr):
        return
    if not build_user_project(directory, "choices"):
        return
    selftest = os.path.join(directory, "build", "selftest")
    r = run([selftest, "-v"], timeout=120)
    out = r.stdout + r.stderr
    check("choices: the self-test plays each branch of the choice",
          r.returncode == 0 and "flow Talk: step 2: Server sends ANSWER to Client" in out and
          "flow Talk: step 3: Server sends REFUSE to Client" in out and "flow Talk: ok (4 messages)" in out,
          tail(out))
    r = run([selftest, "--flows"], timeout=120)
    check("choices: on the fresh skeleton the flow test names both branches and the handler to write",
          r.returncode == 1 and 'flow "Talk": step 2 (Server sends ANSWER to Client) or step 3 (Server sends '
          'REFUSE to Client) did not happen within 500 ms: write server_handle_ask in src/server.c' in r.stdout,
          tail(r.stdout))
    first = os.path.join(directory, "build", "tests", "test_first")
    r = run([first], timeout=120)
    check("choices: with no API method, the first test sends the first step and fails on the fresh skeleton, "
          "naming the handler to write",
          r.returncode == 1 and 'first test: flow "Talk": step 2 (Server sends ANSWER to Client) or step 3 '
          '(Server sends REFUSE to Client) did not happen within 2000 ms: write server_handle_ask in src/server.c'
          in r.stdout, tail(r.stdout + r.stderr))
    server = os.path.join(directory, "src", "server.c")
    replace_body(server, "server_handle_ask (server_state_t *self, const wire_peer_t *from, const char *question)",
                 "    (void) question;\n    return server_send_refuse (self->engine, from);")
    replace_body(server, "server_handle_status (server_state_t *self, const wire_peer_t *from)",
                 "    return server_send_report (self->engine, from);")
    build_user_project(directory, "choices: the second branch")
    r = run([selftest, "--flows"], timeout=120)
    check("choices: a handler that takes the second branch passes the flow test",
          r.returncode == 0 and "flow Talk: ok (2 messages)" in r.stdout and "flow Status: ok" in r.stdout,
          tail(r.stdout + r.stderr))
    r = run([first], timeout=120)
    check("choices: ... and the first test", r.returncode == 0, tail(r.stdout + r.stderr))
    replace_body(server, "server_handle_ask (server_state_t *self, const wire_peer_t *from, const char *question)",
                 "    (void) question;\n    return server_send_report (self->engine, from);")
    build_user_project(directory, "choices: a command not allowed there")
    r = run([selftest, "--flows"], timeout=120)
    check("choices: a handler that answers with a command the flow does not allow there fails, saying so",
          r.returncode == 1 and 'flow "Talk": step 2 (Server sends ANSWER to Client) or step 3 (Server sends '
          'REFUSE to Client) did not happen within 500 ms: write server_handle_ask in src/server.c (instead, '
          'Server.clients: refused to send REPORT in state' in r.stdout, tail(r.stdout + r.stderr))


def test_user_tests(work):
    """MOPED's loop: the first export writes tests/, whose first test fails on the fresh
    skeleton naming what to write, passes once the user has written it, and is never
    touched again; API methods take typed arguments and return typed results, also
    answered later from a handler."""
    directory = os.path.join(work, "user-tests")
    r = export(os.path.join(EXAMPLES, "hello.moped"), directory)
    check("user tests: export", r.returncode == 0, r.stderr)
    check("user tests: tests/ is written", os.path.exists(os.path.join(directory, "tests", "meson.build")) and
          os.path.exists(os.path.join(directory, "tests", "test_first.c")), r.stdout)
    build_user_project(directory, "user tests: the project with tests/")
    r = run_user_tests(directory, "flows")
    check("user tests: the flow test fails on the fresh skeleton, naming the handler to write",
          r.returncode != 0 and 'flow "Round trip": step 2 (Server sends WORLD to Client) did not happen '
          'within 500 ms: write server_handle_hello in src/server.c' in r.stdout, tail(r.stdout))
    if VALGRIND is not None:
        r = run([VALGRIND, *VALGRIND_ARGS, os.path.join(directory, "build", "selftest"), "--flows"], timeout=300)
        check("user tests: the failing flow test ends with exit status 1, valgrind-clean",
              r.returncode == 1, tail(r.stdout + r.stderr))
    r = run_user_tests(directory, "first")
    check("user tests: the first test fails on the fresh skeleton", r.returncode != 0, tail(r.stdout))
    check("user tests: ... saying what to write",
          "first test: Say hello returned false: write client_api_say_hello in src/client.c" in r.stdout,
          tail(r.stdout))

    # The user grows the skeleton: the method sends HELLO and answers when WORLD comes.
    client = os.path.join(directory, "src", "client.c")
    replace_body(client, "client_api_say_hello (client_state_t *self)",
                 "    client_engine_defer (self->engine);\n"
                 "    return client_send_hello (self->engine, NULL) == 0;")
    replace_body(client, "client_handle_world (client_state_t *self, const wire_peer_t *from)",
                 "    (void) from;\n"
                 "    return client_engine_answer_say_hello (self->engine, true);")
    replace_body(os.path.join(directory, "src", "server.c"),
                 "server_handle_hello (server_state_t *self, const wire_peer_t *from)",
                 "    return server_send_world (self->engine, from);")
    build_user_project(directory, "user tests: the grown skeleton")
    r = run_user_tests(directory, timeout=300)
    check("user tests: the first test, the flow test and the self-test pass", r.returncode == 0 and
          "flows" in r.stdout, tail(r.stdout))
    if VALGRIND is not None:
        r = run([VALGRIND, *VALGRIND_ARGS, os.path.join(directory, "build", "selftest"), "--flows"], timeout=300)
        check("user tests: the passing flow test is valgrind-clean", r.returncode == 0, tail(r.stdout + r.stderr))

    # tests/ is the user's: edits stay, and a deleted file is not written again.
    first = os.path.join(directory, "tests", "test_first.c")
    with open(first, "a") as f:
        f.write("// my note\n")
    os.unlink(os.path.join(directory, "tests", "meson.build"))
    r = export(os.path.join(EXAMPLES, "hello.moped"), directory)
    check("user tests: re-export", r.returncode == 0, r.stderr)
    check("user tests: re-export leaves tests/ alone",
          open(first).read().endswith("// my note\n") and
          not os.path.exists(os.path.join(directory, "tests", "meson.build")) and "tests/" not in r.stdout,
          r.stdout)
    check("user tests: tests/ is not in the manifest",
          "tests/" not in open(os.path.join(directory, "moped-export.manifest")).read())

    # Typed parameters and result, run in the node's thread.
    directory = os.path.join(work, "user-tests-api")
    r = export(os.path.join(EXAMPLES, "weather.moped"), directory)
    check("api: export weather", r.returncode == 0, r.stderr)
    dashboard = os.path.join(directory, "src", "san_francisco_dashboard.c")
    with open(dashboard) as f:
        text = f.read()
    text = text.replace('#include "san_francisco_dashboard_engine.h"\n',
                        '#include "san_francisco_dashboard_engine.h"\n#include <pthread.h>\n', 1)
    text = re.sub(r"(\n    san_francisco_dashboard_engine_t \*engine; *//  To send messages\n)",
                  r"\1    pthread_t thread;\n", text, count=1)
    text = text.replace("    self->engine = engine;\n",
                        "    self->engine = engine;\n    self->thread = pthread_self ();\n", 1)
    with open(dashboard, "w") as f:
        f.write(text)
    replace_body(dashboard, "san_francisco_dashboard_api_latest_conditions (san_francisco_dashboard_state_t *self, const char *zip)",
                 "    if (!pthread_equal (self->thread, pthread_self ()))\n"
                 "        return NULL;\n"
                 "    return zsys_sprintf (\"conditions at %s\", zip);")
    add_user_test(directory, "api", API_TEST)
    build_user_project(directory, "api")
    r = run_user_tests(directory, "api")
    check("api: a method with a parameter returns its result, run in the node's thread",
          r.returncode == 0, tail(r.stdout))
    # The same test must catch a wrong implementation: the result is asserted, not just received.
    replace_body(dashboard, "san_francisco_dashboard_api_latest_conditions (san_francisco_dashboard_state_t *self, const char *zip)",
                 "    (void) self;\n"
                 "    (void) zip;\n"
                 "    return strdup (\"conditions at 00000\");")
    r = run(["ninja", "-C", "build"], cwd=directory, timeout=600)
    r = run(["meson", "test", "-C", "build", "--print-errorlogs", "api"], cwd=directory, timeout=120)
    check("api: ... and fails when the implementation answers wrong", r.returncode != 0 and
          "answer: conditions at 00000" in r.stdout, tail(r.stdout))


def test_timers(work):
    """Life and time in user code: the weather server publishes from a repeating timer
    set in its start hook; the New York client's API method answers once three updates
    came, from the update handler (a deferred answer)."""
    directory = os.path.join(work, "timers")
    r = export(os.path.join(EXAMPLES, "weather.moped"), directory)
    check("timers: export weather", r.returncode == 0, r.stderr)
    server = os.path.join(directory, "src", "weather_server.c")
    with open(server) as f:
        text = f.read()
    text = text.replace("//  Runs once the node has started",
                        "static int\ns_publish (weather_server_state_t *self, void *arg)\n{\n"
                        "    (void) arg;\n"
                        "    return weather_server_send_update (self->engine, NULL, \"10001\", \"70\", 40);\n"
                        "}\n\n\n//  Runs once the node has started", 1)
    with open(server, "w") as f:
        f.write(text)
    replace_body(server, "weather_server_state_start (weather_server_state_t *self)",
                 "    return weather_server_engine_timer_set (self->engine, 5, true, s_publish, NULL) > 0? 0: -1;")
    client = os.path.join(directory, "src", "new_york_client.c")
    with open(client) as f:
        text = f.read()
    text = re.sub(r"(\n    new_york_client_engine_t \*engine; *//  To send messages\n)",
                  r"\1    uint64_t count;\n", text, count=1)
    with open(client, "w") as f:
        f.write(text)
    # Long names are shortened: take the answer function's name from the engine's header.
    with open(os.path.join(directory, "src", "new_york_client_engine.h")) as f:
        answer = re.search(r"new_york_client_engine_answer_\w+", f.read()).group(0)
    replace_body(client, "new_york_client_handle_update (new_york_client_state_t *self",
                 "    (void) from;\n    (void) zipcode;\n    (void) temperature;\n    (void) humidity;\n"
                 "    if (++self->count == 3)\n"
                 "        %s (self->engine, self->count);\n" % answer +
                 "    return 0;")
    replace_body(client, "new_york_client_api_average_temperature (new_york_client_state_t *self)",
                 "    if (self->count >= 3)\n        return self->count;\n"
                 "    new_york_client_engine_defer (self->engine);\n    return 0;")
    add_user_test(directory, "timer", TIMER_TEST, timeout=30)
    build_user_project(directory, "timers")
    r = run_user_tests(directory, "timer", "selftest")
    check("timers: a repeating timer publishes and a deferred API answer comes from a handler; "
          "the self-test still passes (no start hook in it)", r.returncode == 0, tail(r.stdout))


NEVER_BLOCK_DESIGN = """<?xml version="1.0" encoding="UTF-8"?>
<design format="2" name="Never block">
  <node id="producer" name="Producer">
    <socket id="producer-push" name="tasks" type="PUSH"/>
    <method id="produce" name="Produce" result="number"/>
  </node>
  <node id="consumer" name="Consumer">
    <socket id="consumer-pull" name="tasks" type="PULL" mode="bind"/>
  </node>
  <link id="link-1" from="producer-push" to="consumer-pull" endpoint="tcp://*:5598" protocol="p" from-role="p.producer" to-role="p.consumer"/>
  <protocol id="p" name="Tasks">
    <role id="p.producer" name="producer"/>
    <role id="p.consumer" name="consumer"/>
    <command id="task" name="TASK" sender="p.producer"/>
    <flow id="f" name="Work">
      <step id="f-1" from="producer" to="consumer" command="task"/>
    </flow>
  </protocol>
</design>
"""

NEVER_BLOCK_TEST = r"""
#include "producer.h"
int
main (void)
{
    producer_options_t options;
    memset (&options, 0, sizeof (options));
    //  Nobody binds there: the socket queues up to its high-water mark, then cannot send
    options.tasks = ">inproc://nobody-binds-this";
    producer_t *producer = producer_new (&options);
    assert (producer);
    uint64_t sent = producer_produce (producer);
    printf ("sent %u before the queue was full\n", (unsigned) sent);
    producer_destroy (&producer);
    return sent > 0 && sent < 5000? 0: 1;
}
"""


def test_never_block(work):
    """A send to a peer that cannot take the message fails after a bounded wait
    instead of blocking the node: the API call returns, the node stops."""
    design = os.path.join(work, "never-block.moped")
    directory = os.path.join(work, "never-block")
    with open(design, "w") as f:
        f.write(NEVER_BLOCK_DESIGN)
    r = export(design, directory)
    check("never block: export", r.returncode == 0, r.stdout + r.stderr)
    replace_body(os.path.join(directory, "src", "producer.c"),
                 "producer_api_produce (producer_state_t *self)",
                 "    uint64_t sent = 0;\n"
                 "    while (sent < 5000 && producer_send_task (self->engine, NULL) == 0)\n"
                 "        sent++;\n"
                 "    return errno == EAGAIN? sent: 0;")
    add_user_test(directory, "never-block", NEVER_BLOCK_TEST, timeout=30)
    build_user_project(directory, "never block")
    r = run_user_tests(directory, "never-block")
    check("never block: a full queue fails the send with EAGAIN instead of blocking the node",
          r.returncode == 0, tail(r.stdout))


TIMER_TEST = r"""
#include "weather_server.h"
#include "new_york_client.h"
int
main (void)
{
    weather_server_options_t server_options;
    memset (&server_options, 0, sizeof (server_options));
    server_options.updates = "@inproc://updates";
    weather_server_t *server = weather_server_new (&server_options);
    new_york_client_options_t client_options;
    memset (&client_options, 0, sizeof (client_options));
    client_options.updates = ">inproc://updates";
    new_york_client_t *client = new_york_client_new (&client_options);
    assert (server && client);
    uint64_t count = new_york_client_average_temperature (client);
    printf ("updates: %u\n", (unsigned) count);
    new_york_client_destroy (&client);
    weather_server_destroy (&server);
    return count >= 3? 0: 1;
}
"""


API_TEST = r"""
#include "san_francisco_dashboard.h"
int
main (void)
{
    san_francisco_dashboard_options_t options;
    memset (&options, 0, sizeof (options));
    options.updates = ">inproc://nowhere";
    san_francisco_dashboard_t *dashboard = san_francisco_dashboard_new (&options);
    assert (dashboard);
    char *answer = san_francisco_dashboard_latest_conditions (dashboard, "94110");
    int rc = answer && streq (answer, "conditions at 94110")? 0: 1;
    printf ("answer: %s\n", answer? answer: "(null)");
    zstr_free (&answer);
    san_francisco_dashboard_destroy (&dashboard);
    return rc;
}
"""


def test_broken(work):
    directory = os.path.join(work, "broken")
    r = export(os.path.join(EXAMPLES, "broken.moped"), directory)
    check("broken.moped is refused", r.returncode == 1, r.stdout + r.stderr)
    check("broken.moped: the errors are listed", r.stderr.count(": error: ") >= 5, r.stderr)
    check("broken.moped: draft types are refused with a reason",
          "draft" in r.stderr and "czmq" in r.stderr, r.stderr)
    check("broken.moped: nothing is written", not os.path.exists(directory))


# ---- random designs -----------------------------------------------------------------------

HOSTILE = [
    "int", "struct", "return", "self", "main", "errno", "byte", "linux", "wire", "selftest",
    "zsock", "zsys handler", "s", "SIG IGN", "new", "destroy", "t", "_t", "x_t", "free",
    "été", "日本語", "Ωmega point", "naïve café", "123 go", "!!!", "???", "a-b.c/d\\e",
    "with space", "quote\"d", "it's", "semi;colon", "100%", "%s%n", "a*/b",
    "/*c*/", "trail\\", "??/", "x??=y", "options", "verbose", "name", "trace", "pipe",
    "handle", "msg", "rc", "command", "socket", "state", "from", "to", "engine", "main loop",
    "send hello", "handle hello", "api", "request", "reply", "value", "data", "frame", "strings",
    "sample_strings", "long text", "failures", "input", "output", "peer", "topic", "which",
    "ZMQ PAIR", "zmq", "czmq", "va start", "assert", "unix", "i386", "sun", "register",
]
WORDS = ["alpha", "beta", "gamma", "delta", "Delta", "DELTA", "node", "Node", "café", "Café",
         "go", "stop", "ping", "PING", "Ping", "x" * 120, "Y" * 60 + " tail", "sync", "echo"]
DESCRIPTIONS = [
    "", "plain words", "ends a comment */ then code", "quote \" and backslash \\ inside",
    "two\nlines\nand more", "trailing backslash \\", "trigraph ??/", "/* nested */ // too",
    "tab\there and CR\rthere", "unicode: ü ñ 日本 ∑", "percent %s %d %n", "x??=y??(z",
]
PAIRS = [  # (from type, to type): the first sends, the second receives, ways
    ("PAIR", "PAIR", "both"), ("PUB", "SUB", "one"), ("PUB", "XSUB", "one"),
    ("XPUB", "SUB", "one"), ("XPUB", "XSUB", "both"), ("REQ", "REP", "reqrep"),
    ("REQ", "ROUTER", "reqrep"), ("DEALER", "REP", "reqrep"), ("DEALER", "ROUTER", "both"),
    ("DEALER", "DEALER", "both"), ("ROUTER", "ROUTER", "both"), ("PUSH", "PULL", "one"),
    ("ROUTER", "DEALER", "both"),
]
FIELD_TYPES = ["string", "longstr", "number", "strings", "bytes", "frame"]
# The diagnostics for shapes that check clean on paper but fail at run time
# (model/DIAGNOSTICS.md); the generator draws such shapes on purpose.
RUNTIME_RULES = {"exclusive-pair", "round-robin-receiver", "req-reply-from-other",
                 "router-unknown-peer", "instances-fixed-bind", "inproc-across-processes",
                 "ipc-across-hosts", "localhost-across-hosts", "unsubscribe-not-sent",
                 "upstream-taken-for-subscription",
                 # A fixed port two sockets bind on one host (also bound on every
                 # interface and at an address of that host).
                 "duplicate-bind",
                 # Two protocols on one socket whose framing cannot tell them apart
                 # (the generator shares sockets, and gives protocols headers only sometimes).
                 "framing-indistinguishable"}


class Design:
    def __init__(self, rng, index):
        self.rng = rng
        # Shapes added later draw from a stream of their own, so that a seed's older
        # shapes stay as they were.
        self.aux = random.Random("aux %d %d" % (SEED, index))
        self.index = index
        self.ids = 0
        self.port = 0
        self.nodes = []        # dict(id, name, sockets, methods, ...)
        self.links = []
        self.protocols = []
        self.requirements = []

    def new_id(self, prefix):
        self.ids += 1
        return "%s-%d" % (prefix, self.ids)

    def name(self, taken):
        rng = self.rng
        while True:
            pick = rng.random()
            if pick < 0.45:
                base = rng.choice(HOSTILE)
            elif pick < 0.8:
                base = rng.choice(WORDS)
            else:
                base = rng.choice(HOSTILE) + " " + rng.choice(WORDS)
            if base.strip() and base not in taken:
                taken.add(base)
                return base

    def description(self):
        return self.rng.choice(DESCRIPTIONS)

    def add_node(self):
        node = dict(id=self.new_id("node"), name=self.name(self.node_names), sockets=[],
                    socket_names=set(), methods=[], instances=self.rng.choice([1, 1, 1, 1, 2, 5]),
                    process=None)
        method_names = set()
        for _ in range(self.rng.randrange(0, 3)):
            node["methods"].append((self.new_id("method"), self.name(method_names)))
        self.nodes.append(node)
        return node

    def add_socket(self, node, kind, bind, subscribe=""):
        socket = dict(id=self.new_id("socket"), name=self.name(node["socket_names"]), type=kind,
                      bind=bind, subscribe=subscribe, node=node)
        node["sockets"].append(socket)
        return socket

    def same_process(self, x, y):
        return x is y or (x["process"] is not None and x["process"] is y["process"])

    def same_host(self, x, y):
        def host(n):
            return n["process"]["host"] if n["process"] is not None else None
        return host(x) is host(y)

    def endpoint(self, x, y):
        """A fresh endpoint for a link between nodes x and y: mostly one their
        deployment lets through (inproc inside one process, ipc on one host)."""
        self.port += 1
        transport = self.rng.choice(["tcp", "tcp", "ipc", "inproc", "inproc"])
        if transport == "inproc" and not self.same_process(x, y) and self.rng.random() < 0.95:
            transport = "ipc"
        if transport == "ipc" and not self.same_host(x, y) and self.rng.random() < 0.95:
            transport = "tcp"
        if transport == "tcp":
            # 50 ports per design in 20000-59999, wrapping every 800 designs: ports only
            # need to differ inside one design (the self-test runs on inproc).
            return "tcp://*:%d" % (20000 + (self.index % 800) * 50 + self.port % 50)
        if transport == "ipc":
            return "ipc:///tmp/moped-prop-%d-%d" % (self.index, self.port)
        return "inproc://prop-%d-%d" % (self.index, self.port)

    def deployed_tcp(self, endpoint, x, y, binder):
        """Tcp shapes of a deployment: a loopback address, mostly between nodes on one host
        (across hosts: localhost-across-hosts); and a port another host's node binds
        already, reused (accepted: ports are per host)."""
        if not endpoint.startswith("tcp://*:"):
            return endpoint
        port = endpoint.rsplit(":", 1)[1]
        if self.aux.random() < 0.3 and (self.same_host(x, y) or self.aux.random() < 0.3):
            return "tcp://127.0.0.1:%s" % port
        if self.aux.random() < 0.3:
            # Only a port no node on the binder's host binds yet (one reused before may
            # be bound on this host already: duplicate-bind).
            def binders(shared):
                return [(link["a"] if link["a_binds"] else link["b"])["node"]
                        for link in self.links if link["endpoint"] == shared]
            for link in self.links:
                if link["endpoint"].startswith("tcp://*:") and \
                   not any(self.same_host(other, binder) for other in binders(link["endpoint"])):
                    return link["endpoint"]
        if self.same_host(x, y):
            # A port another node of this host binds already, at another address: beside
            # 127.0.0.1, 127.0.0.2 has the port too (accepted); beside every interface
            # (*) it does not (duplicate-bind).
            for link in self.links:
                other = (link["a"] if link["a_binds"] else link["b"])["node"]
                if other is not binder and self.same_host(other, binder) and \
                        link["endpoint"].startswith(("tcp://*:", "tcp://127.0.0.1:")):
                    if self.aux.random() < 0.2:
                        return "tcp://127.0.0.2:%s" % link["endpoint"].rsplit(":", 1)[1]
                    break
        return endpoint

    def deploy(self):
        """Some nodes share a process (threads of one program); processes may sit on hosts."""
        self.processes = []
        self.hosts = []
        if self.rng.random() < 0.5:
            return
        for _ in range(self.rng.randrange(1, 3)):
            members = [n for n in self.nodes if n["process"] is None]
            if len(members) < 2:
                break
            process = dict(id=self.new_id("process"), name=self.name(self.node_names), host=None)
            for node in self.rng.sample(members, self.rng.randrange(2, len(members) + 1)):
                node["process"] = process
            self.processes.append(process)
        if self.processes and self.rng.random() < 0.4:
            self.hosts = [dict(id=self.new_id("host"), name=self.name(self.node_names)) for _ in range(2)]
            for process in self.processes:
                process["host"] = self.rng.choice(self.hosts)

    def add_protocol(self, kind):
        protocol = dict(id=self.new_id("protocol"), name=self.name(self.protocol_names),
                        commands=[], command_names=set(), flows=[], flow_names=set(),
                        framing=self.framing(kind))
        self.protocols.append(protocol)
        return protocol

    def framing(self, kind):
        """Framing attributes: mostly the default, sometimes a header frame of its own
        (so that protocols sharing a socket can be told apart), numbered commands, an
        empty frame first, or zproto's packed encoding (not from publishers, whose
        subscriptions match the topic frame)."""
        rng = self.rng
        framing = {}
        if rng.random() < 0.5:
            framing["header"] = "H%d-%d" % (self.index, len(self.protocols))
            if rng.random() < 0.3:
                framing["header"] = "".join("%02x" % b for b in framing["header"].encode())
                framing["header_type"] = "bytes"
            framing["command_id"] = rng.choice(["name", "byte", "word"])
        if rng.random() < 0.2:
            framing["delimiter"] = "always"
        if kind not in ("PUB", "XPUB") and rng.random() < 0.2:
            framing["encoding"] = "packed"
            framing["command_id"] = "byte"
            framing["signature"] = rng.randrange(0, 16)
        if framing.get("command_id") == "name":
            del framing["command_id"]
        return framing

    def shadowing_name(self, protocol, taken):
        """A field named like a function its codec, engine or handler calls."""
        node = self.rng.choice(self.nodes)
        pick = self.rng.choice([
            node["name"] + " new", node["name"] + " send " + self.rng.choice(WORDS),
            protocol["name"] + " decode", protocol["name"] + " send sample", "zmq send",
            "wire msg peer", "zsys warning", "zsock resolve", "wire send text", "s report",
            "streq", "memcmp"])
        if pick in taken:
            return self.name(taken)
        taken.add(pick)
        return pick

    def add_command(self, protocol, sender):
        fields = []
        field_names = set()
        for _ in range(self.rng.randrange(0, 4)):
            name = (self.shadowing_name(protocol, field_names) if self.rng.random() < 0.15
                    else self.name(field_names))
            fields.append((self.new_id("field"), name, self.rng.choice(FIELD_TYPES)))
        # Sometimes the rest of the message (a msg field, last), drawn from the stream
        # of its own so that the older shapes stay as they were.
        if self.aux.random() < 0.25:
            name = self.aux.choice(HOSTILE + WORDS)
            if name in field_names:
                name = "rest %d" % len(fields)
            field_names.add(name)
            fields.append(("msg-" + self.new_id("field"), name, "msg"))
        command = dict(id=self.new_id("command"), name=self.name(protocol["command_names"]),
                       sender=sender["id"] if sender else "", fields=fields)
        protocol["commands"].append(command)
        return command

    def text_fields(self, command):
        if self.rng.random() < 0.95:
            command["fields"] = [(fid, name, self.rng.choice(["string", "longstr"]))
                                 for fid, name, _ in command["fields"]]

    def topic_prefix(self, command):
        """A subscription that lets the command through."""
        fields = command["fields"]
        if fields and fields[0][2] in ("string", "longstr"):
            return self.rng.choice(["", "t", "topic/" + str(self.index)])
        # The topic is the command's name: subscribe to a prefix of it (no commas).
        name = command["name"].replace(",", "")
        if not name or self.rng.random() < 0.3:
            return ""
        return name[:self.rng.randrange(1, len(name) + 1)]

    def build(self):
        rng = self.rng
        self.node_names = set()
        self.protocol_names = set()
        for _ in range(rng.randrange(2, 4)):
            self.add_node()
        self.deploy()
        for _ in range(rng.randrange(1, 5)):
            a, b = rng.sample(self.nodes, 2)
            self.add_link_pattern(a, b)
        if len(self.nodes) >= 3 and rng.random() < 0.25:
            self.add_proxy_pattern(*rng.sample(self.nodes, 3))
        for node in self.nodes:
            if not node["sockets"]:
                other = rng.choice([n for n in self.nodes if n is not node])
                self.add_link_pattern(node, other)
        # A socket without a link and a node without sockets are warnings, not errors:
        # their nodes must still start and stop.
        if rng.random() < 0.2:
            node = rng.choice(self.nodes)
            self.add_socket(node, rng.choice(["PUB", "SUB", "ROUTER", "PULL", "XPUB"]), rng.random() < 0.5)
        if rng.random() < 0.1:
            self.add_node()
        self.requirements = []
        for link in self.links[:2]:
            self.requirements.append(dict(id=self.new_id("req"), name="rate %d" % len(self.requirements),
                                          metric="throughput", value=rng.choice([1, 1000]),
                                          unit="msg/s", target=link["id"], description=self.description()))
        node = rng.choice(self.nodes)
        self.requirements.append(dict(id=self.new_id("req"), name="latency", metric="latency", value=5,
                                      unit="ms", target=node["id"], description=self.description()))
        # Shapes drawn from the stream of their own (self.aux), so older shapes stay.
        older, self.rng = self.rng, self.aux
        try:
            if self.rng.random() < 0.2:
                self.add_shared_role_pattern()
            if self.rng.random() < 0.2:
                self.add_relay_pattern()
        finally:
            self.rng = older

    def three_nodes(self):
        """Three distinct nodes, the first with one instance where there is one (it binds),
        adding nodes as needed."""
        while len(self.nodes) < 3:
            self.add_node()
        single = [n for n in self.nodes if n["instances"] == 1] or self.nodes
        hub = self.rng.choice(single)
        others = self.rng.sample([n for n in self.nodes if n is not hub], 2)
        return hub, others[0], others[1]

    def add_role(self, protocol, name):
        role = dict(id="%s.%s" % (protocol["id"], name), name=name)
        protocol.setdefault("roles", []).append(role)
        return role

    def add_shared_role_pattern(self):
        """Two node kinds playing one role (workers of a broker) with a flow that names
        the roles: each kind must get the role's code, and the self-test plays it with each."""
        rng = self.rng
        hub, b, c = self.three_nodes()
        protocol = self.add_protocol("ROUTER")
        hub_role = self.add_role(protocol, "hub")
        peer_role = self.add_role(protocol, "peer")
        hello = self.add_command(protocol, None)
        hello["sender_role"] = peer_role["id"]
        job = self.add_command(protocol, None)
        job["sender_role"] = hub_role["id"]
        done = self.add_command(protocol, None) if rng.random() < 0.6 else None
        if done:
            done["sender_role"] = peer_role["id"]
        kind = rng.choice(["DEALER", "DEALER", "REQ"]) if done else "DEALER"
        front = self.add_socket(hub, "ROUTER", True)
        first = None
        for node in (b, c):
            socket = self.add_socket(node, kind, False)
            link = self.link(socket, front, protocol,
                             first["endpoint"] if first and rng.random() < 0.5 else None, a_binds=False)
            link["a_role"], link["b_role"] = peer_role["id"], hub_role["id"]
            first = first or link
        if kind == "REQ":
            # Lockstep: the peer asks, the hub answers, then the peer says it is done and
            # hears the next job.
            steps = [(peer_role, hub_role, hello, False, False), (hub_role, peer_role, job, False, False)]
        else:
            steps = [(peer_role, hub_role, hello, False, False), (hub_role, peer_role, job, False, False)]
            if done:
                steps.append((peer_role, hub_role, done, rng.random() < 0.3, False))
        protocol["flows"].append(dict(id=self.new_id("flow"), name=self.name(protocol["flow_names"]),
                                      steps=steps))

    def add_relay_pattern(self):
        """A protocol relayed inside another through a broker (`via`, not a subscription):
        two nodes speak Inner to each other, each speaks Outer to the relay."""
        rng = self.rng
        relay, a, c = self.three_nodes()
        outer = self.add_protocol("ROUTER")
        near = self.add_role(outer, "near")
        far = self.add_role(outer, "far")
        wrap = self.add_command(outer, None)
        wrap["sender_role"] = near["id"]
        both_ways = rng.random() < 0.7
        kinds = ("DEALER", "ROUTER") if both_ways else ("PUSH", "PULL")
        shared = rng.random() < 0.3 and both_ways
        into = self.add_socket(relay, kinds[1], True)
        out = into if shared else self.add_socket(relay, "ROUTER" if both_ways else "PUSH", True)
        sa = self.add_socket(a, kinds[0], False)
        sc = self.add_socket(c, "DEALER" if both_ways else "PULL", False)
        for socket, relay_socket in ((sa, into), (sc, out)):
            link = self.link(socket, relay_socket, outer, a_binds=False)
            link["a_role"], link["b_role"] = near["id"], far["id"]
        if rng.random() < 0.5:
            # Outer's own flow, naming the relay's peers by node or by role (which both
            # play, so both must be able to send).
            party = near if both_ways and rng.random() < 0.5 else a
            outer["flows"].append(dict(id=self.new_id("flow"), name=self.name(outer["flow_names"]),
                                       steps=[(party, relay, wrap, False, False)]))
        inner = self.add_protocol("DEALER")
        asker = self.add_role(inner, "asker")
        answerer = self.add_role(inner, "answerer")
        ask = self.add_command(inner, None)
        ask["sender_role"] = asker["id"]
        # The ends name their sockets: a node may have other links to the relay.
        steps = [(sa, sc, ask, False, False, dict(via=relay))]
        if both_ways:
            tell = self.add_command(inner, None)
            tell["sender_role"] = answerer["id"]
            steps.append((sc, sa, tell, False, False, dict(via=relay)))
        inner["flows"].append(dict(id=self.new_id("flow"), name=self.name(inner["flow_names"]), steps=steps))

    def link(self, a, b, protocol, endpoint=None, a_binds=None):
        """A link; a_binds says how its ends attach (default: as the sockets' modes)."""
        if a_binds is None:
            a_binds = a["bind"]
        b_binds = not a_binds
        if endpoint and endpoint.startswith("inproc:") and not self.same_process(a["node"], b["node"]):
            endpoint = None
        if endpoint and endpoint.startswith("ipc:") and not self.same_host(a["node"], b["node"]):
            endpoint = None
        if not endpoint:
            endpoint = self.deployed_tcp(self.endpoint(a["node"], b["node"]), a["node"], b["node"],
                                         (a if a_binds else b)["node"])
        link = dict(id=self.new_id("link"), a=a, b=b, protocol=protocol["id"],
                    a_binds=a_binds, b_binds=b_binds,
                    endpoint=endpoint, label=self.rng.choice(["", "", "label é/*x*/"]))
        self.links.append(link)
        return link

    def add_link_pattern(self, a, b):
        rng = self.rng
        kind_a, kind_b, ways = rng.choice(PAIRS)
        # A publisher binds here, so one with several instances is mostly avoided.
        while kind_a in ("PUB", "XPUB") and a["instances"] > 1 and rng.random() < 0.8:
            kind_a, kind_b, ways = rng.choice(PAIRS)
        protocol = self.add_protocol(kind_a)
        a_binds = rng.random() < 0.5
        # Mostly the single node binds and the instances connect, as they must;
        # sometimes not, to draw the refused shape.
        if a["instances"] > 1 and rng.random() < 0.9:
            a_binds = False
        elif b["instances"] > 1 and rng.random() < 0.9:
            a_binds = True
        if kind_a in ("PUB", "XPUB"):
            a_binds = True
        subscriber = kind_b in ("SUB", "XSUB")
        forward = [self.add_command(protocol, a) for _ in range(rng.randrange(1, 3))]
        backward = []
        either = []
        if ways in ("both", "reqrep"):
            backward = [self.add_command(protocol, b) for _ in range(rng.randrange(1, 3))]
        if ways == "both" and rng.random() < 0.4:
            either = [self.add_command(protocol, None)]
        if kind_b == "XSUB":
            # Upstream to an XPUB, a frame beginning with byte 0 or 1 is a subscription
            # (upstream-taken-for-subscription): text fields only, mostly.
            for command in backward + either:
                self.text_fields(command)
        subscribe = ""
        if subscriber:
            prefixes = sorted({self.topic_prefix(c) for c in forward})
            subscribe = "" if "" in prefixes else ",".join(prefixes)
        # Sometimes the sending socket already exists and gains a peer: several peers
        # on one socket, and a socket that binds some endpoints and connects to others.
        shared = [s for s in a["sockets"] if s["type"] == kind_a and not s["subscribe"]]
        if shared and rng.random() < 0.35:
            sa = rng.choice(shared)
            if kind_a not in ("PUB", "XPUB"):
                a_binds = rng.random() < 0.5
        else:
            sa = self.add_socket(a, kind_a, a_binds)
        sb = self.add_socket(b, kind_b, not a_binds, subscribe)
        # Bind or connect written on the link's ends instead of the sockets' modes.
        if rng.random() < 0.25:
            sb["bind"] = rng.random() < 0.5
        link = self.link(sa, sb, protocol, a_binds=a_binds)
        steps = self.steps(a, b, ways, forward, backward, either)
        # An XPUB hears its subscribers: a subscription step first, an unsubscription last.
        if kind_a == "XPUB" and rng.random() < 0.5:
            before, after = self.subscription_steps(b, a, ["", "x", "topic/%d" % self.index])
            steps = before + steps + after
        # Fan-out to a third node from the same PUB, or fan-in to the same PULL.
        third = [n for n in self.nodes if n is not a and n is not b]
        if third and kind_a in ("PUB", "XPUB") and rng.random() < 0.5:
            c = rng.choice(third)
            prefixes = sorted({self.topic_prefix(cmd) for cmd in forward})
            sc = self.add_socket(c, kind_b, False, "" if "" in prefixes else ",".join(prefixes))
            self.link(sa, sc, protocol, link["endpoint"] if a_binds and rng.random() < 0.5 else None,
                      a_binds=a_binds)
            steps += [(a, c, cmd, False, False) for cmd in forward]
        if third and kind_b == "PULL" and not a_binds and rng.random() < 0.5:
            c = rng.choice(third)
            sc = self.add_socket(c, "PUSH", False)
            extra = self.add_command(protocol, c)
            self.link(sc, sb, protocol, link["endpoint"], a_binds=False)
            steps.append((c, b, extra, False, False))
        flow = dict(id=self.new_id("flow"), name=self.name(protocol["flow_names"]), steps=steps)
        protocol["flows"].append(flow)
        if rng.random() < 0.3:
            protocol["flows"].append(dict(id=self.new_id("flow"), name=self.name(protocol["flow_names"]),
                                          steps=[]))

    def subscription_steps(self, subscriber, publisher, topics, via=None):
        """Subscribe to a topic, and maybe end it; sometimes (the refused shape) end a
        subscription never made."""
        rng = self.rng
        ends = rng.random() < 0.5
        # A socket whose subscriptions list is empty already subscribes to "" when it
        # starts: ending a second subscription to "" would leave that one open.
        topic = rng.choice([t for t in topics if t] if ends else topics)
        before = [(subscriber, publisher, None, False, False, dict(block="subscribe", topic=topic, via=via))]
        after = []
        if ends:
            if rng.random() < 0.08:
                topic = "never-subscribed"
            after.append((subscriber, publisher, None, False, False,
                          dict(block="unsubscribe", topic=topic, via=via)))
        return before, after

    def add_proxy_pattern(self, a, b, c):
        """An XPUB/XSUB proxy b between publisher a and subscriber c: c's subscription
        travels via b to a, an update comes back down via b, b may say something
        upstream from its XSUB, and c may end its subscription."""
        rng = self.rng
        protocol = self.add_protocol("XPUB")
        update = self.add_command(protocol, a)
        hello = self.add_command(protocol, b) if rng.random() < 0.5 else None
        if hello:
            self.text_fields(hello)
        upstream = self.add_socket(a, "XPUB", True)
        backend = self.add_socket(b, "XSUB", False)
        frontend = self.add_socket(b, "XPUB", True)
        subscriber = self.add_socket(c, rng.choice(["SUB", "XSUB"]), False)
        self.link(upstream, backend, protocol)
        self.link(frontend, subscriber, protocol)
        topics = ["", "t", update["name"].replace(",", "")[:3] or "u"]
        before, after = self.subscription_steps(c, a, topics, via=b)
        steps = before + ([(b, a, hello, False, False)] if hello else []) + [(a, c, update, False, False, dict(via=b))] + after
        protocol["flows"].append(dict(id=self.new_id("flow"), name=self.name(protocol["flow_names"]), steps=steps))

    @staticmethod
    def choice(chooser, receiver, commands):
        """A choice block: the chooser sends one of the commands (distinct, so every
        role can tell the branches apart)."""
        return (chooser, receiver, None, False, False,
                dict(block="choice", branches=[[(chooser, receiver, cmd, False, False)] for cmd in commands]))

    @staticmethod
    def loop(steps, optional=False):
        return (steps[0][0], steps[0][1], None, False, optional, dict(block="loop", steps=steps))

    def steps(self, a, b, ways, forward, backward, either):
        rng = self.rng
        steps = []
        if ways == "one":
            if len(forward) > 1 and rng.random() < 0.25:
                steps.append(self.choice(a, b, forward))
            elif rng.random() < 0.15:
                steps.append(self.loop([(a, b, cmd, False, False) for cmd in forward], rng.random() < 0.3))
            else:
                for cmd in forward:
                    steps.append((a, b, cmd, rng.random() < 0.3, rng.random() < 0.2))
        elif ways == "reqrep":
            for _ in range(rng.randrange(1, 3)):
                repeat = rng.random() < 0.3
                if rng.random() < 0.3:
                    # A round in blocks: the reply a choice of the replier, the round a loop.
                    reply = (self.choice(b, a, backward) if len(backward) > 1 and rng.random() < 0.7
                             else (b, a, rng.choice(backward), False, False))
                    round_ = [(a, b, rng.choice(forward), False, False), reply]
                    steps += [self.loop(round_, rng.random() < 0.3)] if rng.random() < 0.5 else round_
                    continue
                steps.append((a, b, rng.choice(forward), repeat, False))
                steps.append((b, a, rng.choice(backward), repeat, False))
        elif rng.random() < 0.25 and (len(forward) > 1 or len(backward) > 1):
            # A request, then a choice of the answer, sometimes in a loop.
            round_ = [(a, b, rng.choice(forward), False, False)]
            round_.append(self.choice(b, a, backward) if len(backward) > 1
                          else (b, a, backward[0], False, False))
            if len(forward) > 1 and rng.random() < 0.5:
                round_ = [self.choice(a, b, forward)] + round_[1:]
            steps += [self.loop(round_, rng.random() < 0.3)] if rng.random() < 0.5 else round_
        else:
            for _ in range(rng.randrange(2, 6)):
                if either and rng.random() < 0.3:
                    s, r = rng.choice([(a, b), (b, a)])
                    steps.append((s, r, either[0], rng.random() < 0.3, rng.random() < 0.2))
                elif rng.random() < 0.5:
                    steps.append((a, b, rng.choice(forward), rng.random() < 0.3, rng.random() < 0.2))
                else:
                    steps.append((b, a, rng.choice(backward), rng.random() < 0.3, rng.random() < 0.2))
        return steps

    def xml(self):
        def attrs(**kw):
            return "".join(" %s=%s" % (k.rstrip("_").replace("_", "-"), quoteattr(str(v), {"\n": "&#10;", "\r": "&#13;",
                                                                         "\t": "&#9;"}))
                           for k, v in kw.items() if v != "")
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<design format="2"%s>' % attrs(name="Random design %d: %s" % (self.index, self.rng.choice(HOSTILE)),
                                               summary=self.description(), goals=self.description())]
        for node in self.nodes:
            out.append("  <node%s>" % attrs(id=node["id"], name=node["name"], role=self.rng.choice(HOSTILE),
                                            description=self.description(),
                                            instances=node["instances"] if node["instances"] > 1 else "",
                                            process=node["process"]["id"] if node["process"] else ""))
            for s in node["sockets"]:
                out.append("    <socket%s/>" % attrs(id=s["id"], name=s["name"], type=s["type"],
                                                     mode="bind" if s["bind"] else "",
                                                     subscribe=s["subscribe"], description=self.description()))
            for mid, mname in node["methods"]:
                out.append("    <method%s/>" % attrs(id=mid, name=mname, description=self.description()))
            out.append("  </node>")
        # Format 2: a command is sent by a role; each sender node plays a role of its own,
        # named after it, at the ends of the links that carry the protocol.
        node_of = {s["id"]: node["id"] for node in self.nodes for s in node["sockets"]}
        senders = {p["id"]: [] for p in self.protocols}
        for p in self.protocols:
            for c in p["commands"]:
                if c["sender"] and c["sender"] not in senders[p["id"]]:
                    senders[p["id"]].append(c["sender"])

        def role_of(protocol, node_id):
            return "%s.role-%s" % (protocol, node_id) if protocol and node_id in senders.get(protocol, []) else ""
        for link in self.links:
            def mode(socket, binds):
                return "" if socket["bind"] == binds else ("bind" if binds else "connect")
            out.append("  <link%s/>" % attrs(id=link["id"], from_=link["a"]["id"], to=link["b"]["id"],
                                             from_mode=mode(link["a"], link["a_binds"]),
                                             to_mode=mode(link["b"], link["b_binds"]),
                                             from_role=link.get("a_role") or role_of(link["protocol"], node_of[link["a"]["id"]]),
                                             to_role=link.get("b_role") or role_of(link["protocol"], node_of[link["b"]["id"]]),
                                             endpoint=link["endpoint"], protocol=link["protocol"],
                                             label=link["label"]))
        for p in self.protocols:
            out.append("  <protocol%s>" % attrs(id=p["id"], name=p["name"], summary=self.description(),
                                                **p["framing"]))
            for node_id in senders[p["id"]]:
                out.append("    <role%s/>" % attrs(id=role_of(p["id"], node_id), name=node_id))
            for role in p.get("roles", []):
                out.append("    <role%s/>" % attrs(id=role["id"], name=role["name"]))
            for c in p["commands"]:
                out.append("    <command%s>" % attrs(id=c["id"], name=c["name"],
                                                     sender=c.get("sender_role") or role_of(p["id"], c["sender"]),
                                                     description=self.description()))
                for fid, fname, ftype in c["fields"]:
                    out.append("      <field%s/>" % attrs(id=fid, name=fname,
                                                          type=ftype if ftype != "string" else "",
                                                          description=self.description()))
                out.append("    </command>")
            def write_steps(steps, indent):
                for step in steps:
                    s, r, cmd, repeat, optional = step[:5]
                    extra = step[5] if len(step) > 5 else {}
                    if extra.get("block") == "choice":
                        out.append(indent + "<step%s>" % attrs(id=self.new_id("step"), block="choice",
                                                               from_=role_of(p["id"], s["id"])))
                        for branch in extra["branches"]:
                            if len(branch) == 1:
                                write_steps(branch, indent + "  ")
                                continue
                            out.append(indent + "  <step%s>" % attrs(id=self.new_id("step"), block="branch"))
                            write_steps(branch, indent + "    ")
                            out.append(indent + "  </step>")
                        out.append(indent + "</step>")
                        continue
                    if extra.get("block") == "loop":
                        out.append(indent + "<step%s>" % attrs(id=self.new_id("step"), block="loop",
                                                               optional="true" if optional else ""))
                        write_steps(extra["steps"], indent + "  ")
                        out.append(indent + "</step>")
                        continue
                    out.append(indent + "<step%s/>" % attrs(id=self.new_id("step"), block=extra.get("block", ""),
                                                            from_=s["id"], to=r["id"],
                                                            command=cmd["id"] if cmd else "",
                                                            via=extra["via"]["id"] if extra.get("via") else "",
                                                            topic=extra.get("topic", ""),
                                                            repeat="true" if repeat else "",
                                                            optional="true" if optional else ""))
            for f in p["flows"]:
                out.append("    <flow%s>" % attrs(id=f["id"], name=f["name"], description=self.description()))
                write_steps(f["steps"], "      ")
                out.append("    </flow>")
            out.append("  </protocol>")
        for process in self.processes:
            out.append("  <process%s/>" % attrs(id=process["id"], name=process["name"],
                                                host=process["host"]["id"] if process["host"] else ""))
        for host in self.hosts:
            out.append("  <host%s/>" % attrs(id=host["id"], name=host["name"]))
        for r in self.requirements:
            out.append("  <requirement%s/>" % attrs(id=r["id"], name=r["name"], metric=r["metric"],
                                                    value=r["value"], unit=r["unit"], target=r["target"],
                                                    description=r["description"]))
        out.append("</design>")
        return "\n".join(out) + "\n"



def protocols_share_a_socket(path):
    """Whether a socket of the design at @path carries links of two protocols."""
    import xml.etree.ElementTree as ET
    carried = {}
    for link in ET.parse(path).getroot().iter("link"):
        for end in ("from", "to"):
            carried.setdefault(link.get(end), set()).add(link.get("protocol") or "")
    return any(len(protocols) > 1 for protocols in carried.values())


def role_of_two_kinds(path):
    """Whether a flow step of the design at @path names a role that links of two node
    kinds play."""
    import xml.etree.ElementTree as ET
    root = ET.parse(path).getroot()
    node_of = {s.get("id"): n.get("id") for n in root.iter("node") for s in n.iter("socket")}
    players = {}
    for link in root.iter("link"):
        for end in ("from", "to"):
            if link.get(end + "-role"):
                players.setdefault(link.get(end + "-role"), set()).add(node_of.get(link.get(end)))
    return any(len(players.get(step.get(end), ())) > 1
               for step in root.iter("step") for end in ("from", "to"))


def relays_messages(path):
    """Whether a message step (not a subscription) of the design at @path is relayed."""
    import xml.etree.ElementTree as ET
    return any(step.get("via") and step.get("block") in (None, "message")
               for step in ET.parse(path).getroot().iter("step"))


def random_design(index):
    rng = random.Random(SEED * 1000003 + index)
    design = Design(rng, index)
    design.build()
    return design.xml()


def error_codes(text):
    return set(re.findall(r": error ([a-z0-9-]+):", text))


def property_design_name(index):
    return "d%03d" % index


def test_property(work):
    """COUNT random designs from index OFFSET on (seed SEED): each one check accepts
    must export, build with -Werror and pass its self-test; each one it refuses must be
    refused for run-time rules only. Ends with one summary line (seed, indexes, counts)
    so that chunked runs add up; a failing design is named with its seed and index."""
    root = os.path.join(work, "property")
    designs = os.path.join(work, "designs")
    os.makedirs(designs)
    names = []
    refused = []
    wrongly_refused = []
    by_rule = {}
    rejected = 0
    for index in range(OFFSET, OFFSET + COUNT):
        name = property_design_name(index)
        path = os.path.join(designs, name + ".moped")
        with open(path, "w") as f:
            f.write(random_design(index))
        r = run([MOPED, "check", path])
        codes = error_codes(r.stdout + r.stderr)
        if r.returncode != 0:
            rejected += 1
            if not codes or codes - RUNTIME_RULES:
                wrongly_refused.append((name, tail(r.stdout + r.stderr, 8)))
            for code in codes:
                by_rule[code] = by_rule.get(code, 0) + 1
            continue
        r = export(path, os.path.join(root, "subprojects", name))
        if r.returncode == 0:
            names.append(name)
        else:
            refused.append((name, tail(r.stderr, 8)))
    where = "seed %d, designs %d to %d" % (SEED, OFFSET, OFFSET + COUNT - 1)
    check("designs check refuses break only run-time rules (%s): %s" % (where, sorted(by_rule.items())),
          not wrongly_refused, "\n".join("%s: %s" % item for item in wrongly_refused[:5]))
    check("most random designs are accepted (%d of %d, %s)" % (len(names) + len(refused), COUNT, where),
          len(names) + len(refused) >= COUNT * 2 // 5)
    check("designs check accepts export (%s)" % where, not refused,
          "\n".join("%s: %s" % item for item in refused[:5]))
    start = time.monotonic()
    options, env_extra, targets = [], None, ()
    if FAST_BUILD and names:
        options = precompiled_czmq(work)
        env_extra = {"CC": "gcc"}
        targets = objects_and_selftests
    # A replay of one design check refuses builds nothing.
    rc, log = build_batch(root, names, options=options, env_extra=env_extra, keep_going=True,
                          targets=targets) if names else (0, "")
    # A design whose self-test was not linked did not build: its errors are the log's
    # lines about its files.
    unbuilt = [n for n in names if not os.path.exists(selftest_path(root, n))]
    built = [n for n in names if n not in unbuilt]

    def errors_of(name):
        lines = [line for line in log.splitlines()
                 if "subprojects/%s/" % name in line and ("error" in line or "warning" in line)]
        return "\n".join(lines[:8]) or tail(log, 8)
    check("%d random designs build with -Werror (%.0f s, %s)" % (len(names), time.monotonic() - start, where),
          rc == 0 and not unbuilt,
          "\n\n".join("%s (index %s, %s): %s" % (n, n[1:], os.path.join(designs, n + ".moped"), errors_of(n))
                       for n in unbuilt[:3]) or tail(log))
    outcomes = run_all([selftest_path(root, n) for n in built])
    failed = [(n, log) for n, (passed, log) in zip(built, outcomes) if not passed]
    # Protocols told apart by their framing on one socket: the shape check accepts.
    shared = [n for n in names if protocols_share_a_socket(os.path.join(designs, n + ".moped"))]
    check("accepted designs include protocols sharing a socket (%d, %s)" % (len(shared), where),
          shared or COUNT < 100)
    # Roles two node kinds play, named by flow steps; protocols relayed inside others.
    for what, test in (("a role two node kinds play", role_of_two_kinds),
                       ("a relayed message step", relays_messages)):
        having = [n for n in names if test(os.path.join(designs, n + ".moped"))]
        check("accepted designs include %s (%d, %s)" % (what, len(having), where), having or COUNT < 100)
    check("%d random designs pass their self-tests (%s)" % (len(built), where), not failed,
          "\n\n".join("%s (index %s, %s):\n%s" % (n, n[1:], os.path.join(designs, n + ".moped"), tail(log, 15))
                       for n, log in failed[:3]))
    # The chunk's account: chunks of one seed add up to the whole run.
    print("# property: seed %d, first %d, count %d: %d accepted, %d passed, %d failed "
          "(%d did not build, %d self-tests failed), %d refused by run-time rules %s, "
          "%d refused wrongly, %d accepted but not exported" %
          (SEED, OFFSET, COUNT, len(names), len(built) - len(failed), len(unbuilt) + len(failed),
           len(unbuilt), len(failed), rejected - len(wrongly_refused), sorted(by_rule.items()),
           len(wrongly_refused), len(refused)), flush=True)
    for n in unbuilt:
        print("# property: did not build: seed %d index %s" % (SEED, n[1:]), flush=True)
    for n, _ in failed:
        print("# property: self-test failed: seed %d index %s" % (SEED, n[1:]), flush=True)
    if VALGRIND is None:
        return
    sample = built[:VALGRIND_COUNT]
    outcomes = run_all([selftest_path(root, n) for n in sample], wrapper=(VALGRIND, *VALGRIND_ARGS))
    failed = [(n, log) for n, (passed, log) in zip(sample, outcomes) if not passed]
    check("%d random designs under valgrind: no leak, no error" % len(sample), not failed,
          "\n\n".join("%s:\n%s" % (n, tail(log, 15)) for n, log in failed[:3]))


# ---- nothing hangs --------------------------------------------------------------------------

def long_flow_design(steps):
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<design format="2" name="Long">',
           '  <node id="c" name="client"><socket id="c-req" name="req" type="REQ"/></node>',
           '  <node id="s" name="server"><socket id="s-rep" name="rep" type="REP" mode="bind"/></node>',
           '  <link id="l" from="c-req" to="s-rep" endpoint="tcp://*:5601" protocol="p" from-role="p.c" to-role="p.s"/>',
           '  <protocol id="p" name="P">',
           '    <role id="p.c" name="client"/>',
           '    <role id="p.s" name="server"/>',
           '    <command id="ask" name="ASK" sender="p.c"/>',
           '    <command id="tell" name="TELL" sender="p.s"/>',
           '    <flow id="f" name="long">']
    for i in range(steps // 2):
        out.append('      <step id="a%d" from="c" to="s" command="ask"/>' % i)
        out.append('      <step id="t%d" from="s" to="c" command="tell"/>' % i)
    out += ['    </flow>', '  </protocol>', '</design>']
    return "\n".join(out) + "\n"


def test_no_hang(work):
    """The self-test's watchdog: its bound is 30 s plus 10 s per wait, written in the code
    and in the meson test's timeout; when it fires, the run ends at once and says which
    step it was waiting for (SIGALRM is sent early here to make it fire)."""
    steps = 400
    design = os.path.join(work, "long.moped")
    directory = os.path.join(work, "long")
    with open(design, "w") as f:
        f.write(long_flow_design(steps))
    r = export(design, directory)
    if not check("no-hang: export", r.returncode == 0, r.stderr):
        return
    limit = 30 + 10 * steps
    source = open(os.path.join(directory, "src", "selftest.c")).read()
    check("no-hang: the bound is written in the self-test", "#define S_LIMIT_SECS %d" % limit in source)
    check("no-hang: meson's timeout is above the bound",
          "timeout: %d" % (limit + 60) in open(os.path.join(directory, "meson.build")).read())
    r = run(["meson", "setup", "build"], cwd=directory)
    if r.returncode == 0:
        r = run(["ninja", "-C", "build"], cwd=directory)
    if not check("no-hang: builds", r.returncode == 0, tail(r.stdout + r.stderr)):
        return
    # czmq logs each played step on stdout, which the self-test flushes line by line.
    proc = subprocess.Popen([os.path.join(directory, "build", "selftest"), "-v"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    fired = False
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if "flow long: step 3:" in line:
                proc.send_signal(signal.SIGALRM)
                fired = True
                break
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    check("no-hang: the self-test was caught running", fired)
    check("no-hang: the watchdog ends the run with status 1", proc.returncode == 1, "status %s" % proc.returncode)
    check("no-hang: the watchdog says which step did not happen",
          re.search(r"selftest: FAILED: did not end within the time limit, while waiting for flow long, "
                    r"step \d+ \(", out), tail(out, 5))


# ---- subscriptions as traffic -------------------------------------------------------------

def test_proxy(work):
    """An XPUB/XSUB proxy (tests/data/proxy.moped): a subscriber's subscription travels
    as the frame 1+topic to the proxy's XPUB, whose engine passes it on through its
    XSUB to the publisher's XPUB; an XSUB sends HELLO upstream; an update comes down;
    the unsubscription (0+topic) goes up the same way. The self-test plays every step
    and waits for each at the far XPUB."""
    design = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "proxy.moped")
    directory = os.path.join(work, "proxy")
    r = run([MOPED, "check", design])
    check("proxy: checks clean", r.returncode == 0 and "0 errors, 0 warnings" in r.stdout + r.stderr,
          r.stdout + r.stderr)
    doc = os.path.join(work, "proxy.md")
    r = run([MOPED, "doc", design, "-o", doc])
    text = open(doc).read() if r.returncode == 0 else r.stderr
    check("proxy: the document lists the SUB's subscriptions, from the start and in the flow",
          "subscriber's SUB socket in subscribes when it starts to everything; then subscribes to "
          "\u201cUPDATE\u201d (flow Subscribe and receive, s1)" in text, text[-2000:])
    check("proxy: the dialog shows the subscription", "S: subscribe \u201cUPDATE\u201d to P" in text, text[-2000:])
    r = export(design, directory)
    if not check("proxy: export", r.returncode == 0, r.stdout + r.stderr):
        return
    engine = open(os.path.join(directory, "src", "proxy_engine.c")).read()
    check("proxy: the proxy's engine passes subscriptions on upstream",
          "zmq_send (zsock_resolve (self->backend), subscription, subscription_size, 0)" in engine)
    ok, log = build_and_test(directory)
    check("proxy: builds and its self-test passes", ok, tail(log))
    check("proxy: every step was played",
          "flow Subscribe and receive: ok (5 messages)" in log, tail(log))
    # The XPUBs that the flow's subscription steps reach call the user's handler; a
    # subscriber that connects subscribes (to everything), and one that leaves unsubscribes.
    check("proxy: the relay's XPUB has a subscription handler too",
          "proxy_handle_frontend_subscription (proxy_state_t *self, const char *topic, bool subscribes)"
          in open(os.path.join(directory, "src", "proxy.c")).read())
    replace_body(os.path.join(directory, "src", "publisher.c"), "publisher_handle_out_subscription (",
                 '    (void) self;\n    zsys_info ("heard %s \\"%s\\"", subscribes? "subscribe": "unsubscribe", topic);\n'
                 '    return 0;')
    r = run(["ninja", "-C", "build"], cwd=directory, timeout=900)
    if not check("proxy: builds with a subscription handler written", r.returncode == 0, tail(r.stdout + r.stderr)):
        return
    port = free_port()
    log_path = os.path.join(work, "proxy-publisher.log")
    with open(log_path, "w") as log_file:
        publisher = subprocess.Popen([os.path.join(directory, "build", "publisher"), "out=@tcp://127.0.0.1:%d" % port],
                                     stdout=log_file, stderr=subprocess.STDOUT)
    subscriber = None

    def wait_for(text):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with open(log_path) as f:
                if text in f.read():
                    return True
            time.sleep(0.05)
        return False

    try:
        subscriber = subprocess.Popen([os.path.join(directory, "build", "subscriber"), "in=>tcp://127.0.0.1:%d" % port],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        heard = wait_for('heard subscribe ""')
        subscriber.send_signal(signal.SIGINT)
        subscriber.wait(timeout=20)
        heard = wait_for('heard unsubscribe ""') and heard
    finally:
        for p in (subscriber, publisher):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGINT)
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
    with open(log_path) as f:
        log = f.read()
    check("proxy: the publisher's handler hears a subscriber subscribe and, when it leaves, unsubscribe",
          heard, tail(log))


def test_subscriptions(work):
    """tests/data/subscriptions.moped, what subscriptions let through, as the self-test
    expects it. Watcher, designed to subscribe to ALERT only, subscribes to everything in
    a flow and later cancels it: the TICK the ticker sends to Logger arrives at Watcher
    too in between, and not before or after (the subscription steps played so far
    count, not only the designed subscriptions; design 733 of seed 20241124). Siren
    sends Pager a TEST that Pager's subscriptions drop, then an ALERT: the self-test
    sends the TEST all the same, or Siren's state machine refuses the ALERT (designs
    644 and 816)."""
    data = os.environ.get("MOPED_TEST_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    design = os.path.join(data, "subscriptions.moped")
    directory = os.path.join(work, "subscriptions")
    r = run([MOPED, "check", design])
    check("subscriptions: checks clean", r.returncode == 0 and "0 errors, 0 warnings" in r.stdout + r.stderr,
          r.stdout + r.stderr)
    r = export(design, directory)
    if not check("subscriptions: export, skipping no step", r.returncode == 0 and "skips" not in r.stderr,
                 r.stdout + r.stderr):
        return
    text = header_comment(os.path.join(directory, "include", "siren.h"))
    check("subscriptions: Siren keeps its state machine", '- "sirens": Sirens as siren' in text, text[-600:])
    ok, log = build_and_test(directory)
    check("subscriptions: builds and its self-test passes, every step played",
          ok and "flow Watch everything for a while: ok (6 messages)" in log and "flow Drill: ok (2 messages)" in log,
          tail(log))

# ---- roles several node kinds play, protocols inside protocols ----------------------------

def test_shared_role_and_layered(work):
    """tests/data/shared-role.moped: two node kinds (Echo, Upper) play one role, and the
    flow names roles, so both kinds get its send functions and handlers and the
    self-test plays the flow once with each. tests/data/layered.moped: Inner travels
    via the broker inside Outer; the worker sends and receives no Outer command itself
    but keeps Outer's state, so its engine includes Outer's codec."""
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    for name, flows in (("shared-role", ["flow Work: ok (6 messages)"]),
                        ("layered", ["flow OF: ok (2 messages)", "flow IF: ok (4 messages)"])):
        design = os.path.join(data, name + ".moped")
        directory = os.path.join(work, name)
        r = run([MOPED, "check", design])
        check("%s: checks clean" % name, r.returncode == 0 and "0 errors, 0 warnings" in r.stdout + r.stderr,
              r.stdout + r.stderr)
        r = export(design, directory)
        if not check("%s: export" % name, r.returncode == 0, r.stdout + r.stderr):
            continue
        if name == "shared-role":
            upper = open(os.path.join(directory, "src", "upper.c")).read()
            check("shared-role: the second kind playing the role handles JOB and may send DONE",
                  "upper_handle_job" in upper and "upper_send_done" in upper, upper[-1500:])
        ok, log = build_and_test(directory)
        check("%s: builds and its self-test passes" % name, ok, tail(log))
        for line in flows:
            check("%s: %s" % (name, line), line in log, tail(log))


# ---- one program per process ---------------------------------------------------------------

def test_process(work):
    """tests/data/process.moped: producer and consumer share process workers and an
    inproc link; auditor runs alone. The export builds one program per process
    (workers) and per node outside any (auditor), none for the nodes of a process;
    run as programs, the producer's JOB crosses inproc inside workers and the
    consumer's DONE reaches auditor over tcp."""
    design = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "process.moped")
    directory = os.path.join(work, "process")
    r = run([MOPED, "check", design])
    check("process: checks clean", r.returncode == 0 and "0 errors, 0 warnings" in r.stdout + r.stderr,
          r.stdout + r.stderr)
    r = export(design, directory)
    if not check("process: export", r.returncode == 0, r.stdout + r.stderr):
        return
    programs = re.findall(r"^executable\('([a-z_]+)', 'src/", open(os.path.join(directory, "meson.build")).read(), re.M)
    check("process: one program per process and per node outside any",
          sorted(p for p in programs if p != "selftest") == ["auditor", "workers"], str(programs))
    replace_body(os.path.join(directory, "src", "producer.c"), "producer_state_start (producer_state_t *self)",
                 "    return producer_send_job (self->engine, NULL, \"over inproc\");\n")
    replace_body(os.path.join(directory, "src", "consumer.c"), "consumer_handle_job (consumer_state_t *self",
                 "    (void) from;\n    (void) text;\n    return consumer_send_done (self->engine, NULL);\n")
    ok, log = build_and_test(directory)
    if not check("process: builds and its self-test passes", ok, tail(log)):
        return
    for program in ("workers", "auditor"):
        check("process: program %s is built" % program, os.access(os.path.join(directory, "build", program), os.X_OK))
    # A port the system picks, given to both programs (NODE.SOCKET= for a process's node).
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    auditor = subprocess.Popen([os.path.join(directory, "build", "auditor"), "-v",
                                "in=@tcp://127.0.0.1:%d" % port],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    workers = subprocess.Popen([os.path.join(directory, "build", "workers"), "-v",
                                "consumer.report=>tcp://127.0.0.1:%d" % port],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = ""
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline and "received DONE" not in seen:
            line = auditor.stdout.readline()
            if not line:
                break
            seen += line
    finally:
        for proc in (workers, auditor):
            proc.send_signal(signal.SIGINT)
        out = [proc.communicate(timeout=30)[0] for proc in (workers, auditor)]
    check("process: the JOB crossed inproc inside the workers program", "consumer: received JOB" in out[0], out[0])
    check("process: the DONE reached the auditor program over tcp", "received DONE" in seen + out[1], seen + out[1])
    check("process: both programs stop on Ctrl-C", workers.returncode == 0 and auditor.returncode == 0,
          "%s %s" % (workers.returncode, auditor.returncode))


def test_served(work):
    """tests/data/served.moped, run as programs started without -n: the two Client
    instances (DEALER) each get the ROUTER server's WORLD, since each running copy has a
    routing id of its own (with one id, a ROUTER serves only the first); and A's start
    hook sends PING from a ROUTER to its one designed peer, B's ROUTER, with no peer
    given (NULL means the one peer), before B runs: the send waits for B to connect."""
    design = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "served.moped")
    directory = os.path.join(work, "served")
    r = run([MOPED, "check", design])
    check("served: checks clean", r.returncode == 0 and "0 errors, 0 warnings" in r.stdout + r.stderr,
          r.stdout + r.stderr)
    r = export(design, directory)
    if not check("served: export", r.returncode == 0, r.stdout + r.stderr):
        return
    src = os.path.join(directory, "src")
    replace_body(os.path.join(src, "client.c"), "client_state_start (client_state_t *self)",
                 "    return client_send_hello (self->engine, NULL);\n")
    replace_body(os.path.join(src, "server.c"), "server_handle_hello (server_state_t *self",
                 "    return server_send_world (self->engine, from);\n")
    replace_body(os.path.join(src, "a.c"), "a_state_start (a_state_t *self)",
                 "    return a_send_ping (self->engine, NULL);\n")
    replace_body(os.path.join(src, "b.c"), "b_handle_ping (b_state_t *self",
                 "    return b_send_pong (self->engine, from);\n")
    ok, log = build_and_test(directory)
    if not check("served: builds and its self-test passes", ok, tail(log)):
        return
    build = os.path.join(directory, "build")
    greet, ping = free_port(), free_port()
    logs, procs = [], []

    def start(program, *args):
        out = open(os.path.join(work, "served-%s-%d.log" % (program, len(procs))), "w+")
        logs.append(out)
        procs.append(subprocess.Popen([os.path.join(build, program), "-v", *args],
                                      stdout=out, stderr=subprocess.STDOUT, text=True))
        return len(procs) - 1

    def text(index):
        with open(logs[index].name) as f:
            return f.read()

    def wait_for(index, needle, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and needle not in text(index):
            time.sleep(0.05)
        return needle in text(index)

    try:
        server = start("server", "clients=@tcp://127.0.0.1:%d" % greet)
        clients = [start("client", "server=>tcp://127.0.0.1:%d" % greet) for _ in range(2)]
        a = start("a", "p=>tcp://127.0.0.1:%d" % ping)
        # B starts, and so binds, only once A's start hook is sending to it.
        wait_for(a, "send PING on p")
        b = start("b", "p=@tcp://127.0.0.1:%d" % ping)
        served = [wait_for(c, "received WORLD on server") for c in clients]
        pinged = wait_for(b, "received PING on p") and wait_for(a, "received PONG on p")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    names = [re.search(r"(client\S*): send HELLO", text(c)) for c in clients]
    check("served: two Client programs started without -n have names of their own (NODE-HOST-PID)",
          all(names) and names[0].group(1) != names[1].group(1) and names[0].group(1).startswith("client-"),
          "\n".join(text(c) for c in clients))
    check("served: the ROUTER serves both Client instances started without -n", all(served),
          "\n".join(text(i) for i in [server] + clients))
    check("served: a start hook's first send from a ROUTER, to its one designed peer (NULL), waits for "
          "that ROUTER peer to connect, and the answer comes back", pinged, text(a) + text(b))
    for log in logs:
        log.close()


# ---- re-export ----------------------------------------------------------------------------

def warnings(r):
    """The warnings of an export, without the design's name in front, in their order."""
    return [line.split(": warning: ", 1)[1] for line in r.stderr.splitlines() if ": warning: " in line]


def test_reexport_renames(work):
    """Renames (same ids) rename generated names; the report names each function of
    the user's to rename until it is done; --apply-renames does it, --dry-run shows the
    diff; a handler left behind is reported on every export; a changed signature is
    reported with both prototypes."""
    design = os.path.join(work, "renames.moped")
    directory = os.path.join(work, "renames")
    base = RE_DESIGN % dict(extra=EXTRA_COMMAND, steps=EXTRA_STEP)

    def write(text):
        with open(design, "w") as f:
            f.write(text)

    write(base)
    r = export(design, directory)
    check("renames: first export", r.returncode == 0, r.stderr)
    server = os.path.join(directory, "src", "server.c")
    replace_body(server, "server_handle_ping (server_state_t *self",
                 "    (void) text;\n    return server_send_pong (self->engine, from);")
    renamed = base.replace('name="PONG"', 'name="PONGO"')
    write(renamed)
    for attempt in ("first", "second"):
        r = export(design, directory)
        check(f"renames: {attempt} export after a rename reports what to rename, and nothing else",
              r.returncode == 0 and warnings(r) == [
                  "src/client.c: rename client_handle_pong to client_handle_pongo (renamed in the design), "
                  "or export again with --apply-renames",
                  "src/server.c: rename server_send_pong to server_send_pongo (renamed in the design), "
                  "or export again with --apply-renames"], r.stderr)
    with open(os.path.join(directory, "src", "client.c")) as f:
        check("renames: no stub under the new name before the rename", "client_handle_pongo" not in f.read())
    before = snapshot(directory)
    r = export(design, directory, "--apply-renames", "--dry-run")
    check("renames: --dry-run shows the diff and writes nothing",
          r.returncode == 0 and before == snapshot(directory) and
          "--- a/src/server.c\n+++ b/src/server.c\n" in r.stdout and
          "-    return server_send_pong (self->engine, from);\n"
          "+    return server_send_pongo (self->engine, from);\n" in r.stdout, r.stdout)
    r = export(design, directory, "--apply-renames")
    check("renames: --apply-renames renames in the user's files", r.returncode == 0 and
          re.search(r"^append\s+src/server.c \(yours\): renames server_send_pong to server_send_pongo$",
                    r.stdout, re.M), r.stdout)
    ok, log = build_and_test(directory)
    check("renames: the renamed code builds and passes", ok, tail(log))
    r = export(design, directory)
    check("renames: done renames are not reported again", "renamed in the design" not in r.stderr, r.stderr)

    write(renamed.replace(EXTRA_COMMAND, "").replace(EXTRA_STEP, ""))
    for attempt in ("first", "second"):
        r = export(design, directory)
        check(f"renames: a removed command's handler is reported on the {attempt} export, and nothing else",
              warnings(r) == ["src/server.c: server_handle_bye is no longer called (the design no longer has "
                              "what it handled); it is kept: delete it when you no longer need it"], r.stderr)

    write(renamed.replace('name="text"/>', 'name="text" type="number"/>'))
    r = export(design, directory)
    check("renames: a changed signature is reported with the old and the new prototype, and nothing else",
          warnings(r) == [
              "src/server.c: server_handle_ping has a new signature in the design: change "
              "`int server_handle_ping (server_state_t *self, const wire_peer_t *from, const char *text)` to "
              "`int server_handle_ping (server_state_t *self, const wire_peer_t *from, uint64_t text)`"],
          r.stderr)


def test_reexport_node_rename(work):
    """A node renamed in the design (same id) moves the user's file src/OLD.c to
    src/NEW.c with the user's code in it; the generated names in it (and in the user's
    tests/) are reported until renamed, and --apply-renames renames them; nodes that
    swap names swap files; a move onto a file that is there is not made."""
    design = os.path.join(work, "node-rename.moped")
    base = RE_DESIGN % dict(extra="", steps="")
    renamed = base.replace('id="server" name="Server"', 'id="server" name="Echo broker"')

    def write(text):
        with open(design, "w") as f:
            f.write(text)

    def first_export(name):
        directory = os.path.join(work, name)
        write(base)
        r = export(design, directory)
        check(f"node rename: first export ({name})", r.returncode == 0, r.stderr)
        server = os.path.join(directory, "src", "server.c")
        replace_body(server, "server_handle_ping (server_state_t *self",
                     "    //  MY MARKER: answer every ping\n    (void) text;\n"
                     "    return server_send_pong (self->engine, from);")
        with open(server) as f:
            return directory, f.read()

    def read(directory, path):
        with open(os.path.join(directory, path)) as f:
            return f.read()

    # Renamed and --apply-renames at once: moved, renamed, builds, every test passes.
    directory, mine = first_export("node-rename-apply")
    write(renamed)
    before = snapshot(directory)
    r = export(design, directory, "--apply-renames", "--dry-run")
    check("node rename: --dry-run shows the move and its diff, and writes nothing",
          r.returncode == 0 and before == snapshot(directory) and
          re.search(r"^create\s+src/echo_broker.c \(yours\): moved from src/server.c \(its node was "
                    r"renamed\), your code kept; renames .*server_handle_ping to echo_broker_handle_ping",
                    r.stdout, re.M) and
          re.search(r"^remove\s+src/server.c \(yours\): moved to src/echo_broker.c", r.stdout, re.M) and
          "--- a/src/server.c\n+++ b/src/echo_broker.c\n" in r.stdout and
          '-#include "server_engine.h"\n+#include "echo_broker_engine.h"\n' in r.stdout and
          "-    return server_send_pong (self->engine, from);\n"
          "+    return echo_broker_send_pong (self->engine, from);\n" in r.stdout and
          "--- a/tests/test_first.c\n+++ b/tests/test_first.c\n" in r.stdout and
          '-#include "server.h"\n+#include "echo_broker.h"\n' in r.stdout, r.stdout + r.stderr)
    r = export(design, directory, "--apply-renames")
    moved = read(directory, "src/echo_broker.c")
    check("node rename: --apply-renames moves the file, with the user's code, renamed",
          r.returncode == 0 and not os.path.exists(os.path.join(directory, "src", "server.c")) and
          "MY MARKER: answer every ping" in moved and
          "return echo_broker_send_pong (self->engine, from);" in moved and
          "struct _echo_broker_state_t {" in moved and
          not re.search(r"\bserver_", moved) and warnings(r) == [], r.stdout + r.stderr)
    check("node rename: ... and the user's tests are renamed too",
          '#include "echo_broker.h"' in read(directory, "tests/test_first.c") and
          "echo_broker_new (&options_1)" in read(directory, "tests/test_first.c"))
    ok, log = build_and_test(directory)
    check("node rename: the moved code builds and the self-test passes", ok, tail(log))
    r = run(["meson", "test", "-C", "build", "--num-processes", "1", "flows", "first"], cwd=directory)
    check("node rename: the flow test (the user's handler answers) and the user's test pass",
          r.returncode == 0, tail(r.stdout + r.stderr))
    r = export(design, directory)
    check("node rename: the next export has nothing to say or move",
          r.returncode == 0 and warnings(r) == [] and "moved" not in r.stdout, r.stdout + r.stderr)

    # Without --apply-renames: the file moves as it is, and each generated name in it
    # is reported, on every export, until renamed; then --apply-renames does it.
    directory, mine = first_export("node-rename-report")
    write(renamed)
    for attempt in ("first", "second"):
        r = export(design, directory)
        found = warnings(r)
        check(f"node rename: the {attempt} export without --apply-renames reports each name to rename",
              r.returncode == 0 and
              "src/echo_broker.c: rename server_handle_ping to echo_broker_handle_ping (renamed in the "
              "design), or export again with --apply-renames" in found and
              "src/echo_broker.c: rename server_engine.h to echo_broker_engine.h (renamed in the design), "
              "or export again with --apply-renames" in found and
              "src/echo_broker.c: rename _server_state_t to _echo_broker_state_t (renamed in the design), "
              "or export again with --apply-renames" in found and
              "tests/test_first.c: rename server_new to echo_broker_new (renamed in the design), "
              "or export again with --apply-renames" in found and
              all(w.endswith("(renamed in the design), or export again with --apply-renames") for w in found),
              r.stdout + r.stderr)
        check(f"node rename: ... the user's file is moved as it was ({attempt})",
              read(directory, "src/echo_broker.c") == mine and
              not os.path.exists(os.path.join(directory, "src", "server.c")) and
              "echo_broker_handle_ping" not in read(directory, "src/echo_broker.c"))
    r = export(design, directory, "--apply-renames")
    check("node rename: --apply-renames later renames in the moved file",
          r.returncode == 0 and re.search(r"^append\s+src/echo_broker.c \(yours\): renames ", r.stdout, re.M)
          and "MY MARKER" in read(directory, "src/echo_broker.c"), r.stdout + r.stderr)
    ok, log = build_and_test(directory)
    check("node rename: renamed later, it builds and the self-test passes", ok, tail(log))

    # Two nodes swap names: each file goes where its node now is.
    directory, mine = first_export("node-rename-swap")
    write(base.replace('id="client" name="Client"', 'id="client" name="Server"')
              .replace('id="server" name="Server"', 'id="server" name="Client"'))
    r = export(design, directory, "--apply-renames")
    check("node rename: swapped names swap the files",
          r.returncode == 0 and "MY MARKER" in read(directory, "src/client.c") and
          "return client_send_pong (self->engine, from);" in read(directory, "src/client.c") and
          "server_handle_pong" in read(directory, "src/server.c") and warnings(r) == [],
          r.stdout + r.stderr)
    ok, log = build_and_test(directory)
    check("node rename: swapped, it builds and the self-test passes", ok, tail(log))

    # A file already where the node's file goes is never overwritten.
    directory, mine = first_export("node-rename-taken")
    with open(os.path.join(directory, "src", "echo_broker.c"), "w") as f:
        f.write("// mine\n")
    write(renamed)
    r = export(design, directory, "--apply-renames", "--force")
    check("node rename: a move onto a file that is there is not made, and said so",
          "src/server.c: its node was renamed, but src/echo_broker.c is there already: move your code "
          "from src/server.c into it yourself" in warnings(r) and
          read(directory, "src/server.c") == mine and
          read(directory, "src/echo_broker.c").startswith("// mine\n"), r.stdout + r.stderr)


RE_DESIGN = """<?xml version="1.0" encoding="UTF-8"?>
<design format="1" name="Re-export">
  <node id="client" name="Client">
    <socket id="client-dealer" name="dealer" type="DEALER"/>
  </node>
  <node id="server" name="Server">
    <socket id="server-router" name="router" type="ROUTER" mode="bind"/>
  </node>
  <link id="link-1" from="client-dealer" to="server-router" endpoint="tcp://*:5599" protocol="p"/>
  <protocol id="p" name="Echo">
    <command id="ping" name="PING" sender="client">
      <field id="ping-text" name="text"/>
    </command>
    <command id="pong" name="PONG" sender="server"/>
%(extra)s    <flow id="f" name="Ping pong">
      <step id="f-1" from="client" to="server" command="ping"/>
      <step id="f-2" from="server" to="client" command="pong"/>
%(steps)s    </flow>
  </protocol>
</design>
"""
EXTRA_COMMAND = """    <command id="bye" name="BYE" sender="client">
      <field id="bye-reason" name="reason" type="longstr"/>
    </command>
"""
EXTRA_STEP = """      <step id="f-3" from="client" to="server" command="bye"/>
"""


def snapshot(directory):
    state = {}
    for base, _, files in os.walk(directory):
        if os.sep + "build" in base:
            continue
        for f in files:
            path = os.path.join(base, f)
            with open(path, "rb") as fh:
                state[os.path.relpath(path, directory)] = (os.stat(path).st_mtime_ns, fh.read())
    return state


def build_and_test(directory):
    if not os.path.exists(os.path.join(directory, "build")):
        r = run(["meson", "setup", "build"], cwd=directory)
        if r.returncode != 0:
            return False, r.stdout + r.stderr
    r = run(["ninja", "-C", "build"], cwd=directory, timeout=600)
    if r.returncode != 0:
        return False, r.stdout + r.stderr
    return run_selftest(os.path.join(directory, "build", "selftest"))


def test_reexport(work):
    design = os.path.join(work, "re-export.moped")
    directory = os.path.join(work, "re-export")

    def write(extra="", steps=""):
        with open(design, "w") as f:
            f.write(RE_DESIGN % dict(extra=extra, steps=steps))

    write()
    r = export(design, directory)
    check("re-export: first export", r.returncode == 0, r.stderr)
    ok, log = build_and_test(directory)
    check("re-export: first build and self-test", ok, tail(log))

    user = os.path.join(directory, "src", "server.c")
    with open(user) as f:
        text = f.read()
    edited = text.replace("    (void) self;\n    (void) from;\n    (void) text;\n    return 0;",
                          "    //  my edit: answer every ping\n    (void) text;\n"
                          "    return server_send_pong (self->engine, from);")
    check("re-export: the handler stub is there to edit", edited != text, text)
    with open(user, "w") as f:
        f.write(edited)

    before = snapshot(directory)
    time.sleep(0.01)
    r = export(design, directory)
    after = snapshot(directory)
    check("re-export: unchanged design exits 0", r.returncode == 0, r.stderr)
    check("re-export: unchanged design writes no file", before == after,
          str(sorted(k for k in after if before.get(k) != after[k])))
    check("re-export: unchanged design reports nothing written", "wrote 0 files" in r.stderr, r.stderr)
    check("re-export: the edited file is recognised as edited", "edited by you" in r.stdout, r.stdout)

    write(extra=EXTRA_COMMAND, steps=EXTRA_STEP)
    r = export(design, directory)
    check("re-export: a new command exports", r.returncode == 0, r.stderr)
    check("re-export: the user's file is appended to", re.search(r"^append\s+src/server.c", r.stdout, re.M),
          r.stdout)
    with open(user) as f:
        text = f.read()
    check("re-export: the edit is intact", text.startswith(edited.rstrip("\n")), text)
    check("re-export: the new handler stub is there", "server_handle_bye (server_state_t *self" in text, text)
    # The client's code sends the new command (a comment naming it is no use of it).
    client = os.path.join(directory, "src", "client.c")
    replace_body(client, "client_handle_pong (client_state_t *self, const wire_peer_t *from)",
                 "    (void) from;\n    return client_send_bye (self->engine, NULL, \"done\");")
    ok, log = build_and_test(directory)
    check("re-export: builds and passes with the new command", ok, tail(log))

    write()
    r = export(design, directory)
    check("re-export: a removed command exports", r.returncode == 0, r.stderr)
    check("re-export: the handler of a removed command is reported",
          "server_handle_bye is no longer called" in r.stderr, r.stderr)
    used = ("src/client.c: uses client_send_bye, which the design no longer has (what it was generated for was "
            "removed): the project does not build until you remove that use")
    check("re-export: user code that still sends the removed command is reported", used in r.stderr and
          "server.c: uses" not in r.stderr, r.stderr)
    r = run(["ninja", "-C", "build"], cwd=directory, timeout=600)
    check("re-export: ... rightly: that code no longer builds", r.returncode != 0 and "client_send_bye" in r.stdout,
          tail(r.stdout))
    r = export(design, directory)
    check("re-export: ... on every export until it is gone", used in r.stderr, r.stderr)
    replace_body(client, "client_handle_pong (client_state_t *self, const wire_peer_t *from)",
                 "    //  client_send_bye went with BYE\n    (void) self;\n    (void) from;\n    return 0;")
    r = export(design, directory)
    check("re-export: once removed, it is no longer reported", r.returncode == 0 and "client_send_bye" not in r.stderr,
          r.stderr)
    with open(user) as f:
        text = f.read()
    check("re-export: the handler of a removed command is kept", "server_handle_bye (" in text, text)
    ok, log = build_and_test(directory)
    check("re-export: builds and passes after the removal", ok, tail(log))

    engine = os.path.join(directory, "src", "server_engine.c")
    with open(engine, "a") as f:
        f.write("// edited by hand\n")
    write(extra=EXTRA_COMMAND)
    r = export(design, directory)
    check("re-export: a generated file edited by hand blocks the export",
          r.returncode == 1 and "src/server_engine.c edited by hand" in r.stderr, r.stdout + r.stderr)
    with open(engine) as f:
        check("re-export: ... and is not overwritten", f.read().endswith("// edited by hand\n"))
    r = export(design, directory, "--force")
    check("re-export: --force overwrites it", r.returncode == 0, r.stderr)
    with open(engine) as f:
        check("re-export: ... and the edit is gone", "edited by hand" not in f.read())


def main():
    work = tempfile.mkdtemp(prefix="moped-export-c-")
    tests = [test_broken, test_user_tests, test_timers, test_never_block, test_examples, test_mdp_wire,
             test_machine_enforced, test_fan_out, test_choices,
             test_packed_wire, test_standalone, test_reexport, test_reexport_renames, test_reexport_node_rename,
             test_no_hang, test_proxy, test_subscriptions, test_shared_role_and_layered,
             test_process, test_served, test_property]
    # MOPED_EXPORT_C_TESTS=test_user_tests,test_timers runs only those (while working on them).
    only = os.environ.get("MOPED_EXPORT_C_TESTS")
    if only:
        tests = [t for t in tests if t.__name__ in only.split(",")]
    try:
        for test in tests:
            start = time.monotonic()
            try:
                test(work)
            except Exception as e:  # a crash is a failure of that test, not of the others
                check("%s ran" % test.__name__, False, repr(e))
            check("%s took %.0f s" % (test.__name__, time.monotonic() - start), True)
    finally:
        if os.environ.get("MOPED_KEEP_WORK"):
            print("# work kept in %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("1..%d" % len(results))
    failed = 0
    for i, (name, ok, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok:
            failed += 1
            for line in str(detail).splitlines():
                print("#   " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
