/*
 * fuzz_json.c — libFuzzer harness over the strict JSON parser
 *
 * Input: JSON text. On a document the parser accepts, the harness checks
 * what the rest of the core relies on, and aborts when a promise breaks:
 * - every string unescapes to valid UTF-8 without NUL, no longer than its
 *   raw span, and json_string_eq() agrees with its unescaped form;
 * - every member of every object is found again by json_find() under its
 *   unescaped name (names are unique, so it is that very member);
 * - subtree ends (next) point forward and inside the token array;
 * - json_minify() output is no longer, parses to the same token types,
 *   and minifying it again changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_json: %s\n", what);
	abort();
}

/* is s[0..n) valid UTF-8 (no overlong form, no surrogate, nothing past U+10FFFF)? */
static bool
valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;)
	{
		unsigned char c = s[i];
		size_t		len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 :
			c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		unsigned	cp;

		if (len == 0 || i + len > n)
			return false;
		cp = len == 1 ? c : c & (0xFF >> (len + 1));
		for (size_t k = 1; k < len; k++)
		{
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
			(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		i += len;
	}
	return true;
}

static void
check_string(const json_doc *doc, uint32_t i)
{
	const json_tok *t = &doc->toks[i];
	char	   *out = malloc(t->len ? t->len : 1);
	size_t		n = json_string_decode(doc, i, out);

	if (n > t->len)
		fail("a string unescapes to more bytes than its raw span");
	if (memchr(out, '\0', n) != NULL)
		fail("a string holds a NUL character");
	if (!valid_utf8((const unsigned char *) out, n))
		fail("a string is not valid UTF-8");
	if (!json_string_eq(doc, i, out, n))
		fail("json_string_eq() disagrees with json_string_decode()");
	free(out);
}

/* every member of the object at obj is found again under its own name */
static void
check_object(const json_doc *doc, uint32_t obj)
{
	uint32_t	k = obj + 1;

	for (uint32_t m = 0; m < doc->toks[obj].size; m++)
	{
		char	   *name = malloc(doc->toks[k].len + 1);
		uint32_t	v;

		name[json_string_decode(doc, k, name)] = '\0';
		if (!json_find(doc, obj, name, &v) || v != k + 1)
			fail("json_find() misses a member");
		free(name);
		k = doc->toks[k + 1].next;
	}
	if (k != doc->toks[obj].next)
		fail("an object's members do not end where the object does");
}

static void
check_tokens(const json_doc *doc)
{
	for (uint32_t i = 0; i < doc->ntoks; i++)
	{
		const json_tok *t = &doc->toks[i];
		double		d;

		if (t->next <= i || t->next > doc->ntoks)
			fail("a subtree ends outside the token array");
		if (t->type == JSON_STRING)
			check_string(doc, i);
		else if (t->type == JSON_NUMBER)
			(void) json_number_value(doc, i, &d);
		else if (t->type == JSON_OBJECT)
			check_object(doc, i);
	}
}

static void
check_minify(const json_doc *doc, const char *text, size_t len)
{
	char	   *out = malloc(len),
			   *again = malloc(len);
	size_t		n = json_minify(text, len, out);
	json_doc	mdoc;

	if (n > len)
		fail("minified text is longer");
	if (json_parse(out, n, &mdoc) != JSON_OK)
		fail("minified text does not parse");
	if (mdoc.ntoks != doc->ntoks)
		fail("minified text has other tokens");
	for (uint32_t i = 0; i < doc->ntoks; i++)
		if (mdoc.toks[i].type != doc->toks[i].type || mdoc.toks[i].size != doc->toks[i].size)
			fail("minified text has another structure");
	json_free(&mdoc);
	if (json_minify(out, n, again) != n || memcmp(out, again, n) != 0)
		fail("minifying twice changes the text");
	free(out);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly these bytes, with no terminator the parser could lean on */
	char	   *text = malloc(size ? size : 1);
	json_doc	doc;

	memcpy(text, data, size);
	if (json_parse(text, size, &doc) == JSON_OK)
	{
		check_tokens(&doc);
		check_minify(&doc, text, size);
		json_free(&doc);
	}
	free(text);
	return 0;
}
