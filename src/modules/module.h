/*
 * module.h — what a mission module is to the rest of the program.
 *
 * Each module exports one `const module` (its descriptor, in its
 * <name>_module.c) and src/modules/modules.c lists them, once, in order:
 * adding a module is a folder and a line there (docs/ARCHITECTURE.md, « how
 * to add a module »). Everything the program needs from a module goes
 * through its descriptor: its schema, its permissions, its routes, and the
 * hooks other parts call — the navigation, the household page's sections,
 * the home page's widgets, the data-subject export, anonymisation, what
 * holds a household from retention, demo data, the French words for its
 * journal and timeline codes, its statistics. No registry, no cap: the
 * lists are the descriptors' own arrays.
 *
 * Every field but the name may be left empty (NULL, 0).
 */
#ifndef MODULES_MODULE_H
#define MODULES_MODULE_H
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "core/civil.h"
#include "core/codes.h"
#include "core/countof.h"
#include "store/store.h"
#include "web/web.h"

/* The roles of DOMAIN.md. */
typedef enum role {
	ROLE_NONE = 0,
	ROLE_RECEPTION = 1,     /* agent d'accueil */
	ROLE_SOCIAL_WORKER,     /* travailleur social */
	ROLE_CASE_OFFICER,      /* instructeur */
	ROLE_MANAGER,           /* responsable / direction */
	ROLE_COMMITTEE,         /* commission / élus */
	ROLE_DPO,               /* DPO / auditeur */
	ROLE_ADMIN,             /* administrateur */
	ROLE_VOLUNTEER,         /* bénévole (the calls of an alert campaign it is given, nothing else) */
	ROLE__MAX
} role;
#define ROLE_BIT(r) (1u << (r))
#define ROLES_ALL 0x1FEu

/* A permission the module declares: its number is written to *id when
 * the program starts (before the routes are registered). */
typedef struct module_perm {
	int *id;
	const char *key, *label;
	unsigned roles;              /* ROLE_BIT()s that hold it by default */
} module_perm;

/* An entry of the main navigation, shown to those who hold *perm
 * (perm NULL: to every logged-in user). */
typedef struct module_nav {
	int order;
	const char *label, *href;
	const int *perm;
	bool (*visible)(web_req *r); /* NULL, or a further condition to show it */
} module_nav;

/* A section of the household page, in order, for those who hold *perm. */
typedef struct module_section {
	int order;
	const char *title;
	void (*write)(web_req *r, int64_t household_id);
	const int *perm;
	/* A skip link the household page offers to the section's main form
	 * (« Enregistrer un contact » → #contact), or NULL. */
	const char *skip_href, *skip_label;
	/* Whether the household has anything the section reads: the name of the household's part its module counts
	 * its tables under (persons.h: PERSONS_PART_SQLITE, PERSONS_PART_PG), counted whenever the section's read
	 * would find a row (letters and '_'; a part is one section's); NULL when it always reads. The household page
	 * reads every part with the household, then writes each section with module_section_write: one that has
	 * nothing need not read (module_section_has_rows) — most of a file's sections are empty, and each read was a
	 * statement. */
	const char *part;
} module_section;

/* A table whose rows the module counts in a household's parts (persons.h's triggers, created by its migration):
 * the part, the table, the condition under which a row t counts. Declared from the migration's own list:
 * MODULE_PART is the X of a list X(table, part, columns, condition) that the migration expands with
 * PERSONS_PART_SQLITE and PERSONS_PART_PG. `openccas check` recounts every part from its tables. */
typedef struct module_part {
	const char *part, *table, *cond;
} module_part;
#define MODULE_PART(T, P, COLS, COND) {P, T, COND("t")},

/* A block of the agent's home page. */
typedef struct module_widget {
	int order;
	void (*write)(web_req *r);
	const int *perm;
} module_widget;

/* A code the module writes to the journal or the timeline ("domi_mail"),
 * and how people read it ("courrier de domiciliation"). */
typedef struct module_label {
	const char *code, *label;
} module_label;

/* What demo data a module is asked for. */
typedef struct module_demo {
	int64_t structure_id;
	int64_t households;           /* the size asked for */
	uint64_t seed;
	const int64_t *users;         /* the structure's agents, one per role */
	int nusers;
	int64_t manager;
} module_demo;

