/*
 * accounts_admin.c — the administration of a structure: its users and
 * their roles, the roles' permissions, the structure's settings and logo,
 * and the actions the API shares with these pages.
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
#include "core/banned.h"

/* ---- administration: users ------------------------------------------------ */

static db_sql Q_TOTP_ROLES = DB_SQL(DB_GLOBAL, "SELECT totp_roles FROM structures WHERE id = $1");
static db_sql Q_TOTP_ROLES_SET = DB_SQL(DB_GLOBAL, "UPDATE structures SET totp_roles = $2 WHERE id = $1");
#define PAGE_SIZE 50
/* The structure's users, all or those whose address or name hold the words typed (store.h: db_filtered). */
static const char *const MEMBERS_WHERE[] = {" AND (lower(u.email) LIKE ? OR lower(u.display_name) LIKE ?)"};
#define MEMBERS_OF "FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.structure_id = $1"
static db_filtered F_MEMBERS = DB_FILTERED(DB_SCOPED,
	"SELECT u.id, u.email, u.display_name, m.role, m.active, u.active, "
	"(SELECT max(last_seen) FROM sessions s WHERE s.user_id = u.id) " MEMBERS_OF, 1, MEMBERS_WHERE,
	" ORDER BY u.display_name, u.id LIMIT ? OFFSET ?");
static db_filtered F_MEMBERS_COUNT = DB_FILTERED(DB_SCOPED, "SELECT count(*) " MEMBERS_OF, 1, MEMBERS_WHERE, "");
static db_sql Q_MEMBER_ONE = DB_SQL(DB_SCOPED,
	"SELECT u.id, u.email, u.display_name, m.role, m.active, m.service FROM memberships m JOIN users u ON u.id = m.user_id "
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
	page_pager(r, arena_printf(r->a, "%s?q=%s&", base, q), page, total, PAGE_SIZE);
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
	db_pick p = DB_PICK;
	if (*q)
		DB_PICK_ON(&p, 0, A_TEXT(pat), A_TEXT(pat));
	db_res q2 = {0};
	if (DBQF0(r->db, &F_MEMBERS_COUNT, &p, &q2) == E_OK && db_next(&q2))
		total = db_int(&q2, 0);
	db_close(&q2);
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
	html_table(b, "Utilisateurs de la structure", 0, "Nom", "E-mail", "Rôle", "État", "Dernière activité");
	DBQF(r->db, &F_MEMBERS, &p, &q2, A_INT(PAGE_SIZE), A_INT((page - 1) * PAGE_SIZE));
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
	html_table_close(b);
	pager(r, "/admin/utilisateurs", text_url_encode(r->a, q), page, total);
	page_end(r);
}

static void user_new_form(web_req *r, const form_errors *fe)
{
	page_begin(r, "Ajouter un utilisateur");
	buf *b = &r->out;
	form_error_summary(b, fe);
	form_begin(r, "<form method=\"post\" action=\"/admin/utilisateurs\" class=\"narrow\" novalidate>");
	form_input(b, &(form_field){.name = "display_name", .label = "Nom et prénom", .required = true,
	                            .value = web_field(r, "display_name")}, fe);
	form_input(b, &(form_field){.name = "email", .label = "Adresse e-mail professionnelle", .type = "email",
	                            .required = true, .value = web_field(r, "email")}, fe);
	roles_options();
	form_select(b, "role", "Rôle dans cette structure", role_values, role_labels, ROLE__MAX - 1,
	            web_field(r, "role") ? web_field(r, "role") : "accueil", fe);
	form_input(b, &(form_field){.name = "service", .label = "Service", .value = web_field(r, "service"),
	                            .hint = "Par exemple « Accueil », « Pôle seniors » : les listes d’agents sont groupées par service."}, fe);
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
		e = db_finish(r->db, e);
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
	if (e == E_OK)
		e = accounts_set_service(r->db, r->user->structure_id, uid, web_field(r, "service"));
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
	char *service = db_dup(&q, 5, r->a);
	db_close(&q);
	page_begin(r, name);
	buf *b = &r->out;
	html_printf(b, "<p>%s</p>", email);
	form_begin(r, "<form method=\"post\" action=\"/admin/utilisateurs/%lld\" class=\"narrow\">", (long long)r->param[0]);
	roles_options();
	form_select(b, "role", "Rôle dans cette structure", role_values, role_labels, ROLE__MAX - 1, role_key(ro), NULL);
	static const char *av[] = {"1", "0"}, *al[] = {"Actif", "Suspendu dans cette structure"};
	form_select(b, "active", "État", av, al, 2, active ? "1" : "0", NULL);
	form_input(b, &(form_field){.name = "service", .label = "Service", .value = service,
	                            .hint = "Par exemple « Accueil », « Pôle seniors » : les listes d’agents sont groupées par service."}, NULL);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button> <a href=\"/admin/utilisateurs\">Annuler</a></form>");
	form_begin(r, "<h2>Double authentification</h2><p>Téléphone perdu ou changé : la réinitialisation oblige la personne à la "
	               "configurer de nouveau (si son rôle l’exige, ses dossiers restent fermés d’ici là).</p>"
	               "<form method=\"post\" action=\"/admin/utilisateurs/%lld/totp\" data-confirm=\"Réinitialiser la double authentification ?\">",
	            (long long)r->param[0]);
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
	e = db_finish(r->db, e);
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
	return db_finish(r->db, e);
}

