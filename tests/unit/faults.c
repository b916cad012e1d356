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
/* A POST to path (kept by the caller) in arena a, nothing else set. */
static void post_init(web_req *r, arena *a, char *path)
{
	arena_init(a, 0);
	memset(r, 0, sizeof *r);
	r->a = a;
	r->method = M_POST;
	r->path = path;
	r->remote = "127.0.0.1";
}

static int64_t upload(const char *where, const char *csv)
{
	arena a;
	web_req r;
	char p[96];
	snprintf(p, sizeof p, "%s", where);
	post_init(&r, &a, p);
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

/* Appends the text url-encoded to a form's body. */
static void url_add(char *body, size_t cap, const char *s, size_t len)
{
	size_t at = strlen(body);
	for (size_t i = 0; i < len && at + 4 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
			body[at++] = (char)ch;
		else
			at += (size_t)snprintf(body + at, cap - at, "%%%02X", ch);
	}
	body[at] = 0;
}

/* The body the error page's « Renvoyer » form would send: its hidden fields, their values unescaped (html.h). */
static void kept_body(char *body, size_t cap, const char *section)
{
	static const char *const ents[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
	const char *end = strstr(section, "</form>");
	body[0] = 0;
	for (const char *p = section; (p = strstr(p, "<input type=\"hidden\" name=\"")) && end && p < end;) {
		p += 27;
		size_t nl = strcspn(p, "\"");
		const char *v = strstr(p, "value=\"");
		if (!v)
			break;
		v += 7;
		size_t vl = strcspn(v, "\""), at = strlen(body);
		snprintf(body + at, cap - at, "%s%.*s=", at ? "&" : "", (int)nl, p);
		for (size_t i = 0; i < vl; i++) {
			const char *c = v + i;
			for (size_t k = 0; k < sizeof ents / sizeof *ents; k++)
				if (!strncmp(v + i, ents[k][0], strlen(ents[k][0]))) {
					c = ents[k][1];
					i += strlen(ents[k][0]) - 1;
					break;
				}
			url_add(body, cap, c, 1);
		}
		p = v + vl;
	}
}

/* A route's pattern with each {id} 2. */
static void route_path(const char *pattern, char *path, size_t cap)
{
	size_t at = 0;
	for (const char *p = pattern; *p && at + 2 < cap; p++) {
		if (*p == '{') {
			path[at++] = '2';
			while (*p && *p != '}')
				p++;
		} else {
			path[at++] = *p;
		}
	}
	path[at] = 0;
}

/* A request, a fault at each of its statements in turn, then at its allocations the 1st, 2nd, 3rd, 5th, 8th… (a
 * page makes thousands): each an error, never a crash nor a page built without what failed. The faults injected. */
static int route_faults(int method, const char *path, const char *body)
{
	static char page[1 << 20];
	const char *m = method == M_GET ? "GET" : "POST";
	int injected = 0;
	for (long n = 1; n < 300; n++) {
		int st = t_dispatch(d, bearer, method, path, body, n, 0, page, sizeof page);
		if (t_fault_pending > 0)
			break; /* the request ran fewer statements: walked */
		injected++;
		CHECK(st >= 500, "%s %s, a fault at its statement %ld: an error (got %d)", m, path, n, st);
	}
	for (long n = 1, k = 1; n < 1000000; k += n, n = k - n) {
		int st = t_dispatch(d, bearer, method, path, body, 0, n, page, sizeof page);
		if (t_fault_pending > 0)
			break;
		injected++;
		CHECK(st >= 500, "%s %s, its allocation %ld failed: an error (got %d)", m, path, n, st);
	}
	return injected;
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
		static char got[1 << 16];
		int st = t_dispatch(d, bearer, w->method, w->path, w->body, alloc ? 0 : n, alloc ? n : 0, got, sizeof got);
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
		/* The answer tells which: written (the fault came after the commit, reading back), or nothing changed — a
		 * fault after the commit once answered « Rien n’a été modifié », and a write could follow a look-up that
		 * had failed. */
		bool said_written = strstr(got, "\"written\"") != NULL;
		CHECK(!w->rows || said_written == (rows == 1), "%s, %s fault at N=%ld: %s, the answer says %s", w->name,
		      alloc ? "allocation" : "statement", n, rows ? "written" : "nothing written", said_written ? "written" : "not");
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
	char cookie[128];
	{
		/* A browser's session (the cookie) read when the database fails: « service indisponible », never the login
		 * page (the 303 a page without a session gets) nor « identifiez-vous ». */
		T_GROUP("a session that could not be read");
		char sid[CRYPTO_TOKEN_LEN + 1];
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
	{
		/* A page's form refused by a fault: its error page gives back what was typed, ready to send again (the
		 * server failed, the sender known), or to copy (no session found); an expired form's, to copy only. */
		T_GROUP("a form refused by a fault keeps what was typed");
		static char page[1 << 20], body[4096], again[4096];
		CHECK_INT(t_dispatch(d, cookie, M_GET, "/foyers/2", NULL, 0, 0, page, sizeof page), 200);
		static const char at[] = "name=\"_csrf\" value=\"";
		const char *t = strstr(page, at);
		char csrf[CRYPTO_TOKEN_LEN + 1] = "";
		if (t)
			snprintf(csrf, sizeof csrf, "%.*s", (int)strcspn(t + strlen(at), "\""), t + strlen(at));
		CHECK(csrf[0], "the page's form carries its token");
		static const char typed[] = "Loyer impayé <b>depuis</b> mars & « relance » l'huissier\nà revoir";
		static const char shown[] = "Loyer impayé &lt;b&gt;depuis&lt;/b&gt; mars &amp; « relance » l&#39;huissier\nà revoir";
		snprintf(body, sizeof body, "_csrf=%s&household=2&channel=telephone&motive=1&answer=", csrf);
		url_add(body, sizeof body, typed, strlen(typed));
		int64_t before = count(&Q_CONTACTS);
		int refused = 0, offered = 0, to_copy = 0;
		long n = 1;
		for (; n < 400; n++) {
			int st = t_dispatch(d, cookie, M_POST, "/contacts", body, n, 0, page, sizeof page);
			if (st == 303)
				break;
			refused++;
			/* A look-up's failure once refused the form as the user's mistake (« Ce foyer n’existe pas. », « Choisissez
			 * un motif dans la liste. », 400). */
			CHECK(st >= 500 && st <= 599, "statement fault at N=%ld: the server's error (got %d)", n, st);
			CHECK(strstr(page, shown) != NULL, "statement fault at N=%ld: what was typed is on the error page", n);
			/* Under the labels the form gave its fields (the household page showed it); a hidden number under its name. */
			CHECK(strstr(page, "<dt>Réponse apportée</dt>") && strstr(page, "<dt>Type de contact</dt>") &&
			      strstr(page, "<dt>household</dt>"), "statement fault at N=%ld: the fields under their labels", n);
			const char *k = strstr(page, "<section class=\"kept\"");
			if (k && strstr(k, "Renvoyer la saisie")) {
				offered++;
				if (!again[0])
					kept_body(again, sizeof again, k);
			} else {
				to_copy++;
			}
		}
		CHECK(refused > 0 && n < 400, "faults refused the form %d times, then it went through", refused);
		CHECK(offered > 0 && to_copy > 0, "sent again by a button when the sender was known (%d), to copy when not (%d)",
		      offered, to_copy);
		CHECK(count(&Q_CONTACTS) == before + 1, "one contact recorded (%lld)", (long long)(count(&Q_CONTACTS) - before));
		CHECK(strstr(again, "_csrf=") && strstr(again, "answer="), "the button sends the form again with the session's token");
		CHECK_INT(t_dispatch(d, cookie, M_POST, "/contacts", again, 0, 0, page, sizeof page), 303);
		static db_sql q_answer = DB_SQL(DB_SCOPED, "SELECT answer FROM contacts WHERE structure_id = $1 ORDER BY id DESC LIMIT 1");
		db_conn *ac = db_conn_get(d);
		db_conn_scope(ac, 1);
		db_res q = {0};
		CHECK(DBQ(ac, &q_answer, &q) == E_OK && db_next(&q) && !strcmp(db_text(&q, 0), typed),
		      "sent again by the button: recorded as typed");
		db_close(&q);
		db_conn_put(ac);
		CHECK(count(&Q_CONTACTS) == before + 2, "the second contact is the one sent again");
		if (!fresh_is_pg()) {
			/* The disk refusing the sync of its commit (SQLite; a second handle, every commit of it refused after):
			 * written, not known kept — the page says so, and gives what was typed to copy, not to send twice. */
			const char *why2;
			db *d2 = db_open(fresh_url, 2, &why2);
			CHECK(d2 != NULL, "a second handle");
			if (d2) {
				int64_t was = count(&Q_CONTACTS);
				db_fail_sync_after(1);
				CHECK_INT(t_dispatch(d2, cookie, M_POST, "/contacts", body, 0, 0, page, sizeof page), 500);
				db_fail_sync_after(0);
				CHECK(strstr(page, "le disque n’a pas confirmé") && strstr(page, shown) && !strstr(page, "Renvoyer la saisie"),
				      "a sync refused: « écrite, pas confirmée », what was typed to copy, no button");
				CHECK(count(&Q_CONTACTS) == was + 1, "the contact is written (%lld)", (long long)(count(&Q_CONTACTS) - was));
				db_close_all(d2);
				/* A file read whose journal entry's sync the disk refused: not shown (a third handle, the second's
				 * commits all refused since). */
				db *d3 = db_open(fresh_url, 2, &why2);
				db_fail_sync_after(1);
				CHECK_INT(t_dispatch(d3, cookie, M_GET, "/foyers/2", NULL, 0, 0, page, sizeof page), 500);
				db_fail_sync_after(0);
				CHECK(strstr(page, "Code : 500 (database)") != NULL, "its entry not on disk: the household page is an error");
				db_close_all(d3);
				before++;
			}
		}
		/* An expired form (another token) and a form without a session: to copy, never a button. */
		char *mine = strstr(body, csrf);
		mine[0] = mine[0] == 'A' ? 'B' : 'A';
		CHECK_INT(t_dispatch(d, cookie, M_POST, "/contacts", body, 0, 0, page, sizeof page), 403);
		CHECK(strstr(page, shown) && !strstr(page, "Renvoyer la saisie"), "an expired form: what was typed shown, no button");
		CHECK_INT(t_dispatch(d, NULL, M_POST, "/contacts", body, 0, 0, page, sizeof page), 401);
		CHECK(strstr(page, shown) && !strstr(page, "Renvoyer la saisie"), "no session: what was typed shown, no button");
		CHECK(count(&Q_CONTACTS) == before + 2, "neither recorded");
		{
			/* A form with a file (a document deposited), refused by each fault in turn: its fields to copy, the file
			 * named to be chosen again, never a button that would send the form without it. */
			static const char pdf[] = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
			int with_file = 0;
			for (long fn = 1; fn < 400; fn++) {
				arena fa;
				web_req fr;
				char fp[] = "/foyers/2/documents";
				post_init(&fr, &fa, fp);
				parse_cookies(&fa, cookie + 8, strlen(cookie + 8), &fr.cookies);
				char fb[256];
				snprintf(fb, sizeof fb, "_csrf=%s&kind=quittance&valid_until=", csrf);
				parse_urlencoded(&fa, fb, strlen(fb), &fr.form);
				web_file wf = {"file", "quittance-octobre.pdf", "application/pdf", (const unsigned char *)pdf, sizeof pdf - 1};
				fr.form.files = &wf;
				fr.form.nfiles = 1;
				buf_init(&fr.out, &fa, 4096);
				db_fail_after(fn);
				web_dispatch(d, &fr);
				long pending = db_fail_pending();
				db_fail_after(0);
				bool shown_file = fr.out.data && memmem(fr.out.data, fr.out.len, "quittance-octobre.pdf", 21);
				bool button = fr.out.data && memmem(fr.out.data, fr.out.len, "Renvoyer la saisie", 18);
				int st = fr.status;
				arena_release(&fa);
				if (pending > 0) {
					CHECK_INT(st, 303);
					break;
				}
				with_file++;
				CHECK(st >= 500 && shown_file && !button, "a document refused at N=%ld (%d): the file named, no button", fn, st);
			}
			CHECK(with_file > 0, "the document's form refused by %d faults", with_file);
		}
		/* A note refused (too long: the form cannot show it again) and a household gone meanwhile: to copy. */
		static char note[24000];
		int k0 = snprintf(note, sizeof note, "_csrf=%s&visibility=equipe&body=Debut+de+la+note+", csrf);
		memset(note + k0, 'x', 21000);
		note[k0 + 21000] = 0;
		CHECK_INT(t_dispatch(d, cookie, M_POST, "/foyers/2/notes", note, 0, 0, page, sizeof page), 400);
		CHECK(strstr(page, "Debut de la note xxxx") && !strstr(page, "Renvoyer la saisie"), "a note too long: given back to copy");
		snprintf(note, sizeof note, "_csrf=%s&visibility=equipe&body=Note+pour+un+foyer+disparu", csrf);
		CHECK_INT(t_dispatch(d, cookie, M_POST, "/foyers/999999/notes", note, 0, 0, page, sizeof page), 404);
		CHECK(strstr(page, "Note pour un foyer disparu") != NULL, "a household gone: the note given back to copy");
		/* A form that carries a password is never given back (the sign-in page, the database failing under it);
		 * an attempt the server could not judge is given back: more faults than five attempts, then signed in
		 * (each fault once spent an attempt, and the sixth was « Trop de tentatives »). */
		int failed_in = 0;
		for (n = 1; n < 100; n++) {
			int st = t_dispatch(d, "Cookie: " ACCOUNTS_PRE_COOKIE "=0123456789abcdef", M_POST, "/connexion",
			                    "_pre=0123456789abcdef&suite=%2F&email=responsable%40" DEMO_DOMAIN "&password=" DEMO_PASSWORD,
			                    n, 0, page, sizeof page);
			if (st == 303)
				break;
			failed_in += st >= 500;
			CHECK(!strstr(page, DEMO_PASSWORD) && !strstr(page, "Votre saisie"), "the sign-in refused at N=%ld (%d): the "
			      "password not on the page", n, st);
		}
		CHECK(failed_in > 5 && n < 100, "the sign-in failed by faults (%d), then went through (N=%ld)", failed_in, n);
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
	{
		/* Every page and every API read, a fault at each of its statements in turn: an error, never a page built
		 * without what the failed statement read (a failure on a connection of its own, swallowed, would show
		 * here). Each {id} is 2: a household, a request, a file of the demo's, or « introuvable » read first. */
		T_GROUP("every read route, a fault at each of its statements, and at some of its allocations");
		int routes = 0, injected = 0;
		for (int i = 0; i < web_route_count(); i++) {
			const web_route_def *rt = web_route_at(i);
			if (!(rt->methods & M_GET) || rt->perm == WEB_PUBLIC)
				continue;
			char path[256];
			route_path(rt->pattern, path, sizeof path);
			routes++;
			injected += route_faults(M_GET, path, NULL);
		}
		CHECK(routes > 50 && injected > routes, "%d routes read, %d faults injected", routes, injected);
		printf("faults: %d read routes, %d faults (statements, allocations) injected in them, each an error\n", routes, injected);
		/* Every action too, sent empty (a form without its fields, an API call with {}): refused or done, and
		 * under each fault an error, never a crash. The routes that would sign this token out are left aside. */
		T_GROUP("every action sent empty, a fault at each of its statements, and at some of its allocations");
		int actions = 0, faulted = 0;
		for (int i = 0; i < web_route_count(); i++) {
			const web_route_def *rt = web_route_at(i);
			if (!(rt->methods & M_POST) || rt->perm == WEB_PUBLIC || strstr(rt->pattern, "revo") ||
			    strstr(rt->pattern, "deconnexion") || strstr(rt->pattern, "sessions"))
				continue;
			char path[256];
			route_path(rt->pattern, path, sizeof path);
			const char *body = !strncmp(path, "/api/", 5) ? "{}" : "vide=1";
			actions++;
			faulted += route_faults(M_POST, path, body);
		}
		CHECK(actions > 50 && faulted > actions, "%d actions, %d faults injected", actions, faulted);
		printf("faults: %d actions sent empty, %d faults (statements, allocations) injected in them, each an error\n", actions,
		       faulted);
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
