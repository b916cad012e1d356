/* aid.c — schema, rulebook versions (editor, history, differences), the
 * simulation page, budget envelopes, the module's routes and its demo
 * (see aid.h, aid_internal.h). The household's figures come from persons.h. */
#include "modules/aid/aid.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid_internal.h"
#include "modules/aid/aid_rules.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

int PERM_AID_RULES, PERM_AID_SIMULATE, PERM_AID_READ, PERM_AID_INSTRUCT, PERM_AID_DECIDE, PERM_AID_COMMITTEE, PERM_AID_PAY,
	PERM_AID_ACT;

static const db_migration migrations[] = {
	{1, "rulebook versions",
	 "CREATE TABLE aid_rulebooks (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " version TEXT NOT NULL, adopted_on TEXT, effective_on TEXT NOT NULL, text TEXT NOT NULL, created_by INTEGER NOT NULL, "
	 " created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX aid_rulebooks_s ON aid_rulebooks(structure_id, effective_on);",
	 NULL},
	{2, "requests, their steps, committee sessions, budget envelopes",
	 "CREATE TABLE aid_sessions (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " held_on TEXT NOT NULL, place TEXT NOT NULL DEFAULT '', members TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'prevue', "
	 " closed_at INTEGER, created_by INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX aid_sessions_s ON aid_sessions(structure_id, status, held_on);"
	 "CREATE TABLE aid_requests (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, person_id INTEGER, aid_key TEXT NOT NULL, aid_label TEXT NOT NULL, status TEXT NOT NULL, "
	 " requested_on TEXT NOT NULL, purpose TEXT NOT NULL DEFAULT '', bill INTEGER NOT NULL DEFAULT 0, "
	 " residence_months INTEGER NOT NULL DEFAULT 0, creditor TEXT NOT NULL DEFAULT '', docs_missing TEXT NOT NULL DEFAULT '', "
	 " rulebook_id INTEGER REFERENCES aid_rulebooks(id), eligible INTEGER, proposed INTEGER NOT NULL DEFAULT 0, "
	 " explain TEXT NOT NULL DEFAULT '', qf INTEGER NOT NULL DEFAULT 0, rav INTEGER NOT NULL DEFAULT 0, "
	 " opinion TEXT NOT NULL DEFAULT '', opinion_amount INTEGER NOT NULL DEFAULT 0, opinion_reason TEXT NOT NULL DEFAULT '', "
	 " route TEXT NOT NULL DEFAULT '', session_id INTEGER REFERENCES aid_sessions(id), agenda_no INTEGER, "
	 " decision TEXT NOT NULL DEFAULT '', granted INTEGER NOT NULL DEFAULT 0, decision_motive TEXT NOT NULL DEFAULT '', "
	 " decided_on TEXT, decided_by INTEGER, ratified_on TEXT, notified_on TEXT, payment_mode TEXT NOT NULL DEFAULT '', "
	 " paid INTEGER NOT NULL DEFAULT 0, paid_on TEXT, vouchers TEXT NOT NULL DEFAULT '', pay_reference TEXT NOT NULL DEFAULT '', "
	 " closed_on TEXT, end_reason TEXT NOT NULL DEFAULT '', instructor_id INTEGER, created_by INTEGER NOT NULL, "
	 " created_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE INDEX aid_requests_status ON aid_requests(structure_id, status, requested_on);"
	 "CREATE INDEX aid_requests_household ON aid_requests(structure_id, household_id, aid_key);"
	 "CREATE INDEX aid_requests_session ON aid_requests(structure_id, session_id);"
	 "CREATE INDEX aid_requests_decided ON aid_requests(structure_id, decided_on);"
	 "CREATE TABLE aid_events (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, "
	 " request_id INTEGER NOT NULL REFERENCES aid_requests(id), session_id INTEGER, on_date TEXT NOT NULL, kind TEXT NOT NULL, "
	 " detail TEXT NOT NULL DEFAULT '', user_id INTEGER NOT NULL, at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX aid_events_r ON aid_events(structure_id, request_id);"
	 "CREATE INDEX aid_events_s ON aid_events(structure_id, session_id);"
	 "CREATE TABLE aid_budgets (structure_id INTEGER NOT NULL REFERENCES structures(id), year INTEGER NOT NULL, "
	 " aid_key TEXT NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (structure_id, year, aid_key)) STRICT;",
	 NULL},
};
const db_module_schema aid_schema = {"aid", migrations, sizeof migrations / sizeof *migrations};


