--
-- Key store: generated and imported keys, the lifecycle standby -> active ->
-- retired -> revoked, signing and verifying with the stored keys, rotation,
-- jwks(), algorithm confusion and bad input
--
-- Generated keys are random, so only kids, statuses, algorithms, member
-- names, lengths and booleans are printed: never a token, never key
-- material. The imported keys are fixed: test keys made for this file with
-- openssl (RSA 2048 and P-256 for use, a self-signed certificate of the
-- RSA key, RSA 1024 as too weak, secp256k1 as unsupported) and the example
-- keys of RFC 7515 A.3 (ES256) and RFC 8037 A.1 (Ed25519). The suite starts
-- from an empty store and leaves it empty.
--
TRUNCATE jwt_auth.keys;

CREATE TEMP TABLE test_key (name text PRIMARY KEY, material text NOT NULL);
INSERT INTO test_key VALUES
('rsa', $pem$-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCel4Y5+1+9GAv9
6qMgnIWKx0ARsefFd0JGGe15AK2zfNgG41SYGykK3Ht6Q0OwiKSfBQPRRX0Nw32e
c8sTPyXOV8kSn/MA2le5Z/HIOl+ATg964yLO24PxbdjaK9sN0xAk2MCEzj3RclEe
oXDxX03myr588PiKzxZnV0jQvSlC475NFqyh6WnbPUWXhHyDvuT/TuACJQbZGX/o
dqeqoLKH8fD+ueojoYhVJ4bsbP6XDB/WsUDefz+rTX0YjlcFoHOKIZmnf1voWGgB
+VobztiI1EVGFqXVh1gxceLiG0z6szdrg4bT3fvSbEw+bGFiQMbkmzEj40gZDe6T
FNQR8PRpAgMBAAECggEADYNPb3IS5aWuguWK3gDcM5eX5tIT86w+WEMGDBcB1e7z
qL2WxAmfaQKhnkisNDbmYPrQSRTsy38OXXGUGnkZV3A9LKI2lkpkamK4FCWeJMxx
7vh6yymi38/KaAeP2AkVgXA7Ei3REF83WH7sxNJILNu2WKa/JLOxvt8t8ARIJ1/m
TA84InuV0rDc5bCN5QoRcTV1cYYPybW0cPmKaO9yLWs3a/Nolu3JQAVB34qtV0iz
aMonb2zJ+P3bQYubRzUlmTz3W9AWFI4MLBYuKUfIJnX+/PsQ3TTXt7YpfPps88J+
sgFffilgX3tMdN9eQpHOZYZoGFnVx0x53nVFvze7kQKBgQDMuatDlcI6HUcH9x7a
DZppYFOGghI/3EQZRtP62gg8HB8EK5J96QRaAsA+lzkWZ5XTKXvOD+vNLHxhyGf1
pomBlA+qoAokk1KtPtc2pbtrtoZkC/elh4nsLCalJ/FAf/efDpN9UD6TgPK69G9v
+I/CFe2Dtb5WBQhwMYFeY/3LcQKBgQDGT+4sEjM9sF87QeccsfWhhAqaYF235e3S
vy7SCpzBXBwlSqHDE65EVIvcEzsHmKHzmgaaPx55gJ5J2AESPFCBeeXfeaKv4+m8
qJuV9AwJL2JeZ+NsGEv9syKUX0PJqhYrE3mO+3uUIQJ3jotxm5ElqZf+TJVz8uYW
ogbLXlqMeQKBgBjHMA9SBNv7xykTo8xIcTPn0LQq8gKAqk1U4TsvQGfmD2r1yxkq
JriuNI5exy4LA3s3PiDGlIeUpsk+9DYrHeFtBihkjlW27v7A6FNY48I5qTJasHJ8
YRkQjuzWVMC1vEaoAPndyHUZ2kb+Zq5qqxuWg9S5HnxSx56snzfJamJBAoGBALFp
dIOMzLaVgLy8mot7UWnrfKjbKTyJwJdXXgWeZNo/Exbxi4G/q5mJoY2Czr5e+BO8
ace4TAUa4YDicyLjPop2iQXCBZ8hYEvc80PVjqbw8ynN+xELM4CFr5vZFgXl2esz
gv49UTMVzOU0at958wIklMt1rAaM+PaqgTWS9aLRAoGBAIPEh1+sgTCDOe72SiDi
Zh79cAkXucP6ZRFxlG/SBggqbY5/iXzPLB4SYSkk8xzAxCheSNJ6AOjc7D9LUtSL
jei547xVAeu7xajvFUYCKnzo85xebaQ5K56NpLcTZfxiNicqjmIrlo1POmfIe/sh
v9cELB/c4v51RMSUunumrIIx
-----END PRIVATE KEY-----
$pem$),
('rsa_public', $pem$-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnpeGOftfvRgL/eqjIJyF
isdAEbHnxXdCRhnteQCts3zYBuNUmBspCtx7ekNDsIiknwUD0UV9DcN9nnPLEz8l
zlfJEp/zANpXuWfxyDpfgE4PeuMiztuD8W3Y2ivbDdMQJNjAhM490XJRHqFw8V9N
5sq+fPD4is8WZ1dI0L0pQuO+TRasoelp2z1Fl4R8g77k/07gAiUG2Rl/6HanqqCy
h/Hw/rnqI6GIVSeG7Gz+lwwf1rFA3n8/q019GI5XBaBziiGZp39b6FhoAflaG87Y
iNRFRhal1YdYMXHi4htM+rM3a4OG09370mxMPmxhYkDG5JsxI+NIGQ3ukxTUEfD0
aQIDAQAB
-----END PUBLIC KEY-----
$pem$),
('rsa_cert', $pem$-----BEGIN CERTIFICATE-----
MIIDEzCCAfugAwIBAgIUakL3PAOUlWqQJyPdbxtu9DHkEPwwDQYJKoZIhvcNAQEL
BQAwGDEWMBQGA1UEAwwNand0X2F1dGggdGVzdDAgFw0yNjExMjMxMTU5MjVaGA8y
MTI2MTAzMDExNTkyNVowGDEWMBQGA1UEAwwNand0X2F1dGggdGVzdDCCASIwDQYJ
KoZIhvcNAQEBBQADggEPADCCAQoCggEBAJ6Xhjn7X70YC/3qoyCchYrHQBGx58V3
QkYZ7XkArbN82AbjVJgbKQrce3pDQ7CIpJ8FA9FFfQ3DfZ5zyxM/Jc5XyRKf8wDa
V7ln8cg6X4BOD3rjIs7bg/Ft2Nor2w3TECTYwITOPdFyUR6hcPFfTebKvnzw+IrP
FmdXSNC9KULjvk0WrKHpads9RZeEfIO+5P9O4AIlBtkZf+h2p6qgsofx8P656iOh
iFUnhuxs/pcMH9axQN5/P6tNfRiOVwWgc4ohmad/W+hYaAH5WhvO2IjURUYWpdWH
WDFx4uIbTPqzN2uDhtPd+9JsTD5sYWJAxuSbMSPjSBkN7pMU1BHw9GkCAwEAAaNT
MFEwHQYDVR0OBBYEFPvF/iXmOwEXEWxifs9DE2yWW/ybMB8GA1UdIwQYMBaAFPvF
/iXmOwEXEWxifs9DE2yWW/ybMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEL
BQADggEBAERWbU82oR9mwUKJ0qyVU1b4xYy2wD96fKpKt9yB8+ftJw5JNlV3xXbP
tZPHGmhWl5tmDQvtmBD5Dwv3KrMvdUGyG9QI5AFn1FzddqB3+kuKGvzMzRAekKC7
y4x/NmnHaLiG+exynD/STWilRx22GIXRmnEsn2yMgC3RIheyjt97elA720C4s7Su
OqY+EVlQFLvYtILtl8GArM8c2ExnrY7uUWehgRVhqLeQtFQnZOZBHW0QuRAL2fe4
p2W3F7QFMzgzPcWJoxtybBGOUlqyBKSstNH3gTx+zTVkbqkWBIbeWchpBLDoS4Ky
5p9MNLdG3k1a53frV+veh+O7eySDc/c=
-----END CERTIFICATE-----
$pem$),
('ec', $pem$-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/0cePutLLg93xzuz
49J0tZRZFYlM8v7ajHylom92ORihRANCAAThU7jP3VSdLzT3zGej8wUg4Ud/GsrR
2KrvqRvXfwfHs1Z/KW7Zdup4VrCfw/7tV00c3jevH5HcSzUnKQ1V2Iy+
-----END PRIVATE KEY-----
$pem$),
('ec_public', $pem$-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4VO4z91UnS8098xno/MFIOFHfxrK
0diq76kb138Hx7NWfylu2XbqeFawn8P+7VdNHN43rx+R3Es1JykNVdiMvg==
-----END PUBLIC KEY-----
$pem$),
('rsa1024_public', $pem$-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCi25sWl5QoZ3bfjGroylc809f
kwujQ1scUjtujFINBdVgr5MrsJVZDvOfHBNLj5/W4iueKG1gYXJylTEG3kTAMOSN
bshtQEdWaF5gaUJYHUW8IiSF+oHhES7AWUAX0EWSuqWq3lybLgEtMyGIQ563B8oi
suLmhVuFXRoNyqMpvwIDAQAB
-----END PUBLIC KEY-----
$pem$),
('secp256k1', $pem$-----BEGIN PRIVATE KEY-----
MIGEAgEAMBAGByqGSM49AgEGBSuBBAAKBG0wawIBAQQge07IvYnfQAd6txkTt7+G
6RsR8i6lkKyG7jcCuhkPqf2hRANCAAS0oiLRA4kiqbqg3IJ/5tNoOgPa5D+F+1jW
XFOS4/l6pru6GNzjNeO93zut07Av/di+el1fjpZnHvX+bsHj2GdL
-----END PRIVATE KEY-----
$pem$),
-- RFC 7515 A.3 (the P-256 key of the ES256 example), with a kid and an alg
('rfc7515_a3', '{"kty":"EC","crv":"P-256","kid":"rfc7515-a3","alg":"ES256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}'),
('rfc7515_a3_public', '{"kty":"EC","crv":"P-256","kid":"rfc7515-a3-public","alg":"ES256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}'),
-- RFC 8037 A.1 (the Ed25519 key of the EdDSA example), with a kid and an alg
('rfc8037_a1', '{"kty":"OKP","crv":"Ed25519","kid":"rfc8037-a1","alg":"EdDSA","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}');

