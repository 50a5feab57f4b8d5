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
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moped_session as ms  # noqa: E402


def run(moped, tap):
    import pyatspi

    work = ms.work_dir("moped-a11y-")
    design = os.path.join(work, "hello.moped")
    shutil.copy(os.path.join(ms.examples_dir(), "hello.moped"), design)
    before = ms.count_lines(design, "<node ")

    with ms.App(moped, [design], work) as app_process:
        app = ms.wait_for(lambda: ms.find_app(pyatspi))
        if not tap.report(app is not None, "moped appears on the accessibility bus"):
            tap.bail("moped did not show up; its stderr: %r" % app_process.stderr())

        frame = ms.wait_for(lambda: pyatspi.findDescendant(
            app, lambda a: a is not None and a.getRoleName() == "frame" and "Hello World" in (a.name or "")))
        tap.report(frame is not None, "its window is named after the design")

        add_node = ms.wait_for(lambda: ms.find(pyatspi, app, ("push button",), "Add Node", showing=False))
        if not tap.report(add_node is not None, "the Add Node button is found by role and name",
                          "\n".join(ms.describe_tree(app))):
            tap.bail("no Add Node button")
        names = [add_node.queryAction().getName(i) for i in range(add_node.queryAction().nActions)]
        tap.report(len(names) > 0, "the Add Node button has an action (%s)" % ", ".join(names))
        add_node.queryAction().doAction(0)

        marked = ms.wait_for(lambda: "•" in (frame.name or ""), timeout=10)
        tap.report(marked is not None, "the title shows the unsaved-changes mark after adding a node",
                   frame.name if frame else None)

        # GTK 4.8 shows a menu button as a push button holding the one that acts.
        menu_button = ms.wait_for(lambda: ms.find(pyatspi, app, ("push button", "toggle button"), "Main Menu",
                                                  showing=False))
        if not tap.report(menu_button is not None, "the Main Menu button is found by role and name",
                          "\n".join(ms.describe_tree(app))):
            tap.bail("no main menu")
        menu_button.queryAction().doAction(0)

        save = ms.wait_for(lambda: ms.find(pyatspi, app, ("menu item", "push button"), "Save", showing=False))
        if not tap.report(save is not None, "the Save menu item is found by role and name",
                          "\n".join(ms.describe_tree(app))):
            tap.bail("no Save item")
        save.queryAction().doAction(0)

        saved = ms.wait_for(lambda: ms.count_lines(design, "<node ") == before + 1, timeout=10)
        tap.report(saved is not None, "the saved file has one node more (%d, was %d)"
                   % (ms.count_lines(design, "<node "), before))
        tap.report(ms.wait_for(lambda: "•" not in (frame.name or ""), timeout=10) is not None,
                   "the unsaved-changes mark is gone after saving", frame.name if frame else None)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(ms.main(__file__, run, 9))
