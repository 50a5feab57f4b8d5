#!/usr/bin/python3
"""count-tests.py: turn meson's testlog.json into one line "N passed, N failed[, N skipped]".

Every TAP result line counts (so a test program with 144 cases counts 144); a test
program that printed no TAP results (it crashed, or it is not a TAP test) counts once,
by its own result. Exits 1 when anything failed.
"""
import json
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$")


def count(path):
    passed = failed = skipped = 0
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            entry = json.loads(line)
            results = [TAP.match(l) for l in (entry.get("stdout") or "").splitlines()]
            results = [m for m in results if m]
            outcome = entry.get("result", "")
            if not results:
                if outcome in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif outcome == "SKIP":
                    skipped += 1
                else:
                    failed += 1
                continue
            for m in results:
                directive = m.group(2)
                if "# SKIP" in directive.upper():
                    skipped += 1
                elif m.group(1) == "ok":
                    passed += 1
                else:
                    failed += 1
            # A program that crashed after its last result still failed.
            if outcome not in ("OK", "SKIP", "EXPECTEDFAIL") and not any(m.group(1) == "not ok" for m in results):
                failed += 1
    return passed, failed, skipped


def main():
    passed, failed, skipped = count(sys.argv[1])
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
