/*
 * A BPE vocabulary, loaded from one of three file formats (docs/tokenize.md):
 *   - tiktoken `.tiktoken` (`base64(bytes) rank` lines; rank = id = merge priority), with its
 *     pattern and special tokens from a sidecar `<stem>.json` ({"pat_str", "special_tokens"})
 *     written by `make vocabs`, or from a known name, or given by the caller;
 *   - HuggingFace `tokenizer.json` with a BPE model, over GPT-2's byte-to-unicode alphabet
 *     (byte-level) or over characters with byte fallback (SentencePiece style), with its
 *     normalizers, pre-tokenizers, post-processor and decoders;
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
	TOK_STEP_SPLIT,        /* split on a regex; `mode` says which parts become pieces */
	TOK_STEP_PREFIX_SPACE, /* HF ByteLevel add_prefix_space: prepend ' ' unless present */
	TOK_STEP_METASPACE,    /* HF Metaspace: ' ' -> replacement, prepended per `mode`, split */
	TOK_STEP_SCRIPTS,      /* HF UnicodeScripts: split where the script changes */
	TOK_STEP_FIXED,        /* HF FixedLength: pieces of `mode` characters */
};

/* HF Metaspace prepend_scheme (TOK_STEP_METASPACE's mode). */
enum { TOK_PREPEND_ALWAYS = 0, TOK_PREPEND_FIRST = 1, TOK_PREPEND_NEVER = 2 };

struct tok_step {
	enum tok_step_kind kind;
	char *pattern;    /* PCRE2 syntax (TOK_STEP_SPLIT); the replacement (METASPACE) */
	int mode;         /* TOK_SPLIT_*: which parts become pieces; TOK_PREPEND_* (METASPACE) */
	int invert;       /* HF Split invert: the gaps are the delimiters */
	int split;        /* METASPACE: split before each replacement (MergedWithNext) */
};

/* HF's SplitDelimiterBehavior, plus tiktoken's "matches only" (= HF Removed with invert). */
enum {
	TOK_SPLIT_ISOLATED = 0, /* matches and the gaps between them, each its own piece */
	TOK_SPLIT_MATCHES = 1,  /* tiktoken: matches only (text no alternative matches is dropped) */
	TOK_SPLIT_GAPS = 2,     /* HF Split "Removed": gaps only */
	TOK_SPLIT_MERGED_PREV = 3, /* a match joins the piece before it */
	TOK_SPLIT_MERGED_NEXT = 4, /* a match joins the piece after it */
	TOK_SPLIT_CONTIGUOUS = 5,  /* runs of matches are one piece, runs of gaps too */
};

/* Normalizer steps (HF tokenizers' normalizers), applied in order to each text segment. */
enum tok_norm_kind {
	TOK_NORM_NFC, TOK_NORM_NFD, TOK_NORM_NFKC, TOK_NORM_NFKD, /* utf8proc */
	TOK_NORM_LOWERCASE,  /* Unicode full lowercase */
	TOK_NORM_STRIP,      /* White_Space off the left and/or right end */
	TOK_NORM_STRIP_ACCENTS, /* drop combining marks (as tokenizers' tables have them) */
	TOK_NORM_REPLACE,    /* every occurrence of a string */
	TOK_NORM_REPLACE_RE, /* every match of a regex */
	TOK_NORM_PREPEND,    /* a string before a non-empty segment */
	TOK_NORM_BERT_CLEAN, /* BertNormalizer clean_text: controls dropped, white space -> ' ' */
	TOK_NORM_BERT_CHINESE, /* BertNormalizer handle_chinese_chars: ' ' around CJK ideographs */
	TOK_NORM_BERT_STRIP_ACCENTS, /* BertNormalizer strip_accents after NFD: drop Mn */
	TOK_NORM_PRECOMPILED, /* SentencePiece's precompiled_charsmap (tok_norm_precompiled.c) */
	TOK_NORM_NMT,        /* HF Nmt: some controls dropped, some spaces made ' ' */
	TOK_NORM_BYTELEVEL,  /* HF ByteLevel normalizer: each byte -> its GPT-2 character */
};

