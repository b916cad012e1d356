/* postings.c — see postings.h. */
#include <string.h>
#include "core/postings.h"
#include "core/banned.h"

static size_t varint_size(uint32_t v) { return v < 1u << 7 ? 1 : v < 1u << 14 ? 2 : v < 1u << 21 ? 3 : v < 1u << 28 ? 4 : 5; }

size_t postings_size(uint32_t k, uint32_t prev, uint32_t x)
{
	if (k == 0)
		return varint_size(x);
	return k % POSTINGS_BLOCK ? varint_size(x - prev) : 0; /* a block's first: in its skip record */
}

size_t postings_skips(uint32_t n) { return n ? (size_t)((n - 1) / POSTINGS_BLOCK) * POSTINGS_SKIP : 0; }

/* Block b's skip record (b ≥ 1): its first number, the offset of its gaps from data. */
static void skip_get(const uint8_t *data, uint32_t b, uint32_t *first, uint32_t *off)
{
	memcpy(first, data - (size_t)b * POSTINGS_SKIP, 4);
	memcpy(off, data - (size_t)b * POSTINGS_SKIP + 4, 4);
}

static uint32_t skip_first(const uint8_t *data, uint32_t b)
{
	uint32_t v;
	memcpy(&v, data - (size_t)b * POSTINGS_SKIP, 4);
	return v;
}

void postings_put(uint8_t *data, uint8_t **at, uint32_t k, uint32_t prev, uint32_t x)
{
	if (k && k % POSTINGS_BLOCK == 0) {
		uint32_t off = (uint32_t)(*at - data);
		memcpy(data - (size_t)(k / POSTINGS_BLOCK) * POSTINGS_SKIP, &x, 4);
		memcpy(data - (size_t)(k / POSTINGS_BLOCK) * POSTINGS_SKIP + 4, &off, 4);
		return;
	}
	uint32_t v = k ? x - prev : x;
	uint8_t *p = *at;
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	*at = p;
}

void postings_open(postings_cur *c, const uint8_t *list, uint32_t n)
{
	c->data = c->p = list + postings_skips(n);
	c->n = n;
	c->k = 0;
	c->x = 0;
}

bool postings_seek(postings_cur *c, uint32_t x, uint32_t *out)
{
	if (c->k && c->x >= x) {
		*out = c->x;
		return true;
	}
	/* The last block after the reader's whose first number is ≤ x (galloping over the skip records, then
	 * halving): the number looked for is in it, or the next block's first. */
	uint32_t nb = (uint32_t)(((uint64_t)c->n + POSTINGS_BLOCK - 1) / POSTINGS_BLOCK);
	uint32_t lo = c->k ? (c->k - 1) / POSTINGS_BLOCK + 1 : 1;
	if (lo < nb && skip_first(c->data, lo) <= x) {
		uint32_t step = 1, hi = lo + 1;
		while (hi < nb && skip_first(c->data, hi) <= x) {
			lo = hi;
			step *= 2;
			hi = lo + step;
		}
		if (hi > nb)
			hi = nb;
		while (hi - lo > 1) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (skip_first(c->data, mid) <= x)
				lo = mid;
			else
				hi = mid;
		}
		uint32_t off;
		skip_get(c->data, lo, &c->x, &off);
		c->p = c->data + off;
		c->k = lo * POSTINGS_BLOCK + 1;
		if (c->x >= x) {
			*out = c->x;
			return true;
		}
	}
	uint32_t v;
	while (postings_next(c, &v))
		if (v >= x) {
			*out = v;
			return true;
		}
	return false;
}
