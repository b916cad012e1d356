/* persons_retention.c — how long a household's file is kept (CNIL
 * référentiel for social action): active while it lives, then an
 * intermediate archive (readable by a manager or the DPO only), then
 * anonymised — what statistics need stays (birth year, composition,
 * postcode and neighbourhood, housing, amounts of aid), the rest is removed
 * irreversibly, documents included. The durations are data, per structure
 * (/admin/conservation). `openccas purge` applies them (--dry-run lists;
 * idempotent, safe every night from cron); other modules anonymise their
 * part through their descriptors (module.h, anonymise). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "core/countof.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/module.h"
#include "modules/persons/persons_internal.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/log.h"
#include "core/banned.h"

static db_sql Q_RULES = DB_SQL(DB_SCOPED, "SELECT kind, years FROM retention_rules WHERE structure_id = $1");
static db_sql Q_RULE_SET = DB_SQL(DB_SCOPED,
	"INSERT INTO retention_rules (structure_id, kind, years) VALUES ($1, $2, $3) "
	"ON CONFLICT (structure_id, kind) DO UPDATE SET years = excluded.years");
/* Last activity: the newest event of the household's timeline (contacts,
 * aid, domiciliation, changes all write there), else its creation. */
#define LAST_ACTIVITY "coalesce((SELECT max(t.at) FROM timeline t WHERE t.structure_id = h.structure_id AND t.household_id = h.id), h.created_at)"
/* The four "due" statements are completed once, at first use, with the
 * holds other modules declared (literal SQL from the code, never input). */
#define DUE_BASE "FROM households h WHERE h.structure_id = $1 AND h.merged_into IS NULL AND " LAST_ACTIVITY " < $2"
static db_sql Q_DUE_ARCHIVE = DB_SQL(DB_SCOPED, NULL), Q_DUE_ANON = DB_SQL(DB_SCOPED, NULL),
	Q_COUNT_ARCHIVE = DB_SQL(DB_SCOPED, NULL), Q_COUNT_ANON = DB_SQL(DB_SCOPED, NULL), Q_FREE = DB_SQL(DB_SCOPED, NULL);
