/*
 * throttle.c — brute-force throttling of logins, in shared memory
 *
 * Failed logins are counted per username and per client address. A
 * count cannot live in a table: the failed login's ERROR rolls back any
 * write. With jwt_auth in shared_preload_libraries, a fixed table of
 * counters lives in shared memory: each holds a key (a 64-bit hash of the
 * lower-cased username, or of the address), the attempts counted in the
 * current window, when the window started, and when it was locked.
 *
 * auth_login asks _throttle_begin() first. A locked key is refused at
 * once (the same error, no bcrypt work). Otherwise the attempt is counted
 * before bcrypt runs, so guesses sent all at once cannot pass together:
 * the attempt that reaches the limit (max_failed_logins for a username,
 * max_failed_logins_per_address for an address) within lockout_time locks
 * the key for lockout_time from then (the setting as it is when asked). _throttle_succeeded() takes a good
 * login's attempt back: the username starts afresh, the address loses the
 * one attempt (an application server's address sees every user's logins).
 *
 * When every slot is taken, a free or expired counter gives way first,
 * then the one whose window started longest ago; a locked counter only
 * when every counter is locked. Without preloading there is no shared
 * memory: logins work unthrottled, and jwt_auth.throttle says so.
 */
#include "jwt_auth.h"

#include "catalog/pg_collation.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/libpq-be.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/timestamp.h"

#define THROTTLE_SLOTS 16384

typedef enum counter_kind
{
	COUNT_USERNAME = 1,
	COUNT_ADDRESS = 2
} counter_kind;

typedef struct counter
{
	uint64		key;			/* 0: a free slot */
	counter_kind kind;
	int32		attempts;		/* failed or in flight, in this window */
	TimestampTz window_start;
	TimestampTz locked_at;		/* when the limit was reached; 0: never */
} counter;

typedef struct throttle_state
{
	LWLock	   *lock;
	counter		slots[THROTTLE_SLOTS];
} throttle_state;

static throttle_state *state;
static shmem_request_hook_type prev_shmem_request_hook;
static shmem_startup_hook_type prev_shmem_startup_hook;

static void
throttle_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sizeof(throttle_state));
	RequestNamedLWLockTranche("jwt_auth throttle", 1);
}

static void
throttle_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	state = ShmemInitStruct("jwt_auth throttle", sizeof(throttle_state), &found);
	if (!found)
	{
		memset(state->slots, 0, sizeof(state->slots));
		state->lock = &(GetNamedLWLockTranche("jwt_auth throttle"))->lock;
	}
	LWLockRelease(AddinShmemInitLock);
}

void
jwt_auth_throttle_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = throttle_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = throttle_shmem_startup;
}

/* the counter key of a username (case-insensitive) or of the client address; 0: none */
static uint64
counter_key(counter_kind kind, text *username)
{
	uint64		key;

	if (kind == COUNT_USERNAME)
	{
		char	   *lower = str_tolower(VARDATA_ANY(username), VARSIZE_ANY_EXHDR(username),
										DEFAULT_COLLATION_OID);

		key = hash_bytes_extended((const unsigned char *) lower, (int) strlen(lower), kind);
		pfree(lower);
	}
	else
	{
		const struct sockaddr_storage *addr;

		/* the host part only (not the port); a Unix-socket connection has none */
		if (MyProcPort == NULL)
			return 0;
		addr = &MyProcPort->raddr.addr;
		if (addr->ss_family == AF_INET)
			key = hash_bytes_extended((const unsigned char *)
									  &((const struct sockaddr_in *) addr)->sin_addr,
									  sizeof(struct in_addr), kind);
		else if (addr->ss_family == AF_INET6)
			key = hash_bytes_extended((const unsigned char *)
									  &((const struct sockaddr_in6 *) addr)->sin6_addr,
									  sizeof(struct in6_addr), kind);
		else
			return 0;
	}
	return key ? key : 1;
}

static TimestampTz
lockout_usecs(void)
{
	return (TimestampTz) jwt_auth_lockout_time * USECS_PER_SEC;
}

static bool
window_over(const counter *c, TimestampTz now)
{
	return now - c->window_start >= lockout_usecs();
}

/* locked for lockout_time from when the limit was reached (a changed setting applies at once) */
static bool
locked(const counter *c, TimestampTz now)
{
	return c->locked_at != 0 && now - c->locked_at < lockout_usecs();
}

/* the slot holding key, or NULL; the caller holds the lock */
static counter *
find(uint64 key)
{
	for (int i = 0; i < THROTTLE_SLOTS; i++)
		if (state->slots[i].key == key)
			return &state->slots[i];
	return NULL;
}

/* how readily a slot gives way to a new key: the lowest first */
static int
tenure(const counter *c, TimestampTz now)
{
	if (c->key == 0)
		return 0;
	if (locked(c, now))
		return 3;
	return window_over(c, now) ? 1 : 2;
}

/* a slot for a new key; the caller holds the lock exclusively */
static counter *
claim_slot(counter_kind kind, uint64 key, TimestampTz now)
{
	counter    *best = &state->slots[0];

	for (int i = 1; i < THROTTLE_SLOTS && tenure(best, now) > 0; i++)
	{
		counter    *c = &state->slots[i];
		int			a = tenure(c, now),
					b = tenure(best, now);

		if (a < b || (a == b && c->window_start < best->window_start))
			best = c;
	}
	memset(best, 0, sizeof(*best));
	best->key = key;
	best->kind = kind;
	best->window_start = now;
	return best;
}

