/*
 * food_model.c — food aid: schema, settings, access decisions (the
 * rulebook's answer through the aid module, the agent's decision, its
 * period, renewals), distributions with their households, the counter's
 * one action. No HTML here.
 */
#include "modules/food/food_internal.h"
#include <string.h>
#include <time.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/aid/aid.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "modules/accounts/accounts.h"
#include "core/banned.h"

int PERM_FOOD_READ, PERM_FOOD_COUNTER, PERM_FOOD_DECIDE, PERM_FOOD_STOCK, PERM_FOOD_SETTINGS;

static const db_migration migrations[] = {
	{1, "food aid: settings, access decisions, distributions and their households, products, lots, stock moves, grocery visits",
	 "CREATE TABLE food_settings (structure_id INTEGER PRIMARY KEY REFERENCES structures(id), rate INTEGER NOT NULL, "
	 " months INTEGER NOT NULL, grams_small INTEGER NOT NULL, grams_medium INTEGER NOT NULL, grams_large INTEGER NOT NULL, "
	 " near_days INTEGER NOT NULL) STRICT;"
	 "CREATE TABLE food_decisions (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('colis', 'epicerie')), granted INTEGER NOT NULL, "
	 " eligible INTEGER NOT NULL, from_on TEXT NOT NULL, to_on TEXT NOT NULL, allowance INTEGER, rate INTEGER, persons INTEGER NOT NULL, "
	 " size TEXT NOT NULL, delivery INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '', explain TEXT NOT NULL DEFAULT '', "
	 " ended_on TEXT, end_reason TEXT NOT NULL DEFAULT '', created_by INTEGER NOT NULL, created_at INTEGER NOT NULL, "
	 " version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE INDEX food_decisions_h ON food_decisions(structure_id, household_id, kind, to_on);"
	 "CREATE INDEX food_decisions_k ON food_decisions(structure_id, kind, granted, to_on);"
	 "CREATE TABLE food_dists (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), day TEXT NOT NULL, "
	 " site TEXT NOT NULL, slots TEXT NOT NULL DEFAULT '', closed INTEGER NOT NULL DEFAULT 0, created_by INTEGER NOT NULL, "
	 " created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX food_dists_d ON food_dists(structure_id, day);"
	 "CREATE TABLE food_lines (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), dist_id INTEGER NOT NULL, "
	 " household_id INTEGER NOT NULL, decision_id INTEGER NOT NULL, persons INTEGER NOT NULL, size TEXT NOT NULL, "
	 " slot TEXT NOT NULL DEFAULT '', delivery INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0, "
	 " state TEXT NOT NULL CHECK (state IN ('attendu', 'retire', 'procuration', 'livre', 'absent')), proxy TEXT NOT NULL DEFAULT '', "
	 " at INTEGER, by_user INTEGER, UNIQUE (dist_id, household_id)) STRICT;"
	 "CREATE INDEX food_lines_d ON food_lines(structure_id, dist_id, state, id);"
	 "CREATE INDEX food_lines_h ON food_lines(structure_id, household_id);"
	 "CREATE TABLE food_products (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), name TEXT NOT NULL, "
	 " category TEXT NOT NULL, price INTEGER NOT NULL, grams INTEGER NOT NULL, barcode TEXT NOT NULL DEFAULT '', "
	 " active INTEGER NOT NULL DEFAULT 1, version INTEGER NOT NULL DEFAULT 1, UNIQUE (structure_id, name)) STRICT;"
	 "CREATE TABLE food_lots (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), product_id INTEGER NOT NULL, "
	 " source TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '', received_on TEXT NOT NULL, date_kind TEXT NOT NULL DEFAULT '', "
	 " best_on TEXT, qty_in INTEGER NOT NULL, qty INTEGER NOT NULL CHECK (qty >= 0), grams INTEGER NOT NULL, "
	 " created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX food_lots_p ON food_lots(structure_id, product_id, qty, best_on);"
	 "CREATE INDEX food_lots_b ON food_lots(structure_id, best_on);"
	 "CREATE TABLE food_moves (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), lot_id INTEGER NOT NULL, "
	 " day TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('vente', 'perte', 'perime', 'transfert', 'inventaire')), "
	 " qty INTEGER NOT NULL, visit_id INTEGER, note TEXT NOT NULL DEFAULT '', created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX food_moves_d ON food_moves(structure_id, day, kind);"
	 "CREATE INDEX food_moves_l ON food_moves(structure_id, lot_id);"
	 "CREATE TABLE food_visits (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, decision_id INTEGER NOT NULL, day TEXT NOT NULL, value INTEGER NOT NULL, paid INTEGER NOT NULL, "
	 " before INTEGER NOT NULL, grams INTEGER NOT NULL, created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX food_visits_h ON food_visits(structure_id, household_id, day);"
	 "CREATE INDEX food_visits_d ON food_visits(structure_id, day);"
	 "CREATE TABLE food_visit_lines (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " visit_id INTEGER NOT NULL, lot_id INTEGER NOT NULL, product_id INTEGER NOT NULL, qty INTEGER NOT NULL, price INTEGER NOT NULL, "
	 " grams INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX food_visit_lines_v ON food_visit_lines(structure_id, visit_id);",
	 NULL},
	/* The lots still in stock past or near their use-by date (the home page's figure, the nightly write-off): their
	 * own index, not every lot received since the grocery opened. */
	{2, "the lots in stock by use-by date, over a partial index",
	 "CREATE INDEX food_lots_dlc ON food_lots(structure_id, best_on) WHERE qty > 0 AND date_kind = 'dlc';", NULL},
	/* The home page's rights ending within the week, not renewed since (food_pages.c): the candidates and the later
	 * decision looked for read from indexes alone, not each decision's row (85 → 30 µs at 400 000 households). */
	{3, "the rights ending soon, and the later decision, over covering indexes",
	 "DROP INDEX food_decisions_k;"
	 "CREATE INDEX food_decisions_k ON food_decisions(structure_id, kind, granted, to_on, ended_on, household_id, from_on);"
	 "CREATE INDEX food_decisions_later ON food_decisions(structure_id, household_id, kind, granted, from_on);", NULL},
	/* The household page reads which of a household's parts have rows (persons.h): its section's. */
	{4, "food_decisions and food_visits counted in the household's parts, by triggers",
	 FOOD_PARTS(PERSONS_PART_SQLITE),
	 FOOD_PARTS(PERSONS_PART_PG)},
	/* The settings are read at every home page: a reference list of the structure (kept in memory: accounts.h). */
	{5, "settings raise the structure's reference version",
	 ACCOUNTS_REFS_TRIGGERS_SQ("food_settings"), ACCOUNTS_REFS_TRIGGER_PG("food_settings")},
};
const db_module_schema food_schema = {"food", migrations, COUNTOF(migrations)};