static pthread_once_t due_once = PTHREAD_ONCE_INIT;
/* Built once, kept for the program's life; fmt is always a literal of
 * this file with one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char *due_printf(const char *fmt, const char *hold)
{
	char *out = NULL;
	if (asprintf(&out, fmt, hold) < 0)
		log_fatal("persons: out of memory building the retention statements");
	return out;
}
#pragma GCC diagnostic pop

static void due_build(void)
{
	size_t len = 1;
	for (int i = 0; i < module_count(); i++)
		if (module_at(i)->retention_hold)
			len += strlen(module_at(i)->retention_hold) + 32;
	char *hold = calloc(1, len);
	if (!hold)
		log_fatal("persons: out of memory building the retention statements");
	size_t n = 0;
	for (int i = 0; i < module_count(); i++)
		if (module_at(i)->retention_hold)
			n += (size_t)snprintf(hold + n, len - n, " AND NOT EXISTS (%s)", module_at(i)->retention_hold);
	Q_DUE_ARCHIVE.text = due_printf("SELECT h.id " DUE_BASE " AND h.archived_at IS NULL%s ORDER BY h.id LIMIT $3", hold);
	Q_DUE_ANON.text = due_printf("SELECT h.id " DUE_BASE " AND h.anonymised_at IS NULL%s ORDER BY h.id LIMIT $3", hold);
	Q_COUNT_ARCHIVE.text = due_printf("SELECT count(*) " DUE_BASE " AND h.archived_at IS NULL%s", hold);
	Q_COUNT_ANON.text = due_printf("SELECT count(*) " DUE_BASE " AND h.anonymised_at IS NULL%s", hold);
	Q_FREE.text = due_printf("SELECT count(*) FROM households h WHERE h.structure_id = $1 AND h.id = $2 "
	                         "AND h.anonymised_at IS NULL%s", hold);
	free(hold);
}
static db_sql Q_ARCHIVE = DB_SQL(DB_SCOPED, "UPDATE households SET archived_at = $3 WHERE structure_id = $1 AND id = $2 AND archived_at IS NULL");
static db_sql Q_ANON_H = DB_SQL(DB_SCOPED,
	"UPDATE households SET street_no = '', street = '', annual_taxable = NULL, anonymised_at = $3, archived_at = coalesce(archived_at, $3) "
	"WHERE structure_id = $1 AND id = $2 AND anonymised_at IS NULL");
static db_sql Q_ANON_P = DB_SQL(DB_SCOPED,
	"UPDATE persons SET last_name = 'Anonyme', birth_name = '', first_names = '—', birth_place = '', phone = '', phone_digits = '', "
	"email = '', caf_number = '', representative = '', nir = '', search_name = '', "
	"birth_date = CASE WHEN birth_date IS NULL THEN NULL ELSE substr(birth_date, 1, 4) || '-01-01' END "
	"WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_NOTES = DB_SQL(DB_SCOPED, "DELETE FROM notes WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_ALERTS = DB_SQL(DB_SCOPED, "DELETE FROM alerts WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_DOCS = DB_SQL(DB_SCOPED, "DELETE FROM documents WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_NOTICES = DB_SQL(DB_SCOPED, "DELETE FROM notices WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ARCHIVED = DB_SQL(DB_SCOPED, "SELECT archived_at, anonymised_at FROM households WHERE structure_id = $1 AND id = $2");

void persons_retention_get(db_conn *c, persons_retention *out)
{
	*out = (persons_retention){2, 3, 1};
	db_res q = {0};
	DBQ0(c, &Q_RULES, &q);
	while (db_next(&q)) {
		const char *k = db_text(&q, 0);
		int y = (int)db_int(&q, 1);
		if (!strcmp(k, "active"))
			out->active_years = y;
		else if (!strcmp(k, "archive"))
			out->archive_years = y;
		else if (!strcmp(k, "journal"))
			out->journal_years = y;
	}
	db_close(&q);
}

int persons_household_archived(db_conn *c, int64_t hid)
{
	db_res q = {0};
	int st = 0;
	if (DBQ(c, &Q_ARCHIVED, &q, A_INT(hid)) == E_OK && db_next(&q))
		st = !db_isnull(&q, 1) ? 2 : !db_isnull(&q, 0) ? 1 : 0;
	db_close(&q);
	return st;
}

static int64_t cutoff(civil_date on, int years)
{
	civil_date c = civil_add_months(on, -12 * years);
	return civil_to_days(c) * 86400;
}

static err count_due(db_conn *c, db_sql *q, int64_t before, int64_t *n)
{
	return DBID(c, q, n, A_INT(before));
}

err persons_retention_plan(db_conn *c, civil_date on, persons_retention_plan_t *p)
{
	pthread_once(&due_once, due_build);
	persons_retention r;
	persons_retention_get(c, &r);
	memset(p, 0, sizeof *p);
	civil_date next = civil_add_months(on, 1);
	int64_t a0 = cutoff(on, r.active_years), n0 = cutoff(on, r.active_years + r.archive_years);
	err e = count_due(c, &Q_COUNT_ARCHIVE, a0, &p->archive_now);
	if (e == E_OK)
		e = count_due(c, &Q_COUNT_ANON, n0, &p->anonymise_now);
	if (e == E_OK)
		e = count_due(c, &Q_COUNT_ARCHIVE, cutoff(next, r.active_years), &p->archive_next_month);
	if (e == E_OK)
		e = count_due(c, &Q_COUNT_ANON, cutoff(next, r.active_years + r.archive_years), &p->anonymise_next_month);
	p->archive_next_month -= p->archive_now;
	p->anonymise_next_month -= p->anonymise_now;
	return e;
}

/* Everything but what statistics need, removed for good (the search keys are made from the names: none is
 * stored). */
static err anonymise_household(db_conn *c, int64_t hid, int64_t now)
{
	err e = DBX(c, &Q_ANON_P, NULL, A_INT(hid));
	if (e == E_OK)
		e = persons_feed_household(c, hid); /* the servers' indexes forget their names */
	if (e == E_OK)
		e = DBX(c, &Q_ANON_NOTES, NULL, A_INT(hid));
	if (e == E_OK)
		e = DBX(c, &Q_ANON_ALERTS, NULL, A_INT(hid));
	if (e == E_OK)
		e = DBX(c, &Q_ANON_DOCS, NULL, A_INT(hid));
	if (e == E_OK)
		e = DBX(c, &Q_ANON_NOTICES, NULL, A_INT(hid));
	for (int i = 0; e == E_OK && i < module_count(); i++)
		if (module_at(i)->anonymise)
			e = module_at(i)->anonymise(c, hid);
	if (e == E_OK)
		e = DBX(c, &Q_ANON_H, NULL, A_INT(hid), A_INT(now));
	return e;
}

err persons_erase_household(db_conn *c, int64_t hid, int64_t user_id)
{
	pthread_once(&due_once, due_build);
	int64_t free_ = 0;
	err e = DBID(c, &Q_FREE, &free_, A_INT(hid));
	if (e != E_OK)
		return e;
	if (!free_)
		return E_CONFLICT;
	e = db_begin(c, true);
	if (e == E_OK)
		e = anonymise_household(c, hid, civil_now());
	if (e == E_OK)
		e = journal_record(c, user_id, "anonymise", "household", hid, "erasure request");
	return db_finish(c, e);
}

/* Applies the rules of one structure; batches of 200 households, each
 * batch one transaction. */
