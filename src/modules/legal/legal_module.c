/* legal_module.c — the statutory aid module's descriptor: permissions, routes, hooks, demo data. */
#include <stdlib.h>
#include <string.h>
#include "modules/legal/legal_internal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static void init(void)
{
	legal_pages_init();
	legal_api_init();
}

static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT k.label, f.lodged_on, f.status, f.forwarded_on, f.answer, f.answer_on, f.renewal_on FROM legal_files f "
	"JOIN legal_kinds k ON k.structure_id = f.structure_id AND k.id = f.kind_id WHERE f.structure_id = $1 AND f.household_id = $2 "
	"AND (f.person_id IS NULL OR f.person_id = $3) ORDER BY f.lodged_on, f.id");

static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a;
	static const char *const cols[] = {"kind", "lodged_on", "status", "forwarded_on", "answer", "answer_on", "renewal_on"};
	db_res q = {0};
	DBQ(c, &Q_SUBJECT, &q, A_INT(hid), A_INT(pid));
	json_t *rows = persons_rows_json(&q, cols, COUNTOF(cols));
	json_array_extend(out, rows);
	json_decref(rows);
}

/* What statistics need stays (kind, dates, outcome); the words go. */
static db_sql Q_ANON = DB_SQL(DB_SCOPED,
	"UPDATE legal_files SET person_id = NULL, opinion_reason = '', forward_ref = '', pieces_received = '', forwarded_missing = '' "
	"WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_OBL = DB_SQL(DB_SCOPED,
	"UPDATE legal_obliges SET name = '', contact = '' WHERE structure_id = $1 AND file_id IN "
	"(SELECT id FROM legal_files WHERE structure_id = $1 AND household_id = $2)");
static err anonymise(db_conn *c, int64_t hid)
{
	err e = DBX(c, &Q_ANON, NULL, A_INT(hid));
	return e == E_OK ? DBX(c, &Q_ANON_OBL, NULL, A_INT(hid)) : e;
}

static db_sql Q_REF = DB_SQL(DB_SCOPED,
	"SELECT k.label FROM legal_files f JOIN legal_kinds k ON k.structure_id = f.structure_id AND k.id = f.kind_id "
	"WHERE f.structure_id = $1 AND f.id = $2");
static const char *ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	if (strcmp(kind, "legal_file"))
		return NULL;
	db_res q = {0};
	const char *out = NULL;
	if (DBQ(c, &Q_REF, &q, A_INT(id)) == E_OK && db_next(&q))
		out = arena_printf(a, "dossier « %s » n° %lld", db_text(&q, 0), (long long)id);
	db_close(&q);
	if (out)
		*href = arena_printf(a, "/aide-legale/%lld", (long long)id);
	return out;
}

/* The journal's page: its files named fifty a statement. */
static db_sql Q_REFS = DB_SQL(DB_SCOPED,
	"SELECT f.id, k.label FROM legal_files f JOIN legal_kinds k ON k.structure_id = f.structure_id AND k.id = f.kind_id "
	"WHERE f.structure_id = $1 AND f.id IN " DB_IN50);
static bool mine(const char *kind) { return !strcmp(kind, "legal_file"); }
static const char *named(db_res *q, arena *a, int64_t id, const char **href)
{
	*href = arena_printf(a, "/aide-legale/%lld", (long long)id);
	return arena_printf(a, "dossier « %s » n° %lld", db_text(q, 1), (long long)id);
}
static err refs(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, const char **ref, const char **href)
{
	return module_refs_of(c, a, kinds, ids, n, mine, &Q_REFS, named, ref, href);
}

static db_sql Q_PERIOD = DB_SQL(DB_SCOPED,
	"SELECT k.label, count(*) FROM legal_files f JOIN legal_kinds k ON k.structure_id = f.structure_id AND k.id = f.kind_id "
	"WHERE f.structure_id = $1 AND f.lodged_on >= $2 AND f.lodged_on <= $3" MODULE_HOUSEHOLD("f.household_id") "GROUP BY 1 ORDER BY 1");
