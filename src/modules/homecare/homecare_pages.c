/*
 * homecare_pages.c — téléassistance (the list, a subscription and its
 * steps, the new one), a meal subscription (its pattern, absences,
 * round), the module's sub-navigation, the household section, the widget.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/homecare/homecare_internal.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
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

static const char *said(const char *s, const char *what) { return s && *s ? s : what; }

static const char *who(web_req *r, int64_t hid, int64_t pid)
{
	person_brief p;
	const char *no = persons_file_no(r->db, r->a, hid);
	if (pid && persons_person_brief(r->db, r->a, pid, &p) == E_OK)
		return arena_printf(r->a, "%s %s (%s)", p.last_name, p.first_names, no ? no : "?");
	return arena_printf(r->a, "dossier %s", no ? no : "?");
}

void hc_subnav(web_req *r, const char *here)
{
	static const code tabs[] = {{"/domicile", "Repas du jour"}, {"/domicile/tournees", "Tournées"},
	                            {"/domicile/teleassistance", "Téléassistance"}, {"/domicile/facturation", "Facturation des repas"}};
	html_lit(&r->out, "<nav class=\"pager\" aria-label=\"Services à domicile\"><ul>");
	for (int i = 0; i < COUNTOF(tabs); i++)
		if (web_may(r, M_GET, tabs[i].v))
			html_printf(&r->out, "<li><a href=\"%s\"%s>%s</a></li>", tabs[i].v, is(here, tabs[i].v) ? " aria-current=page" : "", tabs[i].fr);
	html_lit(&r->out, "</ul></nav>");
}

/* ---- téléassistance ----------------------------------------------------------------------------- */

static const code ALARM_LISTS[4] = {{"actives", "En service"}, {"fin_proche", "Fin dans les 30 jours"}, {"terminees", "Terminées"},
                                    {"", "Toutes"}};

static void alarms_page(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "actives", *ps = web_arg(r, "page");
	int64_t page = 1, total = 0;
	if (!CODE_OK(ALARM_LISTS, list) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "Liste ou page inconnues.");
		return;
	}
	hc_ctx x = HC_CTX(r);
	hc_alarm *v;
	int n = hc_alarms(&x, list, PAGE, (int)((page - 1) * PAGE), &v, &total);
	bool csv = web_arg(r, "format") && !strcmp(web_arg(r, "format"), "csv");
	if (csv) {
		static const char *const head[] = {"Dossier du foyer", "Prestataire", "Appareil", "Début", "Fin", "Prix mensuel", "Payé par"};
		buf *b = &r->out;
		buf_adds(b, "\xEF\xBB\xBF");
		for (int k = 0; k < COUNTOF(head); k++)
			csv_write_cell(b, head[k], k == COUNTOF(head) - 1);
		int64_t rows = 0;
		for (int off = 0;; off += 500) {
			n = hc_alarms(&x, list, 500, off, &v, &total);
			const char **nos = n > 0 ? persons_file_nos_of(r->db, r->a, v, sizeof *v, offsetof(hc_alarm, household_id), n) : NULL;
			for (int i = 0; nos && i < n; i++) {
				const char *no = nos[i];
				const char *c[] = {no ? no : "", v[i].provider, v[i].device, v[i].started_on, v[i].ended_on,
				                   v[i].price >= 0 ? money_format(r->a, v[i].price) : "", *v[i].payer ? CODE_LABEL(HC_PAYERS, v[i].payer) : ""};
				for (int k = 0; k < COUNTOF(c); k++)
					csv_write_cell(b, c[k], k == COUNTOF(c) - 1);
			}
			rows += n > 0 ? n : 0;
			if (n < 500)
				break;
		}
		r->out_type = "text/csv; charset=utf-8";
		web_header(r, "Content-Disposition: attachment; filename=\"teleassistance.csv\"");
		journal_record(r->db, r->user->id, "export", "hc_alarm", 0, arena_printf(r->a, "rows=%lld csv", (long long)rows));
		return;
	}
	page_begin(r, "Téléassistance");
	buf *b = &r->out;
	hc_subnav(r, "/domicile/teleassistance");
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes\"><ul>");
	for (int i = 0; i < COUNTOF(ALARM_LISTS); i++)
		html_printf(b, "<li><a href=\"/domicile/teleassistance?liste=%s\"%s>%s</a></li>", ALARM_LISTS[i].v,
		            is(list, ALARM_LISTS[i].v) ? " aria-current=page" : "", ALARM_LISTS[i].fr);
	html_printf(b, "</ul></nav><p>%lld abonnement%s · <a href=\"/domicile/teleassistance?liste=%s&amp;format=csv\">Exporter (CSV)</a> · "
	               "un abonnement s’ouvre depuis la fiche du foyer.</p>", (long long)total, total > 1 ? "s" : "", list);
	if (n > 0) {
		html_table(b, CODE_LABEL(ALARM_LISTS, list), 0, "Personne", "Prestataire", "Appareil", "Depuis le", "Fin", "#Prix mensuel", "Payé par");
		for (int i = 0; i < n; i++)
			html_printf(b, "<tr><td><a href=\"/domicile/teleassistance/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
			               "<td class=\"num\">%s</td><td>%s</td></tr>",
			            (long long)v[i].id, who(r, v[i].household_id, v[i].person_id), v[i].provider, said(v[i].device, "non renseigné"),
			            civil_fr(r->a, v[i].started_on), *v[i].ended_on ? civil_fr(r->a, v[i].ended_on) : "—",
			            money_format_known(r->a, v[i].price >= 0, v[i].price), CODE_LABEL(HC_PAYERS, v[i].payer));
		html_table_close(b);
	} else {
		html_lit(b, "<p>Aucun abonnement dans cette liste.</p>");
	}
	page_pager(r, arena_printf(r->a, "/domicile/teleassistance?liste=%s&", list), page, total, PAGE);
	page_end(r);
}