struct tok_norm {
	enum tok_norm_kind kind;
	char *a;          /* REPLACE: the string (REPLACE_RE: the pattern); PREPEND: the prefix;
			   * PRECOMPILED: the decoded charsmap, a_len bytes */
	size_t a_len;
	char *b;          /* REPLACE*: the replacement */
	int left, right;  /* STRIP */
};

/* Decoder steps for --decode (HF tokenizers' decoders), over token strings. */
enum tok_dec_kind {
	TOK_DEC_BYTELEVEL,   /* tokens are bytes already: concatenate */
	TOK_DEC_BYTELEVEL_CHARS, /* ByteLevel over GPT-2-spelled tokens: each token's characters
				  * back to bytes (the token as is if one is not in the alphabet) */
	TOK_DEC_REPLACE,     /* a string by another in each token */
	TOK_DEC_BYTEFALLBACK, /* runs of <0xNN> tokens -> their bytes (U+FFFD each if not UTF-8) */
	TOK_DEC_FUSE,        /* all tokens into one */
	TOK_DEC_STRIP,       /* up to `left` / `right` characters `a` off each token's ends */
	TOK_DEC_METASPACE,   /* `a` -> ' ' in each token; dropped in the first one if `left` */
	TOK_DEC_WORDPIECE,   /* prefix `a` off later tokens, else ' ' before them; `left`: cleanup */
	TOK_DEC_BPE,         /* suffix `a` -> ' ' in each token ('' in the last one) */
	TOK_DEC_CTC,         /* runs of equal tokens -> one; pad `a` removed; `left`: WordPiece
			      * cleanup and delimiter `b` -> ' '; empty tokens dropped */
};

struct tok_dec {
	enum tok_dec_kind kind;
	char *a, *b;
	int left, right;
};
struct tok_special {
	char *text;
	uint32_t len;
	uint32_t id;
	unsigned char lstrip, rstrip, single_word, normalized; /* HF added-token matching */
	/* HF normalized=true when the normalizer changes the text: the normalized text, which
	 * tokenizers matches (in normalized text) and decodes instead; else NULL. */
	char *match;
	uint32_t match_len;
};

enum tok_format { TOK_FMT_TIKTOKEN, TOK_FMT_HF, TOK_FMT_GPT2 };

/* tokenizer.json model.type (every other format is BPE). */
enum tok_model { TOK_MODEL_BPE = 0, TOK_MODEL_WORDPIECE, TOK_MODEL_WORDLEVEL, TOK_MODEL_UNIGRAM };

struct tok_vocab {
	char *name;          /* e.g. "cl100k_base" or the file's base name */
	char *path;
	uint64_t file_hash;  /* XXH3-64 of the (main) vocabulary file */
	enum tok_format format;
	enum tok_model model;

	uint32_t n_ids;      /* highest id + 1 */
	uint32_t *tok_off;   /* id -> offset into blob, length; len TOK_NONE: unused id */
	uint32_t *tok_len;
	char *blob;
	unsigned char *is_special; /* id -> 1 for special/added tokens */

	struct tok_strmap map;     /* mergeable token bytes -> id */
	struct tok_pairmap pairs;  /* (left, right) -> (rank, merged id) */
	uint32_t byte_id[256];     /* id of each single byte */
	int whole_piece;           /* look a whole piece up before merging (tiktoken, ignore_merges) */
	/* tiktoken: a pair's rank is the id of its concatenated bytes in map (rank = id), as
	 * tiktoken computes it; no pair table is built. Else ranks come from pairs. */
	int bytes_rank;
	uint32_t *pair2;           /* bytes_rank: id of each two-byte token (b0 << 8 | b1), or TOK_NONE */

	struct tok_special *specials;
	size_t n_specials;

	struct tok_step *steps;
	size_t n_steps;
	struct tok_norm *norms;    /* HF normalizer steps, applied before pre-tokenization */
	size_t n_norms;

