/*
 * unit.h — a tiny TAP test harness for the pure core
 *
 * A test is a function named for the behaviour it pins. RUN() calls it and
 * prints "ok N - name", or "not ok N - name" when any check inside failed;
 * each failed check adds a "# file:line: ..." line saying what it saw.
 * unit_finish() prints the plan "1..N" and gives the exit status. Each test
 * runs in a process of its own, so one that crashes fails alone.
 *
 * Every CHECK is an expression that is true when the check passed, so a
 * test can stop early when going on would make no sense:
 *     if (!CHECK_STATUS(jwt_key_from_secret(s, n, &key), JWT_OK)) return;
 */
#ifndef JWT_AUTH_UNIT_H
#define JWT_AUTH_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "json.h"
#include "status.h"

typedef void (*unit_test)(void);

extern void unit_run(const char *name, unit_test test);
extern int	unit_finish(void);

extern bool unit_check(bool ok, const char *file, int line, const char *what);
extern bool unit_check_status(jwt_status got, jwt_status want, const char *file, int line,
							  const char *what);
extern bool unit_check_json(json_error got, json_error want, const char *file, int line,
							const char *what);

/* a diagnostic line showing bytes: printable ones as they are, others as \xNN */
extern void unit_diag_bytes(const char *label, const void *p, size_t n);
#define unit_diag(label, text) unit_diag_bytes((label), (text), strlen(text))


extern bool unit_check_mem(const void *got, size_t got_len, const void *want, size_t want_len,
						   const char *file, int line, const char *what);

#define RUN(test) unit_run(#test, test)

/* a condition that must hold */
#define CHECK(cond) unit_check((cond), __FILE__, __LINE__, #cond)

/* a core call that must return exactly this jwt_status */
#define CHECK_STATUS(expr, want) \
	unit_check_status((expr), (want), __FILE__, __LINE__, #expr)

/* a json_parse() call that must return exactly this json_error */
#define CHECK_JSON(expr, want) \
	unit_check_json((expr), (want), __FILE__, __LINE__, #expr)

/* bytes that must equal the expected ones */
#define CHECK_MEM(got, got_len, want, want_len) \
	unit_check_mem((got), (got_len), (want), (want_len), __FILE__, __LINE__, #got)

/* a NUL-terminated expected string compared with got[0..got_len) */
#define CHECK_TEXT(got, got_len, want) \
	unit_check_mem((got), (got_len), (want), strlen(want), __FILE__, __LINE__, #got)

/* the suites, one per core concern */
extern void status_tests(void);
extern void b64url_tests(void);
extern void json_tests(void);
extern void alg_tests(void);
extern void keys_tests(void);
extern void jws_tests(void);
extern void sign_tests(void);
extern void asym_tests(void);
extern void jwk_tests(void);
extern void claims_tests(void);
extern void passwords_tests(void);
extern void http_tests(void);

#endif
