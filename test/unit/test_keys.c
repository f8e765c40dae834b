/*
 * test_keys.c — keys: HMAC secrets, JWKs, and the checks that bind a key
 * to what it may do
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "forge.h"
#include "keys.h"
#include "unit.h"

/* the "k" of the HMAC key in RFC 7515 appendix A.1: 64 bytes */
#define A1_K \
	"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"

/* 64 bytes: long enough for every HMAC algorithm */
#define SECRET_64 "a secret of sixty-four bytes, long enough for HS256, 384 and 512"

static const jws_alg hmac_algs[] = {JWS_HS256, JWS_HS384, JWS_HS512};

static jwt_status
jwk(const char *text, jwt_key **key)
{
	return jwt_key_from_jwk(text, strlen(text), key);
}

/* the A.1 key as a JWK with more members after "k" (members: "" or ",\"use\":...") */
static jwt_status
a1_jwk_with(const char *members, jwt_key **key)
{
	char		text[512];

	snprintf(text, sizeof(text), "{\"kty\":\"oct\",\"k\":\"" A1_K "\"%s}", members);
	return jwk(text, key);
}

/* jwt_key_check() of a raw secret, for one algorithm and operation */
static jwt_status
check_secret(const char *secret, size_t len, jws_alg alg, jwt_key_op op, bool allow_short)
{
	jwt_key    *key;
	jwt_status	st = jwt_key_from_secret((const uint8_t *) secret, len, &key);

	if (st != JWT_OK)
		return st;
	st = jwt_key_check(key, alg, op, allow_short);
	jwt_key_free(key);
	return st;
}

static void
hmac_key_shorter_than_the_hash_is_refused(void)
{
	for (size_t i = 0; i < 3; i++)
	{
		jws_alg		alg = hmac_algs[i];
		size_t		len = jws_alg_hash_len(alg);

		CHECK_STATUS(check_secret(SECRET_64, len - 1, alg, JWT_OP_VERIFY, false), JWT_KEY_SHORT);
		CHECK_STATUS(check_secret(SECRET_64, len - 1, alg, JWT_OP_SIGN, false), JWT_KEY_SHORT);
		CHECK_STATUS(check_secret(SECRET_64, len, alg, JWT_OP_VERIFY, false), JWT_OK);
		CHECK_STATUS(check_secret(SECRET_64, len, alg, JWT_OP_SIGN, false), JWT_OK);
	}
	CHECK_STATUS(check_secret("", 0, JWS_HS256, JWT_OP_VERIFY, false), JWT_KEY_SHORT);
}

static void
short_hmac_key_is_allowed_for_pgjwt_compatibility(void)
{
	CHECK_STATUS(check_secret("secret", 6, JWS_HS256, JWT_OP_VERIFY, true), JWT_OK);
	CHECK_STATUS(check_secret("secret", 6, JWS_HS512, JWT_OP_SIGN, true), JWT_OK);
	CHECK_STATUS(check_secret("", 0, JWS_HS256, JWT_OP_SIGN, true), JWT_OK);
}

/* every text must be refused as an HMAC secret, for both operations, short or not */
static void
check_all_refused_as_public(const char *const *texts, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		size_t		len = strlen(texts[i]);

		if (!CHECK_STATUS(check_secret(texts[i], len, JWS_HS256, JWT_OP_VERIFY, false),
						  JWT_KEY_IS_PUBLIC) ||
			!CHECK_STATUS(check_secret(texts[i], len, JWS_HS256, JWT_OP_SIGN, true),
						  JWT_KEY_IS_PUBLIC))
			printf("#   case %zu\n", i);
	}
}

static void
pem_looking_secret_is_refused(void)
{
	static const char *const pems[] = {
		"-----BEGIN PUBLIC KEY-----\n"
		"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7\n"
		"6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n"
		"-----END PUBLIC KEY-----\n",
		"\n \t-----BEGIN RSA PUBLIC KEY-----\nMEgCQQC...\n-----END RSA PUBLIC KEY-----",
		"-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n",
		"key: -----BEGIN PUBLIC KEY-----",	/* armour anywhere in the text */
		"-----BEGIN",							/* short: refused as public, not as short */
	};

	check_all_refused_as_public(pems, sizeof(pems) / sizeof(pems[0]));
}

