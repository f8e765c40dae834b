/*
 * status.c — words for the core's result codes
 */
#include "status.h"

static const struct
{
	const char *name;
	const char *detail;
}			status_text[JWT_STATUS_COUNT] = {
	[JWT_OK] = {"ok", "no error"},
	[JWT_TOKEN_NULL] = {"token_null", "token is null"},
	[JWT_TOKEN_TOO_LARGE] = {"token_too_large", "token is larger than the size limit"},
	[JWT_TOKEN_SEGMENTS] = {"token_segments", "token does not have exactly three segments"},
	[JWT_TOKEN_BASE64] = {"token_base64", "token segment is not strict base64url"},
	[JWT_TOKEN_HEADER_JSON] = {"token_header_json", "token header is not a JSON object"},
	[JWT_TOKEN_PAYLOAD_JSON] = {"token_payload_json", "token payload is not a JSON object"},
	[JWT_TOKEN_DUPLICATE_NAME] = {"token_duplicate_name", "token repeats a member name"},
	[JWT_TOKEN_ALG_MISSING] = {"token_alg_missing", "token header has no alg string"},
	[JWT_TOKEN_ALG_MISMATCH] = {"token_alg_mismatch", "token algorithm does not match the expected algorithm"},
	[JWT_TOKEN_CRIT] = {"token_crit", "token header lists a critical extension that is not supported"},
	[JWT_TOKEN_B64] = {"token_b64", "token header asks for an unencoded payload, which is not supported"},
	[JWT_TOKEN_NOT_JWS] = {"token_not_jws", "token header is that of an encrypted token, not a signed one"},
	[JWT_TOKEN_SIGNATURE] = {"token_signature", "signature does not match"},
	[JWT_TOKEN_CLAIM_TYPE] = {"token_claim_type", "a registered claim has the wrong type"},
	[JWT_TOKEN_EXPIRED] = {"token_expired", "token has expired"},
	[JWT_TOKEN_NOT_YET_VALID] = {"token_not_yet_valid", "token is not valid yet"},
	[JWT_TOKEN_ISSUED_IN_FUTURE] = {"token_issued_in_future", "token was issued in the future"},
	[JWT_TOKEN_AUDIENCE] = {"token_audience", "token audience does not match"},
	[JWT_TOKEN_AUDIENCE_MISSING] = {"token_audience_missing", "token has no aud claim, and an audience is required"},
	[JWT_TOKEN_ISSUER] = {"token_issuer", "token issuer does not match"},
	[JWT_TOKEN_KID_UNKNOWN] = {"token_kid_unknown", "no key has the token's kid"},
	[JWT_TOKEN_KID_MISSING] = {"token_kid_missing", "token has no kid to pick its key with"},
	[JWT_TOKEN_KEY_REVOKED] = {"token_key_revoked", "the token's key has been revoked"},
	[JWT_TOKEN_KEY_INACTIVE] = {"token_key_inactive", "the token's key is not in use yet"},
	[JWT_TOKEN_KEY_UNSUITABLE] = {"token_key_unsuitable", "the key the token names cannot verify this algorithm"},
	[JWT_TOKEN_KID_TYPE] = {"token_kid_type", "token header kid is not a string"},
	[JWT_TOKEN_ISSUER_UNKNOWN] = {"token_issuer_unknown", "no key has the token's kid, and its issuer is not registered in jwt_auth.issuers"},
	[JWT_TOKEN_ISSUER_DISABLED] = {"token_issuer_disabled", "the token's issuer is disabled"},
	[JWT_TOKEN_ALG_NOT_ALLOWED] = {"token_alg_not_allowed", "the token's algorithm is not one its issuer may use"},
	[JWT_TOKEN_EXP_MISSING] = {"token_exp_missing", "token has no exp claim, which its issuer's tokens need"},
	[JWT_TOKEN_ROLE_TYPE] = {"token_role_type", "the role claim is not a string"},
	[JWT_TOKEN_ROLE_MISSING] = {"token_role_missing", "token names no role, and jwt_auth.default_role is not set"},
	[JWT_TOKEN_ROLE_PRIVILEGED] = {"token_role_privileged", "the token's role is a superuser or has BYPASSRLS, CREATEROLE or REPLICATION"},
	[JWT_TOKEN_ROLE_NOT_ALLOWED] = {"token_role_not_allowed", "the token's role is not one its issuer may grant"},
	[JWT_TOKEN_USER_MISSING] = {"token_user_missing", "the claim that names the user is missing or not a string"},
	/* the session checks keep the sentences that auth_refresh also says */
	[JWT_TOKEN_SID_INVALID] = {"token_sid_invalid", "The sid claim is not a session id."},
	[JWT_TOKEN_SESSION_UNKNOWN] = {"token_session_unknown", "The session does not exist."},
	[JWT_TOKEN_SESSION_REVOKED] = {"token_session_revoked", "The session is revoked."},
	[JWT_TOKEN_SESSION_EXPIRED] = {"token_session_expired", "The session has expired."},
	[JWT_TOKEN_SESSION_MISMATCH] = {"token_session_mismatch", "The token does not belong to its session."},
	[JWT_TOKEN_SESSION_GENERATION] = {"token_session_generation", "The token was minted by a refresh that did not commit, or its session has been refreshed twice since."},
	[JWT_TOKEN_USER_UNKNOWN] = {"token_user_unknown", "The user does not exist."},
	[JWT_TOKEN_USER_DISABLED] = {"token_user_disabled", "The user is disabled."},
	[JWT_TOKEN_LOGGED_OUT] = {"token_logged_out", "The token was issued before the user logged out everywhere."},
	[JWT_ALG_UNKNOWN] = {"alg_unknown", "algorithm is not supported"},
	[JWT_ALG_NONE] = {"alg_none", "algorithm \"none\" is never accepted"},
	[JWT_KEY_SHORT] = {"key_short", "HMAC key is shorter than the hash output"},
	[JWT_KEY_IS_PUBLIC] = {"key_is_public", "HMAC key is public-key material (PEM, JWK or OpenSSH key)"},
	[JWT_KEY_INVALID] = {"key_invalid", "key is malformed or of an unsupported form"},
	[JWT_KEY_UNSUPPORTED] = {"key_unsupported", "key type is not supported"},
	[JWT_KEY_ALG_MISMATCH] = {"key_alg_mismatch", "key is bound to another algorithm"},
	[JWT_KEY_TYPE_MISMATCH] = {"key_type_mismatch", "key type does not serve this algorithm"},
	[JWT_KEY_CURVE_MISMATCH] = {"key_curve_mismatch", "key curve does not match the algorithm"},
	[JWT_KEY_WEAK] = {"key_weak", "RSA key is shorter than 2048 bits"},
	[JWT_KEY_NOT_PRIVATE] = {"key_not_private", "signing needs a private key"},
	[JWT_KEY_USE] = {"key_use", "key is not meant for this operation"},
	[JWT_PAYLOAD_JSON] = {"payload_json", "payload is not valid JSON"},
	[JWT_PAYLOAD_DUPLICATE_NAME] = {"payload_duplicate_name", "payload repeats a member name"},
	[JWT_PAYLOAD_NOT_OBJECT] = {"payload_not_object", "payload is not a JSON object"},
	[JWT_HEADER_JSON] = {"header_json", "header fields are not a JSON object"},
	[JWT_HEADER_RESERVED] = {"header_reserved", "header fields may not set alg, crit, b64, enc or zip"},
	[JWT_LEEWAY_NEGATIVE] = {"leeway_negative", "leeway must not be negative"},
	[JWT_DATA_BASE64] = {"data_base64", "Only the URL-safe alphabet without padding is accepted."},
	[JWT_PGJWT_ALG] = {"pgjwt_alg", "pgjwt signs and verifies with HS256, HS384 and HS512 only"},
	[JWT_KEY_SET_SIGN] = {"key_set_sign", "A JWK set cannot sign: pass the one JWK to sign with."},
	[JWT_KEY_SET_IMPORT] = {"key_set_import", "A JWK set holds several keys; import them one at a time."},
	[JWT_JWKS_INVALID] = {"jwks_invalid", "A JWK set is a JSON object whose \"keys\" member is an array of JWKs."},
	[JWT_JWKS_PRIVATE] = {"jwks_private", "The JWK set holds private key material; an issuer's set is public."},
	[JWT_JWKS_SECRET] = {"jwks_secret", "The JWK set holds an HMAC secret (kty oct), which only a set pushed for an HMAC issuer may."},
	[JWT_JWKS_MIXED] = {"jwks_mixed", "The JWK set mixes HMAC secrets and public keys."},
	[JWT_CLAIM_PATH] = {"claim_path", "A claim path is one or more steps: .name, .\"any name\" or [index], e.g. .realm_access.roles[0]."},
	[JWT_HASH_FORMAT] = {"hash_format", "The hash is of no form jwt_auth reads, or is malformed."},
	[JWT_HASH_PBKDF2_ITERATIONS] = {"hash_pbkdf2_iterations", "PBKDF2 iterations must be between 1 and 10000000."},
	[JWT_HASH_SCRYPT_MEMORY] = {"hash_scrypt_memory", "scrypt memory (128 * N * r bytes) must be at most 256 MiB."},
	[JWT_HASH_SCRYPT_PARALLELISM] = {"hash_scrypt_parallelism", "scrypt parallelism p must be between 1 and 16."},
	[JWT_HASH_ARGON2_MEMORY] = {"hash_argon2_memory", "Argon2 memory m must be between 8 * p and 262144 KiB (256 MiB)."},
	[JWT_HASH_ARGON2_TIME] = {"hash_argon2_time", "Argon2 time cost t must be between 1 and 16."},
	[JWT_HASH_ARGON2_LANES] = {"hash_argon2_lanes", "Argon2 parallelism p must be between 1 and 64."},
	[JWT_HASH_SHA_CRYPT_ROUNDS] = {"hash_sha_crypt_rounds", "SHA-crypt rounds must be between 1000 and 10000000."},
	[JWT_NO_ACTIVE_KEY] = {"no_active_key", "there is no active signing key"},
	[JWT_NOMEM] = {"nomem", "out of memory"},
	[JWT_CRYPTO] = {"crypto", "cryptographic library failure"},
};

const char *
jwt_status_detail(jwt_status status)
{
	if ((unsigned) status >= JWT_STATUS_COUNT)
		return "unknown error";
	return status_text[status].detail;
}

const char *
jwt_status_name(jwt_status status)
{
	if ((unsigned) status >= JWT_STATUS_COUNT)
		return "unknown";
	return status_text[status].name;
}
