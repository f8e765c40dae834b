"""The hash libraries alone, for bench/run's step 6: CPU milliseconds per hash of

    /usr/bin/python3 hash_bench.py N PASSWORD ITERATIONS

  hash.openssl_pbkdf2_ms  PBKDF2-HMAC-SHA256 of ITERATIONS (hashlib: OpenSSL's PKCS5_PBKDF2_HMAC)
  hash.libargon2_ms       Argon2id, 19 MiB, 2 passes, 1 lane, 32 bytes (argon2-cffi: libargon2)

each the mean over N, in this process's CPU time (time.process_time), as the SQL side counts
its backend's. Prints "name|value" lines.
"""
import hashlib
import os
import sys
import time

from argon2.low_level import Type, hash_secret_raw


def cpu_ms(n, fn):
    t0 = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - t0) * 1000 / n


def main():
    n, password, iterations = int(sys.argv[1]), sys.argv[2].encode(), int(sys.argv[3])
    salt = os.urandom(16)
    print("hash.openssl_pbkdf2_ms|%.2f"
          % cpu_ms(n, lambda: hashlib.pbkdf2_hmac("sha256", password, salt, iterations)))
    print("hash.libargon2_ms|%.2f"
          % cpu_ms(n, lambda: hash_secret_raw(password, salt, time_cost=2, memory_cost=19456,
                                                parallelism=1, hash_len=32, type=Type.ID)))


main()
