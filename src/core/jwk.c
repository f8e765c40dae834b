/*
 * jwk.c — JSON Web Keys (RFC 7517, RFC 7518 section 6, RFC 8037) into keys
 *
 * Members are decoded with strict base64url. EC points must lie on the
 * named curve and EC/OKP private keys must match their public part, so a
 * JWK cannot smuggle in a key other than the one it shows.
 */
#include "keys.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "b64url.h"
#include "json.h"

/* a base64url member of the JWK object at obj, decoded into a jwt_malloc'd buffer */
typedef struct member
{
	uint8_t    *bytes;
	size_t		len;
	bool		present;
} member;

static jwt_status
get_member(const json_doc *doc, uint32_t obj, const char *name, member *m)
{
	uint32_t	v;

	memset(m, 0, sizeof(*m));
	if (!json_find(doc, obj, name, &v))
		return JWT_OK;
	if (doc->toks[v].type != JSON_STRING || doc->toks[v].escaped)
		return JWT_KEY_INVALID;
	if ((m->bytes = jwt_malloc(b64url_decoded_max(doc->toks[v].len))) == NULL)
		return JWT_NOMEM;
	if (!b64url_decode(doc->text + doc->toks[v].start, doc->toks[v].len, m->bytes, &m->len))
		return JWT_KEY_INVALID;
	m->present = true;
	return JWT_OK;
}

static void
free_member(member *m)
{
	if (m->bytes != NULL)
	{
		OPENSSL_cleanse(m->bytes, m->len);
		jwt_free(m->bytes);
	}
	memset(m, 0, sizeof(*m));
}

/* a member's bytes as a BIGNUM pushed onto the param builder */
static bool
push_bn(OSSL_PARAM_BLD *bld, const char *param, const member *m, BIGNUM **keep)
{
	BIGNUM	   *bn = BN_bin2bn(m->bytes, (int) m->len, NULL);

	*keep = bn;
	return bn != NULL && OSSL_PARAM_BLD_push_BN(bld, param, bn);
}

/* build an EVP_PKEY of `type` from params and adopt it */
static jwt_status
from_params(const char *type, OSSL_PARAM_BLD *bld, bool private, jwt_key **key)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY   *pkey = NULL;
	int			ok = params != NULL && ctx != NULL && EVP_PKEY_fromdata_init(ctx) > 0 &&
		EVP_PKEY_fromdata(ctx, &pkey, private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
						  params) > 0;

	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(ctx);
	if (ok && strcmp(type, "EC") == 0)
	{
		/* the point must be on the curve (jwt_key_from_pkey checks a private key matches it) */
		EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);

		ok = check != NULL && EVP_PKEY_public_check(check) > 0;
		EVP_PKEY_CTX_free(check);
	}
	ERR_clear_error();
	if (!ok)
	{
		EVP_PKEY_free(pkey);
		return JWT_KEY_INVALID;
	}
	return jwt_key_from_pkey(pkey, private, key);
}

