/*
 * keystore.c — the stored keys (table jwt_auth.keys), cached per backend
 *
 * Every backend keeps the parsed keys in its own memory context, sorted by
 * kid (a token's kid is found by bisection, however many keys there are),
 * the active key held apart. A trigger
 * on jwt_auth.keys queues a relcache invalidation of the table; at commit
 * it reaches every backend (and, through the WAL, every hot standby), whose
 * callback marks the cache stale. Each use first takes in pending
 * invalidations, so a key revoked in one session is refused by every other
 * session's next statement.
 *
 * The table's private material is readable by its owner only. The cache
 * loads it as the table's owner for the length of one fixed query, so the
 * functions that use stored keys need no SECURITY DEFINER.
 */
#include "jwt_auth.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/async.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include <openssl/crypto.h>

typedef enum key_status
{
	KEY_STANDBY,
	KEY_ACTIVE,
	KEY_RETIRED,
	KEY_REVOKED
} key_status;

typedef struct stored_key
{
	char	   *kid;
	jws_alg		alg;
	key_status	status;
	jwt_key    *key;			/* NULL for revoked keys: their material is not loaded */
	char	   *jwt_header;		/* the encoded header of the JWTs it signs, once it has */
	size_t		jwt_header_len;
} stored_key;

static MemoryContext cache_context;
static stored_key *cache;		/* sorted by kid: a token's kid is found by bisection */
static int	cache_len;
static stored_key *active;		/* the active key, or NULL */
static bool cache_valid;
static Oid	keys_relid = InvalidOid;
static uint64 generation;		/* invalidations received: tokencache.c compares it */

static void
drop_cache(void)
{
	for (int i = 0; i < cache_len; i++)
		jwt_key_free(cache[i].key);
	cache = NULL;
	cache_len = 0;
	active = NULL;
	if (cache_context != NULL)
		MemoryContextReset(cache_context);
}

static void
keys_invalidated(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == keys_relid)
	{
		cache_valid = false;
		generation++;
	}
}

uint64
jwt_auth_keystore_generation(void)
{
	return generation;
}

void
jwt_auth_keystore_init(void)
{
	CacheRegisterRelcacheCallback(keys_invalidated, (Datum) 0);
}

static key_status
parse_status(const char *s)
{
	if (strcmp(s, "active") == 0)
		return KEY_ACTIVE;
	if (strcmp(s, "retired") == 0)
		return KEY_RETIRED;
	if (strcmp(s, "revoked") == 0)
		return KEY_REVOKED;
	return KEY_STANDBY;
}

/* one row of jwt_auth.keys into the cache */
static void
load_row(HeapTuple row, TupleDesc desc, stored_key *out)
{
	bool		isnull;
	char	   *alg = SPI_getvalue(row, desc, 2);
	jwt_status	st;
	MemoryContext old;

	out->kid = MemoryContextStrdup(cache_context, SPI_getvalue(row, desc, 1));
	jwt_auth_check(jws_alg_parse(alg, strlen(alg), &out->alg), out->alg);
	out->status = parse_status(SPI_getvalue(row, desc, 3));
	out->key = NULL;
	if (out->status == KEY_REVOKED)
		return;
	/* the key lives in the cache, until drop_cache frees it */
	old = MemoryContextSwitchTo(cache_context);
	{
		Datum		private_key = SPI_getbinval(row, desc, 4, &isnull);

		if (!isnull)
		{
			bytea	   *b = DatumGetByteaPP(private_key);

			st = jws_alg_family(out->alg) == JWS_FAMILY_HMAC ?
				jwt_key_from_secret((const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), &out->key) :
				jwt_key_from_text(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), &out->key);
			OPENSSL_cleanse(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
		}
		else
		{
			char	   *jwk = SPI_getvalue(row, desc, 5);

			st = jwk ? jwt_key_from_jwk(jwk, strlen(jwk), &out->key) : JWT_KEY_INVALID;
		}
	}
	MemoryContextSwitchTo(old);
	if (st != JWT_OK)
		jwt_auth_raise_stored_key(out->kid, st);
}

Oid
jwt_auth_table_relid(const char *table)
{
	Oid			relid = get_relname_relid(table, get_namespace_oid("jwt_auth", false));

	if (!OidIsValid(relid))
		elog(ERROR, "jwt_auth: table jwt_auth.%s is missing", table);
	return relid;
}

