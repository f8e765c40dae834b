-- What PostgREST runs for each request of examples/postgrest/, replayed by test/postgrest/run as
-- authenticator, one transaction per request:
--
--   BEGIN; SET LOCAL ROLE <anon | the token's role>;
--   SELECT set_config('request.jwt.claims', <claims>, true);   -- {"role":"anon"} without a token
--   SELECT set_config('request.headers', <headers>, true);      -- with the Authorization header
--   SELECT jwt_auth.pre_request();                              -- db-pre-request
--   <the request's query>; COMMIT;
--
-- A token's claims are the ones check_token.py verified with PyJWT against the secret exported
-- as the README says, as PostgREST would have. A request expected to fail runs its query through
-- pg_temp.sqlstate(), which says how it ended. Prints TAP lines without numbers (run numbers
-- them); query results go to /dev/null, and no token or password is ever printed.
\set ON_ERROR_STOP 1
\set VERBOSITY terse
\o /dev/null
\getenv dir REPLAY_DIR
\getenv pw1 REPLAY_PASSWORD_1
\getenv pw2 REPLAY_PASSWORD_2
\set user1 'a-new-user@example.test'
\set user2 'another-user@example.test'
\set anon '{"role":"anon"}'
\set check '/usr/bin/python3 test/postgrest/check_token.py'

\ir ../tap.sql
-- how PostgREST answers a refused request: pre_request() raises SQLSTATE PGRST, whose detail
-- PostgREST turns into the HTTP status and headers; any other error is shown by its SQLSTATE
CREATE FUNCTION pg_temp.http_answer(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    d text;
BEGIN
    EXECUTE query;
    RETURN 'ok';
EXCEPTION
    WHEN SQLSTATE 'PGRST' THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RETURN (d::jsonb ->> 'status') || ' ' || (d::jsonb -> 'headers' ->> 'WWW-Authenticate');
    WHEN OTHERS THEN
        RETURN SQLSTATE;
END
$$;

-- POST /rpc/login without a token: anon
BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT api.login(:'user1', :'pw1') AS login1 \gset
COMMIT;
SELECT pg_temp.tap(:'login1'::jsonb ?& ARRAY['access_token', 'refresh_token']
                   AND :'login1'::jsonb ->> 'token_type' = 'bearer',
                   'anon calls api.login and gets an access token and a refresh token') AS line \gset
\echo :line
SELECT :'login1'::jsonb ->> 'access_token' AS access1, :'login1'::jsonb ->> 'refresh_token' AS refresh1 \gset

BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.sqlstate(format('SELECT api.login(%L, %L)', :'user1', 'not the password')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '28P01', 'a wrong password fails api.login with 28P01 (' || :'state' || ')') AS line \gset
\echo :line

-- GET /todos and POST /rpc/logout without a token
BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.sqlstate('SELECT * FROM api.todos') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '42501', 'anon cannot read api.todos (' || :'state' || ')') AS line \gset
\echo :line
BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.sqlstate('SELECT api.logout()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '42501', 'anon cannot call api.logout (' || :'state' || ')') AS line \gset
\echo :line

-- PostgREST's side: would it take the token, and with which claims?
\setenv JWT_TOKEN :access1
\set out `:check 'login token' :'dir'/jwks.json :'dir'/claims.json`
\setenv JWT_TOKEN
\echo :out
\set claims1 `cat :'dir'/claims.json`
SELECT :'claims1'::jsonb ->> 'role' AS role1, :'claims1'::jsonb ->> 'sub' AS sub1 \gset
SELECT pg_temp.tap(CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = :'role1')
                        THEN pg_has_role(current_user, :'role1', 'MEMBER') ELSE false END,
                   'the role claim names an existing role that authenticator may switch to') AS line \gset
\echo :line

