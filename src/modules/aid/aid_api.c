/* aid_api.c — optional aid as JSON: the rulebook, the simulation, requests
 * and their workflow (the same aid_act as the pages), committee sessions
 * and the budget. Amounts are in cents in answers; in requests they are
 * written as agents type them ("80,50") or as numbers of euros. */
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/aid/aid_internal.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

void aid_kv_from_json(arena *a, json_t *o, kv_list *out)
{
	size_t n = json_is_object(o) ? json_object_size(o) : 0;
	out->items = arena_alloc(a, sizeof(kv) * (n + 1));
	out->n = 0;
	out->files = NULL;
	out->nfiles = 0;
	const char *k;
	json_t *v;
	if (!out->items)
		return;
	json_object_foreach(o, k, v)
	{
		const char *s = NULL;
		if (json_is_string(v))
			s = arena_strdup(a, json_string_value(v));
		else if (json_is_integer(v))
			s = arena_printf(a, "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			s = arena_printf(a, "%.2f", json_real_value(v));
		else if (json_is_true(v))
			s = "1";
		else if (json_is_array(v)) {
			buf b;
			buf_init(&b, a, 64);
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x)
			{
				if (!json_is_string(x))
					continue;
				if (b.len)
					buf_adds(&b, ", ");
				buf_adds(&b, json_string_value(x));
			}
			s = buf_cstr(&b);
		}
		if (s)
			out->items[out->n++] = (kv){arena_strdup(a, k), s};
	}
}

static json_t *jstr(const char *s) { return s && *s ? json_string(s) : json_null(); }

static json_t *req_json(const aid_req *q)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(q->id));
	json_object_set_new(o, "household_id", json_integer(q->household_id));
	json_object_set_new(o, "person_id", q->person_id ? json_integer(q->person_id) : json_null());
	json_object_set_new(o, "aid", json_string(q->aid_key));
	json_object_set_new(o, "aid_label", json_string(q->aid_label));
	json_object_set_new(o, "status", json_string(q->status));
	json_object_set_new(o, "requested_on", json_string(q->requested_on));
	json_object_set_new(o, "purpose", json_string(q->purpose));
	json_object_set_new(o, "need", *q->need ? json_string(q->need) : json_null());
	json_object_set_new(o, "bill_cents", json_integer(q->bill));
	json_object_set_new(o, "residence_months", json_integer(q->residence_months));
	json_object_set_new(o, "creditor", json_string(q->creditor));
	json_object_set_new(o, "documents_missing", json_string(q->docs_missing));
	json_object_set_new(o, "rulebook_id", q->rulebook_id ? json_integer(q->rulebook_id) : json_null());
	json_object_set_new(o, "eligible", q->eligible < 0 ? json_null() : json_boolean(q->eligible));
	json_object_set_new(o, "proposed_cents", json_integer(q->proposed));
	json_object_set_new(o, "explanation", json_string(q->explain));
	json_object_set_new(o, "qf_cents", q->qf_known ? json_integer(q->qf) : json_null());
	json_object_set_new(o, "rav_day_person_cents", q->rav_known ? json_integer(q->rav) : json_null());
	json_object_set_new(o, "opinion", jstr(q->opinion));
	json_object_set_new(o, "opinion_cents", json_integer(q->opinion_amount));
	json_object_set_new(o, "opinion_reason", json_string(q->opinion_reason));
	json_object_set_new(o, "route", jstr(q->route));
	json_object_set_new(o, "session_id", q->session_id ? json_integer(q->session_id) : json_null());
	json_object_set_new(o, "decision", jstr(q->decision));
	json_object_set_new(o, "granted_cents", json_integer(q->granted));
	json_object_set_new(o, "decision_motive", json_string(q->decision_motive));
	json_object_set_new(o, "decided_on", jstr(q->decided_on));
	json_object_set_new(o, "ratified_on", jstr(q->ratified_on));
	json_object_set_new(o, "notified_on", jstr(q->notified_on));
	json_object_set_new(o, "payment_mode", jstr(q->payment_mode));
	json_object_set_new(o, "paid_cents", json_integer(q->paid));
	json_object_set_new(o, "paid_on", jstr(q->paid_on));
	json_object_set_new(o, "vouchers", json_string(q->vouchers));
	json_object_set_new(o, "pay_reference", json_string(q->pay_reference));
	json_object_set_new(o, "closed_on", jstr(q->closed_on));
	json_object_set_new(o, "end_reason", json_string(q->end_reason));
	json_object_set_new(o, "version", json_integer(q->version));
	return o;
}

