--
-- Public test vectors: RFC 7515 appendix A.1, RFC 7520 section 4.4 and every
-- HS256 test of Project Wycheproof's json_web_signature_test.json. The files
-- live in test/vectors/; its README.md names each file's source, licence and
-- the known defects overridden below.
--
-- How the files are read: psql reads them, on the client side, from the
-- project's own tree. pg_regress (PostgreSQL 15 and later) exports the
-- suite's source directory as PG_ABS_SRCDIR; \getenv puts it in a psql
-- variable, and a backtick command cats each file into another variable.
-- Inside backticks psql replaces :'name' with the variable's value quoted as
-- one shell word, so a source path with spaces still works; the trailing
-- newline of the output is dropped. The SQL then takes the text as :'name',
-- a properly quoted literal, and psql's echo shows these lines as written,
-- so no absolute path reaches the expected output. pg_read_file() was not
-- chosen: it reads the server's file system as the server's user and needs
-- superuser or pg_read_server_files, which fails on a remote server or a
-- source tree the postgres user cannot enter.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set rfc7515_a1_jwk `cat :'abs_srcdir'/test/vectors/rfc7515_A.1.jwk`
\set rfc7515_a1_jws `cat :'abs_srcdir'/test/vectors/rfc7515_A.1.jwsc`
\set rfc7520_44_jwk `cat :'abs_srcdir'/test/vectors/rfc7520_4.4.jwk`
\set rfc7520_44_jws `cat :'abs_srcdir'/test/vectors/rfc7520_4.4.jwsc`
\set cookbook_44 `cat :'abs_srcdir'/test/vectors/jws_4_4.hmac-sha2_integrity_protection.json`
\set wycheproof_jws `cat :'abs_srcdir'/test/vectors/json_web_signature_test.json`

------------------------------------------------------------------------
-- RFC 7515 A.1: HS256 over JWT claims, key as a JWK with "k"
------------------------------------------------------------------------

-- the RFC's signature verifies: jws_verify returns the payload bytes exactly
-- (CR and LF shown as \r and \n so the claims print on one line)
SELECT replace(replace(convert_from(p, 'UTF8'), E'\r', '\r'), E'\n', '\n') AS payload,
       p = jwt_auth.base64url_decode(split_part(:'rfc7515_a1_jws', '.', 2)) AS is_second_segment
FROM jwt_auth.jws_verify(:'rfc7515_a1_jws', :'rfc7515_a1_jwk'::jsonb, 'HS256') AS p;

-- the signature is good but the claims expired in 2011 (exp 1300819380):
-- jwt_verify rejects the token with its reason
SELECT jwt_auth.jwt_verify(:'rfc7515_a1_jws', :'rfc7515_a1_jwk'::jsonb);
SELECT jwt_auth.jwt_valid(:'rfc7515_a1_jws', :'rfc7515_a1_jwk'::jsonb) AS valid;

-- claims are judged only once the signature holds: with the last signature
-- character changed (still strict base64url) the reason is the signature
SELECT jwt_auth.jwt_verify(left(:'rfc7515_a1_jws', -1) || 'A', :'rfc7515_a1_jwk'::jsonb);

-- the RFC's key is 64 bytes that are not valid UTF-8: it cannot be passed as
-- text, but the bytea overloads take the decoded "k" and behave the same
CREATE FUNCTION pg_temp.is_utf8(b bytea) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM convert_from(b, 'UTF8');
    RETURN true;
EXCEPTION WHEN character_not_in_repertoire THEN
    RETURN false;
END
$$;
SELECT octet_length(k) AS key_bytes, pg_temp.is_utf8(k) AS utf8
FROM jwt_auth.base64url_decode(:'rfc7515_a1_jwk'::jsonb ->> 'k') AS k;
SELECT jwt_auth.jws_verify(:'rfc7515_a1_jws',
                           jwt_auth.base64url_decode(:'rfc7515_a1_jwk'::jsonb ->> 'k'), 'HS256')
       = jwt_auth.base64url_decode(split_part(:'rfc7515_a1_jws', '.', 2)) AS bytea_key_verifies;
SELECT jwt_auth.jwt_verify(:'rfc7515_a1_jws',
                           jwt_auth.base64url_decode(:'rfc7515_a1_jwk'::jsonb ->> 'k'));
SELECT jwt_auth.jwt_valid(:'rfc7515_a1_jws',
                          jwt_auth.base64url_decode(:'rfc7515_a1_jwk'::jsonb ->> 'k')) AS valid;

------------------------------------------------------------------------
-- RFC 7520 section 4.4: HS256 with a "kid" header over a text payload
------------------------------------------------------------------------

-- the RFC's token verifies and its payload is the cookbook's input text
SELECT convert_from(jwt_auth.jws_verify(:'rfc7520_44_jws', :'rfc7520_44_jwk'::jsonb, 'HS256'), 'UTF8')
           AS payload,
       convert_from(jwt_auth.jws_verify(:'rfc7520_44_jws', :'rfc7520_44_jwk'::jsonb, 'HS256'), 'UTF8')
           = :'cookbook_44'::jsonb #>> '{input,payload}' AS is_cookbook_payload,
       :'rfc7520_44_jws' = :'cookbook_44'::jsonb #>> '{output,compact}' AS rfc_and_cookbook_agree;

