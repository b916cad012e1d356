/*
 * accounts_api.c — /api/v1 routes of the accounts module: who am I, users
 * of the structure, roles, structure settings. Same validation as the pages.
 */
#include <string.h>
#include "modules/accounts/accounts_internal.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

static void api_me(web_req *r)
{
	web_user *u = r->user;
	json_t *perms = json_array();
	for (int p = 0; p < perm_count(); p++)
		if ((u->perms >> p) & 1)
			json_array_append_new(perms, json_string(perm_key(p)));
	web_json(r, 200, json_pack("{s:I,s:s,s:s,s:{s:I,s:s},s:s,s:o}", "id", (json_int_t)u->id, "email", u->email,
	                           "display_name", u->display_name, "structure", "id", (json_int_t)u->structure_id,
	                           "name", u->structure_name, "role", role_key((role)u->role), "permissions", perms));
}

static db_sql Q_API_MEMBERS = DB_SQL(DB_SCOPED,
	"SELECT u.id, u.email, u.display_name, m.role, m.active, u.active, m.service FROM memberships m "
	"JOIN users u ON u.id = m.user_id WHERE m.structure_id = $1 ORDER BY u.id LIMIT $2 OFFSET $3");

static void api_users(web_req *r)
{
	int64_t limit = 100, offset = 0;
	const char *l = web_arg(r, "limit"), *o = web_arg(r, "offset");
	if ((l && !text_to_int64(l, 1, 1000, &limit)) || (o && !text_to_int64(o, 0, INT64_MAX / 2, &offset))) {
		web_error(r, E_INPUT, "limit doit être entre 1 et 1000, offset positif.");
		return;
	}
	json_t *arr = json_array();
	db_res q = {0};
	DBQ(r->db, &Q_API_MEMBERS, &q, A_INT(limit), A_INT(offset));
	while (db_next(&q))
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:b,s:s}", "id", (json_int_t)db_int(&q, 0),
		                                     "email", db_text(&q, 1), "display_name", db_text(&q, 2),
		                                     "role", role_key((role)db_int(&q, 3)),
		                                     "active", db_int(&q, 4) && db_int(&q, 5), "service", db_text(&q, 6)));
	db_close(&q);
	web_json(r, 200, json_pack("{s:o}", "users", arr));
}

static void api_user_create(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	form_errors fe = {0};
	int64_t uid = 0;
	err e = accounts_admin_add_user(r, web_jstr(in, "display_name"), web_jstr(in, "email"), web_jstr(in, "role"),
	                                web_jstr(in, "password"), &fe, &uid);
	if (e == E_OK)
		e = accounts_set_service(r->db, r->user->structure_id, uid, web_jstr(in, "service"));
	json_decref(in);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)uid));
}

static void api_user_update(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	json_t *act = json_object_get(in, "active");
	const char *active = json_is_boolean(act) ? (json_is_true(act) ? "1" : "0") : NULL;
	err e = accounts_admin_update_user(r, r->param[0], web_jstr(in, "role"), active);
	if (e == E_OK)
		e = accounts_set_service(r->db, r->user->structure_id, r->param[0], web_jstr(in, "service"));
	json_decref(in);
	if (e == E_CONFLICT) {
		web_error(r, E_INPUT, "Vous ne pouvez pas retirer votre propre rôle d’administrateur.");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "role (clé de rôle) et active (booléen) sont requis." : NULL);
		return;
	}
	web_json(r, 200, json_pack("{s:I}", "id", (json_int_t)r->param[0]));
}

static void api_roles(web_req *r)
{
	json_t *arr = json_array();
	for (int ro = 1; ro < ROLE__MAX; ro++) {
		json_t *perms = json_array();
		for (int p = 0; p < perm_count(); p++)
			if (perm_granted(p, (role)ro))
				json_array_append_new(perms, json_string(perm_key(p)));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:o}", "key", role_key((role)ro), "label",
		                                     role_label((role)ro), "permissions", perms));
	}
	web_json(r, 200, json_pack("{s:o}", "roles", arr));
}

