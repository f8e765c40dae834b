-- jwt_auth 1.0: JWT signing, verification and login in SQL
\echo Use "CREATE EXTENSION jwt_auth" to load this file. \quit

-- Tokens are UTF-8 JSON; claims go through jsonb, which in another
-- encoding could not hold every claim a token may carry.
DO $$
BEGIN
    IF pg_catalog.getdatabaseencoding() <> 'UTF8' THEN
        RAISE EXCEPTION 'jwt_auth requires a database with UTF8 encoding'
            USING ERRCODE = 'feature_not_supported';
    END IF;
END
$$;


-- The extension's own schema, a member of it (see jwt_auth.control): it
-- fails here if a schema jwt_auth already exists, rather than adopt one
-- whose owner and privileges the extension does not know.
CREATE SCHEMA jwt_auth;
------------------------------------------------------------------------
-- Tokens with a key the caller passes (src/tokens.c)
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

------------------------------------------------------------------------
-- pgjwt compatibility (src/pgjwt.c): pgjwt's names and signatures
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

------------------------------------------------------------------------
-- Key store (src/keystore.c): keys with a kid, one active signing key,
-- rotation standby -> active -> retired -> revoked, and a JWKS export.
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth._keys_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'jwt_auth_keys_changed' LANGUAGE C;
COMMENT ON FUNCTION jwt_auth._keys_changed() IS 'internal: tells every backend its key cache is stale';

CREATE TABLE jwt_auth.keys (
    kid               text PRIMARY KEY,
    alg               text NOT NULL,
    status            text NOT NULL CHECK (status IN ('standby', 'active', 'retired', 'revoked')),
    private_key       bytea,       -- HMAC secret, or PKCS#8 PEM; NULL for a key that only verifies
    public_jwk        jsonb,       -- RFC 7517 public members; NULL for HMAC keys
    created_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    status_changed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK (private_key IS NOT NULL OR public_jwk IS NOT NULL),
    CHECK (status <> 'active' OR private_key IS NOT NULL)
);
CREATE UNIQUE INDEX keys_one_active ON jwt_auth.keys ((true)) WHERE status = 'active';
CREATE TRIGGER keys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON jwt_auth.keys
    FOR EACH STATEMENT EXECUTE FUNCTION jwt_auth._keys_changed();
SELECT pg_catalog.pg_extension_config_dump('jwt_auth.keys', '');
COMMENT ON TABLE jwt_auth.keys IS 'signing and verification keys; private material readable by the owner only';

-- Not STRICT: a NULL algorithm or key is error 22004, as in the token functions.
CREATE FUNCTION jwt_auth._key_new(alg text, OUT private_key bytea, OUT public_jwk jsonb)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_key_new' LANGUAGE C VOLATILE;
CREATE FUNCTION jwt_auth._key_parse(alg text, key text, OUT private_key bytea, OUT public_jwk jsonb)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_key_parse' LANGUAGE C IMMUTABLE;
CREATE FUNCTION jwt_auth._key_parse(alg text, key bytea, OUT private_key bytea, OUT public_jwk jsonb)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_key_parse' LANGUAGE C IMMUTABLE;
CREATE FUNCTION jwt_auth._key_parse(alg text, key jsonb, OUT private_key bytea, OUT public_jwk jsonb)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_key_parse' LANGUAGE C IMMUTABLE;
COMMENT ON FUNCTION jwt_auth._key_new(text) IS 'internal: fresh key material for an algorithm';
COMMENT ON FUNCTION jwt_auth._key_parse(text, text) IS 'internal: checked key material to import';
COMMENT ON FUNCTION jwt_auth._key_parse(text, bytea) IS 'internal: checked key material to import';
COMMENT ON FUNCTION jwt_auth._key_parse(text, jsonb) IS 'internal: checked key material to import';

