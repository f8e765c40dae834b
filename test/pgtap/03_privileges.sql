-- Privileges: PUBLIC may use schema jwt_auth and execute exactly the
-- functions the install script grants; no function runs as its owner; the
-- jwt_auth.* settings that decide what a token must carry (leeway, issuer,
-- audience) are set by superusers only.
BEGIN;
SELECT plan(70);

CREATE ROLE jwt_auth_test_nobody NOLOGIN;

-- what jwt_auth--1.0.sql grants to PUBLIC: every function of the surface
CREATE TEMP TABLE granted_function (signature regprocedure PRIMARY KEY);
INSERT INTO granted_function VALUES
    ('jwt_auth.jwt_sign(jsonb, text, text, jsonb)'), ('jwt_auth.jwt_sign(jsonb, bytea, text, jsonb)'),
    ('jwt_auth.jwt_sign(jsonb, jsonb, text, jsonb)'), ('jwt_auth.jwt_sign(json, text, text, jsonb)'),
    ('jwt_auth.jwt_sign(json, bytea, text, jsonb)'), ('jwt_auth.jwt_sign(json, jsonb, text, jsonb)'),
    ('jwt_auth.jwt_sign(text, text, text, jsonb)'), ('jwt_auth.jwt_sign(text, bytea, text, jsonb)'),
    ('jwt_auth.jwt_sign(text, jsonb, text, jsonb)'),
    ('jwt_auth.jwt_verify(text, text, text, text, text, interval)'),
    ('jwt_auth.jwt_verify(text, bytea, text, text, text, interval)'),
    ('jwt_auth.jwt_verify(text, jsonb, text, text, text, interval)'),
    ('jwt_auth.jwt_valid(text, text, text, text, text, interval)'),
    ('jwt_auth.jwt_valid(text, bytea, text, text, text, interval)'),
    ('jwt_auth.jwt_valid(text, jsonb, text, text, text, interval)'),
    ('jwt_auth.jwt_decode(text)'),
    ('jwt_auth.jws_sign(bytea, text, text, jsonb)'), ('jwt_auth.jws_sign(bytea, bytea, text, jsonb)'),
    ('jwt_auth.jws_sign(bytea, jsonb, text, jsonb)'),
    ('jwt_auth.jws_verify(text, text, text)'), ('jwt_auth.jws_verify(text, bytea, text)'),
    ('jwt_auth.jws_verify(text, jsonb, text)'),
    ('jwt_auth.base64url_encode(bytea)'), ('jwt_auth.base64url_decode(text)'),
    ('jwt_auth.sign(json, text, text)'), ('jwt_auth.verify(text, text, text)'),
    ('jwt_auth.url_encode(bytea)'), ('jwt_auth.url_decode(text)');

-- a catch-all for statements run as the unprivileged role: the SQLSTATE, or 'ok'
CREATE FUNCTION pg_temp.sqlstate_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE query;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;

------------------------------------------------------------------------
-- A setting made by an unprivileged role before the library is loaded
-- (a placeholder, which PostgreSQL cannot check yet) does not survive
-- the load. With jwt_auth preloaded, the SET itself is refused.
------------------------------------------------------------------------

SET LOCAL client_min_messages = error; -- the load warns about the discarded value
SET ROLE jwt_auth_test_nobody;
SELECT ok(pg_temp.sqlstate_of('SET jwt_auth.leeway = 3600') IN ('ok', '42501'),
    'an unprivileged SET of jwt_auth.leeway before the library loads is a placeholder or refused');
SELECT is(jwt_auth.base64url_encode('\x00'), 'AA', 'calling a function loads the library');
SELECT is(current_setting('jwt_auth.leeway'), '30s',
    'the unprivileged placeholder value was discarded when the library loaded');
RESET ROLE;
RESET client_min_messages;

------------------------------------------------------------------------
-- Schema and functions
------------------------------------------------------------------------

SELECT schema_privs_are('jwt_auth', 'public', ARRAY['USAGE'],
    'PUBLIC has USAGE on schema jwt_auth, and not CREATE');
SELECT schema_privs_are('jwt_auth', 'jwt_auth_test_nobody', ARRAY['USAGE'],
    'an ordinary role has USAGE on schema jwt_auth, and not CREATE');

-- PUBLIC may execute each granted function (28 tests)
SELECT function_privs_are('jwt_auth', p.proname, string_to_array(pg_catalog.oidvectortypes(p.proargtypes), ', ')::name[],
        'public', ARRAY['EXECUTE'],
        format('PUBLIC may execute %s', g.signature))
  FROM granted_function g JOIN pg_catalog.pg_proc p ON p.oid = g.signature
 ORDER BY g.signature::text;