static jwt_status
jwk_rsa(const json_doc *doc, uint32_t obj, jwt_key **key)
{
	static const struct
	{
		const char *name;
		const char *param;
	}			parts[] = {
		{"n", OSSL_PKEY_PARAM_RSA_N}, {"e", OSSL_PKEY_PARAM_RSA_E},
		{"d", OSSL_PKEY_PARAM_RSA_D}, {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
		{"q", OSSL_PKEY_PARAM_RSA_FACTOR2}, {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
		{"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2}, {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
	};
	enum
	{
		NPARTS = sizeof(parts) / sizeof(parts[0])
	};
	member		m[NPARTS];
	BIGNUM	   *bn[NPARTS] = {0};
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	jwt_status	st = bld ? JWT_OK : JWT_NOMEM;
	size_t		used = 0;
	bool		crt;

	memset(m, 0, sizeof(m));
	for (size_t i = 0; i < NPARTS && st == JWT_OK; i++)
		st = get_member(doc, obj, parts[i].name, &m[i]);
	/* n and e always; the CRT members all or none, and only with d */
	crt = m[3].present;
	if (st == JWT_OK && (!m[0].present || !m[1].present))
		st = JWT_KEY_INVALID;
	for (size_t i = 3; i < NPARTS && st == JWT_OK; i++)
		if (m[i].present != crt || (crt && !m[2].present))
			st = JWT_KEY_INVALID;
	used = crt ? NPARTS : m[2].present ? 3 : 2;
	for (size_t i = 0; i < used && st == JWT_OK; i++)
		if (!push_bn(bld, parts[i].param, &m[i], &bn[i]))
			st = JWT_NOMEM;
	if (st == JWT_OK)
		st = from_params("RSA", bld, m[2].present, key);
	for (size_t i = 0; i < NPARTS; i++)
	{
		BN_clear_free(bn[i]);
		free_member(&m[i]);
	}
	OSSL_PARAM_BLD_free(bld);
	return st;
}

static jwt_status
jwk_ec(const json_doc *doc, uint32_t obj, jwt_key **key)
{
	static const struct
	{
		const char *crv;
		size_t		field;
	}			curves[] = {{"P-256", 32}, {"P-384", 48}, {"P-521", 66}};
	uint32_t	v;
	const char *crv = NULL;
	size_t		field = 0;
	member		x,
				y,
				d;
	uint8_t		point[1 + 2 * 66];
	BIGNUM	   *priv = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	jwt_status	st;

	if (!json_find(doc, obj, "crv", &v) || doc->toks[v].type != JSON_STRING)
		return JWT_KEY_INVALID;
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (json_string_eq(doc, v, curves[i].crv, strlen(curves[i].crv)))
		{
			crv = curves[i].crv;
			field = curves[i].field;
		}
	if (crv == NULL)
		return JWT_KEY_UNSUPPORTED;
	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	memset(&d, 0, sizeof(d));
	if ((st = get_member(doc, obj, "x", &x)) == JWT_OK &&
		(st = get_member(doc, obj, "y", &y)) == JWT_OK &&
		(st = get_member(doc, obj, "d", &d)) == JWT_OK)
	{
		/* coordinates and d are exactly the field's length (RFC 7518 section 6.2.1) */
		if (x.len != field || y.len != field || (d.present && d.len != field))
			st = JWT_KEY_INVALID;
		else if ((bld = OSSL_PARAM_BLD_new()) == NULL)
			st = JWT_NOMEM;
	}
	if (st == JWT_OK)
	{
		point[0] = 0x04;		/* uncompressed */
		memcpy(point + 1, x.bytes, field);
		memcpy(point + 1 + field, y.bytes, field);
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, crv, 0) ||
			!OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * field) ||
			(d.present && !push_bn(bld, OSSL_PKEY_PARAM_PRIV_KEY, &d, &priv)))
			st = JWT_NOMEM;
		else
			st = from_params("EC", bld, d.present, key);
	}
	BN_clear_free(priv);
	OSSL_PARAM_BLD_free(bld);
	free_member(&x);
	free_member(&y);
	free_member(&d);
	return st;
}

