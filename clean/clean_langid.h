/*
 * Language identification for `grist clean --lang`: CLD2 (Debian libcld2) behind one C function.
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

/* Identifies the main language of valid UTF-8 text. */
void clean_langid(const char *text, size_t len, struct clean_lang *out);

#ifdef __cplusplus
}
#endif

#endif
