--
-- hostile: crafted tokens an attacker would send. Every one is refused by
-- jwt_verify with SQLSTATE 28000 and the errdetail of the rule it breaks;
-- jwt_valid says false (never NULL, never an error); jws_verify refuses the
-- same tokens for the same reason unless the rule is a claim rule, in which
-- case it returns the payload, which proves the signature was good and the
-- claim rule alone refused the token. No message echoes the key or the
-- token, and the backend survives all of it.
--
-- Most tokens carry a valid HMAC-SHA256 signature under the suite key, made
-- here with pgcrypto, independently of the extension: the "signed" column
-- says whether the last segment is the HMAC of everything before the last
-- dot, so a refusal of a signed token comes from its rule, not its signature.
--

-- the suite's HMAC key: 64 bytes, long enough for HS512 (RFC 7518 section 3.2)
CREATE FUNCTION pg_temp.key() RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT 'hostile-suite-hmac-key/0123456789abcdef0123456789abcdef012345678' $$;
-- a key the attacker controls
CREATE FUNCTION pg_temp.attacker() RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT 'attacker-chosen-secret-0123456789abcdef' $$;
-- a public key, which an attacker knows: the RS256/ES256-to-HS256 confusion "secret"
CREATE FUNCTION pg_temp.pem() RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT E'-----BEGIN PUBLIC KEY-----\n' ||
    E'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAElAgyAiN02+u6+gHMkPnQ7XrEbJoq\n' ||
    E'W3xVWWz6zVkHaTWtsUCwUaA37v9hBBf5gwIXgGQzbHy3UCL6C0WuqSOk6A==\n' ||
    E'-----END PUBLIC KEY-----\n' $$;