static void alarm_fields(web_req *r, const hc_alarm *al, const form_errors *fe)
{
	buf *b = &r->out;
	html_lit(b, "<div class=\"grid\">");
	form_input(b, &(form_field){.name = "provider", .label = "Prestataire", .required = true, .value = typed(r, "provider", al ? al->provider : NULL)}, fe);
	form_input(b, &(form_field){.name = "device", .label = "Appareil", .value = typed(r, "device", al ? al->device : NULL),
	                            .hint = "Bracelet, médaillon, détecteur de chute…"}, fe);
	form_input(b, &(form_field){.name = "price", .label = "Prix mensuel (€)",
	                            .value = typed(r, "price", al && al->price >= 0 ? money_format(r->a, al->price) : NULL)}, fe);
	FORM_SELECT_CODE(b, "payer", "Payé par", HC_PAYERS, typed(r, "payer", al ? al->payer : ""), fe);
	html_lit(b, "</div>");
	form_input(b, &(form_field){.name = "contacts", .label = "Personnes que le prestataire appelle", .type = "textarea",
	                            .value = typed(r, "contacts", al ? al->contacts : NULL), .hint = "Nom, lien, téléphone, dans l’ordre d’appel."}, fe);
	form_input(b, &(form_field){.name = "notes", .label = "Observations", .type = "textarea", .value = typed(r, "notes", al ? al->notes : NULL)}, fe);
}

static int64_t household_arg(web_req *r)
{
	const char *hs = web_field(r, "household") ? web_field(r, "household") : web_arg(r, "foyer");
	int64_t hid = 0;
	return hs && text_to_int64(hs, 1, INT64_MAX, &hid) && persons_household_exists(r->db, hid) ? hid : 0;
}

