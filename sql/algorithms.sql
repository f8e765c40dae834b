--
-- Algorithms: RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA with keys
-- the caller passes (PEM and JWK): each algorithm signs and verifies with every
-- form of its key, each key serves only its own algorithm family, algorithm
-- confusion is refused, ECDSA signatures come only as raw R||S (the
-- CVE-2022-21449 class), JWK sets pick their key by the token's kid, and no
-- error ever shows key material or the token
--
-- Every token is signed over the same claims; RS and EdDSA signatures are
-- deterministic, so those tokens are pinned; PS and ES signatures are
-- randomized, so only their headers, lengths and verdicts are shown.
--
\set claims '{"sub":"1234567890","name":"x","exp":4102444800}'

-- The keys, fixed here (psql variables; not echoed, so that the expected
-- output carries no private key material):
--   rsa_*      RFC 7515 appendix A.2 (2048 bits): the JWK with its private
--              members; PKCS#8 and PKCS#1 private PEM; SubjectPublicKeyInfo
--              and PKCS#1 public PEM; a self-signed certificate
--              (CN=jwt_auth test certificate, 2020 to 2100) over it
--   p256_*     RFC 7515 appendix A.3 (P-256): JWK; PKCS#8, SEC 1 and public PEM
--   p384_*     a P-384 key made for this suite: JWK; PKCS#8 and public PEM
--   p521_*     RFC 7515 appendix A.4 (P-521): JWK; PKCS#8 and public PEM
--   ed_*       RFC 8037 appendix A.1 (Ed25519): JWK; PKCS#8 and public PEM
--   ed2_*      RFC 8032 section 7.1 TEST 2 (Ed25519): JWK and PKCS#8 PEM
--   keys to be refused: rsa1024_* (1024 bits), k1_* (secp256k1), x25519_*
--   (RFC 8037 appendix A.6, a key agreement key), enc_pem (the P-256 key as
--   encrypted PKCS#8, under a passphrase)
\set ECHO none
SELECT
    -- RFC 7515 appendix A.2: the RSA key (2048 bits) as a JWK with its private members,
    -- and the same key as PKCS#8, PKCS#1, SubjectPublicKeyInfo and PKCS#1 public PEM
    '{"kty":"RSA","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ","e":"AQAB","d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ","p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc","q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc","dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0","dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU","qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"}' AS rsa_jwk,
$pem$-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCh+BYK4uPJtGXO
jS1lYmM2K5J9vinh8CR3/BYlzJChNuOL2TSXxbbqY913EeZ8dCn5VrD7io8ImtxL
aYk8wTM/U+3QGbh3hCUv7JFP5IV3aVlL6kKA0ywPVb9ilE8TA5a8bpvfbr3SvaNn
juygxmj3AbONv/s4yDQs4v5tJ/reSlpIdJed1LnPmt7Ex1sFhSwsD174pcF1A5L5
ROjtZMEQxrZHYJqkeDrrnGya11UxMFBji4NmXG9veoKjlnAqH2QbgtPr8jkiGUkf
toaHLFcW9Qr4NY2ai50Xw0Byj3+H2JoY2PyrZ62EWQwuz3WTOTY8BwNNb2BvniHg
VFbK5emhAgMBAAECggEAEq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyW
PEAeP88vLNO97IjlA7/GQ5sLKMgvfTeXZx9SE+7YwVol2NXOoAJe46sui395IW/G
O+pWJ1O0BkTGoVEn2bKVRUCgu+GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzj
kn439X0M/V51gfpRLI9JYanrC4D4qAdGcopV/0ZHHzQlBjudU2QvXt4ehNYTCBr6
XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl/x/jTj3ccPDVZFD9pIuhLhBOneufuBiB
4cS98l2SR/RQyGWSeWjnczT0QU91p1DhOVRuOopznQKBgQDgHMQQ60imZV1URk0K
pLttoLhyt3SmqdEf/kgHePDdtzEafpAu+cS191R2JiuoF2yzWXnwFDcqGigp5BNr
0AHQfD8/Lk8l1Mk09jxxCfui5nYooNyac8YFjm3vItzVCVDnEd3BbVWG8qf6deqE
lMGAg+C2V0L4oNXnP7LZcPAZRwKBgQC5A8R+CZW2MvRTLLHzwZkUXV866cff7tx6
kqa0finGG0KgeqlaZPxgCZnFp7AeAcCMtiynVlJ7vMVgePsLq6XtON4tB5kP9jAP
rq3rbAOal78eUH5OcED6eNuCV8ixEu1eWcPNCS/l1OW1EnXUEoEHKl54Xrrz2uNw
kgMTP1FZ1wKBgAcCn1dwJKufzBWQxWQp1vsM5fggqPN1qGb5y0MAk3g7/Ls5bkUp
5u9SN0Ai3Ya6hNnvWJMb7sXQX6U/zyO2M/hTip7tUeh7CXgwo59dkpN75gJLVds2
9+DAncu3KXU4f2Fa+7bLNrur53k8KwPOq2bbuTG69QtV7Jr5MR0AHWKNAoGBAIf/
evpitUf+4JYbLpvNXWcY052Mpz22aR84mY3nh3F2LF2mjMJDpTg7FmuyPcVw6EcG
yoAe9fa65iNqCq+jdw6PVNGo2hxfjSiZ8IIzHdsPXI89//pMjZcQK9r+CCoRjaZj
OYiIDktVWZzmevJuv6WywUqd57LE3Zar3dLSIkx1AoGAIYd7DHOhrWvxkwPQsRM2
tOgrjbcrfvtQJipd+DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd/QJQ3
ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp/gh6A56
03k2+ZQwVK0JKSHuLFkuQ3U=
-----END PRIVATE KEY-----
$pem$ AS rsa_priv_pem,
$pem$-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd/wWJcyQoTbji9k0
l8W26mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL+yRT+SFd2lZS+pC
gNMsD1W/YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb/7OMg0LOL+bSf63kpaSHSX
ndS5z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uD
Zlxvb3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxXFvUK+DWNmoudF8NAco9/h9iaGNj8
q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQIDAQABAoIBABKucaRpzQorw35S
bEUAVx8dYXUdZOlJcHtiWQ+dC6V8ljxAHj/PLyzTveyI5QO/xkObCyjIL303l2cf
UhPu2MFaJdjVzqACXuOrLot/eSFvxjvqVidTtAZExqFRJ9mylUVAoLvhowVWmC1O
n95fZCXxTUtxNEG1Xcc7m0rtzJKs45J+N/V9DP1edYH6USyPSWGp6wuA+KgHRnKK
Vf9GRx80JQY7nVNkL17eHoTWEwga+lwi0FEoW9Y7lDtWXYmKBWhUE+U8PGxlJf8f
40493HDw1WRQ/aSLoS4QTp3rn7gYgeHEvfJdkkf0UMhlknlo53M09EFPdadQ4TlU
bjqKc50CgYEA4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH/5IB3jw3bcxGn6QLvnE
tfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw/Py5PJdTJNPY8cQn7ouZ2KKDcmnPG
BY5t7yLc1QlQ5xHdwW1VhvKn+nXqhJTBgIPgtldC+KDV5z+y2XDwGUcCgYEAuQPE
fgmVtjL0Uyyx88GZFF1fOunH3+7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYs
p1ZSe7zFYHj7C6ul7TjeLQeZD/YwD66t62wDmpe/HlB+TnBA+njbglfIsRLtXlnD
zQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdcCgYAHAp9XcCSrn8wVkMVkKdb7
DOX4IKjzdahm+ctDAJN4O/y7OW5FKebvUjdAIt2GuoTZ71iTG+7F0F+lP88jtjP4
U4qe7VHoewl4MKOfXZKTe+YCS1XbNvfgwJ3Ltyl1OH9hWvu2yza7q+d5PCsDzqtm
27kxuvULVeya+TEdAB1ijQKBgQCH/3r6YrVH/uCWGy6bzV1nGNOdjKc9tmkfOJmN
54dxdixdpozCQ6U4OxZrsj3FcOhHBsqAHvX2uuYjagqvo3cOj1TRqNocX40omfCC
Mx3bD1yPPf/6TI2XECva/ggqEY2mYzmIiA5LVVmc5nrybr+lssFKneeyxN2Wq93S
0iJMdQKBgCGHewxzoa1r8ZMD0LETNrToK423K377UCYqXfg5XMclbrjPbEC3YI1Z
NqMtuhdBJqUnBi6tjKMF+34Xf0CUN8ncuXGO2CAYvO8PdyCixHX52ybaDjy1FtCE
6yUXjoKNXKvUm7MWGsAYH6f4IegOetN5NvmUMFStCSkh7ixZLkN1
-----END RSA PRIVATE KEY-----
$pem$ AS rsa_priv_pkcs1_pem,
$pem$-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAofgWCuLjybRlzo0tZWJj
NiuSfb4p4fAkd/wWJcyQoTbji9k0l8W26mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEz
P1Pt0Bm4d4QlL+yRT+SFd2lZS+pCgNMsD1W/YpRPEwOWvG6b32690r2jZ47soMZo
9wGzjb/7OMg0LOL+bSf63kpaSHSXndS5z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTB
EMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxX
FvUK+DWNmoudF8NAco9/h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXp
oQIDAQAB
-----END PUBLIC KEY-----
$pem$ AS rsa_pub_pem,
$pem$-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd/wWJcyQoTbji9k0l8W2
6mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL+yRT+SFd2lZS+pCgNMs
D1W/YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb/7OMg0LOL+bSf63kpaSHSXndS5
z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxv
b3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxXFvUK+DWNmoudF8NAco9/h9iaGNj8q2et
hFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQIDAQAB
-----END RSA PUBLIC KEY-----
$pem$ AS rsa_pub_pkcs1_pem,
    -- a self-signed certificate (CN=jwt_auth test certificate, 2020 to 2100) over the A.2 key
$pem$-----BEGIN CERTIFICATE-----
MIICwzCCAaugAwIBAgIBATANBgkqhkiG9w0BAQsFADAkMSIwIAYDVQQDDBlqd3Rf
YXV0aCB0ZXN0IGNlcnRpZmljYXRlMCAXDTIwMDEwMTAwMDAwMFoYDzIxMDAwMTAx
MDAwMDAwWjAkMSIwIAYDVQQDDBlqd3RfYXV0aCB0ZXN0IGNlcnRpZmljYXRlMIIB
IjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAofgWCuLjybRlzo0tZWJjNiuS
fb4p4fAkd/wWJcyQoTbji9k0l8W26mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEzP1Pt
0Bm4d4QlL+yRT+SFd2lZS+pCgNMsD1W/YpRPEwOWvG6b32690r2jZ47soMZo9wGz
jb/7OMg0LOL+bSf63kpaSHSXndS5z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTBEMa2
R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxXFvUK
+DWNmoudF8NAco9/h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQID
AQABMA0GCSqGSIb3DQEBCwUAA4IBAQBPxFFttN6EkAJvPg+8e1gPDEICSBloJkIL
Km1AUyywS2YrWxNXSgwPQCMiUyWXwg++oHi3dj+dK1sVzXbclSrxgamRYcX0u7wg
DXP70SN4MZbQBZFYAvgO1mV3/xOffQZ1Hg8qaCyqtC+Kzbl7xeCot43Zfc1m2qeF
WMvw4fsVhRyCipcILrgJ2ashoQ2nIOosKWd2hZU9O/YQMbtYnZZMVM84H2qczNCh
rXAZoi/kflM6WNF2evUPsyCLz4TgCtWR6chAt2tlgCtp5rUvsf55ox4X6EnkfPZG
tgqCuxWfpkN5zhu5+J3m+DfdeU8CbUc21GYrWMotpbv/Ifgw5tlJ
-----END CERTIFICATE-----
$pem$ AS rsa_cert,
    -- RFC 7515 appendix A.3: the P-256 key, as a JWK and as PKCS#8, SEC 1 and public PEM
    '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}' AS p256_jwk,
$pem$-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjpsQnnGQmL+YBIff
H1136cspYG6+0iY7X1fCE9+E9LKhRANCAAR/zc4ncPbEXUGDy+5v20t7WAczNXvp
7xO6z248e9FURcfxRM0bvZt+hyzf7bnuufSzaV1uqQskrYpGIyiFiOWt
-----END PRIVATE KEY-----
$pem$ AS p256_priv_pem,
$pem$-----BEGIN EC PRIVATE KEY-----
MHcCAQEEII6bEJ5xkJi/mASH3x9dd+nLKWBuvtImO19XwhPfhPSyoAoGCCqGSM49
AwEHoUQDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEXH8UTNG72b
focs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==
-----END EC PRIVATE KEY-----
$pem$ AS p256_priv_sec1_pem,
$pem$-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7
6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==
-----END PUBLIC KEY-----
$pem$ AS p256_pub_pem,
    -- a P-384 key made for this suite
    '{"kty":"EC","crv":"P-384","x":"wGiI6kYCyZU-R7__HPpJb2Kpx5uLRUfJ3jxk_eEG9Zv0BcinSxJV--EUz-X_IEZb","y":"h9GbOSDzyZzEhovRAFXH4kzmn6HcpYcCB-t4mSB-mwN0syRrF0O6wr3I1D7lCS38","d":"XgSage8Ttvnv0oz7QwBNCz0XGQ4GfUtDUbz1RoGxVulGr-rUzHtm2tfcS_ZqbPd6"}' AS p384_jwk,
$pem$-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDBeBJqB7xO2+e/SjPtD
AE0LPRcZDgZ9S0NRvPVGgbFW6Uav6tTMe2ba19xL9mps93qhZANiAATAaIjqRgLJ
lT5Hv/8c+klvYqnHm4tFR8nePGT94Qb1m/QFyKdLElX74RTP5f8gRluH0Zs5IPPJ
nMSGi9EAVcfiTOafodylhwIH63iZIH6bA3SzJGsXQ7rCvcjUPuUJLfw=
-----END PRIVATE KEY-----
$pem$ AS p384_priv_pem,
$pem$-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEwGiI6kYCyZU+R7//HPpJb2Kpx5uLRUfJ
3jxk/eEG9Zv0BcinSxJV++EUz+X/IEZbh9GbOSDzyZzEhovRAFXH4kzmn6HcpYcC
B+t4mSB+mwN0syRrF0O6wr3I1D7lCS38
-----END PUBLIC KEY-----
$pem$ AS p384_pub_pem,
    -- RFC 7515 appendix A.4: the P-521 key
    '{"kty":"EC","crv":"P-521","x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk","y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2","d":"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C"}' AS p521_jwk,
$pem$-----BEGIN PRIVATE KEY-----
MIHuAgEAMBAGByqGSM49AgEGBSuBBAAjBIHWMIHTAgEBBEIBjmlvsDRQWIHdEQtI
Prh9Ms5JX+NrN0Xt8tjK5PDyU59GFaDpjqtSs8DF6sTOB1GFqOe7R96sHR3ne8z2
YTXmPYKhgYkDgYYABAHpKQUPEk/GvFXH1TkzZd+d70qwwiyyV5j5NOsE48a643Aa
V6eRDp2BvzYxWejryxVdY0n0vbbM+KlMXFnHqsEBpAA0pkQON2dQ0jcf0b3CyPO3
HS9O5eo0MsgVzKMVYP5dk4fsd0tVg4Yw5cu/Woy+CpHdAGTGmZofbm5n+t3t5MjI
9g==
-----END PRIVATE KEY-----
$pem$ AS p521_priv_pem,
$pem$-----BEGIN PUBLIC KEY-----
MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQB6SkFDxJPxrxVx9U5M2Xfne9KsMIs
sleY+TTrBOPGuuNwGlenkQ6dgb82MVno68sVXWNJ9L22zPipTFxZx6rBAaQANKZE
DjdnUNI3H9G9wsjztx0vTuXqNDLIFcyjFWD+XZOH7HdLVYOGMOXLv1qMvgqR3QBk
xpmaH25uZ/rd7eTIyPY=
-----END PUBLIC KEY-----
$pem$ AS p521_pub_pem,
    -- RFC 8037 appendix A.1: the Ed25519 key; a second one from RFC 8032 section 7.1, TEST 2
    '{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}' AS ed_jwk,
$pem$-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
-----END PRIVATE KEY-----
$pem$ AS ed_priv_pem,
$pem$-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
-----END PUBLIC KEY-----
$pem$ AS ed_pub_pem,
    '{"kty":"OKP","crv":"Ed25519","x":"PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw","d":"TM0Imyj_ltqdtsNG7BFOD1uKMZ81q6Yk2oz27U-4pvs"}' AS ed2_jwk,
$pem$-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7
-----END PRIVATE KEY-----
$pem$ AS ed2_priv_pem,
    -- keys that must be refused: RSA 1024 bits, secp256k1, X25519 (RFC 8037 A.6, cannot sign),
    -- and an encrypted PKCS#8 key (the P-256 key under a passphrase)
$pem$-----BEGIN PRIVATE KEY-----
MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAME73Al/HJmQjVEx
zpAacIAHVoVDbSzpjZhyzdueHpuMXAgpyjxeN3mCZtOKZs7MwvFA3h4dqz7iDIeQ
3jf6AxZxFO13cvbASxjz5h1S16lWlKbLyOW4EGrQWWa9qQqwdHtX/ASFERCMaJci
fSgqMj/Nq9JMT0YRCDEoqFBMCddRAgMBAAECgYB+mrSpODJJ3y7oAuUe/2O0Tpp+
h9XxNjjCqH1+JhRRv93Qr2jEsspP/4NVmHmRhxE2tlSRkMjRU5P4Ao/GRzVbi9k5
jMLGeT45YmtxZpFWktptcU7LXfi3d3fars/EhP3Kpvsci4YkZpJ6xVJhQej55cS+
nr3eRE94AenOCnwgAQJBAOvnFr1d9yLG6SN9t6pbPRstvQKbWpEaut6x8SBMfh/F
HztczPeGsQI3qw+kEycgUu/AO8KlRx+o+qiLgMGqfgECQQDRsi+GMXoxW0WsNr9B
E9+NhZd1e5HKCtNi+hXL2Z9uIjgFAIrqPRzgAhCv5xJBfwSh+Zu0MAzYVVUBZHrC
iflRAkA5Ccj/xIaKzBl20WDlOeZOegKnbLS7PQFN8yxgKN6eA+WHTuroNpL5/EfK
IlvXLAOhoJNSfu/xgcQJmKFrMjQBAkEAp3xzmvI/z9Y/0uozXg46ezXdoFdfPYni
BucKq7QZNAUey1gAnFDNlFnx7B1apneGQr00UPoj+FJHwAH6TxGW0QJAX5FgRLfP
Tq5NjUG9L6gx5JDeXiYX71Np89F7ifQdc8/SFs0PD/cI6oiDGI62MFub2TAy12CG
QSGCjS9IpADmOQ==
-----END PRIVATE KEY-----
$pem$ AS rsa1024_priv_pem,
    '{"kty":"RSA","n":"wTvcCX8cmZCNUTHOkBpwgAdWhUNtLOmNmHLN254em4xcCCnKPF43eYJm04pmzszC8UDeHh2rPuIMh5DeN_oDFnEU7Xdy9sBLGPPmHVLXqVaUpsvI5bgQatBZZr2pCrB0e1f8BIUREIxolyJ9KCoyP82r0kxPRhEIMSioUEwJ11E","e":"AQAB"}' AS rsa1024_jwk,
$pem$-----BEGIN PRIVATE KEY-----
MIGEAgEAMBAGByqGSM49AgEGBSuBBAAKBG0wawIBAQQgxKTZgfilJbgelcILBd4k
rEeKEgFPeLx318x6SqBBd2KhRANCAARL1vsIstJ7WrtunvDIZLG1Qd97V/TBNW65
R9qz149lDF6grrqdSD7Nvlh9koJSXzO/utJBwn6lsnwNUmIYgy+/
-----END PRIVATE KEY-----
$pem$ AS k1_priv_pem,
    '{"kty":"EC","crv":"secp256k1","x":"S9b7CLLSe1q7bp7wyGSxtUHfe1f0wTVuuUfas9ePZQw","y":"XqCuup1IPs2-WH2SglJfM7-60kHCfqWyfA1SYhiDL78","d":"xKTZgfilJbgelcILBd4krEeKEgFPeLx318x6SqBBd2I"}' AS k1_jwk,
$pem$-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VuBCIEIHcHbQpzGKV9PBbBclGyZkXfTC+H68CZKrF3+6UduSwq
-----END PRIVATE KEY-----
$pem$ AS x25519_priv_pem,
    '{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo","d":"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo"}' AS x25519_jwk,
$pem$-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjXuDnoWE6LtQICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEELDSxIG+eKXKf62OKxDfUmsEgZD4
aOmepIn012yVO4kxM3pyfP/a78h44bX3Z4wItNSfPSHFWJYIwGvJp3lueE4AzUbL
aOuGoGqsCOjoB6Prg7tZ2lXMbZLqYNJ+CM3EEz0CSm8kNgC/7LbtxFvcatOFPW5G
gMRdDCX3PtlO9EuABF96AhyXw4LDtve7ToXkS7mbKNtDo/MvMlBNn7NfBEbjbbk=
-----END ENCRYPTED PRIVATE KEY-----
$pem$ AS enc_pem
\gset
\set ECHO all
-- the public JWKs are the private ones without their private members
\set rsa_pub_jwk '{"kty":"RSA","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ","e":"AQAB"}'
SELECT :'rsa_jwk'::jsonb - '{d,p,q,dp,dq,qi}'::text[] = :'rsa_pub_jwk'::jsonb AS rsa_pub_jwk_is_rsa_jwk_without_private_members;

-- every key the suite holds, for the leak check at the end
CREATE TEMP TABLE material (name text PRIMARY KEY, pem text, jwk jsonb);
INSERT INTO material VALUES
    ('rsa', :'rsa_priv_pem', :'rsa_jwk'), ('rsa pkcs1', :'rsa_priv_pkcs1_pem', NULL),
    ('rsa public', :'rsa_pub_pem', NULL), ('rsa pkcs1 public', :'rsa_pub_pkcs1_pem', NULL),
    ('rsa certificate', :'rsa_cert', NULL),
    ('p256', :'p256_priv_pem', :'p256_jwk'), ('p256 sec1', :'p256_priv_sec1_pem', NULL),
    ('p256 public', :'p256_pub_pem', NULL),
    ('p384', :'p384_priv_pem', :'p384_jwk'), ('p384 public', :'p384_pub_pem', NULL),
    ('p521', :'p521_priv_pem', :'p521_jwk'), ('p521 public', :'p521_pub_pem', NULL),
    ('ed25519', :'ed_priv_pem', :'ed_jwk'), ('ed25519 public', :'ed_pub_pem', NULL),
    ('ed25519 second', :'ed2_priv_pem', :'ed2_jwk'),
    ('rsa 1024', :'rsa1024_priv_pem', :'rsa1024_jwk'), ('secp256k1', :'k1_priv_pem', :'k1_jwk'),
    ('x25519', :'x25519_priv_pem', :'x25519_jwk'), ('encrypted', :'enc_pem', NULL);

-- Every call that may fail goes through attempt(): its SQLSTATE and error
-- fields (kept in the table seen, for the leak check), or 00000 and its
-- result. op is sign (the claims above), jws_sign (token is the payload
-- text), verify (the claims), valid, jws_verify (the payload as text) or
-- verify_bytea (the key text as bytea); the key is key (text) or, when that
-- is null, jwk.
CREATE TEMP TABLE seen (what text, token text, code text, message text, detail text, hint text);
CREATE FUNCTION pg_temp.attempt(what text, op text, token text, key text, jwk jsonb, alg text,
    OUT code text, OUT result text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
DECLARE
    claims constant text := '{"sub":"1234567890","name":"x","exp":4102444800}';
BEGIN
    IF op = 'jws_sign' AND key IS NOT NULL THEN
        result := jwt_auth.jws_sign(convert_to(token, 'UTF8'), key, alg);
    ELSIF op = 'jws_sign' THEN
        result := jwt_auth.jws_sign(convert_to(token, 'UTF8'), jwk, alg);
    ELSIF op = 'sign' AND key IS NOT NULL THEN
        result := jwt_auth.jwt_sign(claims, key, alg);
    ELSIF op = 'sign' THEN
        result := jwt_auth.jwt_sign(claims, jwk, alg);
    ELSIF op = 'verify' AND key IS NOT NULL THEN
        result := jwt_auth.jwt_verify(token, key, alg);
    ELSIF op = 'verify' THEN
        result := jwt_auth.jwt_verify(token, jwk, alg);
    ELSIF op = 'valid' AND key IS NOT NULL THEN
        result := jwt_auth.jwt_valid(token, key, alg);
    ELSIF op = 'valid' THEN
        result := jwt_auth.jwt_valid(token, jwk, alg);
    ELSIF op = 'jws_verify' AND key IS NOT NULL THEN
        result := convert_from(jwt_auth.jws_verify(token, key, alg), 'UTF8');
    ELSIF op = 'jws_verify' THEN
        result := convert_from(jwt_auth.jws_verify(token, jwk, alg), 'UTF8');
    ELSIF op = 'verify_bytea' THEN
        result := jwt_auth.jwt_verify(token, convert_to(key, 'UTF8'), alg);
    ELSE
        RAISE 'unknown op %', op;
    END IF;
    code := '00000';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    detail := nullif(detail, '');
    hint := nullif(hint, '');
    INSERT INTO seen VALUES (what, token, code, message, detail, hint);
END
$$;

-- a verification's verdict in a word: ok when it gives back the signed
-- claims, else the SQLSTATE and the reason
CREATE FUNCTION pg_temp.verdict(token text, key text, jwk jsonb, alg text) RETURNS text
LANGUAGE sql AS $$
    SELECT CASE WHEN r.code = '00000' AND r.result::jsonb = '{"sub":"1234567890","name":"x","exp":4102444800}'
                THEN 'ok' ELSE concat_ws(' ', r.code, r.detail, r.result) END
    FROM pg_temp.attempt('verify ' || alg, 'verify', token, key, jwk, alg) r
$$;

-- a token with another signature
CREATE FUNCTION pg_temp.resign(token text, sig bytea) RETURNS text
LANGUAGE sql AS $$
    SELECT split_part(token, '.', 1) || '.' || split_part(token, '.', 2) || '.' || jwt_auth.base64url_encode(sig)
$$;

--
-- Public vectors: the RFC keys give the RFC's signatures
--

-- RFC 7515 A.2 (RS256) and RFC 8037 A.4 (EdDSA) are deterministic: signing
-- their payloads again, with the PEM or the JWK, gives the RFCs' tokens
\set a2 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw'
\set a3 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q'
\set a4 'eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn'
\set ed 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg'
SELECT jwt_auth.jws_sign(jwt_auth.base64url_decode(split_part(:'a2', '.', 2)), :'rsa_priv_pem', 'RS256') = :'a2' AS rfc7515_a2_from_pem,
       jwt_auth.jws_sign(jwt_auth.base64url_decode(split_part(:'a2', '.', 2)), :'rsa_jwk'::jsonb, 'RS256') = :'a2' AS rfc7515_a2_from_jwk;
SELECT what, r.code, r.result = :'ed' AS rfc8037_a4, r.detail
FROM (VALUES (1, 'from PEM', :'ed_priv_pem', NULL::jsonb), (2, 'from JWK', NULL, :'ed_jwk'::jsonb)) k(n, what, key, jwk),
     LATERAL pg_temp.attempt('RFC 8037 A.4 ' || what, 'jws_sign', 'Example of Ed25519 signing', key, jwk, 'EdDSA') r
ORDER BY n;
-- the RFC tokens verify with every form of their keys (A.2 and A.3 carry JWT
-- claims that expired in 2011, so they go through jws_verify)
SELECT n, vector, form, r.code, r.result = convert_from(jwt_auth.base64url_decode(split_part(token, '.', 2)), 'UTF8') AS payload_returned, r.detail
FROM (VALUES
    (1, 'RFC 7515 A.2', 'private PEM (PKCS#8)', :'a2', 'RS256', :'rsa_priv_pem', NULL::jsonb),
    (2, 'RFC 7515 A.2', 'private PEM (PKCS#1)', :'a2', 'RS256', :'rsa_priv_pkcs1_pem', NULL),
    (3, 'RFC 7515 A.2', 'public PEM', :'a2', 'RS256', :'rsa_pub_pem', NULL),
    (4, 'RFC 7515 A.2', 'public PEM (PKCS#1)', :'a2', 'RS256', :'rsa_pub_pkcs1_pem', NULL),
    (5, 'RFC 7515 A.2', 'certificate', :'a2', 'RS256', :'rsa_cert', NULL),
    (6, 'RFC 7515 A.2', 'private JWK', :'a2', 'RS256', NULL, :'rsa_jwk'),
    (7, 'RFC 7515 A.2', 'public JWK', :'a2', 'RS256', NULL, :'rsa_pub_jwk'),
    (8, 'RFC 7515 A.3', 'private PEM (PKCS#8)', :'a3', 'ES256', :'p256_priv_pem', NULL),
    (9, 'RFC 7515 A.3', 'private PEM (SEC 1)', :'a3', 'ES256', :'p256_priv_sec1_pem', NULL),
    (10, 'RFC 7515 A.3', 'public PEM', :'a3', 'ES256', :'p256_pub_pem', NULL),
    (11, 'RFC 7515 A.3', 'private JWK', :'a3', 'ES256', NULL, :'p256_jwk'),
    (12, 'RFC 7515 A.3', 'public JWK', :'a3', 'ES256', NULL, :'p256_jwk'::jsonb - 'd'),
    (13, 'RFC 7515 A.4', 'private PEM', :'a4', 'ES512', :'p521_priv_pem', NULL),
    (14, 'RFC 7515 A.4', 'public PEM', :'a4', 'ES512', :'p521_pub_pem', NULL),
    (15, 'RFC 7515 A.4', 'private JWK', :'a4', 'ES512', NULL, :'p521_jwk'),
    (16, 'RFC 7515 A.4', 'public JWK', :'a4', 'ES512', NULL, :'p521_jwk'::jsonb - 'd'),
    (17, 'RFC 8037 A.4', 'private PEM', :'ed', 'EdDSA', :'ed_priv_pem', NULL),
    (18, 'RFC 8037 A.4', 'public PEM', :'ed', 'EdDSA', :'ed_pub_pem', NULL),
    (19, 'RFC 8037 A.4', 'private JWK', :'ed', 'EdDSA', NULL, :'ed_jwk'),
    (20, 'RFC 8037 A.4', 'public JWK', :'ed', 'EdDSA', NULL, :'ed_jwk'::jsonb - 'd')
) v(n, vector, form, token, alg, key, jwk),
LATERAL pg_temp.attempt(vector || ' with the ' || form, 'jws_verify', token, key, jwk, alg) r
ORDER BY n;
-- through jwt_verify, the RFC 7515 A.2 signature is good and its claims have expired
SELECT jwt_auth.jwt_verify(:'a2', :'rsa_pub_pem', 'RS256');

--
-- Every algorithm signs with its private PEM and its private JWK, and each
-- token verifies with every form of its key
--
CREATE TEMP TABLE algs (n int PRIMARY KEY, alg text, priv_pem text, pub_pem text, jwk jsonb, pub_jwk jsonb, cert text);
INSERT INTO algs VALUES
    (1, 'RS256', :'rsa_priv_pem', :'rsa_pub_pem', :'rsa_jwk', :'rsa_pub_jwk', :'rsa_cert'),
    (2, 'RS384', :'rsa_priv_pem', :'rsa_pub_pem', :'rsa_jwk', :'rsa_pub_jwk', :'rsa_cert'),
    (3, 'RS512', :'rsa_priv_pem', :'rsa_pub_pem', :'rsa_jwk', :'rsa_pub_jwk', :'rsa_cert'),
    (4, 'PS256', :'rsa_priv_pem', :'rsa_pub_pem', :'rsa_jwk', :'rsa_pub_jwk', :'rsa_cert'),
    (5, 'PS384', :'rsa_priv_pem', :'rsa_pub_pem', :'rsa_jwk', :'rsa_pub_jwk', :'rsa_cert'),
    (6, 'PS512', :'rsa_priv_pem', :'rsa_pub_pem', :'rsa_jwk', :'rsa_pub_jwk', :'rsa_cert'),
    (7, 'ES256', :'p256_priv_pem', :'p256_pub_pem', :'p256_jwk', :'p256_jwk'::jsonb - 'd', NULL),
    (8, 'ES384', :'p384_priv_pem', :'p384_pub_pem', :'p384_jwk', :'p384_jwk'::jsonb - 'd', NULL),
    (9, 'ES512', :'p521_priv_pem', :'p521_pub_pem', :'p521_jwk', :'p521_jwk'::jsonb - 'd', NULL),
    (10, 'EdDSA', :'ed_priv_pem', :'ed_pub_pem', :'ed_jwk', :'ed_jwk'::jsonb - 'd', NULL);

CREATE TEMP TABLE signed AS
SELECT a.n, a.alg, s.signer, r.code, r.detail, r.result AS token
FROM algs a, (VALUES ('PEM'), ('JWK')) s(signer),
     LATERAL pg_temp.attempt('sign ' || a.alg || ' with the private ' || s.signer, 'sign', NULL,
                             CASE s.signer WHEN 'PEM' THEN a.priv_pem END,
                             CASE s.signer WHEN 'JWK' THEN a.jwk END, a.alg) r;
-- every algorithm signs with both
SELECT alg, signer, code, detail FROM signed ORDER BY n, signer DESC;

-- RS and EdDSA signatures are deterministic: the PEM and the JWK give the
-- same token, pinned here
SELECT p.alg, p.token = j.token AS jwk_token_equals_pem_token
FROM signed p JOIN signed j USING (n)
WHERE p.signer = 'PEM' AND j.signer = 'JWK' AND (p.alg LIKE 'RS%' OR p.alg = 'EdDSA')
ORDER BY n;
SELECT alg, token FROM signed WHERE signer = 'PEM' AND (alg LIKE 'RS%' OR alg = 'EdDSA') ORDER BY n;

-- every token's header names its algorithm, and its signature has the
-- algorithm's length: the RSA modulus, R||S of the curve, 64 for Ed25519
SELECT alg, signer, (jwt_auth.jwt_decode(token)).header,
       octet_length((jwt_auth.jwt_decode(token)).signature) AS signature_bytes
FROM signed ORDER BY n, signer DESC;
-- PS and ES signatures are randomized: signing again gives another token
SELECT alg, jwt_auth.jwt_sign(:'claims', priv_pem, alg) <> token AS pem_signs_anew,
       jwt_auth.jwt_sign(:'claims', jwk, alg) <> token AS jwk_signs_anew
FROM signed JOIN algs USING (n, alg)
WHERE signer = 'PEM' AND alg ~ '^(PS|ES)'
ORDER BY n;

-- each token verifies (ok: the claims come back) with the private PEM, the
-- public PEM, the private JWK, the public JWK and, for RSA, the certificate
SELECT s.alg, s.signer,
       pg_temp.verdict(s.token, a.priv_pem, NULL, a.alg) AS private_pem,
       pg_temp.verdict(s.token, a.pub_pem, NULL, a.alg) AS public_pem,
       pg_temp.verdict(s.token, NULL, a.jwk, a.alg) AS private_jwk,
       pg_temp.verdict(s.token, NULL, a.pub_jwk, a.alg) AS public_jwk,
       CASE WHEN a.cert IS NOT NULL THEN pg_temp.verdict(s.token, a.cert, NULL, a.alg) END AS certificate,
       jwt_auth.jwt_valid(s.token, a.pub_pem, a.alg) AS jwt_valid
FROM signed s JOIN algs a USING (n, alg)
ORDER BY n, s.signer DESC;

-- a changed payload under the old signature verifies with none of them
SELECT s.alg, pg_temp.verdict(t.token, a.pub_pem, NULL, a.alg) AS public_pem,
       pg_temp.verdict(t.token, NULL, a.jwk, a.alg) AS private_jwk,
       jwt_auth.jwt_valid(t.token, a.pub_pem, a.alg) AS jwt_valid
FROM signed s JOIN algs a USING (n, alg),
     LATERAL (SELECT split_part(s.token, '.', 1) || '.' ||
                     jwt_auth.base64url_encode(convert_to('{"sub":"1234567891","name":"x","exp":4102444800}', 'UTF8')) || '.' ||
                     split_part(s.token, '.', 3) AS token) t
WHERE s.signer = 'PEM'
ORDER BY n;

-- other PEM forms and layouts sign the same: PKCS#1 (BEGIN RSA PRIVATE KEY)
-- gives the PKCS#8 key's token, SEC 1 (BEGIN EC PRIVATE KEY) signs ES256,
-- and blank lines before the PEM or CRLF line ends change nothing
SELECT n, form, r.code, r.detail,
       CASE WHEN alg = 'RS256' THEN r.result = (SELECT token FROM signed WHERE signer = 'PEM' AND alg = 'RS256') END AS same_token,
       pg_temp.verdict(r.result, pub, NULL, alg) AS verifies
FROM (VALUES
    (1, 'PKCS#1 private key', 'RS256', :'rsa_priv_pkcs1_pem', :'rsa_pub_pem'),
    (2, 'SEC 1 EC private key', 'ES256', :'p256_priv_sec1_pem', :'p256_pub_pem'),
    (3, 'PKCS#8 after blank lines', 'RS256', E'\n  \n' || :'rsa_priv_pem', :'rsa_pub_pem'),
    (4, 'PKCS#8 with CRLF line ends', 'RS256', replace(:'rsa_priv_pem', E'\n', E'\r\n'), :'rsa_pub_pem'),
    (5, 'Ed25519 PKCS#8 with CRLF line ends', 'EdDSA', replace(:'ed_priv_pem', E'\n', E'\r\n'), :'ed_pub_pem')
) f(n, form, alg, key, pub),
LATERAL pg_temp.attempt('sign with a ' || form, 'sign', NULL, key, NULL, alg) r
ORDER BY n;
-- and verify the same: PKCS#1 public key (BEGIN RSA PUBLIC KEY), public PEM
-- and certificate with CRLF line ends or after blank lines
SELECT n, form, pg_temp.verdict((SELECT token FROM signed WHERE signer = 'PEM' AND alg = 'RS256'), key, NULL, 'RS256') AS verifies
FROM (VALUES
    (1, 'PKCS#1 public key', :'rsa_pub_pkcs1_pem'),
    (2, 'public PEM with CRLF line ends', replace(:'rsa_pub_pem', E'\n', E'\r\n')),
    (3, 'certificate with CRLF line ends', replace(:'rsa_cert', E'\n', E'\r\n')),
    (4, 'public PEM after blank lines', E'\r\n\n' || :'rsa_pub_pem')
) f(n, form, key)
ORDER BY n;

-- the tokens the sections below work on
SELECT max(token) FILTER (WHERE alg = 'RS256') AS t_rs256, max(token) FILTER (WHERE alg = 'PS256') AS t_ps256,
       max(token) FILTER (WHERE alg = 'ES256') AS t_es256, max(token) FILTER (WHERE alg = 'ES384') AS t_es384,
       max(token) FILTER (WHERE alg = 'ES512') AS t_es512, max(token) FILTER (WHERE alg = 'EdDSA') AS t_eddsa
FROM signed WHERE signer = 'PEM' \gset

-- a key with one bit of a base64url member flipped (in its last byte)
CREATE FUNCTION pg_temp.flip(jwk jsonb, member text) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jwk || jsonb_build_object(member, jwt_auth.base64url_encode(
        set_byte(b, octet_length(b) - 1, get_byte(b, octet_length(b) - 1) # 1)))
    FROM (SELECT jwt_auth.base64url_decode(jwk ->> member) AS b) s
$$;

--
-- Each key serves its own algorithm family only: an RSA key RS and PS (2048
-- bits or more), an EC key the ES variant of its curve, an Ed25519 key
-- EdDSA, a secret HS; a JWK's alg, use and key_ops narrow it further.
-- All 22023, the detail naming the problem, for signing and for verifying.
--
CREATE TEMP TABLE binding (n int PRIMARY KEY, what text, op text, token text, key text, jwk jsonb, alg text);
INSERT INTO binding VALUES
    (1, 'RSA private PEM for ES256', 'sign', NULL, :'rsa_priv_pem', NULL, 'ES256'),
    (2, 'RSA public PEM for ES256', 'verify', :'t_es256', :'rsa_pub_pem', NULL, 'ES256'),
    (3, 'RSA private JWK for EdDSA', 'sign', NULL, NULL, :'rsa_jwk', 'EdDSA'),
    (4, 'RSA public JWK for EdDSA', 'verify', :'t_eddsa', NULL, :'rsa_pub_jwk', 'EdDSA'),
    (5, 'RSA private PEM for HS256', 'sign', NULL, :'rsa_priv_pem', NULL, 'HS256'),
    (6, 'RSA public PEM for HS256', 'verify', :'t_rs256', :'rsa_pub_pem', NULL, 'HS256'),
    (7, 'RSA private JWK for HS256', 'sign', NULL, NULL, :'rsa_jwk', 'HS256'),
    (8, 'RSA certificate for HS256', 'verify', :'t_rs256', :'rsa_cert', NULL, 'HS256'),
    (9, 'P-256 private PEM for ES384', 'sign', NULL, :'p256_priv_pem', NULL, 'ES384'),
    (10, 'P-256 public JWK for ES384', 'verify', :'t_es384', NULL, :'p256_jwk'::jsonb - 'd', 'ES384'),
    (11, 'P-384 private PEM for ES256', 'sign', NULL, :'p384_priv_pem', NULL, 'ES256'),
    (12, 'P-384 public PEM for ES256', 'verify', :'t_es256', :'p384_pub_pem', NULL, 'ES256'),
    (13, 'P-521 private JWK for ES256', 'sign', NULL, NULL, :'p521_jwk', 'ES256'),
    (14, 'P-256 private PEM for ES512', 'sign', NULL, :'p256_priv_pem', NULL, 'ES512'),
    (15, 'Ed25519 private PEM for ES256', 'sign', NULL, :'ed_priv_pem', NULL, 'ES256'),
    (16, 'Ed25519 public JWK for ES256', 'verify', :'t_es256', NULL, :'ed_jwk'::jsonb - 'd', 'ES256'),
    (17, 'Ed25519 private JWK for RS256', 'sign', NULL, NULL, :'ed_jwk', 'RS256'),
    (18, 'P-256 private PEM for EdDSA', 'sign', NULL, :'p256_priv_pem', NULL, 'EdDSA'),
    (19, 'P-256 private JWK for PS256', 'sign', NULL, NULL, :'p256_jwk', 'PS256'),
    (20, 'HMAC secret for RS256', 'sign', NULL, 'an HMAC secret of more than 32 bytes, for HS256', NULL, 'RS256'),
    (21, 'oct JWK for ES256', 'verify', :'t_es256', NULL, '{"kty":"oct","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}', 'ES256'),
    (22, 'RSA 1024-bit private PEM for RS256', 'sign', NULL, :'rsa1024_priv_pem', NULL, 'RS256'),
    (23, 'RSA 1024-bit private PEM for PS256', 'sign', NULL, :'rsa1024_priv_pem', NULL, 'PS256'),
    (24, 'RSA 1024-bit public JWK for RS256', 'verify', :'t_rs256', NULL, :'rsa1024_jwk', 'RS256'),
    (25, 'JWK bound to RS256, signing PS256', 'sign', NULL, NULL, :'rsa_jwk'::jsonb || '{"alg":"RS256"}', 'PS256'),
    (26, 'public JWK bound to RS256, verifying PS256', 'verify', :'t_ps256', NULL, :'rsa_pub_jwk'::jsonb || '{"alg":"RS256"}', 'PS256'),
    (27, 'JWK bound to ES256 on an RSA key', 'verify', :'t_rs256', NULL, :'rsa_pub_jwk'::jsonb || '{"alg":"ES256"}', 'RS256'),
    (28, 'JWK bound to ES384 on a P-256 key', 'verify', :'t_es256', NULL, :'p256_jwk'::jsonb || '{"alg":"ES384"}', 'ES256'),
    (29, 'JWK bound to an unknown algorithm', 'verify', :'t_rs256', NULL, :'rsa_pub_jwk'::jsonb || '{"alg":"RS1024"}', 'RS256'),
    (30, 'RSA public PEM signing', 'sign', NULL, :'rsa_pub_pem', NULL, 'RS256'),
    (31, 'RSA PKCS#1 public PEM signing', 'sign', NULL, :'rsa_pub_pkcs1_pem', NULL, 'RS256'),
    (32, 'certificate signing', 'sign', NULL, :'rsa_cert', NULL, 'RS256'),
    (33, 'RSA public JWK signing', 'sign', NULL, NULL, :'rsa_pub_jwk', 'PS256'),
    (34, 'P-256 public PEM signing', 'sign', NULL, :'p256_pub_pem', NULL, 'ES256'),
    (35, 'P-521 public JWK signing', 'sign', NULL, NULL, :'p521_jwk'::jsonb - 'd', 'ES512'),
    (36, 'Ed25519 public PEM signing', 'sign', NULL, :'ed_pub_pem', NULL, 'EdDSA'),
    (37, 'Ed25519 public JWK signing', 'sign', NULL, NULL, :'ed_jwk'::jsonb - 'd', 'EdDSA'),
    (38, 'JWK with use enc, signing', 'sign', NULL, NULL, :'rsa_jwk'::jsonb || '{"use":"enc"}', 'RS256'),
    (39, 'public JWK with use enc, verifying', 'verify', :'t_rs256', NULL, :'rsa_pub_jwk'::jsonb || '{"use":"enc"}', 'RS256'),
    (40, 'JWK with key_ops ["verify"], signing', 'sign', NULL, NULL, :'rsa_jwk'::jsonb || '{"key_ops":["verify"]}', 'RS256'),
    (41, 'JWK with key_ops ["sign"], verifying', 'verify', :'t_rs256', NULL, :'rsa_jwk'::jsonb || '{"key_ops":["sign"]}', 'RS256'),
    (42, 'JWK with key_ops [], signing', 'sign', NULL, NULL, :'p256_jwk'::jsonb || '{"key_ops":[]}', 'ES256'),
    (43, 'JWK with key_ops ["encrypt"], verifying', 'verify', :'t_es256', NULL, :'p256_jwk'::jsonb || '{"key_ops":["encrypt"]}', 'ES256'),
    -- and what these keys may do: 00000
    (44, 'JWK bound to RS256, signing RS256', 'sign', NULL, NULL, :'rsa_jwk'::jsonb || '{"alg":"RS256"}', 'RS256'),
    (45, 'public JWK bound to PS256, verifying PS256', 'verify', :'t_ps256', NULL, :'rsa_pub_jwk'::jsonb || '{"alg":"PS256"}', 'PS256'),
    (46, 'JWK with use sig, signing', 'sign', NULL, NULL, :'p256_jwk'::jsonb || '{"use":"sig"}', 'ES256'),
    (47, 'JWK with key_ops ["sign","verify"], signing', 'sign', NULL, NULL, :'rsa_jwk'::jsonb || '{"key_ops":["sign","verify"]}', 'PS512'),
    (48, 'public JWK with key_ops ["verify"], verifying', 'verify', :'t_es256', NULL, :'p256_jwk'::jsonb - 'd' || '{"key_ops":["verify"]}', 'ES256'),
    (49, 'certificate verifying PS256', 'verify', :'t_ps256', :'rsa_cert', NULL, 'PS256');
SELECT n, what, r.code, r.detail, r.hint
FROM binding b, LATERAL pg_temp.attempt(what, op, token, key, jwk, alg) r
ORDER BY n;
-- jwt_valid raises the same errors: a bad key is the caller's error, whatever the token
SELECT n, what, r.code, r.detail
FROM binding b, LATERAL pg_temp.attempt(what || ' (jwt_valid)', 'valid', token, key, jwk, alg) r
WHERE op = 'verify'
ORDER BY n;

--
-- Malformed and unsupported keys: 22023, "key is malformed or of an
-- unsupported form" or "key type is not supported"
--
CREATE TEMP TABLE malformed (n int PRIMARY KEY, what text, op text, token text, key text, jwk jsonb, alg text);
INSERT INTO malformed VALUES
    -- PEM
    (1, 'private PEM cut short, no END line', 'sign', NULL, left(:'rsa_priv_pem', 400), NULL, 'RS256'),
    (2, 'private PEM with half its body', 'sign', NULL,
        array_to_string((string_to_array(:'rsa_priv_pem', E'\n'))[1:13], E'\n') || E'\n-----END PRIVATE KEY-----\n', NULL, 'RS256'),
    (3, 'public PEM with its last body line missing', 'verify', :'t_rs256',
        regexp_replace(:'rsa_pub_pem', E'\noQIDAQAB\n', E'\n'), NULL, 'RS256'),
    (4, 'public PEM whose body is base64 of no key', 'verify', :'t_rs256',
        E'-----BEGIN PUBLIC KEY-----\nVGhpcyBpcyBub3QgYSBrZXksIGp1c3QgYmFzZTY0IHRleHQu\n-----END PUBLIC KEY-----\n', NULL, 'RS256'),
    (5, 'private PEM whose body is not base64', 'sign', NULL,
        E'-----BEGIN PRIVATE KEY-----\n@@@ not * base64 @@@\n-----END PRIVATE KEY-----\n', NULL, 'ES256'),
    (6, 'private PEM with an empty body', 'sign', NULL, E'-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n', NULL, 'ES256'),
    (7, 'private key under PUBLIC KEY armour', 'verify', :'t_es256',
        replace(:'p256_priv_pem', 'PRIVATE KEY', 'PUBLIC KEY'), NULL, 'ES256'),
    (8, 'public key under PRIVATE KEY armour', 'sign', NULL,
        replace(:'p256_pub_pem', 'PUBLIC KEY', 'PRIVATE KEY'), NULL, 'ES256'),
    (9, 'public key under CERTIFICATE armour', 'verify', :'t_rs256',
        replace(:'rsa_pub_pem', 'PUBLIC KEY', 'CERTIFICATE'), NULL, 'RS256'),
    (10, 'BEGIN PRIVATE KEY ended by END PUBLIC KEY', 'sign', NULL,
        replace(:'ed_priv_pem', 'END PRIVATE KEY', 'END PUBLIC KEY'), NULL, 'EdDSA'),
    (11, 'an armour that names no key', 'verify', :'t_rs256',
        replace(:'rsa_pub_pem', 'PUBLIC KEY', 'JWT KEY'), NULL, 'RS256'),
    (12, 'encrypted PKCS#8, signing (no passphrase is asked for)', 'sign', NULL, :'enc_pem', NULL, 'ES256'),
    (13, 'encrypted PKCS#8, verifying', 'verify', :'t_es256', :'enc_pem', NULL, 'ES256'),
    (14, 'secp256k1 private PEM', 'sign', NULL, :'k1_priv_pem', NULL, 'ES256'),
    (15, 'X25519 private PEM', 'sign', NULL, :'x25519_priv_pem', NULL, 'EdDSA'),
    -- JWK
    (16, 'RSA JWK without n', 'sign', NULL, NULL, :'rsa_jwk'::jsonb - 'n', 'RS256'),
    (17, 'RSA JWK without e', 'verify', :'t_rs256', NULL, :'rsa_pub_jwk'::jsonb - 'e', 'RS256'),
    (18, 'RSA JWK with n in base64, not base64url', 'verify', :'t_rs256', NULL,
        :'rsa_pub_jwk'::jsonb || jsonb_build_object('n', translate(:'rsa_pub_jwk'::jsonb ->> 'n', '-_', '+/')), 'RS256'),
    (19, 'RSA JWK with n a number', 'verify', :'t_rs256', NULL, :'rsa_pub_jwk'::jsonb || '{"n":12345}', 'RS256'),
    (20, 'RSA JWK with p but not q', 'sign', NULL, NULL, :'rsa_jwk'::jsonb - 'q', 'RS256'),
    (21, 'EC JWK with x in base64, not base64url', 'verify', :'t_es256', NULL,
        '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU+","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}', 'ES256'),
    (22, 'EC JWK with x padded', 'verify', :'t_es256', NULL,
        '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU=","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}', 'ES256'),
    (23, 'EC private JWK whose point is not on the curve', 'sign', NULL, NULL, pg_temp.flip(:'p256_jwk', 'y'), 'ES256'),
    (24, 'EC public JWK whose point is not on the curve', 'verify', :'t_es256', NULL, pg_temp.flip(:'p256_jwk'::jsonb - 'd', 'y'), 'ES256'),
    (25, 'P-384 public JWK whose point is not on the curve', 'verify', :'t_es384', NULL, pg_temp.flip(:'p384_jwk'::jsonb - 'd', 'x'), 'ES384'),
    (26, 'P-256 JWK with a 33-byte x', 'verify', :'t_es256', NULL,
        :'p256_jwk'::jsonb - 'd' || jsonb_build_object('x', jwt_auth.base64url_encode('\x00'::bytea || jwt_auth.base64url_decode(:'p256_jwk'::jsonb ->> 'x'))), 'ES256'),
    (27, 'P-521 JWK with y short of its leading zero byte (65 bytes)', 'verify', :'t_es512', NULL,
        :'p521_jwk'::jsonb - 'd' || jsonb_build_object('y', jwt_auth.base64url_encode(substr(jwt_auth.base64url_decode(:'p521_jwk'::jsonb ->> 'y'), 2))), 'ES512'),
    (28, 'EC JWK without y', 'verify', :'t_es256', NULL, :'p256_jwk'::jsonb - '{d,y}'::text[], 'ES256'),
    (29, 'EC JWK whose d does not match x and y', 'sign', NULL, NULL, pg_temp.flip(:'p256_jwk', 'd'), 'ES256'),
    (30, 'EC JWK without crv', 'verify', :'t_es256', NULL, :'p256_jwk'::jsonb - '{d,crv}'::text[], 'ES256'),
    (31, 'EC JWK on P-192', 'verify', :'t_es256', NULL, :'p256_jwk'::jsonb - 'd' || '{"crv":"P-192"}', 'ES256'),
    (32, 'EC JWK on secp256k1', 'sign', NULL, NULL, :'k1_jwk', 'ES256'),
    (33, 'OKP JWK whose d does not match x', 'sign', NULL, NULL,
        :'ed_jwk'::jsonb || jsonb_build_object('d', :'ed2_jwk'::jsonb ->> 'd'), 'EdDSA'),
    (34, 'OKP JWK with a 31-byte x', 'verify', :'t_eddsa', NULL,
        jsonb_build_object('kty', 'OKP', 'crv', 'Ed25519', 'x', jwt_auth.base64url_encode(substr(jwt_auth.base64url_decode(:'ed_jwk'::jsonb ->> 'x'), 2))), 'EdDSA'),
    (35, 'OKP JWK on X25519, signing', 'sign', NULL, NULL, :'x25519_jwk', 'EdDSA'),
    (36, 'OKP JWK on X25519, verifying', 'verify', :'t_eddsa', NULL, :'x25519_jwk'::jsonb - 'd', 'EdDSA'),
    (37, 'OKP JWK without crv', 'verify', :'t_eddsa', NULL, :'ed_jwk'::jsonb - '{d,crv}'::text[], 'EdDSA'),
    (38, 'JWK of an unknown kty', 'verify', :'t_eddsa', NULL, :'ed_jwk'::jsonb - 'd' || '{"kty":"AKP"}', 'EdDSA'),
    (39, 'JWK without kty', 'verify', :'t_eddsa', NULL, :'ed_jwk'::jsonb - '{d,kty}'::text[], 'EdDSA'),
    (40, 'JWK whose kty is not a string', 'verify', :'t_eddsa', NULL, :'ed_jwk'::jsonb - 'd' || '{"kty":1}', 'EdDSA'),
    (41, 'JWK that is an array', 'verify', :'t_eddsa', NULL, jsonb_build_array(:'ed_jwk'::jsonb - 'd'), 'EdDSA'),
    (42, 'JWK that is a string', 'verify', :'t_eddsa', NULL, to_jsonb(:'ed_pub_pem'::text), 'EdDSA'),
    (43, 'RSA JWK with e = 1', 'verify', :'t_rs256', NULL, :'rsa_pub_jwk'::jsonb || '{"e":"AQ"}', 'RS256');
SELECT n, what, r.code, r.detail
FROM malformed m, LATERAL pg_temp.attempt(what, op, token, key, jwk, alg) r
ORDER BY n;

--
-- Algorithm confusion
--
-- tokens made once over the A.2 key with another library (python3-cryptography):
-- a PKCS#1 v1.5 signature under a PS256 header, a PSS signature under an RS256
-- header, and a PSS signature under a PS256 header (a good PS256 token)
\set ps_pss 'eyJhbGciOiJQUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.gcVIDLJdA0o2YPs97h3B7o6KO94Nsiezbpy53-TYsLcYJH5dBiUdxzC5biQ9iWGTYcbr5iqH2vdwURN9UpX0J6Qy2hReUdcy5IEJjbV5jrB5bbiIql-URk0My6k0OdjUFTR3vC-69wHEnKs9zgXThNSwonXegEZPDtVYSiCmV-uKZZ3EVukKKsQHAeQzQN_Qldf4rx_U_MWIYpP3tysBUkhoSzyh2nJuSLxHPs3qYh9ZbC9PhQmc9uHe9qukM7Bjzd1DGiJGL4fcTUqNjSoCc7MYSxo0J3phU9dgYqC-Ij5Dg5LUqvK5bLK-at-rJ-ps-z5gnuvAZJqKb6AjjNIkgg'
\set ps_pkcs1 'eyJhbGciOiJQUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.dFF3Q-Ef5fjLcn2HYFhJdXGgHqUE3c7_wWO-VcEquXIMUAlLi1uykivSGr0dSAym_4F4-w_VhhMU5N4SDJ6z-1tmzDdObJjXwS5w6GVk7jklPdG6fZIDkvhlPpAwAD8LspC7imTQG3QNunf6qUqprsLh5rOn3_Feg8JuID3kY29_LI89mTpo8TRDGy07dkQDn9iPmE7bEt_X2A0oCfjRGt-pRPtdG3I0yVCtrsT96wbHAYevZ241d_ZOk68dDNsu8Np_qEmn-3510vPZQQgXgR-7n9aDItsEgZiyz71hsemVIR5twMn92O9un1MeVRSEUKiYW8WepPZkqwQ2nXp_ew'
\set rs_pss 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngiLCJleHAiOjQxMDI0NDQ4MDB9.W8phYU4g_OjEHo3jEFBhz0nbvcVCf_IoGfNK2a0_Viz4SW908EXQzDW5EnpR2_jo31cfZJFFC6X-C-nQ1Cx0tdjdb07YqlG5mR5Fk3Hd2aD2Qy63ToX8etJJXO24d4zQoSIReDi2xxoCJPeyOjKOI0371MYTbT1huaOeJGbrW_lSggzbq3ugWaNB7jiWYI2HF3jJlPre9OU8ovdpXuh2N5KwpmaSr66lq9sfL-q-xZp_qaRUfWJqcpCiCe3TxHAF4MI7XUw1vgWS6bB8YV05sdvyUbjEhEq9OmRdZxbrq_nPr-pGqcfdYorM2eZS5Ffpq4OObdXtIl3ejMqjr225JQ'
-- an HS256 token whose HMAC key is the text of the RSA public PEM (what a
-- forger who has only the public key would make), the same with the public
-- JWK's text, and with the P-256 public PEM
SELECT si || '.' || jwt_auth.base64url_encode(hmac(si, :'rsa_pub_pem', 'sha256')) AS forged_pem,
       si || '.' || jwt_auth.base64url_encode(hmac(si, :'rsa_pub_jwk', 'sha256')) AS forged_jwk,
       si || '.' || jwt_auth.base64url_encode(hmac(si, :'p256_pub_pem', 'sha256')) AS forged_ec
FROM (SELECT jwt_auth.base64url_encode(convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8')) || '.' ||
             jwt_auth.base64url_encode(convert_to(:'claims', 'UTF8')) AS si) s \gset
SELECT n, what, r.code, r.detail, r.result
FROM (VALUES
    (1, 'forged HS256 token, verified as HS256 with the PEM text', 'verify', :'forged_pem', :'rsa_pub_pem', NULL::jsonb, 'HS256'),
    (2, 'forged HS256 token, verified as HS256 with the PEM bytes', 'verify_bytea', :'forged_pem', :'rsa_pub_pem', NULL, 'HS256'),
    (3, 'forged HS256 token, verified as RS256 with the PEM', 'verify', :'forged_pem', :'rsa_pub_pem', NULL, 'RS256'),
    (4, 'forged HS256 token, jwt_valid as RS256 with the PEM', 'valid', :'forged_pem', :'rsa_pub_pem', NULL, 'RS256'),
    (5, 'forged HS256 token, verified as HS256 with the JWK text', 'verify', :'forged_jwk', :'rsa_pub_jwk', NULL, 'HS256'),
    (6, 'forged HS256 token, verified as HS256 with the JWK bytes', 'verify_bytea', :'forged_jwk', :'rsa_pub_jwk', NULL, 'HS256'),
    (7, 'forged HS256 token, verified as HS256 with the JWK', 'verify', :'forged_jwk', NULL, :'rsa_pub_jwk', 'HS256'),
    (8, 'forged HS256 token, verified as HS256 with the EC PEM text', 'verify', :'forged_ec', :'p256_pub_pem', NULL, 'HS256'),
    (9, 'forged HS256 token, verified as ES256 with the EC PEM', 'verify', :'forged_ec', :'p256_pub_pem', NULL, 'ES256'),
    -- the header's alg against the caller's
    (10, 'RS256 token verified as ES256 with the P-256 key', 'verify', :'t_rs256', :'p256_pub_pem', NULL, 'ES256'),
    (11, 'RS256 token verified as PS256', 'verify', :'t_rs256', :'rsa_pub_pem', NULL, 'PS256'),
    (12, 'RS256 token verified as RS512', 'verify', :'t_rs256', :'rsa_pub_pem', NULL, 'RS512'),
    (13, 'PS256 token verified as RS256', 'verify', :'t_ps256', NULL, :'rsa_pub_jwk', 'RS256'),
    (14, 'ES256 token verified as EdDSA with the Ed25519 key', 'verify', :'t_es256', :'ed_pub_pem', NULL, 'EdDSA'),
    (15, 'EdDSA token verified as ES256 with the P-256 key', 'verify', :'t_eddsa', NULL, :'p256_jwk', 'ES256'),
    -- an RSA signature is checked with the padding the caller's alg names
    (16, 'RS256 token relabelled PS256, verified as PS256', 'verify',
        jwt_auth.base64url_encode(convert_to('{"alg":"PS256","typ":"JWT"}', 'UTF8')) || '.' ||
        split_part(:'t_rs256', '.', 2) || '.' || split_part(:'t_rs256', '.', 3), :'rsa_pub_pem', NULL, 'PS256'),
    (17, 'PKCS#1 v1.5 signature under a PS256 header, verified as PS256', 'verify', :'ps_pkcs1', :'rsa_pub_pem', NULL, 'PS256'),
    (18, 'PSS signature under an RS256 header, verified as RS256', 'verify', :'rs_pss', :'rsa_pub_pem', NULL, 'RS256'),
    -- made like the two above, by another library: a good PS256 token
    (19, 'PSS signature under a PS256 header, verified as PS256', 'verify', :'ps_pss', :'rsa_pub_pem', NULL, 'PS256')
) c(n, what, op, token, key, jwk, alg),
LATERAL pg_temp.attempt(what, op, token, key, jwk, alg) r
ORDER BY n;

--
-- ECDSA signatures are raw R||S of the curve's length with 0 < r, s < n
-- (the CVE-2022-21449 class): every other form is "signature does not match"
--
-- each curve's order n (as openssl ecparam -param_enc explicit -text prints it)
CREATE TEMP TABLE curve (alg text PRIMARY KEY, ord bytea, pub text);
INSERT INTO curve VALUES
    ('ES256', decode('FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551', 'hex'), :'p256_pub_pem'),
    ('ES384', decode('FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973', 'hex'), :'p384_pub_pem'),
    ('ES512', decode('01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409', 'hex'), :'p521_pub_pem');
SELECT alg, octet_length(ord) AS order_bytes FROM curve ORDER BY alg;

-- DER (a SEQUENCE of two INTEGERs), what OpenSSL's ECDSA speaks and JWS does not
CREATE FUNCTION pg_temp.der_length(len int) RETURNS bytea
LANGUAGE sql AS $$
    SELECT CASE WHEN len < 128 THEN set_byte('\x00'::bytea, 0, len)
                ELSE set_byte('\x8100'::bytea, 1, len) END
$$;
CREATE FUNCTION pg_temp.der_integer(i bytea) RETURNS bytea
LANGUAGE sql AS $$
    SELECT '\x02'::bytea || pg_temp.der_length(octet_length(v)) || v
    FROM (SELECT CASE WHEN get_byte(t, 0) >= 128 THEN '\x00'::bytea || t ELSE t END AS v
          FROM (SELECT substr(i, coalesce((SELECT min(k) FROM generate_series(1, octet_length(i) - 1) k
                                           WHERE get_byte(i, k - 1) <> 0), octet_length(i))) AS t) s) s
$$;
CREATE FUNCTION pg_temp.der(sig bytea) RETURNS bytea
LANGUAGE sql AS $$
    SELECT '\x30'::bytea || pg_temp.der_length(octet_length(body)) || body
    FROM (SELECT pg_temp.der_integer(substr(sig, 1, octet_length(sig) / 2)) ||
                 pg_temp.der_integer(substr(sig, octet_length(sig) / 2 + 1)) AS body) s
$$;
-- the encoder's output for a known R||S, r = 0x80 00 .. 00 01 and s = 1:
-- 30 26 (SEQUENCE, 38 bytes), 02 21 00 80 .. 01 (r with a zero byte in
-- front, as its top bit is set), 02 01 01 (s, its zero bytes dropped)
SELECT encode(pg_temp.der(decode('80' || repeat('00', 30) || '01' || repeat('00', 31) || '01', 'hex')), 'hex') AS der;

CREATE TEMP TABLE es_forms (n int PRIMARY KEY, alg text, what text, token text);
INSERT INTO es_forms
SELECT o.n, t.alg, f.what, pg_temp.resign(t.token, f.sig)
FROM (SELECT alg, token, jwt_auth.base64url_decode(split_part(token, '.', 3)) AS sig,
             octet_length(jwt_auth.base64url_decode(split_part(token, '.', 3))) / 2 AS half, ord AS order_n
      FROM signed JOIN curve USING (alg) WHERE signer = 'PEM') t,
     LATERAL (VALUES
        (0, 'the signature as made', t.sig),
        (1, 'r = s = 0', decode(repeat('00', 2 * t.half), 'hex')),
        (2, 'r = 0, s as made', decode(repeat('00', t.half), 'hex') || substr(t.sig, t.half + 1)),
        (3, 'r as made, s = 0', substr(t.sig, 1, t.half) || decode(repeat('00', t.half), 'hex')),
        (4, 'r = n, s as made', t.order_n || substr(t.sig, t.half + 1)),
        (5, 'r as made, s = n', substr(t.sig, 1, t.half) || t.order_n),
        (6, 'r > n (all ones), s as made', decode(repeat('ff', t.half), 'hex') || substr(t.sig, t.half + 1)),
        (7, 'r as made, s > n (all ones)', substr(t.sig, 1, t.half) || decode(repeat('ff', t.half), 'hex')),
        (8, 'r = s = n', t.order_n || t.order_n),
        (9, 'r and s swapped', substr(t.sig, t.half + 1) || substr(t.sig, 1, t.half)),
        (10, 'DER of the signature as made', pg_temp.der(t.sig)),
        (11, 'one byte short', substr(t.sig, 1, 2 * t.half - 1)),
        (12, 'one byte long', t.sig || '\x00'::bytea),
        (13, 'empty', ''::bytea)
     ) f(k, what, sig),
     LATERAL (SELECT CASE t.alg WHEN 'ES256' THEN 0 WHEN 'ES384' THEN 100 ELSE 200 END + f.k AS n) o;
-- the ES512 token with an ES256-length signature: the first 64 bytes of its
-- own, and the ES256 token's signature
INSERT INTO es_forms VALUES
    (214, 'ES512', 'its first 64 bytes (ES256 length)',
        pg_temp.resign(:'t_es512', substr(jwt_auth.base64url_decode(split_part(:'t_es512', '.', 3)), 1, 64))),
    (215, 'ES512', 'the ES256 token''s signature', pg_temp.resign(:'t_es512', jwt_auth.base64url_decode(split_part(:'t_es256', '.', 3)))),
    (216, 'ES512', 'the ES256 signature, DER', pg_temp.resign(:'t_es512', pg_temp.der(jwt_auth.base64url_decode(split_part(:'t_es256', '.', 3)))));
-- (bytes: the signature's length; a DER signature's varies with r and s)
SELECT e.alg, e.what,
       CASE WHEN e.what NOT LIKE '%DER%' THEN octet_length((jwt_auth.jwt_decode(e.token)).signature) END AS bytes,
       pg_temp.verdict(e.token, c.pub, NULL, e.alg) AS verdict,
       jwt_auth.jwt_valid(e.token, c.pub, e.alg) AS jwt_valid
FROM es_forms e JOIN curve c USING (alg)
ORDER BY e.n;
-- the DER forms are DER indeed: a SEQUENCE tag, its length, and not the raw length
SELECT e.alg, substr(s, 1, 1) = '\x30'::bytea AS sequence_tag,
       get_byte(s, 1) IN (octet_length(s) - 2, 129) AS length_ok,
       octet_length(s) NOT IN (64, 96, 132) AS not_a_raw_length
FROM es_forms e, LATERAL (SELECT (jwt_auth.jwt_decode(e.token)).signature AS s) d
WHERE e.what LIKE 'DER%' ORDER BY e.n;

-- RSA and EdDSA signatures must have their exact length too
SELECT n, what, pg_temp.verdict(token, key, NULL, alg) AS verdict
FROM (VALUES
    (1, 'RS256 signature one byte short', 'RS256', :'rsa_pub_pem',
        pg_temp.resign(:'t_rs256', substr(jwt_auth.base64url_decode(split_part(:'t_rs256', '.', 3)), 1, 255))),
    (2, 'RS256 signature one byte long', 'RS256', :'rsa_pub_pem',
        pg_temp.resign(:'t_rs256', jwt_auth.base64url_decode(split_part(:'t_rs256', '.', 3)) || '\x00'::bytea)),
    (3, 'RS256 signature with a zero byte in front, last byte dropped', 'RS256', :'rsa_pub_pem',
        pg_temp.resign(:'t_rs256', '\x00'::bytea || substr(jwt_auth.base64url_decode(split_part(:'t_rs256', '.', 3)), 1, 255))),
    (4, 'RS256 signature all zeros', 'RS256', :'rsa_pub_pem', pg_temp.resign(:'t_rs256', decode(repeat('00', 256), 'hex'))),
    (5, 'RS256 signature empty', 'RS256', :'rsa_pub_pem', pg_temp.resign(:'t_rs256', ''::bytea)),
    (6, 'PS256 signature one byte short', 'PS256', :'rsa_pub_pem',
        pg_temp.resign(:'t_ps256', substr(jwt_auth.base64url_decode(split_part(:'t_ps256', '.', 3)), 1, 255))),
    (7, 'EdDSA signature one byte short', 'EdDSA', :'ed_pub_pem',
        pg_temp.resign(:'t_eddsa', substr(jwt_auth.base64url_decode(split_part(:'t_eddsa', '.', 3)), 1, 63))),
    (8, 'EdDSA signature one byte long', 'EdDSA', :'ed_pub_pem',
        pg_temp.resign(:'t_eddsa', jwt_auth.base64url_decode(split_part(:'t_eddsa', '.', 3)) || '\x00'::bytea)),
    (9, 'EdDSA signature all zeros', 'EdDSA', :'ed_pub_pem', pg_temp.resign(:'t_eddsa', decode(repeat('00', 64), 'hex')))
) s(n, what, alg, key, token)
ORDER BY n;

--
-- JWK sets ({"keys": [...]}): the token's kid picks the key
--
-- key a is RFC 8037's Ed25519 key, key b RFC 8032's TEST 2
SELECT jsonb_build_object('keys', jsonb_build_array(
           :'ed_jwk'::jsonb - 'd' || '{"kid":"a"}', :'ed2_jwk'::jsonb - 'd' || '{"kid":"b"}')) AS set_ab,
       jwt_auth.jwt_sign(:'claims', :'ed_priv_pem', 'EdDSA', '{"kid":"a"}') AS t_a,
       jwt_auth.jwt_sign(:'claims', :'ed2_priv_pem', 'EdDSA', '{"kid":"b"}') AS t_b,
       jwt_auth.jwt_sign(:'claims', :'ed_priv_pem', 'EdDSA', '{"kid":"b"}') AS t_a_says_b,
       jwt_auth.jwt_sign(:'claims', :'ed2_priv_pem', 'EdDSA', '{"kid":"a"}') AS t_b_says_a,
       jwt_auth.jwt_sign(:'claims', :'ed_priv_pem', 'EdDSA', '{"kid":"c"}') AS t_c,
       jwt_auth.jwt_sign(:'claims', :'ed_priv_pem', 'EdDSA') AS t_nokid \gset
SELECT n, what, r.code, r.detail, r.result::jsonb ->> 'sub' AS sub, coalesce(v.result, v.code) AS jwt_valid
FROM (VALUES
    (1, 'key a''s token, kid a', 'verify', :'t_a', :'set_ab'::jsonb),
    (2, 'key b''s token, kid b', 'verify', :'t_b', :'set_ab'),
    (3, 'key a''s token, kid b', 'verify', :'t_a_says_b', :'set_ab'),
    (4, 'key b''s token, kid a', 'verify', :'t_b_says_a', :'set_ab'),
    (5, 'a kid that names no key', 'verify', :'t_c', :'set_ab'),
    (6, 'no kid, two keys', 'verify', :'t_nokid', :'set_ab'),
    (7, 'no kid, one key without kid', 'verify', :'t_nokid', jsonb_build_object('keys', jsonb_build_array(:'ed_jwk'::jsonb - 'd'))),
    (8, 'kid a, one key without kid', 'verify', :'t_a', jsonb_build_object('keys', jsonb_build_array(:'ed_jwk'::jsonb - 'd'))),
    (9, 'no kid, one key with kid a', 'verify', :'t_nokid', jsonb_build_object('keys', jsonb_build_array(:'ed_jwk'::jsonb - 'd' || '{"kid":"a"}'))),
    (10, 'kid a, a private key in the set', 'verify', :'t_a', jsonb_build_object('keys', jsonb_build_array(:'ed_jwk'::jsonb || '{"kid":"a"}'))),
    (11, 'kid a, an encryption key beside key a', 'verify', :'t_a',
        jsonb_build_object('keys', jsonb_build_array(:'rsa_pub_jwk'::jsonb || '{"kid":"enc","use":"enc","alg":"RSA-OAEP"}',
                                                     :'ed_jwk'::jsonb - 'd' || '{"kid":"a"}'))),
    (12, 'kid a, two keys named a', 'verify', :'t_a',
        jsonb_build_object('keys', jsonb_build_array(:'ed_jwk'::jsonb - 'd' || '{"kid":"a"}', :'ed2_jwk'::jsonb - 'd' || '{"kid":"a"}'))),
    (13, 'kid a, key a malformed', 'verify', :'t_a',
        jsonb_build_object('keys', jsonb_build_array(:'ed_jwk'::jsonb - '{d,x}'::text[] || '{"kid":"a"}', :'ed2_jwk'::jsonb - 'd' || '{"kid":"b"}'))),
    (14, 'kid a, keys not an array', 'verify', :'t_a', '{"keys":{"kty":"OKP"}}'),
    (15, 'kid a, a key that is not an object', 'verify', :'t_a', '{"keys":["a"]}'),
    (16, 'kid a, a secret (oct) key beside key a', 'verify', :'t_a',
        jsonb_build_object('keys', jsonb_build_array('{"kty":"oct","kid":"s","k":"YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"}'::jsonb,
                                                     :'ed_jwk'::jsonb - 'd' || '{"kid":"a"}'))),
    (17, 'signing with a set', 'sign', NULL, :'set_ab')
) c(n, what, op, token, jwk),
LATERAL pg_temp.attempt(what, op, token, NULL, jwk, 'EdDSA') r,
LATERAL pg_temp.attempt(what || ' (jwt_valid)', CASE op WHEN 'sign' THEN 'sign' ELSE 'valid' END, token, NULL, jwk, 'EdDSA') v
ORDER BY n;
-- jws_verify picks the key the same way
SELECT convert_from(jwt_auth.jws_verify(:'t_b', :'set_ab'::jsonb, 'EdDSA'), 'UTF8') AS payload;

-- The set is the caller's argument and the kid the token's, so the token
-- cannot decide whether the call is an argument error. A malformed set, or
-- a malformed key anywhere in it, is refused (22023, by jwt_valid too) as a
-- malformed single JWK is: whatever the token and its kid. A well-formed key
-- that serves something else (another algorithm, use enc) fails only the
-- token whose kid names it, as a bad token (28000, jwt_valid false); a token
-- naming another key verifies beside it (row 11 above).
SELECT n, what, r.code AS jwt_verify_code, v.code AS jwt_valid_code, v.result AS jwt_valid
FROM (VALUES
    (1, 'kid b, key a malformed', :'t_b',
        jsonb_build_object('keys', jsonb_build_array(:'ed_jwk'::jsonb - '{d,x}'::text[] || '{"kid":"a"}', :'ed2_jwk'::jsonb - 'd' || '{"kid":"b"}'))),
    (2, 'kid b, another key off its curve', :'t_b',
        jsonb_build_object('keys', jsonb_build_array(pg_temp.flip(:'p256_jwk'::jsonb - 'd', 'y') || '{"kid":"ec"}', :'ed2_jwk'::jsonb - 'd' || '{"kid":"b"}'))),
    (3, 'kid names the set''s RSA key, EdDSA expected', jwt_auth.jwt_sign(:'claims', :'ed_priv_pem', 'EdDSA', '{"kid":"rsa"}'),
        jsonb_build_object('keys', jsonb_build_array(:'rsa_pub_jwk'::jsonb || '{"kid":"rsa"}', :'ed_jwk'::jsonb - 'd' || '{"kid":"a"}'))),
    (4, 'kid names the set''s encryption key', jwt_auth.jwt_sign(:'claims', :'ed_priv_pem', 'EdDSA', '{"kid":"enc"}'),
        jsonb_build_object('keys', jsonb_build_array(:'ed_jwk'::jsonb - 'd' || '{"kid":"enc","use":"enc"}', :'ed_jwk'::jsonb - 'd' || '{"kid":"a"}'))),
    (5, 'no token at all, keys not an array', 'not a token', '{"keys":{"kty":"OKP"}}')
) c(n, what, token, jwk),
LATERAL pg_temp.attempt(what, 'verify', token, NULL, jwk, 'EdDSA') r,
LATERAL pg_temp.attempt(what || ' (jwt_valid)', 'valid', token, NULL, jwk, 'EdDSA') v
ORDER BY n;

--
-- No message, detail or hint contains private key material, any key's
-- members or PEM lines, the token or any of its segments
--
CREATE TEMP VIEW needles AS
SELECT m.name, line AS needle
FROM material m, regexp_split_to_table(m.pem, E'\r?\n') line
WHERE line !~ '^-----' AND length(line) >= 8
UNION ALL
SELECT m.name || ' ' || e.member, e.value
FROM material m, jsonb_each_text(m.jwk) e(member, value)
WHERE e.member NOT IN ('kty', 'crv', 'kid', 'alg', 'use') AND length(e.value) >= 8
UNION ALL
SELECT 'token', s.token FROM seen s WHERE length(s.token) >= 8
UNION ALL
SELECT 'token segment', seg FROM seen s, regexp_split_to_table(s.token, '\.') seg WHERE length(seg) >= 8;
SELECT s.what, n.name
FROM seen s, needles n
WHERE position(n.needle IN concat_ws(' ', s.message, s.detail, s.hint)) > 0;
-- (the check above finds something when there is something to find)
SELECT count(*) > 400 AS needles_checked, (SELECT count(*) FROM seen) > 150 AS errors_checked,
       position(:'rsa_jwk'::jsonb ->> 'd' IN 'x' || (:'rsa_jwk'::jsonb ->> 'd')) > 0 AS check_finds_a_key
FROM needles;
-- messages are lower case without a final period
SELECT DISTINCT message FROM seen WHERE message ~ '^[A-Z]' OR message ~ '\.$';
