/*
 * throttle.c — brute-force throttling of logins, in shared memory
 *
 * Failed logins are counted per username and per client address. A
 * count cannot live in a table: the failed login's ERROR rolls back any
 * write. With jwt_auth in shared_preload_libraries, a fixed table of
 * counters lives in shared memory: each holds a key (a 64-bit hash of the
 * lower-cased username, or of the address), what it counts (a user's
 * username, a username that names no user, or an address), the attempts
 * counted in the current window, when the window started, and when it was
 * locked.
 *
 * auth_login finds the user first and passes the username as stored (so
 * that whatever spelling or collation found the user, its one counter
 * counts) and whether it names a user; a name that finds no one is counted
 * as given. Usernames are lower-cased under the database's default
 * collation, as the unique index on lower(username) and auth_login's
 * lookup do, never under the caller's. _throttle_begin() comes before
 * any bcrypt work. A locked key is refused at once (the same error, no
 * bcrypt work). Otherwise the attempt is counted first, so guesses sent all
 * at once cannot pass together: the attempt that reaches the limit
 * (max_failed_logins for a username, max_failed_logins_per_address for an
 * address) within lockout_time locks the key for lockout_time from then
 * (the setting as it is when asked). _throttle_succeeded() takes a good
 * login's attempt back: the username starts afresh, the address loses the
 * one attempt (an application server's address sees every user's logins).
 *
 * No flood resets a count that matters. A new key takes a free slot, or
 * one whose window is over and that is not locked. Failing that, a
 * counter of a username that names no user (it protects no account) gives
 * way to a new key of a user or of an address, unlocked ones first, and an
 * address's unlocked counter gives way to a user's; the oldest window goes
 * first. A user's counter within its window and a locked address never
 * give way, and a new username that names no user takes nothing but a free
 * or spent slot. When no slot can be had, a user's login is refused as if
 * locked (fail closed); a username that names no user goes uncounted (its
 * login fails anyway, with the same bcrypt work; only then does such a
 * name not lock as a user's would), and so does an address (the username's
 * count still applies). So failed logins with junk usernames, however
 * many, neither reset a user's count nor keep a user without one from
 * logging in; only when every slot holds a user's counter within its
 * window or a locked address (failures of THROTTLE_SLOTS distinct users
 * within lockout_time, say) are the other users refused.
 * Without preloading there is no shared memory: logins work unthrottled,
 * and jwt_auth.throttle says so.
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

/* what a counter counts; a user's username and one that names no user share their keys */
typedef enum counter_kind
{
	COUNT_USER = 1,				/* the username of a user */
	COUNT_NAME = 2,				/* a username that names no user */
	COUNT_ADDRESS = 3			/* a client address */
} counter_kind;

/* the seeds of the two key spaces */
#define SEED_USERNAME 1
#define SEED_ADDRESS 2

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

/*
 * The counter key of a username, case-insensitive: lower-cased under the
 * database's default collation (that of the unique index on
 * lower(username)), whatever collation the caller's argument carries
 */
static uint64
username_key(text *username)
{
	char	   *lower = str_tolower(VARDATA_ANY(username), VARSIZE_ANY_EXHDR(username),
									DEFAULT_COLLATION_OID);
	uint64		key = hash_bytes_extended((const unsigned char *) lower, (int) strlen(lower),
										  SEED_USERNAME);

	pfree(lower);
	return key ? key : 1;
}

