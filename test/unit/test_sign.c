/*
 * test_sign.c — signing: known answers, round trips through the verifier,
 * the header the signer writes, and the keys it refuses
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "forge.h"
#include "jws.h"
#include "unit.h"

#define SECRET_64 "a secret of sixty-four bytes, long enough for HS256, 384 and 512"

/*
 * {"alg":"HSnnn","typ":"JWT"} . {"sub":"1234567890","iat":1516239022} signed
 * with SECRET_64, computed outside jwt_auth (Python's hmac module)
 */
static const char known_payload[] = "{\"sub\":\"1234567890\",\"iat\":1516239022}";
static const struct
{
	jws_alg		alg;
	const char *token;
}			known[] = {
	{JWS_HS256,
		"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ"
	".GBAi7pIGO81UTSg73AA5XhRaBAewuWOnirVNlLC1EbE"},
	{JWS_HS384,
		"eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ"
	".SYbWmpvpp20lvLwybkl1-_K-vnK2Epkw_E93_CxckDHiHtcB_jl1gSMXs1dKpC4o"},
	{JWS_HS512,
		"eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ"
	".AyiY9KPJxuDjS9qEFqUhCkj3wWXiaiP6IC6aTxyuOpXTQNHesGHNgTA1d9jHOCigJjPxC5PYZ0Guf_QB74YzJA"},
};

/*
 * jws_sign() with SECRET_64 and HS256; on JWT_OK the header the signer
 * wrote goes to header[0..cap) as a NUL-terminated string
 */
static jwt_status
signed_header(const char *typ, const char *extra, char *header, size_t cap)
{
	jwt_key    *key = forge_key(SECRET_64);
	char	   *token = NULL;
	size_t		len;
	jws_token	tok;
	jwt_status	st;

	if (key == NULL)
		return JWT_KEY_INVALID;
	st = jws_sign(key, JWS_HS256, typ, extra, extra ? strlen(extra) : 0,
				  (const uint8_t *) "{}", 2, false, &token, &len);
	if (st == JWT_OK)
	{
		/* whatever the signer writes, its own verifier must take */
		st = jws_verify(token, len, key, JWS_HS256, false, &tok);
		if (st == JWT_OK)
		{
			snprintf(header, cap, "%.*s", (int) tok.header_len, (const char *) tok.header);
			jws_token_free(&tok);
		}
		free(token);
	}
	else
		CHECK(token == NULL);
	jwt_key_free(key);
	return st;
}

static void
signer_writes_the_known_tokens(void)
{
	jwt_key    *key = forge_key(SECRET_64);

	if (key == NULL)
		return;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
	{
		char	   *token;
		size_t		len;

		if (!CHECK_STATUS(jws_sign(key, known[i].alg, "JWT", NULL, 0,
								   (const uint8_t *) known_payload, strlen(known_payload),
								   false, &token, &len), JWT_OK))
			continue;
		CHECK_TEXT(token, len, known[i].token);
		CHECK(token[len] == '\0');
		free(token);
	}
	jwt_key_free(key);
}

static void
known_tokens_verify_for_every_hmac_algorithm(void)
{
	jwt_key    *key = forge_key(SECRET_64);

	if (key == NULL)
		return;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
	{
		jws_token	tok;

		if (!CHECK_STATUS(jws_verify(known[i].token, strlen(known[i].token), key, known[i].alg,
									 false, &tok), JWT_OK))
			continue;
		CHECK_TEXT(tok.payload, tok.payload_len, known_payload);
		CHECK(tok.signature_len == jws_alg_hash_len(known[i].alg));
		jws_token_free(&tok);
	}
	jwt_key_free(key);
}

static void
signed_token_verifies_for_every_hmac_algorithm(void)
{
	static const jws_alg algs[] = {JWS_HS256, JWS_HS384, JWS_HS512};
	static const uint8_t payload[] = "any bytes: \x00\xff, not only JSON";
	jwt_key    *key = forge_key(SECRET_64);

	if (key == NULL)
		return;
	/* twice round, so that every algorithm's keyed context is used again */
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < 3; i++)
		{
			char	   *token;
			size_t		len;
			jws_token	tok;

			if (!CHECK_STATUS(jws_sign(key, algs[i], NULL, NULL, 0, payload, sizeof(payload),
									   false, &token, &len), JWT_OK))
				continue;
			if (CHECK_STATUS(jws_verify(token, len, key, algs[i], false, &tok), JWT_OK))
			{
				CHECK_MEM(tok.payload, tok.payload_len, payload, sizeof(payload));
				jws_token_free(&tok);
			}
			free(token);
		}
	jwt_key_free(key);
}

