#!/usr/bin/python3
"""test-cli.py: the moped command line as scripts use it: exit statuses, output format, errors.

TAP output; argv[1] is the moped binary. Never needs a display.
"""
import os
import re
import subprocess
import sys
import tempfile

MOPED = sys.argv[1]
EXAMPLES = os.environ["MOPED_EXAMPLES"]
results = []


def run(*args, env_extra=None):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    if env_extra:
        env.update(env_extra)
    return subprocess.run([MOPED, *args], capture_output=True, text=True, env=env, timeout=120)


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))


def example(name):
    return os.path.join(EXAMPLES, name)


def test_help_and_version():
    r = run("--help")
    check("help exits 0", r.returncode == 0, r.stderr)
    check("help lists check", "check" in r.stdout, r.stdout)
    r = run("--version")
    check("version", r.returncode == 0 and re.match(r"^moped \d+\.\d+\.\d+$", r.stdout.strip()), r.stdout)
    r = run("check", "--help")
    check("check --help", r.returncode == 0 and "Exit status" in r.stdout, r.stdout + r.stderr)
    r = run("frobnicate")
    check("unknown verb exits 2", r.returncode == 2 and "unknown verb" in r.stderr, r.stderr)


def test_check_examples():
    good = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".moped") and f != "broken.moped")
    check("there are examples", len(good) >= 6, str(good))
    for f in good:
        r = run("check", example(f))
        check(f"check {f} exits 0", r.returncode == 0, r.stdout + r.stderr)
        check(f"check {f} has no errors", " error " not in r.stdout, r.stdout)


def test_check_broken():
    path = example("broken.moped")
    r = run("check", path)
    check("broken exits 1", r.returncode == 1, r.stdout + r.stderr)
    line_re = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<sev>error|warning|info) (?P<code>[a-z0-9-]+): .+$")
    lines = r.stdout.splitlines()
    check("broken prints diagnostics", len(lines) >= 10, r.stdout)
    bad = [l for l in lines if not line_re.match(l)]
    check("every line is FILE:LINE: SEVERITY CODE: message", not bad, "\n".join(bad))
    with open(path, encoding="utf-8") as f:
        n_lines = sum(1 for _ in f)
    in_range = all(1 <= int(line_re.match(l).group("line")) <= n_lines for l in lines if line_re.match(l))
    check("line numbers point into the file", in_range, r.stdout)
    check("summary on stderr", re.search(r"\d+ errors?, \d+ warnings? in 1 file", r.stderr), r.stderr)


