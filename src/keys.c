/*
 * keys.c — building and checking keys
 */
#include "keys.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "b64url.h"
#include "json.h"

static jwt_status
new_key(jwt_key_type type, jwt_key **key)
{
	*key = calloc(1, sizeof(jwt_key));
	if (*key == NULL)
		return JWT_NOMEM;
	(*key)->type = type;
	(*key)->ops = JWT_OP_SIGN | JWT_OP_VERIFY;
	return JWT_OK;
}

jwt_status
jwt_key_from_secret(const uint8_t *secret, size_t len, jwt_key **key)
{
	jwt_status	st = new_key(JWT_KEY_OCT, key);

	if (st != JWT_OK)
		return st;
	/* malloc(0) may return NULL; keep a real buffer for empty secrets */
	(*key)->secret = malloc(len ? len : 1);
	if ((*key)->secret == NULL)
	{
		jwt_key_free(*key);
		*key = NULL;
		return JWT_NOMEM;
	}
	memcpy((*key)->secret, secret, len);
	(*key)->secret_len = len;
	return JWT_OK;
}

jwt_status
jwt_key_from_text(const char *text, size_t len, jwt_key **key)
{
	return jwt_key_from_secret((const uint8_t *) text, len, key);
}

static bool
has_prefix(const uint8_t *s, size_t n, const char *prefix)
{
	size_t		p = strlen(prefix);

	return n >= p && memcmp(s, prefix, p) == 0;
}

static bool
contains(const uint8_t *s, size_t n, const char *needle)
{
	size_t		k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return true;
	return false;
}

/*
 * Would an attacker pick this as an "HMAC secret" because it is public?
 * PEM armour anywhere, a JSON object naming a key type, an OpenSSH key.
 */
static bool
looks_like_public_key(const uint8_t *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
	{
		s++;
		n--;
	}
	return contains(s, n, "-----BEGIN") ||
		(has_prefix(s, n, "{") && contains(s, n, "\"kty\"")) ||
		has_prefix(s, n, "ssh-rsa ") || has_prefix(s, n, "ssh-ed25519 ") ||
		has_prefix(s, n, "ssh-ed448 ") || has_prefix(s, n, "ssh-dss ") ||
		has_prefix(s, n, "ecdsa-sha2-");
}

/* a JWK string member as a NUL-terminated copy, or NULL when absent */
static jwt_status
jwk_string(const json_doc *doc, const char *name, char **out)
{
	uint32_t	v;

	*out = NULL;
	if (!json_find(doc, 0, name, &v))
		return JWT_OK;
	if (doc->toks[v].type != JSON_STRING)
		return JWT_KEY_INVALID;
	if ((*out = malloc(doc->toks[v].len + 1)) == NULL)
		return JWT_NOMEM;
	(*out)[json_string_decode(doc, v, *out)] = '\0';
	return JWT_OK;
}

/* "use" and "key_ops" (RFC 7517 sections 4.2 and 4.3) narrow what the key may do */
static jwt_status
jwk_usage(const json_doc *doc, unsigned *ops)
{
	uint32_t	v;

	if (json_find(doc, 0, "use", &v))
	{
		if (doc->toks[v].type != JSON_STRING)
			return JWT_KEY_INVALID;
		if (!json_string_eq(doc, v, "sig", 3))
			return JWT_KEY_USE;
	}
	if (json_find(doc, 0, "key_ops", &v))
	{
		uint32_t	e = v + 1;

		if (doc->toks[v].type != JSON_ARRAY)
			return JWT_KEY_INVALID;
		*ops = 0;
		for (uint32_t i = 0; i < doc->toks[v].size; i++, e = doc->toks[e].next)
		{
			if (doc->toks[e].type != JSON_STRING)
				return JWT_KEY_INVALID;
			if (json_string_eq(doc, e, "sign", 4))
				*ops |= JWT_OP_SIGN;
			else if (json_string_eq(doc, e, "verify", 6))
				*ops |= JWT_OP_VERIFY;
		}
	}
	return JWT_OK;
}

