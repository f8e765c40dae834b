/*
 * throttle.c — brute-force throttling of logins, in shared memory
 *
 * Failed logins are counted per username and per client address. A
 * count cannot live in a table: the failed login's ERROR rolls back any
 * write. With jwt_auth in shared_preload_libraries, a fixed table of
 * counters lives in shared memory: each counter holds a key (a 64-bit
 * hash of the lower-cased username or of the address), the failures in
 * the current window and when the window started. A window lasts
 * jwt_auth.lockout_time; once a key has max_failed_logins failures in it
 * (max_failed_logins_per_address for an address), auth_login fails at
 * once, with the same error and no bcrypt work, until the window ends.
 *
 * When every slot is taken, the counter whose window ended longest ago,
 * or else the oldest one, gives way. Without preloading there is no
 * shared memory: logins work unthrottled, and jwt_auth.throttle says so.
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
	int32		failures;
	TimestampTz window_start;
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

static bool
window_over(const counter *c, TimestampTz now)
{
	return now - c->window_start >= (TimestampTz) jwt_auth_lockout_time * USECS_PER_SEC;
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

/* a slot for a new key: a free one, else the stalest; the caller holds the lock exclusively */
static counter *
claim_slot(counter_kind kind, uint64 key, TimestampTz now)
{
	counter    *best = &state->slots[0];

	for (int i = 0; i < THROTTLE_SLOTS; i++)
	{
		counter    *c = &state->slots[i];

		if (c->key == 0)
		{
			best = c;
			break;
		}
		if (c->window_start < best->window_start)
			best = c;
	}
	best->key = key;
	best->kind = kind;
	best->failures = 0;
	best->window_start = now;
	return best;
}

static int
limit_of(counter_kind kind)
{
	return kind == COUNT_USERNAME ? jwt_auth_max_failed_logins :
		jwt_auth_max_failed_logins_per_address;
}

static bool
over_limit(counter_kind kind, uint64 key, TimestampTz now)
{
	counter    *c;

	if (key == 0 || limit_of(kind) == 0)
		return false;
	c = find(key);
	return c != NULL && !window_over(c, now) && c->failures >= limit_of(kind);
}

static void
count_failure(counter_kind kind, uint64 key, TimestampTz now)
{
	counter    *c;

	if (key == 0)
		return;
	if ((c = find(key)) == NULL)
		c = claim_slot(kind, key, now);
	else if (window_over(c, now))
	{
		c->failures = 0;
		c->window_start = now;
	}
	if (c->failures < PG_INT32_MAX)
		c->failures++;
}

/* _throttle_allow(username text) returns boolean: false when over a limit */
PG_FUNCTION_INFO_V1(jwt_auth_throttle_allow);
Datum
jwt_auth_throttle_allow(PG_FUNCTION_ARGS)
{
	text	   *username = PG_GETARG_TEXT_PP(0);
	uint64		user_key,
				addr_key;
	TimestampTz now = GetCurrentTimestamp();
	bool		over;

	if (state == NULL)
		PG_RETURN_BOOL(true);
	user_key = counter_key(COUNT_USERNAME, username);
	addr_key = counter_key(COUNT_ADDRESS, NULL);
	LWLockAcquire(state->lock, LW_SHARED);
	over = over_limit(COUNT_USERNAME, user_key, now) || over_limit(COUNT_ADDRESS, addr_key, now);
	LWLockRelease(state->lock);
	PG_RETURN_BOOL(!over);
}

/* _throttle_failed(username text): one more failure for the username and the address */
PG_FUNCTION_INFO_V1(jwt_auth_throttle_failed);
Datum
jwt_auth_throttle_failed(PG_FUNCTION_ARGS)
{
	text	   *username = PG_GETARG_TEXT_PP(0);
	uint64		user_key,
				addr_key;
	TimestampTz now = GetCurrentTimestamp();

	if (state == NULL)
		PG_RETURN_VOID();
	user_key = counter_key(COUNT_USERNAME, username);
	addr_key = counter_key(COUNT_ADDRESS, NULL);
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	count_failure(COUNT_USERNAME, user_key, now);
	count_failure(COUNT_ADDRESS, addr_key, now);
	LWLockRelease(state->lock);
	PG_RETURN_VOID();
}

/* _throttle_reset(username text): a good login (or an administrator) clears the username's count */
PG_FUNCTION_INFO_V1(jwt_auth_throttle_reset);
Datum
jwt_auth_throttle_reset(PG_FUNCTION_ARGS)
{
	text	   *username = PG_GETARG_TEXT_PP(0);
	uint64		user_key;
	counter    *c;

	if (state == NULL)
		PG_RETURN_VOID();
	user_key = counter_key(COUNT_USERNAME, username);
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	if ((c = find(user_key)) != NULL)
		memset(c, 0, sizeof(*c));
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
				locked = 0;
	TimestampTz now = GetCurrentTimestamp();

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "jwt_auth: _throttle_state must return a record");
	if (state != NULL)
	{
		LWLockAcquire(state->lock, LW_SHARED);
		for (int i = 0; i < THROTTLE_SLOTS; i++)
		{
			counter    *c = &state->slots[i];

			if (c->key == 0 || window_over(c, now))
				continue;
			in_use++;
			if (limit_of(c->kind) > 0 && c->failures >= limit_of(c->kind))
				locked++;
		}
		LWLockRelease(state->lock);
	}
	values[0] = BoolGetDatum(state != NULL);
	values[1] = Int32GetDatum(in_use);
	values[2] = Int32GetDatum(locked);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
