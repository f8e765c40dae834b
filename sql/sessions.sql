--
-- Sessions: refresh rotation, the reuse interval and reuse detection,
-- what cannot refresh (disabled, deleted, revoked, expired, too old), the
-- three logout scopes, and purge_expired(). Tokens are random: only
-- booleans and counts are printed.
--
\set SHOW_CONTEXT never
SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.key_generate('HS256', 'sessions-key') AS kid;
CREATE ROLE regress_jwt_sessions NOLOGIN;
SELECT jwt_auth.user_create('walker', 'a long walk home', 'regress_jwt_sessions') IS NOT NULL AS created;
SELECT jwt_auth.user_create('runner', 'a short run home', 'regress_jwt_sessions') IS NOT NULL AS created;

-- rotation: a new pair; the old token is marked used, the new one is its child
SELECT jwt_auth.auth_login('walker', 'a long walk home') AS a \gset
SELECT jwt_auth.auth_refresh(:'a'::jsonb->>'refresh_token') AS b \gset
SELECT :'b'::jsonb ? 'access_token' AND :'b'::jsonb ? 'refresh_token' AS new_pair,
       :'b'::jsonb->>'refresh_token' <> :'a'::jsonb->>'refresh_token' AS new_refresh_token,
       jwt_auth.jwt_verify(:'b'::jsonb->>'access_token')->>'sid' =
       jwt_auth.jwt_verify(:'a'::jsonb->>'access_token')->>'sid' AS same_session;
SELECT count(*) AS tokens, count(used_at) AS used, count(parent_id) AS children
  FROM jwt_auth.refresh_tokens;

-- a used token within refresh_reuse_interval: a fresh access token and the same child
-- refresh token, again and again: never a second chain
SELECT jwt_auth.auth_refresh(:'a'::jsonb->>'refresh_token') AS a2 \gset
SELECT jwt_auth.auth_refresh(:'a'::jsonb->>'refresh_token') AS a3 \gset
SELECT :'a2'::jsonb ? 'access_token' AS within_interval,
       :'a2'::jsonb->>'refresh_token' = :'b'::jsonb->>'refresh_token' AS same_child,
       :'a3'::jsonb->>'refresh_token' = :'b'::jsonb->>'refresh_token' AS same_child_again,
       :'a2'::jsonb->>'access_token' <> :'b'::jsonb->>'access_token' AS fresh_access_token;
SELECT count(*) AS tokens, count(used_at) AS used, count(parent_id) AS children
  FROM jwt_auth.refresh_tokens;
-- the child is not derivable without the session's key: another session's key gives another token
SELECT (jwt_auth._refresh_token_child(:'a'::jsonb->>'refresh_token', jwt_auth._session_key())).token
       <> :'b'::jsonb->>'refresh_token' AS keyed_by_the_session;

-- after the interval: reuse detection revokes the session, and that outlives the error
SET jwt_auth.refresh_reuse_interval = 0;
SELECT pg_sleep(0.01);
SELECT jwt_auth.auth_refresh(:'a'::jsonb->>'refresh_token');
SELECT revoked_reason FROM jwt_auth.sessions;
-- every token of the session is refused now, access tokens included
SELECT jwt_auth.auth_refresh(:'b'::jsonb->>'refresh_token');
SELECT jwt_auth.authenticate(:'b'::jsonb->>'access_token');
RESET jwt_auth.refresh_reuse_interval;

-- what cannot refresh
SELECT jwt_auth.auth_refresh('not a refresh token');
SELECT jwt_auth.auth_refresh(NULL);
-- disabling ends the user's sessions for good: enabling again revives neither token
SELECT jwt_auth.auth_login('walker', 'a long walk home') AS r \gset
SELECT jwt_auth.user_set_disabled('walker');
SELECT jwt_auth.auth_refresh(:'r'::jsonb->>'refresh_token');
SELECT jwt_auth.authenticate(:'r'::jsonb->>'access_token');
SELECT jwt_auth.user_set_disabled('walker', false);
SELECT jwt_auth.auth_refresh(:'r'::jsonb->>'refresh_token');
SELECT jwt_auth.authenticate(:'r'::jsonb->>'access_token');
SELECT s.revoked_reason FROM jwt_auth.sessions s
 WHERE s.id::text = (jwt_auth.jwt_decode(:'r'::jsonb->>'access_token')).payload->>'sid';
