/* legal_api.c — the JSON API of statutory aid files (every step the pages offer). */
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/legal/legal_internal.h"
#include "core/banned.h"

static json_t *jstr(const char *s) { return s && *s ? json_string(s) : json_null(); }

static json_t *kind_json(const legal_kind *k)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:s,s:b,s:i,s:i,s:b}", "id", (json_int_t)k->id, "code", k->code, "label", k->label, "body",
	                 jstr(k->body), "pieces", k->pieces, "opinion_required", k->opinion, "answer_days", k->answer_days,
	                 "renewal_months", k->renewal_months, "active", k->active);
}

static json_t *file_json(arena *a, const legal_file *f)
{
	json_t *o = json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:i}", "id", (json_int_t)f->id, "household_id", (json_int_t)f->household_id,
	                      "kind_id", (json_int_t)f->kind_id, "kind", f->kind_label, "lodged_on", f->lodged_on, "due_on", f->due_on,
	                      "lodged_by", f->lodged_by, "status", f->status, "version", (int)f->version);
	json_object_set_new(o, "person_id", f->person_id ? json_integer(f->person_id) : json_null());
	json_object_set_new(o, "body", jstr(f->body));
	json_object_set_new(o, "pieces_received", json_string(f->pieces_received));
	json_object_set_new(o, "pieces_missing", json_string(strcmp(f->status, "ouvert") ? f->forwarded_missing : legal_missing(a, f)));
	json_object_set_new(o, "opinion", jstr(f->opinion));
	json_object_set_new(o, "opinion_reason", jstr(f->opinion_reason));
	json_object_set_new(o, "forwarded_on", jstr(f->forwarded_on));
	json_object_set_new(o, "forward_means", jstr(f->forward_means));
	json_object_set_new(o, "forward_reference", jstr(f->forward_ref));
	json_object_set_new(o, "answer_expected_on", jstr(f->expected_on));
	json_object_set_new(o, "answer", jstr(f->answer));
	json_object_set_new(o, "answer_on", jstr(f->answer_on));
	json_object_set_new(o, "answer_amount_cents", f->answer_amount >= 0 ? json_integer(f->answer_amount) : json_null());
	json_object_set_new(o, "rights_from", jstr(f->answer_from));
	json_object_set_new(o, "rights_to", jstr(f->answer_to));
	json_object_set_new(o, "renewal_on", jstr(f->renewal_on));
	return o;
}

static json_t *obliges_json(web_req *r, const legal_file *f)
{
	legal_oblige *v;
	int n = legal_obliges(r->db, r->a, f->id, &v);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)v[i].id, "name", v[i].name, "relation",
		                                     v[i].relation, "contact", v[i].contact, "answer", jstr(v[i].answer), "amount_cents",
		                                     v[i].amount >= 0 ? json_integer(v[i].amount) : json_null(), "answered_on", jstr(v[i].answered_on)));
	return arr;
}

static void api_kinds(web_req *r)
{
	legal_kind *k;
	int n = legal_kinds(r->db, r->a, false, &k);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, kind_json(&k[i]));
	web_json(r, 200, json_pack("{s:o}", "kinds", arr));
}

static void api_kind_save(web_req *r)
{
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	int64_t id = r->nparams ? r->param[0] : 0, out = 0;
	err e = legal_kind_save(r->db, r->user->id, id, &in, &fe, &out);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	web_json(r, id ? 200 : 201, json_pack("{s:I}", "id", (json_int_t)out));
}

static void api_list(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "", *ks = web_arg(r, "type"), *ps = web_arg(r, "page");
	int64_t kind = 0, page = 1;
	if (!CODE_OK(LEGAL_LISTS, list) || (ks && *ks && !text_to_int64(ks, 1, INT64_MAX, &kind)) ||
	    (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "liste : a_transmettre, en_retard, attente_longue, a_repondre, renouvellements ou vide ; type : un "
		                      "numéro ; page : 1 ou plus.");
		return;
	}
	legal_ctx x = LEGAL_CTX(r);
	legal_file *v;
	int64_t total = 0;
	int n = legal_list(&x, list, kind, 100, (int)((page - 1) * 100), &v, &total);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, file_json(r->a, &v[i]));
	web_json(r, 200, json_pack("{s:o,s:I,s:o}", "files", arr, "total", (json_int_t)total, "next_page",
	                           page * 100 < total ? json_integer(page + 1) : json_null()));
}

