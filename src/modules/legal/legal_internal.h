/*
 * legal_internal.h — what the files of the statutory aid module share.
 *
 *   legal_model.c    schema, the catalogue of kinds (shipped defaults, edited
 *                    by the structure), files and their steps (lodged →
 *                    forwarded → answered → closed), the one-month rule, lists
 *   legal_pages.c    the work lists, the file page, the new-file form, the
 *                    catalogue, the household page's section, the home widget
 *   legal_api.c      the JSON API
 *   legal_module.c   the descriptor (permissions, routes, hooks, demo)
 */
#ifndef MODULES_LEGAL_INTERNAL_H
#define MODULES_LEGAL_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/civil.h"
#include "core/codes.h"
#include "modules/legal/legal.h"
#include "web/form.h"
#include "web/web.h"

extern int PERM_LEGAL_READ, PERM_LEGAL_WRITE, PERM_LEGAL_KINDS;
extern const db_module_schema legal_schema;
extern const code LEGAL_STATES[4], LEGAL_ANSWERS[4], LEGAL_MEANS[5], LEGAL_LISTS[6], LEGAL_OPINIONS[3];

typedef struct legal_kind {
	int64_t id;
	const char *code, *label, *body, *pieces; /* pieces: « identité, avis d’imposition » */
	bool opinion, active;
	int answer_days, renewal_months;
} legal_kind;

typedef struct legal_file {
	int64_t id, household_id, person_id, kind_id, version, answer_amount; /* answer_amount -1: not said */
	const char *kind_label, *body, *kind_pieces, *lodged_on, *due_on, *lodged_by, *status, *pieces_received, *opinion,
		*opinion_reason, *forwarded_on, *forward_means, *forward_ref, *forwarded_missing, *answer, *answer_on, *answer_from,
		*answer_to, *expected_on, *renewal_on;
	bool kind_opinion;
	const char *kind_code;
} legal_file;

/* The obligés alimentaires of an ASH file (or an enquiry): contact, answer. */
extern const code LEGAL_OBLIGE_ANSWERS[5];
typedef struct legal_oblige {
	int64_t id;
	const char *name, *relation, *contact, *answer;
	int64_t amount; /* monthly, cents; -1: none said */
	const char *answered_on;
} legal_oblige;
bool legal_has_obliges(const legal_file *f);
int legal_obliges(db_conn *c, arena *a, int64_t file_id, legal_oblige **out);

/* Default kinds are written for a structure the first time it needs them. */
err legal_kinds_ensure(db_conn *c);
int legal_kinds(db_conn *c, arena *a, bool active_only, legal_kind **out); /* -1 on failure */
bool legal_kind_get(db_conn *c, arena *a, int64_t id, legal_kind *out);
err legal_kind_save(db_conn *c, int64_t user, int64_t id, const kv_list *in, form_errors *fe, int64_t *out_id);

bool legal_file_load(db_conn *c, arena *a, int64_t id, legal_file *out);
/* The pieces of the kind not yet received, « a, b » ("" when none). */
const char *legal_missing(arena *a, const legal_file *f);
/* Due date: lodged + one calendar month (31 January → last day of February). */
civil_date legal_due(civil_date lodged);

typedef struct legal_ctx {
	db_conn *c;
	arena *a;
	int64_t user;
	civil_date today;
} legal_ctx;
#define LEGAL_CTX(r) ((legal_ctx){(r)->db, (r)->a, (r)->user->id, civil_today((r)->user->tz)})

err legal_create(const legal_ctx *x, const kv_list *in, form_errors *fe, int64_t *id);
/* action: pieces, avis, transmettre, reponse, clore; in holds the fields and "version". */
err legal_act(const legal_ctx *x, legal_file *f, const char *action, const kv_list *in, form_errors *fe, const char **why);

err legal_oblige_add(const legal_ctx *x, const legal_file *f, const kv_list *in, form_errors *fe, int64_t *id);
err legal_oblige_answer(const legal_ctx *x, const legal_file *f, int64_t oid, const kv_list *in, form_errors *fe);

/* Several open files to one body at once (one transaction): marked
 * forwarded with the slip's reference (typed, else « BT-AAAAMMJJ-id »),
 * in *out_ref; the files of a slip, to print it. */
err legal_forward_batch(const legal_ctx *x, const int64_t *ids, int n, const char *on, const char *means, const char *ref,
                        form_errors *fe, const char **out_ref);
int legal_slip(db_conn *c, arena *a, const char *ref, legal_file **out);

/* Work lists (LEGAL_LISTS), newest due first; *total the whole count. */
int legal_list(const legal_ctx *x, const char *list, int64_t kind, int limit, int offset, legal_file **out, int64_t *total);
int legal_of_household(db_conn *c, arena *a, int64_t hid, legal_file **out);
typedef struct legal_counts { int64_t late, soon, waiting_long, renewals; } legal_counts;
err legal_counts_of(const legal_ctx *x, legal_counts *out);

/* Pages and API (legal_pages.c, legal_api.c). */
void legal_pages_init(void);
void legal_api_init(void);
void legal_section(web_req *r, int64_t hid);
void legal_widget(web_req *r);
/* The tables counted in a household's parts (persons.h): its migration creates their triggers, its descriptor
 * names them (module_part: `openccas check` recounts them). */
#define LEGAL_PARTS(X) X("legal_files", "legal", "structure_id, household_id", PERSONS_PART_ANY)

#endif
