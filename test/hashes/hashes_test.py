#!/usr/bin/python3
"""Users hashed by Django, Werkzeug, passlib and argon2-cffi log in after user_import.

Run by test/hashes/run (see there). Prints TAP. Each library hashes one random
password at its own default costs (bcrypt forms also at cost 4, below the
configured 6, to show them re-hashed), then for each hash: user_import takes it,
a wrong password is 28P01, the right one logs in, the stored hash is then bcrypt
$2a$ at jwt_auth.bcrypt_cost (one at a higher cost is kept as it is), and the
password logs in with the new hash. Then, under jwt_auth.password_hash = argon2id,
logins re-hash to Argon2id, which argon2-cffi verifies, and back under bcrypt to bcrypt.
"""
import hashlib
import os
import secrets
import sys

import psycopg2
import django
from django.conf import settings

settings.configure(PASSWORD_HASHERS=[], USE_TZ=True)
django.setup()
from django.contrib.auth import hashers as dj  # noqa: E402
from werkzeug.security import generate_password_hash, gen_salt  # noqa: E402
from passlib import hash as pl  # noqa: E402
import argon2  # noqa: E402

COST = 6  # jwt_auth.bcrypt_cost for this run
ROLE = "jwt_auth_hashes_user"


class DjangoBCryptSHA256Cheap(dj.BCryptSHA256PasswordHasher):
    rounds = 4


class DjangoBCryptCheap(dj.BCryptPasswordHasher):
    rounds = 4


def werkzeug_scrypt(password):
    """Werkzeug's scrypt form at its defaults; Debian 12's Werkzeug 2.2 has no scrypt (2.3
    added it), so then the same string is made as Werkzeug's _hash_internal makes it."""
    try:
        return generate_password_hash(password, method="scrypt"), "werkzeug"
    except (ValueError, TypeError):
        n, r, p = 2 ** 15, 8, 1
        salt = gen_salt(16)
        h = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p,
                           maxmem=132 * n * r * p, dklen=64).hex()
        return "scrypt:%d:%d:%d$%s$%s" % (n, r, p, salt, h), "hashlib (Werkzeug 2.3's form)"


def hashes(pw):
    """(format, made by, hash, kept): kept when a good login leaves the hash as it is."""
    out = [
        ("pbkdf2_sha256$ (Django)", "django make_password",
         dj.make_password(pw, hasher=dj.PBKDF2PasswordHasher()), False),
        ("pbkdf2_sha1$ (Django)", "django make_password",
         dj.make_password(pw, hasher=dj.PBKDF2SHA1PasswordHasher()), False),
        ("argon2$argon2id$ (Django)", "django make_password",
         dj.make_password(pw, hasher=dj.Argon2PasswordHasher()), False),
        ("bcrypt_sha256$ (Django)", "django make_password",
         dj.make_password(pw, hasher=dj.BCryptSHA256PasswordHasher()), False),
        ("bcrypt_sha256$ cost 4 (Django)", "django make_password",
         dj.make_password(pw, hasher=DjangoBCryptSHA256Cheap()), False),
        ("bcrypt$ cost 4 (Django)", "django make_password",
         dj.make_password(pw, hasher=DjangoBCryptCheap()), False),
        ("bcrypt$ cost 12 (Django)", "django make_password",
         dj.make_password(pw, hasher=dj.BCryptPasswordHasher()), True),
        ("pbkdf2:sha256 (Werkzeug)", "werkzeug generate_password_hash",
         generate_password_hash(pw, method="pbkdf2:sha256"), False),
        ("pbkdf2:sha512 (Werkzeug)", "werkzeug generate_password_hash",
         generate_password_hash(pw, method="pbkdf2:sha512"), False),
    ]
    h, maker = werkzeug_scrypt(pw)
    out.append(("scrypt:N:r:p (Werkzeug)", maker, h, False))
    out += [
        ("$pbkdf2-sha256$ (passlib)", "passlib pbkdf2_sha256", pl.pbkdf2_sha256.hash(pw), False),
        ("$pbkdf2-sha512$ (passlib)", "passlib pbkdf2_sha512", pl.pbkdf2_sha512.hash(pw), False),
        ("$5$ SHA-crypt (passlib)", "passlib sha256_crypt", pl.sha256_crypt.hash(pw), False),
        ("$6$ SHA-crypt (passlib)", "passlib sha512_crypt", pl.sha512_crypt.hash(pw), False),
        ("$5$ SHA-crypt, implicit rounds (passlib)", "passlib sha256_crypt",
         pl.sha256_crypt.using(rounds=5000).hash(pw), False),
        ("$argon2id$ (passlib)", "passlib argon2", pl.argon2.using(type="ID").hash(pw), False),
        ("$argon2i$ (passlib)", "passlib argon2", pl.argon2.using(type="I").hash(pw), False),
        ("$argon2id$ (argon2-cffi)", "argon2-cffi PasswordHasher", argon2.PasswordHasher().hash(pw), False),
        ("$2b$ cost 4 (passlib)", "passlib bcrypt", pl.bcrypt.using(rounds=4).hash(pw), False),
        ("$2y$ cost 4 (passlib)", "passlib bcrypt", pl.bcrypt.using(rounds=4, ident="2y").hash(pw), False),
        ("$2b$ cost 12 (passlib)", "passlib bcrypt", pl.bcrypt.hash(pw), True),
    ]
    return out


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, name), flush=True)
        return cond


def sqlstate(cur, query, args):
    """the SQLSTATE of a query (a transaction of its own), or None when it succeeded"""
    try:
        cur.execute(query, args)
        cur.fetchall()
        return None
    except psycopg2.Error as e:
        return e.pgcode


def stored(cur, user):
    cur.execute("SELECT password_hash FROM jwt_auth.users WHERE username = %s", (user,))
    return cur.fetchone()[0]