def test_check_unreadable():
    with tempfile.TemporaryDirectory() as tmp:
        missing = os.path.join(tmp, "missing.moped")
        r = run("check", missing)
        check("missing file exits 2", r.returncode == 2 and "missing.moped" in r.stderr, r.stderr)
        junk = os.path.join(tmp, "junk.moped")
        with open(junk, "wb") as f:
            f.write(b"\x00\x01\x02binary\xff\xfe")
        r = run("check", junk)
        check("binary file exits 2 with a message", r.returncode == 2 and "junk.moped" in r.stderr, r.stderr)
        bad = os.path.join(tmp, "bad.moped")
        with open(bad, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0"?>\n<design format="1" name="x">\n  <node id="a" name="a"\n</design>\n')
        r = run("check", bad)
        check("malformed XML names file and line", r.returncode == 2 and re.search(r"bad\.moped:\d+:\d+:", r.stderr), r.stderr)
        newer = os.path.join(tmp, "newer.moped")
        with open(newer, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<design format="99" name="x"/>\n')
        r = run("check", newer)
        check("newer format refused, naming the version", r.returncode == 2 and "99" in r.stderr, r.stderr)
        # A readable good file and an unreadable one: 2 wins, the good one is still checked.
        r = run("check", example("hello.moped"), missing)
        check("mixed files exit 2", r.returncode == 2, r.stderr)
        r = run("check")
        check("no file is a usage error", r.returncode == 2, r.stderr)


def test_check_hostile_names():
    """Names made to forge lines or drive the terminal: one line per diagnostic, no raw control."""
    hostile = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<design format="1" name="Hostile&#10;hello.moped:1: error fake-code: forged">\n'
               '  <node id="a" name="admin&#x202E;resu&#x9B;2J&#x85;x" description="ok&#x202E;">\n'
               '    <socket id="a-req" name="out&#13;put" type="REQ"/>\n'
               '  </node>\n'
               '  <node id="b" name="b&#9;tab&#x2028;">\n'
               '    <socket id="b-rep" name="in" type="REP" mode="bind"/>\n'
               '  </node>\n'
               '  <link id="l" from="a-req" to="b-rep" endpoint="tcp://*:5555"/>\n'
               '</design>\n')
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "hostile.moped")
        with open(path, "w", encoding="utf-8") as f:
            f.write(hostile)
        r = subprocess.run([MOPED, "check", path], capture_output=True, timeout=120,
                           env={k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")})
        out = r.stdout.decode("utf-8")
        check("hostile names: check exits 1", r.returncode == 1, out + r.stderr.decode("utf-8", "replace"))
        lines = out.split("\n")
        check("hostile names: output ends with a newline", lines[-1] == "", repr(out[-80:]))
        line_re = re.compile(r"^" + re.escape(path) + r":\d+: (error|warning|info) [a-z0-9-]+: .+$")
        for line in lines[:-1]:
            check("hostile names: one diagnostic per line", line_re.match(line), repr(line))
        check("hostile names: no forged diagnostic", not any(l.startswith("hello.moped:") for l in lines), out)
        bad = [c for c in out if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F
               or ord(c) in (0x2028, 0x2029, 0x202E, 0x200B)]
        check("hostile names: no raw control or invisible character", not bad, repr(bad))
        check("hostile names: four invisible-character errors", out.count(" invisible-character: ") == 4, out)
        check("hostile names: escaped characters are shown", "\\u{202E}" in out and "\\x9B" in out, out)
        # A control character XML forbids is refused with its position, printed escaped.
        with open(path, "w", encoding="utf-8") as f:
            f.write(hostile.replace("&#x85;", "&#x1B;"))
        r = subprocess.run([MOPED, "check", path], capture_output=True, timeout=120)
        err = r.stderr.decode("utf-8")
        check("control character refused with FILE:LINE:COLUMN",
              r.returncode == 2 and re.match(re.escape(path) + r":3:\d+: attribute “name” of <node> holds the control character U\+001B", err), err)


def long_flow_design(tmp, length=300):
    name = ("A very long flow name " * 20)[:length]
    text = open(example("hello.moped"), encoding="utf-8").read().replace('name="Round trip"', f'name="{name}"')
    path = os.path.join(tmp, "long.moped")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def test_doc_long_flow_name():
    """A 300-character flow name documents fine: its figure's file name is bounded."""
    with tempfile.TemporaryDirectory() as tmp:
        design = long_flow_design(tmp)
        out = os.path.join(tmp, "out")
        os.mkdir(out)
        r = run("doc", design, "-o", os.path.join(out, "long.md"))
        check("doc with a 300-character flow name exits 0", r.returncode == 0, r.stderr)
        names = sorted(os.listdir(out))
        check("doc writes the document and its figures", "long.md" in names and len(names) >= 3, str(names))
        check("figure file names are bounded", all(len(n) <= 100 for n in names), str(names))
        text = open(os.path.join(out, "long.md"), encoding="utf-8").read() if "long.md" in names else ""
        linked = re.findall(r"\]\(([^)]+\.svg)\)", text)
        check("every linked figure exists", linked and all(os.path.exists(os.path.join(out, l)) for l in linked),
              str(linked))
        r = run("render", design, "--all", "-o", os.path.join(tmp, "all"))
        check("render --all with a 300-character flow id is fine", r.returncode == 0, r.stderr)


def limited_file_size(limit):
    import resource
    import signal

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def tree(path):
    """Every entry below path with its mode, size and contents (hidden ones too)."""
    out = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(dirs + files):
            full = os.path.join(root, name)
            st = os.lstat(full)
            data = open(full, "rb").read() if os.path.isfile(full) else b""
            out.append((os.path.relpath(full, path), st.st_mode, st.st_size, data))
    return sorted(out)


def test_doc_failure_leaves_nothing():
    """A document whose writing fails half way leaves the previous one and no new figure."""
    with tempfile.TemporaryDirectory() as tmp:
        design = long_flow_design(tmp, 40)
        out = os.path.join(tmp, "out")
        os.mkdir(out)
        with open(os.path.join(out, "mine.txt"), "w") as f:
            f.write("the user's\n")
        before = tree(out)
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        r = subprocess.run([MOPED, "doc", design, "-o", os.path.join(out, "doc.md")], capture_output=True,
                           text=True, env=env, timeout=120, preexec_fn=limited_file_size(2048))
        check("doc on a full disk fails", r.returncode != 0 and "File too large" in r.stderr, r.stderr)
        check("doc on a full disk leaves the folder as it was", tree(out) == before,
              str([e[0] for e in tree(out)]))
        r = subprocess.run([MOPED, "render", design, "--all", "-o", os.path.join(out, "all")], capture_output=True,
                           text=True, env=env, timeout=120, preexec_fn=limited_file_size(4096))
        check("render --all on a full disk fails and leaves nothing", r.returncode != 0 and tree(out) == before,
              r.stderr + str([e[0] for e in tree(out)]))


def test_render_one_file_all_or_nothing():
    """`moped render -o FILE` on a full disk keeps the earlier FILE whole, leaves no empty or
    temporary file, and a write that a kill interrupted is cleaned up by the next one."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        os.mkdir(out)
        picture = os.path.join(out, "picture.svg")
        r = run("render", example("hello.moped"), "-o", picture)
        check("render -o FILE works", r.returncode == 0 and os.path.getsize(picture) > 0, r.stderr)
        before = tree(out)
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        r = subprocess.run([MOPED, "render", example("hello.moped"), "--direction", "TB", "-o", picture],
                           capture_output=True, text=True, env=env, timeout=120, preexec_fn=limited_file_size(512))
        check("render -o FILE on a full disk fails and says where", r.returncode != 0 and picture in r.stderr
              and "File too large" in r.stderr, r.stderr)
        check("render -o FILE on a full disk leaves the earlier file whole and nothing else",
              tree(out) == before, str([e[0] for e in tree(out)]))
        # What a render killed half way leaves: a hidden staging folder of a process gone.
        child = subprocess.Popen(["true"])
        child.wait()
        stale = os.path.join(out, ".moped-export-%d-KiLlEd" % child.pid)
        os.makedirs(os.path.join(stale, "new"))
        with open(os.path.join(stale, "new", "picture.svg"), "w") as f:
            f.write("<svg")
        r = run("render", example("hello.moped"), "--direction", "TB", "-o", picture)
        check("render -o FILE works again", r.returncode == 0, r.stderr)
        check("the next render removes what a killed one left", sorted(os.listdir(out)) == ["picture.svg"],
              str(os.listdir(out)))
        check("and writes the new picture", tree(out) != before)


TMPFS_SCENARIO = r"""
set -u
moped=$1 v1=$2 v2=$3 work=$4 roomy=$5
mkdir -p "$work/roomy" "$work/full"
mount -t tmpfs -o size=${roomy}k tmpfs "$work/roomy" || exit 90
mount -t tmpfs -o size=48k tmpfs "$work/full" || exit 90
snapshot() { (cd "$1" && find . -printf '%p %m %s
' | sort && find . -type f -exec sha256sum {} + | sort); }
"$moped" export c "$v1" -o "$work/roomy/out" >/dev/null 2>"$work/first.err"; echo $? >"$work/first.rc"
snapshot "$work/roomy/out" >"$work/before"
"$moped" export c "$v2" -o "$work/roomy/out" >/dev/null 2>"$work/second.err"; echo $? >"$work/second.rc"
snapshot "$work/roomy/out" >"$work/after"
"$moped" export c "$v1" -o "$work/full/out" >/dev/null 2>"$work/full.err"; echo $? >"$work/full.rc"
(cd "$work/full" && find . -printf '%p %s
' | sort) >"$work/full.tree"
"$moped" export c "$v2" -o "$work/roomy/out" --dry-run >/dev/null 2>&1
umount "$work/roomy" "$work/full"
"""


def test_export_onto_full_disk():
    """An export onto a tiny tmpfs fails cleanly: the earlier export stays exactly as it was, no 0-byte file."""
    if os.geteuid() != 0:
        check("full-disk export test needs root to mount a tmpfs (run the suite as root, as CI does)", False)
        return
    with tempfile.TemporaryDirectory() as tmp:
        v1 = example("hello.moped")
        text = open(v1, encoding="utf-8").read()
        extra = ('    <command id="bye" name="BYE" sender="hello-protocol.client" description="Says goodbye."/>\n'
                 '    <flow id="round-trip"')
        v2 = os.path.join(tmp, "hello2.moped")
        with open(v2, "w", encoding="utf-8") as f:
            # A new name rewrites every generated file (their banners name the design).
            f.write(text.replace('    <flow id="round-trip"', extra, 1).replace('name="Hello World"', 'name="Hello Again"', 1))
        work = os.path.join(tmp, "work")
        # "Roomy" holds one export and its folders with a quarter to spare, but not a
        # second, staged copy beside it: measured from the real export, in tmpfs pages,
        # so the test keeps its meaning as the generated project grows.
        probe = os.path.join(tmp, "probe")
        r = run("export", "c", v2, "-o", probe)
        check("the probe export for sizing the tmpfs works", r.returncode == 0, r.stderr)
        pages = 0
        for root, dirs, files in os.walk(probe):
            pages += 1 + len(dirs)
            pages += sum((os.path.getsize(os.path.join(root, f)) + 4095) // 4096 for f in files)
        roomy_kb = pages * 4 * 5 // 4
        r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", TMPFS_SCENARIO, "sh",
                            MOPED, v1, v2, work, str(roomy_kb)], capture_output=True, text=True, timeout=300)
        if r.returncode == 90 or not os.path.exists(os.path.join(work, "full.tree")):
            check("a tmpfs can be mounted for the full-disk test (unshare -m, mount -t tmpfs)", False,
                  "exit %d: %s" % (r.returncode, r.stderr))
            return

        def read(name):
            with open(os.path.join(work, name), encoding="utf-8") as f:
                return f.read()
        check("first export onto the roomy tmpfs works", read("first.rc").strip() == "0", read("first.err"))
        check("re-export onto a full tmpfs fails", read("second.rc").strip() == "1", read("second.err"))
        check("the failure says the disk is full", "No space left on device" in read("second.err"), read("second.err"))
        check("the earlier export is exactly as it was", read("before") == read("after"),
              read("before")[:400] + "\n---\n" + read("after")[:400])
        check("first export onto a full disk fails", read("full.rc").strip() == "1", read("full.err"))
        full_tree = read("full.tree").split("\n")
        check("a failed first export leaves no file, empty or not", full_tree == [". 40", ""] or
              all(not line or line.endswith("/") or line == ". 40" or line.startswith("./out ") for line in full_tree)
              and not any(l.startswith("./out/") for l in full_tree), read("full.tree"))


def test_arrange_in_place():
    """`moped arrange F -o F` through a symbolic link keeps the link, the mode and no stray files."""
    import shutil
    import stat
    with tempfile.TemporaryDirectory() as tmp:
        os.mkdir(os.path.join(tmp, "real"))
        target = os.path.join(tmp, "real", "hello.moped")
        shutil.copyfile(example("hello.moped"), target)
        link = os.path.join(tmp, "hello.moped")
        os.symlink("real/hello.moped", link)
        for mode in (0o600, 0o664):
            os.chmod(target, mode)
            before = open(target, encoding="utf-8").read()
            r = run("arrange", link, "-o", link, "--direction", "TB" if mode == 0o600 else "LR")
            check(f"arrange -o in place ({mode:o}) exits 0", r.returncode == 0, r.stdout + r.stderr)
            check(f"arrange -o keeps the symbolic link ({mode:o})", os.path.islink(link))
            check(f"arrange -o writes the link's target ({mode:o})",
                  open(target, encoding="utf-8").read() != before)
            check(f"arrange -o keeps mode {mode:o}", stat.S_IMODE(os.stat(target).st_mode) == mode,
                  oct(stat.S_IMODE(os.stat(target).st_mode)))
        check("arrange -o leaves no other file", sorted(os.listdir(tmp)) == ["hello.moped", "real"]
              and os.listdir(os.path.join(tmp, "real")) == ["hello.moped"], str(os.listdir(tmp)))


def test_export_one_plan():
    """Every folder target plans through the one export plan: the dry run lists what the
    export then writes, and a generated file edited by hand (the C skeleton's meson.build,
    a zproto model) is refused in the same words and kept, until --force."""
    design = example("majordomo.moped")
    with tempfile.TemporaryDirectory() as tmp:
        for target in ("c", "zproto"):
            out = os.path.join(tmp, target)
            dry = run("export", target, design, "-o", out, "--dry-run")
            check(f"export {target} --dry-run writes nothing", dry.returncode == 0 and not os.path.exists(out),
                  dry.stderr)
            planned = [line.split()[:2] for line in dry.stdout.splitlines()]
            real = run("export", target, design, "-o", out)
            check(f"export {target} writes what the dry run listed", real.returncode == 0 and
                  [line.split()[:2] for line in real.stdout.splitlines()] == planned and
                  all(action == "create" for action, _ in planned), dry.stdout + real.stdout + real.stderr)
            edited_name = "meson.build" if target == "c" else planned[0][1]
            edited = os.path.join(out, edited_name)
            with open(edited, "a") as f:
                f.write("# mine\n")
            with open(edited) as f:
                mine = f.read()
            refused = run("export", target, design, "-o", out)
            expected = (f"{design}: error: {edited_name} edited by hand since the last export: those edits "
                        "would be lost; export with --force to overwrite it anyway")
            with open(edited) as f:
                kept = f.read() == mine
            check(f"export {target} refuses a hand-edited {edited_name} in the plan's words",
                  refused.returncode == 1 and expected in refused.stderr.splitlines() and
                  "nothing was written" in refused.stderr and kept, refused.stderr)
            forced = run("export", target, design, "-o", out, "--force")
            check(f"export {target} --force rewrites it", forced.returncode == 0 and
                  f"rewrite   {edited_name}: edited by hand" in forced.stdout, forced.stdout + forced.stderr)


def test_export_zproto_reserved_names():
    """moped export zproto, as a script runs it, on field names zproto's codec cannot take
    (tests/data/zproto-names.moped, which checks clean): each is renamed in the model,
    with a warning naming both names, and the export succeeds."""
    design = os.path.join(os.environ.get("MOPED_TEST_DATA", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                         "data")), "zproto-names.moped")
    checked = run("check", design)
    check("zproto-names.moped checks clean, so export takes it",
          checked.returncode == 0 and "0 errors" in checked.stdout + checked.stderr, checked.stdout + checked.stderr)
    renamed = {"default": "default_value", "int": "int_value", "id": "id_value",
               "routing id": "routing_id_value", "send": "send_value", "self": "self_value"}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "zproto")
        r = run("export", "zproto", design, "-o", out)
        if not check("export zproto of reserved field names exits 0", r.returncode == 0, r.stdout + r.stderr):
            return
        with open(os.path.join(out, "ticks.xml"), encoding="utf-8") as f:
            model = f.read()
        fields = re.findall(r'<field name = "([^"]+)"', model)
        check("export zproto renames each reserved field name and keeps the others",
              fields == list(renamed.values()) + ["identity"], str(fields))
        warnings = [line for line in r.stderr.splitlines() if ": warning: ticks.xml: " in line]
        check("export zproto warns once per renamed field, naming both names",
              len(warnings) == len(renamed) and
              all(any(f'field "{old}" of command "TICK" is field "{new}"' in w for w in warnings)
                  for old, new in renamed.items()), r.stderr)


def main():
    for test in (test_help_and_version, test_check_examples, test_check_broken, test_check_unreadable,
                 test_check_hostile_names, test_arrange_in_place, test_render_one_file_all_or_nothing,
                 test_doc_long_flow_name, test_doc_failure_leaves_nothing, test_export_onto_full_disk,
                 test_export_one_plan, test_export_zproto_reserved_names):
        try:
            test()
        except Exception as e:  # a crash in one group must not hide the others
            check(test.__name__ + " raised", False, repr(e))
    print(f"1..{len(results)}")
    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and detail:
            for l in str(detail).splitlines()[:30]:
                print(f"# {l}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
