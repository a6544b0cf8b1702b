#!/usr/bin/env node
// make vocabs: convert the vocabularies shipped in the npm `tiktoken` package
// (node_modules/tiktoken/encoders/NAME.json: {pat_str, special_tokens, bpe_ranks}) into
// OUTDIR/NAME.tiktoken (one "base64(bytes) rank" line per token, the format of OpenAI's files)
// plus OUTDIR/NAME.tiktoken.json ({"pat_str", "special_tokens"}) for grist to read.
//
// bpe_ranks is one space-separated string: "! R" sets the rank of the next token to R, every
// other word is a base64 token whose rank is one more than the previous one.
"use strict";
const fs = require("fs");
const path = require("path");

const outdir = process.argv[2];
const names = process.argv.slice(3);
if (!outdir || !names.length) {
  console.error("usage: make-vocabs.js OUTDIR NAME...");
  process.exit(2);
}
fs.mkdirSync(outdir, { recursive: true });
for (const name of names) {
  const src = path.join(__dirname, "node_modules/tiktoken/encoders", name + ".json");
  const enc = JSON.parse(fs.readFileSync(src, "utf8"));
  const words = enc.bpe_ranks.split(" ");
  const lines = [];
  const seen = new Set();
  let rank = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === "!") {
      rank = Number(words[++i]);
      if (!Number.isInteger(rank) || rank < 0) throw new Error(`${src}: bad rank marker at word ${i}`);
      continue;
    }
    if (w === "") continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(w)) throw new Error(`${src}: bad base64 word ${i}: ${w}`);
    if (seen.has(rank)) throw new Error(`${src}: rank ${rank} twice`);
    seen.add(rank);
    lines.push(w + " " + rank);
    rank++;
  }
  const tmp = path.join(outdir, "." + name + ".tiktoken.tmp");
  fs.writeFileSync(tmp, lines.join("\n") + "\n");
  fs.renameSync(tmp, path.join(outdir, name + ".tiktoken"));
  const meta = { pat_str: enc.pat_str, special_tokens: enc.special_tokens };
  fs.writeFileSync(path.join(outdir, name + ".tiktoken.json"), JSON.stringify(meta, null, 1) + "\n");
  console.log(`${name}: ${lines.length} tokens, ${Object.keys(enc.special_tokens).length} special`);
}
