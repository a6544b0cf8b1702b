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

enum { HINT_CACHE = 64, TAG_CACHE = 64 };
struct hint_cache {
	uint8_t len; /* value length + 1; 0: empty */
	int8_t hint;
	char s[46];
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
	struct hint_cache hint_cache[HINT_CACHE];
	/* Tag lookups by name pointer: libxml2 interns element names in its dictionary, so within
	 * one parse a name has one address (html_main.c tag_cached). */
	const void *tag_key[TAG_CACHE];
	const void *tag_val[TAG_CACHE];
};

/* Choose the main content of m and append it to out. */
void html_select(struct hmain *m, struct buf *out);

#endif
