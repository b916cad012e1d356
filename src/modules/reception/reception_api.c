/*
 * reception_api.c — the front desk's JSON API: contacts, the waiting queue,
 * appointments, partners and motives; every action its pages offer.
 * Errors name the API's fields.
 */
#include "modules/reception/reception_internal.h"
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

/* An integer member as the text the validation reads (NULL if absent). */
static const char *jnum(web_req *r, json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? arena_printf(r->a, "%lld", (long long)json_integer_value(v)) : NULL;
}
static const char *jtext(web_req *r, json_t *o, const char *k) { return arena_strdup(r->a, web_jstr(o, k)); }

static void created(web_req *r, err e, const form_errors *fe, const char *const (*names)[2], int nnames, int64_t id)
{
	if (fe->n) {
		web_error_form(r, fe, names, nnames);
		return;
	}
	if (web_api_failed(r, e, NULL, NULL))
		return;
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_contact_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	contact_in c = {jtext(r, in, "channel"), jnum(r, in, "motive_id"), jtext(r, in, "answer"), jtext(r, in, "orientation"),
	                jnum(r, in, "orient_user_id"), jtext(r, in, "orient_service"), jnum(r, in, "orient_partner_id"),
	                jnum(r, in, "minutes"), jtext(r, in, "done_on"), jtext(r, in, "done_time"), jnum(r, in, "queue_id")};
	json_t *h = json_object_get(in, "household_id");
	int64_t hid = json_is_integer(h) ? json_integer_value(h) : 0;
	json_decref(in);
	form_errors fe = {0};
	int64_t id = 0;
	rc_when_rule when = rc_when_of(r->db, r->a, r->user->tz, r->user->structure_id, &c);
	err e = rc_contact_add(r->db, r->a, r->user->id, hid, &c, &when, &fe, &id);
	static const char *const names[][2] = {{"motive", "motive_id"}, {"orient_user", "orient_user_id"},
	                                       {"orient_partner", "orient_partner_id"}, {"household", "household_id"},
	                                       {"done_date", "done_on"}, {"queue", "queue_id"}};
	created(r, e, &fe, names, COUNTOF(names), id);
}

static void api_contacts(web_req *r)
{
	if (!persons_household_exists(r->db, r->param[0])) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	rc_contact *v;
	int n = rc_contacts_of(r->db, r->a, r->param[0], 0, &v);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I}", "at", (json_int_t)v[i].at, "channel", v[i].channel,
		                                     "motive", v[i].motive, "answer", v[i].answer, "orientation", v[i].orientation,
		                                     "oriented_to", v[i].orient_to, "minutes", (json_int_t)v[i].minutes));
	journal_record(r->db, r->user->id, "read", "household", r->param[0], "contacts api");
	web_json(r, 200, json_pack("{s:o}", "contacts", arr));
}

static json_t *appt_json(const rc_appt *a)
{
	return json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:o,s:I,s:s}", "id", (json_int_t)a->id, "starts_at", (json_int_t)a->starts_at,
	                 "minutes", (json_int_t)a->minutes, "place", a->place, "motive", a->motive, "status", a->status, "household_id",
	                 a->household_id ? json_integer(a->household_id) : json_null(), "agent_id", (json_int_t)a->agent_id, "agent",
	                 a->agent);
}

static void api_appt_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	appt_in ap = {jnum(r, in, "household_id"), jnum(r, in, "agent_id"), jtext(r, in, "date"), jtext(r, in, "time"),
	              jnum(r, in, "minutes"), jtext(r, in, "place"), jtext(r, in, "motive")};
	json_decref(in);
	form_errors fe = {0};
	int64_t id = 0;
	err e = rc_appt_add(r->db, r->a, r->user->id, r->user->tz, &ap, &fe, &id);
	static const char *const names[][2] = {{"household", "household_id"}, {"agent", "agent_id"}, {"duration", "minutes"},
	                                       {"subject", "motive"}};
	created(r, e, &fe, names, COUNTOF(names), id);
}

static void api_appts(web_req *r)
{
	const char *day = web_arg(r, "date"), *ag = web_arg(r, "agent_id");
	civil_date d = civil_today(r->user->tz);
	int64_t agent = 0;
	if ((day && !civil_parse(day, &d)) || (ag && !text_to_int64(ag, 1, INT64_MAX, &agent))) {
		web_error(r, E_INPUT, "date (AAAA-MM-JJ) et agent_id (entier) sont facultatifs mais doivent être valides.");
		return;
	}
	int64_t from = civil_day_start(r->user->tz, d), to = civil_day_start(r->user->tz, civil_from_days(civil_to_days(d) + 1));
	rc_appt *v;
	int n = rc_appts_between(r->db, r->a, from, to, agent, &v);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, appt_json(&v[i]));
	web_json(r, 200, json_pack("{s:o}", "appointments", arr));
}

static void api_appt_status(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	const char *s = jtext(r, in, "status");
	json_decref(in);
	err e = rc_appt_set_status(r->db, r->a, r->user->id, r->param[0], s);
	if (e == E_INPUT) {
		web_error_fields(r, json_pack("{s:s}", "status", "État inconnu : prevu, honore, annule ou absent."));
		return;
	}
	if (web_api_failed(r, e, NULL, NULL))
		return;
	web_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)r->param[0], "status", s));
}

