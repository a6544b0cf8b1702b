/*
 * grist shard internals: the shard writers (llm.c, Megatron, nanoGPT; docs/shard.md), the
 * bounded-memory shuffle, the manifest and its verification. Library code: functions return -1
 * with a message in a caller-supplied struct buf; only shard/shard.c prints and exits.
 *
 * Data flow: token stream documents (input order) -> [shuffle] -> train/val split -> shards.
 */
#ifndef GRIST_SHARD_H
#define GRIST_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "lib/atomic.h"
#include "lib/buf.h"
#include "lib/source.h"
#include "lib/tokstream.h"

enum shard_format { SHARD_LLMC, SHARD_MEGATRON, SHARD_NANOGPT, SHARD_JSONL };
enum shard_overlong { SHARD_OVERLONG_REJECT, SHARD_OVERLONG_TRUNCATE };

#define SHARD_LLMC_MAGIC16 20240520
#define SHARD_LLMC_VERSION16 1
#define SHARD_LLMC_MAGIC32 20240801
#define SHARD_LLMC_VERSION32 7
#define SHARD_LLMC_HEADER 1024u
/* llm.c seeks with an int offset: a shard file stays below 2 GiB. */
#define SHARD_LLMC_MAX_BYTES 2147483647ull
#define SHARD_DEFAULT_LLMC_TOKENS 100000000ull
#define SHARD_DEFAULT_BUCKETS 256u
/* llm.c's loader asserts every shard holds at least B*T+1 tokens; 1,048,577 covers B*T up to
 * 2^20 (for example B = 64, T = 16384, or B = 1024, T = 1024). */
#define SHARD_DEFAULT_LLMC_MIN_TOKENS 1048577ull
/* --pack: conversations per best-fit-decreasing window (docs/shard.md, "Packing"). */
#define SHARD_DEFAULT_PACK_WINDOW 1000u

const char *shard_format_name(enum shard_format f);

struct shard_opts {
	enum shard_format format;
	char *out_dir;        /* directory part of -o (created if missing by the caller) */
	char *prefix;         /* file-name prefix part of -o */
	uint64_t shard_tokens; /* 0: the format's default (llmc 100M; others one file per split) */
	uint64_t val_tokens;  /* whole documents go to val until it holds this many tokens */
	double val_fraction;  /* or: each document goes to val with this probability (by seed) */
	uint64_t seed;
	int shuffle;
	uint32_t shuffle_buckets;
	size_t shuffle_memory;
	const char *tmp_dir;  /* shuffle spill files (default: out_dir) */
	int append_eod;       /* megatron: end-of-document token after each document */
	uint32_t eot_override; /* TOKSTREAM_NO_EOT: use the stream's */
	uint64_t min_shard_tokens; /* a last shard shorter than this joins the one before */
	int have_min_shard_tokens; /* given on the command line (else the format's default) */
	uint32_t pack;        /* --pack SEQ_LEN: rows of exactly this many tokens (0: off) */
	uint32_t pad_id;      /* --pad-id (TOKSTREAM_NO_EOT: the end-of-text id) */
	uint32_t pack_window; /* conversations per best-fit-decreasing window */
	enum shard_overlong on_overlong;
	const char *rejects_path; /* --rejects (with --pack): overlong conversations */
};

/* One conversation inside a packed row. */
struct shard_seg {
	const char *id;
	size_t id_len;
	uint64_t index;  /* position in the input */
	size_t offset;   /* first token in the row */
	size_t ntokens;
};

/* A document as the writer sees it: ids in the stream's width, little-endian. A packed row is
 * one too, with its conversations in segs (no end-of-text tokens are inserted then). */
struct shard_doc {
	const char *id;
	size_t id_len;
	uint64_t index;   /* position in the input (0-based, over all inputs) */
	size_t ntokens;
	const void *raw;  /* ntokens * width bytes */
	const uint8_t *mask; /* or NULL */
	const struct shard_seg *segs; /* a packed row: its conversations (NULL: one document) */
	size_t nsegs;
};

/* One finished output file, for the manifest. */
struct shard_file_rec {
	char *role;  /* "data", "idx", "docs", "mask" */
	char *name;  /* file name inside the output directory */
	uint64_t bytes;
	uint64_t xxh3;
	/* Complete but still under its temporary name until shard_writer_publish() renames every
	 * file together (af.tmp == NULL once renamed into place). */
	struct atomic_file af;
	char *final_path; /* set once published, for removal if a later step fails */
};

struct shard_rec {
	char *split; /* "train" or "val" */
	uint64_t tokens, documents, rows;
	struct shard_file_rec files[4];
	int nfiles;
};

