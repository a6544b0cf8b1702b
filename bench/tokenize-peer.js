#!/usr/bin/env node
// tokenize-peer.js ENGINE VOCAB INPUT.jsonl: single-core encode speed of a reference engine.
//   ENGINE tiktoken (VOCAB: encoding name) or tokenizers (VOCAB: tokenizer.json; run with
//   RAYON_NUM_THREADS=1). The documents are read and parsed first; only encoding is timed
//   (encode_ordinary; tokenizers: encodeBatch of 64 documents, no special tokens added).
// Prints: engine MB tokens wall-seconds wall-MB/s cpu-seconds cpu-MB/s (cpu: user+sys of the
// process over the encode loop, less disturbed by other load on shared cores)
"use strict";
const fs = require("fs");
const path = require("path");
const npm = path.join(__dirname, "../tests/npm/node_modules");
const [engine, vocab, input] = process.argv.slice(2);
const docs = fs.readFileSync(input, "utf8").split("\n").filter((l) => l).map((l) => JSON.parse(l).text);
const bytes = docs.reduce((a, t) => a + Buffer.byteLength(t), 0);
async function main() {
  let tokens = 0, t0, t1, c0, c1;
  if (engine === "tiktoken") {
    const { get_encoding } = require(path.join(npm, "tiktoken"));
    const enc = get_encoding(vocab);
    c0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
    for (const d of docs) tokens += enc.encode_ordinary(d).length;
    t1 = process.hrtime.bigint();
    c1 = process.cpuUsage(c0);
  } else {
    const { Tokenizer } = require(path.join(npm, "tokenizers"));
    const tok = Tokenizer.fromFile(vocab);
    c0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
    for (let i = 0; i < docs.length; i += 64) {
      const encs = await tok.encodeBatch(docs.slice(i, i + 64), { addSpecialTokens: false });
      for (const e of encs) tokens += e.getIds().length;
    }
    t1 = process.hrtime.bigint();
    c1 = process.cpuUsage(c0);
  }
  const s = Number(t1 - t0) / 1e9;
  const c = (c1.user + c1.system) / 1e6;
  const mb = bytes / 1e6;
  console.log(`${engine} ${mb.toFixed(2)} ${tokens} ${s.toFixed(3)} ${(mb / s).toFixed(2)} ${c.toFixed(3)} ${(mb / c).toFixed(2)}`);
}
main();
