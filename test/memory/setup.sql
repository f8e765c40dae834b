-- What every memory script starts with: the extension, no notices, and
-- pg_temp.rss_anon_kb(), this backend's private resident memory (RssAnon
-- in /proc/<pid>/status), read before and after the calls. Needs a
-- superuser (pg_read_file of /proc).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;
CREATE FUNCTION pg_temp.rss_anon_kb() RETURNS bigint LANGUAGE sql AS $$
    SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status')
                     FROM 'RssAnon:\s*(\d+)')::bigint
$$;