/* One output file being written (shard_out.c). */
struct shard_out {
	struct atomic_file af;
	char *name; /* inside out_dir */
	char *buf;
	size_t len;
	uint64_t bytes;
	void *xx;    /* XXH3 state */
	int hashing; /* 0 when the file is hashed by re-reading it at close (llm.c header) */
};

int shard_out_open(struct shard_out *f, const char *dir, const char *name, int hashing,
		   struct buf *err);
int shard_out_write(struct shard_out *f, const void *p, size_t n, struct buf *err);
/* Flush; write `head` (if any) at offset 0 over the placeholder; hash; close under the
 * temporary name. rec gets the name, size, hash and the closed file. On failure the temporary
 * file is removed. */
int shard_out_close(struct shard_out *f, const void *head, size_t head_len, const char *role,
		    struct shard_file_rec *rec, struct buf *err);
void shard_out_free(struct shard_out *f);
/* "dir/name" ("name" when dir is "." or empty), name with its suffix `old` replaced. */
char *shard_join_path(const char *dir, const char *name);
char *shard_replace_suffix(const char *name, const char *old, const char *new_suffix);

/* One open shard (shard_cur.c). */
struct shard_cur {
	struct shard_out data, docs, mask;
	int has_mask;
	uint64_t tokens, documents, rows;
	/* Megatron .idx contents, built in memory (12 bytes per document). */
	int32_t *seq_len;
	int64_t *seq_ptr;
	size_t nseq, len_alloc, ptr_alloc;
	struct buf line;
};

struct shard_writer;
struct shard_split;
int shard_cur_open(struct shard_writer *w, struct shard_split *s, struct buf *err);
/* Appends a document (n tokens, with the end-of-text tokens the format inserts) or a packed row. */
int shard_cur_add(struct shard_writer *w, struct shard_cur *c, const struct shard_doc *d,
		  uint64_t n, struct buf *err);
/* Completes the split's open shard (files closed under temporary names) and records it. */
int shard_cur_close(struct shard_writer *w, struct shard_split *s, struct buf *err);
void shard_cur_free(struct shard_cur *c);

/* Documents held back after a cut until they reach --min-shard-tokens (shard_writer.c). */
struct shard_tail {
	struct buf data; /* ids, raw tokens and masks of the held documents */
	struct shard_tail_doc *docs;
	size_t n, alloc;
	struct shard_tail_seg *segs;
	size_t nsegs, segs_alloc;
	uint64_t tokens;
};

struct shard_split {
	const char *name;
	unsigned next_index;
	struct shard_cur *cur;
	struct shard_tail tail;
	struct shard_pack *pack; /* --pack: the window of conversations not yet in rows */
	uint64_t tokens;    /* in this split's shards (and held back for them) */
	uint64_t accepted;  /* of documents accepted into the split (decides --val-tokens) */
	uint64_t documents; /* accepted into this split */
};

struct shard_writer {
	struct shard_opts o;
	struct tokstream_header h; /* the input's */
	uint32_t eot;              /* end-of-text id used, or TOKSTREAM_NO_EOT */
	uint32_t out_width;        /* 2 or 4 */
	uint64_t limit;            /* tokens per shard (UINT64_MAX: unlimited) */
	uint64_t min_tokens;       /* --min-shard-tokens in effect (0: off) */
	uint64_t merged_tails;     /* short last shards merged into the one before */
	struct shard_split split[2]; /* 0 val, 1 train */
	struct shard_rec *recs;
	size_t nrecs, recs_alloc;
	uint64_t empty_docs, docs_in, tokens_in;
	uint64_t stale_removed; /* files of an earlier run's larger shard set, removed at the end */
	struct buf scratch;
	int has_mask;              /* shards get a .mask.bin (masked stream, or --pack) */
	struct buf rejects;        /* --pack: rejects lines (overlong conversations) */
	const char *rejects_path;  /* where they go (NULL: counted only) */
	struct atomic_file rejects_af;
	uint64_t overlong_rejected, overlong_truncated;
	uint64_t pack_rows, pack_real, pack_pad;
	uint32_t pad_id;           /* --pack: the padding id in use */
};

/* Checks the options against the stream header (format needs an end-of-text id, ...). */
int shard_writer_init(struct shard_writer *w, const struct shard_opts *o,
		      const struct tokstream_header *h, struct buf *err);
/* Adds one document in final order (after any shuffle); the split is decided here. */
int shard_writer_add(struct shard_writer *w, const struct shard_doc *d, struct buf *err);
/*
 * The end of a run, in two steps: close every file (counts are final after this), then publish
 * them together with the files of `extra` (--stats; may be NULL): every file renamed into place
 * (none appears under its final name before all are complete), files an earlier run with the
 * same prefix left that are not part of this set removed, the manifest written last.
 */
