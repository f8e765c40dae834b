/*
 * leak_canary.c — shows that LeakSanitizer watches the core's allocations
 *
 * The unit tests and the fuzzers count on LeakSanitizer to catch core
 * memory that is never freed. This program allocates through the core's
 * hook and drops the block: LeakSanitizer must report it and fail the program.
 * `make run` says "ok" when it does, "not ok" when the leak went unseen.
 */
#include <stdio.h>

#include "mem.h"

static void *volatile lost;

int
main(void)
{
	lost = jwt_malloc(4096);
	lost = NULL;
	return 0;
}
