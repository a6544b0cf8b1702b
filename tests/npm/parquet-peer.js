// Independent Parquet writers and readers for grist's tests (tests/cli/t35*.sh):
// DuckDB (@duckdb/node-api) and arrow-rs (parquet-wasm + apache-arrow).
//
//   node parquet-peer.js sql "SQL"                      run one statement; rows as JSON lines
//   node parquet-peer.js meta FILE.parquet              per column chunk: path codec encodings page-kind
//   node parquet-peer.js arrow-write OUT DATASET OPTS   write a dataset with arrow-rs; its rows
//                                                       (the writer's input) go to OUT.expect.jsonl
//   node parquet-peer.js arrow-read FILE.parquet        rows as JSON lines, read by arrow-rs
//   node parquet-peer.js compare EXPECT ACTUAL [--blob a,b] [--keep-id] [--text-empty]
//                                                       [--json a,b: ACTUAL holds those as JSON text]
//                                                       rows equal up to JSON spelling (see below)
//
// OPTS for arrow-write: comma-separated key=value: codec=ZSTD|SNAPPY|GZIP|BROTLI|LZ4|LZ4_RAW|
// UNCOMPRESSED, enc=ENCODING (all columns, dictionary off), enc.COL=ENCODING (one column),
// n=ROWS (default 3000), dict=0|1, v=1|2, page=ROWS (data
// page row limit via the page byte limit), rg=ROWS (row group size).
'use strict';
const fs = require('fs');

function losslessParse(line) {
	// Quote integers of 16+ digits outside strings so JSON.parse keeps them exact.
	let out = '', inStr = false;
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		if (inStr) {
			out += c;
			if (c === '\\') { out += line[++i]; continue; }
			if (c === '"') inStr = false;
			continue;
		}
		if (c === '"') { inStr = true; out += c; continue; }
		if ((c === '-' || (c >= '0' && c <= '9'))) {
			let j = i + 1;
			while (j < line.length && /[0-9.eE+\-]/.test(line[j])) j++;
			const tok = line.slice(i, j);
			out += /^-?[0-9]{16,}$/.test(tok) ? '"' + tok + '"' : tok;
			i = j - 1;
			continue;
		}
		out += c;
	}
	return JSON.parse(out);
}

function readJsonl(path) {
	return fs.readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map(losslessParse);
}

function jsonable(v) {
	if (v === null || v === undefined) return null;
	if (typeof v === 'bigint') return v.toString();
	if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
	if (Array.isArray(v)) return v.map(jsonable);
	if (typeof v === 'object') {
		if (v.type && typeof v.toArray === 'function') return Array.from(v).map(jsonable); // a Vector
		if (typeof v.toJSON === 'function') {
			const j = v.toJSON();
			if (j !== v) return jsonable(j);
		}
		const o = {};
		for (const k of Object.keys(v)) o[k] = jsonable(v[k]);
		return o;
	}
	return v;
}

async function duck() {
	const { DuckDBInstance } = require('@duckdb/node-api');
	const inst = await DuckDBInstance.create(':memory:');
	return inst.connect();
}

async function cmdSql(sql) {
	const con = await duck();
	const r = await con.runAndReadAll(sql);
	for (const row of r.getRowObjectsJson()) console.log(JSON.stringify(row));
}

