/* Unit tests for the token stream (lib/tokstream.h): round trips, masks, truncation, corruption. */
#include "harness.h"
#include "lib/tokstream.h"
#include "lib/xalloc.h"
#include <stdlib.h>

/* Write docs[i] = ids 0..len[i]) built from a simple formula into out. */
static void write_stream(struct buf *out, uint32_t vocab, uint32_t flags, int ndocs,
			 const size_t *lens)
{
	struct tokstream_header h;
	struct tokstream_writer w;
	struct buf err = BUF_INIT;
	tokstream_header_init(&h, "test-tok", 0x1122334455667788ull, vocab, vocab - 1, flags);
	CHECK(tokstream_writer_init(&w, &h, tokstream_sink_buf, out, &err) == 0);
	for (int d = 0; d < ndocs; d++) {
		uint32_t *ids = xmalloc((lens[d] + 1) * sizeof(*ids));
		uint8_t *mask = xmalloc(lens[d] + 1);
		for (size_t i = 0; i < lens[d]; i++) {
			ids[i] = (uint32_t)((d * 7919u + i * 104729u) % (vocab - 1));
			mask[i] = (uint8_t)((i + (size_t)d) & 1);
		}
		char id[32];
		int idn = snprintf(id, sizeof(id), "doc-%d", d);
		CHECK(tokstream_write_doc(&w, id, (size_t)idn, ids, lens[d],
					  (flags & TOKSTREAM_F_MASK) ? mask : NULL, &err) == 0);
		free(ids);
		free(mask);
	}
	CHECK(tokstream_writer_finish(&w, &err) == 0);
	CHECK(err.len == 0);
	tokstream_writer_release(&w);
	tokstream_header_release(&h);
	buf_release(&err);
}

/* Read the whole stream back; returns documents read, -1 on error (message in err). */
static long read_stream(const char *p, size_t n, int check_content, uint32_t flags, const size_t *lens,
			struct buf *err)
{
	struct tokstream_mem m = { p, n, 0 };
	struct tokstream_reader r;
	struct tokstream_doc doc;
	long count = 0;
	if (tokstream_reader_open(&r, tokstream_source_mem, &m, "mem", err) < 0) {
		tokstream_reader_release(&r);
		return -1;
	}
	int rc;
	while ((rc = tokstream_reader_next(&r, &doc, err)) == 1) {
		if (check_content) {
			char id[32];
			int idn = snprintf(id, sizeof(id), "doc-%ld", count);
			uint32_t vocab = r.h.vocab_size;
			CHECK_EQ_MEM(doc.id, doc.id_len, id, (size_t)idn);
			CHECK(doc.ntokens == lens[count]);
			CHECK(doc.index == (uint64_t)count);
			for (size_t i = 0; i < doc.ntokens; i++) {
				uint32_t want = (uint32_t)((count * 7919u + i * 104729u) % (vocab - 1));
				if (doc.ids[i] != want) {
					CHECK(doc.ids[i] == want);
					break;
				}
			}
			if (flags & TOKSTREAM_F_MASK) {
				CHECK(doc.mask != NULL);
				for (size_t i = 0; doc.mask && i < doc.ntokens; i++)
					if (doc.mask[i] != ((i + (size_t)count) & 1)) {
						CHECK(!"mask differs");
						break;
					}
			} else {
				CHECK(doc.mask == NULL);
			}
		}
		count++;
	}
	tokstream_reader_release(&r);
	return rc < 0 ? -1 : count;
}

TEST(round_trip_u16)
{
	size_t lens[] = { 5, 0, 1, 3000, 70000 };
	struct buf s = BUF_INIT, err = BUF_INIT;
	write_stream(&s, 50257, 0, 5, lens);
	CHECK(memcmp(s.data, "GRISTTOK", 8) == 0);
	CHECK((unsigned char)s.data[16] == 2); /* token width */
	CHECK(read_stream(s.data, s.len, 1, 0, lens, &err) == 5);
	CHECK(err.len == 0);
	/* Exact size: header 40 + name 8, per doc 8 + id + 2*n, end 24. */
	size_t want = 40 + 8 + 24;
	for (int d = 0; d < 5; d++)
		want += 8 + 5 + 2 * lens[d];
	CHECK(s.len == want);
	buf_release(&s);
	buf_release(&err);
}

TEST(round_trip_u32_mask)
{
	size_t lens[] = { 3, 100000, 7 };
	struct buf s = BUF_INIT, err = BUF_INIT;
	write_stream(&s, 200019, TOKSTREAM_F_MASK, 3, lens);
	CHECK((unsigned char)s.data[16] == 4);
	CHECK(read_stream(s.data, s.len, 1, TOKSTREAM_F_MASK, lens, &err) == 3);
	CHECK(err.len == 0);
	buf_release(&s);
	buf_release(&err);
}

