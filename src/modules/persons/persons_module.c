/* persons_module.c — households and persons as a module (see module.h). */
#include "modules/persons/persons.h"
#include "modules/accounts/accounts.h"
#include "modules/persons/persons_internal.h"
#include "core/banned.h"

#define STAFF (ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER))
#define FOLLOWERS (ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER))

static const module_perm perms[] = {
	{&PERM_PERSONS_READ, "persons.read", "Rechercher et consulter les foyers (identité, composition)", STAFF},
	{&PERM_PERSONS_WRITE, "persons.write", "Créer et modifier les foyers et les personnes", STAFF},
	{&PERM_PERSONS_SITUATION, "persons.situation", "Voir et saisir la situation, les ressources et les charges", FOLLOWERS},
	{&PERM_NOTES, "persons.notes", "Lire et écrire les notes de suivi, désigner les référents",
	 ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_DOCUMENTS, "persons.documents", "Déposer et consulter les pièces justificatives", FOLLOWERS},
	{&PERM_PERSONS_MERGE, "persons.merge", "Fusionner deux dossiers", ROLE_BIT(ROLE_MANAGER)},
	{&PERM_PERSONS_SUBJECT, "persons.subject", "Répondre aux demandes d’accès (tout ce qui concerne une personne)",
	 ROLE_BIT(ROLE_DPO) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_PERSONS_RETENTION, "persons.retention", "Régler les durées de conservation et voir ce qui sera purgé",
	 ROLE_BIT(ROLE_DPO) | ROLE_BIT(ROLE_ADMIN)},
	{&PERM_PERSONS_RULES, "persons.rules", "Fixer les règles datées du quotient familial et du reste à vivre",
	 ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN)},
};
static const module_nav nav[] = {
	{10, "Personnes", "/personnes", &PERM_PERSONS_READ, NULL},
	{93, "Quotient familial", "/admin/quotient", &PERM_PERSONS_RULES, NULL},
	{96, "Droits des personnes", "/droits", &PERM_PERSONS_SUBJECT, NULL},
	{97, "Conservation", "/admin/conservation", &PERM_PERSONS_RETENTION, NULL},
};
static const module_widget widgets[] = {
	{0, persons_home_search, &PERM_PERSONS_READ},
	{50, persons_home_expiring, &PERM_DOCUMENTS},
};
static const module_label labels[] = {
	{"household", "foyer"}, {"households", "foyers"}, {"person", "personne"}, {"persons", "personnes"}, {"document", "document"},
	{"note", "note"}, {"alert", "alerte"}, {"retention", "conservation"}, {"qf_rules", "règles du quotient familial"},
};
static const code timeline[] = {
	{"household", "Dossier"}, {"member", "Membres"}, {"person", "Personnes"}, {"address", "Adresse"}, {"note", "Notes"},
	{"alert", "Alertes"}, {"document", "Documents"}, {"merge", "Fusions"},
};

static void init(void)
{
	persons_pages_routes();
	persons_household_routes();
	persons_actions_routes();
	persons_api_routes();
	persons_subject_routes();
	persons_retention_routes();
	persons_rules_routes();
}

/* Figures for observation: the households followed in a period (an event on their timeline), by housing and by neighbourhood. */
/* The households with an event in the period: read from the timeline in household order (distinct for free),
 * then each household once. */
#define FOLLOWED(col) \
	"SELECT h." col ", count(*) FROM (SELECT DISTINCT t.household_id FROM timeline t WHERE t.structure_id = $1 AND t.at >= $2 " \
	"AND t.at < $3) f JOIN households h ON h.structure_id = $1 AND h.id = f.household_id WHERE h.merged_into IS NULL" \
	MODULE_HOUSEHOLD("h.id") "GROUP BY 1 ORDER BY 1"
static db_sql Q_I_HOUSING = DB_SQL(DB_SCOPED, FOLLOWED("housing"));
static db_sql Q_I_AREA = DB_SQL(DB_SCOPED, FOLLOWED("neighbourhood"));

static err followed_by(db_sql *q, db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	int64_t s, e;
	if (!accounts_period_instants(c, a, p->from, p->to, &s, &e))
		return E_INPUT;
	return module_figures_query_at(c, a, q, p, s, e, out, n);
}
static err by_housing(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	err e = followed_by(&Q_I_HOUSING, c, a, p, out, n);
	if (e == E_OK)
		module_figures_relabel(*out, *n, HOUSING, NHOUSING);
	return e;
}
static err by_area(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return followed_by(&Q_I_AREA, c, a, p, out, n);
}
static const module_indicator indicators[] = {
	{"persons.housing", "Foyers suivis par logement", "Foyers dont le parcours a un événement dans la période (contact, demande, décision…), "
	                                                   "selon leur logement aujourd’hui.", by_housing},
	{"persons.neighbourhood", "Foyers suivis par quartier", "Les mêmes foyers, selon le quartier de leur adresse aujourd’hui.", by_area},
};

const module persons_module = {
	.name = "persons",
	.schema = &persons_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.widgets = widgets,
	.nwidgets = COUNTOF(widgets),
	.labels = labels,
	.ref = persons_ref,
	.lookup = persons_lookup,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
};
