/* Unit tests for the BPE trainer's parts: byte-level table, splitter, piece table, merges. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "tokenize/train.h"

TEST(byte_table)
{
	CHECK(train_byte_codepoint(' ') == 0x120);
	CHECK(train_byte_codepoint('\n') == 0x10A);
	CHECK(train_byte_codepoint('A') == 'A');
	CHECK(train_byte_codepoint(0xAD) == 0x143);
	CHECK(train_byte_order('!') == 0);
	CHECK(train_byte_order(0x00) == 188);
	CHECK(train_byte_order(' ') == 188 + 32);
	CHECK(train_byte_order(0xFF) == 187);
	struct buf b = BUF_INIT;
	train_spell(&b, " a\n", 3);
	CHECK_STR(b.data, "\xC4\xA0" "a" "\xC4\x8A");
	buf_release(&b);
}

struct collect {
	struct buf all;
	int n;
};

static void collect_piece(void *ctx, const char *p, size_t n)
{
	struct collect *c = ctx;
	buf_add(&c->all, p, n);
	buf_addch(&c->all, '|');
	c->n++;
}

static void split_is(const char *pattern, const char *text, const char *want)
{
	struct buf err = BUF_INIT;
	struct train_splitter *s = train_splitter_new(pattern, &err);
	CHECK(s != NULL);
	if (!s)
		return;
	struct train_split_state *st = train_split_state_new(s);
	struct collect c = { BUF_INIT, 0 };
	CHECK(train_split(s, st, text, strlen(text), collect_piece, &c, &err) == 0);
	CHECK_STR(c.all.data, want);
	buf_release(&c.all);
	buf_release(&err);
	train_split_state_free(st);
	train_splitter_free(s);
}

TEST(split)
{
	split_is("gpt2", "Hello world's  end\n", "Hello| world|'s| | end|\n|");
	split_is("gpt2", "x 12345 !!", "x| 12345| !!|");
	split_is("cl100k", "x 12345 !!", "x| |123|45| !!|");
	split_is("[0-9]+", "ab12cd", "ab|12|cd|");
	split_is("x*", "abc", "abc|"); /* empty matches make no pieces */
	split_is("\\p{L}+", "\xC3\xA9t\xC3\xA9 ok", "\xC3\xA9t\xC3\xA9| |ok|");
	struct buf err = BUF_INIT;
	CHECK(train_splitter_new("(unclosed", &err) == NULL);
	CHECK(strstr(err.data, "does not compile") != NULL);
	buf_release(&err);
	CHECK(train_pattern_regex("o200k") != NULL);
	CHECK(train_pattern_regex("nope") == NULL);
}

/* The hand-written ASCII path of the GPT-2 pattern gives PCRE2's pieces on random text. */
TEST(split_fast_equals_pcre2)
{
	static const char *const atoms[] = {
		"a", "Z", "q", "0", "7", " ", " ", "  ", "\t", "\n", "\r", "\v", "\f", "'", "'s", "'t", "'re",
		"'ve", "'m", "'ll", "'d", "'S", "'x", ".", ",", "!", "-", "_", "\x01", "\x1c", "\x1f", "\x7f",
		"\xC3\xA9" /* é */, "\xE4\xB8\xAD" /* 中 */, "\xC2\xA0" /* nbsp */, "\xE2\x80\x83" /* em space */,
		"\xC2\xB2" /* ² */, "\xC2\x85" /* NEL */, "\xCC\x81" /* combining acute */,
		"\xE2\x80\x9C" /* “ */, "\xF0\x9F\x98\x80" /* emoji */, "\xD9\xA3" /* arabic 3 */,
	};
	const size_t natoms = sizeof(atoms) / sizeof(atoms[0]);
	struct buf err = BUF_INIT, text = BUF_INIT;
	struct train_splitter *fast = train_splitter_new("gpt2", &err);
	struct train_splitter *slow = train_splitter_new("gpt2", &err);
	train_splitter_set_fast(slow, 0);
	struct train_split_state *sf = train_split_state_new(fast), *ss = train_split_state_new(slow);
	uint64_t x = 88172645463325252ull;
	int mismatches = 0;
	for (int round = 0; round < 20000; round++) {
		buf_reset(&text);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int n = (int)(x % 24);
		for (int i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf_addstr(&text, atoms[x % natoms]);
		}
		struct collect a = { BUF_INIT, 0 }, b = { BUF_INIT, 0 };
		CHECK(train_split(fast, sf, text.data, text.len, collect_piece, &a, &err) == 0);
		CHECK(train_split(slow, ss, text.data, text.len, collect_piece, &b, &err) == 0);
		if ((a.all.len != b.all.len || memcmp(a.all.data, b.all.data, a.all.len)) && mismatches++ < 3)
			CHECK_EQ_MEM(a.all.data, a.all.len, b.all.data, b.all.len);
		buf_release(&a.all);
		buf_release(&b.all);
	}
	CHECK(mismatches == 0);
	train_split_state_free(sf);
	train_split_state_free(ss);
	train_splitter_free(fast);
	train_splitter_free(slow);
	buf_release(&err);
	buf_release(&text);
}

