/*
 * test_jws.c — verifying compact JWS tokens: the RFC examples, the
 * segments, the header rules, the size cap and the signature
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "forge.h"
#include "jws.h"
#include "unit.h"

/* RFC 7515 appendix A.1: the HMAC key as a JWK, the token, and its payload */
static const char a1_jwk[] =
	"{\"kty\":\"oct\","
	"\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
static const char a1_token[] =
	"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
	".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
	".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static const char a1_payload[] =
	"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

/* RFC 7520 section 4.4 (HMAC-SHA2 integrity protection), with the key of section 3.5 */
static const char rfc7520_jwk[] =
	"{\"kty\":\"oct\",\"kid\":\"018c0ae5-4d9b-471b-bfd6-eef314bc7037\",\"use\":\"sig\","
	"\"alg\":\"HS256\",\"k\":\"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg\"}";
static const char rfc7520_token[] =
	"eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9"
	".SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250"
	"byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hl"
	"cmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
	".s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0";
static const char rfc7520_payload[] =
	"It\xe2\x80\x99s a dangerous business, Frodo, going out your door. You step onto the road, "
	"and if you don't keep your feet, there\xe2\x80\x99s no knowing where you might be swept off to.";

#define SECRET_64 "a secret of sixty-four bytes, long enough for HS256, 384 and 512"
#define OTHER_SECRET_64 "another secret of sixty-four bytes, for tokens nobody should take"

/* jws_verify() of a NUL-terminated token, freeing what it returns */
static jwt_status
verify(const char *token, jwt_key *key, jws_alg alg)
{
	jws_token	tok;
	jwt_status	st = jws_verify(token, strlen(token), key, alg, false, &tok);

	if (st == JWT_OK)
		jws_token_free(&tok);
	return st;
}

/*
 * Sign header and payload as they are with SECRET_64 and HS256, then verify
 * with the same key and `alg`: the status of the header rules alone.
 */
static jwt_status
verify_forged(const char *header, const char *payload, jws_alg alg)
{
	jwt_key    *key = forge_key(SECRET_64);
	char	   *token = forge_token(key, JWS_HS256, header, payload);
	jwt_status	st = verify(token, key, alg);

	free(token);
	jwt_key_free(key);
	return st;
}

/* verify_forged() of each header, which must all give `want` */
static void
check_headers(const char *const *headers, size_t n, jwt_status want)
{
	for (size_t i = 0; i < n; i++)
		if (!CHECK_STATUS(verify_forged(headers[i], "{}", JWS_HS256), want))
			unit_diag("header", headers[i]);
}

static jwt_key *
jwk_key(const char *text)
{
	jwt_key    *key = NULL;

	CHECK_STATUS(jwt_key_from_jwk(text, strlen(text), &key), JWT_OK);
	return key;
}

