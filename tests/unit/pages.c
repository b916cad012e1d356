/* Unit tests of the database file's pages shared by a process's SQLite
 * connections (src/store/sqlite_pages.c): what the connections read is
 * always what the database holds — after this process's commits and
 * checkpoints, under several threads, and after another process wrote,
 * checkpointed and started the WAL again behind the cache's back.
 * SQLite only (under OPENCCAS_TEST_PG too: the cache belongs to SQLite). */
#define T_NAME "pages"
#include "t.h"
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "store/sqlite_pages.h"
#include "store/store.h"

enum { ROWS = 3000 };

static db_sql Q_CREATE = DB_SQL(DB_GLOBAL, "CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER NOT NULL, v TEXT NOT NULL, pad BLOB)");
static db_sql Q_FILL = DB_SQL(DB_GLOBAL, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) "
                                         "INSERT INTO acct (id, bal, v, pad) SELECT x, 0, 'parent', randomblob(300) FROM n");
static db_sql Q_SUM = DB_SQL(DB_GLOBAL, "SELECT sum(bal) * 100000 + count(*) FROM acct");
static db_sql Q_MOVE = DB_SQL(DB_GLOBAL, "UPDATE acct SET bal = bal + $2, pad = randomblob(300) WHERE id = $1");
static db_sql Q_CKPT = DB_SQL(DB_GLOBAL, "PRAGMA wal_checkpoint(PASSIVE)");
static db_sql Q_OK = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'");
static db_sql Q_V = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM acct WHERE v = $1");
static db_sql Q_V1 = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM acct WHERE id = 1 AND v = $1");

static int64_t one_on(db_conn *c, db_sql *q, int nargs, const db_arg *args)
{
	int64_t n = -1;
	if (db_exec_id(c, q, nargs, args, &n) != E_OK)
		n = -1;
	return n;
}

static int64_t one(db *d, db_sql *q, int nargs, const db_arg *args)
{
	db_conn *c = db_conn_get(d);
	int64_t n = one_on(c, q, nargs, args);
	db_conn_put(c);
	return n;
}

/* ---- this process: writers, readers and checkpoints at once ---- */

typedef struct { db *d; unsigned seed; int done, bad; } job;

static void *mover(void *p)
{
	job *j = p;
	for (int i = 0; i < 400; i++) {
		db_conn *c = db_conn_get(j->d);
		int64_t a = 1 + (int64_t)(rand_r(&j->seed) % ROWS), b = 1 + (int64_t)(rand_r(&j->seed) % ROWS), k = 1 + rand_r(&j->seed) % 50;
		err e = db_begin(c, true);
		if (e == E_OK)
			e = DBX(c, &Q_MOVE, NULL, A_INT(a), A_INT(-k));
		if (e == E_OK)
			e = DBX(c, &Q_MOVE, NULL, A_INT(b), A_INT(k));
		if (db_finish(c, e) == E_OK)
			j->done++;
		if (i % 50 == 49)
			DBX0(c, &Q_CKPT, NULL);
		db_conn_put(c);
	}
	return NULL;
}

static void *reader(void *p)
{
	job *j = p;
	for (int i = 0; i < 300; i++) {
		int64_t n = one(j->d, &Q_SUM, 0, NULL);
		if (n == ROWS)
			j->done++;
		else
			j->bad++;
	}
	return NULL;
}

/* ---- another process: plain SQLite, without the cache ---- */

static int other(const char *path)
{
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, "unix") != SQLITE_OK)
		return 2;
	sqlite3_busy_timeout(h, 10000);
	/* Every row changed and checkpointed, the WAL emptied: the parent's
	 * next reads come from the file. Then every row again, checkpointed
	 * whole; then one row, which starts the WAL again. */
	const char *steps[] = {
		"UPDATE acct SET v = 'other-1'",
		"PRAGMA wal_checkpoint(TRUNCATE)",
		"UPDATE acct SET v = 'other-2'",
		"PRAGMA wal_checkpoint(PASSIVE)",
		"UPDATE acct SET v = 'other-3' WHERE id = 1",
	};
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		char *msg = NULL;
		if (sqlite3_exec(h, steps[i], NULL, NULL, &msg) != SQLITE_OK) {
			fprintf(stderr, "other: %s: %s\n", steps[i], msg ? msg : "?");
			sqlite3_free(msg);
			sqlite3_close(h);
			return 3;
		}
	}
	sqlite3_close(h);
	return 0;
}

