/*
 * test_claims.c — registered claims: time limits with leeway, audience,
 * issuer, claim types, claims made ready for signing, another issuer's
 * rules (several audiences, exp required) and claim paths
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimpath.h"
#include "claims.h"
#include "unit.h"

#define NOW 1700000000.0

/* the claims' status and the claim it blames, for one payload text */
typedef struct outcome
{
	jwt_status	status;
	const char *claim;
} outcome;

static outcome
check_with(const char *payload, const jwt_claim_rules *rules)
{
	outcome		o;

	o.status = jwt_claims_check(payload, strlen(payload), rules, &o.claim);
	return o;
}

/* the clock at NOW, no leeway, no audience or issuer expected */
static outcome
check(const char *payload)
{
	jwt_claim_rules rules = {.now = NOW};

	return check_with(payload, &rules);
}

static outcome
check_leeway(const char *payload, double leeway)
{
	jwt_claim_rules rules = {.now = NOW, .leeway = leeway};

	return check_with(payload, &rules);
}

static outcome
check_audience(const char *payload, const char *audience)
{
	jwt_claim_rules rules = {.now = NOW, .audience = audience,
	.audience_len = audience ? strlen(audience) : 0};

	return check_with(payload, &rules);
}

static outcome
check_issuer(const char *payload, const char *issuer)
{
	jwt_claim_rules rules = {.now = NOW, .issuer = issuer, .issuer_len = strlen(issuer)};

	return check_with(payload, &rules);
}

/* a payload with one claim `name` set to the number NOW + offset */
static const char *
at(const char *name, double offset)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "{\"sub\":\"u1\",\"%s\":%.1f}", name, NOW + offset);
	return buf;
}

static bool
blames(outcome o, const char *claim)
{
	if (claim == NULL)
		return o.claim == NULL;
	return o.claim != NULL && strcmp(o.claim, claim) == 0;
}

static void
token_is_expired_from_exp_on(void)
{
	CHECK_STATUS(check(at("exp", 1)).status, JWT_OK);
	CHECK_STATUS(check(at("exp", 0.5)).status, JWT_OK);
	CHECK_STATUS(check(at("exp", 0)).status, JWT_TOKEN_EXPIRED);
	CHECK(blames(check(at("exp", 0)), "exp"));
	CHECK_STATUS(check(at("exp", -1)).status, JWT_TOKEN_EXPIRED);
}

static void
expired_token_is_rejected_after_leeway(void)
{
	/* with 30 s of leeway, exp + 30 is the first second the token is expired */
	CHECK_STATUS(check_leeway(at("exp", -29), 30).status, JWT_OK);
	CHECK_STATUS(check_leeway(at("exp", -30), 30).status, JWT_TOKEN_EXPIRED);
	CHECK_STATUS(check_leeway(at("exp", -31), 30).status, JWT_TOKEN_EXPIRED);
}

static void
token_is_not_valid_before_nbf_minus_leeway(void)
{
	CHECK_STATUS(check(at("nbf", 0)).status, JWT_OK);
	CHECK_STATUS(check(at("nbf", 1)).status, JWT_TOKEN_NOT_YET_VALID);
	CHECK(blames(check(at("nbf", 1)), "nbf"));
	CHECK_STATUS(check_leeway(at("nbf", 30), 30).status, JWT_OK);
	CHECK_STATUS(check_leeway(at("nbf", 31), 30).status, JWT_TOKEN_NOT_YET_VALID);
}

static void
token_issued_in_the_future_is_rejected_after_leeway(void)
{
	CHECK_STATUS(check(at("iat", 0)).status, JWT_OK);
	CHECK_STATUS(check(at("iat", -1000)).status, JWT_OK);
	CHECK_STATUS(check(at("iat", 1)).status, JWT_TOKEN_ISSUED_IN_FUTURE);
	CHECK(blames(check(at("iat", 1)), "iat"));
	CHECK_STATUS(check_leeway(at("iat", 30), 30).status, JWT_OK);
	CHECK_STATUS(check_leeway(at("iat", 31), 30).status, JWT_TOKEN_ISSUED_IN_FUTURE);
}

