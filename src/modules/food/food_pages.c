/*
 * food_pages.c — food aid's pages: the distributions (a new one, the
 * counter with its one action per household, delivery sheets), access
 * decisions (the rulebook's answer, the decision, its card with the
 * barcode, renewals), the settings, the household section, the widget.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/food/food_internal.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pdf.h"
#include "core/banned.h"

#define PAGE 50

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static const char *typed(web_req *r, const char *name, const char *dflt)
{
	const char *v = kv_get(&r->form, name);
	return v ? v : dflt;
}

void food_subnav(web_req *r, const char *here)
{
	static const code tabs[] = {{"/alimentaire", "Distributions"}, {"/alimentaire/droits", "Droits"}, {"/alimentaire/epicerie", "Épicerie"},
	                            {"/alimentaire/stock", "Stock"}, {"/alimentaire/rapport", "Rapport"}, {"/alimentaire/reglage", "Réglages"}};
	html_lit(&r->out, "<nav class=\"pager\" aria-label=\"Aide alimentaire\"><ul>");
	for (int i = 0; i < COUNTOF(tabs); i++)
		if (web_may(r, M_GET, tabs[i].v))
			html_printf(&r->out, "<li><a href=\"%s\"%s>%s</a></li>", tabs[i].v, is(here, tabs[i].v) ? " aria-current=page" : "", tabs[i].fr);
	html_lit(&r->out, "</ul></nav>");
}

/* ---- distributions ------------------------------------------------------------------------------------ */

static void dists_form(web_req *r, const form_errors *fe);

static void dists_page(web_req *r) { dists_form(r, NULL); }

