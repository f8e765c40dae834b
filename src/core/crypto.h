/*
 * crypto.h — signing and checking bytes with a key, on OpenSSL 3's EVP API
 *
 * The only file that calls OpenSSL's MAC and signature primitives. Keyed
 * HMAC contexts are made once per key and algorithm and reset for each
 * use; digests and the HMAC implementation are fetched once per process.
 * ECDSA signatures travel as JWS wants them: raw R||S, each of the curve's
 * length (RFC 7518 section 3.4), never DER.
 */
#ifndef JWT_AUTH_CRYPTO_H
#define JWT_AUTH_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "alg.h"
#include "keys.h"
#include "status.h"

/* the longest signature any supported key makes: RSA at JWT_RSA_MAX_BITS */
#define JWT_MAX_SIG_LEN (JWT_RSA_MAX_BITS / 8)

/* sign data; sig needs room for JWT_MAX_SIG_LEN bytes. The key must have passed jwt_key_check. */
extern jwt_status jwt_crypto_sign(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
								  uint8_t *sig, size_t *sig_len);

/* JWT_OK when sig is data's signature under key, else JWT_TOKEN_SIGNATURE; MACs in constant time */
extern jwt_status jwt_crypto_verify(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
									const uint8_t *sig, size_t sig_len);

#endif