-- a test key's text
CREATE FUNCTION pg_temp.k(name text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT material FROM test_key WHERE test_key.name = k.name
$$;

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

-- a token's header (decoded, not verified)
CREATE FUNCTION pg_temp.header(token text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT header FROM jwt_auth.jwt_decode(token)
$$;

-- the token with another header, its payload and signature kept
CREATE FUNCTION pg_temp.reheader(token text, header text) RETURNS text LANGUAGE sql AS $$
    SELECT jwt_auth.base64url_encode(convert_to(header, 'UTF8')) || '.' ||
           split_part(token, '.', 2) || '.' || split_part(token, '.', 3)
$$;

-- a token with any header and payload, signed with HMAC-SHA256 by pgcrypto
CREATE FUNCTION pg_temp.handmade(header text, payload text, key text) RETURNS text
LANGUAGE sql AS $$
    SELECT h || '.' || p || '.' || jwt_auth.base64url_encode(hmac(h || '.' || p, key, 'sha256'))
    FROM (SELECT jwt_auth.base64url_encode(convert_to(header, 'UTF8')) AS h,
                 jwt_auth.base64url_encode(convert_to(payload, 'UTF8')) AS p) s
$$;

-- the member names of a JSON object, sorted
CREATE FUNCTION pg_temp.members(o jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(m, ',' ORDER BY m) FROM jsonb_object_keys(o) m
$$;

\set claims '{"sub":"user-1","exp":4102444800}'

--
-- An empty store: nothing signs, nothing verifies, the JWK set is empty
--
SELECT count(*) AS keys FROM jwt_auth.keys;
SELECT jwt_auth.jwks() AS empty_jwks;
-- no active key: 55000 with a hint that says what to do
SELECT * FROM pg_temp.attempt($$SELECT jwt_auth.jwt_sign('{"sub":"user-1"}'::jsonb)$$);
-- a token with a kid that names no key
SELECT * FROM pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L)',
    jwt_auth.jwt_sign(:'claims', 'abcdefghijklmnopqrstuvwxyz012345', 'HS256', '{"kid":"nobody"}')));

--
-- key_generate for every algorithm. Each new key is active by default and
-- retires the active one; the next jwt_sign (in the same transaction too)
-- signs with it and names it in the header.
--
CREATE FUNCTION pg_temp.generate_and_sign(alg_name text, key_id text,
    OUT kid text, OUT status text, OUT header_alg text, OUT header_kid text,
    OUT verifies boolean, OUT active_keys bigint)
LANGUAGE plpgsql AS $$
DECLARE
    token text;
BEGIN
    kid := jwt_auth.key_generate(alg_name, key_id);
    SELECT k.status INTO status FROM jwt_auth.keys k WHERE k.kid = key_id;
    token := jwt_auth.jwt_sign('{"sub":"user-1","exp":4102444800}'::jsonb);
    header_alg := pg_temp.header(token)->>'alg';
    header_kid := pg_temp.header(token)->>'kid';
    verifies := jwt_auth.jwt_verify(token) = '{"sub":"user-1","exp":4102444800}'::jsonb;
    SELECT count(*) INTO active_keys FROM jwt_auth.keys k WHERE k.status = 'active';
