/*
 * store.c — engine-independent part of the store: URL parsing, the
 * connection pool, statement ids, the structure-scope guard, migrations.
 * See store.h for the contract.
 */
#include "store_engine.h"
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "core/log.h"
#include "core/civil.h"
#include "core/banned.h"

static _Atomic int next_sql_id;
static _Atomic long fail_countdown;

static _Atomic long fail_run;

void db_fail_after(long n) { atomic_store(&fail_countdown, n); }
void db_fail_next(long n) { atomic_store(&fail_run, n); }
long db_fail_pending(void) { return atomic_load(&fail_countdown); }

static bool injected(void)
{
	if (atomic_load(&fail_run) > 0 && atomic_fetch_sub(&fail_run, 1) > 0)
		return true;
	long n = atomic_load(&fail_countdown);
	return n > 0 && atomic_fetch_sub(&fail_countdown, 1) == 1;
}

static const db_engine_ops *ops_of(const db *d)
{
	return d->engine == DB_SQLITE ? &db_sqlite_ops : &db_pg_ops;
}

static err durable(db_conn *c);

/* A statement's failure counts against the request (the router answers an error instead of its page); a conflict or
 * a refusal is the caller's to answer. */
static void failed(db_conn *c, err e)
{
	if (e == E_DB || e == E_INTERNAL || e == E_NOMEM || e == E_UNSURE)
		c->failures++;
	if (e == E_UNSURE)
		c->unsure = true;
}

db *db_open(const char *url, int pool_size, const char **why)
{
	*why = NULL;
	db *d = calloc(1, sizeof *d);
	if (!d) {
		*why = "mémoire insuffisante";
		return NULL;
	}
	if (!strncmp(url, "sqlite:", 7)) {
		d->engine = DB_SQLITE;
		d->target = strdup(url + 7);
	} else if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11)) {
		d->engine = DB_POSTGRES;
		d->target = strdup(url);
	} else {
		free(d);
		*why = "adresse de base inconnue : utilisez sqlite:CHEMIN ou postgresql://…";
		return NULL;
	}
	d->sync_full = true;
	d->max = pool_size > 0 ? pool_size : 8;
	d->idle = calloc((size_t)d->max, sizeof *d->idle);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	pthread_mutex_init(&d->write_lock, NULL);
	pthread_rwlock_init(&d->scoped_lock, NULL);
	pthread_mutex_init(&d->flush_lock, NULL);
	pthread_cond_init(&d->flush_cond, NULL);
	pthread_condattr_t mono; /* later_cond: the syncer's wait for more commits is timed on the monotonic clock */
	pthread_condattr_init(&mono);
	pthread_condattr_setclock(&mono, CLOCK_MONOTONIC);
	pthread_cond_init(&d->later_cond, &mono);
	pthread_condattr_destroy(&mono);
	pthread_mutex_init(&d->ckpt_lock, NULL);
	pthread_cond_init(&d->ckpt_cond, NULL);
	d->wal_fd = -1;
	/* Open one connection now so a wrong URL fails before serving. */
	db_conn *c = db_conn_get(d);
	if (!c) {
		*why = d->engine == DB_SQLITE ? "impossible d’ouvrir le fichier de base de données"
		                              : "impossible de se connecter à PostgreSQL";
		db_close_all(d);
		return NULL;
	}
	db_conn_put(c);
	return d;
}

void db_set_sync_full(db *d, bool full) { d->sync_full = full; }
db_engine db_engine_of(const db *d) { return d->engine; }
db_engine db_conn_engine(const db_conn *c) { return c->d->engine; }

static void conn_free(db_conn *c)
{
	ops_of(c->d)->disconnect(c);
	free(c->prepared);
	free(c);
}

void db_close_all(db *d)
{
	if (!d)
		return;
	if (d->engine == DB_SQLITE) {
		sq_syncer_stop(d);
		sq_checkpoints_stop(d);
	}
	for (int i = 0; i < d->nidle; i++)
		conn_free(d->idle[i]);
	uint64_t hits = 0, misses = 0;
	kept_stats(d, &hits, &misses);
	if (hits || misses) /* a list read at every request shows here: its keys kept, or taking each other's place */
		log_info("store: kept lists: %llu answered from memory, %llu read from the database", (unsigned long long)hits,
		         (unsigned long long)misses);
	kept_free(d);
	for (int i = 0; i < d->nscoped; i++)
		free(d->scoped[i]);
	free(d->scoped);
	free(d->idle);
	free(d->target);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->write_lock);
	pthread_rwlock_destroy(&d->scoped_lock);
	pthread_mutex_destroy(&d->flush_lock);
	pthread_cond_destroy(&d->flush_cond);
	pthread_cond_destroy(&d->later_cond);
	pthread_mutex_destroy(&d->ckpt_lock);
	pthread_cond_destroy(&d->ckpt_cond);
	if (d->wal_fd >= 0)
		close(d->wal_fd);
	if (d->written)
		log_info("store: %llu commits, %llu syncs of the WAL, %llu checkpoints", (unsigned long long)d->written,
		         (unsigned long long)d->syncs, (unsigned long long)d->ckpts);
	free(d);
}

