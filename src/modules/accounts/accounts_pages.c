/*
 * accounts_pages.c — login, logout, my account (password), switching
 * structure, and the administration pages: users, roles, structure.
 */
#include <stdio.h>
#include <string.h>
#include "modules/accounts/accounts_internal.h"
#include "core/civil.h"
#include "core/log.h"
#include "core/text.h"
#include "core/totp.h"
#include "modules/journal/journal.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

int PERM_ADMIN_USERS, PERM_ADMIN_STRUCTURE;

static const char *cookie_attrs(void)
{
	return web_conf.secure_cookies ? "; Path=/; HttpOnly; Secure; SameSite=Lax"
	                               : "; Path=/; HttpOnly; SameSite=Lax";
}

/* Only local paths are followed after login (no open redirect). */
static const char *safe_next(const char *s)
{
	if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\' || strlen(s) > 512)
		return "/";
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			return "/";
	return s;
}

/* ---- login ---------------------------------------------------------------- */

static void login_form(web_req *r, const char *email, const char *next, const char *error)
{
	char pre[CRYPTO_TOKEN_LEN + 1];
	crypto_token(pre);
	web_cookie(r, arena_printf(r->a, ACCOUNTS_PRE_COOKIE "=%s%s", pre, cookie_attrs()));
	page_begin(r, "Connexion");
	buf *b = &r->out;
	if (error)
		page_notice(r, "error", error);
	html_lit(b, "<form method=\"post\" action=\"/connexion\" class=\"narrow\">");
	html_printf(b, "<input type=\"hidden\" name=\"_pre\" value=\"%s\">", pre);
	html_printf(b, "<input type=\"hidden\" name=\"suite\" value=\"%s\">", safe_next(next));
	form_input(b, &(form_field){.name = "email", .label = "Adresse e-mail", .type = "email",
	                            .value = email, .required = true, .autocomplete = "username"}, NULL);
	form_input(b, &(form_field){.name = "password", .label = "Mot de passe", .type = "password",
	                            .required = true, .autocomplete = "current-password"}, NULL);
	form_input(b, &(form_field){.name = "code", .label = "Code de vérification", .autocomplete = "one-time-code",
	                            .hint = "Les 6 chiffres de votre application d’authentification, si vous avez activé la double "
	                                    "authentification."}, NULL);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Se connecter</button></form>"
	            "<p class=\"muted\">Mot de passe oublié ? Demandez à l’administrateur de votre structure.</p>");
	page_end(r);
}

static void login_get(web_req *r)
{
	if (r->user) {
		web_redirect(r, "/");
		return;
	}
	login_form(r, NULL, web_arg(r, "suite"), NULL);
}

static void login_post(web_req *r)
{
	const char *email = web_field(r, "email"), *pw = kv_get(&r->form, "password");
	const char *next = safe_next(web_field(r, "suite"));
	/* Double-submit check: the form's _pre must equal the cookie set with it. */
	const char *pre = web_field(r, "_pre"), *cpre = kv_get(&r->cookies, ACCOUNTS_PRE_COOKIE);
	if (!pre || !cpre || !crypto_equal(pre, cpre)) {
		r->status = 403;
		login_form(r, email, next, "Le formulaire a expiré. Saisissez à nouveau vos identifiants.");
		return;
	}
	if (!email || !*email || !pw || !*pw) {
		r->status = 400;
		login_form(r, email, next, "Saisissez votre adresse e-mail et votre mot de passe.");
		return;
	}
	char token[CRYPTO_TOKEN_LEN + 1];
	int64_t uid = 0;
	const char *why = NULL;
	err e = accounts_login(r->db, r->a, email, pw, web_field(r, "code"), r->remote, token, &uid, &why);
	if (e == E_THROTTLED) {
		r->status = 429;
		login_form(r, email, next, why ? why : err_message(E_THROTTLED));
		return;
	}
	if (e == E_AUTH_CODE_NEEDED || e == E_AUTH_CODE) {
		r->status = 401;
		login_form(r, email, next, err_message(e));
		return;
	}
	if (e != E_OK) {
		r->status = e == E_AUTH ? 401 : 500;
		login_form(r, email, next, e == E_AUTH ? "Adresse e-mail ou mot de passe incorrect."
		                                       : err_message(e));
		return;
	}
	web_cookie(r, arena_printf(r->a, ACCOUNTS_COOKIE "=%s%s", token, cookie_attrs()));
	web_cookie(r, arena_printf(r->a, ACCOUNTS_PRE_COOKIE "=; Max-Age=0%s", cookie_attrs()));
	web_redirect(r, next);
}

static void logout_post(web_req *r)
{
	accounts_logout(r->db, r->user);
	web_cookie(r, arena_printf(r->a, ACCOUNTS_COOKIE "=; Max-Age=0%s", cookie_attrs()));
	web_redirect(r, "/connexion?sortie=1");
}

/* ---- my account ----------------------------------------------------------- */

static db_sql Q_PW_GET = DB_SQL(DB_GLOBAL, "SELECT password_hash FROM users WHERE id = $1");
static db_sql Q_PW_SET = DB_SQL(DB_GLOBAL,
	"UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1");
static db_sql Q_MY_SESSIONS = DB_SQL(DB_GLOBAL,
	"SELECT id, created_at, last_seen, remote FROM sessions WHERE user_id = $1 ORDER BY last_seen DESC LIMIT 50");
static db_sql Q_SESSION_CLOSE = DB_SQL(DB_GLOBAL, "DELETE FROM sessions WHERE id = $1 AND user_id = $2");
static db_sql Q_SESSIONS_OTHER_DEL = DB_SQL(DB_GLOBAL, "DELETE FROM sessions WHERE user_id = $1 AND id <> $2");

/* An instant as the user reads it: "22/11/2026 14:05" in their time zone. */
static const char *when(web_req *r, int64_t t)
{
	struct tm tm;
	char *o = arena_alloc(r->a, 20);
	if (!o || !civil_local_time(r->user->tz, (time_t)t, &tm))
		return "—";
	strftime(o, 20, "%d/%m/%Y %H:%M", &tm);
	return o;
}

/* ---- two-factor authentication ----------------------------------------------------------- */

