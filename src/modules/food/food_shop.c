/*
 * food_shop.c — the social grocery's pages: finding the household (card,
 * number, name), the till (what is left of the month before paying, the
 * basket priced at the shop price and at the participation rate), the
 * visit's receipt; the stock (lots with their dates and alerts, products,
 * receipts, exits, inventory).
 */
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/food/food_internal.h"
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

static const char *kg(arena *a, int64_t g) { return arena_printf(a, "%lld,%03lld kg", (long long)(g / 1000), (long long)(g % 1000)); }

/* The end of a number field in a table row: its error tied to it, then the row's end. */
static void field_error(buf *b, const char *name, const char *msg)
{
	if (msg)
		html_printf(b, " aria-invalid=\"true\" aria-describedby=\"e-%s\"> <span class=\"error\" id=\"e-%s\">%s</span></td></tr>", name, name, msg);
	else
		html_lit(b, "></td></tr>");
}

/* ---- the grocery: find, till, receipt ----------------------------------------------------------------------- */

static void shop_page(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	const char *q = web_arg(r, "q");
	int64_t hids[20];
	int nh = q && *q ? food_find(&x, q, hids, COUNTOF(hids)) : 0;
	if (nh == 1) {
		web_redirect(r, arena_printf(r->a, "/alimentaire/epicerie/caisse?foyer=%lld", (long long)hids[0]));
		return;
	}
	page_begin(r, "Épicerie sociale");
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/epicerie");
	html_printf(b, "<form method=\"get\" action=\"/alimentaire/epicerie\" class=\"counter scan\"><label for=\"q\">Carte, numéro de dossier ou nom</label>"
	               "<div class=\"row\"><input id=\"q\" name=\"q\" value=\"%s\" autofocus autocomplete=\"off\"> <button type=\"submit\" class=\"primary\">"
	               "Ouvrir la caisse</button></div></form>", q ? q : "");
	if (q && *q && nh == 0)
		page_notice(r, "error", "Aucun foyer ne correspond : vérifiez le numéro de la carte, ou cherchez par le nom.");
	if (nh > 1) {
		if (nh == COUNTOF(hids))
			html_printf(b, "<p>Les %d foyers qui correspondent le mieux ; il peut y en avoir d’autres : précisez le nom ou le prénom, "
			               "ou passez la carte.</p>", nh);
		html_table(b, "Plusieurs foyers correspondent", 0, "Foyer", "Épicerie");
		for (int i = 0; i < nh; i++) {
			food_decision d;
			bool ok = food_decision_on(r->db, r->a, hids[i], "epicerie", civil_iso(r->a, x.today), &d);
			html_printf(b, "<tr><td><a href=\"/alimentaire/epicerie/caisse?foyer=%lld\">%s</a></td><td>%s</td></tr>", (long long)hids[i],
			            food_who(r->db, r->a, hids[i]), ok ? arena_printf(r->a, "droit jusqu’au %s", civil_fr(r->a, d.to_on)) : "pas de droit en cours");
		}
		html_table_close(b);
	}
	food_visit *v;
	int n = food_visits_of_day(r->db, r->a, civil_iso(r->a, x.today), &v);
	if (n > 0) {
		int64_t value = 0, paid = 0;
		html_table(b, arena_printf(r->a, "Passages d’aujourd’hui (%d)", n), 0, "Foyer", "#Valeur", "#Payé", "Ticket");
		for (int i = 0; i < n; i++) {
			value += v[i].value, paid += v[i].paid;
			html_printf(b, "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td><a href=\"/alimentaire/epicerie/passages/%lld\">n° %lld</a></td></tr>",
			            food_who(r->db, r->a, v[i].household_id), money_format(r->a, v[i].value), money_format(r->a, v[i].paid), (long long)v[i].id,
			            (long long)v[i].id);
		}
		html_table_close(b);
		html_printf(b, "<p>Total du jour : %s au prix en magasin, %s encaissés.</p>", money_format(r->a, value), money_format(r->a, paid));
	} else {
		html_lit(b, "<p class=\"muted\">Aucun passage aujourd’hui.</p>");
	}
	page_end(r);
}

