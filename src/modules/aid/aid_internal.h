/*
 * aid_internal.h — what the files of the aid module share (not for other
 * modules: they use aid.h).
 *
 *   aid_module.c     the descriptor (permissions, routes, navigation, sections)
 *   aid_model.c      schema, rulebook versions, the engine's facts about a
 *                    household (and what it already received), tariffs
 *   aid_rules.c      the rulebook's parser and checker; aid_engine.c the
 *                    evaluation and what it understood (aid_rules.h)
 *   aid_workflow.c   a request's life: draft → submitted → instructed →
 *                    on a committee agenda or under delegation → decided →
 *                    notified → paid → closed; withdrawal, cancellation
 *                    (aid_act, a table of transitions)
 *   aid_requests.c   the request page and the new-request form
 *   aid_lists.c      the work lists, their exports
 *   aid_pages.c      the rulebook's pages, the simulation, budget envelopes
 *   aid_committee.c  committee sessions: agenda, anonymised presentation,
 *                    decisions in sequence, ratification of emergencies,
 *                    minutes (PDF)
 *   aid_home.c       each role's work on the home page
 *   aid_docs.c       decision letters and voucher receipts (PDF)
 *   aid_api.c        the JSON API
 *   aid_demo.c       demo data
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
#include "core/codes.h"
#include "modules/aid/aid.h"
#include "modules/aid/aid_rules.h"
#include "modules/persons/persons.h"
#include "web/form.h"
#include "web/web.h"

extern const db_module_schema aid_schema;
extern int PERM_AID_RULES, PERM_AID_RULES_READ, PERM_AID_SIMULATE, PERM_AID_READ, PERM_AID_INSTRUCT, PERM_AID_DECIDE, PERM_AID_COMMITTEE,
	PERM_AID_PAY, PERM_AID_ACT;

/* Who acts, on which connection, what day it is for them, and what
 * their role allows (the workflow's rules depend on it). */
typedef struct aid_ctx {
	db_conn *c;
	arena *a;
	int64_t user;
	civil_date today;
	uint64_t perms;
} aid_ctx;
#define AID_CTX(r) ((aid_ctx){(r)->db, (r)->a, (r)->user->id, civil_today((r)->user->tz), (r)->user->perms})
/* The same as a pointer, for a call. */
#define AID_X(r) (&(aid_ctx){(r)->db, (r)->a, (r)->user->id, civil_today((r)->user->tz), (r)->user->perms})
static inline bool aid_can(const aid_ctx *x, int perm) { return perm >= 0 && perm < 64 && ((x->perms >> perm) & 1); }

/* Statuses and their French labels. */
#define AID_NSTATUS 10
extern const code AID_STATUS[AID_NSTATUS];
/* The steps of a request's history, and the named work lists. */
extern const code AID_EVENTS[14], AID_LISTS[10];
const char *aid_status_label(const char *status);
const char *aid_decision_label(const char *decision);
const char *aid_route_label(const char *route);

typedef struct aid_req {
	int64_t id, household_id, person_id, rulebook_id, session_id, version, instructor_id, decided_by;
	int64_t bill, proposed, opinion_amount, granted, paid, qf, rav;
	int residence_months, eligible, agenda_no; /* eligible: -1 not evaluated yet */
	bool qf_known, rav_known;                  /* at instruction; else « non renseigné » */
	const char *explain_plain;                 /* the rule's outcome for the person ("" before it existed) */
	const char *need;                          /* the kind of need (folded key), "" when the aid has none */
	const char *aid_key, *aid_label, *status, *requested_on, *purpose, *creditor, *docs_missing, *explain, *opinion,
		*opinion_reason, *route, *decision, *decision_motive, *decided_on, *ratified_on, *notified_on, *payment_mode,
		*paid_on, *vouchers, *pay_reference, *closed_on, *end_reason;
} aid_req;
bool aid_req_load(db_conn *c, arena *a, int64_t id, aid_req *out);
/* A row of REQ_COLS (aid_workflow.c, aid_lists.c) into a request. */
void aid_req_fill(db_res *q, arena *a, aid_req *o);
#define REQ_COLS                                                                                                            \
	"id, household_id, person_id, rulebook_id, session_id, version, instructor_id, decided_by, bill, proposed, "            \
	"opinion_amount, granted, paid, qf, rav, residence_months, eligible, agenda_no, aid_key, aid_label, status, "           \
	"requested_on, purpose, creditor, docs_missing, explain, opinion, opinion_reason, route, decision, decision_motive, " \
	"decided_on, ratified_on, notified_on, payment_mode, paid_on, vouchers, pay_reference, closed_on, end_reason, qf_known, rav_known, explain_plain, need"

