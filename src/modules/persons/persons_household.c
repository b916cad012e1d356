/*
 * persons_household.c — the household page, section by section: alerts,
 * address, members, the other modules' sections (their descriptors),
 * notes, timeline, budget, referents, former addresses, new alert, merge,
 * documents; and the whole timeline's page. Each section loads its typed
 * rows (persons_rows.c), then writes them.
 */
#include "modules/persons/persons_internal.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "web/html.h"
#include "web/layout.h"
#include "modules/accounts/accounts.h"
#include "core/banned.h"

/* ---- what the page's parts hold, asked with the household ------------------------------------------------
 * Most parts of a file find nothing (no domiciliation, no micro-credit, no document…), and each asked in its own
 * statement was 22 a page. The database keeps which parts of a household have rows (household_parts, kept by
 * triggers: persons.h); the statement that reads the household and its members reads them too, as one number —
 * a bit a part, its own parts below, then every module section's (module.h) — and a part without rows is
 * written without its read. A part is counted whenever its read would find a row (it may be counted when the
 * read then filters everything out: the part reads and says so). The statement is built once, from the modules'
 * descriptors (literal names of the code, never input). */
enum { PART_ALERTS, PART_NOTES, PART_REFERENTS, PART_NOTICES, PART_ADDRESSES, PART_DOCUMENTS, NPARTS_OWN };
/* The names persons.c's migration counts them under. */
static const char *const own_parts[NPARTS_OWN] = {"alerts", "notes", "referents", "notices", "addresses", "documents"};
/* The household, its members and the parts' bits, in one statement. */
static db_sql Q_PAGE = DB_SQL(DB_SCOPED, NULL);
static pthread_once_t page_once = PTHREAD_ONCE_INIT;

/* A part's name goes into the statement as a literal: letters and '_' only (persons.h); a part is one section's
 * (its bit is the section's). */