static err count_by_kind(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_PERIOD, p, out, n);
}

/* Forwarded within the month or late, and answers by outcome, for files lodged in the period. */
static db_sql Q_DELAY = DB_SQL(DB_SCOPED,
	"SELECT CASE WHEN forwarded_on IS NULL THEN 'non transmis' WHEN forwarded_on <= due_on THEN 'transmis dans le mois' "
	"ELSE 'transmis en retard' END, count(*) FROM legal_files WHERE structure_id = $1 AND lodged_on >= $2 AND lodged_on <= $3" MODULE_HOUSEHOLD("household_id")
	"GROUP BY 1 ORDER BY 1");
static db_sql Q_ANSWERS = DB_SQL(DB_SCOPED,
	"SELECT CASE answer WHEN 'accorde' THEN 'accordé' WHEN 'partiel' THEN 'accordé en partie' WHEN 'refuse' THEN 'refusé' "
	"ELSE 'sans réponse' END, count(*) FROM legal_files WHERE structure_id = $1 AND lodged_on >= $2 AND lodged_on <= $3" MODULE_HOUSEHOLD("household_id")
	"GROUP BY 1 ORDER BY 1");

static err count_delay(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_DELAY, p, out, n);
}
static err count_answers(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_ANSWERS, p, out, n);
}

/* ---- demo: files for a few per cent of households, over five years ------------------------------ */

static db_sql Q_D_KINDS = DB_SQL(DB_SCOPED, "SELECT id, answer_days, renewal_months FROM legal_kinds WHERE structure_id = $1 ORDER BY id");
static db_sql Q_D_FILE = DB_SQL(DB_SCOPED,
	"INSERT INTO legal_files (structure_id, household_id, person_id, kind_id, lodged_on, due_on, lodged_by, status, pieces_received, "
	"forwarded_on, forward_means, forward_ref, expected_on, answer, answer_on, renewal_on, created_by, created_at) "
	"VALUES ($1, $2, $17, $3, $4, $5, 'personne', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)");

static err demo(db *d, const module_demo *x)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, x->structure_id);
	arena a;
	arena_init(&a, 0);
	err e = legal_kinds_ensure(c);
	int64_t kinds[32][3];
	int nk = 0;
	db_res q = {0};
	if (e == E_OK && (e = DBQ0(c, &Q_D_KINDS, &q)) == E_OK)
		while (db_next(&q) && nk < 32) {
			kinds[nk][0] = db_int(&q, 0), kinds[nk][1] = db_int(&q, 1), kinds[nk][2] = db_int(&q, 2);
			nk++;
		}
	db_close(&q);
	int64_t *ids = NULL;
	int64_t n = persons_household_ids(c, &ids);
	civil_date today = civil_today("Europe/Paris");
	uint64_t s = x->seed * 2654435761u + 7;
	if (e == E_OK)
		e = db_begin(c, true);
	for (int64_t i = 0; e == E_OK && nk && i < n; i++) {
		s = s * 6364136223846793005u + 1442695040888963407u;
		if ((s >> 33) % 100 >= 6) /* about 6 % of households */
			continue;
		int64_t *k = kinds[(s >> 20) % (uint64_t)nk];
		/* A third lodged within the last six weeks, the rest over five years. */
		int64_t back = (s >> 50) % 3 ? (int64_t)((s >> 40) % 1825) : (int64_t)((s >> 40) % 42);
		civil_date lodged = civil_from_days(civil_to_days(today) - back);
		civil_date due = legal_due(lodged);
		int64_t age = civil_to_days(today) - civil_to_days(lodged);
		/* Recent files are still being built (a few late), older ones forwarded and answered. */
		bool forwarded = age > 90 || (age > 35 && (s >> 12) % 8) || (age > 10 && (s >> 12) % 3 == 0);
		bool answered = forwarded && age > k[1] + 20;
		civil_date fwd = civil_from_days(civil_to_days(lodged) + (int64_t)((s >> 8) % 25));
		if (civil_to_days(fwd) > civil_to_days(today))
			fwd = today;
		civil_date ans = civil_from_days(civil_to_days(fwd) + k[1] - 10 + (int64_t)((s >> 4) % 20));
		const char *answer = answered ? ((s >> 16) % 5 ? "accorde" : "refuse") : "";
		const char *renew = answered && k[2] && strcmp(answer, "refuse") ? civil_iso(&a, civil_add_months(ans, (int)k[2])) : NULL;
		bool bad = false;
		int64_t pid = persons_member_or_applicant(c, &a, ids[i], NULL, &bad);
		if (!pid)
			continue;
		e = DBX(c, &Q_D_FILE, NULL, A_INT(ids[i]), A_INT(k[0]), A_TEXT(civil_iso(&a, lodged)), A_TEXT(civil_iso(&a, due)),
		        A_TEXT(answered ? "repondu" : forwarded ? "transmis" : "ouvert"), A_TEXT(forwarded ? "pièce d’identité" : ""),
		        A_TEXT(forwarded ? civil_iso(&a, fwd) : NULL), A_TEXT(forwarded ? "courrier" : ""),
		        A_TEXT(forwarded ? arena_printf(&a, "BT-%lld", (long long)(1000 + i)) : ""),
		        A_TEXT(forwarded ? civil_iso(&a, civil_from_days(civil_to_days(fwd) + k[1])) : NULL), A_TEXT(answer),
		        A_TEXT(answered ? civil_iso(&a, ans) : NULL), A_TEXT(renew), A_INT(x->manager), A_INT(civil_now()), A_INT(pid));
	}
	e = db_finish(c, e);
	free(ids);
	arena_release(&a);
	db_conn_put(c);
	return e;
}

