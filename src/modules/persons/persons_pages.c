/*
 * persons_pages.c — the search box, creating a household (with duplicate
 * check), the household's page (members, situation, budget, referents,
 * notes, alerts, documents, other modules' sections, timeline), editing.
 */
#include <stdio.h>
#include <string.h>
#include "modules/persons/persons_internal.h"
#include "core/log.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define MAX_SECTIONS 16
static struct { int order; const char *title; persons_section fn; int perm; } sections[MAX_SECTIONS];
static int nsections;

void persons_section_add(int order, const char *title, persons_section fn, int perm)
{
	if (nsections >= MAX_SECTIONS)
		log_fatal("persons: more than %d household-page sections: raise MAX_SECTIONS", MAX_SECTIONS);
	int i = nsections++;
	while (i > 0 && sections[i - 1].order > order) {
		sections[i] = sections[i - 1];
		i--;
	}
	sections[i].order = order;
	sections[i].title = title;
	sections[i].fn = fn;
	sections[i].perm = perm;
}

static void select_codes(buf *b, const char *name, const char *label, const code *list, int n, const char *sel,
                         const form_errors *fe)
{
	const char *vals[16], *labs[16];
	for (int i = 0; i < n && i < 16; i++) {
		vals[i] = list[i].v;
		labs[i] = list[i].fr;
	}
	form_select(b, name, label, vals, labs, n < 16 ? n : 16, sel, fe);
}

static const char *fr_date(web_req *r, const char *iso)
{
	char *out = arena_alloc(r->a, 11);
	if (out)
		civil_iso_to_fr(iso, out);
	return out ? out : "";
}

static const char *fr_instant(web_req *r, int64_t t, bool with_time)
{
	struct tm tm;
	char *out = arena_alloc(r->a, 24);
	if (!out || !civil_local_time(r->user->tz, (time_t)t, &tm))
		return "";
	strftime(out, 24, with_time ? "%d/%m/%Y %H:%M" : "%d/%m/%Y", &tm);
	return out;
}

/* ---- search ---------------------------------------------------------------- */

static void results(web_req *r, const char *q)
{
	buf *b = &r->out;
	if (!q || !*q) {
		html_lit(b, "<p class=\"muted\">Tapez un nom, un prénom, une date de naissance, un numéro de dossier, "
		            "de téléphone ou d’allocataire.</p>");
		return;
	}
	search_hit *hits;
	int n = persons_search(r->db, r->a, q, web_can(r, PERM_PERSONS_MERGE), &hits, 25); /* archived: managers only */
	if (!n) {
		html_printf(b, "<p role=\"status\">Aucune personne ne correspond à « %s ».</p>", q);
		if (web_can(r, PERM_PERSONS_WRITE))
			html_printf(b, "<p><a class=\"button primary\" href=\"/foyers/nouveau?q=%s\">Créer un nouveau foyer</a></p>", q);
		return;
	}
	html_printf(b, "<p role=\"status\" class=\"muted\">%d résultat%s%s</p>", n, n > 1 ? "s" : "",
	            n == 25 ? " (les 25 plus proches ; précisez la recherche pour en voir d’autres)" : "");
	html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Personnes trouvées</caption><thead><tr>"
	            "<th scope=\"col\">Nom</th><th scope=\"col\">Prénoms</th><th scope=\"col\">Naissance</th>"
	            "<th scope=\"col\">Dossier</th><th scope=\"col\">Adresse</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		search_hit *h = &hits[i];
		html_printf(b, "<tr><td><a href=\"/foyers/%lld\">%s</a>", (long long)h->household_id, h->last_name);
		if (h->birth_name && *h->birth_name && strcmp(h->birth_name, h->last_name))
			html_printf(b, " <small>née %s</small>", h->birth_name);
		if (h->archived)
			html_lit(b, " <span class=\"tag\">archivé</span>");
		html_printf(b, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", h->first_names,
		            fr_date(r, h->birth_date), h->file_no, h->address);
	}
	html_lit(b, "</tbody></table>");
}

static void search_page(web_req *r)
{
	const char *q = web_arg(r, "q");
	if (r->htmx && web_arg(r, "fragment")) {
		results(r, q);
		return;
	}
	page_begin(r, "Rechercher une personne");
	buf *b = &r->out;
	html_lit(b, "<form method=\"get\" action=\"/personnes\" role=\"search\" class=\"searchbox\">"
	            "<label for=\"q\">Nom, prénom, date de naissance, n° de dossier, téléphone ou n° d’allocataire</label>"
	            "<div class=\"row\">");
	html_printf(b, "<input id=\"q\" name=\"q\" type=\"search\" value=\"%s\" autocomplete=\"off\" autofocus "
	               "hx-get=\"/personnes?fragment=1\" hx-trigger=\"input changed delay:150ms, search\" "
	               "hx-target=\"#resultats\" hx-push-url=\"false\" aria-controls=\"resultats\">",
	            q ? q : "");
	html_lit(b, "<button type=\"submit\" class=\"primary\">Rechercher</button></div></form>"
	            "<div id=\"resultats\" aria-live=\"polite\">");
	results(r, q);
	html_lit(b, "</div>");
	page_end(r);
}

/* ---- creating a household -------------------------------------------------- */

static person_in person_from_form(web_req *r)
{
	return (person_in){web_field(r, "last_name"), web_field(r, "birth_name"), web_field(r, "first_names"),
	                   web_field(r, "sex"), web_field(r, "birth_date"), web_field(r, "birth_place"),
	                   web_field(r, "nationality"), web_field(r, "phone"), web_field(r, "email"),
	                   web_field(r, "channel"), web_field(r, "consent_sms"), web_field(r, "consent_email"),
	                   web_field(r, "employment"), web_field(r, "health_cover"), web_field(r, "protection"),
	                   web_field(r, "representative"), web_field(r, "disability"), web_field(r, "gir"),
	                   web_field(r, "student"), web_field(r, "caf_number"), web_field(r, "relation"), web_field(r, "nir")};
}

