/*
 * test_passwords.c — imported password hashes: every form the libraries make
 * verifies, the bcrypt forms are normalised for pgcrypto, and every bound is
 * refused at import with its own code
 *
 * The hashes in password_vectors.h were made by Django, Werkzeug, passlib
 * and argon2-cffi (see password_vectors.py). Where the core hands a hash to
 * crypt() (bcrypt: pgcrypto in the extension), libxcrypt's bcrypt stands in
 * for it here.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "passwords.h"
#include "unit.h"

#include "password_vectors.h"

#define NVECTORS (sizeof(password_vectors) / sizeof(password_vectors[0]))

/* 32 and 16 zero bytes, in base64 with and without padding */
#define B64_32 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define B64_16 "AAAAAAAAAAAAAAAAAAAAAA"
#define HEX_64 "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
#define CRYPT_43 "..........................................."

/* the stored form of an imported hash, or NULL with the status in *st */
static char *
imported(const char *hash, jwt_status *st, jwt_password_scheme *scheme)
{
	char	   *out = NULL;
	size_t		len = 0;

	*st = jwt_password_import(hash, strlen(hash), &out, &len, scheme);
	return out;
}

/* does the password match the stored hash, crypt() played by libxcrypt's bcrypt */
static bool
matches(const char *password, const char *stored)
{
	jwt_crypt_call call;
	bool		match = false;

	if (!CHECK_STATUS(jwt_password_verify(password, strlen(password), stored, strlen(stored),
										  &match, &call), JWT_OK))
		return false;
	if (call.key != NULL)
	{
		struct crypt_data data;
		const char *r;

		memset(&data, 0, sizeof(data));
		r = crypt_rn(call.key, call.setting, &data, sizeof(data));
		match = jwt_crypt_call_matches(&call, r, r ? strlen(r) : 0);
		jwt_crypt_call_free(&call);
	}
	return match;
}

static void
every_library_hash_verifies_with_its_password_and_no_other(void)
{
	for (size_t i = 0; i < NVECTORS; i++)
	{
		const struct password_vector *v = &password_vectors[i];
		jwt_status	st;
		jwt_password_scheme scheme;
		char	   *stored = imported(v->hash, &st, &scheme);
		char		wrong[256];

		if (!CHECK_STATUS(st, JWT_OK))
		{
			unit_diag("vector", v->name);
			continue;
		}
		snprintf(wrong, sizeof(wrong), "%sx", v->password);
		if (!CHECK(matches(v->password, stored)))
			unit_diag("no match", v->name);
		if (!CHECK(!matches(wrong, stored)))
			unit_diag("wrong password matched", v->name);
		CHECK(!matches("", stored));
		jwt_free(stored);
	}
}

static void
each_form_is_read_as_its_scheme(void)
{
	static const struct
	{
		const char *name;
		jwt_password_scheme scheme;
	}			want[] = {
		{"django_pbkdf2_sha256", JWT_PW_PBKDF2}, {"django_pbkdf2_sha1", JWT_PW_PBKDF2},
		{"django_argon2", JWT_PW_ARGON2}, {"django_bcrypt_sha256", JWT_PW_BCRYPT_SHA256},
		{"django_bcrypt", JWT_PW_CRYPT}, {"werkzeug_pbkdf2_sha256", JWT_PW_PBKDF2},
		{"werkzeug_scrypt", JWT_PW_SCRYPT}, {"passlib_pbkdf2_sha512", JWT_PW_PBKDF2},
		{"passlib_sha256_crypt", JWT_PW_SHA_CRYPT}, {"passlib_sha512_crypt", JWT_PW_SHA_CRYPT},
		{"passlib_argon2i", JWT_PW_ARGON2}, {"argon2_cffi", JWT_PW_ARGON2},
		{"passlib_bcrypt_2y", JWT_PW_CRYPT},
	};

	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++)
		for (size_t i = 0; i < NVECTORS; i++)
			if (strcmp(password_vectors[i].name, want[w].name) == 0)
			{
				jwt_status	st;
				jwt_password_scheme scheme;
				char	   *stored = imported(password_vectors[i].hash, &st, &scheme);

				if (!CHECK(st == JWT_OK && scheme == want[w].scheme))
					unit_diag("vector", want[w].name);
				jwt_free(stored);
			}
}

