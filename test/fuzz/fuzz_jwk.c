/*
 * fuzz_jwk.c — libFuzzer harness over key import: jwt_key_from_jwk(), and
 * with the same bytes jwt_key_from_jwks(), jwt_jwks_keys() (an issuer's
 * set) and jwt_key_from_text() (PEM)
 *
 * Input: JSON (or PEM) text. Every key the core accepts is put to work, and
 * the harness aborts when a promise breaks:
 * - a key that passes jwt_key_check() for signing signs a token that the
 *   same key then verifies;
 * - an asymmetric key exports a public JWK that imports again, as a key
 *   without a private part, and verifies that same token;
 * - an issuer's public set holds no private key and no secret, and its
 *   keys verify what they could sign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jws.h"
#include "keys.h"

static void
fail(const char *what, jws_alg alg, jwt_status st)
{
	fprintf(stderr, "fuzz_jwk: %s (%s: %s)\n", what, jws_alg_name(alg), jwt_status_name(st));
	abort();
}

/* the public half of key, through its JWK, verifies token */
static void
check_public_half(const jwt_key *key, jws_alg alg, const char *token, size_t len)
{
	char	   *json;
	size_t		json_len;
	jwt_key    *pub;
	jws_token	tok;
	jwt_status	st;

	if ((st = jwt_key_public_jwk(key, &json, &json_len)) != JWT_OK)
		fail("an asymmetric key exports no public JWK", alg, st);
	if ((st = jwt_key_from_jwk(json, json_len, &pub)) != JWT_OK)
		fail("an exported public JWK does not import", alg, st);
	if (pub->has_private)
		fail("an exported public JWK carries a private key", alg, st);
	if ((st = jws_verify(token, len, pub, alg, false, &tok)) != JWT_OK)
		fail("the public half does not verify what the key signed", alg, st);
	jws_token_free(&tok);
	jwt_key_free(pub);
	free(json);
}

/* sign a small token with the first algorithm of each family the key may sign with */
static void
exercise(jwt_key *key)
{
	jws_family	done = 0;

	for (int a = JWS_ALG_INVALID + 1; a < JWS_ALG_COUNT; a++)
	{
		jws_alg		alg = (jws_alg) a;
		char	   *token;
		size_t		len;
		jws_token	tok;
		jwt_status	st;

		(void) jwt_key_check(key, alg, JWT_OP_VERIFY, false);
		if (jws_alg_family(alg) == done ||
			jwt_key_check(key, alg, JWT_OP_SIGN, true) != JWT_OK ||
			jwt_key_check(key, alg, JWT_OP_VERIFY, true) != JWT_OK)
			continue;
		done = jws_alg_family(alg);
		if ((st = jws_sign(key, alg, "JWT", "{\"kid\":\"k\"}", 11, (const uint8_t *) "{}", 2,
						   true, &token, &len)) != JWT_OK)
			fail("a key fit to sign does not sign", alg, st);
		if ((st = jws_verify(token, len, key, alg, true, &tok)) != JWT_OK)
			fail("a key does not verify its own token", alg, st);
		jws_token_free(&tok);
		if (key->type != JWT_KEY_OCT)
			check_public_half(key, alg, token, len);
		free(token);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly these bytes, so reading past them is caught */
	char	   *text = malloc(size ? size : 1);
	jwt_key    *key = NULL;

	memcpy(text, data, size);
	if (jwt_key_from_jwk(text, size, &key) == JWT_OK)
		exercise(key);
	jwt_key_free(key);
	key = NULL;
	if (jwt_key_from_jwks(text, size, NULL, 0, &key) == JWT_OK)
		exercise(key);
	jwt_key_free(key);
	key = NULL;
	if (jwt_key_from_jwks(text, size, "a", 1, &key) == JWT_OK)
		exercise(key);
	jwt_key_free(key);
	key = NULL;
	if (jwt_key_from_text(text, size, &key) == JWT_OK)
		exercise(key);
	jwt_key_free(key);
	(void) jwt_jwk_is_set(text, size);
	for (int secret = 0; secret <= 1; secret++)
	{
		jwt_key_list list;

		if (jwt_jwks_keys(text, size, secret, &list) != JWT_OK)
			continue;
		for (size_t i = 0; i < list.n; i++)
		{
			if (list.keys[i]->type != JWT_KEY_OCT && list.keys[i]->has_private)
				fail("an issuer's set holds a private key", JWS_ALG_INVALID, JWT_OK);
			if (!secret && list.keys[i]->type == JWT_KEY_OCT)
				fail("an issuer's public set holds a secret", JWS_ALG_INVALID, JWT_OK);
			exercise(list.keys[i]);
		}
		jwt_key_list_free(&list);
	}
	free(text);
	return 0;
}
