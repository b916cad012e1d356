/*
 * store.h — the database: one interface, two engines (SQLite, PostgreSQL).
 *
 * Statements are declared once, next to the module that owns them, as
 * `static db_sql NAME = DB_SQL(flags, "SELECT … $1 …");` and prepared lazily
 * once per connection. Parameters are always bound ($1, $2 … in both
 * engines); SQL is never assembled from input.
 *
 * Structure scoping, enforced here: after migrations the store knows every
 * table that has a `structure_id` column. A statement that names one of
 * them must be declared DB_SCOPED — then $1 is the structure id, bound by
 * the store from the connection's scope (db_conn_scope), never by the
 * caller, and the caller's arguments start at $2 — or explicitly
 * DB_GLOBAL (administration across structures, login). A statement that
 * names a scoped table with neither flag is refused at prepare time
 * (E_INTERNAL, logged), and a DB_SCOPED statement run on a connection
 * without a scope is refused too. Forgetting the structure is therefore a
 * loud error in the first test that runs the statement, not a leak.
 *
 * Lifetimes: db (process), db_conn (taken from the pool for one request or
 * one command, given back with db_conn_put), db_res (one query: values
 * returned by db_text/db_blob live until the next db_next or db_close;
 * db_dup copies into an arena).
 *
 * Errors: functions return an err (E_OK, E_CONFLICT on a unique or foreign
 * key violation, E_DB otherwise); the engine's message goes to the log.
 */
#ifndef STORE_H
#define STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

/* DB_KEPT (with DB_SCOPED): a structure's reference list — rows that change only when the structure's reference
 * version changes (triggers raise it with every write of the tables the statement reads). Once a request has
 * read the version (db_conn_kept_version), the rows read under it are kept in memory and given to the next
 * requests of the same version without a statement (store_kept.c). */
enum { DB_SCOPED = 1, DB_GLOBAL = 2, DB_KEPT = 4 };

typedef struct db_sql {
	unsigned flags;
	const char *text;
	int id;          /* assigned at first use, process-wide */
} db_sql;
#define DB_SQL(flags, text) {(flags), (text), 0}

typedef enum { DBA_NULL, DBA_INT, DBA_TEXT, DBA_BLOB } db_arg_kind;
typedef struct db_arg {
	db_arg_kind kind;
	int64_t i;
	const char *s;
	size_t n;
} db_arg;
#define A_INT(x) ((db_arg){DBA_INT, (int64_t)(x), NULL, 0})
#define A_TEXT(x) ((db_arg){DBA_TEXT, 0, (x), 0})          /* NULL pointer → SQL NULL */
#define A_BLOB(p, len) ((db_arg){DBA_BLOB, 0, (const char *)(p), (len)})
#define A_NULL ((db_arg){DBA_NULL, 0, NULL, 0})
/* An integer that is NULL when zero (optional foreign keys). */
#define A_INT_OR_NULL(x) ((x) ? A_INT(x) : A_NULL)

typedef enum { DB_SQLITE, DB_POSTGRES } db_engine;
typedef struct db db;
typedef struct db_conn db_conn;

typedef struct db_res {
	db_conn *c;
	void *stmt;      /* sqlite3_stmt * */
	void *pg;        /* PGresult * */
	int row, nrows;
	bool has_row;
	err status;
	void *kept;      /* rows kept in memory (DB_KEPT), read instead of the engine's */
} db_res;

/* Opens a database from a URL: "sqlite:PATH" or "postgresql://…"
 * ("postgres://" too). pool_size bounds the open connections. NULL on
 * failure, with a French reason in *why (static string). */
db *db_open(const char *url, int pool_size, const char **why);
void db_close_all(db *d);
db_engine db_engine_of(const db *d);
/* SQLite durability: true (default) = a commit is acknowledged once the
 * WAL is on disk (a sync shared by the commits of the moment), false =
 * synchronous NORMAL (no sync at commit: a power cut may lose the last). */
void db_set_sync_full(db *d, bool full);