static void alarm_new_form(web_req *r, const form_errors *fe)
{
	int64_t hid = household_arg(r);
	if (!hid) {
		web_error(r, E_NOT_FOUND, "Ouvrez un abonnement depuis la fiche du foyer.");
		return;
	}
	page_begin(r, "Mettre en service une téléassistance");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<p>Foyer <a href=\"/foyers/%lld\">%s</a>.</p>", (long long)hid, persons_file_no(r->db, r->a, hid));
	form_begin(r, "<form method=\"post\" action=\"/domicile/teleassistance\" novalidate><input type=\"hidden\" name=\"household\" value=\"%lld\">"
	              "<div class=\"grid\">", (long long)hid);
	persons_member_select(r, hid, "person", "Personne équipée", web_field(r, "person"), fe);
	form_input(b, &(form_field){.name = "started_on", .label = "Mise en service le", .type = "date",
	                            .value = typed(r, "started_on", civil_iso(r->a, civil_today(r->user->tz)))}, fe);
	html_lit(b, "</div>");
	alarm_fields(r, NULL, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button></form>");
	page_end(r);
}

static void alarm_new(web_req *r) { alarm_new_form(r, NULL); }

static void alarm_create(web_req *r)
{
	form_errors fe = {0};
	int64_t id = 0;
	hc_ctx x = HC_CTX(r);
	err e = hc_alarm_create(&x, &r->form, &fe, &id);
	page_after_post(r, e, &fe, alarm_new_form, arena_printf(r->a, "/domicile/teleassistance/%lld?ok=1", (long long)id));
}

static void alarm_render(web_req *r, hc_alarm *al, const form_errors *fe, const char *notice)
{
	page_begin(r, arena_printf(r->a, "Téléassistance — %s", who(r, al->household_id, al->person_id)));
	buf *b = &r->out;
	if (notice)
		page_notice(r, fe || !web_arg(r, "ok") ? "error" : "ok", notice);
	const char *act = typed(r, "action", "");
	form_scope(fe && fe->n ? act : NULL);
	form_error_summary(b, fe);
	form_scope(NULL);
	html_printf(b, "<dl class=\"facts\"><dt>Foyer</dt><dd><a href=\"/foyers/%lld\">%s</a></dd><dt>Prestataire</dt><dd>%s</dd>"
	               "<dt>Appareil</dt><dd>%s</dd><dt>Depuis le</dt><dd>%s</dd><dt>Fin</dt><dd>%s</dd><dt>Prix mensuel</dt><dd>%s</dd>"
	               "<dt>Payé par</dt><dd>%s</dd><dt>Personnes à appeler</dt><dd>%s</dd><dt>Observations</dt><dd>%s</dd></dl>",
	            (long long)al->household_id, who(r, al->household_id, al->person_id), al->provider, said(al->device, "non renseigné"),
	            civil_fr(r->a, al->started_on), *al->ended_on ? arena_printf(r->a, "%s (%s)", civil_fr(r->a, al->ended_on), al->end_reason) : "en service",
	            money_format_known(r->a, al->price >= 0, al->price), CODE_LABEL(HC_PAYERS, al->payer), said(al->contacts, "non renseignées"),
	            said(al->notes, "aucune"));
	if (web_can(r, PERM_HC_WRITE) && !*al->ended_on) {
		const char *url = arena_printf(r->a, "/domicile/teleassistance/%lld/action", (long long)al->id);
		html_printf(b, "<details%s><summary>Modifier l’abonnement</summary>", is(act, "modifier") && fe ? " open" : "");
		form_step_open(r, url, "modifier", al->version, "L’abonnement");
		alarm_fields(r, al, is(act, "modifier") ? fe : NULL);
		form_step_close(r, "Enregistrer", false);
		html_lit(b, "</details>");
		const form_errors *mine = is(act, "terminer") ? fe : NULL;
		form_step_open(r, url, "terminer", al->version, "Fin de l’abonnement");
		html_lit(b, "<div class=\"grid\">");
		form_input(b, &(form_field){.name = "ended_on", .label = "Fin le", .type = "date",
		                            .value = mine ? typed(r, "ended_on", NULL) : civil_iso(r->a, civil_today(r->user->tz))}, mine);
		form_input(b, &(form_field){.name = "end_reason", .label = "Motif", .required = true, .value = mine ? typed(r, "end_reason", NULL) : NULL}, mine);
		html_lit(b, "</div>");
		form_step_close(r, "Terminer l’abonnement", true);
	}
	page_end(r);
}

