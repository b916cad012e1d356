/*
 * store_sqlite.c — the SQLite engine: WAL, foreign keys, STRICT tables,
 * statements prepared once per connection (SQLITE_PREPARE_PERSISTENT).
 * `$1` parameters are SQLite named parameters "$1": we bind by name so a
 * parameter may appear several times or out of order.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "store_engine.h"
#include "store/sqlite_pages.h"
#include "core/log.h"
#include "core/text.h"
#include "core/banned.h"

/* The shared page cache's default size, MiB (sqlite_pages.h). */
#define SQ_PAGE_CACHE_MB 32

static err sq_err(db_conn *c, int rc, const char *what)
{
	sqlite3 *h = c->h;
	int ext = sqlite3_extended_errcode(h);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		log_info("sqlite: constraint (%d) on %s", ext, what);
		return E_CONFLICT;
	}
	if ((rc & 0xff) == SQLITE_NOMEM)
		return E_NOMEM;
	log_error("sqlite: %s: %s (%d)", what, sqlite3_errmsg(h), ext);
	return E_DB;
}

static void ensure_file(const char *path)
{
	/* Create the file 0600 ourselves: it holds people's data. */
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		mkdir(dir, 0700);
	}
	/* Only when it does not exist: closing a descriptor of the database
	 * drops every POSIX lock this process holds on it — the shared lock of
	 * the connections already open included — and another process (a
	 * command run beside the server) could then think itself the last one,
	 * checkpoint and reset the WAL under them: a corrupt database. */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
}

/* Before the library starts: no memory statistics. Debian builds SQLite
 * with them on, and every allocation of every connection then takes one
 * global mutex (the profile of issue 20 found the server's threads
 * waiting on it). Nothing here reads them. */