static int64_t household_arg(web_req *r)
{
	const char *hs = web_field(r, "household") ? web_field(r, "household") : web_arg(r, "foyer");
	int64_t hid = 0;
	return hs && text_to_int64(hs, 1, INT64_MAX, &hid) && persons_household_exists(r->db, hid) ? hid : 0;
}

static void till_render(web_req *r, int64_t hid, const food_account *acc, const food_basket *bk, const form_errors *fe)
{
	food_ctx x = FOOD_CTX(r);
	page_begin(r, arena_printf(r->a, "Caisse — %s", food_who(r->db, r->a, hid)));
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/epicerie");
	form_error_summary(b, fe);
	if (!acc->d.id) {
		page_notice(r, "error", "Ce foyer n’a pas de droit à l’épicerie en cours : rien ne se vend sans décision.");
		html_printf(b, "<p><a href=\"/foyers/%lld\">La fiche du foyer</a>", (long long)hid);
		if (web_can(r, PERM_FOOD_DECIDE))
			html_printf(b, " · <a href=\"/alimentaire/droits/nouveau?foyer=%lld&amp;kind=epicerie\">Décider l’accès</a>", (long long)hid);
		html_lit(b, "</p>");
		page_end(r);
		return;
	}
	html_printf(b, "<ul class=\"figures\"><li>Reste ce mois-ci : <strong>%s</strong></li><li>Montant mensuel : %s</li><li>Déjà utilisé : %s</li>"
	               "<li>Participation : %lld %%</li><li>Droit jusqu’au %s</li></ul>",
	            money_format_known(r->a, acc->d.allowance >= 0, acc->left), money_format_known(r->a, acc->d.allowance >= 0, acc->d.allowance),
	            money_format(r->a, acc->spent), (long long)acc->d.rate, civil_fr(r->a, acc->d.to_on));
	if (bk && bk->n && !fe) { /* a refused basket is not priced: its reasons say why */
		html_table(b, "Le panier", 0, "Produit", "#Quantité", "#Prix unitaire", "#Valeur");
		for (int i = 0; i < bk->n; i++)
			html_printf(b, "<tr><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>", bk->lines[i].name,
			            (long long)bk->lines[i].qty, money_format(r->a, bk->lines[i].price), money_format(r->a, bk->lines[i].value));
		html_table_close(b);
		html_printf(b, "<p><strong>Valeur %s — à payer %s</strong> — il restera %s ce mois-ci.</p>", money_format(r->a, bk->value),
		            money_format(r->a, bk->pay), money_format(r->a, acc->left - bk->value > 0 ? acc->left - bk->value : 0));
	}
	food_product *p;
	int n = food_products(&x, true, &p);
	form_begin(r, "<form method=\"post\" action=\"/alimentaire/epicerie/caisse\" novalidate class=\"counter\"><input type=\"hidden\" name=\"household\" "
	              "value=\"%lld\">", (long long)hid);
	html_table(b, "En rayon (lots périmés exclus ; les dates les plus proches partent d’abord)", 0, "Produit", "Catégorie", "#En stock", "#Prix", "Quantité");
	int shown = 0;
	for (int i = 0; i < n; i++) {
		if (p[i].stock <= 0)
			continue;
		shown++;
		const char *name = arena_printf(r->a, "p_%lld", (long long)p[i].id);
		const char *msg = form_error_for(fe, name);
		html_printf(b, "<tr><td><label for=\"f-%s\">%s</label></td><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%s</td><td>"
		               "<input id=\"f-%s\" name=\"%s\" type=\"number\" min=\"0\" max=\"%lld\" inputmode=\"numeric\" size=\"4\" value=\"%s\"",
		            name, p[i].name, CODE_LABEL(FOOD_CATEGORIES, p[i].category), (long long)p[i].stock, money_format(r->a, p[i].price), name, name,
		            (long long)p[i].stock, typed(r, name, ""));
		field_error(b, name, msg);
	}
	html_table_close(b);
	if (!shown)
		html_lit(b, "<p>Le rayon est vide : enregistrez une réception dans le stock.</p>");
	html_lit(b, "<p><button type=\"submit\" name=\"action\" value=\"calculer\">Calculer le panier</button> "
	            "<button type=\"submit\" name=\"action\" value=\"encaisser\" class=\"primary\">Encaisser</button></p></form>");
	page_end(r);
}

