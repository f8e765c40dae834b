--
-- jwt_decode: the header, payload and signature of a token, without
-- verifying it; a token that does not even parse is refused with the reason
--
\set k32 'abcdefghijklmnopqrstuvwxyz012345'
-- {"sub":"1234567890","name":"x","exp":4102444800}, HS256 under k32 (see sign.out)
\set t256 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.kXPKF-YuXegQU0TV4ZeDacvJH540TA0G1dLjjpYXgvk'

-- the three parts of a token
SELECT * FROM jwt_auth.jwt_decode(:'t256');
SELECT pg_typeof(header) AS header_type, pg_typeof(payload) AS payload_type, pg_typeof(signature) AS signature_type,
       length(signature) AS signature_bytes,
       jwt_auth.base64url_encode(signature) = split_part(:'t256', '.', 3) AS signature_is_third_segment,
       header ->> 'alg' AS alg, payload ->> 'sub' AS sub
FROM jwt_auth.jwt_decode(:'t256');
-- the signature is the HMAC of the first two segments
SELECT signature = hmac(split_part(:'t256', '.', 1) || '.' || split_part(:'t256', '.', 2), :'k32', 'sha256') AS is_hmac
FROM jwt_auth.jwt_decode(:'t256');
-- extra header members are shown
SELECT header FROM jwt_auth.jwt_decode(jwt_auth.jwt_sign('{"sub":"u"}', :'k32', 'HS256', '{"kid":"key-1","typ":"at+jwt"}'));
-- the composite as one value
SELECT jwt_auth.jwt_decode(jwt_auth.jwt_sign('{"a":[1,{"b":null}]}', :'k32'));

--
-- decoding is not verifying
--

-- a token signed with another key decodes all the same
SELECT header, payload FROM jwt_auth.jwt_decode(jwt_auth.jwt_sign('{"sub":"someone"}', 'another key, not the one we trust'));
-- an expired token decodes
SELECT payload FROM jwt_auth.jwt_decode(jwt_auth.jwt_sign('{"sub":"u","exp":1300819380}', :'k32'));
-- a token not valid yet, issued in the future, with claims of the wrong types decodes
SELECT payload FROM jwt_auth.jwt_decode(jwt_auth.jwt_sign('{"nbf":4102444800,"iat":4102444800,"exp":"never","aud":42}', :'k32'));
-- an unsigned token (alg none, empty signature) decodes, and shows it has no signature
SELECT header, payload, signature, length(signature) AS signature_bytes
FROM jwt_auth.jwt_decode(jwt_auth.base64url_encode(convert_to('{"alg":"none"}', 'UTF8')) || '.' ||
                         jwt_auth.base64url_encode(convert_to('{"sub":"admin"}', 'UTF8')) || '.');
-- so does a header without alg, or with crit, or an HS512 token
SELECT header FROM jwt_auth.jwt_decode(jwt_auth.base64url_encode(convert_to('{"typ":"JWT","crit":["x"],"x":1}', 'UTF8')) || '.' ||
                                       jwt_auth.base64url_encode(convert_to('{}', 'UTF8')) || '.AAAA');
SELECT header FROM jwt_auth.jwt_decode(jwt_auth.jwt_sign('{"sub":"u"}', repeat('k', 64), 'HS512'));
-- while jwt_verify refuses the same tokens
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"sub":"u","exp":1300819380}', :'k32'), :'k32') AS expired_valid;

-- strict: a null token gives nulls
SELECT jwt_auth.jwt_decode(NULL) IS NULL AS null_token;
SELECT * FROM jwt_auth.jwt_decode(NULL);

--
-- tokens that do not parse: 28000 with the reason
--

-- not three segments
SELECT * FROM jwt_auth.jwt_decode('not a token');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM jwt_auth.jwt_decode('');
SELECT * FROM jwt_auth.jwt_decode(split_part(:'t256', '.', 1) || '.' || split_part(:'t256', '.', 2));
SELECT * FROM jwt_auth.jwt_decode(:'t256' || '.');
SELECT * FROM jwt_auth.jwt_decode(:'t256' || '.' || split_part(:'t256', '.', 3));
SELECT * FROM jwt_auth.jwt_decode('..');
-- segments that are not strict base64url: padding, the other alphabet,
-- whitespace, an impossible length, stray bits
SELECT * FROM jwt_auth.jwt_decode(split_part(:'t256', '.', 1) || '=.' || split_part(:'t256', '.', 2) || '.' || split_part(:'t256', '.', 3));
SELECT * FROM jwt_auth.jwt_decode(split_part(:'t256', '.', 1) || '.' || split_part(:'t256', '.', 2) || '.' ||
                                  translate(split_part(:'t256', '.', 3), '-_', '+/'));
SELECT * FROM jwt_auth.jwt_decode(' ' || :'t256');
SELECT * FROM jwt_auth.jwt_decode(split_part(:'t256', '.', 1) || E'\n.' || split_part(:'t256', '.', 2) || '.' || split_part(:'t256', '.', 3));
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.e.AAAA');
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.e30.AB');
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.e31.AAAA');
-- a header that is not a JSON object
SELECT * FROM jwt_auth.jwt_decode(jwt_auth.base64url_encode(convert_to('not json', 'UTF8')) || '.e30.AAAA');
SELECT * FROM jwt_auth.jwt_decode(jwt_auth.base64url_encode(convert_to('["HS256"]', 'UTF8')) || '.e30.AAAA');
SELECT * FROM jwt_auth.jwt_decode('.e30.AAAA');
-- a payload that is not a JSON object
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.' || jwt_auth.base64url_encode(convert_to('[1,2]', 'UTF8')) || '.AAAA');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.' || jwt_auth.base64url_encode(convert_to('"sub"', 'UTF8')) || '.AAAA');
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.' || jwt_auth.base64url_encode(convert_to('{"sub":', 'UTF8')) || '.AAAA');
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9..AAAA');
-- JSON that PostgreSQL could not store: invalid UTF-8, a \u0000 escape
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.' || jwt_auth.base64url_encode('\x7b2273223a22ff227d'::bytea) || '.AAAA');
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.' || jwt_auth.base64url_encode(convert_to('{"s":"a\u0000b"}', 'UTF8')) || '.AAAA');
SELECT * FROM jwt_auth.jwt_decode(jwt_auth.base64url_encode('\x7b22616c67223a22ff227d'::bytea) || '.e30.AAAA');
-- repeated member names, in the payload or the header
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.' || jwt_auth.base64url_encode(convert_to('{"sub":"a","sub":"b"}', 'UTF8')) || '.AAAA');
SELECT * FROM jwt_auth.jwt_decode(jwt_auth.base64url_encode(convert_to('{"alg":"HS256","alg":"none"}', 'UTF8')) || '.e30.AAAA');
-- a token over the size limit is refused before it is parsed
SELECT * FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.' || jwt_auth.base64url_encode(convert_to('{"pad":"' || repeat('x', 200000) || '"}', 'UTF8')) || '.AAAA');
-- just under it is fine
SELECT length(payload ->> 'pad') AS pad_length
FROM jwt_auth.jwt_decode('eyJhbGciOiJIUzI1NiJ9.' || jwt_auth.base64url_encode(convert_to('{"pad":"' || repeat('x', 150000) || '"}', 'UTF8')) || '.AAAA');
