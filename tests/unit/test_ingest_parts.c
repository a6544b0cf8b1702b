/* Unit tests for the ingest building blocks: HTML to text, name escaping and extensions, the
 * gzip reader (multi-member, CRC, truncation), the read-ahead source, the doc batch layout. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ingest/html.h"
#include "ingest/ingest_doc.h"
#include "ingest/ingest_int.h"
#include "lib/xalloc.h"
#include "tests/unit/harness.h"

static void html(const char *in, const char *want)
{
	struct buf out = BUF_INIT;
	CHECK(html_to_text(&out, in, strlen(in), NULL) == 0);
	CHECK_STR(out.data, want);
	buf_release(&out);
}

TEST(html_text)
{
	html("<p>a</p><p>b</p>", "a\n\nb");
	html("<script>x<y</script><style>p{}</style>only", "only");
	html("one<br>two<br/>three", "one\ntwo\nthree");
	html("<ul><li>x</li><li>y</li></ul>after", "x\ny\n\nafter");
	html("  lots   of\n\n  space  ", "lots of space");
	html("<pre>a\n\n  b</pre>c", "a\n\n  b\n\nc");
	html("&lt;&amp;&gt; &eacute; &#x20AC;", "<&> \xc3\xa9 \xe2\x82\xac");
	html("<b>bold</b> <i>it</i>", "bold it");
	html("<p>unclosed<div>block", "unclosed\n\nblock");
	html("", "");
	html("<P>Upper</P><SCRIPT>x</SCRIPT><DIV>case</DIV>", "Upper\n\ncase");
	/* Deep nesting must not recurse on the C stack. */
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 100000; i++)
		buf_addstr(&deep, "<div>");
	buf_addstr(&deep, "deep");
	struct buf out = BUF_INIT;
	CHECK(html_to_text(&out, deep.data, deep.len, NULL) == 0);
	buf_release(&deep);
	buf_release(&out);
	/* A charset from outside the document. */
	struct buf l1 = BUF_INIT;
	CHECK(html_to_text(&l1, "<p>caf\xe9</p>", 12, "ISO-8859-1") == 0);
	CHECK_STR(l1.data, "caf\xc3\xa9");
	buf_release(&l1);
	/* UTF-8 with a stray byte: repaired, not read as Latin-1 throughout. */
	html("<p>caf\xc3\xa9 \xff ok</p>", "caf\xc3\xa9 \xef\xbf\xbd ok");
	/* Latin-1 without a declaration: libxml2's guess. */
	html("<p>caf\xe9</p>", "caf\xc3\xa9");
	struct buf d8 = BUF_INIT;
	CHECK(html_to_text(&d8, "<p>\xff</p>", 8, "utf-8") == 0);
	CHECK_STR(d8.data, "\xef\xbf\xbd");
	buf_release(&d8);
}

TEST(names)
{
	struct buf b = BUF_INIT;
	CHECK(ingest_escape_name(&b, "ok/na\xc3\xafve.txt", 14) == 0);
	CHECK_STR(b.data, "ok/na\xc3\xafve.txt");
	buf_reset(&b);
	CHECK(ingest_escape_name(&b, "caf\xe9.txt", 8) == 1);
	CHECK_STR(b.data, "caf\\xE9.txt");
	buf_release(&b);
	char e[32];
	ingest_inner_ext("a/b.jsonl.gz", e, sizeof(e));
	CHECK_STR(e, "jsonl");
	ingest_inner_ext("x.TXT", e, sizeof(e));
	CHECK_STR(e, "txt");
	ingest_inner_ext("crawl.warc.wet.gz", e, sizeof(e));
	CHECK_STR(e, "wet");
	ingest_inner_ext("noext", e, sizeof(e));
	CHECK_STR(e, "");
	ingest_inner_ext(".hidden", e, sizeof(e));
	CHECK_STR(e, "");
	ingest_inner_ext("a.tar.zst", e, sizeof(e));
	CHECK_STR(e, "tar");
	CHECK(ingest_format_by_ext("ndjson") == FMT_JSONL);
	CHECK(ingest_format_by_ext("htm") == FMT_HTML);
	CHECK(ingest_format_by_ext("wet") == FMT_WARC);
	CHECK(ingest_format_by_ext("png") == FMT_AUTO);
}

static void gz(struct buf *out, const char *p, size_t n)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	buf_grow(out, n + 1024);
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out->data + out->len;
	z.avail_out = (uInt)buf_avail(out);
	deflate(&z, Z_FINISH);
	buf_setlen(out, out->len + (buf_avail(out) - z.avail_out));
	deflateEnd(&z);
}

