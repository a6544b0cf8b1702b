/*
 * grist tokenize train: learn a byte-level BPE vocabulary from JSONL records.
 *
 * Workers pre-tokenize the text of each batch of records and count its distinct pieces; the
 * main thread adds each batch's counts, in input order, to one table (pruned to --max-pieces);
 * then train_bpe() learns the merges and the vocabulary is written as a HuggingFace
 * tokenizer.json (-o) and optionally a .tiktoken file. See tokenize/train.h for the algorithm,
 * the id layout and the tie-break.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "lib/atomic.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/opts.h"
#include "lib/parallel.h"
#include "lib/record.h"
#include "lib/source.h"
#include "lib/stage.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/train.h"

#define DEFAULT_MAX_PIECES (16u << 20)

struct trainer {
	struct common_opts co;
	const char *pattern;
	struct train_splitter *splitter;
	const char **specials;
	size_t nspecials, specials_alloc;
	uint64_t vocab_size, min_frequency, max_token_length, max_pieces;
	const char *tiktoken_path;
	const char *dump_pieces_path;
	size_t batch_bytes;
	struct train_pieces pieces;
	uint64_t pieces_total; /* pieces seen */
	struct name_list names;
	struct stage_run run;
	double t_merge0, last_merge_progress, last_count_progress;
	int progress;
	int warned_prune;
	/* figures of the counting and merging phases, for the summary and --stats */
	double t_count, t_merge;
	uint64_t npieces, npruned, npruned_count;
	size_t ndistinct, table_memory;
};


static void usage(FILE *f)
{
	fprintf(f,
		"usage: grist tokenize train --vocab-size N [OPTIONS] [FILE...|-]\n\n"
		"Learn a byte-level BPE vocabulary from the text of JSONL records (stdin when no\n"
		"FILE or '-') and write it as a HuggingFace tokenizer.json (-o, default stdout).\n"
		"Ids: 0-255 the bytes, then learned tokens in order, then the special tokens.\n\n"
		"Train options:\n"
		"  --vocab-size N        total vocabulary size, bytes and specials included (required)\n"
		"  --pattern P           pre-tokenizer: gpt2, cl100k, o200k or a PCRE2 regex (default: gpt2)\n"
		"  --special TOKEN       add a special token (repeatable; ids after the learned tokens)\n"
		"  --min-frequency N     stop when the best pair occurs fewer than N times (default: 1)\n"
		"  --max-token-length N  never learn tokens longer than N bytes (default: 0, no limit)\n"
		"  --max-pieces N        keep at most N distinct pieces in memory; beyond it the rarest\n"
		"                        are dropped (default: %u; peak memory is about 250 bytes\n"
		"                        per distinct piece; 0: no limit)\n"
		"  --tiktoken FILE       also write the vocabulary as a .tiktoken file\n"
		"  --batch-bytes N       bytes of input per work batch (default: 1M)\n"
		"  --dump-pieces FILE    write the distinct pieces as \"COUNT HEX\" lines (for testing)\n",
		DEFAULT_MAX_PIECES);
	common_opts_help(f, 1);
	fprintf(f, "\nExamples:\n"
		   "  grist tokenize train --vocab-size 32k --special '<|endoftext|>' -o tok.json docs.jsonl\n"
		   "  grist tokenize -t tok.json docs.jsonl | grist shard --format llmc -o out/x\n");
}

struct train_thread {
	struct train_split_state *split;
	struct train_pieces local;
	struct record_check check;
	struct buf text, err;
};

static void *thread_new(void *shared)
{
	struct trainer *tr = shared;
	struct train_thread *t = xcalloc(1, sizeof(*t));
	record_check_init(&t->check);
	buf_init(&t->text, 0);
	buf_init(&t->err, 0);
	t->split = train_split_state_new(tr->splitter);
	train_pieces_init(&t->local);
	return t;
}

