/*
 * tokens.c — SQL functions that sign, verify and decode tokens with a key
 * the caller passes
 */
#include "jwt_auth.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "b64url.h"
#include "claims.h"
#include "jws.h"

/* a core-allocated token as text, freed before anything can raise */
static text *
take_token(char *token, size_t len)
{
	text	   *result = cstring_to_text_with_len(token, (int) len);

	jwt_free(token);
	return result;
}

/* the extra header members of a jsonb argument, or NULL for none */
static char *
header_arg(FunctionCallInfo fcinfo, int argno, size_t *len)
{
	Jsonb	   *jb;
	char	   *s;

	if (PG_NARGS() <= argno)
		return NULL;
	jb = PG_GETARG_JSONB_P(argno);
	if (!JB_ROOT_IS_OBJECT(jb))
		jwt_auth_raise(JWT_HEADER_JSON, JWS_ALG_INVALID, NULL);
	if (JB_ROOT_COUNT(jb) == 0)
		return NULL;
	s = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	*len = strlen(s);
	return s;
}

/* sign with the key argument (argument 1, algorithm 2, extra header members 3) */
static text *
sign(FunctionCallInfo fcinfo, const char *typ, const uint8 *payload, size_t payload_len)
{
	jws_alg		alg = jwt_auth_alg_arg(fcinfo, 2);
	jwt_key    *key = jwt_auth_key_arg(fcinfo, 1);
	size_t		header_len = 0;
	char	   *header;
	char	   *token;
	size_t		len;

	if (key == NULL)
		jwt_auth_raise(JWT_KEY_SET_SIGN, alg, NULL);
	header = header_arg(fcinfo, 3, &header_len);
	jwt_auth_check(jws_sign(key, alg, typ, header, header_len, payload, payload_len,
							false, &token, &len), alg);
	return take_token(token, len);
}

/* sign a JWT with the active stored key, whose kid is in the header it keeps */
static text *
sign_stored(const uint8 *payload, size_t payload_len)
{
	jws_alg		alg;
	const char *header;
	size_t		header_len;
	jwt_key    *key = jwt_auth_signing_key(&alg, &header, &header_len);
	char	   *token;
	size_t		len;

	jwt_auth_check(jws_sign_encoded(key, alg, header, header_len, payload, payload_len,
									false, &token, &len), alg);
	return take_token(token, len);
}

/*
 * jwt_sign(payload json|jsonb|text, key text|bytea|jsonb, alg text, header jsonb) returns text
 * jwt_sign(payload json|jsonb|text) returns text: with the active stored key
 */
PG_FUNCTION_INFO_V1(jwt_auth_jwt_sign);
Datum
jwt_auth_jwt_sign(PG_FUNCTION_ARGS)
{
	size_t		len;
	char	   *json = jwt_auth_json_arg(fcinfo, 0, &len);
	char	   *claims = palloc(len + 1);
	size_t		claims_len;

	jwt_auth_check(jwt_claims_prepare(json, len, claims, &claims_len), JWS_ALG_INVALID);
	if (PG_NARGS() == 1)
		PG_RETURN_TEXT_P(sign_stored((const uint8 *) claims, claims_len));
	PG_RETURN_TEXT_P(sign(fcinfo, "JWT", (const uint8 *) claims, claims_len));
}

/* jws_sign(payload bytea, key text|bytea|jsonb, alg text, header jsonb) returns text */
PG_FUNCTION_INFO_V1(jwt_auth_jws_sign);
Datum
jwt_auth_jws_sign(PG_FUNCTION_ARGS)
{
	bytea	   *payload = PG_GETARG_BYTEA_PP(0);

	PG_RETURN_TEXT_P(sign(fcinfo, NULL, (const uint8 *) VARDATA_ANY(payload),
						  VARSIZE_ANY_EXHDR(payload)));
}

/* a key the token picked (by kid) that cannot serve is the token's fault */
static jwt_status
picked_key_fault(jwt_status st)
{
	if (st != JWT_OK && !JWT_STATUS_IS_TOKEN(st) && st != JWT_NOMEM && st != JWT_CRYPTO)
		return JWT_TOKEN_KEY_UNSUITABLE;
	return st;
}

