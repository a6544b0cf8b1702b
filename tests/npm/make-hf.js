#!/usr/bin/env node
// Writes HuggingFace tokenizer.json files (and GPT-2 encoder.json + vocab.bpe) from a
// .tiktoken vocabulary, for the parity tests against the `tokenizers` package:
//
//   make-hf.js VOCAB.tiktoken OUTDIR KIND
//
// KIND:
//   bytelevel      ByteLevel pre-tokenizer with its GPT-2 regex, merges as "a b" strings
//   prefix         same with add_prefix_space
//   split-cl100k   Sequence[Split(cl100k regex, Isolated), ByteLevel(use_regex false)],
//                  merges as ["a","b"] pairs, ignore_merges true
//   split-o200k    the same with the o200k regex and ignore_merges false
//   split-removed  Sequence[Split(String " ", Removed), Split(Regex \s*\d, Isolated),
//                  ByteLevel(add_prefix_space, use_regex false)]: spaces dropped, digits
//                  isolated with the white space before them, a space prefixed to each piece
//   gpt2-files     encoder.json + vocab.bpe (GPT-2's original format)
// Merges are recovered from the ranks as tiktoken defines them: a token of rank r is the
// merge of the two parts that BPE with ranks below r leaves of its bytes.
"use strict";
const fs = require("fs");
const path = require("path");
const [vocabPath, outdir, kind] = process.argv.slice(2);
const specialsPath = vocabPath + ".json";

const PAT = {
  gpt2: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  cl100k: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  o200k: "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

// GPT-2's byte-to-unicode table.
const b2u = [];
{
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const keep = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae;
    b2u[b] = String.fromCodePoint(keep ? b : 256 + n++);
  }
}
const spell = (latin1) => Array.from(latin1, (c) => b2u[c.charCodeAt(0)]).join("");

const ranks = new Map(); // latin1 string -> rank
const byRank = [];
for (const line of fs.readFileSync(vocabPath, "utf8").split("\n")) {
  if (!line) continue;
  const [b64, r] = line.split(" ");
  const s = Buffer.from(b64, "base64").toString("latin1");
  ranks.set(s, Number(r));
  byRank[Number(r)] = s;
}
const specials = fs.existsSync(specialsPath) ? JSON.parse(fs.readFileSync(specialsPath, "utf8")).special_tokens : {};

function parts(tok, maxRank) {
  let p = Array.from(tok);
  for (;;) {
    let best = Infinity, bi = -1;
    for (let i = 0; i + 1 < p.length; i++) {
      const r = ranks.get(p[i] + p[i + 1]);
      if (r !== undefined && r < maxRank && r < best) { best = r; bi = i; }
    }
    if (bi < 0) return p;
    p.splice(bi, 2, p[bi] + p[bi + 1]);
  }
}

const vocab = {};
const merges = [];
for (let r = 0; r < byRank.length; r++) {
  const t = byRank[r];
  if (t === undefined) continue;
  vocab[spell(t)] = r;
  if (t.length < 2) continue;
  const p = parts(t, r);
  if (p.length === 2) merges.push([spell(p[0]), spell(p[1])]);
}
fs.mkdirSync(outdir, { recursive: true });
if (kind === "gpt2-files") {
  for (const [k, id] of Object.entries(specials)) vocab[k] = id;
  fs.writeFileSync(path.join(outdir, "encoder.json"), JSON.stringify(vocab));
  fs.writeFileSync(path.join(outdir, "vocab.bpe"), "#version: 0.2\n" + merges.map((m) => m.join(" ")).join("\n") + "\n");
  process.exit(0);
}
// HuggingFace numbers added tokens after the vocab without gaps, whatever the file says.
const nVocab = Object.keys(vocab).length;
const added = Object.entries(specials).sort((a, b) => a[1] - b[1]).map(([content], i) => ({
  id: nVocab + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
}));
let pre, ignoreMerges = false, mergeList = merges.map((m) => m.join(" "));
if (kind === "bytelevel" || kind === "prefix") {
  pre = { type: "ByteLevel", add_prefix_space: kind === "prefix", trim_offsets: true, use_regex: true };
} else if (kind === "split-cl100k" || kind === "split-o200k") {
  pre = {
    type: "Sequence",
    pretokenizers: [
      { type: "Split", pattern: { Regex: kind === "split-cl100k" ? PAT.cl100k : PAT.o200k }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  };
  ignoreMerges = kind === "split-cl100k";
  mergeList = merges;
} else if (kind === "split-removed") {
  pre = {
    type: "Sequence",
    pretokenizers: [
      { type: "Split", pattern: { String: " " }, behavior: "Removed", invert: false },
      { type: "Split", pattern: { Regex: "\\s*\\d" }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: false },
    ],
  };
} else {
  throw new Error("unknown kind " + kind);
}
const tj = {
  version: "1.0", truncation: null, padding: null, added_tokens: added, normalizer: null,
  pre_tokenizer: pre,
  post_processor: { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
  decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: {
    type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
    fuse_unk: false, byte_fallback: false, ignore_merges: ignoreMerges, vocab, merges: mergeList,
  },
};
fs.writeFileSync(path.join(outdir, "tokenizer.json"), JSON.stringify(tj));
