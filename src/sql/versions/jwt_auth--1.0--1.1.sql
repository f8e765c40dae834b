-- jwt_auth 1.0 -> 1.1: ALTER EXTENSION jwt_auth UPDATE TO '1.1'
\echo Use "ALTER EXTENSION jwt_auth UPDATE TO '1.1'" to load this file. \quit

-- Every change to the SQL surface since 1.0, in the order it was made. The
-- result must equal a fresh 1.1 install (src/sql/): test/t/009_update.pl
-- compares the two catalogs.

------------------------------------------------------------------------
-- Security hardening: verified claims only for logout, no statement in
-- the log for functions that take a secret, fail-closed roles, disabling
-- that lasts, one refresh chain per session, reuse detection that cannot
-- be stalled.
------------------------------------------------------------------------

-- A session's key derives its refresh tokens; 'disabled' is a reason to revoke it.
CREATE FUNCTION jwt_auth._session_key() RETURNS bytea
AS 'MODULE_PATHNAME', 'jwt_auth_session_key' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION jwt_auth._session_key() IS 'internal: 32 random bytes, a new session''s key for its refresh tokens';
REVOKE ALL ON FUNCTION jwt_auth._session_key() FROM PUBLIC;
ALTER TABLE jwt_auth.sessions
    DROP CONSTRAINT sessions_revoked_reason_check,
    ADD CONSTRAINT sessions_revoked_reason_check
        CHECK (revoked_reason IN ('logout', 'logout_others', 'logout_global', 'reuse', 'disabled')),
    ADD COLUMN refresh_key bytea NOT NULL DEFAULT jwt_auth._session_key(),
    -- a refresh that does not commit leaves a token that never verifies (its gen claim)
    ADD COLUMN generation uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    ADD COLUMN previous_generation uuid;

CREATE FUNCTION jwt_auth._refresh_token_child(parent text, session_key bytea, OUT token text, OUT token_hash bytea)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_refresh_token_child' LANGUAGE C STRICT IMMUTABLE;
CREATE FUNCTION jwt_auth._session_revoke_detached(session_id uuid, reason text)
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_session_revoke_detached' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION jwt_auth._refresh_token_child(text, bytea) IS
    'internal: the refresh token a refresh exchanges parent for (HMAC-SHA256 under the session''s key), and its SHA-256';
COMMENT ON FUNCTION jwt_auth._session_revoke_detached(uuid, text) IS
    'internal: revoke a session in a transaction of its own (a background worker), so an error after it does not undo it; '
    'revoked, pending (it waits for a transaction that holds the session), no_worker or failed';
REVOKE ALL ON FUNCTION jwt_auth._refresh_token_child(text, bytea), jwt_auth._session_revoke_detached(uuid, text)
    FROM PUBLIC;

-- writes need the primary: checked in C (src/pg/sessions.c), at no cost to them on the primary
CREATE OR REPLACE FUNCTION jwt_auth._require_primary() RETURNS void
AS 'MODULE_PATHNAME', 'jwt_auth_require_primary' LANGUAGE C VOLATILE;