	/* Model details (HF). byte_level: pieces are byte strings and every byte is a token (the
	 * GPT-2 spelling was decoded at load); else pieces are split into characters, each looked
	 * up as UTF-8, then as <0xNN> tokens with byte_fallback, else the unknown token. */
	int byte_level;
	int byte_fallback;
	uint32_t fallback_id[256]; /* byte_fallback: id of <0xNN> */
	uint32_t unk_id;           /* TOK_NONE: characters without a token are dropped */
	int fuse_unk;
	/* WordPiece: greedy longest prefix, later parts looked up with wp_prefix before them; a
	 * word of more than wp_max_chars characters, or with a part not in the vocabulary, is
	 * unk_id. WordLevel: the whole piece, else unk_id. */
	char *wp_prefix;           /* also BPE's continuing_subword_prefix */
	size_t wp_prefix_len;
	uint64_t wp_max_chars;
	/* BPE: end_of_word_suffix; hf_word: symbols from tok_hf_word_symbols (an affix, or an
	 * unknown token that byte-fallback characters may follow). */
	char *eow_suffix;
	size_t eow_suffix_len;
	int hf_word;
	/* Unigram: each id's score (n_ids of them), the lowest, the longest piece in bytes. */
	double *uni_score;
	double uni_min;
	size_t uni_max_len;

	/* Post-processor (HF, --add-special): ids before and after each document. */
	uint32_t *bos_ids, *eos_ids;
	size_t n_bos, n_eos;
	char *post_unsupported;    /* non-NULL: --add-special is refused with this reason */

	struct tok_dec *decs;      /* HF decoder steps for --decode; none: tokens joined by spaces */
	size_t n_decs;
	char *dec_unsupported;     /* non-NULL: --decode is refused with this reason */

	uint32_t eot_id;           /* TOK_NONE when the vocabulary has no end-of-text token */
	/* Non-NULL: why grist cannot match the added tokens as the reference does;
	 * --allow-special is refused with it. */
	char *special_unsupported;
	int special_match;         /* some special has a `match` text */
};

/* Known pre-tokenization patterns (docs/tokenize.md). */
extern const char tok_pattern_gpt2[];
extern const char tok_pattern_cl100k[];
extern const char tok_pattern_o200k[];
/* "gpt2", "cl100k", "o200k" (or "cl100k_base", ...) -> pattern; NULL if unknown. */
const char *tok_pattern_by_name(const char *name);

/*
 * Loads a vocabulary. `spec` is a file path (.tiktoken, tokenizer.json / *.json, or
 * encoder.json with vocab.bpe beside it), a directory holding tokenizer.json (a HuggingFace
 * model folder), or a name looked up as `<dir>/<name>.tiktoken` in the directories of
 * `search_path` (colon-separated). `pattern` (a name or a regex) overrides or
 * supplies the pre-tokenization pattern of a .tiktoken file. Returns 0, or -1 with the reason
 * in err (file and entry first; "unsupported: ..." for things grist does not implement, in
 * which case *unsupported is set).
 */
int tok_vocab_load(struct tok_vocab *v, const char *spec, const char *search_path,
		   const char *pattern, struct buf *err, int *unsupported);
/* The same from memory: `name` gives the format as a path would (fuzzing, tests). */
int tok_vocab_load_mem(struct tok_vocab *v, const char *name, const char *data, size_t len,
		       const char *pattern, struct buf *err, int *unsupported);
void tok_vocab_free(struct tok_vocab *v);
/* Where `-t NAME` looks: $GRIST_VOCABS, vocabs/ beside the binary, ../share/grist/vocabs, ./vocabs
 * (colon-separated; the caller frees the string). */
char *tok_vocab_default_search_path(void);

/* Looks up the id of token text (added/special first, then the model's vocabulary, as the
 * token's own spelling in the file); TOK_NONE if absent. */
uint32_t tok_vocab_find(const struct tok_vocab *v, const char *text, size_t len);

/* The bytes token `id` stands for (byte-level: decoded bytes; else its UTF-8 text), or NULL
 * (with *len 0) for an unused id. */
const char *tok_vocab_bytes(const struct tok_vocab *v, uint32_t id, size_t *len);

/* GPT-2's byte-to-unicode table: the code point spelling byte b. */
uint32_t tok_byte_to_cp(unsigned b);


#endif
