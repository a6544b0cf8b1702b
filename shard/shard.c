/*
 * grist shard: token stream -> training shards (llm.c, Megatron, nanoGPT) with a document index
 * beside each shard and a manifest written last; `grist shard verify` and `grist shard inspect`.
 * This is the command layer: options, messages, exit codes. The work is in shard_writer.c,
 * shard_shuffle.c and shard_manifest.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "lib/atomic.h"
#include "lib/die.h"
#include "lib/opts.h"
#include "lib/stage.h"
#include "lib/stats.h"
#include "lib/tokstream.h"
#include "lib/xalloc.h"
#include "shard/shard.h"


static const char shard_usage[] =
	"usage: grist shard --format llmc|megatron|nanogpt|jsonl -o DIR/PREFIX [OPTIONS] [STREAM...]\n"
	"       grist shard verify MANIFEST|DIR/PREFIX|DIR\n"
	"       grist shard inspect FILE [-n DOCS] [-t TOKENIZER]\n"
	"\n"
	"Reads grist token streams (from `grist tokenize`; stdin when no STREAM or `-`; several\n"
	"streams are one sequence of documents, in order; gzip, zstd, xz, bzip2 and lz4 streams\n"
	"are decoded) and writes training shards, a document index beside each\n"
	"(<shard>.docs.jsonl) and, last, the manifest DIR/PREFIX.manifest.json.\n"
	"Every file is written under a temporary name and all are renamed when the last is\n"
	"complete. Documents with no tokens are skipped (counted in the manifest).\n"
	"\n"
	"  --format F           llmc: PREFIX_val_000000.bin, PREFIX_train_000001.bin, ... (1024-byte\n"
	"                       header; uint16 up to 65536 ids, else uint32); end-of-text before each\n"
	"                       document\n"
	"                       megatron: PREFIX_{train,val}_text_document.{bin,idx}; uint16 below\n"
	"                       65500 ids, else int32\n"
	"                       nanogpt: DIR/train.bin, DIR/val.bin, raw uint16, end-of-text after\n"
	"                       each document\n"
	"                       jsonl: PREFIX_{train,val}_NNNNNN.jsonl, one row per line\n"
	"                       {\"input_ids\",\"labels\",\"position_ids\"} (HF datasets/TRL)\n"
	"  -o DIR/PREFIX        output directory (created) and file-name prefix (required; an\n"
	"                       existing directory alone is refused). One run per prefix at a time\n"
	"                       (a second is refused while DIR/.PREFIX.lock is held)\n"
	"  --shard-tokens N     tokens per shard (default 100M for llmc; megatron: one pair per\n"
	"                       split unless given; not for nanogpt). Shards hold whole documents.\n"
	"  --min-shard-tokens N a last shard shorter than N joins the one before it (llm.c's loader\n"
	"                       needs B*T+1 tokens in every shard; default 1048577 for llmc when\n"
	"                       --shard-tokens is at least that, else 0 = off)\n"
	"  --val-tokens N       the first documents (after any shuffle) go to val until it holds N\n"
	"                       tokens (default: no val split)\n"
	"  --val-fraction F     or: each document goes to val with probability F, decided by a hash\n"
	"                       of (seed, document number)\n"
	"  --seed S             seed for --shuffle and --val-fraction (decimal; default 0)\n"
	"  --shuffle            shuffle documents reproducibly (bucket shuffle: memory about\n"
	"                       --shuffle-memory, then input size / buckets; spills to unlinked\n"
	"                       temporary files)\n"
	"  --shuffle-buckets K  buckets of the shuffle (default 256; part of the order's definition)\n"
	"  --shuffle-memory M   bytes held before spilling (default 1G; K, M, G = 1024 powers)\n"
	"  --tmp-dir DIR        where the shuffle spills (default: the output directory)\n"
	"  --append-eod         megatron: end-of-text token after each document\n"
	"  --eot-id N           end-of-text id to use instead of the stream's (default: the stream's)\n"
	"  --pack SEQ_LEN       fine-tuning rows: whole conversations packed into rows of exactly\n"
	"                       SEQ_LEN tokens (best-fit decreasing per window), no end-of-text\n"
	"                       between them, padding at a row's end; a .mask.bin beside each shard\n"
	"  --pad-id N           --pack: the padding id (default: the end-of-text id)\n"
	"  --on-overlong M      --pack: reject (default) or truncate a conversation over SEQ_LEN\n"
	"  --pack-window N      --pack: conversations per best-fit window (default 1000)\n"
	"  --rejects FILE       --pack: one line per rejected conversation\n"
	"  --stats FILE         write counts as JSON to FILE (default: none)\n"
	"  --progress           draw a progress line on stderr (default: when stderr is a tty)\n"
	"  -q, --quiet          no summary line on stderr\n"
	"  -h, --help           this help; --version prints the version\n"
	"\n"
	"Examples:\n"
	"  grist tokenize -t gpt2 docs.jsonl | grist shard --format llmc -o out/fw --val-tokens 10M\n"
	"  grist shard --format megatron --shuffle --seed 7 -o out/mg a.tok b.tok\n"
	"  grist shard verify out/fw\n";

static void shard_usage_fn(FILE *f)
{
	fputs(shard_usage, f);
}


/* `NAME.tmp.PID.XXXXXX` as lib/atomic.c makes them (any PID: this run holds the prefix's lock). */
static int is_temp_name(const char *n)
{
	return atomic_temp_pid(n, NULL) > 0;
}