static void alarm_page(web_req *r)
{
	hc_alarm al;
	if (!hc_alarm_load(r->db, r->a, r->param[0], &al)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "hc_alarm", al.id, NULL);
	alarm_render(r, &al, NULL, web_arg(r, "ok") ? "C’est enregistré." : NULL);
}

static void alarm_action(web_req *r)
{
	hc_alarm al;
	if (!hc_alarm_load(r->db, r->a, r->param[0], &al)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&r->form, "action");
	hc_ctx x = HC_CTX(r);
	err e = hc_alarm_act(&x, &al, action ? action : "", &r->form, &fe, &why);
	if (e == E_INPUT || e == E_CONFLICT) {
		r->status = e == E_INPUT ? 400 : 409;
		if (e == E_CONFLICT)
			hc_alarm_load(r->db, r->a, al.id, &al);
		alarm_render(r, &al, e == E_INPUT ? &fe : NULL, why);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domicile/teleassistance/%lld?ok=1", (long long)al.id));
}

/* ---- a meal subscription ---------------------------------------------------------------------------- */

static const char *const DAYS[7] = {"Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"};

static void sub_fields(web_req *r, const hc_sub *s, const form_errors *fe)
{
	buf *b = &r->out;
	html_lit(b, "<fieldset><legend>Repas par jour</legend><div class=\"grid\">");
	for (int i = 0; i < 7; i++) {
		char name[3] = {'p', (char)('1' + i), 0};
		const char *v = typed(r, name, NULL);
		char cur[2] = {s && s->pattern && strlen(s->pattern) == 7 ? s->pattern[i] : (i < 5 ? '1' : '0'), 0};
		form_input(b, &(form_field){.name = arena_strdup(r->a, name), .label = DAYS[i], .type = "number", .value = v ? v : arena_strdup(r->a, cur)},
		           fe);
	}
	html_lit(b, "</div>");
	if (form_error_for(fe, "pattern"))
		html_printf(b, "<p class=\"error\" id=\"e-pattern\">%s</p>", form_error_for(fe, "pattern"));
	html_lit(b, "</fieldset><div class=\"grid\">");
	FORM_SELECT_CODE(b, "diet", "Régime", HC_DIETS, typed(r, "diet", s ? s->diet : "normal"), fe);
	FORM_SELECT_CODE(b, "texture", "Texture", HC_TEXTURES, typed(r, "texture", s ? s->texture : "normale"), fe);
	hc_round *rv;
	int nr = hc_rounds(r->db, r->a, &rv);
	const char **vv = arena_array(r->a, (size_t)(nr > 0 ? nr : 0) + 1, sizeof *vv), **vl = arena_array(r->a, (size_t)(nr > 0 ? nr : 0) + 1, sizeof *vl);
	int k = 0;
	if (vv && vl) {
		vv[k] = "", vl[k++] = "— à choisir —";
		for (int i = 0; i < nr; i++)
			if (rv[i].active)
				vv[k] = arena_printf(r->a, "%lld", (long long)rv[i].id), vl[k++] = rv[i].name;
	}
	form_select(b, "round", "Tournée", vv, vl, vv && vl ? k : 0,
	            typed(r, "round", s && s->round_id ? arena_printf(r->a, "%lld", (long long)s->round_id) : ""), fe);
	form_input(b, &(form_field){.name = "stop", .label = "Rang dans la tournée", .type = "number",
	                            .value = typed(r, "stop", s ? arena_printf(r->a, "%lld", (long long)s->stop_order) : "0")}, fe);
	html_lit(b, "</div>");
	form_input(b, &(form_field){.name = "access_notes", .label = "Accès (code, étage, où laisser le repas)", .type = "textarea",
	                            .value = typed(r, "access_notes", s ? s->access_notes : NULL)}, fe);
}

static void sub_new_form(web_req *r, const form_errors *fe)
{
	int64_t hid = household_arg(r);
	if (!hid) {
		web_error(r, E_NOT_FOUND, "Ouvrez un portage de repas depuis la fiche du foyer.");
		return;
	}
	page_begin(r, "Commencer un portage de repas à domicile");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<p>Foyer <a href=\"/foyers/%lld\">%s</a>. Le prix d’un repas vient de la grille « %s » du règlement, selon le "
	               "quotient familial du foyer.</p>", (long long)hid, persons_file_no(r->db, r->a, hid), HC_TARIFF);
	form_begin(r, "<form method=\"post\" action=\"/domicile/repas\" novalidate><input type=\"hidden\" name=\"household\" value=\"%lld\">"
	              "<div class=\"grid\">", (long long)hid);
	persons_member_select(r, hid, "person", "Personne livrée", web_field(r, "person"), fe);
	form_input(b, &(form_field){.name = "started_on", .label = "Première livraison le", .type = "date",
	                            .value = typed(r, "started_on", civil_iso(r->a, civil_today(r->user->tz)))}, fe);
	html_lit(b, "</div>");
	sub_fields(r, NULL, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button></form>");
	page_end(r);
}

static void sub_new(web_req *r) { sub_new_form(r, NULL); }

static void sub_create(web_req *r)
{
	form_errors fe = {0};
	int64_t id = 0;
	hc_ctx x = HC_CTX(r);
	err e = hc_sub_create(&x, &r->form, &fe, &id);
	page_after_post(r, e, &fe, sub_new_form, arena_printf(r->a, "/domicile/repas/%lld?ok=1", (long long)id));
}

static void sub_render(web_req *r, hc_sub *s, const form_errors *fe, const char *notice)
{
	page_begin(r, arena_printf(r->a, "Portage de repas — %s %s", s->last_name, s->first_names));
	buf *b = &r->out;
	if (notice)
		page_notice(r, fe || !web_arg(r, "ok") ? "error" : "ok", notice);
	const char *act = typed(r, "action", "");
	form_scope(fe && fe->n ? act : NULL);
	form_error_summary(b, fe);
	form_scope(NULL);
	html_printf(b, "<dl class=\"facts\"><dt>Foyer</dt><dd><a href=\"/foyers/%lld\">%s</a></dd><dt>Adresse</dt><dd>%s %s</dd>"
	               "<dt>Depuis le</dt><dd>%s</dd><dt>Fin</dt><dd>%s</dd><dt>Repas</dt><dd>%s</dd><dt>Régime, texture</dt><dd>%s, %s</dd>"
	               "<dt>Tournée</dt><dd>%s%s</dd><dt>Accès</dt><dd>%s</dd></dl>",
	            (long long)s->household_id, who(r, s->household_id, s->person_id), said(s->address1, "non renseignée"), s->address2,
	            civil_fr(r->a, s->started_on), *s->ended_on ? civil_fr(r->a, s->ended_on) : "en cours", hc_pattern_fr(r->a, s->pattern),
	            CODE_LABEL(HC_DIETS, s->diet), CODE_LABEL(HC_TEXTURES, s->texture), said(s->round_name, "non choisie"),
	            s->round_id ? arena_printf(r->a, ", arrêt n° %lld", (long long)s->stop_order) : "", said(s->access_notes, "non renseigné"));
	hc_absence *ab;
	int na = hc_absences(r->db, r->a, s->id, &ab);
	html_lit(b, "<h2>Absences</h2>");
	if (na > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < na; i++)
			html_printf(b, "<li>du %s au %s : %s</li>", civil_fr(r->a, ab[i].from_on), civil_fr(r->a, ab[i].to_on), CODE_LABEL(HC_ABSENCES, ab[i].reason));
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucune.</p>");
	}
	if (web_can(r, PERM_HC_WRITE) && !*s->ended_on) {
		const char *url = arena_printf(r->a, "/domicile/repas/%lld/action", (long long)s->id);
		const form_errors *mine = is(act, "absence") ? fe : NULL;
		form_step_open(r, url, "absence", s->version, "Une absence (hospitalisation, vacances…) : pas de livraison");
		html_lit(b, "<div class=\"grid\">");
		form_input(b, &(form_field){.name = "from_on", .label = "Du", .type = "date", .required = true, .value = mine ? typed(r, "from_on", NULL) : NULL}, mine);
		form_input(b, &(form_field){.name = "to_on", .label = "Au", .type = "date", .required = true, .value = mine ? typed(r, "to_on", NULL) : NULL}, mine);
		FORM_SELECT_CODE(b, "reason", "Motif", HC_ABSENCES, mine ? typed(r, "reason", "hospitalisation") : "hospitalisation", mine);
		html_lit(b, "</div>");
		form_step_close(r, "Enregistrer l’absence", false);
		mine = is(act, "modifier") ? fe : NULL;
		html_printf(b, "<details%s><summary>Modifier les repas, le régime, la tournée</summary>", mine ? " open" : "");
		form_step_open(r, url, "modifier", s->version, "Le portage");
		sub_fields(r, s, mine);
		form_step_close(r, "Enregistrer", false);
		html_lit(b, "</details>");
		mine = is(act, "terminer") ? fe : NULL;
		form_step_open(r, url, "terminer", s->version, "Fin du portage");
		form_input(b, &(form_field){.name = "ended_on", .label = "Dernière livraison le", .type = "date",
		                            .value = mine ? typed(r, "ended_on", NULL) : civil_iso(r->a, civil_today(r->user->tz))}, mine);
		form_step_close(r, "Terminer le portage", true);
	}
	page_end(r);
}

