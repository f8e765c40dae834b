-- The database side of jwt_auth's interop suite, loaded by test/interop/run into its own throwaway
-- database where jwt_auth is created. Everything here lives in schema interop:
--   1. a fresh key per algorithm (jwt_auth._key_new), and a stored key per algorithm
--      (jwt_auth.key_generate) with a token jwt_sign(claims) signed with it;
--   2. interop.job(peer): what a peer's driver (peers.py, peers.mjs) reads on stdin: the private
--      keys to sign the claims with, and the tokens jwt_auth signed for it with their public keys;
--   3. interop.check_answer(peer, result): the driver's answer in, jwt_auth verifies the peer's
--      tokens, one row per algorithm and direction in interop.results;
--   4. interop.tap() and interop.matrix(): the report.
-- Keys and tokens go only to the drivers' stdin; nothing here prints a key or a whole token.

CREATE SCHEMA interop;

-- The claims every token carries, and that every verifier must give back unchanged.
CREATE FUNCTION interop.claims() RETURNS jsonb LANGUAGE sql IMMUTABLE
AS $$ SELECT '{"sub": "interop", "iat": 1700000000, "exp": 4102444800}'::jsonb $$;

CREATE TABLE interop.algs (n int PRIMARY KEY, alg text NOT NULL UNIQUE);
INSERT INTO interop.algs (alg, n)
SELECT * FROM unnest(ARRAY['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512',
                           'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])
              WITH ORDINALITY;

CREATE TABLE interop.peers (
    n       int PRIMARY KEY,
    peer    text NOT NULL UNIQUE, -- the driver's argument
    name    text NOT NULL,        -- as the report says it
    library text                  -- name and version, as the driver reported them
);
INSERT INTO interop.peers (n, peer, name)
VALUES (1, 'pyjwt', 'PyJWT'), (2, 'jwcrypto', 'jwcrypto'), (3, 'jose', 'jose');

CREATE FUNCTION interop.is_hmac(alg text) RETURNS boolean LANGUAGE sql IMMUTABLE
AS $$ SELECT alg LIKE 'HS%' $$;

-- An HMAC secret as the peers take it: an oct JWK.
CREATE FUNCTION interop.oct_jwk(secret bytea) RETURNS jsonb LANGUAGE sql IMMUTABLE
AS $$ SELECT jsonb_build_object('kty', 'oct', 'k', jwt_auth.base64url_encode(secret)) $$;

------------------------------------------------------------------------
-- 1. Keys
------------------------------------------------------------------------

-- One key per algorithm, new each run: the PKCS#8 PEM private key (or the raw HMAC secret) and
-- the public JWK jwt_auth makes of it. PyJWT and jwcrypto sign with these and verify with them;
-- jose signs with these.
CREATE TABLE interop.keys AS
SELECT a.alg, k.private_key, k.public_jwk
  FROM interop.algs a, jwt_auth._key_new(a.alg) k;

-- The stored keys: each algorithm's key generated active in turn (activating one retires the one
-- before, which still verifies), and a token signed at once by jwt_sign(claims) with the active
-- key, which names itself in the header's kid. jose verifies these against jwt_auth.jwks().
CREATE TABLE interop.stored_tokens (alg text PRIMARY KEY, kid text NOT NULL, token text NOT NULL);
DO $$
DECLARE
    a record;
    kid text;
BEGIN
    FOR a IN SELECT alg FROM interop.algs ORDER BY n LOOP
        kid := jwt_auth.key_generate(a.alg, 'jwt_auth-' || lower(a.alg), 'active');
        INSERT INTO interop.stored_tokens VALUES (a.alg, kid, jwt_auth.jwt_sign(interop.claims()));
    END LOOP;
END
$$;

------------------------------------------------------------------------
-- 2. What each peer is given
------------------------------------------------------------------------

-- The tokens jwt_auth signs for each peer, the key the peer verifies them with, and how, so that
-- between them the peers see each kind of key jwt_sign takes (text, bytea, jsonb, the store):
--   PyJWT:    jwt_sign(jsonb, PEM text | raw secret bytea, alg); checked with jwt_auth's public JWK
--   jwcrypto: jwt_sign(text, PEM text | oct JWK jsonb, alg); checked with jwt_auth's public JWK
--   jose:     jwt_sign(jsonb) with the stored keys; checked against jwt_auth.jwks(), the token's
--             kid picking the key (HMAC keys are never in the JWKS: the stored secret as an oct JWK)
CREATE TABLE interop.signed_by_jwt_auth (
    peer  text NOT NULL,
    alg   text NOT NULL,
    token text NOT NULL,
    key   jsonb NOT NULL, -- what the peer verifies with
    how   text NOT NULL,
    PRIMARY KEY (peer, alg)
);

INSERT INTO interop.signed_by_jwt_auth
SELECT 'pyjwt', alg,
       CASE WHEN interop.is_hmac(alg)
            THEN jwt_auth.jwt_sign(interop.claims(), private_key, alg)
            ELSE jwt_auth.jwt_sign(interop.claims(), convert_from(private_key, 'UTF8'), alg) END,
       coalesce(public_jwk, interop.oct_jwk(private_key)),
       CASE WHEN interop.is_hmac(alg) THEN 'raw secret' ELSE 'PEM key, public JWK' END
  FROM interop.keys;

INSERT INTO interop.signed_by_jwt_auth
SELECT 'jwcrypto', alg,
       CASE WHEN interop.is_hmac(alg)
            THEN jwt_auth.jwt_sign(interop.claims()::text, interop.oct_jwk(private_key), alg)
            ELSE jwt_auth.jwt_sign(interop.claims()::text, convert_from(private_key, 'UTF8'), alg) END,
       coalesce(public_jwk, interop.oct_jwk(private_key)),
       CASE WHEN interop.is_hmac(alg) THEN 'oct JWK' ELSE 'PEM key, public JWK' END
  FROM interop.keys;

INSERT INTO interop.signed_by_jwt_auth
SELECT 'jose', t.alg, t.token,
       CASE WHEN interop.is_hmac(t.alg) THEN interop.oct_jwk(k.private_key) ELSE jwt_auth.jwks() END,
       CASE WHEN interop.is_hmac(t.alg) THEN 'stored key' ELSE 'stored key, jwks()' END
  FROM interop.stored_tokens t JOIN jwt_auth.keys k USING (kid);

-- A peer's job: sign the claims with each algorithm's private key (jose also puts a kid in the
-- header, for the stored-key check), and verify jwt_auth's tokens.
CREATE FUNCTION interop.job(peer text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'claims', interop.claims(),
        'sign', (SELECT jsonb_agg(jsonb_build_object(
                            'alg', k.alg,
                            'key', CASE WHEN interop.is_hmac(k.alg) THEN interop.oct_jwk(k.private_key)
                                        ELSE to_jsonb(convert_from(k.private_key, 'UTF8')) END,
                            'kid', CASE WHEN job.peer = 'jose' THEN 'jose-' || lower(k.alg) END)
                        ORDER BY a.n)
                   FROM interop.keys k JOIN interop.algs a USING (alg)),
        'verify', (SELECT jsonb_agg(jsonb_build_object('alg', s.alg, 'token', s.token, 'key', s.key)
                          ORDER BY a.n)
                     FROM interop.signed_by_jwt_auth s JOIN interop.algs a USING (alg)
                    WHERE s.peer = job.peer))
$$;

------------------------------------------------------------------------
-- 3. Checking a peer's answer
------------------------------------------------------------------------

-- How jwt_auth verifies each peer's tokens, so that each kind of key jwt_verify takes is crossed
-- (text, bytea, jsonb, the store):
--   PyJWT:    the public JWK PyJWT exported (jsonb), or the raw secret (bytea)
--   jwcrypto: the public PEM jwcrypto exported (text), or the oct JWK it exported (jsonb)
--   jose:     the stored-key path: jose's exported JWK stored with key_import under the kid jose
--             put in the header, moved on to retired (verifies, never signs), then jwt_verify(token)
CREATE FUNCTION interop.how_jwt_auth_verifies(peer text, alg text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE peer
        WHEN 'pyjwt'    THEN CASE WHEN interop.is_hmac(alg) THEN 'raw secret' ELSE 'public JWK' END
        WHEN 'jwcrypto' THEN CASE WHEN interop.is_hmac(alg) THEN 'oct JWK' ELSE 'public PEM' END
        WHEN 'jose'     THEN 'stored key from JWK, by kid'
    END
$$;

CREATE FUNCTION interop.jwt_auth_verify(peer text, alg text, token text, public_key jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    kid text := 'jose-' || lower(alg);
BEGIN
    CASE peer
    WHEN 'pyjwt' THEN
        IF interop.is_hmac(alg) THEN
            RETURN jwt_auth.jwt_verify(token, (SELECT k.private_key FROM interop.keys k
                                                WHERE k.alg = jwt_auth_verify.alg), alg);
        END IF;
        RETURN jwt_auth.jwt_verify(token, public_key, alg);
    WHEN 'jwcrypto' THEN
        IF interop.is_hmac(alg) THEN
            RETURN jwt_auth.jwt_verify(token, public_key, alg);
        END IF;
        RETURN jwt_auth.jwt_verify(token, public_key #>> '{}', alg);
    WHEN 'jose' THEN
        IF (SELECT header ->> 'kid' FROM jwt_auth.jwt_decode(token)) IS DISTINCT FROM kid THEN
            RAISE EXCEPTION 'the token''s header does not carry the kid %', kid;
        END IF;
        PERFORM jwt_auth.key_import(public_key, alg, kid);
        PERFORM jwt_auth.key_set_status(kid, 'retired');
        RETURN jwt_auth.jwt_verify(token);
    END CASE;
END
$$;

CREATE TABLE interop.results (
    peer      text NOT NULL,
    alg       text NOT NULL,
    direction text NOT NULL CHECK (direction IN ('jwt_auth signs, peer verifies',
                                                 'peer signs, jwt_auth verifies')),
    passed    boolean NOT NULL,
    how       text NOT NULL, -- the key jwt_auth signed or verified with
    detail    text,          -- why it failed
    PRIMARY KEY (peer, alg, direction)
);

-- The entry of a driver's "signed" or "verified" list for an algorithm.
CREATE FUNCTION interop.entry(entries jsonb, alg text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT e FROM jsonb_array_elements(coalesce(entries, '[]')) e WHERE e ->> 'alg' = alg LIMIT 1
$$;

-- Record one result: a failure when the entry is missing (saying what the driver said instead),
-- holds an error, or gives claims other than those signed.
CREATE PROCEDURE interop.record(peer text, alg text, direction text, how text, result jsonb,
                                entry jsonb, claims jsonb, failure text) LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    IF entry IS NULL THEN
        detail := coalesce(result ->> 'error', 'the peer gave no result');
    ELSIF coalesce(failure, entry ->> 'error') IS NOT NULL THEN
        detail := coalesce(failure, entry ->> 'error');
    ELSIF claims IS DISTINCT FROM interop.claims() THEN
        detail := 'the verified claims are not the ones signed';
    END IF;
    INSERT INTO interop.results VALUES (peer, alg, direction, detail IS NULL, how, detail);
END
$$;

CREATE PROCEDURE interop.check_answer(peer text, result jsonb) LANGUAGE plpgsql AS $$
DECLARE
    a record;
    entry jsonb;
    how text;
    claims jsonb;
    failure text;
    state text;
    detail text;
BEGIN
    UPDATE interop.peers p SET library = result ->> 'library' WHERE p.peer = check_answer.peer;
    FOR a IN SELECT alg FROM interop.algs ORDER BY n LOOP
        -- jwt_auth signed, the peer verified and gave back the claims
        entry := interop.entry(result -> 'verified', a.alg);
        SELECT s.how INTO how FROM interop.signed_by_jwt_auth s
         WHERE s.peer = check_answer.peer AND s.alg = a.alg;
        CALL interop.record(peer, a.alg, 'jwt_auth signs, peer verifies', how,
                            result, entry, entry -> 'claims', NULL);

        -- the peer signed, jwt_auth verifies
        entry := interop.entry(result -> 'signed', a.alg);
        claims := NULL;
        failure := NULL;
        IF entry ? 'token' THEN
            BEGIN
                claims := interop.jwt_auth_verify(peer, a.alg, entry ->> 'token',
                                                  entry -> 'public_key');
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, failure = MESSAGE_TEXT,
                                        detail = PG_EXCEPTION_DETAIL;
                failure := state || ' ' || failure || coalesce(': ' || nullif(detail, ''), '');
            END;
        END IF;
        CALL interop.record(peer, a.alg, 'peer signs, jwt_auth verifies',
                            interop.how_jwt_auth_verifies(peer, a.alg),
                            result, entry, claims, failure);
    END LOOP;
END
$$;

------------------------------------------------------------------------
-- 4. The report
------------------------------------------------------------------------

-- A failure's reason made safe to print: short, and no long base64url run (a token or key part).
CREATE FUNCTION interop.printable(detail text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT left(regexp_replace(detail, '[A-Za-z0-9_.+/=-]{40,}', '...', 'g'), 200)
$$;

-- TAP: the peers' versions, the plan, then one line per peer, direction and algorithm, with a
-- failure's reason on a "#" line under it.
CREATE FUNCTION interop.tap() RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
DECLARE
    r record;
    n int := 0;
BEGIN
    RETURN NEXT '# peers: ' || (SELECT string_agg(coalesce(p.library, p.name || ' (no answer)'), ', '
                                                  ORDER BY p.n)
                                  FROM interop.peers p);
    RETURN NEXT '1..' || (SELECT count(*) FROM interop.results);
    FOR r IN SELECT p.name, x.*
               FROM interop.results x
               JOIN interop.peers p USING (peer)
               JOIN interop.algs a USING (alg)
              ORDER BY p.n, x.direction <> 'jwt_auth signs, peer verifies', a.n LOOP
        n := n + 1;
        RETURN NEXT format('%s %s - %s %s %s (%s)',
                           CASE WHEN r.passed THEN 'ok' ELSE 'not ok' END, n,
                           r.name, r.alg, r.direction, r.how);
        IF NOT r.passed THEN
            RETURN NEXT '#   ' || interop.printable(r.detail);
        END IF;
    END LOOP;
END
$$;

-- The interop matrix, as "#" lines: a row per algorithm, a column per peer and direction.
CREATE FUNCTION interop.matrix() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    WITH cols AS (
        SELECT p.n * 2 + d.n AS n, p.peer, p.name, d.direction, d.label
          FROM interop.peers p,
               (VALUES (0, 'jwt_auth signs, peer verifies', 'jwt_auth->peer'),
                       (1, 'peer signs, jwt_auth verifies', 'peer->jwt_auth')) d(n, direction, label)
    ),
    lines AS (
        SELECT 0 AS n, '# interop matrix: jwt_auth->peer = jwt_auth signs, the peer verifies; '
                       'peer->jwt_auth = the reverse' AS line
        UNION ALL
        SELECT 1, '# ' || rpad('alg', 7)
                  || string_agg(rpad(CASE WHEN c.direction LIKE 'jwt_auth%' THEN c.name ELSE '' END, 16),
                                '' ORDER BY c.n)
          FROM cols c
        UNION ALL
        SELECT 2, '# ' || rpad('', 7) || string_agg(rpad(c.label, 16), '' ORDER BY c.n)
          FROM cols c
        UNION ALL
        SELECT 2 + a.n, '# ' || rpad(a.alg, 7)
                        || string_agg(rpad(CASE r.passed WHEN true THEN 'pass' WHEN false THEN 'FAIL'
                                                         ELSE '-' END, 16), '' ORDER BY c.n)
          FROM interop.algs a CROSS JOIN cols c
          LEFT JOIN interop.results r
                 ON r.alg = a.alg AND r.peer = c.peer AND r.direction = c.direction
         GROUP BY a.n, a.alg
        UNION ALL
        SELECT 100, format('# %s tests: %s pass, %s FAIL', count(*), count(*) FILTER (WHERE passed),
                           count(*) FILTER (WHERE NOT passed))
          FROM interop.results
    )
    SELECT rtrim(line) FROM lines ORDER BY n
$$;
