/*
 * keys.c — the key object: secrets, PEM, checks, generation and export
 *
 * JWK import lives in jwk.c; signing and verifying in crypto.c.
 */
#include "keys.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "b64url.h"

static jwt_status
new_key(jwt_key_type type, jwt_key **key)
{
	*key = jwt_calloc(1, sizeof(jwt_key));
	if (*key == NULL)
		return JWT_NOMEM;
	(*key)->type = type;
	(*key)->ops = JWT_OP_SIGN | JWT_OP_VERIFY;
	return JWT_OK;
}

jwt_status
jwt_key_from_secret(const uint8_t *secret, size_t len, jwt_key **key)
{
	jwt_status	st = new_key(JWT_KEY_OCT, key);

	if (st != JWT_OK)
		return st;
	/* jwt_malloc(0) may return NULL; keep a real buffer for empty secrets */
	(*key)->secret = jwt_malloc(len ? len : 1);
	if ((*key)->secret == NULL)
	{
		jwt_key_free(*key);
		*key = NULL;
		return JWT_NOMEM;
	}
	memcpy((*key)->secret, secret, len);
	(*key)->secret_len = len;
	(*key)->has_private = true;
	return JWT_OK;
}

/* OpenSSL's group name for the curves JWS uses, as JWK names them */
static const char *
jwk_curve_name(const char *group)
{
	if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
		return "P-256";
	if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
		return "P-384";
	if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0)
		return "P-521";
	return NULL;
}

/*
 * RSA public keys that passed the check below, by the SHA-256 of n and e:
 * the check tests n for primality, some milliseconds for 2048 bits, and a
 * key passed in a call is parsed once per statement. Public values only;
 * the oldest entry makes room.
 */
#define RSA_CHECKED_KEYS 32
static unsigned char rsa_checked[RSA_CHECKED_KEYS][32];
static int	rsa_checked_len;
static int	rsa_checked_next;

/* the SHA-256 of an RSA key's n and e; false when they cannot be read */
static bool
rsa_public_digest(EVP_PKEY *pkey, unsigned char digest[32])
{
	BIGNUM	   *n = NULL,
			   *e = NULL;
	unsigned char *buf = NULL;
	int			n_len,
				e_len;
	bool		ok = false;

	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) &&
		EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e))
	{
		n_len = BN_num_bytes(n);
		e_len = BN_num_bytes(e);
		/* n, then e, each after its length: no two keys give the same bytes */
		if ((buf = jwt_malloc((size_t) n_len + e_len + 8)) != NULL)
		{
			memcpy(buf, &n_len, 4);
			BN_bn2bin(n, buf + 4);
			memcpy(buf + 4 + n_len, &e_len, 4);
			BN_bn2bin(e, buf + 8 + n_len);
			ok = EVP_Q_digest(NULL, "SHA256", NULL, buf, (size_t) n_len + e_len + 8, digest, NULL);
		}
	}
	jwt_free(buf);
	BN_free(n);
	BN_free(e);
	ERR_clear_error();
	return ok;
}

/* OpenSSL's check of an RSA public key: n odd, composite and of sane size, e odd and > 1 */
static bool
rsa_public_ok(EVP_PKEY *pkey)
{
	unsigned char digest[32];
	bool		known = rsa_public_digest(pkey, digest);
	EVP_PKEY_CTX *ctx;
	bool		ok;

	for (int i = 0; known && i < rsa_checked_len; i++)
		if (memcmp(rsa_checked[i], digest, sizeof(digest)) == 0)
			return true;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	ok = ctx != NULL && EVP_PKEY_public_check(ctx) > 0;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	if (ok && known)
	{
		memcpy(rsa_checked[rsa_checked_next], digest, sizeof(digest));
		rsa_checked_next = (rsa_checked_next + 1) % RSA_CHECKED_KEYS;
		if (rsa_checked_len < RSA_CHECKED_KEYS)
			rsa_checked_len++;
	}
	return ok;
}

