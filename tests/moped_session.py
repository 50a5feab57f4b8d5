# moped_session.py: what the script tests that drive the real moped share: a private Xvfb
# and D-Bus session, TAP output, bounded waits, AT-SPI look-ups and xdotool input.
#
# SPDX-License-Identifier: MPL-2.0
#
# A test script calls main(run, planned) with its own run(moped, tap) function; main starts
# Xvfb and re-runs the script inside dbus-run-session, whose bus starts the AT-SPI bus.
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60.0


class Tap:
    """TAP lines on stdout, with a count of what was checked."""

    def __init__(self):
        self.results = []

    def report(self, ok, description, detail=None):
        self.results.append(bool(ok))
        print("%s %d - %s" % ("ok" if ok else "not ok", len(self.results), description), flush=True)
        if detail and not ok:
            for line in str(detail).splitlines():
                print("# " + line, flush=True)
        return ok

    def note(self, text):
        print("# " + text, flush=True)

    def bail(self, message):
        print("Bail out! " + message, flush=True)
        sys.exit(1)


def wait_for(predicate, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = predicate()
        except Exception:  # the tree changes under our feet while the app builds it
            value = None
        if value:
            return value
        time.sleep(0.1)
    return None


def find_app(pyatspi):
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and (app.name or "").lower() == "moped":
            return app
    return None


def actionable(acc):
    try:
        return acc.queryAction().nActions > 0
    except NotImplementedError:
        return False


def find(pyatspi, root, roles, name, need_action=True, showing=True):
    """The (showing) control with one of @roles and accessible name @name."""
    def matches(acc):
        if acc is None or acc.getRoleName() not in roles or (acc.name or "") != name:
            return False
        if showing and not acc.getState().contains(pyatspi.STATE_SHOWING):
            return False
        return actionable(acc) if need_action else True
    return pyatspi.findDescendant(root, matches)


def find_all(pyatspi, root, predicate):
    out = []

    def walk(acc, depth=0):
        if acc is None or depth > 60:
            return
        try:
            if predicate(acc):
                out.append(acc)
            for i in range(acc.childCount):
                walk(acc.getChildAtIndex(i), depth + 1)
        except Exception:
            pass
    walk(root)
    return out


def describe_tree(root, depth=0, lines=None, limit=400):
    if lines is None:
        lines = []
    if root is None or len(lines) > limit:
        return lines
    lines.append("%s%s %r" % ("  " * depth, root.getRoleName(), root.name))
    for i in range(root.childCount):
        describe_tree(root.getChildAtIndex(i), depth + 1, lines, limit)
    return lines


def count_lines(path, prefix):
    """How many lines of the file at @path start (after indentation) with @prefix."""
    with open(path, encoding="utf-8") as f:
        return sum(1 for line in f if line.lstrip().startswith(prefix))


def xdotool(*args):
    subprocess.run(["xdotool"] + [str(a) for a in args], check=True, timeout=30)


def xdotool_out(*args):
    return subprocess.run(["xdotool"] + [str(a) for a in args], check=True, timeout=30,
                          capture_output=True, text=True).stdout.strip()


def app_env(work):
    env = dict(os.environ)
    env.pop("GTK_A11Y", None)
    env.update({
        "GDK_BACKEND": "x11",
        "GSK_RENDERER": env.get("GSK_RENDERER", "cairo"),
        "GSETTINGS_BACKEND": "memory",
        "XDG_STATE_HOME": os.path.join(work, "state"),
        "XDG_DATA_HOME": os.path.join(work, "data"),
        "XDG_CONFIG_HOME": os.path.join(work, "config"),
    })
    return env


class App:
    """The moped program on a design, stopped when the block ends."""

    def __init__(self, moped, args, work, env=None):
        self.process = subprocess.Popen([moped] + list(args), env=env or app_env(work),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return False

    def stderr(self):
        try:
            return self.process.stderr.read1(4000)
        except Exception:
            return b""


def examples_dir():
    return os.environ.get("MOPED_EXAMPLES") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "examples")


def work_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def start_xvfb(tap, size="1280x900x24"):
    """A private X server; it picks a free display and says which when it is ready.

    -noreset: without it the server resets when its first client (the AT-SPI bus
    launcher) disconnects, racing moped's own connection ("cannot open display")."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", size,
                             "-noreset", "-nolisten", "tcp"], pass_fds=(write_end,), stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        display = f.readline().strip()
    if not display:
        tap.bail("Xvfb did not start")
    os.environ["DISPLAY"] = ":" + display
    return xvfb


def run_in_session(script, moped):
    """@script again, inside a private D-Bus session."""
    env = dict(os.environ, MOPED_SESSION_INNER="1")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    # Services the bus starts share its output: keep only the TAP lines on stdout.
    inner = subprocess.Popen(["dbus-run-session", "--", sys.executable, script, moped],
                             env=env, stdout=subprocess.PIPE, text=True)
    for line in inner.stdout:
        out = sys.stdout if line.startswith(("ok ", "not ok ", "1..", "#", "Bail out!")) else sys.stderr
        out.write(line)
        out.flush()
    return inner.wait()


def main(script, run, planned, programs=(), screen="1280x900x24"):
    """Run @run(moped, tap) under a private Xvfb and D-Bus session; @planned TAP lines."""
    tap = Tap()
    if len(sys.argv) != 2:
        print("usage: %s PATH/TO/moped" % os.path.basename(script), file=sys.stderr)
        return 2
    moped = os.path.abspath(sys.argv[1])
    if os.environ.get("MOPED_SESSION_INNER") != "1":
        for program, package in (("Xvfb", "xvfb"), ("dbus-run-session", "dbus")) + tuple(programs):
            if shutil.which(program) is None:
                tap.bail("%s is not installed (%s)" % (program, package))
        xvfb = start_xvfb(tap, screen)
        try:
            return run_in_session(os.path.abspath(script), moped)
        finally:
            xvfb.terminate()
            xvfb.wait()
    try:
        import pyatspi  # noqa: F401
    except ImportError:
        tap.bail("pyatspi is not installed (python3-pyatspi, gir1.2-atspi-2.0)")
    print("1..%d" % planned, flush=True)
    run(moped, tap)
    return 0 if all(tap.results) and len(tap.results) == planned else 1
