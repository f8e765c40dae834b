/*
 * issuers.c — other issuers (table jwt_auth.issuers), cached per backend
 *
 * A token whose iss is a registered issuer's is verified with that
 * issuer's JWK set only, under its rules: its alg one of the issuer's
 * algorithms, its kid one of the set's keys (whose own kty, crv, alg, use
 * and key_ops must suit that alg: jws_verify_parsed checks), exp required,
 * aud one of the issuer's audiences unless the owner accepted any, the
 * issuer's leeway. It acts as a role its issuer may grant (the role claim
 * at the issuer's path, else its default role), and user_id() is its
 * issuer's user claim. Its session is not jwt_auth's: standing.c is not
 * asked, and uid() is NULL for it (uid() names jwt_auth's own users, whom
 * another issuer must not name).
 *
 * The cache works as keystore.c's: every backend keeps the parsed issuers
 * and keys in its own memory, a trigger on jwt_auth.issuers queues a
 * relcache invalidation that marks it stale at commit (on hot standbys
 * through the WAL, on logical subscribers through the apply worker's row
 * triggers), and the table is read as its owner with the latest snapshot.
 * A database still at version 1.0 has no such table: no issuers.
 *
 * When a token names a kid the set lacks and the issuer has a jwks_uri,
 * the fetch worker (fetch.c) is asked to fetch the set now (at most once
 * per jwt_auth.fetch_cooldown), and the key is looked up again.
 */
#include "jwt_auth.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "claimpath.h"

struct jwt_auth_other_issuer
{
	char	   *iss;
	size_t		iss_len;
	bool		enabled;
	bool		fetched;		/* has a jwks_uri: an unknown kid may ask for a fetch */
	jwt_key_list keys;
	bool		algs[JWS_ALG_COUNT];
	jwt_claim_string *audiences;
	int			naudiences;
	char	   *role_claim;		/* the path as the owner wrote it, for errors */
	jwt_claim_path role_path;
	char	   *user_claim;
	char	   *default_role;	/* or NULL */
	char	  **roles;
	int			nroles;
	double		leeway;			/* seconds; < 0: jwt_auth.leeway */
};

static MemoryContext cache_context;
static jwt_auth_other_issuer *cache;
static int	cache_len;
static bool cache_valid;
static Oid	issuers_relid = InvalidOid;
static uint64 generation;

static void
drop_cache(void)
{
	for (int i = 0; i < cache_len; i++)
	{
		jwt_key_list_free(&cache[i].keys);
		jwt_claim_path_free(&cache[i].role_path);
	}
	cache = NULL;
	cache_len = 0;
	if (cache_context != NULL)
		MemoryContextReset(cache_context);
}

static void
issuers_invalidated(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == issuers_relid)
	{
		cache_valid = false;
		generation++;
	}
}

void
jwt_auth_issuers_init(void)
{
	CacheRegisterRelcacheCallback(issuers_invalidated, (Datum) 0);
}

uint64
jwt_auth_issuers_generation(void)
{
	return generation;
}

