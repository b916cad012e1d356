/*
 * microcredit_internal.h — what the files of the micro-credit module share.
 *
 *   microcredit_model.c    schema, credits and their steps (instruction →
 *                          bank's decision → signature → repayments →
 *                          outcome), the repayment schedule, follow-up
 *                          contacts and incidents, lists, counts
 *   microcredit_pages.c    the lists (with CSV), a credit with its schedule
 *                          and steps, the new-credit form, the household
 *                          section, the home widget
 *   microcredit_api.c      the JSON API
 *   microcredit_module.c   the descriptor (permissions, routes, hooks, demo)
 */
#ifndef MODULES_MICROCREDIT_INTERNAL_H
#define MODULES_MICROCREDIT_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/civil.h"
#include "core/codes.h"
#include "modules/microcredit/microcredit.h"
#include "web/form.h"
#include "web/web.h"

extern int PERM_MC_READ, PERM_MC_WRITE;
extern const db_module_schema microcredit_schema;
extern const code MC_STATES[7], MC_PROJECTS[7], MC_EVENTS[2], MC_LISTS[5], MC_DECISIONS[3], MC_ENDS[4];

typedef struct mc_credit {
	int64_t id, household_id, person_id, amount, months, rate_bp, budget_before, version; /* budget_before: when budget_known */
	bool budget_known;
	const char *project, *project_kind, *bank, *status, *decision_on, *decision_reason, *signed_on, *first_due_on, *ended_on,
		*end_note, *opened_on;
} mc_credit;

typedef struct mc_event {
	int64_t id;
	const char *on, *kind, *note, *resolved_on;
} mc_event;

/* One line of the repayment schedule. */
typedef struct mc_due {
	int n;
	const char *on;                       /* "" until the first due date is known */
	int64_t payment, interest, principal, remaining; /* cents */
} mc_due;
/* The constant monthly payment of amount (cents) over months at rate_bp
 * (annual rate in hundredths of a per cent, 350 = 3,50 %), rounded to the
 * cent; the last line takes what rounding left. The schedule into *out
 * (months lines, arena) when out is not NULL; returns the payment. */
int64_t mc_schedule(arena *a, int64_t amount, int64_t months, int64_t rate_bp, const char *first_due, mc_due **out);

typedef struct mc_ctx {
	db_conn *c;
	arena *a;
	int64_t user;
	civil_date today;
} mc_ctx;
#define MC_CTX(r) ((mc_ctx){(r)->db, (r)->a, (r)->user->id, civil_today((r)->user->tz)})

bool mc_load(db_conn *c, arena *a, int64_t id, mc_credit *out);
int mc_events(db_conn *c, arena *a, int64_t id, mc_event **out);
err mc_create(const mc_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);
/* action: modifier, decision, signature, suivi, incident, regularise, cloture. */
err mc_act(const mc_ctx *x, mc_credit *m, const char *action, const kv_list *in, form_errors *fe, const char **why);

int mc_list(const mc_ctx *x, const char *list, int limit, int offset, mc_credit **out, int64_t *total);
int mc_of_household(db_conn *c, arena *a, int64_t hid, mc_credit **out);
typedef struct mc_counts { int64_t instruction, running, incidents; } mc_counts;
err mc_counts_of(const mc_ctx *x, mc_counts *out);

void mc_pages_init(void);
void mc_api_init(void);
void mc_section(web_req *r, int64_t hid);
void mc_widget(web_req *r);
/* The tables counted in a household's parts (persons.h): its migration creates their triggers, its descriptor
 * names them (module_part: `openccas check` recounts them). */
#define MICROCREDIT_PARTS(X) X("mc_credits", "microcredit", "structure_id, household_id", PERSONS_PART_ANY)

#endif
