/*
 * main.c — runs every suite of the core's unit tests and prints one TAP stream
 */
#include <stdio.h>

#include "unit.h"

int
main(void)
{
	/* line by line, so that what a crashing test printed is not lost */
	setvbuf(stdout, NULL, _IOLBF, 0);
	status_tests();
	b64url_tests();
	json_tests();
	alg_tests();
	keys_tests();
	jws_tests();
	sign_tests();
	asym_tests();
	jwk_tests();
	claims_tests();
	passwords_tests();
	http_tests();
	return unit_finish();
}
