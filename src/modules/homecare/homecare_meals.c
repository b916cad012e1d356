/*
 * homecare_meals.c — the meals' daily work: the day (orders by round in
 * the order of stops, the kitchen's counts by diet and texture, a round
 * delivered in one action with the absent ticked), the rounds and their
 * delivery sheets (PDF, one per driver), the month's billing (preview,
 * issue) and invoices (PDF, payments).
 */
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/homecare/homecare_internal.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pdf.h"
#include "core/banned.h"

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }
static const char *said(const char *s, const char *what) { return s && *s ? s : what; }

/* ?jour= (today by default) and ?tournee= (0: every round, -1: the orders of no round). */
static bool day_args(web_req *r, civil_date *day, int64_t *round)
{
	const char *js = web_arg(r, "jour") ? web_arg(r, "jour") : web_field(r, "jour"), *ts = web_arg(r, "tournee") ? web_arg(r, "tournee") : web_field(r, "tournee");
	*day = civil_today(r->user->tz), *round = 0;
	if ((js && *js && !civil_parse(js, day)) || (ts && *ts && !text_to_int64(ts, -1, INT64_MAX, round))) {
		web_error(r, E_INPUT, "Jour (AAAA-MM-JJ) ou tournée inconnus.");
		return false;
	}
	if (civil_to_days(*day) > civil_to_days(civil_today(r->user->tz)) + 31) {
		web_error(r, E_INPUT, "Les commandes se préparent au plus un mois à l’avance.");
		return false;
	}
	return true;
}

/* ---- the day -------------------------------------------------------------------------------------- */

/* Beyond this many deliveries, the day's page for every round shows a line a round (its stops, meals and states,
 * a link to its list and its sheet) rather than every stop: a page of thousands of stops helps no one, and the
 * kitchen's counts need none of them. A round's page shows all its stops, however many. */
enum { DAY_INLINE = 300 };

static bool is_served(const char *state) { return !is(state, "absent") && !is(state, "annule"); }

/* The round's name for the day's page; a round removed from the list keeps its number. */
static const char *round_name(web_req *r, const hc_round *rv, int nr, int64_t rid)
{
	if (!rid)
		return "Sans tournée";
	for (int i = 0; i < nr; i++)
		if (rv[i].id == rid)
			return rv[i].name;
	return arena_printf(r->a, "Tournée n° %lld", (long long)rid);
}

static const char *round_driver(const hc_round *rv, int nr, int64_t rid)
{
	for (int i = 0; i < nr; i++)
		if (rv[i].id == rid)
			return rv[i].driver;
	return "";
}

/* The day's rounds, in the order of the list, then those it no longer has, then the orders of no round (0). */
static int day_rounds(web_req *r, const hc_round *rv, int nr, const hc_day_count *c, int nc, int64_t **out)
{
	int64_t *ids = arena_array(r->a, (size_t)nr + (size_t)nc + 1, sizeof *ids);
	int n = 0;
	if (!ids)
		return -1;
	for (int i = 0; i < nr; i++)
		for (int k = 0; k < nc; k++)
			if (c[k].round_id == rv[i].id) {
				ids[n++] = rv[i].id;
				break;
			}
	for (int k = 0; k < nc; k++) {
		bool have = !c[k].round_id;
		for (int i = 0; i < n && !have; i++)
			have = ids[i] == c[k].round_id;
		if (!have)
			ids[n++] = c[k].round_id;
	}
	for (int k = 0; k < nc; k++)
		if (!c[k].round_id) {
			ids[n++] = 0;
			break;
		}
	*out = ids;
	return n;
}

/* The day's counts of one round: stops (orders), meals to bring, and by state. */
typedef struct round_sum { int64_t orders, meals, prevu, livre, absent, annule; } round_sum;

static round_sum round_sum_of(const hc_day_count *c, int nc, int64_t rid)
{
	round_sum t = {0};
	for (int k = 0; k < nc; k++) {
		if (c[k].round_id != rid)
			continue;
		t.orders += c[k].orders;
		if (is_served(c[k].state))
			t.meals += c[k].meals;
		int64_t *by = is(c[k].state, "prevu") ? &t.prevu : is(c[k].state, "livre") ? &t.livre : is(c[k].state, "absent") ? &t.absent : &t.annule;
		*by += c[k].orders;
	}
	return t;
}

