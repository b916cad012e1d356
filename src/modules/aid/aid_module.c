/* aid_module.c — optional aid as a module (see module.h). */
#include "modules/aid/aid_internal.h"
#include "core/banned.h"

#define SW ROLE_BIT(ROLE_SOCIAL_WORKER)
#define CO ROLE_BIT(ROLE_CASE_OFFICER)
#define MG ROLE_BIT(ROLE_MANAGER)
#define CM ROLE_BIT(ROLE_COMMITTEE)

static const module_perm perms[] = {
	{&PERM_AID_RULES, "aid.rules", "Écrire le règlement des aides facultatives", MG | ROLE_BIT(ROLE_ADMIN)},
	{&PERM_AID_RULES_READ, "aid.rules.read", "Lire les versions adoptées du règlement des aides", SW | CO | MG | CM | ROLE_BIT(ROLE_ADMIN)},
	{&PERM_AID_SIMULATE, "aid.simulate", "Simuler les aides facultatives pour un foyer", SW | CO | MG},
	{&PERM_AID_READ, "aid.read", "Lire les demandes d’aide facultative", SW | CO | MG},
	{&PERM_AID_INSTRUCT, "aid.instruct", "Créer, déposer et instruire les demandes d’aide", SW | CO | MG},
	{&PERM_AID_DECIDE, "aid.decide", "Décider sous délégation, ordre du jour, budget, annulation", MG},
	{&PERM_AID_COMMITTEE, "aid.committee", "Siéger en commission (dossiers anonymisés)", CM | MG},
	{&PERM_AID_PAY, "aid.pay", "Enregistrer le paiement des aides", CO | MG},
	{&PERM_AID_ACT, "aid.act", "Faire avancer une demande d’aide (selon le rôle)", SW | CO | MG | CM},
};
static const module_nav nav[] = {
	{60, "Aides", "/aides", &PERM_AID_READ, NULL},
	{61, "Commission", "/aides/commissions", &PERM_AID_COMMITTEE, NULL},
	{94, "Règlement des aides", "/aides/reglement", &PERM_AID_RULES, NULL},
};
static const module_section sections[] = {
	{40, "Aides facultatives", aid_household_section, &PERM_AID_SIMULATE, NULL, NULL},
};
static const module_widget widgets[] = {
	{20, aid_home_widget, &PERM_AID_ACT},
};
static const module_label labels[] = {
	{"aid_request", "demande d’aide"}, {"aid_requests", "demandes d’aide"}, {"aid_rulebook", "règlement des aides"},
	{"aid_session", "séance de commission"}, {"aid_budget", "budget des aides"}, {"aid_letter", "lettre de décision"},
};
static const code timeline[] = {
	{"aid_request", "Aides"},
};

static void init(void)
{
	aid_pages_routes();
	aid_requests_routes();
	aid_committee_routes();
	aid_docs_routes();
	aid_api_routes();
}

const module aid_module = {
	.name = "aid",
	.schema = &aid_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.widgets = widgets,
	.nwidgets = COUNTOF(widgets),
	.sections = sections,
	.nsections = COUNTOF(sections),
	.subject_key = "optional_aid",
	.subject = aid_subject,
	.anonymise = aid_anonymise,
	.retention_hold = "SELECT 1 FROM aid_requests x WHERE x.structure_id = h.structure_id AND x.household_id = h.id "
	                  "AND x.status IN ('brouillon', 'deposee', 'instruite', 'inscrite', 'decidee', 'notifiee')",
	.demo = aid_demo,
	.labels = labels,
	.ref = aid_ref,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
};