/*
 * Does the private half belong to the public half? A key whose private part
 * does not match (a changed d, CRT members that do not fit, a PEM scalar
 * beside another point) would sign tokens that never verify. One signature
 * over a fixed message, checked with the public half, answers for every key
 * type; it runs once per parsed key, and parsed keys are cached.
 */
static bool
private_matches_public(EVP_PKEY *pkey, jwt_key_type type)
{
	static const unsigned char msg[] = "jwt_auth private key check";
	const char *md = type == JWT_KEY_OKP ? NULL : "SHA256";
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t		sig_len = (size_t) EVP_PKEY_get_size(pkey);
	unsigned char *sig = jwt_malloc(sig_len ? sig_len : 1);
	bool		ok;

	ok = ctx != NULL && sig != NULL &&
		EVP_DigestSignInit_ex(ctx, NULL, md, NULL, NULL, pkey, NULL) > 0 &&
		EVP_DigestSign(ctx, sig, &sig_len, msg, sizeof(msg) - 1) > 0 &&
		EVP_MD_CTX_reset(ctx) > 0 &&
		EVP_DigestVerifyInit_ex(ctx, NULL, md, NULL, NULL, pkey, NULL) > 0 &&
		EVP_DigestVerify(ctx, sig, sig_len, msg, sizeof(msg) - 1) == 1;
	EVP_MD_CTX_free(ctx);
	jwt_free(sig);
	ERR_clear_error();
	return ok;
}

jwt_status
jwt_key_from_pkey(void *pkey_arg, bool has_private, jwt_key **key)
{
	EVP_PKEY   *pkey = pkey_arg;
	jwt_key_type type;
	const char *curve = NULL;
	char		group[64];
	jwt_status	st;

	*key = NULL;
	switch (EVP_PKEY_get_base_id(pkey))
	{
		case EVP_PKEY_RSA:
			type = JWT_KEY_RSA;
			break;
		case EVP_PKEY_EC:
			type = JWT_KEY_EC;
			if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
												group, sizeof(group), NULL) ||
				(curve = jwk_curve_name(group)) == NULL)
			{
				EVP_PKEY_free(pkey);
				ERR_clear_error();
				return JWT_KEY_UNSUPPORTED;
			}
			break;
		case EVP_PKEY_ED25519:
			type = JWT_KEY_OKP;
			curve = "Ed25519";
			break;
		case EVP_PKEY_ED448:
			type = JWT_KEY_OKP;
			curve = "Ed448";
			break;
		default:
			EVP_PKEY_free(pkey);
			return JWT_KEY_UNSUPPORTED;
	}
	if ((st = new_key(type, key)) != JWT_OK)
	{
		EVP_PKEY_free(pkey);
		return st;
	}
	(*key)->pkey = pkey;
	(*key)->has_private = has_private;
	(*key)->curve = curve;
	(*key)->bits = EVP_PKEY_get_bits(pkey);
	if (type == JWT_KEY_RSA && (*key)->bits > JWT_RSA_MAX_BITS)
	{
		jwt_key_free(*key);
		*key = NULL;
		return JWT_KEY_UNSUPPORTED;
	}
	if (type == JWT_KEY_RSA && !rsa_public_ok(pkey))
	{
		/* e = 1 makes every padded digest its own signature */
		jwt_key_free(*key);
		*key = NULL;
		return JWT_KEY_INVALID;
	}
	if (has_private && !private_matches_public(pkey, type))
	{
		jwt_key_free(*key);
		*key = NULL;
		return JWT_KEY_INVALID;
	}
	return JWT_OK;
}

/* never ask for a passphrase: encrypted PEM keys are refused */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

static bool
has_prefix(const uint8_t *s, size_t n, const char *prefix)
{
	size_t		p = strlen(prefix);

	return n >= p && memcmp(s, prefix, p) == 0;
}

static bool
contains(const uint8_t *s, size_t n, const char *needle)
{
	size_t		k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return true;
	return false;
}

