#!/usr/bin/python3
"""The driver of jwt_auth's idp suite: other issuers' tokens, end to end (run by test/idp/run).

The run script has made a CA and certificates, started provider.py (the local identity provider,
see its header) and a throwaway cluster with jwt_auth preloaded (its key-fetching worker serving
the database idp), created the extension in the databases idp and idp_noworker, and exported:
    IDP_READY        provider.py's ready file (its ports)
    IDP_SETTINGS     the jwt_auth.fetch_* settings of the cluster, as JSON (seconds)
    PGHOST, PGPORT   the cluster
Tokens are signed here by PyJWT and jwcrypto (Debian's) and by jose from npm (sign.mjs), with the
provider's keys, never by jwt_auth (except where the attack is jwt_auth's own key). Each token
drives SELECT jwt_auth.authenticate(token) as the role authenticator, then current_user,
jwt_auth.user_id() and the rows a row-level security policy on user_id() lets it see.

Prints TAP (one line per check, the plan at the end) and, as "#" lines, the provider-shaped
token table, the attack table (with the provider's request counts) and the fetch figures.
No whole token, key or password is printed: anything long enough to be one is masked.
"""

import base64
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
import uuid

import jwt as pyjwt
import psycopg2
from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk as jc_jwk
from jwcrypto import jwt as jc_jwt

HERE = os.path.dirname(os.path.abspath(__file__))
READY = json.load(open(os.environ["IDP_READY"]))
SETTINGS = json.loads(os.environ["IDP_SETTINGS"])
COOLDOWN = float(SETTINGS["fetch_cooldown"])
MIN_INTERVAL = float(SETTINGS["fetch_min_interval"])
MAX_INTERVAL = float(SETTINGS["fetch_max_interval"])
FETCH_TIMEOUT = float(SETTINGS["fetch_timeout"])
FETCH_WAIT = float(SETTINGS["fetch_wait"])
HANG = 4 * FETCH_TIMEOUT  # the provider's hang: well over the fetch timeout
PORT = READY["https"]["main"]
BASE = "https://127.0.0.1:%d" % PORT
JWKS_PATH = "/.well-known/jwks.json"
DB, NOWORKER_DB = "idp", "idp_noworker"

# ---------------------------------------------------------------------------------- TAP output

n_tests = 0
n_failed = 0
tokens_table = []  # (provider, alg, library, outcome)
attacks_table = []  # (attack, outcome, provider requests)
figures = []  # (what, value)


def mask(text):
    """A line fit to print: anything that could be a token, a key or a secret is masked."""
    text = re.sub(r"[A-Za-z0-9_\-+/=.]{40,}", "<masked>", str(text))
    return text.replace("\n", " ")[:300]


def comment(text):
    for line in str(text).splitlines() or [""]:
        print("#   " + mask(line))


def ok(cond, desc, info=None):
    global n_tests, n_failed
    n_tests += 1
    if cond:
        print("ok %d - %s" % (n_tests, mask(desc)))
    else:
        n_failed += 1
        print("not ok %d - %s" % (n_tests, mask(desc)))
        if info is not None:
            comment(info)
    sys.stdout.flush()
    return bool(cond)


def section(name):
    """Run a part of the suite; an exception in it is one failed test, and the suite goes on."""
    def wrap(fn):
        def run():
            print("# --- %s" % name)
            start = time.monotonic()
            try:
                fn()
                print("# (%.1f s)" % (time.monotonic() - start))
            except Exception as e:  # a broken part must not hide the others
                ok(False, "%s: ran to its end" % name,
                   "%s: %s" % (type(e).__name__, e) + " at " +
                   " < ".join("%s:%d" % (os.path.basename(f.filename), f.lineno)
                              for f in traceback.extract_tb(e.__traceback__)[-3:]))
        return run
    return wrap


# ------------------------------------------------------------------------------ the provider

opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def admin(**request):
    req = urllib.request.Request("http://127.0.0.1:%d/admin" % READY["admin"],
                                 data=json.dumps(request).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with opener.open(req, timeout=20) as answer:
        return json.load(answer)


def count(path):
    return admin(op="counts")["counts"].get(path, 0)


def label(path):
    """A path as the tables show it: the tenant's name and the file."""
    return path.strip("/").replace("/.well-known/", " ")


class Tenant:
    """A tenant of the provider: an issuer of its own, with keys one per alg."""

    def __init__(self, name, algs, max_age=300):
        self.name = name
        made = admin(op="tenant", name=name, algs=algs)
        self.issuer, self.jwks_uri = made["issuer"], made["jwks_uri"]
        self.kids = dict(zip(algs, made["kids"]))
        self.path = "/" + name + JWKS_PATH
        self.set(max_age=max_age)

    def set(self, **what):
        admin(op="set", tenant=self.name, **what)

    def jwks(self):
        return admin(op="jwks", tenant=self.name)["jwks"]

    def add_key(self, alg):
        return admin(op="add_key", tenant=self.name, alg=alg)["kid"]

    def remove_key(self, kid):
        admin(op="remove_key", tenant=self.name, kid=kid)

    def requests(self):
        return count(self.path)


_private = {}


def private_key(tenant, kid):
    """The provider's private key kid of tenant: its alg, kid, PEM, JWK and (loaded once, since
    loading an RSA key checks it, which is slow) the key object."""
    if (tenant.name, kid) not in _private:
        key = admin(op="private_key", tenant=tenant.name, kid=kid)
        key["object"] = serialization.load_pem_private_key(key["pem"].encode(), None)
        _private[(tenant.name, kid)] = key
    return _private[(tenant.name, kid)]


# ------------------------------------------------------------------------------- the signers

def sign(lib, tenant, kid, claims, header=None, alg=None, header_kid=None):
    """A token signed by an independent library with the tenant's key kid. header_kid puts
    another kid in the header (None: kid itself)."""
    key = private_key(tenant, kid)
    alg = alg or key["alg"]
    head = dict(header or {})
    head["kid"] = header_kid if header_kid is not None else kid
    if lib == "PyJWT":
        return pyjwt.encode(claims, key["object"], algorithm=alg, headers=head)
    if lib == "jwcrypto":
        token = jc_jwt.JWT(header=dict(head, alg=alg), claims=claims)
        token.make_signed_token(jc_jwk.JWK(**key["jwk"]))
        return token.serialize()
    if lib == "jose":
        return sign_jose([(alg, dict(key["jwk"], kid=head["kid"]), head, claims)])[0]
    raise ValueError(lib)


JOSE_LIBRARY = []


def sign_jose(jobs):
    """Tokens signed by jose (node sign.mjs), one per (alg, private JWK, header, claims)."""
    payload = json.dumps([{"alg": a, "key": k, "header": {x: v for x, v in h.items() if x != "kid"},
                           "claims": c} for a, k, h, c in jobs])
    done = subprocess.run(["node", os.path.join(HERE, "sign.mjs")], input=payload.encode(),
                          capture_output=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError("sign.mjs failed: %s" % done.stderr.decode()[-300:])
    answers = json.loads(done.stdout)
    JOSE_LIBRARY[:] = [answers[-1]["library"]]
    tokens = []
    for a in answers[:-1]:
        if "error" in a:
            raise RuntimeError("jose: " + a["error"])
        tokens.append(a["token"])
    return tokens


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_token(secret, header, claims):
    """An HMAC token made by hand (PyJWT refuses a PEM as an HMAC secret, which is the attack)."""
    signing_input = (b64url(json.dumps(dict(header, alg="HS256"), separators=(",", ":")).encode())
                     + "." + b64url(json.dumps(claims, separators=(",", ":")).encode()))
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(mac)


# -------------------------------------------------------------------------------- the database

def connect(db=DB, user="postgres", autocommit=True):
    conn = psycopg2.connect(dbname=db, user=user)
    conn.autocommit = autocommit
    return conn


def q(conn, sql, *args):
    """Run one statement, return its rows (or [] for none)."""
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall() if cur.description else []


def q1(conn, sql, *args):
    rows = q(conn, sql, *args)
    return rows[0][0] if rows else None


def attempt(conn, sql, *args):
    """(True, rows) or (False, {"code", "message", "detail", "hint"}) for an error."""
    try:
        return True, q(conn, sql, *args)
    except psycopg2.Error as e:
        if not conn.autocommit:
            conn.rollback()
        d = e.diag
        return False, {"code": e.pgcode, "message": d.message_primary, "detail": d.message_detail,
                       "hint": d.message_hint}


def authenticate(conn, token, statement_timeout=None):
    """One request as an application server makes it: a transaction that authenticates and reads
    the table. {"ok": True, "user": current_user, "uid": user_id(), "rows": [bodies], "iss"} or
    {"ok": False, "code", "message", "detail"}."""
    try:
        with conn.cursor() as cur:
            if statement_timeout:
                cur.execute("SET LOCAL statement_timeout = %s", (statement_timeout,))
            cur.execute("SELECT jwt_auth.authenticate(%s)", (token,))
            cur.execute("SELECT current_user, jwt_auth.user_id(), jwt_auth.claims() ->> 'iss'")
            user, uid, iss = cur.fetchone()
            cur.execute("SELECT body FROM idp.docs ORDER BY id")
            rows = [r[0] for r in cur.fetchall()]
        conn.rollback()
        return {"ok": True, "user": user, "uid": uid, "rows": rows, "iss": iss}
    except psycopg2.Error as e:
        conn.rollback()
        return {"ok": False, "code": e.pgcode, "message": e.diag.message_primary,
                "detail": e.diag.message_detail}


def outcome(r):
    if r["ok"]:
        return "accepted as %s, %d row(s)" % (r["user"], len(r["rows"]))
    return "refused %s: %s%s" % (r["code"], r["message"],
                                 " (%s)" % r["detail"] if r.get("detail") else "")


def refused(r):
    return not r["ok"] and r["code"] == "28000"


def issuer_row(conn, issuer):
    rows = q(conn, """SELECT fetched_at, fetch_attempted_at, next_fetch_at, fetch_error,
                             fetch_error_at, jwks, extract(epoch FROM next_fetch_at - fetch_attempted_at)
                        FROM jwt_auth.issuers WHERE issuer = %s""", issuer)
    if not rows:
        return None
    keys = ("fetched_at", "attempted_at", "next_fetch_at", "error", "error_at", "jwks", "next_in")
    return dict(zip(keys, rows[0]))


def refresh(conn, issuer):
    """issuer_refresh(issuer) -> (result, the warnings it raised)."""
    del conn.notices[:]
    result = q1(conn, "SELECT jwt_auth.issuer_refresh(%s)", issuer)
    return result, [n.strip() for n in conn.notices]


def kids_of(jwks):
    return sorted(k.get("kid") for k in (jwks or {}).get("keys", []))


def wait_for(what, timeout, step=0.1):
    """Poll what() until it is true or timeout seconds pass; (value, seconds waited)."""
    start = time.monotonic()
    while True:
        value = what()
        if value or time.monotonic() - start > timeout:
            return value, time.monotonic() - start
        time.sleep(step)


# ------------------------------------------------------------------------------- the scenario

NOW = int(time.time())
API = "https://api.example.com"
PROJECT = "jwt-auth-demo"
COGNITO_CLIENT = "5q1kn2ohb8r3mvcfk6lqj4a1o2"
owner = connect()
app = None  # the application server's connection, as authenticator (made in setup)
T = {}  # tenants by short name
ISS = {}  # issuers by short name
SUBS = {
    "auth0": "auth0|64f1c2d3e4b5a6978812abcd",
    "auth0-b": "auth0|64f1c2d3e4b5a6978812ef01",
    "keycloak": "f3a1c9e2-6b7d-4c8e-9f10-2a3b4c5d6e7f",
    "keycloak-b": "0b8e7d6c-5a49-4382-b1a0-9f8e7d6c5b4a",
    "firebase": "kX9vQ2mT7pL4sR8wZ1nB6cY3dF5h",
    "clerk": "user_2NNEqL2nrIRdJ194ndJqAHwEfxC",
    "cognito": "8e5d2c1b-a9f8-4e7d-b6c5-d4e3f2a1b0c9",
}


def claims_exp(extra, ttl=600):
    c = {"iat": NOW, "exp": NOW + ttl}
    c.update(extra)
    return c


def auth0_claims(sub=SUBS["auth0"], role="editor", **over):
    c = claims_exp({
        "iss": ISS["auth0"], "sub": sub,
        "aud": [API, "https://jwt-auth-test.us.auth0.com/userinfo"],
        "azp": "Zx8s1Kq0TbM3nVfHc7WjLp2R", "scope": "openid profile email read:docs",
        "https://example.com/role": role})
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


@section("setup: roles, the table and its policy, the issuers")
def setup():
    q(owner, """
        CREATE ROLE authenticator LOGIN NOINHERIT;
        CREATE ROLE editor NOLOGIN; CREATE ROLE viewer NOLOGIN;
        CREATE ROLE member NOLOGIN; CREATE ROLE admin_role NOLOGIN;
        GRANT editor, viewer, member, admin_role TO authenticator""")
    global app
    app = connect(user="authenticator", autocommit=False)
    for db in (DB, NOWORKER_DB):
        conn = connect(db)
        q(conn, """
            CREATE SCHEMA idp;
            GRANT USAGE ON SCHEMA idp TO editor, viewer, member, admin_role;
            CREATE TABLE idp.docs (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                   owner_id text NOT NULL, body text NOT NULL);
            GRANT SELECT ON idp.docs TO editor, viewer, member, admin_role;
            ALTER TABLE idp.docs ENABLE ROW LEVEL SECURITY;
            CREATE POLICY own_docs ON idp.docs USING (owner_id = jwt_auth.user_id())""")
        for who, sub in SUBS.items():
            for i in (1, 2):
                q(conn, "INSERT INTO idp.docs (owner_id, body) VALUES (%s, %s)", sub,
                  "%s-%d" % (who, i))
        q(conn, "INSERT INTO idp.docs (owner_id, body) VALUES ('nobody', 'nobody-1')")
        conn.close()

    T["auth0"] = Tenant("auth0", ["RS256", "ES256"])
    T["keycloak"] = Tenant("realms/shop", ["ES256", "PS256"])
    T["firebase"] = Tenant("firebase", ["RS256"])
    T["clerk"] = Tenant("clerk", ["EdDSA"])
    T["cognito"] = Tenant("us-east-1_Example", ["RS256"])
    T["stranger"] = Tenant("stranger", ["ES256"])
    T["evil"] = Tenant("evil", ["RS256"])
    T["flood"] = Tenant("flood", ["ES256"], max_age=3600)
    T["rotate"] = Tenant("rotate", ["ES256"], max_age=3600)
    T["faults"] = Tenant("faults", ["ES256"], max_age=3600)
    T["cache"] = Tenant("cache", ["ES256"], max_age=3600)
    T["bounds"] = Tenant("bounds", ["ES256"], max_age=3600)
    T["liar"] = Tenant("liar", ["ES256"])
    T["noworker"] = Tenant("noworker", ["EdDSA"], max_age=2)
    T["liar"].set(discovery_issuer=BASE + "/someone-else")

    # Auth0: iss with Auth0's trailing slash, an aud array, a namespaced role claim, RS256 only
    # (the tenant's set also holds an ES256 key: the alg-list attack uses it)
    ISS["auth0"] = T["auth0"].issuer + "/"
    q(owner, """SELECT jwt_auth.issuer_add(%s, jwks_uri => %s, audience => %s, algorithms => '{RS256}',
                role_claim => '."https://example.com/role"', roles => '{editor,viewer}')""",
      ISS["auth0"], T["auth0"].jwks_uri, [API])
    fetched, waited = wait_for(lambda: issuer_row(owner, ISS["auth0"])["fetched_at"], 10)
    ok(fetched, "the worker fetched a newly added issuer's keys by itself (%.1f s)" % waited,
       issuer_row(owner, ISS["auth0"]))
    figures.append(("first fetch by the worker after issuer_add", "%.1f s" % waited))
    if not fetched:  # so that the rest can go on
        refresh(owner, ISS["auth0"])

    # Keycloak: registered from its discovery document
    ISS["keycloak"] = T["keycloak"].issuer
    before = count("/realms/shop/.well-known/openid-configuration")
    got = q1(owner, """SELECT jwt_auth.issuer_discover(%s, audience => '{shop-api}',
                       role_claim => '.realm_access.roles[0]', roles => '{member,editor}')""",
             ISS["keycloak"])
    row = issuer_row(owner, ISS["keycloak"])
    ok(got == ISS["keycloak"] and row and row["fetched_at"] and
       kids_of(row["jwks"]) == sorted(T["keycloak"].kids.values()) and
       count("/realms/shop/.well-known/openid-configuration") == before + 1,
       "issuer_discover registers the issuer from its discovery document and fetches its set",
       (got, row and row["error"]))
    jwks_uri = q1(owner, "SELECT jwks_uri FROM jwt_auth.issuers WHERE issuer = %s", ISS["keycloak"])
    ok(jwks_uri == T["keycloak"].jwks_uri, "the discovered jwks_uri is the document's", jwks_uri)

    # Firebase: iss is not the provider's URL, so its set is pushed; no role claim: default_role
    ISS["firebase"] = "https://securetoken.google.com/" + PROJECT
    q(owner, """SELECT jwt_auth.issuer_add(%s, jwks => %s::jsonb, audience => %s,
                default_role => 'member')""",
      ISS["firebase"], json.dumps(T["firebase"].jwks()), [PROJECT])
    usable = q1(owner, "SELECT jwt_auth.issuer_set_jwks(%s, %s::jsonb)", ISS["firebase"],
                json.dumps(T["firebase"].jwks()))
    ok(usable == 1, "issuer_set_jwks pushes the Firebase-shaped set (1 usable key)", usable)
    with_private = {"keys": [dict(k, d="AAAA") for k in T["firebase"].jwks()["keys"]]}
    good, err = attempt(owner, "SELECT jwt_auth.issuer_set_jwks(%s, %s::jsonb)", ISS["firebase"],
                        json.dumps(with_private))
    ok(not good and err["code"] == "22023",
       "issuer_set_jwks refuses a set with a private member (22023)", err)

    # Clerk-like: no aud at all (audience => '{}' says so), the role in a custom claim
    ISS["clerk"] = T["clerk"].issuer
    q(owner, """SELECT jwt_auth.issuer_add(%s, jwks_uri => %s, audience => '{}',
                role_claim => '.metadata.role', roles => '{viewer,editor}')""",
      ISS["clerk"], T["clerk"].jwks_uri)
    # Cognito-like ID token: aud = the app client, the role is the first of cognito:groups
    ISS["cognito"] = T["cognito"].issuer
    q(owner, """SELECT jwt_auth.issuer_add(%s, jwks_uri => %s, audience => %s,
                role_claim => '."cognito:groups"[0]', roles => '{editor,viewer}')""",
      ISS["cognito"], T["cognito"].jwks_uri, [COGNITO_CLIENT])
    for name in ("flood", "rotate", "faults", "cache", "bounds"):
        ISS[name] = T[name].issuer
        q(owner, """SELECT jwt_auth.issuer_add(%s, jwks_uri => %s, audience => %s,
                    roles => '{member}')""", ISS[name], T[name].jwks_uri, [API])
    for name in ("clerk", "cognito", "flood", "rotate", "faults", "cache", "bounds"):
        result, warnings = refresh(owner, ISS[name])
        ok(result is True, "issuer_refresh fetches the %s set" % name, warnings)

    # a second database the worker does not serve (jwt_auth.database is idp)
    conn = connect(NOWORKER_DB)
    ISS["noworker"] = T["noworker"].issuer
    q(conn, """SELECT jwt_auth.issuer_add(%s, jwks_uri => %s, audience => %s, roles => '{member}')""",
      ISS["noworker"], T["noworker"].jwks_uri, [API])
    conn.close()
    # the worker refetches this one every fetch_min_interval from now on (see cadence())
    T["cache"].set(max_age=1)
    result, _ = refresh(owner, ISS["cache"])
    global CADENCE_START, CADENCE_COUNT
    CADENCE_START, CADENCE_COUNT = time.monotonic(), T["cache"].requests()


CADENCE_START = CADENCE_COUNT = None


@section("provider-shaped tokens")
def provider_tokens():
    cases = []  # (provider, library, tenant, kid, claims, expected role, sub key)
    a0 = T["auth0"]
    cases.append(("Auth0", "PyJWT", a0, a0.kids["RS256"], auth0_claims(), "editor", "auth0"))
    cases.append(("Auth0", "jose", a0, a0.kids["RS256"],
                  auth0_claims(sub=SUBS["auth0-b"], role="viewer"), "viewer", "auth0-b"))
    kc = T["keycloak"]

    def keycloak(sub, roles):
        return claims_exp({
            "auth_time": NOW - 5, "jti": str(uuid.uuid4()), "iss": ISS["keycloak"],
            "aud": "shop-api", "sub": sub, "typ": "Bearer", "azp": "shop-frontend",
            "session_state": str(uuid.uuid4()), "acr": "1",
            "realm_access": {"roles": roles},
            "resource_access": {"account": {"roles": ["manage-account", "view-profile"]}},
            "scope": "openid email profile", "sid": str(uuid.uuid4()),
            "email_verified": True, "preferred_username": "a.user"})
    cases.append(("Keycloak", "jwcrypto", kc, kc.kids["ES256"],
                  keycloak(SUBS["keycloak"], ["member", "offline_access", "uma_authorization"]),
                  "member", "keycloak"))
    cases.append(("Keycloak", "jwcrypto", kc, kc.kids["PS256"],
                  keycloak(SUBS["keycloak-b"], ["editor", "default-roles-shop"]),
                  "editor", "keycloak-b"))
    fb = T["firebase"]
    cases.append(("Firebase", "jose", fb, fb.kids["RS256"], claims_exp({
        "iss": ISS["firebase"], "aud": PROJECT, "auth_time": NOW - 60,
        "user_id": SUBS["firebase"], "sub": SUBS["firebase"], "email": "a.user@example.com",
        "email_verified": True,
        "firebase": {"identities": {"email": ["a.user@example.com"]},
                     "sign_in_provider": "password"}}, ttl=3600), "member", "firebase"))
    ck = T["clerk"]
    cases.append(("Clerk-like", "jose", ck, ck.kids["EdDSA"], claims_exp({
        "azp": "http://localhost:3000", "iss": ISS["clerk"], "nbf": NOW - 5,
        "sid": "sess_2NNEqRbYxWqM4kZqXoTLv8NfBdP", "sub": SUBS["clerk"],
        "metadata": {"role": "viewer"}}, ttl=60), "viewer", "clerk"))
    cg = T["cognito"]
    cases.append(("Cognito-like", "PyJWT", cg, cg.kids["RS256"], claims_exp({
        "sub": SUBS["cognito"], "cognito:groups": ["editor", "staff"], "email_verified": True,
        "iss": ISS["cognito"], "cognito:username": "a.user", "origin_jti": str(uuid.uuid4()),
        "aud": COGNITO_CLIENT, "event_id": str(uuid.uuid4()), "token_use": "id",
        "auth_time": NOW - 30, "jti": str(uuid.uuid4()), "email": "a.user@example.com"},
        ttl=3600), "editor", "cognito"))

    for provider, lib, tenant, kid, claims, role, who in cases:
        alg = private_key(tenant, kid)["alg"]
        token = sign(lib, tenant, kid, claims)
        r = authenticate(app, token)
        expected_rows = ["%s-1" % who, "%s-2" % who]
        good = (r["ok"] and r["user"] == role and r["uid"] == SUBS[who] and
                r["rows"] == expected_rows and r["iss"] == claims["iss"])
        ok(good, "%s token (%s, %s): authenticate() acts as %s, user_id() is its %s, RLS shows "
           "its 2 rows only" % (provider, alg, lib, role, "user_id" if provider == "Firebase"
                                else "sub"), outcome(r) + (" rows %s" % r.get("rows")))
        tokens_table.append((provider, alg, lib, outcome(r)))
    # after the transaction the connecting role and no claims again
    user = q1(app, "SELECT current_user || '/' || coalesce(jwt_auth.user_id(), '-')")
    app.rollback()
    ok(user == "authenticator/-", "after each request: the connecting role again, no user_id()",
       user)
    # jwt_verify(token) and jwt_valid(token) take issuer tokens too
    token = sign("PyJWT", a0, a0.kids["RS256"], auth0_claims())
    ok(q1(owner, "SELECT jwt_auth.jwt_verify(%s) ->> 'sub'", token) == SUBS["auth0"] and
       q1(owner, "SELECT jwt_auth.jwt_valid(%s)", token) is True,
       "jwt_verify(token) and jwt_valid(token) verify an issuer token with its issuer's keys")


def attack(name, token, conn=None, expect_detail=None, paths=()):
    """One refused token: a TAP line and a row of the attack table."""
    before = {p: count(p) for p in paths}
    r = authenticate(conn or app, token)
    seen = {p: count(p) - before[p] for p in paths}
    good = refused(r) and (expect_detail is None or
                           re.search(expect_detail, r.get("detail") or "", re.I))
    ok(good, "attack refused: %s" % name, outcome(r))
    attacks_table.append((name, outcome(r),
                          ", ".join("%s: %d" % (label(p), v) for p, v in seen.items()) or "-"))
    return r, seen


@section("attacks")
def attacks():
    a0, cg = T["auth0"], T["cognito"]
    # issuer A's key, issuer B's name
    token = sign("PyJWT", a0, a0.kids["RS256"], dict(auth0_claims(), iss=ISS["cognito"],
                                                      aud=COGNITO_CLIENT))
    attack("signed with issuer A's key (Auth0-shaped), iss of issuer B (Cognito-like)", token,
           paths=[cg.path, a0.path])
    # an issuer's key on a token with no iss: jwt_auth's own, whose keys it is not
    claims = auth0_claims()
    del claims["iss"]
    attack("signed with an issuer's key, no iss (so jwt_auth's own token)",
           sign("PyJWT", a0, a0.kids["RS256"], claims))
    # jwt_auth's own HS256 key signing a token that names a registered issuer
    kid = q1(owner, "SELECT jwt_auth.key_generate('HS256')")
    signed, token = attempt(owner, "SELECT jwt_auth.jwt_sign(%s::jsonb)", json.dumps(auth0_claims()))
    if signed:
        token = token[0][0]
    else:  # jwt_sign will not: the same token made by hand with the stored secret and its kid
        comment("jwt_sign refused to sign it (%s: %s); signed by hand with the key's secret"
                % (token["code"], token["message"]))
        secret = bytes(q1(owner, "SELECT private_key FROM jwt_auth.keys WHERE kid = %s", kid))
        token = hs256_token(secret, {"kid": kid, "typ": "JWT"}, auth0_claims())
    q(owner, "SELECT jwt_auth.key_set_status(%s, 'retired')", kid)  # verifies, signs no more
    attack("jwt_auth's own HS256 key (key_generate) on a token with a registered iss", token)
    # the classic: HS256 with the issuer's public key as the secret
    public = private_key(a0, a0.kids["RS256"])["object"].public_key()
    public_pem = public.public_bytes(serialization.Encoding.PEM,
                                     serialization.PublicFormat.SubjectPublicKeyInfo)
    attack("HS256 keyed with the issuer's RSA public key (alg confusion)",
           hs256_token(public_pem, {"kid": a0.kids["RS256"], "typ": "JWT"}, auth0_claims()))
    # a key of the issuer's own set, but an alg the issuer does not accept
    attack("ES256 with a key of the issuer's own set, the issuer accepts RS256 only",
           sign("PyJWT", a0, a0.kids["ES256"], auth0_claims()))
    # header-borne keys: the attacker's key (tenant evil), announced by jku, x5u or jwk
    ev = T["evil"]
    evil_kid = ev.kids["RS256"]
    evil_jwk = ev.jwks()["keys"][0]
    for name, header in (("jku", {"jku": ev.jwks_uri}), ("x5u", {"x5u": BASE + "/evil/cert.pem"}),
                         ("jwk", {"jwk": evil_jwk})):
        attack("%s header naming the attacker's key (its kid)" % name,
               sign("PyJWT", ev, evil_kid, auth0_claims(), header=header),
               paths=[ev.path, "/evil/cert.pem"])
    attack("jwk header with the attacker's key, kid of the issuer's real key",
           sign("PyJWT", ev, evil_kid, auth0_claims(), header={"jwk": evil_jwk},
                header_kid=a0.kids["RS256"]))
    ok(count(ev.path) == 0 and count("/evil/cert.pem") == 0,
       "no header-borne URL was fetched (the attacker's paths saw 0 requests)")
    # roles
    attack("role outside the issuer's roles (admin_role, which authenticator may become)",
           sign("PyJWT", a0, a0.kids["RS256"], auth0_claims(role="admin_role")))
    attack("role of a superuser (postgres)",
           sign("PyJWT", a0, a0.kids["RS256"], auth0_claims(role="postgres")))
    # time
    attack("expired an hour ago",
           sign("PyJWT", a0, a0.kids["RS256"], auth0_claims(iat=NOW - 7200, exp=NOW - 3600)))
    attack("no exp", sign("PyJWT", a0, a0.kids["RS256"], auth0_claims(exp=None)))
    # audience
    attack("no aud", sign("PyJWT", a0, a0.kids["RS256"], auth0_claims(aud=None)))
    attack("aud of another API", sign("PyJWT", a0, a0.kids["RS256"],
                                      auth0_claims(aud=["https://other.example.com"])))
    # an issuer nobody registered
    st = T["stranger"]
    attack("token of an unregistered issuer", sign("PyJWT", st, st.kids["ES256"],
                                                   dict(auth0_claims(), iss=st.issuer)),
           expect_detail=r"not registered", paths=[st.path])

    # disabled in an open session: refused at once, accepted again when enabled
    token = sign("PyJWT", a0, a0.kids["RS256"], auth0_claims())
    first = authenticate(app, token)
    q(owner, "SELECT jwt_auth.issuer_alter(%s, enabled => false)", ISS["auth0"])
    r, _ = attack("issuer disabled (issuer_alter(..., enabled => false)) while the session is open",
                  token)
    q(owner, "SELECT jwt_auth.issuer_alter(%s, enabled => true)", ISS["auth0"])
    again = authenticate(app, token)
    ok(first["ok"] and again["ok"], "the same token in the same session: accepted before "
       "disabling and after enabling again", (outcome(first), outcome(again)))


@section("unknown-kid flood")
def flood():
    fl = T["flood"]
    kid = fl.kids["ES256"]
    claims = dict(auth0_claims(), iss=ISS["flood"], aud=API, role="member")
    tokens = [sign("PyJWT", fl, kid, claims, header_kid="flood-" + secrets.token_hex(8))
              for _ in range(200)]
    known = sign("PyJWT", fl, kid, claims)
    before = fl.requests()
    start = time.monotonic()
    results = [authenticate(app, t) for t in tokens]
    elapsed = time.monotonic() - start
    seen = fl.requests() - before
    allowed = math.floor(elapsed / COOLDOWN) + 1
    ok(all(refused(r) for r in results), "200 tokens with random kids: all refused (28000)",
       [outcome(r) for r in results if not refused(r)][:3])
    ok(1 <= seen <= allowed,
       "the flood made %d JWKS request(s) in %.1f s (at most one per fetch_cooldown of %g s: %d)"
       % (seen, elapsed, COOLDOWN, allowed))
    attacks_table.append(("200 tokens with random kids", "all refused (28000) in %.1f s" % elapsed,
                          "%s: %d" % (label(fl.path), seen)))
    figures.append(("unknown-kid flood", "200 tokens in %.1f s -> %d JWKS request(s), "
                    "cooldown %g s" % (elapsed, seen, COOLDOWN)))
    r = authenticate(app, known)
    ok(r["ok"], "a token of the flooded issuer with its known kid still verifies", outcome(r))
    # the cooldown ends: the next unknown kid asks again
    time.sleep(max(0.0, COOLDOWN - (time.monotonic() - start)) + 0.5)
    before = fl.requests()
    r = authenticate(app, tokens[0])
    after_cooldown = fl.requests() - before
    ok(refused(r) and after_cooldown == 1,
       "after the cooldown, one more unknown kid makes exactly one more request (%d)"
       % after_cooldown, outcome(r))
    figures.append(("after the cooldown", "1 unknown kid -> %d request(s)" % after_cooldown))


@section("rotation at the provider")
def rotation():
    ro = T["rotate"]
    old = ro.kids["ES256"]
    claims = dict(auth0_claims(), iss=ISS["rotate"], aud=API, role="member")
    r = authenticate(app, sign("jose", ro, old, claims))
    ok(r["ok"], "rotation: a token of the first key verifies", outcome(r))
    new = ro.add_key("EdDSA")
    before = ro.requests()
    r = authenticate(app, sign("jose", ro, new, claims))
    seen = ro.requests() - before
    ok(r["ok"] and seen == 1,
       "rotation: a new kid is fetched on first sight (%d request) and its token verifies" % seen,
       outcome(r))
    figures.append(("rotation, new kid on first sight", "%d JWKS request, token accepted: %s"
                    % (seen, r["ok"])))
    before = ro.requests()
    r = authenticate(app, sign("PyJWT", ro, new, claims))
    ok(r["ok"] and ro.requests() == before, "rotation: the new kid again, no request", outcome(r))
    ro.remove_key(old)
    token_old = sign("PyJWT", ro, old, claims)
    r = authenticate(app, token_old)
    ok(r["ok"], "rotation: the removed key's token still verifies until the next fetch",
       outcome(r))
    result, warnings = refresh(owner, ISS["rotate"])
    row = issuer_row(owner, ISS["rotate"])
    ok(result is True and kids_of(row["jwks"]) == [new],
       "rotation: the next fetch stores the provider's set (the new kid only)", warnings)
    r = authenticate(app, token_old)
    ok(refused(r), "rotation: the removed key's token is refused after the next fetch",
       outcome(r))
    r = authenticate(app, sign("PyJWT", ro, new, claims))
    ok(r["ok"], "rotation: the new key's token still verifies", outcome(r))


def fault(mode, name, expect_ok=False, settings=(), paths=None, check_error=None):
    """Put the faults tenant in mode, refresh, and check what is kept. Returns the row."""
    fa = T["faults"]
    good_set = issuer_row(owner, ISS["faults"])["jwks"]
    paths = paths or [fa.path]
    fa.set(mode=mode)
    before = {p: count(p) for p in paths}
    for s, v in settings:
        q(owner, "SET %s = %%s" % s, v)
    try:
        start = time.monotonic()
        result, warnings = refresh(owner, ISS["faults"])
        took = time.monotonic() - start
    finally:
        for s, _ in settings:
            q(owner, "RESET %s" % s)
        fa.set(mode="normal")
    seen = {p: count(p) - before[p] for p in paths}
    row = issuer_row(owner, ISS["faults"])
    if expect_ok:
        good = result is True and row["error"] is None
    else:
        good = (result is False and row["error"] and row["error_at"] and
                row["jwks"] == good_set and warnings and
                (check_error is None or re.search(check_error, row["error"], re.I)))
    ok(good, "fetch: %s -> %s" % (name, "stored" if expect_ok else
                                   "refused, the last good set kept, the error recorded"),
       (result, row["error"], warnings))
    error = row["error"] if not expect_ok else "fetched"
    attacks_table.append(("provider: " + name, "issuer_refresh %s; %s" % (result, error),
                          ", ".join("%s: %d" % (label(p), v) for p, v in seen.items())))
    figures.append(("fetch " + mode, "%.2f s" % took))
    return row, seen, warnings


@section("failed fetches")
def failed_fetches():
    fa = T["faults"]
    token = sign("PyJWT", fa, fa.kids["ES256"],
                 dict(auth0_claims(), iss=ISS["faults"], aud=API, role="member"))
    fault("error500", "HTTP 500")
    fault("malformed", "a body that is not JSON")
    fault("private", "a set with private members")
    fault("oct", "a set with an oct (HMAC) key")
    # 50 MB: the transfer stops at the size cap
    for mode, what in (("huge", "with its Content-Length"), ("huge_chunked", "chunked")):
        sent_before = admin(op="counts")["sent"].get(fa.path, 0)
        row, seen, _ = fault(mode, "a 50 MB body, %s" % what)
        sent, _ = wait_for(lambda: admin(op="counts")["sent"].get(fa.path, 0) - sent_before, 5)
        ok(seen[fa.path] == 1 and sent and sent < 50 * 1024 * 1024,
           "fetch: the 50 MB body (%s) was abandoned: 1 request, the provider got %.1f MB of 50 "
           "out" % (what, (sent or 0) / 1048576.0))
        figures.append(("50 MB body, " + what, "1 request, %.1f MB written before the client left"
                        % ((sent or 0) / 1048576.0)))
    # redirects: not followed by default, followed on https only when turned on
    fault("redirect_https", "a redirect to https on the same server (redirects off)",
          paths=[fa.path, "/faults/moved/jwks.json"])
    fault("redirect_https", "a redirect to https on the same server (redirects on)",
          expect_ok=True, settings=[("jwt_auth.fetch_follow_redirects", "on")],
          paths=[fa.path, "/faults/moved/jwks.json"])
    row, _, warnings = fault("redirect_file", "a redirect to file:///etc/passwd (redirects on)",
                             settings=[("jwt_auth.fetch_follow_redirects", "on")])
    ok("root:" not in json.dumps(row, default=str) and
       not any("root:" in w for w in warnings),
       "fetch: nothing of /etc/passwd in the table or the warning")
    fault("redirect_http", "a redirect to plain http (redirects on)",
          settings=[("jwt_auth.fetch_follow_redirects", "on")])
    # certificates: one the CA did not sign, one for another host
    for listener, what in (("selfsigned", "a self-signed certificate"),
                           ("wronghost", "a certificate for another host name")):
        issuer = "https://127.0.0.1:%d/faults" % READY["https"][listener]
        q(owner, """SELECT jwt_auth.issuer_add(%s, jwks_uri => %s, audience => %s,
                    roles => '{member}')""",
          issuer, "https://127.0.0.1:%d/faults%s" % (READY["https"][listener], JWKS_PATH), [API])
        result, warnings = refresh(owner, issuer)
        row = issuer_row(owner, issuer)
        ok(result is False and row["jwks"] is None and row["error"],
           "fetch: %s is refused, nothing stored" % what, (result, row["error"]))
        attacks_table.append(("provider: " + what, "issuer_refresh %s; %s" % (result, row["error"]),
                              "-"))
        q(owner, "SELECT jwt_auth.issuer_remove(%s)", issuer)
    # the host allow-list
    good, err = attempt(owner, "SET jwt_auth.fetch_allowed_hosts = 'idp.example.com'")
    if good:
        fault("normal", "a host not in jwt_auth.fetch_allowed_hosts",
              settings=[("jwt_auth.fetch_allowed_hosts", "idp.example.com")])
        q(owner, "RESET jwt_auth.fetch_allowed_hosts")
    else:
        ok(True, "# SKIP jwt_auth.fetch_allowed_hosts cannot be SET in a session: %s"
           % err["message"])
    # after all of them: the set is the first one, the token verifies, a good fetch clears
    r = authenticate(app, token)
    ok(r["ok"], "after the failed fetches the last good set still verifies", outcome(r))
    fault("normal", "the provider answering again", expect_ok=True)


@section("a hanging provider")
def hang():
    """The provider hangs: issuer_refresh in one session and the worker (asked by a token with an
    unknown kid in another) wait on it, while a token with a known kid verifies in a third."""
    fa = T["faults"]
    claims = dict(auth0_claims(), iss=ISS["faults"], aud=API, role="member")
    known = sign("PyJWT", fa, fa.kids["ES256"], claims)
    unknown = sign("PyJWT", fa, fa.kids["ES256"], claims, header_kid="hang-" + secrets.token_hex(8))
    fa.set(mode="hang", hang_seconds=HANG)
    before = fa.requests()
    limit_unknown = "%dms" % int((HANG - 1) * 1000)
    holder = {}

    def refresher():
        conn = connect()
        start = time.monotonic()
        try:
            holder["refresh"] = refresh(conn, ISS["faults"])
        except psycopg2.Error as e:
            holder["refresh"] = (None, [str(e)])
        holder["refresh_took"] = time.monotonic() - start
        conn.close()

    def asker():
        conn = connect(user="authenticator", autocommit=False)
        start = time.monotonic()
        holder["unknown"] = authenticate(conn, unknown, statement_timeout=limit_unknown)
        holder["unknown_took"] = time.monotonic() - start
        conn.close()

    threads = [threading.Thread(target=refresher), threading.Thread(target=asker)]
    for thread in threads:
        thread.start()
    # both fetches under way (the provider counts a request when it arrives)
    wait_for(lambda: fa.requests() - before >= 2, 3, step=0.05)
    limit_known = "%dms" % int(HANG * 1000 / 4)
    r = authenticate(app, known, statement_timeout=limit_known)
    ok(r["ok"], "hang: while issuer_refresh and the worker wait on the provider, a known kid "
       "verifies (statement_timeout %s, the hang %g s)" % (limit_known, HANG), outcome(r))
    for thread in threads:
        thread.join()
    fa.set(mode="normal")
    seen = fa.requests() - before
    r2 = holder["unknown"]
    ok(refused(r2), "hang: the unknown kid is refused without waiting for the hang "
       "(statement_timeout %s; it took %.1f s, fetch_wait %g s)"
       % (limit_unknown, holder["unknown_took"], FETCH_WAIT), outcome(r2))
    result, warnings = holder["refresh"]
    row = issuer_row(owner, ISS["faults"])
    ok(result is False and holder["refresh_took"] < HANG and row["error"],
       "hang: issuer_refresh gives up (false) before the provider answers (%.1f s, fetch_timeout "
       "%g s)" % (holder["refresh_took"], FETCH_TIMEOUT), (result, row["error"], warnings))
    attacks_table.append(("provider hangs %g s" % HANG,
                          "issuer_refresh %s after %.1f s; %s; unknown kid %s after %.1f s; "
                          "known kid meanwhile %s"
                          % (result, holder["refresh_took"], row["error"], outcome(r2),
                             holder["unknown_took"], outcome(r)),
                          "%s: %d (issuer_refresh, and the worker for the unknown kid)"
                          % (label(fa.path), seen)))
    figures.append(("hang", "issuer_refresh gave up after %.1f s (fetch_timeout %g s); the "
                    "unknown kid was refused after %.1f s (fetch_wait %g s)"
                    % (holder["refresh_took"], FETCH_TIMEOUT, holder["unknown_took"], FETCH_WAIT)))


@section("max-age within the bounds")
def max_age():
    bo = T["bounds"]  # an issuer of its own: the worker fetches it only an hour on
    lo, hi = MIN_INTERVAL, MAX_INTERVAL
    for sent, expect in ((5, 5), (1, lo), (10 * 86400, hi), (None, None)):
        bo.set(max_age=sent)
        result, warnings = refresh(owner, ISS["bounds"])
        row = issuer_row(owner, ISS["bounds"])
        got = float(row["next_in"]) if row["next_in"] is not None else None
        if expect is None:
            good = result and got is not None and lo - 0.5 <= got <= hi + 0.5
            desc = "max-age absent: next_fetch_at %.0f s on (within [%g, %g])" % (got or -1, lo, hi)
        else:
            good = result and got is not None and abs(got - expect) <= 1.0
            desc = "max-age=%s: next_fetch_at %.1f s after the fetch (expected %g)" % (
                sent, got or -1, expect)
        ok(good, desc, (result, warnings))
        figures.append(("max-age %s" % sent, "next_fetch_at = fetch + %.1f s" % (got or -1)))


@section("issuer_refresh without the worker")
def noworker():
    nw = T["noworker"]
    conn = connect(NOWORKER_DB)
    seen = nw.requests()
    ok(seen == 0, "a database the worker does not serve: nothing fetched its issuer by itself "
       "(%d requests since issuer_add)" % seen)
    result, warnings = refresh(conn, ISS["noworker"])
    ok(result is True and nw.requests() == 1, "issuer_refresh fetches it (1 request)", warnings)
    app2 = connect(NOWORKER_DB, user="authenticator", autocommit=False)
    claims = dict(auth0_claims(), iss=ISS["noworker"], aud=API, role="member",
                  sub=SUBS["keycloak"])
    r = authenticate(app2, sign("jwcrypto", nw, nw.kids["EdDSA"], claims))
    ok(r["ok"] and r["rows"] == ["keycloak-1", "keycloak-2"],
       "and its tokens verify there", outcome(r))
    app2.close()
    conn.close()


@section("the worker's cadence under max-age")
def cadence():
    ca = T["cache"]
    elapsed = time.monotonic() - CADENCE_START
    if elapsed < 6 * MIN_INTERVAL:
        time.sleep(6 * MIN_INTERVAL - elapsed)
        elapsed = time.monotonic() - CADENCE_START
    seen = ca.requests() - CADENCE_COUNT
    times = admin(op="arrivals", path=ca.path)["arrivals"][-seen:] if seen > 0 else []
    gaps = [b - a for a, b in zip(times, times[1:])]
    median = sorted(gaps)[len(gaps) // 2] if gaps else float("nan")
    # max-age 1 is raised to fetch_min_interval: the worker fetched it on its own about once per
    # interval since setup (the slowest gaps are where it was busy with other issuers' faults)
    ok(seen >= 3 and seen <= elapsed / MIN_INTERVAL + 3 and
       MIN_INTERVAL - 0.2 <= median <= 2 * MIN_INTERVAL,
       "the worker refetched a max-age=1 set %d times in %.0f s, every %.1f s (median; "
       "fetch_min_interval %g s)" % (seen, elapsed, median, MIN_INTERVAL),
       "gaps: " + ", ".join("%.2f" % g for g in gaps))
    figures.append(("worker refetches with max-age=1",
                    "%d requests in %.0f s, gaps %s s (min interval %g s)"
                    % (seen, elapsed, " ".join("%.1f" % g for g in gaps), MIN_INTERVAL)))


@section("discovery refused")
def discovery_refused():
    good, err = attempt(owner, "SELECT jwt_auth.issuer_discover(%s, audience => %s, roles => '{member}')",
                        T["liar"].issuer, [API])
    registered = q1(owner, "SELECT count(*) FROM jwt_auth.issuers WHERE issuer IN (%s, %s)",
                    T["liar"].issuer, BASE + "/someone-else")
    ok(not good and registered == 0,
       "issuer_discover refuses a document whose issuer is not the URL asked (nothing registered)",
       err)
    attacks_table.append(("discovery document naming another issuer",
                          "refused %s: %s" % (err["code"], err["message"]) if not good else "accepted",
                          "-"))


def main():
    print("# provider on 127.0.0.1:%d; fetch settings %s" % (PORT, json.dumps(SETTINGS)))
    setup()
    provider_tokens()
    attacks()
    flood()
    rotation()
    failed_fetches()
    hang()
    cadence()
    max_age()
    noworker()
    discovery_refused()

    print("#")
    print("# provider-shaped tokens: provider | alg | library | outcome")
    for row in tokens_table:
        print("#   " + mask(" | ".join(row)))
    print("# (jose is %s)" % (JOSE_LIBRARY[0] if JOSE_LIBRARY else "?"))
    print("# attacks: attack | outcome | provider requests")
    for row in attacks_table:
        print("#   " + mask(" | ".join(row)))
    print("# fetch figures")
    for what, value in figures:
        print("#   %s: %s" % (what, mask(value)))
    print("1..%d" % n_tests)
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