db_conn *db_conn_get(db *d)
{
	pthread_mutex_lock(&d->lock);
	while (d->nidle == 0 && d->nopen >= d->max)
		pthread_cond_wait(&d->cond, &d->lock);
	if (d->nidle) {
		db_conn *c = d->idle[--d->nidle];
		pthread_mutex_unlock(&d->lock);
		return c;
	}
	d->nopen++;
	pthread_mutex_unlock(&d->lock);
	db_conn *c = calloc(1, sizeof *c);
	if (c) {
		c->d = d;
		c->kept_version = -1;
		if (ops_of(d)->connect(c) != E_OK) {
			free(c);
			c = NULL;
		}
	}
	if (!c) {
		pthread_mutex_lock(&d->lock);
		d->nopen--;
		pthread_cond_signal(&d->cond);
		pthread_mutex_unlock(&d->lock);
	}
	return c;
}

void db_conn_put(db_conn *c)
{
	if (!c)
		return;
	db *d = c->d;
	if (c->in_tx)
		db_rollback(c);
	db_snapshot_end(c);
	if (c->defer) {
		/* The caller waits (db_conn_ticket, db_durable_later). */
		if (c->ticket)
			c->last_commit = c->ticket;
		c->ticket = 0;
		c->defer = false;
	} else {
		durable(c); /* a write made outside a transaction is on disk before the answer */
	}
	c->scope = 0;
	c->kept_version = -1;
	c->failures = 0;
	c->unsure = false;
	c->wrote = false;
	c->strict = false;
	c->statements = 0;
	c->steps = 0;
	if (!ops_of(d)->healthy(c)) {
		/* A broken connection (server restarted) is dropped, not reused. */
		conn_free(c);
		pthread_mutex_lock(&d->lock);
		d->nopen--;
		pthread_cond_signal(&d->cond);
		pthread_mutex_unlock(&d->lock);
		return;
	}
	pthread_mutex_lock(&d->lock);
	d->idle[d->nidle++] = c;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

void db_conn_scope(db_conn *c, int64_t structure_id) { c->scope = structure_id; }
void db_conn_kept_version(db_conn *c, int64_t version) { c->kept_version = version >= 0 ? version : -1; }
void db_kept_stats(db *d, uint64_t *hits, uint64_t *misses) { kept_stats(d, hits, misses); }
int db_conn_failures(const db_conn *c) { return c->failures; }
bool db_conn_unsure(const db_conn *c) { return c->unsure; }
bool db_conn_wrote(const db_conn *c) { return c->wrote; }
void db_conn_strict(db_conn *c) { c->strict = true; }
int db_conn_statements(const db_conn *c) { return c->statements; }
int64_t db_conn_steps(const db_conn *c) { return c->d->engine == DB_SQLITE ? c->steps : -1; }
uint64_t db_conn_last_commit(const db_conn *c) { return c->last_commit; }

void db_sync_stats(db *d, db_sync_info *out)
{
	pthread_mutex_lock(&d->flush_lock);
	out->written = d->written;
	out->synced = d->synced;
	out->syncs = d->syncs;
	out->failed = d->flush_errors > 0;
	pthread_mutex_unlock(&d->flush_lock);
}

int64_t db_conn_structure(const db_conn *c) { return c->scope; }
bool db_in_tx(const db_conn *c) { return c->in_tx; }
uint64_t db_conn_tx(const db_conn *c) { return c->in_tx ? c->txs : 0; }

/* SQLite allows one writer; threads of this process that all ask at once
 * would fall back on the busy handler, which sleeps in steps of up to
 * 100 ms and makes the tail latency. So writers of one process queue on
 * a mutex first: the busy handler is left for other processes. */
static void write_release(db_conn *c)
{
	if (c->holds_write) {
		c->holds_write = false;
		pthread_mutex_unlock(&c->d->write_lock);
		atomic_fetch_sub(&c->d->writers, 1);
	}
}

void db_snapshot(db_conn *c)
{
	if (c->d->engine != DB_SQLITE || c->in_tx || c->snapshot)
		return;
	if (ops_of(c->d)->simple(c, "BEGIN") == E_OK)
		c->snapshot = true;
}

void db_snapshot_end(db_conn *c)
{
	if (!c->snapshot)
		return;
	c->snapshot = false;
	/* A read transaction: its COMMIT writes nothing. */
	if (ops_of(c->d)->simple(c, "COMMIT") != E_OK)
		ops_of(c->d)->simple(c, "ROLLBACK");
}

err db_begin(db_conn *c, bool write)
{
	if (c->in_tx)
		return E_INTERNAL;
	if (write && c->strict && c->failures > 0) {
		/* What it would write rests on a read that failed (taken for « none », a default): not written, and the
		 * request's answer (an error) tells the truth. */
		log_error("store: a write refused after a failed statement of the same request");
		return E_DB;
	}
	db_snapshot_end(c);
	if (write)
		c->kept_version = -1; /* what the request writes is read from the database */
	if (write && c->d->engine == DB_SQLITE) {
		atomic_fetch_add(&c->d->writers, 1);
		pthread_mutex_lock(&c->d->write_lock);
		c->holds_write = true;
	}
	err e = injected() ? E_DB : ops_of(c->d)->simple(c, write ? ops_of(c->d)->begin_write : "BEGIN");
	if (e == E_OK) {
		c->in_tx = true, c->write_tx = write, c->tx_failures = c->failures, c->txs++;
	} else {
		write_release(c);
		failed(c, e); /* the request's failure: a read whose journal entry could not begin is not served */
	}
	return e;
}

err db_exec_ddl(db_conn *c, const char *sqlite_sql, const char *pg_sql)
{
	db_snapshot_end(c);
	const char *sql = c->d->engine == DB_SQLITE ? sqlite_sql : pg_sql;
	err e = sql ? ops_of(c->d)->simple(c, sql) : E_INTERNAL;
	if (e != E_OK)
		c->failures++;
	return e;
}

err db_finish(db_conn *c, err e)
{
	if (e == E_OK)
		return db_commit(c);
	db_rollback(c);
	return e;
}

err db_part_begin(db_conn *c, const char *name)
{
	if (!c->in_tx)
		return E_INTERNAL;
	char sql[96];
	snprintf(sql, sizeof sql, "SAVEPOINT %s", name);
	return ops_of(c->d)->simple(c, sql);
}

err db_part_end(db_conn *c, const char *name, bool keep)
{
	char sql[128];
	if (!keep) {
		snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT %s", name);
		if (ops_of(c->d)->simple(c, sql) != E_OK)
			return E_DB;
		c->tx_failures = c->failures; /* what failed in the part is undone with it */
	}
	snprintf(sql, sizeof sql, "RELEASE SAVEPOINT %s", name);
	return ops_of(c->d)->simple(c, sql) == E_OK ? E_OK : E_DB;
}

/* Waits until the commits of c are on disk (SQLite's group commit: the
 * write lock is already released, so other writers go on meanwhile). */
static err durable(db_conn *c)
{
	if (!c->ticket || !ops_of(c->d)->durable)
		return E_OK;
	err e = ops_of(c->d)->durable(c);
	c->last_commit = c->ticket;
	c->ticket = 0;
	return e;
}

err db_commit(db_conn *c)
{
	if (!c->in_tx)
		return E_INTERNAL;
	const db_engine_ops *ops = ops_of(c->d);
	/* A statement failed in the transaction and the caller went on (a lookup's error taken for « none »): never
	 * committed — as PostgreSQL, which ends a transaction at its first error; SQLite would commit what followed,
	 * and the request answer that nothing was written. A part undone (db_part_end) takes its failures with it. */
	if (c->failures > c->tx_failures) {
		log_error("store: a statement failed in the transaction and it was not undone: rolled back");
		db_rollback(c);
		return E_DB;
	}
	/* PostgreSQL: the commit and the wait for its sync in one round trip when the caller waits for it. */
	bool at_once = c->write_tx && !c->defer && ops->durable_after_write && ops->commit_durable;
	err e = injected() ? E_DB : at_once ? ops->commit_durable(c) : ops->simple(c, "COMMIT");
	if (e != E_OK) {
		ops->simple(c, "ROLLBACK");
		failed(c, e); /* what was written is not: a page built on it is an error */
	}
	c->in_tx = false;
	write_release(c);
	if (e == E_OK && c->write_tx)
		c->wrote = true;
	if (e == E_OK && c->write_tx && ops->durable_after_write && !at_once)
		c->ticket = 1;
	c->write_tx = false;
	if (e == E_OK && !c->defer) {
		/* Committed: its sync refused, it is written but not known kept — never « nothing was changed ». */
		if (durable(c) != E_OK)
			e = E_UNSURE;
		failed(c, e);
	}
	return e;
}

/* Only where the engine can wait without the connection (SQLite): PostgreSQL's wait is a statement on it. */
void db_conn_defer(db_conn *c) { c->defer = ops_of(c->d)->durable_later != NULL; }
uint64_t db_conn_ticket(const db_conn *c) { return c->ticket; }

int db_durable_later(db *d, db_wait *w)
{
	if (!w->ticket || !ops_of(d)->durable_later)
		return 1;
	return ops_of(d)->durable_later(d, w);
}

bool db_durable_cancel(db *d, db_wait *w)
{
	return !ops_of(d)->durable_cancel || ops_of(d)->durable_cancel(d, w);
}

void db_rollback(db_conn *c)
{
	if (!c->in_tx)
		return;
	ops_of(c->d)->simple(c, "ROLLBACK");
	c->in_tx = false;
	c->write_tx = false;
	write_release(c);
}

/* ---- the structure-scope guard ---------------------------------------- */

static bool names_scoped_table(db *d, const char *sql, char *which, size_t wlen)
{
	bool found = false;
	pthread_rwlock_rdlock(&d->scoped_lock);
	const char *p = sql;
	while (*p && !found) {
		if (*p == '\'') { /* skip string literals */
			p++;
			while (*p && *p != '\'')
				p++;
			if (*p)
				p++;
			continue;
		}
		if (isalpha((unsigned char)*p) || *p == '_') {
			const char *s = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			size_t n = (size_t)(p - s);
			for (int i = 0; i < d->nscoped; i++)
				if (strlen(d->scoped[i]) == n && !strncasecmp(d->scoped[i], s, n)) {
					snprintf(which, wlen, "%s", d->scoped[i]);
					found = true;
					break;
				}
			continue;
		}
		p++;
	}
	pthread_rwlock_unlock(&d->scoped_lock);
	return found;
}

static int sql_id(db_sql *q)
{
	int id = atomic_load_explicit((_Atomic int *)&q->id, memory_order_acquire);
	if (id)
		return id;
	int fresh = atomic_fetch_add(&next_sql_id, 1) + 1;
	int expected = 0;
	if (!atomic_compare_exchange_strong((_Atomic int *)&q->id, &expected, fresh))
		return expected;
	return fresh;
}

static err prepare(db_conn *c, db_sql *q, int *idp)
{
	int id = sql_id(q);
	*idp = id;
	if (id >= c->nprepared) {
		int n = c->nprepared ? c->nprepared : 256;
		while (n <= id)
			n *= 2;
		void **grown = realloc(c->prepared, sizeof *grown * (size_t)n);
		if (!grown)
			return E_NOMEM;
		memset(grown + c->nprepared, 0, sizeof *grown * (size_t)(n - c->nprepared));
		c->prepared = grown;
		c->nprepared = n;
	}
	if (c->prepared[id])
		return E_OK;
	char table[64];
	if (!(q->flags & (DB_SCOPED | DB_GLOBAL)) && names_scoped_table(c->d, q->text, table, sizeof table)) {
		log_error("store: statement %d names scoped table %s without DB_SCOPED: refused", id, table);
		return E_INTERNAL;
	}
	if ((q->flags & DB_SCOPED) && (!strstr(q->text, "structure_id") || !strstr(q->text, "$1"))) {
		log_error("store: DB_SCOPED statement %d does not filter structure_id = $1", id);
		return E_INTERNAL;
	}
	return ops_of(c->d)->prepare(c, q, q->text);
}

err db_query(db_conn *c, db_sql *q, db_res *r, int nargs, const db_arg *args)
{
	memset(r, 0, sizeof *r);
	r->c = c;
	r->row = -1;
	if (c->kept_version >= 0 && q->text && strncasecmp(q->text, "SELECT", 6))
		c->kept_version = -1; /* a write outside a transaction: the request's own writes are read from the database */
	char key[KEPT_KEY_LEN];
	size_t keylen = 0;
	bool keep = (q->flags & DB_KEPT) && (q->flags & DB_SCOPED) && c->kept_version >= 0 && c->scope > 0;
	if (keep) {
		sql_id(q); /* the key's first part */
		kept_rows *k = kept_find(c, q, nargs, args, key, &keylen);
		if (k) {
			r->kept = k;
			return E_OK;
		}
	}
	if (injected()) {
		r->status = E_DB;
		c->failures++;
		return E_DB;
	}
	int id;
	c->statements++;
	err e = prepare(c, q, &id);
	if (e != E_OK) {
		r->status = e;
		c->failures++;
		return e;
	}
	db_arg all[DB_MAX_ARGS];
	if (nargs + 1 > DB_MAX_ARGS)
		return r->status = E_INTERNAL;
	if (q->flags & DB_SCOPED) {
		if (c->scope <= 0) {
			log_error("store: scoped statement %d run without a structure", id);
			c->failures++;
			return r->status = E_INTERNAL;
		}
		all[0] = A_INT(c->scope);
		if (nargs)
			memcpy(all + 1, args, sizeof *args * (size_t)nargs);
		args = all;
		nargs++;
	}
	e = ops_of(c->d)->run(c, q, r, nargs, args);
	r->status = e;
	if (e == E_DB || e == E_INTERNAL || e == E_NOMEM)
		c->failures++;
	if (e == E_OK && keep && keylen) {
		/* Read whole now, served from memory; kept for the next requests of this version (a key too long to keep:
		 * read from the engine as any statement). */
		kept_rows *k = kept_capture(c, r, key, keylen);
		if (!k && r->status == E_OK)
			r->status = E_NOMEM;
		ops_of(c->d)->close(r);
		if (!k) {
			c->failures++;
			return r->status;
		}
		r->kept = k;
		r->row = -1;
		r->status = E_OK;
	}
	return e;
}

bool db_next(db_res *r)
{
	if (r->status != E_OK)
		return false;
	if (r->kept)
		return kept_next(r);
	return ops_of(r->c->d)->next(r);
}

void db_close(db_res *r)
{
	if (r->kept) {
		kept_release(r->kept);
		r->kept = NULL;
	} else if (r->c) {
		ops_of(r->c->d)->close(r);
	}
	r->c = NULL;
}

bool db_isnull(db_res *r, int col) { return r->kept ? kept_isnull(r, col) : ops_of(r->c->d)->isnull(r, col); }
int64_t db_int(db_res *r, int col) { return r->kept ? kept_int(r, col) : ops_of(r->c->d)->integer(r, col); }

static const char *text_of(db_res *r, int col, size_t *n)
{
	return r->kept ? kept_text(r, col, n) : ops_of(r->c->d)->text(r, col, n);
}

const char *db_text(db_res *r, int col)
{
	size_t n;
	const char *s = text_of(r, col, &n);
	return s ? s : "";
}

char *db_dup(db_res *r, int col, arena *a)
{
	if (db_isnull(r, col))
		return NULL;
	size_t n;
	const char *s = text_of(r, col, &n);
	return arena_strndup(a, s ? s : "", s ? n : 0);
}

void *db_blob(db_res *r, int col, arena *a, size_t *n)
{
	*n = 0;
	if (db_isnull(r, col))
		return NULL;
	if (r->kept) {
		const char *s = kept_text(r, col, n);
		if (ops_of(r->c->d)->blob_of_text)
			return ops_of(r->c->d)->blob_of_text(s, *n, a, n);
		char *p = arena_alloc(a, *n ? *n : 1);
		if (p && *n)
			memcpy(p, s, *n);
		return p;
	}
	return ops_of(r->c->d)->blob(r, col, a, n);
}

err db_exec(db_conn *c, db_sql *q, int nargs, const db_arg *args, int64_t *changes)
{
	db_res r = {0};
	err e = db_query(c, q, &r, nargs, args);
	if (e == E_OK && changes)
		*changes = r.nrows; /* engines store the affected-row count here */
	db_close(&r);
	return e;
}

err db_exec_id(db_conn *c, db_sql *q, int nargs, const db_arg *args, int64_t *id)
{
	db_res r = {0};
	*id = 0;
	err e = db_query(c, q, &r, nargs, args);
	if (e == E_OK && db_next(&r))
		*id = db_int(&r, 0);
	db_close(&r);
	return e;
}

/* ---- migrations ------------------------------------------------------- */

static db_sql Q_MIG_TABLE = DB_SQL(DB_GLOBAL,
	"CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
	"name TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (module, version))");
static db_sql Q_MIG_HAS = DB_SQL(DB_GLOBAL,
	"SELECT count(*) FROM schema_migrations WHERE module = $1 AND version = $2");
static db_sql Q_MIG_ADD = DB_SQL(DB_GLOBAL,
	"INSERT INTO schema_migrations (module, version, name, applied_at) VALUES ($1, $2, $3, $4)");

static err refresh_scoped(db_conn *c)
{
	const db_engine_ops *o = ops_of(c->d);
	db_sql q = DB_SQL(DB_GLOBAL, o->scoped_tables_sql);
	/* This statement is not kept: run it through the engine unprepared-ish
	 * by giving it a fresh id each time would leak ids, so keep one. */
	static db_sql keep_sqlite, keep_pg;
	db_sql *k = c->d->engine == DB_SQLITE ? &keep_sqlite : &keep_pg;
	if (!k->text)
		*k = q;
	db_res r = {0};
	err e = db_query(c, k, &r, 0, NULL);
	if (e != E_OK)
		return e;
	char **names = NULL;
	int n = 0;
	while (db_next(&r)) {
		char **nn = realloc(names, sizeof *names * (size_t)(n + 1));
		if (!nn)
			break;
		names = nn;
		names[n++] = strdup(db_text(&r, 0));
	}
	db_close(&r);
	db *d = c->d;
	pthread_rwlock_wrlock(&d->scoped_lock);
	for (int i = 0; i < d->nscoped; i++)
		free(d->scoped[i]);
	free(d->scoped);
	d->scoped = names;
	d->nscoped = n;
	pthread_rwlock_unlock(&d->scoped_lock);
	return E_OK;
}

static err mig_table(db_conn *c)
{
	err e = db_begin(c, true);
	if (e == E_OK)
		e = ops_of(c->d)->migration_lock(c);
	if (e == E_OK)
		e = DBX0(c, &Q_MIG_TABLE, NULL);
	if (e == E_OK)
		return db_commit(c);
	db_rollback(c);
	return e;
}

err db_pending(db *d, const db_module_schema *mods, int nmods, int *pending)
{
	*pending = 0;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	err e = mig_table(c);
	for (int m = 0; e == E_OK && m < nmods; m++)
		for (int i = 0; e == E_OK && i < mods[m].count; i++) {
			db_res r = {0};
			e = DBQ(c, &Q_MIG_HAS, &r, A_TEXT(mods[m].module), A_INT(mods[m].migrations[i].version));
			if (e == E_OK && db_next(&r) && db_int(&r, 0) == 0)
				(*pending)++;
			db_close(&r);
		}
	db_conn_put(c);
	return e;
}

err db_migrate(db *d, const db_module_schema *mods, int nmods, int *applied)
{
	if (applied)
		*applied = 0;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	const db_engine_ops *o = ops_of(d);
	err e = mig_table(c);
	int now_applied = 0, before = 0;
	for (int m = 0; e == E_OK && m < nmods; m++) {
		for (int i = 0; e == E_OK && i < mods[m].count; i++) {
			const db_migration *mg = &mods[m].migrations[i];
			e = db_begin(c, true);
			if (e != E_OK)
				break;
			e = o->migration_lock(c);
			db_res r = {0};
			bool done = false;
			if (e == E_OK) {
				e = DBQ(c, &Q_MIG_HAS, &r, A_TEXT(mods[m].module), A_INT(mg->version));
				done = e == E_OK && db_next(&r) && db_int(&r, 0) > 0;
				db_close(&r);
				before += done;
			}
			if (e == E_OK && !done) {
				arena a;
				arena_init(&a, 0);
				char *sql = o->ddl(&a, d->engine == DB_POSTGRES && mg->sql_pg ? mg->sql_pg : mg->sql);
				e = sql ? o->simple(c, sql) : E_NOMEM;
				arena_release(&a);
				if (e == E_OK)
					e = DBX(c, &Q_MIG_ADD, NULL, A_TEXT(mods[m].module), A_INT(mg->version),
					        A_TEXT(mg->name), A_INT(civil_now()));
				if (e == E_OK) {
					log_info("store: migration %s/%d (%s) applied", mods[m].module, mg->version, mg->name);
					now_applied++;
					if (applied)
						(*applied)++;
				} else {
					log_error("store: migration %s/%d (%s) failed", mods[m].module, mg->version, mg->name);
				}
			}
			if (e == E_OK)
				e = db_commit(c);
			else
				db_rollback(c);
		}
	}
	if (e == E_OK)
		e = refresh_scoped(c);
	if (e == E_OK && now_applied && before) {
		/* An upgrade of a database in use: the planner's statistics for the
		 * new indexes (without them, SQLite guessed an index of 400 000
		 * households selective and a search took seconds instead of
		 * milliseconds). SQLite's are sampled: a fraction of a second. */
		if (o->simple(c, d->engine == DB_SQLITE ? "PRAGMA analysis_limit=1000; ANALYZE;" : "ANALYZE") != E_OK)
			log_warn("store: statistics not refreshed after the migrations");
		else
			log_info("store: statistics refreshed after %d migration(s)", now_applied);
	}
	db_conn_put(c);
	return e;
}

err db_analyze(db *d)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	err e = ops_of(d)->simple(c, d->engine == DB_SQLITE ? "PRAGMA analysis_limit=1000; ANALYZE;" : "ANALYZE");
	db_conn_put(c);
	return e;
}