static const char *part_name(int i, const module_section *const *sec)
{
	const char *name = i < NPARTS_OWN ? own_parts[i] : sec[i - NPARTS_OWN]->part;
	for (const char *p = name; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			log_fatal("persons: a household's part named « %s »: letters and '_' only", name);
	for (int j = 0; name && j < i; j++) {
		const char *other = j < NPARTS_OWN ? own_parts[j] : sec[j - NPARTS_OWN]->part;
		if (other && !strcmp(other, name))
			log_fatal("persons: two sections of the household page read the part « %s »", name);
	}
	return name;
}

static void page_build(void)
{
	const module_section *const *sec;
	int nsec = module_sections(&sec);
	if (NPARTS_OWN + nsec > 62)
		log_fatal("persons: %d parts of a household's page, more than its number's bits", NPARTS_OWN + nsec);
	size_t len = 160 + sizeof PERSONS_BUDGET_SUMS;
	for (int i = 0; i < NPARTS_OWN; i++)
		len += strlen(own_parts[i]) + 48;
	for (int i = 0; i < nsec; i++)
		len += (sec[i]->part ? strlen(sec[i]->part) : 0) + 48;
	char *cols = malloc(len);
	if (!cols)
		log_fatal("persons: out of memory building the household page's statement");
	size_t n = (size_t)snprintf(cols, len, ", (SELECT sum(CASE part");
	for (int i = 0; i < NPARTS_OWN + nsec; i++) {
		const char *name = part_name(i, sec);
		if (name)
			n += (size_t)snprintf(cols + n, len - n, " WHEN '%s' THEN %lld", name, 1LL << i);
	}
	snprintf(cols + n, len - n, " ELSE 0 END) FROM household_parts WHERE structure_id = $1 AND household_id = $2)"
	         PERSONS_BUDGET_SUMS);
	Q_PAGE.text = persons_household_read_sql(cols);
	free(cols);
	if (!Q_PAGE.text)
		log_fatal("persons: out of memory building the household page's statement");
}

#define NOTES_SHOWN 50
#define EVENTS_SHOWN 15
#define TIMELINE_PAGE 100

/* A cell of a value, or « non renseigné » (muted) when there is none. */
static void td_said(buf *b, const char *s)
{
	if (s && *s)
		html_printf(b, "<td>%s</td>", s);
	else
		html_lit(b, "<td><span class=\"muted\">non renseigné</span></td>");
}

const char *persons_age_text(web_req *r, const char *birth)
{
	civil_date b;
	if (!birth || !civil_parse(birth, &b))
		return "";
	civil_date t = civil_today(r->user->tz);
	int age = civil_age(b, t);
	if (age >= 1)
		return arena_printf(r->a, "%s (%d an%s)", page_date(r, birth), age, age > 1 ? "s" : "");
	/* A baby: in months (weeks for the first month). */
	int months = (t.y - b.y) * 12 + (t.m - b.m) - (t.d < b.d ? 1 : 0);
	if (months >= 1)
		return arena_printf(r->a, "%s (%d mois)", page_date(r, birth), months);
	int64_t days = civil_to_days(t) - civil_to_days(b);
	return days >= 7 ? arena_printf(r->a, "%s (%lld semaine%s)", page_date(r, birth), (long long)(days / 7), days >= 14 ? "s" : "")
	                 : arena_printf(r->a, "%s (%lld jour%s)", page_date(r, birth), (long long)(days < 0 ? 0 : days), days > 1 ? "s" : "");
}

static void alerts(web_req *r, int64_t hid, bool has)
{
	buf *b = &r->out;
	alert_row *v;
	int n = has ? persons_alert_rows(r->db, r->a, hid, &v) : 0;
	if (n <= 0)
		return;
	html_lit(b, "<div class=\"alerts\" role=\"region\" aria-label=\"Alertes\"><ul>");
	for (int i = 0; i < n; i++) {
		html_printf(b, "<li><strong>%s</strong>", v[i].text);
		if (web_can(r, PERM_PERSONS_WRITE)) {
			form_begin(r, " <form method=\"post\" action=\"/foyers/%lld/alertes/%lld/fin\" class=\"inline\" "
			              "data-confirm=\"Lever cette alerte ?\">", (long long)hid, (long long)v[i].id);
			html_lit(b, "<button type=\"submit\" class=\"link\">Lever l’alerte</button></form>");
		}
		html_lit(b, "</li>");
	}
	html_lit(b, "</ul></div>");
}

static void address_line(web_req *r, const household_row *h)
{
	buf *b = &r->out;
	html_printf(b, "<p class=\"lead\">Dossier <strong>%s</strong> · ", h->file_no);
	if (*h->street || *h->city)
		html_printf(b, "%s%s%s%s%s%s", h->street_no, *h->street_no ? " " : "", h->street,
		            *h->street && (*h->postcode || *h->city) ? ", " : "", h->postcode,
		            *h->postcode ? arena_printf(r->a, " %s", h->city) : h->city);
	else
		html_lit(b, "adresse non renseignée");
	if (*h->neighbourhood)
		html_printf(b, " (quartier %s)", h->neighbourhood);
	html_printf(b, " · %s", code_label(HOUSING, NHOUSING, h->housing));
	if (*h->address_since)
		html_printf(b, " depuis le %s", page_date(r, h->address_since));
	html_lit(b, "</p>");
}

static void members(web_req *r, int64_t hid, const member_row *m, int nm)
{
	buf *b = &r->out;
	bool sit = web_can(r, PERM_PERSONS_SITUATION), write = web_can(r, PERM_PERSONS_WRITE);
	html_lit(b, "<section aria-labelledby=\"t-members\"><h2 id=\"t-members\">Composition du foyer</h2>");
	if (sit)
		html_table(b, "Membres du foyer", 0, "Nom", "Lien", "Naissance", "Téléphone", "Situation", "~Actions");
	else
		html_table(b, "Membres du foyer", 0, "Nom", "Lien", "Naissance", "Téléphone", "~Actions");
	for (int i = 0; i < nm; i++) {
		const member_row *p = &m[i];
		html_printf(b, "<tr%s><td>%s %s", p->active ? "" : " class=\"gone\"", p->last_name, p->first_names);
		if (*p->birth_name && strcmp(p->birth_name, p->last_name))
			html_printf(b, " <small>(naissance : %s)</small>", p->birth_name);
		html_printf(b, "</td><td>%s%s</td>", code_label(RELATIONS, NRELATIONS, p->relation), p->active ? "" : " (parti)");
		td_said(b, persons_age_text(r, p->birth_date));
		html_printf(b, "<td>%s</td>", p->phone); /* a child has none: not a gap */
		if (sit) {
			html_printf(b, "<td>%s", code_label(EMPLOYMENTS, NEMPLOYMENTS, p->employment));
			if (*p->health_cover)
				html_printf(b, " · %s", code_label(HEALTH, NHEALTH, p->health_cover));
			if (*p->protection)
				html_printf(b, " · %s", code_label(PROTECTIONS, NPROTECTIONS, p->protection));
			if (p->disability)
				html_lit(b, " · handicap reconnu");
			if (*p->gir)
				html_printf(b, " · GIR %s", p->gir);
			if (*p->nir)
				html_printf(b, " · NIR %s", persons_nir_masked(r->a, p->nir));
			html_lit(b, "</td>");
		}
		html_lit(b, "<td>");
		if (write)
			html_printf(b, "<a href=\"/personnes/%lld/modifier\">Modifier<span class=\"sr-only\"> %s %s</span></a>", (long long)p->id,
			            p->last_name, p->first_names);
		html_lit(b, "</td></tr>");
	}
	html_table_close(b);
	if (write)
		html_printf(b, "<p><a href=\"/foyers/%lld/membres/nouveau\">Ajouter un membre</a> · "
		               "<a href=\"/foyers/%lld/adresse\">Changer d’adresse</a></p>", (long long)hid, (long long)hid);
	html_lit(b, "</section>");
}

static void notes(web_req *r, int64_t hid, bool has)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-notes\"><h2 id=\"t-notes\">Notes</h2>");
	form_begin(r, "<form method=\"post\" action=\"/foyers/%lld/notes\" class=\"compact\" novalidate>", (long long)hid);
	form_input(b, &(form_field){.name = "body", .label = "Nouvelle note", .type = "textarea", .required = true}, NULL);
	form_select_code(b, "visibility", "Visible par", VISIBILITIES, NVISIBILITIES, "equipe", NULL);
	html_lit(b, "<button type=\"submit\">Ajouter la note</button></form>");
	note_row *v;
	int64_t total = 0;
	bool all = web_arg(r, "notes") && !strcmp(web_arg(r, "notes"), "toutes");
	int n = has ? persons_note_rows(r->db, r->a, hid, r->user->id, all ? 0 : NOTES_SHOWN, &v, &total) : 0;
	if (n > 0) {
		html_lit(b, "<ul class=\"notes\">");
		for (int i = 0; i < n; i++)
			html_printf(b, "<li><p class=\"meta\">%s — %s <span class=\"tag\">%s</span></p><p>%s</p></li>",
			            page_instant(r, v[i].created_at, true), v[i].author, code_label(VISIBILITIES, NVISIBILITIES, v[i].visibility),
			            v[i].body);
		html_lit(b, "</ul>");
		if (total > n)
			html_printf(b, "<p><a href=\"/foyers/%lld?notes=toutes#t-notes\">Voir les %lld notes</a></p>", (long long)hid,
			            (long long)total);
	} else {
		html_lit(b, "<p class=\"muted\">Aucune note visible pour vous.</p>");
	}
	html_lit(b, "</section>");
}

