/*
 * The shard manifest `<prefix>.manifest.json` (written last, so its presence means every shard
 * listed in it was complete) and `grist shard verify`, which re-checks every listed file: size,
 * XXH3-64 (the value `xxhsum -H3` prints), and the format's own structure (llm.c header count,
 * Megatron .idx consistency, document-index line counts). No timestamps: a rerun over the same
 * input writes a byte-identical manifest.
 */
#include "shard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/le.h"
#include "lib/source.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

/* Record ids and names are meant to be UTF-8; anything else is repaired (U+FFFD), never copied
 * raw into JSON. */
void shard_json_str(struct buf *b, const char *s, size_t n)
{
	json_string_encode_repair(b, s, n);
}

static const char *dtype_name(uint32_t width)
{
	return width == 2 ? "uint16" : "int32";
}

/* What the shards hold: format and dtype, tokenizer, vocabulary, end-of-text and mask. */
static void manifest_format(const struct shard_writer *w, struct buf *out)
{
	const struct shard_opts *o = &w->o;
	buf_addstr(out, "{\n  \"grist_shard_manifest\": 1,\n");
	buf_addf(out, "  \"format\": \"%s\",\n", shard_format_name(o->format));
	if (o->format == SHARD_LLMC) {
		buf_addf(out, "  \"dtype\": \"%s\",\n", w->out_width == 2 ? "uint16" : "uint32");
		buf_addf(out, "  \"llmc_magic\": %d,\n  \"llmc_version\": %d,\n",
			 w->out_width == 2 ? SHARD_LLMC_MAGIC16 : SHARD_LLMC_MAGIC32,
			 w->out_width == 2 ? SHARD_LLMC_VERSION16 : SHARD_LLMC_VERSION32);
	} else if (o->format == SHARD_MEGATRON) {
		buf_addf(out, "  \"dtype\": \"%s\",\n  \"megatron_dtype_code\": %d,\n",
			 dtype_name(w->out_width), w->out_width == 2 ? 8 : 4);
	} else if (o->format == SHARD_JSONL) {
		buf_addstr(out, "  \"dtype\": \"json\",\n");
	} else {
		buf_addstr(out, "  \"dtype\": \"uint16\",\n");
	}
	buf_addstr(out, "  \"tokenizer\": {\"name\": ");
	shard_json_str(out, w->h.tokenizer_name, strlen(w->h.tokenizer_name));
	buf_addf(out, ", \"xxh3\": \"%016llx\"},\n", (unsigned long long)w->h.tokenizer_hash);
	buf_addf(out, "  \"vocab_size\": %u,\n", w->h.vocab_size);
	if (w->eot == TOKSTREAM_NO_EOT)
		buf_addstr(out, "  \"eot_id\": null,\n");
	else
		buf_addf(out, "  \"eot_id\": %u,\n", w->eot);
	const char *place = o->pack || o->format == SHARD_JSONL ? "none"
			    : o->format == SHARD_LLMC ? "before"
			    : (o->format == SHARD_NANOGPT || o->append_eod) ? "after" : "none";
	buf_addf(out, "  \"eot_placement\": \"%s\",\n", place);
	buf_addf(out, "  \"loss_mask\": %s,\n", w->has_mask ? "true" : "false");
}

/* How they were cut: packing, shuffle, split and shard size. */
static void manifest_settings(const struct shard_writer *w, struct buf *out)
{
	const struct shard_opts *o = &w->o;
	if (o->pack)
		buf_addf(out, "  \"pack\": {\"seq_len\": %u, \"pad_id\": %u, \"window\": %u, "
			      "\"on_overlong\": \"%s\", \"rows\": %llu, \"real_tokens\": %llu, "
			      "\"pad_tokens\": %llu, \"efficiency\": %.6f, \"overlong_rejected\": %llu, "
			      "\"overlong_truncated\": %llu},\n",
			 o->pack, w->pad_id, o->pack_window,
			 o->on_overlong == SHARD_OVERLONG_REJECT ? "reject" : "truncate",
			 (unsigned long long)w->pack_rows, (unsigned long long)w->pack_real,
			 (unsigned long long)w->pack_pad,
			 w->pack_rows ? (double)w->pack_real / ((double)w->pack_rows * o->pack) : 0.0,
			 (unsigned long long)w->overlong_rejected,
			 (unsigned long long)w->overlong_truncated);
	else
		buf_addstr(out, "  \"pack\": null,\n");
	if (o->shuffle)
		buf_addf(out, "  \"shuffle\": {\"seed\": %llu, \"buckets\": %u},\n",
			 (unsigned long long)o->seed,
			 o->shuffle_buckets ? o->shuffle_buckets : SHARD_DEFAULT_BUCKETS);
	else
		buf_addstr(out, "  \"shuffle\": null,\n");
	if (o->val_tokens)
		buf_addf(out, "  \"split\": {\"val_tokens\": %llu},\n", (unsigned long long)o->val_tokens);
	else if (o->val_fraction > 0)
		buf_addf(out, "  \"split\": {\"val_fraction\": %.17g, \"seed\": %llu},\n", o->val_fraction,
			 (unsigned long long)o->seed);
	else
		buf_addstr(out, "  \"split\": null,\n");
	if (w->limit != UINT64_MAX)
		buf_addf(out, "  \"shard_tokens\": %llu,\n", (unsigned long long)w->limit);
	else
		buf_addstr(out, "  \"shard_tokens\": null,\n");
}

