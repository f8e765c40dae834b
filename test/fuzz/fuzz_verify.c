/*
 * fuzz_verify.c — libFuzzer harness over jws_verify() and the claims checks
 *
 * Input: one byte of choices, then the token text. The low three bits of
 * the first byte pick the algorithm and its fixed key (fuzz_keys.h);
 * FUZZ_SHORT_KEY verifies HMAC tokens with the secret "secret" in pgjwt
 * mode; FUZZ_RESIGN replaces whatever follows the last dot with a correct
 * signature first, so that mutated headers and payloads also reach the
 * checks that come after the signature.
 *
 * Besides "no crash, no leak", the harness aborts when the core breaks a
 * promise:
 * - a verified token's segments re-encode to the very text they came from
 *   (strict base64url: one encoding per byte string);
 * - with a good key, verification fails only with a token status;
 * - the claims checks fail only with token statuses, and claims made ready
 *   for signing (jwt_claims_prepare) are judged exactly as the original.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "claims.h"
#include "crypto.h"
#include "fuzz_keys.h"
#include "jws.h"
#include "keys.h"

static jwt_key *keys[8];
static jwt_key *short_key;

/* abort with a message naming the broken promise: libFuzzer keeps the input */
static void
fail(const char *what, jwt_status st)
{
	fprintf(stderr, "fuzz_verify: %s (%s)\n", what, jwt_status_name(st));
	abort();
}

static void
load_keys(void)
{
	jwt_status	st;

	for (int i = 0; i < 8; i++)
	{
		const char *jwk = fuzz_choices[i].jwk;

		st = jwk ? jwt_key_from_jwk(jwk, strlen(jwk), &keys[i]) :
			jwt_key_from_secret((const uint8_t *) FUZZ_HMAC_SECRET, 64, &keys[i]);
		if (st != JWT_OK)
			fail("a fixed key does not load", st);
	}
	if ((st = jwt_key_from_secret((const uint8_t *) "secret", 6, &short_key)) != JWT_OK)
		fail("the short secret does not load", st);
}

/* text with its signature replaced by key's over everything before the last dot; malloc'd */
static char *
resign(jwt_key *key, jws_alg alg, const char *text, size_t len, size_t *out_len)
{
	size_t		input_len = len;
	uint8_t		sig[JWT_MAX_SIG_LEN];
	size_t		sig_len;
	char	   *t;

	while (input_len > 0 && text[input_len - 1] != '.')
		input_len--;
	input_len = input_len > 0 ? input_len - 1 : len;	/* no dot: sign it all */
	t = malloc(input_len + 1 + b64url_encoded_len(JWT_MAX_SIG_LEN));
	memcpy(t, text, input_len);
	t[input_len] = '.';
	*out_len = input_len + 1;
	if (jwt_crypto_sign(key, alg, (const uint8_t *) text, input_len, sig, &sig_len) == JWT_OK)
		*out_len += b64url_encode(sig, sig_len, t + input_len + 1);
	return t;
}

/* a verified token's header and payload are the canonical encoding of their bytes */
static void
check_canonical(const jws_token *tok, const char *text)
{
	char	   *enc = malloc(b64url_encoded_len(tok->header_len + tok->payload_len) + 8);
	size_t		n = b64url_encode(tok->header, tok->header_len, enc);

	enc[n++] = '.';
	n += b64url_encode(tok->payload, tok->payload_len, enc + n);
	if (n != tok->signing_input_len || memcmp(enc, text, n) != 0)
		fail("a verified token has a second encoding", JWT_OK);
	free(enc);
}

static void
expect_token_status(jwt_status st, const char *what)
{
	if (st != JWT_OK && !JWT_STATUS_IS_TOKEN(st) && st != JWT_NOMEM)
		fail(what, st);
}

/* the claims under a few rule sets; minified claims must be judged the same */
static void
check_claims(const uint8_t *payload, size_t len)
{
	static const jwt_claim_rules rules[] = {
		{.now = 1700000000, .leeway = 30},
		{.now = 1300819379, .audience = "api", .audience_len = 3, .issuer = "joe", .issuer_len = 3},
		{.now = 1e300, .pgjwt = true},
	};
	char	   *minified = malloc(len ? len : 1);
	size_t		mlen;
	bool		prepared = jwt_claims_prepare((const char *) payload, len, minified, &mlen) == JWT_OK;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
	{
		const char *claim,
				   *mclaim;
		jwt_status	st = jwt_claims_check((const char *) payload, len, &rules[i], &claim);

		expect_token_status(st, "claims fail with a status that is not about the token");
		if (prepared &&
			(jwt_claims_check(minified, mlen, &rules[i], &mclaim) != st || claim != mclaim))
			fail("minified claims are judged differently", st);
	}
	expect_token_status(jwt_claims_parse((const char *) payload, len, NULL), "claims parse");
	free(minified);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jws_alg		alg;
	jwt_key    *key;
	bool		pgjwt;
	char	   *text;
	size_t		len;
	jws_token	tok;
	jwt_status	st;

	if (keys[0] == NULL)
		load_keys();
	if (size < 1)
		return 0;
	alg = fuzz_choices[data[0] & 7].alg;
	pgjwt = (data[0] & FUZZ_SHORT_KEY) && jws_alg_family(alg) == JWS_FAMILY_HMAC;
	key = pgjwt ? short_key : keys[data[0] & 7];
	if (data[0] & FUZZ_RESIGN)
		text = resign(key, alg, (const char *) data + 1, size - 1, &len);
	else
	{
		/* a copy of exactly the token's bytes, so reading past them is caught */
		len = size - 1;
		text = malloc(len ? len : 1);
		memcpy(text, data + 1, len);
	}

	st = jws_verify(text, len, key, alg, pgjwt, &tok);
	expect_token_status(st, "a good key's verification fails with a status not about the token");
	if (st == JWT_OK)
	{
		check_canonical(&tok, text);
		if (tok.signature_len == 0)
			fail("a token without a signature verifies", st);
		jws_token_free(&tok);
	}

	/* parsing alone: the header rules, kid, and the claims of any payload */
	if (jws_parse(text, len, &tok) == JWT_OK)
	{
		char	   *kid;
		size_t		kid_len;

		expect_token_status(jws_check_header(&tok, alg), "header check");
		if (jws_kid(&tok, &kid, &kid_len) == JWT_OK)
			free(kid);
		check_claims(tok.payload, tok.payload_len);
	}
	jws_token_free(&tok);
	free(text);
	return 0;
}