const code FOOD_KINDS[2] = {{"colis", "Colis alimentaire"}, {"epicerie", "Épicerie sociale"}};
const code FOOD_SIZES[3] = {{"petit", "Petit colis (1 personne)"}, {"moyen", "Colis moyen (2 ou 3 personnes)"},
                            {"grand", "Grand colis (4 personnes et plus)"}};
const code FOOD_LINE_STATES[5] = {{"attendu", "Attendu"}, {"retire", "Retiré"}, {"procuration", "Retiré par un tiers"},
                                  {"livre", "Livré à domicile"}, {"absent", "Non retiré"}};
/* The categories the food banks count by (Banques Alimentaires' report). */
const code FOOD_CATEGORIES[12] = {
	{"laitiers", "Produits laitiers"}, {"viandes", "Viandes, poissons, œufs"}, {"feculents", "Féculents (pâtes, riz, légumes secs)"},
	{"fruits_legumes", "Fruits et légumes"}, {"conserves", "Conserves et plats préparés"}, {"sucres", "Produits sucrés, petit-déjeuner"},
	{"matieres_grasses", "Matières grasses"}, {"boissons", "Boissons"}, {"bebe", "Produits pour bébé"}, {"hygiene", "Hygiène"},
	{"entretien", "Entretien"}, {"autres", "Autres"}};
const code FOOD_SOURCES[4] = {{"banque_alimentaire", "Banque alimentaire"}, {"achat", "Achat"}, {"don", "Don"}, {"collecte", "Collecte"}};
const code FOOD_EXITS[4] = {{"perte", "Perte, casse"}, {"perime", "Périmé"}, {"transfert", "Transfert à une autre structure"},
                            {"vente", "Vente"}};
const code FOOD_DATE_KINDS[3] = {{"dlc", "Date limite de consommation (à consommer jusqu’au)"},
                                 {"ddm", "Date de durabilité minimale (à consommer de préférence avant)"}, {"", "Sans date"}};

static const char *in_get(const kv_list *in, const char *name)
{
	const char *v = kv_get(in, name);
	return v && *v ? v : NULL;
}

const char *food_size_of(int persons) { return persons <= 1 ? "petit" : persons <= 3 ? "moyen" : "grand"; }

/* ---- settings ------------------------------------------------------------------------------------ */

/* Kept in memory while the structure's reference version holds (DB_KEPT; every write of food_settings raises it,
 * migration food/5): the home page and the household's section read them at every request. */
static db_sql Q_SET_GET = DB_SQL(DB_SCOPED | DB_KEPT,
	"SELECT rate, months, grams_small, grams_medium, grams_large, near_days FROM food_settings WHERE structure_id = $1");
static db_sql Q_SET_PUT = DB_SQL(DB_SCOPED,
	"INSERT INTO food_settings (structure_id, rate, months, grams_small, grams_medium, grams_large, near_days) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (structure_id) DO UPDATE SET rate = excluded.rate, months = excluded.months, "
	"grams_small = excluded.grams_small, grams_medium = excluded.grams_medium, grams_large = excluded.grams_large, "
	"near_days = excluded.near_days");

void food_settings_get(db_conn *c, food_settings *out)
{
	*out = (food_settings){20, 3, {6000, 10000, 15000}, 3};
	db_res q = {0};
	if (DBQ0(c, &Q_SET_GET, &q) == E_OK && db_next(&q))
		*out = (food_settings){(int)db_int(&q, 0), (int)db_int(&q, 1), {db_int(&q, 2), db_int(&q, 3), db_int(&q, 4)}, (int)db_int(&q, 5)};
	db_close(&q);
}

/* A weight typed in kilograms ("7,5") → grams. */
static bool kilos(const char *s, int64_t max_g, int64_t *g)
{
	int64_t c;
	if (!s || !money_parse(s, &c) || c < 0)
		return false;
	*g = c * 10;
	return *g <= max_g;
}

err food_settings_set(const food_ctx *x, const kv_list *in, form_errors *fe)
{
	food_settings s;
	int64_t rate = 0, months = 0, near = 0;
	food_settings_get(x->c, &s);
	if (!in_get(in, "rate") || !text_to_int64(in_get(in, "rate"), 0, 100, &rate))
		form_error(fe, "rate", "Le taux de participation : un pourcentage du prix en magasin, de 0 à 100.");
	if (!in_get(in, "months") || !text_to_int64(in_get(in, "months"), 1, 12, &months))
		form_error(fe, "months", "La durée habituelle d’un droit : de 1 à 12 mois.");
	if (!in_get(in, "near_days") || !text_to_int64(in_get(in, "near_days"), 0, 30, &near))
		form_error(fe, "near_days", "L’alerte avant une date limite de consommation : de 0 à 30 jours.");
	static const char *const names[3] = {"kg_small", "kg_medium", "kg_large"};
	for (int i = 0; i < 3; i++)
		if (!kilos(in_get(in, names[i]), 100000, &s.grams[i]) || !s.grams[i])
			form_error(fe, names[i], "Le poids moyen d’un colis en kilogrammes : 7,5 (100 kg au plus).");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_SET_PUT, NULL, A_INT(rate), A_INT(months), A_INT(s.grams[0]), A_INT(s.grams[1]), A_INT(s.grams[2]), A_INT(near));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "food_settings", 0, NULL);
	return db_finish(x->c, e);
}

/* ---- eligibility and decisions ---------------------------------------------------------------------- */

