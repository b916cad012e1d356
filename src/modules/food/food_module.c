/* food_module.c — the food aid module's descriptor: permissions, routes, hooks, demo data. */
#include <stdlib.h>
#include <string.h>
#include "modules/food/food_internal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static void init(void)
{
	food_pages_init();
	food_shop_init();
	food_report_init();
	food_api_init();
}

static db_sql Q_SUBJECT_D = DB_SQL(DB_SCOPED,
	"SELECT kind, CASE WHEN granted = 1 THEN 'accordé' ELSE 'refusé' END, from_on, to_on, allowance, rate, reason, ended_on FROM food_decisions "
	"WHERE structure_id = $1 AND household_id = $2 AND $3 > 0 ORDER BY from_on, id");
static db_sql Q_SUBJECT_V = DB_SQL(DB_SCOPED,
	"SELECT 'épicerie', day, value, paid, grams FROM food_visits WHERE structure_id = $1 AND household_id = $2 AND $3 > 0 ORDER BY day, id");
static db_sql Q_SUBJECT_L = DB_SQL(DB_SCOPED,
	"SELECT 'colis', t.day, l.size, l.state, l.proxy FROM food_lines l JOIN food_dists t ON t.structure_id = l.structure_id AND t.id = l.dist_id "
	"WHERE l.structure_id = $1 AND l.household_id = $2 AND $3 > 0 ORDER BY t.day, l.id");

static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a;
	static const char *const cd[] = {"access", "decision", "from_on", "to_on", "allowance_cents", "rate_percent", "reason", "ended_on"};
	static const char *const cv[] = {"help", "day", "value_cents", "paid_cents", "grams"};
	static const char *const cl[] = {"help", "day", "size", "state", "proxy"};
	db_sql *q[] = {&Q_SUBJECT_D, &Q_SUBJECT_V, &Q_SUBJECT_L};
	const char *const *names[] = {cd, cv, cl};
	int ncols[] = {8, 5, 5};
	for (int i = 0; i < 3; i++) {
		db_res r = {0};
		DBQ(c, q[i], &r, A_INT(hid), A_INT(pid));
		json_t *rows = persons_rows_json(&r, names[i], ncols[i]);
		json_array_extend(out, rows);
		json_decref(rows);
	}
}

/* The figures stay (a food bank's report); the words go. */
static db_sql Q_ANON_D = DB_SQL(DB_SCOPED,
	"UPDATE food_decisions SET reason = '', explain = '', end_reason = '' WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_L = DB_SQL(DB_SCOPED, "UPDATE food_lines SET proxy = '' WHERE structure_id = $1 AND household_id = $2");
static err anonymise(db_conn *c, int64_t hid)
{
	err e = DBX(c, &Q_ANON_D, NULL, A_INT(hid));
	return e == E_OK ? DBX(c, &Q_ANON_L, NULL, A_INT(hid)) : e;
}

static const char *ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	(void)c;
	static const struct { const char *kind, *fr, *path; } K[] = {
		{"food_decision", "droit à l’aide alimentaire", "/alimentaire/droits/"}, {"food_dist", "distribution alimentaire", "/alimentaire/distributions/"},
		{"food_visit", "passage à l’épicerie", "/alimentaire/epicerie/passages/"}, {"food_lot", "lot", "/alimentaire/stock/lots/"},
		{"food_product", "produit", NULL}, {"food_account", "compte d’épicerie du foyer", "/foyers/"},
	};
	for (int i = 0; i < COUNTOF(K); i++)
		if (!strcmp(kind, K[i].kind)) {
			*href = id && K[i].path ? arena_printf(a, "%s%lld", K[i].path, (long long)id) : NULL;
			return arena_printf(a, "%s n° %lld", K[i].fr, (long long)id);
		}
	return NULL;
}

static db_sql Q_I_PARCELS = DB_SQL(DB_SCOPED,
	"SELECT CASE l.state WHEN 'retire' THEN 'retirés' WHEN 'procuration' THEN 'retirés par un tiers' WHEN 'livre' THEN 'livrés à domicile' "
	"WHEN 'absent' THEN 'non retirés' ELSE 'attendus' END, count(*) FROM food_lines l JOIN food_dists t ON t.structure_id = l.structure_id "
	"AND t.id = l.dist_id WHERE l.structure_id = $1 AND t.day >= $2 AND t.day <= $3" MODULE_HOUSEHOLD("l.household_id") "GROUP BY 1 ORDER BY 1");
