/*
 * context.c — the current request's claims, and authenticate()
 *
 * authenticate(token) verifies a token with the stored keys, asks the
 * session tables whether it still stands (standing.c), switches to the
 * token's role with SET LOCAL ROLE semantics and keeps the verified claims
 * in this backend's memory for the rest of the transaction. pre_request()
 * does the same for PostgREST with the Bearer token of request.headers,
 * less the role switch (PostgREST has made it). claims() answers from
 * there first, so no set_config() can forge what was verified; when
 * nothing was verified in this transaction it reads PostgREST's
 * request.jwt.claims setting, unless jwt_auth.trust_request_claims is off.
 * _verified_claims() never reads that setting: auth_logout() acts on it.
 *
 * A token acts as its role claim, else jwt_auth.default_role; a token
 * that names neither is refused (it would otherwise keep the connecting
 * role), and so is a role that is a superuser or has BYPASSRLS,
 * CREATEROLE or REPLICATION, whatever the connecting role may become.
 *
 * Nothing outlives the transaction: the claims live in the transaction's
 * memory and transaction callbacks forget them at commit, abort and
 * prepare; a rolled-back savepoint forgets what was authenticated inside
 * it, as it forgets the role it set.
 */
#include "jwt_auth.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include <openssl/crypto.h>

/* one authenticate() of this transaction, and the one before it */
typedef struct auth_frame
{
	SubTransactionId subid;
	Jsonb	   *claims;
	bool		other_issuer;	/* verified with a registered issuer's keys */
	text	   *user_id;		/* the user claim, or NULL */
	struct auth_frame *prev;
} auth_frame;

static auth_frame *current;		/* in TopTransactionContext, or NULL */

/*
 * request.jwt.claims as last read in this transaction, and its jsonb (in
 * TopTransactionContext, or NULL): a policy calling uid() per row parses
 * the setting once, not once a row, and again only when it changes.
 */
static char *request_claims_text;
static Jsonb *request_claims;
static bool request_other_issuer;
static text *request_user_id;

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
			request_claims_text = NULL;
			request_claims = NULL;
			request_user_id = NULL;
			break;
		default:
			break;
	}
}

/* a frame no one reads any more (every reader copies what it returns) */
static void
free_frame(auth_frame *frame)
{
	pfree(frame->claims);
	if (frame->user_id != NULL)
		pfree(frame->user_id);
	pfree(frame);
}

static void
follow_savepoints(SubXactEvent event, SubTransactionId subid, SubTransactionId parent, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		while (current != NULL && current->subid == subid)
		{
			auth_frame *gone = current;

			current = current->prev;
			free_frame(gone);
		}
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		/* the savepoint's claims become its parent's, in place of the parent's own */
		for (auth_frame *f = current; f != NULL && f->subid == subid; f = f->prev)
			f->subid = parent;
		while (current != NULL && current->prev != NULL &&
			   current->subid == parent && current->prev->subid == parent)
		{
			auth_frame *replaced = current->prev;

			current->prev = replaced->prev;
			free_frame(replaced);
		}
	}
}

void
jwt_auth_context_init(void)
{
	RegisterXactCallback(forget_at_end, NULL);
	RegisterSubXactCallback(follow_savepoints, NULL);
}

/*
 * The user claim of claims as text (sub for jwt_auth's own, the issuer's
 * user claim for a registered issuer's), or NULL when it is not a string;
 * allocated in the current memory context.
 */
static text *
user_claim(Jsonb *claims, const jwt_auth_other_issuer *issuer)
{
	JsonbValue *v = jwt_auth_jsonb_member(claims, issuer ? jwt_auth_issuer_user_claim(issuer) : "sub");

	if (v == NULL || v->type != jbvString)
		return NULL;
	return cstring_to_text_with_len(v->val.string.val, v->val.string.len);
}

