"""Would PostgREST take this jwt_auth access token? Checked with PyJWT (Debian's python3-jwt).

    JWT_TOKEN=<token> /usr/bin/python3 check_token.py LABEL JWKS_FILE CLAIMS_FILE [--brief]

JWKS_FILE is PostgREST's jwt-secret exported as examples/postgrest/README.md says. PostgREST's
rules, as its documentation and source state them: the key is the one whose kid the header names
(a token with a kid is refused when no key has it), with the header's alg and a use other than
enc, HS256 for an oct key, key material in unpadded base64url, a secret of at least 32
characters (bytes, for a JWK), numeric exp, iat and nbf that say the token is valid now (30 s
of skew for iat and nbf), aud naming jwt-aud when one is set (JWT_AUD), and a role claim naming
the database role to switch to. Prints one TAP line per rule ("ok - LABEL:
..." / "not ok - ..."; run/ numbers them), or with --brief one line for them all, and writes the
verified claims as JSON to CLAIMS_FILE ({} when they are not verified). The token comes in the
environment, never on the command line, and is never printed.
"""

import base64
import json
import os
import re
import sys
import time

import jwt


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def checks(token, jwks):
    """(passed, rule) pairs for the token, and its verified claims or None."""
    results = []
    header = jwt.get_unverified_header(token)
    results.append((header.get("alg") == "HS256", "the header's alg is HS256"))

    keys = [k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")]
    results.append((len(keys) == 1, "the header's kid names one key of the exported JWK set"))

    results.append((keys != [] and keys[0].get("alg") == header.get("alg"),
                    "the key's alg is the header's alg"))
    results.append((keys != [] and keys[0].get("use", "sig") != "enc", "the key's use is not enc"))
    results.append((keys != [] and re.fullmatch(r"[A-Za-z0-9_-]+", keys[0].get("k", "")) is not None,
                    "the key material is unpadded base64url"))

    secret = b64url_decode(keys[0].get("k", "")) if keys else b""
    results.append((keys != [] and keys[0].get("kty") == "oct" and len(secret) >= 32,
                    "the secret is an oct key of at least 32 bytes"))

    claims = None
    try:
        claims = jwt.decode(token, jwt.PyJWK(keys[0]).key if keys else b"", algorithms=["HS256"],
                            options={"require": ["exp", "iat"]})
        results.append((True, "PyJWT verifies the signature with that key"))
    except (jwt.PyJWTError, KeyError, ValueError) as error:
        # the exception's name only: its message could quote the token
        results.append((False, "PyJWT verifies the signature with that key (%s)" % type(error).__name__))
        return results, None

    now = time.time()
    results.append((is_number(claims.get("exp")) and claims["exp"] > now, "exp is a number in the future"))
    results.append((is_number(claims.get("iat")) and claims["iat"] <= now + 30,
                    "iat is a number, not in the future"))
    results.append(("nbf" not in claims or (is_number(claims["nbf"]) and claims["nbf"] <= now + 30),
                    "nbf is absent or a number in the past"))
    results.append((isinstance(claims.get("role"), str) and claims["role"] != "",
                    "the role claim is a non-empty string"))
    # PostgREST's jwt-aud (JWT_AUD here): when set, aud must name it; when not, aud is not checked
    audience = os.environ.get("JWT_AUD", "")
    aud = claims.get("aud")
    results.append((not audience or aud == audience or (isinstance(aud, list) and audience in aud),
                    "aud names jwt-aud" if audience else "no jwt-aud is set: aud is not checked"))
    return results, claims


def main():
    label, jwks_file, claims_file = sys.argv[1:4]
    brief = "--brief" in sys.argv[4:]
    with open(jwks_file, encoding="utf-8") as f:
        jwks = json.load(f)
    results, claims = checks(os.environ["JWT_TOKEN"], jwks)
    with open(claims_file, "w", encoding="utf-8") as f:
        json.dump(claims or {}, f, separators=(",", ":"))
    if brief:
        failed = [rule for passed, rule in results if not passed]
        verdict = "ok" if not failed else "not ok"
        print("%s - %s: meets PostgREST's rules, verified by PyJWT%s"
              % (verdict, label, "".join("; failed: " + rule for rule in failed)))
    else:
        for passed, rule in results:
            print("%s - %s: %s" % ("ok" if passed else "not ok", label, rule))


if __name__ == "__main__":
    main()
