/*
 * persons_actions.c — the smaller pages and actions of a household: leave,
 * address change, budget by month, notes, alerts, referents, documents,
 * merge.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "modules/persons/persons_internal.h"
#include "core/log.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/countof.h"
#include "core/banned.h"

#define DOC_MAX (10 * 1024 * 1024)

static void back(web_req *r, int64_t hid, const char *anchor)
{
	web_redirect(r, arena_printf(r->a, "/foyers/%lld?ok=1%s", (long long)hid, anchor ? anchor : ""));
}

static bool need_household(web_req *r)
{
	if (persons_household_exists(r->db, r->param[0]))
		return true;
	web_error(r, E_NOT_FOUND, NULL);
	return false;
}

static void leave_post(web_req *r)
{
	err e = persons_member_leave(r, r->param[0], r->param[1], web_field(r, "date"));
	if (e == E_INPUT) {
		web_error(r, E_INPUT, "La date de départ doit être au format AAAA-MM-JJ.");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	back(r, r->param[0], NULL);
}

/* ---- address -------------------------------------------------------------- */

static void address_form(web_req *r, const household_in *h, const char *since, const form_errors *fe)
{
	page_begin(r, "Changer d’adresse");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<form method=\"post\" action=\"/foyers/%lld/adresse\" novalidate>", (long long)r->param[0]);
	page_csrf(r);
	html_lit(b, "<p>L’adresse actuelle est conservée dans l’historique du foyer.</p><div class=\"grid\">");
	form_input(b, &(form_field){.name = "street_no", .label = "Numéro", .value = h->street_no}, fe);
	form_input(b, &(form_field){.name = "street", .label = "Voie", .value = h->street}, fe);
	form_input(b, &(form_field){.name = "postcode", .label = "Code postal", .value = h->postcode}, fe);
	form_input(b, &(form_field){.name = "city", .label = "Commune", .value = h->city}, fe);
	form_input(b, &(form_field){.name = "neighbourhood", .label = "Quartier (IRIS)", .value = h->neighbourhood}, fe);
	const char *v[16], *l[16];
	for (int i = 0; i < NHOUSING; i++) {
		v[i] = HOUSING[i].v;
		l[i] = HOUSING[i].fr;
	}
	form_select(b, "housing", "Logement", v, l, NHOUSING, h->housing, fe);
	form_input(b, &(form_field){.name = "since", .label = "Depuis le", .type = "date", .value = since, .required = true}, fe);
	html_printf(b, "</div><button type=\"submit\" class=\"primary\">Enregistrer</button> <a href=\"/foyers/%lld\">Annuler</a></form>",
	            (long long)r->param[0]);
	page_end(r);
}

static void address_get(web_req *r)
{
	if (!need_household(r))
		return;
	char today[11];
	civil_format(civil_today(r->user->tz), today);
	address_form(r, &(household_in){0}, today, NULL);
}

static void address_post(web_req *r)
{
	household_in h = {web_field(r, "street_no"), web_field(r, "street"), web_field(r, "postcode"), web_field(r, "city"),
	                  web_field(r, "neighbourhood"), web_field(r, "housing")};
	const char *since = web_field(r, "since");
	form_errors fe = {0};
	household_validate(&h, &fe);
	civil_date d;
	if (!since || !civil_parse(since, &d))
		form_error(&fe, "since", "Indiquez la date d’arrivée à cette adresse (AAAA-MM-JJ).");
	if (fe.n) {
		r->status = 400;
		address_form(r, &h, since, &fe);
		return;
	}
	err e = persons_address_update(r, r->param[0], &h, since);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	back(r, r->param[0], NULL);
}

/* ---- budget --------------------------------------------------------------- */

static db_sql Q_LINES = DB_SQL(DB_SCOPED,
	"SELECT b.id, b.kind, b.category, b.amount, p.first_names, b.counted FROM budget_lines b "
	"LEFT JOIN persons p ON p.id = b.person_id WHERE b.structure_id = $1 AND b.household_id = $2 AND b.month = $3 "
	"ORDER BY b.kind DESC, b.category, b.id");