static void
token_without_time_claims_has_no_time_limit(void)
{
	outcome		o = check("{\"sub\":\"u1\"}");

	CHECK_STATUS(o.status, JWT_OK);
	CHECK(blames(o, NULL));
	CHECK_STATUS(check("{}").status, JWT_OK);
}

static void
time_claim_that_is_not_a_number_is_refused(void)
{
	static const char *const names[] = {"exp", "nbf", "iat"};
	static const char *const values[] = {
		"\"1700000100\"", "null", "true", "false", "[1700000100]", "{}", "1e999", "-1e999",
	};

	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < sizeof(values) / sizeof(values[0]); j++)
		{
			char		payload[64];
			outcome		o;

			snprintf(payload, sizeof(payload), "{\"%s\":%s}", names[i], values[j]);
			o = check(payload);
			if (!CHECK_STATUS(o.status, JWT_TOKEN_CLAIM_TYPE) || !CHECK(blames(o, names[i])))
				unit_diag("payload", payload);
		}
}

static void
string_claims_must_be_strings(void)
{
	static const char *const names[] = {"iss", "sub", "jti"};

	for (size_t i = 0; i < 3; i++)
	{
		char		payload[64];
		outcome		o;

		snprintf(payload, sizeof(payload), "{\"%s\":42}", names[i]);
		o = check(payload);
		CHECK_STATUS(o.status, JWT_TOKEN_CLAIM_TYPE);
		CHECK(blames(o, names[i]));
		snprintf(payload, sizeof(payload), "{\"%s\":[\"a\"]}", names[i]);
		CHECK_STATUS(check(payload).status, JWT_TOKEN_CLAIM_TYPE);
		snprintf(payload, sizeof(payload), "{\"%s\":\"a\"}", names[i]);
		CHECK_STATUS(check(payload).status, JWT_OK);
	}
}

static void
audience_string_must_match_the_expected_one(void)
{
	CHECK_STATUS(check_audience("{\"aud\":\"api\"}", "api").status, JWT_OK);
	CHECK_STATUS(check_audience("{\"aud\":\"\\u0061pi\"}", "api").status, JWT_OK);
	CHECK_STATUS(check_audience("{\"aud\":\"web\"}", "api").status, JWT_TOKEN_AUDIENCE);
	CHECK_STATUS(check_audience("{\"aud\":\"ap\"}", "api").status, JWT_TOKEN_AUDIENCE);
	CHECK_STATUS(check_audience("{\"aud\":\"API\"}", "api").status, JWT_TOKEN_AUDIENCE);
	CHECK(blames(check_audience("{\"aud\":\"web\"}", "api"), "aud"));
}

static void
audience_array_must_contain_the_expected_one(void)
{
	CHECK_STATUS(check_audience("{\"aud\":[\"web\",\"api\"]}", "api").status, JWT_OK);
	CHECK_STATUS(check_audience("{\"aud\":[\"web\",\"apis\"]}", "api").status,
				 JWT_TOKEN_AUDIENCE);
	CHECK_STATUS(check_audience("{\"aud\":[]}", "api").status, JWT_TOKEN_AUDIENCE);
}

static void
audience_of_the_wrong_type_is_refused(void)
{
	static const char *const payloads[] = {
		"{\"aud\":1}", "{\"aud\":null}", "{\"aud\":{\"api\":true}}", "{\"aud\":true}",
		"{\"aud\":[\"api\",1]}", "{\"aud\":[[\"api\"]]}",
	};

	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++)
	{
		outcome		o = check_audience(payloads[i], "api");

		if (!CHECK_STATUS(o.status, JWT_TOKEN_CLAIM_TYPE) || !CHECK(blames(o, "aud")))
			unit_diag("payload", payloads[i]);
	}
}

static void
missing_audience_is_refused_when_one_is_expected(void)
{
	outcome		o = check_audience("{\"sub\":\"u1\"}", "api");

	/* told apart from one that names another audience */
	CHECK_STATUS(o.status, JWT_TOKEN_AUDIENCE_MISSING);
	CHECK(blames(o, "aud"));
}

