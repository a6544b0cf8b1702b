/*
 * Fuzz target: the chat record reader (lib/chat.c) and the built-in chat templates
 * (tokenize/chat_tok.c) on arbitrary lines.
 *
 * Every line that is valid JSON is parsed as a chat record; a valid one is written back with
 * every content replaced (odd messages) or kept (even ones) and a field set, and the result must
 * be valid JSON that parses again to the same roles and the new contents. Invalid ones must name
 * a rule and an in-range message. Every valid line is also rendered with each built-in template
 * (chatml, llama3, mistral, gemma, phi3) and tokenized with a byte-level vocabulary holding the
 * templates' tokens, as `tokenize --chat-template NAME` does: a render error is a reject with a
 * message, and a tokenized conversation has one mask byte (0 or 1) per id, ids in range, and
 * decodes to the rendered text. (The layouts `ingest --chat` converts are fuzzed by
 * fuzz_ingest, which reads every input a second time with --chat.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/chat.h"
#include "lib/json.h"
#include "lib/utf8.h"
#include "tokenize/chat_tok.h"
#include "tokenize/chat_tpl_builtin.h"

#define FUZZ_ASSERT(c)                                                                   \
	do {                                                                             \
		if (!(c)) {                                                              \
			fprintf(stderr, "fuzz_chat: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static char *padded_copy(const char *p, size_t n)
{
	char *q = calloc(1, n + JSON_PADDING);
	memcpy(q, p, n);
	return q;
}

/* Byte-level tokenizer.json: the 256 bytes (GPT-2 spellings, no merges) and, as added
 * tokens, every token a built-in template writes. */
static void tiny_vocab_json(struct buf *j)
{
	buf_addstr(j, "{\"added_tokens\":[");
	uint32_t id = 256;
	for (const struct chat_builtin *b = chat_builtins; b->name; b++) {
		const char *extra[] = { b->bos, b->eos };
		for (size_t k = 0; b->tokens[k]; k++) {
			if (strstr(j->data, b->tokens[k]))
				continue;
			buf_addf(j, "%s{\"id\":%u,\"content\":\"%s\",\"special\":true}",
				 id > 256 ? "," : "", id, b->tokens[k]);
			id++;
		}
		for (int k = 0; k < 2; k++)
			if (extra[k] && !strstr(j->data, extra[k])) {
				buf_addf(j, ",{\"id\":%u,\"content\":\"%s\",\"special\":true}", id,
					 extra[k]);
				id++;
			}
	}
	buf_addstr(j, "],\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
		   "\"use_regex\":true},\"decoder\":{\"type\":\"ByteLevel\"},"
		   "\"model\":{\"type\":\"BPE\",\"merges\":[],\"vocab\":{");
	for (unsigned b = 0; b < 256; b++) {
		unsigned char u[4];
		size_t n = utf8_encode(tok_byte_to_cp(b), u);
		buf_addstr(j, b ? ",\"" : "\"");
		if (u[0] == '"' || u[0] == '\\')
			buf_addch(j, '\\');
		buf_add(j, u, n);
		buf_addf(j, "\":%u", b);
	}
	buf_addstr(j, "}}}");
}

struct templates {
	struct tok_vocab vocab;
	struct tok_encoder enc;
	struct tok_state *st;
	struct chat_tpl tpl[8];
	size_t n;
	struct chat_work w;
};

static struct templates *templates_get(void)
{
	static struct templates *T;
	if (T)
		return T;
	T = calloc(1, sizeof(*T));
	struct buf j = BUF_INIT, err = BUF_INIT;
	tiny_vocab_json(&j);
	int unsupported = 0, code = 0;
	FUZZ_ASSERT(!tok_vocab_load_mem(&T->vocab, "fuzz/tokenizer.json", j.data, j.len, NULL, &err,
					&unsupported));
	FUZZ_ASSERT(!tok_encoder_init(&T->enc, &T->vocab, 1, &err));
	T->st = tok_state_new(&T->enc);
	for (const struct chat_builtin *b = chat_builtins; b->name; b++, T->n++) {
		FUZZ_ASSERT(T->n < 8);
		FUZZ_ASSERT(!chat_tpl_load(&T->tpl[T->n], b->name, NULL, &err, &code));
		FUZZ_ASSERT(!chat_tpl_bind(&T->tpl[T->n], &T->vocab, &err));
		T->tpl[T->n].train_on = (enum chat_train_on)(T->n % 3);
	}
	chat_work_init(&T->w);
	buf_release(&j);
	buf_release(&err);
	return T;
}

