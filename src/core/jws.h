/*
 * jws.h — JWS compact serialization (RFC 7515 section 7.1): split, check, sign, verify
 *
 * jws_verify() is the core's parse-and-verify entry point: size cap, three
 * segments, strict base64url, a JSON-object header without duplicate names,
 * the header's alg equal to the one the caller pinned, no crit, no
 * unencoded payload, then the signature. The payload is returned as bytes;
 * what it means (JWT claims or anything else) is the caller's business.
 */
#ifndef JWT_AUTH_JWS_H
#define JWT_AUTH_JWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alg.h"
#include "json.h"
#include "keys.h"
#include "status.h"

/* tokens longer than this are refused before anything is decoded */
#define JWS_MAX_TOKEN_LENGTH (256 * 1024)

typedef struct jws_token
{
	size_t		signing_input_len;	/* BASE64URL(header) '.' BASE64URL(payload) */
	uint8_t    *header;			/* decoded segments, all in one allocation */
	size_t		header_len;
	uint8_t    *payload;
	size_t		payload_len;
	uint8_t    *signature;
	size_t		signature_len;
	json_doc	hdoc;			/* the parsed header */
} jws_token;

/* syntax only: segments, base64url, header JSON. Free with jws_token_free(). */
extern jwt_status jws_parse(const char *text, size_t len, jws_token *tok);

/* the header rules for a token the caller expects to be signed with alg */
extern jwt_status jws_check_header(const jws_token *tok, jws_alg alg);

/*
 * The header's kid as a jwt_malloc'd NUL-terminated string (*kid NULL when the
 * header has none); JWT_TOKEN_KID_TYPE when kid is not a string.
 */
extern jwt_status jws_kid(const jws_token *tok, char **kid, size_t *kid_len);

/*
 * The header's alg, for a verifier that lets the token name it from a list
 * it then checks: JWT_TOKEN_ALG_MISSING without an alg string,
 * JWT_TOKEN_ALG_NOT_ALLOWED for "none" or a name not known.
 */
extern jwt_status jws_header_alg(const jws_token *tok, jws_alg *alg);

/* a parsed token's rules and signature: the key may verify with alg, the header obeys */
extern jwt_status jws_verify_parsed(const jws_token *tok, const char *text, jwt_key *key,
									jws_alg alg, bool allow_short_key);

/*
 * Everything: the token parses, the key may verify with alg, the header
 * obeys the rules, the signature matches. On JWT_OK the caller owns tok.
 */
extern jwt_status jws_verify(const char *text, size_t len, jwt_key *key, jws_alg alg,
							 bool allow_short_key, jws_token *tok);

extern void jws_token_free(jws_token *tok);

/*
 * Build and sign a token. The header is {"alg":...} then "typ" (when typ
 * is not NULL and extra does not set it) then the members of extra, a JSON
 * object text (may be NULL) that must not set alg, crit or b64. The result
 * is jwt_malloc'd and NUL-terminated.
 */
extern jwt_status jws_sign(jwt_key *key, jws_alg alg, const char *typ,
						   const char *extra, size_t extra_len,
						   const uint8_t *payload, size_t payload_len,
						   bool allow_short_key, char **out, size_t *out_len);

/*
 * jws_sign in two steps, for a signer that uses one header for many
 * tokens: the header as jws_sign builds it, base64url-encoded (jwt_malloc'd,
 * NUL-terminated), then a token with that encoded header.
 */
extern jwt_status jws_header_encode(jws_alg alg, const char *typ,
									const char *extra, size_t extra_len,
									char **out, size_t *out_len);
extern jwt_status jws_sign_encoded(jwt_key *key, jws_alg alg,
								   const char *header, size_t header_len,
								   const uint8_t *payload, size_t payload_len,
								   bool allow_short_key, char **out, size_t *out_len);

#endif
