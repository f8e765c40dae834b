--
-- jwt_sign: exact tokens, overloads, header members, and what signing refuses
--
-- Fixed keys: k32 is a 32-byte text secret (enough for HS256), k64 a 64-byte
-- one (enough for every HS algorithm), kbin a 32-byte binary secret, and
-- kjwk an oct JWK holding the bytes of k32.
--
\set k32 'abcdefghijklmnopqrstuvwxyz012345'
\set k64 'abcdefghijklmnopqrstuvwxyz012345ABCDEFGHIJKLMNOPQRSTUVWXYZ6789+/'
\set kbin '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
\set kjwk '{"kty":"oct","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'
\set claims '{"sub":"1234567890","name":"x","exp":4102444800}'

-- the exact HS256 token for fixed claims; this value was cross-checked once
-- against PyJWT 2.6: jwt.encode({"sub":"1234567890","name":"x","exp":4102444800},
-- "abcdefghijklmnopqrstuvwxyz012345", algorithm="HS256") gives the same string
SELECT jwt_auth.jwt_sign(:'claims', :'k32');
SELECT jwt_auth.jwt_sign(:'claims', :'k32') =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.kXPKF-YuXegQU0TV4ZeDacvJH540TA0G1dLjjpYXgvk'
    AS same_as_pyjwt;

-- the exact tokens under HS256, HS384 and HS512 with the 64-byte key
SELECT alg, jwt_auth.jwt_sign(:'claims', :'k64', alg) AS token
FROM (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg);

-- each token is header.payload.HMAC(header.payload) as pgcrypto computes it:
-- header {"alg":...,"typ":"JWT"}, payload the claims as given, no padding
SELECT alg,
       jwt_auth.jwt_sign(:'claims', :'k64', alg) =
       si || '.' || jwt_auth.base64url_encode(hmac(si, :'k64', hash)) AS matches_pgcrypto
FROM (SELECT alg, hash,
             jwt_auth.base64url_encode(convert_to('{"alg":"' || alg || '","typ":"JWT"}', 'UTF8'))
             || '.' || jwt_auth.base64url_encode(convert_to(:'claims', 'UTF8')) AS si
      FROM (VALUES ('HS256', 'sha256'), ('HS384', 'sha384'), ('HS512', 'sha512')) a(alg, hash)) s;

-- the header and payload segments decoded: what was signed, byte for byte
SELECT convert_from(jwt_auth.base64url_decode(split_part(t, '.', 1)), 'UTF8') AS header,
       convert_from(jwt_auth.base64url_decode(split_part(t, '.', 2)), 'UTF8') AS payload,
       length(jwt_auth.base64url_decode(split_part(t, '.', 3))) AS signature_bytes
FROM (SELECT jwt_auth.jwt_sign(:'claims', :'k64', 'HS512') AS t) s;

-- the signature lengths follow the hash: 32, 48 and 64 bytes
SELECT alg, length(jwt_auth.base64url_decode(split_part(jwt_auth.jwt_sign(:'claims', :'k64', alg), '.', 3))) AS signature_bytes
FROM (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg);

-- signing is deterministic for HMAC: the same input gives the same token
SELECT jwt_auth.jwt_sign(:'claims', :'k32') = jwt_auth.jwt_sign(:'claims', :'k32') AS deterministic;

--
-- payload overloads
--

-- an untyped literal resolves to the text overload and keeps the member order
SELECT convert_from(jwt_auth.base64url_decode(split_part(
    jwt_auth.jwt_sign('{"z":1,"a":2}', :'k32'), '.', 2)), 'UTF8') AS text_payload;

-- json keeps the member order as written
SELECT convert_from(jwt_auth.base64url_decode(split_part(
    jwt_auth.jwt_sign('{"z":1,"a":2}'::json, :'k32'), '.', 2)), 'UTF8') AS json_payload;

-- jsonb signs its own canonical order, compacted
SELECT convert_from(jwt_auth.base64url_decode(split_part(
    jwt_auth.jwt_sign('{"zz":1,"a":2,"b":[1, 2]}'::jsonb, :'k32'), '.', 2)), 'UTF8') AS jsonb_payload;

