/* housing_module.c — the social housing module's descriptor: permissions, routes, hooks, demo data. */
#include <stdlib.h>
#include <string.h>
#include "modules/housing/housing_internal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static void init(void)
{
	housing_pages_init();
	housing_api_init();
}

static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT number, filed_on, renewed_on, expires_on, status, size, communes, priorities, ended_on, end_reason, allocated_address "
	"FROM housing_requests WHERE structure_id = $1 AND household_id = $2 AND (person_id IS NULL OR person_id = $3) ORDER BY filed_on, id");

static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a;
	static const char *const cols[] = {"number", "filed_on", "renewed_on", "expires_on", "status", "size", "communes", "priorities",
	                                   "ended_on", "end_reason", "allocated_address"};
	db_res q = {0};
	DBQ(c, &Q_SUBJECT, &q, A_INT(hid), A_INT(pid));
	json_t *rows = persons_rows_json(&q, cols, COUNTOF(cols));
	json_array_extend(out, rows);
	json_decref(rows);
}

/* What statistics need stays (dates, size, criteria, outcome); what names or locates the person goes. */
static db_sql Q_ANON = DB_SQL(DB_SCOPED,
	"UPDATE housing_requests SET person_id = NULL, number = 'anonymisé-' || id, communes = '', notes = '', allocated_address = '' "
	"WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_P = DB_SQL(DB_SCOPED,
	"UPDATE housing_proposals SET address = '', refusal_reason = '' WHERE structure_id = $1 AND request_id IN "
	"(SELECT id FROM housing_requests WHERE structure_id = $1 AND household_id = $2)");
static err anonymise(db_conn *c, int64_t hid)
{
	err e = DBX(c, &Q_ANON_P, NULL, A_INT(hid));
	return e == E_OK ? DBX(c, &Q_ANON, NULL, A_INT(hid)) : e;
}

static db_sql Q_REF = DB_SQL(DB_SCOPED, "SELECT number FROM housing_requests WHERE structure_id = $1 AND id = $2");
static const char *ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	if (strcmp(kind, "housing_request"))
		return NULL;
	db_res q = {0};
	const char *out = NULL;
	if (DBQ(c, &Q_REF, &q, A_INT(id)) == E_OK && db_next(&q))
		out = arena_printf(a, "demande de logement n° %s", db_text(&q, 0));
	db_close(&q);
	if (out)
		*href = arena_printf(a, "/logement/%lld", (long long)id);
	return out;
}

/* The journal's page: its requests named fifty a statement. */
static db_sql Q_REFS = DB_SQL(DB_SCOPED, "SELECT id, number FROM housing_requests WHERE structure_id = $1 AND id IN " DB_IN50);
static bool mine(const char *kind) { return !strcmp(kind, "housing_request"); }
static const char *named(db_res *q, arena *a, int64_t id, const char **href)
{
	*href = arena_printf(a, "/logement/%lld", (long long)id);
	return arena_printf(a, "demande de logement n° %s", db_text(q, 1));
}
static err refs(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, const char **ref, const char **href)
{
	return module_refs_of(c, a, kinds, ids, n, mine, &Q_REFS, named, ref, href);
}

/* ---- figures for the observation module ------------------------------------------------------- */

static db_sql Q_BY_SIZE = DB_SQL(DB_SCOPED,
	"SELECT size, count(*) FROM housing_requests WHERE structure_id = $1 AND filed_on <= $3 "
	"AND (status = 'active' OR ended_on >= $2)" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static err by_size(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_BY_SIZE, p, out, n);
}
/* Waiting time of the requests allocated in the period, from the first filing to the allocation. */
#define WAIT_MONTHS "((CAST(substr(ended_on, 1, 4) AS INTEGER) - CAST(substr(filed_on, 1, 4) AS INTEGER)) * 12 " \
	"+ CAST(substr(ended_on, 6, 2) AS INTEGER) - CAST(substr(filed_on, 6, 2) AS INTEGER))"
static db_sql Q_WAIT = DB_SQL(DB_SCOPED,
	"SELECT CASE WHEN " WAIT_MONTHS " < 12 THEN 'moins d’un an' WHEN " WAIT_MONTHS " < 24 THEN 'un à deux ans' WHEN " WAIT_MONTHS " < 48 "
	"THEN 'deux à quatre ans' ELSE 'quatre ans ou plus' END, count(*) FROM housing_requests "
	"WHERE structure_id = $1 AND status = 'attribuee' AND ended_on >= $2 AND ended_on <= $3" MODULE_HOUSEHOLD("household_id")
	"GROUP BY 1 ORDER BY min(" WAIT_MONTHS ")");
