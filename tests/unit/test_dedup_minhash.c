/* Unit tests for dedup normalization, MinHash signatures, b-bit verification and the indexes. */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "dedup/dedup_groups.h"
#include "dedup/dedup_norm.h"
#include "dedup/exact_index.h"
#include "dedup/lsh_index.h"
#include "dedup/minhash.h"

static void check_norm(const char *in, const char *expect)
{
	struct buf b = BUF_INIT;
	dedup_normalize(in, strlen(in), &b);
	CHECK_STR(b.data, expect);
	CHECK(b.len == strlen(b.data));
	buf_release(&b);
}

TEST(normalize_ascii)
{
	check_norm("Hello, World! 123", "hello world 000");
	check_norm("  lots\t\tof \r\n space  ", "lots of space");
	check_norm("a-b_c.d", "a b c d");
	check_norm("$5 + 3 = <8>", "0 0 0");
	check_norm("", "");
	check_norm("...!!!", "");
	check_norm("x\x01y\x7fz", "x y z");
}

TEST(normalize_unicode)
{
	check_norm("Caf\xc3\xa9 na\xc3\xafve \xc3\x80 LA", "cafe naive a la");      /* é ï À */
	check_norm("Stra\xc3\x9f" "e", "strasse");                                 /* ß folds */
	check_norm("co\xc2\xad" "op", "coop");                                     /* soft hyphen dropped */
	check_norm("a\xe2\x80\x94" "b\xe2\x80\x9c" "c\xe2\x80\x9d", "a b c");      /* dash, quotes */
	check_norm("\xd9\xa3\xd9\xa4 x", "00 x");                                  /* Arabic-Indic digits */
	check_norm("\xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91", "\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1");
	check_norm("smile \xf0\x9f\x98\x80!", "smile \xf0\x9f\x98\x80");          /* emoji (So) kept */
	check_norm("a\xc2\xa0" "b\xe3\x80\x80" "c", "a b c");                      /* NBSP, ideographic space */
	check_norm("bad\xff" "byte\xc3", "bad byte");                              /* invalid UTF-8 */
	check_norm("e\xcc\x81", "e");                                              /* combining acute */
}

TEST(normalize_grows_output)
{
	/* Case folding can expand: U+FB03 (ffi ligature, 3 bytes) folds to "ffi" (3 bytes); U+0390
	 * (2 bytes) folds to 3 code points. Make the output longer than the input. */
	struct buf in = BUF_INIT, out = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		buf_addstr(&in, "\xce\x90 "); /* ΐ: folds to ι + two marks, marks stripped */
	dedup_normalize(in.data, in.len, &out);
	CHECK(out.len == 1000 * 3 - 1);
	buf_reset(&in);
	for (int i = 0; i < 1000; i++)
		buf_addstr(&in, "\xef\xac\x83"); /* ﬃ ligature, casefolds to "ffi" */
	dedup_normalize(in.data, in.len, &out);
	CHECK(out.len == 3000);
	CHECK(!memcmp(out.data, "ffiffi", 6));
	buf_release(&in);
	buf_release(&out);
}

static void check_fold(const char *in, unsigned fold, const char *expect)
{
	struct buf b = BUF_INIT;
	dedup_normalize_fold(in, strlen(in), fold, &b);
	CHECK_STR(b.data, expect);
	buf_release(&b);
}

TEST(normalize_folds)
{
	/* none: NFC and whitespace only (--exact) */
	check_fold("  What is 12 + 30?\n\tIt's 42. ", 0, "What is 12 + 30? It's 42.");
	check_fold("Cafe\xcc\x81\xc2\xa0" "bar", 0, "Caf\xc3\xa9 bar");     /* NFC; NBSP is a space */
	check_fold("co\xc2\xad" "op", 0, "co\xc2\xad" "op");                   /* soft hyphen kept */
	check_fold("bad\xff" "byte", 0, "bad\xff" "byte");                       /* invalid byte kept */
	check_fold("A\xcc\x8a", 0, "\xc3\x85");                                /* A + ring -> Å */
	/* one fold at a time */
	check_fold("Stra\xc3\x9f" "e 12", DEDUP_FOLD_CASE, "strasse 12");
	check_fold("x 12 \xd9\xa3", DEDUP_FOLD_DIGITS, "x 00 0");
	check_fold("a-b, \"c\" co\xc2\xad" "op \xf0\x9f\x98\x80", DEDUP_FOLD_PUNCT, "a b c coop \xf0\x9f\x98\x80");
	check_fold("Caf\xc3\xa9 N\xc3\xa4", DEDUP_FOLD_ACCENTS, "Cafe Na");
	check_fold("", 0, "");
	check_fold(" \t ", DEDUP_FOLD_PUNCT, "");
}

