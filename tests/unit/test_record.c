/* Unit tests for lib/record (batching lines, the per-line loop), lib/parallel (ordered -j output,
 * thread start/stop) and lib/source (whole-file reads). */
#include <pthread.h>
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

/* Selection skips and notes are counted apart from rejects, survive merging, and render under
 * "skipped" and "notes" in the stats object. */
TEST(counts_skips_and_notes)
{
	struct counts a, b;
	counts_reset(&a);
	counts_reset(&b);
	counts_reject(&a, "bad");
	counts_skip(&b, "not_selected", 2);
	counts_note(&b, "repaired", 1);
	counts_skip(&a, "not_selected", 1);
	counts_merge(&a, &b);
	CHECK(a.rejected == 1);
	CHECK(counts_rule(&a, "not_selected") == 3 && counts_rule(&a, "repaired") == 1);
	struct stats s;
	char *argv[] = { "grist", "x" };
	stats_init(&s, "x", 2, argv);
	s.c = a;
	struct buf out = BUF_INIT;
	stats_render(&s, &out);
	CHECK(strstr(out.data, "\"rejected\":1,\"rejects\":{\"bad\":1},\"skipped\":{\"not_selected\":3},"
			       "\"notes\":{\"repaired\":1}") != NULL);
	buf_release(&out);
	stats_release(&s);
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


/* batch_each_line: every non-blank line in order with its number; a negative return stops. */
struct seen { char got[256]; size_t n; uint64_t linenos[8]; int calls, stop_at; };

static int note_line(void *shared, void *thread_state, struct batch *b, const struct line *l)
{
	struct seen *s = shared;
	CHECK(thread_state == (void *)b);
	if (s->calls < 8)
		s->linenos[s->calls] = l->lineno;
	if (++s->calls == s->stop_at)
		return -7;
	memcpy(s->got + s->n, l->p, l->len);
	s->n += l->len;
	s->got[s->n++] = '|';
	return 0;
}

TEST(each_line_skips_blank_lines_and_stops)
{
	char text[] = "a\n \t\nbb\r\n\n\vc\nd";
	struct batch b = { 0 };
	b.data = text;
	b.len = strlen(text);
	b.lineno0 = 10;
	struct seen s = { .stop_at = 0 };
	CHECK(batch_each_line(&b, note_line, &s, &b) == 0);
	CHECK_EQ_MEM(s.got, s.n, "a|bb|\vc|d|", 10);
	CHECK(s.calls == 4 && s.linenos[0] == 10 && s.linenos[1] == 12 && s.linenos[2] == 14 &&
	      s.linenos[3] == 15);
	struct seen t = { .stop_at = 2 };
	CHECK(batch_each_line(&b, note_line, &t, &b) == -7);
	CHECK(t.calls == 2);
	CHECK_EQ_MEM(t.got, t.n, "a|", 2);
}

/* par_threads_start/stop: every thread runs, sees the stop flag and is joined. */
struct crew { pthread_mutex_t mu; pthread_cond_t cv; int stop, running, finished; };

static void *crew_main(void *arg)
{
	struct crew *c = arg;
	pthread_mutex_lock(&c->mu);
	c->running++;
	pthread_cond_broadcast(&c->cv);
	while (!c->stop)
		pthread_cond_wait(&c->cv, &c->mu);
	c->finished++;
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

TEST(threads_start_and_stop)
{
	struct crew c = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };
	pthread_t *th = par_threads_start(5, crew_main, &c, "test threads");
	pthread_mutex_lock(&c.mu);
	while (c.running < 5)
		pthread_cond_wait(&c.cv, &c.mu);
	CHECK(c.finished == 0);
	pthread_mutex_unlock(&c.mu);
	par_threads_stop(th, 5, &c.mu, &c.cv, &c.stop);
	CHECK(c.stop == 1 && c.finished == 5); /* joined: nothing runs after stop returns */
}

/* source_read_file: the whole file; a limit, a missing file and stdin are errors with messages. */
TEST(read_whole_file)
{
	char path[] = "/tmp/grist-readfile.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	char big[100000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 1);
	CHECK(write(fd, big, sizeof(big)) == (ssize_t)sizeof(big));
	close(fd);
	struct buf out = BUF_INIT, err = BUF_INIT;
	buf_addstr(&out, "kept:");
	CHECK(source_read_file(path, &out, UINT64_MAX, &err) == 0);
	CHECK(out.len == 5 + sizeof(big) && !memcmp(out.data + 5, big, sizeof(big)));
	buf_reset(&out);
	CHECK(source_read_file(path, &out, 1000, &err) < 0);
	CHECK(strstr(err.data, path) && strstr(err.data, "limit"));
	unlink(path);
	buf_reset(&err);
	CHECK(source_read_file(path, &out, UINT64_MAX, &err) < 0);
	CHECK(strstr(err.data, path) != NULL);
	buf_reset(&err);
	CHECK(source_read_file("-", &out, UINT64_MAX, &err) < 0 && strstr(err.data, "stdin"));
	buf_release(&out);
	buf_release(&err);
}

/* source_init_fn: reads come from the callback, the name is a copy, close_fn runs once. */
static int cb_closed;
static ssize_t cb_read(struct source *s, void *out, size_t n, struct buf *err)
{
	const char **p = s->ctx;
	size_t k = strlen(*p) < n ? strlen(*p) : n;
	if (k > 2)
		k = 2; /* short reads: the caller must loop */
	memcpy(out, *p, k);
	*p += k;
	return (ssize_t)k;
}
static void cb_close(struct source *s)
{
	cb_closed++;
	s->ctx = NULL;
}

TEST(source_from_callback)
{
	char name[] = "cb";
	const char *text = "hello";
	struct source s;
	source_init_fn(&s, name, cb_read, cb_close, &text, 5);
	name[0] = 'X';
	CHECK_STR(s.name, "cb");
	CHECK(s.fd == -1 && s.size == 5 && s.consumed == 0);
	struct buf out = BUF_INIT, err = BUF_INIT;
	CHECK(source_read_all(&s, &out, 100, &err) == 0);
	CHECK_STR(out.data, "hello");
	CHECK(s.consumed == 5);
	source_close(&s);
	CHECK(cb_closed == 1);
	buf_release(&out);
	buf_release(&err);
}

/* source_read_all: a source that knows its size is read into one allocation of that size
 * (archive members: growing 64 KiB at a time copied large ones several times); a source whose
 * size was wrong is still read to its end. */
TEST(read_all_known_size)
{
	static char big[100000];
	memset(big, 'x', sizeof(big));
	struct source s;
	source_init_memory(&s, "m", big, sizeof(big));
	struct buf out = BUF_INIT, err = BUF_INIT;
	CHECK(source_read_all(&s, &out, sizeof(big), &err) == 0);
	CHECK(out.len == sizeof(big) && out.data[out.len] == '\0');
	CHECK(out.cap <= sizeof(big) + 2); /* the data, its NUL, the byte of the last read */
	source_close(&s);
	const char *text = "hello world";
	source_init_fn(&s, "cb", cb_read, NULL, &text, 5); /* says 5 bytes, has 11 */
	buf_reset(&out);
	CHECK(source_read_all(&s, &out, 100, &err) == 0);
	CHECK_STR(out.data, "hello world");
	source_close(&s);
	buf_release(&out);
	buf_release(&err);
}

/* record_position_json: "SOURCE:N" with the source repaired, and the reject's "source" is it. */
TEST(position_json)
{
	struct buf b = BUF_INIT;
	record_position_json(&b, "dir/a \"b\".jsonl", 42);
	CHECK_STR(b.data, "\"dir/a \\\"b\\\".jsonl:42\"");
	buf_reset(&b);
	record_position_json(&b, "x\xff.tar!m", 18446744073709551615ull);
	CHECK_STR(b.data, "\"x\xef\xbf\xbd.tar!m:18446744073709551615\"");
	buf_reset(&b);
	reject_write(&b, "ingest", "r", NULL, "x\xff.tar!m", 7, "{}", 2, 0, NULL);
	CHECK(strstr(b.data, ",\"source\":\"x\xef\xbf\xbd.tar!m:7\",") != NULL);
	buf_release(&b);
}

int main(void)
{
	RUN(batches_keep_lines);
	RUN(parallel_output_in_order);
	RUN(counts_merge_rules);
	RUN(record_write_fields_sets_in_place);
	RUN(each_line_skips_blank_lines_and_stops);
	RUN(threads_start_and_stop);
	RUN(read_whole_file);
	RUN(counts_skips_and_notes);
	RUN(position_json);
	RUN(source_from_callback);
	RUN(read_all_known_size);
	return HARNESS_SUMMARY();
}