static void sq_configure(void)
{
	const char *keep = getenv("OPENCCAS_SQLITE_MEMSTATUS"); /* "1": left on, to measure the difference (bench/RESULTS.md) */
	if ((!keep || strcmp(keep, "1")) && sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		log_info("sqlite: memory statistics left on (the library had already started)");
	/* The database file's pages kept once for every connection
	 * (sqlite_pages.h): OPENCCAS_PAGE_CACHE_MB, 0 to go without. */
	const char *mb = getenv("OPENCCAS_PAGE_CACHE_MB");
	long pages_mb = mb && *mb ? strtol(mb, NULL, 10) : SQ_PAGE_CACHE_MB;
	if (pages_mb > 65536)
		pages_mb = 65536; /* 64 GiB: past it, a typing error */
	/* Its pages read in place, not copied (OPENCCAS_PAGE_LEND=0: copied, to measure the difference). */
	const char *lend = getenv("OPENCCAS_PAGE_LEND");
	if (sqlite_pages_register(pages_mb, !lend || strcmp(lend, "0")) != SQLITE_OK)
		log_error("sqlite: the shared page cache could not be set up; each connection reads its own pages");
}

/* ---- group commit ------------------------------------------------------
 * With synchronous=FULL every COMMIT waits for its own fsync of the WAL,
 * one after another under the write lock: about 150 commits a second on a
 * disk whose sync takes 6 ms, whatever the CPU. Here the connections run
 * with synchronous=NORMAL (the WAL is written, not synced, at COMMIT; a
 * checkpoint still syncs the WAL before copying it and the database after)
 * and a commit is acknowledged only once a sync of the WAL begun after it
 * returned: the first committer that finds no sync running syncs for all
 * the commits written so far, the others wait for it. Durability is FULL's
 * — an acknowledged commit survives a power cut — at one sync per group.
 * What differs: another connection may read a commit a few milliseconds
 * before it is on disk; any write made after that read is on disk only
 * after it (the WAL is one file, synced in order). */

/* ---- checkpoints -------------------------------------------------------
 * SQLite's automatic checkpoint (passive, past 1,000 pages of WAL) was made
 * by the commit that passed them, inside the process's write lock: the
 * writers behind it waited for its copy and its two syncs (55 checkpoints a
 * second in the benchmark's day, the lock held by them 18 % of the time, the
 * two cores idle meanwhile). A thread of its own makes them now: a commit
 * that leaves 1,000 pages more than the last checkpoint left asks for one;
 * the thread copies what the WAL holds without the write lock (writers go
 * on), then, with it, the few pages written meanwhile — so that the WAL is
 * then wholly copied and the next writer starts it again from its
 * beginning (copied while writers went on, it never would be, and would
 * grow). The thread starts with the first checkpoint asked for; when it
 * cannot, the commit checkpoints as before. */
static void *checkpoints(void *arg)
{
	db *d = arg;
	pthread_mutex_lock(&d->ckpt_lock);
	for (;;) {
		while (!d->ckpt_wanted && !d->ckpt_stop)
			pthread_cond_wait(&d->ckpt_cond, &d->ckpt_lock);
		if (d->ckpt_stop)
			break;
		d->ckpt_wanted = false;
		d->ckpt_busy = true;
		pthread_mutex_unlock(&d->ckpt_lock);
		db_conn *c = db_conn_get(d);
		int log = 0, copied = 0, rc = SQLITE_ERROR;
		if (c) {
			rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
			if (rc == SQLITE_OK || rc == SQLITE_BUSY) {
				pthread_mutex_lock(&d->write_lock);
				rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
				pthread_mutex_unlock(&d->write_lock);
			}
			if (rc != SQLITE_OK && rc != SQLITE_BUSY) /* busy: another process checkpoints */
				log_error("sqlite: checkpoint failed: %s", sqlite3_errmsg(c->h));
			db_conn_put(c);
		}
		pthread_mutex_lock(&d->ckpt_lock);
		d->ckpt_busy = false;
		d->ckpt_left = log;
		d->ckpts++;
		pthread_cond_broadcast(&d->ckpt_cond); /* db_checkpoints_settle */
	}
	pthread_mutex_unlock(&d->ckpt_lock);
	return NULL;
}

/* Asks for a checkpoint of a WAL of `pages` frames; false when the thread cannot run (the caller checkpoints). */
static bool checkpoint_ask(db *d, int pages)
{
	pthread_mutex_lock(&d->ckpt_lock);
	if (!d->ckpt_running && !d->ckpt_failed && !d->ckpt_stop) {
		/* Started by a request's thread: the stop signals stay blocked in it, as in the thread that made it. */
		d->ckpt_running = pthread_create(&d->ckpt_thread, NULL, checkpoints, d) == 0;
		d->ckpt_failed = !d->ckpt_running;
		if (d->ckpt_failed)
			log_error("sqlite: no checkpoint thread; each commit past 1,000 pages checkpoints");
	}
	bool ok = d->ckpt_running && !d->ckpt_stop;
	if (ok && (pages >= d->ckpt_left + 1000 || pages < d->ckpt_left)) {
		d->ckpt_wanted = true;
		pthread_cond_signal(&d->ckpt_cond);
	}
	pthread_mutex_unlock(&d->ckpt_lock);
	return ok;
}

/* A thread of the store told to stop (under its lock, its condition signalled), then joined if it ran. */
static void thread_stop(pthread_mutex_t *lock, pthread_cond_t *cond, bool *stop, bool *running, const pthread_t *t)
{
	pthread_mutex_lock(lock);
	*stop = true;
	bool join = *running;
	*running = false;
	pthread_cond_broadcast(cond);
	pthread_mutex_unlock(lock);
	if (join)
		pthread_join(*t, NULL);
}

void sq_checkpoints_stop(db *d)
{
	thread_stop(&d->ckpt_lock, &d->ckpt_cond, &d->ckpt_stop, &d->ckpt_running, &d->ckpt_thread);
}

void db_checkpoints_settle(db *d)
{
	pthread_mutex_lock(&d->ckpt_lock);
	while (d->ckpt_running && (d->ckpt_wanted || d->ckpt_busy))
		pthread_cond_wait(&d->ckpt_cond, &d->ckpt_lock);
	pthread_mutex_unlock(&d->ckpt_lock);
}

/* Called by SQLite after each commit, the WAL frames written. Replaces the
 * automatic checkpoint's hook (above). */
static int sq_wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	db_conn *c = arg;
	db *d = c->d;
	pthread_mutex_lock(&d->flush_lock);
	c->ticket = ++d->written;
	pthread_mutex_unlock(&d->flush_lock);
	if (pages >= 1000 && !checkpoint_ask(d, pages))
		sqlite3_wal_checkpoint(h, name);
	return SQLITE_OK;
}

