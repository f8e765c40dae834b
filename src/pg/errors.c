/*
 * errors.c — jwt_auth's errors, raised in one place
 *
 * A bad token is SQLSTATE 28000 with the reason in errdetail; a bad
 * argument (algorithm, key, payload, header) is 22023; no active signing
 * key is 55000. No message ever carries key material or token text: the
 * core's details are fixed words.
 *
 * Nor does the server log: every error here is raised with errhidestmt,
 * so that under PostgreSQL's default log_min_error_statement (error) the
 * statement that failed, whose literals may hold a token, a secret or a
 * password, is not written after the error. (The SQL functions that take
 * a password or a token also run with log_min_error_statement = panic,
 * for the errors PostgreSQL raises inside them.)
 */
#include "jwt_auth.h"

#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"

void
jwt_auth_raise(jwt_status status, jws_alg alg, const char *claim)
{
	const char *detail = jwt_status_detail(status);

	if (JWT_STATUS_IS_TOKEN(status))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				errmsg("invalid token"),
				claim ? errdetail("%s (claim \"%s\")", detail, claim) : errdetail("%s", detail),
				errhidestmt(true));

	switch (status)
	{
		case JWT_ALG_UNKNOWN:
		case JWT_ALG_NONE:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unsupported algorithm"),
					errdetail("%s", detail),
					errhint("Supported algorithms are HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 and EdDSA."),
					errhidestmt(true));
			break;
		case JWT_KEY_SHORT:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid key"),
					errdetail("%s", detail),
					errhint("%s needs a key of at least %zu bytes (RFC 7518 section 3.2).",
							jws_alg_name(alg), jws_alg_hash_len(alg)),
					errhidestmt(true));
			break;
		case JWT_KEY_IS_PUBLIC:
		case JWT_KEY_INVALID:
		case JWT_KEY_UNSUPPORTED:
		case JWT_KEY_ALG_MISMATCH:
		case JWT_KEY_TYPE_MISMATCH:
		case JWT_KEY_CURVE_MISMATCH:
		case JWT_KEY_WEAK:
		case JWT_KEY_NOT_PRIVATE:
		case JWT_KEY_USE:
		case JWT_KEY_SET_SIGN:
		case JWT_KEY_SET_IMPORT:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid key"),
					errdetail("%s", detail),
					errhidestmt(true));
			break;
		case JWT_JWKS_INVALID:
		case JWT_JWKS_PRIVATE:
		case JWT_JWKS_SECRET:
		case JWT_JWKS_MIXED:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid JWK set"),
					errdetail("%s", detail),
					errhidestmt(true));
			break;
		case JWT_CLAIM_PATH:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid claim path"),
					errdetail("%s", detail),
					errhidestmt(true));
			break;
		case JWT_PAYLOAD_JSON:
		case JWT_PAYLOAD_DUPLICATE_NAME:
		case JWT_PAYLOAD_NOT_OBJECT:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid payload"),
					errdetail("%s", detail),
					errhidestmt(true));
			break;
		case JWT_HEADER_JSON:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid header"),
					errdetail("%s", detail),
					errhidestmt(true));
			break;
		case JWT_HEADER_RESERVED:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid header"),
					errdetail("%s", detail),
					errhint("Pass the algorithm as the alg argument."),
					errhidestmt(true));
			break;
		case JWT_LEEWAY_NEGATIVE:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("leeway must not be negative"),
					errhidestmt(true));
			break;
		case JWT_DATA_BASE64:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid base64url data"),
					errdetail("%s", detail),
					errhidestmt(true));
			break;
		case JWT_PGJWT_ALG:
			/* pgjwt's own error, which pgcrypto's hmac() raised for it: the same text */
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("Cannot use \"\": No such hash algorithm"),
					errdetail("%s", detail),
					errhidestmt(true));
			break;
		case JWT_HASH_FORMAT:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid password hash"),
					errdetail("%s", detail),
					errhint("Import a hash of one of these forms: bcrypt ($2a$, $2b$, $2y$, $2x$), md5-crypt ($1$), DES, "
							"SHA-crypt ($5$, $6$), Argon2 ($argon2id$, $argon2i$), passlib's $pbkdf2-sha256$, $pbkdf2-sha512$ and $pbkdf2$, "
							"Django's pbkdf2_sha256$, pbkdf2_sha1$, argon2$, bcrypt_sha256$ and bcrypt$, "
							"Werkzeug's pbkdf2:sha256:N$ and scrypt:N:r:p$."),
					errhidestmt(true));
			break;
		case JWT_HASH_PBKDF2_ITERATIONS:
		case JWT_HASH_SCRYPT_MEMORY:
		case JWT_HASH_SCRYPT_PARALLELISM:
		case JWT_HASH_ARGON2_MEMORY:
		case JWT_HASH_ARGON2_TIME:
		case JWT_HASH_ARGON2_LANES:
		case JWT_HASH_SHA_CRYPT_ROUNDS:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("password hash is out of bounds"),
					errdetail("%s", detail),
					errhint("Bounds keep a login from being a denial of service; the user can be created with user_create() instead."),
					errhidestmt(true));
			break;
		case JWT_NO_ACTIVE_KEY:
			ereport(ERROR,
					errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					errmsg("there is no active signing key"),
					errhint("Create one with jwt_auth.key_generate() or activate one with jwt_auth.key_set_status()."),
					errhidestmt(true));
			break;
		case JWT_NOMEM:
			ereport(ERROR,
					errcode(ERRCODE_OUT_OF_MEMORY),
					errmsg("out of memory"),
					errhidestmt(true));
			break;
		case JWT_CRYPTO:
			ereport(ERROR,
					errcode(ERRCODE_INTERNAL_ERROR),
					errmsg("cryptographic library failure"),
					errhidestmt(true));
			break;
		default:
			elog(ERROR, "jwt_auth: %s", detail);
	}
	pg_unreachable();
}