/*
 * Before writing: remove the old manifest (its presence must mean a complete, consistent set) and
 * temporary files a killed run of the same prefix left behind.
 */
static void clean_output_dir(const struct shard_opts *o)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/%s.manifest.json", o->out_dir, o->prefix);
	if (unlink(b.data) < 0 && errno != ENOENT)
		die_errno(GRIST_EXIT_IO, "cannot remove the old manifest %s", b.data);
	DIR *d = opendir(o->out_dir);
	if (!d)
		die_errno(GRIST_EXIT_IO, "cannot open directory %s", o->out_dir);
	struct dirent *e;
	size_t plen = strlen(o->prefix);
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		int ours = (!strncmp(n, o->prefix, plen) && (n[plen] == '_' || n[plen] == '.')) ||
			   (o->format == SHARD_NANOGPT && (!strncmp(n, "train.", 6) || !strncmp(n, "val.", 4)));
		if (!ours || !is_temp_name(n))
			continue;
		buf_reset(&b);
		buf_addf(&b, "%s/%s", o->out_dir, n);
		unlink(b.data);
	}
	closedir(d);
	buf_release(&b);
}

/* Real tokens / row tokens of the packed rows. */
static double shard_pack_efficiency(const struct shard_writer *w)
{
	return w->pack_rows ? (double)w->pack_real / ((double)w->pack_rows * w->o.pack) : 0.0;
}

static int same_header(const struct tokstream_header *a, const struct tokstream_header *b)
{
	return a->flags == b->flags && a->token_width == b->token_width &&
	       a->vocab_size == b->vocab_size && a->eot_id == b->eot_id &&
	       a->tokenizer_hash == b->tokenizer_hash && !strcmp(a->tokenizer_name, b->tokenizer_name);
}

