/* Unit tests of src/store and the journal, on the engine chosen by the
 * environment (SQLite by default, PostgreSQL with OPENCCAS_TEST_PG). */
#define T_NAME "store"
#include "t.h"
#include "fresh.h"
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/civil.h"
#include "core/countof.h"
#include "core/crypto.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/modules.h"
#include "store/sqlite_pages.h"
#include "store/store.h"

static db_sql Q_T_CREATE = DB_SQL(DB_GLOBAL, "CREATE TABLE IF NOT EXISTS t_items (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, name TEXT NOT NULL UNIQUE, data BLOB)");
static db_sql Q_T_CREATE_PG = DB_SQL(DB_GLOBAL, "CREATE TABLE IF NOT EXISTS t_items (id BIGSERIAL PRIMARY KEY, structure_id BIGINT NOT NULL, name TEXT NOT NULL UNIQUE, data BYTEA)");
static db_sql Q_T_ADD = DB_SQL(DB_SCOPED, "INSERT INTO t_items (structure_id, name, data) VALUES ($1, $2, $3) RETURNING id");
static db_sql Q_T_GET = DB_SQL(DB_SCOPED, "SELECT name, data FROM t_items WHERE structure_id = $1 AND id = $2");
static db_sql Q_T_COUNT = DB_SQL(DB_SCOPED, "SELECT count(*) FROM t_items WHERE structure_id = $1");
static db_sql Q_T_UNSCOPED = DB_SQL(0, "SELECT count(*) FROM t_items");
static db_sql Q_T_BAD_SCOPED = DB_SQL(DB_SCOPED, "SELECT count(*) FROM t_items WHERE id = $2");
static db_sql Q_T_FQ_CLEAN = DB_SQL(DB_SCOPED, "DELETE FROM t_items WHERE structure_id = $1 AND name LIKE 'fq-%'");
static db_sql Q_T_GC_CLEAN = DB_SQL(DB_SCOPED, "DELETE FROM t_items WHERE structure_id = $1 AND name LIKE 'gc-%'");
static db_sql Q_T_TWICE = DB_SQL(DB_GLOBAL, "SELECT $2 || '-' || $1 || '-' || $2");
static db_sql Q_T_KEPT = DB_SQL(DB_SCOPED | DB_KEPT,
	"SELECT name, id, data FROM t_items WHERE structure_id = $1 AND name LIKE $2 ORDER BY name");
static db_sql Q_T_KP_CLEAN = DB_SQL(DB_SCOPED, "DELETE FROM t_items WHERE structure_id = $1 AND name LIKE 'kp-%'");
static db_copy_sql C_T_ITEMS = DB_COPY("t_items", "structure_id, name, data", "$1, $2, $3");
static db_copy_sql C_T_ITEMS_ID = DB_COPY("t_items", "structure_id, id, name", "$1, $2, $3");
static db_ids_sql I_T_ITEMS = DB_IDS("t_items");
static db_sql Q_T_ID_OF = DB_SQL(DB_SCOPED, "SELECT id FROM t_items WHERE structure_id = $1 AND name = $2");
static db_copy_sql C_T_ITEMS_LATE = DB_COPY("t_items", "name, structure_id", "$2, $1");
static db_sql Q_T_CP_ROWS = DB_SQL(DB_SCOPED, "SELECT name, data FROM t_items WHERE structure_id = $1 AND name LIKE 'cp-%' ORDER BY id");
static db_sql Q_T_CP_COUNT = DB_SQL(DB_SCOPED, "SELECT count(*) FROM t_items WHERE structure_id = $1 AND name LIKE 'cp-%'");

/* An import's foreign keys checked as a set: parents, children naming them, and a table with a trigger of its own. */
static db_sql Q_TK_CREATE[] = {
	DB_SQL(DB_GLOBAL, "CREATE TABLE IF NOT EXISTS t_par (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, name TEXT NOT NULL UNIQUE)"),
	DB_SQL(DB_GLOBAL, "CREATE TABLE IF NOT EXISTS t_kid (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, par_id INTEGER REFERENCES t_par(id))"),
};
static db_sql Q_TK_CREATE_PG[] = {
	DB_SQL(DB_GLOBAL, "CREATE TABLE IF NOT EXISTS t_par (id BIGSERIAL PRIMARY KEY, structure_id BIGINT NOT NULL, name TEXT NOT NULL UNIQUE)"),
	DB_SQL(DB_GLOBAL, "CREATE TABLE IF NOT EXISTS t_kid (id BIGSERIAL PRIMARY KEY, structure_id BIGINT NOT NULL, par_id BIGINT REFERENCES t_par(id))"),
	DB_SQL(DB_GLOBAL, "CREATE TABLE IF NOT EXISTS t_trig (id BIGSERIAL PRIMARY KEY, structure_id BIGINT NOT NULL, par_id BIGINT REFERENCES t_par(id))"),
	DB_SQL(DB_GLOBAL, "CREATE OR REPLACE FUNCTION t_trig_same() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'"),
	DB_SQL(DB_GLOBAL, "CREATE TRIGGER t_trig_same BEFORE INSERT ON t_trig FOR EACH ROW EXECUTE FUNCTION t_trig_same()"),
};
static db_copy_sql C_TP = DB_COPY("t_par", "structure_id, id, name", "$1, $2, $3");
static db_copy_sql C_TK = DB_COPY("t_kid", "structure_id, par_id", "$1, $2");
static db_copy_sql C_TT = DB_COPY("t_trig", "structure_id, par_id", "$1, $2");
static db_ids_sql I_TP = DB_IDS("t_par");
static db_sql Q_TP_ADD = DB_SQL(DB_SCOPED, "INSERT INTO t_par (structure_id, name) VALUES ($1, $2) RETURNING id");
static db_sql Q_TK_COUNT = DB_SQL(DB_SCOPED, "SELECT count(*) FROM t_kid WHERE structure_id = $1");
static db_sql Q_TP_COUNT = DB_SQL(DB_SCOPED, "SELECT count(*) FROM t_par WHERE structure_id = $1");
static db_sql Q_TP_LOCK = DB_SQL(DB_SCOPED, "SELECT id FROM t_par WHERE structure_id = $1 AND id = $2 FOR UPDATE NOWAIT");
static db_sql Q_TK_ROLE = DB_SQL(DB_GLOBAL, "SELECT current_setting('session_replication_role') = 'origin'");
/* A role of this connection's own (its backend's number in the name: tests on one server run side by side) that may
 * write the tables and not set the replication role. */
static db_sql Q_TK_ROLE_MAKE = DB_SQL(DB_GLOBAL,
	"DO $$ BEGIN EXECUTE format('CREATE ROLE %I', 'tk_' || pg_backend_pid()); "
	"EXECUTE format('GRANT ALL ON t_par, t_kid, t_kid_id_seq, t_par_id_seq TO %I', 'tk_' || pg_backend_pid()); "
	"PERFORM set_config('role', 'tk_' || pg_backend_pid(), false); END $$");
static db_sql Q_TK_ROLE_DROP = DB_SQL(DB_GLOBAL,
	"DO $$ DECLARE r text := 'tk_' || pg_backend_pid(); BEGIN RESET ROLE; "
	"EXECUTE format('DROP OWNED BY %I', r); EXECUTE format('DROP ROLE %I', r); END $$");

/* In a new write transaction of c: one row of q naming the parent par, its keys checked later, flushed. The caller
 * frees cp and rolls back. */
static err copy_one_later(db_conn *c, db_copy_sql *q, db_copy *cp, int64_t par)
{
	err e = db_begin(c, true);
	db_copy_init(cp, c, q);
	db_copy_keys_later(cp);
	if (e == E_OK)
		e = DBCOPY(cp, A_INT(par));
	if (e == E_OK)
		e = db_copy_flush(cp);
	return e;
}

/* In a new write transaction of c: a parent named « tk-old » again (a unique key broken), sent without waiting for
 * its answer. The caller frees cp and rolls back. */
static err send_duplicate(db_conn *c, db_ids *ids, db_copy *cp)
{
	int64_t next = 0;
	err e = db_begin(c, true);
	db_copy_init(cp, c, &C_TP);
	if (e == E_OK)
		e = db_next_id(c, ids, &next);
	if (e == E_OK)
		e = DBCOPY(cp, A_INT(next), A_TEXT("tk-old"));
	if (e == E_OK)
		e = db_copy_send(cp);
	return e;
}

typedef struct { db *d; int64_t sid; int ok; } worker_arg;

/* db_filtered: rows fq-0 … fq-9 of a structure (the odd ones with data), from the id `first`. */
static const char *const T_WHERE[] = {" AND name LIKE ?", " AND data IS NULL", " AND id >= ?"};
static db_filtered F_T_ITEMS = DB_FILTERED(DB_SCOPED, "SELECT name FROM t_items WHERE structure_id = $1", 1, T_WHERE,
                                           " ORDER BY id LIMIT ?");
typedef struct { db *d; int64_t sid, first; int bad; } fq_arg;

/* Every set of the three filters, each against what it must give. */
static void fq_check(db_conn *c, fq_arg *a)
{
	for (unsigned mask = 0; mask < 8; mask++) {
		db_pick p = DB_PICK;
		if (mask & 1)
			DB_PICK_ON(&p, 0, A_TEXT("fq-%"));
		if (mask & 2)
			DB_PICK_ON0(&p, 1);
		if (mask & 4)
			DB_PICK_ON(&p, 2, A_INT(a->first + 6));
		db_res r = {0};
		int fq = 0, other = 0, odd = 0, early = 0;
		if (DBQF(c, &F_T_ITEMS, &p, &r, A_INT(1000)) != E_OK) {
			a->bad++;
			continue;
		}
		while (db_next(&r)) {
			const char *n = db_text(&r, 0);
			if (strncmp(n, "fq-", 3) || !n[3] || n[4])
				other++;
			else {
				fq++;
				odd += (n[3] - '0') % 2;
				early += n[3] < '6';
			}
		}
		db_close(&r);
		/* fq rows: 10, 5 without data, 4 from the seventh (2 of them without data) */
		int want = mask & 4 ? (mask & 2 ? 2 : 4) : (mask & 2 ? 5 : 10);
		bool ok = fq == want && (!(mask & 2) || !odd) && (!(mask & 4) || !early) && (!(mask & 1) || !other);
		a->bad += !ok;
	}
}

static void *fq_thread(void *p)
{
	fq_arg *a = p;
	db_conn *c = db_conn_get(a->d);
	db_conn_scope(c, a->sid);
	for (int i = 0; i < 20; i++)
		fq_check(c, a);
	db_conn_put(c);
	return NULL;
}