END
$$;
SELECT * FROM pg_temp.generate_and_sign('HS256', 'gen-hs256');
SELECT * FROM pg_temp.generate_and_sign('HS384', 'gen-hs384');
SELECT * FROM pg_temp.generate_and_sign('HS512', 'gen-hs512');
SELECT * FROM pg_temp.generate_and_sign('RS256', 'gen-rs256');
SELECT * FROM pg_temp.generate_and_sign('RS384', 'gen-rs384');
SELECT * FROM pg_temp.generate_and_sign('RS512', 'gen-rs512');
SELECT * FROM pg_temp.generate_and_sign('PS256', 'gen-ps256');
SELECT * FROM pg_temp.generate_and_sign('PS384', 'gen-ps384');
SELECT * FROM pg_temp.generate_and_sign('PS512', 'gen-ps512');
SELECT * FROM pg_temp.generate_and_sign('ES256', 'gen-es256');
SELECT * FROM pg_temp.generate_and_sign('ES384', 'gen-es384');
SELECT * FROM pg_temp.generate_and_sign('ES512', 'gen-es512');
SELECT * FROM pg_temp.generate_and_sign('EdDSA', 'gen-eddsa');

-- one active key (the newest); every earlier one retired, none revoked
SELECT kid, alg, status FROM jwt_auth.keys ORDER BY created_at, kid;

-- the material: HS secrets exactly the hash length and no public part;
-- RSA moduli of 2048 bits (342 base64url characters, top bit set) with
-- e = 65537; EC points on the algorithm's curve; EdDSA on Ed25519. The
-- public JWK carries the public members and kid, alg, use -- nothing else.
SELECT kid,
       CASE WHEN alg LIKE 'HS%' THEN octet_length(private_key) END AS secret_bytes,
       public_jwk IS NULL AS no_public_jwk,
       pg_temp.members(public_jwk) AS public_members,
       public_jwk->>'kty' AS kty,
       public_jwk->>'crv' AS crv,
       length(public_jwk->>'n') AS n_chars,
       get_byte(jwt_auth.base64url_decode(public_jwk->>'n'), 0) >= 128 AS top_bit,
       public_jwk->>'e' AS e,
       length(public_jwk->>'x') AS x_chars,
       length(public_jwk->>'y') AS y_chars,
       public_jwk->>'kid' = kid AND public_jwk->>'alg' = alg AND public_jwk->>'use' = 'sig' AS names_itself
FROM jwt_auth.keys ORDER BY created_at, kid;

-- asymmetric keys are stored as PKCS#8 PEM; the private key and the public
-- JWK are one key pair: a token signed with the one verifies with the other
SELECT kid,
       convert_from(private_key, 'UTF8') LIKE E'-----BEGIN PRIVATE KEY-----\n%' AS pkcs8_pem,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims'::jsonb, convert_from(private_key, 'UTF8'), alg),
                          public_jwk, alg) AS pair
FROM jwt_auth.keys WHERE alg NOT LIKE 'HS%' ORDER BY created_at, kid;

-- generated material is random: two keys of one algorithm differ
SELECT jwt_auth.key_generate('HS256', 'gen-hs256-b', 'standby');
SELECT jwt_auth.key_generate('EdDSA', 'gen-eddsa-b', 'standby');
SELECT a.kid, a.private_key <> b.private_key AS secrets_differ,
       a.public_jwk->'x' <> b.public_jwk->'x' AS public_keys_differ
FROM jwt_auth.keys a JOIN jwt_auth.keys b ON b.kid = a.kid || '-b'
ORDER BY a.kid;

-- without a kid, key_generate makes one: 32 hexadecimal digits
SELECT jwt_auth.key_generate('HS256', status => 'standby') AS random_kid \gset
SELECT :'random_kid' ~ '^[0-9a-f]{32}$' AS random_kid_is_32_hex_digits;
DELETE FROM jwt_auth.keys WHERE kid = :'random_kid';

-- the active key signs whichever payload type is passed, and jwt_valid agrees
SELECT pg_temp.header(jwt_auth.jwt_sign(:'claims'::jsonb)) AS jsonb_header,
       pg_temp.header(jwt_auth.jwt_sign(:'claims'::json)) AS json_header,
       pg_temp.header(jwt_auth.jwt_sign(:'claims')) AS text_header;
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign(:'claims'::json)) AS claims,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims')) AS valid;
-- jwt_sign(payload) is STRICT, and its payload must be an object
SELECT jwt_auth.jwt_sign(NULL::jsonb) IS NULL AS null_payload_gives_null;
SELECT * FROM pg_temp.attempt($$SELECT jwt_auth.jwt_sign('[1,2]'::jsonb)$$);

--
-- key_import: PEM (a private key, a public key or a certificate), a raw
-- or text HMAC secret, a JWK. An imported key is standby unless told
-- otherwise.
--
SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'RS256', 'imp-rsa');
SELECT jwt_auth.key_import(pg_temp.k('rsa_public'), 'RS256', 'imp-rsa-public');
SELECT jwt_auth.key_import(pg_temp.k('ec_public'), 'ES256', 'imp-ec-public');
-- a certificate brings its public key only
SELECT jwt_auth.key_import(pg_temp.k('rsa_cert'), 'RS256', 'imp-rsa-cert');
SELECT jwt_auth.key_import('\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea,
                           'HS256', 'imp-raw');
