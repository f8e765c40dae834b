/*
 * mem.c — the core's allocation hooks (see mem.h)
 */
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
libc_free(void *ptr)
{
	free(ptr);
}

static const jwt_allocator libc_allocator = {malloc, realloc, libc_free};
static const jwt_allocator *current = &libc_allocator;

void
jwt_set_allocator(const jwt_allocator *allocator)
{
	current = allocator ? allocator : &libc_allocator;
}

void *
jwt_malloc(size_t size)
{
	return current->alloc(size ? size : 1);
}

void *
jwt_calloc(size_t n, size_t size)
{
	void	   *p;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	if ((p = jwt_malloc(n * size)) != NULL)
		memset(p, 0, n * size);
	return p;
}

void *
jwt_realloc(void *ptr, size_t size)
{
	return current->realloc(ptr, size ? size : 1);
}

void
jwt_free(void *ptr)
{
	if (ptr != NULL)
		current->free(ptr);
}