TEST(normalize_general_equals_fast)
{
	/* The general path with every fold must give what the table-driven path gives. */
	static const char *const pieces[] = {
		"a", "Z", "0", "9", " ", "\t", "\n", ",", "+", "$", "\x01", "\xc3\xa9", "e\xcc\x81",
		"\xc3\x9f", "\xce\x90", "\xef\xac\x83", "\xd9\xa3", "\xc2\xad", "\xc2\xa0",
		"\xe3\x80\x80", "\xe2\x80\x94", "\xf0\x9f\x98\x80", "\xff", "\xc3", "\xe5\xa4\xa9",
		"\xcc\x81", "\xe1\x84\x80\xe1\x85\xa1", "\xea\xb0\x80", "\xc7\x85", "\xe2\x84\xaa",
	};
	const size_t np = sizeof(pieces) / sizeof(pieces[0]);
	struct buf in = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	uint64_t x = 12345;
	for (int round = 0; round < 3000; round++) {
		buf_reset(&in);
		int n = round % 17;
		for (int i = 0; i < n; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			buf_addstr(&in, pieces[(x >> 33) % np]);
		}
		dedup_normalize(in.data, in.len, &a);
		dedup_normalize_general(in.data, in.len, DEDUP_FOLD_ALL, &b);
		CHECK_EQ_MEM(a.data, a.len, b.data, b.len);
	}
	buf_release(&in);
	buf_release(&a);
	buf_release(&b);
}

TEST(fold_parse)
{
	const char *bad = NULL;
	CHECK(dedup_fold_parse("all", &bad) == DEDUP_FOLD_ALL);
	CHECK(dedup_fold_parse("none", &bad) == 0);
	CHECK(dedup_fold_parse("digits,case", &bad) == (DEDUP_FOLD_DIGITS | DEDUP_FOLD_CASE));
	CHECK(dedup_fold_parse("case,accents,punct,digits", &bad) == DEDUP_FOLD_ALL);
	CHECK(dedup_fold_parse("case,,digits", &bad) == -1);
	CHECK(dedup_fold_parse("case,x", &bad) == -1 && !strcmp(bad, "x"));
	struct buf nm = BUF_INIT;
	dedup_fold_name(DEDUP_FOLD_PUNCT | DEDUP_FOLD_CASE, &nm);
	CHECK_STR(nm.data, "case,punct");
	buf_release(&nm);
}

static const struct minhash_params P = MINHASH_PARAMS_DEFAULT;

static void sig_of(const struct minhash_params *p, const char *t, uint32_t *sig)
{
	struct minhash_scratch s;
	minhash_scratch_init(&s);
	minhash_signature(p, &s, t, strlen(t), sig);
	minhash_scratch_release(&s);
}

TEST(signature_normalization_invariant)
{
	uint32_t a[112], b[112], c[112];
	sig_of(&P, "The quick brown fox jumps over the lazy dog 42 times.", a);
	sig_of(&P, "the QUICK brown fox -- jumps over the lazy dog, 17 times", b);
	sig_of(&P, "the quick brown fox jumps over the lazy cat 42 times", c);
	CHECK(!memcmp(a, b, sizeof(a)));
	CHECK(memcmp(a, c, sizeof(a)) != 0);
	double e = minhash_estimate32(a, c, 112);
	/* 8 shingles, 2 changed on each side: J = 5/11 ~ 0.45 */
	CHECK(e > 0.2 && e < 0.7);
}