SELECT jwt_auth.key_import('abcdefghijklmnopqrstuvwxyz012345ABCDEFGHIJKLMNOP', 'HS384', 'imp-text');
-- a JWK brings its own kid and alg
SELECT jwt_auth.key_import(pg_temp.k('rfc7515_a3')::jsonb);
SELECT jwt_auth.key_import(pg_temp.k('rfc7515_a3_public')::jsonb);
SELECT jwt_auth.key_import(pg_temp.k('rfc8037_a1')::jsonb);
SELECT jwt_auth.key_import('{"kty":"oct","kid":"imp-oct","alg":"HS256","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb);
-- the kid and alg arguments, when given, win over the JWK's own kid (an
-- alg argument must agree with the JWK's: see "Bad input")
SELECT jwt_auth.key_import(pg_temp.k('rfc7515_a3')::jsonb, 'ES256', 'imp-jwk-renamed');
-- an imported key may be made the active key at once: it retires the active one
SELECT jwt_auth.key_import(pg_temp.k('ec'), 'ES256', 'imp-ec', 'active');

SELECT kid, alg, status, private_key IS NOT NULL AS has_private,
       pg_temp.members(public_jwk) AS public_members
FROM jwt_auth.keys WHERE kid LIKE 'imp-%' OR kid LIKE 'rfc%' OR status = 'active'
ORDER BY created_at, kid;

-- what was stored is what was given: the secrets byte for byte, the public
-- members of a PEM as the JWK has them, a public key the same as its pair's
SELECT (SELECT private_key FROM jwt_auth.keys WHERE kid = 'imp-raw') =
       '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea AS raw_secret_kept,
       (SELECT private_key FROM jwt_auth.keys WHERE kid = 'imp-text') =
       convert_to('abcdefghijklmnopqrstuvwxyz012345ABCDEFGHIJKLMNOP', 'UTF8') AS text_secret_kept,
       (SELECT private_key FROM jwt_auth.keys WHERE kid = 'imp-oct') =
       convert_to('abcdefghijklmnopqrstuvwxyz012345', 'UTF8') AS jwk_secret_kept,
       (SELECT public_jwk - 'kid' FROM jwt_auth.keys WHERE kid = 'imp-rsa') =
       (SELECT public_jwk - 'kid' FROM jwt_auth.keys WHERE kid = 'imp-rsa-public') AS rsa_public_part_matches,
       (SELECT public_jwk - 'kid' FROM jwt_auth.keys WHERE kid = 'imp-rsa') =
       (SELECT public_jwk - 'kid' FROM jwt_auth.keys WHERE kid = 'imp-rsa-cert') AS certificate_public_part_matches,
       (SELECT public_jwk->>'x' FROM jwt_auth.keys WHERE kid = 'rfc7515-a3') =
       'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU' AS rfc7515_x_kept,
       (SELECT public_jwk->>'x' FROM jwt_auth.keys WHERE kid = 'rfc8037-a1') =
       '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' AS rfc8037_x_kept;

-- the imported secrets verify tokens made elsewhere with the same secret
-- and naming their kid, once they are in use (retired: they verify only)
SELECT jwt_auth.key_set_status(kid, 'retired') FROM (VALUES ('imp-raw'), ('imp-text'), ('imp-oct')) v(kid);
SELECT jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims',
           '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea, 'HS256',
           '{"kid":"imp-raw"}')) AS raw_secret,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims', 'abcdefghijklmnopqrstuvwxyz012345ABCDEFGHIJKLMNOP',
           'HS384', '{"kid":"imp-text"}')) AS text_secret,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims', 'abcdefghijklmnopqrstuvwxyz012345', 'HS256',
           '{"kid":"imp-oct"}')) AS jwk_secret,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims', 'abcdefghijklmnopqrstuvwxyz012345', 'HS256',
           '{"kid":"imp-raw"}')) AS other_secret;

-- the imported private JWKs sign: each in turn the active key
SELECT jwt_auth.key_set_status('rfc7515-a3', 'active');
SELECT pg_temp.header(jwt_auth.jwt_sign(:'claims')) AS header,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims')) AS valid;
SELECT jwt_auth.key_set_status('rfc8037-a1', 'active');
SELECT pg_temp.header(jwt_auth.jwt_sign(:'claims')) AS header,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims')) AS valid;
-- Ed25519 is deterministic: the RFC 8037 key, passed as a JWK, signs A.4's
-- example payload to A.4's exact token, which the stored public JWK verifies
SELECT jwt_auth.jws_sign(convert_to('Example of Ed25519 signing', 'UTF8'),
                         pg_temp.k('rfc8037_a1')::jsonb - 'kid', 'EdDSA') =
       'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg'
       AS rfc8037_a4_signature_via_jwk,
       jwt_auth.jws_verify('eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg',
                           (SELECT public_jwk FROM jwt_auth.keys WHERE kid = 'rfc8037-a1'), 'EdDSA') =
       convert_to('Example of Ed25519 signing', 'UTF8') AS rfc8037_a4_verifies_with_stored_public_jwk;
SELECT jwt_auth.key_set_status('imp-rsa', 'active');
SELECT pg_temp.header(jwt_auth.jwt_sign(:'claims')) AS header,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims')) AS valid;

--
-- A key without its private part verifies but never signs: it may be
-- standby or retired, never active
--
SELECT * FROM pg_temp.attempt($$SELECT jwt_auth.key_import(pg_temp.k('rsa_public'), 'RS256', 'imp-public-active', 'active')$$);
SELECT * FROM pg_temp.attempt($$SELECT jwt_auth.key_set_status('imp-rsa-public', 'active')$$);
SELECT * FROM pg_temp.attempt($$SELECT jwt_auth.key_set_status('rfc7515-a3-public', 'active')$$);
-- a token signed elsewhere with the pair's private key, naming the public key's kid:
-- refused while the key is standby, accepted once it is retired
SELECT jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"imp-rsa-public"}') AS elsewhere \gset
SELECT * FROM pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L)', :'elsewhere'));
SELECT jwt_auth.key_set_status('imp-rsa-public', 'retired');
SELECT jwt_auth.jwt_verify(:'elsewhere') AS claims;
SELECT kid, status, private_key IS NULL AS public_only FROM jwt_auth.keys
WHERE kid IN ('imp-rsa-public', 'imp-public-active') ORDER BY kid;

--
-- The lifecycle: standby -> active -> retired -> revoked, forward only.
-- Steps may be skipped; setting the status a key has is a no-op.
--
SELECT jwt_auth.key_generate('ES256', 'life-1', 'standby');
SELECT jwt_auth.key_generate('ES256', 'life-2', 'standby');
SELECT jwt_auth.key_generate('ES256', 'life-3', 'standby');
CREATE FUNCTION pg_temp.life() RETURNS TABLE(kid text, status text) LANGUAGE sql AS $$
    SELECT k.kid, k.status FROM jwt_auth.keys k WHERE k.kid LIKE 'life-%' OR k.status = 'active'
    ORDER BY k.created_at, k.kid
$$;
SELECT * FROM pg_temp.life();
SELECT * FROM pg_temp.attempt($$SELECT jwt_auth.key_set_status('life-1', 'standby')$$);
SELECT jwt_auth.key_set_status('life-1', 'active');
SELECT * FROM pg_temp.life();
SELECT jwt_auth.key_set_status('life-1', 'active');
SELECT jwt_auth.key_set_status('life-2', 'active');
SELECT * FROM pg_temp.life();
SELECT jwt_auth.key_set_status('life-1', 'revoked');
SELECT jwt_auth.key_set_status('life-3', 'retired');
SELECT * FROM pg_temp.life();
-- every backward move is refused, with a hint; the statuses stay as they were
SELECT f AS "from", t AS "to", (pg_temp.attempt(format('SELECT jwt_auth.key_set_status(%L, %L)', kid, t))).*
FROM (VALUES (1, 'life-2', 'active', 'standby'),
             (2, 'life-3', 'retired', 'standby'),
             (3, 'life-3', 'retired', 'active'),
             (4, 'life-1', 'revoked', 'retired'),
             (5, 'life-1', 'revoked', 'active'),
             (6, 'life-1', 'revoked', 'standby')) v(n, kid, f, t)
