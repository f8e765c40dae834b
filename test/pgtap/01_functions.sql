-- The SQL surface of jwt_auth, from the catalog: every function with its
-- exact signature, return type, volatility, strictness, language and
-- security, and nothing in the schema that is not on the list.
BEGIN;
SELECT plan(180);

-- The contract, one row per function. volatility: verification reads the
-- clock (STABLE), signing is VOLATILE, pure transforms are IMMUTABLE.
-- strict: jwt_verify, jwt_valid and pgjwt's verify are called on NULL input
-- (a NULL token is an invalid token, never a NULL answer); all others are
-- STRICT.
CREATE TEMP TABLE expected_function (
    name       name     NOT NULL,
    args       name[]   NOT NULL,
    returns    text     NOT NULL,
    volatility text     NOT NULL,
    strict     boolean  NOT NULL,
    PRIMARY KEY (name, args)
);
INSERT INTO expected_function VALUES
    ('jwt_sign',   '{jsonb,text,text,jsonb}',  'text', 'VOLATILE', true),
    ('jwt_sign',   '{jsonb,bytea,text,jsonb}', 'text', 'VOLATILE', true),
    ('jwt_sign',   '{jsonb,jsonb,text,jsonb}', 'text', 'VOLATILE', true),
    ('jwt_sign',   '{json,text,text,jsonb}',   'text', 'VOLATILE', true),
    ('jwt_sign',   '{json,bytea,text,jsonb}',  'text', 'VOLATILE', true),
    ('jwt_sign',   '{json,jsonb,text,jsonb}',  'text', 'VOLATILE', true),
    ('jwt_sign',   '{text,text,text,jsonb}',   'text', 'VOLATILE', true),
    ('jwt_sign',   '{text,bytea,text,jsonb}',  'text', 'VOLATILE', true),
    ('jwt_sign',   '{text,jsonb,text,jsonb}',  'text', 'VOLATILE', true),
    ('jwt_verify', '{text,text,text,text,text,interval}',  'jsonb', 'STABLE', false),
    ('jwt_verify', '{text,bytea,text,text,text,interval}', 'jsonb', 'STABLE', false),
    ('jwt_verify', '{text,jsonb,text,text,text,interval}', 'jsonb', 'STABLE', false),
    ('jwt_valid',  '{text,text,text,text,text,interval}',  'boolean', 'STABLE', false),
    ('jwt_valid',  '{text,bytea,text,text,text,interval}', 'boolean', 'STABLE', false),
    ('jwt_valid',  '{text,jsonb,text,text,text,interval}', 'boolean', 'STABLE', false),
    ('jwt_decode', '{text}', 'record', 'IMMUTABLE', true),
    ('jws_sign',   '{bytea,text,text,jsonb}',  'text', 'VOLATILE', true),
    ('jws_sign',   '{bytea,bytea,text,jsonb}', 'text', 'VOLATILE', true),
    ('jws_sign',   '{bytea,jsonb,text,jsonb}', 'text', 'VOLATILE', true),
    ('jws_verify', '{text,text,text}',  'bytea', 'STABLE', true),
    ('jws_verify', '{text,bytea,text}', 'bytea', 'STABLE', true),
    ('jws_verify', '{text,jsonb,text}', 'bytea', 'STABLE', true),
    ('base64url_encode', '{bytea}', 'text',  'IMMUTABLE', true),
    ('base64url_decode', '{text}',  'bytea', 'IMMUTABLE', true),
    -- pgjwt compatibility
    ('sign',       '{json,text,text}', 'text', 'IMMUTABLE', true),
    ('verify',     '{text,text,text}', 'setof record', 'STABLE', false),
    ('url_encode', '{bytea}', 'text',  'IMMUTABLE', true),
    ('url_decode', '{text}',  'bytea', 'IMMUTABLE', true);

-- the list above has the 28 functions of the SQL surface
SELECT is((SELECT count(*) FROM expected_function)::int, 28,
    'the expected SQL surface lists 28 functions');

-- every function exists with its exact argument types (28 tests)
SELECT has_function('jwt_auth', name, args,
        format('function jwt_auth.%s(%s) exists', name, array_to_string(args, ', ')))
  FROM expected_function ORDER BY name, args;

-- every function returns its contract type (28 tests)
SELECT function_returns('jwt_auth', name, args, returns,
        format('jwt_auth.%s(%s) returns %s', name, array_to_string(args, ', '), returns))
  FROM expected_function ORDER BY name, args;

