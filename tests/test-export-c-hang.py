#!/usr/bin/python3
"""test-export-c-hang.py: exported tests whose flow cannot complete fail within their documented bound, never hang.

TAP output; argv[1] is the moped binary. Needs meson, ninja, gcc, czmq, libzmq;
valgrind for the leak check. Never needs a display.

Two designs whose flow cannot complete, each with the user's code written but wrong:
- a handler that never answers: over DEALER-ROUTER, the client's API method sends
  ASK and waits for TELL, and the server's ASK handler never sends it;
- a REQ whose peer ignores it: over REQ-REP (hello.moped), the client sends HELLO
  and the server's handler returns without the WORLD its REQ peer waits for.
For each, the flow tests (selftest --flows) and the user's first test must end with a
non-zero status within the bound their sources document (S_STEP_TIMEOUT per step and
S_LIMIT_SECS for the whole run; the first test's S_LIMIT_SECS), saying what did not
happen; the wall time of each run is measured here. The failing flow test is also run
under valgrind: no error, no leak.
"""
# SPDX-License-Identifier: MPL-2.0
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

MOPED = os.path.abspath(sys.argv[1])
EXAMPLES = os.environ["MOPED_EXAMPLES"]
VALGRIND = shutil.which("valgrind")
VALGRIND_ARGS = ["--error-exitcode=3", "--leak-check=full",
                 "--errors-for-leak-kinds=definite,indirect,possible",
                 "--show-leak-kinds=definite,indirect,possible", "-q"]
# Starting and stopping a process and its nodes, beyond the bounds the sources state.
SLACK_SECS = 15
results = []

SILENT_SERVER = """<?xml version="1.0" encoding="UTF-8"?>
<design format="2" name="Silent server">
  <node id="client" name="Client">
    <socket id="client-dealer" name="server" type="DEALER"/>
    <method id="ask-method" name="Ask" result="string"/>
  </node>
  <node id="server" name="Server">
    <socket id="server-router" name="clients" type="ROUTER" mode="bind"/>
  </node>
  <link id="link-1" from="client-dealer" to="server-router" endpoint="tcp://*:5611" protocol="p" from-role="p.client" to-role="p.server"/>
  <protocol id="p" name="Ask">
    <role id="p.client" name="client"/>
    <role id="p.server" name="server"/>
    <command id="ask" name="ASK" sender="p.client"/>
    <command id="tell" name="TELL" sender="p.server">
      <field id="tell-text" name="text"/>
    </command>
    <flow id="f" name="Question">
      <step id="f-1" from="client" to="server" command="ask"/>
      <step id="f-2" from="server" to="client" command="tell"/>
    </flow>
  </protocol>
</design>
"""


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))
    return bool(condition)


def run(args, cwd=None, timeout=600):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    try:
        return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(args, None, e.stdout or "", "killed: still running after %d s" % timeout)


def timed(args, timeout):
    start = time.monotonic()
    r = run(args, timeout=timeout)
    return r, time.monotonic() - start


def tail(text, lines=20):
    return "\n".join(str(text).splitlines()[-lines:])


def replace_body(path, signature, body):
    with open(path) as f:
        text = f.read()
    start = text.index("\n" + signature)
    open_brace = text.index("\n{\n", start)
    close_brace = text.index("\n}\n", open_brace)
    with open(path, "w") as f:
        f.write(text[:open_brace] + "\n{\n" + body + text[close_brace:])


def define(path, name):
    """The value of #define NAME in a generated source: the bound it documents."""
    m = re.search(r"^#define %s (\d+)" % name, open(path).read(), re.M)
    return int(m.group(1)) if m else None


def silent_server(directory):
    client = os.path.join(directory, "src", "client.c")
    replace_body(client, "client_api_ask (client_state_t *self)",
                 "    if (client_send_ask (self->engine, NULL) == -1)\n"
                 "        return NULL;\n"
                 "    client_engine_defer (self->engine);\n"
                 "    return NULL;")
    replace_body(client, "client_handle_tell (client_state_t *self, const wire_peer_t *from, const char *text)",
                 "    (void) from;\n"
                 "    client_engine_answer_ask (self->engine, strdup (text));\n"
                 "    return 0;")
    # The server's ASK handler stays as exported: it returns without answering.


