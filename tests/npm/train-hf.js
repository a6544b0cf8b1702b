#!/usr/bin/env node
// Trains a byte-level BPE with the `tokenizers` package (HuggingFace's Rust library, native
// binding) the way its `train(files)` does: the default BpeTrainer (vocab 30000, no specials,
// min_frequency 0) behind the ByteLevel pre-tokenizer (GPT-2's regex, no prefix space).
// Files are read line by line, each line with its "\n".
//
//   train-hf.js OUT.json FILE...
"use strict";
const { Tokenizer, BPE, byteLevelPreTokenizer } = require("tokenizers");
const [out, ...files] = process.argv.slice(2);
if (!out || !files.length) {
  console.error("usage: train-hf.js OUT.json FILE...");
  process.exit(2);
}
const tok = new Tokenizer(BPE.empty());
tok.setPreTokenizer(byteLevelPreTokenizer(false, true));
tok.train(files);
tok.save(out);
