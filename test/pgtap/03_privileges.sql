-- Privileges: PUBLIC may use schema jwt_auth and execute exactly the
-- functions the install script grants; only the key store's writers and
-- jwks() run as their owner; the key store's table is the owner's alone,
-- yet any role verifies with the stored keys and reads the JWK set; the
-- jwt_auth.* settings that decide what a token must carry (leeway, issuer,
-- audience) are set by superusers only.
BEGIN;
SELECT plan(194);

CREATE ROLE jwt_auth_test_nobody NOLOGIN;
CREATE ROLE jwt_auth_test_issuer NOLOGIN;

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
    ('jwt_auth.url_encode(bytea)'), ('jwt_auth.url_decode(text)'),
    -- with the stored keys: verification and the public JWK set only
    ('jwt_auth.jwt_verify(text)'), ('jwt_auth.jwt_valid(text)'), ('jwt_auth.jwks()'),
    -- login, refresh and logout (each checks what it is given), and the request context
    ('jwt_auth.auth_login(text, text)'), ('jwt_auth.auth_refresh(text)'),
    ('jwt_auth.auth_logout(text, text)'), ('jwt_auth.authenticate(text)'),
    ('jwt_auth.pre_request()'), ('jwt_auth.claims()'), ('jwt_auth.claim(text)'),
    ('jwt_auth.uid()'), ('jwt_auth.role()'), ('jwt_auth.user_id()'),
    -- cookie mode's helpers for the API's functions: they only format what they are given
    ('jwt_auth.cookie_headers(jsonb)'), ('jwt_auth.cookie_clear_headers()'),
    ('jwt_auth.cookie_refresh_token()'),
    -- the password lifecycle's entry points (each checks what it is given; sign-up is off by default)
    ('jwt_auth.auth_change_password(text, text)'), ('jwt_auth.auth_reset(text, text)'),
    ('jwt_auth.auth_verify(text)'), ('jwt_auth.auth_signup(text, text, jsonb)');