-- POST /todos as the user
BEGIN; SET LOCAL ROLE :"role1"; SELECT set_config('request.jwt.claims', :'claims1', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true);
SELECT jwt_auth.pre_request();
INSERT INTO api.todos (task) VALUES ('water the plants') RETURNING owner::text AS owner1 \gset
COMMIT;
SELECT pg_temp.tap(:'owner1' = :'sub1', 'a user''s new todo gets the token''s sub as owner') AS line \gset
\echo :line

-- another user logs in twice (two sessions) and adds a todo from the first
BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT api.login(:'user2', :'pw2') ->> 'access_token' AS access2a \gset
COMMIT;
BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT api.login(:'user2', :'pw2') ->> 'access_token' AS access2b \gset
COMMIT;
\setenv JWT_TOKEN :access2a
\set out `:check 'another user, first session' :'dir'/jwks.json :'dir'/claims.json --brief`
\setenv JWT_TOKEN
\echo :out
\set claims2a `cat :'dir'/claims.json`
\setenv JWT_TOKEN :access2b
\set out `:check 'another user, second session' :'dir'/jwks.json :'dir'/claims.json --brief`
\setenv JWT_TOKEN
\echo :out
\set claims2b `cat :'dir'/claims.json`
SELECT :'claims2a'::jsonb ->> 'role' AS role2, :'claims2a'::jsonb ->> 'sub' AS sub2 \gset
BEGIN; SET LOCAL ROLE :"role2"; SELECT set_config('request.jwt.claims', :'claims2a', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2a')::text, true);
SELECT jwt_auth.pre_request();
INSERT INTO api.todos (task) VALUES ('feed the cat');
COMMIT;

-- GET /todos, PATCH /todos?owner=eq.<theirs>, POST /todos {"owner": <theirs>} as the first user
BEGIN; SET LOCAL ROLE :"role1"; SELECT set_config('request.jwt.claims', :'claims1', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true);
SELECT jwt_auth.pre_request();
SELECT count(*) AS seen, count(*) FILTER (WHERE owner::text = :'sub1') AS own FROM api.todos \gset
COMMIT;
SELECT pg_temp.tap(:seen = 1 AND :own = 1, 'row-level security shows the user their own todo and not another user''s') AS line \gset
\echo :line
BEGIN; SET LOCAL ROLE :"role1"; SELECT set_config('request.jwt.claims', :'claims1', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true);
SELECT jwt_auth.pre_request();
WITH changed AS (UPDATE api.todos SET task = 'changed' WHERE owner::text = :'sub2' RETURNING 1)
SELECT count(*) AS changed FROM changed \gset
COMMIT;
SELECT pg_temp.tap(:changed = 0, 'another user''s todo cannot be changed') AS line \gset
\echo :line
BEGIN; SET LOCAL ROLE :"role1"; SELECT set_config('request.jwt.claims', :'claims1', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.sqlstate(format('INSERT INTO api.todos (owner, task) VALUES (%L, %L)', :'sub2', 'x')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '42501', 'a todo for another user is refused (' || :'state' || ')') AS line \gset
\echo :line

-- POST /rpc/refresh with Prefer: tx=rollback (db-tx-end = commit-allow-override): PostgREST
-- answers with the function's result, then rolls the transaction back. What the client got
-- must be worthless: its access token is refused, and the refresh token was not used up.
BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT api.refresh(:'refresh1') AS rolled_back \gset
ROLLBACK;
SELECT :'rolled_back'::jsonb ->> 'access_token' AS access_rb \gset
BEGIN; SET LOCAL ROLE :"role1"; SELECT set_config('request.jwt.claims', :'claims1', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access_rb')::text, true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"',
                   'an access token from a refresh under Prefer: tx=rollback gets 401 (' || :'state' || ')') AS line \gset
\echo :line
-- the refresh token still rotates, exactly once (below), and a second use is still detected

-- POST /rpc/refresh without a token
BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT api.refresh(:'refresh1') AS login1r \gset
COMMIT;
SELECT :'login1r'::jsonb ->> 'access_token' AS access1r, :'login1r'::jsonb ->> 'refresh_token' AS refresh1r \gset
SELECT pg_temp.tap(:'access1r' <> :'access1' AND :'refresh1r' <> :'refresh1',
                   'anon calls api.refresh and gets a new access token and a new refresh token') AS line \gset
\echo :line
\setenv JWT_TOKEN :access1r
\set out `:check 'refreshed token' :'dir'/jwks.json :'dir'/claims.json --brief`
\setenv JWT_TOKEN
\echo :out
\set claims1r `cat :'dir'/claims.json`
SELECT pg_temp.tap(:'claims1r'::jsonb -> 'sid' = :'claims1'::jsonb -> 'sid'
                   AND :'claims1r'::jsonb -> 'sub' = :'claims1'::jsonb -> 'sub'
                   AND :'claims1r'::jsonb -> 'jti' <> :'claims1'::jsonb -> 'jti',
                   'the refreshed token has the same sub and sid and a new jti') AS line \gset
\echo :line

-- POST /rpc/logout with the refreshed token; then both tokens of that session, and its refresh token
BEGIN; SET LOCAL ROLE :"role1"; SELECT set_config('request.jwt.claims', :'claims1r', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1r')::text, true);
SELECT jwt_auth.pre_request();
SELECT api.logout();
COMMIT;
BEGIN; SET LOCAL ROLE :"role1"; SELECT set_config('request.jwt.claims', :'claims1r', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1r')::text, true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"', 'after api.logout() the same token is refused by pre_request: HTTP 401, WWW-Authenticate: Bearer error="invalid_token" (' || :'state' || ')') AS line \gset
\echo :line
BEGIN; SET LOCAL ROLE :"role1"; SELECT set_config('request.jwt.claims', :'claims1', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"', 'the session''s earlier access token gets 401 too (' || :'state' || ')') AS line \gset
\echo :line
BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.sqlstate(format('SELECT api.refresh(%L)', :'refresh1r')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '28000', 'the logged-out session''s refresh token fails api.refresh (' || :'state' || ')') AS line \gset
\echo :line

-- POST /rpc/logout {"scope": "global"} from the other user's first session
BEGIN; SET LOCAL ROLE :"role2"; SELECT set_config('request.jwt.claims', :'claims2b', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2b')::text, true);
SELECT pg_temp.sqlstate('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '00000', 'the other user''s second session passes pre_request before the global logout') AS line \gset
\echo :line
BEGIN; SET LOCAL ROLE :"role2"; SELECT set_config('request.jwt.claims', :'claims2a', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2a')::text, true);
SELECT jwt_auth.pre_request();
SELECT api.logout('global');
COMMIT;
BEGIN; SET LOCAL ROLE :"role2"; SELECT set_config('request.jwt.claims', :'claims2b', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2b')::text, true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"', 'after a global logout the user''s other session gets 401 (' || :'state' || ')') AS line \gset
\echo :line

-- a new login after the global logout works, and finds the user's todo
BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', :'anon', true);
SELECT jwt_auth.pre_request();
SELECT api.login(:'user2', :'pw2') ->> 'access_token' AS access2c \gset
COMMIT;
\setenv JWT_TOKEN :access2c
\set out `:check 'another user, after the global logout' :'dir'/jwks.json :'dir'/claims.json --brief`
\setenv JWT_TOKEN
\echo :out
\set claims2c `cat :'dir'/claims.json`
BEGIN; SET LOCAL ROLE :"role2"; SELECT set_config('request.jwt.claims', :'claims2c', true);
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2c')::text, true);
SELECT pg_temp.sqlstate('SELECT jwt_auth.pre_request()') AS state \gset
SELECT count(*) AS seen FROM api.todos WHERE task = 'feed the cat' \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '00000' AND :seen = 1,
                   'a login after the global logout passes pre_request and sees the user''s todo') AS line \gset
\echo :line
