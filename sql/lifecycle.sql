--
-- The password lifecycle: auth_change_password, auth_reset_request and
-- auth_reset, auth_verification_request and auth_verify, auth_signup, and
-- auth_login under jwt_auth.require_verified_email. Tokens are random:
-- only shapes, counts and SQLSTATEs are printed.
--
\set SHOW_CONTEXT never
SET jwt_auth.bcrypt_cost = 4;
CREATE ROLE regress_jwt_member NOLOGIN;
SET jwt_auth.default_role = 'regress_jwt_member';
SELECT jwt_auth.key_generate('HS256', 'lifecycle-key') IS NOT NULL AS key_made;
SELECT jwt_auth.user_create('changer', 'first password') IS NOT NULL AS created;

-- change: only for the verified claims of this transaction
SELECT jwt_auth.auth_login('changer', 'first password') AS a \gset
SELECT jwt_auth.auth_login('changer', 'first password') AS b \gset
SELECT jwt_auth.auth_change_password('first password', 'second password');
-- request.jwt.claims is no authentication
BEGIN;
SELECT set_config('request.jwt.claims', jwt_auth.jwt_verify(:'a'::jsonb->>'access_token')::text, true) IS NOT NULL AS set;
SELECT jwt_auth.auth_change_password('first password', 'second password');
ROLLBACK;
-- a wrong old password: 28P01, nothing changed
BEGIN;
SELECT jwt_auth.authenticate(:'a'::jsonb->>'access_token') IS NOT NULL AS authenticated;
SELECT jwt_auth.auth_change_password('not the password', 'second password');
ROLLBACK;
-- the length rules of new passwords
BEGIN;
SELECT jwt_auth.authenticate(:'a'::jsonb->>'access_token') IS NOT NULL AS authenticated;
SELECT jwt_auth.auth_change_password('first password', 'short');
ROLLBACK;
BEGIN;
SELECT jwt_auth.authenticate(:'a'::jsonb->>'access_token') IS NOT NULL AS authenticated;
SELECT jwt_auth.auth_change_password('first password', repeat('x', 73));
ROLLBACK;
BEGIN;
SELECT jwt_auth.authenticate(:'a'::jsonb->>'access_token') IS NOT NULL AS authenticated;
SELECT jwt_auth.auth_change_password('first password', NULL);
ROLLBACK;
SELECT jwt_auth.auth_login('changer', 'first password') IS NOT NULL AS old_password_still_logs_in;
-- the right one: the new password logs in, the old does not; the other sessions are revoked, this one stays
BEGIN;
SELECT jwt_auth.authenticate(:'a'::jsonb->>'access_token') IS NOT NULL AS authenticated;
SELECT jwt_auth.auth_change_password('first password', 'second password');
COMMIT;
SELECT jwt_auth.auth_login('changer', 'first password');
SELECT jwt_auth.auth_login('changer', 'second password') IS NOT NULL AS new_password_logs_in;
SELECT jwt_auth.authenticate(:'a'::jsonb->>'access_token') IS NOT NULL AS this_session_stays;
SELECT jwt_auth.authenticate(:'b'::jsonb->>'access_token');
SELECT jwt_auth.auth_refresh(:'b'::jsonb->>'refresh_token');
SELECT revoked_reason, count(*) FROM jwt_auth.sessions s JOIN jwt_auth.users u ON u.id = s.user_id
 WHERE u.username = 'changer' GROUP BY 1 ORDER BY 1;
-- with jwt_auth.change_password_revokes_others off, the other sessions stay
SET jwt_auth.change_password_revokes_others = off;
SELECT jwt_auth.auth_login('changer', 'second password') AS c \gset
BEGIN;
SELECT jwt_auth.authenticate(:'a'::jsonb->>'access_token') IS NOT NULL AS authenticated;
SELECT jwt_auth.auth_change_password('second password', 'third password');
COMMIT;
SELECT jwt_auth.authenticate(:'c'::jsonb->>'access_token') IS NOT NULL AS other_session_stays;
RESET jwt_auth.change_password_revokes_others;
-- a revoked session cannot change the password
BEGIN;
SELECT jwt_auth.authenticate(:'c'::jsonb->>'access_token') IS NOT NULL AS authenticated;
SELECT jwt_auth.auth_logout(NULL, 'local');
SELECT jwt_auth.auth_change_password('third password', 'fourth password');
ROLLBACK;

