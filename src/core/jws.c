/*
 * jws.c — compact JWS tokens
 */
#include "jws.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "crypto.h"

static jwt_status
json_status(json_error err, jwt_status otherwise)
{
	switch (err)
	{
		case JSON_OK:
			return JWT_OK;
		case JSON_ERR_DUPLICATE:
			return JWT_TOKEN_DUPLICATE_NAME;
		case JSON_ERR_NOMEM:
			return JWT_NOMEM;
		default:
			return otherwise;
	}
}

jwt_status
jws_parse(const char *text, size_t len, jws_token *tok)
{
	const char *dot1,
			   *dot2;
	size_t		hlen,
				plen,
				slen;
	uint8_t    *buf;
	jwt_status	st;

	memset(tok, 0, sizeof(*tok));
	if (len > JWS_MAX_TOKEN_LENGTH)
		return JWT_TOKEN_TOO_LARGE;
	dot1 = memchr(text, '.', len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t) (dot1 + 1 - text)) : NULL;
	if (dot2 == NULL || memchr(dot2 + 1, '.', len - (size_t) (dot2 + 1 - text)) != NULL)
		return JWT_TOKEN_SEGMENTS;
	hlen = (size_t) (dot1 - text);
	plen = (size_t) (dot2 - dot1 - 1);
	slen = len - (size_t) (dot2 + 1 - text);
	tok->signing_input_len = (size_t) (dot2 - text);

	buf = jwt_malloc(b64url_decoded_max(hlen) + b64url_decoded_max(plen) + b64url_decoded_max(slen));
	if (buf == NULL)
		return JWT_NOMEM;
	tok->header = buf;
	if (!b64url_decode(text, hlen, tok->header, &tok->header_len))
		return JWT_TOKEN_BASE64;
	tok->payload = tok->header + tok->header_len;
	if (!b64url_decode(dot1 + 1, plen, tok->payload, &tok->payload_len))
		return JWT_TOKEN_BASE64;
	tok->signature = tok->payload + tok->payload_len;
	if (!b64url_decode(dot2 + 1, slen, tok->signature, &tok->signature_len))
		return JWT_TOKEN_BASE64;

	st = json_status(json_parse((const char *) tok->header, tok->header_len, &tok->hdoc),
					 JWT_TOKEN_HEADER_JSON);
	if (st == JWT_OK && tok->hdoc.toks[0].type != JSON_OBJECT)
		st = JWT_TOKEN_HEADER_JSON;
	return st;
}

jwt_status
jws_check_header(const jws_token *tok, jws_alg alg)
{
	const json_doc *h = &tok->hdoc;
	const char *name = jws_alg_name(alg);
	uint32_t	v;

	if (!json_find(h, 0, "alg", &v) || h->toks[v].type != JSON_STRING)
		return JWT_TOKEN_ALG_MISSING;
	if (!json_string_eq(h, v, name, strlen(name)))
		return JWT_TOKEN_ALG_MISMATCH;
	/* no extension is supported, so any critical one is unknown (RFC 7515 section 4.1.11) */
	if (json_find(h, 0, "crit", &v))
		return JWT_TOKEN_CRIT;
	/* an unencoded payload (RFC 7797) would change what the signature covers */
	if (json_find(h, 0, "b64", &v) && h->toks[v].type != JSON_TRUE)
		return JWT_TOKEN_B64;
	if (json_find(h, 0, "enc", &v) || json_find(h, 0, "zip", &v))
		return JWT_TOKEN_NOT_JWS;
	return JWT_OK;
}

jwt_status
jws_header_alg(const jws_token *tok, jws_alg *alg)
{
	const json_doc *h = &tok->hdoc;
	uint32_t	v;

	*alg = JWS_ALG_INVALID;
	if (!json_find(h, 0, "alg", &v) || h->toks[v].type != JSON_STRING)
		return JWT_TOKEN_ALG_MISSING;
	/* an escaped name is no algorithm's: jws_check_header compares the raw bytes too */
	if (h->toks[v].escaped ||
		jws_alg_parse(h->text + h->toks[v].start, h->toks[v].len, alg) != JWT_OK)
		return JWT_TOKEN_ALG_NOT_ALLOWED;
	return JWT_OK;
}

