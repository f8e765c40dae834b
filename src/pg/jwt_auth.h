/*
 * jwt_auth.h — what the PostgreSQL glue files share
 *
 * The glue turns SQL arguments into buffers for the pure core and the
 * core's result codes into errors (errors.c, the only place that does).
 */
#ifndef JWT_AUTH_GLUE_H
#define JWT_AUTH_GLUE_H

#include "postgres.h"

#include "fmgr.h"
#include "compat.h"
#include "access/htup.h"
#include "access/tupdesc.h"
#include "utils/jsonb.h"
#include "utils/uuid.h"

#include "alg.h"
#include "claims.h"
#include "json.h"
#include "jws.h"
#include "keys.h"
#include "mem.h"
#include "status.h"

/* settings (jwt_auth.c) */
extern int	jwt_auth_leeway;
extern char *jwt_auth_issuer;
extern char *jwt_auth_audience;
extern char *jwt_auth_default_role;
extern bool jwt_auth_trust_request_claims;
extern int	jwt_auth_max_failed_logins;
extern int	jwt_auth_max_failed_logins_per_address;
extern int	jwt_auth_lockout_time;
/* the scheme of new password hashes, and Argon2id's costs (passwords.c) */
#define JWT_AUTH_PASSWORD_BCRYPT 0
#define JWT_AUTH_PASSWORD_ARGON2ID 1
extern int	jwt_auth_password_scheme;
extern int	jwt_auth_argon2_memory;
extern int	jwt_auth_argon2_time;
extern int	jwt_auth_argon2_parallelism;
extern char *jwt_auth_cookie_access;

/* errors.c: every error jwt_auth raises, none with the statement in the log */
extern void jwt_auth_raise(jwt_status status, jws_alg alg, const char *claim) pg_attribute_noreturn();
/* an argument that must not be null */
extern void jwt_auth_raise_null(const char *name) pg_attribute_noreturn();
/* a write (a login, refresh, logout) on a hot standby */
extern void jwt_auth_raise_standby(void) pg_attribute_noreturn();
/* the session user may not become a token's role (roleid invalid: no such role) */
extern void jwt_auth_raise_role_denied(const char *role, Oid roleid) pg_attribute_noreturn();
/* an error in PostgREST's protocol (SQLSTATE PGRST): HTTP status, body, WWW-Authenticate */
extern void jwt_auth_raise_http(int status, const char *code, const char *message,
								const char *detail, const char *www_authenticate) pg_attribute_noreturn();
/* a row of jwt_auth.keys that does not parse */
extern void jwt_auth_raise_stored_key(const char *kid, jwt_status status) pg_attribute_noreturn();
/* a row of jwt_auth.issuers that does not load */
extern void jwt_auth_raise_stored_issuer(const char *issuer, jwt_status status) pg_attribute_noreturn();

static inline void
jwt_auth_check(jwt_status status, jws_alg alg)
{
	if (status != JWT_OK)
		jwt_auth_raise(status, alg, NULL);
}

/* args.c: arguments as the core wants them */
extern void jwt_auth_require_arg(FunctionCallInfo fcinfo, int argno, const char *name);
extern jws_alg jwt_auth_alg_arg(FunctionCallInfo fcinfo, int argno);
/* the key argument, parsed once per call site; NULL when it is a JWK set */
extern jwt_key *jwt_auth_key_arg(FunctionCallInfo fcinfo, int argno);
/* the key of the JWK-set argument that the token's kid names */
extern jwt_status jwt_auth_key_from_set(FunctionCallInfo fcinfo, int argno,
										const jws_token *tok, jwt_key **key);
extern char *jwt_auth_json_arg(FunctionCallInfo fcinfo, int argno, size_t *len);
extern double jwt_auth_now(void);

/* jsonb.c: JSON the core checked, as jsonb (the doc is freed, even on error) */
extern Datum jwt_auth_jsonb_take(json_doc *doc);
/* the same, the doc left as it is */
extern Datum jwt_auth_jsonb_of(const json_doc *doc);
extern Datum jwt_auth_jsonb(const char *json, size_t len);
/* the member name of a jsonb object, or NULL */
extern JsonbValue *jwt_auth_jsonb_member(Jsonb *object, const char *name);
/* a JSON string in the canonical uuid form (8-4-4-4-12 hex digits, either case) */
extern bool jwt_auth_jsonb_uuid(const JsonbValue *v, pg_uuid_t *out);

