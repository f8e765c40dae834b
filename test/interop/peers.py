#!/usr/bin/python3
"""The Python peers of jwt_auth's interop suite: PyJWT and jwcrypto, as Debian packages them.

Usage: /usr/bin/python3 peers.py pyjwt|jwcrypto < job.json > result.json

The job (written by test/interop/interop.sql, handed over by test/interop/run):
    {"claims": {...},
     "sign":   [{"alg": "RS256", "key": "<PKCS#8 PEM>" or {"kty": "oct", ...}, "kid": null}],
     "verify": [{"alg": "RS256", "token": "<compact JWS>", "key": {public JWK or oct JWK}}]}
The result, one entry per job entry, in the same order:
    {"library": "PyJWT 2.6.0",
     "signed":   [{"alg", "token", "public_key": JWK, PEM or null} or {"alg", "error"}],
     "verified": [{"alg", "claims"} or {"alg", "error"}]}
A job entry that fails gives an "error" naming the exception, never a key or a token; the suite
reads it as a failed test. This file compares nothing: interop.sql checks the claims.
"""

import importlib.metadata
import json
import sys

import jwt
from jwt.algorithms import get_default_algorithms
from jwt.utils import base64url_encode
from jwcrypto import jwk as jc_jwk
from jwcrypto import jwt as jc_jwt


def is_hmac(alg):
    return alg.startswith("HS")


# PyJWT: encode/decode with key objects; public keys exported with the algorithms' to_jwk.

def pyjwt_public_jwk(algorithm, public):
    """PyJWT's JWK of a public key, with EC coordinates at the curve's full size.

    PyJWT before 2.10 (Debian 12 has 2.6) drops the leading zero bytes of x and y, which RFC 7518
    section 6.2.1.2 forbids and PyJWT's own from_jwk refuses: a P-521 key comes out short about
    three times in four, a P-256 key one time in 128. jwt_auth refuses such a JWK as PyJWT does,
    so the coordinates are written again at full size, as later PyJWT versions write them.
    """
    jwk = json.loads(algorithm.to_jwk(public))
    if jwk["kty"] == "EC":
        size = (public.curve.key_size + 7) // 8
        numbers = public.public_numbers()
        jwk["x"] = base64url_encode(numbers.x.to_bytes(size, "big")).decode()
        jwk["y"] = base64url_encode(numbers.y.to_bytes(size, "big")).decode()
    return jwk


def pyjwt_sign(alg, key, claims, kid):
    algorithm = get_default_algorithms()[alg]
    headers = {"kid": kid} if kid else None
    if is_hmac(alg):
        secret = algorithm.from_jwk(json.dumps(key))
        token = jwt.encode(claims, secret, algorithm=alg, headers=headers)
        return token, None  # jwt_auth verifies with the raw secret it generated
    private = algorithm.prepare_key(key)
    token = jwt.encode(claims, private, algorithm=alg, headers=headers)
    return token, pyjwt_public_jwk(algorithm, private.public_key())


def pyjwt_verify(alg, token, key):
    public = jwt.PyJWK(key, algorithm=alg).key
    return jwt.decode(token, public, algorithms=[alg])


# jwcrypto: JWK objects for keys, JWT objects for tokens; public keys exported as PEM.

def jwcrypto_sign(alg, key, claims, kid):
    if is_hmac(alg):
        k = jc_jwk.JWK(**key)
    else:
        k = jc_jwk.JWK.from_pem(key.encode())
    header = {"alg": alg}
    if kid:
        header["kid"] = kid
    t = jc_jwt.JWT(header=header, claims=claims)
    t.make_signed_token(k)
    if is_hmac(alg):
        public = json.loads(k.export())  # the secret as an oct JWK: all HMAC has to share
    else:
        public = k.export_to_pem(private_key=False, password=None).decode()
    return t.serialize(), public


def jwcrypto_verify(alg, token, key):
    t = jc_jwt.JWT(jwt=token, key=jc_jwk.JWK(**key), algs=[alg])
    return json.loads(t.claims)


PEERS = {
    "pyjwt": ("PyJWT", "PyJWT", pyjwt_sign, pyjwt_verify),
    "jwcrypto": ("jwcrypto", "jwcrypto", jwcrypto_sign, jwcrypto_verify),
}


def failure(e):
    """The exception's class and message, cut short (these libraries' messages hold no key)."""
    return f"{type(e).__name__}: {e}"[:200]


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in PEERS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(PEERS)} < job.json")
    name, dist, sign, verify = PEERS[sys.argv[1]]
    job = json.load(sys.stdin)
    claims = job["claims"]

    signed = []
    for s in job["sign"]:
        try:
            token, public = sign(s["alg"], s["key"], claims, s.get("kid"))
            signed.append({"alg": s["alg"], "token": token, "public_key": public})
        except Exception as e:  # one failed algorithm is one failed test, not a crash
            signed.append({"alg": s["alg"], "error": failure(e)})

    verified = []
    for v in job["verify"]:
        try:
            verified.append({"alg": v["alg"], "claims": verify(v["alg"], v["token"], v["key"])})
        except Exception as e:
            verified.append({"alg": v["alg"], "error": failure(e)})

    json.dump({"library": f"{name} {importlib.metadata.version(dist)}",
               "signed": signed, "verified": verified}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
