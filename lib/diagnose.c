/*
 * Why a run dropped every record, in one line (lib/diagnose.h). The stages keep the first
 * batch of their first input (decoded: compressed input is read, so what is left to recognise
 * is a format the stage does not read) and this file looks at it.
 */
#include "diagnose.h"

#include <string.h>

#include "json.h"
#include "source.h"
#include "xalloc.h"

#define DIAG_MAX_LINES 200
#define DIAG_MAX_KEYS 10

int diagnose_record_rule(const char *rule)
{
	static const char *const rules[] = {
		"invalid_json", "missing_text", "null_text", "text_not_string", "binary_content",
		"unrecognized_layout", NULL,
	};
	for (int i = 0; rules[i]; i++)
		if (!strcmp(rule, rules[i]))
			return 1;
	return 0;
}

uint64_t diagnose_record_drops(const struct counts *c, struct buf *rules)
{
	uint64_t n = 0;
	for (int i = 0; i < c->nrules; i++) {
		/* a note (--on-missing empty's missing_text) kept its record */
		if (c->rules[i].kind != RULE_REJECT || !diagnose_record_rule(c->rules[i].rule) ||
		    !c->rules[i].n)
			continue;
		n += c->rules[i].n;
		buf_addf(rules, "%s%s %llu", rules->len ? ", " : "", c->rules[i].rule,
			 (unsigned long long)c->rules[i].n);
	}
	return n;
}

/* A container or format another tool (or grist ingest) reads, by magic (lib/decode.c
 * magic_of); else NULL. The codecs lib/decode.c decodes were decoded before this looks. */
static const char *magic_kind(const char *p, size_t n)
{
	switch (magic_of(p, n)) {
	case MAGIC_PARQUET: return "a Parquet file (PAR1 magic): grist ingest reads Parquet";
	case MAGIC_TAR: return "a tar archive: use grist ingest, which reads archives";
	case MAGIC_ZIP: return "a zip archive: use grist ingest, which reads archives";
	case MAGIC_7Z: return "a 7z archive: use grist ingest, which reads archives";
	case MAGIC_AR:
	case MAGIC_CPIO: return "an ar or cpio archive: use grist ingest, which reads archives";
	case MAGIC_COMPRESS:
	case MAGIC_LZMA: return "compressed with compress (.Z) or lzma: use grist ingest, or decompress it";
	case MAGIC_WARC: return "a WARC file: use grist ingest, which reads WARC/WET";
	default: return NULL;
	}
}

struct key_seen {
	const char *key; /* raw bytes in the sample */
	size_t len;
	uint64_t strings, string_bytes, arrays, objects, others;
};

static struct key_seen *key_find(struct key_seen *k, int *nk, const struct json_member *m)
{
	for (int i = 0; i < *nk; i++)
		if (k[i].len == m->key_len && !memcmp(k[i].key, m->key, m->key_len))
			return &k[i];
	if (*nk == DIAG_MAX_KEYS)
		return NULL;
	memset(&k[*nk], 0, sizeof(k[*nk]));
	k[*nk].key = m->key;
	k[*nk].len = m->key_len;
	return &k[(*nk)++];
}

/* The keys seen, the text field's type, and a field to suggest. */
static void diagnose_records(struct buf *out, struct key_seen *k, int nk, uint64_t valid,
			     const struct common_opts *o)
{
	const struct key_seen *text = NULL, *best = NULL;
	for (int i = 0; i < nk; i++) {
		if (k[i].len == strlen(o->text_field) && !memcmp(k[i].key, o->text_field, k[i].len))
			text = &k[i];
		else if (k[i].strings && (!best || k[i].string_bytes > best->string_bytes) &&
			 !(k[i].len == strlen(o->id_field) && !memcmp(k[i].key, o->id_field, k[i].len)))
			best = &k[i];
	}
	if (text && (text->arrays || text->objects)) {
		buf_addf(out, "field \"%s\" holds %s, not a string, in the first records", o->text_field,
			 text->arrays >= text->objects ? "an array" : "an object");
		if (!strcmp(o->text_field, "messages") || !strcmp(o->text_field, "conversations"))
			buf_addstr(out, " (a chat layout: grist ingest --chat makes chat records)");
	} else {
		buf_addf(out, "the first %llu records have no string field \"%s\"",
			 (unsigned long long)valid, o->text_field);
	}
	buf_addstr(out, "; their top-level keys: ");
	for (int i = 0; i < nk; i++)
		buf_addf(out, "%s%.*s", i ? ", " : "", (int)k[i].len, k[i].key);
	if (nk == DIAG_MAX_KEYS)
		buf_addstr(out, ", ...");
	if (best)
		buf_addf(out, "; give the field holding the text with --text-field NAME "
			 "(e.g. --text-field %.*s)", (int)best->len, best->key);
	else
		buf_addstr(out, "; give the field holding the text with --text-field NAME");
}

