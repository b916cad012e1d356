/* accounts_module.c — structures, users and sessions as a module (see module.h). */
#include "modules/accounts/accounts_internal.h"
#include "core/banned.h"

static const module_perm perms[] = {
	{&PERM_ADMIN_USERS, "admin.users", "Gérer les utilisateurs et leurs rôles", ROLE_BIT(ROLE_ADMIN)},
	{&PERM_ADMIN_STRUCTURE, "admin.structure", "Modifier les paramètres de la structure", ROLE_BIT(ROLE_ADMIN)},
};
static const module_nav nav[] = {
	{90, "Utilisateurs", "/admin/utilisateurs", &PERM_ADMIN_USERS, NULL},
	{91, "Structure", "/admin/structure", &PERM_ADMIN_STRUCTURE, NULL},
	{92, "Jetons d’API", "/admin/jetons", &PERM_ADMIN_USERS, NULL},
};
static const module_label labels[] = {
	{"user", "utilisateur"}, {"session", "session"}, {"structure", "structure"}, {"structure_logo", "logo"},
	{"membership", "rattachement"}, {"password", "mot de passe"}, {"api_token", "jeton d’API"},
};

static void init(void)
{
	accounts_pages_routes();
	accounts_admin_routes();
	accounts_api_routes();
	accounts_tokens_routes();
	accounts_agents_routes();
	web_set_auth(&accounts_auth_hooks);
}

const module accounts_module = {
	.name = "accounts",
	.schema = &accounts_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.labels = labels,
	.nlabels = COUNTOF(labels),
};
