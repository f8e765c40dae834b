/*
 * test_b64url.c — base64url: the encoder, the strict decoder tokens go
 * through, and the lenient one kept for pgjwt's url_decode
 */
#include <string.h>

#include "b64url.h"
#include "unit.h"

/* RFC 4648 section 10 test vectors; none of them uses + or /, so the URL alphabet is the same */
static const struct
{
	const char *bytes;
	const char *text;
}			rfc4648[] = {
	{"", ""},
	{"f", "Zg"},
	{"fo", "Zm8"},
	{"foo", "Zm9v"},
	{"foob", "Zm9vYg"},
	{"fooba", "Zm9vYmE"},
	{"foobar", "Zm9vYmFy"},
};

#define NVECTORS (sizeof(rfc4648) / sizeof(rfc4648[0]))

/* bytes whose standard encoding is "+/+/": in base64url they are "-_-_" */
static const uint8_t url_only_bytes[] = {0xfb, 0xff, 0xbf};

/* does the strict decoder accept text (NUL-terminated)? */
static bool
strict_accepts(const char *text)
{
	uint8_t		out[64];
	size_t		n;

	return b64url_decode(text, strlen(text), out, &n);
}

static bool
lenient_accepts(const char *text)
{
	uint8_t		out[64];
	size_t		n;

	return b64url_decode_lenient(text, strlen(text), out, &n);
}

static void
base64url_encodes_rfc4648_vectors(void)
{
	char		out[16];

	for (size_t i = 0; i < NVECTORS; i++)
	{
		size_t		n = strlen(rfc4648[i].bytes);
		size_t		len = b64url_encode((const uint8_t *) rfc4648[i].bytes, n, out);

		CHECK_TEXT(out, len, rfc4648[i].text);
		CHECK(b64url_encoded_len(n) == len);
	}
}

static void
base64url_encodes_with_url_alphabet_and_no_padding(void)
{
	char		out[8];
	size_t		len;

	len = b64url_encode(url_only_bytes, 3, out);
	CHECK_TEXT(out, len, "-_-_");
	len = b64url_encode(url_only_bytes, 2, out);
	CHECK_TEXT(out, len, "-_8");
	len = b64url_encode((const uint8_t *) "\xff", 1, out);
	CHECK_TEXT(out, len, "_w");
}

static void
strict_base64url_decodes_rfc4648_vectors(void)
{
	uint8_t		out[16];
	size_t		n;

	for (size_t i = 0; i < NVECTORS; i++)
	{
		const char *text = rfc4648[i].text;

		if (CHECK(b64url_decode(text, strlen(text), out, &n)))
			CHECK_TEXT(out, n, rfc4648[i].bytes);
	}
	if (CHECK(b64url_decode("-_-_", 4, out, &n)))
		CHECK_MEM(out, n, url_only_bytes, 3);
}

static void
decoded_max_leaves_room_for_every_length(void)
{
	uint8_t		bytes[40];
	char		text[64];

	memset(bytes, 0xff, sizeof(bytes));
	for (size_t n = 0; n <= sizeof(bytes); n++)
	{
		size_t		len = b64url_encode(bytes, n, text);

		CHECK(len == b64url_encoded_len(n));
		CHECK(b64url_decoded_max(len) >= n);
	}
}

static void
strict_base64url_rejects_padding(void)
{
	CHECK(!strict_accepts("Zg=="));
	CHECK(!strict_accepts("Zm8="));
	CHECK(!strict_accepts("Zm9v===="));
	CHECK(!strict_accepts("Zg=a"));
}

static void
strict_base64url_rejects_standard_alphabet(void)
{
	CHECK(!strict_accepts("+/+/"));
	CHECK(!strict_accepts("-_+/"));
	CHECK(!strict_accepts("Zm9/"));
	CHECK(strict_accepts("-_-_"));
}

static void
strict_base64url_rejects_whitespace(void)
{
	CHECK(!strict_accepts("Zm9v Yg"));
	CHECK(!strict_accepts("Zm9vYg\n"));
	CHECK(!strict_accepts("\tZm9vYg"));
	CHECK(!strict_accepts("Zm9v\r\nYg"));
}

static void
strict_base64url_rejects_impossible_length(void)
{
	CHECK(!strict_accepts("Z"));
	CHECK(!strict_accepts("Zm9vY"));
	CHECK(!strict_accepts("Zm9vYmFyZ"));
}

