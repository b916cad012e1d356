/*
 * homecare_internal.h — what the files of the services-at-home module share.
 *
 *   homecare_model.c      schema, téléassistance, meal subscriptions, their
 *                         absences, rounds and stops, the day's orders
 *   homecare_billing.c    the month's invoices at the rulebook's tariff
 *                         (aid_tariff, « repas_domicile »), payments
 *   homecare_pages.c      téléassistance pages, a subscription's page, the
 *                         household section, the widget
 *   homecare_meals.c      the day (orders by round, the kitchen's counts,
 *                         delivered in one action), rounds and their sheets
 *                         (PDF), billing and invoices (PDF)
 *   homecare_api.c        the JSON API
 *   homecare_module.c     the descriptor (permissions, routes, hooks, demo)
 */
#ifndef MODULES_HOMECARE_INTERNAL_H
#define MODULES_HOMECARE_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/civil.h"
#include "core/codes.h"
#include "modules/homecare/homecare.h"
#include "web/form.h"
#include "web/web.h"

extern int PERM_HC_READ, PERM_HC_WRITE, PERM_HC_BILL;
extern const db_module_schema homecare_schema;
extern const code HC_PAYERS[6], HC_DIETS[7], HC_TEXTURES[3], HC_ABSENCES[4], HC_ORDER_STATES[4], HC_MEANS[4];
#define HC_TARIFF "repas_domicile" /* the rulebook's tariff that prices a meal */

typedef struct hc_ctx {
	db_conn *c;
	arena *a;
	int64_t user;
	civil_date today;
} hc_ctx;
#define HC_CTX(r) ((hc_ctx){(r)->db, (r)->a, (r)->user->id, civil_today((r)->user->tz)})

/* ---- téléassistance ---- */
typedef struct hc_alarm {
	int64_t id, household_id, person_id, price, version; /* price: monthly, cents; -1 not said */
	const char *provider, *device, *started_on, *ended_on, *payer, *contacts, *notes, *end_reason;
} hc_alarm;
bool hc_alarm_load(db_conn *c, arena *a, int64_t id, hc_alarm *out);
/* list: "actives", "fin_proche" (ending within 30 days), "terminees", "" all. */
int hc_alarms(const hc_ctx *x, const char *list, int limit, int offset, hc_alarm **out, int64_t *total);
/* What the household's page shows of a service: an alarm (provider) or a meal subscription (pattern). */
typedef struct hc_service {
	bool meals;
	int64_t id;
	const char *what, *started_on, *ended_on;
} hc_service;
/* The household's alarms, then its meal subscriptions, each the newest first (one statement); -1 when not read. */
int hc_services_of(db_conn *c, arena *a, int64_t hid, hc_service **out);
err hc_alarm_create(const hc_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);
/* action: modifier (provider, device, price, payer, contacts, notes), terminer (ended_on, end_reason). */
err hc_alarm_act(const hc_ctx *x, hc_alarm *al, const char *action, const kv_list *in, form_errors *fe, const char **why);

/* ---- meals ---- */
typedef struct hc_round { int64_t id, stops; const char *name, *driver; bool active; } hc_round;
typedef struct hc_sub {
	int64_t id, household_id, person_id, round_id, stop_order, version;
	const char *started_on, *ended_on, *diet, *texture, *pattern, *access_notes, *round_name;
	/* the person's, from the persons module */
	const char *last_name, *first_names, *address1, *address2, *phone;
} hc_sub;
typedef struct hc_absence { int64_t id; const char *from_on, *to_on, *reason; } hc_absence;
typedef struct hc_order {
	int64_t id, sub_id, round_id, count;
	const char *day, *diet, *texture, *state;
	hc_sub s;
} hc_order;

int hc_rounds(db_conn *c, arena *a, hc_round **out);
err hc_round_save(const hc_ctx *x, int64_t id, const kv_list *in, form_errors *fe, int64_t *out_id);
bool hc_sub_load(db_conn *c, arena *a, int64_t id, hc_sub *out);
/* Active subscriptions of a round (0: every round), in the order of stops. */
int hc_subs_of_round(db_conn *c, arena *a, int64_t round, hc_sub **out);
err hc_sub_create(const hc_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);
/* action: modifier (diet, texture, pattern, round, stop, access), absence (from, to, reason), terminer. */
err hc_sub_act(const hc_ctx *x, hc_sub *s, const char *action, const kv_list *in, form_errors *fe, const char **why);
int hc_absences(db_conn *c, arena *a, int64_t sub, hc_absence **out);
/* The weekly pattern in words: « Lun 1, Mar 1, Jeu 2 ». */
const char *hc_pattern_fr(arena *a, const char *pattern);
/* The day's orders, written from the patterns and absences the first time
 * they are asked for (later changes of a pattern do not touch them), then
 * read by round and stop. round: 0 every round, -1 the orders of no round
 * (their round_id 0), else that round. */
int hc_day(const hc_ctx *x, civil_date day, int64_t round, hc_order **out);
/* The same day's orders counted (written first as hc_day does), by round
 * (0: none), state, diet and texture, without reading them one by one;
 * -1 on failure (never counts in part). */
typedef struct hc_day_count {
	int64_t round_id, orders, meals;
	const char *state, *diet, *texture;
} hc_day_count;
int hc_day_counts(const hc_ctx *x, civil_date day, hc_day_count **out);
/* Every order of a round (0 every round, -1 no round) that day marked
 * delivered, but those the agent ticked absent; *n how many. */
err hc_day_delivered(const hc_ctx *x, civil_date day, int64_t round, const int64_t *absent, int nabsent, int64_t *n);
err hc_order_set(const hc_ctx *x, int64_t order, const char *state, form_errors *fe);

/* ---- billing ---- */
typedef struct hc_bill_line {
	int64_t sub_id, household_id, meals, unit, total, invoice_id, paid; /* unit, total -1: no price */
	const char *who, *explain, *number, *status;
} hc_bill_line;
/* The month's lines: every subscription with meals delivered, priced (or
 * why not), with its invoice when issued. */
int hc_bill_preview(const hc_ctx *x, const char *month, hc_bill_line **out);
/* Issues the month's invoices that can be priced and are not yet; *n. */
err hc_bill_issue(const hc_ctx *x, const char *month, int64_t *n, int64_t *skipped);
typedef struct hc_invoice {
	int64_t id, sub_id, household_id, meals, unit, total, paid;
	const char *month, *number, *issued_on, *status, *explain;
} hc_invoice;
bool hc_invoice_load(db_conn *c, arena *a, int64_t id, hc_invoice *out);
err hc_payment_add(const hc_ctx *x, hc_invoice *inv, const kv_list *in, form_errors *fe);

/* The module's own navigation, at the top of each of its pages. */
void hc_subnav(web_req *r, const char *here);
void hc_pages_init(void);
void hc_meals_init(void);
void hc_api_init(void);
void hc_section(web_req *r, int64_t hid);
void hc_widget(web_req *r);
/* The tables counted in a household's parts (persons.h): its migration creates their triggers, its descriptor
 * names them (module_part: `openccas check` recounts them). */
#define HOMECARE_PARTS(X)                                                                                            \
	X("hc_alarms", "homecare", "structure_id, household_id", PERSONS_PART_ANY)                                        \
	X("hc_subs", "homecare", "structure_id, household_id", PERSONS_PART_ANY)

#endif
