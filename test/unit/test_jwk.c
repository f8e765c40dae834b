/*
 * test_jwk.c — asymmetric keys coming in: JWK members checked against each
 * other and the curve, PEM text, and picking a key out of a JWK set
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forge.h"
#include "jws.h"
#include "unit.h"
#include "vectors.h"

/* RFC 7515 A.3's public P-256 key, its members one by one */
#define A3_X "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\""
#define A3_Y "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\""
#define A3_D "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\""

/* RFC 8037 A.1's Ed25519 key */
#define ED_X "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\""
#define ED_D "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\""

/* a P-256 key made for these tests: private (PKCS#8), public, a certificate, encrypted */
static const char ec_private_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8HS6MLCQJMABxtdn\n"
	"H4m+9BsHu+kYF/XxFUlHr/Q2k/6hRANCAAQhpXuPTMb34sC1KInkkdz2IPB8ika7\n"
	"rZRTlprqZDi+jPAcWkhSkPjtghQdW0QMJu81xES5AXJTs/PfOH3Xy1IJ\n"
	"-----END PRIVATE KEY-----\n";
static const char ec_public_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIaV7j0zG9+LAtSiJ5JHc9iDwfIpG\n"
	"u62UU5aa6mQ4vozwHFpIUpD47YIUHVtEDCbvNcREuQFyU7Pz3zh918tSCQ==\n"
	"-----END PUBLIC KEY-----\n";
static const char ec_certificate_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBkDCCATegAwIBAgIUddiS6R65Mrr4axDPDja000wT2yYwCgYIKoZIzj0EAwIw\n"
	"HTEbMBkGA1UEAwwSand0X2F1dGggdW5pdCB0ZXN0MCAXDTI2MTEyMzEyMDAyN1oY\n"
	"DzIxMjYxMDMwMTIwMDI3WjAdMRswGQYDVQQDDBJqd3RfYXV0aCB1bml0IHRlc3Qw\n"
	"WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQhpXuPTMb34sC1KInkkdz2IPB8ika7\n"
	"rZRTlprqZDi+jPAcWkhSkPjtghQdW0QMJu81xES5AXJTs/PfOH3Xy1IJo1MwUTAd\n"
	"BgNVHQ4EFgQUjynina7C0YZfOJqzkJrCszKLfkkwHwYDVR0jBBgwFoAUjynina7C\n"
	"0YZfOJqzkJrCszKLfkkwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBE\n"
	"AiA99FXgDw1wguj8tsurxKn7WQHTq9wjbnuDeYRTK0kfdAIgczswZuTOd1PSlvKi\n"
	"Xvm7uNEW5WUFOphN0iCQyGA2Ljw=\n"
	"-----END CERTIFICATE-----\n";
static const char ec_encrypted_pem[] =
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	"MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAi2zfwTgmaXmwICCAAw\n"
	"DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEDdYoPpvYv1/YSKxSRxCsFIEgZC2\n"
	"mZ/2whWN3RgipzxOcy7Hs+1IQAGb8dtWX0vFWwPaSx2kvJRdeZi86+t/kabWex8c\n"
	"2yIcoqvAw1IzdLs9QYmOcqmeoM5U5XH/jeN6KYnf/UfLB1FPnOa3Pb9jlU0WMuan\n"
	"81wWLyp3PVF4czOhmLQ+BCYigYVXADPvX7J1mVjPIlWUJpdd1WiJMyDRepzZ5fc=\n"
	"-----END ENCRYPTED PRIVATE KEY-----\n";

static jwt_status
jwk(const char *text)
{
	jwt_key    *key = (jwt_key *) 1;
	jwt_status	st = jwt_key_from_jwk(text, strlen(text), &key);

	if (st == JWT_OK)
		jwt_key_free(key);
	else
		CHECK(key == NULL);
	return st;
}

static jwt_status
pem(const char *text, jwt_key **key)
{
	return jwt_key_from_text(text, strlen(text), key);
}

/* each text must give `want` */
static void
check_jwks(const char *const *texts, size_t n, jwt_status want)
{
	for (size_t i = 0; i < n; i++)
		if (!CHECK_STATUS(jwk(texts[i]), want))
			unit_diag("jwk", texts[i]);
}

