#!/usr/bin/python3
# test-share.py: two editors in two processes on one X display share a design live.
#
# SPDX-License-Identifier: MPL-2.0
#
#   tests/test-share.py PATH/TO/moped        (TAP on stdout)
#
# One editor opens a design and Shares it (loopback only: MOPED_SHARE_BIND), the other
# Joins with the invite link read from the Share dialog through AT-SPI. Edits made
# with each window's own buttons must show in the other's canvas (its accessible
# description counts the nodes) and in the host's saved file; each person's Undo takes
# back only their own step.
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moped_session as ms  # noqa: E402

PLANNED = 12


def apps_by_pid(pyatspi):
    desktop = pyatspi.Registry.getDesktop(0)
    found = {}
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and (app.name or "").lower() == "moped":
            found[app.get_process_id()] = app
    return found


def canvas_description(pyatspi, app):
    canvas = pyatspi.findDescendant(app, lambda a: a is not None and (a.name or "") == "Design canvas")
    return canvas.description if canvas is not None else None


def canvas_nodes(pyatspi, app):
    canvas = ms.find(pyatspi, app, ("drawing area", "canvas", "panel", "unknown", "image", "filler"),
                     "Design canvas", need_action=False, showing=False)
    if canvas is None:
        canvas = pyatspi.findDescendant(app, lambda a: a is not None and (a.name or "") == "Design canvas")
    if canvas is None:
        return None
    m = re.match(r"(\d+) nodes?", canvas.description or "")
    return int(m.group(1)) if m else None


def click(pyatspi, app, roles, name):
    # GTK 4.8 does not keep the showing state of header bar controls reliably.
    button = ms.wait_for(lambda: ms.find(pyatspi, app, roles, name, showing=False), timeout=20)
    if button is None:
        return False
    button.queryAction().doAction(0)
    return True


def menu(pyatspi, app, label):
    """The main menu's item @label."""
    if not click(pyatspi, app, ("toggle button", "push button"), "Main Menu"):
        return False
    return click(pyatspi, app, ("menu item", "push button", "check menu item"), label)


def entry_text(acc):
    text = acc.queryText()
    return text.getText(0, text.characterCount)


def node_ids(path):
    with open(path, encoding="utf-8") as f:
        return re.findall(r'<node id="([^"]+)"', f.read())


