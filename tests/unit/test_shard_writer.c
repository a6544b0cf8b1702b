/* Unit tests for the shard writer library: nothing appears under a final name before
 * shard_writer_publish(), an abort leaves nothing at all, and the cut rule keeps documents whole. */
#include "harness.h"
#include "shard/shard.h"
#include "lib/xalloc.h"
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static int count_entries(const char *dir, const char *containing, int *temps)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	*temps = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (strstr(e->d_name, ".tmp."))
			(*temps)++;
		else if (!containing || strstr(e->d_name, containing))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void setup(struct shard_opts *o, struct tokstream_header *h, char *dir)
{
	memset(o, 0, sizeof(*o));
	o->format = SHARD_LLMC;
	o->out_dir = dir;
	o->prefix = "u";
	o->shard_tokens = 10;
	o->eot_override = TOKSTREAM_NO_EOT;
	tokstream_header_init(h, "t", 0, 1000, 999, 0);
}

static void add_docs(struct shard_writer *w, int n, size_t len)
{
	uint16_t ids[64];
	for (size_t i = 0; i < len; i++)
		ids[i] = (uint16_t)(i + 1);
	struct buf err = BUF_INIT;
	for (int k = 0; k < n; k++) {
		char id[16];
		int idn = snprintf(id, sizeof(id), "d%d", k);
		struct shard_doc d = { id, (size_t)idn, (uint64_t)k, len, ids, NULL, NULL, 0 };
		CHECK(shard_writer_add(w, &d, &err) == 0);
	}
	CHECK(err.len == 0);
	buf_release(&err);
}

TEST(publish_at_finish)
{
	char dir[] = "/tmp/grist-shard-unit.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct shard_opts o;
	struct tokstream_header h;
	struct shard_writer w;
	struct buf err = BUF_INIT;
	setup(&o, &h, dir);
	CHECK(shard_writer_init(&w, &o, &h, &err) == 0);
	/* 4 tokens + eot = 5 per document: two per 10-token shard, 7 documents -> 4 shards. */
	add_docs(&w, 7, 4);
	int temps, finals = count_entries(dir, NULL, &temps);
	CHECK(finals == 0);
	CHECK(temps >= 6); /* three closed shards (.bin + .docs.jsonl) and the open one */
	CHECK(shard_writer_close(&w, &err) == 0 && shard_writer_publish(&w, NULL, &err) == 0);
	CHECK(w.nrecs == 4);
	CHECK(w.recs[0].tokens == 10 && w.recs[3].tokens == 5);
	finals = count_entries(dir, NULL, &temps);
	CHECK(temps == 0);
	CHECK(finals == 9); /* 4 x (.bin + .docs.jsonl) + manifest */
	shard_writer_release(&w);
	tokstream_header_release(&h);
	buf_release(&err);
	/* The same prefix with bigger shards: the earlier run's extra shards go. */
	o.shard_tokens = 100;
	tokstream_header_init(&h, "t", 0, 1000, 999, 0);
	CHECK(shard_writer_init(&w, &o, &h, &err) == 0);
	add_docs(&w, 7, 4);
	CHECK(shard_writer_close(&w, &err) == 0 && shard_writer_publish(&w, NULL, &err) == 0);
	CHECK(w.stale_removed == 6);
	CHECK(count_entries(dir, "u_train_", &temps) == 2);
	shard_writer_release(&w);
	tokstream_header_release(&h);
	buf_release(&err);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

TEST(abort_leaves_nothing)
{
	char dir[] = "/tmp/grist-shard-unit.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct shard_opts o;
	struct tokstream_header h;
	struct shard_writer w;
	struct buf err = BUF_INIT;
	setup(&o, &h, dir);
	CHECK(shard_writer_init(&w, &o, &h, &err) == 0);
	add_docs(&w, 7, 4);
	shard_writer_abort(&w);
	int temps, finals = count_entries(dir, NULL, &temps);
	CHECK(finals == 0 && temps == 0);
	shard_writer_release(&w);
	tokstream_header_release(&h);
	buf_release(&err);
	CHECK(rmdir(dir) == 0);
}

TEST(needs_eot)
{
	struct shard_opts o;
	struct tokstream_header h;
	struct shard_writer w;
	struct buf err = BUF_INIT;
	char dir[] = "/tmp";
	setup(&o, &h, dir);
	h.eot_id = TOKSTREAM_NO_EOT;
	CHECK(shard_writer_init(&w, &o, &h, &err) < 0);
	CHECK(strstr(err.data, "needs an end-of-text id") != NULL);
	shard_writer_release(&w);
	buf_reset(&err);
	o.format = SHARD_MEGATRON;
	CHECK(shard_writer_init(&w, &o, &h, &err) == 0);
	shard_writer_release(&w);
	tokstream_header_release(&h);
	buf_release(&err);
}

int main(void)
{
	RUN(publish_at_finish);
	RUN(abort_leaves_nothing);
	RUN(needs_eot);
	return HARNESS_SUMMARY();
}