/* Decode `in` with the gzip decoder: behind read-ahead, or at once with decode_buffer. */
static int gunzip_all(const struct buf *in, struct buf *out, struct buf *err, int ra)
{
	if (!ra)
		return decode_buffer(CODEC_GZIP, "t.gz", in->data, in->len, 1u << 30, out, err);
	struct source mem, g, r;
	source_init_memory(&mem, "m", in->data, in->len);
	source_init_decoder(&g, &mem, CODEC_GZIP, "t.gz");
	source_init_readahead(&r, &g, "t.gz");
	int rc = source_read_all(&r, out, 1u << 30, err);
	source_close(&r);
	source_close(&g);
	source_close(&mem);
	return rc;
}

TEST(gunzip)
{
	struct buf text = BUF_INIT, z = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	for (int i = 0; i < 50000; i++)
		buf_addf(&text, "line %d\n", i * 7919 % 100003);
	gz(&z, text.data, text.len / 2);
	size_t first = z.len;
	gz(&z, text.data + text.len / 2, text.len - text.len / 2);
	for (int ra = 0; ra < 2; ra++) {
		buf_reset(&out);
		buf_reset(&err);
		CHECK(gunzip_all(&z, &out, &err, ra) == 0);
		CHECK(out.len == text.len && !memcmp(out.data, text.data, text.len));
	}
	/* decode_buffer's limit: one byte short is an error naming the source. */
	buf_reset(&out);
	buf_reset(&err);
	CHECK(decode_buffer(CODEC_GZIP, "body", z.data, z.len, text.len - 1, &out, &err) < 0 &&
	      strstr(err.data, "body is larger than the limit"));
	buf_reset(&out);
	CHECK(decode_buffer(CODEC_GZIP, "body", z.data, z.len, text.len, &out, &err) == 0 &&
	      out.len == text.len);
	/* Trailing zeros are padding; other trailing bytes are an error. */
	struct buf pad = BUF_INIT;
	buf_add(&pad, z.data, z.len);
	buf_add(&pad, "\0\0\0\0", 4);
	buf_reset(&out);
	CHECK(gunzip_all(&pad, &out, &err, 0) == 0 && out.len == text.len);
	buf_add(&pad, "x", 1);
	buf_reset(&out);
	buf_reset(&err);
	CHECK(gunzip_all(&pad, &out, &err, 0) < 0 && strstr(err.data, "trailing bytes"));
	/* A CRC flipped in the first member's trailer. */
	struct buf bad = BUF_INIT;
	buf_add(&bad, z.data, z.len);
	bad.data[first - 6] ^= 1;
	buf_reset(&out);
	buf_reset(&err);
	CHECK(gunzip_all(&bad, &out, &err, 1) < 0 && strstr(err.data, "incorrect data check"));
	/* Truncation: an error, after the data that could be decoded. */
	struct buf cut = BUF_INIT;
	buf_add(&cut, z.data, z.len - 3);
	buf_reset(&out);
	buf_reset(&err);
	CHECK(gunzip_all(&cut, &out, &err, 1) < 0 && strstr(err.data, "truncated gzip"));
	CHECK(out.len > 0 && !memcmp(out.data, text.data, out.len));
	buf_release(&text);
	buf_release(&z);
	buf_release(&out);
	buf_release(&err);
	buf_release(&pad);
	buf_release(&bad);
	buf_release(&cut);
}

TEST(doc_layout)
{
	struct batch b;
	memset(&b, 0, sizeof(b));
	struct ingest_doc d, e;
	ingest_doc_init(&d, DOC_HTML, 42);
	ingest_doc_set(&d, DOCF_ID, "<urn:x>", 7);
	ingest_doc_set(&d, DOCF_BODY, "a\0b", 3);
	ingest_doc_set(&d, DOCF_LANG, "", 0);
	ingest_doc_append(&b, &d);
	ingest_doc_init(&d, DOC_TEXT, 43);
	ingest_doc_append(&b, &d);
	size_t pos = 0;
	CHECK(ingest_doc_next(&b, &pos, &e) == 1);
	CHECK(e.kind == DOC_HTML && e.number == 42);
	CHECK(e.has[DOCF_ID] && e.has[DOCF_LANG] && !e.has[DOCF_URL]);
	CHECK_EQ_MEM(e.f[DOCF_BODY], e.n[DOCF_BODY], "a\0b", 3);
	CHECK(e.n[DOCF_LANG] == 0);
	CHECK(ingest_doc_next(&b, &pos, &e) == 1);
	CHECK(e.kind == DOC_TEXT && e.number == 43 && !e.has[DOCF_BODY]);
	CHECK(ingest_doc_next(&b, &pos, &e) == 0);
	free(b.data);
}

int main(void)
{
	html_text_init();
	RUN(html_text);
	RUN(names);
	RUN(gunzip);
	RUN(doc_layout);
	return HARNESS_SUMMARY();
}
