-- SQLSTATEs and messages: 28000 for a bad token (with the reason in
-- errdetail), 22023 for a bad argument, 22004 for a NULL key or algorithm;
-- jwt_valid answers false for a bad token; STRICT functions answer NULL;
-- pgjwt's verify answers valid = false, never NULL. No message carries the
-- key or the token.
BEGIN;
SELECT plan(175);

------------------------------------------------------------------------
-- Fixtures: fixed secrets, tokens signed here with fixed claims
------------------------------------------------------------------------

-- a fixed secret of n bytes (secret(32) is HS256's minimum)
CREATE FUNCTION pg_temp.secret(n int) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT left(repeat('jwt_auth-pgtap-secret/', 4), n) $$;

-- a correctly HS256-signed token with any header and payload text, for
-- headers that jwt_sign refuses to write
CREATE FUNCTION pg_temp.forge(header text, payload text, key text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT input || '.' || jwt_auth.base64url_encode(hmac(input, key, 'sha256'))
      FROM (SELECT jwt_auth.base64url_encode(convert_to(header, 'UTF8')) || '.' ||
                   jwt_auth.base64url_encode(convert_to(payload, 'UTF8')) AS input) s
$$;

CREATE TEMP TABLE token (name text PRIMARY KEY, value text NOT NULL);
INSERT INTO token VALUES
    ('good',     jwt_auth.jwt_sign('{"sub":"user-1","iat":1300819370,"exp":4102444800}'::jsonb,
                                   pg_temp.secret(32))),
    ('expired',  jwt_auth.jwt_sign('{"sub":"user-1","iat":1300819370,"exp":1300819380}'::jsonb,
                                   pg_temp.secret(32))),
    ('not_yet',  jwt_auth.jwt_sign('{"sub":"user-1","nbf":4102444800,"exp":4102444900}'::jsonb,
                                   pg_temp.secret(32))),
    ('aud_api',  jwt_auth.jwt_sign('{"sub":"user-1","aud":"api","exp":4102444800}'::jsonb,
                                   pg_temp.secret(32))),
    ('iss_a',    jwt_auth.jwt_sign('{"sub":"user-1","iss":"https://a.example","exp":4102444800}'::jsonb,
                                   pg_temp.secret(32))),
    ('hs384',    jwt_auth.jwt_sign('{"sub":"user-1","exp":4102444800}'::jsonb,
                                   pg_temp.secret(48), 'HS384')),
    ('jws',      jwt_auth.jws_sign('\x0102030405'::bytea, pg_temp.secret(32))),
    ('pgjwt',    jwt_auth.sign('{"sub":"user-1","exp":4102444800}'::json, 'secret')),
    ('pgjwt_expired', jwt_auth.sign('{"sub":"user-1","exp":1300819380}'::json, 'secret')),
    ('alg_none', 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ1c2VyLTEifQ.'),
    ('crit',     pg_temp.forge('{"alg":"HS256","crit":["exp"]}', '{"sub":"user-1"}', pg_temp.secret(32))),
    ('b64',      pg_temp.forge('{"alg":"HS256","b64":false,"crit":["b64"]}', '{"sub":"user-1"}',
                               pg_temp.secret(32))),
    ('alg_lower', pg_temp.forge('{"alg":"hs256"}', '{"sub":"user-1"}', pg_temp.secret(32))),
    ('alg_missing', pg_temp.forge('{"typ":"JWT"}', '{"sub":"user-1"}', pg_temp.secret(32))),
    ('dup_claim', pg_temp.forge('{"alg":"HS256"}', '{"sub":"user-1","sub":"admin"}', pg_temp.secret(32))),
    ('exp_string', pg_temp.forge('{"alg":"HS256"}', '{"sub":"user-1","exp":"4102444800"}',
                                 pg_temp.secret(32)));
INSERT INTO token
SELECT 'tampered', split_part(value, '.', 1) || '.' ||
       jwt_auth.base64url_encode('{"sub":"admin","exp":4102444800}') || '.' || split_part(value, '.', 3)
  FROM token WHERE name = 'good';

CREATE FUNCTION pg_temp.tok(name text) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT value FROM pg_temp.token t WHERE t.name = tok.name $$;

-- the errdetail of the error a statement raises ('no error' if none)
CREATE FUNCTION pg_temp.error_detail(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN detail;
END
$$;

-- everything the client sees of an error: message, detail and hint
CREATE FUNCTION pg_temp.error_text(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    msg text;
    detail text;
    hint text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
        hint = PG_EXCEPTION_HINT;
    RETURN concat_ws(E'\n', msg, detail, hint);
END
$$;

-- the hint of the error a statement raises
CREATE FUNCTION pg_temp.error_hint(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    hint text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RETURN hint;
END
$$;

-- the fixtures are what they claim to be
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), pg_temp.secret(32))$$,
    'the good token verifies with its key');
SELECT is(jwt_auth.jwt_verify(pg_temp.tok('good'), pg_temp.secret(32)) ->> 'sub', 'user-1',
    'the good token carries its claims');
SELECT is(jwt_auth.jws_verify(pg_temp.tok('jws'), pg_temp.secret(32)), '\x0102030405'::bytea,
    'the JWS fixture verifies to its payload bytes');
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('hs384'), pg_temp.secret(48), 'HS384')$$,
    'the HS384 token verifies with HS384');

------------------------------------------------------------------------
-- 28000: the token is bad
------------------------------------------------------------------------

SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), upper(pg_temp.secret(32)))$$,
    '28000', 'invalid token', 'a token checked with another key is rejected (bad signature)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('tampered'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token whose payload was changed is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('expired'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'an expired token is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('not_yet'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token used before nbf is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), pg_temp.secret(48), 'HS384')$$,
    '28000', 'invalid token', 'an HS256 token checked as HS384 is rejected (alg mismatch)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('hs384'), pg_temp.secret(48))$$,
    '28000', 'invalid token', 'an HS384 token checked as HS256 is rejected (alg mismatch)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('alg_none'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'an unsigned alg "none" token is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('alg_lower'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a header alg "hs256" does not match HS256 (case-sensitive)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('alg_missing'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token without alg in its header is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('crit'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token with an unknown crit extension is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('b64'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token asking for an unencoded payload (b64) is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('dup_claim'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token repeating a claim name is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('exp_string'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token whose exp is a string is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token with aud is rejected when no audience is expected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32), audience => 'web')$$,
    '28000', 'invalid token', 'a token for another audience is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('iss_a'), pg_temp.secret(32), issuer => 'https://b.example')$$,
    '28000', 'invalid token', 'a token from another issuer is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), pg_temp.secret(32), issuer => 'https://a.example')$$,
    '28000', 'invalid token', 'a token without iss is rejected when an issuer is expected');

-- a NULL token is an invalid token, whatever the key's type
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(NULL, pg_temp.secret(32))$$,
    '28000', 'invalid token', 'jwt_verify(NULL, text key) raises 28000');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(NULL, convert_to(pg_temp.secret(32), 'UTF8'))$$,
    '28000', 'invalid token', 'jwt_verify(NULL, bytea key) raises 28000');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(NULL, jsonb_build_object('kty', 'oct', 'k',
        jwt_auth.base64url_encode(convert_to(pg_temp.secret(32), 'UTF8'))))$$,
    '28000', 'invalid token', 'jwt_verify(NULL, JWK key) raises 28000');

