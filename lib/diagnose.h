/*
 * The one exit rule of the record stages (docs/design.md section 5) and the diagnosis that
 * goes with it: a run that read records and dropped every one of them by the record rules
 * (not JSON, no text, text not a string, a layout not recognised, binary content) failed, and
 * says in one line what the input looks like and what to do; an empty input, or records all
 * removed by filters or dedup, is a success with a warning.
 */
#ifndef GRIST_DIAGNOSE_H
#define GRIST_DIAGNOSE_H

#include <stddef.h>

#include "buf.h"
#include "opts.h"
#include "stats.h"

/* Is `rule` a record rule (the record is not something the stage can read)? */
int diagnose_record_rule(const char *rule);
/* Records dropped by record rules, and their rules ("invalid_json 54, missing_text 2"). */
uint64_t diagnose_record_drops(const struct counts *c, struct buf *rules);
/*
 * What the first bytes of an input (p[0..n), decoded, whole lines) look like and what to do,
 * appended to out as one line without a newline: a JSON array, Parquet, an archive, text that is
 * not JSONL, binary data, records whose text field is missing (with the top-level keys seen and
 * a --text-field suggestion) or holds an array or object, lines that are not JSON.
 */
void diagnose_input(struct buf *out, const char *p, size_t n, const struct common_opts *o);

#endif
