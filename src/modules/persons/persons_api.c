/*
 * persons_api.c — /api/v1 for persons and households, over the same
 * functions as the pages; and the module's init.
 */
#include <string.h>
#include "core/countof.h"
#include "modules/persons/persons_internal.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"


/* A household's figures; those not recorded are null, never 0. */
static json_t *budget_json(const household_budget *hb)
{
	json_t *o = json_pack("{s:i,s:i,s:I,s:I,s:I,s:I,s:s,s:b}", "members", hb->members, "children", hb->children, "parts_x100",
	                      (json_int_t)hb->parts_x100, "charges", (json_int_t)hb->charges, "family_benefits",
	                      (json_int_t)hb->family_benefits, "rule_id", (json_int_t)hb->rule_id, "explain", hb->explain,
	                      "resources_known", hb->resources_known);
	json_object_set_new(o, "uc_x100", hb->uc_known ? json_integer(hb->uc_x100) : json_null());
	json_object_set_new(o, "resources", hb->resources_known ? json_integer(hb->resources) : json_null());
	json_object_set_new(o, "qf", hb->qf_known ? json_integer(hb->qf) : json_null());
	json_object_set_new(o, "rav_month", hb->resources_known ? json_integer(hb->rav_month) : json_null());
	json_object_set_new(o, "rav_day_person", hb->rav_known ? json_integer(hb->rav_day_person) : json_null());
	return o;
}

static json_t *hits_json(search_hit *h, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s?,s:s,s:s,s:b}", "person_id", (json_int_t)h[i].person_id,
		                                     "household_id", (json_int_t)h[i].household_id, "last_name", h[i].last_name,
		                                     "birth_name", h[i].birth_name ? h[i].birth_name : "", "first_names",
		                                     h[i].first_names, "birth_date", h[i].birth_date, "file_no", h[i].file_no,
		                                     "address", h[i].address ? h[i].address : "", "archived", h[i].archived));
	return arr;
}

static void api_search(web_req *r)
{
	search_hit *h;
	bool capped = false;
	int n = persons_search_fed(r->db, r->a, web_arg(r, "q"), web_can(r, PERM_PERSONS_MERGE), &h, 25, &capped, persons_feed_head(r));
	/* incomplete: a word too common, only its first 200 persons looked at. */
	web_json(r, 200, json_pack("{s:o,s:b}", "results", hits_json(h, n), "incomplete", capped));
}

static person_in person_json(web_req *r, json_t *o)
{
	(void)r;
	return (person_in){web_jstr(o, "last_name"), web_jstr(o, "birth_name"), web_jstr(o, "first_names"), web_jstr(o, "sex"), web_jstr(o, "birth_date"),
	                   web_jstr(o, "birth_place"), web_jstr(o, "nationality"), web_jstr(o, "phone"), web_jstr(o, "email"), web_jstr(o, "channel"),
	                   json_is_true(json_object_get(o, "consent_sms")) ? "1" : NULL,
	                   json_is_true(json_object_get(o, "consent_email")) ? "1" : NULL, web_jstr(o, "employment"),
	                   web_jstr(o, "health_cover"), web_jstr(o, "protection"), web_jstr(o, "representative"),
	                   json_is_true(json_object_get(o, "disability")) ? "1" : NULL, web_jstr(o, "gir"),
	                   json_is_true(json_object_get(o, "student")) ? "1" : NULL, web_jstr(o, "caf_number"), web_jstr(o, "relation"),
	                   web_jstr(o, "nir")};
}

/* Copies every string of p into the arena (the JSON is freed before use). */
static void person_own(arena *a, person_in *p)
{
	const char **f[] = {&p->last_name, &p->birth_name, &p->first_names, &p->sex, &p->birth_date, &p->birth_place,
	                    &p->nationality, &p->phone, &p->email, &p->channel, &p->consent_sms, &p->consent_email,
	                    &p->employment, &p->health_cover, &p->protection, &p->representative, &p->disability,
	                    &p->gir, &p->student, &p->caf_number, &p->relation, &p->nir};
	for (int i = 0; i < COUNTOF(f); i++)
		if (*f[i])
			*f[i] = arena_strdup(a, *f[i]);
}

