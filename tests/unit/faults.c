/* Fault injection through whole requests: the store is told to fail its
 * Nth statement, then the request arena its Nth allocation, for N = 1, 2, …
 * until the request goes through untouched. Every failure must give a clean
 * error answer (no crash, no leak: ASan/LSan watch) and never a half write:
 * the request's row is there entirely (with its journal entry: a fault after
 * the commit, while reading back) or not at all, and the access journal's
 * chain stays intact. Runs on the engine chosen by the environment. */
#define T_NAME "faults"
#include "t.h"
#include "dispatch.h"
#include "fresh.h"
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/crypto.h"
#include "core/log.h"
#include "modules/accounts/accounts.h"
#include "modules/accounts/accounts_internal.h" /* accounts_login: a browser's session */
#include "modules/demo/demo.h"
#include "modules/journal/journal.h"
#include "modules/modules.h"
#include "store/store.h"
#include "web/web.h"

static db_sql Q_CONTACTS = DB_SQL(DB_SCOPED, "SELECT count(*) FROM contacts WHERE structure_id = $1");
static db_sql Q_AIDS = DB_SQL(DB_SCOPED, "SELECT count(*) FROM aid_requests WHERE structure_id = $1");
static db_sql Q_JOURNAL = DB_SQL(DB_SCOPED, "SELECT count(*) FROM journal WHERE structure_id = $1");
static db_sql Q_DOMI = DB_SQL(DB_SCOPED, "SELECT min(id) FROM domiciliations WHERE structure_id = $1 AND status = 'active'");
static db_sql Q_MAIL = DB_SQL(DB_SCOPED, "SELECT count(*) FROM domi_mail WHERE structure_id = $1");
static db_sql Q_PERSONS = DB_SQL(DB_SCOPED, "SELECT count(*) FROM persons WHERE structure_id = $1");

static db *d;
static char bearer[96];

static int64_t count(db_sql *q)
{
	db_conn *c = db_conn_get(d);
	db_conn_scope(c, 1);
	int64_t n = -1;
	DBID0(c, q, &n);
	db_conn_put(c);
	return n;
}

static int dispatch(int method, const char *path, const char *body, long db_fault, long alloc_fault)
{
	return t_dispatch(d, bearer, method, path, body, db_fault, alloc_fault, NULL, 0);
}

/* A file uploaded for the persons' import (the API's multipart, its file given as the server's parser gives it);
 * the import's number, or 0. */
static int64_t upload(const char *where, const char *csv)
{
	arena a;
	arena_init(&a, 0);
	web_req r;
	memset(&r, 0, sizeof r);
	r.a = &a;
	r.method = M_POST;
	char p[96];
	snprintf(p, sizeof p, "%s", where);
	r.path = p;
	r.remote = "127.0.0.1";
	r.header_auth = bearer;
	web_file f = {"file", "faults.csv", "text/csv", (const unsigned char *)csv, strlen(csv)};
	r.form.files = &f;
	r.form.nfiles = 1;
	buf_init(&r.out, &a, 4096);
	web_dispatch(d, &r);
	const char *id = r.status == 201 && r.out.data ? strstr(r.out.data, "\"id\":") : NULL;
	int64_t n = id ? strtoll(id + 5, NULL, 10) : 0;
	arena_release(&a);
	return n;
}

typedef struct walk {
	const char *name;
	int method;
	const char *path, *body;
	int ok;          /* status when nothing fails */
	db_sql *rows;    /* rows a success adds (NULL: a read) */
	int reads;       /* journal entries a read served adds (its access recorded: a read without it is an error) */
} walk;

/* Walks N upward for one kind of fault; returns the number of failures seen. */
static int walk_faults(const walk *w, bool alloc)
{
	int failures = 0;
	for (long n = 1; n < 400; n++) {
		int64_t before = w->rows ? count(w->rows) : 0, jbefore = count(&Q_JOURNAL);
		int st = dispatch(w->method, w->path, w->body, alloc ? 0 : n, alloc ? n : 0);
		if (st == w->ok) {
			CHECK(!w->rows || count(w->rows) == before + 1, "%s: the success at N=%ld wrote its row", w->name, n);
			/* The access journal's entry of a read shown: a fault at its transaction's BEGIN or COMMIT once served
			 * the page without it. */
			CHECK(w->rows || count(&Q_JOURNAL) == jbefore + w->reads, "%s: the page served at N=%ld has its journal "
			      "entries (%lld, %d expected)", w->name, n, (long long)(count(&Q_JOURNAL) - jbefore), w->reads);
			return failures;
		}
		failures++;
		/* A fault never signs the user out: a session or token that could not be read answers « service
		 * indisponible » (503), not « identifiez-vous » (401, or a page's 303 to the login page). */
		CHECK(st >= 400 && st <= 599 && st != 401, "%s, %s fault at N=%ld: a clean error, the user still known (got %d)",
		      w->name, alloc ? "allocation" : "statement", n, st);
		int64_t j = count(&Q_JOURNAL), rows = w->rows ? count(w->rows) - before : 0;
		CHECK(rows == 0 || (rows == 1 && j > jbefore), "%s, fault at N=%ld: all or nothing (%lld row(s), journal +%lld)", w->name, n,
		      (long long)rows, (long long)(j - jbefore));
		CHECK(j - jbefore <= 1, "%s, fault at N=%ld: the journal moved by one entry at most", w->name, n);
	}
	CHECK(0, "%s: still failing after 400 faults", w->name);
	return failures;
}