/* A figure the observation module can show (issue 19): over a period,
 * counts by category. */
typedef struct module_figure {
	const char *category;         /* French, "" for a single figure */
	int64_t n;
	int64_t household;            /* in a drill-down (module_period.drill): the household behind the row */
} module_figure;
/* What an indicator is asked: the period [from, to] (ISO dates); only the
 * households of the observation's filters (scoped: the connection's
 * temporary table obs_scope, filled by persons_scope_fill); or, for a
 * drill-down, the households behind each category rather than counts. */
typedef struct module_period {
	const char *from, *to;
	bool scoped, drill;
} module_period;
/* In an indicator's statement, after its WHERE conditions: the expression
 * that names the household of a counted row. The scoped statement adds
 * « AND expr IN (SELECT household_id FROM obs_scope) » there; the drill-down
 * selects it and groups by it too. The statement must read
 * « SELECT category, aggregate … GROUP BY 1 … »; without the marker, the
 * indicator is neither filtered nor drilled into (the page says so). */
#define MODULE_HOUSEHOLD(expr) " /*household:" expr "*/ "
typedef struct module_indicator {
	const char *key, *label, *definition;  /* the definition says what is counted, in French */
	/* Appends the counts for p to out (arena); E_INPUT when p asks a
	 * filter or a drill-down its statement has no household for. */
	err (*count)(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n);
} module_indicator;

typedef struct module {
	const char *name;             /* the folder's */
	const db_module_schema *schema;
	const module_perm *perms;
	int nperms;
	/* At start-up, once every module's permissions are numbered: its
	 * web_route()s and whatever else it sets up. */
	void (*init)(void);
	const module_nav *nav;
	int nnav;
	const module_section *sections;
	int nsections;
	/* The tables it counts in a household's parts (above). */
	const module_part *parts;
	int nparts;
	/* What the module knows of the signed-in user, read in the statement that reads her session or token (a
	 * statement a request less): an SQL expression over u.id (the user) and st.id (the structure she works in)
	 * whose value is a non-negative integer — a condition (1 or 0: the register's « is one of its named
	 * agents ») or a number (the persons' change feed's head, the search's « anything new? »). module_user_fact
	 * tells it; NULL: none. */
	const char *user_fact;
	const module_widget *widgets;
	int nwidgets;
	/* Data-subject export: the module's records about a person (and their
	 * household), appended to out as objects, under subject_key. */
	const char *subject_key;
	void (*subject)(db_conn *c, arena *a, int64_t person_id, int64_t household_id, json_t *out);
	/* Anonymisation of a household (in the caller's transaction). */
	err (*anonymise)(db_conn *c, int64_t household_id);
	/* SQL condition on households h: the module still works on it, so it
	 * is neither archived nor anonymised ("SELECT 1 FROM … h.id …"). */
	const char *retention_hold;
	err (*demo)(db *d, const module_demo *x);
	const module_label *labels;
	int nlabels;
	/* The kinds of event it writes to a household's timeline
	 * (persons_timeline_add), with the word the timeline's filter shows:
	 * {"aid_request", "Aides"}. */
	const code *timeline;
	int ntimeline;
	const module_indicator *indicators;
	int nindicators;
	/* How people name one of its records in the journal: « dossier
	 * 00-3001 », « domiciliation n° 12 », with the page that shows it
	 * (*href, may stay NULL); NULL when the kind is not its own. */
	const char *(*ref)(db_conn *c, arena *a, const char *kind, int64_t id, const char **href);
	/* The same for many records at once (optional, for the kinds a page names by the hundred): fills ref[i] and
	 * href[i] for the rows whose kind is its own and that it names, in a few statements; for its own rows whose
	 * record is gone, href[i] "" and ref[i] NULL (nobody asks again, one by one); leaves the others
	 * (module_refs_of does it over a table). */
	err (*refs)(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, const char **ref,
	            const char **href);
	/* The reverse, for a search: « 00-3001 » typed → the household it
	 * names (*kind, *id); false when the text is not one of its numbers. */
	bool (*lookup)(db_conn *c, arena *a, const char *text, const char **kind, int64_t *id);
	/* `openccas notify`: queues the module's reminders to the persons who
	 * consented (persons_notice_queue), *count how many; send=false
	 * counts only. */
	err (*notify)(db *d, civil_date today, bool send, int64_t *count);
	/* `openccas purge`: erases what the module keeps only for a while (an
	 * upload waiting for its confirmation), older than the day before on,
	 * in every structure; *count how many; apply=false counts only. */
	err (*purge)(db *d, civil_date on, bool apply, int64_t *count);
} module;