-- malformed tokens
SELECT throws_ok($$SELECT jwt_auth.jwt_verify('', pg_temp.secret(32))$$,
    '28000', 'invalid token', 'an empty token is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify('not-a-token', pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token without dots is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify('e30.e30', pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token of two segments is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good') || '.e30', pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token of four segments is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(replace(pg_temp.tok('good'), '.', '=.'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token with base64 padding is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(regexp_replace(pg_temp.tok('good'), '[^.]*$', ''), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token with its signature stripped is rejected');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(' ' || pg_temp.tok('good'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'a token with leading whitespace is rejected');

-- jwt_decode does not verify, but still refuses what is not a token
SELECT throws_ok($$SELECT * FROM jwt_auth.jwt_decode('not-a-token')$$,
    '28000', 'invalid token', 'jwt_decode of a token without dots raises 28000');
SELECT throws_ok($$SELECT * FROM jwt_auth.jwt_decode(pg_temp.tok('good') || '.e30')$$,
    '28000', 'invalid token', 'jwt_decode of a four-segment token raises 28000');
SELECT throws_ok($$SELECT * FROM jwt_auth.jwt_decode('e30.e30+.AA')$$,
    '28000', 'invalid token', 'jwt_decode of a token with non-base64url characters raises 28000');
SELECT throws_ok($$SELECT * FROM jwt_auth.jwt_decode('e30.WzFd.AA')$$,
    '28000', 'invalid token', 'jwt_decode of a token whose payload is an array raises 28000');
SELECT throws_ok($$SELECT * FROM jwt_auth.jwt_decode('W10.e30.AA')$$,
    '28000', 'invalid token', 'jwt_decode of a token whose header is an array raises 28000');
SELECT lives_ok($$SELECT * FROM jwt_auth.jwt_decode(pg_temp.tok('expired'))$$,
    'jwt_decode shows an expired token (it does not judge claims)');
SELECT lives_ok($$SELECT * FROM jwt_auth.jwt_decode(pg_temp.tok('tampered'))$$,
    'jwt_decode shows a token with a bad signature (it does not verify)');

-- jws_verify: every verification rule but the claims
SELECT throws_ok($$SELECT jwt_auth.jws_verify(pg_temp.tok('jws'), upper(pg_temp.secret(32)))$$,
    '28000', 'invalid token', 'jws_verify with another key raises 28000');
SELECT throws_ok($$SELECT jwt_auth.jws_verify(pg_temp.tok('jws'), pg_temp.secret(48), 'HS384')$$,
    '28000', 'invalid token', 'jws_verify with another algorithm raises 28000');
SELECT throws_ok($$SELECT jwt_auth.jws_verify('AA.AA', pg_temp.secret(32))$$,
    '28000', 'invalid token', 'jws_verify of a malformed token raises 28000');
SELECT lives_ok($$SELECT jwt_auth.jws_verify(pg_temp.tok('expired'), pg_temp.secret(32))$$,
    'jws_verify does not judge claims: an expired JWT passes as a JWS');

-- the errdetail names the reason
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('expired'), pg_temp.secret(32))$$),
    'token has expired (claim "exp")', 'errdetail of an expired token names exp');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('not_yet'), pg_temp.secret(32))$$),
    'token is not valid yet (claim "nbf")', 'errdetail of a token used too early names nbf');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), upper(pg_temp.secret(32)))$$),
    'signature does not match', 'errdetail of a bad signature says so');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), pg_temp.secret(48), 'HS384')$$),
    'token algorithm does not match the expected algorithm', 'errdetail of an alg mismatch says so');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(NULL, pg_temp.secret(32))$$),
    'token is null', 'errdetail of a NULL token says so');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify('e30.e30', pg_temp.secret(32))$$),
    'token does not have exactly three segments', 'errdetail of a two-segment token says so');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(replace(pg_temp.tok('good'), '.', '=.'), pg_temp.secret(32))$$),
    'token segment is not strict base64url', 'errdetail of padded base64 says so');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('crit'), pg_temp.secret(32))$$),
    'token header lists a critical extension that is not supported', 'errdetail of an unknown crit says so');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32), audience => 'web')$$),
    'token audience does not match (claim "aud")', 'errdetail of a wrong audience names aud');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('iss_a'), pg_temp.secret(32), issuer => 'https://b.example')$$),
    'token issuer does not match (claim "iss")', 'errdetail of a wrong issuer names iss');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('exp_string'), pg_temp.secret(32))$$),
    'a registered claim has the wrong type (claim "exp")', 'errdetail of a string exp names exp');

