------------------------------------------------------------------------
-- Privileges: nothing for PUBLIC but the functions that compute with what
-- the caller brings, and verification and the JWKS with the stored keys.
-- Signing with the stored keys mints identities: grant it to the roles
-- that issue tokens, never to PUBLIC. The key functions are for the owner.
-- Login, refresh, logout and the request context are the public entry
-- points (each checks what it is given), and so are the password change,
-- reset, verification and sign-up; the user functions, auth_unlock,
-- purge_expired and the reset and verification requests (they hand out a
-- token) are for the owner, who grants the requests to the application
-- server. No table or view is PUBLIC's.
------------------------------------------------------------------------

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA jwt_auth FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA jwt_auth FROM PUBLIC;
GRANT USAGE ON SCHEMA jwt_auth TO PUBLIC;
GRANT EXECUTE ON FUNCTION
    jwt_auth.jwt_sign(jsonb, text, text, jsonb), jwt_auth.jwt_sign(jsonb, bytea, text, jsonb),
    jwt_auth.jwt_sign(jsonb, jsonb, text, jsonb), jwt_auth.jwt_sign(json, text, text, jsonb),
    jwt_auth.jwt_sign(json, bytea, text, jsonb), jwt_auth.jwt_sign(json, jsonb, text, jsonb),
    jwt_auth.jwt_sign(text, text, text, jsonb), jwt_auth.jwt_sign(text, bytea, text, jsonb),
    jwt_auth.jwt_sign(text, jsonb, text, jsonb),
    jwt_auth.jwt_verify(text, text, text, text, text, interval),
    jwt_auth.jwt_verify(text, bytea, text, text, text, interval),
    jwt_auth.jwt_verify(text, jsonb, text, text, text, interval),
    jwt_auth.jwt_valid(text, text, text, text, text, interval),
    jwt_auth.jwt_valid(text, bytea, text, text, text, interval),
    jwt_auth.jwt_valid(text, jsonb, text, text, text, interval),
    jwt_auth.jwt_decode(text),
    jwt_auth.jws_sign(bytea, text, text, jsonb), jwt_auth.jws_sign(bytea, bytea, text, jsonb),
    jwt_auth.jws_sign(bytea, jsonb, text, jsonb),
    jwt_auth.jws_verify(text, text, text), jwt_auth.jws_verify(text, bytea, text),
    jwt_auth.jws_verify(text, jsonb, text),
    jwt_auth.base64url_encode(bytea), jwt_auth.base64url_decode(text),
    jwt_auth.sign(json, text, text), jwt_auth.verify(text, text, text),
    jwt_auth.url_encode(bytea), jwt_auth.url_decode(text),
    jwt_auth.jwt_verify(text), jwt_auth.jwt_valid(text), jwt_auth.jwks(),
    jwt_auth.auth_login(text, text), jwt_auth.auth_refresh(text), jwt_auth.auth_logout(text, text),
    jwt_auth.authenticate(text), jwt_auth.pre_request(),
    jwt_auth.claims(), jwt_auth.claim(text), jwt_auth.uid(), jwt_auth.role(), jwt_auth.user_id(),
    jwt_auth.cookie_headers(jsonb), jwt_auth.cookie_clear_headers(), jwt_auth.cookie_refresh_token(),
    jwt_auth.auth_change_password(text, text), jwt_auth.auth_reset(text, text), jwt_auth.auth_verify(text),
    jwt_auth.auth_signup(text, text, jsonb)
TO PUBLIC;
