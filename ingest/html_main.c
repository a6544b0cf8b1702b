/*
 * Main-content extraction (docs/ingest.md, "HTML main content"). Two steps per page:
 *
 * 1. Build. libxml2's HTML parser in SAX mode (no libxml2 tree: its per-node allocations cost
 *    as much as the parse) feeds a compact tree of our own: one `struct hnode` per element
 *    with its parent, the index of its last descendant (so a subtree is an index range),
 *    a class/id hint and a signature (tag and class). Text goes into `struct hblock`s: runs of
 *    text between block-level boundaries, each owned by the innermost element open at the
 *    boundary, with its length, the part of it inside links, and the separator before it.
 * 2. Select (html_select.c): score the blocks, pick the best subtree, write its blocks.
 */
#include "ingest/html_main.h"
#include "ingest/html.h"
#include "ingest/html_charset.h"
#include "ingest/html_main_int.h"

#include "lib/le.h"
#include "lib/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

struct tagdef {
	const char *name;
	uint8_t kind;
	uint8_t flags;
};

/* Sorted by name for bsearch (libxml2 lowercases element names). */
static const struct tagdef tags[] = {
	{ "a", HK_A, 0 },              { "address", HK_BLOCK, 0 },   { "article", HK_BLOCK, HF_POS },
	{ "aside", HK_BLOCK, HF_NEG }, { "audio", HK_SKIP, 0 },      { "blockquote", HK_BLOCK, 0 },
	{ "body", HK_BODY, 0 },        { "br", HK_BR, 0 },           { "button", HK_SKIP, 0 },
	{ "canvas", HK_SKIP, 0 },      { "caption", HK_LINE, 0 },    { "center", HK_BLOCK, 0 },
	{ "dd", HK_LINE, 0 },          { "details", HK_BLOCK, 0 },   { "dialog", HK_BLOCK, HF_NEG },
	{ "div", HK_BLOCK, 0 },        { "dl", HK_BLOCK, 0 },        { "dt", HK_LINE, 0 },
	{ "embed", HK_SKIP, 0 },       { "fieldset", HK_BLOCK, 0 },  { "figcaption", HK_BLOCK, 0 },
	{ "figure", HK_BLOCK, 0 },     { "footer", HK_BLOCK, HF_NEG }, { "form", HK_BLOCK, HF_NEG },
	{ "h1", HK_H, 1 },             { "h2", HK_H, 2 },            { "h3", HK_H, 3 },
	{ "h4", HK_H, 4 },             { "h5", HK_H, 5 },            { "h6", HK_H, 6 },
	{ "head", HK_HEAD, 0 },        { "header", HK_BLOCK, HF_HEADER }, { "hr", HK_BLOCK, 0 },
	{ "html", HK_HTML, 0 },        { "iframe", HK_SKIP, 0 },     { "input", HK_SKIP, 0 },
	{ "legend", HK_BLOCK, 0 },     { "li", HK_LINE, 0 },         { "link", HK_INLINE, 0 },
	{ "main", HK_BLOCK, HF_POS | HF_MAIN }, { "math", HK_SKIP, 0 }, { "menu", HK_BLOCK, HF_NEG },
	{ "nav", HK_BLOCK, HF_NEG },   { "noscript", HK_SKIP, 0 },   { "object", HK_SKIP, 0 },
	{ "ol", HK_BLOCK, 0 },         { "option", HK_SKIP, 0 },     { "p", HK_BLOCK, 0 },
	{ "pre", HK_PRE, 0 },          { "script", HK_SKIP, 0 },     { "section", HK_BLOCK, 0 },
	{ "select", HK_SKIP, 0 },      { "style", HK_SKIP, 0 },      { "summary", HK_BLOCK, 0 },
	{ "svg", HK_SKIP, 0 },         { "table", HK_BLOCK, 0 },     { "tbody", HK_BLOCK, 0 },
	{ "td", HK_CELL, 0 },          { "template", HK_SKIP, 0 },   { "textarea", HK_SKIP, 0 },
	{ "tfoot", HK_BLOCK, 0 },      { "th", HK_CELL, 0 },         { "thead", HK_BLOCK, 0 },
	{ "title", HK_TITLE, 0 },      { "tr", HK_ROW, 0 },          { "ul", HK_BLOCK, 0 },
	{ "video", HK_SKIP, 0 },
};