------------------------------------------------------------------------
-- 22023: a bad argument
------------------------------------------------------------------------

-- algorithms
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'XX256')$$,
    '22023', 'unsupported algorithm', 'jwt_sign refuses an unknown algorithm');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'hs256')$$,
    '22023', 'unsupported algorithm', 'algorithm names are case-sensitive (hs256 is unknown)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), pg_temp.secret(32), 'XX256')$$,
    '22023', 'unsupported algorithm', 'jwt_verify refuses an unknown algorithm');
SELECT throws_ok($$SELECT jwt_auth.jwt_valid(pg_temp.tok('good'), pg_temp.secret(32), 'XX256')$$,
    '22023', 'unsupported algorithm', 'jwt_valid raises for an unknown algorithm (an argument error, not a bad token)');
SELECT throws_ok($$SELECT jwt_auth.jws_sign('\x01', pg_temp.secret(32), 'XX256')$$,
    '22023', 'unsupported algorithm', 'jws_sign refuses an unknown algorithm');
SELECT throws_ok($$SELECT jwt_auth.jws_verify(pg_temp.tok('jws'), pg_temp.secret(32), 'XX256')$$,
    '22023', 'unsupported algorithm', 'jws_verify refuses an unknown algorithm');
SELECT throws_ok($$SELECT jwt_auth.sign('{}', 'secret', 'XX256')$$,
    '22023', 'Cannot use "": No such hash algorithm', 'pgjwt sign refuses an unknown algorithm with pgjwt''s own error');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'none')$$,
    '22023', 'unsupported algorithm', 'jwt_sign never signs with "none"');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('alg_none'), pg_temp.secret(32), 'none')$$,
    '22023', 'unsupported algorithm', 'jwt_verify never accepts "none" as the algorithm');
