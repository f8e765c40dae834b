/*
 * keys.h — keys as the core sees them: built from raw bytes, text or a JWK,
 * checked against the algorithm they are asked to serve
 *
 * A key is bound to its family: an HMAC ("oct") key serves only HS
 * algorithms. A JWK's "alg", "use" and "key_ops" narrow it further. HMAC
 * secrets that look like public-key material (PEM, a JWK, an OpenSSH
 * public key) are refused, which closes the RS256-to-HS256 confusion.
 */
#ifndef JWT_AUTH_KEYS_H
#define JWT_AUTH_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alg.h"
#include "status.h"

typedef enum jwt_key_type
{
	JWT_KEY_OCT = 1
} jwt_key_type;

typedef enum jwt_key_op
{
	JWT_OP_SIGN = 1,
	JWT_OP_VERIFY = 2
} jwt_key_op;

typedef struct jwt_key
{
	jwt_key_type type;
	jws_alg		alg;			/* bound by a JWK's "alg", else JWS_ALG_INVALID */
	unsigned	ops;			/* JWT_OP_* this key may do */
	uint8_t    *secret;			/* HMAC secret (wiped on free) */
	size_t		secret_len;
	char	   *kid;			/* NUL-terminated, or NULL */
	void	   *mac[JWS_ALG_COUNT]; /* keyed HMAC contexts, made on first use */
} jwt_key;

/* a raw HMAC secret */
extern jwt_status jwt_key_from_secret(const uint8_t *secret, size_t len, jwt_key **key);

/* key text: for now an HMAC secret as its bytes */
extern jwt_status jwt_key_from_text(const char *text, size_t len, jwt_key **key);

/* a JWK (RFC 7517) in JSON text */
extern jwt_status jwt_key_from_jwk(const char *json, size_t len, jwt_key **key);

/*
 * May this key do op with alg? allow_short lets HMAC keys shorter than the
 * hash through (pgjwt compatibility only).
 */
extern jwt_status jwt_key_check(const jwt_key *key, jws_alg alg, jwt_key_op op, bool allow_short);

extern void jwt_key_free(jwt_key *key);

#endif
