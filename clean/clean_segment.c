/*
 * ICU word segmentation for scripts without spaces (see clean_segment.h). ICU reads the UTF-8
 * text through a UText, so its boundaries are byte offsets: no UTF-16 copy.
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
	free(sg);
}

size_t clean_segment(struct clean_segmenter *sg, const char *s, size_t n, const uint32_t **ends)
{
	UErrorCode st = U_ZERO_ERROR;
	size_t k = 0;
	ALLOC_GROW(sg->ends, 1, sg->aends);
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
		/* the status of the rule that made boundary b describes the segment ending there */
		if (ubrk_getRuleStatus(sg->bi) < UBRK_WORD_NONE_LIMIT) {
			if (k > 0)
				sg->ends[k - 1] = (uint32_t)b; /* punctuation joins the piece before */
			continue;
		}
		ALLOC_GROW(sg->ends, k + 1, sg->aends);
		sg->ends[k++] = (uint32_t)b;
	}
	if (k == 0) {
		sg->ends[0] = (uint32_t)n;
		k = 1;
	}
	sg->ends[k - 1] = (uint32_t)n;
	*ends = sg->ends;
	return k;
}