/* What the first bytes say when they are not JSON lines (an archive, binary data, a JSON array,
 * text): 1 with the sentence in out; else 0 and *start, the first line's offset. */
static int diagnose_not_jsonl(struct buf *out, const char *p, size_t n, size_t *start)
{
	const char *kind = magic_kind(p, n);
	if (kind) {
		buf_addf(out, "the input is %s", kind);
		return 1;
	}
	if (memchr(p, '\0', n)) {
		buf_addstr(out, "the input is binary data (NUL bytes), not JSONL text");
		return 1;
	}
	size_t i = n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < n && strchr(" \t\r\n", p[i]))
		i++;
	if (i < n && p[i] == '[') {
		buf_addstr(out, "the input is a JSON array ('[' first), not JSONL (one object per line): "
			       "read it with grist ingest (JSON array files become records), or convert "
			       "it with jq -c '.[]' FILE");
		return 1;
	}
	if (i < n && p[i] != '{') {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (p + i)) : n - i;
		buf_addf(out, "the input is text, not JSONL (its first line starts \"%.*s\"): use grist "
			 "ingest to make records of text files (one per file, or one per line with "
			 "--split-lines)", (int)(len < 40 ? len : 40), p + i);
		return 1;
	}
	*start = i;
	return 0;
}

/* The members of one valid record (line, a copy of sample bytes from `at`) into the keys seen. */
static void count_keys(struct key_seen *keys, int *nk, const struct buf *line, const char *at)
{
	size_t mp = 0;
	struct json_member m;
	while (json_object_next(line->data, line->len, &mp, &m)) {
		/* keys point into the sample, which outlives this function's use of them */
		m.key = at + (size_t)(m.key - line->data);
		struct key_seen *k = key_find(keys, nk, &m);
		if (!k)
			continue;
		if (m.type == JV_STRING) {
			k->strings++;
			k->string_bytes += m.val_len;
		} else if (m.type == JV_ARRAY) {
			k->arrays++;
		} else if (m.type == JV_OBJECT) {
			k->objects++;
		} else {
			k->others++;
		}
	}
}

void diagnose_input(struct buf *out, const char *p, size_t n, const struct common_opts *o)
{
	size_t i;
	if (diagnose_not_jsonl(out, p, n, &i))
		return;
	/* JSON lines: keys and types of the first records. */
	struct json_validator *v = json_validator_new();
	struct buf line = BUF_INIT, reason = BUF_INIT, first_bad = BUF_INIT;
	struct key_seen keys[DIAG_MAX_KEYS];
	int nk = 0;
	uint64_t valid = 0, lines = 0;
	for (size_t pos = i; pos < n && lines < DIAG_MAX_LINES;) {
		const char *nl = memchr(p + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - (p + pos)) : n - pos;
		buf_reset(&line);
		buf_add(&line, p + pos, len);
		if (line.len && line.data[line.len - 1] == '\r')
			buf_setlen(&line, line.len - 1);
		pos += len + 1;
		if (!line.len)
			continue;
		lines++;
		buf_grow(&line, JSON_PADDING);
		memset(line.data + line.len, ' ', JSON_PADDING);
		size_t off = 0;
		buf_reset(&reason);
		if (!v || json_validate(v, line.data, line.len, &reason, &off) < 0) {
			if (!first_bad.len)
				buf_addf(&first_bad, "line %llu: %s", (unsigned long long)lines,
					 v ? reason.data : "no parser");
			continue;
		}
		valid++;
		count_keys(keys, &nk, &line, p + (pos - len - 1));
	}
	if (valid)
		diagnose_records(out, keys, nk, valid, o);
	else if (first_bad.len)
		buf_addf(out, "the lines are not valid JSON (%s): fix the input, or see what was "
			 "dropped with --rejects FILE", first_bad.data);
	else
		buf_addstr(out, "the input holds no records");
	json_validator_free(v);
	buf_release(&line);
	buf_release(&reason);
	buf_release(&first_bad);
}