static void timeline(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-tl\"><h2 id=\"t-tl\">Parcours</h2><ol class=\"timeline\">");
	event_row *v;
	int n = persons_event_rows(r->db, r->a, hid, "", EVENTS_SHOWN, 0, &v);
	for (int i = 0; i < n; i++)
		html_printf(b, "<li><span class=\"when\">%s</span> %s <small>— %s</small></li>", page_instant(r, v[i].at, true), v[i].summary,
		            v[i].user ? v[i].user : "système");
	html_printf(b, "</ol><p><a href=\"/foyers/%lld/parcours\">Tout le parcours</a></p></section>", (long long)hid);
}

/* The month's budget from the page's read: the household, its members and the month's sums (the rule from memory). */
static void budget(web_req *r, const household_row *h, const member_row *m, int nm, civil_date today,
                   const budget_sums *s)
{
	int64_t hid = h->id;
	household_budget hb;
	if (persons_budget_read(r->db, r->a, h, m, nm, today, s, &hb) != E_OK)
		return;
	html_printf(&r->out, "<section aria-labelledby=\"t-budget\"><h2 id=\"t-budget\">Budget du mois</h2>"
	                     "<dl class=\"facts\"><dt>Ressources</dt><dd>%s</dd><dt>Charges retenues</dt><dd>%s</dd>"
	                     "<dt>Quotient familial</dt><dd>%s</dd><dt>Reste à vivre</dt><dd>%s par mois, %s par %s et par jour</dd></dl>"
	                     "<details><summary>Détail du calcul</summary><p>%s</p></details>"
	                     "<p><a href=\"/foyers/%lld/budget\">Ressources et charges par mois</a></p></section>",
	            money_format_known(r->a, hb.resources_known, hb.resources), money_format(r->a, hb.charges),
	            money_format_known(r->a, hb.qf_known, hb.qf), money_format_known(r->a, hb.resources_known, hb.rav_month),
	            money_format_known(r->a, hb.rav_known, hb.rav_day_person), hb.rav_unit ? hb.rav_unit : "personne", hb.explain,
	            (long long)hid);
}

