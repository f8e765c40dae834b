#!/usr/bin/python3
"""The HTTP side of the Flask suite: drives examples/flask/app.py under gunicorn and prints TAP.

Usage: /usr/bin/python3 http_test.py    (run by test/flask/run, which sets up everything)
Reads from the environment:
    BASE_URL                  the app, e.g. http://127.0.0.1:8000
    USER_A, USER_B            two users' names; PASSWORD_A, PASSWORD_B their passwords
    UID_A, UID_B              their ids (the sub of their tokens)
    EXPIRED_TOKEN             a token for user A, signed with the stored key, expired an hour ago
    UNEXPIRED_TOKEN           the same but expiring in an hour (the control)
Cookie mode is tested with the default cookie names (jwt_auth.cookie_*_name) and the refresh
cookie's path schema.sql sets (/refresh).
Standard library only (urllib). Failures print the status, the error code and the header
checked, never a token or a password. Exits 1 if any test failed.
"""

import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

env = os.environ
BASE = env["BASE_URL"]
results = []


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers = status, headers
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def error(self):
        return self.json.get("error") if isinstance(self.json, dict) else None

    def cookies(self):
        """The Set-Cookie headers as {name: (value, {attribute (lower case): value or True})}."""
        jar = {}
        for line in self.headers.get_all("Set-Cookie") or []:
            first, *attributes = [part.strip() for part in line.split(";")]
            name, _, value = first.partition("=")
            attrs = {}
            for a in attributes:
                key, eq, v = a.partition("=")
                attrs[key.lower()] = v if eq else True
            jar[name] = (value, attrs)
        return jar

    def __str__(self):  # for failures: nothing secret
        return f"status {self.status}, error {self.error()!r}"


