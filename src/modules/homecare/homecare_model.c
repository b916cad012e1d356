/*
 * homecare_model.c — services at home: schema, téléassistance
 * subscriptions, meal subscriptions and their absences, rounds and stops,
 * the day's orders. No HTML here.
 */
#include <stddef.h>
#include "modules/homecare/homecare_internal.h"
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

int PERM_HC_READ, PERM_HC_WRITE, PERM_HC_BILL;

/* SQLite's three triggers keeping hc_open_counts for one table (what: its row there). */
#define HC_OPEN_TRIGGERS_SQ(table, what)                                                                                   \
	"CREATE TRIGGER " table "_open_ins AFTER INSERT ON " table " WHEN new.ended_on IS NULL BEGIN"                         \
	" INSERT INTO hc_open_counts (structure_id, what, n) VALUES (new.structure_id, '" what "', 1)"                        \
	"  ON CONFLICT (structure_id, what) DO UPDATE SET n = n + 1;"                                                          \
	" END;"                                                                                                               \
	"CREATE TRIGGER " table "_open_del AFTER DELETE ON " table " WHEN old.ended_on IS NULL BEGIN"                         \
	" UPDATE hc_open_counts SET n = n - 1 WHERE structure_id = old.structure_id AND what = '" what "';"                   \
	" END;"                                                                                                               \
	"CREATE TRIGGER " table "_open_upd AFTER UPDATE OF ended_on, structure_id ON " table                                  \
	" WHEN old.ended_on IS NULL OR new.ended_on IS NULL BEGIN"                                                            \
	" UPDATE hc_open_counts SET n = n - 1 WHERE old.ended_on IS NULL AND structure_id = old.structure_id AND what = '" what "';" \
	" INSERT INTO hc_open_counts (structure_id, what, n) SELECT new.structure_id, '" what "', 1 WHERE new.ended_on IS NULL" \
	"  ON CONFLICT (structure_id, what) DO UPDATE SET n = n + 1;"                                                          \
	" END;"

static const db_migration migrations[] = {
	{1, "services at home: téléassistance, meal subscriptions, absences, rounds, orders, invoices, payments",
	 "CREATE TABLE hc_alarms (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, person_id INTEGER, provider TEXT NOT NULL, device TEXT NOT NULL DEFAULT '', "
	 " started_on TEXT NOT NULL, ended_on TEXT, price INTEGER, payer TEXT NOT NULL DEFAULT '', contacts TEXT NOT NULL DEFAULT '', "
	 " notes TEXT NOT NULL DEFAULT '', end_reason TEXT NOT NULL DEFAULT '', created_by INTEGER NOT NULL, created_at INTEGER NOT NULL, "
	 " version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE INDEX hc_alarms_h ON hc_alarms(structure_id, household_id);"
	 "CREATE INDEX hc_alarms_end ON hc_alarms(structure_id, ended_on);"
	 "CREATE TABLE hc_rounds (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), name TEXT NOT NULL, "
	 " driver TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1, UNIQUE (structure_id, name)) STRICT;"
	 "CREATE TABLE hc_subs (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, person_id INTEGER, started_on TEXT NOT NULL, ended_on TEXT, diet TEXT NOT NULL DEFAULT 'normal', "
	 " texture TEXT NOT NULL DEFAULT 'normale', pattern TEXT NOT NULL, round_id INTEGER, stop_order INTEGER NOT NULL DEFAULT 0, "
	 " access_notes TEXT NOT NULL DEFAULT '', created_by INTEGER NOT NULL, created_at INTEGER NOT NULL, "
	 " version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE INDEX hc_subs_h ON hc_subs(structure_id, household_id);"
	 "CREATE INDEX hc_subs_r ON hc_subs(structure_id, round_id, stop_order);"
	 "CREATE TABLE hc_absences (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), sub_id INTEGER NOT NULL, "
	 " from_on TEXT NOT NULL, to_on TEXT NOT NULL, reason TEXT NOT NULL) STRICT;"
	 "CREATE INDEX hc_absences_s ON hc_absences(structure_id, sub_id, from_on);"
	 "CREATE TABLE hc_orders (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), sub_id INTEGER NOT NULL, "
	 " day TEXT NOT NULL, meals INTEGER NOT NULL, diet TEXT NOT NULL, texture TEXT NOT NULL, round_id INTEGER, "
	 " state TEXT NOT NULL CHECK (state IN ('prevu', 'livre', 'absent', 'annule')), UNIQUE (sub_id, day)) STRICT;"
	 "CREATE INDEX hc_orders_d ON hc_orders(structure_id, day, round_id);"
	 "CREATE INDEX hc_orders_s ON hc_orders(structure_id, sub_id, day);"
	 "CREATE TABLE hc_gen (structure_id INTEGER PRIMARY KEY REFERENCES structures(id), gen INTEGER NOT NULL) STRICT;"
	 "CREATE TABLE hc_days (structure_id INTEGER NOT NULL REFERENCES structures(id), day TEXT NOT NULL, gen INTEGER NOT NULL, "
	 " PRIMARY KEY (structure_id, day)) STRICT;"
	 "CREATE TABLE hc_invoices (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), sub_id INTEGER NOT NULL, "
	 " household_id INTEGER NOT NULL, month TEXT NOT NULL, number TEXT NOT NULL, meals INTEGER NOT NULL, unit INTEGER NOT NULL, "
	 " total INTEGER NOT NULL, explain TEXT NOT NULL DEFAULT '', issued_on TEXT NOT NULL, paid INTEGER NOT NULL DEFAULT 0, "
	 " created_by INTEGER NOT NULL, UNIQUE (sub_id, month), UNIQUE (structure_id, number)) STRICT;"
	 "CREATE INDEX hc_invoices_m ON hc_invoices(structure_id, month);"
	 "CREATE INDEX hc_invoices_h ON hc_invoices(structure_id, household_id);"
	 "CREATE TABLE hc_payments (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), invoice_id INTEGER NOT NULL, "
	 " paid_on TEXT NOT NULL, amount INTEGER NOT NULL, means TEXT NOT NULL, created_by INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX hc_payments_i ON hc_payments(structure_id, invoice_id);",
	 NULL},
	/* The meal subscriptions running (the home page's figure, a round's stops), over an index. */
	{2, "the meal subscriptions running, over an index",
	 "CREATE INDEX hc_subs_end ON hc_subs(structure_id, ended_on);", NULL},
	/* The home page's two figures — meal subscriptions and alarms running — were counted over their index, a few
	 * steps a subscription (400 000 households: 7 000 of them, a fifth of the home page's database work). Counted
	 * as they change, by triggers (whoever writes, even SQL typed by hand). */
	{3, "the running meal subscriptions and alarms counted as they change, by triggers",
	 "CREATE TABLE hc_open_counts (structure_id INTEGER NOT NULL, what TEXT NOT NULL, n INTEGER NOT NULL, "
	 " PRIMARY KEY (structure_id, what)) WITHOUT ROWID, STRICT;"
	 "INSERT INTO hc_open_counts (structure_id, what, n) SELECT structure_id, 'subs', count(*) FROM hc_subs WHERE ended_on IS NULL "
	 " GROUP BY structure_id;"
	 "INSERT INTO hc_open_counts (structure_id, what, n) SELECT structure_id, 'alarms', count(*) FROM hc_alarms WHERE ended_on IS NULL "
	 " GROUP BY structure_id;"
	 HC_OPEN_TRIGGERS_SQ("hc_subs", "subs") HC_OPEN_TRIGGERS_SQ("hc_alarms", "alarms"),
	 "CREATE TABLE hc_open_counts (structure_id BIGINT NOT NULL, what TEXT COLLATE \"C\" NOT NULL, n BIGINT NOT NULL, "
	 " PRIMARY KEY (structure_id, what));"
	 "INSERT INTO hc_open_counts (structure_id, what, n) SELECT structure_id, 'subs', count(*) FROM hc_subs WHERE ended_on IS NULL "
	 " GROUP BY structure_id;"
	 "INSERT INTO hc_open_counts (structure_id, what, n) SELECT structure_id, 'alarms', count(*) FROM hc_alarms WHERE ended_on IS NULL "
	 " GROUP BY structure_id;"
	 "CREATE FUNCTION hc_open_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.ended_on IS NULL THEN"
	 "  UPDATE hc_open_counts SET n = n - 1 WHERE structure_id = OLD.structure_id AND what = TG_ARGV[0];"
	 " END IF;"
	 " IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.ended_on IS NULL THEN"
	 "  INSERT INTO hc_open_counts (structure_id, what, n) VALUES (NEW.structure_id, TG_ARGV[0], 1)"
	 "   ON CONFLICT (structure_id, what) DO UPDATE SET n = hc_open_counts.n + 1;"
	 " END IF;"
	 " RETURN NULL; END $$;"
	 "CREATE TRIGGER hc_subs_open AFTER INSERT OR DELETE OR UPDATE OF ended_on, structure_id ON hc_subs "
	 " FOR EACH ROW EXECUTE FUNCTION hc_open_counts_keep('subs');"
	 "CREATE TRIGGER hc_alarms_open AFTER INSERT OR DELETE OR UPDATE OF ended_on, structure_id ON hc_alarms "
	 " FOR EACH ROW EXECUTE FUNCTION hc_open_counts_keep('alarms');"},
	/* The day's counts (the kitchen's, each round's) read from the index alone, in its order: no row read, no
	 * sort (3 000 orders a day: 63 000 steps before). */
	{4, "the day's orders counted from their index",
	 "CREATE INDEX hc_orders_day ON hc_orders(structure_id, day, round_id, state, diet, texture, meals);"
	 "DROP INDEX hc_orders_d;", NULL},
	/* The household page reads which of a household's parts have rows (persons.h): its section's. */
	{5, "hc_alarms and hc_subs counted in the household's parts, by triggers",
	 HOMECARE_PARTS(PERSONS_PART_SQLITE),
	 HOMECARE_PARTS(PERSONS_PART_PG)},
};
const db_module_schema homecare_schema = {"homecare", migrations, COUNTOF(migrations)};

