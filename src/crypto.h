/*
 * crypto.h — signing and checking bytes with a key, on OpenSSL 3's EVP API
 *
 * The only file that calls OpenSSL's MAC and signature primitives. Keyed
 * HMAC contexts are made once per key and algorithm and reset for each
 * use, and the HMAC implementation is fetched once per process.
 */
#ifndef JWT_AUTH_CRYPTO_H
#define JWT_AUTH_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "alg.h"
#include "keys.h"
#include "status.h"

/* the longest signature any supported algorithm makes */
#define JWT_MAX_SIG_LEN 64

/* sign data; sig needs room for JWT_MAX_SIG_LEN bytes. The key must have passed jwt_key_check. */
extern jwt_status jwt_crypto_sign(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
								  uint8_t *sig, size_t *sig_len);

/* JWT_OK when sig is data's signature under key, else JWT_TOKEN_SIGNATURE; constant time */
extern jwt_status jwt_crypto_verify(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
									const uint8_t *sig, size_t sig_len);

#endif
