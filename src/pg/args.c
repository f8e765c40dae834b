/*
 * args.c — SQL arguments as buffers and keys for the core
 *
 * A key argument is parsed once per call site: the parsed key (with its
 * keyed HMAC contexts) is kept in fn_extra while the same key bytes come
 * back, so verifying a column of tokens with one key parses it once. The
 * key is freed, its secret wiped, when the call site's memory goes away.
 */
#include "jwt_auth.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include <openssl/crypto.h>

typedef struct key_cache
{
	Oid			type;			/* text, bytea or jsonb */
	char	   *bytes;			/* the argument's bytes, in fn_mcxt */
	Size		len;
	bool		is_set;			/* a JWK set: the key depends on the token's kid */
	char	   *kid;			/* for a set: the kid the cached key was picked by */
	jwt_key    *key;
	MemoryContextCallback on_reset;
} key_cache;

void
jwt_auth_require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		jwt_auth_raise_null(name);
}

jws_alg
jwt_auth_alg_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *name;
	jws_alg		alg;

	jwt_auth_require_arg(fcinfo, argno, "algorithm");
	name = PG_GETARG_TEXT_PP(argno);
	jwt_auth_check(jws_alg_parse(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &alg), alg);
	return alg;
}

static void
forget_key(key_cache *cache)
{
	jwt_key_free(cache->key);
	cache->key = NULL;
	if (cache->bytes != NULL)
	{
		OPENSSL_cleanse(cache->bytes, cache->len);
		pfree(cache->bytes);
		cache->bytes = NULL;
	}
	if (cache->kid != NULL)
		pfree(cache->kid);
	cache->kid = NULL;
}

static void
key_cache_reset(void *arg)
{
	forget_key((key_cache *) arg);
}

/* the key argument's bytes (a jsonb JWK as its text, palloc'd), and its type */
static const char *
key_bytes(FunctionCallInfo fcinfo, int argno, Oid *type, Size *len)
{
	jwt_auth_require_arg(fcinfo, argno, "key");
	*type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	if (*type == JSONBOID)
	{
		Jsonb	   *jb = PG_GETARG_JSONB_P(argno);
		char	   *jwk = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

		*len = strlen(jwk);
		return jwk;
	}
	if (*type == TEXTOID || *type == BYTEAOID)
	{
		struct varlena *v = PG_GETARG_VARLENA_PP(argno);

		*len = VARSIZE_ANY_EXHDR(v);
		return VARDATA_ANY(v);
	}
	elog(ERROR, "jwt_auth: unexpected key type %u", *type);
}

/* the call site's cache, made on first use and emptied with its memory */
static key_cache *
call_site_cache(FunctionCallInfo fcinfo)
{
	key_cache  *cache = fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(key_cache));
		cache->on_reset.func = key_cache_reset;
		cache->on_reset.arg = cache;
		MemoryContextRegisterResetCallback(fcinfo->flinfo->fn_mcxt, &cache->on_reset);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

static void
remember(FunctionCallInfo fcinfo, key_cache *cache, Oid type, const char *bytes, Size len)
{
	cache->type = type;
	cache->len = len;
	cache->bytes = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len + 1);
	memcpy(cache->bytes, bytes, len);
}

static void
wipe_jwk_text(Oid type, const char *bytes, Size len)
{
	if (type == JSONBOID)
	{
		OPENSSL_cleanse((char *) bytes, len);
		pfree((char *) bytes);
	}
}

jwt_key *
jwt_auth_key_arg(FunctionCallInfo fcinfo, int argno)
{
	key_cache  *cache = call_site_cache(fcinfo);
	Oid			type;
	Size		len;
	const char *bytes = key_bytes(fcinfo, argno, &type, &len);
	jwt_status	st;
	MemoryContext old;

	if (cache->bytes != NULL && cache->type == type && cache->len == len &&
		memcmp(cache->bytes, bytes, len) == 0)
	{
		wipe_jwk_text(type, bytes, len);
		return cache->is_set ? NULL : cache->key;
	}
	forget_key(cache);
	cache->is_set = type == JSONBOID && jwt_jwk_is_set(bytes, len);
	/* the key lives as long as the call site; forget_key frees it with fn_mcxt */
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (cache->is_set)
		st = jwt_jwks_check(bytes, len);	/* the whole set, whatever the token */
	else if (type == JSONBOID)
		st = jwt_key_from_jwk(bytes, len, &cache->key);
	else if (type == TEXTOID)
		st = jwt_key_from_text(bytes, len, &cache->key);
	else
		st = jwt_key_from_secret((const uint8 *) bytes, len, &cache->key);
	MemoryContextSwitchTo(old);
	if (st == JWT_OK)
		remember(fcinfo, cache, type, bytes, len);
	wipe_jwk_text(type, bytes, len);
	jwt_auth_check(st, JWS_ALG_INVALID);
	return cache->key;
}

jwt_status
jwt_auth_key_from_set(FunctionCallInfo fcinfo, int argno, const jws_token *tok, jwt_key **key)
{
	key_cache  *cache = call_site_cache(fcinfo);
	char	   *kid;
	size_t		kid_len;
	jwt_status	st = jws_kid(tok, &kid, &kid_len);
	MemoryContext old;

	/* jwt_auth_key_arg has just put the set's bytes in the cache */
	Assert(cache->is_set && cache->bytes != NULL);
	if (st != JWT_OK)
		return st;
	if (cache->key != NULL && (kid == NULL) == (cache->kid == NULL) &&
		(kid == NULL || strcmp(kid, cache->kid) == 0))
	{
		jwt_free(kid);
		*key = cache->key;
		return JWT_OK;
	}
	jwt_key_free(cache->key);
	cache->key = NULL;
	if (cache->kid != NULL)
		pfree(cache->kid);
	cache->kid = kid ? MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, kid) : NULL;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	st = jwt_key_from_jwks(cache->bytes, cache->len, kid, kid_len, &cache->key);
	MemoryContextSwitchTo(old);
	jwt_free(kid);
	if (st != JWT_OK && !JWT_STATUS_IS_TOKEN(st))
		jwt_auth_raise(st, JWS_ALG_INVALID, NULL);	/* e.g. two keys with that kid */
	*key = cache->key;
	return st;
}

char *
jwt_auth_json_arg(FunctionCallInfo fcinfo, int argno, size_t *len)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);

	if (type == JSONBOID)
	{
		Jsonb	   *jb = PG_GETARG_JSONB_P(argno);
		char	   *s = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

		*len = strlen(s);
		return s;
	}
	else
	{
		/* json and text share text's representation */
		text	   *t = PG_GETARG_TEXT_PP(argno);

		*len = VARSIZE_ANY_EXHDR(t);
		return VARDATA_ANY(t);
	}
}

double
jwt_auth_now(void)
{
	TimestampTz now = GetCurrentStatementStartTimestamp();

	return (double) now / USECS_PER_SEC +
		(double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
}