static void api_household_create(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	json_t *jp = json_object_get(in, "applicant"), *jh = json_object_get(in, "address");
	person_in p = person_json(r, json_is_object(jp) ? jp : in);
	p.relation = "demandeur";
	person_own(r->a, &p);
	household_in h = {0};
	if (json_is_object(jh))
		h = (household_in){arena_strdup(r->a, web_jstr(jh, "street_no")), arena_strdup(r->a, web_jstr(jh, "street")),
		                   arena_strdup(r->a, web_jstr(jh, "postcode")), arena_strdup(r->a, web_jstr(jh, "city")),
		                   arena_strdup(r->a, web_jstr(jh, "neighbourhood")), arena_strdup(r->a, web_jstr(jh, "housing"))};
	bool confirm = json_is_true(json_object_get(in, "confirm_duplicate"));
	json_decref(in);
	form_errors fe = {0};
	person_validate(&p, &fe, true);
	household_validate(&h, &fe);
	if (fe.n) {
		web_error_form(r, &fe, NULL, 0);
		return;
	}
	if (!confirm) {
		search_hit *d;
		bool incomplete;
		int nd = persons_duplicates(r->db, r->a, p.last_name, p.first_names, p.birth_date, &d, 10, &incomplete);
		if (nd || incomplete) {
			json_t *je = json_pack("{s:s,s:s,s:o,s:b}", "code", "possible_duplicate", "message",
			                        incomplete
			                            ? "Beaucoup de personnes portent ce nom : la recherche de doublons n’en a examiné qu’une "
			                              "partie. Cherchez la personne (nom, prénom et date de naissance), puis renvoyez avec "
			                              "\"confirm_duplicate\": true s’il s’agit d’une autre personne."
			                            : "Cette personne est peut-être déjà connue. Vérifiez les candidats, puis renvoyez avec "
			                              "\"confirm_duplicate\": true s’il s’agit d’une autre personne.",
			                        "candidates", hits_json(d, nd), "incomplete", incomplete);
			web_json(r, 409, json_pack("{s:o}", "error", je));
			return;
		}
	}
	int64_t hid, pid;
	err e = persons_household_create(r, &h, &p, &hid, &pid);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_json(r, 201, json_pack("{s:I,s:I,s:s}", "household_id", (json_int_t)hid, "person_id", (json_int_t)pid, "file_no",
	                           persons_file_no(r->db, r->a, hid)));
}

static db_sql Q_API_H = DB_SQL(DB_SCOPED,
	"SELECT file_no, street_no, street, postcode, city, neighbourhood, housing, merged_into FROM households "
	"WHERE structure_id = $1 AND id = $2");
static db_sql Q_API_MEMBERS = DB_SQL(DB_SCOPED,
	"SELECT id, relation, last_name, birth_name, first_names, sex, birth_date, phone, active, version FROM persons "
	"WHERE structure_id = $1 AND household_id = $2 ORDER BY id");
static db_sql Q_API_ALERTS = DB_SQL(DB_SCOPED,
	"SELECT id, text FROM alerts WHERE structure_id = $1 AND household_id = $2 AND ended_at IS NULL ORDER BY id");
/* The newest API_NOTES of the notes the agent may read; notes_total says how many there are. */
enum { API_NOTES = 200 };
#define API_NOTES_VISIBLE                                                                                           \
	"FROM notes n WHERE n.structure_id = $1 AND n.household_id = $2 AND (n.visibility = 'equipe' OR n.author_id = $3 OR " \
	"(n.visibility = 'referents' AND EXISTS (SELECT 1 FROM referents r WHERE r.structure_id = $1 "                  \
	"AND r.household_id = n.household_id AND r.user_id = $3))) "
static db_sql Q_API_NOTES = DB_SQL(DB_SCOPED,
	"SELECT n.id, n.visibility, n.body, n.created_at, n.author_id " API_NOTES_VISIBLE "ORDER BY n.created_at DESC, n.id DESC LIMIT 201");
static db_sql Q_API_NOTES_N = DB_SQL(DB_SCOPED, "SELECT count(*) " API_NOTES_VISIBLE);

