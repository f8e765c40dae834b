/*
 * record.c — composite results filled by column name
 *
 * A C function that returns a record (OUT parameters, RETURNS TABLE) names
 * each value's column instead of counting positions: the SQL that declares
 * the columns lives in another file, and a column added, dropped or moved
 * there must not shift values into the wrong place here. A name the result
 * type does not have is an internal error; a column not set is NULL.
 */
#include "jwt_auth.h"

#include "access/htup_details.h"
#include "funcapi.h"

void
jwt_auth_record_init(jwt_auth_record *r, TupleDesc desc)
{
	r->desc = BlessTupleDesc(desc);
	r->values = palloc0(sizeof(Datum) * desc->natts);
	r->nulls = palloc(sizeof(bool) * desc->natts);
	memset(r->nulls, true, sizeof(bool) * desc->natts);
}

void
jwt_auth_record_init_result(jwt_auth_record *r, FunctionCallInfo fcinfo)
{
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "jwt_auth: function returning a record called in a context that cannot accept one");
	jwt_auth_record_init(r, desc);
}

void
jwt_auth_record_set(jwt_auth_record *r, const char *column, Datum value, bool isnull)
{
	for (int i = 0; i < r->desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(r->desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), column) == 0)
		{
			r->values[i] = value;
			r->nulls[i] = isnull;
			return;
		}
	}
	elog(ERROR, "jwt_auth: the result has no column \"%s\"", column);
}

HeapTuple
jwt_auth_record_tuple(jwt_auth_record *r)
{
	return heap_form_tuple(r->desc, r->values, r->nulls);
}

Datum
jwt_auth_record_datum(jwt_auth_record *r)
{
	return HeapTupleGetDatum(jwt_auth_record_tuple(r));
}