err db_refresh_stats(db *d, int *analyzed)
{
	*analyzed = 0;
	if (!ops_of(d)->refresh_stats)
		return E_OK;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	err e = ops_of(d)->refresh_stats(c, analyzed);
	db_conn_put(c);
	return e;
}

err db_conn_refresh_stats(db_conn *c, int *analyzed)
{
	*analyzed = 0;
	if (!ops_of(c->d)->refresh_stats || db_in_tx(c))
		return E_OK;
	int failures = c->failures; /* what the caller wrote is committed: not its request's failure */
	err e = ops_of(c->d)->refresh_stats(c, analyzed);
	c->failures = failures;
	return e;
}

void db_in50_args(db_arg args[DB_IN_N], const int64_t *ids, int from, int to)
{
	for (int k = 0; k < DB_IN_N; k++)
		args[k] = A_INT(from + k < to ? ids[from + k] : 0);
}

err db_in50_each(db_conn *c, db_sql *q, const int64_t *ids, int n, void (*row)(db_res *res, int from, int to, void *ctx),
                 void *ctx)
{
	err e = E_OK;
	for (int from = 0; e == E_OK && from < n; from += DB_IN_N) {
		int to = n - from > DB_IN_N ? from + DB_IN_N : n;
		db_arg args[DB_IN_N];
		db_in50_args(args, ids, from, to);
		db_res res = {0};
		e = db_query(c, q, &res, DB_IN_N, args);
		while (e == E_OK && db_next(&res))
			row(&res, from, to, ctx);
		if (e == E_OK)
			e = res.status;
		db_close(&res);
	}
	return e;
}

