-- search_path hijacking: an ordinary role (sec_mallory) owns a schema, puts it ahead of
-- pg_catalog in its search_path and fills it with look-alikes of what jwt_auth's SQL uses:
-- functions (crypt, gen_salt, lower, now, jsonb_build_object, ...), operators (= for text,
-- uuid and bytea, <=, ~, ?, ->>, ||, - ...) and tables and views named like jwt_auth's
-- (users, keys, sessions, refresh_tokens), in its own schema and in pg_temp. Each look-alike
-- returns what would let an attacker in (= is always true, crypt() returns the hash it is
-- given, now() is in 1970, ...) and, when it runs, says so: a WARNING starting with
-- "jwt_auth-hijack" (test/security/run looks for it on the client) and a row in evil.log.
-- Then the role calls every function PUBLIC may call that runs SQL or reads the tables
-- (auth_login, auth_refresh, auth_logout, authenticate, pre_request, jwt_verify with the stored
-- keys, jwks) and checks that each still does exactly its job, and that no look-alike ran.
--
-- Run by test/security/run as a superuser in a fresh database (jwt_auth.bcrypt_cost 4,
-- jwt_auth.refresh_reuse_interval 0), with the password in SEC_PASSWORD. Prints TAP lines
-- without numbers; tokens and the password are kept in psql variables, never printed.
\set ON_ERROR_STOP 1
\set VERBOSITY terse
\getenv pw SEC_PASSWORD
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;

