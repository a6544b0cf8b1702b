/*
 * Unicode repair and normalization for `grist clean` (docs/design.md section 8).
 *
 * Pure functions over byte buffers: no globals written after a one-time, thread-safe table
 * build, no printing, no exits. Safe to call from many threads at once.
 */
#ifndef GRIST_CLEAN_UNICODE_H
#define GRIST_CLEAN_UNICODE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* What clean_repair() changed; counts are added to (callers zero the struct once). */
struct clean_repair_stats {
	uint64_t invalid;  /* ill-formed UTF-8 units (and lone surrogates) replaced by U+FFFD */
	uint64_t surrogate_pairs; /* CESU-8 surrogate pairs joined into one code point */
	uint64_t controls; /* C0 controls and DEL removed (tab, LF, CR, FF are kept) */
	uint64_t c1;       /* C1 controls U+0080..U+009F removed */
	uint64_t escapes;  /* terminal escape sequences (ESC ..., and 8-bit CSI) removed */
	uint64_t crlf;     /* CR LF pairs turned into LF */
	uint64_t mojibake; /* UTF-8-read-as-cp1252/latin-1 sequences turned back into one char */
	uint64_t docs_mojibake; /* documents in which the mojibake fix was applied */
};

/*
 * Repairs `len` bytes at `s` and appends the result to `out` (which must not alias `s`): the
 * output is always valid UTF-8. Steps, in order:
 *   1. ill-formed UTF-8 -> U+FFFD, one per maximal ill-formed subpart (Unicode's recommended
 *      practice); an encoded surrogate (ED A0..BF xx) is one unit, and a high+low pair
 *      (CESU-8) is joined into the supplementary character it stands for;
 *   2. terminal escape sequences (CSI, OSC/DCS/SOS/PM/APC strings ended by BEL or ST, and
 *      two-byte ESC sequences) and other C0 controls and DEL removed; tab, LF, FF kept;
 *      CR LF -> LF, a lone CR kept;
 *   3. mojibake: when every non-ASCII character of the document belongs to a sequence that
 *      re-encodes (through Windows-1252, or Latin-1 for its five undefined bytes) to one valid
 *      multi-byte UTF-8 character, those sequences are decoded ("CafÃ©" -> "Café").
 *      Correct text contains non-ASCII characters outside such sequences, so it is left alone.
 *   4. C1 controls removed (after step 3, since mojibake may contain them).
 * Returns 1 if the output differs from the input, else 0: then nothing was appended (the
 * input is the result; most text needs no repair, and is not copied).
 */
int clean_repair(const char *s, size_t len, struct buf *out, struct clean_repair_stats *st);

enum clean_norm_form {
	CLEAN_NORM_NONE = 0,
	CLEAN_NORM_NFC,
	CLEAN_NORM_NFKC,
};

/* "nfc" / "nfkc" / "none" -> form; -1 if unknown. */
int clean_norm_parse(const char *name);

/*
 * Normalizes valid UTF-8 to NFC or NFKC with utf8proc, through a quick-check fast path: ASCII and
 * characters that can neither change nor combine with a neighbour are copied; only the stretches
 * around other characters (from the last safe starter to the next) go through utf8proc_map.
 * Ill-formed bytes, if any, are copied unchanged and act as boundaries.
 * If the text is already normalized, returns 0 and leaves `out` untouched (the caller keeps the
 * input); otherwise appends the normalized text to `out` and returns 1. Returns -1 only if
 * utf8proc fails (out of memory), with `out` in an unspecified state.
 */
int clean_normalize(const char *s, size_t len, enum clean_norm_form form, struct buf *out);

/* The reference path: the whole text through utf8proc_map (for tests and benchmarks). */
int clean_normalize_slow(const char *s, size_t len, enum clean_norm_form form, struct buf *out);

#endif
