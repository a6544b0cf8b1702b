/*
 * `grist clean` options: the help text, parsing (every filter parameter is also an option,
 * built from the table in clean_filter_config.c), and the URL blocklist.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clean/clean_int.h"
#include "clean/clean_lang.h"
#include "lib/die.h"
#include "lib/xalloc.h"

void clean_usage(FILE *f)
{
	fprintf(f,
		"usage: grist clean [OPTIONS] [FILE...|-]\n\n"
		"Repair, normalize, filter and redact JSONL records (stdin when no FILE or '-').\n\n"
		"Clean options:\n"
		"  --repair on|off        Unicode repair: U+FFFD for bad UTF-8, controls, escapes, CRLF,\n"
		"                         mojibake, C1 (default: on)\n"
		"  --normalize FORM       nfc|nfkc|none (default: nfc; nfkc also folds CJK full-width\n"
		"                         punctuation and other compatibility characters)\n"
		"  --filters LIST         filters in order: default, none, length, gopher (= gopher_rep,\n"
		"                         gopher_quality), gopher_rep, gopher_quality, c4, fineweb\n"
		"                         (default: length,gopher_rep,gopher_quality,c4,fineweb)\n"
		"  --config FILE          read 'name = value' lines (any parameter below, filters =);\n"
		"                         a [lang.CODE] section sets that language's parameters and\n"
		"                         stop_words = w1 w2 ... (docs/clean.md)\n"
		"  --c4-variant V         c4 (3 words per line, 5 sentences) or google (5, 3)\n"
		"  --redact LIST          email,ip: replace e-mail and public IPv4 addresses by <EMAIL>,\n"
		"                         <IPV4> (default: none)\n"
		"  --redact-regex N=PAT   replace PCRE2 pattern matches by <N> (repeatable)\n"
		"  --drop-if PAT          drop documents where PAT matches (repeatable)\n"
		"  --drop-lines PAT       remove lines where PAT matches (repeatable)\n"
		"  --url-blocklist FILE   drop records whose url's host is a listed domain or under one\n"
		"  --url-field NAME       field holding the URL (default: url)\n"
		"  --lang-id MODE         on: identify each document's language with CLD2 when a\n"
		"                         language-dependent rule first needs it (and for every kept\n"
		"                         one), adding lang and lang_score; all: identify every\n"
		"                         document first; off: use the record's lang field (default: on)\n"
		"  --lang-sample BYTES    identify longer documents from three pieces of this many bytes\n"
		"                         in all, from start, middle and end; 0: whole text (default: 512)\n"
		"  --lang LIST            keep only these languages: ISO 639-1 or 639-3 codes or CLD2\n"
		"                         names, any case (en,deu,French); 'any' keeps all (default: any)\n"
		"  --lang-min-score X     drop documents whose lang_score is lower (default: 0)\n"
		"  --lang-rules-min-score X\n"
		"                         a document whose lang_score is lower is of unknown language\n"
		"                         for the language-dependent rules (default: 0.25)\n"
		"  --batch-bytes N        input bytes per work batch (default: 1M)\n\n"
		"Filter parameters (--NAME VALUE or --NAME=VALUE, also spelled with '-' for '.' and\n"
		"'_'; VALUE is a number, at most 1 for a share of lines, words or characters, or off\n"
		"to disable the rule, on to enable it). A rejected record's rule is the parameter's\n"
		"name. Language-dependent ones (*) default to the document's language's value from\n"
		"the table in clean/lang/ (English's shown); a value given here applies to every\n"
		"language:\n");
	for (int p = 0; p < CP_COUNT; p++) {
		char def[32];
		if (clean_params[p].def_off)
			snprintf(def, sizeof(def), "off");
		else
			snprintf(def, sizeof(def), "%g", clean_params[p].def);
		fprintf(f, "  --%-30s%s %s (default: %s)\n", clean_params[p].name,
			clean_param_is_lang(p) ? "*" : " ", clean_params[p].help, def);
	}
	fprintf(f, "Words of Han, Hiragana, Katakana, Thai, Lao, Khmer and Myanmar text come from ICU's\n"
		   "word break iterator. A document whose language is unknown (un) skips the\n"
		   "language-dependent rules (counted in --stats), never judged as English.\n\n");
	common_opts_help(f, 1);
	fprintf(f, "\nExamples:\n"
		   "  grist ingest crawl/ | grist clean --redact email,ip > clean.jsonl\n"
		   "  grist clean --lang de,fr --rejects why.jsonl --stats st.json in.jsonl -o kept.jsonl\n"
		   "  grist clean --filters none --normalize nfkc in.jsonl   # repair and normalize only\n");
}

/* ---- URL blocklist ----------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void clean_load_blocklist(struct clean *cl, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die_errno(GRIST_EXIT_IO, "cannot open --url-blocklist %s", path);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *s = line, *e = line + n;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (s == e || *s == '#')
			continue;
		if (*s == '.')
			s++;
		ALLOC_GROW(cl->domains, cl->ndomains + 1, cl->adomains);
		char *d = xmemdup(s, (size_t)(e - s));
		for (char *c = d; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c += 32;
		cl->domains[cl->ndomains++] = d;
	}
	if (ferror(f))
		die_errno(GRIST_EXIT_IO, "error reading %s", path);
	free(line);
	fclose(f);
	if (cl->ndomains)
		qsort(cl->domains, cl->ndomains, sizeof(char *), cmp_str);
}

const char *clean_url_blocked(const struct clean *cl, struct buf *url)
{
	char *u = url->data, *host = strstr(u, "://");
	host = host ? host + 3 : u;
	char *at = host + strcspn(host, "/?#");
	char *cred = memchr(host, '@', (size_t)(at - host));
	if (cred)
		host = cred + 1;
	size_t hl = strcspn(host, ":/?#");
	host[hl] = '\0';
	for (char *c = host; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 32;
	if (hl && host[hl - 1] == '.')
		host[--hl] = '\0';
	for (char *d = host; d && *d;) {
		char **hit = bsearch(&d, cl->domains, cl->ndomains, sizeof(char *), cmp_str);
		if (hit)
			return *hit;
		d = strchr(d, '.');
		if (d)
			d++;
	}
	return NULL;
}

/* ---- parsing ------------------------------------------------------------------------------- */

