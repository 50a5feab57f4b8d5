#!/usr/bin/env node
// abnf-check.js: checks an ABNF grammar (RFC 5234) with two independent parsers, `abnf` and `apg-js`, then that both accept and reject sample inputs.
//
// SPDX-License-Identifier: MPL-2.0
//
// Usage: node abnf-check.js GRAMMAR [SAMPLES.json]
// SAMPLES.json: {"accept": [HEX...], "reject": [HEX...]}, each input tested against the
// grammar's first rule. Exit status: 0 fine, 2 syntax error (either parser, or a line
// not ending in CRLF), 3 undefined or unused rules, 4 a sample was misjudged by either
// parser, 1 anything else.
//
// RFC 5234's core rules are built into neither package, so they are appended to the
// grammar (after it: the first rule stays the grammar's own) and reports that a core
// rule is unused are ignored. A grammar that defines a core rule itself fails as a
// duplicate.
//
// The two parsers share no code. `abnf` (Joe Hildebrand) parses the grammar; acceptance
// is then decided by a small matcher over its rules that follows ABNF's meaning (every
// way to match, not the first one). `apg-js` (Lowell Thomas) parses the grammar in its
// strict RFC 5234 mode (CRLF line endings, no extensions) and generates a recursive
// descent parser that takes the first alternative that matches and repeats greedily, as
// a PEG does: it accepts an input only if no rule swallows what the next one needs, so a
// grammar whose fields could run into the next frame fails here even where ABNF's own
// meaning would find a way.
"use strict";

const fs = require("fs");

const CORE_RULES = `
ALPHA          =  %x41-5A / %x61-7A
BIT            =  "0" / "1"
CHAR           =  %x01-7F
CR             =  %x0D
CRLF           =  CR LF
CTL            =  %x00-1F / %x7F
DIGIT          =  %x30-39
DQUOTE         =  %x22
HEXDIG         =  DIGIT / "A" / "B" / "C" / "D" / "E" / "F"
HTAB           =  %x09
LF             =  %x0A
LWSP           =  *(WSP / CRLF WSP)
OCTET          =  %x00-FF
SP             =  %x20
VCHAR          =  %x21-7E
WSP            =  SP / HTAB
`;
const CORE_NAMES = new Set(["ALPHA", "BIT", "CHAR", "CR", "CRLF", "CTL", "DIGIT", "DQUOTE",
  "HEXDIG", "HTAB", "LF", "LWSP", "OCTET", "SP", "VCHAR", "WSP"]);

const apg = require("apg-js");

function fail(status, message) {
  console.error(message);
  process.exit(status);
}

// The set of positions where @node can end when it starts at @pos.
function makeMatcher(rules, input) {
  const memo = new Map();

  function rule(name, pos) {
    const key = name.toUpperCase() + "@" + pos;
    if (memo.has(key)) {
      return memo.get(key);
    }
    memo.set(key, new Set()); // left recursion matches nothing
    const def = rules.defs[name.toUpperCase()];
    if (!def) {
      throw new Error(`undefined rule ${name}`);
    }
    const result = match(def.def, pos);
    memo.set(key, result);
    return result;
  }

  function literal(str, pos, caseless) {
    if (pos + str.length > input.length) {
      return new Set();
    }
    const part = input.substr(pos, str.length);
    const same = caseless ? part.toLowerCase() === str.toLowerCase() : part === str;
    return same ? new Set([pos + str.length]) : new Set();
  }

  function match(node, pos) {
    switch (node.type) {
      case "ruleref":
        return rule(node.name, pos);
      case "caseInsensitveString":
        return literal(node.str, pos, true);
      case "caseSensitveString":
        return literal(node.str, pos, false);
      case "range": {
        const c = pos < input.length ? input.charCodeAt(pos) : -1;
        return (c >= node.first && c <= node.last) ? new Set([pos + 1]) : new Set();
      }
      case "group":
        return match(node.alt, pos);
      case "alternation": {
        const out = new Set();
        for (const alt of node.alts) {
          for (const end of match(alt, pos)) {
            out.add(end);
          }
        }
        return out;
      }
      case "concatenation": {
        let ends = new Set([pos]);
        for (const element of node.elements) {
          const next = new Set();
          for (const start of ends) {
            for (const end of match(element, start)) {
              next.add(end);
            }
          }
          ends = next;
          if (ends.size === 0) {
            break;
          }
        }
        return ends;
      }
      case "repetition": {
        const min = node.rep.min || 0;
        const max = (typeof node.rep.max === "number") ? node.rep.max : Infinity;
        // Positions reached after at least @min repetitions are explored once only.
        const done = new Set(min === 0 ? [pos] : []);
        let frontier = new Set([pos]);
        for (let count = 1; count <= max && frontier.size > 0; count++) {
          const next = new Set();
          for (const start of frontier) {
            for (const end of match(node.el, start)) {
              if (count < min || !done.has(end)) {
                next.add(end);
              }
            }
          }
          if (count >= min) {
            for (const end of next) {
              done.add(end);
            }
          }
          frontier = next;
        }
        return done;
      }
      case "prose":
        throw new Error(`prose value <${node.str}> cannot be matched`);
      default:
        throw new Error(`unknown node type ${node.type}`);
    }
  }

  return { rule };
}

