-- pg_temp.rss_anon_kb(): this backend's private resident memory (RssAnon in
-- /proc/<pid>/status), which the memory scripts read before and after their
-- calls. Needs a superuser (pg_read_file of /proc).
CREATE FUNCTION pg_temp.rss_anon_kb() RETURNS bigint LANGUAGE sql AS $$
    SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status')
                     FROM 'RssAnon:\s*(\d+)')::bigint
$$;
