/*
 * housing_pages.c — the pages of social housing requests: the lists (with
 * their CSV), a request with its proposals and steps, the new-request
 * form, the structure's setting, the household section and the widget.
 */
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/housing/housing_internal.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "modules/reception/reception.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define PAGE 50

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static const char *typed(web_req *r, const char *name, const char *dflt)
{
	const char *v = kv_get(&r->form, name);
	return v ? v : dflt;
}

static const char *who(web_req *r, const housing_request *h) { return PERSONS_WHO(r->db, r->a, h, housing_request); }

/* « a, b » codes → their French, joined; « aucun » when none. */
static const char *labels_of(web_req *r, const char *codes, const code *list, int n, const char *none)
{
	buf b;
	buf_init(&b, r->a, 64);
	for (const char *p = codes; p && *p;) {
		size_t len = strcspn(p, ",");
		const char *c = arena_strndup(r->a, p, len);
		p += len + (p[len] == ',');
		if (c && *c)
			buf_printf(&b, "%s%s", b.len ? " ; " : "", code_label(list, n, c));
	}
	return b.len ? buf_cstr(&b) : none;
}

/* The state as people read it: a lapsed request says so. */
static const char *state(web_req *r, const housing_request *h, bool *late)
{
	housing_ctx x = HOUSING_CTX(r);
	*late = housing_lapsed(&x, h);
	if (*late)
		return arena_printf(r->a, "Non renouvelée (expirée le %s)", civil_fr(r->a, h->expires_on));
	return CODE_LABEL(HOUSING_STATES, h->status);
}

/* Months and years since the first filing: « 2 ans et 3 mois ». */
static const char *seniority(web_req *r, const housing_request *h)
{
	civil_date f, t = civil_today(r->user->tz);
	if (!civil_parse(h->filed_on, &f))
		return "non renseignée";
	int m = (t.y - f.y) * 12 + (t.m - f.m) - (t.d < f.d);
	if (m < 1)
		return "moins d’un mois";
	if (m < 12)
		return arena_printf(r->a, "%d mois", m);
	return arena_printf(r->a, "%d an%s%s", m / 12, m >= 24 ? "s" : "", m % 12 ? arena_printf(r->a, " et %d mois", m % 12) : "");
}

/* ---- the lists ------------------------------------------------------------------------------- */

static void list_page(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "renouvellements", *ps = web_arg(r, "page");
	int64_t page = 1;
	if (!CODE_OK(HOUSING_LISTS, list) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "Liste ou page inconnues.");
		return;
	}
	housing_ctx x = HOUSING_CTX(r);
	housing_request *v;
	int64_t total = 0;
	int n = housing_list(&x, list, PAGE, (int)((page - 1) * PAGE), &v, &total);
	page_begin(r, "Logement social — demandes");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes de travail\"><ul>");
	for (int i = 0; i < COUNTOF(HOUSING_LISTS); i++)
		html_printf(b, "<li><a href=\"/logement?liste=%s\"%s>%s</a></li>", HOUSING_LISTS[i].v,
		            is(list, HOUSING_LISTS[i].v) ? " aria-current=page" : "", HOUSING_LISTS[i].fr);
	html_lit(b, "</ul></nav>");
	int months = housing_abnormal_months(r->db);
	if (months)
		html_printf(b, "<p class=\"muted\">Une demande s’enregistre au système national avec un numéro unique et se renouvelle chaque "
		               "année, sinon elle est radiée. Délai anormalement long du département : %d mois.", months);
	else
		html_lit(b, "<p class=\"muted\">Une demande s’enregistre au système national avec un numéro unique et se renouvelle chaque "
		            "année, sinon elle est radiée. Délai anormalement long du département : non renseigné.");
	if (web_can(r, PERM_HOUSING_SETTINGS))
		html_lit(b, " <a href=\"/logement/reglage\">Régler</a>");
	html_lit(b, "</p>");
	if (is(list, "attente_longue") && !months) {
		html_lit(b, "<p class=\"warn\">Le délai anormalement long n’est pas renseigné : cette liste ne peut pas être établie. Il est "
		            "fixé par arrêté du préfet pour le département.</p>");
		page_end(r);
		return;
	}
	if (n < 0) {
		page_notice(r, "error", "La liste n’a pas pu être lue.");
		page_end(r);
		return;
	}
	html_printf(b, "<p>%lld demande%s · <a href=\"/logement/export.csv?liste=%s\">Exporter la liste (CSV)</a></p>", (long long)total,
	            total > 1 ? "s" : "", list);
	if (n > 0) {
		html_table(b, arena_printf(r->a, "Demandes : %s", CODE_LABEL(HOUSING_LISTS, list)), 0, "Demandeur", "Numéro unique",
		           "Première demande", "Ancienneté", "À renouveler avant", "Taille", "État");
		const char **names = PERSONS_WHOS(r->db, r->a, v, n, housing_request); /* a few statements, not two a row */
		for (int i = 0; i < n; i++) {
			bool late = false;
			const char *st = state(r, &v[i], &late);
			html_printf(b, "<tr><td><a href=\"/logement/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>%s</td>"
			               "<td class=\"%s\">%s</td></tr>",
			            (long long)v[i].id, names ? names[i] : "?", v[i].number, civil_fr(r->a, v[i].filed_on), seniority(r, &v[i]),
			            late ? "warn" : "", is(v[i].status, "active") ? civil_fr(r->a, v[i].expires_on) : "—",
			            *v[i].size ? CODE_LABEL(HOUSING_SIZES, v[i].size) : "non renseignée", late ? "warn" : "", st);
		}
		html_table_close(b);
	}
	if (!n)
		html_lit(b, "<p>Aucune demande dans cette liste.</p>");
	page_pager(r, arena_printf(r->a, "/logement?liste=%s&", list), page, total, PAGE);
	page_end(r);
}