-- the same claims text gives the same token through text and json
SELECT jwt_auth.jwt_sign(:'claims'::text, :'k32') = jwt_auth.jwt_sign(:'claims'::json, :'k32') AS text_equals_json;

-- whitespace outside strings is removed (compact token); inside strings it stays
SELECT convert_from(jwt_auth.base64url_decode(split_part(
    jwt_auth.jwt_sign(E'{ "name" : "a  b\\t\\"c\\" " ,\n\t"n" : [ 1 , 2 ] , "o" : { } }', :'k32'),
    '.', 2)), 'UTF8') AS compact_payload;
SELECT convert_from(jwt_auth.base64url_decode(split_part(
    jwt_auth.jwt_sign(E'{ "name" : "a  b" ,\n "n" : [ 1 , 2 ] }'::json, :'k32'),
    '.', 2)), 'UTF8') AS compact_json_payload;

-- a compacted payload signs exactly like the compact text
SELECT jwt_auth.jwt_sign(E'{ "sub" : "1234567890" ,\n "name" : "x" , "exp" : 4102444800 }', :'k32')
     = jwt_auth.jwt_sign(:'claims', :'k32') AS whitespace_does_not_change_token;

-- non-ASCII text is signed as its UTF-8 bytes
SELECT convert_from(jwt_auth.base64url_decode(split_part(
    jwt_auth.jwt_sign('{"name":"Zoë 東京"}', :'k32'), '.', 2)), 'UTF8') AS utf8_payload;

--
-- key types
--

-- a bytea key is the raw secret: same token as pgcrypto's HMAC with those bytes
SELECT jwt_auth.jwt_sign(:'claims', decode(:'kbin', 'hex')) AS bytea_key_token;
SELECT jwt_auth.jwt_sign(:'claims', decode(:'kbin', 'hex')) =
       si || '.' || jwt_auth.base64url_encode(hmac(convert_to(si, 'UTF8'), decode(:'kbin', 'hex'), 'sha256'))
       AS bytea_key_matches_pgcrypto
FROM (SELECT 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' ||
             jwt_auth.base64url_encode(convert_to(:'claims', 'UTF8')) AS si) s;

-- a text key and the bytea of the same bytes sign alike
SELECT jwt_auth.jwt_sign(:'claims', :'k32') = jwt_auth.jwt_sign(:'claims', convert_to(:'k32', 'UTF8')) AS text_equals_bytea;

-- an oct JWK holding the same bytes signs alike too
SELECT jwt_auth.jwt_sign(:'claims', :'k32') = jwt_auth.jwt_sign(:'claims', :'kjwk'::jsonb) AS text_equals_jwk;

-- every payload type combines with every key type
SELECT p, k, jwt_auth.jwt_verify(t, :'k32') AS claims
FROM (VALUES
    ('text', 'text', jwt_auth.jwt_sign('{"a":1}'::text, :'k32'::text)),
    ('text', 'bytea', jwt_auth.jwt_sign('{"a":1}'::text, convert_to(:'k32', 'UTF8'))),
    ('text', 'jsonb', jwt_auth.jwt_sign('{"a":1}'::text, :'kjwk'::jsonb)),
    ('json', 'text', jwt_auth.jwt_sign('{"a":1}'::json, :'k32'::text)),
    ('json', 'bytea', jwt_auth.jwt_sign('{"a":1}'::json, convert_to(:'k32', 'UTF8'))),
    ('json', 'jsonb', jwt_auth.jwt_sign('{"a":1}'::json, :'kjwk'::jsonb)),
    ('jsonb', 'text', jwt_auth.jwt_sign('{"a":1}'::jsonb, :'k32'::text)),
    ('jsonb', 'bytea', jwt_auth.jwt_sign('{"a":1}'::jsonb, convert_to(:'k32', 'UTF8'))),
    ('jsonb', 'jsonb', jwt_auth.jwt_sign('{"a":1}'::jsonb, :'kjwk'::jsonb))) v(p, k, t);