TEST(vocab_65536_is_u16)
{
	CHECK(tokstream_width_for(65536) == 2);
	CHECK(tokstream_width_for(65537) == 4);
}

/* Every proper prefix of a stream is an error, never a silent short read. */
TEST(every_truncation_fails)
{
	size_t lens[] = { 4, 0, 9 };
	struct buf s = BUF_INIT, err = BUF_INIT;
	write_stream(&s, 1000, TOKSTREAM_F_MASK, 3, lens);
	for (size_t cut = 0; cut < s.len; cut++) {
		buf_reset(&err);
		long rc = read_stream(s.data, cut, 0, 0, lens, &err);
		if (rc != -1) {
			fprintf(stderr, "cut at %zu read %ld docs\n", cut, rc);
			CHECK(rc == -1);
			break;
		}
		CHECK(strstr(err.data, "at byte ") != NULL);
	}
	buf_reset(&err);
	CHECK(read_stream(s.data, s.len, 0, 0, lens, &err) == 3);
	buf_release(&s);
	buf_release(&err);
}

TEST(truncation_message_has_offset)
{
	size_t lens[] = { 10, 10 };
	struct buf s = BUF_INIT, err = BUF_INIT;
	write_stream(&s, 1000, 0, 2, lens);
	/* Cut inside the second document's ids: 48 header + (8+5+20) first doc + 8+5+4. */
	size_t cut = 48 + 33 + 17;
	CHECK(read_stream(s.data, cut, 0, 0, lens, &err) == -1);
	CHECK(strstr(err.data, "truncated") != NULL);
	CHECK(strstr(err.data, "at byte 98") != NULL);
	CHECK(strstr(err.data, "record at byte 81") != NULL);
	/* Cut exactly at a document boundary: no end marker. */
	buf_reset(&err);
	CHECK(read_stream(s.data, 48 + 33, 0, 0, lens, &err) == -1);
	CHECK(strstr(err.data, "no end marker") != NULL);
	buf_release(&s);
	buf_release(&err);
}

TEST(bad_magic_and_header)
{
	struct buf err = BUF_INIT;
	CHECK(read_stream("{\"id\":1}\n", 9, 0, 0, NULL, &err) == -1);
	CHECK(strstr(err.data, "bad magic") && strstr(err.data, "at byte 0"));
	buf_reset(&err);
	CHECK(read_stream("", 0, 0, 0, NULL, &err) == -1);
	CHECK(strstr(err.data, "empty input") != NULL);

	size_t lens[] = { 2 };
	struct buf s = BUF_INIT;
	write_stream(&s, 1000, 0, 1, lens);
	s.data[8] = 9; /* version */
	buf_reset(&err);
	CHECK(read_stream(s.data, s.len, 0, 0, lens, &err) == -1);
	CHECK(strstr(err.data, "version 9") != NULL);
	s.data[8] = 1;
	s.data[12] = 4; /* unknown flag */
	buf_reset(&err);
	CHECK(read_stream(s.data, s.len, 0, 0, lens, &err) == -1);
	CHECK(strstr(err.data, "flags") != NULL);
	s.data[12] = 0;
	/* End marker with a wrong document count. */
	s.data[s.len - 16] = 5;
	buf_reset(&err);
	CHECK(read_stream(s.data, s.len, 0, 0, lens, &err) == -1);
	CHECK(strstr(err.data, "end marker says 5 documents") != NULL);
	buf_release(&s);
	buf_release(&err);
}

TEST(id_over_vocab_is_rejected)
{
	struct tokstream_header h;
	struct tokstream_writer w;
	struct buf s = BUF_INIT, err = BUF_INIT;
	tokstream_header_init(&h, "t", 0, 100, 99, 0);
	CHECK(tokstream_writer_init(&w, &h, tokstream_sink_buf, &s, &err) == 0);
	uint32_t ids[] = { 1, 100 };
	CHECK(tokstream_write_doc(&w, "x:1", 3, ids, 2, NULL, &err) == -1);
	CHECK(strstr(err.data, "x:1") && strstr(err.data, "token id 100"));
	/* The reader checks too: patch a valid stream's id to 100. */
	ids[1] = 7;
	buf_reset(&err);
	CHECK(tokstream_write_doc(&w, "x:1", 3, ids, 2, NULL, &err) == 0);
	CHECK(tokstream_writer_finish(&w, &err) == 0);
	s.data[41 + 8 + 3 + 2] = 100;
	CHECK(read_stream(s.data, s.len, 0, 0, NULL, &err) == -1);
	CHECK(strstr(err.data, "id x:1") && strstr(err.data, "token id 100"));
	CHECK(strstr(err.data, "at byte 54") != NULL);
	tokstream_writer_release(&w);
	tokstream_header_release(&h);
	buf_release(&s);
	buf_release(&err);
}

