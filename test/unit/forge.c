/*
 * forge.c — keys and hand-made tokens for the tests
 */
#include "forge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "crypto.h"
#include "unit.h"

jwt_key *
forge_key(const char *secret)
{
	jwt_key    *key = NULL;

	if (!CHECK_STATUS(jwt_key_from_secret((const uint8_t *) secret, strlen(secret), &key),
					  JWT_OK))
		return NULL;
	return key;
}

char *
forge_b64(const void *bytes, size_t n)
{
	char	   *s = malloc(b64url_encoded_len(n) + 1);

	s[b64url_encode(bytes, n, s)] = '\0';
	return s;
}

char *
forge_token_sig(const char *header, const char *payload, const char *sig_b64)
{
	char	   *h = forge_b64(header, strlen(header));
	char	   *p = forge_b64(payload, strlen(payload));
	size_t		cap = strlen(h) + strlen(p) + strlen(sig_b64) + 3;
	char	   *t = malloc(cap);

	snprintf(t, cap, "%s.%s.%s", h, p, sig_b64);
	free(h);
	free(p);
	return t;
}

char *
forge_token(jwt_key *key, jws_alg alg, const char *header, const char *payload)
{
	char	   *unsigned_token = forge_token_sig(header, payload, "");
	size_t		input_len = strlen(unsigned_token) - 1;	/* without the last dot */
	uint8_t		sig[JWT_MAX_SIG_LEN];
	size_t		sig_len = 0;
	char	   *sig_b64,
			   *t;

	CHECK_STATUS(jwt_crypto_sign(key, alg, (const uint8_t *) unsigned_token, input_len,
								 sig, &sig_len), JWT_OK);
	sig_b64 = forge_b64(sig, sig_len);
	t = malloc(strlen(unsigned_token) + strlen(sig_b64) + 1);
	sprintf(t, "%s%s", unsigned_token, sig_b64);
	free(unsigned_token);
	free(sig_b64);
	return t;
}
