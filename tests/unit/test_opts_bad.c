/* Unit tests for lib/opts_bad.c's "did you mean": the edit distance and the closest match. */
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

int main(void)
{
	RUN(edit_distance);
	RUN(closest);
	return HARNESS_SUMMARY();
}
