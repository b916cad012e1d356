/*
 * domiciliation_api.c — the JSON API of élection de domicile: the lists,
 * one domiciliation (with its mail waiting, proxies and history), a new
 * request, every action of the workflow, and the mail counter. Errors name
 * the API's fields.
 */
#include "modules/domiciliation/domiciliation_internal.h"
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

/* Form field names → the API's names, in error reports. */
static const char *const API_NAMES[][2] = {
	{"place", "interview_place"}, {"interview", "interview_on"}, {"start", "start_on"}, {"end", "end_on"},
	{"requested", "requested_on"}, {"htype", "household_type"}, {"person", "person_id"}, {"contact_kind", "kind"},
	{"fwd_from", "from_on"}, {"from", "from_on"}, {"to", "to_on"}, {"forward", "forward_to"}};

static json_t *opt(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *domi_json(const domi *d)
{
	json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:s}", "id", (json_int_t)d->id, "person_id", (json_int_t)d->person_id, "household_id",
	                      (json_int_t)d->household_id, "version", (json_int_t)d->version, "status", d->status);
	json_object_set_new(o, "number", json_integer((json_int_t)d->num));
	json_object_set_new(o, "requested_on", opt(d->requested_on));
	json_object_set_new(o, "interview_on", opt(d->interview_on));
	json_object_set_new(o, "interview_place", json_string(d->interview_place));
	json_object_set_new(o, "link", json_string(d->link));
	json_object_set_new(o, "household_type", json_string(d->household_type));
	json_object_set_new(o, "cause", json_string(d->cause));
	json_object_set_new(o, "reason", json_string(d->reason));
	json_object_set_new(o, "non_eu_limited", json_boolean(d->non_eu_limited));
	json_object_set_new(o, "first_on", opt(d->first_on));
	json_object_set_new(o, "start_on", opt(d->start_on));
	json_object_set_new(o, "end_on", opt(d->end_on));
	json_object_set_new(o, "decided_on", opt(d->decided_on));
	json_object_set_new(o, "refusal_motive", json_string(d->refusal_motive));
	json_object_set_new(o, "orientation", json_string(d->orientation));
	json_object_set_new(o, "struck_on", opt(d->struck_on));
	json_object_set_new(o, "strike_motive", json_string(d->strike_motive));
	json_object_set_new(o, "renewal_requested_on", opt(d->renewal_on));
	json_object_set_new(o, "last_contact_on", opt(d->last_contact_on));
	json_object_set_new(o, "former_number", json_string(d->ref));
	json_object_set_new(o, "alias", json_string(d->alias));
	return o;
}

static bool load_or_404(web_req *r, domi *d)
{
	err e = domi_load(r->db, r->a, r->param[0], d);
	if (e == E_OK)
		return true;
	web_error(r, e, NULL);
	return false;
}

static void api_get(web_req *r)
{
	domi d;
	if (!load_or_404(r, &d))
		return;
	journal_record(r->db, r->user->id, "read", "domiciliation", d.id, "api");
	json_t *o = domi_json(&d);
	json_t *mail = json_object();
	domi_mail_count *mc;
	int nm = domi_mail_waiting(r->db, r->a, d.id, &mc);
	for (int i = 0; i < nm; i++)
		json_object_set_new(mail, mc[i].kind, json_integer(mc[i].count));
	json_object_set_new(o, "mail_waiting", mail);
	json_t *px = json_array();
	domi_proxy *p;
	int np = domi_proxies(r->db, r->a, d.id, &p);
	for (int i = 0; i < np; i++)
		json_array_append_new(px, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)p[i].id, "name", p[i].name, "from_on",
		                                    p[i].from_on, "to_on", p[i].to_on));
	json_object_set_new(o, "proxies", px);
	json_t *ev = json_array();
	domi_event *v;
	int ne = domi_events(r->db, r->a, d.id, &v);
	for (int i = 0; i < ne; i++)
		json_array_append_new(ev, json_pack("{s:s,s:s,s:s,s:s}", "on", v[i].on, "kind", v[i].kind, "detail", v[i].detail, "by",
		                                    v[i].user));
	json_object_set_new(o, "history", ev);
	web_json(r, 200, o);
}

static const char *jtext(web_req *r, json_t *j, const char *k) { return arena_strdup(r->a, web_jstr(j, k)); }
static const char *jnum(web_req *r, json_t *j, const char *k)
{
	json_t *v = json_object_get(j, k);
	return json_is_integer(v) ? arena_printf(r->a, "%lld", (long long)json_integer_value(v)) : NULL;
}