/* A purge hook's usual work: the rows older than the day before on (its created_at, in seconds) counted by
 * count_q or deleted by delete_q — two DB_GLOBAL statements taking that instant as $1. */
err module_purge_older(db *d, db_sql *count_q, db_sql *delete_q, civil_date on, bool apply, int64_t *count);

/* The module list, as modules.c sets it at start-up; read by those that
 * gather what the modules give (the household page's sections, the home
 * page's widgets, the data-subject export, anonymisation, retention, the
 * journal's words, the timeline's kinds, demo data). */
void module_list_set(const module *const *list, int n);
int module_count(void);
const module *module_at(int i);
/* Every module's household sections (home widgets), sorted by order; the
 * arrays are built once by module_list_set. */
int module_sections(const module_section *const **out);
/* The modules' user facts as the columns the session's statement adds to its list (", (c1), (c2)", "" without
 * any), fixed at the first call; module_user_facts_read takes them from row q, from column col. */
const char *module_user_facts_sql(void);
void module_user_facts_read(web_user *u, arena *a, db_res *q, int col);
/* m's fact about the request's user (its expression's value, 0 when NULL); -1 when not read with her session (the
 * module asks itself). */
int64_t module_user_fact(web_req *r, const module *m);
/* Writes section s of household_id's page; has_rows false when its `rows` condition was found false. */
void module_section_write(web_req *r, const module_section *s, int64_t household_id, bool has_rows);
/* In a section's write: false when the page found that the household has nothing for it (the section writes its
 * empty state without reading); true otherwise, and outside the household page. */
bool module_section_has_rows(web_req *r);
int module_widgets(const module_widget *const **out);
/* Every module's timeline kinds, in the list's order. */
int module_timeline_kinds(const code *const **out);
/* A record as people name it (see module.ref), or NULL; the modules'
 * lookup of a typed number (see module.lookup). */
const char *module_ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href);
/* The same for rows kinds[0..n), ids[0..n): each module names its own, many at a time where it can (module.refs);
 * ref[i] NULL when no module names it. */
void module_refs(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, const char **ref, const char **href);
/* A module's refs over one of its tables: the rows whose kind mine() accepts, named from the rows of q (« SELECT
 * id, … FROM t WHERE structure_id = $1 AND id IN » DB_IN50), fifty a statement — name(row, a, id, &href) for each
 * row found, given to every entry of that id; the entries whose record is gone marked so (module.refs). */
err module_refs_of(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, bool (*mine)(const char *kind),
                   db_sql *q, const char *(*name)(db_res *row, arena *a, int64_t id, const char **href), const char **ref,
                   const char **href);
bool module_lookup(db_conn *c, arena *a, const char *text, const char **kind, int64_t *id);
/* For a module's indicator: the rows (category, count) of q run with
 * (p->from, p->to) as $2, $3, appended to *out; a NULL or empty category
 * reads « non renseigné ». Honours p->scoped and p->drill (see
 * MODULE_HOUSEHOLD). */
err module_figures_query(db_conn *c, arena *a, db_sql *q, const module_period *p, module_figure **out, int *n);
/* The same over timestamped rows: (start, end) instants as $2, $3
 * (accounts_period_instants gives them for a period of days). */
err module_figures_query_at(db_conn *c, arena *a, db_sql *q, const module_period *p, int64_t start, int64_t end, module_figure **out, int *n);
/* The same with the caller's arguments from $2 (a statement that needs more than the period). */
err module_figures_query_args(db_conn *c, arena *a, db_sql *q, const module_period *p, int nargs, const db_arg *args, module_figure **out,
                              int *n);
/* Categories that are codes of list shown by their French label. */
void module_figures_relabel(module_figure *v, int n, const code *list, int nlist);
/* The French for a journal or timeline code a module declared; the code
 * itself when none did. */
const char *module_code_label(const char *code);
#endif