void
jwt_auth_raise_null(const char *name)
{
	ereport(ERROR,
			errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			errmsg("%s must not be null", name),
			errhidestmt(true));
}

void
jwt_auth_raise_standby(void)
{
	ereport(ERROR,
			errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
			errmsg("cannot log in, refresh or log out on a standby"),
			errhint("Send auth_login, auth_refresh, auth_logout and the user functions to the primary."),
			errhidestmt(true));
}

void
jwt_auth_raise_role_denied(const char *role, Oid roleid)
{
	ereport(ERROR,
			errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			errmsg("permission denied to become role \"%s\"", role),
			OidIsValid(roleid) ?
			errhint("GRANT %s TO %s, the role that calls authenticate().",
					quote_identifier(role),
					quote_identifier(GetUserNameFromId(GetSessionUserId(), false))) :
			errdetail("The token's role does not exist."),
			errhidestmt(true));
}

void
jwt_auth_raise_stored_key(const char *kid, jwt_status status)
{
	ereport(ERROR,
			errcode(ERRCODE_DATA_CORRUPTED),
			errmsg("stored key \"%s\" cannot be loaded", kid),
			errdetail("%s", jwt_status_detail(status)),
			errhidestmt(true));
}

void
jwt_auth_raise_stored_issuer(const char *issuer, jwt_status status)
{
	ereport(ERROR,
			errcode(ERRCODE_DATA_CORRUPTED),
			errmsg("issuer \"%s\" in jwt_auth.issuers cannot be loaded", issuer),
			errdetail("%s", jwt_status_detail(status)),
			errhidestmt(true));
}

/*
 * An error told the way PostgREST turns one into an HTTP response: SQLSTATE
 * PGRST, the message the JSON body it sends (code, message, details,
 * hint), the detail the status and headers. A refused token is 401 with
 * WWW-Authenticate: Bearer error="invalid_token" (RFC 6750), so that
 * clients refresh or log in again, as they do on 401 and only then.
 */
void
jwt_auth_raise_http(int status, const char *code, const char *message, const char *detail,
					const char *www_authenticate)
{
	StringInfoData body;
	StringInfoData response;

	initStringInfo(&body);
	appendStringInfoString(&body, "{\"code\":");
	escape_json(&body, code);
	appendStringInfoString(&body, ",\"message\":");
	escape_json(&body, message);
	appendStringInfoString(&body, ",\"details\":");
	escape_json(&body, detail ? detail : "");
	appendStringInfoString(&body, ",\"hint\":null}");
	initStringInfo(&response);
	appendStringInfo(&response, "{\"status\":%d,\"headers\":{", status);
	if (www_authenticate != NULL)
	{
		appendStringInfoString(&response, "\"WWW-Authenticate\":");
		escape_json(&response, www_authenticate);
	}
	appendStringInfoString(&response, "}}");
	ereport(ERROR,
			errcode(MAKE_SQLSTATE('P', 'G', 'R', 'S', 'T')),
			errmsg_internal("%s", body.data),
			errdetail_internal("%s", response.data),
			errhidestmt(true));
}
