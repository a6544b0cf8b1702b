#!/usr/bin/env node
// Oracle for `grist tokenize --chat-template`: renders conversations with @huggingface/jinja (the
// Jinja engine transformers.js uses for chat templates) and checks grist's output against it.
//
//   chat-oracle.js TEMPLATE CONVS.jsonl GRIST_TEXT.jsonl REJECTS.jsonl [--bos S] [--eos S]
//                  [--tokenizer tokenizer.json GRIST_TOKENS.jsonl --eot S[,S...]]
//
// TEMPLATE is a tokenizer_config.json (chat_template, bos_token, eos_token as strings or
// AddedToken objects) or a Jinja file. GRIST_TEXT is `--to text` output, REJECTS its --rejects
// file: every conversation the reference renders must be in GRIST_TEXT with byte-identical text,
// every one it refuses (raise_exception) must be rejected by grist as template_error.
// --tokenizer: GRIST_TOKENS is `--to jsonl` output; ids must equal HF tokenizers' encoding of the
// reference text, and each run of mask-1 tokens must decode to an assistant content (as given or
// trimmed) followed by one of the end-of-turn strings, with at most a few template bytes before
// it (a token merging the template's space with the first word). Exit 1 on any difference.
"use strict";
const fs = require("fs");
const path = require("path");
const { Template } = require("@huggingface/jinja");

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return null;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const bosArg = opt("--bos"), eosArg = opt("--eos"), eotArg = opt("--eot");
// --skip ID: a conversation where @huggingface/jinja is known to differ from Python Jinja.
const skip = (opt("--skip") || "").split(",").filter(Boolean);
const tokIdx = args.indexOf("--tokenizer");
let tokFile = null, gristTokens = null;
if (tokIdx >= 0) {
  tokFile = args[tokIdx + 1];
  gristTokens = args[tokIdx + 2];
  args.splice(tokIdx, 3);
}
const [tplPath, convPath, textPath, rejectsPath] = args;
const readJsonl = (p) => fs.readFileSync(p, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
const tokenText = (t) => (t && typeof t === "object" ? t.content : t);

let source, bos = bosArg, eos = eosArg;
if (tplPath.endsWith(".json")) {
  const cfg = JSON.parse(fs.readFileSync(tplPath, "utf8"));
  source = cfg.chat_template;
  if (Array.isArray(source)) source = source.find((t) => t.name === "default").template;
  bos = bos ?? tokenText(cfg.bos_token);
  eos = eos ?? tokenText(cfg.eos_token);
} else {
  source = fs.readFileSync(tplPath, "utf8");
}
const tpl = new Template(source);
const vars = { add_generation_prompt: false };
if (bos != null) vars.bos_token = bos;
if (eos != null) vars.eos_token = eos;

const convs = readJsonl(convPath);
const got = new Map(readJsonl(textPath).map((r) => [r.id, r.text]));
const rejected = new Map(readJsonl(rejectsPath).map((r) => [r.record && r.record.id, r.rule]));
let bad = 0, rendered = 0, refused = 0;
const fail = (msg) => { if (bad++ < 20) console.log("FAIL: " + msg); };
const want = new Map();
for (const c of convs) {
  if (skip.includes(c.id)) continue;
  let text;
  try {
    text = tpl.render({ ...vars, messages: c.messages });
  } catch (e) {
    refused++;
    if (rejected.get(c.id) !== "template_error")
      fail(`${c.id}: the reference refuses it (${e.message}) but grist gives ${got.has(c.id) ? "a rendering" : rejected.get(c.id)}`);
    continue;
  }
  rendered++;
  want.set(c.id, text);
  if (!got.has(c.id)) { fail(`${c.id}: missing from grist's output (rejected: ${rejected.get(c.id)})`); continue; }
  const g = got.get(c.id);
  if (g !== text) {
    let k = 0;
    while (k < g.length && g[k] === text[k]) k++;
    fail(`${c.id}: text differs at char ${k}: grist ${JSON.stringify(g.slice(k, k + 40))} reference ${JSON.stringify(text.slice(k, k + 40))}`);
  }
}

async function checkTokens() {
  const { Tokenizer } = require("tokenizers");
  const tok = Tokenizer.fromFile(tokFile);
  const eots = eotArg.split(",");
  const docs = readJsonl(gristTokens);
  let tokens = 0, spans = 0;
  for (const d of docs) {
    const text = want.get(d.id);
    if (text === undefined) continue;
    const ids = (await tok.encode(text, null, { addSpecialTokens: false })).getIds();
    tokens += ids.length;
    if (ids.length !== d.tokens.length || ids.some((x, i) => x !== d.tokens[i])) {
      let k = 0;
      while (k < ids.length && ids[k] === d.tokens[k]) k++;
      fail(`${d.id}: token ${k} differs: grist ${d.tokens.slice(k, k + 5)} tokenizers ${ids.slice(k, k + 5)}`);
      continue;
    }
    if (!d.mask || d.mask.length !== d.tokens.length) { fail(`${d.id}: mask missing or of the wrong length`); continue; }
    const conv = convs.find((c) => c.id === d.id);
    const replies = conv.messages.filter((m) => m.role === "assistant").map((m) => m.content);
    const runs = [];
    for (let i = 0; i < d.mask.length;) {
      if (!d.mask[i]) { i++; continue; }
      let j = i;
      while (j < d.mask.length && d.mask[j]) j++;
      runs.push(await tok.decode(d.tokens.slice(i, j), false));
      i = j;
    }
    const expected = replies.filter((r) => r.trim().length > 0);
    if (runs.length !== expected.length) { fail(`${d.id}: ${runs.length} mask runs for ${expected.length} replies: ${JSON.stringify(runs)}`); continue; }
    runs.forEach((run, k) => {
      spans++;
      const r = expected[k];
      const ok = [r, r.trim()].some((c) => eots.some((e) => run.endsWith(c + e) && run.length - (c + e).length <= 3 &&
        text.includes(run)));
      if (!ok) fail(`${d.id}: mask run ${k} decodes to ${JSON.stringify(run)}, not the reply ${JSON.stringify(r)} + end of turn`);
    });
  }
  console.log(`chat-oracle: ${tokens} tokens, ${spans} mask runs checked against tokenizers`);
}

(async () => {
  if (tokFile) await checkTokens();
  console.log(`chat-oracle: ${path.basename(tplPath)}: ${rendered} rendered, ${refused} refused by the reference, ${bad} failures`);
  process.exit(bad ? 1 : 0);
})();
