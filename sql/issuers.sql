--
-- Other issuers (jwt_auth.issuers) with pushed JWK sets: registration and its
-- errors, verification with the issuer's keys only, its rules (algorithms,
-- audiences, exp required, leeway), roles it may grant, user_id(), and the
-- attacks that must fail: keys crossing issuers, the stored HMAC key on an
-- issuer's token, algorithms outside the list, jku/jwk headers, a role outside
-- the allowed set. Keys are the RFC 7515 A.3 (P-256) and RFC 8037 A.1
-- (Ed25519) test keys; tokens carry fixed times far from now.
--
\set SHOW_CONTEXT never
SET jwt_auth.bcrypt_cost = 4;
CREATE FUNCTION pg_temp.outcome(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    m text;
    d text;
    h text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || m || coalesce(' / ' || nullif(d, ''), '') || coalesce(' / ' || nullif(h, ''), '');
END
$$;
\set ec_jwk '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}'
\set ed_jwk '{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}'
-- the keys, where the statements below (in dollar quotes, which psql does not expand) find them
CREATE TEMP TABLE k AS
SELECT :'ec_jwk'::jsonb AS ec, :'ed_jwk'::jsonb AS ed,
       jsonb_build_object('keys', jsonb_build_array(:'ec_jwk'::jsonb - 'd' || '{"kid":"a1","use":"sig"}')) AS a_set,
       jsonb_build_object('keys', jsonb_build_array(:'ed_jwk'::jsonb - 'd' || '{"kid":"b1"}')) AS b_set;
GRANT SELECT ON k TO PUBLIC;
CREATE ROLE regress_iss_reader NOLOGIN;
CREATE ROLE regress_iss_editor NOLOGIN;
CREATE ROLE regress_iss_admin NOLOGIN BYPASSRLS;

-- registration: every bad argument is 22023 with what to do
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', (SELECT a_set FROM k), default_role => 'regress_iss_reader')$$) AS no_audience;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('', audience => '{api}', default_role => 'x')$$) AS empty_issuer;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', audience => '{api}')$$) AS no_roles;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', audience => '{api}', default_role => 'x', algorithms => '{none}')$$) AS alg_none;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', audience => '{api}', default_role => 'x', algorithms => '{HS256,RS256}')$$) AS alg_mixed;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', jwks_uri => 'https://a.example/jwks', audience => '{api}', default_role => 'x', algorithms => '{HS256}')$$) AS hmac_fetched;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', jwks_uri => 'http://a.example/jwks', audience => '{api}', default_role => 'x')$$) AS plain_http;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', jwks_uri => 'file:///etc/passwd', audience => '{api}', default_role => 'x')$$) AS file_uri;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', audience => '{api}', default_role => 'x', role_claim => 'role')$$) AS bad_path;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', audience => '{api}', default_role => 'x', role_claim => '.a[x]')$$) AS bad_index;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', audience => '{api}', default_role => 'x', leeway => '-1s')$$) AS negative_leeway;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', jsonb_build_object('keys', jsonb_build_array((SELECT ec FROM k))), audience => '{api}', default_role => 'x')$$) AS private_member;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', '{"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]}', audience => '{api}', default_role => 'x')$$) AS secret_in_public_set;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', '{"keys":{}}', audience => '{api}', default_role => 'x')$$) AS not_a_set;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', jsonb_build_object('keys', jsonb_build_array((SELECT ec FROM k) - 'd' || '{"kid":"k"}', (SELECT ed FROM k) - 'd' || '{"kid":"k"}')), audience => '{api}', default_role => 'x')$$) AS kid_twice;
SET jwt_auth.issuer = 'https://self.example';
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://self.example', audience => '{api}', default_role => 'x')$$) AS own_issuer;
RESET jwt_auth.issuer;
SELECT jwt_auth.issuer_add('https://a.example', (SELECT a_set FROM k), audience => '{api,other-api}',
                           algorithms => '{ES256}', default_role => 'regress_iss_reader',
                           roles => '{regress_iss_editor,regress_iss_admin}') AS a;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_add('https://a.example', audience => '{api}', default_role => 'x')$$) AS twice;
-- Keycloak's shape: the roles array, the first one the issuer may grant
SELECT jwt_auth.issuer_add('https://b.example/realms/demo', (SELECT b_set FROM k), audience => '{}',
                           role_claim => '.realm_access.roles', user_claim => 'preferred_username',
                           roles => '{regress_iss_reader,regress_iss_editor}') AS b;
