-- The key store's SQLSTATEs: 22023 for a bad kid, status, move or key,
-- 22004 for a missing algorithm or key, 23505 for a kid in use, 55000 when
-- no key is active, and 28000 with the reason for a token whose kid picks
-- no usable key. Everything runs in one transaction that is rolled back.
BEGIN;
SELECT plan(46);

DELETE FROM jwt_auth.keys;

-- the SQLSTATE and errdetail of the error a statement raises ('00000' if none)
CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    code text;
    detail text;
BEGIN
    EXECUTE query;
    RETURN '00000';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
    RETURN code || coalesce(': ' || nullif(detail, ''), '');
END
$$;

-- an RSA 2048 public key (of a key made for the tests), as PEM
CREATE FUNCTION pg_temp.rsa_public() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT
'-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnpeGOftfvRgL/eqjIJyF
isdAEbHnxXdCRhnteQCts3zYBuNUmBspCtx7ekNDsIiknwUD0UV9DcN9nnPLEz8l
zlfJEp/zANpXuWfxyDpfgE4PeuMiztuD8W3Y2ivbDdMQJNjAhM490XJRHqFw8V9N
5sq+fPD4is8WZ1dI0L0pQuO+TRasoelp2z1Fl4R8g77k/07gAiUG2Rl/6HanqqCy
h/Hw/rnqI6GIVSeG7Gz+lwwf1rFA3n8/q019GI5XBaBziiGZp39b6FhoAflaG87Y
iNRFRhal1YdYMXHi4htM+rM3a4OG09370mxMPmxhYkDG5JsxI+NIGQ3ukxTUEfD0
aQIDAQAB
-----END PUBLIC KEY-----
' $$;

-- a token with any header and payload, signed with HMAC-SHA256 by pgcrypto
CREATE FUNCTION pg_temp.forge(header text, payload text, key text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT input || '.' || jwt_auth.base64url_encode(hmac(input, key, 'sha256'))
      FROM (SELECT jwt_auth.base64url_encode(convert_to(header, 'UTF8')) || '.' ||
                   jwt_auth.base64url_encode(convert_to(payload, 'UTF8')) AS input) s
$$;

------------------------------------------------------------------------
-- No key yet
------------------------------------------------------------------------

SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{"sub":"user-1"}'::jsonb)$$, '55000',
    'there is no active signing key', 'jwt_sign(payload) with no key at all: 55000');
SELECT is(jwt_auth.jwks(), '{"keys": []}'::jsonb, 'jwks() of an empty store is an empty set');

------------------------------------------------------------------------
-- Generating and importing
------------------------------------------------------------------------

SELECT is(jwt_auth.key_generate('RS256', 'pgtap-rsa'), 'pgtap-rsa', 'key_generate returns the kid it was given');
SELECT is((SELECT status FROM jwt_auth.keys WHERE kid = 'pgtap-rsa'), 'active', 'a generated key is active by default');
SELECT is(jwt_auth.key_import(pg_temp.rsa_public(), 'RS256', 'pgtap-rsa-public'), 'pgtap-rsa-public',
    'key_import stores a public PEM');
SELECT is((SELECT status FROM jwt_auth.keys WHERE kid = 'pgtap-rsa-public'), 'standby',
    'an imported key is standby by default');
SELECT is(jwt_auth.key_generate('ES256', 'pgtap-es'), 'pgtap-es', 'a second generated key');
SELECT results_eq($$SELECT kid, status FROM jwt_auth.keys ORDER BY kid$$,
    $$VALUES ('pgtap-es', 'active'), ('pgtap-rsa', 'retired'), ('pgtap-rsa-public', 'standby')$$,
    'generating an active key retired the active one');

SELECT throws_ok($$SELECT jwt_auth.key_generate('HS256', 'pgtap-es')$$, '23505',
    'a key with this kid already exists', 'a kid in use: 23505');
SELECT throws_ok($$SELECT jwt_auth.key_generate('HS256', 'a b')$$, '22023', 'invalid kid',
    'a kid with a space: 22023');