TEST(pieces)
{
	struct train_pieces t, u;
	train_pieces_init(&t);
	train_pieces_init(&u);
	const char *long_piece = "a piece longer than eight bytes";
	for (int i = 0; i < 5000; i++) {
		char w[16];
		snprintf(w, sizeof(w), "w%d", i % 1000);
		train_pieces_add(&t, w, strlen(w), 1);
	}
	train_pieces_add(&t, long_piece, strlen(long_piece), 7);
	train_pieces_add(&t, long_piece, strlen(long_piece), 3);
	CHECK(t.n == 1001);
	CHECK(t.total == 5010);
	CHECK(t.e[0].count == 5);
	CHECK_EQ_MEM(train_piece_bytes(&t, &t.e[0]), t.e[0].len, "w0", 2);
	CHECK(t.e[1000].count == 10);
	CHECK_EQ_MEM(train_piece_bytes(&t, &t.e[1000]), t.e[1000].len, long_piece, strlen(long_piece));
	struct buf ser = BUF_INIT;
	train_pieces_serialize(&t, &ser);
	CHECK(train_pieces_add_serialized(&u, ser.data, ser.len) == 0);
	CHECK(train_pieces_add_serialized(&u, ser.data, ser.len) == 0);
	CHECK(u.n == 1001 && u.total == 10020 && u.e[1000].count == 20 && u.e[3].count == 10);
	CHECK(train_pieces_add_serialized(&u, ser.data, ser.len - 1) < 0);
	/* prune: the rare pieces go, the frequent stay, the table stays searchable */
	train_pieces_add(&t, "w7", 2, 100);
	train_pieces_prune(&t, 10);
	CHECK(t.n <= 5);
	CHECK(t.n >= 2);
	CHECK(t.pruned_pieces == 1001 - t.n);
	size_t before = t.n;
	train_pieces_add(&t, "w7", 2, 1);
	train_pieces_add(&t, long_piece, strlen(long_piece), 1);
	CHECK(t.n == before);
	buf_release(&ser);
	train_pieces_release(&t);
	train_pieces_release(&u);
}

/* Train on "piece:count" pairs; the merges spelled "a b" joined with ','. */
static void train_is(const char *const *words, const int *counts, uint32_t vocab, uint32_t maxlen,
		     const char *want)
{
	struct train_pieces t;
	train_pieces_init(&t);
	for (int i = 0; words[i]; i++)
		train_pieces_add(&t, words[i], strlen(words[i]), (uint64_t)counts[i]);
	struct train_params prm = { .vocab_size = vocab, .max_token_length = maxlen };
	struct train_result r;
	struct buf err = BUF_INIT, got = BUF_INIT;
	CHECK(train_bpe(&t, &prm, &r, &err) == 0);
	for (uint32_t i = 0; i < r.nmerges; i++) {
		if (i)
			buf_addch(&got, ',');
		const struct train_merge *m = &r.merges[i];
		buf_add(&got, r.tok_bytes + r.tok_off[m->left], r.tok_len[m->left]);
		buf_addch(&got, ' ');
		buf_add(&got, r.tok_bytes + r.tok_off[m->right], r.tok_len[m->right]);
		CHECK(m->id == 256 + i);
	}
	CHECK_STR(got.data, want);
	CHECK(r.ntokens == 256 + r.nmerges);
	train_result_release(&r);
	train_pieces_release(&t);
	buf_release(&err);
	buf_release(&got);
}

TEST(merges)
{
	/* Sennrich et al.'s example; (l,o) and (o,w) tie at 7: 'l' comes first. */
	static const char *const w[] = { "low", "lower", "newest", "widest", NULL };
	static const int c[] = { 5, 2, 6, 3 };
	train_is(w, c, 260, 0, "e s,es t,l o,lo w");
	train_is(w, c, 256, 0, "");
	/* ties: letters before the remapped space byte, whatever the insertion order */
	static const char *const w2[] = { " x", "yz", "cd", "ab", NULL };
	static const int c2[] = { 1, 1, 1, 1 };
	train_is(w2, c2, 300, 0, "a b,c d,y z,  x");
	/* overlapping pairs count twice; merging is left to right */
	static const char *const w3[] = { "aaa", "aaaa", NULL };
	static const int c3[] = { 3, 1 };
	train_is(w3, c3, 300, 0, "a a,aa a,aa aa");
	/* --max-token-length 2: nothing longer than two bytes */
	train_is(w, c, 300, 2, "e s,l o,e w,i d,e r");
}

TEST(bad_params)
{
	struct train_pieces t;
	train_pieces_init(&t);
	train_pieces_add(&t, "ab", 2, 1);
	const char *sp[] = { "<s>" };
	struct train_params prm = { .vocab_size = 256, .nspecials = 1, .specials = sp };
	struct train_result r;
	struct buf err = BUF_INIT;
	CHECK(train_bpe(&t, &prm, &r, &err) < 0);
	CHECK(strstr(err.data, "below 256") != NULL);
	train_pieces_release(&t);
	buf_release(&err);
}

TEST(tiktoken)
{
	struct train_pieces t;
	train_pieces_init(&t);
	train_pieces_add(&t, "hi!", 3, 4);
	struct train_params prm = { .vocab_size = 258 };
	struct train_result r;
	struct buf err = BUF_INIT, out = BUF_INIT;
	CHECK(train_bpe(&t, &prm, &r, &err) == 0);
	train_write_tiktoken(&r, &out);
	CHECK(strncmp(out.data, "AA== 0\nAQ== 1\n", 14) == 0);
	CHECK(strstr(out.data, "\naGk= 256\naGkh 257\n") != NULL);
	train_result_release(&r);
	train_pieces_release(&t);
	buf_release(&err);
	buf_release(&out);
}

int main(void)
{
	RUN(byte_table);
	RUN(split);
	RUN(split_fast_equals_pcre2);
	RUN(pieces);
	RUN(merges);
	RUN(bad_params);
	RUN(tiktoken);
	return HARNESS_SUMMARY();
}