SELECT issuer, jwks_uri, audience, algorithms, role_claim, user_claim, default_role, roles, leeway, enabled,
       jwks IS NOT NULL AS has_jwks, next_fetch_at
  FROM jwt_auth.issuers ORDER BY issuer;

-- tokens made here with the issuers' private keys, as their providers would
CREATE FUNCTION pg_temp.a_token(claims jsonb, header jsonb DEFAULT '{"kid":"a1"}', alg text DEFAULT 'ES256',
                                key jsonb DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT jwt_auth.jwt_sign('{"iss":"https://a.example","aud":"api","sub":"a-user-1","iat":1700000000,"exp":4102444800}'::jsonb || claims,
                             coalesce(key, (SELECT ec FROM k)), alg, header)
$$;
CREATE FUNCTION pg_temp.b_token(claims jsonb, header jsonb DEFAULT '{"kid":"b1"}') RETURNS text LANGUAGE sql AS $$
    SELECT jwt_auth.jwt_sign('{"iss":"https://b.example/realms/demo","sub":"3f1c2a9e-4b7d-4c1e-9a55-0d5e8f6b2c11","preferred_username":"bob","iat":1700000000,"exp":4102444800}'::jsonb || claims,
                             (SELECT ed FROM k), 'EdDSA', header)
$$;

-- verified with the issuer's keys, under its rules
SELECT jwt_auth.jwt_verify(pg_temp.a_token('{}')) ->> 'sub' AS a_sub;
SELECT jwt_auth.jwt_valid(pg_temp.a_token('{"aud":["x","other-api"]}')) AS aud_array_one_matches;
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', pg_temp.a_token('{"aud":"nobody"}'))) AS wrong_aud;
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', pg_temp.a_token('{}'::jsonb) )) AS ok_again;
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', jwt_auth.jwt_sign(
    '{"iss":"https://a.example","sub":"s","exp":4102444800}'::jsonb, :'ec_jwk'::jsonb, 'ES256', '{"kid":"a1"}')))
    AS no_aud;
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', jwt_auth.jwt_sign(
    '{"iss":"https://a.example","aud":"api","sub":"s"}'::jsonb, :'ec_jwk'::jsonb, 'ES256', '{"kid":"a1"}')))
    AS no_exp;
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', pg_temp.a_token('{"exp":1700000000}'))) AS expired;
-- B accepts any audience, and a token without one
SELECT jwt_auth.jwt_valid(pg_temp.b_token('{"aud":"whatever"}')) AS b_any_aud, jwt_auth.jwt_valid(pg_temp.b_token('{}')) AS b_no_aud;

-- attacks
-- A's token signed with B's key under B's kid: B's keys never verify A's tokens
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', jwt_auth.jwt_sign(
    '{"iss":"https://a.example","aud":"api","sub":"s","exp":4102444800}'::jsonb, :'ed_jwk'::jsonb, 'EdDSA', '{"kid":"b1"}')))
    AS b_key_claims_a;
-- A's key signs a token claiming B (which accepts ES256): B's set has no such kid
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', jwt_auth.jwt_sign(
    '{"iss":"https://b.example/realms/demo","sub":"s","exp":4102444800}'::jsonb, :'ec_jwk'::jsonb, 'ES256', '{"kid":"a1"}')))
    AS a_key_claims_b;
-- ... and under A's kid: EdDSA is not in A's list, and not A's key's algorithm
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', jwt_auth.jwt_sign(
    '{"iss":"https://a.example","aud":"api","sub":"s","exp":4102444800}'::jsonb, :'ed_jwk'::jsonb, 'EdDSA', '{"kid":"a1"}')))
    AS b_key_as_a1;
-- the stored HMAC key signs a token claiming issuer A, with its own kid (alg confusion)
SELECT jwt_auth.key_generate('HS256', 'iss-test-hs') AS own_kid;
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', jwt_auth.jwt_sign(
    '{"iss":"https://a.example","aud":"api","sub":"s","exp":4102444800}'::jsonb))) AS own_key_claims_a;
-- ... and under A's kid with HS256
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', jwt_auth.jwt_sign(
    '{"iss":"https://a.example","aud":"api","sub":"s","exp":4102444800}'::jsonb,
    'an-hmac-secret-of-at-least-32-bytes!!', 'HS256', '{"kid":"a1"}'))) AS hs256_as_a1;
