/*
 * test_status.c — every result code has a stable name and a reason in words
 */
#include <string.h>

#include "unit.h"

static void
every_status_has_a_distinct_name_and_a_detail(void)
{
	for (int s = 0; s < JWT_STATUS_COUNT; s++)
	{
		const char *name = jwt_status_name((jwt_status) s);
		const char *detail = jwt_status_detail((jwt_status) s);

		if (!CHECK(name != NULL && detail != NULL && name[0] != '\0' && detail[0] != '\0'))
			continue;
		for (int t = 0; t < s; t++)
			CHECK(strcmp(name, jwt_status_name((jwt_status) t)) != 0);
	}
	CHECK(strcmp(jwt_status_name(JWT_TOKEN_EXPIRED), "token_expired") == 0);
}

static void
unknown_status_has_a_placeholder_name(void)
{
	CHECK(strcmp(jwt_status_name(JWT_STATUS_COUNT), "unknown") == 0);
	CHECK(strcmp(jwt_status_detail((jwt_status) (JWT_STATUS_COUNT + 5)), "unknown error") == 0);
}

static void
token_statuses_are_told_apart_from_argument_errors(void)
{
	CHECK(!JWT_STATUS_IS_TOKEN(JWT_OK));
	CHECK(JWT_STATUS_IS_TOKEN(JWT_TOKEN_NULL));
	CHECK(JWT_STATUS_IS_TOKEN(JWT_TOKEN_SIGNATURE));
	CHECK(JWT_STATUS_IS_TOKEN(JWT_TOKEN_ISSUER));
	CHECK(JWT_STATUS_IS_TOKEN(JWT_TOKEN_ROLE_MISSING));
	CHECK(JWT_STATUS_IS_TOKEN(JWT_TOKEN_LOGGED_OUT));
	CHECK(!JWT_STATUS_IS_TOKEN(JWT_KEY_SET_SIGN));
	CHECK(!JWT_STATUS_IS_TOKEN(JWT_NO_ACTIVE_KEY));
	CHECK(!JWT_STATUS_IS_TOKEN(JWT_ALG_UNKNOWN));
	CHECK(!JWT_STATUS_IS_TOKEN(JWT_KEY_SHORT));
	CHECK(!JWT_STATUS_IS_TOKEN(JWT_NOMEM));
}

void
status_tests(void)
{
	RUN(every_status_has_a_distinct_name_and_a_detail);
	RUN(unknown_status_has_a_placeholder_name);
	RUN(token_statuses_are_told_apart_from_argument_errors);
}
