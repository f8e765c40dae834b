------------------------------------------------------------------------
-- Key store (src/pg/keystore.c): keys with a kid, one active signing key,
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

-- Logical replication into jwt_auth.keys (docs/deployment.md). The apply worker runs with
-- session_replication_role = replica, where only triggers enabled REPLICA or ALWAYS fire, and
-- it fires row-level triggers for the rows it applies, never a statement-level one (it does
-- fire those of an applied TRUNCATE, and the table copy at subscription fires both). So
-- keys_changed fires always, and keys_applied tells the subscriber's backends of each applied
-- row, open sessions included. keys_replicated makes a replicated row one the subscriber can
-- keep: a publication without private_key sends the active key without its private part,
-- which a subscriber stores as retired (it verifies, it cannot sign), and an HMAC key with
-- neither part, which it cannot verify with and skips.
CREATE FUNCTION jwt_auth._keys_replicated() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.private_key IS NULL AND NEW.public_jwk IS NULL THEN
        RETURN NULL;
    END IF;
    IF NEW.private_key IS NULL AND NEW.status OPERATOR(pg_catalog.=) 'active' THEN
        NEW.status := 'retired';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION jwt_auth._keys_replicated() IS
    'internal: a key replicated without its private part verifies here but does not sign';
ALTER TABLE jwt_auth.keys ENABLE ALWAYS TRIGGER keys_changed;
CREATE TRIGGER keys_applied AFTER INSERT OR UPDATE OR DELETE ON jwt_auth.keys
    FOR EACH ROW EXECUTE FUNCTION jwt_auth._keys_changed();
ALTER TABLE jwt_auth.keys ENABLE REPLICA TRIGGER keys_applied;
CREATE TRIGGER keys_replicated BEFORE INSERT OR UPDATE ON jwt_auth.keys
    FOR EACH ROW EXECUTE FUNCTION jwt_auth._keys_replicated();
ALTER TABLE jwt_auth.keys ENABLE REPLICA TRIGGER keys_replicated;

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
RETURNS text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
    m record;
BEGIN
    m := jwt_auth._key_parse(alg, key);
    RETURN jwt_auth._key_insert(kid, alg, status, m.private_key, m.public_jwk);
END
$$;
CREATE FUNCTION jwt_auth.key_import(key bytea, alg text, kid text DEFAULT NULL, status text DEFAULT 'standby')
RETURNS text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
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
RETURNS text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
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

-- PostgREST's db-pre-config: its jwt-secret, the JWK set of every key not revoked (HMAC keys
-- as oct JWKs with their secret, the others public), in a setting of this transaction only.
-- It hands out secrets: the owner grants it to PostgREST's authenticator role alone. Every
-- change to jwt_auth.keys sends NOTIFY pgrst, 'reload config' at commit, so PostgREST calls it
-- again about a second after a rotation or a revocation.
CREATE FUNCTION jwt_auth.postgrest_config() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('pgrst.jwt_secret', (
        SELECT pg_catalog.jsonb_build_object('keys', coalesce(pg_catalog.jsonb_agg(
                   CASE WHEN k.public_jwk IS NULL
                        THEN pg_catalog.jsonb_build_object(
                                 'kty', 'oct', 'kid', k.kid, 'alg', k.alg, 'use', 'sig',
                                 'k', jwt_auth.base64url_encode(k.private_key))
                        ELSE k.public_jwk END
                   ORDER BY k.created_at, k.kid), '[]'::jsonb))::text
          FROM jwt_auth.keys k
         WHERE k.status OPERATOR(pg_catalog.<>) 'revoked'), true);
END
$$;
COMMENT ON FUNCTION jwt_auth.postgrest_config() IS
    'for PostgREST''s db-pre-config: sets pgrst.jwt_secret, for this transaction, to the JWK set of the keys not revoked (HMAC secrets included)';

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