static void till_page(web_req *r)
{
	int64_t hid = household_arg(r);
	if (!hid) {
		web_error(r, E_NOT_FOUND, "Ouvrez la caisse en cherchant le foyer (carte, numéro ou nom).");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	food_account acc;
	food_account_of(&x, hid, &acc);
	journal_record(r->db, r->user->id, "read", "food_account", hid, NULL);
	till_render(r, hid, &acc, NULL, NULL);
}

static void till_post(web_req *r)
{
	int64_t hid = household_arg(r);
	if (!hid) {
		web_error(r, E_NOT_FOUND, "Foyer inconnu.");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	food_account acc;
	form_errors fe = {0};
	food_basket bk;
	food_account_of(&x, hid, &acc);
	if (!acc.d.id) {
		r->status = 409;
		till_render(r, hid, &acc, NULL, NULL);
		return;
	}
	err e = food_basket_read(&x, &acc, &r->form, &fe, &bk);
	if (e == E_OK && is(web_field(r, "action"), "encaisser")) {
		int64_t id = 0;
		e = food_visit_record(&x, &acc, &bk, &id);
		if (e == E_OK) {
			web_redirect(r, arena_printf(r->a, "/alimentaire/epicerie/passages/%lld?ok=1", (long long)id));
			return;
		}
		if (e == E_CONFLICT) {
			form_error(&fe, "basket", "Un autre passage vient d’être enregistré pour ce foyer, ou un lot s’est vidé : voici le reste à jour, "
			                          "vérifiez le panier.");
			food_account_of(&x, hid, &acc);
			e = E_INPUT;
		}
	}
	if (e != E_OK && e != E_INPUT) {
		web_error(r, e, NULL);
		return;
	}
	r->status = e == E_INPUT ? 400 : 200;
	till_render(r, hid, &acc, &bk, e == E_INPUT ? &fe : NULL);
}

static void visit_page(web_req *r)
{
	food_visit v;
	if (!food_visit_load(r->db, r->a, r->param[0], &v)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "food_visit", v.id, NULL);
	page_begin(r, arena_printf(r->a, "Ticket n° %lld — %s", (long long)v.id, food_who(r->db, r->a, v.household_id)));
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/epicerie");
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "Le passage est enregistré.");
	html_table(b, arena_printf(r->a, "Passage du %s", civil_fr(r->a, v.day)), 0, "Produit", "#Quantité", "#Prix unitaire", "#Valeur");
	for (int i = 0; i < v.n; i++)
		html_printf(b, "<tr><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>", v.lines[i].name,
		            (long long)v.lines[i].qty, money_format(r->a, v.lines[i].price), money_format(r->a, v.lines[i].value));
	html_table_close(b);
	html_printf(b, "<dl class=\"facts\"><dt>Valeur au prix en magasin</dt><dd>%s</dd><dt>Payé par le foyer</dt><dd>%s</dd><dt>Restait avant ce passage</dt>"
	               "<dd>%s</dd><dt>Reste après</dt><dd>%s</dd><dt>Poids</dt><dd>%s</dd></dl>",
	            money_format(r->a, v.value), money_format(r->a, v.paid), money_format(r->a, v.before),
	            money_format(r->a, v.before - v.value > 0 ? v.before - v.value : 0), kg(r->a, v.grams));
	html_printf(b, "<p><a href=\"/alimentaire/epicerie\">Foyer suivant</a> · <a href=\"/foyers/%lld\">La fiche du foyer</a></p>", (long long)v.household_id);
	page_end(r);
}

/* ---- stock -------------------------------------------------------------------------------------------------- */

static const code LOT_LISTS[4] = {{"stock", "En stock"}, {"alertes", "Dates proches ou passées"}, {"vides", "Épuisés"}, {"", "Tous"}};

static const char *date_of(web_req *r, const food_lot *l)
{
	if (!l->dated)
		return "sans date";
	const char *k = is(l->date_kind, "dlc") ? "DLC" : "DDM";
	if (l->days_left < 0)
		return arena_printf(r->a, "%s %s — <strong>passée</strong>", k, civil_fr(r->a, l->best_on));
	return arena_printf(r->a, "%s %s (dans %d j)", k, civil_fr(r->a, l->best_on), l->days_left);
}

static void stock_page(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "stock", *ps = web_arg(r, "page");
	int64_t page = 1, total = 0;
	if (!CODE_OK(LOT_LISTS, list) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "Liste ou page inconnues.");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	food_lot *v;
	int n = food_lots(&x, list, 0, PAGE, (int)((page - 1) * PAGE), &v, &total);
	page_begin(r, "Épicerie sociale — stock");
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/stock");
	if (web_can(r, PERM_FOOD_STOCK))
		html_lit(b, "<p><a href=\"/alimentaire/stock/reception\" class=\"button primary\">Enregistrer une réception</a> · "
		            "<a href=\"/alimentaire/stock/produits\">Produits</a> · <a href=\"/alimentaire/stock/inventaire\">Inventaire</a></p>");
	else
		html_lit(b, "<p><a href=\"/alimentaire/stock/produits\">Produits</a></p>");
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes\"><ul>");
	for (int i = 0; i < COUNTOF(LOT_LISTS); i++)
		html_printf(b, "<li><a href=\"/alimentaire/stock?liste=%s\"%s>%s</a></li>", LOT_LISTS[i].v, is(list, LOT_LISTS[i].v) ? " aria-current=page" : "",
		            LOT_LISTS[i].fr);
	html_lit(b, "</ul></nav>");
	if (n > 0) {
		html_table(b, arena_printf(r->a, "%s (%lld lots)", CODE_LABEL(LOT_LISTS, list), (long long)total), 0, "Lot", "Produit", "Date", "#Reste",
		           "#Reçu", "Origine", "Reçu le");
		for (int i = 0; i < n; i++) {
			html_printf(b, "<tr><td><a href=\"/alimentaire/stock/lots/%lld\">n° %lld</a></td><td>%s</td><td>", (long long)v[i].id, (long long)v[i].id,
			            v[i].product);
			html_trusted(b, date_of(r, &v[i])); /* built from dates only */
			html_printf(b, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td>%s%s%s</td><td>%s</td></tr>", (long long)v[i].qty,
			            (long long)v[i].qty_in, CODE_LABEL(FOOD_SOURCES, v[i].source), *v[i].origin ? " — " : "", v[i].origin,
			            civil_fr(r->a, v[i].received_on));
		}
		html_table_close(b);
	} else {
		html_lit(b, "<p>Aucun lot dans cette liste.</p>");
	}
	page_pager(r, arena_printf(r->a, "/alimentaire/stock?liste=%s&", list), page, total, PAGE);
	page_end(r);
}