-- PUBLIC may execute nothing else in the schema
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace
         AND has_function_privilege('public', p.oid, 'EXECUTE')
         AND p.oid NOT IN (SELECT signature FROM granted_function)$$,
    'PUBLIC may execute no function of jwt_auth beyond the granted ones');

-- the grants are PUBLIC's and the owner's only: no other role was given anything
SELECT is_empty(
    $$SELECT p.oid::regprocedure, a.grantee::regrole
        FROM pg_catalog.pg_proc p, aclexplode(p.proacl) a
       WHERE p.pronamespace = 'jwt_auth'::regnamespace
         AND a.grantee <> 0 AND a.grantee <> p.proowner$$,
    'no role other than PUBLIC and the owner holds a grant on a jwt_auth function');
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.proacl IS NULL$$,
    'every jwt_auth function has explicit privileges (REVOKE then GRANT ran)');
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p, aclexplode(p.proacl) a
       WHERE p.pronamespace = 'jwt_auth'::regnamespace AND a.grantee = 0 AND a.is_grantable$$,
    'PUBLIC cannot pass its EXECUTE grant on');

-- an ordinary role inherits PUBLIC's rights, no more
SELECT ok(has_function_privilege('jwt_auth_test_nobody', 'jwt_auth.jwt_verify(text, text, text, text, text, interval)', 'EXECUTE'),
    'an ordinary role may execute jwt_verify');
SELECT ok(has_function_privilege('jwt_auth_test_nobody', 'jwt_auth.jwt_sign(jsonb, text, text, jsonb)', 'EXECUTE'),
    'an ordinary role may execute jwt_sign');
SELECT ok(has_function_privilege('jwt_auth_test_nobody', 'jwt_auth.verify(text, text, text)', 'EXECUTE'),
    'an ordinary role may execute pgjwt verify');

-- no function runs with its owner's rights
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.prosecdef$$,
    'no jwt_auth function is SECURITY DEFINER');
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.proleakproof$$,
    'no jwt_auth function claims to be LEAKPROOF');

-- an ordinary role really can sign and verify, and cannot add to the schema
SET ROLE jwt_auth_test_nobody;
SELECT lives_ok(
    $$SELECT jwt_auth.jwt_verify(
        jwt_auth.jwt_sign('{"sub":"user-1","exp":4102444800}'::jsonb, 'jwt_auth-pgtap-secret/jwt_auth-p'),
        'jwt_auth-pgtap-secret/jwt_auth-p')$$,
    'an ordinary role signs and verifies a token');
SELECT is((SELECT valid FROM jwt_auth.verify(jwt_auth.sign('{"sub":"user-1"}', 'secret'), 'secret')), true,
    'an ordinary role uses the pgjwt functions');
SELECT throws_ok($$CREATE FUNCTION jwt_auth.jwt_auth_test_intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'$$,
    '42501', NULL, 'an ordinary role cannot create a function in schema jwt_auth');
SELECT throws_ok($$CREATE TABLE jwt_auth.jwt_auth_test_intruder (id int)$$,
    '42501', NULL, 'an ordinary role cannot create a table in schema jwt_auth');
SELECT throws_ok($$CREATE OR REPLACE FUNCTION jwt_auth.base64url_encode(data bytea) RETURNS text LANGUAGE sql AS 'SELECT ''x'''$$,
    '42501', NULL, 'an ordinary role cannot replace a jwt_auth function');
RESET ROLE;

------------------------------------------------------------------------
-- Settings: PGC_SUSET. A non-superuser may read them, never set them.
------------------------------------------------------------------------

SELECT results_eq(
    $$SELECT name::text, context::text FROM pg_catalog.pg_settings
       WHERE name IN ('jwt_auth.audience', 'jwt_auth.issuer', 'jwt_auth.leeway') ORDER BY name$$,
    $$VALUES ('jwt_auth.audience', 'superuser'), ('jwt_auth.issuer', 'superuser'),
             ('jwt_auth.leeway', 'superuser')$$,
    'jwt_auth.audience, issuer and leeway are superuser settings (PGC_SUSET)');

SET ROLE jwt_auth_test_nobody;
SELECT throws_ok('SET jwt_auth.leeway = 0', '42501',
    'permission denied to set parameter "jwt_auth.leeway"',
    'an ordinary role cannot SET jwt_auth.leeway');
SELECT throws_ok('SET jwt_auth.leeway = 3600', '42501',
    'permission denied to set parameter "jwt_auth.leeway"',
    'an ordinary role cannot widen jwt_auth.leeway');
