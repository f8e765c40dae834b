/*
 * compat.h — what differs between the PostgreSQL versions jwt_auth builds
 * against, in one place
 */
#ifndef JWT_AUTH_COMPAT_H
#define JWT_AUTH_COMPAT_H

#include "fmgr.h"

/*
 * The module is compiled with -fvisibility=hidden, so that it exports only
 * what PostgreSQL looks up. Before 16, PG_FUNCTION_INFO_V1 marks only the
 * info function for export, not the function itself: mark both, as 16 does.
 */
#if PG_VERSION_NUM < 160000
#undef PG_FUNCTION_INFO_V1
#define PG_FUNCTION_INFO_V1(funcname) \
extern PGDLLEXPORT Datum funcname(PG_FUNCTION_ARGS); \
extern PGDLLEXPORT const Pg_finfo_record * CppConcat(pg_finfo_,funcname)(void); \
const Pg_finfo_record * \
CppConcat(pg_finfo_,funcname) (void) \
{ \
	static const Pg_finfo_record my_finfo = { 1 }; \
	return &my_finfo; \
} \
extern int no_such_variable
#endif

#endif