static void
rfc7515_a1_hs256_token_verifies(void)
{
	jwt_key    *key = jwk_key(a1_jwk);
	jws_token	tok;

	if (key == NULL)
		return;
	if (CHECK_STATUS(jws_verify(a1_token, strlen(a1_token), key, JWS_HS256, false, &tok),
					 JWT_OK))
	{
		CHECK_TEXT(tok.payload, tok.payload_len, a1_payload);
		CHECK_TEXT(tok.header, tok.header_len, "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
		CHECK(tok.signature_len == 32);
		CHECK(tok.signing_input_len == strlen(a1_token) - 44);
		jws_token_free(&tok);
	}
	jwt_key_free(key);
}

static void
rfc7520_section_4_4_token_verifies_with_its_jwk(void)
{
	jwt_key    *key = jwk_key(rfc7520_jwk);
	jws_token	tok;

	if (key == NULL)
		return;
	if (CHECK_STATUS(jws_verify(rfc7520_token, strlen(rfc7520_token), key, JWS_HS256, false,
								&tok), JWT_OK))
	{
		CHECK_TEXT(tok.payload, tok.payload_len, rfc7520_payload);
		jws_token_free(&tok);
	}
	jwt_key_free(key);
}

static void
rfc_tokens_fail_under_another_algorithm(void)
{
	jwt_key    *a1 = jwk_key(a1_jwk);
	jwt_key    *bound = jwk_key(rfc7520_jwk);

	if (a1 != NULL)
		CHECK_STATUS(verify(a1_token, a1, JWS_HS384), JWT_TOKEN_ALG_MISMATCH);
	if (bound != NULL)	/* the JWK's own alg is checked before the token is read */
		CHECK_STATUS(verify(rfc7520_token, bound, JWS_HS512), JWT_KEY_ALG_MISMATCH);
	jwt_key_free(a1);
	jwt_key_free(bound);
}

static void
token_signed_with_another_key_is_refused(void)
{
	jwt_key    *key = forge_key(OTHER_SECRET_64);
	jwt_key    *a1 = jwk_key(a1_jwk);

	if (key != NULL)
	{
		CHECK_STATUS(verify(a1_token, key, JWS_HS256), JWT_TOKEN_SIGNATURE);
		CHECK_STATUS(verify(rfc7520_token, key, JWS_HS256), JWT_TOKEN_SIGNATURE);
	}
	if (a1 != NULL)
		CHECK_STATUS(verify(rfc7520_token, a1, JWS_HS256), JWT_TOKEN_SIGNATURE);
	jwt_key_free(key);
	jwt_key_free(a1);
}

/* a copy of token with the character at i replaced by c */
static char *
with_char(const char *token, size_t i, char c)
{
	char	   *t = strdup(token);

	t[i] = c;
	return t;
}

static void
changed_character_in_the_signature_fails(void)
{
	jwt_key    *key = jwk_key(a1_jwk);
	const char *sig = strrchr(a1_token, '.') + 1;
	size_t		i = (size_t) (sig - a1_token) + 10;
	char	   *t = with_char(a1_token, i, a1_token[i] == 'A' ? 'B' : 'A');

	if (key != NULL)
		CHECK_STATUS(verify(t, key, JWS_HS256), JWT_TOKEN_SIGNATURE);
	free(t);
	jwt_key_free(key);
}

static void
changed_character_in_the_payload_fails(void)
{
	jwt_key    *key = jwk_key(a1_jwk);
	size_t		i = (size_t) (strchr(a1_token, '.') - a1_token) + 5;
	char	   *t = with_char(a1_token, i, a1_token[i] == 'A' ? 'B' : 'A');

	if (key != NULL)
		CHECK_STATUS(verify(t, key, JWS_HS256), JWT_TOKEN_SIGNATURE);
	free(t);
	jwt_key_free(key);
}

static void
changed_byte_in_the_header_fails(void)
{
	jwt_key    *key = forge_key(SECRET_64);
	char	   *good,
			   *bad;

	if (key == NULL)
		return;
	good = forge_token(key, JWS_HS256, "{\"alg\":\"HS256\",\"kid\":\"k1\"}", "{}");
	/* the same payload and signature under a header one byte away */
	bad = forge_token_sig("{\"alg\":\"HS256\",\"kid\":\"k2\"}", "{}", strrchr(good, '.') + 1);
	CHECK_STATUS(verify(good, key, JWS_HS256), JWT_OK);
	CHECK_STATUS(verify(bad, key, JWS_HS256), JWT_TOKEN_SIGNATURE);
	free(good);
	free(bad);
	jwt_key_free(key);
}

static void
every_single_character_change_is_refused(void)
{
	static const char replacements[] = "AB_.= \n";
	jwt_key    *key = jwk_key(a1_jwk);
	size_t		len = strlen(a1_token);

	if (key == NULL)
		return;
	for (size_t i = 0; i < len; i++)
		for (const char *c = replacements; *c != '\0'; c++)
		{
			char	   *t;
			jwt_status	st;

			if (a1_token[i] == *c)
				continue;
			t = with_char(a1_token, i, *c);
			st = verify(t, key, JWS_HS256);
			if (!CHECK(JWT_STATUS_IS_TOKEN(st)))
				printf("#   position %zu, byte 0x%02x: %s\n", i, (unsigned) *c, jwt_status_name(st));
			free(t);
		}
	jwt_key_free(key);
}

static void
header_alg_must_equal_the_callers(void)
{
	jwt_key    *key = forge_key(SECRET_64);
	char	   *token;

	if (key == NULL)
		return;
	/* a genuine HS512 token is still refused when the caller pinned HS256 */
	token = forge_token(key, JWS_HS512, "{\"alg\":\"HS512\"}", "{}");
	CHECK_STATUS(verify(token, key, JWS_HS256), JWT_TOKEN_ALG_MISMATCH);
	CHECK_STATUS(verify(token, key, JWS_HS512), JWT_OK);
	free(token);
	jwt_key_free(key);
}

static void
header_alg_is_case_sensitive(void)
{
	static const char *const headers[] = {
		"{\"alg\":\"hs256\"}", "{\"alg\":\"Hs256\"}", "{\"alg\":\"HS256 \"}", "{\"alg\":\"HS2560\"}",
	};

	check_headers(headers, sizeof(headers) / sizeof(headers[0]), JWT_TOKEN_ALG_MISMATCH);
}

static void
header_alg_none_is_refused(void)
{
	static const char token[] = "eyJhbGciOiJub25lIn0.e30.";	/* {"alg":"none"} . {} . */
	jwt_key    *key = forge_key(SECRET_64);

	if (key == NULL)
		return;
	CHECK_STATUS(verify(token, key, JWS_HS256), JWT_TOKEN_ALG_MISMATCH);
	CHECK_STATUS(verify(token, key, JWS_ALG_INVALID), JWT_ALG_UNKNOWN);
	CHECK_STATUS(verify_forged("{\"alg\":\"none\"}", "{}", JWS_HS256), JWT_TOKEN_ALG_MISMATCH);
	jwt_key_free(key);
}

static void
header_without_alg_is_refused(void)
{
	static const char *const headers[] = {
		"{}", "{\"typ\":\"JWT\"}", "{\"ALG\":\"HS256\"}", "{\"alg \":\"HS256\"}",
	};

	check_headers(headers, sizeof(headers) / sizeof(headers[0]), JWT_TOKEN_ALG_MISSING);
}

static void
header_alg_that_is_not_a_string_is_refused(void)
{
	static const char *const headers[] = {
		"{\"alg\":256}", "{\"alg\":null}", "{\"alg\":true}", "{\"alg\":[\"HS256\"]}",
		"{\"alg\":{\"HS256\":1}}",
	};

	check_headers(headers, sizeof(headers) / sizeof(headers[0]), JWT_TOKEN_ALG_MISSING);
}

static void
header_alg_is_compared_after_unescaping(void)
{
	CHECK_STATUS(verify_forged("{\"alg\":\"HS\\u0032\\u0035\\u0036\"}", "{}", JWS_HS256), JWT_OK);
	CHECK_STATUS(verify_forged("{\"\\u0061lg\":\"HS256\"}", "{}", JWS_HS256), JWT_OK);
}

static void
critical_header_extension_is_refused(void)
{
	static const char *const headers[] = {
		"{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}",
		"{\"alg\":\"HS256\",\"crit\":[]}",
		"{\"alg\":\"HS256\",\"crit\":\"b64\"}",
		"{\"alg\":\"HS256\",\"\\u0063rit\":[\"x\"],\"x\":1}",
	};

	check_headers(headers, sizeof(headers) / sizeof(headers[0]), JWT_TOKEN_CRIT);
}

static void
unencoded_payload_header_is_refused(void)
{
	static const char *const headers[] = {
		"{\"alg\":\"HS256\",\"b64\":false}",
		"{\"alg\":\"HS256\",\"b64\":\"false\"}",
		"{\"alg\":\"HS256\",\"b64\":null}",
		"{\"alg\":\"HS256\",\"b64\":0}",
	};

	check_headers(headers, sizeof(headers) / sizeof(headers[0]), JWT_TOKEN_B64);
	CHECK_STATUS(verify_forged("{\"alg\":\"HS256\",\"b64\":true}", "{}", JWS_HS256), JWT_OK);
}

static void
encrypted_token_header_is_refused(void)
{
	static const char *const headers[] = {
		"{\"alg\":\"HS256\",\"enc\":\"A128GCM\"}",
		"{\"alg\":\"HS256\",\"zip\":\"DEF\"}",
	};

	check_headers(headers, sizeof(headers) / sizeof(headers[0]), JWT_TOKEN_NOT_JWS);
}

static void
duplicate_header_names_are_refused(void)
{
	static const char *const headers[] = {
		"{\"alg\":\"HS256\",\"alg\":\"HS256\"}",
		"{\"alg\":\"HS256\",\"\\u0061lg\":\"none\"}",
		"{\"alg\":\"HS256\",\"kid\":\"a\",\"kid\":\"b\"}",
	};

	check_headers(headers, sizeof(headers) / sizeof(headers[0]), JWT_TOKEN_DUPLICATE_NAME);
}

static void
header_that_is_not_a_json_object_is_refused(void)
{
	static const char *const headers[] = {
		"", "[]", "\"HS256\"", "{", "{\"alg\":\"HS256\"} x", "{\"alg\":\"HS256\",}",
		"\xef\xbb\xbf{\"alg\":\"HS256\"}", "{\"alg\":\"HS256\",\"kid\":\"\xc0\xaf\"}",
	};

	check_headers(headers, sizeof(headers) / sizeof(headers[0]), JWT_TOKEN_HEADER_JSON);
}

static void
untrusted_header_members_do_not_choose_the_key(void)
{
	static const char header[] =
		"{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"},"
		"\"jku\":\"https://attacker.example/keys\",\"x5u\":\"https://attacker.example/c\"}";
	jwt_key    *key = forge_key(SECRET_64);
	jwt_key    *other = forge_key(OTHER_SECRET_64);
	char	   *token;

	if (key == NULL || other == NULL)
		return;
	token = forge_token(other, JWS_HS256, header, "{}");
	CHECK_STATUS(verify(token, key, JWS_HS256), JWT_TOKEN_SIGNATURE);
	free(token);
	CHECK_STATUS(verify_forged(header, "{}", JWS_HS256), JWT_OK);
	jwt_key_free(key);
	jwt_key_free(other);
}

