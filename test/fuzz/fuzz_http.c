/*
 * fuzz_http.c — libFuzzer harness over what a key fetch reads before and
 * after it talks to a server: the URL check, the allowed-host list and the
 * Cache-Control max-age parser (src/core/http.c; no connection is made)
 *
 * Input: any bytes; up to the first NUL, a URL (also read as a Cache-Control
 * value), after it an allowed-host list. Aborts when a promise breaks:
 * - max-age is -1 (none), or 0..INT_MAX;
 * - a URL accepted under a host list is accepted without one, and starts with
 *   https:// (any case);
 * - a refusal is a reason in words, NUL-terminated within its buffer, with no
 *   '?' in it (a query string is never echoed: neither a scheme nor a host
 *   can hold one, and the reasons themselves have none);
 * - the host-list check and the URL check agree: a list the check refuses is
 *   never what a setting could hold, so it is not tried as one.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_http: %s\n", what);
	abort();
}

static void
check_refusal(const char *error, size_t size)
{
	if (memchr(error, '\0', size) == NULL)
		fail("a refusal's reason is not NUL-terminated");
	if (error[0] == '\0')
		fail("a refusal without a reason");
	if (strchr(error, '?') != NULL)
		fail("a refusal's reason echoes a query string");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *url = malloc(size + 1),
			   *hosts;
	size_t		url_len;
	char		error[JWT_HTTP_ERROR_SIZE];
	int			max_age;

	memcpy(url, data, size);
	url[size] = '\0';
	url_len = strlen(url);
	hosts = url_len < size ? url + url_len + 1 : NULL;

	max_age = jwt_http_max_age(url);
	if (max_age < -1)
		fail("max-age below -1");

	memset(error, 'x', sizeof(error));
	if (jwt_http_url_check(url, NULL, error, sizeof(error)))
	{
		if (strncasecmp(url, "https://", 8) != 0)
			fail("a URL that is not https:// was accepted");
	}
	else
		check_refusal(error, sizeof(error));

	if (hosts != NULL && jwt_http_hosts_check(hosts))
	{
		memset(error, 'x', sizeof(error));
		if (jwt_http_url_check(url, hosts, error, sizeof(error)))
		{
			if (!jwt_http_url_check(url, NULL, error, sizeof(error)))
				fail("a URL accepted under a host list is refused without one");
		}
		else
			check_refusal(error, sizeof(error));
	}
	free(url);
	return 0;
}