static err by_parcels(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_I_PARCELS, p, out, n);
}
static db_sql Q_I_DECISIONS = DB_SQL(DB_SCOPED,
	"SELECT CASE kind WHEN 'colis' THEN 'colis' ELSE 'épicerie' END || CASE WHEN granted = 1 THEN ' accordés' ELSE ' refusés' END, count(*) "
	"FROM food_decisions WHERE structure_id = $1 AND from_on >= $2 AND from_on <= $3" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static err by_decisions(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_I_DECISIONS, p, out, n);
}
static db_sql Q_I_KG = DB_SQL(DB_SCOPED,
	"SELECT p.category, sum(l.grams) / 1000 FROM food_visit_lines l JOIN food_visits v ON v.structure_id = l.structure_id AND v.id = l.visit_id "
	"JOIN food_products p ON p.structure_id = l.structure_id AND p.id = l.product_id WHERE l.structure_id = $1 AND v.day >= $2 AND v.day <= $3" MODULE_HOUSEHOLD("v.household_id")
	"GROUP BY 1 ORDER BY 1");
static err by_kg(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	err e = module_figures_query(c, a, &Q_I_KG, p, out, n);
	for (int i = 0; e == E_OK && i < *n; i++)
		(*out)[i].category = CODE_LABEL(FOOD_CATEGORIES, (*out)[i].category);
	return e;
}

/* ---- demo: Le Port's scale — a few hundred parcels a week, a grocery open five days, a few thousand lots a year ---- */

static db_sql Q_D_SET = DB_SQL(DB_SCOPED,
	"INSERT INTO food_settings (structure_id, rate, months, grams_small, grams_medium, grams_large, near_days) VALUES ($1, 20, 3, 6000, 10000, 15000, 3)");
static db_sql Q_D_PRODUCT = DB_SQL(DB_SCOPED,
	"INSERT INTO food_products (structure_id, name, category, price, grams, barcode) VALUES ($1, $2, $3, $4, $5, '') RETURNING id");
static db_sql Q_D_LOT = DB_SQL(DB_SCOPED,
	"INSERT INTO food_lots (structure_id, product_id, source, origin, received_on, date_kind, best_on, qty_in, qty, grams, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) RETURNING id");
static db_sql Q_D_DEC = DB_SQL(DB_SCOPED,
	"INSERT INTO food_decisions (structure_id, household_id, kind, granted, eligible, from_on, to_on, allowance, rate, persons, size, delivery, "
	"reason, explain, created_by, created_at) VALUES ($1, $2, $3, 1, 1, $4, $5, $6, $7, $8, $9, $10, '', $11, $12, $13) RETURNING id");
