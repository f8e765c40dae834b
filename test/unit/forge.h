/*
 * forge.h — building keys and tokens for the tests
 *
 * forge_token() signs any header and payload text as they are, so a test
 * can hand jws_verify() a header the core's own signer would never write
 * (alg "none", crit, duplicate names) and still have a correct signature:
 * what the test sees is then the header check, not a signature failure.
 */
#ifndef JWT_AUTH_FORGE_H
#define JWT_AUTH_FORGE_H

#include <stddef.h>

#include "alg.h"
#include "keys.h"

/* a key from a NUL-terminated secret; NULL (after a failed check) if the core refuses it */
extern jwt_key *forge_key(const char *secret);

/* the base64url text of bytes[0..n), malloc'd and NUL-terminated */
extern char *forge_b64(const void *bytes, size_t n);

/* b64(header) "." b64(payload) "." b64(HMAC with alg over the first two), malloc'd */
extern char *forge_token(jwt_key *key, jws_alg alg, const char *header, const char *payload);

/* the same with the signature segment given as text (may be "") */
extern char *forge_token_sig(const char *header, const char *payload, const char *sig_b64);

#endif