static void reception_form(web_req *r, const form_errors *fe)
{
	food_ctx x = FOOD_CTX(r);
	food_product *p;
	int n = food_products(&x, true, &p);
	page_begin(r, "Enregistrer une réception");
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/stock");
	if (web_arg(r, "ok") && !fe)
		page_notice(r, "ok", "Le lot est entré en stock. Le suivant :");
	form_error_summary(b, fe);
	if (!n) {
		html_lit(b, "<p>Aucun produit : <a href=\"/alimentaire/stock/produits\">ajoutez d’abord les produits</a>.</p>");
		page_end(r);
		return;
	}
	form_begin(r, "<form method=\"post\" action=\"/alimentaire/stock/reception\" novalidate>");
	const char **vals = arena_array(r->a, (size_t)n, sizeof *vals), **labs = arena_array(r->a, (size_t)n, sizeof *labs);
	for (int i = 0; i < n && vals && labs; i++)
		vals[i] = arena_printf(r->a, "%lld", (long long)p[i].id), labs[i] = arena_printf(r->a, "%s (%s)", p[i].name, CODE_LABEL(FOOD_CATEGORIES, p[i].category));
	html_lit(b, "<div class=\"grid\">");
	if (vals && labs)
		form_select(b, "product", "Produit", vals, labs, n, typed(r, "product", ""), fe);
	form_input(b, &(form_field){.name = "qty", .label = "Quantité (unités)", .type = "number", .required = true, .value = typed(r, "qty", NULL)}, fe);
	form_input(b, &(form_field){.name = "weight_kg", .label = "Poids du lot (kg)", .value = typed(r, "weight_kg", NULL),
	                            .hint = "Vide : le poids du produit fois la quantité."}, fe);
	FORM_SELECT_CODE(b, "source", "Origine", FOOD_SOURCES, typed(r, "source", "banque_alimentaire"), fe);
	form_input(b, &(form_field){.name = "origin", .label = "Fournisseur ou donateur", .value = typed(r, "origin", NULL)}, fe);
	form_input(b, &(form_field){.name = "received_on", .label = "Reçu le", .type = "date", .value = typed(r, "received_on", civil_iso(r->a, x.today))}, fe);
	FORM_SELECT_CODE(b, "date_kind", "Date du produit", FOOD_DATE_KINDS, typed(r, "date_kind", "ddm"), fe);
	form_input(b, &(form_field){.name = "best_on", .label = "Date imprimée", .type = "date", .value = typed(r, "best_on", NULL)}, fe);
	html_lit(b, "</div><button type=\"submit\" class=\"primary\">Entrer en stock</button></form>");
	page_end(r);
}

