/*
 * claims.c — checking a JWT's registered claims
 */
#include "claims.h"

#include <string.h>

#include "json.h"

static jwt_status
parse_object(const char *text, size_t len, json_doc *doc, jwt_status not_json)
{
	switch (json_parse(text, len, doc))
	{
		case JSON_OK:
			if (doc->toks[0].type == JSON_OBJECT)
				return JWT_OK;
			json_free(doc);
			return not_json == JWT_PAYLOAD_JSON ? JWT_PAYLOAD_NOT_OBJECT : not_json;
		case JSON_ERR_DUPLICATE:
			return not_json == JWT_PAYLOAD_JSON ? JWT_PAYLOAD_DUPLICATE_NAME : JWT_TOKEN_DUPLICATE_NAME;
		case JSON_ERR_NOMEM:
			return JWT_NOMEM;
		default:
			return not_json;
	}
}

/* a time claim, if present, as a finite number */
static jwt_status
time_claim(const json_doc *doc, const char *name, bool *present, double *value)
{
	uint32_t	v;

	*present = json_find(doc, 0, name, &v);
	if (*present && !json_number_value(doc, v, value))
		return JWT_TOKEN_CLAIM_TYPE;
	return JWT_OK;
}

static bool
is_string_or_absent(const json_doc *doc, const char *name)
{
	uint32_t	v;

	return !json_find(doc, 0, name, &v) || doc->toks[v].type == JSON_STRING;
}

/* the "aud" claim: its shape, and whether it names the expected audience */
static jwt_status
check_audience(const json_doc *doc, const jwt_claim_rules *rules, const char **claim)
{
	uint32_t	v;
	bool		match = false;

	*claim = "aud";
	if (!json_find(doc, 0, "aud", &v))
		return rules->audience ? JWT_TOKEN_AUDIENCE : JWT_OK;
	if (doc->toks[v].type == JSON_STRING)
		match = rules->audience &&
			json_string_eq(doc, v, rules->audience, rules->audience_len);
	else if (doc->toks[v].type == JSON_ARRAY)
	{
		uint32_t	e = v + 1;

		for (uint32_t i = 0; i < doc->toks[v].size; i++, e = doc->toks[e].next)
		{
			if (doc->toks[e].type != JSON_STRING)
				return JWT_TOKEN_CLAIM_TYPE;
			if (rules->audience &&
				json_string_eq(doc, e, rules->audience, rules->audience_len))
				match = true;
		}
	}
	else
		return JWT_TOKEN_CLAIM_TYPE;
	return match ? JWT_OK : JWT_TOKEN_AUDIENCE;
}

static jwt_status
check(const json_doc *doc, const jwt_claim_rules *rules, const char **claim)
{
	static const char *strings[] = {"iss", "sub", "jti"};
	bool		present;
	double		t;
	jwt_status	st;
	uint32_t	v;

	*claim = "exp";
	if ((st = time_claim(doc, "exp", &present, &t)) != JWT_OK)
		return st;
	if (present && rules->now >= t + rules->leeway)
		return JWT_TOKEN_EXPIRED;
	*claim = "nbf";
	if ((st = time_claim(doc, "nbf", &present, &t)) != JWT_OK)
		return st;
	if (present && rules->now + rules->leeway < t)
		return JWT_TOKEN_NOT_YET_VALID;
	*claim = NULL;
	if (rules->pgjwt)
		return JWT_OK;

	*claim = "iat";
	if ((st = time_claim(doc, "iat", &present, &t)) != JWT_OK)
		return st;
	if (present && rules->now + rules->leeway < t)
		return JWT_TOKEN_ISSUED_IN_FUTURE;
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (!is_string_or_absent(doc, strings[i]))
		{
			*claim = strings[i];
			return JWT_TOKEN_CLAIM_TYPE;
		}
	if ((st = check_audience(doc, rules, claim)) != JWT_OK)
		return st;
	*claim = "iss";
	if (rules->issuer &&
		!(json_find(doc, 0, "iss", &v) &&
		  json_string_eq(doc, v, rules->issuer, rules->issuer_len)))
		return JWT_TOKEN_ISSUER;
	*claim = NULL;
	return JWT_OK;
}

jwt_status
jwt_claims_check(const char *payload, size_t len, const jwt_claim_rules *rules,
				 const char **claim)
{
	json_doc	doc;
	jwt_status	st = parse_object(payload, len, &doc, JWT_TOKEN_PAYLOAD_JSON);

	*claim = NULL;
	if (st != JWT_OK)
		return st;
	st = check(&doc, rules, claim);
	json_free(&doc);
	return st;
}

jwt_status
jwt_claims_parse(const char *payload, size_t len)
{
	json_doc	doc;
	jwt_status	st = parse_object(payload, len, &doc, JWT_TOKEN_PAYLOAD_JSON);

	if (st == JWT_OK)
		json_free(&doc);
	return st;
}

jwt_status
jwt_claims_prepare(const char *json, size_t len, char *out, size_t *out_len)
{
	json_doc	doc;
	jwt_status	st = parse_object(json, len, &doc, JWT_PAYLOAD_JSON);

	if (st != JWT_OK)
		return st;
	json_free(&doc);
	*out_len = json_minify(json, len, out);
	return JWT_OK;
}
