/*
 * postings.h — lists of 32-bit numbers in strictly ascending order (the
 * persons of a search key), stored as the gaps between them: a byte for a
 * gap under 128, two under 16 384 (LEB128), instead of four a number.
 *
 * A list is cut in blocks of POSTINGS_BLOCK numbers. Each block after the
 * first has a skip record (its first number, where its bytes start), so a
 * reader looking for a number far ahead jumps over whole blocks instead of
 * reading every gap. The records come first, in reverse order, then the
 * gaps:
 *
 *   [skip of block b] … [skip of block 1] | first number, gaps of block 0 | gaps of block 1 …
 *                                           ^ data (offsets are from here)
 *
 * The first number of a block after the first is in its skip record only.
 * Building is two passes over the same numbers, in order: the first counts
 * the bytes (postings_size, then postings_skips), the second writes them
 * (postings_put) into the place counted.
 */
#ifndef CORE_POSTINGS_H
#define CORE_POSTINGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { POSTINGS_BLOCK = 64, POSTINGS_SKIP = 8 };

/* The bytes the k-th number x of a list takes (prev: the number before it; unused for the first). */
size_t postings_size(uint32_t k, uint32_t prev, uint32_t x);
/* The bytes of the skip records of a list of n numbers. */
size_t postings_skips(uint32_t n);

/* Writes the k-th number x of a list whose data starts at data (its skip records just before), at *at (where
 * the last one ended; data for the first); moves *at past it. */
void postings_put(uint8_t *data, uint8_t **at, uint32_t k, uint32_t prev, uint32_t x);

/* A reader of one list, from its start. */
typedef struct postings_cur {
	const uint8_t *data, *p;
	uint32_t n, k; /* the list's numbers, and how many are read */
	uint32_t x;    /* the last read (valid when k > 0) */
} postings_cur;

/* A reader of the list of n numbers stored at list (where its skip records start). */
void postings_open(postings_cur *c, const uint8_t *list, uint32_t n);
/* The next number in *x; false at the end. Inline: the search reads tens of thousands a query. */
static inline bool postings_next(postings_cur *c, uint32_t *x)
{
	if (c->k >= c->n)
		return false;
	if (c->k && c->k % POSTINGS_BLOCK == 0) { /* a block's first: in its skip record */
		uint32_t off;
		memcpy(&c->x, c->data - (size_t)(c->k / POSTINGS_BLOCK) * POSTINGS_SKIP, 4);
		memcpy(&off, c->data - (size_t)(c->k / POSTINGS_BLOCK) * POSTINGS_SKIP + 4, 4);
		c->p = c->data + off;
	} else {
		uint32_t v = *c->p++;
		if (v & 0x80) {
			v &= 0x7f;
			for (unsigned shift = 7;; shift += 7) {
				uint8_t b = *c->p++;
				v |= (uint32_t)(b & 0x7f) << shift;
				if (!(b & 0x80))
					break;
			}
		}
		c->x = c->k ? c->x + v : v;
	}
	c->k++;
	*x = c->x;
	return true;
}
/* The first number ≥ x from the reader's place (the last read counts: a reader never goes back), in *out, the
 * reader left on it; false when there is none (the reader then at the end). */
bool postings_seek(postings_cur *c, uint32_t x, uint32_t *out);
#endif
