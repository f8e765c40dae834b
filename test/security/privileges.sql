-- What an ordinary role cannot do: change any jwt_auth.* setting (SET, SET LOCAL, set_config,
-- ALTER ROLE ... SET, before and after the library is loaded), read a private key, a password
-- hash, a refresh-token hash or a session, write the tables, or call anything but the public
-- entry points the README lists.
--
-- Run by test/security/run as a superuser in a fresh database (jwt_auth.bcrypt_cost 4), with
-- the password in SEC_PASSWORD. Prints TAP lines without numbers.
\set ON_ERROR_STOP 1
\set VERBOSITY terse
\getenv pw SEC_PASSWORD
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;
CREATE ROLE sec_alice LOGIN;     -- no grant of any kind
SELECT jwt_auth.key_generate('HS256', 'priv-hs') \g /dev/null
SELECT jwt_auth.key_generate('ES256', 'priv-es', 'standby') \g /dev/null
SELECT jwt_auth.user_create('priv-user', :'pw') \g /dev/null
SELECT jwt_auth.auth_login('priv-user', :'pw') \g /dev/null
-- the settings as the library defines them
CREATE TABLE public.jwt_settings AS
    SELECT name, setting, context FROM pg_settings WHERE name LIKE 'jwt\_auth.%' ORDER BY name;
GRANT SELECT ON public.jwt_settings TO PUBLIC;

------------------------------------------------------------------------
-- A fresh session of sec_alice, before the library is loaded in it
------------------------------------------------------------------------
\connect - sec_alice
SET client_min_messages = warning;
\ir ../tap.sql
SELECT pg_temp.tap(NOT EXISTS (SELECT FROM pg_settings WHERE name = 'jwt_auth.issuer'),
                   'in a new session jwt_auth is not loaded yet (no jwt_auth.* setting is defined)');
-- the placeholders an ordinary role may make before the library loads
SET jwt_auth.issuer = 'forged-issuer';
SET jwt_auth.trust_request_claims = 'on';
SELECT set_config('jwt_auth.default_role', 'pg_read_server_files', false) \g /dev/null
SELECT set_config('jwt_auth.leeway', '3600', false) \g /dev/null
SELECT pg_temp.tap(pg_temp.sqlstate('ALTER ROLE sec_alice SET jwt_auth.issuer = ''forged''') = '42501',
                   'ALTER ROLE ... SET jwt_auth.issuer by an ordinary role is refused with 42501, even before the library loads');
SELECT jwt_auth.base64url_encode('load') \g /dev/null
SELECT pg_temp.tap(current_setting('jwt_auth.issuer') = '' AND current_setting('jwt_auth.default_role') = ''
                   AND current_setting('jwt_auth.leeway') = '30s',
                   'values an ordinary role set before the library loaded are discarded when it loads');

------------------------------------------------------------------------
-- Every setting, after the library is loaded
------------------------------------------------------------------------
SELECT pg_temp.tap((SELECT count(*) FROM public.jwt_settings) >= 14
                   AND (SELECT bool_and(context = 'superuser') FROM public.jwt_settings),
                   'there are ' || (SELECT count(*) FROM public.jwt_settings) || ' jwt_auth.* settings, every one superuser-only');
CREATE TEMP TABLE attempts AS
SELECT s.name,
       pg_temp.sqlstate(format('SET %s = %L', s.name, s.setting)) AS set_session,
       pg_temp.sqlstate(format('SET LOCAL %s = %L', s.name, s.setting)) AS set_local,
       pg_temp.sqlstate(format('SELECT set_config(%L, %L, false)', s.name, s.setting)) AS set_config_session,
       pg_temp.sqlstate(format('SELECT set_config(%L, %L, true)', s.name, s.setting)) AS set_config_local,
       pg_temp.sqlstate(format('RESET %s', s.name)) AS reset,
       pg_temp.sqlstate(format('ALTER ROLE sec_alice SET %s = %L', s.name, s.setting)) AS alter_role,
       pg_temp.sqlstate(format('ALTER ROLE sec_alice IN DATABASE %I SET %s = %L',
                               current_database(), s.name, s.setting)) AS alter_role_db,
       pg_temp.sqlstate(format('ALTER DATABASE %I SET %s = %L', current_database(), s.name, s.setting)) AS alter_db
  FROM public.jwt_settings s;
SELECT pg_temp.tap(set_session = '42501' AND set_local = '42501' AND set_config_session = '42501'
                   AND set_config_local = '42501' AND reset = '42501' AND alter_role = '42501'
                   AND alter_role_db = '42501' AND alter_db = '42501',
                   format('%s: SET, SET LOCAL, set_config (session, local), RESET, ALTER ROLE / DATABASE SET all 42501 (%s)',
                          name, concat_ws(' ', set_session, set_local, set_config_session, set_config_local,
                                          reset, alter_role, alter_role_db, alter_db)))
  FROM attempts ORDER BY name;
