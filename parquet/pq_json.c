/*
 * One Parquet value as JSON, by its physical and logical type (the mapping is in
 * docs/parquet.md): integers exactly (unsigned where the type says so), floats and doubles in
 * the shortest form that reads back to the same value, timestamps as ISO 8601, dates as
 * YYYY-MM-DD, decimals as strings, UUIDs in their usual form, binary as base64.
 */
#include "parquet/pq_rows.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"

void pq_base64(struct buf *out, const uint8_t *p, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	buf_grow(out, (n + 2) / 3 * 4 + 2);
	char *o = out->data + out->len;
	*o++ = '"';
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = tbl[v >> 18];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = tbl[(v >> 6) & 63];
		*o++ = tbl[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
		*o++ = tbl[v >> 18];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o++ = '"';
	buf_setlen(out, (size_t)(o - out->data));
}

void pq_json_string(struct buf *out, const char *s, size_t n)
{
	json_string_encode_repair(out, s, n);
}

/* Decimal digits of v, without printf (one call per integer value is measurable). */
static void put_u64(struct buf *out, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[sizeof(tmp) - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_add(out, tmp + sizeof(tmp) - n, n);
}

static void put_i64(struct buf *out, int64_t v)
{
	if (v < 0) {
		buf_addch(out, '-');
		put_u64(out, -(uint64_t)v);
	} else {
		put_u64(out, (uint64_t)v);
	}
}

/* The printf search pq_json_double stands for: %.15g, %.16g or %.17g, the first that reads
 * back to d. */
void pq_json_double_printf(struct buf *out, double d)
{
	char tmp[32];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (prec == 17 || strtod(tmp, NULL) == d)
			break;
	}
	buf_addstr(out, tmp);
}

/*
 * The fast path, for 1e-4 <= |d| < 1e15 (where %.15g prints fixed notation): the fewest
 * fraction digits k for which m = round(|d| * 10^k) < 10^15 gives back d as m / 10^k (both
 * exact doubles, the division correctly rounded, so it equals strtod of the decimal). Such a
 * decimal of at most 15 digits lies within half an ulp of d, so it is %.15g's rounding of d,
 * trailing zeros dropped; and |d| * 10^k is within 0.25 of m, so the search cannot miss it.
 * Returns 0 when there is none (17-digit values, other magnitudes): printf decides.
 */
static int double_fixed(struct buf *out, double d)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
				      1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19 };
	double a = fabs(d);
	if (!(a >= 1e-4 && a < 1e15))
		return 0;
	for (int k = 0; k < 20; k++) {
		double t = a * p10[k];
		if (t >= 1e15)
			return 0;
		double r = nearbyint(t);
		if (r / p10[k] != a)
			continue;
		char dig[24];
		int nd = 0;
		for (uint64_t m = (uint64_t)r; m; m /= 10)
			dig[nd++] = (char)('0' + m % 10);
		buf_grow(out, (size_t)nd + (size_t)k + 4);
		if (signbit(d))
			buf_addch(out, '-');
		if (nd <= k) { /* 0.000ddd */
			buf_add(out, "0.", 2);
			for (int z = nd; z < k; z++)
				buf_addch(out, '0');
		}
		for (int i = nd; i-- > 0;) {
			buf_addch(out, dig[i]);
			if (i == k && k && nd > k)
				buf_addch(out, '.');
		}
		return 1;
	}
	return 0;
}

void pq_json_double(struct buf *out, double d)
{
	if (!isfinite(d)) {
		buf_addstr(out, "null");
		return;
	}
	if (!double_fixed(out, d))
		pq_json_double_printf(out, d);
}

static void json_float(struct buf *out, float f)
{
	if (!isfinite(f)) {
		buf_addstr(out, "null");
		return;
	}
	char tmp[32];
	for (int prec = 6; prec <= 9; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, (double)f);
		if (prec == 9 || strtof(tmp, NULL) == f)
			break;
	}
	buf_addstr(out, tmp);
}

