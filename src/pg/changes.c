/*
 * changes.c — which sessions and users changed, so that standing.c may keep the rows it read
 *
 * Every authenticate() and pre_request() reads the token's session and
 * user (standing.c). With jwt_auth preloaded, a backend keeps the rows it
 * read and reads a row again only when it may have changed since. This
 * file is how it knows:
 *
 * - Row triggers on jwt_auth.sessions and jwt_auth.users (for the columns
 *   standing.c reads) and TRUNCATE triggers note which ids a transaction
 *   writes. Once the transaction has committed — after its changes are
 *   visible to new snapshots, before its client hears COMMIT — its backend
 *   adds one to a shared counter per id (the id's hash picks one of
 *   CHANGE_SLOTS); a TRUNCATE adds one to every counter. A rollback adds
 *   nothing, and needs nothing: no other backend has seen what it wrote.
 * - A reader takes an id's counter before it reads the row with the latest
 *   snapshot and keeps the row with that count. While the counter has not
 *   moved, no commit has changed the row since the reader's snapshot: a
 *   commit becomes visible before its counter moves. So once a logout or a
 *   user's disabling has committed, no request that starts after the
 *   COMMIT returns accepts the token, as without the cache.
 *
 * Rows are not kept (every call reads them) where the counters cannot
 * vouch for them: without preloading (no shared memory); on a hot standby,
 * where the changes arrive by replay and fire no trigger; in a transaction
 * that has itself written sessions or users (it must see its own
 * uncommitted rows, which a rollback would take back); when a trigger is
 * missing or not enabled ALWAYS (a DISABLE TRIGGER would let changes go
 * uncounted); and, until the server restarts, once a transaction that
 * changed them was prepared for two-phase commit (COMMIT PREPARED may run
 * in any backend, after this one is gone).
 *
 * A relcache invalidation of either table (ALTER TABLE, DISABLE TRIGGER,
 * VACUUM, the extension dropped) makes every backend forget its rows and
 * look at the triggers again.
 */
#include "jwt_auth.h"

#include "access/table.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/rel.h"

/* counters shared by all databases; a collision only costs a reader one more read */
#define CHANGE_SLOTS 8192

typedef struct changes_state
{
	pg_atomic_uint32 off;		/* a prepared transaction changed the rows: keep none */
	pg_atomic_uint64 slots[CHANGE_SLOTS];
} changes_state;

/* the triggers standing.c relies on, each of which must fire ALWAYS */
static const struct
{
	const char *table;
	const char *trigger;
}			triggers[] =
{
	{"sessions", "sessions_changed"},
	{"sessions", "sessions_truncated"},
	{"users", "users_changed"},
	{"users", "users_truncated"},
};

static changes_state *state;
static shmem_request_hook_type prev_shmem_request_hook;
static shmem_startup_hook_type prev_shmem_startup_hook;

/* this transaction's changes: the slots to count at commit, or all of them */
static Bitmapset *pending;		/* in TopTransactionContext */
static bool pending_all;
static bool wrote;				/* this transaction wrote sessions or users */

/* the triggers as last looked at: unknown after a relcache invalidation of the tables */
static enum
{
	TRIGGERS_UNKNOWN, TRIGGERS_FIRE, TRIGGERS_MISSING
}			triggers_state = TRIGGERS_UNKNOWN;
static Oid	sessions_relid = InvalidOid;
static Oid	users_relid = InvalidOid;
static uint64 forget_count;		/* times the kept rows had to go */

static void
changes_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sizeof(changes_state));
}

static void
changes_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	state = ShmemInitStruct("jwt_auth changes", sizeof(changes_state), &found);
	if (!found)
	{
		pg_atomic_init_u32(&state->off, 0);
		for (int i = 0; i < CHANGE_SLOTS; i++)
			pg_atomic_init_u64(&state->slots[i], 0);
	}
	LWLockRelease(AddinShmemInitLock);
}

static int
slot_of(const pg_uuid_t *id)
{
	uint32		h = hash_bytes(id->data, UUID_LEN);

	return hash_combine(h, MyDatabaseId) % CHANGE_SLOTS;
}