static household_in household_from_form(web_req *r)
{
	return (household_in){web_field(r, "street_no"), web_field(r, "street"), web_field(r, "postcode"),
	                      web_field(r, "city"), web_field(r, "neighbourhood"), web_field(r, "housing")};
}

static void checkbox(buf *b, const char *name, const char *label, const char *value)
{
	bool on = value && (!strcmp(value, "1") || !strcmp(value, "on"));
	html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"f-%s\" name=\"%s\" value=\"1\"%s>"
	               "<label for=\"f-%s\">%s</label></div>", name, name, on ? " checked" : "", name, label);
}

/* The identity fields (shared by creation, adding a member, editing). */
static void person_fields(web_req *r, const person_in *p, const form_errors *fe, bool full, bool relation)
{
	buf *b = &r->out;
	html_lit(b, "<fieldset><legend>Identité</legend><div class=\"grid\">");
	form_input(b, &(form_field){.name = "last_name", .label = "Nom d’usage", .required = true, .value = p->last_name,
	                            .autocomplete = "off"}, fe);
	form_input(b, &(form_field){.name = "birth_name", .label = "Nom de naissance", .value = p->birth_name,
	                            .hint = "Si différent du nom d’usage."}, fe);
	form_input(b, &(form_field){.name = "first_names", .label = "Prénoms", .required = true, .value = p->first_names}, fe);
	form_input(b, &(form_field){.name = "birth_date", .label = "Date de naissance", .type = "date", .value = p->birth_date}, fe);
	select_codes(b, "sex", "Sexe", SEXES, NSEXES, p->sex, fe);
	if (relation)
		select_codes(b, "relation", "Lien avec le foyer", RELATIONS, NRELATIONS, p->relation, fe);
	form_input(b, &(form_field){.name = "phone", .label = "Téléphone", .type = "tel", .value = p->phone}, fe);
	if (full) {
		form_input(b, &(form_field){.name = "birth_place", .label = "Lieu de naissance", .value = p->birth_place}, fe);
		select_codes(b, "nationality", "Nationalité", NATIONALITIES, NNATIONALITIES, p->nationality, fe);
		form_input(b, &(form_field){.name = "email", .label = "E-mail", .type = "email", .value = p->email}, fe);
		select_codes(b, "channel", "Moyen de contact préféré", CHANNELS, NCHANNELS, p->channel, fe);
	}
	html_lit(b, "</div>");
	if (full) {
		checkbox(b, "consent_sms", "Accepte de recevoir des SMS", p->consent_sms);
		checkbox(b, "consent_email", "Accepte de recevoir des e-mails", p->consent_email);
	}
	html_lit(b, "</fieldset>");
	if (full && web_can(r, PERM_PERSONS_SITUATION)) {
		html_lit(b, "<fieldset><legend>Situation</legend><div class=\"grid\">");
		select_codes(b, "employment", "Situation professionnelle", EMPLOYMENTS, NEMPLOYMENTS, p->employment, fe);
		select_codes(b, "health_cover", "Couverture santé", HEALTH, NHEALTH, p->health_cover, fe);
		select_codes(b, "protection", "Mesure de protection", PROTECTIONS, NPROTECTIONS, p->protection, fe);
		form_input(b, &(form_field){.name = "representative", .label = "Représentant légal (mandataire)", .value = p->representative}, fe);
		form_input(b, &(form_field){.name = "gir", .label = "GIR (1 à 6)", .value = p->gir}, fe);
		form_input(b, &(form_field){.name = "caf_number", .label = "N° d’allocataire CAF/MSA", .value = p->caf_number}, fe);
		if (accounts_nir_enabled(r->db, r->user->structure_id))
			form_input(b, &(form_field){.name = "nir", .label = "NIR (n° de sécurité sociale)", .autocomplete = "off",
			                            .hint = "Jamais réaffiché en entier. Laisser vide pour conserver celui qui est enregistré."}, fe);
		html_lit(b, "</div>");
		checkbox(b, "disability", "Handicap reconnu (MDPH)", p->disability);
		checkbox(b, "student", "Étudiant", p->student);
		html_lit(b, "</fieldset>");
	}
}

static void address_fields(web_req *r, const household_in *h, const form_errors *fe)
{
	buf *b = &r->out;
	html_lit(b, "<fieldset><legend>Adresse et logement</legend><div class=\"grid\">");
	form_input(b, &(form_field){.name = "street_no", .label = "Numéro", .value = h->street_no}, fe);
	form_input(b, &(form_field){.name = "street", .label = "Voie", .value = h->street}, fe);
	form_input(b, &(form_field){.name = "postcode", .label = "Code postal", .value = h->postcode}, fe);
	form_input(b, &(form_field){.name = "city", .label = "Commune", .value = h->city}, fe);
	form_input(b, &(form_field){.name = "neighbourhood", .label = "Quartier (IRIS)", .value = h->neighbourhood}, fe);
	select_codes(b, "housing", "Logement", HOUSING, NHOUSING, h->housing, fe);
	html_lit(b, "</div></fieldset>");
}

