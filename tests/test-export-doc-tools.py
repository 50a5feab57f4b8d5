#!/usr/bin/python3
# test-export-doc-tools.py: checks the documents `moped doc` and `moped export zproto` write with independent tools (TAP).
#
# SPDX-License-Identifier: MPL-2.0
#
# Usage: test-export-doc-tools.py MOPED [DESIGN.moped...]
# (default: every bundled example and tests/data/doc-escaping.moped)
#
# For each example design:
# - the ABNF grammar (whole design, and each protocol alone) through two independent
#   parsers, npm `abnf` and `apg-js` (tests/abnf-check.js): well-formed, CRLF, every
#   rule defined and used (what it means: test-abnf-meaning.py);
# - the HTML through `xmllint --html --noout` (no message at all), and a check that it
#   refers to nothing outside itself (nor do the SVG diagrams embedded in it);
# - the Markdown through markdownlint-cli (tests/markdownlint.json) and markdown-it
#   (tests/md-structure.js): what markdown-it renders must be what the HTML shows,
#   block by block (headings, paragraphs, list items, table cells, code, images), so
#   every escape is checked; the diagrams it links must exist beside it as SVG;
# - the zproto models through xmllint, with zproto's element and attribute names; a
#   second export changes nothing, and a model edited by hand survives unless --force.
# The npm tools come from tests/package.json (`npm ci` in tests/, as tools/test.sh does).

import base64
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TESTS = os.path.dirname(os.path.abspath(__file__))
NODE_MODULES = os.path.join(TESTS, "node_modules")

results = []


def check(ok, description, detail=""):
    results.append((bool(ok), description, detail))
    return ok


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def check_abnf(grammar, label):
    """Both parsers read it; what it means is test-abnf-meaning.py's business."""
    result = run(["node", os.path.join(TESTS, "abnf-check.js"), grammar])
    check(result.returncode == 0, f"{label}: ABNF read by the abnf and apg-js parsers, no rule undefined or unused",
          result.stderr + result.stdout)


# HTML