static void export_csv(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "renouvellements";
	if (!CODE_OK(HOUSING_LISTS, list)) {
		web_error(r, E_INPUT, "Liste inconnue.");
		return;
	}
	static const char *const head[] = {"Dossier du foyer", "Numéro unique", "Première demande", "Dernier renouvellement",
	                                   "À renouveler avant", "État", "Taille", "Personnes à loger", "Communes souhaitées",
	                                   "Critères de priorité", "Contingent", "Fin", "Logement attribué"};
	buf *b = &r->out;
	buf_adds(b, "\xEF\xBB\xBF");
	for (int k = 0; k < COUNTOF(head); k++)
		csv_write_cell(b, head[k], k == COUNTOF(head) - 1);
	housing_ctx x = HOUSING_CTX(r);
	int64_t total = 0, rows = 0;
	for (int off = 0;; off += 500) {
		housing_request *v;
		int n = housing_list(&x, list, 500, off, &v, &total);
		for (int i = 0; i < n; i++) {
			const char *no = persons_file_no(r->db, r->a, v[i].household_id);
			bool late = false;
			const char *c[] = {no ? no : "", v[i].number, v[i].filed_on, v[i].renewed_on, v[i].expires_on, state(r, &v[i], &late),
			                   v[i].size, v[i].persons ? arena_printf(r->a, "%lld", (long long)v[i].persons) : "",
			                   v[i].communes, labels_of(r, v[i].priorities, HOUSING_PRIORITIES, COUNTOF(HOUSING_PRIORITIES), ""),
			                   *v[i].contingent ? CODE_LABEL(HOUSING_CONTINGENTS, v[i].contingent) : "", v[i].ended_on,
			                   v[i].allocated_address};
			for (int k = 0; k < COUNTOF(c); k++)
				csv_write_cell(b, c[k], k == COUNTOF(c) - 1);
		}
		rows += n > 0 ? n : 0;
		if (n < 500)
			break;
	}
	r->out_type = "text/csv; charset=utf-8";
	web_header(r, "Content-Disposition: attachment; filename=\"logement-social.csv\"");
	journal_record(r->db, r->user->id, "export", "housing_request", 0, arena_printf(r->a, "rows=%lld csv", (long long)rows));
}

/* ---- the fields of a request (new and changes) ------------------------------------------------- */