SELECT throws_ok($$SELECT jwt_auth.jwt_valid(pg_temp.tok('alg_none'), pg_temp.secret(32), 'none')$$,
    '22023', 'unsupported algorithm', 'jwt_valid never accepts "none" as the algorithm');
SELECT throws_ok($$SELECT jwt_auth.jws_sign('\x01', pg_temp.secret(32), 'none')$$,
    '22023', 'unsupported algorithm', 'jws_sign never signs with "none"');
SELECT throws_ok($$SELECT * FROM jwt_auth.verify(pg_temp.tok('alg_none'), 'secret', 'none')$$,
    '22023', 'Cannot use "": No such hash algorithm', 'pgjwt verify never accepts "none" as the algorithm');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'none')$$),
    'algorithm "none" is never accepted', 'errdetail for "none" says it is never accepted');

-- HMAC keys shorter than the hash (RFC 7518 section 3.2)
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(31))$$,
    '22023', 'invalid key', 'HS256 signing refuses a 31-byte key');
SELECT lives_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32))$$,
    'HS256 signing accepts a 32-byte key');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(47), 'HS384')$$,
    '22023', 'invalid key', 'HS384 signing refuses a 47-byte key');
SELECT lives_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(48), 'HS384')$$,
    'HS384 signing accepts a 48-byte key');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(63), 'HS512')$$,
    '22023', 'invalid key', 'HS512 signing refuses a 63-byte key');
SELECT lives_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(64), 'HS512')$$,
    'HS512 signing accepts a 64-byte key');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'HS384')$$,
    '22023', 'invalid key', 'an HS256-sized key is too short for HS384');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), pg_temp.secret(31))$$,
    '22023', 'invalid key', 'HS256 verification refuses a 31-byte key');
SELECT throws_ok($$SELECT jwt_auth.jwt_valid(pg_temp.tok('good'), pg_temp.secret(31))$$,
    '22023', 'invalid key', 'jwt_valid raises for a short key (an argument error, not a bad token)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('hs384'), pg_temp.secret(47), 'HS384')$$,
    '22023', 'invalid key', 'HS384 verification refuses a 47-byte key');
SELECT throws_ok($$SELECT jwt_auth.jws_verify(pg_temp.tok('jws'), pg_temp.secret(31))$$,
    '22023', 'invalid key', 'jws_verify refuses a short key');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', '\x000102'::bytea)$$,
    '22023', 'invalid key', 'a short bytea key is refused');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', '{"kty":"oct","k":"AAAA"}'::jsonb)$$,
    '22023', 'invalid key', 'a short oct JWK is refused');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', '')$$,
    '22023', 'invalid key', 'an empty key is refused');
SELECT is(pg_temp.error_hint($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(47), 'HS384')$$),
    'HS384 needs a key of at least 48 bytes (RFC 7518 section 3.2).',
    'the hint for a short key gives the length the algorithm needs');