const code HC_PAYERS[6] = {{"", "non renseigné"}, {"personne", "La personne"}, {"ccas", "Le CCAS"}, {"departement", "Le Département (APA)"},
                           {"caisse_retraite", "La caisse de retraite"}, {"autre", "Autre"}};
const code HC_DIETS[7] = {{"normal", "Normal"}, {"diabetique", "Diabétique"}, {"sans_sel", "Sans sel"}, {"hypocalorique", "Hypocalorique"},
                          {"sans_porc", "Sans porc"}, {"vegetarien", "Végétarien"}, {"hyperproteine", "Hyperprotéiné"}};
const code HC_TEXTURES[3] = {{"normale", "Normale"}, {"hachee", "Hachée"}, {"mixee", "Mixée"}};
const code HC_ABSENCES[4] = {{"hospitalisation", "Hospitalisation"}, {"vacances", "Vacances"}, {"famille", "Chez la famille"},
                             {"autre", "Autre"}};
const code HC_ORDER_STATES[4] = {{"prevu", "Prévu"}, {"livre", "Livré"}, {"absent", "Absent, non livré"}, {"annule", "Annulé"}};
const code HC_MEANS[4] = {{"cheque", "Chèque"}, {"especes", "Espèces"}, {"virement", "Virement"}, {"prelevement", "Prélèvement"}};

static const char *in_get(const kv_list *in, const char *name)
{
	const char *v = kv_get(in, name);
	return v && *v ? v : NULL;
}

/* A date typed: ISO, not after limit (NULL: any), not before from (NULL: any). */
static bool date_in(const char *s, const char *from, const civil_date *limit, civil_date *out)
{
	civil_date f;
	if (!s || !civil_parse(s, out) || (limit && civil_to_days(*out) > civil_to_days(*limit)))
		return false;
	return !from || !*from || !civil_parse(from, &f) || civil_to_days(*out) >= civil_to_days(f);
}

/* The subscriptions' generation: moved by every change of a subscription,
 * so that a day's orders are written again only when something changed. */
static db_sql Q_GEN_BUMP = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_gen (structure_id, gen) VALUES ($1, 1) ON CONFLICT (structure_id) DO UPDATE SET gen = hc_gen.gen + 1");