static void new_form(web_req *r, const person_in *p, const household_in *h, const form_errors *fe,
                     search_hit *dups, int ndups)
{
	page_begin(r, "Nouveau foyer");
	buf *b = &r->out;
	form_error_summary(b, fe);
	if (ndups) {
		html_lit(b, "<div class=\"notice notice-info\" role=\"alert\" tabindex=\"-1\" id=\"doublons\">"
		            "<p><strong>Cette personne est peut-être déjà connue.</strong> Vérifiez avant de créer un nouveau dossier :</p><ul>");
		for (int i = 0; i < ndups; i++)
			html_printf(b, "<li><a href=\"/foyers/%lld\">%s %s</a>, née le %s, dossier %s, %s</li>",
			            (long long)dups[i].household_id, dups[i].last_name, dups[i].first_names,
			            *dups[i].birth_date ? fr_date(r, dups[i].birth_date) : "?", dups[i].file_no, dups[i].address);
		html_lit(b, "</ul></div>");
	}
	html_lit(b, "<form method=\"post\" action=\"/foyers\" novalidate>");
	page_csrf(r);
	person_fields(r, p, fe, false, false);
	address_fields(r, h, fe);
	if (ndups)
		checkbox(b, "confirm_duplicate", "J’ai vérifié : il s’agit d’une autre personne, créer un nouveau dossier", NULL);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Créer le foyer</button> <a href=\"/personnes\">Annuler</a></form>");
	page_end(r);
}

static void new_get(web_req *r)
{
	/* Pre-fill the name from what was searched ("Payet Marie" → nom, prénom). */
	person_in p = {0};
	household_in h = {0};
	const char *q = web_arg(r, "q");
	if (q) {
		char *t = text_trim(r->a, q), *sp = t ? strchr(t, ' ') : NULL;
		if (sp) {
			*sp = 0;
			p.first_names = sp + 1;
		}
		p.last_name = t;
	}
	new_form(r, &p, &h, NULL, NULL, 0);
}

static void new_post(web_req *r)
{
	person_in p = person_from_form(r);
	household_in h = household_from_form(r);
	p.relation = "demandeur";
	form_errors fe = {0};
	person_validate(&p, &fe, false);
	household_validate(&h, &fe);
	if (fe.n) {
		r->status = 400;
		new_form(r, &p, &h, &fe, NULL, 0);
		return;
	}
	if (!web_field(r, "confirm_duplicate")) {
		search_hit *d;
		int nd = persons_duplicates(r->db, r->a, p.last_name, p.first_names, p.birth_date, &d, 10);
		if (nd) {
			r->status = 409;
			new_form(r, &p, &h, NULL, d, nd);
			return;
		}
	}
	int64_t hid, pid;
	err e = persons_household_create(r, &h, &p, &hid, &pid);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld?ok=cree", (long long)hid));
}

/* ---- the household page ---------------------------------------------------- */

static db_sql Q_H = DB_SQL(DB_SCOPED,
	"SELECT file_no, street_no, street, postcode, city, neighbourhood, housing, address_since, merged_into, version, "
	"created_at, annual_taxable, CASE WHEN anonymised_at IS NOT NULL THEN 2 WHEN archived_at IS NOT NULL THEN 1 ELSE 0 END "
	"FROM households WHERE structure_id = $1 AND id = $2");
static db_sql Q_H_SEEN = DB_SQL(DB_SCOPED, "UPDATE households SET last_seen_at = $3 WHERE structure_id = $1 AND id = $2");
static db_sql Q_MEMBERS = DB_SQL(DB_SCOPED,
	"SELECT p.id, p.relation, p.last_name, p.birth_name, p.first_names, p.birth_date, p.sex, p.phone, p.employment, "
	"p.health_cover, p.protection, p.disability, p.gir, p.caf_number, p.active, p.nationality, p.email, p.consent_sms, "
	"p.consent_email, p.student, p.representative, p.nir "
	"FROM persons p WHERE p.structure_id = $1 AND p.household_id = $2 ORDER BY p.active DESC, "
	"CASE p.relation WHEN 'demandeur' THEN 0 WHEN 'conjoint' THEN 1 ELSE 2 END, p.birth_date, p.id");
static db_sql Q_ALERTS = DB_SQL(DB_SCOPED,
	"SELECT id, text, created_at FROM alerts WHERE structure_id = $1 AND household_id = $2 AND ended_at IS NULL ORDER BY id");
static db_sql Q_REFERENTS = DB_SQL(DB_SCOPED,
	"SELECT u.id, u.display_name FROM referents r JOIN agent_names u ON u.id = r.user_id "
	"WHERE r.structure_id = $1 AND r.household_id = $2 ORDER BY u.display_name");
/* Notes: the visibility rule is in the query, so no page can forget it. */
static db_sql Q_NOTES = DB_SQL(DB_SCOPED,
	"SELECT n.id, n.visibility, n.body, n.created_at, u.display_name FROM notes n LEFT JOIN agent_names u ON u.id = n.author_id "
	"WHERE n.structure_id = $1 AND n.household_id = $2 AND (n.visibility = 'equipe' OR n.author_id = $3 OR "
	"(n.visibility = 'referents' AND EXISTS (SELECT 1 FROM referents r WHERE r.structure_id = $1 "
	"AND r.household_id = n.household_id AND r.user_id = $3))) ORDER BY n.created_at DESC, n.id DESC LIMIT $4");
static db_sql Q_DOCS = DB_SQL(DB_SCOPED,
	"SELECT id, kind, filename, size, valid_until, created_at FROM documents WHERE structure_id = $1 AND household_id = $2 "
	"ORDER BY created_at DESC, id DESC");
static db_sql Q_TL = DB_SQL(DB_SCOPED,
	"SELECT t.at, t.kind, t.summary, u.display_name FROM timeline t LEFT JOIN agent_names u ON u.id = t.user_id "
	"WHERE t.structure_id = $1 AND t.household_id = $2 AND ($3 = '' OR t.kind = $3) ORDER BY t.at DESC, t.id DESC "
	"LIMIT $4 OFFSET $5");
