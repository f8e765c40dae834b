-- The SQL surface of jwt_auth, from the catalog: every function with its
-- exact signature, return type, volatility, strictness, parallel safety,
-- language and security; the key store's table with its columns,
-- constraints, trigger and dump registration; and nothing in the schema
-- that is not on the list.
BEGIN;
SELECT plan(899);

-- The contract, one row per function. volatility: verification reads the
-- clock (STABLE), signing is VOLATILE, pure transforms are IMMUTABLE.
-- strict: jwt_verify, jwt_valid and pgjwt's verify are called on NULL input
-- (a NULL token is an invalid token, never a NULL answer); so are the key
-- store's plpgsql functions, which check their arguments themselves.
-- parallel: 's' for everything that only computes or reads; 'u' for what
-- writes jwt_auth.keys and the internal helpers only those call.
-- definer: the key store's writers and jwks() run as the owner (the table
-- is the owner's alone); every other function runs as its caller.
CREATE TEMP TABLE expected_function (
    name       name     NOT NULL,
    args       name[]   NOT NULL,
    returns    text     NOT NULL,
    volatility text     NOT NULL,
    strict     boolean  NOT NULL,
    lang       name     NOT NULL DEFAULT 'c',
    parallel   "char"   NOT NULL DEFAULT 's',
    definer    boolean  NOT NULL DEFAULT false,
    PRIMARY KEY (name, args)
);
INSERT INTO expected_function (name, args, returns, volatility, strict) VALUES
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
    ('url_decode', '{text}',  'bytea', 'IMMUTABLE', true),
    -- tokens with the stored keys: C, reading the table through the key cache
    ('jwt_sign',   '{jsonb}', 'text', 'VOLATILE', true),
    ('jwt_sign',   '{json}',  'text', 'VOLATILE', true),
    ('jwt_sign',   '{text}',  'text', 'VOLATILE', true),
    ('jwt_verify', '{text}',  'jsonb',   'STABLE', false),
    ('jwt_valid',  '{text}',  'boolean', 'STABLE', false);