Oid
jwt_auth_table_owner(const char *table, Oid *relid_out)
{
	Oid			relid = jwt_auth_table_relid(table);
	HeapTuple	rel;
	Oid			owner;

	rel = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(rel))
		elog(ERROR, "jwt_auth: cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(rel))->relowner;
	ReleaseSysCache(rel);
	if (relid_out != NULL)
		*relid_out = relid;
	return owner;
}

/*
 * Read a table of jwt_auth for a backend cache: query runs as the table's
 * owner (the table may hold what the caller may not read), with the latest
 * snapshot, not the statement's or the transaction's (the invalidation
 * that sent the caller here may come from a commit that an older snapshot
 * cannot see, and a stale cache would outlive it), and load gets the rows
 * with SPI connected. On an error *valid turns false before it goes on.
 */
void
jwt_auth_read_as_owner(const char *table, const char *query,
					   void (*load) (SPITupleTable *rows, uint64 n, void *arg), void *arg,
					   bool *valid)
{
	Oid			owner = jwt_auth_table_owner(table, NULL);
	Oid			saved_user;
	int			saved_context;
	SPIPlanPtr	plan;

	GetUserIdAndSecContext(&saved_user, &saved_context);
	SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "jwt_auth: SPI_connect failed");
		plan = SPI_prepare(query, 0, NULL);
		if (plan == NULL ||
			SPI_execute_snapshot(plan, NULL, NULL, GetLatestSnapshot(), InvalidSnapshot,
								 true, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "jwt_auth: reading jwt_auth.%s failed", table);
		load(SPI_tuptable, SPI_processed, arg);
		SPI_finish();
	}
	PG_CATCH();
	{
		SetUserIdAndSecContext(saved_user, saved_context);
		*valid = false;
		PG_RE_THROW();
	}
	PG_END_TRY();
	SetUserIdAndSecContext(saved_user, saved_context);
}

static int
kid_order(const void *a, const void *b)
{
	return strcmp(((const stored_key *) a)->kid, ((const stored_key *) b)->kid);
}

/* the rows of jwt_auth.keys into the cache, in kid order */
static void
load_rows(SPITupleTable *rows, uint64 n, void *arg)
{
	cache = MemoryContextAllocZero(cache_context, sizeof(stored_key) * Max(n, 1));
	for (uint64 i = 0; i < n; i++)
	{
		load_row(rows->vals[i], rows->tupdesc, &cache[i]);
		cache_len++;
	}
	qsort(cache, cache_len, sizeof(stored_key), kid_order);
	for (int i = 0; i < cache_len; i++)
		if (cache[i].status == KEY_ACTIVE)
			active = &cache[i];
}

static void
load_cache(void)
{
	if (cache_context == NULL)
		cache_context = AllocSetContextCreate(TopMemoryContext, "jwt_auth stored keys",
											  ALLOCSET_SMALL_SIZES);
	drop_cache();
	keys_relid = jwt_auth_table_relid("keys");
	cache_valid = true;			/* an invalidation during the load clears it again */
	jwt_auth_read_as_owner("keys", "SELECT kid, alg, status, private_key, public_jwk FROM jwt_auth.keys",
						   load_rows, NULL, &cache_valid);
}

static void
ensure_cache(void)
{
	AcceptInvalidationMessages();
	if (!cache_valid)
		load_cache();
}

jwt_status
jwt_auth_stored_key(const char *kid, jws_alg *alg, jwt_key **key)
{
	stored_key	wanted;
	stored_key *found;

	ensure_cache();
	if (kid == NULL)
		found = active;
	else
	{
		wanted.kid = (char *) kid;
		found = cache_len > 0 ? bsearch(&wanted, cache, cache_len, sizeof(stored_key), kid_order) : NULL;
	}
	if (found == NULL)
		return kid ? JWT_TOKEN_KID_UNKNOWN : JWT_TOKEN_KID_MISSING;
	if (found->status == KEY_REVOKED)
		return JWT_TOKEN_KEY_REVOKED;
	if (found->status == KEY_STANDBY)
		return JWT_TOKEN_KEY_INACTIVE;
	*alg = found->alg;
	*key = found->key;
	return JWT_OK;
}

