/*
 * test_http.c — what an issuer's key fetch decides without a server: which
 * URLs may be fetched, the Cache-Control max-age, and refusals before any
 * connection (the fetching itself is tested against a local HTTPS
 * provider in test/idp)
 */
#include <limits.h>
#include <string.h>

#include <curl/curl.h>

#include "http.h"
#include "mem.h"
#include "unit.h"

static bool
url_ok(const char *url, const char *hosts)
{
	char		error[JWT_HTTP_ERROR_SIZE];

	return jwt_http_url_check(url, hosts, error, sizeof(error));
}

/* the reason a URL is refused contains want */
static bool
url_refused_for(const char *url, const char *hosts, const char *want)
{
	char		error[JWT_HTTP_ERROR_SIZE] = "";

	if (jwt_http_url_check(url, hosts, error, sizeof(error)))
		return false;
	if (strstr(error, want) == NULL)
	{
		unit_diag("reason", error);
		return false;
	}
	return true;
}

static void
https_urls_with_a_host_are_accepted(void)
{
	CHECK(url_ok("https://example.com/.well-known/jwks.json", NULL));
	CHECK(url_ok("https://example.com:8443/jwks", ""));
	CHECK(url_ok("HTTPS://Example.COM/jwks", NULL));
	CHECK(url_ok("https://127.0.0.1:4443/jwks?tenant=a", NULL));
	CHECK(url_ok("https://[::1]:4443/jwks", NULL));
	jwt_http_init();
	curl_global_cleanup();
}

static void
other_schemes_are_refused(void)
{
	CHECK(url_refused_for("http://example.com/jwks", NULL, "scheme is http, not https"));
	CHECK(url_refused_for("file:///etc/passwd", NULL, "scheme is file, not https"));
	CHECK(url_refused_for("ftp://example.com/jwks", NULL, "not https"));
	CHECK(url_refused_for("gopher://example.com/", NULL, "not https"));
	CHECK(url_refused_for("ldap://example.com/", NULL, "not https"));
	CHECK(url_refused_for("made-up://example.com/", NULL, "not https"));
	CHECK(url_refused_for("//example.com/jwks", NULL, "absolute URL"));
	CHECK(url_refused_for("example.com/jwks", NULL, "absolute URL"));
	CHECK(url_refused_for("", NULL, "empty"));
	CHECK(url_refused_for(NULL, NULL, "empty"));
}

static void
urls_with_credentials_spaces_or_controls_are_refused(void)
{
	CHECK(url_refused_for("https://user:secret@example.com/jwks", NULL, "user name or a password"));
	CHECK(url_refused_for("https://user@example.com/jwks", NULL, "user name or a password"));
	CHECK(url_refused_for("https://example.com/a b", NULL, "space or a control"));
	CHECK(url_refused_for("https://example.com/\r\nHost: x", NULL, "space or a control"));
	CHECK(url_refused_for("https:///jwks", NULL, "https:// and a host"));
	CHECK(url_refused_for("https:/example.com/jwks", NULL, "https:// and a host"));
	CHECK(url_refused_for("https:/0a.example://b.example/", NULL, "https:// and a host"));
}

static void
refusals_never_echo_the_query_string(void)
{
	char		error[JWT_HTTP_ERROR_SIZE] = "";

	CHECK(!jwt_http_url_check("https://evil.example/jwks?api_key=s3cret", "example.com",
							  error, sizeof(error)));
	CHECK(strstr(error, "s3cret") == NULL);
	CHECK(strstr(error, "evil.example") != NULL);
	CHECK(!jwt_http_url_check("http://example.com/jwks?api_key=s3cret", NULL, error, sizeof(error)));
	CHECK(strstr(error, "s3cret") == NULL);
}

static void
allowed_hosts_are_matched_exactly_and_without_case(void)
{
	const char *hosts = "login.example.com, tenant.auth0.com,127.0.0.1 ,[::1]";

	CHECK(url_ok("https://login.example.com/jwks", hosts));
	CHECK(url_ok("https://LOGIN.example.COM/jwks", hosts));
	CHECK(url_ok("https://tenant.auth0.com:443/.well-known/jwks.json", hosts));
	CHECK(url_ok("https://127.0.0.1:8443/jwks", hosts));
	CHECK(url_ok("https://[::1]:8443/jwks", hosts));
	CHECK(url_ok("https://login.example.com./jwks", hosts));
	CHECK(url_refused_for("https://example.com/jwks", hosts, "not among the allowed hosts"));
	CHECK(url_refused_for("https://evil.login.example.com/jwks", hosts, "not among"));
	CHECK(url_refused_for("https://login.example.com.evil.test/jwks", hosts, "not among"));
	CHECK(url_refused_for("https://127.0.0.2/jwks", hosts, "not among"));
	/* the host is the URL's, not a user part that looks like one */
	CHECK(url_refused_for("https://login.example.com@evil.test/jwks", hosts, "user name"));
	CHECK(url_ok("https://tenant.auth0.com/", "tenant.auth0.com"));
	CHECK(url_refused_for("https://auth0.com/", "tenant.auth0.com", "not among"));
}

static void
host_lists_are_checked_for_form(void)
{
	CHECK(jwt_http_hosts_check(NULL));
	CHECK(jwt_http_hosts_check(""));
	CHECK(jwt_http_hosts_check("example.com"));
	CHECK(jwt_http_hosts_check("a.example.com, b.example.com,127.0.0.1,[::1]"));
	CHECK(!jwt_http_hosts_check("a.example.com,,b.example.com"));
	CHECK(!jwt_http_hosts_check("a.example.com,"));
	CHECK(!jwt_http_hosts_check(" , "));
	CHECK(!jwt_http_hosts_check("https://example.com"));
	CHECK(!jwt_http_hosts_check("example.com/jwks"));
	CHECK(!jwt_http_hosts_check("exa mple.com"));
	CHECK(!jwt_http_hosts_check("*.example.com"));
}