const PAGE_KIND = { 0: 'v1', 1: 'index', 2: 'dict', 3: 'v2' };
function zigzagVarint(buf, pos) {
	let v = 0, shift = 0, b;
	do { b = buf[pos++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
	return (v % 2 === 0) ? v / 2 : -(v + 1) / 2;
}

async function cmdMeta(file) {
	const con = await duck();
	const r = await con.runAndReadAll(`SELECT row_group_id, path_in_schema, compression, encodings,
		data_page_offset FROM parquet_metadata('${file}') ORDER BY row_group_id, column_id`);
	const buf = fs.readFileSync(file);
	for (const row of r.getRowObjectsJson()) {
		// The first data page's header: Thrift compact, field 1 (type) is an i32 (0x15).
		const off = Number(row.data_page_offset);
		const kind = buf[off] === 0x15 ? PAGE_KIND[zigzagVarint(buf, off + 1)] : '?';
		console.log(`rg${row.row_group_id} ${row.path_in_schema} ${row.compression} ${row.encodings} ${kind}`);
	}
}

// Datasets: arrow tables plus the rows they hold, in grist's JSON mapping.
function dataset(name, n) {
	const A = require('apache-arrow');
	const words = ['grist', 'Ünïcödé', '日本語のテキスト', 'русский текст', 'emoji 😀', 'tab\there', 'quote "x"', ''];
	if (name === 'flat') {
		const text = [], i32 = [], i64 = [], f32 = [], f64 = [], b = [], bin = [], s = [];
		for (let i = 0; i < n; i++) {
			text.push(i % 17 === 5 ? null : `${words[i % words.length]} document ${i} ` + 'x'.repeat(i % 50));
			i32.push(i % 11 === 0 ? null : (i * 7919) % 100000 - 50000);
			i64.push(i % 13 === 0 ? null : BigInt(i) * 1234567890123n - 9007199254740993n);
			f32.push(i % 7 === 0 ? null : Math.fround(i / 3));
			f64.push(i % 9 === 0 ? null : i * 0.1 + 1e-7);
			b.push(i % 5 === 0 ? null : i % 3 === 0);
			bin.push(i % 4 === 0 ? null : Uint8Array.from([i & 255, 0, 255, (i >> 8) & 255]));
			s.push(i % 19 === 0 ? null : `cat-${i % 6}`);
		}
		const table = new A.Table({
			text: A.vectorFromArray(text, new A.Utf8()),
			i32: A.vectorFromArray(i32, new A.Int32()),
			i64: A.vectorFromArray(i64, new A.Int64()),
			f32: A.vectorFromArray(f32, new A.Float32()),
			f64: A.vectorFromArray(f64, new A.Float64()),
			b: A.vectorFromArray(b, new A.Bool()),
			bin: A.vectorFromArray(bin, new A.Binary()),
			s: A.vectorFromArray(s, new A.Utf8()),
		});
		const rows = [];
		for (let i = 0; i < n; i++) {
			const r = {};
			if (text[i] !== null) r.text = text[i];
			if (i32[i] !== null) r.i32 = i32[i];
			if (i64[i] !== null) r.i64 = i64[i].toString();
			if (f32[i] !== null) r.f32 = f32[i];
			if (f64[i] !== null) r.f64 = f64[i];
			if (b[i] !== null) r.b = b[i];
			if (bin[i] !== null) r.bin = Buffer.from(bin[i]).toString('base64');
			if (s[i] !== null) r.s = s[i];
			rows.push(r);
		}
		return { table, rows };
	}
	if (name === 'nested') {
		const li = [], st = [], ll = [], ls = [], text = [];
		for (let i = 0; i < n; i++) {
			text.push(`row ${i}`);
			li.push(i % 10 === 0 ? null : i % 10 === 1 ? [] : Array.from({ length: i % 4 + 1 }, (_, k) => (k === 1 && i % 3 === 0 ? null : i + k)));
			st.push(i % 8 === 0 ? null : { a: i % 6 === 0 ? null : i, b: `s${i}` });
			ll.push(i % 9 === 0 ? null : [[i], i % 2 ? [] : [i, i + 1], null].slice(0, i % 3 + 1));
			ls.push(i % 7 === 0 ? [] : [{ x: i, y: i % 2 ? null : 'y' + i }, { x: -i, y: 'z' }]);
		}
		const structT = new A.Struct([new A.Field('a', new A.Int32(), true), new A.Field('b', new A.Utf8(), true)]);
		const xyT = new A.Struct([new A.Field('x', new A.Int32(), true), new A.Field('y', new A.Utf8(), true)]);
		const table = new A.Table({
			text: A.vectorFromArray(text, new A.Utf8()),
			li: A.vectorFromArray(li, new A.List(new A.Field('item', new A.Int32(), true))),
			st: A.vectorFromArray(st, structT),
			ll: A.vectorFromArray(ll, new A.List(new A.Field('item', new A.List(new A.Field('item', new A.Int32(), true)), true))),
			ls: A.vectorFromArray(ls, new A.List(new A.Field('item', xyT, true))),
		});
		const rows = [];
		for (let i = 0; i < n; i++) {
			const r = { text: text[i] };
			if (li[i] !== null) r.li = li[i];
			if (st[i] !== null) r.st = st[i];
			if (ll[i] !== null) r.ll = ll[i];
			r.ls = ls[i];
			rows.push(r);
		}
		return { table, rows };
	}
	if (name === 'long') { // long texts (about 2 KB), for row groups of many MB
		const text = [], n2 = [];
		for (let i = 0; i < n; i++) {
			text.push(`${words[i % words.length]} ${i} ` + Array.from({ length: 60 }, (_, k) => words[(i + k) % words.length] + (i * 31 + k) % 977).join(' '));
			n2.push(i);
		}
		const table = new A.Table({
			text: A.vectorFromArray(text, new A.Utf8()),
			n: A.vectorFromArray(n2, new A.Int32()),
		});
		return { table, rows: text.map((t, i) => ({ text: t, n: n2[i] })) };
	}
	throw new Error('unknown dataset ' + name);
}

function cmdArrowWrite(out, name, opts) {
	const A = require('apache-arrow');
	const P = require('parquet-wasm');
	const o = Object.fromEntries((opts || '').split(',').filter(Boolean).map((kv) => kv.split('=')));
	const { table, rows } = dataset(name, Number(o.n || 3000));
	let b = new P.WriterPropertiesBuilder();
	if (o.codec) b = b.setCompression(P.Compression[o.codec]);
	if (o.enc) b = b.setDictionaryEnabled(false).setEncoding(P.Encoding[o.enc]);
	for (const k of Object.keys(o).filter((x) => x.startsWith('enc.'))) {
		const col = k.slice(4);
		b = b.setColumnDictionaryEnabled(col, false).setColumnEncoding(col, P.Encoding[o[k]]);
	}
	if (o.dict === '0') b = b.setDictionaryEnabled(false);
	if (o.v === '2') b = b.setWriterVersion(P.WriterVersion.V2);
	if (o.page) b = b.setDataPageSizeLimit(Number(o.page));
	if (o.rg) b = b.setMaxRowGroupSize(Number(o.rg));
	const wt = P.Table.fromIPCStream(A.tableToIPC(table, 'stream'));
	fs.writeFileSync(out, P.writeParquet(wt, b.build()));
	fs.writeFileSync(out + '.expect.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

function cmdArrowRead(file) {
	const A = require('apache-arrow');
	const P = require('parquet-wasm');
	const wt = P.readParquet(new Uint8Array(fs.readFileSync(file)));
	const t = A.tableFromIPC(wt.intoIPCStream());
	for (const row of t) {
		const o = {};
		for (const f of t.schema.fields) {
			const v = row[f.name];
			if (v !== null && v !== undefined) o[f.name] = jsonable(v);
		}
		console.log(JSON.stringify(o));
	}
}

// ---- comparison ----
function normTime(s) {
	// "2024-01-01T10:00:00.500Z", "2024-01-01 10:00:00.5+00", "10:11:12.500" -> one spelling
	const m = /^(\d{4}-\d\d-\d\d)?[T ]?(\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]00(:00)?)?$/.exec(s);
	if (!m) return s;
	let frac = (m[3] || '').replace(/0+$/, '');
	if (frac === '.') frac = '';
	return (m[1] ? m[1] + ' ' : '') + m[2] + frac;
}
function duckBlob(s) {
	// DuckDB's JSON spells blobs as text with \xNN escapes for other bytes
	const bytes = [];
	for (let i = 0; i < s.length; i++) {
		if (s[i] === '\\' && s[i + 1] === 'x') { bytes.push(parseInt(s.substr(i + 2, 2), 16)); i += 3; }
		else bytes.push(s.charCodeAt(i));
	}
	return Buffer.from(bytes).toString('base64');
}
function same(a, b, path, blob) {
	if (a === b) return null;
	if (typeof a === 'number' && typeof b === 'number') {
		// equal, or equal as float32 where one side is a float32 value (FLOAT columns are
		// widened to double by some writers' JSON)
		const f32 = Math.fround(a) === Math.fround(b) && (Math.fround(a) === a || Math.fround(b) === b);
		return f32 ? null : `${path}: ${a} != ${b}`;
	}
	if (typeof a === 'string' && typeof b === 'number') return Number(a) === b ? null : `${path}: ${a} != ${b}`;
	if (typeof a === 'number' && typeof b === 'string') return Number(b) === a ? null : `${path}: ${a} != ${b}`;
	if (typeof a === 'string' && typeof b === 'string') {
		if (blob && (duckBlob(a) === b || duckBlob(b) === a)) return null;
		if (normTime(a) === normTime(b)) return null;
		if (/^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b) && Number(a) === Number(b)) return null;
		return `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
	}
	if (a && b && typeof a === 'object' && typeof b === 'object') {
		if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
		const ka = Object.keys(a), kb = Object.keys(b);
		if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return `${path}: keys ${ka} != ${kb}`;
		for (const k of ka) {
			const d = same(a[k], b[k], `${path}.${k}`, blob);
			if (d) return d;
		}
		return null;
	}
	return `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
}

function cmdCompare(expectPath, actualPath, args) {
	const blobs = new Set((args[args.indexOf('--blob') + 1] || '').split(','));
	const keepId = args.includes('--keep-id');
	const jsonCols = new Set(args.includes('--json') ? args[args.indexOf('--json') + 1].split(',') : []);
	const exp = readJsonl(expectPath), act = readJsonl(actualPath);
	if (exp.length !== act.length) {
		console.log(`row count: expected ${exp.length}, got ${act.length}`);
		process.exit(1);
	}
	for (let i = 0; i < exp.length; i++) {
		const e = {}, a = {};
		for (const k of Object.keys(exp[i])) if (exp[i][k] !== null) e[k] = exp[i][k];
		if (args.includes('--text-empty') && !('text' in e)) e.text = '';
		for (const k of Object.keys(act[i]))
			if (act[i][k] !== null && (keepId || (k !== 'id' && k !== 'source'))) a[k] = act[i][k];
		for (const k of jsonCols)
			if (typeof a[k] === 'string') {
				// grist and arrow-rs give the JSON text; DuckDB gives the value itself
				try { a[k] = losslessParse(a[k]); } catch (err) { /* a string value */ }
			}
		for (const k of Object.keys(e)) {
			const d = same(e[k], a[k], `row ${i + 1} ${k}`, args.includes('--blob') && blobs.has(k));
			if (d) { console.log(d); process.exit(1); }
		}
		const extra = Object.keys(a).filter((k) => !(k in e));
		if (extra.length) { console.log(`row ${i + 1}: unexpected fields ${extra}`); process.exit(1); }
	}
	console.log(`${exp.length} rows equal`);
}

(async () => {
	const [cmd, ...args] = process.argv.slice(2);
	if (cmd === 'sql') await cmdSql(args[0]);
	else if (cmd === 'meta') await cmdMeta(args[0]);
	else if (cmd === 'arrow-write') cmdArrowWrite(args[0], args[1], args[2]);
	else if (cmd === 'arrow-read') cmdArrowRead(args[0]);
	else if (cmd === 'compare') cmdCompare(args[0], args[1], args.slice(2));
	else { console.error('usage: see the top of parquet-peer.js'); process.exit(2); }
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
