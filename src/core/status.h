/*
 * status.h — the result codes of jwt_auth's pure core
 *
 * Every core function returns one of these. The PostgreSQL glue maps each
 * to an SQLSTATE and message in one place (errors.c); the unit tests and
 * the fuzzer read them directly. jwt_status_detail() gives the reason in
 * words: it never contains key material or token text.
 */
#ifndef JWT_AUTH_STATUS_H
#define JWT_AUTH_STATUS_H

typedef enum jwt_status
{
	JWT_OK = 0,

	/* the token is bad: SQLSTATE 28000 */
	JWT_TOKEN_NULL,
	JWT_TOKEN_TOO_LARGE,
	JWT_TOKEN_SEGMENTS,
	JWT_TOKEN_BASE64,
	JWT_TOKEN_HEADER_JSON,
	JWT_TOKEN_PAYLOAD_JSON,
	JWT_TOKEN_DUPLICATE_NAME,
	JWT_TOKEN_ALG_MISSING,
	JWT_TOKEN_ALG_MISMATCH,
	JWT_TOKEN_CRIT,
	JWT_TOKEN_B64,
	JWT_TOKEN_NOT_JWS,
	JWT_TOKEN_SIGNATURE,
	JWT_TOKEN_CLAIM_TYPE,
	JWT_TOKEN_EXPIRED,
	JWT_TOKEN_NOT_YET_VALID,
	JWT_TOKEN_ISSUED_IN_FUTURE,
	JWT_TOKEN_AUDIENCE,
	JWT_TOKEN_AUDIENCE_MISSING,
	JWT_TOKEN_ISSUER,
	JWT_TOKEN_KID_UNKNOWN,
	JWT_TOKEN_KID_MISSING,
	JWT_TOKEN_KEY_REVOKED,
	JWT_TOKEN_KEY_INACTIVE,
	JWT_TOKEN_KEY_UNSUITABLE,
	JWT_TOKEN_KID_TYPE,
	/* ... a token of another issuer (jwt_auth.issuers) that it may not send */
	JWT_TOKEN_ISSUER_UNKNOWN,
	JWT_TOKEN_ISSUER_DISABLED,
	JWT_TOKEN_ALG_NOT_ALLOWED,
	JWT_TOKEN_EXP_MISSING,
	/* ... and a verified token that no longer stands, or that may not act (the glue's checks) */
	JWT_TOKEN_ROLE_TYPE,
	JWT_TOKEN_ROLE_MISSING,
	JWT_TOKEN_ROLE_PRIVILEGED,
	JWT_TOKEN_ROLE_NOT_ALLOWED,
	JWT_TOKEN_USER_MISSING,
	JWT_TOKEN_SID_INVALID,
	JWT_TOKEN_SESSION_UNKNOWN,
	JWT_TOKEN_SESSION_REVOKED,
	JWT_TOKEN_SESSION_EXPIRED,
	JWT_TOKEN_SESSION_MISMATCH,
	JWT_TOKEN_SESSION_GENERATION,
	JWT_TOKEN_USER_UNKNOWN,
	JWT_TOKEN_USER_DISABLED,
	JWT_TOKEN_LOGGED_OUT,

	/* the caller's arguments are bad: SQLSTATE 22023 */
	JWT_ALG_UNKNOWN,
	JWT_ALG_NONE,
	JWT_KEY_SHORT,
	JWT_KEY_IS_PUBLIC,
	JWT_KEY_INVALID,
	JWT_KEY_UNSUPPORTED,
	JWT_KEY_ALG_MISMATCH,
	JWT_KEY_TYPE_MISMATCH,
	JWT_KEY_CURVE_MISMATCH,
	JWT_KEY_WEAK,
	JWT_KEY_NOT_PRIVATE,
	JWT_KEY_USE,
	JWT_PAYLOAD_JSON,
	JWT_PAYLOAD_DUPLICATE_NAME,
	JWT_PAYLOAD_NOT_OBJECT,
	JWT_HEADER_JSON,
	JWT_HEADER_RESERVED,
	JWT_LEEWAY_NEGATIVE,
	JWT_DATA_BASE64,
	JWT_PGJWT_ALG,
	JWT_KEY_SET_SIGN,
	JWT_KEY_SET_IMPORT,
	/* ... an issuer's JWK set or claim path (jwt_auth.issuers) */
	JWT_JWKS_INVALID,
	JWT_JWKS_PRIVATE,
	JWT_JWKS_SECRET,
	JWT_JWKS_MIXED,
	JWT_CLAIM_PATH,
	/* ... an imported password hash: of no known form, or beyond a bound (passwords.h) */
	JWT_HASH_FORMAT,
	JWT_HASH_PBKDF2_ITERATIONS,
	JWT_HASH_SCRYPT_MEMORY,
	JWT_HASH_SCRYPT_PARALLELISM,
	JWT_HASH_ARGON2_MEMORY,
	JWT_HASH_ARGON2_TIME,
	JWT_HASH_ARGON2_LANES,
	JWT_HASH_SHA_CRYPT_ROUNDS,

	/* the key store cannot serve: SQLSTATE 55000 */
	JWT_NO_ACTIVE_KEY,

	/* the machine failed */
	JWT_NOMEM,
	JWT_CRYPTO,

	JWT_STATUS_COUNT
} jwt_status;

/* true for the codes that mean "this token is not acceptable" */
#define JWT_STATUS_IS_TOKEN(s) ((s) >= JWT_TOKEN_NULL && (s) <= JWT_TOKEN_LOGGED_OUT)

/* a short reason in words, lower case, no period: safe to show a user */
extern const char *jwt_status_detail(jwt_status status);

/* a stable name for the code, e.g. "token_expired": for tests and logs */
extern const char *jwt_status_name(jwt_status status);

#endif