static void
max_age_is_read_from_cache_control(void)
{
	CHECK(jwt_http_max_age(NULL) == -1);
	CHECK(jwt_http_max_age("") == -1);
	CHECK(jwt_http_max_age("public") == -1);
	CHECK(jwt_http_max_age("max-age=300") == 300);
	CHECK(jwt_http_max_age("public, max-age=21600, must-revalidate, no-transform") == 21600);
	CHECK(jwt_http_max_age("public, max-age=15, stale-while-revalidate=15, stale-if-error=86400") == 15);
	CHECK(jwt_http_max_age("Max-Age=60") == 60);
	CHECK(jwt_http_max_age("max-age=\"120\"") == 120);
	CHECK(jwt_http_max_age("max-age = 45") == 45);
	CHECK(jwt_http_max_age("max-age=0") == 0);
	CHECK(jwt_http_max_age(",,max-age=7,,") == 7);
}

static void
s_maxage_and_lookalikes_are_not_max_age(void)
{
	CHECK(jwt_http_max_age("s-maxage=600") == -1);
	CHECK(jwt_http_max_age("s-maxage=600, max-age=60") == 60);
	CHECK(jwt_http_max_age("x-max-age=600") == -1);
	CHECK(jwt_http_max_age("max-agex=600") == -1);
	CHECK(jwt_http_max_age("private=\"max-age=5\", max-age=90") == 90);
	CHECK(jwt_http_max_age("community=\"a,max-age=5\"") == -1);
}

static void
no_cache_and_no_store_win_over_max_age(void)
{
	CHECK(jwt_http_max_age("no-cache") == 0);
	CHECK(jwt_http_max_age("no-store") == 0);
	CHECK(jwt_http_max_age("max-age=3600, no-cache") == 0);
	CHECK(jwt_http_max_age("NO-STORE, max-age=3600") == 0);
	CHECK(jwt_http_max_age("no-cache=\"Set-Cookie\", max-age=3600") == 0);
	CHECK(jwt_http_max_age("no-cacheX, max-age=3600") == 3600);
}

static void
malformed_or_huge_max_age_is_bounded(void)
{
	CHECK(jwt_http_max_age("max-age=") == -1);
	CHECK(jwt_http_max_age("max-age") == -1);
	CHECK(jwt_http_max_age("max-age=-5") == -1);
	CHECK(jwt_http_max_age("max-age=12abc") == -1);
	CHECK(jwt_http_max_age("max-age=1.5") == -1);
	CHECK(jwt_http_max_age("max-age=abc, max-age=30") == 30);
	CHECK(jwt_http_max_age("max-age=99999999999999999999999") == INT_MAX);
	CHECK(jwt_http_max_age("max-age=2147483648") == INT_MAX);
	CHECK(jwt_http_max_age("max-age=2147483647") == INT_MAX);
	CHECK(jwt_http_max_age("max-age=\"unterminated") == -1);
}

static void
first_max_age_counts(void)
{
	CHECK(jwt_http_max_age("max-age=60, max-age=600") == 60);
	CHECK(jwt_http_max_age("public,max-age=600,max-age=60") == 600);
}

static void
refused_urls_are_never_fetched(void)
{
	jwt_http_options opt = {.timeout_ms = 1000, .max_size = 1024};
	jwt_http_response resp;

	CHECK(!jwt_http_get("file:///etc/passwd", &opt, &resp));
	CHECK(resp.status == 0 && resp.body == NULL && resp.max_age == -1);
	CHECK(strstr(resp.error, "not https") != NULL);
	opt.allowed_hosts = "example.com";
	CHECK(!jwt_http_get("https://127.0.0.1:1/jwks", &opt, &resp));
	CHECK(resp.status == 0 && resp.body == NULL);
	CHECK(strstr(resp.error, "not among the allowed hosts") != NULL);
}

static void
a_closed_port_is_an_error_without_a_status(void)
{
	jwt_http_options opt = {.timeout_ms = 2000, .max_size = 1024};
	jwt_http_response resp;

	/* port 1 on the loopback: nothing listens there, nothing leaves the machine */
	CHECK(!jwt_http_get("https://127.0.0.1:1/jwks?secret=s3cret", &opt, &resp));
	CHECK(resp.status == 0 && resp.body == NULL);
	CHECK(resp.error[0] != '\0');
	CHECK(strstr(resp.error, "s3cret") == NULL);
	jwt_free(resp.body);
	curl_global_cleanup();
}

void
http_tests(void)
{
	RUN(https_urls_with_a_host_are_accepted);
	RUN(other_schemes_are_refused);
	RUN(urls_with_credentials_spaces_or_controls_are_refused);
	RUN(refusals_never_echo_the_query_string);
	RUN(allowed_hosts_are_matched_exactly_and_without_case);
	RUN(host_lists_are_checked_for_form);
	RUN(max_age_is_read_from_cache_control);
	RUN(s_maxage_and_lookalikes_are_not_max_age);
	RUN(no_cache_and_no_store_win_over_max_age);
	RUN(malformed_or_huge_max_age_is_bounded);
	RUN(first_max_age_counts);
	RUN(refused_urls_are_never_fetched);
	RUN(a_closed_port_is_an_error_without_a_status);
}