void food_eligibility(const food_ctx *x, int64_t hid, const char *kind, int *state, int64_t *amount, const char **explain)
{
	*amount = -1;
	err e = aid_tariff(x->c, x->a, hid, !strcmp(kind, "epicerie") ? FOOD_RULE_SHOP : FOOD_RULE_PARCEL, x->today, amount, explain);
	if (e == E_NOT_FOUND) {
		*state = -2;
		*explain = arena_printf(x->a, "Le règlement en vigueur n’a pas de règle « %s » : l’accès se décide sans lui, motif à l’appui.",
		                        !strcmp(kind, "epicerie") ? FOOD_RULE_SHOP : FOOD_RULE_PARCEL);
		*amount = -1;
	} else if (e == E_INPUT) {
		/* The engine says either « non éligible » or what is not recorded. */
		*state = strstr(*explain, "non renseign") ? -1 : 0;
		*amount = -1;
	} else if (e == E_OK) {
		*state = 1;
	} else {
		*state = -1;
		*explain = "Le règlement n’a pas pu être lu.";
		*amount = -1;
	}
}

#define D_COLS "id, household_id, persons, coalesce(allowance, -1), coalesce(rate, -1), version, granted, eligible, delivery, kind, from_on, " \
               "to_on, reason, explain, size, ended_on, end_reason, created_at"

/* A decision from the row's columns o… (D_COLS). */
static void decision_fill(db_res *q, arena *a, int o, food_decision *d)
{
	*d = (food_decision){.id = db_int(q, o), .household_id = db_int(q, o + 1), .persons = db_int(q, o + 2), .allowance = db_int(q, o + 3),
	                     .rate = db_int(q, o + 4), .version = db_int(q, o + 5), .granted = db_int(q, o + 6) != 0,
	                     .eligible = db_int(q, o + 7) != 0, .delivery = db_int(q, o + 8) != 0};
	const char **t[] = {&d->kind, &d->from_on, &d->to_on, &d->reason, &d->explain, &d->size, &d->ended_on, &d->end_reason};
	for (int i = 0; i < COUNTOF(t); i++) {
		char *s = db_dup(q, o + 9 + i, a);
		*t[i] = s ? s : "";
	}
	char day[11];
	struct tm tm;
	civil_local_time("Europe/Paris", (time_t)db_int(q, o + 17), &tm);
	civil_format((civil_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}, day);
	d->created_on = arena_strdup(a, day);
}

static int decisions_q(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, int total_col, food_decision **out, int64_t *total)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (db_query(c, sql, &q, nargs, args) != E_OK)
		return -1;
	while (db_next(&q)) {
		food_decision *d = ARENA_PUSH(a, *out, n, cap);
		if (!d)
			break;
		decision_fill(&q, a, 0, d);
		if (total_col >= 0 && total)
			*total = db_int(&q, total_col);
	}
	db_close(&q);
	return n;
}

static db_sql Q_D_GET = DB_SQL(DB_SCOPED, "SELECT " D_COLS " FROM food_decisions WHERE structure_id = $1 AND id = $2");
/* The household's section in one statement: its decisions (tag 0, the newest first), then its last $3 visits to the
 * grocery (tag 1, the newest first) in the decision's columns: id, household_id, decision_id (persons), value
 * (allowance), paid (rate), before (granted), grams (eligible), day (from_on). */
static db_sql Q_D_OF = DB_SQL(DB_SCOPED,
	"SELECT 0, " D_COLS " FROM food_decisions WHERE structure_id = $1 AND household_id = $2 "
	"UNION ALL SELECT 1, id, household_id, decision_id, value, paid, 0, before, grams, 0, '', day, NULL, NULL, NULL, NULL, "
	"NULL, NULL, 0 FROM (SELECT id, household_id, decision_id, value, paid, before, grams, day FROM food_visits "
	"WHERE structure_id = $1 AND household_id = $2 ORDER BY day DESC, id DESC LIMIT $3) v "
	"ORDER BY 1, 12 DESC, 2 DESC");
static db_sql Q_D_ON = DB_SQL(DB_SCOPED,
	"SELECT " D_COLS " FROM food_decisions WHERE structure_id = $1 AND household_id = $2 AND kind = $3 AND granted = 1 "
	"AND from_on <= $4 AND to_on >= $4 AND (ended_on IS NULL OR ended_on >= $4) ORDER BY from_on DESC LIMIT 1");
/* Renewals: granted, ending within 15 days or ended (by its term) within 30, with no later grant of the kind
 * (FOOD_RENEW, food_internal.h). */
/* Each list: its page and its total counted apart (a count beside every row said 0 on a page past the end). */
#define D_RENEW FOOD_RENEW
#define D_ACTIVE                                                                                                       \
	"FROM food_decisions WHERE structure_id = $1 AND kind IN ('colis', 'epicerie') AND granted = 1 AND to_on >= $2 "     \
	"AND from_on <= $2 AND (ended_on IS NULL OR ended_on >= $2)"
#define D_REFUSED "FROM food_decisions WHERE structure_id = $1 AND kind IN ('colis', 'epicerie') AND granted = 0"
static db_sql Q_D_RENEW = DB_SQL(DB_SCOPED, "SELECT " D_COLS " " D_RENEW " ORDER BY to_on, id LIMIT $4 OFFSET $5");
static db_sql Q_ND_RENEW = DB_SQL(DB_SCOPED, "SELECT count(*) " D_RENEW);
static db_sql Q_D_ACTIVE = DB_SQL(DB_SCOPED, "SELECT " D_COLS " " D_ACTIVE " ORDER BY to_on, id LIMIT $3 OFFSET $4");
static db_sql Q_ND_ACTIVE = DB_SQL(DB_SCOPED, "SELECT count(*) " D_ACTIVE);
static db_sql Q_D_REFUSED = DB_SQL(DB_SCOPED, "SELECT " D_COLS " " D_REFUSED " ORDER BY from_on DESC, id DESC LIMIT $2 OFFSET $3");
static db_sql Q_ND_REFUSED = DB_SQL(DB_SCOPED, "SELECT count(*) " D_REFUSED);
static db_sql Q_D_ALL = DB_SQL(DB_SCOPED,
	"SELECT " D_COLS " FROM food_decisions WHERE structure_id = $1 ORDER BY from_on DESC, id DESC LIMIT $2 OFFSET $3");
static db_sql Q_ND_ALL = DB_SQL(DB_SCOPED, "SELECT count(*) FROM food_decisions WHERE structure_id = $1");