static db_sql Q_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_rulebooks (structure_id, version, adopted_on, effective_on, text, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
static db_sql Q_IN_FORCE = DB_SQL(DB_SCOPED,
	"SELECT id, text FROM aid_rulebooks WHERE structure_id = $1 AND effective_on <= $2 ORDER BY effective_on DESC, id DESC LIMIT 1");
static db_sql Q_LATEST = DB_SQL(DB_SCOPED,
	"SELECT id, text FROM aid_rulebooks WHERE structure_id = $1 ORDER BY id DESC LIMIT 1");
static db_sql Q_HISTORY = DB_SQL(DB_SCOPED,
	"SELECT r.id, r.version, r.adopted_on, r.effective_on, u.display_name, r.created_at, "
	"(SELECT count(*) FROM aid_requests q WHERE q.structure_id = r.structure_id AND q.rulebook_id = r.id) FROM aid_rulebooks r "
	"LEFT JOIN agent_names u ON u.id = r.created_by WHERE r.structure_id = $1 ORDER BY r.id DESC LIMIT 100");
static db_sql Q_ONE = DB_SQL(DB_SCOPED, "SELECT version, effective_on, text, adopted_on FROM aid_rulebooks WHERE structure_id = $1 AND id = $2");
static db_sql Q_PREVIOUS = DB_SQL(DB_SCOPED, "SELECT max(id) FROM aid_rulebooks WHERE structure_id = $1 AND id < $2");


static bool parse_text(arena *a, const char *text, aid_rulebook *rb)
{
	aid_error errs[4];
	int ne;
	return text && aid_rules_parse(a, text, rb, errs, 4, &ne);
}

bool aid_rulebook_on(db_conn *c, arena *a, civil_date on, aid_rulebook *rb, int64_t *id)
{
	db_res q = {0};
	char *text = NULL;
	if (DBQ(c, &Q_IN_FORCE, &q, A_TEXT(civil_iso(a, on))) == E_OK && db_next(&q)) {
		*id = db_int(&q, 0);
		text = db_dup(&q, 1, a);
	}
	db_close(&q);
	return parse_text(a, text, rb);
}

bool aid_rulebook_by_id(db_conn *c, arena *a, int64_t id, aid_rulebook *rb)
{
	db_res q = {0};
	char *text = NULL;
	if (DBQ(c, &Q_ONE, &q, A_INT(id)) == E_OK && db_next(&q))
		text = db_dup(&q, 2, a);
	db_close(&q);
	return parse_text(a, text, rb);
}

static void editor(web_req *r, const char *text, aid_error *errs, int ne, const char *ok)
{
	page_begin(r, "Règlement des aides facultatives");
	buf *b = &r->out;
	if (ok)
		page_notice(r, "ok", ok);
	if (ne) {
		html_lit(b, "<div class=\"notice notice-error\" role=\"alert\" id=\"erreurs\" tabindex=\"-1\"><p><strong>Le règlement n’a pas été "
		            "enregistré</strong> : il contient des erreurs. Corrigez-les ; le texte saisi est conservé.</p><ul>");
		for (int i = 0; i < ne && i < 50; i++)
			html_printf(b, "<li>Ligne %d : %s</li>", errs[i].line, errs[i].message);
		html_lit(b, "</ul></div>");
	}
	html_lit(b, "<p>Une aide par bloc, de « aide : » à « fin ». Chaque enregistrement crée une nouvelle version ; les "
	            "versions précédentes restent consultables et les décisions gardent celle qui les a produites. "
	            "Un règlement invalide n’est jamais enregistré.</p><form method=\"post\" action=\"/aides/reglement\" novalidate>");
	page_csrf(r);
	html_printf(b, "<div class=\"field\"><label for=\"f-text\">Texte du règlement</label><textarea id=\"f-text\" name=\"text\" rows=\"28\" "
	               "class=\"code\" spellcheck=\"false\">%s</textarea></div>", text ? text : "");
	html_lit(b, "<button type=\"submit\" class=\"primary\">Vérifier et enregistrer une nouvelle version</button></form>"
	            "<h2>Versions</h2><table class=\"data\"><caption class=\"sr-only\">Versions du règlement</caption><thead><tr>"
	            "<th scope=\"col\">Version</th><th scope=\"col\">Adoptée le</th><th scope=\"col\">En vigueur le</th>"
	            "<th scope=\"col\">Enregistrée par</th><th scope=\"col\" class=\"num\">Demandes instruites</th>"
	            "<th scope=\"col\">Changements</th></tr></thead><tbody>");
	db_res q = {0};
	DBQ0(r->db, &Q_HISTORY, &q);
	while (db_next(&q))
		html_printf(b, "<tr><td><a href=\"/aides/reglement/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%lld</td>"
		               "<td><a href=\"/aides/reglement/%lld/difference\">par rapport à la version précédente</a></td></tr>",
		            (long long)db_int(&q, 0), db_text(&q, 1), civil_fr(r->a, db_text(&q, 2)), civil_fr(r->a, db_text(&q, 3)), db_text(&q, 4),
		            (long long)db_int(&q, 6), (long long)db_int(&q, 0));
	db_close(&q);
	html_lit(b, "</tbody></table>");
	page_end(r);
}

static void rules_get(web_req *r)
{
	db_res q = {0};
	char *text = NULL;
	if (DBQ0(r->db, &Q_LATEST, &q) == E_OK && db_next(&q))
		text = db_dup(&q, 1, r->a);
	db_close(&q);
	editor(r, text, NULL, 0, web_arg(r, "ok") ? "La nouvelle version du règlement a été enregistrée." : NULL);
}

/* Stores a new version; E_INPUT with the errors when the text is invalid. */
static err rules_store(web_req *r, const char *text, aid_error *errs, int max, int *ne, int64_t *id)
{
	aid_rulebook rb;
	*ne = 0;
	if (!text || !*text || strlen(text) > 200000) {
		errs[0] = (aid_error){0, "le texte est vide ou trop long (200 000 caractères au plus)"};
		*ne = 1;
		return E_INPUT;
	}
	if (!aid_rules_parse(r->a, text, &rb, errs, max, ne))
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_ADD, id, A_TEXT(rb.version ? rb.version : "sans numéro"), A_TEXT(rb.adopted), A_TEXT(rb.effective),
		         A_TEXT(text), A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "aid_rulebook", *id, rb.version);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void rules_post(web_req *r)
{
	const char *text = kv_get(&r->form, "text");
	aid_error errs[50];
	int ne;
	int64_t id;
	err e = rules_store(r, text, errs, 50, &ne, &id);
	if (e == E_INPUT) {
		r->status = 400;
		editor(r, text, errs, ne < 50 ? ne : 50, NULL);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/aides/reglement?ok=1");
}

static void version_get(web_req *r)
{
	db_res q = {0};
	if (DBQ(r->db, &Q_ONE, &q, A_INT(r->param[0])) != E_OK || !db_next(&q)) {
		db_close(&q);
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	char *v = db_dup(&q, 0, r->a), *eff = db_dup(&q, 1, r->a), *text = db_dup(&q, 2, r->a), *adopted = db_dup(&q, 3, r->a);
	db_close(&q);
	page_begin(r, arena_printf(r->a, "Règlement, version %s", v));
	html_printf(&r->out, "<p>Adoptée le %s, en vigueur à partir du %s. <a href=\"/aides/reglement/%lld/difference\">Ce qui a changé</a> · "
	                     "<a href=\"/aides/reglement\">Toutes les versions</a></p><pre class=\"code\">%s</pre>",
	            civil_fr(r->a, adopted), civil_fr(r->a, eff), (long long)r->param[0], text);
	page_end(r);
}

/* ---- differences between two versions (lines, longest common subsequence) --------------- */

typedef struct lines {
	const char **l;
	int n;
} lines;

static lines split_lines(arena *a, const char *text, int max)
{
	lines o = {arena_alloc(a, sizeof(char *) * (size_t)max), 0};
	char *t = arena_strdup(a, text ? text : "");
	for (char *p = t, *nl; o.l && p && *p && o.n < max; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		size_t k = strlen(p);
		if (k && p[k - 1] == '\r')
			p[k - 1] = '\0';
		o.l[o.n++] = p;
	}
	return o;
}

#define DIFF_MAX_LINES 1500
static void diff_lines(web_req *r, lines x, lines y)
{
	buf *b = &r->out;
	int pre = 0, suf = 0;
	while (pre < x.n && pre < y.n && !strcmp(x.l[pre], y.l[pre]))
		pre++;
	while (suf < x.n - pre && suf < y.n - pre && !strcmp(x.l[x.n - 1 - suf], y.l[y.n - 1 - suf]))
		suf++;
	int n = x.n - pre - suf, m = y.n - pre - suf;
	uint16_t *t = arena_alloc(r->a, sizeof *t * (size_t)(n + 1) * (size_t)(m + 1));
	if (!t) {
		html_lit(b, "<p>Les versions sont trop différentes pour être comparées ligne à ligne.</p>");
		return;
	}
#define T(i, j) t[(size_t)(i) * (size_t)(m + 1) + (size_t)(j)]
	for (int i = n; i >= 0; i--)
		for (int j = m; j >= 0; j--)
			T(i, j) = i == n || j == m ? 0
			          : !strcmp(x.l[pre + i], y.l[pre + j]) ? (uint16_t)(T(i + 1, j + 1) + 1)
			          : T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
	int changes = 0;
	html_lit(b, "<table class=\"data diff\"><caption>Lignes retirées (−) et ajoutées (+), avec leur numéro dans chaque version</caption>"
	            "<thead><tr><th scope=\"col\">Avant</th><th scope=\"col\">Après</th><th scope=\"col\">Ligne</th></tr></thead><tbody>");
	int i = 0, j = 0;
	const char *block = NULL; /* the "aide :" line of the block, shown before its first change */
	int block_x = 0, block_y = 0;
	for (int k = pre - 1; k >= 0 && !block; k--)
		if (!strncmp(x.l[k], "aide", 4))
			block = x.l[k], block_x = block_y = k + 1;
	while (i < n || j < m) {
		if (i < n && j < m && !strcmp(x.l[pre + i], y.l[pre + j])) {
			if (!strncmp(x.l[pre + i], "aide", 4))
				block = x.l[pre + i], block_x = pre + i + 1, block_y = pre + j + 1;
			i++, j++;
			continue;
		}
		if (block) {
			html_printf(b, "<tr class=\"same\"><td>%d</td><td>%d</td><td><code>%s</code></td></tr>", block_x, block_y, block);
			block = NULL;
		}
		if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1))) {
			html_printf(b, "<tr class=\"del\"><td>%d</td><td></td><td><code>− %s</code></td></tr>", pre + i + 1, x.l[pre + i]);
			i++, changes++;
		} else {
			html_printf(b, "<tr class=\"add\"><td></td><td>%d</td><td><code>+ %s</code></td></tr>", pre + j + 1, y.l[pre + j]);
			j++, changes++;
		}
	}
#undef T
	html_lit(b, "</tbody></table>");
	if (!changes)
		html_lit(b, "<p>Les deux versions ont le même texte.</p>");
}