-- what PUBLIC must not execute: signing with the stored keys (it mints
-- identities), managing keys, and the key store's internals
CREATE TEMP TABLE withheld_function (signature regprocedure PRIMARY KEY);
INSERT INTO withheld_function VALUES
    ('jwt_auth.jwt_sign(jsonb)'), ('jwt_auth.jwt_sign(json)'), ('jwt_auth.jwt_sign(text)'),
    ('jwt_auth.key_generate(text, text, text)'),
    ('jwt_auth.key_import(text, text, text, text)'), ('jwt_auth.key_import(bytea, text, text, text)'),
    ('jwt_auth.key_import(jsonb, text, text, text)'),
    ('jwt_auth.key_set_status(text, text)'),
    ('jwt_auth._keys_changed()'), ('jwt_auth._keys_replicated()'), ('jwt_auth._key_new(text)'),
    ('jwt_auth._key_parse(text, text)'), ('jwt_auth._key_parse(text, bytea)'),
    ('jwt_auth._key_parse(text, jsonb)'),
    ('jwt_auth._key_insert(text, text, text, bytea, jsonb)'),
    -- PostgREST's jwt-secret, HMAC secrets included: the owner grants it to the authenticator
    ('jwt_auth.postgrest_config()'),
    -- managing users, unlocking, purging, and every internal of login and sessions
    ('jwt_auth.user_create(text, text, text, jsonb)'), ('jwt_auth.user_import(text, text, text, jsonb)'),
    ('jwt_auth.user_set_password(text, text)'), ('jwt_auth.user_set_disabled(text, boolean)'),
    ('jwt_auth.user_delete(text)'), ('jwt_auth.auth_unlock(text)'), ('jwt_auth.purge_expired()'),
    ('jwt_auth._user_insert(text, text, text, jsonb)'), ('jwt_auth._user_lock(text)'),
    ('jwt_auth._password_hash(text)'), ('jwt_auth._hash_import(text)'), ('jwt_auth._password_verify(text, text)'),
    ('jwt_auth._password_new(text)'), ('jwt_auth._password_current(text)'),
    ('jwt_auth._role_check(text)'),
    ('jwt_auth._require_primary()'), ('jwt_auth._crypt(text, text)'), ('jwt_auth._gen_salt(text, integer)'),
    ('jwt_auth._settings()'), ('jwt_auth._issue(jwt_auth.users, jwt_auth.sessions, uuid, text, bytea)'),
    ('jwt_auth._session_revoke(uuid, text)'), ('jwt_auth._session_revoke_detached(uuid, text)'),
    ('jwt_auth._session_key()'), ('jwt_auth._standing_changed()'), ('jwt_auth._verified_claims()'), ('jwt_auth._session_csrf(bytea)'),
    ('jwt_auth._refresh_token_new()'), ('jwt_auth._refresh_token_hash(text)'),
    ('jwt_auth._refresh_token_child(text, bytea)'),
    -- the requests hand out a token (the owner grants them to the application server)
    ('jwt_auth.auth_reset_request(text)'), ('jwt_auth.auth_verification_request(text)'),
    ('jwt_auth._one_time_token_new(text, text)'), ('jwt_auth._one_time_token_take(text, text)'),
    ('jwt_auth._throttle_begin(text, boolean)'), ('jwt_auth._throttle_succeeded(text)'),
    ('jwt_auth._throttle_reset(text)'), ('jwt_auth._throttle_state()'),
    ('jwt_auth._token_cache_state()'),
    -- other issuers: the owner registers them (a pushed HMAC set is a secret)
    ('jwt_auth.issuer_add(text, jsonb, text, text[], text[], text, text, text, text[], interval)'),
    ('jwt_auth.issuer_alter(text, text, text[], text[], text, text, text, text[], interval, boolean)'),
    ('jwt_auth.issuer_set_jwks(text, jsonb)'), ('jwt_auth.issuer_remove(text)'),
    ('jwt_auth._issuer_check(jwt_auth.issuers)'), ('jwt_auth._issuer_store_jwks(text, jsonb)'),
    ('jwt_auth._issuer_jwks_check(jsonb, boolean)'), ('jwt_auth._claim_path_check(text)'),
    ('jwt_auth._issuers_changed()'),
    -- keys fetched from a jwks_uri: the owner's (they reach out to the network)
    ('jwt_auth._issuer_fetch(text)'), ('jwt_auth._issuers_fetch_wake()'), ('jwt_auth.issuer_refresh(text)'),
    ('jwt_auth.issuer_discover(text, text[], text[], text, text, text, text[], interval)');

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

-- PUBLIC may execute each granted function (41 tests)
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

-- PUBLIC may not execute any of the withheld functions (54 tests)
SELECT function_privs_are('jwt_auth', p.proname, coalesce(string_to_array(nullif(pg_catalog.oidvectortypes(p.proargtypes), ''), ', ')::name[], '{}'),
        'public', ARRAY[]::text[],
        format('PUBLIC may not execute %s', w.signature))
  FROM withheld_function w JOIN pg_catalog.pg_proc p ON p.oid = w.signature
 ORDER BY w.signature::text;
SELECT is((SELECT count(*) FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'jwt_auth'::regnamespace)::int,
          (SELECT count(*) FROM granted_function)::int + (SELECT count(*) FROM withheld_function)::int,
    'every jwt_auth function is either granted to PUBLIC or withheld, as listed here');

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

