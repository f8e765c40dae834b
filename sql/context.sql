--
-- Request context: authenticate() switches the role for the transaction
-- only, its claims cannot be forged with set_config(), savepoints are
-- followed, claims() falls back to request.jwt.claims (PostgREST) unless
-- jwt_auth.trust_request_claims is off, and pre_request() refuses revoked
-- sessions. Tokens are random: only claims and booleans are printed.
--
\set SHOW_CONTEXT never
SET jwt_auth.bcrypt_cost = 4;
-- how a statement ends: ok, or its SQLSTATE and detail
CREATE FUNCTION pg_temp.sqlstate(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    d text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || d;
END
$$;
CREATE ROLE regress_jwt_web NOLOGIN;
CREATE ROLE regress_jwt_other NOLOGIN;
CREATE ROLE regress_jwt_authenticator LOGIN NOINHERIT;
GRANT regress_jwt_web TO regress_jwt_authenticator;
SELECT jwt_auth.key_generate('HS256', 'context-key') AS kid;
SELECT jwt_auth.user_create('web', 'web password', 'regress_jwt_web', '{"tenant": 7}') AS uid \gset
SELECT jwt_auth.user_create('other', 'other password', 'regress_jwt_other') IS NOT NULL AS created;
SELECT jwt_auth.auth_login('web', 'web password')->>'access_token' AS t \gset
SELECT jwt_auth.auth_login('other', 'other password')->>'access_token' AS t_other \gset

-- nothing authenticated, nothing set: no claims
SELECT jwt_auth.claims() IS NULL AS no_claims, jwt_auth.uid() IS NULL AS no_uid, jwt_auth.role() IS NULL AS no_role;

-- as the authenticator: authenticate switches to the token's role until the transaction ends
SET SESSION AUTHORIZATION regress_jwt_authenticator;
BEGIN;
SELECT jwt_auth.authenticate(:'t') ? 'sid' AS authenticated;
SELECT current_user, jwt_auth.role(), jwt_auth.uid() = :'uid' AS uid_is_the_user,
       jwt_auth.claim('tenant') AS tenant, jwt_auth.claim('missing') AS missing;
-- set_config cannot forge what authenticate verified
SELECT set_config('request.jwt.claims', '{"sub": "someone else", "role": "postgres"}', true) IS NOT NULL AS set;
SELECT jwt_auth.claim('sub') = to_jsonb(:'uid'::text) AS not_forged, jwt_auth.role();
COMMIT;
SELECT current_user, jwt_auth.claims() IS NULL AS claims_gone;
-- a rolled-back transaction leaves nothing either
BEGIN;
SELECT jwt_auth.authenticate(:'t') ? 'sid' AS authenticated;
ROLLBACK;
SELECT current_user, jwt_auth.claims() IS NULL AS claims_gone;
-- a role the session user may not become: 42501, and no role change
BEGIN;
SELECT jwt_auth.authenticate(:'t_other');
ROLLBACK;
SELECT current_user;
-- bad tokens: 28000
SELECT jwt_auth.authenticate(NULL);
SELECT jwt_auth.authenticate('not.a.token');
SELECT jwt_auth.authenticate(:'t' || 'x');
RESET SESSION AUTHORIZATION;
SELECT jwt_auth.authenticate(jwt_auth.jwt_sign('{"sub": "x", "role": 7}'::jsonb));
-- a token without a role claim is refused (it would keep the connecting role)...
BEGIN;
SELECT jwt_auth.authenticate(jwt_auth.jwt_sign('{"sub": "service"}'::jsonb)) AS claims;
ROLLBACK;
SELECT current_user;
-- ... unless jwt_auth.default_role names one
SET jwt_auth.default_role = 'regress_jwt_other';
BEGIN;
SELECT jwt_auth.authenticate(jwt_auth.jwt_sign('{"sub": "service"}'::jsonb)) AS claims;
SELECT current_user;
ROLLBACK;
RESET jwt_auth.default_role;
-- the role claim must name a role that exists
SELECT jwt_auth.authenticate(jwt_auth.jwt_sign('{"sub": "x", "role": "regress_no_such_role"}'::jsonb));
-- and never a superuser, nor a role with BYPASSRLS, CREATEROLE or REPLICATION, even for a
-- session user that may become it (here a superuser)
CREATE ROLE regress_jwt_bypass NOLOGIN BYPASSRLS;
CREATE ROLE regress_jwt_creator NOLOGIN CREATEROLE;
CREATE ROLE regress_jwt_replicator NOLOGIN REPLICATION;
SELECT r AS role, pg_temp.sqlstate(format('SELECT jwt_auth.authenticate(%L)',
           jwt_auth.jwt_sign(jsonb_build_object('sub', 'x', 'role', r)))) AS refused
  FROM unnest(ARRAY[current_user::text, 'regress_jwt_bypass', 'regress_jwt_creator',
                    'regress_jwt_replicator']) r;
SELECT current_user = session_user AS no_role_change;
SET jwt_auth.default_role = 'regress_jwt_bypass';
SELECT pg_temp.sqlstate($$SELECT jwt_auth.authenticate(jwt_auth.jwt_sign('{"sub": "x"}'::jsonb))$$)
       AS privileged_default_role_refused;
RESET jwt_auth.default_role;
-- nor can a user be given one
SELECT jwt_auth.user_create('mallory', 'mallory password', r) FROM unnest(ARRAY['regress_jwt_bypass']) r;
SELECT jwt_auth.user_create('mallory', 'mallory password', current_user::text);
DROP ROLE regress_jwt_bypass, regress_jwt_creator, regress_jwt_replicator;
-- a token with the stored key's kid but signed with another key
SELECT jwt_auth.authenticate(jwt_auth.jwt_sign('{"sub": "x"}'::jsonb, repeat('k', 32), 'HS256', '{"kid": "context-key"}'));

-- a token minted earlier in the same statement: its session is seen
BEGIN;
SELECT jwt_auth.authenticate(jwt_auth.auth_login('web', 'web password')->>'access_token') ? 'sid' AS same_statement;
ROLLBACK;

-- savepoints: a rolled-back savepoint forgets what was authenticated in it
SELECT jwt_auth.jwt_sign('{"sub": "outer", "role": "regress_jwt_web"}'::jsonb) AS t_outer,
       jwt_auth.jwt_sign('{"sub": "inner", "role": "regress_jwt_web"}'::jsonb) AS t_inner,
       jwt_auth.jwt_sign('{"sub": "kept", "role": "regress_jwt_web"}'::jsonb) AS t_kept \gset
BEGIN;
SELECT jwt_auth.authenticate(:'t_outer')->>'sub' AS sub;
SAVEPOINT s;
SELECT jwt_auth.authenticate(:'t_inner')->>'sub' AS sub;
SELECT jwt_auth.claim('sub');
ROLLBACK TO SAVEPOINT s;
SELECT jwt_auth.claim('sub');
SAVEPOINT s2;
SELECT jwt_auth.authenticate(:'t_kept')->>'sub' AS sub;
RELEASE SAVEPOINT s2;
SELECT jwt_auth.claim('sub');
COMMIT;
-- a later authenticate() replaces an earlier one's claims at its level; a
-- released savepoint's replace its parent's, a rolled-back one's go
BEGIN;
SELECT jwt_auth.authenticate(:'t_outer')->>'sub' AS sub;
SELECT jwt_auth.authenticate(:'t_kept')->>'sub' AS sub;
SELECT jwt_auth.claim('sub') AS replaced;
SAVEPOINT a;
SELECT jwt_auth.authenticate(:'t_inner')->>'sub' AS sub;
RELEASE SAVEPOINT a;
SELECT jwt_auth.claim('sub') AS released;
SAVEPOINT b;
SELECT jwt_auth.authenticate(:'t_outer')->>'sub' AS sub;
SAVEPOINT c;
SELECT jwt_auth.authenticate(:'t_kept')->>'sub' AS sub;
RELEASE SAVEPOINT c;
ROLLBACK TO SAVEPOINT b;
SELECT jwt_auth.claim('sub') AS after_rollback;
COMMIT;

-- request.jwt.claims, which any session can set, is never read by default
SHOW jwt_auth.trust_request_claims;
BEGIN;
SELECT set_config('request.jwt.claims', '{"sub": "from-postgrest"}', true) IS NOT NULL AS set;
SELECT jwt_auth.claims() IS NULL AS ignored;
ROLLBACK;
-- with trust_request_claims on (the old behaviour): read when nothing was verified, '' is none
SET jwt_auth.trust_request_claims = on;
BEGIN;
SELECT set_config('request.jwt.claims', '{"sub": "from-postgrest", "role": "anon"}', true) IS NOT NULL AS set;
SELECT jwt_auth.claim('sub'), jwt_auth.role(), jwt_auth.uid() IS NULL AS sub_is_not_a_uuid;
SELECT set_config('request.jwt.claims', '', true) IS NOT NULL AS set;
SELECT jwt_auth.claims() IS NULL AS empty_is_none;
ROLLBACK;

-- pre_request: nothing to check for anonymous requests; a live session passes;
-- a revoked one is refused
SELECT jwt_auth.pre_request();
BEGIN;
SELECT set_config('request.jwt.claims', jwt_auth.jwt_verify(:'t')::text, true) IS NOT NULL AS set;
SELECT jwt_auth.pre_request();
-- logout without a token never acts on request.jwt.claims, which any session can set
SELECT jwt_auth.auth_logout();
ROLLBACK;
-- PostgREST passes the token in request.headers: pre_request() verifies it, makes its
-- claims the request's, and logout acts on its session
BEGIN;
SELECT set_config('request.jwt.claims', '{"sub": "forged", "role": "anon"}', true) IS NOT NULL AS set,
       set_config('request.headers', jsonb_build_object('authorization', 'bearer  ' || :'t')::text, true)
           IS NOT NULL AS set_headers;
SELECT jwt_auth.pre_request();
SELECT jwt_auth.claim('sub') = to_jsonb(:'uid'::text) AS verified_claims, current_user;
SELECT jwt_auth.auth_logout();
SELECT jwt_auth.pre_request();
ROLLBACK;
-- a Bearer token that does not verify is refused; a header that is not Bearer is no token
BEGIN;
SELECT set_config('request.headers', jsonb_build_object('authorization', 'Bearer ' || :'t' || 'x')::text, true)
       IS NOT NULL AS set_headers;
SELECT jwt_auth.pre_request();
ROLLBACK;
BEGIN;
SELECT set_config('request.headers', '{"authorization": "Basic dXNlcjpwYXNz"}', true) IS NOT NULL AS set_headers;
SELECT jwt_auth.pre_request();
SELECT jwt_auth.claims() IS NULL AS no_claims;
ROLLBACK;
SELECT jwt_auth.auth_logout(NULL, 'global') FROM (SELECT jwt_auth.authenticate(:'t')) a;
BEGIN;
SELECT set_config('request.jwt.claims', jwt_auth.jwt_verify(:'t')::text, true) IS NOT NULL AS set;
SELECT jwt_auth.pre_request();
ROLLBACK;
-- a disabled user's tokens are refused at once
SELECT jwt_auth.user_set_disabled('other');
SELECT jwt_auth.authenticate(:'t_other');
-- claims of a session that does not exist, or of another user
SELECT jwt_auth.authenticate(jwt_auth.jwt_sign(jsonb_build_object('sub', :'uid', 'sid', gen_random_uuid())));
SELECT jwt_auth.authenticate(jwt_auth.jwt_sign('{"sub": "x", "sid": "not-a-uuid"}'::jsonb));

-- every reason claims no longer stand, at its boundary: pre_request() checks
-- request.jwt.claims as authenticate() checks a token's
CREATE FUNCTION pg_temp.standing(claims jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    why text;
BEGIN
    PERFORM set_config('request.jwt.claims', claims::text, true);
    PERFORM jwt_auth.pre_request();
    RETURN 'stands';
EXCEPTION WHEN SQLSTATE 'PGRST' THEN
    -- PostgREST's 401: the body in the message, the reason in its details
    GET STACKED DIAGNOSTICS why = MESSAGE_TEXT;
    RETURN why::jsonb ->> 'details';
END
$$;
SELECT jwt_auth.user_create('standing', 'standing password', 'regress_jwt_web') AS sid_user \gset
SELECT jwt_auth.jwt_verify(jwt_auth.auth_login('standing', 'standing password')->>'access_token') AS c \gset
SELECT s.id AS sid FROM jwt_auth.sessions s JOIN jwt_auth.users u ON u.id = s.user_id
 WHERE u.username = 'standing' \gset
SELECT pg_temp.standing(:'c') AS live,
       pg_temp.standing(jsonb_set(:'c', '{sid}', to_jsonb(upper(:'sid')))) AS sid_in_capitals,
       pg_temp.standing(jsonb_set(:'c', '{sid}', '7')) AS sid_a_number,
       pg_temp.standing(jsonb_set(:'c', '{sid}', to_jsonb(replace(:'sid', '-', '')))) AS sid_without_hyphens,
       pg_temp.standing(jsonb_set(:'c', '{sub}', to_jsonb(upper(:'sid_user')))) AS sub_in_capitals,
       pg_temp.standing(jsonb_set(:'c', '{sub}', to_jsonb(:'uid'::text))) AS sub_of_another_user,
       pg_temp.standing(:'c'::jsonb - 'sub') AS no_sub;
BEGIN;
UPDATE jwt_auth.sessions SET expires_at = now() WHERE id = :'sid';
SELECT pg_temp.standing(:'c') AS expiring_now;
UPDATE jwt_auth.sessions SET expires_at = now() + interval '1 microsecond' WHERE id = :'sid';
SELECT pg_temp.standing(:'c') AS expiring_a_microsecond_later;
ROLLBACK;
-- a global logout at 2030-01-01 00:00:00.5 UTC (epoch 1893456000.5) refuses
-- tokens issued before second 1893456000; iat must be a number to count
UPDATE jwt_auth.users SET logout_before = '2030-01-01 00:00:00.5+00' WHERE username = 'standing';
SELECT i AS iat, pg_temp.standing(jsonb_build_object('sub', :'sid_user', 'role', 'regress_jwt_web') || CASE WHEN i IS NULL THEN '{}' ELSE jsonb_build_object('iat', i) END)
  FROM (VALUES ('1893455999'::jsonb), ('1893455999.999999'), ('1893456000'), ('1893456000.0'),
               ('1893456001'), ('"1893456001"'), (NULL), ('1e30'), ('-1e30')) v(i);
-- the same boundary for tokens: the second authenticate() of each takes it from
-- the verified-token cache, which keeps what the check reads of its claims
CREATE FUNCTION pg_temp.authenticated(token text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    why text;
BEGIN
    PERFORM jwt_auth.authenticate(token);
    SET LOCAL ROLE NONE;
    RETURN 'stands';
EXCEPTION WHEN invalid_authorization_specification THEN
    GET STACKED DIAGNOSTICS why = PG_EXCEPTION_DETAIL;
    RETURN why;
END
$$;
-- (a logout at 2020-01-01 00:00:00.5 UTC, epoch 1577836800.5: an iat after now is refused)
UPDATE jwt_auth.users SET logout_before = '2020-01-01 00:00:00.5+00' WHERE username = 'standing';
SELECT i AS iat, pg_temp.authenticated(t) AS first, pg_temp.authenticated(t) AS from_the_cache
  FROM (SELECT i, jwt_auth.jwt_sign(jsonb_build_object('sub', :'sid_user', 'role', 'regress_jwt_web',
                                                       'exp', 4102444800, 'iat', i)) AS t
          FROM (VALUES ('1577836799'::jsonb), ('1577836799.999999'), ('1577836800'), ('1577836800.0'),
                       ('1577836801'), ('-1e30')) v(i)) s;
UPDATE jwt_auth.users SET logout_before = '2030-01-01 00:00:00.5+00' WHERE username = 'standing';
SELECT pg_temp.standing(jsonb_build_object('sub', 'service', 'role', 'regress_jwt_web', 'iat', 0)) AS sub_not_a_uuid,
       pg_temp.standing(jsonb_build_object('sub', gen_random_uuid(), 'role', 'regress_jwt_web', 'iat', 0)) AS sub_of_no_user,
       pg_temp.standing(jsonb_build_object('sub', 'service', 'iat', 0)) AS no_role;

-- claim(), uid() and role() give what claims() -> name, a uuid of a uuid-shaped
-- sub and claims() ->> 'role' give, for claims of every shape
CREATE TEMP TABLE shapes (c jsonb);
INSERT INTO shapes VALUES
  ('{"sub": "0e8c5bd5-7c4f-4a55-9e43-4a3ffd3a0e5b", "role": "web"}'),
  ('{"sub": "0E8C5BD5-7C4F-4A55-9E43-4A3FFD3A0E5B", "role": 7}'),
  ('{"sub": "{0e8c5bd5-7c4f-4a55-9e43-4a3ffd3a0e5b}", "role": true}'),
  ('{"sub": "0e8c5bd57c4f4a559e434a3ffd3a0e5b", "role": null}'),
  ('{"sub": "0e8c5bd5-7c4f-4a55-9e43-4a3ffd3a0e5", "role": ["a", {"b": 1}]}'),
  ('{"sub": 12, "role": {"name": "x"}}'),
  ('{"sub": null, "role": 1.50}'),
  ('{"role": ""}'),
  ('{}');
SELECT c,
       jwt_auth.uid() AS uid,
       jwt_auth.uid() IS NOT DISTINCT FROM
           CASE WHEN c ->> 'sub' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
                THEN (c ->> 'sub')::uuid END AS uid_as_sql,
       jwt_auth.role() AS role,
       jwt_auth.role() IS NOT DISTINCT FROM c ->> 'role' AS role_as_sql,
       jwt_auth.claim('role') IS NOT DISTINCT FROM c -> 'role' AS claim_as_sql,
       jwt_auth.claim('missing') IS NULL AND jwt_auth.claim(NULL) IS NULL AS absent_claims
  FROM shapes, LATERAL (SELECT set_config('request.jwt.claims', c::text, true)) s;
DROP TABLE shapes;

TRUNCATE jwt_auth.users CASCADE;
TRUNCATE jwt_auth.keys;
DROP ROLE regress_jwt_authenticator;
DROP ROLE regress_jwt_web;
DROP ROLE regress_jwt_other;
