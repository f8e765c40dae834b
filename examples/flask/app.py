"""A Flask app that leaves every auth decision to jwt_auth inside PostgreSQL.

The app holds no key and checks no password or token itself: it passes what the client sends to
jwt_auth's SQL functions and turns their SQLSTATEs into HTTP answers.

    GET  /          a page for browsers: login form, a private fetch, refresh, logout (cookie mode)
    POST /token     username, password (JSON or form)  -> 200 auth_login's tokens | 401 invalid_grant
                    and "cookie": true (or the form field cookie=1): the tokens as cookies instead
    POST /refresh   refresh_token, or the refresh cookie and X-CSRF-Token -> 200 a new pair | 401
    POST /logout    the access token; scope (optional) -> 204 (cookies cleared)      | 401 invalid_token
    GET  /protected the access token                   -> 200 uid and the user's notes | 401
    POST /notes     the access token; body             -> 201 the new note        | 401

The access token comes as "Authorization: Bearer ..." (an API client) or, when that header is
absent, as the access cookie (a browser, cookie mode). A cookie-authenticated request other than
GET, HEAD or OPTIONS must carry the X-CSRF-Token header, equal to the csrf claim of its access
token (the page reads it from the CSRF cookie, which another site cannot), or it is refused: 403.

Every request is one transaction, committed or rolled back before its connection goes back to
the pool, so the role and claims authenticate() set never reach the next request. The
connection comes from DATABASE_URL, or from libpq's PG* variables when it is not set; the
database is set up by schema.sql beside this file, and the app connects as app_authenticator.
"""

import contextlib
import hmac
import json
import os

import psycopg2
import psycopg2.pool
from flask import Flask, jsonify, request, send_file

INVALID_PASSWORD = "28P01"  # auth_login: invalid username or password
INVALID_AUTHORIZATION = "28000"  # bad, expired or revoked token; bad refresh token
INVALID_PARAMETER = "22023"  # e.g. an unknown logout scope
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")  # change nothing: no CSRF token needed
HERE = os.path.dirname(os.path.abspath(__file__))

app = Flask(__name__)
_pool = None
_cookie_names = None


class Refused(Exception):
    """A request refused before its work: the transaction rolls back, the response says why."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def pool():
    """This process's connection pool, made on first use (so after gunicorn forks)."""
    global _pool
    if _pool is None:
        size = int(os.environ.get("DB_POOL_SIZE", "4"))
        _pool = psycopg2.pool.ThreadedConnectionPool(1, size, os.environ.get("DATABASE_URL", ""))
    return _pool


@contextlib.contextmanager
def transaction():
    """A cursor in a transaction of its own: committed if the block ends, else rolled back."""
    conn = pool().getconn()
    try:
        with conn:  # psycopg2: commit on success, rollback on an exception
            with conn.cursor() as cur:
                yield cur
    finally:
        pool().putconn(conn, close=bool(conn.closed))


def cookie_names():
    """The names of the access and refresh cookies: jwt_auth's cookie settings, read once per
    process (restart the app after changing them)."""
    global _cookie_names
    if _cookie_names is None:
        with transaction() as cur:
            cur.execute("SELECT jwt_auth.claims()")  # loads jwt_auth, which defines the settings
            cur.execute("SELECT current_setting('jwt_auth.cookie_access_name'),"
                        " current_setting('jwt_auth.cookie_refresh_name')")
            access, refresh_ = cur.fetchone()
        _cookie_names = {"access": access, "refresh": refresh_}
    return _cookie_names


def param(name):
    """A request parameter from a JSON body or a form."""
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        value = body.get(name)
        return value if isinstance(value, str) else None
    return request.form.get(name)


def wants_cookies():
    """A login asking for cookie mode: {"cookie": true}, or the form field cookie=1 (or true, on)."""
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        return body.get("cookie") is True
    return request.form.get("cookie", "").lower() in ("1", "true", "on")


