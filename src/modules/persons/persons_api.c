/*
 * persons_api.c — /api/v1 for persons and households, over the same
 * functions as the pages; and the module's init.
 */
#include <string.h>
#include "modules/persons/persons_internal.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/home/home.h"
#include "modules/journal/journal.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

void persons_pages_routes(void);
void persons_actions_routes(void);
void persons_rules_routes(void);
err persons_note_add(web_req *r, int64_t hid, const char *body, const char *vis, int64_t *id);
err persons_alert_add(web_req *r, int64_t hid, const char *text, int64_t *id);
err persons_budget_line_add(web_req *r, int64_t hid, const char *mkey, const char *cat, const char *person,
                            const char *amount, bool counted, form_errors *fe, int64_t *id);

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
	int n = persons_search(r->db, r->a, web_arg(r, "q"), web_can(r, PERM_PERSONS_MERGE), &h, 25);
	web_json(r, 200, json_pack("{s:o}", "results", hits_json(h, n)));
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
	for (size_t i = 0; i < sizeof f / sizeof *f; i++)
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
		int nd = persons_duplicates(r->db, r->a, p.last_name, p.first_names, p.birth_date, &d, 10);
		if (nd) {
			json_t *je = json_pack("{s:s,s:s,s:o}", "code", "possible_duplicate", "message",
			                        "Cette personne est peut-être déjà connue. Vérifiez les candidats, puis renvoyez avec "
			                        "\"confirm_duplicate\": true s’il s’agit d’une autre personne.",
			                        "candidates", hits_json(d, nd));
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
	"SELECT id, relation, last_name, birth_name, first_names, sex, birth_date, phone, active FROM persons "
	"WHERE structure_id = $1 AND household_id = $2 ORDER BY id");
static db_sql Q_API_ALERTS = DB_SQL(DB_SCOPED,
	"SELECT id, text FROM alerts WHERE structure_id = $1 AND household_id = $2 AND ended_at IS NULL ORDER BY id");