/*
 * Verify a token (NULL: an SQL null) with the key argument and return its
 * payload bytes (palloc'd). Argument errors raise; a bad token returns its
 * status so jwt_valid can answer false.
 */
static jwt_status
verify(FunctionCallInfo fcinfo, text *token, char **payload, size_t *payload_len)
{
	bool		picked = false; /* the token chooses its key */
	jws_alg		alg = jwt_auth_alg_arg(fcinfo, 2);
	jwt_key    *key;
	const char *raw;
	jws_token	tok;
	jwt_status	st;

	/* a bad key or algorithm is the caller's error, whatever the token */
	if ((key = jwt_auth_key_arg(fcinfo, 1)) != NULL)
		jwt_auth_check(jwt_key_check(key, alg, JWT_OP_VERIFY, false), alg);
	else
		picked = true;			/* a JWK set: the token's kid picks the key */
	if (token == NULL)
		return JWT_TOKEN_NULL;
	raw = VARDATA_ANY(token);
	st = jws_parse(raw, VARSIZE_ANY_EXHDR(token), &tok);
	if (st == JWT_OK && key == NULL)
		st = jwt_auth_key_from_set(fcinfo, 1, &tok, &key);
	if (st == JWT_OK)
	{
		st = jws_verify_parsed(&tok, raw, key, alg, false);
		if (picked)
			st = picked_key_fault(st);
	}
	if (st == JWT_OK)
	{
		*payload = palloc(tok.payload_len + 1);
		memcpy(*payload, tok.payload, tok.payload_len);
		*payload_len = tok.payload_len;
	}
	jws_token_free(&tok);
	if (st != JWT_OK && !JWT_STATUS_IS_TOKEN(st))
		jwt_auth_raise(st, alg, NULL);
	return st;
}

/* an optional text argument (none without fcinfo), else the setting when it is not empty */
static const char *
text_or_setting(FunctionCallInfo fcinfo, int argno, const char *setting, size_t *len)
{
	if (fcinfo != NULL && PG_NARGS() > argno && !PG_ARGISNULL(argno))
	{
		text	   *t = PG_GETARG_TEXT_PP(argno);

		*len = VARSIZE_ANY_EXHDR(t);
		return VARDATA_ANY(t);
	}
	if (setting != NULL && setting[0] != '\0')
	{
		*len = strlen(setting);
		return setting;
	}
	return NULL;
}

static double
leeway_arg(FunctionCallInfo fcinfo, int argno)
{
	Interval   *span;
	double		seconds;

	if (fcinfo == NULL || PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return jwt_auth_leeway;
	span = PG_GETARG_INTERVAL_P(argno);
	seconds = (double) span->time / USECS_PER_SEC +
		((double) span->month * DAYS_PER_MONTH + span->day) * SECS_PER_DAY;
	if (seconds < 0)
		jwt_auth_raise(JWT_LEEWAY_NEGATIVE, JWS_ALG_INVALID, NULL);
	return seconds;
}

/* the token argument, or NULL for an SQL null */
static text *
token_arg(FunctionCallInfo fcinfo)
{
	return PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0);
}

/*
 * Verify the token with the key argument and its claims against the
 * rules; on JWT_OK doc holds them parsed (json_free it)
 */
static jwt_status
verify_claims(FunctionCallInfo fcinfo, text *token, const jwt_claim_rules *rules,
			  json_doc *doc, const char **claim)
{
	char	   *claims;
	size_t		len;
	jwt_status	st;

	*claim = NULL;
	if ((st = verify(fcinfo, token, &claims, &len)) != JWT_OK)
		return st;
	if ((st = jwt_claims_parse(claims, len, doc)) != JWT_OK)
		return st;
	if ((st = jwt_claims_check_doc(doc, rules, claim)) != JWT_OK)
		json_free(doc);
	return st;
}

