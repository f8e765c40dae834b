------------------------------------------------------------------------
-- The password lifecycle: change, reset, email verification, sign-up.
--
-- A reset or verification token is 256 random bits (base64url), stored
-- only as its SHA-256 in jwt_auth.one_time_tokens, one row per user and
-- purpose: a newer token replaces the older one. auth_reset_request and
-- auth_verification_request hand a token to the application server (to be
-- mailed) and are the owner's; for a username of no user (or a disabled
-- one) they answer a token of the same form after the same work, which no
-- row holds. auth_reset and auth_verify consume a token under a row lock,
-- so two calls with one token never both succeed, and count against the
-- login throttle (src/pg/throttle.c) like a failed login, for the token's
-- user, or for a name no user can have and the client address.
-- auth_change_password acts for the user whose claims authenticate() or
-- pre_request() verified; auth_signup is off unless jwt_auth.signup_enabled.
-- Under jwt_auth.require_verified_email, auth_login (src/sql/sessions.sql)
-- refuses a user whose email is not verified with its one 28P01.
------------------------------------------------------------------------

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
