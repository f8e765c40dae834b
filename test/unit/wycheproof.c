/*
 * wycheproof.c — the pure core's signature verification against Project
 * Wycheproof's primitive vectors: ECDSA in the raw R||S (IEEE P1363) form
 * JWS uses, RSA PKCS#1 v1.5, RSA-PSS and Ed25519
 *
 * Usage: wycheproof VECTORS_DIR   (the project's test/vectors)
 *
 * Each file is read with the core's own JSON parser. For each test group the
 * public key is built from every form the file carries (the JWK, the PEM,
 * and for Ed25519 the raw public key turned into an OKP JWK); the forms must
 * agree, and the JWK (for Ed25519, the raw key) is the one that verifies.
 * Every test's msg and sig go through jwt_crypto_verify() with the JWS
 * algorithm the group's parameters make: "valid" must verify, "invalid"
 * must be refused as a bad signature, "acceptable" may go either way and is
 * counted apart. Groups whose parameters no JWS algorithm has (another
 * hash, an MGF1 hash that differs, a PSS salt other than the hash length,
 * which RFC 7518 section 3.5 fixes) are skipped and counted.
 *
 * jwt_key_check() is deliberately not called: it refuses RSA keys under
 * 2048 bits, which is policy, while these tests are about the primitive.
 *
 * Output is TAP: one "ok N - FILE: PASSED/TOTAL ..." line per file ("not
 * ok" when anything in it failed), a "not ok N - FILE tcId T: ..." line for
 * each test that failed, and the plan at the end. The exit status is 0 only
 * when every line is "ok".
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alg.h"
#include "b64url.h"
#include "crypto.h"
#include "json.h"
#include "keys.h"
#include "status.h"

static const char *const files[] = {
	"ecdsa_secp256r1_sha256_p1363_test.json",
	"ecdsa_secp384r1_sha384_p1363_test.json",
	"ecdsa_secp521r1_sha512_p1363_test.json",
	"rsa_signature_2048_sha256_test.json",
	"rsa_signature_2048_sha384_test.json",
	"rsa_signature_2048_sha512_test.json",
	"rsa_pss_2048_sha256_mgf1_32_test.json",
	"rsa_pss_2048_sha384_mgf1_48_test.json",
	"rsa_pss_4096_sha512_mgf1_64_test.json",
	"ed25519_test.json",
};

static int	tap_count;
static int	tap_failed;

/* one TAP line: "ok N - ..." or "not ok N - ..." */
static void tap(bool ok, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
tap(bool ok, const char *fmt, ...)
{
	va_list		ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		tap_failed++;
}

/* per-file tallies */
typedef struct tally
{
	int			valid,
				invalid,
				acceptable,
				acceptable_accepted,
				skipped,
				passed,
				failed,
				groups,			/* groups run */
				key_forms;		/* key forms present in them, each built and agreeing */
	char		algs[64];		/* the JWS algorithms used, e.g. "ES256" */
} tally;

/* the whole file, NUL-terminated; NULL when it cannot be read */
static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf = NULL;
	long		n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
		(buf = malloc((size_t) n + 1)) != NULL)
	{
		if (fread(buf, 1, (size_t) n, f) != (size_t) n)
		{
			free(buf);
			buf = NULL;
		}
		else
		{
			buf[n] = '\0';
			*len = (size_t) n;
		}
	}
	fclose(f);
	return buf;
}

/* the string member `name` of the object at obj, unescaped and malloc'd; NULL when absent */
static char *
string_member(const json_doc *doc, uint32_t obj, const char *name)
{
	uint32_t	v;
	char	   *s;

	if (!json_find(doc, obj, name, &v) || doc->toks[v].type != JSON_STRING)
		return NULL;
	if ((s = malloc(doc->toks[v].len + 1)) == NULL)
		return NULL;
	s[json_string_decode(doc, v, s)] = '\0';
	return s;
}

static bool
member_is(const json_doc *doc, uint32_t obj, const char *name, const char *want)
{
	uint32_t	v;

	return json_find(doc, obj, name, &v) && doc->toks[v].type == JSON_STRING &&
		json_string_eq(doc, v, want, strlen(want));
}