static void
jwk_looking_secret_is_refused(void)
{
	static const char *const jwks[] = {
		"{\"kty\":\"RSA\",\"e\":\"AQAB\","
		"\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEz\"}",
		"  {\"e\":\"AQAB\", \"kty\" : \"EC\", \"crv\":\"P-256\"}",
		"{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
		"\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}",
	};

	check_all_refused_as_public(jwks, sizeof(jwks) / sizeof(jwks[0]));
}

static void
ssh_public_key_secret_is_refused(void)
{
	static const char *const keys[] = {
		"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ0b2tlbi1rZXktZm9yLXRlc3RpbmctMTIz user@host",
		"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBA==",
		"ssh-dss AAAAB3NzaC1kc3MAAACBAP",
		"\nssh-ed448 AAAACXNzaC1lZDQ0OAAAADl",
	};

	check_all_refused_as_public(keys, sizeof(keys) / sizeof(keys[0]));
}

static void
ordinary_secret_mentioning_key_words_is_accepted(void)
{
	static const char *const secrets[] = {
		"my ssh-rsa and ecdsa-sha2- and \"kty\" secret, long enough for any HMAC hash",
		"{\"kid\":\"not a key type\",\"note\":\"a JSON object without kty is just bytes\"}",
		"----BEGIN is one dash short of PEM armour, so this is a plain secret text",
	};

	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		CHECK_STATUS(check_secret(secrets[i], strlen(secrets[i]), JWS_HS512, JWT_OP_VERIFY,
								  false), JWT_OK);
}

static void
key_check_refuses_unknown_algorithms(void)
{
	CHECK_STATUS(check_secret(SECRET_64, 64, JWS_ALG_INVALID, JWT_OP_VERIFY, false),
				 JWT_ALG_UNKNOWN);
	CHECK_STATUS(check_secret(SECRET_64, 64, JWS_ALG_COUNT, JWT_OP_SIGN, false),
				 JWT_ALG_UNKNOWN);
}

static void
key_from_text_keeps_the_text_bytes(void)
{
	jwt_key    *key;

	if (!CHECK_STATUS(jwt_key_from_text("s\0cret", 6, &key), JWT_OK))
		return;
	CHECK(key->type == JWT_KEY_OCT);
	CHECK_MEM(key->secret, key->secret_len, "s\0cret", 6);
	CHECK(key->alg == JWS_ALG_INVALID);
	CHECK(key->ops == (JWT_OP_SIGN | JWT_OP_VERIFY));
	jwt_key_free(key);
}

static void
oct_jwk_gives_the_decoded_secret(void)
{
	jwt_key    *key;
	char		k[100];

	if (!CHECK_STATUS(a1_jwk_with("", &key), JWT_OK))
		return;
	CHECK(key->type == JWT_KEY_OCT);
	CHECK(key->secret_len == 64);
	CHECK_MEM(key->secret, 4, "\x03\x23\x35\x4b", 4);
	CHECK_TEXT(k, b64url_encode(key->secret, key->secret_len, k), A1_K);
	CHECK(key->alg == JWS_ALG_INVALID);
	CHECK(key->ops == (JWT_OP_SIGN | JWT_OP_VERIFY));
	CHECK(key->kid == NULL);
	jwt_key_free(key);
}

static void
jwk_keeps_its_kid_and_alg(void)
{
	/* RFC 7520 section 3.5 (the key of section 4.4) */
	static const char text[] =
		"{\"kty\":\"oct\",\"kid\":\"018c0ae5-4d9b-471b-bfd6-eef314bc7037\",\"use\":\"sig\","
		"\"alg\":\"HS256\",\"k\":\"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg\"}";
	jwt_key    *key;

	if (!CHECK_STATUS(jwk(text, &key), JWT_OK))
		return;
	CHECK(key->kid != NULL && strcmp(key->kid, "018c0ae5-4d9b-471b-bfd6-eef314bc7037") == 0);
	CHECK(key->alg == JWS_HS256);
	CHECK(key->secret_len == 32);
	CHECK_STATUS(jwt_key_check(key, JWS_HS256, JWT_OP_VERIFY, false), JWT_OK);
	jwt_key_free(key);
}

