/*
 * sqlite_pages.c — the database file's pages kept once for all of the
 * process's connections (see sqlite_pages.h for why).
 *
 * A VFS over SQLite's "unix": every file but a main database is SQLite's own
 * file, opened in place. A main database gets a wrapper whose xRead looks in
 * the cache shared by every open of the same file (device, inode) before
 * reading, and whose xWrite writes through it.
 *
 * When the cache may hold a page that is no longer the file's. In WAL mode
 * the database file is written only by a checkpoint, under the WAL's
 * checkpoint lock; while it writes page P, every reader finds P in the WAL
 * (the checkpoint copies only frames that every reader's snapshot holds, and
 * keeps out the readers of the file alone); a reader goes back to the file
 * for P only after the checkpoint recorded its progress (nBackfill) or the
 * WAL was started again (new salts). Those four words of the WAL index —
 * the salts, nBackfill, nBackfillAttempted (set before a checkpoint writes) —
 * are read each time one of our connections takes a WAL lock, before it
 * reads anything under it: if they differ from the last seen, the cache is
 * emptied. Our own checkpoints write through the cache, and their changes
 * of those words are recorded as seen when their lock is released (no other
 * process writes the file while we hold it); our own restarts of the WAL
 * likewise at the release of the write lock. A fill started before an
 * emptying or a write is not kept (a generation count).
 *
 * The WAL's frames of a transaction are written in one system call, not
 * two a frame (a 24-byte header, then the page): a connection's writes
 * that follow each other in its WAL are kept in a buffer of its own and
 * written when one does not follow, when it is full, when the frame that
 * commits has been written (so that its error is the commit's), and before
 * anything else the connection does with its WAL (read, size, sync,
 * truncate, close). Only the holder of the WAL's write lock writes frames;
 * what it wrote is seen by others only once the WAL index's header says so,
 * which SQLite writes around a memory barrier: the holder's barrier, and its
 * release of the write lock, write what is left first. So a frame is never
 * read before it is written, and frames kept past a rollback never land
 * after another writer's.
 *
 * The layout of the WAL index is SQLite's file format (walformat.html,
 * version 3007000): a header that says another version turns the cache off
 * for as long as it does. Without a WAL (no shared memory mapped) nothing is
 * served from the cache.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "store/sqlite_pages.h"
#include "core/log.h"
#include "core/banned.h"

/* Offsets in the WAL index's first region (walformat.html). */
enum { WI_VERSION = 0, WI_SALT0 = 32, WI_SALT1 = 36, WI_BACKFILL = 96, WI_ATTEMPTED = 128, WI_FORMAT = 3007000 };
/* WAL locks (xShmLock offsets): write, checkpoint, recover, then the readers'. */
enum { LK_WRITE = 0, LK_CKPT = 1 };

/* The pages are spread over stripes, each with its lock and its part of the
 * room: the server's threads rarely wait on each other for a page. */
enum { STRIPES = 64 };
typedef struct stripe {
	pthread_mutex_t lock;
	uint64_t gen;      /* every emptying and write: a read begun before does not fill */
	uint32_t nslots, used, hand, hmask;
	uint32_t *pgno_of; /* slot → page number + 1 (0: free) */
	uint8_t *used_bit; /* the clock's second chance */
	uint32_t *lent;    /* slot → connections reading it in place (xFetch): neither reused nor given another page */
	uint8_t *data;     /* nslots pages */
	uint32_t *hash;    /* open addressing: page number → slot + 1 */
} stripe;

typedef struct shared_pages shared_pages;
struct shared_pages {
	dev_t dev;
	ino_t ino;
	int refs;
	shared_pages *next;
	/* What the WAL index said, as last seen (salts, backfilled,
	 * attempted), written under `state` once the emptying it called for is
	 * done, so that a check that finds it equal needs no lock. */
	pthread_mutex_t state;
	_Atomic uint32_t seen[4];
	_Atomic bool seen_valid; /* a WAL index in the known format was seen: pages may be served */
	int ckpt_held;           /* our connections holding the checkpoint lock of this file */
	int write_held;          /* and its write lock */
	struct pf_file *_Atomic wal_kept; /* the WAL file whose writes wait in its buffer: the write lock's holder's */
	_Atomic int page;        /* page size, from the first full-page read; 0 until then, -1 unusable */
	/* The file's size as last known, in bytes; -1 unknown (emptied with the cache). A page past it is not in
	 * the file — one a write transaction added, in its connection's cache only —, so its fetch answers at once
	 * instead of reading past the end. Only a hint: too small, SQLite reads the page itself (and the read
	 * raises it); too large, the read past the end fails and SQLite reads it itself, as without it. */
	_Atomic int64_t size;
	stripe st[STRIPES];
};

