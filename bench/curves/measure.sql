-- At :sessions sessions: authenticate(), auth_refresh and auth_login per call, round :round
-- (bench/run runs VACUUM ANALYZE on the tables before each round, as autovacuum would between
-- them: the rounds update sessions and add tokens). The round draws :k live sessions at random (TABLESAMPLE BERNOULLI over the whole table),
-- mints an access and a refresh token of each (jwt_auth._issue, as a login or refresh does),
-- then times authenticate() of every access token once (first sight: its HS256 signature is
-- verified, then its session and user read by index), auth_refresh of every refresh token once,
-- and :logins auth_login calls of random users (bcrypt cost 4). Figures: µs per call of the
-- backend's CPU time (it counts the reads of pages from the OS cache too) and of wall time.
-- Prints "curve.ops.SESSIONS.OP.cpu_us.rROUND|µs" and the same with wall_us.
SET client_min_messages = warning;
SET jwt_auth.bcrypt_cost = 4;
SELECT set_config('curve.k', :'k', false), set_config('curve.logins', :'logins', false),
       set_config('curve.round', :'round', false), set_config('curve.sessions', :'sessions', false) \g /dev/null
CREATE TEMP TABLE t (op text, round int, cpu_us float8, wall_us float8);
DO $$
DECLARE
    k int := current_setting('curve.k')::int;
    logins int := current_setting('curve.logins')::int;
    nsessions bigint := current_setting('curve.sessions')::bigint;
    users int := (SELECT max(n) FROM curve_uid);
    access text[];
    refresh text[];
    tok text;
    c0 int8;
    w0 timestamptz;
BEGIN
    FOR round IN current_setting('curve.round')::int..current_setting('curve.round')::int LOOP
        EXECUTE format($q$
            SELECT array_agg(x ->> 'access_token'), array_agg(x ->> 'refresh_token')
              FROM (SELECT jwt_auth._issue(u, s.id, NULL) AS x
                      FROM (SELECT id, user_id FROM jwt_auth.sessions TABLESAMPLE BERNOULLI (%s)
                             WHERE expires_at > now() AND revoked_at IS NULL LIMIT %s) s
                      JOIN jwt_auth.users u ON u.id = s.user_id) y$q$,
            least(100, 100.0 * 4 * k / nsessions), k) INTO access, refresh;
        c0 := curve_cpu_ns(); w0 := clock_timestamp();
        FOREACH tok IN ARRAY access LOOP
            PERFORM jwt_auth.authenticate(tok);
        END LOOP;
        RESET ROLE;                                   -- authenticate() switched to the token's
        INSERT INTO t VALUES ('authenticate', round, (curve_cpu_ns() - c0) / 1000.0 / cardinality(access),
                              extract(epoch FROM clock_timestamp() - w0) * 1e6 / cardinality(access));
        c0 := curve_cpu_ns(); w0 := clock_timestamp();
        FOREACH tok IN ARRAY refresh LOOP
            PERFORM jwt_auth.auth_refresh(tok);
        END LOOP;
        INSERT INTO t VALUES ('refresh', round, (curve_cpu_ns() - c0) / 1000.0 / cardinality(refresh),
                              extract(epoch FROM clock_timestamp() - w0) * 1e6 / cardinality(refresh));
        c0 := curve_cpu_ns(); w0 := clock_timestamp();
        FOR i IN 1..logins LOOP
            PERFORM jwt_auth.auth_login('cu' || (1 + floor(random() * users))::int, 'curve password');
        END LOOP;
        INSERT INTO t VALUES ('login', round, (curve_cpu_ns() - c0) / 1000.0 / logins,
                              extract(epoch FROM clock_timestamp() - w0) * 1e6 / logins);
    END LOOP;
END
$$;
\pset format unaligned
\pset tuples_only on
SELECT format('curve.ops.%s.%s.cpu_us.r%s|%s', :sessions, op, round, round(cpu_us::numeric, 2)) FROM t
UNION ALL
SELECT format('curve.ops.%s.%s.wall_us.r%s|%s', :sessions, op, round, round(wall_us::numeric, 2)) FROM t;