static err apply_structure(db_conn *c, civil_date on, int64_t *archived, int64_t *anonymised)
{
	pthread_once(&due_once, due_build);
	persons_retention r;
	persons_retention_get(c, &r);
	int64_t now = civil_now(), a0 = cutoff(on, r.active_years), n0 = cutoff(on, r.active_years + r.archive_years);
	err e = E_OK;
	for (int pass = 0; pass < 2 && e == E_OK; pass++) {
		bool anon = pass == 1;
		for (;;) {
			int64_t ids[200];
			int n = 0;
			db_res q = {0};
			e = DBQ(c, anon ? &Q_DUE_ANON : &Q_DUE_ARCHIVE, &q, A_INT(anon ? n0 : a0), A_INT(200));
			while (e == E_OK && n < 200 && db_next(&q))
				ids[n++] = db_int(&q, 0);
			db_close(&q);
			if (e != E_OK || !n)
				break;
			e = db_begin(c, true);
			for (int i = 0; e == E_OK && i < n; i++) {
				if (!anon) {
					e = DBX(c, &Q_ARCHIVE, NULL, A_INT(ids[i]), A_INT(now));
					continue;
				}
				e = anonymise_household(c, ids[i], now);
			}
			if (e == E_OK)
				e = journal_record(c, 0, anon ? "anonymise" : "archive", "households", n, "retention");
			e = db_finish(c, e);
			if (e == E_OK)
				*(anon ? anonymised : archived) += n;
		}
	}
	return e;
}

err persons_purge(db *d, civil_date on, bool apply, FILE *out)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	arena a;
	arena_init(&a, 0);
	int64_t *sids = NULL;
	int ns = accounts_structure_ids(c, &a, &sids);
	err e = ns < 0 ? E_DB : E_OK;
	for (int i = 0; e == E_OK && i < ns; i++) {
		db_conn_scope(c, sids[i]);
		persons_retention_plan_t p;
		e = persons_retention_plan(c, on, &p);
		if (e != E_OK)
			break;
		int64_t archived = 0, anonymised = 0, journal = 0;
		if (apply)
			e = apply_structure(c, on, &archived, &anonymised);
		if (apply && e == E_OK) {
			persons_retention r;
			persons_retention_get(c, &r);
			e = journal_purge_before(c, sids[i], cutoff(on, r.journal_years), &journal);
			if (e == E_OK)
				e = persons_feed_prune(c);
		}
		fprintf(out, "structure %lld : %lld dossier(s) à archiver, %lld à anonymiser%s ; le mois prochain : %lld et %lld de plus\n",
		        (long long)sids[i], (long long)p.archive_now, (long long)p.anonymise_now,
		        apply ? "" : " (rien n’est modifié : --dry-run)", (long long)p.archive_next_month, (long long)p.anonymise_next_month);
		if (apply)
			fprintf(out, "  fait : %lld archivé(s), %lld anonymisé(s), %lld entrée(s) du journal retirée(s)\n", (long long)archived,
			        (long long)anonymised, (long long)journal);
	}
	arena_release(&a);
	db_conn_put(c);
	return e;
}

/* ---- the page: rules and what comes next ---------------------------------------------------- */

