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