static db_sql Q_LINE_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO budget_lines (structure_id, household_id, person_id, month, kind, category, amount, counted, "
	"created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
static db_sql Q_LINE_DEL = DB_SQL(DB_SCOPED, "DELETE FROM budget_lines WHERE structure_id = $1 AND household_id = $2 AND id = $3");
static db_sql Q_LINES_COPY = DB_SQL(DB_SCOPED,
	"INSERT INTO budget_lines (structure_id, household_id, person_id, month, kind, category, amount, counted, created_by, "
	"created_at) SELECT structure_id, household_id, person_id, $3, kind, category, amount, counted, $4, $5 FROM budget_lines "
	"WHERE structure_id = $1 AND household_id = $2 AND month = $6");
static db_sql Q_TAXABLE_SET = DB_SQL(DB_SCOPED, "UPDATE households SET annual_taxable = $3 WHERE structure_id = $1 AND id = $2");
static db_sql Q_MEMBERS_SHORT = DB_SQL(DB_SCOPED,
	"SELECT id, first_names, last_name FROM persons WHERE structure_id = $1 AND household_id = $2 AND active = 1 ORDER BY id");

static bool month_of(const char *s, civil_date *out)
{
	if (!s || strlen(s) != 7)
		return false;
	char tmp[11];
	snprintf(tmp, sizeof tmp, "%s-01", s);
	return civil_parse(tmp, out);
}

static void budget_page_render(web_req *r, const char *mkey, const form_errors *fe)
{
	int64_t hid = r->param[0];
	civil_date m;
	month_of(mkey, &m);
	household_budget hb;
	if (persons_budget(r->db, r->a, hid, m, &hb) != E_OK) {
		web_error(r, E_DB, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "household", hid, "budget");
	civil_date prev = civil_add_months(m, -1), next = civil_add_months(m, 1);
	char pk[8], nk[8];
	snprintf(pk, sizeof pk, "%04u-%02u", (unsigned)prev.y % 10000u, (unsigned)prev.m % 100u);
	snprintf(nk, sizeof nk, "%04u-%02u", (unsigned)next.y % 10000u, (unsigned)next.m % 100u);
	static const char *months[] = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	                               "septembre", "octobre", "novembre", "décembre"};
	page_begin(r, arena_printf(r->a, "Budget de %s %d — dossier %s", months[m.m - 1], m.y, persons_file_no(r->db, r->a, hid)));
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<nav class=\"pager\" aria-label=\"Mois\"><ul><li><a href=\"?mois=%s\">Mois précédent</a></li>"
	               "<li><a href=\"?mois=%s\">Mois suivant</a></li><li><a href=\"/foyers/%lld\">Retour au foyer</a></li></ul></nav>",
	            pk, nk, (long long)hid);
	html_printf(b, "<dl class=\"facts\"><dt>Ressources</dt><dd>%s</dd><dt>Charges retenues</dt><dd>%s</dd>"
	               "<dt>Quotient familial</dt><dd>%s</dd><dt>Reste à vivre</dt><dd>%s par mois · %s par jour</dd></dl><p>%s</p>",
	            money_format(r->a, hb.resources), money_format(r->a, hb.charges), money_format(r->a, hb.qf),
	            money_format(r->a, hb.rav_month), money_format(r->a, hb.rav_day_person), hb.explain);
	html_lit(b, "<table class=\"data\"><caption>Lignes du mois</caption><thead><tr><th scope=\"col\">Type</th>"
	            "<th scope=\"col\">Catégorie</th><th scope=\"col\">Membre</th><th scope=\"col\" class=\"num\">Montant</th>"
	            "<th scope=\"col\"><span class=\"sr-only\">Actions</span></th></tr></thead><tbody>");
	db_res q = {0};
	int n = 0;
	DBQ(r->db, &Q_LINES, &q, A_INT(hid), A_TEXT(mkey));
	while (db_next(&q)) {
		n++;
		bool res = !strcmp(db_text(&q, 1), "R");
		html_printf(b, "<tr><td>%s</td><td>%s%s</td><td>%s</td><td class=\"num\">%s</td><td>", res ? "Ressource" : "Charge",
		            res ? code_fr(RESOURCE_CATS, NRESOURCE_CATS, db_text(&q, 2)) : code_fr(CHARGE_CATS, NCHARGE_CATS, db_text(&q, 2)),
		            db_int(&q, 5) ? "" : " (non retenue)", db_isnull(&q, 4) ? "Foyer" : db_text(&q, 4),
		            money_format(r->a, db_int(&q, 3)));
		html_printf(b, "<form method=\"post\" action=\"/foyers/%lld/budget/%lld/supprimer\" class=\"inline\" "
		               "data-confirm=\"Supprimer cette ligne du budget ?\">",
		            (long long)hid, (long long)db_int(&q, 0));
		page_csrf(r);
		html_printf(b, "<input type=\"hidden\" name=\"mois\" value=\"%s\"><button type=\"submit\" class=\"link\">Supprimer</button></form></td></tr>", mkey);
	}
	db_close(&q);
	html_lit(b, "</tbody></table>");
	if (!n) {
		html_printf(b, "<form method=\"post\" action=\"/foyers/%lld/budget/copier\" class=\"compact\">", (long long)hid);
		page_csrf(r);
		html_printf(b, "<input type=\"hidden\" name=\"mois\" value=\"%s\"><input type=\"hidden\" name=\"depuis\" value=\"%s\">"
		               "<button type=\"submit\">Reprendre les lignes du mois précédent</button></form>", mkey, pk);
	}
	html_printf(b, "<h2>Ajouter une ligne</h2><form method=\"post\" action=\"/foyers/%lld/budget\" class=\"compact\" novalidate>", (long long)hid);
	page_csrf(r);
	html_printf(b, "<input type=\"hidden\" name=\"mois\" value=\"%s\"><div class=\"grid\">", mkey);
	html_lit(b, "<div class=\"field\"><label for=\"f-category\">Catégorie</label><select id=\"f-category\" name=\"category\">"
	            "<optgroup label=\"Ressources\">");
	for (int i = 0; i < NRESOURCE_CATS; i++)
		html_printf(b, "<option value=\"R:%s\">%s</option>", RESOURCE_CATS[i].v, RESOURCE_CATS[i].fr);
	html_lit(b, "</optgroup><optgroup label=\"Charges\">");
	for (int i = 0; i < NCHARGE_CATS; i++)
		html_printf(b, "<option value=\"C:%s\">%s</option>", CHARGE_CATS[i].v, CHARGE_CATS[i].fr);
	html_lit(b, "</optgroup></select></div><div class=\"field\"><label for=\"f-person\">Membre</label>"
	            "<select id=\"f-person\" name=\"person\"><option value=\"\">Le foyer</option>");
	DBQ(r->db, &Q_MEMBERS_SHORT, &q, A_INT(hid));
	while (db_next(&q))
		html_printf(b, "<option value=\"%lld\">%s %s</option>", (long long)db_int(&q, 0), db_text(&q, 1), db_text(&q, 2));
	db_close(&q);
	html_lit(b, "</select></div>");
	form_input(b, &(form_field){.name = "amount", .label = "Montant mensuel (€)", .required = true, .value = web_field(r, "amount"),
	                            .hint = "Par exemple 612,30"}, fe);
	html_lit(b, "</div>");
	html_lit(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"f-counted\" name=\"counted\" value=\"1\" checked>"
	            "<label for=\"f-counted\">Retenue dans le calcul du reste à vivre</label></div>"
	            "<button type=\"submit\" class=\"primary\">Ajouter</button></form>");
	html_printf(b, "<h2>Revenu imposable annuel (avis d’imposition)</h2><form method=\"post\" action=\"/foyers/%lld/revenu-fiscal\" class=\"compact\" novalidate>",
	            (long long)hid);
	page_csrf(r);
	html_printf(b, "<input type=\"hidden\" name=\"mois\" value=\"%s\">", mkey);
	form_input(b, &(form_field){.name = "taxable", .label = "Revenu imposable annuel (€)", .value = web_field(r, "taxable"),
	                            .hint = "Laisser vide pour calculer le QF sur les ressources du mois."}, fe);
	html_lit(b, "<button type=\"submit\">Enregistrer</button></form>");
	page_end(r);
}

