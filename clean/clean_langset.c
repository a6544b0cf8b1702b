/*
 * The quality filters' config of every language (struct clean_langset, clean_filter.h): the
 * global config, with each language-dependent parameter that was not set globally taken from
 * the language table (clean_langtab.c), then the [lang.xx] settings of --config on top. A
 * parameter the table has no value for stays "not applicable" (na) for that language.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ulocdata.h>
#include <unicode/uset.h>

#include "clean/clean_filter.h"
#include "clean/clean_lang.h"
#include "lib/xalloc.h"

/* The language's accented Latin letters from CLDR (ICU's standard exemplar set, with case
 * mappings): only the standard set, since the auxiliary one lists the letters of foreign names
 * (Czech's has ò and ø, exactly what cp1250 read as cp1252 makes of ň and ř). */
static void latin_letters(struct clean_filter_config *c, const char *code)
{
	char loc[sizeof(c->lang)];
	snprintf(loc, sizeof(loc), "%s", code);
	for (char *p = loc; *p; p++)
		if (*p == '-')
			*p = '_';
	memset(c->letters, 0, sizeof(c->letters));
	c->latin_ext = 0;
	if (!strcmp(code, "un"))
		return;
	UErrorCode st = U_ZERO_ERROR;
	ULocaleData *ld = ulocdata_open(loc, &st);
	if (U_FAILURE(st))
		return;
	USet *set = ulocdata_getExemplarSet(ld, NULL, USET_ADD_CASE_MAPPINGS, ULOCDATA_ES_STANDARD, &st);
	/* a locale ICU does not know falls back to the root locale, whose set is empty */
	if (!U_FAILURE(st) && set) {
		for (UChar32 cp = 0xC0; cp < 0x250; cp++) {
			if (!uset_contains(set, cp))
				continue;
			c->letters[(cp - 0xC0) >> 6] |= 1ull << ((cp - 0xC0) & 63);
			c->latin_ext |= cp >= 0x100;
		}
	}
	if (set)
		uset_close(set);
	ulocdata_close(ld);
	/* s and t with comma below (CLDR's Romanian) and with cedilla (what most Romanian text
	 * was typed with, before fonts and keyboards had the comma) are one letter each */
	static const UChar32 twins[][2] = { { 0x15E, 0x218 }, { 0x15F, 0x219 }, { 0x162, 0x21A },
					    { 0x163, 0x21B } };
	for (size_t k = 0; k < sizeof(twins) / sizeof(*twins); k++) {
		uint64_t *w0 = &c->letters[(twins[k][0] - 0xC0) >> 6], *w1 = &c->letters[(twins[k][1] - 0xC0) >> 6];
		uint64_t b0 = 1ull << ((twins[k][0] - 0xC0) & 63), b1 = 1ull << ((twins[k][1] - 0xC0) & 63);
		if ((*w0 & b0) || (*w1 & b1)) {
			*w0 |= b0;
			*w1 |= b1;
		}
	}
}

static pthread_mutex_t letters_lock = PTHREAD_MUTEX_INITIALIZER;