static void
at_end(XactEvent event, void *arg)
{
	int			i = -1;

	switch (event)
	{
		case XACT_EVENT_COMMIT:
			if (pending_all)
				for (i = 0; i < CHANGE_SLOTS; i++)
					pg_atomic_fetch_add_u64(&state->slots[i], 1);
			else
				while ((i = bms_next_member(pending, i)) >= 0)
					pg_atomic_fetch_add_u64(&state->slots[i], 1);
			break;
		case XACT_EVENT_PRE_PREPARE:
			if (pending_all || pending != NULL)
				pg_atomic_write_u32(&state->off, 1);
			return;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
			break;
		default:
			return;
	}
	pending = NULL;				/* its memory goes with the transaction's */
	pending_all = false;
	wrote = false;
}

static void
table_changed(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == sessions_relid || relid == users_relid)
	{
		triggers_state = TRIGGERS_UNKNOWN;
		forget_count++;
	}
}

void
jwt_auth_changes_init(void)
{
	CacheRegisterRelcacheCallback(table_changed, (Datum) 0);
	RegisterXactCallback(at_end, NULL);
	if (!process_shared_preload_libraries_in_progress)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = changes_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = changes_shmem_startup;
}

/* is each trigger of triggers[] on its table, enabled ALWAYS? */
static bool
triggers_fire(void)
{
	sessions_relid = jwt_auth_table_relid("sessions");
	users_relid = jwt_auth_table_relid("users");
	for (size_t i = 0; i < lengthof(triggers); i++)
	{
		Relation	rel = table_open(jwt_auth_table_relid(triggers[i].table), AccessShareLock);
		TriggerDesc *desc = rel->trigdesc;
		bool		found = false;

		for (int t = 0; desc != NULL && t < desc->numtriggers; t++)
			if (strcmp(desc->triggers[t].tgname, triggers[i].trigger) == 0)
				found = desc->triggers[t].tgenabled == TRIGGER_FIRES_ALWAYS;
		table_close(rel, AccessShareLock);
		if (!found)
			return false;
	}
	return true;
}

bool
jwt_auth_changes_tracked(uint64 *forgets)
{
	if (state == NULL || wrote || pg_atomic_read_u32(&state->off) != 0 || RecoveryInProgress())
		return false;
	AcceptInvalidationMessages();
	if (triggers_state == TRIGGERS_UNKNOWN)
		triggers_state = triggers_fire() ? TRIGGERS_FIRE : TRIGGERS_MISSING;
	*forgets = forget_count;
	return triggers_state == TRIGGERS_FIRE;
}

uint64
jwt_auth_changes_count(const pg_uuid_t *id)
{
	uint64		count = pg_atomic_read_u64(&state->slots[slot_of(id)]);

	/* the count is taken before the snapshot the row is then read with */
	pg_memory_barrier();
	return count;
}

/* note the id (column 1) of a row of sessions or users */
static void
note(Relation rel, HeapTuple row)
{
	TupleDesc	desc = RelationGetDescr(rel);
	bool		isnull;
	Datum		id;

	if (desc->natts < 1 || TupleDescAttr(desc, 0)->atttypid != UUIDOID ||
		strcmp(NameStr(TupleDescAttr(desc, 0)->attname), "id") != 0)
		elog(ERROR, "jwt_auth: the first column of jwt_auth.%s is not its uuid id",
			 RelationGetRelationName(rel));
	id = heap_getattr(row, 1, desc, &isnull);
	if (!isnull)
		pending = bms_add_member(pending, slot_of(DatumGetUUIDP(id)));
}

/*
 * _standing_changed() returns trigger: note what a row change or a
 * TRUNCATE of jwt_auth.sessions or jwt_auth.users changes, for the count
 * at commit.
 */
PG_FUNCTION_INFO_V1(jwt_auth_standing_changed);
Datum
jwt_auth_standing_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	MemoryContext old;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "jwt_auth: _standing_changed must be called as a trigger");
	wrote = true;
	if (state == NULL)
		return PointerGetDatum(NULL);
	old = MemoryContextSwitchTo(TopTransactionContext);
	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		pending_all = true;
	else if (TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
	{
		note(trigdata->tg_relation, trigdata->tg_trigtuple);
		if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
			note(trigdata->tg_relation, trigdata->tg_newtuple);
	}
	MemoryContextSwitchTo(old);
	return PointerGetDatum(NULL);
}
