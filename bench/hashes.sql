-- Step 6 of bench/run: what a login costs when its password check is the work, against the
-- hash library alone (bench/drivers/hash_bench.py, the same parameters, CPU time too).
--   pbkdf2:   the first login of :n users imported with a Django pbkdf2_sha256 hash of
--             :iterations iterations (:pbkdf2_hash, made by bench/run): PBKDF2 through OpenSSL,
--             then the re-hash to bcrypt at jwt_auth.bcrypt_cost that the first login does;
--   argon2id: logins of :n users created with jwt_auth.password_hash = argon2id at its default
--             costs (19 MiB, 2 passes, 1 lane): Argon2id through libargon2, no re-hash.
-- Time is this backend's CPU time (cpu_so, as in measure.sql). Prints "name|value" lines.
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS jwt_auth CASCADE;
CREATE FUNCTION pg_temp.clock_ns() RETURNS int8 AS :'cpu_so', 'bench_cpu_ns' LANGUAGE C VOLATILE;
SELECT jwt_auth.key_generate('HS256') IS NOT NULL AS key \gset
CREATE ROLE bench_hash_user NOLOGIN;

SELECT count(jwt_auth.user_import('pbkdf2-' || i, :'pbkdf2_hash', 'bench_hash_user'))
  FROM generate_series(1, :n) i \gset
SET jwt_auth.password_hash = 'argon2id';
SELECT count(jwt_auth.user_create('argon2id-' || i, :'password', 'bench_hash_user'))
  FROM generate_series(1, :n) i \gset
SET jwt_auth.password_hash = 'bcrypt';

-- milliseconds of CPU per login of the users named prefix-1 .. prefix-n
CREATE FUNCTION pg_temp.login_ms(prefix text, n int, password text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    t0 int8 := pg_temp.clock_ns();
BEGIN
    FOR i IN 1..n LOOP
        PERFORM jwt_auth.auth_login(prefix || '-' || i, password);
    END LOOP;
    RETURN (pg_temp.clock_ns() - t0) / 1e6 / n;
END
$$;
SELECT 'hash.pbkdf2.login_ms|' || round(pg_temp.login_ms('pbkdf2', :n, :'password')::numeric, 2);
SELECT 'hash.pbkdf2.rehashed|' || count(*) FILTER (WHERE password_hash LIKE '$2a$%') || '/' || count(*)
  FROM jwt_auth.users WHERE username LIKE 'pbkdf2-%';
SET jwt_auth.password_hash = 'argon2id';
SELECT 'hash.argon2id.login_ms|' || round(pg_temp.login_ms('argon2id', :n, :'password')::numeric, 2);
SELECT 'hash.bcrypt_cost|' || current_setting('jwt_auth.bcrypt_cost');
