/*
 * accounts_tokens.c — API tokens (Authorization: Bearer …): created and
 * shown once, listed, revoked. Rules:
 *  - every token expires (the structure's default, 90 days, or the days
 *    asked for, 1 to 730);
 *  - a user's tokens are revoked for good when their password changes or
 *    their account (or membership) is disabled;
 *  - a role the structure holds to two-factor authentication cannot use a
 *    token, unless the token was created explicitly for a service account
 *    (--service / « compte de service »): a stolen password alone must not
 *    open the API where the door asks for two factors.
 * The command line (openccas token create|list|revoke), the administration
 * page (/admin/jetons) and the API (/api/v1/tokens) share these functions.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "modules/accounts/accounts_internal.h"
#include "core/civil.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define TOKEN_MAX_DAYS 730

static db_sql Q_TOKEN_ADD = DB_SQL(DB_GLOBAL,
	"INSERT INTO api_tokens (token_hash, user_id, structure_id, label, created_at, expires_at, service) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
static db_sql Q_TOKEN_DAYS = DB_SQL(DB_GLOBAL, "SELECT token_days FROM structures WHERE id = $1");
/* A structure's token ($3), or any (the CLI: no structure). */
static db_sql Q_TOKEN_REVOKE = DB_SQL(DB_GLOBAL,
	"UPDATE api_tokens SET revoked = 1, revoked_at = $2 WHERE id = $1 AND revoked = 0 RETURNING structure_id");
static db_sql Q_TOKEN_REVOKE_OF = DB_SQL(DB_GLOBAL,
	"UPDATE api_tokens SET revoked = 1, revoked_at = $2 WHERE id = $1 AND structure_id = $3 AND revoked = 0 RETURNING structure_id");
static db_sql Q_TOKEN_EXISTS = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM api_tokens WHERE id = $1");
static db_sql Q_TOKEN_EXISTS_OF = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM api_tokens WHERE id = $1 AND structure_id = $2");
/* Every column the list shows: a structure's ($1), or every structure's (the CLI). */
#define TOKEN_LIST                                                                                                  \
	"SELECT t.id, t.label, u.email, u.display_name, t.structure_id, st.name, t.created_at, t.last_used, t.expires_at, " \
	" t.revoked, t.revoked_at, t.service FROM api_tokens t JOIN users u ON u.id = t.user_id "                         \
	"JOIN structures st ON st.id = t.structure_id "
static db_sql Q_TOKEN_LIST = DB_SQL(DB_GLOBAL, TOKEN_LIST "WHERE t.structure_id = $1 ORDER BY t.revoked, t.id DESC LIMIT $2 OFFSET $3");
static db_sql Q_TOKEN_LIST_ALL = DB_SQL(DB_GLOBAL, TOKEN_LIST "ORDER BY t.revoked, t.id DESC");
static db_sql Q_TOKEN_COUNT = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM api_tokens WHERE structure_id = $1");

err accounts_token_create(db_conn *c, const char *email, int64_t structure_id, const char *label, int days, bool service,
                          int64_t by_user, char out[64], int64_t *id_out)
{
	int64_t uid = 0;
	err e = accounts_member_find(c, email, &structure_id, &uid);
	if (e != E_OK)
		return e;
	if (days < 0 || days > TOKEN_MAX_DAYS)
		return E_INPUT;
	if (!days) {
		int64_t d = 0;
		if (DBID(c, &Q_TOKEN_DAYS, &d, A_INT(structure_id)) != E_OK)
			return E_DB;
		days = d > 0 && d <= TOKEN_MAX_DAYS ? (int)d : 90;
	}
	char tok[CRYPTO_TOKEN_LEN + 1], hash[CRYPTO_HASH_HEX + 1];
	crypto_token(tok);
	crypto_hash_hex(tok, strlen(tok), hash);
	int64_t id = 0, now = civil_now();
	char detail[96];
	snprintf(detail, sizeof detail, "user=%lld days=%d%s", (long long)uid, days, service ? " service" : "");
	bool own = !db_in_tx(c);
	e = own ? db_begin(c, true) : E_OK;
	if (e == E_OK)
		e = DBID(c, &Q_TOKEN_ADD, &id, A_TEXT(hash), A_INT(uid), A_INT(structure_id), A_TEXT(label ? label : ""), A_INT(now),
		         A_INT(now + (int64_t)days * 86400), A_INT(service ? 1 : 0));
	if (e == E_OK)
		e = journal_record_in(c, structure_id, by_user ? by_user : uid, "create", "api_token", id, detail);
	if (own)
		e = db_finish(c, e);
	if (e == E_OK) {
		snprintf(out, 64, "%s", tok);
		if (id_out)
			*id_out = id;
	}
	return e;
}