bool food_decision_load(db_conn *c, arena *a, int64_t id, food_decision *out)
{
	food_decision *v;
	if (decisions_q(c, a, &Q_D_GET, 1, (db_arg[]){A_INT(id)}, -1, &v, NULL) != 1)
		return false;
	*out = v[0];
	return true;
}

err food_household_of(db_conn *c, arena *a, int64_t hid, int visits, food_decision **d, int *nd, food_visit **v, int *nv)
{
	db_res q = {0};
	int cd = 0, cv = 0;
	*d = NULL, *v = NULL, *nd = *nv = 0;
	err e = DBQ(c, &Q_D_OF, &q, A_INT(hid), A_INT(visits));
	while (e == E_OK && db_next(&q)) {
		if (db_int(&q, 0) == 0) {
			food_decision *x = ARENA_PUSH(a, *d, *nd, cd);
			if (!x)
				e = E_NOMEM;
			else
				decision_fill(&q, a, 1, x);
		} else {
			food_visit *x = ARENA_PUSH(a, *v, *nv, cv);
			if (!x)
				e = E_NOMEM;
			else
				*x = (food_visit){.id = db_int(&q, 1), .household_id = db_int(&q, 2), .decision_id = db_int(&q, 3), .value = db_int(&q, 4),
				                  .paid = db_int(&q, 5), .before = db_int(&q, 7), .grams = db_int(&q, 8), .day = db_dup(&q, 11, a)};
		}
	}
	if (e == E_OK)
		e = q.status;
	db_close(&q);
	return e;
}

bool food_decision_on(db_conn *c, arena *a, int64_t hid, const char *kind, const char *day, food_decision *out)
{
	food_decision *v;
	if (decisions_q(c, a, &Q_D_ON, 3, (db_arg[]){A_INT(hid), A_TEXT(kind), A_TEXT(day)}, -1, &v, NULL) != 1)
		return false;
	*out = v[0];
	return true;
}

int food_decisions(const food_ctx *x, const char *list, int limit, int offset, food_decision **out, int64_t *total)
{
	*total = 0;
	const char *today = civil_iso(x->a, x->today);
	db_sql *q = &Q_D_ALL, *nq = &Q_ND_ALL;
	db_arg args[4];
	int na = 0;
	if (!strcmp(list, "renouveler")) {
		q = &Q_D_RENEW, nq = &Q_ND_RENEW;
		args[na++] = A_TEXT(civil_iso(x->a, civil_from_days(civil_to_days(x->today) - 30)));
		args[na++] = A_TEXT(civil_iso(x->a, civil_from_days(civil_to_days(x->today) + 15)));
	} else if (!strcmp(list, "actives")) {
		q = &Q_D_ACTIVE, nq = &Q_ND_ACTIVE;
		args[na++] = A_TEXT(today);
	} else if (!strcmp(list, "refusees")) {
		q = &Q_D_REFUSED, nq = &Q_ND_REFUSED;
	}
	args[na] = A_INT(limit);
	args[na + 1] = A_INT(offset);
	int n = decisions_q(x->c, x->a, q, na + 2, args, -1, out, NULL);
	return n >= 0 && db_exec_id(x->c, nq, na, args, total) == E_OK ? n : -1;
}

static db_sql Q_D_OVERLAP = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM food_decisions WHERE structure_id = $1 AND household_id = $2 AND kind = $3 AND granted = 1 "
	"AND from_on <= $5 AND to_on >= $4 AND (ended_on IS NULL OR ended_on >= $4)");
static db_sql Q_D_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO food_decisions (structure_id, household_id, kind, granted, eligible, from_on, to_on, allowance, rate, persons, size, "
	"delivery, reason, explain, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id");

err food_decision_create(const food_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	food_settings st;
	food_settings_get(x->c, &st);
	int64_t hid = 0, months = st.months, rate = st.rate, allowance = -1;
	const char *hs = in_get(in, "household"), *kind = in_get(in, "kind"), *decision = in_get(in, "decision"), *reason = in_get(in, "reason");
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(x->c, hid)) {
		form_error(fe, "household", "Choisissez le foyer.");
		hid = 0;
	}
	if (!kind || !CODE_OK(FOOD_KINDS, kind)) {
		form_error(fe, "kind", "L’accès : colis alimentaire ou épicerie sociale.");
		kind = NULL;
	}
	bool grant = decision && !strcmp(decision, "accorde");
	if (!decision || (!grant && strcmp(decision, "refuse")))
		form_error(fe, "decision", "La décision : accordé ou refusé.");
	civil_date from = x->today;
	if (in_get(in, "from_on") && (!civil_parse(in_get(in, "from_on"), &from) || civil_to_days(from) < civil_to_days(x->today) - 366 ||
	                              civil_to_days(from) > civil_to_days(x->today) + 366))
		form_error(fe, "from_on", "Le début du droit : une date (AAAA-MM-JJ) à un an au plus d’aujourd’hui.");
	if (in_get(in, "months") && !text_to_int64(in_get(in, "months"), 1, 12, &months))
		form_error(fe, "months", "La durée du droit : de 1 à 12 mois.");
	if (in_get(in, "rate") && !text_to_int64(in_get(in, "rate"), 0, 100, &rate))
		form_error(fe, "rate", "Le taux de participation : de 0 à 100 % du prix en magasin.");
	if (in_get(in, "allowance") && (!money_parse(in_get(in, "allowance"), &allowance) || allowance <= 0 || allowance > 200000))
		form_error(fe, "allowance", "Le montant mensuel d’achats en euros : 120,00 (2 000 € au plus).");
	if (reason && strlen(reason) > 1000)
		form_error(fe, "reason", "Le motif tient en 1 000 caractères.");
	if (fe->n)
		return E_INPUT;
	int state;
	int64_t amount;
	const char *explain;
	food_eligibility(x, hid, kind, &state, &amount, &explain);
	if (!grant && !reason)
		form_error(fe, "reason", "Le motif du refus : la personne a le droit de le connaître.");
	if (grant && state != 1 && !reason)
		form_error(fe, "reason", state == -1 ? "Le règlement ne peut pas conclure (une ressource ou une date n’est pas renseignée) : "
		                                       "complétez le dossier, ou accordez par dérogation en écrivant le motif."
		                                     : "Le règlement ne permet pas cet accès : une dérogation s’accorde avec son motif écrit.");
	if (grant && !strcmp(kind, "epicerie")) {
		if (allowance < 0)
			allowance = amount;
		if (allowance < 0)
			form_error(fe, "allowance", "Le règlement ne donne pas de montant mensuel : écrivez-le (120,00).");
	}
	civil_date to = civil_from_days(civil_to_days(civil_add_months(from, (int)months)) - 1);
	int64_t clash = 0;
	if (grant && !fe->n && DBID(x->c, &Q_D_OVERLAP, &clash, A_INT(hid), A_TEXT(kind), A_TEXT(civil_iso(x->a, from)),
	                             A_TEXT(civil_iso(x->a, to))) == E_OK && clash)
		form_error(fe, "from_on", "Le foyer a déjà un droit de ce type sur cette période : il commence le lendemain de sa fin (renouvellement) "
		                          "ou après qu’on y a mis fin.");
	if (fe->n)
		return E_INPUT;
	person_brief *m;
	int persons = persons_household_members(x->c, x->a, hid, &m);
	if (persons < 1)
		persons = 1;
	bool epi = !strcmp(kind, "epicerie");
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_D_NEW, id, A_INT(hid), A_TEXT(kind), A_INT(grant), A_INT(state == 1), A_TEXT(civil_iso(x->a, from)),
		         A_TEXT(civil_iso(x->a, grant ? to : from)), grant && epi ? A_INT(allowance) : A_NULL, epi ? A_INT(rate) : A_NULL,
		         A_INT(persons), A_TEXT(food_size_of(persons)), A_INT(in_get(in, "delivery") != NULL && !epi), A_TEXT(reason ? reason : ""),
		         A_TEXT(explain ? explain : ""), A_INT(x->user), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, x->user, "food_decision", *id,
		                         grant ? arena_printf(x->a, "%s accordé du %s au %s", CODE_LABEL(FOOD_KINDS, kind), civil_fr(x->a, civil_iso(x->a, from)),
		                                              civil_fr(x->a, civil_iso(x->a, to)))
		                               : arena_printf(x->a, "%s refusé", CODE_LABEL(FOOD_KINDS, kind)));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "food_decision", *id, grant ? "accorde" : "refuse");
	return db_finish(x->c, e);
}