static err by_wait(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_WAIT, p, out, n);
}
static db_sql Q_ENDS = DB_SQL(DB_SCOPED,
	"SELECT CASE WHEN status = 'attribuee' THEN 'logement attribué' WHEN end_reason = 'non_renouvellement' THEN 'radiée, non renouvelée' "
	"ELSE 'radiée, autre motif' END, count(*) FROM housing_requests WHERE structure_id = $1 AND status <> 'active' "
	"AND ended_on >= $2 AND ended_on <= $3" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static err by_end(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_ENDS, p, out, n);
}

/* ---- demo: requests for a few per cent of households, over five years ------------------------ */

static db_sql Q_D_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO housing_requests (structure_id, household_id, person_id, number, filed_on, renewed_on, expires_on, status, size, "
	"persons, communes, priorities, contingent, help, ended_on, end_reason, allocated_address, allocated_landlord, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'aide_depot,suivi', $14, $15, $16, $17, $18, $19) RETURNING id");
static db_sql Q_D_PROP = DB_SQL(DB_SCOPED,
	"INSERT INTO housing_proposals (structure_id, request_id, landlord, address, size, rent, commission_on, received_on, outcome, "
	"refusal_reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");

static db_sql Q_D_SETTING = DB_SQL(DB_SCOPED,
	"INSERT INTO housing_settings (structure_id, abnormal_months) VALUES ($1, 24) ON CONFLICT (structure_id) DO NOTHING");

static err demo(db *d, const module_demo *x)
{
	static const char *const landlords[] = {"SIDR", "SHLMR", "SEMADER", "SODIAC"};
	static const char *const streets[] = {"rue Evariste de Parny", "avenue du 20 Décembre", "rue Léon de Lépervanche", "rue Rico Carpaye"};
	static const char *const crit[] = {"", "", "sans_logement", "sur_occupation", "handicap", "violences", "dalo,sans_logement", "insalubrite"};
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, x->structure_id);
	arena a;
	arena_init(&a, 0);
	int64_t *ids = NULL;
	int64_t n = persons_household_ids(c, &ids);
	civil_date today = civil_today("Europe/Paris");
	uint64_t s = x->seed * 2862933555777941757u + 3;
	err e = DBX0(c, &Q_D_SETTING, NULL);
	if (e == E_OK)
		e = db_begin(c, true);
	for (int64_t i = 0; e == E_OK && i < n; i++) {
		s = s * 6364136223846793005u + 1442695040888963407u;
		if ((s >> 33) % 100 >= 4) /* about 4 % of households */
			continue;
		bool bad = false;
		int64_t pid = persons_member_or_applicant(c, &a, ids[i], NULL, &bad);
		civil_date filed = civil_from_days(civil_to_days(today) - (int64_t)((s >> 40) % 1825)); /* five years */
		int64_t age = civil_to_days(today) - civil_to_days(filed);
		/* Older ones were allocated or struck off; the rest are renewed each year, a few late. */
		int fate = (int)((s >> 12) % 10);
		const char *status = age > 400 && fate < 3 ? "attribuee" : age > 400 && fate == 3 ? "radiee" : "active";
		civil_date renewed = filed;
		while (civil_to_days(civil_add_months(renewed, 12)) <= civil_to_days(today) - ((s >> 20) % 9 == 0 ? 20 : -25))
			renewed = civil_add_months(renewed, 12);
		civil_date ended = civil_from_days(civil_to_days(filed) + 200 + (int64_t)((s >> 24) % (uint64_t)(age > 260 ? age - 250 : 10)));
		if (civil_to_days(ended) > civil_to_days(today))
			ended = today;
		bool over = strcmp(status, "active") != 0;
		const char *size = HOUSING_SIZES[1 + (s >> 28) % 5].v;
		const char *addr = arena_printf(&a, "%d %s, Le Port", (int)(1 + (s >> 30) % 80), streets[(s >> 36) % 4]);
		const char *lord = landlords[(s >> 44) % 4];
		int64_t rid = 0;
		e = DBID(c, &Q_D_NEW, &rid, A_INT(ids[i]), A_INT_OR_NULL(pid),
		         A_TEXT(arena_printf(&a, "974%02d%02d%05d%05lldA", filed.m, filed.y % 100, (int)((s >> 16) % 100000), (long long)i % 100000)),
		         A_TEXT(civil_iso(&a, filed)), A_TEXT(civil_iso(&a, renewed)), A_TEXT(civil_iso(&a, civil_add_months(renewed, 12))),
		         A_TEXT(status), A_TEXT(size), A_INT(1 + (int64_t)((s >> 48) % 5)), A_TEXT("Le Port, La Possession"),
		         A_TEXT(crit[(s >> 52) % 8]), A_TEXT(HOUSING_CONTINGENTS[(s >> 56) % 6].v), A_TEXT(over ? civil_iso(&a, ended) : NULL),
		         A_TEXT(!strcmp(status, "radiee") ? "non_renouvellement" : ""), A_TEXT(!strcmp(status, "attribuee") ? addr : ""),
		         A_TEXT(!strcmp(status, "attribuee") ? lord : ""), A_INT(x->manager), A_INT(civil_now()));
		/* A proposal: the one that was allocated, one refused before it, or one pending. */
		bool pending = !over && fate >= 8;
		if (e == E_OK && (over || pending) && strcmp(status, "radiee")) {
			civil_date on = pending ? civil_from_days(civil_to_days(today) - (int64_t)((s >> 8) % 20)) : ended;
			if (civil_to_days(on) < civil_to_days(filed))
				on = filed;
			e = DBX(c, &Q_D_PROP, NULL, A_INT(rid), A_TEXT(lord), A_TEXT(addr), A_TEXT(size), A_INT(38000 + (int64_t)((s >> 4) % 30000)),
			        A_TEXT(civil_iso(&a, pending ? civil_from_days(civil_to_days(today) + 10) : on)), A_TEXT(civil_iso(&a, on)),
			        A_TEXT(pending ? "attente" : "attribuee"), A_TEXT(""), A_INT(x->manager), A_INT(civil_now()));
		}
	}
	e = db_finish(c, e);
	free(ids);
	arena_release(&a);
	db_conn_put(c);
	return e;
}