-- only the key store's writers and jwks() run with their owner's rights
SELECT set_eq(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.prosecdef$$,
    $$VALUES ('jwt_auth.key_generate(text, text, text)'::regprocedure),
             ('jwt_auth.key_import(text, text, text, text)'), ('jwt_auth.key_import(bytea, text, text, text)'),
             ('jwt_auth.key_import(jsonb, text, text, text)'), ('jwt_auth.key_set_status(text, text)'),
             ('jwt_auth.jwks()'), ('jwt_auth._key_insert(text, text, text, bytea, jsonb)'),
             ('jwt_auth.postgrest_config()'),
             ('jwt_auth.user_create(text, text, text, jsonb)'), ('jwt_auth.user_import(text, text, text, jsonb)'),
             ('jwt_auth.user_set_password(text, text)'), ('jwt_auth.user_set_disabled(text, boolean)'),
             ('jwt_auth.user_delete(text)'), ('jwt_auth._user_insert(text, text, text, jsonb)'),
             ('jwt_auth.auth_login(text, text)'), ('jwt_auth.auth_refresh(text)'),
             ('jwt_auth.auth_logout(text, text)'), ('jwt_auth.purge_expired()'),
             ('jwt_auth.auth_unlock(text)'),
             ('jwt_auth.auth_change_password(text, text)'), ('jwt_auth.auth_reset_request(text)'),
             ('jwt_auth.auth_reset(text, text)'), ('jwt_auth.auth_verification_request(text)'),
             ('jwt_auth.auth_verify(text)'), ('jwt_auth.auth_signup(text, text, jsonb)'),
             ('jwt_auth.issuer_add(text, jsonb, text, text[], text[], text, text, text, text[], interval)'),
             ('jwt_auth.issuer_alter(text, text, text[], text[], text, text, text, text[], interval, boolean)'),
             ('jwt_auth.issuer_set_jwks(text, jsonb)'), ('jwt_auth.issuer_remove(text)'),
             ('jwt_auth.issuer_refresh(text)'),
             ('jwt_auth.issuer_discover(text, text[], text[], text, text, text, text[], interval)')$$,
    'exactly the functions that write the key store and the user and session tables (and jwks) are SECURITY DEFINER');
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.prosecdef
         AND p.proconfig IS DISTINCT FROM ARRAY['search_path=pg_catalog, pg_temp']
         AND p.proconfig IS DISTINCT FROM ARRAY['search_path=pg_catalog, pg_temp',
                                                'log_min_error_statement=panic']$$,
    'every SECURITY DEFINER function pins search_path = pg_catalog, pg_temp and sets nothing else '
    '(but log_min_error_statement = panic, where it takes a secret)');
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
-- The key store: jwt_auth.keys is the owner's alone. A role without
-- grants cannot read it (not even the public keys), write it, or manage
-- keys; it verifies with the stored keys and reads the public JWK set,
-- which load the keys as the table's owner. Signing with the stored key
-- is a separate grant.
------------------------------------------------------------------------

-- keys with fixed kids (this transaction only): a revoked RS256 key, a
-- retired HS256 key and the active ES256 key, each with a token it signed
DELETE FROM jwt_auth.keys;
CREATE TEMP TABLE stored_token (name text PRIMARY KEY, value text NOT NULL);
GRANT SELECT ON stored_token TO jwt_auth_test_nobody, jwt_auth_test_issuer;
DO $$ BEGIN PERFORM jwt_auth.key_generate('RS256', 'pgtap-revoked'); END $$;
INSERT INTO stored_token VALUES ('revoked', jwt_auth.jwt_sign('{"sub":"user-1","exp":4102444800}'::jsonb));
DO $$ BEGIN PERFORM jwt_auth.key_generate('HS256', 'pgtap-old'); END $$;
INSERT INTO stored_token VALUES ('old', jwt_auth.jwt_sign('{"sub":"user-1","exp":4102444800}'::jsonb));
DO $$ BEGIN PERFORM jwt_auth.key_generate('ES256', 'pgtap-new'); END $$;
INSERT INTO stored_token VALUES ('new', jwt_auth.jwt_sign('{"sub":"user-2","exp":4102444800}'::jsonb));
DO $$ BEGIN PERFORM jwt_auth.key_set_status('pgtap-revoked', 'revoked'); END $$;

SELECT table_privs_are('jwt_auth', 'keys', 'public', ARRAY[]::text[],
    'PUBLIC has no privilege on jwt_auth.keys');
SELECT table_privs_are('jwt_auth', 'keys', 'jwt_auth_test_nobody', ARRAY[]::text[],
    'an ordinary role has no privilege on jwt_auth.keys');
