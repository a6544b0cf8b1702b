#include "ingest/ingest_doc.h"

#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/xalloc.h"

void ingest_doc_init(struct ingest_doc *d, enum doc_kind kind, uint64_t number)
{
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->number = number;
}

void ingest_doc_set(struct ingest_doc *d, enum doc_field f, const char *p, size_t n)
{
	d->has[f] = 1;
	d->f[f] = p;
	d->n[f] = n;
}

static void put(struct batch *b, const void *p, size_t n)
{
	if (b->len + n + JSON_PADDING > b->cap) {
		b->cap = alloc_nr(b->cap, b->len + n + JSON_PADDING);
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void ingest_doc_append(struct batch *b, const struct ingest_doc *d)
{
	put(b, &d->kind, sizeof(d->kind));
	put(b, &d->number, sizeof(d->number));
	for (int i = 0; i < DOCF_N; i++) {
		unsigned char has = (unsigned char)d->has[i];
		uint64_t n = d->has[i] ? d->n[i] : 0;
		put(b, &has, 1);
		put(b, &n, sizeof(n));
		if (n)
			put(b, d->f[i], n);
	}
}

int ingest_doc_next(const struct batch *b, size_t *pos, struct ingest_doc *d)
{
	size_t p = *pos;
	if (p >= b->len)
		return 0;
	memset(d, 0, sizeof(*d));
	memcpy(&d->kind, b->data + p, sizeof(d->kind));
	p += sizeof(d->kind);
	memcpy(&d->number, b->data + p, sizeof(d->number));
	p += sizeof(d->number);
	for (int i = 0; i < DOCF_N; i++) {
		uint64_t n;
		d->has[i] = b->data[p] != 0;
		p++;
		memcpy(&n, b->data + p, sizeof(n));
		p += sizeof(n);
		d->f[i] = b->data + p;
		d->n[i] = (size_t)n;
		p += (size_t)n;
	}
	*pos = p;
	return 1;
}