static db_sql Q_BULK_PG = DB_SQL(DB_GLOBAL, "SET LOCAL plan_cache_mode = force_custom_plan");

err db_bulk(db_conn *c)
{
	return db_conn_engine(c) == DB_POSTGRES ? db_exec(c, &Q_BULK_PG, 0, NULL, NULL) : E_OK;
}

err db_bulk_cache(db_conn *c, long mb)
{
	const db_engine_ops *o = ops_of(c->d);
	return o->cache ? o->cache(c, mb) : E_OK;
}

/* ---- many rows into one table (db_copy) ---------------------------------------------------------------------- */

void db_copy_init(db_copy *cp, db_conn *c, db_copy_sql *q)
{
	memset(cp, 0, sizeof *cp);
	cp->c = c;
	cp->q = q;
	arena_init(&cp->a, 0);
	buf_init(&cp->b, &cp->a, 0);
}

/* One field of COPY's text format: \N is NULL; the backslash, tab, newline and carriage return escaped. */
static void copy_field(buf *b, const db_arg *x)
{
	char num[24];
	switch (x->kind) {
	case DBA_NULL: buf_adds(b, "\\N"); return;
	case DBA_INT:
		snprintf(num, sizeof num, "%lld", (long long)x->i);
		buf_adds(b, num);
		return;
	case DBA_TEXT:
		if (!x->s) {
			buf_adds(b, "\\N");
			return;
		}
		for (const char *p = x->s, *run = p;; p++) {
			char esc = *p == '\\' ? '\\' : *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : 0;
			if (!esc && *p)
				continue;
			buf_add(b, run, (size_t)(p - run));
			if (!*p)
				return;
			buf_addc(b, '\\');
			buf_addc(b, esc);
			run = p + 1;
		}
	case DBA_BLOB:
		/* bytea's hex input, its backslash doubled for COPY */
		buf_adds(b, "\\\\x");
		for (size_t i = 0; i < x->n; i++) {
			snprintf(num, sizeof num, "%02x", (unsigned char)x->s[i]);
			buf_add(b, num, 2);
		}
		return;
	}
}

