/*
 * keys.h — keys as the core sees them: built from raw bytes, text (a secret
 * or PEM) or a JWK, checked against the algorithm they are asked to serve
 *
 * A key serves one family: an "oct" secret only HS algorithms, an RSA key
 * only RS and PS (2048 bits or more), an EC key only the ES variant of its
 * curve, an OKP key only EdDSA. A JWK's "alg", "use" and "key_ops" narrow
 * it further. HMAC secrets that look like public-key material (PEM, a JWK,
 * an OpenSSH key) are refused, which closes the RS256-to-HS256 confusion.
 */
#ifndef JWT_AUTH_KEYS_H
#define JWT_AUTH_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alg.h"
#include "status.h"

/* RSA moduli outside these bounds are refused */
#define JWT_RSA_MIN_BITS 2048
#define JWT_RSA_MAX_BITS 8192

typedef enum jwt_key_type
{
	JWT_KEY_OCT = 1,
	JWT_KEY_RSA,
	JWT_KEY_EC,
	JWT_KEY_OKP
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
	bool		has_private;	/* can sign */
	uint8_t    *secret;			/* oct: the HMAC secret (wiped on free) */
	size_t		secret_len;
	void	   *pkey;			/* RSA, EC, OKP: OpenSSL's EVP_PKEY */
	const char *curve;			/* EC: "P-256", "P-384", "P-521"; OKP: "Ed25519", "Ed448" */
	int			bits;			/* RSA: modulus bits */
	char	   *kid;			/* from a JWK; NUL-terminated, or NULL */
	void	   *mac[JWS_ALG_COUNT]; /* oct: keyed HMAC contexts, made on first use */
	void	   *sig[JWS_ALG_COUNT][2];	/* initialised sign [0] and verify [1]
										 * contexts: RSA, EC: EVP_PKEY_CTX, used
										 * as is; OKP: EVP_MD_CTX, copied per call */
} jwt_key;

/* a raw HMAC secret */
extern jwt_status jwt_key_from_secret(const uint8_t *secret, size_t len, jwt_key **key);

/*
 * Key text: PEM (a private key, a public key or a certificate) when it
 * starts with "-----BEGIN", else an HMAC secret as its bytes.
 */
extern jwt_status jwt_key_from_text(const char *text, size_t len, jwt_key **key);

/* a JWK (RFC 7517) in JSON text (jwk.c) */
extern jwt_status jwt_key_from_jwk(const char *json, size_t len, jwt_key **key);

/*
 * The key of a JWK set ({"keys": [...]}) whose kid is kid[0..kid_len); with
 * kid NULL, the set's only key. JWT_TOKEN_KID_UNKNOWN / _MISSING when there
 * is none to pick (jwk.c).
 */
extern jwt_status jwt_key_from_jwks(const char *json, size_t len,
									const char *kid, size_t kid_len, jwt_key **key);

/* is this JSON text a JWK set rather than a single JWK? (jwk.c) */
extern bool jwt_jwk_is_set(const char *json, size_t len);

/*
 * Is every key of a JWK set well formed (keys meant for other uses, such as
 * encryption, are allowed), and does the set not mix secret and public
 * keys? (jwk.c)
 */
extern jwt_status jwt_jwks_check(const char *json, size_t len);

/* the keys of a JWK set, in the set's order (jwk.c) */
typedef struct jwt_key_list
{
	jwt_key   **keys;
	size_t		n;
} jwt_key_list;

/*
 * Every key of a JWK set that can verify signatures (keys meant for other
 * uses, such as encryption, are skipped). An issuer's set: public keys
 * only (JWT_JWKS_PRIVATE for a private member), HMAC secrets only when
 * secret is true (JWT_JWKS_SECRET), never both (JWT_JWKS_MIXED), no kid
 * twice (JWT_JWKS_INVALID). Free with jwt_key_list_free().
 */
extern jwt_status jwt_jwks_keys(const char *json, size_t len, bool secret, jwt_key_list *list);
extern void jwt_key_list_free(jwt_key_list *list);

/* a new random key for alg: HS keys of the hash length, RSA 2048, EC/OKP on their curve */
extern jwt_status jwt_key_generate(jws_alg alg, jwt_key **key);

/*
 * May this key do op with alg? allow_short lets HMAC keys shorter than the
 * hash through (pgjwt compatibility only).
 */
extern jwt_status jwt_key_check(const jwt_key *key, jws_alg alg, jwt_key_op op, bool allow_short);

/*
 * The public members of an asymmetric key as JSON object text ("kty",
 * "crv", "n", "e", "x", "y"), jwt_malloc'd and NUL-terminated. Never a private
 * member; JWT_KEY_TYPE_MISMATCH for an oct key, which has no public part.
 */
extern jwt_status jwt_key_public_jwk(const jwt_key *key, char **json, size_t *len);

/*
 * The key's private material for storage, jwt_malloc'd: PKCS#8 PEM text for
 * asymmetric keys, the secret's bytes for oct keys. Wipe before freeing.
 */
extern jwt_status jwt_key_private_bytes(const jwt_key *key, uint8_t **out, size_t *len);

extern void jwt_key_free(jwt_key *key);

/* for jwk.c: adopt an EVP_PKEY (ownership passes) into a new key */
extern jwt_status jwt_key_from_pkey(void *pkey, bool has_private, jwt_key **key);

#endif