static const char *current_month(web_req *r)
{
	civil_date t = civil_today(r->user->tz);
	return arena_printf(r->a, "%04u-%02u", (unsigned)t.y % 10000u, (unsigned)t.m % 100u);
}

static void budget_get(web_req *r)
{
	if (!need_household(r))
		return;
	const char *m = web_arg(r, "mois");
	civil_date d;
	if (!m || !month_of(m, &d))
		m = current_month(r);
	budget_page_render(r, m, NULL);
}

static db_sql Q_PERSON_IN = DB_SQL(DB_SCOPED, "SELECT count(*) FROM persons WHERE structure_id = $1 AND id = $2 AND household_id = $3");

err persons_budget_line_add(web_req *r, int64_t hid, const char *mkey, const char *cat, const char *person,
                            const char *amount, bool counted, form_errors *fe, int64_t *id);
err persons_budget_line_add(web_req *r, int64_t hid, const char *mkey, const char *cat, const char *person,
                            const char *amount, bool counted, form_errors *fe, int64_t *id)
{
	civil_date m;
	int64_t cents = 0, pid = 0;
	if (!month_of(mkey, &m))
		form_error(fe, "mois", "Le mois doit être au format AAAA-MM.");
	const char *kind = cat && cat[0] && cat[1] == ':' ? (cat[0] == 'R' ? "R" : cat[0] == 'C' ? "C" : NULL) : NULL;
	const char *c = kind ? cat + 2 : NULL;
	if (!kind || !(kind[0] == 'R' ? code_valid(RESOURCE_CATS, NRESOURCE_CATS, c) : code_valid(CHARGE_CATS, NCHARGE_CATS, c)))
		form_error(fe, "category", "Choisissez une catégorie dans la liste.");
	if (!amount || !money_parse(amount, &cents) || cents < 0)
		form_error(fe, "amount", "Le montant doit être un nombre positif d’euros, par exemple 612,30.");
	if (person && *person) {
		int64_t n = 0;
		if (!text_to_int64(person, 1, INT64_MAX, &pid) || DBID(r->db, &Q_PERSON_IN, &n, A_INT(pid), A_INT(hid)) != E_OK || !n)
			form_error(fe, "person", "Ce membre n’appartient pas au foyer.");
	}
	if (fe->n)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_LINE_ADD, id, A_INT(hid), A_INT_OR_NULL(pid), A_TEXT(mkey), A_TEXT(kind), A_TEXT(c),
		         A_INT(cents), A_INT(counted ? 1 : 0), A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", hid, "budget");
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void budget_post(web_req *r)
{
	if (!need_household(r))
		return;
	form_errors fe = {0};
	int64_t id;
	const char *m = web_field(r, "mois");
	err e = persons_budget_line_add(r, r->param[0], m, web_field(r, "category"), web_field(r, "person"),
	                                web_field(r, "amount"), web_field(r, "counted") != NULL, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		civil_date d;
		budget_page_render(r, m && month_of(m, &d) ? m : current_month(r), &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld/budget?mois=%s", (long long)r->param[0], m));
}

static void budget_del(web_req *r)
{
	int64_t n = 0;
	const char *m = web_field(r, "mois");
	civil_date d;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_LINE_DEL, &n, A_INT(r->param[0]), A_INT(r->param[1]));
	if (e == E_OK && !n)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", r->param[0], "budget");
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld/budget?mois=%s", (long long)r->param[0], m && month_of(m, &d) ? m : ""));
}

static void budget_copy(web_req *r)
{
	const char *m = web_field(r, "mois"), *from = web_field(r, "depuis");
	civil_date d;
	if (!need_household(r))
		return;
	if (!month_of(m, &d) || !month_of(from, &d)) {
		web_error(r, E_INPUT, "Mois incorrects.");
		return;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_LINES_COPY, NULL, A_INT(r->param[0]), A_TEXT(m), A_INT(r->user->id), A_INT(civil_now()), A_TEXT(from));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", r->param[0], "budget");
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld/budget?mois=%s", (long long)r->param[0], m));
}

static void taxable_post(web_req *r)
{
	if (!need_household(r))
		return;
	const char *t = web_field(r, "taxable"), *m = web_field(r, "mois");
	int64_t cents = 0;
	form_errors fe = {0};
	if (t && *t && (!money_parse(t, &cents) || cents < 0))
		form_error(&fe, "taxable", "Le revenu imposable doit être un montant positif en euros.");
	civil_date d;
	if (fe.n) {
		r->status = 400;
		budget_page_render(r, m && month_of(m, &d) ? m : current_month(r), &fe);
		return;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_TAXABLE_SET, NULL, A_INT(r->param[0]), t && *t ? A_INT(cents) : A_NULL);
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", r->param[0], "taxable");
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld/budget?mois=%s", (long long)r->param[0], m && month_of(m, &d) ? m : ""));
}

/* ---- notes, alerts, referents ----------------------------------------------- */

static db_sql Q_NOTE_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO notes (structure_id, household_id, author_id, visibility, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static db_sql Q_ALERT_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO alerts (structure_id, household_id, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id");
static db_sql Q_ALERT_END = DB_SQL(DB_SCOPED,
	"UPDATE alerts SET ended_at = $4 WHERE structure_id = $1 AND household_id = $2 AND id = $3 AND ended_at IS NULL");
static db_sql Q_REF_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO referents (structure_id, household_id, user_id) SELECT $1, $2, a.user_id FROM structure_agents a "
	"WHERE a.structure_id = $1 AND a.user_id = $3 ON CONFLICT (structure_id, household_id, user_id) DO NOTHING");
static db_sql Q_REF_DEL = DB_SQL(DB_SCOPED, "DELETE FROM referents WHERE structure_id = $1 AND household_id = $2 AND user_id = $3");

err persons_note_add(web_req *r, int64_t hid, const char *body, const char *vis, int64_t *id);
err persons_note_add(web_req *r, int64_t hid, const char *body, const char *vis, int64_t *id)
{
	if (!body || !*body || strlen(body) > 20000 || !code_valid(VISIBILITIES, NVISIBILITIES, vis))
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_NOTE_ADD, id, A_INT(hid), A_INT(r->user->id), A_TEXT(vis), A_TEXT(body), A_INT(civil_now()));
	/* The timeline says a note exists, never what it says. */
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "note", *id, "Note ajoutée");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "note", *id, NULL);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void note_post(web_req *r)
{
	if (!need_household(r))
		return;
	int64_t id;
	err e = persons_note_add(r, r->param[0], web_field(r, "body"), web_field(r, "visibility"), &id);
	if (e == E_INPUT) {
		web_error(r, E_INPUT, "La note ne peut pas être vide (20 000 caractères au plus) et sa visibilité doit être choisie dans la liste.");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	back(r, r->param[0], "#t-notes");
}

err persons_alert_add(web_req *r, int64_t hid, const char *text, int64_t *id);
err persons_alert_add(web_req *r, int64_t hid, const char *text, int64_t *id)
{
	if (!text || !*text || strlen(text) > 300)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_ALERT_ADD, id, A_INT(hid), A_TEXT(text), A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "alert", *id, "Alerte ajoutée");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "alert", *id, NULL);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void alert_post(web_req *r)
{
	if (!need_household(r))
		return;
	int64_t id;
	err e = persons_alert_add(r, r->param[0], web_field(r, "text"), &id);
	if (e == E_INPUT) {
		web_error(r, E_INPUT, "Le texte de l’alerte est obligatoire (300 caractères au plus).");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	back(r, r->param[0], NULL);
}

static void alert_end(web_req *r)
{
	int64_t n = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_ALERT_END, &n, A_INT(r->param[0]), A_INT(r->param[1]), A_INT(civil_now()));
	if (e == E_OK && !n)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "alert", r->param[1], "ended");
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	back(r, r->param[0], NULL);
}