static void sub_page(web_req *r)
{
	hc_sub s;
	if (!hc_sub_load(r->db, r->a, r->param[0], &s)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "hc_sub", s.id, NULL);
	sub_render(r, &s, NULL, web_arg(r, "ok") ? "C’est enregistré." : NULL);
}

static void sub_action(web_req *r)
{
	hc_sub s;
	if (!hc_sub_load(r->db, r->a, r->param[0], &s)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&r->form, "action");
	hc_ctx x = HC_CTX(r);
	err e = hc_sub_act(&x, &s, action ? action : "", &r->form, &fe, &why);
	if (e == E_INPUT || e == E_CONFLICT) {
		r->status = e == E_INPUT ? 400 : 409;
		if (e == E_CONFLICT)
			hc_sub_load(r->db, r->a, s.id, &s);
		sub_render(r, &s, e == E_INPUT ? &fe : NULL, why);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domicile/repas/%lld?ok=1", (long long)s.id));
}

/* ---- what other pages show -------------------------------------------------------------------------- */

void hc_section(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	hc_service *v;
	int n = module_section_has_rows(r) ? hc_services_of(r->db, r->a, hid, &v) : 0;
	html_lit(b, "<section aria-labelledby=\"t-hc\"><h2 id=\"t-hc\">Services à domicile</h2>");
	if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++)
			if (!v[i].meals)
				html_printf(b, "<li><a href=\"/domicile/teleassistance/%lld\">Téléassistance %s</a> — depuis le %s%s%s</li>",
				            (long long)v[i].id, v[i].what, civil_fr(r->a, v[i].started_on), *v[i].ended_on ? ", terminée le " : "",
				            *v[i].ended_on ? civil_fr(r->a, v[i].ended_on) : "");
			else
				html_printf(b, "<li><a href=\"/domicile/repas/%lld\">Portage de repas</a> — %s — depuis le %s%s%s</li>", (long long)v[i].id,
				            hc_pattern_fr(r->a, v[i].what), civil_fr(r->a, v[i].started_on), *v[i].ended_on ? ", terminé le " : "",
				            *v[i].ended_on ? civil_fr(r->a, v[i].ended_on) : "");
		html_lit(b, "</ul>");
	} else if (n < 0) {
		html_lit(b, "<p class=\"error\">Les services à domicile n’ont pas pu être lus.</p>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucun service à domicile.</p>");
	}
	if (web_can(r, PERM_HC_WRITE))
		html_printf(b, "<p><a href=\"/domicile/teleassistance/nouveau?foyer=%lld\">Mettre en service une téléassistance</a> · "
		               "<a href=\"/domicile/repas/nouveau?foyer=%lld\">Commencer un portage de repas</a></p>", (long long)hid, (long long)hid);
	html_lit(b, "</section>");
}