int main(void)
{
	crypto_init();
	log_set_level(LOG_ERROR);
	modules_init();
	web_assets_init();
	const char *url = fresh_db("faults");
	const char *why;
	d = db_open(url, 4, &why);
	CHECK(d != NULL, "open %s", url);
	if (!d)
		return T_DONE();
	int nmods = 0;
	const db_module_schema *mods = modules_schema_array(&nmods);
	static const unsigned char test_key[32] = "openccas-test-key-0123456789abc";
	journal_key_use(test_key); /* the journal's key (a file in production) */
	CHECK(db_migrate(d, mods, nmods, NULL) == E_OK, "migrations");
	CHECK(demo_build(d, 60, 3) == E_OK, "demo data");
	db_conn *c = db_conn_get(d);
	char tok[64];
	CHECK(accounts_token_create(c, "responsable@" DEMO_DOMAIN, 1, "faults", 0, false, 0, tok, NULL) == E_OK, "token");
	db_conn_put(c);
	snprintf(bearer, sizeof bearer, "Bearer %s", tok);
	int64_t domi = count(&Q_DOMI);
	char mail_path[64];
	snprintf(mail_path, sizeof mail_path, "/api/v1/domiciliations/%lld", (long long)domi);

	const walk walks[] = {
		{"contact", M_POST, "/api/v1/contacts", "{\"household_id\": 2, \"channel\": \"telephone\", \"motive_id\": 1, \"answer\": \"x\"}", 201, &Q_CONTACTS, 0},
		{"aid request", M_POST, "/api/v1/aid/requests", "{\"household\": 2, \"aid\": \"energie\", \"residence\": 12, \"residence_reason\": \"test\", \"bill\": \"90\"}", 201, &Q_AIDS, 0},
		{"mail", M_POST, mail_path, "{\"action\": \"mail\", \"kind\": \"lettre\", \"count\": 1}", 200, &Q_MAIL, 0},
		{"household page", M_GET, "/foyers/2", NULL, 200, NULL, 1},
		{"search", M_GET, "/api/v1/persons?q=martin", NULL, 200, NULL, 0},
		{"aid list", M_GET, "/aides?liste=a_instruire", NULL, 200, NULL, 0},
		{"home page", M_GET, "/", NULL, 200, NULL, 0},
	};
	int total = 0;
	{
		/* A browser's session (the cookie) read when the database fails: « service indisponible », never the login
		 * page (the 303 a page without a session gets) nor « identifiez-vous ». */
		T_GROUP("a session that could not be read");
		char sid[CRYPTO_TOKEN_LEN + 1], cookie[128];
		int64_t uid = 0;
		const char *throttled = NULL;
		arena la;
		arena_init(&la, 0);
		db_conn *lc = db_conn_get(d);
		CHECK(accounts_login(lc, &la, "responsable@" DEMO_DOMAIN, DEMO_PASSWORD, NULL, "127.0.0.1", sid, &uid, &throttled) == E_OK,
		      "signed in");
		db_conn_put(lc);
		arena_release(&la);
		snprintf(cookie, sizeof cookie, "Cookie: " ACCOUNTS_COOKIE "=%s", sid);
		CHECK_INT(t_dispatch(d, cookie, M_GET, "/foyers/2", NULL, 0, 0, NULL, 0), 200);
		int unavailable = 0;
		for (long n = 1; n < 400; n++) {
			int st = t_dispatch(d, cookie, M_GET, "/foyers/2", NULL, n, 0, NULL, 0);
			if (st == 200)
				break;
			unavailable += st == 503;
			CHECK(st >= 400 && st <= 599 && st != 401, "the household page, statement fault at N=%ld: an error, the session "
			      "still known (got %d)", n, st);
		}
		CHECK(unavailable > 0, "a fault in the session's look-up answers 503 (%d)", unavailable);
		CHECK_INT(t_dispatch(d, "Cookie: " ACCOUNTS_COOKIE "=0123456789abcdef0123456789abcdef0123456789a", M_GET, "/foyers/2",
		                     NULL, 0, 0, NULL, 0), 303);
	}
	for (size_t i = 0; i < sizeof walks / sizeof *walks; i++) {
		T_GROUP(walks[i].name);
		CHECK_INT(dispatch(walks[i].method, walks[i].path, walks[i].body, 0, 0), walks[i].ok);
		int f1 = walk_faults(&walks[i], false), f2 = walk_faults(&walks[i], true);
		CHECK(f1 > 0, "%s: faults were injected (%d statements, %d allocations)", walks[i].name, f1, f2);
		total += f1 + f2;
	}
	{
		/* The import's confirmation (its COPYs, on PostgreSQL its keys checked as a set and a COPY answered later):
		 * each statement failed in turn, the file imported whole or not at all, the answer saying which, and the
		 * upload kept for the next try. (Its allocations are not walked: the reader's arenas make thousands.) A
		 * failed look for the persons already known was taken for « none »: the import went on, was written, and
		 * the answer said nothing was. */
		T_GROUP("the persons' import confirmed");
		int64_t id = upload("/api/v1/persons/imports", "foyer;nom;prenoms;date_naissance;lien\nF1;Fautive;Inès;1980-01-01;demandeur\n");
		CHECK(id > 0, "uploaded (%lld)", (long long)id);
		char path[96];
		snprintf(path, sizeof path, "/api/v1/persons/imports/%lld/confirm", (long long)id);
		walk w = {"import", M_POST, path, "{\"rows\": 1, \"households\": 1, \"known\": 0}", 200, &Q_PERSONS, 0};
		setenv("OPENCCAS_IMPORT_KNOWN_MS", "0", 1); /* the structure's persons read at once (known_load), faults too */
		int f = walk_faults(&w, false);
		unsetenv("OPENCCAS_IMPORT_KNOWN_MS");
		CHECK(f > 0, "import: %d statement faults injected", f);
		total += f;
		T_GROUP("DomiFa's file confirmed");
		id = upload("/api/v1/domiciliations/imports",
		            "Nom;Prénom;Civilité;Date naissance;Lieu naissance;Statut domiciliation;Type de domiciliation;"
		            "Date de Début de la domiciliation;Date de fin de la domiciliation\r\n"
		            "Fautif;Paul;H;03/03/1973;Oran;VALIDE;PREMIERE;01/09/2023;31/08/2024\r\n");
		CHECK(id > 0, "uploaded (%lld)", (long long)id);
		snprintf(path, sizeof path, "/api/v1/domiciliations/imports/%lld/confirm", (long long)id);
		walk wd = {"DomiFa import", M_POST, path, "{\"ready\": 1}", 200, &Q_PERSONS, 0};
		f = walk_faults(&wd, false);
		CHECK(f > 0, "DomiFa import: %d statement faults injected", f);
		total += f;
	}
	{
		/* A statement failed while a page was built makes the page an error (the router): a widget whose count failed
		 * cannot leave the page or show a figure not counted; when it could, it says so (aid, legal, micro-credit,
		 * domiciliation). */
		T_GROUP("the home page: a count that failed is an error page, never a page with a section or a figure missing");
		static char base[1 << 17], got[1 << 17];
		CHECK_INT(t_dispatch(d, bearer, M_GET, "/", NULL, 0, 0, base, sizeof base), 200);
		const char *ids[32];
		int nids = 0;
		for (const char *p = base; nids < 32 && (p = strstr(p, "<h2 id=\"t-h")); p += 8) {
			const char *e = strchr(p + 8, '"');
			ids[nids++] = e ? strndup(p + 8, (size_t)(e - p - 8)) : NULL;
		}
		CHECK(nids >= 5, "the manager's home page has its sections (%d)", nids);
		int errors = 0, silent = 0;
		for (long n = 1; n < 150; n++) {
			int st = t_dispatch(d, bearer, M_GET, "/", NULL, n, 0, got, sizeof got);
			errors += st == 500;
			if (st != 200)
				continue;
			silent += strstr(got, "pu être compt") != NULL; /* the fault was seen: the page must not be a 200 */
			for (int i = 0; i < nids; i++) {
				char h[64];
				snprintf(h, sizeof h, "<h2 id=\"%s\"", ids[i] ? ids[i] : "");
				if (!strstr(got, h)) {
					silent++;
					CHECK(0, "a fault at statement %ld took the section %s away", n, ids[i]);
				}
			}
		}
		CHECK(errors >= nids && silent == 0, "a fault in each of its counts: %d error pages; a page with a section gone or a "
		      "figure not counted: %d", errors, silent);
		for (int i = 0; i < nids; i++)
			free((char *)ids[i]);
	}
	T_GROUP("the journal's chain after all of it");
	c = db_conn_get(d);
	journal_check jc;
	CHECK(journal_verify(c, 1, &jc) == E_OK && jc.broken_seq == 0, "journal chain intact (%lld entries)", (long long)jc.entries);
	db_conn_put(c);
	printf("faults: %d injected failures, each a clean error\n", total);
	db_close_all(d);
	return T_DONE();
}
