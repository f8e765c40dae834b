
------------------------------------------------------------------------
-- Cookie mode, for browsers behind PostgREST (which reads only the
-- Authorization header): the API's login and refresh functions set the
-- tokens as cookies through PostgREST's response.headers, pre_request()
-- (src/pg/context.c) takes the access token from request.cookies when no
-- Authorization header is sent, and a cookie-authenticated request other
-- than GET, HEAD or OPTIONS must carry X-CSRF-Token equal to the csrf
-- cookie, which only the site's own pages can read. The access and
-- refresh cookies are HttpOnly; the refresh cookie goes only to the
-- refresh path. Names, path and SameSite come from the jwt_auth.cookie_*
-- settings.
------------------------------------------------------------------------

-- PostgREST's response.headers for a login's or refresh's tokens: three Set-Cookie headers
CREATE FUNCTION jwt_auth.cookie_headers(tokens jsonb) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.jsonb_build_array(
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=%s; Path=/; Max-Age=%s; HttpOnly; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_access_name'),
                   tokens OPERATOR(pg_catalog.->>) 'access_token',
                   tokens OPERATOR(pg_catalog.->>) 'expires_in', s.samesite)),
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=%s; Path=%s; Max-Age=%s; HttpOnly; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_refresh_name'),
                   tokens OPERATOR(pg_catalog.->>) 'refresh_token',
                   pg_catalog.current_setting('jwt_auth.cookie_refresh_path'), s.max_age, s.samesite)),
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=%s; Path=/; Max-Age=%s; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_csrf_name'),
                   (jwt_auth.jwt_decode(tokens OPERATOR(pg_catalog.->>) 'access_token')).payload
                       OPERATOR(pg_catalog.->>) 'csrf',
                   s.max_age, s.samesite)))::text
      FROM (SELECT pg_catalog.initcap(pg_catalog.current_setting('jwt_auth.cookie_samesite')) AS samesite,
                   EXTRACT(epoch FROM pg_catalog.current_setting('jwt_auth.refresh_ttl')::interval)::bigint
                       AS max_age) s
     WHERE tokens ?& ARRAY['access_token', 'refresh_token', 'expires_in']
$$;
COMMENT ON FUNCTION jwt_auth.cookie_headers(jsonb) IS
    'PostgREST''s response.headers that set the tokens of auth_login or auth_refresh as cookies (access, refresh, csrf)';

-- PostgREST's response.headers that clear the three cookies (at logout)
CREATE FUNCTION jwt_auth.cookie_clear_headers() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.jsonb_build_array(
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_access_name'), s.samesite)),
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=; Path=%s; Max-Age=0; HttpOnly; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_refresh_name'),
                   pg_catalog.current_setting('jwt_auth.cookie_refresh_path'), s.samesite)),
               pg_catalog.jsonb_build_object('Set-Cookie', pg_catalog.format(
                   '%s=; Path=/; Max-Age=0; Secure; SameSite=%s',
                   pg_catalog.current_setting('jwt_auth.cookie_csrf_name'), s.samesite)))::text
      FROM (SELECT pg_catalog.initcap(pg_catalog.current_setting('jwt_auth.cookie_samesite')) AS samesite) s
$$;
COMMENT ON FUNCTION jwt_auth.cookie_clear_headers() IS
    'PostgREST''s response.headers that clear the access, refresh and csrf cookies';

-- the refresh token a browser sent as its cookie (PostgREST's request.cookies), or NULL
CREATE FUNCTION jwt_auth.cookie_refresh_token() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT NULLIF(pg_catalog.current_setting('request.cookies', true), '')::jsonb
               OPERATOR(pg_catalog.->>) pg_catalog.current_setting('jwt_auth.cookie_refresh_name')
$$;
COMMENT ON FUNCTION jwt_auth.cookie_refresh_token() IS
    'the refresh-token cookie of PostgREST''s request.cookies, or NULL';