-- A's key never verifies jwt_auth's own tokens: a token without iss signed by A's key, under A's kid
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', jwt_auth.jwt_sign(
    '{"sub":"s","exp":4102444800}'::jsonb, :'ec_jwk'::jsonb, 'ES256', '{"kid":"a1"}'))) AS a_key_no_iss;
-- header keys are never trusted: jku, x5u and an embedded jwk of an attacker's key
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', pg_temp.a_token('{}',
    jsonb_build_object('kid', 'a1', 'jku', 'https://evil.example/jwks', 'jwk', :'ed_jwk'::jsonb - 'd'), 'EdDSA', :'ed_jwk'::jsonb)))
    AS embedded_jwk;
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', pg_temp.a_token('{}',
    '{"kid":"evil","x5u":"https://evil.example/cert"}')))
    AS unknown_kid_x5u;
-- an issuer not registered: its kid is unknown, and the detail says why
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', jwt_auth.jwt_sign(
    '{"iss":"https://c.example","aud":"api","sub":"s","exp":4102444800}'::jsonb, :'ec_jwk'::jsonb, 'ES256', '{"kid":"c1"}')))
    AS unregistered;

-- authenticate(): the role its issuer may grant, user_id(), uid() NULL, no session check
CREATE TABLE issuer_notes (owner text, note text);
ALTER TABLE issuer_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_notes ON issuer_notes USING (owner = jwt_auth.user_id());
GRANT SELECT ON issuer_notes TO regress_iss_reader, regress_iss_editor;
INSERT INTO issuer_notes VALUES ('a-user-1', 'note of a-user-1'), ('bob', 'note of bob'), ('a-user-2', 'note of a-user-2');
BEGIN;
SELECT jwt_auth.authenticate(pg_temp.a_token('{}')) ->> 'iss' AS iss;
SELECT current_user, jwt_auth.user_id(), jwt_auth.uid(), jwt_auth.claim('sub');
SELECT note FROM issuer_notes;
ROLLBACK;
BEGIN;
SELECT jwt_auth.authenticate(pg_temp.a_token('{"role":"regress_iss_editor"}')) IS NOT NULL AS editor;
SELECT current_user;
ROLLBACK;
SELECT pg_temp.outcome(format('SELECT jwt_auth.authenticate(%L)', pg_temp.a_token('{"role":"postgres"}'))) AS role_outside_set;
SELECT pg_temp.outcome(format('SELECT jwt_auth.authenticate(%L)', pg_temp.a_token('{"role":"regress_iss_admin"}'))) AS privileged_role_in_set;
SELECT pg_temp.outcome(format('SELECT jwt_auth.authenticate(%L)', pg_temp.a_token('{"role":7}'))) AS role_not_string;
-- a sub that is a uuid does not become uid(): other issuers do not name jwt_auth's users
BEGIN;
SELECT jwt_auth.authenticate(pg_temp.b_token('{"realm_access":{"roles":["offline_access","regress_iss_editor","regress_iss_reader"]}}')) IS NOT NULL AS keycloak;
SELECT current_user, jwt_auth.user_id(), jwt_auth.uid(), jwt_auth.claim('sub') AS sub;
SELECT note FROM issuer_notes;
ROLLBACK;
SELECT pg_temp.outcome(format('SELECT jwt_auth.authenticate(%L)', pg_temp.b_token('{"realm_access":{"roles":["offline_access"]}}'))) AS keycloak_no_allowed_role;
SELECT pg_temp.outcome(format('SELECT jwt_auth.authenticate(%L)', pg_temp.b_token('{}'))) AS keycloak_no_role_no_default;
SELECT pg_temp.outcome(format('SELECT jwt_auth.authenticate(%L)', pg_temp.b_token('{"preferred_username":null,"realm_access":{"roles":["regress_iss_reader"]}}'))) AS user_claim_missing;
-- Auth0's shape: a namespaced role claim
SELECT jwt_auth.issuer_alter('https://a.example', role_claim => '."https://example.com/role"');
BEGIN;
SELECT jwt_auth.authenticate(pg_temp.a_token('{"https://example.com/role":"regress_iss_editor","role":"postgres"}')) IS NOT NULL AS auth0;
SELECT current_user;
ROLLBACK;
-- PostgREST: it verified the Bearer token and switched to the role at its own role claim key;
-- pre_request() verifies it again as this issuer's and refuses a role the issuer may not grant
BEGIN;
SELECT set_config('request.headers', jsonb_build_object('authorization', 'Bearer ' ||
           pg_temp.a_token('{"https://example.com/role":"regress_iss_editor"}'))::text, true) IS NOT NULL AS set_headers;