jwt_status
jws_kid(const jws_token *tok, char **kid, size_t *kid_len)
{
	const json_doc *h = &tok->hdoc;
	uint32_t	v;

	*kid = NULL;
	*kid_len = 0;
	if (!json_find(h, 0, "kid", &v))
		return JWT_OK;
	if (h->toks[v].type != JSON_STRING)
		return JWT_TOKEN_KID_TYPE;
	if ((*kid = jwt_malloc(h->toks[v].len + 1)) == NULL)
		return JWT_NOMEM;
	*kid_len = json_string_decode(h, v, *kid);
	(*kid)[*kid_len] = '\0';
	return JWT_OK;
}

jwt_status
jws_verify_parsed(const jws_token *tok, const char *text, jwt_key *key, jws_alg alg,
				  bool allow_short_key)
{
	jwt_status	st;

	if ((st = jwt_key_check(key, alg, JWT_OP_VERIFY, allow_short_key)) != JWT_OK ||
		(st = jws_check_header(tok, alg)) != JWT_OK)
		return st;
	return jwt_crypto_verify(key, alg, (const uint8_t *) text, tok->signing_input_len,
							 tok->signature, tok->signature_len);
}

jwt_status
jws_verify(const char *text, size_t len, jwt_key *key, jws_alg alg,
		   bool allow_short_key, jws_token *tok)
{
	jwt_status	st;

	/* the key is judged first: a bad key is the caller's error whatever the token */
	memset(tok, 0, sizeof(*tok));
	if ((st = jwt_key_check(key, alg, JWT_OP_VERIFY, allow_short_key)) == JWT_OK &&
		(st = jws_parse(text, len, tok)) == JWT_OK)
		st = jws_verify_parsed(tok, text, key, alg, allow_short_key);
	if (st != JWT_OK)
		jws_token_free(tok);
	return st;
}

void
jws_token_free(jws_token *tok)
{
	json_free(&tok->hdoc);
	jwt_free(tok->header);
	memset(tok, 0, sizeof(*tok));
}

/* typ is written as it is, so it must be a JSON string that needs no escape */
static bool
plain_typ(const char *typ)
{
	for (const char *c = typ; *c != '\0'; c++)
		if (*c < 0x20 || *c > 0x7e || *c == '"' || *c == '\\')
			return false;
	return true;
}

/* the header's JSON text; *out is jwt_malloc'd */
static jwt_status
build_header(jws_alg alg, const char *typ, const char *extra, size_t extra_len,
			 char **out, size_t *out_len)
{
	/* what the signer decides, and what would make the token something else */
	static const char *reserved[] = {"alg", "crit", "b64", "enc", "zip"};
	json_doc	doc = {0};
	size_t		cap = 64 + (typ ? strlen(typ) : 0) + extra_len;
	char	   *h;
	size_t		n;
	uint32_t	v;

	if (typ != NULL && !plain_typ(typ))
		return JWT_HEADER_JSON;
	if (extra != NULL)
	{
		json_error	err = json_parse(extra, extra_len, &doc);

		if (err == JSON_ERR_NOMEM)
			return JWT_NOMEM;
		if (err != JSON_OK || doc.toks[0].type != JSON_OBJECT)
		{
			json_free(&doc);
			return JWT_HEADER_JSON;
		}
		for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
			if (json_find(&doc, 0, reserved[i], &v))
			{
				json_free(&doc);
				return JWT_HEADER_RESERVED;
			}
		if (typ != NULL && json_find(&doc, 0, "typ", &v))
			typ = NULL;
	}
	if ((h = jwt_malloc(cap)) == NULL)
	{
		json_free(&doc);
		return JWT_NOMEM;
	}
	n = (size_t) snprintf(h, cap, "{\"alg\":\"%s\"", jws_alg_name(alg));
	if (typ != NULL)
		n += (size_t) snprintf(h + n, cap - n, ",\"typ\":\"%s\"", typ);
	if (extra != NULL && doc.toks[0].size > 0)
	{
		/* the members of extra, without its braces or the spaces between tokens */
		size_t		m = json_minify(extra, extra_len, h + n + 1);

		h[n] = ',';
		memmove(h + n + 1, h + n + 2, m - 2);
		n += m - 1;
	}
	h[n++] = '}';
	json_free(&doc);
	*out = h;
	*out_len = n;
	return JWT_OK;
}