static db_sql Q_TOTP_ME = DB_SQL(DB_GLOBAL, "SELECT totp_secret, totp_enabled, totp_step FROM users WHERE id = $1");
static db_sql Q_TOTP_PREPARE = DB_SQL(DB_GLOBAL, "UPDATE users SET totp_secret = $2 WHERE id = $1 AND totp_enabled = 0");
static db_sql Q_TOTP_ENABLE = DB_SQL(DB_GLOBAL, "UPDATE users SET totp_enabled = $2, totp_step = $3 WHERE id = $1");
static db_sql Q_TOTP_ROLES = DB_SQL(DB_GLOBAL, "SELECT totp_roles FROM structures WHERE id = $1");
static db_sql Q_TOTP_ROLES_SET = DB_SQL(DB_GLOBAL, "UPDATE structures SET totp_roles = $2 WHERE id = $1");

static void totp_section(web_req *r, const form_errors *fe)
{
	buf *b = &r->out;
	db_res q = {0};
	char *secret = NULL;
	bool on = false;
	if (DBQ(r->db, &Q_TOTP_ME, &q, A_INT(r->user->id)) == E_OK && db_next(&q)) {
		secret = db_dup(&q, 0, r->a);
		on = db_int(&q, 1) != 0;
	}
	db_close(&q);
	html_lit(b, "<h2 id=\"totp\">Double authentification</h2>");
	if (on) {
		html_lit(b, "<p><strong>Activée.</strong> Chaque connexion demande aussi le code de votre application.</p>"
		            "<form method=\"post\" action=\"/compte/totp/desactiver\" class=\"narrow\" novalidate>");
		page_csrf(r);
		form_input(b, &(form_field){.name = "code", .label = "Code actuel, pour désactiver", .autocomplete = "one-time-code"}, fe);
		html_lit(b, "<button type=\"submit\">Désactiver la double authentification</button></form>");
		return;
	}
	if (secret && *secret) { /* prepared, not confirmed yet */
		html_printf(b, "<p>Dans votre application (FreeOTP, Aegis, Google Authenticator…), ajoutez un compte avec la clé "
		               "<code id=\"totp-secret\">%s</code> (type : basé sur le temps), ou ouvrez ce lien depuis le téléphone : "
		               "<code>otpauth://totp/OpenCCAS:%s?secret=%s&amp;issuer=OpenCCAS</code>. Puis saisissez le code affiché.</p>",
		            secret, r->user->email, secret);
		html_lit(b, "<form method=\"post\" action=\"/compte/totp/activer\" class=\"narrow\" novalidate>");
		page_csrf(r);
		form_input(b, &(form_field){.name = "code", .label = "Code affiché par l’application", .autocomplete = "one-time-code"}, fe);
		html_lit(b, "<button type=\"submit\" class=\"primary\">Activer</button></form>");
		return;
	}
	html_lit(b, "<p>Non activée. Avec elle, un mot de passe dérobé ne suffit plus pour ouvrir les dossiers.</p>"
	            "<form method=\"post\" action=\"/compte/totp/preparer\">");
	page_csrf(r);
	html_lit(b, "<button type=\"submit\">Activer la double authentification</button></form>");
}

static void totp_prepare_post(web_req *r)
{
	char secret[TOTP_SECRET_B32];
	totp_secret_new(secret);
	err e = DBX(r->db, &Q_TOTP_PREPARE, NULL, A_INT(r->user->id), A_TEXT(secret));
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/compte?totp=1#totp");
}

static void account_page(web_req *r, const form_errors *fe, const char *ok);

/* Enable (the code proves the application has the secret) or disable. */
static void totp_switch(web_req *r, bool enable)
{
	db_res q = {0};
	char *secret = NULL;
	int64_t last = 0;
	bool on = false;
	if (DBQ(r->db, &Q_TOTP_ME, &q, A_INT(r->user->id)) == E_OK && db_next(&q)) {
		secret = db_dup(&q, 0, r->a);
		on = db_int(&q, 1) != 0;
		last = db_int(&q, 2);
	}
	db_close(&q);
	int64_t step = secret && *secret && on != enable ? totp_verify(secret, web_field(r, "code"), civil_now(), last) : 0;
	if (!step) {
		form_errors fe = {0};
		form_error(&fe, "code", "Code incorrect ou déjà utilisé : saisissez les 6 chiffres affichés maintenant.");
		r->status = 400;
		account_page(r, &fe, NULL);
		return;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_TOTP_ENABLE, NULL, A_INT(r->user->id), A_INT(enable ? 1 : 0), A_INT(step));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "totp", r->user->id, enable ? "enabled" : "disabled");
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, enable ? "/compte?ok=totp" : "/compte?ok=totp0");
}
static void totp_enable_post(web_req *r) { totp_switch(r, true); }
static void totp_disable_post(web_req *r) { totp_switch(r, false); }