static db_sql Q_EVENTS = DB_SQL(DB_SCOPED,
	"SELECT on_date, kind, detail, user_id, session_id FROM aid_events WHERE structure_id = $1 AND request_id = $2 ORDER BY at, id");

static void api_get(web_req *r)
{
	aid_req q;
	if (!aid_req_load(r->db, r->a, r->param[0], &q)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "aid_request", q.id, "api");
	json_t *o = req_json(&q), *ev = json_array();
	db_res e = {0};
	DBQ(r->db, &Q_EVENTS, &e, A_INT(q.id));
	while (db_next(&e))
		json_array_append_new(ev, json_pack("{s:s,s:s,s:s,s:I,s:o}", "on", db_text(&e, 0), "kind", db_text(&e, 1), "detail",
		                                    db_text(&e, 2), "user_id", (json_int_t)db_int(&e, 3), "session_id",
		                                    db_isnull(&e, 4) ? json_null() : json_integer(db_int(&e, 4))));
	db_close(&e);
	json_object_set_new(o, "steps", ev);
	web_json(r, 200, o);
}

static void api_list(web_req *r)
{
	aid_list_filter f;
	aid_list_filter_from(&r->query, &f);
	aid_req *rows = arena_alloc(r->a, sizeof *rows * 101);
	int n = rows ? aid_list_run(AID_X(r), &f, 101, (f.page - 1) * 100, rows) : 0;
	json_t *items = json_array();
	for (int i = 0; i < n && i < 100; i++)
		json_array_append_new(items, req_json(&rows[i]));
	web_json(r, 200, json_pack("{s:o,s:i,s:b}", "items", items, "page", f.page, "more", n > 100));
}

static bool body_kv(web_req *r, kv_list *in)
{
	json_t *j = web_json_body(r);
	if (!j)
		return false;
	aid_kv_from_json(r->a, j, in);
	json_decref(j);
	return true;
}