static void
token_needs_exactly_three_segments(void)
{
	static const char *const tokens[] = {
		"", "abc", "eyJhbGciOiJIUzI1NiJ9.e30",
		"eyJhbGciOiJIUzI1NiJ9.e30.c2ln.ZXh0cmE",
		"eyJhbGciOiJIUzI1NiJ9.e30.c2ln.ZXh0cmE.bW9yZQ",	/* the shape of a JWE */
		"eyJhbGciOiJIUzI1NiJ9.e30.c2ln.", ".eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "...",
	};
	jwt_key    *key = forge_key(SECRET_64);
	char	   *t;

	if (key == NULL)
		return;
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		if (!CHECK_STATUS(verify(tokens[i], key, JWS_HS256), JWT_TOKEN_SEGMENTS))
			unit_diag("token", tokens[i]);
	/* a valid token with a fourth segment is no longer valid */
	t = malloc(sizeof(a1_token) + 2);
	sprintf(t, "%s.", a1_token);
	CHECK_STATUS(verify(t, key, JWS_HS256), JWT_TOKEN_SEGMENTS);
	free(t);
	jwt_key_free(key);
}

/* a payload of n bytes, all 'x' */
static uint8_t *
filler(size_t n)
{
	uint8_t    *p = malloc(n ? n : 1);

	memset(p, 'x', n);
	return p;
}

