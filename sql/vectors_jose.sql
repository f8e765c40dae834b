--
-- Public test vectors for the asymmetric algorithms: RFC 7515 A.2 (RS256),
-- A.3 (ES256) and A.4 (ES512), RFC 7520 sections 4.1 (RS256), 4.2 (PS384)
-- and 4.3 (ES512), RFC 8037's Ed25519 example (A.4/A.5), every test of
-- Project Wycheproof's json_web_signature_test.json (all algorithms) and
-- every test of its json_web_key_test.json. The files live in test/vectors/;
-- its README.md names each file's source, licence and the known defects
-- overridden below. The files are read the way sql/vectors.sql reads them
-- (its header explains why): psql cats each one into a variable, found
-- through the PG_ABS_SRCDIR that pg_regress exports.
--
-- Signatures made here by ES*, PS* are randomized, so only booleans about
-- them are printed; RS* and EdDSA are deterministic and are compared with
-- the RFCs' tokens byte for byte. No private key member is ever printed.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set rfc7515_a2_jwk `cat :'abs_srcdir'/test/vectors/rfc7515_A.2.jwk`
\set rfc7515_a2_jws `cat :'abs_srcdir'/test/vectors/rfc7515_A.2.jwsc`
\set rfc7515_a3_jwk `cat :'abs_srcdir'/test/vectors/rfc7515_A.3.jwk`
\set rfc7515_a3_jws `cat :'abs_srcdir'/test/vectors/rfc7515_A.3.jwsc`
\set rfc7515_a4_jwk `cat :'abs_srcdir'/test/vectors/rfc7515_A.4.jwk`
\set rfc7515_a4_jws `cat :'abs_srcdir'/test/vectors/rfc7515_A.4.jwsc`
\set rfc7520_41_jwk `cat :'abs_srcdir'/test/vectors/rfc7520_4.1.jwk`
\set rfc7520_41_jws `cat :'abs_srcdir'/test/vectors/rfc7520_4.1.jwsc`
\set rfc7520_42_jwk `cat :'abs_srcdir'/test/vectors/rfc7520_4.2.jwk`
\set rfc7520_42_jws `cat :'abs_srcdir'/test/vectors/rfc7520_4.2.jwsc`
\set rfc7520_43_jwk `cat :'abs_srcdir'/test/vectors/rfc7520_4.3.jwk`
\set rfc7520_43_jws `cat :'abs_srcdir'/test/vectors/rfc7520_4.3.jwsc`
\set cookbook_ed25519 `cat :'abs_srcdir'/test/vectors/curve25519_jws.json`
\set wycheproof_jws `cat :'abs_srcdir'/test/vectors/json_web_signature_test.json`
\set wycheproof_jwk `cat :'abs_srcdir'/test/vectors/json_web_key_test.json`

-- One verification through jws_verify: got is 'valid' (the payload returned
-- is exactly the decoded second segment), else the error's SQLSTATE (28000 a
-- bad token, 22023 a refused key or algorithm) with its errdetail. clean
-- says that no message, detail or hint repeats a string of the key (any
-- member value of 8 characters or more: moduli, coordinates, secrets) or a
-- segment of the token.
CREATE FUNCTION pg_temp.verify_outcome(token text, key jsonb, alg text,
                                       OUT got text, OUT detail text, OUT clean boolean)
LANGUAGE plpgsql AS $$
DECLARE
    payload bytea;
    msg text;
    det text;
    hint text;