enum {
	OPT_REPAIR = OPT_STAGE_BASE, OPT_NORMALIZE, OPT_FILTERS, OPT_CONFIG, OPT_C4_VARIANT,
	OPT_REDACT, OPT_REDACT_REGEX, OPT_DROP_IF, OPT_DROP_LINES, OPT_URL_BLOCKLIST,
	OPT_URL_FIELD, OPT_LANG, OPT_LANG_MIN_SCORE, OPT_BATCH_BYTES, OPT_LANG_ID, OPT_LANG_SAMPLE,
	OPT_LANG_RULES_MIN_SCORE,
	OPT_PARAM = 1300 /* + parameter index */
};

/* --lang LIST: codes or names, resolved to the codes clean writes; an unknown one is a usage
 * error naming it. */
static void set_langs(struct clean *cl, const char *list)
{
	cl->lang_any = 0;
	cl->nlangs = 0;
	char *copy = xstrdup(list), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!strcasecmp(tok, "any") || !strcasecmp(tok, "all")) {
			cl->lang_any = 1;
			continue;
		}
		if (cl->nlangs == CLEAN_MAX_LANGS)
			die(GRIST_EXIT_USAGE, "--lang: more than %d languages", CLEAN_MAX_LANGS);
		if (clean_lang_resolve_name(tok, cl->langs[cl->nlangs]) < 0)
			die(GRIST_EXIT_USAGE, "--lang: unknown language '%s' (ISO 639-1 or 639-3 code, "
			    "or a CLD2 language name such as german)", tok);
		cl->nlangs++;
	}
	free(copy);
	if (!cl->nlangs && !cl->lang_any)
		die(GRIST_EXIT_USAGE, "--lang expects language codes such as en,de (or any)");
}

static int clean_option(struct clean *cl, int c, const char *arg, struct buf *err);

/* clean's own options, for opts_parse (lib/opts.h): 1 when c was one of them. A bad value dies
 * with a usage error naming the option. */
static int clean_opt(void *ctx, int c, const char *arg)
{
	struct clean *cl = ctx;
	struct buf err = BUF_INIT;
	int took = 1;
	if (c >= OPT_PARAM && c < OPT_PARAM + CP_COUNT) {
		if (clean_filter_config_set(&cl->fcfg, clean_params[c - OPT_PARAM].name, arg, &err) < 0)
			die(GRIST_EXIT_USAGE, "--%s", err.data);
	} else {
		took = clean_option(cl, c, arg, &err);
	}
	buf_release(&err);
	return took;
}

