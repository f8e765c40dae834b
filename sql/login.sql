--
-- auth_login: the RFC 6749 response, the access token's claims, one error
-- for every failure, iss/aud from the settings, custom claims that never
-- override the registered ones, last_login_at, and the need for an active
-- key. Tokens are random: only shapes, claim names and booleans are printed.
--
\set SHOW_CONTEXT never
SET jwt_auth.bcrypt_cost = 4;
CREATE ROLE regress_jwt_reader NOLOGIN;
SELECT jwt_auth.user_create('reader', 'reading glasses', 'regress_jwt_reader',
                            '{"team": "blue", "role": "postgres", "exp": 1, "sub": "admin"}') AS uid \gset
SELECT jwt_auth.user_create('norole', 'no role at all') IS NOT NULL AS created;

-- no active signing key yet
SELECT jwt_auth.auth_login('reader', 'reading glasses');
SELECT jwt_auth.key_generate('HS256', 'login-key') AS kid;

SELECT jwt_auth.auth_login('reader', 'reading glasses') AS r \gset
SELECT jsonb_object_keys(:'r'::jsonb) AS response_member ORDER BY 1;
SELECT :'r'::jsonb->'token_type' AS token_type, :'r'::jsonb->'expires_in' AS expires_in,
       length(:'r'::jsonb->>'refresh_token') AS refresh_token_length,
       :'r'::jsonb->>'refresh_token' ~ '^[A-Za-z0-9_-]{43}$' AS refresh_token_is_base64url;
-- the refresh token is stored only as its SHA-256
SELECT count(*) AS stored_as_sha256 FROM jwt_auth.refresh_tokens
 WHERE token_hash = sha256(convert_to(:'r'::jsonb->>'refresh_token', 'UTF8'));
SELECT count(*) AS stored_as_plain_text FROM jwt_auth.refresh_tokens
 WHERE position(convert_to(:'r'::jsonb->>'refresh_token', 'UTF8') IN token_hash) > 0;

-- the access token: the active key's kid, the registered claims, the user's own
SELECT (jwt_auth.jwt_decode(:'r'::jsonb->>'access_token')).header;
SELECT jwt_auth.jwt_verify(:'r'::jsonb->>'access_token') AS c \gset
SELECT jsonb_object_keys(:'c'::jsonb) AS claim ORDER BY 1;
SELECT :'c'::jsonb->>'sub' = :'uid' AS sub_is_the_user_id,
       :'c'::jsonb->'role' AS role, :'c'::jsonb->'team' AS team,
       (:'c'::jsonb->>'exp')::bigint - (:'c'::jsonb->>'iat')::bigint AS lifetime,
       (:'c'::jsonb->>'iat')::bigint BETWEEN floor(extract(epoch FROM now())) - 5 AND floor(extract(epoch FROM now())) AS issued_now,
       :'c'::jsonb->>'sid' = (SELECT id::text FROM jwt_auth.sessions) AS sid_is_the_session,
       :'c'::jsonb->>'jti' ~ '^[0-9a-f-]{36}$' AS jti_is_a_uuid;
SELECT last_login_at > now() - interval '1 hour' AS last_login_recorded FROM jwt_auth.users WHERE username = 'reader';

-- a user without a role: jwt_auth.default_role, else no role claim
SELECT jwt_auth.jwt_verify(jwt_auth.auth_login('norole', 'no role at all')->>'access_token') ? 'role' AS has_role;
SET jwt_auth.default_role = 'regress_jwt_reader';
SELECT jwt_auth.jwt_verify(jwt_auth.auth_login('norole', 'no role at all')->>'access_token')->'role' AS role;
RESET jwt_auth.default_role;

-- iss and aud from the settings, and the verifier expects them
SET jwt_auth.issuer = 'https://auth.example';
SET jwt_auth.audience = 'api';
SELECT c->'iss' AS iss, c->'aud' AS aud
  FROM jwt_auth.jwt_verify(jwt_auth.auth_login('reader', 'reading glasses')->>'access_token') AS c;
RESET jwt_auth.issuer;
RESET jwt_auth.audience;

-- access_ttl
SET jwt_auth.access_ttl = '1h';
SELECT r->'expires_in' AS expires_in,
       (c->>'exp')::bigint - (c->>'iat')::bigint AS lifetime
  FROM jwt_auth.auth_login('reader', 'reading glasses') AS r,
       jwt_auth.jwt_verify(r->>'access_token') AS c;
RESET jwt_auth.access_ttl;

-- one error for every failure: wrong password, unknown user, wrong case of
-- the password, NULLs, an over-long password, a disabled user
SELECT jwt_auth.auth_login('reader', 'wrong glasses');
SELECT jwt_auth.auth_login('nobody', 'reading glasses');
SELECT jwt_auth.auth_login('reader', 'READING GLASSES');
SELECT jwt_auth.auth_login(NULL, 'reading glasses');
SELECT jwt_auth.auth_login('reader', NULL);
SELECT jwt_auth.auth_login('reader', 'reading glasses' || repeat('!', 60));
SELECT jwt_auth.user_set_disabled('reader');
SELECT jwt_auth.auth_login('reader', 'reading glasses');
SELECT jwt_auth.user_set_disabled('reader', false);
-- usernames match regardless of case
SELECT jwt_auth.auth_login('READER', 'reading glasses') ? 'access_token' AS case_insensitive;
-- a failed login writes nothing
SELECT count(*) AS sessions_before FROM jwt_auth.sessions \gset
SELECT jwt_auth.auth_login('reader', 'wrong glasses');
SELECT count(*) = :sessions_before AS no_session_written FROM jwt_auth.sessions;

TRUNCATE jwt_auth.users CASCADE;
TRUNCATE jwt_auth.keys;
DROP ROLE regress_jwt_reader;
