--
-- Registered claims: exp, nbf and iat against the statement time with leeway,
-- their types, aud against the expected audience, iss against the expected
-- issuer, and the settings that supply the defaults
--
-- Fixed times: 1300819380 is 2011-03-22, 4102444800 is 2100-01-01. Tests that
-- need a time close to now compute it from statement_timestamp() (the clock
-- jwt_verify reads) and print only a boolean or an error.
--
\set k 'abcdefghijklmnopqrstuvwxyz012345'

-- a setting made before the library is loaded takes effect once it is
SET jwt_auth.leeway = '45s';
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"sub":"u"}', :'k'), :'k') AS loaded;
SHOW jwt_auth.leeway;
-- the defaults: 30 seconds of leeway, no audience, no issuer
RESET jwt_auth.leeway;
SHOW jwt_auth.leeway;
SHOW jwt_auth.audience;
SHOW jwt_auth.issuer;

--
-- exp
--

-- a token that expired in 2011 is rejected with its reason
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"u","exp":1300819380}', :'k'), :'k');
\echo :LAST_ERROR_SQLSTATE
-- a token expiring in 2100 is accepted
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"u","exp":4102444800}', :'k'), :'k') AS claims;
-- a leeway of a hundred years accepts the 2011 token
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"u","exp":1300819380}', :'k'), :'k', leeway => '100 years') AS claims;
-- a fractional exp is a number like any other
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"exp":4102444800.5}', :'k'), :'k') AS fractional_future,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"exp":1300819380.5}', :'k'), :'k') AS fractional_past,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"exp":4.1024448e9}', :'k'), :'k') AS exponent_future,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"exp":0}', :'k'), :'k') AS epoch,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"exp":-1}', :'k'), :'k') AS negative;

--
-- nbf
--

-- a token not valid before 2100 is rejected with its reason
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"u","nbf":4102444800}', :'k'), :'k');
\echo :LAST_ERROR_SQLSTATE
-- one valid since 2011 is accepted
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"u","nbf":1300819380}', :'k'), :'k') AS claims;
-- the leeway applies to nbf too
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"sub":"u","nbf":4102444800}', :'k'), :'k', leeway => '100 years') AS nbf_with_leeway;

--
-- iat
--

-- a token issued in 2100 is rejected with its reason
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"u","iat":4102444800}', :'k'), :'k');
\echo :LAST_ERROR_SQLSTATE
-- one issued in 2011 is accepted (iat sets no maximum age)
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"u","iat":1300819380}', :'k'), :'k') AS claims;
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"sub":"u","iat":4102444800}', :'k'), :'k', leeway => '100 years') AS iat_with_leeway;

-- all three in the window at once
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"iat":1300819380,"nbf":1300819380,"exp":4102444800}', :'k'), :'k') AS claims;

--
-- time claims must be finite JSON numbers
--
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":"4102444800"}', :'k'), :'k');
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":null}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":true}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":[4102444800]}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":{"t":4102444800}}', :'k'), :'k');
-- a number too large for a double is not a time
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":1e999}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":-1e999}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"nbf":"1300819380"}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"nbf":false}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"iat":"1300819380"}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"iat":null}', :'k'), :'k');
-- a leeway does not excuse a wrong type, and jwt_valid says false
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":"4102444800"}', :'k'), :'k', leeway => '100 years');
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"exp":"4102444800"}', :'k'), :'k') AS string_exp_valid,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"nbf":null}', :'k'), :'k') AS null_nbf_valid,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"iat":true}', :'k'), :'k') AS bool_iat_valid;

--
-- the leeway argument and the jwt_auth.leeway setting, near the statement time
--
-- exp a minute ago, nbf and iat a minute ahead, and ten seconds either way
CREATE TEMP VIEW near AS
SELECT name, jwt_auth.jwt_sign(jsonb_build_object(claim, extract(epoch FROM statement_timestamp()) + delta), :'k') AS t
FROM (VALUES ('exp -60s', 'exp', -60), ('exp -10s', 'exp', -10), ('exp +60s', 'exp', 60),
             ('nbf +60s', 'nbf', 60), ('nbf +10s', 'nbf', 10), ('nbf -60s', 'nbf', -60),
             ('iat +60s', 'iat', 60), ('iat +10s', 'iat', 10), ('iat -60s', 'iat', -60)) v(name, claim, delta);