/* a PEM private key, public key or certificate */
static jwt_status
from_pem(const char *text, size_t len, jwt_key **key)
{
	BIO		   *bio = BIO_new_mem_buf(text, (int) len);
	EVP_PKEY   *pkey = NULL;
	bool		private = false;

	if (bio == NULL || len > INT32_MAX)
	{
		BIO_free(bio);
		return JWT_NOMEM;
	}
	if (has_prefix((const uint8_t *) text, len, "-----BEGIN CERTIFICATE-----"))
	{
		X509	   *cert = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);

		if (cert != NULL)
			pkey = X509_get_pubkey(cert);
		X509_free(cert);
	}
	else
	{
		OSSL_DECODER_CTX *dctx;

		private = contains((const uint8_t *) text, len, "PRIVATE KEY-----");
		dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, NULL,
											 private ? OSSL_KEYMGMT_SELECT_KEYPAIR :
											 OSSL_KEYMGMT_SELECT_PUBLIC_KEY,
											 NULL, NULL);
		if (dctx != NULL)
		{
			OSSL_DECODER_CTX_set_pem_password_cb(dctx, no_passphrase, NULL);
			if (!OSSL_DECODER_from_bio(dctx, bio))
				pkey = NULL;
		}
		OSSL_DECODER_CTX_free(dctx);
	}
	BIO_free(bio);
	ERR_clear_error();
	if (pkey == NULL)
		return JWT_KEY_INVALID;
	return jwt_key_from_pkey(pkey, private, key);
}

jwt_status
jwt_key_from_text(const char *text, size_t len, jwt_key **key)
{
	const char *p = text;
	size_t		n = len;

	*key = NULL;
	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
	{
		p++;
		n--;
	}
	if (has_prefix((const uint8_t *) p, n, "-----BEGIN"))
		return from_pem(p, n, key);
	return jwt_key_from_secret((const uint8_t *) text, len, key);
}

/*
 * Would an attacker pick this as an "HMAC secret" because it is public?
 * PEM armour anywhere, a JSON object naming a key type, an OpenSSH key.
 */
static bool
looks_like_public_key(const uint8_t *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
	{
		s++;
		n--;
	}
	return contains(s, n, "-----BEGIN") ||
		(has_prefix(s, n, "{") && contains(s, n, "\"kty\"")) ||
		has_prefix(s, n, "ssh-rsa ") || has_prefix(s, n, "ssh-ed25519 ") ||
		has_prefix(s, n, "ssh-ed448 ") || has_prefix(s, n, "ssh-dss ") ||
		has_prefix(s, n, "ecdsa-sha2-");
}

/* the key type each family needs */
static jwt_key_type
family_key_type(jws_family family)
{
	switch (family)
	{
		case JWS_FAMILY_HMAC:
			return JWT_KEY_OCT;
		case JWS_FAMILY_RSA:
		case JWS_FAMILY_RSA_PSS:
			return JWT_KEY_RSA;
		case JWS_FAMILY_ECDSA:
			return JWT_KEY_EC;
		case JWS_FAMILY_EDDSA:
			return JWT_KEY_OKP;
	}
	return 0;
}

