#!/usr/bin/env node
// tokenize-peer.js ENGINE VOCAB INPUT.jsonl: single-core encode speed of a reference engine.
//   ENGINE tiktoken (VOCAB: encoding name) or tokenizers (VOCAB: tokenizer.json; run with
//   RAYON_NUM_THREADS=1). The documents are read and parsed first; only encoding is timed
//   (encode_ordinary; tokenizers: encodeBatch of 64 documents, no special tokens added).
// Prints: engine MB tokens seconds MB/s
"use strict";
const fs = require("fs");
const path = require("path");
const npm = path.join(__dirname, "../tests/npm/node_modules");
const [engine, vocab, input] = process.argv.slice(2);
const docs = fs.readFileSync(input, "utf8").split("\n").filter((l) => l).map((l) => JSON.parse(l).text);
const bytes = docs.reduce((a, t) => a + Buffer.byteLength(t), 0);
async function main() {
  let tokens = 0, t0, t1;
  if (engine === "tiktoken") {
    const { get_encoding } = require(path.join(npm, "tiktoken"));
    const enc = get_encoding(vocab);
    t0 = process.hrtime.bigint();
    for (const d of docs) tokens += enc.encode_ordinary(d).length;
    t1 = process.hrtime.bigint();
  } else {
    const { Tokenizer } = require(path.join(npm, "tokenizers"));
    const tok = Tokenizer.fromFile(vocab);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < docs.length; i += 64) {
      const encs = await tok.encodeBatch(docs.slice(i, i + 64), { addSpecialTokens: false });
      for (const e of encs) tokens += e.getIds().length;
    }
    t1 = process.hrtime.bigint();
  }
  const s = Number(t1 - t0) / 1e9;
  console.log(`${engine} ${(bytes / 1e6).toFixed(2)} ${tokens} ${s.toFixed(3)} ${(bytes / 1e6 / s).toFixed(2)}`);
}
main();