static int cmp_tag(const void *key, const void *e)
{
	return strcmp(key, ((const struct tagdef *)e)->name);
}

static const struct tagdef *tag_of(const char *name)
{
	return bsearch(name, tags, sizeof(tags) / sizeof(tags[0]), sizeof(tags[0]), cmp_tag);
}

/* tag_of, remembered by the name's address (see struct hmain). */
/* A slot for a name's address: libxml2's dictionary packs names next to each other, so the
 * low bits alone would put neighbours in one slot. */
static size_t ptr_slot(const void *p, size_t slots)
{
	return (size_t)(((uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15u) >> 40) % slots;
}

static const struct tagdef *tag_cached(struct hmain *m, const char *name)
{
	size_t k = ptr_slot(name, TAG_CACHE);
	if (m->tag_key[k] != name) {
		m->tag_key[k] = name;
		m->tag_val[k] = tag_of(name);
	}
	return m->tag_val[k];
}

/* ---- class and id hints ---- */

/* Tokens of boilerplate (whole class/id words) and word starts that mark it. */
static const char *const neg_words[] = {
	"ad", "ads", "adsense", "adv", "advert", "advertisement", "adverts", "also", "author",
	"avatar", "badge", "banner", "btn", "button", "buy", "buybox", "byline", "cart",
	"categories", "catlinks", "checkout", "consent", "copyright", "crumbs", "date",
	"dateline", "disclaimer", "edit", "gdpr", "hatnote", "hot", "infobox", "latest", "login",
	"masthead", "menu", "menubar", "meta", "metadata", "modal", "more", "most", "nav",
	"navbox", "noprint", "pager", "paging", "popular", "posted", "price", "print", "pubdate",
	"rail", "rating", "ratings", "readmore", "recent", "releaseinfo", "reply", "respond",
	"review", "reviews", "search", "shipping", "signature", "similar", "skip", "sponsored",
	"stock", "tagcloud", "tags", "timestamp", "toc", "toolbar", "userinfo", "vote", "votes",
	"voting",
};
static const char *const neg_starts[] = {
	"advert", "banner", "breadcrumb", "comment", "consent", "cookie", "disqus", "footer",
	"legal", "navbar", "navigation", "newsletter", "outbrain", "pagination", "popup", "promo",
	"recommend", "related", "share", "sidebar", "signup", "social", "sponsor", "subscribe",
	"taboola", "teaser", "trending", "user", "widget",
};
static const char *const neg_inside[] = {
	"advert", "breadcrumb", "comment", "cookie", "profile", "sidebar",
};
/* Footnotes are part of the text even in an <aside> (docutils, Sphinx and pandoc put them in
 * one): these words make an element content whatever its tag says. */
static const char *const note_words[] = { "endnotes", "footnote", "footnotes" };
static const char *const pos_words[] = {
	"answer", "answers", "article", "articlebody", "body", "bodytext", "content", "contents",
	"entry", "lead", "main", "maincontent", "markdown", "message", "post", "postbody", "prose",
	"question", "standfirst", "story", "text", "thread", "topic",
};

static int cmp_word(const void *key, const void *e)
{
	return strcmp(key, *(const char *const *)e);
}

/* Lists are sorted (bsearch). */
static int in_list(const char *w, const char *const *list, size_t n)
{
	return bsearch(w, list, n, sizeof(list[0]), cmp_word) != NULL;
}

static int starts_list(const char *w, size_t len, const char *const *list, size_t n, int inside)
{
	for (size_t i = 0; i < n; i++) {
		if (!inside && w[0] != list[i][0])
			continue;
		size_t k = strlen(list[i]);
		if (len < k)
			continue;
		if (inside ? len > k && strstr(w, list[i]) != NULL : !strncmp(w, list[i], k))
			return 1;
	}
	return 0;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* -1 for a boilerplate word, +1 for a content word, +2 for a footnote word, else 0. */
static int word_hint(const char *w, size_t len)
{
	if (in_list(w, note_words, N(note_words)))
		return 2;
	if (in_list(w, neg_words, N(neg_words)) || starts_list(w, len, neg_starts, N(neg_starts), 0) ||
	    starts_list(w, len, neg_inside, N(neg_inside), 1))
		return -1;
	return in_list(w, pos_words, N(pos_words));
}

/* Class and id words are runs of ASCII letters and digits (as isalnum() says in the C.UTF-8
 * locale ingest runs in, without a call per byte). */
static inline int is_word_byte(unsigned char c)
{
	return (unsigned)(c - '0') < 10 || (unsigned)((c | 0x20) - 'a') < 26;
}

/* word_hint, remembered in c for short words; h is the word's hash. */
static int word_hint_cached(struct html_cache *c, const char *w, size_t len, uint32_t h)
{
	if (len >= sizeof(c->words[0].s))
		return word_hint(w, len);
	struct word_cache *e = &c->words[h % WORD_CACHE];
	if (e->len == len + 1 && !memcmp(e->s, w, len))
		return e->hint;
	e->hint = (int8_t)word_hint(w, len);
	e->len = (uint8_t)(len + 1);
	memcpy(e->s, w, len);
	return e->hint;
}

/* The hint of a class or id value: any boilerplate word wins over content words; bit 2 set
 * for a footnote word. */
static int value_hint_uncached(struct html_cache *c, const char *v)
{
	int pos = 0;
	char w[48];
	while (*v) {
		size_t k = 0;
		uint32_t h = 2166136261u;
		while (*v && !is_word_byte((unsigned char)*v))
			v++;
		while (*v && is_word_byte((unsigned char)*v)) {
			if (k + 1 < sizeof(w)) {
				w[k] = (char)(*v | ((unsigned)(*v - 'A') < 26 ? 0x20 : 0));
				h = (h ^ (unsigned char)w[k++]) * 16777619u;
			}
			v++;
		}
		w[k] = '\0';
		if (!k)
			continue;
		int hint = word_hint_cached(c, w, k, h);
		if (hint < 0)
			return -1;
		pos |= hint;
	}
	return pos;
}

static uint32_t hash_str(uint32_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* value_hint_uncached, remembered for short values (pages repeat their class names). */
static int value_hint(struct hmain *m, const char *v)
{
	size_t len = strlen(v);
	if (len >= sizeof(m->cache->hints[0].s))
		return value_hint_uncached(m->cache, v);
	struct hint_cache *c = &m->cache->hints[hash_str(2166136261u, v) % HINT_CACHE];
	if (c->len == len + 1 && !memcmp(c->s, v, len))
		return c->hint;
	c->hint = (int8_t)value_hint_uncached(m->cache, v);
	c->len = (uint8_t)(len + 1);
	memcpy(c->s, v, len);
	return c->hint;
}

/* ---- building ---- */

static void add_meta_text(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			if (b->len && b->data[b->len - 1] != ' ')
				buf_addch(b, ' ');
		} else {
			buf_addch(b, c);
		}
	}
}

static void close_block(struct hmain *m)
{
	if (!m->open)
		return;
	m->open = 0;
	struct hblock *b = &m->blocks[m->nblocks - 1];
	b->len = (uint32_t)(m->text.len - b->off);
	if (b->chars == 0) {
		buf_setlen(&m->text, b->off);
		m->nblocks--;
	}
}

static void boundary(struct hmain *m, int sep)
{
	close_block(m);
	if (sep > m->pending_sep)
		m->pending_sep = sep;
	m->pending_space = 0;
}

static void open_block(struct hmain *m)
{
	ALLOC_GROW(m->blocks, m->nblocks + 1, m->blocks_alloc);
	struct hblock *b = &m->blocks[m->nblocks++];
	memset(b, 0, sizeof(*b));
	b->owner = m->owner;
	b->off = (uint32_t)m->text.len;
	b->sep = (uint8_t)m->pending_sep;
	b->kind = m->pre ? HB_PRE : m->heading ? (uint8_t)m->heading : HB_TEXT;
	m->pending_sep = 0;
	m->pending_space = 0;
	m->open = 1;
}

/* Byte classes for add_text: whitespace; a byte that makes a run of non-space a word (an
 * ASCII letter or digit, or the lead byte of a character from U+00C0 to U+1FFF: letters of
 * other scripts, not punctuation such as "»", "·", "–", "•" from U+0080..U+00BF and
 * U+2000..U+2FFF); the lead byte of a Han, kana or Hangul character (U+3000..U+DFFF), each
 * of which is a word of its own. */
enum { BC_WS = 1, BC_WORD = 2, BC_CJK = 4 };
static const unsigned char byte_class[256] = {
	[' '] = BC_WS, ['\t'] = BC_WS, ['\n'] = BC_WS, ['\r'] = BC_WS, ['\f'] = BC_WS,
	['0' ... '9'] = BC_WORD, ['A' ... 'Z'] = BC_WORD, ['a' ... 'z'] = BC_WORD,
	[0xC3 ... 0xE1] = BC_WORD, [0xE3 ... 0xED] = BC_CJK,
};

static inline int is_ws(char c)
{
	return byte_class[(unsigned char)c] & BC_WS;
}

/* Text inside <pre>: kept as it is; only its non-space bytes are counted. */
static void add_pre_text(struct hmain *m, const char *s, size_t n)
{
	if (!m->open)
		open_block(m);
	buf_add(&m->text, s, n);
	uint32_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += !is_ws(s[i]);
	struct hblock *b = &m->blocks[m->nblocks - 1];
	b->chars += chars;
	if (m->anchor > 0)
		b->link += chars;
}

/* A bit in each byte of x that ends a run of plain ASCII: whitespace and control characters
 * (bytes up to 0x20) and bytes of non-ASCII characters (0x80 and up). A subtraction's borrow
 * can mark a byte after a marked one, never before: the lowest mark is exact. */
static inline uint64_t ascii_stops(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	return ((x - ones * 0x21) & ~x & high) | (x & high);
}

/* Copy the run of non-space at *ps (before end) to o; returns its length, with the byte
 * classes it holds in *cls and its Han/kana/Hangul characters in *cjk. Plain ASCII goes eight
 * bytes at a time (stored whole: o has eight bytes of slack); other bytes (runs of non-ASCII
 * text, control characters, the last few bytes) one at a time. */
static size_t copy_word(const unsigned char **ps, const unsigned char *end, unsigned char *o,
			unsigned *cls, unsigned *cjk)
{
	const unsigned char *p = *ps, *w0 = p;
	unsigned char *o0 = o;
	unsigned c = 0, k = 0;
	for (;;) {
		while (end - p >= 8) {
			uint64_t x = le_get64(p), stops = ascii_stops(x);
			memcpy(o, p, 8);
			size_t len = stops ? (size_t)__builtin_ctzll(stops) >> 3 : 8;
			p += len;
			o += len;
			if (stops)
				break;
		}
		/* The byte that stopped it (or one of the last few), and the rest of a run of
		 * non-ASCII bytes after it (never whitespace). */
		if (p == end || (byte_class[*p] & BC_WS))
			break;
		do {
			unsigned b = byte_class[*p];
			c |= b;
			k += b >> 2;
			*o++ = *p++;
		} while (p < end && *p >= 0x80);
	}
	/* The ASCII copied eight at a time was not classified: look for a letter or digit in it. */
	for (const unsigned char *q = w0; !(c & BC_WORD) && q < p; q++)
		c |= byte_class[*q] & BC_WORD;
	*ps = p;
	*cls = c;
	*cjk = k;
	return (size_t)(o - o0);
}

/*
 * Text outside <pre>: runs of whitespace become one space (or the newline a <br> asked for),
 * and each run of non-space is counted in its block. The words are copied straight into
 * m->text, grown once per call: the call's n bytes and one separator are the most it can add
 * (and copy_word's slack). A word split across two calls (libxml2 hands text over in pieces,
 * one at each entity) counts as two, as it always has.
 */
static void add_text(struct hmain *m, const char *s, size_t n)
{
	if (m->pre) {
		add_pre_text(m, s, n);
		return;
	}
	struct buf *t = &m->text;
	buf_grow(t, n + 1 + 8);
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		if (byte_class[*p] & BC_WS) {
			if (!m->pending_space)
				m->pending_space = 1;
			p++;
			continue;
		}
		if (!m->open)
			open_block(m);
		else if (m->pending_space)
			t->data[t->len++] = m->pending_space == 2 ? '\n' : ' ';
		m->pending_space = 0;
		unsigned cls, cjk;
		uint32_t k = (uint32_t)copy_word(&p, end, (unsigned char *)t->data + t->len, &cls, &cjk);
		t->len += k;
		struct hblock *b = &m->blocks[m->nblocks - 1];
		b->chars += k;
		if (m->anchor) {
			b->link += k;
			b->links += !m->anchor_counted;
			m->anchor_counted = 1;
		} else {
			b->own += cjk ? cjk : (cls & BC_WORD) != 0;
		}
	}
	t->data[t->len] = '\0';
}