/* payload bytes whose encoding is exactly enc_len characters (enc_len % 4 != 1) */
static size_t
payload_bytes_for(size_t enc_len)
{
	return enc_len / 4 * 3 + (enc_len % 4 ? enc_len % 4 - 1 : 0);
}

static void
token_at_the_size_cap_verifies_and_one_byte_more_is_refused(void)
{
	jwt_key    *key = forge_key(SECRET_64);
	/* {"alg":"HS256"} is 20 characters, an HS256 signature 43, plus two dots */
	size_t		room = JWS_MAX_TOKEN_LENGTH - 20 - 43 - 2;
	size_t		n = payload_bytes_for(room);
	uint8_t    *payload = filler(n + 1);
	char	   *token;
	size_t		len;

	if (key == NULL)
		return;
	if (CHECK_STATUS(jws_sign(key, JWS_HS256, NULL, NULL, 0, payload, n, false, &token, &len),
					 JWT_OK))
	{
		CHECK(len == JWS_MAX_TOKEN_LENGTH);
		CHECK_STATUS(verify(token, key, JWS_HS256), JWT_OK);
		free(token);
	}
	if (CHECK_STATUS(jws_sign(key, JWS_HS256, NULL, NULL, 0, payload, n + 1, false, &token,
							  &len), JWT_OK))
	{
		CHECK(len > JWS_MAX_TOKEN_LENGTH);
		CHECK_STATUS(verify(token, key, JWS_HS256), JWT_TOKEN_TOO_LARGE);
		free(token);
	}
	free(payload);
	jwt_key_free(key);
}