static void thread_free(void *p)
{
	struct train_thread *t = p;
	train_split_state_free(t->split);
	train_pieces_release(&t->local);
	record_check_release(&t->check);
	buf_release(&t->text);
	buf_release(&t->err);
	free(t);
}

static void add_piece(void *ctx, const char *p, size_t n)
{
	struct train_thread *t = ctx;
	train_pieces_add(&t->local, p, n, 1);
}

/* One record: its text's pieces into the thread's table. -1 stops the batch. */
static int train_line(void *shared, void *thread_state, struct batch *b, const struct line *l)
{
	struct trainer *tr = shared;
	struct train_thread *t = thread_state;
	const struct common_opts *o = &tr->co;
	struct record r;
	switch (stage_check_record(b, o, l, &r, &t->check)) {
	case RECORD_STOP:
		return -1;
	case RECORD_DROP:
		stage_reject(b, "tokenize-train", l, &r, &t->check);
		return 0;
	case RECORD_EMPTY:
		b->counts.records_out++; /* empty text: nothing to count */
		counts_text_length(&b->counts, 0);
		return 0;
	case RECORD_KEEP:
		break;
	case RECORD_CHAT:
		BUG("a chat verdict without check.chat");
	}
	buf_reset(&t->text);
	record_text(&r, &t->text);
	counts_text_length(&b->counts, t->text.len);
	b->counts.records_out++;
	buf_reset(&t->err);
	if (train_split(tr->splitter, t->split, t->text.data, t->text.len, add_piece, t, &t->err) < 0) {
		stage_fatal(b, "pre-tokenization failed", l->lineno, l->offset, t->err.data);
		return -1;
	}
	return 0;
}

static void train_work(void *shared, void *thread_state, struct batch *b)
{
	struct train_thread *t = thread_state;
	train_pieces_reset(&t->local);
	batch_each_line(b, train_line, shared, thread_state);
	/* The batch's distinct pieces travel to the main thread in b->out. */
	train_pieces_serialize(&t->local, &b->out);
}

/* The counting phase's progress line: input read, pieces counted, distinct pieces. */
static void count_progress(struct trainer *tr, int final)
{
	if (!tr->progress)
		return;
	double now = stats_now();
	if (!final && now - tr->last_count_progress < 0.5)
		return;
	tr->last_count_progress = now;
	double el = now - tr->run.stats.t0;
	uint64_t done = tr->run.bytes_read, total = tr->run.stats.total_input;
	fprintf(stderr, "\rgrist tokenize train: %.1f MB, %llu pieces (%zu distinct), %.1f MB/s",
		(double)done / 1e6, (unsigned long long)tr->pieces.total, tr->pieces.n,
		el > 0 ? (double)done / el / 1e6 : 0.0);
	if (total)
		fprintf(stderr, ", %.0f%%", 100.0 * (double)done / (double)total);
	fputs(final ? "\n" : "   ", stderr);
}

static void train_emit(void *shared, struct batch *b)
{
	struct trainer *tr = shared;
	if (train_pieces_add_serialized(&tr->pieces, b->out.data, b->out.len) < 0)
		BUG("malformed piece batch");
	buf_reset(&b->out);
	if (tr->max_pieces && tr->pieces.n > tr->max_pieces) {
		train_pieces_prune(&tr->pieces, tr->max_pieces);
		if (!tr->warned_prune && !tr->co.quiet)
			warning("more than %llu distinct pieces: dropping the rarest (counts below %llu); "
				"raise --max-pieces for exact counts",
				(unsigned long long)tr->max_pieces, (unsigned long long)tr->pieces.min_kept);
		tr->warned_prune = 1;
	}
	stage_emit(&tr->run, b);
	count_progress(tr, 0);
}


static void merge_progress(void *ctx, uint32_t merges, uint32_t target)
{
	struct trainer *tr = ctx;
	if (!tr->progress)
		return;
	double now = stats_now();
	if (merges < target && now - tr->last_merge_progress < 0.5)
		return;
	tr->last_merge_progress = now;
	double el = now - tr->t_merge0;
	fprintf(stderr, "\rgrist tokenize train: %u of %u merges, %.0f merges/s   ", merges, target,
		el > 0 ? merges / el : 0.0);
}

