/* Unit tests for lib/splitmix.h: the reference outputs (they define dedup's and shard's
 * outputs, so a changed constant must fail here). */
#include "harness.h"
#include "lib/splitmix.h"

TEST(reference_sequence)
{
	/* The first outputs of Vigna's splitmix64.c seeded with 0 (its next(): state += GAMMA, then
	 * the mix), which equal splitmix64(0), splitmix64(GAMMA), splitmix64(2 GAMMA), ... */
	static const uint64_t want[4] = { 0xe220a8397b1dcdafull, 0x6e789e6aa1b965f4ull,
					  0x06c45d188009454full, 0xf88bb8a8724c81ecull };
	uint64_t state = 0;
	for (int i = 0; i < 4; i++, state += SPLITMIX64_GAMMA)
		CHECK(splitmix64(state) == want[i]);
}

/* The same computation written from the paper's description, over many inputs. */
TEST(matches_definition)
{
	uint64_t x = 12345, bad = 0;
	for (int i = 0; i < 100000; i++) {
		uint64_t z = x + 0x9e3779b97f4a7c15ull;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		bad += splitmix64(x) != z;
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	}
	CHECK(bad == 0);
}

int main(void)
{
	RUN(reference_sequence);
	RUN(matches_definition);
	return HARNESS_SUMMARY();
}
