--
-- pgjwt compatibility: sign, verify, url_encode and url_decode give pgjwt's
-- results where pgjwt is sound, and are safe where it is not
--
-- pgjwt's own formulas, reimplemented here with pgcrypto as the reference:
-- url_encode is base64 with +/ turned to -_ and padding and newlines dropped;
-- sign signs the json text exactly as given under {"alg":...,"typ":"JWT"}.
--
CREATE FUNCTION pg_temp.ref_url_encode(data bytea) RETURNS text
LANGUAGE sql AS $$ SELECT translate(encode(data, 'base64'), E'+/=\n', '-_') $$;

CREATE FUNCTION pg_temp.ref_sign(payload json, secret text, algorithm text DEFAULT 'HS256') RETURNS text
LANGUAGE sql AS $$
    SELECT si || '.' || pg_temp.ref_url_encode(hmac(si, secret,
               CASE algorithm WHEN 'HS256' THEN 'sha256' WHEN 'HS384' THEN 'sha384' WHEN 'HS512' THEN 'sha512' END))
    FROM (SELECT pg_temp.ref_url_encode(convert_to('{"alg":"' || algorithm || '","typ":"JWT"}', 'UTF8')) || '.' ||
                 pg_temp.ref_url_encode(convert_to(payload::text, 'UTF8')) AS si) s
$$;

-- pgjwt's url_decode: -_ back to +/, padding added, then base64; NULL where pgjwt would raise
CREATE FUNCTION pg_temp.ref_url_decode(data text) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE
    t text := translate(data, '-_', '+/');
BEGIN
    RETURN decode(t || CASE WHEN length(t) % 4 > 0 THEN repeat('=', 4 - length(t) % 4) ELSE '' END, 'base64');
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

--
-- sign
--

-- the well-known example from pgjwt's README (and jwt.io), with the secret "secret"
SELECT jwt_auth.sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret');
SELECT jwt_auth.sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret') =
       'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ'
       AS same_as_pgjwt_readme;

-- the same token as pgjwt's formula for every algorithm, any secret length
-- (none is too short here), and payloads kept exactly as written
SELECT alg, secret_length, payload_kind,
       jwt_auth.sign(payload, secret, alg) = pg_temp.ref_sign(payload, secret, alg) AS same_as_pgjwt
FROM (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg),
     (VALUES (0, ''), (1, 'x'), (6, 'secret'), (32, 'abcdefghijklmnopqrstuvwxyz012345'),
             (200, repeat('long secret ', 17) || 'abcdefgh')) s(secret_length, secret),
     (VALUES ('compact', '{"sub":"1234567890","name":"John Doe","admin":true}'::json),
             ('with spaces', E'{ "sub" : "1234567890",\n  "name" : "John Doe" }'::json),
             ('non-ASCII', '{"name":"Zoë 東京","exp":4102444800}'::json),
             ('empty object', '{}'::json)) p(payload_kind, payload)
ORDER BY alg, secret_length, payload_kind;
-- whitespace is signed as it is, unlike jwt_sign which compacts it
SELECT convert_from(jwt_auth.url_decode(split_part(jwt_auth.sign('{ "sub" : "u" }', 'secret'), '.', 2)), 'UTF8') AS signed_payload;
-- the header is exactly pgjwt's
SELECT convert_from(jwt_auth.url_decode(split_part(jwt_auth.sign('{}', 'secret', alg), '.', 1)), 'UTF8') AS header
FROM (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg);
-- a payload that is not an object is signed too, as pgjwt does
SELECT jwt_auth.sign('[1,2]', 'secret') = pg_temp.ref_sign('[1,2]', 'secret') AS array_payload;
-- algorithms other than HS256/384/512 are refused (pgjwt failed inside hmac)
-- with pgjwt's own error, which pgcrypto's hmac() raised: the same SQLSTATE and text
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
SELECT pg_temp.error_of($$SELECT hmac('{}', 'secret', '')$$) AS pgjwt_error;
SELECT a AS algorithm,
       pg_temp.error_of(format('SELECT jwt_auth.sign(%L, %L, %L)', '{}', 'secret', a)) =
       pg_temp.error_of($$SELECT hmac('{}', 'secret', '')$$) AS sign_raises_it,
       pg_temp.error_of(format('SELECT * FROM jwt_auth.verify(jwt_auth.sign(%L, %L), %L, %L)', '{}', 'secret', 'secret', a)) =
       pg_temp.error_of($$SELECT hmac('{}', 'secret', '')$$) AS verify_raises_it
  FROM unnest(ARRAY['none', 'hs256', 'RS256', 'ES256', '']) a;
