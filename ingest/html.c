#include "ingest/html.h"
#include "ingest/html_charset.h"

#include "lib/json.h"
#include "lib/utf8.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlmemory.h>

/* libxml2 reports some problems (encoding conversion errors) through its generic error
 * handler even with HTML_PARSE_NOERROR: library code must not print. */
static void quiet_errors(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/*
 * libxml2's HTML parser collects every attribute value in a 100-byte buffer that it grows with
 * xmlRealloc to 200 as soon as it holds a byte: one realloc per attribute. glibc's realloc
 * bypasses the per-thread cache and moves the block through the arena (~490 instructions
 * each on Debian's docs). So libxml2 gets blocks of at least 256 bytes, where that first
 * growth happens in place, and a realloc that must move takes a new block from the cache,
 * copies and frees. Blocks still come from malloc and go back with free: blocks allocated
 * before the switch mix freely with the others.
 */
enum { LX_MIN_BLOCK = 256 };

static void *roomy_malloc(size_t n)
{
	return malloc(n < LX_MIN_BLOCK ? LX_MIN_BLOCK : n);
}

static void *cached_realloc(void *p, size_t n)
{
	if (!p || !n)
		return realloc(p, n);
	size_t have = malloc_usable_size(p);
	if (have >= n)
		return p;
	void *q = malloc(n);
	if (q) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}

void html_text_init(void)
{
	xmlFreeFunc f;
	xmlMallocFunc m;
	xmlReallocFunc r;
	xmlStrdupFunc d;
	/* Only over libc's own functions (not a debugging allocator someone installed). */
	if (xmlMemGet(&f, &m, &r, &d) == 0 && f == free && m == malloc && r == realloc)
		xmlMemSetup(f, roomy_malloc, cached_realloc, d);
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet_errors);
}

enum { BLOCK_NONE, BLOCK_LINE, BLOCK_PARA, BLOCK_SKIP, BLOCK_PRE };

struct element {
	const char *name;
	int kind;
};

/* Sorted by name for bsearch. libxml2's HTML parser lowercases element names. */
static const struct element elements[] = {
	{ "address", BLOCK_PARA },    { "article", BLOCK_PARA },  { "aside", BLOCK_PARA },
	{ "audio", BLOCK_SKIP },      { "blockquote", BLOCK_PARA }, { "body", BLOCK_PARA },
	{ "br", BLOCK_LINE },         { "button", BLOCK_SKIP },   { "canvas", BLOCK_SKIP },
	{ "caption", BLOCK_LINE },    { "center", BLOCK_PARA },   { "dd", BLOCK_LINE },
	{ "details", BLOCK_PARA },    { "div", BLOCK_PARA },      { "dl", BLOCK_PARA },
	{ "dt", BLOCK_LINE },         { "embed", BLOCK_SKIP },    { "fieldset", BLOCK_PARA },
	{ "figcaption", BLOCK_PARA }, { "figure", BLOCK_PARA },   { "footer", BLOCK_PARA },
	{ "form", BLOCK_PARA },       { "h1", BLOCK_PARA },       { "h2", BLOCK_PARA },
	{ "h3", BLOCK_PARA },         { "h4", BLOCK_PARA },       { "h5", BLOCK_PARA },
	{ "h6", BLOCK_PARA },         { "head", BLOCK_SKIP },     { "header", BLOCK_PARA },
	{ "hr", BLOCK_PARA },         { "html", BLOCK_PARA },     { "iframe", BLOCK_SKIP },
	{ "legend", BLOCK_PARA },     { "li", BLOCK_LINE },       { "main", BLOCK_PARA },
	{ "math", BLOCK_SKIP },       { "nav", BLOCK_PARA },      { "noscript", BLOCK_SKIP },
	{ "object", BLOCK_SKIP },     { "ol", BLOCK_PARA },       { "option", BLOCK_LINE },
	{ "p", BLOCK_PARA },          { "pre", BLOCK_PRE },       { "script", BLOCK_SKIP },
	{ "section", BLOCK_PARA },    { "select", BLOCK_SKIP },   { "style", BLOCK_SKIP },
	{ "summary", BLOCK_PARA },    { "svg", BLOCK_SKIP },      { "table", BLOCK_PARA },
	{ "tbody", BLOCK_PARA },      { "td", BLOCK_LINE },       { "template", BLOCK_SKIP },
	{ "textarea", BLOCK_PRE },    { "tfoot", BLOCK_PARA },    { "th", BLOCK_LINE },
	{ "thead", BLOCK_PARA },      { "title", BLOCK_PARA },    { "tr", BLOCK_LINE },
	{ "ul", BLOCK_PARA },         { "video", BLOCK_SKIP },
};

static int cmp_element(const void *key, const void *e)
{
	return strcmp(key, ((const struct element *)e)->name);
}