function accepts(rules, hex) {
  const input = Buffer.from(hex, "hex").toString("latin1");
  const matcher = makeMatcher(rules, input);
  return matcher.rule(rules.first, 0).has(input.length);
}

// apg-js: the grammar object, or an exit with its errors.
function apgGrammar(grammarPath, text) {
  const core = CORE_RULES.trim().split("\n").join("\r\n") + "\r\n";
  const api = new apg.apgApi(text + "\r\n" + core);
  api.generate(true);
  if (api.errors.length > 0) {
    fail(2, `${grammarPath}: apg-js: ${api.errorsToAscii()}`);
  }
  return api.toObject();
}

function apgAccepts(grammar, hex) {
  const parser = new apg.apgLib.parser();
  const chars = Array.from(Buffer.from(hex, "hex"));
  return parser.parse(grammar, 0, chars).success;
}

(async () => {
  const [grammarPath, samplesPath] = process.argv.slice(2);
  if (!grammarPath) {
    fail(1, "usage: abnf-check.js GRAMMAR [SAMPLES.json]");
  }
  const abnf = await import("abnf");
  const text = fs.readFileSync(grammarPath, "latin1");

  const nonAscii = text.search(/[^\x09\x0a\x0d\x20-\x7e]/);
  if (nonAscii >= 0) {
    fail(2, `${grammarPath}: character ${text.charCodeAt(nonAscii)} at offset ${nonAscii} is not allowed in ABNF`);
  }
  let rules;
  try {
    rules = abnf.parseString(text + "\n" + CORE_RULES, grammarPath, false);
  } catch (er) {
    fail(2, `${grammarPath}: ${er.message}`);
  }
  const errors = (abnf.checkRefs(rules) || []).filter(message => {
    const unused = /^Unreferenced rule "([^"]+)"/.exec(message);
    return !(unused && CORE_NAMES.has(unused[1].toUpperCase()));
  });
  if (errors.length > 0) {
    fail(3, errors.map(e => `${grammarPath}: ${e}`).join("\n"));
  }
  const bare = text.search(/(^|[^\r])\n/);
  if (bare >= 0 || !text.endsWith("\r\n")) {
    fail(2, `${grammarPath}: RFC 5234 lines end in CRLF; ${bare >= 0 ? `a bare LF at offset ${bare}` : "the last line does not"}`);
  }
  const apgRules = apgGrammar(grammarPath, text);

  if (samplesPath) {
    const samples = JSON.parse(fs.readFileSync(samplesPath, "utf8"));
    const wrong = [];
    const show = hex => JSON.stringify(Buffer.from(hex, "hex").toString("latin1"));
    for (const hex of samples.accept || []) {
      if (!accepts(rules, hex)) {
        wrong.push(`abnf rejects ${show(hex)}, which it should accept`);
      }
      if (!apgAccepts(apgRules, hex)) {
        wrong.push(`apg-js rejects ${show(hex)}, which it should accept`);
      }
    }
    for (const hex of samples.reject || []) {
      if (accepts(rules, hex)) {
        wrong.push(`abnf accepts ${show(hex)}, which it should reject`);
      }
      if (apgAccepts(apgRules, hex)) {
        wrong.push(`apg-js accepts ${show(hex)}, which it should reject`);
      }
    }
    if (wrong.length > 0) {
      fail(4, wrong.map(w => `${grammarPath}: rule ${rules.first} ${w}`).join("\n"));
    }
    console.log(`${grammarPath}: ${Object.keys(rules.defs).length} rules; ` +
      `${(samples.accept || []).length} inputs accepted, ${(samples.reject || []).length} rejected as they should be, by abnf and by apg-js`);
  } else {
    console.log(`${grammarPath}: ${Object.keys(rules.defs).length} rules, read by abnf and by apg-js`);
  }
})().catch(er => fail(1, er.stack || String(er)));