static void api_create(web_req *r)
{
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	int64_t id = 0;
	legal_ctx x = LEGAL_CTX(r);
	err e = legal_create(&x, &in, &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	legal_file f;
	web_json(r, 201, legal_file_load(r->db, r->a, id, &f) ? file_json(r->a, &f) : json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_get(web_req *r)
{
	legal_file f;
	if (!legal_file_load(r->db, r->a, r->param[0], &f)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "legal_file", f.id, "api");
	json_t *o = file_json(r->a, &f);
	if (legal_has_obliges(&f))
		json_object_set_new(o, "obliges", obliges_json(r, &f));
	web_json(r, 200, o);
}

static void api_action(web_req *r)
{
	legal_file f;
	if (!legal_file_load(r->db, r->a, r->param[0], &f)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&in, "action");
	legal_ctx x = LEGAL_CTX(r);
	err e = legal_act(&x, &f, action ? action : "", &in, &fe, &why);
	if (web_api_failed(r, e, &fe, e == E_NOT_FOUND ? "action : pieces, avis, transmettre, reponse ou clore." : why))
		return;
	legal_file now;
	web_json(r, 200, legal_file_load(r->db, r->a, f.id, &now) ? file_json(r->a, &now) : json_pack("{s:I}", "id", (json_int_t)f.id));
}

static void api_oblige(web_req *r)
{
	legal_file f;
	if (!legal_file_load(r->db, r->a, r->param[0], &f)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	kv_list in;
	if (!web_json_form(r, &in))
		return;
	form_errors fe = {0};
	int64_t id = r->nparams > 1 ? r->param[1] : 0;
	legal_ctx x = LEGAL_CTX(r);
	err e = r->nparams > 1 ? legal_oblige_answer(&x, &f, id, &in, &fe) : legal_oblige_add(&x, &f, &in, &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	web_json(r, r->nparams > 1 ? 200 : 201, json_pack("{s:I,s:o}", "id", (json_int_t)id, "obliges", obliges_json(r, &f)));
}

void legal_api_init(void)
{
	web_route(M_GET, "/api/v1/legal/kinds", api_kinds, PERM_LEGAL_READ, 0, "Aide sociale légale : types de dossiers");
	web_route(M_POST, "/api/v1/legal/kinds", api_kind_save, PERM_LEGAL_KINDS, 0, "Aide sociale légale : ajouter un type");
	web_route(M_POST, "/api/v1/legal/kinds/{id}", api_kind_save, PERM_LEGAL_KINDS, 0, "Aide sociale légale : modifier un type");
	web_route(M_GET, "/api/v1/legal/files", api_list, PERM_LEGAL_READ, 0, "Aide sociale légale : listes de travail");
	web_route(M_POST, "/api/v1/legal/files", api_create, PERM_LEGAL_WRITE, 0, "Aide sociale légale : enregistrer un dépôt");
	web_route(M_GET, "/api/v1/legal/files/{id}", api_get, PERM_LEGAL_READ, 0, "Aide sociale légale : un dossier");
	web_route(M_POST, "/api/v1/legal/files/{id}/obliges", api_oblige, PERM_LEGAL_WRITE, 0, "Aide sociale légale : ajouter un obligé alimentaire");
	web_route(M_POST, "/api/v1/legal/files/{id}/obliges/{id}", api_oblige, PERM_LEGAL_WRITE, 0,
	          "Aide sociale légale : réponse d’un obligé alimentaire");
	web_route(M_POST, "/api/v1/legal/files/{id}", api_action, PERM_LEGAL_WRITE, 0, "Aide sociale légale : étape d’un dossier");
}
