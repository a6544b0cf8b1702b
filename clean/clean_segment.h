/*
 * Words of scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar)
 * for clean's word-based rules: ICU's word break iterator (root locale, whose rules use ICU's
 * dictionaries for these scripts). Only a white-space-delimited word holding a letter of those
 * scripts goes through ICU; every other word is a run of non-white-space as before.
 *
 * A piece of such a word is an ICU segment. Segments ICU calls non-words (rule status
 * UBRK_WORD_NONE: punctuation, symbols) are not words of their own: they join the piece before
 * them (or the one after, at the start), as punctuation sticks to a word written with spaces
 * ("word," is one word). Digits are words (UBRK_WORD_NUMBER), as "42" is in English.
 */
#ifndef GRIST_CLEAN_SEGMENT_H
#define GRIST_CLEAN_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

/* Is cp a letter range of the scripts above? */
static inline int clean_is_nospace_cp(int32_t cp)
{
	return (cp >= 0x0E00 && cp <= 0x0EFF) ||   /* Thai, Lao */
	       (cp >= 0x1000 && cp <= 0x109F) ||   /* Myanmar */
	       (cp >= 0x1780 && cp <= 0x17FF) ||   /* Khmer */
	       (cp >= 0x19E0 && cp <= 0x19FF) ||   /* Khmer symbols */
	       (cp >= 0x3040 && cp <= 0x30FF) ||   /* Hiragana, Katakana */
	       (cp >= 0x31F0 && cp <= 0x31FF) ||   /* Katakana phonetic extensions */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified ideographs */
	       (cp >= 0xA9E0 && cp <= 0xA9FF) ||   /* Myanmar extended-B */
	       (cp >= 0xAA60 && cp <= 0xAA7F) ||   /* Myanmar extended-A */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility ideographs */
	       (cp >= 0xFF66 && cp <= 0xFF9F) ||   /* half-width Katakana */
	       (cp >= 0x1B000 && cp <= 0x1B16F) || /* Kana supplement/extended */
	       (cp >= 0x20000 && cp <= 0x3FFFF);   /* CJK extensions B.. */
}

/* Does valid UTF-8 s[0, n) hold a character of those scripts? (All are 3 or 4 bytes long.) */
int clean_has_nospace(const char *s, size_t n);

struct clean_segmenter;
struct clean_segmenter *clean_segmenter_new(void); /* NULL if ICU cannot open its data */
void clean_segmenter_free(struct clean_segmenter *sg);

/*
 * Splits s[0, n) (one word: no white space) into pieces as described above. Returns the number
 * of pieces k >= 1 and sets *ends to their end offsets (piece i is [ends[i-1], ends[i]), the
 * first starts at 0; valid until the next call). On an ICU error the whole word is one piece.
 */
size_t clean_segment(struct clean_segmenter *sg, const char *s, size_t n, const uint32_t **ends);

#endif
