/*
 * housing_internal.h — what the files of the social housing module share.
 *
 *   housing_model.c    schema, the structure's setting (the département's
 *                      « délai anormalement long »), requests, renewals,
 *                      proposals, allocation and striking off, lists, counts,
 *                      reminders of renewal
 *   housing_pages.c    the lists (with CSV), a request, the new-request
 *                      form, the setting, the household section, the widget
 *   housing_api.c      the JSON API
 *   housing_module.c   the descriptor (permissions, routes, hooks, demo)
 */
#ifndef MODULES_HOUSING_INTERNAL_H
#define MODULES_HOUSING_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/civil.h"
#include "core/codes.h"
#include "modules/housing/housing.h"
#include "web/form.h"
#include "web/web.h"

extern int PERM_HOUSING_READ, PERM_HOUSING_WRITE, PERM_HOUSING_SETTINGS;
extern const db_module_schema housing_schema;
extern const code HOUSING_STATES[3], HOUSING_SIZES[8], HOUSING_PRIORITIES[9], HOUSING_CONTINGENTS[6], HOUSING_HELP[3],
	HOUSING_OUTCOMES[5], HOUSING_END_REASONS[5], HOUSING_LISTS[6];

typedef struct housing_request {
	int64_t id, household_id, person_id, persons, version;
	const char *number, *filed_on, *renewed_on, *expires_on, *status, *size, *communes, *priorities, *contingent, *help,
		*notes, *ended_on, *end_reason, *allocated_address, *allocated_landlord;
} housing_request;

typedef struct housing_proposal {
	int64_t id, request_id, rent; /* rent: monthly, cents; -1 not said */
	const char *landlord, *address, *size, *commission_on, *outcome, *refusal_reason, *received_on;
} housing_proposal;

typedef struct housing_ctx {
	db_conn *c;
	arena *a;
	int64_t user;
	civil_date today;
} housing_ctx;
#define HOUSING_CTX(r) ((housing_ctx){(r)->db, (r)->a, (r)->user->id, civil_today((r)->user->tz)})

/* The numéro unique as typed (spaces, dots and dashes dropped, upper
 * case) into *out when its form is right: a département code (« 075 »,
 * « 02A », « 974 ») then the month of the first filing (4 digits) then
 * letters and digits, 13 to 20 characters in all. */
bool housing_number_ok(arena *a, const char *typed, const char **out);
/* The structure's « délai anormalement long » in months, 0 when not set. */
int housing_abnormal_months(db_conn *c);
err housing_settings_save(db_conn *c, int64_t user, const kv_list *in, form_errors *fe);

bool housing_load(db_conn *c, arena *a, int64_t id, housing_request *out);
int housing_proposals(db_conn *c, arena *a, int64_t request_id, housing_proposal **out);
/* A request as the person filed it (household, person, number, dates,
 * wishes, criteria, the CCAS's part). */
err housing_create(const housing_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);
/* action: modifier (wishes, criteria, help, notes), renouveler, proposition,
 * issue (a proposal's outcome, "proposal" names it), radier. */
err housing_act(const housing_ctx *x, housing_request *h, const char *action, const kv_list *in, form_errors *fe, const char **why);
/* The request lapsed: active but not renewed by its end date. */
bool housing_lapsed(const housing_ctx *x, const housing_request *h);

/* Lists (HOUSING_LISTS), *total the whole count; -1 when the query failed. */
int housing_list(const housing_ctx *x, const char *list, int limit, int offset, housing_request **out, int64_t *total);
int housing_of_household(db_conn *c, arena *a, int64_t hid, housing_request **out);
typedef struct housing_counts { int64_t renewals, lapsed, proposals, long_wait; int abnormal_months; } housing_counts;
err housing_counts_of(const housing_ctx *x, housing_counts *out);
err housing_notify(db *d, civil_date today, bool send, int64_t *count);

void housing_pages_init(void);
void housing_api_init(void);
void housing_section(web_req *r, int64_t hid);
void housing_widget(web_req *r);
/* The tables counted in a household's parts (persons.h): its migration creates their triggers, its descriptor
 * names them (module_part: `openccas check` recounts them). */
#define HOUSING_PARTS(X) X("housing_requests", "housing", "structure_id, household_id", PERSONS_PART_ANY)

#endif
