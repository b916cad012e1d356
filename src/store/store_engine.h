/*
 * store_engine.h — what store.c needs from each engine. Internal to src/store.
 */
#ifndef STORE_ENGINE_H
#define STORE_ENGINE_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include "store.h"

#define DB_MAX_ARGS 64

struct kept_table;
struct db {
	db_engine engine;
	struct kept_table *_Atomic kept; /* the rows of DB_KEPT statements (store_kept.c); NULL until the first */
	char *target;            /* file path or libpq conninfo */
	bool sync_full;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	db_conn **idle;
	int nidle, nopen, max;
	pthread_mutex_t write_lock;  /* SQLite: one writer at a time in this process */
	atomic_int writers;          /* SQLite: connections holding or waiting for it (the syncer waits for their commits) */
	pthread_rwlock_t scoped_lock;
	/* SQLite group commit (store_sqlite.c): commits write the WAL without
	 * waiting for the disk; before a commit is acknowledged, one thread
	 * syncs the WAL for every commit written until then. */
	pthread_mutex_t flush_lock;
	pthread_cond_t flush_cond;
	uint64_t written;        /* commits whose WAL frames are written */
	uint64_t synced;         /* commits known to be on disk */
	bool flushing;
	int flush_errors;        /* syncs that failed (each logged) */
	int wal_fd;              /* -1 until the first sync */
	uint64_t syncs;          /* syncs done (the bench says how many commits share one) */
	/* Commits waited for without their thread (db_durable_later): a thread syncs for them. */
	pthread_cond_t later_cond;
	db_wait *later;
	pthread_t sync_thread;
	bool sync_running, sync_stop, sync_failed;
	/* SQLite's checkpoints, made by a thread of their own (store_sqlite.c). */
	pthread_mutex_t ckpt_lock;
	pthread_cond_t ckpt_cond;
	pthread_t ckpt_thread;
	bool ckpt_running, ckpt_wanted, ckpt_busy, ckpt_stop, ckpt_failed;
	int ckpt_left;           /* the WAL's frames when the last checkpoint ended */
	uint64_t ckpts;
	char **scoped;           /* tables with a structure_id column */
	int nscoped;
};

struct db_conn {
	db *d;
	void *h;                 /* sqlite3 * or PGconn * */
	int64_t scope;
	int64_t kept_version;    /* the structure's reference version the request read (db_conn_kept_version); -1: none */
	bool in_tx;
	uint64_t txs;            /* transactions begun on this connection (db_conn_tx) */
	bool snapshot;           /* SQLite: a read transaction shared by the reads of a request (db_snapshot) */
	bool holds_write;
	int failures;            /* E_DB / E_INTERNAL since taken from the pool */
	bool unsure;             /* one of them a commit written but not known on disk (E_UNSURE) */
	bool wrote;              /* a write transaction committed since taken from the pool */
	bool strict;             /* a request's: no write transaction begins after a failure (db_conn_strict) */
	int tx_failures;         /* failures when the transaction began (or its last part was undone): db_commit */
	int statements;          /* statements run since taken from the pool (the access log says how many a page took) */
	int64_t steps;           /* SQLite: the virtual machine's steps of those statements (rows looked at, and more) */
	uint64_t ticket;         /* the last commit of this connection not yet known on disk, 0 if none (PostgreSQL: 1) */
	bool write_tx;           /* the transaction open is a write (db_begin(c, true)) */
	uint64_t last_commit;    /* SQLite: the number of this connection's last commit (tests) */
	bool defer;              /* its commits do not wait for the disk: the caller does (db_conn_defer) */
	bool copy_sent;          /* PostgreSQL: a COPY sent whose answer is read by the connection's next exchange */
	bool replica;            /* PostgreSQL: the session's replication role set to replica (an unchecked COPY's) */
	/* By statement id: sqlite3_stmt *, or (void *)1 on PG. Grows with the
	 * ids handed out (no fixed number of statements). */
	void **prepared;
	int nprepared;
};

/* A table copied unchecked in a transaction (db_copy_check). */
typedef struct db_copied {
	char table[64];
	int64_t before; /* its largest id before */
} db_copied;

