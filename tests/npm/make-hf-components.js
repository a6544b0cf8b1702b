#!/usr/bin/env node
// Writes tokenizer.json files exercising the components of HuggingFace tokenizers that the
// model-derived files of make-hf.js do not (issue 15), for t6013's parity checks against npm
// tokenizers:
//
//   make-hf-components.js KIND OUT.json BASE.json        KIND ms-*: Llama 2's hub file (BASE,
//                                                        SentencePiece-style BPE) with its
//                                                        Prepend/Replace normalizer swapped for
//                                                        a Metaspace pre-tokenizer and decoder
//   make-hf-components.js KIND OUT.json TRAIN.txt...     KIND wp-*, wl-*: a model trained by
//                                                        tokenizers itself (train(files), the
//                                                        model's default trainer) on TRAIN
//
// Metaspace kinds: ms-first (prepend_scheme first, split false: how current Llama/Mistral
// conversions look), ms-always (always, split), ms-never (never, split), ms-legacy (only the
// legacy add_prefix_space true), ms-legacy-off (add_prefix_space false with prepend_scheme
// never), ms-refused (add_prefix_space false alone: tokenizers refuses the file), ms-t5
// (Sequence[WhitespaceSplit, Metaspace], as T5 and ALBERT ship), ms-underscore (replacement "_"),
// ms-scripts (Sequence[UnicodeScripts, Metaspace first]), ms-fixed (FixedLength 3 before it).
// bl-norm: BASE (byte-level BPE) with the ByteLevel normalizer instead of the pre-tokenizer.
// WordPiece kinds: wp-bert (BertNormalizer lowercasing, BertPreTokenizer, WordPiece decoder,
// BertProcessing), wp-cased (BertNormalizer without lowercase/strip_accents, chinese chars off,
// max_input_chars_per_word 12), wp-seq (no normalizer; Sequence[WhitespaceSplit, Punctuation,
// Digits(individual)], prefix "@@"). WordLevel: wl-ws (Whitespace pre-tokenizer, [UNK]),
// wl-split (WhitespaceSplit, BertNormalizer, Digits contiguous). Unigram: ug-meta (Metaspace,
// NFKC, <unk> added with the lowest score), ug-fallback (byte_fallback with the 256 <0xNN>
// pieces, Metaspace first without split, decoder Metaspace + ByteFallback + Fuse).
// BPE with affixes (learned here on TRAIN, see affixBpe): bpe-suffix (openai-gpt's layout:
// BertNormalizer, BertPreTokenizer, end_of_word_suffix </w>, BPEDecoder), bpe-prefix
// (continuing_subword_prefix ##, fuse_unk, Whitespace, WordPiece decoder), bpe-both (@@ and
// </w>, byte_fallback without the lead bytes of 3- and 4-byte characters), bpe-unk-bytes (no
// affix, the same partial byte fallback). CTC decoder: wl-ctc, wl-ctc-raw (cleanup off) over
// a trained WordLevel. wl-added: added tokens' lstrip / rstrip / single_word next to white-space
// added tokens (addedFlags).
"use strict";
const fs = require("fs");
const { Tokenizer } = require("tokenizers");
const [kind, out, ...inputs] = process.argv.slice(2);
if (!kind || !out || !inputs.length) {
  console.error("usage: make-hf-components.js KIND OUT.json BASE.json|TRAIN.txt...");
  process.exit(2);
}

const META = {
  "ms-first": { replacement: "▁", prepend_scheme: "first", split: false },
  "ms-always": { replacement: "▁", prepend_scheme: "always", split: true },
  "ms-never": { replacement: "▁", prepend_scheme: "never", split: true },
  "ms-legacy": { replacement: "▁", add_prefix_space: true },
  "ms-legacy-off": { replacement: "▁", add_prefix_space: false, prepend_scheme: "never" },
  "ms-refused": { replacement: "▁", add_prefix_space: false }, // tokenizers refuses it
  "ms-t5": { replacement: "▁", prepend_scheme: "always", split: true },
  "ms-underscore": { replacement: "_", prepend_scheme: "first", split: true },
  "ms-scripts": { replacement: "▁", prepend_scheme: "first", split: true },
  "ms-fixed": { replacement: "▁", prepend_scheme: "first", split: true },
};

