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
#include <sys/mman.h>
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

int shard_cmd_inspect(int argc, char **argv);

static const char shard_usage[] =
	"usage: grist shard --format llmc|megatron|nanogpt -o DIR/PREFIX [OPTIONS] [STREAM...]\n"
	"       grist shard verify MANIFEST|DIR/PREFIX|DIR\n"
	"       grist shard inspect FILE [-n DOCS] [-t TOKENIZER]\n"
	"\n"
	"Reads grist token streams (from `grist tokenize`; stdin when no STREAM or `-`) and writes\n"
	"training shards, a document index beside each (<shard>.docs.jsonl) and, last, the manifest\n"
	"DIR/PREFIX.manifest.json. Every file is written under a temporary name and renamed when\n"
	"complete. Documents with no tokens are skipped (counted in the manifest).\n"
	"\n"
	"  --format F           llmc: PREFIX_val_000000.bin, PREFIX_train_000001.bin, ... (1024-byte\n"
	"                       header; uint16 up to 65536 ids, else uint32); end-of-text before each\n"
	"                       document\n"
	"                       megatron: PREFIX_{train,val}_text_document.{bin,idx}; uint16 below\n"
	"                       65500 ids, else int32\n"
	"                       nanogpt: DIR/train.bin, DIR/val.bin, raw uint16, end-of-text after\n"
	"                       each document\n"
	"  -o DIR/PREFIX        output directory (created) and file-name prefix (required)\n"
	"  --shard-tokens N     tokens per shard (default 100M for llmc; megatron: one pair per\n"
	"                       split unless given; not for nanogpt). Shards hold whole documents.\n"
	"  --val-tokens N       the first documents (after any shuffle) go to val until it holds N\n"
	"                       tokens (default: no val split)\n"
	"  --val-fraction F     or: each document goes to val with probability F, decided by a hash\n"
	"                       of (seed, document number)\n"
	"  --seed S             seed for --shuffle and --val-fraction (default 0)\n"
	"  --shuffle            shuffle documents reproducibly (bucket shuffle: memory about\n"
	"                       --shuffle-memory, then input size / buckets; spills to unlinked\n"
	"                       temporary files)\n"
	"  --shuffle-buckets K  buckets of the shuffle (default 256; part of the order's definition)\n"
	"  --shuffle-memory M   bytes held before spilling (default 1G; K, M, G suffixes)\n"
	"  --tmp-dir DIR        where the shuffle spills (default: the output directory)\n"
	"  --append-eod         megatron: end-of-text token after each document\n"
	"  --eot-id N           end-of-text id to use instead of the stream's (default: the stream's)\n"
	"-o is DIR/PREFIX here, not a file; -j is accepted and ignored (shard writing is one\n"
	"sequential pass); --rejects does not apply (empty documents are counted in --stats).\n\n";

static void shard_usage_fn(FILE *f)
{
	fputs(shard_usage, f);
	common_opts_help(f, 0);
}

static uint64_t parse_count(const char *opt, const char *s, int binary)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double mul = 1;
	if (end == s || errno || v < 0)
		die(GRIST_EXIT_USAGE, "%s: not a count: '%s'", opt, s);
	switch (*end) {
	case 'k': case 'K': mul = binary ? 1024.0 : 1e3; end++; break;
	case 'm': case 'M': mul = binary ? 1048576.0 : 1e6; end++; break;
	case 'g': case 'G': mul = binary ? 1073741824.0 : 1e9; end++; break;
	case 't': case 'T': mul = binary ? 1099511627776.0 : 1e12; end++; break;
	}
	if (*end || v * mul > 1.8e19)
		die(GRIST_EXIT_USAGE, "%s: not a count: '%s'", opt, s);
	double r = v * mul;
	if (r != (double)(uint64_t)r)
		die(GRIST_EXIT_USAGE, "%s: not a whole number: '%s'", opt, s);
	return (uint64_t)r;
}

