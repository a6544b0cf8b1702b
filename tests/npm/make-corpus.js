#!/usr/bin/env node
// Builds tests/fixtures/tokenize/corpus.jsonl, the parity corpus: slices of Debian-shipped
// texts (licenses, headers, Python sources, fortunes in Chinese and Russian) and hand-written
// documents aimed at the places where tokenizers disagree (whitespace runs, Unicode
// whitespace, U+FEFF, capital contractions, digits, emoji with joiners, combining marks,
// special-token text), plus seeded random mixtures of many scripts. Run once; the output is
// committed so the test does not depend on the machine's files.
"use strict";
const fs = require("fs");
const out = [];
const add = (id, text) => out.push(JSON.stringify({ id, text }));
const read = (p, max) => {
  try { return fs.readFileSync(p, "utf8").slice(0, max); } catch { return null; }
};
const slice = (s, n) => (s ? s.slice(0, n) : "");

// Real text from Debian packages.
for (const [id, p, n] of [
  ["license-gpl3", "/usr/share/common-licenses/GPL-3", 12000],
  ["license-apache", "/usr/share/common-licenses/Apache-2.0", 6000],
  ["license-artistic", "/usr/share/common-licenses/Artistic", 4000],
  ["code-c-stdio", "/usr/include/stdio.h", 9000],
  ["code-c-string", "/usr/include/string.h", 5000],
  ["code-python-json", "/usr/lib/python3.11/json/decoder.py", 8000],
  ["code-python-textwrap", "/usr/lib/python3.11/textwrap.py", 6000],
  ["code-shell", "/usr/bin/zcat", 3000],
  ["zh-fortunes", "/usr/share/games/fortunes/chinese", 6000],
  ["ru-fortunes", "/usr/share/games/fortunes/ru/2001.03", 6000],
  ["ar-locale", "/usr/share/i18n/locales/ar_EG", 5000],
  ["he-locale", "/usr/share/i18n/locales/he_IL", 3000],
  ["hi-locale", "/usr/share/i18n/locales/hi_IN", 3000],
  ["th-locale", "/usr/share/i18n/locales/th_TH", 3000],
]) {
  const t = read(p, n);
  if (t) add(id, t);
}

