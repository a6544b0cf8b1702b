/*
 * ICU word segmentation for scripts without spaces (see clean_segment.h). The word is handed
 * to ICU as UTF-16 (converted here, with each unit's byte offset kept to map the boundaries
 * back): through a UTF-8 UText, ICU's dictionary engine copied every range into a UTF-16
 * string with an index map of its own and read the text through UText calls per character,
 * a fifth of the segmentation's instructions (docs/clean.md, Speed). Only Chinese and Japanese
 * words take this way: a word that is not valid UTF-8 (a UTF-8 UText reads invalid bytes its
 * own way) or holds a character of U+0E00..U+19FF or U+A9E0..U+AA7F (Thai, Lao, Myanmar,
 * Khmer, whose engines read the UText directly, and placed one Burmese boundary differently
 * when given UTF-16) still goes through a UTF-8 UText, so the pieces are the same as before.
 */
#include "clean/clean_segment.h"

#include <stdint.h>
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"

int clean_has_nospace(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		if (u[i] < 0xE0)
			continue;
		int32_t cp;
		size_t l = utf8_decode(u + i, n - i, &cp);
		if (l && clean_is_nospace_cp(cp))
			return 1;
		if (l)
			i += l - 1;
	}
	return 0;
}

struct clean_segmenter {
	UBreakIterator *bi;
	UText *ut;
	uint32_t *ends;
	size_t aends;
	UChar *u16;    /* the word in UTF-16 */
	uint32_t *off; /* byte offset of each UTF-16 unit, and the length at the end */
	size_t au16, aoff;
};

struct clean_segmenter *clean_segmenter_new(void)
{
	UErrorCode st = U_ZERO_ERROR;
	UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
	if (U_FAILURE(st))
		return NULL;
	struct clean_segmenter *sg = xcalloc(1, sizeof(*sg));
	sg->bi = bi;
	return sg;
}

void clean_segmenter_free(struct clean_segmenter *sg)
{
	if (!sg)
		return;
	ubrk_close(sg->bi);
	if (sg->ut)
		utext_close(sg->ut);
	free(sg->ends);
	free(sg->u16);
	free(sg->off);
	free(sg);
}

/* s[0, n) in UTF-16 into sg->u16 with the byte offsets in sg->off; 0 if it is not valid UTF-8. */
static size_t to_utf16(struct clean_segmenter *sg, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	ALLOC_GROW(sg->u16, n + 1, sg->au16); /* never more units than bytes */
	ALLOC_GROW(sg->off, n + 1, sg->aoff);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		int32_t cp;
		size_t l = utf8_decode(u + i, n - i, &cp);
		if (!l || (cp >= 0x0E00 && cp < 0x1A00) || (cp >= 0xA9E0 && cp < 0xAA80))
			return 0; /* invalid, or Thai, Lao, Myanmar, Khmer: see above */
		if (cp < 0x10000) {
			sg->u16[k] = (UChar)cp;
			sg->off[k++] = (uint32_t)i;
		} else {
			sg->u16[k] = (UChar)(0xD7C0 + (cp >> 10));
			sg->off[k++] = (uint32_t)i;
			sg->u16[k] = (UChar)(0xDC00 | (cp & 0x3FF));
			sg->off[k++] = (uint32_t)i;
		}
		i += l;
	}
	sg->off[k] = (uint32_t)n;
	return k;
}

size_t clean_segment(struct clean_segmenter *sg, const char *s, size_t n, const uint32_t **ends)
{
	UErrorCode st = U_ZERO_ERROR;
	size_t k = 0;
	ALLOC_GROW(sg->ends, 1, sg->aends);
	size_t n16 = n <= INT32_MAX ? to_utf16(sg, s, n) : 0;
	if (n16)
		sg->ut = utext_openUChars(sg->ut, sg->u16, (int64_t)n16, &st);
	else
		sg->ut = utext_openUTF8(sg->ut, s, (int64_t)n, &st);
	if (!U_FAILURE(st))
		ubrk_setUText(sg->bi, sg->ut, &st);
	if (U_FAILURE(st) || n > INT32_MAX) {
		sg->ends[0] = (uint32_t)n;
		*ends = sg->ends;
		return 1;
	}
	/* the first piece starts at 0, so non-word segments before the first word join it */
	ubrk_first(sg->bi);
	for (int32_t b = ubrk_next(sg->bi); b != UBRK_DONE; b = ubrk_next(sg->bi)) {
		uint32_t at = n16 ? sg->off[b] : (uint32_t)b; /* a byte offset */
		/* the status of the rule that made boundary b describes the segment ending there */
		if (ubrk_getRuleStatus(sg->bi) < UBRK_WORD_NONE_LIMIT) {
			if (k > 0)
				sg->ends[k - 1] = at; /* punctuation joins the piece before */
			continue;
		}
		ALLOC_GROW(sg->ends, k + 1, sg->aends);
		sg->ends[k++] = at;
	}
	if (k == 0) {
		sg->ends[0] = (uint32_t)n;
		k = 1;
	}
	sg->ends[k - 1] = (uint32_t)n;
	*ends = sg->ends;
	return k;
}
