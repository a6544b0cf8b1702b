#include "dedup/dedup_cmd.h"
#include "lib/die.h"
int dd_sharded(int argc, char **argv)
{
	die(GRIST_EXIT_UNSUPPORTED, "not yet");
}
