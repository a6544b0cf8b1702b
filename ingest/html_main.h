/*
 * Main-content extraction from HTML (`grist ingest --html main`, the default): the page's
 * title, headings, paragraphs, lists, tables and code of its main content, without menus,
 * headers, footers, sidebars, link lists, banners, share buttons, comments and ads. The method
 * is in docs/ingest.md ("HTML main content"): libxml2's SAX parser builds a compact element
 * tree with text blocks, the blocks are scored (class/id/tag hints, link density, length), the
 * best-scoring subtree is the main content. One page at a time, memory linear in its size.
 */
#ifndef GRIST_HTML_MAIN_H
#define GRIST_HTML_MAIN_H

#include <stddef.h>

#include "lib/buf.h"

struct html_meta {
	struct buf title;     /* <title>, whitespace collapsed */
	struct buf lang;      /* <html lang> as written */
	struct buf canonical; /* <link rel=canonical href> */
	int charset_guessed;  /* the encoding was guessed (ingest/html_charset.c) */
	/* Kept from one page to the next by html_main_text (one html_meta per thread): the
	 * element and text arrays, and the class/id hints already worked out. */
	struct html_cache *cache;
};

void html_meta_init(struct html_meta *m);
void html_meta_release(struct html_meta *m);

/*
 * Append the main text of the HTML document p[0..n) to out (UTF-8) and fill meta (reset
 * first). `charset` (may be NULL) is a charset declared outside the document (HTTP). Table
 * cells are separated by tabs, rows and list items by newlines, blocks by blank lines; <pre>
 * keeps its text as written. Returns 0, or -1 when the document could not be parsed.
 */
int html_main_text(struct buf *out, struct html_meta *meta, const char *p, size_t n,
		   const char *charset);

#endif
