/*
 * test_asym.c — RSA, RSA-PSS, ECDSA and EdDSA: the RFC examples, round
 * trips through the public key, what each key may serve, the form of an
 * ECDSA signature, and the public JWK a key exports
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "crypto.h"
#include "forge.h"
#include "jws.h"
#include "unit.h"
#include "vectors.h"

/* the RFC 7515 appendix A payload */
static const char a_payload[] =
	"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

/* a P-256 public key as PEM (made for these tests) */
static const char ec_public_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIaV7j0zG9+LAtSiJ5JHc9iDwfIpG\n"
	"u62UU5aa6mQ4vozwHFpIUpD47YIUHVtEDCbvNcREuQFyU7Pz3zh918tSCQ==\n"
	"-----END PUBLIC KEY-----\n";

static jwt_key *
jwk_key(const char *text)
{
	jwt_key    *key = NULL;

	if (!CHECK_STATUS(jwt_key_from_jwk(text, strlen(text), &key), JWT_OK))
		unit_diag("jwk", text);
	return key;
}

/* the key's public half, through the JWK it exports */
static jwt_key *
public_twin(const jwt_key *key)
{
	char	   *json;
	size_t		len;
	jwt_key    *twin = NULL;

	if (!CHECK_STATUS(jwt_key_public_jwk(key, &json, &len), JWT_OK))
		return NULL;
	CHECK_STATUS(jwt_key_from_jwk(json, len, &twin), JWT_OK);
	free(json);
	return twin;
}

/* jws_verify() of a NUL-terminated token; on JWT_OK the payload must be `payload` */
static jwt_status
verify_payload(const char *token, jwt_key *key, jws_alg alg, const char *payload)
{
	jws_token	tok;
	jwt_status	st = jws_verify(token, strlen(token), key, alg, false, &tok);

	if (st == JWT_OK)
	{
		if (payload != NULL)
			CHECK_TEXT(tok.payload, tok.payload_len, payload);
		jws_token_free(&tok);
	}
	return st;
}

static jwt_status
verify(const char *token, jwt_key *key, jws_alg alg)
{
	return verify_payload(token, key, alg, NULL);
}

/* a token with header {"alg":ALG} and payload {} whose signature is sig[0..n) */
static char *
token_with_signature(jws_alg alg, const uint8_t *sig, size_t n)
{
	char		header[32];
	char	   *sig_b64 = forge_b64(sig, n);
	char	   *token;

	snprintf(header, sizeof(header), "{\"alg\":\"%s\"}", jws_alg_name(alg));
	token = forge_token_sig(header, "{}", sig_b64);
	free(sig_b64);
	return token;
}

/* the signature bytes of a token (at most JWT_MAX_SIG_LEN) */
static size_t
signature_of(const char *token, uint8_t *sig)
{
	const char *s = strrchr(token, '.') + 1;
	size_t		n = 0;

	CHECK(b64url_decode(s, strlen(s), sig, &n));
	return n;
}

/* token's header and payload with the signature sig[0..n) instead of its own */
static char *
resigned(const char *token, const uint8_t *sig, size_t n)
{
	size_t		input_len = (size_t) (strrchr(token, '.') - token);
	char	   *sig_b64 = forge_b64(sig, n);
	char	   *t = malloc(input_len + strlen(sig_b64) + 2);

	sprintf(t, "%.*s.%s", (int) input_len, token, sig_b64);
	free(sig_b64);
	return t;
}

static void
check_rfc_token(const char *jwk, const char *token, jws_alg alg, const char *payload)
{
	jwt_key    *key = jwk_key(jwk);
	jwt_key    *twin;

	if (key == NULL)
		return;
	CHECK_STATUS(verify_payload(token, key, alg, payload), JWT_OK);
	if ((twin = public_twin(key)) != NULL)
		CHECK_STATUS(verify_payload(token, twin, alg, payload), JWT_OK);
	jwt_key_free(twin);
	jwt_key_free(key);
}

static void
rfc7515_a2_rs256_token_verifies(void)
{
	check_rfc_token(rfc7515_a2_jwk, rfc7515_a2_token, JWS_RS256, a_payload);
}