static void
jwk_for_encryption_is_refused(void)
{
	jwt_key    *key = (jwt_key *) 1;

	CHECK_STATUS(a1_jwk_with(",\"use\":\"enc\"", &key), JWT_KEY_USE);
	CHECK(key == NULL);
	CHECK_STATUS(a1_jwk_with(",\"use\":\"SIG\"", &key), JWT_KEY_USE);
	CHECK_STATUS(a1_jwk_with(",\"use\":1", &key), JWT_KEY_INVALID);
	if (CHECK_STATUS(a1_jwk_with(",\"use\":\"sig\"", &key), JWT_OK))
		jwt_key_free(key);
}

/* the statuses of checking the A.1 key with these key_ops for signing and for verifying */
static void
check_key_ops(const char *ops, jwt_status sign, jwt_status verify)
{
	char		members[128];
	jwt_key    *key;

	snprintf(members, sizeof(members), ",\"key_ops\":%s", ops);
	if (!CHECK_STATUS(a1_jwk_with(members, &key), JWT_OK))
		return;
	if (!CHECK_STATUS(jwt_key_check(key, JWS_HS256, JWT_OP_SIGN, false), sign) ||
		!CHECK_STATUS(jwt_key_check(key, JWS_HS256, JWT_OP_VERIFY, false), verify))
		printf("#   key_ops %s\n", ops);
	jwt_key_free(key);
}

static void
jwk_key_ops_limit_what_the_key_may_do(void)
{
	check_key_ops("[\"sign\"]", JWT_OK, JWT_KEY_USE);
	check_key_ops("[\"verify\"]", JWT_KEY_USE, JWT_OK);
	check_key_ops("[\"verify\",\"sign\"]", JWT_OK, JWT_OK);
	check_key_ops("[]", JWT_KEY_USE, JWT_KEY_USE);
	check_key_ops("[\"encrypt\",\"wrapKey\"]", JWT_KEY_USE, JWT_KEY_USE);
	check_key_ops("[\"Verify\"]", JWT_KEY_USE, JWT_KEY_USE);
}

static void
jwk_with_malformed_key_ops_is_invalid(void)
{
	jwt_key    *key;

	CHECK_STATUS(a1_jwk_with(",\"key_ops\":\"verify\"", &key), JWT_KEY_INVALID);
	CHECK_STATUS(a1_jwk_with(",\"key_ops\":[\"verify\",1]", &key), JWT_KEY_INVALID);
	CHECK_STATUS(a1_jwk_with(",\"key_ops\":{\"verify\":true}", &key), JWT_KEY_INVALID);
}

static void
jwk_alg_binds_the_key_to_that_algorithm(void)
{
	jwt_key    *key;

	if (!CHECK_STATUS(a1_jwk_with(",\"alg\":\"HS384\"", &key), JWT_OK))
		return;
	CHECK(key->alg == JWS_HS384);
	CHECK_STATUS(jwt_key_check(key, JWS_HS256, JWT_OP_VERIFY, false), JWT_KEY_ALG_MISMATCH);
	CHECK_STATUS(jwt_key_check(key, JWS_HS512, JWT_OP_SIGN, false), JWT_KEY_ALG_MISMATCH);
	CHECK_STATUS(jwt_key_check(key, JWS_HS384, JWT_OP_VERIFY, false), JWT_OK);
	jwt_key_free(key);
}

static void
jwk_alg_must_suit_the_key_type(void)
{
	jwt_key    *key = (jwt_key *) 1;

	CHECK_STATUS(a1_jwk_with(",\"alg\":\"RS256\"", &key), JWT_KEY_ALG_MISMATCH);
	CHECK(key == NULL);
	CHECK_STATUS(a1_jwk_with(",\"alg\":\"ES256\"", &key), JWT_KEY_ALG_MISMATCH);
	CHECK_STATUS(a1_jwk_with(",\"alg\":\"EdDSA\"", &key), JWT_KEY_ALG_MISMATCH);
}

static void
jwk_with_unknown_alg_is_refused(void)
{
	jwt_key    *key;

	CHECK_STATUS(a1_jwk_with(",\"alg\":\"none\"", &key), JWT_ALG_NONE);
	CHECK_STATUS(a1_jwk_with(",\"alg\":\"hs256\"", &key), JWT_ALG_UNKNOWN);
	CHECK_STATUS(a1_jwk_with(",\"alg\":\"\"", &key), JWT_ALG_UNKNOWN);
	CHECK_STATUS(a1_jwk_with(",\"alg\":256", &key), JWT_KEY_INVALID);
	CHECK(key == NULL);
}

