/*
 * cpu_ns() returns int8: the CPU time this backend has used, in ns
 * (CLOCK_PROCESS_CPUTIME_ID). bench/measure.sql times calls with it, so
 * that other work on the machine, which takes the CPU away from the
 * backend, does not count as the calls' cost (`openssl speed`, beside
 * which the figures are set, counts CPU time too). Loaded by path into
 * pg_temp by bench/run; not part of jwt_auth.
 */
#include "postgres.h"

#include <time.h>

#include "fmgr.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(bench_cpu_ns);
Datum
bench_cpu_ns(PG_FUNCTION_ARGS)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		elog(ERROR, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
	PG_RETURN_INT64((int64) ts.tv_sec * 1000000000 + ts.tv_nsec);
}
