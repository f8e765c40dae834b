/*
 * vectors.c — published keys and tokens the asymmetric tests share
 *
 * Copied from the RFCs named beside each one (the same text as the files
 * in test/vectors/), so that the tests read nothing at run time.
 */
#include "vectors.h"

/* RFC 7515 appendix A.2: an RSA key (2048 bits, with its private part) and an RS256 token */
const char rfc7515_a2_jwk[] =
	"{\"kty\":\"RSA\""
	",\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEz"
	"P1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf6"
	"3kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5Zw"
	"Kh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRW"
	"yuXpoQ\""
	",\"e\":\"AQAB\""
	",\"d\":\"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7Y"
	"wVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3M"
	"kqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1Zd"
	"iYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRu"
	"OopznQ\""
	",\"p\":\"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB"
	"0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDw"
	"GUc\""
	",\"q\":\"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul"
	"7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9R"
	"Wdc\""
	",\"dp\":\"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz"
	"-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAd"
	"Yo0\""
	",\"dq\":\"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3"
	"Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIi"
	"THU\""
	",\"qi\":\"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3"
	"ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFku"
	"Q3U\"}";

const char rfc7515_a2_token[] =
	"eyJhbGciOiJSUzI1NiJ9"
	".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0"
	"cnVlfQ"
	".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W"
	"2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkS"
	"jtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnv"
	"Wh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

/* RFC 7515 appendix A.3: a P-256 key and an ES256 token */
const char rfc7515_a3_jwk[] =
	"{\"kty\":\"EC\""
	",\"crv\":\"P-256\""
	",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\""
	",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\""
	",\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}";

const char rfc7515_a3_token[] =
	"eyJhbGciOiJFUzI1NiJ9"
	".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0"
	"cnVlfQ"
	".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

/* RFC 7515 appendix A.4: a P-521 key and an ES512 token over the payload "Payload" */
const char rfc7515_a4_jwk[] =
	"{\"kty\":\"EC\""
	",\"crv\":\"P-521\""
	",\"x\":\"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceq"
	"wQGk\""
	",\"y\":\"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3k"
	"yMj2\""
	",\"d\":\"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE1"
	"5j2C\"}";

const char rfc7515_a4_token[] =
	"eyJhbGciOiJFUzUxMiJ9"
	".UGF5bG9hZA"
	".AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7Xdt"
	"AG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";

/* RFC 8037 appendix A.1 and A.4: an Ed25519 key and an EdDSA token */
const char rfc8037_jwk[] =
	"{\"kty\":\"OKP\""
	",\"crv\":\"Ed25519\""
	",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\""
	",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";

const char rfc8037_token[] =
	"eyJhbGciOiJFZERTQSJ9"
	".RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
	".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

/* RFC 7520 section 4.2: a PS384 token, and the public half of its RSA key (section 3.4) */
const char rfc7520_42_public_jwk[] =
	"{\"kty\":\"RSA\""
	",\"kid\":\"bilbo.baggins@hobbiton.example\""
	",\"use\":\"sig\""
	",\"n\":\"n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZ"
	"QHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oB"
	"HqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVb"
	"b9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHd"
	"rNP5zw\""
	",\"e\":\"AQAB\"}";

const char rfc7520_42_token[] =
	"eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9"
	".SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAg"
	"b250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dp"
	"bmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
	".cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6"
	"O8TTB5dDDItllVo6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqi"
	"VJRmBqrYRXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_"
	"jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw";

/*
 * An odd 8192-bit number without small factors, made for the tests of key
 * export: OpenSSL takes it as an RSA modulus (and, since it is odd, as a
 * public exponent too). Nobody holds its factors.
 */
const char odd_8192_bits[] =
	"ti1BSBdANXr8Bz6GDpgzTIhJcpVZ3KjaG-ZYeRKlRClfh6TQIEo9JDGX0hTBY_KN66dVSHtXROrCMwyYb5ITZKVB"
	"oN8WS_GdspyPGVRiVR7jSFU0Sf3ly3bR3b3W6CjJ9jYXE6mCXP8jXAw8sqVbgtWQGWLNWq6R-ulK-Jmk7RSguAxr"
	"c1yhN5rfGF0zZvdaUuzZHQU6-uH-KRJT9AYSf-9xYIsC4-VS7gDiYUg21eqRJMtMlNcByyy0jwkS36eYIDIzlh4v"
	"giL13dSq9bkXfCL4nP0Q5uNayN3ACpRNENEXtcPFXt0lQIMMImolVTGwDEkMKGlawQBPG7_Uvc30CBInuyX-YooO"
	"jyC6ramx6QShA9Ktkl6uEJa_zCAuOqBBcXP5AYfjUTYj0_LuPA1ZdZxKHcr9UOJcsmZbJFxWMrIDBgQaM3AQr5qP"
	"7whYi-SyKUEEUquJ-4jfxa0UcZ0kWHEmIfo8LgALCbsUXUo9CtpQqJkZ3ZcT_7RVRaS_hYnj2En-8Oxlavo9HNyd"
	"m2nkIBqUxOteP-4YsHsREkPqIJAWjYNZLzX5RD-_0sRZvmA0AjPSid-Wf6GL-Z-mwvJD3idePooG4aBNWj-OqtRd"
	"xLGQqNG670vOddt_xaqgfj0RrnLE9uiNoIc1zbfFY3iOzLPwY3rLYR8JpDBcI5_UqhkSwiEnvfV4zYO0alr_RXTx"
	"uaNw_jYmjrG31IAI6jApoUYgclvLkptZuOBy_D6IOXq6JftBqfETUc69Unr4K5m1kamLo4Q697kEyopDJNCeS3g6"
	"JKhbupMCGflCprn6wHeWQqDms_mzJMCZhhHuTAri_cTejU1HsWKn2dILwviG5ZeEr6yFWXASHhLnHylXS3cy5VDY"
	"rFXmK4jJaVEiS_Az4YPV6tF6gBuqgBwjBhFweGb_6AojuU4KdG61-NletR_PB_58JLXw_stvGtIKOcgfR9rEyZmT"
	"O5y3NmJ3MnpG76_NazJ_2I4jK4sEqz5IZGnCI5AIQoic9jzpTLTrx5mTZTSp1Kh8Rv_OC0Mlck1tVGWCuPHCdngV"
	"oWeqevbznfqhr76PdECse1DSO0HK0o6k-_3uN29qjJVZ929Me-bU0SP-7J1oIMJRNDedZFMZB_ihFxcKDs6d1WAw"
	"uno06EZG76siSDXf91DTN1VJ_CHnOEVY6YF7I7YM_ULW6mM6jEU5gJ4VfbZ31fSs7VwiHThXpxrXXYGIgFImPh9t"
	"2O1aIT4lhv9oJ5gyrdlC53uPebHSBkhAmQsgzFt7O_uD08hjmLIGNW1FuQUZIBIrki8XoRzM4DFCGdIYrBlUqcRM"
	"QM6az30m9bFol8BFmEj4aBEk0Z5QBZaPjpHeOjP6NhiNkQ";
