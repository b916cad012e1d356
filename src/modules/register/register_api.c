/* register_api.c — the JSON API of the register and its campaigns (for the named agents, as the pages). */
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/register/register_internal.h"
#include "core/banned.h"

static json_t *jstr(const char *s) { return s && *s ? json_string(s) : json_null(); }

static json_t *entry_json(web_req *r, const reg_entry *e, bool whole)
{
	json_t *o = json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:i}", "id", (json_int_t)e->id, "household_id", (json_int_t)e->household_id,
	                      "person_id", (json_int_t)e->person_id, "last_name", e->last_name, "first_names", e->first_names, "status",
	                      e->status, "basis", e->basis, "requested_by", e->requested_by, "version", (int)e->version);
	const char *k[] = {"birth_date", "proof", "third_kind", "third_name", "written_ref", "requested_on", "ack_due_on", "ack_on",
	                   "consent_on", "confirmed_on", "removed_on", "remove_reason"};
	const char *v[] = {e->birth_date, e->proof, e->third_kind, e->third_name, e->written_ref, e->requested_on, e->ack_due_on, e->ack_on,
	                   e->consent_on, e->confirmed_on, e->removed_on, e->remove_reason};
	for (int i = 0; i < COUNTOF(k); i++)
		json_object_set_new(o, k[i], jstr(v[i]));
	json_object_set_new(o, "living_alone", e->living_alone < 0 ? json_null() : json_boolean(e->living_alone));
	json_object_set_new(o, "gir", e->gir ? json_integer(e->gir) : json_null());
	if (!whole)
		return o;
	const char *k2[] = {"access_notes", "phones", "doctor", "services", "health_notes"};
	const char *v2[] = {e->access_notes, e->phones, e->doctor, e->services, e->health_notes};
	for (int i = 0; i < COUNTOF(k2); i++)
		json_object_set_new(o, k2[i], jstr(v2[i]));
	reg_contact *ct;
	int n = reg_contacts(r->db, r->a, e->id, &ct);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)ct[i].id, "name", ct[i].name, "relation", ct[i].relation,
		                                     "phone", ct[i].phone));
	json_object_set_new(o, "persons_to_warn", arr);
	return o;
}

static void api_list(web_req *r)
{
	if (!reg_gate(r))
		return;
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "inscrits", *ps = web_arg(r, "page"), *q = web_arg(r, "q");
	int64_t page = 1;
	if (!CODE_OK(REG_LISTS, list) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page)) || (q && strlen(q) > 100)) {
		web_error(r, E_INPUT, "liste : inscrits, a_accuser, accuse_retard, a_confirmer ou radies ; page : 1 ou plus ; q : 100 caractères au plus.");
		return;
	}
	reg_ctx x = REG_CTX(r);
	reg_entry *v;
	int64_t total = 0;
	bool partial = false;
	int n = reg_list(&x, list, q, 100, (int)((page - 1) * 100), &v, &total, &partial);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, entry_json(r, &v[i], false));
	web_json(r, 200, json_pack("{s:o,s:I,s:o,s:b}", "entries", arr, "total", (json_int_t)total, "next_page",
	                           !(q && *q) && page * 100 < total ? json_integer(page + 1) : json_null(), "incomplete",
	                           q && *q && partial));
}

static void api_create(web_req *r)
{
	if (!reg_gate(r))
		return;
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	int64_t id = 0;
	reg_ctx x = REG_CTX(r);
	err e = reg_create(&x, &in, &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	reg_entry en;
	web_json(r, 201, reg_load(r->db, r->a, id, &en) ? entry_json(r, &en, true) : json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_get(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_entry e;
	if (!reg_load(r->db, r->a, r->param[0], &e)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "reg_entry", e.id, "api");
	web_json(r, 200, entry_json(r, &e, true));
}

static void api_action(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_entry e;
	if (!reg_load(r->db, r->a, r->param[0], &e)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&in, "action");
	reg_ctx x = REG_CTX(r);
	err er = reg_act(&x, &e, action ? action : "", &in, &fe, &why);
	if (web_api_failed(r, er, &fe, er == E_NOT_FOUND ? "action : accuse, fiche, contact, confirmer ou radier." : why))
		return;
	reg_entry now;
	web_json(r, 200, reg_load(r->db, r->a, e.id, &now) ? entry_json(r, &now, true) : json_pack("{s:I}", "id", (json_int_t)e.id));
}

static json_t *campaign_json(web_req *r, const reg_campaign *k)
{
	reg_ctx x = REG_CTX(r);
	reg_board b;
	reg_board_of(&x, k->id, &b);
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:I,s:i,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}}", "id", (json_int_t)k->id, "kind", k->kind,
	                 "level", k->level, "started_on", k->started_on, "ends_on", jstr(k->ends_on), "closed_on", jstr(k->closed_on),
	                 "recall_minutes", (json_int_t)k->recall_minutes, "version", (int)k->version, "board", "total", (json_int_t)b.total,
	                 "to_call", (json_int_t)b.to_call, "reached_ok", (json_int_t)b.reached_ok, "needs", (json_int_t)b.needs, "to_recall",
	                 (json_int_t)b.to_recall, "to_visit", (json_int_t)b.to_visit, "emergency", (json_int_t)b.escalated, "overdue",
	                 (json_int_t)b.overdue);
}

