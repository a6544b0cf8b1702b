/* Intermediate files of the sharded dedup; see ddfile.h for the layout. */
#include "dedup/ddfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "lib/die.h"
#include "lib/le.h"
#include "lib/xalloc.h"

#define WBUF (1u << 20)

static void encode_header(uint8_t *p, const struct ddfile_header *h)
{
	memset(p, 0, DDFILE_HEADER);
	memcpy(p, DDFILE_MAGIC, 8);
	le_put32(p + 8, DDFILE_VERSION);
	le_put32(p + 12, h->kind);
	le_put32(p + 16, h->task);
	le_put32(p + 20, h->band);
	le_put32(p + 24, h->bands);
	le_put32(p + 28, h->rows);
	le_put32(p + 32, h->ngram);
	le_put32(p + 36, (uint32_t)h->char_ngrams);
	le_put32(p + 40, h->verify_m);
	le_put32(p + 44, h->rec_size);
	le_put32(p + 48, h->bucket_cap);
	le_put32(p + 52, h->exact);
	le_put32(p + 56, h->fold);
}

static int flush(struct ddfile_writer *w, struct buf *err)
{
	if (w->len && atomic_write(&w->af, w->buf, w->len, err) < 0)
		return -1;
	w->len = 0;
	return 0;
}

int ddfile_create(struct ddfile_writer *w, const char *path, const struct ddfile_header *h,
		  struct buf *err)
{
	memset(w, 0, sizeof(*w));
	if (atomic_open(&w->af, path, err) < 0)
		return -1;
	w->open = 1;
	w->xxh = XXH3_createState();
	XXH3_64bits_reset(w->xxh);
	w->buf = xmalloc(WBUF);
	uint8_t hd[DDFILE_HEADER];
	encode_header(hd, h);
	XXH3_64bits_update(w->xxh, hd, sizeof(hd));
	memcpy(w->buf, hd, sizeof(hd));
	w->len = sizeof(hd);
	return 0;
}

