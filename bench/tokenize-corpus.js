#!/usr/bin/env node
// tokenize-corpus.js KIND MB OUT.jsonl: benchmark input for bench/tokenize-bench.sh.
//   prose: sentences from Debian-shipped English text (common-licenses, /usr/share/doc
//          READMEs, NEWS, changelogs, copyright files), sampled with a seeded generator into
//          documents of 5-40 sentences until MB megabytes: no document is repeated.
//   code:  whole source files (/usr/include headers, /usr/lib/python3 modules), each used once
//          in seeded random order, cut into documents of at most 64 KB, until MB megabytes
//          (or the files run out).
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const [kind, mbArg, outPath] = process.argv.slice(2);
const target = Number(mbArg) * 1e6;
let seed = 20240520;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
function walk(dir, pred, out, depth = 0) {
  let ents;
  try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of ents) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth < 6) walk(p, pred, out, depth + 1);
    else if (e.isFile() && pred(p)) out.push(p);
  }
  return out;
}
function readText(p) {
  try {
    let b = fs.readFileSync(p);
    if (p.endsWith(".gz")) b = zlib.gunzipSync(b);
    const s = b.toString("utf8");
    return s.includes("\ufffd") || s.includes("\0") ? null : s;
  } catch { return null; }
}
const out = fs.openSync(outPath, "w");
let total = 0, ndoc = 0;
if (kind === "prose") {
  const files = walk("/usr/share/common-licenses", () => true, []).concat(
    walk("/usr/share/doc", (p) => /(README|NEWS|changelog|copyright|\.txt)(\.gz)?$/i.test(path.basename(p)), []));
  const sentences = [];
  for (const f of files) {
    const t = readText(f);
    if (!t) continue;
    for (let s of t.replace(/\s+/g, " ").split(/(?<=[.!?])\s+/)) {
      s = s.trim();
      const letters = (s.match(/[A-Za-z]/g) || []).length;
      if (s.length >= 20 && s.length <= 400 && letters / s.length > 0.7) sentences.push(s);
    }
  }
  const uniq = Array.from(new Set(sentences));
  process.stderr.write(`prose: ${uniq.length} distinct sentences from ${files.length} files\n`);
  while (total < target) {
    const n = 5 + rnd(36);
    const parts = [];
    for (let i = 0; i < n; i++) parts.push(uniq[rnd(uniq.length)]);
    const text = parts.join(rnd(4) ? " " : "\n\n");
    fs.writeSync(out, JSON.stringify({ id: "prose-" + ndoc++, text }) + "\n");
    total += Buffer.byteLength(text);
  }
} else if (kind === "code") {
  const files = walk("/usr/include", (p) => /\.(h|hpp)$/.test(p), []).concat(
    walk("/usr/lib/python3", (p) => p.endsWith(".py"), []),
    walk("/usr/lib/python3.11", (p) => p.endsWith(".py"), []));
  for (let i = files.length - 1; i > 0; i--) {
    const j = rnd(i + 1);
    [files[i], files[j]] = [files[j], files[i]];
  }
  for (const f of files) {
    if (total >= target) break;
    const t = readText(f);
    if (!t) continue;
    for (let o = 0; o < t.length && total < target; o += 65536) {
      const text = t.slice(o, o + 65536);
      fs.writeSync(out, JSON.stringify({ id: f + "#" + o, text }) + "\n");
      total += Buffer.byteLength(text);
      ndoc++;
    }
  }
  process.stderr.write(`code: ${files.length} files available\n`);
} else {
  throw new Error("kind must be prose or code");
}
fs.closeSync(out);
process.stderr.write(`${kind}: ${ndoc} documents, ${(total / 1e6).toFixed(1)} MB of text\n`);
