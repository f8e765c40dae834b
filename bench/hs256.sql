-- Per-call cost of HS256 signing and verification inside SQL, next to one
-- pgcrypto hmac() over the same signing input (the in-database floor).
--
-- Each operation runs over N rows whose inputs differ per row (nothing can
-- be folded into a constant); the cost of the same query without the call
-- (the baseline) is subtracted; each figure is the median of 5 runs.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;

\set n 200000
\set key '''bench-secret-0123456789abcdef!!!'''

CREATE TEMP TABLE input AS
SELECT i,
       format('{"sub":"user-%s","role":"authenticated","iat":1700000000,"exp":4102444800}', i) AS claims
  FROM generate_series(1, :n) i;
ALTER TABLE input ADD COLUMN token text, ADD COLUMN signing_input text;
UPDATE input SET token = jwt_auth.jwt_sign(claims::json, :key);
UPDATE input SET signing_input = split_part(token, '.', 1) || '.' || split_part(token, '.', 2);
VACUUM ANALYZE input;

-- microseconds one row of `query` takes, median of 5 runs
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

CREATE TEMP TABLE cost AS
WITH q(op, query, baseline) AS (VALUES
  ('pgcrypto hmac()',
   $q$SELECT count(hmac(signing_input, 'bench-secret-0123456789abcdef!!!', 'sha256')) FROM input$q$,
   $q$SELECT count(signing_input) FROM input$q$),
  ('jwt_sign HS256 (json)',
   $q$SELECT count(jwt_auth.jwt_sign(claims::json, 'bench-secret-0123456789abcdef!!!')) FROM input$q$,
   $q$SELECT count(claims::json) FROM input$q$),
  ('jwt_sign HS256 (jsonb)',
   $q$SELECT count(jwt_auth.jwt_sign(claims::jsonb, 'bench-secret-0123456789abcdef!!!')) FROM input$q$,
   $q$SELECT count(claims::jsonb) FROM input$q$),
  ('jwt_verify HS256',
   $q$SELECT count(jwt_auth.jwt_verify(token, 'bench-secret-0123456789abcdef!!!')) FROM input$q$,
   $q$SELECT count(token) FROM input$q$),
  ('jwt_valid HS256',
   $q$SELECT count(*) FILTER (WHERE jwt_auth.jwt_valid(token, 'bench-secret-0123456789abcdef!!!')) FROM input$q$,
   $q$SELECT count(*) FILTER (WHERE token IS NOT NULL) FROM input$q$)
)
SELECT op, pg_temp.per_row_us(query) - pg_temp.per_row_us(baseline) AS us FROM q;

\echo
SELECT op,
       round(us::numeric, 2) AS "µs per call",
       round((us / (SELECT us FROM cost WHERE op = 'pgcrypto hmac()'))::numeric, 2) AS "× hmac()"
  FROM cost;