/* the encoded header of a JWT the key signs: alg, typ JWT and its kid */
static void
make_jwt_header(stored_key *k)
{
	StringInfoData extra;
	char	   *header;
	size_t		len;

	initStringInfo(&extra);
	appendStringInfoString(&extra, "{\"kid\":");
	escape_json(&extra, k->kid);
	appendStringInfoChar(&extra, '}');
	jwt_auth_check(jws_header_encode(k->alg, "JWT", extra.data, extra.len, &header, &len), k->alg);
	k->jwt_header = MemoryContextStrdup(cache_context, header);
	k->jwt_header_len = len;
	jwt_free(header);
	pfree(extra.data);
}

jwt_key *
jwt_auth_signing_key(jws_alg *alg, const char **jwt_header, size_t *jwt_header_len)
{
	ensure_cache();
	if (active == NULL)
		jwt_auth_raise(JWT_NO_ACTIVE_KEY, JWS_ALG_INVALID, NULL);
	if (active->jwt_header == NULL)
		make_jwt_header(active);
	*alg = active->alg;
	*jwt_header = active->jwt_header;
	*jwt_header_len = active->jwt_header_len;
	return active->key;
}

/*
 * keys_changed() returns trigger: tell every backend its key cache is stale,
 * and PostgREST to reload its configuration (its jwt-secret comes from
 * postgrest_config()). Both happen at commit, neither on rollback.
 */
PG_FUNCTION_INFO_V1(jwt_auth_keys_changed);
Datum
jwt_auth_keys_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "jwt_auth: keys_changed must be called as a trigger");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	Async_Notify("pgrst", "reload config");
	return PointerGetDatum(NULL);
}

/* the columns key_generate and key_import store: (private_key bytea, public_jwk jsonb) */
static Datum
key_row(FunctionCallInfo fcinfo, jwt_key *key, jws_alg alg, bool need_private)
{
	jwt_auth_record r;
	uint8	   *priv;
	size_t		priv_len;
	char	   *pub;
	size_t		pub_len;
	jwt_status	st = jwt_key_check(key, alg, need_private ? JWT_OP_SIGN : JWT_OP_VERIFY, false);

	jwt_auth_record_init_result(&r, fcinfo);
	if (st != JWT_OK)
		jwt_auth_raise(st, alg, NULL);
	/* a public-only key stores no private_key; an HMAC secret has no public_jwk */
	if (key->has_private)
	{
		bytea	   *b;

		jwt_auth_check(jwt_key_private_bytes(key, &priv, &priv_len), alg);
		b = palloc(VARHDRSZ + priv_len);
		SET_VARSIZE(b, VARHDRSZ + priv_len);
		memcpy(VARDATA(b), priv, priv_len);
		OPENSSL_cleanse(priv, priv_len);
		jwt_free(priv);
		jwt_auth_record_set(&r, "private_key", PointerGetDatum(b), false);
	}
	if (key->type != JWT_KEY_OCT)
	{
		jwt_auth_check(jwt_key_public_jwk(key, &pub, &pub_len), alg);
		jwt_auth_record_set(&r, "public_jwk", jwt_auth_jsonb(pub, pub_len), false);
		jwt_free(pub);
	}
	return jwt_auth_record_datum(&r);
}

/* _key_new(alg text, OUT private_key bytea, OUT public_jwk jsonb): fresh key material */
PG_FUNCTION_INFO_V1(jwt_auth_key_new);
Datum
jwt_auth_key_new(PG_FUNCTION_ARGS)
{
	jws_alg		alg = jwt_auth_alg_arg(fcinfo, 0);
	jwt_key    *key;
	volatile Datum result = (Datum) 0;

	jwt_auth_check(jwt_key_generate(alg, &key), alg);
	PG_TRY();
	{
		result = key_row(fcinfo, key, alg, true);
	}
	PG_FINALLY();
	{
		jwt_key_free(key);
	}
	PG_END_TRY();
	PG_RETURN_DATUM(result);
}

/*
 * _key_parse(alg text, key text|bytea|jsonb, OUT private_key bytea, OUT public_jwk jsonb):
 * the material of a key to import, checked for alg
 */
PG_FUNCTION_INFO_V1(jwt_auth_key_parse);
Datum
jwt_auth_key_parse(PG_FUNCTION_ARGS)
{
	jws_alg		alg = jwt_auth_alg_arg(fcinfo, 0);
	jwt_key    *key = jwt_auth_key_arg(fcinfo, 1);

	if (key == NULL)
		jwt_auth_raise(JWT_KEY_SET_IMPORT, alg, NULL);
	PG_RETURN_DATUM(key_row(fcinfo, key, alg, false));
}
