/* homecare_api.c — the JSON API of services at home (every step the pages offer). */
#include <string.h>
#include "core/text.h"
#include "modules/homecare/homecare_internal.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

static json_t *jstr(const char *s) { return s && *s ? json_string(s) : json_null(); }

static json_t *alarm_json(const hc_alarm *a)
{
	json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:i}", "id", (json_int_t)a->id, "household_id", (json_int_t)a->household_id, "provider",
	                      a->provider, "started_on", a->started_on, "version", (int)a->version);
	json_object_set_new(o, "person_id", a->person_id ? json_integer(a->person_id) : json_null());
	json_object_set_new(o, "price_cents", a->price >= 0 ? json_integer(a->price) : json_null());
	const char *k[] = {"device", "ended_on", "payer", "contacts", "notes", "end_reason"};
	const char *v[] = {a->device, a->ended_on, a->payer, a->contacts, a->notes, a->end_reason};
	for (int i = 0; i < COUNTOF(k); i++)
		json_object_set_new(o, k[i], jstr(v[i]));
	return o;
}

static json_t *sub_json(web_req *r, const hc_sub *s)
{
	json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:i}", "id", (json_int_t)s->id, "household_id", (json_int_t)s->household_id,
	                      "started_on", s->started_on, "diet", s->diet, "texture", s->texture, "pattern", s->pattern, "stop_order",
	                      (json_int_t)s->stop_order, "version", (int)s->version);
	json_object_set_new(o, "person_id", s->person_id ? json_integer(s->person_id) : json_null());
	json_object_set_new(o, "round_id", s->round_id ? json_integer(s->round_id) : json_null());
	json_object_set_new(o, "ended_on", jstr(s->ended_on));
	json_object_set_new(o, "access_notes", jstr(s->access_notes));
	hc_absence *ab;
	int n = hc_absences(r->db, r->a, s->id, &ab);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)ab[i].id, "from_on", ab[i].from_on, "to_on", ab[i].to_on,
		                                     "reason", ab[i].reason));
	json_object_set_new(o, "absences", arr);
	return o;
}

static bool body(web_req *r, kv_list *in) { return web_json_form(r, in); }

static void api_alarms(web_req *r)
{
	hc_ctx x = HC_CTX(r);
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		int64_t id = 0;
		if (!body(r, &in) || web_api_failed(r, hc_alarm_create(&x, &in, &fe, &id), &fe, NULL))
			return;
		hc_alarm a;
		web_json(r, 201, hc_alarm_load(r->db, r->a, id, &a) ? alarm_json(&a) : json_pack("{s:I}", "id", (json_int_t)id));
		return;
	}
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "actives", *ps = web_arg(r, "page");
	int64_t page = 1, total = 0;
	if ((strcmp(list, "actives") && strcmp(list, "fin_proche") && strcmp(list, "terminees") && *list) ||
	    (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "liste : actives, fin_proche, terminees ou vide ; page : 1 ou plus.");
		return;
	}
	hc_alarm *v;
	int n = hc_alarms(&x, list, 100, (int)((page - 1) * 100), &v, &total);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, alarm_json(&v[i]));
	web_json(r, 200, json_pack("{s:o,s:I,s:o}", "alarms", arr, "total", (json_int_t)total, "next_page",
	                           page * 100 < total ? json_integer(page + 1) : json_null()));
}

static void api_alarm(web_req *r)
{
	hc_alarm a;
	if (!hc_alarm_load(r->db, r->a, r->param[0], &a)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		const char *why = NULL;
		hc_ctx x = HC_CTX(r);
		if (!body(r, &in))
			return;
		const char *action = kv_get(&in, "action");
		err e = hc_alarm_act(&x, &a, action ? action : "", &in, &fe, &why);
		if (web_api_failed(r, e, &fe, e == E_NOT_FOUND ? "action : modifier ou terminer." : why))
			return;
		hc_alarm_load(r->db, r->a, a.id, &a);
	} else {
		journal_record(r->db, r->user->id, "read", "hc_alarm", a.id, "api");
	}
	web_json(r, 200, alarm_json(&a));
}