static int clean_option(struct clean *cl, int c, const char *arg, struct buf *err)
{
	switch (c) {
	case OPT_REPAIR:
		if (strcmp(arg, "on") && strcmp(arg, "off"))
			die(GRIST_EXIT_USAGE, "--repair expects on or off, got '%s'", arg);
		cl->repair = !strcmp(arg, "on");
		break;
	case OPT_NORMALIZE: {
		int f = clean_norm_parse(arg);
		if (f < 0)
			die(GRIST_EXIT_USAGE, "--normalize expects nfc, nfkc or none, got '%s'", arg);
		cl->norm = (enum clean_norm_form)f;
		break;
	}
	case OPT_FILTERS:
		if (clean_filter_config_set_order(&cl->fcfg, arg, err) < 0)
			die(GRIST_EXIT_USAGE, "--filters: %s", err->data);
		cl->filters_given = 1;
		break;
	case OPT_CONFIG:
		if (clean_filter_config_load(&cl->fcfg, arg, err) < 0)
			die(GRIST_EXIT_USAGE, "--config: %s", err->data);
		break;
	case OPT_C4_VARIANT:
		if (clean_filter_config_set(&cl->fcfg, "c4.variant", arg, err) < 0)
			die(GRIST_EXIT_USAGE, "--c4-variant: %s", err->data);
		break;
	case OPT_REDACT:
		if (clean_redact_add_builtin(cl->redact, arg, err) < 0)
			die(GRIST_EXIT_USAGE, "--redact: %s", err->data);
		break;
	case OPT_REDACT_REGEX:
		if (clean_redact_add_regex(cl->redact, arg, err) < 0)
			die(GRIST_EXIT_USAGE, "--redact-regex: %s", err->data);
		break;
	case OPT_DROP_IF:
		if (clean_redact_add_drop_if(cl->redact, arg, err) < 0)
			die(GRIST_EXIT_USAGE, "--drop-if: %s", err->data);
		break;
	case OPT_DROP_LINES:
		if (clean_redact_add_drop_lines(cl->redact, arg, err) < 0)
			die(GRIST_EXIT_USAGE, "--drop-lines: %s", err->data);
		break;
	case OPT_URL_BLOCKLIST:
		clean_load_blocklist(cl, arg);
		break;
	case OPT_URL_FIELD:
		cl->url_field = arg;
		break;
	case OPT_LANG:
		set_langs(cl, arg);
		break;
	case OPT_LANG_MIN_SCORE:
		cl->lang_min_score = opts_decimal("--lang-min-score", arg, 0, 1);
		break;
	case OPT_LANG_RULES_MIN_SCORE:
		cl->lang_rules_min_score = opts_decimal("--lang-rules-min-score", arg, 0, 1);
		break;
	case OPT_LANG_ID:
		if (!strcmp(arg, "on"))
			cl->lang_mode = CLEAN_LANGID_ON;
		else if (!strcmp(arg, "all"))
			cl->lang_mode = CLEAN_LANGID_ALL;
		else if (!strcmp(arg, "off"))
			cl->lang_mode = CLEAN_LANGID_OFF;
		else
			die(GRIST_EXIT_USAGE, "--lang-id expects on, all or off, got '%s'", arg);
		break;
	case OPT_LANG_SAMPLE:
		cl->lang_sample = (size_t)opts_size("--lang-sample", arg, 0, 1u << 30);
		break;
	case OPT_BATCH_BYTES:
		cl->batch_bytes = opts_batch_bytes(arg);
		break;
	default:
		return 0;
	}
	return 1;
}

int clean_parse_options(struct clean *cl, int argc, char **argv)
{
	static const struct option fixed[] = {
		COMMON_LONG_OPTIONS,
		RECORD_LONG_OPTIONS,
		{ "repair", required_argument, 0, OPT_REPAIR },
		{ "normalize", required_argument, 0, OPT_NORMALIZE },
		{ "filters", required_argument, 0, OPT_FILTERS },
		{ "config", required_argument, 0, OPT_CONFIG },
		{ "c4-variant", required_argument, 0, OPT_C4_VARIANT },
		{ "redact", required_argument, 0, OPT_REDACT },
		{ "redact-regex", required_argument, 0, OPT_REDACT_REGEX },
		{ "drop-if", required_argument, 0, OPT_DROP_IF },
		{ "drop-lines", required_argument, 0, OPT_DROP_LINES },
		{ "url-blocklist", required_argument, 0, OPT_URL_BLOCKLIST },
		{ "url-field", required_argument, 0, OPT_URL_FIELD },
		{ "lang", required_argument, 0, OPT_LANG },
		{ "lang-min-score", required_argument, 0, OPT_LANG_MIN_SCORE },
		{ "lang-rules-min-score", required_argument, 0, OPT_LANG_RULES_MIN_SCORE },
		{ "lang-id", required_argument, 0, OPT_LANG_ID },
		{ "lang-sample", required_argument, 0, OPT_LANG_SAMPLE },
		{ "batch-bytes", required_argument, 0, OPT_BATCH_BYTES },
	};
	const size_t nfixed = sizeof(fixed) / sizeof(*fixed);
	/* every filter parameter, as "gopher.min_words" and as "gopher-min-words" */
	struct option *longopts = xcalloc(nfixed + 2 * CP_COUNT + 1, sizeof(struct option));
	char *dashed[CP_COUNT];
	memcpy(longopts, fixed, sizeof(fixed));
	size_t no = nfixed;
	for (int p = 0; p < CP_COUNT; p++) {
		dashed[p] = xstrdup(clean_params[p].name);
		for (char *c = dashed[p]; *c; c++)
			if (*c == '.' || *c == '_')
				*c = '-';
		longopts[no++] = (struct option){ clean_params[p].name, required_argument, 0, OPT_PARAM + p };
		longopts[no++] = (struct option){ dashed[p], required_argument, 0, OPT_PARAM + p };
	}
	int rc = opts_parse(&cl->co, argc, argv, COMMON_SHORT_OPTIONS, longopts, clean_usage,
			    clean_opt, cl);
	for (int p = 0; p < CP_COUNT; p++)
		free(dashed[p]);
	free(longopts);
	return rc ? -1 : optind;
}
