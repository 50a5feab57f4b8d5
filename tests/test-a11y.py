#!/usr/bin/python3
# test-a11y.py: the real moped under Xvfb, driven through AT-SPI as a screen reader user would: add a node, save, check the file.
#
# SPDX-License-Identifier: MPL-2.0
#
#   tests/test-a11y.py PATH/TO/moped        (TAP on stdout)
#
# Starts its own Xvfb (the server picks a free display) and its own D-Bus session with
# dbus-run-session, whose bus starts the AT-SPI bus by itself. Controls are
# found by accessible role and name only, and used through their AT-SPI actions: GTK
# 4.8 reports only approximate positions, so nothing is clicked by coordinates.
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60.0
results = []


def report(ok, description, detail=None):
    results.append(ok)
    print("%s %d - %s" % ("ok" if ok else "not ok", len(results), description), flush=True)
    if detail and not ok:
        for line in str(detail).splitlines():
            print("# " + line, flush=True)
    return ok


def bail(message):
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


def count_nodes(path):
    with open(path, encoding="utf-8") as f:
        return sum(1 for line in f if line.lstrip().startswith("<node "))


def find_app(pyatspi):
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and (app.name or "").lower() == "moped":
            return app
    return None


def find(pyatspi, root, roles, name):
    """The control with one of @roles and accessible name @name that can be acted on."""
    def matches(acc):
        if acc is None or acc.getRoleName() not in roles or (acc.name or "") != name:
            return False
        try:
            return acc.queryAction().nActions > 0
        except NotImplementedError:
            return False
    return pyatspi.findDescendant(root, matches)


def describe_tree(root, depth=0, lines=None, limit=400):
    if lines is None:
        lines = []
    if root is None or len(lines) > limit:
        return lines
    lines.append("%s%s %r" % ("  " * depth, root.getRoleName(), root.name))
    for i in range(root.childCount):
        describe_tree(root.getChildAtIndex(i), depth + 1, lines, limit)
    return lines


def run(moped):
    import pyatspi

    work = tempfile.mkdtemp(prefix="moped-a11y-")
    examples = os.environ.get("MOPED_EXAMPLES") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "examples")
    design = os.path.join(work, "hello.moped")
    shutil.copy(os.path.join(examples, "hello.moped"), design)
    before = count_nodes(design)

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
    app_process = subprocess.Popen([moped, design], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
    try:
        app = wait_for(lambda: find_app(pyatspi))
        if not report(app is not None, "moped appears on the accessibility bus"):
            bail("moped did not show up; its stderr: %r" % app_process.stderr.read1(4000))

        frame = wait_for(lambda: pyatspi.findDescendant(
            app, lambda a: a is not None and a.getRoleName() == "frame" and "Hello World" in (a.name or "")))
        report(frame is not None, "its window is named after the design")

        add_node = wait_for(lambda: find(pyatspi, app, ("push button",), "Add Node"))
        if not report(add_node is not None, "the Add Node button is found by role and name",
                      "\n".join(describe_tree(app))):
            bail("no Add Node button")
        names = [add_node.queryAction().getName(i) for i in range(add_node.queryAction().nActions)]
        report(len(names) > 0, "the Add Node button has an action (%s)" % ", ".join(names))
        add_node.queryAction().doAction(0)

        marked = wait_for(lambda: "•" in (frame.name or ""), timeout=10)
        report(marked is not None, "the title shows the unsaved-changes mark after adding a node",
               frame.name if frame else None)

        # GTK 4.8 shows a menu button as a push button holding the one that acts.
        menu_button = wait_for(lambda: find(pyatspi, app, ("push button", "toggle button"), "Main Menu"))
        if not report(menu_button is not None, "the Main Menu button is found by role and name",
                      "\n".join(describe_tree(app))):
            bail("no main menu")
        menu_button.queryAction().doAction(0)

        save = wait_for(lambda: find(pyatspi, app, ("menu item", "push button"), "Save"))
        if not report(save is not None, "the Save menu item is found by role and name",
                      "\n".join(describe_tree(app))):
            bail("no Save item")
        save.queryAction().doAction(0)

        saved = wait_for(lambda: count_nodes(design) == before + 1, timeout=10)
        report(saved is not None, "the saved file has one node more (%d, was %d)" % (count_nodes(design), before))
        report(wait_for(lambda: "•" not in (frame.name or ""), timeout=10) is not None,
               "the unsaved-changes mark is gone after saving", frame.name if frame else None)
    finally:
        app_process.terminate()
        try:
            app_process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app_process.kill()
        shutil.rmtree(work, ignore_errors=True)


def start_xvfb():
    """A private X server; it picks a free display and says which when it is ready.

    -noreset: without it the server resets when its first client (the AT-SPI bus
    launcher) disconnects, racing the app's own connection ("cannot open display")."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x900x24", "-noreset",
                             "-nolisten", "tcp"], pass_fds=(write_end,), stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        display = f.readline().strip()
    if not display:
        bail("Xvfb did not start")
    os.environ["DISPLAY"] = ":" + display
    return xvfb


def run_in_session(moped):
    """This script again, inside a private D-Bus session."""
    env = dict(os.environ, MOPED_A11Y_INNER="1")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    # Services the bus starts share its output: keep only the TAP lines on stdout.
    inner = subprocess.Popen(["dbus-run-session", "--", sys.executable, os.path.abspath(__file__), moped],
                             env=env, stdout=subprocess.PIPE, text=True)
    for line in inner.stdout:
        out = sys.stdout if line.startswith(("ok ", "not ok ", "1..", "#", "Bail out!")) else sys.stderr
        out.write(line)
        out.flush()
    return inner.wait()


def main():
    if len(sys.argv) != 2:
        print("usage: test-a11y.py PATH/TO/moped", file=sys.stderr)
        return 2
    moped = os.path.abspath(sys.argv[1])
    if os.environ.get("MOPED_A11Y_INNER") != "1":
        for program, package in (("Xvfb", "xvfb"), ("dbus-run-session", "dbus")):
            if shutil.which(program) is None:
                bail("%s is not installed (%s)" % (program, package))
        xvfb = start_xvfb()
        try:
            return run_in_session(moped)
        finally:
            xvfb.terminate()
            xvfb.wait()
    try:
        import pyatspi  # noqa: F401
    except ImportError:
        bail("pyatspi is not installed (python3-pyatspi, gir1.2-atspi-2.0)")
    print("1..9", flush=True)
    run(moped)
    return 0 if all(results) and len(results) == 9 else 1


if __name__ == "__main__":
    sys.exit(main())