static void user_edit_post(web_req *r)
{
	err e = accounts_admin_update_user(r, r->param[0], web_field(r, "role"), web_field(r, "active"));
	if (e == E_OK)
		e = accounts_set_service(r->db, r->user->structure_id, r->param[0], web_field(r, "service"));
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
	            "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Permissions par rôle\"><table class=\"data matrix\"><caption class=\"sr-only\">Permissions par rôle</caption>"
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
	"SELECT name, address, insee, tz, phone, email, dpo_contact, logo_type, version, nir_enabled, signatory_name, "
	"signatory_title, signatory_delegation, backdate_days FROM structures WHERE id = $1");
static db_sql Q_STRUCT_SET = DB_SQL(DB_GLOBAL,
	"UPDATE structures SET name = $2, address = $3, insee = $4, tz = $5, phone = $6, email = $7, dpo_contact = $8, "
	"nir_enabled = $10, signatory_name = coalesce($11, signatory_name), signatory_title = coalesce($12, signatory_title), "
	"signatory_delegation = coalesce($13, signatory_delegation), backdate_days = coalesce($14, backdate_days), version = version + 1 "
	"WHERE id = $1 AND version = $9");
static db_sql Q_STRUCT_LOGO = DB_SQL(DB_GLOBAL, "UPDATE structures SET logo = $2, logo_type = $3 WHERE id = $1");

static const char *tz_values[] = {"Europe/Paris", "Indian/Reunion", "Indian/Mayotte", "America/Martinique",
	"America/Guadeloupe", "America/Cayenne", "America/Miquelon", "Pacific/Noumea", "Pacific/Tahiti"};
static const char *tz_labels[] = {"Métropole (Europe/Paris)", "La Réunion", "Mayotte", "Martinique", "Guadeloupe",
	"Guyane", "Saint-Pierre-et-Miquelon", "Nouvelle-Calédonie", "Polynésie française"};
