-- Per-call cost of asymmetric signing and verification inside SQL, printed as
-- alg|op|µs lines for bench/run, which sets them beside `openssl speed`.
-- Same method as hs256.sql: varied inputs per row, baseline subtracted,
-- median of 5 runs. Keys are made once by key_generate and passed as PEM.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;

\set n 2000

CREATE FUNCTION pg_temp.per_row_us(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    runs float8[] := '{}';
    t0 timestamptz;
    rows bigint;
BEGIN
    FOR r IN 1..5 LOOP
        t0 := clock_timestamp();
        EXECUTE query INTO rows;
        runs := runs || extract(epoch FROM clock_timestamp() - t0) * 1e6 / rows;
    END LOOP;
    RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(runs) x);
END $$;

CREATE TEMP TABLE bench_key AS
SELECT alg, convert_from(m.private_key, 'UTF8') AS pem
  FROM unnest(ARRAY['RS256', 'PS256', 'ES256', 'EdDSA']) alg,
       LATERAL jwt_auth._key_new(alg) m;

CREATE TEMP TABLE input AS
SELECT k.alg, k.pem, i,
       format('{"sub":"user-%s","exp":4102444800}', i) AS claims
  FROM bench_key k, generate_series(1, :n) i;
ALTER TABLE input ADD COLUMN token text;
UPDATE input SET token = jwt_auth.jwt_sign(claims::json, pem, alg);
VACUUM ANALYZE input;

CREATE TEMP TABLE cost AS
SELECT alg, 'sign' AS op,
       pg_temp.per_row_us(format($q$SELECT count(jwt_auth.jwt_sign(claims::json, pem, alg)) FROM input WHERE alg = %L$q$, alg))
     - pg_temp.per_row_us(format($q$SELECT count(claims::json) FROM input WHERE alg = %L$q$, alg)) AS us
  FROM bench_key
UNION ALL
SELECT alg, 'verify',
       pg_temp.per_row_us(format($q$SELECT count(*) FILTER (WHERE jwt_auth.jwt_valid(token, pem, alg)) FROM input WHERE alg = %L$q$, alg))
     - pg_temp.per_row_us(format($q$SELECT count(*) FILTER (WHERE token IS NOT NULL) FROM input WHERE alg = %L$q$, alg))
  FROM bench_key;

\pset format unaligned
\pset tuples_only on
SELECT alg, op, round(us::numeric, 1) FROM cost ORDER BY alg, op;