/* A module's mark after a read entry (journal_on_read). */
static int64_t marked_object, marked_structure;
static int marks_seen;
static err mark_ok(db_conn *c, int64_t object, int64_t at)
{
	(void)at;
	marked_object = object;
	marked_structure = db_conn_structure(c);
	marks_seen++;
	return E_OK;
}
static err mark_fails(db_conn *c, int64_t object, int64_t at)
{
	(void)c, (void)object, (void)at;
	return E_DB;
}
/* A mark that writes a row, then fails on a statement of its own (the name is taken): its row must go with it,
 * the entry stay — and on PostgreSQL the transaction must go on after the failed statement. */
static db_sql Q_T_MARK_N = DB_SQL(DB_SCOPED, "SELECT count(*) FROM t_items WHERE structure_id = $1 AND name LIKE 'mk-%'");
static db_sql Q_T_MARK_CLEAN = DB_SQL(DB_SCOPED, "DELETE FROM t_items WHERE structure_id = $1 AND name LIKE 'mk-%'");
static err mark_half(db_conn *c, int64_t object, int64_t at)
{
	(void)object, (void)at;
	int64_t id = 0;
	err e = DBID(c, &Q_T_ADD, &id, A_TEXT("mk-1"), A_NULL);
	return e == E_OK ? DBID(c, &Q_T_ADD, &id, A_TEXT("mk-1"), A_NULL) : e;
}
/* A mark that writes the record's own row, as the persons' does (the household « recently seen »). */
static db_sql Q_T_MARK_ROW = DB_SQL(DB_SCOPED, "UPDATE t_items SET name = 'row-marked' WHERE structure_id = $1 AND id = $2");
static err mark_row(db_conn *c, int64_t object, int64_t at)
{
	(void)at;
	return DBX(c, &Q_T_MARK_ROW, NULL, A_INT(object));
}
/* A hook that marks many at once: how it was called. An object is its structure's id times 1 000 plus a number. */
static int many_calls, many_marks, many_one_calls, many_mixed;
static err mark_one_of_many(db_conn *c, int64_t object, int64_t at)
{
	(void)c, (void)object, (void)at;
	many_one_calls++;
	return E_OK;
}
static err mark_many(db_conn *c, int n, const int64_t *objects, const int64_t *ats)
{
	(void)ats;
	many_calls++;
	many_marks += n;
	for (int i = 0; i < n; i++)
		if (objects[i] / 1000 != db_conn_structure(c))
			many_mixed++;
	return E_OK;
}
static journal_read_hook hook_ok = {"hooktest", mark_ok, NULL, NULL}, hook_bad = {"hookbad", mark_fails, NULL, NULL},
                         hook_half = {"hookhalf", mark_half, NULL, NULL}, hook_row = {"hookrow", mark_row, NULL, NULL},
                         hook_many = {"hookmany", mark_one_of_many, mark_many, NULL};

/* A wait for the disk without a thread (db_durable_later), seen by the test's thread. */
typedef struct later_wait {
	db_wait w;
	pthread_mutex_t m;
	pthread_cond_t cv;
	int done;
	bool ok;
} later_wait;

static void later_done(db_wait *w, bool ok)
{
	later_wait *x = (later_wait *)w;
	pthread_mutex_lock(&x->m);
	x->done++;
	x->ok = ok;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->m);
}

/* 1 / -1 as db_durable_later says, else what its callback says (waited for). */
static int later_wait_for(db *d, uint64_t ticket, int *calls)
{
	later_wait x = {.w = {.ticket = ticket, .done = later_done}};
	pthread_mutex_init(&x.m, NULL);
	pthread_cond_init(&x.cv, NULL);
	int st = db_durable_later(d, &x.w);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60; /* a bound, not a pace: the callback comes within milliseconds */
	pthread_mutex_lock(&x.m);
	while (st == 0 && !x.done && pthread_cond_timedwait(&x.cv, &x.m, &until) == 0)
		;
	bool late = st == 0 && !x.done;
	pthread_mutex_unlock(&x.m);
	if (late && db_durable_cancel(d, &x.w))
		return 0; /* never called back (and no longer waited for) */
	pthread_mutex_lock(&x.m);
	while (st == 0 && !x.done) /* being called back */
		pthread_cond_wait(&x.cv, &x.m);
	pthread_mutex_unlock(&x.m);
	*calls = x.done;
	pthread_mutex_destroy(&x.m);
	pthread_cond_destroy(&x.cv);
	return st != 0 ? st * 10 : x.ok ? 1 : -1;
}

/* Group commit: each thread commits 25 rows and checks, as each commit
 * returns, that a sync covering it is done. */
typedef struct { db *d; int64_t sid; int tag; int ok, covered; } commit_arg;
static void *committer(void *p)
{
	commit_arg *w = p;
	for (int i = 0; i < 25; i++) {
		db_conn *c = db_conn_get(w->d);
		db_conn_scope(c, w->sid);
		char name[48];
		snprintf(name, sizeof name, "gc-%d-%d", w->tag, i);
		int64_t id = 0;
		if (db_begin(c, true) == E_OK) {
			DBID(c, &Q_T_ADD, &id, A_TEXT(name), A_NULL);
			if (db_commit(c) == E_OK && id > 0) {
				w->ok++;
				db_sync_info si;
				db_sync_stats(w->d, &si);
				uint64_t mine = db_conn_last_commit(c);
				if (mine > 0 && si.synced >= mine)
					w->covered++;
			}
		}
		db_conn_put(c);
	}
	return NULL;
}

static void *worker(void *p)
{
	worker_arg *w = p;
	for (int i = 0; i < 25; i++) {
		db_conn *c = db_conn_get(w->d);
		db_conn_scope(c, w->sid);
		if (journal_record(c, 1, "read", "test", i, NULL) == E_OK)
			w->ok++;
		db_conn_put(c);
	}
	return NULL;
}

/* Writes in transactions, each with its entry; every fourth rolled back after its entry (its head presumed by
 * the process, never committed). ok: the writes committed. */
static void *tx_writer(void *p)
{
	worker_arg *w = p;
	for (int i = 0; i < 24; i++) {
		db_conn *c = db_conn_get(w->d);
		db_conn_scope(c, w->sid);
		if (db_begin(c, true) == E_OK && journal_record(c, 1, "update", "test", 1000 + i, NULL) == E_OK) {
			if (i % 4 == 3)
				db_rollback(c);
			else if (db_commit(c) == E_OK)
				w->ok++;
		}
		db_conn_put(c);
	}
	return NULL;
}

static void *tx_writer_one(void *p)
{
	worker_arg *w = p;
	db_conn *c = db_conn_get(w->d);
	db_conn_scope(c, w->sid);
	if (db_begin(c, true) == E_OK && journal_record(c, 1, "update", "test", 999, NULL) == E_OK && db_commit(c) == E_OK)
		w->ok++;
	db_conn_put(c);
	return NULL;
}

/* Another process writing to the same chain: a child with the parent's memory (the heads it presumes), its own
 * connections; it writes n entries and exits with 0 when all were written. */
static pid_t other_process_start(const char *url, int64_t sid, int n)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		const char *why = NULL;
		db *d2 = db_open(url, 1, &why);
		int got = 0;
		if (d2) {
			db_conn *c2 = db_conn_get(d2);
			db_conn_scope(c2, sid);
			for (int i = 0; i < n; i++)
				if (db_begin(c2, true) == E_OK && journal_record(c2, 2, "update", "test", 2000 + i, NULL) == E_OK &&
				    db_commit(c2) == E_OK)
					got++;
			db_conn_put(c2);
			db_close_all(d2);
		}
		_exit(got == n ? 0 : 1);
	}
	return pid;
}

static int other_process_end(pid_t pid)
{
	int st = 0;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The same form sent twice at once (two tabs): the same entry — user, action, record, second — written by this
 * process and by a child that presumed the same head. 0 when the child's was written. */
static int same_entry_twice(const char *url, db *d, int64_t sid, bool *mine)
{
	db_conn *c = db_conn_get(d);
	db_conn_scope(c, sid);
	*mine = db_begin(c, true) == E_OK && db_finish(c, journal_record(c, 9, "update", "before", 4241, NULL)) == E_OK;
	db_conn_put(c); /* the head this process remembers is the chain's: the child starts with it */
	int64_t now = civil_now();
	while (civil_now() == now) /* the start of a second: both entries within it */
		;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		const char *why = NULL;
		db *d2 = db_open(url, 1, &why);
		bool ok = false;
		if (d2) {
			db_conn *c2 = db_conn_get(d2);
			db_conn_scope(c2, sid);
			ok = db_begin(c2, true) == E_OK && db_finish(c2, journal_record(c2, 9, "update", "same", 4242, "x")) == E_OK;
			db_conn_put(c2);
			db_close_all(d2);
		}
		_exit(ok ? 0 : 1);
	}
	c = db_conn_get(d);
	db_conn_scope(c, sid);
	*mine = *mine && db_begin(c, true) == E_OK && db_finish(c, journal_record(c, 9, "update", "same", 4242, "x")) == E_OK;
	db_conn_put(c);
	return other_process_end(pid);
}

static int other_process_writes(const char *url, int64_t sid, int n)
{
	return other_process_end(other_process_start(url, sid, n));
}