/* Another process's view, plain SQLite: `rows` rows have v = `v`, and the file is sound. */
static int other_sees(const char *path, const char *v, const char *rows)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, "unix") != SQLITE_OK)
		return 2;
	sqlite3_busy_timeout(h, 10000);
	int rc = 3;
	if (sqlite3_prepare_v2(h, "SELECT (SELECT count(*) FROM acct WHERE v = ?1), (SELECT group_concat(integrity_check) FROM "
	                          "pragma_integrity_check)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *ok = (const char *)sqlite3_column_text(st, 1);
		rc = sqlite3_column_int64(st, 0) == strtoll(rows, NULL, 10) && ok && !strcmp(ok, "ok") ? 0 : 4;
		if (rc)
			fprintf(stderr, "other: %lld rows « %s », integrity: %.200s\n", (long long)sqlite3_column_int64(st, 0), v,
			        ok ? ok : "?");
	} else {
		fprintf(stderr, "other: %s\n", sqlite3_errmsg(h));
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}

/* Another process, this VFS with a cache of 1 MiB (four pages a stripe): 300 statements each stopped on its own
 * leaf, so that more pages are lent than there are slots. Every statement reads on as it should; some pages were
 * refused (SQLite read them itself), others lent. */
static int all_lent(const char *path)
{
	if (sqlite_pages_register(1, true) != SQLITE_OK)
		return 2;
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(h, 10000) != SQLITE_OK ||
	    /* every page in the file, none in the WAL: each is lent */
	    sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA mmap_size = 1099511627776; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return 3;
	enum { N = 300 };
	static sqlite3_stmt *st[N];
	int bad = 0;
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < N; i++) {
			if (!round && (sqlite3_prepare_v2(h, "SELECT id, length(pad) FROM acct WHERE id >= ?1 ORDER BY id", -1, &st[i],
			                                  NULL) != SQLITE_OK ||
			               sqlite3_bind_int(st[i], 1, 1 + i * 10) != SQLITE_OK))
				return 4;
			/* each statement's rows, in order: its first, then the next */
			if (sqlite3_step(st[i]) != SQLITE_ROW || sqlite3_column_int(st[i], 0) != 1 + i * 10 + round ||
			    sqlite3_column_int(st[i], 1) < 300)
				bad++;
		}
	sqlite_pages_info info;
	sqlite_pages_stats(&info);
	for (int i = 0; i < N; i++)
		sqlite3_finalize(st[i]);
	sqlite3_stmt *ok = NULL;
	const char *good = NULL;
	if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT group_concat(integrity_check) FROM pragma_integrity_check", -1, &ok, NULL) != SQLITE_OK ||
	    sqlite3_step(ok) != SQLITE_ROW)
		bad++;
	else
		good = (const char *)sqlite3_column_text(ok, 0);
	fprintf(stderr, "all lent: %d rows wrong, %llu pages lent, %llu refused, integrity %s\n", bad,
	        (unsigned long long)info.lent, (unsigned long long)info.refused, good ? good : "?");
	int rc = !bad && info.lent > 0 && info.refused > 0 && good && !strcmp(good, "ok") ? 0 : 5;
	sqlite3_finalize(ok);
	sqlite3_close(h);
	return rc;
}

/* This test's binary in another process: `mode` ("--other", "--sees", "--touch", "--all-lent") on the file. */
static int run_child(const char *self, const char *mode, const char *path, const char *v, const char *rows)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, mode, path, v, rows, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int run_other(const char *self, const char *path, const char *v, const char *rows)
{
	return v ? run_child(self, "--sees", path, v, rows) : run_child(self, "--other", path, NULL, NULL);
}