static void
rfc7515_a3_es256_token_verifies(void)
{
	check_rfc_token(rfc7515_a3_jwk, rfc7515_a3_token, JWS_ES256, a_payload);
}

static void
rfc7515_a4_es512_token_verifies(void)
{
	check_rfc_token(rfc7515_a4_jwk, rfc7515_a4_token, JWS_ES512, "Payload");
}

static void
rfc8037_eddsa_token_verifies(void)
{
	check_rfc_token(rfc8037_jwk, rfc8037_token, JWS_EDDSA, "Example of Ed25519 signing");
}

static void
rfc7520_section_4_2_ps384_token_verifies(void)
{
	/* PSS signatures are randomised: only a published one pins the salt length */
	check_rfc_token(rfc7520_42_public_jwk, rfc7520_42_token, JWS_PS384, NULL);
}

static const struct
{
	const char *jwk;
	jws_alg		alg;
	size_t		sig_len;
}			signers[] = {
	{rfc7515_a2_jwk, JWS_RS256, 256}, {rfc7515_a2_jwk, JWS_RS384, 256},
	{rfc7515_a2_jwk, JWS_RS512, 256}, {rfc7515_a2_jwk, JWS_PS256, 256},
	{rfc7515_a2_jwk, JWS_PS384, 256}, {rfc7515_a2_jwk, JWS_PS512, 256},
	{rfc7515_a3_jwk, JWS_ES256, 64}, {rfc7515_a4_jwk, JWS_ES512, 132},
	{rfc8037_jwk, JWS_EDDSA, 64},
};

#define NSIGNERS (sizeof(signers) / sizeof(signers[0]))

static void
signed_tokens_verify_with_the_public_key_for_every_algorithm(void)
{
	static const char claims[] = "{\"sub\":\"u1\",\"iat\":1516239022}";

	for (size_t i = 0; i < NSIGNERS; i++)
	{
		jwt_key    *key = jwk_key(signers[i].jwk);
		jwt_key    *twin = key ? public_twin(key) : NULL;
		char	   *token;
		size_t		len;
		uint8_t		sig[JWT_MAX_SIG_LEN];

		if (twin != NULL &&
			CHECK_STATUS(jws_sign(key, signers[i].alg, "JWT", NULL, 0, (const uint8_t *) claims,
								  strlen(claims), false, &token, &len), JWT_OK))
		{
			if (!CHECK_STATUS(verify_payload(token, twin, signers[i].alg, claims), JWT_OK) ||
				!CHECK(signature_of(token, sig) == signers[i].sig_len))
				printf("#   algorithm %s\n", jws_alg_name(signers[i].alg));
			free(token);
		}
		jwt_key_free(twin);
		jwt_key_free(key);
	}
}

/*
 * A key's OpenSSL contexts are set up once and used for every call after:
 * each signature is still made afresh (PSS salts and ECDSA nonces differ
 * from one to the next, RSA PKCS#1 and EdDSA repeat), each verification
 * judges its own token, and a bad one between good ones is refused.
 */
static void
kept_contexts_sign_and_verify_each_call_afresh(void)
{
	static const char claims[] = "{\"sub\":\"u1\"}";

	for (size_t i = 0; i < NSIGNERS; i++)
	{
		jws_alg		alg = signers[i].alg;
		jwt_key    *key = jwk_key(signers[i].jwk);
		jwt_key    *twin = key ? public_twin(key) : NULL;
		char	   *tokens[3] = {NULL, NULL, NULL};
		size_t		len;
		bool		random = jws_alg_family(alg) == JWS_FAMILY_RSA_PSS ||
			jws_alg_family(alg) == JWS_FAMILY_ECDSA;

		for (int t = 0; twin != NULL && t < 3; t++)
			CHECK_STATUS(jws_sign(key, alg, "JWT", NULL, 0, (const uint8_t *) claims,
								  strlen(claims), false, &tokens[t], &len), JWT_OK);
		if (tokens[0] && tokens[1] && tokens[2])
		{
			char	   *bad = strdup(tokens[1]);

			bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
			if (!CHECK((strcmp(tokens[0], tokens[1]) != 0) == random) ||
				!CHECK((strcmp(tokens[1], tokens[2]) != 0) == random))
				printf("#   algorithm %s\n", jws_alg_name(alg));
			for (int t = 0; t < 3; t++)
			{
				CHECK_STATUS(verify_payload(tokens[t], twin, alg, claims), JWT_OK);
				CHECK_STATUS(verify_payload(bad, twin, alg, claims), JWT_TOKEN_SIGNATURE);
				CHECK_STATUS(verify_payload(tokens[t], key, alg, claims), JWT_OK);
			}
			free(bad);
		}
		for (int t = 0; t < 3; t++)
			free(tokens[t]);
		jwt_key_free(twin);
		jwt_key_free(key);
	}
}