static void api_household(web_req *r)
{
	int64_t hid = r->param[0];
	db_res q = {0};
	json_t *o = NULL;
	if (DBQ(r->db, &Q_API_H, &q, A_INT(hid)) == E_OK && db_next(&q) && db_isnull(&q, 7))
		o = json_pack("{s:I,s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s}}", "id", (json_int_t)hid, "file_no", db_text(&q, 0), "address",
		              "street_no", db_text(&q, 1), "street", db_text(&q, 2), "postcode", db_text(&q, 3), "city",
		              db_text(&q, 4), "neighbourhood", db_text(&q, 5), "housing", db_text(&q, 6));
	db_close(&q);
	if (!o) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "household", hid, "api");
	json_t *members = json_array();
	DBQ(r->db, &Q_API_MEMBERS, &q, A_INT(hid));
	while (db_next(&q))
		json_array_append_new(members, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?,s:s,s:b,s:I}", "id", (json_int_t)db_int(&q, 0),
		                                         "relation", db_text(&q, 1), "last_name", db_text(&q, 2), "birth_name",
		                                         db_text(&q, 3), "first_names", db_text(&q, 4), "sex", db_text(&q, 5),
		                                         "birth_date", db_isnull(&q, 6) ? NULL : db_text(&q, 6), "phone",
		                                         db_text(&q, 7), "active", db_int(&q, 8) != 0, "version", (json_int_t)db_int(&q, 9)));
	db_close(&q);
	json_object_set_new(o, "members", members);
	json_t *alerts = json_array();
	DBQ(r->db, &Q_API_ALERTS, &q, A_INT(hid));
	while (db_next(&q))
		json_array_append_new(alerts, json_pack("{s:I,s:s}", "id", (json_int_t)db_int(&q, 0), "text", db_text(&q, 1)));
	db_close(&q);
	int months = persons_residence_months(r->db, hid, civil_today(r->user->tz));
	json_object_set_new(o, "residence_months", months >= 0 ? json_integer(months) : json_null());
	json_object_set_new(o, "alerts", alerts);
	if (web_can(r, PERM_PERSONS_SITUATION)) {
		household_budget hb;
		if (persons_budget(r->db, r->a, hid, civil_today(r->user->tz), &hb) == E_OK)
			json_object_set_new(o, "budget", budget_json(&hb));
	}
	if (web_can(r, PERM_NOTES)) {
		json_t *notes = json_array();
		int64_t nn = 0;
		DBQ(r->db, &Q_API_NOTES, &q, A_INT(hid), A_INT(r->user->id));
		while (db_next(&q) && nn++ < API_NOTES)
			json_array_append_new(notes, json_pack("{s:I,s:s,s:s,s:I,s:I}", "id", (json_int_t)db_int(&q, 0), "visibility",
			                                       db_text(&q, 1), "body", db_text(&q, 2), "created_at",
			                                       (json_int_t)db_int(&q, 3), "author_id", (json_int_t)db_int(&q, 4)));
		db_close(&q);
		if (nn > API_NOTES) /* more than shown: counted */
			nn = db_exec_id(r->db, &Q_API_NOTES_N, 2, (db_arg[]){A_INT(hid), A_INT(r->user->id)}, &nn) == E_OK ? nn : -1;
		json_object_set_new(o, "notes", notes);
		json_object_set_new(o, "notes_total", nn >= 0 ? json_integer(nn) : json_null());
	}
	web_json(r, 200, o);
}

static void api_member_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	person_in p = person_json(r, in);
	person_own(r->a, &p);
	json_decref(in);
	if (!p.relation)
		p.relation = "enfant";
	form_errors fe = {0};
	if (!person_validate(&p, &fe, true)) {
		web_error_form(r, &fe, NULL, 0);
		return;
	}
	int64_t pid;
	err e = persons_member_add(r, r->param[0], &p, &pid);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_json(r, 201, json_pack("{s:I}", "person_id", (json_int_t)pid));
}

static void api_person_update(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	person_in p = person_json(r, in);
	person_own(r->a, &p);
	json_t *v = json_object_get(in, "version");
	int64_t version = json_is_integer(v) ? json_integer_value(v) : 0;
	json_decref(in);
	form_errors fe = {0};
	if (!version)
		form_error(&fe, "version", "La version lue (entier) est requise pour modifier une fiche.");
	if (!person_validate(&p, &fe, true) || fe.n) {
		web_error_form(r, &fe, NULL, 0);
		return;
	}
	err e = persons_person_update(r, r->param[0], &p, version);
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "Le NIR n’est pas valide." : NULL);
		return;
	}
	web_json(r, 200, json_pack("{s:I}", "person_id", (json_int_t)r->param[0]));
}