static void reception_page(web_req *r) { reception_form(r, NULL); }

static void reception_post(web_req *r)
{
	form_errors fe = {0};
	int64_t id = 0;
	food_ctx x = FOOD_CTX(r);
	page_after_post(r, food_lot_receive(&x, &r->form, &fe, &id), &fe, reception_form, "/alimentaire/stock/reception?ok=1");
}

static void lot_render(web_req *r, food_lot *l, const form_errors *fe)
{
	page_begin(r, arena_printf(r->a, "Lot n° %lld — %s", (long long)l->id, l->product));
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/stock");
	if (web_arg(r, "ok") && !fe)
		page_notice(r, "ok", "C’est enregistré.");
	form_error_summary(b, fe);
	html_printf(b, "<dl class=\"facts\"><dt>Produit</dt><dd>%s (%s)</dd><dt>Reste</dt><dd>%lld sur %lld reçus</dd><dt>Poids du lot</dt><dd>%s</dd>"
	               "<dt>Origine</dt><dd>%s%s%s</dd><dt>Reçu le</dt><dd>%s</dd><dt>Date</dt><dd>",
	            l->product, CODE_LABEL(FOOD_CATEGORIES, l->category), (long long)l->qty, (long long)l->qty_in, kg(r->a, l->grams),
	            CODE_LABEL(FOOD_SOURCES, l->source), *l->origin ? " — " : "", l->origin, civil_fr(r->a, l->received_on));
	html_trusted(b, date_of(r, l));
	html_lit(b, "</dd></dl>");
	if (is(l->date_kind, "dlc") && l->days_left < 0 && l->qty > 0)
		page_notice(r, "error", "La date limite de consommation est passée : ce lot ne se vend plus. Sortez-le comme périmé.");
	if (l->qty > 0 && web_can(r, PERM_FOOD_STOCK)) {
		form_step_open(r, arena_printf(r->a, "/alimentaire/stock/lots/%lld/sortie", (long long)l->id), "sortie", 0, "Sortie du stock");
		html_lit(b, "<div class=\"grid\">");
		static const code EXITS[3] = {{"perime", "Périmé"}, {"perte", "Perte, casse"}, {"transfert", "Transfert à une autre structure"}};
		FORM_SELECT_CODE(b, "kind", "Motif", EXITS, typed(r, "kind", is(l->date_kind, "dlc") && l->days_left < 0 ? "perime" : "perte"), fe);
		form_input(b, &(form_field){.name = "qty", .label = "Quantité", .type = "number", .value = typed(r, "qty", arena_printf(r->a, "%lld", (long long)l->qty))},
		           fe);
		form_input(b, &(form_field){.name = "note", .label = "Note", .value = typed(r, "note", NULL), .hint = "Pour un transfert : à quelle structure."}, fe);
		html_lit(b, "</div>");
		form_step_close(r, "Sortir du stock", true);
	}
	page_end(r);
}