static void
public_key_cannot_sign(void)
{
	for (size_t i = 0; i < NSIGNERS; i += 3)
	{
		jwt_key    *key = jwk_key(signers[i].jwk);
		jwt_key    *twin = key ? public_twin(key) : NULL;
		char	   *token;
		size_t		len;

		if (twin != NULL)
		{
			CHECK(!twin->has_private);
			CHECK_STATUS(jws_sign(twin, signers[i].alg, "JWT", NULL, 0, (const uint8_t *) "{}", 2,
								  false, &token, &len), JWT_KEY_NOT_PRIVATE);
		}
		jwt_key_free(twin);
		jwt_key_free(key);
	}
}

static void
public_jwk_holds_the_public_members_only(void)
{
	static const struct
	{
		const char *jwk;
		const char *public;
	}			cases[] = {
		{rfc7515_a3_jwk,
			"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
		"\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}"},
		{rfc8037_jwk,
		"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		jwt_key    *key = jwk_key(cases[i].jwk);
		char	   *json;
		size_t		len;

		if (key != NULL && CHECK_STATUS(jwt_key_public_jwk(key, &json, &len), JWT_OK))
		{
			CHECK_TEXT(json, len, cases[i].public);
			free(json);
		}
		jwt_key_free(key);
	}
}

static void
public_rsa_jwk_holds_n_and_e_only(void)
{
	jwt_key    *key = jwk_key(rfc7515_a2_jwk);
	char	   *json;
	size_t		len;
	json_doc	doc;
	uint32_t	v;

	if (key == NULL || !CHECK_STATUS(jwt_key_public_jwk(key, &json, &len), JWT_OK))
	{
		jwt_key_free(key);
		return;
	}
	if (CHECK_JSON(json_parse(json, len, &doc), JSON_OK))
	{
		CHECK(doc.toks[0].size == 3);
		CHECK(json_find(&doc, 0, "kty", &v) && json_string_eq(&doc, v, "RSA", 3));
		CHECK(json_find(&doc, 0, "e", &v) && json_string_eq(&doc, v, "AQAB", 4));
		CHECK(json_find(&doc, 0, "n", &v) && doc.toks[v].len == 342);
		json_free(&doc);
	}
	free(json);
	jwt_key_free(key);
}

static void
secret_key_has_no_public_jwk(void)
{
	jwt_key    *key = forge_key("a secret of sixty-four bytes, long enough for HS256, 384 and 512");
	char	   *json = NULL;
	size_t		len;

	if (key != NULL)
		CHECK_STATUS(jwt_key_public_jwk(key, &json, &len), JWT_KEY_TYPE_MISMATCH);
	CHECK(json == NULL);
	jwt_key_free(key);
}

/*
 * An RSA key's public JWK is written in full whatever the size of e: a
 * public exponent as long as the modulus (8192 bits here), or longer than
 * the longest modulus, must not run past the buffers the JWK is built in.
 * A key refused at import would do too.
 */
static void
check_rsa_export(const char *n, const char *e)
{
	char	   *text = malloc(strlen(n) + strlen(e) + 32);
	jwt_key    *key = NULL;
	char	   *json;
	size_t		len;
	jwt_status	st;

	sprintf(text, "{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}", n, e);
	st = jwt_key_from_jwk(text, strlen(text), &key);
	if (st == JWT_OK && CHECK_STATUS(jwt_key_public_jwk(key, &json, &len), JWT_OK))
	{
		CHECK_TEXT(json, len, text);
		free(json);
	}
	else if (st != JWT_OK && !CHECK(st == JWT_KEY_INVALID || st == JWT_KEY_UNSUPPORTED))
		printf("#   import: %s\n", jwt_status_name(st));
	jwt_key_free(key);
	free(text);
}

static void
public_jwk_of_rsa_key_with_a_long_exponent_is_written_in_full(void)
{
	/* the n of RFC 7515 A.2 (2048 bits) */
	static const char n2048[] =
		"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEz"
		"P1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf6"
		"3kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5Zw"
		"Kh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRW"
		"yuXpoQ";
	uint8_t		ones[1100];
	char		long_e[1500];

	/* e as long as n: 8192 bits each */
	check_rsa_export(odd_8192_bits, odd_8192_bits);
	/* e of 1100 bytes (odd, so OpenSSL takes it) with a 2048-bit n */
	memset(ones, 0x01, sizeof(ones));
	long_e[b64url_encode(ones, sizeof(ones), long_e)] = '\0';
	check_rsa_export(n2048, long_e);
}

static void
public_key_offered_as_hmac_key_is_refused(void)
{
	jwt_key    *pem = NULL;
	jwt_key    *secret = forge_key(ec_public_pem);
	jwt_key    *rsa = jwk_key(rfc7515_a2_jwk);
	char	   *token;

	if (!CHECK_STATUS(jwt_key_from_text(ec_public_pem, strlen(ec_public_pem), &pem), JWT_OK) ||
		secret == NULL || rsa == NULL)
		goto done;
	CHECK(pem->type == JWT_KEY_EC);
	/* the attacker signs HS256 with the public key's text as the secret */
	token = forge_token(secret, JWS_HS256, "{\"alg\":\"HS256\"}", "{}");
	CHECK_STATUS(verify(token, pem, JWS_HS256), JWT_KEY_IS_PUBLIC);
	CHECK_STATUS(verify(token, pem, JWS_ES256), JWT_TOKEN_ALG_MISMATCH);
	CHECK_STATUS(verify(token, rsa, JWS_HS256), JWT_KEY_IS_PUBLIC);
	free(token);
done:
	jwt_key_free(pem);
	jwt_key_free(secret);
	jwt_key_free(rsa);
}

static void
key_serves_only_its_family(void)
{
	jwt_key    *rsa = jwk_key(rfc7515_a2_jwk);
	jwt_key    *ec = jwk_key(rfc7515_a3_jwk);
	jwt_key    *okp = jwk_key(rfc8037_jwk);
	jwt_key    *oct = forge_key("a secret of sixty-four bytes, long enough for HS256, 384 and 512");

	if (rsa != NULL && ec != NULL && okp != NULL && oct != NULL)
	{
		CHECK_STATUS(jwt_key_check(rsa, JWS_ES256, JWT_OP_VERIFY, false), JWT_KEY_TYPE_MISMATCH);
		CHECK_STATUS(jwt_key_check(rsa, JWS_EDDSA, JWT_OP_VERIFY, false), JWT_KEY_TYPE_MISMATCH);
		CHECK_STATUS(jwt_key_check(ec, JWS_RS256, JWT_OP_VERIFY, false), JWT_KEY_TYPE_MISMATCH);
		CHECK_STATUS(jwt_key_check(ec, JWS_EDDSA, JWT_OP_SIGN, false), JWT_KEY_TYPE_MISMATCH);
		CHECK_STATUS(jwt_key_check(okp, JWS_ES256, JWT_OP_VERIFY, false), JWT_KEY_TYPE_MISMATCH);
		CHECK_STATUS(jwt_key_check(oct, JWS_RS256, JWT_OP_VERIFY, false), JWT_KEY_TYPE_MISMATCH);
		CHECK_STATUS(jwt_key_check(oct, JWS_EDDSA, JWT_OP_VERIFY, false), JWT_KEY_TYPE_MISMATCH);
		CHECK_STATUS(jwt_key_check(rsa, JWS_PS512, JWT_OP_SIGN, false), JWT_OK);
		CHECK_STATUS(jwt_key_check(okp, JWS_EDDSA, JWT_OP_SIGN, false), JWT_OK);
		CHECK_STATUS(verify(rfc7515_a2_token, ec, JWS_RS256), JWT_KEY_TYPE_MISMATCH);
	}
	jwt_key_free(rsa);
	jwt_key_free(ec);
	jwt_key_free(okp);
	jwt_key_free(oct);
}

static void
ec_key_serves_only_its_curve(void)
{
	jwt_key    *p256 = jwk_key(rfc7515_a3_jwk);
	jwt_key    *p521 = jwk_key(rfc7515_a4_jwk);

	if (p256 != NULL && p521 != NULL)
	{
		CHECK_STATUS(jwt_key_check(p256, JWS_ES384, JWT_OP_VERIFY, false), JWT_KEY_CURVE_MISMATCH);
		CHECK_STATUS(jwt_key_check(p256, JWS_ES512, JWT_OP_SIGN, false), JWT_KEY_CURVE_MISMATCH);
		CHECK_STATUS(jwt_key_check(p521, JWS_ES256, JWT_OP_VERIFY, false), JWT_KEY_CURVE_MISMATCH);
		CHECK_STATUS(jwt_key_check(p521, JWS_ES512, JWT_OP_VERIFY, false), JWT_OK);
	}
	jwt_key_free(p256);
	jwt_key_free(p521);
}

static void
rsa_key_under_2048_bits_is_weak(void)
{
	/* the modulus of a 1024-bit RSA key made for this test */
	static const char jwk[] =
		"{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"0E3scrvg23TN55GNOSfVFc_LmUy2yvFYfRMMYfYFkYvNoSR9IiTTyQ"
		"YpV_HxisxxFtYf6YAoluIUMP9SpA4RYpvthFI3mBf6Lnyiaigwavy727LwxtlOwyNk_9-CUWvSVXmzRfliSKbWSy8o"
		"HX6HpzCml_KG6s4rfI-qv4nHEk0\"}";
	jwt_key    *key = jwk_key(jwk);

	if (key == NULL)
		return;
	CHECK(key->bits == 1024);
	CHECK_STATUS(jwt_key_check(key, JWS_RS256, JWT_OP_VERIFY, false), JWT_KEY_WEAK);
	CHECK_STATUS(jwt_key_check(key, JWS_PS256, JWT_OP_VERIFY, true), JWT_KEY_WEAK);
	jwt_key_free(key);
}

static void
rsa_key_over_8192_bits_is_unsupported(void)
{
	uint8_t		n[1025];
	char		text[1500];
	size_t		len;
	jwt_key    *key = (jwt_key *) 1;

	memset(n, 0xff, sizeof(n));
	len = (size_t) sprintf(text, "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"");
	len += b64url_encode(n, sizeof(n), text + len);
	strcpy(text + len, "\"}");
	CHECK_STATUS(jwt_key_from_jwk(text, strlen(text), &key), JWT_KEY_UNSUPPORTED);
	CHECK(key == NULL);
}

static void
rsa_public_exponent_of_one_is_refused(void)
{
	/* with e = 1 every padded digest would be its own signature */
	char		text[512];
	const char *n = strstr(rfc7515_a2_jwk, "\"n\":");
	const char *end = strstr(n, ",\"e\"");
	jwt_key    *key;

	snprintf(text, sizeof(text), "{\"kty\":\"RSA\",%.*s,\"e\":\"AQ\"}", (int) (end - n), n);
	CHECK_STATUS(jwt_key_from_jwk(text, strlen(text), &key), JWT_KEY_INVALID);
}

/*
 * The RSA public check is remembered per key (n and e): a key that passed
 * passes again, and a key that shares its n but not its e, or that failed,
 * is checked again, every time.
 */
static void
rsa_public_check_remembers_only_the_keys_that_passed(void)
{
	char		bad[512];
	const char *n = strstr(rfc7515_a2_jwk, "\"n\":");
	const char *end = strstr(n, ",\"e\"");
	jwt_key    *key;

	snprintf(bad, sizeof(bad), "{\"kty\":\"RSA\",%.*s,\"e\":\"AQ\"}", (int) (end - n), n);
	for (int i = 0; i < 3; i++)
	{
		CHECK_STATUS(jwt_key_from_jwk(rfc7515_a2_jwk, strlen(rfc7515_a2_jwk), &key), JWT_OK);
		jwt_key_free(key);
		CHECK_STATUS(jwt_key_from_jwk(bad, strlen(bad), &key), JWT_KEY_INVALID);
		CHECK(key == NULL);
	}
	/* an even n never passes, however often it comes */
	for (int i = 0; i < 3; i++)
	{
		uint8_t		even[256];
		char		text[600];
		size_t		len;

		memset(even, 0xc5, sizeof(even));
		even[255] = 0x02;
		len = (size_t) sprintf(text, "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"");
		len += b64url_encode(even, sizeof(even), text + len);
		strcpy(text + len, "\"}");
		CHECK_STATUS(jwt_key_from_jwk(text, strlen(text), &key), JWT_KEY_INVALID);
	}
}

static void
ecdsa_signature_of_zeros_is_refused(void)
{
	/* r = s = 0 verified everything in Java's CVE-2022-21449 */
	static const uint8_t zeros[132] = {0};
	jwt_key    *p256 = jwk_key(rfc7515_a3_jwk);
	jwt_key    *p521 = jwk_key(rfc7515_a4_jwk);
	char	   *token;

	if (p256 != NULL)
	{
		token = token_with_signature(JWS_ES256, zeros, 64);
		CHECK_STATUS(verify(token, p256, JWS_ES256), JWT_TOKEN_SIGNATURE);
		free(token);
	}
	if (p521 != NULL)
	{
		token = token_with_signature(JWS_ES512, zeros, 132);
		CHECK_STATUS(verify(token, p521, JWS_ES512), JWT_TOKEN_SIGNATURE);
		free(token);
	}
	jwt_key_free(p256);
	jwt_key_free(p521);
}

static void
ecdsa_signature_at_the_curve_order_is_refused(void)
{
	/* r = n, the order of P-256, and s = 1 */
	static const uint8_t sig[64] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
		[63] = 1,
	};
	jwt_key    *key = jwk_key(rfc7515_a3_jwk);
	char	   *token = token_with_signature(JWS_ES256, sig, sizeof(sig));

	if (key != NULL)
		CHECK_STATUS(verify(token, key, JWS_ES256), JWT_TOKEN_SIGNATURE);
	free(token);
	jwt_key_free(key);
}

/* R||S as DER: SEQUENCE { INTEGER r, INTEGER s } for 32-byte halves; returns the length */
static size_t
der_from_raw(const uint8_t *raw, uint8_t *der)
{
	size_t		n = 2;

	for (int half = 0; half < 2; half++)
	{
		const uint8_t *v = raw + 32 * half;
		size_t		skip = 0;

		while (skip < 31 && v[skip] == 0)
			skip++;
		der[n++] = 0x02;
		der[n++] = (uint8_t) (32 - skip + (v[skip] & 0x80 ? 1 : 0));
		if (v[skip] & 0x80)
			der[n++] = 0;
		memcpy(der + n, v + skip, 32 - skip);
		n += 32 - skip;
	}
	der[0] = 0x30;
	der[1] = (uint8_t) (n - 2);
	return n;
}

static void
ecdsa_signature_must_be_raw_r_and_s(void)
{
	jwt_key    *key = jwk_key(rfc7515_a3_jwk);
	uint8_t		raw[JWT_MAX_SIG_LEN] = {0},
				der[80];
	char	   *token;

	if (key == NULL)
		return;
	if (CHECK(signature_of(rfc7515_a3_token, raw) == 64))
	{
		/* the A.3 signature, DER-encoded as OpenSSL writes it */
		token = resigned(rfc7515_a3_token, der, der_from_raw(raw, der));
		CHECK_STATUS(verify(token, key, JWS_ES256), JWT_TOKEN_SIGNATURE);
		free(token);
		/* one byte short, one byte long */
		token = resigned(rfc7515_a3_token, raw, 63);
		CHECK_STATUS(verify(token, key, JWS_ES256), JWT_TOKEN_SIGNATURE);
		free(token);
		token = resigned(rfc7515_a3_token, raw, 65);
		CHECK_STATUS(verify(token, key, JWS_ES256), JWT_TOKEN_SIGNATURE);
		free(token);
	}
	jwt_key_free(key);
}

static void
changed_signature_byte_is_refused_for_every_algorithm(void)
{
	for (size_t i = 0; i < NSIGNERS; i++)
	{
		jwt_key    *key = jwk_key(signers[i].jwk);
		char	   *token;
		size_t		len;

		if (key != NULL &&
			CHECK_STATUS(jws_sign(key, signers[i].alg, NULL, NULL, 0, (const uint8_t *) "{}", 2,
								  false, &token, &len), JWT_OK))
		{
			char	   *sig = strrchr(token, '.') + 1;

			sig[5] = sig[5] == 'A' ? 'B' : 'A';
			if (!CHECK_STATUS(verify(token, key, signers[i].alg), JWT_TOKEN_SIGNATURE))
				printf("#   algorithm %s\n", jws_alg_name(signers[i].alg));
			free(token);
		}
		jwt_key_free(key);
	}
}

static void
rsa_signature_of_the_wrong_length_is_refused(void)
{
	jwt_key    *key = jwk_key(rfc7515_a2_jwk);
	uint8_t		sig[JWT_MAX_SIG_LEN + 1];
	size_t		n;
	char	   *token;

	if (key == NULL)
		return;
	n = signature_of(rfc7515_a2_token, sig + 1);
	sig[0] = 0;					/* the same number with a leading zero byte */
	token = resigned(rfc7515_a2_token, sig, n + 1);
	CHECK_STATUS(verify(token, key, JWS_RS256), JWT_TOKEN_SIGNATURE);
	free(token);
	token = resigned(rfc7515_a2_token, sig + 1, n - 1);
	CHECK_STATUS(verify(token, key, JWS_RS256), JWT_TOKEN_SIGNATURE);
	free(token);
	jwt_key_free(key);
}

void
asym_tests(void)
{
	RUN(rfc7515_a2_rs256_token_verifies);
	RUN(rfc7515_a3_es256_token_verifies);
	RUN(rfc7515_a4_es512_token_verifies);
	RUN(rfc8037_eddsa_token_verifies);
	RUN(rfc7520_section_4_2_ps384_token_verifies);
	RUN(signed_tokens_verify_with_the_public_key_for_every_algorithm);
	RUN(kept_contexts_sign_and_verify_each_call_afresh);
	RUN(public_key_cannot_sign);
	RUN(public_jwk_holds_the_public_members_only);
	RUN(public_rsa_jwk_holds_n_and_e_only);
	RUN(secret_key_has_no_public_jwk);
	RUN(public_jwk_of_rsa_key_with_a_long_exponent_is_written_in_full);
	RUN(public_key_offered_as_hmac_key_is_refused);
	RUN(key_serves_only_its_family);
	RUN(ec_key_serves_only_its_curve);
	RUN(rsa_key_under_2048_bits_is_weak);
	RUN(rsa_key_over_8192_bits_is_unsupported);
	RUN(rsa_public_exponent_of_one_is_refused);
	RUN(rsa_public_check_remembers_only_the_keys_that_passed);
	RUN(ecdsa_signature_of_zeros_is_refused);
	RUN(ecdsa_signature_at_the_curve_order_is_refused);
	RUN(ecdsa_signature_must_be_raw_r_and_s);
	RUN(changed_signature_byte_is_refused_for_every_algorithm);
	RUN(rsa_signature_of_the_wrong_length_is_refused);
}