SELECT jwt_auth.sign('{}', 'secret', 'none');
-- public-key text is not a secret, here either
SELECT jwt_auth.sign('{}', E'-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n');
-- strict, as pgjwt's SQL function was in effect
SELECT jwt_auth.sign(NULL, 'secret') IS NULL AS null_payload, jwt_auth.sign('{}', NULL) IS NULL AS null_secret;

--
-- verify
--

-- a good token: its header and payload as json, valid
SELECT * FROM jwt_auth.verify(
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ',
    'secret');
SELECT pg_typeof(header) AS header_type, pg_typeof(payload) AS payload_type, payload ->> 'name' AS name
FROM jwt_auth.verify(jwt_auth.sign('{"name":"John Doe"}', 'secret'), 'secret');
-- the payload comes back as it was signed, spaces and all
SELECT payload FROM jwt_auth.verify(jwt_auth.sign('{ "sub" : "u" }', 'secret'), 'secret');
-- every algorithm round-trips; a token from jwt_sign verifies too
SELECT alg, valid FROM (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg),
     LATERAL jwt_auth.verify(jwt_auth.sign('{"sub":"u"}', 'secret', alg), 'secret', alg) ORDER BY alg;
SELECT valid AS jwt_sign_token FROM jwt_auth.verify(jwt_auth.jwt_sign('{"sub":"u"}', repeat('s', 32)), repeat('s', 32));

-- a wrong secret: header and payload are still shown, valid is false
SELECT * FROM jwt_auth.verify(jwt_auth.sign('{"sub":"u"}', 'secret'), 'another secret');