TEST(signature_short_documents)
{
	uint32_t a[112], b[112], c[112], d[112];
	sig_of(&P, "one two three", a);
	sig_of(&P, "One, two; three!", b);
	sig_of(&P, "one two four", c);
	sig_of(&P, "", d);
	CHECK(!memcmp(a, b, sizeof(a)));
	CHECK(minhash_estimate32(a, c, 112) == 0); /* one shingle each, different */
	CHECK(minhash_estimate32(a, d, 112) == 0); /* "" is a shingle of its own */
	/* one shingle fills every bin over several rounds: no bin left at the empty marker */
	int distinct = 0;
	for (int i = 1; i < 112; i++)
		distinct += a[i] != a[0];
	CHECK(distinct > 100);
	struct minhash_scratch s;
	minhash_scratch_init(&s);
	CHECK(minhash_signature(&P, &s, "a b c d e", 9, a) == 1);
	CHECK(minhash_signature(&P, &s, "a b c d e f", 11, a) == 2);
	struct minhash_params cp = P;
	cp.char_ngrams = 3;
	CHECK(minhash_signature(&cp, &s, "abcde", 5, a) == 3);
	CHECK(minhash_signature(&cp, &s, "\xc3\xa9t\xc3\xa9!", 7, a) == 1); /* "ete": 3 code points */
	minhash_scratch_release(&s);
}

/* Random documents with a known Jaccard of their word-5-gram sets. */
/* A word spelling n in letters (digits would all normalize to '0'). */
static void add_word(struct buf *b, unsigned n)
{
	do {
		buf_addch(b, (char)('a' + n % 26));
		n /= 26;
	} while (n);
}

static void random_doc(struct buf *b, unsigned *seed, int words)
{
	for (int i = 0; i < words; i++) {
		if (i)
			buf_addch(b, ' ');
		add_word(b, (unsigned)(rand_r(seed) % 100000));
	}
}

TEST(estimate_tracks_jaccard)
{
	/* Two documents: a shared prefix of S shingles-worth of words plus private tails. Average
	 * over many pairs: the mean estimate must be within 0.02 of the true J. */
	unsigned seed = 7;
	struct minhash_scratch s;
	minhash_scratch_init(&s);
	double targets[] = { 0.5, 0.7, 0.9 };
	for (int t = 0; t < 3; t++) {
		double sum = 0, sum_b = 0;
		int pairs = 200;
		for (int r = 0; r < pairs; r++) {
			struct buf x = BUF_INIT, y = BUF_INIT, shared = BUF_INIT;
			/* shared run of 4 + m words gives m shingles; tails give u shingles each */
			int m = 300, u = (int)lround(m * (1 - targets[t]) / (2 * targets[t]));
			random_doc(&shared, &seed, m + 4);
			buf_addstr(&x, shared.data);
			buf_addstr(&y, shared.data);
			buf_addch(&x, ' ');
			buf_addch(&y, ' ');
			random_doc(&x, &seed, u);
			random_doc(&y, &seed, u);
			uint32_t a[112], b[112];
			uint8_t ab[112], bb[112];
			minhash_signature(&P, &s, x.data, x.len, a);
			minhash_signature(&P, &s, y.data, y.len, b);
			sum += minhash_estimate32(a, b, 112);
			minhash_bbit(112, a, ab);
			minhash_bbit(112, b, bb);
			sum_b += minhash_bbit_estimate(minhash_bbit_matches(ab, bb, 112), 112);
			buf_release(&x);
			buf_release(&y);
			buf_release(&shared);
		}
		double truej = 300.0 / (300 + 2 * lround(300 * (1 - targets[t]) / (2 * targets[t])));
		CHECK(fabs(sum / pairs - truej) < 0.02);
		CHECK(fabs(sum_b / pairs - truej) < 0.02);
	}
	minhash_scratch_release(&s);
}

