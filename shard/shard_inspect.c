/*
 * grist shard inspect FILE: what a shard (or a token stream) holds. Recognises llm.c shards (by
 * their magic), Megatron pairs (an .idx, or a .bin beside one), grist token streams, and raw
 * uint16 files (nanoGPT). Prints the header, the counts, and the first documents as ids with
 * their record ids when the `.docs.jsonl` index is beside the file. Command layer: prints, exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "lib/die.h"
#include "lib/le.h"
#include "lib/mapfile.h"
#include "lib/source.h"
#include "lib/opts.h"
#include "lib/tokstream.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "shard/shard.h"
#include "lib/json.h"
#include "tokenize/tok_bpe.h"
#include "tokenize/tok_vocab.h"


/* Files are mapped (a shard can be 2 GiB, and only its first documents are shown); a file that
 * shrinks while mapped is a read error naming it (lib/mapfile.h). */
static void map_or_die(const char *path, struct mapfile *m)
{
	struct buf err = BUF_INIT;
	if (mapfile_open(m, path, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	buf_release(&err);
}

static uint32_t tok_at(const unsigned char *p, uint32_t width, uint64_t i)
{
	return width == 2 ? le_get16(p + 2 * i) : le_get32(p + 4 * i);
}

/* With -t: the vocabulary used to show each document's text too. */
static struct tok_vocab *inspect_vocab;

/* The text of the first ids of a document (at most 4096 ids, 400 bytes shown), as JSON. */
static void print_text(const unsigned char *toks, uint32_t width, uint64_t start, uint64_t n)
{
	uint64_t k = n < 4096 ? n : 4096;
	uint32_t *ids = xmalloc((size_t)(k ? k : 1) * sizeof(*ids));
	for (uint64_t i = 0; i < k; i++)
		ids[i] = tok_at(toks, width, start + i);
	struct buf text = BUF_INIT, err = BUF_INIT, fixed = BUF_INIT, shown = BUF_INIT;
	if (tok_decode(inspect_vocab, ids, (size_t)k, &text, &err) < 0) {
		printf("    text: (cannot decode: %s)\n", err.data);
	} else {
		size_t cut = text.len > 400 ? 400 : text.len;
		utf8_repair(&fixed, text.data, cut); /* a cut may split a character */
		json_string_encode(&shown, fixed.data, fixed.len);
		printf("    text: %s%s\n", shown.data, cut < text.len || k < n ? " ..." : "");
	}
	buf_release(&text);
	buf_release(&err);
	buf_release(&fixed);
	buf_release(&shown);
	free(ids);
}

static void print_ids(const unsigned char *toks, uint32_t width, uint64_t start, uint64_t n,
		      unsigned max_ids)
{
	printf("   ");
	for (uint64_t i = 0; i < n && i < max_ids; i++)
		printf(" %u", tok_at(toks, width, start + i));
	if (n > max_ids)
		printf(" ... (%llu more)", (unsigned long long)(n - max_ids));
	printf("\n");
	if (inspect_vocab)
		print_text(toks, width, start, n);
}

static char *sibling(const char *path, const char *old, const char *suffix)
{
	size_t n = strlen(path), k = strlen(old);
	struct buf b = BUF_INIT;
	if (n >= k && !strcmp(path + n - k, old))
		buf_add(&b, path, n - k);
	else
		buf_addstr(&b, path);
	buf_addstr(&b, suffix);
	return buf_detach(&b, NULL);
}

/* The end-of-text id from a manifest in the same directory that lists this file, if any. */
static long eot_from_manifest(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? xmemdup(path, (size_t)(slash - path)) : xstrdup(".");
	struct buf mp = BUF_INIT, err = BUF_INIT;
	long eot = -1;
	if (shard_manifest_locate(*dir ? dir : "/", &mp, &err) == 0) {
		json_t *m = json_load_file(mp.data, 0, NULL);
		size_t i;
		json_t *s;
		json_array_foreach(json_object_get(m, "shards"), i, s) {
			const char *f = json_string_value(json_object_get(s, "file"));
			json_t *e = json_object_get(m, "eot_id");
			if (f && !strcmp(f, base) && json_is_integer(e))
				eot = (long)json_integer_value(e);
		}
		json_decref(m);
	}
	free(dir);
	buf_release(&mp);
	buf_release(&err);
	return eot;
}

/* Show documents of a token array: from the .docs.jsonl index when present, else split at eot. */
static void show_docs(const char *path, const unsigned char *toks, uint32_t width, uint64_t ntok,
		      long eot, int eot_before, unsigned ndocs, unsigned max_ids)
{
	char *docs = sibling(path, ".bin", ".docs.jsonl");
	FILE *f = fopen(docs, "r");
	if (f) {
		char *line = NULL;
		size_t cap = 0;
		unsigned shown = 0;
		uint64_t count = 0;
		while (getline(&line, &cap, f) > 0) {
			count++;
			if (shown >= ndocs)
				continue;
			json_t *j = json_loads(line, 0, NULL);
			const char *id = json_string_value(json_object_get(j, "id"));
			json_int_t off = json_integer_value(json_object_get(j, "offset"));
			json_int_t n = json_integer_value(json_object_get(j, "tokens"));
			printf("doc %u: id %s, token offset %lld, %lld tokens\n", shown, id ? id : "?",
			       (long long)off, (long long)n);
			if (off >= 0 && n >= 0 && (uint64_t)(off + n) <= ntok)
				print_ids(toks, width, (uint64_t)off, (uint64_t)n, max_ids);
			else
				printf("    (outside the file: the index does not match it)\n");
			json_decref(j);
			shown++;
		}
		printf("documents: %llu (from %s)\n", (unsigned long long)count, docs);
		free(line);
		fclose(f);
		free(docs);
		return;
	}
	free(docs);
	if (eot < 0) {
		printf("documents: unknown (no .docs.jsonl beside the file, no manifest; give --eot-id)\n");
		print_ids(toks, width, 0, ntok, max_ids);
		return;
	}
	uint64_t count = 0, start = 0;
	unsigned shown = 0;
	for (uint64_t i = 0; i <= ntok; i++) {
		int boundary = i == ntok || tok_at(toks, width, i) == (uint32_t)eot;
		if (!boundary)
			continue;
		/* eot before: a document runs from after one eot to the next; after: up to its eot. */
		uint64_t end = i;
		if (end > start || (!eot_before && i < ntok)) {
			if (shown < ndocs) {
				printf("doc %u: token offset %llu, %llu tokens\n", shown,
				       (unsigned long long)start, (unsigned long long)(end - start));
				print_ids(toks, width, start, end - start, max_ids);
				shown++;
			}
			count++;
		}
		start = i + 1;
	}
	printf("documents: %llu (counted by end-of-text id %ld)\n", (unsigned long long)count, eot);
}

/* A token stream, compressed or not (shard_input.c). */
static int inspect_stream(const char *path, unsigned ndocs, unsigned max_ids)
{
	struct shard_input in;
	struct tokstream_doc d;
	struct buf err = BUF_INIT;
	int rc = shard_input_open(&in, path, &err);
	if (rc < 0)
		die(-rc, "%s", err.data);
	const struct tokstream_header *h = &in.rd.h;
	printf("format: grist token stream version %u\n", h->version);
	printf("tokenizer: %s (xxh3 %016llx)\n", h->tokenizer_name, (unsigned long long)h->tokenizer_hash);
	printf("vocab size: %u, token width: %u, end-of-text id: ", h->vocab_size, h->token_width);
	if (h->eot_id == TOKSTREAM_NO_EOT)
		printf("none");
	else
		printf("%u", h->eot_id);
	printf(", loss mask: %s\n", h->flags & TOKSTREAM_F_MASK ? "yes" : "no");
	while ((rc = shard_input_next(&in, &d, &err)) == 1) {
		if (d.index >= ndocs)
			continue;
		printf("doc %llu: id %.*s, %zu tokens\n", (unsigned long long)d.index, (int)d.id_len,
		       d.id, d.ntokens);
		print_ids(d.raw, h->token_width, 0, d.ntokens, max_ids);
	}
	if (rc < 0)
		die(-rc, "%s", err.data);
	printf("documents: %llu, tokens: %llu\n", (unsigned long long)in.rd.docs,
	       (unsigned long long)in.rd.tokens);
	shard_input_close(&in);
	buf_release(&err);
	return GRIST_EXIT_OK;
}

static int inspect_megatron(const char *idx_path, unsigned ndocs, unsigned max_ids)
{
	struct mapfile idx, bin;
	map_or_die(idx_path, &idx);
	const size_t head = 34;
	if (idx.len < head || memcmp(idx.p, "MMIDIDX\0\0", 9))
		die(GRIST_EXIT_DATA, "%s: not a Megatron index", idx_path);
	uint32_t code = idx.p[17];
	uint32_t width = code == 8 || code == 3 ? 2 : code == 1 || code == 2 ? 1 : code == 4 || code == 7 ? 4 : 8;
	uint64_t nseq = le_get64(idx.p + 18), ndoc = le_get64(idx.p + 26);
	if (idx.len < head + nseq * 12 + ndoc * 8)
		die(GRIST_EXIT_DATA, "%s: index shorter than its counts", idx_path);
	char *bin_path = sibling(idx_path, ".idx", ".bin");
	map_or_die(bin_path, &bin);
	const unsigned char *lens = idx.p + head, *ptrs = lens + nseq * 4;
	uint64_t total = 0;
	for (uint64_t i = 0; i < nseq; i++)
		total += le_get32(lens + 4 * i);
	printf("format: megatron (MMIDIDX version %llu, dtype code %u, %u-byte tokens)\n",
	       (unsigned long long)le_get64(idx.p + 9), code, width);
	printf("files: %s, %s (%zu bytes)\n", idx_path, bin_path, bin.len);
	printf("sequences: %llu, documents: %llu, tokens: %llu\n", (unsigned long long)nseq,
	       (unsigned long long)(ndoc ? ndoc - 1 : 0), (unsigned long long)total);
	if (width == 2 || width == 4) {
		const char *prefix = "";
		char *docs = sibling(bin_path, ".bin", ".docs.jsonl");
		FILE *f = fopen(docs, "r");
		char *line = NULL;
		size_t cap = 0;
		for (uint64_t i = 0; i < nseq && i < ndocs; i++) {
			uint64_t ptr = le_get64(ptrs + 8 * i), n = le_get32(lens + 4 * i);
			const char *id = NULL;
			json_t *j = NULL;
			if (f && getline(&line, &cap, f) > 0) {
				j = json_loads(line, 0, NULL);
				id = json_string_value(json_object_get(j, "id"));
			}
			printf("%sdoc %llu:%s%s, byte offset %llu, %llu tokens\n", prefix,
			       (unsigned long long)i, id ? " id " : "", id ? id : "",
			       (unsigned long long)ptr, (unsigned long long)n);
			if (ptr + n * width <= bin.len)
				print_ids(bin.p + ptr, width, 0, n, max_ids);
			json_decref(j);
		}
		free(line);
		if (f)
			fclose(f);
		free(docs);
	}
	mapfile_close(&idx);
	mapfile_close(&bin);
	free(bin_path);
	return GRIST_EXIT_OK;
}

/* A manifest (or a directory / DIR/PREFIX naming one): what the shard set holds, per split. */
static int inspect_manifest(const char *path)
{
	json_error_t je;
	json_t *m = json_load_file(path, 0, &je);
	if (!m)
		die(GRIST_EXIT_DATA, "cannot read manifest %s: %s (line %d)", path, je.text, je.line);
	json_t *tok = json_object_get(m, "tokenizer");
	json_t *eot = json_object_get(m, "eot_id");
	printf("manifest: %s\n", path);
	printf("format: %s (%s), tokenizer: %s (xxh3 %s), vocab size %lld, end-of-text %s%lld\n",
	       json_string_value(json_object_get(m, "format")),
	       json_string_value(json_object_get(m, "dtype")),
	       json_string_value(json_object_get(tok, "name")),
	       json_string_value(json_object_get(tok, "xxh3")),
	       (long long)json_integer_value(json_object_get(m, "vocab_size")),
	       json_is_integer(eot) ? "" : "none ", (long long)json_integer_value(eot));
	printf("documents: %lld of %lld (%lld empty skipped), tokens: %lld\n",
	       (long long)json_integer_value(json_object_get(m, "documents")),
	       (long long)json_integer_value(json_object_get(m, "input_documents")),
	       (long long)json_integer_value(json_object_get(m, "empty_documents_skipped")),
	       (long long)json_integer_value(json_object_get(m, "tokens")));
	static const char *const splits[] = { "train", "val" };
	for (int k = 0; k < 2; k++) {
		long long n = 0, toks = 0, docs = 0, bytes = 0;
		size_t i;
		json_t *s;
		const char *first = NULL, *last = NULL;
		json_array_foreach(json_object_get(m, "shards"), i, s) {
			const char *sp = json_string_value(json_object_get(s, "split"));
			if (!sp || strcmp(sp, splits[k]))
				continue;
			n++;
			toks += json_integer_value(json_object_get(s, "tokens"));
			docs += json_integer_value(json_object_get(s, "documents"));
			bytes += json_integer_value(json_object_get(s, "bytes"));
			last = json_string_value(json_object_get(s, "file"));
			if (!first)
				first = last;
		}
		if (!n)
			continue;
		printf("%-5s %lld shard(s), %lld documents, %lld tokens, %lld bytes: %s%s%s\n", splits[k], n,
		       docs, toks, bytes, first, n > 1 ? " .. " : "", n > 1 ? last : "");
	}
	json_decref(m);
	return GRIST_EXIT_OK;
}

/* FILE: a stream, a Megatron pair, a manifest (or DIR/PREFIX, DIR), an llm.c or nanoGPT shard. */
static int inspect_path(const char *path, unsigned ndocs, unsigned max_ids, long eot)
{
	if (!strcmp(path, "-"))
		return inspect_stream(path, ndocs, max_ids);
	struct stat pst;
	size_t plen = strlen(path);
	if (stat(path, &pst) < 0 || S_ISDIR(pst.st_mode) ||
	    (plen > 14 && !strcmp(path + plen - 14, ".manifest.json"))) {
		struct buf mp = BUF_INIT, err = BUF_INIT;
		if (shard_manifest_locate(path, &mp, &err) < 0)
			die(GRIST_EXIT_IO, "%s", err.data);
		int rc = inspect_manifest(mp.data);
		buf_release(&mp);
		buf_release(&err);
		return rc;
	}
	struct mapfile m;
	map_or_die(path, &m);
	/* A compressed file is a compressed token stream, unless it is named as a shard (a raw
	 * nanoGPT .bin may start with bytes that look like a magic). */
	int shard_name = plen >= 4 && !strcmp(path + plen - 4, ".bin");
	if ((m.len >= 8 && !memcmp(m.p, TOKSTREAM_MAGIC, 8)) ||
	    (!shard_name && codec_of_magic(m.p, m.len) != CODEC_NONE)) {
		mapfile_close(&m);
		return inspect_stream(path, ndocs, max_ids);
	}
	if (m.len >= 9 && !memcmp(m.p, "MMIDIDX\0\0", 9)) {
		mapfile_close(&m);
		return inspect_megatron(path, ndocs, max_ids);
	}
	char *idx = sibling(path, ".bin", ".idx");
	struct stat st;
	if (strcmp(idx, path) && stat(idx, &st) == 0) {
		mapfile_close(&m);
		int rc = inspect_megatron(idx, ndocs, max_ids);
		free(idx);
		return rc;
	}
	free(idx);
	if (eot < 0)
		eot = eot_from_manifest(path);
	uint32_t magic = m.len >= 12 ? le_get32(m.p) : 0, version = m.len >= 12 ? le_get32(m.p + 4) : 0;
	if (m.len >= SHARD_LLMC_HEADER &&
	    ((magic == SHARD_LLMC_MAGIC16 && version == SHARD_LLMC_VERSION16) ||
	     (magic == SHARD_LLMC_MAGIC32 && version == SHARD_LLMC_VERSION32))) {
		uint32_t width = magic == SHARD_LLMC_MAGIC16 ? 2 : 4;
		uint64_t count = le_get32(m.p + 8);
		printf("format: llmc (magic %u, version %u, uint%u tokens)\n", magic, version, width * 8);
		printf("tokens: %llu (header), file size %zu bytes (%s)\n", (unsigned long long)count,
		       m.len, m.len == SHARD_LLMC_HEADER + count * width ? "matches" : "DOES NOT match 1024 + count x width");
		uint64_t have = (m.len - SHARD_LLMC_HEADER) / width;
		show_docs(path, m.p + SHARD_LLMC_HEADER, width, count < have ? count : have, eot, 1,
			  ndocs, max_ids);
	} else {
		printf("format: raw uint16 tokens (nanoGPT)\n");
		printf("tokens: %zu%s\n", m.len / 2, m.len % 2 ? " (odd file size: not uint16 tokens?)" : "");
		show_docs(path, m.p, 2, m.len / 2, eot, 0, ndocs, max_ids);
	}
	mapfile_close(&m);
	return GRIST_EXIT_OK;
}

static const char inspect_usage[] =
	"usage: grist shard inspect FILE [-n DOCS] [--max-ids N] [--eot-id N] [-t TOKENIZER]\n"
	"Prints the header, the counts and the first documents (default 3; up to 32 ids each)\n"
	"of an llm.c shard, a Megatron .idx/.bin pair, a nanoGPT .bin or a grist token stream;\n"
	"for a manifest (MANIFEST, DIR/PREFIX or DIR) a summary of the shard set per split.\n"
	"  -t TOKENIZER   also show each document's text, decoded with TOKENIZER\n";

static void inspect_usage_to(FILE *f)
{
	fputs(inspect_usage, f);
}

static void inspect_load_vocab(const char *path)
{
	static struct tok_vocab v;
	struct buf err = BUF_INIT;
	int unsupported = 0;
	char *search = tok_vocab_default_search_path();
	if (tok_vocab_load(&v, path, search, NULL, &err, &unsupported) < 0)
		die(unsupported ? GRIST_EXIT_UNSUPPORTED : GRIST_EXIT_USAGE, "%s", err.data);
	free(search);
	inspect_vocab = &v;
}

struct inspect_opts {
	unsigned ndocs, max_ids;
	long eot;
};

static int inspect_opt(void *ctx, int c, const char *arg)
{
	struct inspect_opts *o = ctx;
	switch (c) {
	case 'n': o->ndocs = (unsigned)opts_count("-n", arg, 0, UINT32_MAX); return 1;
	case 'm': o->max_ids = (unsigned)opts_count("--max-ids", arg, 0, UINT32_MAX); return 1;
	case 'e': o->eot = (long)opts_count("--eot-id", arg, 0, UINT32_MAX - 1); return 1;
	case 't': inspect_load_vocab(arg); return 1;
	}
	return 0;
}

int cmd_shard_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "docs", required_argument, NULL, 'n' },
		{ "tokenizer", required_argument, NULL, 't' },
		{ "eot-id", required_argument, NULL, 'e' },
		{ "max-ids", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct inspect_opts o = { 3, 32, -1 };
	struct common_opts co; /* only -h/--help of the shared options applies */
	common_opts_init(&co);
	optind = 1;
	int rc = opts_parse(&co, argc, argv, "n:t:h", longopts, inspect_usage_to, inspect_opt, &o);
	if (rc)
		return rc;
	if (argc - optind != 1) {
		fputs(inspect_usage, stderr);
		return GRIST_EXIT_USAGE;
	}
	return inspect_path(argv[optind], o.ndocs, o.max_ids, o.eot);
}