-- the default leeway (30s) forgives ten seconds, not sixty
SELECT name, jwt_auth.jwt_valid(t, :'k') AS default_leeway,
       jwt_auth.jwt_valid(t, :'k', leeway => '0') AS no_leeway,
       jwt_auth.jwt_valid(t, :'k', leeway => '2 minutes') AS two_minutes
FROM near ORDER BY name;
-- the setting changes the default; the argument still wins over it
SET jwt_auth.leeway = '2min';
SHOW jwt_auth.leeway;
SELECT name, jwt_auth.jwt_valid(t, :'k') AS setting_2min,
       jwt_auth.jwt_valid(t, :'k', leeway => '0') AS argument_0
FROM near ORDER BY name;
SET jwt_auth.leeway = 0;
SELECT name, jwt_auth.jwt_valid(t, :'k') AS setting_0,
       jwt_auth.jwt_valid(t, :'k', leeway => '30 seconds') AS argument_30s
FROM near ORDER BY name;
-- the error names the claim
SELECT jwt_auth.jwt_verify(t, :'k') FROM near WHERE name = 'exp -10s';
SELECT jwt_auth.jwt_verify(t, :'k') FROM near WHERE name = 'nbf +10s';
SELECT jwt_auth.jwt_verify(t, :'k') FROM near WHERE name = 'iat +10s';
RESET jwt_auth.leeway;
-- the setting is bounded: at most an hour, never negative
SET jwt_auth.leeway = 3601;
SET jwt_auth.leeway = -1;
-- a negative leeway argument is refused
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"sub":"u"}', :'k'), :'k', leeway => '-1 second');
\echo :LAST_ERROR_SQLSTATE
DROP VIEW near;

--
-- aud
--
CREATE TEMP TABLE aud_tokens AS
SELECT name, jwt_auth.jwt_sign(claims, :'k') AS t
FROM (VALUES
    ('string api', '{"sub":"u","aud":"api"}'),
    ('array with api', '{"sub":"u","aud":["web","api"]}'),
    ('string web', '{"sub":"u","aud":"web"}'),
    ('array without api', '{"sub":"u","aud":["web","app"]}'),
    ('escaped api', '{"sub":"u","aud":"\u0061pi"}'),
    ('upper API', '{"sub":"u","aud":"API"}'),
    ('empty array', '{"sub":"u","aud":[]}'),
    ('none', '{"sub":"u"}')) v(name, claims);
-- no audience expected: only a token without aud passes
SELECT name, jwt_auth.jwt_valid(t, :'k') AS no_audience FROM aud_tokens ORDER BY name;
-- audience api: a string equal to it, or an array holding it (case-sensitive)
SELECT name, jwt_auth.jwt_valid(t, :'k', audience => 'api') AS audience_api FROM aud_tokens ORDER BY name;
-- the reasons
SELECT jwt_auth.jwt_verify(t, :'k', audience => 'api') FROM aud_tokens WHERE name = 'string api';
SELECT jwt_auth.jwt_verify(t, :'k', audience => 'api') FROM aud_tokens WHERE name = 'string web';
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_verify(t, :'k', audience => 'api') FROM aud_tokens WHERE name = 'array without api';
-- missing when expected
SELECT jwt_auth.jwt_verify(t, :'k', audience => 'api') FROM aud_tokens WHERE name = 'none';
-- present when none is expected
SELECT jwt_auth.jwt_verify(t, :'k') FROM aud_tokens WHERE name = 'string api';
SELECT jwt_auth.jwt_verify(t, :'k') FROM aud_tokens WHERE name = 'array with api';
-- aud must be a string or an array of strings
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"aud":42}', :'k'), :'k', audience => '42');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"aud":["api",1]}', :'k'), :'k', audience => 'api');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"aud":null}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"aud":{"api":true}}', :'k'), :'k', audience => 'api');
-- the jwt_auth.audience setting is the default; the argument wins over it
SET jwt_auth.audience = 'api';
SELECT name, jwt_auth.jwt_valid(t, :'k') AS setting_api,
       jwt_auth.jwt_valid(t, :'k', audience => 'web') AS argument_web
