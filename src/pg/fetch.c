/*
 * fetch.c — issuers' keys fetched from their jwks_uri: the HTTPS GET as
 * SQL, the background worker that keeps every set fresh, and a backend's
 * request for a fetch now (the SQL side is src/sql/fetch.sql)
 *
 * _issuer_fetch(url) is one GET under the jwt_auth.fetch_* settings, done
 * by the pure core (src/core/http.c, libcurl); a network or HTTP failure is
 * a result, not an ERROR, so that issuer_refresh() can record it and keep
 * the last good set. A query cancel or a terminate stops the transfer
 * within about a second (libcurl's progress callback asks) and then
 * raises as usual.
 *
 * With jwt_auth in shared_preload_libraries, a background worker connects
 * to jwt_auth.database and, in a loop, calls issuer_refresh() for every
 * enabled issuer with a jwks_uri whose next_fetch_at has come (and for
 * those a backend asked for), each in a transaction of its own; then it
 * sleeps until the earliest next_fetch_at, a minute at most, or until a
 * backend sets its latch (a token with an unknown kid, or a commit that
 * added, enabled or re-pointed an issuer). It starts once recovery is
 * over: a standby fetches nothing and verifies with the sets its primary
 * stored. A database without the extension (or with 1.0, which has no
 * issuers) is looked at again every 10 seconds.
 *
 * A backend that meets a token whose kid the issuer's set lacks asks for
 * a fetch now (jwt_auth_fetch_now): shared memory keeps, per issuer (by a
 * 64-bit hash of its name), when a fetch was last asked for, whether one
 * is waiting, and how many asked-for fetches finished. One request per
 * issuer per jwt_auth.fetch_cooldown reaches the worker, however many
 * tokens name unknown kids; a backend that asks while that one is under
 * way waits for it too, jwt_auth.fetch_wait at most.
 */
#include "jwt_auth.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/condition_variable.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "http.h"

/* issuers whose requests shared memory can hold at once */
#define FETCH_SLOTS 1024
/* the worker's longest sleep */
#define WORKER_MAX_SLEEP_MS 60000L
/* its sleep in a database without jwt_auth's issuers */
#define WORKER_NO_ISSUERS_SLEEP_MS 10000L
/* the worker's shortest sleep between rounds (a set latch wakes it sooner) */
#define WORKER_MIN_SLEEP_MS 100L
/* issuers whose issuer_refresh() raised, left alone for fetch_cooldown */
#define WORKER_BACKOFF_SLOTS 64
#define SEED_ISSUER 3

typedef struct fetch_slot
{
	uint64		key;			/* hash of the issuer; 0: free */
	TimestampTz asked_at;		/* the last request that reached the worker */
	bool		pending;		/* the worker has not finished it yet */
	uint64		finished;		/* requested fetches of this issuer finished */
} fetch_slot;

typedef struct fetch_state
{
	LWLock	   *lock;
	ConditionVariable finished; /* broadcast after each requested fetch */
	Latch	   *worker_latch;	/* NULL: no worker runs */
	Oid			worker_database;
	fetch_slot	slots[FETCH_SLOTS];
} fetch_state;

static fetch_state *state;
/* this transaction added an issuer, or changed one's jwks_uri or enabled */
static bool wake_worker_at_commit = false;
static shmem_request_hook_type prev_shmem_request_hook;
static shmem_startup_hook_type prev_shmem_startup_hook;

PGDLLEXPORT void jwt_auth_fetch_worker(Datum arg);

/* ------------------------------------------------------------- shmem */

static void
fetch_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sizeof(fetch_state));
	RequestNamedLWLockTranche("jwt_auth fetch", 1);
}

static void
fetch_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	state = ShmemInitStruct("jwt_auth fetch", sizeof(fetch_state), &found);
	if (!found)
	{
		memset(state, 0, sizeof(*state));
		state->lock = &(GetNamedLWLockTranche("jwt_auth fetch"))->lock;
		ConditionVariableInit(&state->finished);
	}
	LWLockRelease(AddinShmemInitLock);
}

/*
 * An issuer added, enabled or given another jwks_uri is fetched at once, not
 * when the worker next wakes: a trigger on jwt_auth.issuers (fetch.sql)
 * marks the transaction, and its commit (when the row is visible) sets the
 * worker's latch.
 */
static void
wake_at_commit(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT && wake_worker_at_commit && state != NULL &&
		MyDatabaseId == state->worker_database)
	{
		Latch	   *latch = ((volatile fetch_state *) state)->worker_latch;

		if (latch != NULL)
			SetLatch(latch);
	}
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE)
		wake_worker_at_commit = false;
}