static void dump_pieces(const struct train_pieces *t, const char *path)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	for (size_t i = 0; i < t->n; i++) {
		const unsigned char *p = (const unsigned char *)train_piece_bytes(t, &t->e[i]);
		buf_addf(&out, "%llu ", (unsigned long long)t->e[i].count);
		for (uint32_t k = 0; k < t->e[i].len; k++)
			buf_addf(&out, "%02x", p[k]);
		buf_addch(&out, '\n');
	}
	if (atomic_write_file(path, out.data, out.len, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	buf_release(&out);
	buf_release(&err);
}

enum {
	OPT_VOCAB_SIZE = OPT_STAGE_BASE,
	OPT_PATTERN,
	OPT_SPECIAL,
	OPT_MIN_FREQUENCY,
	OPT_MAX_TOKEN_LENGTH,
	OPT_MAX_PIECES,
	OPT_TIKTOKEN,
	OPT_BATCH_BYTES,
	OPT_DUMP_PIECES,
};

static const struct option train_longopts[] = {
	COMMON_LONG_OPTIONS,
	RECORD_LONG_OPTIONS,
	{ "vocab-size", required_argument, 0, OPT_VOCAB_SIZE },
	{ "pattern", required_argument, 0, OPT_PATTERN },
	{ "special", required_argument, 0, OPT_SPECIAL },
	{ "min-frequency", required_argument, 0, OPT_MIN_FREQUENCY },
	{ "max-token-length", required_argument, 0, OPT_MAX_TOKEN_LENGTH },
	{ "max-pieces", required_argument, 0, OPT_MAX_PIECES },
	{ "tiktoken", required_argument, 0, OPT_TIKTOKEN },
	{ "batch-bytes", required_argument, 0, OPT_BATCH_BYTES },
	{ "dump-pieces", required_argument, 0, OPT_DUMP_PIECES },
	{ 0, 0, 0, 0 },
};

static void add_special(struct trainer *tr, const char *tok)
{
	if (!*tok)
		die(GRIST_EXIT_USAGE, "--special expects a non-empty token");
	if (utf8_valid_prefix(tok, strlen(tok)) != strlen(tok))
		die(GRIST_EXIT_USAGE, "--special '%s' is not valid UTF-8", tok);
	for (size_t i = 0; i < tr->nspecials; i++)
		if (!strcmp(tr->specials[i], tok))
			die(GRIST_EXIT_USAGE, "special token '%s' given twice", tok);
	ALLOC_GROW(tr->specials, tr->nspecials + 1, tr->specials_alloc);
	tr->specials[tr->nspecials++] = tok;
}

/* One train option (not a common one); 0 when c is not one. */
static int train_opt(void *ctx, int c, const char *arg)
{
	struct trainer *tr = ctx;
	switch (c) {
	case OPT_VOCAB_SIZE:
		tr->vocab_size = opts_count("--vocab-size", arg, 1, UINT32_MAX - 1);
		return 1;
	case OPT_PATTERN:
		tr->pattern = arg;
		return 1;
	case OPT_SPECIAL:
		add_special(tr, arg);
		return 1;
	case OPT_MIN_FREQUENCY:
		tr->min_frequency = opts_count("--min-frequency", arg, 0, UINT64_MAX);
		return 1;
	case OPT_MAX_TOKEN_LENGTH:
		tr->max_token_length = opts_count("--max-token-length", arg, 0, UINT32_MAX);
		return 1;
	case OPT_MAX_PIECES:
		tr->max_pieces = opts_count("--max-pieces", arg, 0, UINT32_MAX - 2);
		return 1;
	case OPT_DUMP_PIECES:
		tr->dump_pieces_path = arg;
		return 1;
	case OPT_TIKTOKEN:
		tr->tiktoken_path = arg;
		return 1;
	case OPT_BATCH_BYTES:
		tr->batch_bytes = opts_batch_bytes(arg);
		return 1;
	}
	return 0;
}

/* Options into *tr (defaults first). Returns 0, or the exit code of a usage error. */
static int train_parse_options(struct trainer *tr, int argc, char **argv)
{
	memset(tr, 0, sizeof(*tr));
	common_opts_init(&tr->co);
	tr->pattern = "gpt2";
	tr->max_pieces = DEFAULT_MAX_PIECES;
	tr->batch_bytes = 1u << 20;
	int rc = opts_parse(&tr->co, argc, argv, COMMON_SHORT_OPTIONS, train_longopts, usage,
			    train_opt, tr);
	tr->progress = tr->co.progress && !tr->co.quiet;
	return rc;
}

/* The options together: a vocabulary size that fits, a pattern that compiles, outputs apart. */
static void train_validate(struct trainer *tr)
{
	if (!tr->vocab_size)
		die(GRIST_EXIT_USAGE, "--vocab-size is required (256 bytes + learned tokens + specials)");
	if (tr->vocab_size < 256 + (uint64_t)tr->nspecials)
		die(GRIST_EXIT_USAGE, "--vocab-size %llu is too small: the 256 byte tokens and %zu special "
		    "token(s) need at least %llu", (unsigned long long)tr->vocab_size, tr->nspecials,
		    (unsigned long long)(256 + tr->nspecials));
	struct buf err = BUF_INIT;
	tr->splitter = train_splitter_new(tr->pattern, &err);
	if (!tr->splitter)
		die(GRIST_EXIT_USAGE, "--pattern '%s': %s", tr->pattern, err.data);
	buf_release(&err);
	stage_check_outputs(&tr->co, "--tiktoken", tr->tiktoken_path);
}

/* Phase 1: the inputs' distinct pieces and their counts into tr->pieces. */
static void train_count(struct trainer *tr, int argc, char **argv)
{
	struct stats *st = &tr->run.stats;
	stage_run_init(&tr->run, "tokenize-train", &tr->co, argc, argv);
	stats_option_num(st, "vocab_size", (double)tr->vocab_size);
	stats_option_str(st, "pattern", tr->pattern);
	stats_option_num(st, "min_frequency", (double)tr->min_frequency);
	stats_option_num(st, "max_token_length", (double)tr->max_token_length);
	stats_option_num(st, "max_pieces", (double)tr->max_pieces);
	st->progress = 0; /* this stage draws its own progress lines */
	train_pieces_init(&tr->pieces);
	struct par_config pc = {
		.jobs = tr->co.jobs, .work = train_work, .emit = train_emit, .shared = tr,
		.thread_new = thread_new, .thread_free = thread_free,
	};
	struct par *par = par_new(&pc);
	stage_read_inputs(&tr->run, par, argc, argv, optind, tr->batch_bytes, 0, &tr->names);
	par_finish(par);
	count_progress(tr, 1);
	tr->t_count = stats_now() - st->t0;
	tr->npieces = tr->pieces.total;
	tr->ndistinct = tr->pieces.n;
	tr->npruned = tr->pieces.pruned_pieces;
	tr->npruned_count = tr->pieces.pruned_count;
	stage_check_all_dropped(&tr->run);
	if (tr->pieces.n == 0)
		die(GRIST_EXIT_DATA, "empty corpus: no text in %llu record(s) read",
		    (unsigned long long)st->c.records_in);
	if (tr->dump_pieces_path)
		dump_pieces(&tr->pieces, tr->dump_pieces_path);
}

/* Phase 2: the merges (the piece table is released on the way). */
static void train_merges(struct trainer *tr, struct train_result *res)
{
	struct train_params prm = {
		.vocab_size = (uint32_t)tr->vocab_size,
		.nspecials = (uint32_t)tr->nspecials,
		.specials = tr->specials,
		.min_frequency = tr->min_frequency,
		.max_token_length = (uint32_t)tr->max_token_length,
		.release_pieces = 1,
		.progress = merge_progress,
		.progress_ctx = tr,
	};
	struct buf err = BUF_INIT;
	tr->table_memory = train_pieces_memory(&tr->pieces);
	tr->t_merge0 = stats_now();
	if (train_bpe(&tr->pieces, &prm, res, &err) < 0)
		die(GRIST_EXIT_USAGE, "%s", err.data);
	if (tr->progress)
		fputc('\n', stderr);
	tr->t_merge = stats_now() - tr->t_merge0;
	buf_release(&err);
}

/* tokenizer.json to -o; the .tiktoken joins the outputs published together at the end. */
static void train_write_outputs(struct trainer *tr, const struct train_result *res)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	if (train_write_hf(res, train_splitter_regex(tr->splitter), tr->specials,
			   (uint32_t)tr->nspecials, &out, &err) < 0)
		die(GRIST_EXIT_USAGE, "%s", err.data);
	output_write(tr->run.out, out.data, out.len);
	tr->run.stats.c.bytes_out = out.len;
	if (tr->tiktoken_path) {
		buf_reset(&out);
		train_write_tiktoken(res, &out);
		/* published with -o, --rejects and --stats by stage_run_finish */
		if (atomic_set_add_data(&tr->run.set, tr->tiktoken_path, out.data, out.len, &err) < 0)
			die(GRIST_EXIT_IO, "%s", err.data);
	}
	buf_release(&out);
	buf_release(&err);
}

