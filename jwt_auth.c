/*
 * jwt_auth.c — the extension's front door: module magic and settings
 *
 * What exists, by file. The glue, in src/pg/:
 *   src/pg/tokens.c     jwt_sign, jwt_verify, jwt_valid, jwt_decode, jws_sign,
 *                       jws_verify, base64url_encode/decode (with a key passed
 *                       in, or with the stored keys when there is none)
 *   src/pg/pgjwt.c      pgjwt's sign, verify, url_encode, url_decode
 *   src/pg/keystore.c   the stored keys (jwt_auth.keys), cached per backend;
 *                       the key generation and parsing behind key_generate and
 *                       key_import
 *   src/pg/context.c    authenticate(), pre_request(), claims(), claim(),
 *                       uid(), role()
 *   src/pg/standing.c   whether a verified token's session, user and iat still
 *                       stand
 *   src/pg/tokencache.c tokens verified with the stored keys, remembered per
 *                       backend so that a token is verified once
 *   src/pg/sessions.c   refresh tokens, and revoking a session in a background
 *                       worker's transaction of its own (reuse detection)
 *   src/pg/throttle.c   failed-login counters in shared memory (when preloaded)
 *   src/pg/fetch.c      issuers' keys fetched from their jwks_uri: _issuer_fetch,
 *                       the background worker (when preloaded), fetch requests
 *   src/pg/passwords.c  imported password hashes: the import check, and the
 *                       login's password check (crypt() for the bcrypt forms)
 *   src/pg/args.c       SQL arguments as core buffers and keys, parsed once per
 *                       call site
 *   src/pg/jsonb.c      JSON the core has parsed, as jsonb
 *   src/pg/errors.c     core result codes as PostgreSQL errors: the one place
 *                       that raises them
 *   src/pg/memory.c     the core's allocation hooks, pointed at the current
 *                       memory context
 *   src/pg/record.c     composite results filled by column name
 *   src/pg/jwt_auth.h   what the glue files share
 *   src/pg/compat.h     the PostgreSQL version guards
 * The pure core, in src/core/ (plain C on OpenSSL, no PostgreSQL header; the
 * list is src/core/core.mk):
 *   src/core/b64url.c   base64url, strict and lenient
 *   src/core/json.c     strict JSON into a flat token array
 *   src/core/alg.c      the table of JWS algorithms
 *   src/core/keys.c     keys: secrets, PEM, checks, generation, export
 *   src/core/jwk.c      JSON Web Keys and sets into keys
 *   src/core/crypto.c   HMAC, RSA, RSA-PSS, ECDSA and EdDSA over OpenSSL
 *   src/core/jws.c      compact JWS tokens
 *   src/core/claims.c   the registered claims' checks
 *   src/core/passwords.c  Django, Werkzeug and passlib password hashes: parsed,
 *                       bounded and verified (OpenSSL, libargon2, libxcrypt)
 *   src/core/http.c     one HTTPS GET with libcurl, under strict options
 *   src/core/status.c   words for the core's result codes
 *   src/core/mem.c      the allocation hooks the glue points elsewhere
 * The SQL surface is built from the files in src/sql/ (users, login and
 * sessions are SQL there); released scripts are kept in src/sql/versions/.
 *
 * Every setting that decides who gets in is PGC_SUSET: only a superuser
 * (or ALTER ROLE/DATABASE by one) changes it. The auth functions read the
 * time settings with current_setting(); the C code reads the rest here.
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "http.h"
#include "jwt_auth.h"
#include "passwords.h"

PG_MODULE_MAGIC;

int			jwt_auth_leeway = 30;
char	   *jwt_auth_issuer = NULL;
char	   *jwt_auth_audience = NULL;
char	   *jwt_auth_default_role = NULL;
bool		jwt_auth_trust_request_claims = false;
int			jwt_auth_max_failed_logins = 5;
int			jwt_auth_max_failed_logins_per_address = 100;
int			jwt_auth_lockout_time = 900;
int			jwt_auth_password_scheme = JWT_AUTH_PASSWORD_BCRYPT;
int			jwt_auth_argon2_memory = 19456;	/* KiB: OWASP's minimum for Argon2id, as t and p */
int			jwt_auth_argon2_time = 2;
int			jwt_auth_argon2_parallelism = 1;
static const struct config_enum_entry password_hash_options[] = {
	{"bcrypt", JWT_AUTH_PASSWORD_BCRYPT, false},
	{"argon2id", JWT_AUTH_PASSWORD_ARGON2ID, false},
	{NULL, 0, false}
};
char	   *jwt_auth_cookie_access = NULL;