static void dists_form(web_req *r, const form_errors *fe)
{
	const char *ps = web_arg(r, "page");
	int64_t page = 1, total = 0;
	if (ps && *ps && !text_to_int64(ps, 1, 100000, &page)) {
		web_error(r, E_INPUT, "Page inconnue.");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	food_dist *v;
	int n = food_dists(&x, PAGE, (int)((page - 1) * PAGE), &v, &total);
	page_begin(r, "Aide alimentaire — distributions");
	buf *b = &r->out;
	food_subnav(r, "/alimentaire");
	form_error_summary(b, fe);
	if (n > 0) {
		html_table(b, "Distributions, les plus récentes d’abord", 0, "Jour", "Lieu", "#Foyers attendus", "#Retirés", "#Livrés", "#Non retirés", "État");
		for (int i = 0; i < n; i++)
			html_printf(b, "<tr><td><a href=\"/alimentaire/distributions/%lld\">%s</a></td><td>%s</td><td class=\"num\">%lld</td>"
			               "<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td>%s</td></tr>",
			            (long long)v[i].id, civil_fr(r->a, v[i].day), v[i].site, (long long)v[i].expected, (long long)v[i].collected,
			            (long long)v[i].delivered, (long long)v[i].absent, v[i].closed ? "close" : "ouverte");
		html_table_close(b);
	} else {
		html_lit(b, "<p>Aucune distribution pour l’instant.</p>");
	}
	page_pager(r, "/alimentaire?", page, total, PAGE);
	if (web_can(r, PERM_FOOD_DECIDE) || web_can(r, PERM_FOOD_COUNTER)) {
		form_begin(r, "<h2 id=\"t-new\">Préparer une distribution</h2><form method=\"post\" action=\"/alimentaire/distributions\" novalidate>");
		html_lit(b, "<p class=\"muted\">La liste des foyers attendus se fait seule : ceux dont le droit au colis couvre ce jour-là. "
		            "Un foyer dont le droit commence après peut être ajouté au comptoir.</p><div class=\"grid\">");
		form_input(b, &(form_field){.name = "day", .label = "Jour", .type = "date", .required = true,
		                            .value = typed(r, "day", civil_iso(r->a, x.today))}, fe);
		form_input(b, &(form_field){.name = "site", .label = "Lieu", .required = true, .value = typed(r, "site", "Local du CCAS")}, fe);
		form_input(b, &(form_field){.name = "slots", .label = "Créneaux", .value = typed(r, "slots", NULL),
		                            .hint = "Séparés par des virgules : 9h-10h, 10h-11h. Les foyers y sont répartis tour à tour."}, fe);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Préparer la distribution</button></form>");
	}
	page_end(r);
}

static void dist_create(web_req *r)
{
	form_errors fe = {0};
	int64_t id = 0, lines = 0;
	food_ctx x = FOOD_CTX(r);
	err e = food_dist_create(&x, &r->form, &fe, &id, &lines);
	page_after_post(r, e, &fe, dists_form, arena_printf(r->a, "/alimentaire/distributions/%lld", (long long)id));
}

static const code LINE_TABS[4] = {{"attendu", "À servir"}, {"livraison", "À livrer"}, {"fait", "Servis"}, {"", "Tous"}};

/* One household's line: the household, its one-action buttons first (they stay in view on a phone), then the parcel. */
static void line_row(web_req *r, const food_dist *d, const food_line *l, const char *tab)
{
	buf *b = &r->out;
	const char *url = arena_printf(r->a, "/alimentaire/distributions/%lld/comptoir", (long long)d->id);
	html_printf(b, "<tr><td><a href=\"/foyers/%lld\">%s %s</a><br><small>%s</small></td><td>", (long long)l->household_id, l->last_name,
	            l->first_names, l->file_no);
	if (!d->closed && web_can(r, PERM_FOOD_COUNTER)) {
		const char *back = arena_printf(r->a, "<input type=\"hidden\" name=\"line\" value=\"%lld\"><input type=\"hidden\" name=\"liste\" value=\"%s\">",
		                                (long long)l->id, tab);
		if (is(l->state, "attendu")) {
			form_begin(r, "<form method=\"post\" action=\"%s\">", url);
			buf_adds(b, back);
			html_printf(b, "<input type=\"hidden\" name=\"state\" value=\"%s\"><button type=\"submit\" class=\"primary\">%s</button></form>",
			            l->delivery ? "livre" : "retire", l->delivery ? "Livré" : "Retiré");
			if (!l->delivery) {
				form_begin(r, "<form method=\"post\" action=\"%s\">", url);
				buf_adds(b, back);
				html_printf(b, "<input type=\"hidden\" name=\"state\" value=\"procuration\"><label class=\"sr-only\" for=\"px%lld\">Nom de la personne "
				               "qui retire pour le foyer</label><input id=\"px%lld\" name=\"proxy\" size=\"12\" placeholder=\"Nom du tiers\">"
				               "<button type=\"submit\">Par un tiers</button></form>",
				            (long long)l->id, (long long)l->id);
			}
		} else {
			form_begin(r, "<form method=\"post\" action=\"%s\">", url);
			buf_adds(b, back);
			html_lit(b, "<input type=\"hidden\" name=\"state\" value=\"attendu\"><button type=\"submit\">Annuler</button></form>");
		}
	}
	static const code SHORT[3] = {{"petit", "Petit"}, {"moyen", "Moyen"}, {"grand", "Grand"}};
	html_printf(b, "</td><td>%s (%lld pers.)</td><td>%s</td><td>%s</td></tr>", CODE_LABEL(SHORT, l->size), (long long)l->persons,
	            l->delivery ? "livraison" : *l->slot ? l->slot : "—",
	            is(l->state, "procuration") ? arena_printf(r->a, "Retiré par %s", l->proxy) : CODE_LABEL(FOOD_LINE_STATES, l->state));
}

static void counter_render(web_req *r, food_dist *d, const food_collect_out *res, err e)
{
	const char *tab = web_field(r, "liste") ? web_field(r, "liste") : web_arg(r, "liste") ? web_arg(r, "liste") : "attendu";
	const char *ps = web_arg(r, "page");
	int64_t page = 1, total = 0;
	if (!CODE_OK(LINE_TABS, tab) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "Liste ou page inconnues.");
		return;
	}
	food_dist_load(r->db, r->a, d->id, d); /* the counts after the action */
	food_line *v;
	int n = is(tab, "attendu") ? food_lines(r->db, r->a, d->id, "attendu", 0, PAGE, (int)((page - 1) * PAGE), &v, &total)
	      : is(tab, "livraison") ? food_lines(r->db, r->a, d->id, "", 1, PAGE, (int)((page - 1) * PAGE), &v, &total)
	      : is(tab, "fait") ? food_lines(r->db, r->a, d->id, "servi", -1, PAGE, (int)((page - 1) * PAGE), &v, &total)
	                        : food_lines(r->db, r->a, d->id, "", -1, PAGE, (int)((page - 1) * PAGE), &v, &total);
	page_begin(r, arena_printf(r->a, "Distribution du %s — %s", civil_fr(r->a, d->day), d->site));
	buf *b = &r->out;
	food_subnav(r, "");
	if (res && res->outcome)
		page_notice(r, e == E_OK ? "ok" : "error", res->outcome);
	html_printf(b, "<ul class=\"figures\"><li><strong>%lld</strong> foyers sur la liste</li><li><strong>%lld</strong> retirés</li>"
	               "<li><strong>%lld</strong> livrés</li><li><strong>%lld</strong> restent à servir</li></ul>",
	            (long long)d->expected, (long long)d->collected, (long long)d->delivered,
	            (long long)(d->expected - d->collected - d->delivered - d->absent));
	html_lit(b, "<div class=\"counter\">");
	if (!d->closed && web_can(r, PERM_FOOD_COUNTER)) {
		form_begin(r, "<form method=\"post\" action=\"/alimentaire/distributions/%lld/comptoir\" class=\"scan\">", (long long)d->id);
		html_printf(b, "<input type=\"hidden\" name=\"state\" value=\"retire\"><input type=\"hidden\" name=\"liste\" value=\"%s\">"
		               "<label for=\"q\">Carte, numéro de dossier ou nom</label><div class=\"row\"><input id=\"q\" name=\"q\" autofocus "
		               "autocomplete=\"off\" inputmode=\"search\" aria-describedby=\"q-hint\"> <button type=\"submit\" class=\"primary\">Colis retiré"
		               "</button></div><p id=\"q-hint\" class=\"hint muted\">Passez la carte devant le lecteur (ou tapez le numéro puis Entrée) : le colis "
		               "est noté retiré d’un seul geste.</p></form>", tab);
	}
	if (res && res->nmatches > 1) {
		html_table(b, "Plusieurs foyers correspondent", 0, "Foyer", "Action", "Colis", "Créneau", "État");
		for (int i = 0; i < res->nmatches; i++)
			line_row(r, d, &res->matches[i], tab);
		html_table_close(b);
	}
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes\"><ul>");
	for (int i = 0; i < COUNTOF(LINE_TABS); i++)
		html_printf(b, "<li><a href=\"/alimentaire/distributions/%lld?liste=%s\"%s>%s</a></li>", (long long)d->id, LINE_TABS[i].v,
		            is(tab, LINE_TABS[i].v) ? " aria-current=page" : "", LINE_TABS[i].fr);
	html_lit(b, "</ul></nav>");
	if (n > 0) {
		html_table(b, arena_printf(r->a, "%s (%lld)", CODE_LABEL(LINE_TABS, tab), (long long)total), 0, "Foyer", "Action", "Colis", "Créneau", "État");
		for (int i = 0; i < n; i++)
			line_row(r, d, &v[i], tab);
		html_table_close(b);
	} else {
		html_lit(b, "<p>Personne dans cette liste.</p>");
	}
	page_pager(r, arena_printf(r->a, "/alimentaire/distributions/%lld?liste=%s&", (long long)d->id, tab), page, total, PAGE);
	html_lit(b, "</div>");
	html_printf(b, "<p><a href=\"/alimentaire/distributions/%lld/livraisons.pdf\">Feuille de livraison à domicile (PDF)</a> · "
	               "<a href=\"/alimentaire/distributions/%lld/liste.pdf\">Liste d’émargement (PDF)</a></p>", (long long)d->id, (long long)d->id);
	if (!d->closed && web_can(r, PERM_FOOD_COUNTER)) {
		form_step_open(r, arena_printf(r->a, "/alimentaire/distributions/%lld/cloture", (long long)d->id), "clore", 0, "Fin de la distribution");
		html_lit(b, "<p>Les foyers encore attendus sont notés « non retiré » ; la distribution ne se modifie plus ensuite.</p>");
		form_step_close(r, "Clore la distribution", true);
	}
	page_end(r);
}