SELECT jwt_auth.auth_login('runner', 'a short run home') AS r \gset
UPDATE jwt_auth.refresh_tokens SET expires_at = now() - interval '1 second'
 WHERE token_hash = sha256(convert_to(:'r'::jsonb->>'refresh_token', 'UTF8'));
SELECT jwt_auth.auth_refresh(:'r'::jsonb->>'refresh_token');
SELECT jwt_auth.auth_login('runner', 'a short run home') AS r \gset
UPDATE jwt_auth.sessions SET expires_at = now() - interval '1 second'
 WHERE id = (jwt_auth.jwt_verify(:'r'::jsonb->>'access_token')->>'sid')::uuid;
SELECT jwt_auth.auth_refresh(:'r'::jsonb->>'refresh_token');
-- session_max_lifetime is fixed at login
SET jwt_auth.session_max_lifetime = '1h';
SELECT jwt_auth.auth_login('runner', 'a short run home') AS r \gset
SELECT expires_at - created_at AS session_lifetime FROM jwt_auth.sessions
 WHERE id = (jwt_auth.jwt_verify(:'r'::jsonb->>'access_token')->>'sid')::uuid;
RESET jwt_auth.session_max_lifetime;

-- a refresh whose transaction does not commit (PostgREST's Prefer: tx=rollback, a
-- ROLLBACK, a ROLLBACK TO SAVEPOINT) leaves an access token that never verifies, and
-- its refresh token unused: it still rotates exactly once, and its reuse is still detected
SELECT jwt_auth.auth_login('runner', 'a short run home') AS g \gset
BEGIN;
SELECT jwt_auth.auth_refresh(:'g'::jsonb->>'refresh_token') AS g_rolled_back \gset
ROLLBACK;
SELECT jwt_auth.authenticate(:'g_rolled_back'::jsonb->>'access_token');
BEGIN;
SAVEPOINT s;
SELECT jwt_auth.auth_refresh(:'g'::jsonb->>'refresh_token') AS g_to_savepoint \gset
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT jwt_auth.authenticate(:'g_to_savepoint'::jsonb->>'access_token');
SELECT count(used_at) AS used FROM jwt_auth.refresh_tokens
 WHERE token_hash = sha256(convert_to(:'g'::jsonb->>'refresh_token', 'UTF8'));
SELECT jwt_auth.auth_refresh(:'g'::jsonb->>'refresh_token') AS g2 \gset
BEGIN;
SELECT jwt_auth.authenticate(:'g2'::jsonb->>'access_token') ? 'gen' AS committed_refresh_works;
ROLLBACK;
-- the login's token (the previous generation) still works; two refreshes on, it does not
BEGIN;
SELECT jwt_auth.authenticate(:'g'::jsonb->>'access_token') ? 'gen' AS previous_generation_works;
ROLLBACK;
SELECT jwt_auth.auth_refresh(:'g2'::jsonb->>'refresh_token') AS g3 \gset
SELECT jwt_auth.authenticate(:'g'::jsonb->>'access_token');
SET jwt_auth.refresh_reuse_interval = 0;
SELECT jwt_auth.auth_refresh(:'g'::jsonb->>'refresh_token');
RESET jwt_auth.refresh_reuse_interval;
SELECT jwt_auth.authenticate(:'g3'::jsonb->>'access_token');
-- a login whose transaction rolls back leaves a token of a session that never existed
BEGIN;
SELECT jwt_auth.auth_login('runner', 'a short run home') AS l_rolled_back \gset
ROLLBACK;
SELECT jwt_auth.authenticate(:'l_rolled_back'::jsonb->>'access_token');
SELECT jwt_auth.auth_refresh(:'l_rolled_back'::jsonb->>'refresh_token');