void clean_lang_letters(const struct clean_filter_config *lc)
{
	if (__atomic_load_n(&lc->letters_ready, __ATOMIC_ACQUIRE))
		return;
	struct clean_filter_config *c = (struct clean_filter_config *)lc; /* only these fields */
	pthread_mutex_lock(&letters_lock);
	if (!c->letters_ready) {
		latin_letters(c, c->lang);
		__atomic_store_n(&c->letters_ready, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&letters_lock);
}

static struct clean_stopset *own(struct clean_langset *ls, struct clean_stopset *s)
{
	if (s) {
		ls->owned = xrealloc(ls->owned, (ls->nowned + 1) * sizeof(*ls->owned));
		ls->owned[ls->nowned++] = s;
	}
	return s;
}

/* "w1 w2, w3": words separated by white space or commas, lowercased. */
static struct clean_stopset *stopset_from_list(const char *list)
{
	struct clean_stopset *s = clean_stopset_new();
	char low[256];
	for (const char *p = list; *p;) {
		while (*p && (isspace((unsigned char)*p) || *p == ','))
			p++;
		const char *b = p;
		while (*p && !isspace((unsigned char)*p) && *p != ',')
			p++;
		size_t l = p > b ? clean_lang_lower(b, (size_t)(p - b), low, sizeof(low)) : 0;
		if (l)
			clean_stopset_add(s, low, l);
	}
	return s;
}

/* The table's value for a language-dependent bound, or na when it has none. */
static void table_value(struct clean_filter_config *c, const struct clean_filter_config *g, int p,
			double val)
{
	if (g->set[p])
		return; /* given globally: applies to every language */
	if (val >= 0)
		c->v[p] = val;
	else
		c->na[p] = 1;
}

static int lang_config(struct clean_langset *ls, struct clean_filter_config *c,
		       const struct clean_filter_config *g, const char *code, struct buf *err)
{
	const struct clean_lang_entry *e = strcmp(code, "un") ? clean_lang_find(code) : NULL;
	*c = *g;
	c->over = NULL;
	c->nover = c->aover = 0;
	snprintf(c->lang, sizeof(c->lang), "%s", code);
	c->stop = NULL;
	c->stop_gopher = 0;
	table_value(c, g, CP_G_MIN_MEAN_WORD_LEN, e ? e->min_mean : -1);
	table_value(c, g, CP_G_MAX_MEAN_WORD_LEN, e ? e->max_mean : -1);
	table_value(c, g, CP_F_MIN_LINE_PUNCT, e ? e->min_line_punct : -1);
	c->na[CP_C4_TERMINAL_PUNCT] = !e;
	c->na[CP_C4_MIN_SENTENCES] = !e || !e->sentence_marks;
	/* values of the language's own where it has them, else the global ones */
	if (e && !g->set[CP_F_SHORT_LINE_LEN] && e->short_line >= 0)
		c->v[CP_F_SHORT_LINE_LEN] = e->short_line;
	for (int k = 0; e && k < 9; k++)
		if (!g->set[CP_R_TOP_2GRAM + k] && e->ngrams[k] >= 0)
			c->v[CP_R_TOP_2GRAM + k] = e->ngrams[k];
	snprintf(c->extra_term, sizeof(c->extra_term), "%s", e ? e->extra_terminals : "");
	c->letters_ready = 0; /* clean_lang_letters fills them when first needed */
	if (e && e->stop) {
		c->stop_gopher = !strcmp(code, "en"); /* counted during the analysis, as always */
		c->stop = own(ls, clean_stopset_from_entry(e));
	}
	for (size_t i = 0; i < g->nover; i++) {
		const struct clean_lang_override *o = &g->over[i];
		if (strcmp(o->code, code))
			continue;
		if (o->param < 0) {
			c->stop = own(ls, stopset_from_list(o->value));
			c->stop_gopher = 0;
		} else if (clean_filter_config_set(c, clean_params[o->param].name, o->value, err) < 0) {
			return -1;
		}
	}
	c->na[CP_G_MIN_STOP_WORDS] = !c->stop && !c->stop_gopher;
	return 0;
}

static int cmp_cfg(const void *a, const void *b)
{
	return strcmp(((const struct clean_filter_config *)a)->lang,
		      ((const struct clean_filter_config *)b)->lang);
}

int clean_langset_build(struct clean_langset *ls, struct clean_filter_config *global,
			struct buf *err)
{
	memset(ls, 0, sizeof(*ls));
	size_t cap = clean_lang_table_len + global->nover;
	ls->cfg = xcalloc(cap, sizeof(*ls->cfg));
	for (size_t i = 0; i < clean_lang_table_len + global->nover; i++) {
		const char *code = i < clean_lang_table_len ? clean_lang_table[i].code
							    : global->over[i - clean_lang_table_len].code;
		int seen = !strcmp(code, "un");
		for (size_t k = 0; k < ls->n && !seen; k++)
			seen = !strcmp(ls->cfg[k].lang, code);
		if (seen)
			continue;
		if (lang_config(ls, &ls->cfg[ls->n++], global, code, err) < 0)
			return -1;
	}
	qsort(ls->cfg, ls->n, sizeof(*ls->cfg), cmp_cfg);
	if (lang_config(ls, &ls->un, global, "un", err) < 0)
		return -1;
	for (size_t k = 0; k <= ls->n; k++) { /* and un's, last */
		const struct clean_filter_config *c = k < ls->n ? &ls->cfg[k] : &ls->un;
		if (c->v[CP_C4_TERMINAL_PUNCT] && !c->off[CP_C4_TERMINAL_PUNCT])
			global->any_c4_terminal = 1;
	}
	for (size_t i = 0; i < global->nover; i++) /* a [lang] section sets an n-gram threshold */
		if (global->over[i].param >= CP_R_TOP_2GRAM && global->over[i].param <= CP_R_DUP_10GRAM)
			global->any_lang_ngram = 1;
	return 0;
}

const struct clean_filter_config *clean_langset_get(const struct clean_langset *ls,
						    const char *code)
{
	struct clean_filter_config key;
	snprintf(key.lang, sizeof(key.lang), "%s", code);
	const struct clean_filter_config *c = bsearch(&key, ls->cfg, ls->n, sizeof(*ls->cfg), cmp_cfg);
	return c ? c : &ls->un;
}

void clean_langset_free(struct clean_langset *ls)
{
	for (size_t i = 0; i < ls->nowned; i++)
		clean_stopset_free(ls->owned[i]);
	free(ls->owned);
	free(ls->cfg);
	memset(ls, 0, sizeof(*ls));
}
