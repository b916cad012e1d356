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
	bool capped = false;
	int n = persons_search_fed(r->db, r->a, q, web_can(r, PERM_PERSONS_MERGE), &hits, 25, &capped, persons_feed_head(r)); /* archived: managers only */
	if (capped)
		html_printf(b, "<p role=\"status\" class=\"notice notice-info\">%s</p>", PERSONS_MANY);
	if (!n) {
		html_printf(b, "<p role=\"status\">Aucune personne ne correspond à « %s ».</p>", q);
		if (web_can(r, PERM_PERSONS_WRITE))
			html_printf(b, "<p><a class=\"button primary\" href=\"/foyers/nouveau?q=%s\">Créer un nouveau foyer</a></p>", q);
		return;
	}
	html_printf(b, "<p role=\"status\" class=\"muted\">%d résultat%s%s</p>", n, n > 1 ? "s" : "",
	            n == 25 ? " (les 25 plus proches ; précisez la recherche pour en voir d’autres)" : "");
	html_table(b, "Personnes trouvées", 0, "Nom", "Prénoms", "Naissance", "Dossier", "Adresse");
	for (int i = 0; i < n; i++) {
		search_hit *h = &hits[i];
		html_printf(b, "<tr><td><a href=\"/foyers/%lld\">%s</a>", (long long)h->household_id, h->last_name);
		if (h->birth_name && *h->birth_name && strcmp(h->birth_name, h->last_name))
			html_printf(b, " <small>née %s</small>", h->birth_name);
		if (h->archived)
			html_lit(b, " <span class=\"tag\">archivé</span>");
		/* Not known is said, never a blank cell. */
		bool has_birth = h->birth_date && *h->birth_date, has_addr = h->address && *h->address;
		html_printf(b, "</td><td>%s</td><td>", h->first_names);
		if (has_birth)
			html_printf(b, "%s", page_date(r, h->birth_date));
		else
			html_lit(b, "<span class=\"muted\">non renseignée</span>");
		html_printf(b, "</td><td>%s</td><td>", h->file_no);
		if (has_addr)
			html_printf(b, "%s", h->address);
		else
			html_lit(b, "<span class=\"muted\">non renseignée</span>");
		html_lit(b, "</td></tr>");
	}
	html_table_close(b);
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
	if (web_can(r, PERM_PERSONS_IMPORT))
		html_lit(b, "<p><a href=\"/personnes/import\">Importer des foyers depuis un tableur</a></p>");
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
	form_select_code(b, "sex", "Sexe", SEXES, NSEXES, p->sex, fe);
	if (relation)
		form_select_code(b, "relation", "Lien avec le foyer", RELATIONS, NRELATIONS, p->relation, fe);
	form_input(b, &(form_field){.name = "phone", .label = "Téléphone", .type = "tel", .value = p->phone}, fe);
	if (full) {
		form_input(b, &(form_field){.name = "birth_place", .label = "Lieu de naissance", .value = p->birth_place}, fe);
		form_select_code(b, "nationality", "Nationalité", NATIONALITIES, NNATIONALITIES, p->nationality, fe);
		form_input(b, &(form_field){.name = "email", .label = "E-mail", .type = "email", .value = p->email}, fe);
		form_select_code(b, "channel", "Moyen de contact préféré", CHANNELS, NCHANNELS, p->channel, fe);
	}
	html_lit(b, "</div>");
	if (full) {
		checkbox(b, "consent_sms", "Accepte de recevoir des SMS", p->consent_sms);
		checkbox(b, "consent_email", "Accepte de recevoir des e-mails", p->consent_email);
	}
	html_lit(b, "</fieldset>");
	if (full && web_can(r, PERM_PERSONS_SITUATION)) {
		html_lit(b, "<fieldset><legend>Situation</legend><div class=\"grid\">");
		form_select_code(b, "employment", "Situation professionnelle", EMPLOYMENTS, NEMPLOYMENTS, p->employment, fe);
		form_select_code(b, "health_cover", "Couverture santé", HEALTH, NHEALTH, p->health_cover, fe);
		form_select_code(b, "protection", "Mesure de protection", PROTECTIONS, NPROTECTIONS, p->protection, fe);
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
	form_select_code(b, "housing", "Logement", HOUSING, NHOUSING, h->housing, fe);
	html_lit(b, "</div></fieldset>");
}