/* The counts and every shard with its side files, sizes and hashes. */
static void manifest_shards(const struct shard_writer *w, struct buf *out)
{
	uint64_t tokens = w->split[0].tokens + w->split[1].tokens;
	uint64_t docs = w->split[0].documents + w->split[1].documents;
	buf_addf(out, "  \"input_documents\": %llu,\n  \"input_tokens\": %llu,\n",
		 (unsigned long long)w->docs_in, (unsigned long long)w->tokens_in);
	buf_addf(out, "  \"empty_documents_skipped\": %llu,\n", (unsigned long long)w->empty_docs);
	buf_addf(out, "  \"documents\": %llu,\n  \"tokens\": %llu,\n", (unsigned long long)docs,
		 (unsigned long long)tokens);
	buf_addstr(out, "  \"shards\": [");
	for (size_t i = 0; i < w->nrecs; i++) {
		const struct shard_rec *r = &w->recs[i];
		const struct shard_file_rec *d = &r->files[0];
		buf_addstr(out, i ? ",\n    {" : "\n    {");
		buf_addf(out, "\"split\": \"%s\", \"file\": ", r->split);
		shard_json_str(out, d->name, strlen(d->name));
		buf_addf(out, ", \"tokens\": %llu, \"documents\": %llu, \"rows\": %llu, \"bytes\": %llu, \"xxh3\": \"%016llx\",\n",
			 (unsigned long long)r->tokens, (unsigned long long)r->documents,
			 (unsigned long long)r->rows,
			 (unsigned long long)d->bytes, (unsigned long long)d->xxh3);
		buf_addstr(out, "     \"files\": [");
		for (int j = 1; j < r->nfiles; j++) {
			const struct shard_file_rec *f = &r->files[j];
			buf_addf(out, "%s{\"role\": \"%s\", \"file\": ", j > 1 ? ", " : "", f->role);
			shard_json_str(out, f->name, strlen(f->name));
			buf_addf(out, ", \"bytes\": %llu, \"xxh3\": \"%016llx\"}",
				 (unsigned long long)f->bytes, (unsigned long long)f->xxh3);
		}
		buf_addstr(out, "]}");
	}
	buf_addstr(out, w->nrecs ? "\n  ]\n}\n" : "]\n}\n");
}

void shard_manifest_build(const struct shard_writer *w, struct buf *out)
{
	manifest_format(w, out);
	manifest_settings(w, out);
	manifest_shards(w, out);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

int shard_manifest_locate(const char *arg, struct buf *path, struct buf *err)
{
	struct stat st;
	buf_reset(path);
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(arg);
		if (!d) {
			buf_addf(err, "cannot open directory %s: %s", arg, strerror(errno));
			return -1;
		}
		int found = 0;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (!ends_with(e->d_name, ".manifest.json"))
				continue;
			if (found++) {
				buf_addf(err, "%s holds more than one *.manifest.json; name one", arg);
				closedir(d);
				return -1;
			}
			buf_addf(path, "%s/%s", arg, e->d_name);
		}
		closedir(d);
		if (!found) {
			buf_addf(err, "no *.manifest.json in %s (an interrupted run writes none)", arg);
			return -1;
		}
		return 0;
	}
	if (stat(arg, &st) == 0) {
		buf_addstr(path, arg);
		return 0;
	}
	buf_addf(path, "%s.manifest.json", arg);
	if (stat(path->data, &st) == 0)
		return 0;
	buf_reset(path);
	buf_addf(err, "no manifest at %s or %s.manifest.json (an interrupted run writes none)", arg, arg);
	return -1;
}

/* ---- verify ---- */

struct vctx {
	struct buf *report;
	const char *dir;
	int problems;
	uint64_t files;
};

static void problem(struct vctx *v, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct vctx *v, const char *file, const char *fmt, ...)
{
	va_list ap;
	buf_addf(v->report, "FAIL %s: ", file);
	va_start(ap, fmt);
	buf_vaddf(v->report, fmt, ap);
	va_end(ap);
	buf_addch(v->report, '\n');
	v->problems++;
}

