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
	jwt_key    *key;
	MemoryContextCallback on_reset;
} key_cache;

void
jwt_auth_require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("%s must not be null", name));
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
}

static void
key_cache_reset(void *arg)
{
	forget_key((key_cache *) arg);
}

jwt_key *
jwt_auth_key_arg(FunctionCallInfo fcinfo, int argno)
{
	key_cache  *cache = fcinfo->flinfo->fn_extra;
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	const char *bytes;
	Size		len;
	char	   *jwk = NULL;
	jwt_status	st;

	jwt_auth_require_arg(fcinfo, argno, "key");
	if (type == JSONBOID)
	{
		Jsonb	   *jb = PG_GETARG_JSONB_P(argno);

		jwk = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
		bytes = jwk;
		len = strlen(jwk);
	}
	else if (type == TEXTOID || type == BYTEAOID)
	{
		struct varlena *v = PG_GETARG_VARLENA_PP(argno);

		bytes = VARDATA_ANY(v);
		len = VARSIZE_ANY_EXHDR(v);
	}
	else
		elog(ERROR, "jwt_auth: unexpected key type %u", type);

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(key_cache));
		cache->on_reset.func = key_cache_reset;
		cache->on_reset.arg = cache;
		MemoryContextRegisterResetCallback(fcinfo->flinfo->fn_mcxt, &cache->on_reset);
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->key != NULL && cache->type == type && cache->len == len &&
		memcmp(cache->bytes, bytes, len) == 0)
		return cache->key;

	forget_key(cache);
	if (type == JSONBOID)
		st = jwt_key_from_jwk(bytes, len, &cache->key);
	else if (type == TEXTOID)
		st = jwt_key_from_text(bytes, len, &cache->key);
	else
		st = jwt_key_from_secret((const uint8 *) bytes, len, &cache->key);
	if (jwk != NULL)
	{
		OPENSSL_cleanse(jwk, len);
		pfree(jwk);
	}
	jwt_auth_check(st, JWS_ALG_INVALID);
	cache->type = type;
	cache->len = len;
	cache->bytes = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len + 1);
	memcpy(cache->bytes, bytes, len);
	return cache->key;
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

Datum
jwt_auth_jsonb(const char *json, size_t len)
{
	/* the core has checked the text, so jsonb_in cannot fail on it */
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(pnstrdup(json, len)));
}

double
jwt_auth_now(void)
{
	TimestampTz now = GetCurrentStatementStartTimestamp();

	return (double) now / USECS_PER_SEC +
		(double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
}
