"""A Flask app that leaves every auth decision to jwt_auth inside PostgreSQL.

The app holds no key and checks no password or token itself: it passes what the client sends to
jwt_auth's SQL functions and turns their SQLSTATEs into HTTP answers.

    POST /token     username, password (JSON or form)  -> 200 auth_login's tokens | 401 invalid_grant
    POST /refresh   refresh_token                      -> 200 a new pair          | 401 invalid_grant
    POST /logout    Bearer token; scope (optional)     -> 204                     | 401 invalid_token
    GET  /protected Bearer token                       -> 200 uid and the user's notes | 401
    POST /notes     Bearer token; body                 -> 201 the new note        | 401

Every request is one transaction, committed or rolled back before its connection goes back to
the pool, so the role and claims authenticate() set never reach the next request. The
connection comes from DATABASE_URL, or from libpq's PG* variables when it is not set; the
database is set up by schema.sql beside this file, and the app connects as app_authenticator.
"""

import contextlib
import os

import psycopg2
import psycopg2.pool
from flask import Flask, jsonify, request

INVALID_PASSWORD = "28P01"  # auth_login: invalid username or password
INVALID_AUTHORIZATION = "28000"  # bad, expired or revoked token; bad refresh token
INVALID_PARAMETER = "22023"  # e.g. an unknown logout scope

app = Flask(__name__)
_pool = None


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


def param(name):
    """A request parameter from a JSON body or a form."""
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        value = body.get(name)
        return value if isinstance(value, str) else None
    return request.form.get(name)


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


def tokens(result):
    """auth_login's or auth_refresh's jsonb as an RFC 6749 token response."""
    response = jsonify(result)
    response.headers["Cache-Control"] = "no-store"
    return response


@app.post("/token")
def token():
    username, password = param("username"), param("password")
    if username is None or password is None:
        return error(400, "invalid_request")
    try:
        with transaction() as cur:
            cur.execute("SELECT jwt_auth.auth_login(%s, %s)", (username, password))
            return tokens(cur.fetchone()[0])
    except psycopg2.Error as e:
        if e.pgcode == INVALID_PASSWORD:
            return error(401, "invalid_grant")
        raise


@app.post("/refresh")
def refresh():
    refresh_token = param("refresh_token")
    if refresh_token is None:
        return error(400, "invalid_request")
    try:
        with transaction() as cur:
            cur.execute("SELECT jwt_auth.auth_refresh(%s)", (refresh_token,))
            return tokens(cur.fetchone()[0])
    except psycopg2.Error as e:
        if e.pgcode == INVALID_AUTHORIZATION:
            return error(401, "invalid_grant")
        raise


@app.post("/logout")
def logout():
    access_token = bearer_token()
    if access_token is None:
        return unauthorized(None)
    try:
        with transaction() as cur:
            cur.execute("SELECT jwt_auth.authenticate(%s)", (access_token,))
            cur.execute("SELECT jwt_auth.auth_logout(NULL, %s)", (param("scope") or "local",))
        return "", 204
    except psycopg2.Error as e:
        if e.pgcode == INVALID_AUTHORIZATION:
            return unauthorized()
        if e.pgcode == INVALID_PARAMETER:
            return error(400, "invalid_request")
        raise


@app.get("/protected")
def protected():
    access_token = bearer_token()
    if access_token is None:
        return unauthorized(None)
    try:
        with transaction() as cur:
            cur.execute("SELECT jwt_auth.authenticate(%s)", (access_token,))
            cur.execute("SELECT jwt_auth.uid()")
            uid = cur.fetchone()[0]
            cur.execute("SELECT id, body FROM notes ORDER BY id")  # row-level security filters
            notes = [{"id": i, "body": b} for i, b in cur.fetchall()]
        return jsonify(uid=uid, notes=notes)
    except psycopg2.Error as e:
        if e.pgcode == INVALID_AUTHORIZATION:
            return unauthorized()
        raise


@app.post("/notes")
def add_note():
    access_token = bearer_token()
    if access_token is None:
        return unauthorized(None)
    body = param("body")
    if not body:
        return error(400, "invalid_request")
    try:
        with transaction() as cur:
            cur.execute("SELECT jwt_auth.authenticate(%s)", (access_token,))
            cur.execute("INSERT INTO notes (body) VALUES (%s) RETURNING id, owner", (body,))
            note_id, owner = cur.fetchone()
        return jsonify(id=note_id, owner=owner, body=body), 201
    except psycopg2.Error as e:
        if e.pgcode == INVALID_AUTHORIZATION:
            return unauthorized()
        raise
