-- The database side of a PostgREST API whose users log in with jwt_auth (see README.md here):
-- the roles PostgREST switches between, schema api with login, refresh and logout, and a todo
-- list where row-level security keeps each user to their own rows.
--
-- Run as a superuser in the API's database, after CREATE EXTENSION jwt_auth CASCADE:
--   psql -d app -v ON_ERROR_STOP=1 -f examples/postgrest/api.sql
--
-- authenticator is the role PostgREST connects as (db-uri). It is NOINHERIT: it holds none of
-- anon's or authenticated's privileges until PostgREST switches to one for a request (SET LOCAL
-- ROLE to the token's role claim, or db-anon-role without a token). The tokens name
-- authenticated: ALTER DATABASE app SET jwt_auth.default_role = 'authenticated' (README), or
-- user_create(..., role => 'authenticated'). Roles belong to the whole cluster, so they are
-- created only when missing; give authenticator a password where connections need one.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticator') THEN
        CREATE ROLE authenticator LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOSUPERUSER;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN;
    END IF;
END
$$;
GRANT anon, authenticated TO authenticator;
-- PostgREST's db-pre-config: the JWK set it verifies tokens with, HMAC secrets included, for the
-- authenticator alone
GRANT EXECUTE ON FUNCTION jwt_auth.postgrest_config() TO authenticator;

CREATE SCHEMA api;
GRANT USAGE ON SCHEMA api TO anon, authenticated;

-- POST /rpc/login {"username": …, "password": …}: the tokens, or 403 (28P01) for any failure.
-- With "cookie": true (a browser): the tokens as HttpOnly cookies, and in the body only what a
-- page may read: {"token_type": "cookie", "expires_in": …, "csrf_token": …}.
CREATE FUNCTION api.login(username text, password text, cookie boolean DEFAULT false) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t jsonb := jwt_auth.auth_login(username, password);
BEGIN
    IF NOT cookie THEN
        RETURN t;
    END IF;
    PERFORM set_config('response.headers', jwt_auth.cookie_headers(t), true);
    RETURN jsonb_build_object('token_type', 'cookie', 'expires_in', t -> 'expires_in',
                              'csrf_token', (jwt_auth.jwt_decode(t ->> 'access_token')).payload -> 'csrf');
END
$$;
-- POST /rpc/refresh {"refresh_token": …}: a new pair, the old refresh token used up; or 403 (28000).
-- Without refresh_token (a browser, {}): the refresh cookie, answered as login answers a cookie.
CREATE FUNCTION api.refresh(refresh_token text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t jsonb := jwt_auth.auth_refresh(coalesce(refresh_token, jwt_auth.cookie_refresh_token()));
BEGIN
    IF refresh_token IS NOT NULL THEN
        RETURN t;
    END IF;
    PERFORM set_config('response.headers', jwt_auth.cookie_headers(t), true);
    RETURN jsonb_build_object('token_type', 'cookie', 'expires_in', t -> 'expires_in',
                              'csrf_token', (jwt_auth.jwt_decode(t ->> 'access_token')).payload -> 'csrf');
END
$$;
-- POST /rpc/logout {"scope": "local" | "others" | "global"}, with the access token (Bearer, or the
-- cookie and X-CSRF-Token): the session is the one of the token pre_request() verified; the
-- cookies, if any, are cleared.
CREATE FUNCTION api.logout(scope text DEFAULT 'local') RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jwt_auth.auth_logout(NULL, scope);
    PERFORM set_config('response.headers', jwt_auth.cookie_clear_headers(), true);
END
$$;

COMMENT ON FUNCTION api.login(text, text, boolean) IS
    'log in: access_token, token_type, expires_in, refresh_token (or, cookie: true, the tokens as cookies)';
COMMENT ON FUNCTION api.refresh(text) IS
    'trade a refresh token (given, or the refresh cookie) for a new access and refresh token';
COMMENT ON FUNCTION api.logout(text) IS 'end this session (local), the others, or all of them (global)';

REVOKE ALL ON FUNCTION api.login(text, text, boolean), api.refresh(text), api.logout(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.login(text, text, boolean), api.refresh(text) TO anon;
GRANT EXECUTE ON FUNCTION api.logout(text) TO authenticated;

-- The password lifecycle. POST /rpc/signup {"username": …, "password": …} (anon): a new user of
-- jwt_auth.default_role (the database must have jwt_auth.signup_enabled = on; 42501, HTTP 401,
-- otherwise). The client passes no claims: claims a caller chose would reach the tokens, and so
-- the policies that read them. Its answer is the new user's id, or null for every sign-up when
-- jwt_auth.require_verified_email is on (a taken username answers the same).
CREATE FUNCTION api.signup(username text, password text) RETURNS uuid
LANGUAGE sql AS $$ SELECT jwt_auth.auth_signup(username, password) $$;
-- POST /rpc/change_password {"old_password": …, "new_password": …} with the access token: the
-- user of the token pre_request() verified; a wrong old password is 28P01 (HTTP 403). The
-- user's other sessions end; this one stays.
CREATE FUNCTION api.change_password(old_password text, new_password text) RETURNS void
LANGUAGE sql AS $$ SELECT jwt_auth.auth_change_password(old_password, new_password) $$;
-- POST /rpc/reset {"token": …, "new_password": …} (anon): the token the user got by mail; every
-- session of the user ends. A bad, used or expired token is 28000 (HTTP 403).
-- There is no /rpc/reset_request: jwt_auth.auth_reset_request(username) returns the token, and
-- over the API it would hand it to whoever asked, who could then reset anyone's password. The
-- application server that sends the mail calls it with a role the owner granted it to:
--   GRANT EXECUTE ON FUNCTION jwt_auth.auth_reset_request(text) TO mailer;
-- and mails the token to the address on file (a username of no user gets a token that resets
-- nothing, so the server's answer says nothing about which usernames exist).
CREATE FUNCTION api.reset(token text, new_password text) RETURNS void
LANGUAGE sql AS $$ SELECT jwt_auth.auth_reset(token, new_password) $$;

COMMENT ON FUNCTION api.signup(text, text) IS 'sign up: a new user of the default role (when sign-up is enabled)';
COMMENT ON FUNCTION api.change_password(text, text) IS 'change the password, given the old one; ends the other sessions';
COMMENT ON FUNCTION api.reset(text, text) IS 'set a new password with a mailed reset token; ends every session';

REVOKE ALL ON FUNCTION api.signup(text, text), api.change_password(text, text), api.reset(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.signup(text, text), api.reset(text, text) TO anon;
GRANT EXECUTE ON FUNCTION api.change_password(text, text) TO authenticated;

-- GET/POST/PATCH/DELETE /todos: a user sees and changes only their own rows. owner defaults to
-- the request's sub; the policy refuses rows of anyone else. (SELECT jwt_auth.uid()) is
-- evaluated once per statement, not once per row.
CREATE TABLE api.todos (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner uuid NOT NULL DEFAULT jwt_auth.uid(),
    task  text NOT NULL
);
COMMENT ON TABLE api.todos IS 'each user''s todo list; row-level security keeps users apart';
ALTER TABLE api.todos ENABLE ROW LEVEL SECURITY;
CREATE POLICY todos_own ON api.todos TO authenticated
    USING (owner = (SELECT jwt_auth.uid()))
    WITH CHECK (owner = (SELECT jwt_auth.uid()));
GRANT SELECT, INSERT, UPDATE, DELETE ON api.todos TO authenticated;