static void account_page(web_req *r, const form_errors *fe, const char *ok)
{
	page_begin(r, "Mon compte");
	buf *b = &r->out;
	if (ok)
		page_notice(r, "ok", ok);
	html_printf(b, "<dl class=\"facts\"><dt>Nom</dt><dd>%s</dd><dt>E-mail</dt><dd>%s</dd>"
	               "<dt>Structure</dt><dd>%s</dd><dt>Rôle</dt><dd>%s</dd></dl>",
	            r->user->display_name, r->user->email, r->user->structure_name, r->user->role_label);
	html_lit(b, "<h2>Changer de mot de passe</h2>");
	form_error_summary(b, fe);
	html_lit(b, "<form method=\"post\" action=\"/compte/mot-de-passe\" class=\"narrow\" novalidate>");
	page_csrf(r);
	form_input(b, &(form_field){.name = "current", .label = "Mot de passe actuel", .type = "password",
	                            .required = true, .autocomplete = "current-password"}, fe);
	form_input(b, &(form_field){.name = "new", .label = "Nouveau mot de passe", .type = "password",
	                            .required = true, .autocomplete = "new-password",
	                            .hint = "Au moins 12 caractères. Une phrase de plusieurs mots est idéale."}, fe);
	form_input(b, &(form_field){.name = "confirm", .label = "Confirmez le nouveau mot de passe",
	                            .type = "password", .required = true, .autocomplete = "new-password"}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Changer le mot de passe</button></form>");
	/* The user's open sessions: where and since when; any can be closed. */
	html_lit(b, "<h2>Mes sessions ouvertes</h2><table class=\"data\"><caption class=\"sr-only\">Sessions ouvertes</caption><thead><tr>"
	            "<th scope=\"col\">Ouverte le</th><th scope=\"col\">Dernière activité</th><th scope=\"col\">Adresse</th>"
	            "<th scope=\"col\">Action</th></tr></thead><tbody>");
	db_res q = {0};
	DBQ(r->db, &Q_MY_SESSIONS, &q, A_INT(r->user->id));
	while (db_next(&q)) {
		int64_t id = db_int(&q, 0);
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", when(r, db_int(&q, 1)), when(r, db_int(&q, 2)), db_text(&q, 3));
		if (id == r->user->session_id)
			html_lit(b, "cette session");
		else {
			html_printf(b, "<form method=\"post\" action=\"/compte/sessions/%lld/fermer\" class=\"inline\">", (long long)id);
			page_csrf(r);
			html_printf(b, "<button type=\"submit\" aria-label=\"Fermer la session ouverte le %s\">Fermer</button></form>", when(r, db_int(&q, 1)));
		}
		html_lit(b, "</td></tr>");
	}
	db_close(&q);
	html_lit(b, "</tbody></table><form method=\"post\" action=\"/compte/sessions/fermer\">");
	page_csrf(r);
	html_lit(b, "<button type=\"submit\">Fermer toutes mes autres sessions</button></form>");
	totp_section(r, fe);
	page_end(r);
}

static void account_get(web_req *r)
{
	const char *ok = web_arg(r, "ok");
	account_page(r, NULL, !ok ? NULL : !strcmp(ok, "sessions") ? "Les sessions ont été fermées."
	                                  : !strcmp(ok, "totp") ? "La double authentification est activée."
	                                  : !strcmp(ok, "totp0") ? "La double authentification est désactivée."
	                                  : "Votre mot de passe a été changé. Vos autres sessions ont été fermées.");
}

static void session_close_post(web_req *r)
{
	int64_t n = 0;
	err e = r->user->session_id == r->param[0] ? E_CONFLICT : db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_SESSION_CLOSE, &n, A_INT(r->param[0]), A_INT(r->user->id));
	if (e == E_OK && n != 1)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "delete", "session", r->param[0], NULL);
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, e == E_CONFLICT ? "Pour fermer cette session-ci, déconnectez-vous." : NULL);
		return;
	}
	web_redirect(r, "/compte?ok=sessions");
}

static void sessions_close_post(web_req *r)
{
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_SESSIONS_OTHER_DEL, NULL, A_INT(r->user->id), A_INT(r->user->session_id));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "delete", "session", 0, "others");
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/compte?ok=sessions");
}

static void password_post(web_req *r)
{
	const char *cur = kv_get(&r->form, "current"), *nw = kv_get(&r->form, "new"),
	           *cf = kv_get(&r->form, "confirm");
	form_errors fe = {0};
	db_res q = {0};
	char *hash = NULL;
	if (DBQ(r->db, &Q_PW_GET, &q, A_INT(r->user->id)) == E_OK && db_next(&q))
		hash = db_dup(&q, 0, r->a);
	db_close(&q);
	const char *why = NULL;
	bool right = false;
	if (accounts_attempt_claim(r->db, r->a, r->user->email, r->remote, &why) != E_OK)
		form_error(&fe, "current", why ? why : err_message(E_THROTTLED));
	else if (!cur || !crypto_password_verify(hash, cur))
		form_error(&fe, "current", "Le mot de passe actuel est incorrect.");
	else
		right = true;
	if (!nw || strlen(nw) < ACCOUNTS_MIN_PASSWORD)
		form_error(&fe, "new", "Le nouveau mot de passe doit compter au moins 12 caractères.");
	else if (!cf || strcmp(nw, cf))
		form_error(&fe, "confirm", "La confirmation ne correspond pas au nouveau mot de passe.");
	if (fe.n && right && db_begin(r->db, true) == E_OK) {
		/* The current password was right: that attempt is no failure. */
		if (accounts_attempt_succeeded(r->db, r->a, r->user->email, r->remote) == E_OK)
			db_commit(r->db);
		else
			db_rollback(r->db);
	}
	if (fe.n) {
		r->status = 400;
		account_page(r, &fe, NULL);
		return;
	}
	char nh[256];
	if (!crypto_password_hash(nw, nh, sizeof nh)) {
		web_error(r, E_NOMEM, NULL);
		return;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_PW_SET, NULL, A_INT(r->user->id), A_TEXT(nh), A_INT(civil_now()));
	if (e == E_OK)
		e = DBX(r->db, &Q_SESSIONS_OTHER_DEL, NULL, A_INT(r->user->id), A_INT(r->user->session_id));
	if (e == E_OK)
		e = accounts_tokens_revoke_user(r->db, r->user->id, 0); /* a new password: the old tokens go */
	if (e == E_OK && right)
		e = accounts_attempt_succeeded(r->db, r->a, r->user->email, r->remote);
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "password", r->user->id, NULL);
	if (e == E_OK)
		e = db_commit(r->db);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/compte?ok=1");
}

/* ---- switching structure -------------------------------------------------- */

static db_sql Q_MY_STRUCTURES = DB_SQL(DB_GLOBAL,
	"SELECT s.id, s.name, m.role FROM memberships m JOIN structures s ON s.id = m.structure_id "
	"WHERE m.user_id = $1 AND m.active = 1 ORDER BY s.name");
static db_sql Q_SESSION_SWITCH = DB_SQL(DB_GLOBAL,
	"UPDATE sessions SET structure_id = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM memberships m "
	"WHERE m.user_id = sessions.user_id AND m.structure_id = $2 AND m.active = 1)");

static void switch_get(web_req *r)
{
	page_begin(r, "Changer de structure");
	buf *b = &r->out;
	html_lit(b, "<form method=\"post\" action=\"/structure/changer\" class=\"narrow\">");
	page_csrf(r);
	html_lit(b, "<fieldset><legend>Structure dans laquelle travailler</legend>");
	db_res q = {0};
	DBQ(r->db, &Q_MY_STRUCTURES, &q, A_INT(r->user->id));
	while (db_next(&q)) {
		int64_t id = db_int(&q, 0);
		html_printf(b, "<div class=\"radio\"><input type=\"radio\" name=\"structure\" id=\"s%lld\" value=\"%lld\"%s>"
		               "<label for=\"s%lld\">%s <small>(%s)</small></label></div>",
		            (long long)id, (long long)id, id == r->user->structure_id ? " checked" : "", (long long)id,
		            db_text(&q, 1), role_label((role)db_int(&q, 2)));
	}
	db_close(&q);
	html_lit(b, "</fieldset><button type=\"submit\" class=\"primary\">Changer</button></form>");
	page_end(r);
}