ORDER BY n;
SELECT * FROM pg_temp.life();
-- status changes are timed
SELECT kid, status_changed_at >= created_at AS changed_after_creation
FROM jwt_auth.keys WHERE kid LIKE 'life-%' ORDER BY kid;
-- an unknown kid, an unknown status, NULLs
SELECT n, (pg_temp.attempt(stmt)).*
FROM (VALUES (1, $$SELECT jwt_auth.key_set_status('life-9', 'revoked')$$),
             (2, $$SELECT jwt_auth.key_set_status('life-2', 'deleted')$$),
             (3, $$SELECT jwt_auth.key_set_status('life-2', 'Revoked')$$),
             (4, $$SELECT jwt_auth.key_set_status('life-2', NULL)$$),
             (5, $$SELECT jwt_auth.key_set_status(NULL, 'revoked')$$)) v(n, stmt)
ORDER BY n;
-- revoking the active key leaves no signing key: 55000 with a hint
SELECT jwt_auth.key_set_status('life-2', 'revoked');
SELECT * FROM pg_temp.attempt($$SELECT jwt_auth.jwt_sign('{"sub":"user-1"}'::jsonb)$$);
SELECT * FROM pg_temp.attempt($$SELECT jwt_auth.jwt_sign('{"sub":"user-1"}'::json)$$);
SELECT * FROM pg_temp.attempt($$SELECT jwt_auth.jwt_sign('{"sub":"user-1"}')$$);
SELECT count(*) FILTER (WHERE status = 'active') AS active_keys FROM jwt_auth.keys;

--
-- Verification with the stored keys: the token's kid picks the key, and the
-- key's own algorithm is the only one accepted
--
SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'RS256', 'verify-rs256', 'active');
SELECT jwt_auth.jwt_sign(:'claims') AS t_rs \gset
SELECT pg_temp.header(:'t_rs') AS header;
SELECT jwt_auth.jwt_verify(:'t_rs') AS claims;
-- RS256 is deterministic: the stored key signs what the same key passed as
-- PEM signs with the same kid
SELECT :'t_rs' = jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"verify-rs256"}')
    AS same_as_explicit_key;
-- the same token re-headed with another algorithm and the same kid: refused,
-- whichever algorithm (none included), the signature never tried
SELECT alg, (pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L)',
        pg_temp.reheader(:'t_rs', format('{"alg":"%s","typ":"JWT","kid":"verify-rs256"}', alg))))).*
FROM (VALUES (1, 'RS384'), (2, 'RS512'), (3, 'PS256'), (4, 'HS256'), (5, 'ES256'),
             (6, 'EdDSA'), (7, 'none'), (8, 'rs256')) v(n, alg)
ORDER BY n;
-- a header rewritten with the right alg passes the algorithm check and then
-- fails on the signature, which covers the header
SELECT * FROM pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L)',
    pg_temp.reheader(:'t_rs', '{"alg":"RS256","kid":"verify-rs256"}')));
-- kids that pick no usable key
SELECT n, what, (pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L)', token))).*
FROM (VALUES
    (1, 'unknown kid', jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"verify-none"}')),
    (2, 'kid of another case', jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"VERIFY-RS256"}')),
    (3, 'empty kid', jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":""}')),
    (4, 'kid with a NUL', pg_temp.reheader(:'t_rs', '{"alg":"RS256","kid":"verify-rs256\u0000x"}')),
    (5, 'kid not a string', jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":5}')),
    (6, 'revoked key', jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"life-1"}')),
    (7, 'standby key', jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"gen-hs256-b"}')),
    (8, 'retired key, signature over another header', pg_temp.reheader(:'t_rs', '{"alg":"RS256","typ":"JWT","kid":"imp-rsa-public"}')),
    (9, 'expired, right key', jwt_auth.jwt_sign('{"sub":"user-1","exp":1300819380}', pg_temp.k('rsa'), 'RS256', '{"kid":"verify-rs256"}')),
    (10, 'null token', NULL)) v(n, what, token)
ORDER BY n;
-- jwt_valid answers false for each of those, and true for the good token
SELECT jwt_auth.jwt_valid(:'t_rs') AS good,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"verify-none"}')) AS unknown_kid,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"life-1"}')) AS revoked,
       jwt_auth.jwt_valid(jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"gen-hs256-b"}')) AS standby,
       jwt_auth.jwt_valid(pg_temp.reheader(:'t_rs', '{"alg":"RS384","typ":"JWT","kid":"verify-rs256"}')) AS other_alg,
       jwt_auth.jwt_valid(NULL) AS null_token;
-- a token without a kid is verified with the active key
SELECT jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256') AS t_nokid \gset
SELECT pg_temp.header(:'t_nokid') AS header, jwt_auth.jwt_verify(:'t_nokid') AS claims;
-- ... and only with the active key: once another key is active, it fails
SELECT jwt_auth.key_generate('RS256', 'verify-rs256-next');
SELECT * FROM pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L)', :'t_nokid'));
-- (the retired key still verifies its own tokens, which name it)
SELECT jwt_auth.jwt_verify(:'t_rs') AS claims;

