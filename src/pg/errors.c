/*
 * errors.c — core result codes to PostgreSQL errors, in one place
 *
 * A bad token is SQLSTATE 28000 with the reason in errdetail; a bad
 * argument (algorithm, key, payload, header) is 22023. No message ever
 * carries key material or token text: the core's details are fixed words.
 */
#include "jwt_auth.h"

void
jwt_auth_raise(jwt_status status, jws_alg alg, const char *claim)
{
	const char *detail = jwt_status_detail(status);

	if (JWT_STATUS_IS_TOKEN(status))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				errmsg("invalid token"),
				claim ? errdetail("%s (claim \"%s\")", detail, claim) : errdetail("%s", detail));

	switch (status)
	{
		case JWT_ALG_UNKNOWN:
		case JWT_ALG_NONE:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unsupported algorithm"),
					errdetail("%s", detail),
					errhint("Supported algorithms are HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 and EdDSA."));
			break;
		case JWT_KEY_SHORT:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid key"),
					errdetail("%s", detail),
					errhint("%s needs a key of at least %zu bytes (RFC 7518 section 3.2).",
							jws_alg_name(alg), jws_alg_hash_len(alg)));
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
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid key"),
					errdetail("%s", detail));
			break;
		case JWT_PAYLOAD_JSON:
		case JWT_PAYLOAD_DUPLICATE_NAME:
		case JWT_PAYLOAD_NOT_OBJECT:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid payload"),
					errdetail("%s", detail));
			break;
		case JWT_HEADER_JSON:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid header"),
					errdetail("%s", detail));
			break;
		case JWT_HEADER_RESERVED:
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid header"),
					errdetail("%s", detail),
					errhint("Pass the algorithm as the alg argument."));
			break;
		case JWT_NO_ACTIVE_KEY:
			ereport(ERROR,
					errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					errmsg("there is no active signing key"));
			break;
		case JWT_NOMEM:
			ereport(ERROR,
					errcode(ERRCODE_OUT_OF_MEMORY),
					errmsg("out of memory"));
			break;
		default:
			elog(ERROR, "jwt_auth: %s", detail);
	}
	pg_unreachable();
}
