/* Unit tests for dedup's intermediate files, id store and decontamination set. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dedup/ddfile.h"
#include "dedup/decontam.h"
#include "dedup/dedup_norm.h"
#include "dedup/idstore.h"
#include "lib/le.h"

static char dir[] = "/tmp/grist-ddtest.XXXXXX";

static void path_of(struct buf *p, const char *name)
{
	buf_reset(p);
	buf_addf(p, "%s/%s", dir, name);
}

TEST(ddfile_roundtrip_and_damage)
{
	struct buf p = BUF_INIT, err = BUF_INIT;
	path_of(&p, "x_3_band1.dd");
	struct ddfile_header h = { .kind = DD_KIND_BAND, .task = 3, .band = 1, .bands = 14,
				   .rows = 8, .ngram = 5, .verify_m = 85, .rec_size = 8 };
	struct ddfile_writer w;
	CHECK(ddfile_create(&w, p.data, &h, &err) == 0);
	uint8_t rec[8];
	for (uint32_t i = 0; i < 100000; i++) {
		le_put32(rec, i * 7);
		le_put32(rec + 4, i);
		CHECK(ddfile_write(&w, rec, 8, &err) == 0);
	}
	CHECK(ddfile_commit(&w, 100000, &err) == 0);
	struct ddfile f;
	CHECK(ddfile_open(&f, p.data, DD_KIND_BAND, &err) == 0);
	CHECK(f.count == 100000 && f.h.task == 3 && f.h.band == 1 && f.h.verify_m == 85);
	CHECK(le_get32(f.payload + 8 * 99999) == 99999 * 7);
	ddfile_close(&f);
	buf_reset(&err);
	CHECK(ddfile_open(&f, p.data, DD_KIND_SIGS, &err) < 0);
	CHECK(strstr(err.data, "holds band keys, expected signatures") != NULL);

	/* Every truncation point is refused. */
	FILE *fp = fopen(p.data, "rb");
	static uint8_t whole[800200];
	size_t n = fread(whole, 1, sizeof(whole), fp);
	fclose(fp);
	CHECK(n == 64 + 800000 + 32);
	struct buf q = BUF_INIT;
	path_of(&q, "cut.dd");
	size_t cuts[] = { 0, 10, 64, 65, 4096, n - 33, n - 32, n - 1 };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		fp = fopen(q.data, "wb");
		fwrite(whole, 1, cuts[i], fp);
		fclose(fp);
		buf_reset(&err);
		CHECK(ddfile_open(&f, q.data, DD_KIND_BAND, &err) < 0);
		CHECK(strstr(err.data, "cut.dd") != NULL);
	}
	/* A flipped payload bit fails the checksum. */
	whole[5000] ^= 4;
	fp = fopen(q.data, "wb");
	fwrite(whole, 1, n, fp);
	fclose(fp);
	buf_reset(&err);
	CHECK(ddfile_open(&f, q.data, DD_KIND_BAND, &err) < 0);
	CHECK(strstr(err.data, "checksum") != NULL);
	unlink(q.data);
	unlink(p.data);
	buf_release(&p);
	buf_release(&q);
	buf_release(&err);
}

TEST(idstore_roundtrip)
{
	struct idstore s;
	struct buf err = BUF_INIT, out = BUF_INIT, id = BUF_INIT;
	CHECK(idstore_init(&s, &err) == 0);
	for (int i = 0; i < 200000; i++) {
		buf_reset(&id);
		buf_addf(&id, "doc-%d", i);
		CHECK(idstore_add(&s, id.data, id.len, &err) == 0);
	}
	CHECK(idstore_get(&s, 0, &out, &err) == 0);
	CHECK_STR(out.data, "doc-0");
	CHECK(idstore_get(&s, 123456, &out, &err) == 0);
	CHECK_STR(out.data, "doc-123456");
	CHECK(idstore_get(&s, 199999, &out, &err) == 0); /* still in the write buffer */
	CHECK_STR(out.data, "doc-199999");
	CHECK(idstore_add(&s, "", 0, &err) == 0);
	CHECK(idstore_get(&s, 200000, &out, &err) == 0);
	CHECK(out.len == 0);
	idstore_release(&s);
	buf_release(&err);
	buf_release(&out);
	buf_release(&id);
}

static int contaminated(const struct decontam *d, const char *text)
{
	struct buf n = BUF_INIT;
	dedup_normalize(text, strlen(text), &n);
	int r = decontam_check(d, n.data, n.len, NULL);
	buf_release(&n);
	return r;
}

TEST(decontam_ngrams)
{
	struct decontam d;
	decontam_init(&d, 4);
	decontam_add_text(&d, "Alpha beta gamma delta epsilon.", 31);
	decontam_add_text(&d, "too short", 9);
	CHECK(d.refs == 2 && d.short_refs == 1 && d.short_used == 0);
	CHECK(contaminated(&d, "x y BETA, gamma delta epsilon z"));
	CHECK(contaminated(&d, "alpha beta gamma delta"));
	CHECK(!contaminated(&d, "alpha beta gamma x delta epsilon"));
	CHECK(!contaminated(&d, "too short"));
	CHECK(!contaminated(&d, ""));
	decontam_release(&d);

	/* n = 13 with a 9-word reference: used whole (>= DECONTAM_MIN_WORDS words) */
	decontam_init(&d, 13);
	const char *ref = "one two three four five six seven eight nine";
	decontam_add_text(&d, ref, strlen(ref));
	CHECK(d.short_used == 1);
	CHECK(contaminated(&d, "zero one two three four five six seven eight nine ten"));
	CHECK(!contaminated(&d, "one two three four five six seven eight"));
	decontam_release(&d);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(ddfile_roundtrip_and_damage);
	RUN(idstore_roundtrip);
	RUN(decontam_ngrams);
	rmdir(dir);
	return HARNESS_SUMMARY();
}