--
-- Rotation: generate -> sign -> rotate -> old tokens still verify ->
-- revoke -> old tokens fail at once, new ones verify
--
SELECT jwt_auth.key_generate('ES256', 'rot-old');
SELECT jwt_auth.jwt_sign('{"sub":"old","exp":4102444800}'::jsonb) AS t_old \gset
SELECT pg_temp.header(:'t_old')->>'kid' AS signed_by, jwt_auth.jwt_verify(:'t_old') AS claims;
-- rotate: a new key is generated standby (published in jwks() before use),
-- then activated; the old key is retired
SELECT jwt_auth.key_generate('ES256', 'rot-new', 'standby');
SELECT kid FROM jsonb_to_recordset(jwt_auth.jwks()->'keys') AS k(kid text) WHERE kid LIKE 'rot-%' ORDER BY kid;
SELECT jwt_auth.key_set_status('rot-new', 'active');
SELECT kid, status FROM jwt_auth.keys WHERE kid LIKE 'rot-%' ORDER BY kid;
SELECT jwt_auth.jwt_sign('{"sub":"new","exp":4102444800}'::jsonb) AS t_new \gset
SELECT pg_temp.header(:'t_new')->>'kid' AS signed_by;
-- both verify
SELECT jwt_auth.jwt_verify(:'t_old') AS old_claims, jwt_auth.jwt_verify(:'t_new') AS new_claims;
-- revoke the old key: its tokens fail from the next statement on
SELECT jwt_auth.key_set_status('rot-old', 'revoked');
SELECT * FROM pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L)', :'t_old'));
SELECT jwt_auth.jwt_valid(:'t_old') AS old_valid, jwt_auth.jwt_verify(:'t_new') AS new_claims;
-- the revoked key's tokens are refused in the revoking transaction already,
-- and a rolled-back revocation leaves the key usable
BEGIN;
SELECT jwt_auth.key_set_status('rot-new', 'revoked');
SELECT jwt_auth.jwt_valid(:'t_new') AS valid_after_revoke_in_transaction;
ROLLBACK;
SELECT jwt_auth.jwt_valid(:'t_new') AS valid_after_rollback;
-- the cache follows any change to the table, by any statement of the owner
BEGIN;
DELETE FROM jwt_auth.keys WHERE kid = 'rot-new';
SELECT jwt_auth.jwt_valid(:'t_new') AS valid_after_delete;
ROLLBACK;
BEGIN;
TRUNCATE jwt_auth.keys;
SELECT jwt_auth.jwt_valid(:'t_new') AS valid_after_truncate;
ROLLBACK;
SELECT jwt_auth.jwt_valid(:'t_new') AS valid_again;

--
-- jwks(): the public keys of every asymmetric key that is not revoked --
-- standby, active, retired and public-only alike -- in creation order, with
-- kty, kid, alg, use and the key's public members only; never an oct key
--
SELECT kid, alg, status FROM jwt_auth.keys ORDER BY created_at, kid;
SELECT e->>'kid' AS kid, e->>'kty' AS kty, e->>'alg' AS alg, e->>'use' AS use,
       pg_temp.members(e) AS members
FROM jsonb_array_elements(jwt_auth.jwks()->'keys') WITH ORDINALITY AS j(e, i)
ORDER BY i;
-- exactly the non-revoked asymmetric keys, in order
SELECT array(SELECT e->>'kid' FROM jsonb_array_elements(jwt_auth.jwks()->'keys') WITH ORDINALITY j(e, i) ORDER BY i) =
       array(SELECT kid FROM jwt_auth.keys WHERE status <> 'revoked' AND alg NOT LIKE 'HS%' ORDER BY created_at, kid)
    AS jwks_lists_the_non_revoked_asymmetric_keys_in_order;
-- the set is one object with one member, keys
SELECT pg_temp.members(jwt_auth.jwks()) AS top_members;
-- no private member, no oct key, no revoked key, no HS alg anywhere
SELECT count(*) FILTER (WHERE e ?| ARRAY['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']) AS private_members,
       count(*) FILTER (WHERE e->>'kty' = 'oct' OR e->>'alg' LIKE 'HS%') AS oct_keys,
       count(*) FILTER (WHERE e->>'kid' IN (SELECT kid FROM jwt_auth.keys WHERE status = 'revoked')) AS revoked_keys,
       count(*) FILTER (WHERE e->>'use' <> 'sig') AS not_for_signing
FROM jsonb_array_elements(jwt_auth.jwks()->'keys') e;
-- exactly the members of each key type
SELECT e->>'kty' AS kty, pg_temp.members(e) AS members, count(*) AS keys
FROM jsonb_array_elements(jwt_auth.jwks()->'keys') e
GROUP BY 1, 2 ORDER BY 1, 2;
-- keys created later come later, whatever their kid
SELECT jwt_auth.key_generate('EdDSA', 'order-c', 'standby');
SELECT jwt_auth.key_generate('EdDSA', 'order-b', 'standby');
SELECT jwt_auth.key_generate('EdDSA', 'order-a', 'standby');
SELECT array(SELECT e->>'kid' FROM jsonb_array_elements(jwt_auth.jwks()->'keys') WITH ORDINALITY j(e, i)
             WHERE e->>'kid' LIKE 'order-%' ORDER BY i) AS creation_order;
-- revoked keys leave the set at once
SELECT jwt_auth.key_set_status('order-b', 'revoked');
SELECT array(SELECT e->>'kid' FROM jsonb_array_elements(jwt_auth.jwks()->'keys') WITH ORDINALITY j(e, i)
             WHERE e->>'kid' LIKE 'order-%' ORDER BY i) AS after_revoking_order_b;
-- the set serves as a verification key: the active key's token verifies
-- against it (its kid picks the member), a revoked key's token finds no key
SELECT jwt_auth.jwt_verify(:'t_new', jwt_auth.jwks(), 'ES256') AS claims;
SELECT * FROM pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L, jwt_auth.jwks(), %L)', :'t_old', 'ES256'));

--
-- Algorithm confusion: an HS256 token whose HMAC secret is the public key
-- of a stored RSA key (as PEM, or as its public JWK text), naming that
-- key's kid, is refused: the key's own algorithm is RS256
--
SELECT jwt_auth.key_import(pg_temp.k('rsa_public'), 'RS256', 'confusion-rsa', 'standby');
SELECT jwt_auth.key_set_status('confusion-rsa', 'retired');
SELECT jwt_auth.key_set_status('imp-ec-public', 'retired');
SELECT n, what, (pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L)', token))).*
FROM (VALUES
    (1, 'public PEM as HMAC secret',
     pg_temp.handmade('{"alg":"HS256","typ":"JWT","kid":"confusion-rsa"}', :'claims', pg_temp.k('rsa_public'))),
    (2, 'public PEM without its last newline',
     pg_temp.handmade('{"alg":"HS256","typ":"JWT","kid":"confusion-rsa"}', :'claims', rtrim(pg_temp.k('rsa_public'), E'\n'))),
    (3, 'public JWK text as HMAC secret',
     pg_temp.handmade('{"alg":"HS256","typ":"JWT","kid":"confusion-rsa"}', :'claims',
                      (SELECT e::text FROM jsonb_array_elements(jwt_auth.jwks()->'keys') e WHERE e->>'kid' = 'confusion-rsa'))),
    (4, 'public JWK n as HMAC secret',
     pg_temp.handmade('{"alg":"HS256","typ":"JWT","kid":"confusion-rsa"}', :'claims',
                      (SELECT public_jwk->>'n' FROM jwt_auth.keys WHERE kid = 'confusion-rsa'))),
    (5, 'EC public PEM, kid of the P-256 key',
     pg_temp.handmade('{"alg":"HS256","typ":"JWT","kid":"imp-ec-public"}', :'claims', pg_temp.k('ec_public'))),
    (6, 'public PEM, no kid (the active key is ES256)',
     pg_temp.handmade('{"alg":"HS256","typ":"JWT"}', :'claims', pg_temp.k('rsa_public')))) v(n, what, token)