static db_sql Q_OLD_ADDR = DB_SQL(DB_SCOPED,
	"SELECT street_no, street, postcode, city, housing, from_date, to_date FROM household_addresses "
	"WHERE structure_id = $1 AND household_id = $2 ORDER BY to_date DESC LIMIT 20");
static db_sql Q_STAFF = DB_SQL(DB_SCOPED,
	"SELECT user_id, display_name FROM structure_agents WHERE structure_id = $1 ORDER BY display_name");

static const char *age_text(web_req *r, const char *birth)
{
	civil_date b;
	if (!birth || !civil_parse(birth, &b))
		return "";
	int age = civil_age(b, civil_today(r->user->tz));
	return arena_printf(r->a, "%s (%d an%s)", fr_date(r, birth), age, age > 1 ? "s" : "");
}

static void section_budget(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	household_budget hb;
	civil_date today = civil_today(r->user->tz);
	if (persons_budget(r->db, r->a, hid, today, &hb) != E_OK)
		return;
	html_printf(b, "<section aria-labelledby=\"t-budget\"><h2 id=\"t-budget\">Budget du mois</h2>"
	               "<dl class=\"facts\"><dt>Ressources</dt><dd>%s</dd><dt>Charges retenues</dt><dd>%s</dd>"
	               "<dt>Quotient familial</dt><dd>%s</dd><dt>Reste à vivre</dt><dd>%s par mois, %s par personne et par jour</dd></dl>"
	               "<details><summary>Détail du calcul</summary><p>%s</p></details>",
	            money_format(r->a, hb.resources), money_format(r->a, hb.charges), money_format(r->a, hb.qf),
	            money_format(r->a, hb.rav_month), money_format(r->a, hb.rav_day_person), hb.explain);
	html_printf(b, "<p><a href=\"/foyers/%lld/budget\">Ressources et charges par mois</a></p></section>", (long long)hid);
}

static void section_notes(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-notes\"><h2 id=\"t-notes\">Notes</h2>");
	html_printf(b, "<form method=\"post\" action=\"/foyers/%lld/notes\" class=\"compact\" novalidate>", (long long)hid);
	page_csrf(r);
	form_input(b, &(form_field){.name = "body", .label = "Nouvelle note", .type = "textarea", .required = true}, NULL);
	const char *vals[3], *labs[3];
	for (int i = 0; i < NVISIBILITIES; i++) {
		vals[i] = VISIBILITIES[i].v;
		labs[i] = VISIBILITIES[i].fr;
	}
	form_select(b, "visibility", "Visible par", vals, labs, NVISIBILITIES, "equipe", NULL);
	html_lit(b, "<button type=\"submit\">Ajouter la note</button></form>");
	db_res q = {0};
	int n = 0;
	DBQ(r->db, &Q_NOTES, &q, A_INT(hid), A_INT(r->user->id), A_INT(50));
	html_lit(b, "<ul class=\"notes\">");
	while (db_next(&q)) {
		n++;
		html_printf(b, "<li><p class=\"meta\">%s — %s <span class=\"tag\">%s</span></p><p>%s</p></li>",
		            fr_instant(r, db_int(&q, 3), true), db_isnull(&q, 4) ? "?" : db_text(&q, 4),
		            code_fr(VISIBILITIES, NVISIBILITIES, db_text(&q, 1)), db_text(&q, 2));
	}
	db_close(&q);
	html_lit(b, "</ul>");
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucune note visible pour vous.</p>");
	html_lit(b, "</section>");
}

static void section_documents(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-docs\"><h2 id=\"t-docs\">Documents</h2>");
	db_res q = {0};
	DBQ(r->db, &Q_DOCS, &q, A_INT(hid));
	civil_date today = civil_today(r->user->tz);
	int n = 0;
	while (db_next(&q)) {
		if (!n++)
			html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Documents du foyer</caption><thead><tr>"
			            "<th scope=\"col\">Document</th><th scope=\"col\">Fichier</th><th scope=\"col\">Valable jusqu’au</th>"
			            "<th scope=\"col\">Déposé le</th></tr></thead><tbody>");
		const char *until = db_text(&q, 4);
		civil_date u;
		const char *warn = "";
		if (civil_parse(until, &u)) {
			int64_t left = civil_to_days(u) - civil_to_days(today);
			warn = left < 0 ? " — expiré" : left <= 30 ? " — expire bientôt" : "";
		}
		html_printf(b, "<tr><td>%s</td><td><a href=\"/documents/%lld\">%s</a> <small>(%lld Ko)</small></td>"
		               "<td>%s<strong class=\"warn\">%s</strong></td><td>%s</td></tr>",
		            code_fr(DOC_KINDS, NDOC_KINDS, db_text(&q, 1)), (long long)db_int(&q, 0), db_text(&q, 2),
		            (long long)((db_int(&q, 3) + 1023) / 1024), *until ? fr_date(r, until) : "—", warn,
		            fr_instant(r, db_int(&q, 5), false));
	}
	db_close(&q);
	if (n)
		html_lit(b, "</tbody></table>");
	else
		html_lit(b, "<p class=\"muted\">Aucun document.</p>");
	html_printf(b, "<form method=\"post\" action=\"/foyers/%lld/documents\" enctype=\"multipart/form-data\" class=\"compact\" novalidate>",
	            (long long)hid);
	page_csrf(r);
	html_lit(b, "<div class=\"grid\">");
	const char *vals[16], *labs[16];
	for (int i = 0; i < NDOC_KINDS; i++) {
		vals[i] = DOC_KINDS[i].v;
		labs[i] = DOC_KINDS[i].fr;
	}
	form_select(b, "kind", "Type de document", vals, labs, NDOC_KINDS, "identite", NULL);
	form_input(b, &(form_field){.name = "valid_until", .label = "Valable jusqu’au", .type = "date"}, NULL);
	html_lit(b, "<div class=\"field\"><label for=\"f-file\">Fichier (PDF, image, bureautique ; 10 Mo au plus)</label>"
	            "<input id=\"f-file\" name=\"file\" type=\"file\" required></div></div>"
	            "<button type=\"submit\">Déposer le document</button></form></section>");
}

