/* Unit tests for the BPE building blocks: GPT-2's byte table, the two merge loops
 * (array scan and heap) agreeing on random pieces, whole-piece lookup, decode. Uses
 * vocabs/cl100k_base.tiktoken from `make vocabs`. */
#include <stdlib.h>

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
	RUN(known_pieces);
	if (have_cl)
		tok_vocab_free(&cl);
	return HARNESS_SUMMARY();
}
