#!/usr/bin/env node
// allcp.js: JSONL documents holding every code point (surrogates excepted), 4096 per document,
// once separated by spaces and once run together with letters and "'s" mixed in, so every
// character's class (letter, number, mark, white space, other) shows in the tokens.
"use strict";
const out = [];
for (let b = 0; b < 0x1100; b += 16) {
  let s1 = "", s2 = "";
  for (let cp = b * 256; cp < (b + 16) * 256; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    s1 += c + " ";
    s2 += c;
    if (cp % 7 === 0) s2 += "a";
    if (cp % 11 === 0) s2 += "'s";
  }
  out.push(JSON.stringify({ id: "cp-sp-" + b.toString(16), text: s1 }));
  out.push(JSON.stringify({ id: "cp-run-" + b.toString(16), text: s2 }));
}
process.stdout.write(out.join("\n") + "\n");
