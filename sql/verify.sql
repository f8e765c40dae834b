--
-- jwt_verify and jwt_valid: the claims of a good token, the reason a bad one
-- is refused, the algorithm pinned by the caller, every key type, nulls, and
-- the per-call-site key cache
--
-- After a statement that fails, \echo :LAST_ERROR_SQLSTATE shows its SQLSTATE.
--
\set k32 'abcdefghijklmnopqrstuvwxyz012345'
\set k32b 'abcdefghijklmnopqrstuvwxyz012346'
\set k64 'abcdefghijklmnopqrstuvwxyz012345ABCDEFGHIJKLMNOPQRSTUVWXYZ6789+/'
\set kbin '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
\set kjwk '{"kty":"oct","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'
\set kbinjwk '{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}'
-- {"sub":"1234567890","name":"x","exp":4102444800}: HS256 under k32, HS512 under k64,
-- HS256 under the bytes of kbin (the same values sign.out pins)
\set t256 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.kXPKF-YuXegQU0TV4ZeDacvJH540TA0G1dLjjpYXgvk'
\set t512 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.0dJqCJzmWYSH5CCGbcwZgXlNxAf1cm9g1i90b0ScRkRNhxwXZu7XShOyEiM39GsisgYeB_VJObOnqOTrOIq0-A'
\set tbin 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9._AvVieh9vPE5RYiwyWAYANGf2GkAqEVJgMS2hVCljIc'

-- a good token gives its claims as jsonb
SELECT jwt_auth.jwt_verify(:'t256', :'k32') AS claims;
SELECT pg_typeof(jwt_auth.jwt_verify(:'t256', :'k32')) AS type,
       jwt_auth.jwt_verify(:'t256', :'k32') ->> 'sub' AS sub,
       (jwt_auth.jwt_verify(:'t256', :'k32') -> 'exp')::numeric AS exp;
SELECT jwt_auth.jwt_verify(:'t512', :'k64', 'HS512') AS claims_hs512;
-- named arguments work
SELECT jwt_auth.jwt_verify(token => :'t512', key => :'k64', alg => 'HS512') ->> 'name' AS name;

-- a wrong key: the signature does not match
SELECT jwt_auth.jwt_verify(:'t256', :'k32b');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_verify(:'t256', :'k32' || 'x');
SELECT jwt_auth.jwt_verify(:'t512', :'k64' || :'k64', 'HS512');

-- a changed payload under the old signature does not match either
SELECT jwt_auth.jwt_verify(
    split_part(:'t256', '.', 1) || '.' ||
    jwt_auth.base64url_encode(convert_to('{"sub":"1234567890","name":"x","exp":4102444801}', 'UTF8')) || '.' ||
    split_part(:'t256', '.', 3), :'k32');
-- nor a changed signature, nor a truncated or an empty one
SELECT jwt_auth.jwt_verify(split_part(:'t256', '.', 1) || '.' || split_part(:'t256', '.', 2) || '.' ||
    'A' || substr(split_part(:'t256', '.', 3), 2), :'k32');
SELECT jwt_auth.jwt_verify(split_part(:'t256', '.', 1) || '.' || split_part(:'t256', '.', 2) || '.' ||
    substr(split_part(:'t256', '.', 3), 1, 40), :'k32');