-- logout: local revokes this session only; twice is no error
SELECT jwt_auth.auth_login('runner', 'a short run home') AS s1 \gset
SELECT jwt_auth.auth_login('runner', 'a short run home') AS s2 \gset
SELECT jwt_auth.auth_login('runner', 'a short run home') AS s3 \gset
SELECT jwt_auth.auth_logout(:'s1'::jsonb->>'refresh_token');
SELECT jwt_auth.auth_logout(:'s1'::jsonb->>'refresh_token');
SELECT jwt_auth.auth_refresh(:'s1'::jsonb->>'refresh_token');
SELECT jwt_auth.auth_refresh(:'s2'::jsonb->>'refresh_token') AS s2 \gset
-- a revoked session cannot log out the others
SELECT jwt_auth.auth_logout(:'s1'::jsonb->>'refresh_token', 'global');
-- others: every other session of the user, not this one
SELECT jwt_auth.auth_logout(:'s2'::jsonb->>'refresh_token', 'others');
SELECT jwt_auth.auth_refresh(:'s3'::jsonb->>'refresh_token');
SELECT jwt_auth.auth_refresh(:'s2'::jsonb->>'refresh_token') ? 'access_token' AS this_session_stays;
-- bad scopes and tokens
SELECT jwt_auth.auth_logout(:'s2'::jsonb->>'refresh_token', 'everywhere');
SELECT jwt_auth.auth_logout(:'s2'::jsonb->>'refresh_token', NULL);
SELECT jwt_auth.auth_logout('not a refresh token');
SELECT jwt_auth.auth_logout();
-- global: every session, and every access token issued before it, even
-- one signed by hand without a session
SELECT jwt_auth.auth_login('runner', 'a short run home') AS s4 \gset
SELECT jwt_auth.jwt_sign(jsonb_build_object('sub', id, 'role', 'regress_jwt_sessions',
                                           'iat', floor(extract(epoch FROM now())) - 10))
  AS handmade FROM jwt_auth.users WHERE username = 'runner' \gset
BEGIN;
SELECT jwt_auth.authenticate(:'handmade') ? 'sub' AS handmade_accepted;
COMMIT;
SELECT jwt_auth.auth_logout(:'s4'::jsonb->>'refresh_token', 'global');
SELECT count(*) FILTER (WHERE revoked_at IS NULL) AS live_sessions_of_runner
  FROM jwt_auth.sessions s JOIN jwt_auth.users u ON u.id = s.user_id WHERE u.username = 'runner';
SELECT jwt_auth.authenticate(:'s4'::jsonb->>'access_token');
SELECT jwt_auth.authenticate(:'handmade');
SELECT revoked_reason, count(*) FROM jwt_auth.sessions GROUP BY 1 ORDER BY 1;
-- a new login after it works
SELECT pg_sleep(1.1);
SELECT jwt_auth.auth_login('runner', 'a short run home') AS s5 \gset
BEGIN;
SELECT jwt_auth.authenticate(:'s5'::jsonb->>'access_token') ? 'sid' AS new_login_works;
COMMIT;

-- purge_expired: revoked and expired sessions go, with their tokens; live ones stay
SELECT count(*) AS sessions, count(*) FILTER (WHERE revoked_at IS NULL AND expires_at > now()) AS live
  FROM jwt_auth.sessions;
SELECT jwt_auth.purge_expired() > 0 AS purged;
SELECT count(*) AS sessions, count(*) FILTER (WHERE revoked_at IS NULL AND expires_at > now()) AS live
  FROM jwt_auth.sessions;
SELECT count(*) AS orphan_tokens FROM jwt_auth.refresh_tokens t
 WHERE NOT EXISTS (SELECT FROM jwt_auth.sessions s WHERE s.id = t.session_id);
SELECT jwt_auth.purge_expired() AS purged_again;

TRUNCATE jwt_auth.users CASCADE;
TRUNCATE jwt_auth.keys;
DROP ROLE regress_jwt_sessions;