static void difference(web_req *r)
{
	int64_t other = 0;
	const char *w = web_arg(r, "avec");
	if (w && !text_to_int64(w, 1, INT64_MAX, &other))
		other = 0;
	if (!other) {
		db_res q = {0};
		if (DBQ(r->db, &Q_PREVIOUS, &q, A_INT(r->param[0])) == E_OK && db_next(&q))
			other = db_int(&q, 0);
		db_close(&q);
	}
	char *tx[2] = {NULL, NULL}, *vx[2] = {NULL, NULL};
	int64_t ids[2] = {other, r->param[0]};
	for (int k = 0; k < 2; k++) {
		db_res q = {0};
		if (ids[k] && DBQ(r->db, &Q_ONE, &q, A_INT(ids[k])) == E_OK && db_next(&q)) {
			vx[k] = db_dup(&q, 0, r->a);
			tx[k] = db_dup(&q, 2, r->a);
		}
		db_close(&q);
	}
	if (!tx[1]) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	page_begin(r, arena_printf(r->a, "Règlement : ce qui change dans la version %s", vx[1]));
	if (!tx[0]) {
		html_lit(&r->out, "<p>C’est la première version : il n’y a rien avant elle.</p>");
	} else {
		html_printf(&r->out, "<p>De la <a href=\"/aides/reglement/%lld\">version %s</a> à la <a href=\"/aides/reglement/%lld\">version %s</a>.</p>",
		            (long long)ids[0], vx[0], (long long)ids[1], vx[1]);
		diff_lines(r, split_lines(r->a, tx[0], DIFF_MAX_LINES), split_lines(r->a, tx[1], DIFF_MAX_LINES));
	}
	page_end(r);
}

