/*
 * Normalization for hashing (DESIGN.md section 7). The result is only ever hashed, never
 * emitted: lowercase (Unicode case folding), every decimal digit to '0', punctuation, symbols
 * other than "other symbols" (So: emoji, CJK signs), separators and control characters to a
 * space, format characters (Cf: soft hyphen, zero-width joiners, BOM) removed, combining marks
 * removed after canonical decomposition (NFD), runs of spaces collapsed to one, no leading or
 * trailing space. Invalid UTF-8 bytes count as spaces. The output is therefore a sequence of
 * "words" separated by single 0x20 bytes, which is what the shingler splits on.
 *
 * Thread-safe: no state besides the caller's buffer. ASCII runs take a table-driven fast path;
 * only non-ASCII code points go through utf8proc.
 */
#ifndef GRIST_DEDUP_NORM_H
#define GRIST_DEDUP_NORM_H

#include <stddef.h>

#include "lib/buf.h"

/* Replace out's contents with the normalized form of text[0..len). */
void dedup_normalize(const char *text, size_t len, struct buf *out);

#endif
