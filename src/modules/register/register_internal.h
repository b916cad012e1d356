/*
 * register_internal.h — what the files of the register module share.
 *
 *   register_model.c      schema, the named agents, the proofs of a
 *                         disability (a list the structure extends),
 *                         eligibility, entries (request, acknowledgement,
 *                         consent, file, yearly check, removal), lists
 *   register_campaign.c   alert campaigns: the call list and its priority,
 *                         sharing among agents, calls and escalation, the
 *                         board's counts, the préfet's exports
 *   register_pages.c      the register's pages (lists, an entry, the new
 *                         entry, the agents and proofs), the letter of
 *                         acknowledgement, the household section, the widget
 *   register_campaign_pages.c  a campaign's pages: the board, the call
 *                         sheets (PDF), the préfet's export, the report (PDF)
 *   register_api.c        the JSON API
 *   register_module.c     the descriptor (permissions, routes, hooks, demo)
 *
 * Reading: a user holding PERM_REG_READ *and* named by the structure
 * (reg_named); every reading of an entry is journaled.
 */
#ifndef MODULES_REGISTER_INTERNAL_H
#define MODULES_REGISTER_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/civil.h"
#include "core/codes.h"
#include "modules/register/register.h"
#include "web/form.h"
#include "web/web.h"

extern int PERM_REG_READ, PERM_REG_ADMIN, PERM_REG_CALL;
extern const db_module_schema register_schema;
extern const code REG_BASES[3], REG_BY[3], REG_THIRD[4], REG_LISTS[5], REG_CAMPAIGN_KINDS[4], REG_OUTCOMES[4], REG_CALL_STATES[7],
	REG_REMOVE_REASONS[4];

/* Is the user one of the agents the structure names to read the register? */
bool reg_named(web_req *r);
/* Refuses (403, in French) and returns false when not; journals nothing. */
bool reg_gate(web_req *r);
/* A volunteer the structure named: the calls given to them, nothing else. */
bool reg_caller(web_req *r);
int reg_agents(db_conn *c, arena *a, int64_t **ids, const char ***names); /* the named agents */
err reg_agent_set(db_conn *c, int64_t by, int64_t user_id, bool named);

typedef struct reg_entry {
	int64_t id, household_id, person_id, gir, version; /* gir 0: not said */
	int living_alone;                                  /* -1 not said, 0 no, 1 yes */
	const char *status, *basis, *proof, *requested_by, *third_kind, *third_name, *written_ref, *requested_on, *ack_due_on, *ack_on,
		*consent_on, *access_notes, *phones, *doctor, *services, *health_notes, *confirmed_on, *removed_on, *remove_reason;
	const char *last_name, *first_names, *birth_date, *address1, *address2, *phone; /* the person's, from the persons module */
} reg_entry;

typedef struct reg_contact { int64_t id; const char *name, *relation, *phone; } reg_contact;

/* Who may be registered (L121-6-1): 65 or more; 60 or more and recognised
 * unfit for work; a disabled adult with a proof from the structure's list.
 * *why says why not, in French; age from the birth date at day. */
bool reg_eligible(const char *basis, const char *birth_date, const char *proof, bool proof_known, civil_date day, arena *a,
                  const char **why);
int reg_proofs(db_conn *c, arena *a, const char ***out);   /* the structure's list (defaults written on first use) */
err reg_proof_add(db_conn *c, int64_t by, const char *label, form_errors *fe);

typedef struct reg_ctx {
	db_conn *c;
	arena *a;
	int64_t user;
	civil_date today;
	const char *tz;
} reg_ctx;
#define REG_CTX(r) ((reg_ctx){(r)->db, (r)->a, (r)->user->id, civil_today((r)->user->tz), (r)->user->tz})