/* record.c: a composite result, filled by column name (unset columns are NULL) */
typedef struct jwt_auth_record
{
	TupleDesc	desc;
	Datum	   *values;
	bool	   *nulls;
} jwt_auth_record;
extern void jwt_auth_record_init(jwt_auth_record *r, TupleDesc desc);
extern void jwt_auth_record_init_result(jwt_auth_record *r, FunctionCallInfo fcinfo);
extern void jwt_auth_record_set(jwt_auth_record *r, const char *column, Datum value, bool isnull);
extern HeapTuple jwt_auth_record_tuple(jwt_auth_record *r);
extern Datum jwt_auth_record_datum(jwt_auth_record *r);

/* memory.c: the core allocates in CurrentMemoryContext */
extern void jwt_auth_memory_init(void);

/* keystore.c: the stored keys */
extern void jwt_auth_keystore_init(void);
/* the key a token's kid names (kid NULL: the active key), and its algorithm */
extern jwt_status jwt_auth_stored_key(const char *kid, jws_alg *alg, jwt_key **key);
/*
 * The active signing key, its algorithm and the encoded header of a JWT it
 * signs (alg, typ JWT, its kid), made once per key; raises when there is none.
 */
extern jwt_key *jwt_auth_signing_key(jws_alg *alg, const char **jwt_header,
									 size_t *jwt_header_len);
/* how many changes of the stored keys this backend has been told of */
extern uint64 jwt_auth_keystore_generation(void);
/* the OID of table jwt_auth.<table>; raises when it is missing */
extern Oid	jwt_auth_table_relid(const char *table);
/* the owner of table jwt_auth.<table>, and its OID when relid is not NULL */
extern Oid	jwt_auth_table_owner(const char *table, Oid *relid);
/*
 * Run query (a SELECT of table) as the table's owner with the latest
 * snapshot and hand its rows to load; on an error *valid turns false
 */
struct SPITupleTable;
extern void jwt_auth_read_as_owner(const char *table, const char *query,
								   void (*load) (struct SPITupleTable *rows, uint64 n, void *arg),
								   void *arg, bool *valid);

/* issuers.c: other issuers (jwt_auth.issuers), cached per backend */
typedef struct jwt_auth_other_issuer jwt_auth_other_issuer;
extern void jwt_auth_issuers_init(void);
/* how many changes of the issuers this backend has been told of */
extern uint64 jwt_auth_issuers_generation(void);
/*
 * The registered issuer that claims name in iss, or NULL (a token of
 * jwt_auth's own). Valid until the next call of a function of issuers.c.
 */
extern const jwt_auth_other_issuer *jwt_auth_issuer_of_doc(const json_doc *claims);
extern const jwt_auth_other_issuer *jwt_auth_issuer_of_jsonb(Jsonb *claims);
/*
 * The issuer's key for a token (its kid picks it) and the alg to verify
 * with (the header's, one of the issuer's). An unknown kid of a jwks_uri
 * issuer asks for a fetch, after which *issuer is looked up again.
 */
extern jwt_status jwt_auth_issuer_key(const jwt_auth_other_issuer **issuer, const jws_token *tok,
									  jws_alg *alg, jwt_key **key);
/* the claim rules of the issuer's tokens, set in rules */
extern void jwt_auth_issuer_rules(const jwt_auth_other_issuer *issuer, jwt_claim_rules *rules);
extern bool jwt_auth_issuer_enabled(const jwt_auth_other_issuer *issuer);
/* the role an issuer's verified claims act as, one it may grant; raises */
extern const char *jwt_auth_issuer_role(const jwt_auth_other_issuer *issuer, Jsonb *claims);
/* the name of the claim that names the issuer's users */
extern const char *jwt_auth_issuer_user_claim(const jwt_auth_other_issuer *issuer);

