-- bench/curves (bench/run step "curves", issue 15's cost curves): what the curves need in
-- their own database. One user (cu1) made by user_create at bcrypt cost 4; the filled users
-- share its hash, so that a login's bcrypt is the cheapest there is and the table work shows.
-- curve_uid maps the filled users' numbers to their ids; curve_latency and curve_ctl serve the
-- logins timed while purge_expired() runs.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;
CREATE ROLE curve_user NOLOGIN;
SELECT jwt_auth.key_generate('HS256') IS NOT NULL AS kid \gset
SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.user_create('cu1', 'curve password', 'curve_user') IS NOT NULL AS created \gset
CREATE TABLE curve_uid (n int PRIMARY KEY, id uuid NOT NULL);
INSERT INTO curve_uid SELECT 1, id FROM jwt_auth.users WHERE username = 'cu1';
CREATE TABLE curve_latency (tag text NOT NULL, at timestamptz NOT NULL, ms float8 NOT NULL);
CREATE TABLE curve_ctl (stop boolean NOT NULL, purge_start timestamptz, purge_end timestamptz);
INSERT INTO curve_ctl VALUES (false, NULL, NULL);
\if :{?cpu_so}
CREATE FUNCTION curve_cpu_ns() RETURNS int8 AS :'cpu_so', 'bench_cpu_ns' LANGUAGE C VOLATILE;
\endif

-- logins of random filled users, one transaction each, until curve_ctl.stop or `seconds`
-- have passed; each login's latency (wall clock) goes to curve_latency under `tag`
CREATE PROCEDURE curve_logins(tag text, seconds float8) LANGUAGE plpgsql AS $$
DECLARE
    users int := (SELECT max(n) FROM curve_uid);
    started timestamptz := clock_timestamp();
    t0 timestamptz;
BEGIN
    PERFORM set_config('jwt_auth.bcrypt_cost', '4', false);
    LOOP
        t0 := clock_timestamp();
        PERFORM jwt_auth.auth_login('cu' || (1 + floor(random() * users))::int, 'curve password');
        INSERT INTO curve_latency VALUES (tag, t0, extract(epoch FROM clock_timestamp() - t0) * 1000);
        COMMIT;
        EXIT WHEN (SELECT stop FROM curve_ctl) OR clock_timestamp() - started > make_interval(secs => seconds);
    END LOOP;
END
$$;
