-- Grow the tables to :users users and :sessions sessions, one refresh token each, from
-- :users_from and :sessions_from: one INSERT ... SELECT generate_series per table, straight
-- into jwt_auth.users, sessions and refresh_tokens as their owner. Half the new sessions (and
-- their tokens) expired a day ago, as a table that purge_expired() has not yet run over holds;
-- the live half expires in 30 days. Foreign-key triggers are skipped
-- (session_replication_role = replica): every row made here refers to one made before it.
SET client_min_messages = warning;
SET session_replication_role = replica;
WITH u AS (
    INSERT INTO jwt_auth.users (username, password_hash, role)
    SELECT 'cu' || i, (SELECT password_hash FROM jwt_auth.users WHERE username = 'cu1'), 'curve_user'
      FROM generate_series(:users_from + 1, :users) AS i
    RETURNING id, username)
INSERT INTO curve_uid SELECT substr(username, 3)::int, id FROM u;
WITH s AS (
    INSERT INTO jwt_auth.sessions (user_id, expires_at)
    SELECT c.id, CASE WHEN i % 2 = 0 THEN now() + interval '30 days' ELSE now() - interval '1 day' END
      FROM generate_series(:sessions_from + 1, :sessions) AS i
      JOIN curve_uid c ON c.n = 1 + i % :users
    RETURNING id, expires_at)
INSERT INTO jwt_auth.refresh_tokens (session_id, token_hash, expires_at)
SELECT id, sha256(convert_to(id::text, 'UTF8')), expires_at FROM s;
RESET session_replication_role;
ANALYZE jwt_auth.users, jwt_auth.sessions, jwt_auth.refresh_tokens, curve_uid;
\pset format unaligned
\pset tuples_only on
SELECT format('curve.size.%s.sessions_rows|%s', :sessions, (SELECT count(*) FROM jwt_auth.sessions));
SELECT format('curve.size.%s.users_rows|%s', :sessions, (SELECT count(*) FROM jwt_auth.users));
SELECT format('curve.size.%s.bytes|%s', :sessions,
              pg_total_relation_size('jwt_auth.sessions') + pg_total_relation_size('jwt_auth.refresh_tokens')
              + pg_total_relation_size('jwt_auth.users'));