struct attrs {
	const char *cls, *id, *role, *itemprop, *lang, *rel, *href;
	int hidden;
};

enum { AT_OTHER, AT_CLASS, AT_ID, AT_ROLE, AT_ITEMPROP, AT_LANG, AT_REL, AT_HREF, AT_HIDDEN,
       AT_ARIA_HIDDEN, AT_STYLE };

static uint8_t attr_id(const char *k)
{
	static const char *const names[] = { "", "class", "id", "role", "itemprop", "lang",
					     "rel", "href", "hidden", "aria-hidden", "style" };
	for (size_t i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(k, names[i]))
			return (uint8_t)i;
	return AT_OTHER;
}

/* attr_id, remembered by the name's address (see struct hmain). */
static int attr_cached(struct hmain *m, const char *k)
{
	size_t h = ptr_slot(k, ATTR_CACHE);
	if (m->attr_key[h] != k) {
		m->attr_key[h] = k;
		m->attr_val[h] = attr_id(k);
	}
	return m->attr_val[h];
}

static void read_attrs(struct hmain *m, const xmlChar **a, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	for (; a && a[0]; a += 2) {
		const char *v = a[1] ? (const char *)a[1] : "";
		switch (attr_cached(m, (const char *)a[0])) {
		case AT_CLASS: at->cls = v; break;
		case AT_ID: at->id = v; break;
		case AT_ROLE: at->role = v; break;
		case AT_ITEMPROP: at->itemprop = v; break;
		case AT_LANG: at->lang = v; break;
		case AT_REL: at->rel = v; break;
		case AT_HREF: at->href = v; break;
		case AT_HIDDEN: at->hidden = 1; break;
		case AT_ARIA_HIDDEN:
			if (!strcmp(v, "true"))
				at->hidden = 1;
			break;
		case AT_STYLE: {
			const char *d = strstr(v, "display");
			if (d && strstr(d, "none"))
				at->hidden = 1;
			break;
		}
		}
	}
}

