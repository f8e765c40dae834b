/*
 * http.c — one HTTPS GET with libcurl, under strict options (see http.h)
 *
 * libcurl follows no redirect itself: each answer with a Location is looked
 * at here, its target checked as the first URL was (https, an allowed
 * host), and asked for in a request of its own, so that the host list
 * holds for every hop and a redirect to file:, http: or any other scheme
 * is refused with a reason (libcurl's redirect protocols are https only as
 * well). The timeout covers every hop together.
 *
 * The body grows by jwt_malloc, copy and jwt_free, never by jwt_realloc:
 * in the extension a failing realloc raises an ERROR, and no ERROR may
 * jump out of a libcurl callback. libcurl's own allocations (the handle,
 * the header list) are libcurl's, freed before jwt_http_get returns.
 */
#include "http.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "mem.h"

/* the first allocation for a body, unless the cap is smaller */
#define BODY_FIRST_SIZE 16384

static void
set_error(char *error, size_t size, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static void
set_error(char *error, size_t size, const char *fmt,...)
{
	va_list		ap;

	if (error == NULL || size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(error, size, fmt, ap);
	va_end(ap);
}

bool
jwt_http_init(void)
{
	static bool done = false;

	if (!done)
		done = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
	return done;
}

/* ---------------------------------------------------------------- hosts */

/* [s, e) without surrounding spaces and tabs */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/* [s, e) without IPv6 brackets and a final dot */
static void
host_core(const char **s, const char **e)
{
	if (*e - *s >= 2 && **s == '[' && (*e)[-1] == ']')
	{
		(*s)++;
		(*e)--;
	}
	if (*e > *s && (*e)[-1] == '.')
		(*e)--;
}

static bool
host_char(char c)
{
	return isalnum((unsigned char) c) || c == '.' || c == '-' || c == '_' || c == ':' ||
		c == '[' || c == ']';
}

bool
jwt_http_hosts_check(const char *allowed_hosts)
{
	const char *p = allowed_hosts;

	if (p == NULL || *p == '\0')
		return true;
	for (;;)
	{
		const char *s = p,
				   *e = strchr(p, ',');

		if (e == NULL)
			e = p + strlen(p);
		p = e;
		trim(&s, &e);
		if (s == e)
			return false;
		for (const char *c = s; c < e; c++)
			if (!host_char(*c))
				return false;
		if (*p == '\0')
			return true;
		p++;
	}
}

/* is host one of the comma list's names (case-insensitive)? */
static bool
host_allowed(const char *host, const char *allowed_hosts)
{
	const char *hs = host,
			   *he = host + strlen(host),
			   *p = allowed_hosts;

	host_core(&hs, &he);
	while (*p != '\0')
	{
		const char *s = p,
				   *e = strchr(p, ',');

		if (e == NULL)
			e = p + strlen(p);
		p = *e == ',' ? e + 1 : e;
		trim(&s, &e);
		host_core(&s, &e);
		if (e - s == he - hs && e > s && strncasecmp(s, hs, (size_t) (e - s)) == 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ URL */

bool
jwt_http_url_check(const char *url, const char *allowed_hosts, char *error, size_t error_size)
{
	CURLU	   *u;
	char	   *scheme = NULL,
			   *host = NULL,
			   *user = NULL,
			   *password = NULL;
	bool		ok = false;

	if (url == NULL || *url == '\0')
	{
		set_error(error, error_size, "the URL is empty");
		return false;
	}
	for (const char *c = url; *c; c++)
		if ((unsigned char) *c <= ' ' || *c == 0x7f)
		{
			set_error(error, error_size, "the URL has a space or a control character");
			return false;
		}
	if ((u = curl_url()) == NULL)
	{
		set_error(error, error_size, "out of memory");
		return false;
	}
	/* any scheme parses, so that a wrong one is named as such */
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
		curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		set_error(error, error_size, "the URL does not parse as an absolute URL");
	else if (strcasecmp(scheme, "https") != 0)
		set_error(error, error_size, "the URL's scheme is %.32s, not https", scheme);
	/* libcurl is lenient: https:/x and https:///x would name host x */
	else if (strncasecmp(url, "https://", 8) != 0 || url[8] == '/')
		set_error(error, error_size, "the URL does not start with https:// and a host");
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) != CURLUE_NO_USER ||
			 curl_url_get(u, CURLUPART_PASSWORD, &password, 0) != CURLUE_NO_PASSWORD)
		set_error(error, error_size, "the URL has a user name or a password");
	else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0')
		set_error(error, error_size, "the URL has no host");
	else if (allowed_hosts != NULL && allowed_hosts[0] != '\0' &&
			 !host_allowed(host, allowed_hosts))
		set_error(error, error_size, "the host %.100s is not among the allowed hosts", host);
	else
		ok = true;
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(u);
	return ok;
}

/* ------------------------------------------------------------ max-age */

static bool
token_char(char c)
{
	return c != '\0' && c != ',' && c != '=' && c != ' ' && c != '\t' && c != '"' && c != ';';
}

static const char *
skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* delta-seconds: digits only; INT_MAX for more; -1 when malformed */
static int
delta_seconds(const char *s, const char *e)
{
	long long	v = 0;

	if (s == e)
		return -1;
	for (; s < e; s++)
	{
		if (*s < '0' || *s > '9')
			return -1;
		if (v < INT_MAX)
			v = v * 10 + (*s - '0');
	}
	return v > INT_MAX ? INT_MAX : (int) v;
}

int
jwt_http_max_age(const char *cache_control)
{
	const char *p = cache_control;
	int			max_age = -1;
	bool		no_cache = false;

	if (p == NULL)
		return -1;
	for (;;)
	{
		const char *name,
				   *name_end,
				   *value = NULL,
				   *value_end = NULL;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		name = p;
		while (token_char(*p))
			p++;
		name_end = p;
		p = skip_ows(p);
		if (*p == '=')
		{
			p = skip_ows(p + 1);
			if (*p == '"')
			{
				value = ++p;
				while (*p != '\0' && *p != '"')
					p += (*p == '\\' && p[1] != '\0') ? 2 : 1;
				value_end = p;
				if (*p == '"')
					p++;
			}
			else
			{
				value = p;
				while (token_char(*p))
					p++;
				value_end = p;
			}
		}
		/* whatever else comes before the next comma is not a directive */
		while (*p != '\0' && *p != ',')
			p++;
		if (name_end - name == 8 && (strncasecmp(name, "no-cache", 8) == 0 ||
									 strncasecmp(name, "no-store", 8) == 0))
			no_cache = true;
		else if (name_end - name == 7 && strncasecmp(name, "max-age", 7) == 0 &&
				 max_age < 0 && value != NULL)
			max_age = delta_seconds(value, value_end);
	}
	return no_cache ? 0 : max_age;
}

/* ---------------------------------------------------------------- GET */

typedef struct transfer
{
	const jwt_http_options *opt;
	char	   *body;
	size_t		len;
	size_t		cap;
	bool		too_big;
	bool		no_memory;
	bool		aborted;
} transfer;

static size_t
write_body(char *data, size_t size, size_t n, void *arg)
{
	transfer   *t = arg;
	size_t		add = size * n;

	if (add > t->opt->max_size - t->len)
	{
		t->too_big = true;
		return 0;
	}
	if (t->len + add + 1 > t->cap)
	{
		size_t		cap = t->cap ? t->cap : BODY_FIRST_SIZE;
		char	   *bigger;

		while (cap < t->len + add + 1)
			cap *= 2;
		if (cap > t->opt->max_size + 1)
			cap = t->opt->max_size + 1;
		if ((bigger = jwt_malloc(cap)) == NULL)
		{
			t->no_memory = true;
			return 0;
		}
		if (t->len > 0)
			memcpy(bigger, t->body, t->len);
		jwt_free(t->body);
		t->body = bigger;
		t->cap = cap;
	}
	memcpy(t->body + t->len, data, add);
	t->len += add;
	t->body[t->len] = '\0';
	return add;
}

static int
progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	transfer   *t = arg;

	if (t->opt->abort != NULL && t->opt->abort(t->opt->abort_arg))
	{
		t->aborted = true;
		return 1;
	}
	return 0;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the Cache-Control fields of the last answer, as one max-age */
static int
answer_max_age(CURL *curl)
{
	struct curl_header *h;
	size_t		count,
				total = 0;
	char	   *joined;
	int			max_age;

	if (curl_easy_header(curl, "Cache-Control", 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return -1;
	count = h->amount;
	for (size_t i = 0; i < count; i++)
		if (curl_easy_header(curl, "Cache-Control", i, CURLH_HEADER, -1, &h) == CURLHE_OK)
			total += strlen(h->value) + 1;
	if ((joined = jwt_malloc(total + 1)) == NULL)
		return -1;
	joined[0] = '\0';
	for (size_t i = 0; i < count; i++)
		if (curl_easy_header(curl, "Cache-Control", i, CURLH_HEADER, -1, &h) == CURLHE_OK)
		{
			strcat(joined, ",");
			strcat(joined, h->value);
		}
	max_age = jwt_http_max_age(joined);
	jwt_free(joined);
	return max_age;
}

/* the words for a failed transfer */
static void
transfer_error(jwt_http_response *resp, const transfer *t, CURLcode rc, const char *curl_error,
			   const jwt_http_options *opt)
{
	const char *why = curl_error[0] != '\0' ? curl_error : curl_easy_strerror(rc);

	if (t->aborted)
		set_error(resp->error, sizeof(resp->error), "the fetch was cancelled");
	else if (t->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		set_error(resp->error, sizeof(resp->error), "the body is larger than %zu bytes",
				  opt->max_size);
	else if (t->no_memory || rc == CURLE_OUT_OF_MEMORY)
		set_error(resp->error, sizeof(resp->error), "out of memory");
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		set_error(resp->error, sizeof(resp->error), "no complete answer within %ld ms",
				  opt->timeout_ms);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
		set_error(resp->error, sizeof(resp->error), "the server's certificate was not accepted: %s",
				  why);
	else
		set_error(resp->error, sizeof(resp->error), "%s", why);
}

/*
 * One request, no redirect followed. True when an answer came (resp->status,
 * the body in t); *location is the redirect target when there is one
 * (curl_free it).
 */
static bool
get_once(const char *url, const jwt_http_options *opt, long timeout_ms,
		 jwt_http_response *resp, transfer *t, char **location)
{
	CURL	   *curl;
	struct curl_slist *headers = NULL,
			   *more;
	char		curl_error[CURL_ERROR_SIZE] = "";
	char	   *redirect = NULL;
	CURLcode	rc;

	*location = NULL;
	if ((curl = curl_easy_init()) == NULL)
	{
		set_error(resp->error, sizeof(resp->error), "libcurl could not start a transfer");
		return false;
	}
	if ((more = curl_slist_append(headers, "Accept: application/json, application/jwk-set+json")) != NULL)
		headers = more;
	rc = CURLE_OK;
#define SET(option, value) \
	do { if (rc == CURLE_OK) rc = curl_easy_setopt(curl, option, value); } while (0)
	SET(CURLOPT_ERRORBUFFER, curl_error);
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_HTTPGET, 1L);
	/* no SIGALRM for name lookups: PostgreSQL's timeouts own that signal */
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
	if (opt->ca_file != NULL && opt->ca_file[0] != '\0')
	{
		/* the file alone: a private CA, not the system's as well */
		SET(CURLOPT_CAINFO, opt->ca_file);
		SET(CURLOPT_CAPATH, (char *) NULL);
	}
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) opt->max_size);
	SET(CURLOPT_WRITEFUNCTION, write_body);
	SET(CURLOPT_WRITEDATA, t);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, progress);
	SET(CURLOPT_XFERINFODATA, t);
	SET(CURLOPT_USERAGENT, "jwt_auth");
	SET(CURLOPT_HTTPHEADER, headers);
#undef SET
	if (rc != CURLE_OK)
		set_error(resp->error, sizeof(resp->error), "libcurl refused an option: %s",
				  curl_easy_strerror(rc));
	else if ((rc = curl_easy_perform(curl)) != CURLE_OK)
		transfer_error(resp, t, rc, curl_error, opt);
	else
	{
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
		resp->max_age = answer_max_age(curl);
		if (resp->status >= 300 && resp->status < 400 &&
			curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK &&
			redirect != NULL)
		{
			size_t		n = strlen(redirect);

			if ((*location = jwt_malloc(n + 1)) != NULL)
				memcpy(*location, redirect, n + 1);
		}
	}
	resp->aborted = t->aborted;
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
	return rc == CURLE_OK;
}

bool
jwt_http_get(const char *url, const jwt_http_options *opt, jwt_http_response *resp)
{
	long		start = now_ms();
	char	   *current = NULL;

	memset(resp, 0, sizeof(*resp));
	resp->max_age = -1;
	if (!jwt_http_url_check(url, opt->allowed_hosts, resp->error, sizeof(resp->error)))
		return false;
	if (!jwt_http_init())
	{
		set_error(resp->error, sizeof(resp->error), "libcurl could not be initialised");
		return false;
	}
	for (int hop = 0;; hop++)
	{
		transfer	t = {opt};
		char	   *location = NULL;
		long		left = opt->timeout_ms - (now_ms() - start);
		char		why[JWT_HTTP_ERROR_SIZE - 64];

		if (left <= 0)
		{
			set_error(resp->error, sizeof(resp->error), "no complete answer within %ld ms",
					  opt->timeout_ms);
			break;
		}
		resp->status = 0;
		resp->max_age = -1;
		if (!get_once(current ? current : url, opt, left, resp, &t, &location))
		{
			jwt_free(t.body);
			break;
		}
		if (location == NULL)
		{
			resp->body = t.body;
			resp->body_len = t.len;
			if (resp->body == NULL && (resp->body = jwt_malloc(1)) != NULL)
				resp->body[0] = '\0';
			if (resp->body == NULL)
				set_error(resp->error, sizeof(resp->error), "out of memory");
			else if (resp->status != 200)
				set_error(resp->error, sizeof(resp->error), "the server answered HTTP %ld",
						  resp->status);
			break;
		}
		jwt_free(t.body);
		jwt_free(current);
		current = location;
		if (!opt->follow_redirects)
			set_error(resp->error, sizeof(resp->error),
					  "the server answered HTTP %ld, a redirect, and redirects are not followed",
					  resp->status);
		else if (hop >= JWT_HTTP_MAX_REDIRECTS)
			set_error(resp->error, sizeof(resp->error), "more than %d redirects",
					  JWT_HTTP_MAX_REDIRECTS);
		else if (!jwt_http_url_check(current, opt->allowed_hosts, why, sizeof(why)))
			set_error(resp->error, sizeof(resp->error), "a redirect was refused: %s", why);
		else
			continue;
		break;
	}
	jwt_free(current);
	return resp->error[0] == '\0';
}