def run(moped, tap):
    import pyatspi

    work = ms.work_dir("moped-share-")
    design = os.path.join(work, "hello.moped")
    shutil.copy(os.path.join(ms.examples_dir(), "hello.moped"), design)
    env_a = ms.app_env(os.path.join(work, "a"))
    env_b = ms.app_env(os.path.join(work, "b"))
    for env in (env_a, env_b):
        env["MOPED_SHARE_BIND"] = "tcp://127.0.0.1:*"
        env["MOPED_SHARE_ADVERTISE"] = "127.0.0.1"
    with ms.App(moped, [design], work, env_a) as a_proc, \
            ms.App(moped, ["--gapplication-app-id=org.moped.MopedSecondPerson"], work, env_b) as b_proc:
        apps = ms.wait_for(lambda: (lambda found: found if a_proc.process.pid in found and
                                    b_proc.process.pid in found else None)(apps_by_pid(pyatspi)))
        if not tap.report(apps is not None, "two editor processes appear on the accessibility bus"):
            tap.bail("stderr: %r %r" % (a_proc.stderr(), b_proc.stderr()))
        a, b = apps[a_proc.process.pid], apps[b_proc.process.pid]
        ms.wait_for(lambda: canvas_nodes(pyatspi, a) == 2 and canvas_nodes(pyatspi, b) == 0)

        # Share... in A shows a single-use invite link.
        tap.report(menu(pyatspi, a, "Share…"), "Share… is in the host's main menu")
        entry = ms.wait_for(lambda: ms.find(pyatspi, a, ("text", "entry"), "Invite link", need_action=False,
                                                 showing=False))
        link = ms.wait_for(lambda: entry is not None and entry_text(entry).startswith("moped://") and entry_text(entry))
        tap.report(link and "key=" in link and "token=" in link,
                   "the Share dialog shows an invite with the host's key and a token (%s)" % link)
        if not link:
            tap.bail("no invite: %s" % "\n".join(ms.describe_tree(a)))

        # Join... in B with that link opens the host's design.
        tap.report(menu(pyatspi, b, "Join…"), "Join… is in the main menu")
        field = ms.wait_for(lambda: ms.find(pyatspi, b, ("text", "entry"), "Invite link", need_action=False,
                                                 showing=False))
        if field is not None:
            field.queryEditableText().setTextContents(link)
        click(pyatspi, b, ("push button",), "Join")
        joined = ms.wait_for(lambda: canvas_nodes(pyatspi, b) == 2, timeout=30)
        tap.report(joined, "the joining editor shows the host's design (2 nodes)",
                   "B's canvas: %s" % canvas_nodes(pyatspi, b))

        roster = ms.wait_for(lambda: len(ms.find_all(pyatspi, a, lambda x: x.getRoleName() in ("list item", "row")
                                                     and ", editor" in (x.name or ""))) == 2)
        tap.report(roster, "the host's Share dialog lists both people as editors")

        # Presence: what B selects is drawn in A, in B's colour, and told to screen readers.
        window_b = ms.wait_for(lambda: ms.xdotool_out("search", "--onlyvisible", "--pid", b_proc.process.pid).split()[-1])
        ms.xdotool("windowraise", window_b)
        ms.xdotool("windowfocus", "--sync", window_b)
        geometry = dict(line.split("=") for line in ms.xdotool_out("getwindowgeometry", "--shell", window_b).split())
        # A spot of empty canvas gets the keyboard: a third across, near the bottom.
        ms.xdotool("mousemove", "--sync", int(geometry["X"]) + int(geometry["WIDTH"]) // 3,
                   int(geometry["Y"]) + int(geometry["HEIGHT"]) - 160)
        ms.xdotool("click", 1)
        ms.xdotool("key", "ctrl+a")
        described = ms.wait_for(lambda: re.search(r"has [1-9]\d* selected", canvas_description(pyatspi, a) or ""),
                                timeout=20)
        tap.report(described, "what the guest selects shows in the host's canvas",
                   "A's canvas: %s" % canvas_description(pyatspi, a))
        ms.xdotool("key", "Escape")

        # An edit in A is painted in B, and one in B reaches A.
        click(pyatspi, a, ("push button",), "Add Node")
        tap.report(ms.wait_for(lambda: canvas_nodes(pyatspi, b) == 3, timeout=20),
                   "a node added in the host's window appears in the guest's")
        # Saved through the host's window: the file has the node it made.
        menu(pyatspi, a, "Save")
        ms.wait_for(lambda: len(node_ids(design)) == 3, timeout=10)
        ids_a = set(node_ids(design)) - {"client", "server"}
        click(pyatspi, b, ("push button",), "Add Node")
        tap.report(ms.wait_for(lambda: canvas_nodes(pyatspi, a) == 4, timeout=20),
                   "a node added in the guest's window appears in the host's")

        # Each undo takes back its own person's step only.
        click(pyatspi, a, ("push button",), "Undo")
        both = ms.wait_for(lambda: canvas_nodes(pyatspi, a) == 3 and canvas_nodes(pyatspi, b) == 3, timeout=20)
        menu(pyatspi, a, "Save")
        ms.wait_for(lambda: len(node_ids(design)) == 3, timeout=10)
        left = set(node_ids(design)) - {"client", "server"}
        tap.report(both and len(ids_a) == 1 and len(left) == 1 and not (left & ids_a),
                   "the host's undo removes the host's node and keeps the guest's (%s made, %s left)" % (ids_a, left))
        click(pyatspi, b, ("push button",), "Undo")
        tap.report(ms.wait_for(lambda: canvas_nodes(pyatspi, a) == 2 and canvas_nodes(pyatspi, b) == 2, timeout=20),
                   "the guest's undo removes the guest's node, in both windows")
        menu(pyatspi, a, "Save")
        tap.report(ms.wait_for(lambda: sorted(node_ids(design)) == ["client", "server"], timeout=10),
                   "the host's saved file is back to the two nodes it started with", str(node_ids(design)))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(ms.main(__file__, run, PLANNED))
