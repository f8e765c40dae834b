------------------------------------------------------------------------
-- Keys fetched from a jwks_uri (src/pg/fetch.c, src/core/http.c): one
-- HTTPS GET under the jwt_auth.fetch_* settings (https only, certificates
-- verified, a timeout, a body cap, the allowed hosts, redirects off unless
-- asked for); issuer_refresh() stores what it brings or records why not
-- (the last good set stays); issuer_discover() registers an issuer from
-- its OpenID Connect discovery document. With jwt_auth preloaded, a
-- background worker calls issuer_refresh() when next_fetch_at comes, and
-- when a token names a kid its issuer's set lacks (once per fetch_cooldown).
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
