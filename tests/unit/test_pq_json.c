/* Unit tests for parquet/pq_json.c's fast paths: doubles without printf must print exactly
 * what the printf search (%.15g, %.16g, %.17g: the first that reads back) prints. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "parquet/pq_rows.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static void same(double d)
{
	struct buf got = BUF_INIT, want = BUF_INIT;
	pq_json_double(&got, d);
	pq_json_double_printf(&want, d);
	CHECK_EQ_MEM(got.data, got.len, want.data, want.len);
	buf_release(&got);
	buf_release(&want);
}

TEST(double_matches_printf)
{
	static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
				      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20 };
	static const double edges[] = { 0.0, -0.0, 1e-4, 9.9999999999999991e-5, 1e15,
					999999999999999.0, 999999999999999.9, 1e15 - 0.5, 0.1, 0.2,
					0.3, 1.0 / 3, 2.0 / 3, 1e-5, 123456789012345.6, 0.5, 1.5,
					4503599627370496.0, 0.0001000000000000001, 5e-324, 1e308 };
	for (size_t i = 0; i < sizeof(edges) / sizeof(*edges); i++) {
		same(edges[i]);
		same(-edges[i]);
	}
	for (int i = 0; i < 300000; i++) {
		uint64_t r = next();
		double d;
		switch (i % 4) {
		case 0: /* any bits */
			memcpy(&d, &r, 8);
			if (!isfinite(d))
				continue;
			break;
		case 1: /* short decimals: what writers store */
			d = (double)(r % 10000000) / p10[(r >> 40) % 21];
			break;
		case 2: /* long decimals near 15-17 digits */
			d = (double)(r % 100000000000000000ULL) / p10[(r >> 58) % 21];
			break;
		default: /* the benchmark's language_score kind */
			d = 0.65 + (double)(r % 3500) / 10000.0;
		}
		same(r >> 63 ? -d : d);
	}
}

int main(void)
{
	RUN(double_matches_printf);
	return HARNESS_SUMMARY();
}
