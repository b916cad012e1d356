/*
 * accounts_pages.c — login, logout, my account (password, sessions,
 * two-factor authentication), switching structure, the structure's logo.
 */
#include <stdio.h>
#include <string.h>
#include "core/countof.h"
#include "modules/accounts/accounts_internal.h"
#include "core/civil.h"
#include "core/log.h"
#include "core/text.h"
#include "core/totp.h"
#include "modules/journal/journal.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pdf.h"
#include "core/banned.h"

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
		form_begin(r, "<p><strong>Activée.</strong> Chaque connexion demande aussi le code de votre application.</p>"
		            "<form method=\"post\" action=\"/compte/totp/desactiver\" class=\"narrow\" novalidate>");
		form_input(b, &(form_field){.name = "code", .label = "Code actuel, pour désactiver", .autocomplete = "one-time-code"}, fe);
		html_lit(b, "<button type=\"submit\">Désactiver la double authentification</button></form>");
		return;
	}
	if (secret && *secret) { /* prepared, not confirmed yet */
		html_printf(b, "<p>Dans votre application (FreeOTP, Aegis, Google Authenticator…), ajoutez un compte avec la clé "
		               "<code id=\"totp-secret\">%s</code> (type : basé sur le temps), ou ouvrez ce lien depuis le téléphone : "
		               "<code>otpauth://totp/OpenCCAS:%s?secret=%s&amp;issuer=OpenCCAS</code>. Puis saisissez le code affiché.</p>",
		            secret, r->user->email, secret);
		form_begin(r, "<form method=\"post\" action=\"/compte/totp/activer\" class=\"narrow\" novalidate>");
		form_input(b, &(form_field){.name = "code", .label = "Code affiché par l’application", .autocomplete = "one-time-code"}, fe);
		html_lit(b, "<button type=\"submit\" class=\"primary\">Activer</button></form>");
		return;
	}
	form_begin(r, "<p>Non activée. Avec elle, un mot de passe dérobé ne suffit plus pour ouvrir les dossiers.</p>"
	            "<form method=\"post\" action=\"/compte/totp/preparer\">");
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
	e = db_finish(r->db, e);
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
	form_begin(r, "<form method=\"post\" action=\"/compte/mot-de-passe\" class=\"narrow\" novalidate>");
	form_input(b, &(form_field){.name = "current", .label = "Mot de passe actuel", .type = "password",
	                            .required = true, .autocomplete = "current-password"}, fe);
	form_input(b, &(form_field){.name = "new", .label = "Nouveau mot de passe", .type = "password",
	                            .required = true, .autocomplete = "new-password",
	                            .hint = "Au moins 12 caractères. Une phrase de plusieurs mots est idéale."}, fe);
	form_input(b, &(form_field){.name = "confirm", .label = "Confirmez le nouveau mot de passe",
	                            .type = "password", .required = true, .autocomplete = "new-password"}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Changer le mot de passe</button></form>");
	/* The user's open sessions: where and since when; any can be closed. */
	html_lit(b, "<h2>Mes sessions ouvertes</h2>");
	html_table(b, "Sessions ouvertes", 0, "Ouverte le", "Dernière activité", "Adresse", "Action");
	db_res q = {0};
	DBQ(r->db, &Q_MY_SESSIONS, &q, A_INT(r->user->id));
	while (db_next(&q)) {
		int64_t id = db_int(&q, 0);
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", when(r, db_int(&q, 1)), when(r, db_int(&q, 2)), db_text(&q, 3));
		if (id == r->user->session_id)
			html_lit(b, "cette session");
		else {
			form_begin(r, "<form method=\"post\" action=\"/compte/sessions/%lld/fermer\" class=\"inline\">", (long long)id);
			html_printf(b, "<button type=\"submit\" aria-label=\"Fermer la session ouverte le %s\">Fermer</button></form>", when(r, db_int(&q, 1)));
		}
		html_lit(b, "</td></tr>");
	}
	db_close(&q);
	html_table_close(b);
	form_begin(r, "<form method=\"post\" action=\"/compte/sessions/fermer\">");
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
	e = db_finish(r->db, e);
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
	e = db_finish(r->db, e);
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
	form_begin(r, "<form method=\"post\" action=\"/structure/changer\" class=\"narrow\">");
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

static db_sql Q_STRUCT_LOGO_GET = DB_SQL(DB_GLOBAL, "SELECT logo, logo_type FROM structures WHERE id = $1");

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

void accounts_pages_routes(void)
{
	web_route(M_GET, "/connexion", login_get, WEB_PUBLIC, 0, "Page de connexion");
	web_route(M_POST, "/connexion", login_post, WEB_PUBLIC, WEB_F_NO_CSRF | WEB_F_SECRET, "Connexion (jeton double-soumission)");
	web_route(M_POST, "/deconnexion", logout_post, WEB_LOGGED_IN, 0, "Déconnexion");
	web_route(M_GET, "/compte", account_get, WEB_LOGGED_IN, 0, "Mon compte");
	web_route(M_POST, "/compte/mot-de-passe", password_post, WEB_LOGGED_IN, WEB_F_SECRET, "Changer de mot de passe");
	web_route(M_POST, "/compte/sessions/{id}/fermer", session_close_post, WEB_LOGGED_IN, 0, "Fermer une de mes sessions");
	web_route(M_POST, "/compte/sessions/fermer", sessions_close_post, WEB_LOGGED_IN, 0, "Fermer mes autres sessions");
	web_route(M_POST, "/compte/totp/preparer", totp_prepare_post, WEB_LOGGED_IN, 0, "Préparer la double authentification");
	web_route(M_POST, "/compte/totp/activer", totp_enable_post, WEB_LOGGED_IN, WEB_F_SECRET, "Activer la double authentification");
	web_route(M_POST, "/compte/totp/desactiver", totp_disable_post, WEB_LOGGED_IN, WEB_F_SECRET, "Désactiver la double authentification");
	web_route(M_GET, "/structure/changer", switch_get, WEB_LOGGED_IN, 0, "Choisir la structure");
	web_route(M_POST, "/structure/changer", switch_post, WEB_LOGGED_IN, 0, "Changer de structure");
	web_route(M_GET, "/structure/logo", logo_get, WEB_LOGGED_IN, 0, "Logo de la structure");
}

pdf_doc *accounts_pdf_letter(web_req *r, const char *title, structure_info *s)
{
	if (accounts_structure_info(r->db, r->a, r->user->structure_id, s) != E_OK) {
		web_error(r, E_DB, NULL);
		return NULL;
	}
	const char *gap = accounts_letter_gap(s, false), *why = NULL;
	if (gap) {
		web_error(r, E_CONFLICT, gap);
		return NULL;
	}
	pdf_doc *pd = pdf_new(title, &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return NULL;
	}
	pdf_small(pd, s->name);
	pdf_small(pd, s->address);
	pdf_space(pd, 8);
	return pd;
}
