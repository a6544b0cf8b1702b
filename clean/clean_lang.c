/*
 * Language table lookups, stop-word sets and --lang name resolution (see clean_lang.h).
 */
#include "clean/clean_lang.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "clean/clean_langid.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

static int cmp_entry(const void *key, const void *e)
{
	return strcmp(key, ((const struct clean_lang_entry *)e)->code);
}

const struct clean_lang_entry *clean_lang_find(const char *code)
{
	return bsearch(code, clean_lang_table, clean_lang_table_len, sizeof(*clean_lang_table),
		       cmp_entry);
}

/* Open addressing over 64-bit hashes of the words; a hash collision with a non-stop word is
 * possible in principle (1 in 2^64 per lookup) and accepted. */
struct clean_stopset {
	uint64_t *slot; /* 0 = empty */
	size_t mask, n;
};

struct clean_stopset *clean_stopset_new(void)
{
	struct clean_stopset *s = xcalloc(1, sizeof(*s));
	s->mask = 63;
	s->slot = xcalloc(s->mask + 1, sizeof(*s->slot));
	return s;
}

static uint64_t word_key(const char *w, size_t n)
{
	uint64_t h = XXH3_64bits(w, n);
	return h ? h : 1;
}

static void insert_key(struct clean_stopset *s, uint64_t k)
{
	for (size_t i = (size_t)(k >> 7) & s->mask;; i = (i + 1) & s->mask) {
		if (s->slot[i] == k)
			return;
		if (!s->slot[i]) {
			s->slot[i] = k;
			s->n++;
			return;
		}
	}
}

void clean_stopset_add(struct clean_stopset *s, const char *w, size_t n)
{
	if ((s->n + 1) * 2 > s->mask + 1) {
		uint64_t *old = s->slot;
		size_t oldcap = s->mask + 1;
		s->mask = oldcap * 2 - 1;
		s->slot = xcalloc(s->mask + 1, sizeof(*s->slot));
		s->n = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				insert_key(s, old[i]);
		free(old);
	}
	insert_key(s, word_key(w, n));
}

size_t clean_stopset_size(const struct clean_stopset *s)
{
	return s ? s->n : 0;
}

int clean_stopset_has(const struct clean_stopset *s, const char *w, size_t n)
{
	uint64_t k = word_key(w, n);
	for (size_t i = (size_t)(k >> 7) & s->mask;; i = (i + 1) & s->mask) {
		if (s->slot[i] == k)
			return 1;
		if (!s->slot[i])
			return 0;
	}
}

void clean_stopset_free(struct clean_stopset *s)
{
	if (!s)
		return;
	free(s->slot);
	free(s);
}

struct clean_stopset *clean_stopset_from_entry(const struct clean_lang_entry *e)
{
	if (!e || !e->stop)
		return NULL;
	struct clean_stopset *s = clean_stopset_new();
	const char *p = e->stop;
	for (unsigned i = 0; i < e->nstop; i++) {
		size_t l = strlen(p);
		clean_stopset_add(s, p, l);
		p += l + 1;
	}
	return s;
}

size_t clean_lang_lower(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (o >= cap)
				return 0;
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			i++;
			continue;
		}
		int32_t cp;
		size_t l = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (!l)
			return 0;
		i += l;
		if (o + 4 > cap)
			return 0;
		o += utf8_encode((uint32_t)utf8proc_tolower(cp), (unsigned char *)out + o);
	}
	return o;
}

static int cmp_alias(const void *key, const void *a)
{
	return strcmp(key, ((const struct clean_lang_alias *)a)->from);
}

int clean_lang_resolve_name(const char *name, char out[16])
{
	char low[64];
	size_t n = strlen(name);
	if (!n || n >= sizeof(low))
		return -1;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	/* a code clean can write: the table's, or one CLD2 reports */
	if (clean_langid_known_code(low, out))
		return 0;
	if (clean_lang_find(low)) {
		memcpy(out, low, n + 1);
		return 0;
	}
	if (n == 3) {
		const struct clean_lang_alias *a = bsearch(low, clean_lang_iso3, clean_lang_iso3_len,
							   sizeof(*clean_lang_iso3), cmp_alias);
		if (a) {
			snprintf(out, 16, "%s", a->to);
			return 0;
		}
	}
	return clean_langid_code_for_name(low, out);
}