static db_sql Q_API_NOTES = DB_SQL(DB_SCOPED,
	"SELECT n.id, n.visibility, n.body, n.created_at, n.author_id FROM notes n "
	"WHERE n.structure_id = $1 AND n.household_id = $2 AND (n.visibility = 'equipe' OR n.author_id = $3 OR "
	"(n.visibility = 'referents' AND EXISTS (SELECT 1 FROM referents r WHERE r.structure_id = $1 "
	"AND r.household_id = n.household_id AND r.user_id = $3))) ORDER BY n.created_at DESC, n.id DESC LIMIT 200");

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
		json_array_append_new(members, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?,s:s,s:b}", "id", (json_int_t)db_int(&q, 0),
		                                         "relation", db_text(&q, 1), "last_name", db_text(&q, 2), "birth_name",
		                                         db_text(&q, 3), "first_names", db_text(&q, 4), "sex", db_text(&q, 5),
		                                         "birth_date", db_isnull(&q, 6) ? NULL : db_text(&q, 6), "phone",
		                                         db_text(&q, 7), "active", db_int(&q, 8) != 0));
	db_close(&q);
	json_object_set_new(o, "members", members);
	json_t *alerts = json_array();
	DBQ(r->db, &Q_API_ALERTS, &q, A_INT(hid));
	while (db_next(&q))
		json_array_append_new(alerts, json_pack("{s:I,s:s}", "id", (json_int_t)db_int(&q, 0), "text", db_text(&q, 1)));
	db_close(&q);
	json_object_set_new(o, "alerts", alerts);
	if (web_can(r, PERM_PERSONS_SITUATION)) {
		household_budget hb;
		if (persons_budget(r->db, r->a, hid, civil_today(r->user->tz), &hb) == E_OK)
			json_object_set_new(o, "budget", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:s}", "resources", (json_int_t)hb.resources,
			                                           "charges", (json_int_t)hb.charges, "parts_x100", (json_int_t)hb.parts_x100,
			                                           "qf", (json_int_t)hb.qf, "rav_month", (json_int_t)hb.rav_month,
			                                           "rav_day_person", (json_int_t)hb.rav_day_person, "explain", hb.explain));
	}
	if (web_can(r, PERM_NOTES)) {
		json_t *notes = json_array();
		DBQ(r->db, &Q_API_NOTES, &q, A_INT(hid), A_INT(r->user->id));
		while (db_next(&q))
			json_array_append_new(notes, json_pack("{s:I,s:s,s:s,s:I,s:I}", "id", (json_int_t)db_int(&q, 0), "visibility",
			                                       db_text(&q, 1), "body", db_text(&q, 2), "created_at",
			                                       (json_int_t)db_int(&q, 3), "author_id", (json_int_t)db_int(&q, 4)));
		db_close(&q);
		json_object_set_new(o, "notes", notes);
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
	web_json(r, 200, json_pack("{s:i,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s}", "members", hb.members, "children", hb.children,
	                           "parts_x100", (json_int_t)hb.parts_x100, "uc_x100", (json_int_t)hb.uc_x100, "resources",
	                           (json_int_t)hb.resources, "charges", (json_int_t)hb.charges, "family_benefits",
	                           (json_int_t)hb.family_benefits, "qf", (json_int_t)hb.qf, "rav_month",
	                           (json_int_t)hb.rav_month, "rav_day_person", (json_int_t)hb.rav_day_person, "explain",
	                           hb.explain));
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

static db_sql Q_API_TL = DB_SQL(DB_SCOPED,
	"SELECT at, kind, ref_id, summary, user_id FROM timeline WHERE structure_id = $1 AND household_id = $2 "
	"AND ($3 = '' OR kind = $3) ORDER BY at DESC, id DESC LIMIT 200");

static void api_timeline(web_req *r)
{
	if (!persons_household_exists(r->db, r->param[0])) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	const char *kind = web_arg(r, "kind");
	json_t *arr = json_array();
	db_res q = {0};
	DBQ(r->db, &Q_API_TL, &q, A_INT(r->param[0]), A_TEXT(kind ? kind : ""));
	while (db_next(&q))
		json_array_append_new(arr, json_pack("{s:I,s:s,s:I,s:s,s:I}", "at", (json_int_t)db_int(&q, 0), "kind", db_text(&q, 1),
		                                     "ref_id", (json_int_t)db_int(&q, 2), "summary", db_text(&q, 3), "user_id",
		                                     (json_int_t)db_int(&q, 4)));
	db_close(&q);
	journal_record(r->db, r->user->id, "read", "household", r->param[0], "timeline api");
	web_json(r, 200, json_pack("{s:o}", "events", arr));
}

static db_sql Q_API_BY_FILE = DB_SQL(DB_SCOPED, "SELECT id FROM households WHERE structure_id = $1 AND file_no = $2");

static void api_merge(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	json_t *g = json_object_get(in, "merge_household_id");
	int64_t gone = json_is_integer(g) ? json_integer_value(g) : 0;
	const char *fno = web_jstr(in, "merge_file_no");
	if (!gone && fno)
		DBID(r->db, &Q_API_BY_FILE, &gone, A_TEXT(fno));
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

/* Home: the quick search box, first thing on the agent's home page. */
static void home_search(web_req *r)
{
	buf *b = &r->out;
	html_lit(b, "<section class=\"wide\" aria-labelledby=\"t-hs\"><h2 id=\"t-hs\">Trouver une personne</h2>"
	            "<form method=\"get\" action=\"/personnes\" role=\"search\" class=\"searchbox\">"
	            "<label for=\"hq\">Nom, prénom, date de naissance, dossier, téléphone</label><div class=\"row\">"
	            "<input id=\"hq\" name=\"q\" type=\"search\" autocomplete=\"off\" hx-get=\"/personnes?fragment=1\" "
	            "hx-trigger=\"input changed delay:150ms, search\" hx-target=\"#hres\">"
	            "<button type=\"submit\" class=\"primary\">Rechercher</button></div></form><div id=\"hres\" aria-live=\"polite\"></div>");
	if (web_can(r, PERM_PERSONS_WRITE))
		html_lit(b, "<p><a href=\"/foyers/nouveau\">Créer un nouveau foyer</a></p>");
	html_lit(b, "</section>");
}

static db_sql Q_EXPIRING = DB_SQL(DB_SCOPED,
	"SELECT d.household_id, d.kind, d.valid_until, h.file_no FROM documents d JOIN households h ON h.id = d.household_id "
	"JOIN referents r ON r.household_id = d.household_id AND r.structure_id = $1 AND r.user_id = $2 "
	"WHERE d.structure_id = $1 AND d.valid_until IS NOT NULL AND d.valid_until <= $3 AND d.valid_until >= $4 "
	"ORDER BY d.valid_until LIMIT 10");

static void home_expiring(web_req *r)
{
	civil_date t = civil_today(r->user->tz);
	char today[11], soon[11];
	civil_format(t, today);
	civil_format(civil_from_days(civil_to_days(t) + 30), soon);
	db_res q = {0};
	DBQ(r->db, &Q_EXPIRING, &q, A_INT(r->user->id), A_TEXT(soon), A_TEXT(today));
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-exp\"><h2 id=\"t-exp\">Pièces qui expirent sous 30 jours</h2><ul>");
	int n = 0;
	while (db_next(&q)) {
		char fr[11];
		civil_iso_to_fr(db_text(&q, 2), fr);
		html_printf(b, "<li><a href=\"/foyers/%lld\">Dossier %s</a> : %s le %s</li>", (long long)db_int(&q, 0), db_text(&q, 3),
		            code_fr(DOC_KINDS, NDOC_KINDS, db_text(&q, 1)), fr);
		n++;
	}
	db_close(&q);
	html_lit(b, "</ul>");
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucune pièce n’expire bientôt dans vos dossiers.</p>");
	html_lit(b, "</section>");
}

void persons_init(void)
{
	unsigned staff = ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) |
	                 ROLE_BIT(ROLE_MANAGER);
	unsigned followers = ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER);
	PERM_PERSONS_READ = perm_declare("persons.read", "Rechercher et consulter les foyers (identité, composition)", staff);
	PERM_PERSONS_WRITE = perm_declare("persons.write", "Créer et modifier les foyers et les personnes", staff);
	PERM_PERSONS_SITUATION = perm_declare("persons.situation", "Voir et saisir la situation, les ressources et les charges", followers);
	PERM_NOTES = perm_declare("persons.notes", "Lire et écrire les notes de suivi, désigner les référents",
	                          ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_MANAGER));
	PERM_DOCUMENTS = perm_declare("persons.documents", "Déposer et consulter les pièces justificatives", followers);
	PERM_PERSONS_MERGE = perm_declare("persons.merge", "Fusionner deux dossiers", ROLE_BIT(ROLE_MANAGER));
	persons_pages_routes();
	persons_actions_routes();
	persons_subject_routes();
	persons_retention_routes();
	persons_rules_routes();
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
	layout_nav_add(10, "Personnes", "/personnes", PERM_PERSONS_READ);
	home_widget_add(0, home_search, PERM_PERSONS_READ);
	home_widget_add(50, home_expiring, PERM_DOCUMENTS);
}
