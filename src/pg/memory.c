/*
 * memory.c — the core allocates in the current memory context
 *
 * The core takes its memory through the hooks of core/mem.h. Pointed here,
 * every core allocation is a palloc chunk of whatever context is current
 * at the call: a per-call or per-row context for the work of one call, so
 * that an ERROR anywhere in the glue frees what the core handed out with
 * the rest of that context, and 100,000 failing calls leave nothing behind.
 * What must outlive a call (a parsed key kept per call site, the stored
 * keys) is made with its owner's context current, and that owner's reset
 * callback frees the key's OpenSSL objects and wipes its secret.
 */
#include "jwt_auth.h"

#include "utils/memutils.h"

#include "mem.h"

static void *
context_alloc(size_t size)
{
	/* like malloc: NULL rather than an ERROR when memory runs out */
	return MemoryContextAllocExtended(CurrentMemoryContext, size,
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void *
context_realloc(void *ptr, size_t size)
{
	if (ptr == NULL)
		return context_alloc(size);
	/* the chunk stays in its own context, whichever is current */
	return repalloc_huge(ptr, size);
}

static void
context_free(void *ptr)
{
	pfree(ptr);
}

static const jwt_allocator context_allocator = {context_alloc, context_realloc, context_free};

void
jwt_auth_memory_init(void)
{
	jwt_set_allocator(&context_allocator);
}