static void api_create(web_req *r)
{
	json_t *j = web_json_body(r);
	if (!j)
		return;
	request_in in = {jnum(r, j, "person_id"), jtext(r, j, "requested_on"), jtext(r, j, "interview_on"),
	                 jtext(r, j, "interview_place"), jtext(r, j, "link"), jtext(r, j, "household_type"), jtext(r, j, "cause"),
	                 jtext(r, j, "reason"), json_is_true(json_object_get(j, "non_eu_limited")) ? "1" : NULL};
	json_decref(j);
	form_errors fe = {0};
	int64_t id = 0;
	domi_ctx x = DOMI_CTX(r);
	err e = domi_request_add(&x, &in, &fe, &id);
	if (fe.n) {
		web_error_form(r, &fe, API_NAMES, COUNTOF(API_NAMES));
		return;
	}
	if (web_api_failed(r, e, NULL, NULL))
		return;
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* What an action reads from the body. */
typedef struct act_in {
	const char *interview_on, *interview_place, *link, *outcome, *start_on, *end_on, *orientation, *motive, *kind, *count, *to,
		*forward_to, *name, *from_on, *to_on, *address;
	int64_t version;
	const char *done_on; /* mail, handover, contact: the day it happened */
} act_in;

/* One route for the workflow: {"action": …, its fields}. The table says
 * which permission each needs beyond reading. */
typedef err (*act_fn)(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **warning);
static err a_submit(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	(void)w;
	return domi_submit(x, d, in->version, in->interview_on, in->interview_place, in->link, fe);
}
static err a_decide(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	return domi_decide(x, d, in->version, in->outcome, in->start_on, in->end_on, in->orientation, fe, w);
}
static err a_renew(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	(void)w;
	return domi_renew(x, d, in->version, in->interview_on, fe);
}
static err a_strike(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	(void)w;
	return domi_strike(x, d, in->motive, fe);
}
static err a_unstrike(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	(void)in, (void)fe, (void)w;
	return domi_unstrike(x, d);
}
static err a_mail(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	(void)w;
	return domi_mail_add(x, d, in->kind ? in->kind : "lettre", in->count, fe);
}
static err a_handover(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	(void)w;
	return domi_handover(x, d, in->to, in->forward_to, fe);
}
static err a_contact(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	(void)w;
	return domi_contact_add(x, d, in->kind, fe);
}
static err a_proxy(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	(void)w;
	int64_t id;
	return domi_proxy_add(x, d, in->name, in->from_on, in->to_on, fe, &id);
}
static err a_forward(const domi_ctx *x, const domi *d, const act_in *in, form_errors *fe, const char **w)
{
	(void)w;
	int64_t id;
	return domi_forward_add(x, d, in->address, in->from_on, in->to_on, fe, &id);
}

static const struct {
	const char *action;
	act_fn fn;
	const int *perm;
} ACTIONS[] = {
	{"submit", a_submit, &PERM_DOMI_INSTRUCT}, {"decide", a_decide, &PERM_DOMI_DECIDE},
	{"renew", a_renew, &PERM_DOMI_INSTRUCT},   {"strike", a_strike, &PERM_DOMI_DECIDE},
	{"unstrike", a_unstrike, &PERM_DOMI_DECIDE}, {"mail", a_mail, &PERM_DOMI_MAIL},
	{"handover", a_handover, &PERM_DOMI_MAIL}, {"contact", a_contact, &PERM_DOMI_MAIL},
	{"proxy", a_proxy, &PERM_DOMI_MAIL},       {"forward", a_forward, &PERM_DOMI_MAIL},
};

static void api_action(web_req *r)
{
	domi d;
	if (!load_or_404(r, &d))
		return;
	json_t *j = web_json_body(r);
	if (!j)
		return;
	const char *action = jtext(r, j, "action");
	act_in in = {jtext(r, j, "interview_on"), jtext(r, j, "interview_place"), jtext(r, j, "link"), jtext(r, j, "outcome"),
	             jtext(r, j, "start_on"), jtext(r, j, "end_on"), jtext(r, j, "orientation"), jtext(r, j, "motive"),
	             jtext(r, j, "kind"), jnum(r, j, "count"), jtext(r, j, "to"), jtext(r, j, "forward_to"), jtext(r, j, "name"),
	             jtext(r, j, "from_on"), jtext(r, j, "to_on"), jtext(r, j, "address"), 0, jtext(r, j, "done_on")};
	if (jnum(r, j, "proxy_id"))
		in.to = jnum(r, j, "proxy_id");
	json_t *ver = json_object_get(j, "version");
	in.version = json_is_integer(ver) ? json_integer_value(ver) : -1;
	json_decref(j);
	int k = -1;
	for (int i = 0; action && i < COUNTOF(ACTIONS); i++)
		if (!strcmp(action, ACTIONS[i].action))
			k = i;
	if (k < 0) {
		web_error_fields(r, json_pack("{s:s}", "action", "action : submit, decide, renew, strike, unstrike, mail, handover, "
		                                                 "contact, proxy ou forward, avec ses champs."));
		return;
	}
	if (!web_can(r, *ACTIONS[k].perm)) {
		web_error(r, E_FORBIDDEN, NULL);
		return;
	}
	form_errors fe = {0};
	const char *warning = NULL;
	domi_ctx x = DOMI_CTX(r);
	bool dated = strcmp(action, "mail") && strcmp(action, "handover") && strcmp(action, "contact") ? true
	                                                                                                 : domi_dated(r, &x, in.done_on, &fe);
	err e = dated ? ACTIONS[k].fn(&x, &d, &in, &fe, &warning) : E_INPUT;
	if (fe.n) {
		web_error_form(r, &fe, API_NAMES, COUNTOF(API_NAMES));
		return;
	}
	if (web_api_failed(r, e, NULL, e == E_CONFLICT ? "Le dossier a changé (version ou état) : relisez-le." : NULL))
		return;
	if (domi_load(r->db, r->a, d.id, &d) != E_OK) {
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *o = domi_json(&d);
	if (warning)
		json_object_set_new(o, "warning", json_string(warning));
	web_json(r, 200, o);
}

/* The lists, in pages (?page=, ?limit= up to 5,000, 500 by default), with "next_page"
 * while more follow. */
static void api_list(web_req *r)
{
	static const struct { const char *key; domi_list_kind kind; } KINDS[] = {
		{"all", DOMI_LIST_ALL}, {"expiring15", DOMI_LIST_EXPIRING15}, {"expiring60", DOMI_LIST_EXPIRING60},
		{"no_contact", DOMI_LIST_NO_CONTACT}, {"late", DOMI_LIST_LATE},
	};
	const char *status = web_arg(r, "status"), *list = web_arg(r, "list"), *ps = web_arg(r, "page"), *ls = web_arg(r, "limit");
	int64_t page = 1, limit = 500;
	int k = list ? -1 : 0;
	for (int i = 0; list && i < COUNTOF(KINDS); i++)
		if (!strcmp(list, KINDS[i].key))
			k = i;
	if ((status && !CODE_OK(DOMI_STATUS, status)) || k < 0 || (ps && !text_to_int64(ps, 1, 10000000, &page)) ||
	    (ls && !text_to_int64(ls, 1, 5000, &limit))) {
		web_error(r, E_INPUT, "status (code de statut), list (all, expiring15, expiring60, no_contact, late), page (≥ 1) et "
		                      "limit (1 à 5 000) sont facultatifs mais doivent être valides.");
		return;
	}
	domi_line *v;
	bool more = false;
	int n = domi_list(r->db, r->a, KINDS[k].kind, status ? status : "", civil_today(r->user->tz), (int)limit, (page - 1) * limit, &v,
	                  &more);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:I,s:I,s:s,s:o,s:o,s:o,s:b}", "id", (json_int_t)v[i].id, "number", (json_int_t)v[i].num, "person_id",
		                                     (json_int_t)v[i].person_id, "status", v[i].status, "requested_on", opt(v[i].requested_on),
		                                     "end_on", opt(v[i].end_on), "last_contact_on", opt(v[i].last_contact_on),
		                                     "renewal_requested", v[i].renewal_asked));
	web_json(r, 200, json_pack("{s:o,s:I,s:o}", "domiciliations", arr, "page", (json_int_t)page, "next_page",
	                           more ? json_integer(page + 1) : json_null()));
}