/* The running ones as counted by the triggers (homecare/3); those ending soon, few, over the index. */
static db_sql Q_W = DB_SQL(DB_SCOPED,
	"SELECT (SELECT coalesce(max(n), 0) FROM hc_open_counts WHERE structure_id = $1 AND what = 'subs'), "
	"(SELECT coalesce(max(n), 0) FROM hc_open_counts WHERE structure_id = $1 AND what = 'alarms'), "
	"(SELECT count(*) FROM hc_alarms WHERE structure_id = $1 AND ended_on >= $2 AND ended_on <= $3)");

void hc_widget(web_req *r)
{
	db_res q = {0};
	civil_date t = civil_today(r->user->tz);
	int64_t subs = 0, alarms = 0, ending = 0;
	if (DBQ(r->db, &Q_W, &q, A_TEXT(civil_iso(r->a, t)), A_TEXT(civil_iso(r->a, civil_from_days(civil_to_days(t) + 30)))) == E_OK && db_next(&q))
		subs = db_int(&q, 0), alarms = db_int(&q, 1), ending = db_int(&q, 2);
	db_close(&q);
	if (!subs && !alarms && !ending)
		return; /* a structure without these services sees nothing */
	buf *b = &r->out;
	html_printf(b, "<section aria-labelledby=\"t-hhc\"><h2 id=\"t-hhc\">Services à domicile</h2><ul>"
	               "<li><a href=\"/domicile\">%lld portage%s de repas en cours — les livraisons du jour</a></li>"
	               "<li><a href=\"/domicile/teleassistance\">%lld téléassistance%s en service</a></li>",
	            (long long)subs, subs > 1 ? "s" : "", (long long)alarms, alarms > 1 ? "s" : "");
	if (ending)
		html_printf(b, "<li><a href=\"/domicile/teleassistance?liste=fin_proche\">%lld prenant fin dans les 30 jours</a></li>", (long long)ending);
	html_lit(b, "</ul></section>");
}

