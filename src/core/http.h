/*
 * http.h — one HTTPS GET with libcurl, under strict options
 *
 * What an issuer's keys are fetched with (src/pg/fetch.c is the glue): a
 * GET of an https URL, with peer and host verification on, libcurl allowed
 * no protocol but https, a whole-request timeout, a cap on the body (the
 * transfer stops as soon as it is passed), an optional CA file, an
 * optional list of the hosts that may be asked, and redirects off unless
 * asked for (then https only, each target checked like the first URL, at
 * most JWT_HTTP_MAX_REDIRECTS hops). Errors are words for the owner of the
 * extension: they name no secret, and never a URL's query string.
 */
#ifndef JWT_AUTH_HTTP_H
#define JWT_AUTH_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define JWT_HTTP_MAX_REDIRECTS 3
#define JWT_HTTP_ERROR_SIZE 256

typedef struct jwt_http_options
{
	long		timeout_ms;		/* the whole request, redirects included; > 0 */
	size_t		max_size;		/* the most body bytes accepted; > 0 */
	const char *ca_file;		/* CA bundle; NULL or "": the system's */
	const char *allowed_hosts;	/* comma list of host names; NULL or "": any host */
	bool		follow_redirects;
	/* asked now and then during a transfer; true stops it (a query cancel) */
	bool		(*abort) (void *arg);
	void	   *abort_arg;
} jwt_http_options;

typedef struct jwt_http_response
{
	long		status;			/* HTTP status of the last answer; 0: none came */
	char	   *body;			/* jwt_malloc'd, NUL-terminated; NULL when none */
	size_t		body_len;
	int			max_age;		/* Cache-Control max-age; -1: none; 0: no-cache/no-store */
	bool		aborted;		/* the abort callback stopped it */
	char		error[JWT_HTTP_ERROR_SIZE];	/* "" when the answer is a 200 with a body */
} jwt_http_response;

/* once per process, before the first jwt_http_get; false when libcurl cannot start */
extern bool jwt_http_init(void);

/*
 * GET url. True when a 200 came with its whole body; otherwise false and
 * resp->error says why (resp->status and resp->body are kept when an answer
 * other than 200 came). The caller frees resp->body with jwt_free.
 */
extern bool jwt_http_get(const char *url, const jwt_http_options *opt, jwt_http_response *resp);

/*
 * Whether url may be fetched: https, a host, no user name or password, and
 * the host in allowed_hosts (a comma list, case-insensitive, NULL or "": any).
 * False with the reason in error (error_size bytes) otherwise.
 */
extern bool jwt_http_url_check(const char *url, const char *allowed_hosts,
							   char *error, size_t error_size);

/* whether allowed_hosts is a well-formed comma list of host names */
extern bool jwt_http_hosts_check(const char *allowed_hosts);

/*
 * The max-age of a Cache-Control field value (several fields joined with
 * commas): seconds, -1 when there is none, 0 for no-cache or no-store
 * (which win over max-age); the first max-age counts; values beyond
 * INT_MAX are INT_MAX; a malformed max-age is ignored.
 */
extern int	jwt_http_max_age(const char *cache_control);

#endif