static void referent_post(web_req *r)
{
	if (!need_household(r))
		return;
	int64_t uid = 0, n = 0;
	const char *u = web_field(r, "user"), *action = web_field(r, "action");
	if (!u || !text_to_int64(u, 1, INT64_MAX, &uid)) {
		web_error(r, E_INPUT, "Choisissez un agent.");
		return;
	}
	bool add = !action || strcmp(action, "remove");
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, add ? &Q_REF_ADD : &Q_REF_DEL, &n, A_INT(r->param[0]), A_INT(uid));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", r->param[0],
		                   arena_printf(r->a, "referent %s %lld", add ? "+" : "-", (long long)uid));
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	back(r, r->param[0], NULL);
}

/* ---- documents ------------------------------------------------------------ */

static db_sql Q_DOC_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO documents (structure_id, household_id, kind, filename, mime, size, data, valid_until, uploaded_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
static db_sql Q_DOC_GET = DB_SQL(DB_SCOPED,
	"SELECT household_id, filename, mime, data FROM documents WHERE structure_id = $1 AND id = $2");

/* The type is decided by the content (magic numbers), never by the name or
 * the browser's claim. Office files are ZIP (docx, xlsx, odt) or OLE. */
const char *persons_sniff(const unsigned char *d, size_t n);
const char *persons_sniff(const unsigned char *d, size_t n)
{
	if (n >= 5 && !memcmp(d, "%PDF-", 5)) return "application/pdf";
	if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
	if (n >= 3 && !memcmp(d, "\xff\xd8\xff", 3)) return "image/jpeg";
	if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4)) return "image/webp";
	if (n >= 4 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4))) return "image/tiff";
	if (n >= 4 && !memcmp(d, "PK\x03\x04", 4)) return "application/zip";
	if (n >= 8 && !memcmp(d, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) return "application/x-ole-storage";
	return NULL;
}

