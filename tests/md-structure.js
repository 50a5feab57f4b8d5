#!/usr/bin/env node
// md-structure.js: parses a Markdown file with markdown-it (CommonMark + GitHub tables) and prints what it renders, as JSON.
//
// SPDX-License-Identifier: MPL-2.0
//
// Usage: node md-structure.js FILE.md
// Prints a list of blocks in document order: {"kind": "heading", "level", "text"},
// {"kind": "paragraph", "text"}, {"kind": "item", "text"}, {"kind": "table", "rows"},
// {"kind": "code", "lang", "text"}, {"kind": "image", "alt", "src"} and
// {"kind": "html", "text"} for raw HTML, which the documents never mean to contain.
// The text is what a reader sees: markup and escapes are gone.
"use strict";

const fs = require("fs");

function inlineText(token, blocks) {
  let text = "";
  for (const child of token.children || []) {
    switch (child.type) {
      case "text":
      case "code_inline":
        text += child.content;
        break;
      case "softbreak":
        text += " ";
        break;
      case "hardbreak":
        text += "\n";
        break;
      case "image":
        // The alt text is what the image's description renders to, escapes processed.
        blocks.push({ kind: "image", alt: inlineText(child, []), src: child.attrGet("src") });
        break;
      case "html_inline":
        blocks.push({ kind: "html", text: child.content });
        text += child.content;
        break;
      default:
        break; // strong_open, link_open...: markup only
    }
  }
  return text;
}

(async () => {
  const { default: MarkdownIt } = await import("markdown-it");
  const md = new MarkdownIt("commonmark").enable("table");
  const tokens = md.parse(fs.readFileSync(process.argv[2], "utf8"), {});
  const blocks = [];
  let inItem = 0;
  let table = null;
  let row = null;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    switch (token.type) {
      case "heading_open":
        blocks.push({ kind: "heading", level: Number(token.tag.slice(1)), text: inlineText(tokens[i + 1], blocks) });
        i++;
        break;
      case "list_item_open":
        inItem++;
        break;
      case "list_item_close":
        inItem--;
        break;
      case "table_open":
        table = { kind: "table", rows: [] };
        blocks.push(table);
        break;
      case "table_close":
        table = null;
        break;
      case "tr_open":
        row = [];
        table.rows.push(row);
        break;
      case "inline":
        if (row !== null && table !== null) {
          row.push(inlineText(token, blocks));
        } else {
          const images = blocks.length;
          const text = inlineText(token, blocks);
          if (text.trim() !== "" || blocks.length === images) {
            blocks.splice(images, 0, { kind: inItem > 0 ? "item" : "paragraph", text });
          }
        }
        break;
      case "tr_close":
        row = null;
        break;
      case "fence":
      case "code_block":
        blocks.push({ kind: "code", lang: token.info.trim(), text: token.content });
        break;
      case "html_block":
        blocks.push({ kind: "html", text: token.content });
        break;
      default:
        break;
    }
  }
  process.stdout.write(JSON.stringify(blocks, null, 1) + "\n");
})().catch(er => {
  console.error(er.stack || String(er));
  process.exit(1);
});