/* the current request's claims, or NULL; *frame the authenticate() that verified them, or NULL */
static Jsonb *
current_claims_of(auth_frame **frame)
{
	const char *setting;

	*frame = current;
	if (current != NULL)
		return current->claims;
	if (!jwt_auth_trust_request_claims)
		return NULL;
	setting = GetConfigOption("request.jwt.claims", true, false);
	if (setting == NULL || setting[0] == '\0')
		return NULL;
	if (request_claims_text == NULL || strcmp(request_claims_text, setting) != 0)
	{
		MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
		Jsonb	   *parsed = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(setting)));
		const jwt_auth_other_issuer *issuer = jwt_auth_issuer_of_jsonb(parsed);

		/* no caller keeps the jsonb it was given past its own call */
		if (request_claims_text != NULL)
		{
			pfree(request_claims_text);
			pfree(request_claims);
		}
		request_claims_text = pstrdup(setting);
		request_claims = parsed;
		request_other_issuer = issuer != NULL;
		request_user_id = user_claim(parsed, issuer);
		MemoryContextSwitchTo(old);
	}
	return request_claims;
}

/* the current request's claims, or NULL */
static Jsonb *
current_claims(void)
{
	auth_frame *frame;

	return current_claims_of(&frame);
}

/* a superuser, or a role with BYPASSRLS, CREATEROLE or REPLICATION? */
static bool
role_is_privileged(Oid roleid)
{
	HeapTuple	tuple = SearchSysCache1(AUTHOID, ObjectIdGetDatum(roleid));
	Form_pg_authid role;
	bool		privileged;

	if (!HeapTupleIsValid(tuple))
		return false;			/* dropped meanwhile: become() refuses it */
	role = (Form_pg_authid) GETSTRUCT(tuple);
	privileged = role->rolsuper || role->rolbypassrls || role->rolcreaterole || role->rolreplication;
	ReleaseSysCache(tuple);
	return privileged;
}

/*
 * The role verified claims act as (the role claim, else the default role;
 * for a registered issuer's, one that issuer may grant), and its OID
 * (invalid when no role has that name); raises when there is none, or it
 * is not a string, or it is privileged.
 */
static const char *
token_role(Jsonb *claims, const jwt_auth_other_issuer *issuer, Oid *roleid)
{
	JsonbValue *v = jwt_auth_jsonb_member(claims, "role");
	const char *role;

	if (issuer != NULL)
		role = jwt_auth_issuer_role(issuer, claims);
	else if (v != NULL && v->type != jbvString)
		jwt_auth_raise(JWT_TOKEN_ROLE_TYPE, JWS_ALG_INVALID, "role");
	else if (v != NULL)
		role = pnstrdup(v->val.string.val, v->val.string.len);
	else if (jwt_auth_default_role[0] != '\0')
		role = jwt_auth_default_role;
	else
		jwt_auth_raise(JWT_TOKEN_ROLE_MISSING, JWS_ALG_INVALID, "role");
	*roleid = get_role_oid(role, true);
	if (OidIsValid(*roleid) && role_is_privileged(*roleid))
		jwt_auth_raise(JWT_TOKEN_ROLE_PRIVILEGED, JWS_ALG_INVALID, "role");
	return role;
}

