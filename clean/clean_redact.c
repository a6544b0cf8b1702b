/*
 * Redaction and pattern drops with PCRE2 (see clean_redact.h).
 *
 * Patterns are compiled with PCRE2_UTF | PCRE2_UCP and JIT-compiled; the text is valid UTF-8
 * by the time it gets here (clean always replaces ill-formed UTF-8 first), so matching skips
 * PCRE2's per-call UTF check, which would otherwise rescan the whole subject at every match.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "clean/clean_redact.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/die.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

enum pat_kind { PAT_REPLACE, PAT_DROP_IF, PAT_DROP_LINES };

struct pattern {
	enum pat_kind kind;
	pcre2_code *code;
	char *placeholder;
	size_t placeholder_len;
	char *rule;          /* "redact.email" */
	int (*accept)(const char *m, size_t n); /* extra test of a match (public IPv4) */
	char must;           /* a byte every match contains ('@'), or 0 */
};

struct clean_redact {
	struct pattern p[CLEAN_REDACT_MAX];
	int n;
	int nreplace; /* replacement patterns, in order: their index among replacements */
};

struct clean_redact_thread {
	pcre2_match_data *md[CLEAN_REDACT_MAX];
	pcre2_match_context *mctx;
	pcre2_jit_stack *stack;
	struct buf tmp[2];
};

/* E-mail addresses: a local part, '@', dot-separated host labels and an alphabetic TLD. */
static const char email_pattern[] =
	"(?<![\\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
	"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![\\w-])";

/* Dotted-quad IPv4 with octets 0-255, not part of a longer number or dotted sequence. */
static const char ipv4_pattern[] =
	"(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
	"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?![0-9]|\\.[0-9])";

/* Is the dotted quad a public unicast address (RFC 6890 special-purpose ranges excluded)? */
static int ipv4_is_public(const char *m, size_t n)
{
	unsigned o[4] = { 0, 0, 0, 0 };
	int k = 0;
	for (size_t i = 0; i < n && k < 4; i++) {
		if (m[i] == '.')
			k++;
		else
			o[k] = o[k] * 10 + (unsigned)(m[i] - '0');
	}
	unsigned a = o[0], b = o[1], c = o[2];
	if (a == 0 || a == 10 || a == 127 || a >= 224)
		return 0; /* "this" network, private, loopback, multicast, reserved, broadcast */
	if (a == 100 && b >= 64 && b <= 127)
		return 0; /* shared address space (carrier-grade NAT) */
	if (a == 169 && b == 254)
		return 0; /* link-local */
	if (a == 172 && b >= 16 && b <= 31)
		return 0; /* private */
	if (a == 192 && b == 168)
		return 0; /* private */
	if (a == 192 && b == 0 && (c == 0 || c == 2))
		return 0; /* IETF protocol assignments, TEST-NET-1 */
	if (a == 198 && (b == 18 || b == 19))
		return 0; /* benchmarking */
	if (a == 198 && b == 51 && c == 100)
		return 0; /* TEST-NET-2 */
	if (a == 203 && b == 0 && c == 113)
		return 0; /* TEST-NET-3 */
	return 1;
}

struct clean_redact *clean_redact_new(void)
{
	return xcalloc(1, sizeof(struct clean_redact));
}

void clean_redact_free(struct clean_redact *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n; i++) {
		pcre2_code_free(r->p[i].code);
		free(r->p[i].placeholder);
		free(r->p[i].rule);
	}
	free(r);
}

int clean_redact_active(const struct clean_redact *r)
{
	return r && r->n > 0;
}