static void lot_page(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	food_lot l;
	if (!food_lot_load(&x, r->param[0], &l)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	lot_render(r, &l, NULL);
}

static void lot_exit(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	food_lot l;
	if (!food_lot_load(&x, r->param[0], &l)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	err e = food_lot_exit(&x, &l, &r->form, &fe);
	if (e == E_INPUT) {
		r->status = 400;
		food_lot_load(&x, l.id, &l);
		lot_render(r, &l, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/alimentaire/stock/lots/%lld?ok=1", (long long)l.id));
}

static void products_form(web_req *r, const form_errors *fe)
{
	food_ctx x = FOOD_CTX(r);
	food_product *p;
	int n = food_products(&x, false, &p);
	page_begin(r, "Épicerie sociale — produits");
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/stock");
	if (web_arg(r, "ok") && !fe)
		page_notice(r, "ok", "C’est enregistré.");
	if (n > 0) {
		html_table(b, arena_printf(r->a, "Produits (%d)", n), 0, "Produit", "Catégorie", "#Prix en magasin", "#Poids (g)", "#En stock", "#Lots", "Code-barres");
		for (int i = 0; i < n; i++)
			html_printf(b, "<tr%s><td><a href=\"/alimentaire/stock/produits/%lld\">%s</a></td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
			               "<td>%s</td></tr>", p[i].active ? "" : " class=\"gone\"", (long long)p[i].id, p[i].name, CODE_LABEL(FOOD_CATEGORIES, p[i].category),
			            money_format(r->a, p[i].price), (long long)p[i].grams, (long long)p[i].stock, (long long)p[i].lots,
			            *p[i].barcode ? p[i].barcode : "—");
		html_table_close(b);
	}
	if (web_can(r, PERM_FOOD_STOCK)) {
		form_begin(r, "<h2>Ajouter un produit</h2><form method=\"post\" action=\"/alimentaire/stock/produits\" novalidate>");
		form_error_summary(b, fe);
		html_lit(b, "<div class=\"grid\">");
		form_input(b, &(form_field){.name = "name", .label = "Nom", .required = true, .value = typed(r, "name", NULL)}, fe);
		FORM_SELECT_CODE(b, "category", "Catégorie", FOOD_CATEGORIES, typed(r, "category", "feculents"), fe);
		form_input(b, &(form_field){.name = "price", .label = "Prix en magasin (€)", .required = true, .value = typed(r, "price", NULL)}, fe);
		form_input(b, &(form_field){.name = "grams", .label = "Poids d’une unité (g)", .type = "number", .required = true, .value = typed(r, "grams", NULL)},
		           fe);
		form_input(b, &(form_field){.name = "barcode", .label = "Code-barres (EAN)", .value = typed(r, "barcode", NULL)}, fe);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Ajouter</button></form>");
	}
	page_end(r);
}

static void products_page(web_req *r) { products_form(r, NULL); }

static void product_post(web_req *r)
{
	form_errors fe = {0};
	int64_t id = 0;
	food_ctx x = FOOD_CTX(r);
	page_after_post(r, food_product_save(&x, 0, &r->form, &fe, &id), &fe, products_form, "/alimentaire/stock/produits?ok=1");
}

static void inventory_form(web_req *r, const form_errors *fe)
{
	food_ctx x = FOOD_CTX(r);
	page_begin(r, "Inventaire");
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/stock");
	if (web_arg(r, "ok") && !fe)
		page_notice(r, "ok", arena_printf(r->a, "Inventaire enregistré : %s lot(s) corrigé(s), écart total %s unité(s).", web_arg(r, "lots") ? web_arg(r, "lots") : "0",
		                                  web_arg(r, "ecart") ? web_arg(r, "ecart") : "0"));
	form_error_summary(b, fe);
	html_lit(b, "<p class=\"muted\">Comptez chaque lot en rayon et en réserve ; laissez vide un lot que vous ne comptez pas. Seuls les écarts sont "
	            "enregistrés, chacun comme un mouvement de stock.</p>");
	form_begin(r, "<form method=\"post\" action=\"/alimentaire/stock/inventaire\" novalidate>");
	html_table(b, "Lots en stock", 0, "Lot", "Produit", "Date", "#Attendu", "Compté");
	int64_t total = 0;
	for (int off = 0;; off += 500) {
		food_lot *v;
		int n = food_lots(&x, "stock", 0, 500, off, &v, &total);
		for (int i = 0; i < n; i++) {
			const char *name = arena_printf(r->a, "lot_%lld", (long long)v[i].id), *msg = form_error_for(fe, name);
			html_printf(b, "<tr><td>n° %lld</td><td><label for=\"f-%s\">%s</label></td><td>", (long long)v[i].id, name, v[i].product);
			html_trusted(b, date_of(r, &v[i]));
			html_printf(b, "</td><td class=\"num\">%lld</td><td><input id=\"f-%s\" name=\"%s\" type=\"number\" min=\"0\" size=\"5\" value=\"%s\"",
			            (long long)v[i].qty, name, name, typed(r, name, ""));
			field_error(b, name, msg);
		}
		if (n < 500)
			break;
	}
	html_table_close(b);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer l’inventaire</button></form>");
	page_end(r);
}

static void inventory_page(web_req *r) { inventory_form(r, NULL); }

static void inventory_post(web_req *r)
{
	form_errors fe = {0};
	int64_t n = 0, diff = 0;
	food_ctx x = FOOD_CTX(r);
	err e = food_inventory(&x, &r->form, &fe, &n, &diff);
	page_after_post(r, e, &fe, inventory_form, arena_printf(r->a, "/alimentaire/stock/inventaire?ok=1&lots=%lld&ecart=%lld", (long long)n, (long long)diff));
}

/* A product: its figures, its lots, its change (price, weight, category, withdrawn from sale). */
static void product_render(web_req *r, food_product *p, const form_errors *fe)
{
	food_ctx x = FOOD_CTX(r);
	page_begin(r, arena_printf(r->a, "Produit — %s", p->name));
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/stock");
	if (web_arg(r, "ok") && !fe)
		page_notice(r, "ok", "C’est enregistré.");
	form_error_summary(b, fe);
	html_printf(b, "<dl class=\"facts\"><dt>Catégorie</dt><dd>%s</dd><dt>Prix en magasin</dt><dd>%s</dd><dt>Poids d’une unité</dt><dd>%lld g</dd>"
	               "<dt>En stock (vendable aujourd’hui)</dt><dd>%lld</dd><dt>En vente</dt><dd>%s</dd></dl>",
	            CODE_LABEL(FOOD_CATEGORIES, p->category), money_format(r->a, p->price), (long long)p->grams, (long long)p->stock, p->active ? "oui" : "non, retiré");
	food_lot *v;
	int64_t total = 0;
	int n = food_lots(&x, "stock", p->id, 200, 0, &v, &total);
	if (n > 0) {
		html_table(b, arena_printf(r->a, "Lots en stock (%lld)", (long long)total), 0, "Lot", "Date", "#Reste", "Reçu le");
		for (int i = 0; i < n; i++) {
			html_printf(b, "<tr><td><a href=\"/alimentaire/stock/lots/%lld\">n° %lld</a></td><td>", (long long)v[i].id, (long long)v[i].id);
			html_trusted(b, date_of(r, &v[i]));
			html_printf(b, "</td><td class=\"num\">%lld</td><td>%s</td></tr>", (long long)v[i].qty, civil_fr(r->a, v[i].received_on));
		}
		html_table_close(b);
		if (total > n)
			html_printf(b, "<p><a href=\"/alimentaire/stock?liste=stock\">Les %lld lots dans la liste du stock</a></p>", (long long)total);
	}
	if (web_can(r, PERM_FOOD_STOCK)) {
		form_begin(r, "<h2>Modifier</h2><form method=\"post\" action=\"/alimentaire/stock/produits/%lld\" novalidate>", (long long)p->id);
		html_lit(b, "<div class=\"grid\">");
		form_input(b, &(form_field){.name = "name", .label = "Nom", .required = true, .value = typed(r, "name", p->name)}, fe);
		FORM_SELECT_CODE(b, "category", "Catégorie", FOOD_CATEGORIES, typed(r, "category", p->category), fe);
		form_input(b, &(form_field){.name = "price", .label = "Prix en magasin (€)", .required = true, .value = typed(r, "price", money_format(r->a, p->price))}, fe);
		form_input(b, &(form_field){.name = "grams", .label = "Poids d’une unité (g)", .type = "number", .required = true,
		                            .value = typed(r, "grams", arena_printf(r->a, "%lld", (long long)p->grams))}, fe);
		form_input(b, &(form_field){.name = "barcode", .label = "Code-barres (EAN)", .value = typed(r, "barcode", p->barcode)}, fe);
		html_lit(b, "</div>");
		bool off = fe ? kv_get(&r->form, "inactive") != NULL : !p->active;
		html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"f-inactive\" name=\"inactive\" value=\"1\"%s>"
		               "<label for=\"f-inactive\">Retiré de la vente (n’apparaît plus à la caisse ni à la réception)</label></div>", off ? " checked" : "");
		html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button></form>");
	}
	page_end(r);
}

static void product_page(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	food_product p;
	if (!food_product_load(&x, r->param[0], &p)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	product_render(r, &p, NULL);
}

static void product_update(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	food_product p;
	if (!food_product_load(&x, r->param[0], &p)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	int64_t id = 0;
	err e = food_product_save(&x, p.id, &r->form, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		product_render(r, &p, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/alimentaire/stock/produits/%lld?ok=1", (long long)p.id));
}

void food_shop_init(void)
{
	web_route(M_GET, "/alimentaire/epicerie", shop_page, PERM_FOOD_READ, 0, "Épicerie sociale : trouver le foyer, passages du jour");
	web_route(M_GET, "/alimentaire/epicerie/caisse", till_page, PERM_FOOD_COUNTER, 0, "Épicerie sociale : la caisse");
	web_route(M_POST, "/alimentaire/epicerie/caisse", till_post, PERM_FOOD_COUNTER, 0, "Épicerie sociale : calculer, encaisser");
	web_route(M_GET, "/alimentaire/epicerie/passages/{id}", visit_page, PERM_FOOD_READ, 0, "Épicerie sociale : un ticket");
	web_route(M_GET, "/alimentaire/stock", stock_page, PERM_FOOD_READ, 0, "Épicerie sociale : le stock");
	web_route(M_GET, "/alimentaire/stock/reception", reception_page, PERM_FOOD_STOCK, 0, "Épicerie sociale : une réception");
	web_route(M_POST, "/alimentaire/stock/reception", reception_post, PERM_FOOD_STOCK, 0, "Épicerie sociale : une réception");
	web_route(M_GET, "/alimentaire/stock/lots/{id}", lot_page, PERM_FOOD_READ, 0, "Épicerie sociale : un lot");
	web_route(M_POST, "/alimentaire/stock/lots/{id}/sortie", lot_exit, PERM_FOOD_STOCK, 0, "Épicerie sociale : sortie d’un lot");
	web_route(M_GET, "/alimentaire/stock/produits", products_page, PERM_FOOD_READ, 0, "Épicerie sociale : produits");
	web_route(M_POST, "/alimentaire/stock/produits", product_post, PERM_FOOD_STOCK, 0, "Épicerie sociale : ajouter un produit");
	web_route(M_GET, "/alimentaire/stock/produits/{id}", product_page, PERM_FOOD_READ, 0, "Épicerie sociale : un produit et ses lots");
	web_route(M_POST, "/alimentaire/stock/produits/{id}", product_update, PERM_FOOD_STOCK, 0, "Épicerie sociale : modifier un produit");
	web_route(M_GET, "/alimentaire/stock/inventaire", inventory_page, PERM_FOOD_STOCK, 0, "Épicerie sociale : inventaire");
	web_route(M_POST, "/alimentaire/stock/inventaire", inventory_post, PERM_FOOD_STOCK, 0, "Épicerie sociale : inventaire");
}
