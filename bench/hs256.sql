-- Per-call cost of HS256 signing and verification inside SQL, next to one
-- pgcrypto hmac() over the same signing input (the in-database floor), with
-- a key passed in the call (explicit) and with the stored key
-- (jwt_sign(payload) / jwt_verify(token) after key_generate('HS256')).
--
-- Each operation runs over :n rows whose inputs differ per row (nothing can
-- be folded into a constant) and over 1 row; the cost of the same query
-- without the call (the baseline) is subtracted; each figure is the median
-- of :runs rounds (measure.sql). Prints "sql.OP|µs per call" and
-- "sql.OP.first|µs of a statement's first call" lines for bench/run.
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;   -- one backend does all the calls: its CPU time is theirs
SET jit = off;                              -- no compile time that differs between query and baseline
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;
\if :{?n}
\else
    \set n 200000
\endif
\if :{?runs}
\else
    \set runs 5
\endif
\ir measure.sql

-- the active stored key: a random 32-byte secret
SELECT jwt_auth.key_generate('HS256') AS kid \gset

CREATE TEMP TABLE input AS
SELECT i,
       format('{"sub":"user-%s","role":"authenticated","iat":1700000000,"exp":4102444800}', i) AS claims
  FROM generate_series(1, :n) i;
ALTER TABLE input ADD COLUMN token text, ADD COLUMN signing_input text, ADD COLUMN token_stored text;
UPDATE input SET token = jwt_auth.jwt_sign(claims::json, 'bench-secret-0123456789abcdef!!!'),
                 token_stored = jwt_auth.jwt_sign(claims::json);
UPDATE input SET signing_input = split_part(token, '.', 1) || '.' || split_part(token, '.', 2);
CREATE INDEX ON input (i);
VACUUM ANALYZE input;

INSERT INTO ops (op, query, baseline, rows)
SELECT op, query, baseline, :n FROM (VALUES
  ('hmac',
   $q$SELECT count(hmac(signing_input, 'bench-secret-0123456789abcdef!!!', 'sha256')) FROM input WHERE i <= $1$q$,
   $q$SELECT count(signing_input) FROM input WHERE i <= $1$q$),
  ('HS256.sign.explicit',
   $q$SELECT count(jwt_auth.jwt_sign(claims::json, 'bench-secret-0123456789abcdef!!!')) FROM input WHERE i <= $1$q$,
   $q$SELECT count(claims::json) FROM input WHERE i <= $1$q$),
  ('HS256.sign.explicit_jsonb',
   $q$SELECT count(jwt_auth.jwt_sign(claims::jsonb, 'bench-secret-0123456789abcdef!!!')) FROM input WHERE i <= $1$q$,
   $q$SELECT count(claims::jsonb) FROM input WHERE i <= $1$q$),
  ('HS256.sign.stored',
   $q$SELECT count(jwt_auth.jwt_sign(claims::json)) FROM input WHERE i <= $1$q$,
   $q$SELECT count(claims::json) FROM input WHERE i <= $1$q$),
  ('HS256.verify.explicit',
   $q$SELECT count(jwt_auth.jwt_verify(token, 'bench-secret-0123456789abcdef!!!')) FROM input WHERE i <= $1$q$,
   $q$SELECT count(token) FROM input WHERE i <= $1$q$),
  ('HS256.verify.stored',
   $q$SELECT count(jwt_auth.jwt_verify(token_stored)) FROM input WHERE i <= $1$q$,
   $q$SELECT count(token_stored) FROM input WHERE i <= $1$q$),
  ('HS256.valid.explicit',
   $q$SELECT count(*) FILTER (WHERE jwt_auth.jwt_valid(token, 'bench-secret-0123456789abcdef!!!')) FROM input WHERE i <= $1$q$,
   $q$SELECT count(*) FILTER (WHERE token IS NOT NULL) FROM input WHERE i <= $1$q$)
) AS o (op, query, baseline);

\pset format unaligned
\pset tuples_only on
SELECT 'sql.' || op || '|' || round(us::numeric, 3) || E'\n' || 'sql.' || op || '.first|' || round(first::numeric, 1)
  FROM pg_temp.measure(:runs) ORDER BY op;
