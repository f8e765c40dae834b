/*
 * jwt_auth.c — the extension's front door: module magic and settings
 *
 * What exists, by file:
 *   src/tokens.c   jwt_sign, jwt_verify, jwt_valid, jwt_decode, jws_sign,
 *                  jws_verify, base64url_encode/decode
 *   src/pgjwt.c    pgjwt's sign, verify, url_encode, url_decode
 *   src/keystore.c the stored keys (jwt_auth.keys), cached per backend
 *   src/args.c     SQL arguments as core buffers and keys
 *   src/errors.c   core result codes as PostgreSQL errors
 * The pure core (no PostgreSQL header) is listed in src/core.mk.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "src/jwt_auth.h"

PG_MODULE_MAGIC;

int			jwt_auth_leeway = 30;
char	   *jwt_auth_issuer = NULL;
char	   *jwt_auth_audience = NULL;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("jwt_auth.leeway",
							"Clock skew allowed when checking exp, nbf and iat.",
							NULL,
							&jwt_auth_leeway,
							30, 0, 3600,
							PGC_SUSET,
							GUC_UNIT_S,
							NULL, NULL, NULL);
	DefineCustomStringVariable("jwt_auth.issuer",
							   "Issuer a verified token must name in iss; empty: not checked.",
							   NULL,
							   &jwt_auth_issuer,
							   "",
							   PGC_SUSET,
							   0,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("jwt_auth.audience",
							   "Audience a verified token must name in aud; empty: tokens with aud are refused.",
							   NULL,
							   &jwt_auth_audience,
							   "",
							   PGC_SUSET,
							   0,
							   NULL, NULL, NULL);
	MarkGUCPrefixReserved("jwt_auth");
	jwt_auth_keystore_init();
}
