/*
 * fuzz_keys.h — the fixed keys fuzz_verify checks tokens with
 *
 * The first byte of a fuzz_verify input picks one of these (its low three
 * bits), so the seed corpus holds tokens signed with exactly these keys.
 * Published keys (RFC 7515 appendix A, RFC 8037) or plain fixed bytes:
 * nothing here is secret.
 */
#ifndef JWT_AUTH_FUZZ_KEYS_H
#define JWT_AUTH_FUZZ_KEYS_H

#include "alg.h"

/* 64 bytes: the HMAC secret for HS256, HS384 and HS512 */
#define FUZZ_HMAC_SECRET "fuzzing key: sixty-four bytes of fixed, public, test-only secret"

/* RFC 7515 appendix A.2 (RSA, 2048 bits, with its private part) */
#define FUZZ_RSA_JWK \
	"{\"kty\":\"RSA\"" \
	",\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEz" \
	"P1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf6" \
	"3kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5Zw" \
	"Kh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRW" \
	"yuXpoQ\"" \
	",\"e\":\"AQAB\"" \
	",\"d\":\"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7Y" \
	"wVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3M" \
	"kqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1Zd" \
	"iYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRu" \
	"OopznQ\"}"

/* RFC 7515 appendix A.3 (P-256) and A.4 (P-521), with their private parts */
#define FUZZ_P256_JWK \
	"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\"," \
	"\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"," \
	"\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}"
#define FUZZ_P521_JWK \
	"{\"kty\":\"EC\",\"crv\":\"P-521\"" \
	",\"x\":\"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceq" \
	"wQGk\"" \
	",\"y\":\"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3k" \
	"yMj2\"" \
	",\"d\":\"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE1" \
	"5j2C\"}"

/* RFC 8037 appendix A.1 (Ed25519) */
#define FUZZ_ED25519_JWK \
	"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\"," \
	"\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"

/* what the low three bits of the first byte choose */
static const struct
{
	jws_alg		alg;
	const char *jwk;			/* NULL: the HMAC secret */
}			fuzz_choices[8] = {
	{JWS_HS256, NULL}, {JWS_HS384, NULL}, {JWS_HS512, NULL},
	{JWS_RS256, FUZZ_RSA_JWK}, {JWS_PS256, FUZZ_RSA_JWK},
	{JWS_ES256, FUZZ_P256_JWK}, {JWS_ES512, FUZZ_P521_JWK},
	{JWS_EDDSA, FUZZ_ED25519_JWK},
};

/* the other bits of the first byte */
#define FUZZ_SHORT_KEY 0x08		/* HS*: the secret "secret", in pgjwt mode (allow_short_key) */
#define FUZZ_RESIGN 0x80		/* replace the signature with a good one before verifying */

#endif
