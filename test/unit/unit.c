/*
 * unit.c — the harness behind unit.h: counting, TAP output, the exit status
 *
 * Each test runs in a child process of its own, so that a test that
 * crashes (a sanitizer report, a signal) fails alone and the others still
 * run, and so that LeakSanitizer, which checks as the child exits, blames
 * a leak on the test that made it.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* a child's exit status when checks failed; sanitizers exit with others */
#define CHECKS_FAILED 64

static int	tests_run;
static int	tests_failed;
static int	checks_failed;			/* in the test running now */

/* run the test here; the status a child would exit with */
static int
run_here(unit_test test)
{
	checks_failed = 0;
	test();
	fflush(stdout);
	return checks_failed > 0 ? CHECKS_FAILED : 0;
}

/* run the test in a child; true when it passed, with a diagnostic when it did not finish */
static bool
run_in_child(unit_test test)
{
	pid_t		pid;
	int			status;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return run_here(test) == 0;
	if (pid == 0)
		exit(run_here(test));	/* exit(), not _exit(): LeakSanitizer runs at exit */
	if (waitpid(pid, &status, 0) < 0)
	{
		printf("# could not wait for the test's process\n");
		return false;
	}
	if (WIFSIGNALED(status))
		printf("# the test was killed by signal %d\n", WTERMSIG(status));
	else if (WEXITSTATUS(status) == 23)
		printf("# the test leaked memory (LeakSanitizer's report is on stderr)\n");
	else if (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != CHECKS_FAILED)
		printf("# the test stopped with exit status %d (a sanitizer report is on stderr)\n",
			   WEXITSTATUS(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void
unit_run(const char *name, unit_test test)
{
	bool		ok = run_in_child(test);

	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", tests_run, name);
	fflush(stdout);
}

int
unit_finish(void)
{
	printf("1..%d\n", tests_run);
	if (tests_failed > 0)
		printf("# %d of %d tests failed\n", tests_failed, tests_run);
	return tests_failed > 0 ? 1 : 0;
}

/* the diagnostics go out before the test's own "not ok" line, as TAP allows */
bool
unit_check(bool ok, const char *file, int line, const char *what)
{
	if (!ok)
	{
		checks_failed++;
		printf("# %s:%d: check failed: %s\n", file, line, what);
	}
	return ok;
}

bool
unit_check_status(jwt_status got, jwt_status want, const char *file, int line,
				  const char *what)
{
	if (got == want)
		return true;
	checks_failed++;
	printf("# %s:%d: %s\n#   got %s, want %s\n", file, line, what,
		   jwt_status_name(got), jwt_status_name(want));
	return false;
}

static const char *
json_error_name(json_error err)
{
	switch (err)
	{
		case JSON_OK:
			return "JSON_OK";
		case JSON_ERR_SYNTAX:
			return "JSON_ERR_SYNTAX";
		case JSON_ERR_DUPLICATE:
			return "JSON_ERR_DUPLICATE";
		case JSON_ERR_NOMEM:
			return "JSON_ERR_NOMEM";
	}
	return "unknown json_error";
}

bool
unit_check_json(json_error got, json_error want, const char *file, int line,
				const char *what)
{
	if (got == want)
		return true;
	checks_failed++;
	printf("# %s:%d: %s\n#   got %s, want %s\n", file, line, what,
		   json_error_name(got), json_error_name(want));
	return false;
}

void
unit_diag_bytes(const char *label, const void *p, size_t n)
{
	const unsigned char *s = p;

	printf("#   %s (%zu bytes): ", label, n);
	for (size_t i = 0; i < n && i < 80; i++)
	{
		if (s[i] >= 0x20 && s[i] < 0x7f)
			putchar(s[i]);
		else
			printf("\\x%02x", s[i]);
	}
	printf("%s\n", n > 80 ? "..." : "");
}

bool
unit_check_mem(const void *got, size_t got_len, const void *want, size_t want_len,
			   const char *file, int line, const char *what)
{
	if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0))
		return true;
	checks_failed++;
	printf("# %s:%d: %s differs\n", file, line, what);
	unit_diag_bytes("got", got, got_len);
	unit_diag_bytes("want", want, want_len);
	return false;
}