static void day_summary(web_req *r, const char *iso, const hc_round *rv, int nr, const hc_day_count *c, int nc, int64_t total)
{
	buf *b = &r->out;
	int64_t *ids;
	int n = day_rounds(r, rv, nr, c, nc, &ids);
	html_printf(b, "<p>%lld livraisons ce jour : choisissez une tournée pour voir ses arrêts, cocher les absents et la marquer livrée.</p>",
	            (long long)total);
	html_table(b, "Les tournées du jour", 0, "Tournée", "Livreur", "#Arrêts", "#Repas", "#Prévus", "#Livrés", "#Absents", "#Annulés", "Feuille de route");
	for (int i = 0; i < n; i++) {
		round_sum t = round_sum_of(c, nc, ids[i]);
		const char *driver = round_driver(rv, nr, ids[i]);
		html_printf(b, "<tr><td><a href=\"/domicile?jour=%s&amp;tournee=%lld\">%s</a></td><td>%s</td><td class=\"num\">%lld</td>"
		               "<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
		               "<td class=\"num\">%lld</td><td>",
		            iso, (long long)(ids[i] ? ids[i] : -1), round_name(r, rv, nr, ids[i]), ids[i] ? said(driver, "non renseigné") : "—",
		            (long long)t.orders, (long long)t.meals, (long long)t.prevu, (long long)t.livre, (long long)t.absent, (long long)t.annule);
		if (ids[i])
			html_printf(b, "<a href=\"/domicile/tournees/%lld/feuille.pdf?jour=%s\">PDF<span class=\"sr-only\"> : %s</span></a>",
			            (long long)ids[i], iso, round_name(r, rv, nr, ids[i]));
		else
			html_lit(b, "—");
		html_lit(b, "</td></tr>");
	}
	html_table_close(b);
}

