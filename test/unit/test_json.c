/*
 * test_json.c — the strict JSON parser: what it accepts, what it refuses,
 * and the lookups built on its token array
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "unit.h"

/* json_parse() of text[0..len), freeing the document on success */
static json_error
parse_n(const char *text, size_t len)
{
	json_doc	doc;
	json_error	err = json_parse(text, len, &doc);

	if (err == JSON_OK)
		json_free(&doc);
	return err;
}

/* the same for a NUL-terminated text */
static json_error
parse(const char *text)
{
	return parse_n(text, strlen(text));
}

/* a malloc'd text of `depth` nested arrays: [[[...]]] */
static char *
nested_arrays(int depth)
{
	char	   *s = malloc((size_t) depth * 2 + 1);

	memset(s, '[', (size_t) depth);
	memset(s + depth, ']', (size_t) depth);
	s[depth * 2] = '\0';
	return s;
}

/* a malloc'd text of `depth` nested objects: {"a":{"a":...{}}} */
static char *
nested_objects(int depth)
{
	char	   *s = malloc((size_t) depth * 6 + 3);
	size_t		n = 0;

	for (int i = 0; i < depth - 1; i++)
		n += (size_t) sprintf(s + n, "{\"a\":");
	n += (size_t) sprintf(s + n, "{}");
	for (int i = 0; i < depth - 1; i++)
		s[n++] = '}';
	s[n] = '\0';
	return s;
}

/* a malloc'd number text: head, then `zeros` zeros, then tail */
static char *
long_number(const char *head, size_t zeros, const char *tail)
{
	size_t		h = strlen(head),
				t = strlen(tail);
	char	   *s = malloc(h + zeros + t + 1);

	memcpy(s, head, h);
	memset(s + h, '0', zeros);
	memcpy(s + h + zeros, tail, t + 1);
	return s;
}

static void
json_accepts_valid_documents(void)
{
	static const char *valid[] = {
		"{}", "[]", "\"\"", "0", "-0", "1.5e+3", "-1E-2", "0.25", "true", "false", "null",
		" \t\r\n{ \"a\" : [ 1 , 2 ] } \r\n",
		"{\"a\":[1,{\"b\":null}],\"c\":\"\\u00e9\\ud83d\\ude00\"}",
		"{\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
		"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",	/* é € and an emoji, raw */
		"\"\x7f\"",								/* DEL is not a control character here */
		"{\"a\":1,\"ab\":2,\"b\":{\"a\":3}}",	/* same name in another object */
	};

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if (!CHECK_JSON(parse(valid[i]), JSON_OK))
			unit_diag("text", valid[i]);
}

static void
json_records_tokens_in_document_order(void)
{
	static const char text[] = "{\"a\":[1,2],\"b\":\"x\"}";
	static const json_type types[] = {
		JSON_OBJECT, JSON_STRING, JSON_ARRAY, JSON_NUMBER, JSON_NUMBER, JSON_STRING, JSON_STRING
	};
	json_doc	doc;

	if (!CHECK_JSON(json_parse(text, strlen(text), &doc), JSON_OK))
		return;
	if (CHECK(doc.ntoks == 7))
		for (uint32_t i = 0; i < 7; i++)
			CHECK(doc.toks[i].type == types[i]);
	CHECK(doc.toks[0].size == 2);
	CHECK(doc.toks[0].next == 7);
	CHECK(doc.toks[2].size == 2);
	CHECK(doc.toks[2].next == 5);		/* the array's subtree ends before "b" */
	CHECK_TEXT(text + doc.toks[6].start, doc.toks[6].len, "x");
	CHECK_TEXT(text + doc.toks[2].start, doc.toks[2].len, "[1,2]");
	json_free(&doc);
}

static void
json_rejects_duplicate_names(void)
{
	CHECK_JSON(parse("{\"a\":1,\"a\":2}"), JSON_ERR_DUPLICATE);
	CHECK_JSON(parse("{\"a\":1,\"b\":2,\"a\":{}}"), JSON_ERR_DUPLICATE);
	CHECK_JSON(parse("{\"\":1,\"\":2}"), JSON_ERR_DUPLICATE);
}