static err finish(const hc_ctx *x, err e, int64_t n, int64_t ver, int64_t cur, int64_t hid, const char *kind, int64_t id,
                  const char *event, const char *detail, const char **why)
{
	if (e == E_OK && n == 1 && !strcmp(kind, "hc_sub"))
		e = DBX0(x->c, &Q_GEN_BUMP, NULL);
	if (e == E_OK && n != 1) {
		e = E_CONFLICT;
		*why = ver != cur ? "Quelqu’un d’autre a modifié ce service entre-temps : voici son état actuel, vérifiez avant de recommencer."
		                  : "Ce n’est pas possible : le service a pris fin.";
	}
	if (e == E_OK && event)
		e = persons_timeline_add(x->c, hid, x->user, kind, id, event);
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", kind, id, detail);
	return db_finish(x->c, e);
}

/* ---- téléassistance -------------------------------------------------------------------------- */

#define A_COLS "id, household_id, coalesce(person_id, 0), coalesce(price, -1), version, provider, device, started_on, ended_on, payer, " \
               "contacts, notes, end_reason"

/* The alarms of a statement run (e its result), the statement closed. */
static int alarms_read(db_res *q, err e, arena *a, hc_alarm **out)
{
	int n = 0, cap = 0;
	*out = NULL;
	if (e != E_OK)
		return -1;
	while (db_next(q)) {
		hc_alarm *al = ARENA_PUSH(a, *out, n, cap);
		if (!al)
			break;
		*al = (hc_alarm){.id = db_int(q, 0), .household_id = db_int(q, 1), .person_id = db_int(q, 2), .price = db_int(q, 3),
		                 .version = db_int(q, 4)};
		const char **t[] = {&al->provider, &al->device, &al->started_on, &al->ended_on, &al->payer, &al->contacts, &al->notes,
		                    &al->end_reason};
		for (int i = 0; i < COUNTOF(t); i++) {
			char *s = db_dup(q, 5 + i, a);
			*t[i] = s ? s : "";
		}
	}
	db_close(q);
	return n;
}

static int alarms_of(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, hc_alarm **out)
{
	db_res q = {0};
	err e = db_query(c, sql, &q, nargs, args);
	return alarms_read(&q, e, a, out);
}

static db_sql Q_A_GET = DB_SQL(DB_SCOPED, "SELECT " A_COLS " FROM hc_alarms WHERE structure_id = $1 AND id = $2");
/* The list's page and its total counted apart (a count beside every row said 0 on a page past the end): every
 * alarm, or those of one list, its statement its own (store.h: db_filtered). */
static const char *const A_LISTS[] = {" AND (ended_on IS NULL OR ended_on >= ?)", " AND ended_on >= ? AND ended_on <= ?",
                                      " AND ended_on < ?"};
static const char *const A_LIST_NAMES[] = {"actives", "fin_proche", "terminees"};
static db_filtered F_A_LIST = DB_FILTERED(DB_SCOPED, "SELECT " A_COLS " FROM hc_alarms WHERE structure_id = $1", 1, A_LISTS,
	" ORDER BY started_on DESC, id DESC LIMIT ? OFFSET ?");
static db_filtered F_A_COUNT = DB_FILTERED(DB_SCOPED, "SELECT count(*) FROM hc_alarms WHERE structure_id = $1", 1, A_LISTS, "");

bool hc_alarm_load(db_conn *c, arena *a, int64_t id, hc_alarm *out)
{
	hc_alarm *v;
	if (alarms_of(c, a, &Q_A_GET, 1, (db_arg[]){A_INT(id)}, &v) != 1)
		return false;
	*out = v[0];
	return true;
}

/* The household's section: its alarms then its meal subscriptions, each the newest first, in one statement. */
static db_sql Q_SERVICES_OF = DB_SQL(DB_SCOPED,
	"SELECT 0, id, provider, started_on, ended_on FROM hc_alarms WHERE structure_id = $1 AND household_id = $2 "
	"UNION ALL SELECT 1, id, pattern, started_on, ended_on FROM hc_subs WHERE structure_id = $1 AND household_id = $2 "
	"ORDER BY 1, 4 DESC, 2 DESC");

int hc_services_of(db_conn *c, arena *a, int64_t hid, hc_service **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ(c, &Q_SERVICES_OF, &q, A_INT(hid)) != E_OK)
		return -1;
	while (db_next(&q)) {
		hc_service *v = ARENA_PUSH(a, *out, n, cap);
		if (!v) {
			n = -1;
			break;
		}
		char *w = db_dup(&q, 2, a), *from = db_dup(&q, 3, a), *to = db_dup(&q, 4, a);
		*v = (hc_service){.meals = db_int(&q, 0) == 1, .id = db_int(&q, 1), .what = w ? w : "", .started_on = from ? from : "",
		                  .ended_on = to ? to : ""};
	}
	if (q.status != E_OK)
		n = -1;
	db_close(&q);
	return n;
}

int hc_alarms(const hc_ctx *x, const char *list, int limit, int offset, hc_alarm **out, int64_t *total)
{
	*total = 0;
	*out = NULL;
	const char *today = civil_iso(x->a, x->today), *soon = civil_iso(x->a, civil_from_days(civil_to_days(x->today) + 30));
	db_pick p = DB_PICK;
	if (list && !strcmp(list, A_LIST_NAMES[0]))
		DB_PICK_ON(&p, 0, A_TEXT(today));
	else if (list && !strcmp(list, A_LIST_NAMES[1]))
		DB_PICK_ON(&p, 1, A_TEXT(today), A_TEXT(soon));
	else if (list && !strcmp(list, A_LIST_NAMES[2]))
		DB_PICK_ON(&p, 2, A_TEXT(today));
	else if (list && *list)
		return 0; /* no such list: nothing in it */
	db_res q = {0};
	err e = DBQF(x->c, &F_A_LIST, &p, &q, A_INT(limit), A_INT(offset));
	int n = alarms_read(&q, e, x->a, out);
	if (n < 0 || DBQF0(x->c, &F_A_COUNT, &p, &q) != E_OK)
		return -1;
	if (db_next(&q))
		*total = db_int(&q, 0);
	db_close(&q);
	return n;
}

/* The fields of a subscription, new or changed. */
typedef struct alarm_in { const char *provider, *device, *payer, *contacts, *notes; int64_t price; } alarm_in;

