/* keyset.c — see keyset.h. */
#include <stdlib.h>
#include "core/keyset.h"
#include "core/banned.h"

/* Keys may be small consecutive numbers as well as hashes: mixed before they pick a slot. */
static size_t slot(uint64_t k, size_t cap) { return (size_t)((k * 0x9E3779B97F4A7C15u) >> 20) & (cap - 1); }

static bool grow(keyset *s)
{
	size_t nc = s->cap ? s->cap * 2 : 1024;
	uint64_t *g = calloc(nc, sizeof *g);
	if (!g)
		return false;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i])
			for (size_t j = slot(s->v[i], nc);; j = (j + 1) & (nc - 1))
				if (!g[j]) {
					g[j] = s->v[i];
					break;
				}
	free(s->v);
	s->v = g;
	s->cap = nc;
	return true;
}

int keyset_put(keyset *s, uint64_t k)
{
	if (keyset_has(s, k))
		return 1;
	if ((s->n + 1) * 4 > s->cap * 3 && !grow(s))
		return -1;
	size_t j = slot(k, s->cap);
	while (s->v[j])
		j = (j + 1) & (s->cap - 1);
	s->v[j] = k;
	s->n++;
	return 0;
}

bool keyset_has(const keyset *s, uint64_t k)
{
	for (size_t j = s->cap ? slot(k, s->cap) : 0; s->cap && s->v[j]; j = (j + 1) & (s->cap - 1))
		if (s->v[j] == k)
			return true;
	return false;
}

void keyset_free(keyset *s)
{
	free(s->v);
	*s = (keyset){0};
}