static void new_form(web_req *r, const person_in *p, const household_in *h, const form_errors *fe,
                     search_hit *dups, int ndups, bool incomplete)
{
	page_begin(r, "Nouveau foyer");
	buf *b = &r->out;
	form_error_summary(b, fe);
	if (ndups || incomplete) {
		html_lit(b, "<div class=\"notice notice-info\" role=\"alert\" tabindex=\"-1\" id=\"doublons\">");
		if (incomplete)
			html_lit(b, "<p><strong>Beaucoup de personnes portent ce nom : la recherche de doublons n’en a examiné qu’une "
			            "partie.</strong> <a href=\"/personnes\">Cherchez la personne</a> avec son prénom et sa date de naissance "
			            "avant de créer un nouveau dossier.</p>");
		if (ndups)
			html_lit(b, "<p><strong>Cette personne est peut-être déjà connue.</strong> Vérifiez avant de créer un nouveau dossier :</p><ul>");
		for (int i = 0; i < ndups; i++)
			html_printf(b, "<li><a href=\"/foyers/%lld\">%s %s</a>, %s %s, dossier %s, %s</li>",
			            (long long)dups[i].household_id, dups[i].last_name, dups[i].first_names,
			            !strcmp(dups[i].sex, "F") ? "née le" : !strcmp(dups[i].sex, "M") ? "né le" : "né(e) le",
			            *dups[i].birth_date ? page_date(r, dups[i].birth_date) : "non renseigné", dups[i].file_no,
			            *dups[i].address ? dups[i].address : "adresse non renseignée");
		if (ndups)
			html_lit(b, "</ul>");
		html_lit(b, "</div>");
	}
	form_begin(r, "<form method=\"post\" action=\"/foyers\" novalidate>");
	person_fields(r, p, fe, false, false);
	address_fields(r, h, fe);
	if (ndups || incomplete)
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
	new_form(r, &p, &h, NULL, NULL, 0, false);
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
		new_form(r, &p, &h, &fe, NULL, 0, false);
		return;
	}
	if (!web_field(r, "confirm_duplicate")) {
		search_hit *d;
		bool incomplete;
		int nd = persons_duplicates(r->db, r->a, p.last_name, p.first_names, p.birth_date, &d, 10, &incomplete);
		if (nd || incomplete) {
			r->status = 409;
			new_form(r, &p, &h, NULL, d, nd, incomplete);
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

/* ---- members, persons, address ------------------------------------------------ */

static void member_form(web_req *r, const person_in *p, const form_errors *fe)
{
	page_begin(r, "Ajouter un membre au foyer");
	form_error_summary(&r->out, fe);
	form_begin(r, "<form method=\"post\" action=\"/foyers/%lld/membres\" novalidate>", (long long)r->param[0]);
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
	form_begin(r, "<form method=\"post\" action=\"/personnes/%lld\" novalidate>", (long long)r->param[0]);
	html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)version);
	person_fields(r, p, fe, true, false);
	html_printf(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button> <a href=\"/foyers/%lld\">Annuler</a></form>",
	            (long long)hid);
	if (active && p->relation && strcmp(p->relation, "demandeur")) {
		form_begin(r, "<h2>Départ du foyer</h2><form method=\"post\" action=\"/foyers/%lld/membres/%lld/depart\" class=\"compact\" novalidate>",
		            (long long)hid, (long long)r->param[0]);
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

void persons_pages_routes(void)
{
	web_route(M_GET, "/personnes", search_page, PERM_PERSONS_READ, 0, "Rechercher une personne");
	web_route(M_GET, "/foyers/nouveau", new_get, PERM_PERSONS_WRITE, 0, "Formulaire de nouveau foyer");
	web_route(M_POST, "/foyers", new_post, PERM_PERSONS_WRITE, 0, "Créer un foyer");
	web_route(M_GET, "/foyers/{id}/membres/nouveau", member_new, PERM_PERSONS_WRITE, 0, "Formulaire de membre");
	web_route(M_POST, "/foyers/{id}/membres", member_post, PERM_PERSONS_WRITE, 0, "Ajouter un membre");
	web_route(M_GET, "/personnes/{id}/modifier", person_edit, PERM_PERSONS_WRITE, 0, "Modifier une personne");
	web_route(M_POST, "/personnes/{id}", person_post, PERM_PERSONS_WRITE, 0, "Enregistrer une personne");
}

/* Home: the quick search box, first thing on the agent's home page. */
void persons_home_search(web_req *r)
{
	buf *b = &r->out;
	html_lit(b, "<section class=\"wide\" aria-labelledby=\"t-hs\"><h2 id=\"t-hs\">Trouver une personne</h2>"
	            "<form method=\"get\" action=\"/personnes\" role=\"search\" class=\"searchbox\">"
	            "<label for=\"hq\">Nom, prénom, date de naissance, dossier, téléphone</label><div class=\"row\">"
	            "<input id=\"hq\" name=\"q\" type=\"search\" autocomplete=\"off\" hx-get=\"/personnes?fragment=1\" "
	            "hx-trigger=\"input changed delay:150ms, search\" hx-target=\"#hres\">"
	            "<button type=\"submit\" class=\"primary\">Rechercher</button></div></form><div id=\"hres\" aria-live=\"polite\"></div>");
	if (web_can(r, PERM_PERSONS_WRITE))
		html_lit(b, "<p><a href=\"/foyers/nouveau\">Créer un nouveau foyer</a></p>");
	html_lit(b, "</section>");
}

static db_sql Q_EXPIRING = DB_SQL(DB_SCOPED,
	"SELECT d.household_id, d.kind, d.valid_until, h.file_no FROM documents d JOIN households h ON h.id = d.household_id "
	"JOIN referents r ON r.household_id = d.household_id AND r.structure_id = $1 AND r.user_id = $2 "
	"WHERE d.structure_id = $1 AND d.valid_until IS NOT NULL AND d.valid_until <= $3 AND d.valid_until >= $4 "
	"ORDER BY d.valid_until LIMIT 11");
/* The widget shows the ten that expire first, and says how many there are when there are more. */
static db_sql Q_EXPIRING_N = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM documents d JOIN referents r ON r.household_id = d.household_id AND r.structure_id = $1 "
	"AND r.user_id = $2 WHERE d.structure_id = $1 AND d.valid_until IS NOT NULL AND d.valid_until <= $3 AND d.valid_until >= $4");

void persons_home_expiring(web_req *r)
{
	civil_date t = civil_today(r->user->tz);
	char today[11], soon[11];
	civil_format(t, today);
	civil_format(civil_from_days(civil_to_days(t) + 30), soon);
	db_res q = {0};
	DBQ(r->db, &Q_EXPIRING, &q, A_INT(r->user->id), A_TEXT(soon), A_TEXT(today));
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-exp\"><h2 id=\"t-exp\">Pièces qui expirent sous 30 jours</h2><ul>");
	int n = 0;
	while (n < 10 && db_next(&q)) {
		char fr[11];
		civil_iso_to_fr(db_text(&q, 2), fr);
		html_printf(b, "<li><a href=\"/foyers/%lld\">Dossier %s</a> : %s le %s</li>", (long long)db_int(&q, 0), db_text(&q, 3),
		            code_label(DOC_KINDS, NDOC_KINDS, db_text(&q, 1)), fr);
		n++;
	}
	bool more = n == 10 && db_next(&q);
	db_close(&q);
	html_lit(b, "</ul>");
	int64_t total = 0;
	if (more && db_exec_id(r->db, &Q_EXPIRING_N, 3, (db_arg[]){A_INT(r->user->id), A_TEXT(soon), A_TEXT(today)}, &total) == E_OK)
		html_printf(b, "<p>Les 10 premières de %lld pièces.</p>", (long long)total);
	else if (more)
		html_lit(b, "<p>Les 10 premières ; les autres n’ont pas pu être comptées.</p>");
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucune pièce n’expire bientôt dans vos dossiers.</p>");
	html_lit(b, "</section>");
}


int persons_member_select(web_req *r, int64_t household_id, const char *name, const char *label, const char *selected,
                          const form_errors *fe)
{
	person_brief *m = NULL;
	int nm = persons_household_members(r->db, r->a, household_id, &m);
	const char **v = arena_array(r->a, (size_t)(nm > 0 ? nm : 1), sizeof *v), **l = arena_array(r->a, (size_t)(nm > 0 ? nm : 1), sizeof *l);
	for (int i = 0; v && l && i < nm; i++) {
		v[i] = arena_printf(r->a, "%lld", (long long)m[i].id);
		l[i] = arena_printf(r->a, "%s %s", m[i].last_name, m[i].first_names);
	}
	form_select(&r->out, name, label, v, l, v && l && nm > 0 ? nm : 0, selected, fe);
	return nm;
}