/* Render and tokenize one valid JSON line with every built-in template. */
static void check_templates(const char *line, size_t n)
{
	struct templates *T = templates_get();
	struct buf msg = BUF_INIT, mask = BUF_INIT, dec = BUF_INIT;
	struct tok_ids ids = { 0 };
	for (size_t k = 0; k < T->n; k++) {
		const char *rule = NULL;
		int code = 0;
		buf_reset(&msg);
		enum chat_result r = chat_tok_record(&T->tpl[k], &T->w, T->st, line, n, &ids, &mask,
						     &rule, &msg, &code);
		if (r == CHAT_TOK_REJECT) {
			FUZZ_ASSERT(rule && *rule);
			continue;
		}
		FUZZ_ASSERT(r == CHAT_TOK_OK); /* byte-level BPE spells every byte: never fatal */
		FUZZ_ASSERT(mask.len == ids.n);
		for (size_t i = 0; i < ids.n; i++)
			FUZZ_ASSERT(ids.v[i] < T->vocab.n_ids && (mask.data[i] & ~1) == 0);
		buf_reset(&dec);
		buf_reset(&msg);
		FUZZ_ASSERT(!tok_decode(&T->vocab, ids.v, ids.n, &dec, &msg));
		FUZZ_ASSERT(dec.len == T->w.out.text.len &&
			    !memcmp(dec.data, T->w.out.text.data, dec.len));
	}
	tok_ids_release(&ids);
	buf_release(&msg);
	buf_release(&mask);
	buf_release(&dec);
}

static void check_line(struct json_validator *v, const char *p, size_t n)
{
	struct buf why = BUF_INIT, out = BUF_INIT, joined = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	size_t off;
	char *line = padded_copy(p, n);
	struct chat c, c2;
	chat_init(&c);
	chat_init(&c2);
	if (json_validate(v, line, n, &why, &off) < 0)
		goto done;
	check_templates(line, n);
	enum chat_status s = chat_parse(&c, line, n);
	FUZZ_ASSERT(strcmp(chat_reject_rule(s), "invalid_chat"));
	if (s != CHAT_OK && s != CHAT_NO_ASSISTANT) {
		FUZZ_ASSERT(c.bad_index <= c.n);
		goto done;
	}
	chat_joined_text(&c, &joined);
	struct chat_text *t = calloc(c.n + 1, sizeof(*t));
	for (size_t i = 1; i < c.n; i += 2) {
		t[i].p = "r\"\\\n\xc3\xa9";
		t[i].len = 6;
	}
	const struct field_value fv[] = { { "lang", "\"en\"" } };
	chat_write(&out, &c, t, fv, 1);
	char *line2 = padded_copy(out.data, out.len);
	FUZZ_ASSERT(json_validate(v, line2, out.len, &why, &off) == 0);
	FUZZ_ASSERT(chat_parse(&c2, line2, out.len) == s);
	FUZZ_ASSERT(c2.n == c.n);
	for (size_t i = 0; i < c.n; i++) {
		FUZZ_ASSERT(c2.msg[i].role == c.msg[i].role);
		buf_reset(&a);
		buf_reset(&b);
		chat_content(&c2, i, &a);
		if (t[i].p)
			buf_add(&b, t[i].p, t[i].len);
		else
			chat_content(&c, i, &b);
		FUZZ_ASSERT(a.len == b.len && !memcmp(a.data, b.data, a.len));
	}
	free(line2);
	free(t);
done:
	chat_release(&c);
	chat_release(&c2);
	free(line);
	buf_release(&why);
	buf_release(&out);
	buf_release(&joined);
	buf_release(&a);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_validator *v;
	if (!v)
		v = json_validator_new();
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		check_line(v, p, n);
		p += n + 1;
	}
	return 0;
}
