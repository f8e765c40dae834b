/*
 * tokencache.c — tokens already verified with the stored keys (or an issuer's), per backend
 *
 * A client sends the same access token with every request for the token's
 * life. Verifying it each time (base64url, two JSON parses, a signature:
 * some 55 µs for ES256) buys nothing once it has verified: so a token that
 * verified with the stored keys is remembered here, whole, with its parsed
 * claims (the core's tokens and the jsonb made of them) and, once a call
 * needs it, what the session check reads of them (standing.c). It is
 * found by a 64-bit hash seeded per backend (cheap: a cryptographic digest
 * cost more than the rest of a lookup) and then compared whole, in
 * constant time, so no other token can stand for it. The next call with
 * that token decodes, parses and verifies nothing: it checks the
 * remembered claims against the rules of the call (the clock,
 * jwt_auth.leeway, audience and issuer as they are now), so no setting
 * changed meanwhile lets a token in that a full verification would refuse. What the cache does not hold is checked every
 * time: the session, user and generation (standing.c, which keeps those
 * rows only while no commit has changed them) and the role.
 *
 * It forgets everything when the key store or the issuers change (the
 * relcache invalidations keystore.c and issuers.c count: a key revoked,
 * retired, added or deleted, an issuer's set or settings changed, here or
 * in any session), and an entry once its exp has passed
 * (within a second of the next use of the cache). It holds at most
 * jwt_auth.token_cache_entries tokens and jwt_auth.token_cache_size bytes
 * of them (the least recently used go first); either at 0 turns it off.
 * Failures are not remembered, nor tokens verified with a key passed in
 * the call. Everything lives in one memory context of its own.
 */
#include "jwt_auth.h"

#include <math.h>

#include "common/hashfn.h"
#include "funcapi.h"
#include "lib/ilist.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"

#include "json.h"

/* settings (jwt_auth.c) */
int			jwt_auth_token_cache_entries = 1024;
int			jwt_auth_token_cache_kb = 8192;

typedef struct cached_token
{
	jwt_auth_token_key key;
	dlist_node	lru;			/* most recently used first */
	double		exp;			/* the exp claim, or +inf */
	Size		bytes;			/* what this entry takes, as counted against the bound */
	char	   *text;			/* the token (key.token points here) */
	json_doc	doc;			/* the claims as the core parsed them */
	Jsonb	   *claims;			/* and as jsonb */
	bool		has_subject;	/* subject is set (at the first call that needs it) */
	jwt_auth_subject subject;	/* what the standing check reads of them */
} cached_token;

typedef struct table_entry
{
	jwt_auth_token_key key;
	cached_token *token;
} table_entry;

/* what a table entry costs besides the token's chunk (dynahash's element and header) */
#define TABLE_ENTRY_BYTES (MAXALIGN(sizeof(table_entry)) + 2 * sizeof(void *))

static MemoryContext cache_context;
static HTAB *table;
static dlist_head lru = DLIST_STATIC_INIT(lru);
static int	n_entries;
static Size n_bytes;
static uint64 keystore_generation;	/* of the keys and issuers the entries were verified with */

/* changes of jwt_auth.keys and jwt_auth.issuers this backend has been told of */
static inline uint64
verifiers_generation(void)
{
	return jwt_auth_keystore_generation() + jwt_auth_issuers_generation();
}
static double min_exp = INFINITY;	/* the earliest exp of an entry */
static double last_sweep;
static uint64 seed;				/* of the hash, random per backend */

static uint32
key_hash(const void *key, Size keysize)
{
	return (uint32) ((const jwt_auth_token_key *) key)->hash;
}

/* 0 when a and b are the same token: compared whole, in constant time for a given length */
static int
key_match(const void *a, const void *b, Size keysize)
{
	const jwt_auth_token_key *x = a;
	const jwt_auth_token_key *y = b;
	uint64		diff = 0;
	size_t		i = 0;

	if (x->hash != y->hash || x->len != y->len)
		return 1;
	/* eight bytes at a time (CRYPTO_memcmp goes one at a time), every byte read */
	for (; i + sizeof(uint64) <= x->len; i += sizeof(uint64))
	{
		uint64		u,
					v;

		memcpy(&u, x->token + i, sizeof(u));
		memcpy(&v, y->token + i, sizeof(v));
		diff |= u ^ v;
	}
	for (; i < x->len; i++)
		diff |= (uint8) (x->token[i] ^ y->token[i]);
	return diff != 0;
}