static void referents(web_req *r, int64_t hid, bool has)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-ref\"><h2 id=\"t-ref\">Référents</h2>");
	named_row *v;
	int n = has ? persons_referent_rows(r->db, r->a, hid, &v) : 0;
	if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++)
			html_printf(b, "<li>%s</li>", v[i].name);
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucun référent.</p>");
	}
	if (web_can(r, PERM_NOTES)) {
		form_begin(r, "<form method=\"post\" action=\"/foyers/%lld/referents\" class=\"compact\">", (long long)hid);
		accounts_agent_select(r, "user", "Référent", "— choisir —", arena_printf(r->a, "%lld", (long long)r->user->id), 0, NULL);
		html_lit(b, "<button type=\"submit\" name=\"action\" value=\"add\">Ajouter</button> "
		            "<button type=\"submit\" name=\"action\" value=\"remove\">Retirer</button></form>");
	}
	html_lit(b, "</section>");
}

static void former_addresses(web_req *r, int64_t hid, bool has)
{
	buf *b = &r->out;
	address_row *v;
	int n = has ? persons_address_rows(r->db, r->a, hid, &v) : 0;
	if (n <= 0)
		return;
	html_lit(b, "<h2>Adresses précédentes</h2><ul>");
	for (int i = 0; i < n; i++)
		html_printf(b, "<li>%s %s, %s %s — %s, jusqu’au %s</li>", v[i].street_no, v[i].street, v[i].postcode, v[i].city,
		            code_label(HOUSING, NHOUSING, v[i].housing), page_date(r, v[i].to_date));
	html_lit(b, "</ul>");
}

static void side_forms(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	if (web_can(r, PERM_PERSONS_WRITE)) {
		form_begin(r, "<h2>Nouvelle alerte</h2><form method=\"post\" action=\"/foyers/%lld/alertes\" class=\"compact\" novalidate>",
		           (long long)hid);
		form_input(b, &(form_field){.name = "text", .label = "Alerte", .required = true,
		                            .hint = "Par exemple : interprète nécessaire, ne pas remettre d’espèces."}, NULL);
		html_lit(b, "<button type=\"submit\">Ajouter l’alerte</button></form>");
	}
	if (web_can(r, PERM_PERSONS_MERGE)) {
		form_begin(r, "<h2>Fusionner un doublon</h2><form method=\"post\" action=\"/foyers/%lld/fusion\" class=\"compact\" novalidate>",
		           (long long)hid);
		form_input(b, &(form_field){.name = "file_no", .label = "N° du dossier à fusionner dans celui-ci", .required = true}, NULL);
		html_lit(b, "<button type=\"submit\">Fusionner…</button></form>");
	}
}

