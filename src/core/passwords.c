/*
 * passwords.c — reading and verifying other frameworks' password hashes
 *
 * Parsing is ours; every hash function is a library's: OpenSSL's
 * PKCS5_PBKDF2_HMAC and its SCRYPT KDF, libargon2's argon2_ctx (one thread,
 * its memory through jwt_malloc, so a PostgreSQL backend starts no thread
 * and an ERROR frees the memory), libxcrypt's crypt_rn for SHA-crypt, and
 * pgcrypto's crypt() (called by the glue) for bcrypt, md5-crypt and DES.
 * Digests are compared with CRYPTO_memcmp.
 *
 * The forms, with what their salts and digests are written in:
 *   Django     pbkdf2_sha256$N$salt$base64   pbkdf2_sha1$N$salt$base64
 *              argon2$argon2id$v=19$m=..,t=..,p=..$b64$b64   bcrypt$$2b$..
 *              bcrypt_sha256$$2b$.. (bcrypt of the hex SHA-256 of the password)
 *   Werkzeug   pbkdf2:sha256:N$salt$hex       scrypt:N:r:p$salt$hex (64 bytes)
 *   passlib    $pbkdf2-sha256$N$ab64$ab64 (also -sha512 and sha1's $pbkdf2$),
 *              where ab64 is base64 with '.' for '+' and no padding
 *   PHC        $argon2id$v=19$m=..,t=..,p=..$b64$b64 (also $argon2i$)
 *   crypt      $5$[rounds=N$]salt$hash   $6$...   $2a$/$2b$/$2y$/$2x$   $1$   DES
 * A textual salt (Django, Werkzeug) is used as its bytes, as they use it.
 */
#include "passwords.h"

#include <argon2.h>
#include <crypt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "b64url.h"
#include "mem.h"

#define MAX_SALT 128
#define MAX_DIGEST 64
#define ARGON2_MIN_HASH 4
#define ARGON2_MIN_SALT 8
#define SCRYPT_HASH_LEN 64

/* what a hash says, once parsed */
typedef struct parsed_hash
{
	jwt_password_scheme scheme;
	const EVP_MD *md;			/* PBKDF2 */
	uint64_t	cost;			/* PBKDF2 iterations; scrypt N; Argon2 m (KiB) */
	uint64_t	r;				/* scrypt r; Argon2 t */
	uint64_t	p;				/* scrypt p; Argon2 lanes */
	argon2_type argon2_type;
	uint32_t	argon2_version;
	uint8_t		salt[MAX_SALT];
	size_t		salt_len;
	uint8_t		digest[MAX_DIGEST];
	size_t		digest_len;
	size_t		crypt_at;		/* JWT_PW_CRYPT, JWT_PW_BCRYPT_SHA256: where crypt()'s setting starts */
} parsed_hash;

/* a piece of the hash text */
typedef struct span
{
	const char *s;
	size_t		n;
} span;

static bool
span_is(span a, const char *lit)
{
	return a.n == strlen(lit) && memcmp(a.s, lit, a.n) == 0;
}

static bool
span_starts(span a, const char *lit)
{
	return a.n >= strlen(lit) && memcmp(a.s, lit, strlen(lit)) == 0;
}

static span
span_from(span a, size_t off)
{
	span		b = {a.s + off, a.n - off};

	return b;
}

/* cut *rest at the first sep: the part before it, or false when there is none */
static bool
span_cut(span *rest, char sep, span *part)
{
	const char *at = memchr(rest->s, sep, rest->n);

	if (at == NULL)
		return false;
	part->s = rest->s;
	part->n = at - rest->s;
	rest->n -= part->n + 1;
	rest->s = at + 1;
	return true;
}