static int element_kind(const char *name)
{
	const struct element *e = bsearch(name, elements, sizeof(elements) / sizeof(elements[0]),
					  sizeof(elements[0]), cmp_element);
	return e ? e->kind : BLOCK_NONE;
}

struct emitter {
	struct buf *out;
	size_t start;     /* out->len when we began: our text is out[start..] */
	int pending_break; /* newlines owed before the next text: 0, 1 or 2 */
	int pending_space;
};

static void em_break(struct emitter *e, int k)
{
	if (k > e->pending_break)
		e->pending_break = k;
	e->pending_space = 0;
}

static void em_flush_pending(struct emitter *e)
{
	if (e->out->len > e->start) {
		if (e->pending_break)
			buf_add(e->out, "\n\n", (size_t)e->pending_break);
		else if (e->pending_space)
			buf_addch(e->out, ' ');
	}
	e->pending_break = 0;
	e->pending_space = 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void em_text(struct emitter *e, const char *s, size_t n, int pre)
{
	const char *end = s + n;
	for (const char *p = s; p < end;) {
		if (pre) {
			/* Preformatted text is kept as it is. */
			em_flush_pending(e);
			buf_add(e->out, p, (size_t)(end - p));
			return;
		}
		if (is_space(*p)) {
			e->pending_space = 1;
			p++;
			continue;
		}
		const char *q = p;
		while (q < end && !is_space(*q))
			q++;
		em_flush_pending(e);
		buf_add(e->out, p, (size_t)(q - p));
		p = q;
	}
}

/*
 * SAX: no tree is built (the DOM's allocations were most of the time). libxml2's HTML parser
 * closes implied and void elements itself, so start and end events pair up.
 */
struct sax_state {
	struct emitter e;
	int skip; /* depth inside a dropped element */
	int pre;
};

static void sax_start(void *ctx, const xmlChar *name, const xmlChar **attrs)
{
	struct sax_state *st = ctx;
	(void)attrs;
	if (st->skip) {
		st->skip++;
		return;
	}
	int kind = element_kind((const char *)name);
	switch (kind) {
	case BLOCK_SKIP:
		st->skip = 1;
		break;
	case BLOCK_PRE:
		em_break(&st->e, 2);
		st->pre++;
		break;
	case BLOCK_PARA:
		em_break(&st->e, 2);
		break;
	case BLOCK_LINE:
		em_break(&st->e, 1);
		break;
	}
}

static void sax_end(void *ctx, const xmlChar *name)
{
	struct sax_state *st = ctx;
	if (st->skip) {
		st->skip--;
		return;
	}
	int kind = element_kind((const char *)name);
	if (kind == BLOCK_PARA) {
		em_break(&st->e, 2);
	} else if (kind == BLOCK_PRE) {
		em_break(&st->e, 2);
		if (st->pre)
			st->pre--;
	} else if (kind == BLOCK_LINE && strcmp((const char *)name, "br")) {
		em_break(&st->e, 1);
	}
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
	struct sax_state *st = ctx;
	if (!st->skip && len > 0)
		em_text(&st->e, (const char *)ch, (size_t)len, st->pre > 0);
}

int html_sax_parse(struct _xmlSAXHandler *sax, void *ctx, const char *p, size_t n)
{
	/* XML_CHAR_ENCODING_UTF8: the bytes are read as they are. (A "UTF-8" handler from
	 * xmlFindCharEncodingHandler would copy the whole input through its converter first.) */
	htmlParserCtxtPtr ctxt = htmlCreatePushParserCtxt(sax, ctx, NULL, 0, NULL,
							  XML_CHAR_ENCODING_UTF8);
	if (!ctxt)
		return -1;
	htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				 HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
	htmlParseChunk(ctxt, p, (int)n, 1);
	htmlFreeParserCtxt(ctxt);
	return 0;
}

int html_to_text(struct buf *out, const char *p, size_t n, const char *charset)
{
	if (n > (size_t)0x7fffffff)
		return -1;
	if (n == 0)
		return 0;
	htmlSAXHandler sax;
	memset(&sax, 0, sizeof(sax));
	sax.startElement = sax_start;
	sax.endElement = sax_end;
	sax.characters = sax_text;
	sax.cdataBlock = sax_text; /* script/style bodies arrive here; skipped with their element */
	struct sax_state st;
	memset(&st, 0, sizeof(st));
	st.e.out = out;
	st.e.start = out->len;
	/* The encoding is decided before parsing (ingest/html_charset.c). */
	struct buf fixed = BUF_INIT;
	html_decode(&fixed, &p, &n, charset);
	int rc = n > (size_t)0x7fffffff ? -1 : html_sax_parse(&sax, &st, p, n);
	buf_release(&fixed);
	return rc;
}