static void page(web_req *r, const form_errors *fe, const char *ok)
{
	persons_retention rt;
	persons_retention_get(r->db, &rt);
	persons_retention_plan_t p = {0};
	persons_retention_plan(r->db, civil_today(r->user->tz), &p);
	page_begin(r, "Durées de conservation");
	buf *b = &r->out;
	if (ok)
		page_notice(r, "ok", ok);
	form_error_summary(b, fe);
	html_printf(b, "<p>Un dossier reste <strong>actif</strong> %d an(s) après le dernier contact, puis passe en <strong>archive "
	               "intermédiaire</strong> %d an(s) (seul un responsable l’ouvre ; le DPO peut en exporter le contenu), puis il est <strong>anonymisé</strong> : "
	               "restent l’année de naissance, la composition, le code postal et le quartier, le logement et les montants "
	               "des aides ; noms, coordonnées, notes et pièces sont effacés sans retour possible.</p>",
	            rt.active_years, rt.archive_years);
	html_printf(b, "<h2>À venir</h2><ul><li>À archiver maintenant : %lld dossier(s) ; le mois prochain : %lld de plus.</li>"
	               "<li>À anonymiser maintenant : %lld dossier(s) ; le mois prochain : %lld de plus.</li></ul>"
	               "<p class=\"muted\">La purge s’applique chaque nuit par <code>openccas purge</code> (tâche planifiée).</p>",
	            (long long)p.archive_now, (long long)p.archive_next_month, (long long)p.anonymise_now, (long long)p.anonymise_next_month);
	form_begin(r, "<h2>Règles</h2><form method=\"post\" action=\"/admin/conservation\" class=\"narrow\" novalidate>");
	const char *v1 = kv_get(&r->form, "active"), *v2 = kv_get(&r->form, "archive"), *v3 = kv_get(&r->form, "journal");
	form_input(b, &(form_field){.name = "active", .label = "Dossier actif après le dernier contact (années)", .type = "number",
	                            .value = v1 ? v1 : arena_printf(r->a, "%d", rt.active_years)}, fe);
	form_input(b, &(form_field){.name = "archive", .label = "Archive intermédiaire (années)", .type = "number",
	                            .value = v2 ? v2 : arena_printf(r->a, "%d", rt.archive_years)}, fe);
	form_input(b, &(form_field){.name = "journal", .label = "Journal des accès (années, de 1 à 3)", .type = "number",
	                            .value = v3 ? v3 : arena_printf(r->a, "%d", rt.journal_years)}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button></form>");
	page_end(r);
}

static void get_page(web_req *r) { page(r, NULL, web_arg(r, "ok") ? "Les durées ont été enregistrées." : NULL); }

/* The durations in years; E_INPUT with errors named active, archive,
 * journal. */
static err rules_set(web_req *r, const char *as, const char *bs, const char *js, form_errors *fe)
{
	int64_t a, b, j;
	if (!as || !text_to_int64(as, 1, 10, &a))
		form_error(fe, "active", "Entre 1 et 10 ans.");
	if (!bs || !text_to_int64(bs, 0, 30, &b))
		form_error(fe, "archive", "Entre 0 et 30 ans.");
	if (!js || !text_to_int64(js, 1, 3, &j))
		form_error(fe, "journal", "Le journal des accès se garde de 1 à 3 ans.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_RULE_SET, NULL, A_TEXT("active"), A_INT(a));
	if (e == E_OK)
		e = DBX(r->db, &Q_RULE_SET, NULL, A_TEXT("archive"), A_INT(b));
	if (e == E_OK)
		e = DBX(r->db, &Q_RULE_SET, NULL, A_TEXT("journal"), A_INT(j));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "retention", 0, arena_printf(r->a, "%lld/%lld/%lld", (long long)a, (long long)b, (long long)j));
	return db_finish(r->db, e);
}

static void post_page(web_req *r)
{
	form_errors fe = {0};
	err e = rules_set(r, web_field(r, "active"), web_field(r, "archive"), web_field(r, "journal"), &fe);
	if (e == E_INPUT) {
		r->status = 400;
		page(r, &fe, NULL);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/conservation?ok=1");
}

static json_t *retention_json(web_req *r)
{
	persons_retention rt;
	persons_retention_plan_t p = {0};
	persons_retention_get(r->db, &rt);
	persons_retention_plan(r->db, civil_today(r->user->tz), &p);
	return json_pack("{s:i,s:i,s:i,s:{s:I,s:I,s:I,s:I}}", "active_years", rt.active_years, "archive_years", rt.archive_years,
	                 "journal_years", rt.journal_years, "plan", "archive_now", (json_int_t)p.archive_now, "anonymise_now",
	                 (json_int_t)p.anonymise_now, "archive_next_month", (json_int_t)p.archive_next_month,
	                 "anonymise_next_month", (json_int_t)p.anonymise_next_month);
}

static void api_get(web_req *r) { web_json(r, 200, retention_json(r)); }

static void api_set(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	const char *v[3] = {NULL, NULL, NULL};
	static const char *const keys[3] = {"active_years", "archive_years", "journal_years"};
	for (int i = 0; i < 3; i++) {
		json_t *x = json_object_get(in, keys[i]);
		v[i] = json_is_integer(x) ? arena_printf(r->a, "%lld", (long long)json_integer_value(x)) : NULL;
	}
	json_decref(in);
	form_errors fe = {0};
	err e = rules_set(r, v[0], v[1], v[2], &fe);
	static const char *const names[][2] = {{"active", "active_years"}, {"archive", "archive_years"}, {"journal", "journal_years"}};
	if (fe.n) {
		web_error_form(r, &fe, names, COUNTOF(names));
		return;
	}
	if (web_api_failed(r, e, NULL, NULL))
		return;
	web_json(r, 200, retention_json(r));
}

void persons_retention_routes(void)
{
	web_route(M_GET, "/admin/conservation", get_page, PERM_PERSONS_RETENTION, 0, "Durées de conservation et purge à venir");
	web_route(M_POST, "/admin/conservation", post_page, PERM_PERSONS_RETENTION, 0, "Enregistrer les durées de conservation");
	web_route(M_GET, "/api/v1/retention", api_get, PERM_PERSONS_RETENTION, 0, "Durées de conservation et purge à venir");
	web_route(M_POST, "/api/v1/retention", api_set, PERM_PERSONS_RETENTION, 0, "Régler les durées de conservation");
}
