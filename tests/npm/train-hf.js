#!/usr/bin/env node
// Trains a byte-level BPE with the `tokenizers` package (HuggingFace's Rust library, native
// binding) through `train(files)`, which uses the default BpeTrainer (vocab 30000, no
// specials, min_frequency 0). Files are read line by line, each line with its "\n".
//
//   train-hf.js OUT.json FILE...               ByteLevel pre-tokenizer (GPT-2's regex, no
//                                              prefix space), as the comparison asks
//   train-hf.js --regex RE OUT.json FILE...    Split(RE, Isolated) then ByteLevel without its
//                                              regex: the pre-tokenizer grist writes
"use strict";
const { Tokenizer, BPE, byteLevelPreTokenizer } = require("tokenizers");
let args = process.argv.slice(2);
let regex = null;
if (args[0] === "--regex") {
  regex = args[1];
  args = args.slice(2);
}
const [out, ...files] = args;
if (!out || !files.length) {
  console.error("usage: train-hf.js [--regex RE] OUT.json FILE...");
  process.exit(2);
}
let tok;
if (regex === null) {
  tok = new Tokenizer(BPE.empty());
  tok.setPreTokenizer(byteLevelPreTokenizer(false, true));
} else {
  // The binding's splitPreTokenizer takes a literal string; a Regex pattern needs the JSON form.
  tok = Tokenizer.fromString(JSON.stringify({
    version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null,
    pre_tokenizer: { type: "Sequence", pretokenizers: [
      { type: "Split", pattern: { Regex: regex }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false }] },
    post_processor: null, decoder: null,
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null,
             end_of_word_suffix: null, fuse_unk: false, byte_fallback: false,
             ignore_merges: false, vocab: {}, merges: [] },
  }));
}
tok.train(files);
tok.save(out);
