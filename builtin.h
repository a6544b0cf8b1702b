/* One entry point per stage, listed in grist.c's table. */
#ifndef GRIST_BUILTIN_H
#define GRIST_BUILTIN_H

int cmd_ingest(int argc, char **argv);
int cmd_clean(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_tokenize(int argc, char **argv);
int cmd_tokenize_train(int argc, char **argv); /* `grist tokenize train`, routed by cmd_tokenize */
int cmd_shard(int argc, char **argv);
int cmd_shard_verify(int argc, char **argv);  /* `grist shard verify`, routed by cmd_shard */
int cmd_shard_inspect(int argc, char **argv); /* `grist shard inspect` */
int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);


#endif
