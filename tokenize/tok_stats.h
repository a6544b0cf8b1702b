/*
 * What tokenize's --stats says about the documents beyond the totals (docs/tokenize.md,
 * "Stats"): per language (the record's `lang`, which clean adds; "un" when it has none)
 * documents, text bytes and tokens, so the run report can show the tokenizer's compression
 * (bytes per token) per language; and for --chat-template the conversations, their turns
 * (messages) and the tokens whose loss mask is 0. Each worker thread counts into its own
 * tok_stats, summed into one when the thread ends (sums, so the order does not matter).
 */
#ifndef GRIST_TOK_STATS_H
#define GRIST_TOK_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/record.h"

struct tok_stats;

/* A new, empty tok_stats; one with a parent (a worker thread's) is added into the parent when
 * freed. */
struct tok_stats *tok_stats_new(struct tok_stats *parent);
void tok_stats_free(struct tok_stats *s);
/* One tokenized document: r's `lang` (if any), its text bytes, its tokens. */
void tok_stats_doc(struct tok_stats *s, const struct record *r, uint64_t text_bytes,
		   uint64_t tokens);
/* One conversation of `turns` messages whose mask (one byte per token) has n bytes. */
void tok_stats_chat(struct tok_stats *s, size_t turns, const unsigned char *mask, size_t n);
/* Add `from` into `into` (thread-safe for several threads adding into one). */
void tok_stats_merge(struct tok_stats *into, const struct tok_stats *from);
/* ,"languages":{CODE:{"documents":N,"bytes":N,"tokens":N},...} sorted by code, and with
 * --chat-template ,"chat":{"conversations":N,"turns":N,"tokens":N,"masked_tokens":N}. */
void tok_stats_render(const struct tok_stats *s, struct buf *out);

#endif