static void
oversized_token_is_refused_before_it_is_read(void)
{
	jwt_key    *key = forge_key(SECRET_64);
	char	   *garbage = malloc(JWS_MAX_TOKEN_LENGTH + 2);
	jws_token	tok;

	memset(garbage, '!', JWS_MAX_TOKEN_LENGTH + 1);
	garbage[JWS_MAX_TOKEN_LENGTH + 1] = '\0';
	if (key != NULL)
		CHECK_STATUS(verify(garbage, key, JWS_HS256), JWT_TOKEN_TOO_LARGE);
	CHECK_STATUS(jws_parse(garbage, JWS_MAX_TOKEN_LENGTH + 1, &tok), JWT_TOKEN_TOO_LARGE);
	jws_token_free(&tok);
	free(garbage);
	jwt_key_free(key);
}

static void
empty_signature_is_refused(void)
{
	jwt_key    *key = forge_key(SECRET_64);
	char	   *token = forge_token_sig("{\"alg\":\"HS256\"}", "{}", "");

	if (key != NULL)
		CHECK_STATUS(verify(token, key, JWS_HS256), JWT_TOKEN_SIGNATURE);
	free(token);
	jwt_key_free(key);
}

static void
signature_of_the_wrong_length_is_refused(void)
{
	jwt_key    *key = forge_key(SECRET_64);
	char	   *hs512,
			   *truncated,
			   *sig;
	uint8_t		bytes[64];
	size_t		n;

	if (key == NULL)
		return;
	/* an HS512 signature over the same input under a header that says HS256 */
	hs512 = forge_token(key, JWS_HS512, "{\"alg\":\"HS256\"}", "{}");
	CHECK_STATUS(verify(hs512, key, JWS_HS256), JWT_TOKEN_SIGNATURE);
	/* the right HS256 signature cut to 31 bytes */
	truncated = forge_token(key, JWS_HS256, "{\"alg\":\"HS256\"}", "{}");
	sig = strrchr(truncated, '.') + 1;
	CHECK(b64url_decode(sig, strlen(sig), bytes, &n) && n == 32);
	sig[b64url_encode(bytes, 31, sig)] = '\0';
	CHECK_STATUS(verify(truncated, key, JWS_HS256), JWT_TOKEN_SIGNATURE);
	free(hs512);
	free(truncated);
	jwt_key_free(key);
}

static void
segments_must_be_strict_base64url(void)
{
	jwt_key    *key = forge_key(SECRET_64);
	char		t[256];

	if (key == NULL)
		return;
	/* the A.1 token with padding on the signature, then a newline, then padding on the header */
	snprintf(t, sizeof(t), "%s=", a1_token);
	CHECK_STATUS(verify(t, key, JWS_HS256), JWT_TOKEN_BASE64);
	snprintf(t, sizeof(t), "%s\n", a1_token);
	CHECK_STATUS(verify(t, key, JWS_HS256), JWT_TOKEN_BASE64);
	CHECK_STATUS(verify("eyJhbGciOiJIUzI1NiJ9=.e30.AAAA", key, JWS_HS256), JWT_TOKEN_BASE64);
	CHECK_STATUS(verify("eyJhbGciOiJIUzI1NiJ9.e30=.AAAA", key, JWS_HS256), JWT_TOKEN_BASE64);
	CHECK_STATUS(verify("eyJhbGciOiJIUzI1NiJ9.e3+.AAAA", key, JWS_HS256), JWT_TOKEN_BASE64);
	CHECK_STATUS(verify("eyJhbGciOiJIUzI1NiJ9.e31.AAAA", key, JWS_HS256), JWT_TOKEN_BASE64);
	jwt_key_free(key);
}