static db_sql Q_D_END = DB_SQL(DB_SCOPED,
	"UPDATE food_decisions SET ended_on = $3, end_reason = $4, version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $5 "
	"AND granted = 1 AND ended_on IS NULL");

err food_decision_act(const food_ctx *x, food_decision *d, const char *action, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	int64_t ver = 0, n = 0;
	if (!in_get(in, "version") || !text_to_int64(in_get(in, "version"), 0, INT64_MAX, &ver))
		ver = d->version;
	if (strcmp(action, "terminer"))
		return E_NOT_FOUND;
	const char *reason = in_get(in, "end_reason");
	civil_date on, from;
	civil_parse(d->from_on, &from);
	if (!civil_parse(in_get(in, "ended_on") ? in_get(in, "ended_on") : civil_iso(x->a, x->today), &on) ||
	    civil_to_days(on) < civil_to_days(from) - 1)
		form_error(fe, "ended_on", "La date de fin : AAAA-MM-JJ, pas avant le début du droit.");
	if (!reason || strlen(reason) > 300)
		form_error(fe, "end_reason", "Le motif de la fin (déménagement, reprise d’emploi, à sa demande…), 300 caractères au plus.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_D_END, &n, A_INT(d->id), A_TEXT(civil_iso(x->a, on)), A_TEXT(reason), A_INT(ver));
	if (e == E_OK && n != 1) {
		e = E_CONFLICT;
		*why = ver != d->version ? "Quelqu’un d’autre a modifié ce droit entre-temps : voici son état actuel."
		                         : "Ce droit a déjà pris fin, ou il avait été refusé.";
	}
	if (e == E_OK)
		e = persons_timeline_add(x->c, d->household_id, x->user, "food_decision", d->id,
		                         arena_printf(x->a, "%s : fin du droit le %s", CODE_LABEL(FOOD_KINDS, d->kind), civil_fr(x->a, civil_iso(x->a, on))));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "food_decision", d->id, "terminer");
	return db_finish(x->c, e);
}

/* ---- distributions ------------------------------------------------------------------------------------ */

#define T_COLS "t.id, (SELECT count(*) FROM food_lines l WHERE l.structure_id = t.structure_id AND l.dist_id = t.id), " \
               "(SELECT count(*) FROM food_lines l WHERE l.structure_id = t.structure_id AND l.dist_id = t.id AND l.state IN ('retire', 'procuration')), " \
               "(SELECT count(*) FROM food_lines l WHERE l.structure_id = t.structure_id AND l.dist_id = t.id AND l.state = 'livre'), " \
               "(SELECT count(*) FROM food_lines l WHERE l.structure_id = t.structure_id AND l.dist_id = t.id AND l.state = 'absent'), " \
               "t.day, t.site, t.slots, t.closed"

static int dists_q(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, food_dist **out, int64_t *total)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (db_query(c, sql, &q, nargs, args) != E_OK)
		return -1;
	while (db_next(&q)) {
		food_dist *d = ARENA_PUSH(a, *out, n, cap);
		if (!d)
			break;
		*d = (food_dist){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), db_int(&q, 3), db_int(&q, 4), db_dup(&q, 5, a), db_dup(&q, 6, a),
		                 db_dup(&q, 7, a), db_int(&q, 8) != 0};
		if (total)
			*total = db_int(&q, 9);
	}
	db_close(&q);
	return n;
}

static db_sql Q_T_GET = DB_SQL(DB_SCOPED, "SELECT " T_COLS ", 1 FROM food_dists t WHERE t.structure_id = $1 AND t.id = $2");
static db_sql Q_T_LIST = DB_SQL(DB_SCOPED,
	"SELECT " T_COLS " FROM food_dists t WHERE t.structure_id = $1 ORDER BY t.day DESC, t.id DESC LIMIT $2 OFFSET $3");
static db_sql Q_T_COUNT = DB_SQL(DB_SCOPED, "SELECT count(*) FROM food_dists WHERE structure_id = $1");