function metaspace() {
  const j = JSON.parse(fs.readFileSync(inputs[0], "utf8"));
  const m = { type: "Metaspace", ...META[kind] };
  j.normalizer = null;
  const before = { "ms-t5": { type: "WhitespaceSplit" }, "ms-scripts": { type: "UnicodeScripts" },
    "ms-fixed": { type: "FixedLength", length: 3 } }[kind];
  j.pre_tokenizer = before ? { type: "Sequence", pretokenizers: [before, m] } : m;
  j.decoder = { type: "Sequence", decoders: [m, { type: "ByteFallback" }, { type: "Fuse" }] };
  return j;
}

const BERT = (o) => ({ type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true, ...o });
const SPECIALS = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"];

// Trains with the model's default trainer, then adds the BERT specials as added tokens (the
// default trainers add none) after the trained vocab.
function trained(model, normalizer, pre, decoder) {
  const tok = Tokenizer.fromString(JSON.stringify({
    version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer, pre_tokenizer: pre,
    post_processor: null, decoder, model,
  }));
  tok.train(inputs);
  const tmp = out + ".tmp";
  tok.save(tmp);
  const j = JSON.parse(fs.readFileSync(tmp, "utf8"));
  fs.unlinkSync(tmp);
  let n = Object.keys(j.model.vocab).length;
  j.added_tokens = SPECIALS.map((content) => {
    if (!(content in j.model.vocab)) j.model.vocab[content] = n++;
    return { id: j.model.vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
  });
  j.post_processor = { type: "BertProcessing", sep: ["[SEP]", j.model.vocab["[SEP]"]], cls: ["[CLS]", j.model.vocab["[CLS]"]] };
  return j;
}

const wordpiece = (prefix, maxChars) => ({
  type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: prefix, max_input_chars_per_word: maxChars, vocab: {},
});

// A Unigram trained by tokenizers (UnigramTrainer defaults), with <unk> (and the byte pieces
// for byte_fallback) added after the trained pieces, at the lowest trained score.
function unigram(fallback) {
  const meta = { type: "Metaspace", replacement: "▁", prepend_scheme: fallback ? "first" : "always", split: !fallback };
  const tok = Tokenizer.fromString(JSON.stringify({
    version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: fallback ? null : { type: "NFKC" },
    pre_tokenizer: meta, post_processor: null,
    decoder: { type: "Sequence", decoders: [meta, { type: "ByteFallback" }, { type: "Fuse" }] },
    model: { type: "Unigram", unk_id: null, vocab: [], byte_fallback: false },
  }));
  tok.train(inputs);
  const tmp = out + ".tmp";
  tok.save(tmp);
  const u = JSON.parse(fs.readFileSync(tmp, "utf8"));
  fs.unlinkSync(tmp);
  const min = Math.min(...u.model.vocab.map((e) => e[1]));
  const have = new Set(u.model.vocab.map((e) => e[0]));
  if (!have.has("<unk>")) u.model.vocab.push(["<unk>", min]);
  u.model.unk_id = u.model.vocab.findIndex((e) => e[0] === "<unk>");
  if (fallback) {
    for (let b = 0; b < 256; b++) {
      const p = "<0x" + b.toString(16).toUpperCase().padStart(2, "0") + ">";
      if (!have.has(p)) u.model.vocab.push([p, min]);
    }
    u.model.byte_fallback = true;
  }
  u.added_tokens = [{ id: u.model.unk_id, content: "<unk>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
  return u;
}

// A BPE with continuing_subword_prefix / end_of_word_suffix, learned here (tokenizers' own
// trainer, run through Tokenizer.train, drops the affixes): words of the training text, each
// character its symbol (the prefix before all but the first, the suffix after the last), then
// the most frequent adjacent pair merged, first pair in order of appearance on ties, a + b
// without b's prefix, as tokenizers builds merged tokens.
function affixBpe(prefix, suffix, merges, splitRe) {
  const words = new Map();
  for (const f of inputs) {
    for (const w of fs.readFileSync(f, "utf8").toLowerCase().split(splitRe)) if (w) words.set(w, (words.get(w) || 0) + 1);
  }
  const seqs = [...words].map(([w, n]) => {
    const cs = [...w];
    return { n, s: cs.map((c, i) => (i ? prefix : "") + c + (i === cs.length - 1 ? suffix : "")) };
  });
  const vocab = {};
  let next = 0;
  const add = (t) => { if (!(t in vocab)) vocab[t] = next++; };
  for (const t of ["<unk>", "[CLS]", "[SEP]", "<pad>", "|"]) add(t);
  for (const { s: sy } of seqs) sy.forEach(add);
  const out = [];
  for (let k = 0; k < merges; k++) {
    const count = new Map();
    for (const { n, s: sy } of seqs) for (let i = 0; i + 1 < sy.length; i++) {
      const key = sy[i] + "\u0000" + sy[i + 1];
      count.set(key, (count.get(key) || 0) + n);
    }
    let best = null, bn = 1;
    for (const [key, n] of count) if (n > bn) { best = key; bn = n; }
    if (!best) break;
    const [a, b] = best.split("\u0000");
    const m = a + b.slice(prefix.length);
    add(m);
    out.push([a, b]);
    for (const q of seqs) {
      const r = [];
      for (let i = 0; i < q.s.length; i++) {
        if (i + 1 < q.s.length && q.s[i] === a && q.s[i + 1] === b) { r.push(m); i++; } else r.push(q.s[i]);
      }
      q.s = r;
    }
  }
  return { vocab, merges: out };
}

function affixFile(prefix, suffix, o) {
  const { vocab, merges } = affixBpe(prefix, suffix, 1500, /[\s\p{P}]+/u);
  if (o.bytes) {
    // byte fallback for every byte but the lead bytes of 3- and 4-byte characters: 2-byte
    // characters fall back to bytes, CJK, Hindi, Thai become the unknown token
    let n = Object.keys(vocab).length;
    for (let b = 0; b < 256; b++) {
      if (b >= 0xe0 && b <= 0xf7) continue;
      const p = "<0x" + b.toString(16).toUpperCase().padStart(2, "0") + ">";
      if (!(p in vocab)) vocab[p] = n++;
    }
  }
  const model = { type: "BPE", dropout: null, unk_token: "<unk>", continuing_subword_prefix: prefix || null,
    end_of_word_suffix: suffix || null, fuse_unk: !!o.fuse, byte_fallback: !!o.bytes, ignore_merges: false, vocab, merges };
  return {
    version: "1.0", truncation: null, padding: null,
    added_tokens: ["<unk>", "[CLS]", "[SEP]", "<pad>"].map((content) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: o.normalizer || null, pre_tokenizer: o.pre, model, decoder: o.decoder,
    post_processor: { type: "BertProcessing", sep: ["[SEP]", vocab["[SEP]"]], cls: ["[CLS]", vocab["[CLS]"]] },
  };
}

// Added tokens with every matching flag next to white-space added tokens, over a vocabulary of
// single characters (each character its own piece): rstrip then a "\n\n" token inside the
// stripped spaces, lstrip after another token, single_word.
function addedFlags() {
  const vocab = {};
  let n = 0;
  for (const c of "abcdefghijklmnopqrstuvwxyz \n\t<>XLSW") vocab[c] = n++;
  vocab["<unk>"] = n++;
  const flags = [["<X>", { rstrip: true }], ["\n\n", { special: false }], ["  ", { special: false }],
    ["<L>", { lstrip: true }], ["<SW>", { single_word: true }], ["<B>", { lstrip: true, rstrip: true }]];
  return {
    version: "1.0", truncation: null, padding: null, normalizer: null, post_processor: null, decoder: null,
    added_tokens: flags.map(([content, f]) => ({ id: n++, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...f })),
    pre_tokenizer: { type: "Split", pattern: { Regex: "[\\s\\S]" }, behavior: "Isolated", invert: false },
    model: { type: "WordLevel", vocab, unk_token: "<unk>" },
  };
}

let j;
if (kind === "bl-norm") {
  // BASE (a byte-level BPE hub file, e.g. GPT-4o's) with the ByteLevel normalizer instead of the
  // ByteLevel pre-tokenizer: the model then runs over characters of the GPT-2 alphabet, split
  // before each "Ġ" (a mapped space); the ByteLevel decoder maps them back
  j = JSON.parse(fs.readFileSync(inputs[0], "utf8"));
  j.normalizer = { type: "ByteLevel" };
  j.pre_tokenizer = { type: "Split", pattern: { Regex: "Ġ" }, behavior: "MergedWithNext", invert: false };
  j.decoder = { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true };
} else if (kind === "ms-fixed") {
  j = metaspace();
} else if (kind === "wl-added") {
  j = addedFlags();
} else if (kind === "bpe-suffix") {
  // openai-gpt's layout: BertNormalizer, BertPreTokenizer, BPE with </w>, BPEDecoder
  j = affixFile("", "</w>", { normalizer: BERT({}), pre: { type: "BertPreTokenizer" }, decoder: { type: "BPEDecoder", suffix: "</w>" } });
} else if (kind === "bpe-prefix") {
  j = affixFile("##", "", { fuse: true, pre: { type: "Whitespace" }, decoder: { type: "WordPiece", prefix: "##", cleanup: true } });
} else if (kind === "bpe-both") {
  j = affixFile("@@", "</w>", { bytes: true, pre: { type: "WhitespaceSplit" },
    decoder: { type: "Sequence", decoders: [{ type: "BPEDecoder", suffix: "</w>" }, { type: "Replace", pattern: { String: "@@" }, content: "" }, { type: "ByteFallback" }, { type: "Fuse" }] } });
} else if (kind === "bpe-unk-bytes") {
  // no affix: an unknown token next to byte-fallback characters (tokenizers puts it after them)
  j = affixFile("", "", { bytes: true, pre: { type: "WhitespaceSplit" }, decoder: { type: "Sequence", decoders: [{ type: "ByteFallback" }, { type: "Fuse" }] } });
} else if (kind === "wl-ctc" || kind === "wl-ctc-raw") {
  j = trained({ type: "WordLevel", vocab: {}, unk_token: "[UNK]" }, null, { type: "Whitespace" },
    { type: "CTC", pad_token: "[PAD]", word_delimiter_token: "[SEP]", cleanup: kind === "wl-ctc" });
} else if (kind === "ug-meta" || kind === "ug-fallback") {
  j = unigram(kind === "ug-fallback");
} else if (kind.startsWith("ms-")) {
  j = metaspace();
} else if (kind === "wp-bert") {
  j = trained(wordpiece("##", 100), BERT({}), { type: "BertPreTokenizer" }, { type: "WordPiece", prefix: "##", cleanup: true });
} else if (kind === "wp-cased") {
  j = trained(wordpiece("##", 12), BERT({ lowercase: false, handle_chinese_chars: false, strip_accents: false }),
    { type: "BertPreTokenizer" }, { type: "WordPiece", prefix: "##", cleanup: false });
} else if (kind === "wp-seq") {
  j = trained(wordpiece("@@", 100), null,
    { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }, { type: "Punctuation", behavior: "Isolated" }, { type: "Digits", individual_digits: true }] },
    { type: "WordPiece", prefix: "@@", cleanup: true });
} else if (kind === "wl-ws") {
  j = trained({ type: "WordLevel", vocab: {}, unk_token: "[UNK]" }, null, { type: "Whitespace" }, null);
} else if (kind === "wl-split") {
  j = trained({ type: "WordLevel", vocab: {}, unk_token: "[UNK]" }, BERT({ strip_accents: true }),
    { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }, { type: "Digits", individual_digits: false }] }, null);
} else {
  throw new Error("unknown kind " + kind);
}
fs.writeFileSync(out, JSON.stringify(j));
// The file must load in tokenizers as written (or be refused, for ms-refused).
let loads = true;
try { Tokenizer.fromFile(out); } catch (e) { loads = false; }
if (loads !== (kind !== "ms-refused")) throw new Error(`${kind}: tokenizers ${loads ? "loads" : "refuses"} it`);
