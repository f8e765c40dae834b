# The pure core: plain C on OpenSSL, no PostgreSQL header. The extension,
# the unit tests and the fuzzers all build these same files.
CORE_SRCS = alg.c b64url.c claims.c crypto.c json.c jwk.c jws.c keys.c mem.c status.c