-- keys that are public key material, or not HMAC keys
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', E'-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n')$$,
    '22023', 'invalid key', 'a PEM public key is refused as an HMAC secret (signing)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), E'-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n')$$,
    '22023', 'invalid key', 'a PEM public key is refused as an HMAC secret (verification)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), E'-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----\n'::bytea)$$,
    '22023', 'invalid key', 'a PEM certificate given as bytea is refused as an HMAC secret');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), '{"kty":"RSA","n":"u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw","e":"AQAB"}')$$,
    '22023', 'invalid key', 'a JWK public key given as text is refused as an HMAC secret');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7VJTUt9Us8cKjMzEfYyji user@host')$$,
    '22023', 'invalid key', 'an OpenSSH public key is refused as an HMAC secret');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_sign('{}', E'-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n')$$),
    'key is malformed or of an unsupported form', 'errdetail for a truncated PEM key says it is malformed');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', '{"kty":"RSA","n":"u1SU1LfVLPHCozMxH2Mo","e":"AQAB"}'::jsonb)$$,
    '22023', 'invalid key', 'an RSA JWK with a 120-bit modulus is refused');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), '{"kty":"RSA","n":"u1SU1LfVLPHCozMxH2Mo","e":"AQAB"}'::jsonb)$$,
    '22023', 'invalid key', 'jwt_verify refuses an RSA JWK with a 120-bit modulus');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_sign('{}', '{"kty":"RSA","n":"u1SU1LfVLPHCozMxH2Mo","e":"AQAB"}'::jsonb)$$),
    'key is malformed or of an unsupported form', 'errdetail for an RSA JWK that OpenSSL''s public-key check refuses says it is malformed');
SELECT throws_ok(format($$SELECT jwt_auth.jwt_sign('{}', %L::jsonb)$$,
        jsonb_build_object('kty', 'oct', 'use', 'enc',
            'k', jwt_auth.base64url_encode(convert_to(pg_temp.secret(32), 'UTF8')))),
    '22023', 'invalid key', 'a JWK with use "enc" is refused for signing');
SELECT throws_ok(format($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), %L::jsonb)$$,
        jsonb_build_object('kty', 'oct', 'use', 'enc',
            'k', jwt_auth.base64url_encode(convert_to(pg_temp.secret(32), 'UTF8')))),
    '22023', 'invalid key', 'a JWK with use "enc" is refused for verification');
SELECT is(pg_temp.error_detail(format($$SELECT jwt_auth.jwt_sign('{}', %L::jsonb)$$,
        jsonb_build_object('kty', 'oct', 'use', 'enc',
            'k', jwt_auth.base64url_encode(convert_to(pg_temp.secret(32), 'UTF8'))))),
    'key is not meant for this operation', 'errdetail for a use "enc" JWK says so');
SELECT throws_ok(format($$SELECT jwt_auth.jwt_sign('{}', %L::jsonb, 'HS256')$$,
        jsonb_build_object('kty', 'oct', 'alg', 'HS512',
            'k', jwt_auth.base64url_encode(convert_to(pg_temp.secret(64), 'UTF8')))),
    '22023', 'invalid key', 'a JWK bound to HS512 is refused for HS256');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', '{"k":"AAAA"}'::jsonb)$$,
    '22023', 'invalid key', 'a JWK without kty is refused');

-- extra header fields may not set what the caller's arguments decide
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'HS256', '{"alg":"none"}')$$,
    '22023', 'invalid header', 'header fields may not set alg');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'HS256', '{"alg":"HS256"}')$$,
    '22023', 'invalid header', 'header fields may not set alg, even to the same value');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'HS256', '{"crit":["exp"]}')$$,
    '22023', 'invalid header', 'header fields may not set crit');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'HS256', '{"b64":false}')$$,
    '22023', 'invalid header', 'header fields may not set b64');
SELECT throws_ok($$SELECT jwt_auth.jws_sign('\x01', pg_temp.secret(32), 'HS256', '{"alg":"none"}')$$,
    '22023', 'invalid header', 'jws_sign header fields may not set alg');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'HS256', '["kid"]')$$,
    '22023', 'invalid header', 'header fields must be a JSON object');
SELECT lives_ok($$SELECT jwt_auth.jwt_sign('{}', pg_temp.secret(32), 'HS256', '{"kid":"key-1"}')$$,
    'header fields such as kid are accepted');