/* a decimal number as the libraries write one: digits, no sign, no leading zero */
static bool
span_uint(span a, uint64_t *v)
{
	uint64_t	x = 0;

	if (a.n == 0 || a.n > 10 || (a.s[0] == '0' && a.n > 1))
		return false;
	for (size_t i = 0; i < a.n; i++)
	{
		if (a.s[i] < '0' || a.s[i] > '9')
			return false;
		x = x * 10 + (a.s[i] - '0');
	}
	*v = x;
	return true;
}

static bool
in_crypt_alphabet(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '.' || c == '/';
}

static bool
all_crypt_alphabet(span a)
{
	for (size_t i = 0; i < a.n; i++)
		if (!in_crypt_alphabet(a.s[i]))
			return false;
	return true;
}

/*
 * base64 in one of its spellings (plus is '+' for standard base64, '.' for
 * passlib's ab64; '=' padding allowed when padded), decoded through the
 * strict base64url decoder: one encoding per byte string.
 */
static bool
decode_base64(span a, char plus, bool padded, uint8_t *out, size_t cap, size_t *out_len)
{
	char		buf[4 * MAX_SALT];
	uint8_t		tmp[3 * MAX_SALT];
	size_t		n = a.n;
	size_t		pad = 0;

	while (padded && n > 0 && a.s[n - 1] == '=' && pad < 2)
	{
		n--;
		pad++;
	}
	if ((pad > 0 && (n + pad) % 4 != 0) || n > sizeof(buf) || b64url_decoded_max(n) > sizeof(tmp))
		return false;
	for (size_t i = 0; i < n; i++)
	{
		char		c = a.s[i];

		if (c == plus)
			buf[i] = '-';
		else if (c == '/')
			buf[i] = '_';
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			buf[i] = c;
		else
			return false;
	}
	if (!b64url_decode(buf, n, tmp, out_len) || *out_len > cap)
		return false;
	memcpy(out, tmp, *out_len);
	return true;
}

static bool
decode_hex(span a, uint8_t *out, size_t cap, size_t *out_len)
{
	if (a.n % 2 != 0 || a.n / 2 > cap)
		return false;
	for (size_t i = 0; i < a.n; i++)
	{
		char		c = a.s[i];
		int			v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return false;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t) (v << 4);
		else
			out[i / 2] |= (uint8_t) v;
	}
	*out_len = a.n / 2;
	return true;
}

/* a salt the framework keeps as text (Django, Werkzeug): printable ASCII, no '$' */
static bool
text_salt(span a, parsed_hash *h)
{
	if (a.n == 0 || a.n > MAX_SALT)
		return false;
	for (size_t i = 0; i < a.n; i++)
		if (a.s[i] < 0x21 || a.s[i] > 0x7e || a.s[i] == '$')
			return false;
	memcpy(h->salt, a.s, a.n);
	h->salt_len = a.n;
	return true;
}

static const EVP_MD *
digest_named(span name)
{
	if (span_is(name, "sha1"))
		return EVP_sha1();
	if (span_is(name, "sha256"))
		return EVP_sha256();
	if (span_is(name, "sha512"))
		return EVP_sha512();
	return NULL;
}

static jwt_status
pbkdf2_bounds(const parsed_hash *h)
{
	if (h->cost < 1 || h->cost > JWT_PBKDF2_MAX_ITERATIONS)
		return JWT_HASH_PBKDF2_ITERATIONS;
	return JWT_OK;
}

/* Django: pbkdf2_sha256$N$salt$base64 (rest: after "pbkdf2_") */
static jwt_status
parse_django_pbkdf2(span rest, parsed_hash *h)
{
	span		alg,
				n,
				salt;

	if (!span_cut(&rest, '$', &alg) || (h->md = digest_named(alg)) == NULL ||
		!span_cut(&rest, '$', &n) || !span_uint(n, &h->cost) ||
		!span_cut(&rest, '$', &salt) || !text_salt(salt, h) ||
		!decode_base64(rest, '+', true, h->digest, MAX_DIGEST, &h->digest_len) ||
		h->digest_len != (size_t) EVP_MD_get_size(h->md))
		return JWT_HASH_FORMAT;
	h->scheme = JWT_PW_PBKDF2;
	return pbkdf2_bounds(h);
}

