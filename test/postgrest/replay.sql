-- What PostgREST v16 runs for each request of examples/postgrest/, replayed by test/postgrest/run
-- as authenticator, one transaction per request, in PostgREST's order and shape:
--
--   BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;             -- GET and HEAD (else READ WRITE)
--   SELECT set_config('search_path', …, true), set_config('role', <anon | the token's role>, true),
--          set_config('request.jwt.claims', <claims>, true),    -- {"role":"anon"} without a token
--          set_config('request.method', …, true), set_config('request.path', …, true),
--          set_config('request.headers', <headers>, true),      -- with the Authorization header
--          set_config('request.cookies', <cookies>, true);
--   SELECT jwt_auth.pre_request();                              -- db-pre-request
--   <the request's query>; COMMIT;
--
-- A token's claims are the ones check_token.py verified with PyJWT against the JWK set
-- postgrest_config() gives, as PostgREST would have. A request expected to fail runs its query
-- through pg_temp.outcome(), which says how it ended: its SQLSTATE and the HTTP status PostgREST
-- answers with (pg_temp.http_status_of). Prints TAP lines without numbers (run numbers them);
-- query results go to /dev/null, and no token or password is ever printed.
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
-- the HTTP status PostgREST answers an error with (its SQLSTATE mapping; PGRST carries its own)
CREATE FUNCTION pg_temp.http_status_of(sqlstate text, detail text, anonymous boolean) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN sqlstate = '00000' THEN 200
        WHEN sqlstate = 'PGRST' THEN (detail::jsonb ->> 'status')::int
        WHEN sqlstate = '42501' THEN CASE WHEN anonymous THEN 401 ELSE 403 END
        WHEN sqlstate IN ('23503', '23505') THEN 409
        WHEN sqlstate = '25006' THEN 405
        WHEN sqlstate IN ('42883', '42P01') THEN 404
        WHEN sqlstate = 'P0001' THEN 400
        WHEN left(sqlstate, 2) IN ('28', '0L', '0P') THEN 403
        WHEN left(sqlstate, 2) IN ('08', '53') THEN 503
        WHEN left(sqlstate, 2) IN ('09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58',
                                   'F0', 'HV', 'P0', 'XX') THEN 500
        ELSE 400 END
$$;
-- how a request's statement ends, as SQLSTATE/HTTP status: '00000/200', '28P01/403', ...
CREATE FUNCTION pg_temp.outcome(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text := '00000';
    detail text;
BEGIN
    BEGIN
        EXECUTE query;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
    END;
    RETURN state || '/' || pg_temp.http_status_of(state, detail, current_user = 'anon');
END
$$;
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
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/login', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT api.login(:'user1', :'pw1') AS login1 \gset
COMMIT;
SELECT pg_temp.tap(:'login1'::jsonb ?& ARRAY['access_token', 'refresh_token']
                   AND :'login1'::jsonb ->> 'token_type' = 'bearer',
                   'anon calls api.login and gets an access token and a refresh token') AS line \gset
\echo :line
SELECT :'login1'::jsonb ->> 'access_token' AS access1, :'login1'::jsonb ->> 'refresh_token' AS refresh1 \gset

BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/login', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT api.login(%L, %L)', :'user1', 'not the password')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '28P01/403', 'a wrong password fails api.login: 28P01, HTTP 403 (' || :'state' || ')') AS line \gset
\echo :line

