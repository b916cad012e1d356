/*
 * food_internal.h — what the files of the food aid module share.
 *
 *   food_model.c     schema, settings, access decisions (the rulebook's
 *                    answer, the agent's decision, renewals), distributions
 *                    and their households, the counter's one action
 *   food_stock.c     products, lots, receipts, exits, inventory, the
 *                    grocery's visits (the till)
 *   food_report.c    the food bank's yearly report and the monthly figures
 *                    (page, CSV, XLSX, PDF)
 *   food_pages.c     access decisions, distributions, the counter, delivery
 *                    sheets, the card, the household section, the widget
 *   food_shop.c      the grocery's pages: the till, the stock, inventory
 *   food_api.c       the JSON API
 *   food_module.c    the descriptor (permissions, routes, hooks, demo)
 */
#ifndef MODULES_FOOD_INTERNAL_H
#define MODULES_FOOD_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/civil.h"
#include "core/codes.h"
#include "modules/food/food.h"
#include "web/form.h"
#include "web/web.h"

extern int PERM_FOOD_READ, PERM_FOOD_COUNTER, PERM_FOOD_DECIDE, PERM_FOOD_STOCK, PERM_FOOD_SETTINGS;
extern const db_module_schema food_schema;
extern const code FOOD_KINDS[2], FOOD_SIZES[3], FOOD_LINE_STATES[5], FOOD_CATEGORIES[12], FOOD_SOURCES[4], FOOD_EXITS[4],
	FOOD_DATE_KINDS[3];
/* The rulebook's rules that decide access (aid_tariff: eligibility, and the grocery's monthly allowance). */
#define FOOD_RULE_PARCEL "colis_alimentaire"
#define FOOD_RULE_SHOP "epicerie_sociale"
/* The rights to renew, ending between $2 and $3 with no later grant of their kind (the list « à renouveler », the
 * home page's count): each kind named, so that the index by structure, kind, grant and end serves the range on both
 * engines, and the later grant is looked for along its own index. */
#define FOOD_RENEW                                                                                                     \
	"FROM food_decisions d WHERE structure_id = $1 AND kind IN ('colis', 'epicerie') AND granted = 1 AND to_on >= $2 " \
	"AND to_on <= $3 AND ended_on IS NULL AND NOT EXISTS (SELECT 1 FROM food_decisions n WHERE n.structure_id = "        \
	"d.structure_id AND n.household_id = d.household_id AND n.kind = d.kind AND n.granted = 1 AND n.from_on > d.from_on)"

typedef struct food_ctx {
	db_conn *c;
	arena *a;
	int64_t user;
	civil_date today;
} food_ctx;
#define FOOD_CTX(r) ((food_ctx){(r)->db, (r)->a, (r)->user->id, civil_today((r)->user->tz)})

/* ---- settings ---- */
typedef struct food_settings {
	int rate;             /* participation rate at the grocery, percent of the shop price */
	int months;           /* a decision's usual length */
	int64_t grams[3];     /* a parcel's weight by size (petit, moyen, grand) */
	int near_days;        /* a use-by date within this many days is an alert (best-before: ten times as many) */
} food_settings;
void food_settings_get(db_conn *c, food_settings *out);
err food_settings_set(const food_ctx *x, const kv_list *in, form_errors *fe);
/* A parcel's size for a household of n persons. */
const char *food_size_of(int persons);

/* ---- access decisions ---- */
typedef struct food_decision {
	int64_t id, household_id, persons, allowance, rate, version; /* allowance: monthly cents, -1 none */
	bool granted, eligible, delivery;
	const char *kind, *from_on, *to_on, *reason, *explain, *size, *ended_on, *end_reason, *created_on;
} food_decision;
/* What the rulebook says of a household for a kind today: *state 1
 * eligible (amount: the grocery's allowance), 0 not eligible, -1 a figure
 * is missing, -2 no rule in the rulebook; *explain in French. */
void food_eligibility(const food_ctx *x, int64_t hid, const char *kind, int *state, int64_t *amount, const char **explain);
bool food_decision_load(db_conn *c, arena *a, int64_t id, food_decision *out);
/* The household's decision granted for kind covering day, or false. */
bool food_decision_on(db_conn *c, arena *a, int64_t hid, const char *kind, const char *day, food_decision *out);
/* list: "renouveler" (granted, ending within 15 days or ended within 30 and not renewed), "actives", "refusees", "" all. */
int food_decisions(const food_ctx *x, const char *list, int limit, int offset, food_decision **out, int64_t *total);
err food_decision_create(const food_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);
/* action: terminer (ended_on, end_reason). */
err food_decision_act(const food_ctx *x, food_decision *d, const char *action, const kv_list *in, form_errors *fe, const char **why);

/* ---- distributions ---- */
typedef struct food_dist {
	int64_t id, expected, collected, delivered, absent;
	const char *day, *site, *slots;
	bool closed;
} food_dist;
typedef struct food_line {
	int64_t id, dist_id, household_id, persons, at;
	bool delivery, added;
	const char *size, *slot, *state, *proxy, *file_no;
	const char *last_name, *first_names, *address1, *address2, *phone; /* the applicant's, from the persons module */
} food_line;
bool food_dist_load(db_conn *c, arena *a, int64_t id, food_dist *out);
/* Distributions from day on (NULL: every one), latest first. */
int food_dists(const food_ctx *x, int limit, int offset, food_dist **out, int64_t *total);
/* Creates a distribution with the households whose parcel decision covers its day. */
err food_dist_create(const food_ctx *x, const kv_list *in, form_errors *fe, int64_t *id, int64_t *lines);
/* The households of a distribution: state "" every one, "servi" those served (taken, by a proxy, delivered), or one state;
 * delivery -1 any, 0 at the counter, 1 delivered. */