bool food_dist_load(db_conn *c, arena *a, int64_t id, food_dist *out)
{
	food_dist *v;
	if (dists_q(c, a, &Q_T_GET, 1, (db_arg[]){A_INT(id)}, &v, NULL) != 1)
		return false;
	*out = v[0];
	return true;
}

int food_dists(const food_ctx *x, int limit, int offset, food_dist **out, int64_t *total)
{
	*total = 0;
	int n = dists_q(x->c, x->a, &Q_T_LIST, 2, (db_arg[]){A_INT(limit), A_INT(offset)}, out, NULL);
	return n >= 0 && DBID0(x->c, &Q_T_COUNT, total) == E_OK ? n : -1;
}

static db_sql Q_T_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO food_dists (structure_id, day, site, slots, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static db_sql Q_T_DUP = DB_SQL(DB_SCOPED, "SELECT count(*) FROM food_dists WHERE structure_id = $1 AND day = $2 AND site = $3");
/* The households whose parcel decision covers the day, in the order of their files. */
static db_sql Q_T_EXPECTED = DB_SQL(DB_SCOPED,
	"SELECT id, household_id, persons, size, delivery FROM food_decisions WHERE structure_id = $1 AND kind = 'colis' AND granted = 1 "
	"AND from_on <= $2 AND to_on >= $2 AND (ended_on IS NULL OR ended_on >= $2) ORDER BY household_id");
static db_sql Q_L_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO food_lines (structure_id, dist_id, household_id, decision_id, persons, size, slot, delivery, added, state) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'attendu') RETURNING id");

/* The n-th slot of a list "9h-10h, 10h-11h" (each household of the list in turn). */
static const char *slot_of(arena *a, const char *slots, int64_t i)
{
	if (!slots || !*slots)
		return "";
	int n = 1;
	for (const char *p = slots; *p; p++)
		n += *p == ',';
	int k = (int)(i % n);
	const char *p = slots;
	while (k-- > 0)
		p = strchr(p, ',') + 1;
	while (*p == ' ')
		p++;
	const char *e = strchr(p, ',');
	size_t len = e ? (size_t)(e - p) : strlen(p);
	while (len && p[len - 1] == ' ')
		len--;
	return arena_strndup(a, p, len);
}

err food_dist_create(const food_ctx *x, const kv_list *in, form_errors *fe, int64_t *id, int64_t *lines)
{
	const char *site = in_get(in, "site"), *slots = in_get(in, "slots");
	civil_date day;
	*lines = 0;
	if (!in_get(in, "day") || !civil_parse(in_get(in, "day"), &day) || civil_to_days(day) < civil_to_days(x->today) - 60 ||
	    civil_to_days(day) > civil_to_days(x->today) + 366)
		form_error(fe, "day", "Le jour de la distribution : une date (AAAA-MM-JJ), au plus deux mois en arrière.");
	if (!site || strlen(site) > 120)
		form_error(fe, "site", "Le lieu de la distribution (120 caractères au plus).");
	if (slots && (strlen(slots) > 300 || strstr(slots, ",,")))
		form_error(fe, "slots", "Les créneaux, séparés par des virgules : « 9h-10h, 10h-11h » (300 caractères au plus).");
	int64_t dup = 0;
	if (!fe->n && DBID(x->c, &Q_T_DUP, &dup, A_TEXT(civil_iso(x->a, day)), A_TEXT(site)) == E_OK && dup)
		form_error(fe, "day", "Une distribution a déjà lieu ce jour-là à cet endroit.");
	if (fe->n)
		return E_INPUT;
	const char *iso = civil_iso(x->a, day);
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_T_NEW, id, A_TEXT(iso), A_TEXT(site), A_TEXT(slots ? slots : ""), A_INT(x->user), A_INT(civil_now()));
	db_res q = {0};
	typedef struct { int64_t dec, hid, persons, delivery; const char *size; } exp;
	exp *v = NULL;
	int n = 0, cap = 0;
	if (e == E_OK && (e = DBQ(x->c, &Q_T_EXPECTED, &q, A_TEXT(iso))) == E_OK) {
		while (db_next(&q)) {
			exp *p = ARENA_PUSH(x->a, v, n, cap);
			if (!p)
				break;
			*p = (exp){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), db_int(&q, 4), db_dup(&q, 3, x->a)};
		}
		db_close(&q);
	}
	for (int i = 0; e == E_OK && i < n; i++) {
		int64_t lid;
		e = DBID(x->c, &Q_L_NEW, &lid, A_INT(*id), A_INT(v[i].hid), A_INT(v[i].dec), A_INT(v[i].persons), A_TEXT(v[i].size),
		         A_TEXT(v[i].delivery ? "" : slot_of(x->a, slots, i)), A_INT(v[i].delivery), A_INT(0));
	}
	*lines = n;
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "food_dist", *id, arena_printf(x->a, "households=%d", n));
	return db_finish(x->c, e);
}

#define L_COLS "id, dist_id, household_id, persons, coalesce(at, 0), delivery, added, size, slot, state, proxy"

static int lines_q(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, int total_col, food_line **out, int64_t *total)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (db_query(c, sql, &q, nargs, args) != E_OK)
		return -1;
	while (db_next(&q)) {
		food_line *l = ARENA_PUSH(a, *out, n, cap);
		if (!l)
			break;
		*l = (food_line){.id = db_int(&q, 0), .dist_id = db_int(&q, 1), .household_id = db_int(&q, 2), .persons = db_int(&q, 3),
		                 .at = db_int(&q, 4), .delivery = db_int(&q, 5) != 0, .added = db_int(&q, 6) != 0, .size = db_dup(&q, 7, a),
		                 .slot = db_dup(&q, 8, a), .state = db_dup(&q, 9, a), .proxy = db_dup(&q, 10, a)};
		if (total_col >= 0 && total)
			*total = db_int(&q, total_col);
	}
	db_close(&q);
	/* The applicant of each household, from the persons module: a few statements for the page, not three a line. */
	size_t m = (size_t)(n > 0 ? n : 1);
	int64_t *hids = arena_array(a, m, sizeof *hids);
	person_brief *p = arena_array(a, m, sizeof *p);
	const char **nos = arena_array(a, m, sizeof *nos);
	if (!hids || !p || !nos)
		return -1;
	for (int i = 0; i < n; i++)
		hids[i] = (*out)[i].household_id;
	if (persons_applicants(c, a, hids, n, p) != E_OK || persons_file_nos(c, a, hids, n, nos) != E_OK)
		return -1;
	for (int i = 0; i < n; i++) {
		food_line *l = &(*out)[i];
		l->file_no = nos[i] ? nos[i] : "";
		if (p[i].id)
			l->last_name = p[i].last_name, l->first_names = p[i].first_names, l->address1 = p[i].address1, l->address2 = p[i].address2,
			l->phone = p[i].phone;
		else
			l->last_name = "", l->first_names = "", l->address1 = "", l->address2 = "", l->phone = "";
	}
	return n;
}