static void household_page(web_req *r)
{
	int64_t hid = r->param[0];
	db_res q = {0};
	if (DBQ(r->db, &Q_H, &q, A_INT(hid)) != E_OK || !db_next(&q)) {
		db_close(&q);
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (!db_isnull(&q, 8)) {
		int64_t into = db_int(&q, 8);
		db_close(&q);
		web_redirect(r, arena_printf(r->a, "/foyers/%lld?fusionne=1", (long long)into));
		return;
	}
	arena *a = r->a;
	char *file_no = db_dup(&q, 0, a), *street_no = db_dup(&q, 1, a), *street = db_dup(&q, 2, a),
	     *postcode = db_dup(&q, 3, a), *city = db_dup(&q, 4, a), *neighbourhood = db_dup(&q, 5, a),
	     *housing = db_dup(&q, 6, a), *since = db_dup(&q, 7, a);
	int archived = (int)db_int(&q, 12); /* 1 archived, 2 anonymised */
	db_close(&q);
	if (archived == 1 && !web_can(r, PERM_PERSONS_MERGE)) {
		web_error(r, E_FORBIDDEN, "Ce dossier est en archive intermédiaire (aucun contact depuis la durée de conservation) : "
		                          "seul un responsable peut l’ouvrir, par exemple si la personne revient.");
		return;
	}
	/* One write transaction (one fsync) for the journal entry and the
	 * "recently seen" mark; a failure of either leaves the page readable. */
	if (db_begin(r->db, true) == E_OK) {
		if (journal_record(r->db, r->user->id, "read", "household", hid, NULL) == E_OK &&
		    DBX(r->db, &Q_H_SEEN, NULL, A_INT(hid), A_INT(civil_now())) == E_OK)
			db_commit(r->db);
		else
			db_rollback(r->db);
	}
	/* Title: the applicant's name. */
	db_res m = {0};
	DBQ(r->db, &Q_MEMBERS, &m, A_INT(hid));
	typedef struct { int64_t id; char *f[22]; } member;
	member *mem = NULL;
	int nm = 0, cap = 0;
	while (db_next(&m)) {
		if (nm == cap) { /* every member, however many */
			int nc = cap ? cap * 2 : 16;
			member *g = arena_array(a, (size_t)nc, sizeof *g);
			if (!g)
				break;
			if (nm)
				memcpy(g, mem, sizeof *mem * (size_t)nm);
			mem = g;
			cap = nc;
		}
		mem[nm].id = db_int(&m, 0);
		for (int i = 0; i < 22; i++)
			mem[nm].f[i] = db_dup(&m, i, a);
		nm++;
	}
	db_close(&m);
	const char *title = nm ? arena_printf(a, "Foyer %s %s", mem[0].f[2], mem[0].f[4]) : "Foyer";
	page_begin(r, title);
	buf *b = &r->out;
	const char *ok = web_arg(r, "ok");
	if (ok)
		page_notice(r, "ok", !strcmp(ok, "cree") ? "Le foyer a été créé." : "C’est enregistré.");
	if (web_arg(r, "fusionne"))
		page_notice(r, "info", "Le dossier demandé a été fusionné dans celui-ci.");
	if (archived)
		page_notice(r, "info", archived == 2 ? "Dossier anonymisé : seules restent les données utiles aux statistiques."
		                                     : "Dossier en archive intermédiaire : consultation réservée aux responsables.");
	/* Alerts first: they are what the agent must not miss. */
	DBQ(r->db, &Q_ALERTS, &q, A_INT(hid));
	int na = 0;
	while (db_next(&q)) {
		if (!na++)
			html_lit(b, "<div class=\"alerts\" role=\"region\" aria-label=\"Alertes\"><ul>");
		html_printf(b, "<li><strong>%s</strong>", db_text(&q, 1));
		if (web_can(r, PERM_PERSONS_WRITE)) {
			html_printf(b, " <form method=\"post\" action=\"/foyers/%lld/alertes/%lld/fin\" class=\"inline\" "
			               "data-confirm=\"Lever cette alerte ?\">",
			            (long long)hid, (long long)db_int(&q, 0));
			page_csrf(r);
			html_lit(b, "<button type=\"submit\" class=\"link\">Lever l’alerte</button></form>");
		}
		html_lit(b, "</li>");
	}
	db_close(&q);
	if (na)
		html_lit(b, "</ul></div>");
	html_printf(b, "<p class=\"lead\">Dossier <strong>%s</strong> · ", file_no);
	if (*street || *city)
		html_printf(b, "%s%s%s%s%s%s", street_no, *street_no ? " " : "", street, *street && (*postcode || *city) ? ", " : "",
		            postcode, *postcode ? arena_printf(a, " %s", city) : city);
	else
		html_lit(b, "adresse non renseignée");
	if (*neighbourhood)
		html_printf(b, " (quartier %s)", neighbourhood);
	html_printf(b, " · %s", code_fr(HOUSING, NHOUSING, housing));
	if (since && *since)
		html_printf(b, " depuis le %s", fr_date(r, since));
	html_lit(b, "</p><div class=\"file\"><div class=\"col-main\">");
	/* Members. */
	html_lit(b, "<section aria-labelledby=\"t-members\"><h2 id=\"t-members\">Composition du foyer</h2>"
	            "<table class=\"data\"><caption class=\"sr-only\">Membres du foyer</caption><thead><tr>"
	            "<th scope=\"col\">Nom</th><th scope=\"col\">Lien</th><th scope=\"col\">Naissance</th>"
	            "<th scope=\"col\">Téléphone</th>");
	bool sit = web_can(r, PERM_PERSONS_SITUATION);
	if (sit)
		html_lit(b, "<th scope=\"col\">Situation</th>");
	html_lit(b, "<th scope=\"col\"><span class=\"sr-only\">Actions</span></th></tr></thead><tbody>");
	for (int i = 0; i < nm; i++) {
		char **f = mem[i].f;
		bool active = f[14] && f[14][0] == '1';
		html_printf(b, "<tr%s><td>%s %s", active ? "" : " class=\"gone\"", f[2], f[4]);
		if (f[3] && *f[3] && strcmp(f[3], f[2]))
			html_printf(b, " <small>(naissance : %s)</small>", f[3]);
		html_printf(b, "</td><td>%s%s</td><td>%s</td><td>%s</td>", code_fr(RELATIONS, NRELATIONS, f[1]),
		            active ? "" : " (parti)", age_text(r, f[5]), f[7]);
		if (sit) {
			html_printf(b, "<td>%s", code_fr(EMPLOYMENTS, NEMPLOYMENTS, f[8]));
			if (f[9] && *f[9])
				html_printf(b, " · %s", code_fr(HEALTH, NHEALTH, f[9]));
			if (f[10] && *f[10])
				html_printf(b, " · %s", code_fr(PROTECTIONS, NPROTECTIONS, f[10]));
			if (f[11] && f[11][0] == '1')
				html_lit(b, " · handicap reconnu");
			if (f[12] && *f[12])
				html_printf(b, " · GIR %s", f[12]);
			if (f[21] && *f[21])
				html_printf(b, " · NIR %s", persons_nir_masked(a, f[21]));
			html_lit(b, "</td>");
		}
		html_lit(b, "<td>");
		if (web_can(r, PERM_PERSONS_WRITE))
			html_printf(b, "<a href=\"/personnes/%lld/modifier\">Modifier<span class=\"sr-only\"> %s %s</span></a>",
			            (long long)mem[i].id, f[2], f[4]);
		html_lit(b, "</td></tr>");
	}
	html_lit(b, "</tbody></table>");
	if (web_can(r, PERM_PERSONS_WRITE))
		html_printf(b, "<p><a href=\"/foyers/%lld/membres/nouveau\">Ajouter un membre</a> · "
		               "<a href=\"/foyers/%lld/adresse\">Changer d’adresse</a></p>", (long long)hid, (long long)hid);
	html_lit(b, "</section>");
	for (int i = 0; i < nsections; i++)
		if (web_can(r, sections[i].perm))
			sections[i].fn(r, hid);
	if (web_can(r, PERM_NOTES))
		section_notes(r, hid);
	/* Timeline (last events). */
	html_printf(b, "<section aria-labelledby=\"t-tl\"><h2 id=\"t-tl\">Parcours</h2><ol class=\"timeline\">");
	DBQ(r->db, &Q_TL, &q, A_INT(hid), A_TEXT(""), A_INT(15), A_INT(0));
	while (db_next(&q))
		html_printf(b, "<li><span class=\"when\">%s</span> %s <small>— %s</small></li>", fr_instant(r, db_int(&q, 0), true),
		            db_text(&q, 2), db_isnull(&q, 3) ? "système" : db_text(&q, 3));
	db_close(&q);
	html_printf(b, "</ol><p><a href=\"/foyers/%lld/parcours\">Tout le parcours</a></p></section>", (long long)hid);
	html_lit(b, "</div><div class=\"col-side\">");
	if (sit)
		section_budget(r, hid);
	/* Referents. */
	html_lit(b, "<section aria-labelledby=\"t-ref\"><h2 id=\"t-ref\">Référents</h2><ul>");
	DBQ(r->db, &Q_REFERENTS, &q, A_INT(hid));
	bool me = false;
	int nr = 0;
	while (db_next(&q)) {
		nr++;
		me |= db_int(&q, 0) == r->user->id;
		html_printf(b, "<li>%s</li>", db_text(&q, 1));
	}
	db_close(&q);
	html_lit(b, "</ul>");
	if (!nr)
		html_lit(b, "<p class=\"muted\">Aucun référent.</p>");
	if (web_can(r, PERM_NOTES)) {
		html_printf(b, "<form method=\"post\" action=\"/foyers/%lld/referents\" class=\"compact\">", (long long)hid);
		page_csrf(r);
		html_lit(b, "<div class=\"field\"><label for=\"f-referent\">Référent</label><select id=\"f-referent\" name=\"user\">");
		DBQ0(r->db, &Q_STAFF, &q);
		while (db_next(&q))
			html_printf(b, "<option value=\"%lld\"%s>%s</option>", (long long)db_int(&q, 0),
			            db_int(&q, 0) == r->user->id ? " selected" : "", db_text(&q, 1));
		db_close(&q);
		html_lit(b, "</select></div><button type=\"submit\" name=\"action\" value=\"add\">Ajouter</button> "
		            "<button type=\"submit\" name=\"action\" value=\"remove\">Retirer</button></form>");
	}
	(void)me;
	/* Former addresses (the history kept by address changes). */
	DBQ(r->db, &Q_OLD_ADDR, &q, A_INT(hid));
	int no = 0;
	while (db_next(&q)) {
		if (!no++)
			html_lit(b, "<h2>Adresses précédentes</h2><ul>");
		html_printf(b, "<li>%s %s, %s %s — %s, jusqu’au %s</li>", db_text(&q, 0), db_text(&q, 1), db_text(&q, 2), db_text(&q, 3),
		            code_fr(HOUSING, NHOUSING, db_text(&q, 4)), fr_date(r, db_text(&q, 6)));
	}
	db_close(&q);
	if (no)
		html_lit(b, "</ul>");
	/* New alert. */
	if (web_can(r, PERM_PERSONS_WRITE)) {
		html_printf(b, "<h2>Nouvelle alerte</h2><form method=\"post\" action=\"/foyers/%lld/alertes\" class=\"compact\" novalidate>",
		            (long long)hid);
		page_csrf(r);
		form_input(b, &(form_field){.name = "text", .label = "Alerte", .required = true,
		                            .hint = "Par exemple : interprète nécessaire, ne pas remettre d’espèces."}, NULL);
		html_lit(b, "<button type=\"submit\">Ajouter l’alerte</button></form>");
	}
	if (web_can(r, PERM_PERSONS_MERGE)) {
		html_printf(b, "<h2>Fusionner un doublon</h2><form method=\"post\" action=\"/foyers/%lld/fusion\" class=\"compact\" novalidate>",
		            (long long)hid);
		page_csrf(r);
		form_input(b, &(form_field){.name = "file_no", .label = "N° du dossier à fusionner dans celui-ci", .required = true}, NULL);
		html_lit(b, "<button type=\"submit\">Fusionner…</button></form>");
	}
	html_lit(b, "</div></div>");
	if (web_can(r, PERM_DOCUMENTS))
		section_documents(r, hid);
	page_end(r);
}

/* ---- timeline ---------------------------------------------------------------- */

static void timeline_page(web_req *r)
{
	int64_t hid = r->param[0];
	if (!persons_household_exists(r->db, hid)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	const char *kind = web_arg(r, "type");
	kind = kind ? kind : "";
	int64_t page = 1;
	const char *ps = web_arg(r, "page");
	if (ps && !text_to_int64(ps, 1, 100000, &page))
		page = 1;
	journal_record(r->db, r->user->id, "read", "household", hid, "timeline");
	page_begin(r, arena_printf(r->a, "Parcours du dossier %s", persons_file_no(r->db, r->a, hid)));
	buf *b = &r->out;
	static const char *kinds_v[] = {"", "contact", "note", "document", "appointment", "member", "address", "household", "aid_request", "domiciliation", "merge"};
	static const char *kl[] = {"Tout", "Contacts", "Notes", "Documents", "Rendez-vous", "Membres", "Adresse", "Dossier", "Aides", "Domiciliation", "Fusions"};
	html_printf(b, "<form method=\"get\" action=\"/foyers/%lld/parcours\" class=\"filters\">", (long long)hid);
	form_select(b, "type", "Type d’événement", kinds_v, kl, 11, kind, NULL);
	html_printf(b, "<button type=\"submit\">Filtrer</button> <a href=\"/foyers/%lld\">Retour au foyer</a></form>", (long long)hid);
	html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Événements, les plus récents d’abord</caption><thead><tr>"
	            "<th scope=\"col\">Date</th><th scope=\"col\">Événement</th><th scope=\"col\">Par</th></tr></thead><tbody>");
	db_res q = {0};
	int n = 0;
	DBQ(r->db, &Q_TL, &q, A_INT(hid), A_TEXT(kind), A_INT(101), A_INT((page - 1) * 100));
	while (db_next(&q) && n < 100) {
		n++;
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", fr_instant(r, db_int(&q, 0), true), db_text(&q, 2),
		            db_isnull(&q, 3) ? "système" : db_text(&q, 3));
	}
	bool more = db_next(&q);
	db_close(&q);
	html_lit(b, "</tbody></table>");
	if (page > 1 || more) {
		html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\"><ul>");
		if (page > 1)
			html_printf(b, "<li><a href=\"?type=%s&amp;page=%lld\">Plus récents</a></li>", kind, (long long)(page - 1));
		if (more)
			html_printf(b, "<li><a href=\"?type=%s&amp;page=%lld\">Plus anciens</a></li>", kind, (long long)(page + 1));
		html_lit(b, "</ul></nav>");
	}
	page_end(r);
}