static void
json_rejects_duplicate_names_that_differ_only_in_escapes(void)
{
	CHECK_JSON(parse("{\"alg\":1,\"\\u0061lg\":2}"), JSON_ERR_DUPLICATE);
	CHECK_JSON(parse("{\"a/b\":1,\"a\\/b\":2}"), JSON_ERR_DUPLICATE);
	CHECK_JSON(parse("{\"\\u00e9\":1,\"\xc3\xa9\":2}"), JSON_ERR_DUPLICATE);
	CHECK_JSON(parse("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}"), JSON_ERR_DUPLICATE);
}

static void
json_rejects_nested_duplicate_names(void)
{
	CHECK_JSON(parse("{\"x\":{\"a\":1,\"a\":2}}"), JSON_ERR_DUPLICATE);
	CHECK_JSON(parse("[{\"a\":1,\"a\":2}]"), JSON_ERR_DUPLICATE);
	CHECK_JSON(parse("{\"x\":[0,{\"y\":{\"k\":1,\"\\u006b\":2}}]}"), JSON_ERR_DUPLICATE);
}

static void
json_rejects_duplicate_names_among_many_members(void)
{
	char		text[512];
	size_t		n = 0;

	/* forty members, the last repeating the first */
	n += (size_t) sprintf(text + n, "{");
	for (int i = 0; i < 40; i++)
		n += (size_t) sprintf(text + n, "\"m%d\":%d,", i, i);
	sprintf(text + n, "\"\\u006d0\":0}");
	CHECK_JSON(parse(text), JSON_ERR_DUPLICATE);
	sprintf(text + n, "\"m40\":0}");
	CHECK_JSON(parse(text), JSON_OK);
}

/* every pair of members in objects of 2 to 12 members (checked pair by pair, then sorted) */
static void
json_rejects_a_duplicate_at_any_pair_of_places(void)
{
	for (int size = 2; size <= 12; size++)
		for (int a = 0; a < size; a++)
			for (int b = a + 1; b <= size; b++)
			{
				char		text[256];
				size_t		n = (size_t) sprintf(text, "{");

				/* member b repeats member a (written escaped); b == size: no repeat */
				for (int i = 0; i < size; i++)
					n += (size_t) (i == b ? sprintf(text + n, "%s\"\\u006b%d\":%d", i ? "," : "", a, i)
								   : sprintf(text + n, "%s\"k%d\":%d", i ? "," : "", i, i));
				sprintf(text + n, "}");
				if (!CHECK_JSON(parse(text), b < size ? JSON_ERR_DUPLICATE : JSON_OK))
					printf("#   %s\n", text);
			}
}

static void
json_rejects_invalid_utf8(void)
{
	static const char *invalid[] = {
		"\"\xc0\xaf\"",				/* overlong '/' */
		"\"\xe0\x80\xaf\"",			/* overlong, three bytes */
		"\"\xf0\x80\x80\xaf\"",		/* overlong, four bytes */
		"\"\xed\xa0\x80\"",			/* U+D800, a surrogate, in UTF-8 */
		"\"\xed\xbf\xbf\"",			/* U+DFFF */
		"\"\xf4\x90\x80\x80\"",		/* U+110000, above the last code point */
		"\"\xf5\x80\x80\x80\"",
		"\"\xe2\x82\"",				/* truncated euro sign */
		"\"\xe2\x82",				/* truncated at the end of the text */
		"\"\x80\"",					/* a lone continuation byte */
		"\"\xff\"",
		"\"\xc3\x28\"",				/* a lead byte without its continuation */
	};

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (!CHECK_JSON(parse(invalid[i]), JSON_ERR_SYNTAX))
			printf("#   case %zu\n", i);
}