TEST(concatenated_streams)
{
	size_t lens[] = { 3, 4 };
	struct buf a = BUF_INIT, b = BUF_INIT, err = BUF_INIT;
	write_stream(&a, 1000, 0, 2, lens);
	write_stream(&a, 1000, 0, 2, lens);
	CHECK(read_stream(a.data, a.len, 0, 0, lens, &err) == 4);
	/* Different vocab: refused. */
	write_stream(&b, 1001, 0, 2, lens);
	buf_add(&b, a.data, a.len / 2);
	buf_reset(&err);
	CHECK(read_stream(b.data, b.len, 0, 0, lens, &err) == -1);
	CHECK(strstr(err.data, "different header") != NULL);
	buf_release(&a);
	buf_release(&b);
	buf_release(&err);
}

/* A source that returns one byte at a time exercises every refill path. */
static ssize_t one_byte(void *ctx, void *p, size_t n)
{
	return tokstream_source_mem(ctx, p, n ? 1 : 0);
}

TEST(byte_at_a_time_source)
{
	size_t lens[] = { 1, 2, 3000 };
	struct buf s = BUF_INIT, err = BUF_INIT;
	write_stream(&s, 300, 0, 3, lens);
	struct tokstream_mem m = { s.data, s.len, 0 };
	struct tokstream_reader r;
	struct tokstream_doc doc;
	CHECK(tokstream_reader_open(&r, one_byte, &m, "slow", &err) == 0);
	CHECK(strcmp(r.h.tokenizer_name, "test-tok") == 0);
	CHECK(r.h.tokenizer_hash == 0x1122334455667788ull);
	CHECK(r.h.eot_id == 299 && r.h.vocab_size == 300);
	int n = 0;
	size_t toks = 0;
	while (tokstream_reader_next(&r, &doc, &err) == 1) {
		n++;
		toks += doc.ntokens;
	}
	CHECK(err.len == 0);
	CHECK(n == 3 && toks == 3003);
	tokstream_reader_release(&r);
	buf_release(&s);
	buf_release(&err);
}

/* Reading in place from memory: same documents, raw ids only when asked, truncation still caught. */
TEST(in_place_reader)
{
	size_t lens[] = { 3, 0, 500 };
	struct buf s = BUF_INIT, err = BUF_INIT;
	write_stream(&s, 70000, 0, 3, lens);
	struct tokstream_reader r;
	struct tokstream_doc d;
	CHECK(tokstream_reader_open_mem(&r, s.data, s.len, "mem", &err) == 0);
	r.raw_only = 1;
	int n = 0;
	while (tokstream_reader_next(&r, &d, &err) == 1) {
		CHECK(d.ids == NULL);
		CHECK(d.ntokens == lens[n]);
		for (size_t i = 0; i < d.ntokens; i++) {
			const unsigned char *p = (const unsigned char *)d.raw + 4 * i;
			uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				     (uint32_t)p[3] << 24;
			if (v != (uint32_t)((n * 7919u + i * 104729u) % 69999u)) {
				CHECK(!"raw id differs");
				break;
			}
		}
		n++;
	}
	CHECK(n == 3 && err.len == 0);
	tokstream_reader_release(&r);
	for (size_t cut = 0; cut < s.len; cut += 7) {
		buf_reset(&err);
		int rc = tokstream_reader_open_mem(&r, s.data, cut, "mem", &err);
		while (rc == 0 && (rc = tokstream_reader_next(&r, &d, &err)) == 1)
			rc = 0;
		CHECK(rc == -1 && strstr(err.data, "at byte "));
		tokstream_reader_release(&r);
	}
	buf_release(&s);
	buf_release(&err);
}

int main(void)
{
	RUN(in_place_reader);
	RUN(round_trip_u16);
	RUN(round_trip_u32_mask);
	RUN(vocab_65536_is_u16);
	RUN(every_truncation_fails);
	RUN(truncation_message_has_offset);
	RUN(bad_magic_and_header);
	RUN(id_over_vocab_is_rejected);
	RUN(concatenated_streams);
	RUN(byte_at_a_time_source);
	return HARNESS_SUMMARY();
}