/* ---- simulation ------------------------------------------------------------------------------ */

static void simulate(web_req *r)
{
	int64_t hid = r->param[0];
	if (!persons_household_exists(r->db, hid)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	civil_date today = civil_today(r->user->tz);
	aid_rulebook rb;
	int64_t rbid;
	bool have = aid_rulebook_on(r->db, r->a, today, &rb, &rbid);
	page_begin(r, arena_printf(r->a, "Simulation des aides — dossier %s", persons_file_no(r->db, r->a, hid)));
	buf *b = &r->out;
	if (!have) {
		html_lit(b, "<p>Aucun règlement en vigueur aujourd’hui : un responsable l’enregistre dans « Règlement des aides ».</p>");
		page_end(r);
		return;
	}
	int64_t bill = 0, months = 12;
	const char *bs = web_arg(r, "facture"), *ms = web_arg(r, "residence");
	if (bs && *bs && !money_parse(bs, &bill))
		bill = 0;
	if (ms && *ms && !text_to_int64(ms, 0, 1200, &months))
		months = 12;
	aid_facts f;
	household_budget hb;
	if (aid_facts_for(r->db, r->a, hid, "", today, 0, (int)months, bill, &f, &hb) != E_OK) {
		r->out.len = 0;
		web_error(r, E_DB, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "household", hid, "aid simulation");
	html_printf(b, "<p>Règlement version %s en vigueur depuis le %s. Situation du foyer ce mois : quotient familial %s, reste à vivre %s "
	               "par personne et par jour, %d personne%s dont %d enfant%s. Rien n’est enregistré : c’est une simulation.</p>",
	            rb.version ? rb.version : "?", civil_fr(r->a, rb.effective), money_format(r->a, hb.qf), money_format(r->a, hb.rav_day_person),
	            hb.members, hb.members > 1 ? "s" : "", hb.children, hb.children > 1 ? "s" : "");
	html_printf(b, "<form method=\"get\" action=\"/foyers/%lld/simulation\" class=\"filters\">", (long long)hid);
	html_printf(b, "<div class=\"field\"><label for=\"facture\">Montant de la facture (€)</label><input id=\"facture\" name=\"facture\" value=\"%s\"></div>",
	            bs ? bs : "");
	html_printf(b, "<div class=\"field\"><label for=\"residence\">Mois de résidence dans la commune</label><input id=\"residence\" "
	               "name=\"residence\" inputmode=\"numeric\" value=\"%lld\"></div><button type=\"submit\">Simuler</button></form>",
	            (long long)months);
	html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Aides simulées</caption><thead><tr><th scope=\"col\">Aide</th>"
	            "<th scope=\"col\">Éligible</th><th scope=\"col\" class=\"num\">Montant proposé</th><th scope=\"col\">Pourquoi</th>"
	            "<th scope=\"col\">Demande</th></tr></thead><tbody>");
	bool can_create = web_can(r, PERM_AID_INSTRUCT);
	for (int i = 0; i < rb.naids; i++) {
		/* Each aid with what this household already received of it (ceilings). */
		aid_facts fi;
		household_budget hbi;
		if (aid_facts_for(r->db, r->a, hid, rb.aids[i].key, today, 0, (int)months, bill, &fi, &hbi) != E_OK)
			fi = f;
		aid_result res;
		aid_evaluate(r->a, &rb.aids[i], &fi, &res);
		html_printf(b, "<tr><th scope=\"row\">%s</th><td>%s</td><td class=\"num\">%s</td><td>%s</td><td>", rb.aids[i].label,
		            res.eligible ? "oui" : "non", money_format(r->a, res.amount), res.explain);
		if (can_create && res.eligible)
			html_printf(b, "<a href=\"/aides/demandes/nouvelle?foyer=%lld&amp;aide=%s&amp;facture=%s&amp;residence=%lld\" "
			               "aria-label=\"Créer une demande : %s\">Créer</a>",
			            (long long)hid, rb.aids[i].key, bs ? bs : "", (long long)months, rb.aids[i].label);
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table><p class=\"muted\">Les aides déjà accordées au foyer sont déduites des plafonds.</p>");
	page_end(r);
}

/* ---- budget envelopes ------------------------------------------------------------------------ */

static db_sql Q_ENVELOPE = DB_SQL(DB_SCOPED,
	"SELECT (SELECT amount FROM aid_budgets WHERE structure_id = $1 AND year = $2 AND aid_key = $3), "
	"coalesce(sum(CASE WHEN decision = 'accorde' AND status <> 'annulee' THEN granted ELSE 0 END), 0), coalesce(sum(paid), 0) "
	"FROM aid_requests WHERE structure_id = $1 AND aid_key = $3 AND decided_on >= $4 AND decided_on <= $5");
static db_sql Q_BUDGET_SET = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_budgets (structure_id, year, aid_key, amount) VALUES ($1, $2, $3, $4) "
	"ON CONFLICT (structure_id, year, aid_key) DO UPDATE SET amount = excluded.amount");
static db_sql Q_BUDGET_DEL = DB_SQL(DB_SCOPED, "DELETE FROM aid_budgets WHERE structure_id = $1 AND year = $2 AND aid_key = $3");

err aid_envelope_of(db_conn *c, const char *key, int year, aid_envelope *out)
{
	char from[11], to[11];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	db_res q = {0};
	err e = DBQ(c, &Q_ENVELOPE, &q, A_INT(year), A_TEXT(key), A_TEXT(from), A_TEXT(to));
	*out = (aid_envelope){-1, 0, 0};
	if (e == E_OK && db_next(&q)) {
		out->voted = db_isnull(&q, 0) ? -1 : db_int(&q, 0);
		out->committed = db_int(&q, 1);
		out->paid = db_int(&q, 2);
	}
	db_close(&q);
	return e;
}