/* Takes a connection from the pool (waits when all are busy). */
db_conn *db_conn_get(db *d);
/* Gives it back; rolls back a transaction left open and clears the scope. */
void db_conn_put(db_conn *c);
/* Number of statements that failed (E_DB, E_INTERNAL: not conflicts)
 * since the connection was taken from the pool. The router checks it once
 * after the handler: a page built on a failed query is never shown. */
int db_conn_failures(const db_conn *c);
/* Whether one of them was a commit written but not known on disk (E_UNSURE): not « nothing was changed ». */
bool db_conn_unsure(const db_conn *c);
/* Whether a write transaction was committed on c since it was taken from the pool. */
bool db_conn_wrote(const db_conn *c);
/* A request's connection: once one of its statements failed, no write transaction begins on it (E_DB) — what it
 * would write rests on a read that failed. */
void db_conn_strict(db_conn *c);
/* The statements run on c since it was taken from the pool. */
int db_conn_statements(const db_conn *c);
/* The work of those statements on SQLite: its virtual machine's steps
 * (each row looked at is a few), counted when a statement is closed; -1 on
 * PostgreSQL (not known). Says a scan where a lookup was meant: the cost
 * of saving a person must not grow with the structure's size. */
int64_t db_conn_steps(const db_conn *c);
/* Sets the structure every DB_SCOPED statement on this connection uses. */
void db_conn_scope(db_conn *c, int64_t structure_id);
/* The structure's reference version, as the request read it (with its session): DB_KEPT statements are then
 * answered from memory when their rows under this version are known. Until the connection goes back to the pool;
 * forgotten at the first write (a write transaction, or a statement that is not a SELECT): the request's own
 * writes are read from the database. */
void db_conn_kept_version(db_conn *c, int64_t version);
/* DB_KEPT statements answered from memory, and read from the database, since the start (tests, the benchmark). */
void db_kept_stats(db *d, uint64_t *hits, uint64_t *misses);
int64_t db_conn_structure(const db_conn *c);
db_engine db_conn_engine(const db_conn *c);

/* SQLite: the reads that follow share one snapshot (a read transaction)
 * until a transaction begins, a statement writes, db_snapshot_end, or the
 * connection goes back to the pool. Each commit of another connection
 * empties this one's page cache at its next read transaction; with one per
 * statement, a page of forty statements under load re-read its pages
 * several times. The router opens one per request. PostgreSQL: nothing. */
void db_snapshot(db_conn *c);
void db_snapshot_end(db_conn *c);

/* Answers that wait for the disk without holding their thread (SQLite's
 * group commit; the web's requests). After db_conn_defer(c), the commits of
 * c do not wait until they are on disk, nor does db_conn_put: the caller
 * reads db_conn_ticket(c) before giving c back and, if it is not 0, does
 * not answer before db_durable_later says the disk has it. On PostgreSQL
 * the wait is a statement of the connection's (store_pg.c): db_conn_defer
 * changes nothing there, and the ticket is 0 once given back. */
void db_conn_defer(db_conn *c);
uint64_t db_conn_ticket(const db_conn *c); /* the last commit of c not known on disk; 0: none */
typedef struct db_wait db_wait;
struct db_wait {
	uint64_t ticket;
	void (*done)(db_wait *w, bool ok); /* called once, from another thread; ok: on disk */
	db_wait *next;
};
/* 1: on disk (or nothing to wait for); -1: the syncs failed (every commit
 * is refused until the server restarts); 0: w->done will say. */
int db_durable_later(db *d, db_wait *w);
/* w no longer waited for: true when it was still waiting (w->done will not be called), false when w->done is
 * being or was called. */
bool db_durable_cancel(db *d, db_wait *w);

/* Transactions. write=true takes the write lock at once on SQLite
 * (BEGIN IMMEDIATE) so two writers never deadlock on upgrade. */
err db_begin(db_conn *c, bool write);
/* After db_begin, for an import writing many rows in this one transaction: on PostgreSQL the checks of foreign
 * keys are then planned for each row, as the tables grow. Planned once (the session's cached plan), a check made
 * while a new database's table was still small scans that table whole for every row: an import of 60 000 persons
 * into a new database read 3.5 billion rows in 345 s (33 s with this). SQLite: nothing. */
