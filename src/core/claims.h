/*
 * claims.h — JWT claims (RFC 7519 section 4.1): shape and checks
 *
 * Time claims must be finite JSON numbers, compared with the caller's clock
 * and leeway. "aud" is a string or an array of strings; when the token has
 * one, the caller must expect one of its values (RFC 7519 section 4.1.3).
 */
#ifndef JWT_AUTH_CLAIMS_H
#define JWT_AUTH_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "status.h"

/* a string with its length, not NUL-terminated */
typedef struct jwt_claim_string
{
	const char *s;
	size_t		len;
} jwt_claim_string;

typedef struct jwt_claim_rules
{
	double		now;			/* seconds since 1970-01-01 UTC */
	double		leeway;			/* seconds of clock skew allowed, >= 0 */
	const char *audience;		/* expected audience, or NULL */
	size_t		audience_len;
	const char *issuer;			/* expected issuer, or NULL: not checked */
	size_t		issuer_len;
	bool		pgjwt;			/* pgjwt's checks: only exp and nbf, no leeway */
	/* another issuer's rules (jwt_auth.issuers), instead of audience: */
	const jwt_claim_string *audiences;	/* one of these expected, unless any_audience */
	size_t		naudiences;
	bool		any_audience;	/* aud not checked (the issuer's owner said so) */
	bool		require_exp;	/* a token without exp is refused */
} jwt_claim_rules;

/*
 * Check a token's payload against the rules. On failure *claim names the
 * claim at fault when there is one (a static string), else NULL.
 */
extern jwt_status jwt_claims_check(const char *payload, size_t len,
								   const jwt_claim_rules *rules, const char **claim);

/* the same for a payload jwt_claims_parse has parsed */
extern jwt_status jwt_claims_check_doc(const json_doc *doc, const jwt_claim_rules *rules,
									   const char **claim);

/*
 * Is the payload a JSON object without duplicate names? (No claim is
 * judged.) With doc not NULL the parsed payload is left there on JWT_OK,
 * for the caller to json_free().
 */
extern jwt_status jwt_claims_parse(const char *payload, size_t len, json_doc *doc);

/*
 * Make claims ready to sign: they must be a JSON object without duplicate
 * names; out (room for len bytes) gets them without insignificant space.
 */
extern jwt_status jwt_claims_prepare(const char *json, size_t len, char *out, size_t *out_len);

#endif
