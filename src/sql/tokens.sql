------------------------------------------------------------------------
-- Tokens with a key the caller passes (src/pg/tokens.c)
--
-- key: text (HMAC secret bytes), bytea (raw HMAC secret) or jsonb (a JWK).
-- payload: json, jsonb or text (so that an untyped literal resolves).
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth.jwt_sign(payload jsonb, key text, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload jsonb, key bytea, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload jsonb, key jsonb, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload json, key text, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload json, key bytea, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload json, key jsonb, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload text, key text, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload text, key bytea, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload text, key jsonb, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- Verification reads the clock and settings: STABLE. Not STRICT: a null
-- token is an invalid token, a null key or algorithm an error.
CREATE FUNCTION jwt_auth.jwt_verify(token text, key text, alg text DEFAULT 'HS256',
    audience text DEFAULT NULL, issuer text DEFAULT NULL, leeway interval DEFAULT NULL)
RETURNS jsonb AS 'MODULE_PATHNAME', 'jwt_auth_jwt_verify' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_verify(token text, key bytea, alg text DEFAULT 'HS256',
    audience text DEFAULT NULL, issuer text DEFAULT NULL, leeway interval DEFAULT NULL)
RETURNS jsonb AS 'MODULE_PATHNAME', 'jwt_auth_jwt_verify' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_verify(token text, key jsonb, alg text DEFAULT 'HS256',
    audience text DEFAULT NULL, issuer text DEFAULT NULL, leeway interval DEFAULT NULL)
RETURNS jsonb AS 'MODULE_PATHNAME', 'jwt_auth_jwt_verify' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE;

CREATE FUNCTION jwt_auth.jwt_valid(token text, key text, alg text DEFAULT 'HS256',
    audience text DEFAULT NULL, issuer text DEFAULT NULL, leeway interval DEFAULT NULL)
RETURNS boolean AS 'MODULE_PATHNAME', 'jwt_auth_jwt_valid' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_valid(token text, key bytea, alg text DEFAULT 'HS256',
    audience text DEFAULT NULL, issuer text DEFAULT NULL, leeway interval DEFAULT NULL)
RETURNS boolean AS 'MODULE_PATHNAME', 'jwt_auth_jwt_valid' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_valid(token text, key jsonb, alg text DEFAULT 'HS256',
    audience text DEFAULT NULL, issuer text DEFAULT NULL, leeway interval DEFAULT NULL)
RETURNS boolean AS 'MODULE_PATHNAME', 'jwt_auth_jwt_valid' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE;

CREATE FUNCTION jwt_auth.jwt_decode(token text, OUT header jsonb, OUT payload jsonb, OUT signature bytea)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_jwt_decode' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION jwt_auth.jws_sign(payload bytea, key text, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jws_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jws_sign(payload bytea, key bytea, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jws_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jws_sign(payload bytea, key jsonb, alg text DEFAULT 'HS256', header jsonb DEFAULT '{}')
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jws_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE FUNCTION jwt_auth.jws_verify(token text, key text, alg text DEFAULT 'HS256')
RETURNS bytea AS 'MODULE_PATHNAME', 'jwt_auth_jws_verify' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jws_verify(token text, key bytea, alg text DEFAULT 'HS256')
RETURNS bytea AS 'MODULE_PATHNAME', 'jwt_auth_jws_verify' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jws_verify(token text, key jsonb, alg text DEFAULT 'HS256')
RETURNS bytea AS 'MODULE_PATHNAME', 'jwt_auth_jws_verify' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE FUNCTION jwt_auth.base64url_encode(data bytea)
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_base64url_encode' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.base64url_decode(data text)
RETURNS bytea AS 'MODULE_PATHNAME', 'jwt_auth_base64url_decode' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION jwt_auth.jwt_sign(jsonb, text, text, jsonb) IS 'sign JWT claims with an HMAC secret given as text';
COMMENT ON FUNCTION jwt_auth.jwt_sign(jsonb, bytea, text, jsonb) IS 'sign JWT claims with a raw HMAC secret';
COMMENT ON FUNCTION jwt_auth.jwt_sign(jsonb, jsonb, text, jsonb) IS 'sign JWT claims with a JWK';
COMMENT ON FUNCTION jwt_auth.jwt_sign(json, text, text, jsonb) IS 'sign JWT claims with an HMAC secret given as text';
COMMENT ON FUNCTION jwt_auth.jwt_sign(json, bytea, text, jsonb) IS 'sign JWT claims with a raw HMAC secret';
COMMENT ON FUNCTION jwt_auth.jwt_sign(json, jsonb, text, jsonb) IS 'sign JWT claims with a JWK';
COMMENT ON FUNCTION jwt_auth.jwt_sign(text, text, text, jsonb) IS 'sign JWT claims with an HMAC secret given as text';
COMMENT ON FUNCTION jwt_auth.jwt_sign(text, bytea, text, jsonb) IS 'sign JWT claims with a raw HMAC secret';
COMMENT ON FUNCTION jwt_auth.jwt_sign(text, jsonb, text, jsonb) IS 'sign JWT claims with a JWK';
COMMENT ON FUNCTION jwt_auth.jwt_verify(text, text, text, text, text, interval) IS 'verified claims of a token, or error 28000 with the reason';
COMMENT ON FUNCTION jwt_auth.jwt_verify(text, bytea, text, text, text, interval) IS 'verified claims of a token, or error 28000 with the reason';
COMMENT ON FUNCTION jwt_auth.jwt_verify(text, jsonb, text, text, text, interval) IS 'verified claims of a token, or error 28000 with the reason';
COMMENT ON FUNCTION jwt_auth.jwt_valid(text, text, text, text, text, interval) IS 'whether a token passes jwt_verify; never raises for a bad token';
COMMENT ON FUNCTION jwt_auth.jwt_valid(text, bytea, text, text, text, interval) IS 'whether a token passes jwt_verify; never raises for a bad token';
COMMENT ON FUNCTION jwt_auth.jwt_valid(text, jsonb, text, text, text, interval) IS 'whether a token passes jwt_verify; never raises for a bad token';
COMMENT ON FUNCTION jwt_auth.jwt_decode(text) IS 'header, payload and signature of a token, NOT verified';
COMMENT ON FUNCTION jwt_auth.jws_sign(bytea, text, text, jsonb) IS 'sign any bytes as a compact JWS';
COMMENT ON FUNCTION jwt_auth.jws_sign(bytea, bytea, text, jsonb) IS 'sign any bytes as a compact JWS';
COMMENT ON FUNCTION jwt_auth.jws_sign(bytea, jsonb, text, jsonb) IS 'sign any bytes as a compact JWS';
COMMENT ON FUNCTION jwt_auth.jws_verify(text, text, text) IS 'payload bytes of a verified compact JWS; no claim checks';
COMMENT ON FUNCTION jwt_auth.jws_verify(text, bytea, text) IS 'payload bytes of a verified compact JWS; no claim checks';
COMMENT ON FUNCTION jwt_auth.jws_verify(text, jsonb, text) IS 'payload bytes of a verified compact JWS; no claim checks';
COMMENT ON FUNCTION jwt_auth.base64url_encode(bytea) IS 'base64url without padding (RFC 7515)';
COMMENT ON FUNCTION jwt_auth.base64url_decode(text) IS 'strict base64url decoding: no padding, no other alphabet';