static bool
number_member(const json_doc *doc, uint32_t obj, const char *name, double *out)
{
	uint32_t	v;

	return json_find(doc, obj, name, &v) && doc->toks[v].type == JSON_NUMBER &&
		json_number_value(doc, v, out);
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* a hex string member decoded into a malloc'd buffer (at least one byte allocated) */
static bool
hex_member(const json_doc *doc, uint32_t obj, const char *name, uint8_t **out, size_t *len)
{
	uint32_t	v;
	const char *s;
	size_t		n;

	*out = NULL;
	if (!json_find(doc, obj, name, &v) || doc->toks[v].type != JSON_STRING ||
		doc->toks[v].escaped || doc->toks[v].len % 2 != 0)
		return false;
	s = doc->text + doc->toks[v].start;
	n = doc->toks[v].len / 2;
	if ((*out = malloc(n ? n : 1)) == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
	{
		int			hi = hex_digit(s[2 * i]),
					lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
		{
			free(*out);
			*out = NULL;
			return false;
		}
		(*out)[i] = (uint8_t) (hi << 4 | lo);
	}
	*len = n;
	return true;
}

/* the JWS algorithm of a "SHA-256"-style hash name in a family; JWS_ALG_INVALID when none */
static jws_alg
alg_for(jws_family family, const char *sha)
{
	static const struct
	{
		jws_family	family;
		const char *sha;
		jws_alg		alg;
	}			map[] = {
		{JWS_FAMILY_ECDSA, "SHA-256", JWS_ES256},
		{JWS_FAMILY_ECDSA, "SHA-384", JWS_ES384},
		{JWS_FAMILY_ECDSA, "SHA-512", JWS_ES512},
		{JWS_FAMILY_RSA, "SHA-256", JWS_RS256},
		{JWS_FAMILY_RSA, "SHA-384", JWS_RS384},
		{JWS_FAMILY_RSA, "SHA-512", JWS_RS512},
		{JWS_FAMILY_RSA_PSS, "SHA-256", JWS_PS256},
		{JWS_FAMILY_RSA_PSS, "SHA-384", JWS_PS384},
		{JWS_FAMILY_RSA_PSS, "SHA-512", JWS_PS512},
	};

	if (sha == NULL)
		return JWS_ALG_INVALID;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].family == family && strcmp(map[i].sha, sha) == 0)
			return map[i].alg;
	return JWS_ALG_INVALID;
}

/* Wycheproof's curve names as JWK's */
static const char *
jwk_curve(const char *wycheproof)
{
	if (wycheproof == NULL)
		return NULL;
	if (strcmp(wycheproof, "secp256r1") == 0)
		return "P-256";
	if (strcmp(wycheproof, "secp384r1") == 0)
		return "P-384";
	if (strcmp(wycheproof, "secp521r1") == 0)
		return "P-521";
	if (strcmp(wycheproof, "edwards25519") == 0)
		return "Ed25519";
	return NULL;
}

/*
 * The JWS algorithm for a test group, or JWS_ALG_INVALID when its
 * parameters are not a JWS algorithm's (why says which).
 */
static jws_alg
group_alg(const json_doc *doc, uint32_t g, const char **why)
{
	char	   *sha = string_member(doc, g, "sha");
	jws_alg		alg = JWS_ALG_INVALID;
	uint32_t	pk;

	*why = "unknown test type";
	if (member_is(doc, g, "type", "EcdsaP1363Verify"))
	{
		char	   *curve = NULL;

		alg = alg_for(JWS_FAMILY_ECDSA, sha);
		if (json_find(doc, g, "publicKey", &pk) && doc->toks[pk].type == JSON_OBJECT)
			curve = string_member(doc, pk, "curve");
		/* ES256 is P-256 with SHA-256, and so on: other pairs are no JWS algorithm */
		if (alg != JWS_ALG_INVALID &&
			(jwk_curve(curve) == NULL || strcmp(jwk_curve(curve), jws_alg_curve(alg)) != 0))
		{
			alg = JWS_ALG_INVALID;
			*why = "curve and hash are no ES algorithm";
		}
		else if (alg == JWS_ALG_INVALID)
			*why = "hash is no ES algorithm's";
		free(curve);
	}
	else if (member_is(doc, g, "type", "RsassaPkcs1Verify"))
	{
		alg = alg_for(JWS_FAMILY_RSA, sha);
		*why = "hash is no RS algorithm's";
	}
	else if (member_is(doc, g, "type", "RsassaPssVerify"))
	{
		char	   *mgf_sha = string_member(doc, g, "mgfSha");
		double		salt;

		alg = alg_for(JWS_FAMILY_RSA_PSS, sha);
		*why = "hash is no PS algorithm's";
		/* RFC 7518 section 3.5: MGF1 with the same hash, a salt as long as the hash */
		if (alg != JWS_ALG_INVALID &&
			(!member_is(doc, g, "mgf", "MGF1") || mgf_sha == NULL || strcmp(mgf_sha, sha) != 0 ||
			 !number_member(doc, g, "sLen", &salt) || salt != (double) jws_alg_hash_len(alg)))
		{
			alg = JWS_ALG_INVALID;
			*why = "MGF1 hash or salt length is not the one JWS fixes";
		}
		free(mgf_sha);
	}
	else if (member_is(doc, g, "type", "EddsaVerify"))
	{
		char	   *curve = NULL;

		if (json_find(doc, g, "publicKey", &pk) && doc->toks[pk].type == JSON_OBJECT)
			curve = string_member(doc, pk, "curve");
		if (curve != NULL && strcmp(curve, "edwards25519") == 0)
			alg = JWS_EDDSA;
		else
			*why = "curve is not Ed25519";
		free(curve);
	}
	free(sha);
	return alg;
}