static jwt_status
jwk_oct(const json_doc *doc, jwt_key **key)
{
	uint32_t	v;
	uint8_t    *secret;
	size_t		len;
	jwt_status	st;

	if (!json_find(doc, 0, "k", &v) || doc->toks[v].type != JSON_STRING ||
		doc->toks[v].escaped)
		return JWT_KEY_INVALID;
	if ((secret = malloc(b64url_decoded_max(doc->toks[v].len))) == NULL)
		return JWT_NOMEM;
	if (!b64url_decode(doc->text + doc->toks[v].start, doc->toks[v].len, secret, &len))
		st = JWT_KEY_INVALID;
	else
		st = jwt_key_from_secret(secret, len, key);
	OPENSSL_cleanse(secret, b64url_decoded_max(doc->toks[v].len));
	free(secret);
	return st;
}

jwt_status
jwt_key_from_jwk(const char *json, size_t len, jwt_key **key)
{
	json_doc	doc;
	json_error	jerr = json_parse(json, len, &doc);
	uint32_t	kty;
	jwt_status	st;
	char	   *alg = NULL;

	*key = NULL;
	if (jerr == JSON_ERR_NOMEM)
		return JWT_NOMEM;
	if (jerr != JSON_OK)
		return JWT_KEY_INVALID;
	if (doc.toks[0].type != JSON_OBJECT || !json_find(&doc, 0, "kty", &kty) ||
		doc.toks[kty].type != JSON_STRING)
		st = JWT_KEY_INVALID;
	else if (!json_string_eq(&doc, kty, "oct", 3))
		st = JWT_KEY_UNSUPPORTED;
	else
		st = jwk_oct(&doc, key);
	if (st == JWT_OK)
		st = jwk_usage(&doc, &(*key)->ops);
	if (st == JWT_OK)
		st = jwk_string(&doc, "kid", &(*key)->kid);
	if (st == JWT_OK)
		st = jwk_string(&doc, "alg", &alg);
	if (st == JWT_OK && alg != NULL)
	{
		st = jws_alg_parse(alg, strlen(alg), &(*key)->alg);
		if (st == JWT_OK && jws_alg_family((*key)->alg) != JWS_FAMILY_HMAC)
			st = JWT_KEY_INVALID;
		else if (st == JWT_ALG_UNKNOWN || st == JWT_ALG_NONE)
			st = JWT_KEY_UNSUPPORTED;
	}
	free(alg);
	json_free(&doc);
	if (st != JWT_OK)
	{
		jwt_key_free(*key);
		*key = NULL;
	}
	return st;
}

jwt_status
jwt_key_check(const jwt_key *key, jws_alg alg, jwt_key_op op, bool allow_short)
{
	if (alg <= JWS_ALG_INVALID || alg >= JWS_ALG_COUNT)
		return JWT_ALG_UNKNOWN;
	if (key->alg != JWS_ALG_INVALID && key->alg != alg)
		return JWT_KEY_ALG_MISMATCH;
	if ((key->ops & op) == 0)
		return JWT_KEY_USE;
	if (jws_alg_family(alg) == JWS_FAMILY_HMAC)
	{
		if (key->type != JWT_KEY_OCT)
			return JWT_KEY_ALG_MISMATCH;
		if (looks_like_public_key(key->secret, key->secret_len))
			return JWT_KEY_IS_PUBLIC;
		if (!allow_short && key->secret_len < jws_alg_hash_len(alg))
			return JWT_KEY_SHORT;
	}
	return JWT_OK;
}

void
jwt_key_free(jwt_key *key)
{
	if (key == NULL)
		return;
	for (int i = 0; i < JWS_ALG_COUNT; i++)
		EVP_MAC_CTX_free(key->mac[i]);
	if (key->secret != NULL)
	{
		OPENSSL_cleanse(key->secret, key->secret_len);
		free(key->secret);
	}
	free(key->kid);
	free(key);
}
