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
	form_begin(r, "<form method=\"post\" action=\"/foyers/%lld/adresse\" novalidate>", (long long)r->param[0]);
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
static db_sql Q_MEMBERS_SHORT = DB_SQL(DB_SCOPED,
	"SELECT id, first_names, last_name FROM persons WHERE structure_id = $1 AND household_id = $2 AND active = 1 ORDER BY id");

static void budget_page_render(web_req *r, const char *mkey, const form_errors *fe)
{
	int64_t hid = r->param[0];
	civil_date m;
	persons_month_parse(mkey, &m);
	household_budget hb;
	err e = persons_budget(r->db, r->a, hid, m, &hb);
	if (e != E_OK) {
		web_error(r, e == E_NOT_FOUND ? E_NOT_FOUND : E_DB, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "household", hid, "budget");
	civil_date prev = civil_add_months(m, -1), next = civil_add_months(m, 1);
	char pk[8], nk[8];
	persons_budget_month(prev, pk);
	persons_budget_month(next, nk);
	page_begin(r, arena_printf(r->a, "Budget de %s %d — dossier %s", civil_month_name(m.m), m.y, persons_file_no(r->db, r->a, hid)));
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<nav class=\"pager\" aria-label=\"Mois\"><ul><li><a href=\"?mois=%s\">Mois précédent</a></li>"
	               "<li><a href=\"?mois=%s\">Mois suivant</a></li><li><a href=\"/foyers/%lld\">Retour au foyer</a></li></ul></nav>",
	            pk, nk, (long long)hid);
	html_printf(b, "<dl class=\"facts\"><dt>Ressources</dt><dd>%s</dd><dt>Charges retenues</dt><dd>%s</dd>"
	               "<dt>Quotient familial</dt><dd>%s</dd><dt>Reste à vivre</dt><dd>%s par mois · %s par %s et par jour</dd></dl><p>%s</p>",
	            money_format_known(r->a, hb.resources_known, hb.resources), money_format(r->a, hb.charges),
	            money_format_known(r->a, hb.qf_known, hb.qf), money_format_known(r->a, hb.resources_known, hb.rav_month),
	            money_format_known(r->a, hb.rav_known, hb.rav_day_person), hb.rav_unit ? hb.rav_unit : "personne", hb.explain);
	html_table(b, "Lignes du mois", TABLE_CAPTION_SHOWN, "Type", "Catégorie", "Membre", "#Montant", "~Actions");
	db_res q = {0};
	int n = 0;
	DBQ(r->db, &Q_LINES, &q, A_INT(hid), A_TEXT(mkey));
	while (db_next(&q)) {
		n++;
		bool res = !strcmp(db_text(&q, 1), "R");
		html_printf(b, "<tr><td>%s</td><td>%s%s</td><td>%s</td><td class=\"num\">%s</td><td>", res ? "Ressource" : "Charge",
		            res ? code_label(RESOURCE_CATS, NRESOURCE_CATS, db_text(&q, 2)) : code_label(CHARGE_CATS, NCHARGE_CATS, db_text(&q, 2)),
		            db_int(&q, 5) ? "" : " (non retenue)", db_isnull(&q, 4) ? "Foyer" : db_text(&q, 4),
		            money_format(r->a, db_int(&q, 3)));
		form_begin(r, "<form method=\"post\" action=\"/foyers/%lld/budget/%lld/supprimer\" class=\"inline\" "
		               "data-confirm=\"Supprimer cette ligne du budget ?\">",
		            (long long)hid, (long long)db_int(&q, 0));
		html_printf(b, "<input type=\"hidden\" name=\"mois\" value=\"%s\"><button type=\"submit\" class=\"link\">Supprimer</button></form></td></tr>", mkey);
	}
	db_close(&q);
	html_table_close(b);
	if (!n) {
		form_begin(r, "<form method=\"post\" action=\"/foyers/%lld/budget/copier\" class=\"compact\">", (long long)hid);
		html_printf(b, "<input type=\"hidden\" name=\"mois\" value=\"%s\"><input type=\"hidden\" name=\"depuis\" value=\"%s\">"
		               "<button type=\"submit\">Reprendre les lignes du mois précédent</button></form>", mkey, pk);
	}
	form_begin(r, "<h2>Ajouter une ligne</h2><form method=\"post\" action=\"/foyers/%lld/budget\" class=\"compact\" novalidate>", (long long)hid);
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
	form_begin(r, "<h2>Revenu imposable annuel (avis d’imposition)</h2><form method=\"post\" action=\"/foyers/%lld/revenu-fiscal\" class=\"compact\" novalidate>",
	            (long long)hid);
	html_printf(b, "<input type=\"hidden\" name=\"mois\" value=\"%s\">", mkey);
	form_input(b, &(form_field){.name = "taxable", .label = "Revenu imposable annuel (€)", .value = web_field(r, "taxable"),
	                            .hint = "Laisser vide pour calculer le QF sur les ressources du mois."}, fe);
	html_lit(b, "<button type=\"submit\">Enregistrer</button></form>");
	page_end(r);
}