TEST(bbit_threshold)
{
	uint8_t x[115], y[115];
	for (int i = 0; i < 115; i++)
		x[i] = y[i] = (uint8_t)(i * 37);
	CHECK(minhash_bbit_matches(x, y, 115) == 115);
	y[0] ^= 0x80;
	y[7] ^= 1;
	y[8] ^= 0xff;
	y[114] ^= 2;
	CHECK(minhash_bbit_matches(x, y, 115) == 111);
	CHECK(minhash_bbit_matches(x, y, 7) == 6);
	CHECK(minhash_verify_min_matches(0, 112) == 0);
	int m = minhash_verify_min_matches(0.75, 112);
	CHECK(minhash_bbit_estimate(m, 112) >= 0.75);
	CHECK(minhash_bbit_estimate(m - 1, 112) < 0.75);
	CHECK(minhash_verify_min_matches(1.5, 112) == 113);
	CHECK(minhash_bbit_estimate(0, 112) == 0);
	CHECK(fabs(minhash_bbit_estimate(112, 112) - 1) < 1e-12);
}

static void keys_bsig(const char *t, uint32_t *keys, uint8_t *bsig)
{
	uint32_t sig[112];
	sig_of(&P, t, sig);
	minhash_band_keys(&P, sig, keys);
	minhash_bbit(112, sig, bsig);
}

TEST(lsh_index_rule)
{
	struct lsh_index ix;
	lsh_index_init(&ix, 14, 8, minhash_verify_min_matches(0.75, 112), 32);
	uint32_t k[14];
	uint8_t s[112];
	const char *base = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
			   "omicron pi rho sigma tau upsilon phi chi psi omega one two three four";
	keys_bsig(base, k, s);
	CHECK(lsh_index_add(&ix, k, s) == -1);               /* doc 0 */
	keys_bsig("something else entirely with enough words to shingle it", k, s);
	CHECK(lsh_index_add(&ix, k, s) == -1);               /* doc 1 */
	keys_bsig(base, k, s);
	CHECK(lsh_index_add(&ix, k, s) == 0);                /* doc 2: copy of 0 */
	CHECK(lsh_index_add(&ix, k, s) == 0);                /* doc 3: copy again, still 0 */
	keys_bsig("something else entirely with enough words to shingle it!", k, s);
	CHECK(lsh_index_add(&ix, k, s) == 1);                /* doc 4 */
	CHECK(ix.ndocs == 5 && ix.capped == 0);
	/* Many documents: tables grow, answers stay right. */
	struct buf t = BUF_INIT, keep = BUF_INIT;
	int fails = 0;
	for (int i = 0; i < 5000; i++) {
		buf_reset(&t);
		buf_addstr(&t, "doc ");
		for (unsigned j = 0; j < 8; j++) {
			add_word(&t, (unsigned)i * 8 + j);
			buf_addch(&t, ' ');
		}
		buf_addstr(&t, "and more");
		keys_bsig(t.data, k, s);
		fails += lsh_index_add(&ix, k, s) != -1;
		if (i == 17)
			memcpy(&keep, &t, sizeof(t)), t = (struct buf)BUF_INIT;
	}
	CHECK(fails == 0);
	keys_bsig(keep.data, k, s);
	CHECK(lsh_index_add(&ix, k, s) == 5 + 17);
	buf_release(&keep);
	CHECK(lsh_index_bytes(&ix) > 5000 * 14 * 8);
	buf_release(&t);
	lsh_index_release(&ix);
}

TEST(lsh_index_verification_rejects)
{
	/* Without verification, a one-band match is enough; with T = 1.0 only identical signatures
	 * pass. Build two documents that share about half their shingles. */
	struct buf x = BUF_INIT, y = BUF_INIT;
	unsigned seed = 3;
	random_doc(&x, &seed, 60);
	buf_addstr(&y, x.data);
	buf_addch(&y, ' ');
	random_doc(&y, &seed, 60);
	uint32_t kx[14], ky[14];
	uint8_t sx[112], sy[112];
	keys_bsig(x.data, kx, sx);
	keys_bsig(y.data, ky, sy);
	/* Force a band match so the test does not depend on luck. */
	memcpy(ky, kx, sizeof(kx[0]));
	memcpy(sy, sx, 8);
	struct lsh_index a, b;
	lsh_index_init(&a, 14, 8, 0, 32);
	lsh_index_init(&b, 14, 8, minhash_verify_min_matches(1.0, 112), 32);
	lsh_index_add(&a, kx, sx);
	lsh_index_add(&b, kx, sx);
	CHECK(lsh_index_add(&a, ky, sy) == 0);
	CHECK(lsh_index_add(&b, ky, sy) == -1);
	/* Equal 32-bit key but different b-bit band rows: not a candidate (chance collision). */
	lsh_index_release(&a);
	lsh_index_init(&a, 14, 8, 0, 32);
	lsh_index_add(&a, kx, sx);
	sy[0] ^= 1;
	CHECK(lsh_index_add(&a, ky, sy) == -1);
	lsh_index_release(&a);
	lsh_index_release(&b);
	buf_release(&x);
	buf_release(&y);
}