/* A distribution's lines: the page along the index (state, id), the total counted apart — a count beside every
 * row read every line of the distribution to show a page. */
#define FL_LIST "FROM food_lines WHERE structure_id = $1 AND dist_id = $2 AND state = $3 AND delivery IN ($4, $5)"
#define FL_ALL "FROM food_lines WHERE structure_id = $1 AND dist_id = $2 AND delivery IN ($3, $4)"
#define FL_SERVED "FROM food_lines WHERE structure_id = $1 AND dist_id = $2 AND state IN ('retire', 'procuration', 'livre') AND delivery IN ($3, $4)"
static db_sql Q_L_LIST = DB_SQL(DB_SCOPED, "SELECT " L_COLS " " FL_LIST " ORDER BY id LIMIT $6 OFFSET $7");
static db_sql Q_N_LIST = DB_SQL(DB_SCOPED, "SELECT count(*) " FL_LIST);
static db_sql Q_L_ALL = DB_SQL(DB_SCOPED, "SELECT " L_COLS " " FL_ALL " ORDER BY id LIMIT $5 OFFSET $6");
static db_sql Q_N_ALL = DB_SQL(DB_SCOPED, "SELECT count(*) " FL_ALL);
static db_sql Q_L_SERVED = DB_SQL(DB_SCOPED, "SELECT " L_COLS " " FL_SERVED " ORDER BY id LIMIT $5 OFFSET $6");
static db_sql Q_N_SERVED = DB_SQL(DB_SCOPED, "SELECT count(*) " FL_SERVED);
static db_sql Q_L_GET = DB_SQL(DB_SCOPED, "SELECT " L_COLS " FROM food_lines WHERE structure_id = $1 AND dist_id = $2 AND id = $3");
static db_sql Q_L_OF_H = DB_SQL(DB_SCOPED, "SELECT " L_COLS " FROM food_lines WHERE structure_id = $1 AND dist_id = $2 AND household_id = $3");

int food_lines(db_conn *c, arena *a, int64_t dist, const char *state, int delivery, int limit, int offset, food_line **out, int64_t *total)
{
	*total = 0;
	int lo = delivery < 0 ? 0 : delivery, hi = delivery < 0 ? 1 : delivery;
	bool served = state && !strcmp(state, "servi"), one = state && *state && !served;
	/* The distribution, the state when one is asked, the deliveries; then the page (the count stops before it). */
	db_arg args[6];
	int na = 0;
	args[na++] = A_INT(dist);
	if (one)
		args[na++] = A_TEXT(state);
	args[na++] = A_INT(lo);
	args[na++] = A_INT(hi);
	args[na] = A_INT(limit);
	args[na + 1] = A_INT(offset);
	int n = lines_q(c, a, served ? &Q_L_SERVED : one ? &Q_L_LIST : &Q_L_ALL, na + 2, args, -1, out, NULL);
	return n >= 0 && db_exec_id(c, served ? &Q_N_SERVED : one ? &Q_N_LIST : &Q_N_ALL, na, args, total) == E_OK ? n : -1;
}

const char *food_who(db_conn *c, arena *a, int64_t hid)
{
	person_brief p;
	bool bad = false;
	int64_t pid = persons_member_or_applicant(c, a, hid, NULL, &bad);
	const char *no = persons_file_no(c, a, hid);
	if (pid && persons_person_brief(c, a, pid, &p) == E_OK)
		return arena_printf(a, "%s %s (%s)", p.last_name, p.first_names, no ? no : "?");
	return arena_printf(a, "dossier %s", no ? no : "?");
}

int food_find(const food_ctx *x, const char *q, int64_t *hids, int max)
{
	const char *kind;
	int64_t id;
	char *t = text_trim(x->a, q ? q : "");
	if (!*t || strlen(t) > 100 || max < 1)
		return 0;
	if (module_lookup(x->c, x->a, t, &kind, &id) && !strcmp(kind, "household")) {
		hids[0] = id;
		return 1;
	}
	int64_t pids[50], hh[50];
	int n = persons_find(x->c, x->a, t, pids, hh, max < 50 ? max : 50, NULL), k = 0;
	for (int i = 0; i < n; i++) {
		bool seen = false;
		for (int j = 0; j < k; j++)
			seen = seen || hids[j] == hh[i];
		if (!seen && hh[i])
			hids[k++] = hh[i];
	}
	return k;
}

static db_sql Q_L_SET = DB_SQL(DB_SCOPED,
	"UPDATE food_lines SET state = $4, proxy = $5, at = $6, by_user = $7 WHERE structure_id = $1 AND dist_id = $2 AND id = $3 AND state = $8");

