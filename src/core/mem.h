/*
 * mem.h — how the core allocates: only through these hooks
 *
 * Every byte the core hands out or keeps comes from jwt_malloc and friends.
 * They call malloc by default (the unit tests and fuzzers, where
 * LeakSanitizer sees every block); the extension points them at the
 * current PostgreSQL memory context, so that an ERROR raised in the glue
 * between a core call and its jwt_free strands nothing: the context goes,
 * and the core memory with it. Secrets the core keeps (a key's bytes) are
 * wiped by jwt_key_free, which the glue calls from a memory-context reset
 * callback wherever a key outlives a call. OpenSSL's own objects (EVP_PKEY
 * and its contexts) are OpenSSL's to allocate; the same callbacks free them.
 */
#ifndef JWT_AUTH_MEM_H
#define JWT_AUTH_MEM_H

#include <stddef.h>

typedef struct jwt_allocator
{
	void	   *(*alloc) (size_t size);	/* NULL when out of memory */
	void	   *(*realloc) (void *ptr, size_t size);	/* ptr may be NULL */
	void		(*free) (void *ptr);	/* ptr is never NULL */
} jwt_allocator;

/* use these hooks from now on; NULL restores malloc, realloc and free */
extern void jwt_set_allocator(const jwt_allocator *allocator);

extern void *jwt_malloc(size_t size);
extern void *jwt_calloc(size_t n, size_t size);
extern void *jwt_realloc(void *ptr, size_t size);
extern void jwt_free(void *ptr);	/* NULL is fine */

#endif
