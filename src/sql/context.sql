
------------------------------------------------------------------------
-- Request context (src/pg/context.c): the current request's claims for RLS
-- policies, authenticate() for application servers, pre_request() for
-- PostgREST. claims() is the claims authenticate() verified in this
-- transaction; failing that PostgREST's request.jwt.claims, unless
-- jwt_auth.trust_request_claims is off.
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth.authenticate(token text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_auth_authenticate' LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION jwt_auth.pre_request() RETURNS void
AS 'MODULE_PATHNAME', 'jwt_auth_pre_request' LANGUAGE C VOLATILE PARALLEL UNSAFE;
-- backend memory, which parallel workers do not share: PARALLEL RESTRICTED
CREATE FUNCTION jwt_auth.claims() RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_auth_claims' LANGUAGE C STABLE PARALLEL RESTRICTED;
CREATE FUNCTION jwt_auth.claim(name text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_auth_claim' LANGUAGE C STABLE PARALLEL RESTRICTED;
CREATE FUNCTION jwt_auth.uid() RETURNS uuid
AS 'MODULE_PATHNAME', 'jwt_auth_uid' LANGUAGE C STABLE PARALLEL RESTRICTED;
CREATE FUNCTION jwt_auth.role() RETURNS text
AS 'MODULE_PATHNAME', 'jwt_auth_role' LANGUAGE C STABLE PARALLEL RESTRICTED;
CREATE FUNCTION jwt_auth._verified_claims() RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_auth_verified_claims' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION jwt_auth.authenticate(text) IS
    'verify a token with the stored keys and its session, SET LOCAL ROLE to its role, and make its claims the request''s';
COMMENT ON FUNCTION jwt_auth.pre_request() IS
    'for PostgREST''s db-pre-request: verify the request''s Bearer token and make its claims the request''s; '
    'error 28000 when its session is revoked, its user logged out everywhere, or it names no role';
COMMENT ON FUNCTION jwt_auth.claims() IS 'the current request''s claims (authenticate() first, else request.jwt.claims), or NULL';
COMMENT ON FUNCTION jwt_auth.claim(text) IS 'one claim of the current request, or NULL';
COMMENT ON FUNCTION jwt_auth.uid() IS 'the current request''s sub as a uuid (a user id), or NULL';
COMMENT ON FUNCTION jwt_auth.role() IS 'the current request''s role claim, or NULL';
COMMENT ON FUNCTION jwt_auth._verified_claims() IS
    'internal: the claims authenticate() or pre_request() verified in this transaction, or NULL (never request.jwt.claims)';

-- the verified-token cache of this backend (src/pg/tokencache.c), for tests and monitoring
CREATE FUNCTION jwt_auth._token_cache_state(OUT entries integer, OUT bytes bigint, OUT allocated bigint)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_token_cache_state' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION jwt_auth._token_cache_state() IS
    'internal: the tokens this backend remembers as verified, the bytes they count against jwt_auth.token_cache_size, and the memory its context holds';