SELECT pg_temp.tap(pg_temp.sqlstate('SET jwt_auth.no_such_setting = 1') = '42602'
                   AND pg_temp.sqlstate($$SELECT set_config('jwt_auth.no_such_setting', '1', false)$$) = '42602',
                   'the jwt_auth. prefix is reserved: no new jwt_auth.* placeholder once loaded (42602)');
SELECT pg_temp.tap((SELECT bool_and(s.setting = p.setting) FROM public.jwt_settings s JOIN pg_settings p USING (name)),
                   'and every setting still has the value it had');

------------------------------------------------------------------------
-- The secrets, and the tables that hold them
------------------------------------------------------------------------
SELECT pg_temp.tap(pg_temp.sqlstate('SELECT private_key FROM jwt_auth.keys') = '42501'
                   AND pg_temp.sqlstate('SELECT password_hash FROM jwt_auth.users') = '42501'
                   AND pg_temp.sqlstate('SELECT token_hash FROM jwt_auth.refresh_tokens') = '42501',
                   'keys.private_key, users.password_hash and refresh_tokens.token_hash are refused with 42501');
CREATE TEMP TABLE reads AS
SELECT t.name,
       pg_temp.sqlstate(format('SELECT * FROM jwt_auth.%I', t.name)) AS select_all,
       pg_temp.sqlstate(format('SELECT count(*) FROM jwt_auth.%I', t.name)) AS select_count,
       pg_temp.sqlstate(format('TABLE jwt_auth.%I', t.name)) AS table_cmd,
       pg_temp.sqlstate(format('DELETE FROM jwt_auth.%I', t.name)) AS delete_all,
       pg_temp.sqlstate(format('TRUNCATE jwt_auth.%I', t.name)) AS truncate_all,
       pg_temp.sqlstate(format('ALTER TABLE jwt_auth.%I DISABLE TRIGGER ALL', t.name)) AS alter_table,
       pg_temp.sqlstate(format('LOCK TABLE jwt_auth.%I', t.name)) AS lock_table
  FROM (VALUES ('keys'), ('users'), ('sessions'), ('refresh_tokens')) t(name);
SELECT pg_temp.tap(select_all = '42501' AND select_count = '42501' AND table_cmd = '42501'
                   AND delete_all = '42501' AND truncate_all = '42501' AND alter_table = '42501'
                   AND lock_table = '42501',
                   format('jwt_auth.%s: SELECT, TABLE, DELETE, TRUNCATE, ALTER, LOCK all 42501 (%s)', name,
                          concat_ws(' ', select_all, select_count, table_cmd, delete_all, truncate_all,
                                    alter_table, lock_table)))
  FROM reads ORDER BY name;
SELECT pg_temp.tap(pg_temp.sqlstate('SELECT * FROM jwt_auth.throttle') = '42501'
                   AND pg_temp.sqlstate('TABLE jwt_auth.throttle') = '42501',
                   'the view jwt_auth.throttle is refused with 42501');
-- COPY to the client cannot run in PL/pgSQL: straight from psql, noting the SQLSTATE
\set ON_ERROR_STOP 0
COPY jwt_auth.keys TO STDOUT;
\set copy_keys :LAST_ERROR_SQLSTATE
COPY jwt_auth.users (username, password_hash) TO STDOUT;
\set copy_users :LAST_ERROR_SQLSTATE
COPY jwt_auth.refresh_tokens TO STDOUT;
\set copy_refresh :LAST_ERROR_SQLSTATE
COPY (SELECT private_key FROM jwt_auth.keys) TO STDOUT;
\set copy_query :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
SELECT pg_temp.tap(:'copy_keys' = '42501' AND :'copy_users' = '42501' AND :'copy_refresh' = '42501'
                   AND :'copy_query' = '42501',
                   'COPY ... TO STDOUT of keys, users, refresh_tokens or a query on them is refused with 42501');
SELECT pg_temp.tap(pg_temp.sqlstate($$INSERT INTO jwt_auth.keys (kid, alg, status, private_key)
                                      VALUES ('mine', 'HS256', 'active', 'a-secret-of-at-least-32-bytes-ok')$$) = '42501'
                   AND pg_temp.sqlstate($$UPDATE jwt_auth.users SET password_hash = 'x'$$) = '42501'
                   AND pg_temp.sqlstate($$UPDATE jwt_auth.sessions SET revoked_at = NULL$$) = '42501'
                   AND pg_temp.sqlstate($$INSERT INTO jwt_auth.refresh_tokens (session_id, token_hash, expires_at)
                                          VALUES (gen_random_uuid(), sha256('x'), 'infinity')$$) = '42501',
                   'writing a key, a password hash, a session or a refresh token is refused with 42501');