-- the payload of a JWT is a JSON object
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('[1]'::jsonb, pg_temp.secret(32))$$,
    '22023', 'invalid payload', 'a jsonb array payload is refused');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('"claims"'::json, pg_temp.secret(32))$$,
    '22023', 'invalid payload', 'a json string payload is refused');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('42'::text, pg_temp.secret(32))$$,
    '22023', 'invalid payload', 'a text number payload is refused');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('null'::jsonb, pg_temp.secret(32))$$,
    '22023', 'invalid payload', 'a JSON null payload is refused');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{"sub":'::text, pg_temp.secret(32))$$,
    '22023', 'invalid payload', 'a payload that is not JSON is refused');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{"sub":"a","sub":"b"}'::text, pg_temp.secret(32))$$,
    '22023', 'invalid payload', 'a payload repeating a claim name is refused');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_sign('[1]'::jsonb, pg_temp.secret(32))$$),
    'payload is not a JSON object', 'errdetail for an array payload says it is not an object');

-- strict base64url
SELECT throws_ok($$SELECT jwt_auth.base64url_decode('AA==')$$,
    '22023', 'invalid base64url data', 'base64url_decode refuses padding');
SELECT throws_ok($$SELECT jwt_auth.base64url_decode('+/+/')$$,
    '22023', 'invalid base64url data', 'base64url_decode refuses the standard alphabet');
SELECT throws_ok($$SELECT jwt_auth.base64url_decode('A')$$,
    '22023', 'invalid base64url data', 'base64url_decode refuses an impossible length');
SELECT throws_ok($$SELECT jwt_auth.base64url_decode('AB')$$,
    '22023', 'invalid base64url data', 'base64url_decode refuses stray bits');
SELECT throws_ok($$SELECT jwt_auth.base64url_decode('AA AA')$$,
    '22023', 'invalid base64url data', 'base64url_decode refuses whitespace');
SELECT is(jwt_auth.base64url_decode('AQID'), '\x010203'::bytea,
    'base64url_decode decodes valid input');

-- leeway
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), pg_temp.secret(32), leeway => '-1 second')$$,
    '22023', 'leeway must not be negative', 'jwt_verify refuses a negative leeway');
SELECT throws_ok($$SELECT jwt_auth.jwt_valid(pg_temp.tok('good'), pg_temp.secret(32), leeway => '-1 day')$$,
    '22023', 'leeway must not be negative', 'jwt_valid raises for a negative leeway');
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('expired'), pg_temp.secret(32), leeway => '100 years')$$,
    'a leeway argument wide enough accepts an expired token');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('expired'), pg_temp.secret(32), leeway => '0')$$,
    '28000', 'invalid token', 'a zero leeway still rejects an expired token');

------------------------------------------------------------------------
-- 22004: a NULL key or algorithm
------------------------------------------------------------------------

SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), NULL::text)$$,
    '22004', 'key must not be null', 'jwt_verify refuses a NULL text key');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), NULL::bytea)$$,
    '22004', 'key must not be null', 'jwt_verify refuses a NULL bytea key');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), NULL::jsonb)$$,
    '22004', 'key must not be null', 'jwt_verify refuses a NULL JWK');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), pg_temp.secret(32), NULL)$$,
    '22004', 'algorithm must not be null', 'jwt_verify refuses a NULL algorithm');
SELECT throws_ok($$SELECT jwt_auth.jwt_valid(pg_temp.tok('good'), NULL::text)$$,
    '22004', 'key must not be null', 'jwt_valid refuses a NULL text key');
SELECT throws_ok($$SELECT jwt_auth.jwt_valid(pg_temp.tok('good'), NULL::bytea)$$,
    '22004', 'key must not be null', 'jwt_valid refuses a NULL bytea key');
SELECT throws_ok($$SELECT jwt_auth.jwt_valid(pg_temp.tok('good'), NULL::jsonb)$$,
    '22004', 'key must not be null', 'jwt_valid refuses a NULL JWK');
SELECT throws_ok($$SELECT jwt_auth.jwt_valid(pg_temp.tok('good'), pg_temp.secret(32), NULL)$$,
    '22004', 'algorithm must not be null', 'jwt_valid refuses a NULL algorithm');
SELECT throws_ok($$SELECT jwt_auth.jwt_valid(NULL, NULL::text)$$,
    '22004', 'key must not be null', 'jwt_valid with a NULL token and a NULL key is an argument error');
SELECT throws_ok($$SELECT * FROM jwt_auth.verify(pg_temp.tok('pgjwt'), NULL)$$,
    '22004', 'key must not be null', 'pgjwt verify refuses a NULL secret rather than answering NULL');