static uint64_t jint(json_t *o, const char *key, int *ok)
{
	json_t *x = json_object_get(o, key);
	if (!json_is_integer(x) || json_integer_value(x) < 0) {
		*ok = 0;
		return 0;
	}
	return (uint64_t)json_integer_value(x);
}

static char *file_path(const struct vctx *v, const char *name)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/%s", v->dir, name);
	return buf_detach(&b, NULL);
}

/* Checks size and hash of one listed file; returns 0 if both match. */
static int check_file(struct vctx *v, json_t *entry, const char **name_out)
{
	json_t *jf = json_object_get(entry, "file");
	const char *name = json_string_value(jf);
	*name_out = name ? name : "?";
	int ok = 1;
	uint64_t bytes = jint(entry, "bytes", &ok);
	const char *hex = json_string_value(json_object_get(entry, "xxh3"));
	if (!name || !ok || !hex || strchr(name, '/')) {
		problem(v, *name_out, "manifest entry lacks file, bytes or xxh3 (or names a path)");
		return -1;
	}
	v->files++;
	char *path = file_path(v, name);
	uint64_t h = 0, got = 0;
	struct buf e = BUF_INIT;
	int rc = shard_hash_file(path, &h, &got, &e);
	free(path);
	if (rc < 0) {
		problem(v, name, "%s", e.data);
		buf_release(&e);
		return -1;
	}
	char hh[17];
	snprintf(hh, sizeof(hh), "%016llx", (unsigned long long)h);
	if (got != bytes) {
		problem(v, name, "size %llu, manifest says %llu", (unsigned long long)got,
			(unsigned long long)bytes);
		return -1;
	}
	if (strcmp(hh, hex)) {
		problem(v, name, "XXH3-64 %s, manifest says %s", hh, hex);
		return -1;
	}
	return 0;
}

static void check_llmc(struct vctx *v, const char *name, uint64_t tokens, uint32_t magic,
		       uint32_t version, uint32_t width)
{
	char *path = file_path(v, name);
	unsigned char h[12];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? pread(fd, h, sizeof(h), 0) : -1;
	struct stat st;
	int have_st = fd >= 0 && fstat(fd, &st) == 0;
	if (fd >= 0)
		close(fd);
	free(path);
	if (n != (ssize_t)sizeof(h) || !have_st) {
		problem(v, name, "cannot read the llm.c header");
		return;
	}
	if (le_get32(h) != magic || le_get32(h + 4) != version)
		problem(v, name, "llm.c header magic %u version %u, expected %u %u", le_get32(h),
			le_get32(h + 4), magic, version);
	else if (le_get32(h + 8) != tokens)
		problem(v, name, "llm.c header says %u tokens, manifest %llu", le_get32(h + 8),
			(unsigned long long)tokens);
	else if ((uint64_t)st.st_size != SHARD_LLMC_HEADER + tokens * width)
		problem(v, name, "size is not 1024 + tokens x %u", width);
}

static void check_megatron(struct vctx *v, const char *idx_name, uint64_t tokens, uint64_t docs,
			   uint32_t width)
{
	struct buf all = BUF_INIT, err = BUF_INIT;
	char *path = file_path(v, idx_name);
	int rc = source_read_file(path, &all, UINT64_MAX, &err);
	free(path);
	buf_release(&err);
	if (rc < 0) {
		problem(v, idx_name, "cannot read");
		buf_release(&all);
		return;
	}
	const unsigned char *p = (const unsigned char *)all.data;
	size_t len = all.len;
	const size_t head = 9 + 8 + 1 + 8 + 8;
	uint64_t nseq = len >= head ? le_get64(p + 18) : 0, ndoc = len >= head ? le_get64(p + 26) : 0;
	if (len < head || memcmp(p, "MMIDIDX\0\0", 9) || le_get64(p + 9) != 1) {
		problem(v, idx_name, "not a Megatron MMIDIDX version 1 index");
	} else if (p[17] != (width == 2 ? 8 : 4)) {
		problem(v, idx_name, "dtype code %u, expected %u", p[17], width == 2 ? 8 : 4);
	} else if (nseq != docs || ndoc != docs + 1 ||
		   len != head + nseq * 4 + nseq * 8 + ndoc * 8) {
		problem(v, idx_name, "%llu sequences and %llu document indices in %zu bytes; manifest says %llu documents",
			(unsigned long long)nseq, (unsigned long long)ndoc, len, (unsigned long long)docs);
	} else {
		uint64_t sum = 0;
		const unsigned char *lens = p + head, *ptrs = lens + nseq * 4, *didx = ptrs + nseq * 8;
		int bad = 0;
		for (uint64_t i = 0; i < nseq && !bad; i++) {
			if (le_get64(ptrs + 8 * i) != sum * width)
				bad = 1;
			sum += le_get32(lens + 4 * i);
		}
		for (uint64_t i = 0; i < ndoc && !bad; i++)
			if (le_get64(didx + 8 * i) != i)
				bad = 1;
		if (bad)
			problem(v, idx_name, "sequence pointers or document indices inconsistent");
		else if (sum != tokens)
			problem(v, idx_name, "sequence lengths sum to %llu, manifest says %llu tokens",
				(unsigned long long)sum, (unsigned long long)tokens);
	}
	buf_release(&all);
}

