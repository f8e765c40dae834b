# The pure core: plain C on OpenSSL, no PostgreSQL header. The extension,
# the unit tests and the fuzzers all build these same files.
CORE_SRCS = alg.c b64url.c claimpath.c claims.c crypto.c http.c json.c jwk.c jws.c keys.c mem.c passwords.c status.c
# the libraries the core calls: OpenSSL; libargon2 and libxcrypt for password hashes (passwords.c);
# libcurl for fetching an issuer's keys (http.c)
CORE_LIBS = -lcrypto -largon2 -lcrypt -lcurl