static void api_meals(web_req *r)
{
	kv_list in;
	form_errors fe = {0};
	int64_t id = 0;
	hc_ctx x = HC_CTX(r);
	if (!body(r, &in) || web_api_failed(r, hc_sub_create(&x, &in, &fe, &id), &fe, NULL))
		return;
	hc_sub s;
	web_json(r, 201, hc_sub_load(r->db, r->a, id, &s) ? sub_json(r, &s) : json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_meal(web_req *r)
{
	hc_sub s;
	if (!hc_sub_load(r->db, r->a, r->param[0], &s)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		const char *why = NULL;
		hc_ctx x = HC_CTX(r);
		if (!body(r, &in))
			return;
		const char *action = kv_get(&in, "action");
		err e = hc_sub_act(&x, &s, action ? action : "", &in, &fe, &why);
		if (web_api_failed(r, e, &fe, e == E_NOT_FOUND ? "action : modifier, absence ou terminer." : why))
			return;
		hc_sub_load(r->db, r->a, s.id, &s);
	} else {
		journal_record(r->db, r->user->id, "read", "hc_sub", s.id, "api");
	}
	web_json(r, 200, sub_json(r, &s));
}

static void api_day(web_req *r)
{
	const char *js = web_arg(r, "jour"), *ts = web_arg(r, "tournee");
	kv_list in = {0};
	if (r->method == M_POST) {
		if (!body(r, &in))
			return;
		js = kv_get(&in, "jour"), ts = kv_get(&in, "tournee");
	}
	civil_date day = civil_today(r->user->tz);
	int64_t round = 0;
	if ((js && !civil_parse(js, &day)) || (ts && !text_to_int64(ts, -1, INT64_MAX, &round)) ||
	    civil_to_days(day) > civil_to_days(civil_today(r->user->tz)) + 31) {
		web_error(r, E_INPUT, "jour : AAAA-MM-JJ, au plus un mois à l’avance ; tournee : un numéro (0 : toutes, -1 : sans tournée).");
		return;
	}
	hc_ctx x = HC_CTX(r);
	if (r->method == M_POST) {
		int64_t *absent = arena_array(r->a, (size_t)in.n + 1, sizeof *absent), n = 0;
		int na = 0;
		for (int i = 0; absent && i < in.n; i++)
			if (!strcmp(in.items[i].name, "absent") && in.items[i].value && text_to_int64(in.items[i].value, 1, INT64_MAX, &absent[na]))
				na++;
		if (web_api_failed(r, hc_day_delivered(&x, day, round, absent, na, &n), NULL, "Une livraison se marque le jour même ou après."))
			return;
		web_json(r, 200, json_pack("{s:I}", "delivered", (json_int_t)n));
		return;
	}
	hc_order *v;
	int n = hc_day(&x, day, round, &v);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *arr = json_array();
	int64_t meals = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(v[i].state, "absent") && strcmp(v[i].state, "annule"))
			meals += v[i].count;
		json_array_append_new(arr, json_pack("{s:I,s:I,s:o,s:I,s:s,s:s,s:s,s:I}", "id", (json_int_t)v[i].id, "subscription_id",
		                                     (json_int_t)v[i].sub_id, "round_id", v[i].round_id ? json_integer(v[i].round_id) : json_null(),
		                                     "meals", (json_int_t)v[i].count, "diet", v[i].diet, "texture", v[i].texture, "state", v[i].state,
		                                     "stop_order", (json_int_t)v[i].s.stop_order));
	}
	web_json(r, 200, json_pack("{s:s,s:I,s:o}", "day", civil_iso(r->a, day), "meals", (json_int_t)meals, "orders", arr));
}

static void api_rounds(web_req *r)
{
	hc_ctx x = HC_CTX(r);
	if (r->method == M_POST) {
		if (!web_can(r, PERM_HC_WRITE)) {
			web_error(r, E_FORBIDDEN, NULL);
			return;
		}
		kv_list in;
		form_errors fe = {0};
		int64_t id = 0;
		if (!body(r, &in) || web_api_failed(r, hc_round_save(&x, 0, &in, &fe, &id), &fe, NULL))
			return;
		web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
		return;
	}
	hc_round *v;
	int n = hc_rounds(r->db, r->a, &v);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:b,s:I}", "id", (json_int_t)v[i].id, "name", v[i].name, "driver", v[i].driver,
		                                     "active", v[i].active, "stops", (json_int_t)v[i].stops));
	web_json(r, 200, json_pack("{s:o}", "rounds", arr));
}

