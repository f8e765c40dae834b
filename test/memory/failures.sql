-- Backend memory across failing calls: every class of failure a caller can
-- cause, :calls calls each, all in this one backend. Each call raises (and
-- is caught by a PL/pgSQL exception block, as an application's retry loop
-- would) or, for pgjwt's verify, answers valid = false. Inputs are large
-- where the class allows (tokens near the 256 kB limit), so that anything a
-- failing call strands shows at once.
--
-- Logins (bcrypt at cost 4) run :login_calls times (default :calls).
--
-- Per class, after a warm-up of :calls / 10 calls of the same kind: RssAnon
-- (the backend's private resident memory, from /proc/<pid>/status) before
-- and after. Prints "CLASS|CALLS|GROWTH_KB|RAISED" lines: test/memory/run
-- and bench/run read them. Needs a superuser (pg_read_file of /proc).
\ir setup.sql
\if :{?calls}
\else
    \set calls 100000
\endif
\if :{?login_calls}
\else
    \set login_calls :calls
\endif

CREATE TEMP TABLE mem_input (name text PRIMARY KEY, v text);
CREATE TEMP TABLE mem_result (class text, calls int, growth_kb bigint, raised int);


-- n calls of sql (its $1 is input a, its $2 input b), each in its own exception block;
-- returns how many raised
CREATE FUNCTION pg_temp.fail(sql text, n int, a text, b text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    raised int := 0;
BEGIN
    FOR i IN 1..n LOOP
        BEGIN
            EXECUTE sql USING a, b;
        EXCEPTION WHEN OTHERS THEN
            raised := raised + 1;
        END;
    END LOOP;
    RETURN raised;
END
$$;

-- a and b name rows of mem_input
CREATE PROCEDURE pg_temp.measure(class text, sql text, n int, a_name text,
                                 b_name text DEFAULT NULL) LANGUAGE plpgsql AS $$
DECLARE
    a text := (SELECT v FROM mem_input WHERE name = a_name);
    b text := (SELECT v FROM mem_input WHERE name = b_name);
    before bigint;
    raised int;
BEGIN
    PERFORM pg_temp.fail(sql, greatest(n / 10, 1), a, b);
    before := pg_temp.rss_anon_kb();
    raised := pg_temp.fail(sql, n, a, b);
    INSERT INTO mem_result VALUES (class, n, pg_temp.rss_anon_kb() - before, raised);
END
$$;

-- inputs: a 256 kB payload, tokens built on it, keys
\set secret '''memory-test-secret-0123456789abcdef'''
INSERT INTO mem_input VALUES
    ('secret', :secret),
    ('wrong_password', 'a wrong password'),
    ('refresh_junk', repeat('r', 200000)),
    ('payload', '{"sub":"42","pad":"' || repeat('x', 190000) || '"}');
INSERT INTO mem_input
SELECT 'hs256', jwt_auth.jwt_sign(v::json, :secret) FROM mem_input WHERE name = 'payload';
INSERT INTO mem_input
SELECT 'kid_token', jwt_auth.jwt_sign(v::json, :secret, 'HS256', '{"kid":"k1"}')
  FROM mem_input WHERE name = 'payload';
INSERT INTO mem_input VALUES
    ('dup_set', jsonb_build_object('keys', jsonb_build_array(
        jsonb_build_object('kty', 'oct', 'kid', 'k1', 'k', jwt_auth.base64url_encode(convert_to(:secret, 'UTF8'))),
        jsonb_build_object('kty', 'oct', 'kid', 'k1', 'k', jwt_auth.base64url_encode(convert_to(:secret, 'UTF8')))))::text),
    ('bad_b64', 'eyJhbGciOiJIUzI1NiJ9.' || repeat('A', 262000) || '.!'),
    ('bad_json', jwt_auth.base64url_encode('{"alg":"HS256"}') || '.' ||
                 jwt_auth.base64url_encode(convert_to('{"sub":' || repeat('[', 50) || repeat('1', 190000), 'UTF8')) ||
                 '.AAAA'),
    ('malformed', repeat('eyJhbGciOiJIUzI1NiJ9', 13000)),
    ('oversized', 'eyJhbGciOiJIUzI1NiJ9.' || repeat('A', 300000) || '.AAAA'),
    ('bad_pem', '-----BEGIN PUBLIC KEY-----' || chr(10) || repeat('QUJD', 60000) || chr(10) ||
                '-----END PUBLIC KEY-----' || chr(10)),
    ('bad_jwk', jsonb_build_object('kty', 'RSA', 'n', repeat('A', 200000), 'e', 'AQAB')::text);

-- another issuer (jwt_auth.issuers) with a pushed set: the RFC 7515 A.3 P-256 public key as a1;
-- its tokens near the size limit, signed by that key (right and wrong audience, a role it may
-- not grant) and by a key of no one's (a wrong signature, an unknown kid)
\set a3 '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}'
SELECT jwt_auth.issuer_add('https://memory.example',
    jsonb_build_object('keys', jsonb_build_array(:'a3'::jsonb - 'd' || '{"kid":"a1"}')),
    audience => '{api}', default_role => 'pg_monitor') IS NOT NULL AS issuer_added \gset
INSERT INTO mem_input
SELECT 'iss_' || t.name, jwt_auth.jwt_sign(
           jsonb_build_object('iss', 'https://memory.example', 'aud', t.aud, 'exp', 4102444800, 'sub', '42',
                              'role', t.role, 'pad', repeat('x', 190000)),
           CASE WHEN t.own_key THEN :'a3'::jsonb ELSE NULL END, 'ES256', jsonb_build_object('kid', t.kid))
  FROM (VALUES ('bad_aud', 'web', NULL, true, 'a1'), ('role', 'api', 'postgres', true, 'a1')) t(name, aud, role, own_key, kid);
INSERT INTO mem_input
SELECT 'iss_' || t.name, jwt_auth.jwt_sign(
           jsonb_build_object('iss', 'https://memory.example', 'aud', 'api', 'exp', 4102444800, 'sub', '42',
                              'pad', repeat('x', 190000)),
           convert_from((jwt_auth._key_new('ES256')).private_key, 'UTF8'), 'ES256', jsonb_build_object('kid', t.kid))
  FROM (VALUES ('bad_sig', 'a1'), ('unknown_kid', 'zz')) t(name, kid);

-- users for the login and refresh classes
SET jwt_auth.bcrypt_cost = 4;
SET jwt_auth.min_password_length = 8;
DO $$ BEGIN PERFORM jwt_auth.key_generate('HS256'); END $$;
SELECT jwt_auth.user_create('mem_user', 'the right password', 'pg_monitor') IS NOT NULL AS created \gset

CALL pg_temp.measure('malformed token', 'SELECT jwt_auth.jwt_verify($1, $2)', :calls,
                     'malformed', 'secret');
CALL pg_temp.measure('bad base64', 'SELECT jwt_auth.jwt_verify($1, $2)', :calls,
                     'bad_b64', 'secret');
CALL pg_temp.measure('bad JSON', 'SELECT jwt_auth.jwt_verify($1, $2)', :calls,
                     'bad_json', 'secret');
CALL pg_temp.measure('oversized token', 'SELECT jwt_auth.jwt_verify($1, $2)', :calls,
                     'oversized', 'secret');
CALL pg_temp.measure('wrong alg', 'SELECT jwt_auth.jwt_verify($1, $2, ''HS384'')', :calls,
                     'hs256', 'secret');
CALL pg_temp.measure('wrong signature', 'SELECT jwt_auth.jwt_verify($1, $2 || ''!'')', :calls,
                     'hs256', 'secret');
CALL pg_temp.measure('bad key', 'SELECT jwt_auth.jwt_verify($1, $2, ''RS256'')', :calls,
                     'hs256',
                     'bad_pem');
CALL pg_temp.measure('duplicate kid', 'SELECT jwt_auth.jwt_verify($1, $2::jsonb)', :calls,
                     'kid_token',
                     'dup_set');
CALL pg_temp.measure('bad JWK', 'SELECT jwt_auth.jwt_verify($1, $2::jsonb, ''RS256'')', :calls,
                     'hs256',
                     'bad_jwk');
CALL pg_temp.measure('stored key, unknown kid', 'SELECT jwt_auth.jwt_verify($1)', :calls,
                     'kid_token');
CALL pg_temp.measure('issuer token, wrong signature', 'SELECT jwt_auth.jwt_verify($1)', :calls,
                     'iss_bad_sig');
CALL pg_temp.measure('issuer token, unknown kid', 'SELECT jwt_auth.jwt_verify($1)', :calls,
                     'iss_unknown_kid');
CALL pg_temp.measure('issuer token, wrong audience', 'SELECT jwt_auth.jwt_verify($1)', :calls,
                     'iss_bad_aud');
CALL pg_temp.measure('issuer token, role it may not grant', 'SELECT jwt_auth.authenticate($1)', :calls,
                     'iss_role');
CALL pg_temp.measure('pgjwt verify of garbage', 'SELECT * FROM jwt_auth.verify($1, $2)', :calls,
                     'bad_b64', 'secret');
CALL pg_temp.measure('pgjwt sign, bad algorithm', 'SELECT jwt_auth.sign($1::json, $2, ''HS999'')', :calls,
                     'payload', 'secret');
CALL pg_temp.measure('failed login', 'SELECT jwt_auth.auth_login(''mem_user'', $1)', :login_calls,
                     'wrong_password');
CALL pg_temp.measure('refused refresh', 'SELECT jwt_auth.auth_refresh($1)', :calls,
                     'refresh_junk');

SELECT class || '|' || calls || '|' || growth_kb || '|' || raised FROM mem_result \g (format=unaligned tuples_only)