static void api_campaigns(web_req *r)
{
	if (!reg_gate(r))
		return;
	if (r->method == M_POST) {
		kv_list in;
		if (!web_json_form(r, &in))
			return;
		form_errors fe = {0};
		int64_t id = 0;
		reg_ctx x = REG_CTX(r);
		err e = reg_campaign_create(&x, &in, &fe, &id);
		if (web_api_failed(r, e, &fe, NULL))
			return;
		reg_campaign k;
		web_json(r, 201, reg_campaign_load(r->db, r->a, id, &k) ? campaign_json(r, &k) : json_pack("{s:I}", "id", (json_int_t)id));
		return;
	}
	reg_campaign *v;
	int n = reg_campaigns(r->db, r->a, &v);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, campaign_json(r, &v[i]));
	web_json(r, 200, json_pack("{s:o}", "campaigns", arr));
}

static void api_campaign(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_campaign k;
	if (!reg_campaign_load(r->db, r->a, r->param[0], &k)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	reg_ctx x = REG_CTX(r);
	if (r->method == M_POST) {
		if (!web_can(r, PERM_REG_ADMIN)) {
			web_error(r, E_FORBIDDEN, NULL);
			return;
		}
		kv_list in;
		if (!web_json_form(r, &in))
			return;
		form_errors fe = {0};
		const char *why = NULL;
		if (web_api_failed(r, reg_campaign_close(&x, &k, &in, &fe, &why), &fe, why))
			return;
		reg_campaign_load(r->db, r->a, k.id, &k);
		web_json(r, 200, campaign_json(r, &k));
		return;
	}
	const char *filter = web_arg(r, "liste") ? web_arg(r, "liste") : "tous", *ps = web_arg(r, "page");
	int64_t page = 1, total = 0;
	if (strlen(filter) > 20 || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "liste : mine, en_retard, un état d’appel ou tous ; page : 1 ou plus.");
		return;
	}
	reg_call *v;
	int n = reg_calls(&x, k.id, filter, 100, (int)((page - 1) * 100), &v, &total);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *arr = json_array(), *o = campaign_json(r, &k);
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:I,s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:s}", "id", (json_int_t)v[i].id, "entry_id",
		                                     (json_int_t)v[i].entry_id, "last_name", v[i].e.last_name, "state", v[i].state, "priority",
		                                     (json_int_t)v[i].priority, "attempts", (json_int_t)v[i].attempts, "assigned_to",
		                                     v[i].assigned_to ? json_integer(v[i].assigned_to) : json_null(), "due_at",
		                                     v[i].due_at ? json_integer(v[i].due_at) : json_null(), "outcome", jstr(v[i].outcome), "arranged",
		                                     v[i].arranged));
	json_object_set_new(o, "calls", arr);
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "next_page", page * 100 < total ? json_integer(page + 1) : json_null());
	web_json(r, 200, o);
}

static void api_call(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_campaign k;
	reg_call c;
	reg_ctx x = REG_CTX(r);
	if (!reg_campaign_load(r->db, r->a, r->param[0], &k) || !reg_call_load(&x, k.id, r->param[1], &c)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	const char *why = NULL;
	if (web_api_failed(r, reg_call_record(&x, &k, &c, &in, &fe, &why), &fe, why))
		return;
	reg_call_load(&x, k.id, c.id, &c);
	web_json(r, 200, json_pack("{s:I,s:s,s:I,s:o}", "id", (json_int_t)c.id, "state", c.state, "attempts", (json_int_t)c.attempts, "due_at",
	                           c.due_at ? json_integer(c.due_at) : json_null()));
}

static void api_agents(web_req *r)
{
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	const char *us = kv_get(&in, "user"), *named = kv_get(&in, "named");
	int64_t uid = 0;
	if (!us || !text_to_int64(us, 1, INT64_MAX, &uid)) {
		form_errors fe = {0};
		form_error(&fe, "user", "Le numéro du compte de l’agent.");
		web_api_failed(r, E_INPUT, &fe, NULL);
		return;
	}
	err e = reg_agent_set(r->db, r->user->id, uid, !named || strcmp(named, "false"));
	if (web_api_failed(r, e, NULL, NULL))
		return;
	int64_t *ids;
	const char **names;
	int n = reg_agents(r->db, r->a, &ids, &names);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s}", "user_id", (json_int_t)ids[i], "name", names[i] ? names[i] : ""));
	web_json(r, 200, json_pack("{s:o}", "agents", arr));
}

void reg_api_init(void)
{
	web_route(M_GET, "/api/v1/register/entries", api_list, PERM_REG_READ, 0, "Registre : listes");
	web_route(M_POST, "/api/v1/register/entries", api_create, PERM_REG_READ, 0, "Registre : inscrire une personne");
	web_route(M_GET, "/api/v1/register/entries/{id}", api_get, PERM_REG_READ, 0, "Registre : une inscription");
	web_route(M_POST, "/api/v1/register/entries/{id}", api_action, PERM_REG_READ, 0, "Registre : étape d’une inscription");
	web_route(M_GET, "/api/v1/register/campaigns", api_campaigns, PERM_REG_READ, 0, "Registre : campagnes");
	web_route(M_POST, "/api/v1/register/campaigns", api_campaigns, PERM_REG_ADMIN, 0, "Registre : ouvrir une campagne");
	web_route(M_GET, "/api/v1/register/campaigns/{id}", api_campaign, PERM_REG_READ, 0, "Registre : une campagne, ses appels");
	web_route(M_POST, "/api/v1/register/campaigns/{id}", api_campaign, PERM_REG_ADMIN, 0, "Registre : terminer une campagne");
	web_route(M_POST, "/api/v1/register/campaigns/{id}/calls/{id}", api_call, PERM_REG_READ, 0, "Registre : résultat d’un appel");
	web_route(M_POST, "/api/v1/register/agents", api_agents, PERM_REG_ADMIN, 0, "Registre : désigner ou retirer un agent");
}
