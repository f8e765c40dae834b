------------------------------------------------------------------------
-- pgjwt compatibility (src/pg/pgjwt.c): pgjwt's names and signatures
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth.sign(payload json, secret text, algorithm text DEFAULT 'HS256')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_pgjwt_sign' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.verify(token text, secret text, algorithm text DEFAULT 'HS256')
RETURNS TABLE(header json, payload json, valid boolean)
AS 'MODULE_PATHNAME', 'jwt_auth_pgjwt_verify' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE ROWS 1;
CREATE FUNCTION jwt_auth.url_encode(data bytea)
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_base64url_encode' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.url_decode(data text)
RETURNS bytea AS 'MODULE_PATHNAME', 'jwt_auth_pgjwt_url_decode' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION jwt_auth.sign(json, text, text) IS 'pgjwt-compatible HMAC signing (any secret length)';
COMMENT ON FUNCTION jwt_auth.verify(text, text, text) IS 'pgjwt-compatible verification; valid is never null';
COMMENT ON FUNCTION jwt_auth.url_encode(bytea) IS 'pgjwt-compatible base64url encoding';
COMMENT ON FUNCTION jwt_auth.url_decode(text) IS 'pgjwt-compatible lenient base64url decoding; null for invalid input';

