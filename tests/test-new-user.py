#!/usr/bin/python3
# test-new-user.py: a new user builds a request-reply design from nothing and saves it, counting every input.
#
# SPDX-License-Identifier: MPL-2.0
#
#   tests/test-new-user.py PATH/TO/moped        (TAP on stdout)
#
# The design: two nodes, a socket on each, one link with its endpoint, one protocol with
# two commands, one flow of two steps, one requirement. The target: at most 40 inputs
# from an empty window to a saved file that `moped check` finds clean.
#
# How inputs are counted (every one, honestly):
#   - a key press, with or without modifiers (Alt+N, Return, Ctrl+S), is one input;
#   - typing a word or name is one input (as one types it without looking away);
#   - a click is one input: a click on a control is made through the control's AT-SPI
#     action (GTK 4.8 gives only approximate positions to AT-SPI), a click on the
#     canvas with xdotool at a place worked out from the window's geometry;
#   - waiting, looking and reading the screen (AT-SPI look-ups) are not inputs.
# Nothing is set through AT-SPI's text or value interfaces: text arrives as typed keys.
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moped_session as ms  # noqa: E402

MAX_INPUTS = 40


class User:
    """Real input to the app, counted."""

    def __init__(self, pyatspi, app, tap):
        self.pyatspi = pyatspi
        self.app = app
        self.tap = tap
        self.inputs = []

    def _count(self, what):
        self.inputs.append(what)
        time.sleep(0.3)  # a person's pace; the app has drawn the result before the next input

    def key(self, keys):
        ms.xdotool("key", keys)
        self._count("key " + keys)

    def type(self, text):
        ms.xdotool("type", "--delay", "15", text)
        self._count("type " + text)

    def click_control(self, roles, name):
        """Clicks the control named @name; None (and nothing counted) when there is none."""
        control = ms.wait_for(lambda: ms.find(self.pyatspi, self.app, roles, name, showing=False), timeout=15)
        if control is None or not control.queryAction().doAction(0):
            return None
        self._count("click " + name)
        return control

    def click_at(self, x, y, what):
        ms.xdotool("mousemove", "--sync", x, y)
        time.sleep(0.3)  # the hand reaches the spot, then clicks
        ms.xdotool("click", 1)
        self._count("click " + what)


def window_geometry(window):
    return dict(line.split("=") for line in ms.xdotool_out("getwindowgeometry", "--shell", window).split())


def exists(pyatspi, app, roles, name):
    return ms.find(pyatspi, app, roles, name, need_action=False, showing=False) is not None


def first_offered(pyatspi, app):
    """The first item of the socket type menu now shown (REP when it answers a lone REQ)."""
    for item in ms.find_all(pyatspi, app, lambda a: a.getRoleName() == "menu item" and a.name == "REP"):
        parent = item.parent
        if parent is not None and parent.childCount > 0:
            return parent.getChildAtIndex(0).name
    return None


