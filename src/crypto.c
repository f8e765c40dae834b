/*
 * crypto.c — HMAC over OpenSSL's EVP_MAC, with keyed contexts kept on the key
 */
#include "crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

/* the HMAC implementation, fetched on first use and kept for the process */
static EVP_MAC *hmac_impl;

/* the key's HMAC context for alg, keyed on first use and reset after */
static EVP_MAC_CTX *
keyed_hmac(jwt_key *key, jws_alg alg)
{
	EVP_MAC_CTX *ctx = key->mac[alg];
	OSSL_PARAM	params[2];

	if (ctx != NULL)
		return EVP_MAC_init(ctx, NULL, 0, NULL) ? ctx : NULL;
	if (hmac_impl == NULL && (hmac_impl = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	if ((ctx = EVP_MAC_CTX_new(hmac_impl)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
												 (char *) jws_alg_digest(alg), 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key->secret, key->secret_len, params))
	{
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	key->mac[alg] = ctx;
	return ctx;
}

static jwt_status
hmac(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len, uint8_t *out, size_t *out_len)
{
	EVP_MAC_CTX *ctx = keyed_hmac(key, alg);

	if (ctx == NULL || !EVP_MAC_update(ctx, data, len) ||
		!EVP_MAC_final(ctx, out, out_len, JWT_MAX_SIG_LEN))
	{
		ERR_clear_error();
		return JWT_CRYPTO;
	}
	return JWT_OK;
}

jwt_status
jwt_crypto_sign(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
				uint8_t *sig, size_t *sig_len)
{
	switch (jws_alg_family(alg))
	{
		case JWS_FAMILY_HMAC:
			return hmac(key, alg, data, len, sig, sig_len);
	}
	return JWT_ALG_UNKNOWN;
}

jwt_status
jwt_crypto_verify(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
				  const uint8_t *sig, size_t sig_len)
{
	uint8_t		expected[JWT_MAX_SIG_LEN];
	size_t		expected_len;
	jwt_status	st;

	switch (jws_alg_family(alg))
	{
		case JWS_FAMILY_HMAC:
			if ((st = hmac(key, alg, data, len, expected, &expected_len)) != JWT_OK)
				return st;
			/* the length is public; the bytes are compared in constant time */
			if (sig_len != expected_len || CRYPTO_memcmp(sig, expected, expected_len) != 0)
				return JWT_TOKEN_SIGNATURE;
			return JWT_OK;
	}
	return JWT_ALG_UNKNOWN;
}
