-- bench/auth: what the pgbench runs of bench/run need, in their own database.
--
-- Login and refresh: :users users (user1..) sharing one hash at the default
-- bcrypt cost (10), an ES256 signing key, and :tokens live refresh tokens in
-- bench_token for the refresh runs to rotate; bench_hash holds the same
-- hash for bare crypt(). The password of every user is "bench password".
--
-- authenticate(): :readers users (reader1..) of role bench_user, each owning
-- 10 rows of bench_rows, a table whose RLS policy shows a user its own rows
-- (owner = jwt_auth.uid()). bench_access_es and bench_access_hs hold an
-- access token of each reader, ES256 (from auth_login) and HS256 (the same
-- claims signed with a stored HS256 key). bench_app connects and becomes
-- bench_user through authenticate(); bench_plain reads bench_rows with
-- BYPASSRLS, unauthenticated, for the baseline.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;
\if :{?users}
\else
    \set users 1000
\endif
\if :{?tokens}
\else
    \set tokens 200
\endif
\if :{?readers}
\else
    \set readers 1000
\endif

-- access tokens made now must outlive the runs before the authenticate() runs
SET jwt_auth.access_ttl = '6h';

-- the readers first: their hash at cost 4 (made and checked with the cost set to 4, so
-- that logging in does not re-hash it), sessions and ES256 access tokens
SELECT jwt_auth.key_generate('ES256') AS kid \gset
CREATE ROLE bench_user NOLOGIN;
CREATE ROLE bench_app LOGIN NOINHERIT;
GRANT bench_user TO bench_app;
CREATE ROLE bench_plain LOGIN BYPASSRLS;
-- bench_app with the verified-token cache off: every authenticate() verifies its token
CREATE ROLE bench_app_nocache LOGIN NOINHERIT;
GRANT bench_user TO bench_app_nocache;
ALTER ROLE bench_app_nocache SET jwt_auth.token_cache_entries = 0;
SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.user_create('reader1', 'bench password', 'bench_user') IS NOT NULL AS created \gset
INSERT INTO jwt_auth.users (username, password_hash, role)
SELECT 'reader' || i, (SELECT password_hash FROM jwt_auth.users WHERE username = 'reader1'), 'bench_user'
  FROM generate_series(2, :readers) AS i;
CREATE TABLE bench_access_es (n int PRIMARY KEY, token text NOT NULL);
INSERT INTO bench_access_es
SELECT i, jwt_auth.auth_login('reader' || i, 'bench password') ->> 'access_token'
  FROM generate_series(1, :readers) AS i;
RESET jwt_auth.bcrypt_cost;

-- the same claims signed with a stored HS256 key; the ES256 key that signed the
-- others keeps verifying them once retired
SELECT jwt_auth.key_generate('HS256') AS kid \gset
CREATE TABLE bench_access_hs (n int PRIMARY KEY, token text NOT NULL);
INSERT INTO bench_access_hs SELECT n, jwt_auth.jwt_sign(jwt_auth.jwt_verify(token)) FROM bench_access_es;

CREATE TABLE bench_rows (id int PRIMARY KEY, owner uuid NOT NULL, body text NOT NULL);
INSERT INTO bench_rows
SELECT (i - 1) * 10 + k, u.id, md5(i::text || '/' || k::text)
  FROM generate_series(1, :readers) AS i
  JOIN jwt_auth.users u ON u.username = 'reader' || i,
       generate_series(1, 10) AS k;
ALTER TABLE bench_rows ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON bench_rows FOR SELECT USING (owner = jwt_auth.uid());
GRANT SELECT ON bench_rows TO bench_user, bench_plain;
GRANT SELECT ON bench_access_es, bench_access_hs TO bench_app, bench_app_nocache;
-- the same statements without authenticate(): what one more statement costs
GRANT SELECT ON bench_access_hs TO bench_plain;

-- another issuer's tokens (issue 17): an ES256 provider registered with its public JWK set
-- pushed (the RFC 7515 A.3 P-256 key; its private half signs here as the provider would), the
-- readers' ids as sub, the issuer's default role; bench_rows_iss holds the same rows as
-- bench_rows, owned by user_id(), the user claim of an issuer's token (uid() is ours only)
\set iss_jwk '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}'
SELECT jwt_auth.issuer_add('https://issuer.bench.example',
                           jsonb_build_object('keys', jsonb_build_array(:'iss_jwk'::jsonb - 'd' || '{"kid":"bench-iss-1","use":"sig"}')),
                           audience => '{bench-api}', algorithms => '{ES256}',
                           default_role => 'bench_user') IS NOT NULL AS added \gset