jwt_status
jwt_key_check(const jwt_key *key, jws_alg alg, jwt_key_op op, bool allow_short)
{
	if (alg <= JWS_ALG_INVALID || alg >= JWS_ALG_COUNT)
		return JWT_ALG_UNKNOWN;
	/* an asymmetric key offered as an HMAC secret is the RS256-to-HS256 confusion */
	if (key->type != family_key_type(jws_alg_family(alg)))
		return jws_alg_family(alg) == JWS_FAMILY_HMAC ? JWT_KEY_IS_PUBLIC : JWT_KEY_TYPE_MISMATCH;
	if (key->alg != JWS_ALG_INVALID && key->alg != alg)
		return JWT_KEY_ALG_MISMATCH;
	if ((key->ops & op) == 0)
		return JWT_KEY_USE;
	if (op == JWT_OP_SIGN && !key->has_private)
		return JWT_KEY_NOT_PRIVATE;
	switch (key->type)
	{
		case JWT_KEY_OCT:
			if (looks_like_public_key(key->secret, key->secret_len))
				return JWT_KEY_IS_PUBLIC;
			if (!allow_short && key->secret_len < jws_alg_hash_len(alg))
				return JWT_KEY_SHORT;
			break;
		case JWT_KEY_RSA:
			if (key->bits < JWT_RSA_MIN_BITS)
				return JWT_KEY_WEAK;
			break;
		case JWT_KEY_EC:
			if (strcmp(key->curve, jws_alg_curve(alg)) != 0)
				return JWT_KEY_CURVE_MISMATCH;
			break;
		case JWT_KEY_OKP:
			break;
	}
	return JWT_OK;
}

jwt_status
jwt_key_generate(jws_alg alg, jwt_key **key)
{
	EVP_PKEY   *pkey = NULL;

	*key = NULL;
	switch (jws_alg_family(alg))
	{
		case JWS_FAMILY_HMAC:
			{
				uint8_t		secret[64];
				size_t		len = jws_alg_hash_len(alg);
				jwt_status	st;

				/* straight from the kernel's CSPRNG */
				if (getrandom(secret, len, 0) != (ssize_t) len)
					return JWT_CRYPTO;
				st = jwt_key_from_secret(secret, len, key);
				OPENSSL_cleanse(secret, sizeof(secret));
				return st;
			}
		case JWS_FAMILY_RSA:
		case JWS_FAMILY_RSA_PSS:
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) JWT_RSA_MIN_BITS);
			break;
		case JWS_FAMILY_ECDSA:
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", jws_alg_curve(alg));
			break;
		case JWS_FAMILY_EDDSA:
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
			break;
		default:
			return JWT_ALG_UNKNOWN;
	}
	if (pkey == NULL)
	{
		ERR_clear_error();
		return JWT_CRYPTO;
	}
	return jwt_key_from_pkey(pkey, true, key);
}

/* a public member's name and its big-endian bytes (jwt_malloc'd) */
typedef struct jwk_member
{
	const char *name;
	uint8_t    *bytes;
	size_t		len;
} jwk_member;

/* the BIGNUM param as bytes, left-padded with zeros to pad bytes when pad > 0 */
static bool
get_bn_member(const EVP_PKEY *pkey, const char *param, const char *name, size_t pad,
			  jwk_member *m)
{
	BIGNUM	   *bn = NULL;
	size_t		size;
	int			len;

	m->name = name;
	if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
		return false;
	size = (size_t) BN_num_bytes(bn);
	if (pad > size)
		size = pad;
	if ((m->bytes = jwt_malloc(size ? size : 1)) == NULL)
	{
		BN_free(bn);
		return false;
	}
	len = pad ? BN_bn2binpad(bn, m->bytes, (int) pad) : BN_bn2bin(bn, m->bytes);
	BN_free(bn);
	m->len = len < 0 ? 0 : (size_t) len;
	return len >= 0;
}

static bool
get_raw_member(const EVP_PKEY *pkey, const char *name, jwk_member *m)
{
	size_t		len = 0;

	m->name = name;
	if (!EVP_PKEY_get_raw_public_key(pkey, NULL, &len) ||
		(m->bytes = jwt_malloc(len ? len : 1)) == NULL)
		return false;
	m->len = len;
	return EVP_PKEY_get_raw_public_key(pkey, m->bytes, &m->len);
}

