
------------------------------------------------------------------------
-- Request context (src/context.c): the current request's claims for RLS
-- policies, authenticate() for application servers, pre_request() for
-- PostgREST. claims() is the claims authenticate() verified in this
-- transaction; failing that PostgREST's request.jwt.claims, unless
-- jwt_auth.trust_request_claims is off.
------------------------------------------------------------------------

-- Why a verified token no longer stands (NULL: it does). Run by
-- src/context.c as the tables' owner; not callable by others.
CREATE FUNCTION jwt_auth._session_refusal(claims jsonb) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    uuid_re CONSTANT text := '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
    sub text := claims OPERATOR(pg_catalog.->>) 'sub';
    sid text := claims OPERATOR(pg_catalog.->>) 'sid';
    ses record;
    u record;
BEGIN
    IF claims ? 'sid' THEN
        IF pg_catalog.jsonb_typeof(claims OPERATOR(pg_catalog.->) 'sid') OPERATOR(pg_catalog.<>) 'string'
           OR sid !~ uuid_re THEN
            RETURN 'The sid claim is not a session id.';
        END IF;
        SELECT s.user_id, s.revoked_at, s.expires_at INTO ses
          FROM jwt_auth.sessions s WHERE s.id OPERATOR(pg_catalog.=) sid::uuid;
        IF NOT FOUND THEN
            RETURN 'The session does not exist.';
        ELSIF ses.revoked_at IS NOT NULL THEN
            RETURN 'The session is revoked.';
        ELSIF ses.expires_at OPERATOR(pg_catalog.<=) pg_catalog.now() THEN
            RETURN 'The session has expired.';
        ELSIF sub IS DISTINCT FROM ses.user_id::text THEN
            RETURN 'The token does not belong to its session.';
        END IF;
    END IF;
    IF sub ~ uuid_re THEN
        SELECT x.disabled, x.logout_before INTO u FROM jwt_auth.users x WHERE x.id OPERATOR(pg_catalog.=) sub::uuid;
        IF FOUND THEN
            IF u.disabled THEN
                RETURN 'The user is disabled.';
            END IF;
            IF u.logout_before IS NOT NULL AND
               (pg_catalog.jsonb_typeof(claims OPERATOR(pg_catalog.->) 'iat') IS DISTINCT FROM 'number' OR
                (claims OPERATOR(pg_catalog.->>) 'iat')::numeric OPERATOR(pg_catalog.<)
                    pg_catalog.floor(EXTRACT(epoch FROM u.logout_before))) THEN
                RETURN 'The token was issued before the user logged out everywhere.';
            END IF;
        ELSIF claims ? 'sid' THEN
            RETURN 'The user does not exist.';
        END IF;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION jwt_auth._session_refusal(jsonb) IS 'internal: why verified claims no longer stand, or NULL';

CREATE FUNCTION jwt_auth.authenticate(token text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_auth_authenticate' LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION jwt_auth.pre_request() RETURNS void
AS 'MODULE_PATHNAME', 'jwt_auth_pre_request' LANGUAGE C VOLATILE PARALLEL UNSAFE;
-- backend memory, which parallel workers do not share: PARALLEL RESTRICTED
CREATE FUNCTION jwt_auth.claims() RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_auth_claims' LANGUAGE C STABLE PARALLEL RESTRICTED;
CREATE FUNCTION jwt_auth.claim(name text) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, pg_temp AS $$
    SELECT jwt_auth.claims() OPERATOR(pg_catalog.->) name
$$;
CREATE FUNCTION jwt_auth.uid() RETURNS uuid
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN s ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
                THEN s::uuid END
      FROM (SELECT jwt_auth.claims() OPERATOR(pg_catalog.->>) 'sub') AS c(s)
$$;
CREATE FUNCTION jwt_auth.role() RETURNS text
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, pg_temp AS $$
    SELECT jwt_auth.claims() OPERATOR(pg_catalog.->>) 'role'
$$;
COMMENT ON FUNCTION jwt_auth.authenticate(text) IS
    'verify a token with the stored keys and its session, SET LOCAL ROLE to its role, and make its claims the request''s';
COMMENT ON FUNCTION jwt_auth.pre_request() IS
    'for PostgREST''s db-pre-request: error 28000 when the request''s session is revoked or its user logged out everywhere';
COMMENT ON FUNCTION jwt_auth.claims() IS 'the current request''s claims (authenticate() first, else request.jwt.claims), or NULL';
COMMENT ON FUNCTION jwt_auth.claim(text) IS 'one claim of the current request, or NULL';
COMMENT ON FUNCTION jwt_auth.uid() IS 'the current request''s sub as a uuid (a user id), or NULL';
COMMENT ON FUNCTION jwt_auth.role() IS 'the current request''s role claim, or NULL';