-- Store a key under kid (NULL: a random one); activating it retires the active one.
CREATE FUNCTION jwt_auth._key_insert(kid text, alg text, status text, private_key bytea, public_jwk jsonb)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    kid := coalesce(kid, pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', ''));
    IF kid !~ '^[A-Za-z0-9._~-]{1,128}$' THEN
        RAISE EXCEPTION 'invalid kid' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A kid is 1 to 128 of the characters A-Z a-z 0-9 . _ ~ -.';
    END IF;
    IF status IS NULL OR status NOT IN ('standby', 'active', 'retired') THEN
        RAISE EXCEPTION 'a new key is standby, active or retired' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Import a key that should only verify (a public key of another issuer) as retired.';
    END IF;
    IF status = 'active' AND private_key IS NULL THEN
        RAISE EXCEPTION 'a key without its private part cannot be the active signing key'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    LOCK TABLE jwt_auth.keys IN SHARE ROW EXCLUSIVE MODE;
    IF EXISTS (SELECT FROM jwt_auth.keys k WHERE k.kid OPERATOR(pg_catalog.=) _key_insert.kid) THEN
        RAISE EXCEPTION 'a key with this kid already exists' USING ERRCODE = 'unique_violation';
    END IF;
    IF status = 'active' THEN
        UPDATE jwt_auth.keys k SET status = 'retired', status_changed_at = pg_catalog.now()
         WHERE k.status OPERATOR(pg_catalog.=) 'active';
    END IF;
    INSERT INTO jwt_auth.keys (kid, alg, status, private_key, public_jwk)
    VALUES (kid, alg, status, private_key,
            public_jwk OPERATOR(pg_catalog.||)
                pg_catalog.jsonb_build_object('kid', kid, 'alg', alg, 'use', 'sig'));
    RETURN kid;
END
$$;
COMMENT ON FUNCTION jwt_auth._key_insert(text, text, text, bytea, jsonb) IS 'internal: store a checked key';

CREATE FUNCTION jwt_auth.key_generate(alg text DEFAULT 'HS256', kid text DEFAULT NULL,
                                      status text DEFAULT 'active')
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m record;
BEGIN
    IF status IS NULL OR status NOT IN ('standby', 'active') THEN
        RAISE EXCEPTION 'a generated key is standby or active' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    m := jwt_auth._key_new(alg);
    RETURN jwt_auth._key_insert(kid, alg, status, m.private_key, m.public_jwk);
END
$$;
COMMENT ON FUNCTION jwt_auth.key_generate(text, text, text) IS
    'new random key (HS: hash-length secret; RS/PS: RSA 2048; ES: its curve; EdDSA: Ed25519); returns its kid';

CREATE FUNCTION jwt_auth.key_import(key text, alg text, kid text DEFAULT NULL, status text DEFAULT 'standby')
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m record;
BEGIN
    m := jwt_auth._key_parse(alg, key);
    RETURN jwt_auth._key_insert(kid, alg, status, m.private_key, m.public_jwk);
END
$$;
CREATE FUNCTION jwt_auth.key_import(key bytea, alg text, kid text DEFAULT NULL, status text DEFAULT 'standby')
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m record;
BEGIN
    m := jwt_auth._key_parse(alg, key);
    RETURN jwt_auth._key_insert(kid, alg, status, m.private_key, m.public_jwk);
END
$$;
-- A JWK brings its own alg and kid unless the arguments say otherwise.
CREATE FUNCTION jwt_auth.key_import(key jsonb, alg text DEFAULT NULL, kid text DEFAULT NULL,
                                    status text DEFAULT 'standby')
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
COMMENT ON FUNCTION jwt_auth.key_import(text, text, text, text) IS 'store a PEM key or an HMAC secret given as text; returns its kid';
COMMENT ON FUNCTION jwt_auth.key_import(bytea, text, text, text) IS 'store a raw HMAC secret; returns its kid';
COMMENT ON FUNCTION jwt_auth.key_import(jsonb, text, text, text) IS 'store a JWK; returns its kid';

CREATE FUNCTION jwt_auth.key_set_status(kid text, status text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lifecycle CONSTANT text[] := ARRAY['standby', 'active', 'retired', 'revoked'];
    k record;
BEGIN
    IF status IS NULL OR NOT status OPERATOR(pg_catalog.=) ANY (lifecycle) THEN
        RAISE EXCEPTION 'invalid key status' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A key is standby, active, retired or revoked.';
    END IF;
    LOCK TABLE jwt_auth.keys IN SHARE ROW EXCLUSIVE MODE;
    SELECT * INTO k FROM jwt_auth.keys s WHERE s.kid OPERATOR(pg_catalog.=) key_set_status.kid;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no key has this kid' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF k.status OPERATOR(pg_catalog.=) status THEN
        RETURN;
    END IF;
    IF pg_catalog.array_position(lifecycle, status) OPERATOR(pg_catalog.<)
       pg_catalog.array_position(lifecycle, k.status) THEN
        RAISE EXCEPTION 'a key cannot go from % back to %', k.status, status
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Keys move standby -> active -> retired -> revoked; generate or import a new key instead.';
    END IF;
    IF status OPERATOR(pg_catalog.=) 'active' THEN
        IF k.private_key IS NULL THEN
            RAISE EXCEPTION 'a key without its private part cannot be the active signing key'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        UPDATE jwt_auth.keys s SET status = 'retired', status_changed_at = pg_catalog.now()
         WHERE s.status OPERATOR(pg_catalog.=) 'active';
    END IF;
    UPDATE jwt_auth.keys s SET status = key_set_status.status, status_changed_at = pg_catalog.now()
     WHERE s.kid OPERATOR(pg_catalog.=) key_set_status.kid;
END
$$;
COMMENT ON FUNCTION jwt_auth.key_set_status(text, text) IS
    'move a key along standby -> active -> retired -> revoked; activating retires the active key';

CREATE FUNCTION jwt_auth.jwks() RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.jsonb_build_object('keys',
               coalesce(pg_catalog.jsonb_agg(k.public_jwk ORDER BY k.created_at, k.kid), '[]'::jsonb))
      FROM jwt_auth.keys k
     WHERE k.status OPERATOR(pg_catalog.<>) 'revoked' AND k.public_jwk IS NOT NULL
$$;
COMMENT ON FUNCTION jwt_auth.jwks() IS 'RFC 7517 JWK set of the public keys not revoked; never an oct key or a private member';

-- Tokens with the stored keys: the active key signs and names itself in
-- kid; the token's kid picks the verifying key and its algorithm.
CREATE FUNCTION jwt_auth.jwt_sign(payload jsonb)
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload json)
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_sign(payload text)
RETURNS text AS 'MODULE_PATHNAME', 'jwt_auth_jwt_sign' LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_verify(token text)
RETURNS jsonb AS 'MODULE_PATHNAME', 'jwt_auth_jwt_verify' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE;
CREATE FUNCTION jwt_auth.jwt_valid(token text)
RETURNS boolean AS 'MODULE_PATHNAME', 'jwt_auth_jwt_valid' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION jwt_auth.jwt_sign(jsonb) IS 'sign JWT claims with the active stored key';
COMMENT ON FUNCTION jwt_auth.jwt_sign(json) IS 'sign JWT claims with the active stored key';
COMMENT ON FUNCTION jwt_auth.jwt_sign(text) IS 'sign JWT claims with the active stored key';
COMMENT ON FUNCTION jwt_auth.jwt_verify(text) IS 'verified claims of a token, with the stored key its kid names';
COMMENT ON FUNCTION jwt_auth.jwt_valid(text) IS 'whether a token passes jwt_verify with the stored keys';


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
    password_hash text,          -- a crypt() hash; NULL: the user cannot log in
    role          text,          -- NULL: jwt_auth.default_role
    claims        jsonb NOT NULL DEFAULT '{}' CHECK (pg_catalog.jsonb_typeof(claims) = 'object'),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_login_at timestamptz,
    logout_before timestamptz    -- set by a global logout: older access tokens are refused
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

-- Writes need the primary; say so plainly on a standby.
CREATE FUNCTION jwt_auth._require_primary() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF pg_catalog.pg_is_in_recovery() THEN
        RAISE EXCEPTION 'cannot log in, refresh or log out on a standby'
            USING ERRCODE = 'read_only_sql_transaction',
                  HINT = 'Send auth_login, auth_refresh, auth_logout and the user functions to the primary.';
    END IF;
END
$$;
COMMENT ON FUNCTION jwt_auth._require_primary() IS 'internal: error 25006 on a hot standby';

-- A password as a new bcrypt hash, after the length checks.
CREATE FUNCTION jwt_auth._password_hash(password text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record := jwt_auth._settings();
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
    IF pg_catalog.octet_length(password) OPERATOR(pg_catalog.>) 72 THEN
        RAISE EXCEPTION 'password is too long'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'bcrypt reads the first 72 bytes of a password; a longer one would be cut, so it is refused.';
    END IF;
    RETURN jwt_auth._crypt(password, jwt_auth._gen_salt('bf', s.bcrypt_cost));
END
$$;
COMMENT ON FUNCTION jwt_auth._password_hash(text) IS 'internal: bcrypt hash of a password of an accepted length';

-- An imported hash, checked and normalised: $2b$ and $2y$ bcrypt hashes
-- (other libraries' names for the same hash) become $2a$, which pgcrypto
-- reads as bcrypt (it would take them for DES and never match).
CREATE FUNCTION jwt_auth._hash_import(password_hash text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h text := password_hash;
BEGIN
    IF h ~ '^\$2[by]\$' THEN
        h := '$2a$' OPERATOR(pg_catalog.||) pg_catalog.substr(h, 5);
    END IF;
    IF h IS NULL OR NOT (
           h ~ '^\$2[ax]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$'    -- bcrypt
        OR h ~ '^\$1\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}$'               -- md5-crypt
        OR h ~ '^_[./A-Za-z0-9]{19}$'                                       -- extended DES
        OR h ~ '^[./A-Za-z0-9]{13}$')                                       -- traditional DES
       OR pg_catalog.length(jwt_auth._crypt('', h)) OPERATOR(pg_catalog.<>) pg_catalog.length(h) THEN
        RAISE EXCEPTION 'invalid password hash'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Import a hash pgcrypto''s crypt() verifies: bcrypt ($2a$, $2b$, $2y$, $2x$), md5-crypt ($1$), or DES.';
    END IF;
    RETURN h;
END
$$;
COMMENT ON FUNCTION jwt_auth._hash_import(text) IS 'internal: a checked, normalised crypt() hash';

CREATE FUNCTION jwt_auth._role_check(role text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF role IS NOT NULL AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) role) THEN
        RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = 'undefined_object';
    END IF;
END
$$;
COMMENT ON FUNCTION jwt_auth._role_check(text) IS 'internal: error 42704 for a role that does not exist';

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
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN jwt_auth._user_insert(username, jwt_auth._password_hash(password), role, claims);
END
$$;
COMMENT ON FUNCTION jwt_auth.user_create(text, text, text, jsonb) IS
    'new user with a bcrypt-hashed password; returns its id (the sub of its tokens)';

CREATE FUNCTION jwt_auth.user_import(username text, password_hash text, role text DEFAULT NULL,
                                     claims jsonb DEFAULT '{}')
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN jwt_auth._user_insert(username, jwt_auth._hash_import(password_hash), role, claims);
END
$$;
COMMENT ON FUNCTION jwt_auth.user_import(text, text, text, jsonb) IS
    'new user with an existing crypt() hash (bcrypt $2a$/$2b$/$2y$, md5-crypt, DES); re-hashed at its next good login';

-- The user a username names, locked; error 42704 when there is none.
CREATE FUNCTION jwt_auth._user_lock(username text) RETURNS uuid
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    id uuid;
BEGIN
    PERFORM jwt_auth._require_primary();
    SELECT u.id INTO id FROM jwt_auth.users u
     WHERE pg_catalog.lower(u.username) OPERATOR(pg_catalog.=) pg_catalog.lower(_user_lock.username)
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no user has this username' USING ERRCODE = 'undefined_object';
    END IF;
    RETURN id;
END
$$;
COMMENT ON FUNCTION jwt_auth._user_lock(text) IS 'internal: lock the user a username names';

CREATE FUNCTION jwt_auth.user_set_password(username text, password text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
    UPDATE jwt_auth.users u SET disabled = user_set_disabled.disabled, updated_at = pg_catalog.now()
     WHERE u.id OPERATOR(pg_catalog.=) target;
END
$$;
COMMENT ON FUNCTION jwt_auth.user_set_disabled(text, boolean) IS
    'disable (or enable) a user: no login, no refresh, and authenticate() refuses its tokens at once';

CREATE FUNCTION jwt_auth.user_delete(username text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target uuid := jwt_auth._user_lock(username);
BEGIN
    DELETE FROM jwt_auth.users u WHERE u.id OPERATOR(pg_catalog.=) target;
END
$$;
COMMENT ON FUNCTION jwt_auth.user_delete(text) IS 'delete a user with its sessions and refresh tokens';

------------------------------------------------------------------------
-- Login, sessions and refresh tokens (src/sessions.c does the random
-- tokens, their hashes and the revocation that must outlive an error).
--
-- auth_login opens a session and returns an access token (signed with the
-- active stored key) and a refresh token (opaque, stored as SHA-256).
-- auth_refresh rotates: the token it takes is marked used and a child
-- takes its place. A used token presented again within
-- jwt_auth.refresh_reuse_interval gets a fresh pair (two tabs refreshing
-- at once); later, it revokes the whole session (reuse detection).
------------------------------------------------------------------------

CREATE TABLE jwt_auth.sessions (
    id             uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES jwt_auth.users ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    expires_at     timestamptz NOT NULL,   -- created_at + jwt_auth.session_max_lifetime
    refreshed_at   timestamptz,
    revoked_at     timestamptz,
    revoked_reason text CHECK (revoked_reason IN ('logout', 'logout_others', 'logout_global', 'reuse')),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX sessions_user_id ON jwt_auth.sessions (user_id);
SELECT pg_catalog.pg_extension_config_dump('jwt_auth.sessions', '');
COMMENT ON TABLE jwt_auth.sessions IS 'one row per login; readable by the owner only';

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
CREATE FUNCTION jwt_auth._session_revoke_committed(session_id uuid, reason text)
RETURNS boolean AS 'MODULE_PATHNAME', 'jwt_auth_session_revoke_committed' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION jwt_auth._refresh_token_new() IS 'internal: 256 random bits as base64url, and their SHA-256';
COMMENT ON FUNCTION jwt_auth._refresh_token_hash(text) IS 'internal: SHA-256 of a refresh token';
COMMENT ON FUNCTION jwt_auth._session_revoke_committed(uuid, text) IS
    'internal: revoke a session in a transaction of its own (a background worker), so an error after it does not undo it';

CREATE FUNCTION jwt_auth._session_revoke(session_id uuid, reason text) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    UPDATE jwt_auth.sessions s
       SET revoked_at = pg_catalog.now(), revoked_reason = _session_revoke.reason
     WHERE s.id OPERATOR(pg_catalog.=) _session_revoke.session_id AND s.revoked_at IS NULL
$$;
COMMENT ON FUNCTION jwt_auth._session_revoke(uuid, text) IS 'internal: mark a session revoked';

-- A fresh access token and refresh token for a user's session.
CREATE FUNCTION jwt_auth._issue(u jwt_auth.users, session_id uuid, parent_id uuid) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record := jwt_auth._settings();
    iat bigint := pg_catalog.floor(EXTRACT(epoch FROM pg_catalog.now()));
    ttl bigint := EXTRACT(epoch FROM s.access_ttl);
    rt record := jwt_auth._refresh_token_new();
    claims jsonb;
BEGIN
    -- the user's own claims never override the ones that say who and when
    claims := (u.claims OPERATOR(pg_catalog.-)
               ARRAY['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'role'])
        OPERATOR(pg_catalog.||) pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
            'sub', u.id::text,
            'role', coalesce(u.role, s.default_role),
            'iat', iat,
            'exp', iat OPERATOR(pg_catalog.+) ttl,
            'jti', pg_catalog.gen_random_uuid()::text,
            'sid', session_id::text,
            'iss', NULLIF(pg_catalog.current_setting('jwt_auth.issuer'), ''),
            'aud', NULLIF(pg_catalog.current_setting('jwt_auth.audience'), '')));
    INSERT INTO jwt_auth.refresh_tokens (session_id, parent_id, token_hash, expires_at)
    VALUES (session_id, parent_id, rt.token_hash, pg_catalog.now() OPERATOR(pg_catalog.+) s.refresh_ttl);
    RETURN pg_catalog.jsonb_build_object(
        'access_token', jwt_auth.jwt_sign(claims),
        'token_type', 'bearer',
        'expires_in', ttl,
        'refresh_token', rt.token);
END
$$;
COMMENT ON FUNCTION jwt_auth._issue(jwt_auth.users, uuid, uuid) IS 'internal: mint an access and a refresh token';

CREATE FUNCTION jwt_auth.auth_login(username text, password text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record := jwt_auth._settings();
    u jwt_auth.users;
    good boolean := false;
    cost integer;
    session_id uuid;
BEGIN
    PERFORM jwt_auth._require_primary();
    -- over the throttle's limit: the same answer at once, without bcrypt work
    IF username IS NULL OR password IS NULL OR NOT jwt_auth._throttle_begin(username) THEN
        RAISE EXCEPTION 'invalid username or password' USING ERRCODE = 'invalid_password';
    END IF;
    SELECT * INTO u FROM jwt_auth.users x
     WHERE pg_catalog.lower(x.username) OPERATOR(pg_catalog.=) pg_catalog.lower(auth_login.username);
    IF u.password_hash IS NOT NULL AND pg_catalog.octet_length(password) OPERATOR(pg_catalog.<=) 72 THEN
        good := jwt_auth._crypt(password, u.password_hash) OPERATOR(pg_catalog.=) u.password_hash;
    ELSE
        -- no such user (or no usable password): the same bcrypt work, and no
        PERFORM jwt_auth._crypt(password, jwt_auth._gen_salt('bf', s.bcrypt_cost));
    END IF;
    IF NOT good OR u.disabled THEN
        -- the attempt stays counted (in shared memory, which the error does not roll back)
        RAISE EXCEPTION 'invalid username or password' USING ERRCODE = 'invalid_password';
    END IF;
    PERFORM jwt_auth._throttle_succeeded(username);
    -- a hash weaker than the configured cost (or not bcrypt) is replaced now
    cost := CASE WHEN u.password_hash ~ '^\$2a\$[0-9]{2}\$'
                 THEN pg_catalog.substr(u.password_hash, 5, 2)::integer ELSE 0 END;
    IF cost OPERATOR(pg_catalog.<) s.bcrypt_cost THEN
        u.password_hash := jwt_auth._crypt(password, jwt_auth._gen_salt('bf', s.bcrypt_cost));
    END IF;
    UPDATE jwt_auth.users x SET last_login_at = pg_catalog.now(), password_hash = u.password_hash
     WHERE x.id OPERATOR(pg_catalog.=) u.id;
    INSERT INTO jwt_auth.sessions (user_id, expires_at)
    VALUES (u.id, pg_catalog.now() OPERATOR(pg_catalog.+) s.session_max_lifetime)
    RETURNING id INTO session_id;
    RETURN jwt_auth._issue(u, session_id, NULL);
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_login(text, text) IS
    'check a password; returns access_token, token_type, expires_in and refresh_token, or error 28P01';

CREATE FUNCTION jwt_auth.auth_refresh(refresh_token text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record := jwt_auth._settings();
    t jwt_auth.refresh_tokens;
    ses jwt_auth.sessions;
    u jwt_auth.users;
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
        IF NOT jwt_auth._session_revoke_committed(ses.id, 'reuse') THEN
            RAISE EXCEPTION 'refresh token reuse detected, but the session could not be revoked'
                USING ERRCODE = 'configuration_limit_exceeded',
                      DETAIL = 'No background worker could be started to revoke it; the session stays live.',
                      HINT = 'Raise max_worker_processes, and revoke the session with auth_logout.';
        END IF;
        why := 'The refresh token was already used; the session is revoked.';
    END IF;
    IF why IS NOT NULL THEN
        RAISE EXCEPTION 'invalid refresh token' USING ERRCODE = 'invalid_authorization_specification',
            DETAIL = why;
    END IF;
    IF t.used_at IS NULL THEN
        UPDATE jwt_auth.refresh_tokens r SET used_at = pg_catalog.clock_timestamp()
         WHERE r.id OPERATOR(pg_catalog.=) t.id;
    END IF;
    UPDATE jwt_auth.sessions x SET refreshed_at = pg_catalog.now() WHERE x.id OPERATOR(pg_catalog.=) ses.id;
    RETURN jwt_auth._issue(u, ses.id, t.id);
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_refresh(text) IS
    'rotate a refresh token: a fresh access and refresh token, or error 28000 (reuse revokes the session)';

CREATE FUNCTION jwt_auth.auth_logout(refresh_token text DEFAULT NULL, scope text DEFAULT 'local')
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    uuid_re CONSTANT text := '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
    ses jwt_auth.sessions;
    c jsonb;
BEGIN
    PERFORM jwt_auth._require_primary();
    IF scope IS NULL OR scope NOT IN ('local', 'others', 'global') THEN
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
        c := jwt_auth.claims();
        IF c IS NULL OR NOT (c ? 'sid') OR (c OPERATOR(pg_catalog.->>) 'sid') !~ uuid_re THEN
            RAISE EXCEPTION 'no session to log out' USING ERRCODE = 'invalid_authorization_specification',
                HINT = 'Pass the refresh token, or call authenticate() with the access token first.';
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
        IF scope OPERATOR(pg_catalog.=) 'local' THEN
            RETURN;    -- logging out twice is no error
        END IF;
        RAISE EXCEPTION 'the session is revoked' USING ERRCODE = 'invalid_authorization_specification',
            DETAIL = 'A revoked session cannot log out other sessions.';
    END IF;
    UPDATE jwt_auth.sessions x
       SET revoked_at = pg_catalog.now(),
           revoked_reason = CASE scope WHEN 'local' THEN 'logout' WHEN 'others' THEN 'logout_others'
                                       ELSE 'logout_global' END
     WHERE x.revoked_at IS NULL
       AND CASE scope
               WHEN 'local' THEN x.id OPERATOR(pg_catalog.=) ses.id
               WHEN 'others' THEN x.user_id OPERATOR(pg_catalog.=) ses.user_id
                                  AND x.id OPERATOR(pg_catalog.<>) ses.id
               ELSE x.user_id OPERATOR(pg_catalog.=) ses.user_id
           END;
    IF scope OPERATOR(pg_catalog.=) 'global' THEN
        UPDATE jwt_auth.users u SET logout_before = pg_catalog.now()
         WHERE u.id OPERATOR(pg_catalog.=) ses.user_id;
    END IF;
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_logout(text, text) IS
    'revoke this session (local), the user''s other sessions (others) or all of them and every access token issued before (global)';

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

------------------------------------------------------------------------
-- Request context (src/context.c): the current request's claims for RLS
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
COMMENT ON FUNCTION jwt_auth.authenticate(text) IS
    'verify a token with the stored keys and its session, SET LOCAL ROLE to its role, and make its claims the request''s';
COMMENT ON FUNCTION jwt_auth.pre_request() IS
    'for PostgREST''s db-pre-request: error 28000 when the request''s session is revoked or its user logged out everywhere';
COMMENT ON FUNCTION jwt_auth.claims() IS 'the current request''s claims (authenticate() first, else request.jwt.claims), or NULL';
COMMENT ON FUNCTION jwt_auth.claim(text) IS 'one claim of the current request, or NULL';
COMMENT ON FUNCTION jwt_auth.uid() IS 'the current request''s sub as a uuid (a user id), or NULL';
COMMENT ON FUNCTION jwt_auth.role() IS 'the current request''s role claim, or NULL';

------------------------------------------------------------------------
-- Brute-force throttling (src/throttle.c): failed logins counted per
-- username and per client address in shared memory (counted before the
-- bcrypt work, so concurrent guesses cannot pass together), when jwt_auth is in
-- shared_preload_libraries. The view jwt_auth.throttle says whether it is.
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth._throttle_begin(username text) RETURNS boolean
AS 'MODULE_PATHNAME', 'jwt_auth_throttle_begin' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION jwt_auth._throttle_succeeded(username text) RETURNS void
AS 'MODULE_PATHNAME', 'jwt_auth_throttle_succeeded' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION jwt_auth._throttle_reset(username text) RETURNS void
AS 'MODULE_PATHNAME', 'jwt_auth_throttle_reset' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION jwt_auth._throttle_state(OUT enabled boolean, OUT counters integer, OUT locked integer)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_throttle_state' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION jwt_auth._throttle_begin(text) IS 'internal: false when the username or the client address is locked; else count the attempt';
COMMENT ON FUNCTION jwt_auth._throttle_succeeded(text) IS 'internal: a good login''s attempt does not count';
COMMENT ON FUNCTION jwt_auth._throttle_reset(text) IS 'internal: clear a username''s failures';
COMMENT ON FUNCTION jwt_auth._throttle_state() IS 'internal: whether throttling is on, counters in use, counters over their limit';

CREATE VIEW jwt_auth.throttle AS
SELECT t.enabled,
       pg_catalog.current_setting('jwt_auth.max_failed_logins')::integer AS max_failed_logins,
       pg_catalog.current_setting('jwt_auth.max_failed_logins_per_address')::integer AS max_failed_logins_per_address,
       pg_catalog.current_setting('jwt_auth.lockout_time')::interval AS lockout_time,
       t.counters,
       t.locked
  FROM jwt_auth._throttle_state() t;
COMMENT ON VIEW jwt_auth.throttle IS
    'whether login throttling is on (jwt_auth in shared_preload_libraries), its limits, counters in use and locked out';

CREATE FUNCTION jwt_auth.auth_unlock(username text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM jwt_auth._throttle_reset(username);
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_unlock(text) IS 'clear a username''s failed logins (its client addresses keep theirs)';
------------------------------------------------------------------------
-- Privileges: nothing for PUBLIC but the functions that compute with what
-- the caller brings, and verification and the JWKS with the stored keys.
-- Signing with the stored keys mints identities: grant it to the roles
-- that issue tokens, never to PUBLIC. The key functions are for the owner.
-- Login, refresh, logout and the request context are the public entry
-- points (each checks what it is given); the user functions, auth_unlock
-- and purge_expired are for the owner. No table or view is PUBLIC's.
------------------------------------------------------------------------

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA jwt_auth FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA jwt_auth FROM PUBLIC;
GRANT USAGE ON SCHEMA jwt_auth TO PUBLIC;
GRANT EXECUTE ON FUNCTION
    jwt_auth.jwt_sign(jsonb, text, text, jsonb), jwt_auth.jwt_sign(jsonb, bytea, text, jsonb),
    jwt_auth.jwt_sign(jsonb, jsonb, text, jsonb), jwt_auth.jwt_sign(json, text, text, jsonb),
    jwt_auth.jwt_sign(json, bytea, text, jsonb), jwt_auth.jwt_sign(json, jsonb, text, jsonb),
    jwt_auth.jwt_sign(text, text, text, jsonb), jwt_auth.jwt_sign(text, bytea, text, jsonb),
    jwt_auth.jwt_sign(text, jsonb, text, jsonb),
    jwt_auth.jwt_verify(text, text, text, text, text, interval),
    jwt_auth.jwt_verify(text, bytea, text, text, text, interval),
    jwt_auth.jwt_verify(text, jsonb, text, text, text, interval),
    jwt_auth.jwt_valid(text, text, text, text, text, interval),
    jwt_auth.jwt_valid(text, bytea, text, text, text, interval),
    jwt_auth.jwt_valid(text, jsonb, text, text, text, interval),
    jwt_auth.jwt_decode(text),
    jwt_auth.jws_sign(bytea, text, text, jsonb), jwt_auth.jws_sign(bytea, bytea, text, jsonb),
    jwt_auth.jws_sign(bytea, jsonb, text, jsonb),
    jwt_auth.jws_verify(text, text, text), jwt_auth.jws_verify(text, bytea, text),
    jwt_auth.jws_verify(text, jsonb, text),
    jwt_auth.base64url_encode(bytea), jwt_auth.base64url_decode(text),
    jwt_auth.sign(json, text, text), jwt_auth.verify(text, text, text),
    jwt_auth.url_encode(bytea), jwt_auth.url_decode(text),
    jwt_auth.jwt_verify(text), jwt_auth.jwt_valid(text), jwt_auth.jwks(),
    jwt_auth.auth_login(text, text), jwt_auth.auth_refresh(text), jwt_auth.auth_logout(text, text),
    jwt_auth.authenticate(text), jwt_auth.pre_request(),
    jwt_auth.claims(), jwt_auth.claim(text), jwt_auth.uid(), jwt_auth.role()
TO PUBLIC;
