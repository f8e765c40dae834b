-- Per-call cost of asymmetric signing and verification inside SQL (jwt_sign
-- and jwt_verify with a PEM key passed in the call), for bench/run to set
-- beside `openssl speed` of the same primitive. Same method as hs256.sql:
-- inputs varied per row, baseline subtracted, the cost of one more call and
-- of a statement's first call, median of :runs rounds. Keys are fresh
-- (_key_new, what key_generate stores). Prints "sql.ALG.OP|µs" and
-- "sql.ALG.OP.first|µs".
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;   -- one backend does all the calls: its CPU time is theirs
SET jit = off;                              -- no compile time that differs between query and baseline
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;
\if :{?n}
\else
    \set n 2000
\endif
\if :{?runs}
\else
    \set runs 5
\endif
\ir measure.sql

CREATE TEMP TABLE bench_key AS
SELECT alg, convert_from(m.private_key, 'UTF8') AS pem
  FROM unnest(ARRAY['RS256', 'PS256', 'ES256', 'EdDSA']) alg,
       LATERAL jwt_auth._key_new(alg) m;

CREATE TEMP TABLE input AS
SELECT k.alg, i,
       format('{"sub":"user-%s","role":"authenticated","iat":1700000000,"exp":4102444800}', i) AS claims
  FROM bench_key k, generate_series(1, :n) i;
ALTER TABLE input ADD COLUMN token text;
UPDATE input SET token = jwt_auth.jwt_sign(claims::json, k.pem, k.alg) FROM bench_key k WHERE k.alg = input.alg;
CREATE INDEX ON input (alg, i);
VACUUM ANALYZE input;

-- The key is a literal in the query, as an application would pass it (a parameter); from a
-- column of each row, its 1.7 kB of PEM would be fetched from TOAST on every call.
INSERT INTO ops (op, query, baseline, rows)
SELECT alg || '.sign',
       format($q$SELECT count(jwt_auth.jwt_sign(claims::json, %L, %L)) FROM input WHERE alg = %L AND i <= $1$q$,
              pem, alg, alg),
       format($q$SELECT count(claims::json) FROM input WHERE alg = %L AND i <= $1$q$, alg),
       :n
  FROM bench_key
UNION ALL
SELECT alg || '.verify',
       format($q$SELECT count(jwt_auth.jwt_verify(token, %L, %L)) FROM input WHERE alg = %L AND i <= $1$q$,
              pem, alg, alg),
       format($q$SELECT count(token) FROM input WHERE alg = %L AND i <= $1$q$, alg),
       :n
  FROM bench_key;

\pset format unaligned
\pset tuples_only on
SELECT 'sql.' || op || '|' || round(us::numeric, 3) || E'\n' || 'sql.' || op || '.first|' || round(first::numeric, 1)
  FROM pg_temp.measure(:runs) ORDER BY op;