int food_lines(db_conn *c, arena *a, int64_t dist, const char *state, int delivery, int limit, int offset, food_line **out, int64_t *total);
/* The counter's one action. line > 0 names the household's line; else q
 * (a card's barcode, a file number, or a name) finds it. state: retire,
 * procuration (proxy's name required), livre, absent, attendu (undo).
 * *outcome says what happened, in French; when q names several households
 * of the list, *matches holds them (E_CONFLICT, nothing written). */
typedef struct food_collect_out {
	const char *outcome;
	int64_t line, household_id;
	bool added;
	food_line *matches;
	int nmatches;
} food_collect_out;
err food_collect(const food_ctx *x, food_dist *d, int64_t line, const char *q, const char *state, const char *proxy,
                 food_collect_out *out);
err food_dist_close(const food_ctx *x, food_dist *d);

/* ---- stock ---- */
typedef struct food_product {
	int64_t id, price, grams, stock, lots, version; /* price: shop price per unit, cents; grams per unit; stock: units sellable */
	const char *name, *category, *barcode;
	bool active;
} food_product;
typedef struct food_lot {
	int64_t id, product_id, qty_in, qty, grams;
	const char *product, *category, *source, *origin, *received_on, *date_kind, *best_on;
	int days_left;        /* days to its date (negative past), when it has one */
	bool dated;
} food_lot;
/* stock counts what can be sold on x->today. */
int food_products(const food_ctx *x, bool active_only, food_product **out);
bool food_product_load(const food_ctx *x, int64_t id, food_product *out);
err food_product_save(const food_ctx *x, int64_t id, const kv_list *in, form_errors *fe, int64_t *out_id);
/* list: "stock" (quantity left), "alertes" (near their date or past it, with stock), "vides", "" all. */
int food_lots(const food_ctx *x, const char *list, int64_t product, int limit, int offset, food_lot **out, int64_t *total);
bool food_lot_load(const food_ctx *x, int64_t id, food_lot *out);
err food_lot_receive(const food_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);
/* An exit from a lot: kind perte, perime, transfert (qty, note). */
err food_lot_exit(const food_ctx *x, food_lot *l, const kv_list *in, form_errors *fe);
/* Inventory: for every "lot_<id>" counted, the difference recorded; *n lots changed, *diff the sum of differences. */
err food_inventory(const food_ctx *x, const kv_list *in, form_errors *fe, int64_t *n, int64_t *diff);

/* ---- the grocery ---- */
typedef struct food_account {
	food_decision d;      /* the grocery decision in force (d.id 0: none) */
	int64_t spent, left;  /* this month, cents (value at shop price) */
} food_account;
err food_account_of(const food_ctx *x, int64_t hid, food_account *out);
typedef struct food_basket_line {
	int64_t product_id, lot_id, qty, price, value, grams;
	const char *name;
} food_basket_line;
typedef struct food_basket {
	food_basket_line *lines;
	int n;
	int64_t value, pay, grams;
} food_basket;
/* Reads the basket typed ("p_<product>" or "lot_<lot>" = quantity),
 * prices it (lots chosen by the nearest date, never past a use-by date)
 * and checks it against the stock and the allowance left; E_INPUT with
 * the reasons in fe. */
err food_basket_read(const food_ctx *x, const food_account *acc, const kv_list *in, form_errors *fe, food_basket *out);
err food_visit_record(const food_ctx *x, const food_account *acc, const food_basket *b, int64_t *id);
typedef struct food_visit {
	int64_t id, household_id, decision_id, value, paid, before, grams;
	const char *day;
	food_basket_line *lines;
	int n;
} food_visit;
bool food_visit_load(db_conn *c, arena *a, int64_t id, food_visit *out);
int food_visits_of_day(db_conn *c, arena *a, const char *day, food_visit **out);
/* The household's section, in one statement: its decisions (the newest first) and its last `visits` visits to the
 * grocery (without their lines). */
err food_household_of(db_conn *c, arena *a, int64_t hid, int visits, food_decision **d, int *nd, food_visit **v, int *nv);

/* ---- the report ---- */
typedef struct food_tally {
	const char **label;
	int64_t *n;
	int count, cap;
} food_tally;
typedef struct food_report {
	int year;
	int64_t households, persons, parcels, visits, grams, value, paid;
	food_tally ages, compositions, kg_by_category, months; /* months: 12 rows of « parcels / visits / grams » below */
	int64_t m_parcels[12], m_visits[12], m_households[12], m_grams[12], m_value[12];
} food_report;
err food_report_make(const food_ctx *x, int year, food_report *out);

/* Finds the households a typed text names: a file number (the card's
 * barcode) first, else the search box's best matches; their number. */
int food_find(const food_ctx *x, const char *q, int64_t *hids, int max);
/* The applicant's name and the file number, for a line of a page. */
const char *food_who(db_conn *c, arena *a, int64_t hid);

void food_subnav(web_req *r, const char *here);
void food_pages_init(void);
void food_shop_init(void);
void food_report_init(void);
void food_api_init(void);
void food_section(web_req *r, int64_t hid);
void food_widget(web_req *r);
/* The tables counted in a household's parts (persons.h): its migration creates their triggers, its descriptor
 * names them (module_part: `openccas check` recounts them). */
#define FOOD_PARTS(X)                                                                                                \
	X("food_decisions", "food", "structure_id, household_id", PERSONS_PART_ANY)                                       \
	X("food_visits", "food", "structure_id, household_id", PERSONS_PART_ANY)

#endif
