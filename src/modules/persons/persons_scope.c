/*
 * persons_scope.c — the households the observation's filters keep (see
 * persons.h, persons_filter): neighbourhood, the applicant's age band, the
 * household's composition, its monthly resources band, each read in one
 * pass (an index range or a scan grouped by household, never a search per
 * household). The first filter set
 * fills the connection's temporary table obs_scope, each other one deletes
 * the households it does not keep: one statement per filter, whatever their
 * combination.
 */
#include "modules/persons/persons_internal.h"
#include <string.h>
#include "core/civil.h"
#include "core/banned.h"

const code PERSONS_AGE_BANDS[] = {{"", "Tous âges"}, {"m25", "Moins de 25 ans"}, {"25-39", "25 à 39 ans"}, {"40-59", "40 à 59 ans"},
	{"60-74", "60 à 74 ans"}, {"75p", "75 ans ou plus"}, {"nr", "Âge non renseigné"}};
const code PERSONS_HOUSEHOLD_TYPES[] = {{"", "Tous foyers"}, {"seul", "Personne seule"}, {"couple", "Couple sans enfant"},
	{"couple_enfants", "Couple avec enfants"}, {"monoparental", "Famille monoparentale"}, {"autre", "Autre composition"}};
const code PERSONS_RESOURCE_BANDS[] = {{"", "Toutes ressources"}, {"m500", "Moins de 500 € par mois"}, {"500-1000", "500 à 999 € par mois"},
	{"1000-1500", "1 000 à 1 499 € par mois"}, {"1500-2000", "1 500 à 1 999 € par mois"}, {"2000p", "2 000 € ou plus par mois"},
	{"nr", "Ressources non renseignées"}};
const int NPERSONS_AGE_BANDS = COUNTOF(PERSONS_AGE_BANDS), NPERSONS_HOUSEHOLD_TYPES = COUNTOF(PERSONS_HOUSEHOLD_TYPES),
	NPERSONS_RESOURCE_BANDS = COUNTOF(PERSONS_RESOURCE_BANDS);

/* A filter's condition on households h, as the first (fill) and as a further one (narrow). */
#define KEEP(cond) \
	DB_SQL(DB_SCOPED, "INSERT INTO obs_scope (household_id) SELECT h.id FROM households h WHERE h.structure_id = $1 " \
	                  "AND h.merged_into IS NULL AND (" cond ")"), \
	DB_SQL(DB_SCOPED, "DELETE FROM obs_scope WHERE household_id NOT IN (SELECT h.id FROM households h WHERE h.structure_id = $1 " \
	                  "AND (" cond "))")
/* The applicants' households, read from the persons by their birth date (persons_birth), never a search per household. */
#define APPLICANTS "SELECT p.household_id FROM persons p WHERE p.structure_id = $1 AND p.active = 1 AND p.relation = 'demandeur'"
/* The composition from one pass over the members, household by household (persons_household). */
#define KIDS "sum(CASE WHEN p.relation IN ('enfant', 'enfant_alterne') THEN 1 ELSE 0 END) > 0"
#define COMPOSITION \
	"h.id IN (SELECT p.household_id FROM persons p WHERE p.structure_id = $1 AND p.active = 1 GROUP BY p.household_id HAVING " \
	"CASE WHEN sum(CASE WHEN p.relation = 'conjoint' THEN 1 ELSE 0 END) > 0 THEN CASE WHEN " KIDS " THEN 'couple_enfants' ELSE 'couple' END " \
	"WHEN " KIDS " THEN 'monoparental' WHEN count(*) > 1 THEN 'autre' ELSE 'seul' END = $2)"
/* The resources of each household's last month with resources: one pass over the budget's resource lines. */
#define RESOURCES_IN \
	"h.id IN (SELECT household_id FROM (SELECT b.household_id, b.month, sum(b.amount) AS total, max(b.month) OVER (PARTITION BY b.household_id) " \
	"AS last FROM budget_lines b WHERE b.structure_id = $1 AND b.kind = 'R' AND b.counted = 1 GROUP BY b.household_id, b.month) m " \
	"WHERE m.month = m.last AND m.total >= $2 AND m.total < $3)"
static db_sql Q_AREA[2] = {KEEP("h.neighbourhood = $2")};
static db_sql Q_AGE[2] = {KEEP("h.id IN (" APPLICANTS " AND p.birth_date > $2 AND p.birth_date <= $3)")};
static db_sql Q_AGE_NR[2] = {KEEP("h.id NOT IN (" APPLICANTS " AND p.birth_date IS NOT NULL AND p.birth_date <> '')")};
static db_sql Q_TYPE[2] = {KEEP(COMPOSITION)};
static db_sql Q_RES[2] = {KEEP(RESOURCES_IN)};
static db_sql Q_RES_NR[2] = {KEEP("h.id NOT IN (SELECT b.household_id FROM budget_lines b WHERE b.structure_id = $1 AND b.kind = 'R' AND b.counted = 1)")};
static db_sql Q_EMPTY = DB_SQL(0, "DELETE FROM obs_scope");
static db_sql Q_COUNT = DB_SQL(0, "SELECT count(*) FROM obs_scope");
static db_sql Q_MAKE_SQLITE = DB_SQL(0, "CREATE TEMP TABLE IF NOT EXISTS obs_scope (household_id INTEGER PRIMARY KEY)");
static db_sql Q_HAS_PG = DB_SQL(0, "SELECT count(*) FROM pg_class WHERE relname = 'obs_scope' AND relnamespace = pg_my_temp_schema()");
static db_sql Q_MAKE_PG = DB_SQL(0, "CREATE TEMP TABLE obs_scope (household_id BIGINT PRIMARY KEY)");
/* Each neighbourhood once, from the index (households_area): a step per neighbourhood, not a row per household. */
static db_sql Q_AREAS = DB_SQL(DB_SCOPED,
	"WITH RECURSIVE n(v) AS (SELECT min(neighbourhood) FROM households WHERE structure_id = $1 AND neighbourhood > '' UNION ALL "
	"SELECT (SELECT min(neighbourhood) FROM households WHERE structure_id = $1 AND neighbourhood > n.v) FROM n WHERE n.v IS NOT NULL) "
	"SELECT v FROM n WHERE v IS NOT NULL");

