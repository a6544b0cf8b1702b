/* The one number syntax (lib/opts_num.c): what each parser accepts and what it refuses. */
#include <stdint.h>

#include "harness.h"
#include "lib/opts.h"

static int count_is(const char *s, uint64_t want)
{
	uint64_t v = 12345;
	return opts_parse_count(s, &v) == 0 && v == want;
}
static int size_is(const char *s, uint64_t want)
{
	uint64_t v = 12345;
	return opts_parse_size(s, &v) == 0 && v == want;
}
static int dec_is(const char *s, double want)
{
	double v = -99;
	return opts_parse_decimal(s, &v) == 0 && v == want;
}
static int seed_is(const char *s, uint64_t want)
{
	uint64_t v = 12345;
	return opts_parse_seed(s, &v) == 0 && v == want;
}

TEST(counts)
{
	uint64_t v;
	CHECK(count_is("0", 0));
	CHECK(count_is("30000", 30000));
	CHECK(count_is("30k", 30000));
	CHECK(count_is("30K", 30000));
	CHECK(count_is("2m", 2000000));
	CHECK(count_is("2M", 2000000));
	CHECK(count_is("3g", 3000000000ull));
	CHECK(count_is("3G", 3000000000ull));
	CHECK(count_is("010", 10));
	CHECK(count_is("18446744073709551615", UINT64_MAX));
	const char *bad[] = { "", "k", "1.5k", "1.5", "-1", "+1", " 1", "1 ", "0x10", "1e3", "1kk",
			      "1KiB", "1T", "abc", "18446744073709551616", "18446744073709552k",
			      "18446744074G", "1k0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (opts_parse_count(bad[i], &v) == 0) {
			fprintf(stderr, "count accepted '%s'\n", bad[i]);
			CHECK(0);
		}
	}
}

TEST(sizes)
{
	uint64_t v;
	CHECK(size_is("4096", 4096));
	CHECK(size_is("4096B", 4096));
	CHECK(size_is("1K", 1024));
	CHECK(size_is("1k", 1024));
	CHECK(size_is("1KB", 1024));
	CHECK(size_is("1KiB", 1024));
	CHECK(size_is("1kib", 1024));
	CHECK(size_is("256M", 256ull << 20));
	CHECK(size_is("256MiB", 256ull << 20));
	CHECK(size_is("1G", 1ull << 30));
	CHECK(size_is("1GiB", 1ull << 30));
	CHECK(size_is("2T", 2ull << 40));
	CHECK(size_is("16777215T", 16777215ull << 40));
	const char *bad[] = { "", "K", "1.5G", "-1", "+1", "1 K", "0x10", "1e3", "1Ki", "1iB",
			      "1KK", "1P", "16777216T", "18446744073709551616", "1Bi", "1KBB" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (opts_parse_size(bad[i], &v) == 0) {
			fprintf(stderr, "size accepted '%s'\n", bad[i]);
			CHECK(0);
		}
	}
}

TEST(decimals)
{
	double v;
	CHECK(dec_is("0", 0));
	CHECK(dec_is("0.5", 0.5));
	CHECK(dec_is(".25", 0.25));
	CHECK(dec_is("1.", 1));
	CHECK(dec_is("-1.5", -1.5));
	CHECK(dec_is("3", 3));
	const char *bad[] = { "", ".", "-", "-.", "1e3", "1E-3", "inf", "nan", "0x1p3", " 1",
			      "1 ", "+1", "1.2.3", "1,5", "5%", "1k" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (opts_parse_decimal(bad[i], &v) == 0) {
			fprintf(stderr, "decimal accepted '%s'\n", bad[i]);
			CHECK(0);
		}
	}
}

TEST(seeds)
{
	uint64_t v;
	CHECK(seed_is("0", 0));
	CHECK(seed_is("010", 10));
	CHECK(seed_is("0008", 8));
	CHECK(seed_is("18446744073709551615", UINT64_MAX));
	const char *bad[] = { "", "-1", "+1", "0x10", "1k", "18446744073709551616", "1.0", " 7" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (opts_parse_seed(bad[i], &v) == 0) {
			fprintf(stderr, "seed accepted '%s'\n", bad[i]);
			CHECK(0);
		}
	}
}

int main(void)
{
	RUN(counts);
	RUN(sizes);
	RUN(decimals);
	RUN(seeds);
	return HARNESS_SUMMARY();
}