/* fetch.c: ask the worker to fetch issuer's keys now (see fetch.c); true when a fetch finished */
extern bool jwt_auth_fetch_now(const char *issuer);
/* fetch.c: the worker and its shared memory, when preloaded */
extern void jwt_auth_fetch_init(void);
/* the fetch settings (jwt_auth.c) */
extern char *jwt_auth_fetch_database;
extern int	jwt_auth_fetch_timeout;
extern int	jwt_auth_fetch_max_size;
extern char *jwt_auth_fetch_ca_file;
extern char *jwt_auth_fetch_allowed_hosts;
extern bool jwt_auth_fetch_follow_redirects;
extern int	jwt_auth_fetch_cooldown;
extern int	jwt_auth_fetch_wait;

/*
 * standing.c: what the standing check reads of a token's claims, worked
 * out once per token (the verified-token cache keeps it), and the check:
 * raise 28000 unless the claims' session, user and iat still stand
 */
typedef struct jwt_auth_subject
{
	bool		has_sid;		/* a sid claim */
	bool		sid_ok;			/* ... that is a uuid: sid */
	bool		sub_ok;			/* the sub claim is a uuid: sub */
	bool		sub_canonical;	/* ... written as uuid_out writes it */
	bool		has_gen;		/* a gen claim */
	bool		gen_ok;			/* ... that is a uuid: gen */
	bool		iat_ok;			/* the iat claim is a number: iat_floor */
	pg_uuid_t	sid;
	pg_uuid_t	sub;
	pg_uuid_t	gen;
	int64		iat_floor;		/* floor(iat), clamped to int64 */
} jwt_auth_subject;
/*
 * tokens.c: the claims of a token verified with the stored keys (or, for a
 * registered issuer's token, with its keys: *issuer set, else NULL) and
 * the settings; raises
 */
extern Jsonb *jwt_auth_verify_stored(text *token, const jwt_auth_other_issuer **issuer,
									 jwt_auth_subject *subject);

/* tokencache.c: tokens verified with the stored keys, found by a hash and compared whole */
extern int	jwt_auth_token_cache_entries;
extern int	jwt_auth_token_cache_kb;
typedef struct jwt_auth_token_key
{
	uint64		hash;			/* of the whole token, seeded per backend */
	size_t		len;
	const char *token;			/* the caller's during a call; in the table, the entry's copy */
} jwt_auth_token_key;
typedef enum jwt_auth_cache_result
{
	JWT_AUTH_CACHE_OFF,			/* turned off: key not set */
	JWT_AUTH_CACHE_MISS,		/* key set, for jwt_auth_token_cache_add */
	JWT_AUTH_CACHE_HIT			/* doc, claims and (when asked for) subject set, the cache's own
								 * (valid until the next call) */
} jwt_auth_cache_result;
extern jwt_auth_cache_result jwt_auth_token_cache_find(const char *token, size_t len, double now,
													   jwt_auth_token_key *key,
													   const json_doc **doc, Jsonb **claims,
													   const jwt_auth_subject **subject);
/*
 * remember a token that verified: its claims parsed (doc, over text_len
 * bytes), as jsonb and, unless NULL, their subject (else worked out at the
 * first lookup that asks for it)
 */
extern void jwt_auth_token_cache_add(const jwt_auth_token_key *key, const json_doc *doc,
									 size_t text_len, Jsonb *claims,
									 const jwt_auth_subject *subject);
extern void jwt_auth_token_cache_forget(const jwt_auth_token_key *key);

/* standing.c */
extern void jwt_auth_subject_of(Jsonb *claims, jwt_auth_subject *subject);
extern void jwt_auth_check_standing(const jwt_auth_subject *subject);

/* changes.c: counts of committed changes of sessions and users, when preloaded */
extern void jwt_auth_changes_init(void);
/*
 * May this transaction keep rows of sessions and users by their counts?
 * *forgets: how often kept rows have had to go (when it moves, all go).
 */
extern bool jwt_auth_changes_tracked(uint64 *forgets);
/* the count of committed changes of the row whose id is id (to take before reading it) */
extern uint64 jwt_auth_changes_count(const pg_uuid_t *id);

/* context.c: authenticate() and the current request's claims */
extern void jwt_auth_context_init(void);

/* throttle.c: failed-login counters in shared memory, when preloaded */
extern void jwt_auth_throttle_init(void);

#endif