SET LOCAL ROLE regress_iss_editor;
SELECT jwt_auth.pre_request();
SELECT current_user, jwt_auth.user_id();
ROLLBACK;
BEGIN;
SELECT set_config('request.headers', jsonb_build_object('authorization', 'Bearer ' ||
           pg_temp.a_token('{"https://example.com/role":"regress_iss_editor"}'))::text, true) IS NOT NULL AS set_headers;
SET LOCAL ROLE regress_iss_reader;  -- PostgREST read another claim than the issuer's role claim
SELECT pg_temp.outcome('SELECT jwt_auth.pre_request()') AS role_mismatch;
ROLLBACK;
-- auth_logout acts on jwt_auth's own sessions only
BEGIN;
SELECT jwt_auth.authenticate(pg_temp.a_token('{}')) IS NOT NULL AS authenticated;
SELECT pg_temp.outcome('SELECT jwt_auth.auth_logout()') AS logout_without_own_session;
ROLLBACK;

-- changes reach this session's caches at once: verified-token cache included
SELECT pg_temp.a_token('{}') AS t_a \gset
SELECT jwt_auth.jwt_valid(:'t_a') AS before, jwt_auth.jwt_valid(:'t_a') AS cached;
SELECT jwt_auth.issuer_alter('https://a.example', enabled => false);
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', :'t_a')) AS disabled;
SELECT jwt_auth.issuer_alter('https://a.example', enabled => true);
SELECT jwt_auth.jwt_valid(:'t_a') AS enabled_again;
SELECT jwt_auth.issuer_alter('https://a.example', audience => '{other-api}');
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', :'t_a')) AS audience_changed;
SELECT jwt_auth.issuer_alter('https://a.example', audience => '{api}', leeway => '1 day');
SELECT jwt_auth.jwt_valid(pg_temp.a_token(('{"exp":' || (extract(epoch FROM now()) - 3600)::bigint || '}')::jsonb)) AS within_issuer_leeway;
-- the provider's set no longer holds a1: its tokens stop verifying
SELECT jwt_auth.issuer_set_jwks('https://a.example', jsonb_build_object('keys', jsonb_build_array(:'ec_jwk'::jsonb - 'd' || '{"kid":"a2"}'))) AS keys;
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', :'t_a')) AS key_gone;
SELECT jwt_auth.jwt_valid(pg_temp.a_token('{}', '{"kid":"a2"}')) AS new_kid;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_set_jwks('https://a.example', NULL)$$) AS null_set;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_set_jwks('https://nobody.example', '{"keys":[]}')$$) AS unknown_issuer;
SELECT jwt_auth.issuer_remove('https://a.example');
SELECT pg_temp.outcome(format('SELECT jwt_auth.jwt_verify(%L)', pg_temp.a_token('{}', '{"kid":"a2"}'))) AS removed;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_remove('https://a.example')$$) AS removed_twice;

-- an HMAC issuer: only with its secret pushed, and only HS algorithms
SELECT jwt_auth.issuer_add('https://hs.example', '{"keys":[{"kty":"oct","kid":"h1","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]}',
                           audience => '{api}', algorithms => '{HS256}', default_role => 'regress_iss_reader') AS hs;
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"iss":"https://hs.example","aud":"api","sub":"s","exp":4102444800}'::jsonb,
                          'secret-secret-secret-secret-secret', 'HS256', '{"kid":"h1"}')) AS hs_valid;
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_alter('https://hs.example', jwks_uri => 'https://hs.example/jwks')$$) AS hs_uri;
SELECT jwt_auth.issuer_remove('https://hs.example');

-- jwt_auth's own tokens are as before
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"own","exp":4102444800}'::jsonb)) ->> 'sub' AS own;

-- clean up
SELECT jwt_auth.issuer_remove('https://b.example/realms/demo');
DELETE FROM jwt_auth.keys WHERE kid = 'iss-test-hs';
DROP TABLE issuer_notes;
DROP ROLE regress_iss_reader, regress_iss_editor, regress_iss_admin;