typedef struct pf_file {
	sqlite3_file base;
	sqlite3_file *real; /* SQLite's own file, just after this struct */
	shared_pages *sp;   /* NULL: not cached (a WAL: its writes not kept) */
	volatile unsigned char *shm0;
	bool holds_write;   /* a main database: its connection holds the WAL's write lock */
	sqlite3_int64 lend_max; /* SQLite's mmap_size, as it set it (pf_control) */
	/* A WAL: the writes that follow each other, from `from`, not yet written. */
	unsigned char *kept;
	size_t nkept;
	sqlite3_int64 from;
	bool commit_kept; /* the last write was a commit frame's header: write once its page is kept */
} pf_file;

/* SQLite's unix file writes at most 128 KiB - 1 at once (it masks the length): room for the largest frame. */
enum { WAL_KEEP = 120 * 1024, WAL_FRAME_HEAD = 24 };

static sqlite3_vfs *real_vfs;
static sqlite3_vfs pf_vfs;
static size_t capacity_bytes;
static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static shared_pages *caches;
static _Atomic uint64_t st_hits, st_misses, st_writes, st_drops, st_lent, st_refused, st_past_end;
static bool lending; /* pages lent in place (pf_fetch); set once, before any file is opened */

/* ---- a stripe's table ---- */

static stripe *stripe_of(shared_pages *sp, uint32_t key) { return &sp->st[(key * 2654435761u) >> 26]; }
static uint32_t slot_hash(const stripe *t, uint32_t key) { return (key * 2246822519u) & t->hmask; }

static long slot_find(const stripe *t, uint32_t key)
{
	for (uint32_t i = slot_hash(t, key);; i = (i + 1) & t->hmask) {
		uint32_t s = t->hash[i];
		if (!s)
			return -1;
		if (t->pgno_of[s - 1] == key)
			return (long)(s - 1);
	}
}

static void slot_unlink(stripe *t, uint32_t key)
{
	uint32_t i = slot_hash(t, key);
	while (t->hash[i] && t->pgno_of[t->hash[i] - 1] != key)
		i = (i + 1) & t->hmask;
	if (!t->hash[i])
		return;
	t->hash[i] = 0;
	/* Shift back the entries after it that its place had pushed on. */
	for (uint32_t j = (i + 1) & t->hmask; t->hash[j]; j = (j + 1) & t->hmask) {
		uint32_t home = slot_hash(t, t->pgno_of[t->hash[j] - 1]);
		bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!between) {
			t->hash[i] = t->hash[j];
			t->hash[j] = 0;
			i = j;
		}
	}
}

static void slot_forget(stripe *t, uint32_t key)
{
	long s = slot_find(t, key);
	if (s >= 0) {
		slot_unlink(t, key);
		t->pgno_of[s] = 0;
	}
}

/* A slot for a page not kept: a fresh one, else the clock's choice — never one lent; -1 when every one is. */
static long slot_claim(stripe *t)
{
	while (t->used < t->nslots)
		if (!t->lent[t->used++])
			return (long)t->used - 1;
	for (uint32_t tries = 0; tries < 2 * t->nslots; tries++) {
		uint32_t s = t->hand;
		t->hand = (t->hand + 1) % t->nslots;
		if (t->lent[s])
			continue;
		if (t->used_bit[s]) {
			t->used_bit[s] = 0;
			continue;
		}
		if (t->pgno_of[s]) {
			slot_unlink(t, t->pgno_of[s]); /* its page leaves the table: s is known, no look-up */
			t->pgno_of[s] = 0;
		}
		return s;
	}
	return -1;
}

static void slot_link(stripe *t, long s, uint32_t key)
{
	t->pgno_of[s] = key;
	uint32_t i = slot_hash(t, key);
	while (t->hash[i])
		i = (i + 1) & t->hmask;
	t->hash[i] = (uint32_t)s + 1;
}

static void slot_put(stripe *t, int page, uint32_t key, const void *data)
{
	long s = slot_find(t, key);
	if (s < 0) {
		if ((s = slot_claim(t)) < 0)
			return; /* every slot lent: not kept */
		slot_link(t, s, key);
	}
	/* A slot lent is written in place, as a mapped file would be: only our checkpoint writes a kept page, and
	 * it writes none that a reader of the file still reads (see the top of this file). */
	memcpy(t->data + (size_t)s * (size_t)page, data, (size_t)page);
	t->used_bit[s] = 0;
}

/* Every stripe emptied; under sp->state. */
static void cache_empty(shared_pages *sp)
{
	for (int i = 0; i < STRIPES; i++) {
		stripe *t = &sp->st[i];
		pthread_mutex_lock(&t->lock);
		if (t->hash) {
			memset(t->hash, 0, ((size_t)t->hmask + 1) * sizeof *t->hash);
			memset(t->pgno_of, 0, (size_t)t->nslots * sizeof *t->pgno_of);
		}
		t->used = t->hand = 0;
		t->gen++;
		pthread_mutex_unlock(&t->lock);
	}
	atomic_store(&sp->size, -1);
	atomic_fetch_add(&st_drops, 1);
}

