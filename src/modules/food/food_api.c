/* food_api.c — the JSON API of food aid (every step the pages offer). */
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/food/food_internal.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

static json_t *jstr(const char *s) { return s && *s ? json_string(s) : json_null(); }
static json_t *jint_known(bool known, int64_t v) { return known ? json_integer(v) : json_null(); }

static json_t *decision_json(const food_decision *d)
{
	json_t *o = json_pack("{s:I,s:I,s:s,s:b,s:b,s:s,s:I,s:s,s:b,s:i}", "id", (json_int_t)d->id, "household_id", (json_int_t)d->household_id, "kind",
	                      d->kind, "granted", d->granted, "eligible", d->eligible, "from_on", d->from_on, "persons", (json_int_t)d->persons, "size",
	                      d->size, "delivery", d->delivery, "version", (int)d->version);
	json_object_set_new(o, "to_on", d->granted ? json_string(d->to_on) : json_null());
	json_object_set_new(o, "allowance_cents", jint_known(d->allowance >= 0, d->allowance));
	json_object_set_new(o, "rate_percent", jint_known(d->rate >= 0, d->rate));
	const char *k[] = {"reason", "explain", "ended_on", "end_reason"};
	const char *v[] = {d->reason, d->explain, d->ended_on, d->end_reason};
	for (int i = 0; i < COUNTOF(k); i++)
		json_object_set_new(o, k[i], jstr(v[i]));
	return o;
}

static json_t *line_json(const food_line *l)
{
	json_t *o = json_pack("{s:I,s:I,s:s,s:I,s:s,s:b,s:b}", "id", (json_int_t)l->id, "household_id", (json_int_t)l->household_id, "file_no",
	                      l->file_no, "persons", (json_int_t)l->persons, "size", l->size, "delivery", l->delivery, "added", l->added);
	json_object_set_new(o, "state", json_string(l->state));
	json_object_set_new(o, "slot", jstr(l->slot));
	json_object_set_new(o, "proxy", jstr(l->proxy));
	json_object_set_new(o, "at", l->at ? json_integer(l->at) : json_null());
	return o;
}

static json_t *dist_json(const food_dist *d)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:b}", "id", (json_int_t)d->id, "day", d->day, "site", d->site, "expected",
	                      (json_int_t)d->expected, "collected", (json_int_t)d->collected, "delivered", (json_int_t)d->delivered, "absent",
	                      (json_int_t)d->absent, "closed", d->closed);
	json_object_set_new(o, "slots", jstr(d->slots));
	return o;
}

static json_t *lot_json(const food_lot *l)
{
	json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:I,s:I,s:I,s:s,s:s}", "id", (json_int_t)l->id, "product_id", (json_int_t)l->product_id, "product",
	                      l->product, "category", l->category, "qty_in", (json_int_t)l->qty_in, "qty", (json_int_t)l->qty, "grams",
	                      (json_int_t)l->grams, "source", l->source, "received_on", l->received_on);
	json_object_set_new(o, "origin", jstr(l->origin));
	json_object_set_new(o, "date_kind", jstr(l->date_kind));
	json_object_set_new(o, "best_on", jstr(l->best_on));
	json_object_set_new(o, "days_left", l->dated ? json_integer(l->days_left) : json_null());
	return o;
}

static json_t *basket_json(const food_basket_line *v, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:I,s:s,s:I,s:I,s:I,s:I}", "product_id", (json_int_t)v[i].product_id, "lot_id", (json_int_t)v[i].lot_id,
		                                     "name", v[i].name, "qty", (json_int_t)v[i].qty, "price_cents", (json_int_t)v[i].price, "value_cents",
		                                     (json_int_t)v[i].value, "grams", (json_int_t)v[i].grams));
	return arr;
}

static bool page_arg(web_req *r, int64_t *page)
{
	const char *ps = web_arg(r, "page");
	*page = 1;
	if (ps && *ps && !text_to_int64(ps, 1, 100000, page)) {
		web_error(r, E_INPUT, "page : 1 ou plus.");
		return false;
	}
	return true;
}

