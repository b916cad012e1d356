/*
 * keyset.h — a set of non-zero 64-bit keys (hashes, numbers): open
 * addressing, grown at three quarters full, 8 bytes a slot. The imports
 * keep in it what they have seen or what the base already has.
 */
#ifndef CORE_KEYSET_H
#define CORE_KEYSET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct keyset {
	uint64_t *v; /* cap slots, 0 an empty one */
	size_t cap, n;
} keyset;

/* Adds k (not 0): 1 when it was there, 0 when added, -1 without memory (the set unchanged). */
int keyset_put(keyset *s, uint64_t k);
bool keyset_has(const keyset *s, uint64_t k);
void keyset_free(keyset *s);
#endif
