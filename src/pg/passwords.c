/*
 * passwords.c — the SQL side of imported password hashes (core: passwords.c)
 *
 * _hash_import() checks and normalises a hash user_import() is given;
 * _password_verify() is auth_login's one password check, for every form;
 * _password_new() hashes a password under jwt_auth.password_hash (bcrypt
 * through pgcrypto, or Argon2id through the core), and _password_current()
 * says whether a stored hash is of that scheme at its costs.
 * The core parses and verifies; what only crypt() verifies (bcrypt,
 * md5-crypt, DES, and Django's bcrypt_sha256 after its SHA-256) goes to
 * pgcrypto's crypt(), the C function jwt_auth._crypt is bound to, called
 * here directly and its answer compared in constant time.
 */
#include "jwt_auth.h"

#include "utils/builtins.h"
#include "utils/guc.h"

#include "passwords.h"

/* pgcrypto's crypt(), looked up once per backend */
static text *
pgcrypto_crypt(const char *key, const char *setting)
{
	static PGFunction crypt_fn = NULL;

	if (crypt_fn == NULL)
		crypt_fn = load_external_function("$libdir/pgcrypto", "pg_crypt", true, NULL);
	return DatumGetTextPP(DirectFunctionCall2(crypt_fn, CStringGetTextDatum(key),
											  CStringGetTextDatum(setting)));
}

/* pgcrypto's gen_salt('bf', cost) */
static char *
pgcrypto_bcrypt_salt(int cost)
{
	static PGFunction gen_salt_fn = NULL;

	if (gen_salt_fn == NULL)
		gen_salt_fn = load_external_function("$libdir/pgcrypto", "pg_gen_salt_rounds", true, NULL);
	return text_to_cstring(DatumGetTextPP(DirectFunctionCall2(gen_salt_fn, CStringGetTextDatum("bf"),
															  Int32GetDatum(cost))));
}

/* the scheme and costs of new hashes, as set now */
static void
policy_now(jwt_password_policy *policy)
{
	policy->argon2id = jwt_auth_password_scheme == JWT_AUTH_PASSWORD_ARGON2ID;
	policy->bcrypt_cost = pg_strtoint32(GetConfigOption("jwt_auth.bcrypt_cost", false, false));
	policy->argon2_memory_kib = (uint32_t) jwt_auth_argon2_memory;
	policy->argon2_time = (uint32_t) jwt_auth_argon2_time;
	policy->argon2_lanes = (uint32_t) jwt_auth_argon2_parallelism;
}

/*
 * _password_new(password text) returns text: a new hash of the password
 * under jwt_auth.password_hash (no length rule: _password_hash applies
 * those; auth_login keeps a new hash only if it verifies the password).
 */
PG_FUNCTION_INFO_V1(jwt_auth_password_new);
Datum
jwt_auth_password_new(PG_FUNCTION_ARGS)
{
	text	   *password = PG_GETARG_TEXT_PP(0);
	jwt_password_policy policy;
	uint8_t		salt[JWT_ARGON2_SALT_LEN];
	char	   *out;

	policy_now(&policy);
	if (!policy.argon2id)
		PG_RETURN_TEXT_P(pgcrypto_crypt(text_to_cstring(password), pgcrypto_bcrypt_salt(policy.bcrypt_cost)));
	if (!pg_strong_random(salt, sizeof(salt)))
		jwt_auth_raise(JWT_CRYPTO, JWS_ALG_INVALID, NULL);
	jwt_auth_check(jwt_password_argon2id(VARDATA_ANY(password), VARSIZE_ANY_EXHDR(password), salt,
										 &policy, &out), JWS_ALG_INVALID);
	PG_RETURN_TEXT_P(cstring_to_text(out));
}

/*
 * _password_current(password_hash text) returns boolean: whether a stored
 * hash is of the scheme and at the costs a new one would get (no re-hash).
 */
PG_FUNCTION_INFO_V1(jwt_auth_password_current);
Datum
jwt_auth_password_current(PG_FUNCTION_ARGS)
{
	text	   *hash = PG_GETARG_TEXT_PP(0);
	jwt_password_policy policy;

	policy_now(&policy);
	PG_RETURN_BOOL(jwt_password_is_current(VARDATA_ANY(hash), VARSIZE_ANY_EXHDR(hash), &policy));
}

/*
 * _hash_import(password_hash text) returns text: the hash as stored, or
 * error 22023 naming the form or the bound it misses.
 */
PG_FUNCTION_INFO_V1(jwt_auth_hash_import);
Datum
jwt_auth_hash_import(PG_FUNCTION_ARGS)
{
	text	   *hash;
	char	   *out;
	size_t		out_len;
	jwt_password_scheme scheme;
	text	   *check;

	if (PG_ARGISNULL(0))
		jwt_auth_raise(JWT_HASH_FORMAT, JWS_ALG_INVALID, NULL);
	hash = PG_GETARG_TEXT_PP(0);
	jwt_auth_check(jwt_password_import(VARDATA_ANY(hash), VARSIZE_ANY_EXHDR(hash), &out, &out_len,
									   &scheme), JWS_ALG_INVALID);
	/* crypt() must read it as the hash it looks like: its answer is as long */
	if (scheme == JWT_PW_CRYPT)
	{
		check = pgcrypto_crypt("", out);
		if (VARSIZE_ANY_EXHDR(check) != out_len)
			jwt_auth_raise(JWT_HASH_FORMAT, JWS_ALG_INVALID, NULL);
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, out_len));
}

/*
 * _password_verify(password text, hash text) returns boolean: whether the
 * password matches the stored hash; false for a hash out of bounds or of
 * no known form, never an error.
 */
PG_FUNCTION_INFO_V1(jwt_auth_password_verify);
Datum
jwt_auth_password_verify(PG_FUNCTION_ARGS)
{
	text	   *password = PG_GETARG_TEXT_PP(0);
	char	   *hash = text_to_cstring(PG_GETARG_TEXT_PP(1));
	jwt_crypt_call call;
	bool		match;
	text	   *result;

	jwt_auth_check(jwt_password_verify(VARDATA_ANY(password), VARSIZE_ANY_EXHDR(password),
									   hash, strlen(hash), &match, &call), JWS_ALG_INVALID);
	if (call.key != NULL)
	{
		result = pgcrypto_crypt(call.key, call.setting);
		match = jwt_crypt_call_matches(&call, VARDATA_ANY(result), VARSIZE_ANY_EXHDR(result));
		jwt_crypt_call_free(&call);
	}
	PG_RETURN_BOOL(match);
}
