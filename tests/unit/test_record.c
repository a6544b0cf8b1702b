/* Unit tests for lib/record (batching lines) and lib/parallel (ordered -j output). */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "lib/parallel.h"
#include "lib/record.h"
#include "lib/source.h"

/* A source reading from memory in small, uneven pieces (like a pipe). */
struct mem { const char *p; size_t n, pos, step; };

static ssize_t mem_read(struct source *s, void *buf, size_t n, struct buf *err)
{
	struct mem *m = s->ctx;
	size_t k = m->n - m->pos;
	if (k > n) k = n;
	if (k > m->step) k = m->step;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	m->step = m->step * 7 % 13 + 1;
	return (ssize_t)k;
}

static void mem_source(struct source *s, struct mem *m, const char *p, size_t n)
{
	memset(s, 0, sizeof(*s));
	m->p = p; m->n = n; m->pos = 0; m->step = 5;
	s->name = "mem";
	s->fd = -1;
	s->read_fn = mem_read;
	s->ctx = m;
}

/* Cut the input into batches of every target size; lines, numbers and offsets must not change. */
TEST(batches_keep_lines)
{
	const char in[] = "\xef\xbb\xbf{\"a\":1}\r\n\nsecond line\nthird\r\n\n\nlast no newline";
	const char *want[] = { "{\"a\":1}", "", "second line", "third", "", "", "last no newline" };
	const uint64_t want_off[] = { 3, 12, 13, 25, 32, 33, 34 };
	for (size_t target = 1; target < 64; target++) {
		struct source s;
		struct mem m;
		struct batch_reader r;
		struct batch b = { 0 };
		struct buf err = BUF_INIT;
		buf_init(&b.out, 0); buf_init(&b.rejects, 0); buf_init(&b.fatal, 0); buf_init(&b.warnings, 0);
		mem_source(&s, &m, in, sizeof(in) - 1);
		batch_reader_init(&r, &s, target);
		size_t k = 0;
		int rc;
		while ((rc = batch_reader_next(&r, &b, &err)) == 1) {
			struct line_iter it;
			struct line l;
			line_iter_init(&it, &b);
			while (batch_next_line(&b, &it, &l)) {
				CHECK(k < 7);
				if (k >= 7) break;
				CHECK_EQ_MEM(l.p, l.len, want[k], strlen(want[k]));
				CHECK(l.lineno == k + 1);
				CHECK(l.offset == want_off[k]);
				k++;
			}
		}
		CHECK(rc == 0);
		CHECK(k == 7);
		batch_reader_release(&r);
		batch_release(&b);
	}
}

static void work_upper(void *shared, void *st, struct batch *b)
{
	struct line_iter it;
	struct line l;
	line_iter_init(&it, b);
	while (batch_next_line(b, &it, &l)) {
		buf_addf(&b->out, "%llu:", (unsigned long long)l.lineno);
		buf_add(&b->out, l.p, l.len);
		buf_addch(&b->out, '\n');
		b->counts.records_in++;
		if (l.len % 3 == 0) counts_reject(&b->counts, "div3");
		/* uneven work so threads finish out of order */
		if (l.len % 5 == 0) usleep(50);
	}
}

static void emit_collect(void *shared, struct batch *b)
{
	buf_add(shared, b->out.data, b->out.len);
}

static void run_jobs(int jobs, const char *in, size_t n, struct buf *out)
{
	struct par_config pc = { .jobs = jobs, .work = work_upper, .emit = emit_collect, .shared = out };
	struct par *p = par_new(&pc);
	struct source s;
	struct mem m;
	struct batch_reader r;
	struct buf err = BUF_INIT;
	mem_source(&s, &m, in, n);
	batch_reader_init(&r, &s, 37);
	for (;;) {
		struct batch *b = par_get_batch(p);
		if (batch_reader_next(&r, b, &err) != 1) {
			par_return_batch(p, b);
			break;
		}
		par_submit(p, b);
	}
	par_finish(p);
	batch_reader_release(&r);
}

TEST(parallel_output_in_order)
{
	struct buf in = BUF_INIT, one = BUF_INIT, many = BUF_INIT;
	for (int i = 0; i < 3000; i++)
		buf_addf(&in, "line %d %.*s\n", i, i % 17, "xxxxxxxxxxxxxxxxxxxx");
	run_jobs(1, in.data, in.len, &one);
	CHECK(one.len > in.len);
	for (int j = 2; j <= 6; j++) {
		buf_reset(&many);
		run_jobs(j, in.data, in.len, &many);
		CHECK_EQ_MEM(one.data, one.len, many.data, many.len);
	}
	buf_release(&in);
	buf_release(&one);
	buf_release(&many);
}

TEST(counts_merge_rules)
{
	struct counts a, b;
	counts_reset(&a);
	counts_reset(&b);
	counts_reject(&a, "x");
	counts_reject(&b, "y");
	counts_reject(&b, "x");
	counts_text_length(&b, 0);
	counts_text_length(&b, 1000);
	counts_merge(&a, &b);
	CHECK(a.rejected == 3);
	CHECK(counts_rule(&a, "x") == 2 && counts_rule(&a, "y") == 1);
	CHECK(a.hist[0] == 1 && a.hist[10] == 1);
}

static void write_fields(const char *line, const char *new_text, const char *want)
{
	struct json_validator *v = json_validator_new();
	struct common_opts o;
	common_opts_init(&o);
	size_t n = strlen(line);
	char *p = calloc(1, n + JSON_PADDING);
	memcpy(p, line, n);
	struct line l = { p, n, 1, 0 };
	struct record r;
	struct buf why = BUF_INIT, out = BUF_INIT;
	size_t off;
	CHECK(record_parse(v, &l, &o, &r, &why, &off) == 0);
	const struct field_value fv[] = { { "lang", "\"fr\"" }, { "score", "0.5" } };
	record_write_fields(&out, &r, "text", new_text, new_text ? strlen(new_text) : 0, fv, 2);
	CHECK_STR(out.data, want);
	buf_release(&why);
	buf_release(&out);
	free(p);
	json_validator_free(v);
}

TEST(record_write_fields_sets_in_place)
{
	/* existing members replaced in place (every occurrence), others byte-identical */
	write_fields("{\"lang\" : \"xx\", \"text\":\"a\",\"n\": 1 ,\"lang\":null}", NULL,
		     "{\"lang\" : \"fr\", \"text\":\"a\",\"n\": 1 ,\"lang\":\"fr\",\"score\":0.5}");
	/* text replaced, missing members appended */
	write_fields("{\"text\":\"old\",\"z\":[1,{\"lang\":1}]}", "new \"q\"",
		     "{\"text\":\"new \\\"q\\\"\",\"z\":[1,{\"lang\":1}],\"lang\":\"fr\",\"score\":0.5}");
	/* empty object, missing text */
	write_fields("{ }", "t", "{ \"text\":\"t\",\"lang\":\"fr\",\"score\":0.5}");
}

int main(void)
{
	RUN(batches_keep_lines);
	RUN(parallel_output_in_order);
	RUN(counts_merge_rules);
	RUN(record_write_fields_sets_in_place);
	return HARNESS_SUMMARY();
}
