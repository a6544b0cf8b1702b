#!/usr/bin/env node
// nospace.js BYTES [ID]: one JSONL record whose text is BYTES of letters without any space,
// made by gluing together words sampled (seeded) from the GPL-3 text, so BPE sees one piece.
"use strict";
const fs = require("fs");
const n = Number(process.argv[2] || 1 << 20);
let words;
try {
  words = fs.readFileSync("/usr/share/common-licenses/GPL-3", "utf8").split(/[^A-Za-z]+/).filter((w) => w);
} catch {
  words = "the quick brown fox jumps over lazy dog program license software".split(" ");
}
let seed = 7, s = "";
const parts = [];
let len = 0;
while (len < n) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  const w = words[seed % words.length];
  parts.push(w);
  len += w.length;
}
s = parts.join("").slice(0, n);
process.stdout.write(JSON.stringify({ id: process.argv[3] || "nospace-" + n, text: s }) + "\n");
