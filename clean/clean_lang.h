/*
 * Languages for clean's quality filters: the per-language parameter table (generated into
 * clean_langtab.c by clean/lang/gen_langtab.py, sources in docs/clean.md), stop-word sets, and
 * the names --lang accepts (ISO 639-1, ISO 639-3 and 639-2/B codes, CLD2's language names).
 */
#ifndef GRIST_CLEAN_LANG_H
#define GRIST_CLEAN_LANG_H

#include <stddef.h>
#include <stdint.h>

struct clean_lang_entry {
	const char *code;      /* ISO 639-1 where one exists, else CLD2's code */
	const char *stop;      /* stop words, lowercase NFC, each ended by NUL; NULL: no list */
	unsigned nstop;
	double min_mean, max_mean; /* mean word length bounds; < 0: no value for this language */
	double min_line_punct;     /* fineweb.min_line_punct */
	const char *extra_terminals; /* ASCII marks that end a line in this language only (";") */
	int sentence_marks;          /* 0: the script ends sentences with a space (Thai, Lao) */
	double short_line;           /* fineweb.short_line_length; < 0: the global value */
	double ngrams[9];            /* gopher_rep.top_2gram .. dup_10gram; < 0: the global value */
	const char *stop_source, *param_source;
};
extern const struct clean_lang_entry clean_lang_table[];
extern const size_t clean_lang_table_len;

struct clean_lang_alias {
	const char *from, *to;
};
extern const struct clean_lang_alias clean_lang_iso3[]; /* sorted by from */
extern const size_t clean_lang_iso3_len;

/* The table's entry for code, or NULL. */
const struct clean_lang_entry *clean_lang_find(const char *code);

/* A set of stop words, matched after lowercasing (clean_lang_lower). */
struct clean_stopset;
struct clean_stopset *clean_stopset_new(void);
void clean_stopset_add(struct clean_stopset *s, const char *w, size_t n); /* w: lowercase */
size_t clean_stopset_size(const struct clean_stopset *s);
int clean_stopset_has(const struct clean_stopset *s, const char *w, size_t n);
void clean_stopset_free(struct clean_stopset *s);
/* The table's list for entry e (NULL when it has none). */
struct clean_stopset *clean_stopset_from_entry(const struct clean_lang_entry *e);

/* Lowercases valid UTF-8 (Unicode simple case mapping) into out[cap]; returns the length, or
 * 0 when it does not fit (the word is then too long to be a stop word). */
size_t clean_lang_lower(const char *s, size_t n, char *out, size_t cap);

/*
 * Resolves a name given to --lang: an ISO 639-1 or 639-3 (or 639-2/B) code, or a CLD2 language
 * name ("german"), case-insensitively, into the code clean writes in `lang` (out, 16 bytes).
 * Returns 0, or -1 when the name is unknown or ambiguous.
 */
int clean_lang_resolve_name(const char *name, char out[16]);

#endif