/* The extension a document of this detected type is downloaded with. An
 * office file (a zip or an OLE container) keeps its own extension when it
 * is one of theirs; anything else takes the type's: a PDF named
 * « poly.html » downloads as « poly.pdf », never as a page. */
static const char *type_extension(const char *mime, const char *ext)
{
	static const char *const zip_ext[] = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"};
	static const char *const ole_ext[] = {"doc", "xls", "ppt", "msg"};
	static const char *const by_type[][2] = {
		{"application/pdf", "pdf"}, {"image/png", "png"}, {"image/jpeg", "jpg"}, {"image/webp", "webp"},
		{"image/tiff", "tif"}, {"application/zip", "zip"}, {"application/x-ole-storage", "doc"},
	};
	if (ext && !strcmp(mime, "application/zip"))
		for (int i = 0; i < COUNTOF(zip_ext); i++)
			if (!strcasecmp(ext, zip_ext[i]))
				return zip_ext[i];
	if (ext && !strcmp(mime, "application/x-ole-storage"))
		for (int i = 0; i < COUNTOF(ole_ext); i++)
			if (!strcasecmp(ext, ole_ext[i]))
				return ole_ext[i];
	for (int i = 0; i < COUNTOF(by_type); i++)
		if (!strcmp(mime, by_type[i][0]))
			return by_type[i][1];
	return "bin";
}