err accounts_token_revoke(db_conn *c, int64_t structure_id, int64_t token_id, int64_t by_user)
{
	int64_t sid = 0, exists = 0;
	bool own = !db_in_tx(c);
	err e = own ? db_begin(c, true) : E_OK;
	if (e == E_OK)
		e = db_exec_id(c, structure_id ? &Q_TOKEN_REVOKE_OF : &Q_TOKEN_REVOKE, structure_id ? 3 : 2,
		               (db_arg[]){A_INT(token_id), A_INT(civil_now()), A_INT(structure_id)}, &sid);
	if (e == E_OK && !sid) {
		/* Unknown here, or already revoked (then there is nothing to do). */
		e = db_exec_id(c, structure_id ? &Q_TOKEN_EXISTS_OF : &Q_TOKEN_EXISTS, structure_id ? 2 : 1,
		               (db_arg[]){A_INT(token_id), A_INT(structure_id)}, &exists);
		if (e == E_OK)
			e = exists ? E_OK : E_NOT_FOUND;
	} else if (e == E_OK) {
		e = journal_record_in(c, sid, by_user, "revoke", "api_token", token_id, NULL);
	}
	if (own)
		e = db_finish(c, e);
	return e;
}

static const char *token_state(int64_t now, db_res *q)
{
	if (db_int(q, 9))
		return "révoqué";
	if (db_int(q, 8) && db_int(q, 8) <= now)
		return "expiré";
	return "actif";
}

static const char *date_of(arena *a, const char *tz, int64_t t, const char *none)
{
	struct tm tm;
	char s[32];
	if (!t || !civil_local_time(tz, (time_t)t, &tm))
		return none;
	strftime(s, sizeof s, "%d/%m/%Y %H:%M", &tm);
	return arena_strdup(a, s);
}

err accounts_tokens_print(db_conn *c)
{
	db_res q = {0};
	arena a;
	arena_init(&a, 0);
	int64_t now = civil_now();
	err e = DBQ0(c, &Q_TOKEN_LIST_ALL, &q);
	printf("%-6s %-9s %-28s %-30s %-18s %-17s %-17s %s\n", "n°", "état", "nom", "propriétaire", "structure", "créé",
	       "dernier usage", "expire");
	while (e == E_OK && db_next(&q))
		printf("%-6lld %-9s %-28s %-30s %-18s %-17s %-17s %s%s\n", (long long)db_int(&q, 0), token_state(now, &q),
		       *db_text(&q, 1) ? db_text(&q, 1) : "(sans nom)", db_text(&q, 2), db_text(&q, 5),
		       date_of(&a, "Europe/Paris", db_int(&q, 6), "—"), date_of(&a, "Europe/Paris", db_int(&q, 7), "jamais"),
		       date_of(&a, "Europe/Paris", db_int(&q, 8), "—"), db_int(&q, 11) ? " (compte de service)" : "");
	db_close(&q);
	arena_release(&a);
	return e;
}

/* ---- the administration page --------------------------------------------- */

#define TOKENS_PAGE 50