static int add(struct clean_redact *r, enum pat_kind kind, const char *pattern, const char *rule,
	       const char *placeholder, struct buf *err)
{
	if (r->n >= CLEAN_REDACT_MAX) {
		buf_addf(err, "too many patterns (at most %d)", CLEAN_REDACT_MAX);
		return -1;
	}
	int ec;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_UCP, &ec, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		buf_addf(err, "bad pattern '%s': %s at offset %zu", pattern, (const char *)msg,
			 (size_t)off);
		return -1;
	}
	/* JIT is an optimisation: if it is unavailable, pcre2_match interprets. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	struct pattern *p = &r->p[r->n++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->code = code;
	p->rule = xstrdup(rule);
	if (placeholder) {
		p->placeholder = xstrdup(placeholder);
		p->placeholder_len = strlen(placeholder);
	}
	if (kind == PAT_REPLACE)
		r->nreplace++;
	return 0;
}

int clean_redact_add_builtin(struct clean_redact *r, const char *list, struct buf *err)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "email")) {
			rc = add(r, PAT_REPLACE, email_pattern, "redact.email", "<EMAIL>", err);
			if (!rc)
				r->p[r->n - 1].must = '@';
		} else if (!strcmp(t, "ip") || !strcmp(t, "ipv4")) {
			rc = add(r, PAT_REPLACE, ipv4_pattern, "redact.ip", "<IPV4>", err);
			if (!rc)
				r->p[r->n - 1].accept = ipv4_is_public;
		} else {
			buf_addf(err, "unknown --redact kind '%s' (email, ip)", t);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

int clean_redact_add_regex(struct clean_redact *r, const char *spec, struct buf *err)
{
	const char *eq = strchr(spec, '=');
	if (!eq || eq == spec || !eq[1]) {
		buf_addf(err, "--redact-regex expects NAME=PATTERN, got '%s'", spec);
		return -1;
	}
	struct buf name = BUF_INIT, rule = BUF_INIT, ph = BUF_INIT;
	buf_add(&name, spec, (size_t)(eq - spec));
	for (size_t i = 0; i < name.len; i++) {
		char c = name.data[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-')) {
			buf_addf(err, "--redact-regex: NAME may hold letters, digits, '_' and '-', got '%s'",
				 name.data);
			buf_release(&name);
			return -1;
		}
	}
	buf_addf(&rule, "redact.%s", name.data);
	buf_addf(&ph, "<%s>", name.data);
	int rc = add(r, PAT_REPLACE, eq + 1, rule.data, ph.data, err);
	buf_release(&name);
	buf_release(&rule);
	buf_release(&ph);
	return rc;
}

int clean_redact_add_drop_if(struct clean_redact *r, const char *pattern, struct buf *err)
{
	return add(r, PAT_DROP_IF, pattern, "drop_if", NULL, err);
}

int clean_redact_add_drop_lines(struct clean_redact *r, const char *pattern, struct buf *err)
{
	return add(r, PAT_DROP_LINES, pattern, "drop_lines", NULL, err);
}

int clean_redact_count(const struct clean_redact *r)
{
	return r->nreplace;
}

const char *clean_redact_rule(const struct clean_redact *r, int i)
{
	for (int k = 0; k < r->n; k++)
		if (r->p[k].kind == PAT_REPLACE && i-- == 0)
			return r->p[k].rule;
	return NULL;
}

struct clean_redact_thread *clean_redact_thread_new(const struct clean_redact *r)
{
	struct clean_redact_thread *t = xcalloc(1, sizeof(*t));
	for (int i = 0; i < r->n; i++) {
		t->md[i] = pcre2_match_data_create_from_pattern(r->p[i].code, NULL);
		if (!t->md[i])
			die(GRIST_EXIT_INTERNAL, "out of memory (PCRE2 match data)");
	}
	t->mctx = pcre2_match_context_create(NULL);
	t->stack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, NULL);
	if (t->mctx && t->stack)
		pcre2_jit_stack_assign(t->mctx, NULL, t->stack);
	buf_init(&t->tmp[0], 0);
	buf_init(&t->tmp[1], 0);
	return t;
}

void clean_redact_thread_free(struct clean_redact_thread *t)
{
	if (!t)
		return;
	for (int i = 0; i < CLEAN_REDACT_MAX; i++)
		if (t->md[i])
			pcre2_match_data_free(t->md[i]);
	pcre2_match_context_free(t->mctx);
	if (t->stack)
		pcre2_jit_stack_free(t->stack);
	buf_release(&t->tmp[0]);
	buf_release(&t->tmp[1]);
	free(t);
}

/* 1 match (ovector set), 0 no match, -1 error (message in err). */
static int match(const struct pattern *p, struct clean_redact_thread *t, int i, const char *s,
		 size_t n, size_t start, struct buf *err)
{
	int rc = pcre2_match(p->code, (PCRE2_SPTR)s, n, start, PCRE2_NO_UTF_CHECK, t->md[i],
			     t->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	PCRE2_UCHAR msg[256];
	pcre2_get_error_message(rc, msg, sizeof(msg));
	buf_addf(err, "matching '%s': %s", p->rule, (const char *)msg);
	return -1;
}

/* Replaces matches of p in s into out; returns the count, or -1. */
static int64_t replace_all(const struct pattern *p, struct clean_redact_thread *t, int i,
			   const char *s, size_t n, struct buf *out, struct buf *err)
{
	size_t pos = 0, last = 0;
	int64_t count = 0;
	while (pos <= n) {
		int m = match(p, t, i, s, n, pos, err);
		if (m < 0)
			return -1;
		if (!m)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(t->md[i]);
		size_t a = ov[0], e = ov[1];
		if (e <= a) { /* empty match: step over one character */
			if (a >= n)
				break;
			pos = a + utf8_lead_len((unsigned char)s[a]);
			continue;
		}
		pos = e;
		if (p->accept && !p->accept(s + a, e - a))
			continue;
		if (!count)
			buf_grow(out, n);
		buf_add(out, s + last, a - last);
		buf_add(out, p->placeholder, p->placeholder_len);
		last = e;
		count++;
	}
	if (count)
		buf_add(out, s + last, n - last);
	return count;
}

int clean_redact_apply(const struct clean_redact *r, struct clean_redact_thread *t,
		       const char *s, size_t n, struct buf *out, struct clean_redact_result *res,
		       struct buf *err)
{
	memset(res, 0, sizeof(*res));
	const char *cur = s;
	size_t curlen = n;
	int which = 0, changed = 0, repl = 0;
	/* drop-if first: a dropped document needs no other work */
	for (int i = 0, di = 0; i < r->n; i++) {
		if (r->p[i].kind != PAT_DROP_IF)
			continue;
		di++;
		int m = match(&r->p[i], t, i, s, n, 0, err);
		if (m < 0)
			return -1;
		if (m) {
			res->drop_rule = "drop_if";
			res->drop_value = di;
			return 2;
		}
	}
	for (int i = 0; i < r->n; i++) {
		const struct pattern *p = &r->p[i];
		if (p->kind == PAT_DROP_IF)
			continue;
		struct buf *dst = &t->tmp[which];
		buf_reset(dst);
		if (p->kind == PAT_DROP_LINES) {
			uint64_t dropped = 0;
			for (size_t a = 0; a < curlen;) {
				const char *nl = memchr(cur + a, '\n', curlen - a);
				size_t e = nl ? (size_t)(nl - cur) + 1 : curlen;
				size_t linelen = nl ? e - a - 1 : e - a;
				int m = match(p, t, i, cur + a, linelen, 0, err);
				if (m < 0)
					return -1;
				if (m)
					dropped++;
				else
					buf_add(dst, cur + a, e - a);
				a = e;
			}
			res->lines_dropped += dropped;
			if (!dropped)
				continue;
		} else {
			int idx = repl++;
			if (p->must && !memchr(cur, p->must, curlen))
				continue;
			int64_t c = replace_all(p, t, i, cur, curlen, dst, err);
			if (c < 0)
				return -1;
			res->replaced[idx] += (uint64_t)c;
			if (!c)
				continue;
		}
		cur = dst->data;
		curlen = dst->len;
		which ^= 1;
		changed = 1;
	}
	if (!changed)
		return 0;
	buf_add(out, cur, curlen);
	return 1;
}