/* SET LOCAL ROLE to role, if the session user may become it */
static void
become(const char *role, Oid roleid)
{
	if (!OidIsValid(roleid) || !is_member_of_role(GetSessionUserId(), roleid))
		jwt_auth_raise_role_denied(role, roleid);
	(void) set_config_option("role", role, superuser() ? PGC_SUSET : PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
}

/*
 * The checks of verified claims before they act: a token of jwt_auth's own
 * must still stand (its session, its user); a registered issuer's has no
 * session here, but must name its user. subject is what the standing
 * check reads of the claims (the verified-token cache keeps it), or NULL
 * to read it here. Returns the user claim.
 */
static text *
check_verified(Jsonb *claims, const jwt_auth_other_issuer *issuer, const jwt_auth_subject *subject)
{
	text	   *user_id = user_claim(claims, issuer);
	jwt_auth_subject parsed;

	if (issuer == NULL && subject == NULL)
	{
		jwt_auth_subject_of(claims, &parsed);
		subject = &parsed;
	}
	if (issuer == NULL)
		jwt_auth_check_standing(subject);
	else if (user_id == NULL)
		jwt_auth_raise(JWT_TOKEN_USER_MISSING, JWS_ALG_INVALID, jwt_auth_issuer_user_claim(issuer));
	return user_id;
}

/*
 * Make verified claims the request's until the transaction (or savepoint)
 * ends. They replace those of an earlier call in the same (sub)transaction,
 * which nothing can make current again: a loop of calls in one transaction
 * holds one frame per savepoint level, not one per call.
 */
static void
remember(Jsonb *claims, bool other_issuer, text *user_id)
{
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	auth_frame *frame = palloc(sizeof(auth_frame));
	auth_frame *replaced = NULL;

	frame->subid = GetCurrentSubTransactionId();
	frame->claims = DatumGetJsonbPCopy(JsonbPGetDatum(claims));
	frame->other_issuer = other_issuer;
	frame->user_id = user_id ? DatumGetTextPCopy(PointerGetDatum(user_id)) : NULL;
	if (current != NULL && current->subid == frame->subid)
	{
		replaced = current;
		current = current->prev;
	}
	frame->prev = current;
	current = frame;
	/* freed once the new claims are copied, whatever the arguments point into */
	if (replaced != NULL)
		free_frame(replaced);
	MemoryContextSwitchTo(old);
}

/* authenticate(token text) returns jsonb */
PG_FUNCTION_INFO_V1(jwt_auth_authenticate);
Datum
jwt_auth_authenticate(PG_FUNCTION_ARGS)
{
	Jsonb	   *claims;
	const jwt_auth_other_issuer *issuer;
	jwt_auth_subject subject;
	text	   *user_id;
	const char *role;
	Oid			roleid;

	if (PG_ARGISNULL(0))
		jwt_auth_raise(JWT_TOKEN_NULL, JWS_ALG_INVALID, NULL);
	claims = jwt_auth_verify_stored(PG_GETARG_TEXT_PP(0), &issuer, &subject);
	user_id = check_verified(claims, issuer, &subject);
	role = token_role(claims, issuer, &roleid);
	become(role, roleid);
	remember(claims, issuer != NULL, user_id);
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

/*
 * uid() returns uuid: the current request's sub, when it is a uuid and the
 * token jwt_auth's own (another issuer may not name jwt_auth's users); else NULL
 */
PG_FUNCTION_INFO_V1(jwt_auth_uid);
Datum
jwt_auth_uid(PG_FUNCTION_ARGS)
{
	auth_frame *frame;
	Jsonb	   *claims = current_claims_of(&frame);
	pg_uuid_t  *id = palloc(sizeof(pg_uuid_t));

	if (claims == NULL || (frame ? frame->other_issuer : request_other_issuer) ||
		!jwt_auth_jsonb_uuid(jwt_auth_jsonb_member(claims, "sub"), id))
		PG_RETURN_NULL();
	PG_RETURN_UUID_P(id);
}

/* user_id() returns text: the current request's user claim (sub, or its issuer's), or NULL */
PG_FUNCTION_INFO_V1(jwt_auth_user_id);
Datum
jwt_auth_user_id(PG_FUNCTION_ARGS)
{
	auth_frame *frame;
	Jsonb	   *claims = current_claims_of(&frame);
	text	   *id = frame ? frame->user_id : request_user_id;

	if (claims == NULL || id == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(DatumGetTextPCopy(PointerGetDatum(id)));
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

/* a member of the JSON object in setting (PostgREST's request.headers, request.cookies) */
static JsonbValue *
request_member(const char *setting_name, const char *member)
{
	const char *setting = GetConfigOption(setting_name, true, false);

	if (setting == NULL || setting[0] == '\0' || member == NULL || member[0] == '\0')
		return NULL;
	return jwt_auth_jsonb_member(DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(setting))),
								 member);
}

/* the Bearer token of PostgREST's request.headers, or NULL */
static text *
bearer_token(void)
{
	JsonbValue *v = request_member("request.headers", "authorization");
	const char *s;
	int			len;

	if (v == NULL || v->type != jbvString)
		return NULL;
	s = v->val.string.val;
	len = v->val.string.len;
	/* RFC 6750: "Bearer" (any case), one or more spaces, the token */
	if (len < 7 || pg_strncasecmp(s, "bearer ", 7) != 0)
		return NULL;
	for (s += 7, len -= 7; len > 0 && *s == ' '; s++, len--)
		;
	return len > 0 ? cstring_to_text_with_len(s, len) : NULL;
}

/* the access-token cookie of PostgREST's request.cookies, or NULL */
static text *
cookie_token(void)
{
	JsonbValue *v = request_member("request.cookies", jwt_auth_cookie_access);

	if (v == NULL || v->type != jbvString || v->val.string.len == 0)
		return NULL;
	return cstring_to_text_with_len(v->val.string.val, v->val.string.len);
}

/* GET, HEAD and OPTIONS change nothing: they need no CSRF token */
static bool
safe_method(void)
{
	const char *method = GetConfigOption("request.method", true, false);

	return method != NULL &&
		(strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 || strcmp(method, "OPTIONS") == 0);
}

/*
 * A request authenticated by cookie that may change something must carry
 * the X-CSRF-Token header, equal to the csrf claim of its access token
 * (which login and refresh also set as a cookie a page's script can read,
 * and a cross-site one cannot): a form another site posts has no header.
 */
static void
check_csrf(Jsonb *claims)
{
	JsonbValue *header = request_member("request.headers", "x-csrf-token");
	JsonbValue *claim = jwt_auth_jsonb_member(claims, "csrf");

	if (header == NULL || header->type != jbvString || claim == NULL || claim->type != jbvString ||
		header->val.string.len != claim->val.string.len || claim->val.string.len == 0 ||
		CRYPTO_memcmp(header->val.string.val, claim->val.string.val, claim->val.string.len) != 0)
		jwt_auth_raise_http(403, "42501", "missing or wrong CSRF token",
							"A request authenticated by cookie, other than GET, HEAD or OPTIONS, "
							"sends the X-CSRF-Token header.", NULL);
}

/*
 * pre_request() for PostgREST's db-pre-request: verifies the request's
 * token as authenticate() does and makes its claims the request's. The
 * token is the Bearer token of the Authorization header (PostgREST has
 * verified it too and switched to its role), else the access-token cookie
 * of a browser, which PostgREST does not read: pre_request() switches to
 * the token's role itself (SET LOCAL ROLE, as authenticate() does), and
 * for methods other than GET, HEAD and OPTIONS requires the CSRF token. Without either, refuses request.jwt.claims whose session or
 * user no longer stands. A refused token is PostgREST's 401 (errors.c),
 * not 28000, which PostgREST would answer with 403.
 */
PG_FUNCTION_INFO_V1(jwt_auth_pre_request);
Datum
jwt_auth_pre_request(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		text	   *token = bearer_token();
		bool		from_cookie = token == NULL && (token = cookie_token()) != NULL;
		const jwt_auth_other_issuer *issuer = NULL;
		jwt_auth_subject subject;
		Jsonb	   *claims = token ? jwt_auth_verify_stored(token, &issuer, &subject) : current_claims();
		Oid			roleid;

		if (claims != NULL)
		{
			const char *role;
			text	   *user_id;

			if (token == NULL)
				issuer = jwt_auth_issuer_of_jsonb(claims);
			user_id = check_verified(claims, issuer, token ? &subject : NULL);
			role = token_role(claims, issuer, &roleid);
			if (from_cookie && !safe_method())
				check_csrf(claims);
			/* PostgREST, which saw no Authorization header, runs the request as anon */
			if (from_cookie)
				become(role, roleid);
			/* it switched to the role its own role claim key names: one the issuer may grant? */
			else if (issuer != NULL && roleid != GetUserId())
				jwt_auth_raise(JWT_TOKEN_ROLE_NOT_ALLOWED, JWS_ALG_INVALID, "role");
			if (token != NULL)
				remember(claims, issuer != NULL, user_id);
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/* a refused token is PostgREST's 401; anything else goes on as it is */
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION)
			PG_RE_THROW();
		FlushErrorState();
		jwt_auth_raise_http(401, "28000", "invalid token", edata->detail, "Bearer error=\"invalid_token\"");
	}
	PG_END_TRY();
	PG_RETURN_VOID();
}

/*
 * _verified_claims() returns jsonb: the claims of jwt_auth's own token
 * verified in this transaction, or NULL (a registered issuer's token has
 * no session or password here to act on)
 */
PG_FUNCTION_INFO_V1(jwt_auth_verified_claims);
Datum
jwt_auth_verified_claims(PG_FUNCTION_ARGS)
{
	if (current == NULL || current->other_issuer)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(DatumGetJsonbPCopy(JsonbPGetDatum(current->claims)));
}
