/*
 * standing.c — whether verified claims still stand
 *
 * A token that verifies may still be refused: its session (the sid claim)
 * revoked, expired or gone, its user (the sub claim) disabled or deleted,
 * issued (iat) before the user's global logout, or minted (its gen claim)
 * by a refresh that never committed or that two later refreshes replaced. authenticate() and
 * pre_request() ask here on every request, so the two lookups are primary
 * key index scans of jwt_auth.sessions and jwt_auth.users, without SQL: no
 * query to plan or execute, no role to switch (the tables are read as the
 * extension reads its own keys, whatever the caller may read).
 *
 * The rows are read as they stand now: after a command counter increment
 * (so a session that an earlier part of the same statement opened is
 * seen), with the latest snapshot, not the transaction's. A REPEATABLE
 * READ transaction begun before a logout or a user's disabling must not
 * keep authenticating that user's tokens: the key cache, too, reads the
 * latest state.
 *
 * With jwt_auth preloaded, a backend keeps the rows it read (at most
 * twice jwt_auth.token_cache_entries; 0 keeps none) and reads one again
 * only when changes.c's counter for it has moved: a commit that changed
 * the row, whichever backend or replication apply made it. The checks
 * themselves run on every call, on the rows as they stand.
 */
#include "jwt_auth.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "parser/parse_relation.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

/* the most columns one lookup reads */
#define MAX_COLUMNS 5

/*
 * The row of jwt_auth.<table> whose id is id, read with the latest
 * snapshot: the named columns into values/nulls, is_uuid[i] when the
 * value is a uuid (palloc'd). False when there is no such row.
 */
static bool
read_row(const char *table, const pg_uuid_t *id, const char *const *columns, int ncolumns,
		 Datum *values, bool *nulls, bool *is_uuid)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	row;
	bool		found;
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());

	PG_TRY();
	{
		rel = table_open(jwt_auth_table_relid(table), AccessShareLock);
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ, UUIDPGetDatum(id));
		scan = systable_beginscan(rel, RelationGetPrimaryKeyIndex(rel), true, snapshot, 1, &key);
		row = systable_getnext(scan);
		found = HeapTupleIsValid(row);
		for (int i = 0; found && i < ncolumns; i++)
		{
			AttrNumber	att = attnameAttNum(rel, columns[i], false);
			TupleDesc	desc = RelationGetDescr(rel);

			if (att == InvalidAttrNumber)
				elog(ERROR, "jwt_auth: column %s of jwt_auth.%s is missing", columns[i], table);
			/* the columns read are fixed-width (uuid, timestamptz, boolean): no detoasting */
			values[i] = heap_getattr(row, att, desc, &nulls[i]);
			is_uuid[i] = !nulls[i] && TupleDescAttr(desc, att - 1)->atttypid == UUIDOID;
			if (is_uuid[i])
				values[i] = UUIDPGetDatum(memcpy(palloc(UUID_LEN), DatumGetUUIDP(values[i]), UUID_LEN));
		}
		systable_endscan(scan);
		table_close(rel, AccessShareLock);
	}
	PG_CATCH();
	{
		UnregisterSnapshot(snapshot);
		PG_RE_THROW();
	}
	PG_END_TRY();
	UnregisterSnapshot(snapshot);
	return found;
}

/* a row kept, with the count of its changes it was read at */
typedef struct kept_key
{
	pg_uuid_t	id;
	char		table;			/* 's' (sessions) or 'u' (users) */
} kept_key;

typedef struct kept_row
{
	kept_key	key;
	uint64		count;
	Datum		values[MAX_COLUMNS];	/* by reference (a uuid): into uuids */
	bool		nulls[MAX_COLUMNS];
	bool		is_uuid[MAX_COLUMNS];
	pg_uuid_t	uuids[MAX_COLUMNS];
} kept_row;

static HTAB *kept;
static uint64 kept_forgets;		/* changes.c's count of forgets when kept was made */

