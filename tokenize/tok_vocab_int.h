/*
 * Internals shared by the vocabulary loaders (tok_vocab.c: tables and dispatch; one file per
 * format: tok_tiktoken.c, tok_hf.c with tok_hf_pipeline.c, tok_gpt2.c). Not for other modules.
 *
 * Every loader collects (bytes, id, kind) entries and merges; tok_build_tables() builds the
 * id tables and checks them once for all formats.
 */
#ifndef GRIST_TOK_VOCAB_INT_H
#define GRIST_TOK_VOCAB_INT_H

#include <jansson.h>

#include "tokenize/tok_vocab.h"

enum { TOK_ENTRY_MERGEABLE = 0, TOK_ENTRY_ADDED = 1, TOK_ENTRY_OTHER = 2 };

struct tok_entry {
	uint32_t off, len, id;
	int kind; /* TOK_ENTRY_*: ADDED tokens are matched as text only with --allow-special */
};

struct tok_builder {
	struct buf blob;
	struct tok_entry *e;
	size_t n, alloc;
	const char *file; /* for messages */
	int need_bytes;   /* byte-level: every single byte must be a token */
};

void tok_builder_add(struct tok_builder *b, const void *p, size_t len, uint32_t id, int kind);
void tok_builder_release(struct tok_builder *b);
/* Builds the id tables and the mergeable map, with the checks every format shares (ids bounded
 * by the number of entries, no id or token twice, the 256 bytes for byte-level vocabularies).
 * Returns 0, or -1 with err set (*unsupported set for what grist does not implement). */
int tok_build_tables(struct tok_vocab *v, struct tok_builder *b, struct buf *err, int *unsupported);

/* A token's bytes in a message: printable ASCII as is, the rest as \xNN, quoted. */
void tok_add_shown(struct buf *err, const char *p, size_t n);
void tok_vocab_add_step(struct tok_vocab *v, enum tok_step_kind kind, const char *pattern, int mode);
/* "FILE: unsupported: WHAT[ DETAIL]"; sets *unsupported, returns -1. */
int tok_unsupported(int *unsupported, struct buf *err, const char *file, const char *what,
		    const char *detail);

/* GPT-2 byte-level spelling -> bytes; -1 (out = the raw text) if a character is outside it. */
int tok_bytelevel_decode(const char *s, size_t n, struct buf *out);
/* A JSON vocab object (string -> id) into the builder; byte_level: spellings decoded to bytes. */
int tok_add_json_vocab(struct tok_builder *b, json_t *vocab, int byte_level, struct buf *err);
/* One merge (a, b) of rank `rank` into v->pairs; `where` names the entry in messages. */
int tok_add_merge(struct tok_vocab *v, json_t *vocab, const char *a, const char *bb, uint32_t rank,
		  const char *file, const char *where, const char *prefix, struct buf *tmp,
		  struct buf *err);

/* The format loaders, on the file's bytes (path names it in messages and finds sidecars). */
int tok_load_tiktoken(struct tok_vocab *v, const char *path, const char *data, size_t len,
		      const char *pattern, struct buf *err, int *unsupported);
int tok_load_hf(struct tok_vocab *v, const char *path, const char *data, size_t len,
		struct buf *err, int *unsupported);
int tok_load_gpt2(struct tok_vocab *v, const char *path, const char *data, size_t len,
		  struct buf *err, int *unsupported);
int tok_read_file(const char *path, struct buf *out, struct buf *err);

#endif