/* An id of five words or more is a heading turned into an anchor (docutils' <section
 * id="are-there-copyright-restrictions-on-the-use-of-python">), not the name of a page part. */
static int id_is_slug(const char *v)
{
	int words = 0;
	for (int in = 0; *v; v++) {
		int a = is_word_byte((unsigned char)*v);
		words += a && !in;
		in = a;
	}
	return words >= 5;
}

static int role_is_boilerplate(const char *role)
{
	static const char *const roles[] = { "alert",      "banner", "complementary", "contentinfo",
					     "dialog",     "menu",   "menubar",       "navigation",
					     "search" };
	return in_list(role, roles, N(roles));
}

/* Element hint and flags from its tag and attributes. */
static void node_hint(struct hmain *m, struct hnode *nd, const struct tagdef *td,
		      const struct attrs *at)
{
	int h = 0;
	uint8_t fl = td ? (uint8_t)(td->kind == HK_H ? 0 : td->flags) : 0;
	if (fl & HF_NEG)
		h = -1;
	if (fl & HF_POS)
		h = 1;
	if ((fl & HF_HEADER) && !(m->nodes[nd->parent].flags & HF_INPOS))
		h = -1;
	int hc = at->cls ? value_hint(m, at->cls) : 0;
	int hi = at->id && !id_is_slug(at->id) ? value_hint(m, at->id) : 0;
	if (hc < 0 || hi < 0)
		h = -1;
	else if ((hc > 0 || hi > 0) && h == 0)
		h = 1;
	if (at->role) {
		if (!strcmp(at->role, "main") || !strcmp(at->role, "article")) {
			h = 1;
			fl |= !strcmp(at->role, "main") ? HF_MAIN : 0;
		} else if (role_is_boilerplate(at->role)) {
			h = -1;
		}
	}
	if (at->itemprop && !strcmp(at->itemprop, "articleBody")) {
		h = 1;
		fl |= HF_MAIN;
	}
	if ((hc > 0 && (hc & 2)) || (hi > 0 && (hi & 2)) ||
	    (at->role && (!strcmp(at->role, "doc-endnotes") || !strcmp(at->role, "doc-footnote"))))
		h = 1;
	/* A heading is judged as a whole: the hints of links and spans inside it do not count
	 * (docutils puts every section title in <a class="toc-backref">). */
	if (m->heading && (!td || td->kind == HK_A || td->kind == HK_INLINE))
		h = 0;
	nd->hint = (int8_t)h;
	nd->flags = fl & (HF_MAIN);
	nd->flags |= (m->nodes[nd->parent].flags & HF_INPOS) || h > 0 ? HF_INPOS : 0;
}