/* the table of kept rows, emptied when changes.c says they must go or it is full; NULL: keep none */
static HTAB *
kept_rows(void)
{
	uint64		forgets;
	long		max_rows = 2L * jwt_auth_token_cache_entries;

	if (max_rows == 0 || jwt_auth_token_cache_kb == 0 || !jwt_auth_changes_tracked(&forgets))
		return NULL;
	if (kept != NULL && (forgets != kept_forgets || hash_get_num_entries(kept) >= max_rows))
	{
		hash_destroy(kept);
		kept = NULL;
	}
	if (kept == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(kept_key);
		ctl.entrysize = sizeof(kept_row);
		ctl.hcxt = CacheMemoryContext;
		kept = hash_create("jwt_auth standing rows", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		kept_forgets = forgets;
	}
	return kept;
}

/*
 * The row of jwt_auth.<table> whose id is id, as it stands: the named
 * columns into values/nulls (a uuid by reference, valid until the next
 * fetch), from the kept rows when rows is not NULL. False when there is
 * no such row.
 */
static bool
fetch(HTAB *rows, const char *table, const pg_uuid_t *id, const char *const *columns, int ncolumns,
	  Datum *values, bool *nulls)
{
	kept_key	key;
	kept_row   *r;
	uint64		count;
	bool		found;
	bool		is_uuid[MAX_COLUMNS];

	if (rows == NULL)
		return read_row(table, id, columns, ncolumns, values, nulls, is_uuid);
	memset(&key, 0, sizeof(key));
	key.id = *id;
	key.table = table[0];
	count = jwt_auth_changes_count(id);
	r = hash_search(rows, &key, HASH_FIND, NULL);
	if (r == NULL || r->count != count)
	{
		if (!read_row(table, id, columns, ncolumns, values, nulls, is_uuid))
		{
			if (r != NULL)
				(void) hash_search(rows, &key, HASH_REMOVE, NULL);
			return false;
		}
		r = hash_search(rows, &key, HASH_ENTER, &found);
		r->count = count;
		for (int i = 0; i < ncolumns; i++)
		{
			r->nulls[i] = nulls[i];
			r->is_uuid[i] = is_uuid[i];
			if (r->is_uuid[i])
			{
				r->uuids[i] = *DatumGetUUIDP(values[i]);
				r->values[i] = UUIDPGetDatum(&r->uuids[i]);
			}
			else
				r->values[i] = values[i];
		}
		return true;
	}
	for (int i = 0; i < ncolumns; i++)
	{
		nulls[i] = r->nulls[i];
		values[i] = r->is_uuid[i] ? UUIDPGetDatum(&r->uuids[i]) : r->values[i];
	}
	return true;
}

/* floor(v) of a numeric, clamped to int64 (NaN, which sorts above every number, to the top) */
static int64
numeric_floor_int64(Numeric v)
{
	Datum		d = NumericGetDatum(v);

	if (DatumGetBool(DirectFunctionCall2(numeric_lt, d, NumericGetDatum(int64_to_numeric(PG_INT64_MIN)))))
		return PG_INT64_MIN;
	if (DatumGetBool(DirectFunctionCall2(numeric_ge, d, NumericGetDatum(int64_to_numeric(PG_INT64_MAX)))))
		return PG_INT64_MAX;
	return DatumGetInt64(DirectFunctionCall1(numeric_int8, DirectFunctionCall1(numeric_floor, d)));
}

/* the uuid in a JSON string of the canonical form, and whether its hex digits are lower case */
static bool
subject_uuid(JsonbValue *v, pg_uuid_t *id, bool *lower)
{
	if (!jwt_auth_jsonb_uuid(v, id))
		return false;
	*lower = true;
	for (int i = 0; i < v->val.string.len; i++)
		if (v->val.string.val[i] >= 'A' && v->val.string.val[i] <= 'F')
			*lower = false;
	return true;
}

/*
 * What the check reads of claims: sid, sub, gen and iat, parsed. The
 * verified-token cache keeps it with the token, so a token seen before
 * costs the check no JSON at all.
 */
void
jwt_auth_subject_of(Jsonb *claims, jwt_auth_subject *subject)
{
	JsonbValue *sid = jwt_auth_jsonb_member(claims, "sid");
	JsonbValue *gen = jwt_auth_jsonb_member(claims, "gen");
	JsonbValue *iat = jwt_auth_jsonb_member(claims, "iat");
	bool		lower;

	memset(subject, 0, sizeof(*subject));
	subject->has_sid = sid != NULL;
	subject->sid_ok = jwt_auth_jsonb_uuid(sid, &subject->sid);
	subject->sub_ok = subject_uuid(jwt_auth_jsonb_member(claims, "sub"), &subject->sub, &lower);
	subject->sub_canonical = subject->sub_ok && lower;
	subject->has_gen = gen != NULL;
	subject->gen_ok = jwt_auth_jsonb_uuid(gen, &subject->gen);
	subject->iat_ok = iat != NULL && iat->type == jbvNumeric;
	if (subject->iat_ok)
		subject->iat_floor = numeric_floor_int64(iat->val.numeric);
}

/*
 * Was a token of this subject issued before logout_before (in whole
 * seconds)? For a whole number of seconds s, iat < s exactly when
 * floor(iat) < s.
 */
static bool
issued_before(const jwt_auth_subject *subject, TimestampTz logout_before)
{
	int64		seconds;

	if (!subject->iat_ok)
		return true;			/* no usable iat: it cannot show it came after */
	if (TIMESTAMP_IS_NOBEGIN(logout_before))
		return false;
	if (TIMESTAMP_IS_NOEND(logout_before))
		return true;
	/* floor(extract(epoch from logout_before)) */
	seconds = logout_before / USECS_PER_SEC;
	if (logout_before % USECS_PER_SEC < 0)
		seconds--;
	seconds += (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
	return subject->iat_floor < seconds;
}

/*
 * Is the gen claim the session's generation or its previous one? A token
 * without one (signed by hand, or by 1.0) is not judged by it.
 */
static bool
current_generation(const jwt_auth_subject *subject, const Datum *generations, const bool *nulls)
{
	if (!subject->has_gen)
		return true;
	if (!subject->gen_ok)
		return false;
	for (int i = 0; i < 2; i++)
		if (!nulls[i] && memcmp(DatumGetUUIDP(generations[i])->data, subject->gen.data, UUID_LEN) == 0)
			return true;
	return false;
}

/* why the claims no longer stand, or JWT_OK when they do */
static jwt_status
refusal(const jwt_auth_subject *subject, HTAB *rows)
{
	static const char *const session_columns[MAX_COLUMNS] = {"user_id", "revoked_at", "expires_at",
	"generation", "previous_generation"};
	static const char *const user_columns[MAX_COLUMNS] = {"disabled", "logout_before"};
	Datum		values[MAX_COLUMNS];
	bool		nulls[MAX_COLUMNS];

	if (subject->has_sid)
	{
		if (!subject->sid_ok)
			return JWT_TOKEN_SID_INVALID;
		if (!fetch(rows, "sessions", &subject->sid, session_columns, 5, values, nulls))
			return JWT_TOKEN_SESSION_UNKNOWN;
		if (!nulls[1])
			return JWT_TOKEN_SESSION_REVOKED;
		if (DatumGetTimestampTz(values[2]) <= GetCurrentTransactionStartTimestamp())
			return JWT_TOKEN_SESSION_EXPIRED;
		/* the sub claim must be the session's user id as uuid_out writes it */
		if (!subject->sub_canonical ||
			memcmp(DatumGetUUIDP(values[0])->data, subject->sub.data, UUID_LEN) != 0)
			return JWT_TOKEN_SESSION_MISMATCH;
		if (!current_generation(subject, &values[3], &nulls[3]))
			return JWT_TOKEN_SESSION_GENERATION;
	}
	if (subject->sub_ok)
	{
		if (fetch(rows, "users", &subject->sub, user_columns, 2, values, nulls))
		{
			if (DatumGetBool(values[0]))
				return JWT_TOKEN_USER_DISABLED;
			if (!nulls[1] && issued_before(subject, DatumGetTimestampTz(values[1])))
				return JWT_TOKEN_LOGGED_OUT;
		}
		else if (subject->has_sid)
			return JWT_TOKEN_USER_UNKNOWN;
	}
	return JWT_OK;
}

void
jwt_auth_check_standing(const jwt_auth_subject *subject)
{
	jwt_status	why;

	/* see what earlier commands of this transaction wrote */
	CommandCounterIncrement();
	why = refusal(subject, kept_rows());
	if (why != JWT_OK)
		jwt_auth_raise(why, JWS_ALG_INVALID, NULL);
}