typedef struct db_engine_ops {
	err (*connect)(db_conn *c);
	void (*disconnect)(db_conn *c);
	err (*prepare)(db_conn *c, db_sql *q, const char *text);
	err (*run)(db_conn *c, db_sql *q, db_res *r, int nargs, const db_arg *args);
	bool (*next)(db_res *r);
	void (*close)(db_res *r);
	bool (*isnull)(db_res *r, int col);
	const char *(*text)(db_res *r, int col, size_t *n);
	void *(*blob)(db_res *r, int col, arena *a, size_t *n);
	int64_t (*integer)(db_res *r, int col);
	int (*columns)(db_res *r);                    /* the result's columns */
	/* A BLOB's bytes from the text the engine's text() gave of it (kept rows keep the text): NULL: the same bytes. */
	void *(*blob_of_text)(const char *s, size_t len, arena *a, size_t *n);
	err (*simple)(db_conn *c, const char *sql);   /* BEGIN, COMMIT, DDL */
	err (*migration_lock)(db_conn *c);            /* inside a transaction */
	const char *begin_write;
	const char *scoped_tables_sql;                /* returns table names */
	char *(*ddl)(arena *a, const char *sql);      /* dialect rewrite */
	bool (*healthy)(db_conn *c);
	err (*durable)(db_conn *c);                   /* waits until c's commits are on disk (NULL: COMMIT already waits) */
	int (*durable_later)(db *d, db_wait *w);      /* db_durable_later (NULL: nothing to wait for) */
	bool (*durable_cancel)(db *d, db_wait *w);
	bool durable_after_write;                     /* every write transaction's commit is followed by durable() */
	/* A write transaction's COMMIT and durable() in one exchange with the server (NULL: two); E_DB when the
	 * transaction did not commit (it was rolled back) or its wait for the disk failed. */
	err (*commit_durable)(db_conn *c);
	err (*refresh_stats)(db_conn *c, int *analyzed); /* NULL: the engine keeps them itself (PostgreSQL's autovacuum) */
	/* NULL: rows are inserted one by one. unchecked: the table's foreign keys are not checked row by row (sent
	 * with session_replication_role = replica, set back after): copy_check checks them after. wait: its answer
	 * read now; else by the connection's next exchange (db_copy_send). */
	err (*copy)(db_conn *c, const char *sql, const char *data, size_t len, bool unchecked, bool wait);
	/* db_copy_keys_later (NULL: each row is checked as it is inserted): whether the rows sent to table may go
	 * unchecked (*later), and the table's largest id before them. */
	err (*copy_keys)(db_conn *c, const char *table, bool *later, int64_t *before);
	/* The foreign keys of the rows of all[which] past its id before, as a set: E_INTERNAL when a row names none.
	 * all: the tables copied unchecked in the transaction (a parent among them: only its rows past its before
	 * can be the transaction's own). */
	err (*copy_check)(db_conn *c, const db_copied *all, int n, int which);
	err (*cache)(db_conn *c, long mb);            /* the connection's page cache (0: its default); NULL: the server's */
} db_engine_ops;

/* The rows of DB_KEPT statements (store_kept.c). kept_find: the rows kept for q with these arguments under the
 * connection's scope and version, a reader counted (key: KEPT_KEY_LEN bytes, filled for kept_capture; *keylen 0
 * when the key is too long to keep); kept_capture: r's rows read into a block, kept when small (keylen > 0: the
 * caller captures only then), NULL when memory failed; kept_release: a reader done. */
typedef struct kept_rows kept_rows;
enum { KEPT_KEY_LEN = 512 };
kept_rows *kept_find(db_conn *c, const db_sql *q, int nargs, const db_arg *args, char key[KEPT_KEY_LEN], size_t *keylen);
kept_rows *kept_capture(db_conn *c, db_res *r, const char *key, size_t keylen);
void kept_release(kept_rows *k);
void kept_free(db *d);
bool kept_next(db_res *r);
bool kept_isnull(db_res *r, int col);
int64_t kept_int(db_res *r, int col);
const char *kept_text(db_res *r, int col, size_t *n);
void kept_stats(db *d, uint64_t *hits, uint64_t *misses);

extern const db_engine_ops db_sqlite_ops;
/* Stops SQLite's checkpointing thread, if it runs (db_close_all, before the connections close). */
void sq_checkpoints_stop(db *d);
/* Stops SQLite's syncing thread, once every commit waited for is on disk (db_close_all). */
void sq_syncer_stop(db *d);
extern const db_engine_ops db_pg_ops;
#endif
