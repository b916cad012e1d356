/* aid.c — rulebook versions, their editor and history, and the simulation
 * page (see aid.h). The household's figures come from persons.h. */
#include "modules/aid/aid.h"
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid_rules.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

static int PERM_AID_RULES, PERM_AID_SIMULATE;

static const db_migration migrations[] = {
	{1, "rulebook versions",
	 "CREATE TABLE aid_rulebooks (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " version TEXT NOT NULL, adopted_on TEXT, effective_on TEXT NOT NULL, text TEXT NOT NULL, created_by INTEGER NOT NULL, "
	 " created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX aid_rulebooks_s ON aid_rulebooks(structure_id, effective_on);",
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
	"SELECT r.id, r.version, r.adopted_on, r.effective_on, u.display_name, r.created_at FROM aid_rulebooks r "
	"LEFT JOIN agent_names u ON u.id = r.created_by WHERE r.structure_id = $1 ORDER BY r.id DESC LIMIT 100");
static db_sql Q_ONE = DB_SQL(DB_SCOPED, "SELECT version, effective_on, text FROM aid_rulebooks WHERE structure_id = $1 AND id = $2");

static const char *fr(web_req *r, const char *iso)
{
	char *o = arena_alloc(r->a, 11);
	if (o)
		civil_iso_to_fr(iso, o);
	return o && *o ? o : "—";
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
	            "<th scope=\"col\">Enregistrée par</th></tr></thead><tbody>");
	db_res q;
	DBQ0(r->db, &Q_HISTORY, &q);
	while (db_next(&q))
		html_printf(b, "<tr><td><a href=\"/aides/reglement/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td></tr>",
		            (long long)db_int(&q, 0), db_text(&q, 1), fr(r, db_text(&q, 2)), fr(r, db_text(&q, 3)), db_text(&q, 4));
	db_close(&q);
	html_lit(b, "</tbody></table>");
	page_end(r);
}

static void rules_get(web_req *r)
{
	db_res q;
	char *text = NULL;
	if (DBQ0(r->db, &Q_LATEST, &q) == E_OK && db_next(&q))
		text = db_dup(&q, 1, r->a);
	db_close(&q);
	editor(r, text, NULL, 0, web_arg(r, "ok") ? "La nouvelle version du règlement a été enregistrée." : NULL);
}

static void rules_post(web_req *r)
{
	const char *text = kv_get(&r->form, "text");
	aid_rulebook rb;
	aid_error errs[50];
	int ne = 0;
	if (!text || strlen(text) > 200000) {
		errs[0] = (aid_error){0, "le texte est vide ou trop long (200 000 caractères au plus)"};
		ne = 1;
	} else if (!aid_rules_parse(r->a, text, &rb, errs, 50, &ne)) {
		/* ne set */
	}
	if (ne) {
		r->status = 400;
		editor(r, text, errs, ne, NULL);
		return;
	}
	int64_t id;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_ADD, &id, A_TEXT(rb.version ? rb.version : "sans numéro"), A_TEXT(rb.adopted), A_TEXT(rb.effective),
		         A_TEXT(text), A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "aid_rulebook", id, rb.version);
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/aides/reglement?ok=1");
}