SELECT throws_ok('SET LOCAL jwt_auth.leeway = 0', '42501',
    'permission denied to set parameter "jwt_auth.leeway"',
    'an ordinary role cannot SET LOCAL jwt_auth.leeway');
SELECT throws_ok($$SELECT set_config('jwt_auth.leeway', '3600', true)$$, '42501',
    'permission denied to set parameter "jwt_auth.leeway"',
    'an ordinary role cannot set_config jwt_auth.leeway');
SELECT throws_ok($$SET jwt_auth.issuer = 'https://attacker.example'$$, '42501',
    'permission denied to set parameter "jwt_auth.issuer"',
    'an ordinary role cannot SET jwt_auth.issuer');
SELECT throws_ok($$SELECT set_config('jwt_auth.issuer', '', true)$$, '42501',
    'permission denied to set parameter "jwt_auth.issuer"',
    'an ordinary role cannot clear jwt_auth.issuer with set_config');
SELECT throws_ok($$SET jwt_auth.audience = 'any'$$, '42501',
    'permission denied to set parameter "jwt_auth.audience"',
    'an ordinary role cannot SET jwt_auth.audience');
SELECT throws_ok($$SELECT set_config('jwt_auth.audience', 'any', false)$$, '42501',
    'permission denied to set parameter "jwt_auth.audience"',
    'an ordinary role cannot set_config jwt_auth.audience');
SELECT throws_ok('RESET jwt_auth.leeway', '42501',
    'permission denied to set parameter "jwt_auth.leeway"',
    'an ordinary role cannot RESET jwt_auth.leeway either');
SELECT throws_ok('ALTER ROLE jwt_auth_test_nobody SET jwt_auth.leeway = 3600', '42501',
    'permission denied to set parameter "jwt_auth.leeway"',
    'an ordinary role cannot give itself a jwt_auth.leeway with ALTER ROLE');
SELECT throws_ok('SET jwt_auth.no_such_setting = 1', '42602', NULL,
    'the jwt_auth prefix is reserved: no role may invent jwt_auth.* placeholders');
SELECT is(current_setting('jwt_auth.leeway'), '30s', 'an ordinary role may read jwt_auth.leeway');
SELECT is(current_setting('jwt_auth.issuer'), '', 'an ordinary role may read jwt_auth.issuer');
SELECT is(current_setting('jwt_auth.audience'), '', 'an ordinary role may read jwt_auth.audience');
RESET ROLE;

-- the superuser sets them; the role then sees, and cannot undo, the values
SET LOCAL jwt_auth.audience = 'api';
SET LOCAL jwt_auth.issuer = 'https://issuer.example';
SET LOCAL jwt_auth.leeway = '5s';
SET ROLE jwt_auth_test_nobody;
SELECT is(current_setting('jwt_auth.audience'), 'api', 'the role sees the audience the superuser set');
SELECT throws_ok($$SET LOCAL jwt_auth.audience = ''$$, '42501',
    'permission denied to set parameter "jwt_auth.audience"',
    'the role cannot undo the audience the superuser set');
-- RESET ALL (and DISCARD ALL) is PostgreSQL's exception: it returns every
-- PGC_SUSET setting to its reset value (postgresql.conf, ALTER DATABASE/ROLE
-- SET) whoever runs it. A superuser's session SET is therefore no barrier
-- against the session's own user; configure issuer/audience where RESET ALL
-- returns to. Pinned here so that a change in this behaviour is noticed.
SELECT lives_ok('RESET ALL', 'RESET ALL by the role runs');
SELECT is(current_setting('jwt_auth.issuer'), '',
    'RESET ALL by the role returns jwt_auth.issuer to its reset value, not the session SET');
SELECT is(current_setting('jwt_auth.leeway'), '30s',
    'RESET ALL by the role returns jwt_auth.leeway to its reset value, not the session SET');
SELECT is(current_user::text, 'jwt_auth_test_nobody', 'RESET ALL does not change the role');
RESET ROLE;

-- a delegated right is the superuser's choice (PostgreSQL 15 GRANT SET ON PARAMETER)
GRANT SET ON PARAMETER jwt_auth.leeway TO jwt_auth_test_nobody;
SET ROLE jwt_auth_test_nobody;
SELECT lives_ok('SET LOCAL jwt_auth.leeway = 10',
    'a role granted SET ON PARAMETER jwt_auth.leeway may set it');
SELECT throws_ok($$SET LOCAL jwt_auth.issuer = ''$$, '42501',
    'permission denied to set parameter "jwt_auth.issuer"',
    'that grant does not extend to jwt_auth.issuer');
RESET ROLE;
REVOKE SET ON PARAMETER jwt_auth.leeway FROM jwt_auth_test_nobody;

SELECT * FROM finish();
ROLLBACK;