err db_copy_row(db_copy *cp, int nargs, const db_arg *args)
{
	db_conn *c = cp->c;
	const db_engine_ops *ops = ops_of(c->d);
	if (!cp->checked && strstr(cp->q->copy, " (structure_id, "))
		cp->checked = true;
	if (!cp->checked || c->scope <= 0) {
		log_error("store: rows copied without a structure");
		c->failures++;
		return E_INTERNAL;
	}
	if (!ops->copy)
		return db_exec(c, &cp->q->insert, nargs, args, NULL);
	char scope[24];
	snprintf(scope, sizeof scope, "%lld", (long long)c->scope);
	buf_adds(&cp->b, scope);
	for (int i = 0; i < nargs; i++) {
		buf_addc(&cp->b, '\t');
		copy_field(&cp->b, &args[i]);
	}
	buf_addc(&cp->b, '\n');
	if (cp->b.failed)
		return E_NOMEM;
	cp->rows++;
	return E_OK;
}

size_t db_copy_pending(const db_copy *cp) { return cp->b.len; }

/* The table of a copy's statement, « COPY table (… ». */
static bool copy_table(const db_copy *cp, char *out, size_t n)
{
	const char *t = cp->q->copy + 5, *end = strchr(t, ' ');
	if (strncmp(cp->q->copy, "COPY ", 5) || !end || (size_t)(end - t) >= n || end == t)
		return false;
	memcpy(out, t, (size_t)(end - t));
	out[end - t] = 0;
	return true;
}

