/*
 * b64url.h — base64url without padding (RFC 7515 section 2, RFC 4648 section 5)
 *
 * The strict decoder is the one tokens go through: only the URL-safe
 * alphabet, no padding, no whitespace, and the unused low bits of the last
 * character must be zero, so every byte string has exactly one encoding.
 * The lenient decoder exists for pgjwt's url_decode and nothing else.
 */
#ifndef JWT_AUTH_B64URL_H
#define JWT_AUTH_B64URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* characters needed to encode n bytes (no padding, no terminator) */
static inline size_t
b64url_encoded_len(size_t n)
{
	return (n / 3) * 4 + ((n % 3) ? (n % 3) + 1 : 0);
}

/* bytes an encoding of n characters decodes to, at most */
static inline size_t
b64url_decoded_max(size_t n)
{
	return (n / 4) * 3 + 2;
}

/* writes b64url_encoded_len(n) characters to out; returns that count */
extern size_t b64url_encode(const uint8_t *in, size_t n, char *out);

/*
 * Strict decode of n characters into out (room for b64url_decoded_max(n)).
 * Returns false on any character outside the alphabet, an impossible
 * length, or non-zero trailing bits.
 */
extern bool b64url_decode(const char *in, size_t n, uint8_t *out, size_t *outlen);

/*
 * pgjwt-compatible decode: either alphabet (-_ or +/), optional '=' padding
 * at the end. Still false for anything else, never a guess.
 */
extern bool b64url_decode_lenient(const char *in, size_t n, uint8_t *out, size_t *outlen);

#endif
