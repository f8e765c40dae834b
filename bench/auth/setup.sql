-- bench/auth: 1000 users with the default bcrypt cost (10), an ES256 signing
-- key, and one live refresh token per user in bench_token for the refresh
-- runs to rotate. The password of every user is "bench password".
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;
SELECT jwt_auth.key_generate('ES256');
-- one hash, shared: creating 1000 bcrypt hashes one by one would take a minute
SELECT jwt_auth.user_create('user1', 'bench password');
INSERT INTO jwt_auth.users (username, password_hash)
SELECT 'user' || i, (SELECT password_hash FROM jwt_auth.users WHERE username = 'user1')
  FROM generate_series(2, 1000) AS i;
CREATE TABLE bench_token (id int PRIMARY KEY, token text NOT NULL);
INSERT INTO bench_token
SELECT i, jwt_auth.auth_login('user' || i, 'bench password')->>'refresh_token'
  FROM generate_series(1, 200) AS i;
-- the same user's hash through bare crypt(), for the floor of a login
CREATE TABLE bench_hash AS SELECT password_hash AS h FROM jwt_auth.users WHERE username = 'user1';
ANALYZE;