static err copy_send(db_copy *cp, bool wait)
{
	db_conn *c = cp->c;
	const db_engine_ops *ops = ops_of(c->d);
	if (!ops->copy || !cp->rows)
		return E_OK;
	err e = E_OK;
	char table[64];
	if (cp->keys_later && !cp->looked && ops->copy_keys) {
		cp->looked = true;
		c->statements++;
		e = !copy_table(cp, table, sizeof table) ? E_INTERNAL
		    : injected()                         ? E_DB
		                                         : ops->copy_keys(c, table, &cp->unchecked, &cp->before);
	}
	if (e == E_OK) {
		c->statements++;
		e = injected() ? E_DB : ops->copy(c, cp->q->copy, cp->b.data, cp->b.len, cp->unchecked, wait);
	}
	if (e == E_DB || e == E_INTERNAL || e == E_NOMEM)
		c->failures++;
	arena_release(&cp->a);
	arena_init(&cp->a, 0);
	buf_init(&cp->b, &cp->a, 0);
	cp->rows = 0;
	return e;
}

err db_copy_flush(db_copy *cp) { return copy_send(cp, true); }

err db_copy_send(db_copy *cp) { return copy_send(cp, false); }

void db_copy_keys_later(db_copy *cp) { cp->keys_later = true; }