/* passlib: $pbkdf2-sha256$N$ab64$ab64 (rest: after "$pbkdf2"), sha1 without a suffix */
static jwt_status
parse_passlib_pbkdf2(span rest, parsed_hash *h)
{
	span		alg = {"sha1", 4},
				n,
				salt;

	if (span_starts(rest, "-"))
	{
		rest = span_from(rest, 1);
		if (!span_cut(&rest, '$', &alg) || span_is(alg, "sha1"))
			return JWT_HASH_FORMAT;
	}
	else if (!span_starts(rest, "$"))
		return JWT_HASH_FORMAT;
	else
		rest = span_from(rest, 1);
	if ((h->md = digest_named(alg)) == NULL ||
		!span_cut(&rest, '$', &n) || !span_uint(n, &h->cost) ||
		!span_cut(&rest, '$', &salt) ||
		!decode_base64(salt, '.', false, h->salt, MAX_SALT, &h->salt_len) ||
		!decode_base64(rest, '.', false, h->digest, MAX_DIGEST, &h->digest_len) ||
		h->digest_len != (size_t) EVP_MD_get_size(h->md))
		return JWT_HASH_FORMAT;
	h->scheme = JWT_PW_PBKDF2;
	return pbkdf2_bounds(h);
}

/* Werkzeug: pbkdf2:sha256:N$salt$hex (rest: after "pbkdf2:") */
static jwt_status
parse_werkzeug_pbkdf2(span rest, parsed_hash *h)
{
	span		alg,
				n,
				salt;

	if (!span_cut(&rest, ':', &alg) || (h->md = digest_named(alg)) == NULL ||
		!span_cut(&rest, '$', &n) || !span_uint(n, &h->cost) ||
		!span_cut(&rest, '$', &salt) || !text_salt(salt, h) ||
		!decode_hex(rest, h->digest, MAX_DIGEST, &h->digest_len) ||
		h->digest_len != (size_t) EVP_MD_get_size(h->md))
		return JWT_HASH_FORMAT;
	h->scheme = JWT_PW_PBKDF2;
	return pbkdf2_bounds(h);
}

/* Werkzeug: scrypt:N:r:p$salt$hex (rest: after "scrypt:") */
static jwt_status
parse_werkzeug_scrypt(span rest, parsed_hash *h)
{
	span		n,
				r,
				p,
				salt;

	if (!span_cut(&rest, ':', &n) || !span_uint(n, &h->cost) ||
		!span_cut(&rest, ':', &r) || !span_uint(r, &h->r) ||
		!span_cut(&rest, '$', &p) || !span_uint(p, &h->p) ||
		!span_cut(&rest, '$', &salt) || !text_salt(salt, h) ||
		!decode_hex(rest, h->digest, MAX_DIGEST, &h->digest_len) ||
		h->digest_len != SCRYPT_HASH_LEN ||
		h->cost < 2 || (h->cost & (h->cost - 1)) != 0 || h->r < 1)
		return JWT_HASH_FORMAT;
	h->scheme = JWT_PW_SCRYPT;
	/* N and r each first, so that their product cannot overflow */
	if (h->cost > JWT_SCRYPT_MAX_MEMORY / 128 || h->r > JWT_SCRYPT_MAX_MEMORY / 128 ||
		128 * h->cost * h->r > JWT_SCRYPT_MAX_MEMORY)
		return JWT_HASH_SCRYPT_MEMORY;
	/* scrypt itself wants N < 2^(16 r) (OpenSSL refuses more): only r = 1 can miss it here */
	if (h->r == 1 && h->cost >= 65536)
		return JWT_HASH_FORMAT;
	if (h->p < 1 || h->p > JWT_SCRYPT_MAX_P)
		return JWT_HASH_SCRYPT_PARALLELISM;
	return JWT_OK;
}

