/*
 * alg.c — the table of JWS algorithms
 */
#include "alg.h"

#include <string.h>

static const struct
{
	const char *name;
	jws_family	family;
	const char *digest;
	size_t		hash_len;
	const char *curve;			/* ES* only */
	size_t		ecdsa_sig_len;	/* ES* only: R||S */
}			algs[JWS_ALG_COUNT] = {
	[JWS_HS256] = {"HS256", JWS_FAMILY_HMAC, "SHA256", 32},
	[JWS_HS384] = {"HS384", JWS_FAMILY_HMAC, "SHA384", 48},
	[JWS_HS512] = {"HS512", JWS_FAMILY_HMAC, "SHA512", 64},
	[JWS_RS256] = {"RS256", JWS_FAMILY_RSA, "SHA256", 32},
	[JWS_RS384] = {"RS384", JWS_FAMILY_RSA, "SHA384", 48},
	[JWS_RS512] = {"RS512", JWS_FAMILY_RSA, "SHA512", 64},
	[JWS_PS256] = {"PS256", JWS_FAMILY_RSA_PSS, "SHA256", 32},
	[JWS_PS384] = {"PS384", JWS_FAMILY_RSA_PSS, "SHA384", 48},
	[JWS_PS512] = {"PS512", JWS_FAMILY_RSA_PSS, "SHA512", 64},
	[JWS_ES256] = {"ES256", JWS_FAMILY_ECDSA, "SHA256", 32, "P-256", 64},
	[JWS_ES384] = {"ES384", JWS_FAMILY_ECDSA, "SHA384", 48, "P-384", 96},
	[JWS_ES512] = {"ES512", JWS_FAMILY_ECDSA, "SHA512", 64, "P-521", 132},
	[JWS_EDDSA] = {"EdDSA", JWS_FAMILY_EDDSA, NULL, 0},
};

jwt_status
jws_alg_parse(const char *name, size_t len, jws_alg *alg)
{
	for (int i = JWS_ALG_INVALID + 1; i < JWS_ALG_COUNT; i++)
		if (strlen(algs[i].name) == len && memcmp(algs[i].name, name, len) == 0)
		{
			*alg = (jws_alg) i;
			return JWT_OK;
		}
	*alg = JWS_ALG_INVALID;
	if (len == 4 && memcmp(name, "none", 4) == 0)
		return JWT_ALG_NONE;
	return JWT_ALG_UNKNOWN;
}

const char *
jws_alg_name(jws_alg alg)
{
	return (alg > JWS_ALG_INVALID && alg < JWS_ALG_COUNT) ? algs[alg].name : "invalid";
}

jws_family
jws_alg_family(jws_alg alg)
{
	return algs[alg].family;
}

const char *
jws_alg_digest(jws_alg alg)
{
	return algs[alg].digest;
}

size_t
jws_alg_hash_len(jws_alg alg)
{
	return algs[alg].hash_len;
}

const char *
jws_alg_curve(jws_alg alg)
{
	return algs[alg].curve;
}

size_t
jws_alg_ecdsa_sig_len(jws_alg alg)
{
	return algs[alg].ecdsa_sig_len;
}
