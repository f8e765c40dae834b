-- Secrets never reach the server log: every error path of jwt_auth, driven with distinctive
-- secrets (keys, passwords, tokens, refresh tokens, password hashes, most of them carrying the
-- random LEAK_TAG), each failing statement at top level so that its error, with errdetail,
-- errhint and context, is logged. The database (see test/security/run) logs from debug1 up in
-- verbose form but never the statement (log_min_error_statement = panic), so what reaches the
-- log is what jwt_auth and PostgreSQL say. The run script then greps the log, and what the
-- client was told, for the tag and for every secret this file writes to LEAK_SECRETS.
--
-- Run by test/security/run as a superuser (psql -At, ON_ERROR_STOP off while errors are
-- driven); prints nothing but "log_leak.sql: done" at its end. The real password is
-- SEC_PASSWORD.
\set VERBOSITY verbose
\set SHOW_CONTEXT always
\getenv pw SEC_PASSWORD
\getenv tag LEAK_TAG
\getenv secrets LEAK_SECRETS
\o /dev/null
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;
CREATE ROLE leak_client LOGIN;
CREATE ROLE leak_app NOLOGIN;
GRANT leak_app TO leak_client;
CREATE TEMP TABLE secrets (s text);
CREATE FUNCTION pg_temp.b64(t text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT jwt_auth.base64url_encode(convert_to(t, 'UTF8')) $$;
-- a compact JWS over any header and payload, signed HS256 with key (pgcrypto's hmac)
CREATE FUNCTION pg_temp.forge(header text, payload text, key text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_temp.b64(header) || '.' || pg_temp.b64(payload) || '.'
             || jwt_auth.base64url_encode(hmac(pg_temp.b64(header) || '.' || pg_temp.b64(payload), key, 'sha256')) $$;
-- a token, and its signature on its own, are secrets
CREATE FUNCTION pg_temp.keep(VARIADIC tokens text[]) RETURNS void LANGUAGE sql
AS $$ INSERT INTO pg_temp.secrets SELECT t FROM unnest(tokens) t
      UNION ALL SELECT split_part(t, '.', 3) FROM unnest(tokens) t WHERE split_part(t, '.', 3) <> '' $$;

-- The made-up secrets. hmac and wrong_key are valid HS256 keys (48 bytes), short one is not.
SELECT 'hmac-' || :'tag' || '-0123456789abcdef' AS hmac,
       'wrong-' || :'tag' || '-0123456789abcde' AS wrong_key,
       'sh' || :'tag' AS short,
       'pw-' || :'tag' AS pw_fake,
       'rt-' || :'tag' || '-AAAAAAAAAAAAAAAA' AS rt_fake,
       E'-----BEGIN PRIVATE KEY-----\nMIIEvQ' || :'tag' || E'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n' AS pem_garbage
\gset
INSERT INTO secrets VALUES (:'pw'), (:'hmac'), (:'wrong_key'), (:'short'), (:'pw_fake'), (:'rt_fake'),
    (pg_temp.b64(:'hmac')), (pg_temp.b64(:'short')), (pg_temp.b64(:'wrong_key'));
SELECT jsonb_build_object('kty', 'oct', 'k', pg_temp.b64(:'short'))::text AS jwk_short,
       jsonb_build_object('kty', 'oct', 'k', pg_temp.b64(:'hmac'), 'alg', 'RS256')::text AS jwk_oct_for_rs,
       jsonb_build_object('keys', jsonb_build_array(jsonb_build_object('kty', 'oct', 'kid', 'elsewhere',
                                                                       'k', pg_temp.b64(:'hmac'))))::text AS jwks_other_kid
\gset

-- The tokens: signed with hmac (the note claim carries the tag), each broken in one way
SELECT jwt_auth.jwt_sign(jsonb_build_object('sub', 'leak', 'exp', 4102444800, 'note', :'tag'), :'hmac') AS tok_good,
       jwt_auth.jwt_sign('{"sub": "leak", "exp": 1000}'::jsonb, :'hmac') AS tok_expired,
       jwt_auth.jwt_sign('{"sub": "leak", "exp": 4102444800, "nbf": 4102444000}'::jsonb, :'hmac') AS tok_nbf,
       jwt_auth.jwt_sign('{"sub": "leak", "exp": 4102444800, "iat": 4102444000}'::jsonb, :'hmac') AS tok_iat,
       jwt_auth.jwt_sign('{"sub": "leak", "exp": 4102444800, "aud": "api"}'::jsonb, :'hmac') AS tok_aud,
       jwt_auth.jwt_sign('{"sub": "leak", "exp": 4102444800, "iss": "https://issuer.test"}'::jsonb, :'hmac') AS tok_iss,
       jwt_auth.jwt_sign('{"sub": "leak", "exp": "tomorrow"}'::jsonb, :'hmac') AS tok_exp_string,
       pg_temp.forge('{"alg":"HS256","crit":["exp"]}', '{"sub":"leak"}', :'hmac') AS tok_crit,
       pg_temp.forge('{"alg":"HS256","alg":"none"}', '{"sub":"leak"}', :'hmac') AS tok_dup,
       pg_temp.b64('{"alg":"none"}') || '.' || pg_temp.b64('{"sub":"leak","note":"' || :'tag' || '"}') || '.' AS tok_none,
       :'tag' || '.' || :'tag' || '.' || :'tag' AS tok_garbage
\gset
SELECT split_part(:'tok_good', '.', 1) || '.' || split_part(:'tok_good', '.', 2) || '.'
           || split_part(:'tok_expired', '.', 3) AS tok_badsig,
       :'tok_good' || '.' || pg_temp.b64(:'tag') AS tok_4seg,
       :'tok_good' || '==' AS tok_padding,
       replace(:'tok_good', '.', ' .') AS tok_space,
       translate(:'tok_good', '-_', '+/') || '+/' AS tok_plus
\gset
SELECT pg_temp.keep(:'tok_good', :'tok_expired', :'tok_nbf', :'tok_iat', :'tok_aud', :'tok_iss', :'tok_exp_string',
                    :'tok_crit', :'tok_dup', :'tok_none', :'tok_badsig', :'tok_4seg', :'tok_padding', :'tok_space',
                    :'tok_plus', :'tok_garbage');

\set ON_ERROR_STOP 0
------------------------------------------------------------------------
-- Tokens with a key the caller passes
------------------------------------------------------------------------
SELECT jwt_auth.jwt_verify(:'tok_expired', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_nbf', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_iat', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_aud', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_iss', :'hmac', 'HS256', NULL, 'https://other.test');
SELECT jwt_auth.jwt_verify(:'tok_exp_string', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_good', :'wrong_key');
SELECT jwt_auth.jwt_verify(:'tok_good', :'hmac', 'HS384');
SELECT jwt_auth.jwt_verify(:'tok_good', :'short');
SELECT jwt_auth.jwt_verify(:'tok_badsig', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_crit', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_dup', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_none', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_none', :'hmac', 'none');
SELECT jwt_auth.jwt_verify(:'tok_garbage', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_4seg', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_padding', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_space', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_plus', :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_good', :'pem_garbage', 'RS256');
SELECT jwt_auth.jwt_verify(:'tok_good', :'jwk_short'::jsonb);
SELECT jwt_auth.jwt_verify(:'tok_good', :'jwks_other_kid'::jsonb);
SELECT jwt_auth.jwt_verify(:'tok_good', :'jwk_oct_for_rs'::jsonb, 'RS256');
SELECT jwt_auth.jwt_verify(:'tok_good', NULL::text);
SELECT jwt_auth.jwt_verify(NULL, :'hmac');
SELECT jwt_auth.jwt_verify(:'tok_good', :'hmac', 'HS256', NULL, NULL, '-1 hour');
SELECT jwt_auth.jwt_valid(:'tok_good', :'short');
SELECT jwt_auth.jwt_valid(:'tok_good', :'pem_garbage', 'ES256');
SELECT jwt_auth.jwt_decode(:'tok_garbage');
SELECT jwt_auth.jwt_decode(:'tok_padding');
SELECT jwt_auth.jws_verify(:'tok_good', :'wrong_key');
SELECT jwt_auth.jws_verify(:'tok_garbage', :'hmac');
SELECT jwt_auth.jws_sign(convert_to(:'tag', 'UTF8'), :'short');
SELECT jwt_auth.jwt_sign(jsonb_build_object('note', :'tag'), :'short');
SELECT jwt_auth.jwt_sign(jsonb_build_object('note', :'tag'), :'pem_garbage', 'RS256');
SELECT jwt_auth.jwt_sign(jsonb_build_object('note', :'tag'), :'hmac', 'HS256', '{"alg": "none"}');
SELECT jwt_auth.jwt_sign('not json ' || :'tag', :'hmac');
SELECT jwt_auth.jwt_sign('{"a": "' || :'tag' || '", "a": 2}', :'hmac');
SELECT jwt_auth.jwt_sign('["' || :'tag' || '"]', :'hmac');
SELECT jwt_auth.jwt_sign('{}'::jsonb, :'jwks_other_kid'::jsonb);
SELECT jwt_auth.jwt_sign('{}'::jsonb, :'jwk_oct_for_rs'::jsonb, 'HS256');
SELECT jwt_auth.base64url_decode('*' || :'tag');
SELECT jwt_auth.base64url_decode(:'tag' || '=');
SELECT * FROM jwt_auth.verify(:'tok_good', NULL);
SELECT jwt_auth.sign('{"note": 1}', :'hmac', 'HS999');

------------------------------------------------------------------------
-- The key store
------------------------------------------------------------------------
SELECT jwt_auth.jwt_sign('{"sub": "nobody signs this"}'::jsonb);   -- no active key yet: 55000
SELECT jwt_auth.key_import(:'pem_garbage', 'RS256');
SELECT jwt_auth.key_import(:'short', 'HS256');
SELECT jwt_auth.key_import(convert_to(:'short', 'UTF8'), 'HS256');
SELECT jwt_auth.key_import(:'hmac', 'RS256');
SELECT jwt_auth.key_import(:'jwk_short'::jsonb, 'HS256');
SELECT jwt_auth.key_import(:'jwk_oct_for_rs'::jsonb);
SELECT jwt_auth.key_import(:'jwks_other_kid'::jsonb, 'HS256');
\set ON_ERROR_STOP 1
SELECT jwt_auth.key_import(:'hmac', 'HS256', 'leak-hs', 'active');
SELECT jwt_auth.key_generate('ES256', 'leak-es', 'standby');
SELECT jwt_auth.key_generate('RS256', 'leak-rs', 'standby');
-- the generated private keys are secrets too: their PEM lines
INSERT INTO secrets
SELECT line FROM jwt_auth.keys k, regexp_split_to_table(convert_from(k.private_key, 'UTF8'), E'\n') line
 WHERE k.kid IN ('leak-es', 'leak-rs') AND line !~ '^-----' AND length(line) >= 40;
-- a private EC JWK whose d does not belong to its (real) public point, and the public ones
SELECT (public_jwk || jsonb_build_object('d', pg_temp.b64(:'tag' || '-0123')))::text AS jwk_ec_bad_d
  FROM jwt_auth.keys WHERE kid = 'leak-es' \gset
SELECT public_jwk::text AS jwk_rs_public FROM jwt_auth.keys WHERE kid = 'leak-rs' \gset
INSERT INTO secrets VALUES (pg_temp.b64(:'tag' || '-0123'));
SELECT jwt_auth.jwt_sign(jsonb_build_object('sub', 'leak', 'exp', 4102444800, 'note', :'tag')) AS stored_good,
       jwt_auth.jwt_sign('{"sub": "leak", "exp": 1000}'::jsonb) AS stored_expired,
       jwt_auth.jwt_sign('{"sub": "leak", "exp": 4102444800, "role": "pg_read_server_files"}'::jsonb) AS stored_role,
       jwt_auth.jwt_sign('{"sub": "leak", "exp": 4102444800, "role": 42}'::jsonb) AS stored_role_number,
       pg_temp.forge('{"alg":"HS256","typ":"JWT","kid":"leak-hs"}', '{"sub":"leak","exp":4102444800}', :'wrong_key') AS stored_badsig,
       pg_temp.forge('{"alg":"HS256","typ":"JWT","kid":"no-such-kid"}', '{"sub":"leak","exp":4102444800}', :'hmac') AS stored_nokid
\gset
SELECT pg_temp.keep(:'stored_good', :'stored_expired', :'stored_role', :'stored_role_number', :'stored_badsig', :'stored_nokid');
\set ON_ERROR_STOP 0
SELECT jwt_auth.key_import(:'hmac', 'HS256', 'leak-hs');
SELECT jwt_auth.key_import(:'jwk_ec_bad_d'::jsonb, 'ES256', 'leak-ec-bad');
SELECT jwt_auth.jwt_sign('{}'::jsonb, :'jwk_rs_public'::jsonb, 'RS256');
SELECT jwt_auth.jwt_verify(:'tok_good', :'jwk_rs_public', 'HS256');
SELECT jwt_auth.jwt_verify(:'tok_good', :'jwk_rs_public'::jsonb, 'RS256');
SELECT jwt_auth.jwt_verify(:'stored_badsig');
SELECT jwt_auth.jwt_verify(:'stored_nokid');
SELECT jwt_auth.jwt_verify(:'stored_expired');
SELECT jwt_auth.jwt_verify(:'tok_badsig');
SELECT jwt_auth.jwt_verify(:'tok_garbage');

------------------------------------------------------------------------
-- Users and passwords
------------------------------------------------------------------------
\set ON_ERROR_STOP 1
SELECT jwt_auth.user_create('leak-user', :'pw');
\set ON_ERROR_STOP 0
SET jwt_auth.min_password_length = 72;
SELECT jwt_auth.user_create('leak-u1', :'pw_fake');
RESET jwt_auth.min_password_length;
SELECT jwt_auth.user_create('leak-u2', repeat(:'pw_fake', 3));
SELECT jwt_auth.user_create('leak-user', :'pw');
SELECT jwt_auth.user_create(E'bad\x01name', :'pw_fake');
SELECT jwt_auth.user_create('leak-u3', :'pw_fake', 'no_such_role');
SELECT jwt_auth.user_create(NULL, :'pw_fake');
SELECT jwt_auth.user_create('leak-u5', NULL);
SELECT jwt_auth.user_create('leak-u6', :'pw_fake', NULL, jsonb_build_array(:'tag'));
SELECT jwt_auth.user_import('leak-u4', 'hash-' || :'tag');
SELECT jwt_auth.user_import('leak-u4', '$2a$04$' || :'tag' || 'AAAAAAAAAAAAAAAAAAAAAAAAAAA!');
SELECT jwt_auth.user_set_password('leak-user', repeat(:'pw_fake', 3));
SELECT jwt_auth.user_set_password('nobody', :'pw_fake');
SELECT jwt_auth.user_set_disabled('nobody');
SELECT jwt_auth.user_delete('nobody');
INSERT INTO secrets VALUES ('hash-' || :'tag');

------------------------------------------------------------------------
-- Logins
------------------------------------------------------------------------
SELECT jwt_auth.auth_login('leak-user', :'pw_fake');
SELECT jwt_auth.auth_login('nobody', :'pw_fake');
SELECT jwt_auth.auth_login('leak-user', repeat(:'pw_fake', 3));
SELECT jwt_auth.auth_login(NULL, :'pw_fake');
SELECT jwt_auth.auth_login('leak-user', NULL);
SELECT jwt_auth.auth_login(:'pw_fake', :'pw_fake');        -- a password typed as the username
SELECT jwt_auth.auth_login(:'pw', :'pw');
SELECT jwt_auth.user_set_disabled('leak-user');
SELECT jwt_auth.auth_login('leak-user', :'pw');            -- disabled: the right password fails
SELECT jwt_auth.user_set_disabled('leak-user', false);

------------------------------------------------------------------------
-- Refresh tokens and sessions (the reuse revokes through a background worker)
------------------------------------------------------------------------
\set ON_ERROR_STOP 1
SELECT jwt_auth.auth_login('leak-user', :'pw') AS login1 \gset
SELECT :'login1'::jsonb ->> 'access_token' AS a1, :'login1'::jsonb ->> 'refresh_token' AS r1 \gset
SELECT jwt_auth.auth_refresh(:'r1') AS login2 \gset
SELECT :'login2'::jsonb ->> 'access_token' AS a2, :'login2'::jsonb ->> 'refresh_token' AS r2 \gset
SELECT jwt_auth.jwt_verify(:'a1')::text AS claims1 \gset
SELECT jwt_auth.auth_login('leak-user', :'pw') AS login3 \gset
SELECT :'login3'::jsonb ->> 'access_token' AS a3, :'login3'::jsonb ->> 'refresh_token' AS r3 \gset
SET jwt_auth.refresh_ttl = 1;
SELECT jwt_auth.auth_login('leak-user', :'pw') AS login4 \gset
RESET jwt_auth.refresh_ttl;
SELECT :'login4'::jsonb ->> 'refresh_token' AS r4 \gset
SELECT pg_temp.keep(:'a1', :'r1', :'a2', :'r2', :'a3', :'r3', :'r4');
SELECT pg_sleep(1.5);
\set ON_ERROR_STOP 0
SELECT jwt_auth.auth_refresh(:'rt_fake');
SELECT jwt_auth.auth_refresh(NULL);
SELECT jwt_auth.auth_refresh(:'a1');                      -- an access token is no refresh token
SELECT jwt_auth.auth_refresh(:'r4');                      -- expired
SELECT jwt_auth.auth_refresh(:'r1');                      -- reused: the session is revoked
SELECT jwt_auth.auth_refresh(:'r2');                      -- its session is revoked
SELECT jwt_auth.authenticate(:'a2');
SELECT jwt_auth.auth_logout(:'r2', 'others');             -- a revoked session cannot
SELECT jwt_auth.auth_logout(:'rt_fake');
SELECT jwt_auth.auth_logout(:'r3', 'nowhere');
SELECT jwt_auth.auth_logout(NULL);                        -- no session in the claims
SELECT jwt_auth.user_set_disabled('leak-user');
SELECT jwt_auth.auth_refresh(:'r3');                      -- disabled user
SELECT jwt_auth.authenticate(:'a3');                      -- disabled user
SELECT jwt_auth.user_set_disabled('leak-user', false);
SELECT jwt_auth.authenticate(:'tok_garbage');
SELECT jwt_auth.authenticate(:'tok_badsig');
SELECT jwt_auth.authenticate(:'stored_expired');
SELECT jwt_auth.authenticate(:'stored_badsig');
SELECT jwt_auth.authenticate(:'stored_role_number');
SELECT jwt_auth.authenticate(NULL);
SELECT set_config('request.jwt.claims', :'claims1', false);
SELECT jwt_auth.pre_request();                            -- the session was revoked by the reuse
RESET request.jwt.claims;

------------------------------------------------------------------------
-- The secrets, written for the run script; then an ordinary role
------------------------------------------------------------------------
\set ON_ERROR_STOP 1
\o :secrets
SELECT DISTINCT s FROM secrets WHERE s IS NOT NULL AND length(s) >= 12 AND s !~ '[\n\r]';
\o /dev/null
\connect - leak_client
\set ON_ERROR_STOP 0
SELECT jwt_auth.authenticate(:'stored_role');             -- may not become pg_read_server_files: 42501
SELECT jwt_auth.authenticate(:'a2');
-- refused by PostgreSQL before jwt_auth runs (no EXECUTE): these three statements are logged
SELECT jwt_auth.jwt_sign(jsonb_build_object('note', :'tag'));
SELECT jwt_auth.key_import(:'hmac', 'HS256', 'mine');
SELECT jwt_auth.user_create('mine', :'pw_fake');
SELECT jwt_auth.auth_login('leak-user', :'pw_fake');
SELECT jwt_auth.auth_refresh(:'r2');
SELECT jwt_auth.jwt_verify(:'tok_good', :'wrong_key');
SELECT private_key FROM jwt_auth.keys;
\set ON_ERROR_STOP 1
\echo 'log_leak.sql: done'
