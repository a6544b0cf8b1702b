/* Unit tests for lib/le.h: byte order and round trips at unaligned offsets. */
#include "harness.h"
#include "lib/le.h"

TEST(byte_order)
{
	unsigned char b[9] = { 0 };
	le_put16(b + 1, 0x0102);
	CHECK_EQ_MEM(b + 1, 2, "\x02\x01", 2);
	le_put32(b + 1, 0x01020304u);
	CHECK_EQ_MEM(b + 1, 4, "\x04\x03\x02\x01", 4);
	le_put64(b + 1, 0x0102030405060708ull);
	CHECK_EQ_MEM(b + 1, 8, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
	CHECK(b[0] == 0);
	const unsigned char hi[8] = { 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0x80 };
	CHECK(le_get16(hi) == 0xfeffu);
	CHECK(le_get32(hi) == 0xfcfdfeffu);
	CHECK(le_get64(hi) == 0x80f9fafbfcfdfeffull);
}

TEST(round_trip)
{
	unsigned char b[16];
	uint64_t x = 0x243f6a8885a308d3ull, bad = 0;
	for (int i = 0; i < 10000; i++) {
		int at = i & 7;
		le_put64(b + at, x);
		bad += le_get64(b + at) != x;
		le_put32(b + at, (uint32_t)x);
		bad += le_get32(b + at) != (uint32_t)x;
		le_put16(b + at, (uint16_t)x);
		bad += le_get16(b + at) != (uint16_t)x;
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	}
	CHECK(bad == 0);
}

int main(void)
{
	RUN(byte_order);
	RUN(round_trip);
	return HARNESS_SUMMARY();
}