#define NTZ COUNTOF(tz_values)


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
	int64_t days;
	if (f->backdate && *f->backdate && !text_to_int64(f->backdate, 0, 366, &days))
		form_error(fe, "backdate", "Indiquez un nombre de jours entre 0 et 366.");
	if ((f->sig_name && strlen(f->sig_name) > 200) || (f->sig_title && strlen(f->sig_title) > 200))
		form_error(fe, "sig_name", "Le nom ou la qualité du signataire est trop long (200 caractères au plus).");
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
		                     db_dup(&q, 4, a), db_dup(&q, 5, a), db_dup(&q, 6, a), NULL, db_int(&q, 9) ? "1" : NULL,
		                     db_dup(&q, 10, a), db_dup(&q, 11, a), db_int(&q, 12) ? "1" : "0", db_dup(&q, 13, a)};
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
	form_begin(r, "<form method=\"post\" action=\"/admin/structure\" class=\"narrow\" novalidate>");
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
	html_lit(b, "<fieldset><legend>Signataire des lettres</legend>"
	            "<p class=\"hint\">Les lettres de décision sont signées ainsi, jamais du nom de l’agent qui les imprime.</p>");
	form_input(b, &(form_field){.name = "sig_name", .label = "Nom du signataire", .value = f.sig_name,
	                            .hint = "Par exemple : Marie Hoarau"}, fe);
	form_input(b, &(form_field){.name = "sig_title", .label = "Qualité", .value = f.sig_title,
	                            .hint = "Par exemple : Directrice du CCAS"}, fe);
	html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"f-sig_delegation\" name=\"sig_delegation\" value=\"1\"%s>"
	               "<label for=\"f-sig_delegation\">Signe « pour le président et par délégation »</label></div></fieldset>",
	            f.sig_delegation && !strcmp(f.sig_delegation, "1") ? " checked" : "");
	form_input(b, &(form_field){.name = "backdate", .label = "Saisie après coup (jours)", .type = "number", .value = f.backdate,
	                            .hint = "Jusqu’à combien de jours en arrière un contact, une visite ou une remise de courrier peut "
	                                    "être daté (l’heure de saisie est toujours gardée). 0 : seulement aujourd’hui."}, fe);
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
		form_begin(r, "<h2>Double authentification obligatoire</h2><form method=\"post\" action=\"/admin/structure/totp\" class=\"narrow\">");
		html_lit(b, "<fieldset class=\"radio\"><legend>Rôles qui doivent l’activer</legend>");
		for (int ro = 1; ro < ROLE__MAX; ro++)
			html_printf(b, "<div><input type=\"checkbox\" id=\"t%d\" name=\"role\" value=\"%s\"%s><label for=\"t%d\">%s</label></div>", ro,
			            role_key((role)ro), mask >> ro & 1 ? " checked" : "", ro, role_label((role)ro));
		html_lit(b, "</fieldset><button type=\"submit\">Enregistrer</button></form>");
	}
	html_lit(b, "<h2>Logo</h2>");
	if (has_logo)
		html_lit(b, "<p><img src=\"/structure/logo\" alt=\"Logo actuel de la structure\" class=\"logo\"></p>");
	form_begin(r, "<form method=\"post\" action=\"/admin/structure/logo\" enctype=\"multipart/form-data\" class=\"narrow\">");
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
		        A_INT(f->nir && *f->nir ? 1 : 0), A_TEXT(f->sig_name), A_TEXT(f->sig_title),
		        f->sig_delegation ? A_INT(!strcmp(f->sig_delegation, "1")) : A_NULL,
		        f->backdate && *f->backdate ? A_INT(strtoll(f->backdate, NULL, 10)) : A_NULL);
	if (e == E_OK && n == 0)
		e = E_CONFLICT;
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "structure", r->user->structure_id, NULL);
	return db_finish(r->db, e);
}

static void structure_post(web_req *r)
{
	structure_form f = {web_field(r, "name"), web_field(r, "address"), web_field(r, "insee"), web_field(r, "tz"),
	                    web_field(r, "phone"), web_field(r, "email"), web_field(r, "dpo"), web_field(r, "version"),
	                    web_field(r, "nir"), web_field(r, "sig_name") ? web_field(r, "sig_name") : "",
	                    web_field(r, "sig_title") ? web_field(r, "sig_title") : "", web_field(r, "sig_delegation") ? "1" : "0",
	                    web_field(r, "backdate")};
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
	e = db_finish(r->db, e);
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
	e = db_finish(r->db, e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/structure?ok=1");
}

void accounts_admin_routes(void)
{
	web_route(M_GET, "/admin/utilisateurs", users_list, PERM_ADMIN_USERS, 0, "Liste des utilisateurs");
	web_route(M_POST, "/admin/utilisateurs", user_new_post, PERM_ADMIN_USERS, WEB_F_SECRET, "Créer un utilisateur");
	web_route(M_GET, "/admin/utilisateurs/nouveau", user_new_get, PERM_ADMIN_USERS, 0, "Formulaire d’ajout");
	web_route(M_GET, "/admin/utilisateurs/{id}", user_edit, PERM_ADMIN_USERS, 0, "Modifier un utilisateur");
	web_route(M_POST, "/admin/utilisateurs/{id}", user_edit_post, PERM_ADMIN_USERS, 0, "Enregistrer un utilisateur");
	web_route(M_POST, "/admin/utilisateurs/{id}/totp", user_totp_reset, PERM_ADMIN_USERS, 0, "Réinitialiser la double authentification");
	web_route(M_GET, "/admin/roles", roles_page, PERM_ADMIN_USERS, 0, "Rôles et permissions");
	web_route(M_GET, "/admin/structure", structure_get, PERM_ADMIN_STRUCTURE, 0, "Paramètres de la structure");
	web_route(M_POST, "/admin/structure", structure_post, PERM_ADMIN_STRUCTURE, 0, "Enregistrer les paramètres");
	web_route(M_POST, "/admin/structure/logo", logo_post, PERM_ADMIN_STRUCTURE, 0, "Envoyer le logo");
	web_route(M_POST, "/admin/structure/totp", totp_roles_post, PERM_ADMIN_STRUCTURE, 0, "Rôles tenus à la double authentification");
}