/* a key from the JSON text of the object token at obj */
static jwt_status
key_from_object(const json_doc *doc, uint32_t obj, jwt_key **key)
{
	return jwt_key_from_jwk(doc->text + doc->toks[obj].start, doc->toks[obj].len, key);
}

/* the Ed25519 raw public key (publicKey.pk, or publicKey as a hex string) as an OKP JWK */
static jwt_status
key_from_raw_ed25519(const json_doc *doc, uint32_t g, jwt_key **key)
{
	uint32_t	pk;
	uint8_t    *raw = NULL;
	size_t		raw_len = 0;
	char		jwk[160];
	size_t		n;
	jwt_status	st = JWT_KEY_INVALID;
	bool		ok;

	*key = NULL;
	if (!json_find(doc, g, "publicKey", &pk))
		return JWT_KEY_INVALID;
	ok = doc->toks[pk].type == JSON_OBJECT ? hex_member(doc, pk, "pk", &raw, &raw_len) :
		hex_member(doc, g, "publicKey", &raw, &raw_len);
	if (ok && raw_len == 32)
	{
		n = (size_t) snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"");
		n += b64url_encode(raw, raw_len, jwk + n);
		n += (size_t) snprintf(jwk + n, sizeof(jwk) - n, "\"}");
		st = jwt_key_from_jwk(jwk, n, key);
	}
	free(raw);
	return st;
}

/* do two keys have the same public members? */
static bool
same_public_key(const jwt_key *a, const jwt_key *b)
{
	char	   *ja = NULL,
			   *jb = NULL;
	size_t		la = 0,
				lb = 0;
	bool		same;

	same = jwt_key_public_jwk(a, &ja, &la) == JWT_OK && jwt_key_public_jwk(b, &jb, &lb) == JWT_OK &&
		la == lb && memcmp(ja, jb, la) == 0;
	free(ja);
	free(jb);
	return same;
}

/*
 * The group's public key from every form present. The one returned is the
 * raw key for Ed25519, else the JWK ("publicKeyJwk", or "keyJwk" in the
 * RSA PKCS#1 files), else the PEM. *forms counts the forms present, and
 * *agree says whether each of them built a key and all have the same
 * public members.
 */
static jwt_key *
group_key(const json_doc *doc, uint32_t g, jws_alg alg, int *forms, bool *agree)
{
	jwt_key    *keys[3] = {NULL, NULL, NULL};
	bool		present[3] = {false, false, false};
	jwt_key    *chosen = NULL;
	uint32_t	v;
	char	   *pem;

	*forms = 0;
	*agree = true;
	if (alg == JWS_EDDSA && json_find(doc, g, "publicKey", &v))
	{
		present[0] = true;
		key_from_raw_ed25519(doc, g, &keys[0]);
	}
	if ((json_find(doc, g, "publicKeyJwk", &v) || json_find(doc, g, "keyJwk", &v)) &&
		doc->toks[v].type == JSON_OBJECT)
	{
		present[1] = true;
		key_from_object(doc, v, &keys[1]);
	}
	if ((pem = string_member(doc, g, "publicKeyPem")) != NULL)
	{
		present[2] = true;
		jwt_key_from_text(pem, strlen(pem), &keys[2]);
		free(pem);
	}
	for (int i = 0; i < 3; i++)
	{
		if (!present[i])
			continue;
		(*forms)++;
		if (keys[i] == NULL)
			*agree = false;
		else if (chosen == NULL)
			chosen = keys[i];
		else if (!same_public_key(chosen, keys[i]))
			*agree = false;
	}
	for (int i = 0; i < 3; i++)
		if (keys[i] != chosen)
			jwt_key_free(keys[i]);
	return chosen;
}

static void
note_alg(tally *t, jws_alg alg)
{
	const char *name = jws_alg_name(alg);

	if (strstr(t->algs, name) != NULL)
		return;
	if (t->algs[0] != '\0')
		strncat(t->algs, ",", sizeof(t->algs) - strlen(t->algs) - 1);
	strncat(t->algs, name, sizeof(t->algs) - strlen(t->algs) - 1);
}

