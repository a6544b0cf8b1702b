/*
 * The one number syntax of the command line (docs in README "Numbers in options"):
 *   counts     30000, 30k, 1M, 2G      k/M/G in any case = 10^3, 10^6, 10^9; integers only
 *   sizes      4096, 64K, 256M, 1GiB   K/M/G/T and KiB/MiB/GiB/TiB = powers of 1024
 *   decimals   0.5, .25, 3, -1.5       plain decimals: no exponent, no hex, no inf/nan
 *   seeds      0 .. 18446744073709551615, decimal (010 = 10)
 * Nothing else: no sign on counts, sizes or seeds, no spaces, no base prefixes. Every parser
 * checks overflow. The opts_parse_* functions return -1 on a bad value; the opts_* wrappers
 * are for option parsing only and die with a usage error that names the option.
 */
#include "opts.h"

#include <stdlib.h>
#include <string.h>

#include "die.h"

/* Leading decimal digits of s into *v; returns the end, or NULL on no digit or overflow. */
static const char *digits_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (x > (UINT64_MAX - d) / 10)
			return NULL;
		x = x * 10 + d;
	}
	if (p == s)
		return NULL;
	*v = x;
	return p;
}

static int mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	if (b && a > UINT64_MAX / b)
		return -1;
	*out = a * b;
	return 0;
}

int opts_parse_count(const char *s, uint64_t *out)
{
	uint64_t v, mul = 1;
	const char *p = digits_u64(s, &v);
	if (!p)
		return -1;
	switch (*p) {
	case '\0': break;
	case 'k': case 'K': mul = 1000ull; p++; break;
	case 'm': case 'M': mul = 1000000ull; p++; break;
	case 'g': case 'G': mul = 1000000000ull; p++; break;
	default: return -1;
	}
	if (*p)
		return -1;
	return mul_u64(v, mul, out);
}

int opts_parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	unsigned shift = 0;
	const char *p = digits_u64(s, &v);
	if (!p)
		return -1;
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	case 't': case 'T': shift = 40; p++; break;
	}
	/* 64K, 64KB, 64KiB (any case) are all 65536; a bare trailing B means bytes. */
	if (shift && (*p == 'i' || *p == 'I') && (p[1] == 'B' || p[1] == 'b'))
		p += 2;
	else if (*p == 'B' || *p == 'b')
		p++;
	if (*p)
		return -1;
	return mul_u64(v, 1ull << shift, out);
}

int opts_parse_decimal(const char *s, double *out)
{
	const char *p = s;
	if (*p == '-')
		p++;
	size_t before = strspn(p, "0123456789");
	p += before;
	size_t after = 0;
	if (*p == '.') {
		after = strspn(p + 1, "0123456789");
		p += 1 + after;
	}
	if (*p || (before == 0 && after == 0))
		return -1;
	/* The text is now known to be plain decimal, so strtod reads exactly it. */
	*out = strtod(s, NULL);
	return 0;
}

int opts_parse_seed(const char *s, uint64_t *out)
{
	uint64_t v;
	const char *p = digits_u64(s, &v);
	if (!p || *p)
		return -1;
	*out = v;
	return 0;
}

uint64_t opts_count(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
	uint64_t v;
	if (opts_parse_count(s, &v) < 0)
		die(GRIST_EXIT_USAGE,
		    "%s expects a whole number such as 5000 or 5k (k/M/G = 10^3/10^6/10^9), got '%s'",
		    opt, s);
	if (v < lo || v > hi)
		die(GRIST_EXIT_USAGE, "%s expects a number from %llu to %llu, got '%s'", opt,
		    (unsigned long long)lo, (unsigned long long)hi, s);
	return v;
}

static void size_text(char *b, size_t n, uint64_t v)
{
	static const char units[] = "KMGT";
	int u = -1;
	while (u < 3 && v && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(b, n, "%llu", (unsigned long long)v);
	else
		snprintf(b, n, "%llu%c", (unsigned long long)v, units[u]);
}

uint64_t opts_size(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
	uint64_t v;
	if (opts_parse_size(s, &v) < 0)
		die(GRIST_EXIT_USAGE,
		    "%s expects a size in bytes such as 4096, 64K or 256MiB (K/M/G = 1024 powers), "
		    "got '%s'", opt, s);
	if (v < lo || v > hi) {
		char a[32], b[32];
		size_text(a, sizeof(a), lo);
		size_text(b, sizeof(b), hi);
		die(GRIST_EXIT_USAGE, "%s expects a size from %s to %s bytes, got '%s'", opt, a, b, s);
	}
	return v;
}

double opts_decimal(const char *opt, const char *s, double lo, double hi)
{
	double v;
	if (opts_parse_decimal(s, &v) < 0)
		die(GRIST_EXIT_USAGE, "%s expects a plain decimal number such as 0.5, got '%s'", opt, s);
	if (!(v >= lo && v <= hi))
		die(GRIST_EXIT_USAGE, "%s expects a number from %g to %g, got '%s'", opt, lo, hi, s);
	return v;
}

uint64_t opts_seed(const char *opt, const char *s)
{
	uint64_t v;
	if (opts_parse_seed(s, &v) < 0)
		die(GRIST_EXIT_USAGE,
		    "%s expects a decimal integer from 0 to 18446744073709551615, got '%s'", opt, s);
	return v;
}
