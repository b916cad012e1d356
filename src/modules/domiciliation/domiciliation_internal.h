/*
 * domiciliation_internal.h — shared between the files of the domiciliation
 * module only: domiciliation_model.c (tables, statements, the typed row,
 * the workflow's rules: no HTML), domiciliation_pages.c and _actions.c,
 * domiciliation_api.c, the documents, the report, the DomiFa import and
 * export, the demo data, and the descriptor (domiciliation_module.c).
 */
#ifndef MODULES_DOMICILIATION_INTERNAL_H
#define MODULES_DOMICILIATION_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/codes.h"
#include "modules/domiciliation/domiciliation.h"
#include "modules/persons/persons.h"
#include "web/form.h"
#include "web/web.h"

extern const db_module_schema domiciliation_schema;
extern int PERM_DOMI_MAIL, PERM_DOMI_INSTRUCT, PERM_DOMI_DECIDE;

/* ---- code lists ---------------------------------------------------------------- */

extern const code DOMI_STATUS[5], DOMI_LINK[7], DOMI_HTYPE[6], DOMI_CAUSE[12], DOMI_STRIKE[6], DOMI_MAIL[3],
	DOMI_REFUSAL[4], DOMI_STRIKE_ALL[7], DOMI_CONTACT_KINDS[2], DOMI_EVENTS[12];
/* The module's code lists, by name: "link", "htype", "cause", "refusal",
 * "strike" (every motive that may be recorded), "status". */
bool domi_code_ok(const char *list, const char *code);
/* The French label of a code ("" for NULL, the code itself if unknown). */
const char *domi_code_label(const char *list, const char *code);

/* ---- one domiciliation -------------------------------------------------------------- */

/* Who acts, on which connection, what day it is for them. */
typedef struct domi_ctx {
	db_conn *c;
	arena *a;
	int64_t user;
	civil_date today;
} domi_ctx;
#define DOMI_CTX(r) ((domi_ctx){(r)->db, (r)->a, (r)->user->id, civil_today((r)->user->tz)})
/* « Effectué le »: a mail arrival, a hand-over or a contact dated the day
 * it happened (done_on "AAAA-MM-JJ"; empty: today), within the days the
 * structure allows; sets x->today to it. false with the reason in fe. */
bool domi_dated(web_req *r, domi_ctx *x, const char *done_on, form_errors *fe);

/* A domiciliation as stored. Dates are ISO (AAAA-MM-JJ) or NULL when not
 * recorded; texts are "" when empty. */
typedef struct domi {
	int64_t id, person_id, household_id, version;
	int64_t num;                              /* the number the counter works by, per structure */
	const char *status;                       /* DOMI_STATUS */
	const char *requested_on, *interview_on, *interview_place;
	const char *link, *household_type, *cause, *reason;
	bool non_eu_limited;                      /* L264-2: AME, legal aid, civil rights only */
	const char *first_on, *start_on, *end_on, *decided_on, *refusal_motive, *orientation;
	const char *struck_on, *strike_motive, *renewal_on, *last_contact_on;
	const char *ref, *alias, *dom_type;       /* taken over from DomiFa */
} domi;
/* E_NOT_FOUND outside the structure. */
err domi_load(db_conn *c, arena *a, int64_t id, domi *out);
/* « domiciliation n° 12 » for the journal (module.ref). */
/* The active domiciliation of that number in the structure, or 0. */
int64_t domi_active_by_num(db_conn *c, int64_t num);
const char *domi_ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href);
/* The same for a page of journal entries (module.refs). */
err domi_refs(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, const char **ref, const char **href);
bool domi_is(const domi *d, const char *status);

typedef struct domi_mail_count {
	const char *kind;
	int64_t count;
} domi_mail_count;
/* Mail waiting, by kind. */
int domi_mail_waiting(db_conn *c, arena *a, int64_t id, domi_mail_count **out);
typedef struct domi_proxy {
	int64_t id;
	const char *name, *from_on, *to_on;
} domi_proxy;
int domi_proxies(db_conn *c, arena *a, int64_t id, domi_proxy **out);
typedef struct domi_event {
	const char *on, *kind, *detail, *user;
} domi_event;
/* The history, newest first, whole. */
int domi_events(db_conn *c, arena *a, int64_t id, domi_event **out);
/* A household's domiciliations, newest first. */
/* A household's domiciliations as its page lists them, newest first, in one statement (the person's name through
 * the persons module's view person_names; "?" when the person is gone). */
typedef struct domi_of_hh {
	int64_t id, num;
	const char *status, *end_on, *name;
} domi_of_hh;
int domi_of_household(db_conn *c, arena *a, int64_t household_id, domi_of_hh **out);
/* The active domiciliation of several persons, fifty a statement: ids[i] and nums[i] (0 when none) for pids[i]. */
err domi_active_of_persons(db_conn *c, const int64_t *pids, int n, int64_t *ids, int64_t *nums);

