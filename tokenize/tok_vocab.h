/*
 * A byte-level BPE vocabulary, loaded from one of three file formats (docs/design.md section 6):
 *   - tiktoken `.tiktoken` (`base64(bytes) rank` lines; rank = id = merge priority), with its
 *     pattern and special tokens from a sidecar `<stem>.json` ({"pat_str", "special_tokens"})
 *     written by `make vocabs`, or from a known name, or given by the caller;
 *   - HuggingFace `tokenizer.json` with a BPE model over GPT-2's byte-to-unicode alphabet;
 *   - GPT-2 `encoder.json` + `vocab.bpe`.
 * Whatever the source, the result is the same tables: id -> bytes (for decoding), bytes -> id
 * for the mergeable tokens, (left id, right id) -> (rank, merged id) for the merge loop, the
 * special tokens, and the pre-tokenizer steps. A loaded vocabulary is read-only and shared by
 * all threads.
 */
#ifndef GRIST_TOK_VOCAB_H
#define GRIST_TOK_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "tokenize/tok_map.h"

/* Pre-tokenizer step kinds, applied in order to every piece the previous step produced. */
enum tok_step_kind {
	TOK_STEP_SPLIT,        /* split on a regex; matches and the gaps between them are pieces */
	TOK_STEP_PREFIX_SPACE, /* HF ByteLevel add_prefix_space: prepend ' ' unless present */
};

struct tok_step {
	enum tok_step_kind kind;
	char *pattern;    /* PCRE2 syntax (TOK_STEP_SPLIT) */
	int mode;         /* TOK_SPLIT_*: which parts become pieces */
};

enum {
	TOK_SPLIT_ISOLATED = 0, /* HF Split "Isolated": matches and the gaps between them */
	TOK_SPLIT_MATCHES = 1,  /* tiktoken: matches only (text no alternative matches is dropped) */
	TOK_SPLIT_GAPS = 2,     /* HF Split "Removed": gaps only */
};

struct tok_special {
	char *text;
	uint32_t len;
	uint32_t id;
};

enum tok_format { TOK_FMT_TIKTOKEN, TOK_FMT_HF, TOK_FMT_GPT2 };

struct tok_vocab {
	char *name;          /* e.g. "cl100k_base" or the file's base name */
	char *path;
	uint64_t file_hash;  /* XXH3-64 of the (main) vocabulary file */
	enum tok_format format;

	uint32_t n_ids;      /* highest id + 1 */
	uint32_t *tok_off;   /* id -> offset into blob, length; len TOK_NONE: unused id */
	uint32_t *tok_len;
	char *blob;
	unsigned char *is_special; /* id -> 1 for special/added tokens */

	struct tok_strmap map;     /* mergeable token bytes -> id */
	struct tok_pairmap pairs;  /* (left, right) -> (rank, merged id) */
	uint32_t byte_id[256];     /* id of each single byte */
	int whole_piece;           /* look a whole piece up before merging (tiktoken, ignore_merges) */

	struct tok_special *specials;
	size_t n_specials;

	struct tok_step *steps;
	size_t n_steps;

	uint32_t eot_id;           /* TOK_NONE when the vocabulary has no end-of-text token */
	/* Non-NULL: what about the special tokens grist cannot match as the reference does (HF
	 * added tokens with lstrip/rstrip/single_word); --allow-special is refused with it. */
	char *special_unsupported;
};

/* Known pre-tokenization patterns (docs/design.md section 6). */
extern const char tok_pattern_gpt2[];
extern const char tok_pattern_cl100k[];
extern const char tok_pattern_o200k[];
/* "gpt2", "cl100k", "o200k" (or "cl100k_base", ...) -> pattern; NULL if unknown. */
const char *tok_pattern_by_name(const char *name);

/*
 * Loads a vocabulary. `spec` is a file path (.tiktoken, tokenizer.json / *.json, or
 * encoder.json with vocab.bpe beside it) or a name looked up as `<dir>/<name>.tiktoken` in the
 * directories of `search_path` (colon-separated). `pattern` (a name or a regex) overrides or
 * supplies the pre-tokenization pattern of a .tiktoken file. Returns 0, or -1 with the reason
 * in err (file and entry first; "unsupported: ..." for things grist does not implement, in
 * which case *unsupported is set).
 */
int tok_vocab_load(struct tok_vocab *v, const char *spec, const char *search_path,
		   const char *pattern, struct buf *err, int *unsupported);
void tok_vocab_free(struct tok_vocab *v);
/* Where `-t NAME` looks: $GRIST_VOCABS, vocabs/ beside the binary, ../share/grist/vocabs, ./vocabs
 * (colon-separated; the caller frees the string). */
char *tok_vocab_default_search_path(void);

/* Looks up the id of token text (special or mergeable); TOK_NONE if absent. */
uint32_t tok_vocab_find(const struct tok_vocab *v, const char *text, size_t len);

/* GPT-2's byte-to-unicode table: the code point spelling byte b. */
uint32_t tok_byte_to_cp(unsigned b);

/* Standard base64 decoding into out; returns -1 on a malformed string. */
int tok_base64_decode(const char *s, size_t n, struct buf *out);

#endif