bool db_copy_unchecked(const db_copy *cp) { return cp->unchecked; }

err db_copy_check(db_copy *const *cps, int n)
{
	db_copied *all = n > 0 ? calloc((size_t)n, sizeof *all) : NULL;
	if (n > 0 && !all)
		return E_NOMEM;
	int m = 0;
	db_conn *c = NULL;
	for (int i = 0; i < n; i++) {
		if (!cps[i]->unchecked)
			continue;
		c = cps[i]->c;
		if (!copy_table(cps[i], all[m].table, sizeof all[m].table)) {
			free(all);
			return E_INTERNAL;
		}
		all[m++].before = cps[i]->before;
	}
	err e = E_OK;
	for (int i = 0; e == E_OK && i < m; i++) {
		c->statements++;
		e = injected() ? E_DB : ops_of(c->d)->copy_check(c, all, m, i);
		if (e == E_DB || e == E_INTERNAL || e == E_NOMEM)
			c->failures++;
	}
	free(all);
	return e;
}

void db_copy_free(db_copy *cp)
{
	arena_release(&cp->a);
	cp->rows = 0;
	cp->c = NULL;
}

/* ---- ids handed out ahead (db_ids) ---------------------------------------------------------------------------- */

void db_ids_init(db_ids *b, db_ids_sql *q)
{
	memset(b, 0, sizeof *b);
	b->q = q;
}