static void api_queue(web_req *r)
{
	int64_t t0 = civil_day_start(r->user->tz, civil_today(r->user->tz));
	rc_waiting *v;
	int n = rc_queue_since(r->db, r->a, t0, &v);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:o,s:s,s:s?,s:s,s:I,s:o}", "id", (json_int_t)v[i].id, "label", v[i].label,
		                                     "household_id", v[i].household_id ? json_integer(v[i].household_id) : json_null(),
		                                     "motive", v[i].motive, "for_user", v[i].for_user, "status", v[i].status,
		                                     "checked_in_at", (json_int_t)v[i].checked_in_at, "received_at",
		                                     v[i].received_at ? json_integer(v[i].received_at) : json_null()));
	rc_queue_day st;
	rc_queue_stats(r->db, t0, &st);
	web_json(r, 200, json_pack("{s:o,s:I,s:I,s:o}", "queue", arr, "arrivals_today", (json_int_t)st.arrivals, "received_today",
	                           (json_int_t)st.received, "average_wait_minutes",
	                           st.received ? json_integer(st.waited_seconds / st.received / 60) : json_null()));
}

static void api_queue_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	queue_in q = {jtext(r, in, "label"), jnum(r, in, "household_id"), jnum(r, in, "motive_id"), jnum(r, in, "for_user_id")};
	json_decref(in);
	form_errors fe = {0};
	int64_t id = 0;
	err e = rc_queue_add(r->db, r->user->id, &q, &fe, &id);
	static const char *const names[][2] = {{"household", "household_id"}, {"motive", "motive_id"}, {"for_user", "for_user_id"}};
	created(r, e, &fe, names, COUNTOF(names), id);
}

static void api_queue_move(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	const char *from = jtext(r, in, "from"), *to = jtext(r, in, "to");
	json_decref(in);
	err e = rc_queue_move(r->db, r->user->id, r->param[0], from, to);
	if (e == E_INPUT) {
		web_error_fields(r, json_pack("{s:s}", "to", "Passages possibles : attente → recu ou parti. Un passage reçu se termine en "
		                                          "enregistrant son contact (POST /api/v1/contacts avec queue_id)."));
		return;
	}
	if (web_api_failed(r, e, NULL, e == E_CONFLICT ? "Un collègue a déjà pris en charge cette personne." : NULL))
		return;
	web_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)r->param[0], "status", to));
}

static void api_partners(web_req *r)
{
	const char *q = web_arg(r, "q");
	int64_t total = 0;
	rc_partner *v;
	int n = rc_partners_find(r->db, r->a, q ? q : "", 0, 0, &v, &total);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)v[i].id, "name", v[i].name, "kind",
		                                     v[i].kind, "phone", v[i].phone, "email", v[i].email, "address", v[i].address, "notes",
		                                     v[i].notes));
	web_json(r, 200, json_pack("{s:o,s:I}", "partners", arr, "total", (json_int_t)total));
}

static void api_partner_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	partner_in p = {jtext(r, in, "name"), jtext(r, in, "kind"), jtext(r, in, "phone"), jtext(r, in, "email"),
	                jtext(r, in, "address"), jtext(r, in, "notes")};
	json_decref(in);
	form_errors fe = {0};
	int64_t id = 0;
	err e = rc_partner_add(r->db, r->user->id, &p, &fe, &id);
	created(r, e, &fe, NULL, 0, id);
}

static void api_motives(web_req *r)
{
	rc_named *v;
	int n = rc_named_list(r->db, r->a, RC_MOTIVES, &v);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s}", "id", (json_int_t)v[i].id, "label", v[i].name));
	web_json(r, 200, json_pack("{s:o}", "motives", arr));
}

static void api_motive_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	const char *l = jtext(r, in, "label");
	json_decref(in);
	form_errors fe = {0};
	int64_t id = 0;
	err e = rc_motive_add(r->db, r->user->id, l, &fe, &id);
	created(r, e, &fe, NULL, 0, id);
}

static void api_motive_retire(web_req *r)
{
	err e = rc_motive_retire(r->db, r->user->id, r->param[0]);
	if (web_api_failed(r, e, NULL, NULL))
		return;
	web_json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)r->param[0], "active", 0));
}

void reception_api_routes(void)
{
	web_route(M_POST, "/api/v1/contacts", api_contact_add, PERM_RECEPTION, 0, "Enregistrer un contact");
	web_route(M_GET, "/api/v1/households/{id}/contacts", api_contacts, PERM_RECEPTION, 0, "Contacts d’un foyer");
	web_route(M_GET, "/api/v1/appointments", api_appts, PERM_RECEPTION, 0, "Rendez-vous d’un jour");
	web_route(M_POST, "/api/v1/appointments", api_appt_add, PERM_RECEPTION, 0, "Prendre un rendez-vous");
	web_route(M_POST, "/api/v1/appointments/{id}/status", api_appt_status, PERM_RECEPTION, 0, "Honoré, annulé, absent");
	web_route(M_GET, "/api/v1/queue", api_queue, PERM_RECEPTION, 0, "File d’attente du jour");
	web_route(M_POST, "/api/v1/queue", api_queue_add, PERM_RECEPTION, 0, "Ajouter à la file d’attente");
	web_route(M_POST, "/api/v1/queue/{id}/move", api_queue_move, PERM_RECEPTION, 0, "Faire avancer la file");
	web_route(M_GET, "/api/v1/partners", api_partners, PERM_RECEPTION, 0, "Annuaire des partenaires");
	web_route(M_POST, "/api/v1/partners", api_partner_add, PERM_RECEPTION_ADMIN, 0, "Ajouter un partenaire");
	web_route(M_GET, "/api/v1/motives", api_motives, PERM_RECEPTION, 0, "Motifs de contact");
	web_route(M_POST, "/api/v1/motives", api_motive_add, PERM_RECEPTION_ADMIN, 0, "Ajouter un motif");
	web_route(M_POST, "/api/v1/motives/{id}/retire", api_motive_retire, PERM_RECEPTION_ADMIN, 0, "Retirer un motif");
}