static void
audience_is_refused_when_none_is_expected(void)
{
	/* RFC 7519 section 4.1.3: a token meant for someone must not be taken by anyone */
	CHECK_STATUS(check_audience("{\"aud\":\"api\"}", NULL).status, JWT_TOKEN_AUDIENCE);
	CHECK_STATUS(check_audience("{\"aud\":[\"api\"]}", NULL).status, JWT_TOKEN_AUDIENCE);
	CHECK_STATUS(check_audience("{\"aud\":[]}", NULL).status, JWT_TOKEN_AUDIENCE);
}

static void
issuer_must_match_when_one_is_expected(void)
{
	CHECK_STATUS(check_issuer("{\"iss\":\"https://auth.example\"}", "https://auth.example").status,
				 JWT_OK);
	CHECK_STATUS(check_issuer("{\"iss\":\"https://evil.example\"}", "https://auth.example").status,
				 JWT_TOKEN_ISSUER);
	CHECK_STATUS(check_issuer("{\"iss\":\"https://auth.example/\"}", "https://auth.example").status,
				 JWT_TOKEN_ISSUER);
	CHECK(blames(check_issuer("{\"iss\":\"x\"}", "y"), "iss"));
	CHECK_STATUS(check("{\"iss\":\"anyone\"}").status, JWT_OK);	/* none expected */
}

static void
missing_issuer_is_refused_when_one_is_expected(void)
{
	outcome		o = check_issuer("{\"sub\":\"u1\"}", "https://auth.example");

	CHECK_STATUS(o.status, JWT_TOKEN_ISSUER);
	CHECK(blames(o, "iss"));
}

static void
payload_that_is_not_a_json_object_is_refused(void)
{
	static const char *const payloads[] = {
		"", "[]", "\"claims\"", "1", "null", "{", "{\"a\":1} x", "{\"a\":\"\xc0\xaf\"}",
	};

	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++)
	{
		if (!CHECK_STATUS(check(payloads[i]).status, JWT_TOKEN_PAYLOAD_JSON))
			unit_diag("payload", payloads[i]);
		CHECK_STATUS(jwt_claims_parse(payloads[i], strlen(payloads[i]), NULL),
					 JWT_TOKEN_PAYLOAD_JSON);
	}
}

static void
duplicate_claim_names_are_refused(void)
{
	static const char *const payloads[] = {
		"{\"exp\":1,\"exp\":9999999999}",
		"{\"exp\":9999999999,\"\\u0065xp\":1}",
		"{\"sub\":\"a\",\"ctx\":{\"role\":\"x\",\"role\":\"admin\"}}",
	};

	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++)
	{
		CHECK_STATUS(check(payloads[i]).status, JWT_TOKEN_DUPLICATE_NAME);
		CHECK_STATUS(jwt_claims_parse(payloads[i], strlen(payloads[i]), NULL),
					 JWT_TOKEN_DUPLICATE_NAME);
	}
}

static void
pgjwt_mode_checks_only_exp_and_nbf(void)
{
	jwt_claim_rules rules = {.now = NOW, .pgjwt = true};

	CHECK_STATUS(check_with(at("exp", 0), &rules).status, JWT_TOKEN_EXPIRED);
	CHECK_STATUS(check_with(at("nbf", 1), &rules).status, JWT_TOKEN_NOT_YET_VALID);
	CHECK_STATUS(check_with(at("iat", 1000), &rules).status, JWT_OK);
	CHECK_STATUS(check_with("{\"aud\":\"api\",\"iss\":7,\"sub\":[]}", &rules).status, JWT_OK);
	CHECK_STATUS(check_with("{\"exp\":\"soon\"}", &rules).status, JWT_TOKEN_CLAIM_TYPE);
}

static void
claims_check_reads_the_rfc7515_a1_payload(void)
{
	/* RFC 7515 appendix A.1's claims: exp 1300819380 (March 2011) */
	static const char a1[] =
		"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
	jwt_claim_rules before = {.now = 1300819379, .issuer = "joe", .issuer_len = 3};
	jwt_claim_rules at_exp = {.now = 1300819380};
	const char *claim;

	CHECK_STATUS(jwt_claims_check(a1, strlen(a1), &before, &claim), JWT_OK);
	CHECK_STATUS(jwt_claims_check(a1, strlen(a1), &at_exp, &claim), JWT_TOKEN_EXPIRED);
}