/* The stats schema shared by every stage (lib/stats.h), with shard's own figures. */
static void fill_stats(struct stats *st, const struct shard_writer *w, uint64_t bytes_in,
		       size_t shuffle_peak, const uint64_t *hist)
{
	const struct shard_opts *o = &w->o;
	stats_option_str(st, "format", shard_format_name(o->format));
	stats_option_num(st, "shard_tokens", (double)o->shard_tokens);
	stats_option_num(st, "val_tokens", (double)o->val_tokens);
	stats_option_num(st, "val_fraction", o->val_fraction);
	stats_option_num(st, "seed", (double)o->seed);
	stats_option_num(st, "shuffle", o->shuffle);
	stats_option_num(st, "shuffle_buckets", o->shuffle_buckets);
	stats_option_num(st, "append_eod", o->append_eod);
	struct counts *c = &st->c;
	c->records_in = w->docs_in;
	c->records_out = w->split[0].documents + w->split[1].documents;
	c->bytes_in = bytes_in;
	for (size_t i = 0; i < w->nrecs; i++)
		for (int j = 0; j < w->recs[i].nfiles; j++)
			c->bytes_out += w->recs[i].files[j].bytes;
	if (w->empty_docs) {
		counts_add_rule(c, "shard.empty_document", w->empty_docs);
		c->rejected = w->empty_docs;
	}
	if (w->overlong_rejected) {
		counts_add_rule(c, "shard.overlong", w->overlong_rejected);
		c->rejected += w->overlong_rejected;
	}
	struct buf *j = &st->stage_json;
	buf_addf(j, "\"tokens_in\":%llu,\"tokens_out\":%llu,\"token_bytes\":%u,\"shards\":%zu,"
		    "\"val_documents\":%llu,\"val_tokens\":%llu,\"train_documents\":%llu,"
		    "\"train_tokens\":%llu,\"shuffle_peak_bytes\":%zu,\"tokens_per_shard\":[",
		 (unsigned long long)w->tokens_in,
		 (unsigned long long)(w->split[0].tokens + w->split[1].tokens), w->out_width, w->nrecs,
		 (unsigned long long)w->split[0].documents, (unsigned long long)w->split[0].tokens,
		 (unsigned long long)w->split[1].documents, (unsigned long long)w->split[1].tokens,
		 shuffle_peak);
	for (size_t i = 0; i < w->nrecs; i++)
		buf_addf(j, "%s%llu", i ? "," : "", (unsigned long long)w->recs[i].tokens);
	/* Document lengths in tokens, log2 buckets as text_bytes_hist: k holds [2^(k-1), 2^k). */
	buf_addstr(j, "],\"doc_tokens_hist\":{");
	int first = 1;
	for (int k = 0; k < 64; k++) {
		if (!hist[k])
			continue;
		buf_addf(j, "%s\"%d\":%llu", first ? "" : ",", k, (unsigned long long)hist[k]);
		first = 0;
	}
	buf_addch(j, '}');
	if (o->pack)
		buf_addf(j, ",\"pack_seq_len\":%u,\"pack_rows\":%llu,\"pack_real_tokens\":%llu,"
			    "\"pack_pad_tokens\":%llu,\"packing_efficiency\":%.6f,"
			    "\"overlong_rejected\":%llu,\"overlong_truncated\":%llu",
			 o->pack, (unsigned long long)w->pack_rows, (unsigned long long)w->pack_real,
			 (unsigned long long)w->pack_pad, shard_pack_efficiency(w),
			 (unsigned long long)w->overlong_rejected, (unsigned long long)w->overlong_truncated);
}

int cmd_shard_verify(int argc, char **argv)
{
	if (argc != 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs("usage: grist shard verify MANIFEST|DIR/PREFIX|DIR\n"
		      "Re-checks every file the manifest lists: size, XXH3-64 and the format's own\n"
		      "header and index. Exit 0 when all match, 1 when any does not.\n",
		      argc == 2 ? stdout : stderr);
		return argc == 2 ? GRIST_EXIT_OK : GRIST_EXIT_USAGE;
	}
	struct buf path = BUF_INIT, err = BUF_INIT, report = BUF_INIT;
	if (shard_manifest_locate(argv[1], &path, &err) < 0)
		die(GRIST_EXIT_DATA, "%s", err.data);
	uint64_t nfiles = 0;
	int problems = shard_verify(path.data, &report, &nfiles, &err);
	if (problems < 0)
		die(GRIST_EXIT_DATA, "%s", err.data);
	fputs(report.data, stdout);
	if (problems) {
		error("%s: %d problem(s) in %llu files", path.data, problems, (unsigned long long)nfiles);
		return GRIST_EXIT_DATA;
	}
	printf("%s: all %llu files match\n", path.data, (unsigned long long)nfiles);
	buf_release(&path);
	buf_release(&err);
	buf_release(&report);
	return GRIST_EXIT_OK;
}

/* ---- the output directory: created on demand, locked, removed again if a run fails ---- */