err db_bulk(db_conn *c);
/* For a command writing many rows at random places of large indexes (the command-line import): the connection's
 * page cache at mb MiB, 0 back to its default (SQLite: 500 000 persons into a database of 400 000 households,
 * 14–21 s with the 16 MiB of a server's connection, 10.5 s with 256). PostgreSQL: nothing, its cache is the
 * server's. */
err db_bulk_cache(db_conn *c, long mb);
/* E_DB, and the transaction rolled back, when one of its statements failed (E_DB, E_INTERNAL, E_NOMEM) outside a
 * part undone since (db_part_end): what the caller did after a failure it did not see is never committed. */
err db_commit(db_conn *c);
void db_rollback(db_conn *c);
bool db_in_tx(const db_conn *c);
/* The transaction open on c, by its number on c (one more at each begin); 0 when none is open. */
uint64_t db_conn_tx(const db_conn *c);
/* The end of a transaction: commits when e is E_OK (returning the
 * commit's outcome), else rolls back and returns e. */
err db_finish(db_conn *c, err e);
/* A part of the open transaction that may fail alone: db_part_begin marks
 * where it starts, db_part_end keeps it (keep) or undoes it, the transaction
 * going on (on PostgreSQL a failed statement would otherwise abort the whole
 * transaction). db_part_end's error says the transaction cannot go on (the
 * part could not be undone or closed): the caller rolls it back. name: a
 * fixed identifier, never input. */
err db_part_begin(db_conn *c, const char *name);
err db_part_end(db_conn *c, const char *name, bool keep);

/* Runs q with args; rows are read with db_next. Always call db_close. */
err db_query(db_conn *c, db_sql *q, db_res *r, int nargs, const db_arg *args);
bool db_next(db_res *r);
void db_close(db_res *r);
bool db_isnull(db_res *r, int col);
int64_t db_int(db_res *r, int col);
const char *db_text(db_res *r, int col);          /* "" for NULL */
char *db_dup(db_res *r, int col, arena *a);        /* NULL for NULL */
/* Copies a BLOB column into the arena; *n gets its size. */
void *db_blob(db_res *r, int col, arena *a, size_t *n);

/* Runs q and discards rows; *changes (may be NULL) gets rows affected. */
err db_exec(db_conn *c, db_sql *q, int nargs, const db_arg *args, int64_t *changes);
/* Runs q (an INSERT … RETURNING id, or any query whose first column of the
 * first row is an integer) and stores that integer in *id (0 if no row). */
err db_exec_id(db_conn *c, db_sql *q, int nargs, const db_arg *args, int64_t *id);

#define DB_NARGS(...) (int)(sizeof((db_arg[]){__VA_ARGS__}) / sizeof(db_arg))
#define DBQ(c, q, r, ...) db_query((c), (q), (r), DB_NARGS(__VA_ARGS__), (db_arg[]){__VA_ARGS__})
#define DBQ0(c, q, r) db_query((c), (q), (r), 0, NULL)
#define DBX(c, q, changes, ...) db_exec((c), (q), DB_NARGS(__VA_ARGS__), (db_arg[]){__VA_ARGS__}, (changes))
#define DBX0(c, q, changes) db_exec((c), (q), 0, NULL, (changes))
#define DBID0(c, q, id) db_exec_id((c), (q), 0, NULL, (id))
#define DBID(c, q, id, ...) db_exec_id((c), (q), DB_NARGS(__VA_ARGS__), (db_arg[]){__VA_ARGS__}, (id))

/* A list's rows by id, fifty a statement (never one a row): "… AND id IN " DB_IN50 takes $2…$51 after the
 * structure; db_in50_args puts ids[from, to) there, 0 (which no row has) in the places left. */
enum { DB_IN_N = 50 };
#define DB_IN50 "($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, " \
	"$24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, " \
	"$47, $48, $49, $50, $51)"
void db_in50_args(db_arg args[DB_IN_N], const int64_t *ids, int from, int to);
/* Runs q (its only arguments the fifty) over all n ids, fifty at a time: row(res, from, to, ctx) for each row of
 * the statement that had ids[from, to). */
err db_in50_each(db_conn *c, db_sql *q, const int64_t *ids, int n, void (*row)(db_res *res, int from, int to, void *ctx),
                 void *ctx);