static void
claims_are_minified_for_signing(void)
{
	static const char text[] = " {\n \"sub\" : \"a b\" ,\t\"n\" : [ 1 , 2 ], \"s\":\"x\\\" }\" } ";
	char		out[sizeof(text)];
	size_t		n;

	if (CHECK_STATUS(jwt_claims_prepare(text, strlen(text), out, &n), JWT_OK))
		CHECK_TEXT(out, n, "{\"sub\":\"a b\",\"n\":[1,2],\"s\":\"x\\\" }\"}");
}

static void
claims_to_sign_must_be_a_json_object(void)
{
	static const char *const not_objects[] = {"[]", "\"sub\"", "42", "null"};
	static const char *const not_json[] = {"", "{", "{\"a\":1,}", "{\"a\" 1}"};
	char		out[32];
	size_t		n;

	for (size_t i = 0; i < 4; i++)
		CHECK_STATUS(jwt_claims_prepare(not_objects[i], strlen(not_objects[i]), out, &n),
					 JWT_PAYLOAD_NOT_OBJECT);
	for (size_t i = 0; i < 4; i++)
		CHECK_STATUS(jwt_claims_prepare(not_json[i], strlen(not_json[i]), out, &n),
					 JWT_PAYLOAD_JSON);
	CHECK_STATUS(jwt_claims_prepare("{\"a\":1,\"\\u0061\":2}", 18, out, &n),
				 JWT_PAYLOAD_DUPLICATE_NAME);
}

static void
registered_names_count_however_they_are_escaped(void)
{
	/* each registered claim under an escaped name is still that claim */
	CHECK_STATUS(check("{\"\\u0065xp\":1}").status, JWT_TOKEN_EXPIRED);
	CHECK_STATUS(check("{\"n\\u0062f\":9999999999}").status, JWT_TOKEN_NOT_YET_VALID);
	CHECK_STATUS(check("{\"\\u0069\\u0061\\u0074\":9999999999}").status, JWT_TOKEN_ISSUED_IN_FUTURE);
	CHECK(blames(check("{\"i\\u0073s\":1}"), "iss"));
	CHECK(blames(check("{\"s\\u0075b\":1}"), "sub"));
	CHECK(blames(check("{\"jt\\u0069\":[]}"), "jti"));
	CHECK_STATUS(check_audience("{\"\\u0061ud\":\"web\"}", "api").status, JWT_TOKEN_AUDIENCE);
	CHECK_STATUS(check_issuer("{\"\\u0069ss\":\"x\"}", "x").status, JWT_OK);
	/* and names that only look alike are other claims, not checked */
	CHECK_STATUS(check("{\"expx\":1,\"ex\":1,\"EXP\":1,\"ex\\u0070\\u0070\":1,\"e\\nxp\":1}").status,
				 JWT_OK);
	CHECK_STATUS(check("{\"Sub\":1,\"subs\":[],\"ia\":\"x\",\"\":1}").status, JWT_OK);
}

/* another issuer's rules: one of several audiences, or any when the owner said so; exp required */
static void
issuer_rules_take_one_of_several_audiences(void)
{
	static const jwt_claim_string auds[] = {{"api", 3}, {"web", 3}};
	jwt_claim_rules rules = {.now = NOW, .audiences = auds, .naudiences = 2, .require_exp = true};
	jwt_claim_rules any = {.now = NOW, .any_audience = true, .require_exp = true};

	CHECK_STATUS(check_with("{\"aud\":\"web\",\"exp\":9999999999}", &rules).status, JWT_OK);
	CHECK_STATUS(check_with("{\"aud\":[\"x\",\"api\"],\"exp\":9999999999}", &rules).status, JWT_OK);
	CHECK_STATUS(check_with("{\"aud\":\"apis\",\"exp\":9999999999}", &rules).status, JWT_TOKEN_AUDIENCE);
	CHECK_STATUS(check_with("{\"exp\":9999999999}", &rules).status, JWT_TOKEN_AUDIENCE_MISSING);
	CHECK_STATUS(check_with("{\"aud\":\"anything\",\"exp\":9999999999}", &any).status, JWT_OK);
	CHECK_STATUS(check_with("{\"exp\":9999999999}", &any).status, JWT_OK);
	/* any audience still wants aud well formed */
	CHECK_STATUS(check_with("{\"aud\":7,\"exp\":9999999999}", &any).status, JWT_TOKEN_CLAIM_TYPE);
	CHECK_STATUS(check_with("{\"aud\":\"api\"}", &rules).status, JWT_TOKEN_EXP_MISSING);
	CHECK(blames(check_with("{\"aud\":\"api\"}", &rules), "exp"));
	CHECK_STATUS(check_with("{\"aud\":\"api\",\"exp\":1}", &rules).status, JWT_TOKEN_EXPIRED);
}