static int budget_year(web_req *r)
{
	int64_t y = civil_today(r->user->tz).y;
	const char *s = web_arg(r, "annee") ? web_arg(r, "annee") : web_field(r, "annee");
	if (s && !text_to_int64(s, 2000, 2100, &y))
		y = civil_today(r->user->tz).y;
	return (int)y;
}

static void budget_page(web_req *r, const form_errors *fe)
{
	int year = budget_year(r);
	aid_rulebook rb;
	int64_t rbid;
	civil_date end = {year, 12, 31}, today = civil_today(r->user->tz);
	bool have = aid_rulebook_on(r->db, r->a, civil_to_days(end) < civil_to_days(today) ? end : today, &rb, &rbid);
	page_begin(r, arena_printf(r->a, "Budget des aides facultatives %d", year));
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "Les enveloppes ont été enregistrées.");
	form_error_summary(b, fe);
	html_printf(b, "<p><a href=\"/aides/budget?annee=%d\">Année précédente</a> · <a href=\"/aides/budget?annee=%d\">Année suivante</a></p>",
	            year - 1, year + 1);
	bool edit = web_can(r, PERM_AID_DECIDE);
	if (edit) {
		html_lit(b, "<form method=\"post\" action=\"/aides/budget\" novalidate>");
		page_csrf(r);
		html_printf(b, "<input type=\"hidden\" name=\"annee\" value=\"%d\">", year);
	}
	html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Enveloppes, engagé, payé et reste par aide</caption><thead><tr>"
	            "<th scope=\"col\">Aide</th><th scope=\"col\" class=\"num\">Enveloppe votée</th><th scope=\"col\" class=\"num\">Engagé</th>"
	            "<th scope=\"col\" class=\"num\">Payé</th><th scope=\"col\" class=\"num\">Reste à engager</th></tr></thead><tbody>");
	int64_t tv = 0, tc = 0, tp = 0;
	for (int i = 0; have && i < rb.naids; i++) {
		aid_envelope env;
		aid_envelope_of(r->db, rb.aids[i].key, year, &env);
		tv += env.voted > 0 ? env.voted : 0, tc += env.committed, tp += env.paid;
		html_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"num\">", rb.aids[i].label);
		if (edit) {
			const char *name = arena_printf(r->a, "env_%s", rb.aids[i].key);
			const char *typed = kv_get(&r->form, name), *err_ = form_error_for(fe, name);
			html_printf(b, "<label class=\"sr-only\" for=\"%s\">Enveloppe %s</label><input id=\"%s\" name=\"%s\" class=\"num\" size=\"10\" value=\"%s\"%s>",
			            name, rb.aids[i].label, name, name, typed ? typed : env.voted >= 0 ? money_format(r->a, env.voted) : "",
			            err_ ? " aria-invalid=\"true\"" : "");
		} else {
			html_printf(b, "%s", env.voted >= 0 ? money_format(r->a, env.voted) : "—");
		}
		bool over = env.voted >= 0 && env.committed > env.voted;
		html_printf(b, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num%s\">%s%s</td></tr>",
		            money_format(r->a, env.committed), money_format(r->a, env.paid), over ? " warn" : "",
		            env.voted >= 0 ? money_format(r->a, env.voted - env.committed) : "—", over ? " (dépassement)" : "");
	}
	html_printf(b, "</tbody><tfoot><tr><th scope=\"row\">Total</th><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
	               "<td class=\"num\">%s</td></tr></tfoot></table>",
	            money_format(r->a, tv), money_format(r->a, tc), money_format(r->a, tp), money_format(r->a, tv - tc));
	if (edit)
		html_lit(b, "<p class=\"muted\">Laissez vide une aide sans enveloppe votée.</p><button type=\"submit\" class=\"primary\">"
		            "Enregistrer les enveloppes votées</button></form>");
	page_end(r);
}

static void budget_get(web_req *r) { budget_page(r, NULL); }

static void budget_post(web_req *r)
{
	int year = budget_year(r);
	aid_rulebook rb;
	int64_t rbid;
	form_errors fe = {0};
	if (!aid_rulebook_on(r->db, r->a, civil_today(r->user->tz), &rb, &rbid)) {
		web_error(r, E_CONFLICT, "Aucun règlement en vigueur : les enveloppes se votent par aide du règlement.");
		return;
	}
	int64_t amounts[AID_MAX_AIDS];
	for (int i = 0; i < rb.naids; i++) {
		const char *name = arena_printf(r->a, "env_%s", rb.aids[i].key), *v = web_field(r, name);
		amounts[i] = -1;
		if (v && *v && (!money_parse(v, &amounts[i]) || amounts[i] < 0))
			form_error(&fe, name, arena_printf(r->a, "%s : l’enveloppe est un montant en euros.", rb.aids[i].label));
	}
	if (fe.n) {
		r->status = 400;
		budget_page(r, &fe);
		return;
	}
	err e = db_begin(r->db, true);
	for (int i = 0; e == E_OK && i < rb.naids; i++)
		e = amounts[i] >= 0 ? DBX(r->db, &Q_BUDGET_SET, NULL, A_INT(year), A_TEXT(rb.aids[i].key), A_INT(amounts[i]))
		                    : DBX(r->db, &Q_BUDGET_DEL, NULL, A_INT(year), A_TEXT(rb.aids[i].key));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "aid_budget", year, NULL);
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/aides/budget?annee=%d&ok=1", year));
}

/* ---- for the API ----------------------------------------------------------------------------- */

err aid_rules_store_api(web_req *r, const char *text, aid_error *errs, int max, int *ne, int64_t *id)
{
	return rules_store(r, text, errs, max, ne, id);
}