static void tokens_page(web_req *r, const form_errors *fe, const char *shown_token)
{
	int64_t page = 1, total = 0, now = civil_now();
	const char *ps = web_arg(r, "page");
	if (ps && !text_to_int64(ps, 1, 1000000, &page))
		page = 1;
	DBID(r->db, &Q_TOKEN_COUNT, &total, A_INT(r->user->structure_id));
	page_begin(r, "Jetons d’API");
	buf *b = &r->out;
	if (shown_token) {
		html_lit(b, "<div class=\"notice ok\" role=\"status\"><p>Le jeton a été créé. Copiez-le maintenant : il ne sera plus "
		            "jamais affiché (seule son empreinte est gardée).</p>");
		html_printf(b, "<p><code class=\"secret\">%s</code></p></div>", shown_token);
	}
	if (web_arg(r, "revoque"))
		page_notice(r, "ok", "Le jeton est révoqué : il ne permet plus aucun accès.");
	html_lit(b, "<p>Un jeton permet à un programme d’utiliser l’API au nom d’un utilisateur (en-tête "
	            "<code>Authorization: Bearer …</code>). Il expire, il est révoqué quand son propriétaire change de mot de passe "
	            "ou est désactivé ; un rôle tenu à la double authentification ne peut utiliser qu’un jeton de compte de service.</p>");
	html_printf(b, "<p class=\"muted\">%lld jeton%s</p>", (long long)total, total > 1 ? "s" : "");
	html_table(b, "Jetons d’API de la structure", 0, "N°", "Nom", "Propriétaire", "Créé le", "Dernier usage", "Expire le", "État", "Action");
	db_res q = {0};
	DBQ(r->db, &Q_TOKEN_LIST, &q, A_INT(r->user->structure_id), A_INT(TOKENS_PAGE), A_INT((page - 1) * TOKENS_PAGE));
	while (db_next(&q)) {
		int64_t id = db_int(&q, 0);
		const char *state = token_state(now, &q);
		html_printf(b, "<tr><td>%lld</td><td>%s <small>%s</small></td><td>%s <small>%s</small></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
		            (long long)id, *db_text(&q, 1) ? db_text(&q, 1) : "(sans nom)", db_int(&q, 11) ? "(compte de service)" : "",
		            db_text(&q, 3), db_text(&q, 2), date_of(r->a, r->user->tz, db_int(&q, 6), "—"),
		            date_of(r->a, r->user->tz, db_int(&q, 7), "jamais"), date_of(r->a, r->user->tz, db_int(&q, 8), "—"), state);
		if (!strcmp(state, "actif")) {
			form_begin(r, "<form method=\"post\" action=\"/admin/jetons/%lld/revoquer\" class=\"inline\" "
			               "data-confirm=\"Révoquer ce jeton ? Les programmes qui l’utilisent n’auront plus accès.\">",
			            (long long)id);
			html_printf(b, "<button type=\"submit\" aria-label=\"Révoquer le jeton n° %lld\">Révoquer</button></form>", (long long)id);
		} else {
			html_lit(b, "—");
		}
		html_lit(b, "</td></tr>");
	}
	db_close(&q);
	html_table_close(b);
	page_pager(r, "/admin/jetons?", page, total, TOKENS_PAGE);
	html_lit(b, "<h2>Créer un jeton</h2>");
	form_error_summary(b, fe);
	form_begin(r, "<form method=\"post\" action=\"/admin/jetons\" class=\"stack\">");
	form_input(b, &(form_field){.name = "email", .label = "Propriétaire (e-mail de l’utilisateur)", .type = "email", .required = true,
	                            .value = fe ? web_field(r, "email") : NULL}, fe);
	form_input(b, &(form_field){.name = "label", .label = "Nom du jeton (à quoi il sert)", .value = fe ? web_field(r, "label") : NULL}, fe);
	form_input(b, &(form_field){.name = "days", .label = "Durée de validité en jours (1 à 730 ; vide : celle de la structure)",
	                            .type = "number", .value = fe ? web_field(r, "days") : NULL}, fe);
	html_printf(b, "<div class=\"field\"><input type=\"checkbox\" id=\"f-service\" name=\"service\" value=\"1\"%s> "
	               "<label for=\"f-service\">Compte de service (un programme, pas une personne : permis même si le rôle exige la double "
	               "authentification)</label></div>", fe && web_field(r, "service") ? " checked" : "");
	html_lit(b, "<button type=\"submit\" class=\"primary\">Créer le jeton</button></form>");
	page_end(r);
}

static void tokens_get(web_req *r) { tokens_page(r, NULL, NULL); }

/* Reads and checks the creation form (pages and API alike). */
static err token_form(web_req *r, const char *email, const char *label, const char *days_s, bool service, form_errors *fe,
                      char tok[64], int64_t *id)
{
	int64_t days = 0;
	if (!email || !text_email_valid(email))
		form_error(fe, "email", "Indiquez l’e-mail d’un utilisateur de la structure.");
	if (days_s && *days_s && !text_to_int64(days_s, 1, TOKEN_MAX_DAYS, &days))
		form_error(fe, "days", "La durée se compte en jours, de 1 à 730.");
	if (label && strlen(label) > 120)
		form_error(fe, "label", "Le nom ne doit pas dépasser 120 caractères.");
	if (fe->n)
		return E_INPUT;
	err e = accounts_token_create(r->db, email, r->user->structure_id, label, (int)days, service, r->user->id, tok, id);
	if (e == E_NOT_FOUND || e == E_FORBIDDEN) {
		form_error(fe, "email", "Aucun utilisateur actif de la structure n’a cette adresse.");
		return E_INPUT;
	}
	return e;
}