/* What a run has set up and must undo if it fails (fail() below). */
static struct shard_state {
	struct shard_writer *w; /* once initialized */
	char *made[64];         /* directories this run created, outermost first */
	int nmade;
	int lock_fd;
	char *lock_path;
} state = { .lock_fd = -1 };

static void made_dir(const char *p)
{
	if (state.nmade < (int)(sizeof(state.made) / sizeof(state.made[0])))
		state.made[state.nmade++] = xstrdup(p);
}

static void mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1;; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) == 0)
			made_dir(p);
		else if (errno != EEXIST)
			die_errno(GRIST_EXIT_IO, "cannot create directory %s", p);
		*s = c;
		if (!c)
			break;
	}
	free(p);
}

static void unlock_prefix(void)
{
	if (state.lock_fd < 0)
		return;
	/* Unlinked while still held: a run that opened the old file sees the inode change. */
	unlink(state.lock_path);
	close(state.lock_fd);
	state.lock_fd = -1;
	free(state.lock_path);
	state.lock_path = NULL;
}

/*
 * One run per output prefix: an exclusive flock on DIR/.PREFIX.lock, refused (not waited for)
 * when another run holds it (hidden: ls shows only the shard set). The file is removed at the end; a run that locked a file removed
 * in between (the inode under the name changed) tries again.
 */
static void lock_prefix(const struct shard_opts *o)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/.%s.lock", o->out_dir, o->prefix);
	for (int tries = 0; tries < 100; tries++) {
		int fd = open(b.data, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			die_errno(GRIST_EXIT_IO, "cannot create the lock file %s", b.data);
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno == EWOULDBLOCK)
				die(GRIST_EXIT_IO, "another grist shard is writing %s/%s (it holds %s); "
				    "run one shard per output prefix at a time", o->out_dir, o->prefix, b.data);
			die_errno(GRIST_EXIT_IO, "cannot lock %s", b.data);
		}
		struct stat a, c;
		if (fstat(fd, &a) == 0 && stat(b.data, &c) == 0 && a.st_ino == c.st_ino &&
		    a.st_dev == c.st_dev) {
			state.lock_fd = fd;
			state.lock_path = buf_detach(&b, NULL);
			return;
		}
		close(fd);
	}
	die(GRIST_EXIT_IO, "cannot lock %s: it keeps being replaced", b.data);
}

/* After a failure: nothing of this run stays, not even the directories it created. */
static void undo_run(void)
{
	if (state.w)
		shard_writer_abort(state.w);
	state.w = NULL;
	unlock_prefix();
	for (int i = state.nmade - 1; i >= 0; i--)
		rmdir(state.made[i]);
}

static void fail(int rc, struct buf *err)
{
	undo_run();
	die(rc == -GRIST_EXIT_IO ? GRIST_EXIT_IO : rc == -GRIST_EXIT_USAGE ? GRIST_EXIT_USAGE
										 : GRIST_EXIT_DATA,
	    "%s", err->data);
}

/* ---- options ---- */

struct shard_cli {
	struct shard_opts o;
	struct common_opts co;
	const char *format;
	int have_shard_tokens;
	int have_pack_extra; /* --pad-id, --on-overlong or --pack-window given */
	int ninputs;
	char *const *inputs;
};

enum { O_FORMAT = OPT_STAGE_BASE, O_SHARD_TOKENS, O_VAL_TOKENS, O_VAL_FRACTION, O_SEED,
       O_SHUFFLE, O_BUCKETS, O_MEMORY, O_TMPDIR, O_APPEND_EOD, O_EOT_ID, O_MIN_SHARD, O_PACK,
       O_PAD_ID, O_OVERLONG, O_PACK_WINDOW };