def call(method, path, token=None, json_body=None, form=None, cookies=None, csrf=None):
    headers, data = {}, None
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    if json_body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(json_body).encode()
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()  # sent as a form
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(BASE + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


def check(name, passed, why=""):
    results.append(passed)
    print(f"{'ok' if passed else 'not ok'} {len(results)} - {name}")
    if not passed and why:
        print(f"#   {why}")
    sys.stdout.flush()


def unauthorized(r, error="invalid_token"):
    """A 401 with the RFC 6750 challenge (with this error code, or none)."""
    challenge = r.headers.get("WWW-Authenticate", "")
    want = f'Bearer error="{error}"' if error else "Bearer"
    return r.status == 401 and challenge == want


def login(name, password, as_form=False):
    creds = {"username": name, "password": password}
    return call("POST", "/token", **({"form": creds} if as_form else {"json_body": creds}))


def is_token_response(r):
    j = r.json if isinstance(r.json, dict) else {}
    return (r.status == 200 and j.get("token_type") == "bearer"
            and isinstance(j.get("expires_in"), int) and j["expires_in"] > 0
            and isinstance(j.get("access_token"), str) and j["access_token"].count(".") == 2
            and isinstance(j.get("refresh_token"), str) and len(j["refresh_token"]) > 0)


def sees_only(r, uid, body):
    """/protected answered for this user with exactly this one note."""
    j = r.json if isinstance(r.json, dict) else {}
    return r.status == 200 and j.get("uid") == uid and [n["body"] for n in j.get("notes", [])] == [body]


def notes_seen(r):
    """What /protected answered, for a failure note (which user, how many notes; nothing secret)."""
    j = r.json if isinstance(r.json, dict) else {}
    who = {env["UID_A"]: "user A", env["UID_B"]: "user B"}.get(j.get("uid"), "no known user")
    return f"{r}, uid of {who}, {len(j.get('notes', []))} notes"


def with_payload_of(token, other):
    """token's header and signature around other's payload: a forged identity."""
    head, _, sig = token.split(".")
    return ".".join([head, other.split(".")[1], sig])


def b64url_json(segment):
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


# Login
a = login(env["USER_A"], env["PASSWORD_A"])
check("a_good_login_gets_a_bearer_token_pair", is_token_response(a), str(a))
b = login(env["USER_B"], env["PASSWORD_B"], as_form=True)
check("a_good_login_sent_as_a_form_gets_a_bearer_token_pair", is_token_response(b), str(b))
a, b = a.json or {}, b.json or {}
r = login(env["USER_A"], env["PASSWORD_A"] + "x")
check("a_wrong_password_is_401_invalid_grant", r.status == 401 and r.error() == "invalid_grant", str(r))
r = login("nobody-" + env["USER_A"], env["PASSWORD_A"])
check("an_unknown_user_is_401_invalid_grant", r.status == 401 and r.error() == "invalid_grant", str(r))
r = call("POST", "/token", json_body={"username": env["USER_A"]})
check("a_login_without_password_is_400", r.status == 400, str(r))
access_a, access_b = a.get("access_token", ""), b.get("access_token", "")
check("the_access_token_names_the_user_and_app_user",
      access_a.count(".") == 2 and b64url_json(access_a.split(".")[1]).get("sub") == env["UID_A"]
      and b64url_json(access_a.split(".")[1]).get("role") == "app_user")

# Tokens that are refused
r = call("GET", "/protected")
check("no_token_is_401_with_a_bearer_challenge", unauthorized(r, None),
      f"{r}, challenge {r.headers.get('WWW-Authenticate')!r}")
r = call("GET", "/protected", token="not-a-token")
check("a_garbage_token_is_401_invalid_token", unauthorized(r), f"{r}, challenge {r.headers.get('WWW-Authenticate')!r}")
r = call("GET", "/protected", token=with_payload_of(access_a, access_b))
check("a_token_with_another_users_payload_is_401", unauthorized(r), str(r))
r = call("GET", "/protected", token=access_a[:-4] + ("AAAA" if access_a[-4:] != "AAAA" else "BBBB"))
check("a_token_with_a_changed_signature_is_401", unauthorized(r), str(r))
r = call("GET", "/protected", token=env["EXPIRED_TOKEN"])
check("an_expired_token_is_401", unauthorized(r), str(r))
r = call("GET", "/protected", token=env["UNEXPIRED_TOKEN"])
check("the_same_token_not_yet_expired_works",
      r.status == 200 and (r.json or {}).get("uid") == env["UID_A"], notes_seen(r))

# Row-level security: each user sees and writes only their own notes
r = call("POST", "/notes", token=access_a, json_body={"body": "note of user A"})
check("user_a_adds_a_note_owned_by_a", r.status == 201 and (r.json or {}).get("owner") == env["UID_A"], str(r))
r = call("POST", "/notes", token=access_b, json_body={"body": "note of user B"})
check("user_b_adds_a_note_owned_by_b", r.status == 201 and (r.json or {}).get("owner") == env["UID_B"], str(r))
r = call("POST", "/notes", token="not-a-token", json_body={"body": "nobody's note"})
check("adding_a_note_without_a_valid_token_is_401", unauthorized(r), str(r))
r = call("GET", "/protected", token=access_a)
check("user_a_sees_only_a_notes", sees_only(r, env["UID_A"], "note of user A"), notes_seen(r))
r = call("GET", "/protected", token=access_b)
check("user_b_sees_only_b_notes", sees_only(r, env["UID_B"], "note of user B"), notes_seen(r))

# Refresh rotation and reuse detection (refresh_reuse_interval is 0 in this database)
r = call("POST", "/refresh", json_body={"refresh_token": a.get("refresh_token", "")})
fresh = r.json if is_token_response(r) else {}
check("a_refresh_gets_a_new_pair", bool(fresh) and fresh["access_token"] != access_a
      and fresh["refresh_token"] != a.get("refresh_token"), str(r))
r = call("GET", "/protected", token=fresh.get("access_token", "x"))
check("the_refreshed_access_token_works", sees_only(r, env["UID_A"], "note of user A"), notes_seen(r))
r = call("POST", "/refresh", json_body={"refresh_token": a.get("refresh_token", "")})
check("the_used_refresh_token_again_is_401", r.status == 401 and r.error() == "invalid_grant", str(r))
r = call("POST", "/refresh", json_body={"refresh_token": fresh.get("refresh_token", "x")})
check("after_reuse_the_new_refresh_token_is_401_too", r.status == 401, str(r))
r = call("GET", "/protected", token=fresh.get("access_token", "x"))
check("after_reuse_the_new_access_token_is_401", unauthorized(r), str(r))
r = call("GET", "/protected", token=access_a)
check("after_reuse_the_first_access_token_is_401", unauthorized(r), str(r))
r = call("POST", "/refresh", json_body={"refresh_token": "not-a-refresh-token"})
check("an_unknown_refresh_token_is_401", r.status == 401 and r.error() == "invalid_grant", str(r))

# Logout
r = login(env["USER_A"], env["PASSWORD_A"])
check("user_a_logs_in_again", is_token_response(r), str(r))
again = r.json if is_token_response(r) else {}
r = call("GET", "/protected", token=again.get("access_token", "x"))
check("the_new_session_works", sees_only(r, env["UID_A"], "note of user A"), notes_seen(r))
r = call("POST", "/logout")
check("logout_without_a_token_is_401", unauthorized(r, None), str(r))
r = call("POST", "/logout", token=again.get("access_token", "x"), json_body={"scope": "everywhere"})
check("logout_with_an_unknown_scope_is_400", r.status == 400, str(r))
r = call("POST", "/logout", token=again.get("access_token", "x"))
check("logout_is_204", r.status == 204, str(r))
r = call("GET", "/protected", token=again.get("access_token", "x"))
check("after_logout_the_access_token_is_401", unauthorized(r), str(r))
r = call("POST", "/refresh", json_body={"refresh_token": again.get("refresh_token", "x")})
check("after_logout_the_refresh_token_is_401", r.status == 401 and r.error() == "invalid_grant", str(r))
r = call("GET", "/protected", token=access_b)
check("user_b_is_still_logged_in", sees_only(r, env["UID_B"], "note of user B"), notes_seen(r))

# Cookie mode (a browser): the tokens as cookies, and X-CSRF-Token for anything but GET
ACCESS, REFRESH, CSRF = "__Host-jwt_auth_access", "__Secure-jwt_auth_refresh", "__Host-jwt_auth_csrf"


def cookie_value(r, name):
    return r.cookies().get(name, ("", {}))[0]


def sets_session_cookies(r, expires_in):
    """The three cookies of a cookie login or refresh, with their attributes."""
    jar = r.cookies()
    access, refresh, csrf = jar.get(ACCESS, ("", {})), jar.get(REFRESH, ("", {})), jar.get(CSRF, ("", {}))
    lax = {"secure": True, "samesite": "Lax"}
    return (len(jar) == 3
            and access[0].count(".") == 2
            and access[1] == {"path": "/", "max-age": str(expires_in), "httponly": True, **lax}
            and len(refresh[0]) > 0 and refresh[1].get("path") == "/refresh"
            and refresh[1].get("httponly") is True and int(refresh[1].get("max-age", "0")) > 0
            and all(refresh[1].get(k) == v for k, v in lax.items())
            and len(csrf[0]) > 0 and "httponly" not in csrf[1] and csrf[1].get("path") == "/"
            and int(csrf[1].get("max-age", "0")) > 0 and all(csrf[1].get(k) == v for k, v in lax.items()))


def cookie_attributes(r):
    """What a failure shows: each cookie's attributes, never its value."""
    return f"{r}; " + "; ".join(f"{n}: {sorted(a.items())}" for n, (_, a) in r.cookies().items())


def holds_no_token(r):
    j = r.json if isinstance(r.json, dict) else {}
    return (r.status == 200 and j.get("token_type") == "cookie" and isinstance(j.get("expires_in"), int)
            and not {"access_token", "refresh_token"} & set(j)
            and isinstance(j.get("csrf_token"), str) and len(j["csrf_token"]) > 0)


def notes_of(r):
    j = r.json if isinstance(r.json, dict) else {}
    return sorted(n["body"] for n in j.get("notes", [])) if r.status == 200 else None


r = call("GET", "/")
check("the_page_is_served_with_its_login_form", r.status == 200
      and r.headers.get_content_type() == "text/html", str(r))

creds = {"username": env["USER_A"], "password": env["PASSWORD_A"]}
c = call("POST", "/token", json_body={**creds, "cookie": True})
check("a_cookie_login_answers_a_body_without_tokens", holds_no_token(c), str(c))
check("it_sets_the_access_refresh_and_csrf_cookies_with_their_attributes",
      sets_session_cookies(c, (c.json or {}).get("expires_in")), cookie_attributes(c))
jar = {ACCESS: cookie_value(c, ACCESS), CSRF: cookie_value(c, CSRF)}  # what a browser sends to /
refresh_jar = {**jar, REFRESH: cookie_value(c, REFRESH)}  # and to /refresh
csrf = jar[CSRF]
claims = b64url_json(jar[ACCESS].split(".")[1]) if jar[ACCESS].count(".") == 2 else {}
check("the_access_cookie_is_user_as_token_and_its_csrf_claim_is_the_csrf_cookie",
      claims.get("sub") == env["UID_A"] and claims.get("csrf") == csrf == (c.json or {}).get("csrf_token"))
f = call("POST", "/token", form={**creds, "cookie": "1"})
check("a_form_login_with_cookie_1_sets_the_cookies_too",
      holds_no_token(f) and sets_session_cookies(f, (f.json or {}).get("expires_in")), cookie_attributes(f))
other_csrf = cookie_value(f, CSRF)
check("each_session_has_its_own_csrf_token", bool(other_csrf) and other_csrf != csrf)

r = call("GET", "/protected", cookies=jar)
check("a_get_with_the_access_cookie_and_no_csrf_header_works",
      r.status == 200 and (r.json or {}).get("uid") == env["UID_A"], notes_seen(r))
before = notes_of(r)
r = call("GET", "/protected", cookies={ACCESS: "not-a-token", CSRF: csrf})
check("a_garbage_access_cookie_is_401_invalid_token", unauthorized(r), str(r))
r = call("POST", "/notes", cookies=jar, json_body={"body": "no csrf header"})
check("a_post_with_the_cookie_but_no_csrf_header_is_403",
      r.status == 403 and r.error() == "invalid_csrf_token", str(r))
r = call("POST", "/notes", cookies=jar, form={"body": "a wrong csrf header"}, csrf=csrf[:-2] + "xx")
check("a_post_with_a_wrong_csrf_header_is_403", r.status == 403 and r.error() == "invalid_csrf_token", str(r))
r = call("POST", "/notes", cookies=jar, json_body={"body": "another session's csrf"}, csrf=other_csrf)
check("a_post_with_the_csrf_token_of_another_session_is_403", r.status == 403, str(r))
r = call("GET", "/protected", cookies=jar)
check("the_refused_posts_added_nothing", notes_of(r) == before, notes_seen(r))
r = call("POST", "/notes", cookies=jar, json_body={"body": "note by cookie"}, csrf=csrf)
check("a_post_with_the_cookie_and_its_csrf_header_is_201_as_the_user",
      r.status == 201 and (r.json or {}).get("owner") == env["UID_A"], str(r))
r = call("POST", "/notes", token=access_b, cookies=jar, json_body={"body": "note of B by bearer"})
check("a_bearer_request_needs_no_csrf_header_and_wins_over_the_cookie",
      r.status == 201 and (r.json or {}).get("owner") == env["UID_B"], str(r))

r = call("POST", "/refresh", cookies=refresh_jar)
check("a_cookie_refresh_without_csrf_header_is_403", r.status == 403 and not r.cookies(), str(r))
r = call("POST", "/refresh", cookies=refresh_jar, csrf=other_csrf)
check("a_cookie_refresh_with_another_sessions_csrf_is_403_and_sets_nothing",
      r.status == 403 and not r.cookies(), str(r))
r = call("POST", "/refresh", cookies=refresh_jar, csrf=csrf)
check("a_cookie_refresh_rotates_the_cookies_the_refused_ones_used_nothing",
      holds_no_token(r) and sets_session_cookies(r, (r.json or {}).get("expires_in"))
      and cookie_value(r, ACCESS) not in ("", jar[ACCESS])
      and cookie_value(r, REFRESH) not in ("", refresh_jar[REFRESH])
      and cookie_value(r, CSRF) == csrf, cookie_attributes(r))
jar2 = {ACCESS: cookie_value(r, ACCESS), CSRF: cookie_value(r, CSRF)}
refresh_jar2 = {**jar2, REFRESH: cookie_value(r, REFRESH)}
r = call("GET", "/protected", cookies=jar2)
check("the_rotated_access_cookie_works", r.status == 200 and "note by cookie" in (notes_of(r) or []),
      notes_seen(r))

r = call("POST", "/logout", cookies=jar2)
check("a_cookie_logout_without_csrf_header_is_403", r.status == 403 and not r.cookies(), str(r))
r = call("GET", "/protected", cookies=jar2)
check("and_the_session_still_works", r.status == 200, str(r))
r = call("POST", "/logout", cookies=jar2, csrf=csrf)
cleared = r.cookies()
check("a_cookie_logout_is_204_and_clears_the_three_cookies",
      r.status == 204 and set(cleared) == {ACCESS, REFRESH, CSRF}
      and all(v == "" and a.get("max-age") == "0" for v, a in cleared.values())
      and cleared[REFRESH][1].get("path") == "/refresh", cookie_attributes(r))
r = call("GET", "/protected", cookies=jar2)
check("after_logout_the_old_access_cookie_is_401", unauthorized(r), str(r))
r = call("GET", "/protected", cookies=jar)
check("after_logout_the_first_access_cookie_is_401_too", unauthorized(r), str(r))
r = call("POST", "/refresh", cookies=refresh_jar2, csrf=csrf)
check("after_logout_the_refresh_cookie_is_401", r.status == 401 and r.error() == "invalid_grant", str(r))
r = call("GET", "/protected", cookies={ACCESS: cookie_value(f, ACCESS)})
check("the_other_cookie_session_is_still_logged_in", r.status == 200, str(r))

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