static db_sql Q_API_STRUCT = DB_SQL(DB_GLOBAL,
	"SELECT id, name, address, insee, tz, phone, email, dpo_contact, version, nir_enabled, signatory_name, signatory_title, "
	"signatory_delegation, backdate_days FROM structures WHERE id = $1");

static void api_structure(web_req *r)
{
	db_res q = {0};
	json_t *o = NULL;
	if (DBQ(r->db, &Q_API_STRUCT, &q, A_INT(r->user->structure_id)) == E_OK && db_next(&q))
		o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b}", "id", (json_int_t)db_int(&q, 0), "name", db_text(&q, 1),
		              "address", db_text(&q, 2), "insee", db_text(&q, 3), "tz", db_text(&q, 4), "phone",
		              db_text(&q, 5), "email", db_text(&q, 6), "dpo_contact", db_text(&q, 7), "version",
		              (json_int_t)db_int(&q, 8), "nir_enabled", db_int(&q, 9) != 0);
	if (o)
		json_object_set_new(o, "signatory", json_pack("{s:s,s:s,s:b}", "name", db_text(&q, 10), "title", db_text(&q, 11),
		                                              "by_delegation", db_int(&q, 12) != 0));
	if (o)
		json_object_set_new(o, "backdate_days", json_integer(db_int(&q, 13)));
	db_close(&q);
	if (!o) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	web_json(r, 200, o);
}

static void api_structure_update(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	json_t *v = json_object_get(in, "version");
	char *ver = json_is_integer(v) ? arena_printf(r->a, "%lld", (long long)json_integer_value(v)) : NULL;
	structure_form f = {web_jstr(in, "name"), web_jstr(in, "address"), web_jstr(in, "insee"), web_jstr(in, "tz"), web_jstr(in, "phone"),
	                    web_jstr(in, "email"), web_jstr(in, "dpo_contact"), ver,
	                    json_is_true(json_object_get(in, "nir_enabled")) ? "1" : NULL, NULL, NULL, NULL, NULL};
	/* Strings point into `in`: copy before releasing it. */
	json_t *sig = json_object_get(in, "signatory");
	structure_form c = {arena_strdup(r->a, f.name), arena_strdup(r->a, f.address), arena_strdup(r->a, f.insee),
	                    arena_strdup(r->a, f.tz), arena_strdup(r->a, f.phone), arena_strdup(r->a, f.email),
	                    arena_strdup(r->a, f.dpo), ver, f.nir, arena_strdup(r->a, web_jstr(sig, "name")),
	                    arena_strdup(r->a, web_jstr(sig, "title")),
	                    json_is_boolean(json_object_get(sig, "by_delegation")) ? (json_is_true(json_object_get(sig, "by_delegation")) ? "1" : "0")
	                                                                             : NULL,
	                    json_is_integer(json_object_get(in, "backdate_days"))
	                        ? arena_printf(r->a, "%lld", (long long)json_integer_value(json_object_get(in, "backdate_days")))
	                        : NULL};
	json_decref(in);
	form_errors fe = {0};
	err e = accounts_structure_update(r, &c, &fe);
	if (fe.n) {
		web_error_form(r, &fe, NULL, 0);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "version (entier) est requis." : NULL);
		return;
	}
	api_structure(r);
}

void accounts_api_routes(void)
{
	web_route(M_GET, "/api/v1/me", api_me, WEB_LOGGED_IN, 0, "Utilisateur courant");
	web_route(M_GET, "/api/v1/users", api_users, PERM_ADMIN_USERS, 0, "Utilisateurs de la structure");
	web_route(M_POST, "/api/v1/users", api_user_create, PERM_ADMIN_USERS, 0, "Créer un utilisateur");
	web_route(M_POST, "/api/v1/users/{id}", api_user_update, PERM_ADMIN_USERS, 0, "Modifier rôle et état");
	web_route(M_GET, "/api/v1/roles", api_roles, WEB_LOGGED_IN, 0, "Rôles et permissions");
	web_route(M_GET, "/api/v1/structure", api_structure, WEB_LOGGED_IN, 0, "Paramètres de la structure");
	web_route(M_POST, "/api/v1/structure", api_structure_update, PERM_ADMIN_STRUCTURE, 0, "Modifier les paramètres");
}