/* cookie mode: read by the SQL that writes the Set-Cookie headers (current_setting) */
static char *cookie_refresh = NULL;
static char *cookie_csrf = NULL;
static char *cookie_refresh_path = NULL;
static int	cookie_samesite = 0;
static const struct config_enum_entry samesite_options[] = {
	{"lax", 0, false},
	{"strict", 1, false},
	{NULL, 0, false}
};

static int	access_ttl = 900;
static int	refresh_ttl = 30 * 86400;
static int	session_max_lifetime = 90 * 86400;
static int	refresh_reuse_interval = 10;
static int	bcrypt_cost = 10;
static int	min_password_length = 8;
/* the password lifecycle (src/sql/lifecycle.sql reads them with current_setting) */
static bool change_password_revokes_others = true;
static int	reset_token_lifetime = 3600;
static int	verification_token_lifetime = 86400;
static bool require_verified_email = false;
static bool signup_enabled = false;
/* fetching issuers' keys (src/pg/fetch.c; fetch.sql reads the two intervals) */
char	   *jwt_auth_fetch_database = NULL;
int			jwt_auth_fetch_timeout = 5000;	/* ms */
int			jwt_auth_fetch_max_size = 1024; /* kB */
char	   *jwt_auth_fetch_ca_file = NULL;
char	   *jwt_auth_fetch_allowed_hosts = NULL;
bool		jwt_auth_fetch_follow_redirects = false;
int			jwt_auth_fetch_cooldown = 30;
int			jwt_auth_fetch_wait = 2000; /* ms */
static int	fetch_min_interval = 300;
static int	fetch_max_interval = 86400;

extern PGDLLEXPORT void _PG_init(void);

/* a comma list of host names (http.c says what a host name may hold) */
static bool
check_host_list(char **newval, void **extra, GucSource source)
{
	if (jwt_http_hosts_check(*newval))
		return true;
	GUC_check_errdetail("A comma-separated list of host names is expected, such as 'login.example.com, example.eu.auth0.com'.");
	return false;
}

/* a cookie name: an RFC 6265 token (no separators, spaces or controls), not empty */
static bool
check_cookie_name(char **newval, void **extra, GucSource source)
{
	const char *c = *newval;

	if (c == NULL || *c == '\0')
		return false;
	for (; *c; c++)
		if (*c <= ' ' || *c >= 127 || strchr("()<>@,;:\\\"/[]?={}", *c) != NULL)
		{
			GUC_check_errdetail("A cookie name is letters, digits and !#$%%&'*+-.^_`|~ only.");
			return false;
		}
	return true;
}

