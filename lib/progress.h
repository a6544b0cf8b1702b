/*
 * The progress display shared by the stages of a pipe (progress.c explains how): one line on the
 * terminal with every stage's records, speed, and percent and ETA where the input size is known.
 */
#ifndef GRIST_PROGRESS_H
#define GRIST_PROGRESS_H

#include <stdint.h>

#include "buf.h"

/* This stage's figures: records and bytes done (the speed), the bytes of its input files read
 * (`done`, compressed bytes for a compressed file) of `total` (their sizes, or 0 when unknown:
 * the percent and ETA), seconds; final = the stage has finished. Draws when this process owns
 * the line. */
void progress_update(const char *stage, uint64_t records, uint64_t bytes, uint64_t done,
		     uint64_t total, double elapsed, int final);
/* Clear the progress line before printing a message line on stderr. */
void progress_before_message(void);
/* The line for the status files in dir (after prefix); *live = stages not finished. */
void progress_format_dir(const char *dir, const char *prefix, struct buf *line, int *live);

#endif