static void
drop_all(void)
{
	if (cache_context != NULL)
		MemoryContextReset(cache_context);	/* the table is a child context */
	table = NULL;
	dlist_init(&lru);
	n_entries = 0;
	n_bytes = 0;
	min_exp = INFINITY;
}

static void
drop(cached_token *t)
{
	bool		found;

	dlist_delete(&t->lru);
	(void) hash_search(table, &t->key, HASH_REMOVE, &found);
	n_entries--;
	n_bytes -= t->bytes;
	pfree(t);
}

static Size
max_bytes(void)
{
	return (Size) jwt_auth_token_cache_kb * 1024;
}

static bool
enabled(void)
{
	return jwt_auth_token_cache_entries > 0 && jwt_auth_token_cache_kb > 0;
}

/* the least recently used go until n more entries of bytes more fit */
static void
make_room(int n, Size bytes)
{
	while (n_entries > 0 &&
		   (n_entries + n > jwt_auth_token_cache_entries || n_bytes + bytes > max_bytes()))
		drop(dlist_container(cached_token, lru, dlist_tail_node(&lru)));
}

/* entries whose exp has passed go, once a second at most */
static void
sweep(double now)
{
	dlist_mutable_iter it;

	if (now < min_exp + jwt_auth_leeway || now < last_sweep + 1)
		return;
	last_sweep = now;
	min_exp = INFINITY;
	dlist_foreach_modify(it, &lru)
	{
		cached_token *t = dlist_container(cached_token, lru, it.cur);

		if (now >= t->exp + jwt_auth_leeway)
			drop(t);
		else if (t->exp < min_exp)
			min_exp = t->exp;
	}
}

/*
 * Is the cache usable? Takes in pending invalidations first and forgets
 * everything when the key store changed, the cache was turned off, or its
 * bounds were lowered below what it holds.
 */
static bool
ready(void)
{
	uint64		generation;

	if (!enabled())
	{
		if (n_entries > 0)
			drop_all();
		return false;
	}
	AcceptInvalidationMessages();
	generation = verifiers_generation();
	if (generation != keystore_generation)
	{
		drop_all();
		keystore_generation = generation;
	}
	make_room(0, 0);
	return true;
}

static void
hash_token(const char *token, size_t len, jwt_auth_token_key *key)
{
	static bool seeded = false;

	if (!seeded)
	{
		if (!pg_strong_random(&seed, sizeof(seed)))
			jwt_auth_raise(JWT_CRYPTO, JWS_ALG_INVALID, NULL);
		seeded = true;
	}
	key->hash = hash_bytes_extended((const unsigned char *) token, (int) len, seed);
	key->len = len;
	key->token = token;
}

jwt_auth_cache_result
jwt_auth_token_cache_find(const char *token, size_t len, double now, jwt_auth_token_key *key,
						  const json_doc **doc, Jsonb **claims, const jwt_auth_subject **subject)
{
	table_entry *e;

	if (!ready())
		return JWT_AUTH_CACHE_OFF;
	hash_token(token, len, key);
	if (table == NULL)
		return JWT_AUTH_CACHE_MISS;
	sweep(now);
	e = hash_search(table, key, HASH_FIND, NULL);
	if (e == NULL)
		return JWT_AUTH_CACHE_MISS;
	dlist_move_head(&lru, &e->token->lru);
	*doc = &e->token->doc;
	*claims = e->token->claims;
	if (subject != NULL)
	{
		if (!e->token->has_subject)
			jwt_auth_subject_of(e->token->claims, &e->token->subject);
		e->token->has_subject = true;
		*subject = &e->token->subject;
	}
	return JWT_AUTH_CACHE_HIT;
}

void
jwt_auth_token_cache_forget(const jwt_auth_token_key *key)
{
	table_entry *e;

	if (table != NULL && (e = hash_search(table, key, HASH_FIND, NULL)) != NULL)
		drop(e->token);
}

