#!/usr/bin/python3
"""The HTTP side of the Django suite: drives examples/django (jwt_auth) and simplejwt itself
(test/django/reference) with the requests a simplejwt client sends, and prints TAP.

Usage: /usr/bin/python3 http_test.py    (run by test/django/run, which sets up everything)
Reads from the environment:
    BASE_URL, REFERENCE_URL   the example (jwt_auth) and simplejwt on the same project
    USER_A, USER_B, USER_OFF  users made by Django's create_user before the import (USER_OFF
                              inactive); PASSWORD_A, PASSWORD_B, PASSWORD_OFF their passwords
    UID_A                     user A's jwt_auth id
    HASHES_BEFORE_IMPORT      the algorithm part of each auth_user hash, comma-separated
    IMPORT_OUTPUT             what jwt_auth_import_users printed
    PGDATABASE (and libpq's other PG* variables)  the database, as its owner
jwt_auth.refresh_reuse_interval is 2 (seconds) in this database.
Standard library and psycopg2 only. Failures print statuses, codes and keys, never a token or a
password. Exits 1 if any test failed.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import psycopg2

env = os.environ
results = []


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers = status, headers
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def keys(self):
        return sorted(self.json) if isinstance(self.json, dict) else None

    def get(self, key):
        return self.json.get(key) if isinstance(self.json, dict) else None

    def shape(self):
        """What a client reads, without values: status, media type, keys (and the keys of the
        messages simplejwt lists), whether WWW-Authenticate is sent and its scheme."""
        messages = self.get("messages")
        return {
            "status": self.status,
            "content_type": (self.headers.get("Content-Type") or "").split(";")[0],
            "keys": self.keys(),
            "code": self.get("code"),
            "message_keys": sorted(messages[0]) if isinstance(messages, list) and messages else None,
            "www_authenticate": self.headers.get("WWW-Authenticate"),
        }

    def __str__(self):  # for failures: nothing secret
        return f"status {self.status}, keys {self.keys()}, code {self.get('code')!r}"


def call(base, method, path, token=None, json_body=None, form=None):
    headers, data = {}, None
    if json_body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(json_body).encode()
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


def check(name, passed, why=""):
    results.append(passed)
    print(f"{'ok' if passed else 'not ok'} {len(results)} - {name}")
    if not passed and why:
        print(f"# {why}")


def db(query, *args):
    with psycopg2.connect("") as conn, conn.cursor() as cur:
        cur.execute(query, args)
        return cur.fetchall()


def pair_ok(r):
    """200 {"access": a JWT, "refresh": a token} (jwt_auth's refresh tokens are opaque)."""
    access, refresh_ = r.get("access"), r.get("refresh")
    return (r.status == 200 and r.keys() == ["access", "refresh"] and isinstance(access, str)
            and access.count(".") == 2 and isinstance(refresh_, str) and len(refresh_) >= 32)


def unauthorized(r, code=None):
    return r.status == 401 and "detail" in (r.keys() or []) and r.get("code") == code


# --- The import: Django's own hashes came over as they are --------------------------------

check("create_user_made_pbkdf2_sha256_hashes",
      env["HASHES_BEFORE_IMPORT"] == "pbkdf2_sha256,pbkdf2_sha256,pbkdf2_sha256",
      env["HASHES_BEFORE_IMPORT"])
check("import_command_reports_three_users_one_disabled",
      "imported 3 users (1 disabled), skipped 0" in env["IMPORT_OUTPUT"], env["IMPORT_OUTPUT"])
rows = dict(db("SELECT username, disabled FROM jwt_auth.users WHERE password_hash LIKE 'pbkdf2_sha256$%%'"))
check("jwt_auth_holds_the_users_with_their_django_hashes",
      rows == {env["USER_A"]: False, env["USER_B"]: False, env["USER_OFF"]: True}, repr(rows))

# --- The simplejwt client's requests against jwt_auth ------------------------------------

JA = env["BASE_URL"]
login_a = call(JA, "POST", "/api/token/", json_body={"username": env["USER_A"], "password": env["PASSWORD_A"]})
check("token_with_the_django_password_is_200_access_and_refresh", pair_ok(login_a), str(login_a))
access, refresh = login_a.get("access"), login_a.get("refresh")
rehashed = db("SELECT password_hash NOT LIKE 'pbkdf2%%' FROM jwt_auth.users WHERE username = %s", env["USER_A"])
check("first_login_rehashed_the_pbkdf2_hash", rehashed == [(True,)], repr(rehashed))
r = call(JA, "POST", "/api/token/", form={"username": env["USER_B"], "password": env["PASSWORD_B"]})
check("token_as_a_form_is_200_too", pair_ok(r), str(r))

r = call(JA, "POST", "/api/token/", json_body={"username": env["USER_A"], "password": env["PASSWORD_A"] + "x"})
check("wrong_password_is_401_no_active_account", unauthorized(r) and r.keys() == ["detail"], str(r))
r = call(JA, "POST", "/api/token/", json_body={"username": env["USER_OFF"], "password": env["PASSWORD_OFF"]})
check("inactive_django_user_cannot_log_in_401", unauthorized(r) and r.keys() == ["detail"], str(r))
r = call(JA, "POST", "/api/token/", json_body={"username": env["USER_A"]})
check("missing_password_is_400_field_error", r.status == 400 and r.keys() == ["password"], str(r))

r = call(JA, "GET", "/api/notes/", token=access)
notes = r.get("notes") or []
check("private_view_with_the_access_token_is_200", r.status == 200 and r.get("user") == env["UID_A"], str(r))
check("private_view_shows_only_the_users_rows_rls",
      [n.get("body") for n in notes] == [f"a note of {env['USER_A']}"], repr([n.get("body") for n in notes]))
r = call(JA, "GET", "/api/notes/")
check("private_view_without_a_token_is_401", unauthorized(r) and "Bearer" in (r.headers.get("WWW-Authenticate") or ""), str(r))
bad = access[:-4] + ("AAAA" if not access.endswith("AAAA") else "BBBB")
r = call(JA, "GET", "/api/notes/", token=bad)
check("private_view_with_a_bad_token_is_401_token_not_valid", unauthorized(r, "token_not_valid"), str(r))
r = call(JA, "GET", "/api/notes/", token="not-a-jwt")
check("private_view_with_garbage_is_401_token_not_valid", unauthorized(r, "token_not_valid"), str(r))

r1 = call(JA, "POST", "/api/token/refresh/", json_body={"refresh": refresh})
check("refresh_is_200_access_and_a_new_refresh", pair_ok(r1) and r1.get("refresh") != refresh, str(r1))
r2 = call(JA, "POST", "/api/token/refresh/", json_body={"refresh": refresh})
check("refresh_again_within_the_reuse_interval_is_the_same_pair",
      pair_ok(r2) and r2.get("refresh") == r1.get("refresh"), str(r2))
r = call(JA, "GET", "/api/notes/", token=r1.get("access"))
check("refreshed_access_token_reads_the_private_view", r.status == 200, str(r))
time.sleep(2.5)  # past jwt_auth.refresh_reuse_interval (2 s in this database)
r = call(JA, "POST", "/api/token/refresh/", json_body={"refresh": refresh})
check("used_refresh_token_after_the_reuse_interval_is_401_token_not_valid", unauthorized(r, "token_not_valid"), str(r))
r = call(JA, "POST", "/api/token/refresh/", json_body={"refresh": r1.get("refresh")})
check("after_reuse_the_sessions_newest_refresh_token_is_401", unauthorized(r, "token_not_valid"), str(r))
r = call(JA, "GET", "/api/notes/", token=r1.get("access"))
check("after_reuse_the_sessions_access_token_is_401", unauthorized(r, "token_not_valid"), str(r))
r = call(JA, "POST", "/api/token/refresh/", json_body={"refresh": "not-a-token"})
check("unknown_refresh_token_is_401_token_not_valid", unauthorized(r, "token_not_valid"), str(r))

# --- The same requests to simplejwt: the answers have the same shape -----------------------

SJ = env["REFERENCE_URL"]


def both(method, path, token_of=None, body_of=None):
    """The request to each server; token_of / body_of map a server's own tokens to the request."""
    out = []
    for base, tokens in ((JA, ja_tokens), (SJ, sj_tokens)):
        out.append(call(base, method, path,
                        token=token_of(tokens) if token_of else None,
                        json_body=body_of(tokens) if body_of else None))
    return out


ja_tokens, sj_tokens = {}, {}
creds = {"username": env["USER_B"], "password": env["PASSWORD_B"]}
comparisons = [("token_good_password", lambda: both("POST", "/api/token/", body_of=lambda t: creds))]
for base, tokens in ((JA, ja_tokens), (SJ, sj_tokens)):
    r = call(base, "POST", "/api/token/", json_body=creds)
    tokens.update(access=r.get("access"), refresh=r.get("refresh"))
check("both_servers_log_in_the_imported_user", bool(ja_tokens["access"] and sj_tokens["access"]))

comparisons += [
    ("token_wrong_password", lambda: both("POST", "/api/token/", body_of=lambda t: dict(creds, password="x" + creds["password"]))),
    ("token_inactive_user", lambda: both("POST", "/api/token/", body_of=lambda t: {"username": env["USER_OFF"], "password": env["PASSWORD_OFF"]})),
    ("token_missing_password", lambda: both("POST", "/api/token/", body_of=lambda t: {"username": creds["username"]})),
    ("private_with_access_token", lambda: both("GET", "/api/notes/", token_of=lambda t: t["access"])),
    ("private_without_token", lambda: both("GET", "/api/notes/")),
    ("private_with_bad_token", lambda: both("GET", "/api/notes/", token_of=lambda t: t["access"][:-4] + ("AAAA" if not t["access"].endswith("AAAA") else "BBBB"))),
    ("refresh_unknown_token", lambda: both("POST", "/api/token/refresh/", body_of=lambda t: {"refresh": "not-a-token"})),
    ("refresh_missing_field", lambda: both("POST", "/api/token/refresh/", body_of=lambda t: {})),
    ("refresh_good", lambda: both("POST", "/api/token/refresh/", body_of=lambda t: {"refresh": t["refresh"]})),
]
for name, run in comparisons:
    ja, sj = run()
    same = ja.shape() == sj.shape()
    detail = "" if same else f"jwt_auth {ja.shape()} / simplejwt {sj.shape()}"
    check(f"same_shape_as_simplejwt: {name} ({sj.status} {sj.shape()['content_type']} {','.join(sj.keys() or [])})",
          same, detail)

# reuse of a rotated refresh token: simplejwt's blacklist and jwt_auth's reuse detection
time.sleep(2.5)
ja, sj = both("POST", "/api/token/refresh/", body_of=lambda t: {"refresh": t["refresh"]})
check(f"same_shape_as_simplejwt: refresh_reused ({sj.status} {','.join(sj.keys() or [])})",
      ja.shape() == sj.shape() and ja.status == 401, f"jwt_auth {ja.shape()} / simplejwt {sj.shape()}")

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
