-- pg_temp.clock_ns(), the clock of the per-call benchmarks (measure.sql, auth/authenticate.sql,
-- auth/rls.sql): this backend's CPU time when psql is given cpu_so, the path of
-- bench/drivers/cpu_ns.c built as a module (bench/run does): other work on the machine, which
-- takes the CPU away from the backend, then does not count as the calls' cost, as it does not in
-- `openssl speed`, which counts CPU time too. Without it, wall-clock time.
\if :{?cpu_so}
CREATE FUNCTION pg_temp.clock_ns() RETURNS int8 AS :'cpu_so', 'bench_cpu_ns' LANGUAGE C VOLATILE;
\else
CREATE FUNCTION pg_temp.clock_ns() RETURNS int8 LANGUAGE sql VOLATILE
AS $$ SELECT (extract(epoch FROM clock_timestamp()) * 1e9)::int8 $$;
\endif