BEGIN
    clean := true;
    payload := jwt_auth.jws_verify(token, key, alg);
    got := CASE WHEN payload = jwt_auth.base64url_decode(split_part(token, '.', 2))
                THEN 'valid' ELSE 'wrong payload' END;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            hint = PG_EXCEPTION_HINT;
    got := SQLSTATE;
    detail := det;
    msg := concat_ws(' ', msg, det, hint);
    clean := NOT EXISTS (SELECT FROM jsonb_path_query(key, 'strict $.** ? (@.type() == "string")') AS s
                         WHERE length(s #>> '{}') >= 8 AND strpos(msg, s #>> '{}') > 0)
        AND NOT EXISTS (SELECT FROM regexp_split_to_table(token, '[.]') AS s
                        WHERE length(s) >= 4 AND strpos(msg, s) > 0);
END
$$;

-- the alg of a compact token's header, or NULL when there is none to read
CREATE FUNCTION pg_temp.header_alg(token text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN convert_from(jwt_auth.base64url_decode(split_part(token, '.', 1)), 'UTF8')::jsonb ->> 'alg';
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

------------------------------------------------------------------------
-- RFC 7515 A.2-A.4, RFC 7520 4.1-4.3 and RFC 8037 A.4/A.5 (Ed25519, as
-- carried by the JOSE cookbook): each token with its RFC key as a JWK
------------------------------------------------------------------------

CREATE TEMP TABLE rfc AS
SELECT v.n, v.vector, v.alg, v.jwk,
       -- the JWK's public part alone: every private member removed
       v.jwk - '{d,p,q,dp,dq,qi,oth}'::text[] AS public_jwk,
       v.token,
       -- the same token with the first signature character changed (every
       -- bit of it is signature, so the text is still strict base64url)
       split_part(v.token, '.', 1) || '.' || split_part(v.token, '.', 2) || '.' ||
           CASE WHEN left(split_part(v.token, '.', 3), 1) = 'A' THEN 'B' ELSE 'A' END ||
           substr(split_part(v.token, '.', 3), 2) AS tampered
FROM (VALUES
    (1, 'RFC 7515 A.2', 'RS256', :'rfc7515_a2_jwk'::jsonb, :'rfc7515_a2_jws'),
    (2, 'RFC 7515 A.3', 'ES256', :'rfc7515_a3_jwk'::jsonb, :'rfc7515_a3_jws'),
    (3, 'RFC 7515 A.4', 'ES512', :'rfc7515_a4_jwk'::jsonb, :'rfc7515_a4_jws'),
    (4, 'RFC 7520 4.1', 'RS256', :'rfc7520_41_jwk'::jsonb, :'rfc7520_41_jws'),
    (5, 'RFC 7520 4.2', 'PS384', :'rfc7520_42_jwk'::jsonb, :'rfc7520_42_jws'),
    (6, 'RFC 7520 4.3', 'ES512', :'rfc7520_43_jwk'::jsonb, :'rfc7520_43_jws'),
    (7, 'RFC 8037 A.4', 'EdDSA', :'cookbook_ed25519'::jsonb #> '{input,key}',
                                 :'cookbook_ed25519'::jsonb #>> '{output,compact}')
) AS v(n, vector, alg, jwk, token);

-- each RFC token verifies with its private JWK and jws_verify returns the
-- payload bytes (the decoded second segment; CR and LF shown as \r and \n)
SELECT r.vector, r.alg,
       p = jwt_auth.base64url_decode(split_part(r.token, '.', 2)) AS is_second_segment,
       replace(replace(convert_from(p, 'UTF8'), E'\r', '\r'), E'\n', '\n') AS payload
FROM rfc r, jwt_auth.jws_verify(r.token, r.jwk, r.alg) AS p
ORDER BY r.n;

-- the JWK's public part alone verifies too (the member names left are shown:
-- no private member among them)
SELECT r.vector, r.alg,
       (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(r.public_jwk) AS k) AS public_members,
       jwt_auth.jws_verify(r.token, r.public_jwk, r.alg)
           = jwt_auth.base64url_decode(split_part(r.token, '.', 2)) AS public_jwk_verifies
FROM rfc r
ORDER BY r.n;

-- a one-character change in the signature fails with 28000, whether the
-- private JWK or its public part verifies, and no message echoes the key or
-- the token
SELECT r.vector, r.alg, priv.got AS with_private_jwk, pub.got AS with_public_jwk, pub.detail,
       priv.clean AND pub.clean AS clean
FROM rfc r,
     pg_temp.verify_outcome(r.tampered, r.jwk, r.alg) AS priv,
     pg_temp.verify_outcome(r.tampered, r.public_jwk, r.alg) AS pub
ORDER BY r.n;

-- signing the same payload again with the private JWK and the RFC header's
-- other members (jws_sign writes "alg" first, then those members: the RFCs'
-- order). RS256 and EdDSA are deterministic: the RFC's token comes back byte
-- for byte. ES* and PS* signatures are randomized: the fresh token's header
-- is the RFC's and it verifies with the public JWK alone. sign_error is the
-- errdetail should jws_sign refuse (it must not: each JWK is a private key).
CREATE FUNCTION pg_temp.try_sign(payload bytea, key jsonb, alg text, header jsonb,
                                 OUT token text, OUT error text)
LANGUAGE plpgsql AS $$
BEGIN
    token := jwt_auth.jws_sign(payload, key, alg, header);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS error = PG_EXCEPTION_DETAIL;
    error := SQLSTATE || ' ' || error;
END
$$;

CREATE TEMP TABLE rfc_resigned AS
SELECT r.n, r.vector, r.alg,
       r.alg IN ('RS256', 'RS384', 'RS512', 'EdDSA') AS deterministic,
       s.token, s.error, r.token AS rfc_token, r.public_jwk
FROM rfc r,
     pg_temp.try_sign(jwt_auth.base64url_decode(split_part(r.token, '.', 2)), r.jwk, r.alg,
                      convert_from(jwt_auth.base64url_decode(split_part(r.token, '.', 1)),
                                   'UTF8')::jsonb - 'alg') AS s;

SELECT s.vector, s.alg, s.error AS sign_error,
       split_part(s.token, '.', 1) = split_part(s.rfc_token, '.', 1) AS same_header,
       s.deterministic,
       CASE WHEN s.deterministic THEN s.token = s.rfc_token END AS reproduces_rfc_token,
       (pg_temp.verify_outcome(s.token, s.public_jwk, s.alg)).got = 'valid'
           AS fresh_token_verifies_with_public_jwk
FROM rfc_resigned s
ORDER BY s.n;

-- RFC 8037 A.4: Ed25519 over "Example of Ed25519 signing" is deterministic;
-- the signature jws_sign makes is the RFC's exactly
SELECT convert_from(jwt_auth.base64url_decode(split_part(s.token, '.', 2)), 'UTF8') AS payload,
       split_part(s.token, '.', 1) = :'cookbook_ed25519'::jsonb #>> '{signing,protected_b64u}'
           AS rfc_protected_header,
       split_part(s.token, '.', 3) = :'cookbook_ed25519'::jsonb #>> '{signing,sig}' AS rfc_signature
FROM rfc_resigned s
WHERE s.alg = 'EdDSA';

------------------------------------------------------------------------
-- Project Wycheproof json_web_signature_test.json: all 401 tests, every
-- group and algorithm, through jws_verify (the payloads are not JWT
-- claims). The key is the group's public JWK when there is one, else its
-- private JWK; the algorithm the caller pins is that key's own "alg".
-- "valid" must verify; "invalid" must raise 28000 (a bad token), or 22023
-- where the key itself must be refused (see the expectations below).
------------------------------------------------------------------------

CREATE TEMP TABLE wycheproof_jws AS
SELECT (t ->> 'tcId')::int AS tcid,
       gno,
       g ->> 'comment' AS grp,
       t ->> 'comment' AS comment,
       -- a JSON-serialization test (tcId 17 here, a JSON object as text) must
       -- be refused: only the compact serialization is supported. Were the
       -- jws member an object rather than a string, its JSON text is passed.
       CASE jsonb_typeof(t -> 'jws') WHEN 'string' THEN t ->> 'jws' ELSE (t -> 'jws')::text END AS jws,
       t ->> 'result' AS upstream,
       coalesce(g -> 'public', g -> 'private') AS jwk
FROM jsonb_array_elements(:'wycheproof_jws'::jsonb -> 'testGroups') WITH ORDINALITY AS gs(g, gno),
     jsonb_array_elements(g -> 'tests') AS t;

-- the algorithm pinned for each test: the key's "alg". The four keys of the
-- groups rsa_encryption and ec_key_for_encryption (tcId 353-356) have no
-- "alg": they are encryption keys ("use": "enc", or "key_ops": ["encrypt"]).
-- A caller has to name some algorithm, so the token header's is taken (the
-- most a careless caller could do); the key must still be refused, 22023,
-- because it is not a signing key.
ALTER TABLE wycheproof_jws ADD COLUMN alg text;
UPDATE wycheproof_jws SET alg = coalesce(jwk ->> 'alg', pg_temp.header_alg(jws));

-- all 401 tests are there, over these groups and algorithms
SELECT count(*) AS tests, count(DISTINCT gno) AS groups, min(tcid), max(tcid),
       (:'wycheproof_jws'::jsonb ->> 'numberOfTests')::int AS file_says
FROM wycheproof_jws;
SELECT alg, count(*) AS tests, count(*) FILTER (WHERE upstream = 'valid') AS upstream_valid
FROM wycheproof_jws
GROUP BY alg
ORDER BY alg;

-- Known upstream defects, overridden below: check that each still holds, so
-- that a corrected file makes this test fail and the override is looked at
-- again.
-- tcId 367 and 370 are byte-identical to the valid tcId 357, labelled invalid.
-- tcId 372 and 373 are labelled valid but carry '?' inside a segment.
-- tcId 346 and 350 (RFC 7520 figure 20, a PS384 token) carry a key bound to
-- PS256; tcId 347 and 351 (figure 27, an ES512 token) a key bound to "ES521",
-- an algorithm that does not exist. RFC 7520's own key (section 3.4, 3.2) has
-- no "alg" at all: the labels were added upstream.
SELECT d.tcid, d.upstream, d.alg AS key_alg, pg_temp.header_alg(d.jws) AS header_alg,
       d.jws = v.jws AS same_as_357,
       strpos(split_part(d.jws, '.', 1) || '.' || split_part(d.jws, '.', 2), '?') > 0 AS question_mark_in_segment
FROM wycheproof_jws d, wycheproof_jws v
WHERE d.tcid IN (346, 347, 350, 351, 367, 370, 372, 373) AND v.tcid = 357
ORDER BY d.tcid;

CREATE TEMP TABLE wycheproof_jws_results AS
SELECT w.tcid, w.grp, w.comment, w.alg, w.upstream,
       CASE
           -- upstream defect: byte-identical to the valid tcId 357
           WHEN w.tcid IN (367, 370) THEN 'valid'
           -- upstream defect: '?' inside a segment is not base64url
           WHEN w.tcid IN (372, 373) THEN '28000'
           -- upstream defect: the key is bound to PS256 and the token says
           -- PS384. A strict verifier honours the key's "alg" (RFC 7517
           -- section 4.4) and pins it: the header's other alg is a bad token
           WHEN w.tcid IN (346, 350) THEN '28000'
           -- upstream defect: the key is bound to "ES521", which is no JWS
           -- algorithm. Pinning the key's alg names an unknown algorithm: a
           -- strict verifier refuses it (22023) rather than guess ES512
           WHEN w.tcid IN (347, 351) THEN '22023'
           -- encryption keys (353-356) are refused as keys
           WHEN w.jwk ->> 'alg' IS NULL THEN '22023'
           WHEN w.upstream = 'valid' THEN 'valid'
           ELSE '28000'
       END AS expected,
       o.got, o.detail, o.clean
FROM wycheproof_jws w, pg_temp.verify_outcome(w.jws, w.jwk, w.alg) AS o;

-- one line per test: expected is 'valid' or the SQLSTATE that must be raised
SELECT tcid, alg, upstream, expected, got, got = expected AS ok, detail, grp, comment
FROM wycheproof_jws_results
ORDER BY tcid;

-- the four mislabelled RFC 7520 keys, this time with the token header's alg
-- pinned instead: still refused, now by the key itself (22023): a key bound
-- to PS256 does not verify PS384, and a key bound to "ES521" is not usable
SELECT w.tcid, pg_temp.header_alg(w.jws) AS pinned_alg, w.alg AS key_alg, o.got, o.detail
FROM wycheproof_jws w, pg_temp.verify_outcome(w.jws, w.jwk, pg_temp.header_alg(w.jws)) AS o
WHERE w.tcid IN (346, 347, 350, 351)
ORDER BY w.tcid;

-- no error message repeats key material or a piece of the token
SELECT count(*) FILTER (WHERE NOT clean) AS messages_echoing_key_or_token
FROM wycheproof_jws_results;

-- summary for the file
SELECT format('%s passed / %s', count(*) FILTER (WHERE got = expected AND clean), count(*))
       AS json_web_signature_test
FROM wycheproof_jws_results;

------------------------------------------------------------------------
-- Project Wycheproof json_web_key_test.json: all 26 tests. Each group holds
-- a JWK set ("private", and "public" for asymmetric keys) and one or more
-- compact tokens signed by a key of the set. The set (public when there is
-- one) goes to jws_verify, which picks the key by the token's kid; the
-- algorithm pinned is the token header's, so that a refusal comes from the
-- key, never from the caller's alg argument. Good keys must verify their
-- token; bad keys (duplicate kid, "use": "enc", 1024-bit RSA, exponent 1,
-- short or empty HMAC secrets, an alg that is not the key's or no JWS alg at
-- all, a point off its curve, a wrong curve or kty) must be refused, 22023.
-- Single-key sets are also imported alone through _key_parse (the key
-- store's import check), which must agree and return the key's public
-- members unchanged.
------------------------------------------------------------------------

CREATE TEMP TABLE wycheproof_jwk AS
SELECT (t ->> 'tcId')::int AS tcid,
       g ->> 'comment' AS grp,
       t ->> 'comment' AS comment,
       t ->> 'jws' AS jws,
       pg_temp.header_alg(t ->> 'jws') AS alg,
       t ->> 'result' AS upstream,
       coalesce(g -> 'public', g -> 'private') AS jwks
FROM jsonb_array_elements(:'wycheproof_jwk'::jsonb -> 'testGroups') AS g,
     jsonb_array_elements(g -> 'tests') AS t;

SELECT count(*) AS tests, min(tcid), max(tcid),
       (:'wycheproof_jwk'::jsonb ->> 'numberOfTests')::int AS file_says,
       count(*) FILTER (WHERE jsonb_array_length(jwks -> 'keys') = 1) AS single_key_sets
FROM wycheproof_jwk;

-- Known upstream defect, overridden below: tcId 7's RSA key is a ROCA key
-- (CVE-2017-15361, weak primes from a flawed generator). Only a fingerprint
-- test on the modulus detects it; jwt_auth does not run one, so the key is
-- accepted and its token verifies. Check that the file still labels it so.
SELECT tcid, upstream, comment FROM wycheproof_jwk WHERE tcid = 7;

-- _key_parse of one key: 'accepted' (public_same: its public members are
-- the JWK's kty/n/e or kty/crv/x/y; NULL for an HMAC secret, which has
-- none), else the SQLSTATE and errdetail
CREATE FUNCTION pg_temp.import_outcome(alg text, key jsonb,
                                       OUT got text, OUT detail text, OUT public_same boolean)
LANGUAGE plpgsql AS $$
DECLARE
    pub jsonb;
BEGIN
    SELECT k.public_jwk INTO pub FROM jwt_auth._key_parse(alg, key) AS k;
    got := 'accepted';
    public_same := pub = (SELECT jsonb_object_agg(m, v) FROM jsonb_each(key) AS e(m, v)
                          WHERE m IN ('kty', 'n', 'e', 'crv', 'x', 'y'));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    got := SQLSTATE;
END
$$;

CREATE TEMP TABLE wycheproof_jwk_results AS
SELECT w.tcid, w.grp, w.comment, w.alg, w.upstream,
       CASE
           -- upstream defect: the ROCA key, see above
           WHEN w.tcid = 7 THEN 'valid'
           WHEN w.upstream = 'valid' THEN 'valid'
           -- the key set is good, the token's signature is not: a bad token
           WHEN w.comment = 'rejectsModifiedSignature' THEN '28000'
           -- the key the token's kid picks is well formed but cannot serve
           -- the token's algorithm (meant for encryption, RSA under 2048
           -- bits, an HMAC secret shorter than the hash or empty, bound to
           -- another alg or no JWS alg at all): the set may hold such keys
           -- for other uses, so it is the token that is refused
           WHEN w.tcid IN (6, 8, 10, 11, 12, 16, 17, 18, 19, 20, 21, 25, 26) THEN '28000'
           -- every other invalid test is a key (or key set) to refuse. tcId 1
           -- is a set that mixes an HMAC secret with a public EC key
           -- (upstream: MixedKeySet, "best practice is to reject"): a set
           -- offered for verification that carries a secret next to public
           -- keys is a secret published by mistake or a confusion attempt
           ELSE '22023'
       END AS expected,
       -- a key imported alone is judged for the alg: only good keys pass
       CASE WHEN w.tcid = 7 OR w.upstream = 'valid' OR w.comment = 'rejectsModifiedSignature'
            THEN 'accepted' ELSE '22023' END AS import_expected,
       o.got, o.detail, o.clean,
       i.got AS import_got, i.detail AS import_detail, i.public_same
FROM wycheproof_jwk w
     CROSS JOIN pg_temp.verify_outcome(w.jws, w.jwks, w.alg) AS o
     LEFT JOIN LATERAL pg_temp.import_outcome(w.alg, w.jwks -> 'keys' -> 0) AS i
         ON jsonb_array_length(w.jwks -> 'keys') = 1;

-- one line per test: the verification, then (single-key sets) the import,
-- which must accept exactly the keys that verify
SELECT tcid, alg, upstream, expected, got, got = expected AS ok, detail,
       import_got,
       import_got IS NULL OR import_got = import_expected AS import_ok,
       public_same, grp, comment
FROM wycheproof_jwk_results
ORDER BY tcid;

-- no error message repeats key material or a piece of the token
SELECT count(*) FILTER (WHERE NOT clean) AS messages_echoing_key_or_token
FROM wycheproof_jwk_results;

-- summary for the file: a test passes when the verification gives what is
-- expected and, for a single key, the import agrees and keeps its public part
SELECT format('%s passed / %s',
              count(*) FILTER (WHERE got = expected AND clean
                               AND (import_got IS NULL
                                    OR (import_got = import_expected
                                        AND public_same IS NOT false))),
              count(*)) AS json_web_key_test
FROM wycheproof_jwk_results;
