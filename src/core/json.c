/*
 * json.c — strict JSON parsing into a flat token array
 */
#include "json.h"
#include "mem.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser
{
	const char *s;
	size_t		n;
	size_t		pos;
	json_doc   *doc;
	int			depth;
} parser;

static json_error parse_value(parser *p);

static inline void
skip_ws(parser *p)
{
	while (p->pos < p->n)
	{
		char		c = p->s[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static inline int
peek(const parser *p)
{
	return p->pos < p->n ? (unsigned char) p->s[p->pos] : -1;
}

/* append a token; its index goes to *idx */
static json_error
new_tok(parser *p, json_type type, uint32_t *idx)
{
	json_doc   *d = p->doc;

	if (d->ntoks == d->cap)
	{
		uint32_t	cap = d->cap ? d->cap * 2 : 16;
		json_tok   *t = jwt_realloc(d->toks, (size_t) cap * sizeof(json_tok));

		if (t == NULL)
			return JSON_ERR_NOMEM;
		d->toks = t;
		d->cap = cap;
	}
	*idx = d->ntoks++;
	d->toks[*idx] = (json_tok) {.type = type, .start = (uint32_t) p->pos};
	return JSON_OK;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* four hex digits at s; -1 if they are not */
static long
hex4(const char *s)
{
	long		v = 0;

	for (int i = 0; i < 4; i++)
	{
		int			h = hex_value((unsigned char) s[i]);

		if (h < 0)
			return -1;
		v = (v << 4) | h;
	}
	return v;
}

/* length of the valid UTF-8 sequence at s (at most n bytes), or 0 */
static size_t
utf8_sequence(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t		len;
	unsigned char lo = 0x80,
				hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;			/* no overlong forms */
		else if (c == 0xED)
			hi = 0x9F;			/* no UTF-16 surrogates */
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;			/* nothing above U+10FFFF */
	}
	else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

static json_error
parse_string(parser *p, uint32_t *idx)
{
	json_error	err = new_tok(p, JSON_STRING, idx);
	bool		escaped = false;

	if (err)
		return err;
	p->pos++;					/* the opening quote */
	p->doc->toks[*idx].start = (uint32_t) p->pos;
	for (;;)
	{
		int			c = peek(p);

		if (c < 0 || c < 0x20)
			return JSON_ERR_SYNTAX;
		if (c == '"')
			break;
		if (c == '\\')
		{
			escaped = true;
			if (p->pos + 1 >= p->n)
				return JSON_ERR_SYNTAX;
			c = (unsigned char) p->s[p->pos + 1];
			if (c == 'u')
			{
				long		cp;

				if (p->pos + 6 > p->n || (cp = hex4(p->s + p->pos + 2)) < 0)
					return JSON_ERR_SYNTAX;
				if (cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
					return JSON_ERR_SYNTAX;
				if (cp >= 0xD800 && cp <= 0xDBFF)
				{
					long		lo;

					/* a high surrogate must be followed by an escaped low one */
					if (p->pos + 12 > p->n || p->s[p->pos + 6] != '\\' ||
						p->s[p->pos + 7] != 'u' ||
						(lo = hex4(p->s + p->pos + 8)) < 0xDC00 || lo > 0xDFFF)
						return JSON_ERR_SYNTAX;
					p->pos += 6;
				}
				p->pos += 6;
			}
			else if (strchr("\"\\/bfnrt", c) != NULL && c != '\0')
				p->pos += 2;
			else
				return JSON_ERR_SYNTAX;
		}
		else
		{
			size_t		len = utf8_sequence((const unsigned char *) p->s + p->pos,
											p->n - p->pos);

			if (len == 0)
				return JSON_ERR_SYNTAX;
			p->pos += len;
		}
	}
	p->doc->toks[*idx].len = (uint32_t) (p->pos - p->doc->toks[*idx].start);
	p->doc->toks[*idx].escaped = escaped;
	p->doc->toks[*idx].next = p->doc->ntoks;
	p->pos++;					/* the closing quote */
	return JSON_OK;
}

static inline bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static json_error
parse_number(parser *p)
{
	uint32_t	idx;
	json_error	err = new_tok(p, JSON_NUMBER, &idx);
	size_t		digits = 0;

	if (err)
		return err;
	if (peek(p) == '-')
		p->pos++;
	if (peek(p) == '0')
	{
		p->pos++;
		digits++;
	}
	else if (is_digit(peek(p)))
		while (is_digit(peek(p)))
		{
			p->pos++;
			digits++;
		}
	else
		return JSON_ERR_SYNTAX;
	if (peek(p) == '.')
	{
		p->pos++;
		if (!is_digit(peek(p)))
			return JSON_ERR_SYNTAX;
		while (is_digit(peek(p)))
		{
			p->pos++;
			digits++;
		}
	}
	if (digits > JSON_MAX_NUMBER_DIGITS)
		return JSON_ERR_SYNTAX;
	if (peek(p) == 'e' || peek(p) == 'E')
	{
		long		exponent = 0;
		int			exponent_digits = 0;

		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!is_digit(peek(p)))
			return JSON_ERR_SYNTAX;
		while (is_digit(peek(p)))
		{
			exponent = exponent * 10 + (peek(p) - '0');
			/* leading zeros count too: they would make the number too long to read */
			if (exponent > JSON_MAX_EXPONENT ||
				++exponent_digits > JSON_MAX_EXPONENT_DIGITS)
				return JSON_ERR_SYNTAX;
			p->pos++;
		}
	}
	p->doc->toks[idx].len = (uint32_t) (p->pos - p->doc->toks[idx].start);
	p->doc->toks[idx].next = p->doc->ntoks;
	return JSON_OK;
}

static json_error
parse_literal(parser *p, const char *word, json_type type)
{
	size_t		len = strlen(word);
	uint32_t	idx;
	json_error	err;

	if (p->n - p->pos < len || memcmp(p->s + p->pos, word, len) != 0)
		return JSON_ERR_SYNTAX;
	if ((err = new_tok(p, type, &idx)) != JSON_OK)
		return err;
	p->pos += len;
	p->doc->toks[idx].len = (uint32_t) len;
	p->doc->toks[idx].next = p->doc->ntoks;
	return JSON_OK;
}

typedef struct name_ref
{
	const char *s;
	size_t		n;
} name_ref;

static int
name_cmp(const void *a, const void *b)
{
	const name_ref *x = a,
			   *y = b;
	size_t		n = x->n < y->n ? x->n : y->n;
	int			c = memcmp(x->s, y->s, n);

	if (c != 0)
		return c;
	return (x->n > y->n) - (x->n < y->n);
}

/* objects with at most this many members are checked pair by pair */
#define SMALL_OBJECT 8

/* do two members of the object at obj share a name? */
static json_error
check_duplicates(const json_doc *d, uint32_t obj)
{
	uint32_t	size = d->toks[obj].size;
	name_ref	local[16];
	name_ref   *names = local;
	char	   *scratch = NULL;
	size_t		scratch_len = 0;
	json_error	result = JSON_OK;
	uint32_t	k;

	if (size < 2)
		return JSON_OK;
	if (size > 16 && (names = jwt_malloc(size * sizeof(name_ref))) == NULL)
		return JSON_ERR_NOMEM;

	/* escaped names are compared in their unescaped form */
	k = obj + 1;
	for (uint32_t i = 0; i < size; i++)
	{
		if (d->toks[k].escaped)
			scratch_len += d->toks[k].len;
		k = d->toks[k + 1].next;
	}
	if (scratch_len > 0 && (scratch = jwt_malloc(scratch_len)) == NULL)
	{
		result = JSON_ERR_NOMEM;
		goto done;
	}
	k = obj + 1;
	scratch_len = 0;
	for (uint32_t i = 0; i < size; i++)
	{
		if (d->toks[k].escaped)
		{
			names[i].s = scratch + scratch_len;
			names[i].n = json_string_decode(d, k, scratch + scratch_len);
			scratch_len += names[i].n;
		}
		else
		{
			names[i].s = d->text + d->toks[k].start;
			names[i].n = d->toks[k].len;
		}
		k = d->toks[k + 1].next;
	}
	if (size <= SMALL_OBJECT)
	{
		/* a few names: comparing each pair costs less than sorting */
		for (uint32_t i = 0; i < size && result == JSON_OK; i++)
			for (uint32_t j = i + 1; j < size; j++)
				if (names[i].n == names[j].n && memcmp(names[i].s, names[j].s, names[i].n) == 0)
				{
					result = JSON_ERR_DUPLICATE;
					break;
				}
		goto done;
	}
	qsort(names, size, sizeof(name_ref), name_cmp);
	for (uint32_t i = 1; i < size; i++)
		if (name_cmp(&names[i - 1], &names[i]) == 0)
		{
			result = JSON_ERR_DUPLICATE;
			break;
		}
done:
	jwt_free(scratch);
	if (names != local)
		jwt_free(names);
	return result;
}

static json_error
parse_container(parser *p, bool object)
{
	uint32_t	idx;
	json_error	err = new_tok(p, object ? JSON_OBJECT : JSON_ARRAY, &idx);
	char		close = object ? '}' : ']';

	if (err)
		return err;
	if (++p->depth > JSON_MAX_DEPTH)
		return JSON_ERR_SYNTAX;
	p->pos++;
	skip_ws(p);
	if (peek(p) == close)
		p->pos++;
	else
		for (;;)
		{
			if (object)
			{
				uint32_t	key;

				if (peek(p) != '"')
					return JSON_ERR_SYNTAX;
				if ((err = parse_string(p, &key)) != JSON_OK)
					return err;
				skip_ws(p);
				if (peek(p) != ':')
					return JSON_ERR_SYNTAX;
				p->pos++;
			}
			if ((err = parse_value(p)) != JSON_OK)
				return err;
			p->doc->toks[idx].size++;
			skip_ws(p);
			if (peek(p) == close)
			{
				p->pos++;
				break;
			}
			if (peek(p) != ',')
				return JSON_ERR_SYNTAX;
			p->pos++;
			skip_ws(p);
		}
	p->depth--;
	p->doc->toks[idx].len = (uint32_t) (p->pos - p->doc->toks[idx].start);
	p->doc->toks[idx].next = p->doc->ntoks;
	return object ? check_duplicates(p->doc, idx) : JSON_OK;
}

static json_error
parse_value(parser *p)
{
	uint32_t	idx;

	skip_ws(p);
	switch (peek(p))
	{
		case '{':
			return parse_container(p, true);
		case '[':
			return parse_container(p, false);
		case '"':
			return parse_string(p, &idx);
		case 't':
			return parse_literal(p, "true", JSON_TRUE);
		case 'f':
			return parse_literal(p, "false", JSON_FALSE);
		case 'n':
			return parse_literal(p, "null", JSON_NULL);
		default:
			if (peek(p) == '-' || is_digit(peek(p)))
				return parse_number(p);
			return JSON_ERR_SYNTAX;
	}
}

json_error
json_parse(const char *text, size_t len, json_doc *doc)
{
	parser		p = {.s = text, .n = len, .doc = doc};
	json_error	err;

	memset(doc, 0, sizeof(*doc));
	doc->text = text;
	if (len >= UINT32_MAX)
		return JSON_ERR_SYNTAX;
	err = parse_value(&p);
	if (err == JSON_OK)
	{
		skip_ws(&p);
		if (p.pos != p.n)
			err = JSON_ERR_SYNTAX;
	}
	if (err != JSON_OK)
		json_free(doc);
	return err;
}

void
json_free(json_doc *doc)
{
	jwt_free(doc->toks);
	doc->toks = NULL;
	doc->ntoks = doc->cap = 0;
}

bool
json_find(const json_doc *doc, uint32_t obj, const char *name, uint32_t *value)
{
	size_t		n = strlen(name);
	uint32_t	k = obj + 1;

	if (doc->toks[obj].type != JSON_OBJECT)
		return false;
	for (uint32_t i = 0; i < doc->toks[obj].size; i++)
	{
		if (json_string_eq(doc, k, name, n))
		{
			*value = k + 1;
			return true;
		}
		k = doc->toks[k + 1].next;
	}
	return false;
}

/* UTF-8 encoding of code point cp into out; returns its length */
static size_t
put_utf8(long cp, char *out)
{
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

size_t
json_string_decode(const json_doc *doc, uint32_t tok, char *out)
{
	const char *s = doc->text + doc->toks[tok].start;
	size_t		n = doc->toks[tok].len;
	size_t		o = 0;

	if (!doc->toks[tok].escaped)
	{
		memcpy(out, s, n);
		return n;
	}
	for (size_t i = 0; i < n;)
	{
		if (s[i] != '\\')
		{
			out[o++] = s[i++];
			continue;
		}
		switch (s[i + 1])
		{
			case 'b':
				out[o++] = '\b';
				break;
			case 'f':
				out[o++] = '\f';
				break;
			case 'n':
				out[o++] = '\n';
				break;
			case 'r':
				out[o++] = '\r';
				break;
			case 't':
				out[o++] = '\t';
				break;
			case 'u':
				{
					long		cp = hex4(s + i + 2);

					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(s + i + 8) - 0xDC00);
						i += 6;
					}
					o += put_utf8(cp, out + o);
					i += 6;
					continue;
				}
			default:			/* \" \\ \/ */
				out[o++] = s[i + 1];
				break;
		}
		i += 2;
	}
	return o;
}

bool
json_string_eq(const json_doc *doc, uint32_t tok, const char *s, size_t n)
{
	const json_tok *t = &doc->toks[tok];
	char		local[64];
	char	   *buf;
	bool		eq;

	if (t->type != JSON_STRING)
		return false;
	if (!t->escaped)
		return t->len == n && memcmp(doc->text + t->start, s, n) == 0;
	/* unescaping never lengthens a string */
	if (t->len <= sizeof(local))
		buf = local;
	else if ((buf = jwt_malloc(t->len)) == NULL)
		return false;
	eq = json_string_decode(doc, tok, buf) == n && memcmp(buf, s, n) == 0;
	if (buf != local)
		jwt_free(buf);
	return eq;
}

bool
json_number_value(const json_doc *doc, uint32_t tok, double *out)
{
	const json_tok *t = &doc->toks[tok];
	char		buf[JSON_MAX_NUMBER_DIGITS + JSON_MAX_EXPONENT_DIGITS + 8]; /* -.e+ and NUL */
	char	   *end;

	if (t->type != JSON_NUMBER || t->len >= sizeof(buf))
		return false;
	memcpy(buf, doc->text + t->start, t->len);
	buf[t->len] = '\0';
	errno = 0;
	*out = strtod(buf, &end);
	return end == buf + t->len && isfinite(*out);
}

size_t
json_minify(const char *text, size_t len, char *out)
{
	size_t		o = 0;
	bool		in_string = false;

	for (size_t i = 0; i < len; i++)
	{
		char		c = text[i];

		if (in_string)
		{
			out[o++] = c;
			if (c == '\\')
				out[o++] = text[++i];
			else if (c == '"')
				in_string = false;
		}
		else if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
		{
			out[o++] = c;
			in_string = (c == '"');
		}
	}
	return o;
}