static const char *current_month(web_req *r)
{
	char key[8];
	persons_budget_month(civil_today(r->user->tz), key);
	return arena_strdup(r->a, key);
}

static void budget_get(web_req *r)
{
	if (!need_household(r))
		return;
	const char *m = web_arg(r, "mois");
	civil_date d;
	if (!m || !persons_month_parse(m, &d))
		m = current_month(r);
	budget_page_render(r, m, NULL);
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
		budget_page_render(r, m && persons_month_parse(m, &d) ? m : current_month(r), &fe);
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
	const char *m = web_field(r, "mois");
	civil_date d;
	err e = persons_budget_line_delete(r, r->param[0], r->param[1]);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld/budget?mois=%s", (long long)r->param[0], m && persons_month_parse(m, &d) ? m : ""));
}

static void budget_copy(web_req *r)
{
	const char *m = web_field(r, "mois"), *from = web_field(r, "depuis");
	if (!need_household(r))
		return;
	err e = persons_budget_copy(r, r->param[0], m, from);
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "Mois incorrects." : NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld/budget?mois=%s", (long long)r->param[0], m));
}

static void taxable_post(web_req *r)
{
	if (!need_household(r))
		return;
	const char *m = web_field(r, "mois");
	form_errors fe = {0};
	civil_date d;
	err e = persons_taxable_set(r, r->param[0], web_field(r, "taxable"), &fe);
	if (e == E_INPUT) {
		r->status = 400;
		budget_page_render(r, m && persons_month_parse(m, &d) ? m : current_month(r), &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld/budget?mois=%s", (long long)r->param[0], m && persons_month_parse(m, &d) ? m : ""));
}

/* ---- notes, alerts, referents ----------------------------------------------- */


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
	err e = persons_alert_end(r, r->param[0], r->param[1]);
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
	int64_t uid = 0;
	const char *u = web_field(r, "user"), *action = web_field(r, "action");
	err e = u && text_to_int64(u, 1, INT64_MAX, &uid) ? persons_referent_set(r, r->param[0], uid, !action || strcmp(action, "remove"))
	                                                  : E_INPUT;
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "Choisissez un agent de la structure." : NULL);
		return;
	}
	back(r, r->param[0], NULL);
}

/* ---- documents ------------------------------------------------------------ */


static void doc_post(web_req *r)
{
	if (!need_household(r))
		return;
	const char *why = NULL;
	int64_t id;
	err e = persons_document_add(r, r->param[0], web_field(r, "kind"), web_field(r, "valid_until"), web_file_field(r, "file"), &why,
	                             &id);
	if (e != E_OK) {
		web_error(r, e, why);
		return;
	}
	back(r, r->param[0], "#t-docs");
}

/* The file as stored, under a clean name: an ASCII name for old clients,
 * the UTF-8 one (RFC 6266) for the others. */
void persons_document_send(web_req *r, const persons_document *doc)
{
	r->out_type = doc->mime;
	buf ascii, utf;
	buf_init(&ascii, r->a, 64);
	buf_init(&utf, r->a, 64);
	for (const unsigned char *p = (const unsigned char *)doc->filename; *p; p++) {
		buf_addc(&ascii, *p < 0x80 && *p >= 0x20 ? (char)*p : '_');
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			buf_addc(&utf, (char)*p);
		else
			buf_printf(&utf, "%%%02X", *p);
	}
	web_header(r, arena_printf(r->a, "Content-Disposition: attachment; filename=\"%s\"; filename*=UTF-8''%s", buf_cstr(&ascii),
	                           buf_cstr(&utf)));
	buf_add(&r->out, doc->data, doc->len);
}

static void doc_get(web_req *r)
{
	persons_document doc;
	err e = persons_document_get(r, r->param[0], &doc);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	persons_document_send(r, &doc);
}

/* ---- merge ---------------------------------------------------------------- */


static void merge_post(web_req *r)
{
	const char *fno = web_field(r, "file_no");
	int64_t gone = persons_household_by_file_no(r->db, fno);
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
		form_begin(r, "<form method=\"post\" action=\"/foyers/%lld/fusion\">", (long long)r->param[0]);
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