static void version_get(web_req *r)
{
	db_res q;
	if (DBQ(r->db, &Q_ONE, &q, A_INT(r->param[0])) != E_OK || !db_next(&q)) {
		db_close(&q);
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	char *v = db_dup(&q, 0, r->a), *eff = db_dup(&q, 1, r->a), *text = db_dup(&q, 2, r->a);
	db_close(&q);
	page_begin(r, arena_printf(r->a, "Règlement, version %s", v));
	html_printf(&r->out, "<p>En vigueur à partir du %s. <a href=\"/aides/reglement\">Toutes les versions</a></p><pre class=\"code\">%s</pre>",
	            fr(r, eff), text);
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
	char iso[11];
	civil_format(today, iso);
	db_res q;
	char *text = NULL;
	if (DBQ(r->db, &Q_IN_FORCE, &q, A_TEXT(iso)) == E_OK && db_next(&q))
		text = db_dup(&q, 1, r->a);
	db_close(&q);
	page_begin(r, arena_printf(r->a, "Simulation des aides — dossier %s", persons_file_no(r->db, r->a, hid)));
	buf *b = &r->out;
	aid_rulebook rb;
	aid_error errs[4];
	int ne;
	if (!text || !aid_rules_parse(r->a, text, &rb, errs, 4, &ne)) {
		html_lit(b, "<p>Aucun règlement en vigueur aujourd’hui : un responsable l’enregistre dans « Règlement des aides ».</p>");
		page_end(r);
		return;
	}
	household_budget hb;
	if (persons_budget(r->db, r->a, hid, today, &hb) != E_OK) {
		r->out.len = 0;
		web_error(r, E_DB, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "household", hid, "aid simulation");
	person_brief m[16];
	int nm = persons_household_members(r->db, r->a, hid, m, 16), age = 0;
	for (int i = 0; i < nm; i++) {
		civil_date bd;
		if (!strcmp(m[i].relation, "demandeur") && civil_parse(m[i].birth_date, &bd))
			age = civil_age(bd, today);
	}
	int64_t bill = 0, months = 12;
	const char *bs = web_arg(r, "facture"), *ms = web_arg(r, "residence");
	if (bs && *bs && !money_parse(bs, &bill))
		bill = 0;
	if (ms && *ms && !text_to_int64(ms, 0, 1200, &months))
		months = 12;
	html_printf(b, "<p>Règlement version %s en vigueur depuis le %s. Situation du foyer ce mois : quotient familial %s, reste à vivre %s "
	               "par personne et par jour, %d personne%s dont %d enfant%s. Rien n’est enregistré : c’est une simulation.</p>",
	            rb.version ? rb.version : "?", fr(r, rb.effective), money_format(r->a, hb.qf), money_format(r->a, hb.rav_day_person),
	            hb.members, hb.members > 1 ? "s" : "", hb.children, hb.children > 1 ? "s" : "");
	html_printf(b, "<form method=\"get\" action=\"/foyers/%lld/simulation\" class=\"filters\">", (long long)hid);
	html_printf(b, "<div class=\"field\"><label for=\"facture\">Montant de la facture (€)</label><input id=\"facture\" name=\"facture\" value=\"%s\"></div>",
	            bs ? bs : "");
	html_printf(b, "<div class=\"field\"><label for=\"residence\">Mois de résidence dans la commune</label><input id=\"residence\" "
	               "name=\"residence\" inputmode=\"numeric\" value=\"%lld\"></div><button type=\"submit\">Simuler</button></form>",
	            (long long)months);
	html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Aides simulées</caption><thead><tr><th scope=\"col\">Aide</th>"
	            "<th scope=\"col\">Éligible</th><th scope=\"col\" class=\"num\">Montant proposé</th><th scope=\"col\">Pourquoi</th>"
	            "</tr></thead><tbody>");
	aid_facts f = {.on = today, .rav_day_person = hb.rav_day_person, .qf = hb.qf, .members = hb.members, .children = hb.children,
	               .applicant_age = age, .residence_months = (int)months, .bill = bill};
	for (int i = 0; i < rb.naids; i++) {
		aid_result res;
		aid_evaluate(r->a, &rb.aids[i], &f, &res);
		html_printf(b, "<tr><th scope=\"row\">%s</th><td>%s</td><td class=\"num\">%s</td><td>%s</td></tr>", rb.aids[i].label,
		            res.eligible ? "oui" : "non", money_format(r->a, res.amount), res.explain);
	}
	html_lit(b, "</tbody></table><p class=\"muted\">Les aides déjà accordées ne sont pas encore déduites des plafonds : "
	            "les demandes arrivent avec la prochaine version.</p>");
	page_end(r);
}

static void section(web_req *r, int64_t hid)
{
	html_printf(&r->out, "<section aria-labelledby=\"t-aid\"><h2 id=\"t-aid\">Aides facultatives</h2>"
	                     "<p><a href=\"/foyers/%lld/simulation\">Simuler les aides du règlement pour ce foyer</a></p></section>",
	            (long long)hid);
}

void aid_init(void)
{
	PERM_AID_RULES = perm_declare("aid.rules", "Écrire le règlement des aides facultatives", ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN));
	PERM_AID_SIMULATE = perm_declare("aid.simulate", "Simuler les aides facultatives pour un foyer",
	                                 ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER));
	web_route(M_GET, "/aides/reglement", rules_get, PERM_AID_RULES, 0, "Règlement des aides : éditeur et versions");
	web_route(M_POST, "/aides/reglement", rules_post, PERM_AID_RULES, 0, "Enregistrer une version du règlement");
	web_route(M_GET, "/aides/reglement/{id}", version_get, PERM_AID_RULES, 0, "Une version du règlement");
	web_route(M_GET, "/foyers/{id}/simulation", simulate, PERM_AID_SIMULATE, 0, "Simuler les aides pour un foyer");
	layout_nav_add(94, "Règlement des aides", "/aides/reglement", PERM_AID_RULES);
	persons_section_add(40, "Aides facultatives", section, PERM_AID_SIMULATE);
}

err aid_demo(db *d, int64_t sid, int64_t uid)
{
	const web_asset *ex = web_asset_find("reglement-exemple.txt");
	if (!ex)
		return E_NOT_FOUND;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, sid);
	arena a;
	arena_init(&a, 0);
	char *text = arena_strndup(&a, (const char *)ex->data, ex->len);
	aid_rulebook rb;
	aid_error errs[4];
	int ne;
	int64_t id;
	err e = text && aid_rules_parse(&a, text, &rb, errs, 4, &ne) ? E_OK : E_INTERNAL;
	if (e == E_OK)
		e = DBID(c, &Q_ADD, &id, A_TEXT(rb.version), A_TEXT(rb.adopted), A_TEXT(rb.effective), A_TEXT(text), A_INT(uid),
		         A_INT(civil_now()));
	arena_release(&a);
	db_conn_put(c);
	return e;
}
