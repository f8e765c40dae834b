-- Backend memory across :verifies jwt_verify calls and :rounds login/refresh
-- rounds, all in this one backend (psql's session): the backend's RSS
-- (VmRSS, and RssAnon, its private part, from /proc/<pg_backend_pid()>/status)
-- and pg_backend_memory_contexts (total bytes, per context name and ident)
-- before, halfway through and after each (string literals in a context's ident, such as a
-- plan's query text, are shown as '…'). Both start after a warm-up of the same work, so
-- that first-time costs (library load, catalog caches, the shared buffers
-- the backend touches, plans) are not counted as growth.
--
-- Verifies: HS256, half with a key passed in the call, half with the stored
-- key, over 10,000 rows of distinct tokens, one transaction per pass of
-- 20,000. Rounds: auth_login then auth_refresh of the new refresh token, one
-- transaction each round, 100 users in turn, bcrypt cost 4, ES256 access
-- tokens. Prints "mem.PHASE.WHAT|value" lines for bench/run.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;
\if :{?verifies}
\else
    \set verifies 1000000
\endif
\if :{?rounds}
\else
    \set rounds 100000
\endif

CREATE TABLE mem_snap (label text PRIMARY KEY, rss_kb bigint, anon_kb bigint, ctx jsonb);
CREATE PROCEDURE mem_take(label text) LANGUAGE sql AS $$
    INSERT INTO mem_snap
    SELECT label,
           substring(s FROM 'VmRSS:\s*(\d+)')::bigint,
           substring(s FROM 'RssAnon:\s*(\d+)')::bigint,
           (SELECT jsonb_object_agg(k, b)
              FROM (SELECT name || coalesce(' / ' || left(regexp_replace(regexp_replace(ident, '\s+', ' ', 'g'),
                                                                     '''[^'']*''', '''…''', 'g'), 48), '') AS k,
                           sum(total_bytes) AS b
                      FROM pg_backend_memory_contexts GROUP BY 1) c)
      FROM pg_read_file('/proc/' || pg_backend_pid() || '/status') AS s
$$;
CALL mem_take('prime');

-- verifies
SELECT jwt_auth.key_generate('HS256') AS kid \gset
CREATE TABLE mem_token AS
SELECT i,
       jwt_auth.jwt_sign(format('{"sub":"user-%s","role":"authenticated","iat":1700000000,"exp":4102444800}', i)::json,
                         'bench-secret-0123456789abcdef!!!') AS explicit,
       jwt_auth.jwt_sign(format('{"sub":"user-%s","role":"authenticated","iat":1700000000,"exp":4102444800}', i)::json) AS stored
  FROM generate_series(1, 10000) i;
VACUUM ANALYZE mem_token;

CREATE PROCEDURE mem_verify(passes int) LANGUAGE plpgsql AS $$
DECLARE
    a bigint;
    b bigint;
BEGIN
    FOR p IN 1..passes LOOP
        SELECT count(jwt_auth.jwt_verify(explicit, 'bench-secret-0123456789abcdef!!!')),
               count(jwt_auth.jwt_verify(stored))
          INTO a, b FROM mem_token;
        IF a <> 10000 OR b <> 10000 THEN
            RAISE EXCEPTION 'verified % and % tokens of 10000', a, b;
        END IF;
        COMMIT;
    END LOOP;
END
$$;
CALL mem_verify(2);
CALL mem_take('verify before');
CALL mem_verify(:verifies / 40000);
CALL mem_take('verify middle');
CALL mem_verify(:verifies / 20000 - :verifies / 40000);
CALL mem_take('verify after');

-- login/refresh rounds
SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.key_generate('ES256') AS kid \gset
SELECT jwt_auth.user_create('mem1', 'bench password') IS NOT NULL AS created \gset
INSERT INTO jwt_auth.users (username, password_hash)
SELECT 'mem' || i, (SELECT password_hash FROM jwt_auth.users WHERE username = 'mem1')
  FROM generate_series(2, 100) AS i;

CREATE PROCEDURE mem_rounds(n int) LANGUAGE plpgsql AS $$
DECLARE
    r jsonb;
BEGIN
    FOR i IN 1..n LOOP
        r := jwt_auth.auth_login('mem' || (i % 100 + 1), 'bench password');
        r := jwt_auth.auth_refresh(r ->> 'refresh_token');
        IF r ->> 'access_token' IS NULL THEN
            RAISE EXCEPTION 'refresh gave no access token';
        END IF;
        COMMIT;
    END LOOP;
END
$$;
CALL mem_rounds(greatest(:rounds / 100, 100));
CALL mem_take('rounds before');
CALL mem_rounds(:rounds / 2);
CALL mem_take('rounds middle');
CALL mem_rounds(:rounds - :rounds / 2);
CALL mem_take('rounds after');

\pset format unaligned
\pset tuples_only on
WITH phase(p, n, b, a) AS (VALUES ('verify', :verifies / 20000 * 20000, 'verify before', 'verify after'),
                                  ('rounds', :rounds, 'rounds before', 'rounds after')),
ctx AS (
    SELECT p, k, coalesce((sb.ctx ->> k)::bigint, 0) AS before, coalesce((sa.ctx ->> k)::bigint, 0) AS after
      FROM phase
      JOIN mem_snap sb ON sb.label = phase.b
      JOIN mem_snap sa ON sa.label = phase.a,
           LATERAL (SELECT jsonb_object_keys(sb.ctx) UNION SELECT jsonb_object_keys(sa.ctx)) AS keys(k)
),
line(p, what, v) AS (
    SELECT p, 'calls', n::text FROM phase
    UNION ALL SELECT p, 'rss_kb.before', sb.rss_kb::text FROM phase JOIN mem_snap sb ON sb.label = phase.b
    UNION ALL SELECT p, 'rss_kb.after', sa.rss_kb::text FROM phase JOIN mem_snap sa ON sa.label = phase.a
    UNION ALL SELECT p, 'anon_kb.before', sb.anon_kb::text FROM phase JOIN mem_snap sb ON sb.label = phase.b
    UNION ALL SELECT p, 'anon_kb.after', sa.anon_kb::text FROM phase JOIN mem_snap sa ON sa.label = phase.a
    UNION ALL SELECT p, 'rss_kb.middle', sm.rss_kb::text FROM phase JOIN mem_snap sm ON sm.label = p || ' middle'
    UNION ALL SELECT p, 'anon_kb.middle', sm.anon_kb::text FROM phase JOIN mem_snap sm ON sm.label = p || ' middle'
    UNION ALL SELECT p, 'ctx_bytes.before', sum(before)::text FROM ctx GROUP BY p
    UNION ALL SELECT p, 'ctx_bytes.after', sum(after)::text FROM ctx GROUP BY p
    UNION ALL SELECT p, 'ctx_count', count(*)::text FROM ctx GROUP BY p
    UNION ALL SELECT p, 'ctx_grown', count(*) FILTER (WHERE after > before)::text FROM ctx GROUP BY p
    UNION ALL SELECT p, 'ctx_grown_list',
                     coalesce(string_agg(format('%s +%s B', replace(k, '|', '/'), after - before), '; '
                                         ORDER BY after - before DESC) FILTER (WHERE after > before), '')
                FROM ctx GROUP BY p
)
SELECT 'mem.' || p || '.' || what, v FROM line ORDER BY p, what;
