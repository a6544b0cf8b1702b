/*
 * Replays a fuzz target's saved corpus, plus deterministic mutations of it, without libFuzzer:
 *   replay CORPUS_DIR [MUTATIONS]
 * Every file in CORPUS_DIR is fed to LLVMFuzzerTestOneInput, then MUTATIONS inputs (default
 * 3000) made by flipping, inserting, deleting and splicing bytes of corpus files with a fixed
 * seed, so `make test` exercises the parser on the same many hostile inputs every run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input { uint8_t *p; size_t n; };

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS]\n", argv[0]);
		return 2;
	}
	long mutations = argc > 2 ? atol(argv[2]) : 3000;
	DIR *d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 2;
	}
	char **names = NULL;
	size_t nn = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (nn + 1) * sizeof(*names));
		names[nn++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof(*names), cmp_names);
	struct input *in = calloc(nn + 1, sizeof(*in));
	for (size_t i = 0; i < nn; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		FILE *f = fopen(path, "rb");
		if (!f) {
			perror(path);
			return 2;
		}
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		in[i].p = malloc((size_t)n + 1);
		in[i].n = fread(in[i].p, 1, (size_t)n, f);
		fclose(f);
		LLVMFuzzerTestOneInput(in[i].p, in[i].n);
		free(names[i]);
	}
	free(names);
	if (!nn) {
		fprintf(stderr, "%s: empty corpus\n", argv[1]);
		return 2;
	}
	uint8_t *buf = malloc(1 << 16);
	for (long m = 0; m < mutations; m++) {
		const struct input *a = &in[rnd() % nn], *b = &in[rnd() % nn];
		size_t n = a->n < (1 << 15) ? a->n : (1 << 15);
		memcpy(buf, a->p, n);
		int edits = 1 + (int)(rnd() % 8);
		for (int k = 0; k < edits; k++) {
			size_t pos = n ? rnd() % n : 0;
			switch (rnd() % 5) {
			case 0: if (n) buf[pos] ^= (uint8_t)(1u << (rnd() % 8)); break;
			case 1: if (n) buf[pos] = (uint8_t)"{}[]\",:\\\n u0\xff\xc3\xe2"[rnd() % 15]; break;
			case 2: if (n < (1 << 16) - 1) { memmove(buf + pos + 1, buf + pos, n - pos); buf[pos] = (uint8_t)rnd(); n++; } break;
			case 3: if (n) { memmove(buf + pos, buf + pos + 1, n - pos - 1); n--; } break;
			case 4: { /* splice a piece of b */
				size_t bp = b->n ? rnd() % b->n : 0, bl = b->n - bp;
				if (bl > 64) bl = 64;
				if (pos + bl < (1 << 16)) { memcpy(buf + pos, b->p + bp, bl); if (pos + bl > n) n = pos + bl; }
				break;
			}
			}
		}
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("%s: %zu corpus files, %ld mutations, no failures\n", argv[1], nn, mutations);
	free(buf);
	for (size_t i = 0; i < nn; i++)
		free(in[i].p);
	free(in);
	return 0;
}