static db_sql Q_D_DIST = DB_SQL(DB_SCOPED,
	"INSERT INTO food_dists (structure_id, day, site, slots, closed, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
static db_sql Q_D_LINE = DB_SQL(DB_SCOPED,
	"INSERT INTO food_lines (structure_id, dist_id, household_id, decision_id, persons, size, slot, delivery, state, proxy, at, by_user) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
static db_sql Q_D_TAKE = DB_SQL(DB_SCOPED, "UPDATE food_lots SET qty = qty - $3 WHERE structure_id = $1 AND id = $2 AND qty >= $3");
static db_sql Q_D_VISIT = DB_SQL(DB_SCOPED,
	"INSERT INTO food_visits (structure_id, household_id, decision_id, day, value, paid, before, grams, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
static db_sql Q_D_VLINE = DB_SQL(DB_SCOPED,
	"INSERT INTO food_visit_lines (structure_id, visit_id, lot_id, product_id, qty, price, grams) VALUES ($1, $2, $3, $4, $5, $6, $7)");
static db_sql Q_D_VMOVE = DB_SQL(DB_SCOPED,
	"INSERT INTO food_moves (structure_id, lot_id, day, kind, qty, visit_id, note, created_by, created_at) VALUES ($1, $2, $3, 'vente', $4, $5, '', $6, $7)");

typedef struct demo_dec { int64_t id, hid, persons, allowance; int64_t from, to; bool delivery; const char *size; } demo_dec;
static db_sql Q_D_EXPIRED_MOVE = DB_SQL(DB_SCOPED,
	"INSERT INTO food_moves (structure_id, lot_id, day, kind, qty, note, created_by, created_at) SELECT structure_id, id, best_on, 'perime', -qty, "
	"'', $3, $4 FROM food_lots WHERE structure_id = $1 AND date_kind = 'dlc' AND best_on < $2 AND qty > 0");
static db_sql Q_D_EXPIRED = DB_SQL(DB_SCOPED,
	"UPDATE food_lots SET qty = 0 WHERE structure_id = $1 AND date_kind = 'dlc' AND best_on < $2 AND qty > 0");
static db_sql Q_D_OLD_MOVE = DB_SQL(DB_SCOPED,
	"INSERT INTO food_moves (structure_id, lot_id, day, kind, qty, note, created_by, created_at) SELECT structure_id, id, $2, 'transfert', -qty, "
	"'Restos du Cœur, antenne du Port', $3, $4 FROM food_lots WHERE structure_id = $1 AND received_on < $2 AND qty > 0");
static db_sql Q_D_OLD = DB_SQL(DB_SCOPED, "UPDATE food_lots SET qty = 0 WHERE structure_id = $1 AND received_on < $2 AND qty > 0");

typedef struct demo_line { int64_t lot, product, qty, price, grams; } demo_line;
typedef struct demo_lot { int64_t id, product, received, best, grams, qty_in; bool dlc; } demo_lot; /* qty_in: what the demo has left */

static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return *s >> 33;
}

static err demo(db *d, const module_demo *x)
{
	static const struct { const char *name, *cat; int price, grams; bool dlc; } P[] = {
		{"Pâtes 500 g", "feculents", 95, 500, 0}, {"Riz long 1 kg", "feculents", 189, 1000, 0}, {"Lentilles 500 g", "feculents", 149, 500, 0},
		{"Farine 1 kg", "feculents", 105, 1000, 0}, {"Lait demi-écrémé 1 L", "laitiers", 105, 1030, 0}, {"Yaourts nature ×4", "laitiers", 139, 500, 1},
		{"Fromage râpé 200 g", "laitiers", 229, 200, 1}, {"Beurre 250 g", "matieres_grasses", 259, 250, 1}, {"Huile de tournesol 1 L", "matieres_grasses", 279, 920, 0},
		{"Œufs ×6", "viandes", 219, 360, 1}, {"Thon en conserve 140 g", "viandes", 199, 140, 0}, {"Poulet surgelé 1 kg", "viandes", 599, 1000, 1},
		{"Sardines 135 g", "viandes", 135, 135, 0}, {"Haricots verts conserve 800 g", "conserves", 149, 800, 0}, {"Cassoulet 840 g", "conserves", 349, 840, 0},
		{"Sauce tomate 500 g", "conserves", 119, 500, 0}, {"Pommes 1 kg", "fruits_legumes", 229, 1000, 1}, {"Bananes 1 kg", "fruits_legumes", 199, 1000, 1},
		{"Carottes 1 kg", "fruits_legumes", 129, 1000, 1}, {"Pommes de terre 2,5 kg", "fruits_legumes", 349, 2500, 1}, {"Sucre 1 kg", "sucres", 129, 1000, 0},
		{"Café moulu 250 g", "sucres", 299, 250, 0}, {"Biscuits 200 g", "sucres", 149, 200, 0}, {"Confiture 370 g", "sucres", 219, 370, 0},
		{"Céréales 375 g", "sucres", 239, 375, 0}, {"Jus d’orange 1 L", "boissons", 179, 1040, 0}, {"Eau 6 × 1,5 L", "boissons", 229, 9000, 0},
		{"Lait infantile 2e âge 800 g", "bebe", 1590, 800, 0}, {"Petits pots légumes ×2", "bebe", 259, 400, 0}, {"Couches taille 4 ×30", "bebe", 899, 900, 0},
		{"Savon ×2", "hygiene", 199, 200, 0}, {"Dentifrice 75 ml", "hygiene", 169, 100, 0}, {"Shampoing 250 ml", "hygiene", 249, 260, 0},
		{"Protections périodiques ×16", "hygiene", 299, 150, 0}, {"Lessive 1,5 L", "entretien", 599, 1500, 0}, {"Liquide vaisselle 500 ml", "entretien", 159, 520, 0},
	};
	static const char *const sources[] = {"banque_alimentaire", "banque_alimentaire", "banque_alimentaire", "achat", "don", "collecte"};
	static const char *const origins[] = {"Banque alimentaire de La Réunion", "Banque alimentaire de La Réunion", "Banque alimentaire de La Réunion",
	                                      "Grossiste du Port", "Supermarché du centre", "Collecte nationale de novembre"};
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, x->structure_id);
	arena a;
	arena_init(&a, 0);
	int64_t *ids = NULL;
	int64_t n = persons_household_ids(c, &ids);
	civil_date today = civil_today("Europe/Paris");
	int64_t t0 = civil_to_days(today);
	uint64_t s = x->seed * 0x9E3779B97F4A7C15ull + 181;
	int64_t pid[COUNTOF(P)];
	demo_dec *decs = NULL, *shop = NULL;
	demo_lot *lots = NULL;
	int ndec = 0, cdec = 0, nshop = 0, cshop = 0, nlots = 0, clots = 0;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBX0(c, &Q_D_SET, NULL);
	for (int i = 0; e == E_OK && i < COUNTOF(P); i++)
		e = DBID(c, &Q_D_PRODUCT, &pid[i], A_TEXT(P[i].name), A_TEXT(P[i].cat), A_INT(P[i].price), A_INT(P[i].grams));
	/* Lots: ten a day over half a year, a few thousand a year. */
	for (int64_t day = t0 - 182; e == E_OK && day <= t0; day++)
		for (int k = 0; e == E_OK && k < 10; k++) {
			int p = (int)(next(&s) % COUNTOF(P)), src = (int)(next(&s) % COUNTOF(sources));
			int64_t qty = 20 + (int64_t)(next(&s) % 100), best = day + (P[p].dlc ? 4 + (int64_t)(next(&s) % 10) : 60 + (int64_t)(next(&s) % 300));
			demo_lot *l = ARENA_PUSH(&a, lots, nlots, clots);
			if (!l)
				break;
			*l = (demo_lot){0, p, day, best, P[p].grams * qty, qty, P[p].dlc};
			e = DBID(c, &Q_D_LOT, &l->id, A_INT(pid[p]), A_TEXT(sources[src]), A_TEXT(origins[src]), A_TEXT(civil_iso(&a, civil_from_days(day))),
			         A_TEXT(P[p].dlc ? "dlc" : "ddm"), A_TEXT(civil_iso(&a, civil_from_days(best))), A_INT(qty), A_INT(l->grams), A_INT(x->manager),
			         A_INT(civil_now()));
		}
	/* Decisions: parcels for one household in 25 (at most 700), the grocery for one in 50 (at most 350), in periods of three months. */
	int64_t want_p = n / 25 > 700 ? 700 : n / 25 < 4 ? 4 : n / 25, want_s = n / 50 > 350 ? 350 : n / 50 < 3 ? 3 : n / 50;
	for (int64_t i = 0; e == E_OK && i < n && (ndec < want_p || nshop < want_s); i++) {
		uint64_t pick = next(&s) % 1000;
		bool parcel = pick < 60 && ndec < want_p, grocery = !parcel && pick >= 60 && pick < 90 && nshop < want_s;
		if (n <= 200)
			parcel = ndec < want_p && i % 3 == 0, grocery = !parcel && nshop < want_s && i % 3 == 1;
		if (!parcel && !grocery)
			continue;
		person_brief *m;
		int persons = persons_household_members(c, &a, ids[i], &m);
		if (persons < 1)
			continue;
		int64_t allowance = grocery ? (persons * 4000 > 20000 ? 20000 : persons * 4000) : -1;
		bool delivery = parcel && next(&s) % 20 == 0;
		int64_t from = t0 - 200 + (int64_t)(next(&s) % 90);
		while (e == E_OK) {
			int64_t to = civil_to_days(civil_add_months(civil_from_days(from), 3)) - 1, id = 0;
			e = DBID(c, &Q_D_DEC, &id, A_INT(ids[i]), A_TEXT(grocery ? "epicerie" : "colis"), A_TEXT(civil_iso(&a, civil_from_days(from))),
			         A_TEXT(civil_iso(&a, civil_from_days(to))), grocery ? A_INT(allowance) : A_NULL, grocery ? A_INT(20) : A_NULL, A_INT(persons),
			         A_TEXT(food_size_of(persons)), A_INT(delivery), A_TEXT("Règlement : éligible (données de démonstration)."), A_INT(x->manager),
			         A_INT(civil_now()));
			demo_dec *dd = grocery ? ARENA_PUSH(&a, shop, nshop, cshop) : ARENA_PUSH(&a, decs, ndec, cdec);
			if (dd)
				*dd = (demo_dec){id, ids[i], persons, allowance, from, to, delivery, food_size_of(persons)};
			if (to >= t0 + 14) /* in force a fortnight on, whatever the time zone */
				break;
			from = to + 1;
		}
	}
	/* Distributions on Tuesdays and Fridays for half a year, and today's, open. */
	static const char *const slots[] = {"8h30-9h30", "9h30-10h30", "10h30-11h30"};
	for (int64_t day = t0 - 182; e == E_OK && day <= t0; day++) {
		int wd = civil_weekday(civil_from_days(day));
		if (day != t0 && wd != 1 && wd != 4)
			continue;
		int64_t did = 0;
		bool past = day < t0;
		e = DBID(c, &Q_D_DIST, &did, A_TEXT(civil_iso(&a, civil_from_days(day))), A_TEXT("Local du CCAS, rue de Saint-Paul"),
		         A_TEXT("8h30-9h30, 9h30-10h30, 10h30-11h30"), A_INT(past), A_INT(x->manager), A_INT(civil_now()));
		int k = 0;
		for (int j = 0; e == E_OK && j < ndec; j++) {
			if (decs[j].from > day || decs[j].to < day)
				continue;
			uint64_t r = next(&s) % 100;
			const char *state = !past ? "attendu" : decs[j].delivery ? "livre" : r < 84 ? "retire" : r < 90 ? "procuration" : "absent";
			e = DBX(c, &Q_D_LINE, NULL, A_INT(did), A_INT(decs[j].hid), A_INT(decs[j].id), A_INT(decs[j].persons), A_TEXT(decs[j].size),
			        A_TEXT(decs[j].delivery ? "" : slots[k++ % 3]), A_INT(decs[j].delivery), A_TEXT(state),
			        A_TEXT(!strcmp(state, "procuration") ? "Un voisin" : ""), past && strcmp(state, "absent") ? A_INT(civil_day_start("Europe/Paris", civil_from_days(day)) + 9 * 3600) : A_NULL,
			        past ? A_INT(x->manager) : A_NULL);
		}
	}
	/* The grocery, five days a week: a household about every two weeks, a basket of a few products from the lots then in stock. */
	for (int64_t day = t0 - 182; e == E_OK && day < t0; day++) {
		int wd = civil_weekday(civil_from_days(day));
		if (wd > 4)
			continue;
		for (int j = (int)(day % 10); e == E_OK && j < nshop; j += 10) {
			demo_dec *dd = &shop[j];
			if (dd->from > day || dd->to < day)
				continue;
			int64_t vid = 0, value = 0, grams = 0, items = 2 + (int64_t)(next(&s) % 4);
			demo_line line[6];
			int nl = 0;
			for (int k = 0; k < items && nl < 6; k++) {
				/* a lot received before the day, still good that day */
				for (int tries = 0; tries < 8; tries++) {
					int li = (int)(next(&s) % (uint64_t)(nlots ? nlots : 1));
					demo_lot *l = nlots ? &lots[li] : NULL;
					if (!l || l->received > day || l->best < day || l->qty_in < 2 || value + P[l->product].price > 1200)
						continue;
					line[nl] = (demo_line){l->id, l->product, 1, P[l->product].price, P[l->product].grams};
					value += line[nl].price, grams += line[nl].grams;
					l->qty_in--;
					nl++;
					break;
				}
			}
			if (!nl)
				continue;
			const char *iso = civil_iso(&a, civil_from_days(day));
			e = DBID(c, &Q_D_VISIT, &vid, A_INT(dd->hid), A_INT(dd->id), A_TEXT(iso), A_INT(value), A_INT(value / 5), A_INT(dd->allowance), A_INT(grams),
			         A_INT(x->manager), A_INT(civil_day_start("Europe/Paris", civil_from_days(day)) + 10 * 3600));
			for (int k = 0; e == E_OK && k < nl; k++) {
				e = DBX(c, &Q_D_TAKE, NULL, A_INT(line[k].lot), A_INT(1));
				if (e == E_OK)
					e = DBX(c, &Q_D_VLINE, NULL, A_INT(vid), A_INT(line[k].lot), A_INT(pid[line[k].product]), A_INT(1), A_INT(line[k].price),
					        A_INT(line[k].grams));
				if (e == E_OK)
					e = DBX(c, &Q_D_VMOVE, NULL, A_INT(line[k].lot), A_TEXT(iso), A_INT(-1), A_INT(vid), A_INT(x->manager), A_INT(civil_now()));
			}
		}
	}
	/* What a grocery does with what it did not sell: lots past their use-by date thrown away, old stock passed on to a partner. */
	if (e == E_OK)
		e = DBX(c, &Q_D_EXPIRED_MOVE, NULL, A_TEXT(civil_iso(&a, civil_from_days(t0 - 1))), A_INT(x->manager), A_INT(civil_now()));
	if (e == E_OK)
		e = DBX(c, &Q_D_EXPIRED, NULL, A_TEXT(civil_iso(&a, civil_from_days(t0 - 1))));
	if (e == E_OK)
		e = DBX(c, &Q_D_OLD_MOVE, NULL, A_TEXT(civil_iso(&a, civil_from_days(t0 - 45))), A_INT(x->manager), A_INT(civil_now()));
	if (e == E_OK)
		e = DBX(c, &Q_D_OLD, NULL, A_TEXT(civil_iso(&a, civil_from_days(t0 - 45))));
	e = db_finish(c, e);
	free(ids);
	arena_release(&a);
	db_conn_put(c);
	return e;
}

static const module_perm perms[] = {
	{&PERM_FOOD_READ, "food.read", "Consulter l’aide alimentaire (distributions, droits, épicerie, stock)",
	 ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_FOOD_COUNTER, "food.counter", "Tenir le comptoir des colis et la caisse de l’épicerie",
	 ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_FOOD_DECIDE, "food.decide", "Décider l’accès à l’aide alimentaire (colis, épicerie)",
	 ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_FOOD_STOCK, "food.stock", "Gérer le stock de l’épicerie (réceptions, sorties, inventaire, produits)",
	 ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_FOOD_SETTINGS, "food.settings", "Régler l’aide alimentaire (participation, durée, poids des colis)", ROLE_BIT(ROLE_MANAGER)},
};
static const module_nav nav[] = {{57, "Alimentaire", "/alimentaire", &PERM_FOOD_READ, NULL}};
static const module_section sections[] = {{41, "Aide alimentaire", food_section, &PERM_FOOD_READ, NULL, NULL,
	"food"}};
static const module_widget widgets[] = {{27, food_widget, &PERM_FOOD_READ}};
static const module_label labels[] = {{"food_decision", "droit à l’aide alimentaire"}, {"food_dist", "distribution alimentaire"},
                                      {"food_visit", "passage à l’épicerie"}, {"food_lot", "lot de l’épicerie"},
                                      {"food_product", "produit de l’épicerie"}, {"food_inventory", "inventaire de l’épicerie"},
                                      {"food_settings", "réglages de l’aide alimentaire"}, {"food_account", "compte d’épicerie d’un foyer"},
                                      {"food_report", "rapport de l’aide alimentaire"}};
static const code timeline[] = {{"food_decision", "Aide alimentaire"}};
static const module_indicator indicators[] = {
	{"food.parcels", "Colis alimentaires", "Foyers sur la liste des distributions de la période, par issue (retiré, par un tiers, livré, non retiré).",
	 by_parcels},
	{"food.decisions", "Droits à l’aide alimentaire", "Droits décidés dans la période (date de début), par accès et décision.", by_decisions},
	{"food.kg", "Kilogrammes vendus à l’épicerie", "Poids des produits passés en caisse dans la période, par catégorie de la banque alimentaire.", by_kg},
};

static const module_part parts[] = {FOOD_PARTS(MODULE_PART)};

const module food_module = {
	.name = "food",
	.schema = &food_schema,
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
	.subject_key = "food_aid",
	.subject = subject,
	.anonymise = anonymise,
	/* No hold: a right lasts a year at most and is recorded on the household's timeline, far inside the active years. */
	.demo = demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
	.ref = ref,
};