static void api_budget(web_req *r)
{
	const char *m = web_arg(r, "month");
	civil_date d = civil_today(r->user->tz);
	if (m) {
		char tmp[11];
		snprintf(tmp, sizeof tmp, "%.7s-01", m);
		if (strlen(m) != 7 || !civil_parse(tmp, &d)) {
			web_error(r, E_INPUT, "month doit être au format AAAA-MM.");
			return;
		}
	}
	if (!persons_household_exists(r->db, r->param[0])) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	household_budget hb;
	err e = persons_budget(r->db, r->a, r->param[0], d, &hb);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "household", r->param[0], "budget api");
	web_json(r, 200, budget_json(&hb));
}

static void api_budget_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	char *month = arena_strdup(r->a, web_jstr(in, "month")), *cat = NULL, *amount = NULL, *person = NULL;
	const char *kind = web_jstr(in, "kind"), *c = web_jstr(in, "category");
	if (kind && c)
		cat = arena_printf(r->a, "%s:%s", !strcmp(kind, "resource") ? "R" : !strcmp(kind, "charge") ? "C" : "?", c);
	json_t *am = json_object_get(in, "amount_cents"), *pe = json_object_get(in, "person_id");
	if (json_is_integer(am) && json_integer_value(am) >= 0)
		amount = arena_printf(r->a, "%lld,%02lld", (long long)(json_integer_value(am) / 100), (long long)(json_integer_value(am) % 100));
	if (json_is_integer(pe))
		person = arena_printf(r->a, "%lld", (long long)json_integer_value(pe));
	bool counted = !json_is_false(json_object_get(in, "counted"));
	json_decref(in);
	if (!persons_household_exists(r->db, r->param[0])) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	int64_t id;
	err e = persons_budget_line_add(r, r->param[0], month, cat, person, amount, counted, &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_note_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	char *body = arena_strdup(r->a, web_jstr(in, "body")), *vis = arena_strdup(r->a, web_jstr(in, "visibility"));
	json_decref(in);
	if (!persons_household_exists(r->db, r->param[0])) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	int64_t id;
	err e = persons_note_add(r, r->param[0], body, vis ? vis : "equipe", &id);
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "body (texte non vide) et visibility (equipe, referents, auteur) sont requis." : NULL);
		return;
	}
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_alert_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	char *text = arena_strdup(r->a, web_jstr(in, "text"));
	json_decref(in);
	if (!persons_household_exists(r->db, r->param[0])) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	int64_t id;
	err e = persons_alert_add(r, r->param[0], text, &id);
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "text est requis (300 caractères au plus)." : NULL);
		return;
	}
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* The timeline in pages (?page=, ?limit= up to 1,000, 200 by default),
 * with "next_page" while more follow. */
static void api_timeline(web_req *r)
{
	if (!persons_household_exists(r->db, r->param[0])) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	const char *kind = web_arg(r, "kind"), *ps = web_arg(r, "page"), *ls = web_arg(r, "limit");
	int64_t page = 1, limit = 200;
	if ((ps && !text_to_int64(ps, 1, 10000000, &page)) || (ls && !text_to_int64(ls, 1, 1000, &limit))) {
		web_error(r, E_INPUT, "page (≥ 1) et limit (1 à 1 000) sont facultatifs mais doivent être des entiers.");
		return;
	}
	event_row *v;
	int n = persons_event_rows(r->db, r->a, r->param[0], kind ? kind : "", (int)limit + 1, (page - 1) * limit, &v);
	json_t *arr = json_array();
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:I,s:s,s:o}", "at", (json_int_t)v[i].at, "kind", v[i].kind, "ref_id",
		                                     (json_int_t)v[i].ref_id, "summary", v[i].summary, "user_id",
		                                     v[i].user_id ? json_integer(v[i].user_id) : json_null()));
	journal_record(r->db, r->user->id, "read", "household", r->param[0], "timeline api");
	web_json(r, 200, json_pack("{s:o,s:I,s:o}", "events", arr, "page", (json_int_t)page, "next_page",
	                           n > limit ? json_integer(page + 1) : json_null()));
}

