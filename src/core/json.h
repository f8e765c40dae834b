/*
 * json.h — a strict, validating JSON parser for token headers, claims and JWKs
 *
 * RFC 8259 JSON with the rules a verifier needs on top: valid UTF-8 only,
 * no \u0000 and no unpaired surrogate escape (PostgreSQL's jsonb refuses
 * both), member names unique within each object (compared after unescaping,
 * so "alg" and "\u0061lg" are the same name), nesting at most
 * JSON_MAX_DEPTH deep, and numbers that PostgreSQL's numeric can hold.
 *
 * The result is a flat array of tokens in document order (as jsmn does):
 * an object's members follow it as key, value-subtree pairs, and every
 * token records where its subtree ends, so lookups skip whole values.
 */
#ifndef JWT_AUTH_JSON_H
#define JWT_AUTH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64
#define JSON_MAX_NUMBER_DIGITS 1000
#define JSON_MAX_EXPONENT 1000
#define JSON_MAX_EXPONENT_DIGITS 8

typedef enum json_type
{
	JSON_OBJECT = 1,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL
} json_type;

typedef struct json_tok
{
	json_type	type;
	bool		escaped;		/* a string holding backslash escapes */
	uint32_t	start;			/* raw span in the text; strings exclude quotes */
	uint32_t	len;
	uint32_t	size;			/* members of an object, elements of an array */
	uint32_t	next;			/* index of the first token after this subtree */
} json_tok;

typedef struct json_doc
{
	const char *text;
	json_tok   *toks;			/* toks[0] is the document's value */
	uint32_t	ntoks;
	uint32_t	cap;
} json_doc;

typedef enum json_error
{
	JSON_OK = 0,
	JSON_ERR_SYNTAX,			/* not JSON, or outside the limits above */
	JSON_ERR_DUPLICATE,			/* an object repeats a member name */
	JSON_ERR_NOMEM
} json_error;

/* parse text[0..len); on success free with json_free() */
extern json_error json_parse(const char *text, size_t len, json_doc *doc);
extern void json_free(json_doc *doc);

/* the value of member `name` of the object at index obj, if present */
extern bool json_find(const json_doc *doc, uint32_t obj, const char *name, uint32_t *value);

/* is the string token equal to s[0..n) once unescaped? */
extern bool json_string_eq(const json_doc *doc, uint32_t tok, const char *s, size_t n);

/* unescape a string token into out (room for toks[tok].len bytes); returns the length */
extern size_t json_string_decode(const json_doc *doc, uint32_t tok, char *out);

/* a number token as a double; false unless it is finite */
extern bool json_number_value(const json_doc *doc, uint32_t tok, double *out);

/*
 * Copy valid JSON text without the whitespace between tokens; out needs
 * room for len bytes. Returns the new length.
 */
extern size_t json_minify(const char *text, size_t len, char *out);

#endif