static void alarm_read(const kv_list *in, form_errors *fe, alarm_in *o)
{
	const char *ps = in_get(in, "price");
	*o = (alarm_in){in_get(in, "provider"), in_get(in, "device"), in_get(in, "payer"), in_get(in, "contacts"), in_get(in, "notes"), -1};
	if (!o->provider || strlen(o->provider) > 120)
		form_error(fe, "provider", "Le prestataire de téléassistance (120 caractères au plus).");
	if (o->device && strlen(o->device) > 120)
		form_error(fe, "device", "L’appareil tient en 120 caractères (bracelet, médaillon, détecteur de chute…).");
	if (ps && (!money_parse(ps, &o->price) || o->price < 0 || o->price > 100000))
		form_error(fe, "price", "Le prix mensuel en euros : 24,90 (vide s’il n’est pas connu).");
	if (o->payer && !CODE_OK(HC_PAYERS, o->payer))
		form_error(fe, "payer", "Qui paie : la personne, le CCAS, le Département, la caisse de retraite, autre.");
	if (o->contacts && strlen(o->contacts) > 1000)
		form_error(fe, "contacts", "Les personnes à appeler tiennent en 1 000 caractères.");
	if (o->notes && strlen(o->notes) > 2000)
		form_error(fe, "notes", "Les observations tiennent en 2 000 caractères.");
}

static db_sql Q_A_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_alarms (structure_id, household_id, person_id, provider, device, started_on, price, payer, contacts, notes, "
	"created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id");

err hc_alarm_create(const hc_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0;
	const char *hs = in_get(in, "household");
	civil_date on = x->today;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(x->c, hid)) {
		form_error(fe, "household", "Choisissez le foyer.");
		hid = 0;
	}
	if (in_get(in, "started_on") && !date_in(in_get(in, "started_on"), NULL, NULL, &on))
		form_error(fe, "started_on", "La date de mise en service : AAAA-MM-JJ.");
	alarm_in a;
	alarm_read(in, fe, &a);
	bool bad = false;
	int64_t pid = persons_member_or_applicant(x->c, x->a, hid, in_get(in, "person"), &bad);
	if (bad)
		form_error(fe, "person", "La personne équipée doit être un membre du foyer.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_A_NEW, id, A_INT(hid), A_INT_OR_NULL(pid), A_TEXT(a.provider), A_TEXT(a.device ? a.device : ""),
		         A_TEXT(civil_iso(x->a, on)), a.price >= 0 ? A_INT(a.price) : A_NULL, A_TEXT(a.payer ? a.payer : ""),
		         A_TEXT(a.contacts ? a.contacts : ""), A_TEXT(a.notes ? a.notes : ""), A_INT(x->user), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, x->user, "hc_alarm", *id, arena_printf(x->a, "Téléassistance mise en service (%s)", a.provider));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "hc_alarm", *id, NULL);
	return db_finish(x->c, e);
}

static db_sql Q_A_SET = DB_SQL(DB_SCOPED,
	"UPDATE hc_alarms SET provider = $3, device = $4, price = $5, payer = $6, contacts = $7, notes = $8, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND version = $9 AND ended_on IS NULL");
static db_sql Q_A_END = DB_SQL(DB_SCOPED,
	"UPDATE hc_alarms SET ended_on = $3, end_reason = $4, version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $5 "
	"AND ended_on IS NULL");

err hc_alarm_act(const hc_ctx *x, hc_alarm *al, const char *action, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	int64_t ver = 0, n = 0;
	if (!in_get(in, "version") || !text_to_int64(in_get(in, "version"), 0, INT64_MAX, &ver))
		ver = al->version;
	err e;
	const char *event;
	if (!strcmp(action, "modifier")) {
		alarm_in a;
		alarm_read(in, fe, &a);
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_A_SET, &n, A_INT(al->id), A_TEXT(a.provider), A_TEXT(a.device ? a.device : ""), a.price >= 0 ? A_INT(a.price) : A_NULL,
			        A_TEXT(a.payer ? a.payer : ""), A_TEXT(a.contacts ? a.contacts : ""), A_TEXT(a.notes ? a.notes : ""), A_INT(ver));
		event = "Téléassistance modifiée";
	} else if (!strcmp(action, "terminer")) {
		const char *reason = in_get(in, "end_reason");
		civil_date d;
		if (!date_in(in_get(in, "ended_on") ? in_get(in, "ended_on") : civil_iso(x->a, x->today), al->started_on, NULL, &d))
			form_error(fe, "ended_on", "La date de fin : après la mise en service (AAAA-MM-JJ).");
		if (!reason || strlen(reason) > 200)
			form_error(fe, "end_reason", "Le motif de la fin (entrée en établissement, décès, résiliation…), 200 caractères au plus.");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_A_END, &n, A_INT(al->id), A_TEXT(civil_iso(x->a, d)), A_TEXT(reason), A_INT(ver));
		event = arena_printf(x->a, "Téléassistance terminée le %s", civil_fr(x->a, civil_iso(x->a, d)));
	} else {
		return E_NOT_FOUND;
	}
	return finish(x, e, n, ver, al->version, al->household_id, "hc_alarm", al->id, event, action, why);
}

/* ---- rounds ------------------------------------------------------------------------------------ */

static db_sql Q_R_LIST = DB_SQL(DB_SCOPED,
	"SELECT r.id, (SELECT count(*) FROM hc_subs s WHERE s.structure_id = r.structure_id AND s.round_id = r.id AND s.ended_on IS NULL), "
	"r.name, r.driver, r.active FROM hc_rounds r WHERE r.structure_id = $1 ORDER BY r.name, r.id");

int hc_rounds(db_conn *c, arena *a, hc_round **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ0(c, &Q_R_LIST, &q) != E_OK)
		return -1;
	while (db_next(&q)) {
		hc_round *r = ARENA_PUSH(a, *out, n, cap);
		if (!r)
			break;
		*r = (hc_round){db_int(&q, 0), db_int(&q, 1), db_dup(&q, 2, a), db_dup(&q, 3, a), db_int(&q, 4) != 0};
	}
	db_close(&q);
	return n;
}

static db_sql Q_R_NEW = DB_SQL(DB_SCOPED, "INSERT INTO hc_rounds (structure_id, name, driver) VALUES ($1, $2, $3) RETURNING id");
static db_sql Q_R_SET = DB_SQL(DB_SCOPED, "UPDATE hc_rounds SET name = $3, driver = $4, active = $5 WHERE structure_id = $1 AND id = $2");

