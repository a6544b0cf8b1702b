/*
 * The quality filters' parameters: one table of names, defaults and help, read by the command
 * line (clean.c builds its long options from it), config files and `grist clean --help`.
 * Defaults are docs/design.md section 8 (Gopher: Rae et al. 2021 appendix A; C4: Raffel et al. 2020
 * and AllenAI's re-implementation; FineWeb: Penedo et al. 2024).
 */
#include "clean/clean_filter.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clean/clean_lang.h"
#include "lib/opts.h"
#include "lib/xalloc.h"

const char *const clean_filter_names[CLEAN_F_COUNT] = {
	[CLEAN_F_LENGTH] = "length",
	[CLEAN_F_GOPHER_REP] = "gopher_rep",
	[CLEAN_F_GOPHER_QUALITY] = "gopher_quality",
	[CLEAN_F_C4] = "c4",
	[CLEAN_F_FINEWEB] = "fineweb",
};

const struct clean_param_info clean_params[CP_COUNT] = {
	[CP_MIN_CHARS] = { "length.min_chars", 1, 0, "drop documents with fewer characters" },
	[CP_MAX_CHARS] = { "length.max_chars", 0, 1, "drop documents with more characters" },
	[CP_MOJIBAKE_LATIN1] = { "mojibake.max_latin1_letters", 0.3, 0, "maximum fraction of characters in U+00C0..U+00FF (text in another code page read as Latin-1)" },
	[CP_MOJIBAKE_BROKEN_WORDS] = { "mojibake.max_broken_words", 0.03, 0, "maximum fraction of words broken by mis-decoding: Latin next to Cyrillic or Greek letters, ? or U+FFFD or a Latin-1 sign between letters, UTF-8 read as cp1252 (Ã©, â€™)" },

	[CP_MOJIBAKE_FOREIGN_LETTERS] = { "mojibake.max_foreign_letters", 0.2, 0, "maximum fraction of accented Latin letters (U+00C0..U+024F) that are not the document's language's, for languages with letters beyond Latin-1 (Czech in cp1250 read as cp1252: svìtla for světla); checked last, on documents the other rules keep" },

	[CP_G_MIN_WORDS] = { "gopher.min_words", 50, 0, "minimum words (pure-symbol tokens not counted)" },
	[CP_G_MAX_WORDS] = { "gopher.max_words", 100000, 0, "maximum words" },
	[CP_G_MIN_MEAN_WORD_LEN] = { "gopher.min_mean_word_length", 3, 0, "minimum mean word length (characters)" },
	[CP_G_MAX_MEAN_WORD_LEN] = { "gopher.max_mean_word_length", 10, 0, "maximum mean word length" },
	[CP_G_MAX_HASH_RATIO] = { "gopher.max_hash_ratio", 0.1, 0, "maximum '#' per word" },
	[CP_G_MAX_ELLIPSIS_RATIO] = { "gopher.max_ellipsis_ratio", 0.1, 0, "maximum ellipses ('...' or U+2026) per word" },
	[CP_G_MAX_BULLET_LINES] = { "gopher.max_bullet_lines", 0.9, 0, "maximum fraction of lines starting with a bullet (U+2022 or '-')" },
	[CP_G_MAX_ELLIPSIS_LINES] = { "gopher.max_ellipsis_lines", 0.3, 0, "maximum fraction of lines ending with an ellipsis" },
	[CP_G_MIN_ALPHA_WORDS] = { "gopher.min_alpha_words", 0.8, 0, "minimum fraction of words containing a letter" },
	[CP_G_MIN_STOP_WORDS] = { "gopher.min_stop_words", 2, 0, "minimum stop words (English: the, be, to, of, and, that, have, with)" },

	[CP_R_DUP_PARA_FRAC] = { "gopher_rep.dup_para_frac", 0.3, 0, "maximum fraction of duplicate paragraphs" },
	[CP_R_DUP_PARA_CHAR_FRAC] = { "gopher_rep.dup_para_char_frac", 0.2, 0, "maximum fraction of characters in duplicate paragraphs" },
	[CP_R_DUP_LINE_FRAC] = { "gopher_rep.dup_line_frac", 0.3, 0, "maximum fraction of duplicate lines" },
	[CP_R_DUP_LINE_CHAR_FRAC] = { "gopher_rep.dup_line_char_frac", 0.2, 0, "maximum fraction of characters in duplicate lines" },
	[CP_R_TOP_2GRAM] = { "gopher_rep.top_2gram", 0.2, 0, "maximum character fraction of the most frequent 2-gram" },
	[CP_R_TOP_3GRAM] = { "gopher_rep.top_3gram", 0.18, 0, "... 3-gram" },
	[CP_R_TOP_4GRAM] = { "gopher_rep.top_4gram", 0.16, 0, "... 4-gram" },
	[CP_R_DUP_5GRAM] = { "gopher_rep.dup_5gram", 0.15, 0, "maximum character fraction in duplicated 5-grams" },
	[CP_R_DUP_6GRAM] = { "gopher_rep.dup_6gram", 0.14, 0, "... 6-grams" },
	[CP_R_DUP_7GRAM] = { "gopher_rep.dup_7gram", 0.13, 0, "... 7-grams" },
	[CP_R_DUP_8GRAM] = { "gopher_rep.dup_8gram", 0.12, 0, "... 8-grams" },
	[CP_R_DUP_9GRAM] = { "gopher_rep.dup_9gram", 0.11, 0, "... 9-grams" },
	[CP_R_DUP_10GRAM] = { "gopher_rep.dup_10gram", 0.10, 0, "... 10-grams" },

	[CP_C4_MAX_WORD_LEN] = { "c4.max_word_length", 1000, 0, "drop lines with a longer word" },
	[CP_C4_CITATIONS] = { "c4.citations", 1, 0, "remove [1], [edit], [citation needed]" },
	[CP_C4_TERMINAL_PUNCT] = { "c4.terminal_punct", 0, 0, "keep only lines ending in . ? ! \" ' or a script's sentence mark (\xE3\x80\x82 \xEF\xBC\x81 \xEF\xBC\x9F \xE0\xA5\xA4 \xD8\x9F \xE1\x81\x8B ...; docs/clean.md), not an ellipsis; off as FineWeb ran C4" },
	[CP_C4_MIN_WORDS_PER_LINE] = { "c4.min_words_per_line", 3, 0, "drop lines with fewer words (Google's C4: 5)" },
	[CP_C4_LOREM_IPSUM] = { "c4.lorem_ipsum", 1, 0, "drop documents containing \"lorem ipsum\"" },
	[CP_C4_JAVASCRIPT] = { "c4.javascript", 1, 0, "drop lines containing \"javascript\"" },
	[CP_C4_CURLY_BRACKET] = { "c4.curly_bracket", 1, 0, "drop documents containing '{'" },
	[CP_C4_POLICY] = { "c4.policy", 1, 0, "drop lines with cookie/terms/privacy boilerplate" },
	[CP_C4_MIN_SENTENCES] = { "c4.min_sentences", 5, 0, "drop documents with fewer sentences (Google's C4: 3)" },
	[CP_C4_MAX_LIST_WORDS] = { "c4.max_list_words", 0.5, 0, "where c4.min_sentences is not applied (language unknown, Thai, Lao): maximum fraction of words ending in a list separator (, ; | and other scripts' commas)" },

	[CP_F_MIN_LINE_PUNCT] = { "fineweb.min_line_punct", 0.12, 0, "minimum fraction of lines ending in terminal punctuation" },
	[CP_F_MAX_SHORT_LINES] = { "fineweb.max_short_lines", 0.67, 0, "maximum fraction of short lines" },
	[CP_F_SHORT_LINE_LEN] = { "fineweb.short_line_length", 30, 0, "a line this many characters or fewer is short" },
	[CP_F_MAX_DUP_LINE_CHARS] = { "fineweb.max_dup_line_chars", 0.01, 0, "maximum fraction of characters in duplicate lines" },
	[CP_F_MAX_NEWLINE_PER_WORD] = { "fineweb.max_newline_per_word", 0.3, 0, "maximum newlines per word" },
};

