-- Backend memory across many authenticate() calls in one transaction: a
-- later call of the same (sub)transaction replaces the claims an earlier
-- one made the request's, a savepoint rolled back takes its claims with it,
-- and one released hands its own to its parent in place of the parent's:
-- no loop of calls, of rolled-back savepoints or of released ones may grow
-- the backend with the number of calls (src/pg/context.c). Each loop runs
-- :calls times after as many to warm up. Prints "CLASS|CALLS|GROWTH_KB|REFUSED"
-- lines, as failures.sql does (REFUSED: calls that did not authenticate, 0).
-- Needs a superuser (pg_read_file of /proc).
\ir setup.sql
\if :{?calls}
\else
    \set calls 10000
\endif

DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jwt_auth_memory_user') THEN
        CREATE ROLE jwt_auth_memory_user NOLOGIN;
    END IF;
END $$;
SELECT jwt_auth.key_generate('HS256', 'memory-context-key') \g /dev/null
SELECT jwt_auth.user_create('memory-context', 'memory context password', 'jwt_auth_memory_user') \g /dev/null
-- the token stays in a table: no statement carries it
CREATE TEMP TABLE context_token AS
SELECT jwt_auth.auth_login('memory-context', 'memory context password') ->> 'access_token' AS token;

-- calls authenticate() calls, each plain, or in a savepoint then rolled back or released:
-- "CLASS|CALLS|GROWTH_KB|REFUSED"
CREATE FUNCTION pg_temp.growth(class text, savepoint text, calls int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    token text := (SELECT token FROM context_token);
    before bigint;
    refused int := 0;
BEGIN
    FOR phase IN 1..2 LOOP
        IF phase = 2 THEN
            before := pg_temp.rss_anon_kb();
        END IF;
        FOR i IN 1..calls LOOP
            IF savepoint IS NULL THEN
                refused := refused + (jwt_auth.authenticate(token) IS NULL)::int;
                SET LOCAL ROLE NONE;
                CONTINUE;
            END IF;
            BEGIN
                refused := refused + (jwt_auth.authenticate(token) IS NULL)::int;
                SET LOCAL ROLE NONE;
                IF savepoint = 'rolled back' THEN
                    RAISE EXCEPTION USING ERRCODE = 'P0003';
                END IF;
            EXCEPTION WHEN too_many_rows THEN
                NULL;
            END;
        END LOOP;
    END LOOP;
    RETURN format('%s|%s|%s|%s', class, calls, pg_temp.rss_anon_kb() - before, refused);
END
$$;

\pset format unaligned
\pset tuples_only on
SELECT pg_temp.growth('authenticate() of a token, again and again in one transaction', NULL, :calls);
SELECT pg_temp.growth('authenticate() in savepoints rolled back, in one transaction', 'rolled back', :calls);
SELECT pg_temp.growth('authenticate() in savepoints released, in one transaction', 'released', :calls);
