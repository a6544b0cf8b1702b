/* Unit tests for lib/opts_bad.c's "did you mean" (the edit distance and the closest match) and
 * for opts_parse, the option loop every stage shares. */
#include "harness.h"
#include "lib/opts.h"

TEST(edit_distance)
{
	CHECK(opts_edit_distance("", "") == 0);
	CHECK(opts_edit_distance("abc", "") == 3);
	CHECK(opts_edit_distance("", "abc") == 3);
	CHECK(opts_edit_distance("kitten", "sitting") == 3);
	CHECK(opts_edit_distance("--filters", "--filterz") == 1);
	CHECK(opts_edit_distance("--output", "--outptu") == 2); /* a swap is two edits */
	CHECK(opts_edit_distance("flaw", "lawn") == 2);
}

TEST(closest)
{
	static const char *const opts[] = { "--filters", "--normalize", "--redact", "--lang" };
	CHECK(opts_closest("--filterz", opts, 4) == opts[0]);
	CHECK(opts_closest("--normalise", opts, 4) == opts[1]);
	CHECK(opts_closest("--lan", opts, 4) == opts[3]);
	CHECK(opts_closest("--zzzzzzzz", opts, 4) == NULL);
	CHECK(opts_closest("--x", opts, 0) == NULL);
	static const char *const stages[] = { "ingest", "clean", "dedup", "tokenize", "shard" };
	CHECK(opts_closest("cleen", stages, 5) == stages[1]);
	CHECK(opts_closest("tokenise", stages, 5) == stages[3]);
	CHECK(opts_closest("zzz", stages, 5) == NULL);
}

struct popts {
	const char *name;
	int flag, seen, quiet;
};

/* Takes its own two options and, first, the shared -q (a stage may take over a shared one). */
static int p_opt(void *ctx, int c, const char *arg)
{
	struct popts *p = ctx;
	p->seen++;
	if (c == 'q') {
		p->quiet = 1;
		return 1;
	}
	if (c == 2001) {
		p->name = arg;
		return 1;
	}
	if (c == 2002) {
		p->flag = 1;
		return 1;
	}
	return 0; /* 2003: in the table, taken by nobody */
}

static int usage_calls;
static void p_usage(FILE *f)
{
	usage_calls++;
}

TEST(parse_loop)
{
	static const struct option longs[] = {
		COMMON_LONG_OPTIONS,
		{ "name", required_argument, 0, 2001 },
		{ "flag", no_argument, 0, 2002 },
		{ "orphan", no_argument, 0, 2003 },
		{ 0, 0, 0, 0 },
	};
	char *argv[] = { "grist", "--name", "x", "-q", "-j", "3", "--flag", "in.jsonl", NULL };
	struct common_opts co;
	common_opts_init(&co);
	struct popts p = { 0 };
	optind = 1;
	CHECK(opts_parse(&co, 8, argv, COMMON_SHORT_OPTIONS, longs, p_usage, p_opt, &p) == 0);
	CHECK(p.name && !strcmp(p.name, "x") && p.flag == 1 && p.seen == 4);
	CHECK(p.quiet == 1 && co.quiet == 0); /* the stage took -q before common_opt saw it */
	CHECK(co.jobs == 3);                  /* the stage left -j to common_opt */
	CHECK(optind == 7 && !strcmp(argv[optind], "in.jsonl"));
	CHECK(usage_calls == 0);
	char *argv2[] = { "grist", "--orphan", NULL };
	common_opts_init(&co);
	optind = 1;
	CHECK(opts_parse(&co, 2, argv2, COMMON_SHORT_OPTIONS, longs, p_usage, p_opt, &p) == 2);
	CHECK(usage_calls == 1);
}

int main(void)
{
	RUN(edit_distance);
	RUN(closest);
	RUN(parse_loop);
	return HARNESS_SUMMARY();
}