\ir ../tap.sql
-- Runs a query under whatever search_path is in force (so it must not pin its own) and
-- returns its first column as text, or 'ERROR <sqlstate>'. Nothing in it can be hijacked:
-- EXECUTE, and a schema-qualified function.
-- what a test line may show of an attempt: its SQLSTATE, never a result (it may hold a token)
CREATE FUNCTION pg_temp.shown(result text) RETURNS text
LANGUAGE sql AS $$ SELECT CASE WHEN result LIKE 'ERROR _____' THEN result ELSE 'a result' END $$;
CREATE FUNCTION pg_temp.attempt(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    EXECUTE query INTO result;
    RETURN result;
EXCEPTION WHEN OTHERS THEN
    RETURN pg_catalog.concat('ERROR ', SQLSTATE);
END
$$;

CREATE ROLE sec_mallory LOGIN;
CREATE ROLE sec_app NOLOGIN;
GRANT sec_app TO sec_mallory;
CREATE SCHEMA evil AUTHORIZATION sec_mallory;
SELECT jwt_auth.key_generate('HS256', 'hijack-hs') \g /dev/null
SELECT jwt_auth.key_generate('ES256', 'hijack-es-standby', 'standby') \g /dev/null
SELECT jwt_auth.user_create('victim', :'pw', 'sec_app', '{"plan": "free"}') AS victim_id \gset

------------------------------------------------------------------------
-- The attacker's objects, made by the attacker
------------------------------------------------------------------------
SET ROLE sec_mallory;
CREATE TABLE evil.log (what text, run_as text);
GRANT ALL ON evil.log TO PUBLIC;
CREATE FUNCTION evil.ran(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE WARNING 'jwt_auth-hijack: % ran as % (phase %)',
        what, current_user, pg_catalog.current_setting('evil.phase', true);
    BEGIN
        INSERT INTO evil.log (what, run_as) VALUES (what, current_user);
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'jwt_auth-hijack: % could not log (%)', what, SQLSTATE;
    END;
END
$$;

-- functions, with the signatures jwt_auth's SQL would resolve to
CREATE FUNCTION evil.crypt(text, text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('crypt(text, text)'); RETURN $2; END $$;
CREATE FUNCTION evil.gen_salt(text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('gen_salt(text)'); RETURN 'x'; END $$;
CREATE FUNCTION evil.gen_salt(text, integer) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('gen_salt(text, integer)'); RETURN 'x'; END $$;
CREATE FUNCTION evil.lower(text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('lower(text)'); RETURN 'victim'; END $$;
CREATE FUNCTION evil.upper(text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('upper(text)'); RETURN 'VICTIM'; END $$;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('now()'); RETURN '1970-01-02 00:00:00+00'; END $$;
CREATE FUNCTION evil.clock_timestamp() RETURNS timestamptz LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('clock_timestamp()'); RETURN '1970-01-02 00:00:00+00'; END $$;
CREATE FUNCTION evil.statement_timestamp() RETURNS timestamptz LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('statement_timestamp()'); RETURN '1970-01-02 00:00:00+00'; END $$;
CREATE FUNCTION evil.gen_random_uuid() RETURNS uuid LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('gen_random_uuid()'); RETURN '00000000-0000-0000-0000-000000000000'; END $$;
CREATE FUNCTION evil.gen_random_bytes(integer) RETURNS bytea LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('gen_random_bytes(integer)'); RETURN '\x00'; END $$;
CREATE FUNCTION evil.current_setting(text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('current_setting(text)'); RETURN 'evil'; END $$;
CREATE FUNCTION evil.current_setting(text, boolean) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('current_setting(text, boolean)'); RETURN 'evil'; END $$;
CREATE FUNCTION evil.jsonb_build_object(text, text) RETURNS jsonb LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('jsonb_build_object(text, text)'); RETURN '{"role": "postgres"}'; END $$;
CREATE FUNCTION evil.jsonb_build_object(text, text, text, text) RETURNS jsonb LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('jsonb_build_object(text x4)'); RETURN '{"role": "postgres"}'; END $$;
CREATE FUNCTION evil.jsonb_build_object(text, text, text, text, text, text) RETURNS jsonb LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('jsonb_build_object(text x6)'); RETURN '{"role": "postgres"}'; END $$;
CREATE FUNCTION evil.jsonb_build_object(VARIADIC text[]) RETURNS jsonb LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('jsonb_build_object(VARIADIC text[])'); RETURN '{"role": "postgres"}'; END $$;
CREATE FUNCTION evil.jsonb_strip_nulls(jsonb) RETURNS jsonb LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('jsonb_strip_nulls(jsonb)'); RETURN '{"role": "postgres"}'; END $$;
CREATE FUNCTION evil.jsonb_typeof(jsonb) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('jsonb_typeof(jsonb)'); RETURN 'object'; END $$;
CREATE FUNCTION evil.jsonb_agg(jsonb) RETURNS jsonb LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('jsonb_agg(jsonb) as a function'); RETURN '[]'; END $$;
CREATE FUNCTION evil.length(text) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('length(text)'); RETURN 10; END $$;
CREATE FUNCTION evil.octet_length(text) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('octet_length(text)'); RETURN 10; END $$;
CREATE FUNCTION evil.substr(text, integer) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('substr(text, integer)'); RETURN '31'; END $$;
CREATE FUNCTION evil.substr(text, integer, integer) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('substr(text, integer, integer)'); RETURN '31'; END $$;
CREATE FUNCTION evil.floor(numeric) RETURNS numeric LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('floor(numeric)'); RETURN 0; END $$;
CREATE FUNCTION evil.floor(double precision) RETURNS double precision LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('floor(double precision)'); RETURN 0; END $$;
CREATE FUNCTION evil.replace(text, text, text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('replace(text, text, text)'); RETURN 'evil'; END $$;
CREATE FUNCTION evil.format(text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('format(text)'); RETURN 'evil'; END $$;
CREATE FUNCTION evil.format(text, text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('format(text, text)'); RETURN 'evil'; END $$;
CREATE FUNCTION evil.quote_ident(text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('quote_ident(text)'); RETURN 'evil'; END $$;
CREATE FUNCTION evil.pg_is_in_recovery() RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('pg_is_in_recovery()'); RETURN false; END $$;
CREATE FUNCTION evil.array_position(anyarray, anyelement) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('array_position(anyarray, anyelement)'); RETURN 1; END $$;
CREATE FUNCTION evil.digest(text, text) RETURNS bytea LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('digest(text, text)'); RETURN '\x00'; END $$;
CREATE FUNCTION evil.digest(bytea, text) RETURNS bytea LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('digest(bytea, text)'); RETURN '\x00'; END $$;
CREATE FUNCTION evil.sha256(bytea) RETURNS bytea LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('sha256(bytea)'); RETURN '\x00'; END $$;
CREATE FUNCTION evil.encode(bytea, text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('encode(bytea, text)'); RETURN 'evil'; END $$;
CREATE FUNCTION evil.decode(text, text) RETURNS bytea LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('decode(text, text)'); RETURN '\x00'; END $$;
CREATE FUNCTION evil.set_config(text, text, boolean) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('set_config(text, text, boolean)'); RETURN $2; END $$;
CREATE FUNCTION evil.concat(text, text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('concat(text, text)'); RETURN 'evil'; END $$;

-- operators: each function logs, then answers what would let the attacker in
CREATE FUNCTION evil.yes_text(text, text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('operator on (text, text)'); RETURN true; END $$;
CREATE FUNCTION evil.no_text(text, text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('operator on (text, text)'); RETURN false; END $$;
CREATE FUNCTION evil.yes_uuid(uuid, uuid) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('operator on (uuid, uuid)'); RETURN true; END $$;
CREATE FUNCTION evil.yes_bytea(bytea, bytea) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('operator on (bytea, bytea)'); RETURN true; END $$;
CREATE FUNCTION evil.no_tstz(timestamptz, timestamptz) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('operator on (timestamptz, timestamptz)'); RETURN false; END $$;
CREATE FUNCTION evil.no_interval(interval, interval) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('operator on (interval, interval)'); RETURN false; END $$;
CREATE FUNCTION evil.zero_tstz_minus(timestamptz, timestamptz) RETURNS interval LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('- (timestamptz, timestamptz)'); RETURN '0'; END $$;
CREATE FUNCTION evil.yes_int(integer, integer) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('operator on (integer, integer)'); RETURN true; END $$;
CREATE FUNCTION evil.no_int(integer, integer) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('operator on (integer, integer)'); RETURN false; END $$;
CREATE FUNCTION evil.far_plus(bigint, bigint) RETURNS bigint LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('+ (bigint, bigint)'); RETURN 4102444800; END $$;
CREATE FUNCTION evil.far_tstz_plus(timestamptz, interval) RETURNS timestamptz LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('+ (timestamptz, interval)'); RETURN 'infinity'; END $$;
CREATE FUNCTION evil.yes_jsonb_text(jsonb, text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('? (jsonb, text)'); RETURN true; END $$;
CREATE FUNCTION evil.field_text(jsonb, text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('->> (jsonb, text)'); RETURN 'postgres'; END $$;
CREATE FUNCTION evil.field_jsonb(jsonb, text) RETURNS jsonb LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('-> (jsonb, text)'); RETURN '"postgres"'; END $$;
CREATE FUNCTION evil.concat_jsonb(jsonb, jsonb) RETURNS jsonb LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('|| (jsonb, jsonb)'); RETURN '{"role": "postgres"}'; END $$;
CREATE FUNCTION evil.concat_text(text, text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('|| (text, text)'); RETURN 'evil'; END $$;
CREATE FUNCTION evil.keep_jsonb(jsonb, text[]) RETURNS jsonb LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran('- (jsonb, text[])'); RETURN $1; END $$;

CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.yes_text);
CREATE OPERATOR evil.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.no_text);
CREATE OPERATOR evil.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.yes_text);
CREATE OPERATOR evil.!~ (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.no_text);
CREATE OPERATOR evil.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = evil.yes_uuid);
CREATE OPERATOR evil.= (LEFTARG = bytea, RIGHTARG = bytea, FUNCTION = evil.yes_bytea);
CREATE OPERATOR evil.<= (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.no_tstz);
CREATE OPERATOR evil.< (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.no_tstz);
CREATE OPERATOR evil.> (LEFTARG = interval, RIGHTARG = interval, FUNCTION = evil.no_interval);
CREATE OPERATOR evil.- (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.zero_tstz_minus);
CREATE OPERATOR evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.yes_int);
CREATE OPERATOR evil.< (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.no_int);
CREATE OPERATOR evil.<= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.yes_int);
CREATE OPERATOR evil.+ (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.far_plus);
CREATE OPERATOR evil.+ (LEFTARG = timestamptz, RIGHTARG = interval, FUNCTION = evil.far_tstz_plus);
CREATE OPERATOR evil.? (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = evil.yes_jsonb_text);
CREATE OPERATOR evil.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = evil.field_text);
CREATE OPERATOR evil.-> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = evil.field_jsonb);
CREATE OPERATOR evil.|| (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = evil.concat_jsonb);
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.concat_text);
CREATE OPERATOR evil.- (LEFTARG = jsonb, RIGHTARG = text[], FUNCTION = evil.keep_jsonb);

-- tables and views named like jwt_auth's, in evil and in this session's pg_temp: reading one
-- runs evil.ran() (the views call it), writing one fires a trigger that does
CREATE FUNCTION evil.touched() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran(pg_catalog.concat('a write to ', TG_TABLE_SCHEMA, '.', TG_TABLE_NAME)); RETURN NULL; END $$;
CREATE FUNCTION evil.read(what text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM evil.ran(pg_catalog.concat('a read of ', what)); RETURN true; END $$;
CREATE TABLE evil.users_data (id uuid, username text, password_hash text, role text, claims jsonb,
    disabled boolean, created_at timestamptz, updated_at timestamptz, last_login_at timestamptz,
    logout_before timestamptz);
INSERT INTO evil.users_data VALUES ('00000000-0000-0000-0000-000000000000', 'victim', 'x', 'postgres',
    '{}', false, NULL, NULL, NULL, NULL);
CREATE VIEW evil.users AS SELECT * FROM evil.users_data WHERE evil.read('evil.users');
CREATE TABLE evil.sessions (id uuid, user_id uuid, created_at timestamptz, expires_at timestamptz,
    refreshed_at timestamptz, revoked_at timestamptz, revoked_reason text);
CREATE TABLE evil.refresh_tokens (id uuid, session_id uuid, parent_id uuid, token_hash bytea,
    created_at timestamptz, expires_at timestamptz, used_at timestamptz);
CREATE TABLE evil.keys (kid text, alg text, status text, private_key bytea, public_jwk jsonb,
    created_at timestamptz, status_changed_at timestamptz);
CREATE TRIGGER touched AFTER INSERT OR UPDATE OR DELETE ON evil.sessions
    FOR EACH STATEMENT EXECUTE FUNCTION evil.touched();
CREATE TRIGGER touched AFTER INSERT OR UPDATE OR DELETE ON evil.refresh_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION evil.touched();
CREATE TRIGGER touched AFTER INSERT OR UPDATE OR DELETE ON evil.keys
    FOR EACH STATEMENT EXECUTE FUNCTION evil.touched();
CREATE TEMP VIEW users AS SELECT * FROM evil.users_data WHERE evil.read('pg_temp.users');
CREATE TEMP VIEW sessions AS SELECT * FROM evil.sessions WHERE evil.read('pg_temp.sessions');
CREATE TEMP VIEW refresh_tokens AS SELECT * FROM evil.refresh_tokens WHERE evil.read('pg_temp.refresh_tokens');
CREATE TEMP VIEW keys AS SELECT * FROM evil.keys WHERE evil.read('pg_temp.keys');
RESET ROLE;

-- Every query below that the attacker runs is built here, before the hostile search_path is
-- set: under it, even || and = in a test would be the attacker's.
SELECT format('SELECT jwt_auth.auth_login(%L, %L)::text', 'victim', :'pw') AS q_login,
       format('SELECT jwt_auth.auth_login(%L, %L)::text', 'VICTIM', :'pw') AS q_login_upper,
       format('SELECT jwt_auth.auth_login(%L, %L)::text', 'victim', 'not the password') AS q_login_wrong,
       format('SELECT jwt_auth.auth_login(%L, %L)::text', 'nobody', :'pw') AS q_login_nobody
\gset

------------------------------------------------------------------------
-- The look-alikes work: under the hostile search_path they, not
-- pg_catalog's, answer an unqualified call
------------------------------------------------------------------------
SET ROLE sec_mallory;
SET evil.phase = 'sanity';
SET search_path = evil, pg_catalog, public;
SELECT pg_temp.attempt($q$SELECT lower('ABC')$q$) AS s_lower,
       pg_temp.attempt($q$SELECT 'a'::text = 'b'::text$q$) AS s_eq,
       pg_temp.attempt($q$SELECT crypt('guess', '$2a$04$hash')$q$) AS s_crypt,
       pg_temp.attempt($q$SELECT count(*) FROM users$q$) AS s_users
\gset
RESET search_path;
RESET ROLE;
SELECT pg_temp.tap(:'s_lower' = 'victim' AND :'s_eq' = 'true' AND :'s_crypt' = '$2a$04$hash'
                   AND :'s_users' = '1',
                   'sanity: under the hostile search_path, unqualified lower(), =, crypt() and users are the attacker''s');
SELECT pg_temp.tap((SELECT count(DISTINCT what) FROM evil.log) >= 4,
                   'sanity: a look-alike that runs leaves a row in evil.log');
TRUNCATE evil.log;

------------------------------------------------------------------------
-- The attack: every public entry point under the hostile search_path
------------------------------------------------------------------------
SET ROLE sec_mallory;
SET evil.phase = 'attack';
SET search_path = evil, pg_catalog, public;
SELECT pg_temp.attempt(:'q_login_wrong') AS r_wrong,
       pg_temp.attempt(:'q_login_nobody') AS r_nobody,
       pg_temp.attempt(:'q_login') AS login1,
       pg_temp.attempt(:'q_login_upper') AS login2
\gset
RESET search_path;
SELECT pg_temp.tap(:'r_wrong' = 'ERROR 28P01', 'auth_login refuses a wrong password (' || pg_temp.shown(:'r_wrong') || ')');
SELECT pg_temp.tap(:'r_nobody' = 'ERROR 28P01', 'auth_login refuses an unknown user (' || pg_temp.shown(:'r_nobody') || ')');
SELECT pg_temp.tap(:'login1' ~ '^\{' AND :'login1'::jsonb ?& ARRAY['access_token', 'refresh_token'],
                   'auth_login with the right password answers an access and a refresh token');
SELECT pg_temp.tap(:'login2' ~ '^\{', 'auth_login still finds the user whatever the case of the name');
SELECT :'login1'::jsonb ->> 'access_token' AS access1, :'login1'::jsonb ->> 'refresh_token' AS refresh1,
       :'login2'::jsonb ->> 'access_token' AS access2, :'login2'::jsonb ->> 'refresh_token' AS refresh2
\gset
SELECT jwt_auth.jwt_verify(:'access1') AS claims1 \gset
SELECT pg_temp.tap(:'claims1'::jsonb ->> 'sub' = :'victim_id'
                   AND :'claims1'::jsonb ->> 'role' = 'sec_app'
                   AND :'claims1'::jsonb ->> 'plan' = 'free'
                   AND (:'claims1'::jsonb ->> 'exp')::bigint - (:'claims1'::jsonb ->> 'iat')::bigint = 900
                   AND abs((:'claims1'::jsonb ->> 'iat')::bigint - extract(epoch FROM now())) < 60
                   AND :'claims1'::jsonb ->> 'jti' ~ '^[0-9a-f-]{36}$'
                   AND :'claims1'::jsonb ->> 'jti' <> '00000000-0000-0000-0000-000000000000'
                   AND :'claims1' NOT LIKE '%postgres%' AND :'claims1' NOT LIKE '%evil%',
                   'the access token carries the real sub, role, lifetime, iat and jti');
RESET ROLE;
SELECT pg_temp.tap((SELECT count(*) FROM jwt_auth.sessions s WHERE s.user_id = :'victim_id'
                      AND s.expires_at > now() + interval '80 days') = 2,
                   'the two logins opened two sessions that expire in 90 days, not 1970');
SET ROLE sec_mallory;

-- the stored keys, and authenticate() switching role, under the hostile path
SELECT format('SELECT jwt_auth.jwt_verify(%L)::text', :'access1') AS q_verify,
       format('SELECT jwt_auth.jwt_valid(%L)::text', :'access1') AS q_valid,
       format('SELECT jwt_auth.authenticate(%L)::text', :'access1') AS q_authenticate,
       format('SELECT jwt_auth.authenticate(%L)::text', :'access2') AS q_authenticate2,
       format('SELECT jwt_auth.authenticate(%L)::text', :'access1' || 'x') AS q_authenticate_bad,
       format('SELECT jwt_auth.auth_refresh(%L)::text', :'refresh1') AS q_refresh,
       format('SELECT jwt_auth.auth_refresh(%L)::text', 'not a refresh token') AS q_refresh_bad,
       format('SELECT jwt_auth.auth_logout(%L)::text', :'refresh2') AS q_logout,
       format('SELECT jwt_auth.auth_logout(%L)::text', 'not a refresh token') AS q_logout_bad,
       format('SELECT jwt_auth.auth_logout(%L, %L)::text', :'refresh2', 'everywhere') AS q_logout_scope
\gset
SET search_path = evil, pg_catalog, public;
SELECT pg_temp.attempt(:'q_verify') AS v1, pg_temp.attempt(:'q_valid') AS v2,
       pg_temp.attempt('SELECT jwt_auth.jwks()::text') AS jwks,
       pg_temp.attempt(:'q_authenticate_bad') AS a_bad
\gset
BEGIN;
SELECT pg_temp.attempt(:'q_authenticate') AS a1 \gset
SELECT pg_temp.attempt('SELECT current_user') AS a1_user,
       pg_temp.attempt('SELECT jwt_auth.uid()::text') AS a1_uid,
       pg_temp.attempt('SELECT jwt_auth.role()') AS a1_role,
       pg_temp.attempt('SELECT jwt_auth.claim(''plan'')::text') AS a1_plan,
       pg_temp.attempt('SELECT jwt_auth.pre_request()::text') AS a1_pre
\gset
COMMIT;
RESET search_path;
SELECT pg_temp.tap(:'v1'::jsonb = :'claims1'::jsonb AND :'v2' = 'true',
                   'jwt_verify and jwt_valid with the stored keys give the same claims');
SELECT pg_temp.tap(:'jwks' ~ '^\{' AND (SELECT array_agg(k ->> 'kid') FROM jsonb_array_elements(:'jwks'::jsonb -> 'keys') k)
                       = ARRAY['hijack-es-standby']
                   AND NOT (:'jwks'::jsonb -> 'keys' -> 0) ? 'd',
                   'jwks() lists the public ES256 key only, without its private part');
SELECT pg_temp.tap(:'a_bad' = 'ERROR 28000', 'authenticate refuses a token with a bad signature (' || pg_temp.shown(:'a_bad') || ')');
SELECT pg_temp.tap(:'a1'::jsonb = :'claims1'::jsonb AND :'a1_user' = 'sec_app' AND :'a1_uid' = :'victim_id'
                   AND :'a1_role' = 'sec_app' AND :'a1_plan' = '"free"' AND :'a1_pre' = '',
                   'authenticate switches to the token''s role and uid(), role(), claim() and pre_request() read its claims');

-- rotation, reuse detection (a background worker revokes the session), logout
SET search_path = evil, pg_catalog, public;
SELECT pg_temp.attempt(:'q_refresh') AS refreshed, pg_temp.attempt(:'q_refresh_bad') AS rf_bad \gset
SELECT pg_temp.attempt(:'q_refresh') AS reused \gset
SELECT pg_temp.attempt(:'q_authenticate') AS a_after_reuse,
       pg_temp.attempt(:'q_logout_bad') AS lo_bad, pg_temp.attempt(:'q_logout_scope') AS lo_scope,
       pg_temp.attempt(:'q_logout') AS lo
\gset
SELECT pg_temp.attempt(:'q_authenticate2') AS a_after_logout \gset
RESET search_path;
SELECT pg_temp.tap(:'refreshed' ~ '^\{' AND :'refreshed'::jsonb ->> 'refresh_token' <> :'refresh1'
                   AND (jwt_auth.jwt_verify(:'refreshed'::jsonb ->> 'access_token') ->> 'sid')
                       = :'claims1'::jsonb ->> 'sid',
                   'auth_refresh rotates the refresh token within the same session');
SELECT pg_temp.tap(:'rf_bad' = 'ERROR 28000', 'auth_refresh refuses an unknown refresh token (' || pg_temp.shown(:'rf_bad') || ')');
SELECT pg_temp.tap(:'reused' = 'ERROR 28000', 'auth_refresh refuses a used refresh token (' || pg_temp.shown(:'reused') || ')');
RESET ROLE;
SELECT pg_temp.tap(:'a_after_reuse' = 'ERROR 28000'
                   AND (SELECT revoked_reason FROM jwt_auth.sessions
                         WHERE id = (:'claims1'::jsonb ->> 'sid')::uuid) = 'reuse',
                   'the reuse revoked the session, and authenticate refuses its tokens (' || pg_temp.shown(:'a_after_reuse') || ')');
SET ROLE sec_mallory;
SELECT pg_temp.tap(:'lo_bad' = 'ERROR 28000' AND :'lo_scope' = 'ERROR 22023',
                   'auth_logout refuses an unknown refresh token and an unknown scope ('
                   || pg_temp.shown(:'lo_bad') || ', ' || pg_temp.shown(:'lo_scope') || ')');
SELECT pg_temp.tap(:'lo' = '' AND :'a_after_logout' = 'ERROR 28000',
                   'auth_logout revokes the session, and authenticate refuses its tokens (' || pg_temp.shown(:'a_after_logout') || ')');

-- a global logout with the session of the request's claims
SELECT pg_temp.attempt(:'q_login') AS login3 \gset
SELECT format('SELECT jwt_auth.authenticate(%L)::text', :'login3'::jsonb ->> 'access_token') AS q_authenticate3 \gset
SET search_path = evil, pg_catalog, public;
BEGIN;
SELECT pg_temp.attempt(:'q_authenticate3') AS a3 \gset
SELECT pg_temp.attempt($q$SELECT jwt_auth.auth_logout(NULL, 'global')::text$q$) AS lo_global \gset
COMMIT;
SELECT pg_temp.attempt(:'q_authenticate3') AS a3_after \gset
RESET search_path;
RESET ROLE;
SELECT pg_temp.tap(:'a3' ~ '^\{' AND :'lo_global' = '' AND :'a3_after' = 'ERROR 28000'
                   AND (SELECT count(*) FROM jwt_auth.sessions WHERE user_id = :'victim_id' AND revoked_at IS NULL) = 0
                   AND (SELECT logout_before IS NOT NULL FROM jwt_auth.users WHERE id = :'victim_id'),
                   'auth_logout(NULL, ''global'') after authenticate revokes every session of the user');

------------------------------------------------------------------------
-- Nothing of the attacker's ran, and every function that could be
-- reached pins its search_path
------------------------------------------------------------------------
SELECT pg_temp.tap(NOT EXISTS (SELECT FROM evil.log),
                   'no look-alike ran: evil.log is empty (' || coalesce((SELECT string_agg(DISTINCT what, ', ') FROM evil.log), 'nothing') || ')');
SELECT pg_temp.tap(NOT EXISTS (
    SELECT FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'jwt_auth'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
       AND NOT coalesce(p.proconfig[1] = 'search_path=pg_catalog, pg_temp', false)),
    'every SQL and PL/pgSQL function of jwt_auth pins search_path = pg_catalog, pg_temp');
SELECT pg_temp.tap(NOT EXISTS (
    SELECT FROM pg_proc p WHERE p.pronamespace = 'jwt_auth'::regnamespace AND p.prosecdef
       AND NOT coalesce(p.proconfig[1] = 'search_path=pg_catalog, pg_temp', false)),
    'every SECURITY DEFINER function of jwt_auth pins its search_path');
