/*
 * grist report: one self-contained HTML page (inline SVG, no scripts, no network) and
 * report.json from the --stats files of a run (docs/report.md). Every number drawn on the page is
 * in report.json, and every number in report.json comes from the stats files: the report model
 * is a jansson object built from them (report_model.c), and the page is drawn from that object
 * alone (report_html.c).
 */
#ifndef GRIST_REPORT_H
#define GRIST_REPORT_H

#include <jansson.h>

#include "lib/buf.h"

/* report_model.c: read the stats files and aggregate them (tasks summed per stage). Returns the
 * model, or NULL with a message in err. */
json_t *report_model(char **files, size_t nfiles, struct buf *err);

/* report_more.c: the tables that follow documents through the stages. */
void report_sources_ingest(json_t *map, const json_t *inputs);
/* 1 when the stage's per-source figures were added (not dedup's: records in only). */
int report_sources_stage(json_t *map, const char *stage, const json_t *sources);
void report_source_finish(json_t *entry, const char *last_stage);
void report_langs_tokenize(json_t *comp, const json_t *langs);
json_t *report_langs_finish(json_t *comp);
void report_chat_tokenize(json_t *chat, const json_t *from);
void report_chat_finish(json_t *chat);

/* report_html.c: the page; model_name is the file name of the model beside it ("demo.json"),
 * which the page names. */
void report_html(const json_t *model, const char *model_name, struct buf *out);

int cmd_report(int argc, char **argv);

#endif
