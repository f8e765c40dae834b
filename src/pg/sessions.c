/*
 * sessions.c — the C side of sessions: refresh tokens, and revoking a
 * session in a transaction of its own (the SQL side is src/sql/sessions.sql)
 *
 * A login's refresh token is 32 bytes from the operating system's CSPRNG,
 * in base64url; the table keeps only its SHA-256. The token a refresh
 * hands out in exchange for one is derived from it: HMAC-SHA256 keyed with
 * the session's own random key (sessions.refresh_key), so that the same
 * token presented twice within jwt_auth.refresh_reuse_interval (two tabs
 * refreshing at once) gets the same child back, never a second chain, and
 * only the holder of the parent and the server can compute it.
 *
 * When auth_refresh() meets a refresh token that was already used, the
 * whole session is revoked (reuse detection), and the caller gets an
 * error. That error rolls back the caller's transaction, and with it any
 * revocation written there. So the revocation is written by a background
 * worker in its own transaction: _session_revoke_detached() starts it and
 * waits for it, a few seconds at most. The worker connects as the role
 * the caller runs as (auth_refresh is SECURITY DEFINER: the extension's
 * owner) and calls jwt_auth._session_revoke(); when another transaction
 * holds the session's row (a thief refreshing the chain's newest token, in
 * a transaction left open), it waits for it, retrying after each lock
 * timeout, until its revocation commits. The caller is told which: the
 * session is revoked, it will be when that transaction ends, or no worker
 * could start.
 *
 * Logins, refreshes and logouts write: _require_primary(), which each
 * calls first, refuses them on a hot standby (in C, it costs them nothing
 * on the primary).
 */
#include "jwt_auth.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/uuid.h"
#include "utils/wait_event.h"

#include <openssl/evp.h>

#include "b64url.h"

/* how long the caller waits for the worker before answering "pending" */
#define REVOKE_WAIT_MS 5000
/* the worker's lock_timeout for each try, and its pause between tries */
#define REVOKE_TRY_LOCK_TIMEOUT "1s"
#define REVOKE_RETRY_MS 200

/* what the worker needs, in bgw_extra */
typedef struct revoke_request
{
	Oid			database;
	Oid			role;
	pg_uuid_t	session;
	char		reason[32];
} revoke_request;

StaticAssertDecl(sizeof(revoke_request) <= BGW_EXTRALEN, "revoke_request must fit in bgw_extra");

/* what became of a revocation, as _session_revoke_detached() says it */
typedef enum revoke_outcome
{
	REVOKE_DONE,				/* "revoked": committed */
	REVOKE_PENDING,				/* "pending": the worker waits for a lock */
	REVOKE_NO_WORKER,			/* "no_worker": none could start */
	REVOKE_FAILED				/* "failed": the worker stopped without revoking */
} revoke_outcome;

static const char *const revoke_outcome_names[] = {"revoked", "pending", "no_worker", "failed"};

PGDLLEXPORT void jwt_auth_revoke_worker(Datum arg);