/* The known size raised to `to` (a page read or written there); left unknown when unknown. */
static void size_raise(shared_pages *sp, int64_t to)
{
	int64_t was = atomic_load(&sp->size);
	while (was >= 0 && was < to && !atomic_compare_exchange_weak(&sp->size, &was, to))
		;
}

/* The stripes' arrays, once the page size is known; under sp->state. */
static void cache_setup(shared_pages *sp, int page)
{
	uint32_t n = (uint32_t)(capacity_bytes / (size_t)page / STRIPES);
	uint32_t hsize = 1;
	while (hsize < 2 * n)
		hsize <<= 1;
	bool ok = n >= 4;
	for (int i = 0; ok && i < STRIPES; i++) {
		stripe *t = &sp->st[i];
		pthread_mutex_lock(&t->lock);
		t->pgno_of = calloc(n, sizeof *t->pgno_of);
		t->used_bit = calloc(n, 1);
		t->lent = calloc(n, sizeof *t->lent);
		t->hash = calloc(hsize, sizeof *t->hash);
		t->data = malloc((size_t)n * (size_t)page); /* mapped by the allocator: touched as filled */
		ok = t->pgno_of && t->used_bit && t->lent && t->hash && t->data;
		t->nslots = n;
		t->hmask = hsize - 1;
		pthread_mutex_unlock(&t->lock);
	}
	atomic_store(&sp->page, ok ? page : -1);
	if (!ok)
		log_error("sqlite: no memory for the shared page cache; each connection reads its own pages");
}

/* ---- what the WAL index says ---- */

static uint32_t wi_word(volatile const unsigned char *shm, int at)
{
	return __atomic_load_n((const volatile uint32_t *)(shm + at), __ATOMIC_ACQUIRE);
}

static void wi_now(volatile const unsigned char *shm, uint32_t now[4])
{
	now[0] = wi_word(shm, WI_SALT0), now[1] = wi_word(shm, WI_SALT1);
	now[2] = wi_word(shm, WI_BACKFILL), now[3] = wi_word(shm, WI_ATTEMPTED);
}

static bool seen_is(shared_pages *sp, const uint32_t now[4])
{
	for (int i = 0; i < 4; i++)
		if (atomic_load(&sp->seen[i]) != now[i])
			return false;
	return true;
}

static void seen_set(shared_pages *sp, const uint32_t now[4])
{
	for (int i = 0; i < 4; i++)
		atomic_store(&sp->seen[i], now[i]);
}

/* Compare the WAL index with what was last seen; empty the cache if it
 * moved other than by us. When this returns, any change it saw is out of
 * the cache. */
static void cache_check(shared_pages *sp, volatile const unsigned char *shm)
{
	uint32_t now[4];
	wi_now(shm, now);
	bool valid = wi_word(shm, WI_VERSION) == WI_FORMAT;
	if (valid && atomic_load(&sp->seen_valid) && seen_is(sp, now))
		return;
	pthread_mutex_lock(&sp->state);
	wi_now(shm, now);
	valid = wi_word(shm, WI_VERSION) == WI_FORMAT;
	bool restarted = sp->write_held > 0 && now[2] == 0 && now[3] == 0;
	if (valid && atomic_load(&sp->seen_valid) && (seen_is(sp, now) || sp->ckpt_held > 0 || restarted)) {
		/* Unchanged; or our checkpoint is running: no other process
		 * writes the file while it does; or our writer started the WAL
		 * again (only the write lock's holder does), which the file does
		 * not see — what was backfilled before was seen when our writer
		 * began to read (it restarts only a WAL wholly backfilled then). */
		seen_set(sp, now);
	} else {
		cache_empty(sp);
		seen_set(sp, now);
		atomic_store(&sp->seen_valid, valid);
	}
	pthread_mutex_unlock(&sp->state);
}

/* ---- the WAL's writes, kept while they follow each other ---- */

/* What w keeps, written; under the connection (its writes, or the write lock's holder's barrier or release). */
static int wal_flush(pf_file *w)
{
	w->commit_kept = false;
	if (!w->nkept)
		return SQLITE_OK;
	int rc = w->real->pMethods->xWrite(w->real, w->kept, (int)w->nkept, w->from);
	w->nkept = 0;
	pf_file *self = w;
	atomic_compare_exchange_strong(&w->sp->wal_kept, &self, NULL);
	return rc;
}

/* Called with the database file of the write lock's holder: its WAL's writes, before others may read them. */
static int wal_flush_of(pf_file *db)
{
	if (!db->sp || !db->holds_write)
		return SQLITE_OK;
	pf_file *w = atomic_load(&db->sp->wal_kept);
	int rc = w ? wal_flush(w) : SQLITE_OK;
	if (rc != SQLITE_OK)
		log_error("sqlite: the WAL's frames could not be written (%d)", rc);
	return rc;
}