static jwt_status
jwk_okp(const json_doc *doc, uint32_t obj, jwt_key **key)
{
	uint32_t	v;
	int			type;
	size_t		len;
	member		x,
				d;
	bool		has_private;
	EVP_PKEY   *pkey = NULL;
	jwt_status	st;

	if (!json_find(doc, obj, "crv", &v) || doc->toks[v].type != JSON_STRING)
		return JWT_KEY_INVALID;
	if (json_string_eq(doc, v, "Ed25519", 7))
	{
		type = EVP_PKEY_ED25519;
		len = 32;
	}
	else if (json_string_eq(doc, v, "Ed448", 5))
	{
		type = EVP_PKEY_ED448;
		len = 57;
	}
	else
		return JWT_KEY_UNSUPPORTED;	/* X25519 and X448 do not sign */
	memset(&d, 0, sizeof(d));
	if ((st = get_member(doc, obj, "x", &x)) == JWT_OK &&
		(st = get_member(doc, obj, "d", &d)) == JWT_OK)
	{
		if (x.len != len || (d.present && d.len != len))
			st = JWT_KEY_INVALID;
		else if (d.present)
		{
			uint8_t		pub[57];
			size_t		pub_len = sizeof(pub);

			/* the private key must derive the public key the JWK shows */
			pkey = EVP_PKEY_new_raw_private_key(type, NULL, d.bytes, d.len);
			if (pkey == NULL || !EVP_PKEY_get_raw_public_key(pkey, pub, &pub_len) ||
				pub_len != len || CRYPTO_memcmp(pub, x.bytes, len) != 0)
				st = JWT_KEY_INVALID;
		}
		else if ((pkey = EVP_PKEY_new_raw_public_key(type, NULL, x.bytes, x.len)) == NULL)
			st = JWT_KEY_INVALID;
	}
	has_private = d.present;
	free_member(&x);
	free_member(&d);
	ERR_clear_error();
	if (st != JWT_OK)
	{
		EVP_PKEY_free(pkey);
		return st;
	}
	return jwt_key_from_pkey(pkey, has_private, key);
}

/* a JWK string member as a NUL-terminated copy, or NULL when absent */
static jwt_status
string_member(const json_doc *doc, uint32_t obj, const char *name, char **out)
{
	uint32_t	v;

	*out = NULL;
	if (!json_find(doc, obj, name, &v))
		return JWT_OK;
	if (doc->toks[v].type != JSON_STRING)
		return JWT_KEY_INVALID;
	if ((*out = jwt_malloc(doc->toks[v].len + 1)) == NULL)
		return JWT_NOMEM;
	(*out)[json_string_decode(doc, v, *out)] = '\0';
	return JWT_OK;
}

/* "use" and "key_ops" (RFC 7517 sections 4.2 and 4.3) narrow what the key may do */
static jwt_status
usage(const json_doc *doc, uint32_t obj, unsigned *ops)
{
	uint32_t	v;

	if (json_find(doc, obj, "use", &v))
	{
		if (doc->toks[v].type != JSON_STRING)
			return JWT_KEY_INVALID;
		if (!json_string_eq(doc, v, "sig", 3))
			return JWT_KEY_USE;
	}
	if (json_find(doc, obj, "key_ops", &v))
	{
		uint32_t	e = v + 1;

		if (doc->toks[v].type != JSON_ARRAY)
			return JWT_KEY_INVALID;
		*ops = 0;
		for (uint32_t i = 0; i < doc->toks[v].size; i++, e = doc->toks[e].next)
		{
			if (doc->toks[e].type != JSON_STRING)
				return JWT_KEY_INVALID;
			if (json_string_eq(doc, e, "sign", 4))
				*ops |= JWT_OP_SIGN;
			else if (json_string_eq(doc, e, "verify", 6))
				*ops |= JWT_OP_VERIFY;
		}
	}
	return JWT_OK;
}

