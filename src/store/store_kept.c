/*
 * store_kept.c — the rows of DB_KEPT statements kept in memory (store.h).
 *
 * A kept statement reads a structure's reference lists (its agents, the
 * contact form's motives and partners, the aid rulebooks): the same rows for every request of
 * the structure until one of those lists is written. Every such write
 * raises the structure's reference version in its transaction (triggers),
 * the request reads the version with its session (db_conn_kept_version),
 * and the rows read under a version are the rows of every request that read
 * the same version: they are kept under (statement, structure, arguments,
 * version) and given to the next ones without a statement.
 *
 * The rows are read from the database as usual (a miss), copied into one
 * block, and served from it; the block is kept when it is small. A block is
 * shared by the requests reading it (a count of readers): replacing it in
 * the table never frees it under a reader. Bounded: KEPT_SLOTS places, in
 * sets of KEPT_WAYS (a key goes in its set: its own place, an empty one, or
 * the set's places in turn — two lists of one page falling in one set do not
 * take each other's place at every request), KEPT_BYTES_MAX a block,
 * KEPT_TOTAL_MAX in all.
 */
#include "store/store_engine.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/banned.h"

enum {
	KEPT_SLOTS = 256, KEPT_WAYS = 4, KEPT_SETS = KEPT_SLOTS / KEPT_WAYS,
	KEPT_BYTES_MAX = 64 * 1024, KEPT_TOTAL_MAX = 8 * 1024 * 1024, KEPT_KEY_MAX = KEPT_KEY_LEN
};

typedef struct kept_cell {
	int64_t i;
	uint32_t off, len;
	bool null;
} kept_cell;

struct kept_rows {
	atomic_int refs;
	int nrows, ncols;
	size_t bytes;      /* the whole block */
	size_t keylen;
	const char *key;   /* in the block */
	kept_cell *cells;  /* nrows × ncols, in the block */
	const char *text;  /* the cells' bytes, each followed by a NUL */
};

typedef struct kept_table {
	pthread_mutex_t lock;
	kept_rows *slot[KEPT_SLOTS]; /* set i: slot[i * KEPT_WAYS …] */
	unsigned char turn[KEPT_SETS]; /* the set's place a new key takes when none is free */
	size_t total;
	uint64_t hits, misses;
} kept_table;

static kept_table *table_of(db *d)
{
	/* Made with the database handle's first kept statement; freed with it (kept_free). */
	kept_table *t = atomic_load(&d->kept);
	if (t)
		return t;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	kept_table *none = NULL;
	if (!atomic_compare_exchange_strong(&d->kept, &none, t)) {
		pthread_mutex_destroy(&t->lock);
		free(t);
		return none;
	}
	return t;
}

static void release(kept_rows *k)
{
	if (k && atomic_fetch_sub(&k->refs, 1) == 1)
		free(k);
}

void kept_release(kept_rows *k) { release(k); }

void kept_free(db *d)
{
	kept_table *t = atomic_load(&d->kept);
	if (!t)
		return;
	for (int i = 0; i < KEPT_SLOTS; i++)
		release(t->slot[i]);
	pthread_mutex_destroy(&t->lock);
	free(t);
	d->kept = NULL;
}

/* The key: statement, structure, version, then each argument's kind and value. false when too long (not kept). */
static bool key_of(const db_sql *q, int64_t scope, int64_t version, int nargs, const db_arg *args, char *out, size_t *len)
{
	size_t n = 0;
	int64_t head[3] = {q->id, scope, version};
	memcpy(out, head, sizeof head);
	n += sizeof head;
	for (int i = 0; i < nargs; i++) {
		const db_arg *a = &args[i];
		bool text = a->kind == DBA_TEXT || a->kind == DBA_BLOB;
		size_t vlen = !text ? sizeof a->i : a->kind == DBA_TEXT ? (a->s ? strlen(a->s) : 0) : a->n;
		if (n + 1 + sizeof vlen + vlen > KEPT_KEY_MAX)
			return false;
		out[n++] = (char)(a->kind == DBA_TEXT && !a->s ? DBA_NULL : a->kind);
		memcpy(out + n, &vlen, sizeof vlen);
		n += sizeof vlen;
		if (text) {
			if (vlen)
				memcpy(out + n, a->s, vlen);
		} else {
			memcpy(out + n, &a->i, vlen);
		}
		n += vlen;
	}
	*len = n;
	return true;
}