def bearer_token():
    """The token of an "Authorization: Bearer ..." header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def error(status, code, **headers):
    response = jsonify(error=code)
    response.status_code = status
    response.headers.update(headers)
    return response


def unauthorized(code="invalid_token"):
    # RFC 6750 section 3.1: no error code when the request carried no token at all
    challenge = f'Bearer error="{code}"' if code else "Bearer"
    return error(401, code or "unauthorized", **{"WWW-Authenticate": challenge})


def csrf_header_matches(expected):
    """The X-CSRF-Token header equals expected (the session's CSRF token), compared in constant time."""
    sent = request.headers.get("X-CSRF-Token", "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def authenticate(cur):
    """Verifies the request's access token in this transaction with jwt_auth.authenticate(), which
    switches to the token's role and makes its claims the request's. The token is the Bearer
    token, else the access cookie; a cookie needs X-CSRF-Token for methods other than GET, HEAD and
    OPTIONS. Returns True when the token came by cookie; raises Refused (401, 403) or psycopg2's
    28000 (a refused token)."""
    token, by_cookie = bearer_token(), False
    if token is None:
        token = request.cookies.get(cookie_names()["access"]) or None
        by_cookie = token is not None
    if token is None:
        raise Refused(unauthorized(None))
    cur.execute("SELECT jwt_auth.authenticate(%s) ->> 'csrf'", (token,))
    if by_cookie and request.method not in SAFE_METHODS and not csrf_header_matches(cur.fetchone()[0]):
        raise Refused(error(403, "invalid_csrf_token"))
    return by_cookie


def tokens(result):
    """auth_login's or auth_refresh's jsonb as an RFC 6749 token response."""
    response = jsonify(result)
    response.headers["Cache-Control"] = "no-store"
    return response


def as_cookies(cur, result):
    """auth_login's or auth_refresh's tokens as cookies (jwt_auth.cookie_headers(): the access
    and refresh cookies HttpOnly, the CSRF cookie readable by the page); the body holds no token,
    only the lifetime and the CSRF token the page sends back as X-CSRF-Token."""
    cur.execute("SELECT jwt_auth.cookie_headers(%s), (jwt_auth.jwt_decode(%s)).payload ->> 'csrf'",
                (json.dumps(result), result["access_token"]))
    headers, csrf = cur.fetchone()
    response = tokens({"token_type": "cookie", "expires_in": result["expires_in"], "csrf_token": csrf})
    for header in json.loads(headers):
        response.headers.add("Set-Cookie", header["Set-Cookie"])
    return response, csrf


@app.get("/")
def page():
    return send_file(os.path.join(HERE, "page.html"), mimetype="text/html", max_age=0)


@app.post("/token")
def token():
    username, password = param("username"), param("password")
    if username is None or password is None:
        return error(400, "invalid_request")
    try:
        with transaction() as cur:
            cur.execute("SELECT jwt_auth.auth_login(%s, %s)", (username, password))
            result = cur.fetchone()[0]
            return as_cookies(cur, result)[0] if wants_cookies() else tokens(result)
    except psycopg2.Error as e:
        if e.pgcode == INVALID_PASSWORD:
            return error(401, "invalid_grant")
        raise


@app.post("/refresh")
def refresh():
    refresh_token = param("refresh_token")
    by_cookie = refresh_token is None
    if by_cookie:
        refresh_token = request.cookies.get(cookie_names()["refresh"]) or None
    if refresh_token is None:
        return error(400, "invalid_request")
    if by_cookie and not request.headers.get("X-CSRF-Token"):
        return error(403, "invalid_csrf_token")
    try:
        with transaction() as cur:
            cur.execute("SELECT jwt_auth.auth_refresh(%s)", (refresh_token,))
            result = cur.fetchone()[0]
            if not by_cookie:
                return tokens(result)
            response, csrf = as_cookies(cur, result)
            if not csrf_header_matches(csrf):  # rolled back: the refresh token stays unused
                raise Refused(error(403, "invalid_csrf_token"))
            return response
    except Refused as e:
        return e.response
    except psycopg2.Error as e:
        if e.pgcode == INVALID_AUTHORIZATION:
            return error(401, "invalid_grant")
        raise


@app.post("/logout")
def logout():
    try:
        with transaction() as cur:
            by_cookie = authenticate(cur)
            cur.execute("SELECT jwt_auth.auth_logout(NULL, %s)", (param("scope") or "local",))
            cur.execute("SELECT jwt_auth.cookie_clear_headers()")
            cleared = json.loads(cur.fetchone()[0])
        response = app.make_response(("", 204))
        if by_cookie:
            for header in cleared:
                response.headers.add("Set-Cookie", header["Set-Cookie"])
        return response
    except Refused as e:
        return e.response
    except psycopg2.Error as e:
        if e.pgcode == INVALID_AUTHORIZATION:
            return unauthorized()
        if e.pgcode == INVALID_PARAMETER:
            return error(400, "invalid_request")
        raise


@app.get("/protected")
def protected():
    try:
        with transaction() as cur:
            authenticate(cur)
            cur.execute("SELECT jwt_auth.uid()")
            uid = cur.fetchone()[0]
            cur.execute("SELECT id, body FROM notes ORDER BY id")  # row-level security filters
            notes = [{"id": i, "body": b} for i, b in cur.fetchall()]
        return jsonify(uid=uid, notes=notes)
    except Refused as e:
        return e.response
    except psycopg2.Error as e:
        if e.pgcode == INVALID_AUTHORIZATION:
            return unauthorized()
        raise


@app.post("/notes")
def add_note():
    body = param("body")
    try:
        with transaction() as cur:
            authenticate(cur)
            if not body:
                raise Refused(error(400, "invalid_request"))
            cur.execute("INSERT INTO notes (body) VALUES (%s) RETURNING id, owner", (body,))
            note_id, owner = cur.fetchone()
        return jsonify(id=note_id, owner=owner, body=body), 201
    except Refused as e:
        return e.response
    except psycopg2.Error as e:
        if e.pgcode == INVALID_AUTHORIZATION:
            return unauthorized()
        raise