-- reset: 256 random bits as base64url, stored only as SHA-256, one per user
SELECT jwt_auth.auth_login('changer', 'third password') AS d \gset
SELECT jwt_auth.auth_reset_request('changer') AS r1 \gset
SELECT jwt_auth.auth_reset_request('Changer') AS r2 \gset
SELECT :'r1' ~ '^[A-Za-z0-9_-]{43}$' AS base64url_256_bits, :'r1' <> :'r2' AS tokens_differ;
SELECT count(*) AS stored, bool_and(token_hash = sha256(convert_to(:'r2', 'UTF8'))) AS as_sha256,
       bool_and(expires_at = created_at + interval '1 hour') AS one_hour
  FROM jwt_auth.one_time_tokens;
-- an unknown username: a token of the same form, stored nowhere
SELECT jwt_auth.auth_reset_request('nobody at all') AS fake \gset
SELECT :'fake' ~ '^[A-Za-z0-9_-]{43}$' AS same_form, (SELECT count(*) FROM jwt_auth.one_time_tokens) AS stored;
SELECT jwt_auth.auth_reset(:'fake', 'a new password');
-- the older token was voided by the newer
SELECT jwt_auth.auth_reset(:'r1', 'a new password');
SELECT jwt_auth.auth_reset(NULL, 'a new password');
-- a new password the rules refuse leaves the token usable
SELECT jwt_auth.auth_reset(:'r2', 'short');
-- a verification token does not reset
SELECT jwt_auth.auth_verification_request('changer') AS v \gset
SELECT jwt_auth.auth_reset(:'v', 'a new password');
SELECT jwt_auth.auth_reset(:'r2', 'a new password');
-- single use
SELECT jwt_auth.auth_reset(:'r2', 'another password');
SELECT jwt_auth.auth_login('changer', 'third password');
SELECT jwt_auth.auth_login('changer', 'a new password') AS e \gset
-- every session revoked, and the access tokens issued before with them
SELECT jwt_auth.authenticate(:'d'::jsonb->>'access_token');
SELECT jwt_auth.authenticate(:'e'::jsonb->>'access_token') IS NOT NULL AS new_login_works;
SELECT u.logout_before IS NOT NULL AS logout_before_set, u.verified_at IS NOT NULL AS verified_by_reset,
       (SELECT count(*) FROM jwt_auth.sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL) AS live_sessions
  FROM jwt_auth.users u WHERE u.username = 'changer';
-- an expired token
SET jwt_auth.reset_token_lifetime = '1s';
SELECT jwt_auth.auth_reset_request('changer') AS r3 \gset
SELECT pg_sleep(1.1);
SELECT jwt_auth.auth_reset(:'r3', 'yet another password');
RESET jwt_auth.reset_token_lifetime;
-- a disabled user gets a token that resets nothing
SELECT jwt_auth.user_set_disabled('changer');
SELECT jwt_auth.auth_reset_request('changer') AS r4 \gset
SELECT jwt_auth.auth_reset(:'r4', 'yet another password');
SELECT jwt_auth.user_set_disabled('changer', false);