static int wal_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	pf_file *w = (pf_file *)f;
	if (!w->sp || amt <= 0)
		return w->real->pMethods->xWrite(w->real, buf, amt, off);
	/* A frame's header: its bytes 4 to 7, the database's size after a commit, say whether it commits. */
	const unsigned char *b = buf;
	bool commit_head = amt == WAL_FRAME_HEAD && (b[4] | b[5] | b[6] | b[7]) != 0;
	bool page_of_commit = w->commit_kept;
	int rc = SQLITE_OK;
	if (!(w->nkept && off == w->from + (sqlite3_int64)w->nkept && w->nkept + (size_t)amt <= WAL_KEEP)) {
		if ((rc = wal_flush(w)) != SQLITE_OK)
			return rc;
		if ((size_t)amt > WAL_KEEP || (!w->kept && !(w->kept = malloc(WAL_KEEP)))) {
			rc = w->real->pMethods->xWrite(w->real, buf, amt, off);
			w->commit_kept = rc == SQLITE_OK && commit_head;
			return rc;
		}
		w->from = off;
	}
	memcpy(w->kept + w->nkept, buf, (size_t)amt);
	w->nkept += (size_t)amt;
	atomic_store(&w->sp->wal_kept, w);
	if (page_of_commit)
		return wal_flush(w); /* the commit's frames written: its error is the commit's */
	w->commit_kept = commit_head;
	return SQLITE_OK;
}

static int wal_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	pf_file *w = (pf_file *)f;
	int rc = wal_flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xRead(w->real, buf, amt, off);
}

static int wal_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	pf_file *w = (pf_file *)f;
	int rc = wal_flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xTruncate(w->real, size);
}

static int wal_sync(sqlite3_file *f, int flags)
{
	pf_file *w = (pf_file *)f;
	int rc = wal_flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xSync(w->real, flags);
}

static int wal_size(sqlite3_file *f, sqlite3_int64 *size)
{
	pf_file *w = (pf_file *)f;
	int rc = wal_flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xFileSize(w->real, size);
}

static int wal_control(sqlite3_file *f, int op, void *arg)
{
	pf_file *w = (pf_file *)f;
	int rc = wal_flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xFileControl(w->real, op, arg);
}

static int pf_shm_lock(sqlite3_file *f, int ofst, int n, int flags)
{
	pf_file *p = (pf_file *)f;
	shared_pages *sp = p->sp;
	bool unlock = flags & SQLITE_SHM_UNLOCK, excl = flags & SQLITE_SHM_EXCLUSIVE;
	bool has_write = ofst <= LK_WRITE && LK_WRITE < ofst + n, has_ckpt = ofst <= LK_CKPT && LK_CKPT < ofst + n;
	if (unlock && has_write && p->holds_write) {
		wal_flush_of(p); /* frames of a rolled-back transaction: written now, never after another writer's */
		p->holds_write = false;
	}
	if (sp && p->shm0 && unlock && excl && (has_write || has_ckpt)) {
		pthread_mutex_lock(&sp->state);
		if (atomic_load(&sp->seen_valid) && wi_word(p->shm0, WI_VERSION) == WI_FORMAT) {
			uint32_t now[4];
			wi_now(p->shm0, now);
			if (has_ckpt) {
				/* What our checkpoint wrote is in the cache already. */
				seen_set(sp, now);
			} else if (now[0] != atomic_load(&sp->seen[0]) || now[1] != atomic_load(&sp->seen[1])) {
				/* Only the write lock's holder starts the WAL again: ours did,
				 * nothing backfilled yet (a backfill since is another's). */
				now[2] = now[3] = 0;
				seen_set(sp, now);
			}
		}
		if (has_ckpt && sp->ckpt_held > 0)
			sp->ckpt_held--;
		if (has_write && sp->write_held > 0)
			sp->write_held--;
		pthread_mutex_unlock(&sp->state);
	}
	int rc = p->real->pMethods->xShmLock(p->real, ofst, n, flags);
	if (rc == SQLITE_OK && !unlock && excl && has_write)
		p->holds_write = true;
	if (sp && p->shm0 && rc == SQLITE_OK && !unlock) {
		cache_check(sp, p->shm0);
		if (excl && (has_ckpt || has_write)) {
			pthread_mutex_lock(&sp->state);
			sp->ckpt_held += has_ckpt;
			sp->write_held += has_write;
			pthread_mutex_unlock(&sp->state);
		}
	}
	return rc;
}

/* ---- the file ---- */

static bool page_sized(int amt, sqlite3_int64 off)
{
	return amt >= 512 && amt <= 65536 && (amt & (amt - 1)) == 0 && off >= 0 && off % amt == 0 && off / amt < UINT32_MAX - 1;
}

