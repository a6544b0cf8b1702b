/*
 * Parquet metadata: the footer (FileMetaData: schema, row groups, column chunks) and page
 * headers, decoded from Thrift into plain structs. Field numbers follow parquet.thrift of
 * apache/parquet-format. Everything a later stage relies on (offsets, sizes, counts, the
 * schema tree) is checked here, so the decoders can trust it.
 */
#ifndef GRIST_PQ_META_H
#define GRIST_PQ_META_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

enum pq_type {
	PQ_BOOLEAN = 0, PQ_INT32 = 1, PQ_INT64 = 2, PQ_INT96 = 3, PQ_FLOAT = 4, PQ_DOUBLE = 5,
	PQ_BYTE_ARRAY = 6, PQ_FLBA = 7, PQ_GROUP = -1
};
enum pq_repetition { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 };
enum pq_codec {
	PQ_UNCOMPRESSED = 0, PQ_SNAPPY = 1, PQ_GZIP = 2, PQ_LZO = 3, PQ_BROTLI = 4, PQ_LZ4 = 5,
	PQ_ZSTD = 6, PQ_LZ4_RAW = 7
};
enum pq_encoding {
	PQ_PLAIN = 0, PQ_PLAIN_DICTIONARY = 2, PQ_RLE = 3, PQ_BIT_PACKED = 4,
	PQ_DELTA_BINARY_PACKED = 5, PQ_DELTA_LENGTH_BYTE_ARRAY = 6, PQ_DELTA_BYTE_ARRAY = 7,
	PQ_RLE_DICTIONARY = 8, PQ_BYTE_STREAM_SPLIT = 9
};
enum pq_page_type { PQ_DATA_PAGE = 0, PQ_INDEX_PAGE = 1, PQ_DICTIONARY_PAGE = 2, PQ_DATA_PAGE_V2 = 3 };

/* What a value means (the LogicalType, or the legacy ConvertedType mapped onto it). */
enum pq_logical {
	PQL_NONE, PQL_STRING, PQL_MAP, PQL_LIST, PQL_ENUM, PQL_DECIMAL, PQL_DATE, PQL_TIME,
	PQL_TIMESTAMP, PQL_INT, PQL_NULL, PQL_JSON, PQL_BSON, PQL_UUID, PQL_FLOAT16, PQL_INTERVAL
};
enum pq_unit { PQ_MILLIS = 0, PQ_MICROS = 1, PQ_NANOS = 2 };

#define PQ_MAX_SCHEMA_DEPTH 64

struct pq_node {
	char *name;
	int type;          /* enum pq_type; PQ_GROUP for groups */
	int32_t type_length;
	int repetition;
	int logical;       /* enum pq_logical */
	int32_t scale, precision;
	int unit, utc;     /* TIME/TIMESTAMP */
	int bit_width, is_signed; /* INT */
	int parent;        /* node index, -1 for the root */
	int nchildren;
	int *children;     /* node indexes */
	int max_def, max_rep; /* levels at this node (counting it) */
	int leaf;          /* leaf column index, -1 for groups */
	int leaf_lo, leaf_hi; /* the leaf columns under this node: [leaf_lo, leaf_hi] */
};

struct pq_chunk_meta {
	int codec;
	int64_t num_values;
	int64_t start, length; /* byte range of the chunk's pages in the file */
};

struct pq_rowgroup_meta {
	int64_t num_rows;
	int64_t first_row;  /* rows in earlier row groups */
	struct pq_chunk_meta *cols; /* one per leaf column */
};

struct pq_meta {
	struct pq_node *nodes;
	int nnodes;
	int *leaves;        /* node index of each leaf column, in schema order */
	int nleaves;
	int64_t num_rows;
	struct pq_rowgroup_meta *rgs;
	int nrg;
	char *created_by;
};

/*
 * Parse the footer bytes (between the column chunks and the length + "PAR1"). file_size bounds
 * the chunk ranges. Returns 0, or -1 with the reason and byte offset (within p) in err.
 */
int pq_meta_parse(struct pq_meta *m, const void *p, size_t n, uint64_t file_size, struct buf *err);
void pq_meta_release(struct pq_meta *m);

struct pq_page_header {
	int type;
	int32_t uncompressed_size, compressed_size;
	int has_crc;
	uint32_t crc;
	int32_t num_values;
	int encoding, def_encoding, rep_encoding;
	/* data page v2 */
	int32_t num_nulls, num_rows, def_len, rep_len;
	int is_compressed;
};

/* Parse a page header at p (at most n bytes); 0 and its length in *hlen, or -1 with *err. */
int pq_page_header_parse(struct pq_page_header *h, const void *p, size_t n, size_t *hlen,
			 const char **err);

#endif
