/* homecare_module.c — the services-at-home module's descriptor: permissions, routes, hooks, demo data. */
#include <stdlib.h>
#include <string.h>
#include "modules/homecare/homecare_internal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static void init(void)
{
	hc_pages_init();
	hc_meals_init();
	hc_api_init();
}

static db_sql Q_SUBJECT_A = DB_SQL(DB_SCOPED,
	"SELECT 'téléassistance', provider, device, started_on, ended_on, price, payer, contacts FROM hc_alarms WHERE structure_id = $1 "
	"AND household_id = $2 AND (person_id IS NULL OR person_id = $3) ORDER BY started_on, id");
static db_sql Q_SUBJECT_S = DB_SQL(DB_SCOPED,
	"SELECT 'portage de repas', diet, texture, started_on, ended_on, pattern, access_notes, '' FROM hc_subs WHERE structure_id = $1 "
	"AND household_id = $2 AND (person_id IS NULL OR person_id = $3) ORDER BY started_on, id");

static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a;
	static const char *const ca[] = {"service", "provider", "device", "started_on", "ended_on", "price_cents", "payer", "contacts"};
	static const char *const cs[] = {"service", "diet", "texture", "started_on", "ended_on", "pattern", "access_notes", "unused"};
	db_sql *q[] = {&Q_SUBJECT_A, &Q_SUBJECT_S};
	for (int i = 0; i < 2; i++) {
		db_res r = {0};
		DBQ(c, q[i], &r, A_INT(hid), A_INT(pid));
		json_t *rows = persons_rows_json(&r, i ? cs : ca, 7 + !i);
		json_array_extend(out, rows);
		json_decref(rows);
	}
}

/* The invoices and the counts of meals stay (accounts); the words that locate or describe the person go. */
static db_sql Q_ANON_A = DB_SQL(DB_SCOPED,
	"UPDATE hc_alarms SET person_id = NULL, contacts = '', notes = '', device = '' WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_S = DB_SQL(DB_SCOPED,
	"UPDATE hc_subs SET person_id = NULL, access_notes = '', ended_on = coalesce(ended_on, $3) WHERE structure_id = $1 AND household_id = $2");
static err anonymise(db_conn *c, int64_t hid)
{
	arena a;
	arena_init(&a, 0);
	err e = DBX(c, &Q_ANON_A, NULL, A_INT(hid));
	if (e == E_OK)
		e = DBX(c, &Q_ANON_S, NULL, A_INT(hid), A_TEXT(civil_iso(&a, civil_today("Europe/Paris"))));
	arena_release(&a);
	return e;
}

static const char *ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	(void)c;
	static const struct { const char *kind, *fr, *path; } K[] = {
		{"hc_alarm", "téléassistance", "/domicile/teleassistance/"}, {"hc_sub", "portage de repas", "/domicile/repas/"},
		{"hc_invoice", "facture de repas", "/domicile/factures/"}, {"hc_round", "tournée", "/domicile/tournees/"},
	};
	for (int i = 0; i < COUNTOF(K); i++)
		if (!strcmp(kind, K[i].kind)) {
			*href = id ? arena_printf(a, "%s%lld", K[i].path, (long long)id) : NULL;
			return arena_printf(a, "%s n° %lld", K[i].fr, (long long)id);
		}
	return NULL;
}

static db_sql Q_MEALS = DB_SQL(DB_SCOPED,
	"SELECT CASE state WHEN 'livre' THEN 'livrés' WHEN 'absent' THEN 'non livrés (absence)' WHEN 'annule' THEN 'annulés' ELSE 'prévus' END, "
	"sum(o.meals) FROM hc_orders o JOIN hc_subs s ON s.structure_id = o.structure_id AND s.id = o.sub_id WHERE o.structure_id = $1 AND o.day >= $2 "
	"AND o.day <= $3" MODULE_HOUSEHOLD("s.household_id") "GROUP BY 1 ORDER BY 1");
static err by_meals(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_MEALS, p, out, n);
}
static db_sql Q_ALARMS = DB_SQL(DB_SCOPED,
	"SELECT CASE payer WHEN 'personne' THEN 'payée par la personne' WHEN 'ccas' THEN 'payée par le CCAS' WHEN 'departement' "
	"THEN 'payée par le Département' WHEN 'caisse_retraite' THEN 'payée par la caisse de retraite' ELSE 'payeur non renseigné' END, count(*) "
	"FROM hc_alarms WHERE structure_id = $1 AND started_on <= $3 AND (ended_on IS NULL OR ended_on >= $2)" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static err by_alarm(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_ALARMS, p, out, n);
}

/* ---- demo: three rounds, meals for a few hundred people, téléassistance, six weeks delivered ---------- */

