/*
 * The access journal against someone who can write the database but does
 * not hold the key (a stolen service account, a backup restored by hand):
 * each attack is scripted on a fresh demo database and `openccas journal
 * verify` must see it —
 *   (a) the retention anchor moved to the head, every entry deleted;
 *   (b) the last entries deleted and the head set to match;
 *   (c) an entry's user and detail changed and the chain recomputed;
 *   (d) an older copy restored (entries and head as they were): only the
 *       seals, kept outside the database, can tell.
 * Also: the key file (missing, readable by others), and a database from
 * before keys, re-chained once when its key is created (refused when its
 * old chain was already broken). Both engines, through the real binary.
 */
#define T_NAME "http-journal"
#include "http/h.h"
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <sys/stat.h>

/* ---- reading and writing the database as the attacker ------------------ */

typedef struct rows {
	int n, cols;
	char **v; /* n * cols strings */
} rows;

static void rows_free(rows *r)
{
	for (int i = 0; i < r->n * r->cols; i++)
		free(r->v[i]);
	free(r->v);
	memset(r, 0, sizeof *r);
}

static rows fetch(const char *sql)
{
	rows out = {0};
	if (fresh_is_pg()) {
		PGconn *c = PQconnectdb(fresh_url);
		PGresult *res = PQexec(c, sql);
		if (PQresultStatus(res) == PGRES_TUPLES_OK) {
			out.n = PQntuples(res);
			out.cols = PQnfields(res);
			out.v = calloc((size_t)(out.n * out.cols + 1), sizeof *out.v);
			for (int i = 0; i < out.n; i++)
				for (int k = 0; k < out.cols; k++)
					out.v[i * out.cols + k] = strdup(PQgetvalue(res, i, k));
		} else {
			fprintf(stderr, "fetch: %s", PQerrorMessage(c));
		}
		PQclear(res);
		PQfinish(c);
		return out;
	}
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open(fresh_url + 7, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		out.cols = sqlite3_column_count(st);
		int cap = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (out.n == cap) {
				cap = cap ? cap * 2 : 64;
				out.v = realloc(out.v, sizeof *out.v * (size_t)(cap * out.cols));
			}
			for (int k = 0; k < out.cols; k++) {
				const unsigned char *t = sqlite3_column_text(st, k);
				out.v[out.n * out.cols + k] = strdup(t ? (const char *)t : "");
			}
			out.n++;
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static const char *cell(const rows *r, int i, int k) { return r->v[i * r->cols + k]; }

/* The chain as it was before keys: BLAKE2b without a key. */
static void legacy_link(const char *prev, const char *seq, const char *sid, const char *at, const char *user, const char *action,
                        const char *kind, const char *obj, const char *detail, char out[65])
{
	char line[1024];
	int n = snprintf(line, sizeof line, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", prev, seq, sid, at, user, action, kind, obj,
	                 detail);
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static const char *lift_triggers(void)
{
	return fresh_is_pg() ? "ALTER TABLE journal DISABLE TRIGGER journal_no_change"
	                     : "DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS journal_no_delete";
}

/* Recomputes every chain without the key (what an attacker who can write
 * the database can do, and what the program wrote before keys), with the
 * heads. */
static void recompute_without_key(void)
{
	rows sids = fetch("SELECT structure_id FROM journal_head ORDER BY structure_id");
	for (int si = 0; si < sids.n; si++) {
		char q[256];
		snprintf(q, sizeof q, "SELECT seq, structure_id, at, user_id, action, kind, object_id, detail FROM journal "
		                      "WHERE structure_id = %s ORDER BY seq", cell(&sids, si, 0));
		rows r = fetch(q);
		char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000", h[65];
		size_t cap = 256 + (size_t)r.n * 220;
		char *sql = malloc(cap);
		size_t len = (size_t)snprintf(sql, cap, "%s;", si == 0 ? lift_triggers() : "SELECT 1");
		for (int i = 0; i < r.n; i++) {
			legacy_link(prev, cell(&r, i, 0), cell(&r, i, 1), cell(&r, i, 2), cell(&r, i, 3), cell(&r, i, 4), cell(&r, i, 5),
			            cell(&r, i, 6), cell(&r, i, 7), h);
			len += (size_t)snprintf(sql + len, cap - len, "UPDATE journal SET prev = '%s', hash = '%s' WHERE structure_id = %s AND seq = %s;",
			                        prev, h, cell(&sids, si, 0), cell(&r, i, 0));
			memcpy(prev, h, sizeof prev);
		}
		snprintf(sql + len, cap - len, "UPDATE journal_head SET last_hash = '%s' WHERE structure_id = %s", prev, cell(&sids, si, 0));
		CHECK_INT(db_tamper(sql), 0);
		free(sql);
		rows_free(&r);
	}
	rows_free(&sids);
}

/* ---- the binary ------------------------------------------------------------- */

static int run_out(const char *const argv[], char *out, size_t n)
{
	int fd[2];
	if (pipe(fd))
		return -1;
	pid_t p = fork();
	if (p == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	size_t got = 0;
	ssize_t k;
	while (got + 1 < n && (k = read(fd[0], out + got, n - got - 1)) > 0)
		got += (size_t)k;
	out[got] = 0;
	close(fd[0]);
	int st;
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char key_file[600], seal_file[600], out[16384];

/* A fresh demo database, its key and seal files. */
static void fresh(const char *tag)
{
	const char *url = fresh_db(tag);
	if (!strncmp(url, "sqlite:", 7)) {
		snprintf(key_file, sizeof key_file, "%s.journal-key", url + 7);
		snprintf(seal_file, sizeof seal_file, "%s.journal-seals", url + 7);
	} else {
		snprintf(key_file, sizeof key_file, "/tmp/openccas-jkey-%s-%d", tag, (int)getpid());
		snprintf(seal_file, sizeof seal_file, "/tmp/openccas-jseal-%s-%d", tag, (int)getpid());
		unlink(key_file);
		unlink(seal_file);
		setenv("OPENCCAS_JOURNAL_KEY", key_file, 1);
		setenv("OPENCCAS_JOURNAL_SEALS", seal_file, 1);
	}
	const char *demo[] = {bin_path(), "demo", "--db", fresh_url, "--households", "3", NULL};
	CHECK_INT(run_cmd(demo, 1), 0);
}

static int verify(void)
{
	const char *v[] = {bin_path(), "journal", "verify", "--db", fresh_url, NULL};
	return run_out(v, out, sizeof out);
}

static int verify_seals(void)
{
	const char *v[] = {bin_path(), "journal", "verify", "--db", fresh_url, "--seals", seal_file, NULL};
	return run_out(v, out, sizeof out);
}

static void seal(void)
{
	const char *s[] = {bin_path(), "journal", "seal", "--db", fresh_url, NULL};
	CHECK_INT(run_out(s, out, sizeof out), 0);
}

/* Some activity: each token created is a journal entry. */
static void activity(int n)
{
	for (int i = 0; i < n; i++) {
		const char *t[] = {bin_path(), "token", "create", "--user", DEMO("admin"), "--db", fresh_url, NULL};
		CHECK_INT(run_cmd(t, 1), 0);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;

	T_GROUP("a fresh journal verifies, with its seals");
	fresh("ja");
	struct stat st = {0};
	CHECK(stat(key_file, &st) == 0 && (st.st_mode & 0777) == 0600, "the key file exists, mode 0600 (%o)", (unsigned)(st.st_mode & 0777));
	seal();
	CHECK_HAS(out, "sceau(x) ajouté(s)");
	CHECK_INT(verify_seals(), 0);
	CHECK_HAS(out, "chaîne intègre");
	CHECK_HAS(out, "0 problème(s)");

	T_GROUP("(a) the anchor moved to the head, every entry deleted");
	CHECK_INT(db_tamper("INSERT INTO journal_anchor (structure_id, seq, hash) SELECT structure_id, last_seq, last_hash FROM journal_head "
	                    "WHERE true ON CONFLICT (structure_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"),
	          0);
	CHECK_INT(db_tamper("DELETE FROM journal"), 0);
	CHECK_INT(verify(), 5);
	CHECK_HAS(out, "ROMPUE");
	CHECK_HAS(out, "ancre");

	T_GROUP("(b) the tail deleted, the head set to match");
	fresh("jb");
	activity(3);
	seal();
	rows h = fetch("SELECT last_seq FROM journal_head WHERE structure_id = 1");
	long long last = h.n ? atoll(cell(&h, 0, 0)) : 0;
	rows_free(&h);
	CHECK(last > 5, "entries to cut (%lld)", last);
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "%s; DELETE FROM journal WHERE structure_id = 1 AND seq > %lld; UPDATE journal_head SET last_seq = %lld, "
	         "last_hash = (SELECT hash FROM journal WHERE structure_id = 1 AND seq = %lld) WHERE structure_id = 1",
	         lift_triggers(), last - 3, last - 3, last - 3);
	CHECK_INT(db_tamper(sql), 0);
	CHECK_INT(verify(), 5);
	CHECK_HAS(out, "tête de chaîne");
	CHECK_INT(verify_seals(), 5);
	CHECK_HAS(out, "des entrées ont disparu");

	T_GROUP("(c) an entry's user and detail changed, the chain recomputed without the key");
	fresh("jc");
	CHECK_INT(verify(), 0);
	snprintf(sql, sizeof sql, "%s; UPDATE journal SET user_id = 999, detail = 'rien' WHERE structure_id = 1 AND seq = 2", lift_triggers());
	CHECK_INT(db_tamper(sql), 0);
	recompute_without_key();
	CHECK_INT(verify(), 5);
	CHECK_HAS(out, "ROMPUE à l’entrée 1"); /* no link of the recomputed chain is the key's */

	T_GROUP("(d) an older copy restored: the seals tell");
	fresh("jd");
	rows old = fetch("SELECT last_seq, last_hash, mac FROM journal_head WHERE structure_id = 1");
	CHECK_INT(old.n, 1);
	activity(3);
	seal();
	snprintf(sql, sizeof sql,
	         "%s; DELETE FROM journal WHERE structure_id = 1 AND seq > %s; UPDATE journal_head SET last_seq = %s, last_hash = '%s', "
	         "mac = '%s' WHERE structure_id = 1",
	         lift_triggers(), cell(&old, 0, 0), cell(&old, 0, 0), cell(&old, 0, 1), cell(&old, 0, 2));
	CHECK_INT(db_tamper(sql), 0);
	rows_free(&old);
	CHECK_INT(verify(), 0); /* the copy is consistent in itself… */
	CHECK_INT(verify_seals(), 5); /* …but not with what was sealed */
	CHECK_HAS(out, "des entrées ont disparu");
	/* A seal line forged without the key is refused. */
	FILE *f = fopen(seal_file, "a");
	if (f) {
		fprintf(f, "seal 1 structure=1 seq=1 hash=%064d at=1 mac=%064d\n", 0, 0);
		fclose(f);
	}
	CHECK_INT(verify_seals(), 5);
	CHECK_HAS(out, "sceau falsifié");

	T_GROUP("the key file");
	fresh("jk");
	chmod(key_file, 0644);
	CHECK_INT(verify(), 3);
	CHECK_HAS(out, "chmod 600");
	chmod(key_file, 0600);
	CHECK_INT(verify(), 0);
	char moved[640];
	snprintf(moved, sizeof moved, "%s.moved", key_file);
	rename(key_file, moved);
	CHECK_INT(verify(), 3); /* verify never creates a key */
	CHECK_HAS(out, "introuvable");
	rename(moved, key_file);

	T_GROUP("a database from before keys: re-chained once, when its key is created");
	fresh("jl");
	recompute_without_key(); /* the chain as the program wrote it before keys */
	CHECK_INT(db_tamper("DELETE FROM journal_meta"), 0);
	unlink(key_file);
	const char *mig[] = {bin_path(), "migrate", "--db", fresh_url, NULL};
	CHECK_INT(run_out(mig, out, sizeof out), 0);
	CHECK(stat(key_file, &st) == 0, "a new key");
	CHECK_INT(verify(), 0);
	CHECK_HAS(out, "chaîne intègre");
	/* The same, but the old chain had been tampered with: not blessed. */
	fresh("jm");
	recompute_without_key();
	CHECK_INT(db_tamper("DELETE FROM journal_meta"), 0);
	snprintf(sql, sizeof sql, "%s; UPDATE journal SET detail = 'effacé' WHERE structure_id = 1 AND seq = 3", lift_triggers());
	CHECK_INT(db_tamper(sql), 0);
	unlink(key_file);
	CHECK_INT(run_out(mig, out, sizeof out), 3);
	CHECK_HAS(out, "avant la création de la clé");
	CHECK(stat(key_file, &st) != 0, "no key was left behind");
	/* And once a key exists, wiping journal_meta never re-chains. */
	fresh("jn");
	recompute_without_key();
	CHECK_INT(db_tamper("DELETE FROM journal_meta"), 0);
	CHECK_INT(run_out(mig, out, sizeof out), 0);
	CHECK_INT(verify(), 5);

	T_GROUP("the journal's page reads about its rows, whatever the journal's size");
	fresh("jp");
	/* 30 000 entries: five agents' reads of 400 households, one every 15 s (the chain is not what is tested here). */
	CHECK_INT(db_tamper("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000) "
	                    "INSERT INTO journal (structure_id, seq, at, user_id, action, kind, object_id, detail, prev, hash) "
	                    "SELECT 1, 1000000 + i, 1700000000 + i * 15, 9000 + i % 5, CASE WHEN i % 7 = 0 THEN 'update' ELSE 'read' END, "
	                    "'household', 1 + (i * 37) % 400, '', '', '' FROM n"), 0);
	setenv("OPENCCAS_LOG", "debug", 1); /* the Server-Timing header: statements and SQLite's steps */
	srv sv;
	int up = srv_start_on(&sv, fresh_url);
	unsetenv("OPENCCAS_LOG");
	if (up) {
		cli k;
		cli_init(&k, &sv);
		CHECK_INT(login(&k, DEMO("dpo"), DEMO_PW), 303);
		struct { const char *path, *newest; } pages[] = {
			{"/api/v1/journal?kind=household&object=1", "\"object_id\":1,"}, /* i = 29 989 */
			{"/api/v1/journal?user=9003", "\"seq\":1029998,"},
			{"/api/v1/journal?action=update", "\"seq\":1029995,"},
			{"/api/v1/journal?from=2023-11-14&to=2023-11-14", "\"at\":17000"},
		};
		bool sqlite = !strncmp(fresh_url, "sqlite:", 7);
		get(&k, "/api/v1/journal?kind=household&object=2"); /* the DPO's first read of the journal */
		for (int i = 0; i < (int)(sizeof pages / sizeof *pages); i++) {
			resp *r = get(&k, pages[i].path);
			CHECK_INT(r->status, 200);
			CHECK_HAS(r->body, pages[i].newest);
			const char *sh = r->headers ? strcasestr(r->headers, "steps=") : NULL;
			long long steps = sh ? strtoll(sh + 6, NULL, 10) : -1;
			/* The whole journal read (and sorted): 110 000 to 370 000 steps here; a page along its index 3 000 to 11 000. */
			CHECK(!sqlite || (steps >= 0 && steps < 30000), "%s: %lld steps of SQLite (a page of 100)", pages[i].path, steps);
		}
		/* Newest first, a hundred a page, and the next page keeps the dates. */
		json_t *j = json_loads(get(&k, "/api/v1/journal?user=9001")->body, 0, NULL);
		json_t *e = json_object_get(j, "entries");
		CHECK_INT(json_array_size(e), 100);
		bool ordered = true;
		for (size_t i = 1; i < json_array_size(e); i++)
			ordered = ordered && json_integer_value(json_object_get(json_array_get(e, i), "at")) <
			                         json_integer_value(json_object_get(json_array_get(e, i - 1), "at"));
		CHECK(ordered, "newest first");
		json_decref(j);
		resp *pg = get(&k, "/journal?from=2023-11-14&to=2023-11-20");
		CHECK_HAS(pg->body, "from=2023-11-14&amp;to=2023-11-20&amp;page=2");
		/* A hundred rows naming households: their file numbers read together, not a statement a row (104 before). */
		const char *sth = pg->headers ? strcasestr(pg->headers, "statements=") : NULL;
		int stn = sth ? atoi(sth + 11) : -1;
		CHECK(stn > 0 && stn < 20, "the journal's page of 100 household rows: %d statements", stn);
		CHECK_HAS(pg->body, "\">dossier "); /* named, linked to its page */
		/* A hundred rows of the other modules' records — the demo's domiciliation among records since gone: named
		 * a few statements for the page (module.refs), not one a row, the gone ones not asked again. */
		CHECK_INT(db_tamper("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
		                    "INSERT INTO journal (structure_id, seq, at, user_id, action, kind, object_id, detail, prev, hash) "
		                    "SELECT 1, 2000000 + i, 1800000000 + i, 9100, 'read', CASE i % 4 WHEN 0 THEN 'domiciliation' "
		                    "WHEN 1 THEN 'legal_file' WHEN 2 THEN 'housing_request' ELSE 'mc_credit' END, "
		                    "CASE WHEN i = 4 THEN (SELECT min(id) FROM domiciliations) ELSE 900000 + i END, '', '', '' FROM n"), 0);
		pg = get(&k, "/journal?user=9100");
		CHECK_INT(pg->status, 200);
		sth = pg->headers ? strcasestr(pg->headers, "statements=") : NULL;
		stn = sth ? atoi(sth + 11) : -1;
		CHECK(stn > 0 && stn < 20, "the journal's page of 100 rows of four modules' records: %d statements", stn);
		CHECK_HAS(pg->body, "domiciliation : domiciliation n° "); /* the one that exists, named (not a page of the DPO's) */
		CHECK_HAS(pg->body, "n° 900099"); /* a record gone: its number */
		cli_free(&k);
		CHECK_INT(srv_stop(&sv), 0);
	} else {
		CHECK(0, "server did not start");
	}
	return T_DONE();
}
