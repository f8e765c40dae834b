/*
 * alg.h — the JWS algorithms jwt_auth knows (RFC 7518 section 3)
 *
 * Names are matched exactly and case-sensitively: "hs256" is not HS256,
 * and "none" is refused by name so that no caller can ask for it. Each
 * algorithm belongs to one family, and a key serves exactly one family.
 */
#ifndef JWT_AUTH_ALG_H
#define JWT_AUTH_ALG_H

#include <stddef.h>

#include "status.h"

typedef enum jws_alg
{
	JWS_ALG_INVALID = 0,
	JWS_HS256,
	JWS_HS384,
	JWS_HS512,
	JWS_RS256,
	JWS_RS384,
	JWS_RS512,
	JWS_PS256,
	JWS_PS384,
	JWS_PS512,
	JWS_ES256,
	JWS_ES384,
	JWS_ES512,
	JWS_EDDSA,
	JWS_ALG_COUNT
} jws_alg;

typedef enum jws_family
{
	JWS_FAMILY_HMAC = 1,		/* HS*: oct keys */
	JWS_FAMILY_RSA,				/* RS*: RSASSA-PKCS1-v1_5, RSA keys */
	JWS_FAMILY_RSA_PSS,			/* PS*: RSASSA-PSS, RSA keys */
	JWS_FAMILY_ECDSA,			/* ES*: EC keys on the algorithm's curve */
	JWS_FAMILY_EDDSA			/* EdDSA: OKP keys, Ed25519 or Ed448 */
} jws_family;

/* JWT_OK, JWT_ALG_NONE or JWT_ALG_UNKNOWN */
extern jwt_status jws_alg_parse(const char *name, size_t len, jws_alg *alg);
extern const char *jws_alg_name(jws_alg alg);
extern jws_family jws_alg_family(jws_alg alg);
/* OpenSSL's name for the algorithm's hash, e.g. "SHA256"; NULL for EdDSA */
extern const char *jws_alg_digest(jws_alg alg);
/* bytes of the hash output; also the shortest HMAC key RFC 7518 section 3.2 allows */
extern size_t jws_alg_hash_len(jws_alg alg);
/* ES*: the JWK name of the curve ("P-256") and the bytes of R||S (64) */
extern const char *jws_alg_curve(jws_alg alg);
extern size_t jws_alg_ecdsa_sig_len(jws_alg alg);

#endif