static void api_merge(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	json_t *g = json_object_get(in, "merge_household_id");
	int64_t gone = json_is_integer(g) ? json_integer_value(g) : 0;
	const char *fno = web_jstr(in, "merge_file_no");
	if (!gone && fno)
		gone = persons_household_by_file_no(r->db, fno);
	json_decref(in);
	if (!gone) {
		web_error(r, E_INPUT, "merge_household_id ou merge_file_no est requis.");
		return;
	}
	err e = persons_merge(r, r->param[0], gone);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_json(r, 200, json_pack("{s:I,s:I}", "household_id", (json_int_t)r->param[0], "merged", (json_int_t)gone));
}

/* ---- the rest of what the household's pages offer ------------------------------------------ */

static bool household_or_404(web_req *r)
{
	if (persons_household_exists(r->db, r->param[0]))
		return true;
	web_error(r, E_NOT_FOUND, NULL);
	return false;
}

static const char *jtext(web_req *r, json_t *o, const char *k) { return arena_strdup(r->a, web_jstr(o, k)); }

static void done(web_req *r, err e, const form_errors *fe, const char *detail)
{
	if (web_api_failed(r, e, fe, detail))
		return;
	web_json(r, 200, json_pack("{s:I,s:b}", "household_id", (json_int_t)r->param[0], "ok", 1));
}

static void api_member_leave(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	const char *date = jtext(r, in, "date");
	json_decref(in);
	err e = persons_member_leave(r, r->param[0], r->param[1], date);
	done(r, e, NULL, e == E_INPUT ? "date : le jour du départ, AAAA-MM-JJ." : NULL);
}

static void api_address(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	household_in h = {jtext(r, in, "street_no"), jtext(r, in, "street"), jtext(r, in, "postcode"), jtext(r, in, "city"),
	                  jtext(r, in, "neighbourhood"), jtext(r, in, "housing")};
	const char *since = jtext(r, in, "since");
	json_decref(in);
	if (!household_or_404(r))
		return;
	form_errors fe = {0};
	civil_date d;
	household_validate(&h, &fe);
	if (!since || !civil_parse(since, &d))
		form_error(&fe, "since", "Indiquez la date d’arrivée à cette adresse (AAAA-MM-JJ).");
	done(r, fe.n ? E_INPUT : persons_address_update(r, r->param[0], &h, since), &fe, NULL);
}

static void api_budget_copy(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	const char *month = jtext(r, in, "month"), *from = jtext(r, in, "from");
	json_decref(in);
	if (!household_or_404(r))
		return;
	err e = persons_budget_copy(r, r->param[0], month, from);
	done(r, e, NULL, e == E_INPUT ? "month et from : des mois AAAA-MM." : NULL);
}

static void api_budget_delete(web_req *r) { done(r, persons_budget_line_delete(r, r->param[0], r->param[1]), NULL, NULL); }

static void api_taxable(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	json_t *v = json_object_get(in, "annual_taxable_cents");
	const char *amount = json_is_integer(v) && json_integer_value(v) >= 0
	                         ? arena_printf(r->a, "%lld,%02lld", (long long)(json_integer_value(v) / 100), (long long)(json_integer_value(v) % 100))
	                     : json_is_null(v) ? "" : "?";
	json_decref(in);
	if (!household_or_404(r))
		return;
	form_errors fe = {0};
	static const char *const names[][2] = {{"taxable", "annual_taxable_cents"}};
	err e = persons_taxable_set(r, r->param[0], amount, &fe);
	if (fe.n) {
		web_error_form(r, &fe, names, COUNTOF(names));
		return;
	}
	done(r, e, NULL, NULL);
}

static void api_alert_end(web_req *r) { done(r, persons_alert_end(r, r->param[0], r->param[1]), NULL, NULL); }

static void api_referent(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	json_t *u = json_object_get(in, "user_id");
	int64_t uid = json_is_integer(u) ? json_integer_value(u) : 0;
	bool remove = json_is_true(json_object_get(in, "remove"));
	json_decref(in);
	if (!household_or_404(r))
		return;
	err e = uid > 0 ? persons_referent_set(r, r->param[0], uid, !remove) : E_INPUT;
	done(r, e, NULL, e == E_INPUT ? "user_id : un agent de la structure." : NULL);
}

