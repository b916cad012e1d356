/* domiciliation_module.c — élection de domicile as a module (see module.h). */
#include "modules/domiciliation/domiciliation_internal.h"
#include "core/banned.h"

#define DESK (ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER))

static const module_perm perms[] = {
	{&PERM_DOMI_MAIL, "domiciliation.mail", "Domiciliation : consulter, guichet courrier, contacts", DESK},
	{&PERM_DOMI_INSTRUCT, "domiciliation.instruct", "Domiciliation : instruire les demandes et renouvellements",
	 ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_DOMI_DECIDE, "domiciliation.decide", "Domiciliation : accepter, refuser, radier", ROLE_BIT(ROLE_MANAGER)},
};
static const module_nav nav[] = {
	{30, "Domiciliation", "/domiciliation", &PERM_DOMI_MAIL, NULL},
};
static const module_section sections[] = {
	{30, "Domiciliation", domi_section, &PERM_DOMI_MAIL, NULL, NULL, "domiciliation"},
};
static const module_widget widgets[] = {
	{30, domi_home_widget, &PERM_DOMI_MAIL},
};
static const module_label labels[] = {
	{"domiciliation", "domiciliation"}, {"domiciliations", "domiciliations"}, {"domi_mail", "courrier de domiciliation"},
	{"domi_proxy", "mandataire"}, {"domi_forward", "réexpédition"}, {"domi_contact", "contact de domiciliation"},
	{"domi_import", "import de domiciliations"},
};
static const code timeline[] = {
	{"domiciliation", "Domiciliation"},
};

static void init(void)
{
	domiciliation_pages_routes();
	domiciliation_actions_routes();
	domiciliation_api_routes();
	domiciliation_report_routes();
	domiciliation_docs_routes();
	domiciliation_export_routes();
	domiciliation_import_routes();
}

/* Figures for observation: requests of a period by what became of them; domiciliations in force. */
static db_sql Q_I_REQ = DB_SQL(DB_SCOPED,
	"SELECT status, count(*) FROM domiciliations WHERE structure_id = $1 AND requested_on >= $2 AND requested_on <= $3" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static db_sql Q_I_INFORCE = DB_SQL(DB_SCOPED,
	"SELECT household_type, count(*) FROM domiciliations WHERE structure_id = $1 AND start_on <= $3 AND (end_on IS NULL OR end_on >= $2) "
	"AND (struck_on IS NULL OR struck_on >= $2) AND start_on IS NOT NULL" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static err by_request(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	err e = module_figures_query(c, a, &Q_I_REQ, p, out, n);
	if (e == E_OK)
		module_figures_relabel(*out, *n, DOMI_STATUS, COUNTOF(DOMI_STATUS));
	return e;
}
static err by_inforce(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	err e = module_figures_query(c, a, &Q_I_INFORCE, p, out, n);
	if (e == E_OK)
		module_figures_relabel(*out, *n, DOMI_HTYPE, COUNTOF(DOMI_HTYPE));
	return e;
}
static const module_indicator indicators[] = {
	{"domiciliation.requests", "Demandes de domiciliation", "Demandes reçues dans la période, selon ce qu’elles sont devenues (en cours, "
	                                                         "active, refusée, radiée).", by_request},
	{"domiciliation.inforce", "Domiciliations en cours", "Domiciliations valides à un moment de la période, par type de foyer.", by_inforce},
};

static const module_part parts[] = {DOMICILIATION_PARTS(MODULE_PART)};

const module domiciliation_module = {
	.name = "domiciliation",
	.schema = &domiciliation_schema,
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
	.subject_key = "domiciliation",
	.subject = domi_subject,
	.anonymise = domi_anonymise,
	.retention_hold = "SELECT 1 FROM domiciliations x WHERE x.structure_id = h.structure_id AND x.household_id = h.id "
	                  "AND x.status IN ('instruction', 'attente_decision', 'active')",
	.demo = domi_demo,
	.labels = labels,
	.ref = domi_ref,
	.refs = domi_refs,
	.notify = domiciliation_notify,
	.purge = domiciliation_purge,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
};
