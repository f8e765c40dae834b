/*
 * fuzz_passwords.c — libFuzzer harness over the parser of imported password hashes
 *
 * Input: any bytes, taken as a hash to import. Aborts when a promise breaks:
 * - what import accepts it stores in a form that imports again to itself
 *   (normalising is done once) and that the login's parser reads as the
 *   same scheme;
 * - what import refuses, the login's parser refuses too (never a hash that
 *   would run at login what import would not let in);
 * - for the crypt() forms, the setting handed to crypt() lies inside the
 *   stored hash and ends it.
 * No hash function runs here (a hash within bounds may still take seconds):
 * the unit tests and test/hashes verify them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "passwords.h"

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_passwords: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *hash = malloc(size + 1);
	char	   *out = NULL,
			   *again = NULL;
	size_t		out_len = 0,
				again_len = 0;
	jwt_password_scheme scheme,
				scheme2;
	jwt_status	st;

	memcpy(hash, data, size);
	hash[size] = '\0';
	st = jwt_password_import(hash, size, &out, &out_len, &scheme);
	if (st != JWT_OK)
	{
		if (out != NULL)
			fail("a refused hash left an output");
		/* the stored forms are a subset of the importable ones */
		if (jwt_password_scheme_of(hash, size, &scheme2) == JWT_OK)
			fail("login reads a hash import refuses");
		free(hash);
		return 0;
	}
	if (out == NULL || strlen(out) != out_len || out_len > size)
		fail("an imported hash is not a string no longer than its input");
	if (jwt_password_import(out, out_len, &again, &again_len, &scheme2) != JWT_OK ||
		again_len != out_len || memcmp(again, out, out_len) != 0 || scheme2 != scheme)
		fail("a stored hash does not import again to itself");
	if (jwt_password_scheme_of(out, out_len, &scheme2) != JWT_OK || scheme2 != scheme)
		fail("login does not read a stored hash as import did");
	if (scheme == JWT_PW_CRYPT || scheme == JWT_PW_BCRYPT_SHA256)
	{
		jwt_crypt_call call;
		bool		match = true;

		if (jwt_password_verify("password", 8, out, out_len, &match, &call) != JWT_OK ||
			match || call.key == NULL || call.setting < out ||
			call.setting + call.setting_len != out + out_len)
			fail("the crypt() call is not within the stored hash");
		jwt_crypt_call_free(&call);
	}
	jwt_free(out);
	jwt_free(again);
	free(hash);
	return 0;
}
