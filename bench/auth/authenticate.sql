-- In one backend: authenticate() per call with the verified-token cache on
-- (each token seen once before) and off (every call verifies), for the
-- readers' ES256 and HS256 tokens; rounds alternate on and off, each a pass
-- over every token, and each figure is the median over :rounds rounds of
-- the µs per call (this backend's CPU time when psql is given cpu_so).
-- Prints "auth.authenticate_us.ALG_CACHE|µs".
SET client_min_messages = warning;
\ir ../clock.sql
\if :{?rounds}
\else
    \set rounds 7
\endif
SELECT set_config('bench.rounds', :'rounds', false) \g /dev/null
CREATE TEMP TABLE auth_timing (kind text, us float8);
DO $$
DECLARE
    es text[] := ARRAY(SELECT token FROM bench_access_es ORDER BY n);
    hs text[] := ARRAY(SELECT token FROM bench_access_hs ORDER BY n);
    tokens text[];
    tok text;
    alg text;
    cache text;
    t0 int8;
    kinds text[] := '{}';
    us float8[] := '{}';
BEGIN
    FOR round IN 1..current_setting('bench.rounds')::int LOOP
        FOREACH alg IN ARRAY ARRAY['es', 'hs'] LOOP
            tokens := CASE alg WHEN 'es' THEN es ELSE hs END;
            FOREACH cache IN ARRAY CASE round % 2 WHEN 0 THEN ARRAY['on', 'off'] ELSE ARRAY['off', 'on'] END LOOP
                RESET ROLE;                           -- authenticate() switched to the token's
                PERFORM set_config('jwt_auth.token_cache_entries', CASE cache WHEN 'on' THEN '1000000' ELSE '0' END, true);
                FOREACH tok IN ARRAY tokens LOOP      -- warm-up: the cache sees each token once
                    PERFORM jwt_auth.authenticate(tok);
                END LOOP;
                t0 := pg_temp.clock_ns();
                FOREACH tok IN ARRAY tokens LOOP
                    PERFORM jwt_auth.authenticate(tok);
                END LOOP;
                kinds := kinds || (alg || '_cache_' || cache);
                us := us || ((pg_temp.clock_ns() - t0) / 1000.0 / cardinality(tokens));
            END LOOP;
        END LOOP;
    END LOOP;
    RESET ROLE;
    INSERT INTO auth_timing SELECT * FROM unnest(kinds, us);
END
$$;
\pset format unaligned
\pset tuples_only on
SELECT 'auth.authenticate_us.' || kind, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY us)::numeric, 2)
  FROM auth_timing GROUP BY kind ORDER BY kind;
