/*
 * pgjwt.c — the pgjwt functions, for a drop-in move from pgjwt
 *
 * Same signatures and the same results where pgjwt is sound: any secret
 * length, the same header and payload bytes, nbf/exp checked without
 * leeway. Safe where pgjwt is not: `valid` is never NULL, a fourth segment
 * or bad base64 makes a token invalid rather than raising, the header's alg
 * must be the one asked for, exp/nbf must be numbers, and the signature is
 * compared in constant time. url_encode is base64url_encode itself (the
 * install script points it there). Where pgjwt raised, these raise the
 * same: an algorithm other than HS256, HS384 or HS512 (null too) is
 * pgcrypto's hmac() error, 22023 `Cannot use "": No such hash algorithm`.
 */
#include "jwt_auth.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "b64url.h"
#include "claims.h"
#include "jws.h"

/* the algorithm argument as pgjwt takes it: HS256, HS384 or HS512, else pgjwt's error */
static jws_alg
pgjwt_alg_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *name;
	jws_alg		alg;

	if (PG_ARGISNULL(argno))
		jwt_auth_raise(JWT_PGJWT_ALG, JWS_ALG_INVALID, NULL);
	name = PG_GETARG_TEXT_PP(argno);
	if (jws_alg_parse(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &alg) != JWT_OK ||
		jws_alg_family(alg) != JWS_FAMILY_HMAC)
		jwt_auth_raise(JWT_PGJWT_ALG, JWS_ALG_INVALID, NULL);
	return alg;
}

/* sign(payload json, secret text, algorithm text) returns text */
PG_FUNCTION_INFO_V1(jwt_auth_pgjwt_sign);
Datum
jwt_auth_pgjwt_sign(PG_FUNCTION_ARGS)
{
	text	   *payload = PG_GETARG_TEXT_PP(0);
	jws_alg		alg = pgjwt_alg_arg(fcinfo, 2);
	jwt_key    *key = jwt_auth_key_arg(fcinfo, 1);
	char	   *token;
	size_t		len;
	text	   *result;

	/* pgjwt signs the json text as it is, under {"alg":...,"typ":"JWT"} */
	jwt_auth_check(jws_sign(key, alg, "JWT", NULL, 0,
							(const uint8 *) VARDATA_ANY(payload), VARSIZE_ANY_EXHDR(payload),
							true, &token, &len), alg);
	result = cstring_to_text_with_len(token, (int) len);
	jwt_free(token);
	PG_RETURN_TEXT_P(result);
}

/* a json column: the bytes as JSON text, or a null when they are not a JSON object */
static void
json_or_null(jwt_auth_record *r, const char *column, const uint8 *bytes, size_t len)
{
	if (jwt_claims_parse((const char *) bytes, len, NULL) == JWT_OK)
		jwt_auth_record_set(r, column,
							PointerGetDatum(cstring_to_text_with_len((const char *) bytes, (int) len)),
							false);
}

/*
 * verify(token text, secret text, algorithm text)
 *   returns table(header json, payload json, valid boolean)
 */
PG_FUNCTION_INFO_V1(jwt_auth_pgjwt_verify);
Datum
jwt_auth_pgjwt_verify(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	jws_alg		alg = pgjwt_alg_arg(fcinfo, 2);
	jwt_key    *key = jwt_auth_key_arg(fcinfo, 1);
	jwt_auth_record r;
	bool		valid = false;

	InitMaterializedSRF(fcinfo, 0);
	jwt_auth_record_init(&r, rsinfo->setDesc);
	if (!PG_ARGISNULL(0))
	{
		text	   *token = PG_GETARG_TEXT_PP(0);
		const char *text = VARDATA_ANY(token);
		size_t		len = VARSIZE_ANY_EXHDR(token);
		jws_token	tok;
		jwt_status	st = jws_parse(text, len, &tok);

		if (st == JWT_OK)
		{
			/* pgjwt shows header and payload even when the signature is wrong */
			json_or_null(&r, "header", tok.header, tok.header_len);
			json_or_null(&r, "payload", tok.payload, tok.payload_len);
			jws_token_free(&tok);
			st = jws_verify(text, len, key, alg, true, &tok);
		}
		if (st == JWT_OK)
		{
			jwt_claim_rules rules = {.now = jwt_auth_now(), .pgjwt = true};
			const char *claim;

			valid = jwt_claims_check((const char *) tok.payload, tok.payload_len,
									 &rules, &claim) == JWT_OK;
			jws_token_free(&tok);
		}
		else if (!JWT_STATUS_IS_TOKEN(st))
			jwt_auth_raise(st, alg, NULL);
	}
	jwt_auth_record_set(&r, "valid", BoolGetDatum(valid), false);
	tuplestore_puttuple(rsinfo->setResult, jwt_auth_record_tuple(&r));
	return (Datum) 0;
}

/* url_decode(data text) returns bytea; null for what is not base64 */
PG_FUNCTION_INFO_V1(jwt_auth_pgjwt_url_decode);
Datum
jwt_auth_pgjwt_url_decode(PG_FUNCTION_ARGS)
{
	text	   *data = PG_GETARG_TEXT_PP(0);
	size_t		n = VARSIZE_ANY_EXHDR(data);
	bytea	   *result = palloc(VARHDRSZ + b64url_decoded_max(n));
	size_t		len;

	if (!b64url_decode_lenient(VARDATA_ANY(data), n, (uint8 *) VARDATA(result), &len))
		PG_RETURN_NULL();
	SET_VARSIZE(result, VARHDRSZ + len);
	PG_RETURN_BYTEA_P(result);
}