/* ---- registration ---------------------------------------------------------------------------- */

void aid_init(void)
{
	unsigned sw = ROLE_BIT(ROLE_SOCIAL_WORKER), co = ROLE_BIT(ROLE_CASE_OFFICER), mg = ROLE_BIT(ROLE_MANAGER),
	         cm = ROLE_BIT(ROLE_COMMITTEE);
	PERM_AID_RULES = perm_declare("aid.rules", "Écrire le règlement des aides facultatives", mg | ROLE_BIT(ROLE_ADMIN));
	PERM_AID_SIMULATE = perm_declare("aid.simulate", "Simuler les aides facultatives pour un foyer", sw | co | mg);
	PERM_AID_READ = perm_declare("aid.read", "Lire les demandes d’aide facultative", sw | co | mg);
	PERM_AID_INSTRUCT = perm_declare("aid.instruct", "Créer, déposer et instruire les demandes d’aide", sw | co | mg);
	PERM_AID_DECIDE = perm_declare("aid.decide", "Décider sous délégation, ordre du jour, budget, annulation", mg);
	PERM_AID_COMMITTEE = perm_declare("aid.committee", "Siéger en commission (dossiers anonymisés)", cm | mg);
	PERM_AID_PAY = perm_declare("aid.pay", "Enregistrer le paiement des aides", co | mg);
	PERM_AID_ACT = perm_declare("aid.act", "Faire avancer une demande d’aide (selon le rôle)", sw | co | mg | cm);
	web_route(M_GET, "/aides/reglement", rules_get, PERM_AID_RULES, 0, "Règlement des aides : éditeur et versions");
	web_route(M_POST, "/aides/reglement", rules_post, PERM_AID_RULES, 0, "Enregistrer une version du règlement");
	web_route(M_GET, "/aides/reglement/{id}", version_get, PERM_AID_RULES, 0, "Une version du règlement");
	web_route(M_GET, "/aides/reglement/{id}/difference", difference, PERM_AID_RULES, 0, "Ce qui change entre deux versions");
	web_route(M_GET, "/foyers/{id}/simulation", simulate, PERM_AID_SIMULATE, 0, "Simuler les aides pour un foyer");
	web_route(M_GET, "/aides/budget", budget_get, PERM_AID_READ, 0, "Budget des aides : enveloppes, engagé, payé");
	web_route(M_POST, "/aides/budget", budget_post, PERM_AID_DECIDE, 0, "Enregistrer les enveloppes votées");
	aid_requests_init();
	aid_committee_init();
	aid_docs_init();
	aid_api_init();
	layout_nav_add(60, "Aides", "/aides", PERM_AID_READ);
	layout_nav_add(61, "Commission", "/aides/commissions", PERM_AID_COMMITTEE);
	layout_nav_add(94, "Règlement des aides", "/aides/reglement", PERM_AID_RULES);
	persons_section_add(40, "Aides facultatives", aid_household_section, PERM_AID_SIMULATE);
}

/* ---- demo: two rulebook versions, three years of requests, sessions, envelopes --------------- */

static db_sql Q_D_SESSION = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_sessions (structure_id, held_on, place, members, status, closed_at, created_by) "
	"VALUES ($1, $2, 'Salle du conseil', $3, $4, $5, $6) RETURNING id");
static db_sql Q_D_REQUEST = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_requests (structure_id, household_id, person_id, aid_key, aid_label, status, requested_on, purpose, bill, "
	"residence_months, creditor, docs_missing, rulebook_id, eligible, proposed, explain, qf, rav, opinion, opinion_amount, route, "
	"session_id, agenda_no, decision, granted, decision_motive, decided_on, decided_by, ratified_on, notified_on, payment_mode, paid, "
	"paid_on, vouchers, pay_reference, closed_on, end_reason, instructor_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, "
	"$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, "
	"$33, $34, $35, $36, $37, $38, $39, $40) RETURNING id");
static db_sql Q_D_BUDGETS = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_budgets (structure_id, year, aid_key, amount) SELECT structure_id, CAST(substr(decided_on, 1, 4) AS INTEGER), "
	"aid_key, (sum(granted) * CASE WHEN substr(decided_on, 1, 4) = $2 THEN 16 ELSE 12 END / 10 / 100000 + 1) * 100000 "
	"FROM aid_requests WHERE structure_id = $1 AND decision = 'accorde' GROUP BY structure_id, substr(decided_on, 1, 4), aid_key");

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The first version the demo board adopted: lower amounts, no energy ceiling over 12 months. */
static char *older_version(arena *a, const char *text)
{
	buf b;
	buf_init(&b, a, strlen(text) + 64);
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
		char *line = arena_strndup(a, p, n);
		if (!strncmp(line, "version :", 9))
			line = "version : 2023-1\n";
		else if (!strncmp(line, "adopté le :", strlen("adopté le :")))
			line = "adopté le : 2022-12-08\n";
		else if (!strncmp(line, "en vigueur le :", strlen("en vigueur le :")))
			line = "en vigueur le : 2023-01-01\n";
		else if (strstr(line, "4,00 → 150,00"))
			line = "tranche : 4,00 → 120,00\n";
		else if (strstr(line, "par personne 30,00"))
			line = "montant : par personne 25,00\n";
		else if (strstr(line, "plafond 12 mois"))
			line = "plafond annuel : 350,00\n";
		buf_adds(&b, line);
		p += n;
	}
	return (char *)buf_cstr(&b);
}

typedef struct demo_ctx {
	db_conn *c;
	arena *a;
	uint64_t s;
	const int64_t *users;
	int nusers;
	int64_t manager;
	civil_date today;
	int64_t rb_old, rb_new;
	aid_rulebook old, cur;
	int64_t sessions[48];      /* closed sessions, one a month, oldest first */
	civil_date session_on[48];
	int nsessions;
	int64_t next_session;
	int agenda[49];
} demo_ctx;