SELECT jwt_auth.jwt_verify(split_part(:'t256', '.', 1) || '.' || split_part(:'t256', '.', 2) || '.', :'k32');
-- an HS512 signature cut to HS256's length is not an HS256 signature
SELECT jwt_auth.jwt_verify(
    jwt_auth.base64url_encode(convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8')) || '.' || split_part(:'t512', '.', 2) || '.' ||
    jwt_auth.base64url_encode(substr(jwt_auth.base64url_decode(split_part(:'t512', '.', 3)), 1, 32)), :'k64');

--
-- the algorithm is the caller's, and must equal the header's
--

-- an HS512 token verified as HS256 (the default) is refused, whatever the key
SELECT jwt_auth.jwt_verify(:'t512', :'k64');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_verify(:'t512', :'k64', 'HS256');
SELECT jwt_auth.jwt_verify(:'t256', :'k64', 'HS384');
SELECT jwt_auth.jwt_valid(:'t512', :'k64') AS hs512_as_hs256,
       jwt_auth.jwt_valid(:'t512', :'k64', 'HS384') AS hs512_as_hs384,
       jwt_auth.jwt_valid(:'t512', :'k64', 'HS512') AS hs512_as_hs512;
-- the header's alg is compared case-sensitively (this token is signed correctly)
SELECT jwt_auth.jwt_verify(si || '.' || jwt_auth.base64url_encode(hmac(si, :'k32', 'sha256')), :'k32')
FROM (SELECT jwt_auth.base64url_encode(convert_to('{"alg":"hs256","typ":"JWT"}', 'UTF8')) || '.' ||
             split_part(:'t256', '.', 2) AS si) s;
-- a header without alg is refused
SELECT jwt_auth.jwt_verify(si || '.' || jwt_auth.base64url_encode(hmac(si, :'k32', 'sha256')), :'k32')
FROM (SELECT jwt_auth.base64url_encode(convert_to('{"typ":"JWT"}', 'UTF8')) || '.' ||
             split_part(:'t256', '.', 2) AS si) s;
-- an unsigned token is refused, and none cannot even be asked for
SELECT jwt_auth.jwt_verify(jwt_auth.base64url_encode(convert_to('{"alg":"none"}', 'UTF8')) || '.' ||
                           split_part(:'t256', '.', 2) || '.', :'k32');
SELECT jwt_auth.jwt_verify(jwt_auth.base64url_encode(convert_to('{"alg":"none"}', 'UTF8')) || '.' ||
                           split_part(:'t256', '.', 2) || '.', :'k32', 'none');
\echo :LAST_ERROR_SQLSTATE
-- an unknown algorithm is an argument error, also for jwt_valid
SELECT jwt_auth.jwt_valid(:'t256', :'k32', 'HS1024');
\echo :LAST_ERROR_SQLSTATE

--
-- one token, its key in every form
--
SELECT jwt_auth.jwt_verify(:'t256', :'k32') ->> 'sub' AS as_text,
       jwt_auth.jwt_verify(:'t256', convert_to(:'k32', 'UTF8')) ->> 'sub' AS as_bytea,
       jwt_auth.jwt_verify(:'t256', :'kjwk'::jsonb) ->> 'sub' AS as_jwk;
-- a binary secret as bytea and as a JWK
SELECT jwt_auth.jwt_verify(:'tbin', decode(:'kbin', 'hex')) ->> 'sub' AS as_bytea,
       jwt_auth.jwt_verify(:'tbin', :'kbinjwk'::jsonb) ->> 'sub' AS as_jwk;
-- the hex text of the secret is another secret
SELECT jwt_auth.jwt_valid(:'tbin', :'kbin') AS hex_text_is_not_the_bytes;
-- a JWK with alg, use and key_ops that allow it
SELECT jwt_auth.jwt_valid(:'t256', '{"kty":"oct","alg":"HS256","use":"sig","key_ops":["verify"],"kid":"k1","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb) AS jwk_full;
-- a JWK bound to another algorithm, or not for verifying, is an argument error
SELECT jwt_auth.jwt_verify(:'t256', '{"kty":"oct","alg":"HS384","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb);
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_verify(:'t256', '{"kty":"oct","use":"enc","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb);
SELECT jwt_auth.jwt_verify(:'t256', '{"kty":"oct","key_ops":["sign"],"k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb);
-- a key shorter than the hash is refused when verifying too, even if the signature matches
SELECT jwt_auth.jwt_verify(si || '.' || jwt_auth.base64url_encode(hmac(si, 'secret', 'sha256')), 'secret')
FROM (SELECT split_part(:'t256', '.', 1) || '.' || split_part(:'t256', '.', 2) AS si) s;
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_valid(:'t512', :'k32', 'HS512');
-- public-key text is never an HMAC secret when verifying
SELECT jwt_auth.jwt_valid(:'t256', E'-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n');

--
-- jwt_valid answers true or false for a token, never raises for a bad one
--
SELECT name, jwt_auth.jwt_valid(t, :'k32') AS valid
FROM (VALUES
    ('good', :'t256'),
    ('wrong key', jwt_auth.jwt_sign('{"sub":"1234567890"}', :'k32b')),
    ('alg mismatch', jwt_auth.jwt_sign('{"sub":"1234567890"}', :'k64', 'HS512')),
    ('expired', jwt_auth.jwt_sign('{"exp":1300819380}', :'k32')),
    ('not yet valid', jwt_auth.jwt_sign('{"nbf":4102444800}', :'k32')),
    ('two segments', 'eyJhbGciOiJIUzI1NiJ9.e30'),
    ('garbage', 'not a token'),
    ('empty', ''),
    ('null', NULL)) v(name, t);

--
-- nulls: a null token is an invalid token; a null key or algorithm an error
--
SELECT jwt_auth.jwt_verify(NULL, :'k32');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_valid(NULL, :'k32') AS null_token_is_not_valid,
       jwt_auth.jwt_valid(NULL, :'k32') IS NULL AS valid_is_null;
SELECT jwt_auth.jwt_verify(:'t256', NULL::text);
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_valid(:'t256', NULL::text);
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_verify(:'t256', NULL::bytea);
SELECT jwt_auth.jwt_valid(:'t256', NULL::jsonb);
SELECT jwt_auth.jwt_verify(:'t256', :'k32', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_valid(:'t256', :'k32', NULL);
\echo :LAST_ERROR_SQLSTATE
-- a null token with a null key is still an error: the arguments come first
SELECT jwt_auth.jwt_valid(NULL, NULL::text);
\echo :LAST_ERROR_SQLSTATE
-- null audience, issuer and leeway mean "use the settings"
SELECT jwt_auth.jwt_valid(:'t256', :'k32', 'HS256', NULL, NULL, NULL) AS nulls_for_optional;

--
-- the key is cached per call site, and never used for a row with another key
--
-- two keys of the same length differing in the last byte, and tokens signed
-- with each, alternating
CREATE TEMP TABLE ring AS
SELECT i, CASE WHEN i % 2 = 1 THEN :'k32' ELSE :'k32b' END AS k,
       jwt_auth.jwt_sign(json_build_object('i', i, 'exp', 4102444800),
                         CASE WHEN i % 2 = 1 THEN :'k32' ELSE :'k32b' END) AS t
FROM generate_series(1, 6) i;
-- each token with its own key: all valid
SELECT i, jwt_auth.jwt_valid(t, k) AS own_key FROM ring ORDER BY i;
-- each token with the other key: none valid
SELECT i, jwt_auth.jwt_valid(t, CASE WHEN k = :'k32' THEN :'k32b' ELSE :'k32' END) AS other_key
FROM ring ORDER BY i;
-- a mix in one query, in an order that changes key at every row
SELECT n, jwt_auth.jwt_valid(t, k) AS valid
FROM (VALUES
    (1, :'t256', :'k32'),
    (2, :'t256', :'k32b'),
    (3, :'t256', :'k32'),
    (4, :'t256', :'k32' || 'x'),
    (5, :'t256', :'k32'),
    (6, :'t256', :'k32'),
    (7, :'t256', :'k64')) v(n, t, k)
ORDER BY n;
-- jwt_verify over the alternating column gives each row its own claims
SELECT i, jwt_auth.jwt_verify(t, k) -> 'i' AS claim_i FROM ring ORDER BY i;
-- the same with bytea keys and with JWKs
SELECT n, jwt_auth.jwt_valid(t, k) AS valid
FROM (VALUES
    (1, :'tbin', decode(:'kbin', 'hex')),
    (2, :'t256', decode(:'kbin', 'hex')),
    (3, :'t256', convert_to(:'k32', 'UTF8')),
    (4, :'tbin', convert_to(:'k32', 'UTF8')),
    (5, :'tbin', decode(:'kbin', 'hex'))) v(n, t, k)
ORDER BY n;
SELECT n, jwt_auth.jwt_valid(t, k::jsonb) AS valid
FROM (VALUES
    (1, :'tbin', :'kbinjwk'),
    (2, :'t256', :'kbinjwk'),
    (3, :'t256', :'kjwk'),
    (4, :'tbin', :'kjwk'),
    (5, :'tbin', :'kbinjwk')) v(n, t, k)
ORDER BY n;
-- a plpgsql loop keeps one call site across iterations: still the right key each time
CREATE FUNCTION pg_temp.check_ring() RETURNS TABLE(i int, own boolean, other boolean)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT ring.i, ring.k, ring.t FROM ring ORDER BY ring.i LOOP
        i := r.i;
        own := jwt_auth.jwt_valid(r.t, r.k);
        other := jwt_auth.jwt_valid(r.t, CASE WHEN r.k = 'abcdefghijklmnopqrstuvwxyz012345'
                                             THEN 'abcdefghijklmnopqrstuvwxyz012346'
                                             ELSE 'abcdefghijklmnopqrstuvwxyz012345' END);
        RETURN NEXT;
    END LOOP;
END
$$;
SELECT * FROM pg_temp.check_ring();
-- and across calls of the function in one statement
SELECT count(*) FILTER (WHERE own) AS own_valid, count(*) FILTER (WHERE other) AS other_valid
FROM generate_series(1, 3) g, LATERAL pg_temp.check_ring();
-- a key that fails to parse leaves nothing behind: the next row with a good
-- key, or another key, gets the right answer (one call site, errors caught)
CREATE FUNCTION pg_temp.try_keys(keys text[]) RETURNS TABLE(n int, result text)
LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. array_length(keys, 1) LOOP
        n := i;
        BEGIN
            result := jwt_auth.jwt_valid(
                'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.kXPKF-YuXegQU0TV4ZeDacvJH540TA0G1dLjjpYXgvk',
                keys[i]::jsonb)::text;
        EXCEPTION WHEN invalid_parameter_value THEN
            result := 'error: ' || SQLERRM;
        END;
        RETURN NEXT;
    END LOOP;
END
$$;
SELECT * FROM pg_temp.try_keys(ARRAY[:'kjwk', '{"kty":"oct"}', :'kjwk', '{"kty":"oct","k":"c2hvcnQ"}',
                                     :'kbinjwk', '{"kty":"oct","k":"!"}', :'kjwk']);
DROP TABLE ring;

-- The claims come back as the jsonb jsonb_in makes of the same text (built
-- from the verifier's own parse): escapes, non-ASCII, numbers of every
-- shape, nesting, empty containers, names in any order or escaped.
CREATE TEMP TABLE shapes (n int, claims text);
INSERT INTO shapes VALUES
  (1, '{"sub":"a\"b\\c\/d\b\f\n\r\t","exp":4102444800}'),
  (2, '{"name":"\u00e9t\u00e9 \ud83d\ude00 caf\u00E9","raw":"été 😀"}'),
  (3, '{"n":[0,-0,1.0,1.50,-2.5e3,1E+2,1e-7,123456789012345678901234567890,0.000001,1e40]}'),
  (4, '{"deep":{"a":[{"b":[[],{}]},null,true,false,""]},"e":{},"f":[]}'),
  (5, '{"zz":1,"a":2,"mm":3,"\u0061b":4,"b\u0020c":5,"":6}'),
  (6, '{"roles":["x","y"],"iat":1700000000.5,"nbf":0}'),
  (7, '{"i":[-0,7,-7,10000,99999999999999999,999999999999999999,-999999999999999999,1000000000000000000,-1000000000000000000,0.5]}');
SELECT n,
       jwt_auth.jwt_verify(jwt_auth.jwt_sign(claims, 'shape-secret-0123456789abcdefghij'),
                           'shape-secret-0123456789abcdefghij')::text
           = claims::jsonb::text AS same_text,
       jwt_auth.jwt_verify(jwt_auth.jwt_sign(claims, 'shape-secret-0123456789abcdefghij'),
                           'shape-secret-0123456789abcdefghij')
           = claims::jsonb AS same_jsonb,
       pg_column_size(jwt_auth.jwt_verify(jwt_auth.jwt_sign(claims, 'shape-secret-0123456789abcdefghij'),
                                          'shape-secret-0123456789abcdefghij'))
           = pg_column_size(claims::jsonb) AS same_size,
       (jwt_auth.jwt_decode(jwt_auth.jwt_sign(claims, 'shape-secret-0123456789abcdefghij'))).payload::text
           = claims::jsonb::text AS decode_same_text
  FROM shapes ORDER BY n;
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign(claims, 'shape-secret-0123456789abcdefghij'),
                           'shape-secret-0123456789abcdefghij')
  FROM shapes ORDER BY n;
DROP TABLE shapes;