/* A list's statement with optional filters, made of fixed pieces (never of input) — a filter not asked is not in
 * the statement, so the engine plans each set of filters with the index that serves it (one statement shaped
 * `($2 = '' OR col = $2)` is planned once for all values and reads the structure's whole index):
 *   static const char *const WHERE[] = {" AND status = ?", " AND (instructor_id = ? OR created_by = ?)", …};
 *   static db_filtered F = DB_FILTERED(DB_SCOPED, "SELECT … WHERE structure_id = $1", 1, WHERE,
 *                                      " ORDER BY id DESC LIMIT ? OFFSET ?");
 *   db_pick p = DB_PICK;
 *   if (*status) DB_PICK_ON(&p, 0, A_TEXT(status));
 *   DBQF(c, &F, &p, &res, A_INT(limit), A_INT(offset));
 * The head's own parameters are $1…$head_params (a DB_SCOPED head's $1 is the structure, given by the store, its
 * others given first with db_pick_arg); each '?' of a clause asked, then of the tail, is the next parameter, its
 * argument given in that order. Clauses are asked in their order; at most 12. Made once for each set of clauses
 * asked and kept for the process; a count and a page share the clauses and the pick (two families, one array). A
 * pick whose arguments do not match the statement's parameters is refused (E_INTERNAL, logged). */
typedef struct db_filtered {
	unsigned flags;
	const char *head;
	int head_params;
	const char *const *clauses;
	int nclauses;
	const char *tail;
	void *made;          /* the statements made, by set of clauses (filtered.c) */
} db_filtered;
#define DB_FILTERED(flags, head, head_params, clauses, tail) \
	{(flags), (head), (head_params), (clauses), (int)(sizeof(clauses) / sizeof *(clauses)), (tail), NULL}
enum { DB_PICK_MAX = 32 };
typedef struct db_pick {
	unsigned mask;       /* the clauses asked */
	int last;            /* the last clause asked: -1 at first */
	int n;
	bool bad;            /* asked out of order, or too many arguments */
	db_arg args[DB_PICK_MAX];
} db_pick;
#define DB_PICK {.last = -1}
void db_pick_arg(db_pick *p, db_arg a);
void db_pick_on(db_pick *p, int clause, int nargs, const db_arg *args);
#define DB_PICK_ON(p, clause, ...) db_pick_on((p), (clause), DB_NARGS(__VA_ARGS__), (db_arg[]){__VA_ARGS__})
#define DB_PICK_ON0(p, clause) db_pick_on((p), (clause), 0, NULL)
err db_query_filtered(db_conn *c, db_filtered *f, const db_pick *p, db_res *r, int ntail, const db_arg *tail);
#define DBQF(c, f, p, r, ...) db_query_filtered((c), (f), (p), (r), DB_NARGS(__VA_ARGS__), (db_arg[]){__VA_ARGS__})
#define DBQF0(c, f, p, r) db_query_filtered((c), (f), (p), (r), 0, NULL)

/* Many rows into one table in an import's transaction, declared once:
 *   static db_copy_sql C_T = DB_COPY("t", "structure_id, a, b", "$1, $2, $3");
 * The first column is structure_id (checked: E_INTERNAL otherwise): the store writes the connection's scope there
 * and a row's arguments start with the second. SQLite: each row is one step of the prepared INSERT, at once (in-process, nothing to gain by
 * waiting). PostgreSQL: the rows are kept in memory as COPY text and sent by db_copy_flush in one COPY … FROM
 * STDIN — one round trip and no statement planned for thousands of rows (an import's statement a row made the
 * engine's planning and the round trips its cost: 1 400 persons a second). Until flushed they are not in the
 * table: the caller flushes its tables in the order of their foreign keys, often enough to bound the memory
 * (db_copy_pending says how much is kept), and before any statement that reads them. */
typedef struct db_copy_sql {
	db_sql insert;
	const char *copy;
} db_copy_sql;
#define DB_COPY(table, cols, values) \
	{DB_SQL(DB_SCOPED, "INSERT INTO " table " (" cols ") VALUES (" values ")"), "COPY " table " (" cols ") FROM STDIN"}
