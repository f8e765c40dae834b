/*
 * test_alg.c — algorithm names: exact, case-sensitive, and never "none"
 */
#include <string.h>

#include "alg.h"
#include "unit.h"

static jwt_status
parse_alg(const char *name, jws_alg *alg)
{
	return jws_alg_parse(name, strlen(name), alg);
}

static void
hmac_algorithm_names_parse_to_their_algorithms(void)
{
	jws_alg		alg;

	if (CHECK_STATUS(parse_alg("HS256", &alg), JWT_OK))
		CHECK(alg == JWS_HS256);
	if (CHECK_STATUS(parse_alg("HS384", &alg), JWT_OK))
		CHECK(alg == JWS_HS384);
	if (CHECK_STATUS(parse_alg("HS512", &alg), JWT_OK))
		CHECK(alg == JWS_HS512);
	CHECK(strcmp(jws_alg_name(JWS_HS384), "HS384") == 0);
	CHECK(strcmp(jws_alg_name(JWS_ALG_INVALID), "invalid") == 0);
}

static void
hmac_algorithms_use_the_matching_hash(void)
{
	CHECK(strcmp(jws_alg_digest(JWS_HS256), "SHA256") == 0 && jws_alg_hash_len(JWS_HS256) == 32);
	CHECK(strcmp(jws_alg_digest(JWS_HS384), "SHA384") == 0 && jws_alg_hash_len(JWS_HS384) == 48);
	CHECK(strcmp(jws_alg_digest(JWS_HS512), "SHA512") == 0 && jws_alg_hash_len(JWS_HS512) == 64);
}

static void
algorithm_names_are_case_sensitive_and_exact(void)
{
	static const char *const names[] = {"hs256", "Hs256", "HS256 ", " HS256", "HS25", "HS2560",
	"HS256\n", "", "rs256", "ES257", "EDDSA", "Ed25519", "HS1"};
	jws_alg		alg = JWS_HS256;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK_STATUS(parse_alg(names[i], &alg), JWT_ALG_UNKNOWN);
	CHECK(alg == JWS_ALG_INVALID);
	CHECK_STATUS(jws_alg_parse("HS256\0", 6, &alg), JWT_ALG_UNKNOWN);
}

static void
algorithm_none_is_refused_by_name(void)
{
	jws_alg		alg = JWS_HS256;

	CHECK_STATUS(parse_alg("none", &alg), JWT_ALG_NONE);
	CHECK(alg == JWS_ALG_INVALID);
	CHECK_STATUS(parse_alg("None", &alg), JWT_ALG_UNKNOWN);
}

void
alg_tests(void)
{
	RUN(hmac_algorithm_names_parse_to_their_algorithms);
	RUN(hmac_algorithms_use_the_matching_hash);
	RUN(algorithm_names_are_case_sensitive_and_exact);
	RUN(algorithm_none_is_refused_by_name);
}
