/* housing_api.c — the JSON API of social housing requests (every step the pages offer). */
#include <string.h>
#include "core/text.h"
#include "modules/housing/housing_internal.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

static json_t *jstr(const char *s) { return s && *s ? json_string(s) : json_null(); }

/* « a,b » → ["a", "b"]. */
static json_t *jcodes(const char *s)
{
	json_t *arr = json_array();
	for (const char *p = s ? s : ""; *p;) {
		size_t n = strcspn(p, ",");
		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return arr;
}

static json_t *request_json(const housing_ctx *x, const housing_request *h)
{
	json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:i}", "id", (json_int_t)h->id, "household_id", (json_int_t)h->household_id,
	                      "number", h->number, "filed_on", h->filed_on, "renewed_on", h->renewed_on, "expires_on", h->expires_on,
	                      "status", h->status, "lapsed", housing_lapsed(x, h), "version", (int)h->version);
	json_object_set_new(o, "person_id", h->person_id ? json_integer(h->person_id) : json_null());
	json_object_set_new(o, "size", jstr(h->size));
	json_object_set_new(o, "persons", h->persons ? json_integer(h->persons) : json_null());
	json_object_set_new(o, "communes", jstr(h->communes));
	json_object_set_new(o, "priorities", jcodes(h->priorities));
	json_object_set_new(o, "contingent", jstr(h->contingent));
	json_object_set_new(o, "ccas_help", jcodes(h->help));
	json_object_set_new(o, "notes", jstr(h->notes));
	json_object_set_new(o, "ended_on", jstr(h->ended_on));
	json_object_set_new(o, "end_reason", jstr(h->end_reason));
	json_object_set_new(o, "allocated_address", jstr(h->allocated_address));
	json_object_set_new(o, "allocated_landlord", jstr(h->allocated_landlord));
	return o;
}

static json_t *proposals_json(const housing_ctx *x, int64_t id)
{
	housing_proposal *p;
	int n = housing_proposals(x->c, x->a, id, &p);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:o}", "id", (json_int_t)p[i].id, "landlord", p[i].landlord,
		                                     "address", p[i].address, "size", jstr(p[i].size), "rent_cents",
		                                     p[i].rent >= 0 ? json_integer(p[i].rent) : json_null(), "commission_on", jstr(p[i].commission_on),
		                                     "received_on", p[i].received_on, "outcome", p[i].outcome, "refusal_reason", jstr(p[i].refusal_reason)));
	return arr;
}

static void api_list(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "actives", *ps = web_arg(r, "page");
	int64_t page = 1;
	if (!CODE_OK(HOUSING_LISTS, list) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "liste : renouvellements, propositions, attente_longue, actives, attribuees ou radiees ; page : 1 ou plus.");
		return;
	}
	housing_ctx x = HOUSING_CTX(r);
	housing_request *v;
	int64_t total = 0;
	int n = housing_list(&x, list, 100, (int)((page - 1) * 100), &v, &total);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, request_json(&x, &v[i]));
	int m = housing_abnormal_months(r->db);
	web_json(r, 200, json_pack("{s:o,s:I,s:o,s:o}", "requests", arr, "total", (json_int_t)total, "next_page",
	                           page * 100 < total ? json_integer(page + 1) : json_null(), "abnormal_delay_months",
	                           m ? json_integer(m) : json_null()));
}

static void api_create(web_req *r)
{
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	int64_t id = 0;
	housing_ctx x = HOUSING_CTX(r);
	err e = housing_create(&x, &in, &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	housing_request h;
	web_json(r, 201, housing_load(r->db, r->a, id, &h) ? request_json(&x, &h) : json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_get(web_req *r)
{
	housing_request h;
	if (!housing_load(r->db, r->a, r->param[0], &h)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "housing_request", h.id, "api");
	housing_ctx x = HOUSING_CTX(r);
	json_t *o = request_json(&x, &h);
	json_object_set_new(o, "proposals", proposals_json(&x, h.id));
	web_json(r, 200, o);
}

static void api_action(web_req *r)
{
	housing_request h;
	if (!housing_load(r->db, r->a, r->param[0], &h)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&in, "action");
	housing_ctx x = HOUSING_CTX(r);
	err e = housing_act(&x, &h, action ? action : "", &in, &fe, &why);
	if (web_api_failed(r, e, &fe, e == E_NOT_FOUND ? "action : modifier, renouveler, proposition, issue ou radier." : why))
		return;
	housing_request now;
	if (!housing_load(r->db, r->a, h.id, &now)) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *o = request_json(&x, &now);
	json_object_set_new(o, "proposals", proposals_json(&x, h.id));
	web_json(r, 200, o);
}

static void api_settings(web_req *r)
{
	if (r->method == M_POST) {
		kv_list in;
		if (!web_json_form(r, &in))
			return;
		form_errors fe = {0};
		if (web_api_failed(r, housing_settings_save(r->db, r->user->id, &in, &fe), &fe, NULL))
			return;
	}
	int m = housing_abnormal_months(r->db);
	web_json(r, 200, json_pack("{s:o}", "abnormal_delay_months", m ? json_integer(m) : json_null()));
}

void housing_api_init(void)
{
	web_route(M_GET, "/api/v1/housing/requests", api_list, PERM_HOUSING_READ, 0, "Logement social : listes de travail");
	web_route(M_POST, "/api/v1/housing/requests", api_create, PERM_HOUSING_WRITE, 0, "Logement social : enregistrer une demande");
	web_route(M_GET, "/api/v1/housing/requests/{id}", api_get, PERM_HOUSING_READ, 0, "Logement social : une demande et ses propositions");
	web_route(M_POST, "/api/v1/housing/requests/{id}", api_action, PERM_HOUSING_WRITE, 0, "Logement social : étape d’une demande");
	web_route(M_GET, "/api/v1/housing/settings", api_settings, PERM_HOUSING_READ, 0, "Logement social : réglage");
	web_route(M_POST, "/api/v1/housing/settings", api_settings, PERM_HOUSING_SETTINGS, 0, "Logement social : régler le délai anormalement long");
}