err hc_round_save(const hc_ctx *x, int64_t id, const kv_list *in, form_errors *fe, int64_t *out_id)
{
	const char *name = in_get(in, "name"), *driver = in_get(in, "driver");
	if (!name || strlen(name) > 80)
		form_error(fe, "name", "Le nom de la tournée (80 caractères au plus) : « Centre-ville », « Rivière des Galets »…");
	if (driver && strlen(driver) > 120)
		form_error(fe, "driver", "Le livreur tient en 120 caractères.");
	if (fe->n)
		return E_INPUT;
	int64_t n = 1;
	err e = db_begin(x->c, true);
	if (e == E_OK && id)
		e = DBX(x->c, &Q_R_SET, &n, A_INT(id), A_TEXT(name), A_TEXT(driver ? driver : ""), A_INT(in_get(in, "active") != NULL));
	else if (e == E_OK)
		e = DBID(x->c, &Q_R_NEW, &id, A_TEXT(name), A_TEXT(driver ? driver : ""));
	if (e == E_CONFLICT) {
		form_error(fe, "name", "Une autre tournée porte déjà ce nom.");
		e = E_INPUT;
	}
	if (e == E_OK && n != 1)
		e = E_NOT_FOUND;
	*out_id = id;
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "hc_round", id, NULL);
	return db_finish(x->c, e);
}

/* ---- meal subscriptions ---------------------------------------------------------------------------- */

#define S_COLS                                                                                                               \
	"s.id, s.household_id, coalesce(s.person_id, 0), coalesce(s.round_id, 0), s.stop_order, s.version, s.started_on, s.ended_on, " \
	"s.diet, s.texture, s.pattern, s.access_notes, coalesce(r.name, '')"
#define S_FROM " FROM hc_subs s LEFT JOIN hc_rounds r ON r.structure_id = s.structure_id AND r.id = s.round_id "

static void sub_fill(db_res *q, arena *a, hc_sub *o)
{
	*o = (hc_sub){.id = db_int(q, 0), .household_id = db_int(q, 1), .person_id = db_int(q, 2), .round_id = db_int(q, 3),
	              .stop_order = db_int(q, 4), .version = db_int(q, 5)};
	const char **t[] = {&o->started_on, &o->ended_on, &o->diet, &o->texture, &o->pattern, &o->access_notes, &o->round_name};
	for (int i = 0; i < COUNTOF(t); i++) {
		char *s = db_dup(q, 6 + i, a);
		*t[i] = s ? s : "";
	}
}

/* The person's name and address, from the persons module. */
static void sub_who_set(hc_sub *o, const person_brief *p)
{
	if (p)
		o->last_name = p->last_name, o->first_names = p->first_names, o->address1 = p->address1, o->address2 = p->address2,
		o->phone = p->phone;
	else
		o->last_name = o->first_names = o->address1 = o->address2 = o->phone = "";
}


static int subs_of(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, hc_sub **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (db_query(c, sql, &q, nargs, args) != E_OK)
		return -1;
	while (db_next(&q)) {
		hc_sub *s = ARENA_PUSH(a, *out, n, cap);
		if (!s)
			break;
		sub_fill(&q, a, s);
	}
	db_close(&q);
	/* Their persons: a statement for fifty subscriptions, not one each. */
	persons_row_who *w = persons_rows_who(c, a, *out, sizeof **out, offsetof(hc_sub, person_id), PERSONS_NO_HOUSEHOLD, n);
	if (!w)
		return -1;
	for (int i = 0; i < n; i++)
		sub_who_set(&(*out)[i], w[i].p.id ? &w[i].p : NULL);
	return n;
}

static db_sql Q_S_GET = DB_SQL(DB_SCOPED, "SELECT " S_COLS S_FROM "WHERE s.structure_id = $1 AND s.id = $2");
static db_sql Q_S_OPEN = DB_SQL(DB_SCOPED,
	"SELECT " S_COLS S_FROM "WHERE s.structure_id = $1 AND s.ended_on IS NULL ORDER BY s.round_id, s.stop_order, s.id");
static db_sql Q_S_ROUND = DB_SQL(DB_SCOPED,
	"SELECT " S_COLS S_FROM "WHERE s.structure_id = $1 AND s.round_id = $2 AND s.ended_on IS NULL ORDER BY s.stop_order, s.id");

static db_sql Q_S_IDS = DB_SQL(DB_SCOPED, "SELECT " S_COLS S_FROM "WHERE s.structure_id = $1 AND s.id IN " DB_IN50);

/* Subscriptions by id for a list's rows, fifty a statement: out[i] for ids[i] (zeroed when not found). */
static bool subs_by_ids(db_conn *c, arena *a, const int64_t *ids, int n, hc_sub *out)
{
	memset(out, 0, sizeof *out * (size_t)(n > 0 ? n : 0));
	for (int from = 0; from < n; from += DB_IN_N) {
		int to = n - from > DB_IN_N ? from + DB_IN_N : n;
		db_arg args[DB_IN_N];
		db_in50_args(args, ids, from, to);
		hc_sub *v;
		int k = subs_of(c, a, &Q_S_IDS, DB_IN_N, args, &v);
		if (k < 0)
			return false;
		for (int j = 0; j < k; j++)
			for (int i = from; i < to; i++)
				if (ids[i] == v[j].id)
					out[i] = v[j];
	}
	return true;
}

bool hc_sub_load(db_conn *c, arena *a, int64_t id, hc_sub *out)
{
	hc_sub *v;
	if (subs_of(c, a, &Q_S_GET, 1, (db_arg[]){A_INT(id)}, &v) != 1)
		return false;
	*out = v[0];
	return true;
}

int hc_subs_of_round(db_conn *c, arena *a, int64_t round, hc_sub **out)
{
	if (!round) /* every round's */
		return subs_of(c, a, &Q_S_OPEN, 0, NULL, out);
	return subs_of(c, a, &Q_S_ROUND, 1, (db_arg[]){A_INT(round)}, out);
}

/* The weekly pattern: meals Monday to Sunday, as seven digits (0 to 3),
 * from "p1".."p7" fields or a "pattern" string. */