int clean_param_is_lang(int p)
{
	return p == CP_G_MIN_MEAN_WORD_LEN || p == CP_G_MAX_MEAN_WORD_LEN ||
	       p == CP_G_MIN_STOP_WORDS || p == CP_C4_TERMINAL_PUNCT || p == CP_C4_MIN_SENTENCES ||
	       p == CP_F_MIN_LINE_PUNCT;
}

int clean_param_per_lang(int p)
{
	return clean_param_is_lang(p) || (p >= CP_R_TOP_2GRAM && p <= CP_R_DUP_10GRAM) ||
	       p == CP_F_SHORT_LINE_LEN;
}

/* Booleans: on/off switches rather than thresholds. */
static int is_switch(int p)
{
	return p == CP_C4_CITATIONS || p == CP_C4_TERMINAL_PUNCT || p == CP_C4_LOREM_IPSUM ||
	       p == CP_C4_JAVASCRIPT || p == CP_C4_CURLY_BRACKET || p == CP_C4_POLICY;
}

/* Shares of the document (of its lines, words, characters): a value above 1 is a mistake. */
static int is_fraction(int p)
{
	return p == CP_MOJIBAKE_LATIN1 || p == CP_MOJIBAKE_BROKEN_WORDS ||
	       p == CP_MOJIBAKE_FOREIGN_LETTERS ||
	       p == CP_G_MAX_BULLET_LINES || p == CP_G_MAX_ELLIPSIS_LINES ||
	       p == CP_G_MIN_ALPHA_WORDS || (p >= CP_R_DUP_PARA_FRAC && p <= CP_R_DUP_10GRAM) ||
	       p == CP_C4_MAX_LIST_WORDS || p == CP_F_MIN_LINE_PUNCT || p == CP_F_MAX_SHORT_LINES ||
	       p == CP_F_MAX_DUP_LINE_CHARS;
}