/* The rulebook in force on a date (parsed), its id; false if none. */
bool aid_rulebook_on(db_conn *c, arena *a, civil_date on, aid_rulebook *rb, int64_t *id);
bool aid_rulebook_by_id(db_conn *c, arena *a, int64_t id, aid_rulebook *rb);
/* The rule that applies to a request: the version it was instructed
 * with, else the one in force on the request date (NULL: none). */
const aid_rule *aid_rule_of(db_conn *c, arena *a, const aid_req *q, aid_rulebook *rb, int64_t *rbid);
/* A rulebook's text parsed (false if it does not parse). */
bool aid_rulebook_parse(arena *a, const char *text, aid_rulebook *rb);
/* A version stored as it is (demo data: created at a past instant). */
err aid_rulebook_insert(db_conn *c, const aid_rulebook *rb, const char *text, int64_t user, int64_t at, int64_t *id);

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
err aid_act(const aid_ctx *x, aid_req *q, const char *action, const kv_list *in, form_errors *fe, const char **why);
/* Creates a draft. in: household, person (optional), aid, requested_on,
 * purpose, bill, residence, creditor. */
err aid_create(const aid_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);

/* Lists: the named work lists and their filters, shared by the page,
 * the exports and the API. */
typedef struct aid_list_filter {
	const char *list;      /* "", a_instruire, pieces, delegation, commission, a_notifier, a_payer, decidees_mois, mes */
	const char *status, *aid;
	int64_t session_id;
	int64_t household_id;
	int page;              /* 1-based */
} aid_list_filter;
void aid_list_filter_from(const kv_list *query, aid_list_filter *f);
/* Runs the list; rows as aid_req (partially filled: list columns). */
int aid_list_run(const aid_ctx *x, const aid_list_filter *f, int limit, int offset, aid_req *rows);

/* Committee sessions (aid_committee.c), for the page and the API. */
err aid_session_create(const aid_ctx *x, const char *held_on, const char *place, form_errors *fe, int64_t *id);
/* Records the members present; finish closes the session (refused while
 * requests of its agenda are undecided: E_CONFLICT, *why). */
/* Records who attended; closes when finish and nothing on the agenda is
 * undecided. Undecided requests: E_INPUT, why lists them, the attendance
 * is recorded all the same. E_CONFLICT only when already closed. */
err aid_session_close(const aid_ctx *x, int64_t id, const char *members, bool finish, const char **why);
/* The agenda's undecided requests, « n° 3 (Secours), … », and their count. */
const char *aid_session_pending(const aid_ctx *x, int64_t id, int *n);
/* A new rulebook version (E_INPUT with the errors when invalid). */
err aid_rules_store(const aid_ctx *x, const char *text, aid_error *errs, int max, int *ne, int64_t *id);
/* The envelopes voted for a year, one per aid of rb (-1: none). */
err aid_budget_set(const aid_ctx *x, int year, const aid_rulebook *rb, const int64_t *amounts);

/* Each file's routes (aid_module.c calls them), the descriptor's hooks. */
void aid_pages_routes(void);
void aid_requests_routes(void);
void aid_committee_routes(void);
void aid_docs_routes(void);
void aid_api_routes(void);
void aid_household_section(web_req *r, int64_t household_id);
void aid_home_widget(web_req *r);
/* « demande d’aide n° 5 » for the journal (module.ref). */
const char *aid_ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href);
void aid_subject(db_conn *c, arena *a, int64_t person_id, int64_t household_id, json_t *out);
err aid_anonymise(db_conn *c, int64_t household_id);
err aid_demo(db *d, const module_demo *x);

/* A request's history, oldest first. */
typedef struct aid_step_row {
	const char *on, *kind, *detail, *user;
	int64_t session_id;
} aid_step_row;
int aid_events_of(db_conn *c, arena *a, int64_t request_id, aid_step_row **out);
/* The sessions still to be held, soonest first. */
typedef struct aid_session_brief {
	int64_t id;
	const char *held_on, *place;
} aid_session_brief;
int aid_open_sessions(db_conn *c, arena *a, aid_session_brief **out);
/* The items of a comma list ("identité, facture"), trimmed, empty ones
 * dropped: a rule's documents and payment modes. */
int aid_items(arena *a, const char *list, char ***out);

/* Small helpers. */
err aid_event(db_conn *c, int64_t request_id, int64_t session_id, int64_t user_id, const char *on, const char *kind,
              const char *detail);
/* A JSON object's members as pairs (strings, numbers, booleans; arrays of
 * strings joined with ", "), for aid_act. */
void aid_kv_from_json(arena *a, json_t *o, kv_list *out);
/* The tables counted in a household's parts (persons.h): its migration creates their triggers, its descriptor
 * names them (module_part: `openccas check` recounts them). */
#define AID_PARTS(X) X("aid_requests", "aid", "structure_id, household_id", PERSONS_PART_ANY)

#endif