static bool dist_of(web_req *r, food_dist *d)
{
	if (!food_dist_load(r->db, r->a, r->param[0], d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return false;
	}
	return true;
}

static void dist_page(web_req *r)
{
	food_dist d;
	if (!dist_of(r, &d))
		return;
	journal_record(r->db, r->user->id, "read", "food_dist", d.id, NULL);
	counter_render(r, &d, NULL, E_OK);
}

/* The counter tablet's address: today's open distribution, wherever it is in the list. */
static db_sql Q_TODAY = DB_SQL(DB_SCOPED, "SELECT id FROM food_dists WHERE structure_id = $1 AND day = $2 AND closed = 0 ORDER BY id");

static void counter_today(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	db_res q = {0};
	int64_t ids[2] = {0};
	int n = 0;
	if (DBQ(r->db, &Q_TODAY, &q, A_TEXT(civil_iso(r->a, x.today))) == E_OK)
		while (db_next(&q))
			if (n++ < 2)
				ids[n - 1] = db_int(&q, 0);
	db_close(&q);
	food_dist d;
	if (n == 1 && food_dist_load(r->db, r->a, ids[0], &d)) {
		journal_record(r->db, r->user->id, "read", "food_dist", d.id, NULL);
		counter_render(r, &d, NULL, E_OK);
		return;
	}
	page_begin(r, "Le comptoir du jour");
	food_subnav(r, "");
	page_notice(r, "info", n ? "Plusieurs distributions sont ouvertes aujourd’hui : choisissez la vôtre dans la liste."
	                         : "Aucune distribution n’est ouverte aujourd’hui : préparez-la depuis la liste des distributions.");
	html_lit(&r->out, "<p><a href=\"/alimentaire\">Les distributions</a></p>");
	page_end(r);
}

static void counter_post(web_req *r)
{
	food_dist d;
	if (!dist_of(r, &d))
		return;
	food_ctx x = FOOD_CTX(r);
	int64_t line = 0;
	const char *ls = web_field(r, "line");
	if (ls && *ls && !text_to_int64(ls, 1, INT64_MAX, &line)) {
		web_error(r, E_INPUT, "Ligne inconnue.");
		return;
	}
	food_collect_out res;
	err e = food_collect(&x, &d, line, web_field(r, "q"), web_field(r, "state") ? web_field(r, "state") : "retire", web_field(r, "proxy"), &res);
	if (e != E_OK)
		r->status = e == E_INPUT ? 400 : e == E_NOT_FOUND ? 404 : e == E_CONFLICT ? 409 : 500;
	counter_render(r, &d, &res, e);
}

static void dist_close(web_req *r)
{
	food_dist d;
	if (!dist_of(r, &d))
		return;
	food_ctx x = FOOD_CTX(r);
	err e = food_dist_close(&x, &d);
	if (e != E_OK) {
		web_error(r, e, e == E_CONFLICT ? "Cette distribution est déjà close." : NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/alimentaire/distributions/%lld?liste=", (long long)d.id));
}

/* The delivery sheet, or the signing list of the counter: every line of the kind, in order. */
static void dist_sheet(web_req *r, bool delivery)
{
	food_dist d;
	if (!dist_of(r, &d))
		return;
	const char *why = NULL;
	const char *title = arena_printf(r->a, "%s — distribution du %s, %s", delivery ? "Livraisons à domicile" : "Liste d’émargement",
	                                 civil_fr(r->a, d.day), d.site);
	pdf_doc *pd = pdf_new(title, &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	pdf_small(pd, r->user->structure_name);
	pdf_heading(pd, title);
	int64_t total = 0, k = 0;
	for (int off = 0;; off += 200) {
		food_line *v;
		int n = food_lines(r->db, r->a, d.id, "", delivery ? 1 : 0, 200, off, &v, &total);
		for (int i = 0; i < n; i++) {
			k++;
			if (delivery)
				pdf_para(pd, arena_printf(r->a, "%lld. %s %s (%s) — %s\n%s %s — tél. %s\nLivré : ☐   Absent : ☐", (long long)k, v[i].last_name,
				                          v[i].first_names, v[i].file_no, CODE_LABEL(FOOD_SIZES, v[i].size), *v[i].address1 ? v[i].address1 : "adresse non renseignée",
				                          v[i].address2, *v[i].phone ? v[i].phone : "non renseigné"));
			else
				pdf_field(pd, arena_printf(r->a, "%lld. %s %s (%s) %s", (long long)k, v[i].last_name, v[i].first_names, v[i].file_no,
				                           *v[i].slot ? v[i].slot : ""),
				          arena_printf(r->a, "%s — signature : ______________", CODE_LABEL(FOOD_SIZES, v[i].size)));
		}
		if (n < 200)
			break;
	}
	if (!k)
		pdf_para(pd, delivery ? "Aucune livraison pour cette distribution." : "Aucun foyer sur la liste.");
	journal_record(r->db, r->user->id, "export", "food_dist", d.id, delivery ? "delivery sheet" : "signing list");
	pdf_send(r, pd, arena_printf(r->a, "%s-%s.pdf", delivery ? "livraisons" : "emargement", d.day));
}

static void dist_delivery_pdf(web_req *r) { dist_sheet(r, true); }
static void dist_list_pdf(web_req *r) { dist_sheet(r, false); }

/* ---- access decisions ------------------------------------------------------------------------------------ */

static const code DEC_LISTS[4] = {{"renouveler", "À renouveler"}, {"actives", "En cours"}, {"refusees", "Refusés"}, {"", "Tous"}};

static const char *period(web_req *r, const food_decision *d)
{
	if (!d->granted)
		return arena_printf(r->a, "refusé le %s", civil_fr(r->a, d->from_on));
	if (*d->ended_on)
		return arena_printf(r->a, "du %s au %s, terminé le %s", civil_fr(r->a, d->from_on), civil_fr(r->a, d->to_on), civil_fr(r->a, d->ended_on));
	return arena_printf(r->a, "du %s au %s", civil_fr(r->a, d->from_on), civil_fr(r->a, d->to_on));
}

static const char *terms(web_req *r, const food_decision *d)
{
	if (!d->granted)
		return "—";
	if (!strcmp(d->kind, "epicerie"))
		return arena_printf(r->a, "%s par mois, participation %lld %%", money_format_known(r->a, d->allowance >= 0, d->allowance), (long long)d->rate);
	return arena_printf(r->a, "%s%s", CODE_LABEL(FOOD_SIZES, d->size), d->delivery ? ", livré à domicile" : "");
}

static void decisions_page(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "renouveler", *ps = web_arg(r, "page");
	int64_t page = 1, total = 0;
	if (!CODE_OK(DEC_LISTS, list) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "Liste ou page inconnues.");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	food_decision *v;
	bool csv = is(web_arg(r, "format"), "csv");
	if (csv) {
		static const char *const head[] = {"Dossier du foyer", "Accès", "Décision", "Début", "Fin", "Montant mensuel", "Taux", "Personnes", "Motif"};
		buf *b = &r->out;
		buf_adds(b, "\xEF\xBB\xBF");
		for (int k = 0; k < COUNTOF(head); k++)
			csv_write_cell(b, head[k], k == COUNTOF(head) - 1);
		int64_t rows = 0;
		for (int off = 0;; off += 500) {
			int n = food_decisions(&x, list, 500, off, &v, &total);
			const char **nos = n > 0 ? persons_file_nos_of(r->db, r->a, v, sizeof *v, offsetof(food_decision, household_id), n) : NULL;
			for (int i = 0; nos && i < n; i++) {
				const char *no = nos[i];
				const char *c[] = {no ? no : "", CODE_LABEL(FOOD_KINDS, v[i].kind), v[i].granted ? "accordé" : "refusé", v[i].from_on,
				                   v[i].granted ? (*v[i].ended_on ? v[i].ended_on : v[i].to_on) : "",
				                   v[i].allowance >= 0 ? money_format(r->a, v[i].allowance) : "", v[i].rate >= 0 ? arena_printf(r->a, "%lld", (long long)v[i].rate) : "",
				                   arena_printf(r->a, "%lld", (long long)v[i].persons), v[i].reason};
				for (int k = 0; k < COUNTOF(c); k++)
					csv_write_cell(b, c[k], k == COUNTOF(c) - 1);
			}
			rows += n > 0 ? n : 0;
			if (n < 500)
				break;
		}
		r->out_type = "text/csv; charset=utf-8";
		web_header(r, "Content-Disposition: attachment; filename=\"droits-aide-alimentaire.csv\"");
		journal_record(r->db, r->user->id, "export", "food_decision", 0, arena_printf(r->a, "rows=%lld csv", (long long)rows));
		return;
	}
	int n = food_decisions(&x, list, PAGE, (int)((page - 1) * PAGE), &v, &total);
	page_begin(r, "Aide alimentaire — droits");
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/droits");
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes\"><ul>");
	for (int i = 0; i < COUNTOF(DEC_LISTS); i++)
		html_printf(b, "<li><a href=\"/alimentaire/droits?liste=%s\"%s>%s</a></li>", DEC_LISTS[i].v, is(list, DEC_LISTS[i].v) ? " aria-current=page" : "",
		            DEC_LISTS[i].fr);
	html_printf(b, "</ul></nav><p>%lld droit%s · <a href=\"/alimentaire/droits?liste=%s&amp;format=csv\">Exporter (CSV)</a> · un droit se décide "
	               "depuis la fiche du foyer.</p>", (long long)total, total > 1 ? "s" : "", list);
	if (is(list, "renouveler"))
		html_lit(b, "<p class=\"muted\">Droits accordés qui finissent dans les 15 jours, ou ont fini depuis moins de 30 jours, sans droit suivant.</p>");
	if (n > 0) {
		html_table(b, CODE_LABEL(DEC_LISTS, list), 0, "Foyer", "Accès", "Période", "Conditions", "Motif");
		for (int i = 0; i < n; i++)
			html_printf(b, "<tr><td><a href=\"/alimentaire/droits/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", (long long)v[i].id,
			            food_who(r->db, r->a, v[i].household_id), CODE_LABEL(FOOD_KINDS, v[i].kind), period(r, &v[i]), terms(r, &v[i]),
			            *v[i].reason ? v[i].reason : "—");
		html_table_close(b);
	} else {
		html_lit(b, "<p>Aucun droit dans cette liste.</p>");
	}
	page_pager(r, arena_printf(r->a, "/alimentaire/droits?liste=%s&", list), page, total, PAGE);
	page_end(r);
}

static int64_t household_arg(web_req *r)
{
	const char *hs = web_field(r, "household") ? web_field(r, "household") : web_arg(r, "foyer");
	int64_t hid = 0;
	return hs && text_to_int64(hs, 1, INT64_MAX, &hid) && persons_household_exists(r->db, hid) ? hid : 0;
}

static void decision_new_form(web_req *r, const form_errors *fe)
{
	int64_t hid = household_arg(r);
	if (!hid) {
		web_error(r, E_NOT_FOUND, "Décidez un droit depuis la fiche du foyer.");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	food_settings st;
	food_settings_get(r->db, &st);
	const char *kind = typed(r, "kind", web_arg(r, "kind") && CODE_OK(FOOD_KINDS, web_arg(r, "kind")) ? web_arg(r, "kind") : "colis");
	page_begin(r, "Décider l’accès à l’aide alimentaire");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<p>Foyer <a href=\"/foyers/%lld\">%s</a>.</p>", (long long)hid, food_who(r->db, r->a, hid));
	html_lit(b, "<h2>Ce que dit le règlement aujourd’hui</h2><dl class=\"facts\">");
	for (int k = 0; k < COUNTOF(FOOD_KINDS); k++) {
		int state;
		int64_t amount;
		const char *explain;
		food_eligibility(&x, hid, FOOD_KINDS[k].v, &state, &amount, &explain);
		html_printf(b, "<dt>%s</dt><dd><strong>%s</strong>%s — %s</dd>", FOOD_KINDS[k].fr,
		            state == 1 ? "éligible" : state == 0 ? "non éligible" : state == -1 ? "ne peut pas conclure" : "pas de règle",
		            state == 1 && !strcmp(FOOD_KINDS[k].v, "epicerie") ? arena_printf(r->a, " (%s par mois)", money_format(r->a, amount)) : "", explain);
	}
	html_lit(b, "</dl>");
	form_begin(r, "<form method=\"post\" action=\"/alimentaire/droits\" novalidate><input type=\"hidden\" name=\"household\" value=\"%lld\">",
	           (long long)hid);
	html_lit(b, "<div class=\"grid\">");
	FORM_SELECT_CODE(b, "kind", "Accès", FOOD_KINDS, kind, fe);
	static const code DECISIONS[2] = {{"accorde", "Accordé"}, {"refuse", "Refusé"}};
	FORM_SELECT_CODE(b, "decision", "Décision", DECISIONS, typed(r, "decision", "accorde"), fe);
	form_input(b, &(form_field){.name = "from_on", .label = "À partir du", .type = "date",
	                            .value = typed(r, "from_on", web_arg(r, "from_on") ? web_arg(r, "from_on") : civil_iso(r->a, x.today))}, fe);
	form_input(b, &(form_field){.name = "months", .label = "Durée (mois)", .type = "number",
	                            .value = typed(r, "months", arena_printf(r->a, "%d", st.months))}, fe);
	form_input(b, &(form_field){.name = "allowance", .label = "Épicerie : montant mensuel (€)", .value = typed(r, "allowance", NULL),
	                            .hint = "Vide : celui du règlement."}, fe);
	form_input(b, &(form_field){.name = "rate", .label = "Épicerie : participation (%)", .type = "number",
	                            .value = typed(r, "rate", arena_printf(r->a, "%d", st.rate))}, fe);
	html_lit(b, "</div>");
	bool deliv = kv_get(&r->form, "delivery") != NULL;
	html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"f-delivery\" name=\"delivery\" value=\"1\"%s>"
	               "<label for=\"f-delivery\">Colis livré à domicile (la personne ne peut pas se déplacer)</label></div>", deliv ? " checked" : "");
	form_input(b, &(form_field){.name = "reason", .label = "Motif", .type = "textarea", .value = typed(r, "reason", NULL),
	                            .hint = "Obligatoire pour un refus, ou pour accorder quand le règlement ne le permet pas (dérogation)."}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer la décision</button></form>");
	page_end(r);
}

static void decision_new(web_req *r) { decision_new_form(r, NULL); }

static void decision_create(web_req *r)
{
	form_errors fe = {0};
	int64_t id = 0;
	food_ctx x = FOOD_CTX(r);
	err e = food_decision_create(&x, &r->form, &fe, &id);
	page_after_post(r, e, &fe, decision_new_form, arena_printf(r->a, "/alimentaire/droits/%lld?ok=1", (long long)id));
}

static void decision_render(web_req *r, food_decision *d, const form_errors *fe, const char *notice)
{
	page_begin(r, arena_printf(r->a, "%s — %s", CODE_LABEL(FOOD_KINDS, d->kind), food_who(r->db, r->a, d->household_id)));
	buf *b = &r->out;
	if (notice)
		page_notice(r, fe || !web_arg(r, "ok") ? "error" : "ok", notice);
	form_scope(fe && fe->n ? "terminer" : NULL);
	form_error_summary(b, fe);
	form_scope(NULL);
	food_ctx x = FOOD_CTX(r);
	bool live = d->granted && !*d->ended_on && strcmp(d->to_on, civil_iso(r->a, x.today)) >= 0;
	html_printf(b, "<dl class=\"facts\"><dt>Foyer</dt><dd><a href=\"/foyers/%lld\">%s</a></dd><dt>Décision</dt><dd>%s</dd><dt>Période</dt><dd>%s</dd>"
	               "<dt>Conditions</dt><dd>%s</dd><dt>Personnes au foyer</dt><dd>%lld</dd><dt>Motif</dt><dd>%s</dd><dt>Le règlement disait</dt><dd>%s%s</dd>"
	               "<dt>Décidé le</dt><dd>%s</dd>",
	            (long long)d->household_id, food_who(r->db, r->a, d->household_id), d->granted ? "accordé" : "refusé", period(r, d), terms(r, d),
	            (long long)d->persons, *d->reason ? d->reason : "—", d->eligible ? "éligible — " : "", *d->explain ? d->explain : "non renseigné",
	            civil_fr(r->a, d->created_on));
	if (*d->end_reason)
		html_printf(b, "<dt>Motif de la fin</dt><dd>%s</dd>", d->end_reason);
	html_lit(b, "</dl>");
	if (d->granted) {
		html_printf(b, "<p><a href=\"/alimentaire/droits/%lld/carte.pdf\">Carte avec le code-barres (PDF)</a>", (long long)d->id);
		if (!strcmp(d->kind, "epicerie") && live)
			html_printf(b, " · <a href=\"/alimentaire/epicerie/caisse?foyer=%lld\">Passer en caisse</a>", (long long)d->household_id);
		html_lit(b, "</p>");
	}
	if (d->granted && web_can(r, PERM_FOOD_DECIDE) && !*d->ended_on) {
		civil_date to;
		civil_parse(d->to_on, &to);
		html_printf(b, "<p><a class=\"button\" href=\"/alimentaire/droits/nouveau?foyer=%lld&amp;kind=%s&amp;from_on=%s\">Renouveler à partir du %s</a></p>",
		            (long long)d->household_id, d->kind, civil_iso(r->a, civil_from_days(civil_to_days(to) + 1)),
		            civil_fr(r->a, civil_iso(r->a, civil_from_days(civil_to_days(to) + 1))));
		const char *url = arena_printf(r->a, "/alimentaire/droits/%lld/action", (long long)d->id);
		form_step_open(r, url, "terminer", d->version, "Mettre fin au droit avant son terme");
		html_lit(b, "<div class=\"grid\">");
		form_input(b, &(form_field){.name = "ended_on", .label = "Fin le", .type = "date",
		                            .value = fe ? typed(r, "ended_on", NULL) : civil_iso(r->a, x.today)}, fe);
		form_input(b, &(form_field){.name = "end_reason", .label = "Motif", .required = true, .value = fe ? typed(r, "end_reason", NULL) : NULL}, fe);
		html_lit(b, "</div>");
		form_step_close(r, "Mettre fin au droit", true);
	}
	page_end(r);
}

static void decision_page(web_req *r)
{
	food_decision d;
	if (!food_decision_load(r->db, r->a, r->param[0], &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "food_decision", d.id, NULL);
	decision_render(r, &d, NULL, web_arg(r, "ok") ? "C’est enregistré." : NULL);
}

static void decision_action(web_req *r)
{
	food_decision d;
	if (!food_decision_load(r->db, r->a, r->param[0], &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&r->form, "action");
	food_ctx x = FOOD_CTX(r);
	err e = food_decision_act(&x, &d, action ? action : "", &r->form, &fe, &why);
	if (e == E_INPUT || e == E_CONFLICT) {
		r->status = e == E_INPUT ? 400 : 409;
		if (e == E_CONFLICT)
			food_decision_load(r->db, r->a, d.id, &d);
		decision_render(r, &d, e == E_INPUT ? &fe : NULL, why);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/alimentaire/droits/%lld?ok=1", (long long)d.id));
}

/* The card the household shows at the counter and the till: its file number as a barcode. */
static void decision_card(web_req *r)
{
	food_decision d;
	if (!food_decision_load(r->db, r->a, r->param[0], &d) || !d.granted) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	const char *no = persons_file_no(r->db, r->a, d.household_id), *why = NULL;
	pdf_doc *pd = pdf_new("Carte d’aide alimentaire", &why);
	if (!pd || !no) {
		if (pd)
			pdf_free(pd);
		web_error(r, E_INTERNAL, why);
		return;
	}
	double x = 20, y = pdf_cursor_mm(pd);
	pdf_frame(pd, x, y, 85.6, 54, true);
	pdf_text_at(pd, x + 4, y + 6, 8, false, r->user->structure_name);
	pdf_text_at(pd, x + 4, y + 12, 11, true, CODE_LABEL(FOOD_KINDS, d.kind));
	pdf_text_at(pd, x + 4, y + 18, 10, false, food_who(r->db, r->a, d.household_id));
	pdf_text_at(pd, x + 4, y + 23, 8, false, arena_printf(r->a, "Valable du %s au %s", civil_fr(r->a, d.from_on), civil_fr(r->a, d.to_on)));
	pdf_barcode(pd, no, x + 4, y + 27, 13);
	pdf_text_at(pd, x + 4, y + 45, 9, true, arena_printf(r->a, "Dossier %s", no));
	pdf_cursor_set_mm(pd, y + 62);
	pdf_small(pd, "Découpez la carte en suivant le pointillé. Au comptoir et à la caisse, le code-barres suffit.");
	journal_record(r->db, r->user->id, "export", "food_decision", d.id, "card");
	pdf_send(r, pd, arena_printf(r->a, "carte-%s.pdf", no));
}

/* ---- settings ---------------------------------------------------------------------------------------------- */

static void settings_form(web_req *r, const form_errors *fe)
{
	food_settings st;
	food_settings_get(r->db, &st);
	page_begin(r, "Aide alimentaire — réglages");
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/reglage");
	if (web_arg(r, "ok") && !fe)
		page_notice(r, "ok", "C’est enregistré.");
	form_error_summary(b, fe);
	html_lit(b, "<p class=\"muted\">Qui a droit et à quel montant se lit dans le règlement des aides (règles « colis_alimentaire » et "
	            "« epicerie_sociale »). Ici, ce que le règlement ne dit pas.</p>");
	form_begin(r, "<form method=\"post\" action=\"/alimentaire/reglage\" novalidate>");
	html_lit(b, "<div class=\"grid\">");
	form_input(b, &(form_field){.name = "rate", .label = "Participation à l’épicerie (% du prix en magasin)", .type = "number",
	                            .value = typed(r, "rate", arena_printf(r->a, "%d", st.rate))}, fe);
	form_input(b, &(form_field){.name = "months", .label = "Durée habituelle d’un droit (mois)", .type = "number",
	                            .value = typed(r, "months", arena_printf(r->a, "%d", st.months))}, fe);
	form_input(b, &(form_field){.name = "near_days", .label = "Alerte avant une DLC (jours)", .type = "number",
	                            .value = typed(r, "near_days", arena_printf(r->a, "%d", st.near_days)),
	                            .hint = "Une DDM est signalée dix fois plus tôt."}, fe);
	static const char *const names[3] = {"kg_small", "kg_medium", "kg_large"};
	static const char *const labels[3] = {"Poids moyen d’un petit colis (kg)", "Poids moyen d’un colis moyen (kg)", "Poids moyen d’un grand colis (kg)"};
	for (int i = 0; i < 3; i++)
		form_input(b, &(form_field){.name = names[i], .label = labels[i],
		                            .value = typed(r, names[i], arena_printf(r->a, "%lld,%lld", (long long)(st.grams[i] / 1000),
		                                                                     (long long)(st.grams[i] % 1000 / 100)))}, fe);
	html_lit(b, "</div><button type=\"submit\" class=\"primary\">Enregistrer</button></form>");
	page_end(r);
}

static void settings_page(web_req *r) { settings_form(r, NULL); }

static void settings_post(web_req *r)
{
	form_errors fe = {0};
	food_ctx x = FOOD_CTX(r);
	page_after_post(r, food_settings_set(&x, &r->form, &fe), &fe, settings_form, "/alimentaire/reglage?ok=1");
}

/* ---- what other pages show ------------------------------------------------------------------------------------ */

/* The household page's section: its decisions, the six newest unless all are asked (?droits=tous), and its last
 * three visits to the grocery — one statement. */
void food_section(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	food_decision *v;
	food_visit *vv;
	int n = 0, nv = 0;
	err e = module_section_has_rows(r) ? food_household_of(r->db, r->a, hid, 3, &v, &n, &vv, &nv) : E_OK;
	bool all = web_arg(r, "droits") && !strcmp(web_arg(r, "droits"), "tous");
	int shown = all || n <= 6 ? n : 6;
	html_lit(b, "<section aria-labelledby=\"t-food\"><h2 id=\"t-food\">Aide alimentaire</h2>");
	if (e != E_OK) {
		html_lit(b, "<p class=\"error\">L’aide alimentaire du foyer n’a pas pu être lue.</p>");
	} else if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < shown; i++)
			html_printf(b, "<li><a href=\"/alimentaire/droits/%lld\">%s</a> — %s — %s%s%s</li>", (long long)v[i].id, CODE_LABEL(FOOD_KINDS, v[i].kind),
			            period(r, &v[i]), terms(r, &v[i]), *v[i].reason ? " — motif : " : "", v[i].reason);
		html_lit(b, "</ul>");
		if (shown < n)
			html_printf(b, "<p><a href=\"/foyers/%lld?droits=tous#t-food\">Voir les %d droits du foyer</a></p>", (long long)hid, n);
		/* (The markup around the links is written as such: html_printf escapes its arguments.) */
		for (int i = 0; i < nv; i++) {
			if (i)
				html_lit(b, ", ");
			else
				html_lit(b, "<p>Derniers passages : ");
			html_printf(b, "<a href=\"/alimentaire/epicerie/passages/%lld\">épicerie le %s</a> (%s)", (long long)vv[i].id,
			            civil_fr(r->a, vv[i].day), money_format(r->a, vv[i].value));
		}
		if (nv > 0)
			html_lit(b, ".</p>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucun droit à l’aide alimentaire.</p>");
	}
	if (web_can(r, PERM_FOOD_DECIDE))
		html_printf(b, "<p><a href=\"/alimentaire/droits/nouveau?foyer=%lld\">Décider l’accès (colis ou épicerie)</a></p>", (long long)hid);
	html_lit(b, "</section>");
}

static db_sql Q_W = DB_SQL(DB_SCOPED,
	"SELECT (SELECT count(*) FROM food_dists WHERE structure_id = $1 AND day = $2 AND closed = 0), "
	"(SELECT count(*) " FOOD_RENEW "), "
	"(SELECT count(*) FROM food_lots WHERE structure_id = $1 AND qty > 0 AND date_kind = 'dlc' AND best_on <= $4)");

void food_widget(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	food_settings st;
	food_settings_get(r->db, &st);
	db_res q = {0};
	int64_t dists = 0, renew = 0, near = 0;
	if (DBQ(r->db, &Q_W, &q, A_TEXT(civil_iso(r->a, x.today)), A_TEXT(civil_iso(r->a, civil_from_days(civil_to_days(x.today) + 15))),
	        A_TEXT(civil_iso(r->a, civil_from_days(civil_to_days(x.today) + st.near_days)))) == E_OK && db_next(&q))
		dists = db_int(&q, 0), renew = db_int(&q, 1), near = db_int(&q, 2);
	db_close(&q);
	if (!dists && !renew && !near)
		return;
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-hfood\"><h2 id=\"t-hfood\">Aide alimentaire</h2><ul>");
	if (dists)
		html_printf(b, "<li><a href=\"/alimentaire/comptoir\">%lld distribution%s aujourd’hui — le comptoir</a></li>", (long long)dists, dists > 1 ? "s" : "");
	if (renew)
		html_printf(b, "<li><a href=\"/alimentaire/droits?liste=renouveler\">%lld droit%s à renouveler dans les 15 jours</a></li>", (long long)renew,
		            renew > 1 ? "s" : "");
	if (near)
		html_printf(b, "<li><a href=\"/alimentaire/stock?liste=alertes\">%lld lot%s proche%s de la date limite</a></li>", (long long)near, near > 1 ? "s" : "",
		            near > 1 ? "s" : "");
	html_lit(b, "</ul></section>");
}

void food_pages_init(void)
{
	web_route(M_GET, "/alimentaire", dists_page, PERM_FOOD_READ, 0, "Aide alimentaire : distributions");
	web_route(M_POST, "/alimentaire/distributions", dist_create, PERM_FOOD_COUNTER, 0, "Aide alimentaire : préparer une distribution");
	web_route(M_GET, "/alimentaire/distributions/{id}", dist_page, PERM_FOOD_READ, 0, "Aide alimentaire : une distribution, le comptoir");
	web_route(M_GET, "/alimentaire/comptoir", counter_today, PERM_FOOD_READ, 0, "Aide alimentaire : le comptoir du jour");
	web_route(M_POST, "/alimentaire/distributions/{id}/comptoir", counter_post, PERM_FOOD_COUNTER, 0, "Aide alimentaire : colis retiré, livré");
	web_route(M_POST, "/alimentaire/distributions/{id}/cloture", dist_close, PERM_FOOD_COUNTER, 0, "Aide alimentaire : clore une distribution");
	web_route(M_GET, "/alimentaire/distributions/{id}/livraisons.pdf", dist_delivery_pdf, PERM_FOOD_READ, 0, "Aide alimentaire : feuille de livraison");
	web_route(M_GET, "/alimentaire/distributions/{id}/liste.pdf", dist_list_pdf, PERM_FOOD_READ, 0, "Aide alimentaire : liste d’émargement");
	web_route(M_GET, "/alimentaire/droits", decisions_page, PERM_FOOD_READ, 0, "Aide alimentaire : droits");
	web_route(M_GET, "/alimentaire/droits/nouveau", decision_new, PERM_FOOD_DECIDE, 0, "Aide alimentaire : décider l’accès");
	web_route(M_POST, "/alimentaire/droits", decision_create, PERM_FOOD_DECIDE, 0, "Aide alimentaire : décider l’accès");
	web_route(M_GET, "/alimentaire/droits/{id}", decision_page, PERM_FOOD_READ, 0, "Aide alimentaire : un droit");
	web_route(M_POST, "/alimentaire/droits/{id}/action", decision_action, PERM_FOOD_DECIDE, 0, "Aide alimentaire : mettre fin à un droit");
	web_route(M_GET, "/alimentaire/droits/{id}/carte.pdf", decision_card, PERM_FOOD_READ, 0, "Aide alimentaire : carte avec le code-barres");
	web_route(M_GET, "/alimentaire/reglage", settings_page, PERM_FOOD_SETTINGS, 0, "Aide alimentaire : réglages");
	web_route(M_POST, "/alimentaire/reglage", settings_post, PERM_FOOD_SETTINGS, 0, "Aide alimentaire : réglages");
}