FROM aud_tokens ORDER BY name;
SELECT jwt_auth.jwt_verify(t, :'k') FROM aud_tokens WHERE name = 'none';
-- a null argument means the setting
SELECT jwt_auth.jwt_valid(t, :'k', audience => NULL) AS null_argument FROM aud_tokens WHERE name = 'string api';
RESET jwt_auth.audience;
SELECT jwt_auth.jwt_valid(t, :'k') AS after_reset FROM aud_tokens WHERE name = 'string api';
DROP TABLE aud_tokens;

--
-- iss
--
CREATE TEMP TABLE iss_tokens AS
SELECT name, jwt_auth.jwt_sign(claims, :'k') AS t
FROM (VALUES
    ('ours', '{"sub":"u","iss":"https://auth.example.com"}'),
    ('theirs', '{"sub":"u","iss":"https://evil.example.com"}'),
    ('trailing slash', '{"sub":"u","iss":"https://auth.example.com/"}'),
    ('none', '{"sub":"u"}')) v(name, claims);
-- no issuer expected: iss is not checked
SELECT name, jwt_auth.jwt_valid(t, :'k') AS no_issuer FROM iss_tokens ORDER BY name;
-- an issuer expected: iss must equal it exactly, and be there
SELECT name, jwt_auth.jwt_valid(t, :'k', issuer => 'https://auth.example.com') AS issuer_ours
FROM iss_tokens ORDER BY name;
SELECT jwt_auth.jwt_verify(t, :'k', issuer => 'https://auth.example.com') FROM iss_tokens WHERE name = 'ours';
SELECT jwt_auth.jwt_verify(t, :'k', issuer => 'https://auth.example.com') FROM iss_tokens WHERE name = 'theirs';
\echo :LAST_ERROR_SQLSTATE
SELECT jwt_auth.jwt_verify(t, :'k', issuer => 'https://auth.example.com') FROM iss_tokens WHERE name = 'none';
-- the jwt_auth.issuer setting is the default; the argument wins over it
SET jwt_auth.issuer = 'https://auth.example.com';
SELECT name, jwt_auth.jwt_valid(t, :'k') AS setting_ours,
       jwt_auth.jwt_valid(t, :'k', issuer => 'https://evil.example.com') AS argument_theirs
FROM iss_tokens ORDER BY name;
SELECT jwt_auth.jwt_verify(t, :'k') FROM iss_tokens WHERE name = 'theirs';
RESET jwt_auth.issuer;
SELECT jwt_auth.jwt_valid(t, :'k') AS after_reset FROM iss_tokens WHERE name = 'theirs';
DROP TABLE iss_tokens;
-- audience and issuer together
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"iss":"https://auth.example.com","aud":"api","sub":"u","exp":4102444800}', :'k'),
                           :'k', 'HS256', 'api', 'https://auth.example.com') AS claims;

--
-- iss, sub and jti must be strings when present
--
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"iss":42}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"iss":["https://auth.example.com"]}', :'k'), :'k', issuer => 'https://auth.example.com');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":42}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":null}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"jti":7}', :'k'), :'k');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"jti":{"id":"x"}}', :'k'), :'k');
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign('{"sub":42}', :'k'), :'k') AS numeric_sub_valid;
-- claims that are not registered may have any type
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"role":1,"admin":true,"groups":["a"],"x":null,"o":{"exp":"soon"}}', :'k'), :'k') AS claims;

--
-- one token, several faults: the time claims are judged first
--
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":1300819380,"aud":"web","iss":"x"}', :'k'), :'k',
                           audience => 'api', issuer => 'y');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":4102444800,"aud":"web","iss":"x"}', :'k'), :'k',
                           audience => 'api', issuer => 'y');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"exp":4102444800,"aud":"api","iss":"x"}', :'k'), :'k',
                           audience => 'api', issuer => 'y');

--
-- claims with a repeated name are refused: which one would count?
--
SELECT jwt_auth.jwt_verify(jwt_auth.jws_sign(convert_to('{"sub":"a","exp":1300819380,"exp":4102444800}', 'UTF8'), :'k'), :'k');
SELECT jwt_auth.jwt_valid(jwt_auth.jws_sign(convert_to('{"sub":"a","sub":"admin"}', 'UTF8'), :'k'), :'k') AS duplicate_sub_valid;
