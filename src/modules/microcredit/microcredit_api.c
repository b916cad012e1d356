/* microcredit_api.c — the JSON API of accompanied micro-credits (every step the pages offer). */
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/microcredit/microcredit_internal.h"
#include "core/banned.h"

static json_t *jstr(const char *s) { return s && *s ? json_string(s) : json_null(); }

static json_t *credit_json(web_req *r, const mc_credit *m, bool whole)
{
	mc_due *sch = NULL;
	int64_t pay = mc_schedule(r->a, m->amount, m->months, m->rate_bp, m->first_due_on, whole ? &sch : NULL);
	json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:s,s:i}", "id", (json_int_t)m->id, "household_id",
	                      (json_int_t)m->household_id, "opened_on", m->opened_on, "project", m->project, "project_kind", m->project_kind,
	                      "amount_cents", (json_int_t)m->amount, "months", (json_int_t)m->months, "rate_bp", (json_int_t)m->rate_bp,
	                      "monthly_payment_cents", (json_int_t)pay, "bank", m->bank, "status", m->status, "version", (int)m->version);
	json_object_set_new(o, "person_id", m->person_id ? json_integer(m->person_id) : json_null());
	json_object_set_new(o, "budget_before_cents", m->budget_known ? json_integer(m->budget_before) : json_null());
	json_object_set_new(o, "budget_after_cents", m->budget_known ? json_integer(m->budget_before - pay) : json_null());
	json_object_set_new(o, "decision_on", jstr(m->decision_on));
	json_object_set_new(o, "decision_reason", jstr(m->decision_reason));
	json_object_set_new(o, "signed_on", jstr(m->signed_on));
	json_object_set_new(o, "first_due_on", jstr(m->first_due_on));
	json_object_set_new(o, "ended_on", jstr(m->ended_on));
	json_object_set_new(o, "end_note", jstr(m->end_note));
	if (!whole)
		return o;
	json_t *arr = json_array();
	for (int64_t i = 0; sch && i < m->months; i++)
		json_array_append_new(arr, json_pack("{s:i,s:o,s:I,s:I,s:I,s:I}", "n", sch[i].n, "due_on", jstr(sch[i].on), "payment_cents",
		                                     (json_int_t)sch[i].payment, "interest_cents", (json_int_t)sch[i].interest, "principal_cents",
		                                     (json_int_t)sch[i].principal, "remaining_cents", (json_int_t)sch[i].remaining));
	json_object_set_new(o, "schedule", arr);
	mc_event *ev;
	int ne = mc_events(r->db, r->a, m->id, &ev);
	json_t *evs = json_array();
	for (int i = 0; i < ne; i++)
		json_array_append_new(evs, json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)ev[i].id, "on", ev[i].on, "kind", ev[i].kind, "note",
		                                     ev[i].note, "resolved_on", jstr(ev[i].resolved_on)));
	json_object_set_new(o, "events", evs);
	return o;
}

static void api_list(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "", *ps = web_arg(r, "page");
	int64_t page = 1;
	if (!CODE_OK(MC_LISTS, list) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "liste : instruction, en_cours, incidents, termines ou vide ; page : 1 ou plus.");
		return;
	}
	mc_ctx x = MC_CTX(r);
	mc_credit *v;
	int64_t total = 0;
	int n = mc_list(&x, list, 100, (int)((page - 1) * 100), &v, &total);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, credit_json(r, &v[i], false));
	web_json(r, 200, json_pack("{s:o,s:I,s:o}", "credits", arr, "total", (json_int_t)total, "next_page",
	                           page * 100 < total ? json_integer(page + 1) : json_null()));
}

static void api_create(web_req *r)
{
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	int64_t id = 0;
	mc_ctx x = MC_CTX(r);
	err e = mc_create(&x, &in, &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	mc_credit m;
	web_json(r, 201, mc_load(r->db, r->a, id, &m) ? credit_json(r, &m, true) : json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_get(web_req *r)
{
	mc_credit m;
	if (!mc_load(r->db, r->a, r->param[0], &m)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "mc_credit", m.id, "api");
	web_json(r, 200, credit_json(r, &m, true));
}

static void api_action(web_req *r)
{
	mc_credit m;
	if (!mc_load(r->db, r->a, r->param[0], &m)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&in, "action");
	mc_ctx x = MC_CTX(r);
	err e = mc_act(&x, &m, action ? action : "", &in, &fe, &why);
	if (web_api_failed(r, e, &fe, e == E_NOT_FOUND ? "action : modifier, decision, signature, suivi, incident, regularise ou cloture." : why))
		return;
	mc_credit now;
	if (!mc_load(r->db, r->a, m.id, &now)) {
		web_error(r, E_DB, NULL);
		return;
	}
	web_json(r, 200, credit_json(r, &now, true));
}

void mc_api_init(void)
{
	web_route(M_GET, "/api/v1/microcredits", api_list, PERM_MC_READ, 0, "Microcrédit : listes de travail");
	web_route(M_POST, "/api/v1/microcredits", api_create, PERM_MC_WRITE, 0, "Microcrédit : ouvrir un accompagnement");
	web_route(M_GET, "/api/v1/microcredits/{id}", api_get, PERM_MC_READ, 0, "Microcrédit : un accompagnement, son échéancier, son suivi");
	web_route(M_POST, "/api/v1/microcredits/{id}", api_action, PERM_MC_WRITE, 0, "Microcrédit : étape d’un accompagnement");
}