static err demo_request(demo_ctx *x, int64_t hid, int64_t pid, civil_date on)
{
	bool newer = civil_to_days(on) >= civil_to_days((civil_date){2026, 2, 1});
	aid_rulebook *rb = newer ? &x->cur : &x->old;
	const aid_rule *rule = &rb->aids[rnd(&x->s) % (uint64_t)rb->naids];
	int64_t bill = rule->capped_by_bill || rule->kind == AMOUNT_PERCENT ? 8000 + (int64_t)(rnd(&x->s) % 52000) : 0;
	int months = 4 + (int)(rnd(&x->s) % 120);
	aid_facts f;
	household_budget hb;
	err e = aid_facts_for(x->c, x->a, hid, rule->key, on, 0, months, bill, &f, &hb);
	if (e != E_OK)
		return e;
	aid_result res;
	aid_evaluate(x->a, rule, &f, &res);
	int64_t age = civil_to_days(x->today) - civil_to_days(on);
	uint64_t dice = rnd(&x->s) % 100;
	const char *route = rule->emergency ? "urgence" : rule->delegation >= 0 && res.amount <= rule->delegation ? "delegation" : "commission";
	const char *status, *decision = "", *motive = "", *decided = NULL, *notified = NULL, *paid_on = NULL, *closed = NULL,
	                    *mode = "", *vouchers = "", *ref = "", *ratified = NULL, *end_reason = "", *missing = "";
	int64_t granted = 0, paid = 0, session = 0, agenda = 0, decided_by = 0;
	bool instructed = true;
	const char *creditor = !strcmp(rule->key, "energie") ? "EDF Solidarité" : !strcmp(rule->key, "cantine") ? "Caisse des écoles" : "";
	char *pay = arena_strdup(x->a, rule->payment ? rule->payment : "bon");
	char *comma = strchr(pay, ',');
	if (comma)
		*comma = '\0';
	if (age > 45) {
		civil_date dd = civil_from_days(civil_to_days(on) + 7 + (int64_t)(rnd(&x->s) % 20));
		if (!strcmp(route, "commission")) {
			/* The first monthly session after instruction. */
			for (int i = 0; i < x->nsessions; i++)
				if (civil_to_days(x->session_on[i]) >= civil_to_days(dd)) {
					session = x->sessions[i], dd = x->session_on[i], agenda = ++x->agenda[i];
					break;
				}
		}
		if (dice < 5) {
			status = "retiree", end_reason = "Le foyer a trouvé une autre solution.", instructed = dice < 2, session = 0;
			closed = civil_iso(x->a, dd);
		} else {
			decided = civil_iso(x->a, dd);
			decided_by = x->manager;
			if (res.eligible && res.amount > 0) {
				decision = "accorde", granted = res.amount, paid = granted;
				notified = civil_iso(x->a, civil_from_days(civil_to_days(dd) + 2));
				paid_on = civil_iso(x->a, civil_from_days(civil_to_days(dd) + 9));
				closed = paid_on, status = "close", mode = text_trim(x->a, pay);
				if (!strcmp(mode, "bon"))
					vouchers = arena_printf(x->a, "B%d-%05d à B%d-%05d", dd.y, (int)(rnd(&x->s) % 90000), dd.y, (int)(rnd(&x->s) % 90000));
				else if (!strncmp(mode, "virement", 8))
					ref = arena_printf(x->a, "Mandat %d-%04d", dd.y, (int)(rnd(&x->s) % 9000));
			} else {
				decision = "refuse", motive = "La situation du foyer ne répond pas aux conditions du règlement (voir le calcul).";
				notified = civil_iso(x->a, civil_from_days(civil_to_days(dd) + 2));
				closed = notified, status = "close";
			}
			if (!strcmp(route, "urgence"))
				ratified = civil_iso(x->a, civil_from_days(civil_to_days(dd) + 20));
		}
	} else {
		/* This month's work: every state agents meet. */
		if (dice < 10)
			status = "brouillon", instructed = false;
		else if (dice < 35) {
			status = "deposee", instructed = false;
			if (dice < 22 && rule->documents)
				missing = rule->documents;
		} else if (dice < 60)
			status = "instruite";
		else if (dice < 80 && !strcmp(route, "commission") && x->next_session)
			status = "inscrite", session = x->next_session, agenda = ++x->agenda[48];
		else if (dice < 90 && res.eligible && res.amount > 0) {
			status = "decidee", decision = "accorde", granted = res.amount, decided = civil_iso(x->a, x->today);
			decided_by = x->manager;
			if (!strcmp(route, "commission"))
				status = "instruite", decision = "", granted = 0, decided = NULL, decided_by = 0;
		} else
			status = "instruite";
	}
	int64_t id, creator = x->users[rnd(&x->s) % (uint64_t)x->nusers];
	e = DBID(x->c, &Q_D_REQUEST, &id, A_INT(hid), A_INT_OR_NULL(pid), A_TEXT(rule->key), A_TEXT(rule->label), A_TEXT(status),
	         A_TEXT(civil_iso(x->a, on)), A_TEXT(""), A_INT(bill), A_INT(months), A_TEXT(creditor), A_TEXT(missing),
	         instructed ? A_INT(newer ? x->rb_new : x->rb_old) : A_NULL, instructed ? A_INT(res.eligible ? 1 : 0) : A_NULL,
	         A_INT(instructed ? res.amount : 0), A_TEXT(instructed ? res.explain : ""), A_INT(instructed ? hb.qf : 0),
	         A_INT(instructed ? hb.rav_day_person : 0), A_TEXT(instructed ? (res.eligible ? "favorable" : "defavorable") : ""),
	         A_INT(instructed ? res.amount : 0), A_TEXT(instructed ? route : ""), A_INT_OR_NULL(session), A_INT_OR_NULL(agenda),
	         A_TEXT(decision), A_INT(granted), A_TEXT(motive), A_TEXT(decided), A_INT_OR_NULL(decided_by), A_TEXT(ratified),
	         A_TEXT(notified), A_TEXT(mode), A_INT(paid_on ? paid : 0), A_TEXT(paid_on), A_TEXT(vouchers), A_TEXT(ref), A_TEXT(closed),
	         A_TEXT(end_reason), A_INT_OR_NULL(instructed ? creator : 0), A_INT(creator), A_INT(civil_now()));
	const char *o = civil_iso(x->a, on);
	if (e == E_OK)
		e = aid_event(x->c, id, 0, creator, o, "creation", rule->label);
	if (e == E_OK && instructed)
		e = aid_event(x->c, id, 0, creator, o, "instruction", arena_printf(x->a, "proposition du règlement %s", money_format(x->a, res.amount)));
	if (e == E_OK && *decision)
		e = aid_event(x->c, id, session, x->manager, decided, decision, granted ? money_format(x->a, granted) : motive);
	if (e == E_OK && paid_on)
		e = aid_event(x->c, id, 0, creator, paid_on, "paiement", arena_printf(x->a, "%s, %s", mode, money_format(x->a, paid)));
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, creator, "aid_request", id, arena_printf(x->a, "Demande d’aide : %s", rule->label));
	return e;
}

