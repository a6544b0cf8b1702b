#!/usr/bin/env node
// Writes the tiny byte-level tokenizer.json fixture used by the error tests: the 256 byte
// tokens, a few merges, one added token.
"use strict";
const b2u = [];
let n = 0;
for (let b = 0; b < 256; b++) {
  const keep = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae;
  b2u[b] = String.fromCodePoint(keep ? b : 256 + n++);
}
const vocab = {};
b2u.forEach((c, i) => (vocab[c] = i));
const merges = ["Ġ t", "h e", "Ġt he", "i n", "Ġ in"];
for (const m of merges) vocab[m.replace(" ", "")] = Object.keys(vocab).length;
const tj = {
  version: "1.0", truncation: null, padding: null,
  added_tokens: [{ id: Object.keys(vocab).length, content: "<|endoftext|>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: null, decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
};
process.stdout.write(JSON.stringify(tj, null, 1) + "\n");