def ignoring_peer(directory):
    client = os.path.join(directory, "src", "client.c")
    replace_body(client, "client_api_say_hello (client_state_t *self)",
                 "    if (client_send_hello (self->engine, NULL) == -1)\n"
                 "        return false;\n"
                 "    client_engine_defer (self->engine);\n"
                 "    return false;")
    replace_body(client, "client_handle_world (client_state_t *self, const wire_peer_t *from)",
                 "    (void) from;\n"
                 "    client_engine_answer_say_hello (self->engine, true);\n"
                 "    return 0;")
    replace_body(os.path.join(directory, "src", "server.c"),
                 "server_handle_hello (server_state_t *self, const wire_peer_t *from)",
                 "    (void) self;\n"
                 "    (void) from;\n"
                 "    return 0;           //  Ignores the request: its REQ peer waits for ever")


CASES = [
    ("a handler that never answers", "silent", None, silent_server,
     'flow "Question": step 2 (Server sends TELL to Client) did not happen within 500 ms: '
     'write server_handle_ask in src/server.c'),
    ("a REQ whose peer ignores it", "ignoring", "hello.moped", ignoring_peer,
     'flow "Round trip": step 2 (Server sends WORLD to Client) did not happen within 500 ms: '
     'write server_handle_hello in src/server.c'),
]


def main():
    work = tempfile.mkdtemp(prefix="moped-export-c-hang-")
    try:
        design = os.path.join(work, "silent.moped")
        with open(design, "w") as f:
            f.write(SILENT_SERVER)
        names = []
        for what, name, example, grow, _ in CASES:
            directory = os.path.join(work, "subprojects", name)
            r = run([MOPED, "export", "c", os.path.join(EXAMPLES, example) if example else design,
                     "-o", directory])
            if check(f"{what}: export", r.returncode == 0, r.stdout + r.stderr):
                grow(directory)
                names.append(name)
        with open(os.path.join(work, "meson.build"), "w") as f:
            f.write("project('hang', 'c')\n" + "".join("subproject('%s')\n" % n for n in names))
        r = run(["meson", "setup", "build"], cwd=work)
        if r.returncode == 0:
            r = run(["ninja", "-C", "build", "-j", "2"], cwd=work, timeout=900)
        if not check("the designs build", r.returncode == 0, tail(r.stdout + r.stderr)):
            return

        for what, name, _, _, line in CASES:
            if name not in names:
                continue
            directory = os.path.join(work, "subprojects", name)
            build = os.path.join(work, "build", "subprojects", name)
            selftest_source = os.path.join(directory, "src", "selftest.c")
            step = define(selftest_source, "S_STEP_TIMEOUT")
            limit = define(selftest_source, "S_LIMIT_SECS")
            first_limit = define(os.path.join(directory, "tests", "test_first.c"), "S_LIMIT_SECS")
            check(f"{what}: the sources document their bounds", step and limit and first_limit,
                  "S_STEP_TIMEOUT %s, S_LIMIT_SECS %s, first test %s" % (step, limit, first_limit))
            if not (step and limit and first_limit):
                continue

            r, secs = timed([os.path.join(build, "selftest"), "--flows"], timeout=limit + 120)
            check(f"{what}: the flow test fails (status 1), saying which step did not happen",
                  r.returncode == 1 and line in r.stdout, tail(r.stdout + r.stderr))
            check(f"{what}: ... within its bound ({secs:.1f} s; a step may take {step} ms, the run "
                  f"{limit} s)", secs < limit and secs < step / 1000 + SLACK_SECS, "%.1f s" % secs)

            r, secs = timed([os.path.join(build, "tests", "test_first")], timeout=first_limit + 120)
            check(f"{what}: the first test fails (status 1), saying what did not answer",
                  r.returncode == 1 and re.search(r"^first test: FAILED: no answer within %d s: .* did not answer"
                                                  % first_limit, r.stdout, re.M), tail(r.stdout + r.stderr))
            check(f"{what}: ... within its bound ({secs:.1f} s, the test says {first_limit} s)",
                  first_limit - 1 <= secs < first_limit + SLACK_SECS, "%.1f s" % secs)

            if VALGRIND is None:
                check("valgrind is installed", False)
                continue
            r, secs = timed([VALGRIND, *VALGRIND_ARGS, os.path.join(build, "selftest"), "--flows"],
                            timeout=limit + 300)
            check(f"{what}: under valgrind the failing flow test ends with status 1, no error, no leak "
                  f"({secs:.1f} s)", r.returncode == 1 and line in r.stdout and secs < limit,
                  tail(r.stdout + r.stderr))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        print("1..%d" % len(results))
        for i, (name, ok, detail) in enumerate(results, 1):
            print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
            if not ok and detail:
                for detail_line in str(detail).splitlines():
                    print("# " + detail_line)
    sys.exit(0 if all(ok for _, ok, _ in results) else 1)


if __name__ == "__main__":
    main()