static void api_eligibility(web_req *r)
{
	const char *hs = web_arg(r, "foyer");
	int64_t hid = 0;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid)) {
		web_error(r, E_INPUT, "foyer : le numéro (id) du foyer.");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	json_t *o = json_object();
	for (int k = 0; k < COUNTOF(FOOD_KINDS); k++) {
		int state;
		int64_t amount;
		const char *explain;
		food_eligibility(&x, hid, FOOD_KINDS[k].v, &state, &amount, &explain);
		json_object_set_new(o, FOOD_KINDS[k].v, json_pack("{s:s,s:o,s:s}", "answer",
		                                                   state == 1 ? "eligible" : state == 0 ? "non_eligible" : state == -1 ? "incomplet" : "sans_regle",
		                                                   "allowance_cents", jint_known(state == 1 && k == 1, amount), "explain", explain ? explain : ""));
	}
	web_json(r, 200, o);
}

static void api_decisions(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		int64_t id = 0;
		if (!web_json_form(r, &in) || web_api_failed(r, food_decision_create(&x, &in, &fe, &id), &fe, NULL))
			return;
		food_decision d;
		web_json(r, 201, food_decision_load(r->db, r->a, id, &d) ? decision_json(&d) : json_pack("{s:I}", "id", (json_int_t)id));
		return;
	}
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "actives";
	int64_t page, total = 0;
	if (strcmp(list, "renouveler") && strcmp(list, "actives") && strcmp(list, "refusees") && *list) {
		web_error(r, E_INPUT, "liste : renouveler, actives, refusees ou vide.");
		return;
	}
	if (!page_arg(r, &page))
		return;
	food_decision *v;
	int n = food_decisions(&x, list, 100, (int)((page - 1) * 100), &v, &total);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, decision_json(&v[i]));
	web_json(r, 200, json_pack("{s:o,s:I,s:o}", "decisions", arr, "total", (json_int_t)total, "next_page",
	                           page * 100 < total ? json_integer(page + 1) : json_null()));
}

static void api_decision(web_req *r)
{
	food_decision d;
	if (!food_decision_load(r->db, r->a, r->param[0], &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		const char *why = NULL;
		food_ctx x = FOOD_CTX(r);
		if (!web_json_form(r, &in))
			return;
		const char *action = kv_get(&in, "action");
		err e = food_decision_act(&x, &d, action ? action : "", &in, &fe, &why);
		if (web_api_failed(r, e, &fe, e == E_NOT_FOUND ? "action : terminer." : why))
			return;
		food_decision_load(r->db, r->a, d.id, &d);
	} else {
		journal_record(r->db, r->user->id, "read", "food_decision", d.id, "api");
	}
	web_json(r, 200, decision_json(&d));
}

static void api_dists(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		int64_t id = 0, lines = 0;
		if (!web_json_form(r, &in) || web_api_failed(r, food_dist_create(&x, &in, &fe, &id, &lines), &fe, NULL))
			return;
		food_dist d;
		web_json(r, 201, food_dist_load(r->db, r->a, id, &d) ? dist_json(&d) : json_pack("{s:I}", "id", (json_int_t)id));
		return;
	}
	int64_t page, total = 0;
	if (!page_arg(r, &page))
		return;
	food_dist *v;
	int n = food_dists(&x, 100, (int)((page - 1) * 100), &v, &total);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, dist_json(&v[i]));
	web_json(r, 200, json_pack("{s:o,s:I,s:o}", "distributions", arr, "total", (json_int_t)total, "next_page",
	                           page * 100 < total ? json_integer(page + 1) : json_null()));
}

static void api_dist(web_req *r)
{
	food_dist d;
	if (!food_dist_load(r->db, r->a, r->param[0], &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	const char *state = web_arg(r, "etat") ? web_arg(r, "etat") : "";
	int64_t page, total = 0;
	if (*state && !CODE_OK(FOOD_LINE_STATES, state)) {
		web_error(r, E_INPUT, "etat : attendu, retire, procuration, livre, absent ou vide.");
		return;
	}
	if (!page_arg(r, &page))
		return;
	food_line *v;
	int n = food_lines(r->db, r->a, d.id, state, -1, 200, (int)((page - 1) * 200), &v, &total);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, line_json(&v[i]));
	json_t *o = dist_json(&d);
	json_object_set_new(o, "households", arr);
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "next_page", page * 200 < total ? json_integer(page + 1) : json_null());
	journal_record(r->db, r->user->id, "read", "food_dist", d.id, "api");
	web_json(r, 200, o);
}