static bool in_list(const char *v, const code *list, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v, list[i].v))
			return true;
	return false;
}

bool persons_filter_active(const persons_filter *f, const char **bad)
{
	*bad = NULL;
	if (f->age && !in_list(f->age, PERSONS_AGE_BANDS, NPERSONS_AGE_BANDS))
		*bad = "age";
	else if (f->type && !in_list(f->type, PERSONS_HOUSEHOLD_TYPES, NPERSONS_HOUSEHOLD_TYPES))
		*bad = "type";
	else if (f->resources && !in_list(f->resources, PERSONS_RESOURCE_BANDS, NPERSONS_RESOURCE_BANDS))
		*bad = "resources";
	else if (f->neighbourhood && strlen(f->neighbourhood) > 200)
		*bad = "neighbourhood";
	return !*bad && ((f->neighbourhood && *f->neighbourhood) || (f->age && *f->age) || (f->type && *f->type) ||
	                 (f->resources && *f->resources));
}

/* The fill (first filter) or the narrowing (the others). */
static err keep(db_conn *c, db_sql q[2], bool *first, int nargs, const db_arg *args)
{
	err e = db_exec(c, &q[*first ? 0 : 1], nargs, args, NULL);
	*first = false;
	return e;
}

static err age_band(db_conn *c, arena *a, const char *band, const char *at, bool *first)
{
	if (!strcmp(band, "nr"))
		return keep(c, Q_AGE_NR, first, 0, NULL);
	static const struct { const char *v; int lo, hi; } B[] = {{"m25", 0, 25}, {"25-39", 25, 40}, {"40-59", 40, 60}, {"60-74", 60, 75},
	                                                            {"75p", 75, 200}};
	civil_date d;
	if (!civil_parse(at, &d))
		return E_INPUT;
	for (size_t i = 0; i < COUNTOF(B); i++)
		if (!strcmp(band, B[i].v)) {
			/* Aged lo or more and under hi on d: born after d − hi years and on or before d − lo years. */
			db_arg args[] = {A_TEXT(civil_iso(a, civil_add_months(d, -12 * B[i].hi))), A_TEXT(civil_iso(a, civil_add_months(d, -12 * B[i].lo)))};
			return keep(c, Q_AGE, first, 2, args);
		}
	return E_INPUT;
}

static err resources_band(db_conn *c, const char *band, bool *first)
{
	if (!strcmp(band, "nr"))
		return keep(c, Q_RES_NR, first, 0, NULL);
	static const struct { const char *v; int64_t lo, hi; } B[] = {{"m500", INT64_MIN / 2, 50000}, {"500-1000", 50000, 100000},
	                                                                {"1000-1500", 100000, 150000}, {"1500-2000", 150000, 200000},
	                                                                {"2000p", 200000, INT64_MAX / 2}};
	for (size_t i = 0; i < COUNTOF(B); i++)
		if (!strcmp(band, B[i].v)) {
			db_arg args[] = {A_INT(B[i].lo), A_INT(B[i].hi)};
			return keep(c, Q_RES, first, 2, args);
		}
	return E_INPUT;
}

err persons_scope_fill(db_conn *c, arena *a, const persons_filter *f, int64_t *count)
{
	*count = 0;
	err e = E_OK;
	if (db_conn_engine(c) == DB_SQLITE) {
		e = DBX0(c, &Q_MAKE_SQLITE, NULL);
	} else {
		db_res q = {0};
		e = DBQ0(c, &Q_HAS_PG, &q);
		bool has = e == E_OK && db_next(&q) && db_int(&q, 0) > 0;
		db_close(&q);
		if (e == E_OK && !has)
			e = DBX0(c, &Q_MAKE_PG, NULL);
	}
	if (e == E_OK)
		e = DBX0(c, &Q_EMPTY, NULL);
	bool first = true;
	if (e == E_OK && f->neighbourhood && *f->neighbourhood) {
		db_arg v[] = {A_TEXT(strcmp(f->neighbourhood, "nr") ? f->neighbourhood : "")};
		e = keep(c, Q_AREA, &first, 1, v);
	}
	if (e == E_OK && f->age && *f->age)
		e = age_band(c, a, f->age, f->at, &first);
	if (e == E_OK && f->type && *f->type) {
		db_arg v[] = {A_TEXT(f->type)};
		e = keep(c, Q_TYPE, &first, 1, v);
	}
	if (e == E_OK && f->resources && *f->resources)
		e = resources_band(c, f->resources, &first);
	if (e == E_OK) {
		db_res q = {0};
		e = DBQ0(c, &Q_COUNT, &q);
		if (e == E_OK && db_next(&q))
			*count = db_int(&q, 0);
		db_close(&q);
	}
	return e;
}

int persons_neighbourhoods(db_conn *c, arena *a, const char ***out)
{
	int n = 0, cap = 0;
	*out = NULL;
	db_res q = {0};
	if (DBQ0(c, &Q_AREAS, &q) != E_OK)
		return -1;
	while (db_next(&q)) {
		const char **x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		*x = db_dup(&q, 0, a);
	}
	db_close(&q);
	return n;
}