static void switch_post(web_req *r)
{
	int64_t sid = 0, n = 0;
	const char *s = web_field(r, "structure");
	if (!s || !text_to_int64(s, 1, INT64_MAX, &sid)) {
		web_error(r, E_INPUT, "Choisissez une structure.");
		return;
	}
	if (!r->user->session_id) {
		web_error(r, E_FORBIDDEN, "Un jeton d’API reste attaché à sa structure.");
		return;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_SESSION_SWITCH, &n, A_INT(r->user->session_id), A_INT(sid));
	if (e == E_OK && n == 1)
		e = journal_record_in(r->db, sid, r->user->id, "switch", "structure", sid, NULL);
	if (e == E_OK && n == 1)
		e = db_commit(r->db);
	else
		db_rollback(r->db);
	if (e != E_OK || n != 1) {
		web_error(r, n != 1 ? E_FORBIDDEN : e, "Vous n’êtes pas membre de cette structure.");
		return;
	}
	web_redirect(r, "/");
}

/* ---- administration: users ------------------------------------------------ */

#define PAGE_SIZE 50
static db_sql Q_MEMBERS = DB_SQL(DB_SCOPED,
	"SELECT u.id, u.email, u.display_name, m.role, m.active, u.active, "
	" (SELECT max(last_seen) FROM sessions s WHERE s.user_id = u.id) "
	"FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.structure_id = $1 "
	"AND ($2 = '' OR lower(u.email) LIKE $3 OR lower(u.display_name) LIKE $3) "
	"ORDER BY u.display_name, u.id LIMIT $4 OFFSET $5");
static db_sql Q_MEMBERS_COUNT = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.structure_id = $1 "
	"AND ($2 = '' OR lower(u.email) LIKE $3 OR lower(u.display_name) LIKE $3)");
static db_sql Q_MEMBER_ONE = DB_SQL(DB_SCOPED,
	"SELECT u.id, u.email, u.display_name, m.role, m.active FROM memberships m JOIN users u ON u.id = m.user_id "
	"WHERE m.structure_id = $1 AND u.id = $2");
static db_sql Q_MEMBER_UPDATE = DB_SQL(DB_SCOPED,
	"UPDATE memberships SET role = $3, active = $4 WHERE structure_id = $1 AND user_id = $2");
static db_sql Q_USER_ID_BY_EMAIL = DB_SQL(DB_GLOBAL, "SELECT id FROM users WHERE email = $1");
static db_sql Q_MEMBER_ADD_SCOPED = DB_SQL(DB_SCOPED,
	"INSERT INTO memberships (structure_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)");
static db_sql Q_USER_SESSIONS_END = DB_SQL(DB_SCOPED,
	"DELETE FROM sessions WHERE structure_id = $1 AND user_id = $2");

static const char *role_values[ROLE__MAX - 1], *role_labels[ROLE__MAX - 1];
static void roles_options(void)
{
	for (int i = 1; i < ROLE__MAX; i++) {
		role_values[i - 1] = role_key((role)i);
		role_labels[i - 1] = role_label((role)i);
	}
}

static char *like_pattern(arena *a, const char *q)
{
	/* LIKE wildcards typed by the user are taken literally by removing them. */
	buf b;
	buf_init(&b, a, 64);
	buf_addc(&b, '%');
	for (const char *p = q; *p; p++)
		if (*p != '%' && *p != '_')
			buf_addc(&b, *p);
	buf_addc(&b, '%');
	return text_ascii_lower(a, buf_cstr(&b));
}

static void pager(web_req *r, const char *base, const char *q, int64_t page, int64_t total)
{
	int64_t pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
	if (pages <= 1)
		return;
	buf *b = &r->out;
	html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\"><ul>");
	if (page > 1)
		html_printf(b, "<li><a href=\"%s?q=%s&amp;page=%lld\" rel=\"prev\">Précédente</a></li>", base, q,
		            (long long)(page - 1));
	html_printf(b, "<li aria-current=\"page\">Page %lld sur %lld</li>", (long long)page, (long long)pages);
	if (page < pages)
		html_printf(b, "<li><a href=\"%s?q=%s&amp;page=%lld\" rel=\"next\">Suivante</a></li>", base, q,
		            (long long)(page + 1));
	html_lit(b, "</ul></nav>");
}

static void users_list(web_req *r)
{
	const char *q = web_arg(r, "q");
	q = q ? text_trim(r->a, q) : "";
	int64_t page = 1;
	const char *ps = web_arg(r, "page");
	if (ps && !text_to_int64(ps, 1, 100000, &page))
		page = 1;
	char *pat = like_pattern(r->a, q);
	int64_t total = 0;
	DBID(r->db, &Q_MEMBERS_COUNT, &total, A_TEXT(q), A_TEXT(pat));
	page_begin(r, "Utilisateurs");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "Les modifications ont été enregistrées.");
	html_lit(b, "<div class=\"toolbar\"><form method=\"get\" action=\"/admin/utilisateurs\" role=\"search\">"
	            "<label for=\"q\">Rechercher un utilisateur</label> ");
	html_printf(b, "<input id=\"q\" name=\"q\" type=\"search\" value=\"%s\"> ", q);
	html_lit(b, "<button type=\"submit\">Rechercher</button></form>"
	            "<a class=\"button primary\" href=\"/admin/utilisateurs/nouveau\">Ajouter un utilisateur</a></div>");
	html_printf(b, "<p class=\"muted\">%lld utilisateur%s</p>", (long long)total, total > 1 ? "s" : "");
	html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Utilisateurs de la structure</caption><thead><tr>"
	            "<th scope=\"col\">Nom</th><th scope=\"col\">E-mail</th><th scope=\"col\">Rôle</th>"
	            "<th scope=\"col\">État</th><th scope=\"col\">Dernière activité</th></tr></thead><tbody>");
	db_res q2 = {0};
	DBQ(r->db, &Q_MEMBERS, &q2, A_TEXT(q), A_TEXT(pat), A_INT(PAGE_SIZE), A_INT((page - 1) * PAGE_SIZE));
	while (db_next(&q2)) {
		char when[32] = "jamais";
		if (!db_isnull(&q2, 6)) {
			struct tm tm;
			if (civil_local_time(r->user->tz, (time_t)db_int(&q2, 6), &tm))
				strftime(when, sizeof when, "%d/%m/%Y %H:%M", &tm);
		}
		html_printf(b, "<tr><td><a href=\"/admin/utilisateurs/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		            (long long)db_int(&q2, 0), db_text(&q2, 2), db_text(&q2, 1), role_label((role)db_int(&q2, 3)),
		            !db_int(&q2, 5) ? "Désactivé" : db_int(&q2, 4) ? "Actif" : "Suspendu ici", when);
	}
	db_close(&q2);
	html_lit(b, "</tbody></table>");
	pager(r, "/admin/utilisateurs", html_escape(r->a, q), page, total);
	page_end(r);
}