static void tokens_post(web_req *r)
{
	form_errors fe = {0};
	char tok[64];
	err e = token_form(r, web_field(r, "email"), web_field(r, "label"), web_field(r, "days"), web_field(r, "service") != NULL, &fe,
	                   tok, NULL);
	if (fe.n) {
		r->status = 400;
		tokens_page(r, &fe, NULL);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	tokens_page(r, NULL, tok); /* shown once, in this answer only */
}

static void token_revoke_post(web_req *r)
{
	err e = accounts_token_revoke(r->db, r->user->structure_id, r->param[0], r->user->id);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/jetons?revoque=1");
}

/* ---- the API ---------------------------------------------------------------- */

static void api_tokens(web_req *r)
{
	int64_t limit = 100, offset = 0, now = civil_now();
	const char *l = web_arg(r, "limit"), *o = web_arg(r, "offset");
	if ((l && !text_to_int64(l, 1, 1000, &limit)) || (o && !text_to_int64(o, 0, INT64_MAX / 4, &offset))) {
		web_error(r, E_INPUT, "limit doit être entre 1 et 1000, offset positif.");
		return;
	}
	int64_t total = 0;
	DBID(r->db, &Q_TOKEN_COUNT, &total, A_INT(r->user->structure_id));
	json_t *arr = json_array();
	db_res q = {0};
	DBQ(r->db, &Q_TOKEN_LIST, &q, A_INT(r->user->structure_id), A_INT(limit), A_INT(offset));
	while (db_next(&q))
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:I,s:I,s:o,s:I,s:s,s:b}", "id", (json_int_t)db_int(&q, 0), "label",
		                                     db_text(&q, 1), "owner", db_text(&q, 2), "structure_id", (json_int_t)db_int(&q, 4),
		                                     "created_at", (json_int_t)db_int(&q, 6), "last_used_at",
		                                     db_int(&q, 7) ? json_integer(db_int(&q, 7)) : json_null(), "expires_at",
		                                     (json_int_t)db_int(&q, 8), "state", token_state(now, &q), "service", db_int(&q, 11) != 0));
	db_close(&q);
	web_json(r, 200, json_pack("{s:o,s:I}", "tokens", arr, "total", (json_int_t)total));
}

static void api_token_create(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	form_errors fe = {0};
	char tok[64], days[24] = "";
	json_t *d = json_object_get(in, "days");
	if (json_is_integer(d))
		snprintf(days, sizeof days, "%lld", (long long)json_integer_value(d));
	else if (d && !json_is_null(d))
		snprintf(days, sizeof days, "x");
	int64_t id = 0;
	err e = token_form(r, web_jstr(in, "owner"), web_jstr(in, "label"), days, json_is_true(json_object_get(in, "service")), &fe, tok,
	                   &id);
	json_decref(in);
	static const char *const rename[][2] = {{"email", "owner"}};
	if (fe.n) {
		web_error_form(r, &fe, rename, 1);
		return;
	}
	if (web_api_failed(r, e, NULL, NULL))
		return;
	web_json(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "token", tok));
}

static void api_token_revoke(web_req *r)
{
	err e = accounts_token_revoke(r->db, r->user->structure_id, r->param[0], r->user->id);
	if (web_api_failed(r, e, NULL, NULL))
		return;
	web_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)r->param[0], "state", "révoqué"));
}

void accounts_tokens_routes(void)
{
	web_route(M_GET, "/admin/jetons", tokens_get, PERM_ADMIN_USERS, 0, "Jetons d’API");
	web_route(M_POST, "/admin/jetons", tokens_post, PERM_ADMIN_USERS, 0, "Créer un jeton d’API");
	web_route(M_POST, "/admin/jetons/{id}/revoquer", token_revoke_post, PERM_ADMIN_USERS, 0, "Révoquer un jeton d’API");
	web_route(M_GET, "/api/v1/tokens", api_tokens, PERM_ADMIN_USERS, 0, "Jetons d’API de la structure");
	web_route(M_POST, "/api/v1/tokens", api_token_create, PERM_ADMIN_USERS, 0, "Créer un jeton d’API (affiché une fois)");
	web_route(M_POST, "/api/v1/tokens/{id}/revoke", api_token_revoke, PERM_ADMIN_USERS, 0, "Révoquer un jeton d’API");
}
