/* The sharded dedup's steps, shared by dedup_shard.c (options, sign, filter) and dedup_merge.c
 * (match, cluster). */
#ifndef GRIST_DEDUP_SHARD_H
#define GRIST_DEDUP_SHARD_H

#include "dedup/ddfile.h"
#include "dedup/dedup_cmd.h"

struct sh_opts {
	struct dd_config cfg;
	struct dd_extra x;
	long task, tasks, band;
	const char *prefix;
};

/* A usage error (exit 2) when a required step option (v < 0) is missing. */
void dd_need(long v, const char *opt, const char *cmd);
/* An output could not be written: exit 3 with the message. */
__attribute__((noreturn)) void dd_die_err(struct buf *err);
/* Open PREFIX_<task>_<what>.dd of this kind, made by this task; dies naming the file (exit 3 when
 * it cannot be opened or read, 1 when it is damaged or of another run). */
void dd_open_checked(struct ddfile *f, const char *prefix, long task, const char *what,
		     uint32_t kind);

/* grist dedup match, grist dedup cluster (dedup_merge.c): argv[optind] is the PREFIX. */
int dd_match(struct sh_opts *o, int argc, char **argv);
int dd_cluster(struct sh_opts *o, int argc, char **argv);

#endif