/* a claim path parses into its steps, or is refused whole */
static void
claim_paths_parse_into_steps(void)
{
	static const char *const bad[] = {
		"", "role", ".", "..role", ".role.", ".a[", ".a[]", ".a[x]", ".a[-1]", ".a[1", "[0",
		".\"unterminated", ".a b", ".a[10000001]", ".a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q",
	};
	jwt_claim_path p;

	if (CHECK_STATUS(jwt_claim_path_parse(".realm_access.roles[0]", 22, &p), JWT_OK))
	{
		CHECK(p.nsteps == 3);
		CHECK(strcmp(p.steps[0].name, "realm_access") == 0);
		CHECK(strcmp(p.steps[1].name, "roles") == 0);
		CHECK(p.steps[2].name == NULL && p.steps[2].index == 0);
		jwt_claim_path_free(&p);
	}
	if (CHECK_STATUS(jwt_claim_path_parse(".\"https://example.com/role\"", 27, &p), JWT_OK))
	{
		CHECK(p.nsteps == 1 && strcmp(p.steps[0].name, "https://example.com/role") == 0);
		jwt_claim_path_free(&p);
	}
	if (CHECK_STATUS(jwt_claim_path_parse(".a[12].$b-c_d", 13, &p), JWT_OK))
	{
		CHECK(p.nsteps == 3 && p.steps[1].index == 12 && strcmp(p.steps[2].name, "$b-c_d") == 0);
		jwt_claim_path_free(&p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!CHECK_STATUS(jwt_claim_path_parse(bad[i], strlen(bad[i]), &p), JWT_CLAIM_PATH))
			unit_diag("path", bad[i]);
	/* a NUL inside is not a name's end */
	CHECK_STATUS(jwt_claim_path_parse(".a\0b", 4, &p), JWT_CLAIM_PATH);
}

void
claims_tests(void)
{
	RUN(token_is_expired_from_exp_on);
	RUN(expired_token_is_rejected_after_leeway);
	RUN(token_is_not_valid_before_nbf_minus_leeway);
	RUN(token_issued_in_the_future_is_rejected_after_leeway);
	RUN(token_without_time_claims_has_no_time_limit);
	RUN(time_claim_that_is_not_a_number_is_refused);
	RUN(string_claims_must_be_strings);
	RUN(audience_string_must_match_the_expected_one);
	RUN(audience_array_must_contain_the_expected_one);
	RUN(audience_of_the_wrong_type_is_refused);
	RUN(missing_audience_is_refused_when_one_is_expected);
	RUN(audience_is_refused_when_none_is_expected);
	RUN(issuer_must_match_when_one_is_expected);
	RUN(missing_issuer_is_refused_when_one_is_expected);
	RUN(payload_that_is_not_a_json_object_is_refused);
	RUN(duplicate_claim_names_are_refused);
	RUN(registered_names_count_however_they_are_escaped);
	RUN(pgjwt_mode_checks_only_exp_and_nbf);
	RUN(claims_check_reads_the_rfc7515_a1_payload);
	RUN(claims_are_minified_for_signing);
	RUN(claims_to_sign_must_be_a_json_object);
	RUN(issuer_rules_take_one_of_several_audiences);
	RUN(claim_paths_parse_into_steps);
}