static void checks(web_req *r, const char *name, const code *list, int n, const char *current, const char *legend)
{
	buf *b = &r->out;
	const char *sc = form_scope_get();
	html_printf(b, "<fieldset><legend>%s</legend>", legend);
	for (int i = 0; i < n; i++) {
		bool on = false;
		if (r->form.n && kv_get(&r->form, "version") != NULL) {
			for (int k = 0; k < r->form.n; k++)
				on = on || (is(r->form.items[k].name, name) && is(r->form.items[k].value, list[i].v));
		} else {
			for (const char *p = current ? current : ""; *p && !on;) {
				size_t len = strcspn(p, ",");
				on = len == strlen(list[i].v) && !strncmp(p, list[i].v, len);
				p += len + (p[len] == ',');
			}
		}
		html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"%s-%s-%s\" name=\"%s\" value=\"%s\"%s><label for=\"%s-%s-%s\">%s</label></div>",
		            sc ? sc : "f", name, list[i].v, name, list[i].v, on ? " checked" : "", sc ? sc : "f", name, list[i].v, list[i].fr);
	}
	html_lit(b, "</fieldset>");
}

static void wish_fields(web_req *r, const housing_request *h, const form_errors *fe)
{
	buf *b = &r->out;
	html_lit(b, "<div class=\"grid\">");
	FORM_SELECT_CODE(b, "size", "Taille souhaitée", HOUSING_SIZES, typed(r, "size", h ? h->size : ""), fe);
	form_input(b, &(form_field){.name = "persons", .label = "Personnes à loger", .type = "number",
	                            .value = typed(r, "persons", h && h->persons ? arena_printf(r->a, "%lld", (long long)h->persons) : NULL)}, fe);
	FORM_SELECT_CODE(b, "contingent", "Contingent de réservation", HOUSING_CONTINGENTS, typed(r, "contingent", h ? h->contingent : ""), fe);
	html_lit(b, "</div>");
	form_input(b, &(form_field){.name = "communes", .label = "Communes ou secteurs souhaités", .value = typed(r, "communes", h ? h->communes : NULL),
	                            .hint = "Dans l’ordre de préférence, séparés par des virgules."}, fe);
	checks(r, "priority", HOUSING_PRIORITIES, COUNTOF(HOUSING_PRIORITIES), h ? h->priorities : "", "Critères de priorité (CCH L441-1)");
	checks(r, "help", HOUSING_HELP, COUNTOF(HOUSING_HELP), h ? h->help : "aide_depot,suivi", "Ce que fait le CCAS");
	form_input(b, &(form_field){.name = "notes", .label = "Observations", .type = "textarea", .value = typed(r, "notes", h ? h->notes : NULL)}, fe);
}

static void new_form(web_req *r, const form_errors *fe)
{
	const char *hs = web_field(r, "household") ? web_field(r, "household") : web_arg(r, "foyer");
	int64_t hid = 0;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(r->db, hid)) {
		web_error(r, E_NOT_FOUND, "Ouvrez l’enregistrement d’une demande depuis la fiche du foyer.");
		return;
	}
	page_begin(r, "Enregistrer une demande de logement social");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<p>Foyer <a href=\"/foyers/%lld\">%s</a>. Reportez le numéro unique de l’attestation d’enregistrement.</p>",
	            (long long)hid, persons_file_no(r->db, r->a, hid));
	form_begin(r, "<form method=\"post\" action=\"/logement\" novalidate><input type=\"hidden\" name=\"household\" value=\"%lld\">"
	              "<input type=\"hidden\" name=\"version\" value=\"0\"><div class=\"grid\">", (long long)hid);
	persons_member_select(r, hid, "person", "Demandeur", web_field(r, "person"), fe);
	form_input(b, &(form_field){.name = "number", .label = "Numéro unique", .required = true, .value = web_field(r, "number"),
	                            .hint = "Par exemple 974 0324 12345 67890 A (espaces libres)."}, fe);
	form_input(b, &(form_field){.name = "filed_on", .label = "Première demande le", .type = "date", .required = true,
	                            .value = web_field(r, "filed_on") ? web_field(r, "filed_on") : civil_iso(r->a, civil_today(r->user->tz)),
	                            .hint = "Elle fait l’ancienneté de la demande."}, fe);
	form_input(b, &(form_field){.name = "renewed_on", .label = "Dernier renouvellement le", .type = "date",
	                            .value = web_field(r, "renewed_on"), .hint = "Vide si la demande n’a pas encore été renouvelée."}, fe);
	html_lit(b, "</div>");
	wish_fields(r, NULL, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer la demande</button></form>");
	page_end(r);
}

