#include "opts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "output.h"

void common_opts_init(struct common_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->jobs = 1;
	o->text_field = "text";
	o->id_field = "id";
	o->on_missing = ON_MISSING_SKIP;
	o->on_invalid = ON_INVALID_SKIP;
	o->max_doc_bytes = 256ull << 20;
}

size_t opts_batch_bytes(const char *arg)
{
	return (size_t)opts_size("--batch-bytes", arg, 1024, 1ull << 30);
}

int common_opt(struct common_opts *o, int c, const char *arg, void (*usage)(FILE *))
{
	switch (c) {
	case 'o': o->output = arg; return 1;
	case 'q': o->quiet = 1; return 1;
	case 'j': o->jobs = (int)opts_count("-j", arg, 1, 256); return 1;
	case OPT_STATS: o->stats_path = arg; return 1;
	case OPT_REJECTS: o->rejects_path = arg; return 1;
	case OPT_PROGRESS: o->progress = 1; return 1;
	case OPT_TEXT_FIELD: o->text_field = arg; return 1;
	case OPT_ID_FIELD: o->id_field = arg; return 1;
	case OPT_ON_MISSING:
		if (!strcmp(arg, "skip")) o->on_missing = ON_MISSING_SKIP;
		else if (!strcmp(arg, "empty")) o->on_missing = ON_MISSING_EMPTY;
		else if (!strcmp(arg, "error")) o->on_missing = ON_MISSING_ERROR;
		else die(GRIST_EXIT_USAGE, "--on-missing expects skip, empty or error, got '%s'", arg);
		return 1;
	case OPT_ON_INVALID:
		if (!strcmp(arg, "skip")) o->on_invalid = ON_INVALID_SKIP;
		else if (!strcmp(arg, "error")) o->on_invalid = ON_INVALID_ERROR;
		else die(GRIST_EXIT_USAGE, "--on-invalid expects skip or error, got '%s'", arg);
		return 1;
	case OPT_MAX_DOC_BYTES:
		o->max_doc_bytes = opts_size("--max-doc-bytes", arg, 1, UINT64_MAX);
		return 1;
	case OPT_ROW_GROUP_BYTES: /* -o FILE.parquet (lib/output.c) */
		output_parquet_options(opts_size("--row-group-bytes", arg, 1024, UINT64_MAX), NULL);
		return 1;
	case OPT_SCHEMA:
		output_parquet_options(0, arg);
		return 1;
	case OPT_PARQUET_LEVEL:
		output_parquet_level((int)opts_count("--parquet-level", arg, 1, 19));
		return 1;
	case 'h':
		usage(stdout);
		output_finish_stdout();
		exit(GRIST_EXIT_OK);
	case OPT_VERSION:
		printf("grist %s\n", GRIST_VERSION);
		output_finish_stdout();
		exit(GRIST_EXIT_OK);
	}
	return 0;
}

void common_opts_finish(struct common_opts *o)
{
	if (!o->progress && isatty(2) && !o->quiet)
		o->progress = 1;
}

int opts_parse(struct common_opts *co, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, void (*usage)(FILE *),
	       int (*stage_opt)(void *ctx, int c, const char *arg), void *ctx)
{
	int c;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			opts_bad_option(argv, shortopts, longopts);
		if ((stage_opt && stage_opt(ctx, c, optarg)) || common_opt(co, c, optarg, usage))
			continue;
		usage(stderr);
		return GRIST_EXIT_USAGE;
	}
	common_opts_finish(co);
	return 0;
}

void common_opts_help(FILE *f, int record_options)
{
	if (record_options)
		fprintf(f,
			"Record options:\n"
			"  FILE... or -          JSONL inputs (stdin when none); gzip, zstd, xz, bzip2 and lz4\n"
			"                        compressed inputs are decoded (recognised by content)\n"
			"  --text-field NAME     field holding the document text (default: text)\n"
			"  --id-field NAME       field holding the record id (default: id)\n"
			"  --on-missing POLICY   text missing, null or not a string: skip|empty|error\n"
			"                        (default: skip; skips are counted and go to --rejects)\n"
			"  --on-invalid POLICY   line that is not a valid JSON object: skip|error\n"
			"                        (default: skip)\n"
			"  --max-doc-bytes N     reject records whose decoded text is larger (default: 256M;\n"
			"                        sizes take K/M/G = powers of 1024, counts k/M/G = 10^3..)\n");
	fprintf(f,
		"Common options:\n"
		"  -o, --output FILE     write to FILE (atomically) instead of stdout (default: -);\n"
		"                        FILE.zst / FILE.gz are compressed (zstd / gzip);\n"
		"                        FILE.parquet is Parquet (docs/parquet.md)\n"
		"  --row-group-bytes N   -o FILE.parquet: row group size (default: 128M)\n"
		"  --schema FILE         -o FILE.parquet: column types as JSON (default: inferred)\n"
		"  --parquet-level N     -o FILE.parquet: zstd level, 1-19 (default: 1, fastest)\n"
		"  -j, --jobs N          worker threads; output is identical for every N (default: 1)\n"
		"  --stats FILE          write counts as JSON to FILE (default: none)\n"
		"  --rejects FILE        write every dropped record, with the reason, to FILE\n"
		"                        (default: none; drops are still counted)\n"
		"  --progress            draw a progress line on stderr (default: when stderr is a tty)\n"
		"  -q, --quiet           no summary line on stderr\n"
		"  -h, --help            this help\n"
		"  --version             print the version\n");
}