/* ---- members, persons, address ------------------------------------------------ */

static void member_form(web_req *r, const person_in *p, const form_errors *fe)
{
	page_begin(r, "Ajouter un membre au foyer");
	form_error_summary(&r->out, fe);
	html_printf(&r->out, "<form method=\"post\" action=\"/foyers/%lld/membres\" novalidate>", (long long)r->param[0]);
	page_csrf(r);
	person_fields(r, p, fe, false, true);
	html_printf(&r->out, "<button type=\"submit\" class=\"primary\">Ajouter</button> <a href=\"/foyers/%lld\">Annuler</a></form>",
	            (long long)r->param[0]);
	page_end(r);
}

static void member_new(web_req *r)
{
	if (!persons_household_exists(r->db, r->param[0])) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	member_form(r, &(person_in){.relation = "enfant"}, NULL);
}

static void member_post(web_req *r)
{
	person_in p = person_from_form(r);
	form_errors fe = {0};
	if (!person_validate(&p, &fe, false)) {
		r->status = 400;
		member_form(r, &p, &fe);
		return;
	}
	int64_t pid;
	err e = persons_member_add(r, r->param[0], &p, &pid);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld?ok=1", (long long)r->param[0]));
}

static db_sql Q_PERSON = DB_SQL(DB_SCOPED,
	"SELECT last_name, birth_name, first_names, sex, birth_date, birth_place, nationality, phone, email, channel, "
	"consent_sms, consent_email, employment, health_cover, protection, representative, disability, gir, student, "
	"caf_number, relation, household_id, version, active FROM persons WHERE structure_id = $1 AND id = $2");

