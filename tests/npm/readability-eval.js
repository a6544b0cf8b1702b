// Readability (@mozilla/readability on jsdom, the algorithm of Firefox's reader view) on the
// HTML evaluation set, the peer grist's --html main is compared with (tests/html-eval/).
//
//   node readability-eval.js PAGES_DIR CHARSETS_FILE OUT.jsonl
//
// Writes {"name","text"} per page: Readability's title, a blank line, then its content as text
// with block line breaks (a newline around every block element, tabs between table cells; the
// textContent Readability also returns runs adjacent blocks together: "</li><li>" joins words).
// Each page is given its charset as an HTTP header would (CHARSETS_FILE: "NAME CHARSET" lines),
// so the comparison is about extraction, not encoding detection. A page where Readability
// finds no article gets an empty text.
'use strict';
const fs = require('fs');
const path = require('path');
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');

const BLOCK = new Set(['ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'CAPTION', 'DD', 'DIV',
	'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER',
	'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'TABLE', 'TBODY', 'THEAD', 'TFOOT',
	'TR', 'UL']);

function toText(node, out) {
	for (let c = node.firstChild; c; c = c.nextSibling) {
		if (c.nodeType === 3) {
			out.push(c.nodeValue);
		} else if (c.nodeType === 1) {
			const t = c.tagName;
			if (t === 'TD' || t === 'TH') out.push('\t');
			if (BLOCK.has(t)) out.push('\n');
			toText(c, out);
			if (BLOCK.has(t)) out.push('\n');
		}
	}
	return out;
}

function tidy(s) {
	return s.split('\n').map((l) => l.replace(/[ \r\f\v]+/g, ' ').trim()).join('\n')
		.replace(/\n{3,}/g, '\n\n').trim();
}

function main() {
	const [dir, charsetsFile, outFile] = process.argv.slice(2);
	const charsets = {};
	for (const line of fs.readFileSync(charsetsFile, 'utf8').split('\n')) {
		const [n, cs] = line.split(' ');
		if (n) charsets[n] = cs;
	}
	const quiet = new VirtualConsole();
	const out = [];
	for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.html')).sort()) {
		const name = f.slice(0, -5);
		const bytes = fs.readFileSync(path.join(dir, f));
		const dom = new JSDOM(bytes, {
			url: 'https://example.org/' + f,
			contentType: 'text/html; charset=' + (charsets[name] || 'utf-8'),
			virtualConsole: quiet,
		});
		let text = '';
		const art = new Readability(dom.window.document).parse();
		if (art) {
			const body = tidy(toText(new JSDOM(art.content).window.document.body, []).join(''));
			const title = (art.title || '').trim();
			text = title && !body.slice(0, 300).includes(title) ? title + '\n\n' + body : body;
		}
		out.push(JSON.stringify({ name, text }));
		dom.window.close();
	}
	fs.writeFileSync(outFile, out.join('\n') + '\n');
}

main();
