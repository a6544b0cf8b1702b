/* One entry point per stage, listed in grist.c's table. */
#ifndef GRIST_BUILTIN_H
#define GRIST_BUILTIN_H

int cmd_ingest(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_shard(int argc, char **argv);

#endif