static int
limit_of(counter_kind kind)
{
	return kind == COUNT_USERNAME ? jwt_auth_max_failed_logins :
		jwt_auth_max_failed_logins_per_address;
}

/* is key locked? (the caller holds the lock) */
static bool
key_locked(uint64 key, TimestampTz now)
{
	counter    *c = key ? find(key) : NULL;

	return c != NULL && locked(c, now);
}

/* count an attempt for key; the one that reaches the limit locks it (exclusive lock held) */
static void
count_attempt(counter_kind kind, uint64 key, TimestampTz now)
{
	counter    *c;

	if (key == 0 || limit_of(kind) == 0)
		return;
	if ((c = find(key)) == NULL)
		c = claim_slot(kind, key, now);
	else if (window_over(c, now) && !locked(c, now))
	{
		c->attempts = 0;
		c->window_start = now;
		c->locked_at = 0;
	}
	if (c->attempts < PG_INT32_MAX)
		c->attempts++;
	if (c->attempts >= limit_of(kind))
		c->locked_at = now;
}

/* take one attempt back for key, or all of them; below the limit it is unlocked */
static void
take_back(counter_kind kind, uint64 key, bool all)
{
	counter    *c = key ? find(key) : NULL;

	if (c == NULL)
		return;
	c->attempts = all ? 0 : Max(c->attempts - 1, 0);
	if (c->attempts == 0)
		memset(c, 0, sizeof(*c));	/* nothing left to count: the slot is free */
	else if (c->attempts < limit_of(kind) || limit_of(kind) == 0)
		c->locked_at = 0;
}

/*
 * _throttle_begin(username text) returns boolean: false when the username
 * or the client address is locked; otherwise the attempt is counted
 */
PG_FUNCTION_INFO_V1(jwt_auth_throttle_begin);
Datum
jwt_auth_throttle_begin(PG_FUNCTION_ARGS)
{
	text	   *username = PG_GETARG_TEXT_PP(0);
	uint64		user_key,
				addr_key;
	TimestampTz now = GetCurrentTimestamp();
	bool		refused;

	if (state == NULL)
		PG_RETURN_BOOL(true);
	user_key = counter_key(COUNT_USERNAME, username);
	addr_key = counter_key(COUNT_ADDRESS, NULL);
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	refused = key_locked(user_key, now) || key_locked(addr_key, now);
	if (!refused)
	{
		count_attempt(COUNT_USERNAME, user_key, now);
		count_attempt(COUNT_ADDRESS, addr_key, now);
	}
	LWLockRelease(state->lock);
	PG_RETURN_BOOL(!refused);
}

/* _throttle_succeeded(username text): a good login's attempt does not count */
PG_FUNCTION_INFO_V1(jwt_auth_throttle_succeeded);
Datum
jwt_auth_throttle_succeeded(PG_FUNCTION_ARGS)
{
	text	   *username = PG_GETARG_TEXT_PP(0);
	uint64		user_key,
				addr_key;

	if (state == NULL)
		PG_RETURN_VOID();
	user_key = counter_key(COUNT_USERNAME, username);
	addr_key = counter_key(COUNT_ADDRESS, NULL);
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	take_back(COUNT_USERNAME, user_key, true);
	take_back(COUNT_ADDRESS, addr_key, false);
	LWLockRelease(state->lock);
	PG_RETURN_VOID();
}

/* _throttle_reset(username text): an administrator clears the username's count */
PG_FUNCTION_INFO_V1(jwt_auth_throttle_reset);
Datum
jwt_auth_throttle_reset(PG_FUNCTION_ARGS)
{
	text	   *username = PG_GETARG_TEXT_PP(0);

	if (state == NULL)
		PG_RETURN_VOID();
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	take_back(COUNT_USERNAME, counter_key(COUNT_USERNAME, username), true);
	LWLockRelease(state->lock);
	PG_RETURN_VOID();
}

/*
 * _throttle_state(OUT enabled boolean, OUT counters integer, OUT locked integer):
 * whether throttling is on, the counters in use and how many of them are over their limit
 */
PG_FUNCTION_INFO_V1(jwt_auth_throttle_state);
Datum
jwt_auth_throttle_state(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int			in_use = 0,
				locked_count = 0;
	TimestampTz now = GetCurrentTimestamp();

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "jwt_auth: _throttle_state must return a record");
	if (state != NULL)
	{
		LWLockAcquire(state->lock, LW_SHARED);
		for (int i = 0; i < THROTTLE_SLOTS; i++)
		{
			counter    *c = &state->slots[i];

			if (c->key == 0 || (window_over(c, now) && !locked(c, now)))
				continue;
			in_use++;
			if (locked(c, now))
				locked_count++;
		}
		LWLockRelease(state->lock);
	}
	values[0] = BoolGetDatum(state != NULL);
	values[1] = Int32GetDatum(in_use);
	values[2] = Int32GetDatum(locked_count);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
