/* microcredit_module.c — the micro-credit module's descriptor: permissions, routes, hooks, demo data. */
#include <stdlib.h>
#include <string.h>
#include "modules/microcredit/microcredit_internal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static void init(void)
{
	mc_pages_init();
	mc_api_init();
}

static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT opened_on, project, project_kind, amount, months, rate_bp, bank, status, decision_on, signed_on, ended_on FROM mc_credits "
	"WHERE structure_id = $1 AND household_id = $2 AND (person_id IS NULL OR person_id = $3) ORDER BY opened_on, id");

static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a;
	static const char *const cols[] = {"opened_on", "project", "project_kind", "amount_cents", "months", "rate_bp", "bank", "status",
	                                   "decision_on", "signed_on", "ended_on"};
	db_res q = {0};
	DBQ(c, &Q_SUBJECT, &q, A_INT(hid), A_INT(pid));
	json_t *rows = persons_rows_json(&q, cols, COUNTOF(cols));
	json_array_extend(out, rows);
	json_decref(rows);
}

/* Statistics keep the kind, amount, duration, outcome; the words go. */
static db_sql Q_ANON = DB_SQL(DB_SCOPED,
	"UPDATE mc_credits SET person_id = NULL, project = '', decision_reason = '', end_note = '' WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_EV = DB_SQL(DB_SCOPED,
	"UPDATE mc_events SET note = '' WHERE structure_id = $1 AND credit_id IN "
	"(SELECT id FROM mc_credits WHERE structure_id = $1 AND household_id = $2)");
static err anonymise(db_conn *c, int64_t hid)
{
	err e = DBX(c, &Q_ANON_EV, NULL, A_INT(hid));
	return e == E_OK ? DBX(c, &Q_ANON, NULL, A_INT(hid)) : e;
}

static db_sql Q_REF = DB_SQL(DB_SCOPED, "SELECT amount FROM mc_credits WHERE structure_id = $1 AND id = $2");
static const char *ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	if (strcmp(kind, "mc_credit"))
		return NULL;
	db_res q = {0};
	const char *out = NULL;
	if (DBQ(c, &Q_REF, &q, A_INT(id)) == E_OK && db_next(&q))
		out = arena_printf(a, "microcrédit n° %lld", (long long)id);
	db_close(&q);
	if (out)
		*href = arena_printf(a, "/microcredit/%lld", (long long)id);
	return out;
}

/* The journal's page: its credits named fifty a statement. */
static db_sql Q_REFS = DB_SQL(DB_SCOPED, "SELECT id FROM mc_credits WHERE structure_id = $1 AND id IN " DB_IN50);
static bool mine(const char *kind) { return !strcmp(kind, "mc_credit"); }
static const char *named(db_res *q, arena *a, int64_t id, const char **href)
{
	(void)q;
	*href = arena_printf(a, "/microcredit/%lld", (long long)id);
	return arena_printf(a, "microcrédit n° %lld", (long long)id);
}
static err refs(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, const char **ref, const char **href)
{
	return module_refs_of(c, a, kinds, ids, n, mine, &Q_REFS, named, ref, href);
}

static db_sql Q_OUTCOMES = DB_SQL(DB_SCOPED,
	"SELECT CASE status WHEN 'instruction' THEN 'en instruction' WHEN 'accorde' THEN 'accordé, à signer' WHEN 'refuse' THEN 'refusé' "
	"WHEN 'en_cours' THEN 'en remboursement' WHEN 'solde' THEN 'remboursé' WHEN 'contentieux' THEN 'impayé, contentieux' "
	"ELSE 'abandonné' END, count(*) FROM mc_credits WHERE structure_id = $1 AND opened_on >= $2 AND opened_on <= $3" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static err by_outcome(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_OUTCOMES, p, out, n);
}
static db_sql Q_PROJECTS = DB_SQL(DB_SCOPED,
	"SELECT CASE project_kind WHEN 'mobilite' THEN 'mobilité' WHEN 'emploi' THEN 'emploi, formation' WHEN 'logement' THEN 'logement' "
	"WHEN 'sante' THEN 'santé' WHEN 'famille' THEN 'événement familial' WHEN 'dette' THEN 'rachat de dette' ELSE 'autre' END, count(*) "
	"FROM mc_credits WHERE structure_id = $1 AND opened_on >= $2 AND opened_on <= $3" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static err by_project(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_PROJECTS, p, out, n);
}

/* ---- demo: a few hundred credits over five years ------------------------------------------------- */

static db_sql Q_D_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO mc_credits (structure_id, household_id, person_id, opened_on, project, project_kind, amount, months, rate_bp, bank, "
	"budget_before, status, decision_on, signed_on, first_due_on, ended_on, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id");
static db_sql Q_D_EV = DB_SQL(DB_SCOPED,
	"INSERT INTO mc_events (structure_id, credit_id, on_date, kind, note, resolved_on, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");