static int pf_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	pf_file *p = (pf_file *)f;
	shared_pages *sp = p->sp;
	int page = sp ? atomic_load(&sp->page) : -1;
	if (!sp || !p->shm0 || !page_sized(amt, off) || (page != 0 && page != amt) || !atomic_load(&sp->seen_valid))
		return p->real->pMethods->xRead(p->real, buf, amt, off);
	uint32_t key = (uint32_t)(off / amt) + 1;
	stripe *t = stripe_of(sp, key);
	pthread_mutex_lock(&t->lock);
	if (page > 0) {
		long s = slot_find(t, key);
		if (s >= 0) {
			memcpy(buf, t->data + (size_t)s * (size_t)amt, (size_t)amt);
			t->used_bit[s] = 1;
			pthread_mutex_unlock(&t->lock);
			atomic_fetch_add_explicit(&st_hits, 1, memory_order_relaxed);
			return SQLITE_OK;
		}
	}
	uint64_t gen = t->gen;
	pthread_mutex_unlock(&t->lock);
	int rc = p->real->pMethods->xRead(p->real, buf, amt, off);
	atomic_fetch_add_explicit(&st_misses, 1, memory_order_relaxed);
	if (rc != SQLITE_OK)
		return rc;
	size_raise(sp, off + amt);
	if (page == 0) {
		pthread_mutex_lock(&sp->state);
		if (atomic_load(&sp->page) == 0)
			cache_setup(sp, amt);
		pthread_mutex_unlock(&sp->state);
		if (atomic_load(&sp->page) != amt)
			return rc;
	}
	pthread_mutex_lock(&t->lock);
	if (t->gen == gen && atomic_load(&sp->seen_valid))
		slot_put(t, amt, key, buf);
	pthread_mutex_unlock(&t->lock);
	return rc;
}

static int pf_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	pf_file *p = (pf_file *)f;
	shared_pages *sp = p->sp;
	int rc = p->real->pMethods->xWrite(p->real, buf, amt, off);
	if (!sp)
		return rc;
	if (rc == SQLITE_OK)
		size_raise(sp, off + amt);
	atomic_fetch_add_explicit(&st_writes, 1, memory_order_relaxed);
	int pg = atomic_load(&sp->page);
	if (pg <= 0) {
		/* Nothing kept yet: only the reads under way must not fill. */
		for (int i = 0; i < STRIPES; i++) {
			pthread_mutex_lock(&sp->st[i].lock);
			sp->st[i].gen++;
			pthread_mutex_unlock(&sp->st[i].lock);
		}
		return rc;
	}
	sqlite3_int64 first = off / pg, last = (off + amt - 1) / pg;
	for (sqlite3_int64 k = first; k <= last && k < UINT32_MAX - 1; k++) {
		uint32_t key = (uint32_t)k + 1;
		stripe *t = stripe_of(sp, key);
		pthread_mutex_lock(&t->lock);
		if (rc == SQLITE_OK && off <= k * pg && off + amt >= (k + 1) * pg) {
			if (slot_find(t, key) >= 0)
				slot_put(t, pg, key, (const unsigned char *)buf + (k * pg - off));
		} else {
			slot_forget(t, key);
		}
		t->gen++;
		pthread_mutex_unlock(&t->lock);
	}
	return rc;
}

static int pf_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	pf_file *p = (pf_file *)f;
	shared_pages *sp = p->sp;
	sqlite3_int64 before = -1;
	if (sp && p->real->pMethods->xFileSize(p->real, &before) != SQLITE_OK)
		before = -1;
	int rc = p->real->pMethods->xTruncate(p->real, size);
	int pg = sp ? atomic_load(&sp->page) : 0;
	if (!sp || (rc == SQLITE_OK && before >= 0 && size >= before))
		return rc; /* every checkpoint that ends the WAL truncates to the size the file has */
	if (pg <= 0 || rc != SQLITE_OK) {
		pthread_mutex_lock(&sp->state);
		cache_empty(sp);
		pthread_mutex_unlock(&sp->state);
		return rc;
	}
	/* The pages past the new end are forgotten. */
	atomic_store(&sp->size, -1);
	for (int i = 0; i < STRIPES; i++) {
		stripe *t = &sp->st[i];
		pthread_mutex_lock(&t->lock);
		for (uint32_t k = 0; k < t->used; k++)
			if (t->pgno_of[k] && (sqlite3_int64)(t->pgno_of[k] - 1) * pg >= size)
				slot_forget(t, t->pgno_of[k]);
		t->gen++;
		pthread_mutex_unlock(&t->lock);
	}
	return rc;
}