/* The name a document is stored and downloaded under: the base name only
 * (never a path), without controls or bidirectional overrides, quotes or
 * semicolons, at most 120 bytes of it (cut on a character boundary), and
 * the extension of its detected type. */
static const char *document_filename(arena *a, const char *name, const char *mime)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	base = base ? base + 1 : name ? name : "";
	const char *bs = strrchr(base, '\\');
	base = bs ? bs + 1 : base;
	char *clean = text_strip_forbidden(a, base);
	if (!clean)
		return "document.bin";
	for (char *p = clean; *p; p++)
		if (*p == '"' || *p == ';')
			*p = '_';
	char *dot = strrchr(clean, '.');
	const char *ext = dot ? dot + 1 : NULL;
	size_t stem = dot ? (size_t)(dot - clean) : strlen(clean);
	while (stem > 120 || (stem && ((unsigned char)clean[stem] & 0xC0) == 0x80))
		stem--;
	while (stem && (clean[stem - 1] == ' ' || clean[stem - 1] == '.'))
		stem--;
	return arena_printf(a, "%.*s.%s", (int)(stem ? stem : 8), stem ? clean : "document", type_extension(mime, ext));
}

static void doc_post(web_req *r)
{
	if (!need_household(r))
		return;
	const web_file *f = web_file_field(r, "file");
	const char *kind = web_field(r, "kind"), *until = web_field(r, "valid_until");
	civil_date d;
	const char *mime = f ? persons_sniff(f->data, f->len) : NULL;
	if (!f || !f->len) {
		web_error(r, E_INPUT, "Choisissez un fichier à déposer.");
		return;
	}
	if (f->len > DOC_MAX) {
		web_error(r, E_TOO_LARGE, "Un document ne doit pas dépasser 10 Mo.");
		return;
	}
	if (!mime) {
		web_error(r, E_INPUT, "Ce type de fichier n’est pas accepté : déposez un PDF, une image (PNG, JPEG, WebP, TIFF) ou un fichier bureautique. Le contenu du fichier est vérifié, pas son nom.");
		return;
	}
	if (!code_valid(DOC_KINDS, NDOC_KINDS, kind) || (until && *until && !civil_parse(until, &d))) {
		web_error(r, E_INPUT, "Choisissez le type de document ; la date de validité doit être au format AAAA-MM-JJ.");
		return;
	}
	int64_t id;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_DOC_ADD, &id, A_INT(r->param[0]), A_TEXT(kind), A_TEXT(document_filename(r->a, f->filename, mime)),
		         A_TEXT(mime), A_INT((int64_t)f->len), A_BLOB(f->data, f->len), A_TEXT(until && *until ? until : NULL),
		         A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(r->db, r->param[0], r->user->id, "document", id,
		                         arena_printf(r->a, "Document déposé : %s", code_fr(DOC_KINDS, NDOC_KINDS, kind)));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "document", id, NULL);
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	back(r, r->param[0], "#t-docs");
}