static const module_perm perms[] = {
	{&PERM_HOUSING_READ, "housing.read", "Consulter les demandes de logement social",
	 ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_HOUSING_WRITE, "housing.write", "Enregistrer et suivre les demandes de logement social",
	 ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_HOUSING_SETTINGS, "housing.settings", "Régler le délai anormalement long du logement social", ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN)},
};
static const module_nav nav[] = {{56, "Logement", "/logement", &PERM_HOUSING_READ, NULL}};
static const module_section sections[] = {{39, "Logement social", housing_section, &PERM_HOUSING_READ, NULL, NULL, "housing"}};
static const module_widget widgets[] = {{26, housing_widget, &PERM_HOUSING_READ}};
static const module_label labels[] = {{"housing_request", "demande de logement social"},
                                      {"housing_settings", "réglage du logement social"}};
static const code timeline[] = {{"housing_request", "Logement social"}};
static const module_indicator indicators[] = {
	{"housing.size", "Demandes de logement social par taille souhaitée",
	 "Demandes actives à un moment de la période (enregistrées avant sa fin, non closes avant son début), par taille de logement "
	 "souhaitée.", by_size},
	{"housing.wait", "Délai d’attente avant attribution", "Demandes dont le logement a été attribué dans la période, par durée depuis "
	                                                        "la première demande.", by_wait},
	{"housing.ends", "Fins de demandes", "Demandes closes dans la période : logement attribué, radiée faute de renouvellement, "
	                                     "radiée pour un autre motif.", by_end},
};

static const module_part parts[] = {HOUSING_PARTS(MODULE_PART)};

const module housing_module = {
	.name = "housing",
	.schema = &housing_schema,
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
	.subject_key = "social_housing_requests",
	.subject = subject,
	.anonymise = anonymise,
	.retention_hold = "SELECT 1 FROM housing_requests q WHERE q.structure_id = h.structure_id AND q.household_id = h.id "
	                  "AND q.status = 'active'",
	.demo = demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
	.ref = ref,
	.refs = refs,
	.notify = housing_notify,
};