void
jwt_auth_fetch_init(void)
{
	BackgroundWorker worker = {0};

	if (!process_shared_preload_libraries_in_progress)
		return;
	RegisterXactCallback(wake_at_commit, NULL);
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = fetch_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = fetch_shmem_startup;

	snprintf(worker.bgw_name, BGW_MAXLEN, "jwt_auth key fetcher");
	snprintf(worker.bgw_type, BGW_MAXLEN, "jwt_auth key fetcher");
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 10;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "jwt_auth");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "jwt_auth_fetch_worker");
	RegisterBackgroundWorker(&worker);
}

static uint64
issuer_key(const char *issuer, size_t len)
{
	uint64		key = hash_bytes_extended((const unsigned char *) issuer, (int) len, SEED_ISSUER);

	return key ? key : 1;
}

/* the slot of key, or a free or spent one for it; NULL when every slot is busy. Lock held. */
static fetch_slot *
slot_for(uint64 key, TimestampTz now)
{
	fetch_slot *spare = NULL;

	for (int i = 0; i < FETCH_SLOTS; i++)
	{
		fetch_slot *s = &state->slots[i];

		if (s->key == key)
			return s;
		if (s->key == 0 && spare == NULL)
			spare = s;
		else if (s->key != 0 && !s->pending && spare == NULL &&
				 TimestampDifferenceExceeds(s->asked_at, now, jwt_auth_fetch_cooldown * 1000))
			spare = s;
	}
	if (spare != NULL)
	{
		spare->key = key;
		spare->asked_at = 0;
		spare->pending = false;
	}
	return spare;
}

/* _issuers_fetch_wake() returns trigger: the worker looks at the issuers when this transaction commits */
PG_FUNCTION_INFO_V1(jwt_auth_issuers_fetch_wake);
Datum
jwt_auth_issuers_fetch_wake(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "jwt_auth: _issuers_fetch_wake must be called as a trigger");
	wake_worker_at_commit = true;
	return PointerGetDatum(NULL);
}

/* ---------------------------------------------------- a backend asks */

bool
jwt_auth_fetch_now(const char *issuer)
{
	uint64		key = issuer_key(issuer, strlen(issuer));
	TimestampTz now = GetCurrentTimestamp();
	TimestampTz deadline = TimestampTzPlusMilliseconds(now, jwt_auth_fetch_wait);
	fetch_slot *slot;
	Latch	   *latch = NULL;
	uint64		finished;
	bool		done = false;

	if (state == NULL || RecoveryInProgress())
		return false;
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	if (state->worker_latch == NULL || state->worker_database != MyDatabaseId ||
		(slot = slot_for(key, now)) == NULL)
	{
		LWLockRelease(state->lock);
		return false;
	}
	if (slot->asked_at == 0 ||
		TimestampDifferenceExceeds(slot->asked_at, now, jwt_auth_fetch_cooldown * 1000))
	{
		slot->asked_at = now;
		slot->pending = true;
		latch = state->worker_latch;
	}
	else if (!slot->pending)
	{
		/* asked within the cooldown, and that fetch is over */
		LWLockRelease(state->lock);
		return false;
	}
	finished = slot->finished;
	LWLockRelease(state->lock);
	if (latch != NULL)
		SetLatch(latch);

	ConditionVariablePrepareToSleep(&state->finished);
	for (;;)
	{
		long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);

		LWLockAcquire(state->lock, LW_SHARED);
		done = slot->key != key || slot->finished != finished;
		LWLockRelease(state->lock);
		if (done || left <= 0)
			break;
		(void) ConditionVariableTimedSleep(&state->finished, left, PG_WAIT_EXTENSION);
	}
	ConditionVariableCancelSleep();
	return done;
}

/* ---------------------------------------------------- _issuer_fetch */

/* libcurl asks now and then: a cancel or a terminate stops the transfer */
static bool
interrupted(void *arg)
{
	return QueryCancelPending || ProcDiePending;
}

