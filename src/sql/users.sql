
------------------------------------------------------------------------
-- Users (plain SQL over pgcrypto): who may log in, with which password
-- hash, role and extra claims. Usernames are unique case-insensitively.
-- Passwords are hashed with crypt(p, gen_salt('bf', jwt_auth.bcrypt_cost));
-- bcrypt reads 72 bytes, so a longer password is refused, never cut.
------------------------------------------------------------------------

CREATE TABLE jwt_auth.users (
    id            uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
    username      text NOT NULL CHECK (pg_catalog.length(username) BETWEEN 1 AND 256
                                       AND username !~ '[[:cntrl:]]'),
    password_hash text,          -- a crypt() or imported hash (_hash_import); NULL: no login
    role          text,          -- NULL: jwt_auth.default_role
    claims        jsonb NOT NULL DEFAULT '{}' CHECK (pg_catalog.jsonb_typeof(claims) = 'object'),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_login_at timestamptz,
    logout_before timestamptz,   -- set by a global logout: older access tokens are refused
    verified_at   timestamptz    -- email verified (auth_verify, auth_reset); see jwt_auth.require_verified_email
);
CREATE UNIQUE INDEX users_username_key ON jwt_auth.users (pg_catalog.lower(username));
SELECT pg_catalog.pg_extension_config_dump('jwt_auth.users', '');
COMMENT ON TABLE jwt_auth.users IS 'users who log in with auth_login; readable by the owner only';

-- pgcrypto's crypt() and gen_salt(): its C functions themselves, bound
-- here so that the functions below, which pin their search_path, reach
-- them whichever schema pgcrypto was installed in, and call bcrypt with no
-- SQL function in between.
CREATE FUNCTION jwt_auth._crypt(password text, salt text) RETURNS text
AS '$libdir/pgcrypto', 'pg_crypt' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION jwt_auth._gen_salt(type text, rounds integer) RETURNS text
AS '$libdir/pgcrypto', 'pg_gen_salt_rounds' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION jwt_auth._crypt(text, text) IS 'internal: pgcrypto''s crypt()';
COMMENT ON FUNCTION jwt_auth._gen_salt(text, integer) IS 'internal: pgcrypto''s gen_salt()';

CREATE FUNCTION jwt_auth._settings(OUT access_ttl interval, OUT refresh_ttl interval,
                                   OUT session_max_lifetime interval, OUT refresh_reuse_interval interval,
                                   OUT bcrypt_cost integer, OUT min_password_length integer,
                                   OUT default_role text)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_settings' LANGUAGE C STABLE;
COMMENT ON FUNCTION jwt_auth._settings() IS 'internal: the login settings, typed';

-- Writes need the primary; say so plainly on a standby (src/pg/sessions.c).
CREATE FUNCTION jwt_auth._require_primary() RETURNS void
AS 'MODULE_PATHNAME', 'jwt_auth_require_primary' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION jwt_auth._require_primary() IS 'internal: error 25006 on a hot standby';

-- A password as a new hash under jwt_auth.password_hash (bcrypt at
-- jwt_auth.bcrypt_cost, or Argon2id), after the length checks: bcrypt reads
-- 72 bytes, so a longer password is refused under it, never cut.
CREATE FUNCTION jwt_auth._password_hash(password text) RETURNS text
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
-- An imported hash, checked and normalised (src/pg/passwords.c): bcrypt's
-- $2b$ and $2y$ become $2a$, which pgcrypto reads as bcrypt (it would take
-- them for DES and never match), Django's bcrypt$ prefix goes; the other
-- forms (passwords.h) stay as given. A hash of no known form, or one whose
-- cost is beyond a bound, is error 22023 saying which.
CREATE FUNCTION jwt_auth._hash_import(password_hash text) RETURNS text
AS 'MODULE_PATHNAME', 'jwt_auth_hash_import' LANGUAGE C CALLED ON NULL INPUT VOLATILE;
COMMENT ON FUNCTION jwt_auth._hash_import(text) IS
    'internal: a checked, normalised imported hash (crypt(), SHA-crypt, Argon2, PBKDF2, scrypt, Django, Werkzeug and passlib forms)';

-- Whether a password matches a stored hash of any form _hash_import keeps;
-- false, never an error, for a hash it does not read.
CREATE FUNCTION jwt_auth._password_verify(password text, password_hash text) RETURNS boolean
AS 'MODULE_PATHNAME', 'jwt_auth_password_verify' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION jwt_auth._password_verify(text, text) IS
    'internal: does a password match a stored hash (bcrypt and the other crypt() forms through pgcrypto)';

CREATE FUNCTION jwt_auth._role_check(role text) RETURNS void
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

CREATE FUNCTION jwt_auth._user_insert(username text, password_hash text, role text, claims jsonb)
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
COMMENT ON FUNCTION jwt_auth._user_insert(text, text, text, jsonb) IS 'internal: store a user';

CREATE FUNCTION jwt_auth.user_create(username text, password text, role text DEFAULT NULL,
                                     claims jsonb DEFAULT '{}')
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
BEGIN
    RETURN jwt_auth._user_insert(username, jwt_auth._password_hash(password), role, claims);
END
$$;
COMMENT ON FUNCTION jwt_auth.user_create(text, text, text, jsonb) IS
    'new user with a bcrypt-hashed password; returns its id (the sub of its tokens)';

CREATE FUNCTION jwt_auth.user_import(username text, password_hash text, role text DEFAULT NULL,
                                     claims jsonb DEFAULT '{}')
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
BEGIN
    RETURN jwt_auth._user_insert(username, jwt_auth._hash_import(password_hash), role, claims);
END
$$;
COMMENT ON FUNCTION jwt_auth.user_import(text, text, text, jsonb) IS
    'new user with an existing hash (bcrypt, md5-crypt, DES, SHA-crypt, Argon2, PBKDF2, scrypt; Django, Werkzeug and passlib forms); re-hashed at its next good login';

-- The user a username names, locked; error 42704 when there is none.
CREATE FUNCTION jwt_auth._user_lock(username text) RETURNS uuid
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
COMMENT ON FUNCTION jwt_auth._user_lock(text) IS 'internal: lock the user a username names';

CREATE FUNCTION jwt_auth.user_set_password(username text, password text)
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
COMMENT ON FUNCTION jwt_auth.user_set_password(text, text) IS 'new password for a user; its sessions stay';

CREATE FUNCTION jwt_auth.user_set_disabled(username text, disabled boolean DEFAULT true)
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

CREATE FUNCTION jwt_auth.user_delete(username text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target uuid := jwt_auth._user_lock(username);
BEGIN
    DELETE FROM jwt_auth.users u WHERE u.id OPERATOR(pg_catalog.=) target;
END
$$;
COMMENT ON FUNCTION jwt_auth.user_delete(text) IS 'delete a user with its sessions and refresh tokens';