-- base64url of JSON text, or of raw bytes (for invalid UTF-8)
CREATE FUNCTION pg_temp.b64(json text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT jwt_auth.base64url_encode(convert_to(json, 'UTF8')) $$;
CREATE FUNCTION pg_temp.b64b(raw bytea) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT jwt_auth.base64url_encode(raw) $$;
-- the base64url HMAC of a signing input, by pgcrypto
CREATE FUNCTION pg_temp.mac(input text, hash text DEFAULT 'sha256', k text DEFAULT pg_temp.key())
RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT jwt_auth.base64url_encode(hmac(convert_to(input, 'UTF8'), convert_to(k, 'UTF8'), hash)) $$;
-- input '.' its HMAC: any signing input, however malformed, gets a valid signature
CREATE FUNCTION pg_temp.sign(input text, hash text DEFAULT 'sha256', k text DEFAULT pg_temp.key())
RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT input || '.' || pg_temp.mac(input, hash, k) $$;
-- a compact token from header and payload JSON text, signed HS256 with the suite key
CREATE FUNCTION pg_temp.jwt(header text, payload text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_temp.sign(pg_temp.b64(header) || '.' || pg_temp.b64(payload)) $$;
-- the same, the header given as raw bytes
CREATE FUNCTION pg_temp.jwt_rawh(header bytea, payload text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_temp.sign(pg_temp.b64b(header) || '.' || pg_temp.b64(payload)) $$;
-- ... and the payload given as raw bytes
CREATE FUNCTION pg_temp.jwt_rawp(header text, payload bytea) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_temp.sign(pg_temp.b64(header) || '.' || pg_temp.b64b(payload)) $$;
-- a segment whose last character has its unused low bits set: a lenient
-- decoder gives the same bytes, a strict one refuses it
CREATE FUNCTION pg_temp.dirty(seg text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$
    SELECT left(seg, -1) || substr(a, ((strpos(a, right(seg, 1)) - 1) | 1) + 1, 1)
    FROM (VALUES ('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')) v(a)
$$;
-- the last segment, and everything before it
CREATE FUNCTION pg_temp.last_seg(t text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT substring(t FROM '[^.]*$') $$;
CREATE FUNCTION pg_temp.before_last(t text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT left(t, length(t) - length(substring(t FROM '[^.]*$')) - 1) $$;

-- header and payload that are fine on their own
\set H '{"alg":"HS256","typ":"JWT"}'
\set P '{"sub":"user-1","exp":4102444800}'

-- the helpers make tokens the extension accepts: a refusal below is the rule's doing
SELECT jwt_auth.jwt_verify(pg_temp.jwt(:'H', :'P'), pg_temp.key()) AS control_hs256;
SELECT jwt_auth.jwt_verify(pg_temp.sign(pg_temp.b64('{"alg":"HS512"}') || '.' || pg_temp.b64(:'P'), 'sha512'),
                           pg_temp.key(), 'HS512') AS control_hs512;
SELECT jwt_auth.jwt_verify(pg_temp.jwt(:'H', '{"aud":["x","api"],"iss":"https://issuer.example"}'),
                           pg_temp.key(), audience => 'api', issuer => 'https://issuer.example') AS control_aud_iss;
-- an alg written with JSON escapes is the same string once unescaped (RFC 8259 section 7)
SELECT jwt_auth.jwt_verify(pg_temp.jwt('{"alg":"HS\u0032\u0035\u0036"}', :'P'), pg_temp.key()) AS control_escaped_alg;
-- the "dirty" segments used below decode, leniently, to the same bytes as the
-- clean ones: the malleability cases are real
SELECT what, jwt_auth.url_decode(pg_temp.dirty(s)) = jwt_auth.url_decode(s) AS lenient_same_bytes,
       pg_temp.dirty(s) <> s AS text_differs
FROM (VALUES ('signature', pg_temp.last_seg(pg_temp.jwt(:'H', :'P'))),
             ('header', pg_temp.b64('{"alg":"HS256","t":12}')),
             ('payload', pg_temp.b64('{"exp":4102444800,"a":12}'))) v(what, s);
-- the '+' and '/' cases below really hold those characters
SELECT strpos(pg_temp.b64('{"alg":"HS256","x":"~~~"}'), '-') > 0 AS has_dash,
       strpos(pg_temp.b64('{"alg":"HS256","x":"??>"}'), '_') > 0 AS has_underscore;

-- big but legal shapes verify: the depth, digit, exponent, size and member-count
-- refusals below come from their limits, not from the shape as such
SELECT what, jwt_auth.jwt_valid(token, pg_temp.key()) AS valid, length(token) AS token_length
FROM (VALUES
    ('payload nested 60 deep', pg_temp.jwt(:'H', '{"exp":4102444800,"x":' || repeat('[', 60) || repeat(']', 60) || '}')),
    ('number of 1000 digits', pg_temp.jwt(:'H', '{"exp":4102444800,"n":1' || repeat('0', 999) || '}')),
    ('number with exponent 1000', pg_temp.jwt(:'H', '{"exp":4102444800,"n":1e1000}')),
    ('12000 distinct claims', pg_temp.jwt(:'H', (SELECT '{' || string_agg(format('"c%s":%s', i, i), ',') || '}' FROM generate_series(1, 12000) i))),
    ('192 KiB token', pg_temp.jwt(:'H', '{"exp":4102444800,"pad":"' || repeat('x', 147000) || '"}'))
) v(what, token);

-- the hostile tokens: label, the words its errdetail must contain, the layer
-- that refuses it (jws: the JOSE rules; claims: the JWT claim rules, after a
-- good signature), and the verification arguments when not the defaults
CREATE TEMP TABLE hostile (
    id serial PRIMARY KEY,
    label text NOT NULL,
    expect text NOT NULL,
    layer text NOT NULL DEFAULT 'jws' CHECK (layer IN ('jws', 'claims')),
    token text,
    alg text NOT NULL DEFAULT 'HS256',
    audience text,
    issuer text
);

-- alg "none" in any spelling is never accepted, signed or not (RFC 8725 section 2.1, CVE-2015-9235)
INSERT INTO hostile (label, expect, token) VALUES
('alg "none", empty signature', 'algorithm does not match',
    pg_temp.b64('{"alg":"none","typ":"JWT"}') || '.' || pg_temp.b64(:'P') || '.'),
('alg "none", valid HMAC signature', 'algorithm does not match', pg_temp.jwt('{"alg":"none"}', :'P')),
('alg "None"', 'algorithm does not match', pg_temp.jwt('{"alg":"None"}', :'P')),
('alg "NONE"', 'algorithm does not match', pg_temp.jwt('{"alg":"NONE"}', :'P')),
('alg "nOnE"', 'algorithm does not match', pg_temp.jwt('{"alg":"nOnE"}', :'P')),
('alg "none", signature segment dropped', 'exactly three segments',
    pg_temp.b64('{"alg":"none"}') || '.' || pg_temp.b64(:'P')),
('alg "none" written with an escape', 'algorithm does not match', pg_temp.jwt('{"alg":"\u006eone"}', :'P')),
('alg empty string', 'algorithm does not match', pg_temp.jwt('{"alg":""}', :'P'));

-- a stripped or zeroed signature does not verify
INSERT INTO hostile (label, expect, token) VALUES
('HS256 header, empty signature', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.'),
('HS256 header, signature of 32 zero bytes', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' || pg_temp.b64b(decode(repeat('00', 32), 'hex')));

-- algorithm confusion: the caller pins the algorithm, the header must equal it
-- case-sensitively, and a public key is no HMAC secret (CVE-2016-10555, CVE-2022-29217)
INSERT INTO hostile (label, expect, token, alg) VALUES
('HS256 signed with the public-key PEM as HMAC secret', 'signature does not match',
    pg_temp.sign(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), 'sha256', pg_temp.pem()), 'HS256'),
('RS256 header, HMAC signature', 'algorithm does not match', pg_temp.jwt('{"alg":"RS256"}', :'P'), 'HS256'),
('ES256 header, r = s = 0 signature (CVE-2022-21449)', 'algorithm does not match',
    pg_temp.b64('{"alg":"ES256"}') || '.' || pg_temp.b64(:'P') || '.' || pg_temp.b64b(decode(repeat('00', 64), 'hex')), 'HS256'),
('HS512 header and signature, verified as HS256', 'algorithm does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS512"}') || '.' || pg_temp.b64(:'P'), 'sha512'), 'HS256'),
('HS384 header and signature, verified as HS256', 'algorithm does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS384"}') || '.' || pg_temp.b64(:'P'), 'sha384'), 'HS256'),
('HS256 header and signature, verified as HS512', 'algorithm does not match', pg_temp.jwt(:'H', :'P'), 'HS512'),
('alg "hs256" lower case', 'algorithm does not match', pg_temp.jwt('{"alg":"hs256"}', :'P'), 'HS256'),
('alg "Hs256" mixed case', 'algorithm does not match', pg_temp.jwt('{"alg":"Hs256"}', :'P'), 'HS256'),
('alg "HS256 " trailing space', 'algorithm does not match', pg_temp.jwt('{"alg":"HS256 "}', :'P'), 'HS256'),
('alg "HS256" with a zero-width space', 'algorithm does not match', pg_temp.jwt('{"alg":"HS256\u200b"}', :'P'), 'HS256'),
('alg in full-width letters', 'algorithm does not match', pg_temp.jwt('{"alg":"ＨＳ256"}', :'P'), 'HS256'),
('alg "HS25" prefix', 'algorithm does not match', pg_temp.jwt('{"alg":"HS25"}', :'P'), 'HS256');

-- alg absent or not a string
INSERT INTO hostile (label, expect, token) VALUES
('alg missing', 'no alg string', pg_temp.jwt('{"typ":"JWT"}', :'P')),
('header is {}', 'no alg string', pg_temp.jwt('{}', :'P')),
('alg a number', 'no alg string', pg_temp.jwt('{"alg":256}', :'P')),
('alg an array', 'no alg string', pg_temp.jwt('{"alg":["HS256"]}', :'P')),
('alg null', 'no alg string', pg_temp.jwt('{"alg":null}', :'P')),
('alg an object', 'no alg string', pg_temp.jwt('{"alg":{"name":"HS256"}}', :'P')),
('alg true', 'no alg string', pg_temp.jwt('{"alg":true}', :'P')),
('alg only in a nested object', 'no alg string', pg_temp.jwt('{"x":{"alg":"HS256"}}', :'P')),
('member "Alg" instead of "alg"', 'no alg string', pg_temp.jwt('{"Alg":"HS256"}', :'P'));

-- duplicate header member names: no parser-differential games (RFC 7515 section 5.2)
INSERT INTO hostile (label, expect, token) VALUES
('header alg twice, HS256 then none', 'repeats a member name', pg_temp.jwt('{"alg":"HS256","alg":"none"}', :'P')),
('header alg twice, none then HS256', 'repeats a member name', pg_temp.jwt('{"alg":"none","alg":"HS256"}', :'P')),
('header alg twice, same value', 'repeats a member name', pg_temp.jwt('{"alg":"HS256","alg":"HS256"}', :'P')),
('header alg and escaped \u0061lg', 'repeats a member name', pg_temp.jwt('{"alg":"HS256","\u0061lg":"none"}', :'P')),
('header fully escaped alg name twice', 'repeats a member name',
    pg_temp.jwt('{"\u0061\u006c\u0067":"none","alg":"HS256"}', :'P')),
('header typ twice', 'repeats a member name', pg_temp.jwt('{"alg":"HS256","typ":"JWT","typ":"JWE"}', :'P')),
('header duplicate inside a nested member', 'repeats a member name',
    pg_temp.jwt('{"alg":"HS256","jwk":{"kty":"oct","k":"AA","k":"BB"}}', :'P'));

-- duplicate claim names, after a good signature
INSERT INTO hostile (label, expect, layer, token) VALUES
('claim sub twice', 'repeats a member name', 'claims', pg_temp.jwt(:'H', '{"sub":"user-1","sub":"admin","exp":4102444800}')),
('claim exp twice, future then past', 'repeats a member name', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"exp":1300819380}')),
('claim exp twice, past then future', 'repeats a member name', 'claims',
    pg_temp.jwt(:'H', '{"exp":1300819380,"exp":4102444800}')),
('claim exp and escaped \u0065xp', 'repeats a member name', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"\u0065xp":1300819380}')),
('claim role twice, reader then admin', 'repeats a member name', 'claims',
    pg_temp.jwt(:'H', '{"role":"reader","exp":4102444800,"role":"admin"}')),
('duplicate inside a nested claim', 'repeats a member name', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"app":{"admin":false,"admin":true}}'));

-- crit: no extension is supported, so any crit is refused, even an empty one (RFC 7515 section 4.1.11)
INSERT INTO hostile (label, expect, token) VALUES
('crit naming a known claim', 'critical extension', pg_temp.jwt('{"alg":"HS256","crit":["exp"],"exp":4102444800}', :'P')),
('crit naming an unknown extension', 'critical extension', pg_temp.jwt('{"alg":"HS256","crit":["x-unknown"],"x-unknown":1}', :'P')),
('crit naming b64', 'critical extension', pg_temp.jwt('{"alg":"HS256","crit":["b64"],"b64":true}', :'P')),
('crit empty array', 'critical extension', pg_temp.jwt('{"alg":"HS256","crit":[]}', :'P')),
('crit a string', 'critical extension', pg_temp.jwt('{"alg":"HS256","crit":"x-unknown"}', :'P')),
('crit null', 'critical extension', pg_temp.jwt('{"alg":"HS256","crit":null}', :'P'));

-- b64 false: an unencoded payload would change what the signature covers (RFC 7797)
INSERT INTO hostile (label, expect, token) VALUES
('b64 false', 'unencoded payload', pg_temp.jwt('{"alg":"HS256","b64":false}', :'P')),
('b64 "false" as a string', 'unencoded payload', pg_temp.jwt('{"alg":"HS256","b64":"false"}', :'P')),
('b64 0', 'unencoded payload', pg_temp.jwt('{"alg":"HS256","b64":0}', :'P')),
('b64 null', 'unencoded payload', pg_temp.jwt('{"alg":"HS256","b64":null}', :'P'));

-- headers of an encrypted token (JWE) are not a signed token's
INSERT INTO hostile (label, expect, token) VALUES
('enc header', 'encrypted token', pg_temp.jwt('{"alg":"HS256","enc":"A256GCM"}', :'P')),
('zip header', 'encrypted token', pg_temp.jwt('{"alg":"HS256","zip":"DEF"}', :'P'));

-- key-pointing headers are never trusted: signed with the attacker's key they fail
-- against the real one (RFC 8725 section 3.10, CVE-2018-0114)
INSERT INTO hostile (label, expect, token) VALUES
('jku to an attacker JWKS', 'signature does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS256","jku":"https://attacker.example/jwks.json"}') || '.' || pg_temp.b64(:'P'), 'sha256', pg_temp.attacker())),
('x5u to an attacker certificate', 'signature does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS256","x5u":"https://attacker.example/cert.pem"}') || '.' || pg_temp.b64(:'P'), 'sha256', pg_temp.attacker())),
('embedded jwk holding the attacker oct key', 'signature does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS256","jwk":{"kty":"oct","k":"' || pg_temp.b64(pg_temp.attacker()) || '"}}') || '.' || pg_temp.b64(:'P'), 'sha256', pg_temp.attacker())),
('embedded jwk holding an RSA public key', 'signature does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS256","jwk":{"kty":"RSA","e":"AQAB","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw"}}') || '.' || pg_temp.b64(:'P'), 'sha256', pg_temp.attacker())),
('x5c holding an attacker certificate', 'signature does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS256","x5c":["MIIBattackerCertificate"]}') || '.' || pg_temp.b64(:'P'), 'sha256', pg_temp.attacker())),
('kid path traversal, signed with an empty key', 'signature does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS256","kid":"../../../../../../dev/null"}') || '.' || pg_temp.b64(:'P'), 'sha256', '')),
('kid SQL injection, signed with the injected key', 'signature does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS256","kid":"x'' UNION SELECT ''attacker"}') || '.' || pg_temp.b64(:'P'), 'sha256', 'attacker')),
('kid naming no stored key, attacker signature', 'signature does not match',
    pg_temp.sign(pg_temp.b64('{"alg":"HS256","kid":"no-such-key"}') || '.' || pg_temp.b64(:'P'), 'sha256', pg_temp.attacker()));

