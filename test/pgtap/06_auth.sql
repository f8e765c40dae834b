-- Login, sessions and the request context: the SQLSTATEs of every
-- failure, the tables no one but the owner can read, the functions only
-- the owner can call, claims that cannot be forged after authenticate(),
-- and the login settings only a superuser can change. One transaction,
-- rolled back.
BEGIN;
SELECT plan(57);

SET LOCAL jwt_auth.bcrypt_cost = 4;
CREATE ROLE jwt_auth_test_client LOGIN NOINHERIT;
CREATE ROLE jwt_auth_test_member NOLOGIN;
CREATE ROLE jwt_auth_test_admin NOLOGIN;
GRANT jwt_auth_test_member TO jwt_auth_test_client;
DELETE FROM jwt_auth.keys;
SELECT jwt_auth.key_generate('HS256', 'auth-key');
SELECT jwt_auth.user_create('member', 'member password', 'jwt_auth_test_member');
SELECT jwt_auth.user_create('admin', 'admin password', 'jwt_auth_test_admin');
CREATE TEMP TABLE pair AS
SELECT 'member'::text AS who, jwt_auth.auth_login('member', 'member password') AS p
UNION ALL
SELECT 'admin', jwt_auth.auth_login('admin', 'admin password');
GRANT SELECT ON pair TO jwt_auth_test_client, jwt_auth_test_member;

------------------------------------------------------------------------
-- SQLSTATEs
------------------------------------------------------------------------
SELECT throws_ok($$SELECT jwt_auth.auth_login('member', 'wrong password')$$, '28P01',
    'invalid username or password', 'a wrong password is 28P01');
SELECT throws_ok($$SELECT jwt_auth.auth_login('nobody', 'member password')$$, '28P01',
    'invalid username or password', 'an unknown user is the same 28P01');
SELECT throws_ok($$SELECT jwt_auth.auth_login(NULL, NULL)$$, '28P01',
    'invalid username or password', 'NULLs are the same 28P01');
SELECT throws_ok($$SELECT jwt_auth.auth_refresh('nope')$$, '28000',
    'invalid refresh token', 'an unknown refresh token is 28000');
SELECT throws_ok($$SELECT jwt_auth.auth_logout('nope')$$, '28000',
    'invalid refresh token', 'logging out an unknown refresh token is 28000');
SELECT throws_ok($$SELECT jwt_auth.auth_logout()$$, '28000',
    'no session to log out', 'logging out with no token and no claims is 28000');
SELECT throws_ok($$SELECT jwt_auth.auth_logout((SELECT p->>'refresh_token' FROM pair WHERE who = 'member'), 'all')$$,
    '22023', 'invalid logout scope', 'an unknown logout scope is 22023');
SELECT throws_ok($$SELECT jwt_auth.authenticate('a.b.c')$$, '28000',
    'invalid token', 'authenticate refuses a malformed token with 28000');
SELECT throws_ok($$SELECT jwt_auth.authenticate(NULL)$$, '28000',
    'invalid token', 'authenticate refuses NULL with 28000');
SELECT throws_ok($$SELECT jwt_auth.user_create('member', 'another password')$$, '23505',
    'a user with this username already exists', 'a taken username is 23505');
SELECT throws_ok($$SELECT jwt_auth.user_create('MEMBER', 'another password')$$, '23505',
    'a user with this username already exists', 'a taken username in other case is 23505');
SELECT throws_ok($$SELECT jwt_auth.user_create('new', 'short')$$, '22023',
    'password is too short', 'a short password is 22023');
SELECT throws_ok($$SELECT jwt_auth.user_create('new', repeat('x', 73))$$, '22023',
    'password is too long', 'a password over 72 bytes is 22023');
SELECT throws_ok($$SELECT jwt_auth.user_create('new', NULL)$$, '22004',
    'password must not be null', 'a NULL password is 22004');
SELECT throws_ok($$SELECT jwt_auth.user_create('', 'a good password')$$, '22023',
    'invalid username', 'an empty username is 22023');
SELECT throws_ok($$SELECT jwt_auth.user_create('new', 'a good password', 'jwt_auth_test_no_such_role')$$, '42704',
    NULL, 'a role that does not exist is 42704');
SELECT throws_ok($$SELECT jwt_auth.user_create('new', 'a good password', NULL, '"x"')$$, '22023',
    'claims must be a JSON object', 'claims that are not an object are 22023');
SELECT throws_ok($$SELECT jwt_auth.user_import('new', 'not a hash')$$, '22023',
    'invalid password hash', 'a hash crypt() cannot verify is 22023');
SELECT throws_ok($$SELECT jwt_auth.user_set_password('nobody', 'a good password')$$, '42704',
    'no user has this username', 'changing an unknown user is 42704');
SELECT throws_ok($$SELECT jwt_auth.user_delete('nobody')$$, '42704',
    'no user has this username', 'deleting an unknown user is 42704');

------------------------------------------------------------------------
-- Tables and functions: the owner's
------------------------------------------------------------------------
SELECT table_privs_are('jwt_auth', t, 'public', ARRAY[]::text[], format('PUBLIC has no privilege on jwt_auth.%s', t))
  FROM unnest(ARRAY['users', 'sessions', 'refresh_tokens', 'throttle']) AS t;
