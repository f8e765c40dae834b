-- jwt_verify(token, key) (HS256, the key in the call: not cached) per call by payload size,
-- 100 B to 128 kB of claims JSON; each size's tokens differ (sub), :rounds rounds, each
-- timing every size (the backend's CPU time). Then a token over the 256 kB cap on a token's
-- length: its refusal. Prints "curve.payload.BYTES.us.rROUND|µs", the sizes, the refusal.
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.cpu_ns() RETURNS int8 AS :'cpu_so', 'bench_cpu_ns' LANGUAGE C VOLATILE;
SELECT set_config('curve.rounds', :'rounds', false) \g /dev/null
CREATE TEMP TABLE p (size int, token text, calls int);
-- claims JSON of exactly `size` bytes: the registered claims, then padding to the size
INSERT INTO p
SELECT size, jwt_auth.jwt_sign(c || jsonb_build_object('pad', repeat('a', size - length((c || '{"pad":""}')::text))),
                               'curve-secret-0123456789abcdef!!!'::text, 'HS256'),
       least(20000, greatest(400, 20000000 / size))
  FROM unnest(ARRAY[100, 1000, 4000, 16000, 64000, 128000]) AS size,
       generate_series(1, 20) AS j,
       LATERAL (SELECT jsonb_build_object('sub', 'u' || j, 'exp', 4102444800) AS c) x;
CREATE TEMP TABLE r (size int, round int, us float8);
DO $$
DECLARE
    toks text[];
    c int;
    c0 int8;
    sz int;
BEGIN
    FOR round IN 1..current_setting('curve.rounds')::int LOOP
        FOR sz IN SELECT DISTINCT size FROM p ORDER BY 1 LOOP
            toks := ARRAY(SELECT token FROM p WHERE size = sz);
            c := (SELECT max(calls) FROM p WHERE size = sz);
            PERFORM jwt_auth.jwt_verify(toks[1], 'curve-secret-0123456789abcdef!!!'::text);
            c0 := pg_temp.cpu_ns();
            FOR i IN 1..c LOOP
                PERFORM jwt_auth.jwt_verify(toks[1 + i % 20], 'curve-secret-0123456789abcdef!!!'::text);
            END LOOP;
            INSERT INTO r VALUES (sz, round, (pg_temp.cpu_ns() - c0) / 1000.0 / c);
        END LOOP;
    END LOOP;
END
$$;
\pset format unaligned
\pset tuples_only on
SELECT format('curve.payload.%s.us.r%s|%s', size, round, round(us::numeric, 3)) FROM r ORDER BY size, round;
SELECT format('curve.payload.%s.token_bytes|%s', size, max(length(token))) FROM p GROUP BY size ORDER BY size;
-- beyond the cap: a token of 200 kB of claims is 267 kB long
CREATE TEMP TABLE big AS
SELECT jwt_auth.jwt_sign(jsonb_build_object('sub', 'u', 'exp', 4102444800, 'pad', repeat('a', 200000)),
                         'curve-secret-0123456789abcdef!!!'::text, 'HS256') AS token;
DO $$
DECLARE
    m text;
    d text;
BEGIN
    PERFORM jwt_auth.jwt_verify((SELECT token FROM big), 'curve-secret-0123456789abcdef!!!'::text);
    PERFORM set_config('curve.refusal', 'accepted', false);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
    PERFORM set_config('curve.refusal', SQLSTATE || ': ' || m || coalesce(' / ' || nullif(d, ''), ''), false);
END
$$;
SELECT format('curve.payload.refused.token_bytes|%s', length(token)) FROM big;
SELECT format('curve.payload.refused.outcome|%s', current_setting('curve.refusal'));
