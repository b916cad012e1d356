/*
 * aid_internal.h — what the files of the aid module share (not for other
 * modules: they use aid.h).
 *
 *   aid.c            schema, rulebook versions and their differences,
 *                    simulation, budget envelopes, demo
 *   aid_requests.c   a request's life: draft → submitted → instructed →
 *                    on a committee agenda or under delegation → decided →
 *                    notified → paid → closed; withdrawal, cancellation;
 *                    the request page and the work lists with exports
 *   aid_committee.c  committee sessions: agenda, anonymised presentation,
 *                    decisions in sequence, ratification of emergencies,
 *                    minutes (PDF)
 *   aid_docs.c       decision letters and voucher receipts (PDF)
 *   aid_api.c        the JSON API
 *
 * Every change of state goes through aid_act(), whichever door it came
 * from (page or API): one place checks the role, the state and the
 * version (two agents deciding the same request: the second is told).
 */
#ifndef MODULES_AID_INTERNAL_H
#define MODULES_AID_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/civil.h"
#include "modules/aid/aid_rules.h"
#include "modules/persons/persons.h"
#include "web/form.h"
#include "web/web.h"

extern int PERM_AID_RULES, PERM_AID_SIMULATE, PERM_AID_READ, PERM_AID_INSTRUCT, PERM_AID_DECIDE, PERM_AID_COMMITTEE,
	PERM_AID_PAY, PERM_AID_ACT;

/* Statuses and their French labels. */
#define AID_NSTATUS 10
extern const char *const AID_ST_V[AID_NSTATUS], *const AID_ST_L[AID_NSTATUS];
const char *aid_status_label(const char *status);
const char *aid_decision_label(const char *decision);
const char *aid_route_label(const char *route);

typedef struct aid_req {
	int64_t id, household_id, person_id, rulebook_id, session_id, version, instructor_id, decided_by;
	int64_t bill, proposed, opinion_amount, granted, paid, qf, rav;
	int residence_months, eligible, agenda_no; /* eligible: -1 not evaluated yet */
	const char *aid_key, *aid_label, *status, *requested_on, *purpose, *creditor, *docs_missing, *explain, *opinion,
		*opinion_reason, *route, *decision, *decision_motive, *decided_on, *ratified_on, *notified_on, *payment_mode,
		*paid_on, *vouchers, *pay_reference, *closed_on, *end_reason;
} aid_req;
bool aid_req_load(db_conn *c, arena *a, int64_t id, aid_req *out);

/* The rulebook in force on a date (parsed), its id; false if none. */
bool aid_rulebook_on(db_conn *c, arena *a, civil_date on, aid_rulebook *rb, int64_t *id);
bool aid_rulebook_by_id(db_conn *c, arena *a, int64_t id, aid_rulebook *rb);

/* The engine's facts for a household, an aid and a date, with what was
 * already granted (ceilings), not counting request exclude_id. */
err aid_facts_for(db_conn *c, arena *a, int64_t household_id, const char *aid_key, civil_date on, int64_t exclude_id,
                  int residence_months, int64_t bill, aid_facts *f, household_budget *hb);

/* Budget: voted envelope for an aid and a year (-1 when none), committed
 * (granted, not cancelled) and paid amounts that year. */
typedef struct aid_envelope {
	int64_t voted, committed, paid;
} aid_envelope;
err aid_envelope_of(db_conn *c, const char *aid_key, int year, aid_envelope *out);

/* The one entry for every change of a request. action: deposer, pieces,
 * instruire, inscrire, decider, notifier, payer, clore, retirer, annuler,
 * ratifier. in: the fields (form or JSON turned into pairs), including
 * "version" for the optimistic check. Returns E_OK, E_INPUT (fe filled),
 * E_FORBIDDEN (role), E_CONFLICT (*why says: state or someone else first). */
err aid_act(web_req *r, aid_req *q, const char *action, const kv_list *in, form_errors *fe, const char **why);
/* Creates a draft. in: household, person (optional), aid, requested_on,
 * purpose, bill, residence, creditor. */
err aid_create(web_req *r, const kv_list *in, form_errors *fe, int64_t *id);

/* Lists: the named work lists and their filters, shared by the page,
 * the exports and the API. */
typedef struct aid_list_filter {
	const char *list;      /* "", a_instruire, pieces, delegation, commission, a_notifier, a_payer, decidees_mois, mes */
	const char *status, *aid;
	int64_t session_id;
	int64_t household_id;
	int page;              /* 1-based */
} aid_list_filter;
void aid_list_filter_from(web_req *r, aid_list_filter *f);
/* Runs the list; rows as aid_req (partially filled: list columns). */
int aid_list_run(web_req *r, const aid_list_filter *f, int limit, int offset, aid_req *rows);

/* Committee sessions (aid_committee.c), for the page and the API. */
err aid_session_create(web_req *r, const char *held_on, const char *place, form_errors *fe, int64_t *id);
/* Records the members present; finish closes the session (refused while
 * requests of its agenda are undecided: E_CONFLICT, *why). */
err aid_session_close(web_req *r, int64_t id, const char *members, bool finish, const char **why);
/* A new rulebook version (E_INPUT with the errors when invalid). */
err aid_rules_store_api(web_req *r, const char *text, aid_error *errs, int max, int *ne, int64_t *id);

void aid_requests_init(void);
void aid_committee_init(void);
void aid_docs_init(void);
void aid_api_init(void);
void aid_household_section(web_req *r, int64_t household_id);

/* Small helpers. */
err aid_event(db_conn *c, int64_t request_id, int64_t session_id, int64_t user_id, const char *on, const char *kind,
              const char *detail);
/* A JSON object's members as pairs (strings, numbers, booleans; arrays of
 * strings joined with ", "), for aid_act. */
void aid_kv_from_json(arena *a, json_t *o, kv_list *out);
#endif
