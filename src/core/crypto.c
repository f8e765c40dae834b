/*
 * crypto.c — HMAC over EVP_MAC; RSA, RSA-PSS and ECDSA over EVP_PKEY_sign/verify of a
 * digest; EdDSA over EVP_DigestSign
 */
#include "crypto.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

/* fetched on first use and kept for the process */
static EVP_MAC *hmac_impl;
static EVP_MD *digests[JWS_ALG_COUNT];

static const EVP_MD *
digest(jws_alg alg)
{
	if (jws_alg_digest(alg) == NULL)
		return NULL;			/* EdDSA hashes inside the scheme */
	if (digests[alg] == NULL)
		digests[alg] = EVP_MD_fetch(NULL, jws_alg_digest(alg), NULL);
	return digests[alg];
}

/* the key's HMAC context for alg, keyed on first use and reset after */
static EVP_MAC_CTX *
keyed_hmac(jwt_key *key, jws_alg alg)
{
	EVP_MAC_CTX *ctx = key->mac[alg];
	OSSL_PARAM	params[2];

	if (ctx != NULL)
		return EVP_MAC_init(ctx, NULL, 0, NULL) ? ctx : NULL;
	if (hmac_impl == NULL && (hmac_impl = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	if ((ctx = EVP_MAC_CTX_new(hmac_impl)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
												 (char *) jws_alg_digest(alg), 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key->secret, key->secret_len, params))
	{
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	key->mac[alg] = ctx;
	return ctx;
}

static jwt_status
hmac(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len, uint8_t *out, size_t *out_len)
{
	EVP_MAC_CTX *ctx = keyed_hmac(key, alg);

	if (ctx == NULL || !EVP_MAC_update(ctx, data, len) ||
		!EVP_MAC_final(ctx, out, out_len, JWT_MAX_SIG_LEN))
	{
		ERR_clear_error();
		return JWT_CRYPTO;
	}
	return JWT_OK;
}

/* EdDSA: a new digest-sign or digest-verify context (the scheme hashes inside) */
static EVP_MD_CTX *
new_signature_ctx(jwt_key *key, bool signing)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();

	if (mctx != NULL &&
		(signing ? EVP_DigestSignInit(mctx, NULL, NULL, NULL, key->pkey) :
		 EVP_DigestVerifyInit(mctx, NULL, NULL, NULL, key->pkey)) <= 0)
	{
		EVP_MD_CTX_free(mctx);
		return NULL;
	}
	return mctx;
}

/*
 * EdDSA: a context ready for one sign or verify, a copy of the key's
 * initialised one, which is made on first use. Setting a context up costs
 * OpenSSL provider look-ups and parameter parsing; copying it does not.
 */
static EVP_MD_CTX *
signature_ctx(jwt_key *key, jws_alg alg, bool signing)
{
	EVP_MD_CTX **template = (EVP_MD_CTX **) &key->sig[alg][signing ? 0 : 1];
	EVP_MD_CTX *mctx;

	if (*template == NULL && (*template = new_signature_ctx(key, signing)) == NULL)
		return NULL;
	if ((mctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (!EVP_MD_CTX_copy_ex(mctx, *template))
	{
		/* a provider that cannot copy its context: set one up afresh */
		EVP_MD_CTX_free(mctx);
		ERR_clear_error();
		return new_signature_ctx(key, signing);
	}
	return mctx;
}

/*
 * RSA, RSA-PSS and ECDSA: the key's context for alg, initialised for
 * signing or verifying a digest on first use (with the family's padding)
 * and used for every call after: EVP_PKEY_sign and EVP_PKEY_verify keep no
 * state from one call to the next, so nothing is set up or copied per call.
 */
static EVP_PKEY_CTX *
digest_ctx(jwt_key *key, jws_alg alg, bool signing)
{
	EVP_PKEY_CTX **slot = (EVP_PKEY_CTX **) &key->sig[alg][signing ? 0 : 1];
	EVP_PKEY_CTX *ctx;
	int			ok;

	if (*slot != NULL)
		return *slot;
	if (digest(alg) == NULL || (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL)) == NULL)
		return NULL;
	ok = (signing ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) > 0;
	if (ok && jws_alg_family(alg) == JWS_FAMILY_RSA_PSS)
		/* RFC 7518 section 3.5: MGF1 with the same hash, salt as long as the hash */
		ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0 &&
			EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
			EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, digest(alg)) > 0;
	else if (ok && jws_alg_family(alg) == JWS_FAMILY_RSA)
		ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0;
	/* after the padding: RSA checks the digest against it */
	ok = ok && EVP_PKEY_CTX_set_signature_md(ctx, digest(alg)) > 0;
	if (!ok)
	{
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	*slot = ctx;
	return ctx;
}

/* the digest of data under alg's hash; false when OpenSSL fails */
static bool
hash(jws_alg alg, const uint8_t *data, size_t len, uint8_t *md, size_t *md_len)
{
	unsigned int n = 0;

	if (digest(alg) == NULL || !EVP_Digest(data, len, md, &n, digest(alg), NULL))
		return false;
	*md_len = n;
	return true;
}

/* the order n of an ES algorithm's curve */
static const BIGNUM *
curve_order(jws_alg alg)
{
	static EC_GROUP *groups[JWS_ALG_COUNT];
	int			nid = alg == JWS_ES256 ? NID_X9_62_prime256v1 :
		alg == JWS_ES384 ? NID_secp384r1 : NID_secp521r1;

	if (groups[alg] == NULL)
		groups[alg] = EC_GROUP_new_by_curve_name(nid);
	return groups[alg] ? EC_GROUP_get0_order(groups[alg]) : NULL;
}

/* ECDSA's DER signature as JWS's R||S, each half bytes long */
static bool
der_to_raw(const uint8_t *der, size_t der_len, size_t half, uint8_t *raw)
{
	const unsigned char *p = der;
	ECDSA_SIG  *sig = d2i_ECDSA_SIG(NULL, &p, (long) der_len);
	const BIGNUM *r,
			   *s;
	bool		ok;

	if (sig == NULL)
		return false;
	ECDSA_SIG_get0(sig, &r, &s);
	ok = BN_bn2binpad(r, raw, (int) half) == (int) half &&
		BN_bn2binpad(s, raw + half, (int) half) == (int) half;
	ECDSA_SIG_free(sig);
	return ok;
}

/*
 * JWS's R||S as DER for OpenSSL, refusing what no valid signature has:
 * the wrong length, r or s zero, r or s at least the curve order
 * (CVE-2022-21449 accepted r = s = 0).
 */
static jwt_status
raw_to_der(jws_alg alg, const uint8_t *raw, size_t raw_len, uint8_t **der, int *der_len)
{
	size_t		half = jws_alg_ecdsa_sig_len(alg) / 2;
	const BIGNUM *n = curve_order(alg);
	BIGNUM	   *r,
			   *s;
	ECDSA_SIG  *sig;

	*der = NULL;
	if (raw_len != 2 * half)
		return JWT_TOKEN_SIGNATURE;
	if (n == NULL)
		return JWT_CRYPTO;
	r = BN_bin2bn(raw, (int) half, NULL);
	s = BN_bin2bn(raw + half, (int) half, NULL);
	if (r == NULL || s == NULL || (sig = ECDSA_SIG_new()) == NULL)
	{
		BN_free(r);
		BN_free(s);
		return JWT_NOMEM;
	}
	if (BN_is_zero(r) || BN_is_zero(s) || BN_cmp(r, n) >= 0 || BN_cmp(s, n) >= 0)
	{
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return JWT_TOKEN_SIGNATURE;
	}
	ECDSA_SIG_set0(sig, r, s);
	*der_len = i2d_ECDSA_SIG(sig, der);
	ECDSA_SIG_free(sig);
	return *der_len > 0 ? JWT_OK : JWT_CRYPTO;
}

static jwt_status
pkey_sign(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
		  uint8_t *sig, size_t *sig_len)
{
	uint8_t		der[JWT_MAX_SIG_LEN];
	size_t		der_len = sizeof(der);
	uint8_t		md[EVP_MAX_MD_SIZE];
	size_t		md_len;
	bool		ecdsa = jws_alg_family(alg) == JWS_FAMILY_ECDSA;
	int			ok;

	*sig_len = JWT_MAX_SIG_LEN;
	if (jws_alg_family(alg) == JWS_FAMILY_EDDSA)
	{
		EVP_MD_CTX *mctx = signature_ctx(key, alg, true);

		ok = mctx != NULL && EVP_DigestSign(mctx, sig, sig_len, data, len) > 0;
		EVP_MD_CTX_free(mctx);
	}
	else
	{
		EVP_PKEY_CTX *ctx = digest_ctx(key, alg, true);

		ok = ctx != NULL && hash(alg, data, len, md, &md_len) &&
			EVP_PKEY_sign(ctx, ecdsa ? der : sig, ecdsa ? &der_len : sig_len, md, md_len) > 0;
	}
	if (ok && ecdsa)
	{
		*sig_len = jws_alg_ecdsa_sig_len(alg);
		ok = der_to_raw(der, der_len, *sig_len / 2, sig);
	}
	if (!ok)
	{
		ERR_clear_error();
		return JWT_CRYPTO;
	}
	return JWT_OK;
}

static jwt_status
pkey_verify(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
			const uint8_t *sig, size_t sig_len)
{
	uint8_t    *der = NULL;
	int			der_len = 0;
	uint8_t		md[EVP_MAX_MD_SIZE];
	size_t		md_len;
	jwt_status	st = JWT_OK;

	if (jws_alg_family(alg) == JWS_FAMILY_ECDSA)
	{
		if ((st = raw_to_der(alg, sig, sig_len, &der, &der_len)) != JWT_OK)
			return st;
		sig = der;
		sig_len = (size_t) der_len;
	}
	else if (sig_len != (size_t) EVP_PKEY_get_size(key->pkey))
		return JWT_TOKEN_SIGNATURE;	/* RSA: the modulus length; EdDSA: 64 or 114 */
	if (jws_alg_family(alg) == JWS_FAMILY_EDDSA)
	{
		EVP_MD_CTX *mctx = signature_ctx(key, alg, false);

		if (mctx == NULL)
			st = JWT_CRYPTO;
		else if (EVP_DigestVerify(mctx, sig, sig_len, data, len) != 1)
			st = JWT_TOKEN_SIGNATURE;	/* 0: mismatch; < 0: unusable signature */
		EVP_MD_CTX_free(mctx);
	}
	else
	{
		EVP_PKEY_CTX *ctx = digest_ctx(key, alg, false);

		if (ctx == NULL || !hash(alg, data, len, md, &md_len))
			st = JWT_CRYPTO;
		else if (EVP_PKEY_verify(ctx, sig, sig_len, md, md_len) != 1)
			st = JWT_TOKEN_SIGNATURE;	/* 0: mismatch; < 0: unusable signature */
	}
	OPENSSL_free(der);
	ERR_clear_error();
	return st;
}

jwt_status
jwt_crypto_sign(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
				uint8_t *sig, size_t *sig_len)
{
	if (jws_alg_family(alg) == JWS_FAMILY_HMAC)
		return hmac(key, alg, data, len, sig, sig_len);
	return pkey_sign(key, alg, data, len, sig, sig_len);
}

jwt_status
jwt_crypto_verify(jwt_key *key, jws_alg alg, const uint8_t *data, size_t len,
				  const uint8_t *sig, size_t sig_len)
{
	uint8_t		expected[JWT_MAX_SIG_LEN];
	size_t		expected_len;
	jwt_status	st;

	if (jws_alg_family(alg) != JWS_FAMILY_HMAC)
		return pkey_verify(key, alg, data, len, sig, sig_len);
	if ((st = hmac(key, alg, data, len, expected, &expected_len)) != JWT_OK)
		return st;
	/* the length is public; the bytes are compared in constant time */
	if (sig_len != expected_len || CRYPTO_memcmp(sig, expected, expected_len) != 0)
		return JWT_TOKEN_SIGNATURE;
	return JWT_OK;
}