typedef struct db_copy {
	db_conn *c;
	db_copy_sql *q;
	arena a;
	buf b;
	long rows;           /* kept, not yet sent */
	bool checked;        /* its first column is structure_id */
	bool keys_later;     /* db_copy_keys_later asked */
	bool looked;         /* … and the engine answered (at the first flush) */
	bool unchecked;      /* its rows are sent without the row-by-row checks of their foreign keys */
	int64_t before;      /* then: the table's largest id before them */
} db_copy;
void db_copy_init(db_copy *cp, db_conn *c, db_copy_sql *q);
err db_copy_row(db_copy *cp, int nargs, const db_arg *args);
#define DBCOPY(cp, ...) db_copy_row((cp), DB_NARGS(__VA_ARGS__), (db_arg[]){__VA_ARGS__})
err db_copy_flush(db_copy *cp);
/* As db_copy_flush, but PostgreSQL's answer is read by the connection's next exchange — a statement, a flush, the
 * commit —, which returns its error: the caller makes its next rows while the server writes these. */
err db_copy_send(db_copy *cp);
size_t db_copy_pending(const db_copy *cp);
/* Forgets what was not flushed. */
void db_copy_free(db_copy *cp);
/* An import's foreign keys checked as a set, not row by row. PostgreSQL checks each row's keys with a trigger that
 * runs a statement (half of a million-row import's time); after db_copy_keys_later the rows this copy sends skip it
 * when the database role may set session_replication_role (a superuser; PostgreSQL 15: or
 *   GRANT SET ON PARAMETER session_replication_role TO <role>)
 * and the table has no trigger of its own (it would be skipped too) — and the caller checks them all, after its
 * last flush, with db_copy_check, given every copy of its transaction (a parent among them: only its rows past its
 * largest id before can be the transaction's own): for each foreign key of each table, one statement over the
 * rows past the table's largest id before its first flush (E_INTERNAL, and the caller's transaction rolled back,
 * when one names no row); the rows they name that the transaction did not write are locked as the row-by-row
 * check locks them. Otherwise,
 * and on SQLite (a lookup in the parent's key: nothing to gain), each row is checked as it is inserted and
 * db_copy_check does nothing. The table's key is an integer column named id; rows the import did not write past
 * its largest (other sessions') are checked too. */
void db_copy_keys_later(db_copy *cp);
err db_copy_check(db_copy *const *cps, int n);
/* Whether the rows were sent unchecked (tests). */
bool db_copy_unchecked(const db_copy *cp);

/* Ids handed out ahead, for rows written by db_copy that other rows name before either is sent:
 *   static db_ids_sql I_T = DB_IDS("t");   db_ids ids; db_ids_init(&ids, &I_T);   db_next_id(c, &ids, &id);
 * In a write transaction. PostgreSQL: a block of DB_IDS_AT_ONCE from the identity's sequence (one statement a
 * block; other sessions may take ids in between, so a block need not be contiguous; those not used are a gap, as
 * after any rollback). SQLite: each id past the table's largest at the time (one lookup; the transaction holds the
 * only write lock, and a row inserted meanwhile by an ordinary INSERT never meets an id handed out). The rows of
 * ids handed out must be given (db_copy_row) before the next id of the same table is asked for. The table's key
 * is an INTEGER PRIMARY KEY named id.
 * db_ids_sole: the caller's promise that until its transaction ends the table gets no row but those of the ids
 * handed out (an import that holds the write lock, nothing else written to that table meanwhile): SQLite looks
 * the largest up once, then hands out the ids that follow it (the lookup was 4 % of an import). */
enum { DB_IDS_AT_ONCE = 1024, DB_IDS_KEPT = 8 * DB_IDS_AT_ONCE };
typedef struct db_ids_sql {
	db_sql max, seq;
} db_ids_sql;
#define DB_IDS(table) \
	{DB_SQL(DB_GLOBAL, "SELECT coalesce(max(id), 0) FROM " table), \
	 DB_SQL(DB_GLOBAL, "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('" table "', 'id')::regclass AS q) " \
	                   "SELECT nextval(s.q) FROM s, generate_series(1, $1)")}
