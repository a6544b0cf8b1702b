/* Unit tests for the BPE building blocks: GPT-2's byte table, the two merge loops (array
 * scan and heap) against a plain reference merge on random vocabularies (tiktoken files and
 * tokenizer.json merges) and on cl100k_base, whole-piece lookup, decode. Uses
 * vocabs/cl100k_base.tiktoken from `make vocabs`. */
#include <stdlib.h>

#include "lib/base64.h"
#include "tests/unit/harness.h"
#include "tokenize/tok_bpe.h"

static struct tok_vocab cl;
static int have_cl;

TEST(byte_table)
{
	CHECK(tok_byte_to_cp(' ') == 0x120);
	CHECK(tok_byte_to_cp('\n') == 0x10A);
	CHECK(tok_byte_to_cp('A') == 'A');
	CHECK(tok_byte_to_cp(0xAD) == 0x143);
	CHECK(tok_byte_to_cp(0) == 0x100);
}

TEST(load)
{
	struct buf err = BUF_INIT;
	int unsup = 0;
	have_cl = tok_vocab_load(&cl, "cl100k_base", "vocabs", NULL, &err, &unsup) == 0;
	if (!have_cl)
		fprintf(stderr, "cannot load cl100k_base (run make vocabs): %s\n", err.data);
	CHECK(have_cl);
	if (have_cl) {
		CHECK(cl.n_ids == 100277);
		CHECK(cl.eot_id == 100257);
		CHECK(cl.whole_piece);
	}
	buf_release(&err);
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

TEST(array_equals_heap)
{
	if (!have_cl)
		return;
	static const char alpha[] = "etaoinshrdlucmfwypvbgkqjxz ETAOIN0123'.,-\xc3\xa9";
	char piece[700];
	struct tok_ids a = { 0 }, h = { 0 };
	int bad = 0;
	for (int iter = 0; iter < 3000 && !bad; iter++) {
		size_t n = 1 + rnd(iter < 2000 ? 60 : 650);
		for (size_t i = 0; i < n; i++)
			piece[i] = iter % 3 ? alpha[rnd(sizeof(alpha) - 1)] : (char)rnd(256);
		a.n = h.n = 0;
		tok_bpe_piece(&cl, piece, n, 1, &a);
		tok_bpe_piece(&cl, piece, n, 2, &h);
		if (a.n != h.n || memcmp(a.v, h.v, a.n * 4))
			bad = 1;
		/* and the ids decode to the piece */
		struct buf d = BUF_INIT, err = BUF_INIT;
		CHECK(tok_decode(&cl, h.v, h.n, &d, &err) == 0);
		if (d.len != n || memcmp(d.data, piece, n))
			bad = 1;
		buf_release(&d);
		buf_release(&err);
	}
	CHECK(!bad);
	tok_ids_release(&a);
	tok_ids_release(&h);
}

/* ---- random vocabularies against a reference merge ----
 * The reference is the textbook loop (tiktoken's _byte_pair_merge, HF's merge order): rank
 * every adjacent pair, merge the lowest (leftmost of equal ranks), repeat; written here
 * without anything from tok_bpe*.c, with its own token table. */

struct rtok {
	char s[32];
	size_t n;
	uint32_t id;
};

static struct rtok rtoks[2048];
static size_t n_rtoks;

static int rtok_cmp(const void *a, const void *b)
{
	const struct rtok *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->s, y->s, n);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The id of p[0..n) in the table (sorted), or TOK_NONE. */
static uint32_t rtok_find(const char *p, size_t n)
{
	struct rtok key;
	if (n > sizeof(key.s))
		return TOK_NONE;
	memcpy(key.s, p, n);
	key.n = n;
	const struct rtok *t = bsearch(&key, rtoks, n_rtoks, sizeof(*rtoks), rtok_cmp);
	return t ? t->id : TOK_NONE;
}

/* tiktoken: the whole piece if it is a token, else byte pairs merged by the id of their
 * bytes. */
static void ref_tiktoken(const char *p, size_t n, struct tok_ids *out)
{
	uint32_t whole = rtok_find(p, n);
	if (whole != TOK_NONE) {
		tok_ids_push(out, whole);
		return;
	}
	size_t *cut = malloc((n + 1) * sizeof(size_t)), m = n + 1; /* part i: cut[i]..cut[i+1] */
	for (size_t i = 0; i <= n; i++)
		cut[i] = i;
	for (;;) {
		uint32_t best = TOK_NONE;
		size_t bi = 0;
		for (size_t i = 0; i + 2 < m; i++) {
			uint32_t r = rtok_find(p + cut[i], cut[i + 2] - cut[i]);
			if (r < best)
				best = r, bi = i;
		}
		if (best == TOK_NONE)
			break;
		memmove(cut + bi + 1, cut + bi + 2, (m - bi - 2) * sizeof(size_t));
		m--;
	}
	for (size_t i = 0; i + 1 < m; i++)
		tok_ids_push(out, rtok_find(p + cut[i], cut[i + 1] - cut[i]));
	free(cut);
}

static const char rand_alpha[] = "abcde\xd0\xb0\xd0\xb1\xe4\xb8\x80 0";

/* A byte of rand_alpha or (while the table is in id order) a token made before. */
static const struct rtok *rand_tok(void)
{
	if (n_rtoks > 256 && rnd(3))
		return &rtoks[256 + rnd((unsigned)(n_rtoks - 256))];
	return &rtoks[(unsigned char)rand_alpha[rnd(sizeof(rand_alpha) - 1)]];
}

/* A random tiktoken vocabulary: the 256 bytes at shuffled ranks, then concatenations of
 * two tokens (mostly short ones over rand_alpha, so that pieces merge a lot), each at the
 * next rank. Loaded from memory as grist loads a .tiktoken file. */
static int make_tiktoken(struct tok_vocab *v, size_t extra)
{
	uint32_t perm[256];
	for (unsigned i = 0; i < 256; i++)
		perm[i] = i;
	for (unsigned i = 255; i > 0; i--) {
		unsigned j = rnd(i + 1);
		uint32_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	n_rtoks = 0;
	for (unsigned i = 0; i < 256; i++) {
		rtoks[n_rtoks] = (struct rtok){ .n = 1, .id = perm[i] };
		rtoks[n_rtoks++].s[0] = (char)i;
	}
	uint32_t next = 256;
	for (size_t tries = 0; next < 256 + extra && tries < 100000; tries++) {
		const struct rtok *a = rand_tok(), *b = rand_tok();
		if (a->n + b->n > sizeof(a->s))
			continue;
		struct rtok t = { .n = a->n + b->n, .id = next };
		memcpy(t.s, a->s, a->n);
		memcpy(t.s + a->n, b->s, b->n);
		int dup = 0;
		for (size_t i = 0; i < n_rtoks && !dup; i++)
			dup = rtoks[i].n == t.n && !memcmp(rtoks[i].s, t.s, t.n);
		if (dup)
			continue;
		rtoks[n_rtoks++] = t;
		next++;
	}
	/* whole pieces that merges cannot reach (no token has two of these letters) */
	static const char *const whole[] = { "xyzzy", "zyx", "xyzxyzxyzxyzxyzxyzxy" };
	for (size_t i = 0; i < 3; i++) {
		struct rtok t = { .n = strlen(whole[i]), .id = next++ };
		memcpy(t.s, whole[i], t.n);
		rtoks[n_rtoks++] = t;
	}
	struct buf file = BUF_INIT, err = BUF_INIT;
	for (size_t i = 0; i < n_rtoks; i++) {
		base64_encode(&file, rtoks[i].s, rtoks[i].n);
		buf_addf(&file, " %u\n", rtoks[i].id);
	}
	qsort(rtoks, n_rtoks, sizeof(*rtoks), rtok_cmp);
	int unsup = 0;
	int rc = tok_vocab_load_mem(v, "random.tiktoken", file.data, file.len, "gpt2", &err, &unsup);
	if (rc)
		fprintf(stderr, "random vocabulary: %s\n", err.data);
	buf_release(&file);
	buf_release(&err);
	return rc;
}

/* A random piece over rand_alpha (whole UTF-8 characters or not: bytes are what BPE sees). */
static size_t rand_piece(char *p, size_t max)
{
	size_t n = 1 + rnd(rnd(4) ? 40 : (unsigned)max);
	for (size_t i = 0; i < n; i++)
		p[i] = rand_alpha[rnd(sizeof(rand_alpha) - 1)];
	return n;
}

static int same_ids(const struct tok_ids *a, const struct tok_ids *b)
{
	return a->n == b->n && !memcmp(a->v, b->v, a->n * sizeof(uint32_t));
}

TEST(random_tiktoken_vocabs)
{
	char piece[800];
	struct tok_ids ref = { 0 }, got = { 0 };
	int bad = 0, long_pieces = 0;
	for (int voc = 0; voc < 12 && !bad; voc++) {
		struct tok_vocab v;
		CHECK(make_tiktoken(&v, 200 + 100 * (size_t)voc) == 0);
		/* through tok_encode too: a word of ASCII letters is one gpt2 piece, so this goes
		 * through the piece cache, the long-piece table and the pair memo */
		struct tok_encoder enc;
		struct buf err = BUF_INIT;
		CHECK(tok_encoder_init(&enc, &v, 1, &err) == 0);
		struct tok_state *st = tok_state_new(&enc);
		/* the whole-piece lookup (with the hash the cache computed), short and long */
		for (int rep = 0; rep < 2; rep++) {
			static const char *const whole[] = { "xyzzy", "xyzxyzxyzxyzxyzxyzxy" };
			for (int w = 0; w < 2; w++) {
				got.n = 0;
				CHECK(tok_encode(st, whole[w], strlen(whole[w]), 0, &got, &err) == 0);
				CHECK(got.n == 1 && got.v[0] == rtok_find(whole[w], strlen(whole[w])));
				got.n = 0;
				tok_bpe_piece(&v, whole[w], strlen(whole[w]), 0, &got);
				CHECK(got.n == 1);
			}
		}
		for (int iter = 0; iter < 3000 && !bad; iter++) {
			size_t n = 1 + rnd(iter % 2 ? 12 : 60);
			for (size_t i = 0; i < n; i++)
				piece[i] = (char)('a' + (iter % 7 ? rnd(3) : rnd(5))); /* words met again */
			ref.n = got.n = 0;
			ref_tiktoken(piece, n, &ref);
			CHECK(tok_encode(st, piece, n, 0, &got, &err) == 0);
			if (!same_ids(&ref, &got)) {
				fprintf(stderr, "vocabulary %d, encoded word %d (%zu bytes): %zu ids, reference %zu\n",
					voc, iter, n, got.n, ref.n);
				bad = 1;
			}
		}
		tok_state_free(st);
		tok_encoder_free(&enc);
		buf_release(&err);
		for (int iter = 0; iter < 400 && !bad; iter++) {
			size_t n = rand_piece(piece, voc % 3 ? 120 : 700);
			long_pieces += n > 48;
			ref.n = 0;
			ref_tiktoken(piece, n, &ref);
			for (int force = 0; force <= 2 && !bad; force++) {
				got.n = 0;
				tok_bpe_piece(&v, piece, n, force, &got);
				if (!same_ids(&ref, &got)) {
					fprintf(stderr, "vocabulary %d, piece %d (%zu bytes), force %d: %zu ids, reference %zu\n",
						voc, iter, n, force, got.n, ref.n);
					bad = 1;
				}
			}
		}
		tok_vocab_free(&v);
	}
	CHECK(!bad);
	CHECK(bad || long_pieces > 500); /* the heap ran on its own, not only when forced */
	tok_ids_release(&ref);
	tok_ids_release(&got);
}

/* A random tokenizer.json BPE model (not byte-level: the symbols are characters): tokens over
 * the letters a-h with shuffled ids, merges of two tokens whose concatenation is a token, the
 * merge rank its place in the list (independent of the ids). rank[l * n + r] is the test's
 * own copy of the merges. */
static int make_hf(struct tok_vocab *v, size_t n_merges, uint32_t **rank, uint32_t **merged, size_t *n_ids)
{
	char tok[600][24];
	size_t n = 8, m = 0;
	uint32_t (*mg)[3] = malloc(n_merges * sizeof(*mg));
	for (size_t i = 0; i < 8; i++)
		tok[i][0] = (char)('a' + i), tok[i][1] = 0;
	for (size_t tries = 0; m < n_merges && n < 600 && tries < 100000; tries++) {
		size_t l = rnd((unsigned)n), r = rnd(3) ? rnd(8) : rnd((unsigned)n);
		if (strlen(tok[l]) + strlen(tok[r]) >= sizeof(tok[0]))
			continue;
		int dup = 0;
		for (size_t i = 0; i < m && !dup; i++)
			dup = mg[i][0] == l && mg[i][1] == r;
		if (dup)
			continue;
		char t[48];
		snprintf(t, sizeof(t), "%s%s", tok[l], tok[r]);
		size_t k = 0;
		while (k < n && strcmp(tok[k], t))
			k++;
		if (k == n) /* else a second merge making an existing token */
			strcpy(tok[n++], t);
		mg[m][0] = (uint32_t)l, mg[m][1] = (uint32_t)r, mg[m][2] = (uint32_t)k;
		m++;
	}
	uint32_t *id = malloc(n * sizeof(uint32_t)); /* token index -> id: shuffled */
	for (size_t i = 0; i < n; i++)
		id[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rnd((unsigned)i + 1);
		uint32_t t = id[i];
		id[i] = id[j];
		id[j] = t;
	}
	*n_ids = n;
	*rank = malloc(n * n * sizeof(uint32_t));
	*merged = malloc(n * n * sizeof(uint32_t));
	memset(*rank, 0xFF, n * n * sizeof(uint32_t));
	struct buf js = BUF_INIT, err = BUF_INIT;
	buf_addstr(&js, "{\"model\": {\"type\": \"BPE\", \"vocab\": {");
	for (size_t i = 0; i < n; i++)
		buf_addf(&js, "%s\"%s\": %u", i ? ", " : "", tok[i], id[i]);
	buf_addstr(&js, "}, \"merges\": [");
	for (size_t i = 0; i < m; i++) {
		buf_addf(&js, "%s\"%s %s\"", i ? ", " : "", tok[mg[i][0]], tok[mg[i][1]]);
		(*rank)[id[mg[i][0]] * n + id[mg[i][1]]] = (uint32_t)i;
		(*merged)[id[mg[i][0]] * n + id[mg[i][1]]] = id[mg[i][2]];
	}
	buf_addstr(&js, "]}}");
	int unsup = 0;
	int rc = tok_vocab_load_mem(v, "random-tokenizer.json", js.data, js.len, NULL, &err, &unsup);
	if (rc)
		fprintf(stderr, "random tokenizer.json: %s\n", err.data);
	buf_release(&js);
	buf_release(&err);
	free(mg);
	free(id);
	return rc;
}

/* HF BPE of a word of letters a-h: the ids of its characters, merged by rank. */
static void ref_hf(const struct tok_vocab *v, const uint32_t *rank, const uint32_t *merged, size_t n_ids,
		   const char *p, size_t n, struct tok_ids *out)
{
	size_t start = out->n;
	for (size_t i = 0; i < n; i++)
		tok_ids_push(out, tok_vocab_find(v, p + i, 1));
	uint32_t *s = out->v + start;
	size_t m = n;
	for (;;) {
		uint32_t best = TOK_NONE;
		size_t bi = 0;
		for (size_t i = 0; i + 1 < m; i++) {
			uint32_t r = rank[s[i] * n_ids + s[i + 1]];
			if (r < best)
				best = r, bi = i;
		}
		if (best == TOK_NONE)
			break;
		s[bi] = merged[s[bi] * n_ids + s[bi + 1]];
		memmove(s + bi + 1, s + bi + 2, (m - bi - 2) * sizeof(uint32_t));
		m--;
	}
	out->n = start + m;
}

TEST(random_hf_vocabs)
{
	char piece[700];
	struct tok_ids ref = { 0 }, got = { 0 };
	int bad = 0;
	for (int voc = 0; voc < 10 && !bad; voc++) {
		struct tok_vocab v;
		uint32_t *rank, *merged;
		size_t n_ids;
		CHECK(make_hf(&v, 60 + 50 * (size_t)voc, &rank, &merged, &n_ids) == 0);
		CHECK(!v.bytes_rank && !v.byte_level);
		for (int iter = 0; iter < 300 && !bad; iter++) {
			size_t n = 1 + rnd(rnd(4) ? 40 : 650);
			for (size_t i = 0; i < n; i++)
				piece[i] = (char)('a' + (rnd(3) ? rnd(3) : rnd(8)));
			ref.n = 0;
			ref_hf(&v, rank, merged, n_ids, piece, n, &ref);
			for (int force = 0; force <= 2 && !bad; force++) {
				got.n = 0;
				tok_bpe_piece(&v, piece, n, force, &got);
				if (!same_ids(&ref, &got)) {
					fprintf(stderr, "tokenizer.json %d, piece %d (%zu bytes), force %d: %zu ids, reference %zu\n",
						voc, iter, n, force, got.n, ref.n);
					bad = 1;
				}
			}
		}
		free(rank);
		free(merged);
		tok_vocab_free(&v);
	}
	CHECK(!bad);
	tok_ids_release(&ref);
	tok_ids_release(&got);
}

TEST(known_pieces)
{
	if (!have_cl)
		return;
	struct tok_ids ids = { 0 };
	tok_bpe_piece(&cl, "Hello", 5, 0, &ids);
	CHECK(ids.n == 1 && ids.v[0] == 9906);
	ids.n = 0;
	tok_bpe_piece(&cl, " h\xc3\xa9llo", 7, 0, &ids);
	CHECK(ids.n == 3 && ids.v[0] == 305 && ids.v[1] == 19010 && ids.v[2] == 385);
	ids.n = 0;
	struct tok_encoder enc;
	struct buf err = BUF_INIT;
	CHECK(tok_encoder_init(&enc, &cl, 1, &err) == 0);
	struct tok_state *st = tok_state_new(&enc);
	CHECK(tok_encode(st, "a<|endoftext|>", 14, 1, &ids, &err) == 0);
	CHECK(ids.n == 2 && ids.v[1] == 100257);
	ids.n = 0;
	CHECK(tok_encode(st, "a<|endoftext|>", 14, 0, &ids, &err) == 0);
	CHECK(ids.n > 2);
	CHECK(tok_encode(st, "bad \xff byte", 10, 0, &ids, &err) < 0);
	CHECK(strstr(err.data, "invalid UTF-8 at byte 4") != NULL);
	uint32_t bogus = 99999999;
	struct buf d = BUF_INIT;
	buf_reset(&err);
	CHECK(tok_decode(&cl, &bogus, 1, &d, &err) < 0);
	buf_release(&d);
	tok_state_free(st);
	tok_encoder_free(&enc);
	tok_ids_release(&ids);
	buf_release(&err);
}

int main(void)
{
	RUN(byte_table);
	RUN(load);
	RUN(array_equals_heap);
	RUN(random_tiktoken_vocabs);
	RUN(random_hf_vocabs);
	RUN(known_pieces);
	if (have_cl)
		tok_vocab_free(&cl);
	return HARNESS_SUMMARY();
}
