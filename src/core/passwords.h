/*
 * passwords.h — password hashes that users bring from other frameworks
 *
 * Reads and verifies the stored forms of Django, Werkzeug and passlib, so
 * that their users log in unchanged and get the configured scheme at their
 * next good login. The algorithms are the libraries': OpenSSL 3 (PBKDF2,
 * scrypt, SHA-256), libargon2 (Argon2i, Argon2id) and libxcrypt (SHA-crypt).
 * bcrypt, md5-crypt and DES stay pgcrypto's: for those the core only names
 * what to give crypt() (jwt_crypt_call) and the glue calls it.
 *
 * Every cost an imported hash names is bounded (JWT_HASH_* codes), so that
 * a hash cannot make a login a denial of service: import refuses it, and
 * a stored hash out of bounds never matches and costs nothing.
 */
#ifndef JWT_AUTH_PASSWORDS_H
#define JWT_AUTH_PASSWORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* the bounds an imported hash must keep */
#define JWT_PBKDF2_MAX_ITERATIONS 10000000
#define JWT_SCRYPT_MAX_MEMORY (256u * 1024 * 1024)	/* 128 * N * r bytes */
#define JWT_SCRYPT_MAX_P 16
#define JWT_ARGON2_MAX_MEMORY_KIB (256u * 1024)
#define JWT_ARGON2_MAX_TIME 16
#define JWT_ARGON2_MAX_LANES 64
#define JWT_SHA_CRYPT_MIN_ROUNDS 1000
#define JWT_SHA_CRYPT_MAX_ROUNDS 10000000
#define JWT_PASSWORD_HASH_MAX_LEN 1024

/*
 * The longest password each kind of hash is checked with, in bytes: bcrypt
 * reads 72 (a longer one never matches, as it never did); SHA-crypt's work
 * grows with the password's length; the others hash it once.
 */
#define JWT_PASSWORD_CRYPT_MAX_LEN 72
#define JWT_PASSWORD_SHA_CRYPT_MAX_LEN 256
#define JWT_PASSWORD_MAX_LEN 1024

typedef enum jwt_password_scheme
{
	JWT_PW_CRYPT,				/* bcrypt $2a$/$2x$, md5-crypt $1$, DES: pgcrypto's crypt() */
	JWT_PW_BCRYPT_SHA256,		/* Django's bcrypt_sha256: crypt() of the hex SHA-256 */
	JWT_PW_PBKDF2,				/* Django pbkdf2_*, Werkzeug pbkdf2:*, passlib $pbkdf2-* */
	JWT_PW_SCRYPT,				/* Werkzeug scrypt:N:r:p */
	JWT_PW_ARGON2,				/* PHC $argon2i$/$argon2id$, bare or after Django's argon2 */
	JWT_PW_SHA_CRYPT			/* $5$, $6$ */
} jwt_password_scheme;

/* a crypt() call the glue makes: the password matches when crypt(key, setting) = setting */
typedef struct jwt_crypt_call
{
	char	   *key;			/* jwt_malloc'd, NUL-terminated; free with jwt_crypt_call_free */
	size_t		key_len;
	const char *setting;		/* inside the hash passed in, NUL-terminated there */
	size_t		setting_len;
} jwt_crypt_call;

/* the scheme of a hash whose syntax and bounds are right; else a JWT_HASH_* code */
extern jwt_status jwt_password_scheme_of(const char *hash, size_t len, jwt_password_scheme *scheme);

/*
 * A hash to import, checked and normalised into *out (jwt_malloc'd,
 * NUL-terminated): bcrypt's $2b$ and $2y$ become $2a$, which pgcrypto reads
 * as bcrypt; Django's "bcrypt$" prefix goes (the rest is plain bcrypt). The
 * other forms are kept as they are. For JWT_PW_CRYPT results the glue still
 * asks crypt() whether it reads the hash.
 */
extern jwt_status jwt_password_import(const char *hash, size_t len, char **out, size_t *out_len,
									  jwt_password_scheme *scheme);

/*
 * Does the password match a stored hash (as jwt_password_import left it,
 * NUL-terminated at hash[len])? For the schemes verified here, *match is
 * the answer, compared in constant time. For JWT_PW_CRYPT and
 * JWT_PW_BCRYPT_SHA256, call->key is set and the glue asks crypt(); then
 * *match is false until it does. A hash that does not parse, or is out of
 * bounds, or a password longer than its scheme reads: no match, no work.
 */
extern jwt_status jwt_password_verify(const char *password, size_t password_len,
									  const char *hash, size_t len,
									  bool *match, jwt_crypt_call *call);

/*
 * The scheme new passwords are hashed with (jwt_auth.password_hash), and
 * its costs: a stored hash of another scheme or at lower costs is re-hashed
 * at the user's next good login.
 */
typedef struct jwt_password_policy
{
	bool		argon2id;		/* else bcrypt */
	int			bcrypt_cost;
	uint32_t	argon2_memory_kib;
	uint32_t	argon2_time;
	uint32_t	argon2_lanes;
} jwt_password_policy;

#define JWT_ARGON2_SALT_LEN 16
#define JWT_ARGON2_HASH_LEN 32

/* is a stored hash of the policy's scheme, at its costs or higher? */
extern bool jwt_password_is_current(const char *hash, size_t len, const jwt_password_policy *policy);

/*
 * A new Argon2id (version 19) hash of the password under the policy's
 * costs, with the caller's random salt, as a PHC string (jwt_malloc'd):
 * $argon2id$v=19$m=..,t=..,p=..$salt$hash, as argon2-cffi writes one.
 */
extern jwt_status jwt_password_argon2id(const char *password, size_t password_len,
										const uint8_t salt[JWT_ARGON2_SALT_LEN],
										const jwt_password_policy *policy, char **out);

/* crypt()'s answer compared with the setting, in constant time */
extern bool jwt_crypt_call_matches(const jwt_crypt_call *call, const char *result, size_t result_len);

/* wipes and frees call->key */
extern void jwt_crypt_call_free(jwt_crypt_call *call);

#endif