static void day_page(web_req *r)
{
	civil_date day;
	int64_t round;
	if (!day_args(r, &day, &round))
		return;
	hc_ctx x = HC_CTX(r);
	hc_day_count *c;
	int nc = hc_day_counts(&x, day, &c);
	const char *iso = civil_iso(r->a, day);
	page_begin(r, arena_printf(r->a, "Repas à domicile du %s", civil_fr_long(r->a, iso)));
	buf *b = &r->out;
	hc_subnav(r, "/domicile");
	if (web_arg(r, "ok"))
		page_notice(r, "ok", arena_printf(r->a, "%s repas marqués livrés.", web_arg(r, "ok")));
	if (nc < 0) {
		page_notice(r, "error", "Les commandes du jour n’ont pas pu être lues.");
		page_end(r);
		return;
	}
	hc_round *rv;
	int nr = hc_rounds(r->db, r->a, &rv);
	if (nr < 0)
		nr = 0; /* the rounds' names unread: « Tournée n° N » below */
	html_printf(b, "<form method=\"get\" action=\"/domicile\" class=\"filters\"><div class=\"field\"><label for=\"dj\">Jour</label>"
	               "<input id=\"dj\" name=\"jour\" type=\"date\" value=\"%s\"></div><div class=\"field\"><label for=\"dt\">Tournée</label>"
	               "<select id=\"dt\" name=\"tournee\"><option value=\"0\">Toutes</option>", iso);
	for (int i = 0; i < nr; i++)
		html_printf(b, "<option value=\"%lld\"%s>%s</option>", (long long)rv[i].id, rv[i].id == round ? " selected" : "", rv[i].name);
	html_printf(b, "<option value=\"-1\"%s>Sans tournée</option></select></div><button type=\"submit\">Afficher</button></form>",
	            round == -1 ? " selected" : "");
	/* The kitchen's counts: meals to prepare by diet and texture, for the rounds shown. */
	int64_t meals = 0, total = 0, counts[COUNTOF(HC_DIETS)][COUNTOF(HC_TEXTURES)] = {{0}};
	for (int k = 0; k < nc; k++) {
		if (round && c[k].round_id != (round < 0 ? 0 : round))
			continue;
		total += c[k].orders;
		if (is_served(c[k].state)) {
			int d = code_index(HC_DIETS, COUNTOF(HC_DIETS), c[k].diet), t = code_index(HC_TEXTURES, COUNTOF(HC_TEXTURES), c[k].texture);
			if (d >= 0 && t >= 0)
				counts[d][t] += c[k].meals;
			meals += c[k].meals;
		}
	}
	html_printf(b, "<h2>Pour la cuisine : %lld repas</h2>", (long long)meals);
	if (meals) {
		html_table(b, "Repas à préparer par régime et texture", 0, "Régime", "#Normale", "#Hachée", "#Mixée");
		for (int d = 0; d < COUNTOF(HC_DIETS); d++)
			if (counts[d][0] || counts[d][1] || counts[d][2])
				html_printf(b, "<tr><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>", HC_DIETS[d].fr,
				            (long long)counts[d][0], (long long)counts[d][1], (long long)counts[d][2]);
		html_table_close(b);
	}
	html_lit(b, "<h2>Livraisons</h2>");
	if (!total) {
		html_lit(b, "<p>Aucune livraison ce jour.</p>");
		page_end(r);
		return;
	}
	if (!round && total > DAY_INLINE) {
		day_summary(r, iso, rv, nr, c, nc, total);
		page_end(r);
		return;
	}
	hc_order *v;
	int n = hc_day(&x, day, round, &v);
	int64_t *ids;
	int nids = n < 0 ? -1 : day_rounds(r, rv, nr, c, nc, &ids);
	if (n < 0 || nids < 0) {
		page_notice(r, "error", "Les commandes du jour n’ont pas pu être lues.");
		page_end(r);
		return;
	}
	bool can = web_can(r, PERM_HC_WRITE) && civil_to_days(day) <= civil_to_days(x.today);
	for (int k = 0; k < nids; k++) {
		int64_t rid = ids[k];
		int cnt = 0;
		for (int i = 0; i < n; i++)
			cnt += v[i].round_id == rid;
		if (!cnt)
			continue;
		const char *name = round_name(r, rv, nr, rid), *driver = rid ? round_driver(rv, nr, rid) : "";
		html_printf(b, "<section aria-labelledby=\"t-r%lld\"><h3 id=\"t-r%lld\">%s%s%s</h3>", (long long)rid, (long long)rid, name,
		            *driver ? " — " : "", driver);
		if (rid)
			html_printf(b, "<p><a href=\"/domicile/tournees/%lld/feuille.pdf?jour=%s\">Feuille de route (PDF)</a></p>", (long long)rid, iso);
		/* The orders of no round are delivered by their own form: -1, not 0 (every round). */
		if (can)
			form_begin(r, "<form method=\"post\" action=\"/domicile\" novalidate><input type=\"hidden\" name=\"jour\" value=\"%s\">"
			              "<input type=\"hidden\" name=\"tournee\" value=\"%lld\">", iso, (long long)(rid ? rid : -1));
		if (can)
			html_table(b, arena_printf(r->a, "Tournée %s", name), 0, "~Absent", "#Arrêt", "Personne", "Adresse", "#Repas", "Régime", "Texture", "État");
		else
			html_table(b, arena_printf(r->a, "Tournée %s", name), 0, "#Arrêt", "Personne", "Adresse", "#Repas", "Régime", "Texture", "État");
		for (int i = 0; i < n; i++) {
			if (v[i].round_id != rid)
				continue;
			html_lit(b, "<tr>");
			if (can && is(v[i].state, "prevu"))
				html_printf(b, "<td><input type=\"checkbox\" id=\"ab%lld\" name=\"absent\" value=\"%lld\" aria-label=\"Absent : %s %s\"></td>",
				            (long long)v[i].id, (long long)v[i].id, v[i].s.last_name, v[i].s.first_names);
			else if (can)
				html_lit(b, "<td></td>");
			html_printf(b, "<td class=\"num\">%lld</td><td><a href=\"/domicile/repas/%lld\">%s %s</a></td><td>%s %s</td><td class=\"num\">%lld</td>"
			               "<td>%s</td><td>%s</td><td>%s</td></tr>",
			            (long long)v[i].s.stop_order, (long long)v[i].sub_id, v[i].s.last_name, v[i].s.first_names,
			            said(v[i].s.address1, "non renseignée"), v[i].s.address2, (long long)v[i].count, CODE_LABEL(HC_DIETS, v[i].diet),
			            CODE_LABEL(HC_TEXTURES, v[i].texture), CODE_LABEL(HC_ORDER_STATES, v[i].state));
		}
		html_table_close(b);
		if (can)
			html_lit(b, "<button type=\"submit\" class=\"primary\">Tournée livrée (sauf les absents cochés)</button></form>");
		html_lit(b, "</section>");
	}
	page_end(r);
}

