/*
 * OpenSSL's own RSA-PSS, timed as `openssl speed rsa2048` times RSA: the
 * reference for PS256, which `openssl speed` does not measure (its rsa2048
 * is PKCS#1 v1.5, whose padding check is cheaper than PSS's MGF1).
 *
 *   pss_speed KEY_FILE SECONDS
 *
 * KEY_FILE holds an RSA private key (PEM). As `openssl speed` does, one
 * EVP_PKEY_CTX per operation is set up once (PSS padding, SHA-256, salt of
 * the digest's length: PS256's parameters), then sign or verify of a
 * SHA-256 digest runs in a loop for SECONDS of this process's CPU time.
 * Prints "openssl.rsa2048_pss.sign|µs" and "openssl.rsa2048_pss.verify|µs";
 * never a key.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* CPU time, as `openssl speed` counts: other work on the machine is not ours */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "pss_speed: %s\n", what);
	exit(1);
}

/* a context for sign (or verify) under PS256's parameters */
static EVP_PKEY_CTX *
pss_context(EVP_PKEY *key, int sign)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);

	if (ctx == NULL || (sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) <= 0 ||
		EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
		EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0 ||
		EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) <= 0)
		die("cannot set up RSA-PSS");
	return ctx;
}

int
main(int argc, char **argv)
{
	unsigned char digest[32] = {0};
	unsigned char sig[512];
	size_t		sig_len = sizeof(sig);
	double		seconds,
				start;
	long		n;
	EVP_PKEY   *key;
	EVP_PKEY_CTX *sign_ctx,
			   *verify_ctx;
	FILE	   *f;

	if (argc != 3 || (seconds = atof(argv[2])) <= 0)
		die("usage: pss_speed KEY_FILE SECONDS");
	if ((f = fopen(argv[1], "r")) == NULL || (key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
		die("cannot read the key");
	fclose(f);
	for (size_t i = 0; i < sizeof(digest); i++)
		digest[i] = (unsigned char) i;
	sign_ctx = pss_context(key, 1);
	verify_ctx = pss_context(key, 0);

	start = now_s();
	for (n = 0; n == 0 || now_s() - start < seconds; n++)
	{
		sig_len = sizeof(sig);
		if (EVP_PKEY_sign(sign_ctx, sig, &sig_len, digest, sizeof(digest)) <= 0)
			die("sign failed");
	}
	printf("openssl.rsa2048_pss.sign|%.3f\n", (now_s() - start) * 1e6 / n);

	start = now_s();
	for (n = 0; n == 0 || now_s() - start < seconds; n++)
		if (EVP_PKEY_verify(verify_ctx, sig, sig_len, digest, sizeof(digest)) != 1)
			die("verify failed");
	printf("openssl.rsa2048_pss.verify|%.3f\n", (now_s() - start) * 1e6 / n);

	EVP_PKEY_CTX_free(sign_ctx);
	EVP_PKEY_CTX_free(verify_ctx);
	EVP_PKEY_free(key);
	return 0;
}
