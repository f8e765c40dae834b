/*
 * context.c — the current request's claims, and authenticate()
 *
 * authenticate(token) verifies a token with the stored keys, asks the
 * session tables whether it still stands (standing.c), switches to the token's role with SET LOCAL ROLE
 * semantics and keeps the verified claims in this backend's memory for
 * the rest of the transaction. claims() answers from there first, so no
 * set_config() can forge what authenticate() verified; when nothing was
 * authenticated in this transaction it reads PostgREST's
 * request.jwt.claims setting, unless jwt_auth.trust_request_claims is off.
 *
 * Nothing outlives the transaction: the claims live in the transaction's
 * memory and transaction callbacks forget them at commit, abort and
 * prepare; a rolled-back savepoint forgets what was authenticated inside
 * it, as it forgets the role it set.
 */
#include "jwt_auth.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

/* one authenticate() of this transaction, and the one before it */
typedef struct auth_frame
{
	SubTransactionId subid;
	Jsonb	   *claims;
	struct auth_frame *prev;
} auth_frame;

static auth_frame *current;		/* in TopTransactionContext, or NULL */

static void
forget_at_end(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			current = NULL;		/* its memory goes with the transaction's */
			break;
		default:
			break;
	}
}

static void
follow_savepoints(SubXactEvent event, SubTransactionId subid, SubTransactionId parent, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		while (current != NULL && current->subid == subid)
			current = current->prev;
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		for (auth_frame *f = current; f != NULL && f->subid == subid; f = f->prev)
			f->subid = parent;
	}
}

void
jwt_auth_context_init(void)
{
	RegisterXactCallback(forget_at_end, NULL);
	RegisterSubXactCallback(follow_savepoints, NULL);
}

/* the current request's claims, or NULL */
static Jsonb *
current_claims(void)
{
	const char *setting;

	if (current != NULL)
		return current->claims;
	if (!jwt_auth_trust_request_claims)
		return NULL;
	setting = GetConfigOption("request.jwt.claims", true, false);
	if (setting == NULL || setting[0] == '\0')
		return NULL;
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(setting)));
}

/* a string member of a jsonb object, or NULL when absent or not a string */
static char *
claim_text(Jsonb *claims, const char *name, bool *present)
{
	JsonbValue *v = jwt_auth_jsonb_member(claims, name);

	*present = v != NULL;
	if (v == NULL || v->type != jbvString)
		return NULL;
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* SET LOCAL ROLE to role, if the session user may become it */
static void
become(const char *role)
{
	Oid			roleid = get_role_oid(role, true);

	if (!OidIsValid(roleid) || !is_member_of_role(GetSessionUserId(), roleid))
		ereport(ERROR,
				errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				errmsg("permission denied to become role \"%s\"", role),
				OidIsValid(roleid) ?
				errhint("GRANT %s TO %s, the role that calls authenticate().",
						quote_identifier(role),
						quote_identifier(GetUserNameFromId(GetSessionUserId(), false))) :
				errdetail("The token's role does not exist."));
	(void) set_config_option("role", role, superuser() ? PGC_SUSET : PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
}

/* authenticate(token text) returns jsonb */
PG_FUNCTION_INFO_V1(jwt_auth_authenticate);
Datum
jwt_auth_authenticate(PG_FUNCTION_ARGS)
{
	Jsonb	   *claims;
	char	   *role;
	bool		has_role;
	auth_frame *frame;
	MemoryContext old;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				errmsg("invalid token"),
				errdetail("%s", jwt_status_detail(JWT_TOKEN_NULL)));
	claims = DatumGetJsonbP(DirectFunctionCall1(jwt_auth_jwt_verify, PG_GETARG_DATUM(0)));
	jwt_auth_check_standing(claims);
	role = claim_text(claims, "role", &has_role);
	if (has_role && role == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				errmsg("invalid token"),
				errdetail("The role claim is not a string."));
	if (role == NULL && jwt_auth_default_role[0] != '\0')
		role = jwt_auth_default_role;
	if (role != NULL)
		become(role);

	old = MemoryContextSwitchTo(TopTransactionContext);
	frame = palloc(sizeof(auth_frame));
	frame->subid = GetCurrentSubTransactionId();
	frame->claims = DatumGetJsonbPCopy(JsonbPGetDatum(claims));
	frame->prev = current;
	current = frame;
	MemoryContextSwitchTo(old);
	PG_RETURN_JSONB_P(claims);
}

/* claims() returns jsonb: the current request's claims, or NULL */
PG_FUNCTION_INFO_V1(jwt_auth_claims);
Datum
jwt_auth_claims(PG_FUNCTION_ARGS)
{
	Jsonb	   *claims = current_claims();

	if (claims == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(DatumGetJsonbPCopy(JsonbPGetDatum(claims)));
}

/* claim(name text) returns jsonb: one claim of the current request, or NULL */
PG_FUNCTION_INFO_V1(jwt_auth_claim);
Datum
jwt_auth_claim(PG_FUNCTION_ARGS)
{
	Jsonb	   *claims = current_claims();
	JsonbValue *v;

	if (claims == NULL || PG_ARGISNULL(0))
		PG_RETURN_NULL();
	v = jwt_auth_jsonb_member(claims, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	if (v == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(JsonbValueToJsonb(v));
}

/* uid() returns uuid: the current request's sub, when it is a uuid; else NULL */
PG_FUNCTION_INFO_V1(jwt_auth_uid);
Datum
jwt_auth_uid(PG_FUNCTION_ARGS)
{
	Jsonb	   *claims = current_claims();
	pg_uuid_t  *id = palloc(sizeof(pg_uuid_t));

	if (claims == NULL || !jwt_auth_jsonb_uuid(jwt_auth_jsonb_member(claims, "sub"), id))
		PG_RETURN_NULL();
	PG_RETURN_UUID_P(id);
}

/* role() returns text: the current request's role claim as ->> gives it, or NULL */
PG_FUNCTION_INFO_V1(jwt_auth_role);
Datum
jwt_auth_role(PG_FUNCTION_ARGS)
{
	Jsonb	   *claims = current_claims();
	JsonbValue *v = claims ? jwt_auth_jsonb_member(claims, "role") : NULL;
	Jsonb	   *value;

	if (v == NULL || v->type == jbvNull)
		PG_RETURN_NULL();
	if (v->type == jbvString)
		PG_RETURN_TEXT_P(cstring_to_text_with_len(v->val.string.val, v->val.string.len));
	/* a number, a boolean, an array or an object: its JSON text */
	value = JsonbValueToJsonb(v);
	PG_RETURN_TEXT_P(cstring_to_text(JsonbToCString(NULL, &value->root, VARSIZE(value))));
}

/* pre_request() for PostgREST's db-pre-request: refuses revoked sessions and logged-out tokens */
PG_FUNCTION_INFO_V1(jwt_auth_pre_request);
Datum
jwt_auth_pre_request(PG_FUNCTION_ARGS)
{
	Jsonb	   *claims = current_claims();

	if (claims != NULL)
		jwt_auth_check_standing(claims);
	PG_RETURN_VOID();
}