static void head_start(struct hmain *m, const struct tagdef *td, const xmlChar **a)
{
	m->in_head++;
	if (td && td->kind == HK_TITLE)
		m->in_title = m->in_head;
	if (td && !strcmp(td->name, "link")) {
		struct attrs at;
		read_attrs(m, a, &at);
		if (at.rel && at.href && !strcasecmp(at.rel, "canonical") && !m->meta->canonical.len)
			buf_addstr(&m->meta->canonical, at.href);
	}
}

static void sax_start(void *ctx, const xmlChar *name, const xmlChar **a)
{
	struct hmain *m = ctx;
	if (m->skip) {
		m->skip++;
		return;
	}
	const struct tagdef *td = tag_cached(m, (const char *)name);
	int kind = td ? td->kind : HK_INLINE;
	if (m->in_head || kind == HK_HEAD) {
		head_start(m, td, a);
		return;
	}
	if (kind == HK_SKIP) {
		m->skip = 1;
		return;
	}
	struct attrs at;
	read_attrs(m, a, &at);
	if (at.hidden) {
		m->skip = 1;
		return;
	}
	if (kind == HK_HTML && at.lang && !m->meta->lang.len)
		buf_addstr(&m->meta->lang, at.lang);
	ALLOC_GROW(m->nodes, m->nnodes + 1, m->nodes_alloc);
	int32_t idx = (int32_t)m->nnodes++;
	struct hnode *nd = &m->nodes[idx];
	memset(nd, 0, sizeof(*nd));
	nd->parent = m->cur;
	nd->last = idx;
	nd->kind = (uint8_t)kind;
	nd->sig = hash_str(hash_str(2166136261u, (const char *)name), at.cls ? at.cls : "");
	node_hint(m, nd, td, &at);
	int sep = kind == HK_BLOCK || kind == HK_PRE || kind == HK_H || kind == HK_BODY ? HS_PARA
		: kind == HK_LINE || kind == HK_ROW ? HS_LINE
		: nd->hint ? HS_SPACE : 0;
	if (kind == HK_CELL) {
		int32_t r = m->cur;
		while (r > 0 && m->nodes[r].kind != HK_ROW && m->nodes[r].kind != HK_BLOCK)
			r = m->nodes[r].parent;
		sep = r > 0 && m->nodes[r].kind == HK_ROW && m->nodes[r].cells++ ? HS_TAB : HS_LINE;
	}
	if (sep)
		boundary(m, sep);
	m->cur = idx;
	if (sep)
		m->owner = idx;
	if (kind == HK_H)
		m->heading = td->flags;
	else if (kind == HK_PRE)
		m->pre++;
	else if (kind == HK_A) {
		m->anchor++;
		m->anchor_counted = 0;
	}
	else if (kind == HK_BR && m->open)
		m->pending_space = 2;
}

