/* aid_module.c — optional aid as a module (see module.h). */
#include "modules/aid/aid_internal.h"
#include <string.h>
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
	{40, "Aides facultatives", aid_household_section, &PERM_AID_SIMULATE, NULL, NULL, "aid"},
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

/* Figures for observation: requests by aid, decisions, euros granted. */
static db_sql Q_I_KIND = DB_SQL(DB_SCOPED,
	"SELECT aid_label, count(*) FROM aid_requests WHERE structure_id = $1 AND requested_on >= $2 AND requested_on <= $3" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static db_sql Q_I_DECISION = DB_SQL(DB_SCOPED,
	"SELECT decision, count(*) FROM aid_requests WHERE structure_id = $1 AND decided_on >= $2 AND decided_on <= $3" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static db_sql Q_I_GRANTED = DB_SQL(DB_SCOPED,
	"SELECT aid_label, sum(granted) / 100 FROM aid_requests WHERE structure_id = $1 AND decided_on >= $2 AND decided_on <= $3 "
	"AND granted IS NOT NULL AND granted > 0" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
/* From the request to the decision, in months from date to date (a month and a day late is « un à deux mois »). */
#define SPAN "((CAST(substr(decided_on, 1, 4) AS INTEGER) - CAST(substr(requested_on, 1, 4) AS INTEGER)) * 1200 " \
	"+ (CAST(substr(decided_on, 6, 2) AS INTEGER) - CAST(substr(requested_on, 6, 2) AS INTEGER)) * 100 " \
	"+ CAST(substr(decided_on, 9, 2) AS INTEGER) - CAST(substr(requested_on, 9, 2) AS INTEGER))"
static db_sql Q_I_DELAY = DB_SQL(DB_SCOPED,
	"SELECT CASE WHEN " SPAN " < 100 THEN 'moins d’un mois' WHEN " SPAN " < 200 THEN 'un à deux mois' WHEN " SPAN " < 300 THEN 'deux à trois mois' "
	"ELSE 'trois mois ou plus' END, count(*) FROM aid_requests WHERE structure_id = $1 AND decided_on >= $2 AND decided_on <= $3 "
	"AND decision <> ''" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY min(" SPAN ")");
static err by_delay(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_I_DELAY, p, out, n);
}
static err by_kind(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_I_KIND, p, out, n);
}
static err by_decision(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	err e = module_figures_query(c, a, &Q_I_DECISION, p, out, n);
	for (int i = 0; e == E_OK && i < *n; i++)
		if (strcmp((*out)[i].category, "non renseigné"))
			(*out)[i].category = aid_decision_label((*out)[i].category);
	return e;
}
static err by_granted(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_I_GRANTED, p, out, n);
}
static const module_indicator indicators[] = {
	{"aid.kind", "Demandes d’aide facultative", "Demandes créées dans la période (date de la demande), par aide du règlement.", by_kind},
	{"aid.decision", "Décisions d’aide facultative", "Demandes décidées dans la période, par décision.", by_decision},
	{"aid.delay", "Délai de décision", "Demandes décidées dans la période, selon le temps écoulé depuis la demande.", by_delay},
	{"aid.granted", "Euros accordés", "Montants accordés par les décisions de la période, en euros entiers, par aide.", by_granted},
};

static const module_part parts[] = {AID_PARTS(MODULE_PART)};

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
	.parts = parts,
	.nparts = COUNTOF(parts),
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
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
};