CREATE TABLE bench_access_iss (n int PRIMARY KEY, token text NOT NULL);
INSERT INTO bench_access_iss
SELECT i, jwt_auth.jwt_sign(jsonb_build_object('iss', 'https://issuer.bench.example', 'aud', 'bench-api',
                                               'sub', u.id::text, 'iat', floor(extract(epoch FROM now()))::bigint,
                                               'exp', floor(extract(epoch FROM now() + interval '6h'))::bigint),
                            :'iss_jwk'::jsonb, 'ES256', '{"kid":"bench-iss-1"}')
  FROM generate_series(1, :readers) AS i
  JOIN jwt_auth.users u ON u.username = 'reader' || i;
CREATE TABLE bench_rows_iss (id int PRIMARY KEY, owner text NOT NULL, body text NOT NULL);
INSERT INTO bench_rows_iss SELECT id, owner::text, body FROM bench_rows;
ALTER TABLE bench_rows_iss ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON bench_rows_iss FOR SELECT USING (owner = jwt_auth.user_id());
GRANT SELECT ON bench_rows_iss TO bench_user;
GRANT SELECT ON bench_access_iss TO bench_app, bench_app_nocache;

-- login and refresh sign with ES256, as the readers' tokens
SELECT jwt_auth.key_generate('ES256') AS kid \gset
-- one hash, shared: creating 1000 bcrypt hashes one by one would take a minute
SELECT jwt_auth.user_create('user1', 'bench password') IS NOT NULL AS created \gset
INSERT INTO jwt_auth.users (username, password_hash)
SELECT 'user' || i, (SELECT password_hash FROM jwt_auth.users WHERE username = 'user1')
  FROM generate_series(2, :users) AS i;
CREATE TABLE bench_token (id int PRIMARY KEY, token text NOT NULL);
INSERT INTO bench_token
SELECT i, jwt_auth.auth_login('user' || i, 'bench password') ->> 'refresh_token'
  FROM generate_series(1, :tokens) AS i;
-- the same user's hash through bare crypt(), for the floor of a login
CREATE TABLE bench_hash AS SELECT password_hash AS h FROM jwt_auth.users WHERE username = 'user1';
ANALYZE;

-- the RLS set-up does what the runs assume: an authenticated reader sees its own 10 rows of
-- bench_rows, with either token; bench_plain sees them all
SET ROLE bench_app;
BEGIN;
SELECT jwt_auth.authenticate(token) IS NOT NULL AS ok FROM bench_access_es WHERE n = 1 \gset
DO $$ BEGIN
    IF current_user <> 'bench_user' OR (SELECT count(*) FROM bench_rows) <> 10
       OR (SELECT count(*) FROM bench_rows WHERE id = 1) <> 1 OR (SELECT count(*) FROM bench_rows WHERE id = 11) <> 0 THEN
        RAISE EXCEPTION 'authenticate() + RLS: reader 1 does not see exactly its own rows';
    END IF;
END $$;
COMMIT;
BEGIN;
SELECT jwt_auth.authenticate(token) IS NOT NULL AS ok FROM bench_access_hs WHERE n = 2 \gset
DO $$ BEGIN
    IF (SELECT count(*) FROM bench_rows) <> 10 OR (SELECT count(*) FROM bench_rows WHERE id = 11) <> 1 THEN
        RAISE EXCEPTION 'authenticate() + RLS: reader 2 does not see exactly its own rows';
    END IF;
END $$;
COMMIT;
BEGIN;
SELECT jwt_auth.authenticate(token) IS NOT NULL AS ok FROM bench_access_iss WHERE n = 3 \gset
DO $$ BEGIN
    IF current_user <> 'bench_user' OR (SELECT count(*) FROM bench_rows_iss) <> 10
       OR (SELECT count(*) FROM bench_rows_iss WHERE id = 21) <> 1 OR (SELECT count(*) FROM bench_rows_iss WHERE id = 1) <> 0 THEN
        RAISE EXCEPTION 'authenticate() + RLS: reader 3 with the issuer''s token does not see exactly its own rows';
    END IF;
END $$;
COMMIT;
RESET ROLE;
SET ROLE bench_plain;
SELECT format($f$DO $d$ BEGIN
    IF (SELECT count(*) FROM bench_rows) <> %s THEN
        RAISE EXCEPTION 'bench_plain does not see every row of bench_rows';
    END IF;
END $d$$f$, 10 * :readers) \gexec
RESET ROLE;
