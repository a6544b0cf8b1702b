/*
 * Normalization for hashing (docs/dedup.md, "Normalization for hashing"). The result is only
 * ever hashed, never emitted.
 *
 * Every mode: whitespace (Unicode White_Space: Zs, Zl, Zp, tab, LF, VT, FF, CR, U+0085) runs
 * become one space, none at the ends. Then four independent folds (--fold), all four by default
 * for MinHash and none for --exact, whose hash therefore sees the text in NFC with whitespace
 * normalized and nothing else:
 *   case     Unicode case folding
 *   digits   every decimal digit (Nd, any script) to '0'
 *   punct    punctuation, math/currency/modifier symbols and control characters to a space;
 *            format characters (Cf: soft hyphen, zero-width joiners, BOM) removed
 *   accents  canonical decomposition (NFD) with combining marks removed (without it: NFC)
 * Invalid UTF-8 bytes become a space under punct, else stay as they are.
 *
 * dedup_normalize() is all four folds, with a fast path: its output is a sequence of "words"
 * separated by single 0x20 bytes, which is what the shingler splits on. "Other symbols" (So:
 * emoji, CJK signs) are kept under every fold.
 *
 * Thread-safe: no state besides the caller's buffer. ASCII runs take a table-driven fast path;
 * only non-ASCII code points go through utf8proc.
 */
#ifndef GRIST_DEDUP_NORM_H
#define GRIST_DEDUP_NORM_H

#include <stddef.h>

#include "lib/buf.h"

enum {
	DEDUP_FOLD_CASE = 1,
	DEDUP_FOLD_DIGITS = 2,
	DEDUP_FOLD_PUNCT = 4,
	DEDUP_FOLD_ACCENTS = 8,
	DEDUP_FOLD_ALL = 15,
};

/* Replace out's contents with the normalized form of text[0..len) (all four folds). */
void dedup_normalize(const char *text, size_t len, struct buf *out);

/* The same with the folds in `fold` (DEDUP_FOLD_* bits) only. */
void dedup_normalize_fold(const char *text, size_t len, unsigned fold, struct buf *out);

/* The general path behind dedup_normalize_fold() (tests compare it with the fast path). */
void dedup_normalize_general(const char *text, size_t len, unsigned fold, struct buf *out);

/* "case,digits,punct,accents" (any subset, any order), "all" or "none" -> bits; -1 if a name is
 * unknown (*bad then points at it). */
int dedup_fold_parse(const char *s, const char **bad);
/* The bits as "case,digits" (or "none"), for stats and messages. */
void dedup_fold_name(unsigned fold, struct buf *out);

#endif