/* body as text when it is text in the database's encoding; else NULL and why */
static text *
body_text(const char *body, size_t len, const char **why)
{
	if (GetDatabaseEncoding() == PG_UTF8)
	{
		if (pg_verify_mbstr(PG_UTF8, body, (int) len, true))
			return cstring_to_text_with_len(body, (int) len);
		*why = "the body is not UTF-8 text";
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		if (body[i] == '\0' || (unsigned char) body[i] > 127)
		{
			*why = "the body is not ASCII text (the database's encoding is not UTF8)";
			return NULL;
		}
	return cstring_to_text_with_len(body, (int) len);
}

/* _issuer_fetch(url text, OUT status integer, OUT body text, OUT max_age integer, OUT error text) returns record */
PG_FUNCTION_INFO_V1(jwt_auth_issuer_fetch);
Datum
jwt_auth_issuer_fetch(PG_FUNCTION_ARGS)
{
	jwt_http_options opt = {0};
	jwt_http_response resp;
	jwt_auth_record r;
	const char *error = NULL;
	char	   *url;
	bool		ok;

	jwt_auth_require_arg(fcinfo, 0, "url");
	url = text_to_cstring(PG_GETARG_TEXT_PP(0));
	jwt_auth_record_init_result(&r, fcinfo);
	opt.timeout_ms = jwt_auth_fetch_timeout;
	opt.max_size = (size_t) jwt_auth_fetch_max_size * 1024;
	opt.ca_file = jwt_auth_fetch_ca_file;
	opt.allowed_hosts = jwt_auth_fetch_allowed_hosts;
	opt.follow_redirects = jwt_auth_fetch_follow_redirects;
	opt.abort = interrupted;

	pgstat_report_wait_start(PG_WAIT_EXTENSION);
	ok = jwt_http_get(url, &opt, &resp);
	pgstat_report_wait_end();
	if (resp.aborted)
	{
		jwt_free(resp.body);
		CHECK_FOR_INTERRUPTS();
	}

	if (!ok)
		error = resp.error;
	if (resp.status != 0)
		jwt_auth_record_set(&r, "status", Int32GetDatum((int32) resp.status), false);
	if (resp.body != NULL)
	{
		const char *why = NULL;
		text	   *body = body_text(resp.body, resp.body_len, &why);

		if (body != NULL)
			jwt_auth_record_set(&r, "body", PointerGetDatum(body), false);
		else if (error == NULL)
			error = why;
		jwt_free(resp.body);
	}
	if (resp.max_age >= 0)
		jwt_auth_record_set(&r, "max_age", Int32GetDatum(resp.max_age), false);
	if (error != NULL)
		jwt_auth_record_set(&r, "error", CStringGetTextDatum(error), false);
	PG_RETURN_DATUM(jwt_auth_record_datum(&r));
}

/* ------------------------------------------------------------ worker */

typedef struct backoff
{
	uint64		key;
	TimestampTz until;
} backoff;

static backoff backoffs[WORKER_BACKOFF_SLOTS];

static bool
backing_off(uint64 key, TimestampTz now)
{
	for (int i = 0; i < WORKER_BACKOFF_SLOTS; i++)
		if (backoffs[i].key == key && backoffs[i].until > now)
			return true;
	return false;
}

static void
back_off(uint64 key)
{
	TimestampTz now = GetCurrentTimestamp();
	int			pick = 0;

	for (int i = 0; i < WORKER_BACKOFF_SLOTS; i++)
	{
		if (backoffs[i].key == key || backoffs[i].until <= now)
		{
			pick = i;
			break;
		}
		if (backoffs[i].until < backoffs[pick].until)
			pick = i;
	}
	backoffs[pick].key = key;
	backoffs[pick].until = TimestampTzPlusMilliseconds(now, jwt_auth_fetch_cooldown * 1000L);
}

static void
worker_gone(int code, Datum arg)
{
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	state->worker_latch = NULL;
	LWLockRelease(state->lock);
}

/* the requests waiting now: their keys (in the current context) and how many */
static uint64 *
take_requests(int *n)
{
	uint64	   *keys = palloc(sizeof(uint64) * FETCH_SLOTS);

	*n = 0;
	LWLockAcquire(state->lock, LW_SHARED);
	for (int i = 0; i < FETCH_SLOTS; i++)
		if (state->slots[i].pending)
			keys[(*n)++] = state->slots[i].key;
	LWLockRelease(state->lock);
	return keys;
}

static bool
among(uint64 key, const uint64 *keys, int n)
{
	for (int i = 0; i < n; i++)
		if (keys[i] == key)
			return true;
	return false;
}

/* these requests are over (fetched, or nothing will fetch them): wake who waits */
static void
finish_requests(const uint64 *keys, int n)
{
	if (n == 0)
		return;
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	for (int i = 0; i < FETCH_SLOTS; i++)
		if (state->slots[i].pending && among(state->slots[i].key, keys, n))
		{
			state->slots[i].pending = false;
			state->slots[i].finished++;
		}
	LWLockRelease(state->lock);
	ConditionVariableBroadcast(&state->finished);
}

static void
begin(const char *activity)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "jwt_auth: SPI_connect failed");
	pgstat_report_activity(STATE_RUNNING, activity);
}

static void
end(void)
{
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);
}

/*
 * The issuers to fetch now (names in cxt), and how long until the next one
 * is due; -1 when the database has no jwt_auth with issuers.
 */