TEST(lsh_index_bucket_cap)
{
	/* 5 documents share every band key and band rows but fail verification against each
	 * other (forced: the rest of the signature differs); a 6th matches document 3 only.
	 * With cap 3, documents 3 and 4 are not in the buckets, so the 6th finds nothing; with
	 * no cap it finds 3. A copy of document 0 is always found (0 is in every bucket). */
	uint32_t keys[2] = { 77, 99 };
	uint8_t sig[6][16];
	for (int d = 0; d < 6; d++)
		for (int i = 0; i < 16; i++)
			sig[d][i] = i < 8 ? 1 : (uint8_t)(d * 16 + i); /* band 0 rows equal */
	memcpy(sig[5], sig[3], 16);
	sig[5][15] ^= 1; /* 15 of 16 agree */
	struct lsh_index capped, open;
	int m = minhash_verify_min_matches(0.9, 16);
	lsh_index_init(&capped, 2, 8, m, 3);
	lsh_index_init(&open, 2, 8, m, 0);
	for (int d = 0; d < 5; d++) {
		CHECK(lsh_index_add(&capped, keys, sig[d]) == -1);
		CHECK(lsh_index_add(&open, keys, sig[d]) == -1);
	}
	CHECK(capped.capped == 4); /* documents 3 and 4, two bands each */
	CHECK(lsh_index_add(&capped, keys, sig[5]) == -1);
	CHECK(lsh_index_add(&open, keys, sig[5]) == 3);
	CHECK(lsh_index_add(&capped, keys, sig[0]) == 0);
	lsh_index_release(&capped);
	lsh_index_release(&open);
}

TEST(exact_index_first)
{
	struct exact_index ix;
	exact_index_init(&ix);
	for (uint64_t i = 0; i < 3000; i++)
		CHECK(exact_index_add(&ix, i * 0x9e3779b97f4a7c15ULL, i) == -1);
	CHECK(exact_index_add(&ix, 5 * 0x9e3779b97f4a7c15ULL, 5) == 5);
	CHECK(exact_index_add(&ix, 5 * 0x9e3779b97f4a7c15ULL, 6) == -1);
	CHECK(exact_index_add(&ix, 5 * 0x9e3779b97f4a7c15ULL, 6) == 3001);
	exact_index_release(&ix);
}

TEST(groups_follow_parents)
{
	struct dedup_groups g;
	dedup_groups_init(&g);
	dedup_groups_add(&g, 3, 1);
	dedup_groups_add(&g, 5, 3); /* 5 -> 3 -> 1: group of 1 */
	dedup_groups_add(&g, 6, 2);
	for (uint64_t d = 100; d < 1100; d++)
		dedup_groups_add(&g, d, 50);
	struct buf j = BUF_INIT;
	dedup_groups_json(&g, &j);
	CHECK_STR(j.data, "{\"groups\":3,\"removed\":1003,\"largest\":1001,"
			  "\"sizes\":{\"2-3\":2,\"512-1023\":1}}");
	buf_release(&j);
	dedup_groups_release(&g);
}

int main(void)
{
	RUN(normalize_ascii);
	RUN(normalize_unicode);
	RUN(normalize_grows_output);
	RUN(normalize_folds);
	RUN(normalize_general_equals_fast);
	RUN(fold_parse);
	RUN(signature_normalization_invariant);
	RUN(signature_short_documents);
	RUN(estimate_tracks_jaccard);
	RUN(bbit_threshold);
	RUN(lsh_index_rule);
	RUN(lsh_index_verification_rejects);
	RUN(lsh_index_bucket_cap);
	RUN(exact_index_first);
	RUN(groups_follow_parents);
	return HARNESS_SUMMARY();
}