static void user_new_form(web_req *r, const form_errors *fe)
{
	page_begin(r, "Ajouter un utilisateur");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_lit(b, "<form method=\"post\" action=\"/admin/utilisateurs\" class=\"narrow\" novalidate>");
	page_csrf(r);
	form_input(b, &(form_field){.name = "display_name", .label = "Nom et prénom", .required = true,
	                            .value = web_field(r, "display_name")}, fe);
	form_input(b, &(form_field){.name = "email", .label = "Adresse e-mail professionnelle", .type = "email",
	                            .required = true, .value = web_field(r, "email")}, fe);
	roles_options();
	form_select(b, "role", "Rôle dans cette structure", role_values, role_labels, ROLE__MAX - 1,
	            web_field(r, "role") ? web_field(r, "role") : "accueil", fe);
	form_input(b, &(form_field){.name = "password", .label = "Mot de passe initial", .type = "password",
	                            .autocomplete = "new-password",
	                            .hint = "Au moins 12 caractères, à transmettre de vive voix. Inutile si la personne a déjà un compte dans une autre structure."}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Ajouter</button> <a href=\"/admin/utilisateurs\">Annuler</a></form>");
	page_end(r);
}

static void user_new_get(web_req *r) { user_new_form(r, NULL); }

/* Validates and creates; on error fills fe. Shared by page and API. */
err accounts_admin_add_user(web_req *r, const char *name, const char *email, const char *role_s,
                            const char *pw, form_errors *fe, int64_t *uid_out)
{
	role ro = role_from_key(role_s);
	if (!name || !*name || strlen(name) > 200)
		form_error(fe, "display_name", "Indiquez le nom et le prénom (200 caractères au plus).");
	if (!email || !text_email_valid(email))
		form_error(fe, "email", "Indiquez une adresse e-mail valide, par exemple prenom.nom@ville.fr.");
	if (ro == ROLE_NONE)
		form_error(fe, "role", "Choisissez un rôle dans la liste.");
	if (fe->n)
		return E_INPUT;
	char *em = text_ascii_lower(r->a, email);
	int64_t existing = 0;
	DBID(r->db, &Q_USER_ID_BY_EMAIL, &existing, A_TEXT(em));
	err e;
	if (existing) {
		/* Already has an account (another structure): add a membership. */
		e = db_begin(r->db, true);
		if (e == E_OK)
			e = DBX(r->db, &Q_MEMBER_ADD_SCOPED, NULL, A_INT(existing), A_INT(ro), A_INT(civil_now()));
		if (e == E_OK)
			e = journal_record(r->db, r->user->id, "create", "membership", existing, role_key(ro));
		e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
		if (e == E_CONFLICT)
			form_error(fe, "email", "Cette personne fait déjà partie de la structure.");
		*uid_out = existing;
		return e;
	}
	if (!pw || strlen(pw) < ACCOUNTS_MIN_PASSWORD) {
		form_error(fe, "password", "Le mot de passe initial doit compter au moins 12 caractères.");
		return E_INPUT;
	}
	e = accounts_user_create(r->db, r->user->structure_id, em, name, pw, ro, uid_out);
	if (e == E_CONFLICT)
		form_error(fe, "email", "Un compte existe déjà avec cette adresse.");
	return e;
}

static void user_new_post(web_req *r)
{
	form_errors fe = {0};
	int64_t uid = 0;
	err e = accounts_admin_add_user(r, web_field(r, "display_name"), web_field(r, "email"),
	                                web_field(r, "role"), kv_get(&r->form, "password"), &fe, &uid);
	if (e == E_INPUT || (e == E_CONFLICT && fe.n)) {
		r->status = 400;
		user_new_form(r, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/utilisateurs?ok=1");
}

static void user_edit(web_req *r)
{
	db_res q = {0};
	DBQ(r->db, &Q_MEMBER_ONE, &q, A_INT(r->param[0]));
	if (!db_next(&q)) {
		db_close(&q);
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	char *email = db_dup(&q, 1, r->a), *name = db_dup(&q, 2, r->a);
	role ro = (role)db_int(&q, 3);
	bool active = db_int(&q, 4) != 0;
	db_close(&q);
	page_begin(r, name);
	buf *b = &r->out;
	html_printf(b, "<p>%s</p>", email);
	html_printf(b, "<form method=\"post\" action=\"/admin/utilisateurs/%lld\" class=\"narrow\">", (long long)r->param[0]);
	page_csrf(r);
	roles_options();
	form_select(b, "role", "Rôle dans cette structure", role_values, role_labels, ROLE__MAX - 1, role_key(ro), NULL);
	static const char *av[] = {"1", "0"}, *al[] = {"Actif", "Suspendu dans cette structure"};
	form_select(b, "active", "État", av, al, 2, active ? "1" : "0", NULL);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button> <a href=\"/admin/utilisateurs\">Annuler</a></form>");
	html_printf(b, "<h2>Double authentification</h2><p>Téléphone perdu ou changé : la réinitialisation oblige la personne à la "
	               "configurer de nouveau (si son rôle l’exige, ses dossiers restent fermés d’ici là).</p>"
	               "<form method=\"post\" action=\"/admin/utilisateurs/%lld/totp\" data-confirm=\"Réinitialiser la double authentification ?\">",
	            (long long)r->param[0]);
	page_csrf(r);
	html_lit(b, "<button type=\"submit\">Réinitialiser la double authentification</button></form>");
	page_end(r);
}

static db_sql Q_TOTP_RESET = DB_SQL(DB_GLOBAL, "UPDATE users SET totp_enabled = 0, totp_secret = '' WHERE id = $1");

static void user_totp_reset(web_req *r)
{
	db_res q = {0};
	bool member = DBQ(r->db, &Q_MEMBER_ONE, &q, A_INT(r->param[0])) == E_OK && db_next(&q);
	db_close(&q);
	if (!member) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_TOTP_RESET, NULL, A_INT(r->param[0]));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "totp", r->param[0], "reset by admin");
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/admin/utilisateurs/%lld?ok=1", (long long)r->param[0]));
}