static void
bad_key_is_refused_before_the_token_is_read(void)
{
	jwt_key    *key = forge_key("short");

	if (key == NULL)
		return;
	CHECK_STATUS(verify("not a token", key, JWS_HS256), JWT_KEY_SHORT);
	CHECK_STATUS(verify(a1_token, key, JWS_ALG_INVALID), JWT_ALG_UNKNOWN);
	jwt_key_free(key);
}

static void
failed_verification_leaves_nothing_to_free(void)
{
	jwt_key    *key = forge_key(SECRET_64);
	jws_token	tok;

	if (key == NULL)
		return;
	CHECK_STATUS(jws_verify(a1_token, strlen(a1_token), key, JWS_HS256, false, &tok),
				 JWT_TOKEN_SIGNATURE);
	CHECK(tok.header == NULL && tok.hdoc.toks == NULL);
	CHECK_STATUS(jws_verify("e30.e30.", 8, key, JWS_HS256, false, &tok), JWT_TOKEN_ALG_MISSING);
	CHECK(tok.header == NULL && tok.hdoc.toks == NULL);
	jwt_key_free(key);
}

static void
failed_parse_can_be_freed(void)
{
	static const char *const tokens[] = {
		"a.b", "e30=.e30.", "W10.e30.", "eyJhIjoxLCJhIjoyfQ.e30.", "e30.e30.e30",
	};
	static const jwt_status want[] = {
		JWT_TOKEN_SEGMENTS, JWT_TOKEN_BASE64, JWT_TOKEN_HEADER_JSON, JWT_TOKEN_DUPLICATE_NAME,
		JWT_OK,
	};
	jws_token	tok;

	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
	{
		CHECK_STATUS(jws_parse(tokens[i], strlen(tokens[i]), &tok), want[i]);
		jws_token_free(&tok);
		jws_token_free(&tok);	/* a second free is harmless */
	}
}

static void
parse_returns_the_decoded_segments_without_a_key(void)
{
	jws_token	tok;

	if (!CHECK_STATUS(jws_parse(a1_token, strlen(a1_token), &tok), JWT_OK))
		return;
	CHECK_TEXT(tok.header, tok.header_len, "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
	CHECK_TEXT(tok.payload, tok.payload_len, a1_payload);
	CHECK(tok.signature_len == 32 && tok.signature[0] == 0x74);	/* "dBjf..." */
	CHECK(tok.hdoc.toks[0].type == JSON_OBJECT && tok.hdoc.toks[0].size == 2);
	jws_token_free(&tok);
}

void
jws_tests(void)
{
	RUN(rfc7515_a1_hs256_token_verifies);
	RUN(rfc7520_section_4_4_token_verifies_with_its_jwk);
	RUN(rfc_tokens_fail_under_another_algorithm);
	RUN(token_signed_with_another_key_is_refused);
	RUN(changed_character_in_the_signature_fails);
	RUN(changed_character_in_the_payload_fails);
	RUN(changed_byte_in_the_header_fails);
	RUN(every_single_character_change_is_refused);
	RUN(header_alg_must_equal_the_callers);
	RUN(header_alg_is_case_sensitive);
	RUN(header_alg_none_is_refused);
	RUN(header_without_alg_is_refused);
	RUN(header_alg_that_is_not_a_string_is_refused);
	RUN(header_alg_is_compared_after_unescaping);
	RUN(critical_header_extension_is_refused);
	RUN(unencoded_payload_header_is_refused);
	RUN(encrypted_token_header_is_refused);
	RUN(duplicate_header_names_are_refused);
	RUN(header_that_is_not_a_json_object_is_refused);
	RUN(untrusted_header_members_do_not_choose_the_key);
	RUN(token_needs_exactly_three_segments);
	RUN(token_at_the_size_cap_verifies_and_one_byte_more_is_refused);
	RUN(oversized_token_is_refused_before_it_is_read);
	RUN(empty_signature_is_refused);
	RUN(signature_of_the_wrong_length_is_refused);
	RUN(segments_must_be_strict_base64url);
	RUN(bad_key_is_refused_before_the_token_is_read);
	RUN(failed_verification_leaves_nothing_to_free);
	RUN(failed_parse_can_be_freed);
	RUN(parse_returns_the_decoded_segments_without_a_key);
}