int main(void)
{
	crypto_init();
	modules_init();
	const char *url = fresh_db("store");
	const char *why;
	db *d = db_open(url, 6, &why);
	CHECK(d != NULL, "open %s: %s", url, why ? why : "");
	if (!d)
		return T_DONE();
	int nmods = 0;
	const db_module_schema *mods = modules_schema_array(&nmods);
	static const unsigned char test_key[32] = "openccas-test-key-0123456789abc";
	journal_key_use(test_key); /* the journal's key (a file in production) */
	int applied = -1, pending = -1;
	T_GROUP("journal: working hours");
	struct tm tm = {.tm_wday = 2, .tm_hour = 6};
	CHECK(journal_outside_hours(&tm), "Tuesday 6 h is outside hours");
	tm.tm_hour = 9;
	CHECK(!journal_outside_hours(&tm), "Tuesday 9 h is a working hour");
	tm.tm_hour = 20;
	CHECK(journal_outside_hours(&tm), "20 h is outside hours");
	tm.tm_wday = 6, tm.tm_hour = 10;
	CHECK(journal_outside_hours(&tm), "Saturday is outside hours");
	T_GROUP("migrations");
	CHECK(db_migrate(d, mods, nmods, &applied) == E_OK && applied >= 2, "applied %d", applied);
	CHECK(db_migrate(d, mods, nmods, &applied) == E_OK && applied == 0, "idempotent, %d", applied);
	CHECK(db_pending(d, mods, nmods, &pending) == E_OK && pending == 0, "none pending");
	{
		T_GROUP("an upgrade refreshes the planner's statistics");
		static const db_migration v1[] = {{1, "table", "CREATE TABLE t_mig (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);", NULL}};
		static const db_migration v2[] = {{1, "table", "CREATE TABLE t_mig (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);", NULL},
		                                  {2, "index", "CREATE INDEX t_mig_v ON t_mig(v);", NULL}};
		const db_module_schema first = {"t_mig", v1, 1}, then = {"t_mig", v2, 2};
		static db_sql fill = DB_SQL(DB_GLOBAL, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200) "
		                                       "INSERT INTO t_mig (id, v) SELECT x, x % 7 FROM n");
		static db_sql stat_sq = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM sqlite_stat1 WHERE idx = 't_mig_v'");
		static db_sql stat_pg = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM pg_stats WHERE tablename = 't_mig' AND attname = 'v'");
		int got = -1;
		CHECK(db_migrate(d, &first, 1, &got) == E_OK && got == 1, "a first version (%d)", got);
		db_conn *m = db_conn_get(d);
		CHECK(DBX0(m, &fill, NULL) == E_OK, "in use: 200 rows");
		db_conn_put(m);
		CHECK(db_migrate(d, &then, 1, &got) == E_OK && got == 1, "an upgrade adds an index (%d)", got);
		m = db_conn_get(d);
		int64_t st = 0;
		CHECK(DBID0(m, fresh_is_pg() ? &stat_pg : &stat_sq, &st) == E_OK && st == 1, "the new index has statistics (%lld)", (long long)st);
		db_conn_put(m);
	}
	{
		T_GROUP("statistics of a table that grew are refreshed (SQLite), not the others");
		static db_sql grow = DB_SQL(DB_GLOBAL, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000) "
		                                       "INSERT INTO t_mig (id, v) SELECT 1000 + x, x % 7 FROM n");
		static db_sql rows_sq = DB_SQL(DB_GLOBAL, "SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE idx = 't_mig_v'");
		int k = -1;
		CHECK(db_refresh_stats(d, &k) == E_OK && k == 0, "nothing grew: nothing analysed (%d)", k);
		db_conn *m = db_conn_get(d);
		CHECK(DBX0(m, &grow, NULL) == E_OK, "5 000 rows more (200 at the last analysis)");
		db_conn_put(m);
		CHECK(db_refresh_stats(d, &k) == E_OK && k == (fresh_is_pg() ? 0 : 1), "one table analysed (%d; PostgreSQL's autovacuum does it)", k);
		if (!fresh_is_pg()) {
			int64_t rows = 0;
			m = db_conn_get(d);
			CHECK(DBID0(m, &rows_sq, &rows) == E_OK && rows >= 2600 && rows <= 10400,
			      "its statistics count its 5 200 rows (sampled: within a factor of two; %lld)", (long long)rows);
			db_conn_put(m);
		}
		CHECK(db_refresh_stats(d, &k) == E_OK && k == 0, "then nothing (%d)", k);
	}

	db_conn *c = db_conn_get(d);
	int64_t s1 = 0, s2 = 0, id = 0, n = 0;
	CHECK(accounts_structure_create(c, "A", &s1) == E_OK && s1 > 0, "structure A");
	CHECK(accounts_structure_create(c, "B", &s2) == E_OK && s2 > s1, "structure B");
	CHECK(DBX0(c, fresh_is_pg() ? &Q_T_CREATE_PG : &Q_T_CREATE, NULL) == E_OK, "create test table");
	for (int i = 0; i < (fresh_is_pg() ? COUNTOF(Q_TK_CREATE_PG) : COUNTOF(Q_TK_CREATE)); i++)
		CHECK(DBX0(c, fresh_is_pg() ? &Q_TK_CREATE_PG[i] : &Q_TK_CREATE[i], NULL) == E_OK, "the keys' check's table %d", i);
	db_conn_put(c);
	/* Refresh the list of scoped tables (t_items has structure_id). */
	db_migrate(d, mods, nmods, NULL);

	T_GROUP("scope");
	int64_t dup0 = 0;
	c = db_conn_get(d);
	CHECK(DBID(c, &Q_T_ADD, &dup0, A_TEXT("x"), A_NULL) == E_INTERNAL, "scoped statement without scope refused");
	db_conn_scope(c, s1);
	CHECK(DBID(c, &Q_T_ADD, &id, A_TEXT("x"), A_BLOB("\0\1\2\xff", 4)) == E_OK && id > 0, "insert in A");
	int64_t dup = 0;
	CHECK(DBID(c, &Q_T_ADD, &dup, A_TEXT("x"), A_NULL) == E_CONFLICT, "unique → conflict");
	int64_t idx = 0;
	CHECK(DBID(c, &Q_T_ADD, &idx, A_TEXT("y"), A_NULL) == E_OK, "second");
	CHECK(DBID0(c, &Q_T_COUNT, &n) == E_OK, "count");
	db_res r;
	CHECK(DBQ0(c, &Q_T_UNSCOPED, &r) == E_INTERNAL, "a statement naming a scoped table without DB_SCOPED is refused");
	db_close(&r);
	CHECK(DBQ(c, &Q_T_BAD_SCOPED, &r, A_INT(1)) == E_INTERNAL, "DB_SCOPED without structure_id = $1 refused");
	db_close(&r);
	arena a;
	arena_init(&a, 0);
	CHECK(DBQ(c, &Q_T_GET, &r, A_INT(id)) == E_OK && db_next(&r), "read back");
	size_t bl = 0;
	unsigned char *bl_data = db_blob(&r, 1, &a, &bl);
	CHECK(bl == 4 && bl_data && !memcmp(bl_data, "\0\1\2\xff", 4), "blob round trip (%zu bytes)", bl);
	CHECK_STR(db_dup(&r, 0, &a), "x");
	db_close(&r);
	db_conn_scope(c, s2);
	CHECK(DBQ(c, &Q_T_GET, &r, A_INT(id)) == E_OK && !db_next(&r), "structure B cannot read A's row");
	db_close(&r);
	n = -1;
	CHECK(DBID0(c, &Q_T_COUNT, &n) == E_OK && n == 0, "B sees 0 rows, saw %lld", (long long)n);
	CHECK(DBQ(c, &Q_T_TWICE, &r, A_TEXT("a"), A_TEXT("b")) == E_OK && db_next(&r), "parameter used twice");
	CHECK_STR(db_text(&r, 0), "b-a-b");
	db_close(&r);

	{
		T_GROUP("many rows into one table (db_copy): COPY on PostgreSQL, the INSERT on SQLite");
		static const char *const odd[] = {"cp-tab\there", "cp-line\nbreak\r", "cp-back\\slash\\N", "cp-\\N", "cp-ordinaire é ’"};
		static const unsigned char bytes[] = {0, 1, '\\', '\t', '\n', 0xff};
		db_copy cp;
		db_conn_scope(c, 0);
		db_copy_init(&cp, c, &C_T_ITEMS);
		CHECK(DBCOPY(&cp, A_TEXT("cp-sans"), A_NULL) == E_INTERNAL, "a row without a structure is refused");
		db_copy_free(&cp);
		db_conn_scope(c, s1);
		db_copy_init(&cp, c, &C_T_ITEMS_LATE);
		CHECK(DBCOPY(&cp, A_TEXT("cp-tard")) == E_INTERNAL, "a table whose first column is not structure_id is refused");
		db_copy_free(&cp);
		CHECK(db_begin(c, true) == E_OK, "in a transaction");
		db_copy_init(&cp, c, &C_T_ITEMS);
		int statements = db_conn_statements(c);
		err e = E_OK;
		for (int i = 0; e == E_OK && i < 5; i++)
			e = DBCOPY(&cp, A_TEXT(odd[i]), i == 1 ? A_NULL : A_BLOB(bytes, sizeof bytes));
		char name[32];
		for (int i = 0; e == E_OK && i < 2500; i++) {
			snprintf(name, sizeof name, "cp-%04d", i);
			e = DBCOPY(&cp, A_TEXT(name), A_NULL);
		}
		CHECK(e == E_OK, "2 505 rows given");
		int64_t seen = -1;
		if (fresh_is_pg()) {
			CHECK(db_copy_pending(&cp) > 2500 * 8, "PostgreSQL: kept in memory (%zu bytes)", db_copy_pending(&cp));
			CHECK(DBID0(c, &Q_T_CP_COUNT, &seen) == E_OK && seen == 0, "not in the table before the flush (%lld)", (long long)seen);
		} else {
			CHECK(db_copy_pending(&cp) == 0, "SQLite: written at once");
		}
		if (fresh_is_pg())
			CHECK(db_conn_statements(c) - statements == 1, "no statement for the rows yet (the count's only: %d)",
			      db_conn_statements(c) - statements);
		statements = db_conn_statements(c);
		CHECK(db_copy_flush(&cp) == E_OK, "flushed");
		CHECK(db_copy_pending(&cp) == 0 && db_copy_flush(&cp) == E_OK, "nothing left; a second flush does nothing");
		CHECK(db_conn_statements(c) - statements == (fresh_is_pg() ? 1 : 0), "the flush: one statement on PostgreSQL, none on SQLite (%d)",
		      db_conn_statements(c) - statements);
		CHECK(DBID0(c, &Q_T_CP_COUNT, &seen) == E_OK && seen == 2505, "all in the table (%lld)", (long long)seen);
		CHECK(DBQ0(c, &Q_T_CP_ROWS, &r) == E_OK, "read back");
		int k = 0, same = 0;
		arena ca;
		arena_init(&ca, 0);
		while (db_next(&r)) {
			size_t bn = 0;
			unsigned char *got = db_blob(&r, 1, &ca, &bn);
			if (k < 5) {
				bool blob_ok = k == 1 ? db_isnull(&r, 1) : bn == sizeof bytes && got && !memcmp(got, bytes, sizeof bytes);
				CHECK(!strcmp(db_text(&r, 0), odd[k]) && blob_ok, "row %d: text and bytes as given (%s)", k, db_text(&r, 0));
			} else {
				snprintf(name, sizeof name, "cp-%04d", k - 5);
				same += !strcmp(db_text(&r, 0), name) && db_isnull(&r, 1);
			}
			k++;
		}
		db_close(&r);
		arena_release(&ca);
		CHECK(k == 2505 && same == 2500, "in order, each once (%d rows, %d as given)", k, same);
		db_conn_scope(c, s2);
		CHECK(DBID0(c, &Q_T_CP_COUNT, &seen) == E_OK && seen == 0, "in the connection's structure only (B sees %lld)", (long long)seen);
		db_conn_scope(c, s1);
		e = DBCOPY(&cp, A_TEXT("cp-0007"), A_NULL);
		if (e == E_OK)
			e = db_copy_flush(&cp);
		CHECK(e == E_CONFLICT, "a row breaking a unique key: a conflict (%d)", e);
		db_copy_free(&cp);
		db_rollback(c);
		CHECK(DBID0(c, &Q_T_CP_COUNT, &seen) == E_OK && seen == 0, "rolled back: none left (%lld)", (long long)seen);
	}

	{
		T_GROUP("an import's foreign keys checked as a set (db_copy_keys_later, db_copy_check), a COPY's answer read later");
		bool pg = fresh_is_pg();
		db_conn_scope(c, s1);
		int64_t old = 0, other = 0, kids0 = -1, kids = -1, parents = -1;
		CHECK(DBID(c, &Q_TP_ADD, &old, A_TEXT("tk-old")) == E_OK && DBID(c, &Q_TP_ADD, &other, A_TEXT("tk-other")) == E_OK,
		      "two parents written before");
		CHECK(DBID0(c, &Q_TK_COUNT, &kids0) == E_OK, "children before");
		/* 1. Every key names a row: three new parents, children naming them, one naming an older parent, one none. */
		db_ids ids;
		db_ids_init(&ids, &I_TP);
		db_copy par, kid;
		CHECK(db_begin(c, true) == E_OK, "in a transaction");
		db_copy_init(&par, c, &C_TP);
		db_copy_init(&kid, c, &C_TK);
		db_copy_keys_later(&par);
		db_copy_keys_later(&kid);
		err e = E_OK;
		int64_t pid[3] = {0};
		char name[32];
		for (int i = 0; e == E_OK && i < 3; i++) {
			e = db_next_id(c, &ids, &pid[i]);
			snprintf(name, sizeof name, "tk-new-%d", i);
			if (e == E_OK)
				e = DBCOPY(&par, A_INT(pid[i]), A_TEXT(name));
		}
		for (int i = 0; e == E_OK && i < 6; i++)
			e = DBCOPY(&kid, A_INT(pid[i % 3]));
		if (e == E_OK)
			e = DBCOPY(&kid, A_INT(old));
		if (e == E_OK)
			e = DBCOPY(&kid, A_NULL);
		if (e == E_OK)
			e = db_copy_flush(&par);
		if (e == E_OK)
			e = db_copy_send(&kid);
		CHECK(e == E_OK, "parents flushed, children sent");
		CHECK(db_copy_unchecked(&par) == pg && db_copy_unchecked(&kid) == pg,
		      "unchecked row by row on PostgreSQL (a superuser here), checked on SQLite");
		db_copy *both[] = {&par, &kid};
		CHECK(db_copy_check(both, 2) == E_OK, "every key names a row");
		db_res r2 = {0};
		if (pg) {
			CHECK(DBQ0(c, &Q_TK_ROLE, &r2) == E_OK && db_next(&r2) && db_int(&r2, 0) == 1,
			      "the replication role set back for the statements that follow");
			db_close(&r2);
			/* The older parent named is locked until the commit, as the row-by-row check locks it; the other not. */
			db_conn *c2 = db_conn_get(d);
			db_conn_scope(c2, s1);
			CHECK(DBQ(c2, &Q_TP_LOCK, &r2, A_INT(old)) != E_OK, "the parent named cannot be locked by another session");
			db_close(&r2);
			CHECK(DBQ(c2, &Q_TP_LOCK, &r2, A_INT(other)) == E_OK && db_next(&r2), "a parent not named can");
			db_close(&r2);
			db_conn_put(c2);
		}
		CHECK(db_commit(c) == E_OK, "committed");
		db_copy_free(&par);
		db_copy_free(&kid);
		CHECK(DBID0(c, &Q_TK_COUNT, &kids) == E_OK && kids == kids0 + 8, "the eight children written (%lld)",
		      (long long)(kids - kids0));
		/* 2. A key naming no row: PostgreSQL finds it in the set's check, SQLite as the row is inserted. */
		CHECK(db_begin(c, true) == E_OK, "in a transaction");
		db_copy_init(&kid, c, &C_TK);
		db_copy_keys_later(&kid);
		e = DBCOPY(&kid, A_INT(old));
		if (e == E_OK)
			e = DBCOPY(&kid, A_INT(pid[2] + 1000000));
		if (e == E_OK)
			e = db_copy_flush(&kid);
		if (pg) {
			CHECK(e == E_OK, "PostgreSQL: sent without the row-by-row check (%d)", e);
			db_copy *one[] = {&kid};
			CHECK(db_copy_check(one, 1) == E_INTERNAL, "the set's check finds the key naming no row");
		} else {
			CHECK(e == E_CONFLICT, "SQLite: refused as it is inserted (%d)", e);
		}
		db_copy_free(&kid);
		db_rollback(c);
		CHECK(DBID0(c, &Q_TK_COUNT, &kids) == E_OK && kids == kids0 + 8, "nothing written (%lld)", (long long)(kids - kids0));
		if (pg) {
			/* 3. A table with a trigger of its own is checked row by row (the replication role would silence it). */
			db_copy tt;
			e = copy_one_later(c, &C_TT, &tt, pid[2] + 1000000);
			CHECK(e == E_CONFLICT && !db_copy_unchecked(&tt), "a table with its own trigger: refused at once (%d)", e);
			db_copy_free(&tt);
			db_rollback(c);
			/* 4. A role that may not set the replication role: checked row by row. */
			CHECK(DBX0(c, &Q_TK_ROLE_MAKE, NULL) == E_OK, "a role without the right");
			e = copy_one_later(c, &C_TK, &kid, pid[2] + 1000000);
			CHECK(e == E_CONFLICT && !db_copy_unchecked(&kid), "without the right: refused at once (%d)", e);
			db_copy_free(&kid);
			db_rollback(c);
			CHECK(DBX0(c, &Q_TK_ROLE_DROP, NULL) == E_OK, "the role dropped");
			/* 5. A COPY sent without waiting: its error is the next statement's. */
			CHECK(send_duplicate(c, &ids, &par) == E_OK, "a row breaking a unique key sent: no answer yet");
			CHECK(DBID0(c, &Q_TP_COUNT, &parents) == E_CONFLICT, "the next statement returns its conflict");
			db_copy_free(&par);
			db_rollback(c);
			/* A failed COPY whose answer the rollback reads: the rollback still reaches the server. */
			send_duplicate(c, &ids, &par);
			db_copy_free(&par);
			db_rollback(c);
			CHECK(DBID0(c, &Q_TP_COUNT, &parents) == E_OK, "after the rollback the connection answers");
			CHECK(DBID0(c, &Q_TP_COUNT, &parents) == E_OK && parents == 5, "rolled back: the five parents (%lld)",
			      (long long)parents);
		}
	}

	{
		T_GROUP("ids handed out ahead (db_ids): each past the largest; looked up once when the caller writes alone");
		for (int sole = 0; sole < 2; sole++) {
			db_ids ids;
			db_copy cp;
			db_ids_init(&ids, &I_T_ITEMS);
			if (sole)
				db_ids_sole(&ids);
			CHECK(db_begin(c, true) == E_OK, "in a transaction");
			db_copy_init(&cp, c, &C_T_ITEMS_ID);
			int statements = db_conn_statements(c);
			int64_t got[3] = {0}, before = 0, ordinary = 0;
			err e = E_OK;
			char name[32];
			for (int i = 0; e == E_OK && i < 3; i++) {
				e = db_next_id(c, &ids, &got[i]);
				snprintf(name, sizeof name, "ids-%d-%d", sole, i);
				if (e == E_OK)
					e = DBCOPY(&cp, A_INT(got[i]), A_TEXT(name));
			}
			int lookups = db_conn_statements(c) - statements - (fresh_is_pg() ? 0 : 3); /* SQLite: the 3 inserts */
			if (e == E_OK)
				e = db_copy_flush(&cp);
			CHECK(e == E_OK && got[1] == got[0] + 1 && got[2] == got[1] + 1, "sole %d: three ids that follow (%lld, %lld, %lld)",
			      sole, (long long)got[0], (long long)got[1], (long long)got[2]);
			CHECK(lookups == 1 + (!sole && !fresh_is_pg() ? 2 : 0), "sole %d: %d statement(s) to hand them out", sole, lookups);
			snprintf(name, sizeof name, "ids-%d-2", sole);
			CHECK(DBID(c, &Q_T_ID_OF, &before, A_TEXT(name)) == E_OK && before == got[2], "sole %d: the rows in the table with "
			      "their ids (%lld)", sole, (long long)before);
			if (!sole && !fresh_is_pg()) {
				/* Not alone: an ordinary insert takes the largest plus one; the next id handed out goes past it. */
				CHECK(DBID(c, &Q_T_ADD, &ordinary, A_TEXT("ids-ordinary"), A_NULL) == E_OK && ordinary == got[2] + 1,
				      "an ordinary insert after them (%lld)", (long long)ordinary);
				int64_t next = 0;
				CHECK(db_next_id(c, &ids, &next) == E_OK && next == ordinary + 1, "the next id past it (%lld)", (long long)next);
			}
			db_copy_free(&cp);
			db_rollback(c);
		}
	}

	{
		T_GROUP("a transaction in which a statement failed is not committed, unless the part it failed in was undone");
		db_conn_scope(c, s1);
		int64_t before = -1, now = -1, ida = 0, idb = 0;
		CHECK(DBID0(c, &Q_TP_COUNT, &before) == E_OK, "parents before");
		CHECK(db_begin(c, true) == E_OK, "in a transaction");
		CHECK(DBID(c, &Q_TP_ADD, &ida, A_TEXT("tx-a")) == E_OK, "a row");
		db_fail_after(1);
		CHECK(DBID0(c, &Q_TP_COUNT, &now) == E_DB, "a statement fails; the caller goes on");
		CHECK(DBID(c, &Q_TP_ADD, &idb, A_TEXT("tx-b")) == E_OK, "another row");
		CHECK(db_commit(c) == E_DB, "the commit is refused");
		CHECK(DBID0(c, &Q_TP_COUNT, &now) == E_OK && now == before, "neither row written (%lld)", (long long)(now - before));
		CHECK(db_begin(c, true) == E_OK, "in a transaction");
		CHECK(DBID(c, &Q_TP_ADD, &ida, A_TEXT("tx-c")) == E_OK, "a row");
		CHECK(db_part_begin(c, "t_part") == E_OK, "a part");
		db_fail_after(1);
		CHECK(DBID0(c, &Q_TP_COUNT, &now) == E_DB, "a statement of the part fails");
		CHECK(db_part_end(c, "t_part", false) == E_OK, "the part undone");
		CHECK(DBID(c, &Q_TP_ADD, &idb, A_TEXT("tx-d")) == E_OK, "another row");
		CHECK(db_commit(c) == E_OK, "committed: the failure went with its part");
		CHECK(DBID0(c, &Q_TP_COUNT, &now) == E_OK && now == before + 2, "both rows written (%lld)", (long long)(now - before));
	}

	{
		/* A request's connection (db_conn_strict): once a statement failed, no write begins — what it would write
		 * rests on a read that failed (a default taken for « none »). Another connection is not held to it. */
		T_GROUP("a request's connection writes nothing after a failed statement");
		db_conn *rc = db_conn_get(d);
		db_conn_scope(rc, s1);
		db_conn_strict(rc);
		int64_t n0 = -1;
		CHECK(db_begin(rc, true) == E_OK, "a write begins");
		db_rollback(rc);
		db_fail_after(1);
		CHECK(DBID0(rc, &Q_TP_COUNT, &n0) == E_DB, "a read fails");
		CHECK(db_begin(rc, true) == E_DB && !db_in_tx(rc), "then no write begins");
		CHECK(db_begin(rc, false) == E_OK, "a read transaction still does");
		db_rollback(rc);
		CHECK(!db_conn_wrote(rc), "nothing written");
		db_conn_put(rc);
		rc = db_conn_get(d);
		db_conn_scope(rc, s1);
		CHECK(db_begin(rc, true) == E_OK && db_commit(rc) == E_OK && db_conn_wrote(rc), "taken again: a write, said written");
		db_conn_put(rc);
	}

	if (fresh_is_pg()) {
		T_GROUP("ids taken ahead (db_ids_ahead): the next ones without a statement");
		db_ids ids;
		db_ids_init(&ids, &I_T_ITEMS);
		CHECK(db_begin(c, true) == E_OK, "in a transaction");
		int64_t first = 0, nid = 0, prev = 0;
		CHECK(db_next_id(c, &ids, &first) == E_OK, "one id (a block of %d taken)", DB_IDS_AT_ONCE);
		CHECK(db_ids_ahead(c, &ids, 3000) == E_OK, "3 000 ahead");
		int statements = db_conn_statements(c), rising = 0;
		prev = first;
		for (int i = 0; i < 3000 && db_next_id(c, &ids, &nid) == E_OK; i++, prev = nid)
			rising += nid > prev;
		CHECK(db_conn_statements(c) == statements && rising == 3000, "3 000 ids, each past the one before, no statement "
		      "(%d statements, %d rising)", db_conn_statements(c) - statements, rising);
		CHECK(db_next_id(c, &ids, &nid) == E_OK && nid > prev && db_conn_statements(c) == statements + 1,
		      "the next one takes a block again");
		db_rollback(c);
	}

	{
		T_GROUP("a list's statement made of the filters asked (db_filtered)");
		char name[32];
		int64_t first = 0, fid = 0;
		for (int i = 0; i < 10; i++) {
			snprintf(name, sizeof name, "fq-%d", i);
			CHECK(DBID(c, &Q_T_ADD, &fid, A_TEXT(name), i % 2 ? A_BLOB("x", 1) : A_NULL) == E_OK, "row %s", name);
			if (!i)
				first = fid;
		}
		db_conn_scope(c, s2);
		CHECK(DBID(c, &Q_T_ADD, &fid, A_TEXT("fq-autre"), A_NULL) == E_OK, "a row of the other structure");
		db_conn_scope(c, s1);
		fq_arg fa = {d, s1, first, 0};
		fq_check(c, &fa);
		CHECK(fa.bad == 0, "each set of filters gives its rows, of the structure only (%d wrong)", fa.bad);
		db_pick p = DB_PICK;
		DB_PICK_ON0(&p, 1);
		DB_PICK_ON(&p, 0, A_TEXT("fq-%"));
		CHECK(DBQF(c, &F_T_ITEMS, &p, &r, A_INT(100)) == E_INTERNAL, "clauses asked out of their order: refused");
		p = (db_pick)DB_PICK;
		DB_PICK_ON0(&p, 2); /* its '?' has no argument */
		CHECK(DBQF(c, &F_T_ITEMS, &p, &r, A_INT(100)) == E_INTERNAL, "a clause's argument missing: refused");
		p = (db_pick)DB_PICK;
		CHECK(DBQF0(c, &F_T_ITEMS, &p, &r) == E_INTERNAL, "the tail's argument missing: refused");
		p = (db_pick)DB_PICK;
		DB_PICK_ON0(&p, 1);
		db_pick_arg(&p, A_INT(1));
		CHECK(DBQF(c, &F_T_ITEMS, &p, &r, A_INT(100)) == E_INTERNAL, "a head's argument after a clause: refused");
		/* Four threads, a connection each, making the same statements at once: each made once, each right. */
		fq_arg many[4];
		pthread_t th[4];
		for (int i = 0; i < 4; i++) {
			many[i] = (fq_arg){d, s1, first, 0};
			pthread_create(&th[i], NULL, fq_thread, &many[i]);
		}
		int wrong = 0;
		for (int i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			wrong += many[i].bad;
		}
		CHECK(wrong == 0, "made by four threads at once: every result right (%d wrong)", wrong);
		CHECK(DBX0(c, &Q_T_FQ_CLEAN, NULL) == E_OK, "its rows removed");
		db_conn_scope(c, s2);
		CHECK(DBX0(c, &Q_T_FQ_CLEAN, NULL) == E_OK, "the other structure's too");
		db_conn_scope(c, s1);
	}

	if (db_conn_engine(c) == DB_SQLITE) {
		T_GROUP("a commit past 1,000 pages of WAL is checkpointed (by the store's thread): the WAL starts again rather than grow (SQLite)");
		static db_sql big = DB_SQL(DB_SCOPED, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1500) "
		                                      "INSERT INTO t_items (structure_id, name, data) "
		                                      "SELECT $1, 'ck-' || $2 || '-' || x, zeroblob(3000) FROM n");
		static db_sql ck_clean = DB_SQL(DB_SCOPED, "DELETE FROM t_items WHERE structure_id = $1 AND name LIKE 'ck-%'");
		char wal[600];
		snprintf(wal, sizeof wal, "%s-wal", url + strlen("sqlite:"));
		struct stat w1 = {0}, w3 = {0};
		for (int round = 1; round <= 3; round++) {
			err e = db_begin(c, true);
			if (e == E_OK)
				e = DBX(c, &big, NULL, A_INT(round));
			CHECK(db_finish(c, e) == E_OK, "round %d: 1,500 rows of 3,000 bytes committed", round);
			db_checkpoints_settle(d); /* made by the store's thread: the one this commit asked for, done */
			stat(wal, round == 1 ? &w1 : &w3);
		}
		CHECK(w1.st_size > 4000000 && w3.st_size < w1.st_size * 3 / 2, "the WAL after one round %lld bytes, after three %lld",
		      (long long)w1.st_size, (long long)w3.st_size);
		CHECK(DBX0(c, &ck_clean, NULL) == E_OK, "its rows removed");
		T_GROUP("a bigger page cache for an import, given back after (SQLite)");
		static db_sql cache = DB_SQL(DB_GLOBAL, "PRAGMA cache_size");
		int64_t kib = 0, own = sqlite_pages_lending() ? 4 : 16; /* the database's pages lent from the shared cache: 4 */
		CHECK(DBID0(c, &cache, &kib) == E_OK && kib == -own * 1024, "a connection's default: %lld MiB (%lld)", (long long)own,
		      (long long)kib);
		CHECK(db_bulk_cache(c, 256) == E_OK && DBID0(c, &cache, &kib) == E_OK && kib == -256 * 1024, "256 MiB (%lld)",
		      (long long)kib);
		CHECK(db_bulk_cache(c, 1 << 20) == E_OK && DBID0(c, &cache, &kib) == E_OK && kib == -4096 * 1024,
		      "at most 4 GiB (%lld)", (long long)kib);
		CHECK(db_bulk_cache(c, 0) == E_OK && DBID0(c, &cache, &kib) == E_OK && kib == -own * 1024, "given back (%lld)",
		      (long long)kib);
	}

	{
		T_GROUP("a reference list kept in memory (DB_KEPT) under the structure's version");
		db_conn_scope(c, s1);
		int64_t kid = 0;
		CHECK(DBID(c, &Q_T_ADD, &kid, A_TEXT("kp-b"), A_NULL) == E_OK && DBID(c, &Q_T_ADD, &kid, A_TEXT("kp-a"), A_BLOB("\0z", 2)) == E_OK,
		      "two rows");
		db_conn_put(c);
		/* Read as a request would: its scope, the version its session read; the statements it ran, the rows it got. */
		char got[256];
		int ran = -1;
#define KEPT_READ(scope, version, pattern, write)                                                                    \
	do {                                                                                                         \
		db_conn *k = db_conn_get(d);                                                                         \
		db_conn_scope(k, (scope));                                                                           \
		db_conn_kept_version(k, (version));                                                                  \
		if (write)                                                                                           \
			db_begin(k, true);                                                                           \
		int before = db_conn_statements(k);                                                                  \
		db_res kr;                                                                                           \
		size_t gl = 0;                                                                                       \
		got[0] = '\0';                                                                                       \
		if (DBQ(k, &Q_T_KEPT, &kr, A_TEXT(pattern)) == E_OK)                                                 \
			while (db_next(&kr)) {                                                                       \
				arena ka;                                                                            \
				arena_init(&ka, 0);                                                                  \
				size_t bn = 0;                                                                       \
				const unsigned char *bd = db_blob(&kr, 2, &ka, &bn);                                 \
				gl += (size_t)snprintf(got + gl, sizeof got - gl, "%s:%s:%zu%s;", db_text(&kr, 0),   \
				                       db_int(&kr, 1) == kid ? "last" : "other", bn,                 \
				                       db_isnull(&kr, 2) ? "null" : bd && bd[1] == 'z' ? "z" : "?");       \
				arena_release(&ka);                                                                  \
			}                                                                                            \
		db_close(&kr);                                                                                       \
		ran = db_conn_statements(k) - before;                                                                \
		if (write)                                                                                           \
			db_rollback(k);                                                                              \
		db_conn_put(k);                                                                                      \
	} while (0)
		uint64_t hits0, misses0, hits, misses;
		db_kept_stats(d, &hits0, &misses0);
		KEPT_READ(s1, -1, "kp-%", false);
		CHECK_STR(got, "kp-a:last:2z;kp-b:other:0null;");
		CHECK_INT(ran, 1); /* no version read: from the database */
		KEPT_READ(s1, 7, "kp-%", false);
		CHECK_STR(got, "kp-a:last:2z;kp-b:other:0null;");
		CHECK_INT(ran, 1); /* the first of version 7: read, and kept */
		KEPT_READ(s1, 7, "kp-%", false);
		CHECK_STR(got, "kp-a:last:2z;kp-b:other:0null;");
		CHECK_INT(ran, 0); /* the next: from memory, the same rows, NULLs and bytes */
		db_kept_stats(d, &hits, &misses);
		CHECK(hits == hits0 + 1 && misses == misses0 + 1, "one answered from memory, one read (%llu, %llu)",
		      (unsigned long long)(hits - hits0), (unsigned long long)(misses - misses0));
		KEPT_READ(s1, 7, "kp-a%", false);
		CHECK_STR(got, "kp-a:last:2z;");
		CHECK_INT(ran, 1); /* other arguments: rows of their own */
		KEPT_READ(s2, 7, "kp-%", false);
		CHECK_STR(got, "");
		CHECK_INT(ran, 1); /* another structure: never the first one's rows */
		/* A row written: the triggers of a real list raise the version in the same transaction. Under the version
		 * read before, the rows of that version; under the new one, read again. */
		c = db_conn_get(d);
		db_conn_scope(c, s1);
		CHECK(DBID(c, &Q_T_ADD, &kid, A_TEXT("kp-c"), A_NULL) == E_OK, "a third row");
		db_conn_put(c);
		KEPT_READ(s1, 7, "kp-%", false);
		CHECK_STR(got, "kp-a:other:2z;kp-b:other:0null;");
		CHECK_INT(ran, 0);
		KEPT_READ(s1, 8, "kp-%", false);
		CHECK_STR(got, "kp-a:other:2z;kp-b:other:0null;kp-c:last:0null;");
		CHECK_INT(ran, 1);
		/* In a write transaction, the request's own writes: from the database. */
		KEPT_READ(s1, 8, "kp-%", true);
		CHECK_STR(got, "kp-a:other:2z;kp-b:other:0null;kp-c:last:0null;");
		CHECK_INT(ran, 1);
		{
			/* After a write outside a transaction (a statement that is not a SELECT), the same. */
			db_conn *k = db_conn_get(d);
			db_conn_scope(k, s1);
			db_conn_kept_version(k, 8);
			int before = db_conn_statements(k);
			db_res kr;
			CHECK(DBQ(k, &Q_T_KEPT, &kr, A_TEXT("kp-%")) == E_OK && db_next(&kr), "kept");
			db_close(&kr);
			CHECK_INT(db_conn_statements(k) - before, 0);
			int64_t kd = 0;
			CHECK(DBID(k, &Q_T_ADD, &kd, A_TEXT("kp-d"), A_NULL) == E_OK, "a write outside a transaction");
			before = db_conn_statements(k);
			int rows = 0;
			CHECK(DBQ(k, &Q_T_KEPT, &kr, A_TEXT("kp-%")) == E_OK, "read after it");
			while (db_next(&kr))
				rows++;
			db_close(&kr);
			CHECK(db_conn_statements(k) - before == 1 && rows == 4, "its own write read from the database (%d rows)", rows);
			db_conn_put(k);
		}
		{
			/* Sixty-four keys at once (a page reads several lists): each stays in its set's places — kept in one place
			 * a key, two lists of one page that fell in it took each other's at every request (the QF rule and the
			 * contact form's lists did, in the mixed day). */
			char pat[16];
			int read = 0, again = 0;
			for (int i = 0; i < 64; i++) {
				snprintf(pat, sizeof pat, "kp-x%d", i);
				KEPT_READ(s1, 9, pat, false);
				read += ran;
			}
			for (int i = 0; i < 64; i++) {
				snprintf(pat, sizeof pat, "kp-x%d", i);
				KEPT_READ(s1, 9, pat, false);
				again += ran;
			}
			CHECK(read == 64 && again == 0, "sixty-four lists read once (%d statements), then all from memory (%d)", read, again);
		}
		c = db_conn_get(d);
		db_conn_scope(c, s1);
		CHECK(DBX0(c, &Q_T_KP_CLEAN, NULL) == E_OK, "clean");
	}

	T_GROUP("transactions");
	db_conn_scope(c, s1);
	CHECK(db_begin(c, true) == E_OK, "begin");
	DBID(c, &Q_T_ADD, &id, A_TEXT("z"), A_NULL);
	db_rollback(c);
	CHECK(DBID0(c, &Q_T_COUNT, &n) == E_OK && n == 2, "rollback undoes, %lld", (long long)n);
	CHECK(db_begin(c, true) == E_OK, "begin");
	db_conn_put(c); /* returned with an open transaction: rolled back */
	c = db_conn_get(d);
	db_conn_scope(c, s1);
	CHECK(!db_in_tx(c), "pool never hands out a connection inside a transaction");
	db_fail_after(1);
	CHECK(DBID0(c, &Q_T_COUNT, &n) == E_DB, "fault injection");
	CHECK(DBID0(c, &Q_T_COUNT, &n) == E_OK, "and only once");

	if (fresh_is_pg()) {
		/* A write commits without waiting for the disk (its locks go at once: a structure's journal head), and is
		 * acknowledged only once the WAL is synced past it. */
		T_GROUP("commits: locks released before the sync, acknowledged after it (PostgreSQL)");
		static db_sql q_sync = DB_SQL(DB_GLOBAL, "SELECT current_setting('synchronous_commit')");
		static db_sql q_lsn = DB_SQL(DB_GLOBAL, "SELECT pg_current_wal_insert_lsn()::text");
		static db_sql q_flushed = DB_SQL(DB_GLOBAL, "SELECT CASE WHEN pg_current_wal_flush_lsn() >= $1::pg_lsn THEN 1 ELSE 0 END");
		/* The tests' cluster runs with synchronous_commit off (and fsync off): the session asks for the default. */
		static db_sql q_sync_on = DB_SQL(DB_GLOBAL, "SET synchronous_commit = on");
		static db_sql q_sync_reset = DB_SQL(DB_GLOBAL, "RESET synchronous_commit");
		CHECK(DBX0(c, &q_sync_on, NULL) == E_OK, "synchronous_commit on for this session");
		for (int i = 0; i < 20; i++) {
			int64_t gid = 0, flushed = 0;
			db_res q = {0};
			char in_tx[16] = "", lsn[32] = "", name[16];
			snprintf(name, sizeof name, "gc-pg-%d", i);
			if (i == 1)
				db_conn_defer(c); /* the web's connections: on PostgreSQL the commit still waits for the disk */
			CHECK(db_begin(c, true) == E_OK && DBID(c, &Q_T_ADD, &gid, A_TEXT(name), A_NULL) == E_OK, "a write");
			if (DBQ0(c, &q_sync, &q) == E_OK && db_next(&q))
				snprintf(in_tx, sizeof in_tx, "%s", db_text(&q, 0));
			db_close(&q);
			if (DBQ0(c, &q_lsn, &q) == E_OK && db_next(&q))
				snprintf(lsn, sizeof lsn, "%s", db_text(&q, 0));
			db_close(&q);
			CHECK(db_commit(c) == E_OK, "committed");
			CHECK(DBID(c, &q_flushed, &flushed, A_TEXT(lsn)) == E_OK && flushed == 1,
			      "acknowledged once the WAL is on disk past the write (%s)", lsn);
			if (i == 0) {
				CHECK(!strcmp(in_tx, "off"), "inside the write, the commit does not wait for the disk (%s)", in_tx);
				char after[16] = "";
				if (DBQ0(c, &q_sync, &q) == E_OK && db_next(&q))
					snprintf(after, sizeof after, "%s", db_text(&q, 0));
				db_close(&q);
				CHECK(*after && strcmp(after, "off") != 0, "outside it, the session's setting (%s)", after);
			}
		}
		CHECK(DBX0(c, &q_sync_reset, NULL) == E_OK && DBX0(c, &Q_T_GC_CLEAN, NULL) == E_OK, "clean up");
	}
	if (!fresh_is_pg()) {
		T_GROUP("group commit (SQLite)");
		db_conn_put(c);
		commit_arg g[6];
		pthread_t gt[6];
		db_sync_info before, after;
		db_sync_stats(d, &before);
		for (int i = 0; i < 6; i++) {
			g[i] = (commit_arg){d, s1, i, 0, 0};
			pthread_create(&gt[i], NULL, committer, &g[i]);
		}
		int gok = 0, gcov = 0;
		for (int i = 0; i < 6; i++) {
			pthread_join(gt[i], NULL);
			gok += g[i].ok;
			gcov += g[i].covered;
		}
		db_sync_stats(d, &after);
		CHECK(gok == 150, "150 commits from 6 threads, %d", gok);
		CHECK(gcov == gok, "each commit acknowledged after a sync that covers it (%d of %d)", gcov, gok);
		CHECK(after.written - before.written >= 150 && after.synced == after.written,
		      "every commit written is synced (%llu written, %llu synced)", (unsigned long long)after.written,
		      (unsigned long long)after.synced);
		CHECK(after.syncs > before.syncs && after.syncs - before.syncs <= after.written - before.written,
		      "at most one sync per commit (%llu syncs for %llu commits)", (unsigned long long)(after.syncs - before.syncs),
		      (unsigned long long)(after.written - before.written));
		/* A sync the disk refuses: the commit is not acknowledged, nor any
		 * after it (a second handle, so the first stays usable). */
		db *d2 = db_open(url, 2, &why);
		CHECK(d2 != NULL, "second handle");
		if (d2) {
			db_conn *c2 = db_conn_get(d2);
			db_conn_scope(c2, s1);
			int64_t gid = 0;
			db_fail_sync_after(1);
			CHECK(db_begin(c2, true) == E_OK && DBID(c2, &Q_T_ADD, &gid, A_TEXT("gc-fail-1"), A_NULL) == E_OK &&
			          db_commit(c2) == E_UNSURE,
			      "a failed sync: the commit is not acknowledged (written, not known kept)");
			CHECK(db_begin(c2, true) == E_OK && DBID(c2, &Q_T_ADD, &gid, A_TEXT("gc-fail-2"), A_NULL) == E_OK &&
			          db_commit(c2) == E_UNSURE,
			      "and the next one neither, until restart");
			db_sync_info si;
			db_sync_stats(d2, &si);
			CHECK(si.failed && si.synced < si.written, "the handle says a sync failed");
			db_conn_put(c2);
			db_close_all(d2);
		}
		db_fail_sync_after(0);
		c = db_conn_get(d);
		db_conn_scope(c, s1);
		int64_t gid = 0;
		CHECK(db_begin(c, true) == E_OK && DBID(c, &Q_T_ADD, &gid, A_TEXT("gc-after"), A_NULL) == E_OK && db_commit(c) == E_OK,
		      "the first handle still commits");
		CHECK(DBX0(c, &Q_T_GC_CLEAN, NULL) == E_OK, "clean up");
		db_conn_put(c);

		T_GROUP("an answer that waits for the disk without its thread (SQLite)");
		db_conn *w = db_conn_get(d);
		db_conn_scope(w, s1);
		db_conn_defer(w);
		CHECK(db_begin(w, true) == E_OK && DBID(w, &Q_T_ADD, &gid, A_TEXT("gc-later"), A_NULL) == E_OK && db_commit(w) == E_OK,
		      "a deferred commit");
		uint64_t ticket = db_conn_ticket(w);
		db_sync_info mid;
		db_sync_stats(d, &mid);
		CHECK(ticket > 0 && mid.synced < ticket, "the commit returns before the disk has it (ticket %llu, synced %llu)",
		      (unsigned long long)ticket, (unsigned long long)mid.synced);
		db_conn_put(w); /* nor does giving the connection back wait */
		db_sync_stats(d, &mid);
		CHECK(mid.synced < ticket, "nor the connection given back (synced %llu)", (unsigned long long)mid.synced);
		int calls = 0;
		CHECK_INT(later_wait_for(d, ticket, &calls), 1);
		CHECK_INT(calls, 1);
		db_sync_stats(d, &mid);
		CHECK(mid.synced >= ticket, "on disk when the wait says so (synced %llu)", (unsigned long long)mid.synced);
		CHECK_INT(later_wait_for(d, ticket, &calls), 10); /* already on disk: said at once */
		d2 = db_open(url, 2, &why);
		CHECK(d2 != NULL, "second handle");
		if (d2) {
			db_conn *c2 = db_conn_get(d2);
			db_conn_scope(c2, s1);
			db_conn_defer(c2);
			db_fail_sync_after(1);
			CHECK(db_begin(c2, true) == E_OK && DBID(c2, &Q_T_ADD, &gid, A_TEXT("gc-later-fail"), A_NULL) == E_OK &&
			          db_commit(c2) == E_OK,
			      "a deferred commit, whose sync the disk will refuse");
			uint64_t t2 = db_conn_ticket(c2);
			db_conn_put(c2);
			CHECK_INT(later_wait_for(d2, t2, &calls), -1);
			CHECK_INT(calls, 1);
			CHECK_INT(later_wait_for(d2, t2, &calls), -10); /* refused at once after */
			db_close_all(d2);
		}
		db_fail_sync_after(0);
		c = db_conn_get(d);
		db_conn_scope(c, s1);
		CHECK(DBX0(c, &Q_T_GC_CLEAN, NULL) == E_OK, "clean up");

		T_GROUP("a request's reads share one snapshot (SQLite)");
		int64_t n0 = -1, n1 = -1, n2 = -1;
		db_snapshot(c);
		CHECK(DBID0(c, &Q_T_COUNT, &n0) == E_OK, "count in the snapshot");
		db_conn *o = db_conn_get(d);
		db_conn_scope(o, s1);
		CHECK(db_begin(o, true) == E_OK && DBID(o, &Q_T_ADD, &gid, A_TEXT("gc-other"), A_NULL) == E_OK && db_commit(o) == E_OK,
		      "another connection commits meanwhile");
		db_conn_put(o);
		CHECK(DBID0(c, &Q_T_COUNT, &n1) == E_OK && n1 == n0, "the snapshot still reads %lld rows (read %lld)", (long long)n0,
		      (long long)n1);
		/* A write outside a transaction leaves the snapshot first: it
		 * succeeds (a stale read transaction could not write). */
		CHECK(DBID(c, &Q_T_ADD, &gid, A_TEXT("gc-mine"), A_NULL) == E_OK && gid > 0, "a write after it succeeds");
		CHECK(DBID0(c, &Q_T_COUNT, &n2) == E_OK && n2 == n0 + 2, "and the reads after it see both rows (%lld)", (long long)n2);
		db_snapshot(c);
		CHECK(db_begin(c, true) == E_OK, "a write transaction ends the snapshot");
		CHECK(DBX0(c, &Q_T_GC_CLEAN, NULL) == E_OK && db_commit(c) == E_OK, "clean up");
		db_snapshot(c);
		db_conn_put(c); /* ends it */
		c = db_conn_get(d);
		db_conn_scope(c, s1);
		CHECK(db_begin(c, true) == E_OK && db_commit(c) == E_OK, "a connection given back in a snapshot is clean");
	}

	T_GROUP("journal: a mark follows a read entry");
	journal_on_read(&hook_ok);
	journal_on_read(&hook_bad);
	journal_on_read(&hook_half);
	journal_on_read(&hook_row);
	journal_on_read(&hook_many);
	{
		db_conn_scope(c, s2); /* structure B's chain: the next group counts A's */
		journal_check j0, j1;
		CHECK(journal_verify(c, s2, &j0) == E_OK, "count before");
		CHECK(journal_record(c, 7, "read", "hooktest", 4242, NULL) == E_OK && marks_seen == 1 && marked_object == 4242 &&
		          marked_structure == s2,
		      "the mark ran for the read, in the entry's structure (%d, %lld)", marks_seen, (long long)marked_object);
		CHECK(journal_record(c, 7, "update", "hooktest", 4243, NULL) == E_OK && marks_seen == 1, "not for another action");
		CHECK(db_begin(c, true) == E_OK && journal_record(c, 7, "read", "hooktest", 4244, NULL) == E_OK && db_commit(c) == E_OK &&
		          marks_seen == 1,
		      "not for an entry inside a write's transaction");
		CHECK(journal_record(c, 7, "read", "hookbad", 1, NULL) == E_OK, "a failing mark: the read is still journaled");
		CHECK(journal_record(c, 7, "read", "hookhalf", 1, NULL) == E_OK && !db_in_tx(c),
		      "a mark failing after a write of its own: the read is still journaled");
		int64_t marked_rows = -1;
		CHECK(DBID0(c, &Q_T_MARK_N, &marked_rows) == E_OK && marked_rows == 0, "and the mark's write is undone with it (%lld)",
		      (long long)marked_rows);
		CHECK(journal_verify(c, s2, &j1) == E_OK && j1.entries == j0.entries + 5 && j1.broken_seq == 0,
		      "five entries more, chain intact (%lld → %lld)", (long long)j0.entries, (long long)j1.entries);
		DBX0(c, &Q_T_MARK_CLEAN, NULL);
		CHECK(db_conn_structure(c) == s2, "the connection keeps its structure");
		db_conn_scope(c, s1);
	}

	T_GROUP("journal");
	for (int i = 0; i < 5; i++)
		CHECK(journal_record(c, 7, "read", "household", 100 + i, NULL) == E_OK, "append");
	journal_check jc;
	CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == 5, "intact chain of 5 (%lld, broken %lld)",
	      (long long)jc.entries, (long long)jc.broken_seq);
	db_conn_put(c);
	/* Concurrent appends from 4 threads keep one unbroken chain. */
	worker_arg w[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (worker_arg){d, s1, 0};
		pthread_create(&th[i], NULL, worker, &w[i]);
	}
	int ok = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ok += w[i].ok;
	}
	c = db_conn_get(d);
	CHECK_INT(ok, 100);
	CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == 105, "105 entries after concurrency (%lld, broken at %lld)",
	      (long long)jc.entries, (long long)jc.broken_seq);
	/* A write's entry links to the head the process presumes (journal.c): on PostgreSQL one statement, and a
	 * presumption that was wrong — a rolled-back write's, another process's entries — is found under the row's lock
	 * and the head taken: the chain stays whole whatever the order. */
	T_GROUP("journal: the head a process presumes");
	{
		db_conn_scope(c, s1);
		CHECK(db_begin(c, true) == E_OK, "a write");
		int before = db_conn_statements(c);
		err e500 = journal_record(c, 7, "update", "test", 500, NULL);
		int took = db_conn_statements(c) - before;
		CHECK(e500 == E_OK, "its entry");
		CHECK(db_finish(c, e500) == E_OK, "committed");
		if (fresh_is_pg())
			CHECK(took == 1, "on PostgreSQL, one statement for the entry and the head (%d)", took);
		CHECK(db_begin(c, true) == E_OK && journal_record(c, 7, "update", "test", 501, NULL) == E_OK, "an entry");
		db_rollback(c);
		CHECK(db_begin(c, true) == E_OK && db_finish(c, journal_record(c, 7, "update", "test", 502, NULL)) == E_OK,
		      "the entry after a rolled-back one");
		CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == 107,
		      "the rolled-back entry is not in the chain, the next follows the one before it (%lld, broken at %lld)",
		      (long long)jc.entries, (long long)jc.broken_seq);
		CHECK(other_process_writes(url, s1, 3) == 0, "another process wrote three entries");
		CHECK(db_begin(c, true) == E_OK, "a write after them");
		before = db_conn_statements(c);
		err e503 = journal_record(c, 7, "update", "test", 503, NULL);
		took = db_conn_statements(c) - before;
		CHECK(e503 == E_OK, "its entry, the head presumed wrong");
		CHECK(db_finish(c, e503) == E_OK, "committed");
		if (fresh_is_pg())
			CHECK(took > 1, "the presumption found wrong, the head taken (%d statements)", took);
		CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == 111,
		      "the other process's entries, then this one's, chain intact (%lld, broken at %lld)", (long long)jc.entries,
		      (long long)jc.broken_seq);
		/* Two entries in one transaction, another writer's between them: on PostgreSQL its statement waits on the
		 * head this transaction holds (seen waiting), presumed after the first entry; the second entry must not
		 * wait for it. */
		CHECK(db_begin(c, true) == E_OK, "a transaction");
		err e504 = journal_record(c, 7, "update", "test", 504, NULL);
		CHECK(e504 == E_OK, "a first entry");
		worker_arg one = {d, s1, 0};
		pthread_t between;
		pthread_create(&between, NULL, tx_writer_one, &one);
		if (fresh_is_pg()) {
			static db_sql waiting = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
			                                          "AND query LIKE '%journal_head%'");
			db_conn *w3 = db_conn_get(d);
			int64_t waiters = 0;
			for (int i = 0; i < 100000 && waiters == 0; i++)
				if (DBID0(w3, &waiting, &waiters) != E_OK)
					break;
			db_conn_put(w3);
			CHECK(waiters == 1, "the other writer waits on the head (%lld)", (long long)waiters);
		}
		err e505 = e504 == E_OK ? journal_record(c, 7, "update", "test", 505, NULL) : e504;
		CHECK(e505 == E_OK, "a second entry in the same transaction (%s)", err_code(e505));
		CHECK(db_finish(c, e505) == E_OK, "committed");
		pthread_join(between, NULL);
		CHECK(one.ok == 1, "the other writer's entry, after");
		/* Writers in transactions on four threads, one write in four rolled back after its entry. */
		worker_arg tw[4];
		pthread_t tt[4];
		for (int i = 0; i < 4; i++) {
			tw[i] = (worker_arg){d, s1, 0};
			pthread_create(&tt[i], NULL, tx_writer, &tw[i]);
		}
		int committed = 0;
		for (int i = 0; i < 4; i++) {
			pthread_join(tt[i], NULL);
			committed += tw[i].ok;
		}
		CHECK_INT(committed, 72);
		CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == 114 + 72,
		      "every committed write's entry, none rolled back, chain intact (%lld, broken at %lld)", (long long)jc.entries,
		      (long long)jc.broken_seq);
		/* The same, another process writing forty entries to the chain meanwhile: each process's guesses go wrong
		 * whenever the other wrote last, the chain stays whole. */
		pid_t other = other_process_start(url, s1, 40);
		for (int i = 0; i < 4; i++) {
			tw[i] = (worker_arg){d, s1, 0};
			pthread_create(&tt[i], NULL, tx_writer, &tw[i]);
		}
		committed = 0;
		for (int i = 0; i < 4; i++) {
			pthread_join(tt[i], NULL);
			committed += tw[i].ok;
		}
		CHECK(other_process_end(other) == 0, "the other process wrote its forty");
		CHECK_INT(committed, 72);
		CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == 114 + 72 + 72 + 40,
		      "both processes' entries, chain intact (%lld, broken at %lld)", (long long)jc.entries,
		      (long long)jc.broken_seq);
		/* Two identical entries, presumed on one head by two processes: the second finds the head where its own
		 * entry would put it — another's, identical — and must take the next number, not fail on the first's. */
		for (int round = 0; round < 3; round++) {
			bool mine = false;
			int child = same_entry_twice(url, d, s1, &mine);
			CHECK(mine && child == 0, "the same entry written twice at once: both written (this process %d, the other %d)",
			      mine, child);
		}
		CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == 114 + 72 + 72 + 40 + 9,
		      "nine entries more, chain intact (%lld, broken at %lld)", (long long)jc.entries, (long long)jc.broken_seq);
	}
	/* The reads' writer, as the server runs it, with the database away for six statements (more than five
	 * attempts in a row, which once failed within a millisecond and dropped the group), then back: every read's
	 * entry is written. */
	T_GROUP("journal: the reads' writer outlasts a short outage");
	CHECK(journal_async_start(d) == E_OK, "the reads' writer started");
	db_conn_scope(c, s1);
	db_fail_next(6);
	for (int i = 0; i < 3; i++)
		CHECK(journal_record(c, 7, "read", "test", 200 + i, NULL) == E_OK, "a read queued");
	journal_flush(c);
	db_fail_next(0);
	CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == 310,
	      "the three reads written after the outage, chain intact (%lld, broken at %lld)", (long long)jc.entries,
	      (long long)jc.broken_seq);
	/* A longer outage (more tries than a refused group gets: twelve): waited for, nothing dropped — once, the
	 * group was dropped after six seconds. */
	/* A write holds a record's row and then takes the journal's head (its entry comes last); the record read
	 * meanwhile, its mark waits for the row. The group must not hold the head while it waits: the write would wait
	 * for it — a deadlock, which PostgreSQL broke after a second by undoing the mark. */
	if (fresh_is_pg()) {
		T_GROUP("journal: a read's mark and a write on its record");
		static db_sql set_w = DB_SQL(DB_SCOPED, "UPDATE t_items SET name = 'row-w' WHERE structure_id = $1 AND id = $2");
		static db_sql name_of = DB_SQL(DB_SCOPED, "SELECT name FROM t_items WHERE structure_id = $1 AND id = $2");
		static db_sql waiting = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
		                                          "AND query LIKE '%t_items%'");
		int64_t rid = 0, waiters = 0;
		CHECK(DBID(c, &Q_T_ADD, &rid, A_TEXT("row-0"), A_NULL) == E_OK, "a record");
		db_conn *cw = db_conn_get(d);
		db_conn_scope(cw, s1);
		CHECK(db_begin(cw, true) == E_OK && DBX(cw, &set_w, NULL, A_INT(rid)) == E_OK, "a write holds its row");
		CHECK(journal_record(c, 7, "read", "hookrow", rid, NULL) == E_OK, "the record read, its entry queued");
		for (int i = 0; i < 100000 && waiters == 0; i++)
			if (DBID0(c, &waiting, &waiters) != E_OK)
				break;
		CHECK(waiters == 1, "the read's mark waits for the row (%lld)", (long long)waiters);
		err ew = journal_record(cw, 7, "update", "test", rid, NULL);
		CHECK(ew == E_OK, "the write's entry");
		CHECK(db_finish(cw, ew) == E_OK, "the write committed");
		db_conn_put(cw);
		journal_flush(c);
		char *nm = NULL;
		arena na;
		arena_init(&na, 0);
		db_res q = {0};
		if (DBQ(c, &name_of, &q, A_INT(rid)) == E_OK && db_next(&q))
			nm = db_dup(&q, 0, &na);
		db_close(&q);
		CHECK(nm && !strcmp(nm, "row-marked"), "the mark written after the write, not undone (%s)", nm ? nm : "?");
		arena_release(&na);
		CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == 312,
		      "both entries, chain intact (%lld, broken at %lld)", (long long)jc.entries, (long long)jc.broken_seq);
		T_GROUP("journal: the reads' writer outlasts a short outage");
	}
	/* A hook that marks many at once is called once a structure of a group: a write holds the journal's head
	 * while a first read's group waits for it, six more reads of two structures queue meanwhile — the next group. */
	{
		T_GROUP("journal: the marks of a group, one call a structure");
		db_conn *cw = db_conn_get(d);
		db_conn_scope(cw, s1);
		CHECK(db_begin(cw, true) == E_OK, "a write");
		err ew = journal_record(cw, 7, "update", "test", 1, NULL);
		CHECK(ew == E_OK, "its entry: it holds the head");
		CHECK(journal_record(c, 7, "read", "hookmany", s1 * 1000, NULL) == E_OK, "a first read");
		for (int i = 1; i <= 6; i++) {
			db_conn_scope(c, i % 2 ? s1 : s2);
			CHECK(journal_record(c, 7, "read", "hookmany", (i % 2 ? s1 : s2) * 1000 + i, NULL) == E_OK, "a read queued");
		}
		db_conn_scope(c, s1);
		CHECK(db_finish(cw, ew) == E_OK, "the write committed");
		db_conn_put(cw);
		journal_flush(c);
		CHECK(many_marks == 7 && many_one_calls == 0 && many_mixed == 0,
		      "every read marked, by structure (%d marks, %d one at a time, %d of another structure)", many_marks,
		      many_one_calls, many_mixed);
		CHECK(many_calls >= 2 && many_calls <= 3, "one call a structure of each group (%d calls)", many_calls);
	}
	CHECK(journal_verify(c, s1, &jc) == E_OK, "the chain read");
	int64_t base = jc.entries;
	/* A text PostgreSQL would refuse is refused before it is queued: in a group, it would take the group's other
	 * entries with it. */
	CHECK(journal_record(c, 7, "read", "test", 250, "caf\xe9") == E_INTERNAL, "an entry whose detail is not UTF-8, refused");
	CHECK(journal_record(c, 7, "read", "t\xe9st", 251, NULL) == E_INTERNAL, "nor its kind");
	for (int i = 0; i < 3; i++)
		CHECK(journal_record(c, 7, "read", "test", 260 + i, "détail « é » \"quoted\" \\ {x}") == E_OK, "a read queued");
	journal_flush(c);
	CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == base + 3,
	      "the group written, not the refused ones, chain intact (%lld, broken at %lld)", (long long)jc.entries,
	      (long long)jc.broken_seq);
	T_GROUP("journal: the reads' writer waits for a database away, however long");
	db_fail_next(14);
	for (int i = 0; i < 3; i++)
		CHECK(journal_record(c, 7, "read", "test", 300 + i, NULL) == E_OK, "a read queued");
	journal_flush(c);
	journal_async_stop();
	db_fail_next(0);
	CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 0 && jc.entries == base + 6,
	      "the three reads written once the database was back, chain intact (%lld, broken at %lld)", (long long)jc.entries,
	      (long long)jc.broken_seq);
	db_sql upd = DB_SQL(DB_GLOBAL, "UPDATE journal SET detail = 'x' WHERE seq = 3");
	CHECK(DBX0(c, &upd, NULL) != E_OK, "UPDATE on the journal is refused by a trigger");
	db_sql del = DB_SQL(DB_GLOBAL, "DELETE FROM journal WHERE seq = 3");
	CHECK(DBX0(c, &del, NULL) != E_OK, "DELETE on the journal is refused by a trigger");
	/* Retention of the journal: entries before an instant go behind an anchor; the chain still verifies. */
	{
		int64_t removed = 0;
		/* Two entries written two years ago, one today. */
		civil_clock_shift(-2 * 365 * 86400);
		journal_record_in(c, s2, 1, "read", "test", 1, NULL);
		journal_record_in(c, s2, 1, "read", "test", 2, NULL);
		civil_clock_shift(0);
		journal_record_in(c, s2, 1, "read", "test", 3, NULL);
		/* Asked to purge everything up to now, it stops a year back. */
		CHECK(journal_purge_before(c, s2, civil_now() + 10, &removed) == E_OK && removed >= 2, "s2's journal purged (%lld)", (long long)removed);
		CHECK(journal_verify(c, s2, &jc) == E_OK && jc.broken_seq == 0 && jc.entries >= 2, "the year's entries are kept (%lld)",
		      (long long)jc.entries);
		journal_check j2;
		CHECK(journal_verify(c, s2, &j2) == E_OK && j2.broken_seq == 0, "s2's chain verifies from its anchor (%lld entries)",
		      (long long)j2.entries);
		db_sql back = DB_SQL(DB_GLOBAL, "UPDATE journal_anchor SET seq = 0 WHERE structure_id = $1");
		CHECK(DBX(c, &back, NULL, A_INT(s2)) != E_OK, "the anchor never moves back");
		CHECK(DBX0(c, &del, NULL) != E_OK, "s1's entries (no anchor) still cannot be deleted");
		journal_record_in(c, s2, 1, "read", "test", 1, NULL);
		CHECK(journal_verify(c, s2, &j2) == E_OK && j2.broken_seq == 0, "entries after the purge chain on");
		/* An entry added after the head, outside the program: seen, though the walk stops at the head. */
		int64_t hs = j2.head_seq;
		db_sql forged = DB_SQL(DB_GLOBAL,
			"INSERT INTO journal (structure_id, seq, at, user_id, action, kind, object_id, detail, prev, hash) "
			"VALUES ($1, $2, 0, 1, 'read', 'test', 1, '', 'x', 'y')");
		CHECK(DBX(c, &forged, NULL, A_INT(s2), A_INT(hs + 1)) == E_OK, "an entry forged after the head (%lld)", (long long)(hs + 1));
		CHECK(journal_verify(c, s2, &j2) == E_OK && j2.broken_seq == hs + 1, "verify points at it (got %lld)", (long long)j2.broken_seq);
	}
	/* An attacker with the database drops the trigger and edits: verify sees it. */
	db_sql drop_sq = DB_SQL(DB_GLOBAL, "DROP TRIGGER journal_no_update");
	db_sql drop_pg = DB_SQL(DB_GLOBAL, "ALTER TABLE journal DISABLE TRIGGER journal_no_change");
	CHECK(DBX0(c, fresh_is_pg() ? &drop_pg : &drop_sq, NULL) == E_OK, "drop trigger");
	db_sql tamper = DB_SQL(DB_GLOBAL, "UPDATE journal SET object_id = 999 WHERE seq = 3 AND structure_id = $1");
	CHECK(DBX(c, &tamper, NULL, A_INT(s1)) == E_OK, "tamper");
	CHECK(journal_verify(c, s1, &jc) == E_OK && jc.broken_seq == 3, "verify points at entry 3 (got %lld)", (long long)jc.broken_seq);
	journal_check jc2;
	CHECK(journal_verify(c, s1, &jc2) == E_OK && jc2.broken_seq == 3, "verified twice, the same");
	db_conn_put(c);
	arena_release(&a);
	db_close_all(d);
	return T_DONE();
}