DROP FUNCTION jwt_auth._issue(jwt_auth.users, uuid, uuid);
-- A fresh access token for a user's session, with a refresh token: a new
-- random one (a login), or the child a refresh derived, stored unless it
-- already is (the same parent presented again within the reuse interval).
CREATE FUNCTION jwt_auth._issue(u jwt_auth.users, ses jwt_auth.sessions, parent_id uuid,
                                child_token text DEFAULT NULL, child_hash bytea DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record := jwt_auth._settings();
    iat bigint := pg_catalog.floor(EXTRACT(epoch FROM pg_catalog.now()));
    ttl bigint := EXTRACT(epoch FROM s.access_ttl);
    new_token text := child_token;
    new_hash bytea := child_hash;
    claims jsonb;
BEGIN
    IF new_token IS NULL THEN
        SELECT r.token, r.token_hash INTO new_token, new_hash FROM jwt_auth._refresh_token_new() r;
    END IF;
    -- the user's own claims never override the ones that say who and when
    claims := (u.claims OPERATOR(pg_catalog.-)
               ARRAY['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'gen', 'csrf', 'role'])
        OPERATOR(pg_catalog.||) pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
            'sub', u.id::text,
            'role', coalesce(u.role, s.default_role),
            'iat', iat,
            'exp', iat OPERATOR(pg_catalog.+) ttl,
            'jti', pg_catalog.gen_random_uuid()::text,
            'sid', ses.id::text,
            'gen', ses.generation::text,
            'csrf', jwt_auth._session_csrf(ses.refresh_key),
            'iss', NULLIF(pg_catalog.current_setting('jwt_auth.issuer'), ''),
            'aud', NULLIF(pg_catalog.current_setting('jwt_auth.audience'), '')));
    INSERT INTO jwt_auth.refresh_tokens (session_id, parent_id, token_hash, expires_at)
    VALUES (ses.id, parent_id, new_hash, pg_catalog.now() OPERATOR(pg_catalog.+) s.refresh_ttl)
    ON CONFLICT (token_hash) DO NOTHING;
    RETURN pg_catalog.jsonb_build_object(
        'access_token', jwt_auth.jwt_sign(claims),
        'token_type', 'bearer',
        'expires_in', ttl,
        'refresh_token', new_token);
END
$$;
COMMENT ON FUNCTION jwt_auth._issue(jwt_auth.users, jwt_auth.sessions, uuid, text, bytea) IS 'internal: mint an access token, with a refresh token';
REVOKE ALL ON FUNCTION jwt_auth._issue(jwt_auth.users, jwt_auth.sessions, uuid, text, bytea) FROM PUBLIC;

COMMENT ON FUNCTION jwt_auth.auth_refresh(text) IS
    'rotate a refresh token: a fresh access token and the refresh token derived from it, or error 28000 (reuse revokes the session)';
DROP FUNCTION jwt_auth._session_revoke_committed(uuid, text);

CREATE FUNCTION jwt_auth._verified_claims() RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_auth_verified_claims' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION jwt_auth._verified_claims() IS
    'internal: the claims authenticate() or pre_request() verified in this transaction, or NULL (never request.jwt.claims)';
REVOKE ALL ON FUNCTION jwt_auth._verified_claims() FROM PUBLIC;
COMMENT ON FUNCTION jwt_auth.pre_request() IS
    'for PostgREST''s db-pre-request: verify the request''s Bearer token and make its claims the request''s; '
    'error 28000 when its session is revoked, its user logged out everywhere, or it names no role';

COMMENT ON FUNCTION jwt_auth.auth_logout(text, text) IS
    'revoke this session (local), the user''s other sessions (others) or all of them and every access token issued before (global); '
    'without a refresh token, the session of the claims authenticate() or pre_request() verified';

CREATE OR REPLACE FUNCTION jwt_auth._role_check(role text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r pg_catalog.pg_roles;
BEGIN
    IF role IS NULL THEN
        RETURN;
    END IF;
    SELECT * INTO r FROM pg_catalog.pg_roles x WHERE x.rolname OPERATOR(pg_catalog.=) (role COLLATE "C");
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = 'undefined_object';
    END IF;
    IF r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolreplication THEN
        RAISE EXCEPTION 'role "%" cannot be a user''s role', role
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A superuser, or a role with BYPASSRLS, CREATEROLE or REPLICATION, is never a token''s role.';
    END IF;
END
$$;
COMMENT ON FUNCTION jwt_auth._role_check(text) IS
    'internal: error 42704 for a role that does not exist, 42501 for a privileged one';
CREATE OR REPLACE FUNCTION jwt_auth._user_insert(username text, password_hash text, role text, claims jsonb)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    id uuid;
BEGIN
    PERFORM jwt_auth._require_primary();
    IF username IS NULL OR claims IS NULL THEN
        RAISE EXCEPTION 'username and claims must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF pg_catalog.jsonb_typeof(claims) OPERATOR(pg_catalog.<>) 'object' THEN
        RAISE EXCEPTION 'claims must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM jwt_auth._role_check(role);
    INSERT INTO jwt_auth.users (username, password_hash, role, claims)
    VALUES (username, password_hash, role, claims)
    RETURNING users.id INTO id;
    IF role IS NULL AND pg_catalog.current_setting('jwt_auth.default_role') OPERATOR(pg_catalog.=) '' THEN
        RAISE WARNING 'the user has no role, and jwt_auth.default_role is not set'
            USING DETAIL = 'authenticate() and pre_request() refuse a token that names no role.',
                  HINT = 'Give the user a role, or set jwt_auth.default_role.';
    END IF;
    RETURN id;
EXCEPTION
    WHEN unique_violation THEN
        RAISE EXCEPTION 'a user with this username already exists'
            USING ERRCODE = 'unique_violation', DETAIL = 'Usernames are unique regardless of case.';
    WHEN check_violation THEN
        RAISE EXCEPTION 'invalid username'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A username is 1 to 256 characters, none of them a control character.';
END
$$;
CREATE OR REPLACE FUNCTION jwt_auth.user_create(username text, password text, role text DEFAULT NULL,
                                     claims jsonb DEFAULT '{}')
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
BEGIN
    RETURN jwt_auth._user_insert(username, jwt_auth._password_hash(password), role, claims);
END
$$;
CREATE OR REPLACE FUNCTION jwt_auth.user_import(username text, password_hash text, role text DEFAULT NULL,
                                     claims jsonb DEFAULT '{}')
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
BEGIN
    RETURN jwt_auth._user_insert(username, jwt_auth._hash_import(password_hash), role, claims);
END
$$;
CREATE OR REPLACE FUNCTION jwt_auth.user_set_password(username text, password text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    target uuid := jwt_auth._user_lock(username);
BEGIN
    UPDATE jwt_auth.users u SET password_hash = jwt_auth._password_hash(password),
                                updated_at = pg_catalog.now()
     WHERE u.id OPERATOR(pg_catalog.=) target;
END
$$;
CREATE OR REPLACE FUNCTION jwt_auth.user_set_disabled(username text, disabled boolean DEFAULT true)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target uuid := jwt_auth._user_lock(username);
BEGIN
    IF disabled IS NULL THEN
        RAISE EXCEPTION 'disabled must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- disabling ends every session and token for good: enabling again does not revive them
    IF disabled THEN
        UPDATE jwt_auth.sessions s SET revoked_at = pg_catalog.now(), revoked_reason = 'disabled'
         WHERE s.user_id OPERATOR(pg_catalog.=) target AND s.revoked_at IS NULL;
    END IF;
    UPDATE jwt_auth.users u
       SET disabled = user_set_disabled.disabled, updated_at = pg_catalog.now(),
           logout_before = CASE WHEN user_set_disabled.disabled THEN pg_catalog.now() ELSE u.logout_before END
     WHERE u.id OPERATOR(pg_catalog.=) target;
END
$$;
COMMENT ON FUNCTION jwt_auth.user_set_disabled(text, boolean) IS
    'disable (or enable) a user: no login, no refresh; disabling revokes its sessions and tokens for good';

CREATE OR REPLACE FUNCTION jwt_auth.key_import(key text, alg text, kid text DEFAULT NULL, status text DEFAULT 'standby')
RETURNS text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    m record;
BEGIN
    m := jwt_auth._key_parse(alg, key);
    RETURN jwt_auth._key_insert(kid, alg, status, m.private_key, m.public_jwk);
END
$$;
CREATE OR REPLACE FUNCTION jwt_auth.key_import(key bytea, alg text, kid text DEFAULT NULL, status text DEFAULT 'standby')
RETURNS text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    m record;
BEGIN
    m := jwt_auth._key_parse(alg, key);
    RETURN jwt_auth._key_insert(kid, alg, status, m.private_key, m.public_jwk);
END
$$;
CREATE OR REPLACE FUNCTION jwt_auth.key_import(key jsonb, alg text DEFAULT NULL, kid text DEFAULT NULL,
                                    status text DEFAULT 'standby')
RETURNS text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    m record;
    a text := coalesce(alg, key OPERATOR(pg_catalog.->>) 'alg');
BEGIN
    IF key IS NOT NULL AND a IS NULL THEN
        RAISE EXCEPTION 'algorithm must not be null' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass alg, or import a JWK that names its alg.';
    END IF;
    m := jwt_auth._key_parse(a, key);
    RETURN jwt_auth._key_insert(coalesce(kid, key OPERATOR(pg_catalog.->>) 'kid'),
                                a, status, m.private_key, m.public_jwk);
END
$$;

------------------------------------------------------------------------
-- Login: collation, throttle, timing. Usernames are compared under the
-- database's collation, never one the caller's argument brings; the
-- throttle counts a login for the user found (as stored), and tells a
-- user's username from one that names no user, whose counters give way
-- to users' and never take theirs; a user whose hash is cheaper than the
-- configured bcrypt fails a login with the configured bcrypt work too.
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth._throttle_begin(username text, is_user boolean) RETURNS boolean
AS 'MODULE_PATHNAME', 'jwt_auth_throttle_begin' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION jwt_auth._throttle_begin(text, boolean) IS
    'internal: count a login attempt for a username (is_user: a user''s) and the client address; false when either is locked, or a user''s username can get no counter';
REVOKE ALL ON FUNCTION jwt_auth._throttle_begin(text, boolean) FROM PUBLIC;

DROP FUNCTION jwt_auth._throttle_begin(text);

-- The user a username names, locked; error 42704 when there is none.
CREATE OR REPLACE FUNCTION jwt_auth._user_lock(username text) RETURNS uuid
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    id uuid;
BEGIN
    PERFORM jwt_auth._require_primary();
    SELECT u.id INTO id FROM jwt_auth.users u
     WHERE pg_catalog.lower(u.username) OPERATOR(pg_catalog.=)
           pg_catalog.lower(_user_lock.username COLLATE pg_catalog."default")   -- as the unique index
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no user has this username' USING ERRCODE = 'undefined_object';
    END IF;
    RETURN id;
END
$$;

------------------------------------------------------------------------
-- PostgREST: its jwt-secret from db-pre-config (the keys_changed trigger, in C, also sends
-- NOTIFY pgrst, 'reload config' at commit)
------------------------------------------------------------------------
CREATE FUNCTION jwt_auth.postgrest_config() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('pgrst.jwt_secret', (
        SELECT pg_catalog.jsonb_build_object('keys', coalesce(pg_catalog.jsonb_agg(
                   CASE WHEN k.public_jwk IS NULL
                        THEN pg_catalog.jsonb_build_object(
                                 'kty', 'oct', 'kid', k.kid, 'alg', k.alg, 'use', 'sig',
                                 'k', jwt_auth.base64url_encode(k.private_key))
                        ELSE k.public_jwk END
                   ORDER BY k.created_at, k.kid), '[]'::jsonb))::text
          FROM jwt_auth.keys k
         WHERE k.status OPERATOR(pg_catalog.<>) 'revoked'), true);
END
$$;
COMMENT ON FUNCTION jwt_auth.postgrest_config() IS
    'for PostgREST''s db-pre-config: sets pgrst.jwt_secret, for this transaction, to the JWK set of the keys not revoked (HMAC secrets included)';
REVOKE ALL ON FUNCTION jwt_auth.postgrest_config() FROM PUBLIC;

------------------------------------------------------------------------
-- Cookie mode for browsers behind PostgREST: the csrf claim, the Set-Cookie headers, the
-- refresh cookie (pre_request(), in C, reads the access cookie and checks X-CSRF-Token)
------------------------------------------------------------------------
CREATE FUNCTION jwt_auth._session_csrf(session_key bytea)
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_session_csrf' LANGUAGE C STRICT IMMUTABLE;
COMMENT ON FUNCTION jwt_auth._session_csrf(bytea) IS
    'internal: the session''s CSRF token (the csrf claim of its access tokens), HMAC-SHA256 under its key';
REVOKE ALL ON FUNCTION jwt_auth._session_csrf(bytea) FROM PUBLIC;

-- PostgREST's response.headers for a login's or refresh's tokens: three Set-Cookie headers
CREATE FUNCTION jwt_auth.cookie_headers(tokens jsonb) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.jsonb_build_array(
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=%s; Path=/; Max-Age=%s; HttpOnly; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_access_name'),
                   tokens OPERATOR(pg_catalog.->>) 'access_token',
                   tokens OPERATOR(pg_catalog.->>) 'expires_in', s.samesite)),
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=%s; Path=%s; Max-Age=%s; HttpOnly; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_refresh_name'),
                   tokens OPERATOR(pg_catalog.->>) 'refresh_token',
                   pg_catalog.current_setting('jwt_auth.cookie_refresh_path'), s.max_age, s.samesite)),
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=%s; Path=/; Max-Age=%s; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_csrf_name'),
                   (jwt_auth.jwt_decode(tokens OPERATOR(pg_catalog.->>) 'access_token')).payload
                       OPERATOR(pg_catalog.->>) 'csrf',
                   s.max_age, s.samesite)))::text
      FROM (SELECT pg_catalog.initcap(pg_catalog.current_setting('jwt_auth.cookie_samesite')) AS samesite,
                   EXTRACT(epoch FROM pg_catalog.current_setting('jwt_auth.refresh_ttl')::interval)::bigint
                       AS max_age) s
     WHERE tokens ?& ARRAY['access_token', 'refresh_token', 'expires_in']
$$;
COMMENT ON FUNCTION jwt_auth.cookie_headers(jsonb) IS
    'PostgREST''s response.headers that set the tokens of auth_login or auth_refresh as cookies (access, refresh, csrf)';

-- PostgREST's response.headers that clear the three cookies (at logout)
CREATE FUNCTION jwt_auth.cookie_clear_headers() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.jsonb_build_array(
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_access_name'), s.samesite)),
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=; Path=%s; Max-Age=0; HttpOnly; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_refresh_name'),
                   pg_catalog.current_setting('jwt_auth.cookie_refresh_path'), s.samesite)),
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=; Path=/; Max-Age=0; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_csrf_name'), s.samesite)))::text
      FROM (SELECT pg_catalog.initcap(pg_catalog.current_setting('jwt_auth.cookie_samesite')) AS samesite) s
$$;
COMMENT ON FUNCTION jwt_auth.cookie_clear_headers() IS
    'PostgREST''s response.headers that clear the access, refresh and csrf cookies';