SELECT is_empty(
    $$SELECT a.grantee::regrole FROM pg_catalog.pg_class c, aclexplode(c.relacl) a
       WHERE c.oid = 'jwt_auth.keys'::regclass AND a.grantee <> c.relowner$$,
    'no role but the owner holds a privilege on jwt_auth.keys');
SELECT is_empty(
    $$SELECT attname FROM pg_catalog.pg_attribute
       WHERE attrelid = 'jwt_auth.keys'::regclass AND attacl IS NOT NULL$$,
    'no column of jwt_auth.keys is granted to anyone (not even kid or public_jwk)');

SET ROLE jwt_auth_test_nobody;
-- the table: not readable, not writable
SELECT throws_ok('SELECT kid FROM jwt_auth.keys', '42501', 'permission denied for table keys',
    'a role without grants cannot SELECT jwt_auth.keys');
SELECT throws_ok('SELECT private_key FROM jwt_auth.keys', '42501', 'permission denied for table keys',
    'a role without grants cannot read the private keys');
SELECT throws_ok($$INSERT INTO jwt_auth.keys (kid, alg, status, private_key)
                   VALUES ('intruder', 'HS256', 'standby', '\x00')$$, '42501', 'permission denied for table keys',
    'a role without grants cannot INSERT a key');
SELECT throws_ok($$UPDATE jwt_auth.keys SET status = 'active' WHERE kid = 'pgtap-revoked'$$, '42501',
    'permission denied for table keys', 'a role without grants cannot UPDATE a key back to active');
SELECT throws_ok('DELETE FROM jwt_auth.keys', '42501', 'permission denied for table keys',
    'a role without grants cannot DELETE keys');
SELECT throws_ok('TRUNCATE jwt_auth.keys', '42501', 'permission denied for table keys',
    'a role without grants cannot TRUNCATE jwt_auth.keys');
-- managing keys and signing with them: not granted
SELECT throws_ok($$SELECT jwt_auth.key_generate('HS256', 'intruder')$$, '42501',
    'permission denied for function key_generate', 'a role without grants cannot call key_generate');
SELECT throws_ok($$SELECT jwt_auth.key_import('abcdefghijklmnopqrstuvwxyz012345', 'HS256', 'intruder', 'active')$$,
    '42501', 'permission denied for function key_import', 'a role without grants cannot import a text key');
SELECT throws_ok($$SELECT jwt_auth.key_import('\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea,
                                              'HS256', 'intruder', 'active')$$,
    '42501', 'permission denied for function key_import', 'a role without grants cannot import a raw secret');
SELECT throws_ok($$SELECT jwt_auth.key_import('{"kty":"oct","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb,
                                              'HS256', 'intruder', 'active')$$,
    '42501', 'permission denied for function key_import', 'a role without grants cannot import a JWK');
SELECT throws_ok($$SELECT jwt_auth.key_set_status('pgtap-new', 'revoked')$$, '42501',
    'permission denied for function key_set_status', 'a role without grants cannot revoke a key');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{"sub":"admin"}'::jsonb)$$, '42501',
    'permission denied for function jwt_sign', 'a role without grants cannot sign with the stored key (jsonb)');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{"sub":"admin"}'::json)$$, '42501',
    'permission denied for function jwt_sign', 'a role without grants cannot sign with the stored key (json)');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{"sub":"admin"}')$$, '42501',
    'permission denied for function jwt_sign', 'a role without grants cannot sign with the stored key (text)');
SELECT throws_ok($$SELECT jwt_auth._key_insert('intruder', 'HS256', 'active', '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', NULL)$$,
    '42501', 'permission denied for function _key_insert',
    'a role without grants cannot store a key through the internal _key_insert');
SELECT throws_ok($$SELECT jwt_auth._key_new('HS256')$$, '42501', 'permission denied for function _key_new',
    'a role without grants cannot call the internal _key_new');
