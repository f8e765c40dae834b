-- SQL injection: hostile text (quotes, backslashes, comment markers, dollar quotes, statement
-- separators, format specifiers) through every value jwt_auth takes from a caller or a setting:
-- usernames, passwords, kids, key statuses, algorithms, user claims, logout scopes, tokens,
-- refresh tokens, roles, and the jwt_auth.issuer / audience / default_role settings. Each must
-- either be refused with a clean error (the SQLSTATE the README gives) or be stored and
-- returned as data, byte for byte; afterwards every table of jwt_auth is still there and
-- nothing else was created or dropped.
--
-- Run by test/security/run as a superuser in a fresh database (jwt_auth.bcrypt_cost 4), with
-- the password in SEC_PASSWORD. Prints TAP lines without numbers.
\set ON_ERROR_STOP 1
\set VERBOSITY terse
\getenv pw SEC_PASSWORD
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;

\ir ../tap.sql
-- a statement's first column, or NULL if it fails
CREATE FUNCTION pg_temp.value(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    EXECUTE query INTO result;
    RETURN result;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- The hostile strings. A table, dropped by "successful" injection, shows it; so would a
-- missing jwt_auth table, or a new relation anywhere.
CREATE TABLE public.canary (x int);
CREATE SCHEMA sec_state;    -- what must outlive the reconnection below
CREATE TABLE sec_state.hostile (n serial, s text NOT NULL);
GRANT USAGE ON SCHEMA sec_state TO PUBLIC;
GRANT SELECT ON sec_state.hostile TO PUBLIC;
SET search_path = "$user", public, sec_state;
INSERT INTO hostile (s) VALUES
    ($h$'; DROP TABLE public.canary; --$h$),
    ($h$victim' OR '1'='1$h$),
    ($h$x'); DROP TABLE jwt_auth.users; --$h$),
    ($h$\'; SELECT pg_sleep(5); --$h$),
    ($h$back\slash\\'\"$h$),
    ($h$$$; DROP TABLE public.canary; $$$h$),
    ($h$$q$ || (SELECT 1) || $q$$h$),
    ($h$"quoted"; DROP TABLE public.canary$h$),
    ($h$%s %I %L %1$s %n$h$),
    ($h$:'pw' :"pw" \gexec$h$),
    ($h$/* comment */ -- and one more$h$),
    ($h$x'::text); DELETE FROM jwt_auth.keys; SELECT ('$h$),
    ($h$Robert'); DROP TABLE students;--$h$),
    ($h$ünïcödé ✓ 𝄞 ‮gnp.exe$h$);
SELECT count(*) AS hostile_count FROM hostile \gset
CREATE TABLE sec_state.relations_before AS
    SELECT c.oid, c.relname FROM pg_class c WHERE c.relnamespace IN ('jwt_auth'::regnamespace, 'public'::regnamespace);

SELECT jwt_auth.key_generate('HS256', 'inject-hs') \g /dev/null
CREATE ROLE sec_client LOGIN;    -- an ordinary role, for the public entry points

------------------------------------------------------------------------
-- Usernames (and passwords): stored as data, logged in with as data
------------------------------------------------------------------------
CREATE TEMP TABLE made AS
SELECT h.n, h.s, pg_temp.value(format('SELECT jwt_auth.user_create(%L, %L)', 'user ' || h.s, :'pw' || h.s)) AS id
  FROM hostile h;
GRANT SELECT ON made TO PUBLIC;
SELECT pg_temp.tap((SELECT count(*) FROM made WHERE id IS NOT NULL) = :hostile_count,
                   'user_create takes every hostile username and password as data');
SELECT pg_temp.tap((SELECT count(*) FROM made m JOIN jwt_auth.users u ON u.id::text = m.id
                     WHERE u.username = 'user ' || m.s) = :hostile_count,
                   'each hostile username is stored byte for byte');
SELECT pg_temp.tap((SELECT count(*) FROM made m JOIN jwt_auth.users u ON u.id::text = m.id
                     WHERE u.password_hash = crypt(:'pw' || m.s, u.password_hash)
                       AND u.password_hash <> crypt(:'pw', u.password_hash)) = :hostile_count,
                   'each hostile password is hashed as given (and only it matches)');

SET ROLE sec_client;
CREATE TEMP TABLE logins AS
SELECT h.n, h.s,
       pg_temp.value(format('SELECT jwt_auth.auth_login(%L, %L)', 'user ' || h.s, :'pw' || h.s)) AS good,
       pg_temp.sqlstate(format('SELECT jwt_auth.auth_login(%L, %L)', 'user ' || h.s, :'pw')) AS wrong_pw,
       pg_temp.sqlstate(format('SELECT jwt_auth.auth_login(%L, %L)', h.s, :'pw' || h.s)) AS bare_name
  FROM hostile h;
SELECT pg_temp.tap((SELECT count(*) FROM logins l
                     WHERE (jwt_auth.jwt_verify(l.good::jsonb ->> 'access_token') ->> 'sub')
                           = (SELECT id FROM made m WHERE m.n = l.n)) = :hostile_count,
                   'auth_login with each hostile username and its password logs that user in');
SELECT pg_temp.tap((SELECT count(*) FROM logins WHERE wrong_pw = '28P01' AND bare_name = '28P01') = :hostile_count,
                   'a hostile username with another password, or a name that is only the hostile part, is 28P01');
SELECT pg_temp.tap((SELECT bool_and(pg_temp.sqlstate(format('SELECT jwt_auth.auth_login(%L, %L)', s, s)) = '28P01')
                      FROM (VALUES ($h$' OR 1=1 --$h$), ($h$admin'--$h$), ($h$%$h$), ($h$_$h$), ($h$.*$h$)) v(s)),
                   'classic injection usernames (and LIKE / regex wildcards) are unknown users: 28P01');
SELECT pg_temp.tap((SELECT bool_and(pg_temp.sqlstate(format('SELECT jwt_auth.auth_refresh(%L)', s)) = '28000'
                            AND pg_temp.sqlstate(format('SELECT jwt_auth.auth_logout(%L)', s)) = '28000'
                            AND pg_temp.sqlstate(format('SELECT jwt_auth.authenticate(%L)', s)) = '28000')
                      FROM hostile),
                   'hostile refresh tokens and access tokens are refused with 28000 by auth_refresh, auth_logout and authenticate');
SELECT pg_temp.tap((SELECT bool_and(pg_temp.sqlstate(format('SELECT jwt_auth.auth_logout(%L, %L)',
                                                            l.good::jsonb ->> 'refresh_token', h.s)) = '22023')
                      FROM logins l JOIN hostile h ON h.n = l.n),
                   'hostile logout scopes are refused with 22023');
RESET ROLE;
SELECT pg_temp.tap((SELECT bool_and(pg_temp.sqlstate(format('SELECT jwt_auth.user_create(%L, %L)',
                                                            'user ' || upper(s), :'pw')) = '23505')
                      FROM hostile WHERE upper(s) <> s),
                   'a hostile username differing only in case is taken (23505)');
SELECT pg_temp.tap((SELECT bool_and(pg_temp.sqlstate(format('SELECT jwt_auth.user_create(%L, %L)', s, :'pw')) = '22023')
                      FROM (VALUES (E'a\nb'), (E'tab\there'), (E'nul\u0001'), (repeat('x', 257)), ('')) v(s)),
                   'usernames with control characters, empty or over 256 characters are refused with 22023');
SELECT pg_temp.tap((SELECT bool_and(pg_temp.sqlstate(format('SELECT jwt_auth.user_set_password(%L, %L)', 'user ' || s, :'pw')) = '00000'
                            AND pg_temp.sqlstate(format('SELECT jwt_auth.user_set_disabled(%L)', 'user ' || s)) = '00000'
                            AND pg_temp.sqlstate(format('SELECT jwt_auth.user_set_password(%L, %L)', s, :'pw')) = '42704')
                      FROM hostile),
                   'user_set_password and user_set_disabled find hostile usernames as data (42704 for the bare part)');
SELECT pg_temp.tap((SELECT bool_and(pg_temp.sqlstate(format('SELECT jwt_auth.user_import(%L, %L)', 'imported ' || s, s)) = '22023')
                      FROM hostile),
                   'hostile password hashes are refused by user_import with 22023');
SELECT pg_temp.tap((SELECT bool_and(pg_temp.sqlstate(format('SELECT jwt_auth.user_create(%L, %L, %L)', 'role ' || s, :'pw', s)) = '42704')
                      FROM hostile),
                   'hostile role names that name no role are refused by user_create with 42704');

------------------------------------------------------------------------
-- Kids, statuses, algorithms
------------------------------------------------------------------------
SELECT count(*) AS keys_before FROM jwt_auth.keys \gset
SELECT pg_temp.tap((SELECT bool_and(
            pg_temp.sqlstate(format('SELECT jwt_auth.key_import(%L, %L, %L)', 'a-secret-of-at-least-32-bytes-ok', 'HS256', s)) = '22023'
        AND pg_temp.sqlstate(format('SELECT jwt_auth.key_import(%L::bytea, %L, %L)', 'a-secret-of-at-least-32-bytes-ok', 'HS256', s)) = '22023'
        AND pg_temp.sqlstate(format('SELECT jwt_auth.key_import(%L::jsonb)',
                jsonb_build_object('kty', 'oct', 'alg', 'HS256', 'kid', s, 'k', 'YS1zZWNyZXQtb2YtYXQtbGVhc3QtMzItYnl0ZXMtb2s'))) = '22023'
        AND pg_temp.sqlstate(format('SELECT jwt_auth.key_generate(%L, %L)', 'HS256', s)) = '22023'
        AND pg_temp.sqlstate(format('SELECT jwt_auth.key_set_status(%L, %L)', s, 'revoked')) = '22023')
      FROM (SELECT s FROM hostile UNION ALL VALUES ('../../etc/passwd'), ('kid" , "alg": "none'), (repeat('k', 129)), ('')) v),
    'hostile kids are refused with 22023 by key_import (text, bytea, JWK), key_generate and key_set_status');
SELECT pg_temp.tap((SELECT bool_and(
            pg_temp.sqlstate(format('SELECT jwt_auth.key_set_status(%L, %L)', 'inject-hs', s)) = '22023'
        AND pg_temp.sqlstate(format('SELECT jwt_auth.key_generate(%L, NULL, %L)', 'HS256', s)) = '22023'
        AND pg_temp.sqlstate(format('SELECT jwt_auth.key_generate(%L)', s)) = '22023'
        AND pg_temp.sqlstate(format('SELECT jwt_auth.jwt_sign(%L::jsonb, %L, %L)', '{}', 'a-secret-of-at-least-32-bytes-ok', s)) = '22023')
      FROM hostile),
    'hostile statuses and algorithms are refused with 22023');
SELECT pg_temp.tap((SELECT count(*) FROM jwt_auth.keys) = :keys_before
                   AND (SELECT status FROM jwt_auth.keys WHERE kid = 'inject-hs') = 'active',
                   'the key store is as it was: no key added, the active one still active');
-- the most a kid may be: every allowed character, 128 of them; and a token naming a hostile kid
SELECT jwt_auth.key_import('another-secret-of-at-least-32-bytes', 'HS256', left(repeat('Az09._~-', 16), 128), 'retired') AS long_kid \gset
SELECT pg_temp.tap(:'long_kid' = left(repeat('Az09._~-', 16), 128), 'a 128-character kid of every allowed character is stored as given');
SELECT pg_temp.tap((SELECT bool_and(pg_temp.sqlstate(format('SELECT jwt_auth.jwt_verify(%L)',
                        jwt_auth.jwt_sign('{"sub": "x"}'::jsonb, 'a-secret-of-at-least-32-bytes-ok', 'HS256',
                                          jsonb_build_object('kid', s)))) = '28000')
                      FROM hostile),
                   'a token whose header names a hostile kid is refused by jwt_verify with the stored keys (28000)');

------------------------------------------------------------------------
-- Claims: the user's own are data in the token, and never replace the
-- registered ones
------------------------------------------------------------------------
SELECT jsonb_build_object(
    'note', (SELECT string_agg(s, ' | ' ORDER BY n) FROM hostile),
    'nested', jsonb_build_object('list', (SELECT jsonb_agg(s ORDER BY n) FROM hostile), 'null', NULL, 'n', 1.5e300),
    'role', 'postgres', 'sub', 'admin', 'exp', 4102444800, 'iat', 1, 'nbf', 4102444800,
    'iss', 'forged', 'aud', 'forged', 'jti', 'forged', 'sid', 'forged',
    $h$'; DROP TABLE public.canary; --$h$, 'a hostile member name') AS claims \gset
SELECT jwt_auth.user_create('claimy', :'pw', NULL, :'claims') AS claimy_id \gset
SET ROLE sec_client;
SELECT jwt_auth.auth_login('claimy', :'pw') ->> 'access_token' AS claimy_token \gset
SELECT jwt_auth.jwt_verify(:'claimy_token') AS c \gset
RESET ROLE;
SELECT pg_temp.tap(:'c'::jsonb -> 'note' = :'claims'::jsonb -> 'note'
                   AND :'c'::jsonb -> 'nested' = :'claims'::jsonb -> 'nested'
                   AND :'c'::jsonb -> $h$'; DROP TABLE public.canary; --$h$ = '"a hostile member name"',
                   'hostile claim values and member names come back in the token unchanged');
SELECT pg_temp.tap(:'c'::jsonb ->> 'sub' = :'claimy_id' AND NOT (:'c'::jsonb ? 'role')
                   AND (:'c'::jsonb ->> 'exp')::bigint - (:'c'::jsonb ->> 'iat')::bigint = 900
                   AND NOT (:'c'::jsonb ?| ARRAY['nbf', 'iss', 'aud'])
                   AND :'c'::jsonb ->> 'jti' <> 'forged' AND :'c'::jsonb ->> 'sid' <> 'forged',
                   'the user''s role, sub, exp, iat, nbf, iss, aud, jti and sid claims replace none of the token''s');
SELECT pg_temp.tap(pg_temp.sqlstate($$SELECT jwt_auth.user_create('listy', 'a long password', NULL, '["not", "an object"]')$$) = '22023'
                   AND pg_temp.sqlstate($$SELECT jwt_auth.user_create('stringy', 'a long password', NULL, '"x''; DROP TABLE public.canary; --"')$$) = '22023',
                   'claims that are not a JSON object are refused with 22023');
-- the user has no role: a token that names none acts as jwt_auth.default_role, if set
SET jwt_auth.default_role = 'sec_client';
SET ROLE sec_client;
BEGIN;
SELECT jwt_auth.authenticate(:'claimy_token') \g /dev/null
SELECT pg_temp.tap(current_user = 'sec_client' AND jwt_auth.role() IS NULL
                   AND jwt_auth.claim('note') = :'claims'::jsonb -> 'note'
                   AND jwt_auth.uid()::text = :'claimy_id',
                   'authenticate with that token acts as the default role: the forged role claim was never in it');
COMMIT;
RESET ROLE;
RESET jwt_auth.default_role;

------------------------------------------------------------------------
-- Settings with quotes: issuer, audience, default_role
------------------------------------------------------------------------
SELECT $h$it's "the" issuer\'; DROP TABLE public.canary; --$h$ AS iss,
       $h$aud'ience", $$; DROP TABLE jwt_auth.keys; --$h$ AS aud \gset
SELECT set_config('jwt_auth.issuer', :'iss', false), set_config('jwt_auth.audience', :'aud', false) \g /dev/null
SELECT jwt_auth.auth_login('claimy', :'pw') ->> 'access_token' AS t_settings \gset
SELECT jwt_auth.jwt_verify(:'t_settings') AS c2 \gset
SELECT pg_temp.tap(:'c2'::jsonb ->> 'iss' = :'iss' AND :'c2'::jsonb ->> 'aud' = :'aud',
                   'jwt_auth.issuer and audience with quotes and comment markers go into the token as they are');
SELECT jwt_auth.jwt_valid(:'t_settings') AS valid_as_is \gset
SELECT set_config('jwt_auth.audience', :'aud' || ' ', false) \g /dev/null
SELECT jwt_auth.jwt_valid(:'t_settings') AS valid_other_aud \gset
SELECT set_config('jwt_auth.audience', :'aud', false), set_config('jwt_auth.issuer', left(:'iss', -1), false) \g /dev/null
SELECT jwt_auth.jwt_valid(:'t_settings') AS valid_other_iss \gset
SELECT pg_temp.tap(:'valid_as_is' AND NOT :'valid_other_aud' AND NOT :'valid_other_iss',
                   'and verification compares them as they are: a character more or less fails');
RESET jwt_auth.issuer;
RESET jwt_auth.audience;
-- the same through ALTER DATABASE, which stores them in a catalog array, read back at connect
SELECT current_database() AS db \gset
ALTER DATABASE :"db" SET jwt_auth.issuer = :'iss';
ALTER DATABASE :"db" SET jwt_auth.audience = :'aud';
\connect
SET client_min_messages = warning;
\ir ../tap.sql
SELECT jwt_auth.auth_login('claimy', :'pw') ->> 'access_token' AS t_db \gset
SELECT pg_temp.tap(current_setting('jwt_auth.issuer') = :'iss' AND current_setting('jwt_auth.audience') = :'aud'
                   AND jwt_auth.jwt_verify(:'t_db') ->> 'iss' = :'iss' AND jwt_auth.jwt_verify(:'t_db') ->> 'aud' = :'aud',
                   'ALTER DATABASE ... SET with the same values round-trips them exactly');
ALTER DATABASE :"db" RESET jwt_auth.issuer;
ALTER DATABASE :"db" RESET jwt_auth.audience;
RESET jwt_auth.issuer;
RESET jwt_auth.audience;

-- default_role: a real role with a hostile name, then one that names nothing
SELECT $h$sec "weird" role'; DROP TABLE public.canary; --$h$ AS weird \gset
CREATE ROLE :"weird" NOLOGIN;
GRANT :"weird" TO sec_client;
SELECT jwt_auth.user_create('roleless', :'pw') \g /dev/null
SELECT set_config('jwt_auth.default_role', :'weird', false) \g /dev/null
SELECT jwt_auth.auth_login('roleless', :'pw') ->> 'access_token' AS t_weird \gset
SET ROLE sec_client;
BEGIN;
SELECT jwt_auth.authenticate(:'t_weird') \g /dev/null
SELECT pg_temp.tap(current_user = :'weird' AND jwt_auth.role() = :'weird',
                   'a default_role with quotes becomes the token''s role, and authenticate switches to exactly that role');
COMMIT;
RESET ROLE;
SELECT set_config('jwt_auth.default_role', $h$nobody'; DROP TABLE public.canary; --$h$, false) \g /dev/null
SELECT jwt_auth.auth_login('roleless', :'pw') ->> 'access_token' AS t_nobody \gset
SET ROLE sec_client;
SELECT pg_temp.tap(pg_temp.sqlstate(format('SELECT jwt_auth.authenticate(%L)', :'t_nobody')) = '42501',
                   'a default_role naming no role makes authenticate fail with 42501, nothing else');
RESET ROLE;
RESET jwt_auth.default_role;

------------------------------------------------------------------------
-- Nothing was dropped or created, and nothing slept
------------------------------------------------------------------------
SELECT pg_temp.tap(to_regclass('public.canary') IS NOT NULL, 'the canary table is still there');
SELECT pg_temp.tap(NOT EXISTS (SELECT FROM sec_state.relations_before b
                                WHERE NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = b.oid))
                   AND NOT EXISTS (SELECT FROM pg_class c
                                    WHERE c.relnamespace IN ('jwt_auth'::regnamespace, 'public'::regnamespace)
                                      AND c.oid NOT IN (SELECT oid FROM sec_state.relations_before)),
                   'every relation of jwt_auth and public is still there, and none was added');
SELECT pg_temp.tap((SELECT count(*) FROM jwt_auth.users) = :hostile_count + 2,
                   'jwt_auth.users holds exactly the users created');