static void new_get(web_req *r) { new_form(r, NULL); }

static void create_post(web_req *r)
{
	form_errors fe = {0};
	int64_t id = 0;
	housing_ctx x = HOUSING_CTX(r);
	err e = housing_create(&x, &r->form, &fe, &id);
	page_after_post(r, e, &fe, new_form, arena_printf(r->a, "/logement/%lld?ok=1", (long long)id));
}

/* ---- a request ---------------------------------------------------------------------------------- */

static void step_open(web_req *r, const housing_request *h, const char *action, const char *title)
{
	form_step_open(r, arena_printf(r->a, "/logement/%lld/action", (long long)h->id), action, h->version, title);
}

static void step_close(web_req *r, const char *button, bool confirm) { form_step_close(r, button, confirm); }

static void request_render(web_req *r, housing_request *h, const form_errors *fe, const char *notice, const char *kind)
{
	page_begin(r, arena_printf(r->a, "Demande de logement social — %s", who(r, h)));
	buf *b = &r->out;
	if (notice)
		page_notice(r, kind ? kind : "ok", notice);
	const char *act = typed(r, "action", "");
	form_scope(fe && fe->n ? act : NULL);
	form_error_summary(b, fe);
	form_scope(NULL);
	bool late = false;
	const char *st = state(r, h, &late);
	html_printf(b, "<dl class=\"facts\"><dt>Foyer</dt><dd><a href=\"/foyers/%lld\">%s</a></dd><dt>Numéro unique</dt><dd>%s</dd>"
	               "<dt>État</dt><dd class=\"%s\"><strong>%s</strong></dd><dt>Première demande</dt><dd>%s (ancienneté : %s)</dd>"
	               "<dt>Dernier renouvellement</dt><dd>%s</dd>",
	            (long long)h->household_id, who(r, h), h->number, late ? "warn" : "", st, civil_fr(r->a, h->filed_on), seniority(r, h),
	            civil_fr(r->a, h->renewed_on));
	if (is(h->status, "active"))
		html_printf(b, "<dt>À renouveler avant le</dt><dd class=\"%s\">%s</dd>", late ? "warn" : "", civil_fr(r->a, h->expires_on));
	html_printf(b, "<dt>Taille souhaitée</dt><dd>%s</dd><dt>Personnes à loger</dt><dd>%s</dd><dt>Communes ou secteurs</dt><dd>%s</dd>"
	               "<dt>Critères de priorité</dt><dd>%s</dd><dt>Contingent</dt><dd>%s</dd><dt>Ce que fait le CCAS</dt><dd>%s</dd>",
	            *h->size ? CODE_LABEL(HOUSING_SIZES, h->size) : "non renseignée",
	            h->persons ? arena_printf(r->a, "%lld", (long long)h->persons) : "non renseigné", *h->communes ? h->communes : "non renseignées",
	            labels_of(r, h->priorities, HOUSING_PRIORITIES, COUNTOF(HOUSING_PRIORITIES), "aucun"),
	            *h->contingent ? CODE_LABEL(HOUSING_CONTINGENTS, h->contingent) : "non renseigné",
	            labels_of(r, h->help, HOUSING_HELP, COUNTOF(HOUSING_HELP), "rien de noté"));
	if (*h->notes)
		html_printf(b, "<dt>Observations</dt><dd>%s</dd>", h->notes);
	if (is(h->status, "attribuee"))
		html_printf(b, "<dt>Logement attribué</dt><dd>%s (%s), le %s</dd>", h->allocated_address, h->allocated_landlord,
		            civil_fr(r->a, h->ended_on));
	if (is(h->status, "radiee"))
		html_printf(b, "<dt>Radiée</dt><dd>le %s : %s</dd>", civil_fr(r->a, h->ended_on), CODE_LABEL(HOUSING_END_REASONS, h->end_reason));
	html_lit(b, "</dl>");
	housing_proposal *p;
	int np = housing_proposals(r->db, r->a, h->id, &p);
	html_lit(b, "<section aria-labelledby=\"t-prop\"><h2 id=\"t-prop\">Propositions de logement</h2>");
	if (np > 0) {
		html_table(b, "Propositions de logement", 0, "Reçue le", "Bailleur", "Adresse", "Taille", "#Loyer mensuel", "Commission", "Issue");
		for (int i = 0; i < np; i++)
			html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%s</td><td>%s</td><td>%s%s%s</td></tr>",
			            civil_fr(r->a, p[i].received_on), p[i].landlord, p[i].address,
			            *p[i].size ? CODE_LABEL(HOUSING_SIZES, p[i].size) : "non renseignée",
			            money_format_known(r->a, p[i].rent >= 0, p[i].rent), *p[i].commission_on ? civil_fr(r->a, p[i].commission_on) : "non renseignée",
			            CODE_LABEL(HOUSING_OUTCOMES, p[i].outcome), *p[i].refusal_reason ? " : " : "", p[i].refusal_reason);
		html_table_close(b);
	} else {
		html_lit(b, "<p class=\"muted\">Aucune proposition reçue.</p>");
	}
	html_lit(b, "</section>");
	if (!web_can(r, PERM_HOUSING_WRITE) || !is(h->status, "active")) {
		page_end(r);
		return;
	}
	html_lit(b, "<section aria-labelledby=\"t-steps\"><h2 id=\"t-steps\">Suite à donner</h2>");
	step_open(r, h, "renouveler", "Renouvellement annuel");
	form_input(b, &(form_field){.name = "renewed_on", .label = "Renouvelée le", .type = "date",
	                            .value = is(act, "renouveler") ? typed(r, "renewed_on", NULL) : civil_iso(r->a, civil_today(r->user->tz))},
	           is(act, "renouveler") ? fe : NULL);
	step_close(r, "Enregistrer le renouvellement", false);
	for (int i = 0; i < np; i++) {
		if (!is(p[i].outcome, "attente"))
			continue;
		const char *sc = arena_printf(r->a, "issue%lld", (long long)p[i].id);
		const form_errors *mine = is(act, "issue") && is(typed(r, "proposal", ""), arena_printf(r->a, "%lld", (long long)p[i].id)) ? fe : NULL;
		form_scope(sc);
		form_begin(r, "<form method=\"post\" action=\"/logement/%lld/action\" class=\"compact\" novalidate><fieldset>"
		              "<legend>Issue de la proposition : %s, %s</legend><input type=\"hidden\" name=\"action\" value=\"issue\">"
		              "<input type=\"hidden\" name=\"proposal\" value=\"%lld\"><input type=\"hidden\" name=\"version\" value=\"%lld\"><div class=\"grid\">",
		           (long long)h->id, p[i].landlord, p[i].address, (long long)p[i].id, (long long)h->version);
		FORM_SELECT_CODE(b, "outcome", "Issue", HOUSING_OUTCOMES, mine ? typed(r, "outcome", "") : "attente", mine);
		form_input(b, &(form_field){.name = "on", .label = "Le", .type = "date",
		                            .value = mine ? typed(r, "on", NULL) : civil_iso(r->a, civil_today(r->user->tz))}, mine);
		html_lit(b, "</div>");
		form_input(b, &(form_field){.name = "refusal_reason", .label = "Motif du refus (si le foyer refuse)",
		                            .value = mine ? typed(r, "refusal_reason", NULL) : NULL}, mine);
		html_lit(b, "<button type=\"submit\">Enregistrer l’issue</button></fieldset></form>");
		form_scope(NULL);
	}
	const form_errors *pf = is(act, "proposition") ? fe : NULL;
	step_open(r, h, "proposition", "Une proposition de logement");
	html_lit(b, "<div class=\"grid\">");
	const char **lords = NULL;
	int nl = reception_partner_names(r->db, r->a, "bailleur", &lords); /* the directory's landlords, any other typed */
	form_input(b, &(form_field){.name = "landlord", .label = "Bailleur", .required = true, .value = pf ? typed(r, "landlord", NULL) : NULL,
	                            .suggest = lords, .nsuggest = nl > 0 ? nl : 0}, pf);
	FORM_SELECT_CODE(b, "size", "Taille", HOUSING_SIZES, pf ? typed(r, "size", "") : h->size, pf);
	form_input(b, &(form_field){.name = "rent", .label = "Loyer mensuel charges comprises (€)", .value = pf ? typed(r, "rent", NULL) : NULL}, pf);
	form_input(b, &(form_field){.name = "commission_on", .label = "Commission d’attribution le", .type = "date",
	                            .value = pf ? typed(r, "commission_on", NULL) : NULL}, pf);
	form_input(b, &(form_field){.name = "received_on", .label = "Reçue le", .type = "date",
	                            .value = pf ? typed(r, "received_on", NULL) : civil_iso(r->a, civil_today(r->user->tz))}, pf);
	html_lit(b, "</div>");
	form_input(b, &(form_field){.name = "address", .label = "Adresse du logement", .required = true,
	                            .value = pf ? typed(r, "address", NULL) : NULL}, pf);
	step_close(r, "Enregistrer la proposition", false);
	const form_errors *mf = is(act, "modifier") ? fe : NULL;
	html_printf(b, "<details%s><summary>Modifier les souhaits, les critères, le rôle du CCAS</summary>", mf ? " open" : "");
	step_open(r, h, "modifier", "Souhaits et critères");
	wish_fields(r, h, mf);
	step_close(r, "Enregistrer les changements", false);
	html_lit(b, "</details>");
	const form_errors *rf = is(act, "radier") ? fe : NULL;
	housing_ctx x = HOUSING_CTX(r);
	step_open(r, h, "radier", "Radier la demande");
	html_lit(b, "<div class=\"grid\">");
	FORM_SELECT_CODE(b, "end_reason", "Motif", HOUSING_END_REASONS, rf ? typed(r, "end_reason", "") : (housing_lapsed(&x, h) ? "non_renouvellement" : ""), rf);
	form_input(b, &(form_field){.name = "ended_on", .label = "Radiée le", .type = "date",
	                            .value = rf ? typed(r, "ended_on", NULL) : civil_iso(r->a, civil_today(r->user->tz))}, rf);
	html_lit(b, "</div>");
	step_close(r, "Radier la demande", true);
	html_lit(b, "</section>");
	page_end(r);
}

