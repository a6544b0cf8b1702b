/*
 * Internals shared by html_main.c (building the element tree and text blocks) and
 * html_select.c (scoring them and writing the main content).
 */
#ifndef GRIST_HTML_MAIN_INT_H
#define GRIST_HTML_MAIN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/html_main.h"
#include "lib/buf.h"

/* Element kinds. */
enum {
	HK_ROOT, HK_INLINE, HK_BLOCK, HK_LINE, HK_CELL, HK_ROW, HK_SKIP, HK_PRE, HK_H, HK_A, HK_BR,
	HK_HEAD, HK_TITLE, HK_HTML, HK_BODY,
};
/* Element flags (tag table, then per node). */
enum { HF_NEG = 1, HF_POS = 2, HF_MAIN = 4, HF_HEADER = 8, HF_INPOS = 16 };
/* Separators before a block, weakest first. */
enum { HS_NONE, HS_SPACE, HS_TAB, HS_LINE, HS_PARA };
/* Block kinds: text, heading levels 1..6, preformatted. */
enum { HB_TEXT = 0, HB_PRE = 7 };

struct hnode {
	int32_t parent; /* index; node 0 is the document */
	int32_t last;   /* index of the last descendant: the subtree is [self, last] */
	uint32_t sig;   /* hash of tag name and class attribute */
	uint8_t kind;
	int8_t hint;    /* -1 boilerplate (tag, class, id or role), +1 content, 0 */
	uint8_t flags;  /* HF_MAIN, HF_INPOS */
	uint8_t neg;    /* effective boilerplate, own or inherited (html_select.c) */
	uint16_t cells; /* for rows: cells seen so far */
	uint8_t has_main;
	float raw, score, good;
};

struct hblock {
	int32_t owner;  /* innermost element open at the boundary before it */
	uint32_t off, len; /* its text in hmain.text */
	uint32_t chars; /* non-space bytes */
	uint32_t link;  /* non-space bytes inside <a> */
	uint32_t own;   /* words outside <a> (runs of non-space with a letter or digit) */
	uint32_t links; /* <a> elements with text in it */
	uint8_t sep;    /* HS_* before it */
	uint8_t kind;   /* HB_TEXT, 1..6 for headings, HB_PRE */
};

/* Class and id values seen before, with their hints: a page's values repeat, and so do a
 * site's from page to page. Direct-mapped by hash; values of 62 bytes or more are not kept. */
enum { HINT_CACHE = 512, WORD_CACHE = 1024, TAG_CACHE = 64, ATTR_CACHE = 32 };
struct hint_cache {
	uint8_t len; /* value length + 1; 0: empty */
	int8_t hint;
	char s[62];
};
/* The same for the words of values not kept there (ids are mostly unique, their words are
 * not): lowercased words of up to 29 bytes. */
struct word_cache {
	uint8_t len;
	int8_t hint;
	char s[30];
};

struct html_cache {
	struct hint_cache hints[HINT_CACHE];
	struct word_cache words[WORD_CACHE];
	struct hnode *nodes;
	size_t nodes_alloc;
	struct hblock *blocks;
	size_t blocks_alloc;
	struct buf text;
};

struct hmain {
	struct html_meta *meta;
	struct hnode *nodes;
	size_t nnodes, nodes_alloc;
	struct hblock *blocks;
	size_t nblocks, blocks_alloc;
	struct buf text;
	int32_t cur;   /* innermost open element */
	int32_t owner; /* owner of the next block */
	int skip, in_head, in_title, pre, anchor, heading;
	int anchor_counted; /* the open <a> is counted in its block's links */
	int open, pending_sep, pending_space;
	struct html_cache *cache;
	/* Tag and attribute lookups by name pointer: libxml2 interns element and attribute names
	 * in its dictionary, so within one parse a name has one address (html_main.c
	 * tag_cached, attr_cached). */
	const void *tag_key[TAG_CACHE];
	const void *tag_val[TAG_CACHE];
	const void *attr_key[ATTR_CACHE];
	uint8_t attr_val[ATTR_CACHE];
};

/* Choose the main content of m and append it to out. */
void html_select(struct hmain *m, struct buf *out);

#endif