static void documents(web_req *r, int64_t hid, bool has)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-docs\"><h2 id=\"t-docs\">Documents</h2>");
	document_row *v;
	int n = has ? persons_document_rows(r->db, r->a, hid, &v) : 0;
	civil_date today = civil_today(r->user->tz), u;
	if (n > 0) {
		html_table(b, "Documents du foyer", 0, "Document", "Fichier", "Valable jusqu’au", "Déposé le");
		for (int i = 0; i < n; i++) {
			const char *warn = "";
			if (civil_parse(v[i].valid_until, &u)) {
				int64_t left = civil_to_days(u) - civil_to_days(today);
				warn = left < 0 ? " — expiré" : left <= 30 ? " — expire bientôt" : "";
			}
			html_printf(b, "<tr><td>%s</td><td><a href=\"/documents/%lld\">%s</a> <small>(%lld Ko)</small></td>"
			               "<td>%s<strong class=\"warn\">%s</strong></td><td>%s</td></tr>",
			            code_label(DOC_KINDS, NDOC_KINDS, v[i].kind), (long long)v[i].id, v[i].filename, (long long)((v[i].size + 1023) / 1024),
			            *v[i].valid_until ? page_date(r, v[i].valid_until) : "—", warn, page_instant(r, v[i].created_at, false));
		}
		html_table_close(b);
	} else {
		html_lit(b, "<p class=\"muted\">Aucun document.</p>");
	}
	form_begin(r, "<form method=\"post\" action=\"/foyers/%lld/documents\" enctype=\"multipart/form-data\" class=\"compact\" novalidate>",
	           (long long)hid);
	html_lit(b, "<div class=\"grid\">");
	form_select_code(b, "kind", "Type de document", DOC_KINDS, NDOC_KINDS, "identite", NULL);
	form_input(b, &(form_field){.name = "valid_until", .label = "Valable jusqu’au", .type = "date"}, NULL);
	html_lit(b, "<div class=\"field\"><label for=\"f-file\">Fichier (PDF, image, bureautique ; 10 Mo au plus)</label>"
	            "<input id=\"f-file\" name=\"file\" type=\"file\" required></div></div>"
	            "<button type=\"submit\">Déposer le document</button></form></section>");
}

