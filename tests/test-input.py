#!/usr/bin/python3
# test-input.py: the real moped under Xvfb, given real X input with xdotool and read back through AT-SPI.
#
# SPDX-License-Identifier: MPL-2.0
#
#   tests/test-input.py PATH/TO/moped        (TAP on stdout)
#
# What only real input shows: the modifier state X11 sends with each event, and the
# names a screen reader hears for every button.
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moped_session as ms  # noqa: E402


def zoom_of(pyatspi, app):
    reset = ms.find(pyatspi, app, ("push button",), "Reset Zoom", showing=False)
    return reset.description if reset is not None else None


def doubled(name):
    """A name read twice ("Open Open"), or with its mnemonic underline ("_Open")."""
    words = name.split()
    half = len(words) // 2
    if half > 0 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return True
    return re.search(r"(^|\s)_\w", name) is not None


def run(moped, tap):
    import pyatspi

    work = ms.work_dir("moped-input-")
    design = os.path.join(work, "hello.moped")
    shutil.copy(os.path.join(ms.examples_dir(), "hello.moped"), design)
    with ms.App(moped, [design], work) as app_process:
        app = ms.wait_for(lambda: ms.find_app(pyatspi))
        if not tap.report(app is not None, "moped appears on the accessibility bus"):
            tap.bail("moped did not show up; its stderr: %r" % app_process.stderr())
        ms.wait_for(lambda: zoom_of(pyatspi, app))

        # Every control is named once, without its mnemonic mark.
        controls = ms.find_all(pyatspi, app, lambda a: a.getRoleName() in (
            "push button", "toggle button", "menu item", "check box", "radio button"))
        bad = [c.name for c in controls if doubled(c.name or "")]
        tap.report(len(controls) > 20 and not bad,
                   "no control is named twice or with its underline (%d controls)" % len(controls),
                   "\n".join(bad))

        window = ms.wait_for(lambda: ms.xdotool_out("search", "--onlyvisible", "--name", "Hello World").split()[0])
        ms.xdotool("windowfocus", "--sync", window)
        # A spot of empty canvas: a third across and near the bottom of the window.
        geometry = dict(line.split("=") for line in ms.xdotool_out("getwindowgeometry", "--shell", window).split())
        x = int(geometry["X"]) + int(geometry["WIDTH"]) // 3
        y = int(geometry["Y"]) + int(geometry["HEIGHT"]) - 160
        ms.xdotool("mousemove", "--sync", x, y)
        ms.xdotool("click", 1)
        before = zoom_of(pyatspi, app)

        ms.xdotool("keydown", "ctrl")
        ms.xdotool("click", 4)
        ms.xdotool("keyup", "ctrl")
        zoomed = ms.wait_for(lambda: zoom_of(pyatspi, app) != before and zoom_of(pyatspi, app), timeout=10)
        tap.report(zoomed is not None, "Ctrl+wheel zooms (%s, was %s)" % (zoomed, before))

        for _ in range(3):
            ms.xdotool("click", 5)
        ms.wait_for(lambda: False, timeout=1.0)  # give the wheel events time to arrive
        after = zoom_of(pyatspi, app)
        tap.report(after == zoomed, "after Ctrl is released the wheel scrolls, not zooms (%s, was %s)" % (after, zoomed))

        # A new node's name is typed at once, with real keys; letters are text, never
        # commands (before, "g" toggled snapping and "t" dropped a note).
        before_nodes, before_notes = ms.count_lines(design, "<node "), ms.count_lines(design, "<note ")
        ms.xdotool("key", "alt+n")
        ms.xdotool("type", "--delay", "20", "gateway")
        ms.xdotool("key", "Return")
        ms.xdotool("key", "ctrl+s")
        saved = ms.wait_for(lambda: ms.count_lines(design, "<node ") == before_nodes + 1, timeout=10)
        text = open(design, encoding="utf-8").read()
        tap.report(saved and 'name="gateway"' in text and ms.count_lines(design, "<note ") == before_notes,
                   "Alt+N then typing names the new node and nothing else happens", text[-800:])
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(ms.main(__file__, run, 5, programs=(("xdotool", "xdotool"),)))