void db_ids_sole(db_ids *b) { b->sole = true; }

/* PostgreSQL: want more ids from the sequence, after those not yet handed out (moved to the front). */
static err ids_take(db_conn *c, db_ids *b, int want)
{
	int left = b->n - b->next;
	memmove(b->ids, b->ids + b->next, (size_t)left * sizeof *b->ids);
	b->next = 0;
	b->n = left;
	if (want > DB_IDS_KEPT - left)
		want = DB_IDS_KEPT - left;
	db_res q = {0};
	db_arg n = A_INT(want);
	err e = db_query(c, &b->q->seq, &q, 1, &n);
	int got = 0;
	while (e == E_OK && got < want && db_next(&q))
		b->ids[b->n + got++] = db_int(&q, 0);
	db_close(&q);
	if (e != E_OK)
		return e;
	if (got < want)
		return E_DB;
	b->n += got;
	return E_OK;
}

err db_ids_ahead(db_conn *c, db_ids *b, int n)
{
	if (db_conn_engine(c) == DB_SQLITE)
		return E_OK;
	if (n > DB_IDS_KEPT)
		n = DB_IDS_KEPT;
	int left = b->n - b->next;
	if (left >= n)
		return E_OK;
	return ids_take(c, b, n - left > DB_IDS_AT_ONCE ? n - left : DB_IDS_AT_ONCE);
}

err db_next_id(db_conn *c, db_ids *b, int64_t *id)
{
	if (db_conn_engine(c) == DB_SQLITE) {
		/* Each id past the largest at the time (a lookup at the end of the key): a row inserted meanwhile by an
		 * ordinary statement (which takes the largest plus one) never meets an id handed out ahead. */
		if (b->sole && b->looked) {
			*id = ++b->last;
			return E_OK;
		}
		int64_t max = 0;
		err e = db_exec_id(c, &b->q->max, 0, NULL, &max);
		if (e != E_OK)
			return e;
		*id = b->last = (max > b->last ? max : b->last) + 1;
		b->looked = true;
		return E_OK;
	}
	if (b->next == b->n) {
		err e = ids_take(c, b, DB_IDS_AT_ONCE);
		if (e != E_OK)
			return e;
	}
	*id = b->last = b->ids[b->next++];
	return E_OK;
}