/* The WAL file's descriptor, opened again if the file was replaced (when
 * every connection closes, SQLite removes it; a new one is created after). */
static int wal_fd(db *d)
{
	char path[4200];
	snprintf(path, sizeof path, "%s-wal", d->target);
	struct stat now, held;
	if (stat(path, &now) != 0)
		return -1;
	if (d->wal_fd >= 0 && fstat(d->wal_fd, &held) == 0 && held.st_ino == now.st_ino && held.st_dev == now.st_dev)
		return d->wal_fd;
	if (d->wal_fd >= 0)
		close(d->wal_fd);
	/* The WAL carries no POSIX lock (those are on the database and its
	 * -shm file): holding and closing this descriptor drops none. */
	d->wal_fd = open(path, O_RDONLY | O_CLOEXEC);
	return d->wal_fd;
}

static _Atomic long sync_countdown;
void db_fail_sync_after(long n) { atomic_store(&sync_countdown, n); }

static bool sync_fault(void)
{
	long n = atomic_load(&sync_countdown);
	return n > 0 && atomic_fetch_sub(&sync_countdown, 1) == 1;
}

/* Syncs the WAL until commit `mine` is on disk, one thread at a time for every commit written by then (the
 * others wait for it); with flush_lock held, released while the disk works. */
static err flush_until(db *d, uint64_t mine)
{
	err e = E_OK;
	while (d->synced < mine) {
		if (d->flush_errors) {
			/* A sync failed: a later sync's success would not say the
			 * pages of then reached the disk (the kernel may have dropped
			 * them). As PostgreSQL stops, every commit waiting or to come
			 * is refused until the server is restarted. */
			e = E_DB;
			break;
		}
		if (d->flushing) {
			pthread_cond_wait(&d->flush_cond, &d->flush_lock);
			continue;
		}
		d->flushing = true;
		uint64_t upto = d->written;
		int fd = wal_fd(d); /* under flush_lock: one thread at a time uses it */
		pthread_mutex_unlock(&d->flush_lock);
		int rc;
		if (sync_fault()) {
			rc = -1;
			errno = EIO;
		} else if (fd >= 0) {
			rc = fdatasync(fd);
		} else {
			/* No WAL file: every commit was checkpointed into the
			 * database and the WAL removed (synced by the checkpoint). */
			rc = 0;
		}
		int why = errno;
		pthread_mutex_lock(&d->flush_lock);
		d->flushing = false;
		d->syncs++;
		if (rc == 0) {
			if (d->synced < upto)
				d->synced = upto;
		} else {
			d->flush_errors++;
			log_error("sqlite: sync of the WAL failed: %s — commits refused until the server is restarted", strerror(why));
		}
		pthread_cond_broadcast(&d->flush_cond);
	}
	return e;
}

static err sq_durable(db_conn *c)
{
	db *d = c->d;
	if (!d->sync_full)
		return E_OK; /* synchronous=NORMAL chosen (--sync normal): no sync at commit */
	pthread_mutex_lock(&d->flush_lock);
	err e = flush_until(d, c->ticket);
	pthread_mutex_unlock(&d->flush_lock);
	return e;
}

/* The commits waited for without their thread (db_durable_later), synced by a thread of their own: all those
 * written while it syncs go in its next sync. */