int shard_writer_close(struct shard_writer *w, struct buf *err);
int shard_writer_publish(struct shard_writer *w, struct atomic_set *extra, struct buf *err);
/* After an error: removes every file of this run, temporary or already renamed, so a failed
 * run leaves nothing under a final name. */
void shard_writer_abort(struct shard_writer *w);
void shard_writer_release(struct shard_writer *w);

/* ---- packing (shard_pack.c) ---- */
struct shard_pack;
/* Receives each finished row, in order. */
typedef int (*shard_row_fn)(void *ctx, const struct shard_doc *row, struct buf *err);
struct shard_pack *shard_pack_new(uint32_t seq_len, uint32_t width, uint32_t pad_id,
				  uint32_t window, int has_mask);
/* Adds a conversation (at most seq_len tokens); a full window is packed and emitted. */
int shard_pack_add(struct shard_pack *p, const struct shard_doc *d, shard_row_fn emit, void *ctx,
		   struct buf *err);
/* Packs and emits what the window holds. */
int shard_pack_flush(struct shard_pack *p, shard_row_fn emit, void *ctx, struct buf *err);
/* Rows emitted and their real and padding tokens so far. */
void shard_pack_counts(const struct shard_pack *p, uint64_t *rows, uint64_t *real, uint64_t *pad);
void shard_pack_free(struct shard_pack *p);

/* ---- shuffle (shard_shuffle.c) ---- */
struct shard_shuffle;
struct shard_shuffle *shard_shuffle_new(const struct shard_opts *o, uint32_t width, int has_mask);
int shard_shuffle_add(struct shard_shuffle *s, const struct shard_doc *d, struct buf *err);
/* Emits every document in shuffled order to w. */
int shard_shuffle_finish(struct shard_shuffle *s, struct shard_writer *w, struct buf *err);
void shard_shuffle_free(struct shard_shuffle *s);
/* Peak bytes held in memory by the shuffle (for the stats line). */
size_t shard_shuffle_peak(const struct shard_shuffle *s);

/* The two steps of the shuffle, exposed for tests: the bucket of document `index`, and the
 * Fisher-Yates permutation of a bucket's n items in place. */
uint32_t shard_bucket_of(uint64_t seed, uint32_t k, uint64_t index);
void shard_permute(uint64_t seed, uint32_t bucket, size_t *a, size_t n);

/* ---- deterministic pseudo-random numbers (shard_shuffle.c) ---- */
uint64_t shard_mix64(uint64_t x);
/* A value in [0, 1) from (seed, stream, index), the same on every platform. */
double shard_unit(uint64_t seed, uint64_t stream, uint64_t index);

/* ---- manifest (shard_manifest.c) ---- */
void shard_json_str(struct buf *b, const char *s, size_t n);
/* Serializes the manifest of w into out. */
void shard_manifest_build(const struct shard_writer *w, struct buf *out);
/* Path of the manifest for `grist shard verify ARG`: a manifest file, DIR/PREFIX, or a directory
 * with exactly one *.manifest.json. */
int shard_manifest_locate(const char *arg, struct buf *path, struct buf *err);
/*
 * Re-checks every file listed in the manifest (size, XXH3-64, the format's own header and index
 * consistency). Returns the number of problems (0 = all good) with one line per problem in
 * report, or -1 if the manifest itself cannot be read (message in err).
 */
int shard_verify(const char *manifest_path, struct buf *report, uint64_t *nfiles, struct buf *err);

/* XXH3-64 of a file (whole), and its size. */
int shard_hash_file(const char *path, uint64_t *hash, uint64_t *bytes, struct buf *err);

/* A token stream input (shard_input.c): a file, or stdin for "-", compressed or not. */
struct shard_input {
	struct source src;
	struct tokstream_reader rd;
	struct buf read_err; /* the source's message after a failed read */
	int failed, open, reading;
};
/* Open path and read the stream's header (in->rd.h). 0, or -GRIST_EXIT_IO (cannot be opened
 * or read) / -GRIST_EXIT_DATA (not a valid stream, a damaged compressed stream) with the message
 * in err; shard_input_close in every case. */
int shard_input_open(struct shard_input *in, const char *path, struct buf *err);
/* The next document: 1, 0 at the end, or a negative exit code as for shard_input_open. */
int shard_input_next(struct shard_input *in, struct tokstream_doc *doc, struct buf *err);
void shard_input_close(struct shard_input *in);

#endif
