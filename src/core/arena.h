/*
 * arena.h — region allocator: one per request, released in one go.
 *
 * Invariants: every pointer returned lives until arena_release(); nothing
 * allocated from an arena is freed individually. Allocation sizes are checked
 * for overflow before any memory is touched. On exhaustion of the process
 * memory, allocation returns NULL and sets a->failed; callers may check the
 * flag once at the end of a request (the SQLite way: set once, check late).
 *
 * An arena may be capped (a->cap bytes in all) so that a request cannot make
 * the process allocate without bound.
 */
#ifndef CORE_ARENA_H
#define CORE_ARENA_H
#include <stddef.h>
#include <stdbool.h>

typedef struct arena_block arena_block;
typedef struct arena {
	arena_block *head;
	size_t used_total;   /* bytes handed out by malloc so far */
	size_t cap;          /* 0 = no cap */
	bool failed;         /* an allocation failed at least once */
} arena;

void arena_init(arena *a, size_t cap);
/* Frees every block; the arena may be reused after arena_init. */
void arena_release(arena *a);

/* Returns n zeroed bytes aligned for any type, or NULL (a->failed set). */
void *arena_alloc(arena *a, size_t n);
/* Overflow-checked n * size. */
void *arena_array(arena *a, size_t n, size_t size);
/* Copies of strings; NULL in gives NULL out. The copy is NUL-terminated. */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
/* printf into the arena; never truncates. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growing array in the arena: *arr holds *n elements of size bytes with
 * room for *cap; returns the new last element (zeroed), moving the array
 * to a block twice as large when full (the old one stays in the arena:
 * amortised, at most twice the memory). NULL (a->failed set) when memory
 * runs out; *n is then unchanged.
 *
 *   row *rows = NULL; int n = 0, cap = 0;
 *   while (db_next(&q)) { row *r = ARENA_PUSH(a, rows, n, cap); if (!r) break; … }
 */
void *arena_push(arena *a, void **arr, int *n, int *cap, size_t size);
#define ARENA_PUSH(a, arr, n, cap) ((__typeof__(arr))arena_push((a), (void **)&(arr), &(n), &(cap), sizeof *(arr)))

/* Test hook (fault injection): fail the Nth allocation from now, 0 = never. */
void arena_fail_after(long n);
/* Test hook: the allocations still to make before that failure (0: it happened, or none armed). */
long arena_fail_pending(void);
#endif