SELECT table_privs_are('jwt_auth', t, 'jwt_auth_test_client', ARRAY[]::text[],
        format('an ordinary role has no privilege on jwt_auth.%s', t))
  FROM unnest(ARRAY['users', 'sessions', 'refresh_tokens', 'throttle']) AS t;

SET LOCAL ROLE jwt_auth_test_client;
SELECT throws_ok($$SELECT password_hash FROM jwt_auth.users$$, '42501', NULL,
    'an ordinary role cannot read password hashes');
SELECT throws_ok($$SELECT token_hash FROM jwt_auth.refresh_tokens$$, '42501', NULL,
    'an ordinary role cannot read refresh-token hashes');
SELECT throws_ok($$SELECT * FROM jwt_auth.sessions$$, '42501', NULL,
    'an ordinary role cannot read sessions');
SELECT throws_ok($$SELECT jwt_auth.user_create('intruder', 'intruder password', 'jwt_auth_test_admin')$$, '42501', NULL,
    'an ordinary role cannot create users');
SELECT throws_ok($$SELECT jwt_auth.user_set_password('admin', 'taken over!')$$, '42501', NULL,
    'an ordinary role cannot change a password');
SELECT throws_ok($$SELECT jwt_auth.purge_expired()$$, '42501', NULL,
    'an ordinary role cannot purge');
SELECT throws_ok($$SELECT jwt_auth.auth_unlock('admin')$$, '42501', NULL,
    'an ordinary role cannot unlock a username');
SELECT throws_ok($$SELECT jwt_auth._throttle_reset('admin')$$, '42501', NULL,
    'an ordinary role cannot reset the throttle by its internals');
SELECT throws_ok($$SELECT jwt_auth._session_revoke(gen_random_uuid(), 'logout')$$, '42501', NULL,
    'an ordinary role cannot revoke sessions by the internals');
SELECT throws_ok($$SELECT jwt_auth.jwt_sign('{"sub":"x","role":"jwt_auth_test_admin"}'::jsonb)$$, '42501', NULL,
    'an ordinary role cannot sign with the stored key');
-- but it logs in, refreshes and authenticates
SELECT ok(jwt_auth.auth_login('member', 'member password') ? 'access_token', 'an ordinary role logs in');
SELECT ok(jwt_auth.auth_refresh((SELECT p->>'refresh_token' FROM pair WHERE who = 'member')) ? 'refresh_token',
    'an ordinary role refreshes');

------------------------------------------------------------------------
-- authenticate(): the role it may become, and claims set_config cannot forge
------------------------------------------------------------------------
RESET ROLE;
SET LOCAL SESSION AUTHORIZATION jwt_auth_test_client;
SELECT throws_ok($$SELECT jwt_auth.authenticate((SELECT p->>'access_token' FROM pair WHERE who = 'admin'))$$,
    '42501', 'permission denied to become role "jwt_auth_test_admin"',
    'authenticate refuses a role the session user is not a member of');
SELECT is(current_user::text, 'jwt_auth_test_client', 'and the role did not change');
SELECT lives_ok($$SELECT jwt_auth.authenticate((SELECT p->>'access_token' FROM pair WHERE who = 'member'))$$,
    'authenticate accepts the member''s token');
SELECT is(current_user::text, 'jwt_auth_test_member', 'authenticate switched to the token''s role');
SELECT is(jwt_auth.role(), 'jwt_auth_test_member', 'role() is the token''s role');
SELECT is(jwt_auth.uid(), (SELECT id FROM pair, LATERAL (SELECT (jwt_auth.jwt_verify(p->>'access_token')->>'sub')::uuid AS id) s WHERE who = 'member'),
    'uid() is the member''s id');
SELECT lives_ok($$SELECT set_config('request.jwt.claims', '{"sub":"forged","role":"jwt_auth_test_admin"}', true)$$,
    'set_config of request.jwt.claims is allowed');
SELECT is(jwt_auth.role(), 'jwt_auth_test_member', 'yet claims() still answers with the verified claims');
SELECT isnt(jwt_auth.claim('sub'), '"forged"'::jsonb, 'and the forged sub is not seen');
SELECT throws_ok($$SET ROLE jwt_auth_test_admin$$, '42501', NULL,
    'the authenticated request cannot SET ROLE to another user''s role');
RESET SESSION AUTHORIZATION;

------------------------------------------------------------------------
-- The login settings are a superuser's
------------------------------------------------------------------------
SET LOCAL ROLE jwt_auth_test_client;
SELECT throws_ok(format('SET jwt_auth.%s = %L', name, value), '42501', NULL,
        format('an ordinary role cannot SET jwt_auth.%s', name))
  FROM (VALUES ('bcrypt_cost', '4'), ('trust_request_claims', 'on'), ('max_failed_logins', '0'),
               ('refresh_reuse_interval', '1h'), ('access_ttl', '10d'), ('default_role', 'postgres'),
               ('min_password_length', '1')) AS s(name, value);
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