err aid_demo(db *d, int64_t sid, uint64_t seed, const int64_t *users, int nusers, int64_t manager)
{
	const web_asset *ex = web_asset_find("reglement-exemple.txt");
	if (!ex || nusers < 1)
		return E_NOT_FOUND;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, sid);
	arena a, work;
	arena_init(&a, 0);
	arena_init(&work, 0);
	demo_ctx x = {.c = c, .a = &work, .s = seed * 0x9E3779B97F4A7C15ULL + 7, .users = users, .nusers = nusers, .manager = manager};
	structure_info si;
	x.today = civil_today(accounts_structure_info(c, &a, sid, &si) == E_OK ? si.tz : "Europe/Paris");
	char *text = arena_strndup(&a, (const char *)ex->data, ex->len), *old = text ? older_version(&a, text) : NULL;
	err e = text && parse_text(&a, text, &x.cur) && parse_text(&a, old, &x.old) ? db_begin(c, true) : E_INTERNAL;
	if (e == E_OK)
		e = DBID(c, &Q_ADD, &x.rb_old, A_TEXT(x.old.version), A_TEXT(x.old.adopted), A_TEXT(x.old.effective), A_TEXT(old),
		         A_INT(manager), A_INT(civil_now() - 86400 * 700));
	if (e == E_OK)
		e = DBID(c, &Q_ADD, &x.rb_new, A_TEXT(x.cur.version), A_TEXT(x.cur.adopted), A_TEXT(x.cur.effective), A_TEXT(text),
		         A_INT(manager), A_INT(civil_now() - 86400 * 300));
	/* A session on the 15th of every month for three years, the next one to come. */
	civil_date first = civil_add_months(x.today, -36);
	first.d = 15;
	for (int i = 0; e == E_OK && i < 48; i++) {
		civil_date on = civil_add_months(first, i);
		bool past = civil_to_days(on) < civil_to_days(x.today);
		int64_t id;
		e = DBID(c, &Q_D_SESSION, &id, A_TEXT(civil_iso(&a, on)),
		         A_TEXT(past ? "M. le vice-président (président de séance), Mme Da Silva, M. Nguyen, Mme Benali, Mme Roux (secrétaire)" : ""),
		         A_TEXT(past ? "close" : "prevue"), past ? A_INT(civil_now()) : A_NULL, A_INT(manager));
		if (past) {
			x.sessions[x.nsessions] = id;
			x.session_on[x.nsessions++] = on;
		} else {
			x.next_session = id;
			break;
		}
	}
	int64_t *hids = NULL;
	int64_t nh = e == E_OK ? persons_household_ids(c, &hids) : 0;
	int made = 0;
	for (int64_t i = 0; e == E_OK && i < nh && made < 6000; i += 7) {
		person_brief *p;
		if (persons_household_members(c, &work, hids[i], &p) < 1)
			continue;
		int k = 1 + (int)(rnd(&x.s) % 3);
		int64_t day = civil_to_days(x.today) - 1080 + (int64_t)(rnd(&x.s) % 1000);
		for (int j = 0; e == E_OK && j < k && day <= civil_to_days(x.today); j++, made++) {
			e = demo_request(&x, hids[i], p[0].id, civil_from_days(day));
			day += 30 + (int64_t)(rnd(&x.s) % 300);
		}
		if (made % 400 < 3 && e == E_OK) {
			e = db_commit(c);
			arena_release(&work);
			arena_init(&work, 0);
			if (e == E_OK)
				e = db_begin(c, true);
		}
	}
	/* This month's work at the counter: recent requests in every state. */
	for (int64_t i = 3; e == E_OK && i < nh && made < 7000; i += 23, made++) {
		person_brief *p;
		if (persons_household_members(c, &work, hids[i], &p) < 1)
			continue;
		e = demo_request(&x, hids[i], p[0].id, civil_from_days(civil_to_days(x.today) - (int64_t)(rnd(&x.s) % 40)));
	}
	free(hids);
	char year[8];
	snprintf(year, sizeof year, "%04d", x.today.y);
	if (e == E_OK)
		e = DBX(c, &Q_D_BUDGETS, NULL, A_TEXT(year));
	e = e == E_OK ? db_commit(c) : (db_rollback(c), e);
	arena_release(&work);
	arena_release(&a);
	db_conn_put(c);
	return e;
}