static void
bcrypt_forms_are_stored_as_2a_for_pgcrypto(void)
{
	jwt_status	st;
	jwt_password_scheme scheme;
	char	   *s;

	s = imported("$2b$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy", &st, &scheme);
	CHECK(st == JWT_OK && strcmp(s, "$2a$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy") == 0);
	jwt_free(s);
	s = imported("$2y$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy", &st, &scheme);
	CHECK(st == JWT_OK && strcmp(s, "$2a$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy") == 0);
	jwt_free(s);
	/* Django's bcrypt$ is plain bcrypt: the prefix goes */
	s = imported("bcrypt$$2b$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy", &st, &scheme);
	CHECK(st == JWT_OK && scheme == JWT_PW_CRYPT &&
		  strcmp(s, "$2a$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy") == 0);
	jwt_free(s);
	/* bcrypt_sha256$ stays: the password is prehashed */
	s = imported("bcrypt_sha256$$2b$04$LgXBXexyOc49pg1iLxWcaeVkN6x2omsmWUaLYZXZwg11zlt2k73dC", &st, &scheme);
	CHECK(st == JWT_OK && scheme == JWT_PW_BCRYPT_SHA256 &&
		  strcmp(s, "bcrypt_sha256$$2a$04$LgXBXexyOc49pg1iLxWcaeVkN6x2omsmWUaLYZXZwg11zlt2k73dC") == 0);
	jwt_free(s);
	/* the other forms are kept as given */
	s = imported(password_vectors[0].hash, &st, &scheme);
	CHECK(st == JWT_OK && strcmp(s, password_vectors[0].hash) == 0);
	jwt_free(s);
}

static void
bcrypt_sha256_gives_crypt_the_hex_sha256_of_the_password(void)
{
	const char *stored = "bcrypt_sha256$$2a$04$LgXBXexyOc49pg1iLxWcaeVkN6x2omsmWUaLYZXZwg11zlt2k73dC";
	const char *pw = PASSWORD_VECTOR_PASSWORD;
	jwt_crypt_call call;
	bool		match = true;

	CHECK_STATUS(jwt_password_verify(pw, strlen(pw), stored, strlen(stored), &match, &call), JWT_OK);
	CHECK(!match);
	if (CHECK(call.key != NULL))
	{
		CHECK_TEXT(call.key, call.key_len, PASSWORD_VECTOR_SHA256_HEX);
		CHECK(strcmp(call.setting, stored + 14) == 0);
	}
	jwt_crypt_call_free(&call);
}

/* the status import gives a hash */
static jwt_status
import_status(const char *hash)
{
	jwt_status	st;
	jwt_password_scheme scheme;

	jwt_free(imported(hash, &st, &scheme));
	return st;
}

