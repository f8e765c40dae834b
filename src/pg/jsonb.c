/*
 * jsonb.c — JSON the core has parsed, as jsonb
 *
 * The core's parser has already checked every claim set, header and JWK
 * this extension returns (strict UTF-8, no \u0000, unique names, numbers
 * numeric can hold), so the jsonb is built from its tokens rather than by
 * handing the text to jsonb_in, which would lex and parse it all again.
 * Strings without escapes are used in place; numbers go through numeric_in,
 * as jsonb_in's do, so the result is the same jsonb to the bit.
 */
#include "jwt_auth.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "json.h"

/* a string token as a jsonb string (a key or a value) */
static void
string_value(const json_doc *doc, uint32_t t, JsonbValue *v)
{
	const json_tok *tok = &doc->toks[t];

	v->type = jbvString;
	if (tok->escaped)
	{
		char	   *buf = palloc(tok->len);

		v->val.string.len = (int) json_string_decode(doc, t, buf);
		v->val.string.val = buf;
	}
	else
	{
		v->val.string.len = (int) tok->len;
		v->val.string.val = (char *) doc->text + tok->start;
	}
}

/*
 * A JSON number as numeric: what numeric_in makes of its text. An integer
 * of up to 18 digits (the claims' times, mostly) fits an int64, which makes
 * the same numeric without numeric_in's parse.
 */
static Numeric
number_value(const char *s, uint32_t len)
{
	uint32_t	i = s[0] == '-';
	int64		n = 0;

	if (len - i <= 18)
	{
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			n = n * 10 + (s[i] - '0');
		if (i == len)
			return int64_to_numeric(s[0] == '-' ? -n : n);
	}
	return DatumGetNumeric(DirectFunctionCall3(numeric_in,
											   CStringGetDatum(pnstrdup(s, len)),
											   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
}

/* a scalar token as a jsonb scalar */
static void
scalar_value(const json_doc *doc, uint32_t t, JsonbValue *v)
{
	const json_tok *tok = &doc->toks[t];

	switch (tok->type)
	{
		case JSON_STRING:
			string_value(doc, t, v);
			break;
		case JSON_NUMBER:
			v->type = jbvNumeric;
			v->val.numeric = number_value(doc->text + tok->start, tok->len);
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			v->type = jbvBool;
			v->val.boolean = tok->type == JSON_TRUE;
			break;
		default:
			v->type = jbvNull;
			break;
	}
}

/*
 * Push the value at token t as `as` (WJB_VALUE or WJB_ELEM, ignored at the
 * top); returns the index of the token after its subtree.
 */
static uint32_t
push_value(JsonbParseState **state, const json_doc *doc, uint32_t t,
		   JsonbIteratorToken as, JsonbValue **result)
{
	const json_tok *tok = &doc->toks[t];
	uint32_t	k = t + 1;
	JsonbValue	v;

	check_stack_depth();
	switch (tok->type)
	{
		case JSON_OBJECT:
			*result = pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
			for (uint32_t i = 0; i < tok->size; i++)
			{
				string_value(doc, k, &v);
				*result = pushJsonbValue(state, WJB_KEY, &v);
				k = push_value(state, doc, k + 1, WJB_VALUE, result);
			}
			*result = pushJsonbValue(state, WJB_END_OBJECT, NULL);
			break;
		case JSON_ARRAY:
			*result = pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
			for (uint32_t i = 0; i < tok->size; i++)
				k = push_value(state, doc, k, WJB_ELEM, result);
			*result = pushJsonbValue(state, WJB_END_ARRAY, NULL);
			break;
		default:
			scalar_value(doc, t, &v);
			if (*state == NULL)
			{
				/* a document that is one scalar: jsonb's raw-scalar array */
				JsonbValue	wrap = {.type = jbvArray};

				wrap.val.array.rawScalar = true;
				wrap.val.array.nElems = 1;
				pushJsonbValue(state, WJB_BEGIN_ARRAY, &wrap);
				pushJsonbValue(state, WJB_ELEM, &v);
				*result = pushJsonbValue(state, WJB_END_ARRAY, NULL);
			}
			else
				*result = pushJsonbValue(state, as, &v);
			break;
	}
	return tok->next;
}

Datum
jwt_auth_jsonb_of(const json_doc *doc)
{
	JsonbParseState *state = NULL;
	JsonbValue *result = NULL;

	push_value(&state, doc, 0, WJB_VALUE, &result);
	return JsonbPGetDatum(JsonbValueToJsonb(result));
}

Datum
jwt_auth_jsonb_take(json_doc *doc)
{
	Datum		result = (Datum) 0;

	PG_TRY();
	{
		result = jwt_auth_jsonb_of(doc);
	}
	PG_CATCH();
	{
		json_free(doc);
		PG_RE_THROW();
	}
	PG_END_TRY();
	json_free(doc);
	return result;
}

Datum
jwt_auth_jsonb(const char *json, size_t len)
{
	json_doc	doc;

	/* the core made or checked this text, so it parses; memory is the one failure */
	switch (json_parse(json, len, &doc))
	{
		case JSON_OK:
			break;
		case JSON_ERR_NOMEM:
			jwt_auth_raise(JWT_NOMEM, JWS_ALG_INVALID, NULL);
		default:
			elog(ERROR, "jwt_auth: JSON the core passed does not parse again");
	}
	return jwt_auth_jsonb_take(&doc);
}

JsonbValue *
jwt_auth_jsonb_member(Jsonb *object, const char *name)
{
	JsonbValue	key;

	key.type = jbvString;
	key.val.string.val = (char *) name;
	key.val.string.len = (int) strlen(name);
	return findJsonbValueFromContainer(&object->root, JB_FOBJECT, &key);
}

/* a JSON string in the canonical uuid form (8-4-4-4-12 hex digits, either case) */
bool
jwt_auth_jsonb_uuid(const JsonbValue *v, pg_uuid_t *out)
{
	const char *s;
	int			n = 0;

	if (v == NULL || v->type != jbvString || v->val.string.len != 36)
		return false;
	s = v->val.string.val;
	for (int i = 0; i < 36; i++)
	{
		int			d;

		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (s[i] != '-')
				return false;
			continue;
		}
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return false;
		if (n % 2 == 0)
			out->data[n / 2] = (unsigned char) (d << 4);
		else
			out->data[n / 2] |= (unsigned char) d;
		n++;
	}
	return true;
}
