/*
 * Pattern-based redaction and dropping for `grist clean`, with PCRE2 (UTF + UCP, JIT).
 *
 *   --redact email,ip          built-in patterns: e-mail addresses -> "<EMAIL>", public IPv4
 *                              addresses -> "<IPV4>" (private, loopback, link-local, shared,
 *                              documentation, multicast and reserved ranges are left alone)
 *   --redact-regex NAME=PAT    every match of PAT -> "<NAME>"
 *   --drop-if PAT              drop the document if PAT matches anywhere (rule "drop_if")
 *   --drop-lines PAT           remove every line in which PAT matches
 * The set is compiled once and then only read; each thread has its own match state.
 */
#ifndef GRIST_CLEAN_REDACT_H
#define GRIST_CLEAN_REDACT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define CLEAN_REDACT_MAX 64

struct clean_redact;
struct clean_redact_thread;

struct clean_redact *clean_redact_new(void);
void clean_redact_free(struct clean_redact *r);

/* "email", "ip" (also "ipv4"), or a comma-separated list of them. 0, or -1 with a message. */
int clean_redact_add_builtin(struct clean_redact *r, const char *list, struct buf *err);
/* NAME=PATTERN; the placeholder is "<NAME>". */
int clean_redact_add_regex(struct clean_redact *r, const char *spec, struct buf *err);
int clean_redact_add_drop_if(struct clean_redact *r, const char *pattern, struct buf *err);
int clean_redact_add_drop_lines(struct clean_redact *r, const char *pattern, struct buf *err);
/* Does the set contain anything? */
int clean_redact_active(const struct clean_redact *r);

struct clean_redact_thread *clean_redact_thread_new(const struct clean_redact *r);
void clean_redact_thread_free(struct clean_redact_thread *t);

struct clean_redact_result {
	const char *drop_rule;  /* "drop_if" when the document is to be dropped */
	double drop_value;      /* 1-based index of the --drop-if pattern that matched */
	uint64_t lines_dropped;
	/* per replacement pattern, in the order added: how many matches were replaced */
	uint64_t replaced[CLEAN_REDACT_MAX];
};

/* The rule names for stats ("redact.email", "redact.NAME", ...), in the order added. */
int clean_redact_count(const struct clean_redact *r);
const char *clean_redact_rule(const struct clean_redact *r, int i);

/*
 * Applies the set to valid UTF-8 text: drop-if patterns first, then drop-lines, then
 * replacements in the order given. Returns 0 when the text is unchanged (out untouched),
 * 1 when the new text was appended to out, 2 when the document is to be dropped, -1 on a
 * matching error (message in err, e.g. a match limit).
 */
int clean_redact_apply(const struct clean_redact *r, struct clean_redact_thread *t,
		       const char *s, size_t n, struct buf *out, struct clean_redact_result *res,
		       struct buf *err);

#endif
