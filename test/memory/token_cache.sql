-- Backend memory across valid tokens through the verified-token cache
-- (src/pg/tokencache.c): :calls distinct tokens signed with a stored key,
-- each verified once, in one backend. A warm-up of as many other distinct
-- tokens fills the cache to its bound (jwt_auth.token_cache_entries,
-- token_cache_size) first; past it, every new token pushes out the least
-- recently used, so RssAnon must not grow. Prints one "CLASS|CALLS|GROWTH_KB|REFUSED"
-- line, as failures.sql does (REFUSED: tokens that did not verify, 0).
-- Needs a superuser (pg_read_file of /proc).
\ir setup.sql
\if :{?calls}
\else
    \set calls 10000
\endif

SELECT jwt_auth.key_generate('HS256', 'memory-cache-key') \g /dev/null
-- two sets of distinct tokens, claims of some 600 bytes
CREATE TEMP TABLE cache_token (phase int, token text);
INSERT INTO cache_token
SELECT p, jwt_auth.jwt_sign(json_build_object('sub', 'user-' || p || '-' || i,
           'exp', floor(extract(epoch FROM now())) + 3600, 'pad', repeat('c', 500)))
  FROM generate_series(1, 2) p, generate_series(1, :calls) i;
CREATE TEMP TABLE cache_result (before bigint, after bigint, refused int);

-- warm-up: fills the cache to its bound
SELECT count(*) FILTER (WHERE NOT jwt_auth.jwt_valid(token)) FROM cache_token WHERE phase = 1 \g /dev/null
INSERT INTO cache_result (before) SELECT pg_temp.rss_anon_kb();
UPDATE cache_result SET refused = (SELECT count(*) FILTER (WHERE NOT jwt_auth.jwt_valid(token))
                                     FROM cache_token WHERE phase = 2);
UPDATE cache_result SET after = pg_temp.rss_anon_kb();

\pset format unaligned
\pset tuples_only on
SELECT 'distinct valid tokens through the verified-token cache', :calls, after - before, refused
  FROM cache_result;