static void check_lines(struct vctx *v, const char *name, uint64_t docs)
{
	struct buf all = BUF_INIT, err = BUF_INIT;
	char *path = file_path(v, name);
	int rc = source_read_file(path, &all, UINT64_MAX, &err);
	free(path);
	buf_release(&err);
	if (rc < 0) {
		problem(v, name, "cannot read");
		buf_release(&all);
		return;
	}
	const char *p = all.data;
	size_t len = all.len;
	uint64_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += p[i] == '\n';
	if (lines != docs)
		problem(v, name, "%llu lines, manifest says %llu documents", (unsigned long long)lines,
			(unsigned long long)docs);
	buf_release(&all);
}

int shard_verify(const char *manifest_path, struct buf *report, uint64_t *nfiles, struct buf *err)
{
	json_error_t je;
	json_t *m = json_load_file(manifest_path, 0, &je);
	if (!m) {
		buf_addf(err, "cannot read manifest %s: %s (line %d)", manifest_path, je.text, je.line);
		return -1;
	}
	const char *fmt = json_string_value(json_object_get(m, "format"));
	const char *dtype = json_string_value(json_object_get(m, "dtype"));
	json_t *shards = json_object_get(m, "shards");
	if (json_integer_value(json_object_get(m, "grist_shard_manifest")) != 1 || !fmt || !dtype ||
	    !json_is_array(shards)) {
		buf_addf(err, "%s is not a grist shard manifest (version 1)", manifest_path);
		json_decref(m);
		return -1;
	}
	const char *slash = strrchr(manifest_path, '/');
	char *dir = slash ? xmemdup(manifest_path, slash == manifest_path ? 1 : (size_t)(slash - manifest_path))
			  : xstrdup(".");
	struct vctx v = { report, dir, 0, 0 };
	uint32_t width = !strcmp(dtype, "uint16") ? 2 : 4;
	int okm = 1;
	uint32_t magic = (uint32_t)jint(m, "llmc_magic", &okm);
	uint32_t version = (uint32_t)jint(m, "llmc_version", &okm);
	size_t i;
	json_t *s;
	json_array_foreach(shards, i, s) {
		int ok = 1;
		uint64_t tokens = jint(s, "tokens", &ok), docs = jint(s, "documents", &ok);
		/* Rows (packed rows, or one per document) are the Megatron sequences and the lines
		 * of a jsonl shard; manifests before packing have no "rows". */
		int okr = 1;
		uint64_t rows = jint(s, "rows", &okr);
		if (!okr)
			rows = docs;
		const char *name;
		int before = v.problems;
		int bad = check_file(&v, s, &name) < 0;
		if (!ok) {
			problem(&v, name, "manifest entry lacks tokens or documents");
			continue;
		}
		if (!bad && !strcmp(fmt, "llmc"))
			check_llmc(&v, name, tokens, magic, version, width);
		else if (!bad && !strcmp(fmt, "jsonl"))
			check_lines(&v, name, rows);
		else if (!bad && json_integer_value(json_object_get(s, "bytes")) != (json_int_t)(tokens * width))
			problem(&v, name, "size is not tokens x %u", width);
		size_t j;
		json_t *f;
		json_array_foreach(json_object_get(s, "files"), j, f) {
			const char *role = json_string_value(json_object_get(f, "role"));
			const char *fname;
			if (check_file(&v, f, &fname) < 0 || !role)
				continue;
			if (!strcmp(role, "idx"))
				check_megatron(&v, fname, tokens, rows, width);
			else if (!strcmp(role, "docs"))
				check_lines(&v, fname, docs);
			else if (!strcmp(role, "mask") &&
				 json_integer_value(json_object_get(f, "bytes")) != (json_int_t)tokens)
				problem(&v, fname, "mask size is not one byte per token");
		}
		if (v.problems == before)
			buf_addf(report, "ok   %s (%llu tokens, %llu documents)\n", name,
				 (unsigned long long)tokens, (unsigned long long)docs);
	}
	*nfiles = v.files;
	free(dir);
	json_decref(m);
	return v.problems;
}
