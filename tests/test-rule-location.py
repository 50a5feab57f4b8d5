#!/usr/bin/env python3
"""test-rule-location.py: per-socket-type rules live in the socket-type table only.

TAP output; argv[1] (the moped binary) is not used: this reads the source tree
(MOPED_SOURCE_DIR, else the folder above this script). A rule about one socket type
written outside model/moped-socket-type.c ("if the socket is a SUB ...", a
comparison with the pattern text "publish-subscribe") is a second copy of a fact that will drift: add a
column or a query function to the table instead. UI defaults are allowed as a
#define whose name says DEFAULT.
"""
import os
import re
import sys

SOURCE = os.environ.get("MOPED_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join("model", "moped-socket-type.c")
TABLE_HEADER = os.path.join("model", "moped-socket-type.h")
PRODUCT = ("model", "export", "ui", "app", "collab")

results = []


def check(name, condition, detail=""):
    results.append((name, condition, detail))


def read(path):
    with open(os.path.join(SOURCE, path), encoding="utf-8") as f:
        return f.read()


def product_files():
    for folder in PRODUCT:
        root = os.path.join(SOURCE, folder)
        if not os.path.isdir(root):
            continue
        for dirpath, _, names in os.walk(root):
            for name in sorted(names):
                if name.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(dirpath, name), SOURCE)


def table_facts():
    """The type names and pattern texts, read from the table itself."""
    table = read(TABLE)
    rows = re.findall(r'\{ MOPED_SOCKET_(\w+), "(\w+)", "(ZMQ_\w+)",.*?"([^"]*)",\s*"[^"]*"(?:,\s*\.\w+ = \w+)* \}', table, re.S)
    return [row[0] for row in rows], sorted({row[3] for row in rows})


def strip_comments(text):
    """The text with its comments blanked (line numbers kept); strings stay, even
    those holding "/*" or "//" (tcp://*:5555)."""
    def blank(match):
        return match.group(1) or re.sub(r"[^\n]", " ", match.group(0))
    return re.sub(r'("(?:\\.|[^"\\\n])*")|/\*.*?\*/|//[^\n]*', blank, text, flags=re.S)


def offences(text, patterns):
    """(line number, line) of each line matching one of patterns, ignoring comments
    and UI defaults."""
    found = []
    lines = text.split("\n")
    for number, code in enumerate(strip_comments(text).split("\n"), 1):
        if re.match(r"\s*#define\s+\w*DEFAULT\w*\s", code):
            continue
        if any(re.search(p, code) for p in patterns):
            found.append((number, lines[number - 1].strip()))
    return found


def test_table_is_read():
    types, patterns = table_facts()
    check("the table lists every socket type", len(types) == 20, "found %d" % len(types))
    check("the table lists the patterns", "publish-subscribe" in patterns and "request-reply" in patterns,
          ", ".join(patterns))


def test_no_type_rules_in_product_code():
    types, patterns = table_facts()
    names = r"\bMOPED_SOCKET_(%s)\b" % "|".join(types)
    quoted_patterns = [re.escape('"%s"' % p) for p in patterns]
    quoted_types = [r'"(?:ZMQ_)?(%s)"' % "|".join(types)]
    bad = []
    for path in product_files():
        if path in (TABLE, TABLE_HEADER):
            continue
        for number, line in offences(read(path), [names] + quoted_patterns + quoted_types):
            bad.append("%s:%d: %s" % (path, number, line))
    check("no socket type named outside the table (ask a column or query instead)", not bad,
          "\n".join(bad))


def test_the_check_finds_a_rule():
    """The scanner itself: a planted rule is found, comments and defaults are not."""
    types, patterns = table_facts()
    names = r"\bMOPED_SOCKET_(%s)\b" % "|".join(types)
    planted = ("/* a SUB, MOPED_SOCKET_SUB in a comment */\n"
               "  connect (\"tcp://*:5555\"); // MOPED_SOCKET_PUB\n"
               "#define MOPED_X_DEFAULT_TYPE MOPED_SOCKET_DEALER\n"
               "  if (type == MOPED_SOCKET_SUB)\n"
               "  if (g_str_equal (info->pattern, \"publish-subscribe\"))\n")
    found = offences(planted, [names, re.escape('"publish-subscribe"')])
    check("the scanner finds planted rules and only those", [n for n, _ in found] == [4, 5], repr(found))


def main():
    test_table_is_read()
    test_no_type_rules_in_product_code()
    test_the_check_finds_a_rule()
    print("1..%d" % len(results))
    failed = 0
    for index, (name, ok, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", index, name))
        if not ok:
            failed += 1
            for line in detail.split("\n"):
                print("# " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