static void api_collect(web_req *r)
{
	food_dist d;
	if (!food_dist_load(r->db, r->a, r->param[0], &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	int64_t line = 0;
	const char *ls = kv_get(&in, "line");
	if (ls && *ls && !text_to_int64(ls, 1, INT64_MAX, &line)) {
		web_error(r, E_INPUT, "line : le numéro de la ligne du foyer.");
		return;
	}
	if (!line && !kv_get(&in, "q")) {
		web_error(r, E_INPUT, "line ou q (carte, numéro de dossier ou nom).");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	food_collect_out res;
	const char *state = kv_get(&in, "state");
	err e = food_collect(&x, &d, line, kv_get(&in, "q"), state ? state : "retire", kv_get(&in, "proxy"), &res);
	int status = e == E_OK ? 200 : e == E_INPUT ? 400 : e == E_NOT_FOUND ? 404 : e == E_CONFLICT ? 409 : 500;
	json_t *o = json_pack("{s:b,s:s,s:b}", "done", e == E_OK, "outcome", res.outcome ? res.outcome : "", "added", res.added);
	json_object_set_new(o, "line", res.line ? json_integer(res.line) : json_null());
	json_object_set_new(o, "household_id", res.household_id ? json_integer(res.household_id) : json_null());
	json_t *arr = json_array();
	for (int i = 0; i < res.nmatches; i++)
		json_array_append_new(arr, line_json(&res.matches[i]));
	json_object_set_new(o, "matches", arr);
	web_json(r, status, o);
}

static void api_close(web_req *r)
{
	food_dist d;
	if (!food_dist_load(r->db, r->a, r->param[0], &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	food_ctx x = FOOD_CTX(r);
	err e = food_dist_close(&x, &d);
	if (web_api_failed(r, e, NULL, e == E_CONFLICT ? "Cette distribution est déjà close." : NULL))
		return;
	food_dist_load(r->db, r->a, d.id, &d);
	web_json(r, 200, dist_json(&d));
}

static void api_products(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		int64_t id = 0;
		if (!web_json_form(r, &in) || web_api_failed(r, food_product_save(&x, 0, &in, &fe, &id), &fe, NULL))
			return;
		web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
		return;
	}
	food_product *p;
	int n = food_products(&x, false, &p);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:b,s:o}", "id", (json_int_t)p[i].id, "name", p[i].name, "category", p[i].category,
		                                     "price_cents", (json_int_t)p[i].price, "grams", (json_int_t)p[i].grams, "stock", (json_int_t)p[i].stock,
		                                     "lots", (json_int_t)p[i].lots, "active", p[i].active, "barcode", jstr(p[i].barcode)));
	web_json(r, 200, json_pack("{s:o}", "products", arr));
}

static void api_product(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	food_product p;
	kv_list in;
	form_errors fe = {0};
	int64_t id = 0;
	if (!food_product_load(&x, r->param[0], &p)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (!web_json_form(r, &in) || web_api_failed(r, food_product_save(&x, p.id, &in, &fe, &id), &fe, NULL))
		return;
	food_product_load(&x, p.id, &p);
	web_json(r, 200, json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:b}", "id", (json_int_t)p.id, "name", p.name, "category", p.category, "price_cents",
	                           (json_int_t)p.price, "grams", (json_int_t)p.grams, "stock", (json_int_t)p.stock, "active", p.active));
}

static void api_lots(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		int64_t id = 0;
		if (!web_json_form(r, &in) || web_api_failed(r, food_lot_receive(&x, &in, &fe, &id), &fe, NULL))
			return;
		food_lot l;
		web_json(r, 201, food_lot_load(&x, id, &l) ? lot_json(&l) : json_pack("{s:I}", "id", (json_int_t)id));
		return;
	}
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "stock";
	int64_t page, total = 0;
	if (strcmp(list, "stock") && strcmp(list, "alertes") && strcmp(list, "vides") && *list) {
		web_error(r, E_INPUT, "liste : stock, alertes, vides ou vide.");
		return;
	}
	if (!page_arg(r, &page))
		return;
	food_lot *v;
	int n = food_lots(&x, list, 0, 100, (int)((page - 1) * 100), &v, &total);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, lot_json(&v[i]));
	web_json(r, 200, json_pack("{s:o,s:I,s:o}", "lots", arr, "total", (json_int_t)total, "next_page", page * 100 < total ? json_integer(page + 1) : json_null()));
}

static void api_lot(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	food_lot l;
	if (!food_lot_load(&x, r->param[0], &l)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		if (!web_json_form(r, &in) || web_api_failed(r, food_lot_exit(&x, &l, &in, &fe), &fe, NULL))
			return;
		food_lot_load(&x, l.id, &l);
	}
	web_json(r, 200, lot_json(&l));
}