/* Another process: every row's v set to `v`, then a checkpoint (`mode`: PASSIVE copies what the readers allow). */
static int touch(const char *path, const char *v, const char *mode)
{
	sqlite3 *h = NULL;
	char sql[400];
	/* "touched-3": and a table of 2000 rows more, making the file longer. */
	snprintf(sql, sizeof sql, "UPDATE acct SET v = '%s'; %s PRAGMA wal_checkpoint(%s)", v,
	         strcmp(v, "touched-3") ? ""
	                                : "CREATE TABLE theirs AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
	                                  "WHERE x < 2000) SELECT x AS id, randomblob(300) AS pad FROM n;",
	         mode);
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, "unix") == SQLITE_OK &&
	                 sqlite3_busy_timeout(h, 10000) == SQLITE_OK && sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK
	             ? 0
	             : 2;
	sqlite3_close(h);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--other"))
		return other(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "--sees"))
		return other_sees(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "--all-lent"))
		return all_lent(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "--touch"))
		return touch(argv[2], argv[3], argv[4]);
	char path[128], url[160], side[160];
	snprintf(path, sizeof path, "/tmp/openccas-test-pages-%d.db", (int)getpid());
	snprintf(url, sizeof url, "sqlite:%s", path);
	const char *sides[] = {"", "-wal", "-shm", ".journal-key"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(side, sizeof side, "%s%s", path, sides[i]);
		unlink(side);
	}
	const char *why = NULL;
	db *d = db_open(url, 4, &why);
	CHECK(d != NULL, "open %s: %s", url, why ? why : "");
	if (!d)
		return T_DONE();
	db_conn *c = db_conn_get(d);
	CHECK(DBX0(c, &Q_CREATE, NULL) == E_OK && DBX0(c, &Q_FILL, NULL) == E_OK, "3000 rows");
	db_conn_put(c);

	T_GROUP("this process: writers, readers, checkpoints");
	sqlite_pages_info before, after;
	sqlite_pages_stats(&before);
	job jobs[4] = {{d, 1, 0, 0}, {d, 2, 0, 0}, {d, 3, 0, 0}, {d, 4, 0, 0}};
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, i < 2 ? mover : reader, &jobs[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	sqlite_pages_stats(&after);
	CHECK(jobs[0].done + jobs[1].done == 800, "800 transfers committed (%d)", jobs[0].done + jobs[1].done);
	CHECK(jobs[2].bad + jobs[3].bad == 0 && jobs[2].done + jobs[3].done == 600,
	      "every read of the sums saw 3000 rows summing to 0 (%d reads wrong)", jobs[2].bad + jobs[3].bad);
	CHECK_INT(one(d, &Q_SUM, 0, NULL), ROWS);
	CHECK_INT(one(d, &Q_OK, 0, NULL), 1);
	CHECK(after.hits > before.hits, "pages were served from the cache (%llu)", (unsigned long long)(after.hits - before.hits));
	CHECK(after.lent > before.lent, "read in place, not copied (%llu pages lent)", (unsigned long long)(after.lent - before.lent));
	CHECK(after.writes > before.writes, "checkpoints wrote through it (%llu writes)", (unsigned long long)(after.writes - before.writes));
	CHECK(after.pages > 0 && after.pages <= after.capacity, "%llu pages kept, room for %llu", (unsigned long long)after.pages,
	      (unsigned long long)after.capacity);

	T_GROUP("another process wrote, checkpointed, started the WAL again");
	/* The cache full of the rows as this process last read them. */
	CHECK_INT(one(d, &Q_V, 1, (db_arg[]){A_TEXT("parent")}), ROWS);
	CHECK_INT(one(d, &Q_V, 1, (db_arg[]){A_TEXT("parent")}), ROWS);
	sqlite_pages_stats(&before);
	CHECK_INT(run_other(argv[0], path, NULL, NULL), 0);
	CHECK_INT(one(d, &Q_V, 1, (db_arg[]){A_TEXT("other-2")}), ROWS - 1);
	CHECK_INT(one(d, &Q_V1, 1, (db_arg[]){A_TEXT("other-3")}), 1);
	CHECK_INT(one(d, &Q_V, 1, (db_arg[]){A_TEXT("parent")}), 0);
	sqlite_pages_stats(&after);
	CHECK(after.drops > before.drops, "the cache was emptied (%llu times)", (unsigned long long)(after.drops - before.drops));
	CHECK_INT(one(d, &Q_OK, 0, NULL), 1);
	/* And this process goes on writing over it. */
	c = db_conn_get(d);
	int64_t n = 0;
	db_sql set = DB_SQL(DB_GLOBAL, "UPDATE acct SET v = 'parent-2' WHERE id % 2 = 0");
	CHECK(DBX0(c, &set, &n) == E_OK && n == ROWS / 2, "rows updated (%lld)", (long long)n);
	DBX0(c, &Q_CKPT, NULL);
	db_conn_put(c);
	CHECK_INT(one(d, &Q_V, 1, (db_arg[]){A_TEXT("parent-2")}), ROWS / 2);
	CHECK_INT(one(d, &Q_V, 1, (db_arg[]){A_TEXT("other-2")}), ROWS / 2 - 1);
	CHECK_INT(one(d, &Q_OK, 0, NULL), 1);

	T_GROUP("a page read in place stays as it was read");
	db_sql mark_t = DB_SQL(DB_GLOBAL, "CREATE TABLE mark (x INTEGER)"), scan = DB_SQL(DB_GLOBAL, "SELECT id, v FROM acct ORDER BY id");
	/* Another table, in the file: read by another connection once the cache is emptied, its pages take slots. */
	db_sql filler = DB_SQL(DB_GLOBAL, "CREATE TABLE filler AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
	                                  "WHERE x < 3000) SELECT x AS id, randomblob(300) AS pad FROM n");
	db_sql fill_read = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM filler WHERE length(pad) = 300");
	c = db_conn_get(d);
	CHECK(DBX0(c, &filler, NULL) == E_OK, "another table");
	db_conn_put(c);
	/* Every page in the file (another process's full checkpoint), the cache emptied; then a frame in the WAL, so
	 * that a reader's snapshot has a mark another checkpoint can move. */
	CHECK_INT(run_child(argv[0], "--touch", path, "touched", "TRUNCATE"), 0);
	c = db_conn_get(d);
	CHECK(DBX0(c, &mark_t, NULL) == E_OK, "a frame in the WAL");
	db_conn_put(c);
	/* A reader stopped halfway through the table: the pages under its cursor are lent, from the cache's first slots. */
	db_conn *r = db_conn_get(d);
	db_res q = {0};
	int64_t seen = 0, wrong = 0, prev = 0;
	CHECK(db_begin(r, false) == E_OK && db_query(r, &scan, &q, 0, NULL) == E_OK, "the reader's scan");
	while (seen < ROWS / 2 && db_next(&q)) {
		wrong += db_int(&q, 0) != prev + 1 || strcmp(db_text(&q, 1), "touched");
		prev = db_int(&q, 0), seen++;
	}
	/* Another process changes every row and checkpoints what the reader allows; this process's other connections
	 * see it (the cache emptied) and read the other table, filling the cache's slots anew — never the lent ones. */
	sqlite_pages_stats(&before);
	CHECK_INT(run_child(argv[0], "--touch", path, "touched-2", "PASSIVE"), 0);
	CHECK_INT(one(d, &fill_read, 0, NULL), ROWS);
	CHECK_INT(one(d, &fill_read, 0, NULL), ROWS);
	sqlite_pages_stats(&after);
	CHECK(after.drops > before.drops, "the cache was emptied under the reader (%llu times)",
	      (unsigned long long)(after.drops - before.drops));
	/* The reader goes on in its snapshot: the rows in order, the values as before the other process. */
	while (db_next(&q)) {
		wrong += db_int(&q, 0) != prev + 1 || strcmp(db_text(&q, 1), "touched");
		prev = db_int(&q, 0), seen++;
	}
	db_close(&q);
	db_rollback(r);
	db_conn_put(r);
	CHECK(seen == ROWS && wrong == 0, "the reader read its 3000 rows as they were (%lld read, %lld wrong)", (long long)seen,
	      (long long)wrong);
	sqlite_pages_stats(&after);
	CHECK(after.lent_now == 0, "no page lent once the reader is done (%llu)", (unsigned long long)after.lent_now);
	CHECK_INT(one(d, &Q_V, 1, (db_arg[]){A_TEXT("touched-2")}), ROWS);
	CHECK_INT(one(d, &Q_OK, 0, NULL), 1);
	/* More pages lent than the cache has slots: the rest read by SQLite itself. */
	CHECK_INT(run_child(argv[0], "--all-lent", path, NULL, NULL), 0);

	T_GROUP("a transaction's new pages are not looked for in the file");
	/* Pages a write transaction adds are past the file's end until a checkpoint writes them: SQLite asks to read
	 * them in place all the same (each lookup of a read cursor); they are answered at once, not read past the end. */
	db_sql grown_t = DB_SQL(DB_GLOBAL, "CREATE TABLE grown (id INTEGER PRIMARY KEY, pad BLOB)");
	db_sql grown_fill = DB_SQL(DB_GLOBAL, "INSERT INTO grown (id, pad) WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
	                                      "FROM n WHERE x < 2000) SELECT x, randomblob(300) FROM n");
	db_sql grown_n = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM grown WHERE length(pad) = 300");
	c = db_conn_get(d);
	sqlite_pages_stats(&before);
	err ge = db_begin(c, true);
	if (ge == E_OK)
		ge = DBX0(c, &grown_t, NULL);
	if (ge == E_OK)
		ge = DBX0(c, &grown_fill, NULL);
	CHECK(ge == E_OK, "2000 rows written in a transaction");
	CHECK_INT(one_on(c, &grown_n, 0, NULL), 2000);
	sqlite_pages_stats(&after);
	CHECK(after.past_end >= before.past_end + 100, "the new pages answered without a read (%llu)",
	      (unsigned long long)(after.past_end - before.past_end));
	CHECK(db_commit(c) == E_OK, "committed");
	DBX0(c, &Q_CKPT, NULL);
	db_conn_put(c);
	/* Written by the checkpoint, they are in the file: read in place like any other. */
	sqlite_pages_stats(&before);
	CHECK_INT(one(d, &grown_n, 0, NULL), 2000);
	sqlite_pages_stats(&after);
	CHECK(after.past_end == before.past_end && after.lent >= before.lent + 100,
	      "once in the file, read in place (%llu lent, %llu past the end)", (unsigned long long)(after.lent - before.lent),
	      (unsigned long long)(after.past_end - before.past_end));
	/* Another process makes the file longer: its new pages are read in place here too (the size known here is
	 * forgotten with the cache when the other's checkpoint is seen), and read right. */
	CHECK_INT(run_child(argv[0], "--touch", path, "touched-3", "TRUNCATE"), 0);
	db_sql theirs_n = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM theirs WHERE length(pad) = 300");
	sqlite_pages_stats(&before);
	CHECK_INT(one(d, &theirs_n, 0, NULL), 2000);
	sqlite_pages_stats(&after);
	CHECK(after.past_end == before.past_end && after.lent >= before.lent + 100,
	      "the other process's new pages read in place (%llu lent, %llu past the end)",
	      (unsigned long long)(after.lent - before.lent), (unsigned long long)(after.past_end - before.past_end));
	CHECK_INT(one(d, &Q_V, 1, (db_arg[]){A_TEXT("touched-3")}), ROWS);
	CHECK_INT(one(d, &grown_n, 0, NULL), 2000);
	CHECK_INT(one(d, &Q_OK, 0, NULL), 1);

	T_GROUP("the WAL's frames written together");
	/* A commit is in the file before it is answered: another process reads it at once. */
	c = db_conn_get(d);
	db_sql kept1 = DB_SQL(DB_GLOBAL, "UPDATE acct SET v = 'kept-1', pad = randomblob(310) WHERE id <= 400");
	CHECK(DBX0(c, &kept1, &n) == E_OK && n == 400, "a commit of many frames (%lld rows)", (long long)n);
	db_conn_put(c);
	CHECK_INT(run_other(argv[0], path, "kept-1", "400"), 0);
	/* A transaction that spilled frames to the WAL, then rolled back; another connection's commit writes where
	 * they were; the first connection reads again. The rolled-back frames must never land over the commit's. */
	db_sql small = DB_SQL(DB_GLOBAL, "PRAGMA cache_size = 20"), back = DB_SQL(DB_GLOBAL, "PRAGMA cache_size = -16384");
	db_sql grow = DB_SQL(DB_GLOBAL, "UPDATE acct SET pad = randomblob(420 + id % 7)");
	db_sql redo = DB_SQL(DB_GLOBAL, "UPDATE acct SET v = 'after-' || $1, pad = randomblob(430)");
	for (int round = 0; round < 3; round++) {
		db_conn *a = db_conn_get(d), *b = db_conn_get(d);
		err e = DBX0(a, &small, NULL);
		if (e == E_OK)
			e = db_begin(a, true);
		if (e == E_OK)
			e = DBX0(a, &grow, NULL);
		db_rollback(a);
		CHECK(e == E_OK, "round %d: the spilling transaction ran, then rolled back", round);
		CHECK(DBX(b, &redo, &n, A_INT(round)) == E_OK && n == ROWS, "round %d: the other connection's commit (%lld rows)",
		      round, (long long)n);
		char v[24];
		snprintf(v, sizeof v, "after-%d", round);
		CHECK_INT(one_on(a, &Q_V, 1, (db_arg[]){A_TEXT(v)}), ROWS);
		DBX0(a, &back, NULL);
		db_conn_put(a);
		db_conn_put(b);
		CHECK_INT(run_other(argv[0], path, v, "3000"), 0);
	}
	CHECK_INT(one(d, &Q_OK, 0, NULL), 1);
	db_close_all(d);
	for (size_t i = 0; i < 4; i++) {
		snprintf(side, sizeof side, "%s%s", path, sides[i]);
		unlink(side);
	}
	return T_DONE();
}