int ddfile_write(struct ddfile_writer *w, const void *p, size_t n, struct buf *err)
{
	XXH3_64bits_update(w->xxh, p, n);
	w->payload += n;
	if (w->len + n > WBUF) {
		if (flush(w, err) < 0)
			return -1;
		if (n > WBUF)
			return atomic_write(&w->af, p, n, err);
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

static void writer_free(struct ddfile_writer *w)
{
	if (w->xxh)
		XXH3_freeState(w->xxh);
	free(w->buf);
	w->xxh = NULL;
	w->buf = NULL;
	w->open = 0;
}

/* Trailer, flush, fsync and close under the temporary name (still removed on die()). */
static int writer_close(struct ddfile_writer *w, uint64_t count, struct buf *err)
{
	uint8_t tr[DDFILE_TRAILER];
	memcpy(tr, "GRDDEND", 8);
	le_put64(tr + 8, count);
	le_put64(tr + 16, w->payload);
	XXH3_64bits_update(w->xxh, tr + 8, 16);
	le_put64(tr + 24, XXH3_64bits_digest(w->xxh));
	if (flush(w, err) < 0 || atomic_write(&w->af, tr, sizeof(tr), err) < 0) {
		atomic_abort(&w->af);
		return -1;
	}
	return atomic_close(&w->af, err);
}

int ddfile_close_into(struct ddfile_writer *w, uint64_t count, struct atomic_set *set,
		      struct buf *err)
{
	int rc = writer_close(w, count, err);
	if (rc == 0) {
		ALLOC_GROW(set->f, set->n + 1, set->alloc);
		set->f[set->n++] = w->af; /* the set owns the names now */
		memset(&w->af, 0, sizeof(w->af));
		w->af.fd = -1;
	}
	writer_free(w);
	return rc;
}

int ddfile_commit(struct ddfile_writer *w, uint64_t count, struct buf *err)
{
	int rc = writer_close(w, count, err);
	if (rc == 0)
		rc = atomic_commit(&w->af, err);
	writer_free(w);
	return rc;
}

void ddfile_abort(struct ddfile_writer *w)
{
	if (!w->open)
		return;
	atomic_abort(&w->af);
	writer_free(w);
}

static const char *kind_name(uint32_t k)
{
	switch (k) {
	case DD_KIND_SIGS: return "signatures";
	case DD_KIND_BAND: return "band keys";
	case DD_KIND_IDS: return "ids";
	case DD_KIND_PAIRS: return "pairs";
	case DD_KIND_REMOVE: return "removal list";
	default: return "unknown";
	}
}

int ddfile_open(struct ddfile *f, const char *path, uint32_t kind, struct buf *err)
{
	memset(f, 0, sizeof(*f));
	struct mapfile m;
	if (mapfile_open(&m, path, err) < 0)
		return -GRIST_EXIT_IO;
	size_t size = m.len;
	if (size < DDFILE_HEADER + DDFILE_TRAILER) {
		buf_addf(err, "%s: truncated dedup file (%zu bytes, not even a header and trailer)",
			 path, size);
		mapfile_close(&m);
		return -1;
	}
	const uint8_t *p = m.p;
	const uint8_t *tr = p + size - DDFILE_TRAILER;
	const char *why = NULL;
	if (memcmp(p, DDFILE_MAGIC, 8))
		why = "not a grist dedup file (bad magic)";
	else if (le_get32(p + 8) != DDFILE_VERSION)
		why = "unsupported dedup file version";
	else if (memcmp(tr, "GRDDEND", 8) ||
		 le_get64(tr + 16) != size - DDFILE_HEADER - DDFILE_TRAILER)
		why = "truncated or damaged (no valid trailer)";
	else {
		XXH3_state_t *s = XXH3_createState();
		XXH3_64bits_reset(s);
		XXH3_64bits_update(s, p, size - DDFILE_TRAILER);
		XXH3_64bits_update(s, tr + 8, 16);
		if (XXH3_64bits_digest(s) != le_get64(tr + 24))
			why = "checksum mismatch (file damaged)";
		XXH3_freeState(s);
	}
	if (!why && le_get32(p + 12) != kind) {
		buf_addf(err, "%s: holds %s, expected %s", path, kind_name(le_get32(p + 12)),
			 kind_name(kind));
		mapfile_close(&m);
		return -1;
	}
	if (why) {
		buf_addf(err, "%s: %s", path, why);
		mapfile_close(&m);
		return -1;
	}
	f->path = xstrdup(path);
	f->map = m;
	f->size = size;
	f->h.kind = le_get32(p + 12);
	f->h.task = le_get32(p + 16);
	f->h.band = le_get32(p + 20);
	f->h.bands = le_get32(p + 24);
	f->h.rows = le_get32(p + 28);
	f->h.ngram = le_get32(p + 32);
	f->h.char_ngrams = (int32_t)le_get32(p + 36);
	f->h.verify_m = le_get32(p + 40);
	f->h.rec_size = le_get32(p + 44);
	f->h.bucket_cap = le_get32(p + 48);
	f->h.exact = le_get32(p + 52);
	f->h.fold = le_get32(p + 56);
	f->payload = p + DDFILE_HEADER;
	f->payload_len = le_get64(tr + 16);
	f->count = le_get64(tr + 8);
	if (f->h.rec_size && (f->payload_len % f->h.rec_size ||
			      f->payload_len / f->h.rec_size != f->count)) {
		buf_addf(err, "%s: record count does not match the size", path);
		ddfile_close(f);
		return -1;
	}
	if (ddfile_check_payload(f, err) < 0) {
		ddfile_close(f);
		return -1;
	}
	return 0;
}

void ddfile_close(struct ddfile *f)
{
	mapfile_close(&f->map);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

static int bad(const struct ddfile *f, struct buf *err, const char *why)
{
	buf_addf(err, "%s: malformed %s file: %s", f->path, kind_name(f->h.kind), why);
	return -1;
}

int ddfile_check_payload(const struct ddfile *f, struct buf *err)
{
	const struct ddfile_header *h = &f->h;
	switch (h->kind) {
	case DD_KIND_SIGS:
		if (!h->bands || !h->rows || (uint64_t)h->bands * h->rows > 1024 ||
		    h->rec_size != h->bands * h->rows)
			return bad(f, err, "record size is not bands x rows");
		return 0;
	case DD_KIND_BAND:
		if (h->rec_size != 8 || h->band >= h->bands)
			return bad(f, err, "bad record size or band");
		return 0;
	case DD_KIND_PAIRS:
		return h->rec_size != 16 ? bad(f, err, "bad record size") : 0;
	case DD_KIND_IDS: {
		if (f->count >= f->payload_len / 8)
			return bad(f, err, "offset table larger than the file");
		uint64_t table = 8 * (f->count + 1), bytes = f->payload_len - table, prev = 0;
		const uint8_t *offs = f->payload + bytes;
		for (uint64_t i = 0; i <= f->count; i++) {
			uint64_t o = le_get64(offs + 8 * i);
			if ((i == 0 && o != 0) || o < prev || o > bytes)
				return bad(f, err, "id offsets out of order or out of range");
			prev = o;
		}
		return prev == bytes ? 0 : bad(f, err, "id bytes and offsets disagree");
	}
	case DD_KIND_REMOVE: {
		if (f->payload_len < 8)
			return bad(f, err, "no document count");
		uint64_t docs = le_get64(f->payload), n = 0, pos = 8;
		int64_t prev = -1;
		while (pos < f->payload_len) {
			if (f->payload_len - pos < 8)
				return bad(f, err, "entry cut short");
			uint32_t doc = le_get32(f->payload + pos), len = le_get32(f->payload + pos + 4);
			if ((int64_t)doc <= prev || doc >= docs)
				return bad(f, err, "documents out of order or out of range");
			if (len > f->payload_len - pos - 8)
				return bad(f, err, "id longer than the file");
			prev = doc;
			pos += 8 + (uint64_t)len;
			n++;
		}
		return n == f->count ? 0 : bad(f, err, "entry count disagrees with the trailer");
	}
	}
	return bad(f, err, "unknown kind");
}

int ddfile_same_params(const struct ddfile *a, const struct ddfile_header *b, struct buf *err)
{
	const struct ddfile_header *h = &a->h;
	if (h->bands != b->bands || h->rows != b->rows || h->ngram != b->ngram ||
	    h->char_ngrams != b->char_ngrams || h->verify_m != b->verify_m ||
	    h->bucket_cap != b->bucket_cap || h->exact != b->exact || h->fold != b->fold) {
		buf_addf(err, "%s: made with other settings (exact %u bands %u rows %u ngram %u "
			 "char-ngrams %d verify %u bucket-cap %u fold %u) than this run (%u %u %u %u %d "
			 "%u %u %u)",
			 a->path, h->exact, h->bands, h->rows, h->ngram, h->char_ngrams, h->verify_m,
			 h->bucket_cap, h->fold, b->exact, b->bands, b->rows, b->ngram, b->char_ngrams,
			 b->verify_m, b->bucket_cap, b->fold);
		return -1;
	}
	return 0;
}

void ddfile_name(struct buf *out, const char *prefix, uint32_t task, const char *what)
{
	buf_addf(out, "%s_%u_%s.dd", prefix, task, what);
}