static void pages_release(shared_pages *sp)
{
	pthread_mutex_lock(&registry);
	if (--sp->refs == 0) {
		log_debug("sqlite: shared page cache: %llu pages served, %llu read, %llu written, emptied %llu times (process so far)",
		          (unsigned long long)atomic_load(&st_hits), (unsigned long long)atomic_load(&st_misses),
		          (unsigned long long)atomic_load(&st_writes), (unsigned long long)atomic_load(&st_drops));
		for (shared_pages **at = &caches; *at; at = &(*at)->next)
			if (*at == sp) {
				*at = sp->next;
				break;
			}
		pthread_mutex_destroy(&sp->state);
		for (int i = 0; i < STRIPES; i++) {
			stripe *t = &sp->st[i];
			pthread_mutex_destroy(&t->lock);
			free(t->pgno_of), free(t->used_bit), free(t->lent), free(t->hash), free(t->data);
		}
		free(sp);
	}
	pthread_mutex_unlock(&registry);
}

/* The pages of the file at path, made if `make` (a main database), else only if one of ours has them. */
static shared_pages *pages_attach(const char *path, bool make)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	pthread_mutex_lock(&registry);
	shared_pages *sp = caches;
	while (sp && (sp->dev != st.st_dev || sp->ino != st.st_ino))
		sp = sp->next;
	if (!sp && make && (sp = calloc(1, sizeof *sp)) != NULL) {
		sp->dev = st.st_dev, sp->ino = st.st_ino;
		atomic_init(&sp->size, -1);
		pthread_mutex_init(&sp->state, NULL);
		for (int i = 0; i < STRIPES; i++)
			pthread_mutex_init(&sp->st[i].lock, NULL);
		sp->next = caches;
		caches = sp;
	}
	if (sp)
		sp->refs++;
	pthread_mutex_unlock(&registry);
	return sp;
}

static int pf_close(sqlite3_file *f)
{
	pf_file *p = (pf_file *)f;
	int rc = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
	if (p->sp)
		pages_release(p->sp);
	p->sp = NULL;
	return rc;
}

static int pf_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **pp)
{
	pf_file *p = (pf_file *)f;
	int rc = p->real->pMethods->xShmMap(p->real, region, size, extend, pp);
	if (rc == SQLITE_OK && region == 0 && *pp)
		p->shm0 = *pp;
	return rc;
}

static int pf_shm_unmap(sqlite3_file *f, int del)
{
	pf_file *p = (pf_file *)f;
	p->shm0 = NULL;
	return p->real->pMethods->xShmUnmap(p->real, del);
}