SELECT throws_ok($$SELECT jwt_auth.key_generate('HS256', repeat('k', 129))$$, '22023', 'invalid kid',
    'a kid of 129 characters: 22023');
SELECT throws_ok($$SELECT jwt_auth.key_generate('HS256', $k$x'; DROP TABLE jwt_auth.keys; --$k$)$$,
    '22023', 'invalid kid', 'a kid carrying SQL: 22023');
SELECT has_table('jwt_auth', 'keys', 'jwt_auth.keys is still there after the kid carrying SQL');
SELECT throws_ok($$SELECT jwt_auth.key_generate('HS256', 'pgtap-x', 'retired')$$, '22023',
    'a generated key is standby or active', 'a generated key cannot start retired: 22023');
SELECT throws_ok($$SELECT jwt_auth.key_generate('HS999', 'pgtap-x')$$, '22023',
    'unsupported algorithm', 'an unknown algorithm: 22023');
SELECT throws_ok($$SELECT jwt_auth.key_generate('none', 'pgtap-x')$$, '22023',
    'unsupported algorithm', 'algorithm none: 22023');
SELECT throws_ok($$SELECT jwt_auth.key_generate(NULL, 'pgtap-x')$$, '22004', NULL,
    'key_generate with a NULL algorithm: 22004');
SELECT throws_ok($$SELECT jwt_auth.key_import(NULL::text, 'RS256', 'pgtap-x')$$, '22004', NULL,
    'key_import with a NULL key: 22004');
SELECT throws_ok($$SELECT jwt_auth.key_import('{"kty":"oct","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb)$$,
    '22004', 'algorithm must not be null', 'a JWK without alg and no alg argument: 22004');
SELECT throws_ok($$SELECT jwt_auth.key_import(pg_temp.rsa_public(), 'HS256', 'pgtap-x')$$, '22023',
    'invalid key', 'a public PEM as an HMAC secret: 22023');
SELECT is(pg_temp.error_of($$SELECT jwt_auth.key_import(pg_temp.rsa_public(), 'ES256', 'pgtap-x')$$),
    '22023: key type does not serve this algorithm', 'an RSA key for ES256: 22023 naming the problem');
SELECT is(pg_temp.error_of($$SELECT jwt_auth.key_import('\x00010203'::bytea, 'HS256', 'pgtap-x')$$),
    '22023: HMAC key is shorter than the hash output', 'a 4-byte HMAC secret: 22023 naming the problem');
SELECT is(pg_temp.error_of($$SELECT jwt_auth.key_import(E'-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'RS256', 'pgtap-x')$$),
    '22023: key is malformed or of an unsupported form', 'a malformed PEM: 22023 naming the problem');
SELECT is(pg_temp.error_of($$SELECT jwt_auth.key_import(jwt_auth.jwks(), 'ES256', 'pgtap-x')$$),
    '22023: A JWK set holds several keys; import them one at a time.', 'a JWK set: 22023');
SELECT is((SELECT count(*) FROM jwt_auth.keys WHERE kid = 'pgtap-x')::int, 0, 'no refused key was stored');

------------------------------------------------------------------------
-- The lifecycle
------------------------------------------------------------------------

SELECT throws_ok($$SELECT jwt_auth.key_set_status('pgtap-rsa-public', 'active')$$, '22023',
    'a key without its private part cannot be the active signing key', 'a public key cannot be active: 22023');
SELECT throws_ok($$SELECT jwt_auth.key_set_status('pgtap-rsa', 'active')$$, '22023',
    'a key cannot go from retired back to active', 'retired -> active: 22023');
SELECT throws_ok($$SELECT jwt_auth.key_set_status('pgtap-es', 'standby')$$, '22023',
    'a key cannot go from active back to standby', 'active -> standby: 22023');
SELECT throws_ok($$SELECT jwt_auth.key_set_status('pgtap-es', 'paused')$$, '22023',
    'invalid key status', 'an unknown status: 22023');
SELECT throws_ok($$SELECT jwt_auth.key_set_status('pgtap-none', 'revoked')$$, '22023',
    'no key has this kid', 'an unknown kid: 22023');
SELECT lives_ok($$SELECT jwt_auth.key_set_status('pgtap-rsa-public', 'retired')$$,
    'standby -> retired for a public key');
SELECT lives_ok($$SELECT jwt_auth.key_set_status('pgtap-es', 'active')$$,
    'setting the status a key has is a no-op');

------------------------------------------------------------------------
-- Tokens with the stored keys
------------------------------------------------------------------------

CREATE TEMP TABLE tok (name text PRIMARY KEY, value text NOT NULL);
INSERT INTO tok VALUES ('es', jwt_auth.jwt_sign('{"sub":"user-1","exp":4102444800}'::jsonb));
SELECT is((jwt_auth.jwt_decode((SELECT value FROM tok WHERE name = 'es'))).header,
    '{"alg":"ES256","kid":"pgtap-es","typ":"JWT"}'::jsonb, 'jwt_sign(payload) names the active key and its alg');
SELECT is(jwt_auth.jwt_verify((SELECT value FROM tok WHERE name = 'es')),
    '{"sub":"user-1","exp":4102444800}'::jsonb, 'jwt_verify(token) verifies it');
SELECT is(pg_temp.error_of(format('SELECT jwt_auth.jwt_verify(%L)',
        pg_temp.forge('{"alg":"HS256","kid":"pgtap-rsa-public"}', '{"sub":"admin"}', pg_temp.rsa_public()))),
    '28000: token algorithm does not match the expected algorithm',
    'an HS256 token keyed with a stored RSA key''s public PEM: 28000 algorithm mismatch');
SELECT is(pg_temp.error_of(format('SELECT jwt_auth.jwt_verify(%L)',
        pg_temp.forge('{"alg":"HS256","kid":"pgtap-none"}', '{"sub":"admin"}', 'abcdefghijklmnopqrstuvwxyz012345'))),
    '28000: no key has the token''s kid', 'a kid that names no key: 28000');
DO $$ BEGIN PERFORM jwt_auth.key_generate('EdDSA', 'pgtap-next', 'standby'); END $$;
SELECT is(pg_temp.error_of(format('SELECT jwt_auth.jwt_verify(%L)',
        pg_temp.forge('{"alg":"EdDSA","kid":"pgtap-next"}', '{"sub":"admin"}', 'abcdefghijklmnopqrstuvwxyz012345'))),
    '28000: the token''s key is not in use yet', 'a standby key''s kid: 28000 not in use yet');

-- rotation, then revocation
SELECT lives_ok($$SELECT jwt_auth.key_set_status('pgtap-next', 'active')$$, 'standby -> active (rotation)');
INSERT INTO tok VALUES ('next', jwt_auth.jwt_sign('{"sub":"user-2","exp":4102444800}'::jsonb));
SELECT ok(jwt_auth.jwt_valid((SELECT value FROM tok WHERE name = 'es')), 'the old key''s token still verifies');
SELECT ok(jwt_auth.jwt_valid((SELECT value FROM tok WHERE name = 'next')), 'the new key''s token verifies');
SELECT lives_ok($$SELECT jwt_auth.key_set_status('pgtap-es', 'revoked')$$, 'retired -> revoked');
SELECT is(pg_temp.error_of(format('SELECT jwt_auth.jwt_verify(%L)', (SELECT value FROM tok WHERE name = 'es'))),
    '28000: the token''s key has been revoked', 'the revoked key''s token: 28000 revoked');
SELECT ok(jwt_auth.jwt_valid((SELECT value FROM tok WHERE name = 'next')), 'the new key''s token still verifies');
SELECT throws_ok($$SELECT jwt_auth.key_set_status('pgtap-es', 'retired')$$, '22023',
    'a key cannot go from revoked back to retired', 'revoked -> retired: 22023');
SELECT lives_ok($$SELECT jwt_auth.key_set_status('pgtap-next', 'revoked')$$, 'active -> revoked');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{"sub":"user-1"}')$$, '55000',
    'there is no active signing key', 'jwt_sign(payload) once the active key is revoked: 55000');

SELECT * FROM finish();
ROLLBACK;