static const struct option shard_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "shard-tokens", required_argument, NULL, O_SHARD_TOKENS },
	{ "min-shard-tokens", required_argument, NULL, O_MIN_SHARD },
	{ "val-tokens", required_argument, NULL, O_VAL_TOKENS },
	{ "val-fraction", required_argument, NULL, O_VAL_FRACTION },
	{ "seed", required_argument, NULL, O_SEED },
	{ "shuffle", no_argument, NULL, O_SHUFFLE },
	{ "shuffle-memory", required_argument, NULL, O_MEMORY },
	{ "shuffle-buckets", required_argument, NULL, O_BUCKETS },
	{ "tmp-dir", required_argument, NULL, O_TMPDIR },
	{ "append-eod", no_argument, NULL, O_APPEND_EOD },
	{ "eot-id", required_argument, NULL, O_EOT_ID },
	{ "pack", required_argument, NULL, O_PACK },
	{ "pad-id", required_argument, NULL, O_PAD_ID },
	{ "on-overlong", required_argument, NULL, O_OVERLONG },
	{ "pack-window", required_argument, NULL, O_PACK_WINDOW },
	{ NULL, 0, NULL, 0 },
};


static int shard_pack_option(struct shard_cli *c, int opt, const char *arg);

/* One shard option (not a common one); 0 if c is not a shard option. */
static int shard_option(struct shard_cli *c, int opt, const char *arg)
{
	struct shard_opts *o = &c->o;
	switch (opt) {
	case O_FORMAT: c->format = arg; return 1;
	case O_SHARD_TOKENS:
		o->shard_tokens = opts_count("--shard-tokens", arg, 1, UINT64_MAX);
		c->have_shard_tokens = 1;
		return 1;
	case O_MIN_SHARD:
		o->min_shard_tokens = opts_count("--min-shard-tokens", arg, 0, UINT64_MAX);
		o->have_min_shard_tokens = 1;
		return 1;
	case O_VAL_TOKENS: o->val_tokens = opts_count("--val-tokens", arg, 0, UINT64_MAX); return 1;
	case O_VAL_FRACTION:
		o->val_fraction = opts_decimal("--val-fraction", arg, 0, 1);
		if (o->val_fraction >= 1)
			die(GRIST_EXIT_USAGE, "--val-fraction: want a number in [0, 1), got '%s'", arg);
		return 1;
	case O_SEED: o->seed = opts_seed("--seed", arg); return 1;
	case O_SHUFFLE: o->shuffle = 1; return 1;
	case O_BUCKETS: {
		o->shuffle_buckets = (uint32_t)opts_count("--shuffle-buckets", arg, 1, 65536);
		return 1;
	}
	case O_MEMORY: o->shuffle_memory = (size_t)opts_size("--shuffle-memory", arg, 0, SIZE_MAX); return 1;
	case O_TMPDIR: o->tmp_dir = arg; return 1;
	case O_APPEND_EOD: o->append_eod = 1; return 1;
	case O_EOT_ID: {
		o->eot_override = (uint32_t)opts_count("--eot-id", arg, 0, TOKSTREAM_NO_EOT - 1);
		return 1;
	}
	}
	return shard_pack_option(c, opt, arg);
}

/* The packing options (--pack and its companions). */
static int shard_pack_option(struct shard_cli *c, int opt, const char *arg)
{
	struct shard_opts *o = &c->o;
	switch (opt) {
	case O_PACK: {
		o->pack = (uint32_t)opts_count("--pack", arg, 1, INT32_MAX);
		return 1;
	}
	case O_PAD_ID: {
		o->pad_id = (uint32_t)opts_count("--pad-id", arg, 0, TOKSTREAM_NO_EOT - 1);
		c->have_pack_extra = 1;
		return 1;
	}
	case O_OVERLONG:
		if (!strcmp(arg, "reject"))
			o->on_overlong = SHARD_OVERLONG_REJECT;
		else if (!strcmp(arg, "truncate"))
			o->on_overlong = SHARD_OVERLONG_TRUNCATE;
		else
			die(GRIST_EXIT_USAGE, "--on-overlong: want reject or truncate, got '%s'", arg);
		c->have_pack_extra = 1;
		return 1;
	case O_PACK_WINDOW: {
		o->pack_window = (uint32_t)opts_count("--pack-window", arg, 1, 10000000);
		c->have_pack_extra = 1;
		return 1;
	}
	}
	return 0;
}

/* opts_parse's stage callback: shard's options, and -j refused (taken before common_opt). */
static int shard_opt(void *ctx, int opt, const char *arg)
{
	if (opt == 'j')
		die(GRIST_EXIT_USAGE, "-j does not apply to shard (writing shards is one sequential pass)");
	return shard_option(ctx, opt, arg);
}

