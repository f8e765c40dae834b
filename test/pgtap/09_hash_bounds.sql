-- Imported password hashes: a hash whose cost is beyond a bound, or of no
-- form jwt_auth reads, is refused by user_import with 22023 and the bound
-- named; a stored hash beyond a bound (written into the table by hand) is
-- never an error at login, only the same 28P01, without its work. One
-- transaction, rolled back.
BEGIN;
SELECT plan(22);

SET LOCAL jwt_auth.bcrypt_cost = 4;
DELETE FROM jwt_auth.keys;
SELECT jwt_auth.key_generate('HS256', 'hash-bounds-key');
CREATE ROLE jwt_auth_test_hashes NOLOGIN;

-- zero bytes as each form writes its digest
CREATE FUNCTION pg_temp.b64_32() RETURNS text LANGUAGE sql AS $$ SELECT repeat('A', 43) || '=' $$;
CREATE FUNCTION pg_temp.hex_64() RETURNS text LANGUAGE sql AS $$ SELECT repeat('0', 128) $$;

------------------------------------------------------------------------
-- Refused at import: 22023, the bound in the detail
------------------------------------------------------------------------
SELECT throws_ok(format($$SELECT jwt_auth.user_import('h1', 'pbkdf2_sha256$10000001$salt$%s')$$, pg_temp.b64_32()),
    '22023', 'password hash is out of bounds', 'Django PBKDF2 over 10,000,000 iterations is refused');
SELECT throws_ok(format($$SELECT jwt_auth.user_import('h1', 'pbkdf2:sha256:0$salt$%s')$$, repeat('0', 64)),
    '22023', 'password hash is out of bounds', 'Werkzeug PBKDF2 with 0 iterations is refused');
SELECT throws_ok($$SELECT jwt_auth.user_import('h1', '$pbkdf2-sha512$99999999$c2FsdA$' || repeat('A', 86))$$,
    '22023', 'password hash is out of bounds', 'passlib PBKDF2 over 10,000,000 iterations is refused');
SELECT throws_ok(format($$SELECT jwt_auth.user_import('h1', 'scrypt:524288:8:1$salt$%s')$$, pg_temp.hex_64()),
    '22023', 'password hash is out of bounds', 'scrypt over 256 MiB (N = 2^19, r = 8) is refused');
SELECT throws_ok(format($$SELECT jwt_auth.user_import('h1', 'scrypt:16384:8:17$salt$%s')$$, pg_temp.hex_64()),
    '22023', 'password hash is out of bounds', 'scrypt with p over 16 is refused');
SELECT throws_ok($$SELECT jwt_auth.user_import('h1', '$argon2id$v=19$m=524288,t=2,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA')$$,
    '22023', 'password hash is out of bounds', 'Argon2 over 256 MiB is refused');
SELECT throws_ok($$SELECT jwt_auth.user_import('h1', 'argon2$argon2id$v=19$m=65536,t=100,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA')$$,
    '22023', 'password hash is out of bounds', 'Argon2 (Django''s form) with t over 16 is refused');
SELECT throws_ok($$SELECT jwt_auth.user_import('h1', '$argon2i$v=19$m=65536,t=2,p=255$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA')$$,
    '22023', 'password hash is out of bounds', 'Argon2 with p over 64 is refused');
SELECT throws_ok($$SELECT jwt_auth.user_import('h1', '$6$rounds=999999999$salt$' || repeat('.', 86))$$,
    '22023', 'password hash is out of bounds', 'SHA-crypt over 10,000,000 rounds is refused');

-- the detail names the bound
CREATE FUNCTION pg_temp.detail_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    d text;
BEGIN
    EXECUTE query;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d;
END
$$;
SELECT is(pg_temp.detail_of(format($$SELECT jwt_auth.user_import('h1', 'scrypt:524288:8:1$salt$%s')$$, pg_temp.hex_64())),
    'scrypt memory (128 * N * r bytes) must be at most 256 MiB.', 'the detail names scrypt''s memory bound');
SELECT is(pg_temp.detail_of($$SELECT jwt_auth.user_import('h1', '$argon2id$v=19$m=524288,t=2,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA')$$),
    'Argon2 memory m must be between 8 * p and 262144 KiB (256 MiB).', 'the detail names Argon2''s memory bound');

-- of no known form: 22023 as before
SELECT throws_ok($$SELECT jwt_auth.user_import('h1', 'plain text password')$$,
    '22023', 'invalid password hash', 'a hash of no known form is refused');
SELECT throws_ok($$SELECT jwt_auth.user_import('h1', NULL)$$,
    '22023', 'invalid password hash', 'a NULL hash is refused');
SELECT throws_ok($$SELECT jwt_auth.user_import('h1', 'pbkdf2:sha256$salt$' || repeat('0', 64))$$,
    '22023', 'invalid password hash', 'Werkzeug PBKDF2 without its iteration count is refused');

------------------------------------------------------------------------
-- At the bound: imported; the bcrypt forms are stored for pgcrypto
------------------------------------------------------------------------
SELECT lives_ok(format($$SELECT jwt_auth.user_import('at-bound', 'pbkdf2_sha256$10000000$salt$%s', 'jwt_auth_test_hashes')$$,
    pg_temp.b64_32()), 'PBKDF2 at 10,000,000 iterations is imported');
SELECT lives_ok($q$SELECT jwt_auth.user_import('django-bcrypt', 'bcrypt$$2b$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy', 'jwt_auth_test_hashes')$q$,
    'Django''s bcrypt$ form is imported');
SELECT is((SELECT password_hash FROM jwt_auth.users WHERE username = 'django-bcrypt'),
    '$2a$04$CoOGaL5MWgFHDXDHk35wR.K9.P/QvV2TWiAlEoRfb0Iz9/oIzZGOy', 'and stored as plain $2a$ bcrypt');
SELECT lives_ok($q$SELECT jwt_auth.user_import('django-bcrypt-sha256', 'bcrypt_sha256$$2b$04$LgXBXexyOc49pg1iLxWcaeVkN6x2omsmWUaLYZXZwg11zlt2k73dC', 'jwt_auth_test_hashes')$q$,
    'Django''s bcrypt_sha256$ form is imported');
SELECT is((SELECT password_hash FROM jwt_auth.users WHERE username = 'django-bcrypt-sha256'),
    'bcrypt_sha256$$2a$04$LgXBXexyOc49pg1iLxWcaeVkN6x2omsmWUaLYZXZwg11zlt2k73dC', 'and stored with its bcrypt as $2a$');

------------------------------------------------------------------------
-- Beyond a bound in the table: no error, no match, no work
------------------------------------------------------------------------
UPDATE jwt_auth.users SET password_hash = '$6$rounds=999999999$salt$' || repeat('.', 86) WHERE username = 'at-bound';
SELECT is(jwt_auth._password_verify('any password', (SELECT password_hash FROM jwt_auth.users WHERE username = 'at-bound')),
    false, 'a stored hash beyond a bound does not match');
SELECT throws_ok($$SELECT jwt_auth.auth_login('at-bound', 'any password')$$, '28P01',
    'invalid username or password', 'and its login fails with the same 28P01, never 22023');
SELECT is(jwt_auth._password_verify('x', 'not a hash'), false, 'a stored hash of no known form does not match');

SELECT * FROM finish();
ROLLBACK;
