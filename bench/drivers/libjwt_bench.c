/*
 * Per-call cost of signing and verifying a JWT with libjwt 1.10 (Debian's
 * libjwt-dev), standalone: what an application would otherwise run.
 *
 *   libjwt_bench ALG N SIGN_KEY_FILE VERIFY_KEY_FILE RUNS
 *
 * ALG is HS256, RS256 or ES256; the key files hold the HMAC secret's bytes
 * or PEM (private key to sign, public key to verify). N payloads differ per
 * call (the same claims as bench/hs256.sql); sign is jwt_new,
 * jwt_add_grants_json, jwt_set_alg, jwt_encode_str; verify is jwt_decode
 * with the key. Each figure is the median over RUNS runs of (loop time -
 * time of the same loop without the call) / N, in CPU time. Prints
 * "libjwt.ALG.sign|µs" and "libjwt.ALG.verify|µs"; never a key or token.
 */
#include <jwt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile uintptr_t sink;

/* CPU time, as `openssl speed` and bench/measure.sql count: other work on the machine is not ours */
static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void
die(const char *what)
{
	fprintf(stderr, "libjwt_bench: %s\n", what);
	exit(1);
}

static unsigned char *
read_file(const char *path, int *len)
{
	FILE	   *f = fopen(path, "rb");
	unsigned char *buf = malloc(65536);
	size_t		n;

	if (f == NULL || buf == NULL)
		die("cannot read a key file");
	n = fread(buf, 1, 65535, f);
	fclose(f);
	buf[n] = '\0';
	*len = (int) n;
	return buf;
}

static char *
sign_one(const char *claims, jwt_alg_t alg, const unsigned char *key, int key_len)
{
	jwt_t	   *jwt = NULL;
	char	   *token;

	if (jwt_new(&jwt) != 0 || jwt_add_grants_json(jwt, claims) != 0 ||
		jwt_set_alg(jwt, alg, key, key_len) != 0)
		die("cannot set up a token");
	token = jwt_encode_str(jwt);
	jwt_free(jwt);
	if (token == NULL)
		die("jwt_encode_str failed");
	return token;
}

static void
verify_one(const char *token, const unsigned char *key, int key_len)
{
	jwt_t	   *jwt = NULL;

	if (jwt_decode(&jwt, token, key, key_len) != 0)
		die("jwt_decode refused a token it signed");
	jwt_free(jwt);
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
	jwt_alg_t	alg;
	int			n,
				runs,
				sign_len,
				verify_len;
	unsigned char *sign_key,
			   *verify_key;
	char	  **claims,
			  **tokens;
	double	   *sign_us,
			   *verify_us;

	if (argc != 6)
		die("usage: libjwt_bench ALG N SIGN_KEY_FILE VERIFY_KEY_FILE RUNS");
	alg = jwt_str_alg(argv[1]);
	n = atoi(argv[2]);
	runs = atoi(argv[5]);
	if (alg == JWT_ALG_INVAL || alg == JWT_ALG_NONE || n < 1 || runs < 1)
		die("bad arguments");
	sign_key = read_file(argv[3], &sign_len);
	verify_key = read_file(argv[4], &verify_len);

	claims = malloc(n * sizeof(char *));
	tokens = malloc(n * sizeof(char *));
	sign_us = malloc(runs * sizeof(double));
	verify_us = malloc(runs * sizeof(double));
	for (int i = 0; i < n; i++)
	{
		claims[i] = malloc(128);
		snprintf(claims[i], 128,
				 "{\"sub\":\"user-%d\",\"role\":\"authenticated\",\"iat\":1700000000,\"exp\":4102444800}",
				 i + 1);
		tokens[i] = sign_one(claims[i], alg, sign_key, sign_len);
	}
	/* one untimed pass each: libraries loaded, caches warm */
	for (int i = 0; i < n && i < 100; i++)
	{
		free(sign_one(claims[i], alg, sign_key, sign_len));
		verify_one(tokens[i], verify_key, verify_len);
	}

	for (int r = 0; r < runs; r++)
	{
		double		t0,
					t1,
					t2,
					t3,
					t4;

		t0 = now_us();
		for (int i = 0; i < n; i++)
		{
			char	   *token = sign_one(claims[i], alg, sign_key, sign_len);

			sink ^= (uintptr_t) token[0];
			free(token);
		}
		t1 = now_us();
		for (int i = 0; i < n; i++)
			verify_one(tokens[i], verify_key, verify_len);
		t2 = now_us();
		/* the same loops without the call */
		for (int i = 0; i < n; i++)
			sink ^= (uintptr_t) claims[i][0];
		t3 = now_us();
		for (int i = 0; i < n; i++)
			sink ^= (uintptr_t) tokens[i][0];
		t4 = now_us();
		sign_us[r] = ((t1 - t0) - (t3 - t2)) / n;
		verify_us[r] = ((t2 - t1) - (t4 - t3)) / n;
	}
	printf("libjwt.%s.sign|%.3f\n", argv[1], median(sign_us, runs));
	printf("libjwt.%s.verify|%.3f\n", argv[1], median(verify_us, runs));

	for (int i = 0; i < n; i++)
	{
		free(claims[i]);
		free(tokens[i]);
	}
	free(claims);
	free(tokens);
	free(sign_us);
	free(verify_us);
	explicit_bzero(sign_key, 65536);
	explicit_bzero(verify_key, 65536);
	free(sign_key);
	free(verify_key);
	return 0;
}