static void
strict_base64url_rejects_nonzero_trailing_bits(void)
{
	uint8_t		out[4];
	size_t		n;

	/* "AA" is one zero byte; "AB" would be the same byte with a stray bit set */
	if (CHECK(b64url_decode("AA", 2, out, &n)))
		CHECK_MEM(out, n, "\0", 1);
	CHECK(!strict_accepts("AB"));
	CHECK(!strict_accepts("Zh"));		/* "Zg" is "f" */
	CHECK(!strict_accepts("Zm9"));		/* "Zm8" is "fo" */
	CHECK(!strict_accepts("_x"));		/* "_w" is 0xff */
}

static void
strict_base64url_rejects_bytes_outside_the_alphabet(void)
{
	uint8_t		out[8];
	size_t		n;

	CHECK(!b64url_decode("Zm\0v", 4, out, &n));	/* a NUL byte inside */
	CHECK(!strict_accepts("Zm9\xc3\xa9"));
	CHECK(!strict_accepts("Zm9v."));
	CHECK(!strict_accepts("Zm9!"));
}

static void
strict_base64url_decodes_empty_text_to_no_bytes(void)
{
	uint8_t		out[2];
	size_t		n = 99;

	CHECK(b64url_decode("", 0, out, &n));
	CHECK(n == 0);
}

static void
lenient_base64_accepts_padding(void)
{
	uint8_t		out[16];
	size_t		n;

	if (CHECK(b64url_decode_lenient("Zg==", 4, out, &n)))
		CHECK_TEXT(out, n, "f");
	if (CHECK(b64url_decode_lenient("Zm8=", 4, out, &n)))
		CHECK_TEXT(out, n, "fo");
	if (CHECK(b64url_decode_lenient("Zm9vYg", 6, out, &n)))
		CHECK_TEXT(out, n, "foob");
}

static void
lenient_base64_accepts_standard_alphabet(void)
{
	uint8_t		out[8];
	size_t		n;

	if (CHECK(b64url_decode_lenient("+/+/", 4, out, &n)))
		CHECK_MEM(out, n, url_only_bytes, 3);
	if (CHECK(b64url_decode_lenient("+/8=", 4, out, &n)))
		CHECK_MEM(out, n, url_only_bytes, 2);
	if (CHECK(b64url_decode_lenient("-_-_", 4, out, &n)))
		CHECK_MEM(out, n, url_only_bytes, 3);
}

static void
lenient_base64_rejects_misplaced_padding(void)
{
	CHECK(!lenient_accepts("Zg="));		/* padding must complete a group of four */
	CHECK(!lenient_accepts("Zg==="));
	CHECK(!lenient_accepts("Zm9v="));
	CHECK(!lenient_accepts("Z=g="));
	CHECK(!lenient_accepts("="));
	CHECK(!lenient_accepts("=="));
	CHECK(!lenient_accepts("A==="));
}

static void
lenient_base64_rejects_garbage(void)
{
	CHECK(!lenient_accepts("Zm9v!"));
	CHECK(!lenient_accepts("Zm9v Yg=="));
	CHECK(!lenient_accepts("Zm9v\nYg=="));
	CHECK(!lenient_accepts("Z"));
	CHECK(!lenient_accepts("Zm9v.Yg"));
	CHECK(!lenient_accepts("Zm\xc3\xa9"));
}

void
b64url_tests(void)
{
	RUN(base64url_encodes_rfc4648_vectors);
	RUN(base64url_encodes_with_url_alphabet_and_no_padding);
	RUN(strict_base64url_decodes_rfc4648_vectors);
	RUN(decoded_max_leaves_room_for_every_length);
	RUN(strict_base64url_rejects_padding);
	RUN(strict_base64url_rejects_standard_alphabet);
	RUN(strict_base64url_rejects_whitespace);
	RUN(strict_base64url_rejects_impossible_length);
	RUN(strict_base64url_rejects_nonzero_trailing_bits);
	RUN(strict_base64url_rejects_bytes_outside_the_alphabet);
	RUN(strict_base64url_decodes_empty_text_to_no_bytes);
	RUN(lenient_base64_accepts_padding);
	RUN(lenient_base64_accepts_standard_alphabet);
	RUN(lenient_base64_rejects_misplaced_padding);
	RUN(lenient_base64_rejects_garbage);
}
