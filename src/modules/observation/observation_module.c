/* observation_module.c — the observation module's descriptor. */
#include "modules/observation/observation_internal.h"
#include "core/banned.h"

static void init(void)
{
	obs_pages_init();
	obs_abs_init();
}

/* Demo: the population by IRIS of the demo's neighbourhoods (plausible orders of magnitude, not the INSEE's figures). */
static db_sql Q_D_POP = DB_SQL(DB_SCOPED,
	"INSERT INTO obs_population (structure_id, year, iris, name, population, p0014, p1529, p3044, p4559, p6074, p75p) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");

static err demo(db *d, const module_demo *x)
{
	static const struct { const char *iris, *name; int pop; } A[] = {
		{"974070101", "Centre-ville", 3120}, {"974070102", "Say-Piscine", 2890}, {"974070103", "Ariste-Bolon", 3410},
		{"974070104", "Épuisement", 2650}, {"974070105", "Oasis", 2980}, {"974070106", "Rivière-des-Galets", 3760},
		{"974070107", "Village-Titan", 2540}, {"974070108", "ZAC 2000", 2210},
	};
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, x->structure_id);
	int year = civil_today("Europe/Paris").y - 4;
	err e = db_begin(c, true);
	for (int i = 0; e == E_OK && i < COUNTOF(A); i++) {
		int p = A[i].pop;
		e = DBX(c, &Q_D_POP, NULL, A_INT(year), A_TEXT(A[i].iris), A_TEXT(A[i].name), A_INT(p), A_INT(p * 24 / 100), A_INT(p * 20 / 100),
		        A_INT(p * 19 / 100), A_INT(p * 18 / 100), A_INT(p * 13 / 100), A_INT(p * 6 / 100));
	}
	e = db_finish(c, e);
	db_conn_put(c);
	return e;
}

static const module_perm perms[] = {
	{&PERM_OBS_READ, "observation.read", "Lire les chiffres de l’observation sociale et le rapport d’activité",
	 ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_COMMITTEE)},
	{&PERM_OBS_SETTINGS, "observation.settings", "Régler le secret statistique et le texte du rapport d’activité", ROLE_BIT(ROLE_MANAGER)},
};
static const module_nav nav[] = {{85, "Observation", "/observation", &PERM_OBS_READ, NULL}};
static const module_label labels[] = {{"observation", "chiffres de l’observation sociale"}, {"obs_settings", "réglages de l’observation"}, {"obs_population", "population de l’INSEE (millésime)"}};

const module observation_module = {
	.name = "observation",
	.schema = &observation_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.demo = demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
};
