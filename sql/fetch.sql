--
-- Issuers' keys fetched from a jwks_uri, without a network: what is refused
-- before any connection (schemes other than https, hosts outside
-- jwt_auth.fetch_allowed_hosts, credentials in the URL), a fetch that finds
-- nothing listening on the loopback (its failure recorded, the last good set
-- kept, the next try a cooldown on), issuer_refresh and issuer_discover's
-- errors, the settings and who may change them. Fetches that reach a server
-- (max-age, redirects, size cap, hangs, rotation, the worker) are in test/idp.
--
\set SHOW_CONTEXT never
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

-- refused before any connection: no status, no body, the reason
SELECT status, body, max_age, error FROM jwt_auth._issuer_fetch('file:///etc/passwd');
SELECT status, error FROM jwt_auth._issuer_fetch('http://127.0.0.1:1/jwks');
SELECT status, error FROM jwt_auth._issuer_fetch('ftp://127.0.0.1/jwks');
SELECT status, error FROM jwt_auth._issuer_fetch('gopher://127.0.0.1/');
SELECT status, error FROM jwt_auth._issuer_fetch('https://user:secret@127.0.0.1:1/jwks');
SELECT status, error FROM jwt_auth._issuer_fetch('https:///jwks');
SELECT status, error FROM jwt_auth._issuer_fetch('/.well-known/jwks.json');
SELECT status, error FROM jwt_auth._issuer_fetch('');
SELECT pg_temp.outcome($$SELECT jwt_auth._issuer_fetch(NULL)$$);

-- the settings' defaults, now that the library is loaded (jwt_auth.database, the worker's,
-- exists only when preloaded)
SELECT name, boot_val, unit, context FROM pg_settings WHERE name LIKE 'jwt_auth.fetch%' ORDER BY name;

-- the allowed hosts: exact names, any case; a query string is never echoed
SET jwt_auth.fetch_allowed_hosts = 'login.example.com, TENANT.auth0.com';
SELECT error FROM jwt_auth._issuer_fetch('https://127.0.0.1:1/jwks?key=s3cret');
SELECT error FROM jwt_auth._issuer_fetch('https://evil.login.example.com/jwks');
SELECT error FROM jwt_auth._issuer_fetch('https://login.example.com.evil.test/jwks');
SELECT pg_temp.outcome($$SET jwt_auth.fetch_allowed_hosts = 'a.example.com,,b.example.com'$$);
SELECT pg_temp.outcome($$SET jwt_auth.fetch_allowed_hosts = 'https://a.example.com/'$$);
RESET jwt_auth.fetch_allowed_hosts;

-- nothing listens on port 1 of the loopback: an error in words, no status, nothing raised
SELECT status IS NULL AS no_status, body IS NULL AS no_body, error IS NOT NULL AS error_said,
       error NOT LIKE '%s3cret%' AS query_not_echoed
  FROM jwt_auth._issuer_fetch('https://127.0.0.1:1/jwks?key=s3cret');

-- issuer_refresh: an issuer with keys pushed has nothing to fetch
\set ec_pub '{"kty":"EC","crv":"P-256","kid":"p1","use":"sig","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}'
SELECT jwt_auth.issuer_add('https://pushed.example', jwks => jsonb_build_object('keys', jsonb_build_array(:'ec_pub'::jsonb)),
                           audience => '{api}', default_role => 'authenticated');
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_refresh('https://pushed.example')$$);
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_refresh('https://nobody.example')$$);

-- a jwks_uri that does not answer: false, a WARNING, the error recorded, the set kept,
-- the next try fetch_cooldown on; a good set stored earlier still there
SELECT jwt_auth.issuer_add('https://down.example', jwks_uri => 'https://127.0.0.1:1/jwks',
                           audience => '{api}', default_role => 'authenticated');
SELECT next_fetch_at = created_at AS fetched_at_once_by_the_worker, fetched_at, jwks
  FROM jwt_auth.issuers WHERE issuer = 'https://down.example';
UPDATE jwt_auth.issuers SET jwks = jsonb_build_object('keys', jsonb_build_array(:'ec_pub'::jsonb))
 WHERE issuer = 'https://down.example';
BEGIN;
SET LOCAL client_min_messages = error;  -- the WARNING's detail names the connection's timing
SET LOCAL jwt_auth.fetch_cooldown = '30s';
SELECT jwt_auth.issuer_refresh('https://down.example') AS refreshed;
SELECT fetched_at IS NULL AS never_fetched, fetch_attempted_at = now() AS attempted,
       fetch_error_at = now() AS error_at, fetch_error IS NOT NULL AS error_recorded,
       next_fetch_at - fetch_attempted_at AS next_try_in, jwks -> 'keys' -> 0 ->> 'kid' AS kept_kid
  FROM jwt_auth.issuers WHERE issuer = 'https://down.example';
COMMIT;
SET jwt_auth.fetch_cooldown = '2min';
SET client_min_messages = error;
SELECT jwt_auth.issuer_refresh('https://down.example') AS refreshed;
RESET client_min_messages;
SELECT next_fetch_at - fetch_attempted_at AS next_try_in FROM jwt_auth.issuers WHERE issuer = 'https://down.example';
RESET jwt_auth.fetch_cooldown;
-- a refused URL is recorded the same way, in words
SELECT jwt_auth.issuer_add('https://hosts.example', jwks_uri => 'https://127.0.0.1:1/jwks',
                           audience => '{api}', default_role => 'authenticated');
SET jwt_auth.fetch_allowed_hosts = 'login.example.com';
SELECT jwt_auth.issuer_refresh('https://hosts.example') AS refreshed;
RESET jwt_auth.fetch_allowed_hosts;
SELECT fetch_error FROM jwt_auth.issuers WHERE issuer = 'https://hosts.example';

-- issuer_discover: the discovery document must be fetched over https; nothing is registered otherwise
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_discover('http://127.0.0.1:1', audience => '{api}')$$);
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_discover(NULL, audience => '{api}')$$);
SET jwt_auth.fetch_allowed_hosts = 'login.example.com';
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_discover('https://127.0.0.1:1/', audience => '{api}')$$);
RESET jwt_auth.fetch_allowed_hosts;
SELECT count(*) AS registered FROM jwt_auth.issuers WHERE issuer LIKE '%127.0.0.1%';

-- an ordinary role may neither fetch, refresh nor discover, nor change where keys come from
CREATE ROLE jwt_auth_fetch_nobody NOLOGIN;
SET ROLE jwt_auth_fetch_nobody;
SELECT pg_temp.outcome($$SELECT jwt_auth._issuer_fetch('https://login.example.com/jwks')$$);
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_refresh('https://down.example')$$);
SELECT pg_temp.outcome($$SELECT jwt_auth.issuer_discover('https://login.example.com', audience => '{api}')$$);
SELECT pg_temp.outcome($$SET jwt_auth.fetch_allowed_hosts = ''$$);
SELECT pg_temp.outcome($$SET jwt_auth.fetch_ca_file = '/tmp/mine.pem'$$);
SELECT pg_temp.outcome($$SET jwt_auth.fetch_follow_redirects = on$$);
SELECT pg_temp.outcome($$SET jwt_auth.fetch_max_size = '1GB'$$);
RESET ROLE;
DROP ROLE jwt_auth_fetch_nobody;
SELECT jwt_auth.issuer_remove(i) FROM unnest(ARRAY['https://pushed.example', 'https://down.example',
                                                   'https://hosts.example']) i;