err accounts_admin_update_user(web_req *r, int64_t uid, const char *role_s, const char *active_s)
{
	role ro = role_from_key(role_s);
	if (ro == ROLE_NONE || !active_s || (strcmp(active_s, "0") && strcmp(active_s, "1")))
		return E_INPUT;
	bool active = active_s[0] == '1';
	if (uid == r->user->id && (ro != ROLE_ADMIN || !active))
		return E_CONFLICT; /* an administrator cannot lock themself out */
	int64_t n = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_MEMBER_UPDATE, &n, A_INT(uid), A_INT(ro), A_INT(active ? 1 : 0));
	if (e == E_OK && n == 0)
		e = E_NOT_FOUND;
	if (e == E_OK && !active)
		e = DBX(r->db, &Q_USER_SESSIONS_END, NULL, A_INT(uid));
	if (e == E_OK && !active)
		e = accounts_tokens_revoke_user(r->db, uid, r->user->structure_id);
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "membership", uid,
		                   arena_printf(r->a, "role=%s active=%d", role_key(ro), active));
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void user_edit_post(web_req *r)
{
	err e = accounts_admin_update_user(r, r->param[0], web_field(r, "role"), web_field(r, "active"));
	if (e == E_CONFLICT) {
		web_error(r, E_INPUT, "Vous ne pouvez pas retirer votre propre rôle d’administrateur : demandez-le à un autre administrateur.");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/utilisateurs?ok=1");
}

/* ---- administration: roles ------------------------------------------------ */

static void roles_page(web_req *r)
{
	page_begin(r, "Rôles et permissions");
	buf *b = &r->out;
	html_lit(b, "<p>Chaque module déclare ses permissions et les rôles qui les détiennent. "
	            "Ce tableau est la référence appliquée à chaque requête.</p>"
	            "<div class=\"scroll\"><table class=\"data matrix\"><caption class=\"sr-only\">Permissions par rôle</caption>"
	            "<thead><tr><th scope=\"col\">Permission</th>");
	for (int ro = 1; ro < ROLE__MAX; ro++)
		html_printf(b, "<th scope=\"col\">%s</th>", role_label((role)ro));
	html_lit(b, "</tr></thead><tbody>");
	for (int p = 0; p < perm_count(); p++) {
		html_printf(b, "<tr><th scope=\"row\">%s <code>%s</code></th>", perm_label(p), perm_key(p));
		for (int ro = 1; ro < ROLE__MAX; ro++)
			if (perm_granted(p, (role)ro))
				html_lit(b, "<td class=\"yes\">Oui</td>");
			else
				html_lit(b, "<td class=\"no\">—</td>");
		html_lit(b, "</tr>");
	}
	html_lit(b, "</tbody></table></div>");
	page_end(r);
}

/* ---- administration: structure -------------------------------------------- */

static db_sql Q_STRUCT_GET = DB_SQL(DB_GLOBAL,
	"SELECT name, address, insee, tz, phone, email, dpo_contact, logo_type, version, nir_enabled FROM structures WHERE id = $1");
static db_sql Q_STRUCT_SET = DB_SQL(DB_GLOBAL,
	"UPDATE structures SET name = $2, address = $3, insee = $4, tz = $5, phone = $6, email = $7, dpo_contact = $8, "
	"nir_enabled = $10, version = version + 1 WHERE id = $1 AND version = $9");
static db_sql Q_STRUCT_LOGO = DB_SQL(DB_GLOBAL, "UPDATE structures SET logo = $2, logo_type = $3 WHERE id = $1");
static db_sql Q_STRUCT_LOGO_GET = DB_SQL(DB_GLOBAL, "SELECT logo, logo_type FROM structures WHERE id = $1");

static const char *tz_values[] = {"Europe/Paris", "Indian/Reunion", "Indian/Mayotte", "America/Martinique",
	"America/Guadeloupe", "America/Cayenne", "America/Miquelon", "Pacific/Noumea", "Pacific/Tahiti"};
static const char *tz_labels[] = {"Métropole (Europe/Paris)", "La Réunion", "Mayotte", "Martinique", "Guadeloupe",
	"Guyane", "Saint-Pierre-et-Miquelon", "Nouvelle-Calédonie", "Polynésie française"};
#define NTZ (int)(sizeof tz_values / sizeof *tz_values)


static bool insee_valid(const char *s)
{
	if (strlen(s) != 5)
		return false;
	if ((s[0] == '2' && (s[1] == 'A' || s[1] == 'B')))
		return s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9' && s[4] >= '0' && s[4] <= '9';
	for (int i = 0; i < 5; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static err accounts_structure_validate(const structure_form *f, form_errors *fe)
{
	if (!f->name || !*f->name || strlen(f->name) > 200)
		form_error(fe, "name", "Indiquez le nom de la structure (200 caractères au plus).");
	if (f->insee && *f->insee && !insee_valid(f->insee))
		form_error(fe, "insee", "Le code INSEE compte 5 caractères : 5 chiffres, ou 2A/2B suivi de 3 chiffres pour la Corse.");
	bool tz_ok = false;
	for (int i = 0; f->tz && i < NTZ; i++)
		tz_ok |= !strcmp(f->tz, tz_values[i]);
	if (!tz_ok)
		form_error(fe, "tz", "Choisissez un fuseau horaire dans la liste.");
	if (f->email && *f->email && !text_email_valid(f->email))
		form_error(fe, "email", "L’adresse e-mail de contact n’est pas valide.");
	if (f->address && strlen(f->address) > 500)
		form_error(fe, "address", "L’adresse est trop longue (500 caractères au plus).");
	return fe->n ? E_INPUT : E_OK;
}

static void structure_page(web_req *r, const structure_form *in, const form_errors *fe, const char *ok)
{
	structure_form f = {0};
	arena *a = r->a;
	int64_t version = 0;
	bool has_logo = false;
	db_res q = {0};
	if (DBQ(r->db, &Q_STRUCT_GET, &q, A_INT(r->user->structure_id)) == E_OK && db_next(&q)) {
		f = (structure_form){db_dup(&q, 0, a), db_dup(&q, 1, a), db_dup(&q, 2, a), db_dup(&q, 3, a),
		                     db_dup(&q, 4, a), db_dup(&q, 5, a), db_dup(&q, 6, a), NULL, db_int(&q, 9) ? "1" : NULL};
		has_logo = !db_isnull(&q, 7);
		version = db_int(&q, 8);
	}
	db_close(&q);
	if (in)
		f = *in;
	page_begin(r, "Paramètres de la structure");
	buf *b = &r->out;
	if (ok)
		page_notice(r, "ok", ok);
	form_error_summary(b, fe);
	html_lit(b, "<form method=\"post\" action=\"/admin/structure\" class=\"narrow\" novalidate>");
	page_csrf(r);
	html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%s\">",
	            f.version ? f.version : arena_printf(a, "%lld", (long long)version));
	form_input(b, &(form_field){.name = "name", .label = "Nom", .required = true, .value = f.name}, fe);
	form_input(b, &(form_field){.name = "address", .label = "Adresse postale", .type = "textarea", .value = f.address}, fe);
	form_input(b, &(form_field){.name = "insee", .label = "Code INSEE de la commune", .value = f.insee,
	                            .hint = "5 caractères, par exemple 97407 pour Le Port."}, fe);
	form_select(b, "tz", "Fuseau horaire", tz_values, tz_labels, NTZ, f.tz, fe);
	form_input(b, &(form_field){.name = "phone", .label = "Téléphone d’accueil", .type = "tel", .value = f.phone}, fe);
	form_input(b, &(form_field){.name = "email", .label = "E-mail de contact", .type = "email", .value = f.email}, fe);
	form_input(b, &(form_field){.name = "dpo", .label = "Contact du délégué à la protection des données", .value = f.dpo}, fe);
	html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"f-nir\" name=\"nir\" value=\"1\"%s>"
	               "<label for=\"f-nir\">Enregistrer le NIR (numéro de sécurité sociale) des personnes : seulement si une "
	               "mission le justifie ; il est toujours affiché masqué.</label></div>",
	            f.nir && *f.nir ? " checked" : "");
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button></form>");
	{
		int64_t mask = 0;
		db_res t = {0};
		if (DBQ(r->db, &Q_TOTP_ROLES, &t, A_INT(r->user->structure_id)) == E_OK && db_next(&t))
			mask = db_int(&t, 0);
		db_close(&t);
		html_lit(b, "<h2>Double authentification obligatoire</h2><form method=\"post\" action=\"/admin/structure/totp\" class=\"narrow\">");
		page_csrf(r);
		html_lit(b, "<fieldset class=\"radio\"><legend>Rôles qui doivent l’activer</legend>");
		for (int ro = 1; ro < ROLE__MAX; ro++)
			html_printf(b, "<div><input type=\"checkbox\" id=\"t%d\" name=\"role\" value=\"%s\"%s><label for=\"t%d\">%s</label></div>", ro,
			            role_key((role)ro), mask >> ro & 1 ? " checked" : "", ro, role_label((role)ro));
		html_lit(b, "</fieldset><button type=\"submit\">Enregistrer</button></form>");
	}
	html_lit(b, "<h2>Logo</h2>");
	if (has_logo)
		html_lit(b, "<p><img src=\"/structure/logo\" alt=\"Logo actuel de la structure\" class=\"logo\"></p>");
	html_lit(b, "<form method=\"post\" action=\"/admin/structure/logo\" enctype=\"multipart/form-data\" class=\"narrow\">");
	page_csrf(r);
	html_lit(b, "<div class=\"field\"><label for=\"f-logo\">Fichier PNG ou JPEG, 512 Ko au plus</label>"
	            "<input id=\"f-logo\" name=\"logo\" type=\"file\" accept=\"image/png,image/jpeg\" required></div>"
	            "<button type=\"submit\">Envoyer le logo</button></form>");
	page_end(r);
}

static void structure_get(web_req *r)
{
	structure_page(r, NULL, NULL, web_arg(r, "ok") ? "Les paramètres ont été enregistrés." : NULL);
}

err accounts_structure_update(web_req *r, const structure_form *f, form_errors *fe)
{
	err e = accounts_structure_validate(f, fe);
	if (e != E_OK)
		return e;
	int64_t version = 0, n = 0;
	if (!f->version || !text_to_int64(f->version, 1, INT64_MAX, &version))
		return E_INPUT;
	e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_STRUCT_SET, &n, A_INT(r->user->structure_id), A_TEXT(f->name), A_TEXT(f->address ? f->address : ""),
		        A_TEXT(f->insee ? f->insee : ""), A_TEXT(f->tz), A_TEXT(f->phone ? f->phone : ""),
		        A_TEXT(f->email ? f->email : ""), A_TEXT(f->dpo ? f->dpo : ""), A_INT(version),
		        A_INT(f->nir && *f->nir ? 1 : 0));
	if (e == E_OK && n == 0)
		e = E_CONFLICT;
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "structure", r->user->structure_id, NULL);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void structure_post(web_req *r)
{
	structure_form f = {web_field(r, "name"), web_field(r, "address"), web_field(r, "insee"), web_field(r, "tz"),
	                    web_field(r, "phone"), web_field(r, "email"), web_field(r, "dpo"), web_field(r, "version"),
	                    web_field(r, "nir")};
	form_errors fe = {0};
	err e = accounts_structure_update(r, &f, &fe);
	if (e == E_INPUT) {
		r->status = 400;
		structure_page(r, &f, &fe, NULL);
		return;
	}
	if (e == E_CONFLICT) {
		r->status = 409;
		form_error(&fe, "name", "Quelqu’un a modifié ces paramètres pendant que vous les éditiez. Vos saisies sont conservées ci-dessous : vérifiez-les puis enregistrez à nouveau.");
		f.version = NULL; /* take the fresh version */
		structure_page(r, &f, &fe, NULL);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/structure?ok=1");
}

static void totp_roles_post(web_req *r)
{
	int64_t mask = 0;
	for (int i = 0; i < r->form.n; i++)
		if (!strcmp(r->form.items[i].name, "role")) {
			role ro = role_from_key(r->form.items[i].value);
			if (ro != ROLE_NONE)
				mask |= (int64_t)1 << ro;
		}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_TOTP_ROLES_SET, NULL, A_INT(r->user->structure_id), A_INT(mask));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "structure_totp", r->user->structure_id, arena_printf(r->a, "%lld", (long long)mask));
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/structure?ok=1");
}