/* The team's working lists. */
typedef enum domi_list_kind {
	DOMI_LIST_ALL,         /* by status ("" every one), newest first */
	DOMI_LIST_EXPIRING15,  /* active, ending within 15 days */
	DOMI_LIST_EXPIRING60,
	DOMI_LIST_NO_CONTACT,  /* active, no contact for more than three months */
	DOMI_LIST_LATE,        /* not answered within two months */
} domi_list_kind;
typedef struct domi_line {
	int64_t id, person_id, num;
	const char *status, *requested_on, *end_on, *last_contact_on;
	bool renewal_asked;
} domi_line;
/* A page of a list (limit, offset); *more says whether one follows. */
int domi_list(db_conn *c, arena *a, domi_list_kind kind, const char *status, civil_date today, int limit, int64_t offset,
              domi_line **out, bool *more);
typedef struct domi_figures {
	int64_t expiring15, lapsed;
} domi_figures;
err domi_home_figures(db_conn *c, civil_date today, domi_figures *out);

/* ---- the workflow: each action validates (form errors named by the form's
 * fields), checks the version the user saw where the law needs one
 * decision (E_CONFLICT if the file moved), and writes in one transaction
 * with its event, the household's timeline and the journal. */

typedef struct request_in {
	const char *person, *requested, *interview, *place, *link, *htype, *cause, *reason, *noneu;
} request_in;
err domi_request_add(const domi_ctx *x, const request_in *in, form_errors *fe, int64_t *id);
/* Instruction done: the interview (mandatory) and the link are recorded. */
err domi_submit(const domi_ctx *x, const domi *d, int64_t version, const char *interview, const char *place, const char *link,
                form_errors *fe);
/* A decision (first request or renewal) by a manager. Refusal only for
 * lack of a link with the commune (L264-4), and with an orientation.
 * *warning (static French) for a period shorter than a year. */
err domi_decide(const domi_ctx *x, const domi *d, int64_t version, const char *outcome, const char *start, const char *end,
                const char *orientation, form_errors *fe, const char **warning);
err domi_renew(const domi_ctx *x, const domi *d, int64_t version, const char *interview, form_errors *fe);
/* motive from DOMI_STRIKE. */
err domi_strike(const domi_ctx *x, const domi *d, const char *motive, form_errors *fe);
err domi_unstrike(const domi_ctx *x, const domi *d);
/* A visit or a call (DOMI_CONTACT_KINDS): counts for the three months. */
err domi_contact_add(const domi_ctx *x, const domi *d, const char *kind, form_errors *fe);
/* Mail received (during a forwarding period it is forwarded at once). */
err domi_mail_add(const domi_ctx *x, const domi *d, const char *kind, const char *count, form_errors *fe);
/* The mail counter: numbers of active domiciliations in text ("12, 12,
 * 57": one letter each); all checked first, nothing written if one is
 * wrong (*why, French). *written: how many. */
/* The mail counter: numbers separated by spaces, commas or lines (a
 * number repeated = several letters). The valid ones are recorded; the
 * others are listed with their reason. E_INPUT when none is valid (why). */
#define DOMI_BATCH_MAX 1000
typedef struct domi_reject { const char *token, *why; } domi_reject;
typedef struct domi_batch {
	int written, nrejected;
	domi_reject *rejected;
	const char *why;
} domi_batch;
err domi_mail_batch(const domi_ctx *x, const char *numbers, const char *kind, domi_batch *out);
const char *domi_batch_left(arena *a, const domi_batch *b);
/* Everything waiting handed over: to "personne", a proxy's id valid
 * today, "reexpedie" (with forward), "retourne". */
err domi_handover(const domi_ctx *x, const domi *d, const char *to, const char *forward, form_errors *fe);
/* Form fields: name, from, to (five proxies at most at a time). */
err domi_proxy_add(const domi_ctx *x, const domi *d, const char *name, const char *from, const char *to, form_errors *fe,
                   int64_t *id);
/* Form fields: address, fwd_from, fwd_to. */
err domi_forward_add(const domi_ctx *x, const domi *d, const char *address, const char *from, const char *to, form_errors *fe,
                     int64_t *id);

/* ---- the descriptor's hooks and each file's routes ---------------------------------------- */

void domi_subject(db_conn *c, arena *a, int64_t person_id, int64_t household_id, json_t *out);
err domi_anonymise(db_conn *c, int64_t household_id);
void domi_section(web_req *r, int64_t household_id);
void domi_home_widget(web_req *r);
err domi_demo(db *d, const module_demo *x);
/* The interview's answers taken over from DomiFa, as a list in the page
 * (nothing when there are none). */
void domi_answers_section(web_req *r, int64_t domiciliation_id);
/* Shared by the pages: the person's name ("?" when unknown). */
const char *domi_person_name(web_req *r, int64_t person_id, person_brief *p);
void domi_file_render(web_req *r, const domi *d, const form_errors *fe, const char *notice);
void domiciliation_pages_routes(void);
void domiciliation_actions_routes(void);
void domiciliation_api_routes(void);
void domiciliation_report_routes(void);
void domiciliation_docs_routes(void);
void domiciliation_export_routes(void);
void domiciliation_import_routes(void);
/* The tables counted in a household's parts (persons.h): its migration creates their triggers, its descriptor
 * names them (module_part: `openccas check` recounts them). */
#define DOMICILIATION_PARTS(X) X("domiciliations", "domiciliation", "structure_id, household_id", PERSONS_PART_ANY)

#endif