/* PHC: $argon2id$[v=19$]m=..,t=..,p=..$salt$hash (rest: after "$argon2") */
static jwt_status
parse_argon2(span rest, parsed_hash *h)
{
	span		type,
				field,
				salt;
	uint64_t	v = ARGON2_VERSION_10;

	if (!span_cut(&rest, '$', &type))
		return JWT_HASH_FORMAT;
	if (span_is(type, "id"))
		h->argon2_type = Argon2_id;
	else if (span_is(type, "i"))
		h->argon2_type = Argon2_i;
	else
		return JWT_HASH_FORMAT;
	if (!span_cut(&rest, '$', &field))
		return JWT_HASH_FORMAT;
	if (span_starts(field, "v="))
	{
		if (!span_uint(span_from(field, 2), &v) || (v != ARGON2_VERSION_10 && v != ARGON2_VERSION_13) ||
			!span_cut(&rest, '$', &field))
			return JWT_HASH_FORMAT;
	}
	h->argon2_version = (uint32_t) v;
	{
		span		params = field,
					m,
					t;

		if (!span_cut(&params, ',', &m) || !span_starts(m, "m=") || !span_uint(span_from(m, 2), &h->cost) ||
			!span_cut(&params, ',', &t) || !span_starts(t, "t=") || !span_uint(span_from(t, 2), &h->r) ||
			!span_starts(params, "p=") || !span_uint(span_from(params, 2), &h->p))
			return JWT_HASH_FORMAT;
	}
	if (!span_cut(&rest, '$', &salt) ||
		!decode_base64(salt, '+', false, h->salt, MAX_SALT, &h->salt_len) ||
		h->salt_len < ARGON2_MIN_SALT ||
		!decode_base64(rest, '+', false, h->digest, MAX_DIGEST, &h->digest_len) ||
		h->digest_len < ARGON2_MIN_HASH)
		return JWT_HASH_FORMAT;
	h->scheme = JWT_PW_ARGON2;
	if (h->p < 1 || h->p > JWT_ARGON2_MAX_LANES)
		return JWT_HASH_ARGON2_LANES;
	if (h->r < 1 || h->r > JWT_ARGON2_MAX_TIME)
		return JWT_HASH_ARGON2_TIME;
	if (h->cost < 8 * h->p || h->cost > JWT_ARGON2_MAX_MEMORY_KIB)
		return JWT_HASH_ARGON2_MEMORY;
	return JWT_OK;
}

/* $5$[rounds=N$]salt$hash and $6$... (rest: after "$5$" or "$6$"); libxcrypt reads it again */
static jwt_status
parse_sha_crypt(span rest, size_t hash_chars, parsed_hash *h)
{
	span		salt;

	h->cost = 5000;
	if (span_starts(rest, "rounds="))
	{
		span		n;

		rest = span_from(rest, 7);
		if (!span_cut(&rest, '$', &n) || !span_uint(n, &h->cost))
			return JWT_HASH_FORMAT;
	}
	if (!span_cut(&rest, '$', &salt) || salt.n > 16 || !all_crypt_alphabet(salt) ||
		rest.n != hash_chars || !all_crypt_alphabet(rest))
		return JWT_HASH_FORMAT;
	h->scheme = JWT_PW_SHA_CRYPT;
	if (h->cost < JWT_SHA_CRYPT_MIN_ROUNDS || h->cost > JWT_SHA_CRYPT_MAX_ROUNDS)
		return JWT_HASH_SHA_CRYPT_ROUNDS;
	return JWT_OK;
}