SELECT throws_ok($$SELECT * FROM jwt_auth.verify(pg_temp.tok('pgjwt'), 'secret', NULL)$$,
    '22023', 'Cannot use "": No such hash algorithm', 'pgjwt verify refuses a NULL algorithm, as pgjwt did');

------------------------------------------------------------------------
-- jwt_valid: true or false, never NULL, never an error for a bad token
------------------------------------------------------------------------

SELECT is(jwt_auth.jwt_valid(pg_temp.tok('good'), pg_temp.secret(32)), true,
    'jwt_valid is true for a good token');
SELECT is(jwt_auth.jwt_valid(NULL, pg_temp.secret(32)), false,
    'jwt_valid is false (not NULL) for a NULL token with a text key');
SELECT is(jwt_auth.jwt_valid(NULL, convert_to(pg_temp.secret(32), 'UTF8')), false,
    'jwt_valid is false (not NULL) for a NULL token with a bytea key');
SELECT is(jwt_auth.jwt_valid(NULL, jsonb_build_object('kty', 'oct',
        'k', jwt_auth.base64url_encode(convert_to(pg_temp.secret(32), 'UTF8')))), false,
    'jwt_valid is false (not NULL) for a NULL token with a JWK');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('good'), upper(pg_temp.secret(32))), false,
    'jwt_valid is false for a bad signature');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('tampered'), pg_temp.secret(32)), false,
    'jwt_valid is false for a tampered payload');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('expired'), pg_temp.secret(32)), false,
    'jwt_valid is false for an expired token');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('good'), pg_temp.secret(48), 'HS384'), false,
    'jwt_valid is false for an alg mismatch');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('alg_none'), pg_temp.secret(32)), false,
    'jwt_valid is false for an alg "none" token');
SELECT is(jwt_auth.jwt_valid('not-a-token', pg_temp.secret(32)), false,
    'jwt_valid is false for a malformed token');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('aud_api'), pg_temp.secret(32), audience => 'web'), false,
    'jwt_valid is false for a wrong audience');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('aud_api'), pg_temp.secret(32), audience => 'api'), true,
    'jwt_valid is true for the expected audience');

------------------------------------------------------------------------
-- STRICT functions: NULL in, NULL out
------------------------------------------------------------------------

SELECT is(jwt_auth.jwt_sign(NULL::jsonb, pg_temp.secret(32)), NULL, 'jwt_sign of a NULL payload is NULL');
SELECT is(jwt_auth.jwt_sign('{}'::jsonb, NULL::text), NULL, 'jwt_sign with a NULL key is NULL');
SELECT is(jwt_auth.jwt_sign('{}'::jsonb, pg_temp.secret(32), NULL), NULL, 'jwt_sign with a NULL algorithm is NULL');
SELECT is(jwt_auth.jwt_sign('{}'::jsonb, pg_temp.secret(32), 'HS256', NULL), NULL, 'jwt_sign with a NULL header is NULL');
SELECT is(jwt_auth.jws_sign(NULL, pg_temp.secret(32)), NULL, 'jws_sign of a NULL payload is NULL');
SELECT is(jwt_auth.jws_verify(NULL, pg_temp.secret(32)), NULL, 'jws_verify of a NULL token is NULL');
SELECT is(jwt_auth.jws_verify(pg_temp.tok('jws'), NULL::text), NULL, 'jws_verify with a NULL key is NULL');
SELECT ok((SELECT d IS NULL FROM jwt_auth.jwt_decode(NULL) d), 'jwt_decode of NULL is a NULL row');
SELECT is(jwt_auth.base64url_encode(NULL), NULL, 'base64url_encode(NULL) is NULL');
SELECT is(jwt_auth.base64url_decode(NULL), NULL, 'base64url_decode(NULL) is NULL');
SELECT is(jwt_auth.sign(NULL, 'secret'), NULL, 'pgjwt sign of a NULL payload is NULL');
SELECT is(jwt_auth.sign('{}', NULL), NULL, 'pgjwt sign with a NULL secret is NULL');
SELECT is(jwt_auth.url_encode(NULL), NULL, 'url_encode(NULL) is NULL');
SELECT is(jwt_auth.url_decode(NULL), NULL, 'url_decode(NULL) is NULL');

------------------------------------------------------------------------
-- pgjwt's verify: valid is true or false, never NULL
------------------------------------------------------------------------