static void api_inventory(web_req *r)
{
	kv_list in;
	form_errors fe = {0};
	int64_t n = 0, diff = 0;
	food_ctx x = FOOD_CTX(r);
	if (!web_json_form(r, &in) || web_api_failed(r, food_inventory(&x, &in, &fe, &n, &diff), &fe, NULL))
		return;
	web_json(r, 200, json_pack("{s:I,s:I}", "lots_changed", (json_int_t)n, "difference", (json_int_t)diff));
}

static void api_account(web_req *r)
{
	const char *hs = web_arg(r, "foyer");
	int64_t hid = 0;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid)) {
		web_error(r, E_INPUT, "foyer : le numéro (id) du foyer.");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	food_account acc;
	if (food_account_of(&x, hid, &acc) != E_OK || !acc.d.id) {
		web_error(r, E_NOT_FOUND, "Ce foyer n’a pas de droit à l’épicerie en cours.");
		return;
	}
	journal_record(r->db, r->user->id, "read", "food_account", hid, "api");
	web_json(r, 200, json_pack("{s:I,s:o,s:I,s:I,s:o,s:s}", "decision_id", (json_int_t)acc.d.id, "allowance_cents",
	                           jint_known(acc.d.allowance >= 0, acc.d.allowance), "spent_cents", (json_int_t)acc.spent, "left_cents", (json_int_t)acc.left,
	                           "rate_percent", jint_known(acc.d.rate >= 0, acc.d.rate), "to_on", acc.d.to_on));
}

static json_t *visit_json(const food_visit *v)
{
	json_t *o = json_pack("{s:I,s:I,s:s,s:I,s:I,s:I,s:I}", "id", (json_int_t)v->id, "household_id", (json_int_t)v->household_id, "day", v->day,
	                      "value_cents", (json_int_t)v->value, "paid_cents", (json_int_t)v->paid, "left_before_cents", (json_int_t)v->before,
	                      "grams", (json_int_t)v->grams);
	json_object_set_new(o, "lines", basket_json(v->lines, v->n));
	return o;
}