static void
signing_the_same_input_twice_gives_the_same_token(void)
{
	jwt_key    *key = forge_key(SECRET_64);
	char	   *a,
			   *b;
	size_t		alen,
				blen;

	if (key == NULL)
		return;
	CHECK_STATUS(jws_sign(key, JWS_HS384, "JWT", NULL, 0, (const uint8_t *) "{}", 2, false,
						  &a, &alen), JWT_OK);
	CHECK_STATUS(jws_sign(key, JWS_HS384, "JWT", NULL, 0, (const uint8_t *) "{}", 2, false,
						  &b, &blen), JWT_OK);
	if (a != NULL && b != NULL)
		CHECK_MEM(a, alen, b, blen);
	free(a);
	free(b);
	jwt_key_free(key);
}

static void
short_secret_signs_and_verifies_only_in_pgjwt_mode(void)
{
	/* the token jwt.io shows, signed by pgjwt's sign() with the secret "secret" */
	static const char pgjwt_token[] =
		"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
		".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9"
		".TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ";
	static const char claims[] = "{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"admin\":true}";
	jwt_key    *key = forge_key("secret");
	char	   *token;
	size_t		len;
	jws_token	tok;

	if (key == NULL)
		return;
	if (CHECK_STATUS(jws_sign(key, JWS_HS256, "JWT", NULL, 0, (const uint8_t *) claims,
							  strlen(claims), true, &token, &len), JWT_OK))
	{
		CHECK_TEXT(token, len, pgjwt_token);
		free(token);
	}
	if (CHECK_STATUS(jws_verify(pgjwt_token, strlen(pgjwt_token), key, JWS_HS256, true, &tok),
					 JWT_OK))
		jws_token_free(&tok);
	CHECK_STATUS(jws_verify(pgjwt_token, strlen(pgjwt_token), key, JWS_HS256, false, &tok),
				 JWT_KEY_SHORT);
	CHECK_STATUS(jws_sign(key, JWS_HS256, "JWT", NULL, 0, (const uint8_t *) claims,
						  strlen(claims), false, &token, &len), JWT_KEY_SHORT);
	jwt_key_free(key);
}

static void
empty_secret_signs_and_verifies_in_pgjwt_mode(void)
{
	jwt_key    *key = forge_key("");
	char	   *token;
	size_t		len;
	jws_token	tok;

	if (key == NULL)
		return;
	if (CHECK_STATUS(jws_sign(key, JWS_HS256, "JWT", NULL, 0, (const uint8_t *) "{}", 2, true,
							  &token, &len), JWT_OK))
	{
		if (CHECK_STATUS(jws_verify(token, len, key, JWS_HS256, true, &tok), JWT_OK))
			jws_token_free(&tok);
		free(token);
	}
	jwt_key_free(key);
}

static void
signer_refuses_keys_it_may_not_use(void)
{
	static const char verify_only[] =
		"{\"kty\":\"oct\",\"key_ops\":[\"verify\"],"
		"\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1"
		"Z9CAow\"}";
	jwt_key    *pem = forge_key("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n");
	jwt_key    *key = forge_key(SECRET_64);
	jwt_key    *jwk = NULL;
	char	   *token = (char *) 1;
	size_t		len;

	CHECK_STATUS(jwt_key_from_jwk(verify_only, strlen(verify_only), &jwk), JWT_OK);
	if (pem == NULL || key == NULL || jwk == NULL)
		return;
	CHECK_STATUS(jws_sign(pem, JWS_HS256, "JWT", NULL, 0, (const uint8_t *) "{}", 2, true,
						  &token, &len), JWT_KEY_IS_PUBLIC);
	CHECK(token == NULL);
	CHECK_STATUS(jws_sign(jwk, JWS_HS256, "JWT", NULL, 0, (const uint8_t *) "{}", 2, false,
						  &token, &len), JWT_KEY_USE);
	CHECK_STATUS(jws_sign(key, JWS_ALG_INVALID, "JWT", NULL, 0, (const uint8_t *) "{}", 2,
						  false, &token, &len), JWT_ALG_UNKNOWN);
	jwt_key_free(pem);
	jwt_key_free(key);
	jwt_key_free(jwk);
}

