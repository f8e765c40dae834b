
------------------------------------------------------------------------
-- Login, sessions and refresh tokens (src/pg/sessions.c does the random
-- tokens, their hashes and the revocation that must outlive an error).
--
-- auth_login opens a session and returns an access token (signed with the
-- active stored key) and a refresh token (opaque, stored as SHA-256).
-- auth_refresh rotates: the token it takes is marked used and a child
-- takes its place, derived from it with the session's key. A used token
-- presented again within jwt_auth.refresh_reuse_interval gets the same
-- child and a fresh access token (two tabs refreshing at once), never a
-- second chain; later, it revokes the whole session (reuse detection).
--
-- Each committed refresh gives the session a new random generation, which
-- the access tokens it mints carry as their gen claim; authenticate() and
-- pre_request() refuse a token whose gen is neither the session's current
-- nor its previous one. A refresh (or a login) whose transaction rolls back
-- (PostgREST's Prefer: tx=rollback, a ROLLBACK TO SAVEPOINT) leaves a token
-- that never verifies, and its refresh token unused.
--
-- The functions that take a password or a token run with
-- log_min_error_statement = panic: when they fail, the server log does
-- not get the statement, whose literals would hold it.
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth._session_key() RETURNS bytea
AS 'MODULE_PATHNAME', 'jwt_auth_session_key' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION jwt_auth._session_key() IS 'internal: 32 random bytes, a new session''s key for its refresh tokens';

CREATE TABLE jwt_auth.sessions (
    id             uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES jwt_auth.users ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    expires_at     timestamptz NOT NULL,   -- created_at + jwt_auth.session_max_lifetime
    refreshed_at   timestamptz,
    revoked_at     timestamptz,
    revoked_reason text CHECK (revoked_reason IN ('logout', 'logout_others', 'logout_global', 'reuse',
                                                  'disabled')),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)),
    refresh_key    bytea NOT NULL DEFAULT jwt_auth._session_key(),  -- derives its refresh tokens
    -- the gen claim of the access tokens of its last two committed refreshes (or its login):
    -- a token minted in a transaction that did not commit carries neither
    generation          uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    previous_generation uuid
);
CREATE INDEX sessions_user_id ON jwt_auth.sessions (user_id);
SELECT pg_catalog.pg_extension_config_dump('jwt_auth.sessions', '');
COMMENT ON TABLE jwt_auth.sessions IS 'one row per login; readable by the owner only';

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

CREATE TABLE jwt_auth.refresh_tokens (
    id         uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
    session_id uuid NOT NULL REFERENCES jwt_auth.sessions ON DELETE CASCADE,
    parent_id  uuid,                       -- the token this one was rotated from
    token_hash bytea NOT NULL UNIQUE CHECK (pg_catalog.octet_length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    expires_at timestamptz NOT NULL,       -- created_at + jwt_auth.refresh_ttl
    used_at    timestamptz                 -- when it was first rotated
);
CREATE INDEX refresh_tokens_session_id ON jwt_auth.refresh_tokens (session_id);
SELECT pg_catalog.pg_extension_config_dump('jwt_auth.refresh_tokens', '');
COMMENT ON TABLE jwt_auth.refresh_tokens IS 'SHA-256 of every refresh token; readable by the owner only';

CREATE FUNCTION jwt_auth._refresh_token_new(OUT token text, OUT token_hash bytea)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_refresh_token_new' LANGUAGE C VOLATILE;
CREATE FUNCTION jwt_auth._refresh_token_hash(token text)
RETURNS bytea AS 'MODULE_PATHNAME', 'jwt_auth_refresh_token_hash' LANGUAGE C STRICT IMMUTABLE;
CREATE FUNCTION jwt_auth._refresh_token_child(parent text, session_key bytea, OUT token text, OUT token_hash bytea)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_refresh_token_child' LANGUAGE C STRICT IMMUTABLE;
CREATE FUNCTION jwt_auth._session_csrf(session_key bytea)
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_session_csrf' LANGUAGE C STRICT IMMUTABLE;
CREATE FUNCTION jwt_auth._session_revoke_detached(session_id uuid, reason text)
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_session_revoke_detached' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION jwt_auth._refresh_token_new() IS 'internal: 256 random bits as base64url, and their SHA-256';
COMMENT ON FUNCTION jwt_auth._refresh_token_hash(text) IS 'internal: SHA-256 of a refresh token';
COMMENT ON FUNCTION jwt_auth._refresh_token_child(text, bytea) IS
    'internal: the refresh token a refresh exchanges parent for (HMAC-SHA256 under the session''s key), and its SHA-256';
COMMENT ON FUNCTION jwt_auth._session_csrf(bytea) IS
    'internal: the session''s CSRF token (the csrf claim of its access tokens), HMAC-SHA256 under its key';
COMMENT ON FUNCTION jwt_auth._session_revoke_detached(uuid, text) IS
    'internal: revoke a session in a transaction of its own (a background worker), so an error after it does not undo it; '
    'revoked, pending (it waits for a transaction that holds the session), no_worker or failed';

CREATE FUNCTION jwt_auth._session_revoke(session_id uuid, reason text) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    UPDATE jwt_auth.sessions s
       SET revoked_at = pg_catalog.now(), revoked_reason = _session_revoke.reason
     WHERE s.id OPERATOR(pg_catalog.=) _session_revoke.session_id AND s.revoked_at IS NULL
$$;
COMMENT ON FUNCTION jwt_auth._session_revoke(uuid, text) IS 'internal: mark a session revoked';

-- A fresh access token for a user's session (its row as the caller's
-- INSERT or UPDATE returned it), with a refresh token: a new random one (a
-- login), or the child a refresh derived, stored unless it already is (the
-- same parent presented again within the reuse interval).
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

CREATE FUNCTION jwt_auth.auth_login(username text, password text) RETURNS jsonb
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
COMMENT ON FUNCTION jwt_auth.auth_login(text, text) IS
    'check a password; returns access_token, token_type, expires_in and refresh_token, or error 28P01';

CREATE FUNCTION jwt_auth.auth_refresh(refresh_token text) RETURNS jsonb
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
COMMENT ON FUNCTION jwt_auth.auth_refresh(text) IS
    'rotate a refresh token: a fresh access token and the refresh token derived from it, or error 28000 (reuse revokes the session)';

CREATE FUNCTION jwt_auth.auth_logout(refresh_token text DEFAULT NULL, scope text DEFAULT 'local')
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
COMMENT ON FUNCTION jwt_auth.auth_logout(text, text) IS
    'revoke this session (local), the user''s other sessions (others) or all of them and every access token issued before (global); '
    'without a refresh token, the session of the claims authenticate() or pre_request() verified';

CREATE FUNCTION jwt_auth.purge_expired() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    sessions bigint;
    tokens bigint;
BEGIN
    PERFORM jwt_auth._require_primary();
    -- a revoked or expired session refuses every token it had; with it gone they stay refused
    DELETE FROM jwt_auth.sessions s
     WHERE s.revoked_at IS NOT NULL OR s.expires_at OPERATOR(pg_catalog.<=) pg_catalog.now();
    GET DIAGNOSTICS sessions = ROW_COUNT;
    DELETE FROM jwt_auth.refresh_tokens r WHERE r.expires_at OPERATOR(pg_catalog.<=) pg_catalog.now();
    GET DIAGNOSTICS tokens = ROW_COUNT;
    RETURN sessions OPERATOR(pg_catalog.+) tokens;
END
$$;
COMMENT ON FUNCTION jwt_auth.purge_expired() IS
    'delete revoked and expired sessions and expired refresh tokens; returns the rows deleted (for pg_cron)';