-- the refresh token a browser sent as its cookie (PostgREST's request.cookies), or NULL
CREATE FUNCTION jwt_auth.cookie_refresh_token() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT NULLIF(pg_catalog.current_setting('request.cookies', true), '')::jsonb
               OPERATOR(pg_catalog.->>) pg_catalog.current_setting('jwt_auth.cookie_refresh_name')
$$;
COMMENT ON FUNCTION jwt_auth.cookie_refresh_token() IS
    'the refresh-token cookie of PostgREST''s request.cookies, or NULL';
REVOKE ALL ON FUNCTION jwt_auth.cookie_headers(jsonb), jwt_auth.cookie_clear_headers(),
    jwt_auth.cookie_refresh_token() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION jwt_auth.cookie_headers(jsonb), jwt_auth.cookie_clear_headers(),
    jwt_auth.cookie_refresh_token() TO PUBLIC;

------------------------------------------------------------------------
-- Verified-token cache (issue 15): a token verified with the stored keys
-- is remembered per backend; its state for tests and monitoring, owner only.
------------------------------------------------------------------------

-- the verified-token cache of this backend (src/pg/tokencache.c), for tests and monitoring
CREATE FUNCTION jwt_auth._token_cache_state(OUT entries integer, OUT bytes bigint, OUT allocated bigint)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_token_cache_state' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION jwt_auth._token_cache_state() IS
    'internal: the tokens this backend remembers as verified, the bytes they count against jwt_auth.token_cache_size, and the memory its context holds';
REVOKE ALL ON FUNCTION jwt_auth._token_cache_state() FROM PUBLIC;

------------------------------------------------------------------------
-- Imported password hashes (issue 14): user_import takes Django's,
-- Werkzeug's and passlib's forms (PBKDF2, scrypt, Argon2, SHA-crypt,
-- bcrypt_sha256), bounded so that none makes a login a denial of service;
-- auth_login verifies every form with _password_verify and re-hashes to
-- the scheme of jwt_auth.password_hash (bcrypt, or Argon2id) at the next
-- good login.
------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION jwt_auth._password_hash(password text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record := jwt_auth._settings();
    longest integer := CASE pg_catalog.current_setting('jwt_auth.password_hash')
                       WHEN 'bcrypt' THEN 72 ELSE 1024 END;
BEGIN
    IF password IS NULL THEN
        RAISE EXCEPTION 'password must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF pg_catalog.length(password) OPERATOR(pg_catalog.<) s.min_password_length THEN
        RAISE EXCEPTION 'password is too short'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('A password has at least %s characters (jwt_auth.min_password_length).',
                                             s.min_password_length);
    END IF;
    IF pg_catalog.octet_length(password) OPERATOR(pg_catalog.>) longest THEN
        RAISE EXCEPTION 'password is too long'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = CASE longest WHEN 72
                           THEN 'bcrypt reads the first 72 bytes of a password; a longer one would be cut, so it is refused.'
                           ELSE 'A password has at most 1024 bytes.' END;
    END IF;
    RETURN jwt_auth._password_new(password);
END
$$;
COMMENT ON FUNCTION jwt_auth._password_hash(text) IS 'internal: a new hash (jwt_auth.password_hash) of a password of an accepted length';

-- A new hash under jwt_auth.password_hash, with no length rule; whether a
-- stored hash is of that scheme at its costs (else it is re-hashed at the
-- next good login). Both in src/pg/passwords.c.
CREATE FUNCTION jwt_auth._password_new(password text) RETURNS text
AS 'MODULE_PATHNAME', 'jwt_auth_password_new' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION jwt_auth._password_current(password_hash text) RETURNS boolean
AS 'MODULE_PATHNAME', 'jwt_auth_password_current' LANGUAGE C STRICT STABLE;
COMMENT ON FUNCTION jwt_auth._password_new(text) IS
    'internal: a new hash of a password under jwt_auth.password_hash (bcrypt through pgcrypto, or Argon2id)';
COMMENT ON FUNCTION jwt_auth._password_current(text) IS
    'internal: is a stored hash of the scheme and at the costs of jwt_auth.password_hash (no re-hash due)';

CREATE OR REPLACE FUNCTION jwt_auth._hash_import(password_hash text) RETURNS text
AS 'MODULE_PATHNAME', 'jwt_auth_hash_import' LANGUAGE C CALLED ON NULL INPUT VOLATILE;
COMMENT ON FUNCTION jwt_auth._hash_import(text) IS
    'internal: a checked, normalised imported hash (crypt(), SHA-crypt, Argon2, PBKDF2, scrypt, Django, Werkzeug and passlib forms)';

-- Whether a password matches a stored hash of any form _hash_import keeps;
-- false, never an error, for a hash it does not read.
CREATE FUNCTION jwt_auth._password_verify(password text, password_hash text) RETURNS boolean
AS 'MODULE_PATHNAME', 'jwt_auth_password_verify' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION jwt_auth._password_verify(text, text) IS
    'internal: does a password match a stored hash (bcrypt and the other crypt() forms through pgcrypto)';
REVOKE ALL ON FUNCTION jwt_auth._password_verify(text, text), jwt_auth._password_new(text),
    jwt_auth._password_current(text) FROM PUBLIC;

COMMENT ON FUNCTION jwt_auth.user_import(text, text, text, jsonb) IS
    'new user with an existing hash (bcrypt, md5-crypt, DES, SHA-crypt, Argon2, PBKDF2, scrypt; Django, Werkzeug and passlib forms); re-hashed at its next good login';

COMMENT ON FUNCTION jwt_auth.auth_login(text, text) IS
    'check a password; returns access_token, token_type, expires_in and refresh_token, or error 28P01';

------------------------------------------------------------------------
-- Logical replication (issue 16): a subscriber's open sessions learn of
-- each applied change to jwt_auth.keys; a key replicated without its
-- private part verifies there but does not sign (see keystore.sql).
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth._keys_replicated() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.private_key IS NULL AND NEW.public_jwk IS NULL THEN
        RETURN NULL;
    END IF;
    IF NEW.private_key IS NULL AND NEW.status OPERATOR(pg_catalog.=) 'active' THEN
        NEW.status := 'retired';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION jwt_auth._keys_replicated() IS
    'internal: a key replicated without its private part verifies here but does not sign';
REVOKE ALL ON FUNCTION jwt_auth._keys_replicated() FROM PUBLIC;
ALTER TABLE jwt_auth.keys ENABLE ALWAYS TRIGGER keys_changed;
CREATE TRIGGER keys_applied AFTER INSERT OR UPDATE OR DELETE ON jwt_auth.keys
    FOR EACH ROW EXECUTE FUNCTION jwt_auth._keys_changed();
ALTER TABLE jwt_auth.keys ENABLE REPLICA TRIGGER keys_applied;
CREATE TRIGGER keys_replicated BEFORE INSERT OR UPDATE ON jwt_auth.keys
    FOR EACH ROW EXECUTE FUNCTION jwt_auth._keys_replicated();
ALTER TABLE jwt_auth.keys ENABLE REPLICA TRIGGER keys_replicated;


------------------------------------------------------------------------
-- Isolation levels (issue 16): auth_login, auth_refresh and auth_logout
-- re-raise a serialization failure or deadlock (REPEATABLE READ,
-- SERIALIZABLE, racers on the same rows) with a hint to retry.
------------------------------------------------------------------------


CREATE OR REPLACE FUNCTION jwt_auth.auth_refresh(refresh_token text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    s record := jwt_auth._settings();
    t jwt_auth.refresh_tokens;
    ses jwt_auth.sessions;
    u jwt_auth.users;
    child record;
    why text;
BEGIN
    PERFORM jwt_auth._require_primary();
    -- the row lock makes racers on one token take turns: one rotates, the others see it used
    SELECT * INTO t FROM jwt_auth.refresh_tokens r
     WHERE r.token_hash OPERATOR(pg_catalog.=) jwt_auth._refresh_token_hash(refresh_token)
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'invalid refresh token' USING ERRCODE = 'invalid_authorization_specification',
            DETAIL = 'No session has this refresh token.';
    END IF;
    SELECT * INTO ses FROM jwt_auth.sessions x WHERE x.id OPERATOR(pg_catalog.=) t.session_id;
    SELECT * INTO u FROM jwt_auth.users x WHERE x.id OPERATOR(pg_catalog.=) ses.user_id;
    why := CASE
        WHEN ses.revoked_at IS NOT NULL THEN 'The session is revoked.'
        WHEN ses.expires_at OPERATOR(pg_catalog.<=) pg_catalog.now()
            THEN 'The session is older than jwt_auth.session_max_lifetime.'
        WHEN u.disabled THEN 'The user is disabled.'
        WHEN t.expires_at OPERATOR(pg_catalog.<=) pg_catalog.now() THEN 'The refresh token is expired.'
    END;
    -- the clock, not now(): a transaction that began before the token was
    -- used must not take the reuse for an early one
    IF why IS NULL AND t.used_at IS NOT NULL AND
       pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-) t.used_at
           OPERATOR(pg_catalog.>) s.refresh_reuse_interval THEN
        -- reuse detection: committed in its own transaction, so the error below cannot undo it
        why := CASE jwt_auth._session_revoke_detached(ses.id, 'reuse')
            WHEN 'revoked' THEN 'The refresh token was already used; the session is revoked.'
            WHEN 'pending' THEN 'The refresh token was already used; the session will be revoked as soon as '
                                'the transaction that holds it ends.'
            WHEN 'no_worker' THEN NULL
            ELSE 'failed' END;
        IF why IS NULL THEN
            RAISE EXCEPTION 'refresh token reuse detected, but the session could not be revoked'
                USING ERRCODE = 'configuration_limit_exceeded',
                      DETAIL = 'No background worker could be started to revoke it; the session stays live.',
                      HINT = 'Raise max_worker_processes, and revoke the session with auth_logout.';
        ELSIF why OPERATOR(pg_catalog.=) 'failed' THEN
            RAISE EXCEPTION 'refresh token reuse detected, but the session could not be revoked'
                USING ERRCODE = 'internal_error',
                      DETAIL = 'The background worker that revokes it stopped (see the server log); the session stays live.',
                      HINT = 'Revoke the session with auth_logout.';
        END IF;
    END IF;
    IF why IS NOT NULL THEN
        RAISE EXCEPTION 'invalid refresh token' USING ERRCODE = 'invalid_authorization_specification',
            DETAIL = why;
    END IF;
    child := jwt_auth._refresh_token_child(refresh_token, ses.refresh_key);
    IF t.used_at IS NULL THEN
        UPDATE jwt_auth.refresh_tokens r SET used_at = pg_catalog.clock_timestamp()
         WHERE r.id OPERATOR(pg_catalog.=) t.id;
    ELSIF NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens r
                       WHERE r.token_hash OPERATOR(pg_catalog.=) child.token_hash
                         AND r.parent_id OPERATOR(pg_catalog.=) t.id) THEN
        -- used before its session had a key to derive the child with (1.0): none to give back
        RAISE EXCEPTION 'invalid refresh token' USING ERRCODE = 'invalid_authorization_specification',
            DETAIL = 'The refresh token was already used; present the one it was exchanged for.';
    END IF;
    -- within the reuse interval the same parent gets the same child (one chain, never two)
    -- and an access token of the generation its first exchange made; a first exchange makes
    -- a new generation, which this transaction's access token carries: valid once it commits
    UPDATE jwt_auth.sessions x
       SET refreshed_at = pg_catalog.now(),
           previous_generation = CASE WHEN t.used_at IS NULL THEN x.generation ELSE x.previous_generation END,
           generation = CASE WHEN t.used_at IS NULL THEN pg_catalog.gen_random_uuid() ELSE x.generation END
     WHERE x.id OPERATOR(pg_catalog.=) ses.id
    RETURNING * INTO ses;
    RETURN jwt_auth._issue(u, ses, t.id, child.token, child.token_hash);
EXCEPTION WHEN serialization_failure OR deadlock_detected THEN
    -- REPEATABLE READ and SERIALIZABLE: another transaction changed a row this one
    -- read (a racer on the same token, a logout, a login of the same user); nothing
    -- of this call is kept, and the whole transaction may be run again
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM,
        HINT = 'Another transaction changed the same rows; retry the whole transaction.';
END
$$;

CREATE OR REPLACE FUNCTION jwt_auth.auth_logout(refresh_token text DEFAULT NULL, scope text DEFAULT 'local')
RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    uuid_re CONSTANT text := '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
    ses jwt_auth.sessions;
    c jsonb;
    how text COLLATE "C" := scope;   -- exactly these words, whatever collation the argument brings
BEGIN
    PERFORM jwt_auth._require_primary();
    IF how IS NULL OR how NOT IN ('local', 'others', 'global') THEN
        RAISE EXCEPTION 'invalid logout scope' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The scope is local (this session), others (every other session of the user) or global (all of them).';
    END IF;
    IF refresh_token IS NOT NULL THEN
        SELECT x.* INTO ses FROM jwt_auth.refresh_tokens r
          JOIN jwt_auth.sessions x ON x.id OPERATOR(pg_catalog.=) r.session_id
         WHERE r.token_hash OPERATOR(pg_catalog.=) jwt_auth._refresh_token_hash(refresh_token);
        IF NOT FOUND THEN
            RAISE EXCEPTION 'invalid refresh token' USING ERRCODE = 'invalid_authorization_specification',
                DETAIL = 'No session has this refresh token.';
        END IF;
    ELSE
        -- only what authenticate() or pre_request() verified: never request.jwt.claims,
        -- which any session can set, whatever jwt_auth.trust_request_claims says
        c := jwt_auth._verified_claims();
        IF c IS NULL OR NOT (c ? 'sid') OR (c OPERATOR(pg_catalog.->>) 'sid') !~ uuid_re THEN
            RAISE EXCEPTION 'no session to log out' USING ERRCODE = 'invalid_authorization_specification',
                HINT = 'Pass the refresh token, or verify the access token with authenticate() (or pre_request() under PostgREST) first.';
        END IF;
        SELECT * INTO ses FROM jwt_auth.sessions x
         WHERE x.id OPERATOR(pg_catalog.=) (c OPERATOR(pg_catalog.->>) 'sid')::uuid
           AND x.user_id::text OPERATOR(pg_catalog.=) (c OPERATOR(pg_catalog.->>) 'sub');
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no session to log out' USING ERRCODE = 'invalid_authorization_specification',
                DETAIL = 'The session the claims name does not exist.';
        END IF;
    END IF;
    IF ses.revoked_at IS NOT NULL THEN
        IF how OPERATOR(pg_catalog.=) 'local' THEN
            RETURN;    -- logging out twice is no error
        END IF;
        RAISE EXCEPTION 'the session is revoked' USING ERRCODE = 'invalid_authorization_specification',
            DETAIL = 'A revoked session cannot log out other sessions.';
    END IF;
    UPDATE jwt_auth.sessions x
       SET revoked_at = pg_catalog.now(),
           revoked_reason = CASE how WHEN 'local' THEN 'logout' WHEN 'others' THEN 'logout_others'
                                       ELSE 'logout_global' END
     WHERE x.revoked_at IS NULL
       AND CASE how
               WHEN 'local' THEN x.id OPERATOR(pg_catalog.=) ses.id
               WHEN 'others' THEN x.user_id OPERATOR(pg_catalog.=) ses.user_id
                                  AND x.id OPERATOR(pg_catalog.<>) ses.id
               ELSE x.user_id OPERATOR(pg_catalog.=) ses.user_id
           END;
    IF how OPERATOR(pg_catalog.=) 'global' THEN
        UPDATE jwt_auth.users u SET logout_before = pg_catalog.now()
         WHERE u.id OPERATOR(pg_catalog.=) ses.user_id;
    END IF;
EXCEPTION WHEN serialization_failure OR deadlock_detected THEN
    -- REPEATABLE READ and SERIALIZABLE: another transaction changed a row this one
    -- read (a racer on the same token, a logout, a login of the same user); nothing
    -- of this call is kept, and the whole transaction may be run again
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM,
        HINT = 'Another transaction changed the same rows; retry the whole transaction.';
END
$$;

------------------------------------------------------------------------
-- The password lifecycle (issue 14): users.verified_at, the one-time
-- tokens of password reset and email verification, auth_change_password,
-- auth_reset_request/auth_reset, auth_verification_request/auth_verify,
-- auth_signup (src/sql/lifecycle.sql); auth_login refuses an unverified
-- user under jwt_auth.require_verified_email.
------------------------------------------------------------------------

ALTER TABLE jwt_auth.users ADD COLUMN verified_at timestamptz;

CREATE TABLE jwt_auth.one_time_tokens (
    user_id    uuid NOT NULL REFERENCES jwt_auth.users ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('reset', 'verify')),
    token_hash bytea NOT NULL UNIQUE CHECK (pg_catalog.octet_length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, purpose)
);
SELECT pg_catalog.pg_extension_config_dump('jwt_auth.one_time_tokens', '');
COMMENT ON TABLE jwt_auth.one_time_tokens IS
    'SHA-256 of the password reset and email verification tokens, one per user and purpose; readable by the owner only';

