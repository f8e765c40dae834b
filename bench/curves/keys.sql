-- Stored-key jwt_verify(token) with 1, 10, 100, 1000 and 10,000 HS256 keys in jwt_auth.keys
-- (each new key active, the one before retired: every one still verifies), the
-- verified-token cache off so that every call verifies: tokens of the first key (the oldest)
-- and of the newest, :calls calls each, :rounds rounds alternating. Prints
-- "curve.keys.N.oldest_us.rROUND|µs" and newest_us (the backend's CPU time).
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.cpu_ns() RETURNS int8 AS :'cpu_so', 'bench_cpu_ns' LANGUAGE C VOLATILE;
SELECT set_config('curve.rounds', :'rounds', false), set_config('curve.calls', :'calls', false) \g /dev/null
SET jwt_auth.token_cache_entries = 0;
SELECT jwt_auth.key_generate('HS256') IS NOT NULL AS kid \gset
CREATE TEMP TABLE oldest AS
SELECT jwt_auth.jwt_sign(jsonb_build_object('sub', 'u' || j, 'exp', 4102444800)) AS token FROM generate_series(1, 20) j;
CREATE TEMP TABLE r (keys int, which text, round int, us float8);
DO $$
DECLARE
    old text[] := ARRAY(SELECT token FROM oldest);
    new text[];
    toks text[];
    calls int := current_setting('curve.calls')::int;
    have int := 1;
    c0 int8;
    which text;
    n int;
BEGIN
    FOREACH n IN ARRAY ARRAY[1, 10, 100, 1000, 10000] LOOP
        PERFORM jwt_auth.key_generate('HS256') FROM generate_series(have + 1, n);
        have := n;
        new := ARRAY(SELECT jwt_auth.jwt_sign(jsonb_build_object('sub', 'u' || j, 'exp', 4102444800))
                       FROM generate_series(1, 20) j);
        PERFORM jwt_auth.jwt_verify(old[1]), jwt_auth.jwt_verify(new[1]);   -- the store loaded
        FOR round IN 1..current_setting('curve.rounds')::int LOOP
            FOREACH which IN ARRAY CASE round % 2 WHEN 0 THEN ARRAY['oldest', 'newest'] ELSE ARRAY['newest', 'oldest'] END LOOP
                toks := CASE which WHEN 'oldest' THEN old ELSE new END;
                c0 := pg_temp.cpu_ns();
                FOR i IN 1..calls LOOP
                    PERFORM jwt_auth.jwt_verify(toks[1 + i % 20]);
                END LOOP;
                INSERT INTO r VALUES (n, which, round, (pg_temp.cpu_ns() - c0) / 1000.0 / calls);
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;
\pset format unaligned
\pset tuples_only on
SELECT format('curve.keys.%s.%s_us.r%s|%s', keys, which, round, round(us::numeric, 3)) FROM r ORDER BY keys, which, round;
SELECT format('curve.keys.count|%s', count(*)) FROM jwt_auth.keys;
