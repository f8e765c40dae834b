/*
 * claims.c — checking a JWT's registered claims
 */
#include "claims.h"

#include <stddef.h>
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

/* the registered claims of a payload: the token of each one's value, 0 when absent */
typedef struct registered
{
	uint32_t	exp,
				nbf,
				iat,
				iss,
				sub,
				jti,
				aud;
} registered;

/* one pass over the payload's members (names compared once unescaped) */
static void
find_registered(const json_doc *doc, registered *r)
{
	static const struct
	{
		char		name[4];
		size_t		offset;
	}			names[] = {
		{"exp", offsetof(registered, exp)}, {"nbf", offsetof(registered, nbf)},
		{"iat", offsetof(registered, iat)}, {"iss", offsetof(registered, iss)},
		{"sub", offsetof(registered, sub)}, {"jti", offsetof(registered, jti)},
		{"aud", offsetof(registered, aud)},
	};
	uint32_t	k = 1;

	memset(r, 0, sizeof(*r));
	for (uint32_t i = 0; i < doc->toks[0].size; i++, k = doc->toks[k + 1].next)
	{
		const json_tok *t = &doc->toks[k];
		const char *name = doc->text + t->start;
		char		buf[18];		/* three characters, each escaped as \uXXXX */

		if (t->escaped)
		{
			if (t->len > sizeof(buf) || json_string_decode(doc, k, buf) != 3)
				continue;
			name = buf;
		}
		else if (t->len != 3)
			continue;
		for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (memcmp(name, names[j].name, 3) == 0)
			{
				*(uint32_t *) ((char *) r + names[j].offset) = k + 1;
				break;
			}
	}
}

/* a time claim, if present (v != 0), as a finite number */
static jwt_status
time_claim(const json_doc *doc, uint32_t v, bool *present, double *value)
{
	*present = v != 0;
	if (*present && !json_number_value(doc, v, value))
		return JWT_TOKEN_CLAIM_TYPE;
	return JWT_OK;
}

/* is the string token one of the audiences the rules expect? */
static bool
expected_audience(const json_doc *doc, uint32_t v, const jwt_claim_rules *rules)
{
	if (rules->audience && json_string_eq(doc, v, rules->audience, rules->audience_len))
		return true;
	for (size_t i = 0; i < rules->naudiences; i++)
		if (json_string_eq(doc, v, rules->audiences[i].s, rules->audiences[i].len))
			return true;
	return false;
}

/* the "aud" claim: its shape, and whether it names an expected audience */
static jwt_status
check_audience(const json_doc *doc, uint32_t v, const jwt_claim_rules *rules, const char **claim)
{
	bool		match = false;
	bool		expects = rules->audience != NULL || rules->naudiences > 0;

	*claim = "aud";
	if (v == 0)
		return expects && !rules->any_audience ? JWT_TOKEN_AUDIENCE_MISSING : JWT_OK;
	if (doc->toks[v].type == JSON_STRING)
		match = expected_audience(doc, v, rules);
	else if (doc->toks[v].type == JSON_ARRAY)
	{
		uint32_t	e = v + 1;

		for (uint32_t i = 0; i < doc->toks[v].size; i++, e = doc->toks[e].next)
		{
			if (doc->toks[e].type != JSON_STRING)
				return JWT_TOKEN_CLAIM_TYPE;
			if (expected_audience(doc, e, rules))
				match = true;
		}
	}
	else
		return JWT_TOKEN_CLAIM_TYPE;
	return match || rules->any_audience ? JWT_OK : JWT_TOKEN_AUDIENCE;
}

jwt_status
jwt_claims_check_doc(const json_doc *doc, const jwt_claim_rules *rules, const char **claim)
{
	registered	r;
	bool		present;
	double		t;
	jwt_status	st;

	find_registered(doc, &r);
	*claim = "exp";
	if ((st = time_claim(doc, r.exp, &present, &t)) != JWT_OK)
		return st;
	if (present && rules->now >= t + rules->leeway)
		return JWT_TOKEN_EXPIRED;
	if (!present && rules->require_exp)
		return JWT_TOKEN_EXP_MISSING;
	*claim = "nbf";
	if ((st = time_claim(doc, r.nbf, &present, &t)) != JWT_OK)
		return st;
	if (present && rules->now + rules->leeway < t)
		return JWT_TOKEN_NOT_YET_VALID;
	*claim = NULL;
	if (rules->pgjwt)
		return JWT_OK;

	*claim = "iat";
	if ((st = time_claim(doc, r.iat, &present, &t)) != JWT_OK)
		return st;
	if (present && rules->now + rules->leeway < t)
		return JWT_TOKEN_ISSUED_IN_FUTURE;
	if (r.iss != 0 && doc->toks[r.iss].type != JSON_STRING)
	{
		*claim = "iss";
		return JWT_TOKEN_CLAIM_TYPE;
	}
	if (r.sub != 0 && doc->toks[r.sub].type != JSON_STRING)
	{
		*claim = "sub";
		return JWT_TOKEN_CLAIM_TYPE;
	}
	if (r.jti != 0 && doc->toks[r.jti].type != JSON_STRING)
	{
		*claim = "jti";
		return JWT_TOKEN_CLAIM_TYPE;
	}
	if ((st = check_audience(doc, r.aud, rules, claim)) != JWT_OK)
		return st;
	*claim = "iss";
	if (rules->issuer &&
		!(r.iss != 0 && json_string_eq(doc, r.iss, rules->issuer, rules->issuer_len)))
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
	st = jwt_claims_check_doc(&doc, rules, claim);
	json_free(&doc);
	return st;
}

jwt_status
jwt_claims_parse(const char *payload, size_t len, json_doc *doc)
{
	json_doc	own;
	jwt_status	st = parse_object(payload, len, doc ? doc : &own, JWT_TOKEN_PAYLOAD_JSON);

	if (st == JWT_OK && doc == NULL)
		json_free(&own);
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
