-- test/load: the database the load test runs in (test/load/run makes it and passes the psql
-- variables users, clients, slots and role). Users with random passwords that never leave the
-- server (load_creds), an ES256 signing key, the pools of tokens the pgbench clients hold, and a
-- table under row-level security.
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;
SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.key_generate('ES256', 'load-es256');

CREATE TABLE load_creds (id int PRIMARY KEY, username text NOT NULL, password text NOT NULL);
INSERT INTO load_creds
SELECT i, 'load-user-' || i, encode(gen_random_bytes(18), 'base64') FROM generate_series(1, :users) AS i;
SELECT count(jwt_auth.user_create(username, password, :'role', jsonb_build_object('n', id)))
  FROM load_creds;

-- A live session's refresh token per row. Client c owns rows c * slots to c * slots + slots - 1
-- of load_refresh and load_logout, so no two clients ever present the same token.
CREATE TABLE load_refresh (id int PRIMARY KEY, user_id int NOT NULL, token text NOT NULL);
INSERT INTO load_refresh
SELECT i, c.id, jwt_auth.auth_login(c.username, c.password)->>'refresh_token'
  FROM generate_series(0, :clients * :slots - 1) AS i JOIN load_creds c ON c.id = i % :users + 1;
CREATE TABLE load_logout (LIKE load_refresh INCLUDING ALL);
INSERT INTO load_logout
SELECT i, c.id, jwt_auth.auth_login(c.username, c.password)->>'refresh_token'
  FROM generate_series(0, :clients * :slots - 1) AS i JOIN load_creds c ON c.id = (i + 7) % :users + 1;
-- the refresh tokens of the sessions logout.pgbench ended
CREATE TABLE load_logged_out (token text NOT NULL);

-- access tokens of sessions nothing logs out, shared by every client
CREATE TABLE load_access (id int PRIMARY KEY, user_id int NOT NULL, token text NOT NULL);
INSERT INTO load_access
SELECT i, c.id, jwt_auth.auth_login(c.username, c.password)->>'access_token'
  FROM generate_series(1, 100) AS i JOIN load_creds c ON c.id = (i * 13) % :users + 1;

-- three notes per user; each user sees their own only
CREATE TABLE load_notes (owner uuid NOT NULL, body text NOT NULL);
INSERT INTO load_notes SELECT u.id, 'note ' || i FROM jwt_auth.users u, generate_series(1, 3) AS i;
CREATE INDEX ON load_notes (owner);
ALTER TABLE load_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_notes ON load_notes USING (owner = jwt_auth.uid());
GRANT SELECT ON load_notes TO :"role";

-- what each client committed, counted in the same transactions: pgbench does not count a
-- transaction the end of the run cut off, which the server may still have committed
CREATE TABLE load_counts (client int, op text, n bigint NOT NULL DEFAULT 0, PRIMARY KEY (client, op));
INSERT INTO load_counts SELECT c, op FROM generate_series(0, :clients - 1) AS c,
    unnest(ARRAY['login', 'refresh', 'authenticate', 'logout']) AS op;

-- for the checks after the run: auth_refresh's outcome without ending the transaction
CREATE FUNCTION load_try_refresh(tok text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jwt_auth.auth_refresh(tok);
    RETURN 'ok';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE;
END
$$;
ANALYZE;
