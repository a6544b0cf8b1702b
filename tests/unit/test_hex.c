/* Unit tests for lib/hex.h: every byte value against the C library's isxdigit and strtol. */
#include <ctype.h>
#include <stdlib.h>

#include "harness.h"
#include "lib/hex.h"

TEST(every_byte)
{
	for (int c = 0; c < 256; c++) {
		char s[2] = { (char)c, 0 };
		int want = isxdigit(c) ? (int)strtol(s, NULL, 16) : -1;
		CHECK(hex_digit((char)c) == want);
	}
	CHECK(hex_digit('f') == 15 && hex_digit('F') == 15 && hex_digit('0') == 0);
	CHECK(hex_digit('g') == -1 && hex_digit('\0') == -1 && hex_digit((char)0xC6) == -1);
}

int main(void)
{
	RUN(every_byte);
	return HARNESS_SUMMARY();
}