static void
header_holds_alg_then_typ(void)
{
	char		header[256];

	if (CHECK_STATUS(signed_header("JWT", NULL, header, sizeof(header)), JWT_OK))
		CHECK(strcmp(header, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}") == 0);
	if (CHECK_STATUS(signed_header(NULL, NULL, header, sizeof(header)), JWT_OK))
		CHECK(strcmp(header, "{\"alg\":\"HS256\"}") == 0);
	if (CHECK_STATUS(signed_header("JWT", "{}", header, sizeof(header)), JWT_OK))
		CHECK(strcmp(header, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}") == 0);
	if (CHECK_STATUS(signed_header(NULL, " { } ", header, sizeof(header)), JWT_OK))
		CHECK(strcmp(header, "{\"alg\":\"HS256\"}") == 0);
}

static void
extra_header_members_are_merged_without_spaces(void)
{
	char		header[256];

	if (CHECK_STATUS(signed_header("JWT", " {\n \"kid\" : \"k 1\", \"x\" : [ 1, {\"y\":null} ] }\n",
								   header, sizeof(header)), JWT_OK))
		CHECK(strcmp(header,
					 "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k 1\",\"x\":[1,{\"y\":null}]}") == 0);
	if (CHECK_STATUS(signed_header(NULL, "{\"kid\":\"a\\\"b\"}", header, sizeof(header)), JWT_OK))
		CHECK(strcmp(header, "{\"alg\":\"HS256\",\"kid\":\"a\\\"b\"}") == 0);
}

static void
extra_typ_overrides_the_default_typ(void)
{
	char		header[256];

	if (CHECK_STATUS(signed_header("JWT", "{\"typ\":\"at+jwt\",\"kid\":\"k\"}",
								   header, sizeof(header)), JWT_OK))
		CHECK(strcmp(header, "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k\"}") == 0);
	/* the same name written with an escape still replaces typ, and there is only one */
	if (CHECK_STATUS(signed_header("JWT", "{\"\\u0074yp\":\"dpop+jwt\"}",
								   header, sizeof(header)), JWT_OK))
		CHECK(strcmp(header, "{\"alg\":\"HS256\",\"\\u0074yp\":\"dpop+jwt\"}") == 0);
	if (CHECK_STATUS(signed_header(NULL, "{\"typ\":\"JOSE\"}", header, sizeof(header)), JWT_OK))
		CHECK(strcmp(header, "{\"alg\":\"HS256\",\"typ\":\"JOSE\"}") == 0);
}

static void
extra_header_may_not_set_alg_crit_b64_enc_or_zip(void)
{
	static const char *const extras[] = {
		"{\"alg\":\"none\"}", "{\"kid\":\"k\",\"alg\":\"HS256\"}", "{\"\\u0061lg\":\"HS512\"}",
		"{\"crit\":[\"exp\"]}", "{\"b64\":false}", "{\"b64\":true}",
		"{\"enc\":\"A128GCM\"}", "{\"zip\":\"DEF\"}",
	};
	char		header[64];

	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
		if (!CHECK_STATUS(signed_header("JWT", extras[i], header, sizeof(header)),
						  JWT_HEADER_RESERVED))
			unit_diag("extra", extras[i]);
}

static void
extra_header_must_be_a_json_object(void)
{
	static const char *const extras[] = {
		"", "[]", "\"kid\"", "null", "{", "{\"kid\":1,\"kid\":2}", "{\"kid\":\"\xff\"}", "{} {}",
	};
	char		header[64];

	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
		if (!CHECK_STATUS(signed_header("JWT", extras[i], header, sizeof(header)),
						  JWT_HEADER_JSON))
			unit_diag("extra", extras[i]);
}

/* the header segment of token, decoded, must be JSON with two members and this typ */
static void
check_header_typ(const char *token, const char *typ)
{
	const char *dot = strchr(token, '.');
	uint8_t		header[256];
	size_t		n;
	json_doc	doc;
	uint32_t	v;

	if (!CHECK(dot != NULL && b64url_decode(token, (size_t) (dot - token), header, &n)))
		return;
	if (!CHECK_JSON(json_parse((const char *) header, n, &doc), JSON_OK))
	{
		unit_diag_bytes("header", header, n);
		return;
	}
	CHECK(doc.toks[0].size == 2);
	CHECK(json_find(&doc, 0, "typ", &v) && json_string_eq(&doc, v, typ, strlen(typ)));
	json_free(&doc);
}

/*
 * Whatever typ the caller passes, the header stays one JSON object whose typ
 * is that text: a quote in typ must be escaped (or typ refused), never let
 * out to add members such as a second "alg".
 */
static void
typ_cannot_add_members_to_the_header(void)
{
	static const char *const typs[] = {"JWT\",\"alg\":\"none", "a\\b", "line\nbreak"};
	jwt_key    *key = forge_key(SECRET_64);

	if (key == NULL)
		return;
	for (size_t i = 0; i < sizeof(typs) / sizeof(typs[0]); i++)
	{
		char	   *token;
		size_t		len;
		jwt_status	st = jws_sign(key, JWS_HS256, typs[i], NULL, 0, (const uint8_t *) "{}", 2,
								  false, &token, &len);

		if (st == JWT_OK)
		{
			check_header_typ(token, typs[i]);
			free(token);
		}
		else	/* refusing such a typ would do too */
			CHECK_STATUS(st, JWT_HEADER_JSON);
	}
	jwt_key_free(key);
}

/* a header encoded once signs the same tokens as jws_sign, for every algorithm's key check */
static void
encoded_header_signs_as_jws_sign_does(void)
{
	static const char extra[] = "{\"kid\":\"k-1\"}";
	jwt_key    *key = forge_key(SECRET_64);
	char	   *header;
	size_t		header_len;

	if (key == NULL)
		return;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
	{
		char	   *one,
				   *two;
		size_t		one_len,
					two_len;

		if (!CHECK_STATUS(jws_header_encode(known[i].alg, "JWT", extra, strlen(extra),
											&header, &header_len), JWT_OK))
			continue;
		CHECK(strlen(header) == header_len);
		if (CHECK_STATUS(jws_sign(key, known[i].alg, "JWT", extra, strlen(extra),
								  (const uint8_t *) known_payload, strlen(known_payload),
								  false, &one, &one_len), JWT_OK))
		{
			if (CHECK_STATUS(jws_sign_encoded(key, known[i].alg, header, header_len,
											  (const uint8_t *) known_payload,
											  strlen(known_payload), false, &two, &two_len),
							 JWT_OK))
			{
				CHECK_TEXT(two, two_len, one);
				CHECK(two[two_len] == '\0');
				free(two);
			}
			free(one);
		}
		free(header);
	}
	/* a header with a reserved member is refused, and the key check still applies */
	CHECK_STATUS(jws_header_encode(JWS_HS256, "JWT", "{\"alg\":\"none\"}", 14, &header, &header_len),
				 JWT_HEADER_RESERVED);
	CHECK(header == NULL);
	jwt_key_free(key);
	key = forge_key("short");
	if (key == NULL)
		return;
	{
		char	   *token = (char *) "unchanged";
		size_t		len;

		CHECK_STATUS(jws_sign_encoded(key, JWS_HS256, "e30", 3, (const uint8_t *) "{}", 2, false,
									  &token, &len), JWT_KEY_SHORT);
		CHECK(token == NULL);
	}
	jwt_key_free(key);
}

void
sign_tests(void)
{
	RUN(signer_writes_the_known_tokens);
	RUN(known_tokens_verify_for_every_hmac_algorithm);
	RUN(signed_token_verifies_for_every_hmac_algorithm);
	RUN(signing_the_same_input_twice_gives_the_same_token);
	RUN(short_secret_signs_and_verifies_only_in_pgjwt_mode);
	RUN(empty_secret_signs_and_verifies_in_pgjwt_mode);
	RUN(signer_refuses_keys_it_may_not_use);
	RUN(header_holds_alg_then_typ);
	RUN(extra_header_members_are_merged_without_spaces);
	RUN(extra_typ_overrides_the_default_typ);
	RUN(extra_header_may_not_set_alg_crit_b64_enc_or_zip);
	RUN(extra_header_must_be_a_json_object);
	RUN(typ_cannot_add_members_to_the_header);
	RUN(encoded_header_signs_as_jws_sign_does);
}
