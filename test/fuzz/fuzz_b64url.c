/*
 * fuzz_b64url.c — libFuzzer harness over the base64url decoders and encoder
 *
 * Input: any bytes, read three ways. Aborts when a promise breaks:
 * - what the strict decoder accepts re-encodes to exactly the same text
 *   (one encoding per byte string), and the lenient decoder reads it the same;
 * - neither decoder writes more than b64url_decoded_max() bytes;
 * - the input taken as bytes encodes to b64url_encoded_len() characters
 *   that decode strictly back to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_b64url: %s\n", what);
	abort();
}

static void
check_strict(const char *text, size_t n)
{
	size_t		max = b64url_decoded_max(n);
	uint8_t    *out = malloc(max),
			   *lenient = malloc(max);
	size_t		len,
				lenient_len;
	char	   *enc;

	if (b64url_decode(text, n, out, &len))
	{
		if (len > max)
			fail("strict decode wrote past its bound");
		enc = malloc(b64url_encoded_len(len) + 1);
		if (b64url_encode(out, len, enc) != n || memcmp(enc, text, n) != 0)
			fail("strictly decoded text does not re-encode to itself");
		if (!b64url_decode_lenient(text, n, lenient, &lenient_len) ||
			lenient_len != len || memcmp(lenient, out, len) != 0)
			fail("the lenient decoder reads strict text differently");
		free(enc);
	}
	free(out);
	free(lenient);
}

static void
check_lenient(const char *text, size_t n)
{
	size_t		max = b64url_decoded_max(n);
	uint8_t    *out = malloc(max);
	size_t		len;

	if (b64url_decode_lenient(text, n, out, &len) && len > max)
		fail("lenient decode wrote past its bound");
	free(out);
}

static void
check_round_trip(const uint8_t *bytes, size_t n)
{
	size_t		enc_len = b64url_encoded_len(n);
	char	   *enc = malloc(enc_len + 1);
	uint8_t    *back = malloc(b64url_decoded_max(enc_len));
	size_t		len;

	if (b64url_encode(bytes, n, enc) != enc_len)
		fail("the encoder writes another length than b64url_encoded_len()");
	if (!b64url_decode(enc, enc_len, back, &len) || len != n || memcmp(back, bytes, n) != 0)
		fail("encoded bytes do not decode back");
	free(enc);
	free(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly these bytes, so reading past them is caught */
	char	   *text = malloc(size ? size : 1);

	memcpy(text, data, size);
	check_strict(text, size);
	check_lenient(text, size);
	check_round_trip((const uint8_t *) text, size);
	free(text);
	return 0;
}