static db_sql Q_D_ROUND = DB_SQL(DB_SCOPED, "INSERT INTO hc_rounds (structure_id, name, driver) VALUES ($1, $2, $3) RETURNING id");
static db_sql Q_D_SUB = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_subs (structure_id, household_id, person_id, started_on, diet, texture, pattern, round_id, stop_order, access_notes, "
	"created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
static db_sql Q_D_ALARM = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_alarms (structure_id, household_id, person_id, provider, device, started_on, price, payer, contacts, created_by, "
	"created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
static db_sql Q_D_DELIVER = DB_SQL(DB_SCOPED, "UPDATE hc_orders SET state = 'livre' WHERE structure_id = $1 AND day < $2 AND state = 'prevu'");

static err demo(db *d, const module_demo *x)
{
	static const char *const rounds[][2] = {{"Centre-ville", "Patrice Hoarau"}, {"Rivière des Galets", "Mickaël Payet"},
	                                        {"Ville haute", "Sandra Grondin"}};
	static const char *const patterns[] = {"1111100", "1111111", "1111100", "1010100", "2222200"};
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, x->structure_id);
	arena a;
	arena_init(&a, 0);
	int64_t *ids = NULL, rid[3] = {0};
	int64_t n = persons_household_ids(c, &ids);
	civil_date today = civil_today("Europe/Paris");
	uint64_t s = x->seed * 0x9E3779B97F4A7C15ull + 17;
	err e = db_begin(c, true);
	for (int i = 0; e == E_OK && i < 3; i++)
		e = DBID(c, &Q_D_ROUND, &rid[i], A_TEXT(rounds[i][0]), A_TEXT(rounds[i][1]));
	int stops[3] = {0};
	for (int64_t i = 0; e == E_OK && i < n; i++) {
		s = s * 6364136223846793005u + 1442695040888963407u;
		int pick = (int)((s >> 33) % 1000);
		if (pick >= 18) /* meals for 0,8 %, téléassistance for 1 % of households */
			continue;
		bool bad = false;
		int64_t pid = persons_member_or_applicant(c, &a, ids[i], NULL, &bad);
		if (!pid)
			continue;
		civil_date since = civil_from_days(civil_to_days(today) - 60 - (int64_t)((s >> 40) % 700));
		if (pick < 8) {
			int k = (int)((s >> 20) % 3);
			e = DBX(c, &Q_D_SUB, NULL, A_INT(ids[i]), A_INT(pid), A_TEXT(civil_iso(&a, since)), A_TEXT(HC_DIETS[(s >> 24) % 4].v),
			        A_TEXT(HC_TEXTURES[(s >> 28) % 5 < 3 ? 0 : (s >> 28) % 2 + 1].v), A_TEXT(patterns[(s >> 44) % 5]), A_INT(rid[k]),
			        A_INT(++stops[k]), A_TEXT((s >> 48) % 2 ? "Sonner deux fois, laisser au réfrigérateur" : ""), A_INT(x->manager),
			        A_INT(civil_now()));
		} else {
			e = DBX(c, &Q_D_ALARM, NULL, A_INT(ids[i]), A_INT(pid), A_TEXT((s >> 20) % 2 ? "Présence Verte" : "Vitaris"),
			        A_TEXT((s >> 22) % 3 ? "Médaillon" : "Bracelet détecteur de chute"), A_TEXT(civil_iso(&a, since)),
			        A_INT(1990 + 500 * (int64_t)((s >> 24) % 3)), A_TEXT(HC_PAYERS[1 + (s >> 26) % 4].v), A_TEXT("Sa fille, 0692 00 11 22"),
			        A_INT(x->manager), A_INT(civil_now()));
		}
	}
	e = db_finish(c, e);
	/* Six weeks of meals delivered (the orders written day by day, as the pages do). */
	hc_ctx hx = {c, &a, x->manager, today};
	for (int dd = 42; e == E_OK && dd >= 1; dd--) {
		hc_day_count *v;
		if (hc_day_counts(&hx, civil_from_days(civil_to_days(today) - dd), &v) < 0)
			e = E_DB;
		arena_release(&a);
		arena_init(&a, 0);
		hx.a = &a;
	}
	if (e == E_OK)
		e = DBX(c, &Q_D_DELIVER, NULL, A_TEXT(civil_iso(&a, today)));
	free(ids);
	arena_release(&a);
	db_conn_put(c);
	return e;
}

static const module_perm perms[] = {
	{&PERM_HC_READ, "homecare.read", "Consulter les services à domicile (téléassistance, portage de repas)",
	 ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_HC_WRITE, "homecare.write", "Gérer les services à domicile, les tournées et les livraisons",
	 ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_HC_BILL, "homecare.bill", "Facturer les repas et enregistrer les paiements", ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
};
static const module_nav nav[] = {{59, "Domicile", "/domicile", &PERM_HC_READ, NULL}};
static const module_section sections[] = {{42, "Services à domicile", hc_section, &PERM_HC_READ, NULL, NULL,
	"homecare"}};
static const module_widget widgets[] = {{28, hc_widget, &PERM_HC_READ}};
static const module_label labels[] = {{"hc_alarm", "abonnement de téléassistance"}, {"hc_sub", "portage de repas"},
                                      {"hc_round", "tournée de livraison"}, {"hc_order", "commande de repas"},
                                      {"hc_invoice", "facture de repas"}};
static const code timeline[] = {{"hc_alarm", "Téléassistance"}, {"hc_sub", "Portage de repas"}};
static const module_indicator indicators[] = {
	{"homecare.meals", "Repas livrés à domicile", "Repas commandés pour les jours de la période, par état (livrés, non livrés pour "
	                                              "absence, annulés, prévus).", by_meals},
	{"homecare.alarms", "Téléassistance", "Abonnements en service à un moment de la période, par payeur.", by_alarm},
};

static const module_part parts[] = {HOMECARE_PARTS(MODULE_PART)};

const module homecare_module = {
	.name = "homecare",
	.schema = &homecare_schema,
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
	.subject_key = "services_at_home",
	.subject = subject,
	.anonymise = anonymise,
	.retention_hold = "SELECT 1 FROM hc_subs m WHERE m.structure_id = h.structure_id AND m.household_id = h.id AND m.ended_on IS NULL "
	                  "UNION ALL SELECT 1 FROM hc_alarms t WHERE t.structure_id = h.structure_id AND t.household_id = h.id AND t.ended_on IS NULL",
	.demo = demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
	.ref = ref,
};