static void doc_get(web_req *r)
{
	db_res q = {0};
	size_t n = 0;
	void *data = NULL;
	char *name = NULL, *mime = NULL;
	if (DBQ(r->db, &Q_DOC_GET, &q, A_INT(r->param[0])) == E_OK && db_next(&q)) {
		name = db_dup(&q, 1, r->a);
		mime = db_dup(&q, 2, r->a);
		data = db_blob(&q, 3, r->a, &n);
	}
	db_close(&q);
	if (!data) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "download", "document", r->param[0], NULL);
	r->out_type = mime;
	/* Names stored before the rule: the type's extension again. An ASCII
	 * name for old clients, the UTF-8 one (RFC 6266) for the others. */
	name = (char *)document_filename(r->a, name, mime);
	buf ascii, utf;
	buf_init(&ascii, r->a, 64);
	buf_init(&utf, r->a, 64);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		buf_addc(&ascii, *p < 0x80 && *p >= 0x20 ? (char)*p : '_');
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			buf_addc(&utf, (char)*p);
		else
			buf_printf(&utf, "%%%02X", *p);
	}
	web_header(r, arena_printf(r->a, "Content-Disposition: attachment; filename=\"%s\"; filename*=UTF-8''%s", buf_cstr(&ascii),
	                           buf_cstr(&utf)));
	buf_add(&r->out, data, n);
}

/* ---- merge ---------------------------------------------------------------- */

static db_sql Q_BY_FILE = DB_SQL(DB_SCOPED, "SELECT id FROM households WHERE structure_id = $1 AND file_no = $2 AND merged_into IS NULL");