// Hand-written.
add("en-prose", "The quick brown fox jumps over the lazy dog. It's 5 o'clock somewhere; isn't it?\n\nNew paragraph:   three spaces,\ttab, and a trailing space \n");
add("contractions", "I'M SURE YOU'RE RIGHT. HE'LL GO, WE'VE SEEN, SHE'D KNOW, IT'S FINE, DON'T. i'm you're he'll we've she'd it's don't 's 'S 'T 'Re 'rE 'LL 'Ll 'ſ 'K x's X'S");
add("digits", "0 1 12 123 1234 12345 123456 3.14159 1,000,000 2024-05-20 ١٢٣٤٥ ①②③ ½ ¾ 〇一二三 Ⅻ 𝟙𝟚𝟛 99bottles bottles99");
add("whitespace-runs", "a  b   c    d\n\n\ne\n \n \n  f\t\t\tg \t \t h\r\ni\r\n\r\nj   \n   k" + " ".repeat(40) + "l" + "\n".repeat(12) + "m\t\n \t\n");
add("unicode-whitespace", "x\u00a0y\u1680z\u2000a\u2001b\u2002c\u2003d\u2004e\u2005f\u2006g\u2007h\u2008i\u2009j\u200ak\u2028l\u2029m\u202fn\u205fo\u3000p\u0085q\u000br\u000cs\u180et\u200bu\u200cv\u200dw\u2060x\ufeffy  \u00a0 \u3000\u3000z \u180e \ufeff end");
add("feff", "\ufeffStarts with a BOM.\ufeff And one \ufeff in the middle\ufeff\ufeff.\n\ufeff");
add("emoji", "Family 👨‍👩‍👧‍👦 rainbow 🏳️‍🌈 coder 👩🏽‍💻 flags 🇫🇷🇯🇵 keycap 1️⃣ heart ❤️ thumbs 👍🏿👍🏻 🧑‍🤝‍🧑 ☺︎ 😀😃😄😁 🫠🫶");
add("cjk-mixed", "日本語のテキストと中文文本，还有한국어 텍스트도。漢字かなカナ混じり文！「括弧」『二重』（全角）１２３ＡＢＣ");
add("arabic", "مرحبا بالعالم! هذا نص عربي مع أرقام ١٢٣ و 456، وعلامات ترقيم؟ «اقتباس» ـ تطويل");
add("cyrillic", "Съешь же ещё этих мягких французских булок, да выпей чаю. ПРИВЕТ МИР! Ёлка, ёж.");
add("combining", "e\u0301 a\u0300\u0301\u0302 n\u0303 Zalgo: Z\u0351\u0352\u0353a\u0354l\u0355g\u0356o cafe\u0301 नमस्ते दुनिया ภาษาไทย Ελληνικά שלום עולם");
add("special-text", "before <|endoftext|> after <|fim_prefix|>x<|fim_middle|>y<|fim_suffix|> <|endofprompt|> <|endoftext|><|endoftext|>end <|endoftext");
add("special-many", "<|endoftext|>".repeat(3) + Array.from({ length: 150 }, (_, i) => "doc " + i + (i % 7 ? "<|endoftext|>" : "<|fim_prefix|><|fim_middle|>")).join("") + "<|endofprompt|>tail<|endoftext");
add("urls-paths", "See https://example.com/a/b?c=d&e=f#g or /usr/share/doc/x/y.txt and C:\\Windows\\System32; mail me@example.org. a/b/c //x// ../..//");
add("code-json", '{"key": [1, 2.5e-3, true, null], "nested": {"a": "b\\n"}}\n\tif (x != y) { return a->b[i] >> 2; } // comment\n#define X(a) ((a) * 2)\n');
add("crlf", "line one\r\nline two\r\n\r\n  indented\r\n\ttabbed\r\n");
add("punct-runs", "!!! ??? ... --- *** ### @@@ $$$ %%% ^^^ &&& ((( ))) ___ +++ === ~~~ ``` ''' \"\"\" ;;; ::: ,,, <<< >>> /// |||\n!?\n...\n");
add("empty", "");
add("single-space", " ");
add("only-newlines", "\n\n\n");
add("long-word", "Pneumonoultramicroscopicsilicovolcanoconiosis Supercalifragilisticexpialidocious " + "abc".repeat(200));
add("long-digits", "9".repeat(500) + " " + "1234567890".repeat(30));
add("long-spaces", " ".repeat(3000) + "x" + "\n".repeat(2000) + "y" + " \n".repeat(500));
add("unicode-15-16", "Kawi a\u{11F04}\u{11F05}b Cyrillic-ext x \u{1E030}\u{1E031} y CJK-H \u{31350}\u{31351} w \u{1F6DC} \u{0CF3}a Garay \u{10D4A}\u{10D4B} Sunuwar \u{11BC0}\u{11BC1} IDC \u{2FFC}\u{31EF} \u{1E5D0}\u{1E5D1} \u{16D40}");
add("nul-and-controls", "a\u0000b \u0000\u0000 c\u0000 \u0001\u0002 \u001f\u007f x\u0085y \u0000\n\u0000");
add("mixed-case", "camelCaseIdentifier PascalCase snake_case SCREAMING_CASE HTTPServerError iPhone eBay McDonald's O'Neil ÀÉÎÕÜ àéîõü Σίσυφος ΣΊΣΥΦΟΣ");

// Seeded random mixtures from many scripts and classes (a small fuzz).
let seed = 12345;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const ranges = [
  [0x20, 0x7e], [0x20, 0x7e], [0x20, 0x7e], [0x09, 0x0d], [0xa0, 0xff], [0x100, 0x17f],
  [0x370, 0x3ff], [0x400, 0x4ff], [0x590, 0x5ff], [0x600, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f],
  [0x1100, 0x11ff], [0x2000, 0x206f], [0x2070, 0x209f], [0x20a0, 0x20bf], [0x2100, 0x214f],
  [0x2190, 0x21ff], [0x2460, 0x24ff], [0x3000, 0x303f], [0x3040, 0x30ff], [0x4e00, 0x4fff],
  [0xac00, 0xad00], [0xfe00, 0xfe0f], [0xff00, 0xffef], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff],
  [0x1d400, 0x1d7ff], [0x300, 0x36f],
];
for (let d = 0; d < 40; d++) {
  let s = "";
  const len = 50 + rnd(400);
  for (let i = 0; i < len; i++) {
    const [lo, hi] = ranges[rnd(ranges.length)];
    const cp = lo + rnd(hi - lo + 1);
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    s += String.fromCodePoint(cp);
    if (rnd(5) === 0) s += " ";
    if (rnd(40) === 0) s += "'" + ["s", "S", "t", "RE", "ll", "D", "m"][rnd(7)];
  }
  add("random-" + d, s);
}
fs.writeFileSync(process.argv[2] || "/dev/stdout", out.join("\n") + "\n");
