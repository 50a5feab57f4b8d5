#!/usr/bin/python3
"""test-export-c-completed.py: MOPED's loop on every bundled example, from the fresh skeleton to the finished nodes.

TAP output; argv[1] is the moped binary. Needs meson, ninja, gcc, czmq, libzmq and
valgrind. Never needs a display.

- Fresh skeleton: each example's flow tests (selftest --flows) fail, in one line that
  names the step and the function to write, and that function is in that file.
- Completed: tests/data/completed/EXAMPLE/ holds the user files of the example grown
  by hand (handler bodies, start hooks and timers, API implementations, and a first
  test that calls the API). Copied over a fresh export, they make the wiring
  self-test, every flow test and the user's test pass, also under valgrind (no
  error, no leak). The flow tests start each node as many times as the design says
  (Majordomo: 10 clients, 3 echo workers), each instance with its own name.
- Every run is bounded: the self-test by its watchdog, the user tests by theirs, and
  each process here by a timeout.
"""
# SPDX-License-Identifier: MPL-2.0
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MOPED = os.path.abspath(sys.argv[1])
EXAMPLES = os.environ["MOPED_EXAMPLES"]
COMPLETED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "completed")
VALGRIND = shutil.which("valgrind")
VALGRIND_ARGS = ["--error-exitcode=3", "--leak-check=full",
                 "--errors-for-leak-kinds=definite,indirect,possible",
                 "--show-leak-kinds=definite,indirect,possible", "-q"]
results = []


def instances(design):
    """What the flow tests start: each node as many times as the design runs it (at
    most 16), and how many nodes there are (Majordomo: 10 clients, 1 broker, 3 workers)."""
    nodes = [n for n in ET.parse(design).getroot() if n.tag == "node"]
    return sum(min(16, int(n.get("instances", "1"))) for n in nodes), len(nodes)


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))
    return bool(condition)


def run(args, cwd=None, timeout=600):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    try:
        return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(args, -1, e.stdout or "", "timed out after %d s" % timeout)


def tail(text, lines=30):
    return "\n".join(str(text).splitlines()[-lines:])


def main():
    work = tempfile.mkdtemp(prefix="moped-export-c-completed-")
    try:
        examples = sorted(f[:-len(".moped")] for f in os.listdir(EXAMPLES)
                          if f.endswith(".moped") and f != "broken.moped")
        check("every bundled example has a completed version",
              examples and all(os.path.isdir(os.path.join(COMPLETED, e)) for e in examples),
              "missing: %s" % [e for e in examples if not os.path.isdir(os.path.join(COMPLETED, e))])
        names = []
        for example in examples:
            name = example.replace("-", "_")
            design = os.path.join(EXAMPLES, example + ".moped")
            fresh = os.path.join(work, "subprojects", name)
            done = os.path.join(work, "subprojects", name + "_completed")
            ok = True
            for directory in (fresh, done):
                r = run([MOPED, "export", "c", design, "-o", directory])
                ok = check(f"{example}: export", r.returncode == 0, r.stdout + r.stderr) and ok
            if not ok:
                continue
            # The completed user files, copied over the ones the export wrote.
            for root, _, files in os.walk(os.path.join(COMPLETED, example)):
                for f in files:
                    source = os.path.join(root, f)
                    target = os.path.join(done, os.path.relpath(source, os.path.join(COMPLETED, example)))
                    check(f"{example}: {os.path.relpath(target, done)} is a user file of the export",
                          os.path.exists(target))
                    shutil.copy(source, target)
            names += [name, name + "_completed"]
        with open(os.path.join(work, "meson.build"), "w") as f:
            f.write("project('completed', 'c')\n")
            for name in names:
                f.write("subproject('%s')\n" % name)
        r = run(["meson", "setup", "build"], cwd=work)
        if r.returncode == 0:
            r = run(["ninja", "-C", "build", "-j", "2"], cwd=work, timeout=1800)
        if not check("the fresh and the completed examples build with -Werror", r.returncode == 0,
                     tail(r.stdout + r.stderr)):
            return

        for name in names[0::2]:
            fresh = os.path.join(work, "subprojects", name)
            build = os.path.join(work, "build", "subprojects")
            selftest = os.path.join(build, name, "selftest")
            r = run([selftest, "--flows"], timeout=300)
            lines = [line for line in r.stdout.splitlines() if line.startswith("flow ")]
            m = re.match(r'^flow "[^"]+": step \d+ \(.+\) did not happen within 500 ms: '
                         r'(?:write (\w+) in (src/\w+\.c)|have .+ call (\w+) after step \d+ .*(src/\w+\.c)\))$',
                         lines[0] if len(lines) == 1 else "")
            if check(f"{name}: on the fresh skeleton the flow tests fail, in one line saying what to write",
                     r.returncode == 1 and m, r.stdout + r.stderr):
                if m.group(1):
                    # A handler to write: its stub is in the user's file named
                    text = open(os.path.join(fresh, m.group(2))).read()
                    check(f"{name}: the handler it names is in the file it names",
                          re.search(r"^%s \(" % m.group(1), text, re.M), "%s in %s" % (m.group(1), m.group(2)))
                else:
                    # A send function to call from the user's file named
                    engine = m.group(4).replace(".c", "_engine.h")
                    check(f"{name}: the send function it names is the node's, whose file it names",
                          os.path.exists(os.path.join(fresh, m.group(4))) and
                          re.search(r"^    %s \(" % m.group(3), open(os.path.join(fresh, engine)).read(), re.M),
                          "%s in %s" % (m.group(3), engine))

            done = name + "_completed"
            selftest = os.path.join(build, done, "selftest")
            first = os.path.join(build, done, "tests", "test_first")
            r = run([selftest], timeout=300)
            check(f"{name}: completed, the wiring self-test passes", r.returncode == 0 and
                  r.stdout.rstrip().endswith("selftest: passed"), tail(r.stdout + r.stderr))
            r = run([selftest, "--flows"], timeout=300)
            started, nodes = instances(os.path.join(EXAMPLES, name.replace("_", "-") + ".moped"))
            check(f"{name}: completed, every flow test passes", r.returncode == 0 and
                  r.stdout.rstrip().endswith("selftest: passed") and
                  all(": ok (" in line for line in r.stdout.splitlines() if line.startswith("flow ")),
                  tail(r.stdout + r.stderr))
            check(f"{name}: the flow tests start each node as many times as the design runs it",
                  f"flows: {started} instances of {nodes} nodes, your handlers running" in r.stdout,
                  tail(r.stdout))
            r = run([first], timeout=300)
            check(f"{name}: completed, the user's test passes", r.returncode == 0 and
                  "first test: passed" in r.stdout, tail(r.stdout + r.stderr))
            if VALGRIND is None:
                check("valgrind is installed", False)
                continue
            for what, args in (("the flow tests", [selftest, "--flows"]), ("the user's test", [first])):
                r = run([VALGRIND, *VALGRIND_ARGS, *args], timeout=900)
                check(f"{name}: completed, {what} under valgrind: passed, no error, no leak",
                      r.returncode == 0, tail(r.stdout + r.stderr))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        print("1..%d" % len(results))
        for i, (name, ok, detail) in enumerate(results, 1):
            print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
            if not ok and detail:
                for line in str(detail).splitlines():
                    print("# " + line)
    sys.exit(0 if all(ok for _, ok, _ in results) else 1)


if __name__ == "__main__":
    main()
