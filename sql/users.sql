--
-- Users: creation, unique usernames regardless of case, the password length
-- rules, imported hashes of every format pgcrypto's crypt() verifies
-- ($2b$/$2y$ bcrypt normalised to $2a$), roles, disabling and deleting.
-- bcrypt cost 4 keeps the suite fast; hashes are never printed.
--
\set SHOW_CONTEXT never
SET jwt_auth.bcrypt_cost = 4;
SET jwt_auth.min_password_length = 8;
SELECT jwt_auth.key_generate('HS256', 'users-key') AS kid;
CREATE ROLE regress_jwt_member NOLOGIN;

-- a user, its hash bcrypt at the configured cost
SELECT jwt_auth.user_create('Ada', 'correct horse', 'regress_jwt_member', '{"team": "red"}') IS NOT NULL AS created;
SELECT username, role, claims, disabled, last_login_at IS NULL AS never_logged_in,
       substr(password_hash, 1, 7) AS hash_prefix, length(password_hash) AS hash_length
  FROM jwt_auth.users WHERE username = 'Ada';

-- usernames are unique regardless of case; bad names and arguments
SELECT jwt_auth.user_create('ADA', 'another password');
SELECT jwt_auth.user_create('', 'another password');
SELECT jwt_auth.user_create(E'tab\there', 'another password');
SELECT jwt_auth.user_create(repeat('n', 257), 'another password');
SELECT jwt_auth.user_create(NULL, 'another password');
SELECT jwt_auth.user_create('grace', 'another password', 'regress_no_such_role');
SELECT jwt_auth.user_create('grace', 'another password', NULL, '[1]');

-- password length: at least min_password_length characters, at most 72 bytes
SELECT jwt_auth.user_create('grace', 'short');
SELECT jwt_auth.user_create('grace', NULL);
SELECT jwt_auth.user_create('grace', repeat('x', 73));
SELECT jwt_auth.user_create('grace', repeat('é', 37));          -- 37 characters, 74 bytes
SELECT jwt_auth.user_create('grace', repeat('x', 72)) IS NOT NULL AS seventy_two_bytes_fit;
SET jwt_auth.min_password_length = 20;
SELECT jwt_auth.user_set_password('grace', 'nineteen characters');
SET jwt_auth.min_password_length = 8;
SELECT jwt_auth.user_set_password('grace', 'a new password');
SELECT jwt_auth.auth_login('grace', 'a new password') ? 'access_token' AS new_password_works;

-- imported hashes: each format pgcrypto verifies; every one logs in
-- (the password of each is "imported pw"), and is re-hashed to bcrypt at
-- the configured cost on that first good login
CREATE TEMP TABLE imported (username text, hash text);
INSERT INTO imported VALUES
    ('bcrypt_2a', crypt('imported pw', gen_salt('bf', 5))),
    ('bcrypt_2b', '$2b$' || substr(crypt('imported pw', gen_salt('bf', 5)), 5)),
    ('bcrypt_2y', '$2y$' || substr(crypt('imported pw', gen_salt('bf', 5)), 5)),
    ('md5crypt', crypt('imported pw', gen_salt('md5'))),
    ('xdes', crypt('imported pw', gen_salt('xdes'))),
    ('des', crypt('imported pw', gen_salt('des')));
SELECT username, jwt_auth.user_import(username, hash) IS NOT NULL AS imported FROM imported ORDER BY username;
SELECT u.username, u.password_hash = i.hash AS kept_as_is,
       CASE WHEN u.password_hash LIKE '$2a$%' THEN 'bcrypt $2a$'
            WHEN u.password_hash LIKE '$1$%' THEN 'md5-crypt'
            WHEN u.password_hash LIKE '\_%' THEN 'extended DES'
            ELSE 'DES' END AS stored_as
  FROM jwt_auth.users u JOIN imported i USING (username) ORDER BY u.username;
SELECT username, jwt_auth.auth_login(username, 'imported pw') ? 'access_token' AS logs_in
  FROM imported ORDER BY username;
SELECT username, substr(password_hash, 1, 7) AS rehashed_prefix
  FROM jwt_auth.users WHERE username IN (SELECT username FROM imported) ORDER BY username;
-- a hash at the configured cost or higher stays as it is
SELECT jwt_auth.user_import('strong', crypt('imported pw', gen_salt('bf', 6))) IS NOT NULL AS imported;
SELECT password_hash INTO TEMP strong_before FROM jwt_auth.users WHERE username = 'strong';
SELECT jwt_auth.auth_login('strong', 'imported pw') ? 'access_token' AS logs_in;
SELECT u.password_hash = b.password_hash AS kept FROM jwt_auth.users u, strong_before b WHERE u.username = 'strong';
-- what crypt() cannot verify is refused
SELECT jwt_auth.user_import('bad', 'plain text password');
SELECT jwt_auth.user_import('bad', '$2a$99$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234');
SELECT jwt_auth.user_import('bad', '$6$salt$notsupportedbypgcrypto');
SELECT jwt_auth.user_import('bad', NULL);

-- disabled users cannot log in; enabled again they can
SELECT jwt_auth.user_set_disabled('ada');
SELECT jwt_auth.auth_login('Ada', 'correct horse');
SELECT jwt_auth.user_set_disabled('ada', false);
SELECT jwt_auth.auth_login('Ada', 'correct horse') ? 'access_token' AS enabled_again;
SELECT jwt_auth.user_set_disabled('nobody');
SELECT jwt_auth.user_set_password('nobody', 'a new password');

-- deleting a user takes its sessions and refresh tokens with it
SELECT count(*) > 0 AS has_sessions FROM jwt_auth.sessions s JOIN jwt_auth.users u ON u.id = s.user_id WHERE u.username = 'Ada';
SELECT jwt_auth.user_delete('ADA');
SELECT count(*) AS users_named_ada FROM jwt_auth.users WHERE lower(username) = 'ada';
SELECT count(*) AS orphan_sessions FROM jwt_auth.sessions s WHERE NOT EXISTS (SELECT FROM jwt_auth.users u WHERE u.id = s.user_id);
SELECT jwt_auth.user_delete('ada');

-- clean up: the next suites start from empty tables
TRUNCATE jwt_auth.users CASCADE;
TRUNCATE jwt_auth.keys;
DROP ROLE regress_jwt_member;
