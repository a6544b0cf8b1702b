/*
 * Choosing the main content among the blocks of a page (docs/ingest.md, "HTML main content").
 *
 * Each block gets a value: its length when it reads like prose (at least MIN_PROSE non-space
 * bytes, not a link list), a third of its length when it is short, minus its length when it is
 * a link list (more than half inside links and no sentence of its own) or sits in boilerplate
 * (an element whose tag, class, id or role says nav, footer, aside, sidebar, comment, share,
 * cookie, ...).
 * A hint is ignored on the elements that hold most of the page's prose or its <main> (a body
 * class "has-sidebar", an ASP.NET page wrapped in one <form>). An element's score is the sum
 * over its subtree, plus a quarter of its positive part for content hints (article, main,
 * itemprop=articleBody, class post/entry/content). The best-scoring element is the main
 * content; when its siblings repeat its tag and class (forum posts, answers) their parent is.
 * Its blocks are written except link lists and boilerplate below it; the page's <h1> before it
 * is prepended when it has none.
 */
#include "ingest/html_main_int.h"

#include <stdlib.h>
#include <string.h>

enum { MIN_PROSE = 40, MIN_OWN_WORDS = 4 };
/* Prose in boilerplate (comments, teasers) costs less than link lists: a post with a few
 * comments under it must still be worth keeping. */
static const float NEG_WEIGHT = 0.25f;

/* More than half of it inside links, and not a sentence of its own around them (at least
 * MIN_OWN_WORDS words outside the links and twice as many as links: "Please see <a>Section
 * 6.1</a> for more information." is a sentence; "Next: a, Previous: b, Up: c" and "[Date Prev]
 * [<a>Date Next</a>][Thread Prev][<a>Thread Next</a>]..." are link lists). */
static int link_list(const struct hblock *b)
{
	int sentence = b->own >= MIN_OWN_WORDS && b->own >= 2 * b->links;
	return b->link * 2 > b->chars && !sentence && (b->kind == HB_TEXT || b->kind == HB_PRE);
}

static float block_raw(const struct hblock *b)
{
	float c = (float)b->chars;
	if (link_list(b))
		return -c;
	if (b->kind == HB_TEXT || b->kind == HB_PRE)
		return b->chars >= MIN_PROSE ? c : c / 3;
	return c / 3; /* headings */
}

/* Sum each node's value over its subtree (children come after their parents). */
static void sum_up(struct hmain *m, int which)
{
	for (size_t i = m->nnodes - 1; i > 0; i--) {
		struct hnode *nd = &m->nodes[i], *p = &m->nodes[nd->parent];
		if (which == 0) {
			p->raw += nd->raw;
			p->has_main |= nd->has_main;
		} else {
			p->score += nd->score;
			p->good += nd->good;
		}
	}
}

/* Effective boilerplate: hinted and not exempt, or inside such an element. */
static void mark_boilerplate(struct hmain *m)
{
	float total = m->nodes[0].raw;
	for (size_t i = 1; i < m->nnodes; i++) {
		struct hnode *nd = &m->nodes[i];
		int exempt = nd->kind == HK_HTML || nd->kind == HK_BODY || nd->has_main ||
			     (total > 0 && nd->raw >= total * 0.6f);
		nd->neg = m->nodes[nd->parent].neg || (nd->hint < 0 && !exempt);
	}
}

static int32_t best_node(const struct hmain *m)
{
	int32_t best = -1;
	float bs = 0;
	for (size_t i = m->nnodes - 1; i > 0; i--) {
		const struct hnode *nd = &m->nodes[i];
		float s = nd->score + (nd->hint > 0 && !nd->neg ? nd->good * 0.25f : 0);
		if (s > bs) {
			bs = s;
			best = (int32_t)i;
		}
	}
	return best;
}

/* The parent of c when c's siblings repeat its signature (posts of a thread). */
static int32_t widen(const struct hmain *m, int32_t c)
{
	int32_t p = m->nodes[c].parent;
	if (p <= 0 || m->nodes[p].kind == HK_BODY || m->nodes[p].kind == HK_HTML ||
	    m->nodes[c].kind == HK_CELL) /* the columns of a layout table are not posts */
		return c;
	int same = 0;
	for (int32_t i = p + 1; i <= m->nodes[p].last; i = m->nodes[i].last + 1)
		if (m->nodes[i].sig == m->nodes[c].sig && !m->nodes[i].neg && m->nodes[i].score > 0)
			same++;
	return same >= 2 ? p : c;
}

static int in_range(const struct hmain *m, int32_t owner, int32_t c)
{
	return owner >= c && owner <= m->nodes[c].last;
}