jwt_status
jwt_key_public_jwk(const jwt_key *key, char **json, size_t *len)
{
	jwk_member	m[2] = {{0}};
	int			nm = 0;
	bool		ok;
	char	   *out = NULL;
	size_t		cap = 64;
	size_t		n;

	switch (key->type)
	{
		case JWT_KEY_RSA:
			nm = 2;
			ok = get_bn_member(key->pkey, OSSL_PKEY_PARAM_RSA_N, "n", 0, &m[0]) &&
				get_bn_member(key->pkey, OSSL_PKEY_PARAM_RSA_E, "e", 0, &m[1]);
			break;
		case JWT_KEY_EC:
			{
				size_t		field = strcmp(key->curve, "P-256") == 0 ? 32 :
					strcmp(key->curve, "P-384") == 0 ? 48 : 66;

				nm = 2;
				ok = get_bn_member(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, "x", field, &m[0]) &&
					get_bn_member(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, "y", field, &m[1]);
				break;
			}
		case JWT_KEY_OKP:
			nm = 1;
			ok = get_raw_member(key->pkey, "x", &m[0]);
			break;
		default:
			return JWT_KEY_TYPE_MISMATCH;
	}
	for (int i = 0; ok && i < nm; i++)
		cap += b64url_encoded_len(m[i].len) + 16;
	if (ok && (out = jwt_malloc(cap)) != NULL)
	{
		if (key->type == JWT_KEY_RSA)
			n = (size_t) sprintf(out, "{\"kty\":\"RSA\"");
		else
			n = (size_t) sprintf(out, "{\"kty\":\"%s\",\"crv\":\"%s\"",
								 key->type == JWT_KEY_EC ? "EC" : "OKP", key->curve);
		for (int i = 0; i < nm; i++)
		{
			n += (size_t) sprintf(out + n, ",\"%s\":\"", m[i].name);
			n += b64url_encode(m[i].bytes, m[i].len, out + n);
			out[n++] = '"';
		}
		out[n++] = '}';
		out[n] = '\0';
		*json = out;
		*len = n;
	}
	for (int i = 0; i < nm; i++)
		jwt_free(m[i].bytes);
	if (!ok)
	{
		ERR_clear_error();
		return JWT_CRYPTO;
	}
	return out ? JWT_OK : JWT_NOMEM;
}

jwt_status
jwt_key_private_bytes(const jwt_key *key, uint8_t **out, size_t *len)
{
	BIO		   *bio;
	char	   *data;
	long		n;

	if (!key->has_private)
		return JWT_KEY_NOT_PRIVATE;
	if (key->type == JWT_KEY_OCT)
	{
		if ((*out = jwt_malloc(key->secret_len ? key->secret_len : 1)) == NULL)
			return JWT_NOMEM;
		memcpy(*out, key->secret, key->secret_len);
		*len = key->secret_len;
		return JWT_OK;
	}
	if ((bio = BIO_new(BIO_s_secmem())) == NULL)
		return JWT_NOMEM;
	if (!PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL) ||
		(n = BIO_get_mem_data(bio, &data)) <= 0 ||
		(*out = jwt_malloc((size_t) n)) == NULL)
	{
		BIO_free(bio);
		ERR_clear_error();
		return JWT_CRYPTO;
	}
	memcpy(*out, data, (size_t) n);
	*len = (size_t) n;
	BIO_free(bio);				/* a secure-memory BIO is wiped as it is freed */
	return JWT_OK;
}

void
jwt_key_free(jwt_key *key)
{
	if (key == NULL)
		return;
	for (int i = 0; i < JWS_ALG_COUNT; i++)
	{
		EVP_MAC_CTX_free(key->mac[i]);
		for (int j = 0; j < 2; j++)
		{
			/* EdDSA keeps digest-sign contexts; RSA and EC keys, key contexts */
			if (key->type == JWT_KEY_OKP)
				EVP_MD_CTX_free(key->sig[i][j]);
			else
				EVP_PKEY_CTX_free(key->sig[i][j]);
		}
	}
	if (key->secret != NULL)
	{
		OPENSSL_cleanse(key->secret, key->secret_len);
		jwt_free(key->secret);
	}
	EVP_PKEY_free(key->pkey);
	jwt_free(key->kid);
	jwt_free(key);
}