/* the exp claim of the parsed claims, or +inf when there is none or it is not a number */
static double
exp_claim(const json_doc *doc)
{
	uint32_t	v;
	double		exp;

	if (json_find(doc, 0, "exp", &v) && json_number_value(doc, v, &exp))
		return exp;
	return INFINITY;
}

void
jwt_auth_token_cache_add(const jwt_auth_token_key *key, const json_doc *doc, size_t text_len,
						 Jsonb *claims, const jwt_auth_subject *subject)
{
	Size		toks_size = MAXALIGN(sizeof(json_tok) * doc->ntoks);
	Size		text_size = MAXALIGN(text_len);
	Size		token_size = MAXALIGN(key->len);
	Size		size = MAXALIGN(sizeof(cached_token)) + toks_size + text_size + token_size +
		VARSIZE(claims);
	Size		bytes;
	cached_token *t;
	table_entry *e;
	bool		found;
	char	   *p;

	/* the key store changed since the lookup: the next lookup starts afresh */
	if (!enabled() || verifiers_generation() != keystore_generation)
		return;
	if (cache_context == NULL)
		cache_context = AllocSetContextCreate(TopMemoryContext, "jwt_auth verified tokens",
											  ALLOCSET_DEFAULT_SIZES);
	if (table == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(jwt_auth_token_key);
		ctl.entrysize = sizeof(table_entry);
		ctl.hash = key_hash;
		ctl.match = key_match;
		ctl.hcxt = cache_context;
		table = hash_create("jwt_auth verified tokens by hash", 64, &ctl,
							HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	}
	if (hash_search(table, key, HASH_FIND, NULL) != NULL)
		return;

	t = MemoryContextAllocExtended(cache_context, size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
	if (t == NULL)
		return;
	bytes = GetMemoryChunkSpace(t) + TABLE_ENTRY_BYTES;
	if (bytes > max_bytes())
	{
		pfree(t);
		return;
	}
	make_room(1, bytes);

	/* the token, the claims' tokens, the text they point into, the jsonb: one chunk */
	p = (char *) t + MAXALIGN(sizeof(cached_token));
	t->text = memcpy(p, key->token, key->len);
	p += token_size;
	t->key = *key;
	t->key.token = t->text;
	t->bytes = bytes;
	t->doc = *doc;
	t->doc.toks = (json_tok *) p;
	t->doc.cap = doc->ntoks;
	memcpy(p, doc->toks, sizeof(json_tok) * doc->ntoks);
	p += toks_size;
	memcpy(p, doc->text, text_len);
	t->doc.text = p;
	p += text_size;
	t->claims = (Jsonb *) p;
	memcpy(p, claims, VARSIZE(claims));
	t->exp = exp_claim(&t->doc);
	t->has_subject = subject != NULL;
	if (subject != NULL)
		t->subject = *subject;

	e = hash_search(table, &t->key, HASH_ENTER, &found);
	e->token = t;
	dlist_push_head(&lru, &t->lru);
	n_entries++;
	n_bytes += bytes;
	if (t->exp < min_exp)
		min_exp = t->exp;
}

/*
 * _token_cache_state(OUT entries integer, OUT bytes bigint, OUT allocated bigint):
 * the tokens this backend's cache holds, the bytes counted against
 * jwt_auth.token_cache_size, and the memory its context has taken
 */
PG_FUNCTION_INFO_V1(jwt_auth_token_cache_state);
Datum
jwt_auth_token_cache_state(PG_FUNCTION_ARGS)
{
	jwt_auth_record r;

	(void) ready();				/* what it would hold now: bounds and key changes applied */
	jwt_auth_record_init_result(&r, fcinfo);
	jwt_auth_record_set(&r, "entries", Int32GetDatum(n_entries), false);
	jwt_auth_record_set(&r, "bytes", Int64GetDatum((int64) n_bytes), false);
	jwt_auth_record_set(&r, "allocated",
						Int64GetDatum(cache_context ? (int64) MemoryContextMemAllocated(cache_context, true) : 0),
						false);
	PG_RETURN_DATUM(jwt_auth_record_datum(&r));
}