static const char *pattern_read(arena *a, const kv_list *in, form_errors *fe)
{
	const char *p = in_get(in, "pattern");
	char buf7[8] = "0000000";
	if (!p) {
		static const char *const days[] = {"p1", "p2", "p3", "p4", "p5", "p6", "p7"};
		bool any = false;
		for (int i = 0; i < 7; i++) {
			const char *v = in_get(in, days[i]);
			if (v) {
				any = true;
				buf7[i] = strlen(v) == 1 && v[0] >= '0' && v[0] <= '3' ? v[0] : 'x';
			}
		}
		p = any ? buf7 : NULL;
	}
	bool ok = p && strlen(p) == 7 && strspn(p, "0123") == 7 && strcmp(p, "0000000");
	if (!ok) {
		form_error(fe, "pattern", "Les repas de la semaine : pour chaque jour, de 0 à 3 repas (au moins un jour livré).");
		return NULL;
	}
	return arena_strdup(a, p);
}

typedef struct sub_in { const char *diet, *texture, *pattern, *access; int64_t round, stop; } sub_in;

static void sub_read(const hc_ctx *x, const kv_list *in, form_errors *fe, sub_in *o)
{
	const char *rs = in_get(in, "round"), *ss = in_get(in, "stop");
	*o = (sub_in){in_get(in, "diet"), in_get(in, "texture"), pattern_read(x->a, in, fe), in_get(in, "access_notes"), 0, 0};
	if (o->diet && !CODE_OK(HC_DIETS, o->diet))
		form_error(fe, "diet", "Choisissez le régime dans la liste.");
	if (o->texture && !CODE_OK(HC_TEXTURES, o->texture))
		form_error(fe, "texture", "Choisissez la texture : normale, hachée, mixée.");
	hc_round *rv;
	int nr = hc_rounds(x->c, x->a, &rv);
	bool found = false;
	if (rs && text_to_int64(rs, 1, INT64_MAX, &o->round))
		for (int i = 0; i < nr; i++)
			found = found || (rv[i].id == o->round && rv[i].active);
	if (rs && !found)
		form_error(fe, "round", "Choisissez une tournée de livraison active.");
	if (ss && !text_to_int64(ss, 0, 999, &o->stop))
		form_error(fe, "stop", "Le rang dans la tournée : un nombre de 0 à 999.");
	if (o->access && strlen(o->access) > 1000)
		form_error(fe, "access_notes", "Les indications d’accès tiennent en 1 000 caractères.");
}

static db_sql Q_S_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_subs (structure_id, household_id, person_id, started_on, diet, texture, pattern, round_id, stop_order, access_notes, "
	"created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id");
static db_sql Q_S_ACTIVE = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM hc_subs WHERE structure_id = $1 AND person_id = $2 AND ended_on IS NULL");

err hc_sub_create(const hc_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0, other = 0;
	const char *hs = in_get(in, "household");
	civil_date on = x->today;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(x->c, hid)) {
		form_error(fe, "household", "Choisissez le foyer.");
		hid = 0;
	}
	if (in_get(in, "started_on") && !date_in(in_get(in, "started_on"), NULL, NULL, &on))
		form_error(fe, "started_on", "La date de la première livraison : AAAA-MM-JJ.");
	sub_in s;
	sub_read(x, in, fe, &s);
	bool bad = false;
	int64_t pid = persons_member_or_applicant(x->c, x->a, hid, in_get(in, "person"), &bad);
	if (bad || (hid && !pid))
		form_error(fe, "person", "La personne livrée doit être un membre du foyer.");
	if (pid && DBID(x->c, &Q_S_ACTIVE, &other, A_INT(pid)) == E_OK && other)
		form_error(fe, "person", "Cette personne a déjà un portage de repas en cours : modifiez-le.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_S_NEW, id, A_INT(hid), A_INT(pid), A_TEXT(civil_iso(x->a, on)), A_TEXT(s.diet ? s.diet : "normal"),
		         A_TEXT(s.texture ? s.texture : "normale"), A_TEXT(s.pattern), s.round ? A_INT(s.round) : A_NULL, A_INT(s.stop),
		         A_TEXT(s.access ? s.access : ""), A_INT(x->user), A_INT(civil_now()));
	if (e == E_OK)
		e = DBX0(x->c, &Q_GEN_BUMP, NULL);
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, x->user, "hc_sub", *id, "Portage de repas à domicile commencé");
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "hc_sub", *id, NULL);
	return db_finish(x->c, e);
}

static db_sql Q_S_SET = DB_SQL(DB_SCOPED,
	"UPDATE hc_subs SET diet = $3, texture = $4, pattern = $5, round_id = $6, stop_order = $7, access_notes = $8, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND version = $9 AND ended_on IS NULL");
static db_sql Q_S_END = DB_SQL(DB_SCOPED,
	"UPDATE hc_subs SET ended_on = $3, version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $4 AND ended_on IS NULL");
static db_sql Q_S_BUMP = DB_SQL(DB_SCOPED,
	"UPDATE hc_subs SET version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $3 AND ended_on IS NULL");
/* Orders not yet delivered from a day on follow a change (written again from the pattern when asked for). */
static db_sql Q_O_FORGET = DB_SQL(DB_SCOPED,
	"DELETE FROM hc_orders WHERE structure_id = $1 AND sub_id = $2 AND day >= $3 AND state = 'prevu'");
static db_sql Q_O_ABSENT = DB_SQL(DB_SCOPED,
	"UPDATE hc_orders SET state = 'absent' WHERE structure_id = $1 AND sub_id = $2 AND day >= $3 AND day <= $4 AND state = 'prevu'");
static db_sql Q_ABS_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_absences (structure_id, sub_id, from_on, to_on, reason) VALUES ($1, $2, $3, $4, $5)");