static db_sql Q_P_HOUSEHOLD_PAGES = DB_SQL(DB_SCOPED, "SELECT household_id FROM persons WHERE structure_id = $1 AND id = $2");

static void person_edit_form(web_req *r, const person_in *p, int64_t hid, int64_t version, bool active,
                             const form_errors *fe)
{
	page_begin(r, arena_printf(r->a, "%s %s", p->last_name ? p->last_name : "", p->first_names ? p->first_names : ""));
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<form method=\"post\" action=\"/personnes/%lld\" novalidate>", (long long)r->param[0]);
	page_csrf(r);
	html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)version);
	person_fields(r, p, fe, true, false);
	html_printf(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button> <a href=\"/foyers/%lld\">Annuler</a></form>",
	            (long long)hid);
	if (active && p->relation && strcmp(p->relation, "demandeur")) {
		html_printf(b, "<h2>Départ du foyer</h2><form method=\"post\" action=\"/foyers/%lld/membres/%lld/depart\" class=\"compact\" novalidate>",
		            (long long)hid, (long long)r->param[0]);
		page_csrf(r);
		char today[11];
		civil_format(civil_today(r->user->tz), today);
		form_input(b, &(form_field){.name = "date", .label = "Date de départ", .type = "date", .value = today, .required = true}, NULL);
		html_lit(b, "<button type=\"submit\">Enregistrer le départ</button></form>");
	}
	page_end(r);
}