static void
json_accepts_utf8_at_the_edges_of_the_valid_ranges(void)
{
	CHECK_JSON(parse("\"\xc2\x80\""), JSON_OK);			/* U+0080 */
	CHECK_JSON(parse("\"\xed\x9f\xbf\""), JSON_OK);		/* U+D7FF */
	CHECK_JSON(parse("\"\xee\x80\x80\""), JSON_OK);		/* U+E000 */
	CHECK_JSON(parse("\"\xef\xbf\xbf\""), JSON_OK);		/* U+FFFF */
	CHECK_JSON(parse("\"\xf0\x90\x80\x80\""), JSON_OK);	/* U+10000 */
	CHECK_JSON(parse("\"\xf4\x8f\xbf\xbf\""), JSON_OK);	/* U+10FFFF */
}

static void
json_rejects_nul_characters(void)
{
	CHECK_JSON(parse("\"\\u0000\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("{\"a\\u0000\":1}"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse_n("\"a\0b\"", 5), JSON_ERR_SYNTAX);	/* a raw NUL byte */
}

static void
json_rejects_lone_surrogate_escapes(void)
{
	CHECK_JSON(parse("\"\\ud800\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("\"\\udc00\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("\"\\ude00\\ud83d\""), JSON_ERR_SYNTAX);	/* pair in the wrong order */
	CHECK_JSON(parse("\"\\ud800\\u0041\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("\"\\ud800\\ud800\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("\"\\ud800x\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("\"\\ud800\\u\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("\"\\ud83d\\ude00\""), JSON_OK);
}

static void
json_rejects_control_characters_in_strings(void)
{
	CHECK_JSON(parse("\"\x01\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("\"a\nb\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("\"a\tb\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("\"\x1f\""), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("{\"a\rb\":1}"), JSON_ERR_SYNTAX);
}

static void
json_rejects_bad_escapes(void)
{
	static const char *invalid[] = {
		"\"\\x41\"", "\"\\'\"", "\"\\a\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\U0041\"",
		"\"abc\\", "\"abc\\\"", "\"\\", "\"unterminated",
	};

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (!CHECK_JSON(parse(invalid[i]), JSON_ERR_SYNTAX))
			unit_diag("text", invalid[i]);
}

static void
json_allows_64_levels_of_nesting_and_no_more(void)
{
	char	   *s;

	CHECK(JSON_MAX_DEPTH == 64);
	s = nested_arrays(64);
	CHECK_JSON(parse(s), JSON_OK);
	free(s);
	s = nested_arrays(65);
	CHECK_JSON(parse(s), JSON_ERR_SYNTAX);
	free(s);
	s = nested_objects(64);
	CHECK_JSON(parse(s), JSON_OK);
	free(s);
	s = nested_objects(65);
	CHECK_JSON(parse(s), JSON_ERR_SYNTAX);
	free(s);
	s = nested_arrays(100000);		/* deep enough to overflow a stack without the limit */
	CHECK_JSON(parse(s), JSON_ERR_SYNTAX);
	free(s);
}

static void
json_rejects_trailing_garbage(void)
{
	CHECK_JSON(parse("{} x"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("{}{}"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("1 2"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("{},"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("true false"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse_n("{}\0", 3), JSON_ERR_SYNTAX);
}

static void
json_rejects_leading_byte_order_mark(void)
{
	CHECK_JSON(parse("\xef\xbb\xbf{}"), JSON_ERR_SYNTAX);
}

static void
json_rejects_whitespace_json_does_not_define(void)
{
	CHECK_JSON(parse("\f{}"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("{}\v"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("{\xc2\xa0}"), JSON_ERR_SYNTAX);	/* no-break space */
}

static void
json_rejects_malformed_numbers(void)
{
	static const char *invalid[] = {
		"01", "-01", "00", "1.", ".5", "-", "+1", "1e", "1e+", "1E-", "0x10", "1.e5",
		"-.5", "NaN", "Infinity", "-Infinity", "1.5.2", "1e5e5", "--1", "[1.]", "{\"a\":01}",
	};

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (!CHECK_JSON(parse(invalid[i]), JSON_ERR_SYNTAX))
			unit_diag("text", invalid[i]);
}

static void
json_limits_exponents_to_1000(void)
{
	CHECK_JSON(parse("1e1000"), JSON_OK);
	CHECK_JSON(parse("1e-1000"), JSON_OK);
	CHECK_JSON(parse("1e1001"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("1E+1001"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("1e-1001"), JSON_ERR_SYNTAX);
	CHECK_JSON(parse("1e99999999999999999999"), JSON_ERR_SYNTAX);
}

static void
json_limits_numbers_to_1000_digits(void)
{
	char	   *s;

	s = long_number("1", 999, "");		/* 1000 digits */
	CHECK_JSON(parse(s), JSON_OK);
	free(s);
	s = long_number("1", 1000, "");		/* 1001 digits */
	CHECK_JSON(parse(s), JSON_ERR_SYNTAX);
	free(s);
	s = long_number("-1.", 1000, "");	/* fraction digits count too */
	CHECK_JSON(parse(s), JSON_ERR_SYNTAX);
	free(s);
	s = long_number("-1.", 998, "e-5");
	CHECK_JSON(parse(s), JSON_OK);
	free(s);
}

static void
json_rejects_structural_errors(void)
{
	static const char *invalid[] = {
		"", " ", "{", "}", "[", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\"}", "{a:1}",
		"{\"a\" 1}", "[1 2]", "{\"a\":1 \"b\":2}", "tru", "nul", "True", "'a'",
		"{\"a\":}", "{1:2}", "[}", "{]", "\"a\"\"b\"",
	};

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (!CHECK_JSON(parse(invalid[i]), JSON_ERR_SYNTAX))
			unit_diag("text", invalid[i]);
}

static void
json_find_returns_the_value_of_a_member(void)
{
	static const char text[] = "{\"a\":1,\"b\":{\"c\":[2,3],\"d\":4},\"e\":\"five\"}";
	json_doc	doc;
	uint32_t	v,
				d;

	if (!CHECK_JSON(json_parse(text, strlen(text), &doc), JSON_OK))
		return;
	if (CHECK(json_find(&doc, 0, "e", &v)))		/* found after skipping b's subtree */
		CHECK(json_string_eq(&doc, v, "five", 4));
	if (CHECK(json_find(&doc, 0, "b", &v)))
	{
		if (CHECK(json_find(&doc, v, "d", &d)))
			CHECK_TEXT(text + doc.toks[d].start, doc.toks[d].len, "4");
		CHECK(!json_find(&doc, v, "a", &d));	/* only the object's own members */
	}
	CHECK(!json_find(&doc, 0, "c", &v));
	CHECK(!json_find(&doc, 0, "", &v));
	CHECK(!json_find(&doc, 0, "ab", &v));
	json_free(&doc);
}

static void
json_find_answers_no_for_what_is_not_an_object(void)
{
	static const char text[] = "[\"a\",1]";
	json_doc	doc;
	uint32_t	v;

	if (!CHECK_JSON(json_parse(text, strlen(text), &doc), JSON_OK))
		return;
	CHECK(!json_find(&doc, 0, "a", &v));
	CHECK(!json_find(&doc, 1, "a", &v));
	json_free(&doc);
}

static void
json_find_matches_escaped_member_names(void)
{
	static const char text[] = "{\"\\u0061lg\":\"HS256\",\"k\\\"ey\":1}";
	json_doc	doc;
	uint32_t	v;

	if (!CHECK_JSON(json_parse(text, strlen(text), &doc), JSON_OK))
		return;
	if (CHECK(json_find(&doc, 0, "alg", &v)))
		CHECK(json_string_eq(&doc, v, "HS256", 5));
	CHECK(json_find(&doc, 0, "k\"ey", &v));
	json_free(&doc);
}

static void
json_string_eq_compares_unescaped_text(void)
{
	static const char text[] = "[\"HS\\u00325\\u0036\",\"plain\",7,\"\\/\"]";
	json_doc	doc;

	if (!CHECK_JSON(json_parse(text, strlen(text), &doc), JSON_OK))
		return;
	CHECK(json_string_eq(&doc, 1, "HS256", 5));
	CHECK(!json_string_eq(&doc, 1, "HS25", 4));
	CHECK(!json_string_eq(&doc, 1, "HS2566", 6));
	CHECK(!json_string_eq(&doc, 1, "HS\\u00325\\u0036", 15));
	CHECK(json_string_eq(&doc, 2, "plain", 5));
	CHECK(!json_string_eq(&doc, 2, "plai", 4));
	CHECK(!json_string_eq(&doc, 3, "7", 1));	/* a number is not a string */
	CHECK(json_string_eq(&doc, 4, "/", 1));
	json_free(&doc);
}

static void
json_string_eq_handles_long_escaped_strings(void)
{
	char		text[700],
				want[200];
	size_t		n = 0;
	json_doc	doc;

	/* 100 escaped 'A's: longer than any fixed buffer for the unescaped form */
	text[n++] = '"';
	for (int i = 0; i < 100; i++)
		n += (size_t) sprintf(text + n, "\\u0041");
	text[n++] = '"';
	memset(want, 'A', 100);
	if (!CHECK_JSON(json_parse(text, n, &doc), JSON_OK))
		return;
	CHECK(json_string_eq(&doc, 0, want, 100));
	CHECK(!json_string_eq(&doc, 0, want, 99));
	json_free(&doc);
}

static void
json_string_decode_unescapes_every_escape(void)
{
	static const char text[] =
		"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00A\"";
	static const char want[] =
		"\"\\/\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" "A";
	json_doc	doc;
	char		out[sizeof(text)];
	size_t		n;

	if (!CHECK_JSON(json_parse(text, strlen(text), &doc), JSON_OK))
		return;
	CHECK(doc.toks[0].escaped);
	n = json_string_decode(&doc, 0, out);
	CHECK_TEXT(out, n, want);
	CHECK(n <= doc.toks[0].len);
	json_free(&doc);
}

static void
json_string_decode_copies_plain_strings(void)
{
	static const char text[] = "\"caf\xc3\xa9\"";
	json_doc	doc;
	char		out[16];

	if (!CHECK_JSON(json_parse(text, strlen(text), &doc), JSON_OK))
		return;
	CHECK(!doc.toks[0].escaped);
	CHECK_TEXT(out, json_string_decode(&doc, 0, out), "caf\xc3\xa9");
	json_free(&doc);
}

static void
json_number_value_reads_finite_numbers(void)
{
	static const char text[] = "[1300819380,-1.5e2,0,1e-1000,0.5,\"1\"]";
	json_doc	doc;
	double		d;

	if (!CHECK_JSON(json_parse(text, strlen(text), &doc), JSON_OK))
		return;
	CHECK(json_number_value(&doc, 1, &d) && d == 1300819380.0);
	CHECK(json_number_value(&doc, 2, &d) && d == -150.0);
	CHECK(json_number_value(&doc, 3, &d) && d == 0.0);
	CHECK(json_number_value(&doc, 4, &d) && d == 0.0);		/* underflow is zero, not an error */
	CHECK(json_number_value(&doc, 5, &d) && d == 0.5);
	CHECK(!json_number_value(&doc, 6, &d));					/* a string is not a number */
	json_free(&doc);
}

static void
json_number_value_refuses_infinity(void)
{
	static const char text[] = "[1e999,-1e999,1e1000]";
	json_doc	doc;
	double		d;

	if (!CHECK_JSON(json_parse(text, strlen(text), &doc), JSON_OK))
		return;
	CHECK(!json_number_value(&doc, 1, &d));
	CHECK(!json_number_value(&doc, 2, &d));
	CHECK(!json_number_value(&doc, 3, &d));
	json_free(&doc);
}

static void
json_number_value_reads_the_longest_numbers_the_parser_accepts(void)
{
	char	   *s = long_number("-1.", 999, "e-1000");	/* 1000 digits, largest exponent */
	json_doc	doc;
	double		d;

	if (CHECK_JSON(json_parse(s, strlen(s), &doc), JSON_OK))
	{
		CHECK(json_number_value(&doc, 0, &d) && d == -0.0);
		json_free(&doc);
	}
	free(s);
}

/*
 * Every number the parser accepts is either read as a finite double or is
 * truly beyond a double's range. An exponent may carry leading zeros; they
 * do not change the value.
 */
static void
json_number_value_reads_exponents_with_leading_zeros(void)
{
	char	   *s = long_number("1e", 1100, "1");	/* 1e000...0001 is 10 */
	json_doc	doc;
	double		d = 0;

	if (json_parse(s, strlen(s), &doc) == JSON_OK)
	{
		CHECK(json_number_value(&doc, 0, &d));
		CHECK(d == 10.0);
		json_free(&doc);
	}
	free(s);
}

static void
json_minify_drops_only_the_space_between_tokens(void)
{
	static const char text[] =
		" {\r\n \"a b\" : [ 1 , \"x\\\" y\" ] ,\t\"c\\\\\" : { } } \n";
	static const char want[] = "{\"a b\":[1,\"x\\\" y\"],\"c\\\\\":{}}";
	char		out[sizeof(text)];
	size_t		n = json_minify(text, strlen(text), out);

	CHECK_TEXT(out, n, want);
	CHECK_JSON(parse_n(out, n), JSON_OK);
}

static void
json_minify_keeps_minified_text_as_it_is(void)
{
	static const char text[] = "{\"a\":[1,2,{\"b\":\"\\\\\"}],\"c\":null}";
	char		out[sizeof(text)];

	CHECK_TEXT(out, json_minify(text, strlen(text), out), text);
}

void
json_tests(void)
{
	RUN(json_accepts_valid_documents);
	RUN(json_records_tokens_in_document_order);
	RUN(json_rejects_duplicate_names);
	RUN(json_rejects_duplicate_names_that_differ_only_in_escapes);
	RUN(json_rejects_nested_duplicate_names);
	RUN(json_rejects_duplicate_names_among_many_members);
	RUN(json_rejects_a_duplicate_at_any_pair_of_places);
	RUN(json_rejects_invalid_utf8);
	RUN(json_accepts_utf8_at_the_edges_of_the_valid_ranges);
	RUN(json_rejects_nul_characters);
	RUN(json_rejects_lone_surrogate_escapes);
	RUN(json_rejects_control_characters_in_strings);
	RUN(json_rejects_bad_escapes);
	RUN(json_allows_64_levels_of_nesting_and_no_more);
	RUN(json_rejects_trailing_garbage);
	RUN(json_rejects_leading_byte_order_mark);
	RUN(json_rejects_whitespace_json_does_not_define);
	RUN(json_rejects_malformed_numbers);
	RUN(json_limits_exponents_to_1000);
	RUN(json_limits_numbers_to_1000_digits);
	RUN(json_rejects_structural_errors);
	RUN(json_find_returns_the_value_of_a_member);
	RUN(json_find_answers_no_for_what_is_not_an_object);
	RUN(json_find_matches_escaped_member_names);
	RUN(json_string_eq_compares_unescaped_text);
	RUN(json_string_eq_handles_long_escaped_strings);
	RUN(json_string_decode_unescapes_every_escape);
	RUN(json_string_decode_copies_plain_strings);
	RUN(json_number_value_reads_finite_numbers);
	RUN(json_number_value_refuses_infinity);
	RUN(json_number_value_reads_the_longest_numbers_the_parser_accepts);
	RUN(json_number_value_reads_exponents_with_leading_zeros);
	RUN(json_minify_drops_only_the_space_between_tokens);
	RUN(json_minify_keeps_minified_text_as_it_is);
}