-- HMAC is deterministic and the RFC's protected header is {"alg","kid"} in
-- that order, which is the order jws_sign writes (alg first, then the extra
-- header members): signing the same payload with the same key and kid gives
-- the RFC's token byte for byte
SELECT jwt_auth.jws_sign(convert_to(:'cookbook_44'::jsonb #>> '{input,payload}', 'UTF8'),
                         :'rfc7520_44_jwk'::jsonb, 'HS256',
                         jsonb_build_object('kid', :'rfc7520_44_jwk'::jsonb ->> 'kid'))
       = :'rfc7520_44_jws' AS resigned_token_is_the_rfcs;
SELECT split_part(jwt_auth.jws_sign(convert_to(:'cookbook_44'::jsonb #>> '{input,payload}', 'UTF8'),
                                    :'rfc7520_44_jwk'::jsonb, 'HS256',
                                    jsonb_build_object('kid', :'rfc7520_44_jwk'::jsonb ->> 'kid')),
                  '.', 1) = :'cookbook_44'::jsonb #>> '{signing,protected_b64u}' AS same_protected_header;

------------------------------------------------------------------------
-- Project Wycheproof json_web_signature_test.json: every HS256 test
-- (test groups whose private key has alg HS256: tcIds 1-17, 348, 352,
-- 357-377). Their payloads are not JWT claims, so they go through
-- jws_verify: "valid" must verify, "invalid" must raise 28000.
------------------------------------------------------------------------

CREATE TEMP TABLE wycheproof_hs256 AS
SELECT (t ->> 'tcId')::int AS tcid,
       t ->> 'comment' AS comment,
       -- tcId 17 is a JSON serialization: an object, not a string. Only the
       -- compact serialization is supported, so its JSON text is passed as
       -- the token and must be rejected (as upstream expects)
       CASE jsonb_typeof(t -> 'jws') WHEN 'string' THEN t ->> 'jws' ELSE (t -> 'jws')::text END AS jws,
       t ->> 'result' AS upstream,
       g -> 'private' AS jwk
FROM jsonb_path_query(:'wycheproof_jws'::jsonb, '$.testGroups[*] ? (@.private.alg == "HS256")') AS g,
     jsonb_array_elements(g -> 'tests') AS t;

-- all 40 HS256 tests are there
SELECT count(*) AS hs256_tests, min(tcid), max(tcid) FROM wycheproof_hs256;

-- Known upstream defects, overridden: check that each still holds, so that a
-- corrected file makes this test fail and the override is looked at again.
-- tcId 367 ("invalidBase64Padding") and 370 ("invalidBase64PaddingInPayload")
-- are byte-identical to the valid tcId 357 but labelled invalid: they must verify.
-- tcId 372 and 373 are labelled valid but carry '?' inside the header and the
-- payload segment, which strict base64url must reject.
SELECT d.tcid, d.upstream,
       d.jws = v.jws AS same_as_357,
       strpos(split_part(d.jws, '.', 1) || '.' || split_part(d.jws, '.', 2), '?') > 0 AS question_mark_in_segment
FROM wycheproof_hs256 d, wycheproof_hs256 v
WHERE d.tcid IN (367, 370, 372, 373) AND v.tcid = 357
ORDER BY d.tcid;

-- one verification: 'valid' (and the payload is the decoded second segment),
-- 'invalid' for 28000 with its errdetail, else the SQLSTATE; clean says that
-- no message, detail or hint repeats the key or any part of the token
CREATE FUNCTION pg_temp.jws_outcome(token text, key jsonb,
                                    OUT got text, OUT detail text, OUT clean boolean)
LANGUAGE plpgsql AS $$
DECLARE
    payload bytea;
    msg text;
    det text;
    hint text;
BEGIN
    clean := true;
    payload := jwt_auth.jws_verify(token, key, 'HS256');
    IF payload = jwt_auth.base64url_decode(split_part(token, '.', 2)) THEN
        got := 'valid';
    ELSE
        got := 'wrong payload';
    END IF;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            hint = PG_EXCEPTION_HINT;
    got := CASE SQLSTATE WHEN '28000' THEN 'invalid' ELSE 'error ' || SQLSTATE END;
    detail := det;
    msg := concat_ws(' ', msg, det, hint);
    clean := strpos(msg, key ->> 'k') = 0
        AND NOT EXISTS (SELECT FROM regexp_split_to_table(token, '[.]') AS s
                        WHERE length(s) >= 4 AND strpos(msg, s) > 0);
END
$$;

CREATE TEMP TABLE wycheproof_hs256_results AS
SELECT w.tcid, w.comment, w.upstream,
       CASE
           -- upstream defect: byte-identical to the valid tcId 357
           WHEN w.tcid IN (367, 370) THEN 'valid'
           -- upstream defect: '?' inside a segment is not base64url
           WHEN w.tcid IN (372, 373) THEN 'invalid'
           ELSE w.upstream
       END AS expected,
       o.got, o.detail, o.clean
FROM wycheproof_hs256 w, pg_temp.jws_outcome(w.jws, w.jwk) AS o;

-- one line per test
SELECT tcid, upstream, expected, got, got = expected AS ok, comment, detail
FROM wycheproof_hs256_results
ORDER BY tcid;

-- no error message repeats the key or a piece of the token
SELECT count(*) FILTER (WHERE NOT clean) AS messages_echoing_key_or_token
FROM wycheproof_hs256_results;

-- summary for the file
SELECT format('%s passed / %s', count(*) FILTER (WHERE got = expected AND clean), count(*))
       AS json_web_signature_test
FROM wycheproof_hs256_results;