/* the hashes pgcrypto's crypt() verifies: bcrypt, md5-crypt, extended and traditional DES */
static bool
is_crypt_hash(span a, bool importing)
{
	if (span_starts(a, "$2"))
	{
		char		v = a.n > 2 ? a.s[2] : 0;
		uint64_t	cost;

		/* stored: $2a$ or $2x$ only (pgcrypto takes $2b$ and $2y$ for DES) */
		if (!(v == 'a' || v == 'x' || (importing && (v == 'b' || v == 'y'))))
			return false;
		if (a.n != 60 || a.s[3] != '$' || a.s[6] != '$' ||
			a.s[4] < '0' || a.s[4] > '9' || a.s[5] < '0' || a.s[5] > '9')
			return false;
		/* the cost: two digits, 04 to 31 */
		cost = (a.s[4] - '0') * 10 + (a.s[5] - '0');
		return cost >= 4 && cost <= 31 && all_crypt_alphabet(span_from(a, 7));
	}
	if (span_starts(a, "$1$"))
	{
		span		rest = span_from(a, 3),
					salt;

		return span_cut(&rest, '$', &salt) && salt.n >= 1 && salt.n <= 8 &&
			all_crypt_alphabet(salt) && rest.n == 22 && all_crypt_alphabet(rest);
	}
	if (span_starts(a, "_"))
		return a.n == 20 && all_crypt_alphabet(span_from(a, 1));
	return a.n == 13 && all_crypt_alphabet(a);
}

static jwt_status
parse_hash(const char *hash, size_t len, bool importing, parsed_hash *h)
{
	span		a = {hash, len};

	memset(h, 0, sizeof(*h));
	if (hash == NULL || len == 0 || len > JWT_PASSWORD_HASH_MAX_LEN || memchr(hash, '\0', len) != NULL)
		return JWT_HASH_FORMAT;
	if (span_starts(a, "pbkdf2_"))
		return parse_django_pbkdf2(span_from(a, 7), h);
	if (span_starts(a, "pbkdf2:"))
		return parse_werkzeug_pbkdf2(span_from(a, 7), h);
	if (span_starts(a, "scrypt:"))
		return parse_werkzeug_scrypt(span_from(a, 7), h);
	if (span_starts(a, "$pbkdf2"))
		return parse_passlib_pbkdf2(span_from(a, 7), h);
	if (span_starts(a, "argon2$argon2"))
		return parse_argon2(span_from(a, 13), h);
	if (span_starts(a, "$argon2"))
		return parse_argon2(span_from(a, 7), h);
	if (span_starts(a, "$5$"))
		return parse_sha_crypt(span_from(a, 3), 43, h);
	if (span_starts(a, "$6$"))
		return parse_sha_crypt(span_from(a, 3), 86, h);
	if (span_starts(a, "bcrypt_sha256$"))
	{
		h->scheme = JWT_PW_BCRYPT_SHA256;
		h->crypt_at = 14;
		return is_crypt_hash(span_from(a, 14), importing) && span_starts(span_from(a, 14), "$2") ?
			JWT_OK : JWT_HASH_FORMAT;
	}
	if (importing && span_starts(a, "bcrypt$"))
	{
		h->scheme = JWT_PW_CRYPT;
		h->crypt_at = 7;
		return is_crypt_hash(span_from(a, 7), true) && span_starts(span_from(a, 7), "$2") ?
			JWT_OK : JWT_HASH_FORMAT;
	}
	h->scheme = JWT_PW_CRYPT;
	return is_crypt_hash(a, importing) ? JWT_OK : JWT_HASH_FORMAT;
}

jwt_status
jwt_password_scheme_of(const char *hash, size_t len, jwt_password_scheme *scheme)
{
	parsed_hash h;
	jwt_status	st = parse_hash(hash, len, false, &h);

	*scheme = h.scheme;
	return st;
}