err hc_sub_act(const hc_ctx *x, hc_sub *s, const char *action, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	int64_t ver = 0, n = 0;
	if (!in_get(in, "version") || !text_to_int64(in_get(in, "version"), 0, INT64_MAX, &ver))
		ver = s->version;
	err e;
	const char *event = NULL, *today = civil_iso(x->a, x->today);
	if (!strcmp(action, "modifier")) {
		sub_in v;
		sub_read(x, in, fe, &v);
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_S_SET, &n, A_INT(s->id), A_TEXT(v.diet ? v.diet : "normal"), A_TEXT(v.texture ? v.texture : "normale"),
			        A_TEXT(v.pattern), v.round ? A_INT(v.round) : A_NULL, A_INT(v.stop), A_TEXT(v.access ? v.access : ""), A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_O_FORGET, NULL, A_INT(s->id), A_TEXT(today));
		event = "Portage de repas modifié";
	} else if (!strcmp(action, "absence")) {
		const char *reason = in_get(in, "reason");
		civil_date f, t;
		if (!date_in(in_get(in, "from_on"), NULL, NULL, &f))
			form_error(fe, "from_on", "Le premier jour d’absence : AAAA-MM-JJ.");
		else if (!date_in(in_get(in, "to_on"), civil_iso(x->a, f), NULL, &t) || civil_to_days(t) - civil_to_days(f) > 366)
			form_error(fe, "to_on", "Le dernier jour d’absence : AAAA-MM-JJ, après le premier, un an au plus.");
		if (!reason || !CODE_OK(HC_ABSENCES, reason))
			form_error(fe, "reason", "Le motif : hospitalisation, vacances, chez la famille, autre.");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_S_BUMP, &n, A_INT(s->id), A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_ABS_NEW, NULL, A_INT(s->id), A_TEXT(civil_iso(x->a, f)), A_TEXT(civil_iso(x->a, t)), A_TEXT(reason));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_O_ABSENT, NULL, A_INT(s->id), A_TEXT(civil_iso(x->a, f)), A_TEXT(civil_iso(x->a, t)));
		event = arena_printf(x->a, "Portage de repas suspendu du %s au %s (%s)", civil_fr(x->a, civil_iso(x->a, f)),
		                     civil_fr(x->a, civil_iso(x->a, t)), CODE_LABEL(HC_ABSENCES, reason));
	} else if (!strcmp(action, "terminer")) {
		civil_date d;
		if (!date_in(in_get(in, "ended_on") ? in_get(in, "ended_on") : today, s->started_on, NULL, &d))
			form_error(fe, "ended_on", "La dernière livraison : après la première (AAAA-MM-JJ).");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_S_END, &n, A_INT(s->id), A_TEXT(civil_iso(x->a, d)), A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_O_FORGET, NULL, A_INT(s->id), A_TEXT(civil_iso(x->a, civil_from_days(civil_to_days(d) + 1))));
		event = arena_printf(x->a, "Portage de repas terminé le %s", civil_fr(x->a, civil_iso(x->a, d)));
	} else {
		return E_NOT_FOUND;
	}
	return finish(x, e, n, ver, s->version, s->household_id, "hc_sub", s->id, event, action, why);
}

static db_sql Q_ABS = DB_SQL(DB_SCOPED,
	"SELECT id, from_on, to_on, reason FROM hc_absences WHERE structure_id = $1 AND sub_id = $2 ORDER BY from_on DESC, id DESC");

int hc_absences(db_conn *c, arena *a, int64_t sub, hc_absence **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ(c, &Q_ABS, &q, A_INT(sub)) != E_OK)
		return -1;
	while (db_next(&q)) {
		hc_absence *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		*x = (hc_absence){db_int(&q, 0), db_dup(&q, 1, a), db_dup(&q, 2, a), db_dup(&q, 3, a)};
	}
	db_close(&q);
	return n;
}

static const char *const DAY_NAMES[7] = {"Lun", "Mar", "Mer", "Jeu", "Ven", "Sam", "Dim"};

const char *hc_pattern_fr(arena *a, const char *p)
{
	buf b;
	buf_init(&b, a, 64);
	for (int i = 0; p && i < 7 && p[i]; i++)
		if (p[i] != '0')
			buf_printf(&b, "%s%s %c", b.len ? ", " : "", DAY_NAMES[i], p[i]);
	return b.len ? buf_cstr(&b) : "aucun jour";
}

/* ---- the day's orders ----------------------------------------------------------------------------- */

static db_sql Q_O_WRITE = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_orders (structure_id, sub_id, day, meals, diet, texture, round_id, state) "
	"SELECT $1, s.id, $2, CAST(substr(s.pattern, $3, 1) AS INTEGER), s.diet, s.texture, s.round_id, "
	"CASE WHEN EXISTS (SELECT 1 FROM hc_absences a WHERE a.structure_id = $1 AND a.sub_id = s.id AND a.from_on <= $2 AND a.to_on >= $2) "
	"THEN 'absent' ELSE 'prevu' END FROM hc_subs s WHERE s.structure_id = $1 AND s.started_on <= $2 "
	"AND (s.ended_on IS NULL OR s.ended_on >= $2) AND substr(s.pattern, $3, 1) <> '0' ON CONFLICT (sub_id, day) DO NOTHING");
/* The day's orders of every round, of none, of one ($3). */
#define O_DAY                                                                                                        \
	"SELECT o.id, o.sub_id, coalesce(o.round_id, 0), o.meals, o.day, o.diet, o.texture, o.state FROM hc_orders o " \
	"LEFT JOIN hc_subs s ON s.structure_id = o.structure_id AND s.id = o.sub_id WHERE o.structure_id = $1 AND o.day = $2 "
static db_sql Q_O_DAY = DB_SQL(DB_SCOPED, O_DAY "ORDER BY coalesce(o.round_id, 0), s.stop_order, o.id");
static db_sql Q_O_DAY_NONE = DB_SQL(DB_SCOPED, O_DAY "AND o.round_id IS NULL ORDER BY s.stop_order, o.id");
static db_sql Q_O_DAY_ROUND = DB_SQL(DB_SCOPED, O_DAY "AND o.round_id = $3 ORDER BY s.stop_order, o.id");
/* round: 0 every round, -1 no round, else that round; its statement and how many arguments it takes. */
static db_sql *by_round(int64_t round, db_sql *every, db_sql *none, db_sql *one, int *nargs)
{
	*nargs = round > 0 ? 2 : 1;
	return !round ? every : round < 0 ? none : one;
}
static db_sql Q_O_COUNTS = DB_SQL(DB_SCOPED,
	"SELECT coalesce(round_id, 0), state, diet, texture, count(*), sum(meals) FROM hc_orders WHERE structure_id = $1 AND day = $2 "
	"GROUP BY round_id, state, diet, texture");

static db_sql Q_GEN_SEEN = DB_SQL(DB_SCOPED,
	"SELECT coalesce((SELECT gen FROM hc_gen WHERE structure_id = $1), 0), "
	"coalesce((SELECT gen FROM hc_days WHERE structure_id = $1 AND day = $2), -1)");
