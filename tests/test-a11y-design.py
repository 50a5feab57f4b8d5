#!/usr/bin/python3
# test-a11y-design.py: a request-reply design built from nothing through AT-SPI alone, as a screen reader user would.
#
# SPDX-License-Identifier: MPL-2.0
#
#   tests/test-a11y-design.py PATH/TO/moped        (TAP on stdout)
#
# No coordinates, no keys: every control is found by role and accessible name and
# used through its AT-SPI action, selection or text interface. The canvas is drawn by
# hand, so its nodes, sockets and links are reached through the Outline beside it,
# which mirrors the design and shares the canvas's selection.
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moped_session as ms  # noqa: E402

EMPTY = '<?xml version="1.0" encoding="UTF-8"?>\n<design format="2" name="Two Nodes"/>\n'


def outline_list(pyatspi, app):
    return pyatspi.findDescendant(app, lambda a: a is not None and a.getRoleName() == "list"
                                  and a.name == "Design Outline")


def row_names(outline):
    return [outline.getChildAtIndex(i).name for i in range(outline.childCount)]


def select_row(outline, pattern):
    """Selects only the outline row whose spoken name matches @pattern, through AT-SPI's selection."""
    for i in range(outline.childCount):
        if re.match(pattern, outline.getChildAtIndex(i).name or ""):
            selection = outline.querySelection()
            return selection.clearSelection() and selection.selectChild(i)
    return False


def click(acc):
    return acc is not None and acc.queryAction().doAction(0)


def menu_item(pyatspi, app, name):
    return ms.wait_for(lambda: ms.find(pyatspi, app, ("menu item", "push button"), name, showing=False), timeout=10)


def name_entry(pyatspi, app):
    """The inspector's Name field: the first in the tree, above the node's sockets' own."""
    return pyatspi.findDescendant(app, lambda a: a is not None and a.getRoleName() in ("text", "entry")
                                  and a.name == "Name" and a.getState().contains(pyatspi.STATE_EDITABLE))


def rename_selected(pyatspi, app, name):
    entry = ms.wait_for(lambda: name_entry(pyatspi, app), timeout=10)
    if entry is None:
        return False
    return entry.queryEditableText().setTextContents(name)


def run(moped, tap):
    import pyatspi

    work = ms.work_dir("moped-a11y-design-")
    design = os.path.join(work, "two.moped")
    with open(design, "w", encoding="utf-8") as f:
        f.write(EMPTY)
    with ms.App(moped, [design], work) as app_process:
        app = ms.wait_for(lambda: ms.find_app(pyatspi))
        if not tap.report(app is not None, "moped appears on the accessibility bus"):
            tap.bail("moped did not show up; its stderr: %r" % app_process.stderr())

        # GTK 4.8 never marks the header bar's controls as showing.
        switch = ms.wait_for(lambda: ms.find(pyatspi, app, ("page tab",), "Outline", showing=False))
        click(switch)
        outline = ms.wait_for(lambda: outline_list(pyatspi, app))
        # GTK 4.8 never marks the header bar's controls as showing.
        add_node = ms.wait_for(lambda: ms.find(pyatspi, app, ("push button",), "Add Node", showing=False))
        rows = None
        if outline is not None and add_node is not None:
            click(add_node)
            ms.wait_for(lambda: len(row_names(outline)) == 1, timeout=10)
            click(add_node)
            rows = ms.wait_for(lambda: len(row_names(outline)) == 2 and row_names(outline), timeout=10)
        if not tap.report(rows and all(r.startswith("Node ") for r in rows),
                          "the outline lists the two new nodes by name (%s)" % rows,
                          "\n".join(ms.describe_tree(app))):
            tap.bail("no outline")

        for node, type_name in ((rows[0], "REQ"), (rows[1], "REP")):
            new_name = "client" if type_name == "REQ" else "server"
            ok = select_row(outline, re.escape(node)) and rename_selected(pyatspi, app, new_name)
            renamed = ms.wait_for(lambda: any(n.startswith("Node %s," % new_name) for n in row_names(outline)), timeout=10)
            tap.report(ok and renamed, "a node found in the outline is renamed %s through the inspector" % new_name,
                       "\n".join(row_names(outline or [])) if outline else None)
            add_socket = ms.wait_for(lambda: ms.find(pyatspi, app, ("push button", "toggle button"), "Add Socket", showing=False))
            click(add_socket)
            click(menu_item(pyatspi, app, type_name))
            added = ms.wait_for(lambda: any(re.match(r"Socket \S+, %s, \w+, on %s$" % (type_name, new_name), n)
                                            for n in row_names(outline)), timeout=10)
            tap.report(added, "the outline's Add Socket menu adds a %s socket to %s" % (type_name, new_name),
                       "\n".join(row_names(outline)))

        ok = select_row(outline, r"Socket \S+, REQ, .* on client$")
        link_to = ms.wait_for(lambda: ms.find(pyatspi, app, ("push button", "toggle button"), "Link To", showing=False))
        click(link_to)
        target = ms.wait_for(lambda: pyatspi.findDescendant(
            app, lambda a: a is not None and a.getRoleName() == "menu item" and (a.name or "").startswith("server.")
            and "(REP)" in (a.name or "")), timeout=10)
        click(target)
        linked = ms.wait_for(lambda: any(n.startswith("Link client.") and " → server." in n
                                         for n in row_names(outline)), timeout=10)
        tap.report(ok and target is not None and linked,
                   "Link To lists the server's REP socket for the client's REQ, and links them",
                   "\n".join(row_names(outline) + ["selected %s target %s" % (ok, target)] + [
                       "%s %r" % (a.getRoleName(), a.name) for a in ms.find_all(
                           pyatspi, app, lambda a: a.getRoleName() == "menu item")]))

        click(ms.wait_for(lambda: ms.find(pyatspi, app, ("push button", "toggle button"), "Main Menu", showing=False)))
        click(menu_item(pyatspi, app, "Save"))
        saved = ms.wait_for(lambda: "<link " in open(design, encoding="utf-8").read(), timeout=10)
        text = open(design, encoding="utf-8").read()
        tap.report(saved and 'name="client"' in text and 'name="server"' in text and 'type="REQ"' in text
                   and 'type="REP"' in text, "the saved file has both nodes, their sockets and the link", text)
        check = subprocess.run([moped, "check", design], capture_output=True, text=True, timeout=60)
        tap.report(check.returncode == 0 and "error" not in check.stdout.lower(),
                   "moped check finds no error in it", check.stdout + check.stderr)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(ms.main(__file__, run, 9))