static void api_billing(web_req *r)
{
	hc_ctx x = HC_CTX(r);
	const char *month = web_arg(r, "mois");
	if (r->method == M_POST) {
		kv_list in;
		if (!body(r, &in))
			return;
		month = kv_get(&in, "mois");
		int64_t n = 0, skipped = 0;
		if (web_api_failed(r, hc_bill_issue(&x, month ? month : "", &n, &skipped), NULL, "mois : AAAA-MM, un mois terminé."))
			return;
		web_json(r, 200, json_pack("{s:I,s:I}", "issued", (json_int_t)n, "without_price", (json_int_t)skipped));
		return;
	}
	hc_bill_line *v;
	int n = hc_bill_preview(&x, month ? month : "", &v);
	if (n < 0) {
		web_error(r, E_INPUT, "mois : AAAA-MM.");
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:I,s:I,s:o,s:o,s:s,s:o}", "subscription_id", (json_int_t)v[i].sub_id, "household_id",
		                                     (json_int_t)v[i].household_id, "meals", (json_int_t)v[i].meals, "unit_cents",
		                                     v[i].unit >= 0 ? json_integer(v[i].unit) : json_null(), "total_cents",
		                                     v[i].total >= 0 ? json_integer(v[i].total) : json_null(), "explain", v[i].explain ? v[i].explain : "",
		                                     "invoice_id", v[i].invoice_id ? json_integer(v[i].invoice_id) : json_null()));
	web_json(r, 200, json_pack("{s:s,s:o}", "month", month, "lines", arr));
}

static void api_invoice(web_req *r)
{
	hc_invoice inv;
	if (!hc_invoice_load(r->db, r->a, r->param[0], &inv)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (r->method == M_POST) {
		kv_list in;
		form_errors fe = {0};
		hc_ctx x = HC_CTX(r);
		if (!body(r, &in) || web_api_failed(r, hc_payment_add(&x, &inv, &in, &fe), &fe, NULL))
			return;
		hc_invoice_load(r->db, r->a, inv.id, &inv);
	}
	web_json(r, 200, json_pack("{s:I,s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:s}", "id", (json_int_t)inv.id, "subscription_id", (json_int_t)inv.sub_id,
	                           "month", inv.month, "number", inv.number, "meals", (json_int_t)inv.meals, "unit_cents", (json_int_t)inv.unit,
	                           "total_cents", (json_int_t)inv.total, "paid_cents", (json_int_t)inv.paid, "status", inv.status, "issued_on",
	                           inv.issued_on));
}

void hc_api_init(void)
{
	web_route(M_GET, "/api/v1/homecare/alarms", api_alarms, PERM_HC_READ, 0, "Téléassistance : abonnements");
	web_route(M_POST, "/api/v1/homecare/alarms", api_alarms, PERM_HC_WRITE, 0, "Téléassistance : mettre en service");
	web_route(M_GET, "/api/v1/homecare/alarms/{id}", api_alarm, PERM_HC_READ, 0, "Téléassistance : un abonnement");
	web_route(M_POST, "/api/v1/homecare/alarms/{id}", api_alarm, PERM_HC_WRITE, 0, "Téléassistance : modifier, terminer");
	web_route(M_POST, "/api/v1/homecare/meals", api_meals, PERM_HC_WRITE, 0, "Portage de repas : commencer");
	web_route(M_GET, "/api/v1/homecare/meals/{id}", api_meal, PERM_HC_READ, 0, "Portage de repas : un abonnement");
	web_route(M_POST, "/api/v1/homecare/meals/{id}", api_meal, PERM_HC_WRITE, 0, "Portage de repas : absence, modifier, terminer");
	web_route(M_GET, "/api/v1/homecare/day", api_day, PERM_HC_READ, 0, "Portage de repas : les commandes d’un jour");
	web_route(M_POST, "/api/v1/homecare/day", api_day, PERM_HC_WRITE, 0, "Portage de repas : tournée livrée");
	web_route(M_GET, "/api/v1/homecare/rounds", api_rounds, PERM_HC_READ, 0, "Portage de repas : tournées");
	web_route(M_POST, "/api/v1/homecare/rounds", api_rounds, PERM_HC_WRITE, 0, "Portage de repas : ajouter une tournée");
	web_route(M_GET, "/api/v1/homecare/billing", api_billing, PERM_HC_BILL, 0, "Portage de repas : facturation d’un mois");
	web_route(M_POST, "/api/v1/homecare/billing", api_billing, PERM_HC_BILL, 0, "Portage de repas : émettre les factures d’un mois");
	web_route(M_GET, "/api/v1/homecare/invoices/{id}", api_invoice, PERM_HC_BILL, 0, "Portage de repas : une facture");
	web_route(M_POST, "/api/v1/homecare/invoices/{id}", api_invoice, PERM_HC_BILL, 0, "Portage de repas : un paiement");
}
