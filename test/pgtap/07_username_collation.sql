-- Usernames are compared under the database's collation, whatever
-- collation the caller's argument carries: a nondeterministic collation
-- any role can create in pg_temp finds no user under another name (the
-- name the throttle would count), in auth_login or in the user functions,
-- and the lookups keep using the unique index on lower(username). One
-- transaction, rolled back.
BEGIN;
SELECT plan(14);

SET LOCAL jwt_auth.bcrypt_cost = 4;
-- a table this small would be read whole: without sequential scans, the
-- lookups show whether they can use the index
SET LOCAL enable_seqscan = off;
CREATE ROLE jwt_auth_test_guesser LOGIN NOINHERIT;
CREATE ROLE jwt_auth_test_alice NOLOGIN;
DELETE FROM jwt_auth.keys;
SELECT jwt_auth.key_generate('HS256', 'collation-key');
SELECT jwt_auth.user_create('alice', 'alice password', 'jwt_auth_test_alice');

-- index scans of the unique index on lower(username) in this transaction, so far
CREATE FUNCTION pg_temp.username_scans() RETURNS bigint LANGUAGE sql AS $$
    SELECT pg_catalog.pg_stat_get_xact_numscans('jwt_auth.users_username_key'::regclass)
$$;
CREATE TEMP TABLE scans (at text PRIMARY KEY, n bigint);
INSERT INTO scans VALUES ('start', pg_temp.username_scans());

------------------------------------------------------------------------
-- auth_login, as an ordinary role
------------------------------------------------------------------------
SET LOCAL ROLE jwt_auth_test_guesser;
SELECT lives_ok(
    $$CREATE COLLATION pg_temp.ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false)$$,
    'an ordinary role creates a nondeterministic collation in pg_temp');
SELECT ok('álice' = 'alice' COLLATE pg_temp.ci, 'under it, álice equals alice');
SELECT throws_ok($$SELECT jwt_auth.auth_login('álice' COLLATE pg_temp.ci, 'alice password')$$, '28P01',
    'invalid username or password', 'álice under that collation, with alice''s password, does not log in as alice');
SELECT throws_ok($$SELECT jwt_auth.auth_login('ÁLICE' COLLATE pg_temp.ci, 'alice password')$$, '28P01',
    'invalid username or password', 'nor does ÁLICE');
SELECT ok(jwt_auth.auth_login('ALICE' COLLATE pg_temp.ci, 'alice password') ? 'access_token',
    'ALICE under it logs in: usernames are case-insensitive, by the database''s rules');
SELECT ok(jwt_auth.auth_login('Alice' COLLATE "C", 'alice password') ? 'access_token',
    'so does Alice under "C"');
RESET ROLE;
SELECT is(pg_temp.username_scans() - (SELECT n FROM scans WHERE at = 'start'), 4::bigint,
    'each of the four logins found its user (or none) through the unique index on lower(username)');

------------------------------------------------------------------------
-- the user functions (the owner's), by _user_lock
------------------------------------------------------------------------
INSERT INTO scans VALUES ('owner', pg_temp.username_scans());
SELECT throws_ok($$SELECT jwt_auth.user_set_password('álice' COLLATE pg_temp.ci, 'new password')$$, '42704',
    'no user has this username', 'user_set_password finds no user for álice under the collation');
SELECT throws_ok($$SELECT jwt_auth.user_set_disabled('álice' COLLATE pg_temp.ci)$$, '42704',
    'no user has this username', 'nor does user_set_disabled');
SELECT throws_ok($$SELECT jwt_auth.user_delete('álice' COLLATE pg_temp.ci)$$, '42704',
    'no user has this username', 'nor user_delete');
SELECT lives_ok($$SELECT jwt_auth.user_set_password('ALICE' COLLATE pg_temp.ci, 'new password')$$,
    'user_set_password finds alice for ALICE under it');
SELECT is(pg_temp.username_scans() - (SELECT n FROM scans WHERE at = 'owner'), 4::bigint,
    'each of the four found its user (or none) through the unique index');
SELECT ok(jwt_auth.auth_login('alice', 'new password') ? 'access_token', 'alice logs in with the new password');
SELECT throws_ok($$SELECT jwt_auth.auth_login('alice', 'alice password')$$, '28P01',
    'invalid username or password', 'and not with the old one');

SELECT * FROM finish();
ROLLBACK;