static void shard_parse(struct shard_cli *c, int argc, char **argv)
{
	memset(c, 0, sizeof(*c));
	common_opts_init(&c->co);
	c->o.eot_override = TOKSTREAM_NO_EOT;
	c->o.shuffle_memory = (size_t)1 << 30;
	c->o.shuffle_buckets = SHARD_DEFAULT_BUCKETS;
	c->o.pad_id = TOKSTREAM_NO_EOT;
	c->o.pack_window = SHARD_DEFAULT_PACK_WINDOW;
	optind = 1;
	int rc = opts_parse(&c->co, argc, argv, COMMON_SHORT_OPTIONS, shard_longopts, shard_usage_fn,
			    shard_opt, c);
	if (rc)
		exit(rc);
	static char *const stdin_only[] = { "-" };
	c->ninputs = argc - optind;
	c->inputs = c->ninputs ? argv + optind : stdin_only;
	if (!c->ninputs)
		c->ninputs = 1;
}

/*
 * -o DIR/PREFIX: refuse an existing directory (the files would land beside it, named after it)
 * and anything that is not a directory where DIR must be one, or a device where PREFIX goes.
 */
static void resolve_output(struct shard_cli *c)
{
	const char *out = c->co.output;
	struct stat st;
	size_t len = strlen(out);
	if (len && out[len - 1] == '/')
		die(GRIST_EXIT_USAGE, "-o %s: give DIR/PREFIX (a file-name prefix after the directory)", out);
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		die(GRIST_EXIT_USAGE, "-o %s: %s is a directory; give %s/PREFIX", out, out, out);
	if (lstat(out, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		die(GRIST_EXIT_USAGE, "-o %s: a device or special file, not DIR/PREFIX", out);
	const char *slash = strrchr(out, '/');
	c->o.out_dir = slash ? xmemdup(out, slash == out ? 1 : (size_t)(slash - out)) : xstrdup(".");
	c->o.prefix = xstrdup(slash ? slash + 1 : out);
	if (stat(c->o.out_dir, &st) == 0 && !S_ISDIR(st.st_mode))
		die(GRIST_EXIT_USAGE, "-o %s: %s is not a directory", out, c->o.out_dir);
}

static void shard_validate(struct shard_cli *c)
{
	struct shard_opts *o = &c->o;
	if (c->co.rejects_path && !o->pack)
		die(GRIST_EXIT_USAGE, "--rejects applies to shard only with --pack (overlong conversations); "
		    "empty documents are counted in --stats");
	o->rejects_path = c->co.rejects_path;
	if (c->have_pack_extra && !o->pack)
		die(GRIST_EXIT_USAGE, "--pad-id, --on-overlong and --pack-window need --pack SEQ_LEN");
	if (!c->format)
		die(GRIST_EXIT_USAGE, "--format llmc|megatron|nanogpt|jsonl is required (see --help)");
	if (!strcmp(c->format, "llmc"))
		o->format = SHARD_LLMC;
	else if (!strcmp(c->format, "megatron"))
		o->format = SHARD_MEGATRON;
	else if (!strcmp(c->format, "nanogpt"))
		o->format = SHARD_NANOGPT;
	else if (!strcmp(c->format, "jsonl"))
		o->format = SHARD_JSONL;
	else
		die(GRIST_EXIT_USAGE, "unknown --format '%s' (llmc, megatron, nanogpt or jsonl)", c->format);
	if (o->append_eod && o->pack)
		die(GRIST_EXIT_USAGE, "--append-eod does not apply with --pack (no end-of-text between packed conversations)");
	if (!c->co.output)
		die(GRIST_EXIT_USAGE, "-o DIR/PREFIX is required (see --help)");
	if (o->val_tokens && o->val_fraction > 0)
		die(GRIST_EXIT_USAGE, "give --val-tokens or --val-fraction, not both");
	if (c->have_shard_tokens && o->format == SHARD_NANOGPT)
		die(GRIST_EXIT_USAGE, "nanogpt writes one train.bin and one val.bin: --shard-tokens does not apply");
	if (o->have_min_shard_tokens && o->format == SHARD_NANOGPT)
		die(GRIST_EXIT_USAGE, "nanogpt writes one train.bin and one val.bin: --min-shard-tokens does not apply");
	if (o->append_eod && o->format != SHARD_MEGATRON)
		die(GRIST_EXIT_USAGE, "--append-eod is for megatron (llmc and nanogpt always delimit documents)");
	if (o->format == SHARD_NANOGPT && !o->val_tokens && !(o->val_fraction > 0) && !c->co.quiet)
		warning("no --val-tokens or --val-fraction: no val.bin is written (nanoGPT's train.py reads one)");
	resolve_output(c);
	struct buf manifest = BUF_INIT, err = BUF_INIT;
	buf_addf(&manifest, "%s/%s.manifest.json", o->out_dir, o->prefix);
	const struct atomic_name names[] = {
		{ "-o (its manifest)", manifest.data }, { "--stats", c->co.stats_path },
		{ "--rejects", c->co.rejects_path },
	};
	if (atomic_check_distinct(names, 3, &err) < 0)
		die(GRIST_EXIT_USAGE, "%s", err.data);
	buf_release(&manifest);
	buf_release(&err);
}

/* ---- the run ---- */

struct shard_run {
	struct shard_cli *c;
	struct shard_writer w;
	struct shard_shuffle *shuf;
	struct tokstream_header first;
	int started;
	struct stats st;
	uint64_t hist[64];
	uint64_t base, bytes_in;
	struct buf err;
};

/* The first stream's header is known: check the options against it, then (only now, so a
 * refused run leaves nothing) create, lock and tidy the output directory. */
static void run_start(struct shard_run *r, const struct tokstream_header *h)
{
	const struct shard_opts *o = &r->c->o;
	tokstream_header_copy(&r->first, h);
	r->started = 1;
	if (shard_writer_init(&r->w, o, h, &r->err) < 0)
		die(GRIST_EXIT_USAGE, "%s", r->err.data);
	mkdir_p(o->out_dir);
	lock_prefix(o);
	state.w = &r->w;
	if (o->tmp_dir)
		mkdir_p(o->tmp_dir);
	clean_output_dir(o);
	if (o->shuffle)
		r->shuf = shard_shuffle_new(o, h->token_width, !!(h->flags & TOKSTREAM_F_MASK));
}

/* One input stream (a file, or stdin for "-"; shard_input.c). */
static void run_input(struct shard_run *r, const char *name)
{
	struct shard_input in;
	int rc = shard_input_open(&in, name, &r->err);
	if (rc < 0)
		fail(rc, &r->err);
	struct tokstream_reader *rd = &in.rd;
	rd->raw_only = 1;
	if (!r->started) {
		run_start(r, &rd->h);
	} else if (!same_header(&r->first, &rd->h)) {
		buf_addf(&r->err, "%s: token stream header (tokenizer, vocab, end-of-text id or flags) "
			 "differs from %s's", name, r->c->inputs[0]);
		fail(-GRIST_EXIT_DATA, &r->err);
	}
	struct tokstream_doc doc;
	while ((rc = shard_input_next(&in, &doc, &r->err)) == 1) {
		struct shard_doc d = { doc.id, doc.id_len, r->base + doc.index, doc.ntokens, doc.raw,
				       doc.mask, NULL, 0 };
		r->hist[doc.ntokens ? 64 - __builtin_clzll((unsigned long long)doc.ntokens) : 0]++;
		if (r->st.progress && !(doc.index & 1023)) {
			r->st.c.records_in = r->base + doc.index + 1;
			stats_progress(&r->st, r->bytes_in + doc.offset, 0);
		}
		rc = r->shuf ? shard_shuffle_add(r->shuf, &d, &r->err) : shard_writer_add(&r->w, &d, &r->err);
		if (rc < 0)
			fail(rc, &r->err);
	}
	if (rc < 0)
		fail(rc, &r->err);
	r->base += rd->docs;
	r->bytes_in += rd->buf_offset + rd->len;
	shard_input_close(&in);
}

static void run_summary(struct shard_run *r)
{
	const struct shard_writer *w = &r->w;
	const struct shard_opts *o = &r->c->o;
	stats_summary(&r->st, stderr);
	fprintf(stderr, "grist shard: %zu %s shard(s) in %s, %llu tokens (%llu val); manifest %s/%s.manifest.json\n",
		w->nrecs, shard_format_name(o->format), o->out_dir,
		(unsigned long long)(w->split[0].tokens + w->split[1].tokens),
		(unsigned long long)w->split[0].tokens, o->out_dir, o->prefix);
	if (o->pack)
		fprintf(stderr, "grist shard: packed %llu conversations into %llu rows of %u tokens: "
			"packing efficiency %.1f%% (%llu padding tokens); %llu overlong %s\n",
			(unsigned long long)(w->split[0].documents + w->split[1].documents),
			(unsigned long long)w->pack_rows, o->pack, 100.0 * shard_pack_efficiency(w),
			(unsigned long long)w->pack_pad,
			(unsigned long long)(w->overlong_rejected + w->overlong_truncated),
			o->on_overlong == SHARD_OVERLONG_REJECT ? "rejected" : "truncated");
	if (w->stale_removed)
		warning("removed %llu files of an earlier, larger shard set with this prefix",
			(unsigned long long)w->stale_removed);
	/* A split of one shard cannot be merged: say so when it is below the minimum. */
	for (size_t i = 0; i < w->nrecs; i++) {
		const struct shard_rec *sr = &w->recs[i];
		int alone = (i == 0 || strcmp(w->recs[i - 1].split, sr->split)) &&
			    (i + 1 == w->nrecs || strcmp(w->recs[i + 1].split, sr->split));
		if (alone && w->min_tokens && sr->tokens < w->min_tokens)
			warning("%s holds %llu tokens, fewer than --min-shard-tokens %llu (llm.c's loader "
				"needs at least B*T+1 tokens per shard)", sr->files[0].name,
				(unsigned long long)sr->tokens, (unsigned long long)w->min_tokens);
	}
}

static int shard_run(struct shard_cli *c, int argc, char **argv)
{
	struct shard_run *r = xcalloc(1, sizeof(*r));
	r->c = c;
	buf_init(&r->err, 0);
	stats_init(&r->st, "shard", argc, argv);
	r->st.progress = c->co.progress;
	r->st.total_input = stage_input_size(c->ninputs, c->inputs, 0);
	for (int i = 0; i < c->ninputs; i++)
		run_input(r, c->inputs[i]);
	size_t peak = 0;
	int rc;
	if (r->shuf) {
		if ((rc = shard_shuffle_finish(r->shuf, &r->w, &r->err)) < 0)
			fail(rc, &r->err);
		peak = shard_shuffle_peak(r->shuf);
		shard_shuffle_free(r->shuf);
	}
	if ((rc = shard_writer_close(&r->w, &r->err)) < 0)
		fail(rc, &r->err);
	r->st.c.records_in = r->w.docs_in;
	stats_progress(&r->st, r->bytes_in, 1);
	fill_stats(&r->st, &r->w, r->bytes_in, peak, r->hist);
	struct atomic_set extra = { 0 }; /* --stats, published with the shards */
	if (c->co.stats_path && stats_write_into(&r->st, c->co.stats_path, &extra, &r->err) < 0)
		fail(-GRIST_EXIT_IO, &r->err);
	if ((rc = shard_writer_publish(&r->w, &extra, &r->err)) < 0)
		fail(rc, &r->err);
	state.w = NULL;
	unlock_prefix();
	if (!c->co.quiet)
		run_summary(r);
	shard_writer_release(&r->w);
	stats_release(&r->st);
	tokstream_header_release(&r->first);
	buf_release(&r->err);
	free(r);
	return GRIST_EXIT_OK;
}

int cmd_shard(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return cmd_shard_verify(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "inspect"))
		return cmd_shard_inspect(argc - 1, argv + 1);
	struct shard_cli c;
	shard_parse(&c, argc, argv);
	shard_validate(&c);
	int rc = shard_run(&c, argc, argv);
	free(c.o.out_dir);
	free(c.o.prefix);
	return rc;
}
