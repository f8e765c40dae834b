/*
 * b64url.c — base64url encoding, strict and lenient decoding
 */
#include "b64url.h"

static const char alphabet[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 0..63 for a base64url character, -1 otherwise */
static const int8_t url_value[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7,
	['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13,
	['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19,
	['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25,
	['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31,
	['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37,
	['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
	['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
	['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55,
	['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61,
	['9'] = 62, ['-'] = 63, ['_'] = 64,
};

/* the table stores value + 1 so that a zeroed entry means "not in the alphabet" */
static inline int
char_value(unsigned char c, bool lenient)
{
	if (lenient)
	{
		if (c == '+')
			return 62;
		if (c == '/')
			return 63;
	}
	return url_value[c] - 1;
}

size_t
b64url_encode(const uint8_t *in, size_t n, char *out)
{
	char	   *p = out;
	size_t		i = 0;

	for (; i + 3 <= n; i += 3)
	{
		uint32_t	v = ((uint32_t) in[i] << 16) | ((uint32_t) in[i + 1] << 8) | in[i + 2];

		*p++ = alphabet[(v >> 18) & 63];
		*p++ = alphabet[(v >> 12) & 63];
		*p++ = alphabet[(v >> 6) & 63];
		*p++ = alphabet[v & 63];
	}
	if (n - i == 1)
	{
		uint32_t	v = (uint32_t) in[i] << 16;

		*p++ = alphabet[(v >> 18) & 63];
		*p++ = alphabet[(v >> 12) & 63];
	}
	else if (n - i == 2)
	{
		uint32_t	v = ((uint32_t) in[i] << 16) | ((uint32_t) in[i + 1] << 8);

		*p++ = alphabet[(v >> 18) & 63];
		*p++ = alphabet[(v >> 12) & 63];
		*p++ = alphabet[(v >> 6) & 63];
	}
	return (size_t) (p - out);
}

static bool
decode(const char *in, size_t n, uint8_t *out, size_t *outlen, bool lenient)
{
	const unsigned char *s = (const unsigned char *) in;
	uint8_t    *p = out;
	size_t		i = 0;
	uint32_t	acc = 0;
	int			bits = 0;

	if (n % 4 == 1)
		return false;
	/* whole groups of four characters make three bytes */
	for (; i + 4 <= n; i += 4)
	{
		int			a = char_value(s[i], lenient),
					b = char_value(s[i + 1], lenient),
					c = char_value(s[i + 2], lenient),
					d = char_value(s[i + 3], lenient);
		uint32_t	v;

		if ((a | b | c | d) < 0)
			return false;
		v = ((uint32_t) a << 18) | ((uint32_t) b << 12) | ((uint32_t) c << 6) | (uint32_t) d;
		p[0] = (uint8_t) (v >> 16);
		p[1] = (uint8_t) (v >> 8);
		p[2] = (uint8_t) v;
		p += 3;
	}
	/* two or three characters left make one or two bytes */
	for (; i < n; i++)
	{
		int			v = char_value(s[i], lenient);

		if (v < 0)
			return false;
		acc = (acc << 6) | (uint32_t) v;
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			*p++ = (uint8_t) (acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* the leftover bits of the last character must be zero (strict only) */
	if (!lenient && acc != 0)
		return false;
	*outlen = (size_t) (p - out);
	return true;
}

bool
b64url_decode(const char *in, size_t n, uint8_t *out, size_t *outlen)
{
	return decode(in, n, out, outlen, false);
}

bool
b64url_decode_lenient(const char *in, size_t n, uint8_t *out, size_t *outlen)
{
	/* padding may close a standard encoding; it can only be '=' or '==' */
	size_t		pad = 0;

	while (n > 0 && in[n - 1] == '=' && pad < 2)
	{
		n--;
		pad++;
	}
	if (pad > 0 && (n + pad) % 4 != 0)
		return false;
	return decode(in, n, out, outlen, true);
}