/* a cookie path: starts with /, no ; or controls */
static bool
check_cookie_path(char **newval, void **extra, GucSource source)
{
	const char *c = *newval;

	if (c == NULL || *c != '/')
	{
		GUC_check_errdetail("A cookie path starts with /.");
		return false;
	}
	for (; *c; c++)
		if (*c < ' ' || *c == ';' || *c >= 127)
		{
			GUC_check_errdetail("A cookie path has no ; and no control character.");
			return false;
		}
	return true;
}

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
	DefineCustomIntVariable("jwt_auth.token_cache_entries",
							"Most tokens verified with the stored keys that each backend remembers, so as not to verify them again; 0: none.",
							NULL, &jwt_auth_token_cache_entries, 1024, 0, 1000000,
							PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.token_cache_size",
							"Most memory the tokens each backend remembers may take; 0: none.",
							NULL, &jwt_auth_token_cache_kb, 8192, 0, MAX_KILOBYTES,
							PGC_SUSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.access_ttl",
							"Lifetime of the access tokens auth_login and auth_refresh issue.",
							NULL, &access_ttl, 900, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.refresh_ttl",
							"Lifetime of a refresh token.",
							NULL, &refresh_ttl, 30 * 86400, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.session_max_lifetime",
							"Age after which a session can no longer be refreshed, however often it was.",
							NULL, &session_max_lifetime, 90 * 86400, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.refresh_reuse_interval",
							"How long a used refresh token still gets a fresh pair (concurrent clients); later reuse revokes the session.",
							NULL, &refresh_reuse_interval, 10, 0, 3600,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomEnumVariable("jwt_auth.password_hash",
							 "Scheme of new password hashes: bcrypt or argon2id; a user's hash of another scheme, or at lower costs, is re-hashed at its next good login.",
							 NULL, &jwt_auth_password_scheme, JWT_AUTH_PASSWORD_BCRYPT, password_hash_options,
							 PGC_SUSET, 0, NULL, NULL, NULL);
	/* the ranges are those an imported Argon2 hash must keep (passwords.h), m >= 8 p included */
	DefineCustomIntVariable("jwt_auth.argon2_memory",
							"Memory of a new Argon2id password hash (m).",
							NULL, &jwt_auth_argon2_memory, 19456, 1024, JWT_ARGON2_MAX_MEMORY_KIB,
							PGC_SUSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.argon2_time",
							"Passes of a new Argon2id password hash (t).",
							NULL, &jwt_auth_argon2_time, 2, 1, JWT_ARGON2_MAX_TIME,
							PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.argon2_parallelism",
							"Lanes of a new Argon2id password hash (p), computed one after another.",
							NULL, &jwt_auth_argon2_parallelism, 1, 1, JWT_ARGON2_MAX_LANES,
							PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.bcrypt_cost",
							"bcrypt cost of new password hashes; weaker hashes are re-hashed at the next good login.",
							NULL, &bcrypt_cost, 10, 4, 31,
							PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.min_password_length",
							"Shortest password user_create and user_set_password accept, in characters.",
							NULL, &min_password_length, 8, 1, 72,
							PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.max_failed_logins",
							"Failed logins per username within lockout_time before logins for it fail at once; 0: no limit.",
							"Needs jwt_auth in shared_preload_libraries.",
							&jwt_auth_max_failed_logins, 5, 0, INT_MAX,
							PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.max_failed_logins_per_address",
							"Failed logins per client address within lockout_time before logins from it fail at once; 0: no limit.",
							"Needs jwt_auth in shared_preload_libraries. Behind an application server every login comes from its address.",
							&jwt_auth_max_failed_logins_per_address, 100, 0, INT_MAX,
							PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.lockout_time",
							"Window in which failed logins are counted, and how long a lockout lasts.",
							NULL, &jwt_auth_lockout_time, 900, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomStringVariable("jwt_auth.default_role",
							   "Role of users who have none, and of tokens without a role claim; empty: such tokens are refused.",
							   NULL, &jwt_auth_default_role, "",
							   PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("jwt_auth.trust_request_claims",
							 "Whether claims() falls back to request.jwt.claims when neither authenticate() nor pre_request() verified a token.",
							 "Unsafe where clients run SQL of their own: any session can set request.jwt.claims.",
							 &jwt_auth_trust_request_claims, false,
							 PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("jwt_auth.cookie_access_name",
							   "Cookie that carries the access token in cookie mode (pre_request() reads it).",
							   NULL, &jwt_auth_cookie_access, "__Host-jwt_auth_access",
							   PGC_SUSET, 0, check_cookie_name, NULL, NULL);
	DefineCustomStringVariable("jwt_auth.cookie_refresh_name",
							   "Cookie that carries the refresh token in cookie mode, sent only on the refresh path.",
							   NULL, &cookie_refresh, "__Secure-jwt_auth_refresh",
							   PGC_SUSET, 0, check_cookie_name, NULL, NULL);
	DefineCustomStringVariable("jwt_auth.cookie_csrf_name",
							   "Cookie (readable by the page's script) that carries the CSRF token in cookie mode.",
							   NULL, &cookie_csrf, "__Host-jwt_auth_csrf",
							   PGC_SUSET, 0, check_cookie_name, NULL, NULL);
	DefineCustomStringVariable("jwt_auth.cookie_refresh_path",
							   "Path of the refresh cookie: the refresh endpoint, so that no other request sends it.",
							   NULL, &cookie_refresh_path, "/rpc/refresh",
							   PGC_SUSET, 0, check_cookie_path, NULL, NULL);
	DefineCustomEnumVariable("jwt_auth.cookie_samesite",
							 "SameSite attribute of the cookies: lax or strict.",
							 NULL, &cookie_samesite, 0, samesite_options,
							 PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("jwt_auth.change_password_revokes_others",
							 "Whether auth_change_password revokes every other session of the user.",
							 NULL, &change_password_revokes_others, true,
							 PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.reset_token_lifetime",
							"Lifetime of a password reset token (auth_reset_request).",
							NULL, &reset_token_lifetime, 3600, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.verification_token_lifetime",
							"Lifetime of an email verification token (auth_verification_request).",
							NULL, &verification_token_lifetime, 86400, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomBoolVariable("jwt_auth.require_verified_email",
							 "Whether auth_login refuses users whose email is not verified.",
							 NULL, &require_verified_email, false,
							 PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("jwt_auth.signup_enabled",
							 "Whether auth_signup creates users.",
							 NULL, &signup_enabled, false,
							 PGC_SUSET, 0, NULL, NULL, NULL);
	/* a server-start setting can only be made while the postmaster loads the library */
	if (process_shared_preload_libraries_in_progress)
		DefineCustomStringVariable("jwt_auth.database",
								   "Database whose issuers the key-fetching background worker serves.",
								   "Exists with jwt_auth in shared_preload_libraries.",
								   &jwt_auth_fetch_database, "postgres",
								   PGC_POSTMASTER, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.fetch_timeout",
							"Longest an issuer's key fetch may take, redirects included.",
							NULL, &jwt_auth_fetch_timeout, 5000, 100, 300000,
							PGC_SUSET, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.fetch_max_size",
							"Largest body an issuer's key fetch accepts; a bigger one fails the fetch.",
							NULL, &jwt_auth_fetch_max_size, 1024, 1, 65536,
							PGC_SUSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomStringVariable("jwt_auth.fetch_ca_file",
							   "CA certificates (a PEM file) that issuers' key servers are verified with; empty: the system's.",
							   NULL, &jwt_auth_fetch_ca_file, "",
							   PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("jwt_auth.fetch_allowed_hosts",
							   "Comma-separated host names that keys may be fetched from; empty: any host.",
							   NULL, &jwt_auth_fetch_allowed_hosts, "",
							   PGC_SUSET, 0, check_host_list, NULL, NULL);
	DefineCustomBoolVariable("jwt_auth.fetch_follow_redirects",
							 "Whether an issuer's key fetch follows redirects (https only, 3 at most).",
							 NULL, &jwt_auth_fetch_follow_redirects, false,
							 PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.fetch_min_interval",
							"Shortest time between two scheduled fetches of an issuer's keys (a lower max-age is raised to it).",
							NULL, &fetch_min_interval, 300, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.fetch_max_interval",
							"Longest time between two scheduled fetches of an issuer's keys (a higher max-age is lowered to it).",
							NULL, &fetch_max_interval, 86400, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.fetch_cooldown",
							"Shortest time between two fetches of an issuer's keys that tokens with unknown kids ask for, and the wait after a failed fetch.",
							NULL, &jwt_auth_fetch_cooldown, 30, 1, 86400,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("jwt_auth.fetch_wait",
							"Longest a token with an unknown kid waits for the fetch of its issuer's keys.",
							NULL, &jwt_auth_fetch_wait, 2000, 0, 60000,
							PGC_SUSET, GUC_UNIT_MS, NULL, NULL, NULL);
	MarkGUCPrefixReserved("jwt_auth");
	jwt_auth_memory_init();
	jwt_auth_keystore_init();
	jwt_auth_issuers_init();
	jwt_auth_context_init();
	jwt_auth_changes_init();
	jwt_auth_throttle_init();
	jwt_auth_fetch_init();
}

static Datum
seconds_interval(int seconds)
{
	Interval   *span = palloc0(sizeof(Interval));

	span->time = (int64) seconds * USECS_PER_SEC;
	return IntervalPGetDatum(span);
}

/*
 * _settings() returns the login settings, typed, for the SQL in
 * src/sql/sessions.sql and users.sql (and, being C, loads the library
 * that defines them before they are read)
 */
PG_FUNCTION_INFO_V1(jwt_auth_settings);
Datum
jwt_auth_settings(PG_FUNCTION_ARGS)
{
	jwt_auth_record r;

	jwt_auth_record_init_result(&r, fcinfo);
	jwt_auth_record_set(&r, "access_ttl", seconds_interval(access_ttl), false);
	jwt_auth_record_set(&r, "refresh_ttl", seconds_interval(refresh_ttl), false);
	jwt_auth_record_set(&r, "session_max_lifetime", seconds_interval(session_max_lifetime), false);
	jwt_auth_record_set(&r, "refresh_reuse_interval", seconds_interval(refresh_reuse_interval), false);
	jwt_auth_record_set(&r, "bcrypt_cost", Int32GetDatum(bcrypt_cost), false);
	jwt_auth_record_set(&r, "min_password_length", Int32GetDatum(min_password_length), false);
	jwt_auth_record_set(&r, "default_role", CStringGetTextDatum(jwt_auth_default_role),
						jwt_auth_default_role[0] == '\0');
	PG_RETURN_DATUM(jwt_auth_record_datum(&r));
}