static db_sql Q_GEN_DAY = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_days (structure_id, day, gen) VALUES ($1, $2, $3) ON CONFLICT (structure_id, day) DO UPDATE SET gen = excluded.gen");

/* The day's orders written from the patterns the first time, then again
 * only when a subscription changed since (a new one is added, none is
 * changed): reading the day is not a write otherwise. */
static bool day_ready(const hc_ctx *x, civil_date day, const char *iso)
{
	db_res g = {0};
	int64_t gen = 0, seen = -1;
	if (DBQ(x->c, &Q_GEN_SEEN, &g, A_TEXT(iso)) == E_OK && db_next(&g))
		gen = db_int(&g, 0), seen = db_int(&g, 1);
	db_close(&g);
	if (seen == gen)
		return true;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_O_WRITE, NULL, A_TEXT(iso), A_INT(civil_weekday(day) + 1));
	if (e == E_OK)
		e = DBX(x->c, &Q_GEN_DAY, NULL, A_TEXT(iso), A_INT(gen));
	return db_finish(x->c, e) == E_OK;
}

int hc_day_counts(const hc_ctx *x, civil_date day, hc_day_count **out)
{
	*out = NULL;
	const char *iso = civil_iso(x->a, day);
	if (!day_ready(x, day, iso))
		return -1;
	db_res q = {0};
	int n = 0, cap = 0;
	if (DBQ(x->c, &Q_O_COUNTS, &q, A_TEXT(iso)) != E_OK)
		return -1;
	while (db_next(&q)) {
		hc_day_count *c = ARENA_PUSH(x->a, *out, n, cap);
		if (!c) {
			db_close(&q);
			return -1; /* a figure counted in part is not shown */
		}
		*c = (hc_day_count){.round_id = db_int(&q, 0), .state = db_dup(&q, 1, x->a), .diet = db_dup(&q, 2, x->a),
		                    .texture = db_dup(&q, 3, x->a), .orders = db_int(&q, 4), .meals = db_int(&q, 5)};
	}
	err e = q.status; /* a step that failed: no figures */
	db_close(&q);
	return e == E_OK ? n : -1;
}

int hc_day(const hc_ctx *x, civil_date day, int64_t round, hc_order **out)
{
	*out = NULL;
	const char *iso = civil_iso(x->a, day);
	if (!day_ready(x, day, iso))
		return -1;
	db_res q = {0};
	int n = 0, cap = 0;
	int na;
	db_sql *which = by_round(round, &Q_O_DAY, &Q_O_DAY_NONE, &Q_O_DAY_ROUND, &na);
	if (db_query(x->c, which, &q, na, (db_arg[]){A_TEXT(iso), A_INT(round)}) != E_OK)
		return -1;
	while (db_next(&q)) {
		hc_order *o = ARENA_PUSH(x->a, *out, n, cap);
		if (!o)
			break;
		*o = (hc_order){.id = db_int(&q, 0), .sub_id = db_int(&q, 1), .round_id = db_int(&q, 2), .count = db_int(&q, 3),
		                .day = db_dup(&q, 4, x->a), .diet = db_dup(&q, 5, x->a), .texture = db_dup(&q, 6, x->a), .state = db_dup(&q, 7, x->a)};
	}
	db_close(&q);
	/* Their subscriptions: a few statements for the day, not one an order. */
	int64_t *ids = arena_array(x->a, (size_t)(n > 0 ? n : 1), sizeof *ids);
	hc_sub *subs = arena_array(x->a, (size_t)(n > 0 ? n : 1), sizeof *subs);
	if (!ids || !subs)
		return -1;
	for (int i = 0; i < n; i++)
		ids[i] = (*out)[i].sub_id;
	if (!subs_by_ids(x->c, x->a, ids, n, subs))
		return -1;
	for (int i = 0; i < n; i++)
		(*out)[i].s = subs[i];
	return n;
}

#define O_DELIVER "UPDATE hc_orders SET state = 'livre' WHERE structure_id = $1 AND day = $2 AND state = 'prevu'"
static db_sql Q_O_DELIVER = DB_SQL(DB_SCOPED, O_DELIVER);
static db_sql Q_O_DELIVER_NONE = DB_SQL(DB_SCOPED, O_DELIVER " AND round_id IS NULL");
static db_sql Q_O_DELIVER_ROUND = DB_SQL(DB_SCOPED, O_DELIVER " AND round_id = $3");
static db_sql Q_O_SET = DB_SQL(DB_SCOPED, "UPDATE hc_orders SET state = $3 WHERE structure_id = $1 AND id = $2");
static db_sql Q_O_SET_DAY = DB_SQL(DB_SCOPED,
	"UPDATE hc_orders SET state = 'absent' WHERE structure_id = $1 AND id = $2 AND day = $3 AND state = 'prevu'");

err hc_day_delivered(const hc_ctx *x, civil_date day, int64_t round, const int64_t *absent, int nabsent, int64_t *n)
{
	*n = 0;
	if (civil_to_days(day) > civil_to_days(x->today))
		return E_INPUT; /* not before it happened */
	const char *iso = civil_iso(x->a, day);
	err e = db_begin(x->c, true);
	for (int i = 0; e == E_OK && i < nabsent; i++)
		e = DBX(x->c, &Q_O_SET_DAY, NULL, A_INT(absent[i]), A_TEXT(iso));
	int na;
	db_sql *deliver = by_round(round, &Q_O_DELIVER, &Q_O_DELIVER_NONE, &Q_O_DELIVER_ROUND, &na);
	if (e == E_OK)
		e = db_exec(x->c, deliver, na, (db_arg[]){A_TEXT(iso), A_INT(round)}, n);
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "hc_round", round, arena_printf(x->a, "delivered %s n=%lld absent=%d", iso, (long long)*n, nabsent));
	return db_finish(x->c, e);
}

err hc_order_set(const hc_ctx *x, int64_t order, const char *state, form_errors *fe)
{
	if (!state || !CODE_OK(HC_ORDER_STATES, state)) {
		form_error(fe, "state", "L’état d’une commande : prévu, livré, absent, annulé.");
		return E_INPUT;
	}
	int64_t n = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_O_SET, &n, A_INT(order), A_TEXT(state));
	if (e == E_OK && n != 1)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "hc_order", order, state);
	return db_finish(x->c, e);
}