/* the claim rules of jwt_verify's arguments 3 to 5, each defaulting to its setting (all of them without fcinfo) */
static jwt_claim_rules
rules_arg(FunctionCallInfo fcinfo)
{
	jwt_claim_rules rules = {0};

	rules.now = jwt_auth_now();
	rules.leeway = leeway_arg(fcinfo, 5);
	rules.audience = text_or_setting(fcinfo, 3, jwt_auth_audience, &rules.audience_len);
	rules.issuer = text_or_setting(fcinfo, 4, jwt_auth_issuer, &rules.issuer_len);
	return rules;
}

/* does the token name an issuer that is not jwt_auth's own (the setting jwt_auth.issuer)? */
static bool
names_other_issuer(const json_doc *claims)
{
	uint32_t	v;

	return json_find(claims, 0, "iss", &v) && claims->toks[v].type == JSON_STRING &&
		!(jwt_auth_issuer[0] != '\0' &&
		  json_string_eq(claims, v, jwt_auth_issuer, strlen(jwt_auth_issuer)));
}

/*
 * The key that verifies a token, and its algorithm: when the claims name a
 * registered issuer (*issuer set), one of that issuer's keys; else the
 * stored key the token's kid names (the active key when there is none).
 * Claims that do not parse name no issuer.
 */
static jwt_status
pick_key(const jws_token *tok, const json_doc *claims, const jwt_auth_other_issuer **issuer,
		 jws_alg *alg, jwt_key **key)
{
	char	   *kid;
	size_t		kid_len;
	jwt_status	st;

	*issuer = claims ? jwt_auth_issuer_of_doc(claims) : NULL;
	if (*issuer != NULL)
		return jwt_auth_issuer_key(issuer, tok, alg, key);
	if ((st = jws_kid(tok, &kid, &kid_len)) != JWT_OK)
		return st;
	st = strlen(kid ? kid : "") == kid_len ?
		jwt_auth_stored_key(kid, alg, key) : JWT_TOKEN_KID_UNKNOWN;
	jwt_free(kid);
	if (st == JWT_TOKEN_KID_UNKNOWN && claims && names_other_issuer(claims))
		st = JWT_TOKEN_ISSUER_UNKNOWN;
	return st;
}

/*
 * Verify a token with the stored keys, or with its registered issuer's
 * (*issuer set, else NULL), and check its claims against the rules (for
 * an issuer's token, with the issuer's audiences, leeway and exp
 * required); on JWT_OK *claims (unless claims is NULL) gets them as jsonb.
 * A token that verified before in this backend comes from the cache
 * (tokencache.c): nothing is decoded, parsed or verified again, only its
 * claims are checked, against the rules of this call. The claims are
 * parsed before the signature is checked, since their iss picks the keys;
 * a payload that does not parse is reported once the signature matched.
 */