void hc_pages_init(void)
{
	web_route(M_GET, "/domicile/teleassistance", alarms_page, PERM_HC_READ, 0, "Téléassistance : abonnements");
	web_route(M_GET, "/domicile/teleassistance/nouveau", alarm_new, PERM_HC_WRITE, 0, "Téléassistance : mettre en service");
	web_route(M_POST, "/domicile/teleassistance", alarm_create, PERM_HC_WRITE, 0, "Téléassistance : mettre en service");
	web_route(M_GET, "/domicile/teleassistance/{id}", alarm_page, PERM_HC_READ, 0, "Téléassistance : un abonnement");
	web_route(M_POST, "/domicile/teleassistance/{id}/action", alarm_action, PERM_HC_WRITE, 0, "Téléassistance : modifier, terminer");
	web_route(M_GET, "/domicile/repas/nouveau", sub_new, PERM_HC_WRITE, 0, "Portage de repas : commencer");
	web_route(M_POST, "/domicile/repas", sub_create, PERM_HC_WRITE, 0, "Portage de repas : commencer");
	web_route(M_GET, "/domicile/repas/{id}", sub_page, PERM_HC_READ, 0, "Portage de repas : un abonnement");
	web_route(M_POST, "/domicile/repas/{id}/action", sub_action, PERM_HC_WRITE, 0, "Portage de repas : absence, modifier, terminer");
}
