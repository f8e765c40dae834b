-- In one backend: an RLS select of 10,000 rows under the policy
-- owner = jwt_auth.uid(), after authenticate(), against the same select
-- with the uid written as a constant by a role that bypasses RLS. The
-- table holds 100,000 rows, 10,000 of them reader1's (the others spread over
-- readers 2 to 200), with an index on
-- owner. Rounds alternate the two; each figure is the median over :rounds
-- rounds of the ms per select (this backend's CPU time when psql is given
-- cpu_so). Prints "auth.rls_ms.uid|ms" and "auth.rls_ms.constant|ms".
SET client_min_messages = warning;
\ir ../clock.sql
\if :{?rounds}
\else
    \set rounds 9
\endif
SELECT set_config('bench.rounds', :'rounds', false) \g /dev/null

CREATE TABLE bench_rls (id int PRIMARY KEY, owner uuid NOT NULL, body text NOT NULL);
INSERT INTO bench_rls
SELECT i, u.id, md5(i::text)
  FROM generate_series(1, 100000) AS i
  JOIN jwt_auth.users u ON u.username = CASE WHEN i <= 10000 THEN 'reader1' ELSE 'reader' || (2 + i % 199) END;
CREATE INDEX ON bench_rls (owner);
ALTER TABLE bench_rls ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON bench_rls FOR SELECT USING (owner = jwt_auth.uid());
GRANT SELECT ON bench_rls TO bench_user, bench_plain;
VACUUM ANALYZE bench_rls;

CREATE TEMP TABLE rls_timing (kind text, ms float8);
DO $$
DECLARE
    tok text := (SELECT token FROM bench_access_hs WHERE n = 1);
    owner_sql text := format('SELECT count(*), sum(length(body)) FROM bench_rls WHERE owner = %L',
                             (SELECT id FROM jwt_auth.users WHERE username = 'reader1'));
    policy_sql text := 'SELECT count(*), sum(length(body)) FROM bench_rls';
    n bigint;
    kind text;
    t0 int8;
    reps int := 20;
    kinds text[] := '{}';
    ms float8[] := '{}';
BEGIN
    FOR round IN 0..current_setting('bench.rounds')::int LOOP     -- round 0 warms up
        FOREACH kind IN ARRAY CASE round % 2 WHEN 0 THEN ARRAY['uid', 'constant'] ELSE ARRAY['constant', 'uid'] END LOOP
            RESET ROLE;
            IF kind = 'uid' THEN
                PERFORM jwt_auth.authenticate(tok);           -- becomes bench_user, uid() reader1's
            ELSE
                SET LOCAL ROLE bench_plain;                   -- BYPASSRLS: no policy
            END IF;
            t0 := pg_temp.clock_ns();
            FOR i IN 1..reps LOOP
                EXECUTE CASE kind WHEN 'uid' THEN policy_sql ELSE owner_sql END INTO n;
                IF n <> 10000 THEN
                    RAISE EXCEPTION 'the % select saw % rows, not 10000', kind, n;
                END IF;
            END LOOP;
            IF round > 0 THEN
                kinds := kinds || kind;
                ms := ms || ((pg_temp.clock_ns() - t0) / 1e6 / reps);
            END IF;
        END LOOP;
    END LOOP;
    RESET ROLE;
    INSERT INTO rls_timing SELECT * FROM unnest(kinds, ms);
END
$$;
DROP TABLE bench_rls;
\pset format unaligned
\pset tuples_only on
SELECT 'auth.rls_ms.' || kind, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3)
  FROM rls_timing GROUP BY kind ORDER BY kind;