static uint32_t hash_of(const char *k, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	/* Its high bits mixed into the low ones the set is taken from (keys differing in their last bytes). */
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

kept_rows *kept_find(db_conn *c, const db_sql *q, int nargs, const db_arg *args, char key[KEPT_KEY_LEN], size_t *keylen)
{
	*keylen = 0;
	kept_table *t = table_of(c->d);
	if (!t || !key_of(q, c->scope, c->kept_version, nargs, args, key, keylen)) {
		*keylen = 0;
		return NULL;
	}
	kept_rows *k = NULL;
	kept_rows **set = &t->slot[hash_of(key, *keylen) % KEPT_SETS * KEPT_WAYS];
	pthread_mutex_lock(&t->lock);
	for (int w = 0; w < KEPT_WAYS && !k; w++) {
		kept_rows *s = set[w];
		if (s && s->keylen == *keylen && !memcmp(s->key, key, *keylen)) {
			atomic_fetch_add(&s->refs, 1);
			k = s;
		}
	}
	if (k)
		t->hits++;
	else
		t->misses++;
	pthread_mutex_unlock(&t->lock);
	return k;
}

/* Reads the rest of r's rows (the engine's result, at its first row when has_row) into one block. */
kept_rows *kept_capture(db_conn *c, db_res *r, const char *key, size_t keylen)
{
	const db_engine_ops *ops = c->d->engine == DB_SQLITE ? &db_sqlite_ops : &db_pg_ops;
	int ncols = ops->columns(r);
	size_t cap_rows = 16, nrows = 0, tcap = 1024, tlen = 0;
	kept_cell *cells = malloc(cap_rows * (size_t)(ncols ? ncols : 1) * sizeof *cells);
	char *text = malloc(tcap);
	bool ok = cells && text && ncols >= 0;
	while (ok && ops->next(r)) {
		if (nrows == cap_rows) {
			kept_cell *nc = realloc(cells, cap_rows * 2 * (size_t)(ncols ? ncols : 1) * sizeof *cells);
			if (!nc) {
				ok = false;
				break;
			}
			cells = nc;
			cap_rows *= 2;
		}
		for (int col = 0; col < ncols; col++) {
			kept_cell *x = &cells[nrows * (size_t)ncols + (size_t)col];
			x->null = ops->isnull(r, col);
			x->i = x->null ? 0 : ops->integer(r, col);
			size_t n = 0;
			const char *s = x->null ? NULL : ops->text(r, col, &n);
			if (!s)
				n = 0;
			if (tlen + n + 1 > UINT32_MAX) { /* the cells' offsets are 32 bits: a list of gigabytes is not kept */
				ok = false;
				break;
			}
			if (tlen + n + 1 > tcap) {
				while (tlen + n + 1 > tcap)
					tcap *= 2;
				char *nt = realloc(text, tcap);
				if (!nt) {
					ok = false;
					break;
				}
				text = nt;
			}
			x->off = (uint32_t)tlen;
			x->len = (uint32_t)n;
			if (n)
				memcpy(text + tlen, s, n);
			tlen += n;
			text[tlen++] = '\0';
		}
		nrows += ok;
	}
	if (r->status != E_OK)
		ok = false;
	size_t ncells = nrows * (size_t)ncols;
	size_t bytes = sizeof(kept_rows) + keylen + ncells * sizeof(kept_cell) + tlen + 16;
	kept_rows *k = ok ? malloc(bytes) : NULL;
	if (k) {
		char *p = (char *)(k + 1);
		atomic_init(&k->refs, 1);
		k->nrows = (int)nrows;
		k->ncols = ncols;
		k->bytes = bytes;
		k->keylen = keylen;
		/* cells first (their alignment is the block's), then the key and the bytes */
		k->cells = (kept_cell *)p;
		if (ncells)
			memcpy(k->cells, cells, ncells * sizeof *cells);
		p += ncells * sizeof(kept_cell);
		if (keylen)
			memcpy(p, key, keylen);
		k->key = p;
		p += keylen;
		if (tlen)
			memcpy(p, text, tlen);
		k->text = p;
	}
	free(cells);
	free(text);
	kept_table *t = keylen && k && bytes <= KEPT_BYTES_MAX ? table_of(c->d) : NULL;
	if (t) {
		uint32_t si = hash_of(key, keylen) % KEPT_SETS;
		kept_rows **set = &t->slot[si * KEPT_WAYS], **s = NULL;
		pthread_mutex_lock(&t->lock);
		/* Its own place (read again meanwhile by another request), else an empty one, else the set's turn. */
		for (int w = 0; w < KEPT_WAYS && !s; w++)
			if (set[w] && set[w]->keylen == keylen && !memcmp(set[w]->key, key, keylen))
				s = &set[w];
		for (int w = 0; w < KEPT_WAYS && !s; w++)
			if (!set[w])
				s = &set[w];
		if (!s)
			s = &set[t->turn[si]++ % KEPT_WAYS];
		size_t old = *s ? (*s)->bytes : 0;
		if (t->total - old + bytes <= KEPT_TOTAL_MAX) {
			kept_rows *was = *s;
			atomic_fetch_add(&k->refs, 1); /* the table's */
			*s = k;
			t->total = t->total - old + bytes;
			release(was);
		}
		pthread_mutex_unlock(&t->lock);
	}
	return k;
}

bool kept_next(db_res *r)
{
	const kept_rows *k = r->kept;
	if (r->row + 1 >= k->nrows) {
		r->row = k->nrows;
		return false;
	}
	r->row++;
	return true;
}

static const kept_cell *cell(const db_res *r, int col)
{
	const kept_rows *k = r->kept;
	if (r->row < 0 || r->row >= k->nrows || col < 0 || col >= k->ncols)
		return NULL;
	return &k->cells[(size_t)r->row * (size_t)k->ncols + (size_t)col];
}

bool kept_isnull(db_res *r, int col)
{
	const kept_cell *x = cell(r, col);
	return !x || x->null;
}

int64_t kept_int(db_res *r, int col)
{
	const kept_cell *x = cell(r, col);
	return x ? x->i : 0;
}

const char *kept_text(db_res *r, int col, size_t *n)
{
	const kept_cell *x = cell(r, col);
	*n = x && !x->null ? x->len : 0;
	return x && !x->null ? ((const kept_rows *)r->kept)->text + x->off : NULL;
}

void kept_stats(db *d, uint64_t *hits, uint64_t *misses)
{
	*hits = *misses = 0;
	kept_table *t = atomic_load(&d->kept);
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	*hits = t->hits;
	*misses = t->misses;
	pthread_mutex_unlock(&t->lock);
}