jwt_status
jws_header_encode(jws_alg alg, const char *typ, const char *extra, size_t extra_len,
				  char **out, size_t *out_len)
{
	char	   *header;
	size_t		header_len;
	char	   *h;
	jwt_status	st;

	*out = NULL;
	if ((st = build_header(alg, typ, extra, extra_len, &header, &header_len)) != JWT_OK)
		return st;
	if ((h = jwt_malloc(b64url_encoded_len(header_len) + 1)) == NULL)
	{
		jwt_free(header);
		return JWT_NOMEM;
	}
	*out_len = b64url_encode((const uint8_t *) header, header_len, h);
	h[*out_len] = '\0';
	jwt_free(header);
	*out = h;
	return JWT_OK;
}

/* the token for an encoded header and a payload, with a key already checked for alg */
static jwt_status
sign_checked(jwt_key *key, jws_alg alg, const char *header, size_t header_len,
			 const uint8_t *payload, size_t payload_len, char **out, size_t *out_len)
{
	uint8_t		sig[JWT_MAX_SIG_LEN];
	size_t		sig_len;
	char	   *t;
	size_t		n;
	jwt_status	st;

	t = jwt_malloc(header_len + b64url_encoded_len(payload_len) +
			   b64url_encoded_len(JWT_MAX_SIG_LEN) + 3);
	if (t == NULL)
		return JWT_NOMEM;
	memcpy(t, header, header_len);
	n = header_len;
	t[n++] = '.';
	n += b64url_encode(payload, payload_len, t + n);
	if ((st = jwt_crypto_sign(key, alg, (const uint8_t *) t, n, sig, &sig_len)) != JWT_OK)
	{
		jwt_free(t);
		return st;
	}
	t[n++] = '.';
	n += b64url_encode(sig, sig_len, t + n);
	t[n] = '\0';
	*out = t;
	*out_len = n;
	return JWT_OK;
}

jwt_status
jws_sign_encoded(jwt_key *key, jws_alg alg, const char *header, size_t header_len,
				 const uint8_t *payload, size_t payload_len, bool allow_short_key,
				 char **out, size_t *out_len)
{
	jwt_status	st;

	*out = NULL;
	if ((st = jwt_key_check(key, alg, JWT_OP_SIGN, allow_short_key)) != JWT_OK)
		return st;
	return sign_checked(key, alg, header, header_len, payload, payload_len, out, out_len);
}

jwt_status
jws_sign(jwt_key *key, jws_alg alg, const char *typ, const char *extra, size_t extra_len,
		 const uint8_t *payload, size_t payload_len, bool allow_short_key,
		 char **out, size_t *out_len)
{
	char	   *header;
	size_t		header_len;
	jwt_status	st;

	*out = NULL;
	if ((st = jwt_key_check(key, alg, JWT_OP_SIGN, allow_short_key)) != JWT_OK)
		return st;
	if ((st = jws_header_encode(alg, typ, extra, extra_len, &header, &header_len)) != JWT_OK)
		return st;
	st = sign_checked(key, alg, header, header_len, payload, payload_len, out, out_len);
	jwt_free(header);
	return st;
}
