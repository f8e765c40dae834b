-- Settings read by verification: jwt_auth.leeway (30s by default),
-- jwt_auth.audience and jwt_auth.issuer (empty by default). A superuser's
-- value is used when the argument is NULL; the argument overrides it.
BEGIN;
SELECT plan(47);

-- a fixed secret of n bytes
CREATE FUNCTION pg_temp.secret(n int) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT left(repeat('jwt_auth-pgtap-secret/', 4), n) $$;

CREATE TEMP TABLE token (name text PRIMARY KEY, value text NOT NULL);
INSERT INTO token VALUES
    ('plain',     jwt_auth.jwt_sign('{"sub":"user-1","exp":4102444800}'::jsonb, pg_temp.secret(32))),
    ('expired',   jwt_auth.jwt_sign('{"sub":"user-1","exp":1300819380}'::jsonb, pg_temp.secret(32))),
    ('aud_api',   jwt_auth.jwt_sign('{"sub":"user-1","aud":"api","exp":4102444800}'::jsonb, pg_temp.secret(32))),
    ('aud_web',   jwt_auth.jwt_sign('{"sub":"user-1","aud":"web","exp":4102444800}'::jsonb, pg_temp.secret(32))),
    ('aud_both',  jwt_auth.jwt_sign('{"sub":"user-1","aud":["web","api"],"exp":4102444800}'::jsonb,
                                    pg_temp.secret(32))),
    ('iss_a',     jwt_auth.jwt_sign('{"sub":"user-1","iss":"https://a.example","exp":4102444800}'::jsonb,
                                    pg_temp.secret(32))),
    ('iss_b',     jwt_auth.jwt_sign('{"sub":"user-1","iss":"https://b.example","exp":4102444800}'::jsonb,
                                    pg_temp.secret(32)));

CREATE FUNCTION pg_temp.tok(name text) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT value FROM pg_temp.token t WHERE t.name = tok.name $$;

-- the errdetail of the error a statement raises ('no error' if none)
CREATE FUNCTION pg_temp.error_detail(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN detail;
END
$$;

------------------------------------------------------------------------
-- Defaults (the settings exist once the library is loaded: the INSERT
-- above called jwt_sign)
------------------------------------------------------------------------

SELECT is(current_setting('jwt_auth.leeway'), '30s', 'SHOW jwt_auth.leeway is 30s by default');
SELECT is(current_setting('jwt_auth.audience'), '', 'jwt_auth.audience is empty by default');
SELECT is(current_setting('jwt_auth.issuer'), '', 'jwt_auth.issuer is empty by default');
SELECT results_eq(
    $$SELECT name::text, setting, unit, boot_val, min_val, max_val, vartype::text
        FROM pg_catalog.pg_settings WHERE name = 'jwt_auth.leeway'$$,
    $$VALUES ('jwt_auth.leeway', '30', 's', '30', '0', '3600', 'integer')$$,
    'jwt_auth.leeway is an integer number of seconds, 0 to 3600, boot value 30');
SELECT throws_ok('SET LOCAL jwt_auth.leeway = -1', '22023', NULL,
    'a negative jwt_auth.leeway is refused');
SELECT throws_ok($$SET LOCAL jwt_auth.leeway = '2h'$$, '22023', NULL,
    'a jwt_auth.leeway over an hour is refused');
SELECT lives_ok($$SET LOCAL jwt_auth.leeway = '1min'$$, 'jwt_auth.leeway takes units');
SELECT is(current_setting('jwt_auth.leeway'), '1min', 'jwt_auth.leeway shows its unit');
RESET jwt_auth.leeway;

------------------------------------------------------------------------
-- Audience
------------------------------------------------------------------------

-- unset: a token naming an audience is refused, one without passes
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('plain'), pg_temp.secret(32))$$,
    'with no audience expected, a token without aud verifies');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32))$$),
    'token audience does not match (claim "aud")',
    'with no audience expected, a token with aud is refused');

SET LOCAL jwt_auth.audience = 'api';
SELECT is(jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32)) ->> 'aud', 'api',
    'jwt_auth.audience is used when the audience argument is NULL');
SELECT is(jwt_auth.jwt_verify(pg_temp.tok('aud_both'), pg_temp.secret(32)) -> 'aud', '["web", "api"]'::jsonb,
    'jwt_auth.audience matches one member of an aud array');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_web'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'jwt_auth.audience refuses a token for another audience');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('plain'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'jwt_auth.audience refuses a token without aud');
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_web'), pg_temp.secret(32), audience => 'web')$$,
    'the audience argument overrides jwt_auth.audience (accepts)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32), audience => 'web')$$,
    '28000', 'invalid token', 'the audience argument overrides jwt_auth.audience (refuses)');
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32), audience => NULL)$$,
    'an explicit NULL audience argument falls back to jwt_auth.audience');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('aud_api'), pg_temp.secret(32)), true,
    'jwt_valid follows jwt_auth.audience (true)');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('aud_web'), pg_temp.secret(32)), false,
    'jwt_valid follows jwt_auth.audience (false)');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('aud_web'), pg_temp.secret(32), audience => 'web'), true,
    'jwt_valid''s audience argument overrides jwt_auth.audience');
