"""Per-call cost of signing and verifying a JWT with PyJWT (Debian's python3-jwt), standalone:
what an application would otherwise run.

    /usr/bin/python3 pyjwt_bench.py ALG N SIGN_KEY_FILE VERIFY_KEY_FILE RUNS

ALG is HS256, RS256 or ES256; the key files hold the HMAC secret's bytes or PEM (private key
to sign, public key to verify). PEM keys are loaded once into `cryptography` key objects, as an
application would keep them. N payloads differ per call (the same claims as bench/hs256.sql);
sign is jwt.encode(claims, key, algorithm=ALG), verify is jwt.decode(token, key,
algorithms=[ALG]), which checks exp and iat too. Each figure is the median over RUNS runs of
(loop time - time of the same loop without the call) / N, in CPU time. Prints "pyjwt.ALG.sign|µs" and
"pyjwt.ALG.verify|µs"; never a key or token.
"""
import statistics
import sys
import time

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key


def main():
    alg, n, sign_file, verify_file, runs = sys.argv[1:]
    n, runs = int(n), int(runs)
    with open(sign_file, "rb") as f:
        sign_key = f.read()
    with open(verify_file, "rb") as f:
        verify_key = f.read()
    if not alg.startswith("HS"):
        sign_key = load_pem_private_key(sign_key, password=None)
        verify_key = load_pem_public_key(verify_key)

    claims = [{"sub": f"user-{i}", "role": "authenticated", "iat": 1700000000, "exp": 4102444800}
              for i in range(1, n + 1)]
    tokens = [jwt.encode(c, sign_key, algorithm=alg) for c in claims]
    algorithms = [alg]
    for c, t in zip(claims[:100], tokens[:100]):  # untimed: imports and caches warm
        jwt.encode(c, sign_key, algorithm=alg)
        jwt.decode(t, verify_key, algorithms=algorithms)

    encode, decode = jwt.encode, jwt.decode
    clock = time.process_time  # CPU time, as `openssl speed` and bench/measure.sql count
    sign_us, verify_us = [], []
    for _ in range(runs):
        t0 = clock()
        for c in claims:
            encode(c, sign_key, algorithm=alg)
        t1 = clock()
        for t in tokens:
            decode(t, verify_key, algorithms=algorithms)
        t2 = clock()
        for c in claims:  # the same loops without the call
            pass
        t3 = clock()
        for t in tokens:
            pass
        t4 = clock()
        sign_us.append(((t1 - t0) - (t3 - t2)) * 1e6 / n)
        verify_us.append(((t2 - t1) - (t4 - t3)) * 1e6 / n)
    print(f"pyjwt.{alg}.sign|{statistics.median(sign_us):.3f}")
    print(f"pyjwt.{alg}.verify|{statistics.median(verify_us):.3f}")


if __name__ == "__main__":
    main()
