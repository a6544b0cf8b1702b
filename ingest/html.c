#include "ingest/html.h"

#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

/* libxml2 reports some problems (encoding conversion errors) through its generic error
 * handler even with HTML_PARSE_NOERROR: library code must not print. */
static void quiet_errors(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void html_text_init(void)
{
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

static void em_text(struct emitter *e, const char *s, int pre)
{
	for (const char *p = s; *p;) {
		if (pre) {
			/* Preformatted text is kept as it is. */
			em_flush_pending(e);
			buf_addstr(e->out, p);
			return;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
			e->pending_space = 1;
			p++;
			continue;
		}
		const char *q = p;
		while (*q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r' && *q != '\f')
			q++;
		em_flush_pending(e);
		buf_add(e->out, p, (size_t)(q - p));
		p = q;
	}
}

static int is_kind(xmlNode *n, int kind)
{
	return n->type == XML_ELEMENT_NODE && element_kind((const char *)n->name) == kind;
}

int html_to_text(struct buf *out, const char *p, size_t n, const char *charset)
{
	if (n > (size_t)0x7fffffff)
		return -1;
	const char *enc = NULL;
	if (charset && *charset) {
		xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(charset);
		if (h) {
			enc = charset;
			xmlCharEncCloseFunc(h);
		}
	}
	int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		   HTML_PARSE_NONET | HTML_PARSE_COMPACT | XML_PARSE_HUGE;
	htmlDocPtr doc = htmlReadMemory(p, (int)n, NULL, enc, opts);
	if (!doc)
		return n == 0 ? 0 : -1;
	struct emitter e = { out, out->len, 0, 0 };
	int pre = 0;
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *cur = root;
	/* Iterative pre-order walk: deep documents must not recurse on the C stack. */
	while (cur) {
		int kind = cur->type == XML_ELEMENT_NODE ? element_kind((const char *)cur->name)
							 : BLOCK_NONE;
		int descend = 0;
		if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
			if (cur->content)
				em_text(&e, (const char *)cur->content, pre > 0);
		} else if (cur->type == XML_ELEMENT_NODE && kind != BLOCK_SKIP) {
			if (!strcmp((const char *)cur->name, "br")) {
				em_break(&e, 1);
			} else {
				if (kind == BLOCK_PARA || kind == BLOCK_PRE)
					em_break(&e, 2);
				else if (kind == BLOCK_LINE)
					em_break(&e, 1);
				if (kind == BLOCK_PRE)
					pre++;
				descend = cur->children != NULL;
			}
			if (!descend && (kind == BLOCK_PARA || kind == BLOCK_PRE))
				em_break(&e, 2);
			if (!descend && kind == BLOCK_PRE)
				pre--;
		}
		if (descend) {
			cur = cur->children;
			continue;
		}
		/* Leave finished elements, closing their blocks on the way up. */
		while (cur && cur != root && !cur->next) {
			cur = cur->parent;
			if (!cur)
				break;
			if (is_kind(cur, BLOCK_PARA))
				em_break(&e, 2);
			else if (is_kind(cur, BLOCK_LINE))
				em_break(&e, 1);
			else if (is_kind(cur, BLOCK_PRE)) {
				em_break(&e, 2);
				pre--;
			}
		}
		if (!cur || cur == root)
			break;
		cur = cur->next;
	}
	xmlFreeDoc(doc);
	return 0;
}
