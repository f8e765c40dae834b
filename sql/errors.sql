--
-- Errors: every error class with its SQLSTATE, message, detail and hint;
-- jwt_valid's answer for the same calls; and no error ever shows the key,
-- the token or a claim value
--
-- A key and a subject that must never appear in an error
\set k 'Leak-Check-Secret-Key-0123456789'
\set sub 'leak-check-subject'

-- run a statement; its error fields, or 00000 and its result
CREATE FUNCTION pg_temp.attempt(stmt text, OUT code text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt INTO message;
    code := '00000';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    detail := nullif(detail, '');
    hint := nullif(hint, '');
END
$$;

-- a token with any header and payload, signed with HMAC-SHA256 by pgcrypto
CREATE FUNCTION pg_temp.handmade(header text, payload text, key text) RETURNS text
LANGUAGE sql AS $$
    SELECT h || '.' || p || '.' || jwt_auth.base64url_encode(hmac(h || '.' || p, key, 'sha256'))
    FROM (SELECT jwt_auth.base64url_encode(convert_to(header, 'UTF8')) AS h,
                 jwt_auth.base64url_encode(convert_to(payload, 'UTF8')) AS p) s
$$;

-- the calls: $T is replaced by the token, $K by the key, both quoted
CREATE TEMP TABLE cases (n int PRIMARY KEY, what text, token text, key text, call text);
INSERT INTO cases VALUES
-- a bad token: 28000, the reason in the detail
(1, 'null token', NULL, :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(2, 'oversized token', 'eyJhbGciOiJIUzI1NiJ9.' || repeat('eyJzdWIiOiJsZWFrLWNoZWNrLXN1YmplY3QifQ', 7000) || '.AAAA', :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(3, 'four segments', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k') || '.AAAA', :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(4, 'padded base64', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k') || '=', :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(5, 'header not JSON', pg_temp.handmade('HS256', json_build_object('sub', :'sub')::text, :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(6, 'payload not an object', jwt_auth.jws_sign(convert_to(format('["%s"]', :'sub'), 'UTF8'), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(7, 'repeated claim', jwt_auth.jws_sign(convert_to(format('{"sub":"%s","sub":"admin"}', :'sub'), 'UTF8'), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(8, 'header without alg', pg_temp.handmade('{"typ":"JWT"}', json_build_object('sub', :'sub')::text, :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(9, 'algorithm mismatch', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k' || :'k', 'HS512'), :'k' || :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(10, 'critical extension', pg_temp.handmade('{"alg":"HS256","crit":["exp"]}', json_build_object('sub', :'sub')::text, :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(11, 'unencoded payload', pg_temp.handmade('{"alg":"HS256","b64":false}', json_build_object('sub', :'sub')::text, :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(12, 'encrypted token header', pg_temp.handmade('{"alg":"HS256","enc":"A128GCM"}', json_build_object('sub', :'sub')::text, :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(13, 'wrong key', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), :'k' || '!', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(14, 'exp not a number', jwt_auth.jwt_sign(json_build_object('sub', :'sub', 'exp', '4102444800'), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(15, 'expired', jwt_auth.jwt_sign(json_build_object('sub', :'sub', 'exp', 1300819380), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(16, 'not valid yet', jwt_auth.jwt_sign(json_build_object('sub', :'sub', 'nbf', 4102444800), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(17, 'issued in the future', jwt_auth.jwt_sign(json_build_object('sub', :'sub', 'iat', 4102444800), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(18, 'wrong audience', jwt_auth.jwt_sign(json_build_object('sub', :'sub', 'aud', 'leak-check-audience'), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K, audience => ''api'')'),
(19, 'wrong issuer', jwt_auth.jwt_sign(json_build_object('sub', :'sub', 'iss', 'leak-check-issuer'), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K, issuer => ''https://auth.example.com'')'),
(20, 'jws_verify, wrong key', jwt_auth.jws_sign(convert_to(:'sub', 'UTF8'), :'k'), :'k' || '!', 'SELECT jwt_auth.jws_verify($T, $K)'),
(21, 'jwt_decode, not a token', :'sub', NULL, 'SELECT jwt_auth.jwt_decode($T)'),
-- a bad argument: 22023
(22, 'unknown algorithm', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K, ''HS999'')'),
(23, 'algorithm none', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K, ''none'')'),
(24, 'short key', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), 'Leak-Check-Short', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(25, 'short key for HS512', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k' || :'k', 'HS512'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K, ''HS512'')'),
(26, 'public key as secret', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), E'-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n', 'SELECT jwt_auth.jwt_verify($T, $K)'),
(27, 'malformed JWK', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), '{"kty":"oct","k":"Leak+Check+Secret"}', 'SELECT jwt_auth.jwt_verify($T, $K::jsonb)'),
(28, 'unsupported JWK', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), '{"kty":"RSA","n":"TGVhay1DaGVjay1TZWNyZXQtS2V5LTAxMjM0NTY3ODk","e":"AQAB"}', 'SELECT jwt_auth.jwt_verify($T, $K::jsonb)'),
(29, 'JWK for another algorithm', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), '{"kty":"oct","alg":"HS512","k":"TGVhay1DaGVjay1TZWNyZXQtS2V5LTAxMjM0NTY3ODk"}', 'SELECT jwt_auth.jwt_verify($T, $K::jsonb)'),
(30, 'JWK not for signatures', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), '{"kty":"oct","use":"enc","k":"TGVhay1DaGVjay1TZWNyZXQtS2V5LTAxMjM0NTY3ODk"}', 'SELECT jwt_auth.jwt_verify($T, $K::jsonb)'),
(31, 'payload not JSON', NULL, :'k', format('SELECT jwt_auth.jwt_sign(%L, $K)', format('{"sub":"%s",', :'sub'))),
(32, 'payload not an object', NULL, :'k', format('SELECT jwt_auth.jwt_sign(%L, $K)', format('["%s"]', :'sub'))),
(33, 'header not an object', NULL, :'k', format('SELECT jwt_auth.jwt_sign(''{}'', $K, ''HS256'', %L)', format('["%s"]', :'sub'))),
(34, 'header sets alg', NULL, :'k', format('SELECT jwt_auth.jwt_sign(''{}'', $K, ''HS256'', %L)', format('{"alg":"none","kid":"%s"}', :'sub'))),
(35, 'negative leeway', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K, leeway => ''-5 minutes'')'),
(36, 'not base64url', :'sub' || '+/==', NULL, 'SELECT jwt_auth.base64url_decode($T)'),
(37, 'pgjwt sign, algorithm none', NULL, :'k', format('SELECT jwt_auth.sign(%L, $K, ''none'')', json_build_object('sub', :'sub'))),
(38, 'pgjwt verify, public key as secret', jwt_auth.sign(json_build_object('sub', :'sub'), :'k'), E'-----BEGIN PUBLIC KEY-----\nTGVhay1DaGVjay1TZWNyZXQtS2V5LTAxMjM0NTY3ODk\n-----END PUBLIC KEY-----\n', 'SELECT jwt_auth.verify($T, $K)'),
-- a null key or algorithm: 22004
(39, 'null key', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), NULL, 'SELECT jwt_auth.jwt_verify($T, $K::text)'),
(40, 'null algorithm', jwt_auth.jwt_sign(json_build_object('sub', :'sub'), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K, NULL)'),
-- for contrast: the good token
(41, 'good token', jwt_auth.jwt_sign(json_build_object('sub', 'ok', 'exp', 4102444800), :'k'), :'k', 'SELECT jwt_auth.jwt_verify($T, $K)');

CREATE TEMP VIEW outcomes AS
SELECT n, what, token, key, call, r.*
FROM cases,
     LATERAL (SELECT replace(replace(call, '$T', quote_nullable(token)), '$K', quote_nullable(key)) AS stmt) s,
     LATERAL pg_temp.attempt(stmt) r;

-- every error class: SQLSTATE | message | detail | hint
SELECT n, what, code, message, detail, hint FROM outcomes ORDER BY n;

-- no message, detail or hint contains the key, the JWK's secret, the token,
-- any of its segments, or a claim value
SELECT n, what, needle
FROM outcomes,
     LATERAL (SELECT key UNION ALL
              SELECT CASE WHEN key LIKE '{%' THEN key::jsonb ->> 'k' END UNION ALL
              SELECT token UNION ALL
              SELECT regexp_split_to_table(token, '\.') UNION ALL
              SELECT 'leak-check') needles(needle)
WHERE code <> '00000' AND length(needle) >= 8
  AND position(needle IN concat_ws(' ', message, detail, hint)) > 0;
-- (the check above finds something when there is something to find)
SELECT count(*) AS needles_checked
FROM outcomes,
     LATERAL (SELECT key UNION ALL
              SELECT CASE WHEN key LIKE '{%' THEN key::jsonb ->> 'k' END UNION ALL
              SELECT token UNION ALL
              SELECT regexp_split_to_table(token, '\.') UNION ALL
              SELECT 'leak-check') needles(needle)
WHERE code <> '00000' AND length(needle) >= 8;
SELECT position(:'k' IN concat_ws(' ', 'x', :'k')) > 0 AS check_finds_a_key;

-- messages are lower case without a final period; hints are sentences (but pgjwt's
-- own error, which the pgjwt functions repeat word for word)
SELECT n, what, message, hint FROM outcomes
WHERE code <> '00000' AND message <> 'Cannot use "": No such hash algorithm'
  AND (message ~ '^[A-Z]' OR message ~ '\.$' OR hint !~ '^[A-Z].*\.$');

-- jwt_valid, for every jwt_verify call above: false for a bad token, the
-- same error for a bad argument, true for the good token
SELECT n, what, o.code AS verify_code, r.code AS valid_code, r.message AS valid_result
FROM outcomes o,
     LATERAL pg_temp.attempt(replace(replace(replace(call, 'jwt_verify', 'jwt_valid'),
                                             '$T', quote_nullable(token)), '$K', quote_nullable(key))) r
WHERE call LIKE '%jwt_verify%'
ORDER BY n;

-- the same errors as psql shows them, for a few
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":1300819380}', :'k'), :'k');
SELECT jwt_auth.jwt_sign('{}', 'Leak-Check-Short');
SELECT jwt_auth.jwt_sign('{}', :'k', 'RS256');
SELECT jwt_auth.jwt_sign('{}', :'k', 'HS256', '{"crit":["x"]}');
SELECT jwt_auth.jwt_verify(NULL, NULL::text);

DROP VIEW outcomes;
DROP TABLE cases;
