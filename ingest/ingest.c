/* grist ingest: placeholder until the record layer lands (this session). */
#include "builtin.h"
#include "lib/die.h"
int cmd_ingest(int argc, char **argv)
{
	die(GRIST_EXIT_UNSUPPORTED, "not built yet");
}