SELECT throws_ok($$SELECT jwt_auth._key_parse('HS256', 'abcdefghijklmnopqrstuvwxyz012345'::text)$$, '42501',
    'permission denied for function _key_parse', 'a role without grants cannot call the internal _key_parse');
-- the public JWK set: only the active ES256 key (the HS256 key is never
-- published, the revoked key no longer), only public members
SELECT lives_ok('SELECT jwt_auth.jwks()', 'a role without grants reads jwks()');
SELECT is(array(SELECT k->>'kid' FROM jsonb_array_elements(jwt_auth.jwks()->'keys') k ORDER BY 1),
    ARRAY['pgtap-new'],
    'jwks() shows a role without grants the one non-revoked asymmetric key');
SELECT is(array(SELECT DISTINCT m FROM jsonb_array_elements(jwt_auth.jwks()->'keys') k, jsonb_object_keys(k) m ORDER BY 1),
    ARRAY['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
    'jwks() gives a role without grants the public members only');
-- verification with the stored keys: the HS256 secret and the ES256 key are
-- used for the role, never shown to it; the revoked key is refused
SELECT is(jwt_auth.jwt_verify((SELECT value FROM stored_token WHERE name = 'old')),
    '{"sub":"user-1","exp":4102444800}'::jsonb,
    'a role without grants verifies a token of the retired HS256 key');
SELECT ok(jwt_auth.jwt_valid((SELECT value FROM stored_token WHERE name = 'new')),
    'a role without grants verifies a token of the active ES256 key');
SELECT throws_ok(format('SELECT jwt_auth.jwt_verify(%L)', (SELECT value FROM stored_token WHERE name = 'revoked')),
    '28000', 'invalid token', 'a role without grants is refused a token of the revoked key');
SELECT ok(NOT jwt_auth.jwt_valid((SELECT value FROM stored_token WHERE name = 'revoked')),
    'jwt_valid answers false to a role without grants for a token of the revoked key');
RESET ROLE;
-- a change to the table makes the next use reload the keys: here, while the
-- role without grants is the current user
DO $$ BEGIN PERFORM jwt_auth.key_generate('EdDSA', 'pgtap-standby', 'standby'); END $$;
SET ROLE jwt_auth_test_nobody;
SELECT is(jwt_auth.jwt_verify((SELECT value FROM stored_token WHERE name = 'old')),
    '{"sub":"user-1","exp":4102444800}'::jsonb,
    'the keys reload for a role without grants (read as the table''s owner)');
SELECT is(current_user::text, 'jwt_auth_test_nobody',
    'after reloading the keys the current user is the role again');
RESET ROLE;

-- a role granted jwt_sign(jsonb) signs with the active key, still without
-- any right on the table or the other overloads
GRANT EXECUTE ON FUNCTION jwt_auth.jwt_sign(jsonb) TO jwt_auth_test_issuer;
SET ROLE jwt_auth_test_issuer;
SELECT is((jwt_auth.jwt_decode(jwt_auth.jwt_sign('{"sub":"user-3","exp":4102444800}'::jsonb))).header->>'kid',
    'pgtap-new', 'a role granted jwt_sign(jsonb) signs with the active stored key');
SELECT is(jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"user-3","exp":4102444800}'::jsonb)),
    '{"sub":"user-3","exp":4102444800}'::jsonb, 'the token it signs verifies');
SELECT throws_ok('SELECT kid FROM jwt_auth.keys', '42501', 'permission denied for table keys',
    'a role granted jwt_sign(jsonb) still cannot read jwt_auth.keys');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{"sub":"user-3"}'::text)$$, '42501',
    'permission denied for function jwt_sign', 'the grant covers jwt_sign(jsonb) only, not jwt_sign(text)');
SELECT throws_ok($$SELECT jwt_auth.key_generate('HS256', 'intruder')$$, '42501',
    'permission denied for function key_generate', 'a role granted jwt_sign(jsonb) still cannot generate keys');
RESET ROLE;
REVOKE EXECUTE ON FUNCTION jwt_auth.jwt_sign(jsonb) FROM jwt_auth_test_issuer;

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
