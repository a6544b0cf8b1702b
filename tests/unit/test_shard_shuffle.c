/* Unit tests for the shard shuffle's building blocks: fixed values (the order is part of the
 * output's definition), uniformity of the whole bucket-then-permute method, bounded draws. */
#include "harness.h"
#include "shard/shard.h"
#include <math.h>
#include <stdlib.h>

TEST(fixed_values)
{
	double u = shard_unit(5, 7, 9);
	CHECK(u >= 0 && u < 1);
	CHECK(shard_unit(5, 7, 9) == u);
	CHECK(shard_unit(5, 7, 10) != u);
}

/* Order of n documents under the documented method, as permutation index (lexicographic rank). */
static int method_rank(uint64_t seed, uint32_t k, size_t n)
{
	size_t order[8], m = 0;
	for (uint32_t b = 0; b < k; b++) {
		size_t items[8], c = 0;
		for (size_t i = 0; i < n; i++)
			if (shard_bucket_of(seed, k, i) == b)
				items[c++] = i;
		shard_permute(seed, b, items, c);
		for (size_t i = 0; i < c; i++)
			order[m++] = items[i];
	}
	int rank = 0;
	for (size_t i = 0; i < n; i++) {
		int smaller = 0;
		for (size_t j = i + 1; j < n; j++)
			smaller += order[j] < order[i];
		rank = rank * (int)(n - i) + smaller;
	}
	return rank;
}

/* All 24 orders of 4 documents come out equally often (chi-square, 23 degrees of freedom). */
TEST(whole_method_is_uniform)
{
	for (uint32_t k = 1; k <= 3; k++) {
		int counts[24] = { 0 };
		const int trials = 48000;
		for (int s = 0; s < trials; s++)
			counts[method_rank((uint64_t)s, k, 4)]++;
		double chi = 0, e = trials / 24.0;
		for (int i = 0; i < 24; i++)
			chi += (counts[i] - e) * (counts[i] - e) / e;
		/* p = 0.001 critical value for 23 d.o.f. is 49.7 */
		if (chi > 49.7)
			fprintf(stderr, "k=%u chi2=%.1f\n", k, chi);
		CHECK(chi < 49.7);
	}
}

TEST(permute_is_a_permutation)
{
	size_t a[1000];
	for (size_t i = 0; i < 1000; i++)
		a[i] = i;
	shard_permute(42, 3, a, 1000);
	int seen[1000] = { 0 }, moved = 0;
	for (size_t i = 0; i < 1000; i++) {
		seen[a[i]]++;
		moved += a[i] != i;
	}
	int ok = 1;
	for (size_t i = 0; i < 1000; i++)
		ok &= seen[i] == 1;
	CHECK(ok);
	CHECK(moved > 900);
}

TEST(buckets_are_balanced)
{
	uint32_t counts[256] = { 0 };
	for (uint64_t i = 0; i < 256000; i++)
		counts[shard_bucket_of(7, 256, i)]++;
	uint32_t lo = UINT32_MAX, hi = 0;
	for (int b = 0; b < 256; b++) {
		lo = counts[b] < lo ? counts[b] : lo;
		hi = counts[b] > hi ? counts[b] : hi;
	}
	/* mean 1000, sd about 32 */
	CHECK(lo > 850 && hi < 1150);
}

int main(void)
{
	RUN(fixed_values);
	RUN(whole_method_is_uniform);
	RUN(permute_is_a_permutation);
	RUN(buckets_are_balanced);
	return HARNESS_SUMMARY();
}