static void mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			die_errno(GRIST_EXIT_IO, "cannot create directory %s", p);
		*s = '/';
	}
	if (mkdir(p, 0777) < 0 && errno != EEXIST)
		die_errno(GRIST_EXIT_IO, "cannot create directory %s", p);
	free(p);
}

/* `NAME.tmp.XXXXXX` as lib/atomic.c makes them. */
static int is_temp_name(const char *n)
{
	size_t len = strlen(n);
	return len > 11 && !memcmp(n + len - 11, ".tmp.", 5);
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
}

static int cmd_shard_verify(int argc, char **argv)
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

static struct shard_writer *live_writer;

static void fail(int rc, struct buf *err)
{
	if (live_writer)
		shard_writer_abort(live_writer);
	die(rc == -GRIST_EXIT_IO ? GRIST_EXIT_IO : GRIST_EXIT_DATA, "%s", err->data);
}

int cmd_shard(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return cmd_shard_verify(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "inspect"))
		return shard_cmd_inspect(argc - 1, argv + 1);

	enum { O_FORMAT = OPT_STAGE_BASE, O_SHARD_TOKENS, O_VAL_TOKENS, O_VAL_FRACTION, O_SEED,
	       O_SHUFFLE, O_BUCKETS, O_MEMORY, O_TMPDIR, O_APPEND_EOD, O_EOT_ID };
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		{ "format", required_argument, NULL, O_FORMAT },
		{ "shard-tokens", required_argument, NULL, O_SHARD_TOKENS },
		{ "val-tokens", required_argument, NULL, O_VAL_TOKENS },
		{ "val-fraction", required_argument, NULL, O_VAL_FRACTION },
		{ "seed", required_argument, NULL, O_SEED },
		{ "shuffle", no_argument, NULL, O_SHUFFLE },
		{ "shuffle-buckets", required_argument, NULL, O_BUCKETS },
		{ "shuffle-memory", required_argument, NULL, O_MEMORY },
		{ "tmp-dir", required_argument, NULL, O_TMPDIR },
		{ "append-eod", no_argument, NULL, O_APPEND_EOD },
		{ "eot-id", required_argument, NULL, O_EOT_ID },
		{ NULL, 0, NULL, 0 },
	};
	struct shard_opts o;
	struct common_opts co;
	memset(&o, 0, sizeof(o));
	common_opts_init(&co);
	o.eot_override = TOKSTREAM_NO_EOT;
	o.shuffle_memory = (size_t)1 << 30;
	o.shuffle_buckets = SHARD_DEFAULT_BUCKETS;
	const char *format = NULL;
	int c, have_shard_tokens = 0;
	char *end;
	optind = 1;
	while ((c = getopt_long(argc, argv, COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (common_opt(&co, c, optarg, shard_usage_fn))
			continue;
		switch (c) {
		case O_FORMAT: format = optarg; break;
		case O_SHARD_TOKENS:
			o.shard_tokens = parse_count("--shard-tokens", optarg, 0);
			have_shard_tokens = 1;
			if (!o.shard_tokens)
				die(GRIST_EXIT_USAGE, "--shard-tokens must be at least 1");
			break;
		case O_VAL_TOKENS: o.val_tokens = parse_count("--val-tokens", optarg, 0); break;
		case O_VAL_FRACTION:
			errno = 0;
			o.val_fraction = strtod(optarg, &end);
			if (*end || errno || !(o.val_fraction >= 0 && o.val_fraction < 1))
				die(GRIST_EXIT_USAGE, "--val-fraction: want a number in [0, 1), got '%s'", optarg);
			break;
		case O_SEED:
			errno = 0;
			o.seed = strtoull(optarg, &end, 0);
			if (*end || errno || *optarg == '-')
				die(GRIST_EXIT_USAGE, "--seed: not an unsigned integer: '%s'", optarg);
			break;
		case O_SHUFFLE: o.shuffle = 1; break;
		case O_BUCKETS: {
			uint64_t k = parse_count("--shuffle-buckets", optarg, 0);
			if (k < 1 || k > 65536)
				die(GRIST_EXIT_USAGE, "--shuffle-buckets: want 1 to 65536");
			o.shuffle_buckets = (uint32_t)k;
			break;
		}
		case O_MEMORY: o.shuffle_memory = (size_t)parse_count("--shuffle-memory", optarg, 1); break;
		case O_TMPDIR: o.tmp_dir = optarg; break;
		case O_APPEND_EOD: o.append_eod = 1; break;
		case O_EOT_ID: {
			uint64_t v = parse_count("--eot-id", optarg, 0);
			if (v >= TOKSTREAM_NO_EOT)
				die(GRIST_EXIT_USAGE, "--eot-id too large");
			o.eot_override = (uint32_t)v;
			break;
		}
		default: shard_usage_fn(stderr); return GRIST_EXIT_USAGE;
		}
	}
	common_opts_finish(&co);
	const char *out = co.output;
	const int quiet = co.quiet;
	if (co.rejects_path)
		die(GRIST_EXIT_USAGE, "--rejects does not apply to shard (empty documents are counted in --stats)");
	if (!format)
		die(GRIST_EXIT_USAGE, "--format llmc|megatron|nanogpt is required (see --help)");
	if (!strcmp(format, "llmc"))
		o.format = SHARD_LLMC;
	else if (!strcmp(format, "megatron"))
		o.format = SHARD_MEGATRON;
	else if (!strcmp(format, "nanogpt"))
		o.format = SHARD_NANOGPT;
	else
		die(GRIST_EXIT_USAGE, "unknown --format '%s' (llmc, megatron or nanogpt)", format);
	if (!out)
		die(GRIST_EXIT_USAGE, "-o DIR/PREFIX is required (see --help)");
	if (o.val_tokens && o.val_fraction > 0)
		die(GRIST_EXIT_USAGE, "give --val-tokens or --val-fraction, not both");
	if (have_shard_tokens && o.format == SHARD_NANOGPT)
		die(GRIST_EXIT_USAGE, "nanogpt writes one train.bin and one val.bin: --shard-tokens does not apply");
	if (o.append_eod && o.format != SHARD_MEGATRON)
		die(GRIST_EXIT_USAGE, "--append-eod is for megatron (llmc and nanogpt always delimit documents)");
	if (o.format == SHARD_NANOGPT && !o.val_tokens && !(o.val_fraction > 0) && !quiet)
		warning("no --val-tokens or --val-fraction: no val.bin is written (nanoGPT's train.py reads one)");
	const char *slash = strrchr(out, '/');
	o.out_dir = slash ? xmemdup(out, slash == out ? 1 : (size_t)(slash - out)) : xstrdup(".");
	o.prefix = xstrdup(slash ? slash + 1 : out);
	if (!*o.prefix)
		die(GRIST_EXIT_USAGE, "-o %s: needs a file-name prefix after the directory (DIR/PREFIX)", out);
	mkdir_p(o.out_dir);
	if (o.tmp_dir)
		mkdir_p(o.tmp_dir);
	clean_output_dir(&o);

	const int ninputs = argc - optind;
	char *const *inputs = argv + optind;
	static char *const stdin_only[] = { "-" };
	if (!ninputs)
		inputs = stdin_only;
	struct stats st;
	stats_init(&st, "shard", argc, argv);
	st.progress = co.progress;
	st.total_input = stage_input_size(ninputs, inputs, 0);
	uint64_t hist[64] = { 0 };
	struct shard_writer w;
	struct shard_shuffle *shuf = NULL;
	struct tokstream_header first;
	int have_first = 0;
	uint64_t base = 0, bytes_in = 0;
	struct buf err = BUF_INIT;
	int rc;
	for (int i = 0; i < (ninputs ? ninputs : 1); i++) {
		const char *name = inputs[i];
		int fd = strcmp(name, "-") ? open(name, O_RDONLY) : 0;
		if (fd < 0) {
			buf_addf(&err, "cannot open %s: %s", name, strerror(errno));
			fail(-GRIST_EXIT_IO, &err);
		}
		/* Regular files are mapped and read in place (no copy); pipes are read. */
		struct stat fst;
		void *map = NULL;
		size_t map_len = 0;
		if (fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode) && fst.st_size > 0) {
			map_len = (size_t)fst.st_size;
			map = mmap(NULL, map_len, PROT_READ, MAP_PRIVATE, fd, 0);
			if (map == MAP_FAILED)
				map = NULL;
			else
				madvise(map, map_len, MADV_SEQUENTIAL);
		}
		struct tokstream_reader r;
		if ((map ? tokstream_reader_open_mem(&r, map, map_len, name, &err)
			 : tokstream_reader_open(&r, tokstream_source_fd, &fd, name, &err)) < 0)
			fail(-GRIST_EXIT_DATA, &err);
		r.raw_only = 1;
		if (!have_first) {
			tokstream_header_copy(&first, &r.h);
			have_first = 1;
			if (shard_writer_init(&w, &o, &r.h, &err) < 0)
				die(GRIST_EXIT_USAGE, "%s", err.data);
			live_writer = &w;
			if (o.shuffle)
				shuf = shard_shuffle_new(&o, r.h.token_width, !!(r.h.flags & TOKSTREAM_F_MASK));
		} else if (!same_header(&first, &r.h)) {
			buf_addf(&err, "%s: token stream header (tokenizer, vocab, end-of-text id or flags) differs from %s's",
				 name, inputs[0]);
			fail(-GRIST_EXIT_DATA, &err);
		}
		struct tokstream_doc doc;
		while ((rc = tokstream_reader_next(&r, &doc, &err)) == 1) {
			struct shard_doc d = { doc.id, doc.id_len, base + doc.index, doc.ntokens, doc.raw,
					       doc.mask };
			hist[doc.ntokens ? 64 - __builtin_clzll((unsigned long long)doc.ntokens) : 0]++;
			if (st.progress && !(doc.index & 1023)) {
				st.c.records_in = base + doc.index + 1;
				stats_progress(&st, bytes_in + doc.offset, 0);
			}
			rc = shuf ? shard_shuffle_add(shuf, &d, &err) : shard_writer_add(&w, &d, &err);
			if (rc < 0)
				fail(rc, &err);
		}
		if (rc < 0)
			fail(-GRIST_EXIT_DATA, &err);
		base += r.docs;
		bytes_in += r.buf_offset + r.len;
		tokstream_reader_release(&r);
		if (map)
			munmap(map, map_len);
		if (fd > 0)
			close(fd);
	}
	size_t peak = 0;
	if (shuf) {
		rc = shard_shuffle_finish(shuf, &w, &err);
		if (rc < 0)
			fail(rc, &err);
		peak = shard_shuffle_peak(shuf);
		shard_shuffle_free(shuf);
	}
	rc = shard_writer_finish(&w, &err);
	if (rc < 0)
		fail(rc, &err);
	live_writer = NULL;
	st.c.records_in = w.docs_in;
	stats_progress(&st, bytes_in, 1);
	fill_stats(&st, &w, bytes_in, peak, hist);
	if (co.stats_path && stats_write(&st, co.stats_path, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	if (!quiet) {
		stats_summary(&st, stderr);
		fprintf(stderr, "grist shard: %zu %s shard(s) in %s, %llu tokens (%llu val); manifest %s/%s.manifest.json\n",
			w.nrecs, shard_format_name(o.format), o.out_dir,
			(unsigned long long)(w.split[0].tokens + w.split[1].tokens),
			(unsigned long long)w.split[0].tokens, o.out_dir, o.prefix);
	}
	if (w.stale_removed && !quiet)
		warning("removed %llu files of an earlier, larger shard set with this prefix",
			(unsigned long long)w.stale_removed);
	shard_writer_release(&w);
	stats_release(&st);
	tokstream_header_release(&first);
	buf_release(&err);
	free(o.out_dir);
	free(o.prefix);
	return GRIST_EXIT_OK;
}