/* the elements of a text[] column, copied into the cache */
static char **
text_array(Datum d, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	char	  **out;

	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	out = palloc(sizeof(char *) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
		out[i] = nulls[i] ? pstrdup("") : TextDatumGetCString(elems[i]);
	return out;
}

/* one row of jwt_auth.issuers into the cache (cache_context is current) */
static void
load_row(HeapTuple row, TupleDesc desc, jwt_auth_other_issuer *out)
{
	bool		isnull;
	char	   *jwks;
	char	  **algs;
	char	  **audiences;
	int			n;
	jwt_status	st;

	memset(out, 0, sizeof(*out));
	out->iss = SPI_getvalue(row, desc, 1);
	out->iss_len = strlen(out->iss);
	out->fetched = DatumGetBool(SPI_getbinval(row, desc, 2, &isnull));
	out->enabled = DatumGetBool(SPI_getbinval(row, desc, 11, &isnull));
	algs = text_array(SPI_getbinval(row, desc, 5, &isnull), &n);
	for (int i = 0; i < n; i++)
	{
		jws_alg		alg;

		if (jws_alg_parse(algs[i], strlen(algs[i]), &alg) == JWT_OK)
			out->algs[alg] = true;
	}
	audiences = text_array(SPI_getbinval(row, desc, 4, &isnull), &out->naudiences);
	out->audiences = palloc(sizeof(jwt_claim_string) * Max(out->naudiences, 1));
	for (int i = 0; i < out->naudiences; i++)
	{
		out->audiences[i].s = audiences[i];
		out->audiences[i].len = strlen(audiences[i]);
	}
	out->user_claim = SPI_getvalue(row, desc, 7);
	out->default_role = SPI_getvalue(row, desc, 8);
	out->roles = text_array(SPI_getbinval(row, desc, 9, &isnull), &out->nroles);
	out->leeway = DatumGetFloat8(SPI_getbinval(row, desc, 10, &isnull));
	if (isnull)
		out->leeway = -1;
	out->role_claim = SPI_getvalue(row, desc, 6);
	st = jwt_claim_path_parse(out->role_claim, strlen(out->role_claim), &out->role_path);
	jwks = SPI_getvalue(row, desc, 3);
	if (st == JWT_OK && jwks != NULL)
		st = jwt_jwks_keys(jwks, strlen(jwks), out->algs[JWS_HS256] || out->algs[JWS_HS384] ||
						   out->algs[JWS_HS512], &out->keys);
	if (st != JWT_OK)
		jwt_auth_raise_stored_issuer(out->iss, st);
}

/* the rows of jwt_auth.issuers into the cache */
static void
load_rows(SPITupleTable *rows, uint64 n, void *arg)
{
	MemoryContext old = MemoryContextSwitchTo(cache_context);

	cache = palloc0(sizeof(jwt_auth_other_issuer) * Max(n, 1));
	for (uint64 i = 0; i < n; i++)
	{
		load_row(rows->vals[i], rows->tupdesc, &cache[i]);
		cache_len++;
	}
	MemoryContextSwitchTo(old);
}

static void
load_cache(Oid relid)
{
	if (cache_context == NULL)
		cache_context = AllocSetContextCreate(TopMemoryContext, "jwt_auth issuers",
											  ALLOCSET_SMALL_SIZES);
	drop_cache();
	issuers_relid = relid;
	cache_valid = true;			/* an invalidation during the load clears it again */
	jwt_auth_read_as_owner("issuers",
						   "SELECT issuer, jwks_uri IS NOT NULL, jwks::text, audience, algorithms, "
						   "role_claim, user_claim, default_role, roles, "
						   "extract(epoch FROM leeway)::float8, enabled FROM jwt_auth.issuers",
						   load_rows, NULL, &cache_valid);
}

static void
ensure_cache(void)
{
	AcceptInvalidationMessages();
	if (!cache_valid)
	{
		Oid			nsp = get_namespace_oid("jwt_auth", true);
		Oid			relid = OidIsValid(nsp) ? get_relname_relid("issuers", nsp) : InvalidOid;

		/* version 1.0 has no issuers: look again next time, the update may come */
		if (!OidIsValid(relid))
		{
			drop_cache();
			return;
		}
		load_cache(relid);
	}
}

static const jwt_auth_other_issuer *
find(const char *iss, size_t len)
{
	for (int i = 0; i < cache_len; i++)
		if (cache[i].iss_len == len && memcmp(cache[i].iss, iss, len) == 0)
			return &cache[i];
	return NULL;
}

const jwt_auth_other_issuer *
jwt_auth_issuer_of_doc(const json_doc *claims)
{
	uint32_t	v;
	const jwt_auth_other_issuer *found = NULL;

	if (!json_find(claims, 0, "iss", &v) || claims->toks[v].type != JSON_STRING)
		return NULL;
	ensure_cache();
	if (cache_len == 0)
		return NULL;
	if (!claims->toks[v].escaped)
		return find(claims->text + claims->toks[v].start, claims->toks[v].len);
	{
		char	   *iss = palloc(claims->toks[v].len + 1);

		found = find(iss, json_string_decode(claims, v, iss));
		pfree(iss);
	}
	return found;
}

const jwt_auth_other_issuer *
jwt_auth_issuer_of_jsonb(Jsonb *claims)
{
	JsonbValue *v = jwt_auth_jsonb_member(claims, "iss");

	if (v == NULL || v->type != jbvString)
		return NULL;
	ensure_cache();
	return find(v->val.string.val, v->val.string.len);
}

/* the key of the issuer's set that kid names (kid NULL: the set's only key) */
static jwt_status
key_by_kid(const jwt_auth_other_issuer *issuer, const char *kid, jwt_key **key)
{
	if (kid == NULL)
	{
		if (issuer->keys.n != 1)
			return JWT_TOKEN_KID_MISSING;
		*key = issuer->keys.keys[0];
		return JWT_OK;
	}
	for (size_t i = 0; i < issuer->keys.n; i++)
		if (issuer->keys.keys[i]->kid != NULL && strcmp(issuer->keys.keys[i]->kid, kid) == 0)
		{
			*key = issuer->keys.keys[i];
			return JWT_OK;
		}
	return JWT_TOKEN_KID_UNKNOWN;
}

jwt_status
jwt_auth_issuer_key(const jwt_auth_other_issuer **issuer, const jws_token *tok, jws_alg *alg,
					jwt_key **key)
{
	char	   *kid;
	size_t		kid_len;
	jwt_status	st;

	if (!(*issuer)->enabled)
		return JWT_TOKEN_ISSUER_DISABLED;
	if ((st = jws_header_alg(tok, alg)) != JWT_OK)
		return st;
	if (!(*issuer)->algs[*alg])
		return JWT_TOKEN_ALG_NOT_ALLOWED;
	if ((st = jws_kid(tok, &kid, &kid_len)) != JWT_OK)
		return st;
	if (kid != NULL && strlen(kid) != kid_len)
		st = JWT_TOKEN_KID_UNKNOWN;
	else
		st = key_by_kid(*issuer, kid, key);
	if (st == JWT_TOKEN_KID_UNKNOWN && (*issuer)->fetched)
	{
		/* the provider may have rotated: fetch its set now, then look again */
		char	   *iss = pnstrdup((*issuer)->iss, (*issuer)->iss_len);

		if (jwt_auth_fetch_now(iss))
		{
			ensure_cache();
			*issuer = find(iss, strlen(iss));
			if (*issuer == NULL)
				st = JWT_TOKEN_ISSUER_UNKNOWN;
			else if (!(*issuer)->enabled)
				st = JWT_TOKEN_ISSUER_DISABLED;
			else
				st = key_by_kid(*issuer, kid, key);
		}
		pfree(iss);
	}
	jwt_free(kid);
	return st;
}

void
jwt_auth_issuer_rules(const jwt_auth_other_issuer *issuer, jwt_claim_rules *rules)
{
	rules->audience = NULL;
	rules->audience_len = 0;
	rules->audiences = issuer->audiences;
	rules->naudiences = issuer->naudiences;
	rules->any_audience = issuer->naudiences == 0;
	rules->issuer = NULL;		/* it named the issuer that verified it */
	rules->require_exp = true;
	if (issuer->leeway >= 0)
		rules->leeway = issuer->leeway;
}

bool
jwt_auth_issuer_enabled(const jwt_auth_other_issuer *issuer)
{
	return issuer->enabled;
}

const char *
jwt_auth_issuer_user_claim(const jwt_auth_other_issuer *issuer)
{
	return issuer->user_claim;
}

/* may the issuer grant role? */
static bool
may_grant(const jwt_auth_other_issuer *issuer, const char *role, size_t len)
{
	if (issuer->default_role != NULL && strlen(issuer->default_role) == len &&
		memcmp(issuer->default_role, role, len) == 0)
		return true;
	for (int i = 0; i < issuer->nroles; i++)
		if (strlen(issuer->roles[i]) == len && memcmp(issuer->roles[i], role, len) == 0)
			return true;
	return false;
}

/* where the role path leads in the claims, or NULL */
static JsonbValue *
follow_path(const jwt_auth_other_issuer *issuer, Jsonb *claims)
{
	JsonbValue *v = NULL;
	JsonbContainer *at = &claims->root;

	for (size_t s = 0; s < issuer->role_path.nsteps; s++)
	{
		const jwt_claim_step *step = &issuer->role_path.steps[s];

		if (at == NULL)
			return NULL;
		if (step->name != NULL)
		{
			if (!JsonContainerIsObject(at))
				return NULL;
			v = getKeyJsonValueFromContainer(at, step->name, strlen(step->name), NULL);
		}
		else
		{
			if (!JsonContainerIsArray(at))
				return NULL;
			v = getIthJsonbValueFromContainer(at, step->index);
		}
		if (v == NULL)
			return NULL;
		at = v->type == jbvBinary ? v->val.binary.data : NULL;
	}
	return v;
}

const char *
jwt_auth_issuer_role(const jwt_auth_other_issuer *issuer, Jsonb *claims)
{
	JsonbValue *v = follow_path(issuer, claims);

	if (v == NULL || v->type == jbvNull)
	{
		if (issuer->default_role == NULL)
			jwt_auth_raise(JWT_TOKEN_ROLE_NOT_ALLOWED, JWS_ALG_INVALID, issuer->role_claim);
		return issuer->default_role;
	}
	if (v->type == jbvString)
	{
		if (!may_grant(issuer, v->val.string.val, v->val.string.len))
			jwt_auth_raise(JWT_TOKEN_ROLE_NOT_ALLOWED, JWS_ALG_INVALID, issuer->role_claim);
		return pnstrdup(v->val.string.val, v->val.string.len);
	}
	/* an array of roles (Keycloak's realm_access.roles): the first one the issuer may grant */
	if (v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data))
	{
		JsonbIterator *it = JsonbIteratorInit(v->val.binary.data);
		JsonbValue	e;
		JsonbIteratorToken r;

		while ((r = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
			if (r == WJB_ELEM && e.type == jbvString &&
				may_grant(issuer, e.val.string.val, e.val.string.len))
				return pnstrdup(e.val.string.val, e.val.string.len);
		jwt_auth_raise(JWT_TOKEN_ROLE_NOT_ALLOWED, JWS_ALG_INVALID, issuer->role_claim);
	}
	jwt_auth_raise(JWT_TOKEN_ROLE_TYPE, JWS_ALG_INVALID, issuer->role_claim);
}

/* _issuers_changed() returns trigger: every backend's issuer cache is stale at commit */
PG_FUNCTION_INFO_V1(jwt_auth_issuers_changed);
Datum
jwt_auth_issuers_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "jwt_auth: _issuers_changed must be called as a trigger");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}