static void logo_post(web_req *r)
{
	const web_file *f = web_file_field(r, "logo");
	const char *type = NULL;
	if (f && f->len >= 8 && !memcmp(f->data, "\x89PNG\r\n\x1a\n", 8))
		type = "image/png";
	else if (f && f->len >= 3 && !memcmp(f->data, "\xff\xd8\xff", 3))
		type = "image/jpeg";
	if (!f || !type) {
		web_error(r, E_INPUT, "Le logo doit être une image PNG ou JPEG (le contenu du fichier est vérifié, pas son nom).");
		return;
	}
	if (f->len > 512 * 1024) {
		web_error(r, E_TOO_LARGE, "Le logo ne doit pas dépasser 512 Ko.");
		return;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_STRUCT_LOGO, NULL, A_INT(r->user->structure_id), A_BLOB(f->data, f->len), A_TEXT(type));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "structure_logo", r->user->structure_id, NULL);
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/structure?ok=1");
}

static void logo_get(web_req *r)
{
	db_res q = {0};
	size_t n = 0;
	void *data = NULL;
	char *type = NULL;
	if (DBQ(r->db, &Q_STRUCT_LOGO_GET, &q, A_INT(r->user->structure_id)) == E_OK && db_next(&q)) {
		data = db_blob(&q, 0, r->a, &n);
		type = db_dup(&q, 1, r->a);
	}
	db_close(&q);
	if (!data || !type) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	r->out_type = type;
	buf_add(&r->out, data, n);
}