static void sax_end(void *ctx, const xmlChar *name)
{
	struct hmain *m = ctx;
	(void)name;
	if (m->skip) {
		m->skip--;
		return;
	}
	if (m->in_head) {
		if (m->in_title == m->in_head)
			m->in_title = 0;
		m->in_head--;
		return;
	}
	if (m->cur <= 0)
		return;
	struct hnode *nd = &m->nodes[m->cur];
	int kind = nd->kind;
	int sep = kind == HK_BLOCK || kind == HK_PRE || kind == HK_H || kind == HK_BODY ? HS_PARA
		: kind == HK_LINE || kind == HK_ROW ? HS_LINE
		: nd->hint ? HS_SPACE : 0;
	if (sep)
		boundary(m, sep);
	nd->last = (int32_t)m->nnodes - 1;
	m->cur = nd->parent;
	if (sep)
		m->owner = m->cur;
	if (kind == HK_H)
		m->heading = 0;
	else if (kind == HK_PRE && m->pre)
		m->pre--;
	else if (kind == HK_A && m->anchor)
		m->anchor--;
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
	struct hmain *m = ctx;
	if (m->skip || len <= 0)
		return;
	if (m->in_head) {
		if (m->in_title)
			add_meta_text(&m->meta->title, (const char *)ch, (size_t)len);
		return;
	}
	add_text(m, (const char *)ch, (size_t)len);
}

