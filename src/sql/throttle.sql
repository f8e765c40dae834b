
------------------------------------------------------------------------
-- Brute-force throttling (src/pg/throttle.c): failed logins counted per
-- username and per client address in shared memory (counted before the
-- bcrypt work, so concurrent guesses cannot pass together), when jwt_auth is in
-- shared_preload_libraries. The view jwt_auth.throttle says whether it is.
------------------------------------------------------------------------

CREATE FUNCTION jwt_auth._throttle_begin(username text, is_user boolean) RETURNS boolean
AS 'MODULE_PATHNAME', 'jwt_auth_throttle_begin' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION jwt_auth._throttle_succeeded(username text) RETURNS void
AS 'MODULE_PATHNAME', 'jwt_auth_throttle_succeeded' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION jwt_auth._throttle_reset(username text) RETURNS void
AS 'MODULE_PATHNAME', 'jwt_auth_throttle_reset' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION jwt_auth._throttle_state(OUT enabled boolean, OUT counters integer, OUT locked integer)
RETURNS record AS 'MODULE_PATHNAME', 'jwt_auth_throttle_state' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION jwt_auth._throttle_begin(text, boolean) IS
    'internal: count a login attempt for a username (is_user: a user''s) and the client address; false when either is locked, or a user''s username can get no counter';
COMMENT ON FUNCTION jwt_auth._throttle_succeeded(text) IS 'internal: a good login''s attempt does not count';
COMMENT ON FUNCTION jwt_auth._throttle_reset(text) IS 'internal: clear a username''s failures';
COMMENT ON FUNCTION jwt_auth._throttle_state() IS 'internal: whether throttling is on, counters in use, counters over their limit';

CREATE VIEW jwt_auth.throttle AS
SELECT t.enabled,
       pg_catalog.current_setting('jwt_auth.max_failed_logins')::integer AS max_failed_logins,
       pg_catalog.current_setting('jwt_auth.max_failed_logins_per_address')::integer AS max_failed_logins_per_address,
       pg_catalog.current_setting('jwt_auth.lockout_time')::interval AS lockout_time,
       t.counters,
       t.locked
  FROM jwt_auth._throttle_state() t;
COMMENT ON VIEW jwt_auth.throttle IS
    'whether login throttling is on (jwt_auth in shared_preload_libraries), its limits, counters in use and locked out';

CREATE FUNCTION jwt_auth.auth_unlock(username text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM jwt_auth._throttle_reset(username);
END
$$;
COMMENT ON FUNCTION jwt_auth.auth_unlock(text) IS 'clear a username''s failed logins (its client addresses keep theirs)';