static void
ec_jwk_must_hold_a_point_on_its_curve(void)
{
	CHECK_STATUS(jwk("{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y "}"), JWT_OK);
	/* y changed in its last bits: no longer on P-256 */
	CHECK_STATUS(jwk("{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X ","
					 "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a4\"}"), JWT_KEY_INVALID);
	/* the point of P-256 named as a point of P-384 */
	CHECK_STATUS(jwk("{\"kty\":\"EC\",\"crv\":\"P-384\"," A3_X "," A3_Y "}"), JWT_KEY_INVALID);
}

static void
ec_private_key_must_match_its_point(void)
{
	CHECK_STATUS(jwk("{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y "," A3_D "}"), JWT_OK);
	CHECK_STATUS(jwk("{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y ","
					 "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LA\"}"), JWT_KEY_INVALID);
}

static void
ec_members_must_have_the_field_length(void)
{
	static const char *const texts[] = {
		/* x with a leading zero byte (33 bytes), then without its first byte (31) */
		"{\"kty\":\"EC\",\"crv\":\"P-256\","
		"\"x\":\"AH_Nzidw9sRdQYPL7m_bS3tYBzM1e-nvE7rPbjx70VRF\"," A3_Y "}",
		"{\"kty\":\"EC\",\"crv\":\"P-256\","
		"\"x\":\"zc4ncPbEXUGDy-5v20t7WAczNXvp7xO6z248e9FURQ\"," A3_Y "}",
		"{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "}",				/* no y */
		"{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y ",\"d\":\"AA\"}",
		"{\"kty\":\"EC\"," A3_X "," A3_Y "}",						/* no crv */
		"{\"kty\":\"EC\",\"crv\":256," A3_X "," A3_Y "}",
	};

	check_jwks(texts, sizeof(texts) / sizeof(texts[0]), JWT_KEY_INVALID);
}

static void
okp_private_key_must_match_its_public_key(void)
{
	CHECK_STATUS(jwk("{\"kty\":\"OKP\",\"crv\":\"Ed25519\"," ED_X "," ED_D "}"), JWT_OK);
	CHECK_STATUS(jwk("{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
					 "\"x\":\"21qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"," ED_D "}"),
				 JWT_KEY_INVALID);
}

static void
okp_members_must_have_the_curve_length(void)
{
	static const char *const texts[] = {
		"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"WpgBgrEKt9VL_tPJZAc6DuFy89qmIyWvAhpo9wdRGg\"}",
		"{\"kty\":\"OKP\",\"crv\":\"Ed448\"," ED_X "}",
		"{\"kty\":\"OKP\",\"crv\":\"Ed25519\"}",
		"{\"kty\":\"OKP\"," ED_X "}",
	};

	check_jwks(texts, sizeof(texts) / sizeof(texts[0]), JWT_KEY_INVALID);
}

static void
ed25519_jwk_keeps_its_private_part(void)
{
	jwt_key    *key = NULL;

	if (!CHECK_STATUS(jwt_key_from_jwk(rfc8037_jwk, strlen(rfc8037_jwk), &key), JWT_OK))
		return;
	CHECK(key->has_private);
	CHECK(key->type == JWT_KEY_OKP && strcmp(key->curve, "Ed25519") == 0);
	CHECK_STATUS(jwt_key_check(key, JWS_EDDSA, JWT_OP_SIGN, false), JWT_OK);
	jwt_key_free(key);
}

/* RFC 7515 A.2's JWK without one member, or with only some of the CRT members */
static void
rsa_jwk_needs_n_e_and_all_or_none_of_the_crt_members(void)
{
	static const char *const drop[] = {"\"n\"", "\"e\"", "\"p\"", "\"qi\"", "\"d\""};

	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
	{
		/* copy the JWK, leaving out the member named drop[i] */
		char	   *text = strdup(rfc7515_a2_jwk);
		char	   *m = strstr(text, drop[i]);
		char	   *end = strchr(m + strlen(drop[i]) + 2, '"') + 1;

		if (*end == ',')
			memmove(m, end + 1, strlen(end + 1) + 1);
		else	/* the last member: drop the comma before it */
			memmove(m - 1, end, strlen(end) + 1);
		if (!CHECK_STATUS(jwk(text), JWT_KEY_INVALID))
			printf("#   without %s\n", drop[i]);
		free(text);
	}
}

/* RFC 7515 A.2's key with d but without the CRT members (RFC 7518 section 6.3.2 allows it) */
static char *
rsa_with_d_only(void)
{
	size_t		len = (size_t) (strstr(rfc7515_a2_jwk, ",\"p\"") - rfc7515_a2_jwk);
	char	   *text = malloc(len + 2);

	memcpy(text, rfc7515_a2_jwk, len);
	strcpy(text + len, "}");
	return text;
}

/*
 * Import the key (a JWK, or key text such as PEM), sign a token with alg and
 * verify it with the same key: the first status that is not JWT_OK.
 */
static jwt_status
import_sign_verify(const char *text, bool is_jwk, jws_alg alg)
{
	jwt_key    *key = NULL;
	char	   *token;
	size_t		len;
	jws_token	tok;
	jwt_status	st = is_jwk ? jwt_key_from_jwk(text, strlen(text), &key) :
		jwt_key_from_text(text, strlen(text), &key);

	if (st != JWT_OK)
		return st;
	if ((st = jws_sign(key, alg, NULL, NULL, 0, (const uint8_t *) "{}", 2, false, &token,
					   &len)) == JWT_OK)
	{
		if ((st = jws_verify(token, len, key, alg, false, &tok)) == JWT_OK)
			jws_token_free(&tok);
		free(token);
	}
	jwt_key_free(key);
	return st;
}

static void
rsa_private_jwk_may_hold_d_alone(void)
{
	char	   *text = rsa_with_d_only();

	CHECK_STATUS(import_sign_verify(text, true, JWS_RS256), JWT_OK);
	free(text);
}

/*
 * A private RSA key the core takes is the private half of the public key it
 * shows, as the EC and OKP checks already make sure for their keys: with a
 * d that does not belong to n and e, every token it signed would fail to
 * verify. Refusing such a key at import is the expected answer.
 */
static void
rsa_private_jwk_must_match_its_public_key(void)
{
	char	   *text = rsa_with_d_only();
	char	   *d = strstr(text, "\"d\":\"") + 5;

	d[20] = d[20] == 'A' ? 'B' : 'A';	/* another d, same length */
	CHECK_STATUS(import_sign_verify(text, true, JWS_RS256), JWT_KEY_INVALID);
	free(text);
}

/* the CRT members too: a qi that is not q's inverse modulo p leaves a key that cannot sign */
static void
rsa_private_jwk_crt_members_must_fit_together(void)
{
	size_t		len = strlen(rfc7515_a2_jwk);
	char	   *text = malloc(len + 8);

	/* RFC 7515 A.2 with four more characters at the end of qi */
	memcpy(text, rfc7515_a2_jwk, len - 2);
	strcpy(text + len - 2, "AAAA\"}");
	CHECK_STATUS(import_sign_verify(text, true, JWS_RS256), JWT_KEY_INVALID);
	free(text);
}

static void
jwk_alg_must_suit_an_asymmetric_key(void)
{
	char		text[2048];

	snprintf(text, sizeof(text), "{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y ",\"alg\":\"%s\"}",
			 "ES384");
	CHECK_STATUS(jwk(text), JWT_KEY_ALG_MISMATCH);
	snprintf(text, sizeof(text), "{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y ",\"alg\":\"%s\"}",
			 "HS256");
	CHECK_STATUS(jwk(text), JWT_KEY_ALG_MISMATCH);
	snprintf(text, sizeof(text), "{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y ",\"alg\":\"%s\"}",
			 "ES256");
	CHECK_STATUS(jwk(text), JWT_OK);
	snprintf(text, sizeof(text), "%.*s,\"alg\":\"PS256\"}", (int) strlen(rfc7515_a2_jwk) - 1,
			 rfc7515_a2_jwk);
	CHECK_STATUS(jwk(text), JWT_OK);
	snprintf(text, sizeof(text), "%.*s,\"alg\":\"EdDSA\"}", (int) strlen(rfc7515_a2_jwk) - 1,
			 rfc7515_a2_jwk);
	CHECK_STATUS(jwk(text), JWT_KEY_ALG_MISMATCH);
}

static void
pem_private_key_signs_and_its_public_forms_verify(void)
{
	jwt_key    *priv = NULL,
			   *pub = NULL,
			   *cert = NULL;
	char	   *token;
	size_t		len;

	if (!CHECK_STATUS(pem(ec_private_pem, &priv), JWT_OK) ||
		!CHECK_STATUS(pem(ec_public_pem, &pub), JWT_OK) ||
		!CHECK_STATUS(pem(ec_certificate_pem, &cert), JWT_OK))
		goto done;
	CHECK(priv->has_private && !pub->has_private && !cert->has_private);
	if (CHECK_STATUS(jws_sign(priv, JWS_ES256, "JWT", NULL, 0, (const uint8_t *) "{}", 2, false,
							  &token, &len), JWT_OK))
	{
		jws_token	tok;

		if (CHECK_STATUS(jws_verify(token, len, pub, JWS_ES256, false, &tok), JWT_OK))
			jws_token_free(&tok);
		if (CHECK_STATUS(jws_verify(token, len, cert, JWS_ES256, false, &tok), JWT_OK))
			jws_token_free(&tok);
		free(token);
	}
	CHECK_STATUS(jws_sign(cert, JWS_ES256, "JWT", NULL, 0, (const uint8_t *) "{}", 2, false,
						  &token, &len), JWT_KEY_NOT_PRIVATE);
done:
	jwt_key_free(priv);
	jwt_key_free(pub);
	jwt_key_free(cert);
}

/*
 * The same for PEM: a PKCS#8 EC key carries its public point beside the
 * private scalar, and the two must belong together. Here one character of
 * the scalar is changed: signatures are made with the scalar, verification
 * uses the point, and no token the key signs would ever verify.
 */
static void
pem_private_key_must_match_its_public_key(void)
{
	char		text[sizeof(ec_private_pem)];

	CHECK_STATUS(import_sign_verify(ec_private_pem, false, JWS_ES256), JWT_OK);
	memcpy(text, ec_private_pem, sizeof(text));
	strstr(text, "9BsHu")[1] = 'b';
	CHECK_STATUS(import_sign_verify(text, false, JWS_ES256), JWT_KEY_INVALID);
}

static void
pem_text_may_start_with_blank_lines(void)
{
	char		text[sizeof(ec_public_pem) + 8];
	jwt_key    *key = NULL;

	snprintf(text, sizeof(text), "\n \t\r\n%s", ec_public_pem);
	if (CHECK_STATUS(pem(text, &key), JWT_OK))
		CHECK(key->type == JWT_KEY_EC);
	jwt_key_free(key);
}

static void
encrypted_or_damaged_pem_is_refused(void)
{
	char		damaged[sizeof(ec_public_pem)];
	jwt_key    *key = NULL;

	CHECK_STATUS(pem(ec_encrypted_pem, &key), JWT_KEY_INVALID);
	memcpy(damaged, ec_public_pem, sizeof(damaged));
	damaged[40] = damaged[40] == 'A' ? 'B' : 'A';
	CHECK_STATUS(pem(damaged, &key), JWT_KEY_INVALID);
	CHECK_STATUS(pem("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", &key),
				 JWT_KEY_INVALID);
	CHECK_STATUS(pem("-----BEGIN", &key), JWT_KEY_INVALID);
}

/* like a refused JWK, refused key text leaves the caller no key to free */
static void
refused_pem_leaves_no_key(void)
{
	jwt_key    *key = (jwt_key *) 1;

	CHECK_STATUS(pem(ec_encrypted_pem, &key), JWT_KEY_INVALID);
	CHECK(key == NULL);
}

/* RFC 7517 section 5: a JWK set; the public A.3 key as "a", the Ed25519 key as "b" */
static const char jwks[] =
	"{\"keys\":["
	"{\"kty\":\"EC\",\"kid\":\"a\",\"crv\":\"P-256\"," A3_X "," A3_Y "},"
	"{\"kty\":\"OKP\",\"kid\":\"b\",\"crv\":\"Ed25519\"," ED_X "}]}";

static jwt_status
from_set(const char *set, const char *kid, jwt_key **key)
{
	return jwt_key_from_jwks(set, strlen(set), kid, kid ? strlen(kid) : 0, key);
}

static void
jwk_set_gives_the_key_the_kid_names(void)
{
	jwt_key    *key = NULL;

	if (CHECK_STATUS(from_set(jwks, "b", &key), JWT_OK))
	{
		CHECK(key->type == JWT_KEY_OKP && strcmp(key->kid, "b") == 0);
		jwt_key_free(key);
	}
	if (CHECK_STATUS(from_set(jwks, "a", &key), JWT_OK))
	{
		CHECK(key->type == JWT_KEY_EC);
		jwt_key_free(key);
	}
	CHECK_STATUS(from_set(jwks, "c", &key), JWT_TOKEN_KID_UNKNOWN);
	CHECK_STATUS(from_set(jwks, "A", &key), JWT_TOKEN_KID_UNKNOWN);
	CHECK(key == NULL);
}

static void
jwk_set_of_several_keys_needs_a_kid(void)
{
	static const char one[] = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\"," ED_X "}]}";
	jwt_key    *key = NULL;

	CHECK_STATUS(from_set(jwks, NULL, &key), JWT_TOKEN_KID_MISSING);
	if (CHECK_STATUS(from_set(one, NULL, &key), JWT_OK))
		jwt_key_free(key);
	CHECK_STATUS(from_set("{\"keys\":[]}", NULL, &key), JWT_TOKEN_KID_MISSING);
	CHECK_STATUS(from_set("{\"keys\":[]}", "a", &key), JWT_TOKEN_KID_UNKNOWN);
}

static void
malformed_jwk_set_is_invalid(void)
{
	static const char *const sets[] = {
		"{\"keys\":{}}", "{\"keys\":[1]}", "{}", "[]", "{\"keys\":[{},{}]",
		/* two keys with the same kid */
		"{\"keys\":[{\"kty\":\"OKP\",\"kid\":\"a\",\"crv\":\"Ed25519\"," ED_X "},"
		"{\"kty\":\"OKP\",\"kid\":\"a\",\"crv\":\"Ed25519\"," ED_X "}]}",
	};
	jwt_key    *key = NULL;

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
	{
		jwt_status	st = from_set(sets[i], "a", &key);

		if (!CHECK_STATUS(st, JWT_KEY_INVALID))
			unit_diag("set", sets[i]);
		if (st == JWT_OK)
			jwt_key_free(key);
	}
}

static void
key_a_set_holds_for_another_use_cannot_verify(void)
{
	static const char set[] =
		"{\"keys\":[{\"kty\":\"OKP\",\"kid\":\"e\",\"use\":\"enc\",\"crv\":\"Ed25519\"," ED_X "},"
		"{\"kty\":\"OKP\",\"kid\":\"a\",\"crv\":\"Ed25519\"," ED_X "}]}";
	jwt_key    *key = NULL;

	CHECK_STATUS(jwt_jwks_check(set, strlen(set)), JWT_OK);
	CHECK_STATUS(from_set(set, "e", &key), JWT_TOKEN_KEY_UNSUITABLE);
	if (CHECK_STATUS(from_set(set, "a", &key), JWT_OK))
		jwt_key_free(key);
}

static void
jwk_set_mixing_secret_and_public_keys_is_refused(void)
{
	static const char mixed[] =
		"{\"keys\":[{\"kty\":\"oct\",\"kid\":\"s\","
		"\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1"
		"Z9CAow\"},"
		"{\"kty\":\"OKP\",\"kid\":\"a\",\"crv\":\"Ed25519\"," ED_X "}]}";
	static const char no_curve[] = "{\"keys\":[{\"kty\":\"EC\"}]}";

	CHECK_STATUS(jwt_jwks_check(mixed, strlen(mixed)), JWT_KEY_INVALID);
	CHECK_STATUS(jwt_jwks_check(jwks, strlen(jwks)), JWT_OK);
	CHECK_STATUS(jwt_jwks_check(no_curve, strlen(no_curve)), JWT_KEY_INVALID);
}

static void
jwk_set_is_told_from_a_single_jwk(void)
{
	CHECK(jwt_jwk_is_set(jwks, strlen(jwks)));
	CHECK(!jwt_jwk_is_set(rfc8037_jwk, strlen(rfc8037_jwk)));
	CHECK(!jwt_jwk_is_set("{\"keys\":[],\"kty\":\"oct\"}", 23));
	CHECK(!jwt_jwk_is_set("not json", 8));
}

/* an issuer's set: its keys in order; private members, secrets, a mix or a kid twice refused */
static void
issuer_set_lists_its_public_keys(void)
{
	static const char set[] = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y ",\"kid\":\"a\"},"
		"{\"kty\":\"OKP\",\"crv\":\"Ed25519\"," ED_X ",\"kid\":\"b\"},"
		"{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y ",\"kid\":\"enc\",\"use\":\"enc\"}]}";
	static const char private_member[] = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y "," A3_D "}]}";
	static const char secret[] = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}";
	static const char mixed[] = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"},"
		"{\"kty\":\"OKP\",\"crv\":\"Ed25519\"," ED_X "}]}";
	static const char kid_twice[] = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\"," ED_X ",\"kid\":\"k\"},"
		"{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "," A3_Y ",\"kid\":\"k\"}]}";
	static const char *const not_sets[] = {"[]", "{}", "{\"keys\":{}}", "{\"keys\":[1]}", "not json"};
	jwt_key_list list;

	if (CHECK_STATUS(jwt_jwks_keys(set, strlen(set), false, &list), JWT_OK))
	{
		/* the encryption key is skipped, not an error */
		CHECK(list.n == 2);
		CHECK(list.n == 2 && strcmp(list.keys[0]->kid, "a") == 0 && list.keys[0]->type == JWT_KEY_EC);
		CHECK(list.n == 2 && strcmp(list.keys[1]->kid, "b") == 0 && list.keys[1]->type == JWT_KEY_OKP);
		jwt_key_list_free(&list);
	}
	CHECK_STATUS(jwt_jwks_keys("{\"keys\":[]}", 11, false, &list), JWT_OK);
	CHECK(list.n == 0);
	CHECK_STATUS(jwt_jwks_keys(private_member, strlen(private_member), false, &list), JWT_JWKS_PRIVATE);
	CHECK_STATUS(jwt_jwks_keys(secret, strlen(secret), false, &list), JWT_JWKS_SECRET);
	if (CHECK_STATUS(jwt_jwks_keys(secret, strlen(secret), true, &list), JWT_OK))
	{
		CHECK(list.n == 1 && list.keys[0]->type == JWT_KEY_OCT);
		jwt_key_list_free(&list);
	}
	CHECK_STATUS(jwt_jwks_keys(mixed, strlen(mixed), true, &list), JWT_JWKS_MIXED);
	CHECK_STATUS(jwt_jwks_keys(kid_twice, strlen(kid_twice), false, &list), JWT_JWKS_INVALID);
	for (size_t i = 0; i < sizeof(not_sets) / sizeof(not_sets[0]); i++)
		if (!CHECK_STATUS(jwt_jwks_keys(not_sets[i], strlen(not_sets[i]), false, &list), JWT_JWKS_INVALID))
			unit_diag("set", not_sets[i]);
}