/* the counter key of the client address; 0: none */
static uint64
address_key(void)
{
	const struct sockaddr_storage *addr;
	uint64		key;

	/* the host part only (not the port); a Unix-socket connection has none */
	if (MyProcPort == NULL)
		return 0;
	addr = &MyProcPort->raddr.addr;
	if (addr->ss_family == AF_INET)
		key = hash_bytes_extended((const unsigned char *)
								  &((const struct sockaddr_in *) addr)->sin_addr,
								  sizeof(struct in_addr), SEED_ADDRESS);
	else if (addr->ss_family == AF_INET6)
		key = hash_bytes_extended((const unsigned char *)
								  &((const struct sockaddr_in6 *) addr)->sin6_addr,
								  sizeof(struct in6_addr), SEED_ADDRESS);
	else
		return 0;
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

/*
 * How readily a slot gives way to a new key of the kind given, the lowest
 * first; -1: never. Free and spent slots (nothing counted in the window,
 * not locked) go to any key; a username that names no user gives way to a
 * user or an address; an unlocked address to a user. A user's counter in
 * its window and a locked address never give way.
 */
static int
give_way(const counter *c, counter_kind kind, TimestampTz now)
{
	if (c->key == 0)
		return 0;
	if (!locked(c, now) && window_over(c, now))
		return 1;
	if (c->kind == COUNT_NAME && kind != COUNT_NAME)
		return locked(c, now) ? 3 : 2;
	if (c->kind == COUNT_ADDRESS && kind == COUNT_USER && !locked(c, now))
		return 4;
	return -1;
}

/* a slot for a new key, or NULL when none may be had; the caller holds the lock exclusively */
static counter *
claim_slot(counter_kind kind, uint64 key, TimestampTz now)
{
	counter    *best = NULL;
	int			best_rank = -1;

	for (int i = 0; i < THROTTLE_SLOTS && best_rank != 0; i++)
	{
		counter    *c = &state->slots[i];
		int			rank = give_way(c, kind, now);

		if (rank < 0)
			continue;
		if (best == NULL || rank < best_rank ||
			(rank == best_rank && c->window_start < best->window_start))
		{
			best = c;
			best_rank = rank;
		}
	}
	if (best == NULL)
		return NULL;
	memset(best, 0, sizeof(*best));
	best->key = key;
	best->kind = kind;
	best->window_start = now;
	return best;
}

static int
limit_of(counter_kind kind)
{
	return kind == COUNT_ADDRESS ? jwt_auth_max_failed_logins_per_address :
		jwt_auth_max_failed_logins;
}

/* is key locked? (the caller holds the lock) */
static bool
key_locked(uint64 key, TimestampTz now)
{
	counter    *c = key ? find(key) : NULL;

	return c != NULL && locked(c, now);
}

/*
 * Count an attempt for key; the one that reaches the limit locks it
 * (exclusive lock held). False when a new key could get no slot.
 */
static bool
count_attempt(counter_kind kind, uint64 key, TimestampTz now)
{
	counter    *c;

	if (key == 0 || limit_of(kind) == 0)
		return true;
	if ((c = find(key)) == NULL)
	{
		if ((c = claim_slot(kind, key, now)) == NULL)
			return false;
	}
	else if (window_over(c, now) && !locked(c, now))
	{
		c->attempts = 0;
		c->window_start = now;
		c->locked_at = 0;
	}
	c->kind = kind;				/* a username may have become a user's, or stopped being one */
	if (c->attempts < PG_INT32_MAX)
		c->attempts++;
	if (c->attempts >= limit_of(kind))
		c->locked_at = now;
	return true;
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
 * _throttle_begin(username text, is_user boolean) returns boolean: false
 * when the username or the client address is locked, or when a user's
 * username could get no counter; otherwise the attempt is counted. (1.0's
 * one-argument _throttle_begin(username text) calls this too, until ALTER
 * EXTENSION UPDATE: its username is taken for a user's, the safe side.)
 */
PG_FUNCTION_INFO_V1(jwt_auth_throttle_begin);
Datum
jwt_auth_throttle_begin(PG_FUNCTION_ARGS)
{
	text	   *username = PG_GETARG_TEXT_PP(0);
	counter_kind kind = (PG_NARGS() < 2 || PG_GETARG_BOOL(1)) ? COUNT_USER : COUNT_NAME;
	uint64		user_key,
				addr_key;
	TimestampTz now = GetCurrentTimestamp();
	bool		refused;

	if (state == NULL)
		PG_RETURN_BOOL(true);
	user_key = username_key(username);
	addr_key = address_key();
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	refused = key_locked(user_key, now) || key_locked(addr_key, now);
	/* no counter for a user: refused; for a name of no one, or an address: not counted */
	if (!refused)
		refused = !count_attempt(kind, user_key, now) && kind == COUNT_USER;
	if (!refused)
		(void) count_attempt(COUNT_ADDRESS, addr_key, now);
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
	user_key = username_key(username);
	addr_key = address_key();
	LWLockAcquire(state->lock, LW_EXCLUSIVE);
	take_back(COUNT_USER, user_key, true);
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
	take_back(COUNT_USER, username_key(username), true);
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
	jwt_auth_record r;
	int			in_use = 0,
				locked_count = 0;
	TimestampTz now = GetCurrentTimestamp();

	jwt_auth_record_init_result(&r, fcinfo);
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
	jwt_auth_record_set(&r, "enabled", BoolGetDatum(state != NULL), false);
	jwt_auth_record_set(&r, "counters", Int32GetDatum(in_use), false);
	jwt_auth_record_set(&r, "locked", Int32GetDatum(locked_count), false);
	PG_RETURN_DATUM(jwt_auth_record_datum(&r));
}