-- a JWK bound to HS256 signs HS256
SELECT jwt_auth.jwt_verify(
    jwt_auth.jwt_sign('{"a":1}', '{"kty":"oct","alg":"HS256","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb),
    :'k32') AS jwk_with_alg;

--
-- header members
--

-- extra members merge after alg and typ; alg always comes from the argument
SELECT convert_from(jwt_auth.base64url_decode(split_part(
    jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '{"kid":"key-1"}'), '.', 1)), 'UTF8') AS header_with_kid;
SELECT (jwt_auth.jwt_decode(jwt_auth.jwt_sign(:'claims', :'k64', 'HS384', '{"kid":"key-1","cty":"x"}'))).header;

-- typ can be overridden, and is then not repeated
SELECT convert_from(jwt_auth.base64url_decode(split_part(
    jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '{"typ":"at+jwt"}'), '.', 1)), 'UTF8') AS header_with_typ;

-- an empty header object adds nothing
SELECT jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '{}') = jwt_auth.jwt_sign(:'claims', :'k32') AS empty_header_adds_nothing;

-- a token with extra header members still verifies
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '{"kid":"key-1","typ":"at+jwt"}'), :'k32') AS verified;

-- the header may not set alg, crit or b64
SELECT jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '{"alg":"none"}');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '{"alg":"HS256"}');
SELECT jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '{"crit":["exp"]}');
SELECT jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '{"b64":false}');

-- the header must be a JSON object
SELECT jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '["kid"]');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign(:'claims', :'k32', 'HS256', '"kid"');

--
-- payloads that are refused
--

-- not an object
SELECT jwt_auth.jwt_sign('[1,2]', :'k32');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign('"sub"'::json, :'k32');
SELECT jwt_auth.jwt_sign('42'::jsonb, :'k32');
SELECT jwt_auth.jwt_sign('null', :'k32');
-- not JSON at all
SELECT jwt_auth.jwt_sign('{"sub":', :'k32');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign('', :'k32');
SELECT jwt_auth.jwt_sign('{"sub":"x"} trailing', :'k32');
-- duplicate member names (json keeps them; the token would be ambiguous)
SELECT jwt_auth.jwt_sign('{"sub":"a","sub":"b"}', :'k32');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign('{"sub":"a","sub":"b"}'::json, :'k32');
SELECT jwt_auth.jwt_sign('{"o":{"x":1,"x":2}}', :'k32');
-- names equal once unescaped are duplicates too
SELECT jwt_auth.jwt_sign('{"sub":"a","\u0073ub":"b"}', :'k32');

--
-- keys that are refused
--

-- an HMAC key shorter than the hash output, with the length it needs
SELECT jwt_auth.jwt_sign(:'claims', 'tooshort');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign(:'claims', :'k32', 'HS384');
SELECT jwt_auth.jwt_sign(:'claims', :'k32', 'HS512');
SELECT jwt_auth.jwt_sign(:'claims', decode('00010203', 'hex'));
SELECT jwt_auth.jwt_sign(:'claims', '');
SELECT jwt_auth.jwt_sign(:'claims', '{"kty":"oct","k":"c2hvcnQ"}'::jsonb);
-- exactly the hash length is enough
SELECT length(jwt_auth.jwt_sign(:'claims', repeat('k', 48), 'HS384')) > 0 AS hs384_with_48_bytes;
-- one byte less is not
SELECT jwt_auth.jwt_sign(:'claims', repeat('k', 31));

