-- median login time, known user with a wrong password vs unknown user, 21 each, alternating
CREATE TEMP TABLE t (kind text, ms float8);
DO $$
DECLARE
    t0 timestamptz;
BEGIN
    FOR i IN 1..21 LOOP
        t0 := clock_timestamp();
        BEGIN PERFORM jwt_auth.auth_login('user7', 'wrong password'); EXCEPTION WHEN invalid_password THEN END;
        INSERT INTO t VALUES ('known user', extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        BEGIN PERFORM jwt_auth.auth_login('nobody' || i, 'wrong password'); EXCEPTION WHEN invalid_password THEN END;
        INSERT INTO t VALUES ('unknown user', extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
END
$$;
SELECT kind, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS median_ms
  FROM t GROUP BY kind ORDER BY kind;
