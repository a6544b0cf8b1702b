#!/usr/bin/env node
// tokenize-corpus.js KIND MB OUT.jsonl: benchmark input for bench/tokenize-bench.sh.
//   prose: sentences from Debian-shipped English text (common-licenses, /usr/share/doc
//          READMEs, NEWS, changelogs, copyright files), sampled with a seeded generator into
//          documents of 5-40 sentences until MB megabytes: no document is repeated.
//   code:  whole source files (/usr/include headers, /usr/lib/python3 modules), each used once
//          in seeded random order, cut into documents of at most 64 KB, until MB megabytes
//          (or the files run out).
//   mixed: multilingual text interleaved with code: documents of 3-10 segments joined by blank
//          lines, each segment (seeded choice) a passage of a translated man page
//          (/usr/share/man/<lang>/, roff markup stripped; the language drawn first, so the ~25
//          languages and their scripts - Latin, Cyrillic, CJK - are about equally likely) or a
//          fortune (de, es, it, ru, zh) in half the cases, 20-80 lines of a code file (as for
//          code) in 3 of 10, an English prose sentence run in 2 of 10; until MB megabytes.
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
function proseSentences() {
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
  return uniq;
}
function codeFiles() {
  const files = walk("/usr/include", (p) => /\.(h|hpp)$/.test(p), []).concat(
    walk("/usr/lib/python3", (p) => p.endsWith(".py"), []),
    walk("/usr/lib/python3.11", (p) => p.endsWith(".py"), []));
  for (let i = files.length - 1; i > 0; i--) {
    const j = rnd(i + 1);
    [files[i], files[j]] = [files[j], files[i]];
  }
  return files;
}
// man page text without roff markup (as bench/clean_langid_set.py)
const ROFF_ESC = /\\f[BIRP]|\\f\(..|\\\(..|\\[-&e|^]|\\s[-+]?\d|\\\*\(..|\\\*./g;
function manText(p) {
  const raw = readText(p);
  if (!raw) return "";
  const out = [];
  for (let line of raw.split("\n")) {
    if (line.startsWith(".") || line.startsWith("'")) {
      const m = /^\.(?:B|I|BR|IR|RB|BI|IB|SH|SS)\s+(.*)/.exec(line);
      if (!m) continue;
      line = m[1].replace(/"/g, "");
    }
    out.push(line.replace(ROFF_ESC, ""));
  }
  return out.join(" ").replace(/\s+/g, " ").trim();
}
// passages of 200-800 characters per language: translated man pages (at most 60 files per
// language, seeded choice) and the foreign-language fortunes
function multilingual() {
  const byLang = new Map();
  const add = (lang, t) => {
    if (!byLang.has(lang)) byLang.set(lang, []);
    for (let o = 0; o < t.length;) {
      const n = 200 + rnd(600);
      const piece = t.slice(o, o + n).trim();
      if (piece.length >= 100) byLang.get(lang).push(piece);
      o += n;
    }
  };
  let dirs = [];
  try { dirs = fs.readdirSync("/usr/share/man").sort(); } catch { /* none */ }
  for (const d of dirs) {
    if (d.startsWith("man") || d.includes(".")) continue;
    const pages = walk(path.join("/usr/share/man", d), (p) => p.endsWith(".gz"), []).sort();
    for (let i = 0; i < 60 && pages.length; i++) add(d.split("_")[0], manText(pages.splice(rnd(pages.length), 1)[0]));
  }
  const F = "/usr/share/games/fortunes";
  for (const [lang, dir] of [["de", F + "/de"], ["es", F + "/es"], ["it", F + "/it"], ["ru", F + "/ru"], ["zh", F]]) {
    const files = lang === "zh" ? ["chinese", "tang300", "song100"].map((f) => path.join(F, f))
      : walk(dir, (p) => !p.endsWith(".dat") && !p.endsWith(".u8"), []).sort();
    for (const f of files) {
      const t = readText(fs.existsSync(f + ".u8") ? f + ".u8" : f);
      if (!t) continue;
      if (!byLang.has(lang)) byLang.set(lang, []);
      for (const q of t.split("\n%\n")) if (q.trim().length >= 60) byLang.get(lang).push(q.trim());
    }
  }
  const langs = Array.from(byLang.keys()).filter((l) => byLang.get(l).length).sort();
  process.stderr.write(`mixed: ${langs.length} languages: ${langs.map((l) => l + " " + byLang.get(l).length).join(", ")}\n`);
  return langs.map((l) => byLang.get(l));
}
if (kind === "prose") {
  const uniq = proseSentences();
  while (total < target) {
    const n = 5 + rnd(36);
    const parts = [];
    for (let i = 0; i < n; i++) parts.push(uniq[rnd(uniq.length)]);
    const text = parts.join(rnd(4) ? " " : "\n\n");
    fs.writeSync(out, JSON.stringify({ id: "prose-" + ndoc++, text }) + "\n");
    total += Buffer.byteLength(text);
  }
} else if (kind === "code") {
  const files = codeFiles();
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
} else if (kind === "mixed") {
  const sentences = proseSentences();
  const langs = multilingual();
  const files = codeFiles();
  let fi = 0;
  const codeChunk = () => {
    for (;;) {
      const t = readText(files[fi++ % files.length]);
      if (!t) continue;
      const lines = t.split("\n");
      const n = 20 + rnd(61), o = rnd(Math.max(1, lines.length - n));
      const c = lines.slice(o, o + n).join("\n").trim();
      if (c.length >= 100) return c;
    }
  };
  while (total < target) {
    const parts = [];
    for (let n = 3 + rnd(8); n > 0; n--) {
      const r = rnd(10);
      if (r < 5) {
        const pool = langs[rnd(langs.length)];
        parts.push(pool[rnd(pool.length)]);
      } else if (r < 8) {
        parts.push(codeChunk());
      } else {
        const k = 2 + rnd(6), s = [];
        for (let i = 0; i < k; i++) s.push(sentences[rnd(sentences.length)]);
        parts.push(s.join(" "));
      }
    }
    const text = parts.join("\n\n");
    fs.writeSync(out, JSON.stringify({ id: "mixed-" + ndoc++, text }) + "\n");
    total += Buffer.byteLength(text);
  }
} else {
  throw new Error("kind must be prose, code or mixed");
}
fs.closeSync(out);
process.stderr.write(`${kind}: ${ndoc} documents, ${(total / 1e6).toFixed(1)} MB of text\n`);