/* A visit: {household, p_<product>: qty | lot_<lot>: qty, …, dry_run}. */
static void api_visits(web_req *r)
{
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	int64_t hid = 0;
	const char *hs = kv_get(&in, "household");
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid)) {
		web_error(r, E_INPUT, "household : le numéro (id) du foyer.");
		return;
	}
	food_ctx x = FOOD_CTX(r);
	food_account acc;
	form_errors fe = {0};
	food_basket b;
	if (food_account_of(&x, hid, &acc) != E_OK || !acc.d.id) {
		web_error(r, E_CONFLICT, "Ce foyer n’a pas de droit à l’épicerie en cours : rien ne se vend sans décision.");
		return;
	}
	if (web_api_failed(r, food_basket_read(&x, &acc, &in, &fe, &b), &fe, NULL))
		return;
	if (kv_get(&in, "dry_run")) {
		web_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:I}", "lines", basket_json(b.lines, b.n), "value_cents", (json_int_t)b.value, "pay_cents",
		                           (json_int_t)b.pay, "left_before_cents", (json_int_t)acc.left, "left_after_cents", (json_int_t)(acc.left - b.value)));
		return;
	}
	int64_t id = 0;
	err e = food_visit_record(&x, &acc, &b, &id);
	if (web_api_failed(r, e, NULL, e == E_CONFLICT ? "Un autre passage vient d’être enregistré pour ce foyer, ou un lot s’est vidé : recommencez." : NULL))
		return;
	food_visit v;
	web_json(r, 201, food_visit_load(r->db, r->a, id, &v) ? visit_json(&v) : json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_visit(web_req *r)
{
	food_visit v;
	if (!food_visit_load(r->db, r->a, r->param[0], &v)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "food_visit", v.id, "api");
	web_json(r, 200, visit_json(&v));
}

static json_t *tally_json(const food_tally *t)
{
	json_t *arr = json_array();
	for (int i = 0; i < t->count; i++)
		json_array_append_new(arr, json_pack("{s:s,s:I}", "label", t->label[i], "n", (json_int_t)t->n[i]));
	return arr;
}

static void api_report(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	int64_t year = x.today.y;
	const char *ys = web_arg(r, "annee");
	if (ys && *ys && !text_to_int64(ys, 2000, x.today.y, &year)) {
		web_error(r, E_INPUT, arena_printf(r->a, "annee : de 2000 à %d.", x.today.y));
		return;
	}
	food_report f;
	if (food_report_make(&x, (int)year, &f) != E_OK) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *months = json_array();
	for (int m = 0; m < 12; m++)
		json_array_append_new(months, json_pack("{s:i,s:I,s:I,s:I,s:I,s:I}", "month", m + 1, "households", (json_int_t)f.m_households[m], "parcels",
		                                        (json_int_t)f.m_parcels[m], "visits", (json_int_t)f.m_visits[m], "grams", (json_int_t)f.m_grams[m],
		                                        "value_cents", (json_int_t)f.m_value[m]));
	web_json(r, 200, json_pack("{s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o}", "year", (int)year, "households", (json_int_t)f.households, "persons",
	                           (json_int_t)f.persons, "parcels", (json_int_t)f.parcels, "visits", (json_int_t)f.visits, "grams", (json_int_t)f.grams,
	                           "value_cents", (json_int_t)f.value, "paid_cents", (json_int_t)f.paid, "ages", tally_json(&f.ages), "compositions",
	                           tally_json(&f.compositions), "grams_by_category", tally_json(&f.kg_by_category), "months", months));
}

void food_api_init(void)
{
	web_route(M_GET, "/api/v1/food/eligibility", api_eligibility, PERM_FOOD_READ, 0, "Aide alimentaire : ce que dit le règlement pour un foyer");
	web_route(M_GET, "/api/v1/food/decisions", api_decisions, PERM_FOOD_READ, 0, "Aide alimentaire : droits");
	web_route(M_POST, "/api/v1/food/decisions", api_decisions, PERM_FOOD_DECIDE, 0, "Aide alimentaire : décider l’accès");
	web_route(M_GET, "/api/v1/food/decisions/{id}", api_decision, PERM_FOOD_READ, 0, "Aide alimentaire : un droit");
	web_route(M_POST, "/api/v1/food/decisions/{id}", api_decision, PERM_FOOD_DECIDE, 0, "Aide alimentaire : mettre fin à un droit");
	web_route(M_GET, "/api/v1/food/distributions", api_dists, PERM_FOOD_READ, 0, "Aide alimentaire : distributions");
	web_route(M_POST, "/api/v1/food/distributions", api_dists, PERM_FOOD_COUNTER, 0, "Aide alimentaire : préparer une distribution");
	web_route(M_GET, "/api/v1/food/distributions/{id}", api_dist, PERM_FOOD_READ, 0, "Aide alimentaire : une distribution et ses foyers");
	web_route(M_POST, "/api/v1/food/distributions/{id}/collect", api_collect, PERM_FOOD_COUNTER, 0, "Aide alimentaire : colis retiré, livré");
	web_route(M_POST, "/api/v1/food/distributions/{id}/close", api_close, PERM_FOOD_COUNTER, 0, "Aide alimentaire : clore une distribution");
	web_route(M_GET, "/api/v1/food/products", api_products, PERM_FOOD_READ, 0, "Épicerie sociale : produits");
	web_route(M_POST, "/api/v1/food/products", api_products, PERM_FOOD_STOCK, 0, "Épicerie sociale : ajouter un produit");
	web_route(M_POST, "/api/v1/food/products/{id}", api_product, PERM_FOOD_STOCK, 0, "Épicerie sociale : modifier un produit");
	web_route(M_GET, "/api/v1/food/lots", api_lots, PERM_FOOD_READ, 0, "Épicerie sociale : lots");
	web_route(M_POST, "/api/v1/food/lots", api_lots, PERM_FOOD_STOCK, 0, "Épicerie sociale : une réception");
	web_route(M_GET, "/api/v1/food/lots/{id}", api_lot, PERM_FOOD_READ, 0, "Épicerie sociale : un lot");
	web_route(M_POST, "/api/v1/food/lots/{id}", api_lot, PERM_FOOD_STOCK, 0, "Épicerie sociale : sortie d’un lot");
	web_route(M_POST, "/api/v1/food/inventory", api_inventory, PERM_FOOD_STOCK, 0, "Épicerie sociale : inventaire");
	web_route(M_GET, "/api/v1/food/account", api_account, PERM_FOOD_COUNTER, 0, "Épicerie sociale : le mois d’un foyer");
	web_route(M_POST, "/api/v1/food/visits", api_visits, PERM_FOOD_COUNTER, 0, "Épicerie sociale : un passage en caisse");
	web_route(M_GET, "/api/v1/food/visits/{id}", api_visit, PERM_FOOD_READ, 0, "Épicerie sociale : un ticket");
	web_route(M_GET, "/api/v1/food/report", api_report, PERM_FOOD_READ, 0, "Aide alimentaire : rapport annuel");
}