err food_collect(const food_ctx *x, food_dist *d, int64_t line, const char *q, const char *state, const char *proxy, food_collect_out *out)
{
	*out = (food_collect_out){0};
	static const char *const ok_states[] = {"retire", "procuration", "livre", "absent", "attendu"};
	bool known = false;
	for (int i = 0; i < COUNTOF(ok_states); i++)
		known = known || (state && !strcmp(state, ok_states[i]));
	if (!known) {
		out->outcome = "L’action : retiré, retiré par un tiers, livré, non retiré, ou attendu (annuler).";
		return E_INPUT;
	}
	if (d->closed) {
		out->outcome = "Cette distribution est close : on ne la modifie plus.";
		return E_CONFLICT;
	}
	if (!strcmp(state, "procuration") && (!proxy || !*proxy || strlen(proxy) > 120)) {
		out->outcome = "Le nom de la personne qui retire le colis pour le foyer (procuration), 120 caractères au plus.";
		return E_INPUT;
	}
	food_line *v = NULL;
	int n = 0;
	if (line > 0) {
		n = lines_q(x->c, x->a, &Q_L_GET, 2, (db_arg[]){A_INT(d->id), A_INT(line)}, -1, &v, NULL);
		if (n != 1) {
			out->outcome = "Ce foyer n’est pas sur la liste de cette distribution.";
			return E_NOT_FOUND;
		}
	} else {
		int64_t hids[50]; /* a common name (Hoarau, Payet…): the best fifty, the list's among them */
		int nh = food_find(x, q, hids, COUNTOF(hids));
		if (nh <= 0) {
			out->outcome = "Aucun foyer ne correspond : vérifiez le numéro de la carte, ou cherchez par le nom.";
			return E_NOT_FOUND;
		}
		/* The households found that are on the list. */
		food_line *on = NULL;
		int non = 0, cap = 0;
		for (int i = 0; i < nh; i++) {
			food_line *l;
			if (lines_q(x->c, x->a, &Q_L_OF_H, 2, (db_arg[]){A_INT(d->id), A_INT(hids[i])}, -1, &l, NULL) == 1) {
				food_line *p = ARENA_PUSH(x->a, on, non, cap);
				if (p)
					*p = l[0];
			}
		}
		bool full = nh == COUNTOF(hids); /* at the limit: others may match beyond the fifty, so nothing is done on a guess */
		if (non > 1 || (non == 1 && full)) {
			out->matches = on, out->nmatches = non;
			out->outcome = full ? arena_printf(x->a, "Ce nom est très répandu : parmi les cinquante foyers qui lui ressemblent le plus, %d %s sur "
			                                         "la liste ; d’autres peuvent l’être. Choisissez, ajoutez le prénom, ou passez la carte.",
			                                   non, non > 1 ? "sont" : "est")
			                    : arena_printf(x->a, "%d foyers de la liste correspondent : choisissez.", non);
			return E_CONFLICT;
		}
		if (non == 1) {
			v = on, n = 1;
		} else if (nh == 1) {
			/* Not on the list: added on the day when its parcel decision covers the day. */
			food_decision dec;
			out->household_id = hids[0];
			if (!food_decision_on(x->c, x->a, hids[0], "colis", d->day, &dec)) {
				out->outcome = arena_printf(x->a, "%s n’a pas de droit au colis en cours ce jour-là : rien n’est remis sans décision "
				                                  "(voir sa fiche).", food_who(x->c, x->a, hids[0]));
				return E_CONFLICT;
			}
			err e = db_begin(x->c, true);
			int64_t lid = 0;
			if (e == E_OK)
				e = DBID(x->c, &Q_L_NEW, &lid, A_INT(d->id), A_INT(hids[0]), A_INT(dec.id), A_INT(dec.persons), A_TEXT(dec.size), A_TEXT(""),
				         A_INT(dec.delivery), A_INT(1));
			if (e == E_OK)
				e = journal_record(x->c, x->user, "update", "food_dist", d->id, "added");
			if ((e = db_finish(x->c, e)) != E_OK)
				return e;
			out->added = true;
			n = lines_q(x->c, x->a, &Q_L_GET, 2, (db_arg[]){A_INT(d->id), A_INT(lid)}, -1, &v, NULL);
			if (n != 1)
				return E_DB;
		} else {
			out->outcome = full
			                   ? "Ce nom est très répandu : aucun des cinquante foyers qui lui ressemblent le plus n’est sur la liste. "
			                     "Ajoutez le prénom, ou passez la carte."
			                   : "Aucun des foyers trouvés n’est sur la liste de cette distribution : précisez (numéro de la carte).";
			return E_NOT_FOUND;
		}
	}
	food_line *l = &v[0];
	out->line = l->id, out->household_id = l->household_id;
	const char *name = arena_printf(x->a, "%s %s (%s)", l->last_name, l->first_names, l->file_no);
	if (strcmp(state, "attendu") && strcmp(l->state, "attendu")) {
		out->outcome = arena_printf(x->a, "%s : déjà « %s » — rien n’est changé.", name, CODE_LABEL(FOOD_LINE_STATES, l->state));
		return E_CONFLICT;
	}
	if (!strcmp(state, "attendu") && !strcmp(l->state, "attendu")) {
		out->outcome = arena_printf(x->a, "%s est déjà attendu.", name);
		return E_CONFLICT;
	}
	int64_t changed = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_L_SET, &changed, A_INT(d->id), A_INT(l->id), A_TEXT(state), A_TEXT(!strcmp(state, "procuration") ? proxy : ""),
		        !strcmp(state, "attendu") ? A_NULL : A_INT(civil_now()), A_INT(x->user), A_TEXT(l->state));
	if (e == E_OK && changed != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "food_dist", d->id, arena_printf(x->a, "line=%lld %s", (long long)l->id, state));
	e = db_finish(x->c, e);
	if (e == E_CONFLICT)
		out->outcome = arena_printf(x->a, "%s : un autre poste vient de l’enregistrer — rien n’est changé.", name);
	else if (e == E_OK)
		out->outcome = !strcmp(state, "attendu") ? arena_printf(x->a, "%s : remis en attente.", name)
		                                         : arena_printf(x->a, "%s — %s : %s%s%s.", name, CODE_LABEL(FOOD_SIZES, l->size),
		                                                        CODE_LABEL(FOOD_LINE_STATES, state), out->added ? " (ajouté à la liste du jour)" : "",
		                                                        !strcmp(state, "procuration") ? arena_printf(x->a, " par %s", proxy) : "");
	return e;
}

static db_sql Q_T_CLOSE = DB_SQL(DB_SCOPED,
	"UPDATE food_dists SET closed = 1 WHERE structure_id = $1 AND id = $2 AND closed = 0");
static db_sql Q_T_ABSENT = DB_SQL(DB_SCOPED,
	"UPDATE food_lines SET state = 'absent' WHERE structure_id = $1 AND dist_id = $2 AND state = 'attendu'");

err food_dist_close(const food_ctx *x, food_dist *d)
{
	int64_t n = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_T_CLOSE, &n, A_INT(d->id));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = DBX(x->c, &Q_T_ABSENT, NULL, A_INT(d->id));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "food_dist", d->id, "close");
	return db_finish(x->c, e);
}