-- volatility is accurate: verification STABLE, signing VOLATILE, transforms IMMUTABLE (28 tests)
SELECT volatility_is('jwt_auth', name, args, volatility,
        format('jwt_auth.%s(%s) is %s', name, array_to_string(args, ', '), volatility))
  FROM expected_function ORDER BY name, args;

-- strictness: NULL input gives NULL except where a NULL token must be judged (28 tests)
SELECT CASE WHEN strict
        THEN is_strict('jwt_auth', name, args,
            format('jwt_auth.%s(%s) is STRICT', name, array_to_string(args, ', ')))
        ELSE isnt_strict('jwt_auth', name, args,
            format('jwt_auth.%s(%s) is called on NULL input', name, array_to_string(args, ', ')))
       END
  FROM expected_function ORDER BY name, args;

-- every function is written in C (28 tests)
SELECT function_lang_is('jwt_auth', name, args, 'c',
        format('jwt_auth.%s(%s) is written in C', name, array_to_string(args, ', ')))
  FROM expected_function ORDER BY name, args;

-- no function runs with its owner's rights (28 tests)
SELECT isnt_definer('jwt_auth', name, args,
        format('jwt_auth.%s(%s) is not SECURITY DEFINER', name, array_to_string(args, ', ')))
  FROM expected_function ORDER BY name, args;

-- the schema holds exactly the expected functions: nothing extra, nothing missing
SELECT set_eq(
    $$SELECT p.proname::text, pg_catalog.oidvectortypes(p.proargtypes)
        FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace$$,
    $$SELECT name::text, array_to_string(args, ', ') FROM expected_function$$,
    'schema jwt_auth holds exactly the expected functions (no unexpected extra function)');

-- no function, procedure or aggregate beyond plain functions
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.prokind <> 'f'$$,
    'schema jwt_auth has no procedure, aggregate or window function');

-- token functions read no table: all PARALLEL SAFE
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.proparallel <> 's'$$,
    'every function in jwt_auth is PARALLEL SAFE');

-- every function is documented with COMMENT ON
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace
         AND pg_catalog.obj_description(p.oid, 'pg_proc') IS NULL$$,
    'every function in jwt_auth has a comment');

-- every function belongs to the extension (none left behind by hand)
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                          WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                            AND d.objid = p.oid AND d.deptype = 'e'
                            AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension
                                               WHERE extname = 'jwt_auth'))$$,
    'every function in jwt_auth is a member of the extension');

-- the record shapes: jwt_decode and pgjwt's verify have named OUT columns
SELECT is(
    (SELECT pg_catalog.pg_get_function_result('jwt_auth.jwt_decode(text)'::regprocedure)),
    'record',
    'jwt_decode returns a record');
SELECT is(
    (SELECT array_to_string(p.proargnames, ',') || ' / ' || array_to_string(p.proargmodes, ',')
       FROM pg_catalog.pg_proc p WHERE p.oid = 'jwt_auth.jwt_decode(text)'::regprocedure),
    'token,header,payload,signature / i,o,o,o',
    'jwt_decode(token) has OUT header, payload, signature');
SELECT is(
    (SELECT pg_catalog.pg_get_function_result('jwt_auth.verify(text,text,text)'::regprocedure)),
    'TABLE(header json, payload json, valid boolean)',
    'verify returns TABLE(header json, payload json, valid boolean) like pgjwt');
SELECT is(
    (SELECT prorows FROM pg_catalog.pg_proc
      WHERE oid = 'jwt_auth.verify(text,text,text)'::regprocedure),
    1::real,
    'verify is planned as returning one row');

-- the extension itself: schema jwt_auth, not relocatable, needs pgcrypto
SELECT results_eq(
    $$SELECT e.extnamespace::regnamespace::text, e.extrelocatable
        FROM pg_catalog.pg_extension e WHERE e.extname = 'jwt_auth'$$,
    $$VALUES ('jwt_auth', false)$$,
    'jwt_auth is installed in schema jwt_auth and is not relocatable');
SELECT ok(
    EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
              JOIN pg_catalog.pg_extension e ON d.objid = e.oid AND e.extname = 'jwt_auth'
              JOIN pg_catalog.pg_extension r ON d.refobjid = r.oid AND r.extname = 'pgcrypto'
             WHERE d.classid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'n'),
    'jwt_auth requires pgcrypto');

SELECT * FROM finish();
ROLLBACK;