enum { SYNC_GATHER_US = 1000 };
static void *syncer(void *arg)
{
	db *d = arg;
	pthread_mutex_lock(&d->flush_lock);
	for (;;) {
		while (!d->later && !d->sync_stop)
			pthread_cond_wait(&d->later_cond, &d->flush_lock);
		if (!d->later)
			break; /* stopped, nothing left to wait for */
		/* When other connections hold or wait for the write lock, more commits are moments away: the sync waits a
		 * millisecond (SYNC_GATHER_US) and takes them too — one sync for more commits, the disk's work and the
		 * wakeups shared (the mixed day at 40 000 households: 25 000 syncs for 37 000 commits, then 14 000 for
		 * 38 000). Alone (nobody else writing: a counter, the tests) it syncs at once. */
		if (atomic_load(&d->writers) > 0) {
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_nsec += SYNC_GATHER_US * 1000L;
			if (until.tv_nsec >= 1000000000L)
				until.tv_sec++, until.tv_nsec -= 1000000000L;
			while (!d->sync_stop && pthread_cond_timedwait(&d->later_cond, &d->flush_lock, &until) == 0)
				;
		}
		uint64_t want = 0;
		for (db_wait *w = d->later; w; w = w->next)
			if (w->ticket > want)
				want = w->ticket;
		err e = flush_until(d, want);
		db_wait *done = NULL;
		for (db_wait **at = &d->later; *at;) {
			db_wait *w = *at;
			if (e != E_OK || w->ticket <= d->synced) {
				*at = w->next;
				w->next = done;
				done = w;
			} else {
				at = &w->next;
			}
		}
		pthread_mutex_unlock(&d->flush_lock);
		while (done) {
			db_wait *w = done;
			done = w->next; /* w belongs to its caller once done */
			w->done(w, e == E_OK);
		}
		pthread_mutex_lock(&d->flush_lock);
	}
	pthread_mutex_unlock(&d->flush_lock);
	return NULL;
}

static int sq_durable_later(db *d, db_wait *w)
{
	if (!d->sync_full)
		return 1;
	pthread_mutex_lock(&d->flush_lock);
	int r = 0;
	if (w->ticket > d->written)
		w->ticket = d->written; /* no ticket past the commits written: none waits for ever */
	if (d->synced >= w->ticket) {
		r = 1;
	} else if (d->flush_errors) {
		r = -1;
	} else {
		if (!d->sync_running && !d->sync_failed && !d->sync_stop) {
			/* Started by a request's thread: the stop signals stay blocked in it, as in the thread that made it. */
			d->sync_running = pthread_create(&d->sync_thread, NULL, syncer, d) == 0;
			d->sync_failed = !d->sync_running;
			if (d->sync_failed)
				log_error("sqlite: no syncing thread; each answer waits for its commits' sync in its own thread");
		}
		if (d->sync_running && !d->sync_stop) {
			w->next = d->later;
			d->later = w;
			pthread_cond_signal(&d->later_cond);
		} else {
			r = flush_until(d, w->ticket) == E_OK ? 1 : -1; /* no thread: this one waits, as before */
		}
	}
	pthread_mutex_unlock(&d->flush_lock);
	return r;
}

static bool sq_durable_cancel(db *d, db_wait *w)
{
	pthread_mutex_lock(&d->flush_lock);
	bool found = false;
	for (db_wait **at = &d->later; *at; at = &(*at)->next)
		if (*at == w) {
			*at = w->next;
			found = true;
			break;
		}
	pthread_mutex_unlock(&d->flush_lock);
	return found;
}

void sq_syncer_stop(db *d)
{
	thread_stop(&d->flush_lock, &d->later_cond, &d->sync_stop, &d->sync_running, &d->sync_thread);
}

static err sq_simple(db_conn *c, const char *sql);

/* OPENCCAS_SQLITE_CACHE_MB: each connection's own cache (16 by default, at least 1, at most 4096); the load test
 * makes it small so that the caches are full after its first round. */