INSERT INTO expected_function (name, args, returns, volatility, strict, lang, parallel, definer) VALUES
    -- the key store
    ('key_generate',   '{text,text,text}',       'text', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('key_import',     '{text,text,text,text}',  'text', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('key_import',     '{bytea,text,text,text}', 'text', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('key_import',     '{jsonb,text,text,text}', 'text', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('key_set_status', '{text,text}',            'void', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('jwks',           '{}',                     'jsonb', 'STABLE',  false, 'sql',     's', true),
    ('postgrest_config', '{}',                   'void',  'VOLATILE', false, 'plpgsql', 'u', true),
    -- its internals
    ('_keys_changed',  '{}',                     'trigger', 'VOLATILE', false, 'c',    'u', false),
    ('_keys_replicated', '{}',                   'trigger', 'VOLATILE', false, 'plpgsql', 'u', false),
    ('_key_new',       '{text}',                 'record',  'VOLATILE', false, 'c',    'u', false),
    ('_key_parse',     '{text,text}',            'record',  'IMMUTABLE', false, 'c',   'u', false),
    ('_key_parse',     '{text,bytea}',           'record',  'IMMUTABLE', false, 'c',   'u', false),
    ('_key_parse',     '{text,jsonb}',           'record',  'IMMUTABLE', false, 'c',   'u', false),
    ('_key_insert',    '{text,text,text,bytea,jsonb}', 'text', 'VOLATILE', false, 'plpgsql', 'u', true),
    -- users: the owner's functions, and their internals
    ('user_create',       '{text,text,text,jsonb}', 'uuid', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('user_import',       '{text,text,text,jsonb}', 'uuid', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('user_set_password', '{text,text}',            'void', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('user_set_disabled', '{text,boolean}',         'void', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('user_delete',       '{text}',                 'void', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('_user_insert',      '{text,text,text,jsonb}', 'uuid', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('_user_lock',        '{text}',                 'uuid', 'VOLATILE', false, 'plpgsql', 'u', false),
    ('_password_hash',    '{text}',                 'text', 'VOLATILE', false, 'plpgsql', 'u', false),
    ('_hash_import',      '{text}',                 'text', 'VOLATILE', false, 'c',       'u', false),
    ('_password_verify',  '{text,text}',            'boolean', 'VOLATILE', true, 'c',       'u', false),
    ('_password_new',     '{text}',                 'text', 'VOLATILE', true,  'c',       'u', false),
    ('_password_current', '{text}',                 'boolean', 'STABLE', true,  'c',       'u', false),
    ('_role_check',       '{text}',                 'void', 'VOLATILE', false, 'plpgsql', 'u', false),
    ('_require_primary',  '{}',                     'void', 'VOLATILE', false, 'c',       'u', false),
    ('_crypt',            '{text,text}',            'text', 'VOLATILE', true,  'c',       'u', false),
    ('_gen_salt',         '{text,integer}',         'text', 'VOLATILE', true,  'c',       'u', false),
    ('_settings',         '{}',                     'record', 'STABLE', false, 'c',       'u', false),
    -- login and sessions: public entry points running as the owner
    ('auth_login',        '{text,text}',            'jsonb', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('auth_refresh',      '{text}',                 'jsonb', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('auth_logout',       '{text,text}',            'void',  'VOLATILE', false, 'plpgsql', 'u', true),
    ('purge_expired',     '{}',                     'bigint', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('_issue',            '{jwt_auth.users,jwt_auth.sessions,uuid,text,bytea}', 'jsonb', 'VOLATILE', false, 'plpgsql', 'u', false),
    ('_session_revoke',   '{uuid,text}',            'void',  'VOLATILE', false, 'sql',     'u', false),
    ('_session_revoke_detached', '{uuid,text}',     'text',  'VOLATILE', true, 'c',        'u', false),
    ('_session_key',      '{}',                     'bytea', 'VOLATILE', false, 'c',       'u', false),
    ('_standing_changed', '{}',                     'trigger', 'VOLATILE', false, 'c',     'u', false),
    ('_session_csrf',     '{bytea}',                'text',  'IMMUTABLE', true, 'c',       'u', false),
    -- cookie mode
    ('cookie_headers',    '{jsonb}',                'text',  'STABLE',   false, 'sql',     'u', false),
    ('cookie_clear_headers', '{}',                  'text',  'STABLE',   false, 'sql',     'u', false),
    ('cookie_refresh_token', '{}',                  'text',  'STABLE',   false, 'sql',     'u', false),
    ('_refresh_token_new',  '{}',                   'record', 'VOLATILE', false, 'c',      'u', false),
    ('_refresh_token_child', '{text,bytea}',        'record', 'IMMUTABLE', true, 'c',      'u', false),
    ('_refresh_token_hash', '{text}',               'bytea', 'IMMUTABLE', true, 'c',       'u', false),
    -- throttling
    ('auth_unlock',       '{text}',                 'void',  'VOLATILE', false, 'plpgsql', 'u', true),
    ('_throttle_begin',   '{text,boolean}',         'boolean', 'VOLATILE', true, 'c',      'u', false),
    ('_throttle_succeeded', '{text}',                 'void',  'VOLATILE', true,  'c',       'u', false),
    ('_throttle_reset',   '{text}',                 'void',  'VOLATILE', true,  'c',       'u', false),
    ('_throttle_state',   '{}',                     'record', 'VOLATILE', false, 'c',      'u', false),
    -- the password lifecycle: entry points running as the owner, and their internals
    ('auth_change_password', '{text,text}',         'void',  'VOLATILE', false, 'plpgsql', 'u', true),
    ('auth_reset_request', '{text}',                'text',  'VOLATILE', false, 'plpgsql', 'u', true),
    ('auth_reset',        '{text,text}',            'void',  'VOLATILE', false, 'plpgsql', 'u', true),
    ('auth_verification_request', '{text}',         'text',  'VOLATILE', false, 'plpgsql', 'u', true),
    ('auth_verify',       '{text}',                 'void',  'VOLATILE', false, 'plpgsql', 'u', true),
    ('auth_signup',       '{text,text,jsonb}',      'uuid',  'VOLATILE', false, 'plpgsql', 'u', true),
    ('_one_time_token_new', '{text,text}',          'text',  'VOLATILE', false, 'plpgsql', 'u', false),
    ('_one_time_token_take', '{text,text}',         'jwt_auth.users', 'VOLATILE', false, 'plpgsql', 'u', false),
    -- the request context: backend memory, which parallel workers do not share
    ('authenticate',      '{text}',                 'jsonb', 'VOLATILE', false, 'c',       'u', false),
    ('pre_request',       '{}',                     'void',  'VOLATILE', false, 'c',       'u', false),
    ('claims',            '{}',                     'jsonb', 'STABLE',   false, 'c',       'r', false),
    ('claim',             '{text}',                 'jsonb', 'STABLE',   false, 'c',       'r', false),
    ('uid',               '{}',                     'uuid',  'STABLE',   false, 'c',       'r', false),
    ('role',              '{}',                     'text',  'STABLE',   false, 'c',       'r', false),
    ('_verified_claims',  '{}',                     'jsonb', 'STABLE',   false, 'c',       'r', false),
    ('_token_cache_state', '{}',                    'record', 'VOLATILE', false, 'c',      'r', false),
    -- other issuers: the owner's functions, their internals, and user_id() for policies
    ('issuer_add',        '{text,jsonb,text,text[],text[],text,text,text,text[],interval}', 'text', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('issuer_alter',      '{text,text,text[],text[],text,text,text,text[],interval,boolean}', 'void', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('issuer_set_jwks',   '{text,jsonb}',           'integer', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('issuer_remove',     '{text}',                 'void',  'VOLATILE', false, 'plpgsql', 'u', true),
    ('_issuer_check',     '{jwt_auth.issuers}',     'void',  'VOLATILE', false, 'plpgsql', 'u', false),
    ('_issuer_store_jwks', '{text,jsonb}',          'integer', 'VOLATILE', false, 'plpgsql', 'u', false),
    ('_issuer_jwks_check', '{jsonb,boolean}',       'integer', 'IMMUTABLE', false, 'c',      'u', false),
    ('_claim_path_check', '{text}',                 'void',  'IMMUTABLE', false, 'c',       'u', false),
    ('_issuers_changed',  '{}',                     'trigger', 'VOLATILE', false, 'c',      'u', false),
    ('user_id',           '{}',                     'text',  'STABLE',   false, 'c',       'r', false),
    -- keys fetched from a jwks_uri (fetch.sql): the owner's refresh and discovery, the GET
    ('_issuer_fetch',     '{text}',                 'record', 'VOLATILE', false, 'c',      'u', false),
    ('_issuers_fetch_wake', '{}',                   'trigger', 'VOLATILE', false, 'c',     'u', false),
    ('issuer_refresh',    '{text}',                 'boolean', 'VOLATILE', false, 'plpgsql', 'u', true),
    ('issuer_discover',   '{text,text[],text[],text,text,text,text[],interval}', 'text', 'VOLATILE', false, 'plpgsql', 'u', true);

-- the list above has the 115 functions of the SQL surface
SELECT is((SELECT count(*) FROM expected_function)::int, 115,
    'the expected SQL surface lists 115 functions');

-- every function exists with its exact argument types (115 tests)
SELECT has_function('jwt_auth', name, args,
        format('function jwt_auth.%s(%s) exists', name, array_to_string(args, ', ')))
  FROM expected_function ORDER BY name, args;

-- every function returns its contract type (115 tests)
SELECT function_returns('jwt_auth', name, args, returns,
        format('jwt_auth.%s(%s) returns %s', name, array_to_string(args, ', '), returns))
  FROM expected_function ORDER BY name, args;

-- volatility is accurate: verification STABLE, signing VOLATILE, transforms IMMUTABLE (115 tests)
SELECT volatility_is('jwt_auth', name, args, volatility,
        format('jwt_auth.%s(%s) is %s', name, array_to_string(args, ', '), volatility))
  FROM expected_function ORDER BY name, args;

-- strictness: NULL input gives NULL except where a NULL must be judged (115 tests)
SELECT CASE WHEN strict
        THEN is_strict('jwt_auth', name, args,
            format('jwt_auth.%s(%s) is STRICT', name, array_to_string(args, ', ')))
        ELSE isnt_strict('jwt_auth', name, args,
            format('jwt_auth.%s(%s) is called on NULL input', name, array_to_string(args, ', ')))
       END
  FROM expected_function ORDER BY name, args;

-- the language: C, except the key store's SQL and plpgsql wrappers (115 tests)
SELECT function_lang_is('jwt_auth', name, args, lang,
        format('jwt_auth.%s(%s) is written in %s', name, array_to_string(args, ', '), lang))
  FROM expected_function ORDER BY name, args;

-- exactly the key store's writers and jwks() run with their owner's rights (115 tests)
SELECT CASE WHEN definer
        THEN is_definer('jwt_auth', name, args,
            format('jwt_auth.%s(%s) is SECURITY DEFINER', name, array_to_string(args, ', ')))
        ELSE isnt_definer('jwt_auth', name, args,
            format('jwt_auth.%s(%s) is not SECURITY DEFINER', name, array_to_string(args, ', ')))
       END
  FROM expected_function ORDER BY name, args;

-- parallel safety: safe where nothing is written (115 tests)
SELECT is(p.proparallel, e.parallel,
        format('jwt_auth.%s(%s) is PARALLEL %s', e.name, array_to_string(e.args, ', '),
               CASE e.parallel WHEN 's' THEN 'SAFE' WHEN 'r' THEN 'RESTRICTED' ELSE 'UNSAFE' END))
  FROM expected_function e
  JOIN pg_catalog.pg_proc p
    ON p.pronamespace = 'jwt_auth'::regnamespace AND p.proname = e.name
   AND pg_catalog.oidvectortypes(p.proargtypes) = array_to_string(e.args, ', ')
 ORDER BY e.name, e.args;

-- every SECURITY DEFINER function pins its search_path to pg_catalog, pg_temp, and those
-- that take a password, a token or a key keep the failing statement out of the server log
-- (31 tests)
SELECT is(p.proconfig, ARRAY['search_path=pg_catalog, pg_temp'] ||
                       CASE WHEN e.name IN ('auth_login', 'auth_refresh', 'auth_logout', 'user_create',
                                            'user_import', 'user_set_password', 'key_import',
                                            'auth_change_password', 'auth_reset_request', 'auth_reset',
                                            'auth_verification_request', 'auth_verify', 'auth_signup',
                                            'issuer_add', 'issuer_set_jwks')
                            THEN ARRAY['log_min_error_statement=panic'] ELSE '{}' END,
        format('SECURITY DEFINER jwt_auth.%s(%s) pins search_path = pg_catalog, pg_temp%s',
               e.name, array_to_string(e.args, ', '),
               CASE WHEN e.name IN ('auth_login', 'auth_refresh', 'auth_logout', 'user_create',
                                    'user_import', 'user_set_password', 'key_import',
                                            'auth_change_password', 'auth_reset_request', 'auth_reset',
                                            'auth_verification_request', 'auth_verify', 'auth_signup',
                                            'issuer_add', 'issuer_set_jwks')
                    THEN ' and log_min_error_statement = panic' ELSE '' END))
  FROM expected_function e
  JOIN pg_catalog.pg_proc p
    ON p.pronamespace = 'jwt_auth'::regnamespace AND p.proname = e.name
   AND pg_catalog.oidvectortypes(p.proargtypes) = array_to_string(e.args, ', ')
 WHERE e.definer
 ORDER BY e.name, e.args;
SELECT is_empty(
    $$SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.prosecdef
         AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)$$,
    'no SECURITY DEFINER function in jwt_auth runs with the caller''s search_path');

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

------------------------------------------------------------------------
-- The key store's functions: argument names and defaults as documented
------------------------------------------------------------------------

SELECT is(pg_catalog.pg_get_function_arguments('jwt_auth.key_generate(text,text,text)'::regprocedure),
    $$alg text DEFAULT 'HS256'::text, kid text DEFAULT NULL::text, status text DEFAULT 'active'::text$$,
    'key_generate(alg DEFAULT ''HS256'', kid DEFAULT NULL, status DEFAULT ''active'')');
SELECT is(pg_catalog.pg_get_function_arguments('jwt_auth.key_import(text,text,text,text)'::regprocedure),
    $$key text, alg text, kid text DEFAULT NULL::text, status text DEFAULT 'standby'::text$$,
    'key_import(key text, alg, kid DEFAULT NULL, status DEFAULT ''standby'')');
SELECT is(pg_catalog.pg_get_function_arguments('jwt_auth.key_import(bytea,text,text,text)'::regprocedure),
    $$key bytea, alg text, kid text DEFAULT NULL::text, status text DEFAULT 'standby'::text$$,
    'key_import(key bytea, alg, kid DEFAULT NULL, status DEFAULT ''standby'')');
SELECT is(pg_catalog.pg_get_function_arguments('jwt_auth.key_import(jsonb,text,text,text)'::regprocedure),
    $$key jsonb, alg text DEFAULT NULL::text, kid text DEFAULT NULL::text, status text DEFAULT 'standby'::text$$,
    'key_import(key jsonb, alg DEFAULT NULL (the JWK''s), kid DEFAULT NULL (the JWK''s), status DEFAULT ''standby'')');
SELECT is(pg_catalog.pg_get_function_arguments('jwt_auth.key_set_status(text,text)'::regprocedure),
    'kid text, status text',
    'key_set_status(kid, status)');
SELECT is(pg_catalog.pg_get_function_arguments('jwt_auth.jwt_sign(jsonb)'::regprocedure),
    'payload jsonb', 'jwt_sign(payload jsonb) signs with the stored key');
SELECT is(pg_catalog.pg_get_function_arguments('jwt_auth.jwt_verify(text)'::regprocedure),
    'token text', 'jwt_verify(token) verifies with the stored keys');
-- the internal key material functions return (private_key bytea, public_jwk jsonb)
SELECT is(pg_catalog.pg_get_function_result('jwt_auth._key_new(text)'::regprocedure),
    'record', '_key_new returns a record');
SELECT is(
    (SELECT array_to_string(p.proargnames, ',') || ' / ' || array_to_string(p.proargmodes, ',')
       FROM pg_catalog.pg_proc p WHERE p.oid = 'jwt_auth._key_new(text)'::regprocedure),
    'alg,private_key,public_jwk / i,o,o',
    '_key_new(alg) has OUT private_key, public_jwk');
SELECT is(
    (SELECT array_to_string(array_agg(DISTINCT array_to_string(p.proargnames, ',') || ' / ' ||
                                              array_to_string(p.proargmodes, ',')), '; ')
       FROM pg_catalog.pg_proc p
      WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.proname = '_key_parse'),
    'alg,key,private_key,public_jwk / i,i,o,o',
    'each _key_parse(alg, key) has OUT private_key, public_jwk');

------------------------------------------------------------------------
-- The table jwt_auth.keys
------------------------------------------------------------------------

SELECT has_table('jwt_auth', 'keys', 'table jwt_auth.keys exists');
SELECT columns_are('jwt_auth', 'keys',
    ARRAY['kid', 'alg', 'status', 'private_key', 'public_jwk', 'created_at', 'status_changed_at'],
    'jwt_auth.keys has exactly the documented columns');
SELECT col_type_is('jwt_auth', 'keys', 'kid', 'text', 'keys.kid is text');
SELECT col_type_is('jwt_auth', 'keys', 'alg', 'text', 'keys.alg is text');
SELECT col_type_is('jwt_auth', 'keys', 'status', 'text', 'keys.status is text');
SELECT col_type_is('jwt_auth', 'keys', 'private_key', 'bytea', 'keys.private_key is bytea');
SELECT col_type_is('jwt_auth', 'keys', 'public_jwk', 'jsonb', 'keys.public_jwk is jsonb');
SELECT col_type_is('jwt_auth', 'keys', 'created_at', 'timestamp with time zone', 'keys.created_at is timestamptz');
SELECT col_type_is('jwt_auth', 'keys', 'status_changed_at', 'timestamp with time zone', 'keys.status_changed_at is timestamptz');
SELECT col_is_pk('jwt_auth', 'keys', 'kid', 'the kid is the primary key');
SELECT col_not_null('jwt_auth', 'keys', 'alg', 'keys.alg is NOT NULL');
SELECT col_not_null('jwt_auth', 'keys', 'status', 'keys.status is NOT NULL');
SELECT col_is_null('jwt_auth', 'keys', 'private_key', 'keys.private_key may be NULL (a key that only verifies)');
SELECT col_is_null('jwt_auth', 'keys', 'public_jwk', 'keys.public_jwk may be NULL (an HMAC key)');
SELECT col_not_null('jwt_auth', 'keys', 'created_at', 'keys.created_at is NOT NULL');
SELECT col_has_default('jwt_auth', 'keys', 'created_at', 'keys.created_at has a default');
SELECT col_has_default('jwt_auth', 'keys', 'status_changed_at', 'keys.status_changed_at has a default');
SELECT col_has_check('jwt_auth', 'keys', 'status', 'keys.status is checked');
SELECT has_index('jwt_auth', 'keys', 'keys_one_active', 'index keys_one_active exists');
SELECT index_is_unique('jwt_auth', 'keys', 'keys_one_active', 'keys_one_active is unique: one active key at most');
SELECT is(
    (SELECT pg_catalog.pg_get_expr(i.indpred, i.indrelid) FROM pg_catalog.pg_index i
      WHERE i.indexrelid = 'jwt_auth.keys_one_active'::regclass),
    '(status = ''active''::text)',
    'keys_one_active covers the active keys only');
SELECT has_trigger('jwt_auth', 'keys', 'keys_changed', 'trigger keys_changed exists');
SELECT trigger_is('jwt_auth', 'keys', 'keys_changed', 'jwt_auth', '_keys_changed',
    'keys_changed calls jwt_auth._keys_changed()');
SELECT is(
    (SELECT pg_catalog.pg_get_triggerdef(t.oid) FROM pg_catalog.pg_trigger t
      WHERE t.tgrelid = 'jwt_auth.keys'::regclass AND t.tgname = 'keys_changed'),
    'CREATE TRIGGER keys_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON jwt_auth.keys FOR EACH STATEMENT EXECUTE FUNCTION jwt_auth._keys_changed()',
    'keys_changed fires after every kind of change, TRUNCATE included, once per statement');
-- logical replication: the apply worker fires triggers enabled ALWAYS or REPLICA, and row-level ones only
SELECT is(
    (SELECT t.tgenabled FROM pg_catalog.pg_trigger t
      WHERE t.tgrelid = 'jwt_auth.keys'::regclass AND t.tgname = 'keys_changed'),
    'A', 'keys_changed fires always, in a logical-replication apply worker too');
SELECT is(
    (SELECT pg_catalog.pg_get_triggerdef(t.oid) || ' (' || t.tgenabled::text || ')' FROM pg_catalog.pg_trigger t
      WHERE t.tgrelid = 'jwt_auth.keys'::regclass AND t.tgname = 'keys_applied'),
    'CREATE TRIGGER keys_applied AFTER INSERT OR DELETE OR UPDATE ON jwt_auth.keys FOR EACH ROW EXECUTE FUNCTION jwt_auth._keys_changed() (R)',
    'keys_applied tells the backends of each row an apply worker writes (enabled REPLICA)');
SELECT is(
    (SELECT pg_catalog.pg_get_triggerdef(t.oid) || ' (' || t.tgenabled::text || ')' FROM pg_catalog.pg_trigger t
      WHERE t.tgrelid = 'jwt_auth.keys'::regclass AND t.tgname = 'keys_replicated'),
    'CREATE TRIGGER keys_replicated BEFORE INSERT OR UPDATE ON jwt_auth.keys FOR EACH ROW EXECUTE FUNCTION jwt_auth._keys_replicated() (R)',
    'keys_replicated checks each row an apply worker writes (enabled REPLICA)');
-- what authenticate() reads of a session and its user: each change noted, in an apply worker too
SELECT is(
    (SELECT pg_catalog.pg_get_triggerdef(t.oid) || ' (' || t.tgenabled::text || ')' FROM pg_catalog.pg_trigger t
      WHERE t.tgrelid = format('jwt_auth.%s', tab)::regclass AND t.tgname = trig),
    def, format('%s notes the changes authenticate() must see (enabled ALWAYS)', trig))
  FROM (VALUES
    ('sessions', 'sessions_changed', 'CREATE TRIGGER sessions_changed AFTER INSERT OR DELETE OR UPDATE OF id, user_id, expires_at, revoked_at, generation, previous_generation ON jwt_auth.sessions FOR EACH ROW EXECUTE FUNCTION jwt_auth._standing_changed() (A)'),
    ('sessions', 'sessions_truncated', 'CREATE TRIGGER sessions_truncated AFTER TRUNCATE ON jwt_auth.sessions FOR EACH STATEMENT EXECUTE FUNCTION jwt_auth._standing_changed() (A)'),
    ('users', 'users_changed', 'CREATE TRIGGER users_changed AFTER INSERT OR DELETE OR UPDATE OF id, disabled, logout_before ON jwt_auth.users FOR EACH ROW EXECUTE FUNCTION jwt_auth._standing_changed() (A)'),
    ('users', 'users_truncated', 'CREATE TRIGGER users_truncated AFTER TRUNCATE ON jwt_auth.users FOR EACH STATEMENT EXECUTE FUNCTION jwt_auth._standing_changed() (A)')
  ) AS x (tab, trig, def);
SELECT isnt(pg_catalog.obj_description('jwt_auth.keys'::regclass, 'pg_class'), NULL,
    'jwt_auth.keys has a comment');
SELECT ok(
    EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
             WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = 'jwt_auth.keys'::regclass
               AND d.deptype = 'e'
               AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'jwt_auth')),
    'jwt_auth.keys is a member of the extension');
SELECT ok(
    (SELECT 'jwt_auth.keys'::regclass = ANY (extconfig) FROM pg_catalog.pg_extension WHERE extname = 'jwt_auth'),
    'jwt_auth.keys is registered with pg_extension_config_dump (pg_dump keeps the keys)');
SELECT is(
    (SELECT extcondition[array_position(extconfig, 'jwt_auth.keys'::regclass)]
       FROM pg_catalog.pg_extension WHERE extname = 'jwt_auth'),
    '',
    'pg_dump keeps every row of jwt_auth.keys (no filter condition)');
SELECT is(
    (SELECT relrowsecurity OR relforcerowsecurity FROM pg_catalog.pg_class WHERE oid = 'jwt_auth.keys'::regclass),
    false,
    'jwt_auth.keys needs no row security: no role but the owner has any privilege on it');

-- the table's constraints hold even against the owner's own statements
SELECT throws_ok(
    $$INSERT INTO jwt_auth.keys (kid, alg, status, private_key) VALUES ('pgtap-1', 'HS256', 'deleted', '\x00')$$,
    '23514', NULL, 'a status outside the lifecycle is refused by the table');
SELECT throws_ok(
    $$INSERT INTO jwt_auth.keys (kid, alg, status) VALUES ('pgtap-1', 'HS256', 'standby')$$,
    '23514', NULL, 'a key with neither private nor public material is refused by the table');
SELECT throws_ok(
    $$INSERT INTO jwt_auth.keys (kid, alg, status, public_jwk) VALUES ('pgtap-1', 'ES256', 'active', '{}')$$,
    '23514', NULL, 'an active key without its private part is refused by the table');
SELECT throws_ok(
    $$INSERT INTO jwt_auth.keys (kid, alg, status, private_key)
      VALUES ('pgtap-1', 'HS256', 'active', '\x00'), ('pgtap-2', 'HS256', 'active', '\x01')$$,
    '23505', NULL, 'two active keys are refused by the table');

-- the extension itself: it owns schema jwt_auth, is not relocatable, needs pgcrypto
SELECT results_eq(
    $$SELECT e.extnamespace::regnamespace::text, e.extrelocatable
        FROM pg_catalog.pg_extension e WHERE e.extname = 'jwt_auth'$$,
    $$VALUES ('pg_catalog', false)$$,
    'jwt_auth is not relocatable (its control file names pg_catalog, as it makes its own schema)');
SELECT ok(
    EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
              JOIN pg_catalog.pg_extension e ON d.refobjid = e.oid AND e.extname = 'jwt_auth'
             WHERE d.classid = 'pg_catalog.pg_namespace'::regclass
               AND d.objid = 'jwt_auth'::regnamespace AND d.deptype = 'e'),
    'schema jwt_auth is a member of the extension, so DROP EXTENSION removes it');
SELECT ok(
    EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
              JOIN pg_catalog.pg_extension e ON d.objid = e.oid AND e.extname = 'jwt_auth'
              JOIN pg_catalog.pg_extension r ON d.refobjid = r.oid AND r.extname = 'pgcrypto'
             WHERE d.classid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'n'),
    'jwt_auth requires pgcrypto');

SELECT * FROM finish();
ROLLBACK;