bool reg_load(db_conn *c, arena *a, int64_t id, reg_entry *out);
/* The entries of a list's rows, fifty a statement: out[i] for ids[i] (zeroed when not found); false on a failure. */
bool reg_load_many(db_conn *c, arena *a, const int64_t *ids, int n, reg_entry *out);
int reg_contacts(db_conn *c, arena *a, int64_t entry_id, reg_contact **out);
err reg_create(const reg_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);
/* action: accuse (the letter sent), fiche (the file's contents), contact
 * (a person to warn), confirmer (the yearly check), radier (removal, at
 * once: the file's words wiped). */
err reg_act(const reg_ctx *x, reg_entry *e, const char *action, const kv_list *in, form_errors *fe, const char **why);
/* A work list's page, or (q: a name) the entries of the REG_FOUND persons the search finds closest — partial when
 * more may match than were looked at. */
enum { REG_FOUND = 200 };
int reg_list(const reg_ctx *x, const char *list, const char *q, int limit, int offset, reg_entry **out, int64_t *total,
             bool *partial);
int64_t reg_of_person_household(db_conn *c, int64_t household_id, reg_entry **out, arena *a, int *n);
typedef struct reg_counts { int64_t registered, ack_late, unconfirmed; } reg_counts;
err reg_counts_of(const reg_ctx *x, reg_counts *out);

/* ---- campaigns ---- */
typedef struct reg_campaign {
	int64_t id, recall_minutes, version;
	const char *kind, *level, *started_on, *ends_on, *closed_on, *report_text;
} reg_campaign;
typedef struct reg_call {
	int64_t id, entry_id, assigned_to, priority, attempts, last_at, due_at; /* epoch seconds; due_at 0: nothing due */
	const char *state, *outcome, *arranged, *assigned_name;
	reg_entry e;
} reg_call;
typedef struct reg_board { int64_t total, to_call, reached_ok, needs, to_recall, to_visit, escalated, overdue; } reg_board;

bool reg_campaign_load(db_conn *c, arena *a, int64_t id, reg_campaign *out);
int reg_campaigns(db_conn *c, arena *a, reg_campaign **out);
bool reg_campaign_open(db_conn *c, arena *a, reg_campaign *out); /* the one in progress */
/* Opens a campaign and builds its call list from the register, most
 * exposed first, shared among the named agents in turn. */
err reg_campaign_create(const reg_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);
err reg_campaign_close(const reg_ctx *x, reg_campaign *k, const kv_list *in, form_errors *fe, const char **why);
/* state filter: "" all, else a REG_CALL_STATES code, "mine" (assigned to the user, calls and visits),
 * "mes_appels" (assigned to the user, calls only: a volunteer's), "en_retard". */
int reg_calls(const reg_ctx *x, int64_t campaign, const char *filter, int limit, int offset, reg_call **out, int64_t *total);
bool reg_call_load(const reg_ctx *x, int64_t campaign, int64_t call, reg_call *out);
/* An attempt: outcome ok / besoin / sans_reponse (then a recall is due
 * within the campaign's minutes, then a visit, then the emergency
 * services), or visite / urgence typed by the agent. */
err reg_call_record(const reg_ctx *x, const reg_campaign *k, reg_call *call, const kv_list *in, form_errors *fe, const char **why);
err reg_board_of(const reg_ctx *x, int64_t campaign, reg_board *out);
typedef struct reg_export { int64_t id, by, rows; const char *at, *format, *by_name; } reg_export;
int reg_exports(db_conn *c, arena *a, int64_t campaign, reg_export **out);
err reg_export_record(const reg_ctx *x, int64_t campaign, const char *format, int64_t rows);

void reg_pages_init(void);
void reg_campaign_pages_init(void);
void reg_volunteer_init(void);
void reg_volunteer_widget(web_req *r);
void reg_api_init(void);
void reg_section(web_req *r, int64_t hid);
void reg_widget(web_req *r);
/* The tables counted in a household's parts (persons.h): its migration creates their triggers, its descriptor
 * names them (module_part: `openccas check` recounts them). */
#define REGISTER_PARTS(X) X("reg_entries", "register", "structure_id, household_id", PERSONS_PART_ANY)

#endif