static void household_page(web_req *r)
{
	int64_t hid = r->param[0];
	household_row h;
	member_row *m;
	int nm = 0;
	const module_section *const *sec;
	int nsec = module_sections(&sec);
	pthread_once(&page_once, page_build);
	/* The read's numbers: the parts' bits, then the month's budget sums (PERSONS_BUDGET_SUMS). */
	civil_date today = civil_today(r->user->tz);
	char month[8];
	persons_budget_month(today, month);
	int64_t parts = 0;
	const char *sums_text = NULL;
	budget_sums sums;
	err e = persons_household_read(r->db, r->a, &Q_PAGE, hid, month, &h, &m, &nm, &parts, &sums_text);
	if (e == E_OK && !persons_budget_sums_parse(sums_text, &sums))
		e = E_DB;
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	/* Whether each part has rows: a section without a part always reads. */
	bool *has = arena_array(r->a, (size_t)(NPARTS_OWN + nsec), sizeof *has);
	if (!has) {
		web_error(r, E_NOMEM, NULL);
		return;
	}
	for (int i = 0; i < NPARTS_OWN + nsec; i++)
		has[i] = (parts >> i & 1) || (i >= NPARTS_OWN && !sec[i - NPARTS_OWN]->part);
	if (h.merged_into) {
		web_redirect(r, arena_printf(r->a, "/foyers/%lld?fusionne=1", (long long)h.merged_into));
		return;
	}
	if (h.archived == 1 && !web_can(r, PERM_PERSONS_MERGE)) {
		web_error(r, E_FORBIDDEN, "Ce dossier est en archive intermédiaire (aucun contact depuis la durée de conservation) : "
		                          "seul un responsable peut l’ouvrir, par exemple si la personne revient.");
		return;
	}
	/* The read entry, queued for the journal's writer; the « recently
	 * seen » mark follows it there (persons_module.c): no write here. */
	journal_record(r->db, r->user->id, "read", "household", hid, NULL);
	for (int i = 0; i < nsec; i++)
		if (sec[i]->skip_href && web_can(r, sec[i]->perm ? *sec[i]->perm : WEB_LOGGED_IN))
			page_skip(r, sec[i]->skip_href, sec[i]->skip_label);
	page_begin(r, nm > 0 ? arena_printf(r->a, "Foyer %s %s", m[0].last_name, m[0].first_names) : "Foyer");
	const char *ok = web_arg(r, "ok");
	if (ok)
		page_notice(r, "ok", !strcmp(ok, "cree") ? "Le foyer a été créé." : "C’est enregistré.");
	if (web_arg(r, "fusionne"))
		page_notice(r, "info", "Le dossier demandé a été fusionné dans celui-ci.");
	if (h.archived)
		page_notice(r, "info", h.archived == 2 ? "Dossier anonymisé : seules restent les données utiles aux statistiques."
		                                       : "Dossier en archive intermédiaire : consultation réservée aux responsables.");
	alerts(r, hid, has[PART_ALERTS]); /* first: what the agent must not miss */
	address_line(r, &h);
	html_lit(&r->out, "<div class=\"file\"><div class=\"col-main\">");
	members(r, hid, m, nm > 0 ? nm : 0);
	for (int i = 0; i < nsec; i++)
		if (web_can(r, sec[i]->perm ? *sec[i]->perm : WEB_LOGGED_IN))
			module_section_write(r, sec[i], hid, has[NPARTS_OWN + i]);
	if (web_can(r, PERM_NOTES))
		notes(r, hid, has[PART_NOTES]);
	timeline(r, hid);
	html_lit(&r->out, "</div><div class=\"col-side\">");
	if (web_can(r, PERM_PERSONS_SITUATION))
		budget(r, &h, m, nm > 0 ? nm : 0, today, &sums);
	referents(r, hid, has[PART_REFERENTS]);
	if (has[PART_NOTICES])
		persons_notices_section(r, hid);
	former_addresses(r, hid, has[PART_ADDRESSES]);
	side_forms(r, hid);
	html_lit(&r->out, "</div></div>");
	if (web_can(r, PERM_DOCUMENTS))
		documents(r, hid, has[PART_DOCUMENTS]);
	page_end(r);
}

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
	const code *const *kinds;
	int nk = module_timeline_kinds(&kinds);
	code *choices = arena_array(r->a, (size_t)nk + 1, sizeof *choices);
	if (!choices) {
		web_error(r, E_NOMEM, NULL);
		return;
	}
	choices[0] = (code){"", "Tout"};
	for (int i = 0; i < nk; i++)
		choices[i + 1] = *kinds[i];
	html_printf(b, "<form method=\"get\" action=\"/foyers/%lld/parcours\" class=\"filters\">", (long long)hid);
	form_select_code(b, "type", "Type d’événement", choices, nk + 1, kind, NULL);
	html_printf(b, "<button type=\"submit\">Filtrer</button> <a href=\"/foyers/%lld\">Retour au foyer</a></form>", (long long)hid);
	html_table(b, "Événements, les plus récents d’abord", 0, "Date", "Événement", "Par");
	event_row *v;
	int n = persons_event_rows(r->db, r->a, hid, kind, TIMELINE_PAGE + 1, (page - 1) * TIMELINE_PAGE, &v);
	bool more = n > TIMELINE_PAGE;
	for (int i = 0; i < n && i < TIMELINE_PAGE; i++)
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", page_instant(r, v[i].at, true), v[i].summary,
		            v[i].user ? v[i].user : "système");
	html_table_close(b);
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

void persons_household_routes(void)
{
	pthread_once(&page_once, page_build); /* at start: a part's name is checked before any page is asked */
	web_route(M_GET, "/foyers/{id}", household_page, PERM_PERSONS_READ, 0, "Fiche du foyer");
	web_route(M_GET, "/foyers/{id}/parcours", timeline_page, PERM_PERSONS_READ, 0, "Parcours du foyer");
}
