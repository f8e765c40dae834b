-- The verified-token cache (src/pg/tokencache.c): a token verified with
-- the stored keys is remembered by this backend, and still refused the
-- moment its session is revoked, its key revoked, its exp passed, or the
-- settings it must meet changed; the cache keeps within its bounds, and
-- only the owner sees its state; request.jwt.claims is parsed once per
-- transaction and value, and still follows its changes. One transaction, rolled back; time is
-- pinned by tokens whose exp passes during a pg_sleep.
BEGIN;
SELECT plan(45);

SET LOCAL jwt_auth.bcrypt_cost = 4;
CREATE ROLE jwt_auth_test_cached NOLOGIN;
CREATE ROLE jwt_auth_test_nobody2 NOLOGIN;
DELETE FROM jwt_auth.keys;
SELECT jwt_auth.key_generate('HS256', 'cache-key-1');
SELECT jwt_auth.user_create('cached', 'cached password', 'jwt_auth_test_cached');

-- the reason a statement is refused: its SQLSTATE and error detail, or 'ok'
CREATE FUNCTION pg_temp.refusal(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE query;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || detail;
END
$$;
-- authenticate(token), then back to the session's role: 'ok' or the refusal
CREATE FUNCTION pg_temp.auth(token text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text := pg_temp.refusal(format('SELECT jwt_auth.authenticate(%L)', token));
BEGIN
    RESET ROLE;
    RETURN r;
END
$$;
CREATE FUNCTION pg_temp.entries() RETURNS integer LANGUAGE sql AS
    $$SELECT entries FROM jwt_auth._token_cache_state()$$;

------------------------------------------------------------------------
-- Settings
------------------------------------------------------------------------
SELECT results_eq(
    $$SELECT name::text, setting, unit, context::text, min_val, max_val FROM pg_catalog.pg_settings
       WHERE name IN ('jwt_auth.token_cache_entries', 'jwt_auth.token_cache_size') ORDER BY name$$,
    $$VALUES ('jwt_auth.token_cache_entries', '1024', NULL::text, 'superuser', '0', '1000000'),
             ('jwt_auth.token_cache_size', '8192', 'kB', 'superuser', '0', '2147483647')$$,
    'token_cache_entries (1024) and token_cache_size (8MB, in kB) are superuser settings');
SELECT is(current_setting('jwt_auth.token_cache_size'), '8MB', 'the cache holds 8MB by default');
SET LOCAL ROLE jwt_auth_test_nobody2;
SELECT throws_ok('SET jwt_auth.token_cache_entries = 0', '42501', NULL,
    'an ordinary role cannot turn the cache off');
SELECT throws_ok('SET jwt_auth.token_cache_size = ''1GB''', '42501', NULL,
    'an ordinary role cannot grow the cache');
SELECT throws_ok('SELECT * FROM jwt_auth._token_cache_state()', '42501', NULL,
    'an ordinary role cannot read the cache''s state');
RESET ROLE;

------------------------------------------------------------------------
-- request.jwt.claims (trusted) is parsed once per transaction and value:
-- a new value, or one a rolled-back savepoint restores, is read at once.
-- (Before any authenticate(): its claims would come first.)
------------------------------------------------------------------------
SET LOCAL jwt_auth.trust_request_claims = on;
SELECT set_config('request.jwt.claims',
    '{"sub":"00000000-0000-4000-8000-000000000001","role":"reader"}', true);
SELECT is((SELECT count(DISTINCT jwt_auth.uid()::text || jwt_auth.role()) FROM generate_series(1, 1000))::int, 1,
    'uid() and role() called per row give one answer');
SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-4000-8000-000000000002"}', true);
SELECT is(jwt_auth.uid(), '00000000-0000-4000-8000-000000000002'::uuid,
    'a new request.jwt.claims is read at once');
SAVEPOINT claims_sp;
SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-4000-8000-000000000003","x":1}', true);
SELECT is(jwt_auth.claim('x'), '1'::jsonb, 'and again within a savepoint');
ROLLBACK TO SAVEPOINT claims_sp;
SELECT is(jwt_auth.uid(), '00000000-0000-4000-8000-000000000002'::uuid,
    'the value a rolled-back savepoint restores is read');
SELECT is(jwt_auth.claims(), '{"sub":"00000000-0000-4000-8000-000000000002"}'::jsonb,
    'claims() gives the same claims');
RESET jwt_auth.trust_request_claims;

------------------------------------------------------------------------
-- A token is remembered once, and only when it verified with the stored keys
------------------------------------------------------------------------
CREATE TEMP TABLE pair AS SELECT jwt_auth.auth_login('cached', 'cached password') AS p;
CREATE TEMP TABLE t AS SELECT p->>'access_token' AS access, p->>'refresh_token' AS refresh FROM pair;

SELECT is(pg_temp.entries(), 0, 'the cache is empty before any token is verified');
SELECT is(pg_temp.auth((SELECT access FROM t)), 'ok', 'authenticate accepts a fresh token');
SELECT is(pg_temp.entries(), 1, 'the token is remembered');
SELECT is(pg_temp.auth((SELECT access FROM t)), 'ok', 'authenticate accepts it again, from the cache');
SELECT is(pg_temp.entries(), 1, 'a token seen again is not remembered twice');
SELECT is(jwt_auth.jwt_verify((SELECT access FROM t)),
          (SELECT payload FROM jwt_auth.jwt_decode((SELECT access FROM t))),
    'jwt_verify(token) answers the token''s claims from the cache');
SELECT ok(jwt_auth.jwt_valid((SELECT access FROM t)), 'jwt_valid(token) answers true from the cache');
SELECT is(pg_temp.refusal($$SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"x"}'::json, repeat('k', 32), 'HS256'), repeat('k', 32))$$),
    'ok', 'a token verified with a key passed in the call ...');
SELECT is(pg_temp.entries(), 1, '... is not remembered');
SELECT is(pg_temp.refusal($$SELECT jwt_auth.jwt_verify((SELECT access FROM t) || 'x')$$),
    '28000: signature does not match', 'a token that differs in one character is verified, and refused');
SELECT is(pg_temp.refusal($$SELECT jwt_auth.jwt_verify(overlay(access PLACING
              CASE substr(access, length(access) - 9, 1) WHEN 'A' THEN 'B' ELSE 'A' END
              FROM length(access) - 9 FOR 1)) FROM t$$),
    '28000: signature does not match',
    'so is one of the same length that differs in one character of its signature');
SELECT is(pg_temp.entries(), 1, 'a refused token is not remembered');

------------------------------------------------------------------------
-- Settings changed within the session apply to remembered tokens
------------------------------------------------------------------------
SET LOCAL jwt_auth.audience = 'api';
SELECT is(pg_temp.auth((SELECT access FROM t)),
    '28000: token has no aud claim, and an audience is required (claim "aud")',
    'a remembered token without aud is refused once jwt_auth.audience is set');
SELECT is(pg_temp.refusal($$SELECT jwt_auth.jwt_verify((SELECT access FROM t))$$),
    '28000: token has no aud claim, and an audience is required (claim "aud")',
    'and so is it by jwt_verify(token)');
SELECT ok(NOT jwt_auth.jwt_valid((SELECT access FROM t)), 'and jwt_valid(token) is false');
RESET jwt_auth.audience;
SET LOCAL jwt_auth.issuer = 'https://issuer.example';
SELECT is(pg_temp.auth((SELECT access FROM t)),
    '28000: token issuer does not match (claim "iss")',
    'a remembered token with another issuer is refused once jwt_auth.issuer is set');
RESET jwt_auth.issuer;
SELECT is(pg_temp.auth((SELECT access FROM t)), 'ok', 'with the settings back, it is accepted again');

------------------------------------------------------------------------
-- The session is asked on every call
------------------------------------------------------------------------
SELECT jwt_auth.auth_logout((SELECT refresh FROM t));
SELECT is(pg_temp.auth((SELECT access FROM t)), '28000: The session is revoked.',
    'a remembered token is refused once its session is revoked');

------------------------------------------------------------------------
-- Any change to the key store forgets every token
------------------------------------------------------------------------
CREATE TEMP TABLE t2 AS SELECT jwt_auth.auth_login('cached', 'cached password')->>'access_token' AS access;
SELECT is(pg_temp.auth((SELECT access FROM t2)), 'ok', 'a token of a new session is accepted');
SELECT ok(pg_temp.entries() >= 1, 'and remembered');
SELECT jwt_auth.key_generate('HS256', 'cache-key-2');
SELECT is(pg_temp.entries(), 0, 'a new key in the store empties the cache');
SELECT is(pg_temp.auth((SELECT access FROM t2)), 'ok', 'the token still verifies with its key');
SELECT is(pg_temp.entries(), 1, 'and is remembered again');
SELECT jwt_auth.key_set_status('cache-key-1', 'revoked');
SELECT is(pg_temp.auth((SELECT access FROM t2)), '28000: the token''s key has been revoked',
    'a remembered token is refused once its key is revoked');
SELECT is(pg_temp.entries(), 0, 'and nothing verified with the old keys is kept');

------------------------------------------------------------------------
-- A remembered token is refused once its exp has passed
------------------------------------------------------------------------
SET LOCAL jwt_auth.leeway = 0;
CREATE TEMP TABLE short AS
SELECT jwt_auth.jwt_sign(json_build_object('sub', 'short-lived',
           'exp', floor(extract(epoch FROM clock_timestamp())) + 2)) AS token;
SELECT is(pg_temp.refusal($$SELECT jwt_auth.jwt_verify((SELECT token FROM short))$$), 'ok',
    'a token with 1 to 2 seconds left verifies');
SELECT is(pg_temp.entries(), 1, 'and is remembered');
SELECT pg_sleep(2.5);
SELECT is(pg_temp.refusal($$SELECT jwt_auth.jwt_verify((SELECT token FROM short))$$),
    '28000: token has expired (claim "exp")', 'once its exp has passed, it is refused');
SELECT is(pg_temp.entries(), 0, 'and forgotten');
RESET jwt_auth.leeway;

------------------------------------------------------------------------
-- Bounds: entries and bytes; 0 turns the cache off
------------------------------------------------------------------------
CREATE TEMP TABLE many AS
SELECT i, jwt_auth.jwt_sign(json_build_object('sub', 'user-' || i, 'pad', repeat('p', 2000))) AS token
  FROM generate_series(1, 40) i;
SET LOCAL jwt_auth.token_cache_entries = 10;
SELECT is((SELECT count(*)::int FROM many WHERE jwt_auth.jwt_valid(token)), 40, '40 distinct tokens verify');
SELECT is(pg_temp.entries(), 10, 'token_cache_entries = 10 keeps the 10 most recent');
SET LOCAL jwt_auth.token_cache_entries = 1024;
SET LOCAL jwt_auth.token_cache_size = '32kB';
SELECT is((SELECT count(*)::int FROM many WHERE jwt_auth.jwt_valid(token)), 40, 'they verify again');
SELECT ok((SELECT bytes <= 32 * 1024 AND entries BETWEEN 1 AND 10 FROM jwt_auth._token_cache_state()),
    'token_cache_size = 32kB keeps what fits in 32 kB (a few of the tokens of 2 kB claims)');
SET LOCAL jwt_auth.token_cache_size = 0;
SELECT is((SELECT count(*)::int FROM many WHERE jwt_auth.jwt_valid(token)), 40, 'with the cache off, they verify');
SELECT is(pg_temp.entries(), 0, 'and none is remembered');

SELECT * FROM finish();
ROLLBACK;