class HtmlBlocks(html.parser.HTMLParser):
    """The blocks of Moped's HTML, the same way md-structure.js describes Markdown."""

    VOID = {"br", "img", "meta", "link", "hr", "input"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.tags, self.attributes, self.styles = [], [], [], []
        self.capture = None
        self.table = None
        self.row = None
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.capture = {"kind": "heading", "level": int(tag[1]), "text": ""}
        elif tag == "p":
            self.capture = {"kind": "paragraph", "text": ""}
        elif tag == "li":
            self.capture = {"kind": "item", "text": ""}
        elif tag == "pre":
            self.capture = {"kind": "code", "lang": "", "text": ""}
        elif tag == "code" and self.capture is not None and self.capture["kind"] == "code":
            self.capture["lang"] = (attrs.get("class") or "").replace("language-", "")
        elif tag == "table":
            self.table = {"kind": "table", "rows": []}
            self.blocks.append(self.table)
        elif tag == "tr":
            self.row = []
            self.table["rows"].append(self.row)
        elif tag in ("th", "td"):
            self.capture = {"kind": "cell", "text": ""}
        elif tag == "br" and self.capture is not None:
            self.capture["text"] += "\n"
        elif tag == "img":
            self.blocks.append({"kind": "image", "alt": attrs.get("alt", ""), "src": attrs.get("src", "")})
        elif tag == "style":
            self.in_style = True

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre") and self.capture is not None:
            self.blocks.append(self.capture)
            self.capture = None
        elif tag in ("th", "td") and self.capture is not None:
            self.row.append(self.capture["text"])
            self.capture = None
        elif tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.styles.append(data)
        elif self.capture is not None:
            self.capture["text"] += data


def normalize(blocks):
    out = []
    for block in blocks:
        block = dict(block)
        if block["kind"] == "image":
            block = {"kind": "image", "alt": " ".join(block["alt"].split())}
        elif block["kind"] == "table":
            block["rows"] = [[" ".join(cell.split()) for cell in row] for row in block["rows"]]
        elif block["kind"] != "code":
            block["text"] = " ".join(block["text"].split())
        out.append(block)
    return out


def external_references(attributes, styles):
    """Attributes and style rules that reach outside the document."""
    found = []
    for tag, name, value in attributes:
        name = name.lower()
        if name.startswith("xmlns"):
            continue  # a namespace is a name, not a reference
        if name in ("src", "href", "xlink:href", "data", "action", "poster", "background"):
            if not (value.startswith("data:") or value.startswith("#")):
                found.append(f"<{tag} {name}=\"{value[:60]}\">")
        elif re.search(r"https?:", value, re.I) or "url(" in value.lower():
            found.append(f"<{tag} {name}=\"{value[:60]}\">")
    for style in styles:
        if re.search(r"url\s*\(|@import", style, re.I):
            found.append(f"style: {style[:60]}")
    return found


def svg_references(data):
    found = []
    root = ET.fromstring(data)
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        if tag in ("script", "foreignObject"):
            found.append(f"<{tag}> in an SVG diagram")
        for name, value in element.attrib.items():
            local = name.split("}")[-1]
            if local == "href" and not (value.startswith("#") or value.startswith("data:")):
                found.append(f"SVG <{tag} href=\"{value[:60]}\">")
            if "url(" in value and not re.search(r"url\(\s*#", value):
                found.append(f"SVG <{tag} {local}=\"{value[:60]}\">")
    return found


def check_html(path, label):
    result = run(["xmllint", "--html", "--noout", path])
    check(result.returncode == 0 and result.stderr == "" and result.stdout == "",
          f"{label}: xmllint --html reports nothing", result.stderr[:2000])
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parser = HtmlBlocks()
    parser.feed(text)
    parser.close()
    found = external_references(parser.attributes, parser.styles)
    banned = sorted(set(parser.tags) & {"link", "script", "iframe", "object", "embed", "base", "frame"})
    found.extend(f"<{tag}>" for tag in banned)
    for block in parser.blocks:
        if block["kind"] == "image" and block["src"].startswith("data:image/svg+xml;base64,"):
            found.extend(svg_references(base64.b64decode(block["src"].split(",", 1)[1])))
    images = [b for b in parser.blocks if b["kind"] == "image"]
    check(not found and images, f"{label}: HTML is self-contained ({len(images)} diagrams embedded)",
          "\n".join(found) or "no diagram embedded")
    return normalize(parser.blocks)


def check_markdown(path, html_blocks, label):
    result = run([os.path.join(NODE_MODULES, ".bin", "markdownlint"), "--config",
                  os.path.join(TESTS, "markdownlint.json"), path])
    check(result.returncode == 0, f"{label}: markdownlint finds nothing", result.stderr + result.stdout)
    result = run(["node", os.path.join(TESTS, "md-structure.js"), path])
    if not check(result.returncode == 0, f"{label}: markdown-it parses the Markdown", result.stderr):
        return
    md_blocks = json.loads(result.stdout)
    raw = [b for b in md_blocks if b["kind"] == "html"]
    check(not raw, f"{label}: the Markdown holds no raw HTML", json.dumps(raw)[:500])
    missing = []
    for block in md_blocks:
        if block["kind"] == "image":
            figure = os.path.join(os.path.dirname(path), block["src"])
            lint = run(["xmllint", "--noout", figure]) if os.path.exists(figure) else None
            if lint is None or lint.returncode != 0 or not open(figure, "rb").read(4096).find(b"<svg") >= 0:
                missing.append(block["src"])
    check(not missing and any(b["kind"] == "image" for b in md_blocks),
          f"{label}: the diagrams the Markdown links are SVG files beside it", " ".join(missing))
    md_blocks = normalize([b for b in md_blocks if b["kind"] != "html"])
    same = md_blocks == html_blocks
    detail = ""
    if not same:
        for i, (a, b) in enumerate(zip(md_blocks, html_blocks)):
            if a != b:
                detail = f"block {i}:\nMarkdown renders {json.dumps(a)[:600]}\nHTML shows       {json.dumps(b)[:600]}"
                break
        else:
            detail = f"{len(md_blocks)} blocks in the Markdown, {len(html_blocks)} in the HTML"
    kinds = {k: sum(1 for b in md_blocks if b["kind"] == k) for k in ("heading", "table", "code")}
    check(same, f"{label}: the Markdown renders as the HTML shows "
                f"({kinds['heading']} headings, {kinds['table']} tables, {kinds['code']} code blocks)", detail)


# zproto

ZPROTO_CLASS = {"name", "signature", "pubsub", "title", "script", "package_dir", "source_dir"}
ZPROTO_TYPES = {"number", "octets", "string", "longstr", "strings", "hash", "chunk", "uuid", "frame", "msg"}


def check_zproto(moped, design, workdir, label, protocols):
    out = os.path.join(workdir, "zproto")
    has_errors = run([moped, "check", "--quiet", design]).returncode != 0
    result = run([moped, "export", "zproto", design, "-o", out])
    if has_errors:
        # Export refuses a design with errors, and writes nothing.
        check(result.returncode == 1 and "nothing was written" in result.stderr and not os.path.exists(out),
              f"{label}: moped export zproto refuses a design with errors", result.stderr)
        return
    if not check(result.returncode == 0, f"{label}: moped export zproto", result.stderr):
        return
    files = sorted(os.listdir(out))
    check(len(files) == len(protocols), f"{label}: one zproto model per protocol", " ".join(files))
    problems = []
    for name in files:
        path = os.path.join(out, name)
        lint = run(["xmllint", "--noout", path])
        if lint.returncode != 0 or lint.stderr:
            problems.append(lint.stderr)
            continue
        root = ET.parse(path).getroot()
        if root.tag != "class" or not set(root.attrib) <= ZPROTO_CLASS or "name" not in root.attrib:
            problems.append(f"{name}: root <{root.tag} {sorted(root.attrib)}>")
        for child in root:
            if child.tag not in ("define", "message"):
                problems.append(f"{name}: <{child.tag}> in <class>")
            for field in child:
                if child.tag != "message" or field.tag != "field":
                    problems.append(f"{name}: <{field.tag}> in <{child.tag}>")
                elif not set(field.attrib) <= {"name", "type", "size"} or field.get("type") not in ZPROTO_TYPES:
                    problems.append(f"{name}: field {field.attrib}")
    check(not problems, f"{label}: zproto models are well-formed and use zproto's names", "\n".join(problems))

    # Exporting again changes nothing; a model edited by hand is kept unless --force.
    again = run([moped, "export", "zproto", design, "-o", out])
    check(again.returncode == 0 and again.stdout.split().count("unchanged") == len(files),
          f"{label}: exporting again leaves the models unchanged", again.stdout + again.stderr)
    edited = os.path.join(out, files[0])
    with open(edited, "a") as f:
        f.write("<!-- my own note -->\n")
    with open(edited) as f:
        before = f.read()
    refused = run([moped, "export", "zproto", design, "-o", out])
    with open(edited) as f:
        kept = f.read() == before
    check(refused.returncode == 1 and "edited by hand" in refused.stderr and kept,
          f"{label}: a model edited by hand is not overwritten", refused.stderr)
    forced = run([moped, "export", "zproto", design, "-o", out, "--force"])
    check(forced.returncode == 0 and f"rewrite   {files[0]}" in forced.stdout,
          f"{label}: --force overwrites it", forced.stdout + forced.stderr)


def check_example(moped, design, workdir):
    label = os.path.basename(design)
    base = os.path.join(workdir, os.path.splitext(label)[0])
    protocols = [{"id": p.get("id")} for p in ET.parse(design).getroot().findall("protocol")]

    outputs = {}
    for extension in ("md", "html", "abnf"):
        path = f"{base}.{extension}"
        result = run([moped, "doc", design, "-o", path])
        check(result.returncode == 0 and os.path.exists(path), f"{label}: moped doc -o {extension}",
              result.stderr)
        outputs[extension] = path

    if os.path.exists(outputs["abnf"]):
        check_abnf(outputs["abnf"], f"{label} grammar")
    for protocol in protocols:
        path = f"{base}-{protocol['id']}.abnf"
        result = run([moped, "doc", design, "-o", path, "--protocol", protocol["id"]])
        if check(result.returncode == 0, f"{label}: moped doc --protocol {protocol['id']}", result.stderr):
            check_abnf(path, f"{label} grammar of {protocol['id']}")
    html_blocks = None
    if os.path.exists(outputs["html"]):
        html_blocks = check_html(outputs["html"], label)
    if os.path.exists(outputs["md"]) and html_blocks is not None:
        check_markdown(outputs["md"], html_blocks, label)
    check_zproto(moped, design, workdir, label, protocols)


def main():
    if len(sys.argv) < 2:
        print("usage: test-export-doc-tools.py MOPED [EXAMPLE.moped...]", file=sys.stderr)
        return 2
    moped = sys.argv[1]
    examples = sys.argv[2:]
    if not examples:
        directory = os.environ.get("MOPED_EXAMPLES", os.path.join(TESTS, "..", "data", "examples"))
        examples = sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".moped"))
        # Names full of characters that mean something in Markdown, HTML, XML and ABNF.
        examples.append(os.path.join(os.environ.get("MOPED_TEST_DATA", os.path.join(TESTS, "data")),
                                     "doc-escaping.moped"))
    tools = [os.path.join(NODE_MODULES, "abnf"), os.path.join(NODE_MODULES, "apg-js"),
             os.path.join(NODE_MODULES, "markdown-it"),
             os.path.join(NODE_MODULES, ".bin", "markdownlint")]
    if not all(os.path.exists(t) for t in tools):
        # A missing checker must show, not pass quietly.
        print("1..1")
        print("not ok 1 - the npm checkers are installed (run: cd tests && npm ci)")
        return 1
    for design in examples:
        with tempfile.TemporaryDirectory(prefix="moped-doc-") as workdir:
            check_example(moped, design, workdir)

    print(f"1..{len(results)}")
    failed = 0
    for number, (ok, description, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} - {description}")
        if not ok:
            failed += 1
            for line in (detail or "").strip().splitlines()[:40]:
                print(f"# {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