void html_meta_init(struct html_meta *m)
{
	buf_init(&m->title, 0);
	buf_init(&m->lang, 0);
	buf_init(&m->canonical, 0);
	m->charset_guessed = 0;
	m->cache = NULL;
}

void html_meta_release(struct html_meta *m)
{
	buf_release(&m->title);
	buf_release(&m->lang);
	buf_release(&m->canonical);
	if (m->cache) {
		free(m->cache->nodes);
		free(m->cache->blocks);
		buf_release(&m->cache->text);
		free(m->cache);
		m->cache = NULL;
	}
}

static void trim(struct buf *b)
{
	size_t s = 0, e = b->len;
	while (s < e && b->data[s] == ' ')
		s++;
	while (e > s && b->data[e - 1] == ' ')
		e--;
	memmove(b->data, b->data + s, e - s);
	buf_setlen(b, e - s);
}

static int parse(struct hmain *m, const char *p, size_t n)
{
	htmlSAXHandler sax;
	memset(&sax, 0, sizeof(sax));
	sax.startElement = sax_start;
	sax.endElement = sax_end;
	sax.characters = sax_text;
	sax.cdataBlock = sax_text;
	if (html_sax_parse(&sax, m, p, n) < 0)
		return -1;
	close_block(m);
	/* Elements left open (a truncated page) end with the document. */
	for (int32_t i = m->cur; i > 0; i = m->nodes[i].parent)
		m->nodes[i].last = (int32_t)m->nnodes - 1;
	m->nodes[0].last = (int32_t)m->nnodes - 1;
	return 0;
}

int html_main_text(struct buf *out, struct html_meta *meta, const char *p, size_t n,
		   const char *charset)
{
	buf_reset(&meta->title);
	buf_reset(&meta->lang);
	buf_reset(&meta->canonical);
	meta->charset_guessed = 0;
	if (n > (size_t)0x7fffffff)
		return -1;
	if (n == 0)
		return 0;
	struct buf fixed = BUF_INIT;
	meta->charset_guessed = html_decode(&fixed, &p, &n, charset);
	if (!meta->cache)
		meta->cache = xcalloc(1, sizeof(*meta->cache));
	struct html_cache *c = meta->cache;
	struct hmain m;
	memset(&m, 0, sizeof(m));
	m.meta = meta;
	m.cache = c;
	/* The arrays of the pages before, emptied (their allocations are reused). */
	m.nodes = c->nodes;
	m.nodes_alloc = c->nodes_alloc;
	m.blocks = c->blocks;
	m.blocks_alloc = c->blocks_alloc;
	m.text = c->text;
	buf_reset(&m.text);
	buf_grow(&m.text, n / 2 + 64);
	ALLOC_GROW(m.nodes, 64, m.nodes_alloc);
	memset(&m.nodes[0], 0, sizeof(m.nodes[0]));
	m.nodes[0].kind = HK_ROOT;
	m.nnodes = 1;
	int rc = n > (size_t)0x7fffffff ? -1 : parse(&m, p, n);
	if (!rc)
		html_select(&m, out);
	trim(&meta->title);
	c->nodes = m.nodes;
	c->nodes_alloc = m.nodes_alloc;
	c->blocks = m.blocks;
	c->blocks_alloc = m.blocks_alloc;
	c->text = m.text;
	buf_release(&fixed);
	return rc;
}