typedef struct db_ids {
	db_ids_sql *q;
	int64_t ids[DB_IDS_KEPT];
	int n, next;         /* ids[next..n) not yet handed out */
	int64_t last;
	bool sole, looked; /* db_ids_sole; the largest looked up once */
} db_ids;
void db_ids_init(db_ids *b, db_ids_sql *q);
void db_ids_sole(db_ids *b);
/* PostgreSQL: at least n ids (up to DB_IDS_KEPT) taken now, so that the next n db_next_id run no statement — an
 * import takes those of its next rows before it sends these, and makes them while the server writes (a statement
 * would wait for the COPY's answer). SQLite: nothing (no statement to save once sole). Past DB_IDS_KEPT (the ids
 * kept in b), DB_IDS_KEPT are taken: the ones after come a block at a time as db_next_id needs them — fewer ahead,
 * never an id missing. */
err db_ids_ahead(db_conn *c, db_ids *b, int n);
err db_next_id(db_conn *c, db_ids *b, int64_t *id);

/* Migrations: each module lists its own, in order; versions start at 1.
 * The DDL is written in SQLite's dialect with STRICT tables; the PostgreSQL
 * engine rewrites the few words that differ (see store_pg.c). */
typedef struct db_migration {
	int version;
	const char *name;
	const char *sql;   /* one or more statements separated by ';' */
	const char *sql_pg; /* optional: PostgreSQL text where dialects differ
	                       (triggers, collations); also rewritten; NULL = sql */
} db_migration;
typedef struct db_module_schema {
	const char *module;
	const db_migration *migrations;
	int count;
} db_module_schema;

/* Applies what is missing, in order, each migration in its own transaction,
 * under an engine-wide lock so several processes may start at once.
 * *applied (may be NULL) gets the number applied. Then refreshes the list
 * of scoped tables. */
err db_migrate(db *d, const db_module_schema *mods, int nmods, int *applied);
/* Number of migrations not yet applied (for `openccas check`). */
err db_pending(db *d, const db_module_schema *mods, int nmods, int *pending);

/* Runs a data-definition statement written for each engine (the one that
 * matches the connection's), inside the caller's transaction if any: for
 * the rare code that must, say, lift a trigger for a one-time upgrade.
 * Never with text from outside. */
err db_exec_ddl(db_conn *c, const char *sqlite_sql, const char *pg_sql);

/* Refreshes the planner's statistics (ANALYZE; sampled on SQLite), after a
 * bulk load. */
err db_analyze(db *d);
/* Refreshes those of the tables that grew past twice their rows at the
 * last analysis (SQLite; PostgreSQL's autovacuum does it itself). The
 * server calls it now and then: a database started empty grows under it.
 * *analyzed gets the number of tables analysed. */
err db_refresh_stats(db *d, int *analyzed);
/* The same on the caller's connection, outside a transaction: right after an import has grown the tables (a
 * DomiFa file of 100 000 rows into a database analysed at a few hundred: SQLite, trusting the old figures, read a
 * list's persons by scanning the structure's whole index for each fifty — an export took 33 s instead of 3). */
err db_conn_refresh_stats(db_conn *c, int *analyzed);

/* Test hook (fault injection): fail the Nth statement from now, 0 = never. */
void db_fail_after(long n);
/* Test hook: fail the next n statements (the database away for a while: a restart, a failover). */
void db_fail_next(long n);
/* Test hook: the statements still to run before the fault db_fail_after armed (0: it was injected, or none). */
long db_fail_pending(void);

/* SQLite's group commit (store_sqlite.c): commits whose WAL is written,
 * those known on disk, the syncs made, and whether one failed (then every
 * commit is refused until restart). */
typedef struct db_sync_info {
	uint64_t written, synced, syncs;
	bool failed;
} db_sync_info;
void db_sync_stats(db *d, db_sync_info *out);
/* The number of the last commit acknowledged on c (SQLite), 0 if none. */
uint64_t db_conn_last_commit(const db_conn *c);
/* Tests: the n-th sync of the WAL fails as a disk would (EIO). */
void db_fail_sync_after(long n);
/* Waits until the checkpoints asked for are made (SQLite; tests). */
void db_checkpoints_settle(db *d);
#endif