/* A connection's own page cache, MiB: 16 when it keeps the database's pages itself; 4 when they are lent from the
 * shared cache (sqlite_pages.h) — it then holds only the pages read from the WAL and the transaction's own (at a
 * million households: 12 MB less a connection, the same throughput, bench/RESULTS.md). */
static long sq_cache_default(void)
{
	const char *cm = getenv("OPENCCAS_SQLITE_CACHE_MB");
	long mb = cm && *cm ? strtol(cm, NULL, 10) : sqlite_pages_lending() ? 4 : 16;
	return mb < 1 ? 1 : mb > 4096 ? 4096 : mb;
}

static err sq_cache(db_conn *c, long mb)
{
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%ld", (mb > 0 ? (mb > 4096 ? 4096 : mb) : sq_cache_default()) * 1024);
	return sq_simple(c, pragma);
}

static err sq_connect(db_conn *c)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_configure);
	sqlite3 *h = NULL;
	ensure_file(c->d->target);
	int rc = sqlite3_open_v2(c->d->target, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("sqlite: cannot open database: %s", h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return E_DB;
	}
	c->h = h;
	sqlite3_busy_timeout(h, 10000);
	/* Each connection's page cache (sq_cache_default): without the shared
	 * cache, 16 MiB — with SQLite's default 2 MiB, a big city's pages were
	 * read again from the OS cache on every query (a quarter of the CPU
	 * went to pread copies at 1 million persons). mmap_size: with the shared page cache, its pages are lent in place
	 * (sqlite_pages.h: SQLite asks for them as for a mapped file's, nothing
	 * is mapped); when they are not lent (no shared cache, or
	 * OPENCCAS_PAGE_LEND=0), OPENCCAS_MMAP_MB maps the file (off by
	 * default: mapped pages count in the resident memory). */
	const char *mm = getenv("OPENCCAS_MMAP_MB");
	long long mmap_bytes = sqlite_pages_lending() ? 1LL << 40 : (mm ? strtoll(mm, NULL, 10) : 0) * 1024 * 1024;
	long cache_mb = sq_cache_default();
	char pragmas[256];
	snprintf(pragmas, sizeof pragmas,
	         "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=%s; PRAGMA temp_store=MEMORY; "
	         "PRAGMA cache_size=-%ld; PRAGMA mmap_size=%lld;",
	         "NORMAL", cache_mb * 1024, mmap_bytes > 0 ? mmap_bytes : 0);
	char *msg = NULL;
	if (sqlite3_exec(h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("sqlite: pragmas: %s", msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(h);
		c->h = NULL;
		return E_DB;
	}
	sqlite3_wal_hook(h, sq_wal_hook, c);
	return E_OK;
}

/* A prepared statement and, for each of its parameters, the argument it takes ($k: args[k - 1]) — read once here,
 * not at each run (SQLite finds a parameter's name by walking a list: a row of 28 columns walked 400 entries). */
typedef struct sq_stmt {
	sqlite3_stmt *st;
	int np;
	int arg[];
} sq_stmt;

static void sq_disconnect(db_conn *c)
{
	for (int i = 0; i < c->nprepared; i++)
		if (c->prepared[i]) {
			sq_stmt *p = c->prepared[i];
			sqlite3_finalize(p->st);
			free(p);
		}
	sqlite3_close(c->h);
}

static err sq_prepare(db_conn *c, db_sql *q, const char *text)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(c->h, text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_err(c, rc, "prepare");
	int np = sqlite3_bind_parameter_count(st);
	sq_stmt *p = malloc(sizeof *p + sizeof *p->arg * (size_t)(np > 0 ? np : 0));
	if (!p) {
		sqlite3_finalize(st);
		return E_NOMEM;
	}
	p->st = st;
	p->np = np;
	for (int i = 1; i <= np; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		int64_t k;
		p->arg[i - 1] = name && name[0] == '$' && text_to_int64(name + 1, 1, 32767, &k) ? (int)k : 0;
	}
	c->prepared[q->id] = p;
	return E_OK;
}

static err sq_run(db_conn *c, db_sql *q, db_res *r, int nargs, const db_arg *args)
{
	sq_stmt *p = c->prepared[q->id];
	sqlite3_stmt *st = p->st;
	r->stmt = st;
	if (c->snapshot && !sqlite3_stmt_readonly(st)) {
		/* A write outside a transaction: it runs on its own, after the
		 * reads' snapshot (a deferred read transaction that writes could
		 * find its snapshot stale and fail). */
		c->snapshot = false;
		if (sqlite3_exec(c->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
	}
	for (int i = 1; i <= p->np; i++) {
		int k = p->arg[i - 1];
		if (k < 1 || k > nargs) {
			const char *name = sqlite3_bind_parameter_name(st, i);
			log_error("sqlite: statement %d: parameter %s has no argument", q->id, name ? name : "?");
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			r->stmt = NULL;
			return E_INTERNAL;
		}
		const db_arg *a = &args[k - 1];
		int rc = SQLITE_OK;
		switch (a->kind) {
		case DBA_NULL: rc = sqlite3_bind_null(st, i); break;
		case DBA_INT: rc = sqlite3_bind_int64(st, i, a->i); break;
		case DBA_TEXT:
			rc = a->s ? sqlite3_bind_text(st, i, a->s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
			break;
		case DBA_BLOB:
			rc = a->s ? sqlite3_bind_blob64(st, i, a->s, a->n, SQLITE_STATIC) : sqlite3_bind_null(st, i);
			break;
		}
		if (rc != SQLITE_OK) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			r->stmt = NULL;
			return sq_err(c, rc, "bind");
		}
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->has_row = true;
		return E_OK;
	}
	if (rc == SQLITE_DONE) {
		r->nrows = sqlite3_changes(c->h);
		return E_OK;
	}
	err e = sq_err(c, rc, "step");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	r->stmt = NULL;
	return e;
}

static bool sq_next(db_res *r)
{
	if (!r->stmt)
		return false;
	if (r->row == -1) {
		r->row = 0;
		return r->has_row;
	}
	if (!r->has_row)
		return false;
	int rc = sqlite3_step(r->stmt);
	r->row++;
	if (rc == SQLITE_ROW)
		return true;
	r->has_row = false;
	if (rc != SQLITE_DONE)
		r->status = sq_err(r->c, rc, "step");
	return false;
}

static void sq_close(db_res *r)
{
	if (r->stmt) {
		int steps = sqlite3_stmt_status(r->stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
		r->c->steps += steps;
		if (steps > 20000) /* a scan, where a lookup may have been meant: which one (its text holds no value) */
			log_debug("sqlite: %d steps: %.160s", steps, sqlite3_sql(r->stmt));
		sqlite3_reset(r->stmt);
		sqlite3_clear_bindings(r->stmt);
	}
	r->stmt = NULL;
}

static bool sq_isnull(db_res *r, int col)
{
	return !r->stmt || sqlite3_column_type(r->stmt, col) == SQLITE_NULL;
}

static const char *sq_text(db_res *r, int col, size_t *n)
{
	*n = 0;
	if (!r->stmt)
		return NULL;
	const char *s = (const char *)sqlite3_column_text(r->stmt, col);
	*n = (size_t)sqlite3_column_bytes(r->stmt, col);
	return s;
}

static void *sq_blob(db_res *r, int col, arena *a, size_t *n)
{
	const void *p = sqlite3_column_blob(r->stmt, col);
	*n = (size_t)sqlite3_column_bytes(r->stmt, col);
	void *out = arena_alloc(a, *n ? *n : 1);
	if (out && *n)
		memcpy(out, p, *n);
	return out;
}

static int64_t sq_int(db_res *r, int col)
{
	return r->stmt ? sqlite3_column_int64(r->stmt, col) : 0;
}

static int sq_columns(db_res *r) { return r->stmt ? sqlite3_column_count(r->stmt) : 0; }

static err sq_simple(db_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		err e = (rc & 0xff) == SQLITE_CONSTRAINT ? E_CONFLICT : E_DB;
		log_error("sqlite: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return e;
	}
	return E_OK;
}

/* BEGIN IMMEDIATE already serialises writers across processes. */
static err sq_migration_lock(db_conn *c) { (void)c; return E_OK; }

static char *sq_ddl(arena *a, const char *sql) { return arena_strdup(a, sql); }

static bool sq_healthy(db_conn *c) { return c->h != NULL; }

/* ---- the planner's statistics --------------------------------------------- */

static int64_t sq_int_of(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A table's statistics are stale when it holds more than twice the rows
 * it had when analysed (and 500 more): a database started empty had none,
 * and SQLite then guessed — a structure's index of 40 000 search keys taken
 * for one person's, each save scanning them all. Its row count is bounded
 * first by the largest rowid (a lookup), then counted only when that bound
 * says it may have grown. Each stale table is analysed on a sample
 * (analysis_limit): a fraction of a second at a million persons. */
static err sq_refresh_stats(db_conn *c, int *analyzed)
{
	sqlite3 *h = c->h;
	*analyzed = 0;
	bool have = sq_int_of(h, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'") > 0;
	const char *sql = have
		? "SELECT m.name, (SELECT max(CAST(s.stat AS INTEGER)) FROM sqlite_stat1 s WHERE s.tbl = m.name) "
		  "FROM sqlite_schema m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' "
		  "AND EXISTS (SELECT 1 FROM sqlite_schema i WHERE i.type = 'index' AND i.tbl_name = m.name) ORDER BY m.name"
		: "SELECT m.name, 0 FROM sqlite_schema m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' "
		  "AND EXISTS (SELECT 1 FROM sqlite_schema i WHERE i.type = 'index' AND i.tbl_name = m.name) ORDER BY m.name";
	sqlite3_stmt *t = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &t, NULL) != SQLITE_OK)
		return sq_err(c, sqlite3_errcode(h), "statistics");
	err e = E_OK;
	while (e == E_OK && sqlite3_step(t) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(t, 0);
		bool plain = name && *name && strlen(name) < 64;
		for (const char *p = name; plain && *p; p++)
			plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
		if (!plain)
			continue; /* our tables only: a name is never quoted into SQL otherwise */
		int64_t was = sqlite3_column_int64(t, 1); /* the rows at the last analysis (the largest index's), 0 if none */
		char q[160];
		snprintf(q, sizeof q, "SELECT max(rowid) FROM %s", name);
		int64_t bound = sq_int_of(h, q); /* -1: a table without rowid, counted */
		if (bound >= 0 && bound <= 2 * was + 500)
			continue;
		snprintf(q, sizeof q, "SELECT count(*) FROM %s", name);
		int64_t now = sq_int_of(h, q);
		if (now <= 2 * was + 500)
			continue;
		snprintf(q, sizeof q, "PRAGMA analysis_limit=1000; ANALYZE %s", name);
		int rc = sqlite3_exec(h, q, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			e = sq_err(c, rc, "analyze");
		else
			(*analyzed)++;
	}
	sqlite3_finalize(t);
	return e;
}

const db_engine_ops db_sqlite_ops = {
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.prepare = sq_prepare,
	.run = sq_run,
	.next = sq_next,
	.close = sq_close,
	.isnull = sq_isnull,
	.text = sq_text,
	.blob = sq_blob,
	.integer = sq_int,
	.columns = sq_columns,
	.simple = sq_simple,
	.migration_lock = sq_migration_lock,
	.begin_write = "BEGIN IMMEDIATE",
	.scoped_tables_sql =
		"SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
		"WHERE m.type IN ('table', 'view') AND p.name = 'structure_id' ORDER BY m.name",
	.ddl = sq_ddl,
	.healthy = sq_healthy,
	.durable = sq_durable,
	.durable_later = sq_durable_later,
	.durable_cancel = sq_durable_cancel,
	.refresh_stats = sq_refresh_stats,
	.cache = sq_cache,
};