void
jwk_tests(void)
{
	RUN(ec_jwk_must_hold_a_point_on_its_curve);
	RUN(ec_private_key_must_match_its_point);
	RUN(ec_members_must_have_the_field_length);
	RUN(okp_private_key_must_match_its_public_key);
	RUN(okp_members_must_have_the_curve_length);
	RUN(ed25519_jwk_keeps_its_private_part);
	RUN(rsa_jwk_needs_n_e_and_all_or_none_of_the_crt_members);
	RUN(rsa_private_jwk_may_hold_d_alone);
	RUN(rsa_private_jwk_must_match_its_public_key);
	RUN(rsa_private_jwk_crt_members_must_fit_together);
	RUN(jwk_alg_must_suit_an_asymmetric_key);
	RUN(pem_private_key_signs_and_its_public_forms_verify);
	RUN(pem_private_key_must_match_its_public_key);
	RUN(pem_text_may_start_with_blank_lines);
	RUN(encrypted_or_damaged_pem_is_refused);
	RUN(refused_pem_leaves_no_key);
	RUN(jwk_set_gives_the_key_the_kid_names);
	RUN(jwk_set_of_several_keys_needs_a_kid);
	RUN(malformed_jwk_set_is_invalid);
	RUN(key_a_set_holds_for_another_use_cannot_verify);
	RUN(jwk_set_mixing_secret_and_public_keys_is_refused);
	RUN(jwk_set_is_told_from_a_single_jwk);
	RUN(issuer_set_lists_its_public_keys);
}