static jwt_status
verify_stored_claims(text *token, const jwt_claim_rules *global_rules, Jsonb **claims,
					 jwt_auth_subject *subject, const char **claim,
					 const jwt_auth_other_issuer **issuer)
{
	jwt_auth_token_key cache_key;
	jwt_auth_cache_result found;
	const json_doc *cached_doc;
	Jsonb	   *cached;
	const jwt_auth_subject *cached_subject;
	jwt_claim_rules rules = *global_rules;
	const char *raw;
	jws_token	tok;
	json_doc	doc;
	jwt_status	parsed;
	jws_alg		alg = JWS_ALG_INVALID;
	jwt_key    *key;
	jwt_status	st;

	*claim = NULL;
	*issuer = NULL;
	if (token == NULL)
		return JWT_TOKEN_NULL;
	raw = VARDATA_ANY(token);
	found = jwt_auth_token_cache_find(raw, VARSIZE_ANY_EXHDR(token), rules.now,
									  &cache_key, &cached_doc, &cached,
									  subject != NULL ? &cached_subject : NULL);
	if (found == JWT_AUTH_CACHE_HIT)
	{
		if ((*issuer = jwt_auth_issuer_of_doc(cached_doc)) != NULL)
		{
			if (!jwt_auth_issuer_enabled(*issuer))
				return JWT_TOKEN_ISSUER_DISABLED;
			jwt_auth_issuer_rules(*issuer, &rules);
		}
		st = jwt_claims_check_doc(cached_doc, &rules, claim);
		if (st == JWT_TOKEN_EXPIRED)
			jwt_auth_token_cache_forget(&cache_key);
		if (st == JWT_OK && claims != NULL)
			*claims = memcpy(palloc(VARSIZE(cached)), cached, VARSIZE(cached));
		if (st == JWT_OK && subject != NULL)
			*subject = *cached_subject;
		return st;
	}
	if ((st = jws_parse(raw, VARSIZE_ANY_EXHDR(token), &tok)) != JWT_OK)
	{
		jws_token_free(&tok);
		return st;
	}
	parsed = jwt_claims_parse((const char *) tok.payload, tok.payload_len, &doc);
	st = pick_key(&tok, parsed == JWT_OK ? &doc : NULL, issuer, &alg, &key);
	if (st == JWT_OK)
		st = picked_key_fault(jws_verify_parsed(&tok, raw, key, alg, false));
	if (st == JWT_OK && (st = parsed) == JWT_OK)
	{
		if (*issuer != NULL)
			jwt_auth_issuer_rules(*issuer, &rules);
		if ((st = jwt_claims_check_doc(&doc, &rules, claim)) == JWT_OK &&
			(found == JWT_AUTH_CACHE_MISS || claims != NULL))
		{
			Jsonb	   *jb = DatumGetJsonbP(jwt_auth_jsonb_of(&doc));

			if (subject != NULL)
				jwt_auth_subject_of(jb, subject);
			if (found == JWT_AUTH_CACHE_MISS)
				jwt_auth_token_cache_add(&cache_key, &doc, tok.payload_len, jb, subject);
			if (claims != NULL)
				*claims = jb;
		}
	}
	if (parsed == JWT_OK)
		json_free(&doc);
	jws_token_free(&tok);
	if (st != JWT_OK && !JWT_STATUS_IS_TOKEN(st))
		jwt_auth_raise(st, alg, NULL);
	return st;
}

Jsonb *
jwt_auth_verify_stored(text *token, const jwt_auth_other_issuer **issuer,
					   jwt_auth_subject *subject)
{
	jwt_claim_rules rules = rules_arg(NULL);
	const jwt_auth_other_issuer *verified_by;
	Jsonb	   *claims;
	const char *claim;
	jwt_status	st = verify_stored_claims(token, &rules, &claims, subject, &claim, &verified_by);

	if (st != JWT_OK)
		jwt_auth_raise(st, JWS_ALG_INVALID, claim);
	if (issuer != NULL)
		*issuer = verified_by;
	return claims;
}

/*
 * jwt_verify(token text, key text|bytea|jsonb, alg text, audience text,
 *            issuer text, leeway interval) returns jsonb
 */
PG_FUNCTION_INFO_V1(jwt_auth_jwt_verify);
Datum
jwt_auth_jwt_verify(PG_FUNCTION_ARGS)
{
	jwt_claim_rules rules = rules_arg(fcinfo);
	json_doc	claims;
	const char *claim;
	jwt_status	st;

	if (PG_NARGS() == 1)
		PG_RETURN_JSONB_P(jwt_auth_verify_stored(token_arg(fcinfo), NULL, NULL));
	if ((st = verify_claims(fcinfo, token_arg(fcinfo), &rules, &claims, &claim)) != JWT_OK)
		jwt_auth_raise(st, JWS_ALG_INVALID, claim);
	PG_RETURN_DATUM(jwt_auth_jsonb_take(&claims));
}

/* jwt_valid(same arguments as jwt_verify) returns boolean */
PG_FUNCTION_INFO_V1(jwt_auth_jwt_valid);
Datum
jwt_auth_jwt_valid(PG_FUNCTION_ARGS)
{
	jwt_claim_rules rules = rules_arg(fcinfo);
	json_doc	claims;
	const char *claim;

	if (PG_NARGS() == 1)
	{
		const jwt_auth_other_issuer *issuer;

		PG_RETURN_BOOL(verify_stored_claims(token_arg(fcinfo), &rules, NULL, NULL, &claim, &issuer) == JWT_OK);
	}
	if (verify_claims(fcinfo, token_arg(fcinfo), &rules, &claims, &claim) != JWT_OK)
		PG_RETURN_BOOL(false);
	json_free(&claims);
	PG_RETURN_BOOL(true);
}