jwt_status
jwt_password_import(const char *hash, size_t len, char **out, size_t *out_len,
					jwt_password_scheme *scheme)
{
	parsed_hash h;
	jwt_status	st = parse_hash(hash, len, true, &h);
	size_t		prefix,
				from;
	char	   *s;

	*out = NULL;
	*out_len = 0;
	*scheme = h.scheme;
	if (st != JWT_OK)
		return st;
	/* Django's "bcrypt$" goes; "bcrypt_sha256$" stays, the bcrypt after it normalised */
	prefix = h.scheme == JWT_PW_BCRYPT_SHA256 ? h.crypt_at : 0;
	from = h.crypt_at;
	if ((s = jwt_malloc(len - from + prefix + 1)) == NULL)
		return JWT_NOMEM;
	memcpy(s, hash, prefix);
	memcpy(s + prefix, hash + from, len - from);
	*out_len = len - from + prefix;
	s[*out_len] = '\0';
	if ((h.scheme == JWT_PW_CRYPT || h.scheme == JWT_PW_BCRYPT_SHA256) &&
		s[prefix] == '$' && s[prefix + 1] == '2' && (s[prefix + 2] == 'b' || s[prefix + 2] == 'y'))
		s[prefix + 2] = 'a';
	*out = s;
	return JWT_OK;
}

/* argon2_ctx's memory, through the core's allocator */
static int
argon2_alloc(uint8_t **memory, size_t size)
{
	*memory = jwt_malloc(size);
	return *memory ? ARGON2_OK : ARGON2_MEMORY_ALLOCATION_ERROR;
}

static void
argon2_release(uint8_t *memory, size_t size)
{
	jwt_free(memory);
}

/* the digest the password gives under h's parameters, into out (h->digest_len bytes) */
static jwt_status
derive(const parsed_hash *h, const char *password, size_t password_len, uint8_t *out)
{
	switch (h->scheme)
	{
		case JWT_PW_PBKDF2:
			return PKCS5_PBKDF2_HMAC(password, (int) password_len, h->salt, (int) h->salt_len,
									 (int) h->cost, h->md, (int) h->digest_len, out) == 1 ?
				JWT_OK : JWT_CRYPTO;
		case JWT_PW_SCRYPT:
			{
				EVP_KDF    *kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_SCRYPT, NULL);
				EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
				uint64_t	n = h->cost;
				uint32_t	r = (uint32_t) h->r,
							p = (uint32_t) h->p;
				/* OpenSSL's own estimate is 128 r (N + 2) + 128 r p, less than this */
				uint64_t	maxmem = 128 * h->r * (h->cost + h->p + 2) + 65536;
				OSSL_PARAM	params[] = {
					OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *) password, password_len),
					OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *) h->salt, h->salt_len),
					OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
					OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
					OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
					OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
					OSSL_PARAM_construct_end()
				};
				int			ok = ctx && EVP_KDF_derive(ctx, out, h->digest_len, params) == 1;

				EVP_KDF_CTX_free(ctx);
				EVP_KDF_free(kdf);
				return ok ? JWT_OK : JWT_CRYPTO;
			}
		case JWT_PW_ARGON2:
			{
				/* argon2_context wants writable buffers: copies, wiped after */
				uint8_t    *pwd = jwt_malloc(password_len + 1);
				uint8_t		salt[MAX_SALT];
				argon2_context ctx;
				int			rc;

				if (pwd == NULL)
					return JWT_NOMEM;
				memcpy(pwd, password, password_len);
				memcpy(salt, h->salt, h->salt_len);
				memset(&ctx, 0, sizeof(ctx));
				ctx.out = out;
				ctx.outlen = (uint32_t) h->digest_len;
				ctx.pwd = pwd;
				ctx.pwdlen = (uint32_t) password_len;
				ctx.salt = salt;
				ctx.saltlen = (uint32_t) h->salt_len;
				ctx.t_cost = (uint32_t) h->r;
				ctx.m_cost = (uint32_t) h->cost;
				ctx.lanes = (uint32_t) h->p;
				ctx.threads = 1;	/* the lanes one after another: no thread in a backend */
				ctx.version = h->argon2_version;
				ctx.allocate_cbk = argon2_alloc;
				ctx.free_cbk = argon2_release;
				ctx.flags = ARGON2_DEFAULT_FLAGS;
				rc = argon2_ctx(&ctx, h->argon2_type);
				OPENSSL_cleanse(pwd, password_len);
				jwt_free(pwd);
				if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
					return JWT_NOMEM;
				return rc == ARGON2_OK ? JWT_OK : JWT_CRYPTO;
			}
		default:
			return JWT_CRYPTO;
	}
}