-- A new token for a username's user and a purpose, replacing its older
-- one; for no user, or a disabled one, a token no row holds, after the
-- same work (the random bits and their hash, a row written and undone).
CREATE FUNCTION jwt_auth._one_time_token_new(username text, purpose text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u jwt_auth.users;
    t record := jwt_auth._refresh_token_new();
    lifetime interval := pg_catalog.current_setting(CASE purpose WHEN 'reset' THEN 'jwt_auth.reset_token_lifetime'
                                                    ELSE 'jwt_auth.verification_token_lifetime' END)::interval;
BEGIN
    PERFORM jwt_auth._require_primary();
    SELECT * INTO u FROM jwt_auth.users x
     WHERE pg_catalog.lower(x.username) OPERATOR(pg_catalog.=)
           pg_catalog.lower(_one_time_token_new.username COLLATE pg_catalog."default")
       FOR UPDATE;
    BEGIN
        INSERT INTO jwt_auth.one_time_tokens AS o (user_id, purpose, token_hash, expires_at)
        VALUES (coalesce(u.id, pg_catalog.gen_random_uuid()), purpose, t.token_hash,
                pg_catalog.now() OPERATOR(pg_catalog.+) lifetime)
        ON CONFLICT ON CONSTRAINT one_time_tokens_pkey DO UPDATE
           SET token_hash = excluded.token_hash, created_at = excluded.created_at,
               expires_at = excluded.expires_at;
        IF u.id IS NULL OR u.disabled THEN
            RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation';
        END IF;
    EXCEPTION
        WHEN foreign_key_violation THEN
            NULL;    -- no user: the row is undone (the foreign key), the token is the fake one
    END;
    IF u.id IS NOT NULL AND u.disabled THEN
        -- a disabled user's older token goes as well
        DELETE FROM jwt_auth.one_time_tokens o
         WHERE o.user_id OPERATOR(pg_catalog.=) u.id AND o.purpose OPERATOR(pg_catalog.=) _one_time_token_new.purpose;
    END IF;
    RETURN t.token;
END
$$;
COMMENT ON FUNCTION jwt_auth._one_time_token_new(text, text) IS
    'internal: a new reset or verification token for a username (a fake one, after the same work, for no user)';

-- The user a token of a purpose names, its row locked and deleted (single
-- use), counted against the throttle; error 28000 when it names none, is
-- expired, or the throttle refuses.
CREATE FUNCTION jwt_auth._one_time_token_take(token text, purpose text) RETURNS jwt_auth.users
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    o jwt_auth.one_time_tokens;
    u jwt_auth.users;
BEGIN
    PERFORM jwt_auth._require_primary();
    -- the row lock makes racers on one token take turns: the second finds it gone
    SELECT * INTO o FROM jwt_auth.one_time_tokens x
     WHERE x.token_hash OPERATOR(pg_catalog.=) jwt_auth._refresh_token_hash(coalesce(token, ''))
       AND x.purpose OPERATOR(pg_catalog.=) _one_time_token_take.purpose
       FOR UPDATE;
    IF FOUND THEN
        SELECT * INTO u FROM jwt_auth.users x WHERE x.id OPERATOR(pg_catalog.=) o.user_id FOR UPDATE;
    END IF;
    -- no username has a control character: the name of a token of no one is no user's
    IF NOT jwt_auth._throttle_begin(coalesce(u.username, E'\x01' OPERATOR(pg_catalog.||) purpose),
                                    u.id IS NOT NULL) THEN
        RAISE EXCEPTION 'invalid or expired token' USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    IF u.id IS NULL OR u.disabled OR o.expires_at OPERATOR(pg_catalog.<=) pg_catalog.now() THEN
        RAISE EXCEPTION 'invalid or expired token' USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    DELETE FROM jwt_auth.one_time_tokens x
     WHERE x.user_id OPERATOR(pg_catalog.=) o.user_id AND x.purpose OPERATOR(pg_catalog.=) o.purpose;
    RETURN u;
END
$$;
COMMENT ON FUNCTION jwt_auth._one_time_token_take(text, text) IS
    'internal: consume a reset or verification token (single use, throttled); its user, or error 28000';

CREATE FUNCTION jwt_auth.auth_reset_request(username text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
BEGIN
    RETURN jwt_auth._one_time_token_new(username, 'reset');
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_reset_request(text) IS
    'a one-time password reset token for a username, to be mailed (an unknown one gets a token that resets nothing); for the application server';

CREATE FUNCTION jwt_auth.auth_reset(token text, new_password text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    u jwt_auth.users := jwt_auth._one_time_token_take(token, 'reset');
BEGIN
    -- a password the length rules refuse rolls the whole call back: the token stays
    UPDATE jwt_auth.users x
       SET password_hash = jwt_auth._password_hash(new_password), updated_at = pg_catalog.now(),
           logout_before = pg_catalog.now(),
           verified_at = coalesce(x.verified_at, pg_catalog.now())   -- the token reached the user's mail
     WHERE x.id OPERATOR(pg_catalog.=) u.id;
    UPDATE jwt_auth.sessions s SET revoked_at = pg_catalog.now(), revoked_reason = 'logout_global'
     WHERE s.user_id OPERATOR(pg_catalog.=) u.id AND s.revoked_at IS NULL;
    PERFORM jwt_auth._throttle_succeeded(u.username);
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_reset(text, text) IS
    'set a new password with a reset token (single use); revokes every session and access token of the user; error 28000 for a bad token';

CREATE FUNCTION jwt_auth.auth_verification_request(username text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
BEGIN
    RETURN jwt_auth._one_time_token_new(username, 'verify');
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_verification_request(text) IS
    'a one-time email verification token for a username, to be mailed (an unknown one gets a token that verifies nothing); for the application server';

CREATE FUNCTION jwt_auth.auth_verify(token text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    u jwt_auth.users := jwt_auth._one_time_token_take(token, 'verify');
BEGIN
    UPDATE jwt_auth.users x SET verified_at = coalesce(x.verified_at, pg_catalog.now()), updated_at = pg_catalog.now()
     WHERE x.id OPERATOR(pg_catalog.=) u.id;
    PERFORM jwt_auth._throttle_succeeded(u.username);
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_verify(text) IS
    'mark a user''s email verified with a verification token (single use); error 28000 for a bad token';

CREATE FUNCTION jwt_auth.auth_change_password(old_password text, new_password text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    uuid_re CONSTANT text := '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
    c jsonb;
    ses jwt_auth.sessions;
    u jwt_auth.users;
    fresh text;
    good boolean := false;
BEGIN
    PERFORM jwt_auth._require_primary();
    -- only what authenticate() or pre_request() verified, never request.jwt.claims
    c := jwt_auth._verified_claims();
    IF c IS NOT NULL AND (c OPERATOR(pg_catalog.->>) 'sid') ~ uuid_re THEN
        SELECT * INTO ses FROM jwt_auth.sessions x
         WHERE x.id OPERATOR(pg_catalog.=) (c OPERATOR(pg_catalog.->>) 'sid')::uuid
           AND x.user_id::text OPERATOR(pg_catalog.=) (c OPERATOR(pg_catalog.->>) 'sub')
           AND x.revoked_at IS NULL;
        SELECT * INTO u FROM jwt_auth.users x WHERE x.id OPERATOR(pg_catalog.=) ses.user_id FOR UPDATE;
    END IF;
    IF u.id IS NULL OR u.disabled THEN
        RAISE EXCEPTION 'no session to change the password of' USING ERRCODE = 'invalid_authorization_specification',
            HINT = 'Verify the access token with authenticate() (or pre_request() under PostgREST) first.';
    END IF;
    IF old_password IS NULL THEN
        RAISE EXCEPTION 'invalid username or password' USING ERRCODE = 'invalid_password';
    END IF;
    -- the length rules first (they say nothing of the old password), then the
    -- throttle, then the same work whether the old password is right or wrong
    fresh := jwt_auth._password_hash(new_password);
    IF NOT jwt_auth._throttle_begin(u.username, true) THEN
        RAISE EXCEPTION 'invalid username or password' USING ERRCODE = 'invalid_password';
    END IF;
    IF u.password_hash IS NOT NULL THEN
        good := jwt_auth._password_verify(old_password, u.password_hash);
    END IF;
    IF NOT good THEN
        RAISE EXCEPTION 'invalid username or password' USING ERRCODE = 'invalid_password';
    END IF;
    PERFORM jwt_auth._throttle_succeeded(u.username);
    UPDATE jwt_auth.users x SET password_hash = fresh, updated_at = pg_catalog.now()
     WHERE x.id OPERATOR(pg_catalog.=) u.id;
    IF pg_catalog.current_setting('jwt_auth.change_password_revokes_others')::boolean THEN
        UPDATE jwt_auth.sessions x SET revoked_at = pg_catalog.now(), revoked_reason = 'logout_others'
         WHERE x.user_id OPERATOR(pg_catalog.=) u.id AND x.id OPERATOR(pg_catalog.<>) ses.id
           AND x.revoked_at IS NULL;
    END IF;
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_change_password(text, text) IS
    'the verified user''s new password, given the old one (error 28P01); revokes the user''s other sessions unless jwt_auth.change_password_revokes_others is off';

CREATE FUNCTION jwt_auth.auth_signup(username text, password text, claims jsonb DEFAULT '{}') RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    reserved CONSTANT text[] := ARRAY['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'gen', 'csrf', 'role'];
    quiet boolean := pg_catalog.current_setting('jwt_auth.require_verified_email')::boolean;
    fresh text;
    id uuid;
BEGIN
    PERFORM jwt_auth._require_primary();
    IF NOT pg_catalog.current_setting('jwt_auth.signup_enabled')::boolean THEN
        RAISE EXCEPTION 'sign-up is disabled' USING ERRCODE = 'insufficient_privilege',
            HINT = 'The owner turns it on with jwt_auth.signup_enabled.';
    END IF;
    IF pg_catalog.current_setting('jwt_auth.default_role') OPERATOR(pg_catalog.=) '' THEN
        RAISE EXCEPTION 'sign-up needs jwt_auth.default_role' USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'A new user gets the default role, never one of its own choosing.';
    END IF;
    IF claims IS NULL OR pg_catalog.jsonb_typeof(claims) OPERATOR(pg_catalog.<>) 'object' THEN
        RAISE EXCEPTION 'claims must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF claims ?| reserved THEN
        RAISE EXCEPTION 'claims must not set a registered claim or the role' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'iss, sub, aud, exp, nbf, iat, jti, sid, gen, csrf and role are jwt_auth''s.';
    END IF;
    -- every sign-up counts for the client address (over TCP), as a failed
    -- login does: over jwt_auth.max_failed_logins_per_address within
    -- jwt_auth.lockout_time, refused; and for the name asked for, under a
    -- name no user can have (one shared name would lock every sign-up)
    IF NOT jwt_auth._throttle_begin(E'\x01signup ' OPERATOR(pg_catalog.||) pg_catalog.lower(username), false) THEN
        RAISE EXCEPTION 'too many sign-ups from this address' USING ERRCODE = 'configuration_limit_exceeded';
    END IF;
    fresh := jwt_auth._password_hash(password);
    BEGIN
        id := jwt_auth._user_insert(username, fresh, NULL, claims);
    EXCEPTION
        WHEN unique_violation THEN
            IF NOT quiet THEN
                RAISE;
            END IF;
            id := NULL;    -- a taken username answers as a success does
    END;
    -- under required verification the answer is always NULL: the application
    -- server gets the user's token with auth_verification_request and mails it
    RETURN CASE WHEN quiet THEN NULL ELSE id END;
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_signup(text, text, jsonb) IS
    'a new user of the default role, when jwt_auth.signup_enabled; its id, or NULL always when jwt_auth.require_verified_email (no enumeration)';

CREATE OR REPLACE FUNCTION jwt_auth.auth_login(username text, password text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    s record := jwt_auth._settings();
    u jwt_auth.users;
    good boolean := false;
    current boolean := false;
    fresh text;
    ses jwt_auth.sessions;
BEGIN
    PERFORM jwt_auth._require_primary();
    IF username IS NULL OR password IS NULL THEN
        RAISE EXCEPTION 'invalid username or password' USING ERRCODE = 'invalid_password';
    END IF;
    -- lower() and = under the database's collation, as the unique index and the
    -- throttle: never under one the argument brings (a nondeterministic one would
    -- find the user under another name than the one the throttle counts)
    SELECT * INTO u FROM jwt_auth.users x
     WHERE pg_catalog.lower(x.username) OPERATOR(pg_catalog.=)
           pg_catalog.lower(auth_login.username COLLATE pg_catalog."default");
    -- counted for the user as stored, however it was spelled, else for the name
    -- given; over the throttle's limit: the same answer at once, without bcrypt work
    IF NOT jwt_auth._throttle_begin(coalesce(u.username, auth_login.username), u.id IS NOT NULL) THEN
        RAISE EXCEPTION 'invalid username or password' USING ERRCODE = 'invalid_password';
    END IF;
    -- bcrypt reads 72 bytes of a password, and _password_verify checks no
    -- longer one against a bcrypt hash; an imported hash of another form
    -- (PBKDF2, scrypt, Argon2, SHA-crypt, Django's bcrypt_sha256) reads more
    IF u.password_hash IS NOT NULL THEN
        good := jwt_auth._password_verify(password, u.password_hash);
        current := jwt_auth._password_current(u.password_hash);
    END IF;
    -- no such user, no usable hash, one not of jwt_auth.password_hash at its
    -- costs (md5-crypt, DES, a lower cost, any imported form), or a password
    -- longer than bcrypt reads (no bcrypt hash was checked): a new hash as
    -- well, so that no failure answers sooner than another; after a good
    -- login it is the user's new hash
    IF NOT current OR pg_catalog.octet_length(password) OPERATOR(pg_catalog.>) 72 THEN
        fresh := jwt_auth._password_new(password);
    END IF;
    -- a user whose email is not verified under jwt_auth.require_verified_email
    -- (src/sql/lifecycle.sql): the same answer, from the same statement
    IF NOT good OR u.disabled OR (u.verified_at IS NULL AND
           pg_catalog.current_setting('jwt_auth.require_verified_email')::boolean) THEN
        -- the attempt stays counted (in shared memory, which the error does not roll back)
        RAISE EXCEPTION 'invalid username or password' USING ERRCODE = 'invalid_password';
    END IF;
    PERFORM jwt_auth._throttle_succeeded(u.username);
    -- only a new hash that verifies the password: a password longer than bcrypt
    -- reads keeps its imported hash (cut, it would never match again)
    IF NOT current AND jwt_auth._password_verify(password, fresh) THEN
        u.password_hash := fresh;
    END IF;
    UPDATE jwt_auth.users x SET last_login_at = pg_catalog.now(), password_hash = u.password_hash
     WHERE x.id OPERATOR(pg_catalog.=) u.id;
    INSERT INTO jwt_auth.sessions (user_id, expires_at)
    VALUES (u.id, pg_catalog.now() OPERATOR(pg_catalog.+) s.session_max_lifetime)
    RETURNING * INTO ses;
    RETURN jwt_auth._issue(u, ses, NULL);
EXCEPTION WHEN serialization_failure OR deadlock_detected THEN
    -- REPEATABLE READ and SERIALIZABLE: another transaction changed a row this one
    -- read (a racer on the same token, a logout, a login of the same user); nothing
    -- of this call is kept, and the whole transaction may be run again
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM,
        HINT = 'Another transaction changed the same rows; retry the whole transaction.';
END
$$;

REVOKE ALL ON FUNCTION jwt_auth._one_time_token_new(text, text), jwt_auth._one_time_token_take(text, text),
    jwt_auth.auth_reset_request(text), jwt_auth.auth_reset(text, text),
    jwt_auth.auth_verification_request(text), jwt_auth.auth_verify(text),
    jwt_auth.auth_change_password(text, text), jwt_auth.auth_signup(text, text, jsonb) FROM PUBLIC;
REVOKE ALL ON TABLE jwt_auth.one_time_tokens FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    jwt_auth.auth_change_password(text, text), jwt_auth.auth_reset(text, text), jwt_auth.auth_verify(text),
    jwt_auth.auth_signup(text, text, jsonb)
TO PUBLIC;

------------------------------------------------------------------------
-- Other issuers (src/pg/issuers.c): tokens of OIDC providers (and any
-- other issuer the owner registers) verified with that issuer's keys only.
-- jwt_verify(token), jwt_valid(token), authenticate() and pre_request()
-- read a token's iss before anything else: a registered issuer's token is
-- verified with its JWK set, under its rules (algorithms, audiences, exp
-- required, leeway), and acts as a role its issuer may grant; any other
-- token is jwt_auth's own, verified with jwt_auth.keys as before. Keys
-- never cross between issuers, nor between an issuer and jwt_auth.keys.
-- The set is pushed (issuer_set_jwks) or fetched from a jwks_uri (fetch.sql).
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth._issuers_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'jwt_auth_issuers_changed' LANGUAGE C;
COMMENT ON FUNCTION jwt_auth._issuers_changed() IS 'internal: tells every backend its issuer cache is stale';

CREATE TABLE jwt_auth.issuers (
    issuer             text PRIMARY KEY,  -- the exact "iss" string of its tokens
    jwks_uri           text,              -- https URL its keys are fetched from, or NULL (pushed)
    jwks               jsonb,             -- its JWK set, pushed or fetched; NULL: none yet
    audience           text[] NOT NULL,   -- accepted "aud" values; '{}': any (the owner said so)
    algorithms         text[] NOT NULL,   -- accepted "alg" values
    role_claim         text NOT NULL,     -- where the role is: .role, .realm_access.roles[0], ."https://x/role"
    user_claim         text NOT NULL,     -- the claim that names the user (user_id())
    default_role       text,              -- the role of a token that names none
    roles              text[] NOT NULL,   -- the roles its tokens may name (besides default_role)
    leeway             interval,          -- clock skew allowed; NULL: jwt_auth.leeway
    enabled            boolean NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    changed_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- the fetches of jwks_uri (fetch.sql): the last good one, the last try, the next one, the last error
    fetched_at         timestamptz,
    fetch_attempted_at timestamptz,
    next_fetch_at      timestamptz,
    fetch_error        text,
    fetch_error_at     timestamptz
);
SELECT pg_catalog.pg_extension_config_dump('jwt_auth.issuers', '');
COMMENT ON TABLE jwt_auth.issuers IS
    'issuers whose tokens verify with their own keys (jwt_verify(token), authenticate(), pre_request()); '
    'readable by the owner only (a pushed HMAC set is a secret)';
-- Every backend's issuer cache (and verified-token cache) follows the columns verification
-- reads; a fetch that brings the same set, or that only records its outcome, flushes nothing.
-- As for jwt_auth.keys, logical replication's apply worker fires the row triggers enabled
-- ALWAYS or REPLICA: a subscriber's open sessions hear of every applied change.
CREATE TRIGGER issuers_changed AFTER INSERT OR DELETE OR TRUNCATE ON jwt_auth.issuers
    FOR EACH STATEMENT EXECUTE FUNCTION jwt_auth._issuers_changed();
CREATE TRIGGER issuers_altered AFTER UPDATE ON jwt_auth.issuers FOR EACH ROW
    WHEN ((OLD.issuer, OLD.jwks_uri, OLD.jwks, OLD.audience, OLD.algorithms, OLD.role_claim,
           OLD.user_claim, OLD.default_role, OLD.roles, OLD.leeway, OLD.enabled)
          IS DISTINCT FROM
          (NEW.issuer, NEW.jwks_uri, NEW.jwks, NEW.audience, NEW.algorithms, NEW.role_claim,
           NEW.user_claim, NEW.default_role, NEW.roles, NEW.leeway, NEW.enabled))
    EXECUTE FUNCTION jwt_auth._issuers_changed();
CREATE TRIGGER issuers_applied AFTER INSERT OR DELETE ON jwt_auth.issuers
    FOR EACH ROW EXECUTE FUNCTION jwt_auth._issuers_changed();
ALTER TABLE jwt_auth.issuers ENABLE ALWAYS TRIGGER issuers_changed;
ALTER TABLE jwt_auth.issuers ENABLE ALWAYS TRIGGER issuers_altered;
ALTER TABLE jwt_auth.issuers ENABLE REPLICA TRIGGER issuers_applied;

-- Not STRICT: a NULL is error 22004, as elsewhere.
CREATE FUNCTION jwt_auth._issuer_jwks_check(jwks jsonb, secret boolean) RETURNS integer
AS 'MODULE_PATHNAME', 'jwt_auth_issuer_jwks_check' LANGUAGE C IMMUTABLE;
COMMENT ON FUNCTION jwt_auth._issuer_jwks_check(jsonb, boolean) IS
    'internal: the keys of an issuer''s JWK set that verify signatures; 22023 for a set that is not one, '
    'holds a private key, or an HMAC secret unless secret';
CREATE FUNCTION jwt_auth._claim_path_check(path text) RETURNS void
AS 'MODULE_PATHNAME', 'jwt_auth_claim_path_check' LANGUAGE C IMMUTABLE;
COMMENT ON FUNCTION jwt_auth._claim_path_check(text) IS 'internal: 22023 unless path is a claim path';

-- The settings of an issuer as they will be stored, checked together.
CREATE FUNCTION jwt_auth._issuer_check(i jwt_auth.issuers) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    known CONSTANT text[] := ARRAY['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512',
                                   'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
    hmac boolean;
BEGIN
    IF i.issuer IS NULL OR i.issuer OPERATOR(pg_catalog.=) '' OR pg_catalog.length(i.issuer) > 1024 THEN
        RAISE EXCEPTION 'invalid issuer' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'An issuer is the exact "iss" string of its tokens: 1 to 1024 characters.';
    END IF;
    IF i.issuer OPERATOR(pg_catalog.=) pg_catalog.current_setting('jwt_auth.issuer', true) THEN
        RAISE EXCEPTION 'issuer "%" is jwt_auth''s own (the setting jwt_auth.issuer)', i.issuer
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The tokens jwt_auth signs verify with jwt_auth.keys; register other issuers only.';
    END IF;
    IF i.jwks_uri IS NOT NULL AND i.jwks_uri !~ '^https://[^/?#@[:space:]]+(/[^[:space:]]*)?$' THEN
        RAISE EXCEPTION 'invalid jwks_uri' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Keys are fetched over HTTPS only: the jwks_uri is an https:// URL.';
    END IF;
    IF i.audience IS NULL THEN
        RAISE EXCEPTION 'an issuer needs the audiences its tokens must name'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass audience => ARRAY[''your-api''] (the "aud" your tokens carry), or audience => ''{}'' to accept a token of this issuer meant for any audience.';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.unnest(i.audience) a WHERE a IS NULL OR a OPERATOR(pg_catalog.=) '') THEN
        RAISE EXCEPTION 'an audience is a non-empty string' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF i.algorithms IS NULL OR pg_catalog.cardinality(i.algorithms) OPERATOR(pg_catalog.=) 0 OR
       NOT i.algorithms OPERATOR(pg_catalog.<@) known THEN
        RAISE EXCEPTION 'unsupported algorithm' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'An issuer''s algorithms are some of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 and EdDSA ("none" never).';
    END IF;
    hmac := i.algorithms OPERATOR(pg_catalog.&&) known[1:3];
    IF hmac AND NOT i.algorithms OPERATOR(pg_catalog.<@) known[1:3] THEN
        RAISE EXCEPTION 'an issuer uses HMAC or public keys, not both' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A token that could be checked with either invites algorithm confusion.';
    END IF;
    IF hmac AND i.jwks_uri IS NOT NULL THEN
        RAISE EXCEPTION 'an HMAC issuer''s secret is pushed, never fetched' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass the secret as an oct JWK set (jwks => ...), without a jwks_uri.';
    END IF;
    PERFORM jwt_auth._claim_path_check(i.role_claim);
    IF i.user_claim IS NULL OR pg_catalog.length(i.user_claim) NOT BETWEEN 1 AND 256
       OR i.user_claim ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'invalid user claim' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The user claim is the name of a top-level claim, such as sub or email.';
    END IF;
    IF i.roles IS NULL OR EXISTS (SELECT FROM pg_catalog.unnest(i.roles) r WHERE r IS NULL OR r OPERATOR(pg_catalog.=) '')
       OR i.default_role OPERATOR(pg_catalog.=) '' THEN
        RAISE EXCEPTION 'a role is a non-empty name' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF i.default_role IS NULL AND pg_catalog.cardinality(i.roles) OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'an issuer needs a default_role or the roles it may grant'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A token of this issuer acts as the role its role claim names, if roles lists it, else as default_role.';
    END IF;
    IF i.leeway OPERATOR(pg_catalog.<) '0'::interval THEN
        RAISE EXCEPTION 'leeway must not be negative' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF i.jwks IS NOT NULL THEN
        PERFORM jwt_auth._issuer_jwks_check(i.jwks, hmac);
    END IF;
END
$$;
COMMENT ON FUNCTION jwt_auth._issuer_check(jwt_auth.issuers) IS 'internal: 22023 unless the row is a usable issuer';

CREATE FUNCTION jwt_auth.issuer_add(issuer text, jwks jsonb DEFAULT NULL, jwks_uri text DEFAULT NULL,
                                    audience text[] DEFAULT NULL, algorithms text[] DEFAULT NULL,
                                    role_claim text DEFAULT '.role', user_claim text DEFAULT 'sub',
                                    default_role text DEFAULT NULL, roles text[] DEFAULT NULL,
                                    leeway interval DEFAULT NULL)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    i jwt_auth.issuers;
BEGIN
    i.issuer := issuer;
    i.jwks := jwks;
    i.jwks_uri := jwks_uri;
    i.audience := audience;
    i.algorithms := coalesce(algorithms, ARRAY['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
                                               'ES256', 'ES384', 'ES512', 'EdDSA']);
    i.role_claim := role_claim;
    i.user_claim := user_claim;
    i.default_role := default_role;
    i.roles := coalesce(roles, '{}');
    i.leeway := leeway;
    i.enabled := true;
    i.created_at := pg_catalog.now();
    i.changed_at := i.created_at;
    -- the worker fetches a jwks_uri issuer's keys at once
    i.next_fetch_at := CASE WHEN jwks_uri IS NOT NULL THEN i.created_at END;
    PERFORM jwt_auth._issuer_check(i);
    IF EXISTS (SELECT FROM jwt_auth.issuers s WHERE s.issuer OPERATOR(pg_catalog.=) i.issuer) THEN
        RAISE EXCEPTION 'issuer "%" is already registered', i.issuer USING ERRCODE = 'unique_violation',
            HINT = 'Change it with issuer_alter, or issuer_remove it first.';
    END IF;
    INSERT INTO jwt_auth.issuers SELECT i.*;
    RETURN i.issuer;
END
$$;
COMMENT ON FUNCTION jwt_auth.issuer_add(text, jsonb, text, text[], text[], text, text, text, text[], interval) IS
    'register an issuer whose tokens verify with its own keys (a pushed JWK set, or fetched from jwks_uri); returns its iss';

-- NULL leaves a setting as it is; '' clears jwks_uri and default_role.
CREATE FUNCTION jwt_auth.issuer_alter(issuer text, jwks_uri text DEFAULT NULL, audience text[] DEFAULT NULL,
                                      algorithms text[] DEFAULT NULL, role_claim text DEFAULT NULL,
                                      user_claim text DEFAULT NULL, default_role text DEFAULT NULL,
                                      roles text[] DEFAULT NULL, leeway interval DEFAULT NULL,
                                      enabled boolean DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    i jwt_auth.issuers;
    was_uri text;
BEGIN
    SELECT * INTO i FROM jwt_auth.issuers s WHERE s.issuer OPERATOR(pg_catalog.=) issuer_alter.issuer FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no issuer is registered as "%"', issuer USING ERRCODE = 'invalid_parameter_value';
    END IF;
    was_uri := i.jwks_uri;
    i.jwks_uri := CASE jwks_uri WHEN '' THEN NULL ELSE coalesce(jwks_uri, i.jwks_uri) END;
    i.audience := coalesce(audience, i.audience);
    i.algorithms := coalesce(algorithms, i.algorithms);
    i.role_claim := coalesce(role_claim, i.role_claim);
    i.user_claim := coalesce(user_claim, i.user_claim);
    i.default_role := CASE default_role WHEN '' THEN NULL ELSE coalesce(default_role, i.default_role) END;
    i.roles := coalesce(roles, i.roles);
    i.leeway := coalesce(leeway, i.leeway);
    i.enabled := coalesce(enabled, i.enabled);
    i.changed_at := pg_catalog.now();
    IF i.jwks_uri IS DISTINCT FROM was_uri THEN
        i.next_fetch_at := CASE WHEN i.jwks_uri IS NOT NULL THEN i.changed_at END;
    END IF;
    PERFORM jwt_auth._issuer_check(i);
    UPDATE jwt_auth.issuers s SET jwks_uri = i.jwks_uri, audience = i.audience, algorithms = i.algorithms,
           role_claim = i.role_claim, user_claim = i.user_claim, default_role = i.default_role,
           roles = i.roles, leeway = i.leeway, enabled = i.enabled, changed_at = i.changed_at,
           next_fetch_at = i.next_fetch_at
     WHERE s.issuer OPERATOR(pg_catalog.=) i.issuer;
END
$$;
COMMENT ON FUNCTION jwt_auth.issuer_alter(text, text, text[], text[], text, text, text, text[], interval, boolean) IS
    'change an issuer''s settings (NULL: unchanged; '''' clears jwks_uri or default_role); enabled => false refuses its tokens at once';

CREATE FUNCTION jwt_auth.issuer_set_jwks(issuer text, jwks jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    i jwt_auth.issuers;
BEGIN
    IF jwks IS NULL THEN
        RAISE EXCEPTION 'jwks must not be null' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Push {"keys": []} to take every key away.';
    END IF;
    SELECT * INTO i FROM jwt_auth.issuers s WHERE s.issuer OPERATOR(pg_catalog.=) issuer_set_jwks.issuer FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no issuer is registered as "%"', issuer USING ERRCODE = 'invalid_parameter_value';
    END IF;
    i.jwks := jwks;
    PERFORM jwt_auth._issuer_check(i);
    UPDATE jwt_auth.issuers s SET jwks = i.jwks, changed_at = pg_catalog.now()
     WHERE s.issuer OPERATOR(pg_catalog.=) i.issuer;
    RETURN jwt_auth._issuer_jwks_check(jwks, i.algorithms OPERATOR(pg_catalog.&&) ARRAY['HS256', 'HS384', 'HS512']);
END
$$;
COMMENT ON FUNCTION jwt_auth.issuer_set_jwks(text, jsonb) IS
    'push an issuer''s JWK set (it replaces the one before: a key left out stops verifying at once); returns the keys that verify';

-- A set fetched from the issuer's jwks_uri (fetch.sql): public keys only. Returns the keys that verify.
CREATE FUNCTION jwt_auth._issuer_store_jwks(issuer text, jwks jsonb) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n integer := jwt_auth._issuer_jwks_check(jwks, false);
BEGIN
    UPDATE jwt_auth.issuers s SET jwks = _issuer_store_jwks.jwks, fetched_at = pg_catalog.now(),
           fetch_attempted_at = pg_catalog.now(), fetch_error = NULL
     WHERE s.issuer OPERATOR(pg_catalog.=) _issuer_store_jwks.issuer;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no issuer is registered as "%"', issuer USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN n;
END
$$;
COMMENT ON FUNCTION jwt_auth._issuer_store_jwks(text, jsonb) IS 'internal: store a JWK set fetched for an issuer';

CREATE FUNCTION jwt_auth.issuer_remove(issuer text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM jwt_auth.issuers s WHERE s.issuer OPERATOR(pg_catalog.=) issuer_remove.issuer;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no issuer is registered as "%"', issuer USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION jwt_auth.issuer_remove(text) IS 'forget an issuer: its tokens are refused at once';

CREATE FUNCTION jwt_auth.user_id() RETURNS text
AS 'MODULE_PATHNAME', 'jwt_auth_user_id' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION jwt_auth.user_id() IS
    'the current request''s user as text: its issuer''s user claim (sub unless set otherwise), or NULL';

REVOKE ALL ON TABLE jwt_auth.issuers FROM PUBLIC;
REVOKE ALL ON FUNCTION jwt_auth._issuers_changed(), jwt_auth._issuer_jwks_check(jsonb, boolean),
    jwt_auth._claim_path_check(text), jwt_auth._issuer_check(jwt_auth.issuers),
    jwt_auth.issuer_add(text, jsonb, text, text[], text[], text, text, text, text[], interval),
    jwt_auth.issuer_alter(text, text, text[], text[], text, text, text, text[], interval, boolean),
    jwt_auth.issuer_set_jwks(text, jsonb), jwt_auth._issuer_store_jwks(text, jsonb),
    jwt_auth.issuer_remove(text), jwt_auth.user_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION jwt_auth.user_id() TO PUBLIC;

------------------------------------------------------------------------
-- Keys fetched from a jwks_uri (issue 17; src/sql/fetch.sql): the HTTPS
-- GET under the jwt_auth.fetch_* settings, the trigger that wakes the
-- worker, issuer_refresh() and issuer_discover(). Owner-only, as in a
-- fresh install.
------------------------------------------------------------------------
CREATE FUNCTION jwt_auth._issuer_fetch(url text, OUT status integer, OUT body text,
                                       OUT max_age integer, OUT error text)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_issuer_fetch' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION jwt_auth._issuer_fetch(text) IS
    'internal: one HTTPS GET under the jwt_auth.fetch_* settings: the HTTP status, the body, the Cache-Control max-age, and why it failed (never raised)';

-- An issuer added, enabled or given another jwks_uri is fetched at once: the worker is woken when
-- the transaction commits (its own writes of the fetch status do not wake it).
CREATE FUNCTION jwt_auth._issuers_fetch_wake() RETURNS trigger
AS 'MODULE_PATHNAME', 'jwt_auth_issuers_fetch_wake' LANGUAGE C;
COMMENT ON FUNCTION jwt_auth._issuers_fetch_wake() IS
    'internal: wakes the key-fetching worker when the transaction commits';
CREATE TRIGGER issuers_fetch_wake AFTER INSERT OR UPDATE OF jwks_uri, enabled ON jwt_auth.issuers
    FOR EACH STATEMENT EXECUTE FUNCTION jwt_auth._issuers_fetch_wake();

-- Success: the set replaces the one before (a key the provider dropped stops verifying) and the
-- next fetch is max-age on, within [fetch_min_interval, fetch_max_interval] (no max-age: an hour,
-- within them; no-cache or no-store: fetch_min_interval). Failure (no answer, not a 200, not a
-- public JWK set): the set is kept, the error recorded, a WARNING says why, the next try is
-- fetch_cooldown on, and the result is false.
CREATE FUNCTION jwt_auth.issuer_refresh(issuer text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    uri text;
    got record;
    problem text;
    why text;
    next_in interval;
BEGIN
    IF pg_catalog.pg_is_in_recovery() THEN
        RAISE EXCEPTION 'cannot fetch an issuer''s keys on a standby' USING ERRCODE = 'read_only_sql_transaction',
            HINT = 'The primary fetches them; its sets replay here.';
    END IF;
    SELECT s.jwks_uri INTO uri FROM jwt_auth.issuers s WHERE s.issuer OPERATOR(pg_catalog.=) issuer_refresh.issuer;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no issuer is registered as "%"', issuer USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF uri IS NULL THEN
        RAISE EXCEPTION 'issuer "%" has no jwks_uri', issuer USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Its keys are pushed with issuer_set_jwks; issuer_alter(issuer, jwks_uri => ...) gives it one.';
    END IF;
    got := jwt_auth._issuer_fetch(uri);
    problem := got.error;
    IF problem IS NULL THEN
        BEGIN
            PERFORM jwt_auth._issuer_store_jwks(issuer_refresh.issuer, got.body::jsonb);
        EXCEPTION WHEN data_exception OR program_limit_exceeded THEN  -- not JSON, not a public set, too deep
            GET STACKED DIAGNOSTICS why = PG_EXCEPTION_DETAIL;
            problem := 'the answer is not a public JWK set: ' || SQLERRM || coalesce(' (' || nullif(why, '') || ')', '');
        END;
    END IF;
    IF problem IS NULL THEN
        next_in := coalesce(got.max_age * interval '1 second', interval '1 hour');
        next_in := greatest(least(next_in, pg_catalog.current_setting('jwt_auth.fetch_max_interval')::interval),
                            pg_catalog.current_setting('jwt_auth.fetch_min_interval')::interval);
        UPDATE jwt_auth.issuers s SET next_fetch_at = pg_catalog.now() + next_in
         WHERE s.issuer OPERATOR(pg_catalog.=) issuer_refresh.issuer;
        RETURN true;
    END IF;
    UPDATE jwt_auth.issuers s SET fetch_attempted_at = pg_catalog.now(), fetch_error = problem,
           fetch_error_at = pg_catalog.now(),
           next_fetch_at = pg_catalog.now() + pg_catalog.current_setting('jwt_auth.fetch_cooldown')::interval
     WHERE s.issuer OPERATOR(pg_catalog.=) issuer_refresh.issuer;
    RAISE WARNING 'the keys of issuer "%" could not be fetched', issuer USING DETAIL = problem,
        HINT = 'Its last good set still verifies; the next try is after jwt_auth.fetch_cooldown.';
    RETURN false;
END
$$;
COMMENT ON FUNCTION jwt_auth.issuer_refresh(text) IS
    'fetch an issuer''s JWK set from its jwks_uri now; false (and a WARNING) when it failed, the last good set kept';

-- OpenID Connect Discovery 1.0: the document at url/.well-known/openid-configuration (a
-- final / of url dropped) must name url itself, exactly, as its issuer (section 4.3).
-- Registered with issuer_add and fetched with issuer_refresh in one go: nothing stays when
-- anything fails.
CREATE FUNCTION jwt_auth.issuer_discover(url text, audience text[] DEFAULT NULL, algorithms text[] DEFAULT NULL,
                                         role_claim text DEFAULT '.role', user_claim text DEFAULT 'sub',
                                         default_role text DEFAULT NULL, roles text[] DEFAULT NULL,
                                         leeway interval DEFAULT NULL)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    got record;
    doc jsonb;
    problem text;
BEGIN
    IF url IS NULL THEN
        RAISE EXCEPTION 'url must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    got := jwt_auth._issuer_fetch(pg_catalog.rtrim(url, '/') || '/.well-known/openid-configuration');
    IF got.error IS NOT NULL THEN
        RAISE EXCEPTION 'the discovery document of "%" could not be fetched', url
            USING ERRCODE = 'invalid_parameter_value', DETAIL = got.error;
    END IF;
    BEGIN
        doc := got.body::jsonb;
    EXCEPTION WHEN data_exception OR program_limit_exceeded THEN
        doc := NULL;
    END;
    IF pg_catalog.jsonb_typeof(doc) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'the discovery document of "%" is not a JSON object', url
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF pg_catalog.jsonb_typeof(doc -> 'issuer') IS DISTINCT FROM 'string'
       OR (doc ->> 'issuer') OPERATOR(pg_catalog.<>) url THEN
        RAISE EXCEPTION 'the discovery document of "%" names another issuer', url
            USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('Its issuer is %s; it must be the URL asked for, exactly.',
                                       coalesce(pg_catalog.left(doc ->> 'issuer', 200), 'missing')),
            HINT = 'OpenID Connect Discovery 1.0, section 4.3. Mind a final /: Auth0''s issuers have one.';
    END IF;
    IF pg_catalog.jsonb_typeof(doc -> 'jwks_uri') IS DISTINCT FROM 'string' THEN
        RAISE EXCEPTION 'the discovery document of "%" has no jwks_uri', url
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM jwt_auth.issuer_add(url, NULL, doc ->> 'jwks_uri', audience, algorithms, role_claim,
                                user_claim, default_role, roles, leeway);
    IF NOT jwt_auth.issuer_refresh(url) THEN
        SELECT s.fetch_error INTO problem FROM jwt_auth.issuers s WHERE s.issuer OPERATOR(pg_catalog.=) url;
        RAISE EXCEPTION 'the keys of "%" could not be fetched from its jwks_uri', url
            USING ERRCODE = 'invalid_parameter_value', DETAIL = problem, HINT = 'Nothing was registered.';
    END IF;
    RETURN url;
END
$$;
COMMENT ON FUNCTION jwt_auth.issuer_discover(text, text[], text[], text, text, text, text[], interval) IS
    'register an OpenID Connect issuer from its discovery document (url/.well-known/openid-configuration) and fetch its keys; returns its iss';

REVOKE ALL ON FUNCTION jwt_auth._issuer_fetch(text), jwt_auth._issuers_fetch_wake(),
    jwt_auth.issuer_refresh(text),
    jwt_auth.issuer_discover(text, text[], text[], text, text, text, text[], interval) FROM PUBLIC;

------------------------------------------------------------------------
-- Speed (issue 15): the session and user rows authenticate() reads are
-- kept per backend while no commit has changed them (see sessions.sql).
------------------------------------------------------------------------

-- What authenticate() and pre_request() read of a session and its user,
-- a backend keeps while no commit has changed it (src/pg/changes.c, with
-- jwt_auth preloaded): these triggers note each change of those columns,
-- and its commit tells every backend. They fire ALWAYS, so a logical
-- replication apply worker's changes count too; with any of them
-- missing or not ALWAYS, no backend keeps a row.
CREATE FUNCTION jwt_auth._standing_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'jwt_auth_standing_changed' LANGUAGE C;
COMMENT ON FUNCTION jwt_auth._standing_changed() IS
    'internal: notes a change of a session or user that authenticate() reads, for every backend at commit';
CREATE TRIGGER sessions_changed
    AFTER INSERT OR DELETE OR UPDATE OF id, user_id, expires_at, revoked_at, generation, previous_generation
    ON jwt_auth.sessions FOR EACH ROW EXECUTE FUNCTION jwt_auth._standing_changed();
CREATE TRIGGER sessions_truncated AFTER TRUNCATE ON jwt_auth.sessions
    FOR EACH STATEMENT EXECUTE FUNCTION jwt_auth._standing_changed();
CREATE TRIGGER users_changed AFTER INSERT OR DELETE OR UPDATE OF id, disabled, logout_before
    ON jwt_auth.users FOR EACH ROW EXECUTE FUNCTION jwt_auth._standing_changed();
CREATE TRIGGER users_truncated AFTER TRUNCATE ON jwt_auth.users
    FOR EACH STATEMENT EXECUTE FUNCTION jwt_auth._standing_changed();
ALTER TABLE jwt_auth.sessions ENABLE ALWAYS TRIGGER sessions_changed;
ALTER TABLE jwt_auth.sessions ENABLE ALWAYS TRIGGER sessions_truncated;
ALTER TABLE jwt_auth.users ENABLE ALWAYS TRIGGER users_changed;
ALTER TABLE jwt_auth.users ENABLE ALWAYS TRIGGER users_truncated;

REVOKE ALL ON FUNCTION jwt_auth._standing_changed() FROM PUBLIC;
