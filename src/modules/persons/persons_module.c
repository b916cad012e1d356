/* persons_module.c — households and persons as a module (see module.h). */
#include "modules/persons/persons.h"
#include "modules/accounts/accounts.h"
#include "modules/persons/persons_internal.h"
#include "modules/journal/journal.h"
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
	{&PERM_PERSONS_IMPORT, "persons.import", "Importer des foyers depuis un tableur", ROLE_BIT(ROLE_MANAGER)},
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

/* The household « recently seen » (the search shows those first) follows the journal's read entry of the
 * file, in the journal writer's group: opening a file is no write of the request's own. */
static journal_read_hook seen_hook = {"household", persons_household_seen, persons_households_seen, NULL};

static void init(void)
{
	journal_on_read(&seen_hook);
	persons_pages_routes();
	persons_household_routes();
	persons_actions_routes();
	persons_api_routes();
	persons_subject_routes();
	persons_retention_routes();
	persons_rules_routes();
	persons_import_routes();
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

/* Ages on the period's last day: $4..$7 are the birth dates of those turning 25, 40, 60 and 75 that day. */
#define AGE_BAND(col) \
	"CASE WHEN " col " IS NULL OR " col " = '' THEN '' WHEN " col " > $4 THEN 'moins de 25 ans' WHEN " col " > $5 THEN '25 à 39 ans' " \
	"WHEN " col " > $6 THEN '40 à 59 ans' WHEN " col " > $7 THEN '60 à 74 ans' ELSE '75 ans ou plus' END"
#define FOLLOWED_FROM \
	"FROM (SELECT DISTINCT t.household_id FROM timeline t WHERE t.structure_id = $1 AND t.at >= $2 AND t.at < $3) f " \
	"JOIN households h ON h.structure_id = $1 AND h.id = f.household_id "
static db_sql Q_I_AGE = DB_SQL(DB_SCOPED,
	"SELECT " AGE_BAND("p.birth_date") ", count(*) " FOLLOWED_FROM "LEFT JOIN persons p ON p.structure_id = $1 AND p.household_id = h.id "
	"AND p.active = 1 AND p.relation = 'demandeur' WHERE h.merged_into IS NULL" MODULE_HOUSEHOLD("h.id") "GROUP BY 1 ORDER BY min(coalesce(p.birth_date, '')) DESC");
static db_sql Q_I_PERSONS = DB_SQL(DB_SCOPED,
	"SELECT " AGE_BAND("p.birth_date") ", count(*) " FOLLOWED_FROM "JOIN persons p ON p.structure_id = $1 AND p.household_id = h.id "
	"AND p.active = 1 WHERE h.merged_into IS NULL" MODULE_HOUSEHOLD("h.id") "GROUP BY 1 ORDER BY min(coalesce(p.birth_date, '')) DESC");
/* Each household's composition and resources by a search of its own rows (persons_household, budget_lines_h): a
 * join with a grouped subquery is scanned whole for each household on SQLite. */
#define KIDS "sum(CASE WHEN p.relation IN ('enfant', 'enfant_alterne') THEN 1 ELSE 0 END) > 0"
static db_sql Q_I_COMPOSITION = DB_SQL(DB_SCOPED,
	"SELECT (SELECT CASE WHEN count(*) = 0 THEN '' WHEN sum(CASE WHEN p.relation = 'conjoint' THEN 1 ELSE 0 END) > 0 THEN CASE WHEN " KIDS " "
	"THEN 'couple_enfants' ELSE 'couple' END WHEN " KIDS " THEN 'monoparental' WHEN count(*) > 1 THEN 'autre' ELSE 'seul' END "
	"FROM persons p WHERE p.structure_id = $1 AND p.household_id = h.id AND p.active = 1), count(*) " FOLLOWED_FROM
	"WHERE h.merged_into IS NULL" MODULE_HOUSEHOLD("h.id") "GROUP BY 1 ORDER BY 1");
#define LAST_RESOURCES \
	"(SELECT CAST(sum(b.amount) AS BIGINT) FROM budget_lines b WHERE b.structure_id = $1 AND b.household_id = h.id AND b.kind = 'R' " \
	"AND b.counted = 1 " \
	"AND b.month = (SELECT max(m.month) FROM budget_lines m WHERE m.structure_id = $1 AND m.household_id = h.id AND m.kind = 'R' " \
	"AND m.counted = 1))"
static db_sql Q_I_RESOURCES = DB_SQL(DB_SCOPED,
	"SELECT CASE " LAST_RESOURCES " / 50000 WHEN 0 THEN 'm500' WHEN 1 THEN '500-1000' WHEN 2 THEN '1000-1500' WHEN 3 THEN '1500-2000' "
	"ELSE CASE WHEN " LAST_RESOURCES " IS NULL THEN '' ELSE '2000p' END END, count(*) " FOLLOWED_FROM "WHERE h.merged_into IS NULL"
	MODULE_HOUSEHOLD("h.id") "GROUP BY 1 ORDER BY 1");

static err by_age_of(db_sql *q, db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	int64_t s, e;
	civil_date d;
	if (!accounts_period_instants(c, a, p->from, p->to, &s, &e) || !civil_parse(p->to, &d))
		return E_INPUT;
	db_arg v[] = {A_INT(s), A_INT(e), A_TEXT(civil_iso(a, civil_add_months(d, -12 * 25))), A_TEXT(civil_iso(a, civil_add_months(d, -12 * 40))),
	              A_TEXT(civil_iso(a, civil_add_months(d, -12 * 60))), A_TEXT(civil_iso(a, civil_add_months(d, -12 * 75)))};
	return module_figures_query_args(c, a, q, p, 6, v, out, n);
}
static err by_age(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return by_age_of(&Q_I_AGE, c, a, p, out, n);
}
static err by_person_age(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return by_age_of(&Q_I_PERSONS, c, a, p, out, n);
}
static err by_composition(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	err e = followed_by(&Q_I_COMPOSITION, c, a, p, out, n);
	if (e == E_OK)
		module_figures_relabel(*out, *n, PERSONS_HOUSEHOLD_TYPES, NPERSONS_HOUSEHOLD_TYPES);
	return e;
}
static err by_resources(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	err e = followed_by(&Q_I_RESOURCES, c, a, p, out, n);
	if (e == E_OK)
		module_figures_relabel(*out, *n, PERSONS_RESOURCE_BANDS, NPERSONS_RESOURCE_BANDS);
	return e;
}

static const module_indicator indicators[] = {
	{"persons.housing", "Foyers suivis par logement", "Foyers dont le parcours a un événement dans la période (contact, demande, décision…), "
	                                                   "selon leur logement aujourd’hui.", by_housing},
	{"persons.neighbourhood", "Foyers suivis par quartier", "Les mêmes foyers, selon le quartier de leur adresse aujourd’hui.", by_area},
	{"persons.age", "Foyers suivis par âge du demandeur", "Les mêmes foyers, selon l’âge de leur demandeur le dernier jour de la période.", by_age},
	{"persons.composition", "Foyers suivis par composition", "Les mêmes foyers, selon leurs membres aujourd’hui : personne seule, couple avec "
	                                                          "ou sans enfants, famille monoparentale, autre.", by_composition},
	{"persons.resources", "Foyers suivis par ressources", "Les mêmes foyers, selon les ressources du dernier mois de leur budget "
	                                                       "(non renseignées : aucun budget).", by_resources},
	{"persons.persons", "Personnes des foyers suivis, par âge", "Les membres de ces foyers aujourd’hui, selon leur âge le dernier jour de la "
	                                                             "période.", by_person_age},
};

static const module_part parts[] = {OWN_PARTS(MODULE_PART)};

const module persons_module = {
	.name = "persons",
	/* The change feed's head: a search whose index has read that far asks nothing of the feed. */
	.user_fact = "SELECT fh.seq FROM search_feed_head fh WHERE fh.structure_id = st.id",
	.schema = &persons_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.widgets = widgets,
	.nwidgets = COUNTOF(widgets),
	.parts = parts,
	.nparts = COUNTOF(parts),
	.labels = labels,
	.ref = persons_ref,
	.refs = persons_refs,
	.lookup = persons_lookup,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
	.purge = persons_import_purge,
};
