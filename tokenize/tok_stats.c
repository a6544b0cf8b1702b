/* tokenize's per-language and chat figures for --stats (tok_stats.h). */
#include "tokenize/tok_stats.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

struct tok_lang {
	char *code;
	uint64_t documents, bytes, tokens;
};

struct tok_stats {
	struct tok_lang *lang;
	size_t n, alloc;
	size_t last; /* the language of the previous document: runs of one language are common */
	int chat;
	uint64_t conversations, turns, chat_tokens, masked;
	pthread_mutex_t lock; /* for tok_stats_merge into this one */
	struct tok_stats *parent;
};

struct tok_stats *tok_stats_new(struct tok_stats *parent)
{
	struct tok_stats *s = xcalloc(1, sizeof(*s));
	s->parent = parent;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void tok_stats_free(struct tok_stats *s)
{
	if (!s)
		return;
	if (s->parent)
		tok_stats_merge(s->parent, s);
	for (size_t i = 0; i < s->n; i++)
		free(s->lang[i].code);
	free(s->lang);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static struct tok_lang *lang_entry(struct tok_stats *s, const char *code, size_t len)
{
	if (s->last < s->n && strlen(s->lang[s->last].code) == len &&
	    !memcmp(s->lang[s->last].code, code, len))
		return &s->lang[s->last];
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->lang[i].code) == len && !memcmp(s->lang[i].code, code, len)) {
			s->last = i;
			return &s->lang[i];
		}
	ALLOC_GROW(s->lang, s->n + 1, s->alloc);
	struct tok_lang *l = &s->lang[s->n];
	memset(l, 0, sizeof(*l));
	l->code = xmalloc(len + 1);
	memcpy(l->code, code, len);
	l->code[len] = '\0';
	s->last = s->n++;
	return l;
}

void tok_stats_doc(struct tok_stats *s, const struct record *r, uint64_t text_bytes,
		   uint64_t tokens)
{
	struct tok_lang *l;
	if (r && r->has_lang && r->lang.type == JV_STRING && r->lang.val_len > 2 &&
	    !memchr(r->lang.val, '\\', r->lang.val_len))
		l = lang_entry(s, r->lang.val + 1, r->lang.val_len - 2);
	else if (r && r->has_lang && r->lang.type == JV_STRING && r->lang.val_len > 2) {
		struct buf code = BUF_INIT; /* an escaped code: rare, decoded */
		json_string_decode(&code, r->lang.val + 1, r->lang.val_len - 2);
		l = lang_entry(s, code.data, code.len);
		buf_release(&code);
	} else {
		l = lang_entry(s, "un", 2);
	}
	l->documents++;
	l->bytes += text_bytes;
	l->tokens += tokens;
}

void tok_stats_chat(struct tok_stats *s, size_t turns, const unsigned char *mask, size_t n)
{
	s->chat = 1;
	s->conversations++;
	s->turns += turns;
	s->chat_tokens += n;
	for (size_t i = 0; i < n; i++)
		s->masked += mask[i] == 0;
}

void tok_stats_merge(struct tok_stats *into, const struct tok_stats *from)
{
	pthread_mutex_lock(&into->lock);
	for (size_t i = 0; i < from->n; i++) {
		const struct tok_lang *f = &from->lang[i];
		struct tok_lang *l = lang_entry(into, f->code, strlen(f->code));
		l->documents += f->documents;
		l->bytes += f->bytes;
		l->tokens += f->tokens;
	}
	into->chat |= from->chat;
	into->conversations += from->conversations;
	into->turns += from->turns;
	into->chat_tokens += from->chat_tokens;
	into->masked += from->masked;
	pthread_mutex_unlock(&into->lock);
}

static int cmp_lang(const void *a, const void *b)
{
	return strcmp(((const struct tok_lang *)a)->code, ((const struct tok_lang *)b)->code);
}

void tok_stats_render(const struct tok_stats *s, struct buf *out)
{
	struct tok_lang *v = xcalloc(s->n ? s->n : 1, sizeof(*v));
	if (s->n)
		memcpy(v, s->lang, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmp_lang);
	buf_addstr(out, ",\"languages\":{");
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			buf_addch(out, ',');
		struct buf code = BUF_INIT;
		utf8_repair(&code, v[i].code, strlen(v[i].code));
		json_string_encode(out, code.data, code.len);
		buf_release(&code);
		buf_addf(out, ":{\"documents\":%llu,\"bytes\":%llu,\"tokens\":%llu}",
			 (unsigned long long)v[i].documents, (unsigned long long)v[i].bytes,
			 (unsigned long long)v[i].tokens);
	}
	buf_addch(out, '}');
	free(v);
	if (s->chat)
		buf_addf(out, ",\"chat\":{\"conversations\":%llu,\"turns\":%llu,\"tokens\":%llu,"
			      "\"masked_tokens\":%llu}",
			 (unsigned long long)s->conversations, (unsigned long long)s->turns,
			 (unsigned long long)s->chat_tokens, (unsigned long long)s->masked);
}