static void
jwk_of_another_key_type_is_unsupported(void)
{
	jwt_key    *key;

	CHECK_STATUS(jwk("{\"kty\":\"OCT\",\"k\":\"" A1_K "\"}", &key), JWT_KEY_UNSUPPORTED);
	CHECK_STATUS(jwk("{\"kty\":\"sym\",\"k\":\"" A1_K "\"}", &key), JWT_KEY_UNSUPPORTED);
	CHECK_STATUS(jwk("{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"x\":\"AA\",\"y\":\"AA\"}", &key),
				 JWT_KEY_UNSUPPORTED);
	/* an X25519 key agrees on secrets; it does not sign */
	CHECK_STATUS(jwk("{\"kty\":\"OKP\",\"crv\":\"X25519\","
					 "\"x\":\"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo\"}", &key),
				 JWT_KEY_UNSUPPORTED);
	CHECK(key == NULL);
}

static void
malformed_jwk_is_invalid(void)
{
	static const char *const texts[] = {
		"", "not json", "[]", "\"oct\"", "{}",
		"{\"k\":\"" A1_K "\"}",								/* no kty */
		"{\"kty\":1,\"k\":\"" A1_K "\"}",
		"{\"kty\":\"oct\"}",									/* no k */
		"{\"kty\":\"oct\",\"k\":1}",
		"{\"kty\":\"oct\",\"k\":\"" A1_K "==\"}",				/* padded */
		"{\"kty\":\"oct\",\"k\":\"AyM1+ysP\"}",				/* standard alphabet */
		"{\"kty\":\"oct\",\"k\":\"AB\"}",						/* stray bits */
		"{\"kty\":\"oct\",\"k\":\"\\u0041yM1\"}",				/* escaped */
		"{\"kty\":\"oct\",\"kty\":\"oct\",\"k\":\"" A1_K "\"}",	/* duplicate name */
		"{\"kty\":\"oct\",\"k\":\"" A1_K "\",\"kid\":7}",
		"{\"kty\":\"oct\",\"k\":\"" A1_K "\"} x",
	};
	jwt_key    *key = NULL;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!CHECK_STATUS(jwk(texts[i], &key), JWT_KEY_INVALID) || !CHECK(key == NULL))
			unit_diag("text", texts[i]);
}

static void
jwk_whose_secret_looks_like_a_public_key_is_refused(void)
{
	static const char pem[] = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n";
	char	   *k = forge_b64(pem, strlen(pem));
	char		text[256];
	jwt_key    *key;

	snprintf(text, sizeof(text), "{\"kty\":\"oct\",\"k\":\"%s\"}", k);
	if (CHECK_STATUS(jwk(text, &key), JWT_OK))
	{
		CHECK_STATUS(jwt_key_check(key, JWS_HS256, JWT_OP_VERIFY, false), JWT_KEY_IS_PUBLIC);
		jwt_key_free(key);
	}
	free(k);
}

void
keys_tests(void)
{
	RUN(hmac_key_shorter_than_the_hash_is_refused);
	RUN(short_hmac_key_is_allowed_for_pgjwt_compatibility);
	RUN(pem_looking_secret_is_refused);
	RUN(jwk_looking_secret_is_refused);
	RUN(ssh_public_key_secret_is_refused);
	RUN(ordinary_secret_mentioning_key_words_is_accepted);
	RUN(key_check_refuses_unknown_algorithms);
	RUN(key_from_text_keeps_the_text_bytes);
	RUN(oct_jwk_gives_the_decoded_secret);
	RUN(jwk_keeps_its_kid_and_alg);
	RUN(jwk_for_encryption_is_refused);
	RUN(jwk_key_ops_limit_what_the_key_may_do);
	RUN(jwk_with_malformed_key_ops_is_invalid);
	RUN(jwk_alg_binds_the_key_to_that_algorithm);
	RUN(jwk_alg_must_suit_the_key_type);
	RUN(jwk_with_unknown_alg_is_refused);
	RUN(jwk_of_another_key_type_is_unsupported);
	RUN(malformed_jwk_is_invalid);
	RUN(jwk_whose_secret_looks_like_a_public_key_is_refused);
}