/* one test: its outcome counted, a "not ok" line when it failed */
static void
run_test(const char *file, const json_doc *doc, uint32_t test, jwt_key *key, jws_alg alg, tally *t)
{
	double		tcid = -1;
	uint8_t    *msg = NULL,
			   *sig = NULL;
	size_t		msg_len = 0,
				sig_len = 0;
	jwt_status	st;
	bool		ok;

	number_member(doc, test, "tcId", &tcid);
	if (!hex_member(doc, test, "msg", &msg, &msg_len) || !hex_member(doc, test, "sig", &sig, &sig_len))
	{
		t->failed++;
		tap(false, "%s tcId %.0f: msg or sig is not hex", file, tcid);
		free(msg);
		free(sig);
		return;
	}
	st = jwt_crypto_verify(key, alg, msg, msg_len, sig, sig_len);
	if (member_is(doc, test, "result", "valid"))
	{
		t->valid++;
		ok = st == JWT_OK;
	}
	else if (member_is(doc, test, "result", "invalid"))
	{
		t->invalid++;
		/* refused as what it is: a bad signature, not a machine failure */
		ok = st == JWT_TOKEN_SIGNATURE;
	}
	else if (member_is(doc, test, "result", "acceptable"))
	{
		t->acceptable++;
		ok = st == JWT_OK || st == JWT_TOKEN_SIGNATURE;
		if (st == JWT_OK)
			t->acceptable_accepted++;
	}
	else
		ok = false;
	if (ok)
		t->passed++;
	else
	{
		char	   *result = string_member(doc, test, "result");
		char	   *comment = string_member(doc, test, "comment");

		t->failed++;
		tap(false, "%s tcId %.0f: %s (%s) with %s gave %s", file, tcid,
			result ? result : "no result", comment ? comment : "", jws_alg_name(alg),
			jwt_status_name(st));
		free(result);
		free(comment);
	}
	free(msg);
	free(sig);
}

static void
run_file(const char *dir, const char *file)
{
	char		path[4096];
	char	   *text;
	size_t		len = 0;
	json_doc	doc;
	json_error	err;
	uint32_t	groups,
				g;
	tally		t;

	memset(&t, 0, sizeof(t));
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((text = read_file(path, &len)) == NULL)
	{
		tap(false, "%s: cannot read %s", file, path);
		return;
	}
	if ((err = json_parse(text, len, &doc)) != JSON_OK)
	{
		tap(false, "%s: json_parse failed (%d)", file, (int) err);
		free(text);
		return;
	}
	if (!json_find(&doc, 0, "testGroups", &groups) || doc.toks[groups].type != JSON_ARRAY)
	{
		tap(false, "%s: no testGroups array", file);
		json_free(&doc);
		free(text);
		return;
	}
	g = groups + 1;
	for (uint32_t i = 0; i < doc.toks[groups].size; i++, g = doc.toks[g].next)
	{
		const char *why = NULL;
		jws_alg		alg = group_alg(&doc, g, &why);
		uint32_t	tests,
					test;
		jwt_key    *key = NULL;
		int			forms = 0;
		bool		agree = true;

		if (!json_find(&doc, g, "tests", &tests) || doc.toks[tests].type != JSON_ARRAY)
		{
			tap(false, "%s: test group %u has no tests array", file, i + 1);
			t.failed++;
			continue;
		}
		if (alg == JWS_ALG_INVALID)
		{
			t.skipped += (int) doc.toks[tests].size;
			printf("# %s: group %u skipped (%u tests): %s\n", file, i + 1,
				   doc.toks[tests].size, why);
			continue;
		}
		note_alg(&t, alg);
		t.groups++;
		key = group_key(&doc, g, alg, &forms, &agree);
		t.key_forms += forms;
		if (key == NULL || !agree)
		{
			tap(false, "%s: test group %u: %s", file, i + 1,
				key == NULL ? "no public key could be built" :
				"a form of the public key (JWK, PEM, raw) failed to build or disagrees");
			t.failed += key == NULL ? (int) doc.toks[tests].size : 1;
			if (key == NULL)
				continue;
		}
		test = tests + 1;
		for (uint32_t k = 0; k < doc.toks[tests].size; k++, test = doc.toks[test].next)
			run_test(file, &doc, test, key, alg, &t);
		jwt_key_free(key);
	}
	/* a file that ran nothing proves nothing */
	tap(t.failed == 0 && t.passed > 0,
		"%s: %d/%d (%s; valid %d, invalid %d, acceptable %d: %d accepted, %d rejected; "
		"skipped %d; %d groups, %d key forms)",
		file, t.passed, t.valid + t.invalid + t.acceptable,
		t.algs[0] ? t.algs : "no algorithm", t.valid, t.invalid, t.acceptable,
		t.acceptable_accepted, t.acceptable - t.acceptable_accepted, t.skipped,
		t.groups, t.key_forms);
	json_free(&doc);
	free(text);
}

int
main(int argc, char **argv)
{
	if (argc != 2)
	{
		fprintf(stderr, "usage: %s VECTORS_DIR\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		run_file(argv[1], files[i]);
	printf("1..%d\n", tap_count);
	return tap_failed == 0 ? 0 : 1;
}
