/*
 * vectors.h — published keys and tokens the asymmetric tests share
 */
#ifndef JWT_AUTH_UNIT_VECTORS_H
#define JWT_AUTH_UNIT_VECTORS_H

extern const char rfc7515_a2_jwk[];
extern const char rfc7515_a2_token[];
extern const char rfc7515_a3_jwk[];
extern const char rfc7515_a3_token[];
extern const char rfc7515_a4_jwk[];
extern const char rfc7515_a4_token[];
extern const char rfc8037_jwk[];
extern const char rfc8037_token[];
extern const char rfc7520_42_public_jwk[];
extern const char rfc7520_42_token[];
extern const char odd_8192_bits[];

#endif