SELECT is((SELECT valid FROM jwt_auth.verify(pg_temp.tok('pgjwt'), 'secret')), true,
    'pgjwt sign and verify accept a short secret');
SELECT lives_ok($$SELECT jwt_auth.sign('{"sub":"x"}', 'k', 'HS512')$$,
    'pgjwt sign accepts a one-byte secret for HS512');
SELECT is((SELECT valid FROM jwt_auth.verify(NULL, 'secret')), false,
    'pgjwt verify of a NULL token: valid is false, not NULL');
SELECT is((SELECT count(*) FROM jwt_auth.verify(NULL, 'secret'))::int, 1,
    'pgjwt verify of a NULL token still returns one row');
SELECT is((SELECT valid FROM jwt_auth.verify(pg_temp.tok('pgjwt') || '.e30', 'secret')), false,
    'pgjwt verify of a four-segment token: valid is false');
SELECT is((SELECT valid FROM jwt_auth.verify('e30.e30.!!!', 'secret')), false,
    'pgjwt verify of bad base64: valid is false, no error');
SELECT is((SELECT valid FROM jwt_auth.verify('garbage', 'secret')), false,
    'pgjwt verify of a token without dots: valid is false, no error');
SELECT is((SELECT valid FROM jwt_auth.verify(pg_temp.tok('pgjwt'), 'other')), false,
    'pgjwt verify with another secret: valid is false');
SELECT is((SELECT valid FROM jwt_auth.verify(pg_temp.tok('pgjwt'), 'secret', 'HS384')), false,
    'pgjwt verify with another algorithm: valid is false');
SELECT is((SELECT valid FROM jwt_auth.verify(pg_temp.tok('alg_none'), 'secret')), false,
    'pgjwt verify of an alg "none" token: valid is false');
SELECT is((SELECT valid FROM jwt_auth.verify(pg_temp.tok('pgjwt_expired'), 'secret')), false,
    'pgjwt verify of an expired token: valid is false');
SELECT is((SELECT payload::text FROM jwt_auth.verify(pg_temp.tok('pgjwt'), 'other')),
    '{"sub":"user-1","exp":4102444800}',
    'pgjwt verify shows the payload even when the signature is wrong, like pgjwt');
SELECT is(jwt_auth.url_decode('!!'), NULL, 'url_decode of what is not base64 is NULL, not an error');

------------------------------------------------------------------------
-- no message carries the key or the token
------------------------------------------------------------------------

SELECT ok(strpos(pg_temp.error_text($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), upper(pg_temp.secret(32)))$$),
        upper(pg_temp.secret(32))) = 0
    AND strpos(pg_temp.error_text($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good'), upper(pg_temp.secret(32)))$$),
        split_part(pg_temp.tok('good'), '.', 3)) = 0,
    'a bad-signature error shows neither the key nor the signature');
SELECT ok(strpos(pg_temp.error_text($$SELECT jwt_auth.jwt_verify(pg_temp.tok('expired'), pg_temp.secret(32))$$),
        split_part(pg_temp.tok('expired'), '.', 2)) = 0,
    'an expired-token error does not echo the token');
SELECT ok(strpos(pg_temp.error_text($$SELECT jwt_auth.jwt_verify(pg_temp.tok('good') || '.e30', pg_temp.secret(32))$$),
        split_part(pg_temp.tok('good'), '.', 1)) = 0,
    'a malformed-token error does not echo the token');
SELECT ok(strpos(pg_temp.error_text($$SELECT jwt_auth.jwt_sign('{}', 'short-secret-xyz')$$),
        'short-secret-xyz') = 0,
    'a short-key error does not echo the key');
SELECT ok(strpos(pg_temp.error_text($$SELECT jwt_auth.jwt_sign('{}', E'-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n')$$),
        'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A') = 0,
    'a public-key error does not echo the key');
SELECT ok(strpos(pg_temp.error_text(format($$SELECT jwt_auth.jwt_sign('{}', %L::jsonb)$$,
        jsonb_build_object('kty', 'oct', 'use', 'enc',
            'k', jwt_auth.base64url_encode(convert_to(pg_temp.secret(32), 'UTF8'))))),
        jwt_auth.base64url_encode(convert_to(pg_temp.secret(32), 'UTF8'))) = 0,
    'a JWK error does not echo the key');

SELECT * FROM finish();
ROLLBACK;
