/*
 * Decontamination against evaluation sets (`--against FILE`): the exact set of XXH3-64 hashes
 * of every word n-gram (default 13) of the normalized reference texts; a document is
 * contaminated when any of its own n-grams is in the set. No sampling. A reference text
 * shorter than n words contributes its whole normalized text as one n-gram only if it has at
 * least DECONTAM_MIN_WORDS words (shorter ones would match everyday phrases); such texts are
 * counted in `short_refs`.
 *
 * Building is single-threaded; decontam_check() is read-only and thread-safe.
 */
#ifndef GRIST_DEDUP_DECONTAM_H
#define GRIST_DEDUP_DECONTAM_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define DECONTAM_MIN_WORDS 8

struct decontam {
	int n;
	uint64_t *slots; /* hash | 1 (0 = empty) */
	size_t size, used;
	uint64_t refs, short_refs, short_used;
	/* reference texts shorter than n: the word counts that occur (bit i: i words) */
	uint64_t short_lengths;
	struct buf norm; /* scratch for building */
};

void decontam_init(struct decontam *d, int n);
void decontam_release(struct decontam *d);
void decontam_add_text(struct decontam *d, const char *text, size_t len);

/*
 * Is the already-normalized text contaminated? On a hit, returns 1 and (if match != NULL)
 * replaces match's contents with the matching n-gram.
 */
int decontam_check(const struct decontam *d, const char *norm, size_t len, struct buf *match);

#endif