void clean_filter_config_init(struct clean_filter_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (int p = 0; p < CP_COUNT; p++) {
		cfg->v[p] = clean_params[p].def;
		cfg->off[p] = (unsigned char)clean_params[p].def_off;
	}
	static const int def[] = { CLEAN_F_LENGTH, CLEAN_F_GOPHER_REP, CLEAN_F_GOPHER_QUALITY,
				   CLEAN_F_C4, CLEAN_F_FINEWEB };
	cfg->norder = 5;
	memcpy(cfg->order, def, sizeof(def));
	cfg->stop_gopher = 1; /* used without a language set, the config is English's */
}

void clean_filter_config_release(struct clean_filter_config *cfg)
{
	for (size_t i = 0; i < cfg->nover; i++)
		free(cfg->over[i].value);
	free(cfg->over);
	cfg->over = NULL;
	cfg->nover = cfg->aover = 0;
}

/* Compares names treating '.', '_' and '-' alike and ignoring case. */
static int same_name(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a, y = *b;
		if (x == '.' || x == '_')
			x = '-';
		if (y == '.' || y == '_')
			y = '-';
		if (tolower((unsigned char)x) != tolower((unsigned char)y))
			return 0;
		if (!x)
			return 1;
	}
}

int clean_param_lookup(const char *name)
{
	for (int p = 0; p < CP_COUNT; p++)
		if (same_name(name, clean_params[p].name))
			return p;
	return -1;
}

static int parse_bool(const char *s)
{
	if (!strcasecmp(s, "on") || !strcasecmp(s, "true") || !strcasecmp(s, "yes"))
		return 1;
	if (!strcasecmp(s, "off") || !strcasecmp(s, "false") || !strcasecmp(s, "no"))
		return 0;
	return -1;
}

int clean_filter_config_set(struct clean_filter_config *cfg, const char *name, const char *value,
			    struct buf *err)
{
	if (same_name(name, "c4.variant")) {
		if (!strcasecmp(value, "google")) {
			cfg->v[CP_C4_MIN_WORDS_PER_LINE] = 5;
			cfg->v[CP_C4_MIN_SENTENCES] = 3;
		} else if (!strcasecmp(value, "c4") || !strcasecmp(value, "default")) {
			cfg->v[CP_C4_MIN_WORDS_PER_LINE] = 3;
			cfg->v[CP_C4_MIN_SENTENCES] = 5;
		} else {
			buf_addf(err, "unknown C4 variant '%s' (google or c4)", value);
			return -1;
		}
		cfg->off[CP_C4_MIN_WORDS_PER_LINE] = cfg->off[CP_C4_MIN_SENTENCES] = 0;
		cfg->set[CP_C4_MIN_WORDS_PER_LINE] = cfg->set[CP_C4_MIN_SENTENCES] = 1;
		return 0;
	}
	int p = clean_param_lookup(name);
	if (p < 0) {
		buf_addf(err, "unknown filter parameter '%s'", name);
		return -1;
	}
	int b = parse_bool(value);
	cfg->set[p] = 1;
	cfg->na[p] = 0;
	if (is_switch(p)) {
		if (b < 0) {
			buf_addf(err, "%s takes on or off, not '%s'", clean_params[p].name, value);
			return -1;
		}
		cfg->v[p] = b;
		cfg->off[p] = 0;
		return 0;
	}
	if (b == 0) {
		cfg->off[p] = 1;
		return 0;
	}
	if (b == 1) {
		cfg->off[p] = 0;
		return 0;
	}
	double d;
	if (opts_parse_decimal(value, &d) < 0 || !isfinite(d) || d < 0) {
		buf_addf(err, "%s: '%s' is not a non-negative number (or off)", clean_params[p].name,
			 value);
		return -1;
	}
	if (is_fraction(p) && d > 1) {
		buf_addf(err, "%s: '%s' is not a fraction from 0 to 1 (or off)", clean_params[p].name,
			 value);
		return -1;
	}
	cfg->v[p] = d;
	cfg->off[p] = 0;
	return 0;
}