/* The mail counter: {"numbers": "12, 12, 57", "kind": "lettre"}. The
 * valid numbers are recorded; the others come back with their reason. */
static void api_mail_batch(web_req *r)
{
	json_t *j = web_json_body(r);
	if (!j)
		return;
	const char *nums = jtext(r, j, "numbers"), *kind = jtext(r, j, "kind");
	json_decref(j);
	domi_ctx x = DOMI_CTX(r);
	domi_batch res;
	err e = domi_mail_batch(&x, nums, kind ? kind : "lettre", &res);
	json_t *rej = json_array();
	for (int i = 0; i < res.nrejected; i++)
		json_array_append_new(rej, json_pack("{s:s,s:s}", "number", res.rejected[i].token, "reason", res.rejected[i].why));
	if (e == E_INPUT) {
		/* The usual error, with the numbers refused and why. */
		web_json(r, err_http_status(E_INPUT),
		         json_pack("{s:{s:s,s:s,s:{s:s},s:o}}", "error", "code", err_code(E_INPUT), "message", err_message(E_INPUT), "fields",
		                   "numbers", res.why, "rejected", rej));
		return;
	}
	if (web_api_failed(r, e, NULL, NULL)) {
		json_decref(rej);
		return;
	}
	web_json(r, 201, json_pack("{s:i,s:o}", "recorded", res.written, "rejected", rej));
}

void domiciliation_api_routes(void)
{
	web_route(M_GET, "/api/v1/domiciliations", api_list, PERM_DOMI_MAIL, 0, "Domiciliations (listes de travail, par pages)");
	web_route(M_POST, "/api/v1/domiciliations", api_create, PERM_DOMI_INSTRUCT, 0, "Enregistrer une demande");
	web_route(M_POST, "/api/v1/domiciliations/mail", api_mail_batch, PERM_DOMI_MAIL, 0, "Guichet courrier : arrivées par numéros");
	web_route(M_GET, "/api/v1/domiciliations/{id}", api_get, PERM_DOMI_MAIL, 0, "Lire une domiciliation");
	web_route(M_POST, "/api/v1/domiciliations/{id}", api_action, PERM_DOMI_MAIL, 0, "Faire avancer une domiciliation");
}