static err demo(db *d, const module_demo *x)
{
	static const char *const projects[][2] = {{"mobilite", "Achat d’un véhicule d’occasion pour un emploi en horaires décalés"},
	                                          {"mobilite", "Financement du permis de conduire"},
	                                          {"logement", "Dépôt de garantie et équipement d’un premier logement"},
	                                          {"emploi", "Formation d’aide-soignante, reste à charge"},
	                                          {"sante", "Prothèses dentaires, reste à charge"}};
	static const char *const banks[] = {"Caisse d’Épargne CEPAC", "Crédit Agricole de La Réunion", "La Banque Postale"};
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, x->structure_id);
	arena a;
	arena_init(&a, 0);
	int64_t *ids = NULL;
	int64_t n = persons_household_ids(c, &ids);
	civil_date today = civil_today("Europe/Paris");
	uint64_t s = x->seed * 11400714819323198485u + 5;
	err e = db_begin(c, true);
	for (int64_t i = 0; e == E_OK && i < n; i++) {
		s = s * 6364136223846793005u + 1442695040888963407u;
		if ((s >> 33) % 1000 >= 6) /* about 0,6 % of households */
			continue;
		bool bad = false;
		int64_t pid = persons_member_or_applicant(c, &a, ids[i], NULL, &bad);
		civil_date opened = civil_from_days(civil_to_days(today) - (int64_t)((s >> 40) % 1825));
		int64_t age = civil_to_days(today) - civil_to_days(opened), months = 12 + 6 * (int64_t)((s >> 20) % 7);
		int fate = (int)((s >> 12) % 10);
		civil_date dec = civil_from_days(civil_to_days(opened) + 15), sig = civil_from_days(civil_to_days(opened) + 30);
		const char *status = age < 15 ? "instruction" : fate == 0 ? "refuse" : age < 30 ? "accorde" : fate == 1 ? "abandon"
		                   : civil_to_days(civil_add_months(sig, (int)months)) < civil_to_days(today) ? (fate == 2 ? "contentieux" : "solde")
		                   : "en_cours";
		bool decided = strcmp(status, "instruction") != 0, signed_ = decided && strcmp(status, "refuse") && strcmp(status, "accorde") &&
		                                                               strcmp(status, "abandon");
		bool ended = !strcmp(status, "solde") || !strcmp(status, "contentieux") || !strcmp(status, "abandon");
		const char *const(*p)[2] = &projects[(s >> 28) % 5];
		int64_t id = 0;
		e = DBID(c, &Q_D_NEW, &id, A_INT(ids[i]), A_INT_OR_NULL(pid), A_TEXT(civil_iso(&a, opened)), A_TEXT((*p)[1]), A_TEXT((*p)[0]),
		         A_INT(100000 + 50000 * (int64_t)((s >> 44) % 7)), A_INT(months), A_INT(250 + 50 * (int64_t)((s >> 50) % 5)),
		         A_TEXT(banks[(s >> 54) % 3]), A_INT(20000 + (int64_t)((s >> 4) % 40000)), A_TEXT(status),
		         A_TEXT(decided ? civil_iso(&a, dec) : NULL), A_TEXT(signed_ ? civil_iso(&a, sig) : NULL),
		         A_TEXT(signed_ ? civil_iso(&a, civil_add_months(sig, 1)) : NULL),
		         A_TEXT(ended ? civil_iso(&a, !strcmp(status, "abandon") ? dec : civil_add_months(sig, (int)months)) : NULL),
		         A_INT(x->manager), A_INT(civil_now()));
		/* A follow-up contact for every signed loan; an incident for one in four, settled but for the defaulted. */
		if (e == E_OK && signed_)
			e = DBX(c, &Q_D_EV, NULL, A_INT(id), A_TEXT(civil_iso(&a, civil_add_months(sig, 2))), A_TEXT("suivi"),
			        A_TEXT("Point sur le budget : les échéances passent."), A_NULL, A_INT(x->manager), A_INT(civil_now()));
		if (e == E_OK && signed_ && (fate == 2 || (s >> 8) % 4 == 0)) {
			civil_date inc = civil_add_months(sig, 3);
			bool open = !strcmp(status, "contentieux") || (!ended && (s >> 16) % 3 == 0);
			if (civil_to_days(inc) <= civil_to_days(today))
				e = DBX(c, &Q_D_EV, NULL, A_INT(id), A_TEXT(civil_iso(&a, inc)), A_TEXT("incident"), A_TEXT("Échéance impayée, prélèvement rejeté."),
				        open ? A_NULL : A_TEXT(civil_iso(&a, civil_from_days(civil_to_days(inc) + 20))), A_INT(x->manager), A_INT(civil_now()));
		}
	}
	e = db_finish(c, e);
	free(ids);
	arena_release(&a);
	db_conn_put(c);
	return e;
}

static const module_perm perms[] = {
	{&PERM_MC_READ, "microcredit.read", "Consulter les microcrédits accompagnés",
	 ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_MC_WRITE, "microcredit.write", "Accompagner un microcrédit (instruction, suivi, incidents)",
	 ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
};
static const module_nav nav[] = {{57, "Microcrédit", "/microcredit", &PERM_MC_READ, NULL}};
static const module_section sections[] = {{40, "Microcrédit", mc_section, &PERM_MC_READ, NULL, NULL, "microcredit"}};
static const module_widget widgets[] = {{27, mc_widget, &PERM_MC_READ}};
static const module_label labels[] = {{"mc_credit", "microcrédit accompagné"}};
static const code timeline[] = {{"mc_credit", "Microcrédit"}};
static const module_indicator indicators[] = {
	{"microcredit.outcome", "Microcrédits accompagnés, par état", "Accompagnements ouverts dans la période, par état aujourd’hui "
	                                                              "(en instruction, refusé, en remboursement, remboursé, impayé, abandonné).",
	 by_outcome},
	{"microcredit.project", "Microcrédits par projet", "Accompagnements ouverts dans la période, par type de projet financé.", by_project},
};

static const module_part parts[] = {MICROCREDIT_PARTS(MODULE_PART)};

const module microcredit_module = {
	.name = "microcredit",
	.schema = &microcredit_schema,
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
	.subject_key = "micro_credits",
	.subject = subject,
	.anonymise = anonymise,
	.retention_hold = "SELECT 1 FROM mc_credits m WHERE m.structure_id = h.structure_id AND m.household_id = h.id "
	                  "AND m.status IN ('instruction', 'accorde', 'en_cours', 'contentieux')",
	.demo = demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
	.ref = ref,
	.refs = refs,
};