/* the JWK object at obj */
static jwt_status
from_object(const json_doc *doc, uint32_t obj, jwt_key **key)
{
	uint32_t	kty;
	jwt_status	st;
	char	   *alg = NULL;

	*key = NULL;
	if (doc->toks[obj].type != JSON_OBJECT || !json_find(doc, obj, "kty", &kty) ||
		doc->toks[kty].type != JSON_STRING)
		return JWT_KEY_INVALID;
	if (json_string_eq(doc, kty, "oct", 3))
	{
		member		k;

		if ((st = get_member(doc, obj, "k", &k)) == JWT_OK)
			st = k.present ? jwt_key_from_secret(k.bytes, k.len, key) : JWT_KEY_INVALID;
		free_member(&k);
	}
	else if (json_string_eq(doc, kty, "RSA", 3))
		st = jwk_rsa(doc, obj, key);
	else if (json_string_eq(doc, kty, "EC", 2))
		st = jwk_ec(doc, obj, key);
	else if (json_string_eq(doc, kty, "OKP", 3))
		st = jwk_okp(doc, obj, key);
	else
		st = JWT_KEY_UNSUPPORTED;

	if (st == JWT_OK)
		st = usage(doc, obj, &(*key)->ops);
	if (st == JWT_OK)
		st = string_member(doc, obj, "kid", &(*key)->kid);
	if (st == JWT_OK)
		st = string_member(doc, obj, "alg", &alg);
	if (st == JWT_OK && alg != NULL)
	{
		/* the JWK binds its key to one algorithm, which must suit the key */
		st = jws_alg_parse(alg, strlen(alg), &(*key)->alg);
		if (st == JWT_OK)
		{
			jwt_status	fits = jwt_key_check(*key, (*key)->alg, JWT_OP_VERIFY, true);

			if (fits == JWT_KEY_TYPE_MISMATCH || fits == JWT_KEY_CURVE_MISMATCH ||
				fits == JWT_KEY_IS_PUBLIC)
				st = JWT_KEY_ALG_MISMATCH;
		}
	}
	jwt_free(alg);
	if (st != JWT_OK)
	{
		jwt_key_free(*key);
		*key = NULL;
	}
	return st;
}

static jwt_status
parse(const char *json, size_t len, json_doc *doc)
{
	switch (json_parse(json, len, doc))
	{
		case JSON_OK:
			return JWT_OK;
		case JSON_ERR_NOMEM:
			return JWT_NOMEM;
		default:
			return JWT_KEY_INVALID;
	}
}

jwt_status
jwt_key_from_jwk(const char *json, size_t len, jwt_key **key)
{
	json_doc	doc;
	jwt_status	st = parse(json, len, &doc);

	*key = NULL;
	if (st != JWT_OK)
		return st;
	st = from_object(&doc, 0, key);
	json_free(&doc);
	return st;
}

bool
jwt_jwk_is_set(const char *json, size_t len)
{
	json_doc	doc;
	uint32_t	v;
	bool		is_set;

	if (json_parse(json, len, &doc) != JSON_OK)
		return false;
	is_set = json_find(&doc, 0, "keys", &v) && !json_find(&doc, 0, "kty", &v);
	json_free(&doc);
	return is_set;
}

/* keys a set may hold for other uses (encryption, other algorithms): skipped, not wrong */
static bool
meant_for_something_else(jwt_status st)
{
	return st == JWT_KEY_USE || st == JWT_KEY_UNSUPPORTED || st == JWT_ALG_UNKNOWN ||
		st == JWT_ALG_NONE;
}

jwt_status
jwt_jwks_check(const char *json, size_t len)
{
	json_doc	doc;
	jwt_status	st = parse(json, len, &doc);
	uint32_t	keys = 0,
				e;
	unsigned	secret = 0,
				public = 0;

	if (st != JWT_OK)
		return st;
	if (!json_find(&doc, 0, "keys", &keys) || doc.toks[keys].type != JSON_ARRAY)
		st = JWT_KEY_INVALID;
	e = keys + 1;
	for (uint32_t i = 0; st == JWT_OK && i < doc.toks[keys].size; i++, e = doc.toks[e].next)
	{
		jwt_key    *key;
		jwt_status	one = from_object(&doc, e, &key);

		if (one == JWT_OK)
		{
			if (key->type == JWT_KEY_OCT)
				secret++;
			else
				public++;
			jwt_key_free(key);
		}
		else if (!meant_for_something_else(one))
			st = one == JWT_NOMEM ? JWT_NOMEM : JWT_KEY_INVALID;
	}
	/* a set is public or secret: one that mixes them is a leak or a confusion */
	if (st == JWT_OK && secret > 0 && public > 0)
		st = JWT_KEY_INVALID;
	json_free(&doc);
	return st;
}