-- exactly three segments
INSERT INTO hostile (label, expect, token) VALUES
('empty string', 'exactly three segments', ''),
('one segment', 'exactly three segments', pg_temp.b64(:'H')),
('two segments, no signature', 'exactly three segments', pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P')),
('two segments, header signed without payload', 'exactly three segments', pg_temp.sign(pg_temp.b64(:'H'))),
('four segments, last one a valid signature', 'exactly three segments', pg_temp.sign(pg_temp.jwt(:'H', :'P'))),
('four segments, empty fourth', 'exactly three segments', pg_temp.jwt(:'H', :'P') || '.'),
('five segments, JWE compact form', 'exactly three segments',
    pg_temp.b64('{"alg":"dir","enc":"A256GCM"}') || '..' || pg_temp.b64('iv-iv-iv-iv') || '.' || pg_temp.b64('ciphertext') || '.' || pg_temp.b64('tag-tag-tag-tag')),
('leading dot', 'exactly three segments', '.' || pg_temp.jwt(:'H', :'P')),
('four dots only', 'exactly three segments', '....'),
('1000 dots', 'exactly three segments', repeat('.', 1000)),
('dots percent-encoded', 'exactly three segments',
    pg_temp.b64(:'H') || '%2E' || pg_temp.b64(:'P') || '%2E' || pg_temp.mac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'))),
('dots as U+FF0E full-width full stops', 'exactly three segments',
    pg_temp.b64(:'H') || '．' || pg_temp.b64(:'P') || '．' || pg_temp.mac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P')));

-- empty segments
INSERT INTO hostile (label, expect, layer, token) VALUES
('two dots only', 'header is not a JSON object', 'jws', '..'),
('empty header, signed', 'header is not a JSON object', 'jws', pg_temp.sign('.' || pg_temp.b64(:'P'))),
('empty header and payload, signed', 'header is not a JSON object', 'jws', pg_temp.sign('.')),
('empty payload, signed', 'payload is not a JSON object', 'claims', pg_temp.sign(pg_temp.b64(:'H') || '.'));

-- strict base64url: no padding, no '+' or '/', no stray bits; each with a
-- signature over exactly the text as sent
INSERT INTO hostile (label, expect, token) VALUES
('header padded with =', 'not strict base64url', pg_temp.sign(pg_temp.b64('{"alg":"HS256","t":123}') || '=.' || pg_temp.b64(:'P'))),
('header padded with ==', 'not strict base64url', pg_temp.sign(pg_temp.b64('{"alg":"HS256","t":12}') || '==.' || pg_temp.b64(:'P'))),
('signature padded with =', 'not strict base64url', pg_temp.jwt(:'H', :'P') || '='),
('+ for - (standard alphabet)', 'not strict base64url',
    pg_temp.sign(translate(pg_temp.b64('{"alg":"HS256","x":"~~~"}'), '-', '+') || '.' || pg_temp.b64(:'P'))),
('/ for _ (standard alphabet)', 'not strict base64url',
    pg_temp.sign(translate(pg_temp.b64('{"alg":"HS256","x":"??>"}'), '_', '/') || '.' || pg_temp.b64(:'P'))),
('signature in the standard alphabet with padding', 'not strict base64url',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' || encode(hmac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), pg_temp.key(), 'sha256'), 'base64')),
('signature with non-zero trailing bits (malleability)', 'not strict base64url',
    pg_temp.before_last(pg_temp.jwt(:'H', :'P')) || '.' || pg_temp.dirty(pg_temp.last_seg(pg_temp.jwt(:'H', :'P')))),
('header with non-zero trailing bits', 'not strict base64url',
    pg_temp.sign(pg_temp.dirty(pg_temp.b64('{"alg":"HS256","t":12}')) || '.' || pg_temp.b64(:'P'))),
('payload with non-zero trailing bits', 'not strict base64url',
    pg_temp.sign(pg_temp.b64(:'H') || '.' || pg_temp.dirty(pg_temp.b64('{"exp":4102444800,"a":12}')))),
('signature two characters too long (length 1 mod 4)', 'not strict base64url', pg_temp.jwt(:'H', :'P') || 'AA'),
('character outside the alphabet', 'not strict base64url', pg_temp.sign(pg_temp.b64(:'H') || '.*' || pg_temp.b64(:'P'))),
('payload segment holding raw JSON', 'not strict base64url', pg_temp.sign(pg_temp.b64(:'H') || '.' || :'P'));

-- whitespace and invisible characters inside and around the token
INSERT INTO hostile (label, expect, token) VALUES
('leading space, signed as sent', 'not strict base64url', pg_temp.sign(' ' || pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'))),
('trailing newline', 'not strict base64url', pg_temp.jwt(:'H', :'P') || E'\n'),
('trailing space', 'not strict base64url', pg_temp.jwt(:'H', :'P') || ' '),
('"Bearer " prefix left on', 'not strict base64url', 'Bearer ' || pg_temp.jwt(:'H', :'P')),
('newline inside the payload segment, signed as sent', 'not strict base64url',
    pg_temp.sign(pg_temp.b64(:'H') || '.' || left(pg_temp.b64(:'P'), 10) || E'\n' || substr(pg_temp.b64(:'P'), 11))),
('CRLF after a dot, signed as sent', 'not strict base64url', pg_temp.sign(pg_temp.b64(:'H') || E'.\r\n' || pg_temp.b64(:'P'))),
('tab inside the signature', 'not strict base64url',
    pg_temp.before_last(pg_temp.jwt(:'H', :'P')) || '.' || left(pg_temp.last_seg(pg_temp.jwt(:'H', :'P')), 20) || E'\t' || substr(pg_temp.last_seg(pg_temp.jwt(:'H', :'P')), 21)),
('U+FEFF byte order mark before the token', 'not strict base64url', E'\uFEFF' || pg_temp.jwt(:'H', :'P')),
('U+00A0 no-break space inside the header segment, signed as sent', 'not strict base64url',
    pg_temp.sign(left(pg_temp.b64(:'H'), 8) || E'\u00A0' || substr(pg_temp.b64(:'H'), 9) || '.' || pg_temp.b64(:'P')));

-- the header must be one JSON object, strict RFC 8259
INSERT INTO hostile (label, expect, token) VALUES
('BOM before the header JSON', 'header is not a JSON object', pg_temp.jwt_rawh('\xefbbbf'::bytea || convert_to(:'H', 'UTF8'), :'P')),
('header is an array', 'header is not a JSON object', pg_temp.jwt('["alg","HS256"]', :'P')),
('header is a string', 'header is not a JSON object', pg_temp.jwt('"HS256"', :'P')),
('header is a number', 'header is not a JSON object', pg_temp.jwt('256', :'P')),
('header is null', 'header is not a JSON object', pg_temp.jwt('null', :'P')),
('header is true', 'header is not a JSON object', pg_temp.jwt('true', :'P')),
('header is not JSON', 'header is not a JSON object', pg_temp.jwt('alg=HS256', :'P')),
('header with trailing garbage', 'header is not a JSON object', pg_temp.jwt('{"alg":"HS256"}x', :'P')),
('header is two objects', 'header is not a JSON object', pg_temp.jwt('{"alg":"HS256"}{"alg":"none"}', :'P')),
('header in single quotes', 'header is not a JSON object', pg_temp.jwt('{''alg'':''HS256''}', :'P')),
('header with a trailing comma', 'header is not a JSON object', pg_temp.jwt('{"alg":"HS256",}', :'P')),
('header with a comment', 'header is not a JSON object', pg_temp.jwt('{"alg":"HS256"/*,"alg":"none"*/}', :'P')),
('header with an unquoted name', 'header is not a JSON object', pg_temp.jwt('{alg:"HS256"}', :'P')),
('header JSON followed by a NUL byte', 'header is not a JSON object',
    pg_temp.jwt_rawh(convert_to('{"alg":"HS256"}', 'UTF8') || '\x00'::bytea, :'P')),
('header with U+00A0 as whitespace', 'header is not a JSON object', pg_temp.jwt(E'{\u00A0"alg":"HS256"}', :'P')),
('header truncated', 'header is not a JSON object', pg_temp.jwt('{"alg":"HS256"', :'P')),
('header nested 100 deep', 'header is not a JSON object',
    pg_temp.jwt('{"alg":"HS256","x":' || repeat('[', 100) || repeat(']', 100) || '}', :'P'));

-- the header must be valid UTF-8 without NUL or unpaired surrogates
INSERT INTO hostile (label, expect, token) VALUES
('header overlong UTF-8 for /', 'header is not a JSON object',
    pg_temp.jwt_rawh(convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xc0af'::bytea || convert_to('"}', 'UTF8'), :'P')),
('header UTF-8 surrogate bytes', 'header is not a JSON object',
    pg_temp.jwt_rawh(convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xeda080'::bytea || convert_to('"}', 'UTF8'), :'P')),
('header byte 0xFF', 'header is not a JSON object',
    pg_temp.jwt_rawh(convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xff'::bytea || convert_to('"}', 'UTF8'), :'P')),
('header truncated UTF-8 sequence', 'header is not a JSON object',
    pg_temp.jwt_rawh(convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xe282'::bytea || convert_to('"}', 'UTF8'), :'P')),
('header code point above U+10FFFF', 'header is not a JSON object',
    pg_temp.jwt_rawh(convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xf4908080'::bytea || convert_to('"}', 'UTF8'), :'P')),
('header raw control character in a string', 'header is not a JSON object',
    pg_temp.jwt_rawh(convert_to('{"alg":"HS256","x":"', 'UTF8') || '\x01'::bytea || convert_to('"}', 'UTF8'), :'P')),
('header alg "HS256\u0000"', 'header is not a JSON object', pg_temp.jwt('{"alg":"HS256\u0000"}', :'P')),
('header lone surrogate escape', 'header is not a JSON object', pg_temp.jwt('{"alg":"HS256","x":"\ud800"}', :'P'));

-- the payload must be one JSON object in valid UTF-8 (checked after the signature)
INSERT INTO hostile (label, expect, layer, token) VALUES
('payload overlong UTF-8 for "', 'payload is not a JSON object', 'claims',
    pg_temp.jwt_rawp(:'H', convert_to('{"exp":4102444800,"x":"', 'UTF8') || '\xc0a2'::bytea || convert_to('"}', 'UTF8'))),
('payload UTF-8 surrogate bytes', 'payload is not a JSON object', 'claims',
    pg_temp.jwt_rawp(:'H', convert_to('{"exp":4102444800,"x":"', 'UTF8') || '\xedb080'::bytea || convert_to('"}', 'UTF8'))),
('payload byte 0xFF', 'payload is not a JSON object', 'claims',
    pg_temp.jwt_rawp(:'H', convert_to('{"exp":4102444800,"x":"', 'UTF8') || '\xff'::bytea || convert_to('"}', 'UTF8'))),
('payload five-byte UTF-8 form', 'payload is not a JSON object', 'claims',
    pg_temp.jwt_rawp(:'H', convert_to('{"exp":4102444800,"x":"', 'UTF8') || '\xf888808080'::bytea || convert_to('"}', 'UTF8'))),
('payload Latin-1 byte', 'payload is not a JSON object', 'claims',
    pg_temp.jwt_rawp(:'H', convert_to('{"exp":4102444800,"name":"', 'UTF8') || '\xe9'::bytea || convert_to('"}', 'UTF8'))),
('payload \u0000 in a claim', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"sub":"admin\u0000user-1","exp":4102444800}')),
('payload \u0000 in a claim name', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"role\u0000":"admin","exp":4102444800}')),
('payload lone high surrogate escape', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"sub":"\ud83d","exp":4102444800}')),
('payload lone low surrogate escape', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"sub":"\ude00","exp":4102444800}')),
('payload high surrogate escape then a letter', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"sub":"\ud83d\u0041","exp":4102444800}')),
('payload nested 100 deep', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"x":' || repeat('[', 100) || repeat(']', 100) || '}')),
('payload 150000 unclosed brackets', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"x":' || repeat('[', 150000))),
('payload is an array', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', '[{"exp":4102444800}]')),
('payload is a string', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', '"user-1"')),
('payload is a number', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', '4102444800')),
('payload is null', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', 'null')),
('payload is false', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', 'false')),
('payload is not JSON at all', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', 'sub=admin&exp=4102444800')),
('payload with a BOM', 'payload is not a JSON object', 'claims',
    pg_temp.jwt_rawp(:'H', '\xefbbbf'::bytea || convert_to(:'P', 'UTF8'))),
('payload is a nested JWT (cty JWT)', 'payload is not a JSON object', 'claims',
    pg_temp.sign(pg_temp.b64('{"alg":"HS256","cty":"JWT"}') || '.' || pg_temp.b64(pg_temp.jwt(:'H', :'P')))),
('payload JSON followed by a NUL byte', 'payload is not a JSON object', 'claims',
    pg_temp.jwt_rawp(:'H', convert_to(:'P', 'UTF8') || '\x00'::bytea || convert_to(',"role":"admin"}', 'UTF8'))),
('payload with a form feed as whitespace', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', E'{\f"exp":4102444800}')),
('payload is two objects', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800}{"role":"admin"}')),
('payload with NaN', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', '{"exp":NaN}')),
('payload with Infinity', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', '{"exp":Infinity}')),
('payload with a hex number', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', '{"exp":0x7fffffff}')),
('payload with a leading zero', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', '{"exp":04102444800}')),
('payload with a leading +', 'payload is not a JSON object', 'claims', pg_temp.jwt(:'H', '{"exp":+4102444800}')),
('payload number of 1001 digits', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"n":1' || repeat('0', 1000) || '}')),
('payload number with exponent 1001', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"n":1e1001}')),
('payload number with exponent -99999999999', 'payload is not a JSON object', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"n":1e-99999999999}'));

-- exp, nbf and iat must be finite JSON numbers
INSERT INTO hostile (label, expect, layer, token) VALUES
('exp a string', 'wrong type (claim "exp")', 'claims', pg_temp.jwt(:'H', '{"exp":"4102444800"}')),
('exp null', 'wrong type (claim "exp")', 'claims', pg_temp.jwt(:'H', '{"exp":null}')),
('exp true', 'wrong type (claim "exp")', 'claims', pg_temp.jwt(:'H', '{"exp":true}')),
('exp an array', 'wrong type (claim "exp")', 'claims', pg_temp.jwt(:'H', '{"exp":[4102444800]}')),
('exp an object', 'wrong type (claim "exp")', 'claims', pg_temp.jwt(:'H', '{"exp":{"$date":4102444800}}')),
('exp 1e999 (infinite as a double)', 'wrong type (claim "exp")', 'claims', pg_temp.jwt(:'H', '{"exp":1e999}')),
('exp 1e1000', 'wrong type (claim "exp")', 'claims', pg_temp.jwt(:'H', '{"exp":1e1000}')),
('exp -1e999', 'wrong type (claim "exp")', 'claims', pg_temp.jwt(:'H', '{"exp":-1e999}')),
('exp an integer of 1000 digits', 'wrong type (claim "exp")', 'claims',
    pg_temp.jwt(:'H', '{"exp":1' || repeat('9', 999) || '}')),
('nbf a string', 'wrong type (claim "nbf")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"nbf":"0"}')),
('nbf null', 'wrong type (claim "nbf")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"nbf":null}')),
('nbf -1e999', 'wrong type (claim "nbf")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"nbf":-1e999}')),
('iat false', 'wrong type (claim "iat")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"iat":false}')),
('iat a string', 'wrong type (claim "iat")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"iat":"2011-03-22"}')),
('iat 1e999', 'wrong type (claim "iat")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"iat":1e999}'));

-- time claims against the statement's clock (fixed dates: 2011 and 2100)
INSERT INTO hostile (label, expect, layer, token) VALUES
('exp in 2011', 'has expired', 'claims', pg_temp.jwt(:'H', '{"sub":"user-1","exp":1300819380}')),
('exp 0', 'has expired', 'claims', pg_temp.jwt(:'H', '{"exp":0}')),
('exp -0', 'has expired', 'claims', pg_temp.jwt(:'H', '{"exp":-0}')),
('exp negative', 'has expired', 'claims', pg_temp.jwt(:'H', '{"exp":-1e300}')),
('exp in 2011 with a fraction', 'has expired', 'claims', pg_temp.jwt(:'H', '{"exp":1300819380.999}')),
('nbf in 2100', 'not valid yet', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"nbf":4102444800}')),
('nbf 1e300', 'not valid yet', 'claims', pg_temp.jwt(:'H', '{"nbf":1e300}')),
('iat in 2100', 'issued in the future', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"iat":4102444800}'));

-- aud: a string or an array of strings, one of which the caller expects; a token
-- with an audience is refused when the caller expects none (RFC 7519 section 4.1.3)
INSERT INTO hostile (label, expect, layer, token, audience) VALUES
('aud a number', 'wrong type (claim "aud")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":1}'), 'api'),
('aud an object', 'wrong type (claim "aud")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":{"api":true}}'), 'api'),
('aud an array holding a number', 'wrong type (claim "aud")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":["api",1]}'), 'api'),
('aud an array holding an array', 'wrong type (claim "aud")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":[["api"]]}'), 'api'),
('aud null', 'wrong type (claim "aud")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":null}'), 'api'),
('aud true', 'wrong type (claim "aud")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":true}'), 'api'),
('aud another audience', 'audience does not match', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":"billing"}'), 'api'),
('aud array without the expected one', 'audience does not match', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":["billing","admin"]}'), 'api'),
('aud empty array', 'audience does not match', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":[]}'), 'api'),
('aud differs in case', 'audience does not match', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":"API"}'), 'api'),
('aud with a trailing space', 'audience does not match', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":"api "}'), 'api'),
('aud a prefix of the expected one', 'audience does not match', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":"ap"}'), 'api'),
('aud missing, an audience expected', 'no aud claim', 'claims', pg_temp.jwt(:'H', :'P'), 'api'),
('aud present, no audience expected', 'audience does not match', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":"api"}'), NULL),
('aud array present, no audience expected', 'audience does not match', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"aud":["api"]}'), NULL);

-- iss must equal the expected issuer; iss, sub and jti must be strings
INSERT INTO hostile (label, expect, layer, token, issuer) VALUES
('iss another issuer', 'issuer does not match', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"iss":"https://attacker.example"}'), 'https://issuer.example'),
('iss the expected one with a suffix', 'issuer does not match', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"iss":"https://issuer.example.attacker.example"}'), 'https://issuer.example'),
('iss differs in case', 'issuer does not match', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"iss":"https://ISSUER.example"}'), 'https://issuer.example'),
('iss missing, an issuer expected', 'issuer does not match', 'claims', pg_temp.jwt(:'H', :'P'), 'https://issuer.example'),
('iss a number', 'wrong type (claim "iss")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"iss":1}'), 'https://issuer.example'),
('iss an array holding the expected one', 'wrong type (claim "iss")', 'claims',
    pg_temp.jwt(:'H', '{"exp":4102444800,"iss":["https://issuer.example"]}'), 'https://issuer.example'),
('sub a number', 'wrong type (claim "sub")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"sub":1}'), NULL),
('jti an object', 'wrong type (claim "jti")', 'claims', pg_temp.jwt(:'H', '{"exp":4102444800,"jti":{"id":1}}'), NULL);

-- size: tokens over 256 KiB are refused before any parsing; big but legal
-- shapes are parsed and refused for their rule
INSERT INTO hostile (label, expect, layer, token) VALUES
('oversized token with a valid signature', 'size limit', 'jws',
    pg_temp.jwt(:'H', '{"sub":"user-1","exp":4102444800,"pad":"' || repeat('x', 200000) || '"}')),
('256 KiB + 1 of one character', 'size limit', 'jws', repeat('A', 262145)),
('256 KiB of one character (at the limit)', 'exactly three segments', 'jws', repeat('A', 262144)),
('300000 dots', 'size limit', 'jws', repeat('.', 300000)),
('12000 claims, the last repeating the first', 'repeats a member name', 'claims',
    pg_temp.jwt(:'H', (SELECT '{' || string_agg(format('"c%s":%s', i, i), ',') || ',"c1":0}' FROM generate_series(1, 12000) i))),
('12000 claims, expired', 'has expired', 'claims',
    pg_temp.jwt(:'H', (SELECT '{' || string_agg(format('"c%s":%s', i, i), ',') || ',"exp":1300819380}' FROM generate_series(1, 12000) i))),
('12000 header members, one repeated', 'repeats a member name', 'jws',
    pg_temp.jwt((SELECT '{"alg":"HS256",' || string_agg(format('"h%s":%s', i, i), ',') || ',"h12000":0}' FROM generate_series(1, 12000) i), :'P'));

-- signatures that are not the HMAC of this header and payload under this key
INSERT INTO hostile (label, expect, token) VALUES
('signature truncated to 31 bytes', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' ||
    pg_temp.b64b(substring(hmac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), pg_temp.key(), 'sha256') FROM 1 FOR 31))),
('signature truncated to 16 bytes', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' ||
    pg_temp.b64b(substring(hmac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), pg_temp.key(), 'sha256') FROM 1 FOR 16))),
('signature truncated to 1 byte', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' ||
    pg_temp.b64b(substring(hmac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), pg_temp.key(), 'sha256') FROM 1 FOR 1))),
('signature doubled', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' ||
    pg_temp.b64b(hmac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), pg_temp.key(), 'sha256') ||
                 hmac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), pg_temp.key(), 'sha256'))),
('signature with one character appended (33 bytes)', 'signature does not match', pg_temp.jwt(:'H', :'P') || 'A'),
('signature with a zero byte appended', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' ||
    pg_temp.b64b(hmac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), pg_temp.key(), 'sha256') || '\x00'::bytea)),
('signature with one bit flipped', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' ||
    pg_temp.b64b(set_bit(hmac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), pg_temp.key(), 'sha256'), 255,
                         1 - get_bit(hmac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), pg_temp.key(), 'sha256'), 255)))),
('HS512 signature under an HS256 header', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' || pg_temp.mac(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), 'sha512')),
('signature over a different header', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' || pg_temp.mac(pg_temp.b64('{"alg":"HS256"}') || '.' || pg_temp.b64(:'P'))),
('signature over a different payload (role raised)', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64('{"sub":"user-1","exp":4102444800,"role":"admin"}') || '.' ||
    pg_temp.mac(pg_temp.b64(:'H') || '.' || pg_temp.b64('{"sub":"user-1","exp":4102444800,"role":"reader"}'))),
('signature over the decoded JSON, not the segments', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' || pg_temp.mac(:'H' || '.' || :'P')),
('signature over the payload segment alone', 'signature does not match',
    pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P') || '.' || pg_temp.mac(pg_temp.b64(:'P'))),
('signature by a key one byte different', 'signature does not match',
    pg_temp.sign(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), 'sha256', left(pg_temp.key(), -1) || '9')),
('signature by a prefix of the key', 'signature does not match',
    pg_temp.sign(pg_temp.b64(:'H') || '.' || pg_temp.b64(:'P'), 'sha256', left(pg_temp.key(), 32)));

-- a NULL token is an invalid token, not a NULL answer (pgjwt's hole)
INSERT INTO hostile (label, expect, token) VALUES
('NULL token', 'token is null', NULL);

-- run every case; keep the outcome, never the token
CREATE TEMP TABLE results (
    id int PRIMARY KEY,
    label text,
    sqlstate text,
    message text,
    detail text,
    valid text,
    jws_sqlstate text,
    jws_message text,
    jws_detail text,
    hints text,
    jws_payload boolean,
    signed text
);

DO $$
DECLARE
    r record;
    st text;
    msg text;
    det text;
    v text;
    jst text;
    jmsg text;
    jdet text;
    hint text;
    jhint text;
    jpay boolean;
    sig text;
    payload bytea;
BEGIN
    FOR r IN SELECT * FROM hostile ORDER BY id LOOP
        st := '00000'; msg := NULL; det := NULL; hint := NULL;
        BEGIN
            PERFORM jwt_auth.jwt_verify(r.token, pg_temp.key(), r.alg, r.audience, r.issuer);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                                    det = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
        END;

        BEGIN
            v := coalesce(jwt_auth.jwt_valid(r.token, pg_temp.key(), r.alg, r.audience, r.issuer)::text, 'NULL');
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v = RETURNED_SQLSTATE;
            v := 'raised ' || v;
        END;

        jst := '00000'; jmsg := NULL; jdet := NULL; jhint := NULL; jpay := NULL;
        BEGIN
            payload := jwt_auth.jws_verify(r.token, pg_temp.key(), r.alg);
            jpay := payload IS NOT NULL;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS jst = RETURNED_SQLSTATE, jmsg = MESSAGE_TEXT,
                                    jdet = PG_EXCEPTION_DETAIL, jhint = PG_EXCEPTION_HINT;
        END;

        -- is the last segment the HMAC of everything before the last dot, as
        -- sent, and under which key: the suite's, or one an attacker chose?
        sig := CASE
            WHEN r.token IS NULL OR strpos(r.token, '.') = 0 THEN '-'
            WHEN pg_temp.last_seg(r.token) = pg_temp.mac(pg_temp.before_last(r.token)) THEN 'HS256'
            WHEN pg_temp.last_seg(r.token) = pg_temp.mac(pg_temp.before_last(r.token), 'sha384') THEN 'HS384'
            WHEN pg_temp.last_seg(r.token) = pg_temp.mac(pg_temp.before_last(r.token), 'sha512') THEN 'HS512'
            WHEN pg_temp.last_seg(r.token) = pg_temp.mac(pg_temp.before_last(r.token), 'sha256', pg_temp.attacker()) THEN 'attacker key'
            WHEN pg_temp.last_seg(r.token) = pg_temp.mac(pg_temp.before_last(r.token), 'sha256', pg_temp.pem()) THEN 'PEM as key'
            WHEN pg_temp.last_seg(r.token) = pg_temp.mac(pg_temp.before_last(r.token), 'sha256', '') THEN 'empty key'
            WHEN pg_temp.last_seg(r.token) = pg_temp.mac(pg_temp.before_last(r.token), 'sha256', 'attacker') THEN 'injected key'
            ELSE '-' END;

        INSERT INTO results VALUES (r.id, r.label, st, msg, det, v, jst, jmsg, jdet,
                                   nullif(concat_ws(' ', hint, jhint), ''), jpay, sig);
    END LOOP;
END
$$;

-- one line per case: every one refused with 28000 and its reason; jwt_valid
-- false; jws_verify refusing alike, or returning the payload when only a claim
-- rule refuses; "signed": the last segment is a good HMAC of what precedes it,
-- under the suite key (HS256/HS384/HS512) or a key an attacker chose
SELECT r.label, r.sqlstate, r.detail, r.valid,
       CASE WHEN r.jws_payload THEN 'payload returned'
            WHEN r.jws_sqlstate = '00000' THEN 'NULL'
            WHEN r.jws_sqlstate = r.sqlstate AND r.jws_detail = r.detail THEN 'same refusal'
            ELSE 'other: ' || r.jws_sqlstate || ' ' || coalesce(r.jws_detail, '') END AS jws_verify,
       r.signed
FROM results r ORDER BY r.id;

-- no case is accepted or refused with another SQLSTATE
SELECT label, sqlstate, message FROM results WHERE sqlstate IS DISTINCT FROM '28000' ORDER BY id;

-- each refusal names the rule the case was built to break
SELECT r.label, h.expect, r.detail FROM results r JOIN hostile h USING (id)
WHERE strpos(coalesce(r.detail, ''), h.expect) = 0 ORDER BY id;

-- the message is the same for every bad token
SELECT DISTINCT message FROM results;

-- jwt_valid answers false for every case: never true, NULL or an error
SELECT label, valid FROM results WHERE valid <> 'false' ORDER BY id;

-- jws_verify refuses every case that breaks a JOSE rule, for the same reason (a
-- NULL token gets NULL from the STRICT function), and returns the payload for
-- every case that only a claim rule refuses
SELECT r.label, h.layer, r.jws_sqlstate, r.jws_detail, r.jws_payload
FROM results r JOIN hostile h USING (id)
WHERE CASE
    WHEN h.token IS NULL THEN r.jws_sqlstate <> '00000' OR r.jws_payload
    WHEN h.layer = 'jws' THEN r.jws_sqlstate <> r.sqlstate OR r.jws_detail IS DISTINCT FROM r.detail
    ELSE r.jws_payload IS NOT TRUE END
ORDER BY id;

-- every case refused by a claim rule carries a valid signature
SELECT r.label FROM results r JOIN hostile h USING (id)
WHERE h.layer = 'claims' AND r.signed <> 'HS256' ORDER BY id;

-- no message, detail or hint echoes the key, the token, or any long piece of it
SELECT r.label FROM results r JOIN hostile h USING (id)
WHERE EXISTS (
    SELECT 1
    FROM unnest(ARRAY[r.message, r.detail, r.jws_message, r.jws_detail, r.hints]) m(t)
    WHERE m.t IS NOT NULL AND (
        strpos(m.t, pg_temp.key()) > 0 OR strpos(m.t, left(pg_temp.key(), 16)) > 0 OR
        (length(h.token) > 0 AND strpos(m.t, h.token) > 0) OR
        EXISTS (SELECT 1 FROM regexp_split_to_table(h.token, '\.') s(seg)
                WHERE length(s.seg) >= 8 AND strpos(m.t, s.seg) > 0)))
ORDER BY r.id;

--
-- bad keys and algorithms are the caller's error (22023 / 22004), refused
-- before the token is read, and never echoed
--
CREATE TEMP TABLE bad_args (id serial, label text, key text, alg text);
INSERT INTO bad_args (label, key, alg) VALUES
('public-key PEM as the HMAC secret (alg confusion)', pg_temp.pem(), 'HS256'),
('public-key PEM with leading whitespace', E'\n  ' || pg_temp.pem(), 'HS256'),
('JWK text as the HMAC secret', '{"kty":"RSA","e":"AQAB","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1"}', 'HS256'),
('OpenSSH public key as the HMAC secret', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostileSuiteNotARealKeyButLongEnough host', 'HS256'),
('HMAC key shorter than the hash', 'sixteen-byte-key', 'HS256'),
('suite key too short for HS512', left(pg_temp.key(), 63), 'HS512'),
('alg argument "none"', pg_temp.key(), 'none'),
('alg argument "hs256"', pg_temp.key(), 'hs256'),
('alg argument "RS256"', pg_temp.key(), 'RS256'),
('alg argument empty', pg_temp.key(), ''),
('NULL key', NULL, 'HS256'),
('NULL alg', pg_temp.key(), NULL);

CREATE TEMP TABLE bad_arg_results (id int, label text, sqlstate text, message text, detail text, valid_state text);
DO $$
DECLARE
    r record;
    tok text := pg_temp.sign(pg_temp.b64('{"alg":"HS256","typ":"JWT"}') || '.' || pg_temp.b64('{"sub":"user-1","exp":4102444800}'),
                             'sha256', pg_temp.pem());
    st text;
    msg text;
    det text;
    hint text;
    vst text;
BEGIN
    FOR r IN SELECT * FROM bad_args ORDER BY id LOOP
        st := '00000'; msg := NULL; det := NULL; hint := NULL;
        BEGIN
            PERFORM jwt_auth.jwt_verify(tok, r.key, r.alg);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                                    det = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
        END;
        vst := 'returned';
        BEGIN
            PERFORM jwt_auth.jwt_valid(tok, r.key, r.alg);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS vst = RETURNED_SQLSTATE;
        END;
        -- the pass/fail of the leak check, not the key
        IF strpos(concat_ws(' ', msg, det, hint), r.key) > 0
           OR strpos(concat_ws(' ', msg, det, hint), tok) > 0
           OR strpos(concat_ws(' ', msg, det, hint), pg_temp.last_seg(tok)) > 0 THEN
            msg := 'LEAK: ' || r.label;
            det := 'LEAK';
        END IF;
        INSERT INTO bad_arg_results VALUES (r.id, r.label, st, msg, det, vst);
    END LOOP;
END
$$;
-- jwt_valid raises the same argument error: a bad key is not a bad token
SELECT label, sqlstate, message, detail, valid_state = sqlstate AS valid_raises_alike
FROM bad_arg_results ORDER BY id;

-- the backend is still alive
SELECT 1 AS backend_alive;

-- summary
SELECT count(*) FILTER (WHERE sqlstate = '28000') AS refused_28000,
       count(*) FILTER (WHERE valid = 'false') AS valid_false,
       count(*) FILTER (WHERE signed LIKE 'HS%') AS signed_with_suite_key,
       count(*) FILTER (WHERE signed <> '-' AND signed NOT LIKE 'HS%') AS signed_with_attacker_key,
       count(*) AS cases
FROM results;