/* The rest is SQLite's own. */
#define REAL(f) (((pf_file *)(f))->real)
static int pf_sync(sqlite3_file *f, int flags) { return REAL(f)->pMethods->xSync(REAL(f), flags); }
static int pf_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int pf_lock(sqlite3_file *f, int level) { return REAL(f)->pMethods->xLock(REAL(f), level); }
static int pf_unlock(sqlite3_file *f, int level) { return REAL(f)->pMethods->xUnlock(REAL(f), level); }
static int pf_reserved(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int pf_control(sqlite3_file *f, int op, void *arg)
{
	pf_file *p = (pf_file *)f;
	if (op == SQLITE_FCNTL_MMAP_SIZE && p->sp && lending) {
		/* Pages are lent from the cache (pf_fetch), never from a map of the file: the limit is only recorded. */
		sqlite3_int64 *v = arg, was = p->lend_max;
		if (*v >= 0)
			p->lend_max = *v;
		*v = was;
		return SQLITE_OK;
	}
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int pf_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int pf_device(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static void pf_shm_barrier(sqlite3_file *f)
{
	wal_flush_of((pf_file *)f); /* the writer's barrier comes before the WAL index says its frames are there */
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

/* A page lent in place (SQLite's xFetch, asked when mmap_size is set): SQLite reads it where the cache keeps it
 * instead of copying it into a buffer of its connection — the copy that every transaction made of every page
 * it touched, each commit of another connection emptying its own cache. The slot is not reused, nor given
 * another page, until SQLite gives it back (xUnfetch); SQLite asks only for a page that no WAL frame of its
 * snapshot holds, and never writes one (a mapped file is read-only to it). A page not kept is read into a slot
 * claimed for it. NULL (SQLite then reads the page itself, pf_read) when the cache cannot serve. */
static int pf_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	pf_file *p = (pf_file *)f;
	shared_pages *sp = p->sp;
	if (!sp || !lending)
		return REAL(f)->pMethods->xFetch(REAL(f), off, amt, pp); /* a map of the file, if OPENCCAS_MMAP_MB asked */
	*pp = NULL;
	int page = atomic_load(&sp->page);
	if (!p->shm0 || page <= 0 || amt != page || !page_sized(amt, off) || !atomic_load(&sp->seen_valid))
		return SQLITE_OK;
	int64_t size = atomic_load(&sp->size);
	if (size < 0) {
		sqlite3_int64 now = 0;
		if (p->real->pMethods->xFileSize(p->real, &now) != SQLITE_OK)
			return SQLITE_OK;
		atomic_compare_exchange_strong(&sp->size, &size, now); /* unless a write or a read raised it meanwhile */
		size = now;
	}
	if (off + amt > size) {
		atomic_fetch_add_explicit(&st_past_end, 1, memory_order_relaxed);
		return SQLITE_OK; /* a page this connection's transaction added: in its own cache, not in the file */
	}
	uint32_t key = (uint32_t)(off / amt) + 1;
	stripe *t = stripe_of(sp, key);
	pthread_mutex_lock(&t->lock);
	long s = slot_find(t, key);
	if (s >= 0) {
		t->lent[s]++;
		t->used_bit[s] = 1;
		pthread_mutex_unlock(&t->lock);
		atomic_fetch_add_explicit(&st_hits, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&st_lent, 1, memory_order_relaxed);
		*pp = t->data + (size_t)s * (size_t)amt;
		return SQLITE_OK;
	}
	uint64_t gen = t->gen;
	if ((s = slot_claim(t)) >= 0)
		t->lent[s] = 1; /* its own while it is read: no one else's, in no table */
	pthread_mutex_unlock(&t->lock);
	if (s < 0) {
		atomic_fetch_add_explicit(&st_refused, 1, memory_order_relaxed);
		return SQLITE_OK;
	}
	unsigned char *at = t->data + (size_t)s * (size_t)amt;
	int rc = p->real->pMethods->xRead(p->real, at, amt, off);
	atomic_fetch_add_explicit(&st_misses, 1, memory_order_relaxed);
	pthread_mutex_lock(&t->lock);
	if (rc != SQLITE_OK)
		t->lent[s] = 0; /* past the end, or an error: SQLite reads it and says so */
	else if (t->gen == gen && atomic_load(&sp->seen_valid) && slot_find(t, key) < 0)
		slot_link(t, s, key); /* else kept out of the table, lent until given back, then reused */
	pthread_mutex_unlock(&t->lock);
	if (rc != SQLITE_OK)
		return SQLITE_OK;
	atomic_fetch_add_explicit(&st_lent, 1, memory_order_relaxed);
	*pp = at;
	return SQLITE_OK;
}

static int pf_unfetch(sqlite3_file *f, sqlite3_int64 off, void *pg)
{
	pf_file *p = (pf_file *)f;
	shared_pages *sp = p->sp;
	if (!sp || !lending)
		return REAL(f)->pMethods->xUnfetch(REAL(f), off, pg);
	int page = atomic_load(&sp->page);
	if (!pg || page <= 0)
		return SQLITE_OK; /* NULL: "forget every map" — there is none */
	stripe *t = stripe_of(sp, (uint32_t)(off / page) + 1);
	size_t s = (size_t)((unsigned char *)pg - t->data) / (size_t)page;
	pthread_mutex_lock(&t->lock);
	if (s < t->nslots && t->lent[s])
		t->lent[s]--;
	pthread_mutex_unlock(&t->lock);
	return SQLITE_OK;
}

static int wal_close(sqlite3_file *f)
{
	pf_file *w = (pf_file *)f;
	int rc = wal_flush(w);
	int rc2 = w->real->pMethods ? w->real->pMethods->xClose(w->real) : SQLITE_OK;
	free(w->kept);
	w->kept = NULL;
	if (w->sp)
		pages_release(w->sp);
	w->sp = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

static int wal_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp) { return REAL(f)->pMethods->xFetch(REAL(f), off, amt, pp); }
static int wal_unfetch(sqlite3_file *f, sqlite3_int64 off, void *pg) { return REAL(f)->pMethods->xUnfetch(REAL(f), off, pg); }

static const sqlite3_io_methods wal_methods = {
	3, wal_close, wal_read, wal_write, wal_truncate, wal_sync, wal_size, pf_lock, pf_unlock, pf_reserved, wal_control,
	pf_sector, pf_device, pf_shm_map, pf_shm_lock, pf_shm_barrier, pf_shm_unmap, wal_fetch, wal_unfetch,
};

static const sqlite3_io_methods pf_methods = {
	3, pf_close, pf_read, pf_write, pf_truncate, pf_sync, pf_size, pf_lock, pf_unlock, pf_reserved, pf_control, pf_sector,
	pf_device, pf_shm_map, pf_shm_lock, pf_shm_barrier, pf_shm_unmap, pf_fetch, pf_unfetch,
};

static int pf_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	(void)vfs;
	bool wal = flags & SQLITE_OPEN_WAL;
	if (!(flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) || !name)
		return real_vfs->xOpen(real_vfs, name, f, flags, out_flags); /* SQLite's own file, in place */
	pf_file *p = (pf_file *)f;
	memset(p, 0, sizeof *p);
	p->real = (sqlite3_file *)(p + 1);
	const sqlite3_io_methods *mine = wal ? &wal_methods : &pf_methods;
	int rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		/* SQLite closes a file whose methods are set, even on failure. */
		p->base.pMethods = p->real->pMethods ? mine : NULL;
		return rc;
	}
	/* A file whose methods are not the version we forward stays SQLite's. A WAL keeps its writes only when
	 * its database is one of ours (whose barrier and lock release write them). */
	if (p->real->pMethods->iVersion >= 3)
		p->sp = wal ? pages_attach(sqlite3_filename_database(name), false) : pages_attach(name, true);
	p->base.pMethods = mine;
	return SQLITE_OK;
}

#define VREAL real_vfs
static int pf_delete(sqlite3_vfs *v, const char *name, int sync) { (void)v; return VREAL->xDelete(VREAL, name, sync); }
static int pf_access(sqlite3_vfs *v, const char *name, int flags, int *out) { (void)v; return VREAL->xAccess(VREAL, name, flags, out); }
static int pf_fullpath(sqlite3_vfs *v, const char *name, int n, char *out) { (void)v; return VREAL->xFullPathname(VREAL, name, n, out); }
static void *pf_dlopen(sqlite3_vfs *v, const char *name) { (void)v; return VREAL->xDlOpen(VREAL, name); }
static void pf_dlerror(sqlite3_vfs *v, int n, char *out) { (void)v; VREAL->xDlError(VREAL, n, out); }
static void (*pf_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void) { (void)v; return VREAL->xDlSym(VREAL, h, sym); }
static void pf_dlclose(sqlite3_vfs *v, void *h) { (void)v; VREAL->xDlClose(VREAL, h); }
static int pf_random(sqlite3_vfs *v, int n, char *out) { (void)v; return VREAL->xRandomness(VREAL, n, out); }
static int pf_sleep(sqlite3_vfs *v, int us) { (void)v; return VREAL->xSleep(VREAL, us); }
static int pf_time(sqlite3_vfs *v, double *out) { (void)v; return VREAL->xCurrentTime(VREAL, out); }
static int pf_lasterr(sqlite3_vfs *v, int n, char *out) { (void)v; return VREAL->xGetLastError(VREAL, n, out); }
static int pf_time64(sqlite3_vfs *v, sqlite3_int64 *out) { (void)v; return VREAL->xCurrentTimeInt64(VREAL, out); }
static int pf_setsys(sqlite3_vfs *v, const char *name, sqlite3_syscall_ptr fn) { (void)v; return VREAL->xSetSystemCall(VREAL, name, fn); }
static sqlite3_syscall_ptr pf_getsys(sqlite3_vfs *v, const char *name) { (void)v; return VREAL->xGetSystemCall(VREAL, name); }
static const char *pf_nextsys(sqlite3_vfs *v, const char *name) { (void)v; return VREAL->xNextSystemCall(VREAL, name); }

bool sqlite_pages_lending(void) { return lending; }

int sqlite_pages_register(long mb, bool lend)
{
	if (mb <= 0)
		return SQLITE_OK;
	real_vfs = sqlite3_vfs_find("unix");
	if (!real_vfs || real_vfs->iVersion < 3)
		return SQLITE_ERROR;
	capacity_bytes = (size_t)mb * 1024 * 1024;
	pf_vfs = (sqlite3_vfs){
		.iVersion = 3,
		.szOsFile = (int)sizeof(pf_file) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname,
		.zName = "openccas-pages",
		.xOpen = pf_open,
		.xDelete = pf_delete,
		.xAccess = pf_access,
		.xFullPathname = pf_fullpath,
		.xDlOpen = pf_dlopen,
		.xDlError = pf_dlerror,
		.xDlSym = pf_dlsym,
		.xDlClose = pf_dlclose,
		.xRandomness = pf_random,
		.xSleep = pf_sleep,
		.xCurrentTime = pf_time,
		.xGetLastError = pf_lasterr,
		.xCurrentTimeInt64 = pf_time64,
		.xSetSystemCall = pf_setsys,
		.xGetSystemCall = pf_getsys,
		.xNextSystemCall = pf_nextsys,
	};
	int rc = sqlite3_vfs_register(&pf_vfs, 1);
	lending = rc == SQLITE_OK && lend;
	return rc;
}

void sqlite_pages_stats(sqlite_pages_info *out)
{
	memset(out, 0, sizeof *out);
	out->hits = atomic_load(&st_hits);
	out->misses = atomic_load(&st_misses);
	out->writes = atomic_load(&st_writes);
	out->drops = atomic_load(&st_drops);
	out->lent = atomic_load(&st_lent);
	out->refused = atomic_load(&st_refused);
	out->past_end = atomic_load(&st_past_end);
	pthread_mutex_lock(&registry);
	for (shared_pages *sp = caches; sp; sp = sp->next)
		for (int i = 0; i < STRIPES; i++) {
			pthread_mutex_lock(&sp->st[i].lock);
			out->pages += sp->st[i].used;
			out->capacity += sp->st[i].nslots;
			for (uint32_t k = 0; sp->st[i].lent && k < sp->st[i].nslots; k++)
				out->lent_now += sp->st[i].lent[k];
			pthread_mutex_unlock(&sp->st[i].lock);
		}
	pthread_mutex_unlock(&registry);
}
