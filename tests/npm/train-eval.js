#!/usr/bin/env node
// Bytes per token of held-out text under one or more tokenizer.json files, all encoded by the
// `tokenizers` package, so the comparison depends on the vocabularies only.
//
//   train-eval.js HELDOUT.jsonl TOKENIZER.json...      prints "FILE bytes tokens bytes/token"
//   train-eval.js --ids TOKENIZER.json TEXTFILE        prints the ids of TEXTFILE (one line)
//   train-eval.js --record-ids TOKENIZER.json JSONL    prints each record's text's ids, one line
//                                                      per record (added tokens split out)
"use strict";
const fs = require("fs");
const { Tokenizer } = require("tokenizers");

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--ids") {
    const tok = Tokenizer.fromFile(args[1]);
    const text = fs.readFileSync(args[2], "utf8");
    const enc = await tok.encode(text, null, { addSpecialTokens: false });
    console.log(enc.getIds().join(" "));
    return;
  }
  if (args[0] === "--record-ids") {
    const tok = Tokenizer.fromFile(args[1]);
    const docs = fs.readFileSync(args[2], "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l).text);
    const out = [];
    for (const d of docs) {
      const enc = await tok.encode(d, null, { addSpecialTokens: false });
      out.push(enc.getIds().join(" "));
    }
    process.stdout.write(out.join("\n") + "\n");
    return;
  }
  const [heldout, ...toks] = args;
  const docs = fs.readFileSync(heldout, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l).text);
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d, "utf8"), 0);
  for (const f of toks) {
    const tok = Tokenizer.fromFile(f);
    let n = 0;
    for (let i = 0; i < docs.length; i += 256) {
      const encs = await tok.encodeBatch(docs.slice(i, i + 256), { addSpecialTokens: false });
      for (const e of encs) n += e.getLength();
    }
    console.log(`${f} ${bytes} ${n} ${(bytes / n).toFixed(4)}`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