static void request_page(web_req *r)
{
	housing_request h;
	if (!housing_load(r->db, r->a, r->param[0], &h)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "housing_request", h.id, NULL);
	request_render(r, &h, NULL, web_arg(r, "ok") ? "C’est enregistré." : NULL, NULL);
}

static void action_post(web_req *r)
{
	housing_request h;
	if (!housing_load(r->db, r->a, r->param[0], &h)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&r->form, "action");
	housing_ctx x = HOUSING_CTX(r);
	err e = housing_act(&x, &h, action ? action : "", &r->form, &fe, &why);
	if (e == E_INPUT) {
		r->status = 400;
		request_render(r, &h, &fe, NULL, NULL);
		return;
	}
	if (e == E_CONFLICT) {
		r->status = 409;
		housing_load(r->db, r->a, h.id, &h);
		request_render(r, &h, NULL, why, "error");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/logement/%lld?ok=1", (long long)h.id));
}

/* ---- the setting ----------------------------------------------------------------------------------- */

static void settings_render(web_req *r, const form_errors *fe)
{
	page_begin(r, "Logement social — réglage");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	form_error_summary(b, fe);
	int m = housing_abnormal_months(r->db);
	html_lit(b, "<p>Le délai anormalement long est fixé par arrêté du préfet pour le département (CCH L441-1-4) : au-delà, un "
	            "demandeur peut saisir la commission de médiation DALO. La liste « Délai anormalement long dépassé » l’utilise.</p>");
	form_begin(r, "<form method=\"post\" action=\"/logement/reglage\" class=\"compact\" novalidate>");
	form_input(b, &(form_field){.name = "abnormal_months", .label = "Délai anormalement long (mois)", .type = "number",
	                            .value = typed(r, "abnormal_months", m ? arena_printf(r->a, "%d", m) : NULL),
	                            .hint = "Vide s’il n’est pas connu."}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button></form>");
	page_end(r);
}

static void settings_page(web_req *r) { settings_render(r, NULL); }

static void settings_post(web_req *r)
{
	form_errors fe = {0};
	err e = housing_settings_save(r->db, r->user->id, &r->form, &fe);
	if (e == E_INPUT) {
		r->status = 400;
		settings_render(r, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/logement/reglage?ok=1");
}

/* ---- what other pages show ------------------------------------------------------------------------ */

void housing_section(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	housing_request *v;
	int n = module_section_has_rows(r) ? housing_of_household(r->db, r->a, hid, &v) : 0;
	html_lit(b, "<section aria-labelledby=\"t-housing\"><h2 id=\"t-housing\">Logement social</h2>");
	if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++) {
			bool late = false;
			const char *st = state(r, &v[i], &late);
			html_printf(b, "<li><a href=\"/logement/%lld\">Demande n° %s</a> — depuis le %s — <span class=\"%s\">%s</span>%s%s</li>",
			            (long long)v[i].id, v[i].number, civil_fr(r->a, v[i].filed_on), late ? "warn" : "", st,
			            is(v[i].status, "active") && !late ? ", à renouveler avant le " : "",
			            is(v[i].status, "active") && !late ? civil_fr(r->a, v[i].expires_on) : "");
		}
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucune demande de logement social.</p>");
	}
	if (web_can(r, PERM_HOUSING_WRITE))
		html_printf(b, "<p><a href=\"/logement/nouveau?foyer=%lld\">Enregistrer une demande de logement social</a></p>", (long long)hid);
	html_lit(b, "</section>");
}

void housing_widget(web_req *r)
{
	housing_ctx x = HOUSING_CTX(r);
	housing_counts c;
	if (housing_counts_of(&x, &c) != E_OK)
		return;
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-hh\"><h2 id=\"t-hh\">Logement social</h2><ul>");
	if (c.lapsed)
		html_printf(b, "<li><a class=\"warn\" href=\"/logement?liste=renouvellements\"><strong>%lld demande%s non renouvelée%s</strong></a></li>",
		            (long long)c.lapsed, c.lapsed > 1 ? "s" : "", c.lapsed > 1 ? "s" : "");
	if (c.renewals)
		html_printf(b, "<li><a href=\"/logement?liste=renouvellements\">%lld à renouveler dans le mois</a></li>", (long long)c.renewals);
	if (c.proposals)
		html_printf(b, "<li><a href=\"/logement?liste=propositions\">%lld proposition%s en attente</a></li>", (long long)c.proposals,
		            c.proposals > 1 ? "s" : "");
	if (c.abnormal_months && c.long_wait)
		html_printf(b, "<li><a href=\"/logement?liste=attente_longue\">%lld au-delà du délai anormalement long</a></li>", (long long)c.long_wait);
	if (!c.lapsed && !c.renewals && !c.proposals && !(c.abnormal_months && c.long_wait))
		html_lit(b, "<li>Rien en attente.</li>");
	html_lit(b, "</ul></section>");
}

void housing_pages_init(void)
{
	web_route(M_GET, "/logement", list_page, PERM_HOUSING_READ, 0, "Logement social : listes de travail");
	web_route(M_GET, "/logement/export.csv", export_csv, PERM_HOUSING_READ, 0, "Logement social : exporter une liste (CSV)");
	web_route(M_GET, "/logement/nouveau", new_get, PERM_HOUSING_WRITE, 0, "Logement social : enregistrer une demande");
	web_route(M_POST, "/logement", create_post, PERM_HOUSING_WRITE, 0, "Logement social : enregistrer une demande");
	web_route(M_GET, "/logement/reglage", settings_page, PERM_HOUSING_SETTINGS, 0, "Logement social : réglage");
	web_route(M_POST, "/logement/reglage", settings_post, PERM_HOUSING_SETTINGS, 0, "Logement social : régler le délai anormalement long");
	web_route(M_GET, "/logement/{id}", request_page, PERM_HOUSING_READ, 0, "Logement social : une demande");
	web_route(M_POST, "/logement/{id}/action", action_post, PERM_HOUSING_WRITE, 0, "Logement social : étape d’une demande");
}