def login(cur, user, pw):
    cur.execute("SELECT jwt_auth.auth_login(%s, %s) ? 'access_token'", (user, pw))
    return cur.fetchone()[0]


def main():
    tap = Tap()
    conn = psycopg2.connect(dbname=os.environ["HASHES_DB"])
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET jwt_auth.bcrypt_cost = %s", (COST,))
    pw = secrets.token_urlsafe(15) + "-é✓"   # random; non-ASCII, as UTF-8
    wrong = pw + "x"
    rows = []
    for i, (fmt, maker, h, kept) in enumerate(hashes(pw)):
        user = "imported-%d" % i
        ok = tap.ok(sqlstate(cur, "SELECT jwt_auth.user_import(%s, %s, %s)", (user, h, ROLE)) is None,
                    "%s: user_import takes it" % fmt)
        if not ok:
            rows.append((fmt, maker, "refused at import", "-"))
            continue
        before = stored(cur, user)
        tap.ok(sqlstate(cur, "SELECT jwt_auth.auth_login(%s, %s)", (user, wrong)) == "28P01",
               "%s: a wrong password fails with 28P01" % fmt)
        tap.ok(stored(cur, user) == before, "%s: and leaves the hash as it was" % fmt)
        good = tap.ok(sqlstate(cur, "SELECT jwt_auth.auth_login(%s, %s)", (user, pw)) is None,
                      "%s: the right password logs in" % fmt)
        after = stored(cur, user)
        if kept:
            rehashed = tap.ok(after == before and after.startswith("$2a$12$"),
                              "%s: at a cost above the configured one, the hash is kept" % fmt)
        else:
            rehashed = tap.ok(after.startswith("$2a$%02d$" % COST) and len(after) == 60,
                              "%s: the stored hash is now bcrypt $2a$ at cost %d" % (fmt, COST))
        again = tap.ok(login(cur, user, pw), "%s: the password logs in with the stored hash" % fmt)
        rows.append((fmt, maker, "yes" if good and again else "NO",
                     after[:7] + "…" if rehashed else "NOT RE-HASHED"))

    # a password longer than bcrypt reads logs in with its PBKDF2 hash, which stays
    long_pw = secrets.token_urlsafe(90)
    cur.execute("SELECT jwt_auth.user_import('imported-long', %s, %s)",
                (dj.make_password(long_pw, hasher=dj.PBKDF2PasswordHasher()), ROLE))
    before = stored(cur, "imported-long")
    tap.ok(login(cur, "imported-long", long_pw), "a 120-byte password logs in with its Django PBKDF2 hash")
    tap.ok(stored(cur, "imported-long") == before,
           "and its hash is kept (bcrypt would read only 72 of its bytes)")
    tap.ok(sqlstate(cur, "SELECT jwt_auth.auth_login(%s, %s)", ("imported-long", long_pw[:72])) == "28P01",
           "its first 72 bytes alone fail with 28P01")
    tap.ok(sqlstate(cur, "SELECT jwt_auth.auth_login(%s, %s)", ("no-such-user", pw)) == "28P01",
           "an unknown user fails with the same 28P01")

    # new hashes under jwt_auth.password_hash = argon2id, at its defaults (OWASP's minimums)
    cur.execute("SET jwt_auth.password_hash = 'argon2id'")
    cur.execute("SELECT jwt_auth.user_import('argon-1', %s, %s)",
                (dj.make_password(pw, hasher=dj.PBKDF2PasswordHasher()), ROLE))
    tap.ok(sqlstate(cur, "SELECT jwt_auth.auth_login(%s, %s)", ("argon-1", wrong)) == "28P01",
           "under argon2id: a wrong password for a Django PBKDF2 user fails with 28P01")
    tap.ok(login(cur, "argon-1", pw), "under argon2id: the right one logs in")
    after = stored(cur, "argon-1")
    tap.ok(after.startswith("$argon2id$v=19$m=19456,t=2,p=1$"),
           "and the stored hash is Argon2id at m=19456, t=2, p=1")
    try:
        cffi_ok = argon2.PasswordHasher().verify(after, pw)
    except argon2.exceptions.VerificationError:
        cffi_ok = False
    tap.ok(cffi_ok, "argon2-cffi verifies that hash with the password")
    tap.ok(login(cur, "argon-1", pw) and stored(cur, "argon-1") == after,
           "the password logs in with it, and it is kept")
    tap.ok(login(cur, "imported-0", pw) and stored(cur, "imported-0").startswith("$argon2id$"),
           "a user whose hash is bcrypt logs in and is re-hashed to Argon2id")
    cur.execute("SELECT jwt_auth.user_create('argon-2', %s, %s)", (pw, ROLE))
    tap.ok(stored(cur, "argon-2").startswith("$argon2id$") and login(cur, "argon-2", pw),
           "user_create hashes with Argon2id, and that user logs in")
    cur.execute("SET jwt_auth.argon2_memory = '32MB'")
    tap.ok(login(cur, "argon-2", pw) and stored(cur, "argon-2").startswith("$argon2id$v=19$m=32768,t=2,p=1$"),
           "with more memory configured, the next login re-hashes at m=32768")
    cur.execute("RESET jwt_auth.argon2_memory")
    cur.execute("RESET jwt_auth.password_hash")
    tap.ok(login(cur, "argon-2", pw) and stored(cur, "argon-2").startswith("$2a$%02d$" % COST),
           "back under bcrypt, an Argon2id user is re-hashed to bcrypt at its next login")

    print("# %-42s %-34s %-9s %s" % ("format", "made by", "verified", "re-hashed to"))
    for r in rows:
        print("# %-42s %-34s %-9s %s" % r)
    print("1..%d" % tap.n)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