/* The warning for a short vocabulary, the stage's --stats figures and the summary line. */
static void train_report(struct trainer *tr, const struct train_result *res)
{
	uint32_t vocab = res->ntokens + (uint32_t)tr->nspecials;
	if (vocab < tr->vocab_size && !tr->co.quiet)
		warning("vocabulary has %u tokens, fewer than --vocab-size %llu: no pair left with "
			"count >= %llu", vocab, (unsigned long long)tr->vocab_size,
			(unsigned long long)(tr->min_frequency ? tr->min_frequency : 1));
	buf_addf(&tr->run.stats.stage_json,
		 "\"pieces\":%llu,\"distinct_pieces\":%zu,\"pruned_pieces\":%llu,"
		 "\"pruned_piece_count\":%llu,\"words\":%llu,\"symbols\":%llu,\"pairs\":%llu,"
		 "\"merges\":%u,\"vocab_size\":%u,\"last_merge_count\":%llu,"
		 "\"piece_table_bytes\":%zu,\"merge_tables_bytes\":%zu,"
		 "\"count_seconds\":%.3f,\"merge_seconds\":%.3f",
		 (unsigned long long)tr->npieces, tr->ndistinct, (unsigned long long)tr->npruned,
		 (unsigned long long)tr->npruned_count, (unsigned long long)res->words,
		 (unsigned long long)res->symbols, (unsigned long long)res->pairs_created,
		 res->nmerges, vocab, (unsigned long long)res->last_count, tr->table_memory,
		 res->peak_memory, tr->t_count, tr->t_merge);
	if (!tr->co.quiet)
		fprintf(stderr, "grist tokenize train: %llu pieces (%zu distinct), %u merges, vocabulary "
			"%u; counting %.2f s, merging %.2f s\n", (unsigned long long)tr->npieces,
			tr->ndistinct, res->nmerges, vocab, tr->t_count, tr->t_merge);
}

int cmd_tokenize_train(int argc, char **argv)
{
	struct trainer tr;
	int rc = train_parse_options(&tr, argc, argv);
	if (rc)
		return rc;
	train_validate(&tr);
	train_count(&tr, argc, argv);
	struct train_result res;
	train_merges(&tr, &res);
	train_write_outputs(&tr, &res);
	train_report(&tr, &res);
	rc = stage_run_finish(&tr.run);
	train_result_release(&res);
	train_pieces_release(&tr.pieces);
	train_splitter_free(tr.splitter);
	name_list_release(&tr.names);
	free(tr.specials);
	return rc;
}
