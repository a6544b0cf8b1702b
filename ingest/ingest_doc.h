/*
 * Documents in a batch (MODE_DOCS): the reader (WARC, WebDataset) packs each document's
 * body and metadata into the batch's data; a worker unpacks them and writes the records.
 * Layout per document: u32 kind, u64 number, then per field u8 present + u64 length + bytes.
 */
#ifndef GRIST_INGEST_DOC_H
#define GRIST_INGEST_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "lib/record.h"

enum doc_kind {
	DOC_TEXT,  /* body is the text (repaired to UTF-8) */
	DOC_HTML,  /* body is HTML, converted to text unless --html=raw */
	DOC_HTTP,  /* body is an HTTP response: headers stripped, then HTML or text by type */
};

enum doc_field {
	DOCF_ID,    /* the record id as given (WARC-Record-ID) */
	DOCF_URL,
	DOCF_DATE,
	DOCF_LANG,  /* warc_lang */
	DOCF_BODY,
	DOCF_JSON,  /* a JSON object whose members are merged into the record (WebDataset) */
	DOCF_CTYPE, /* a content type, e.g. from the WARC header */
	DOCF_N
};

struct ingest_doc {
	uint32_t kind;
	uint64_t number; /* line or record number, for SOURCE:N ids and reject locations */
	int has[DOCF_N];
	const char *f[DOCF_N];
	size_t n[DOCF_N];
};

void ingest_doc_init(struct ingest_doc *d, enum doc_kind kind, uint64_t number);
void ingest_doc_set(struct ingest_doc *d, enum doc_field f, const char *p, size_t n);
/* Append d to b's data (the field bytes are copied). */
void ingest_doc_append(struct batch *b, const struct ingest_doc *d);
/* Next document of b at *pos (start at 0); 0 at the end. Fields point into b->data. */
int ingest_doc_next(const struct batch *b, size_t *pos, struct ingest_doc *d);

#endif