/* SHA-crypt: libxcrypt's crypt_rn over the whole stored string, compared with it */
static jwt_status
verify_sha_crypt(const char *password, size_t password_len, const char *hash, size_t len, bool *match)
{
	struct crypt_data *data = jwt_calloc(1, sizeof(struct crypt_data));
	char	   *phrase = jwt_malloc(password_len + 1);
	const char *result;

	if (data == NULL || phrase == NULL)
	{
		jwt_free(data);
		jwt_free(phrase);
		return JWT_NOMEM;
	}
	memcpy(phrase, password, password_len);
	phrase[password_len] = '\0';
	result = crypt_rn(phrase, hash, data, sizeof(*data));
	*match = result != NULL && result[0] != '*' && strlen(result) == len &&
		CRYPTO_memcmp(result, hash, len) == 0;
	OPENSSL_cleanse(phrase, password_len);
	OPENSSL_cleanse(data, sizeof(*data));
	jwt_free(phrase);
	jwt_free(data);
	return JWT_OK;
}

/* the hex SHA-256 of the password, as Django's bcrypt_sha256 hands bcrypt */
static jwt_status
sha256_hex(const char *password, size_t password_len, char **out)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t		md[32];
	unsigned int md_len = 0;
	char	   *s;

	if (EVP_Digest(password, password_len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != 32)
		return JWT_CRYPTO;
	if ((s = jwt_malloc(65)) == NULL)
		return JWT_NOMEM;
	for (int i = 0; i < 32; i++)
	{
		s[2 * i] = hex[md[i] >> 4];
		s[2 * i + 1] = hex[md[i] & 15];
	}
	s[64] = '\0';
	OPENSSL_cleanse(md, sizeof(md));
	*out = s;
	return JWT_OK;
}

jwt_status
jwt_password_verify(const char *password, size_t password_len, const char *hash, size_t len,
					bool *match, jwt_crypt_call *call)
{
	parsed_hash h;
	uint8_t		got[MAX_DIGEST];
	jwt_status	st;

	*match = false;
	memset(call, 0, sizeof(*call));
	if (password == NULL || parse_hash(hash, len, false, &h) != JWT_OK)
		return JWT_OK;
	switch (h.scheme)
	{
		case JWT_PW_CRYPT:
			if (password_len > JWT_PASSWORD_CRYPT_MAX_LEN)
				return JWT_OK;
			if ((call->key = jwt_malloc(password_len + 1)) == NULL)
				return JWT_NOMEM;
			memcpy(call->key, password, password_len);
			call->key[password_len] = '\0';
			call->key_len = password_len;
			break;
		case JWT_PW_BCRYPT_SHA256:
			if (password_len > JWT_PASSWORD_MAX_LEN)
				return JWT_OK;
			if ((st = sha256_hex(password, password_len, &call->key)) != JWT_OK)
				return st;
			call->key_len = 64;
			break;
		case JWT_PW_SHA_CRYPT:
			if (password_len > JWT_PASSWORD_SHA_CRYPT_MAX_LEN)
				return JWT_OK;
			return verify_sha_crypt(password, password_len, hash, len, match);
		default:
			if (password_len > JWT_PASSWORD_MAX_LEN)
				return JWT_OK;
			if ((st = derive(&h, password, password_len, got)) != JWT_OK)
				return st;
			*match = CRYPTO_memcmp(got, h.digest, h.digest_len) == 0;
			OPENSSL_cleanse(got, sizeof(got));
			return JWT_OK;
	}
	call->setting = hash + h.crypt_at;
	call->setting_len = len - h.crypt_at;
	return JWT_OK;
}