-- verification, and auth_login under jwt_auth.require_verified_email
SELECT jwt_auth.user_create('verifier', 'verify me please') IS NOT NULL AS created;
SET jwt_auth.require_verified_email = on;
SELECT jwt_auth.auth_login('verifier', 'verify me please');
SELECT jwt_auth.auth_login('verifier', 'a wrong password');
-- nothing tells the two apart: SQLSTATE, message, detail, hint and context are the same
CREATE FUNCTION pg_temp.failure(p text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text; m text; d text; h text; c text;
BEGIN
    PERFORM jwt_auth.auth_login('verifier', p);
    RETURN 'logged in';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
                            h = PG_EXCEPTION_HINT, c = PG_EXCEPTION_CONTEXT;
    RETURN concat_ws('|', st, m, d, h, c);
END
$$;
SELECT pg_temp.failure('verify me please') = pg_temp.failure('a wrong password') AS same_failure,
       split_part(pg_temp.failure('verify me please'), '|', 1) AS sqlstate;
SELECT jwt_auth.auth_verification_request('verifier') AS v \gset
SELECT jwt_auth.auth_verify('not a token');
SELECT jwt_auth.auth_verify(:'v');
SELECT jwt_auth.auth_verify(:'v');
SELECT jwt_auth.auth_login('verifier', 'verify me please') IS NOT NULL AS verified_logs_in;
RESET jwt_auth.require_verified_email;

-- sign-up: off by default
SELECT jwt_auth.auth_signup('newcomer', 'a newcomer password');
SET jwt_auth.signup_enabled = on;
SELECT jwt_auth.auth_signup('newcomer', 'a newcomer password', '{"team": "green"}') IS NOT NULL AS signed_up;
SELECT username, role, claims, verified_at FROM jwt_auth.users WHERE username = 'newcomer';
SELECT jwt_auth.auth_login('newcomer', 'a newcomer password') IS NOT NULL AS logs_in;
-- a taken username says so while verification is not required
SELECT jwt_auth.auth_signup('NEWCOMER', 'a newcomer password');
-- no role, no registered claim, only an object, the length rules
SELECT jwt_auth.auth_signup('chooser', 'a chooser password', '{"role": "postgres"}');
SELECT jwt_auth.auth_signup('chooser', 'a chooser password', '{"sub": "someone"}');
SELECT jwt_auth.auth_signup('chooser', 'a chooser password', '[]');
SELECT jwt_auth.auth_signup('chooser', 'short');
SELECT jwt_auth.auth_signup(E'bad\nname', 'a chooser password');
-- under required verification: NULL for a new username and for a taken one alike
SET jwt_auth.require_verified_email = on;
SELECT jwt_auth.auth_signup('quiet', 'a quiet password') IS NULL AS new_answers_null;
SELECT jwt_auth.auth_signup('QUIET', 'another quiet password') IS NULL AS taken_answers_null;
SELECT count(*) AS quiet_users FROM jwt_auth.users WHERE lower(username) = 'quiet';
SELECT jwt_auth.auth_login('quiet', 'a quiet password');
SELECT jwt_auth.auth_verification_request('quiet') AS v \gset
SELECT jwt_auth.auth_verify(:'v');
SELECT jwt_auth.auth_login('quiet', 'a quiet password') IS NOT NULL AS verified_logs_in;
RESET jwt_auth.require_verified_email;
-- no default role: no sign-up
RESET jwt_auth.default_role;
SELECT jwt_auth.auth_signup('roleless', 'a roleless password');
RESET jwt_auth.signup_enabled;

-- privileges: the requests are the owner's, the rest PUBLIC's
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_executes,
       p.prosecdef AS definer, p.proconfig
  FROM pg_proc p WHERE p.pronamespace = 'jwt_auth'::regnamespace
   AND p.proname IN ('auth_change_password', 'auth_reset_request', 'auth_reset', 'auth_verification_request',
                     'auth_verify', 'auth_signup', '_one_time_token_new', '_one_time_token_take')
 ORDER BY 1;
SELECT has_table_privilege('public', 'jwt_auth.one_time_tokens', 'SELECT') AS public_reads_tokens;

-- deleting a user deletes its tokens
SELECT jwt_auth.auth_reset_request('changer') IS NOT NULL AS requested;
SELECT jwt_auth.user_delete('changer');
SELECT count(*) AS tokens_left FROM jwt_auth.one_time_tokens;

TRUNCATE jwt_auth.users CASCADE;
TRUNCATE jwt_auth.keys;
RESET jwt_auth.default_role;
DROP ROLE regress_jwt_member;
