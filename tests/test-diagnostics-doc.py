#!/usr/bin/env python3
"""test-diagnostics-doc.py: model/DIAGNOSTICS.md and the codes model/moped-validate.c reports stay in step.

TAP output; argv[1] (the moped binary) is not used. Every code validation can report
must be in the catalogue's table under its severity and have a section (### code);
every code the catalogue lists must still be reported somewhere.
"""
import os
import re
import sys

SOURCE = os.environ.get("MOPED_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CODE = re.compile(r'"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)"')
SECTIONS = {"Errors": "ERROR", "Warnings": "WARNING", "Information": "INFO"}

results = []


def check(name, condition, detail=""):
    results.append((name, condition, detail))


def read(*parts):
    with open(os.path.join(SOURCE, *parts), encoding="utf-8") as f:
        return f.read()


def source_codes(text):
    """code -> severity (None when the call passes the code through a variable)."""
    # Comments go; strings stay, even those holding "/*" (tcp://*:5555).
    text = re.sub(r'("(?:\\.|[^"\\\n])*")|/\*.*?\*/', lambda m: m.group(1) or "", text, flags=re.S)
    text = re.sub(r'#define G_LOG_DOMAIN "[^"]*"', "", text)
    codes = {code: None for code in CODE.findall(text)}
    for severity, code in re.findall(r"MOPED_SEVERITY_([A-Z]+),\s*\"([a-z0-9-]+)\"", text):
        codes[code] = severity
    return codes


def catalogue(text):
    """(code -> severity from the table it is listed in, codes with a ### section)."""
    table = {}
    section = None
    for line in text.split("\n"):
        heading = re.match(r"## (\w+)", line)
        if heading:
            section = SECTIONS.get(heading.group(1))
        row = re.match(r"\| `([a-z0-9-]+)` \|", line)
        if row and section:
            table[row.group(1)] = section
    described = set()
    for heading in re.findall(r"^### (.*)$", text, re.M):
        described.update(re.findall(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+", heading.split("(")[0]))
    return table, described


def differences(codes, table, described):
    problems = []
    for code, severity in sorted(codes.items()):
        if code not in table:
            problems.append("%s is reported but not in the catalogue's tables" % code)
        elif severity is not None and table[code] != severity:
            problems.append("%s is reported as %s but listed under %s" % (code, severity, table[code]))
        if code not in described:
            problems.append("%s has no ### section" % code)
    for code in sorted(set(table) - set(codes)):
        problems.append("%s is in the catalogue but never reported" % code)
    return problems


def main():
    codes = source_codes(read("model", "moped-validate.c"))
    table, described = catalogue(read("model", "DIAGNOSTICS.md"))
    check("validation reports codes", len(codes) >= 20, "found %d" % len(codes))
    problems = differences(codes, table, described)
    check("DIAGNOSTICS.md lists exactly the codes validation reports, with their severity",
          not problems, "\n".join(problems))
    # The comparison itself: a drift either way, or a wrong severity, is found.
    planted = differences({"made-up": "ERROR", "missing-name": "WARNING"},
                          {"missing-name": "ERROR", "gone-code": "INFO"}, {"missing-name"})
    check("a drift in either direction is found",
          any("made-up" in p for p in planted) and any("gone-code" in p for p in planted)
          and any("missing-name is reported as WARNING" in p for p in planted), repr(planted))
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