static const module_perm perms[] = {
	{&PERM_LEGAL_READ, "legal.read", "Consulter les dossiers d’aide sociale légale",
	 ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_LEGAL_WRITE, "legal.write", "Déposer, compléter, transmettre les dossiers d’aide sociale légale",
	 ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_LEGAL_KINDS, "legal.kinds", "Gérer les types de dossiers d’aide sociale légale", ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN)},
};
static const module_nav nav[] = {{55, "Aide légale", "/aide-legale", &PERM_LEGAL_READ, NULL}};
static const module_section sections[] = {{38, "Aide sociale légale", legal_section, &PERM_LEGAL_READ, NULL, NULL, "legal"}};
static const module_widget widgets[] = {{25, legal_widget, &PERM_LEGAL_READ}};
static const module_label labels[] = {{"legal_file", "dossier d’aide légale"}, {"legal_kind", "type de dossier d’aide légale"}};
static const code timeline[] = {{"legal_file", "Aide sociale légale"}};
static const module_indicator indicators[] = {
	{"legal.files", "Dossiers d’aide sociale légale déposés", "Dossiers déposés sur la période, par type.", count_by_kind},
	{"legal.delay", "Délai de transmission", "Dossiers déposés sur la période : transmis dans le mois qui suit le dépôt, transmis en "
	                                         "retard, pas encore transmis.", count_delay},
	{"legal.answers", "Réponses des organismes", "Dossiers déposés sur la période, par réponse reçue (accordé, en partie, refusé, "
	                                             "sans réponse).", count_answers},
};

static const module_part parts[] = {LEGAL_PARTS(MODULE_PART)};

const module legal_module = {
	.name = "legal",
	.schema = &legal_schema,
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
	.subject_key = "statutory_aid_files",
	.subject = subject,
	.anonymise = anonymise,
	.retention_hold = "SELECT 1 FROM legal_files f WHERE f.structure_id = h.structure_id AND f.household_id = h.id "
	                  "AND f.status IN ('ouvert', 'transmis')",
	.demo = demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
	.ref = ref,
	.refs = refs,
	.notify = legal_notify,
};