SELECT is((SELECT valid FROM jwt_auth.verify(pg_temp.tok('aud_web'), pg_temp.secret(32))), true,
    'pgjwt verify does not check aud, as pgjwt does not');

SET LOCAL jwt_auth.audience = '';
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'an empty jwt_auth.audience expects no audience again');
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32), audience => 'api')$$,
    'with jwt_auth.audience empty, the argument alone decides');

------------------------------------------------------------------------
-- Issuer
------------------------------------------------------------------------

SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('iss_b'), pg_temp.secret(32))$$,
    'with no issuer expected, iss is not checked');
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('plain'), pg_temp.secret(32))$$,
    'with no issuer expected, a token without iss verifies');

SET LOCAL jwt_auth.issuer = 'https://a.example';
SELECT is(jwt_auth.jwt_verify(pg_temp.tok('iss_a'), pg_temp.secret(32)) ->> 'iss', 'https://a.example',
    'jwt_auth.issuer is used when the issuer argument is NULL');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('iss_b'), pg_temp.secret(32))$$),
    'token issuer does not match (claim "iss")',
    'jwt_auth.issuer refuses a token from another issuer');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('plain'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'jwt_auth.issuer refuses a token without iss');
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('iss_b'), pg_temp.secret(32), issuer => 'https://b.example')$$,
    'the issuer argument overrides jwt_auth.issuer (accepts)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('iss_a'), pg_temp.secret(32), issuer => 'https://b.example')$$,
    '28000', 'invalid token', 'the issuer argument overrides jwt_auth.issuer (refuses)');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('iss_a'), pg_temp.secret(32)), true,
    'jwt_valid follows jwt_auth.issuer (true)');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('iss_b'), pg_temp.secret(32)), false,
    'jwt_valid follows jwt_auth.issuer (false)');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('iss_a'), pg_temp.secret(32), issuer => 'https://A.example')$$,
    '28000', 'invalid token', 'issuers are compared exactly (case-sensitive)');

-- both settings at once: a token must satisfy both
SET LOCAL jwt_auth.audience = 'api';
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('iss_a'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'with audience and issuer set, a token without aud is refused');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'with audience and issuer set, a token without iss is refused');
SELECT lives_ok(format($$SELECT jwt_auth.jwt_verify(%L, pg_temp.secret(32))$$,
        jwt_auth.jwt_sign('{"sub":"user-1","aud":"api","iss":"https://a.example","exp":4102444800}'::jsonb,
                          pg_temp.secret(32))),
    'with audience and issuer set, a token naming both verifies');
RESET jwt_auth.audience;
RESET jwt_auth.issuer;
SELECT is(current_setting('jwt_auth.issuer'), '', 'RESET returns jwt_auth.issuer to empty');

------------------------------------------------------------------------
-- Leeway: the argument overrides the setting (fixed tokens, so only
-- what a bounded setting cannot rescue and an argument can)
------------------------------------------------------------------------

SET LOCAL jwt_auth.leeway = '1h';
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('expired'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'an hour of leeway does not rescue a token expired in 2011');
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('expired'), pg_temp.secret(32), leeway => '100 years')$$,
    'the leeway argument overrides jwt_auth.leeway');
SELECT is(jwt_auth.jwt_valid(pg_temp.tok('expired'), pg_temp.secret(32), leeway => '100 years'), true,
    'jwt_valid takes the leeway argument too');
SELECT is(pg_temp.error_detail($$SELECT jwt_auth.jwt_verify(pg_temp.tok('expired'), pg_temp.secret(32), leeway => '1 year')$$),
    'token has expired (claim "exp")', 'a leeway too small still reports the expiry');
RESET jwt_auth.leeway;

-- That jwt_auth.leeway is read at all needs a token near the clock: it
-- expired ten minutes before this statement. The outcomes do not depend on
-- when the test runs (only on it taking less than 50 minutes).
INSERT INTO token SELECT 'ten_minutes_ago', jwt_auth.jwt_sign(
    jsonb_build_object('sub', 'user-1', 'exp', floor(extract(epoch FROM statement_timestamp())) - 600),
    pg_temp.secret(32));
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('ten_minutes_ago'), pg_temp.secret(32))$$,
    '28000', 'invalid token', 'the default 30s leeway refuses a token expired ten minutes ago');
SET LOCAL jwt_auth.leeway = '1h';
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('ten_minutes_ago'), pg_temp.secret(32))$$,
    'jwt_auth.leeway = 1h is used when the leeway argument is NULL');
SELECT throws_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('ten_minutes_ago'), pg_temp.secret(32), leeway => '0')$$,
    '28000', 'invalid token', 'a zero leeway argument overrides jwt_auth.leeway');
RESET jwt_auth.leeway;

-- settings follow the transaction: SET LOCAL ends with it, and a
-- superuser's session value is visible to the functions
SET jwt_auth.audience = 'api';
SELECT lives_ok($$SELECT jwt_auth.jwt_verify(pg_temp.tok('aud_api'), pg_temp.secret(32))$$,
    'a session-level jwt_auth.audience is used too');
RESET jwt_auth.audience;
SELECT is(current_setting('jwt_auth.audience'), '', 'RESET returns jwt_auth.audience to empty');
SELECT is(current_setting('jwt_auth.leeway'), '30s', 'RESET returns jwt_auth.leeway to 30s');

SELECT * FROM finish();
ROLLBACK;