-- bad tokens are invalid, never NULL, and never raise
CREATE TEMP TABLE bad AS
SELECT * FROM (VALUES
    ('null token', NULL),
    ('empty', ''),
    ('garbage', 'not a token'),
    ('two segments', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1In0'),
    ('four segments', jwt_auth.sign('{"sub":"u"}', 'secret') || '.AAAA'),
    ('bad base64 header', '!!!.' || split_part(jwt_auth.sign('{"sub":"u"}', 'secret'), '.', 2) || '.' || split_part(jwt_auth.sign('{"sub":"u"}', 'secret'), '.', 3)),
    ('bad base64 signature', jwt_auth.sign('{"sub":"u"}', 'secret') || '*'),
    ('padded signature', jwt_auth.sign('{"sub":"u"}', 'secret') || '='),
    ('header not JSON', pg_temp.ref_url_encode('HS256') || '.' || split_part(jwt_auth.sign('{"sub":"u"}', 'secret'), '.', 2) || '.AAAA'),
    ('HS384 token, HS256 asked', jwt_auth.sign('{"sub":"u"}', 'secret', 'HS384')),
    ('alg none in header, HS256 signature', pg_temp.ref_url_encode('{"alg":"none","typ":"JWT"}') || '.' ||
        pg_temp.ref_url_encode('{"sub":"u"}') || '.' ||
        pg_temp.ref_url_encode(hmac(pg_temp.ref_url_encode('{"alg":"none","typ":"JWT"}') || '.' || pg_temp.ref_url_encode('{"sub":"u"}'), 'secret', 'sha256'))),
    ('unsigned', pg_temp.ref_url_encode('{"alg":"none","typ":"JWT"}') || '.' || pg_temp.ref_url_encode('{"sub":"u"}') || '.'),
    ('exp not a number', jwt_auth.sign('{"sub":"u","exp":"4102444800"}', 'secret')),
    ('exp null', jwt_auth.sign('{"sub":"u","exp":null}', 'secret')),
    ('nbf not a number', jwt_auth.sign('{"sub":"u","nbf":"soon"}', 'secret')),
    ('expired', jwt_auth.sign('{"sub":"u","exp":1300819380}', 'secret')),
    ('not valid yet', jwt_auth.sign('{"sub":"u","nbf":4102444800}', 'secret')),
    ('payload an array', jwt_auth.sign('[1,2]', 'secret')),
    ('payload repeats a name', jwt_auth.sign('{"sub":"u","sub":"admin"}', 'secret'))
) v(name, token);
SELECT name, header, payload, valid, valid IS NULL AS valid_is_null
FROM bad, LATERAL jwt_auth.verify(token, 'secret') ORDER BY name;
-- nothing raises for any of them, whatever the algorithm asked for; the one
-- valid answer is the HS384 token asked for as HS384
SELECT count(*) AS rows, count(*) FILTER (WHERE valid IS NULL) AS null_valid,
       string_agg(name || ' as ' || alg, ', ') FILTER (WHERE valid) AS valid
FROM bad, (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg), LATERAL jwt_auth.verify(token, 'secret', alg);
DROP TABLE bad;

-- the time window: nbf and exp inside it are fine, iat and aud are not judged
SELECT * FROM jwt_auth.verify(jwt_auth.sign('{"sub":"u","nbf":1300819380,"exp":4102444800}', 'secret'), 'secret');
SELECT valid AS iat_in_future FROM jwt_auth.verify(jwt_auth.sign('{"sub":"u","iat":4102444800}', 'secret'), 'secret');
SELECT valid AS with_aud FROM jwt_auth.verify(jwt_auth.sign('{"sub":"u","aud":"somewhere"}', 'secret'), 'secret');
SELECT valid AS numeric_sub FROM jwt_auth.verify(jwt_auth.sign('{"sub":42}', 'secret'), 'secret');
-- no leeway: five seconds past exp or before nbf is too late or too early,
-- where jwt_valid's default leeway would still accept
SELECT name, (SELECT valid FROM jwt_auth.verify(t, 'secret')) AS pgjwt_valid,
       jwt_auth.jwt_valid(t2, 'secret-secret-secret-secret-1234') AS leeway_would_accept
FROM (SELECT name, jwt_auth.sign(json_build_object(claim, extract(epoch FROM statement_timestamp()) + delta), 'secret') AS t,
             jwt_auth.jwt_sign(json_build_object(claim, extract(epoch FROM statement_timestamp()) + delta), 'secret-secret-secret-secret-1234') AS t2
      FROM (VALUES ('exp 5s ago', 'exp', -5), ('exp in 5s', 'exp', 5),
                   ('nbf in 5s', 'nbf', 5), ('nbf 5s ago', 'nbf', -5)) v(name, claim, delta)) s
ORDER BY name;

-- the secret and the algorithm must not be null; an unknown algorithm is an error
SELECT * FROM jwt_auth.verify(jwt_auth.sign('{}', 'secret'), NULL);
SELECT * FROM jwt_auth.verify(jwt_auth.sign('{}', 'secret'), 'secret', NULL);
SELECT * FROM jwt_auth.verify(jwt_auth.sign('{}', 'secret'), 'secret', 'none');
SELECT * FROM jwt_auth.verify(jwt_auth.sign('{}', 'secret'), 'secret', 'ES256');

--
-- url_encode and url_decode
--

-- url_encode is pgjwt's for every length across line wraps; url_decode undoes it
SELECT count(*) AS lengths,
       count(*) FILTER (WHERE jwt_auth.url_encode(b) = pg_temp.ref_url_encode(b)) AS encode_same,
       count(*) FILTER (WHERE jwt_auth.url_decode(jwt_auth.url_encode(b)) = b) AS round_trip,
       count(*) FILTER (WHERE jwt_auth.url_decode(jwt_auth.url_encode(b)) = pg_temp.ref_url_decode(jwt_auth.url_encode(b))) AS decode_same
FROM (SELECT substr(sha512(int4send(i)) || sha512(int4send(-i)), 1, i) AS b FROM generate_series(0, 128) i) s;
SELECT jwt_auth.url_encode('\xfbff'::bytea) AS url_alphabet, jwt_auth.url_encode('\x'::bytea) AS empty;
-- url_decode accepts padding and the standard alphabet, as pgjwt did
SELECT jwt_auth.url_decode('YQ') AS unpadded, jwt_auth.url_decode('YQ==') AS padded,
       jwt_auth.url_decode('YWI=') AS padded_one, jwt_auth.url_decode('-_8') AS url_alphabet,
       jwt_auth.url_decode('+/8') AS standard_alphabet, jwt_auth.url_decode('') AS empty;
-- and gives what pgjwt's gave for each
SELECT d, jwt_auth.url_decode(d) IS NOT DISTINCT FROM pg_temp.ref_url_decode(d) AS same_as_pgjwt
FROM (VALUES ('YQ'), ('YQ=='), ('YWI='), ('YWJj'), ('-_8'), ('+/8'), ('')) v(d);
-- invalid input gives NULL, where pgjwt raised (shown as NULL here) or, for
-- misplaced padding, returned bytes that the text does not encode
SELECT d, jwt_auth.url_decode(d) AS decoded, pg_temp.ref_url_decode(d) AS pgjwt
FROM (VALUES ('Y'), ('YQ=a'), ('!!!!'), ('YQ==='), ('Y==='), ('YWJj.ZGVm'), ('ä')) v(d);
-- strict
SELECT jwt_auth.url_decode(NULL) IS NULL AS null_decode, jwt_auth.url_encode(NULL) IS NULL AS null_encode;
