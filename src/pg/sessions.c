/*
 * sessions.c — the C side of sessions: refresh tokens, and revoking a
 * session in a transaction of its own (the SQL side is src/sql/sessions.sql)
 *
 * A refresh token is 32 bytes from the operating system's CSPRNG, in
 * base64url; the table keeps only its SHA-256.
 *
 * When auth_refresh() meets a refresh token that was already used, the
 * whole session is revoked (reuse detection), and the caller gets an
 * error. That error rolls back the caller's transaction, and with it any
 * revocation written there. So the revocation is written by a short-lived
 * background worker in its own transaction, which commits before the
 * error is raised: _session_revoke_committed() starts the worker, waits
 * for it, and reports whether the revocation is now committed.
 *
 * The worker connects to the same database as the role the caller runs as
 * (auth_refresh is SECURITY DEFINER: the extension's owner) and calls
 * jwt_auth._session_revoke(). It waits at most 5 s for row locks, so a
 * caller holding the session row cannot make the two wait on each other.
 */
#include "jwt_auth.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "utils/uuid.h"

#include <openssl/evp.h>

#include "b64url.h"

/* what the worker needs, in bgw_extra */
typedef struct revoke_request
{
	Oid			database;
	Oid			role;
	pg_uuid_t	session;
	char		reason[32];
} revoke_request;

StaticAssertDecl(sizeof(revoke_request) <= BGW_EXTRALEN, "revoke_request must fit in bgw_extra");

PGDLLEXPORT void jwt_auth_revoke_worker(Datum arg);

void
jwt_auth_revoke_worker(Datum arg)
{
	revoke_request req;
	Oid			argtypes[2] = {UUIDOID, TEXTOID};
	Datum		values[2];

	memcpy(&req, MyBgworkerEntry->bgw_extra, sizeof(req));
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(req.database, req.role, 0);

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "jwt_auth: SPI_connect failed");
	pgstat_report_activity(STATE_RUNNING, "jwt_auth: revoking a session");
	if (SPI_execute("SET LOCAL lock_timeout = '5s'", false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "jwt_auth: setting lock_timeout failed");
	values[0] = UUIDPGetDatum(&req.session);
	values[1] = CStringGetTextDatum(req.reason);
	if (SPI_execute_with_args("SELECT jwt_auth._session_revoke($1, $2)", 2, argtypes, values,
							  NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "jwt_auth: revoking the session failed");
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);
	proc_exit(0);
}

/* is the session's revocation committed? (as of now, not of this transaction's snapshot) */
static bool
revocation_committed(pg_uuid_t *session)
{
	Oid			argtypes[1] = {UUIDOID};
	Datum		values[1] = {UUIDPGetDatum(session)};
	SPIPlanPtr	plan;
	bool		revoked;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "jwt_auth: SPI_connect failed");
	plan = SPI_prepare("SELECT 1 FROM jwt_auth.sessions WHERE id = $1 AND revoked_at IS NOT NULL",
					   1, argtypes);
	if (plan == NULL ||
		SPI_execute_snapshot(plan, values, NULL, GetLatestSnapshot(), InvalidSnapshot,
							 true, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "jwt_auth: reading jwt_auth.sessions failed");
	revoked = SPI_processed == 1;
	SPI_finish();
	return revoked;
}

/* _session_revoke_committed(session uuid, reason text) returns boolean */
PG_FUNCTION_INFO_V1(jwt_auth_session_revoke_committed);
Datum
jwt_auth_session_revoke_committed(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *session = PG_GETARG_UUID_P(0);
	char	   *reason = text_to_cstring(PG_GETARG_TEXT_PP(1));
	BackgroundWorker worker = {0};
	BackgroundWorkerHandle *handle;
	revoke_request req = {0};
	pid_t		pid;

	req.database = MyDatabaseId;
	req.role = GetUserId();
	req.session = *session;
	strlcpy(req.reason, reason, sizeof(req.reason));

	snprintf(worker.bgw_name, BGW_MAXLEN, "jwt_auth session revocation");
	snprintf(worker.bgw_type, BGW_MAXLEN, "jwt_auth session revocation");
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "jwt_auth");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "jwt_auth_revoke_worker");
	memcpy(worker.bgw_extra, &req, sizeof(req));
	worker.bgw_notify_pid = MyProcPid;

	/* worker slots are shared with parallel query: a busy moment passes */
	for (int attempt = 0; !RegisterDynamicBackgroundWorker(&worker, &handle); attempt++)
	{
		if (attempt < 10)
		{
			pg_usleep(20000L);
			CHECK_FOR_INTERRUPTS();
			continue;
		}
		PG_RETURN_BOOL(false);	/* the caller says so, with a hint */
	}
	if (WaitForBackgroundWorkerStartup(handle, &pid) == BGWH_STARTED)
		(void) WaitForBackgroundWorkerShutdown(handle);
	PG_RETURN_BOOL(revocation_committed(session));
}

#define REFRESH_TOKEN_BYTES 32

static bytea *
sha256(const char *data, size_t len)
{
	bytea	   *out = palloc(VARHDRSZ + 32);
	unsigned int out_len = 0;

	if (!EVP_Digest(data, len, (unsigned char *) VARDATA(out), &out_len, EVP_sha256(), NULL) ||
		out_len != 32)
		elog(ERROR, "jwt_auth: SHA-256 failed");
	SET_VARSIZE(out, VARHDRSZ + 32);
	return out;
}

/* _refresh_token_new(OUT token text, OUT token_hash bytea) */
PG_FUNCTION_INFO_V1(jwt_auth_refresh_token_new);
Datum
jwt_auth_refresh_token_new(PG_FUNCTION_ARGS)
{
	uint8		raw[REFRESH_TOKEN_BYTES];
	char		token[64];		/* 43 characters and a NUL */
	size_t		len;
	TupleDesc	desc;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "jwt_auth: _refresh_token_new must return a record");
	if (!pg_strong_random(raw, sizeof(raw)))
		ereport(ERROR,
				errcode(ERRCODE_INTERNAL_ERROR),
				errmsg("could not generate a random refresh token"));
	len = b64url_encode(raw, sizeof(raw), token);
	token[len] = '\0';
	explicit_bzero(raw, sizeof(raw));
	values[0] = CStringGetTextDatum(token);
	values[1] = PointerGetDatum(sha256(token, len));
	explicit_bzero(token, sizeof(token));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* _refresh_token_hash(token text) returns bytea: what the table keeps of a token */
PG_FUNCTION_INFO_V1(jwt_auth_refresh_token_hash);
Datum
jwt_auth_refresh_token_hash(PG_FUNCTION_ARGS)
{
	text	   *token = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BYTEA_P(sha256(VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token)));
}
