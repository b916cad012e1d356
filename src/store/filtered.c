/*
 * filtered.c — a list's statement with optional filters, made of fixed pieces (store.h: db_filtered).
 *
 * A filter a request does not ask for is not in the statement: the engine plans each set of filters asked with the
 * indexes that serve it, where one statement of the shape `($2 = '' OR col = $2)` is planned once for every value
 * and reads along the structure's whole index. The statements are made from the module's pieces only — never from
 * input — once for each set of clauses asked, and kept for the process (at most 2^nclauses of them).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "store/store.h"
#include "core/banned.h"

typedef struct made {
	db_sql q;
	int nargs;       /* the caller's arguments: the head's after the structure, then one a '?' */
} made;

/* Appends s, each '?' written as the next parameter's number. */
static int put(char *out, size_t cap, size_t *len, const char *s, int *next)
{
	int n = 0;
	for (; *s; s++) {
		int w = *s == '?' ? snprintf(out + *len, cap - *len, "$%d", (*next)++) : snprintf(out + *len, cap - *len, "%c", *s);
		if (w < 0 || (size_t)w >= cap - *len)
			return -1;
		*len += (size_t)w;
		n += *s == '?';
	}
	return n;
}

static made *make(const db_filtered *f, unsigned mask)
{
	size_t cap = strlen(f->head) + strlen(f->tail) + 16;
	for (int i = 0; i < f->nclauses; i++)
		cap += strlen(f->clauses[i]) * 2 + 8; /* a '?' becomes at most "$64" */
	made *m = calloc(1, sizeof *m);
	char *text = malloc(cap);
	if (!m || !text) {
		free(m);
		free(text);
		return NULL;
	}
	size_t len = 0;
	int next = f->head_params + 1, q = 0, w = snprintf(text, cap, "%s", f->head);
	len = (size_t)w;
	for (int i = 0; i < f->nclauses && q >= 0; i++)
		if (mask & (1u << i)) {
			int k = put(text, cap, &len, f->clauses[i], &next);
			q = k < 0 ? -1 : q + k;
		}
	int k = q < 0 ? -1 : put(text, cap, &len, f->tail, &next);
	if (k < 0) {
		free(m);
		free(text);
		return NULL;
	}
	m->q = (db_sql)DB_SQL(f->flags, text);
	m->nargs = f->head_params - ((f->flags & DB_SCOPED) ? 1 : 0) + q + k;
	return m;
}

static made *made_for(db_filtered *f, unsigned mask)
{
	_Atomic(void *) *slots = atomic_load_explicit((_Atomic(void *) *)&f->made, memory_order_acquire);
	if (!slots) {
		_Atomic(void *) *fresh = calloc((size_t)1 << f->nclauses, sizeof *fresh);
		void *expected = NULL;
		if (!fresh)
			return NULL;
		if (atomic_compare_exchange_strong((_Atomic(void *) *)&f->made, &expected, (void *)fresh))
			slots = fresh;
		else {
			free(fresh);
			slots = expected;
		}
	}
	made *m = atomic_load_explicit(&slots[mask], memory_order_acquire);
	if (m)
		return m;
	made *fresh = make(f, mask);
	void *expected = NULL;
	if (!fresh)
		return NULL;
	if (atomic_compare_exchange_strong(&slots[mask], &expected, (void *)fresh))
		return fresh;
	free((char *)fresh->q.text);
	free(fresh);
	return expected;
}

void db_pick_on(db_pick *p, int clause, int nargs, const db_arg *args)
{
	if (clause <= p->last || clause >= 31 || p->n + nargs > DB_PICK_MAX) {
		p->bad = true;
		return;
	}
	p->last = clause;
	p->mask |= 1u << clause;
	for (int i = 0; i < nargs; i++)
		p->args[p->n++] = args[i];
}

void db_pick_arg(db_pick *p, db_arg a)
{
	if (p->mask || p->n >= DB_PICK_MAX) /* the head's arguments come before any clause's */
		p->bad = true;
	else
		p->args[p->n++] = a;
}

err db_query_filtered(db_conn *c, db_filtered *f, const db_pick *p, db_res *r, int ntail, const db_arg *tail)
{
	memset(r, 0, sizeof *r);
	made *m = NULL;
	if (p->bad || f->nclauses > 12 || p->mask >> f->nclauses || p->n + ntail > DB_PICK_MAX) {
		log_error("store: filtered statement asked wrongly (%d clauses, mask %#x, %d arguments)", f->nclauses, p->mask,
		          p->n + ntail);
		return r->status = E_INTERNAL;
	}
	if (!(m = made_for(f, p->mask)))
		return r->status = E_NOMEM;
	if (m->nargs != p->n + ntail) {
		log_error("store: filtered statement %s takes %d arguments, given %d", m->q.text, m->nargs, p->n + ntail);
		return r->status = E_INTERNAL;
	}
	db_arg all[DB_PICK_MAX];
	memcpy(all, p->args, sizeof *all * (size_t)p->n);
	if (ntail)
		memcpy(all + p->n, tail, sizeof *tail * (size_t)ntail);
	return db_query(c, &m->q, r, p->n + ntail, all);
}