/* jws_verify(token text, key text|bytea|jsonb, alg text) returns bytea */
PG_FUNCTION_INFO_V1(jwt_auth_jws_verify);
Datum
jwt_auth_jws_verify(PG_FUNCTION_ARGS)
{
	char	   *payload;
	size_t		len;
	jwt_status	st = verify(fcinfo, token_arg(fcinfo), &payload, &len);
	bytea	   *result;

	if (st != JWT_OK)
		jwt_auth_raise(st, JWS_ALG_INVALID, NULL);
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), payload, len);
	PG_RETURN_BYTEA_P(result);
}

/* jwt_decode(token text, OUT header jsonb, OUT payload jsonb, OUT signature bytea) */
PG_FUNCTION_INFO_V1(jwt_auth_jwt_decode);
Datum
jwt_auth_jwt_decode(PG_FUNCTION_ARGS)
{
	text	   *token = PG_GETARG_TEXT_PP(0);
	jwt_auth_record r;
	jws_token	tok;
	jwt_status	st;
	char	   *header,
			   *payload;
	size_t		header_len,
				payload_len;
	json_doc	claims;
	bytea	   *signature;

	jwt_auth_record_init_result(&r, fcinfo);

	st = jws_parse(VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token), &tok);
	if (st != JWT_OK)
	{
		jws_token_free(&tok);
		jwt_auth_raise(st, JWS_ALG_INVALID, NULL);
	}
	/* copy out of the core's buffers before anything can raise */
	header = pnstrdup((const char *) tok.header, tok.header_len);
	header_len = tok.header_len;
	payload = pnstrdup((const char *) tok.payload, tok.payload_len);
	payload_len = tok.payload_len;
	signature = palloc(VARHDRSZ + tok.signature_len);
	SET_VARSIZE(signature, VARHDRSZ + tok.signature_len);
	memcpy(VARDATA(signature), tok.signature, tok.signature_len);
	jws_token_free(&tok);

	/* the payload must be a JSON object; its claims are shown, not judged */
	if ((st = jwt_claims_parse(payload, payload_len, &claims)) != JWT_OK)
		jwt_auth_raise(st, JWS_ALG_INVALID, NULL);

	jwt_auth_record_set(&r, "payload", jwt_auth_jsonb_take(&claims), false);
	jwt_auth_record_set(&r, "header", jwt_auth_jsonb(header, header_len), false);
	jwt_auth_record_set(&r, "signature", PointerGetDatum(signature), false);
	PG_RETURN_DATUM(jwt_auth_record_datum(&r));
}

/* base64url_encode(data bytea) returns text */
PG_FUNCTION_INFO_V1(jwt_auth_base64url_encode);
Datum
jwt_auth_base64url_encode(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	size_t		n = VARSIZE_ANY_EXHDR(data);
	text	   *result = palloc(VARHDRSZ + b64url_encoded_len(n));

	SET_VARSIZE(result, VARHDRSZ + b64url_encode((const uint8 *) VARDATA_ANY(data), n,
												 VARDATA(result)));
	PG_RETURN_TEXT_P(result);
}

/* base64url_decode(data text) returns bytea; strict */
PG_FUNCTION_INFO_V1(jwt_auth_base64url_decode);
Datum
jwt_auth_base64url_decode(PG_FUNCTION_ARGS)
{
	text	   *data = PG_GETARG_TEXT_PP(0);
	size_t		n = VARSIZE_ANY_EXHDR(data);
	bytea	   *result = palloc(VARHDRSZ + b64url_decoded_max(n));
	size_t		len;

	if (!b64url_decode(VARDATA_ANY(data), n, (uint8 *) VARDATA(result), &len))
		jwt_auth_raise(JWT_DATA_BASE64, JWS_ALG_INVALID, NULL);
	SET_VARSIZE(result, VARHDRSZ + len);
	PG_RETURN_BYTEA_P(result);
}