/* one try in a transaction of its own: true when committed, false after a lock timeout */
static bool
try_revoke(const revoke_request *req)
{
	MemoryContext cxt = CurrentMemoryContext;
	Oid			argtypes[2] = {UUIDOID, TEXTOID};
	Datum		values[2];
	volatile bool done = false;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "jwt_auth: SPI_connect failed");
		if (SPI_execute("SET LOCAL lock_timeout = '" REVOKE_TRY_LOCK_TIMEOUT "'", false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "jwt_auth: setting lock_timeout failed");
		values[0] = UUIDPGetDatum(&req->session);
		values[1] = CStringGetTextDatum(req->reason);
		if (SPI_execute_with_args("SELECT jwt_auth._session_revoke($1, $2)", 2, argtypes, values,
								  NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "jwt_auth: revoking the session failed");
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		done = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
			PG_RE_THROW();
		FlushErrorState();
		AbortCurrentTransaction();
		FreeErrorData(edata);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	return done;
}

void
jwt_auth_revoke_worker(Datum arg)
{
	revoke_request req;

	memcpy(&req, MyBgworkerEntry->bgw_extra, sizeof(req));
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(req.database, req.role, 0);
	pgstat_report_activity(STATE_RUNNING, "jwt_auth: revoking a session");
	/* until it commits: a transaction that holds the row ends some time */
	while (!try_revoke(&req))
	{
		pgstat_report_activity(STATE_RUNNING, "jwt_auth: revoking a session, waiting for a lock");
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 REVOKE_RETRY_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
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

/* start the worker that revokes the session, and wait for it a few seconds at most */
static revoke_outcome
revoke_detached(pg_uuid_t *session, const char *reason)
{
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
		if (attempt >= 10)
			return REVOKE_NO_WORKER;
		pg_usleep(20000L);
		CHECK_FOR_INTERRUPTS();
	}
	if (WaitForBackgroundWorkerStartup(handle, &pid) != BGWH_STARTED)
		return revocation_committed(session) ? REVOKE_DONE : REVOKE_FAILED;
	for (int waited = 0; waited < REVOKE_WAIT_MS; waited += 50)
	{
		if (GetBackgroundWorkerPid(handle, &pid) == BGWH_STOPPED)
			return revocation_committed(session) ? REVOKE_DONE : REVOKE_FAILED;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 50, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	return revocation_committed(session) ? REVOKE_DONE : REVOKE_PENDING;
}

/* _session_revoke_detached(session uuid, reason text) returns text: revoked, pending, no_worker or failed */
PG_FUNCTION_INFO_V1(jwt_auth_session_revoke_detached);
Datum
jwt_auth_session_revoke_detached(PG_FUNCTION_ARGS)
{
	revoke_outcome outcome = revoke_detached(PG_GETARG_UUID_P(0),
											 text_to_cstring(PG_GETARG_TEXT_PP(1)));

	PG_RETURN_TEXT_P(cstring_to_text(revoke_outcome_names[outcome]));
}

/* _session_revoke_committed(session uuid, reason text) returns boolean: what 1.0 calls */
PG_FUNCTION_INFO_V1(jwt_auth_session_revoke_committed);
Datum
jwt_auth_session_revoke_committed(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(revoke_detached(PG_GETARG_UUID_P(0),
								   text_to_cstring(PG_GETARG_TEXT_PP(1))) == REVOKE_DONE);
}

#define REFRESH_TOKEN_BYTES 32
#define SESSION_KEY_BYTES 32

static bytea *
sha256(const char *data, size_t len)
{
	bytea	   *out = palloc(VARHDRSZ + 32);
	unsigned int out_len = 0;

	if (!EVP_Digest(data, len, (unsigned char *) VARDATA(out), &out_len, EVP_sha256(), NULL) ||
		out_len != 32)
		jwt_auth_raise(JWT_CRYPTO, JWS_ALG_INVALID, NULL);
	SET_VARSIZE(out, VARHDRSZ + 32);
	return out;
}

/* 32 bytes as a refresh token and its hash, the record the SQL functions return; wipes raw */
static Datum
refresh_token_record(FunctionCallInfo fcinfo, uint8 *raw)
{
	char		token[64];		/* 43 characters and a NUL */
	size_t		len;
	jwt_auth_record r;

	jwt_auth_record_init_result(&r, fcinfo);
	len = b64url_encode(raw, REFRESH_TOKEN_BYTES, token);
	token[len] = '\0';
	explicit_bzero(raw, REFRESH_TOKEN_BYTES);
	jwt_auth_record_set(&r, "token", CStringGetTextDatum(token), false);
	jwt_auth_record_set(&r, "token_hash", PointerGetDatum(sha256(token, len)), false);
	explicit_bzero(token, sizeof(token));
	return jwt_auth_record_datum(&r);
}

/* _refresh_token_new(OUT token text, OUT token_hash bytea): a login's refresh token */
PG_FUNCTION_INFO_V1(jwt_auth_refresh_token_new);
Datum
jwt_auth_refresh_token_new(PG_FUNCTION_ARGS)
{
	uint8		raw[REFRESH_TOKEN_BYTES];

	if (!pg_strong_random(raw, sizeof(raw)))
		jwt_auth_raise(JWT_CRYPTO, JWS_ALG_INVALID, NULL);
	PG_RETURN_DATUM(refresh_token_record(fcinfo, raw));
}

/*
 * _refresh_token_child(parent text, session_key bytea, OUT token text, OUT token_hash bytea):
 * the refresh token a refresh exchanges parent for, HMAC-SHA256 of it under the session's key
 */
PG_FUNCTION_INFO_V1(jwt_auth_refresh_token_child);
Datum
jwt_auth_refresh_token_child(PG_FUNCTION_ARGS)
{
	text	   *parent = PG_GETARG_TEXT_PP(0);
	bytea	   *key = PG_GETARG_BYTEA_PP(1);
	uint8		raw[EVP_MAX_MD_SIZE];
	size_t		raw_len = 0;

	if (VARSIZE_ANY_EXHDR(key) < SESSION_KEY_BYTES ||
		EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
				  VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key),
				  (const unsigned char *) VARDATA_ANY(parent), VARSIZE_ANY_EXHDR(parent),
				  raw, sizeof(raw), &raw_len) == NULL ||
		raw_len != REFRESH_TOKEN_BYTES)
		jwt_auth_raise(JWT_CRYPTO, JWS_ALG_INVALID, NULL);
	PG_RETURN_DATUM(refresh_token_record(fcinfo, raw));
}

/* _session_key() returns bytea: a new session's random key for its refresh tokens */
PG_FUNCTION_INFO_V1(jwt_auth_session_key);
Datum
jwt_auth_session_key(PG_FUNCTION_ARGS)
{
	bytea	   *key = palloc(VARHDRSZ + SESSION_KEY_BYTES);

	if (!pg_strong_random(VARDATA(key), SESSION_KEY_BYTES))
		jwt_auth_raise(JWT_CRYPTO, JWS_ALG_INVALID, NULL);
	SET_VARSIZE(key, VARHDRSZ + SESSION_KEY_BYTES);
	PG_RETURN_BYTEA_P(key);
}

/*
 * _session_csrf(session_key bytea) returns text: the session's CSRF token,
 * HMAC-SHA256 of a fixed label under the session's key, in base64url. Its
 * access tokens carry it (the csrf claim) and cookie mode sets it as a
 * cookie the page's script reads and sends back as X-CSRF-Token.
 */
PG_FUNCTION_INFO_V1(jwt_auth_session_csrf);
Datum
jwt_auth_session_csrf(PG_FUNCTION_ARGS)
{
	static const char label[] = "jwt_auth csrf";
	bytea	   *key = PG_GETARG_BYTEA_PP(0);
	uint8		raw[EVP_MAX_MD_SIZE];
	size_t		raw_len = 0;
	char		out[64];
	size_t		len;

	if (VARSIZE_ANY_EXHDR(key) < SESSION_KEY_BYTES ||
		EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
				  VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key),
				  (const unsigned char *) label, sizeof(label) - 1,
				  raw, sizeof(raw), &raw_len) == NULL || raw_len != 32)
		jwt_auth_raise(JWT_CRYPTO, JWS_ALG_INVALID, NULL);
	len = b64url_encode(raw, raw_len, out);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, (int) len));
}

/* _refresh_token_hash(token text) returns bytea: what the table keeps of a token */
PG_FUNCTION_INFO_V1(jwt_auth_refresh_token_hash);
Datum
jwt_auth_refresh_token_hash(PG_FUNCTION_ARGS)
{
	text	   *token = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BYTEA_P(sha256(VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token)));
}

/* _require_primary() returns void: error 25006 on a hot standby */
PG_FUNCTION_INFO_V1(jwt_auth_require_primary);
Datum
jwt_auth_require_primary(PG_FUNCTION_ARGS)
{
	if (RecoveryInProgress())
		jwt_auth_raise_standby();
	PG_RETURN_VOID();
}
