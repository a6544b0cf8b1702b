/*
 * Pre-tokenization for the BPE trainer: PCRE2 in UTF + UCP mode with JIT, the known patterns
 * of docs/design.md section 6 or a user regex. Kept behind train_split() so a faster hand-written
 * splitter can replace it for the known patterns.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/die.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/train.h"

static const struct {
	const char *name, *regex;
} known_patterns[] = {
	{ "gpt2", "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+" },
	{ "cl100k", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" },
	{ "o200k", "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" },
};

struct train_splitter {
	pcre2_code *code;
	char *regex;
	int jit;
	int fast_gpt2; /* the GPT-2 pattern: ASCII text is split by hand (gpt2_ascii_match) */
};

static void ascii_class_init(void);

struct train_split_state {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *stack;
};

const char *train_pattern_regex(const char *name)
{
	for (size_t i = 0; i < sizeof(known_patterns) / sizeof(known_patterns[0]); i++)
		if (!strcmp(name, known_patterns[i].name))
			return known_patterns[i].regex;
	return NULL;
}

struct train_splitter *train_splitter_new(const char *name_or_regex, struct buf *err)
{
	const char *re = train_pattern_regex(name_or_regex);
	if (!re)
		re = name_or_regex;
	if (!*re) {
		buf_addstr(err, "empty pattern");
		return NULL;
	}
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
					 &ec, &eo, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		buf_addf(err, "pattern does not compile at offset %zu: %s", (size_t)eo, (char *)msg);
		return NULL;
	}
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, ascii_class_init);
	struct train_splitter *s = xcalloc(1, sizeof(*s));
	s->code = code;
	s->regex = xstrdup(re);
	s->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	s->fast_gpt2 = !strcmp(re, known_patterns[0].regex);
	return s;
}

void train_splitter_set_fast(struct train_splitter *s, int on)
{
	s->fast_gpt2 = on && !strcmp(s->regex, known_patterns[0].regex);
}

/*
 * GPT-2's pattern on ASCII, by hand:
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * Returns the length of the match at s[i], or 0 when the answer depends on a non-ASCII
 * character (a run reaching one, a space before one): PCRE2 decides those. For ASCII the
 * classes are plain: letters, digits, \t \n \v \f \r and space, and everything else.
 */
enum { C_OTHER, C_LETTER, C_DIGIT, C_SPACE };
static unsigned char ascii_class[128];

static void ascii_class_init(void)
{
	for (int c = 0; c < 128; c++)
		ascii_class[c] = ((c | 32) >= 'a' && (c | 32) <= 'z') ? C_LETTER
				 : (c >= '0' && c <= '9') ? C_DIGIT
				 : (c == ' ' || (c >= '\t' && c <= '\r')) ? C_SPACE : C_OTHER;
}

static size_t gpt2_ascii_match(const unsigned char *s, size_t i, size_t n)
{
	unsigned c = s[i];
	if (c >= 0x80)
		return 0;
	if (c == '\'' && i + 1 < n) {
		unsigned d = s[i + 1];
		if (d == 's' || d == 't' || d == 'm' || d == 'd')
			return 2;
		if (i + 2 < n && ((d == 'r' && s[i + 2] == 'e') || (d == 'v' && s[i + 2] == 'e') ||
				  (d == 'l' && s[i + 2] == 'l')))
			return 3;
	}
	size_t j = i;
	unsigned k = ascii_class[c];
	if (c == ' ' && i + 1 < n) {
		unsigned d = s[i + 1];
		if (d >= 0x80)
			return 0;
		if (ascii_class[d] != C_SPACE) {
			k = ascii_class[d];
			j = i + 1;
		}
	}
	while (j < n && s[j] < 0x80 && ascii_class[s[j]] == k)
		j++;
	if (j < n && s[j] >= 0x80)
		return 0;
	if (k != C_SPACE || j == n)
		return j - i;
	/* whitespace followed by a non-space: all but the last, or the single one */
	return j - i >= 2 ? j - i - 1 : 1;
}

void train_splitter_free(struct train_splitter *s)
{
	if (!s)
		return;
	pcre2_code_free(s->code);
	free(s->regex);
	free(s);
}

const char *train_splitter_regex(const struct train_splitter *s)
{
	return s->regex;
}

struct train_split_state *train_split_state_new(const struct train_splitter *s)
{
	struct train_split_state *st = xcalloc(1, sizeof(*st));
	st->md = pcre2_match_data_create_from_pattern(s->code, NULL);
	st->mc = pcre2_match_context_create(NULL);
	if (!st->md || !st->mc)
		die(GRIST_EXIT_INTERNAL, "out of memory (PCRE2 match state)");
	if (s->jit) {
		/* Long runs of one class recurse in some patterns: give the JIT room. */
		st->stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, NULL);
		if (!st->stack)
			die(GRIST_EXIT_INTERNAL, "out of memory (PCRE2 match state)");
		pcre2_jit_stack_assign(st->mc, NULL, st->stack);
	}
	return st;
}

void train_split_state_free(struct train_split_state *st)
{
	if (!st)
		return;
	pcre2_match_data_free(st->md);
	pcre2_match_context_free(st->mc);
	if (st->stack)
		pcre2_jit_stack_free(st->stack);
	free(st);
}

int train_split(const struct train_splitter *s, struct train_split_state *st, const char *text,
		size_t len, train_piece_fn fn, void *ctx, struct buf *err)
{
	size_t pos = 0, gap = 0; /* gap: start of text not yet given out */
	while (pos < len) {
		if (s->fast_gpt2 && pos == gap) {
			size_t m = gpt2_ascii_match((const unsigned char *)text, pos, len);
			if (m) {
				fn(ctx, text + pos, m);
				gap = pos += m;
				continue;
			}
		}
		int rc = s->jit ? pcre2_jit_match(s->code, (PCRE2_SPTR)text, len, pos, PCRE2_NO_UTF_CHECK,
						  st->md, st->mc)
				: pcre2_match(s->code, (PCRE2_SPTR)text, len, pos, PCRE2_NO_UTF_CHECK, st->md,
					      st->mc);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(rc, msg, sizeof(msg));
			buf_addf(err, "pattern match failed: %s", (char *)msg);
			return -1;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
		size_t ms = ov[0], me = ov[1];
		if (me == ms) {
			/* An empty match: step over one character (UTF-8) and look again. */
			pos = utf8_next((const unsigned char *)text, len, ms);
			continue;
		}
		if (ms > gap)
			fn(ctx, text + gap, ms - gap);
		fn(ctx, text + ms, me - ms);
		gap = pos = me;
	}
	if (len > gap)
		fn(ctx, text + gap, len - gap);
	return 0;
}