static void day_post(web_req *r)
{
	civil_date day;
	int64_t round;
	if (!day_args(r, &day, &round))
		return;
	int64_t *absent = arena_array(r->a, (size_t)r->form.n + 1, sizeof *absent);
	int na = 0;
	for (int i = 0; absent && i < r->form.n; i++)
		if (is(r->form.items[i].name, "absent") && r->form.items[i].value && text_to_int64(r->form.items[i].value, 1, INT64_MAX, &absent[na]))
			na++;
	hc_ctx x = HC_CTX(r);
	int64_t n = 0;
	err e = hc_day_delivered(&x, day, round, absent, na, &n);
	if (e == E_INPUT) {
		web_error(r, E_INPUT, "Une livraison se marque le jour même ou après, pas avant.");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domicile?jour=%s&tournee=%lld&ok=%lld", civil_iso(r->a, day), (long long)round, (long long)n));
}

/* ---- rounds ------------------------------------------------------------------------------------------ */

static void rounds_render(web_req *r, const form_errors *fe, int64_t failed)
{
	page_begin(r, "Tournées de livraison");
	buf *b = &r->out;
	hc_subnav(r, "/domicile/tournees");
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	form_error_summary(b, fe);
	hc_round *rv;
	int nr = hc_rounds(r->db, r->a, &rv);
	if (nr > 0) {
		html_table(b, "Tournées", 0, "Tournée", "Livreur", "#Arrêts", "Active");
		for (int i = 0; i < nr; i++)
			html_printf(b, "<tr><td><a href=\"/domicile/tournees/%lld\">%s</a></td><td>%s</td><td class=\"num\">%lld</td><td>%s</td></tr>",
			            (long long)rv[i].id, rv[i].name, said(rv[i].driver, "non renseigné"), (long long)rv[i].stops, rv[i].active ? "oui" : "non");
		html_table_close(b);
	} else {
		html_lit(b, "<p class=\"muted\">Aucune tournée.</p>");
	}
	if (web_can(r, PERM_HC_WRITE)) {
		const form_errors *mine = failed == 0 ? fe : NULL;
		html_lit(b, "<h2>Ajouter une tournée</h2>");
		form_begin(r, "<form method=\"post\" action=\"/domicile/tournees\" class=\"compact\" novalidate><div class=\"grid\">");
		form_input(b, &(form_field){.name = "name", .label = "Nom", .required = true, .value = mine ? kv_get(&r->form, "name") : NULL}, mine);
		form_input(b, &(form_field){.name = "driver", .label = "Livreur", .value = mine ? kv_get(&r->form, "driver") : NULL}, mine);
		html_lit(b, "</div><button type=\"submit\">Ajouter</button></form>");
	}
	page_end(r);
}

static void rounds_page(web_req *r) { rounds_render(r, NULL, -1); }

static void round_post(web_req *r)
{
	form_errors fe = {0};
	int64_t id = r->nparams ? r->param[0] : 0, out = 0;
	hc_ctx x = HC_CTX(r);
	err e = hc_round_save(&x, id, &r->form, &fe, &out);
	if (e == E_INPUT) {
		r->status = 400;
		rounds_render(r, &fe, id);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, id ? arena_printf(r->a, "/domicile/tournees/%lld?ok=1", (long long)id) : "/domicile/tournees?ok=1");
}

static void round_page(web_req *r)
{
	hc_round *rv, *rd = NULL;
	int nr = hc_rounds(r->db, r->a, &rv);
	for (int i = 0; i < nr; i++)
		if (rv[i].id == r->param[0])
			rd = &rv[i];
	if (!rd) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	hc_sub *sv;
	int ns = hc_subs_of_round(r->db, r->a, rd->id, &sv);
	page_begin(r, arena_printf(r->a, "Tournée %s", rd->name));
	buf *b = &r->out;
	hc_subnav(r, "/domicile/tournees");
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	html_printf(b, "<p>Livreur : %s. <a href=\"/domicile/tournees/%lld/feuille.pdf\">Feuille de route du jour (PDF)</a>. Le rang d’un arrêt se "
	               "change sur la page du portage.</p>", said(rd->driver, "non renseigné"), (long long)rd->id);
	if (ns > 0) {
		html_table(b, "Arrêts dans l’ordre", 0, "#Rang", "Personne", "Adresse", "Accès", "Repas");
		for (int i = 0; i < ns; i++)
			html_printf(b, "<tr><td class=\"num\">%lld</td><td><a href=\"/domicile/repas/%lld\">%s %s</a></td><td>%s %s</td><td>%s</td><td>%s</td></tr>",
			            (long long)sv[i].stop_order, (long long)sv[i].id, sv[i].last_name, sv[i].first_names, said(sv[i].address1, "non renseignée"),
			            sv[i].address2, said(sv[i].access_notes, "—"), hc_pattern_fr(r->a, sv[i].pattern));
		html_table_close(b);
	} else {
		html_lit(b, "<p class=\"muted\">Aucun arrêt.</p>");
	}
	if (web_can(r, PERM_HC_WRITE)) {
		form_begin(r, "<form method=\"post\" action=\"/domicile/tournees/%lld\" class=\"compact\" novalidate><fieldset><legend>La tournée</legend>"
		              "<div class=\"grid\">", (long long)rd->id);
		form_input(b, &(form_field){.name = "name", .label = "Nom", .required = true, .value = rd->name}, NULL);
		form_input(b, &(form_field){.name = "driver", .label = "Livreur", .value = rd->driver}, NULL);
		html_printf(b, "</div><div class=\"radio\"><input type=\"checkbox\" id=\"ra\" name=\"active\" value=\"1\"%s><label for=\"ra\">Active</label></div>"
		               "<button type=\"submit\">Enregistrer</button></fieldset></form>", rd->active ? " checked" : "");
	}
	page_end(r);
}

/* A driver's delivery sheet: the stops in order, what to bring, how to get in. */
static void sheet_pdf(web_req *r)
{
	civil_date day;
	int64_t ignore;
	if (!day_args(r, &day, &ignore))
		return;
	hc_ctx x = HC_CTX(r);
	hc_order *v;
	int n = hc_day(&x, day, r->param[0], &v);
	hc_round *rv, *rd = NULL;
	int nr = hc_rounds(r->db, r->a, &rv);
	for (int i = 0; i < nr; i++)
		if (rv[i].id == r->param[0])
			rd = &rv[i];
	if (!rd || n < 0) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	const char *why = NULL;
	pdf_doc *pd = pdf_new("Feuille de route", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	pdf_heading(pd, arena_printf(r->a, "Tournée %s — %s", rd->name, civil_fr_long(r->a, civil_iso(r->a, day))));
	pdf_small(pd, arena_printf(r->a, "Livreur : %s. Document confidentiel, à rapporter au service.", said(rd->driver, "non renseigné")));
	int64_t meals = 0;
	int stop = 0;
	for (int i = 0; i < n; i++) {
		if (!is(v[i].state, "prevu") && !is(v[i].state, "livre"))
			continue;
		meals += v[i].count;
		pdf_section(pd, arena_printf(r->a, "%d. %s %s — %lld repas, %s, %s", ++stop, v[i].s.last_name, v[i].s.first_names, (long long)v[i].count,
		                             CODE_LABEL(HC_DIETS, v[i].diet), CODE_LABEL(HC_TEXTURES, v[i].texture)));
		pdf_field(pd, "Adresse", arena_printf(r->a, "%s %s", said(v[i].s.address1, "non renseignée"), v[i].s.address2));
		pdf_field(pd, "Accès", said(v[i].s.access_notes, "non renseigné"));
		pdf_field(pd, "Téléphone", said(v[i].s.phone, "non renseigné"));
		pdf_field(pd, "Livré", "□ oui   □ absent : ______________");
	}
	if (!stop)
		pdf_para(pd, "Aucune livraison ce jour.");
	pdf_space(pd, 6);
	pdf_field(pd, "Total", arena_printf(r->a, "%d arrêts, %lld repas", stop, (long long)meals));
	if (pdf_send(r, pd, "feuille-de-route.pdf"))
		journal_record(r->db, r->user->id, "export", "hc_round", rd->id, arena_printf(r->a, "sheet %s rows=%d", civil_iso(r->a, day), stop));
}

/* ---- billing ------------------------------------------------------------------------------------------- */

static const char *month_arg(web_req *r)
{
	const char *m = web_arg(r, "mois") ? web_arg(r, "mois") : web_field(r, "mois");
	if (m)
		return m;
	civil_date t = civil_add_months(civil_today(r->user->tz), -1);
	return arena_printf(r->a, "%04d-%02d", t.y, t.m);
}

static void bill_page(web_req *r)
{
	const char *month = month_arg(r);
	hc_ctx x = HC_CTX(r);
	hc_bill_line *v;
	int n = hc_bill_preview(&x, month, &v);
	if (n < 0) {
		web_error(r, E_INPUT, "Le mois : AAAA-MM.");
		return;
	}
	civil_date m0;
	char d0[11];
	snprintf(d0, sizeof d0, "%.7s-01", month);
	page_begin(r, civil_parse(d0, &m0) ? arena_printf(r->a, "Facturation des repas — %s %d", civil_month_name(m0.m), m0.y)
	                                   : arena_printf(r->a, "Facturation des repas — %s", month));
	buf *b = &r->out;
	hc_subnav(r, "/domicile/facturation");
	if (web_arg(r, "ok"))
		page_notice(r, "ok", arena_printf(r->a, "%s facture(s) émise(s).", web_arg(r, "ok")));
	html_printf(b, "<form method=\"get\" action=\"/domicile/facturation\" class=\"filters\"><div class=\"field\"><label for=\"fm\">Mois</label>"
	               "<input id=\"fm\" name=\"mois\" type=\"month\" value=\"%s\" pattern=\"[0-9]{4}-[0-9]{2}\"></div><button type=\"submit\">Afficher</button></form>"
	               "<p class=\"muted\">Les repas marqués livrés, au prix de la grille « %s » du règlement selon le quotient familial du foyer. "
	               "Sans ressources renseignées, pas de prix : la ligne le dit et aucune facture n’est émise.</p>", month, HC_TARIFF);
	int64_t meals = 0, total = 0, open = 0, unpriced = 0;
	for (int i = 0; i < n; i++) {
		meals += v[i].meals;
		total += v[i].total >= 0 ? v[i].total : 0;
		open += !v[i].invoice_id && v[i].unit >= 0;
		unpriced += v[i].unit < 0;
	}
	html_printf(b, "<p>%d personne%s, %lld repas livrés, %s facturables ; %lld sans prix.</p>", n, n > 1 ? "s" : "", (long long)meals,
	            money_format(r->a, total), (long long)unpriced);
	if (n > 0) {
		html_table(b, "Repas livrés du mois", 0, "Personne", "#Repas", "#Prix du repas", "#Total", "Calcul", "Facture");
		for (int i = 0; i < n; i++) {
			html_printf(b, "<tr><td><a href=\"/domicile/repas/%lld\">%s</a></td><td class=\"num\">%lld</td><td class=\"num\">%s</td>"
			               "<td class=\"num\">%s</td><td class=\"%s\">%s</td><td>",
			            (long long)v[i].sub_id, v[i].who, (long long)v[i].meals, money_format_known(r->a, v[i].unit >= 0, v[i].unit),
			            money_format_known(r->a, v[i].total >= 0, v[i].total), v[i].unit < 0 ? "warn" : "", v[i].explain);
			if (v[i].invoice_id)
				html_printf(b, "<a href=\"/domicile/factures/%lld\">%s</a> (%s)", (long long)v[i].invoice_id, v[i].number, v[i].status);
			else
				html_lit(b, "non émise");
			html_lit(b, "</td></tr>");
		}
		html_table_close(b);
	}
	civil_date first;
	char d[11];
	snprintf(d, sizeof d, "%.7s-01", month);
	bool over = civil_parse(d, &first) && civil_to_days(civil_add_months(first, 1)) <= civil_to_days(x.today);
	if (web_can(r, PERM_HC_BILL) && open) {
		if (over) {
			form_begin(r, "<form method=\"post\" action=\"/domicile/facturation\" novalidate><input type=\"hidden\" name=\"mois\" value=\"%s\">", month);
			html_printf(b, "<button type=\"submit\" class=\"primary\">Émettre les %lld factures</button></form>", (long long)open);
		} else {
			html_lit(b, "<p class=\"muted\">Les factures s’émettent une fois le mois terminé.</p>");
		}
	}
	page_end(r);
}

static void bill_post(web_req *r)
{
	const char *month = month_arg(r);
	hc_ctx x = HC_CTX(r);
	int64_t n = 0, skipped = 0;
	err e = hc_bill_issue(&x, month, &n, &skipped);
	if (e == E_INPUT) {
		web_error(r, E_INPUT, "Un mois se facture une fois terminé (AAAA-MM).");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domicile/facturation?mois=%s&ok=%lld", month, (long long)n));
}

static void invoice_render(web_req *r, hc_invoice *inv, const form_errors *fe)
{
	page_begin(r, arena_printf(r->a, "Facture %s", inv->number));
	buf *b = &r->out;
	hc_subnav(r, "/domicile/facturation");
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	form_error_summary(b, fe);
	hc_sub s;
	bool known = hc_sub_load(r->db, r->a, inv->sub_id, &s);
	html_printf(b, "<dl class=\"facts\"><dt>Personne</dt><dd>%s</dd><dt>Mois</dt><dd>%s</dd><dt>Repas</dt><dd>%lld × %s</dd><dt>Total</dt><dd>%s</dd>"
	               "<dt>Calcul du prix</dt><dd>%s</dd><dt>Payé</dt><dd>%s (%s)</dd><dt>Émise le</dt><dd>%s</dd></dl>",
	            known ? arena_printf(r->a, "%s %s", s.last_name, s.first_names) : "non renseignée", inv->month, (long long)inv->meals,
	            money_format(r->a, inv->unit), money_format(r->a, inv->total), said(inv->explain, "—"), money_format(r->a, inv->paid), inv->status,
	            civil_fr(r->a, inv->issued_on));
	html_printf(b, "<p><a href=\"/domicile/factures/%lld/facture.pdf\">La facture (PDF)</a></p>", (long long)inv->id);
	if (web_can(r, PERM_HC_BILL) && inv->paid < inv->total) {
		form_begin(r, "<form method=\"post\" action=\"/domicile/factures/%lld/paiement\" class=\"compact\" novalidate><fieldset>"
		              "<legend>Un paiement</legend><div class=\"grid\">", (long long)inv->id);
		form_input(b, &(form_field){.name = "amount", .label = "Montant (€)", .required = true,
		                            .value = fe ? kv_get(&r->form, "amount") : money_format(r->a, inv->total - inv->paid)}, fe);
		FORM_SELECT_CODE(b, "means", "Moyen", HC_MEANS, fe ? kv_get(&r->form, "means") : "cheque", fe);
		form_input(b, &(form_field){.name = "paid_on", .label = "Le", .type = "date",
		                            .value = fe ? kv_get(&r->form, "paid_on") : civil_iso(r->a, civil_today(r->user->tz))}, fe);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Enregistrer le paiement</button></fieldset></form>");
	}
	page_end(r);
}

static void invoice_page(web_req *r)
{
	hc_invoice inv;
	if (!hc_invoice_load(r->db, r->a, r->param[0], &inv)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	invoice_render(r, &inv, NULL);
}

static void payment_post(web_req *r)
{
	hc_invoice inv;
	if (!hc_invoice_load(r->db, r->a, r->param[0], &inv)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	hc_ctx x = HC_CTX(r);
	err e = hc_payment_add(&x, &inv, &r->form, &fe);
	if (e == E_INPUT) {
		r->status = 400;
		invoice_render(r, &inv, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, e == E_CONFLICT ? "Un autre paiement a été enregistré entre-temps : vérifiez ce qui reste dû." : NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domicile/factures/%lld?ok=1", (long long)inv.id));
}

static void invoice_pdf(web_req *r)
{
	hc_invoice inv;
	structure_info st;
	if (!hc_invoice_load(r->db, r->a, r->param[0], &inv)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	pdf_doc *pd = accounts_pdf_letter(r, "Facture — repas livrés à domicile", &st);
	if (!pd)
		return;
	hc_sub s;
	if (hc_sub_load(r->db, r->a, inv.sub_id, &s)) {
		const char *lines[] = {arena_printf(r->a, "%s %s", s.first_names, s.last_name), s.address1, s.address2};
		pdf_address_block(pd, lines, 3);
	}
	pdf_space(pd, 8);
	pdf_heading(pd, arena_printf(r->a, "Facture n° %s — repas livrés à domicile, %s", inv.number, inv.month));
	pdf_field(pd, "Émise le", civil_fr(r->a, inv.issued_on));
	pdf_field(pd, "Repas livrés", arena_printf(r->a, "%lld", (long long)inv.meals));
	pdf_field(pd, "Prix d’un repas", money_format(r->a, inv.unit));
	pdf_field(pd, "Calcul", said(inv.explain, "—"));
	pdf_field(pd, "Total", money_format(r->a, inv.total));
	pdf_field(pd, "Déjà payé", money_format(r->a, inv.paid));
	pdf_field(pd, "Reste à payer", money_format(r->a, inv.total - inv.paid));
	pdf_space(pd, 6);
	pdf_para(pd, "Le prix du repas dépend du quotient familial du foyer, selon la grille votée par le conseil d’administration du CCAS.");
	if (*st.phone)
		pdf_para(pd, arena_printf(r->a, "Pour toute question : %s.", st.phone));
	if (pdf_send(r, pd, "facture-repas.pdf"))
		journal_record(r->db, r->user->id, "export", "hc_invoice", inv.id, "pdf");
}

void hc_meals_init(void)
{
	web_route(M_GET, "/domicile", day_page, PERM_HC_READ, 0, "Repas à domicile : le jour");
	web_route(M_POST, "/domicile", day_post, PERM_HC_WRITE, 0, "Repas à domicile : tournée livrée");
	web_route(M_GET, "/domicile/tournees", rounds_page, PERM_HC_READ, 0, "Repas à domicile : tournées");
	web_route(M_POST, "/domicile/tournees", round_post, PERM_HC_WRITE, 0, "Repas à domicile : ajouter une tournée");
	web_route(M_GET, "/domicile/tournees/{id}", round_page, PERM_HC_READ, 0, "Repas à domicile : une tournée");
	web_route(M_POST, "/domicile/tournees/{id}", round_post, PERM_HC_WRITE, 0, "Repas à domicile : modifier une tournée");
	web_route(M_GET, "/domicile/tournees/{id}/feuille.pdf", sheet_pdf, PERM_HC_READ, 0, "Repas à domicile : feuille de route (PDF)");
	web_route(M_GET, "/domicile/facturation", bill_page, PERM_HC_BILL, 0, "Repas à domicile : facturation du mois");
	web_route(M_POST, "/domicile/facturation", bill_post, PERM_HC_BILL, 0, "Repas à domicile : émettre les factures du mois");
	web_route(M_GET, "/domicile/factures/{id}", invoice_page, PERM_HC_BILL, 0, "Repas à domicile : une facture");
	web_route(M_GET, "/domicile/factures/{id}/facture.pdf", invoice_pdf, PERM_HC_BILL, 0, "Repas à domicile : facture (PDF)");
	web_route(M_POST, "/domicile/factures/{id}/paiement", payment_post, PERM_HC_BILL, 0, "Repas à domicile : enregistrer un paiement");
}