static void api_documents(web_req *r)
{
	if (!household_or_404(r))
		return;
	document_row *v;
	int n = persons_document_rows(r->db, r->a, r->param[0], &v);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:I,s:o,s:I}", "id", (json_int_t)v[i].id, "kind", v[i].kind, "filename",
		                                     v[i].filename, "size", (json_int_t)v[i].size, "valid_until",
		                                     *v[i].valid_until ? json_string(v[i].valid_until) : json_null(), "created_at",
		                                     (json_int_t)v[i].created_at));
	journal_record(r->db, r->user->id, "read", "household", r->param[0], "documents api");
	web_json(r, 200, json_pack("{s:o}", "documents", arr));
}

/* multipart/form-data: kind, valid_until (optional), file. */
static void api_document_add(web_req *r)
{
	if (!household_or_404(r))
		return;
	const char *why = NULL;
	int64_t id = 0;
	err e = persons_document_add(r, r->param[0], web_field(r, "kind"), web_field(r, "valid_until"), web_file_field(r, "file"), &why,
	                             &id);
	if (web_api_failed(r, e, NULL, why))
		return;
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_document_get(web_req *r)
{
	persons_document doc;
	err e = persons_document_get(r, r->param[0], &doc);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	persons_document_send(r, &doc);
}

void persons_api_routes(void)
{
	web_route(M_GET, "/api/v1/persons", api_search, PERM_PERSONS_READ, 0, "Rechercher des personnes");
	web_route(M_POST, "/api/v1/households", api_household_create, PERM_PERSONS_WRITE, 0, "Créer un foyer");
	web_route(M_GET, "/api/v1/households/{id}", api_household, PERM_PERSONS_READ, 0, "Lire un foyer");
	web_route(M_POST, "/api/v1/households/{id}/members", api_member_add, PERM_PERSONS_WRITE, 0, "Ajouter un membre");
	web_route(M_POST, "/api/v1/persons/{id}", api_person_update, PERM_PERSONS_WRITE, 0, "Modifier une personne");
	web_route(M_GET, "/api/v1/households/{id}/budget", api_budget, PERM_PERSONS_SITUATION, 0, "QF et reste à vivre");
	web_route(M_POST, "/api/v1/households/{id}/budget", api_budget_add, PERM_PERSONS_SITUATION, 0, "Ajouter une ressource ou une charge");
	web_route(M_POST, "/api/v1/households/{id}/notes", api_note_add, PERM_NOTES, 0, "Ajouter une note");
	web_route(M_POST, "/api/v1/households/{id}/alerts", api_alert_add, PERM_PERSONS_WRITE, 0, "Ajouter une alerte");
	web_route(M_GET, "/api/v1/households/{id}/timeline", api_timeline, PERM_PERSONS_READ, 0, "Parcours du foyer");
	web_route(M_POST, "/api/v1/households/{id}/merge", api_merge, PERM_PERSONS_MERGE, 0, "Fusionner un doublon");
	web_route(M_POST, "/api/v1/households/{id}/members/{id}/leave", api_member_leave, PERM_PERSONS_WRITE, 0, "Départ d’un membre");
	web_route(M_POST, "/api/v1/households/{id}/address", api_address, PERM_PERSONS_WRITE, 0, "Changer d’adresse (l’ancienne est gardée)");
	web_route(M_POST, "/api/v1/households/{id}/budget/copy", api_budget_copy, PERM_PERSONS_SITUATION, 0, "Reprendre les lignes d’un mois");
	web_route(M_POST, "/api/v1/households/{id}/budget/{id}/delete", api_budget_delete, PERM_PERSONS_SITUATION, 0,
	          "Supprimer une ligne de budget");
	web_route(M_POST, "/api/v1/households/{id}/taxable-income", api_taxable, PERM_PERSONS_SITUATION, 0, "Revenu imposable annuel");
	web_route(M_POST, "/api/v1/households/{id}/alerts/{id}/end", api_alert_end, PERM_PERSONS_WRITE, 0, "Lever une alerte");
	web_route(M_POST, "/api/v1/households/{id}/referents", api_referent, PERM_NOTES, 0, "Ajouter ou retirer un référent");
	web_route(M_GET, "/api/v1/households/{id}/documents", api_documents, PERM_DOCUMENTS, 0, "Documents du foyer");
	web_route(M_POST, "/api/v1/households/{id}/documents", api_document_add, PERM_DOCUMENTS, 0, "Déposer un document (multipart)");
	web_route(M_GET, "/api/v1/documents/{id}", api_document_get, PERM_DOCUMENTS, 0, "Télécharger un document");
}