def run(moped, tap):
    import pyatspi

    work = ms.work_dir("moped-new-user-")
    design = os.path.join(work, "reqrep.moped")
    # A new user starts the editor without a file; its Save dialog opens in the folder
    # the editor was started in.
    env = ms.app_env(work)
    process = subprocess.Popen([moped], cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        app = ms.wait_for(lambda: ms.find_app(pyatspi))
        if not tap.report(app is not None, "moped starts with an empty window"):
            tap.bail("moped did not show up")
        window = ms.wait_for(lambda: ms.xdotool_out("search", "--onlyvisible", "--name", "Untitled Design").split()[0])
        ms.xdotool("windowfocus", "--sync", window)
        # The hand starts off the mouse, which rests outside the window (a pointer left
        # over a menu that opens under it would choose its item for the keyboard).
        ms.xdotool("mousemove", "--sync", 1275, 895)
        ms.wait_for(lambda: exists(pyatspi, app, ("push button",), "Zoom to Fit"))
        user = User(pyatspi, app, tap)
        menu = ("menu item",)
        button = ("push button",)
        tab = ("page tab",)

        # The diagram, from the keyboard: a node named as it appears, a socket chosen
        # from the types offered, and the same for the server, whose menu offers REP
        # first (it answers the client's REQ); Alt+L links it to the REQ.
        user.key("alt+n")
        user.type("client")
        user.key("alt+s")
        user.click_control(menu, "REQ")
        user.key("alt+n")
        user.type("server")
        user.key("alt+s")
        ms.wait_for(lambda: first_offered(pyatspi, app) == "REP", timeout=15)
        user.key("Return")
        user.key("alt+l")
        ms.wait_for(lambda: pyatspi.findDescendant(app, lambda a: a is not None and a.getRoleName() == "menu item"
                                                    and (a.name or "").startswith("client.req")), timeout=15)
        user.key("Return")
        linked = ms.wait_for(lambda: exists(pyatspi, app, button, "New Protocol for This Link"), timeout=15)
        tap.report(linked, "two nodes with a socket each and a link between them, drawn from the keyboard",
                   "\n".join(ms.describe_tree(app)))

        # The link makes its protocol; the Protocols page takes two commands and a flow
        # whose two steps the editor fills in (client sends HELLO, server answers WORLD).
        user.click_control(button, "New Protocol for This Link")
        user.click_control(tab, "Protocols")
        user.click_control(button, "Add command")
        user.type("HELLO")
        user.click_control(button, "Add command")
        user.type("WORLD")
        user.click_control(tab, "Flows")
        user.click_control(button, "Add flow")
        user.click_control(button, "Add step")
        user.click_control(button, "Add step")

        # Back on the diagram, a click on empty canvas shows the design, whose
        # Requirements section adds one with its name ready to type.
        user.click_control(tab, "Diagram")
        geometry = window_geometry(window)
        user.click_at(int(geometry["X"]) + 60, int(geometry["Y"]) + int(geometry["HEIGHT"]) - 60, "empty canvas")
        user.click_control(button, "Add requirement")
        user.type("Replies per second")

        # Save: Ctrl+S asks for a name (in the folder the editor started in).
        user.key("ctrl+s")
        ms.wait_for(lambda: exists(pyatspi, app, ("push button",), "Save") and
                    exists(pyatspi, app, ("push button",), "Cancel"), timeout=15)
        user.type("reqrep")
        user.key("Return")
        saved = ms.wait_for(lambda: os.path.exists(design) and "<requirement " in open(design, encoding="utf-8").read(),
                            timeout=15)

        count = len(user.inputs)
        tap.note("inputs: %d (at most %d)" % (count, MAX_INPUTS))
        for i, what in enumerate(user.inputs, 1):
            tap.note("%2d. %s" % (i, what))
        text = open(design, encoding="utf-8").read() if saved else ""
        shape = {
            "nodes": ms.count_lines(design, "<node ") if saved else 0,
            "sockets": ms.count_lines(design, "<socket ") if saved else 0,
            "links with an endpoint": text.count('endpoint="'),
            "protocols": ms.count_lines(design, "<protocol ") if saved else 0,
            "commands": ms.count_lines(design, "<command ") if saved else 0,
            "flows": ms.count_lines(design, "<flow ") if saved else 0,
            "steps": ms.count_lines(design, "<step ") if saved else 0,
            "requirements": ms.count_lines(design, "<requirement ") if saved else 0,
        }
        expected = {"nodes": 2, "sockets": 2, "links with an endpoint": 1, "protocols": 1, "commands": 2,
                    "flows": 1, "steps": 2, "requirements": 1}
        tap.report(saved and shape == expected,
                   "the saved file holds the request-reply design (%s)" % shape, text)
        tap.report('type="REQ"' in text and 'type="REP"' in text and 'protocol="' in text,
                   "a REQ and a REP socket, and the link carries the protocol", text)
        tap.report(count <= MAX_INPUTS, "built and saved in %d inputs (at most %d)" % (count, MAX_INPUTS))
        check = subprocess.run([moped, "check", design], capture_output=True, text=True, timeout=60)
        tap.report(saved and check.returncode == 0 and "0 errors, 0 warnings" in check.stdout + check.stderr,
                   "moped check finds the file clean", check.stdout + check.stderr)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(ms.main(__file__, run, 6, programs=(("xdotool", "xdotool"),)))