static void merge_post(web_req *r)
{
	const char *fno = web_field(r, "file_no");
	int64_t gone = 0;
	if (fno)
		DBID(r->db, &Q_BY_FILE, &gone, A_TEXT(fno));
	if (!gone) {
		web_error(r, E_INPUT, "Aucun dossier actif ne porte ce numéro.");
		return;
	}
	if (!web_field(r, "confirm")) {
		/* An action that loses a file number asks first. */
		page_begin(r, "Confirmer la fusion");
		html_printf(&r->out, "<p>Tout le contenu du dossier <strong>%s</strong> (membres, budget, notes, documents, parcours) "
		                     "sera rattaché au dossier <strong>%s</strong>. Le dossier %s ne sera plus utilisable ; il restera "
		                     "lisible dans le journal. Cette action ne s’annule pas.</p>",
		            fno, persons_file_no(r->db, r->a, r->param[0]), fno);
		html_printf(&r->out, "<form method=\"post\" action=\"/foyers/%lld/fusion\">", (long long)r->param[0]);
		page_csrf(r);
		html_printf(&r->out, "<input type=\"hidden\" name=\"file_no\" value=\"%s\"><input type=\"hidden\" name=\"confirm\" value=\"1\">"
		                     "<button type=\"submit\" class=\"primary\">Fusionner définitivement</button> "
		                     "<a href=\"/foyers/%lld\">Annuler</a></form>", fno, (long long)r->param[0]);
		page_end(r);
		return;
	}
	err e = persons_merge(r, r->param[0], gone);
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "Un dossier ne peut pas être fusionné avec lui-même." : NULL);
		return;
	}
	back(r, r->param[0], NULL);
}

void persons_actions_routes(void);
void persons_actions_routes(void)
{
	web_route(M_POST, "/foyers/{id}/membres/{id}/depart", leave_post, PERM_PERSONS_WRITE, 0, "Départ d’un membre");
	web_route(M_GET, "/foyers/{id}/adresse", address_get, PERM_PERSONS_WRITE, 0, "Formulaire de changement d’adresse");
	web_route(M_POST, "/foyers/{id}/adresse", address_post, PERM_PERSONS_WRITE, 0, "Changer d’adresse");
	web_route(M_GET, "/foyers/{id}/budget", budget_get, PERM_PERSONS_SITUATION, 0, "Ressources et charges");
	web_route(M_POST, "/foyers/{id}/budget", budget_post, PERM_PERSONS_SITUATION, 0, "Ajouter une ligne de budget");
	web_route(M_POST, "/foyers/{id}/budget/copier", budget_copy, PERM_PERSONS_SITUATION, 0, "Reprendre le mois précédent");
	web_route(M_POST, "/foyers/{id}/budget/{id}/supprimer", budget_del, PERM_PERSONS_SITUATION, 0, "Supprimer une ligne");
	web_route(M_POST, "/foyers/{id}/revenu-fiscal", taxable_post, PERM_PERSONS_SITUATION, 0, "Revenu imposable");
	web_route(M_POST, "/foyers/{id}/notes", note_post, PERM_NOTES, 0, "Ajouter une note");
	web_route(M_POST, "/foyers/{id}/alertes", alert_post, PERM_PERSONS_WRITE, 0, "Ajouter une alerte");
	web_route(M_POST, "/foyers/{id}/alertes/{id}/fin", alert_end, PERM_PERSONS_WRITE, 0, "Lever une alerte");
	web_route(M_POST, "/foyers/{id}/referents", referent_post, PERM_NOTES, 0, "Référents");
	web_route(M_POST, "/foyers/{id}/documents", doc_post, PERM_DOCUMENTS, 0, "Déposer un document");
	web_route(M_GET, "/documents/{id}", doc_get, PERM_DOCUMENTS, 0, "Télécharger un document");
	web_route(M_POST, "/foyers/{id}/fusion", merge_post, PERM_PERSONS_MERGE, 0, "Fusionner un doublon");
}