SELECT pg_temp.tap(NOT EXISTS (
        SELECT FROM pg_class c CROSS JOIN LATERAL (
            SELECT attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) a
         WHERE c.relnamespace = 'jwt_auth'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
           AND has_column_privilege('sec_alice', c.oid, a.attname, 'SELECT, INSERT, UPDATE, REFERENCES')),
    'no column of any table or view of jwt_auth is readable, writable or referenceable by sec_alice');
SELECT pg_temp.tap(pg_temp.sqlstate('CREATE TABLE jwt_auth.mine (x int)') = '42501'
                   AND pg_temp.sqlstate('CREATE FUNCTION jwt_auth.mine() RETURNS int LANGUAGE sql AS ''SELECT 1''') = '42501',
                   'sec_alice cannot create anything in schema jwt_auth (42501)');

-- Functions: exactly the public entry points of the README, and none of the internals
SELECT pg_temp.tap(array_agg(f ORDER BY f) = ARRAY[
        'auth_change_password(text,text)', 'auth_login(text,text)', 'auth_logout(text,text)', 'auth_refresh(text)',
        'auth_reset(text,text)', 'auth_signup(text,text,jsonb)', 'auth_verify(text)', 'authenticate(text)',
        'base64url_decode(text)', 'base64url_encode(bytea)', 'claim(text)', 'claims()',
        'cookie_clear_headers()', 'cookie_headers(jsonb)', 'cookie_refresh_token()',
        'jwks()', 'jws_sign(bytea,bytea,text,jsonb)', 'jws_sign(bytea,jsonb,text,jsonb)', 'jws_sign(bytea,text,text,jsonb)',
        'jws_verify(text,bytea,text)', 'jws_verify(text,jsonb,text)', 'jws_verify(text,text,text)',
        'jwt_decode(text)',
        'jwt_sign(json,bytea,text,jsonb)', 'jwt_sign(json,jsonb,text,jsonb)', 'jwt_sign(json,text,text,jsonb)',
        'jwt_sign(jsonb,bytea,text,jsonb)', 'jwt_sign(jsonb,jsonb,text,jsonb)', 'jwt_sign(jsonb,text,text,jsonb)',
        'jwt_sign(text,bytea,text,jsonb)', 'jwt_sign(text,jsonb,text,jsonb)', 'jwt_sign(text,text,text,jsonb)',
        'jwt_valid(text)', 'jwt_valid(text,bytea,text,text,text,interval)', 'jwt_valid(text,jsonb,text,text,text,interval)',
        'jwt_valid(text,text,text,text,text,interval)',
        'jwt_verify(text)', 'jwt_verify(text,bytea,text,text,text,interval)', 'jwt_verify(text,jsonb,text,text,text,interval)',
        'jwt_verify(text,text,text,text,text,interval)',
        'pre_request()', 'role()', 'sign(json,text,text)', 'uid()', 'url_decode(text)', 'url_encode(bytea)',
        'user_id()',
        'verify(text,text,text)'],
    'sec_alice may execute exactly the README''s public entry points (' || count(*) || '), no other function of jwt_auth')
  FROM (SELECT replace(p.oid::regprocedure::text, 'jwt_auth.', '') AS f
          FROM pg_proc p WHERE p.pronamespace = 'jwt_auth'::regnamespace
           AND has_function_privilege('sec_alice', p.oid, 'EXECUTE')) x;
SELECT pg_temp.tap(pg_temp.sqlstate($$SELECT jwt_auth.jwt_sign('{"sub": "me"}'::jsonb)$$) = '42501'
                   AND pg_temp.sqlstate($$SELECT jwt_auth.key_generate('HS256')$$) = '42501'
                   AND pg_temp.sqlstate($$SELECT jwt_auth.user_create('me', 'a long password')$$) = '42501'
                   AND pg_temp.sqlstate($$SELECT jwt_auth._session_revoke_detached(gen_random_uuid(), 'logout')$$) = '42501'
                   AND pg_temp.sqlstate($$SELECT jwt_auth._crypt('x', 'y')$$) = '42501'
                   AND pg_temp.sqlstate($$SELECT jwt_auth._throttle_reset('priv-user')$$) = '42501'
                   AND pg_temp.sqlstate($$SELECT jwt_auth.issuer_add('https://evil.example', '{"keys":[]}', audience => '{}', default_role => 'postgres')$$) = '42501'
                   AND pg_temp.sqlstate($$SELECT jwt_auth.issuer_set_jwks('https://evil.example', '{"keys":[]}')$$) = '42501'
                   AND pg_temp.sqlstate('SELECT issuer FROM jwt_auth.issuers') = '42501',
                   'minting with the stored key, managing keys, users or issuers and the internals are refused with 42501');
SELECT pg_temp.tap(NOT (jwt_auth.jwks()::text ~ '"(d|p|q|dp|dq|qi|k)"'),
                   'what sec_alice can read of the keys, jwks(), has no private member');