-- a key that looks like public-key material is never an HMAC secret
SELECT jwt_auth.jwt_sign(:'claims', E'-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign(:'claims', E'  \n-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n');
SELECT jwt_auth.jwt_sign(:'claims', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7VJTUt9Us8cKjMzEfYyjiWA4R4');
SELECT jwt_auth.jwt_sign(:'claims', '{"kty":"RSA","n":"u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u","e":"AQAB"}');

-- a JWK bound to HS384 is not used for HS256, nor the reverse
SELECT jwt_auth.jwt_sign(:'claims', '{"kty":"oct","alg":"HS384","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDVBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWjY3ODkrLw"}'::jsonb, 'HS256');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign(:'claims', '{"kty":"oct","alg":"HS256","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDVBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWjY3ODkrLw"}'::jsonb, 'HS384');
-- the same JWK signs under its own algorithm
SELECT (jwt_auth.jwt_decode(jwt_auth.jwt_sign(:'claims', '{"kty":"oct","alg":"HS384","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDVBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWjY3ODkrLw"}'::jsonb, 'HS384'))).header AS header;

-- a JWK meant only for encryption, or only for verifying, does not sign
SELECT jwt_auth.jwt_sign(:'claims', '{"kty":"oct","use":"enc","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb);
SELECT jwt_auth.jwt_sign(:'claims', '{"kty":"oct","key_ops":["verify"],"k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb);

-- malformed or unsupported JWKs
SELECT jwt_auth.jwt_sign(:'claims', '{"kty":"oct"}'::jsonb);
SELECT jwt_auth.jwt_sign(:'claims', '{"kty":"oct","k":"not base64url!"}'::jsonb);
SELECT jwt_auth.jwt_sign(:'claims', '{"k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb);
SELECT jwt_auth.jwt_sign(:'claims', '["oct"]'::jsonb);
SELECT jwt_auth.jwt_sign(:'claims', '{"kty":"RSA","n":"u1SU","e":"AQAB"}'::jsonb);

--
-- algorithms that are refused
--
SELECT jwt_auth.jwt_sign(:'claims', :'k64', 'none');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign(:'claims', :'k64', 'HS257');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_sign(:'claims', :'k64', 'hs256');
SELECT jwt_auth.jwt_sign(:'claims', :'k64', 'HS256 ');
SELECT jwt_auth.jwt_sign(:'claims', :'k64', 'RS256');
SELECT jwt_auth.jwt_sign(:'claims', :'k64', '');

-- one query signing with a different key on each row signs each row with its own key
SELECT n, jwt_auth.jwt_sign(:'claims', k) = expected AS own_key
FROM (VALUES
    (1, :'k32', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.kXPKF-YuXegQU0TV4ZeDacvJH540TA0G1dLjjpYXgvk'),
    (2, :'k64', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.gk60F3L0tgJAZa6qQZ44Stphg-g4M8bWII3R8Od7v5Q'),
    (3, :'k32', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.kXPKF-YuXegQU0TV4ZeDacvJH540TA0G1dLjjpYXgvk'),
    (4, :'k64', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.gk60F3L0tgJAZa6qQZ44Stphg-g4M8bWII3R8Od7v5Q')) v(n, k, expected)
ORDER BY n;

-- the functions are strict: a null argument gives a null token
SELECT jwt_auth.jwt_sign(NULL::text, :'k32') IS NULL AS null_payload,
       jwt_auth.jwt_sign(:'claims', NULL::text) IS NULL AS null_key,
       jwt_auth.jwt_sign(:'claims', :'k32', NULL) IS NULL AS null_alg;

--
-- round trips: what is signed verifies under the same algorithm and key
--
SELECT alg, kind, jwt_auth.jwt_verify(t, :'k64', alg) AS claims
FROM (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg),
     LATERAL (VALUES
        ('text', jwt_auth.jwt_sign('{"sub":"u1","n":1.5,"exp":4102444800}'::text, :'k64', alg)),
        ('json', jwt_auth.jwt_sign('{"sub":"u1","n":1.5,"exp":4102444800}'::json, :'k64', alg)),
        ('jsonb', jwt_auth.jwt_sign('{"sub":"u1","n":1.5,"exp":4102444800}'::jsonb, :'k64', alg))) s(kind, t)
ORDER BY alg, kind;
SELECT alg, jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims', decode(:'kbin' || :'kbin', 'hex'), alg),
                               decode(:'kbin' || :'kbin', 'hex'), alg) AS bytea_round_trip
FROM (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg);