-- GET /todos and POST /rpc/logout without a token
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome('SELECT * FROM api.todos') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '42501/401', 'anon cannot read api.todos: 42501, HTTP 401 (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/logout', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome('SELECT api.logout()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '42501/401', 'anon cannot call api.logout: 42501, HTTP 401 (' || :'state' || ')') AS line \gset
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
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role1', true),
       set_config('request.jwt.claims', :'claims1', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
INSERT INTO api.todos (task) VALUES ('water the plants') RETURNING owner::text AS owner1 \gset
COMMIT;
SELECT pg_temp.tap(:'owner1' = :'sub1', 'a user''s new todo gets the token''s sub as owner') AS line \gset
\echo :line

-- another user logs in twice (two sessions) and adds a todo from the first
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/login', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT api.login(:'user2', :'pw2') ->> 'access_token' AS access2a \gset
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/login', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
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
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role2', true),
       set_config('request.jwt.claims', :'claims2a', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2a')::text, true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
INSERT INTO api.todos (task) VALUES ('feed the cat');
COMMIT;

-- GET /todos, PATCH /todos?owner=eq.<theirs>, POST /todos {"owner": <theirs>} as the first user
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role1', true),
       set_config('request.jwt.claims', :'claims1', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT count(*) AS seen, count(*) FILTER (WHERE owner::text = :'sub1') AS own FROM api.todos \gset
COMMIT;
SELECT pg_temp.tap(:seen = 1 AND :own = 1, 'row-level security shows the user their own todo and not another user''s') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role1', true),
       set_config('request.jwt.claims', :'claims1', true), set_config('request.method', 'PATCH', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
WITH changed AS (UPDATE api.todos SET task = 'changed' WHERE owner::text = :'sub2' RETURNING 1)
SELECT count(*) AS changed FROM changed \gset
COMMIT;
SELECT pg_temp.tap(:changed = 0, 'another user''s todo cannot be changed') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role1', true),
       set_config('request.jwt.claims', :'claims1', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('INSERT INTO api.todos (owner, task) VALUES (%L, %L)', :'sub2', 'x')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '42501/403', 'a todo for another user is refused: 42501, HTTP 403 (' || :'state' || ')') AS line \gset
\echo :line

-- POST /rpc/refresh with Prefer: tx=rollback (db-tx-end = commit-allow-override): PostgREST
-- answers with the function's result, then rolls the transaction back. What the client got
-- must be worthless: its access token is refused, and the refresh token was not used up.
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/refresh', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT api.refresh(:'refresh1') AS rolled_back \gset
ROLLBACK;
SELECT :'rolled_back'::jsonb ->> 'access_token' AS access_rb \gset
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role1', true),
       set_config('request.jwt.claims', :'claims1', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access_rb')::text, true),
       set_config('request.cookies', '{}', true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"',
                   'an access token from a refresh under Prefer: tx=rollback gets 401 (' || :'state' || ')') AS line \gset
\echo :line
-- the refresh token still rotates, exactly once (below), and a second use is still detected

-- POST /rpc/refresh without a token
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/refresh', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
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
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role1', true),
       set_config('request.jwt.claims', :'claims1r', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/logout', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1r')::text, true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT api.logout();
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role1', true),
       set_config('request.jwt.claims', :'claims1r', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1r')::text, true),
       set_config('request.cookies', '{}', true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"', 'after api.logout() the same token is refused by pre_request: HTTP 401, WWW-Authenticate: Bearer error="invalid_token" (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role1', true),
       set_config('request.jwt.claims', :'claims1', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access1')::text, true),
       set_config('request.cookies', '{}', true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"', 'the session''s earlier access token gets 401 too (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/refresh', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT api.refresh(%L)', :'refresh1r')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '28000/403', 'the logged-out session''s refresh token fails api.refresh: 28000, HTTP 403 (' || :'state' || ')') AS line \gset
\echo :line

-- POST /rpc/logout {"scope": "global"} from the other user's first session
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role2', true),
       set_config('request.jwt.claims', :'claims2b', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2b')::text, true),
       set_config('request.cookies', '{}', true);
SELECT pg_temp.outcome('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '00000/200', 'the other user''s second session passes pre_request before the global logout (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role2', true),
       set_config('request.jwt.claims', :'claims2a', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/logout', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2a')::text, true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT api.logout('global');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role2', true),
       set_config('request.jwt.claims', :'claims2b', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2b')::text, true),
       set_config('request.cookies', '{}', true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"', 'after a global logout the user''s other session gets 401 (' || :'state' || ')') AS line \gset
\echo :line

-- a new login after the global logout works, and finds the user's todo
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/login', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT api.login(:'user2', :'pw2') ->> 'access_token' AS access2c \gset
COMMIT;
\setenv JWT_TOKEN :access2c
\set out `:check 'another user, after the global logout' :'dir'/jwks.json :'dir'/claims.json --brief`
\setenv JWT_TOKEN
\echo :out
\set claims2c `cat :'dir'/claims.json`
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role2', true),
       set_config('request.jwt.claims', :'claims2c', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'access2c')::text, true),
       set_config('request.cookies', '{}', true);
SELECT pg_temp.outcome('SELECT jwt_auth.pre_request()') AS state \gset
SELECT count(*) AS seen FROM api.todos WHERE task = 'feed the cat' \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '00000/200' AND :seen = 1,
                   'a login after the global logout passes pre_request and sees the user''s todo') AS line \gset
\echo :line

-- Cookie mode: a browser. PostgREST reads no cookie: it sees no Authorization header, runs the
-- request as anon and passes the cookies in request.cookies; pre_request() verifies the access
-- cookie and switches to its role. A request other than GET, HEAD or OPTIONS needs X-CSRF-Token.
-- POST /rpc/login {"username": …, "password": …, "cookie": true}
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/login', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT api.login(:'user1', :'pw1', true) AS cbody \gset
SELECT current_setting('response.headers') AS cheaders \gset
COMMIT;
SELECT pg_temp.tap(NOT (:'cbody'::jsonb ?| ARRAY['access_token', 'refresh_token'])
                   AND :'cbody'::jsonb ->> 'token_type' = 'cookie' AND :'cbody'::jsonb ? 'csrf_token',
                   'a cookie login''s body holds no token, only its CSRF token') AS line \gset
\echo :line
-- the three Set-Cookie headers, each as name, value and attributes
CREATE TEMP TABLE cookie_set AS
SELECT split_part(h ->> 'Set-Cookie', '=', 1) AS name,
       split_part(split_part(h ->> 'Set-Cookie', ';', 1), '=', 2) AS value,
       h ->> 'Set-Cookie' AS line
  FROM jsonb_array_elements(:'cheaders'::jsonb) h;
SELECT pg_temp.tap((SELECT count(*) FROM cookie_set) = 3
                   AND (SELECT line ~ '; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Lax$' FROM cookie_set
                         WHERE name = '__Host-jwt_auth_access')
                   AND (SELECT line ~ '; Path=/rpc/refresh; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$' FROM cookie_set
                         WHERE name = '__Secure-jwt_auth_refresh')
                   AND (SELECT line ~ '; Path=/; Max-Age=\d+; Secure; SameSite=Lax$' AND line !~ 'HttpOnly'
                          AND value = :'cbody'::jsonb ->> 'csrf_token' FROM cookie_set
                         WHERE name = '__Host-jwt_auth_csrf'),
                   'it sets the access cookie (HttpOnly, Secure, SameSite=Lax, the token''s lifetime), the refresh cookie (HttpOnly, the refresh path only) and a CSRF cookie a page can read') AS line \gset
\echo :line
SELECT (SELECT value FROM cookie_set WHERE name = '__Host-jwt_auth_access') AS caccess,
       (SELECT value FROM cookie_set WHERE name = '__Secure-jwt_auth_refresh') AS crefresh,
       :'cbody'::jsonb ->> 'csrf_token' AS ccsrf \gset
-- what the browser sends back: the access and CSRF cookies everywhere, the refresh cookie to /rpc/refresh
SELECT json_build_object('__Host-jwt_auth_access', :'caccess', '__Host-jwt_auth_csrf', :'ccsrf')::text AS jar \gset
SELECT json_build_object('__Host-jwt_auth_access', :'caccess', '__Host-jwt_auth_csrf', :'ccsrf',
                         '__Secure-jwt_auth_refresh', :'crefresh')::text AS jar_refresh \gset

-- GET /todos with the cookies: the user's todos, as the user
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', :'jar', true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
SELECT current_user AS cuser, (SELECT count(*) FROM api.todos WHERE task = 'water the plants') AS seen \gset
COMMIT;
SELECT pg_temp.tap(:'state' = 'ok' AND :'cuser' = :'role1' AND :seen = 1,
                   'GET /todos with the cookies runs as the token''s role and sees the user''s todo (' || :'state' || ', ' || :'cuser' || ')') AS line \gset
\echo :line
-- POST /todos with the cookies but no X-CSRF-Token (a form another site posts): 403
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/todos', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', :'jar', true);
CREATE FUNCTION pg_temp.http_status(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    d text;
BEGIN
    EXECUTE query;
    RETURN 'ok';
EXCEPTION WHEN SQLSTATE 'PGRST' THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d::jsonb ->> 'status';
END
$$;
SELECT pg_temp.http_status('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '403', 'POST /todos with the cookies but without X-CSRF-Token is refused: 403 (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('x-csrf-token', 'a guess')::text, true),
       set_config('request.cookies', :'jar', true);
SELECT pg_temp.http_status('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '403', 'and with a wrong X-CSRF-Token: 403 (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/todos', true), set_config('request.headers', json_build_object('x-csrf-token', :'ccsrf')::text, true),
       set_config('request.cookies', :'jar', true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
INSERT INTO api.todos (task) VALUES ('from the browser') RETURNING owner::text AS cowner \gset
COMMIT;
SELECT pg_temp.tap(:'state' = 'ok' AND :'cowner' = :'sub1',
                   'with the CSRF token from the cookie it works, as the user (' || :'state' || ')') AS line \gset
\echo :line
-- a Bearer request needs no CSRF token, whatever its method (checked above: POST /todos)

-- POST /rpc/refresh {} with the refresh cookie: new cookies; the old access cookie then is a
-- generation behind, still valid; after logout none is
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/refresh', true), set_config('request.headers', json_build_object('x-csrf-token', :'ccsrf')::text, true),
       set_config('request.cookies', :'jar_refresh', true);
SELECT jwt_auth.pre_request();
RESET ROLE; SET LOCAL ROLE anon;    -- /rpc/refresh is anon's: PostgREST would call it as anon
SELECT api.refresh() AS cbody2 \gset
SELECT current_setting('response.headers') AS cheaders2 \gset
COMMIT;
SELECT split_part(split_part(h ->> 'Set-Cookie', ';', 1), '=', 2) AS caccess2
  FROM jsonb_array_elements(:'cheaders2'::jsonb) h
 WHERE h ->> 'Set-Cookie' LIKE '__Host-jwt_auth_access=%' \gset
SELECT pg_temp.tap(:'caccess2' <> :'caccess' AND NOT (:'cbody2'::jsonb ? 'refresh_token')
                   AND jsonb_array_length(:'cheaders2'::jsonb) = 3,
                   'POST /rpc/refresh {} with the refresh cookie rotates the tokens as cookies') AS line \gset
\echo :line
SELECT json_build_object('__Host-jwt_auth_access', :'caccess2', '__Host-jwt_auth_csrf', :'ccsrf')::text AS jar2 \gset
-- POST /rpc/logout with the new cookies: the session ends, the cookies are cleared
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/logout', true), set_config('request.headers', json_build_object('x-csrf-token', :'ccsrf')::text, true),
       set_config('request.cookies', :'jar2', true);
SELECT jwt_auth.pre_request();
SELECT api.logout();
SELECT current_setting('response.headers') AS cleared \gset
COMMIT;
SELECT pg_temp.tap((SELECT bool_and(h ->> 'Set-Cookie' ~ '^[^=]+=; .*Max-Age=0;') AND count(*) = 3
                      FROM jsonb_array_elements(:'cleared'::jsonb) h),
                   'POST /rpc/logout clears the three cookies') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', :'jar2', true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"',
                   'after logout the access cookie gets 401 (' || :'state' || ')') AS line \gset
\echo :line

-- PostgREST v16's own statements, as it sends them: BEGIN with the access mode of the method
-- (READ ONLY for GET and HEAD and for STABLE functions, READ WRITE otherwise), one SELECT of
-- set_config calls (search_path, role, request.jwt.claims, request.method, request.path,
-- request.headers, request.cookies), the pre-request function, the main query, then COMMIT (or
-- ABORT on an error). Each answer is mapped to the HTTP status PostgREST gives it.
-- one request, PostgREST's way: its statements (the main query given), the HTTP status
CREATE FUNCTION pg_temp.v16(method text, path text, read_only boolean, role text, claims text,
                            headers text, main_query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    state text := '00000';
    detail text;
BEGIN
    -- (BEGIN ... READ ONLY / READ WRITE is the caller's transaction: a function cannot begin one)
    IF read_only THEN
        SET LOCAL transaction_read_only = on;
    END IF;
    BEGIN
        PERFORM set_config('search_path', '"api", "public"', true), set_config('role', role, true),
                set_config('request.jwt.claims', claims, true), set_config('request.method', method, true),
                set_config('request.path', path, true), set_config('request.headers', headers, true),
                set_config('request.cookies', '{}', true);
        PERFORM "jwt_auth"."pre_request"();
        EXECUTE main_query;
        RAISE SQLSTATE 'JA000' USING MESSAGE = 'roll back, as PostgREST''s ABORT or a later COMMIT would keep nothing here';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
        IF state = 'JA000' THEN
            state := '00000';
        END IF;
    END;
    PERFORM set_config('role', 'authenticator', true);
    RETURN pg_temp.http_status_of(state, detail, role = 'anon');
END
$$;
SELECT jwt_auth.auth_login(:'user2', :'pw2') ->> 'access_token' AS access_v16 \gset
SELECT (jwt_auth.jwt_decode(:'access_v16')).payload::text AS claims_v16 \gset
SELECT json_build_object('authorization', 'Bearer ' || :'access_v16')::text AS headers_v16 \gset
CREATE TEMP TABLE v16_answer (request text, expected int, got int);
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
INSERT INTO v16_answer SELECT 'GET /todos, no token', 401,
    pg_temp.v16('GET', '/todos', true, 'anon', '{"role":"anon"}', '{}',
                'WITH pgrst_source AS (SELECT "api"."todos".* FROM "api"."todos") SELECT count(*) FROM pgrst_source');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
INSERT INTO v16_answer SELECT 'GET /todos, a valid token (READ ONLY)', 200,
    pg_temp.v16('GET', '/todos', true, :'role2', :'claims_v16', :'headers_v16',
                'WITH pgrst_source AS (SELECT "api"."todos".* FROM "api"."todos") SELECT count(*) FROM pgrst_source');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
INSERT INTO v16_answer SELECT 'POST /rpc/login, a wrong password', 403,
    pg_temp.v16('POST', '/rpc/login', false, 'anon', '{"role":"anon"}', '{}',
                format('SELECT "api"."login"("username" := %L, "password" := %L)', :'user2', 'not the password'));
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
INSERT INTO v16_answer SELECT 'POST /rpc/refresh, an unknown refresh token', 403,
    pg_temp.v16('POST', '/rpc/refresh', false, 'anon', '{"role":"anon"}', '{}',
                'SELECT "api"."refresh"("refresh_token" := ''not a refresh token'')');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
INSERT INTO v16_answer SELECT 'POST /rpc/logout, no token', 401,
    pg_temp.v16('POST', '/rpc/logout', false, 'anon', '{"role":"anon"}', '{}', 'SELECT "api"."logout"()');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
INSERT INTO v16_answer SELECT 'POST /rpc/logout, a valid token', 200,
    pg_temp.v16('POST', '/rpc/logout', false, :'role2', :'claims_v16', :'headers_v16', 'SELECT "api"."logout"()');
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT jwt_auth.auth_logout(jwt_auth.auth_login(:'user2', :'pw2') ->> 'refresh_token', 'global') \g /dev/null
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
INSERT INTO v16_answer SELECT 'GET /todos, a token of a session logged out', 401,
    pg_temp.v16('GET', '/todos', true, :'role2', :'claims_v16', :'headers_v16',
                'WITH pgrst_source AS (SELECT "api"."todos".* FROM "api"."todos") SELECT count(*) FROM pgrst_source');
COMMIT;
\o
\echo '# PostgREST v16 statements: request | HTTP status expected | got'
SELECT '# ' || request || ' | ' || expected || ' | ' || got FROM v16_answer \g (format=unaligned tuples_only)
\o /dev/null
SELECT string_agg(pg_temp.tap(got = expected, request || ': HTTP ' || got || ' (expected ' || expected || ')'), E'\n')
       AS lines FROM v16_answer \gset
\echo :lines

-- The password lifecycle: sign-up (jwt_auth.signup_enabled is on in this database), change with
-- the access token, reset with a token the application server mailed (test/postgrest/run made it
-- with jwt_auth.auth_reset_request: the API offers no way to ask for one)
\getenv pw3 REPLAY_PASSWORD_3
\getenv pw4 REPLAY_PASSWORD_4
\getenv reset1 REPLAY_RESET_TOKEN
\set user3 'a-signed-up-user@example.test'
-- POST /rpc/signup as anon
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/signup', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT "api"."signup"("username" := %L, "password" := %L)', :'user3', :'pw3')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '00000/200', 'anon signs up with api.signup: HTTP 200 (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/signup', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT "api"."signup"("username" := %L, "password" := %L)', upper(:'user3'), :'pw3')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '23505/409', 'a taken username (another case) is refused by api.signup: 23505, HTTP 409 (' || :'state' || ')') AS line \gset
\echo :line
-- the new user logs in, with the default role
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/login', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT api.login(:'user3', :'pw3') ->> 'access_token' AS access3 \gset
COMMIT;
SELECT jwt_auth.jwt_verify(:'access3')::text AS claims3, jwt_auth.jwt_verify(:'access3') ->> 'role' AS role3 \gset
SELECT json_build_object('authorization', 'Bearer ' || :'access3')::text AS headers3 \gset
SELECT pg_temp.tap(:'role3' = 'authenticated', 'the signed-up user''s token carries the default role') AS line \gset
\echo :line
-- POST /rpc/change_password with the token: a wrong old password, then the right one
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role3', true),
       set_config('request.jwt.claims', :'claims3', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/change_password', true), set_config('request.headers', :'headers3', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT "api"."change_password"("old_password" := %L, "new_password" := %L)',
                              'not the password', :'pw4')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '28P01/403', 'a wrong old password fails api.change_password: 28P01, HTTP 403 (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role3', true),
       set_config('request.jwt.claims', :'claims3', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/change_password', true), set_config('request.headers', :'headers3', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT "api"."change_password"("old_password" := %L, "new_password" := %L)',
                              :'pw3', :'pw4')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '00000/200', 'api.change_password with the old password: HTTP 200 (' || :'state' || ')') AS line \gset
\echo :line
-- without a token (anon) there is no one to change the password of
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/change_password', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT "api"."change_password"("old_password" := %L, "new_password" := %L)',
                              :'pw4', :'pw3')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '42501/401', 'anon cannot call api.change_password: 42501, HTTP 401 (' || :'state' || ')') AS line \gset
\echo :line
-- the changed password logs in, the old one does not; the token that changed it still works
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/login', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT api.login(%L, %L)', :'user3', :'pw3')) || ' ' ||
       pg_temp.outcome(format('SELECT api.login(%L, %L)', :'user3', :'pw4')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '28P01/403 00000/200', 'after the change the old password gets 403, the new one 200 (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', :'role3', true),
       set_config('request.jwt.claims', :'claims3', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', :'headers3', true),
       set_config('request.cookies', '{}', true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = 'ok', 'the session that changed the password stays (' || :'state' || ')') AS line \gset
\echo :line

-- POST /rpc/reset: the first user, logged in before, resets with the mailed token
SELECT jwt_auth.auth_login(:'user1', :'pw1') ->> 'access_token' AS access1z \gset
SELECT jwt_auth.jwt_verify(:'access1z')::text AS claims1z \gset
SELECT json_build_object('authorization', 'Bearer ' || :'access1z')::text AS headers1z \gset
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/reset', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT "api"."reset"("token" := %L, "new_password" := %L)',
                              'not a reset token', :'pw4')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '28000/403', 'api.reset with a made-up token: 28000, HTTP 403 (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/reset', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT "api"."reset"("token" := %L, "new_password" := %L)', :'reset1', :'pw4')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '00000/200', 'api.reset with the mailed token: HTTP 200 (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', :'anon', true), set_config('request.method', 'POST', true),
       set_config('request.path', '/rpc/reset', true), set_config('request.headers', '{}', true),
       set_config('request.cookies', '{}', true);
SELECT jwt_auth.pre_request();
SELECT pg_temp.outcome(format('SELECT "api"."reset"("token" := %L, "new_password" := %L)', :'reset1', :'pw1')) AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '28000/403', 'the same token a second time: 28000, HTTP 403 (' || :'state' || ')') AS line \gset
\echo :line
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"api", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', :'claims1z', true), set_config('request.method', 'GET', true),
       set_config('request.path', '/todos', true), set_config('request.headers', :'headers1z', true),
       set_config('request.cookies', '{}', true);
SELECT pg_temp.http_answer('SELECT jwt_auth.pre_request()') AS state \gset
COMMIT;
SELECT pg_temp.tap(:'state' = '401 Bearer error="invalid_token"', 'after api.reset the user''s earlier token gets 401 (' || :'state' || ')') AS line \gset
\echo :line
SELECT pg_temp.outcome(format('SELECT jwt_auth.auth_login(%L, %L)', :'user1', :'pw1')) || ' ' ||
       pg_temp.outcome(format('SELECT jwt_auth.auth_login(%L, %L)', :'user1', :'pw4')) AS state \gset
SELECT pg_temp.tap(:'state' = '28P01/403 00000/200', 'after api.reset the old password fails and the new one logs in (' || :'state' || ')') AS line \gset
\echo :line
