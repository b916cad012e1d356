/*
 * arena.c — region allocator (see arena.h). Blocks grow geometrically so a
 * typical page costs two or three malloc calls; big requests get their own
 * block so a single upload does not waste a doubling.
 */
#include "arena.h"
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include "banned.h"

struct arena_block {
	arena_block *next;
	size_t size, used;
	max_align_t data[];
};

#define ARENA_FIRST 8192u
static _Atomic long fail_countdown;

void arena_fail_after(long n) { atomic_store(&fail_countdown, n); }
long arena_fail_pending(void) { return atomic_load(&fail_countdown); }

static bool injected_failure(void)
{
	long n = atomic_load(&fail_countdown);
	if (n <= 0)
		return false;
	if (atomic_fetch_sub(&fail_countdown, 1) == 1)
		return true;
	return false;
}

void arena_init(arena *a, size_t cap)
{
	a->head = NULL;
	a->used_total = 0;
	a->cap = cap;
	a->failed = false;
}

void arena_release(arena *a)
{
	arena_block *b = a->head;
	while (b) {
		arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->used_total = 0;
}

void *arena_alloc(arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / 2) {
		a->failed = true;
		return NULL;
	}
	n = (n + align - 1) & ~(align - 1);
	arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = b ? b->size * 2 : ARENA_FIRST;
		if (size < n)
			size = n;
		if (size > 4u * 1024 * 1024 && n < size)
			size = n > 4u * 1024 * 1024 ? n : 4u * 1024 * 1024;
		if ((a->cap && a->used_total + size > a->cap) || injected_failure()) {
			a->failed = true;
			return NULL;
		}
		arena_block *nb = malloc(sizeof *nb + size);
		if (!nb) {
			a->failed = true;
			return NULL;
		}
		nb->size = size;
		nb->used = 0;
		a->used_total += size;
		if (b && b->size - b->used > size - n) {
			/* The current block has more room than the new one will keep:
			 * put the new block second so small allocations go on here. */
			nb->next = b->next;
			b->next = nb;
			nb->used = n;
			return memset(nb->data, 0, n);
		}
		nb->next = b;
		a->head = b = nb;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	return memset(p, 0, n);
}

void *arena_array(arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		a->failed = true;
		return NULL;
	}
	return arena_alloc(a, n * size);
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = arena_alloc(a, n + 1);
	if (p)
		memcpy(p, s, n);
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *arena_push(arena *a, void **arr, int *n, int *cap, size_t size)
{
	if (*n == *cap) {
		if (*cap > INT_MAX / 2) {
			a->failed = true;
			return NULL;
		}
		int nc = *cap ? *cap * 2 : 16;
		void *p = arena_array(a, (size_t)nc, size);
		if (!p)
			return NULL;
		if (*n)
			memcpy(p, *arr, (size_t)*n * size);
		*arr = p;
		*cap = nc;
	}
	return (char *)*arr + (size_t)(*n)++ * size;
}
