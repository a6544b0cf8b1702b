/*
 * Language identification for `grist clean`: CLD2 (Debian libcld2) behind C functions.
 * CLD2 keeps no mutable global state, so this is safe to call from many threads.
 */
#ifndef GRIST_CLEAN_LANGID_H
#define GRIST_CLEAN_LANGID_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct clean_lang {
	char code[16]; /* ISO 639-1 where one exists ("en", "zh", "he"), else CLD2's code; "un" */
	double score;  /* fraction of the text's letters in that language, halved when CLD2 does not
			  call the result reliable; 0 for "un" */
};

/*
 * Identifies the main language of valid UTF-8 text. Text longer than sample_bytes (0: no
 * limit) is identified from three pieces of sample_bytes / 3 each, from its start, middle and
 * end, cut at white space: CLD2 costs time in proportion to the bytes it reads (about 23 MB/s
 * here), and a few hundred words decide a language as well as a whole book does.
 */
void clean_langid(const char *text, size_t len, size_t sample_bytes, struct clean_lang *out);

/* Is code (lowercase) one that clean_langid can return, after its ISO 639-1 fixes? Then out
 * gets it as clean_langid spells it ("zh-Hant" is "zh", CLD2's "sr-ME" keeps its case). */
int clean_langid_known_code(const char *code, char out[16]);

/* The code of the CLD2 language whose name is `name` (lowercase, "german"); 0, or -1 when no
 * language or more than one has that name. */
int clean_langid_code_for_name(const char *name, char out[16]);

#ifdef __cplusplus
}
#endif

#endif
