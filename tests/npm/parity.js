#!/usr/bin/env node
// Parity check of grist's token ids against a reference engine.
//
//   parity.js tiktoken NAME      INPUT.jsonl GRIST.jsonl [--allow-special] [--decoded DEC.jsonl]
//   parity.js tokenizers FILE    INPUT.jsonl GRIST.jsonl [--allow-special] [--add-special]
//                                [--decoded DEC.jsonl | --hf-decoded DEC.jsonl]
//
// INPUT has {"id","text"} records; GRIST is `grist tokenize --to jsonl` output for it
// ({"id","tokens"}). tiktoken: encode_ordinary, or encode(text, "all") with --allow-special.
// tokenizers: the tokenizer.json with its added tokens removed, or as is with --allow-special
// (HuggingFace's default behaviour, which splits added tokens out); never adding the
// post-processor's template tokens unless --add-special. --hf-decoded: `grist tokenize --decode`
// of GRIST.jsonl must equal tokenizers' decode(ids, skip_special_tokens=false). --decoded: `grist tokenize --decode` output, each text must
// equal the input text (decode(encode(x)) == x). Any difference names the document, the token
// index and the byte offset where it starts; exit status 1.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const args = process.argv.slice(2);
const allowSpecial = args.includes("--allow-special");
const addSpecial = args.includes("--add-special");
const hfDecode = args.includes("--hf-decoded");
const di = hfDecode ? args.indexOf("--hf-decoded") : args.indexOf("--decoded");
const decodedPath = di >= 0 ? args[di + 1] : null;
const [engine, vocab, inputPath, actualPath] = args.filter((a, i) => !a.startsWith("--") && (di < 0 || i !== di + 1));
const readJsonl = (p) => fs.readFileSync(p, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

async function main() {
  const input = readJsonl(inputPath);
  const actual = readJsonl(actualPath);
  let encode, tokenBytes, expectedText = null;
  if (engine === "tiktoken") {
    const { get_encoding } = require("tiktoken");
    const enc = get_encoding(vocab);
    encode = async (t) => Array.from(allowSpecial ? enc.encode(t, "all") : enc.encode_ordinary(t));
    tokenBytes = (ids) => enc.decode(new Uint32Array(ids)).length;
  } else if (engine === "tokenizers") {
    const { Tokenizer } = require("tokenizers");
    let file = vocab;
    if (!allowSpecial) {
      const j = JSON.parse(fs.readFileSync(vocab, "utf8"));
      j.added_tokens = [];
      file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parity-")), "tokenizer.json");
      fs.writeFileSync(file, JSON.stringify(j));
    }
    const tok = Tokenizer.fromFile(file);
    encode = async (t) => (await tok.encode(t, null, { addSpecialTokens: addSpecial })).getIds();
    tokenBytes = null;
    if (hfDecode) {
      const full = Tokenizer.fromFile(vocab); // decoding knows every added token
      expectedText = async (i, ids) => await full.decode(ids, false);
    }
  } else {
    throw new Error("engine must be tiktoken or tokenizers");
  }
  let bad = 0;
  if (actual.length !== input.length) {
    console.log(`FAIL: ${input.length} documents in, ${actual.length} out of grist`);
    bad++;
  }
  let tokens = 0;
  for (let i = 0; i < Math.min(input.length, actual.length); i++) {
    const doc = input[i];
    const want = await encode(doc.text);
    const got = actual[i].tokens;
    tokens += want.length;
    if (actual[i].id !== doc.id) {
      console.log(`FAIL: document ${i}: id ${JSON.stringify(actual[i].id)}, expected ${JSON.stringify(doc.id)}`);
      bad++;
      continue;
    }
    let k = 0;
    while (k < want.length && k < got.length && want[k] === got[k]) k++;
    if (k < want.length || k < got.length) {
      const off = tokenBytes ? tokenBytes(want.slice(0, k)) : null;
      const bytes = Buffer.from(doc.text, "utf8");
      const at = off === null ? "" : ` (byte ${off}: ${JSON.stringify(bytes.subarray(off, off + 24).toString("utf8"))})`;
      console.log(`FAIL: document ${JSON.stringify(doc.id)}: token ${k}${at}: expected ` +
        `[${want.slice(k, k + 8)}], grist [${got.slice(k, k + 8)}] (${want.length} vs ${got.length} tokens)`);
      if (++bad > 20) break;
    }
  }
  if (decodedPath) {
    const dec = readJsonl(decodedPath);
    for (let i = 0; i < input.length; i++) {
      const want = expectedText ? await expectedText(i, actual[i].tokens) : input[i].text;
      if (!dec[i] || dec[i].text !== want) {
        const a = want, b = dec[i] ? dec[i].text : "";
        let k = 0;
        while (k < a.length && a[k] === b[k]) k++;
        console.log(`FAIL: document ${JSON.stringify(input[i].id)}: ${expectedText ? "decode differs from tokenizers'" : "decode(encode(x)) != x"} ` +
          `from character ${k}: expected ${JSON.stringify(a.slice(k, k + 20))}, grist ${JSON.stringify(b.slice(k, k + 20))}`);
        bad++;
      }
    }
  }
  console.log(`parity ${engine} ${path.basename(vocab)}${allowSpecial ? " --allow-special" : ""}${addSpecial ? " --add-special" : ""}: ` +
    `${input.length} documents, ${tokens} tokens, ${bad ? bad + " difference(s)" : "identical"}`);
  process.exit(bad ? 1 : 0);
}
main().catch((e) => { console.error(e); process.exit(2); });
