-- One backend, :tokens distinct tokens (stored HS256 key, each with its own sub and an exp an
-- hour away) through jwt_verify(token) and so through the verified-token cache, with
-- jwt_auth.token_cache_entries = :entries and token_cache_size = :size_kb kB (as the session
-- sets them first). RssAnon (the backend's private memory, /proc/<pid>/status) and
-- _token_cache_state() after every tenth of the tokens. Prints
-- "curve.mem.LABEL.SEEN.{anon_kb,entries,bytes,allocated}|v".
SET client_min_messages = warning;
SELECT set_config('jwt_auth.token_cache_entries', :'entries', false),
       set_config('jwt_auth.token_cache_size', :'size_kb', false),
       set_config('curve.tokens', :'tokens', false), set_config('curve.label', :'label', false) \g /dev/null
CREATE TEMP TABLE toks AS
SELECT i, jwt_auth.jwt_sign(jsonb_build_object('sub', 'user-' || i, 'exp', floor(extract(epoch FROM now())) + 3600)) AS token
  FROM generate_series(1, :tokens) i;
CREATE TEMP TABLE m (seen int, anon_kb int8, entries int, bytes int8, allocated int8);
DO $$
DECLARE
    n int := current_setting('curve.tokens')::int;
    step int := n / 10;
    tok text;
    seen int := 0;
    anon int8;
BEGIN
    -- warm-up (the library, the key store, the plans): 1,000 other tokens, which the measured
    -- ones push out of the cache
    PERFORM jwt_auth.jwt_verify(jwt_auth.jwt_sign(jsonb_build_object('sub', 'warm-' || i, 'exp', floor(extract(epoch FROM now())) + 3600)))
       FROM generate_series(1, 1000) i;
    FOR tok IN SELECT token FROM toks ORDER BY i LOOP
        IF seen % step = 0 THEN
            anon := substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'RssAnon:\s+(\d+) kB')::int8;
            INSERT INTO m SELECT seen, anon, c.entries, c.bytes, c.allocated FROM jwt_auth._token_cache_state() c;
        END IF;
        PERFORM jwt_auth.jwt_verify(tok);
        seen := seen + 1;
    END LOOP;
    anon := substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'RssAnon:\s+(\d+) kB')::int8;
    INSERT INTO m SELECT seen, anon, c.entries, c.bytes, c.allocated FROM jwt_auth._token_cache_state() c;
END
$$;
\pset format unaligned
\pset tuples_only on
SELECT format('curve.mem.%s.%s.%s|%s', current_setting('curve.label'), seen, k, v)
  FROM m, LATERAL (VALUES ('anon_kb', anon_kb), ('entries', entries), ('bytes', bytes), ('allocated', allocated)) x(k, v)
 ORDER BY seen, k;