static void
costs_beyond_the_bounds_are_refused_at_import_with_their_code(void)
{
	/* PBKDF2: 1 to 10,000,000 iterations, in every framework's form */
	CHECK_STATUS(import_status("pbkdf2_sha256$10000000$salt$" B64_32), JWT_OK);
	CHECK_STATUS(import_status("pbkdf2_sha256$10000001$salt$" B64_32), JWT_HASH_PBKDF2_ITERATIONS);
	CHECK_STATUS(import_status("pbkdf2_sha256$0$salt$" B64_32), JWT_HASH_PBKDF2_ITERATIONS);
	CHECK_STATUS(import_status("pbkdf2:sha256:99999999$salt$" "0000000000000000000000000000000000000000000000000000000000000000"),
				 JWT_HASH_PBKDF2_ITERATIONS);
	CHECK_STATUS(import_status("$pbkdf2-sha256$20000000$c2FsdA$" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
				 JWT_HASH_PBKDF2_ITERATIONS);
	/* scrypt: 128 * N * r at most 256 MiB, p 1 to 16 */
	CHECK_STATUS(import_status("scrypt:262144:8:1$salt$" HEX_64), JWT_OK);
	CHECK_STATUS(import_status("scrypt:524288:8:1$salt$" HEX_64), JWT_HASH_SCRYPT_MEMORY);
	CHECK_STATUS(import_status("scrypt:16384:256:1$salt$" HEX_64), JWT_HASH_SCRYPT_MEMORY);
	/* N and r so large that 128 * N * r wraps around 2^64 */
	CHECK_STATUS(import_status("scrypt:8589934592:2147483648:1$salt$" HEX_64), JWT_HASH_SCRYPT_MEMORY);
	CHECK_STATUS(import_status("scrypt:2:9999999999:1$salt$" HEX_64), JWT_HASH_SCRYPT_MEMORY);
	CHECK_STATUS(import_status("scrypt:16384:8:16$salt$" HEX_64), JWT_OK);
	CHECK_STATUS(import_status("scrypt:16384:8:17$salt$" HEX_64), JWT_HASH_SCRYPT_PARALLELISM);
	CHECK_STATUS(import_status("scrypt:16384:8:0$salt$" HEX_64), JWT_HASH_SCRYPT_PARALLELISM);
	/* Argon2: m at most 256 MiB, t 1 to 16, p 1 to 64 */
	CHECK_STATUS(import_status("$argon2id$v=19$m=262144,t=16,p=64$c2FsdHNhbHQ$" B64_16), JWT_OK);
	CHECK_STATUS(import_status("$argon2id$v=19$m=262145,t=2,p=1$c2FsdHNhbHQ$" B64_16), JWT_HASH_ARGON2_MEMORY);
	CHECK_STATUS(import_status("$argon2id$v=19$m=16,t=2,p=4$c2FsdHNhbHQ$" B64_16), JWT_HASH_ARGON2_MEMORY);
	CHECK_STATUS(import_status("$argon2i$v=19$m=65536,t=17,p=1$c2FsdHNhbHQ$" B64_16), JWT_HASH_ARGON2_TIME);
	CHECK_STATUS(import_status("argon2$argon2id$v=19$m=65536,t=0,p=1$c2FsdHNhbHQ$" B64_16), JWT_HASH_ARGON2_TIME);
	CHECK_STATUS(import_status("$argon2id$v=19$m=65536,t=2,p=65$c2FsdHNhbHQ$" B64_16), JWT_HASH_ARGON2_LANES);
	/* SHA-crypt: 1,000 to 10,000,000 rounds */
	CHECK_STATUS(import_status("$5$rounds=10000000$salt$" CRYPT_43), JWT_OK);
	CHECK_STATUS(import_status("$5$rounds=10000001$salt$" CRYPT_43), JWT_HASH_SHA_CRYPT_ROUNDS);
	CHECK_STATUS(import_status("$5$rounds=999$salt$" CRYPT_43), JWT_HASH_SHA_CRYPT_ROUNDS);
	CHECK_STATUS(import_status("$6$rounds=4294967295$salt$" CRYPT_43 CRYPT_43), JWT_HASH_SHA_CRYPT_ROUNDS);
}

static void
a_stored_hash_beyond_a_bound_never_matches_and_costs_nothing(void)
{
	/* 4 billion SHA-crypt rounds or 10 GiB of scrypt would take minutes: none is run */
	CHECK(!matches("x", "$6$rounds=4000000000$salt$" CRYPT_43 CRYPT_43));
	CHECK(!matches("x", "scrypt:67108864:16:1$salt$" HEX_64));
	CHECK(!matches("x", "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$" B64_16));
	CHECK(!matches("x", "pbkdf2_sha256$2000000000$salt$" B64_32));
}

static void
malformed_hashes_are_refused(void)
{
	static const char *const bad[] = {
		"", "x", "plain", "$2a$", "$2a$03$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy",
		"$2a$32$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy",
		"$2c$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy",
		"$2a$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGO",
		"pbkdf2_sha256$1000$salt$AAAA",		/* digest not 32 bytes */
		"pbkdf2_sha256$01000$salt$" B64_32,	/* a leading zero */
		"pbkdf2_sha256$1000$$" B64_32,	/* no salt */
		"pbkdf2_md5$1000$salt$" B64_32,
		"pbkdf2_sha256$1000$salt$" B64_32 "$",
		"pbkdf2_sha256$-1$salt$" B64_32,
		"pbkdf2:sha256$salt$" "0000000000000000000000000000000000000000000000000000000000000000",	/* no iterations */
		"pbkdf2:sha256:1000$salt$" "000000000000000000000000000000000000000000000000000000000000000G",
		"scrypt$salt$" HEX_64,
		"scrypt:1000:8:1$salt$" HEX_64,	/* N not a power of 2 */
		"scrypt:65536:1:1$salt$" HEX_64,	/* N not under 2^(16 r), which scrypt needs */
		"scrypt:1024:8:1$salt$00",
		"$pbkdf2-sha256$1000$c2FsdA$" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",	/* '+' is not ab64 */
		"$pbkdf2-md5$1000$c2FsdA$AAAA",
		"$argon2d$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$" B64_16,
		"$argon2id$v=18$m=65536,t=2,p=1$c2FsdHNhbHQ$" B64_16,
		"$argon2id$v=19$t=2,m=65536,p=1$c2FsdHNhbHQ$" B64_16,
		"$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$" B64_16,	/* salt under 8 bytes */
		"$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$" B64_16 "=",
		"$5$salt$" CRYPT_43 ".",
		"$5$rounds=$salt$" CRYPT_43,
		"$5$saltsaltsaltsaltsalt$" CRYPT_43,	/* salt over 16 */
		"$6$salt$" CRYPT_43,
		"bcrypt$$1$salt$0123456789012345678901",
		"bcrypt_sha256$pbkdf2_sha256$1000$salt$" B64_32,
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!CHECK_STATUS(import_status(bad[i]), JWT_HASH_FORMAT))
			unit_diag("hash", bad[i]);
	CHECK_STATUS(import_status("scrypt:32768:1:1$salt$" HEX_64), JWT_OK);
	CHECK_STATUS(import_status("$1$saltsalt$0123456789012345678901"), JWT_OK);
	CHECK_STATUS(import_status("_J9..salt0123456789a"), JWT_OK);
	CHECK_STATUS(import_status("sa0123456789a"), JWT_OK);
}

static void
a_stored_2b_hash_is_not_handed_to_crypt(void)
{
	/* import writes $2a$; pgcrypto would read a stored $2b$ as DES */
	const char *stored = "$2b$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy";
	jwt_crypt_call call;
	bool		match = true;

	CHECK_STATUS(jwt_password_verify("x", 1, stored, strlen(stored), &match, &call), JWT_OK);
	CHECK(!match && call.key == NULL);
	jwt_crypt_call_free(&call);
}

static void
a_password_longer_than_its_scheme_reads_never_matches(void)
{
	char		pw[JWT_PASSWORD_MAX_LEN + 2];
	const char *pbkdf2 = NULL,
			   *bcrypt = NULL;
	jwt_crypt_call call;
	bool		match = true;

	memset(pw, 'a', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';
	for (size_t i = 0; i < NVECTORS; i++)
	{
		if (strcmp(password_vectors[i].name, "werkzeug_pbkdf2_sha256") == 0)
			pbkdf2 = password_vectors[i].hash;
		if (strcmp(password_vectors[i].name, "passlib_bcrypt_2b") == 0)
			bcrypt = password_vectors[i].hash;
	}
	if (!CHECK(pbkdf2 != NULL && bcrypt != NULL))
		return;
	/* 1025 bytes against PBKDF2, 73 against bcrypt: no match, no crypt() call */
	CHECK_STATUS(jwt_password_verify(pw, JWT_PASSWORD_MAX_LEN + 1, pbkdf2, strlen(pbkdf2), &match, &call), JWT_OK);
	CHECK(!match && call.key == NULL);
	CHECK_STATUS(jwt_password_verify(pw, JWT_PASSWORD_CRYPT_MAX_LEN + 1, "$2a$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy",
									 60, &match, &call), JWT_OK);
	CHECK(!match && call.key == NULL);
	/* and 72 bytes do reach crypt() */
	CHECK_STATUS(jwt_password_verify(pw, JWT_PASSWORD_CRYPT_MAX_LEN, "$2a$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy",
									 60, &match, &call), JWT_OK);
	CHECK(call.key != NULL && call.key_len == JWT_PASSWORD_CRYPT_MAX_LEN);
	jwt_crypt_call_free(&call);
}

static void
a_new_argon2id_hash_verifies_and_is_current_at_its_costs(void)
{
	jwt_password_policy policy = {true, 10, 64, 2, 2};
	const uint8_t salt[JWT_ARGON2_SALT_LEN] = "0123456789abcdef";
	char	   *h = NULL;

	if (!CHECK_STATUS(jwt_password_argon2id("pw", 2, salt, &policy, &h), JWT_OK))
		return;
	CHECK(strncmp(h, "$argon2id$v=19$m=64,t=2,p=2$MDEyMzQ1Njc4OWFiY2RlZg$", 51) == 0);
	CHECK(strlen(h) == 51 + 43);
	CHECK(matches("pw", h));
	CHECK(!matches("pW", h));
	CHECK(jwt_password_is_current(h, strlen(h), &policy));
	/* higher costs wanted, or bcrypt: not current */
	policy.argon2_memory_kib = 128;
	CHECK(!jwt_password_is_current(h, strlen(h), &policy));
	policy.argon2_memory_kib = 64;
	policy.argon2_time = 3;
	CHECK(!jwt_password_is_current(h, strlen(h), &policy));
	policy.argon2id = false;
	CHECK(!jwt_password_is_current(h, strlen(h), &policy));
	jwt_free(h);
}

static void
bcrypt_is_current_at_the_cost_or_higher(void)
{
	jwt_password_policy policy = {false, 10, 19456, 2, 1};
	const char *b10 = "$2a$10$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy";
	const char *b04 = "$2a$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy";
	const char *b12x = "$2x$12$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy";
	const char *sha = "bcrypt_sha256$$2a$12$LgXBXexyOc49pg1iLxWcaeVkN6x2omsmWUaLYZXZwg11zlt2k73dC";

	CHECK(jwt_password_is_current(b10, strlen(b10), &policy));
	CHECK(!jwt_password_is_current(b04, strlen(b04), &policy));
	CHECK(!jwt_password_is_current(b12x, strlen(b12x), &policy));
	CHECK(!jwt_password_is_current(sha, strlen(sha), &policy));
	CHECK(!jwt_password_is_current("$1$saltsalt$0123456789012345678901", 34, &policy));
	policy.argon2id = true;
	CHECK(!jwt_password_is_current(b10, strlen(b10), &policy));
}

void
passwords_tests(void)
{
	RUN(every_library_hash_verifies_with_its_password_and_no_other);
	RUN(each_form_is_read_as_its_scheme);
	RUN(bcrypt_forms_are_stored_as_2a_for_pgcrypto);
	RUN(bcrypt_sha256_gives_crypt_the_hex_sha256_of_the_password);
	RUN(costs_beyond_the_bounds_are_refused_at_import_with_their_code);
	RUN(a_stored_hash_beyond_a_bound_never_matches_and_costs_nothing);
	RUN(malformed_hashes_are_refused);
	RUN(a_stored_2b_hash_is_not_handed_to_crypt);
	RUN(a_password_longer_than_its_scheme_reads_never_matches);
	RUN(a_new_argon2id_hash_verifies_and_is_current_at_its_costs);
	RUN(bcrypt_is_current_at_the_cost_or_higher);
}