int clean_filter_config_set_order(struct clean_filter_config *cfg, const char *list,
				  struct buf *err)
{
	int order[16], n = 0;
	char *copy = strdup(list), *save = NULL;
	if (!copy) {
		buf_addstr(err, "out of memory");
		return -1;
	}
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		int add[5], na = 0;
		if (!strcasecmp(t, "none")) {
			continue;
		} else if (!strcasecmp(t, "default")) {
			struct clean_filter_config d;
			clean_filter_config_init(&d);
			memcpy(add, d.order, sizeof(int) * (size_t)d.norder);
			na = d.norder;
		} else if (!strcasecmp(t, "gopher")) {
			add[0] = CLEAN_F_GOPHER_REP;
			add[1] = CLEAN_F_GOPHER_QUALITY;
			na = 2;
		} else {
			int f;
			for (f = 0; f < CLEAN_F_COUNT; f++)
				if (same_name(t, clean_filter_names[f]))
					break;
			if (f == CLEAN_F_COUNT && same_name(t, "gopher-repetition"))
				f = CLEAN_F_GOPHER_REP;
			if (f == CLEAN_F_COUNT && same_name(t, "gopher-quality"))
				f = CLEAN_F_GOPHER_QUALITY;
			if (f == CLEAN_F_COUNT) {
				buf_addf(err, "unknown filter '%s' (known: default, none, gopher, "
					      "gopher_rep, gopher_quality, c4, fineweb, length)", t);
				free(copy);
				return -1;
			}
			add[na++] = f;
		}
		for (int k = 0; k < na; k++) {
			int dup = 0;
			for (int j = 0; j < n; j++)
				dup |= order[j] == add[k];
			if (!dup && n < 16)
				order[n++] = add[k];
		}
	}
	free(copy);
	memcpy(cfg->order, order, sizeof(int) * (size_t)n);
	cfg->norder = n;
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* A "[lang.xx]" or "[global]" line: sets *section to the language code, or "" for global. */
static int config_section(const char *s, char section[16], struct buf *err)
{
	size_t l = strlen(s);
	char name[64];
	if (l < 3 || s[l - 1] != ']' || l - 2 >= sizeof(name)) {
		buf_addf(err, "expected [lang.CODE] or [global], got '%s'", s);
		return -1;
	}
	memcpy(name, s + 1, l - 2);
	name[l - 2] = '\0';
	char *n = trim(name);
	if (!strcasecmp(n, "global")) {
		section[0] = '\0';
		return 0;
	}
	if (strncasecmp(n, "lang.", 5) || clean_lang_resolve_name(trim(n + 5), section) < 0) {
		buf_addf(err, "unknown section [%s] (expected [lang.CODE] with a language code or "
			      "name, or [global])", n);
		return -1;
	}
	return 0;
}

/* key = val inside [lang.code]: checked now, applied by clean_langset_build. */
static int config_lang_setting(struct clean_filter_config *cfg, const char *code, const char *key,
			       const char *val, struct buf *err)
{
	int p = -1;
	if (!same_name(key, "stop_words")) {
		p = clean_param_lookup(key);
		if (p < 0 || !clean_param_per_lang(p)) {
			buf_addf(err, "%s cannot be set per language (per language: stop_words, "
				      "gopher.min_mean_word_length, gopher.max_mean_word_length, "
				      "gopher.min_stop_words, gopher_rep.top_2gram .. dup_10gram, "
				      "c4.terminal_punct, c4.min_sentences, fineweb.min_line_punct, "
				      "fineweb.short_line_length)", key);
			return -1;
		}
		struct clean_filter_config scratch;
		clean_filter_config_init(&scratch);
		if (clean_filter_config_set(&scratch, key, val, err) < 0)
			return -1;
	}
	ALLOC_GROW(cfg->over, cfg->nover + 1, cfg->aover);
	struct clean_lang_override *o = &cfg->over[cfg->nover++];
	snprintf(o->code, sizeof(o->code), "%s", code);
	o->param = p;
	o->value = strdup(val);
	return 0;
}

int clean_filter_config_load(struct clean_filter_config *cfg, const char *path, struct buf *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		buf_addf(err, "cannot open config %s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL, section[16] = "";
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;
	struct buf e = BUF_INIT;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		buf_reset(&e);
		char *eq = strchr(s, '=');
		if (*s == '[') {
			rc = config_section(s, section, &e);
		} else if (!eq) {
			buf_addstr(&e, "expected 'name = value'");
			rc = -1;
		} else {
			*eq = '\0';
			char *key = trim(s), *val = trim(eq + 1);
			if (*section)
				rc = config_lang_setting(cfg, section, key, val, &e);
			else if (same_name(key, "filters"))
				rc = clean_filter_config_set_order(cfg, val, &e);
			else
				rc = clean_filter_config_set(cfg, key, val, &e);
		}
		if (rc < 0)
			buf_addf(err, "%s:%ld: %s", path, lineno, e.data);
	}
	buf_release(&e);
	if (rc == 0 && ferror(f)) {
		buf_addf(err, "error reading %s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}