static void person_edit(web_req *r)
{
	db_res q = {0};
	if (DBQ(r->db, &Q_PERSON, &q, A_INT(r->param[0])) != E_OK || !db_next(&q)) {
		db_close(&q);
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	arena *a = r->a;
	person_in p = {db_dup(&q, 0, a), db_dup(&q, 1, a), db_dup(&q, 2, a), db_dup(&q, 3, a), db_dup(&q, 4, a),
	               db_dup(&q, 5, a), db_dup(&q, 6, a), db_dup(&q, 7, a), db_dup(&q, 8, a), db_dup(&q, 9, a),
	               db_dup(&q, 10, a), db_dup(&q, 11, a), db_dup(&q, 12, a), db_dup(&q, 13, a), db_dup(&q, 14, a),
	               db_dup(&q, 15, a), db_dup(&q, 16, a), db_dup(&q, 17, a), db_dup(&q, 18, a), db_dup(&q, 19, a),
	               db_dup(&q, 20, a), NULL};
	int64_t hid = db_int(&q, 21), version = db_int(&q, 22);
	bool active = db_int(&q, 23) != 0;
	db_close(&q);
	journal_record(r->db, r->user->id, "read", "person", r->param[0], NULL);
	person_edit_form(r, &p, hid, version, active, NULL);
}

static void person_post(web_req *r)
{
	person_in p = person_from_form(r);
	form_errors fe = {0};
	int64_t version = 0, hid = 0;
	DBID(r->db, &Q_P_HOUSEHOLD_PAGES, &hid, A_INT(r->param[0]));
	const char *vs = web_field(r, "version");
	if (!hid) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (!vs || !text_to_int64(vs, 1, INT64_MAX, &version))
		form_error(&fe, "last_name", "Le formulaire est incomplet : rechargez la page.");
	if (!person_validate(&p, &fe, true)) {
		r->status = 400;
		person_edit_form(r, &p, hid, version, true, &fe);
		return;
	}
	err e = persons_person_update(r, r->param[0], &p, version);
	if (e == E_INPUT) {
		r->status = 400;
		form_error(&fe, "nir", "Le NIR compte 15 caractères (13 + clé) et sa clé doit être juste.");
		person_edit_form(r, &p, hid, version, true, &fe);
		return;
	}
	if (e == E_CONFLICT) {
		r->status = 409;
		form_error(&fe, "last_name", "Quelqu’un a modifié cette fiche entre-temps. Vos saisies sont ci-dessous ; rechargez la page pour voir l’autre version avant d’enregistrer.");
		person_edit_form(r, &p, hid, version, true, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/foyers/%lld?ok=1", (long long)hid));
}

void persons_pages_routes(void);
void persons_pages_routes(void)
{
	web_route(M_GET, "/personnes", search_page, PERM_PERSONS_READ, 0, "Rechercher une personne");
	web_route(M_GET, "/foyers/nouveau", new_get, PERM_PERSONS_WRITE, 0, "Formulaire de nouveau foyer");
	web_route(M_POST, "/foyers", new_post, PERM_PERSONS_WRITE, 0, "Créer un foyer");
	web_route(M_GET, "/foyers/{id}", household_page, PERM_PERSONS_READ, 0, "Dossier d’un foyer");
	web_route(M_GET, "/foyers/{id}/parcours", timeline_page, PERM_PERSONS_READ, 0, "Parcours du foyer");
	web_route(M_GET, "/foyers/{id}/membres/nouveau", member_new, PERM_PERSONS_WRITE, 0, "Formulaire de membre");
	web_route(M_POST, "/foyers/{id}/membres", member_post, PERM_PERSONS_WRITE, 0, "Ajouter un membre");
	web_route(M_GET, "/personnes/{id}/modifier", person_edit, PERM_PERSONS_WRITE, 0, "Modifier une personne");
	web_route(M_POST, "/personnes/{id}", person_post, PERM_PERSONS_WRITE, 0, "Enregistrer une personne");
}
