/*
 * store_pg.c — the PostgreSQL engine through libpq.
 *
 * Statements are prepared once per connection as "s<id>". Parameters travel
 * as text (PostgreSQL infers their types from the statement), BLOBs in
 * binary. Results come back as text; integers are parsed, booleans 't'/'f'
 * read as 1/0, bytea unescaped.
 *
 * The DDL rewrite is the one place where the dialects' differences are
 * written down: migrations are written for SQLite (STRICT tables), and
 * here INTEGER becomes BIGINT (SQLite integers are 64-bit),
 * "INTEGER PRIMARY KEY" an identity column (AUTOINCREMENT or not: an
 * identity never gives a number twice), BLOB bytea, and STRICT goes.
 */
#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/countof.h"
#include "store_engine.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/banned.h"

static err pg_copy_wait(db_conn *c);

static err pg_status_err(PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state && (!strncmp(state, "23", 2) || !strcmp(state, "40001") || !strcmp(state, "40P01"))) {
		log_info("postgresql: %s: constraint or serialization (%s)", what, state);
		return E_CONFLICT;
	}
	log_error("postgresql: %s: %s", what, res ? PQresultErrorMessage(res) : "no result");
	return E_DB;
}

static err pg_connect(db_conn *c)
{
	PGconn *h = PQconnectdb(c->d->target);
	if (!h || PQstatus(h) != CONNECTION_OK) {
		log_error("postgresql: connection failed: %s", h ? PQerrorMessage(h) : "out of memory");
		PQfinish(h);
		return E_DB;
	}
	c->h = h;
	c->copy_sent = c->replica = false; /* a new session: nothing pending */
	PGresult *res = PQexec(h, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
	PQclear(res);
	return E_OK;
}

static void pg_disconnect(db_conn *c) { PQfinish(c->h); }

static err pg_prepare(db_conn *c, db_sql *q, const char *text)
{
	char name[16];
	snprintf(name, sizeof name, "s%d", q->id);
	err e = pg_copy_wait(c);
	if (e != E_OK)
		return e;
	PGresult *res = PQprepare(c->h, name, text, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		e = pg_status_err(res, "prepare");
	else
		c->prepared[q->id] = (void *)1;
	PQclear(res);
	return e;
}

static err pg_run(db_conn *c, db_sql *q, db_res *r, int nargs, const db_arg *args)
{
	const char *values[DB_MAX_ARGS];
	int lengths[DB_MAX_ARGS], formats[DB_MAX_ARGS];
	char ints[DB_MAX_ARGS][24];
	for (int i = 0; i < nargs; i++) {
		lengths[i] = 0;
		formats[i] = 0;
		switch (args[i].kind) {
		case DBA_NULL: values[i] = NULL; break;
		case DBA_INT:
			snprintf(ints[i], sizeof ints[i], "%lld", (long long)args[i].i);
			values[i] = ints[i];
			break;
		case DBA_TEXT: values[i] = args[i].s; break;
		case DBA_BLOB:
			values[i] = args[i].s;
			lengths[i] = (int)args[i].n;
			formats[i] = 1;
			break;
		}
	}
	char name[16];
	snprintf(name, sizeof name, "s%d", q->id);
	err waited = pg_copy_wait(c);
	if (waited != E_OK)
		return waited;
	PGresult *res = PQexecPrepared(c->h, name, nargs, values, lengths, formats, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK) {
		r->pg = res;
		r->nrows = PQntuples(res);
		r->has_row = r->nrows > 0;
		return E_OK;
	}
	if (st == PGRES_COMMAND_OK) {
		const char *n = PQcmdTuples(res);
		r->nrows = n && *n ? (int)strtol(n, NULL, 10) : 0;
		PQclear(res);
		return E_OK;
	}
	err e = pg_status_err(res, "execute");
	PQclear(res);
	return e;
}

static bool pg_next(db_res *r)
{
	if (!r->pg)
		return false;
	r->row++;
	return r->row < r->nrows;
}

static void pg_close(db_res *r)
{
	PQclear(r->pg);
	r->pg = NULL;
}

static int pg_columns(db_res *r) { return r->pg ? PQnfields(r->pg) : 0; }

static bool pg_isnull(db_res *r, int col)
{
	return !r->pg || r->row < 0 || r->row >= r->nrows || col >= PQnfields(r->pg) ||
	       PQgetisnull(r->pg, r->row, col);
}

static const char *pg_text(db_res *r, int col, size_t *n)
{
	*n = 0;
	if (pg_isnull(r, col))
		return NULL;
	*n = (size_t)PQgetlength(r->pg, r->row, col);
	return PQgetvalue(r->pg, r->row, col);
}

static void *pg_blob_of_text(const char *s, size_t len, arena *a, size_t *n)
{
	(void)len; /* the text is NUL-terminated */
	*n = 0;
	unsigned char *raw = PQunescapeBytea((const unsigned char *)(s ? s : ""), &len);
	if (!raw)
		return NULL;
	void *out = arena_alloc(a, len ? len : 1);
	if (out && len)
		memcpy(out, raw, len);
	*n = out ? len : 0;
	PQfreemem(raw);
	return out;
}

static void *pg_blob(db_res *r, int col, arena *a, size_t *n)
{
	size_t len = 0;
	const char *s = pg_text(r, col, &len);
	return pg_blob_of_text(s, len, a, n);
}

static int64_t pg_int(db_res *r, int col)
{
	size_t n;
	const char *s = pg_text(r, col, &n);
	if (!s)
		return 0;
	if (s[0] == 't' && n == 1)
		return 1;
	if (s[0] == 'f' && n == 1)
		return 0;
	return strtoll(s, NULL, 10);
}

static err pg_simple_now(db_conn *c, const char *sql)
{
	PGresult *res = PQexec(c->h, sql);
	ExecStatusType st = PQresultStatus(res);
	err e = E_OK;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		e = pg_status_err(res, "exec");
	PQclear(res);
	return e;
}

/* Run even when the COPY waited for failed — a ROLLBACK must reach the server whatever went before it (a
 * COMMIT then answers ROLLBACK) —, and the first error returned. */
static err pg_simple(db_conn *c, const char *sql)
{
	err waited = pg_copy_wait(c), e = pg_simple_now(c, sql);
	return waited != E_OK ? waited : e;
}

/* ---- commits: the locks released before the disk's sync -------------------------------------------
 * A write transaction commits with synchronous_commit off: COMMIT returns once its record is in the WAL's
 * buffers, and its row locks (a structure's journal head, which every write takes) go with it. The commit is
 * acknowledged only after pg_durable: a statement whose transaction writes a WAL record (a logical message,
 * which no table keeps) and commits synchronously, so PostgreSQL syncs the WAL up to it — past ours: the WAL is
 * one sequence, synced in order. Durability is synchronous_commit's (an acknowledged write survives a crash),
 * and the commits of the moment share a sync, as PostgreSQL's group commit does; what differs, as with
 * SQLite's group commit (store_sqlite.c): another connection may read a commit a few milliseconds before it is
 * on disk, and any write made after that read reaches the disk after it. Before, the writes of a structure
 * followed each other at the pace of the disk's syncs, each holding the journal's head until its own. */
static err pg_durable(db_conn *c)
{
	return pg_simple(c, "SELECT pg_logical_emit_message(true, 'openccas', '')");
}

/* COMMIT and pg_durable's statement sent together: one round trip instead of two for every write. Each result is
 * read: the first must say COMMIT (a transaction that had failed answers ROLLBACK, without an error). */
static err pg_commit_durable(db_conn *c)
{
	err waited = pg_copy_wait(c);
	if (waited != E_OK)
		return waited;
	if (!PQsendQuery(c->h, "COMMIT; SELECT pg_logical_emit_message(true, 'openccas', '')")) {
		log_error("postgresql: commit: %s", PQerrorMessage(c->h));
		return E_DB;
	}
	err e = E_OK;
	int i = 0;
	for (PGresult *res; (res = PQgetResult(c->h)); PQclear(res), i++) {
		ExecStatusType st = PQresultStatus(res);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			if (e == E_OK)
				e = pg_status_err(res, "commit");
		} else if (i == 0 && strcmp(PQcmdStatus(res), "COMMIT") != 0 && e == E_OK) {
			log_error("postgresql: commit: the transaction was rolled back (%s)", PQcmdStatus(res));
			e = E_DB;
		}
	}
	if (e == E_OK && i != 2)
		e = E_DB;
	return e;
}

static err pg_migration_lock(db_conn *c)
{
	/* Serialises migrations of several starting processes. */
	return pg_simple(c, "SELECT pg_advisory_xact_lock(7264001)");
}

static bool word_at(const char *p, const char *start, const char *w)
{
	size_t n = strlen(w);
	if (strncmp(p, w, n))
		return false;
	if (p > start && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
		return false;
	return !(isalnum((unsigned char)p[n]) || p[n] == '_');
}

static char *pg_ddl(arena *a, const char *sql)
{
	static const struct { const char *from, *to; } words[] = {
		{"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
		{"INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
		{"INTEGER", "BIGINT"},
		{"BLOB", "BYTEA"},
		{"STRICT", ""},
	};
	buf b;
	buf_init(&b, a, strlen(sql) + 256);
	for (const char *p = sql; *p;) {
		bool hit = false;
		for (int i = 0; i < COUNTOF(words); i++)
			if (word_at(p, sql, words[i].from)) {
				buf_adds(&b, words[i].to);
				p += strlen(words[i].from);
				hit = true;
				break;
			}
		if (!hit)
			buf_addc(&b, *p++);
	}
	return b.failed ? NULL : (char *)buf_cstr(&b);
}

/* The answer of the COPY sent last (pg_copy), read before anything else is sent on the connection — so the
 * caller makes its next rows while the server writes these — and the replication role set back to origin if it
 * was sent under it. Every exchange of this file begins with it. */
static err copy_answer(db_conn *c, bool keep_replica)
{
	err e = E_OK;
	if (c->copy_sent) {
		c->copy_sent = false;
		for (PGresult *res; (res = PQgetResult(c->h)); PQclear(res))
			if (PQresultStatus(res) != PGRES_COMMAND_OK && e == E_OK)
				e = pg_status_err(res, "copy");
	}
	if (c->replica && !keep_replica && e == E_OK)
		e = pg_simple_now(c, "SET LOCAL session_replication_role = origin");
	if (!keep_replica || e != E_OK)
		c->replica = false; /* set back, or the transaction failed: its rollback sets it back */
	return e;
}

static err pg_copy_wait(db_conn *c) { return copy_answer(c, false); }

/* Sends rows kept in COPY's text format (db_copy_flush) in one COPY … FROM STDIN, its answer read now (wait) or
 * by the next exchange (pg_copy_wait); unchecked: under the session's replication role, with which PostgreSQL's
 * foreign-key triggers do not fire (pg_copy_keys said the role may, and that the table has no trigger of its
 * own), kept for the next COPY if it is unchecked too, set back by any other exchange. */
static err pg_copy(db_conn *c, const char *sql, const char *data, size_t len, bool unchecked, bool wait)
{
	err e = copy_answer(c, unchecked); /* the last COPY's role kept for this one if it is unchecked too */
	if (e == E_OK && unchecked && !c->replica) {
		e = pg_simple_now(c, "SET LOCAL session_replication_role = replica");
		c->replica = e == E_OK;
	}
	if (e != E_OK)
		return e;
	PGresult *res = PQexec(c->h, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		e = pg_status_err(res, "copy");
		PQclear(res);
		c->replica = false; /* the transaction failed: its rollback sets the role back */
		return e;
	}
	PQclear(res);
	bool sent = true;
	for (size_t off = 0; sent && off < len;) {
		int n = len - off > (1u << 20) ? 1 << 20 : (int)(len - off);
		sent = PQputCopyData(c->h, data + off, n) == 1;
		off += (size_t)n;
	}
	if (PQputCopyEnd(c->h, sent ? NULL : "envoi interrompu") != 1)
		sent = false;
	c->copy_sent = true;
	if (!sent) {
		log_error("postgresql: copy: %s", PQerrorMessage(c->h));
		e = pg_copy_wait(c);
		return e == E_OK ? E_DB : e;
	}
	return wait ? copy_answer(c, true) : E_OK;
}

/* One value of a statement of one text parameter (NULL parameter: none); E_DB on failure. */
static err pg_one(db_conn *c, const char *sql, const char *param, PGresult **out)
{
	*out = NULL;
	err waited = pg_copy_wait(c);
	if (waited != E_OK)
		return waited;
	*out = PQexecParams(c->h, sql, param ? 1 : 0, NULL, param ? &param : NULL, NULL, NULL, 0);
	if (PQresultStatus(*out) != PGRES_TUPLES_OK) {
		err e = pg_status_err(*out, "copy keys");
		PQclear(*out);
		*out = NULL;
		return e;
	}
	return E_OK;
}

/* Whether the rows copied to table may skip the row-by-row checks of its foreign keys: the role may set the
 * replication role (a superuser; PostgreSQL 15: or granted SET on it), the session's is origin, the table has no
 * trigger of its own — which the replication role would silence too — and a column id (its rows are told by it).
 * And then the table's largest id before. */
static err pg_copy_keys(db_conn *c, const char *table, bool *later, int64_t *before)
{
	*later = false;
	*before = 0;
	if (PQserverVersion(c->h) < 130000)
		return E_OK; /* the set's check names pg_current_xact_id (PostgreSQL 13) */
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)%s) "
	         "AND current_setting('session_replication_role') = 'origin' "
	         "AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal) "
	         "AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'id' AND NOT attisdropped)",
	         PQserverVersion(c->h) >= 150000 ? " OR has_parameter_privilege('session_replication_role', 'SET')" : "");
	PGresult *res;
	err e = pg_one(c, sql, table, &res);
	if (e != E_OK)
		return e;
	*later = PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (!*later)
		return E_OK;
	snprintf(sql, sizeof sql, "SELECT coalesce(max(id), 0) FROM %s", table);
	e = pg_one(c, sql, NULL, &res);
	if (e != E_OK)
		return e;
	*before = PQntuples(res) == 1 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return E_OK;
}

/* For each foreign key of the table, a statement over its rows past the id $1. Their keys that name a row this
 * transaction wrote (most: an import's persons name its own households) are set aside by a hash join; the others,
 * distinct (a few: the structure, a user), are looked up and locked as the row-by-row check locks them (FOR KEY
 * SHARE: not deleted until the import commits); it answers how many of those name no row. Multi-column keys too; a
 * key with a NULL names nothing (MATCH SIMPLE). Built from the catalogue: a key added later is checked with no
 * change here. */
static const char PG_KEY_CHECKS[] =
	"SELECT con.conname::text, con.confrelid::regclass::text, format('WITH o AS MATERIALIZED (SELECT DISTINCT %1$s FROM %2$s c WHERE c.id > $1 AND %3$s "
	"AND NOT EXISTS (SELECT 1 FROM %4$s p WHERE %5$s AND p.xmin = pg_current_xact_id()::xid /*own*/)), "
	"l AS (SELECT 1 FROM %4$s p JOIN o ON %6$s FOR KEY SHARE OF p) "
	"SELECT (SELECT count(*) FROM o) - (SELECT count(*) FROM l)', "
	"string_agg(format('c.%I AS k%s', ca.attname, u.n), ', ' ORDER BY u.n), con.conrelid::regclass, "
	"string_agg(format('c.%I IS NOT NULL', ca.attname), ' AND ' ORDER BY u.n), con.confrelid::regclass, "
	"string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND ' ORDER BY u.n), "
	"string_agg(format('p.%I = o.k%s', pa.attname, u.n), ' AND ' ORDER BY u.n)) "
	"FROM pg_constraint con, unnest(con.conkey, con.confkey) WITH ORDINALITY AS u(ck, pk, n), "
	"pg_attribute ca, pg_attribute pa "
	"WHERE con.contype = 'f' AND con.conrelid = $1::regclass AND ca.attrelid = con.conrelid AND ca.attnum = u.ck "
	"AND pa.attrelid = con.confrelid AND pa.attnum = u.pk GROUP BY con.oid, con.conname ORDER BY con.conname";

static err pg_copy_check(db_conn *c, const db_copied *all, int n, int which)
{
	PGresult *checks;
	err e = pg_one(c, PG_KEY_CHECKS, all[which].table, &checks);
	if (e != E_OK)
		return e;
	char from[24];
	snprintf(from, sizeof from, "%lld", (long long)all[which].before);
	for (int i = 0; e == E_OK && i < PQntuples(checks); i++) {
		/* A parent copied in the transaction: its own rows are past its largest id before (the pkey's range). */
		const char *parent = PQgetvalue(checks, i, 1), *sql = PQgetvalue(checks, i, 2), *mark = strstr(sql, "/*own*/");
		char own[48] = "";
		for (int k = 0; k < n; k++)
			if (!strcmp(all[k].table, parent))
				snprintf(own, sizeof own, " AND p.id > %lld", (long long)all[k].before);
		arena a;
		arena_init(&a, 0);
		buf b;
		buf_init(&b, &a, 0);
		if (mark) {
			buf_add(&b, sql, (size_t)(mark - sql));
			buf_adds(&b, own);
			buf_adds(&b, mark + 7);
		} else {
			buf_adds(&b, sql);
		}
		PGresult *res;
		e = b.failed ? E_NOMEM : pg_one(c, buf_cstr(&b), from, &res);
		arena_release(&a);
		if (e != E_OK)
			break;
		long long missing = PQntuples(res) == 1 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
		if (missing != 0) {
			log_error("postgresql: copy: %s: %lld key(s) of %s name no row", all[which].table, missing,
			          PQgetvalue(checks, i, 0));
			e = E_INTERNAL;
		}
		PQclear(res);
	}
	PQclear(checks);
	return e;
}

static bool pg_healthy(db_conn *c) { return c->h && PQstatus(c->h) == CONNECTION_OK; }

const db_engine_ops db_pg_ops = {
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.prepare = pg_prepare,
	.run = pg_run,
	.next = pg_next,
	.close = pg_close,
	.isnull = pg_isnull,
	.text = pg_text,
	.blob = pg_blob,
	.integer = pg_int,
	.columns = pg_columns,
	.blob_of_text = pg_blob_of_text,
	.simple = pg_simple,
	.migration_lock = pg_migration_lock,
	.begin_write = "BEGIN; SET LOCAL synchronous_commit = off",
	.durable = pg_durable,
	.durable_after_write = true,
	.commit_durable = pg_commit_durable,
	.scoped_tables_sql =
		"SELECT table_name::text FROM information_schema.columns WHERE column_name = 'structure_id' "
		"AND table_schema = current_schema() ORDER BY 1",
	.ddl = pg_ddl,
	.healthy = pg_healthy,
	.copy = pg_copy,
	.copy_keys = pg_copy_keys,
	.copy_check = pg_copy_check,
};