static List *
due_issuers(MemoryContext cxt, const uint64 *asked, int nasked, long *sleep_ms)
{
	List	   *names = NIL;
	TimestampTz now = GetCurrentTimestamp();
	bool		isnull;

	*sleep_ms = WORKER_MAX_SLEEP_MS;
	begin("jwt_auth: looking for issuers to fetch");
	if (SPI_execute("SELECT pg_catalog.to_regprocedure('jwt_auth.issuer_refresh(text)') IS NOT NULL",
					true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "jwt_auth: looking for jwt_auth.issuer_refresh failed");
	if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
	{
		*sleep_ms = -1;
		end();
		return NIL;
	}
	if (SPI_execute("SELECT issuer, next_fetch_at IS NULL OR next_fetch_at <= pg_catalog.now(), "
					"pg_catalog.ceil(pg_catalog.date_part('epoch', next_fetch_at - pg_catalog.now()) * 1000) "
					"FROM jwt_auth.issuers WHERE enabled AND jwks_uri IS NOT NULL",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "jwt_auth: reading jwt_auth.issuers failed");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *issuer = SPI_getvalue(row, desc, 1);
		bool		due = DatumGetBool(SPI_getbinval(row, desc, 2, &isnull));
		Datum		in = SPI_getbinval(row, desc, 3, &isnull);
		uint64		key = issuer_key(issuer, strlen(issuer));

		if (among(key, asked, nasked) || (due && !backing_off(key, now)))
		{
			/* in cxt: SPI_finish frees what was made here */
			MemoryContext spi = MemoryContextSwitchTo(cxt);

			names = lappend(names, pstrdup(issuer));
			MemoryContextSwitchTo(spi);
		}
		else if (!due && !isnull)
			*sleep_ms = Min(*sleep_ms, (long) DatumGetFloat8(in));
	}
	end();
	return names;
}

/* after an ERROR in the worker's transaction: log it, abort, go on */
static void
recover(MemoryContext cxt)
{
	HOLD_INTERRUPTS();
	EmitErrorReport();
	AbortCurrentTransaction();
	FlushErrorState();
	RESUME_INTERRUPTS();
	MemoryContextSwitchTo(cxt);
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* issuer_refresh(issuer) in a transaction of its own; an ERROR is logged, and the issuer left alone a while */
static void
refresh(const char *issuer, MemoryContext cxt)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(issuer)};

	PG_TRY();
	{
		begin("jwt_auth: fetching an issuer's keys");
		if (SPI_execute_with_args("SELECT jwt_auth.issuer_refresh($1)", 1, argtypes, values,
								  NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "jwt_auth: issuer_refresh failed");
		end();
	}
	PG_CATCH();
	{
		recover(cxt);
		back_off(issuer_key(issuer, strlen(issuer)));
	}
	PG_END_TRY();
}

/* one round: fetch what is due or asked for; the time to sleep */
static long
worker_round(MemoryContext cxt)
{
	long		sleep_ms;
	int			nasked;
	uint64	   *asked = take_requests(&nasked);
	List	   *volatile names = NIL;
	ListCell   *lc;

	/* an ERROR here (the extension dropped meanwhile, say): look again later */
	PG_TRY();
	{
		names = due_issuers(cxt, asked, nasked, &sleep_ms);
	}
	PG_CATCH();
	{
		recover(cxt);
		names = NIL;
		sleep_ms = -1;
	}
	PG_END_TRY();

	foreach(lc, names)
	{
		const char *issuer = lfirst(lc);
		uint64		key = issuer_key(issuer, strlen(issuer));

		CHECK_FOR_INTERRUPTS();
		refresh(issuer, cxt);
		finish_requests(&key, 1);
		/* the next round reads the next_fetch_at this one wrote */
		sleep_ms = Min(sleep_ms, WORKER_MIN_SLEEP_MS);
	}
	/* requests for issuers not fetched here (disabled, removed, pushed): nothing will come */
	finish_requests(asked, nasked);
	return sleep_ms < 0 ? WORKER_NO_ISSUERS_SLEEP_MS : Max(sleep_ms, WORKER_MIN_SLEEP_MS);
}

void
jwt_auth_fetch_worker(Datum arg)
{
	MemoryContext cxt;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(jwt_auth_fetch_database, NULL, 0);
	cxt = AllocSetContextCreate(TopMemoryContext, "jwt_auth fetch worker", ALLOCSET_DEFAULT_SIZES);

	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	state->worker_latch = MyLatch;
	state->worker_database = MyDatabaseId;
	LWLockRelease(state->lock);
	before_shmem_exit(worker_gone, 0);

	for (;;)
	{
		long		sleep_ms;

		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		MemoryContextSwitchTo(cxt);
		sleep_ms = worker_round(cxt);
		MemoryContextReset(cxt);
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 sleep_ms, PG_WAIT_EXTENSION);
	}
}