static void api_create(web_req *r)
{
	kv_list in;
	if (!body_kv(r, &in))
		return;
	form_errors fe = {0};
	int64_t id;
	err e = aid_create(AID_X(r), &in, &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	aid_req q;
	if (!aid_req_load(r->db, r->a, id, &q)) {
		web_error(r, E_DB, NULL); /* written, but not read back */
		return;
	}
	web_json(r, 201, req_json(&q));
}

static void api_action(web_req *r)
{
	aid_req q;
	if (!aid_req_load(r->db, r->a, r->param[0], &q)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	kv_list in;
	if (!body_kv(r, &in))
		return;
	form_errors fe = {0};
	const char *why;
	err e = aid_act(AID_X(r), &q, kv_get(&in, "action"), &in, &fe, &why);
	if (web_api_failed(r, e, &fe, why))
		return;
	if (!aid_req_load(r->db, r->a, q.id, &q)) {
		web_error(r, E_DB, NULL);
		return;
	}
	web_json(r, 200, req_json(&q));
}

static void api_rules_get(web_req *r)
{
	aid_rulebook rb;
	int64_t id = 0;
	if (!aid_rulebook_on(r->db, r->a, civil_today(r->user->tz), &rb, &id)) {
		web_error(r, E_NOT_FOUND, "Aucun règlement en vigueur aujourd’hui.");
		return;
	}
	json_t *aids = json_array();
	for (int i = 0; i < rb.naids; i++)
		json_array_append_new(aids, json_pack("{s:s,s:s,s:b,s:I}", "key", rb.aids[i].key, "label", rb.aids[i].label, "emergency",
		                                      rb.aids[i].emergency, "delegation_cents", (json_int_t)rb.aids[i].delegation));
	web_json(r, 200, json_pack("{s:I,s:o,s:o,s:o}", "id", (json_int_t)id, "version", jstr(rb.version), "effective_on",
	                           jstr(rb.effective), "aids", aids));
}

static void api_rules_post(web_req *r)
{
	json_t *j = web_json_body(r);
	if (!j)
		return;
	const char *text = arena_strdup(r->a, web_jstr(j, "text"));
	json_decref(j);
	aid_error errs[50];
	int ne;
	int64_t id;
	err e = aid_rules_store(AID_X(r), text, errs, 50, &ne, &id);
	if (e == E_INPUT) {
		json_t *lines = json_array();
		for (int i = 0; i < ne && i < 50; i++)
			json_array_append_new(lines, json_pack("{s:i,s:s}", "line", errs[i].line, "message", errs[i].message));
		web_json(r, 400, json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "input", "message",
		                           "Le règlement contient des erreurs : rien n’a été enregistré.", "lines", lines));
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_simulate(web_req *r)
{
	int64_t hid = r->param[0], bill = 0, months = -1;
	if (!persons_household_exists(r->db, hid)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	months = persons_residence_months(r->db, hid, civil_today(r->user->tz)); /* unless given */
	const char *bs = web_arg(r, "bill") ? web_arg(r, "bill") : web_arg(r, "facture");
	const char *ms = web_arg(r, "residence_months") ? web_arg(r, "residence_months") : web_arg(r, "residence");
	if ((bs && !money_parse(bs, &bill)) || (ms && !text_to_int64(ms, 0, 1200, &months))) {
		web_error(r, E_INPUT, "facture : un montant en euros ; residence : un nombre de mois (0 à 1200).");
		return;
	}
	civil_date today = civil_today(r->user->tz);
	aid_rulebook rb;
	int64_t id;
	if (!aid_rulebook_on(r->db, r->a, today, &rb, &id)) {
		web_error(r, E_NOT_FOUND, "Aucun règlement en vigueur aujourd’hui.");
		return;
	}
	journal_record(r->db, r->user->id, "read", "household", hid, "aid simulation api");
	json_t *res = json_array();
	for (int i = 0; i < rb.naids; i++) {
		aid_facts f;
		household_budget hb;
		if (aid_facts_for(r->db, r->a, hid, rb.aids[i].key, today, 0, (int)months, bill, &f, &hb) != E_OK) {
			json_decref(res);
			web_error(r, E_DB, NULL);
			return;
		}
		f.residence_unknown = months < 0;
		const aid_rule *ru = &rb.aids[i];
		for (int k = 0; k < (ru->nneeds ? ru->nneeds : 1); k++) {
			f.need = ru->nneeds ? ru->need_keys[k] : "";
			aid_result x;
			aid_evaluate(r->a, ru, &f, &x);
			json_array_append_new(res, json_pack("{s:s,s:s,s:o,s:o,s:o,s:b,s:b,s:b,s:s}", "aid", ru->key, "label", ru->label, "need",
			                                     ru->nneeds ? json_string(ru->needs[k]) : json_null(), "eligible",
			                                     x.incomplete ? json_null() : json_boolean(x.eligible), "amount_cents",
			                                     x.incomplete ? json_null() : json_integer(x.amount), "committee", x.committee, "tariff",
			                                     ru->tariff, "incomplete", x.incomplete, "explanation", x.explain));
		}
	}
	web_json(r, 200, json_pack("{s:I,s:o,s:o}", "rulebook_id", (json_int_t)id, "rulebook_version", jstr(rb.version), "results", res));
}

static void api_budget(web_req *r)
{
	int64_t y = civil_today(r->user->tz).y;
	const char *ys = web_arg(r, "year") ? web_arg(r, "year") : web_arg(r, "annee");
	if (ys && !text_to_int64(ys, 2000, 2100, &y)) {
		web_error(r, E_INPUT, "year : une année entre 2000 et 2100.");
		return;
	}
	aid_rulebook rb;
	int64_t id;
	json_t *env = json_array();
	if (aid_rulebook_on(r->db, r->a, civil_today(r->user->tz), &rb, &id))
		for (int i = 0; i < rb.naids; i++) {
			aid_envelope e;
			if (aid_envelope_of(r->db, rb.aids[i].key, (int)y, &e) != E_OK)
				continue;
			json_array_append_new(env, json_pack("{s:s,s:o,s:I,s:I,s:o}", "aid", rb.aids[i].key, "voted_cents",
			                                     e.voted < 0 ? json_null() : json_integer(e.voted), "committed_cents",
			                                     (json_int_t)e.committed, "paid_cents", (json_int_t)e.paid, "remaining_cents",
			                                     e.voted < 0 ? json_null() : json_integer(e.voted - e.committed)));
		}
	web_json(r, 200, json_pack("{s:I,s:o}", "year", (json_int_t)y, "envelopes", env));
}

/* {"year": 2026, "envelopes": {"aid key": cents, or null to remove}}:
 * the aids of the rulebook in force; those not named keep theirs. */
static void api_budget_set(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	json_t *yv = json_object_get(in, "year"), *env = json_object_get(in, "envelopes");
	int64_t year = json_is_integer(yv) ? json_integer_value(yv) : 0;
	aid_rulebook rb;
	int64_t rbid;
	json_t *fields = json_object();
	if (year < 2000 || year > 2100)
		json_object_set_new(fields, "year", json_string("Une année entre 2000 et 2100."));
	if (!json_is_object(env))
		json_object_set_new(fields, "envelopes", json_string("Un objet : clé de l’aide → montant en centimes, ou null."));
	bool have = aid_rulebook_on(r->db, r->a, civil_today(r->user->tz), &rb, &rbid);
	int64_t amounts[AID_MAX_AIDS];
	for (int i = 0; have && i < rb.naids; i++) {
		aid_envelope cur;
		amounts[i] = aid_envelope_of(r->db, rb.aids[i].key, (int)year, &cur) == E_OK ? cur.voted : -1;
	}
	const char *k;
	json_t *v;
	if (json_is_object(env))
		json_object_foreach(env, k, v) {
			int at = -1;
			for (int i = 0; have && i < rb.naids; i++)
				if (!strcmp(rb.aids[i].key, k))
					at = i;
			if (at < 0)
				json_object_set_new(fields, k, json_string("Cette aide n’est pas dans le règlement en vigueur."));
			else if (json_is_null(v))
				amounts[at] = -1;
			else if (json_is_integer(v) && json_integer_value(v) >= 0)
				amounts[at] = json_integer_value(v);
			else
				json_object_set_new(fields, k, json_string("Un montant en centimes (entier positif), ou null."));
		}
	json_decref(in);
	if (json_object_size(fields)) {
		web_error_fields(r, fields);
		return;
	}
	json_decref(fields);
	if (!have) {
		web_error(r, E_CONFLICT, "Aucun règlement en vigueur : les enveloppes se votent par aide du règlement.");
		return;
	}
	err e = aid_budget_set(AID_X(r), (int)year, &rb, amounts);
	if (web_api_failed(r, e, NULL, NULL))
		return;
	web_json(r, 200, json_pack("{s:I,s:b}", "year", (json_int_t)year, "ok", 1));
}

static db_sql Q_SESSIONS = DB_SQL(DB_SCOPED,
	"SELECT id, held_on, place, status FROM aid_sessions WHERE structure_id = $1 ORDER BY held_on DESC, id DESC LIMIT $2 OFFSET $3");

/* In pages (?page=, ?limit= up to 1,000, 200 by default), with
 * "next_page" while more follow. */
static void api_sessions(web_req *r)
{
	const char *ps = web_arg(r, "page"), *ls = web_arg(r, "limit");
	int64_t page = 1, limit = 200;
	if ((ps && !text_to_int64(ps, 1, 10000000, &page)) || (ls && !text_to_int64(ls, 1, 1000, &limit))) {
		web_error(r, E_INPUT, "page (≥ 1) et limit (1 à 1 000) sont facultatifs mais doivent être des entiers.");
		return;
	}
	json_t *arr = json_array();
	db_res q = {0};
	int n = 0;
	DBQ(r->db, &Q_SESSIONS, &q, A_INT(limit + 1), A_INT((page - 1) * limit));
	while (db_next(&q))
		if (n++ < limit)
			json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_int(&q, 0), "held_on", db_text(&q, 1),
			                                     "place", db_text(&q, 2), "status", db_text(&q, 3)));
	db_close(&q);
	web_json(r, 200, json_pack("{s:o,s:I,s:o}", "items", arr, "page", (json_int_t)page, "next_page",
	                           n > limit ? json_integer(page + 1) : json_null()));
}

static void api_session_create(web_req *r)
{
	kv_list in;
	if (!body_kv(r, &in))
		return;
	form_errors fe = {0};
	int64_t id;
	err e = aid_session_create(AID_X(r), kv_get(&in, "held_on"), kv_get(&in, "place"), &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_session_close(web_req *r)
{
	kv_list in;
	if (!body_kv(r, &in))
		return;
	const char *why;
	err e = aid_session_close(AID_X(r), r->param[0], kv_get(&in, "members"), true, &why);
	if (e == E_INPUT) {
		web_error_fields(r, json_pack("{s:s}", "agenda", why));
		return;
	}
	if (e != E_OK) {
		web_error(r, e, why);
		return;
	}
	web_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)r->param[0], "status", "close"));
}

void aid_api_routes(void)
{
	web_route(M_GET, "/api/v1/aid/rulebook", api_rules_get, PERM_AID_SIMULATE, 0, "Règlement en vigueur");
	web_route(M_POST, "/api/v1/aid/rulebook", api_rules_post, PERM_AID_RULES, 0, "Nouvelle version du règlement");
	web_route(M_GET, "/api/v1/households/{id}/simulation", api_simulate, PERM_AID_SIMULATE, 0, "Simuler les aides d’un foyer");
	web_route(M_GET, "/api/v1/aid/requests", api_list, PERM_AID_READ, 0, "Demandes d’aide (listes de travail)");
	web_route(M_POST, "/api/v1/aid/requests", api_create, PERM_AID_INSTRUCT, 0, "Créer une demande (brouillon)");
	web_route(M_GET, "/api/v1/aid/requests/{id}", api_get, PERM_AID_READ, 0, "Lire une demande et ses étapes");
	web_route(M_POST, "/api/v1/aid/requests/{id}", api_action, PERM_AID_ACT, 0, "Faire avancer une demande");
	web_route(M_GET, "/api/v1/aid/budget", api_budget, PERM_AID_READ, 0, "Enveloppes, engagé, payé");
	web_route(M_POST, "/api/v1/aid/budget", api_budget_set, PERM_AID_DECIDE, 0, "Enregistrer les enveloppes votées");
	web_route(M_GET, "/api/v1/aid/sessions", api_sessions, PERM_AID_COMMITTEE, 0, "Séances de la commission");
	web_route(M_POST, "/api/v1/aid/sessions", api_session_create, PERM_AID_DECIDE, 0, "Prévoir une séance");
	web_route(M_POST, "/api/v1/aid/sessions/{id}/close", api_session_close, PERM_AID_DECIDE, 0, "Clore une séance");
}