ORDER BY n;
-- the same forgeries are not valid either
SELECT jwt_auth.jwt_valid(pg_temp.handmade('{"alg":"HS256","typ":"JWT","kid":"confusion-rsa"}', :'claims',
                                           pg_temp.k('rsa_public'))) AS forged_valid;
-- and the public key is never an HMAC key when passed explicitly either
SELECT * FROM pg_temp.attempt(format('SELECT jwt_auth.jwt_verify(%L, %L)',
    pg_temp.handmade('{"alg":"HS256","typ":"JWT"}', :'claims', pg_temp.k('rsa_public')), pg_temp.k('rsa_public')));

--
-- Bad input: each a clear 22023 (or 22004, 23505) naming the problem,
-- never the key; nothing is stored
--
SELECT count(*) AS keys_before FROM jwt_auth.keys \gset
SELECT n, what, (pg_temp.attempt(stmt)).*
FROM (VALUES
    -- kids: 1 to 128 of A-Z a-z 0-9 . _ ~ -
    (1, 'kid with a space', $$SELECT jwt_auth.key_generate('HS256', 'a b')$$),
    (2, 'kid with a slash', $$SELECT jwt_auth.key_generate('HS256', 'a/b')$$),
    (3, 'kid with a quote', $$SELECT jwt_auth.key_generate('HS256', 'a''b')$$),
    (4, 'kid not ASCII', $$SELECT jwt_auth.key_generate('HS256', 'schlüssel')$$),
    (5, 'kid with a newline at the end', $$SELECT jwt_auth.key_generate('HS256', E'abc\n')$$),
    (6, 'empty kid', $$SELECT jwt_auth.key_generate('HS256', '')$$),
    (7, 'kid of 129 characters', $$SELECT jwt_auth.key_generate('HS256', repeat('k', 129))$$),
    (8, 'kid with a space, import', $$SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'RS256', 'a b')$$),
    (9, 'kid with a space, from a JWK', $$SELECT jwt_auth.key_import('{"kty":"oct","kid":"a b","alg":"HS256","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb)$$),
    (10, 'kid not a string in a JWK', $$SELECT jwt_auth.key_import('{"kty":"oct","kid":7,"alg":"HS256","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb)$$),
    -- a kid is unique
    (11, 'duplicate kid, generate', $$SELECT jwt_auth.key_generate('HS256', 'gen-hs256')$$),
    (12, 'duplicate kid, import', $$SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'RS256', 'imp-rsa')$$),
    (13, 'duplicate kid, from a JWK', $$SELECT jwt_auth.key_import(pg_temp.k('rfc7515_a3')::jsonb)$$),
    -- a generated key is standby or active; an imported one may also be
    -- retired (it only verifies), never revoked
    (14, 'new key retired', $$SELECT jwt_auth.key_generate('HS256', 'bad-status', 'retired')$$),
    (15, 'new key revoked', $$SELECT jwt_auth.key_generate('HS256', 'bad-status', 'revoked')$$),
    (16, 'unknown status', $$SELECT jwt_auth.key_generate('HS256', 'bad-status', 'enabled')$$),
    (17, 'status in capitals', $$SELECT jwt_auth.key_generate('HS256', 'bad-status', 'ACTIVE')$$),
    (18, 'null status', $$SELECT jwt_auth.key_generate('HS256', 'bad-status', NULL)$$),
    (19, 'import revoked (a new key)', $$SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'RS256', 'bad-status', 'revoked')$$),
    -- algorithms
    (20, 'unknown algorithm', $$SELECT jwt_auth.key_generate('HS999', 'bad-alg')$$),
    (21, 'algorithm none', $$SELECT jwt_auth.key_generate('none', 'bad-alg')$$),
    (22, 'algorithm in lower case', $$SELECT jwt_auth.key_generate('hs256', 'bad-alg')$$),
    (23, 'null algorithm, generate', $$SELECT jwt_auth.key_generate(NULL, 'bad-alg')$$),
    (24, 'null algorithm, import', $$SELECT jwt_auth.key_import(pg_temp.k('rsa'), NULL, 'bad-alg')$$),
    (25, 'null key, import', $$SELECT jwt_auth.key_import(NULL::text, 'RS256', 'bad-alg')$$),
    (26, 'JWK without alg, none given', $$SELECT jwt_auth.key_import('{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}'::jsonb, kid => 'bad-key')$$),
    -- keys
    (27, 'RSA key for ES256', $$SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'ES256', 'bad-key')$$),
    (28, 'RSA key for EdDSA', $$SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'EdDSA', 'bad-key')$$),
    (29, 'RSA private PEM as an HMAC secret', $$SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'HS256', 'bad-key')$$),
    (30, 'RSA public PEM as an HMAC secret', $$SELECT jwt_auth.key_import(pg_temp.k('rsa_public'), 'HS256', 'bad-key')$$),
    (31, 'JWK text as an HMAC secret', $$SELECT jwt_auth.key_import(pg_temp.k('rfc7515_a3_public'), 'HS256', 'bad-key')$$),
    (32, 'P-256 key for ES384', $$SELECT jwt_auth.key_import(pg_temp.k('ec'), 'ES384', 'bad-key')$$),
    (33, 'P-256 key for ES512', $$SELECT jwt_auth.key_import(pg_temp.k('ec_public'), 'ES512', 'bad-key')$$),
    (34, 'RSA 1024 bits', $$SELECT jwt_auth.key_import(pg_temp.k('rsa1024_public'), 'RS256', 'bad-key')$$),
    (35, 'secp256k1 key', $$SELECT jwt_auth.key_import(pg_temp.k('secp256k1'), 'ES256', 'bad-key')$$),
    (36, 'malformed PEM', $$SELECT jwt_auth.key_import(E'-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'RS256', 'bad-key')$$),
    (37, 'truncated PEM', $$SELECT jwt_auth.key_import(left(pg_temp.k('rsa'), 600), 'RS256', 'bad-key')$$),
    (38, 'short raw secret (31 bytes)', $$SELECT jwt_auth.key_import('\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e'::bytea, 'HS256', 'bad-key')$$),
    (39, 'short text secret for HS512', $$SELECT jwt_auth.key_import('abcdefghijklmnopqrstuvwxyz012345ABCDEFGHIJKLMNOP', 'HS512', 'bad-key')$$),
    (40, 'raw secret for RS256', $$SELECT jwt_auth.key_import('\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea, 'RS256', 'bad-key')$$),
    (41, 'JWK whose public part is not its private key''s', $$SELECT jwt_auth.key_import('{"kty":"EC","crv":"P-256","alg":"ES256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uE3hvEB4","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}'::jsonb, kid => 'bad-key')$$),
    (42, 'JWK with alg, other alg given', $$SELECT jwt_auth.key_import(pg_temp.k('rfc7515_a3_public')::jsonb, 'ES384', 'bad-key')$$),
    (43, 'JWK with an unknown kty', $$SELECT jwt_auth.key_import('{"kty":"XYZ","alg":"ES256","x":"AA"}'::jsonb, kid => 'bad-key')$$),
    (44, 'JWK for encryption', $$SELECT jwt_auth.key_import('{"kty":"EC","crv":"P-256","alg":"ES256","use":"enc","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}'::jsonb, kid => 'bad-key')$$),
    (45, 'JWK set', $$SELECT jwt_auth.key_import(jwt_auth.jwks(), 'ES256', 'bad-key')$$),
    (46, 'JWK not an object', $$SELECT jwt_auth.key_import('["ES256"]'::jsonb, 'ES256', 'bad-key')$$),
    (47, 'short oct JWK', $$SELECT jwt_auth.key_import('{"kty":"oct","alg":"HS256","k":"c2hvcnQ"}'::jsonb, kid => 'bad-key')$$),
    (48, 'Ed25519 JWK for ES256', $$SELECT jwt_auth.key_import(pg_temp.k('rfc8037_a1')::jsonb - 'alg', 'ES256', 'bad-key')$$)
) v(n, what, stmt)
ORDER BY n;
-- none of them stored anything
SELECT count(*) = :keys_before AS nothing_stored FROM jwt_auth.keys;
SELECT count(*) AS bad_keys FROM jwt_auth.keys WHERE kid IN ('bad-status', 'bad-alg', 'bad-key');
-- a kid of exactly 128 characters, and every allowed character, are fine
SELECT length(jwt_auth.key_generate('HS256', repeat('k', 128), 'standby')) AS kid_length;
SELECT jwt_auth.key_generate('HS256', 'AZaz09._~-', 'standby') AS kid;
-- the messages never carry the key: no error above shows PEM or JWK text
SELECT count(*) AS errors_showing_key_material
FROM (VALUES
    ($$SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'ES256', 'bad-key')$$),
    ($$SELECT jwt_auth.key_import(pg_temp.k('rsa1024_public'), 'RS256', 'bad-key')$$),
    ($$SELECT jwt_auth.key_import('\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e'::bytea, 'HS256', 'bad-key')$$),
    ($$SELECT jwt_auth.key_import('{"kty":"EC","crv":"P-256","alg":"ES256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uE3hvEB4","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}'::jsonb, kid => 'bad-key')$$)
) v(stmt), LATERAL pg_temp.attempt(stmt) a
WHERE concat_ws(' ', a.message, a.detail, a.hint) ~ '(BEGIN|MII|jpsQnn|f83OJ3|\\x00|AAECAw)';

--
-- SQL injection through a kid: refused as an invalid kid, nothing run
--
SELECT count(*) AS keys_before FROM jwt_auth.keys \gset
SELECT n, (pg_temp.attempt(stmt)).*
FROM (VALUES
    (1, $$SELECT jwt_auth.key_generate('HS256', $k$x'; DROP TABLE jwt_auth.keys; --$k$)$$),
    (2, $$SELECT jwt_auth.key_import(pg_temp.k('rsa'), 'RS256', $k$x'; DROP TABLE jwt_auth.keys; --$k$)$$),
    (3, $$SELECT jwt_auth.key_set_status($k$x'; DROP TABLE jwt_auth.keys; --$k$, 'revoked')$$),
    (4, $$SELECT jwt_auth.key_set_status($k$gen-hs256' OR kid <> '$k$, 'revoked')$$),
    (5, format('SELECT jwt_auth.jwt_verify(%L)',
               jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', $k${"kid":"x'; DROP TABLE jwt_auth.keys; --"}$k$)))
) v(n, stmt)
ORDER BY n;
SELECT to_regclass('jwt_auth.keys') IS NOT NULL AS table_intact,
       (SELECT count(*) FROM jwt_auth.keys) = :keys_before AS same_rows,
       (SELECT count(*) FROM jwt_auth.keys WHERE status = 'revoked') AS revoked_keys;

-- a public key imported as retired only verifies: the token its private key
-- signed, picked by kid, is accepted; it can never become the signing key
SELECT jwt_auth.key_import(pg_temp.k('rsa_public'), 'RS256', 'verify-only', 'retired');
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign(:'claims', pg_temp.k('rsa'), 'RS256', '{"kid":"verify-only"}'))
       = :'claims'::jsonb AS verify_only_key_verifies;
SELECT (pg_temp.attempt($$SELECT jwt_auth.key_set_status('verify-only', 'active')$$)).*;

-- PostgREST's jwt-secret (db-pre-config): every key not revoked, HMAC keys as oct JWKs with
-- their secret, the others public only; in a setting that ends with the transaction
BEGIN;
SELECT jwt_auth.postgrest_config();
SELECT k->>'kid' AS kid, k->>'kty' AS kty, k->>'alg' AS alg, k->>'use' AS use,
       k ? 'k' AS has_secret, k ?| ARRAY['d', 'p', 'q', 'dp', 'dq', 'qi'] AS has_private_member,
       (SELECT status FROM jwt_auth.keys WHERE kid = k->>'kid') AS status
  FROM jsonb_array_elements(current_setting('pgrst.jwt_secret')::jsonb -> 'keys') k
 ORDER BY 1;
-- the secret there is the stored key's own: a token it signs verifies with the stored key
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign(:'claims', k, 'HS256', jsonb_build_object('kid', k->>'kid')))
       = :'claims'::jsonb AS oct_jwk_is_the_stored_secret
  FROM jsonb_array_elements(current_setting('pgrst.jwt_secret')::jsonb -> 'keys') k
 WHERE k->>'alg' = 'HS256' AND (SELECT status FROM jwt_auth.keys WHERE kid = k->>'kid') <> 'standby'
 LIMIT 1;
COMMIT;
SELECT coalesce(current_setting('pgrst.jwt_secret', true), '') = '' AS gone_with_the_transaction;
-- no revoked key is in it (and there are revoked keys to leave out)
BEGIN;
SELECT jwt_auth.postgrest_config();
SELECT count(*) AS revoked_keys,
       count(*) FILTER (WHERE r.kid IN (SELECT k->>'kid' FROM jsonb_array_elements(
                                            current_setting('pgrst.jwt_secret')::jsonb -> 'keys') k))
           AS revoked_keys_listed
  FROM jwt_auth.keys r WHERE r.status = 'revoked';
COMMIT;

-- leave the store empty for the suites that follow
TRUNCATE jwt_auth.keys;
SELECT jwt_auth.jwks() AS empty_jwks;