/* _issuer_jwks_check(jwks jsonb, secret boolean) returns integer: the keys that verify */
PG_FUNCTION_INFO_V1(jwt_auth_issuer_jwks_check);
Datum
jwt_auth_issuer_jwks_check(PG_FUNCTION_ARGS)
{
	size_t		len;
	char	   *json;
	jwt_key_list keys;
	int			n;

	jwt_auth_require_arg(fcinfo, 0, "jwks");
	jwt_auth_require_arg(fcinfo, 1, "secret");
	json = jwt_auth_json_arg(fcinfo, 0, &len);
	jwt_auth_check(jwt_jwks_keys(json, len, PG_GETARG_BOOL(1), &keys), JWS_ALG_INVALID);
	n = (int) keys.n;
	jwt_key_list_free(&keys);
	PG_RETURN_INT32(n);
}

/* _claim_path_check(path text): raises unless path is a claim path */
PG_FUNCTION_INFO_V1(jwt_auth_claim_path_check);
Datum
jwt_auth_claim_path_check(PG_FUNCTION_ARGS)
{
	text	   *path;
	jwt_claim_path parsed;

	jwt_auth_require_arg(fcinfo, 0, "role_claim");
	path = PG_GETARG_TEXT_PP(0);
	jwt_auth_check(jwt_claim_path_parse(VARDATA_ANY(path), VARSIZE_ANY_EXHDR(path), &parsed),
				   JWS_ALG_INVALID);
	jwt_claim_path_free(&parsed);
	PG_RETURN_VOID();
}
