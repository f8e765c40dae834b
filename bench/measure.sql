-- Included by hs256.sql and asym.sql (\ir): the per-call timer they share.
--
-- Fill the temp table ops with (op, query, baseline, rows): query makes the
-- call once per row of a table whose inputs differ per row, on the first $1
-- rows, and returns a count; baseline is the same query without the call
-- (the empty loop); rows is how many rows there are. Then
--   SELECT * FROM pg_temp.measure(:runs);
-- gives, for each op, the median over `runs` rounds of
--   us:    the cost of one more call, (D(rows) - D(1)) / (rows - 1), where
--          D(n) = time of query on n rows - time of baseline on n rows;
--   first: D(1), a statement's first call: what is set up once per
--          statement (a key passed in the call is parsed and its contexts
--          made once per call site) on top of one call.
-- Every round times every op, query and baseline back to back, so that a
-- burst of other work on the machine falls on all the ops alike rather than
-- on one op's runs.
--
-- Time: pg_temp.clock_ns() of clock.sql (the backend's CPU time when psql is given cpu_so).
\ir clock.sql

CREATE TEMP TABLE ops (ord serial, op text NOT NULL, query text NOT NULL, baseline text NOT NULL,
                       rows bigint NOT NULL);

-- seconds `query` takes on the first n rows; its count must be n
CREATE FUNCTION pg_temp.time_query(op text, query text, n bigint) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
    t0 int8;
    t1 int8;
    counted bigint;
BEGIN
    t0 := pg_temp.clock_ns();
    EXECUTE query INTO counted USING n;
    t1 := pg_temp.clock_ns();
    IF counted IS DISTINCT FROM n THEN
        RAISE EXCEPTION 'bench op % counted % rows of %', op, counted, n;
    END IF;
    RETURN (t1 - t0) / 1e9;
END
$$;

CREATE FUNCTION pg_temp.measure(runs int) RETURNS TABLE (op text, us float8, first float8)
LANGUAGE plpgsql AS $$
DECLARE
    o record;
    d_all float8;
    d_one float8;
BEGIN
    CREATE TEMP TABLE sample (op text, us float8, first float8);
    FOR r IN 1..runs LOOP
        FOR o IN SELECT * FROM ops ORDER BY ord LOOP
            d_all := pg_temp.time_query(o.op, o.query, o.rows) - pg_temp.time_query(o.op, o.baseline, o.rows);
            -- the first short query after a long one costs some 0.2 ms more, whatever it does
            PERFORM pg_temp.time_query(o.op, o.baseline, 1);
            d_one := pg_temp.time_query(o.op, o.query, 1) - pg_temp.time_query(o.op, o.baseline, 1);
            INSERT INTO sample VALUES (o.op, (d_all - d_one) * 1e6 / (o.rows - 1), d_one * 1e6);
        END LOOP;
    END LOOP;
    RETURN QUERY SELECT s.op, percentile_cont(0.5) WITHIN GROUP (ORDER BY s.us),
                        percentile_cont(0.5) WITHIN GROUP (ORDER BY s.first)
                   FROM sample s GROUP BY s.op;
    DROP TABLE sample;
END
$$;
