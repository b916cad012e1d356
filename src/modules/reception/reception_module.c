/* reception_module.c — the front desk as a module (see module.h). */
#include "modules/reception/reception_internal.h"
#include "modules/accounts/accounts.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

#define STAFF (ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER))

static const module_perm perms[] = {
	{&PERM_RECEPTION, "reception.desk", "Accueil : contacts, file d’attente, rendez-vous", STAFF},
	{&PERM_RECEPTION_ADMIN, "reception.admin", "Gérer les motifs de contact et l’annuaire des partenaires",
	 ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN)},
};
static const module_nav nav[] = {
	{5, "Accueil du public", "/accueil", &PERM_RECEPTION, NULL},
	{20, "Rendez-vous", "/rendez-vous", &PERM_RECEPTION, NULL},
	{80, "Partenaires", "/partenaires", &PERM_RECEPTION, NULL},
	{92, "Motifs", "/admin/motifs", &PERM_RECEPTION_ADMIN, NULL},
};
static const module_section sections[] = {
	/* Written whole even without contacts (its form); read always: nearly every file has contacts, and they are
	 * not counted in the household's parts (reception_model.c). */
	{10, "Contacts", rc_section_contacts, &PERM_RECEPTION, "#contact", "Enregistrer un contact", NULL},
	{20, "Rendez-vous", rc_section_appointments, &PERM_RECEPTION, NULL, NULL, "appointments"},
};
static const module_widget widgets[] = {
	{10, rc_home_appointments, &PERM_RECEPTION},
	{20, rc_home_quick_contact, &PERM_RECEPTION},
};
static const module_label labels[] = {
	{"contact", "contact"}, {"appointment", "rendez-vous"}, {"appointments", "rendez-vous"}, {"queue", "file d’attente"},
	{"partner", "partenaire"}, {"motive", "motif de contact"},
};
static const code timeline[] = {
	{"contact", "Contacts"}, {"appointment", "Rendez-vous"},
};

static void init(void)
{
	reception_pages_routes();
	reception_api_routes();
}

/* Figures for observation: contacts of a period, by channel, motive, orientation. */
static db_sql Q_I_CHANNEL = DB_SQL(DB_SCOPED, "SELECT channel, count(*) FROM contacts WHERE structure_id = $1 AND at >= $2 AND at < $3" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static db_sql Q_I_MOTIVE = DB_SQL(DB_SCOPED,
	"SELECT m.label, count(*) FROM contacts c LEFT JOIN contact_motives m ON m.structure_id = c.structure_id AND m.id = c.motive_id "
	"WHERE c.structure_id = $1 AND c.at >= $2 AND c.at < $3" MODULE_HOUSEHOLD("c.household_id") "GROUP BY 1 ORDER BY 1");
static db_sql Q_I_ORIENT = DB_SQL(DB_SCOPED,
	"SELECT CASE WHEN orientation = '' THEN 'aucune' ELSE orientation END, count(*) FROM contacts WHERE structure_id = $1 AND at >= $2 "
	"AND at < $3" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");

static err contacts_by(db_sql *q, const code *words, int nwords, db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	int64_t s, e;
	if (!accounts_period_instants(c, a, p->from, p->to, &s, &e))
		return E_INPUT;
	err r = module_figures_query_at(c, a, q, p, s, e, out, n);
	if (r == E_OK && words)
		module_figures_relabel(*out, *n, words, nwords);
	return r;
}
static err by_channel(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return contacts_by(&Q_I_CHANNEL, RC_CHANNELS, COUNTOF(RC_CHANNELS), c, a, p, out, n);
}
static err by_motive(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return contacts_by(&Q_I_MOTIVE, NULL, 0, c, a, p, out, n);
}
static err by_orientation(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	static const code O[] = {{"aucune", "Aucune (réponse donnée)"}, {"agent", "Vers un agent"}, {"service", "Vers un service du CCAS"},
	                         {"partenaire", "Vers un partenaire"}};
	return contacts_by(&Q_I_ORIENT, O, COUNTOF(O), c, a, p, out, n);
}
static const module_indicator indicators[] = {
	{"reception.channel", "Contacts par canal", "Contacts enregistrés à l’accueil dans la période (avec ou sans dossier), par canal.", by_channel},
	{"reception.motive", "Contacts par motif", "Contacts enregistrés dans la période, par motif (la liste de la structure).", by_motive},
	{"reception.orientation", "Contacts par orientation", "Contacts enregistrés dans la période, selon la suite donnée : réponse sur place ou "
	                                                       "orientation vers un agent, un service, un partenaire.", by_orientation},
};

static const module_part parts[] = {RECEPTION_PARTS(MODULE_PART)};

const module reception_module = {
	.name = "reception",
	.schema = &reception_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.sections = sections,
	.nsections = COUNTOF(sections),
	.parts = parts,
	.nparts = COUNTOF(parts),
	.widgets = widgets,
	.nwidgets = COUNTOF(widgets),
	.subject_key = "contacts",
	.subject = rc_subject,
	.anonymise = rc_anonymise,
	.demo = rc_demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
};