/*
 * Inside the best element b, the outermost element with a content hint (article, post, entry)
 * that holds the page's first <h1> and at least a third of b's prose, unless it is one of
 * repeated siblings; without one, the smallest element holding them: the article of a blog
 * page without the reader comments after it (which need not say "comment" anywhere). Forum
 * posts and answers repeat, so they stay together.
 */
static int32_t titled_article(const struct hmain *m, int32_t b)
{
	int32_t h = -1;
	for (size_t i = 0; i < m->nblocks && h < 0; i++)
		if (m->blocks[i].kind == 1 && !m->nodes[m->blocks[i].owner].neg &&
		    in_range(m, m->blocks[i].owner, b))
			h = m->blocks[i].owner;
	int32_t hinted = b, plain = b;
	for (int32_t a = h; a > b; a = m->nodes[a].parent) {
		const struct hnode *nd = &m->nodes[a];
		if (nd->neg || nd->good * 3 < m->nodes[b].good || widen(m, a) != a)
			continue;
		if (nd->hint > 0)
			hinted = a;
		else if (plain == b)
			plain = a;
	}
	return hinted != b ? hinted : plain;
}

static int keep_block(const struct hmain *m, const struct hblock *b, int32_t c)
{
	if (m->nodes[b->owner].neg && !m->nodes[c].neg)
		return 0;
	if (link_list(b) && b->kind == HB_TEXT)
		return 0;
	return 1;
}

static void emit(struct buf *out, size_t start, const struct hmain *m, const struct hblock *b,
		 int sep)
{
	static const char *const seps[] = { "", " ", "\t", "\n", "\n\n" };
	if (out->len > start)
		buf_addstr(out, seps[sep]);
	buf_add(out, m->text.data + b->off, b->len);
}

/* Is the block's text part of the page's <title>? */
static int in_title(const struct hmain *m, const struct hblock *b)
{
	const struct buf *t = &m->meta->title;
	if (b->len == 0 || b->len > t->len)
		return 0;
	return memmem(t->data, t->len, m->text.data + b->off, b->len) != NULL;
}

/*
 * The title to put before main content that has no <h1> of its own, from the headings before
 * block index first outside boilerplate: the longest <h1> or <h2> whose text is part of the
 * page's <title> (the site's name in a header bar is shorter), else the last <h1>; -1 if none.
 */
static long title_block(const struct hmain *m, size_t first)
{
	long best = -1, last_h1 = -1;
	for (size_t i = first; i-- > 0;) {
		const struct hblock *b = &m->blocks[i];
		if (b->kind < 1 || b->kind > 2 || m->nodes[b->owner].neg)
			continue;
		if (b->kind == 1 && last_h1 < 0)
			last_h1 = (long)i;
		if (in_title(m, b) && (best < 0 || b->len > m->blocks[best].len))
			best = (long)i;
	}
	return best >= 0 ? best : last_h1;
}

void html_select(struct hmain *m, struct buf *out)
{
	if (!m->nblocks)
		return;
	for (size_t i = 0; i < m->nblocks; i++)
		m->nodes[m->blocks[i].owner].raw += block_raw(&m->blocks[i]) > 0
			? block_raw(&m->blocks[i]) : 0;
	for (size_t i = 1; i < m->nnodes; i++)
		m->nodes[i].has_main = (m->nodes[i].flags & HF_MAIN) != 0;
	sum_up(m, 0);
	mark_boilerplate(m);
	for (size_t i = 0; i < m->nblocks; i++) {
		const struct hblock *b = &m->blocks[i];
		float v = block_raw(b);
		if (m->nodes[b->owner].neg)
			v = v < 0 ? v : -(float)b->chars * NEG_WEIGHT;
		m->nodes[b->owner].score += v;
		m->nodes[b->owner].good += v > 0 ? v : 0;
	}
	sum_up(m, 1);
	int32_t c = best_node(m);
	c = c < 0 ? 0 : titled_article(m, widen(m, c));
	size_t start = out->len, first = m->nblocks;
	int has_h1 = 0;
	for (size_t i = 0; i < m->nblocks; i++)
		if (in_range(m, m->blocks[i].owner, c)) {
			if (first == m->nblocks)
				first = i;
			if (m->blocks[i].kind == 1 && keep_block(m, &m->blocks[i], c))
				has_h1 = 1;
		}
	long t = has_h1 ? -1 : title_block(m, first);
	if (t >= 0)
		emit(out, start, m, &m->blocks[t], HS_PARA);
	int sep = HS_PARA;
	for (size_t i = first; i < m->nblocks; i++) {
		const struct hblock *b = &m->blocks[i];
		if (!in_range(m, b->owner, c))
			continue;
		if (b->sep > sep)
			sep = b->sep;
		if (!keep_block(m, b, c))
			continue;
		emit(out, start, m, b, sep);
		sep = HS_NONE;
	}
}