static float half_to_float(uint16_t h)
{
	int e = (h >> 10) & 31, m = h & 1023;
	float v = e == 0 ? ldexpf((float)m, -24) : e == 31 ? (m ? NAN : INFINITY)
							   : ldexpf((float)(m | 1024), e - 25);
	return (h & 0x8000) ? -v : v;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static void put_date(struct buf *out, int64_t days)
{
	int64_t y;
	unsigned m, d;
	civil(days, &y, &m, &d);
	buf_addf(out, "%04" PRId64 "-%02u-%02u", y, m, d);
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Fraction digits: the unit's full width, trailing groups of three zeros dropped. */
static void put_fraction(struct buf *out, int64_t frac, int digits)
{
	if (!frac)
		return;
	while (digits > 3 && frac % 1000 == 0) {
		frac /= 1000;
		digits -= 3;
	}
	buf_addf(out, ".%0*" PRId64, digits, frac);
}

static void put_timestamp(struct buf *out, int64_t v, int unit, int utc)
{
	static const int64_t per_sec[] = { 1000, 1000000, 1000000000 };
	static const int digits[] = { 3, 6, 9 };
	int64_t ps = per_sec[unit];
	int64_t secs = floordiv(v, ps), frac = v - secs * ps;
	int64_t days = floordiv(secs, 86400), sod = secs - days * 86400;
	buf_addch(out, '"');
	put_date(out, days);
	buf_addf(out, "T%02d:%02d:%02d", (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
	put_fraction(out, frac, digits[unit]);
	buf_addstr(out, utc ? "Z\"" : "\"");
}

static void put_time(struct buf *out, int64_t v, int unit)
{
	static const int64_t per_sec[] = { 1000, 1000000, 1000000000 };
	static const int digits[] = { 3, 6, 9 };
	int64_t ps = per_sec[unit];
	int64_t secs = floordiv(v, ps), frac = v - secs * ps;
	buf_addf(out, "\"%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	put_fraction(out, frac, digits[unit]);
	buf_addch(out, '"');
}

/* A big-endian two's complement integer of n bytes as a decimal string with `scale`. */
static void put_decimal(struct buf *out, const uint8_t *p, size_t n, int scale)
{
	uint8_t mag[64];
	if (n == 0 || n > sizeof(mag)) {
		pq_base64(out, p, n);
		return;
	}
	int neg = p[0] & 0x80;
	memcpy(mag, p, n);
	if (neg) { /* negate: invert and add one */
		int carry = 1;
		for (size_t i = n; i-- > 0;) {
			int v = (uint8_t)~mag[i] + carry;
			mag[i] = (uint8_t)v;
			carry = v >> 8;
		}
	}
	char digits[160];
	size_t nd = 0;
	for (;;) {
		int rem = 0, nonzero = 0;
		for (size_t i = 0; i < n; i++) {
			int cur = rem * 256 + mag[i];
			mag[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
			nonzero |= mag[i];
		}
		digits[nd++] = (char)('0' + rem);
		if (!nonzero)
			break;
	}
	buf_addch(out, '"');
	if (neg)
		buf_addch(out, '-');
	if (scale <= 0) {
		while (nd)
			buf_addch(out, digits[--nd]);
		for (int i = 0; i < -scale && i < 1000; i++)
			buf_addch(out, '0');
	} else {
		size_t sc = (size_t)scale;
		if (nd <= sc) {
			buf_addstr(out, "0.");
			for (size_t i = nd; i < sc; i++)
				buf_addch(out, '0');
		} else {
			while (nd > sc)
				buf_addch(out, digits[--nd]);
			buf_addch(out, '.');
		}
		while (nd)
			buf_addch(out, digits[--nd]);
	}
	buf_addch(out, '"');
}

static void put_int_decimal(struct buf *out, int64_t v, int scale)
{
	uint8_t be[8];
	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	put_decimal(out, be, 8, scale);
}

static void put_uuid(struct buf *out, const uint8_t *p)
{
	static const char hex[] = "0123456789abcdef";
	buf_addch(out, '"');
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf_addch(out, '-');
		buf_addch(out, hex[p[i] >> 4]);
		buf_addch(out, hex[p[i] & 15]);
	}
	buf_addch(out, '"');
}

static void put_int32(struct buf *out, const struct pq_node *n, int32_t v)
{
	switch (n->logical) {
	case PQL_DATE:
		buf_addch(out, '"');
		put_date(out, v);
		buf_addch(out, '"');
		return;
	case PQL_DECIMAL:
		put_int_decimal(out, v, n->scale);
		return;
	case PQL_TIME:
		put_time(out, v, n->unit);
		return;
	case PQL_INT:
		if (!n->is_signed) {
			put_u64(out, (uint32_t)v);
			return;
		}
		break;
	default:
		break;
	}
	put_i64(out, v);
}

static void put_int64(struct buf *out, const struct pq_node *n, int64_t v)
{
	switch (n->logical) {
	case PQL_TIMESTAMP:
		put_timestamp(out, v, n->unit, n->utc);
		return;
	case PQL_DECIMAL:
		put_int_decimal(out, v, n->scale);
		return;
	case PQL_TIME:
		put_time(out, v, n->unit);
		return;
	case PQL_INT:
		if (!n->is_signed) {
			put_u64(out, (uint64_t)v);
			return;
		}
		break;
	default:
		break;
	}
	put_i64(out, v);
}

int pq_is_string(const struct pq_node *n)
{
	return n->type == PQ_BYTE_ARRAY &&
	       (n->logical == PQL_STRING || n->logical == PQL_ENUM || n->logical == PQL_JSON);
}

void pq_json_value(struct buf *out, const struct pq_column *c, size_t vi)
{
	const struct pq_node *n = c->leaf;
	const uint8_t *f = c->width ? c->vals.fixed + vi * (size_t)c->width : NULL;
	switch (n->type) {
	case PQ_BOOLEAN:
		buf_addstr(out, f[0] ? "true" : "false");
		return;
	case PQ_INT32: {
		int32_t v;
		memcpy(&v, f, 4);
		put_int32(out, n, v);
		return;
	}
	case PQ_INT64: {
		int64_t v;
		memcpy(&v, f, 8);
		put_int64(out, n, v);
		return;
	}
	case PQ_INT96: { /* legacy timestamp: nanoseconds of the day, then the Julian day */
		int64_t nanos;
		int32_t jd;
		memcpy(&nanos, f, 8);
		memcpy(&jd, f + 8, 4);
		int64_t days = (int64_t)jd - 2440588;
		if (days > INT64_MAX / 86400000000000 - 1 || days < INT64_MIN / 86400000000000 + 1) {
			pq_base64(out, f, 12);
			return;
		}
		put_timestamp(out, days * 86400000000000 + nanos, PQ_NANOS, 1);
		return;
	}
	case PQ_FLOAT: {
		float v;
		memcpy(&v, f, 4);
		json_float(out, v);
		return;
	}
	case PQ_DOUBLE: {
		double v;
		memcpy(&v, f, 8);
		pq_json_double(out, v);
		return;
	}
	case PQ_BYTE_ARRAY: {
		const struct pq_bytes *b = &c->vals.ba[vi];
		if (pq_is_string(n))
			pq_json_string(out, b->p, b->n);
		else if (n->logical == PQL_DECIMAL)
			put_decimal(out, (const uint8_t *)b->p, b->n, n->scale);
		else
			pq_base64(out, (const uint8_t *)b->p, b->n);
		return;
	}
	case PQ_FLBA:
		if (n->logical == PQL_UUID && c->width == 16)
			put_uuid(out, f);
		else if (n->logical == PQL_FLOAT16 && c->width == 2)
			json_float(out, half_to_float((uint16_t)(f[0] | f[1] << 8)));
		else if (n->logical == PQL_DECIMAL)
			put_decimal(out, f, (size_t)c->width, n->scale);
		else
			pq_base64(out, f, (size_t)c->width);
		return;
	}
}
