#!/usr/bin/python3
"""Writes password_vectors.h: hashes made by the real libraries, for the unit tests.

Run with Debian's python3-django, python3-werkzeug, python3-passlib, python3-argon2
and python3-bcrypt installed:
    /usr/bin/python3 test/unit/password_vectors.py > test/unit/password_vectors.h
Each hash is of PASSWORD (or UNICODE_PASSWORD), at low costs so that the
unit tests stay fast; the salts are random, so each run writes new hashes.
test/hashes/run makes fresh hashes at the libraries' own costs at test time.
"""
import hashlib
import sys

import django
from django.conf import settings

settings.configure(PASSWORD_HASHERS=[], USE_TZ=True)
django.setup()
from django.contrib.auth import hashers as dj  # noqa: E402
import werkzeug  # noqa: E402
from werkzeug.security import generate_password_hash, gen_salt  # noqa: E402
from passlib import hash as pl  # noqa: E402
import passlib  # noqa: E402
import argon2  # noqa: E402
from argon2 import low_level  # noqa: E402

PASSWORD = "correct horse battery staple"
UNICODE_PASSWORD = "pässwörd-ключ-密码"


class DjangoPBKDF2(dj.PBKDF2PasswordHasher):
    iterations = 1000


class DjangoPBKDF2SHA1(dj.PBKDF2SHA1PasswordHasher):
    iterations = 1000


class DjangoArgon2(dj.Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 2


class DjangoBCryptSHA256(dj.BCryptSHA256PasswordHasher):
    rounds = 4


class DjangoBCrypt(dj.BCryptPasswordHasher):
    rounds = 4


def werkzeug_scrypt(password, n, r, p):
    """Werkzeug's scrypt form; made by Werkzeug itself where it has scrypt (2.3 on)."""
    try:
        return generate_password_hash(password, method="scrypt:%d:%d:%d" % (n, r, p)), "werkzeug"
    except (ValueError, TypeError):
        # Debian 12's Werkzeug 2.2 predates scrypt: the same string as Werkzeug's
        # _hash_internal writes it, with hashlib.scrypt (OpenSSL), salt as text, 64 bytes
        salt = gen_salt(16)
        h = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p,
                           maxmem=132 * n * r * p, dklen=64).hex()
        return "scrypt:%d:%d:%d$%s$%s" % (n, r, p, salt, h), "hashlib.scrypt in Werkzeug's form"


def vectors():
    out = []

    def add(name, maker, h, pw=PASSWORD):
        out.append((name, maker, h, pw))

    add("django_pbkdf2_sha256", "django", dj.make_password(PASSWORD, hasher=DjangoPBKDF2()))
    add("django_pbkdf2_sha256_unicode", "django",
        dj.make_password(UNICODE_PASSWORD, hasher=DjangoPBKDF2()), UNICODE_PASSWORD)
    add("django_pbkdf2_sha1", "django", dj.make_password(PASSWORD, hasher=DjangoPBKDF2SHA1()))
    add("django_argon2", "django", dj.make_password(PASSWORD, hasher=DjangoArgon2()))
    add("django_bcrypt_sha256", "django", dj.make_password(PASSWORD, hasher=DjangoBCryptSHA256()))
    add("django_bcrypt", "django", dj.make_password(PASSWORD, hasher=DjangoBCrypt()))
    add("werkzeug_pbkdf2_sha256", "werkzeug", generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"))
    add("werkzeug_pbkdf2_sha512", "werkzeug", generate_password_hash(PASSWORD, "pbkdf2:sha512:1000"))
    h, maker = werkzeug_scrypt(PASSWORD, 1024, 8, 1)
    add("werkzeug_scrypt", maker, h)
    h, maker = werkzeug_scrypt(UNICODE_PASSWORD, 16, 2, 2)
    add("werkzeug_scrypt_unicode", maker, h, UNICODE_PASSWORD)
    add("passlib_pbkdf2_sha256", "passlib", pl.pbkdf2_sha256.using(rounds=1000).hash(PASSWORD))
    add("passlib_pbkdf2_sha512", "passlib", pl.pbkdf2_sha512.using(rounds=1000).hash(PASSWORD))
    add("passlib_pbkdf2_sha1", "passlib", pl.pbkdf2_sha1.using(rounds=1000).hash(PASSWORD))
    add("passlib_pbkdf2_sha256_empty_salt", "passlib",
        pl.pbkdf2_sha256.using(rounds=1, salt=b"").hash(PASSWORD))
    h, maker = werkzeug_scrypt(PASSWORD, 32768, 1, 1)
    add("werkzeug_scrypt_r1", maker, h)
    add("passlib_sha256_crypt", "passlib", pl.sha256_crypt.using(rounds=1000).hash(PASSWORD))
    add("passlib_sha256_crypt_implicit_rounds", "passlib",
        pl.sha256_crypt.using(rounds=5000).hash(PASSWORD))
    add("passlib_sha512_crypt", "passlib", pl.sha512_crypt.using(rounds=1000).hash(UNICODE_PASSWORD),
        UNICODE_PASSWORD)
    add("passlib_argon2id", "passlib",
        pl.argon2.using(type="ID", rounds=1, memory_cost=64, parallelism=2).hash(PASSWORD))
    add("passlib_argon2i", "passlib",
        pl.argon2.using(type="I", rounds=2, memory_cost=32, parallelism=1).hash(PASSWORD))
    add("argon2_cffi", "argon2-cffi",
        argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=4).hash(PASSWORD))
    add("argon2_cffi_v16", "argon2-cffi",
        low_level.hash_secret(PASSWORD.encode(), b"0123456789abcdef", time_cost=1, memory_cost=32,
                              parallelism=1, hash_len=32, type=low_level.Type.ID,
                              version=16).decode())
    add("passlib_bcrypt_2b", "passlib", pl.bcrypt.using(rounds=4).hash(PASSWORD))
    add("passlib_bcrypt_2y", "passlib", pl.bcrypt.using(rounds=4, ident="2y").hash(PASSWORD))
    return out


def c_string(s):
    return '"' + "".join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\?' else
                         "".join("\\%03o" % b for b in c.encode()) for c in s) + '"'


def main():
    print("/*")
    print(" * password_vectors.h — hashes made by the real libraries (generated: do not edit)")
    print(" *")
    print(" * Made by test/unit/password_vectors.py with Django %s, Werkzeug %s, passlib %s,"
          % (django.get_version(), werkzeug.__version__, passlib.__version__))
    print(" * argon2-cffi %s (Debian 12's python3 packages):" % argon2.__version__)
    print(" *     /usr/bin/python3 test/unit/password_vectors.py > test/unit/password_vectors.h")
    print(" */")
    print("static const struct password_vector\n{\n\tconst char *name;\n\tconst char *made_by;"
          "\n\tconst char *hash;\n\tconst char *password;\n}\t\t\tpassword_vectors[] = {")
    for name, maker, h, pw in vectors():
        print("\t{%s, %s,\n\t\t%s,\n\t%s}," % (c_string(name), c_string(maker), c_string(h), c_string(pw)))
    print("};")
    print("#define PASSWORD_VECTOR_PASSWORD %s" % c_string(PASSWORD))
    print("#define PASSWORD_VECTOR_SHA256_HEX %s"
          % c_string(hashlib.sha256(PASSWORD.encode()).hexdigest()))


if __name__ == "__main__":
    sys.exit(main())