jwt_status
jwt_key_from_jwks(const char *json, size_t len, const char *kid, size_t kid_len, jwt_key **key)
{
	json_doc	doc;
	jwt_status	st = parse(json, len, &doc);
	uint32_t	keys,
				e,
				found = 0,
				matches = 0;

	*key = NULL;
	if (st != JWT_OK)
		return st;
	if (!json_find(&doc, 0, "keys", &keys) || doc.toks[keys].type != JSON_ARRAY)
		st = JWT_KEY_INVALID;
	else
	{
		e = keys + 1;
		for (uint32_t i = 0; i < doc.toks[keys].size; i++, e = doc.toks[e].next)
		{
			uint32_t	v;

			if (doc.toks[e].type != JSON_OBJECT)
			{
				st = JWT_KEY_INVALID;
				break;
			}
			if (kid == NULL ||
				(json_find(&doc, e, "kid", &v) && json_string_eq(&doc, v, kid, kid_len)))
			{
				found = e;
				matches++;
			}
		}
		if (st == JWT_OK && matches == 0)
			st = kid ? JWT_TOKEN_KID_UNKNOWN : JWT_TOKEN_KID_MISSING;
		else if (st == JWT_OK && matches > 1)
			st = kid ? JWT_KEY_INVALID : JWT_TOKEN_KID_MISSING;
		if (st == JWT_OK)
		{
			st = from_object(&doc, found, key);
			if (meant_for_something_else(st))
				st = JWT_TOKEN_KEY_UNSUITABLE;
		}
	}
	json_free(&doc);
	return st;
}

void
jwt_key_list_free(jwt_key_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		jwt_key_free(list->keys[i]);
	jwt_free(list->keys);
	list->keys = NULL;
	list->n = 0;
}

/* may this key join the list so far? */
static jwt_status
fits_issuer_set(const jwt_key_list *list, const jwt_key *key, bool secret)
{
	if (key->type == JWT_KEY_OCT && !secret)
		return JWT_JWKS_SECRET;
	if (key->type != JWT_KEY_OCT && key->has_private)
		return JWT_JWKS_PRIVATE;
	for (size_t i = 0; i < list->n; i++)
	{
		if ((list->keys[i]->type == JWT_KEY_OCT) != (key->type == JWT_KEY_OCT))
			return JWT_JWKS_MIXED;
		if (key->kid != NULL && list->keys[i]->kid != NULL &&
			strcmp(key->kid, list->keys[i]->kid) == 0)
			return JWT_JWKS_INVALID;
	}
	return JWT_OK;
}

jwt_status
jwt_jwks_keys(const char *json, size_t len, bool secret, jwt_key_list *list)
{
	json_doc	doc;
	jwt_status	st;
	uint32_t	keys = 0,
				e;

	memset(list, 0, sizeof(*list));
	if ((st = parse(json, len, &doc)) != JWT_OK)
		return st == JWT_KEY_INVALID ? JWT_JWKS_INVALID : st;
	if (doc.toks[0].type != JSON_OBJECT || !json_find(&doc, 0, "keys", &keys) ||
		doc.toks[keys].type != JSON_ARRAY)
		st = JWT_JWKS_INVALID;
	else if (doc.toks[keys].size > 0 &&
			 (list->keys = jwt_malloc(sizeof(jwt_key *) * doc.toks[keys].size)) == NULL)
		st = JWT_NOMEM;
	e = keys + 1;
	for (uint32_t i = 0; st == JWT_OK && i < doc.toks[keys].size; i++, e = doc.toks[e].next)
	{
		jwt_key    *key;
		jwt_status	one;

		if (doc.toks[e].type != JSON_OBJECT)
		{
			st = JWT_JWKS_INVALID;
			break;
		}
		one = from_object(&doc, e, &key);
		if (one == JWT_OK && (one = fits_issuer_set(list, key, secret)) != JWT_OK)
			jwt_key_free(key);
		if (one == JWT_OK)
			list->keys[list->n++] = key;
		else if (!meant_for_something_else(one))
			st = one;
	}
	json_free(&doc);
	if (st != JWT_OK)
		jwt_key_list_free(list);
	return st;
}