void accounts_pages_init(void)
{
	PERM_ADMIN_USERS = perm_declare("admin.users", "Gérer les utilisateurs et leurs rôles", ROLE_BIT(ROLE_ADMIN));
	PERM_ADMIN_STRUCTURE = perm_declare("admin.structure", "Modifier les paramètres de la structure", ROLE_BIT(ROLE_ADMIN));
	web_route(M_GET, "/connexion", login_get, WEB_PUBLIC, 0, "Page de connexion");
	web_route(M_POST, "/connexion", login_post, WEB_PUBLIC, WEB_F_NO_CSRF, "Connexion (jeton double-soumission)");
	web_route(M_POST, "/deconnexion", logout_post, WEB_LOGGED_IN, 0, "Déconnexion");
	web_route(M_GET, "/compte", account_get, WEB_LOGGED_IN, 0, "Mon compte");
	web_route(M_POST, "/compte/mot-de-passe", password_post, WEB_LOGGED_IN, 0, "Changer de mot de passe");
	web_route(M_POST, "/compte/sessions/{id}/fermer", session_close_post, WEB_LOGGED_IN, 0, "Fermer une de mes sessions");
	web_route(M_POST, "/compte/sessions/fermer", sessions_close_post, WEB_LOGGED_IN, 0, "Fermer mes autres sessions");
	web_route(M_POST, "/compte/totp/preparer", totp_prepare_post, WEB_LOGGED_IN, 0, "Préparer la double authentification");
	web_route(M_POST, "/compte/totp/activer", totp_enable_post, WEB_LOGGED_IN, 0, "Activer la double authentification");
	web_route(M_POST, "/compte/totp/desactiver", totp_disable_post, WEB_LOGGED_IN, 0, "Désactiver la double authentification");
	web_route(M_GET, "/structure/changer", switch_get, WEB_LOGGED_IN, 0, "Choisir la structure");
	web_route(M_POST, "/structure/changer", switch_post, WEB_LOGGED_IN, 0, "Changer de structure");
	web_route(M_GET, "/structure/logo", logo_get, WEB_LOGGED_IN, 0, "Logo de la structure");
	web_route(M_GET, "/admin/utilisateurs", users_list, PERM_ADMIN_USERS, 0, "Liste des utilisateurs");
	web_route(M_POST, "/admin/utilisateurs", user_new_post, PERM_ADMIN_USERS, 0, "Créer un utilisateur");
	web_route(M_GET, "/admin/utilisateurs/nouveau", user_new_get, PERM_ADMIN_USERS, 0, "Formulaire d’ajout");
	web_route(M_GET, "/admin/utilisateurs/{id}", user_edit, PERM_ADMIN_USERS, 0, "Modifier un utilisateur");
	web_route(M_POST, "/admin/utilisateurs/{id}", user_edit_post, PERM_ADMIN_USERS, 0, "Enregistrer un utilisateur");
	web_route(M_POST, "/admin/utilisateurs/{id}/totp", user_totp_reset, PERM_ADMIN_USERS, 0, "Réinitialiser la double authentification");
	web_route(M_GET, "/admin/roles", roles_page, PERM_ADMIN_USERS, 0, "Rôles et permissions");
	web_route(M_GET, "/admin/structure", structure_get, PERM_ADMIN_STRUCTURE, 0, "Paramètres de la structure");
	web_route(M_POST, "/admin/structure", structure_post, PERM_ADMIN_STRUCTURE, 0, "Enregistrer les paramètres");
	web_route(M_POST, "/admin/structure/logo", logo_post, PERM_ADMIN_STRUCTURE, 0, "Envoyer le logo");
	web_route(M_POST, "/admin/structure/totp", totp_roles_post, PERM_ADMIN_STRUCTURE, 0, "Rôles tenus à la double authentification");
	layout_nav_add(90, "Utilisateurs", "/admin/utilisateurs", PERM_ADMIN_USERS);
	layout_nav_add(91, "Structure", "/admin/structure", PERM_ADMIN_STRUCTURE);
}