bool
jwt_password_is_current(const char *hash, size_t len, const jwt_password_policy *policy)
{
	parsed_hash h;

	if (parse_hash(hash, len, false, &h) != JWT_OK)
		return false;
	if (policy->argon2id)
		return h.scheme == JWT_PW_ARGON2 && h.argon2_type == Argon2_id &&
			h.argon2_version == ARGON2_VERSION_13 && h.cost >= policy->argon2_memory_kib &&
			h.r >= policy->argon2_time && h.p >= policy->argon2_lanes;
	/* bcrypt as pgcrypto writes it, at the cost or higher */
	return h.scheme == JWT_PW_CRYPT && h.crypt_at == 0 && len == 60 &&
		memcmp(hash, "$2a$", 4) == 0 && (hash[4] - '0') * 10 + (hash[5] - '0') >= policy->bcrypt_cost;
}

/* base64 without padding, standard alphabet (PHC strings) */
static size_t
encode_base64(const uint8_t *in, size_t n, char *out)
{
	size_t		len = b64url_encode(in, n, out);

	for (size_t i = 0; i < len; i++)
		out[i] = out[i] == '-' ? '+' : out[i] == '_' ? '/' : out[i];
	return len;
}

jwt_status
jwt_password_argon2id(const char *password, size_t password_len, const uint8_t salt[JWT_ARGON2_SALT_LEN],
					  const jwt_password_policy *policy, char **out)
{
	parsed_hash h;
	uint8_t		digest[JWT_ARGON2_HASH_LEN];
	char		salt64[32],
				digest64[64],
				head[96];
	size_t		salt_len,
				digest_len,
				head_len;
	jwt_status	st;
	char	   *s;

	*out = NULL;
	memset(&h, 0, sizeof(h));
	h.scheme = JWT_PW_ARGON2;
	h.argon2_type = Argon2_id;
	h.argon2_version = ARGON2_VERSION_13;
	h.cost = policy->argon2_memory_kib;
	h.r = policy->argon2_time;
	h.p = policy->argon2_lanes;
	memcpy(h.salt, salt, JWT_ARGON2_SALT_LEN);
	h.salt_len = JWT_ARGON2_SALT_LEN;
	h.digest_len = JWT_ARGON2_HASH_LEN;
	if ((st = derive(&h, password, password_len, digest)) != JWT_OK)
		return st;
	salt_len = encode_base64(salt, JWT_ARGON2_SALT_LEN, salt64);
	digest_len = encode_base64(digest, JWT_ARGON2_HASH_LEN, digest64);
	OPENSSL_cleanse(digest, sizeof(digest));
	head_len = (size_t) snprintf(head, sizeof(head), "$argon2id$v=19$m=%u,t=%u,p=%u$",
								 policy->argon2_memory_kib, policy->argon2_time, policy->argon2_lanes);
	if ((s = jwt_malloc(head_len + salt_len + 1 + digest_len + 1)) == NULL)
		return JWT_NOMEM;
	memcpy(s, head, head_len);
	memcpy(s + head_len, salt64, salt_len);
	s[head_len + salt_len] = '$';
	memcpy(s + head_len + salt_len + 1, digest64, digest_len);
	s[head_len + salt_len + 1 + digest_len] = '\0';
	*out = s;
	return JWT_OK;
}

bool
jwt_crypt_call_matches(const jwt_crypt_call *call, const char *result, size_t result_len)
{
	return call->key != NULL && result != NULL && result_len == call->setting_len &&
		CRYPTO_memcmp(result, call->setting, result_len) == 0;
}

void
jwt_crypt_call_free(jwt_crypt_call *call)
{
	if (call->key != NULL)
	{
		OPENSSL_cleanse(call->key, call->key_len);
		jwt_free(call->key);
	}
	memset(call, 0, sizeof(*call));
}
