-- In one backend, 21 of each, alternating, median ms: a failed login of a known user (wrong
-- password) vs of an unknown user (both should cost the same bcrypt work), and a good login vs
-- bare crypt() on the same hash (a second view of the pgbench pair, without the noise of 8
-- clients). Prints "auth.login_ms.KIND|ms".
SET client_min_messages = warning;
CREATE TEMP TABLE t (kind text, ms float8);
DO $$
DECLARE
    t0 timestamptz;
    h text := (SELECT h FROM bench_hash);
BEGIN
    FOR i IN 1..21 LOOP
        t0 := clock_timestamp();
        BEGIN PERFORM jwt_auth.auth_login('user7', 'wrong password'); EXCEPTION WHEN invalid_password THEN END;
        INSERT INTO t VALUES ('failed_known_user', extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        BEGIN PERFORM jwt_auth.auth_login('nobody' || i, 'wrong password'); EXCEPTION WHEN invalid_password THEN END;
        INSERT INTO t VALUES ('failed_unknown_user', extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        PERFORM jwt_auth.auth_login('user8', 'bench password');
        INSERT INTO t VALUES ('good', extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        PERFORM crypt('bench password', h) = h;
        INSERT INTO t VALUES ('bare_crypt', extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
END
$$;
\pset format unaligned
\pset tuples_only on
SELECT 'auth.login_ms.' || kind, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3)
  FROM t GROUP BY kind ORDER BY kind;
